"""Errors a user can act on: each names the file, the field and what is accepted.

Both are :class:`shootprint.problems.ProblemsError`: a list of structured problems (source,
location, stable code, English and French message, hint) whose sentences the CLI prints as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shootprint.problems import ProblemsError
from shootprint.problems import ShootprintError as ShootprintError  # the base of every error, defined there

if TYPE_CHECKING:
    from shootprint.problems import Problem


class InputError(ProblemsError):
    """Bad input: a production file, an overrides file, a command-line value.

    ``problems`` holds every problem found, one sentence each, so a user fixes all in one pass;
    ``details`` the same problems as :class:`~shootprint.problems.Problem` objects.
    """

    def __init__(self, message: str | Problem | Sequence[str | Problem]) -> None:
        super().__init__(message)


class FactorError(ProblemsError):
    """A factor that cannot be found or used (unknown id, wrong unit, archived without consent)."""

    def __init__(self, message: str | Problem | Sequence[str | Problem]) -> None:
        if isinstance(message, str):
            from shootprint.problems import Problem

            message = Problem.from_text(message, code="factor")
        super().__init__(message)

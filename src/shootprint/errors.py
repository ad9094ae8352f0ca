"""Errors a user can act on: each message names the file, the field and what is accepted."""

from __future__ import annotations


class ShootprintError(Exception):
    """Base of every error shootprint raises on purpose (the CLI prints it without a traceback)."""


class InputError(ShootprintError):
    """Bad input: a production file, an overrides file, a command-line value.

    ``problems`` holds every problem found, one sentence each, so a user fixes all in one pass.
    """

    def __init__(self, message: str | list[str]) -> None:
        self.problems = [message] if isinstance(message, str) else list(message)
        super().__init__("\n".join(self.problems))


class FactorError(ShootprintError):
    """A factor that cannot be found or used (unknown id, wrong unit, archived without consent)."""

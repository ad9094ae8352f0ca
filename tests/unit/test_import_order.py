"""Each module of the errors and of their users imports first in a fresh interpreter: a script, a
test file run alone or a worker process may start from any of them."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST = ["shootprint.problems", "shootprint.errors", "shootprint.server.backup", "shootprint.production"]


@pytest.mark.parametrize("module", FIRST)
def test_the_module_imports_first(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_errors_are_one_family() -> None:
    from shootprint.errors import FactorError, InputError, ShootprintError
    from shootprint.problems import ProblemsError

    assert issubclass(InputError, ProblemsError) and issubclass(FactorError, ProblemsError)
    assert issubclass(ProblemsError, ShootprintError)

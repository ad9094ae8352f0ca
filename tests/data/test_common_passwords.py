"""The common-passwords list the server refuses, against the script that builds it from zxcvbn's data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shootprint.server.security import MIN_PASSWORD_LENGTH, common_passwords, password_problems

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "data-raw" / "common_passwords.py"
LIST = REPO / "src" / "shootprint" / "server" / "data" / "common-passwords.txt"


def _lines() -> list[str]:
    return LIST.read_text(encoding="utf-8").splitlines()


def test_header_names_source_licence_version_and_command() -> None:
    header = "\n".join(line for line in _lines() if line.startswith("#"))
    assert "zxcvbn 4.5.0" in header
    assert "MIT licence" in header
    assert "xato.net" in header
    assert "python data-raw/common_passwords.py" in header
    assert "hand-written, not from zxcvbn" in header  # the French and application words are marked


@pytest.mark.parametrize(
    "password",
    ["1q2w3e4r5t", "qwertyuiop", "Password123", "1qaz2wsx3edc", "motdepasse", "motdepasse1", "Shootprint1"],
)
def test_a_common_password_is_refused(password: str) -> None:
    assert "This password is among the most common ones; choose another." in password_problems(password)


def test_a_long_uncommon_password_is_accepted() -> None:
    assert password_problems("grue-de-plateau-42-lumière") == []


def test_entries_are_long_enough_lower_case_and_unique() -> None:
    words = [line for line in _lines() if line and not line.startswith("#")]
    assert len(words) > 1000
    assert len(words) == len(set(words)) == len(common_passwords())
    assert all(len(w) >= MIN_PASSWORD_LENGTH and w == w.lower() == w.strip() for w in words)


def test_the_file_is_what_the_script_builds() -> None:
    pytest.importorskip("zxcvbn")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


def test_the_server_never_imports_zxcvbn() -> None:
    """The list is read from the text file: zxcvbn is a data-build tool, not a run-time dependency."""
    pytest.importorskip("fastapi")
    code = (
        "import sys\n"
        "from shootprint.server.app import create_app\n"
        "from shootprint.server.security import password_problems\n"
        "assert password_problems('qwertyuiop')\n"
        "assert 'zxcvbn' not in sys.modules, 'zxcvbn imported at run time'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not [p for p in (REPO / "src").rglob("*.py") if "zxcvbn" in p.read_text(encoding="utf-8")]

"""Importing the tracker stays light: no numpy, pint, pynvml, pydantic or subprocess."""

from __future__ import annotations

import subprocess
import sys


def test_import_is_light() -> None:
    code = (
        "import sys, shootprint.tracker\n"
        "heavy = [m for m in ('numpy', 'pint', 'pynvml', 'pydantic', 'codecarbon') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""

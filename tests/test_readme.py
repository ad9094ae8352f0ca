"""The README gives exactly two set-up commands, CI runs the test one, and the main job runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up from a fresh clone", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_exactly_two_setup_commands():
    assert _setup_commands() == ["bash scripts/compare.sh", "bash scripts/test.sh"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


def test_main_job_runs_and_compares_the_reference_campaign():
    # scripts/compare.sh installs into .venv (already there in a test run: pip has nothing to do)
    out = subprocess.run(["bash", "scripts/compare.sh"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    for name in ("Outdoor shoot, Cape Town", "Outdoor shoot, Marseille", "Studio shoot, Paris", "Generated with AI"):
        assert name in out.stdout
    assert "× lowest" in out.stdout

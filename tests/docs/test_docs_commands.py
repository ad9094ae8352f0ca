"""Docs tests: every command shown in a ```console block of docs/*.md runs, and prints what the page says.

A block holds lines `$ shootprint …` followed by the output the page shows. The command runs from the
repository root; its output must equal the page's, line by line (trailing spaces ignored). When a data
or formula change moves a figure, the page must be updated with it: that is the point.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
BIN = Path(sys.executable).parent


def commands() -> list[tuple[str, str, str]]:
    found = []
    for page in DOCS:
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            cmd, out = None, []
            for line in block.splitlines():
                if line.startswith("$ "):
                    if cmd:
                        found.append((page.name, cmd, "\n".join(out)))
                    cmd, out = line[2:], []
                else:
                    out.append(line)
            if cmd:
                found.append((page.name, cmd, "\n".join(out)))
    return found


def run(cmd: str) -> str:
    argv = shlex.split(cmd)
    assert argv[0] == "shootprint", cmd
    argv[0] = str(BIN / "shootprint")
    expanded: list[str] = []
    for arg in argv:
        expanded.extend(sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(arg)) if "*" in arg else [arg])
    proc = subprocess.run(expanded, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return (proc.stdout + proc.stderr).rstrip("\n")


def _norm(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_docs_have_commands():
    assert any(page == "claims.md" for page, _, _ in commands())


@pytest.mark.parametrize(("page", "cmd", "expected"), commands(), ids=lambda v: v if len(v) < 60 else v[:60])
def test_documented_command_prints_what_the_page_says(page: str, cmd: str, expected: str):
    assert _norm(run(cmd)) == _norm(expected), f"{page}: `{cmd}` prints something else now"

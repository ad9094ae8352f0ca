"""Instructions a fresh ``shootprint`` process executes, counted by valgrind: a figure the load of a
shared machine does not move (wall and CPU times of a short command vary by tens of percent on a
busy machine; the count varies by well under 1 %).

Counts the instructions (callgrind's ``Ir``) of a fresh process of each command, as
``bench_core.py`` times them: ``compare`` of the five reference productions, ``sensitivity`` of the
first one (Sobol N=512), the PDF report of the five. valgrind runs a process about 50 times slower:
the report takes minutes. ``--before DIR`` counts that ``src`` folder too and prints after/before.

Run: .venv/bin/python benchmarks/bench_instructions.py [--before DIR] [--only compare,sensitivity,report]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import ROOT

FILES = sorted(str(p) for p in (ROOT / "examples" / "reference").glob("*.yaml"))
PARTS = ("compare", "sensitivity", "report")
CLI = "import sys; from shootprint.cli import main; sys.argv[0] = 'shootprint'; main()"


def instructions(argv: list[str], src: Path) -> int:
    """The instructions of one fresh process of ``shootprint argv`` with ``src`` first on the path
    (a run beforehand writes the bytecode caches, as a user's second run finds them)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    env["PYTHONHASHSEED"] = "0"  # the same dict and set layouts in every run
    cmd = [sys.executable, "-c", CLI, *argv]
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=env)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env=env,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind did not report a count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a src folder to count first, printed beside this one")
    parser.add_argument("--only", help="only these commands: " + ", ".join(PARTS))
    args = parser.parse_args()
    only = args.only.split(",") if args.only else list(PARTS)
    if set(only) - set(PARTS):
        parser.error(f"--only {args.only}: accepted: {', '.join(PARTS)}")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    srcs = [args.before.resolve()] if args.before else []
    srcs.append(ROOT / "src")
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "compare": (f"shootprint compare ({len(FILES)} files)", ["compare", *FILES]),
            "sensitivity": ("shootprint sensitivity (1 file, N=512)", ["sensitivity", FILES[0]]),
            "report": (f"shootprint report ({len(FILES)} files) → PDF", ["report", *FILES, "--out", f"{tmp}/r.pdf"]),
        }
        header = f"{'instructions (millions)':<48}" + ("  before     after  after/before" if args.before else "  count")
        print(header)
        for part in only:
            label, argv = commands[part]
            counts = [instructions(argv, src) for src in srcs]
            cells = "".join(f"{c / 1e6:9.0f}" for c in counts)
            ratio = f"  {counts[1] / counts[0]:11.3f}×" if len(counts) == 2 else ""
            print(f"{label:<48}{cells}{ratio}", flush=True)


if __name__ == "__main__":
    main()

"""What a long-lived multi-threaded server needs of the core: the same results from 16 threads as
from one, and no file written anywhere but the outputs a user names (read-only home included)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from shootprint.calculator import Calculator
from shootprint.factors import CSV_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "examples" / "reference").glob("*.yaml"))
DOCS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in REFERENCE]


def _grid(value: float) -> list[dict[str, str]]:
    row = {c: "" for c in CSV_COLUMNS}
    row.update(id="energy.grid.FR", value=str(value), unit="kgCO2e/kWh", source="supplier certificate")
    return [row]


# 16 jobs: each production alone, with and without an overridden grid, deterministic and drawn
JOBS = [(i % len(DOCS), (i // len(DOCS)) % 3, i % 2 == 0) for i in range(16)]
OVERRIDES = [[], _grid(0.02), _grid(0.3)]


def _run(job: tuple[int, int, bool]) -> dict:
    index, overrides, drawn = job
    calc = Calculator(overrides=OVERRIDES[overrides])
    if drawn:
        others = DOCS[index : index + 2] if index + 2 <= len(DOCS) else DOCS[index - 1 : index + 1]
        return calc.compare(others, samples=300, seed=index).to_dict()
    return calc.estimate(DOCS[index]).to_dict()


def test_sixteen_threads_give_the_results_of_one():
    alone = [_run(job) for job in JOBS]
    for _ in range(2):
        with ThreadPoolExecutor(max_workers=16) as pool:
            together = list(pool.map(_run, JOBS))
        assert together == alone
    # the overrides did change something: the jobs are not all the same computation
    assert len({round(r.get("total_kgco2e", 0.0), 6) for r in alone if "total_kgco2e" in r}) > len(DOCS)


def test_nothing_is_written_outside_named_outputs(tmp_path: Path):
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    out = work / "report.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1", MPLCONFIGDIR=str(home / "mpl"))
    files = [str(p) for p in REFERENCE[:2]]
    code = "import sys; from shootprint.cli import main; sys.argv = ['shootprint'] + sys.argv[1:]; main()"
    commands = [
        ["compare", *files, "--format", "json"],
        ["estimate", files[0], "--samples", "100", "--set", "shoot_days=3"],
        # a unit only pint knows (furlongs): the unit registry is built, and must not cache on disk
        ["estimate", files[1], "--set", "activities.crew-commute.distance=75 furlong"],
        ["sensitivity", files[0], "--samples", "16"],
        ["factors", "search", "électricité"],
        ["report", *files, "--out", str(out), "--samples", "100"],
    ]
    home.chmod(0o555)  # read-only: a write there would fail the command
    try:
        for argv in commands:
            done = subprocess.run(
                [sys.executable, "-c", code, *argv], cwd=work, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, (argv, done.stderr[-2000:])
    finally:
        home.chmod(0o755)
    assert list(home.rglob("*")) == []
    assert sorted(p.name for p in work.rglob("*")) == ["report.html"]

"""The core's speed, warm and cold: the figures of the server-readiness work, before and after.

Prints medians (this machine is small and shared: compare figures taken in one sitting):
- warm estimate of each reference production (factor table loaded, production validated);
- 10,000 Monte Carlo draws of the five reference productions, compared with ratios (warm);
- fresh-process ``shootprint compare`` of the five (as ``/usr/bin/time -v shootprint compare …``);
- fresh-process ``shootprint sensitivity`` of one production (Sobol N=512, the default);
- fresh-process ``shootprint report … --out report.pdf`` of the five;
- ``compare --samples`` in process for growing numbers of productions (cost per production).

Fresh-process and scaling figures also give their CPU time (user + system): on a shared machine
the wall time counts the waits for a free core, the CPU time does not.

``--src DIR`` times another checkout's ``src`` folder with this environment; ``--before DIR`` times
that folder and this checkout's ``src`` one after the other and prints both columns, before → after
(the "before" folder comes from the commit before a change: ``git worktree add --detach /tmp/before
<commit>``, then ``--before /tmp/before/src``). ``--sizes 5,50,500`` sets the numbers of productions
of the ``compare --samples`` scaling figures.

``--only compare,sensitivity`` takes only some figures (warm, version, compare, sensitivity, report,
scaling), e.g. the fresh-process ones of a change to imports; ``--runs N`` sets the number of runs
of the fresh-process figures (default 7, the report 3). With ``--before``, ``--turns N`` runs the
two checkouts in turn N times (one run of each figure a turn) so that both see the same load.

Run: .venv/bin/python benchmarks/bench_core.py [--src DIR | --before DIR] [--quick] [--sizes N,N]
     [--only NAME,NAME] [--runs N] [--turns N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import ROOT, report

FILES = sorted(str(p) for p in (ROOT / "examples" / "reference").glob("*.yaml"))


def median_s(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: median CPU seconds (user + system) of the fresh processes of the last :func:`wall` call
LAST_CPU: list[float] = []


def wall(argv: list[str], src: Path, runs: int) -> float:
    """Median wall time of a fresh ``shootprint`` process; its median CPU time goes to LAST_CPU
    (on a shared, loaded machine the wall time counts the waits for a core, the CPU time does not)."""
    import resource
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-c", "import sys; from shootprint.cli import main; sys.argv[0] = 'shootprint'; main()"]
    subprocess.run([*cmd, *argv], capture_output=True, check=True, cwd=ROOT, env=env)
    times, cpus = [], []
    for _ in range(runs):
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*cmd, *argv], capture_output=True, check=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime)
    LAST_CPU[:] = [statistics.median(cpus)]
    return statistics.median(times)


def record_fresh(label: str, seconds: float) -> None:
    """A fresh-process figure: its wall time, then its CPU time on a line of its own."""
    record(label, seconds)
    record(f"  {label.removesuffix(', fresh process')}, CPU time", LAST_CPU[0])


FIGURES: list[tuple[str, float]] = []
#: what --only accepts
PARTS = ("warm", "version", "compare", "sensitivity", "report", "scaling")


def record(label: str, seconds: float) -> None:
    FIGURES.append((label, seconds))
    report(label, seconds)


def side_by_side(before: Path, argv: list[str], rounds: int = 1) -> None:
    """Run this script on ``before`` and on this checkout's src; print both medians per figure.

    With ``rounds`` above 1 the two run in turn, ``rounds`` times each (one run of each figure a
    turn), and each column is the median of its turns: on a shared machine whose load changes from
    minute to minute, both columns then see the same load."""
    import subprocess

    turns: list[dict[str, list[float]]] = [{}, {}]
    loads = []
    for _ in range(rounds):
        for column, src in zip(turns, (before, ROOT / "src"), strict=True):
            loads.append(os.getloadavg()[0])
            out = subprocess.run(
                [sys.executable, __file__, "--src", str(src), "--json", *argv],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            for label, seconds in json.loads(out.splitlines()[-1]):
                column.setdefault(label, []).append(seconds)
    columns = [{label: statistics.median(values) for label, values in column.items()} for column in turns]
    print(
        f"load average (1 min) during the runs: median {statistics.median(loads):.2f}, "
        f"from {min(loads):.2f} to {max(loads):.2f}; {rounds} turn(s) each"
    )
    print(f"{'figure (median)':<58} {'before':>10} {'after':>10} {'after/before':>12}")
    for label in dict.fromkeys([*columns[0], *columns[1]]):
        cells = [f"{c[label] * 1000:8.1f} ms" if label in c else f"{'—':>11}" for c in columns]
        both = all(label in c for c in columns) and columns[0][label] > 0
        ratio = f"{columns[1][label] / columns[0][label]:11.2f}×" if both else ""
        print(f"{label:<58} {cells[0]:>10} {cells[1]:>10} {ratio:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--before", type=Path, help="a src folder to time first, printed beside this one")
    parser.add_argument("--quick", action="store_true", help="fewer runs, no PDF, smaller scaling figures")
    parser.add_argument("--sizes", help="numbers of productions of the scaling figures, e.g. 5,50,500")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    parser.add_argument("--only", help="only these figures: " + ", ".join(PARTS))
    parser.add_argument("--runs", type=int, help="runs of each fresh-process figure (default 7, the report 3)")
    parser.add_argument("--turns", type=int, default=1, help="with --before: run before and after in turn N times")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(PARTS)
    if only - set(PARTS):
        parser.error(f"--only {args.only}: accepted: {', '.join(PARTS)}")
    if args.before:
        passed = [a for a in ("--quick",) if getattr(args, a[2:])] + (["--sizes", args.sizes] if args.sizes else [])
        passed += ["--only", args.only] if args.only else []
        if args.turns > 1:  # before and after in turn, one run of each figure a turn
            side_by_side(args.before.resolve(), [*passed, "--runs", "1"], args.turns)
        else:
            side_by_side(args.before.resolve(), passed + (["--runs", str(args.runs)] if args.runs else []))
        return
    src = args.src.resolve()
    sys.path.insert(0, str(src))
    runs = args.runs or (3 if args.quick else 7)
    print(f"source: {src}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    from shootprint import api

    if "warm" in only:
        table = api.load_table()
        for f in FILES:
            prod = api.load_production(f)
            t = median_s(lambda prod=prod: api.estimate(prod, table=table), runs=50)
            record(f"warm estimate {Path(f).stem} ({len(prod.activities)} activities)", t)

        from shootprint.scenarios import compare_mc

        scenarios = [api.scenario(Path(f)) for f in FILES]
        t = median_s(lambda: compare_mc(scenarios, table, 10_000, seed=1).to_dict(), runs=runs)
        record(f"10,000 draws × {len(FILES)} productions with ratios (warm)", t)

    if "version" in only:
        record_fresh("shootprint --version, fresh process", wall(["--version"], src, runs))
    if "compare" in only:
        record_fresh(f"shootprint compare ({len(FILES)} files), fresh process", wall(["compare", *FILES], src, runs))
    if "sensitivity" in only:
        record_fresh(
            "shootprint sensitivity (1 file, N=512), fresh process", wall(["sensitivity", FILES[0]], src, runs)
        )
    with tempfile.TemporaryDirectory() as tmp:
        if "report" in only and not args.quick:
            out = str(Path(tmp) / "r.pdf")
            record_fresh(
                f"shootprint report ({len(FILES)} files) → PDF, fresh process",
                wall(["report", *FILES, "--out", out], src, args.runs or 3),
            )
    if "scaling" not in only:
        if args.json:
            print(json.dumps(FIGURES))
        return

    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else [5, 25, 50] if args.quick else [5, 25, 50, 100]
    for n in sizes:
        paths = [FILES[i % len(FILES)] for i in range(n)]
        cpu_start = time.process_time()
        t = median_s(lambda paths=paths: api.compare_uncertain(paths, samples=10_000, seed=1).to_dict(), runs=1)
        cpu = (time.process_time() - cpu_start) / 2  # median_s ran it twice: a warm-up, then the timed run
        record(f"compare --samples 10000 of {n} productions (warm)", t)
        record(f"  compare --samples 10000 of {n} productions, CPU time", cpu)
        print(f"{'':<58} {t / n * 1000:8.1f} ms per production")
    if args.json:
        print(json.dumps(FIGURES))


if __name__ == "__main__":
    main()

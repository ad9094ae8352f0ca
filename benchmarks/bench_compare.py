"""Speed of the main job: `shootprint compare` on the reference campaign, and Monte Carlo.

Prints medians of several runs (this machine is small and noisy):
- wall time of `shootprint compare examples/reference/*.yaml` in a fresh process;
- compute time of 10,000 draws of the reference comparison with ratios (in process, files loaded);
- compute time of the sensitivity analysis of the first scenario.

Run: .venv/bin/python benchmarks/bench_compare.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from _timing import BIN, ROOT, report, wall_s

FILES = sorted(str(p) for p in (ROOT / "examples" / "reference").glob("*.yaml"))


def median_s(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    bare = wall_s([sys.executable, "-c", "pass"])
    report("python -c pass (baseline)", bare)
    report(
        f"shootprint compare ({len(FILES)} reference files), fresh process",
        wall_s([str(BIN / "shootprint"), "compare", *FILES]),
        bare,
    )

    from shootprint import api
    from shootprint.scenarios import compare_mc, sensitivity

    scenarios = [api.scenario(Path(f)) for f in FILES]
    table = api.load_table()
    t_mc = median_s(lambda: compare_mc(scenarios, table, 10_000, seed=1).to_dict())
    report(f"10,000 draws × {len(FILES)} scenarios with ratios (compute)", t_mc)
    t_sens = median_s(lambda: sensitivity(scenarios[:1], table, base_samples=512, seed=1), runs=3)
    report("sensitivity of one scenario, Sobol N=512 (compute)", t_sens)


if __name__ == "__main__":
    main()

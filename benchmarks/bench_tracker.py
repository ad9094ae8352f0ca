"""Overhead of the tracker per tracked job, beside CodeCarbon's task API, on the same empty job.

Run: ``python benchmarks/bench_tracker.py [--reps N]``. Prints medians in ms per job:

* shootprint, ``with track(label):`` on an empty block, sources chosen automatically (cached per
  process; on a host without GPU nor readable RAPL that is the estimate source alone), no file;
* the same, appending each record to a JSON Lines file in a temporary folder;
* CodeCarbon ``OfflineEmissionsTracker(country_iso_code="FRA", save_to_file=False,
  log_level="error")``, ``start_task()`` / ``stop_task()`` on the same empty job;

and the ratio CodeCarbon / shootprint (no file). A benchmark prints figures; it is never a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def median_ms(job: Callable[[], None], reps: int, warmup: int = 20) -> float:
    """Median wall time of ``job()`` in ms over ``reps`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        job()
    times: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        job()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000, help="repetitions for shootprint")
    parser.add_argument("--cc-reps", type=int, default=300, help="repetitions for CodeCarbon")
    args = parser.parse_args()

    from shootprint.tracker import select_sources, track

    kinds = [type(s).__name__ for s in select_sources().sources]

    def ours() -> None:
        with track("bench"):
            pass

    ours_ms = median_ms(ours, args.reps)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "runs.jsonl"

        def ours_file() -> None:
            with track("bench", out=out):
                pass

        ours_file_ms = median_ms(ours_file, args.reps)

    from codecarbon import OfflineEmissionsTracker

    cc = OfflineEmissionsTracker(country_iso_code="FRA", save_to_file=False, log_level="error")

    def codecarbon_task() -> None:
        cc.start_task()
        cc.stop_task()

    cc_ms = median_ms(codecarbon_task, args.cc_reps)

    print(f"sources chosen here: {', '.join(kinds)}")
    print(f"shootprint track(), no file     : {ours_ms:8.4f} ms/job (median of {args.reps})")
    print(f"shootprint track(), JSONL append: {ours_file_ms:8.4f} ms/job (median of {args.reps})")
    print(f"codecarbon start_task/stop_task : {cc_ms:8.4f} ms/job (median of {args.cc_reps})")
    print(f"ratio codecarbon / shootprint (no file): {cc_ms / ours_ms:.0f}x")


if __name__ == "__main__":
    main()

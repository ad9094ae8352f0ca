"""Shared helpers for the benchmark scripts: medians of fresh-process wall times, a free loopback port
for a server they start, percentiles of latencies."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


#: as a user's machine runs it: bytecode caches written (the warm-up run writes them)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall_s(argv: list[str], runs: int = 7) -> float:
    """Median wall time in seconds of ``argv`` run ``runs`` times (one warm-up run first)."""
    subprocess.run(argv, capture_output=True, check=True, cwd=ROOT, env=ENV)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, cwd=ROOT, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, baseline: float | None = None) -> None:
    ratio = f"  ({seconds / baseline:.1f}× bare python)" if baseline else ""
    print(f"{label:<58} {seconds * 1000:8.1f} ms{ratio}")


def wait_ready(base: str, server: subprocess.Popen[bytes], path: str = "/readyz", log: Path | None = None) -> None:
    """Wait (at most a minute) until a server started for a benchmark answers 200 on ``path``."""
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + path, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            said = ":\n" + log.read_text()[-2000:] if log is not None and log.exists() else ""
            raise SystemExit("the server did not start" + said)
        time.sleep(0.1)


def free_port() -> int:
    """A loopback port free now, for a server a benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(sorted_values: list[float], p: float) -> float:
    """The ``p`` quantile (0–1) of ``sorted_values``, linearly interpolated between ranks."""
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)

"""Requests per second and latency percentiles of ``POST /api/v1/estimate`` under a bounded load.

Starts the server (uvicorn, one process) on a free loopback port over a fresh SQLite database in a
temporary folder (``--database-url`` for another, e.g. PostgreSQL), creates an organisation and a
token, warms up, then sends ``--requests`` estimates of a reference production from ``--clients``
concurrent clients (threads with keep-alive connections). Every answer must be 200. Prints the
throughput and the median, 90th and 99th percentile latencies; nothing leaves the machine.

    python benchmarks/bench_api.py --requests 300 --clients 4
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _timing import free_port, percentile, wait_ready


def _seed(database_url: str) -> str:
    import sqlalchemy as sa

    from shootprint.server import migrations
    from shootprint.server.services import accounts, organisations, tokens
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import ApiToken

    db = Database(database_url)
    migrations.upgrade(db.engine)
    admin = accounts.create_user(db, "bench@example.org", "correct horse battery staple", is_admin=True)
    slug = organisations.create(db, admin, "Benchmark")
    secret = tokens.create(db, organisations.scope(db, admin, slug), "bench", ["read"])[1]
    with db.transaction() as s:  # the benchmark measures the endpoint, not the rate limit's refusals
        s.execute(sa.update(ApiToken).values(rate_per_minute=10_000_000))
    db.dispose()
    return secret


def main() -> None:
    import httpx

    from shootprint.server.services.productions import reference_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--production", default="studio-paris", help="a reference way (studio-paris, ai-generated …)")
    parser.add_argument("--samples", type=int, default=0, help="Monte Carlo draws per estimate (0: central values)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="shootprint-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        from shootprint.server import security

        security.use_cheap_hashes_for_tests()
        token = _seed(url)
        port = free_port()
        env = {**os.environ, "SHOOTPRINT_DATABASE_URL": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "shootprint.server.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server, "/healthz")
            body = {"production": reference_document(args.production), "samples": args.samples}
            headers = {"Authorization": f"Bearer {token}"}
            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            counter = iter(range(args.requests))

            def worker(n: int | None) -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
                    while True:
                        with lock:
                            i = next(counter, None) if n is None else (n if n > 0 else None)
                        if i is None:
                            return
                        t0 = time.perf_counter()
                        answer = http.post("/api/v1/estimate", json=body)
                        dt = time.perf_counter() - t0
                        with lock:
                            if answer.status_code != 200:
                                errors.append(f"{answer.status_code}: {answer.text[:200]}")
                            elif n is None:
                                latencies.append(dt)
                        if n is not None:
                            n -= 1

            worker(args.warmup)  # caches, imports and the factor tables loaded in the server
            threads = [threading.Thread(target=worker, args=(None,)) for _ in range(args.clients)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    if errors:
        raise SystemExit(f"{len(errors)} answers were not 200, e.g. {errors[0]}")
    lat = sorted(latencies)
    print(f"POST /api/v1/estimate ({args.production}, samples={args.samples}), {len(lat)} requests, "
          f"{args.clients} clients, loopback, {'SQLite' if not args.database_url else 'given database'}")  # fmt: skip
    print(f"  throughput   {len(lat) / elapsed:8.1f} requests/s")
    print(f"  latency p50  {statistics.median(lat) * 1000:8.1f} ms")
    print(f"  latency p90  {percentile(lat, 0.90) * 1000:8.1f} ms")
    print(f"  latency p99  {percentile(lat, 0.99) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

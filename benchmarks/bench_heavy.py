"""Latency of a light endpoint alone, then while a crowd of heavy requests waits for computations.

Starts the server (uvicorn, one process, ``SHOOTPRINT_COMPUTE_PROCESSES`` worker processes) on a free
loopback port over a fresh SQLite database in a temporary folder, creates an organisation, a token
and a production. Then:

1. ``--light`` reads of the production (``GET /api/v1/productions/{id}``), one after the other, alone;
2. ``--heavy`` what-if requests at once (``POST /api/v1/whatif``, ``--samples`` draws, each with its
   own seed: nothing comes from a cache), and, as soon as they are sent, the same ``--light`` reads.

Prints the median and 99th percentile of the reads in each phase, their ratio, and how many heavy
requests were still unanswered when the last read was answered (the reads did not wait for them).
Every answer must be 200; it stops by itself (every request has a timeout).

    python benchmarks/bench_heavy.py --heavy 50 --light 100 --samples 20000

``--src`` runs the server from another source tree (an earlier release, to compare).
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

ROOT = Path(__file__).resolve().parents[1]


def _seed(database_url: str) -> tuple[str, int]:
    import sqlalchemy as sa

    from shootprint.server import migrations
    from shootprint.server.services import accounts, organisations, productions, tokens
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import ApiToken

    db = Database(database_url)
    migrations.upgrade(db.engine)
    admin = accounts.create_user(db, "bench@example.org", "correct horse battery staple", is_admin=True)
    slug = organisations.create(db, admin, "Benchmark")
    sc = organisations.scope(db, admin, slug)
    secret = tokens.create(db, sc, "bench", ["read"])[1]
    pid = productions.create(db, sc, productions.reference_document("studio-paris"))
    with db.transaction() as s:  # the benchmark measures the endpoints, not the rate limit's refusals
        s.execute(sa.update(ApiToken).values(rate_per_minute=10_000_000))
    db.dispose()
    return secret, pid


def _reads(http: object, pid: int, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        answer = http.get(f"/api/v1/productions/{pid}")  # type: ignore[attr-defined]
        out.append(time.perf_counter() - t0)
        if answer.status_code != 200:
            raise SystemExit(f"a read was answered {answer.status_code}: {answer.text[:200]}")
    return sorted(out)


def main() -> None:
    import httpx

    from shootprint.server.services.productions import reference_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heavy", type=int, default=50, help="heavy requests sent at once (default 50)")
    parser.add_argument("--light", type=int, default=100, help="reads in each phase (default 100)")
    parser.add_argument("--samples", type=int, default=20_000, help="draws of each what-if (default 20,000)")
    parser.add_argument("--processes", type=int, default=1, help="SHOOTPRINT_COMPUTE_PROCESSES (default 1)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree the server runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="shootprint-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        from shootprint.server import security

        security.use_cheap_hashes_for_tests()
        token, pid = _seed(url)
        port = free_port()
        env = {**os.environ, "SHOOTPRINT_DATABASE_URL": url, "PYTHONPATH": str(args.src.resolve())}
        env["SHOOTPRINT_COMPUTE_PROCESSES"] = str(args.processes)
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "shootprint.server.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        unanswered = 0
        errors: list[str] = []
        lock = threading.Lock()
        try:
            wait_ready(base, server, "/healthz")
            doc = reference_document("studio-paris")
            with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
                http.post("/api/v1/whatif", json={"production": doc, "levers": ["vegetarian_catering"], "samples": 200})
                _reads(http, pid, 20)  # warm-up
                alone = _reads(http, pid, args.light)
            pending = args.heavy

            def heavy(seed: int) -> None:
                nonlocal pending
                body = {"production": doc, "levers": ["vegetarian_catering"], "samples": args.samples, "seed": seed}
                with httpx.Client(base_url=base, headers=headers, timeout=600) as h:
                    answer = h.post("/api/v1/whatif", json=body)
                with lock:
                    pending -= 1
                    if answer.status_code != 200:
                        errors.append(f"{answer.status_code}: {answer.text[:200]}")

            crowd = [threading.Thread(target=heavy, args=(seed,)) for seed in range(args.heavy)]
            start = time.perf_counter()
            for t in crowd:
                t.start()
            with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
                during = _reads(http, pid, args.light)
            with lock:
                unanswered = pending
            for t in crowd:
                t.join()
            crowd_s = time.perf_counter() - start
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    if errors:
        raise SystemExit(f"{len(errors)} heavy answers were not 200, e.g. {errors[0]}")
    print(f"GET /api/v1/productions/{{id}} x {args.light}, alone and while {args.heavy} what-ifs of "
          f"{args.samples} draws wait ({args.processes} worker process(es)), loopback, SQLite")  # fmt: skip
    for name, lat in (("alone", alone), ("during", during)):
        print(f"  {name:7} p50 {statistics.median(lat) * 1000:8.1f} ms   p99 {percentile(lat, 0.99) * 1000:8.1f} ms")
    print(f"  ratio   p50 {statistics.median(during) / statistics.median(alone):8.1f}")
    print(f"  heavy requests unanswered when the last read was answered: {unanswered} of {args.heavy}")
    print(f"  the {args.heavy} heavy requests took {crowd_s:.1f} s in all")


if __name__ == "__main__":
    main()

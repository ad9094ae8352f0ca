"""Latency of the web application under a bounded number of concurrent simulated users.

Starts the real server (uvicorn) on a free loopback port over a fresh SQLite database holding the
demo organisation (the reference campaign's five ways), signs in ``--users`` people, and has them
request, all at once and each in turn, the production page, the comparison page and a save (a
changed production posted through the forms). Prints the median and the 99th percentile of each;
stops by itself after ``--rounds`` rounds.

The comparison page computes a fresh comparison every time (each request asks for another seed, so
nothing comes from the cache) with ``--samples`` draws; at most ``compute_threads`` comparisons run
at once and the other pages keep answering meanwhile.

Run: .venv/bin/python benchmarks/bench_web.py [--users 8] [--rounds 10] [--samples 10000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _timing import free_port

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent simulated users (default 8)")
    parser.add_argument("--rounds", type=int, default=10, help="requests of each kind per user (default 10)")
    parser.add_argument("--samples", type=int, default=10_000, help="draws of each comparison (default 10,000)")
    args = parser.parse_args()

    import httpx
    import uvicorn

    from shootprint.server.app import create_app
    from shootprint.server.demo import DEMO_EMAIL, ensure_demo
    from shootprint.server.services import organisations, productions
    from shootprint.server.settings import Settings

    with tempfile.TemporaryDirectory(prefix="shootprint-bench-") as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite'}", samples=args.samples)
        app = create_app(settings)
        email, password, slug = ensure_demo(app.state.db)
        assert email == DEMO_EMAIL
        import sqlalchemy as sa

        from shootprint.server.services.accounts import create_user
        from shootprint.server.store.models import User

        with app.state.db.transaction() as s:
            demo_id = s.scalar(sa.select(User.id).where(User.email == DEMO_EMAIL))
        admin_scope = organisations.scope(app.state.db, demo_id, slug)
        users = []
        for n in range(args.users):
            uid = create_user(app.state.db, f"user{n}@example.org", password, name=f"User {n}")
            organisations.accept_invite(
                app.state.db, organisations.create_invite(app.state.db, admin_scope, "editor"), uid
            )
            users.append(f"user{n}@example.org")
        pids = [p.id for p in productions.listing(app.state.db, admin_scope, with_totals=False)]
        # one production per user to save into (saves of one production would conflict by design)
        own = [
            productions.create(app.state.db, admin_scope, productions.reference_document("studio-paris")) for _ in users
        ]

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        times: dict[str, list[float]] = {"production page": [], "comparison page": [], "save (a revision)": []}
        lock = threading.Lock()

        def user(n: int) -> None:
            with httpx.Client(base_url=base, timeout=300) as client:
                client.get("/signin")
                csrf = client.cookies["sp_csrf"]
                r = client.post(
                    "/signin", data={"email": users[n], "password": password, "next": "/", "csrf_token": csrf}
                )
                assert r.status_code == 303, r.text
                for k in range(args.rounds):
                    for kind, call in (
                        ("production page", lambda k=k: client.get(f"/o/{slug}/productions/{pids[k % len(pids)]}")),
                        (
                            "comparison page",
                            lambda k=k: client.get(
                                f"/o/{slug}/compare?p={pids[0]}&p={pids[2]}&p={pids[3]}&seed={n * 1000 + k}"
                            ),
                        ),
                        ("save (a revision)", lambda k=k: save(client, own[n], k)),
                    ):
                        start = time.perf_counter()
                        response = call()
                        elapsed = time.perf_counter() - start
                        assert response.status_code in (200, 303), (kind, response.status_code, response.text[:300])
                        with lock:
                            times[kind].append(elapsed)

        def save(client: httpx.Client, pid: int, k: int) -> httpx.Response:
            page = client.get(f"/o/{slug}/productions/{pid}/yaml")
            base_revision = re.search(r'name="base_revision" value="(\d+)"', page.text)
            text = re.search(r'<textarea id="document" name="document"[^>]*>(.*?)</textarea>', page.text, re.S)
            assert base_revision and text
            import html

            document = re.sub(r"days: \d+ day", f"days: {6 + k} day", html.unescape(text.group(1)), count=1)
            return client.post(
                f"/o/{slug}/productions/{pid}/yaml",
                data={
                    "document": document,
                    "base_revision": base_revision.group(1),
                    "csrf_token": client.cookies["sp_csrf"],
                },
            )

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.users) as pool:
            list(pool.map(user, range(args.users)))
        wall = time.perf_counter() - started
        server.should_exit = True
        thread.join(timeout=30)
        app.state.db.dispose()

    print(
        f"{args.users} concurrent users × {args.rounds} rounds over loopback; comparisons of 3 productions with "
        f"{args.samples:,} draws, {settings.compute_threads} at once; {wall:.1f} s in all"
    )
    for kind, values in times.items():
        print(
            f"{kind:<18} median {statistics.median(values) * 1000:8.1f} ms   p99 {percentile(values, 0.99) * 1000:8.1f} ms"
            f"   ({len(values)} requests)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

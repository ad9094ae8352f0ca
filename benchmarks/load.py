"""A bounded load on a real server: throughput, median and 99th-percentile latency and errors for a mix
of what people and tools do, with many concurrent users; optionally a soak measuring the server's memory.

Starts ``shootprint serve`` (one process, or ``--workers N``) on a free loopback port over a fresh SQLite database in a
temporary folder (``--database-url`` for another, e.g. PostgreSQL), seeds an organisation with an
editor, the five reference ways and an API token, then runs ``--users`` concurrent users (threads with
keep-alive connections), each repeating a weighted mix:

    browse      GET  /o/{org}/productions            the list with every total
    open        GET  /o/{org}/productions/{id}       one production's footprint
    compare     GET  /o/{org}/compare?p=…&p=…        a comparison with intervals (Monte Carlo)
    save        POST /o/{org}/productions/{id}/yaml  a new revision
    compute     POST /api/v1/estimate                compute without storing (REST, token)
    records     POST /api/v1/productions/{id}/records  a batch of measured AI jobs (REST, idempotent)

It stops by itself after ``--requests`` requests or ``--duration`` seconds, whichever comes first (with
``--soak MINUTES``: after that many minutes, printing the server's resident memory at the start and the
end, and minute by minute, in all and by process: the application, the computation workers, the
rest; and what the application's caches hold, bounded in bytes). Only loopback is ever contacted. Every answer that is not the expected one counts as an error.

It prints the server's CPU time per request too (user + system of its process and workers): a figure the
load generator sharing the cores does not change much, unlike the latencies.

``--mix open=1`` (kinds and weights, comma-separated) changes the mix: only production pages, say.
``--rate R`` paces the users to R requests per second in all (an open schedule: each request has its
time, and its latency counts from that time, so a server that falls behind is not excused by users
that waited for it); without it every user sends its next request as soon as the last is answered.
The server's memory is that of its process and its worker processes (heavy computations) together.

    python benchmarks/load.py --users 50 --requests 3000 --duration 120
    python benchmarks/load.py --users 50 --mix open=1 --rate 100 --duration 60
    python benchmarks/load.py --users 50 --soak 10
    python benchmarks/load.py --users 50 --mix open=1 --rate 100 --duration 60 --workers 2
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _timing import free_port, percentile, wait_ready

PASSWORD = "correct horse battery staple"
MIX = {"browse": 25, "open": 30, "compare": 5, "save": 15, "compute": 15, "records": 10}
EXPECTED = {"browse": 200, "open": 200, "compare": 200, "save": 303, "compute": 200, "records": 200}


def _seed(database_url: str, users: int) -> tuple[str, list[int], str, list[str]]:
    """(organisation slug, production ids, API token, editors' e-mails)."""
    import sqlalchemy as sa

    from shootprint.server import migrations
    from shootprint.server.services import accounts, organisations, productions, tokens
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import ApiToken

    db = Database(database_url)
    migrations.upgrade(db.engine)
    admin = accounts.create_user(db, "admin@example.org", PASSWORD, is_admin=True)
    slug = organisations.create(db, admin, "Load")
    sc = organisations.scope(db, admin, slug)
    pids = [productions.create(db, sc, productions.reference_document(k)) for k in productions.REFERENCE_WAYS]
    for _ in range(3):  # a list of a realistic length
        pids += [productions.create(db, sc, productions.reference_document(k)) for k in productions.REFERENCE_WAYS]
    emails = []
    for i in range(users):
        email = f"editor{i}@example.org"
        uid = accounts.create_user(db, email, PASSWORD)
        organisations.accept_invite(db, organisations.create_invite(db, sc, "editor"), uid)
        emails.append(email)
    secret = tokens.create(db, sc, "load", ["read", "write", "records"])[1]
    with db.transaction() as s:  # the load measures the endpoints, not the rate limit's refusals
        s.execute(sa.update(ApiToken).values(rate_per_minute=10_000_000))
    db.dispose()
    return slug, pids, secret, emails


def _rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (the server's worker processes), in KiB."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _rss_kib(int(child))
    except (FileNotFoundError, ProcessLookupError):  # a process that ended meanwhile
        pass
    return total


def _rss_by_role(pid: int, workers: int) -> dict[str, int]:
    """Resident memory (KiB) of the server's processes by what they do: the application processes, the
    worker processes of heavy computations, and the rest (multiprocessing's resource tracker; with
    ``--workers`` above 1, the supervisor). RSS counts shared pages in each process."""
    roles = {"application": 0, "compute workers": 0, "other": 0}
    app_depth = 0 if workers == 1 else 1

    def walk(p: int, depth: int) -> None:
        try:
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes()
            kib = next(
                int(line.split()[1])
                for line in Path(f"/proc/{p}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
            children = [
                int(c) for task in Path(f"/proc/{p}/task").iterdir() for c in (task / "children").read_text().split()
            ]
        except (FileNotFoundError, ProcessLookupError, StopIteration):  # a process that ended meanwhile
            return
        if b"resource_tracker" in cmdline or depth < app_depth:
            roles["other"] += kib
        elif depth == app_depth:
            roles["application"] += kib
        else:
            roles["compute workers"] += kib
        for child in children:
            walk(child, depth + 1)

    walk(pid, 0)
    return roles


def _cache_bytes(base: str) -> dict[str, float]:
    """What the application's caches hold (bytes), from its metrics (one process's, with --workers)."""
    import httpx

    try:
        text = httpx.get(f"{base}/metrics", timeout=30).text
    except httpx.HTTPError:
        return {}
    return {m[1]: float(m[2]) for m in re.finditer(r'^shootprint_cache_bytes\{cache="([^"]+)"\} (\S+)$', text, re.M)}


def _cpu_s(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its descendants so far, in seconds: what the server
    spent, whatever else the machine's cores did meanwhile (the load generator among them)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _cpu_s(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def _mix(text: str) -> dict[str, int]:
    """``open=1,browse=2`` as {kind: weight}; the kinds are those of MIX."""
    out = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() not in MIX or not weight.strip().isdigit() or int(weight) < 0:
            raise SystemExit(f"--mix: {part!r}: expected kind=weight, kinds: {', '.join(MIX)}; weights: whole numbers")
        out[kind.strip()] = int(weight)
    if not any(out.values()):
        raise SystemExit("--mix: at least one kind needs a weight above 0")
    return out


def main() -> None:
    import httpx

    from shootprint.server.services.productions import reference_document

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users")
    parser.add_argument("--requests", type=int, default=3000, help="stop after this many requests")
    parser.add_argument("--duration", type=float, default=120, help="… or after this many seconds")
    parser.add_argument("--soak", type=float, default=0, help="minutes: run that long and report memory")
    parser.add_argument(
        "--mix",
        default=None,
        help="kinds and weights, e.g. open=1 (default: " + ",".join(f"{k}={v}" for k, v in MIX.items()) + ")",
    )
    parser.add_argument(
        "--rate", type=float, default=0, help="requests per second in all (default: as fast as answered)"
    )
    parser.add_argument("--samples", type=int, default=1000, help="Monte Carlo draws of a comparison page")
    parser.add_argument(
        "--workers", type=int, default=1, help="application processes of the server (serve --workers, default 1)"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    mix = _mix(args.mix) if args.mix else MIX
    if args.rate < 0 or args.rate > 10_000:
        raise SystemExit("--rate: from 0 (as fast as answered) to 10,000 requests per second")
    if args.soak:
        args.duration = args.soak * 60
        args.requests = 10**9
    rng = random.Random(args.seed)

    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryDirectory(prefix="shootprint-load-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'load.sqlite'}"
        from shootprint.server import security

        security.use_cheap_hashes_for_tests()  # the users' password hashes: cheap to make here
        slug, pids, token, emails = _seed(url, args.users)
        port = free_port()
        env = {**os.environ, "SHOOTPRINT_DATABASE_URL": url, "SHOOTPRINT_SAMPLES": str(args.samples)}
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, "-m", "shootprint.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server, "/readyz", log=Path(tmp) / "server.log")

            studio = reference_document("studio-paris")
            yaml_text = (
                Path(__file__).resolve().parents[1] / "src/shootprint/server/data/reference/studio-paris.yaml"
            ).read_text(encoding="utf-8")
            record_batch = 0
            latencies: dict[str, list[float]] = defaultdict(list)
            timeline: list[tuple[float, str, float]] = []  # (when sent or scheduled, kind, latency s)
            errors: dict[str, list[str]] = defaultdict(list)
            lock = threading.Lock()
            sent = 0
            stop_at = time.monotonic() + args.duration
            kinds = [k for k in MIX if mix.get(k)]
            weights = [mix[k] for k in kinds]
            started_at: list[float] = []  # when every user has signed in: the schedule's origin (--rate)
            ready = threading.Barrier(args.users, action=lambda: started_at.append(time.perf_counter()))

            def request(http: httpx.Client, kind: str, csrf: str, user: int) -> httpx.Response:
                nonlocal record_batch
                pid = pids[rng.randrange(len(pids))]
                if kind == "browse":
                    return http.get(f"/o/{slug}/productions")
                if kind == "open":
                    return http.get(f"/o/{slug}/productions/{pid}")
                if kind == "compare":
                    a, b = rng.sample(pids[:5], 2)
                    return http.get(f"/o/{slug}/compare", params=[("p", a), ("p", b)])
                if kind == "save":
                    own = pids[user % len(pids)]
                    text = yaml_text.replace("shoot_days: 3", f"shoot_days: {rng.randint(1, 9)}")
                    return http.post(f"/o/{slug}/productions/{own}/yaml", data={"document": text, "csrf_token": csrf})
                if kind == "compute":
                    return http.post("/api/v1/estimate", json={"production": studio}, headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                with lock:
                    record_batch += 1
                    n = record_batch
                records = [
                    {"label": "sdxl", "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 2.0,
                     "energy_j": 3600.0, "devices": [{"device": "gpu:0", "energy_j": 3600.0, "method": "nvml",
                     "model": "L4", "details": {}}], "warnings": [], "tracker_version": "0.1.0",
                     "run_id": f"load-{n}-{j}"}
                    for j in range(5)
                ]  # fmt: skip
                return http.post(
                    f"/api/v1/productions/{pid}/records",
                    json={"records": records},
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"load-{n}"},
                )

            def user(i: int) -> None:
                nonlocal sent
                with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as http:
                    csrf, status = "", 0
                    try:
                        http.get("/signin")
                        csrf = http.cookies["sp_csrf"]
                        data = {"email": emails[i], "password": PASSWORD, "csrf_token": csrf}
                        status = http.post("/signin", data=data).status_code
                    except (httpx.HTTPError, KeyError):
                        pass
                    try:
                        ready.wait(timeout=300)
                    except threading.BrokenBarrierError:
                        pass
                    if status != 303:
                        with lock:
                            errors["signin"].append(f"{status}")
                        return
                    while time.monotonic() < stop_at:
                        with lock:
                            if sent >= args.requests:
                                return
                            n = sent
                            sent += 1
                            kind = rng.choices(kinds, weights)[0]
                        t0 = time.perf_counter()
                        if args.rate:  # request n's time in the schedule; its latency counts from then
                            t0 = started_at[0] + n / args.rate
                            wait = t0 - time.perf_counter()
                            if wait > 0:
                                time.sleep(wait)
                            if time.monotonic() >= stop_at:
                                return
                        try:
                            answer = request(http, kind, csrf, i)
                            status = answer.status_code
                            detail = answer.text[:200]
                        except httpx.HTTPError as exc:
                            status, detail = 0, repr(exc)
                        dt = time.perf_counter() - t0
                        with lock:
                            latencies[kind].append(dt)
                            timeline.append((t0, kind, dt))
                            if status != EXPECTED[kind]:
                                errors[kind].append(f"{status}: {detail}")

            rss_start = _rss_kib(server.pid)
            cpu_start = _cpu_s(server.pid)
            own_start = time.process_time()
            rss_samples: list[tuple[float, int]] = []  # (seconds since the start, RSS KiB), every 5 s
            threads = [threading.Thread(target=user, args=(i,)) for i in range(args.users)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            roles_by_minute: list[dict[str, int]] = []
            caches_by_minute: list[dict[str, float]] = []  # the application's caches (one process's)
            while any(t.is_alive() for t in threads):
                rss_samples.append((time.perf_counter() - start, _rss_kib(server.pid)))
                if args.soak and rss_samples[-1][0] >= 60 * len(roles_by_minute):
                    roles_by_minute.append(_rss_by_role(server.pid, args.workers))
                    caches_by_minute.append(_cache_bytes(base))
                for t in threads:
                    t.join(timeout=5 / len(threads))
            elapsed = time.perf_counter() - (started_at[0] if started_at else start)
            rss_end = _rss_kib(server.pid)
            cpu_end = _cpu_s(server.pid)
            own_end = time.process_time()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            log.close()

    total = sum(len(v) for v in latencies.values())
    n_errors = sum(len(v) for v in errors.values())
    db_name = "SQLite" if not args.database_url else re.sub(r"://.*@", "://…@", args.database_url)
    paced = f", paced at {args.rate:g} requests/s" if args.rate else ""
    processes = "one server process" if args.workers == 1 else f"{args.workers} server processes"
    print(f"{total} requests, {args.users} users{paced}, {elapsed:.1f} s, {processes}, {db_name}, loopback")
    print(f"  mix {', '.join(f'{k}={mix[k]}' for k in kinds)}; load average before: {load_before}")
    print(f"  throughput {total / elapsed:8.1f} requests/s, errors {n_errors}")
    if total:  # CPU the server spent per answer: its capacity on these cores, whatever the latency
        busy = cpu_end - cpu_start
        print(f"  server CPU {busy * 1000 / total:8.2f} ms per request ({busy / elapsed:.2f} cores on average)")
        own = own_end - own_start
        print(f"  load's CPU {own * 1000 / total:8.2f} ms per request ({own / elapsed:.2f} cores on average)")
    print(f"  {'kind':<9} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in kinds:
        lat = sorted(latencies[kind])
        if lat:
            p50, p99 = statistics.median(lat) * 1000, percentile(lat, 0.99) * 1000
            print(f"  {kind:<9} {len(lat):>6} {p50:>8.1f} {p99:>8.1f} {len(errors[kind]):>7}")
    everything = sorted(x for v in latencies.values() for x in v)
    if everything:
        print(f"  {'all':<9} {total:>6} {statistics.median(everything) * 1000:>8.1f} {percentile(everything, 0.99) * 1000:>8.1f} {n_errors:>7}")  # fmt: skip
    # the same after the first fifth of the run: the caches are warm (every production opened at least once)
    origin = started_at[0] if started_at else start
    steady: dict[str, list[float]] = defaultdict(list)
    for t0, kind, dt in timeline:
        if t0 - origin >= elapsed / 5:
            steady[kind].append(dt)
    if steady:
        print("  after the first fifth (warm caches):")
        for kind in [k for k in kinds if steady.get(k)] + ["all"]:
            lat = sorted(steady[kind] if kind != "all" else [x for v in steady.values() for x in v])
            p50, p99 = statistics.median(lat) * 1000, percentile(lat, 0.99) * 1000
            print(f"  {kind:<9} {len(lat):>6} {p50:>8.1f} {p99:>8.1f}")
    warm = [kib for s, kib in rss_samples if s >= elapsed / 5] or [rss_end]
    print(
        f"  server memory (RSS): {rss_start / 1024:.1f} MiB before the load, {warm[0] / 1024:.1f} MiB after the "
        f"first fifth (warmed up), {max(warm) / 1024:.1f} MiB at most since, {rss_end / 1024:.1f} MiB at the end"
    )
    if args.soak and rss_samples:  # the server's memory minute by minute: whether it levels off
        by_minute = [
            next(kib for s, kib in rss_samples if s >= 60 * m) for m in range(int(rss_samples[-1][0] // 60) + 1)
        ]
        print("  server memory by minute (MiB): " + " ".join(f"{kib / 1024:.1f}" for kib in by_minute))
        for role in roles_by_minute[0]:
            print(f"    {role + ':':<17} " + " ".join(f"{r[role] / 1024:.1f}" for r in roles_by_minute))
        for cache in caches_by_minute[-1] if caches_by_minute else {}:
            print(
                f"    {'cache ' + cache + ':':<17} "
                + " ".join(f"{c.get(cache, 0) / 2**20:.1f}" for c in caches_by_minute)
                + " (what it holds)"
            )
    for kind, errs in errors.items():
        if errs:
            print(f"  e.g. {kind}: {errs[0]}")


if __name__ == "__main__":
    main()

"""A live server for the API tests: uvicorn in a child process on a free loopback port, over a
SQLite file that survives a restart (so a test can kill the server and start it again)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Seeded:
    token: str
    production_id: int
    other_token: str = ""
    other_production_id: int = 0


def seed(database_url: str, *, rate_per_minute: int = 100_000) -> Seeded:
    """An organisation with an owner, a token with every scope (a high rate limit) and a production;
    another organisation with its own token and production."""
    import sqlalchemy as sa

    from shootprint.server import migrations, security
    from shootprint.server.services import accounts, organisations, productions, tokens
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import ApiToken

    security.use_cheap_hashes_for_tests()
    db = Database(database_url)
    migrations.upgrade(db.engine)
    admin = accounts.create_user(db, "admin@example.org", "correct horse battery staple", is_admin=True)
    out = []
    for name in ("Studio Nord", "Other Agency"):
        slug = organisations.create(db, admin, name)
        sc = organisations.scope(db, admin, slug)
        secret = tokens.create(db, sc, "live tests", ["read", "write", "records"])[1]
        pid = productions.create(db, sc, productions.reference_document("ai-generated"))
        out.append((secret, pid))
    with db.transaction() as s:
        s.execute(sa.update(ApiToken).values(rate_per_minute=rate_per_minute))
    db.dispose()
    return Seeded(out[0][0], out[0][1], out[1][0], out[1][1])


@dataclass
class LiveServer:
    database_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> LiveServer:
        env = {**os.environ, "SHOOTPRINT_DATABASE_URL": self.database_url}
        args = [sys.executable, "-m", "uvicorn", "shootprint.server.app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing; what was not committed is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def serving_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread of this process, on a free loopback port: a real server
    whose code the test may still patch. Yields its base URL."""
    import threading

    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)

"""Real server processes for the operations tests: ``shootprint serve`` on a free loopback port, killed
(SIGKILL) or stopped by the test; a browser-like client that signs in and posts forms with CSRF."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent / "shootprint"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``shootprint serve --json-logs`` on 127.0.0.1, as a child process of the test."""

    def __init__(self, database_url: str, log: Path, *extra: str) -> None:
        self.database_url = database_url
        self.log_path = log
        self.extra = extra
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60) -> Server:
        env = {**os.environ, "SHOOTPRINT_DATABASE_URL": self.database_url}
        src = Path(__file__).resolve().parents[2] / "src"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 (the package's own command)
            [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--json-logs", *self.extra],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not get ready:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; whatever was not committed is gone."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)


class Browser:
    """A signed-in person's browser against one or several servers (cookies shared, like one browser
    talking to a load balancer)."""

    def __init__(self) -> None:
        self.cookies = httpx.Cookies()

    def client(self, server: Server) -> httpx.Client:
        return httpx.Client(base_url=server.url, cookies=self.cookies, timeout=60, follow_redirects=False)

    def get(self, server: Server, path: str) -> httpx.Response:
        with self.client(server) as c:
            answer = c.get(path)
            self.cookies.update(c.cookies)
            return answer

    def post(self, server: Server, path: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        if "sp_csrf" not in self.cookies:
            self.get(server, "/signin")
        with self.client(server) as c:
            answer = c.post(path, data={**data, "csrf_token": self.cookies["sp_csrf"]}, **kw)
            self.cookies.update(c.cookies)
            return answer

    def sign_in(self, server: Server, email: str, password: str) -> httpx.Response:
        return self.post(server, "/signin", {"email": email, "password": password, "next": "/"})


def created_id(answer: httpx.Response) -> int:
    """The production id a creation's redirect names."""
    m = re.search(r"/productions/(\d+)", answer.headers.get("location", ""))
    assert m, (answer.status_code, answer.headers.get("location"), answer.text[:500])
    return int(m.group(1))

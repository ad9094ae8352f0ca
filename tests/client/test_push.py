"""The tracker's pusher: batches, deterministic keys, retries, spool, never blocking the job."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from shootprint.client import ApiError, Client, idempotency_key
from shootprint.tracker import ReplaySource, track
from shootprint.tracker.push import Pusher, Spool, _Batch


class Server:
    """An in-memory stand-in for the records endpoint: idempotent by key, dedups by run_id."""

    def __init__(self) -> None:
        self.up = True
        self.answers: dict[str, dict] = {}
        self.run_ids: list[str] = []
        self.calls = 0
        self.fail_next = 0
        self.lose_answer_next = 0
        self.status_next: int | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if self.fail_next:
            self.fail_next -= 1
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"title": "busy"})
        if self.status_next:
            status, self.status_next = self.status_next, None
            return httpx.Response(
                status, json={"title": "bad", "problems": [{"code": "x", "location": "", "message": "m"}]}
            )
        key = request.headers["Idempotency-Key"]
        if key not in self.answers:
            body = json.loads(request.content)
            accepted = dups = 0
            for r in body["records"]:
                if r["run_id"] in self.run_ids:
                    dups += 1
                else:
                    self.run_ids.append(r["run_id"])
                    accepted += 1
            self.answers[key] = {"accepted": accepted, "duplicates": dups, "rejected": []}
        if self.lose_answer_next:  # stored, but the answer never reaches the client
            self.lose_answer_next -= 1
            raise httpx.ReadTimeout("lost", request=request)
        return httpx.Response(200, json=self.answers[key])


def _pusher(server: Server, tmp_path, **kw) -> Pusher:
    def factory() -> Client:
        return Client("http://test", "t", transport=httpx.MockTransport(server.handler))

    kw.setdefault("sleep", lambda s: None)
    return Pusher("http://test", "prod-1", spool=tmp_path / "spool.jsonl", client_factory=factory, **kw)


def _jobs(pusher: Pusher, n: int) -> list[str]:
    ids = []
    for i in range(n):
        with track(f"job-{i}", sources=[ReplaySource()], push=pusher) as t:
            pass
        ids.append(t.record.run_id)
    return ids


def test_records_are_sent_in_batches_each_once(tmp_path):
    server = Server()
    pusher = _pusher(server, tmp_path, batch_size=3, linger_s=0.5)
    ids = _jobs(pusher, 7)
    summary = pusher.close()
    assert sorted(server.run_ids) == sorted(ids)
    assert summary.accepted == 7 and summary.spooled == 0
    assert len(server.answers) <= 7 and server.calls >= 3


def test_retry_after_a_lost_answer_counts_nothing_twice(tmp_path):
    server = Server()
    server.lose_answer_next = 1
    server.fail_next = 0
    pusher = _pusher(server, tmp_path, batch_size=10, linger_s=0.2)
    ids = _jobs(pusher, 4)
    summary = pusher.close()
    assert sorted(server.run_ids) == sorted(ids)
    assert summary.accepted == 4 and summary.duplicates == 0  # the replayed answer, not a second count


def test_503_is_retried_with_back_off(tmp_path):
    server = Server()
    server.fail_next = 2
    waits: list[float] = []
    pusher = _pusher(server, tmp_path, sleep=waits.append)
    ids = _jobs(pusher, 1)
    pusher.close()
    assert server.run_ids == ids and waits == [0.0, 0.0]  # Retry-After: 0 honoured


def test_unreachable_server_spools_then_next_run_sends(tmp_path):
    server = Server()
    server.up = False
    waits: list[float] = []
    pusher = _pusher(server, tmp_path, retries=3, backoff_s=0.5, sleep=waits.append)
    ids = _jobs(pusher, 3)
    deadline = time.monotonic() + 5
    while server.calls < 4 and time.monotonic() < deadline:  # first try and 3 retries, before closing
        time.sleep(0.01)
    summary = pusher.close()
    assert summary.spooled == 3 and server.run_ids == []
    assert waits[:3] == [0.5, 1.0, 2.0]  # exponential back-off
    assert Spool(tmp_path / "spool.jsonl").count() == 3

    server.up = True
    later = _pusher(server, tmp_path)
    more = _jobs(later, 1)
    summary = later.close()
    assert sorted(server.run_ids) == sorted(ids + more)
    assert Spool(tmp_path / "spool.jsonl").count() == 0


def test_a_refused_batch_goes_to_the_rejected_file_not_retried(tmp_path):
    server = Server()
    server.status_next = 422
    pusher = _pusher(server, tmp_path)
    _jobs(pusher, 1)
    summary = pusher.close()
    assert server.calls == 1 and summary.errors
    assert (tmp_path / "spool.jsonl.rejected").read_text().count("\n") == 1


@pytest.mark.parametrize("earlier_spool", [False, True])
def test_submit_never_blocks_on_a_hanging_server(tmp_path, earlier_spool):
    release = threading.Event()
    if earlier_spool:  # the thread starts by resending it, and hangs there with the spool claimed
        Spool(tmp_path / "spool.jsonl").append(
            [_Batch("http://test", "p", "k-earlier", [{"run_id": "earlier", "job": "x"}])]
        )

    def hang(request: httpx.Request) -> httpx.Response:
        release.wait(120)  # hangs until the test is over
        raise httpx.ReadTimeout("slow", request=request)

    pusher = Pusher(
        "http://test", "p", spool=tmp_path / "spool.jsonl", max_queue=2, close_timeout_s=0.3,
        client_factory=lambda: Client("http://test", transport=httpx.MockTransport(hang)), sleep=lambda s: None,
    )  # fmt: skip
    ids: list[str] = []
    jobs = threading.Thread(target=lambda: ids.extend(_jobs(pusher, 6)))  # queue of 2: overflow to the spool
    jobs.start()
    jobs.join(60)  # a job that waited for the hanging server would still be waiting here
    assert not jobs.is_alive() and len(ids) == 6
    pusher.close()
    # when close() returns, every record is on disk: in the spool, or in the claim the thread took of the
    # spool to resend it (a claim is put back when the thread ends, or taken over by the next run)
    if earlier_spool:
        ids.append("earlier")
    assert set(ids) <= _spooled_ids(tmp_path, "spool.jsonl*")
    release.set()
    assert pusher._thread is not None
    pusher._thread.join(30)  # the thread ends once the hanging call returns: close() has been called
    assert not pusher._thread.is_alive()
    assert set(ids) <= _spooled_ids(tmp_path, "spool.jsonl")  # claims put back: all in the spool itself
    assert not list(tmp_path.glob("spool.jsonl.*.sending"))


def _spooled_ids(folder: Path, pattern: str) -> set[str]:
    return {
        r["run_id"]
        for path in folder.glob(pattern)
        if not path.name.endswith((".lock", ".rejected"))
        for line in path.read_text().splitlines()
        if line.strip()
        for r in json.loads(line)["records"]
    }


def test_a_failure_inside_the_sending_thread_loses_no_record(tmp_path):
    def broken() -> Client:
        raise RuntimeError("no client today")

    pusher = Pusher("http://test", "p", spool=tmp_path / "spool.jsonl", client_factory=broken, sleep=lambda s: None)
    ids = _jobs(pusher, 5)
    summary = pusher.close()
    spooled = [
        r["run_id"] for line in (tmp_path / "spool.jsonl").read_text().splitlines() for r in json.loads(line)["records"]
    ]
    assert sorted(spooled) == sorted(ids)
    assert any("no client today" in e for e in summary.errors)


def test_idempotency_key_is_deterministic():
    recs = [{"run_id": "a", "energy_j": 1.0}]
    assert idempotency_key("p", recs) == idempotency_key("p", [dict(r) for r in recs])
    assert idempotency_key("p", recs) != idempotency_key("q", recs)


def test_client_raises_typed_problem_errors():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            headers={"Content-Type": "application/problem+json"},
            json={"type": "about:blank", "title": "Invalid production", "status": 422,
                  "problems": [{"code": "missing", "location": "activities.0.type", "message": "Field required"}]},
        )  # fmt: skip

    with Client("http://x", transport=httpx.MockTransport(handler)) as api, pytest.raises(ApiError) as err:
        api.estimate({"name": "x"})
    assert err.value.status == 422 and err.value.codes == ["missing"]
    assert "activities.0.type" in str(err.value)


def test_client_unreachable_is_status_0():
    with Client("http://127.0.0.1:9", timeout_s=2) as api, pytest.raises(ApiError) as err:
        api.factors("diesel")
    assert err.value.status == 0


def test_track_push_to_an_unreachable_server_keeps_the_exit_status_and_spools(tmp_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spool = tmp_path / "spool.jsonl"
    args = [sys.executable, "-m", "shootprint.cli", "track", "--label", "kv", "--out", str(tmp_path / "runs.jsonl"),
            "--push", f"http://127.0.0.1:{port}", "--production", "p1", "--spool", str(spool), "--",
            sys.executable, "-c", "raise SystemExit(3)"]  # fmt: skip
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert time.perf_counter() - t0 < 20
    assert "1 spooled for later" in done.stderr
    (line,) = spool.read_text().splitlines()
    batch = json.loads(line)
    assert batch["production"] == "p1" and batch["key"].startswith("sp-")
    assert batch["records"][0]["label"] == "kv"


def test_track_push_needs_both_options(tmp_path):
    import subprocess
    import sys

    args = [sys.executable, "-m", "shootprint.cli", "track", "--label", "kv", "--out", str(tmp_path / "r.jsonl"),
            "--push", "http://127.0.0.1:9", "--", "true"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--production" in done.stderr

"""Against a live server (uvicorn on loopback): the whole OpenAPI description fuzzed by Schemathesis,
``shootprint track --push`` surviving a server killed mid-run, ``shootprint push FILE``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_live import LiveServer, Seeded, seed

pytest.importorskip("uvicorn")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, Seeded]]:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    seeded = seed(url)
    server = LiveServer(url, log=tmp_path / "server.log").start()
    try:
        yield server, seeded
    finally:
        server.stop()


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(live, tmp_path: Path):
    server, seeded = live
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if st is None:
        pytest.skip("schemathesis is not installed")
    checks = ",".join(
        [
            "not_a_server_error",
            "status_code_conformance",
            "content_type_conformance",
            "response_schema_conformance",
            "response_headers_conformance",
        ]
    )
    args = [st, "run", f"{server.url}/api/v1/openapi.json", "-H", f"Authorization: Bearer {seeded.token}",
            "--checks", checks, "--max-examples", "3", "--seed", "1", "--no-shrink",
            "--phases", "examples,coverage,fuzzing", "--request-timeout", "60"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    spec = httpx.get(f"{server.url}/api/v1/openapi.json").json()
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    operations = sum(1 for item in spec["paths"].values() for method in item if method in methods)
    assert operations >= 21  # the productions, records and their batches, compute and factor routes
    assert f"Tested: {operations}" in done.stdout, done.stdout[-3000:]  # every operation of the description


def _track(server_url: str, seeded: Seeded, tmp_path: Path, label: str, seconds: float) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "shootprint.cli", "track", "--label", label, "--out", str(tmp_path / "runs.jsonl"),
            "--push", server_url, "--production", str(seeded.production_id), "--token", seeded.token,
            "--spool", str(tmp_path / "spool.jsonl"), "--",
            sys.executable, "-c", f"import time; time.sleep({seconds})"]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored(server: LiveServer, seeded: Seeded) -> list[str]:
    headers = {"Authorization": f"Bearer {seeded.token}"}
    body = httpx.get(f"{server.url}/api/v1/productions/{seeded.production_id}/records", headers=headers).json()
    return [item["run_id"] for item in body["items"]]


def test_track_push_survives_a_server_killed_mid_run(live, tmp_path: Path):
    server, seeded = live
    for i in range(2):  # jobs before the crash: sent as they end
        job = _track(server.url, seeded, tmp_path, f"before-{i}", 0.1)
        assert job.wait(120) == 0, job.stderr.read() if job.stderr else ""
    running = _track(server.url, seeded, tmp_path, "during", 3.0)
    time.sleep(1.0)  # the job is running
    server.kill()  # SIGKILL: the record of the running job cannot be sent when it ends
    out, err = running.communicate(timeout=120)
    assert running.returncode == 0, err  # the job's status is never changed by the network
    assert "spooled for later" in err or "accepted" in err
    server.start()
    after = _track(server.url, seeded, tmp_path, "after", 0.1)  # sends what the spool holds, then its own
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    again = _track(server.url, seeded, tmp_path, "again", 0.1)
    assert again.wait(120) == 0
    written = [json.loads(line)["run_id"] for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    stored = _stored(server, seeded)
    assert len(written) == 5
    assert sorted(stored) == sorted(written)  # every record, exactly once
    headers = {"Authorization": f"Bearer {seeded.token}"}
    fp = httpx.get(f"{server.url}/api/v1/productions/{seeded.production_id}/footprint", headers=headers, timeout=60)
    assert fp.status_code == 200 and fp.json()["measured_records"]["count"] == 5


def test_push_file_creates_then_updates_with_the_etag(live, tmp_path: Path):
    server, seeded = live
    src = Path(__file__).resolve().parents[2] / "examples" / "reference" / "studio-paris.yaml"
    env_args = ["--server", server.url, "--token", seeded.token]
    made = subprocess.run([sys.executable, "-m", "shootprint.cli", "push", str(src), *env_args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    pid = made.stdout.strip()
    assert pid.isdigit() and "created production" in made.stderr
    updated = subprocess.run([sys.executable, "-m", "shootprint.cli", "push", str(src), *env_args, "--production", pid],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    stale = subprocess.run([sys.executable, "-m", "shootprint.cli", "push", str(src), *env_args, "--production", pid,
                            "--etag", f'"{pid}-r0"'], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert stale.returncode != 0 and "412" in stale.stderr
    other = subprocess.run([sys.executable, "-m", "shootprint.cli", "push", str(src), "--server", server.url,
                            "--token", seeded.other_token, "--production", pid],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert other.returncode != 0 and "404" in other.stderr


def test_documentation_page_renders_every_operation_in_a_browser(live, tmp_path: Path):
    server, _ = live
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed")
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=10000", "--dump-dom", f"{server.url}/api/v1/docs"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    spec = httpx.get(f"{server.url}/api/v1/openapi.json").json()
    operations = sum(len(item) for item in spec["paths"].values())
    assert done.stdout.count('class="op"') == operations, done.stdout[-2000:]  # rendered by the page's script
    assert 'id="api_estimate"' in done.stdout and 'id="api_records_push"' in done.stdout

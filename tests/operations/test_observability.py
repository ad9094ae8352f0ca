"""Health, readiness, JSON request logs and Prometheus metrics, on a small application of their own
(the full application's wiring is tested with it in test_serving_observability)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shootprint.server.observability import (
    ACCESS_LOGGER,
    JsonFormatter,
    database_check,
    install,
    migrations_check,
)


def make_migrations(tmp_path: Path) -> str:
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "a1_first.py").write_text('revision = "a1"\ndown_revision = None\n')
    (versions / "b2_second.py").write_text('revision = "b2"\ndown_revision = "a1"\n')
    return str(tmp_path / "migrations")


def make_app(url: str, script_location: str, token: str | None = None) -> FastAPI:
    engine = sa.create_engine(url)
    app = FastAPI()

    @app.get("/s/{share_token}")
    def shared(share_token: str) -> dict[str, str]:
        return {"ok": share_token[:2]}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    install(
        app,
        {"database": database_check(engine), "migrations": migrations_check(engine, script_location)},
        metrics_token=token,
    )
    return app


def stamp(url: str, revision: str | None) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("DELETE FROM alembic_version")
        if revision:
            conn.exec_driver_sql(f"INSERT INTO alembic_version VALUES ('{revision}')")
    engine.dispose()


def test_health_and_readiness(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    client = TestClient(make_app(url, make_migrations(tmp_path)))
    assert client.get("/healthz").json() == {"status": "ok"}

    not_migrated = client.get("/readyz")
    assert not_migrated.status_code == 503
    assert not_migrated.json()["checks"]["database"] == "ok"
    assert "revision none" in not_migrated.json()["checks"]["migrations"]

    stamp(url, "a1")
    behind = client.get("/readyz")
    assert behind.status_code == 503 and "revision a1, this version needs b2" in behind.json()["checks"]["migrations"]

    stamp(url, "b2")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_unreachable_database_is_not_ready_and_says_so_without_secrets(tmp_path: Path) -> None:
    url = "postgresql+psycopg://someone:s3cret-pw@127.0.0.1:9/nowhere?connect_timeout=1"
    client = TestClient(make_app(url, make_migrations(tmp_path)))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"].startswith("database unreachable (")
    assert "s3cret" not in answer.text
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_one_json_line_per_request_with_route_template_and_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(
        make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", make_migrations(tmp_path)), raise_server_exceptions=False
    )
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        caplog.clear()
        answer = client.get("/s/SECRET-share-token-123?password=hunter2", headers={"X-Request-ID": "req-42"})
        missing = client.get("/no/such/page/SECRET2")
        broken = client.get("/boom")
    assert answer.headers["x-request-id"] == "req-42"
    assert len(missing.headers["x-request-id"]) == 32
    assert broken.status_code == 500
    records = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(records) == 3
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    first = lines[0]
    assert {k: first[k] for k in ("method", "route", "status", "request_id")} == {
        "method": "GET",
        "route": "/s/{share_token}",
        "status": 200,
        "request_id": "req-42",
    }
    assert first["duration_ms"] >= 0 and first["level"] == "info" and first["time"].endswith("+00:00")
    assert lines[1]["route"] == "unmatched" and lines[1]["status"] == 404
    assert lines[2]["route"] == "/boom" and lines[2]["status"] == 500
    text = "\n".join(JsonFormatter().format(r) for r in records)
    for secret in ("SECRET", "hunter2", "password"):
        assert secret not in text


def test_a_malformed_request_id_is_replaced(tmp_path: Path) -> None:
    client = TestClient(make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", make_migrations(tmp_path)))
    answer = client.get("/healthz", headers={"X-Request-ID": 'bad id\twith"quotes' + "x" * 100})
    assert answer.headers["x-request-id"] != "bad id" and len(answer.headers["x-request-id"]) == 32


def test_metrics_by_route_template(tmp_path: Path) -> None:
    client = TestClient(make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", make_migrations(tmp_path)))
    for token in ("aa", "bb", "cc"):
        client.get(f"/s/{token}")
    client.get("/nowhere")
    text = client.get("/metrics").text
    assert 'shootprint_http_requests_total{method="GET",route="/s/{share_token}",status="200"} 3.0' in text
    assert 'shootprint_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'shootprint_http_request_duration_seconds_count{method="GET",route="/s/{share_token}"} 3.0' in text
    assert "process_resident_memory_bytes" in text
    assert "aa" not in text.replace("aaa", "")  # no raw path segment became a label


def test_metrics_token(tmp_path: Path) -> None:
    client = TestClient(make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", make_migrations(tmp_path), token="m-token"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer m-token"}).status_code == 200


def test_two_apps_keep_their_own_counters(tmp_path: Path) -> None:
    one = TestClient(make_app(f"sqlite:///{tmp_path / 'a.sqlite'}", make_migrations(tmp_path / "a")))
    two = TestClient(make_app(f"sqlite:///{tmp_path / 'b.sqlite'}", make_migrations(tmp_path / "b")))
    one.get("/s/x")
    assert 'route="/s/{share_token}"' not in two.get("/metrics").text


def test_metrics_show_what_each_named_cache_holds_and_its_bound(tmp_path: Path) -> None:
    from shootprint.server.memory import NAMED_CACHES, SizedCache

    cache: SizedCache[bytes] = SizedCache(10, 1_000, len, name="test_cache")
    try:
        with pytest.raises(ValueError, match="exists already"):
            SizedCache(10, 1_000, len, name="test_cache")
        cache.put("a", bytes(300))
        cache.put("b", bytes(200))
        client = TestClient(make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", make_migrations(tmp_path)))
        text = client.get("/metrics").text
        assert 'shootprint_cache_bytes{cache="test_cache"} 500.0' in text
        assert 'shootprint_cache_max_bytes{cache="test_cache"} 1000.0' in text
        assert 'shootprint_cache_entries{cache="test_cache"} 2.0' in text
        assert "shootprint_malloc_trims" in text
    finally:
        NAMED_CACHES.pop("test_cache", None)

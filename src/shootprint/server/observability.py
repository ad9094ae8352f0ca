"""What an operator watches: health and readiness endpoints, one JSON log line per request, Prometheus metrics.

- ``GET /healthz``: the process answers (a load balancer's liveness probe); touches nothing else.
- ``GET /readyz``: the database answers and its schema is at the migrations' head; 503 with the
  failing check otherwise (a load balancer sends no traffic to a process that is not ready).
- every request logs one JSON line on the ``shootprint.access`` logger: method, route template (never
  the raw path, which can hold a share-link token), status, duration and request id. The request id
  comes from a well-formed ``X-Request-ID`` header (a proxy's) or is made here, and is sent back.
- ``GET /metrics``: Prometheus text format, request counts and latency histograms by route template,
  plus the process's memory and CPU. Each application has its own registry, so processes and test
  apps never share counters. With a metrics token set, ``/metrics`` needs ``Authorization: Bearer``.

:func:`install` wires all of it into an application; :func:`json_log_config` is the logging set-up
``shootprint serve`` gives uvicorn so that its own lines are JSON too.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "shootprint.access"
REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
#: seconds; from a cached page (~1 ms) to a large Monte Carlo run or a PDF report (~10 s)
LATENCY_BUCKETS_S = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: the names of this module's own routes (the access rules declare them public)
ROUTE_NAMES = ("healthz", "readyz", "metrics")

#: a readiness check: () → None when ready, else a sentence saying what is wrong
Check = Callable[[], "str | None"]


# -- JSON logs ------------------------------------------------------------------------------


_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def json_log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: everything (uvicorn's lines included) as JSON on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            # one line per request comes from shootprint.access; uvicorn's access line would repeat it
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


# -- metrics --------------------------------------------------------------------------------


class Metrics:
    """The application's Prometheus registry and request instruments."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter(
            "shootprint_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "shootprint_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method and route template.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "shootprint_http_requests_in_progress",
            "Requests being answered now.",
            registry=self.registry,
        )
        from shootprint.server import heavy

        running = Gauge(
            "shootprint_heavy_requests_running",
            "Heavy requests (Monte Carlo, reports, exports) on one of their threads now, in this process.",
            registry=self.registry,
        )
        running.set_function(lambda: float(heavy.statistics()[0]))
        waiting = Gauge(
            "shootprint_heavy_requests_waiting",
            "Heavy requests waiting for one of their threads, in this process.",
            registry=self.registry,
        )
        waiting.set_function(lambda: float(heavy.statistics()[1]))
        import gc

        from shootprint.server.memory import COLLECTOR

        frozen = Gauge(
            "shootprint_gc_frozen_objects",
            "Objects the cyclic garbage collector no longer goes through (gc.freeze; see server.memory).",
            registry=self.registry,
        )
        frozen.set_function(lambda: float(gc.get_freeze_count()))
        full = Gauge(
            "shootprint_gc_last_full_collection_seconds",
            "CPU time of the last full collection of the cyclic garbage collector, every thread waiting.",
            registry=self.registry,
        )
        full.set_function(lambda: COLLECTOR.last_full_ms / 1000.0)
        from shootprint.server.memory import TRIMMER

        trims = Gauge(
            "shootprint_malloc_trims",
            "Times this process gave malloc's free pages back to the system (malloc_trim; see server.memory).",
            registry=self.registry,
        )
        trims.set_function(lambda: float(TRIMMER.trims))
        trim = Gauge(
            "shootprint_malloc_last_trim_seconds",
            "CPU time of the last malloc_trim, in its own thread.",
            registry=self.registry,
        )
        trim.set_function(lambda: TRIMMER.last_ms / 1000.0)
        self._caches = (  # filled from server.memory.NAMED_CACHES when the metrics are read
            Gauge(
                "shootprint_cache_bytes",
                "What a cache of this process holds, in bytes (server.memory.SizedCache).",
                ["cache"],
                registry=self.registry,
            ),
            Gauge("shootprint_cache_max_bytes", "A cache's bound, in bytes.", ["cache"], registry=self.registry),
            Gauge(
                "shootprint_cache_entries", "Entries a cache of this process holds.", ["cache"], registry=self.registry
            ),
        )

    def exposition(self) -> bytes:
        from shootprint.server.memory import NAMED_CACHES

        held, bound, entries = self._caches
        for name, cache in list(NAMED_CACHES.items()):
            held.labels(name).set(cache.bytes)
            bound.labels(name).set(cache.max_bytes)
            entries.labels(name).set(len(cache))
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    """The matched route's template (``/productions/{production_id}``), or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    if route is not None and type(route).__name__ == "Mount":
        return f"{path}/{{path}}"
    return path or "/"


# -- the middleware -------------------------------------------------------------------------


class RequestObserver:
    """Pure ASGI middleware: request id, one JSON log line and metrics per HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.logger = logger or logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        start = time.perf_counter()
        self.metrics.in_progress.inc()

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            duration_s = time.perf_counter() - start
            self.metrics.in_progress.dec()
            method = str(scope.get("method", ""))
            route = route_template(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(duration_s)
            self.logger.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(duration_s * 1000, 2),
                    "request_id": request_id,
                },
            )


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _REQUEST_ID.match(text) else None
    return None


def request_id(request: Request) -> str | None:
    """The current request's id (for error pages and problem documents)."""
    return getattr(request.state, "request_id", None)


# -- readiness ------------------------------------------------------------------------------


def database_check(engine: Any) -> Check:
    """Ready when the database answers a query."""
    import sqlalchemy as sa

    def check() -> str | None:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any failure means not ready; the class names it without secrets
            return f"database unreachable ({type(exc).__name__})"
        return None

    return check


def migrations_check(engine: Any, script_location: str) -> Check:
    """Ready when the database's Alembic revision is the head of the migrations shipped here."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", script_location)
    heads = set(ScriptDirectory.from_config(config).get_heads())

    def check() -> str | None:
        try:
            with engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
        except Exception as exc:
            return f"migration state unreadable ({type(exc).__name__})"
        if current != heads:
            have = ", ".join(sorted(current)) or "none"
            return f"database schema at revision {have}, this version needs {', '.join(sorted(heads))} (shootprint db upgrade)"
        return None

    return check


# -- wiring ---------------------------------------------------------------------------------


def install(app: FastAPI, checks: Mapping[str, Check], metrics_token: str | None = None) -> Metrics:
    """Add the request observer, ``/healthz``, ``/readyz`` and ``/metrics`` to ``app``."""
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(RequestObserver, metrics=metrics)

    @app.get("/healthz", name="healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})

    @app.get("/readyz", name="readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        results = {name: check() for name, check in checks.items()}
        ready = all(problem is None for problem in results.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {name: problem or "ok" for name, problem in results.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})

    @app.get("/metrics", name="metrics", include_in_schema=False)
    def metrics_endpoint(request: Request) -> Response:
        if metrics_token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {metrics_token}".encode()):
                return PlainTextResponse(
                    "metrics need Authorization: Bearer <metrics token>\n",
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return metrics

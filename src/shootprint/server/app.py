"""``create_app(settings)``: the FastAPI application (HTML pages; the REST API mounts beside them)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from shootprint.server import access, api, migrations, observability
from shootprint.server.access import Rule
from shootprint.server.limits import BodyLimit
from shootprint.server.security import SecurityHeaders
from shootprint.server.settings import Settings
from shootprint.server.store.db import Database


def prepare_database(db: Database, settings: Settings) -> None:
    """Apply the migrations to a new database (an existing one is upgraded by ``shootprint db upgrade``)."""
    if settings.migrate_on_start and migrations.current(db.engine) is None:
        migrations.upgrade(db.engine)


def warm_up() -> None:
    """Make now what the first requests would make: every page template compiled, the activity
    models built and the factor table loaded (one reference production's footprint computed). So
    the first visitors do not wait for it, and :class:`~shootprint.server.memory.CollectorPauses`
    freezes it with the rest of what the process made to start."""
    from shootprint.server.services import compute, productions
    from shootprint.server.web.context import environment

    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    compute.estimate(productions.reference_document("studio-paris"), [])
    compute.levers()


def serve_app() -> FastAPI:
    """The application of one process of ``shootprint serve --workers N`` (uvicorn's factory, called in
    each process it starts): settings from the environment, at most two malloc arenas, warmed up, what
    start made frozen out of the garbage collector's way (:mod:`server.memory`). The database was
    created or checked by the command before it started the processes."""
    from shootprint.server.memory import limit_malloc_arenas

    limit_malloc_arenas()
    app = create_app(Settings.from_env())
    settle_process()
    return app


def settle_process() -> None:
    """Before a long-running application process answers: :func:`warm_up`, then what start made frozen
    out of the garbage collector's way, the collector's policy installed, and malloc's free pages given
    back every half minute (:mod:`server.memory`)."""
    from shootprint.server.memory import COLLECTOR, TRIMMER

    warm_up()
    COLLECTOR.settle()
    COLLECTOR.install()
    TRIMMER.start()


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    from importlib import resources

    from shootprint.server.web import (
        accounts_pages,
        audit_pages,
        compare_pages,
        dashboard_pages,
        edit_pages,
        factor_pages,
        production_pages,
        records_pages,
        share_pages,
    )
    from shootprint.server.web.context import guard

    settings = settings or Settings.from_env()
    db = database or Database(settings.database_url)
    prepare_database(db, settings)
    app = FastAPI(title="shootprint", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db = db
    app.state.settings = settings
    # a body over the limit is answered 413 before any route, access check or form parser sees it
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outside BodyLimit: its 413 carries the headers too

    routes: list[tuple[str, str, Any, Rule, str]] = [
        *accounts_pages.ROUTES,
        *production_pages.ROUTES,
        *records_pages.ROUTES,
        *edit_pages.ROUTES,
        *compare_pages.ROUTES,
        *share_pages.ROUTES,
        *factor_pages.ROUTES,
        *dashboard_pages.ROUTES,
        *audit_pages.ROUTES,
    ]
    for method, path, handler, rule, name in routes:
        heavy = name in compare_pages.HEAVY_ROUTES
        access.register(app, path, [method], guard(rule, handler, db, settings, heavy=heavy), rule, name)
    api.install(app, settings)  # /api/v1: REST routes, problem+json errors, OpenAPI and its documentation

    # /healthz, /readyz, /metrics and one JSON log line per request (server.observability)
    observability.install(
        app,
        {
            "database": observability.database_check(db.engine),
            "migrations": observability.migrations_check(db.engine, str(migrations.HERE)),
        },
        metrics_token=settings.metrics_token,
    )
    for route in app.routes:  # probes and metrics: public (metrics take their own token when set)
        if getattr(route, "path", "") in ("/healthz", "/readyz", "/metrics"):
            access.declare(app, str(getattr(route, "name", "")), Rule.PUBLIC)
    static = resources.files("shootprint.server.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    access.declare(app, "static", Rule.PUBLIC)
    return app

"""``shootprint serve`` and ``shootprint db upgrade`` (the server's commands; need the server extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click


def _need_server_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        from shootprint.i18n import gettext, lang_from_env

        raise click.ClickException(
            gettext(
                lang_from_env(),
                "the web application needs the server extra ({name} is missing): pip install 'shootprint[server]'",
                name=str(exc.name),
            )
        ) from None


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from shootprint.i18n import lang_from_env

    return value or lang_from_env()


lang_opt = click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    default=None,
    callback=_lang,
    help="en or fr: the language of the summary and of errors (default: the locale's, else en).",
)


def _fail(exc: Exception, lang: str) -> NoReturn:
    """Print an error's sentences in ``lang`` (``error: …`` / ``erreur : …``) and exit with status 1."""
    details = getattr(exc, "details", None)
    text = "\n".join(p.text(lang) for p in details) if details else str(exc)
    from shootprint.i18n import ERROR_PREFIX

    for line in text.splitlines():
        click.echo(f"{ERROR_PREFIX[lang]}{line}", err=True)
    sys.exit(1)


def _settings(lang: str) -> Any:
    """The settings from the environment; a bad variable is an error naming it (no traceback)."""
    from shootprint.i18n import render
    from shootprint.server.settings import Settings

    try:
        return Settings.from_env()
    except ValueError as exc:
        _fail(RuntimeError(render(exc.args[0] if exc.args else str(exc), lang)), lang)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--demo",
    is_flag=True,
    help="Create (once) a demo organisation holding the reference campaign and print its sign-in.",
)
@click.option("--check", is_flag=True, help="Start, answer one request to /healthz, print the address and stop.")
@click.option(
    "--forwarded-allow-ips",
    default=None,
    metavar="IPS",
    help="Behind a TLS proxy: the proxy's addresses (comma-separated, or '*'), whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed (client address for throttling, https links). Default: none believed.",
)
@click.option(
    "--json-logs",
    is_flag=True,
    help="Log one JSON object per line on standard error: one per request (method, route, status, "
    "duration, request id) and the server's own lines.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Application processes sharing the address (one per core is a good start); each has its own "
    "request threads, computation workers and caches, and everything else is in the database.",
)
@lang_opt
def serve(
    host: str,
    port: int,
    demo: bool,
    check: bool,
    forwarded_allow_ips: str | None,
    json_logs: bool,
    workers: int,
    lang: str,
) -> None:
    """Run the web application (SQLite in your data folder, or SHOOTPRINT_DATABASE_URL)."""
    _need_server_extra()
    import socket

    import uvicorn

    from shootprint.i18n import gettext
    from shootprint.server.app import create_app
    from shootprint.server.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before the request threads start (server.memory: RSS flat under load)
    settings = _settings(lang)
    app = create_app(settings)
    if port == 0:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
    address = f"http://{host}:{port}/"
    click.echo(gettext(lang, "shootprint: database {database}", database=_masked(settings.database_url)))
    if demo:
        from shootprint.server.demo import ensure_demo

        email, password, slug = ensure_demo(app.state.db)
        click.echo(gettext(lang, "shootprint: demo organisation at {url}", url=f"{address}o/{slug}/productions"))
        click.echo(
            gettext(lang, "shootprint: sign in as {email} with the password {password}", email=email, password=password)
        )
    from shootprint.server.app import settle_process, warm_up

    options: dict[str, Any] = {"log_level": "warning"}
    if json_logs:
        from shootprint.server.observability import json_log_config

        options = {"log_config": json_log_config("INFO"), "log_level": "info"}
    if forwarded_allow_ips:
        options |= {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    else:
        options["proxy_headers"] = False
    if workers > 1 and not check:  # each process makes its own application (server.app.serve_app)
        app.state.db.dispose()  # the database is made and migrated: no connection goes into the processes
        click.echo(gettext(lang, "shootprint: serving on {address} (Ctrl-C stops)", address=address))
        uvicorn.run("shootprint.server.app:serve_app", host=host, port=port, factory=True, workers=workers, **options)
        return
    if check:  # answers one request: warmed up, the collector left as it is
        warm_up()
    else:
        settle_process()
    click.echo(gettext(lang, "shootprint: serving on {address} (Ctrl-C stops)", address=address))
    config = uvicorn.Config(app, host=host, port=port, **options)
    server = uvicorn.Server(config)
    if check:
        import threading
        import urllib.request

        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for _ in range(200):
                if server.started:
                    break
                threading.Event().wait(0.05)
            with urllib.request.urlopen(f"{address}healthz", timeout=10) as resp:  # noqa: S310 (loopback)
                click.echo(
                    gettext(lang, "shootprint: {url} answered {status}", url=f"{address}healthz", status=resp.status)
                )
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        return
    server.run()


def _masked(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group("db")
def db() -> None:
    """The web application's database."""


@db.command("upgrade")
@lang_opt
def upgrade(lang: str) -> None:
    """Apply the schema migrations (SHOOTPRINT_DATABASE_URL, else SQLite in your data folder)."""
    _need_server_extra()
    from shootprint.i18n import gettext
    from shootprint.server import migrations
    from shootprint.server.store.db import Database

    settings = _settings(lang)
    database = Database(settings.database_url)
    before = migrations.current(database.engine)
    migrations.upgrade(database.engine)
    after = migrations.current(database.engine)
    where = _masked(settings.database_url)
    if before:
        click.echo(gettext(lang, "{database}: {before} → {after}", database=where, before=before, after=str(after)))
    else:
        click.echo(gettext(lang, "{database}: new → {after}", database=where, after=str(after)))
    database.dispose()


@click.group("admin")
def admin() -> None:
    """Operating an installation: back up the database into one file, restore it into an empty one,
    clean the footprint cache."""


@admin.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@lang_opt
def backup_cmd(file: Path, lang: str) -> None:
    """Write the whole database (SHOOTPRINT_DATABASE_URL, else SQLite in your data folder) into FILE.

    FILE is gzip-compressed JSON lines with a SHA-256 trailer, read from one consistent snapshot:
    the server may keep running. It holds hashed secrets only, but every production: keep it private.
    """
    _need_server_extra()
    from shootprint.i18n import gettext
    from shootprint.server.backup import BackupError, backup, describe
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import Base

    settings = _settings(lang)
    database = Database(settings.database_url)
    try:
        summary = backup(database.engine, file, Base.metadata)
    except BackupError as exc:
        _fail(exc, lang)
    finally:
        database.dispose()
    click.echo(
        gettext(
            lang,
            "{file}: {summary} from {database}",
            file=str(file),
            summary=describe(summary, lang),
            database=_masked(settings.database_url),
        )
    )


@admin.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_opt
def restore_cmd(file: Path, lang: str) -> None:
    """Rebuild an empty database (SHOOTPRINT_DATABASE_URL, else SQLite in your data folder) from FILE.

    The whole file is checked first (format, checksum, tables); a database holding any row is refused
    and nothing is written. The schema is created at the backup's migration revision.
    """
    _need_server_extra()
    from shootprint.i18n import gettext
    from shootprint.server import migrations
    from shootprint.server.backup import BackupError, describe, restore
    from shootprint.server.store.db import Database
    from shootprint.server.store.models import Base

    def prepare(engine: Any, revision: str | None) -> None:
        migrations.upgrade(engine, revision or "head")

    settings = _settings(lang)
    database = Database(settings.database_url)
    try:
        summary = restore(database.engine, file, Base.metadata, prepare_schema=prepare)
    except BackupError as exc:
        _fail(exc, lang)
    finally:
        database.dispose()
    click.echo(
        gettext(
            lang,
            "{database}: restored {summary} from {file}",
            database=_masked(settings.database_url),
            summary=describe(summary, lang),
            file=str(file),
        )
    )


@admin.command("clean-cache")
@click.option(
    "--unused-days",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="remove the cached results no request used for this many days",
)
@click.option(
    "--other-version-days",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="remove the cached results of another factor-data version unused for this many days",
)
@lang_opt
def clean_cache_cmd(unused_days: float, other_version_days: float, lang: str) -> None:
    """Remove the footprint cache's entries that are no longer used (SHOOTPRINT_DATABASE_URL, else
    SQLite in your data folder), in short transactions: the server may keep running. The server also
    removes some now and then; run this from cron, or after an upgrade of the factor data."""
    _need_server_extra()
    import sqlalchemy as sa

    from shootprint.i18n import gettext
    from shootprint.server import migrations
    from shootprint.server.services import cache
    from shootprint.server.store.db import Database

    settings = _settings(lang)
    database = Database(settings.database_url)
    try:
        # a database not yet upgraded (the cache's last_used came with 0006) is not cleaned
        inspector = sa.inspect(database.engine)
        has = inspector.has_table("footprint_cache") and any(
            c["name"] == "last_used" for c in inspector.get_columns("footprint_cache")
        )
        if not has:
            where, revision = _masked(settings.database_url), migrations.current(database.engine)
            if revision is None:
                message = gettext(
                    lang,
                    "{database}: the database has no schema yet: create it (shootprint db upgrade) first",
                    database=where,
                )
            else:
                message = gettext(
                    lang,
                    "{database}: the schema is at revision {revision}, older than this version of shootprint: "
                    "bring it up to date (shootprint db upgrade) before cleaning the cache",
                    database=where,
                    revision=revision,
                )
            _fail(RuntimeError(message), lang)
        removed = cache.clean(database, unused_days=unused_days, other_version_days=other_version_days)
    finally:
        database.dispose()
    click.echo(
        gettext(
            lang,
            "{database}: {count} cached result(s) removed",
            database=_masked(settings.database_url),
            count=removed,
        )
    )

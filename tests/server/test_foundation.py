"""Settings, migrations, the store and the server's commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from shootprint.server import migrations
from shootprint.server.settings import Settings, data_dir, default_database_url
from shootprint.server.store.db import Database
from shootprint.server.store.models import Base


def test_default_database_is_sqlite_in_the_user_data_folder(tmp_path: Path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert data_dir(env) == tmp_path / "shootprint"
    assert default_database_url(env) == f"sqlite:///{tmp_path / 'shootprint' / 'shootprint.sqlite'}"
    assert Settings.from_env(env).database_url == default_database_url(env)
    home = data_dir({})
    assert home.parts[-3:] == (".local", "share", "shootprint")


def test_database_url_from_the_environment():
    url = "postgresql+psycopg://u:p@127.0.0.1:5432/x"
    assert Settings.from_env({"SHOOTPRINT_DATABASE_URL": url}).database_url == url


def test_migrations_build_exactly_the_models(database_url: str):
    """The shipped migrations and the models agree (no change left for a new migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = Database(database_url)
    assert migrations.current(db.engine) is None
    migrations.upgrade(db.engine)
    assert migrations.current(db.engine) == migrations.head()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    migrations.upgrade(db.engine)  # again: nothing to do
    db.dispose()


def test_audit_origin_migration_keeps_earlier_events(database_url: str):
    """0003_audit_via adds what each action came through; events written before it say neither."""
    db = Database(database_url)
    migrations.upgrade(db.engine, "0002_api")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_events (action, target, detail, at) "
                "VALUES ('sign_in', 'a@example.org', '{}', CURRENT_TIMESTAMP)"
            )
        )
    migrations.upgrade(db.engine)
    assert migrations.current(db.engine) == migrations.head()
    with db.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT action, via_kind, via_id, via_name FROM audit_events")).one()
    assert tuple(row) == ("sign_in", "", "", "")
    from alembic import command

    with db.engine.begin() as conn:  # and back
        command.downgrade(migrations.config(conn), "0002_api")  # type: ignore[arg-type]
    with db.engine.connect() as conn:
        assert "via_kind" not in {c["name"] for c in sa.inspect(conn).get_columns("audit_events")}
    db.dispose()


def test_app_migrates_a_new_database_on_start(database_url: str):
    from shootprint.server.app import create_app

    app = create_app(Settings(database_url=database_url))
    with app.state.db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert {"users", "organisations", "memberships", "revisions", "productions", "share_links"} <= tables
    app.state.db.dispose()


def test_db_upgrade_command(tmp_path: Path):
    from shootprint.cli import app

    url = f"sqlite:///{tmp_path / 'cmd.sqlite'}"
    result = CliRunner().invoke(app, ["db", "upgrade"], env={"SHOOTPRINT_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    from shootprint.server import migrations

    head = migrations.head()
    assert f"new → {head}" in result.output
    result = CliRunner().invoke(app, ["db", "upgrade"], env={"SHOOTPRINT_DATABASE_URL": url})
    assert f"{head} → {head}" in result.output


def test_serve_check_with_demo_prints_address_and_sign_in(tmp_path: Path):
    from shootprint.cli import app

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = CliRunner().invoke(
        app, ["serve", "--demo", "--check", "--port", "0"], env={"SHOOTPRINT_DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    assert "sign in as demo@shootprint.example with the password" in result.output
    assert "/healthz answered 200" in result.output
    assert "/o/demo-agency/productions" in result.output


def test_reference_ways_shipped_with_the_server_are_the_examples():
    """The package's reference ways are examples/reference itself (a link), so they never drift."""
    from shootprint.server.services import productions

    root = Path(__file__).resolve().parents[2]
    for key in productions.REFERENCE_WAYS:
        example = root / "examples" / "reference" / f"{key}.yaml"
        assert productions.reference_document(key)["name"] in example.read_text(encoding="utf-8")


def test_the_draws_of_a_comparison_from_the_environment_are_ones_a_comparison_accepts():
    """SHOOTPRINT_SAMPLES outside what a comparison accepts made every comparison page and shared link
    an error: it is refused at start, naming the variable and the bounds, in English and French."""
    from shootprint.i18n import render
    from shootprint.server.services import compute, decisions
    from shootprint.server.settings import SAMPLES

    assert SAMPLES == (decisions.MIN_SAMPLES, compute.MAX_SAMPLES)
    assert Settings.from_env({"SHOOTPRINT_SAMPLES": "2000"}).samples == 2000
    for given, says in (("50", "100 or more"), ("0", "100 or more"), ("1000000", "100000 or less")):
        with pytest.raises(ValueError, match=f"SHOOTPRINT_SAMPLES: '{given}' is too") as refused:
            Settings.from_env({"SHOOTPRINT_SAMPLES": given})
        assert says in str(refused.value)
        assert "SHOOTPRINT_SAMPLES :" in render(refused.value.args[0], "fr")


def test_the_api_limits_from_the_environment_are_one_or_more():
    """SHOOTPRINT_API_RATE_PER_MINUTE=0 answered every API request 429 (it is not 'no limit'), and
    SHOOTPRINT_API_MAX_BODY_BYTES=0 answered every API request with a body 413: refused at start, with
    the variable, the value and the bound, in English and French."""
    from shootprint.i18n import render

    settings = Settings.from_env({"SHOOTPRINT_API_RATE_PER_MINUTE": "1", "SHOOTPRINT_API_MAX_BODY_BYTES": "1"})
    assert (settings.api_rate_per_minute, settings.api_max_body_bytes) == (1, 1)
    assert (Settings.from_env({}).api_rate_per_minute, Settings.from_env({}).api_max_body_bytes) == (600, 10 << 20)
    for name in ("SHOOTPRINT_API_RATE_PER_MINUTE", "SHOOTPRINT_API_MAX_BODY_BYTES"):
        for given in ("0", "-5"):
            with pytest.raises(ValueError, match=f"{name}: '{given}' is too small: 1 or more") as refused:
                Settings.from_env({name: given})
            assert f"{name} : '{given}' est trop petit : 1 ou plus (" in render(refused.value.args[0], "fr")
        with pytest.raises(ValueError, match=f"{name}: 'lots' is not a whole number"):
            Settings.from_env({name: "lots"})


def test_the_computations_at_once_come_from_the_environment():
    """SHOOTPRINT_COMPUTE_THREADS sets the computations under way at once and the heavy requests'
    threads (twice as many); outside 1 to COMPUTE_THREADS_MOST it is refused at start."""
    import asyncio

    from shootprint.i18n import render
    from shootprint.server import heavy
    from shootprint.server.settings import COMPUTE_THREADS_MOST

    assert Settings.from_env({}).compute_threads == 4
    settings = Settings.from_env({"SHOOTPRINT_COMPUTE_THREADS": "3"})
    assert settings.compute_threads == 3

    async def tokens() -> float:
        return heavy.limiter(settings.compute_threads).total_tokens

    assert asyncio.run(tokens()) == 6
    top = str(COMPUTE_THREADS_MOST)
    assert Settings.from_env({"SHOOTPRINT_COMPUTE_THREADS": top}).compute_threads == COMPUTE_THREADS_MOST
    for given, says in (("0", "1 or more"), ("-2", "1 or more"), (str(COMPUTE_THREADS_MOST + 1), f"{top} or less")):
        with pytest.raises(ValueError, match=f"SHOOTPRINT_COMPUTE_THREADS: '{given}' is too") as refused:
            Settings.from_env({"SHOOTPRINT_COMPUTE_THREADS": given})
        assert says in str(refused.value)
        assert "heavy computations under way at once" in str(refused.value)
        assert "calculs lourds menés en même temps" in render(refused.value.args[0], "fr")
    with pytest.raises(ValueError, match="SHOOTPRINT_COMPUTE_THREADS: 'four' is not a whole number"):
        Settings.from_env({"SHOOTPRINT_COMPUTE_THREADS": "four"})

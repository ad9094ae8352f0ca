"""``backup`` / ``restore``: a round trip on SQLite and PostgreSQL keeps every row and value exactly;
a damaged, foreign or newer file, or a database that is not empty, is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import gzip
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from shootprint.server.backup import BackupError, backup, restore


class Colour(enum.Enum):
    red = "R"
    blue = "B"


class Tags(sa.types.TypeDecorator[list[str]]):
    """A Python-side conversion: stored as text, read as a list."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Any) -> str | None:
        return None if value is None else "|".join(value)

    def process_result_value(self, value: str | None, dialect: Any) -> list[str] | None:
        return None if value is None else value.split("|")


def make_metadata() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "org",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "item",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.ForeignKey("org.id"), nullable=False),
        sa.Column("parent_id", sa.ForeignKey("item.id")),
        sa.Column("public_id", sa.Uuid, nullable=False),
        sa.Column("doc", sa.JSON),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("price", sa.Numeric(12, 4)),
        sa.Column("ratio", sa.Float),
        sa.Column("day", sa.Date),
        sa.Column("active", sa.Boolean),
        sa.Column("colour", sa.Enum(Colour)),
        sa.Column("tags", Tags),
    )
    return md


def fill(url: str, md: sa.MetaData) -> None:
    engine = sa.create_engine(url)
    md.create_all(engine)
    org, item = md.tables["org"], md.tables["item"]
    with engine.begin() as conn:
        conn.execute(
            org.insert(),
            [
                {"name": "Studio Été — « ok »", "created": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)},
                {"name": '=HYPERLINK("x")', "created": dt.datetime(2026, 2, 1, tzinfo=dt.UTC)},
            ],
        )
        conn.execute(
            item.insert(),
            [
                {
                    "org_id": 1,
                    "parent_id": None,
                    "public_id": uuid.UUID(int=7),
                    "doc": {"name": "Shoot", "activities": [{"id": "a", "days": 2.5}], "nested": {"x": None}},
                    "blob": bytes(range(256)),
                    "price": decimal.Decimal("1234.5678"),
                    "ratio": 0.1,
                    "day": dt.date(2026, 3, 4),
                    "active": True,
                    "colour": Colour.blue,
                    "tags": ["a", "b"],
                },
            ],
        )
        conn.execute(item.insert(), [{"org_id": 2, "parent_id": 1, "public_id": uuid.UUID(int=8), "active": False}])
        conn.execute(
            item.insert(), [{"org_id": 1, "parent_id": 1, "public_id": uuid.uuid4(), "doc": [i]} for i in range(2500)]
        )
    engine.dispose()


def dump(url: str, md: sa.MetaData) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in md.sorted_tables
        }
    engine.dispose()
    return out


def test_round_trip_keeps_every_row_and_value(new_database: Callable[[], str], tmp_path: Path) -> None:
    md = make_metadata()
    source, target = new_database(), new_database()
    fill(source, md)
    file = tmp_path / "backup.jsonl.gz"

    written = backup(source, file, md)
    assert written.rows == {"org": 2, "item": 2502}
    restored = restore(target, file, md)
    assert restored.rows == written.rows
    before, after = dump(source, md), dump(target, md)
    assert after == before
    assert after["item"][0][4]["activities"][0]["days"] == 2.5
    assert after["item"][0][11] == ["a", "b"]  # the TypeDecorator's value, not its storage text

    # New rows after a restore get fresh ids (PostgreSQL's sequences were moved past the restored ones).
    engine = sa.create_engine(target)
    with engine.begin() as conn:
        new_id = conn.execute(
            md.tables["org"]
            .insert()
            .values(name="new", created=dt.datetime.now(dt.UTC))
            .returning(md.tables["org"].c.id)
        ).scalar_one()
    engine.dispose()
    assert new_id == 3


def test_backup_file_is_gzip_json_lines_in_dependency_order(new_database: Callable[[], str], tmp_path: Path) -> None:
    md = make_metadata()
    source = new_database()
    fill(source, md)
    file = tmp_path / "b.gz"
    backup(source, file, md)
    lines = gzip.decompress(file.read_bytes()).decode("utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "shootprint-backup" and header["format_version"] == 1
    assert header["tables"] == ["org", "item"]
    assert json.loads(lines[1]) == {"table": "org", "columns": ["id", "name", "created"]}
    assert json.loads(lines[-1])["end"]["rows"] == {"org": 2, "item": 2502}


def test_restore_refuses_a_database_with_rows_and_writes_nothing(
    new_database: Callable[[], str], tmp_path: Path
) -> None:
    md = make_metadata()
    source, target = new_database(), new_database()
    fill(source, md)
    file = tmp_path / "b.gz"
    backup(source, file, md)
    engine = sa.create_engine(target)
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(md.tables["org"].insert().values(id=40, name="theirs", created=dt.datetime.now(dt.UTC)))
    engine.dispose()
    with pytest.raises(BackupError, match=r"not empty \(rows in org\)"):
        restore(target, file, md)
    assert dump(target, md)["org"][0][:2] == (40, "theirs") and dump(target, md)["item"] == []


def test_restore_into_migrated_but_empty_database(new_database: Callable[[], str], tmp_path: Path) -> None:
    md = make_metadata()
    source, target = new_database(), new_database()
    fill(source, md)
    file = tmp_path / "b.gz"
    backup(source, file, md)
    engine = sa.create_engine(target)
    md.create_all(engine)
    engine.dispose()
    restore(target, file, md)
    assert dump(target, md) == dump(source, md)


def _rewrite(file: Path, edit: Callable[[list[bytes]], list[bytes]]) -> None:
    lines = gzip.decompress(file.read_bytes()).splitlines(keepends=True)
    file.write_bytes(gzip.compress(b"".join(edit(lines))))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ls: ls[:2] + [ls[2].replace(b"Studio", b"Studia")] + ls[3:], "checksum mismatch"),
        (lambda ls: ls[:-1], "cut short"),
        (lambda ls: [ls[0].replace(b'"format_version":1', b'"format_version":9')] + ls[1:], "format version 9"),
        (lambda ls: [b'{"hello": 1}\n'] + ls[1:], "not a shootprint backup"),
        (lambda ls: ls + [b"[1]\n"], "after the end"),
    ],
    ids=["altered", "truncated", "newer", "foreign", "appended"],
)
def test_damaged_or_foreign_files_are_refused_before_writing(
    new_database: Callable[[], str], tmp_path: Path, edit: Callable[[list[bytes]], list[bytes]], message: str
) -> None:
    md = make_metadata()
    source, target = new_database(), new_database()
    fill(source, md)
    file = tmp_path / "b.gz"
    backup(source, file, md)
    _rewrite(file, edit)
    with pytest.raises(BackupError, match=message):
        restore(target, file, md)
    engine = sa.create_engine(target)
    assert sa.inspect(engine).get_table_names() == []  # nothing created, nothing written
    engine.dispose()


def test_not_gzip_or_missing(tmp_path: Path) -> None:
    md = make_metadata()
    bad = tmp_path / "x.gz"
    bad.write_text("name,total\nA,1\n")
    with pytest.raises(BackupError, match="not a shootprint backup"):
        restore(f"sqlite:///{tmp_path / 'db.sqlite'}", bad, md)
    with pytest.raises(BackupError, match="no such file"):
        restore(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "nope.gz", md)


def test_backup_is_a_snapshot_while_another_connection_writes(new_database: Callable[[], str], tmp_path: Path) -> None:
    """Each write adds an org and an item pointing at it in one transaction, while backups run: every
    backup holds as many of those orgs as items (one snapshot), and restores (foreign keys hold)."""
    import threading

    md = make_metadata()
    source = new_database()
    fill(source, md)
    org, item = md.tables["org"], md.tables["item"]
    engine = sa.create_engine(source, connect_args={"timeout": 30} if source.startswith("sqlite") else {})
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with engine.begin() as conn:
                org_id = conn.execute(
                    org.insert().values(name=f"w{written[0]}", created=dt.datetime.now(dt.UTC)).returning(org.c.id)
                ).scalar_one()
                conn.execute(item.insert().values(org_id=org_id, public_id=uuid.uuid4(), doc=["w"]))
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        files = []
        for n in range(3):
            file = tmp_path / f"b{n}.gz"
            backup(source, file, md)
            files.append(file)
    finally:
        stop.set()
        thread.join()
        engine.dispose()
    assert written[0] > 0
    for file in files:
        lines = [json.loads(x) for x in gzip.decompress(file.read_bytes()).splitlines()]
        rows = lines[-1]["end"]["rows"]
        orgs = [r for r in lines if isinstance(r, list) and len(r) == 3 and str(r[1]).startswith("w")]
        items = [r for r in lines if isinstance(r, list) and len(r) == 12 and r[4] == ["w"]]
        assert len(orgs) == len(items) == rows["org"] - 2 == rows["item"] - 2502
    target = new_database()
    restore(target, files[-1], md)


def test_a_backup_that_cannot_be_written_is_an_error_naming_the_file(
    new_database: Callable[[], str], tmp_path: Path
) -> None:
    """A folder that cannot be made or written (a file in the way, no permission, a full disk): an
    error naming the file and the reason, in English and French, and no partial file left."""
    md = make_metadata()
    source = new_database()
    fill(source, md)
    (tmp_path / "a-file").write_text("in the way")
    target = tmp_path / "a-file" / "backup.gz"
    with pytest.raises(BackupError) as failed:
        backup(source, target, md)
    (problem,) = failed.value.details
    assert problem.code == "backup-not-writable" and str(target) in problem.text("en")
    assert "cannot write the backup" in problem.text("en")
    assert "écriture de la sauvegarde impossible" in problem.text("fr")

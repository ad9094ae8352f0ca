"""One-file backups of the database, and restoring them into an empty database.

``shootprint admin backup FILE`` writes every table of the store's SQLAlchemy metadata, parents before
children (the metadata's dependency order), into one gzip-compressed file of JSON lines:

1. a header: ``{"format": "shootprint-backup", "format_version": 1, "schema_revision": …, "tables": […]}``
2. for each table, a line ``{"table": NAME, "columns": [...]}`` then one JSON array per row, in
   primary-key order
3. a trailer: ``{"end": {"rows": {TABLE: N, …}}, "sha256": HEX}``, the SHA-256 of every byte before it.

The rows are read from one snapshot, so a backup taken while the server writes is consistent: SQLite's
online backup API copies the database first; PostgreSQL reads in one REPEATABLE READ, READ ONLY
transaction. Values go through their column's storage type (a ``TypeDecorator`` is read and written as
its underlying type), so what is restored is byte for byte what was stored.

``restore`` checks the whole file (format, version, checksum, tables and columns known to this
version) before it writes anything, refuses a database that holds any row, writes everything in one
transaction, then moves PostgreSQL's sequences past the restored ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from shootprint.i18n import N_, Message, ngettext
from shootprint.problems import Problem, ProblemsError

FORMAT = "shootprint-backup"
FORMAT_VERSION = 1
BATCH_ROWS = 1000


class BackupError(ProblemsError):
    """A backup that cannot be written or restored; the message says which file and why (one
    problem with a stable ``backup-…`` code, in English and French)."""


def _failed(code: str, template: str, path: Path | None = None, **params: Any) -> BackupError:
    """The error of ``template`` (marked with ``N_``), named by the backup file when there is one."""
    return BackupError(Problem.make(code, template, source=str(path) if path is not None else "", **params))


@dataclass
class BackupSummary:
    path: Path
    schema_revision: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


#: prepares an empty database's schema for a backup's revision (None: the backup has none)
PrepareSchema = Callable[[Engine, "str | None"], None]


# -- values ---------------------------------------------------------------------------------


def _storage_type(column_type: sa.types.TypeEngine[Any]) -> sa.types.TypeEngine[Any]:
    """The type a value is stored as: a TypeDecorator's implementation, an Enum's stored text."""
    t = column_type
    while isinstance(t, sa.types.TypeDecorator):
        t = t.impl_instance
    if isinstance(t, sa.Enum) and t.enum_class is not None:  # the stored text, not the Python enum
        return sa.Enum(*t.enums, name=t.name, schema=t.schema, native_enum=t.native_enum, create_constraint=False)
    return t


Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _codec(t: sa.types.TypeEngine[Any]) -> Codec:
    """(encode to JSON, decode from JSON) for one storage type; None stays None."""
    if isinstance(t, sa.DateTime):
        return (lambda v: v.isoformat()), dt.datetime.fromisoformat
    if isinstance(t, sa.Date):
        return (lambda v: v.isoformat()), dt.date.fromisoformat
    if isinstance(t, sa.Time):
        return (lambda v: v.isoformat()), dt.time.fromisoformat
    if isinstance(t, sa.Interval):
        return (lambda v: v.total_seconds()), (lambda v: dt.timedelta(seconds=v))
    if isinstance(t, sa.LargeBinary):
        return (lambda v: base64.b64encode(bytes(v)).decode("ascii")), base64.b64decode
    if isinstance(t, sa.Float):
        return _same, _same
    if isinstance(t, sa.Numeric):
        return (lambda v: str(v)), (lambda v: decimal.Decimal(v) if t.asdecimal else float(v))
    if isinstance(t, sa.Uuid):
        return (lambda v: str(v)), (lambda v: uuid.UUID(v) if t.as_uuid else v)
    return _encode_plain, _same


def _encode_plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    return value


def _raw_table(table: sa.Table) -> sa.Table:
    """A copy of ``table`` whose columns have their storage types (no Python-side conversion)."""
    raw = sa.Table(
        table.name,
        sa.MetaData(schema=table.schema),
        *(sa.Column(c.name, _storage_type(c.type), primary_key=c.primary_key, key=c.name) for c in table.columns),
    )
    return raw


# -- writing --------------------------------------------------------------------------------


def _engine(engine: Engine | str) -> Engine:
    if not isinstance(engine, str):
        return engine
    if sa.make_url(engine).get_backend_name() == "sqlite":  # wait for a writer rather than fail
        return sa.create_engine(engine, connect_args={"timeout": 30})
    return sa.create_engine(engine)


def _schema_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    versions = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return ",".join(sorted(versions)) or None


def _snapshot_sqlite(engine: Engine, into: Path) -> Engine:
    """Copy a live SQLite database into ``into`` with SQLite's online backup API (a consistent copy)."""
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(into)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    return sa.create_engine(f"sqlite:///{into}", connect_args={"timeout": 30})


def backup(engine: Engine | str, path: Path | str, metadata: sa.MetaData) -> BackupSummary:
    """Write every table of ``metadata`` from ``engine``'s database into the file ``path``."""
    engine = _engine(engine)
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="shootprint-backup-") as tmp:
        source = engine
        if engine.dialect.name == "sqlite":
            source = _snapshot_sqlite(engine, Path(tmp) / "snapshot.sqlite")
        try:
            conn = source.connect()
            if source.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            with conn:
                return _write(conn, path, metadata)
        finally:
            if source is not engine:
                source.dispose()


def _write(conn: Connection, path: Path, metadata: sa.MetaData) -> BackupSummary:
    inspector = sa.inspect(conn)
    tables = list(metadata.sorted_tables)
    missing = [t.name for t in tables if not inspector.has_table(t.name, schema=t.schema)]
    if missing:
        raise _failed(
            "backup-schema-outdated",
            N_(
                "the database has no table {tables}: its schema is older than this version of shootprint; "
                "bring it up to date (shootprint db upgrade) before backing it up"
            ),
            tables=", ".join(missing),
        )
    from shootprint import __version__

    summary = BackupSummary(path=path, schema_revision=_schema_revision(conn))
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "shootprint": __version__,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dialect": conn.dialect.name,
        "schema_revision": summary.schema_revision,
        "tables": [t.name for t in tables],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _not_written(path, exc) from None
    os.close(fd)
    tmp_path = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with gzip.open(tmp_path, "wb") as out:

            def line(obj: Any) -> None:
                data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                digest.update(data)
                out.write(data)

            line(header)
            for table in tables:
                raw = _raw_table(table)
                # the columns the database has: one whose schema is at an older revision (backed up
                # before ``shootprint db upgrade``, as it should be) lacks the columns added since
                there = {c["name"] for c in inspector.get_columns(table.name, schema=table.schema)}
                kept = [c for c in raw.columns if c.name in there]
                names = [c.name for c in kept]
                encoders = [_codec(c.type)[0] for c in kept]
                line({"table": table.name, "columns": names})
                order = list(raw.primary_key.columns) or kept
                result = conn.execution_options(yield_per=BATCH_ROWS).execute(sa.select(*kept).order_by(*order))
                count = 0
                for row in result:
                    line([None if v is None else enc(v) for enc, v in zip(encoders, row, strict=True)])
                    count += 1
                summary.rows[table.name] = count
            trailer = {"end": {"rows": summary.rows}, "sha256": digest.hexdigest()}
            out.write(json.dumps(trailer, separators=(",", ":")).encode("utf-8") + b"\n")
        os.replace(tmp_path, path)
    except BaseException as exc:
        tmp_path.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # the disk full, the folder not writable
            raise _not_written(path, exc) from None
        raise
    return summary


def _not_written(path: Path, exc: OSError) -> BackupError:
    return _failed("backup-not-writable", N_("cannot write the backup: {error}"), path, error=exc.strerror or str(exc))


# -- reading --------------------------------------------------------------------------------


@dataclass
class _Header:
    schema_revision: str | None
    tables: list[str]
    rows: dict[str, int]


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with gzip.open(path, "rb") as f:
            yield from f
    except FileNotFoundError:
        raise _failed("backup-not-found", N_("no such file"), path) from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise _failed(
            "backup-not-gzip", N_("not a shootprint backup (not a complete gzip file: {error})"), path, error=str(exc)
        ) from None


def _parse(path: Path, data: bytes, first: bool) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        if first:
            raise _failed("backup-not-json", N_("not a shootprint backup (the first line is not JSON)"), path) from None
        raise _failed("backup-not-json", N_("not a shootprint backup (the last line is not JSON)"), path) from None


def _verify(path: Path) -> _Header:
    """Read the whole file once: format, version and checksum; nothing is written."""
    digest = hashlib.sha256()
    header: dict[str, Any] | None = None
    trailer: dict[str, Any] | None = None
    for data in _lines(path):
        if trailer is not None:
            raise _failed("backup-altered", N_("lines after the end of the backup (the file was altered)"), path)
        if header is None:
            header = _parse(path, data, first=True)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise _failed(
                    "backup-not-a-backup", N_("not a shootprint backup (no '{format}' header)"), path, format=FORMAT
                )
            version = header.get("format_version")
            if not isinstance(version, int) or version > FORMAT_VERSION:
                raise _failed(
                    "backup-format-too-new",
                    N_(
                        "backup format version {version}; this version of shootprint reads versions up to "
                        "{most} (upgrade shootprint to restore it)"
                    ),
                    path,
                    version=repr(version),
                    most=str(FORMAT_VERSION),
                )
            digest.update(data)
            continue
        if data.startswith(b'{"end"'):
            trailer = _parse(path, data, first=False)
            continue
        digest.update(data)
    if header is None:
        raise _failed("backup-empty", N_("empty file, not a shootprint backup"), path)
    if trailer is None:
        raise _failed(
            "backup-cut-short", N_("the backup is cut short (no end line): it was not written completely"), path
        )
    if trailer.get("sha256") != digest.hexdigest():
        raise _failed(
            "backup-checksum",
            N_("checksum mismatch: the file was altered or damaged after it was written"),
            path,
        )
    return _Header(
        schema_revision=header.get("schema_revision"),
        tables=list(header.get("tables") or []),
        rows=dict(trailer.get("end", {}).get("rows") or {}),
    )


def _default_prepare(metadata: sa.MetaData) -> PrepareSchema:
    def prepare(engine: Engine, revision: str | None) -> None:
        metadata.create_all(engine)

    return prepare


def _rows_present(conn: Connection, metadata: sa.MetaData) -> list[str]:
    inspector = sa.inspect(conn)
    full = []
    for table in metadata.sorted_tables:
        if inspector.has_table(table.name, schema=table.schema):
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
                full.append(table.name)
    return full


def restore(
    engine: Engine | str,
    path: Path | str,
    metadata: sa.MetaData,
    prepare_schema: PrepareSchema | None = None,
) -> BackupSummary:
    """Rebuild an empty database from the backup ``path``; refuse a database that holds any row.

    ``prepare_schema(engine, revision)`` creates the tables when the database has none (default:
    ``metadata.create_all``; the server passes its migrations).
    """
    engine = _engine(engine)
    path = Path(path)
    head = _verify(path)
    by_name = {t.name: t for t in metadata.sorted_tables}
    unknown = [name for name in head.tables if name not in by_name]
    if unknown:
        raise _failed(
            "backup-unknown-tables",
            N_("tables {tables} are unknown to this version of shootprint (the backup was written by a newer version)"),
            path,
            tables=", ".join(unknown),
        )

    with engine.connect() as conn:
        present = [name for name in by_name if sa.inspect(conn).has_table(name)]
        full = _rows_present(conn, metadata)
        revision = _schema_revision(conn)
    if full:
        raise _failed(
            "restore-database-not-empty",
            N_(
                "the database is not empty (rows in {tables}): restore only rebuilds an empty database; "
                "restore into a new database, or drop this one first"
            ),
            tables=", ".join(full),
        )
    if not present:
        (prepare_schema or _default_prepare(metadata))(engine, head.schema_revision)
    elif revision != head.schema_revision:
        raise _failed(
            "restore-schema-differs",
            N_(
                "the database's schema is at revision {revision}, the backup's at {backup_revision}: restore "
                "into a new, empty database (its schema is then created at the backup's revision)"
            ),
            revision=str(revision),
            backup_revision=str(head.schema_revision),
        )

    summary = BackupSummary(path=path, schema_revision=head.schema_revision)
    with engine.begin() as conn:
        table: sa.Table | None = None
        raw: sa.Table | None = None
        decoders: list[Callable[[Any], Any]] = []
        names: list[str] = []
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch and raw is not None:
                conn.execute(raw.insert(), batch)
                batch.clear()

        for number, data in enumerate(_lines(path), start=1):
            if number == 1 or data.startswith(b'{"end"'):
                continue
            obj = json.loads(data)
            if isinstance(obj, dict):
                flush()
                table = by_name[obj["table"]]
                raw = _raw_table(table)
                columns = {c.name: c for c in raw.columns}
                names = list(obj["columns"])
                strange = [n for n in names if n not in columns]
                if strange:
                    raise _failed(
                        "backup-unknown-columns",
                        N_("table {table}: columns {columns} unknown here"),
                        path,
                        table=table.name,
                        columns=", ".join(strange),
                    )
                decoders = [_codec(columns[n].type)[1] for n in names]
                summary.rows[table.name] = 0
                continue
            assert table is not None
            batch.append({n: None if v is None else dec(v) for n, dec, v in zip(names, decoders, obj, strict=True)})
            summary.rows[table.name] += 1
            if len(batch) >= BATCH_ROWS:
                flush()
        flush()
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, [by_name[n] for n in summary.rows])
    if summary.rows != head.rows:
        raise _failed("backup-row-counts", N_("row counts differ from the backup's end line"), path)
    return summary


def _reset_sequences(conn: Connection, tables: list[sa.Table]) -> None:
    """Move each serial/identity sequence past the largest restored id, so new rows get fresh ids."""
    quote = conn.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(_storage_type(column.type), sa.Integer):
                continue
            qualified = quote.format_table(table)
            seq = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": qualified, "c": column.name}
            ).scalar()
            if seq is None:
                continue
            col = quote.quote(column.name)
            conn.execute(
                sa.text(f"SELECT setval(:s, COALESCE(MAX({col}), 1), MAX({col}) IS NOT NULL) FROM {qualified}"),
                {"s": seq},
            )


def describe(summary: BackupSummary, lang: str = "en") -> str:
    """``12 tables, 340 rows (schema revision 0007)``, in ``lang`` (each count in its plural form)."""
    tables = ngettext(lang, "{n} table", "{n} tables", len(summary.rows), n=len(summary.rows))
    rows = ngettext(lang, "{n} row", "{n} rows", summary.total_rows, n=summary.total_rows)
    if summary.schema_revision is None:
        return Message("{tables}, {rows} (no schema revision)", tables=tables, rows=rows).render(lang)
    return Message(
        "{tables}, {rows} (schema revision {revision})", tables=tables, rows=rows, revision=summary.schema_revision
    ).render(lang)


__all__ = ["BackupError", "BackupSummary", "FORMAT", "FORMAT_VERSION", "backup", "describe", "restore"]

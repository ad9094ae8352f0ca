"""The I/O layer: the one place that reads a user's files (productions, measured records, factor
overrides, workbooks) and turns them into data for :class:`shootprint.calculator.Calculator`.

The core never reads a file a production names: a production's ``records:`` entries are resolved
here, relative to the production file's folder, and an absolute path or a ``..`` is refused, so a
production that came over the network cannot make anything read a file.
"""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from shootprint.errors import InputError
from shootprint.factors import FactorRow, override_rows
from shootprint.i18n import Message, count
from shootprint.problems import N_, Problem

#: the largest file read as a production or an overrides file (a large production is a few hundred KB)
MAX_TEXT_BYTES = 5_000_000
#: rows of an overrides file at most
MAX_OVERRIDES_ROWS = 10_000


def check_regular_file(path: Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> None:
    """InputError when ``path`` is missing, a folder, a device or a pipe (each named as such, never
    "not found" for what exists), or larger than ``max_bytes``."""
    import os
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(Problem.make("file-not-found", N_("{what} not found"), source=str(path), what=what)) from None
    except OSError as exc:
        raise InputError(
            Problem.make(
                "file-unreadable", N_("cannot read: {error}"), source=str(path), error=exc.strerror or str(exc)
            )
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            Problem.make("file-is-folder", N_("is a folder; expected a {what}"), source=str(path), what=what)
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            Problem.make(
                "file-not-regular",
                N_("not a regular file (a device or a pipe?); expected a {what}"),
                source=str(path),
                what=what,
            )
        )
    if info.st_size > max_bytes:
        raise InputError(
            Problem.make(
                "file-too-large",
                N_("{size} bytes; a {what} may hold at most {limit} bytes"),
                source=str(path),
                size=f"{info.st_size:,}",
                what=what,
                limit=f"{max_bytes:,}",
            )
        )


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of ``path``; InputError naming it when missing, not a regular file, too large
    or not text."""
    check_regular_file(path, what)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem.make("file-not-utf8", N_("not a UTF-8 text file"), source=str(path))) from None
    except OSError as exc:
        raise InputError(
            Problem.make(
                "file-unreadable", N_("cannot read: {error}"), source=str(path), error=exc.strerror or str(exc)
            )
        ) from None


def read_file(path: str | Path) -> dict[str, Any]:
    """The document of a production file (YAML or JSON), not yet validated."""
    from shootprint.production import parse_text

    path = Path(path)
    return parse_text(read_text(path, "production file"), str(path))


def load_production(path: str | Path, overrides: dict[str, Any] | None = None) -> Any:
    """Read and validate a production file (``overrides``: ``--set`` changes); raise InputError
    listing every problem."""
    from shootprint.production import validate_with_sets

    path = Path(path)
    return validate_with_sets(read_file(path), overrides, str(path))


def records_path(ref: str, base: Path, source: str = "") -> Path:
    """The file a ``records:`` entry names, inside the production's folder ``base``.

    Refused: an absolute path, a drive, a ``..`` part, anything resolving outside ``base``.
    """
    where = ("records", "file")
    accepted = N_(
        "records.file: {file!r} is refused: name a file in the production's folder or below it "
        "(a relative path without '..')"
    )
    pure = PurePosixPath(ref.replace("\\", "/"))
    if not ref.strip() or pure.is_absolute() or PureWindowsPath(ref).drive or ".." in pure.parts or "\x00" in ref:
        raise InputError(
            Problem.make(
                "records-path-refused", accepted, source=source, location=where, location_in_message=True, file=ref
            )
        )
    path = base / Path(*pure.parts)
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:  # a link pointing outside the folder
        raise InputError(
            Problem.make(
                "records-path-refused", accepted, source=source, location=where, location_in_message=True, file=ref
            )
        ) from None
    return path


def load_records(production: Any, base: Path) -> list[Any]:
    """The measured AI jobs a production's ``records:`` name (files relative to ``base``)."""
    if not getattr(production, "records", None):
        return []
    from shootprint.tracker import import_codecarbon_csv, read_records

    source = getattr(production, "_source", "") or str(base)
    out: list[Any] = []
    problems: list[Problem | str] = []
    for ref in production.records:
        try:
            path = records_path(ref.file, base, source)
        except InputError as exc:
            problems.extend(exc.details)
            continue
        if not path.exists():
            problems.append(
                Problem.make(
                    "records-file-not-found",
                    N_("records.file: {file} not found"),
                    source=source,
                    location=("records", "file"),
                    location_in_message=True,
                    file=ref.file,
                )
            )
            continue
        out.extend(import_codecarbon_csv(path) if ref.format == "codecarbon" else read_records(path))
    if problems:
        raise InputError(problems)
    return out


def load_overrides(path: str | Path) -> list[FactorRow]:
    """A user's overrides file (CSV or YAML list of rows in the table's schema), validated.

    Every problem of the file is reported at once, naming the file, the row and the field.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise InputError(Message("{path}: overrides must be .csv, .yaml or .yml", path=str(path)))
    raw_rows: list[Any]
    if suffix in (".yaml", ".yml"):
        from shootprint import yamlsafe

        loaded = yamlsafe.load(read_text(path, "overrides file"), str(path))
        if isinstance(loaded, dict) and "factors" in loaded:
            loaded = loaded["factors"]
        if not isinstance(loaded, list):
            raise InputError(Message("{path}: expected a list of factor rows (or a 'factors:' list)", path=str(path)))
        raw_rows = loaded
    else:
        check_regular_file(path, "overrides file")
        raw_rows = _csv_rows(path, path.read_bytes())
    return override_rows(raw_rows, str(path))


def _csv_rows(path: Path, data: bytes) -> list[dict[str, Any]]:
    """Rows of an overrides CSV: UTF-8 (with or without the byte-order mark spreadsheets add), else
    Windows-1252, the encoding French Excel saves "CSV" in; a header split by ';' or tabs is named."""
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    for sep, name in ((";", Message("semicolons")), ("\t", Message("tabs"))):
        if sep in first and "," not in first:
            raise InputError(
                Message(
                    "{path}: the header is separated by {name}; an overrides CSV is separated by commas (in a "
                    "spreadsheet: save as 'CSV UTF-8 (comma delimited)')",
                    path=str(path),
                    name=name,
                )
            )
    rows = []
    for i, row in enumerate(csv.DictReader(io.StringIO(text, newline=""), restkey="(extra cells)")):
        if i >= MAX_OVERRIDES_ROWS:
            raise InputError(
                Message(
                    "{path}: more than {most} rows; an overrides file holds at most that",
                    path=str(path),
                    most=count(MAX_OVERRIDES_ROWS),
                )
            )
        rows.append(row)
    return rows


def load_workbook_production(path: str | Path) -> dict[str, Any]:
    """The production document of a filled XLSX template (errors name sheet, row and column)."""
    from shootprint.production import parse_text
    from shootprint.spreadsheet import workbook_to_yaml

    return parse_text(workbook_to_yaml(Path(path)), str(path))

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
from shootprint.problems import N_, Problem


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of ``path``; InputError naming it when missing or not text."""
    if not path.is_file():
        raise InputError(Problem.make("file-not-found", N_("{what} not found"), source=str(path), what=what))
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
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    return parse_text(read_text(path), str(path))


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
        if not path.is_file():
            problems.append(
                Problem.make(
                    "records-file-not-found",
                    N_("records.file: {file} not found"),
                    source=str(base),
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
    if not path.is_file():
        raise InputError(f"{path}: overrides file not found")
    raw_rows: list[Any]
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            loaded = yaml.safe_load(read_text(path, "overrides file"))
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML ({exc})") from None
        if isinstance(loaded, dict) and "factors" in loaded:
            loaded = loaded["factors"]
        if not isinstance(loaded, list):
            raise InputError(f"{path}: expected a list of factor rows (or a 'factors:' list)")
        raw_rows = loaded
    elif path.suffix.lower() == ".csv":
        # utf-8-sig: spreadsheets save CSV with a byte-order mark
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                raw_rows = list(csv.DictReader(fh, restkey="(extra cells)"))
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a UTF-8 text file") from None
    else:
        raise InputError(f"{path}: overrides must be .csv, .yaml or .yml")
    return override_rows(raw_rows, str(path))


def load_workbook_production(path: str | Path) -> dict[str, Any]:
    """The production document of a filled XLSX template (errors name sheet, row and column)."""
    from shootprint.production import parse_text
    from shootprint.spreadsheet import workbook_to_yaml

    return parse_text(workbook_to_yaml(Path(path)), str(path))

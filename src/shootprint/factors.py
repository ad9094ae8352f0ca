"""The factor table: every emission factor and every sourced default the calculator knows.

Rows come from three places, all package data built by the scripts in ``data-raw/``:

* ``data/ademe.sqlite`` — ADEME Base Carbone V23.6, every element (ids ``ademe:<Base Carbone id>``),
  with its posts. Opened lazily: a lookup by id is one indexed query.
* ``data/sources/*.csv`` — rows of other published sources (DESNZ, codecarbon's grids, ICE …).
* ``data/curated/*.csv`` — the defaults each production category uses. A curated row either has its
  own value (with its source) or is an alias (``alias_of``) of a source row, so an override of either
  applies once and is reported once.

Curated rows may be defined per *factor set* (``ademe``, ``desnz``); the precedence of sets is data
(``data/factor_sets.csv``). Users add or replace rows with an overrides file of the same schema.

This module never imports pint or numpy: it sits on the common path of every command.
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from shootprint.errors import FactorError, InputError
from shootprint.i18n import N_, Exact, Message, count, said

DATA_PACKAGE = "shootprint.data"
DEFAULT_FACTOR_SET = "ademe"

#: Values of ``kind``: only ``emission_factor`` rows may multiply a quantity into kgCO2e.
KINDS = ("emission_factor", "parameter", "not_a_factor")
#: Values of ``uncertainty_kind``.
UNCERTAINTY_KINDS = ("published", "judgement", "none")
#: Values of ``status``.
STATUSES = ("valid-generic", "valid-specific", "archived", "valid")


@dataclass(frozen=True, slots=True)
class FactorRow:
    """One row of the factor table. ``value`` is in ``unit``; ``low``/``high`` bound a judgement."""

    id: str
    value: float | None
    unit: str
    name_en: str = ""
    name_fr: str = ""
    factor_set: str = ""
    kind: str = "emission_factor"
    category: str = ""
    alias_of: str = ""
    uncertainty_kind: str = "none"
    uncertainty_pct: float | None = None
    low: float | None = None
    high: float | None = None
    uncertainty_reason: str = ""
    source: str = ""
    source_id: str = ""
    source_url: str = ""
    year: int | None = None
    region: str = ""
    status: str = "valid"
    licence: str = ""
    notes: str = ""
    # ADEME-only details (empty elsewhere)
    tags_fr: str = ""
    tags_en: str = ""
    unit_source: str = ""
    location: str = ""
    validity: str = ""
    origin: str = ""  # "ademe", "source", "curated" or "override"

    @property
    def is_alias(self) -> bool:
        return bool(self.alias_of)

    @property
    def archived(self) -> bool:
        return self.status == "archived"

    def name(self, lang: str = "en") -> str:
        if lang == "fr":
            return self.name_fr or self.name_en
        return self.name_en or self.name_fr

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


CSV_COLUMNS = tuple(
    f.name
    for f in fields(FactorRow)
    if f.name not in ("tags_fr", "tags_en", "unit_source", "location", "validity", "origin")
)
_FLOAT_FIELDS = ("value", "uncertainty_pct", "low", "high")
#: a search is a few words (SQLite refuses a statement of thousands of LIKE clauses)
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 20


def _finite(raw: str, name: str) -> float:
    """A finite number read from a cell; ValueError naming the field otherwise."""
    import math

    try:
        value = float(raw)
    except ValueError:
        from shootprint.yamlsafe import shown

        raise ValueError(Message("{field}: expected a number, got {given}", field=name, given=shown(raw))) from None
    if not math.isfinite(value):
        raise ValueError(Message("{field}: must be a finite number (got {given})", field=name, given=raw[:20]))
    return value


def row_from_strings(data: dict[str, str], origin: str) -> FactorRow:
    """Build a row from CSV strings (no validation: see :func:`validate_row`)."""
    kwargs: dict[str, Any] = {}
    for name in CSV_COLUMNS:
        raw = (data.get(name) or "").strip()
        if name in _FLOAT_FIELDS:
            kwargs[name] = _finite(raw, name) if raw else None
        elif name == "year":
            kwargs[name] = int(_finite(raw, name)) if raw else None
        else:
            kwargs[name] = raw
    if not kwargs["kind"]:
        kwargs["kind"] = "emission_factor"
    if not kwargs["uncertainty_kind"]:
        kwargs["uncertainty_kind"] = "none"
    if not kwargs["status"]:
        kwargs["status"] = "valid"
    return FactorRow(origin=origin, **kwargs)


def validate_row(row: FactorRow) -> list[str]:
    """Problems with a row, as sentences naming the field and what is accepted (empty: valid)."""
    problems: list[str] = []
    if not row.id:
        problems.append(Message("id: required"))
    if row.value is None and not row.alias_of:
        problems.append(Message("value: required unless alias_of names another factor"))
    if row.value is not None and row.alias_of:
        problems.append(Message("value/alias_of: give a value or an alias, not both"))
    if not row.unit and not row.alias_of:
        problems.append(Message("unit: required"))
    if row.kind not in KINDS:
        problems.append(
            Message("kind: {given} is not one of {accepted}", given=repr(row.kind), accepted=", ".join(KINDS))
        )
    if row.uncertainty_kind not in UNCERTAINTY_KINDS:
        problems.append(
            Message(
                "uncertainty_kind: {given} is not one of {accepted}",
                given=repr(row.uncertainty_kind),
                accepted=", ".join(UNCERTAINTY_KINDS),
            )
        )
    if row.uncertainty_kind == "judgement" and not row.uncertainty_reason:
        problems.append(Message("uncertainty_reason: a judgement needs its reason"))
    if row.uncertainty_kind == "published" and row.uncertainty_pct is None and row.low is None:
        problems.append(Message("uncertainty_pct: a published uncertainty needs its percentage or bounds"))
    if row.low is not None and row.high is not None and row.low > row.high:
        problems.append(Message("low/high: low {low} is above high {high}", low=Exact(row.low), high=Exact(row.high)))
    if row.status not in STATUSES:
        problems.append(
            Message("status: {given} is not one of {accepted}", given=repr(row.status), accepted=", ".join(STATUSES))
        )
    if not row.alias_of and not row.source:
        problems.append(Message("source: every row names its source"))
    return problems


def normalize_text(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in stripped.lower()).strip()


@cache
def _data_path(*parts: str) -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(*parts)))


@dataclass(frozen=True, slots=True)
class FactorSet:
    name: str
    precedence: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A factor followed through its aliases: the value to use and how it was reached."""

    requested_id: str
    row: FactorRow  # the row whose value is used
    chain: tuple[str, ...]  # ids from the requested one to the one holding the value
    overridden_id: str | None  # the id in the chain that an override replaced, if any
    factor_set: str
    uncertainty_row: FactorRow | None = None  # first row of the chain stating an uncertainty

    @property
    def value(self) -> float:
        assert self.row.value is not None
        return self.row.value

    @property
    def unit(self) -> str:
        return self.row.unit


class FactorTable:
    """Lookup, search and export over all rows; overrides applied on top.

    ``factor_set`` names which curated definitions win where several sets define an id.
    """

    def __init__(
        self,
        factor_set: str = DEFAULT_FACTOR_SET,
        overrides: Iterable[FactorRow] = (),
        data_dir: Path | None = None,
    ) -> None:
        self._data_dir = data_dir
        sets = self.factor_sets()
        if factor_set not in sets:
            raise FactorError(
                Message(
                    "factor set {given} is unknown; accepted: {accepted}",
                    given=repr(factor_set),
                    accepted=", ".join(sorted(sets)),
                )
            )
        self.factor_set = factor_set
        self._precedence = sets[factor_set].precedence
        self._overrides: dict[str, FactorRow] = {}
        for row in overrides:
            self._overrides[row.id] = replace(row, origin="override")
        self._store = _store(data_dir)
        # ids already followed through their aliases (a table never changes once built): bounded by
        # the rows that exist, as an unknown id raises and is not kept
        self._resolved: dict[str, Resolved] = {}
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """What ``build`` gives for ``key``, built once per table (values derived from rows only:
        the engine keeps each factor's unit conversion and uncertainty summary here). At most
        ``MEMO_SIZE`` entries; beyond, values are built each time."""
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = build()
            if len(self._memo) < MEMO_SIZE:
                self._memo[key] = found
        return found

    # -- data files -------------------------------------------------------------------------
    def _path(self, *parts: str) -> Path:
        if self._data_dir is not None:
            return self._data_dir.joinpath(*parts)
        return _data_path(*parts)

    def factor_sets(self) -> dict[str, FactorSet]:
        return _load_factor_sets(self._path("factor_sets.csv"))

    def data_version(self) -> str:
        return str(_load_datapackage(self._path("datapackage.json")).get("version", "unknown"))

    def licences(self) -> dict[str, dict[str, Any]]:
        """Licence and attribution of each source, from the data description."""
        pkg = _load_datapackage(self._path("datapackage.json"))
        return {s["name"]: s for s in pkg.get("sources", [])}

    def _rows_csv(self) -> Mapping[tuple[str, str], FactorRow]:
        return self._store.csv_rows()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._store.query(sql, params)

    # -- lookups ----------------------------------------------------------------------------
    @property
    def overrides(self) -> dict[str, FactorRow]:
        return dict(self._overrides)

    def _find(self, factor_id: str) -> FactorRow | None:
        if factor_id in self._overrides:
            return self._overrides[factor_id]
        if factor_id.startswith("ademe:"):
            return self._ademe_row(factor_id)
        rows = self._rows_csv()
        for set_name in self._precedence:
            row = rows.get((factor_id, set_name))
            if row is not None:
                return row
        return rows.get((factor_id, ""))

    def _ademe_row(self, factor_id: str) -> FactorRow | None:
        return self._store.ademe_row(factor_id)

    def __contains__(self, factor_id: str) -> bool:
        return self._find(factor_id) is not None

    def get(self, factor_id: str) -> FactorRow:
        """The row with this id (aliases not followed). Raises with close matches."""
        row = self._find(factor_id)
        if row is None:
            close = self.close_ids(factor_id)
            hint = Message("; close matches: {close}", close=", ".join(close)) if close else ""
            raise FactorError(Message("unknown factor id {given}{hint}", given=repr(factor_id), hint=hint))
        return row

    def resolve(self, factor_id: str) -> Resolved:
        """Follow aliases to the row holding the value; note any override met on the way."""
        found = self._resolved.get(factor_id)
        if found is None:
            found = self._resolve(factor_id)
            if len(self._resolved) < MEMO_SIZE:
                self._resolved[factor_id] = found
        return found

    def _resolve(self, factor_id: str) -> Resolved:
        chain: list[str] = []
        overridden: str | None = None
        unc_row: FactorRow | None = None
        current = factor_id
        while True:
            if current in chain:
                raise FactorError(Message("alias loop: {chain}", chain=" -> ".join([*chain, current])))
            chain.append(current)
            row = self.get(current)
            if row.origin == "override" and overridden is None:
                overridden = current
                # bounds stated before an override described the value it replaced: drop them
                unc_row = None
            if unc_row is None and row.uncertainty_kind != "none":
                unc_row = row
            if not row.alias_of:
                break
            current = row.alias_of
        if row.value is None:
            raise FactorError(Message("factor {given} has no value", given=repr(row.id)))
        return Resolved(factor_id, row, tuple(chain), overridden, self.factor_set, unc_row)

    def posts(self, factor_id: str) -> list[dict[str, Any]]:
        """ADEME's breakdown of an element into posts (combustion, upstream, contrails …)."""
        if not factor_id.startswith("ademe:"):
            return []
        found = self._query(
            "SELECT post_type, name_fr, name_en, value FROM posts WHERE factor_id = ? ORDER BY rowid",
            (factor_id,),
        )
        return [{"type": t, "name_fr": fr, "name_en": en, "value": v} for t, fr, en, v in found]

    # -- iteration, search ------------------------------------------------------------------
    def iter_rows(self, include_ademe: bool = True) -> Iterator[FactorRow]:
        """Every row the package knows (all factor sets), overrides last."""
        if include_ademe:
            for found in self._query(f"SELECT {_ADEME_SELECT} FROM factors ORDER BY rowid"):
                row = _ademe_from_tuple(found)
                yield self._overrides.get(row.id, row)
        for (fid, _set), row in self._rows_csv().items():
            yield self._overrides.get(fid, row) if fid in self._overrides else row
        known = {fid for fid, _ in self._rows_csv()}
        for fid, row in self._overrides.items():
            if fid not in known and not fid.startswith("ademe:"):
                yield row

    def search(
        self,
        text: str,
        unit: str | None = None,
        category: str | None = None,
        include_archived: bool = False,
        limit: int | None = 50,
    ) -> list[FactorRow]:
        """Rows whose names, tags, id or category hold every word of ``text``.

        Accents and case are ignored; valid rows come before archived ones (shown only with
        ``include_archived``); French or English words both match.
        """
        if len(text) > MAX_QUERY_CHARS or len(text.split()) > MAX_QUERY_WORDS:
            raise InputError(
                Message(
                    "search text too long ({chars} characters, {words} words); accepted: at most {most_chars} "
                    "characters and {most_words} words",
                    chars=count(len(text)),
                    words=count(len(text.split())),
                    most_chars=str(MAX_QUERY_CHARS),
                    most_words=str(MAX_QUERY_WORDS),
                )
            )
        words = normalize_text(text).split()
        unit_n = normalize_text(unit) if unit else None
        cat_n = normalize_text(category) if category else None
        found: list[tuple[int, int, FactorRow]] = []
        order = 0
        for row, haystack in self._search_index(words, include_archived):
            if row.archived and not include_archived:
                continue
            if not all(w in haystack for w in words):
                continue
            if unit_n and unit_n not in normalize_text(row.unit):
                continue
            if cat_n and cat_n not in normalize_text(row.category + " " + row.id):
                continue
            rank = 0 if not row.archived else 1
            found.append((rank, order, row))
            order += 1
        found.sort(key=lambda t: (t[0], t[1]))
        rows = [r for _, _, r in found]
        return rows[:limit] if limit else rows

    def _search_index(
        self, words: list[str] | None = None, include_archived: bool = True
    ) -> Iterator[tuple[FactorRow, str]]:
        """(row, normalized text) pairs; ``words`` pre-filters ADEME rows in SQL (the same test)."""
        # curated rows first: they are what the calculator uses
        for row in self.iter_rows(include_ademe=False):
            yield row, _haystack(row)
        where = [" AND ".join(["search LIKE ?"] * len(words or []))] if words else []
        if not include_archived:
            where.append("status != 'archived'")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        params = [f"%{w}%" for w in words or []]
        for found in self._query(f"SELECT {_ADEME_SELECT}, search FROM factors{clause} ORDER BY rowid", params):
            row = _ademe_from_tuple(found[:-1])
            yield self._overrides.get(row.id, row), found[-1]

    def close_words(self, text: str, limit: int = 5) -> list[str]:
        """Words of the table that look like the words of ``text`` (for 'did you mean')."""
        from rapidfuzz import process

        vocab = self._vocabulary()
        out: list[str] = []
        for word in normalize_text(text).split():
            for match, score, _ in process.extract(word, vocab, limit=limit):
                if score >= 70 and match not in out:
                    out.append(match)
        return out[:limit]

    def _vocabulary(self) -> list[str]:
        words: set[str] = set()
        for _, hay in self._search_index():
            words.update(w for w in hay.split() if len(w) > 2 and not w.isdigit())
        return sorted(words)

    def close_ids(self, factor_id: str, limit: int = 5) -> list[str]:
        from rapidfuzz import process

        if factor_id.startswith("ademe:"):
            return []
        ids = sorted({fid for fid, _ in self._rows_csv()} | set(self._overrides))
        return [m for m, score, _ in process.extract(factor_id, ids, limit=limit) if score >= 60]


def _haystack(row: FactorRow) -> str:
    return normalize_text(
        " ".join([row.id, row.name_en, row.name_fr, row.category, row.tags_en, row.tags_fr, row.region])
    )


_ADEME_COLUMNS = (
    "id",
    "value",
    "unit",
    "name_en",
    "name_fr",
    "kind",
    "category",
    "uncertainty_kind",
    "uncertainty_pct",
    "source",
    "source_id",
    "source_url",
    "year",
    "region",
    "status",
    "licence",
    "notes",
    "tags_fr",
    "tags_en",
    "unit_source",
    "location",
    "validity",
)
_ADEME_SELECT = ", ".join(_ADEME_COLUMNS)


def _ademe_from_tuple(values: tuple[Any, ...]) -> FactorRow:
    data = dict(zip(_ADEME_COLUMNS, values, strict=True))
    for key, val in list(data.items()):
        if val is None and key not in _FLOAT_FIELDS and key != "year":
            data[key] = ""
    return FactorRow(origin="ademe", **data)


@cache
def _load_factor_sets(path: Path) -> dict[str, FactorSet]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            r["name"]: FactorSet(r["name"], tuple(r["precedence"].split()), r["description"])
            for r in csv.DictReader(fh)
        }


@cache
def _load_datapackage(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
        return data


class _LazyRows(Mapping[tuple[str, str], FactorRow]):
    """The package's CSV rows by (id, factor set), each made a :class:`FactorRow` the first time it
    is read: a production reads tens of the ~1,850 rows, so a command does not convert them all
    (nor makes them mappings: a row is kept as its file's header and its cells until then)."""

    def __init__(self, raw: dict[tuple[str, str], tuple[list[str], list[str], str]]) -> None:
        self._raw = raw
        self._built: dict[tuple[str, str], FactorRow] = {}

    def __getitem__(self, key: tuple[str, str]) -> FactorRow:
        row = self._built.get(key)
        if row is None:
            header, cells, origin = self._raw[key]
            row = self._built[key] = row_from_strings(_as_mapping(header, cells), origin)
        return row

    def get(self, key: tuple[str, str], default: Any = None) -> Any:  # type: ignore[override]
        row = self._built.get(key)
        if row is not None:
            return row
        return self[key] if key in self._raw else default

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _as_mapping(header: list[str], cells: list[str]) -> dict[Any, Any]:
    """A row as ``csv.DictReader`` gives it: cells past the header under None, missing cells None."""
    data: dict[Any, Any] = dict(zip(header, cells, strict=False))
    if len(cells) > len(header):
        data[None] = cells[len(header) :]
    else:
        for name in header[len(cells) :]:
            data[name] = None
    return data


@cache
def _load_csv_rows(*folders: Path) -> Mapping[tuple[str, str], FactorRow]:
    raw: dict[tuple[str, str], tuple[list[str], list[str], str]] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        origin = "curated" if folder.name == "curated" else "source"
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader, None)
                if header is None:
                    continue
                # the last column of a name, as csv.DictReader's mapping keeps it
                at = {name: i for i, name in enumerate(header)}
                at_id, at_set = at.get("id", len(header)), at.get("factor_set", len(header))
                for cells in reader:
                    if not cells:  # a blank line: csv.DictReader skips it too
                        continue
                    key = (
                        (cells[at_id] if at_id < len(cells) else "").strip(),
                        (cells[at_set] if at_set < len(cells) else "").strip(),
                    )
                    if key in raw:
                        raise FactorError(
                            Message(
                                "{file}: id {given} (set {set}) twice",
                                file=path.name,
                                given=repr(key[0]),
                                set=repr(key[1]),
                            )
                        )
                    raw[key] = (header, cells, origin)
    return _LazyRows(raw)


def read_rows_csv(path: Path, origin: str) -> list[FactorRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row_from_strings(r, origin) for r in csv.DictReader(fh)]


def override_rows(raw_rows: Iterable[Any], source: str = "overrides") -> list[FactorRow]:
    """Validated override rows from data (mappings of the table's columns, as read from a CSV or
    YAML file, a form or an API body). Every problem is reported at once, naming the row and field."""
    from shootprint.problems import Problem

    rows: list[FactorRow] = []
    problems: list[Problem] = []
    for i, raw in enumerate(raw_rows, start=1):
        if isinstance(raw, FactorRow):
            raw = {k: v for k, v in raw.as_dict().items() if k in CSV_COLUMNS}
        where = ("row", i)
        if not isinstance(raw, dict):
            problems.append(
                Problem.make(
                    "override-not-a-mapping", N_("row {row}: expected a mapping of field: value"), source=source, row=i
                )
            )
            continue
        if "(extra cells)" in raw:
            problems.append(
                Problem.make(
                    "override-extra-cells",
                    N_("row {row}: more cells than the header has columns"),
                    source=source,
                    row=i,
                )
            )
            continue
        unknown = sorted(str(k) for k in set(raw) - set(CSV_COLUMNS))
        if unknown:
            problems.append(
                Problem.make(
                    "override-unknown-field",
                    N_("row {row}: unknown field(s) {fields}; accepted: {accepted}"),
                    source=source,
                    location=where,
                    location_in_message=True,
                    hint=", ".join(CSV_COLUMNS),
                    row=i,
                    fields=", ".join(unknown),
                    accepted=", ".join(CSV_COLUMNS),
                )
            )
            continue
        try:
            row = row_from_strings({str(k): "" if v is None else str(v) for k, v in raw.items()}, "")
        except (ValueError, OverflowError) as exc:
            problems.append(
                Problem.make(
                    "override-bad-value",
                    N_("row {row}: {error}"),
                    source=source,
                    location=where,
                    location_in_message=True,
                    row=i,
                    error=said(exc),
                )
            )
            continue
        for problem in validate_row(row):
            problems.append(
                Problem.make(
                    "override-invalid",
                    N_("row {row} ({id}): {problem}"),
                    source=source,
                    location_in_message=True,
                    location=(*where, problem.split(":", 1)[0]),
                    row=i,
                    id=row.id or Message("no id"),
                    problem=problem,
                )
            )
        for name in _FLOAT_FIELDS:
            value = getattr(row, name)
            if value is not None and not math.isfinite(value):
                problems.append(
                    Problem.make(
                        "override-not-finite",
                        N_("row {row} ({id}): {field}: must be a finite number"),
                        source=source,
                        location=(*where, name),
                        location_in_message=True,
                        row=i,
                        id=row.id or Message("no id"),
                        field=name,
                    )
                )
        rows.append(row)
    if problems:
        raise InputError(problems)
    return rows


class _Store:
    """The package data every table reads: one per data folder, shared by all tables and threads.

    The ADEME database is opened read-only once; queries are serialised by a lock (sqlite3
    connections are not safe to use from several threads at once) and single-row lookups are
    cached (bounded). Tables differ only by factor set and overrides: they are cheap overlays.
    """

    def __init__(self, data_dir: Path | None) -> None:
        self._data_dir = data_dir
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._csv: Mapping[tuple[str, str], FactorRow] | None = None
        self._ademe: OrderedDict[str, FactorRow | None] = OrderedDict()

    def _path(self, *parts: str) -> Path:
        return self._data_dir.joinpath(*parts) if self._data_dir is not None else _data_path(*parts)

    def csv_rows(self) -> Mapping[tuple[str, str], FactorRow]:
        if self._csv is None:
            self._csv = _load_csv_rows(self._path("sources"), self._path("curated"))
        return self._csv

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._db is None:
                path = self._path("ademe.sqlite")
                if not path.is_file():
                    raise FactorError(
                        Message("package data missing: {file} (rebuild with data-raw/ademe.py)", file=path.name)
                    )
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            return self._db.execute(sql, tuple(params)).fetchall()

    def ademe_row(self, factor_id: str) -> FactorRow | None:
        with self._lock:
            if factor_id in self._ademe:
                self._ademe.move_to_end(factor_id)
                return self._ademe[factor_id]
        found = self.query(f"SELECT {_ADEME_SELECT} FROM factors WHERE id = ?", (factor_id,))
        row = _ademe_from_tuple(found[0]) if found else None
        with self._lock:
            self._ademe[factor_id] = row
            while len(self._ademe) > ADEME_ROW_CACHE:
                self._ademe.popitem(last=False)
        return row


#: ADEME rows kept in memory (a production uses tens; a server thousands at most)
ADEME_ROW_CACHE = 4096
#: resolved ids and derived values one table keeps (a production uses tens; the data holds ~12,000 ids)
MEMO_SIZE = 16_384
_MISSING = object()
#: factor tables kept by :func:`default_table` (one per factor set and distinct overrides)
TABLE_CACHE = 32

_STORES: dict[Path | None, _Store] = {}
_STORES_LOCK = threading.Lock()
_TABLES: OrderedDict[tuple[str, tuple[FactorRow, ...]], FactorTable] = OrderedDict()
_TABLES_LOCK = threading.Lock()


def _store(data_dir: Path | None) -> _Store:
    with _STORES_LOCK:
        if data_dir not in _STORES:
            _STORES[data_dir] = _Store(data_dir)
        return _STORES[data_dir]


def default_table(factor_set: str = DEFAULT_FACTOR_SET, overrides: Iterable[FactorRow] = ()) -> FactorTable:
    """A table for this factor set and these overrides, shared while it is in use.

    The package data behind every table is loaded once (see :class:`_Store`); a table itself is a
    small overlay, and at most ``TABLE_CACHE`` of them are kept (least recently used dropped).
    """
    key = (factor_set, tuple(overrides))
    with _TABLES_LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
            return table
    table = FactorTable(factor_set, key[1])
    with _TABLES_LOCK:
        _TABLES[key] = table
        while len(_TABLES) > TABLE_CACHE:
            _TABLES.popitem(last=False)
    return table

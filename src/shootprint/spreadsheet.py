"""Spreadsheets in and out: the XLSX data-collection template, its import, footprint exports.

- :func:`template_xlsx` gives (:func:`write_template` writes) a workbook a production manager
  fills in: a "production" sheet
  (name, client, version, country, shoot days, deliverables, factor set), a "parameters" sheet
  (named values activities refer to as ``$name``) and one sheet per category with one row per
  activity. The columns are built from the activity models themselves
  (:func:`shootprint.categories.models`): each field of each type of the category, the unit of a
  quantity field (its JSON-schema ``x-unit``) in the header ("distance (km)"), Literal choices
  and booleans as drop-down lists. A new category or field appears without a change here; only
  the words (sheet names, French headers, example rows) live in
  ``data/spreadsheet_template.yaml``.
- :func:`import_workbook` reads a filled workbook back into the raw production dict (what a YAML
  production file holds) and validates it. Every problem of the workbook is reported at once,
  each naming the sheet, the row and the column header. Only cell values are read: nothing is
  hidden, no formula of the template does any work, so a copy of the values alone imports the
  same (a formula typed by the user is read through the value its spreadsheet program saved).
- :func:`footprints_xlsx` (bytes) / :func:`footprints_csv` (text) export estimates and comparisons
  (:func:`write_footprints_xlsx` / :func:`write_footprints_csv` write them to a file):
  one row per line with its factor chain and sources (the columns of
  :func:`shootprint.report.text.line_rows`), plus, in the workbook, a summary sheet (totals by
  scenario, category and stage), a factor sheet (one row per factor of each line's chain) and the
  warnings.

Quantity cells (import)
    * a number: in the unit of the column header (``distance (km)``: ``450`` → ``"450 km"``);
      a header whose unit was deleted makes a bare number an error (missing unit), never a guess;
      count columns have no unit;
    * a text with its own unit: ``"280 mi"``, ``"3 MWh"`` (converted by the production file);
    * a number written as text, with a decimal comma and spaces between thousands: ``"12,5"``,
      ``"1 250,5"`` (a text holding both ``,`` and ``.`` is refused as ambiguous);
    * a range ``"10-20"`` (also ``10–20``, ``10 to 20``, ``10 à 20``), low–high in the header's
      unit or its own (``"10-20 km"``): written ``{low, high, unit}``, sampled in Monte Carlo;
    * ``"12 ± 10%"`` (the header's unit is added) and ``"$crew"`` (a parameter) as in YAML.

Rows that are empty are skipped, and so are the template's grey example rows (id "example-…") as
long as they are unchanged: an example row whose values were edited is an error (give it an id of
its own), so that nothing typed is lost. A sheet with one activity type needs no type cell.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from shootprint.errors import InputError
from shootprint.i18n import Joined, Message, count, said

#: rows of each activity sheet that carry drop-down lists (the template's room for activities)
DATA_ROWS = 300
_TEMPLATE_DATA = "spreadsheet_template.yaml"
_BASE_FIRST = ("id", "type", "stage", "label")  # columns every activity sheet starts with
_BASE_LAST = ("region", "factor", "reason")  # … and ends with
_SKIP_PRODUCTION = {"shootprint", "parameters", "records", "deliverables"}
# ``measured`` names tracker records, which a workbook cannot give (the production file's records:)
_SKIP_FIELDS = {"type", "measured"}
_GREY = "808080"
_TRUE = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
_FALSE = {"no", "n", "non", "false", "faux", "0"}


# -- the words of the template (data) -----------------------------------------------------------


@cache
def _texts() -> dict[str, Any]:
    from importlib import resources

    import yaml

    text = resources.files("shootprint.data").joinpath(_TEMPLATE_DATA).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _check_lang(lang: str) -> str:
    if lang not in ("en", "fr"):
        raise InputError(Message("--lang {given}: accepted: en, fr", given=repr(lang)))
    return lang


def _word(key: str, lang: str) -> str:
    return str(_texts()["words"][key][lang])


def _sheet_name(key: str, lang: str) -> str:
    names = _texts()["sheets"].get(key, {})
    default = key.replace("_", "-")
    return str(names.get(lang) or names.get("en") or default)[:31]


def _field_label(key: str, lang: str) -> str:
    labels = _texts()["fields"].get(key, {})
    default = key.rsplit(".", 1)[-1].replace("_", " ")
    return str(labels.get(lang) or labels.get("en") or default)


def _norm(text: str) -> str:
    """A header or sheet name compared loosely: case, accents, spaces, dashes and underscores."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", stripped.casefold()).strip()


# -- columns, from the models ----------------------------------------------------------------


@dataclass
class Column:
    """One column of an activity sheet: a field (by its name in the production file)."""

    name: str
    kind: str  # quantity | choice | bool | integer | number | text
    unit: str = ""
    choices: list[str] = field(default_factory=list)
    description: str = ""
    types: list[str] = field(default_factory=list)  # the activity types that have this field
    required_for: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        # two types may share a field name with different units: one column per unit
        return f"{self.name} ({self.unit})" if self.kind == "quantity" and self.unit else self.name

    def header(self, lang: str) -> str:
        label = _field_label(self.name, lang)
        return f"{label} ({self.unit})" if self.kind == "quantity" and self.unit else label


def _field_kind(prop: dict[str, Any]) -> tuple[str, str, list[str]] | None:
    """(kind, unit, choices) of a JSON-schema property; None when no cell can hold it."""
    options = [prop, *prop.get("anyOf", [])]
    for opt in options:
        if "x-unit" in opt:
            return "quantity", str(opt["x-unit"]), []
    for opt in options:
        if "enum" in opt:
            return "choice", "", [str(v) for v in opt["enum"]]
        if "const" in opt:
            return "choice", "", [str(opt["const"])]
    types = {opt.get("type") for opt in options if opt.get("type")} - {"null"}
    if types == {"boolean"}:
        return "bool", "", []
    if types == {"integer"}:
        return "integer", "", []
    if types <= {"number", "integer"} and types:
        return "number", "", []
    if "string" in types:
        return "text", "", []
    return None  # e.g. a field typed Any that only exists to refuse a value


@cache
def _type_columns(type_name: str) -> tuple[tuple[Column, bool], ...]:
    """Each field of an activity type with whether it is required (type itself excluded)."""
    from shootprint.categories import models

    schema = models()[type_name].model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        if name in _SKIP_FIELDS:
            continue
        kind = _field_kind(prop)
        if kind is None:
            continue
        out.append((Column(name, kind[0], kind[1], kind[2], str(prop.get("description", ""))), name in required))
    return tuple(out)


@dataclass
class SheetSpec:
    category: str
    types: list[str]
    columns: list[Column]

    def column_of(self, type_name: str, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name and type_name in col.types:
                return col
        return None


@cache
def _sheet_specs() -> tuple[SheetSpec, ...]:
    """One sheet per category that registers activity types, in the registry's order."""
    from shootprint.categories import registry

    by_cat: dict[str, list[str]] = {}
    for type_name, (category, _compute) in registry().items():
        by_cat.setdefault(category, []).append(type_name)
    specs = []
    for category, types in by_cat.items():
        cols: dict[str, Column] = {}
        for type_name in types:
            for col, req in _type_columns(type_name):
                existing = cols.get(col.key)
                if existing is None:
                    existing = cols[col.key] = Column(col.name, col.kind, col.unit, list(col.choices), col.description)
                elif existing.kind != col.kind:
                    existing.kind, existing.choices = "text", []  # same name, different kinds: no drop-down
                else:
                    existing.choices += [c for c in col.choices if c not in existing.choices]
                existing.types.append(type_name)
                if req:
                    existing.required_for.append(type_name)
        type_col = Column("type", "choice", "", list(types), "activity type", list(types), list(types))
        first = [type_col if n == "type" else cols.pop(n) for n in _BASE_FIRST if n == "type" or n in cols]
        last = [cols.pop(n) for n in _BASE_LAST if n in cols]
        specs.append(SheetSpec(category, list(types), [*first, *cols.values(), *last]))
    return tuple(specs)


@dataclass
class ProductionField:
    path: str  # "name", "deliverables.still_images"
    kind: str
    choices: list[str]
    required: bool
    description: str


@cache
def _production_fields() -> tuple[ProductionField, ...]:
    from shootprint.factors import FactorTable
    from shootprint.production import ProductionBase

    schema = ProductionBase.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    out = []

    def add(path: str, prop: dict[str, Any], req: bool) -> None:
        kind = _field_kind(prop)
        if kind is not None:
            out.append(ProductionField(path, kind[0], kind[2], req, str(prop.get("description", ""))))

    for name, prop in schema["properties"].items():
        if name not in _SKIP_PRODUCTION:
            add(name, prop, name in required)
    deliverables = schema["$defs"]["Deliverables"]
    for name, prop in deliverables["properties"].items():
        add(f"deliverables.{name}", prop, False)
    for f in out:
        if f.path == "factor_set":
            f.kind, f.choices = "choice", sorted(FactorTable().factor_sets())
    # the deliverables sit after the shoot days, the factor set last
    order = ["name", "client", "version", "description", "country", "shoot_days"]
    return tuple(
        sorted(out, key=lambda f: order.index(f.path) if f.path in order else len(order) + (f.path == "factor_set"))
    )


# -- template ------------------------------------------------------------------------------------


def write_template(out: Path, lang: str = "en") -> Path:
    """Write the XLSX data-collection template to ``out`` (headers in ``lang``: en or fr)."""
    from shootprint.output import write_with

    data = template_xlsx(lang)
    return write_with(Path(out), lambda tmp: tmp.write_bytes(data), suffixes=(".xlsx",), what=Message("template"))


def _workbook_bytes(wb: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_xlsx(lang: str = "en") -> bytes:
    """The XLSX data-collection template (headers in ``lang``: en or fr), as bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _check_lang(lang)
    wb = Workbook()
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    example_font = Font(italic=True, color=_GREY)
    yes, no = _word("yes", lang), _word("no", lang)

    readme = wb.active
    assert readme is not None
    readme.title = _sheet_name("readme", lang)
    for i, line in enumerate(_texts()["readme"][lang], start=1):
        readme.cell(i, 1, line).font = head_font if i == 1 else Font()
    readme.column_dimensions["A"].width = 120

    choices_ws = wb.create_sheet(_sheet_name("choices", lang))
    choice_lists: dict[tuple[str, ...], str] = {}
    choice_titles: dict[tuple[str, ...], dict[str, list[str]]] = {}  # list → header → sheets

    def list_formula(values: list[str], sheet: str, header: str) -> str:
        """A drop-down source: inline when short, else its column of the choices sheet.

        Every list is written on the (visible) choices sheet, so users can read them all.
        """
        key = tuple(values)
        choice_titles.setdefault(key, {}).setdefault(header, []).append(sheet)
        if key not in choice_lists:
            col = len(choice_lists) + 1
            letter = get_column_letter(col)
            for r, v in enumerate(values, start=2):
                choices_ws.cell(r, col, v)
            choice_lists[key] = f"'{choices_ws.title}'!${letter}$2:${letter}${len(values) + 1}"
        inline = ",".join(values)
        if len(inline) <= 250 and not any("," in v or '"' in v for v in values):
            return f'"{inline}"'
        return "=" + choice_lists[key]

    def add_list(ws: Any, values: list[str], ref: str, title: str) -> None:
        dv = DataValidation(type="list", formula1=list_formula(values, ws.title, title), allow_blank=True)
        dv.error = f"{_word('accepted', lang)}: {', '.join(values)}"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(ref)

    # production: one row per field (field | value | notes)
    prod_ws = wb.create_sheet(_sheet_name("production", lang), 1)
    for c, word in enumerate(("field", "value", "notes"), start=1):
        cell = prod_ws.cell(1, c, _word(word, lang))
        cell.font, cell.fill = head_font, head_fill
    for r, pf in enumerate(_production_fields(), start=2):
        prod_ws.cell(r, 1, _field_label(pf.path, lang)).font = head_font
        note = pf.description
        if pf.required:
            note = _word("required", lang) + (f"; {note}" if note else "")
        if pf.choices:
            note = (note + "; " if note else "") + f"{_word('accepted', lang)}: {', '.join(pf.choices)}"
        prod_ws.cell(r, 3, note)
        if pf.kind == "choice":
            add_list(prod_ws, pf.choices, f"B{r}", _field_label(pf.path, lang))
        elif pf.kind == "bool":
            add_list(prod_ws, [yes, no], f"B{r}", _field_label(pf.path, lang))
    prod_ws.column_dimensions["A"].width = 24
    prod_ws.column_dimensions["B"].width = 36
    prod_ws.column_dimensions["C"].width = 80

    # parameters: name | value | unit
    par_ws = wb.create_sheet(_sheet_name("parameters", lang), 2)
    for c, key in enumerate(("parameter", "value", "unit"), start=1):
        cell = par_ws.cell(1, c, _field_label(key, lang))
        cell.font, cell.fill = head_font, head_fill
        par_ws.column_dimensions[get_column_letter(c)].width = 20
    par_ws.freeze_panes = "A2"

    # one sheet per category
    examples = _texts().get("examples", {})
    for spec in _sheet_specs():
        ws = wb.create_sheet(_sheet_name(spec.category, lang), wb.sheetnames.index(choices_ws.title))
        for c, col in enumerate(spec.columns, start=1):
            cell = ws.cell(1, c, col.header(lang))
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.comment = Comment(_column_note(col, spec, lang), "shootprint", width=320, height=160)
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = max(12, min(40, len(col.header(lang)) + 4))
            ref = f"{letter}2:{letter}{DATA_ROWS + len(spec.types) + 1}"
            if col.name == "stage":
                from shootprint.model import STAGES

                add_list(ws, list(STAGES), ref, col.header(lang))
            elif col.kind == "choice":
                add_list(ws, col.choices, ref, col.header(lang))
            elif col.kind == "bool":
                add_list(ws, [yes, no], ref, col.header(lang))
        for r, type_name in enumerate(spec.types, start=2):
            values = _example_row(type_name, examples.get(type_name, {}), yes, no)
            for c, col in enumerate(spec.columns, start=1):
                if type_name in col.types and col.name in values:
                    ws.cell(r, c, values[col.name]).font = example_font
        ws.freeze_panes = "B2"

    # the choices sheet lists every drop-down too, so the lists are visible and readable
    for n, listed in enumerate(choice_lists, start=1):
        title = "; ".join(f"{h} ({', '.join(sheets)})" for h, sheets in choice_titles[listed].items())
        choices_ws.cell(1, n, title).font = head_font
        choices_ws.column_dimensions[get_column_letter(n)].width = 28
    return _workbook_bytes(wb)


def _column_note(col: Column, spec: SheetSpec, lang: str) -> str:
    parts = [col.description] if col.description else []
    if len(spec.types) > 1 and col.name not in _BASE_FIRST + _BASE_LAST:
        parts.append(f"{_word('applies_to', lang)}: {', '.join(col.types)}")
    if col.required_for and col.name not in ("id", "type", "stage"):
        parts.append(f"{_word('required_for', lang)}: {', '.join(col.required_for)}")
    elif col.name in ("id", "stage"):
        parts.append(_word("required", lang))
    if col.choices:
        parts.append(f"{_word('accepted', lang)}: {', '.join(col.choices)}")
    return "\n".join(parts) or col.name


def _edited_example(spec: SheetSpec, act_id: str, cells: dict[int, Any], columns: dict[int, Any]) -> bool:
    """Whether a row with an example id differs from the template's example (so would be lost)."""
    type_name = act_id.removeprefix("example-").replace("-", "_")
    if type_name not in spec.types:
        return True
    given = _texts().get("examples", {}).get(type_name, {})
    expected = [_example_row(type_name, given, _word("yes", lang), _word("no", lang)) for lang in ("en", "fr")]
    for c, value in cells.items():
        if c not in columns or _blank(value):
            continue
        name = columns[c][1].name if hasattr(columns[c][1], "name") else None
        if name is None or name == "id":
            continue
        if not any(_same(value, exp.get(name)) for exp in expected):
            return True
    return False


def _same(value: Any, expected: Any) -> bool:
    if expected is None:
        return False
    if isinstance(value, int | float) and isinstance(expected, int | float):
        return float(value) == float(expected)
    return str(value).strip().casefold() == str(expected).strip().casefold()


def _example_row(type_name: str, given: dict[str, Any], yes: str, no: str) -> dict[str, Any]:
    """The grey example of a type: the data file's values, else its required fields filled."""
    values: dict[str, Any] = {"id": f"example-{type_name.replace('_', '-')}", "type": type_name, "stage": "shoot"}
    for col, req in _type_columns(type_name):
        if col.name in given:
            v = given[col.name]
            values[col.name] = (yes if v else no) if isinstance(v, bool) else v
        elif req and col.name not in values:
            if col.kind == "choice":
                values[col.name] = col.choices[0]
            elif col.kind in ("quantity", "integer", "number"):
                values[col.name] = 1
            elif col.kind == "bool":
                values[col.name] = no
            else:
                values[col.name] = "…"
    return values


# -- import ----------------------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)?|[.,]\d+"
_NUMBER_TEXT = re.compile(r"^[-+]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)?(?:[.,]\d+)?(?:[eE][-+]?\d+)?$")
_RANGE = re.compile(rf"^({_NUM})\s*(?:-|–|—|\bto\b|\bà\b|\.\.)\s*({_NUM})\s*([^\d\s].*)?$")
_PCT_NO_UNIT = re.compile(rf"^({_NUM})\s*(±|\+/-|\+-)\s*({_NUM})\s*%$")
_HEADER = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, message: str, sheet: str | None = None, row: int | None = None, column: str | None = None) -> None:
        where: list[str] = []
        if sheet is not None:
            where.append(Message("sheet '{sheet}'", sheet=sheet))
        if row is not None:
            where.append(Message("row {row}", row=str(row)))
        if column is not None:
            where.append(Message("column '{column}'", column=column))
        if where:
            self.items.append(Joined([self.source, Joined(where), message], ": "))
        else:
            self.items.append(Joined([self.source, message], ": "))


def _fmt_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


def _number_text(text: str) -> float | None:
    """A number written as text: '12,5', '1 250,5', '1250.5'; None when it is not one."""
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not t or not _NUMBER_TEXT.match(t):
        return None
    if "," in t and "." in t:
        raise ValueError(
            Message(
                "{given} holds both ',' and '.': write it with one decimal separator, e.g. 1250.5", given=repr(text)
            )
        )
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", t):
        raise ValueError(
            Message(
                "{given} is ambiguous (a thousands separator or a decimal comma?): write 1250 or 1,25", given=repr(text)
            )
        )
    return float(t.replace(" ", "").replace(",", "."))


def _num_text(text: str) -> float:
    return float(text.replace(",", "."))


def _quantity_cell(value: Any, header_unit: str | None, field_unit: str) -> Any:
    """A quantity cell as the production file writes it (see the module docstring)."""
    unit = header_unit if header_unit is not None else ("" if not field_unit else None)

    def with_unit(number: float) -> Any:
        if unit is None:
            raise ValueError(
                Message(
                    "missing unit: the header has none, so write the unit in the cell (e.g. '{number} {unit}') or put "
                    "it back in the header (e.g. '… ({unit})')",
                    number=str(_fmt_number(number)),
                    unit=field_unit,
                )
            )
        return _fmt_number(number) if not unit else f"{_fmt_number(number)} {unit}"

    if isinstance(value, bool) or isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        raise ValueError(
            Message(
                "expected a quantity, got {given}; accepted: a number, '12 km', '10-20', '$parameter'",
                given=repr(value),
            )
        )
    if isinstance(value, int | float):
        return with_unit(float(value))
    text = str(value).strip()
    if text.startswith("$"):
        return text
    number = _number_text(text)
    if number is not None:
        return with_unit(number)
    m = _RANGE.match(text)
    if m:
        low, high = _num_text(m.group(1)), _num_text(m.group(2))
        own = (m.group(3) or "").strip()
        if not own and unit is None:
            with_unit(low)  # raises: missing unit
        out: dict[str, Any] = {"low": _fmt_number(low), "high": _fmt_number(high)}
        if own or unit:
            out["unit"] = own or unit
        return out
    m = _PCT_NO_UNIT.match(text)
    if m and unit:
        return f"{m.group(1)} {unit} ± {m.group(3)}%"
    return text  # a value with its own unit, or something the production file will refuse clearly


def _cell_value(col_kind: str, choices: list[str], value: Any, header_unit: str | None, field_unit: str) -> Any:
    if col_kind == "quantity":
        return _quantity_cell(value, header_unit, field_unit)
    if col_kind == "bool":
        if isinstance(value, bool):
            return value
        key = str(_fmt_number(value) if isinstance(value, int | float) else value).strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError(
            Message("expected yes or no, got {given}; accepted: yes, no, oui, non, true, false", given=repr(value))
        )
    if col_kind in ("integer", "number"):
        if isinstance(value, bool):
            raise ValueError(Message("expected a number, got {given}", given=repr(value)))
        number = float(value) if isinstance(value, int | float) else _number_text(str(value))
        if number is None:
            raise ValueError(Message("expected a number, got {given}", given=repr(value)))
        if col_kind == "integer":
            if not number.is_integer():
                raise ValueError(Message("expected a whole number, got {given}", given=repr(value)))
            return int(number)
        return _fmt_number(number)
    if isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        raise ValueError(Message("expected text, got a date {given}: format the cell as text", given=repr(value)))
    text = str(_fmt_number(value)) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    text = text.strip()
    if col_kind == "choice":
        for choice in choices:
            if choice.casefold() == text.casefold():
                return choice
        # an unknown choice is left to the model, which names what this type accepts
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split_header(text: str) -> tuple[str, str | None]:
    m = _HEADER.match(text)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return text.strip(), None


@cache
def _sheet_lookup() -> dict[str, str]:
    """Normalised sheet name (English or French) → category or special sheet key."""
    out = {}
    for key in _texts()["sheets"]:
        for lang in ("en", "fr"):
            out[_norm(_sheet_name(key, lang))] = key
    for spec in _sheet_specs():
        out.setdefault(_norm(spec.category), spec.category)
        for lang in ("en", "fr"):
            out.setdefault(_norm(_sheet_name(spec.category, lang)), spec.category)
    return out


def _label_lookup(names: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        for candidate in (name, _field_label(name, "en"), _field_label(name, "fr")):
            out.setdefault(_norm(candidate), name)
    return out


def import_workbook(path: Path) -> dict[str, Any]:
    """A filled template → the raw production dict (validated); InputError lists every problem."""
    from shootprint.production import validate

    path = Path(path)
    source = path.name
    problems = _Problems(source)
    values_wb, formulas_wb = _open(path)
    data: dict[str, Any] = {}
    activities: list[dict[str, Any]] = []
    where: dict[str, list[str]] = {}  # activity id → "sheet 'x', row n" (to place the file's errors)
    specs = {spec.category: spec for spec in _sheet_specs()}
    lookup = _sheet_lookup()
    seen_production = False
    for ws in values_wb.worksheets:
        fws = formulas_wb[ws.title]
        key = lookup.get(_norm(ws.title))
        if key is None:
            known = [
                _sheet_name(k, "en") for k in _texts()["sheets"] if k in specs or k in ("production", "parameters")
            ]
            close = difflib.get_close_matches(ws.title, known, n=2)
            problems.add(
                Message(
                    "unknown sheet; accepted: {accepted} (or their French names){hint}",
                    accepted=", ".join(known),
                    hint=_did_you_mean(close),
                ),
                ws.title,
            )
            continue
        if key in ("readme", "choices"):
            continue
        if key == "production":
            seen_production = True
            _read_production(ws, fws, data, problems)
        elif key == "parameters":
            params = _read_parameters(ws, fws, problems)
            if params:
                data["parameters"] = params
        elif key in specs:
            activities.extend(_read_activities(ws, fws, specs[key], problems, where))
    if not seen_production:
        problems.add(
            Message("no '{sheet}' sheet: the production needs at least its name", sheet=_sheet_name("production", "en"))
        )
    if activities:
        data["activities"] = activities
    if problems.items:
        raise InputError(problems.items)
    try:
        validate(data, source)
    except InputError as exc:
        raise InputError([_place(p, source, where) for p in exc.problems]) from None
    return data


def _place(problem: str, source: str, where: dict[str, list[str]]) -> str:
    """Name the sheet and row of an activity in an error of the whole production."""
    prefix = f"{source}: activities."
    if problem.startswith(prefix):
        rest = problem[len(prefix) :]
        for act_id in sorted(where, key=len, reverse=True):
            if rest.startswith(act_id + "."):
                field_msg = rest[len(act_id) + 1 :]
                return f"{source}: {' and '.join(where[act_id])}: {field_msg}"
    return problem


#: limits of a workbook to import: a filled template is a few hundred KB with tens of rows a sheet
MAX_WORKBOOK_BYTES = 10_000_000
MAX_UNZIPPED_BYTES = 50_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000


def check_workbook_limits(path: Path) -> None:
    """Refuse a workbook too large to be a filled template, before any cell is loaded: its size on
    disk, its size unzipped (a 1.5 MB file may hold a 1.5 GB string), and each sheet's dimensions as
    the file declares them (read-only mode reads only that)."""
    import os
    import stat
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(Message("{path}: file not found", path=str(path))) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(Message("{path}: not a regular file; expected an .xlsx workbook", path=str(path)))
    if info.st_size > MAX_WORKBOOK_BYTES:
        raise InputError(
            Message(
                "{name}: {size} bytes; a workbook to import may be at most {most} bytes",
                name=path.name,
                size=count(info.st_size),
                most=count(MAX_WORKBOOK_BYTES),
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(_not_a_workbook(path, exc)) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputError(
            Message(
                "{name}: holds {size} bytes once unzipped; a workbook to import may hold at most {most}",
                name=path.name,
                size=count(unzipped),
                most=count(MAX_UNZIPPED_BYTES),
            )
        )
    try:
        wb = load_workbook(path, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(_not_a_workbook(path, exc)) from None
    try:
        for ws in wb.worksheets:
            _check_dimensions(path, ws)
    finally:
        wb.close()


def _check_dimensions(path: Path, ws: Any) -> None:
    rows, cols = ws.max_row or 0, ws.max_column or 0
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise InputError(
            Message(
                "{name}: sheet '{sheet}' reaches row {rows}, column {cols}; a sheet to import may use at most "
                "{most_rows} rows and {most_cols} columns (delete the cells beyond the data)",
                name=path.name,
                sheet=str(ws.title)[:40],
                rows=count(rows),
                cols=count(cols),
                most_rows=count(MAX_ROWS),
                most_cols=str(MAX_COLUMNS),
            )
        )


def _not_a_workbook(path: Path, exc: BaseException) -> Message:
    return Message(
        "{name}: not an XLSX workbook ({error}); save it as .xlsx (Excel 2007 or later)", name=path.name, error=str(exc)
    )


def _did_you_mean(close: list[str]) -> str:
    return Message("; did you mean {close}?", close=", ".join(close)) if close else ""


def _open(path: Path) -> tuple[Any, Any]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook_limits(path)
    try:
        values, formulas = load_workbook(path, data_only=True), load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(_not_a_workbook(path, exc)) from None
    for ws in values.worksheets:  # a file may declare no dimension, or a false one: check what loaded
        _check_dimensions(path, ws)
    return values, formulas


def _value(ws: Any, fws: Any, row: int, col: int, problems: _Problems, header: str | None) -> Any:
    """A cell's value; a formula whose value was never computed is an error, not a blank."""
    value = ws.cell(row, col).value
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        problems.add(
            Message(
                "the cell holds {size} characters; at most {most}", size=count(len(value)), most=count(MAX_CELL_CHARS)
            ),
            ws.title,
            row,
            header,
        )
        return None
    if value is None:
        formula = fws.cell(row, col).value
        if isinstance(formula, str) and formula.startswith("="):
            problems.add(
                Message(
                    "formula {formula} has no saved value: save the file in a spreadsheet program, or type the value",
                    formula=formula,
                ),
                ws.title,
                row,
                header,
            )
    if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A")):
        problems.add(Message("the cell holds the error {error}", error=value), ws.title, row, header)
        return None
    return value


def _read_production(ws: Any, fws: Any, data: dict[str, Any], problems: _Problems) -> None:
    fields = {f.path: f for f in _production_fields()}
    labels = _label_lookup(fields)
    value_header = ws.cell(1, 2).value or _word("value", "en")
    seen: dict[str, int] = {}
    for row in range(2, ws.max_row + 1):
        label = ws.cell(row, 1).value
        value = _value(ws, fws, row, 2, problems, str(value_header))
        if _blank(label):
            if not _blank(value):
                problems.add(Message("a value without a field name in column A"), ws.title, row, str(value_header))
            continue
        path = labels.get(_norm(_split_header(str(label))[0]))
        if path is None:
            close = difflib.get_close_matches(str(label), [_field_label(p, "en") for p in fields], n=2)
            accepted = ", ".join(_field_label(p, "en") for p in fields)
            problems.add(
                Message(
                    "unknown field {given}; accepted: {accepted}{hint}",
                    given=repr(label),
                    accepted=accepted,
                    hint=_did_you_mean(close),
                ),
                ws.title,
                row,
                _word("field", "en"),
            )
            continue
        if path in seen:
            problems.add(
                Message("field {given} is also on row {row}", given=repr(label), row=str(seen[path])),
                ws.title,
                row,
                _word("field", "en"),
            )
            continue
        seen[path] = row
        if _blank(value):
            continue
        pf = fields[path]
        try:
            converted = _cell_value(pf.kind, pf.choices, value, None, "")
        except ValueError as exc:
            problems.add(said(exc), ws.title, row, str(value_header))
            continue
        if pf.kind == "choice" and converted not in pf.choices:
            problems.add(
                Message(
                    "{given} is not a choice; accepted: {accepted}", given=repr(value), accepted=", ".join(pf.choices)
                ),
                ws.title,
                row,
                str(value_header),
            )
            continue
        target = data
        *parents, last = path.split(".")
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = converted
    if "name" not in data:
        row_no = seen.get("name")
        problems.add(
            Message("required: the production's name"), ws.title, row_no, str(value_header) if row_no else None
        )


def _read_parameters(ws: Any, fws: Any, problems: _Problems) -> dict[str, Any]:
    headers = [str(ws.cell(1, c).value or "") for c in (1, 2, 3)]
    out: dict[str, Any] = {}
    for row in range(2, ws.max_row + 1):
        name, value, unit = (_value(ws, fws, row, c, problems, headers[c - 1]) for c in (1, 2, 3))
        if _blank(name) and _blank(value) and _blank(unit):
            continue
        if _blank(name) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", str(name).strip()):
            problems.add(
                Message("expected a name of letters, digits and _ (used as $name), got {given}", given=repr(name)),
                ws.title,
                row,
                headers[0],
            )
            continue
        if _blank(value):
            problems.add(Message("required: the parameter's value"), ws.title, row, headers[1])
            continue
        unit_text = "" if _blank(unit) else str(unit).strip()
        try:
            out[str(name).strip()] = _quantity_cell(value, unit_text, unit_text)
        except ValueError as exc:
            problems.add(said(exc), ws.title, row, headers[1])
    return out


def _read_activities(
    ws: Any, fws: Any, spec: SheetSpec, problems: _Problems, where: dict[str, list[str]]
) -> list[dict[str, Any]]:
    from pydantic import ValidationError

    from shootprint.categories import models, registry

    labels = _label_lookup(col.name for col in spec.columns)
    # column number → (header as written, its column of the spec, unit in the header)
    columns: dict[int, tuple[str, Column, str | None]] = {}
    by_field: dict[str, list[int]] = {}
    for c in range(1, ws.max_column + 1):
        raw = ws.cell(1, c).value
        if _blank(raw):
            continue
        header = str(raw).strip()
        label, unit = _split_header(header)
        name = labels.get(_norm(label)) or labels.get(_norm(header))
        if name is None:
            accepted = ", ".join(col.header("en") for col in spec.columns)
            close = difflib.get_close_matches(label, [col.header("en") for col in spec.columns], n=2)
            problems.add(
                Message("unknown column; accepted: {accepted}{hint}", accepted=accepted, hint=_did_you_mean(close)),
                ws.title,
                1,
                header,
            )
            continue
        same_name = [col for col in spec.columns if col.name == name]
        # a field name two types hold in different units has one column per unit: the header's picks
        spec_col = next((col for col in same_name if col.unit == unit), same_name[0])
        columns[c] = (header, spec_col, unit)
        by_field.setdefault(name, []).append(c)
    first_of: dict[str, int] = {}
    for c, (header, col, _unit) in columns.items():
        if col.key in first_of:
            problems.add(
                Message("the same field as column '{column}'", column=columns[first_of[col.key]][0]),
                ws.title,
                1,
                header,
            )
            return []
        first_of[col.key] = c
    if "id" not in by_field:
        problems.add(
            Message("no '{column}' column: every activity needs an id", column=_field_label("id", "en")), ws.title, 1
        )
        return []
    if "type" not in by_field and len(spec.types) > 1:
        problems.add(
            Message("no 'type' column; accepted types on this sheet: {accepted}", accepted=", ".join(spec.types)),
            ws.title,
            1,
        )
        return []
    out = []
    header_cells = {c for c in range(1, ws.max_column + 1) if not _blank(ws.cell(1, c).value)}
    for row in range(2, ws.max_row + 1):
        cells = {c: _value(ws, fws, row, c, problems, columns[c][0] if c in columns else None) for c in header_cells}
        stray = [c for c in range(1, ws.max_column + 1) if c not in header_cells and not _blank(ws.cell(row, c).value)]
        if all(_blank(v) for v in cells.values()) and not stray:
            continue
        id_col = by_field["id"][0]
        act_id = cells.get(id_col)
        if not _blank(act_id) and str(act_id).strip().casefold().startswith("example"):
            if _edited_example(spec, str(act_id).strip(), cells, columns):
                problems.add(
                    Message(
                        "an example row was changed: give it an id of its own (not starting with 'example') to "
                        "import it, or clear the row"
                    ),
                    ws.title,
                    row,
                    columns[id_col][0],
                )
            continue
        for c in stray:
            from openpyxl.utils import get_column_letter

            problems.add(Message("a value in a column without a header"), ws.title, row, get_column_letter(c))
        if any(c not in columns for c in cells if not _blank(cells[c])):
            continue  # an unknown column: already reported on the header
        type_name = spec.types[0] if len(spec.types) == 1 else None
        if "type" in by_field and not _blank(cells.get(by_field["type"][0])):
            type_name = str(cells[by_field["type"][0]]).strip()
            match = [t for t in spec.types if t.casefold() == type_name.casefold()]
            if match:
                type_name = match[0]
            else:
                type_header = columns[by_field["type"][0]][0]
                other = registry().get(type_name)
                if other is not None:
                    msg = Message(
                        "type {given} belongs on sheet '{sheet}'",
                        given=repr(type_name),
                        sheet=_sheet_name(other[0], "en"),
                    )
                else:
                    close = difflib.get_close_matches(type_name, spec.types, n=2)
                    msg = Message(
                        "unknown type {given}; accepted on this sheet: {accepted}{hint}",
                        given=repr(type_name),
                        accepted=", ".join(spec.types),
                        hint=_did_you_mean(close),
                    )
                problems.add(msg, ws.title, row, type_header)
                continue
        if type_name is None:
            type_header = columns[by_field["type"][0]][0]
            problems.add(
                Message("required: the activity type; accepted: {accepted}", accepted=", ".join(spec.types)),
                ws.title,
                row,
                type_header,
            )
            continue
        act: dict[str, Any] = {}
        headers_of: dict[str, str] = {}  # field → the header its value came from (to place errors)
        ok = True
        for c, value in cells.items():
            if _blank(value) or c not in columns:
                continue
            header, col, header_unit = columns[c]
            if col.name == "type":
                continue
            if type_name not in col.types:
                problems.add(
                    Message("does not apply to type {given}: leave it empty", given=repr(type_name)),
                    ws.title,
                    row,
                    header,
                )
                ok = False
                continue
            try:
                act[col.name] = _cell_value(col.kind, col.choices, value, header_unit, col.unit)
                headers_of[col.name] = header
            except ValueError as exc:
                problems.add(said(exc), ws.title, row, header)
                ok = False
        act["type"] = type_name
        if not ok:
            continue
        # validate the row alone, so its errors name the row and the column
        try:
            models()[type_name].model_validate(act)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = [str(p) for p in err["loc"]]
                column = headers_of.get(loc[0]) if loc else None
                if loc and column is None:
                    missing_col = spec.column_of(type_name, loc[0])
                    column = missing_col.header("en") if missing_col is not None else loc[0]
                    if loc[0] not in by_field:
                        column += " (no such column on the sheet)"
                problems.add(_pydantic_message(err, type_name), ws.title, row, column)
            continue
        ordered = {"id": act.pop("id")} if "id" in act else {}
        ordered["type"] = act.pop("type")
        ordered.update(act)
        where.setdefault(str(ordered.get("id")), []).append(f"sheet '{ws.title}', row {row}")
        out.append(ordered)
    return out


def _pydantic_message(err: Any, type_name: str) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "missing":
        return Message("required for type {given}", given=repr(type_name))
    if err["type"] == "literal_error":
        expected = msg.replace("Input should be", "", 1).strip()
        return Message("{given} is not a choice; accepted: {expected}", given=repr(err.get("input")), expected=expected)
    if err["type"] == "string_pattern_mismatch":
        return f"{err.get('input')!r}: {msg}"
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, ValueError):  # a core validator's Message: its French comes from the catalog
        text = said(error)
        if isinstance(text, Message):
            return text
    return msg


def workbook_to_yaml(path: Path) -> str:
    """The production file a filled template makes (``shootprint import``)."""
    import yaml

    data = import_workbook(Path(path))
    if "shootprint" not in data:  # a production file states its format version first (production.FORMAT_VERSION)
        data = {"shootprint": 1, **data}
    head = f"# production imported from {Path(path).name} by shootprint import\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)


# -- footprints out ---------------------------------------------------------------------------


def _footprint_list(footprints: Any) -> list[Any]:
    """A list of Footprints; a Comparison (anything with ``.footprints``) is accepted too."""
    if hasattr(footprints, "footprints"):
        return list(footprints.footprints)
    return list(footprints)


def _all_line_rows(footprints: list[Any]) -> list[dict[str, Any]]:
    from shootprint.report.text import line_rows

    return [row for fp in footprints for row in line_rows(fp, fp.name)]


def footprints_csv(footprints: list[Any]) -> str:
    """One row per line of every footprint (columns of ``report.text.LINE_COLUMNS``), as text."""
    import io

    from shootprint.output import cell_text
    from shootprint.report.text import LINE_COLUMNS

    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=list(LINE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in _all_line_rows(_footprint_list(footprints)):
        writer.writerow({k: cell_text(v) for k, v in row.items()})
    return stream.getvalue()


def write_footprints_csv(footprints: list[Any], out: Path) -> Path:
    """:func:`footprints_csv` written to ``out`` (UTF-8)."""
    from shootprint.output import write_text

    return write_text(Path(out), footprints_csv(footprints), suffixes=(".csv",), what="CSV")


def write_footprints_xlsx(footprints: list[Any], out: Path, inputs: Iterable[Path] = ()) -> Path:
    """:func:`footprints_xlsx` written to ``out``."""
    from shootprint.output import write_with

    data = footprints_xlsx(footprints)
    return write_with(
        Path(out), lambda tmp: tmp.write_bytes(data), suffixes=(".xlsx",), inputs=inputs, what=Message("workbook")
    )


def footprints_xlsx(footprints: list[Any]) -> bytes:
    """Sheets: summary (one row per scenario), lines (one row per line), factors, warnings; as bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from shootprint.report.text import LINE_COLUMNS

    fps = _footprint_list(footprints)
    wb = Workbook()
    bold = Font(bold=True)

    def table(ws: Any, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_xlsx_value(row.get(c)) for c in columns])
        for i, name in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(45, len(name) + 4))
        ws.freeze_panes = "A2"

    categories: list[str] = []
    stages: list[str] = []
    intensities: list[str] = []
    for fp in fps:
        categories += [c for c in fp.by_category if c not in categories]
        stages += [s for s in fp.by_stage if s not in stages]
        intensities += [k for k in fp.intensities if k not in intensities]
    summary_cols = ["scenario", "total_kgco2e"]
    uncertain = any(fp.uncertainty for fp in fps)
    if uncertain:
        summary_cols += ["total_median_kgco2e", "total_low_kgco2e", "total_high_kgco2e", "interval_level", "samples"]
    summary_cols += [f"{c}_kgco2e" for c in categories] + [f"{s}_kgco2e" for s in stages] + intensities
    summary_cols += ["factor_set", "data_version", "code_version", "version"]
    summary_rows = []
    for fp in fps:
        row: dict[str, Any] = {"scenario": fp.name, "total_kgco2e": fp.total_kgco2e}
        row.update({f"{c}_kgco2e": fp.by_category.get(c, 0.0) for c in categories})
        row.update({f"{s}_kgco2e": fp.by_stage.get(s, 0.0) for s in stages})
        row.update({k: fp.intensities.get(k) for k in intensities})
        row["factor_set"] = fp.versions.get("factor_set")
        row["data_version"] = fp.versions.get("data")
        row["code_version"] = fp.versions.get("code")
        row["version"] = fp.metadata.get("version")
        u = fp.uncertainty or {}
        if u:
            total = u.get("total_kgco2e") or {}
            row.update(
                {
                    "total_median_kgco2e": total.get("median"),
                    "total_low_kgco2e": total.get("low"),
                    "total_high_kgco2e": total.get("high"),
                    "interval_level": u.get("level"),
                    "samples": u.get("samples"),
                }
            )
        summary_rows.append(row)
    summary = wb.active
    assert summary is not None
    summary.title = "summary"
    table(summary, summary_cols, summary_rows)

    table(wb.create_sheet("lines"), list(LINE_COLUMNS), _all_line_rows(fps))

    factor_cols = [
        "scenario",
        "line_id",
        "position",
        "role",
        "factor_id",
        "resolved_id",
        "value",
        "unit",
        "status",
        "source",
        "licence",
        "name",
    ]
    factor_rows = [
        {
            "scenario": fp.name,
            "line_id": line.id,
            "position": i,
            "role": f.role,
            "factor_id": f.id,
            "resolved_id": f.resolved_id or f.id,
            "value": f.value,
            "unit": f.unit,
            "status": f.status,
            "source": f.source,
            "licence": f.licence,
            "name": f.name,
        }
        for fp in fps
        for line in fp.lines
        for i, f in enumerate(line.factors, start=1)
    ]
    table(wb.create_sheet("factors"), factor_cols, factor_rows)

    warning_rows = [
        {"scenario": fp.name, "line_id": line.id, "code": w.code, "message": w.message}
        for fp in fps
        for line in fp.lines
        for w in line.warnings
    ] + [
        {"scenario": fp.name, "line_id": w.line_id or "", "code": w.code, "message": w.message}
        for fp in fps
        for w in fp.warnings
    ]
    table(wb.create_sheet("warnings"), ["scenario", "line_id", "code", "message"], warning_rows)
    return _workbook_bytes(wb)


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers (so totals sum in the sheet); anything else becomes text, never a
    formula (OWASP's rule: a leading ``'`` before ``=``, ``+``, ``-``, ``@``)."""
    from shootprint.output import cell_text

    if isinstance(value, str):
        return cell_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    try:
        return float(value)  # numpy scalars
    except (TypeError, ValueError):
        return str(value)

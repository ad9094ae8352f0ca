"""Edit forms generated from the activity models' JSON Schema, and the round trip document ⇄ form.

A production is edited as one HTML form (no script needed): the production's own fields, its
parameters, then every activity as a fieldset whose inputs come from its model's schema — a
quantity is a text input with its unit beside it and optional low/high bounds (a range), a choice
is a select, yes/no is a select (so "not written" stays distinct from "no"), anything else a text
input. A value the form cannot show field by field (a place as coordinates, a range in another
unit) is shown and read back as a one-line YAML mapping, so nothing written is lost.

``to_form`` turns a document into the form's state; ``from_form`` turns posted fields back into a
document (what is typed is kept as typed: the core validates and names the field of any problem).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from shootprint.i18n import N_
from shootprint.model import STAGES, quantity_description

#: the inputs' titles (from the models' field names), marked so the catalog translates them
FIELD_TITLES = (
    N_("Amount"),
    N_("Area m2"),
    N_("Area m2 per person"),
    N_("Avoided emissions"),
    N_("Breakfast"),
    N_("Cabin"),
    N_("Cars"),
    N_("Class"),
    N_("Clip seconds"),
    N_("Contrails"),
    N_("Count"),
    N_("Currency"),
    N_("Datacenter"),
    N_("Days"),
    N_("Distance"),
    N_("End of life"),
    N_("Engine"),
    N_("From"),
    N_("Fuel"),
    N_("Garment"),
    N_("Generations"),
    N_("Gpu"),
    N_("Hosting"),
    N_("Hours"),
    N_("Id"),
    N_("Item"),
    N_("Iterations"),
    N_("Kept"),
    N_("Kind"),
    N_("Label"),
    N_("Lighting"),
    N_("Lighting hours"),
    N_("Load"),
    N_("Mass"),
    N_("Material"),
    N_("Measured"),
    N_("Medium"),
    N_("Mode"),
    N_("Model"),
    N_("Monitors"),
    N_("Months"),
    N_("Network"),
    N_("Nights"),
    N_("Participants"),
    N_("Person days"),
    N_("Place"),
    N_("Power"),
    N_("Prompts"),
    N_("Provider"),
    N_("Pue"),
    N_("Rate"),
    N_("Rated"),
    N_("Ratio"),
    N_("Replication"),
    N_("Resolution"),
    N_("Return"),
    N_("Reuse"),
    N_("Rooms"),
    N_("Seats"),
    N_("Shoot days"),
    N_("Size"),
    N_("Steps"),
    N_("Stream"),
    N_("To"),
    N_("Travellers"),
    N_("Treatment"),
    N_("Urban area"),
    N_("Vehicle"),
    N_("Vehicles"),
    N_("Volume"),
    N_("Still images delivered"),
    N_("Seconds of film delivered"),
    N_("Country (ISO code, e.g. FR)"),
)
#: the activity types' one-line summaries (their models' docstrings) shown in the "add" choice, marked
#: so the catalog translates them
TYPE_SUMMARIES = (
    N_("A flight; distance (when given) is the great-circle distance."),
    N_("Goods carried by road, air, sea or rail."),
    N_("Extra kg checked in on a passenger flight (cases of equipment, costumes …)."),
    N_("Hotel stays: nights counts room-nights, or nights per room when rooms is given."),
    N_("Meals served: count meals of one kind (mixed = ADEME's average French meal)."),
    N_("Drinks served: count servings (cups, cans, bottles) or a volume in litres."),
    N_("Snacks (craft service): a mass in kg, or person_days (people × shoot days)."),
    N_("Electricity drawn from the grid (location-based)."),
    N_("A generator on set: litres of fuel burnt, or kWh delivered."),
    N_("Natural gas burnt (heating, catering on site), in kWh (gross calorific value)."),
    N_("Studio hire: its energy, from the days of hire or from the studio's own kWh; or, where the file"),
    N_("A material bought for sets or props, by mass (cradle to gate)."),
    N_("Garments for costumes, by count (bought new unless reuse says otherwise)."),
    N_("Equipment used (owned or rented) for days: its manufacture, amortised per day of use."),
    N_("Person-days of desk work in an office, a post-production suite or at home: the room's energy."),
    N_("People at screens: editing, grading, retouching, compositing, office work."),
    N_("Render nodes or GPU servers running for hours (their electricity only)."),
    N_("Data kept on disks (cloud, NAS, archive): terabytes × months."),
    N_("Data sent over networks (uploads, downloads, deliveries, dailies)."),
    N_("A video call: participants at screens plus the video they exchange."),
    N_("Waste thrown away by the production: a stream, its treatment, the kg."),
    N_("Money spent on something whose physical quantity is unknown (€ excluding VAT)."),
    N_("Images generated from a prompt."),
    N_("Edits / inpainting with an image model (a fraction of its text-to-image energy)."),
    N_("Image upscales (GAN/CNN or diffusion-based)."),
    N_("Video clips generated from a prompt."),
    N_("Video clips generated from an image (same energy per clip as text-to-video)."),
    N_("Video upscales, per second of video."),
    N_("Prompts to a chat model (scripts, briefs, prompt writing)."),
)
#: fields every activity has, shown first (``type`` is fixed once the activity is added)
COMMON_FIRST = ("id", "stage", "label")
COMMON_LAST = ("reason", "factor", "region")
FACTOR_SETS = ("ademe", "desnz")
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?\s*$")
#: blank parameter rows offered under the written ones
SPARE_PARAMETERS = 2
#: the most activities one form post may hold (the core's limit is far above a hand-filled form)
MAX_FORM_ACTIVITIES = 2000


@dataclass(frozen=True)
class FieldSpec:
    """One input of an activity's form, read from its model's JSON Schema."""

    name: str
    kind: str  # quantity | choice | yesno | integer | number | text | mapping
    title: str
    description: str = ""
    unit: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    default: Any = None


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _spec(name: str, prop: dict[str, Any], required: bool) -> FieldSpec:
    options = prop.get("anyOf", [prop])
    nonnull = [o for o in options if o.get("type") != "null"]
    inner = nonnull[0] if len(nonnull) == 1 else {"anyOf": nonnull}
    description = str(prop.get("description") or inner.get("description") or "")
    if "x-unit" in inner or "x-unit" in prop:
        said = quantity_description(str(inner.get("x-unit", prop.get("x-unit", ""))))
        if description == said:  # the generated sentence of a quantity: its French comes from the catalog
            description = said
    default = prop.get("default")
    common: dict[str, Any] = {
        "title": _title(name),
        "description": description,
        "required": required,
        "default": default,
    }
    if "x-unit" in inner or "x-unit" in prop:
        unit = str(inner.get("x-unit", prop.get("x-unit", "")))
        return FieldSpec(name, "quantity", unit=unit, **common)
    if "enum" in inner:
        return FieldSpec(name, "choice", choices=tuple(str(c) for c in inner["enum"]), **common)
    kind = {"boolean": "yesno", "integer": "integer", "number": "number", "string": "text"}.get(
        str(inner.get("type")), "mapping"
    )
    return FieldSpec(name, kind, **common)


@cache
def activity_fields(type_name: str) -> tuple[FieldSpec, ...]:
    """The inputs of an activity type, common fields first and last (empty for an unknown type)."""
    from shootprint.categories import models

    model = models().get(type_name)
    if model is None:
        return ()
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    props: dict[str, Any] = schema["properties"]
    specs = {name: _spec(name, prop, name in required) for name, prop in props.items() if name != "type"}
    specs["stage"] = FieldSpec("stage", "choice", _title("stage"), choices=STAGES, required=True)
    middle = [n for n in specs if n not in COMMON_FIRST + COMMON_LAST]
    return tuple(specs[n] for n in (*COMMON_FIRST, *middle, *COMMON_LAST) if n in specs)


@cache
def activity_types() -> list[tuple[str, list[tuple[str, str]]]]:
    """(category, [(type, description)]) in the core's category order, for the "add" choice."""
    from shootprint.categories import models, registry

    out: dict[str, list[tuple[str, str]]] = {}
    for type_name, (category, _compute) in registry().items():
        doc = (models()[type_name].__doc__ or "").strip().splitlines()
        out.setdefault(category, []).append((type_name, doc[0].replace("``", "") if doc else ""))
    return list(out.items())


def category_of(type_name: str) -> str:
    from shootprint.categories import registry

    entry = registry().get(type_name)
    return entry[0] if entry else ""


# -- document → form ---------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """A value as one line of YAML (a mapping or list the form cannot show field by field)."""
    return str(yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _plain(value)
    if isinstance(value, str):
        return value
    return _flow(value)


def _plain(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return repr(x)  # 2.0 stays 2.0, so the document round-trips as written
    return repr(x) if isinstance(x, float) else str(x)


def quantity_inputs(value: Any, unit: str) -> tuple[str, str, str]:
    """(value, low, high) inputs of a quantity as written in a document."""
    if value is None:
        return "", "", ""
    if isinstance(value, str):
        m = re.match(r"^\s*(\S+)\s+(\S+)\s*$", value)
        if unit and m and m.group(2) == unit and _NUMBER.match(m.group(1)) and value == f"{m.group(1)} {unit}":
            return m.group(1), "", ""
        return value, "", ""
    if isinstance(value, dict):
        keys = set(value)
        plain = keys <= {"value", "central", "low", "high", "unit"} and value.get("unit", unit) == unit
        numbers = all(isinstance(value.get(k), int | float) for k in keys - {"unit"})
        if plain and numbers and {"low", "high"} <= keys and ("unit" in keys or not unit):
            centre = value.get("value", value.get("central"))
            return (_text(centre) if centre is not None else ""), _text(value["low"]), _text(value["high"])
        return _flow(value), "", ""
    return _text(value), "", ""


@dataclass
class ActivityForm:
    """One activity's inputs: ``values`` maps an input name (``distance``, ``distance.low``) to text."""

    index: int
    type: str
    values: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)  # keys the type does not define (kept as written)
    problems: dict[str, list[str]] = field(default_factory=dict)  # field ("" for the activity) → messages

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return activity_fields(self.type)

    @property
    def known(self) -> bool:
        return bool(self.fields)

    @property
    def category(self) -> str:
        return category_of(self.type)

    @property
    def stage(self) -> str:
        return self.values.get("stage", "")

    @property
    def key(self) -> str:
        return self.values.get("id", "") or f"#{self.index + 1}"

    @property
    def extra_json(self) -> str:
        return json.dumps(self.extra, ensure_ascii=False) if self.extra else ""


@dataclass
class ProductionForm:
    meta: dict[str, str]
    parameters: list[tuple[str, str]]
    activities: list[ActivityForm]
    problems: dict[str, list[str]] = field(default_factory=dict)  # meta field / "parameters.NAME" → messages
    general: list[str] = field(default_factory=list)  # problems that name no field of the form

    def groups(self) -> list[tuple[str, list[tuple[str, list[ActivityForm]]]]]:
        """Activities by stage, then by category (the core's order); any other stage last."""
        from shootprint.categories import MODULES

        order = {name: i for i, name in enumerate(MODULES)}
        out = []
        stages = [*STAGES, *sorted({a.stage for a in self.activities} - set(STAGES))]
        for stage in stages:
            acts = [a for a in self.activities if a.stage == stage]
            if not acts:
                continue
            cats: dict[str, list[ActivityForm]] = {}
            for a in sorted(acts, key=lambda a: (order.get(a.category, 99), a.index)):
                cats.setdefault(a.category, []).append(a)
            out.append((stage, list(cats.items())))
        return out

    def problem_count(self) -> int:
        return (
            len(self.general)
            + sum(len(v) for v in self.problems.values())
            + sum(len(v) for a in self.activities for v in a.problems.values())
        )


META_FIELDS = ("name", "client", "version", "description", "country", "shoot_days", "factor_set")
DELIVERABLE_FIELDS = ("still_images", "film_seconds")


def to_form(document: dict[str, Any]) -> ProductionForm:
    meta = {k: _text(document.get(k)) for k in META_FIELDS}
    deliverables = document.get("deliverables") if isinstance(document.get("deliverables"), dict) else {}
    for k in DELIVERABLE_FIELDS:
        meta[f"deliverables.{k}"] = _text((deliverables or {}).get(k))
    params = document.get("parameters") if isinstance(document.get("parameters"), dict) else {}
    parameters = [(str(k), _text(v)) for k, v in (params or {}).items()]
    activities = []
    for i, raw in enumerate(document.get("activities") or []):
        activities.append(activity_form(i, raw if isinstance(raw, dict) else {"type": "", "value": raw}))
    return ProductionForm(meta, parameters, activities)


def activity_form(index: int, raw: dict[str, Any]) -> ActivityForm:
    type_name = str(raw.get("type", ""))
    specs = {s.name: s for s in activity_fields(type_name)}
    values: dict[str, str] = {}
    for name, spec in specs.items():
        value = raw.get(name)
        if spec.kind == "quantity":
            values[name], values[f"{name}.low"], values[f"{name}.high"] = quantity_inputs(value, spec.unit)
        else:
            values[name] = _text(value)
    extra = {k: v for k, v in raw.items() if k not in specs and k != "type"}
    return ActivityForm(index, type_name, values, extra)


def new_activity(index: int, type_name: str, stage: str, taken: set[str]) -> ActivityForm:
    n = 1
    while f"{type_name}-{n}" in taken:
        n += 1
    form = activity_form(index, {"type": type_name, "stage": stage, "id": f"{type_name}-{n}"})
    return form


# -- form → document ----------------------------------------------------------------------------


def _number(text: str, integer: bool = False) -> Any:
    """A number typed in a form ("12,5" reads as 12.5); the text itself when it is not one."""
    t = text.strip()
    if not _NUMBER.match(t) or ("," in t and "." in t):
        return t
    value = float(t.replace(",", "."))
    if not math.isfinite(value):
        return t
    if ("." not in t and "," not in t and "e" not in t.lower()) or (integer and value.is_integer()):
        return int(value)
    return value


def _mapping_or_text(text: str) -> Any:
    t = text.strip()
    if t.startswith(("{", "[")):
        try:
            return yaml.safe_load(t)
        except yaml.YAMLError:
            return t
    return t


def quantity_value(value: str, low: str, high: str, unit: str) -> Any:
    """A quantity for the document from the (value, low, high) inputs, or None when all are empty."""
    value, low, high = value.strip(), low.strip(), high.strip()
    if low or high:
        out: dict[str, Any] = {}
        if value:
            out["value"] = _number(value)
        out["low"] = _number(low) if low else None
        out["high"] = _number(high) if high else None
        out = {k: v for k, v in out.items() if v is not None}
        if unit:
            out["unit"] = unit
        return out
    if not value:
        return None
    if value.startswith(("{", "[")):
        return _mapping_or_text(value)
    if _NUMBER.match(value):
        return f"{value} {unit}" if unit else _number(value)
    return value


def field_value(spec: FieldSpec, text: str) -> Any:
    t = text.strip()
    if not t:
        return None
    if spec.kind == "yesno":
        return {"yes": True, "no": False}.get(t, t)
    if spec.kind in ("integer", "number"):
        return _number(t, integer=spec.kind == "integer")
    if spec.kind == "mapping":
        return _mapping_or_text(t)
    if spec.kind == "text" and t.startswith("{"):
        return _mapping_or_text(t)
    return t


def activity_from_inputs(form: ActivityForm) -> dict[str, Any]:
    out: dict[str, Any] = {}
    specs = form.fields
    for spec in specs:
        if spec.name == "id":
            out["id"] = form.values.get("id", "").strip()
            out["type"] = form.type
            continue
        if spec.kind == "quantity":
            v = quantity_value(
                form.values.get(spec.name, ""),
                form.values.get(f"{spec.name}.low", ""),
                form.values.get(f"{spec.name}.high", ""),
                spec.unit,
            )
        else:
            v = field_value(spec, form.values.get(spec.name, ""))
        if v is not None:
            out[spec.name] = v
    if not specs:
        out["type"] = form.type
    out.update(form.extra)
    return out


def read_posted(posted: dict[str, Any]) -> ProductionForm:
    """The form's state from posted fields (``p.*``, ``param.N.*``, ``aN.*``), every text kept."""

    def get(key: str) -> str:
        value = posted.get(key, "")
        return value if isinstance(value, str) else ""

    meta = {k: get(f"p.{k}") for k in (*META_FIELDS, *(f"deliverables.{d}" for d in DELIVERABLE_FIELDS))}
    parameters = []
    for n in range(min(_int(get("param.count")), 500)):
        name, value = get(f"param.{n}.name").strip(), get(f"param.{n}.value")
        if name or value.strip():
            parameters.append((name, value))
    activities: list[ActivityForm] = []
    for i in range(min(_int(get("a.count")), MAX_FORM_ACTIVITIES)):
        prefix = f"a{i}."
        if f"{prefix}type" not in posted:
            continue
        type_name = get(f"{prefix}type")
        values = {k[len(prefix) :]: v for k, v in posted.items() if k.startswith(prefix) and isinstance(v, str)}
        values.pop("type", None)
        extra_text = values.pop("__extra", "")
        try:
            extra = json.loads(extra_text) if extra_text else {}
        except ValueError:
            extra = {}
        activities.append(ActivityForm(len(activities), type_name, values, extra if isinstance(extra, dict) else {}))
    return ProductionForm(meta, parameters, activities)


def _int(text: str) -> int:
    try:
        return max(int(text), 0)
    except ValueError:
        return 0


def to_document(form: ProductionForm, base: dict[str, Any]) -> dict[str, Any]:
    """The document the form describes; keys the form does not show are kept from ``base``."""
    doc = {k: v for k, v in base.items() if k not in ("activities", "parameters")}
    doc.setdefault("shootprint", 1)
    texts = {"name", "client", "description", "country", "version", "factor_set"}
    for k in META_FIELDS:
        text = form.meta.get(k, "").strip()
        if not text:
            doc.pop(k, None)
            if k == "name":
                doc["name"] = ""
            continue
        doc[k] = text if k in texts else _number(text)
    deliverables = dict(base.get("deliverables") or {}) if isinstance(base.get("deliverables"), dict) else {}
    for k in DELIVERABLE_FIELDS:
        text = form.meta.get(f"deliverables.{k}", "").strip()
        if text:
            deliverables[k] = _number(text, integer=k == "still_images")
        else:
            deliverables.pop(k, None)
    doc["deliverables"] = deliverables
    params: dict[str, Any] = {}
    for name, value in form.parameters:
        v = value.strip()
        params[name] = _mapping_or_text(v) if v.startswith("{") else (_number(v) if _NUMBER.match(v) else v)
    if params:
        doc["parameters"] = params
    doc["activities"] = [activity_from_inputs(a) for a in form.activities]
    order = ["shootprint", "name", "client", "version", "description", "country", "shoot_days", "deliverables"]
    return {k: doc[k] for k in dict.fromkeys([*order, *doc]) if k in doc}


def fill_ids(form: ProductionForm) -> None:
    """Give an id (``type-N``) to every activity left without one."""
    taken = {a.values.get("id", "").strip() for a in form.activities}
    for a in form.activities:
        if not a.values.get("id", "").strip() and a.known:
            n = 1
            while f"{a.type}-{n}" in taken:
                n += 1
            a.values["id"] = f"{a.type}-{n}"
            taken.add(a.values["id"])


# -- problems beside their fields -----------------------------------------------------------------


#: the name the core gives a document checked from a form (the start of its problems' sentences)
SOURCE = "production"


def place_problems(form: ProductionForm, messages: list[str]) -> None:
    """Put each of the core's problems beside the field it names; the rest go to ``general``."""
    from shootprint.problems import split_sentence

    for text in messages:
        _source, location, message = split_sentence(text.removeprefix(f"{SOURCE}: "))
        if not location:
            form.general.append(text)
            continue
        head = str(location[0])
        if head == "activities" and len(location) >= 2:
            key = location[1]
            where = str(location[2]) if len(location) >= 3 else ""
            if isinstance(key, int):
                targets = [a for a in form.activities if a.index == key]
            else:
                targets = [a for a in form.activities if a.values.get("id", "").strip() == str(key)]
            for a in targets:
                name = where if where in a.values else ""
                a.problems.setdefault(name, []).append(message if name else _where(location[2:], message))
            if not targets:
                form.general.append(text)
            continue
        if head == "deliverables" and len(location) >= 2:
            form.problems.setdefault(f"deliverables.{location[1]}", []).append(message)
        elif head == "parameters":
            key = f"parameters.{location[1]}" if len(location) >= 2 else "parameters"
            form.problems.setdefault(key, []).append(message)
        elif head in META_FIELDS:
            form.problems.setdefault(head, []).append(message)
        else:
            form.general.append(text)


def _where(rest: tuple[str | int, ...], message: str) -> str:
    return f"{'.'.join(str(p) for p in rest)}: {message}" if rest else message

"""The production file: metadata, parameters and activities, validated; errors a user can act on.

A production file is YAML (JSON works too). Every problem of a file is reported in one run, each
naming the file, the field path (``activities.<id>.<field>``) and what is accepted.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, WithJsonSchema, field_validator

from shootprint import units
from shootprint.errors import InputError
from shootprint.model import ActivityBase, QuantitySpec, parse_quantity, quantity_json_schema, unit_of

FORMAT_VERSION = 1
#: the versions of the production file format this release reads
READABLE_VERSIONS: tuple[int, ...] = (1,)


#: the largest count or duration a production states (a bound, so results stay finite numbers)
MAX_COUNT = 10**12


class Deliverables(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    still_images: int = Field(0, ge=0, le=MAX_COUNT, description="number of still images delivered")
    film_seconds: float = Field(0, ge=0, le=MAX_COUNT, description="seconds of film delivered (all cuts)")
    description: str | None = None


class ProductionBase(BaseModel):
    """Everything but the activities (their union is built from the category registry)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False)
    _source: str = PrivateAttr("")  # the file it was read from, named in errors

    def __eq__(self, other: object) -> bool:
        """Equal fields make equal productions, whichever model validated them (one over the
        activity types a file uses, or the full one: see ``_model_for``)."""
        if not isinstance(other, ProductionBase):
            return NotImplemented
        return (
            self.__dict__ == other.__dict__
            and self.__pydantic_private__ == other.__pydantic_private__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )

    __hash__ = BaseModel.__hash__

    shootprint: int = Field(FORMAT_VERSION, description="production file format version")
    name: str
    client: str | None = None
    version: Literal["forecast", "final"] = "forecast"
    description: str | None = None
    country: str | None = Field(
        None,
        description="ISO 3166-1 alpha-2 country of the production: the region of activities that name none",
    )
    shoot_days: float = Field(0, ge=0, le=MAX_COUNT, description="days of shooting (a finite number)")
    deliverables: Deliverables = Deliverables()
    factor_set: str | None = Field(None, description="ademe (default) or desnz")
    parameters: Annotated[
        dict[str, QuantitySpec],
        WithJsonSchema({"type": "object", "additionalProperties": quantity_json_schema("")}),
    ] = Field(default_factory=dict, description="named values that activities refer to as $name")
    records: list[RecordsRef] = Field(
        default_factory=list, description="files of measured AI jobs (shootprint track, CodeCarbon)"
    )

    @field_validator("shootprint", mode="before")
    @classmethod
    def _version(cls, value: Any) -> int:
        accepted = ", ".join(str(v) for v in READABLE_VERSIONS)
        if isinstance(value, bool) or not isinstance(value, int) or value not in READABLE_VERSIONS:
            raise ValueError(
                f"unknown file format version {value!r}; this release of shootprint reads version(s) {accepted}"
            )
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        from shootprint.model import check_region

        return check_region(value)

    @field_validator("parameters", mode="before")
    @classmethod
    def _parse_parameters(cls, raw: Any) -> dict[str, QuantitySpec]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise ValueError("expected a mapping of name: value")
        out = {}
        problems = []
        for name, value in raw.items():
            if isinstance(value, QuantitySpec):
                out[name] = value
                continue
            unit = ""
            if isinstance(value, dict) and "unit" in value:
                unit = str(value["unit"])
            elif isinstance(value, str):
                unit = unit_of(value)
            try:
                if unit:
                    units.check_unit(unit)
                out[str(name)] = parse_quantity(value, unit)
            except ValueError as exc:
                problems.append(f"parameter {name}: {exc}")
                continue
            if out[str(name)].param:
                problems.append(f"parameter {name}: a parameter cannot refer to another")
        if problems:  # every bad parameter at once
            raise ValueError("; ".join(problems))
        return out

    def metadata_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "client": self.client,
            "version": self.version,
            "shoot_days": self.shoot_days,
            "deliverables": self.deliverables.model_dump(exclude_none=True),
            "description": self.description,
        }


class RecordsRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    format: Literal["shootprint", "codecarbon"] = "shootprint"


ProductionBase.model_rebuild()


@cache
def production_model() -> type[ProductionBase]:
    """The Production model, with the union of every registered activity type."""
    from shootprint.categories import registry

    return _production_model(tuple(m for m in _activity_models(registry())))


#: Production models over the activity types one file uses, kept (least recently used dropped)
TYPED_MODELS = 64


@lru_cache(maxsize=TYPED_MODELS)
def production_model_for(types: frozenset[str]) -> type[ProductionBase]:
    """The Production model whose activities may be only of ``types`` (all registered): a file using
    9 of the 34 types builds 9 activity validators, not 34. Same fields, same errors and locations as
    :func:`production_model` for a file whose types are all among them."""
    from shootprint.categories import models

    known = models()
    return _production_model(tuple(known[t] for t in sorted(types)))


def _production_model(models: tuple[type, ...]) -> type[ProductionBase]:
    union: Any = Annotated[_union(models), Field(discriminator="type")]

    class Production(ProductionBase):
        activities: list[union] = Field(default_factory=list)  # type: ignore[valid-type]

    return Production


#: set while several productions are validated in one call (compare, sensitivity of two): each
#: would build its own narrow model, and one full model costs about what two narrow ones do
_MANY: ContextVar[bool] = ContextVar("shootprint_many_productions", default=False)


@contextmanager
def many_productions() -> Iterator[None]:
    """Validate with the full model inside this block (a call validating several productions)."""
    token = _MANY.set(True)
    try:
        yield
    finally:
        _MANY.reset(token)


def _model_for(data: Any) -> type[ProductionBase]:
    """The model that validates ``data``: the full one once it is built or when several productions
    are validated together; else the model of the types the file uses when every activity names a
    registered type (a file using 11 of 34 types builds 11 validators, not 34), else the full model
    (its errors list every accepted type)."""
    from shootprint.categories import models

    acts = data.get("activities") if isinstance(data, dict) else None
    if _MANY.get() or production_model.cache_info().currsize or not isinstance(acts, list) or not acts:
        return production_model()
    known = models()
    types: set[str] = set()
    for act in acts:
        kind = act.get("type") if isinstance(act, dict) else None
        if not isinstance(kind, str) or kind not in known:
            return production_model()
        types.add(kind)
    if len(types) < 2:  # one type is no union: its errors would lack the type in their location
        return production_model()
    return production_model_for(frozenset(types))


def _union(models: tuple[type, ...]) -> Any:
    from typing import Union

    return Union[models]  # noqa: UP007


def _activity_models(reg: dict[str, Any]) -> list[type[ActivityBase]]:
    from shootprint.categories import models

    return list(models().values())


Production = ProductionBase  # for type hints: the concrete model has ``activities`` too


def check_references(prod: Any) -> list[str]:
    """Unique ids; a measured run linked to one activity only; parameters that exist and whose units
    fit the fields that use them."""
    problems: list[str] = []
    seen: set[str] = set()
    measured_by: dict[str, str] = {}
    for act in prod.activities:
        if act.id in seen:
            problems.append(f"activities.{act.id}.id: used twice; each activity needs its own id")
        seen.add(act.id)
        label = getattr(act, "measured", None)
        if isinstance(label, str):
            if label in measured_by:
                problems.append(
                    f"activities.{act.id}.measured: the runs labelled {label!r} are already the measure of "
                    f"activities.{measured_by[label]}; a measured run counts once: give each activity its own label"
                )
            else:
                measured_by[label] = act.id
        for name, value in act:
            if isinstance(value, QuantitySpec) and value.param:
                problems.extend(_parameter_problems(prod, f"activities.{act.id}.{name}", value))
    return problems


def _parameter_problems(prod: Any, where: str, value: QuantitySpec) -> list[str]:
    """What is wrong with the parameters a quantity refers to: unknown ones, units that do not fit
    the field, an expression whose units do not combine or whose value is not finite."""
    from shootprint import expressions
    from shootprint.model import parameter_value

    names = expressions.params(value.expr) if value.expr is not None else [str(value.param)]
    problems: list[str] = []
    for param in names:
        if param not in prod.parameters:
            close = difflib.get_close_matches(param, list(prod.parameters), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = ", ".join(prod.parameters) or "none"
            problems.append(f"{where}: unknown parameter ${param} (parameters: {known}){hint}")
            continue
        pspec = prod.parameters[param]
        if value.expr is not None and not pspec.unit:
            continue  # a count in an expression: a multiplier, or added to counts (checked below)
        try:
            units.convert(1.0, pspec.unit, value.unit)
        except ValueError:
            problems.append(
                f"{where}: parameter ${param} is in {pspec.unit or 'a count'}, this field needs {value.unit or 'a count'}"
            )
    if problems or value.expr is None:
        return problems
    try:
        quantity = expressions.check_units(value.expr, value.unit, {p: prod.parameters[p].unit for p in names})
    except expressions.ExpressionError as exc:
        return [f"{where}: {value.written}: {exc}"]
    if value.unit and not quantity:
        return [
            f"{where}: {value.written} gives a count, this field needs {value.unit}: give one term a unit "
            f"(a parameter in {value.unit}, or a number written '2 {value.unit}')"
        ]
    for pick in ("central", "high"):
        if not math.isfinite(parameter_value(value, prod.parameters, pick)):
            return [f"{where}: {value.written} is not a finite number with these parameters"]
    return []


# -- reading --------------------------------------------------------------------------------
# Reading files lives in :mod:`shootprint.files`; this module only parses text it is given.


def parse_text(text: str, source: str = "<production>") -> dict[str, Any]:
    """A production document from its YAML (or JSON) text; raise InputError naming ``source``."""
    from shootprint import yamlsafe

    if not text.strip():
        raise InputError(f"{source}: the file is empty; expected a production (name:, activities: …)")
    # duplicate keys refused, aliases and nesting bounded (see shootprint.yamlsafe)
    data = yamlsafe.load(text, source)
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping at the top (name:, activities: …), got {type(data).__name__}")
    return data


def validate_with_sets(data: dict[str, Any], sets: dict[str, Any] | None, source: str = "<production>") -> Any:
    """Validate ``data`` after applying ``--set`` changes; every bad change and every problem of
    the document are reported together."""
    if not sets:
        return validate(data, source)
    from shootprint.paths import apply_sets

    problems: list[Any] = []
    good: dict[str, Any] = {}
    for key, value in sets.items():  # each --set alone, so every bad one is named
        try:
            apply_sets(data, {key: value}, source=source)
            good[key] = value
        except InputError as exc:
            problems.extend(exc.details)
    changed = apply_sets(data, good, source=source)
    if not problems:
        return validate(changed, source)
    try:  # the --set errors and the file's own, in one report
        validate(changed, source)
    except InputError as exc:
        problems.extend(exc.details)
    raise InputError(problems)


def validate(data: dict[str, Any], source: str = "<production>") -> Any:
    model = _model_for(data)
    try:
        prod = model.model_validate(data)
    except ValidationError as exc:
        problems = format_errors(exc, data, source)
        # references are checked on the model below; when the model fails, check them on the raw
        # data too, so a file's every error comes in one run
        problems += [f"{source}: {p}" for p in _raw_reference_problems(data) if f"{source}: {p}" not in problems]
        raise InputError(problems) from None
    problems = check_references(prod)
    if problems:
        raise InputError([f"{source}: {p}" for p in problems])
    prod._source = source
    return prod


def _raw_reference_problems(data: dict[str, Any]) -> list[str]:
    """``$name`` references to parameters the raw file does not define."""
    import re

    params = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    assert isinstance(params, dict)
    problems = []
    acts = data.get("activities")
    for i, act in enumerate(acts if isinstance(acts, list) else []):
        if not isinstance(act, dict):
            continue
        where = f"activities.{act.get('id')}" if act.get("id") else f"activities[{i}]"
        for field, value in act.items():
            m = re.match(r"^\s*\$([A-Za-z_][A-Za-z0-9_]*)", value) if isinstance(value, str) else None
            if m and m.group(1) not in params:
                close = difflib.get_close_matches(m.group(1), [str(k) for k in params], n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                known = ", ".join(str(k) for k in params) or "none"
                problems.append(f"{where}.{field}: unknown parameter ${m.group(1)} (parameters: {known}){hint}")
    return problems


def format_errors(exc: ValidationError, data: dict[str, Any], source: str) -> list[str]:
    """pydantic's errors as sentences: file, field path with activity ids, what is accepted."""
    from shootprint.categories import models

    problems: list[str] = []
    activity_models = models()
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        path = _readable_path(loc, data)
        msg = err["msg"]
        etype = err["type"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if etype == "extra_forbidden":
            model_fields = _fields_at(loc, data, activity_models)
            field_name = str(loc[-1])
            close = difflib.get_close_matches(field_name, model_fields, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            msg = f"unknown field; accepted: {', '.join(model_fields)}{hint}"
        elif etype == "union_tag_invalid":
            given = str(err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else "")
            close = difflib.get_close_matches(given, list(activity_models), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            msg = f"unknown activity type {given!r}; accepted: {', '.join(sorted(activity_models))}{hint}"
            path = path + ".type"
        elif etype == "union_tag_not_found":
            msg = f"missing 'type'; accepted: {', '.join(sorted(activity_models))}"
        elif etype == "missing":
            msg = "required field missing"
        elif etype == "string_pattern_mismatch" and loc and loc[-1] == "id":
            from shootprint.yamlsafe import shown

            msg = (
                f"{shown(err.get('input'))} is not accepted: an id is made of ASCII letters, digits, '_', '.' and "
                "'-', starting with a letter or a digit (no spaces or accents), e.g. crew-flights"
            )
        elif etype == "literal_error":
            msg = msg.replace("Input should be", "accepted:")
        problems.append(f"{source}: {path}: {msg}")
    return problems


def _readable_path(loc: list[Any], data: dict[str, Any]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "activities" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            idx = loc[i + 1]
            acts = data.get("activities")
            acts = acts if isinstance(acts, list) else []
            act_id = acts[idx].get("id") if idx < len(acts) and isinstance(acts[idx], dict) else None
            parts.append(f"activities.{act_id}" if act_id else f"activities[{idx}]")
            i += 2
            # skip the discriminator tag pydantic inserts
            if i < len(loc) and isinstance(loc[i], str) and loc[i] in _type_names():
                i += 1
            continue
        parts.append(str(part))
        i += 1
    return ".".join(parts) or "(top level)"


@cache
def _type_names() -> frozenset[str]:
    from shootprint.categories import models

    return frozenset(models())


def _fields_at(loc: list[Any], data: dict[str, Any], activity_models: dict[str, Any]) -> list[str]:
    if len(loc) >= 3 and loc[0] == "activities" and isinstance(loc[1], int):
        tname = loc[2] if isinstance(loc[2], str) else None
        model = activity_models.get(tname) if tname else None
        if model is not None:
            return [f.alias or name for name, f in model.model_fields.items()]
    if len(loc) >= 2 and loc[0] == "deliverables":
        return list(Deliverables.model_fields)
    return [f for f in production_model().model_fields]


def to_document(production: Any) -> dict[str, Any]:
    """The production as a document (the dict a production file holds): validating it again gives
    an equal production. Fields are those the document gave; quantities are as written (ranges,
    ``value ± %``, units, ``$parameters``)."""
    out = _document_of(production)
    assert isinstance(out, dict)
    return out


def _document_of(value: Any) -> Any:
    if isinstance(value, QuantitySpec):
        return value.document()
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        fields = type(value).model_fields
        for name in fields:
            if name not in value.model_fields_set and not (name == "type" and hasattr(value, "type")):
                continue
            key = fields[name].alias or name
            out[key] = _document_of(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {k: _document_of(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_document_of(v) for v in value]
    return value


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the production file (docs/production.schema.json)."""
    schema = production_model().model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "shootprint production file"
    return schema

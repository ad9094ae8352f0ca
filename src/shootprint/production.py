"""The production file: metadata, parameters and activities, validated; errors a user can act on.

A production file is YAML (JSON works too). Every problem of a file is reported in one run, each
naming the file, the field path (``activities.<id>.<field>``) and what is accepted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, WithJsonSchema, field_validator

from shootprint import units
from shootprint.errors import InputError
from shootprint.i18n import N_, Joined, Message
from shootprint.model import ActivityBase, QuantitySpec, parse_quantity, quantity_json_schema, unit_of
from shootprint.problems import Problem, pydantic_said

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


class RecordsRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    format: Literal["shootprint", "codecarbon"] = "shootprint"


class ProductionBase(BaseModel):
    """Everything but the activities (their union is built from the category registry)."""

    # its own validator is built at its first use only: productions are validated by its subclasses
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False, defer_build=True
    )
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
                Message(
                    "unknown file format version {given}; this release of shootprint reads version(s) {accepted}",
                    given=repr(value),
                    accepted=accepted,
                )
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
            raise ValueError(Message("expected a mapping of name: value"))
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
                said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
                problems.append(Message("parameter {name}: {error}", name=str(name), error=said))
                continue
            if out[str(name)].param:
                problems.append(Message("parameter {name}: a parameter cannot refer to another", name=str(name)))
        if problems:  # every bad parameter at once
            raise ValueError(Joined(problems, "; "))
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
    from shootprint.categories import model_of

    return _production_model(tuple(model_of(t) for t in sorted(types)))


def _production_model(models: tuple[type, ...]) -> type[ProductionBase]:
    union: Any = Annotated[_union(models), Field(discriminator="type")]

    class Production(ProductionBase):
        model_config = ConfigDict(defer_build=False)  # built here, once, not at a first validation

        activities: list[union] = Field(default_factory=list)  # type: ignore[valid-type]

    return Production


#: set while several productions are validated in one call (compare, sensitivity of two): each
#: would build its own narrow model, and one full model costs about what two narrow ones do. True:
#: the full model; a set of types: the model of those types (all the documents' types, read first)
_MANY: ContextVar[bool | frozenset[str]] = ContextVar("shootprint_many_productions", default=False)


@contextmanager
def many_productions(types: Iterable[str] | None = None) -> Iterator[None]:
    """Validate with one model inside this block (a call validating several productions): the
    model of ``types`` (registered activity types: every type of the documents validated in the
    block) for a document whose types are all among them, else the full model."""
    token = _MANY.set(frozenset(types) if types is not None else True)
    try:
        yield
    finally:
        _MANY.reset(token)


def activity_types(documents: Iterable[Any]) -> frozenset[str] | None:
    """The registered activity types ``documents`` use, for :func:`many_productions`; None when a
    document would be validated with the full model anyway (no activities, a type that is not
    registered) or when they use one type only (one type is no union). No category module is
    imported: the names are those of the static registry."""
    from shootprint.categories import is_type

    types: set[str] = set()
    for document in documents:
        acts = document.get("activities") if isinstance(document, dict) else None
        if not isinstance(acts, list) or not acts:
            return None
        for act in acts:
            kind = act.get("type") if isinstance(act, dict) else None
            if not is_type(kind):
                return None
            types.add(kind)
    return frozenset(types) if len(types) >= 2 else None


def _model_for(data: Any) -> type[ProductionBase]:
    """The model that validates ``data``: the full one once it is built or when several productions
    are validated together; else the model of the types the file uses when every activity names a
    registered type (a file using 11 of 34 types builds 11 validators, not 34), else the full model
    (its errors list every accepted type)."""
    from shootprint.categories import is_type

    many = _MANY.get()
    acts = data.get("activities") if isinstance(data, dict) else None
    if many is True or production_model.cache_info().currsize or not isinstance(acts, list) or not acts:
        return production_model()
    types: set[str] = set()
    for act in acts:
        kind = act.get("type") if isinstance(act, dict) else None
        if not is_type(kind):
            return production_model()
        types.add(kind)
    if isinstance(many, frozenset):  # validated with others: the model of all their types
        return production_model_for(many) if types <= many and len(many) >= 2 else production_model()
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


def check_references(prod: Any) -> list[Problem | str]:
    """Unique ids; a measured run linked to one activity only; parameters that exist and whose units
    fit the fields that use them."""
    problems: list[Problem | str] = []
    seen: set[str] = set()
    measured_by: dict[str, str] = {}
    for act in prod.activities:
        if act.id in seen:
            problems.append(
                Problem.make(
                    "duplicate-id",
                    N_("used twice; each activity needs its own id"),
                    location=("activities", act.id, "id"),
                )
            )
        seen.add(act.id)
        label = getattr(act, "measured", None)
        if isinstance(label, str):
            if label in measured_by:
                problems.append(
                    Problem.make(
                        "measured-twice",
                        N_(
                            "the runs labelled {label!r} are already the measure of activities.{other}; a measured "
                            "run counts once: give each activity its own label"
                        ),
                        location=("activities", act.id, "measured"),
                        label=label,
                        other=measured_by[label],
                    )
                )
            else:
                measured_by[label] = act.id
        for name, value in act:
            if isinstance(value, QuantitySpec) and value.param:
                problems.extend(_parameter_problems(prod, f"activities.{act.id}.{name}", value))
    return problems


def _parameter_problems(prod: Any, where: str, value: QuantitySpec) -> list[Problem | str]:
    """What is wrong with the parameters a quantity refers to: unknown ones, units that do not fit
    the field, an expression whose units do not combine or whose value is not finite."""
    from shootprint import expressions
    from shootprint.model import parameter_value

    names = expressions.params(value.expr) if value.expr is not None else [str(value.param)]
    problems: list[Problem | str] = []
    for param in names:
        if param not in prod.parameters:
            problems.append(_unknown_parameter(where, param, [str(k) for k in prod.parameters]))
            continue
        pspec = prod.parameters[param]
        if value.expr is not None and not pspec.unit:
            continue  # a count in an expression: a multiplier, or added to counts (checked below)
        try:
            units.convert(1.0, pspec.unit, value.unit)
        except ValueError:
            problems.append(
                Problem.from_text(
                    Message(
                        "{where}: parameter ${param} is in {unit}, this field needs {needed}",
                        where=where,
                        param=param,
                        unit=pspec.unit or Message("a count"),
                        needed=value.unit or Message("a count"),
                    ),
                    code="parameter-unit",
                )
            )
    if problems or value.expr is None:
        return problems
    try:
        quantity = expressions.check_units(value.expr, value.unit, {p: prod.parameters[p].unit for p in names})
    except expressions.ExpressionError as exc:
        return [Problem.from_text(f"{where}: {value.written}: {exc}", code=exc.code)]
    if value.unit and not quantity:
        return [
            Problem.from_text(
                f"{where}: {value.written} gives a count, this field needs {value.unit}: give one term a unit "
                f"(a parameter in {value.unit}, or a number written '2 {value.unit}')",
                code="expression-unit",
            )
        ]
    for pick in ("central", "high"):
        if not math.isfinite(parameter_value(value, prod.parameters, pick)):
            return [
                Problem.from_text(
                    f"{where}: {value.written} is not a finite number with these parameters",
                    code="expression-not-finite",
                )
            ]
    return []


# -- reading --------------------------------------------------------------------------------
# Reading files lives in :mod:`shootprint.files`; this module only parses text it is given.


def parse_text(text: str, source: str = "<production>") -> dict[str, Any]:
    """A production document from its YAML (or JSON) text; raise InputError naming ``source``."""
    from shootprint import yamlsafe

    if not text.strip():
        raise InputError(
            Message("{source}: the file is empty; expected a production (name:, activities: …)", source=source)
        )
    # duplicate keys refused, aliases and nesting bounded (see shootprint.yamlsafe)
    data = yamlsafe.load(text, source)
    if not isinstance(data, dict):
        raise InputError(
            Message(
                "{source}: expected a mapping at the top (name:, activities: …), got {kind}",
                source=source,
                kind=type(data).__name__,
            )
        )
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
        problems: list[Problem | str] = list(format_errors(exc, data, source))
        # references are checked on the model below; when the model fails, check them on the raw
        # data too, so a file's every error comes in one run
        texts = {str(p) for p in problems}
        problems += [replace(p, source=source) for p in _raw_reference_problems(data) if f"{source}: {p}" not in texts]
        raise InputError(problems) from None
    found = check_references(prod)
    if found:
        raise InputError([replace(p, source=source) if isinstance(p, Problem) else f"{source}: {p}" for p in found])
    prod._source = source
    return prod


def _unknown_parameter(where: str, param: str, known: list[str]) -> Problem:
    """``$param`` names no parameter of the file: code ``unknown-parameter``, close names as the hint."""
    close = close_matches(param, known)
    names = ", ".join(known) or "none"
    location = _location(where)
    if close:
        return Problem.make(
            "unknown-parameter",
            N_("unknown parameter ${param} (parameters: {known}); did you mean {close}?"),
            location=location,
            hint=", ".join(close),
            param=param,
            known=names,
            close=", ".join(close),
        )
    return Problem.make(
        "unknown-parameter",
        N_("unknown parameter ${param} (parameters: {known})"),
        location=location,
        hint=names,
        param=param,
        known=names,
    )


def _raw_reference_problems(data: dict[str, Any]) -> list[Problem]:
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
                problems.append(_unknown_parameter(f"{where}.{field}", m.group(1), [str(k) for k in params]))
    return problems


def close_matches(given: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The accepted names closest to ``given`` (RapidFuzz's normalised similarity, at least 60 %)."""
    from rapidfuzz import fuzz, process

    found = process.extract(given, list(choices), scorer=fuzz.ratio, limit=limit, score_cutoff=60)
    return [str(match) for match, _score, _index in found]


def format_errors(exc: ValidationError, data: dict[str, Any], source: str) -> list[Problem]:
    """pydantic's errors as problems: file, field path with activity ids, a stable code, what is
    accepted, close matches as a hint, in English and French.

    Codes: ``unknown-field``, ``unknown-activity-type``, ``activity-type-missing``, ``field-missing``,
    ``invalid-id``, ``value-not-accepted`` (a choice), ``expression-…`` (a quantity written as an
    expression: :data:`shootprint.expressions.CODES`), ``invalid-value`` (any other: the wording is
    pydantic's, its error type in ``params.error``).
    """
    from shootprint.categories import models

    problems: list[Problem] = []
    activity_models = models()
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        path = _readable_path(loc, data)
        msg = err["msg"]
        etype = err["type"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        where = _location(path)

        def make(code: str, template: str, *, at: tuple[str | int, ...] = where, hint: str = "", **params: Any) -> None:
            problems.append(Problem.make(code, template, source=source, location=at, hint=hint, **params))

        if etype == "extra_forbidden":
            model_fields = _fields_at(loc, data, activity_models)
            close = close_matches(str(loc[-1]), model_fields)
            accepted = ", ".join(model_fields)
            if close:
                make(
                    "unknown-field",
                    N_("unknown field; accepted: {accepted}; did you mean {close}?"),
                    hint=", ".join(close),
                    accepted=accepted,
                    close=", ".join(close),
                )
            else:
                make("unknown-field", N_("unknown field; accepted: {accepted}"), hint=accepted, accepted=accepted)
        elif etype == "union_tag_invalid":
            given = str(err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else "")
            close = close_matches(given, activity_models)
            accepted = ", ".join(sorted(activity_models))
            at = (*where, "type")
            if close:
                make(
                    "unknown-activity-type",
                    N_("unknown activity type {given!r}; accepted: {accepted}; did you mean {close}?"),
                    at=at,
                    hint=", ".join(close),
                    given=given,
                    accepted=accepted,
                    close=", ".join(close),
                )
            else:
                make(
                    "unknown-activity-type",
                    N_("unknown activity type {given!r}; accepted: {accepted}"),
                    at=at,
                    hint=accepted,
                    given=given,
                    accepted=accepted,
                )
        elif etype == "union_tag_not_found":
            accepted = ", ".join(sorted(activity_models))
            make("activity-type-missing", N_("missing 'type'; accepted: {accepted}"), hint=accepted, accepted=accepted)
        elif etype == "missing":
            make("field-missing", N_("required field missing"))
        elif etype == "string_pattern_mismatch" and loc and loc[-1] == "id":
            from shootprint.yamlsafe import shown

            make(
                "invalid-id",
                N_(
                    "{given} is not accepted: an id is made of ASCII letters, digits, '_', '.' and '-', starting "
                    "with a letter or a digit (no spaces or accents), e.g. crew-flights"
                ),
                given=shown(err.get("input")),
            )
        elif etype == "literal_error":
            expected = str((err.get("ctx") or {}).get("expected", ""))
            choices = re.findall(r"'([^']*)'", expected)
            given = err.get("input")
            close = close_matches(str(given), choices) if isinstance(given, str) and choices else []
            if close:
                make(
                    "value-not-accepted",
                    N_("accepted: {expected}; did you mean {close}?"),
                    hint=", ".join(close),
                    expected=expected,
                    close=", ".join(close),
                )
            else:
                make("value-not-accepted", N_("accepted: {expected}"), hint=", ".join(choices), expected=expected)
        else:
            # a core validator's ValueError carries a Message: its French comes from the catalog
            error = (err.get("ctx") or {}).get("error")
            said = error.args[0] if isinstance(error, ValueError) and error.args else None
            problems.append(
                Problem(
                    code=_code_of(error),
                    message=msg,
                    source=source,
                    location=where,
                    message_fr=said.render("fr") if isinstance(said, Message) else pydantic_said(err).render("fr"),
                    params={"error": etype},
                )
            )
    return problems


def _code_of(error: Any) -> str:
    """The problem code of a validator's error: an expression's own (``expression-…``), else ``invalid-value``."""
    from shootprint.expressions import ExpressionError

    return error.code if isinstance(error, ExpressionError) else "invalid-value"


def _location(path: str) -> tuple[str | int, ...]:
    """A readable path as a location: ``activities.crew-flights.travellers`` → its three parts (an
    activity without an id stays ``activities[3]``, as messages write it)."""
    if path == "(top level)":
        return ()
    return tuple(re.split(r"\.(?![^\[]*\])", path))


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
    from shootprint.categories import MODULE_OF

    return frozenset(MODULE_OF)


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

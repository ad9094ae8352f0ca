"""The production file: metadata, parameters and activities, validated; errors a user can act on.

A production file is YAML (JSON works too). Every problem of a file is reported in one run, each
naming the file, the field path (``activities.<id>.<field>``) and what is accepted.
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, WithJsonSchema, field_validator

from shootprint import units
from shootprint.errors import InputError
from shootprint.model import ActivityBase, QuantitySpec, parse_quantity, quantity_json_schema, unit_of

FORMAT_VERSION = 1


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

    models = tuple(m for m in _activity_models(registry()))
    union: Any = Annotated[_union(models), Field(discriminator="type")]

    class Production(ProductionBase):
        activities: list[union] = Field(default_factory=list)  # type: ignore[valid-type]

    return Production


def _union(models: tuple[type, ...]) -> Any:
    from typing import Union

    return Union[models]  # noqa: UP007


def _activity_models(reg: dict[str, Any]) -> list[type[ActivityBase]]:
    from shootprint.categories import models

    return list(models().values())


Production = ProductionBase  # for type hints: the concrete model has ``activities`` too


def check_references(prod: Any) -> list[str]:
    """Unique ids; parameters that exist and whose units fit the fields that use them."""
    problems: list[str] = []
    seen: set[str] = set()
    for act in prod.activities:
        if act.id in seen:
            problems.append(f"activities.{act.id}.id: used twice; each activity needs its own id")
        seen.add(act.id)
        for name, value in act:
            if isinstance(value, QuantitySpec) and value.param:
                if value.param not in prod.parameters:
                    close = difflib.get_close_matches(value.param, list(prod.parameters), n=3)
                    hint = f"; did you mean {', '.join(close)}?" if close else ""
                    known = ", ".join(prod.parameters) or "none"
                    problems.append(
                        f"activities.{act.id}.{name}: unknown parameter ${value.param} (parameters: {known}){hint}"
                    )
                    continue
                pspec = prod.parameters[value.param]
                try:
                    units.convert(1.0, pspec.unit, value.unit)
                except ValueError:
                    problems.append(
                        f"activities.{act.id}.{name}: parameter ${value.param} is in "
                        f"{pspec.unit or 'a count'}, this field needs {value.unit or 'a count'}"
                    )
    return problems


# -- loading ---------------------------------------------------------------------------------


def load_production(path: str | Path, overrides: dict[str, Any] | None = None) -> Any:
    """Read and validate a production file; raise InputError listing every problem."""
    path = Path(path)
    data = read_file(path)
    if not overrides:
        return validate(data, str(path))
    from shootprint.paths import apply_sets

    problems: list[str] = []
    good: dict[str, Any] = {}
    for key, value in overrides.items():  # each --set alone, so every bad one is named
        try:
            apply_sets(data, {key: value}, source=str(path))
            good[key] = value
        except InputError as exc:
            problems.extend(exc.problems)
    changed = apply_sets(data, good, source=str(path))
    if not problems:
        return validate(changed, str(path))
    try:  # the --set errors and the file's own, in one report
        validate(changed, str(path))
    except InputError as exc:
        problems.extend(exc.problems)
    raise InputError(problems)


def read_file(path: Path) -> dict[str, Any]:
    from shootprint import yamlsafe

    text = read_text_file(path, yamlsafe.MAX_BYTES)
    if not text.strip():
        raise InputError(f"{path}: the file is empty; expected a production (name:, activities: …)")
    data = yamlsafe.load(text, str(path))
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top (name:, activities: …), got {type(data).__name__}")
    return data


def read_text_file(path: Path, max_bytes: int, what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``; InputError saying what is wrong.

    A directory, a device or a pipe is named as such, not "not found", and is never read.
    """
    import os
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder; expected a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file (a device or a pipe?); expected a {what}")
    if info.st_size > max_bytes:
        raise InputError(f"{path}: {info.st_size:,} bytes; a {what} may be at most {max_bytes:,} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def validate(data: dict[str, Any], source: str = "<production>") -> Any:
    model = production_model()
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
    for i, act in enumerate(data.get("activities") or []):
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
            acts = data.get("activities") or []
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


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the production file (docs/production.schema.json)."""
    schema = production_model().model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "shootprint production file"
    return schema

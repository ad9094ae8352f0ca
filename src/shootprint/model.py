"""Input building blocks (quantities, the activity base) and the result types (lines, footprint).

Input models are pydantic with ``extra="forbid"``: an unknown key is an error. Results are plain
dataclasses whose ``to_dict()`` is the public JSON contract: keys may be added, never renamed.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from shootprint import i18n, units
from shootprint.i18n import N_, Message
from shootprint.vocabulary import INTENSITY_NAMES

Stage = Literal["pre-production", "shoot", "post-production"]
STAGES: tuple[str, ...] = ("pre-production", "shoot", "post-production")

#: a quantity written in the file: 12, "12 km", "12 km ± 10%", {low, high, unit}, "$crew" …
_NUM = r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?"
_PLUSMINUS = re.compile(rf"^\s*({_NUM})\s*([^±]*?)\s*(?:±|\+/-|\+-)\s*({_NUM})\s*%\s*$")
_VALUE_UNIT = re.compile(rf"^\s*({_NUM})\s*(.*?)\s*$")
#: the simplest expressions of a quantity that refers to a parameter (the others, $a * $b, $a + 1,
#: parentheses …, are read by :mod:`shootprint.expressions`; nothing is evaluated by Python):
#:   [NUMBER *] $name [(* | /) NUMBER]      e.g. $crew, $crew * 2, 2 * $crew, $days / 2
_PARAM = re.compile(r"^\s*(?:(" + _NUM + r")\s*\*\s*)?\$([A-Za-z_][A-Za-z0-9_]*)\s*(?:([*/])\s*(" + _NUM + r"))?\s*$")
EXPRESSIONS = Message("'$name', '$name * 2', '2 * $name' or '$name / 2'")


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+$")


def _num(text: str) -> float:
    """A number as written: a decimal point or a French decimal comma ("12,5")."""
    if _THOUSANDS.match(text):
        raise ValueError(
            Message(
                "{given!r} is ambiguous (a thousands separator or a decimal comma?): write {plain} or {decimal}",
                given=text,
                plain=text.replace(",", ""),
                decimal=text.replace(",", ".", 1),
            )
        )
    return float(text.replace(",", "."))


def unit_of(raw: str) -> str:
    """The unit written after the number in '12 km', '12km' or '12 km ± 10%' ('' when none)."""
    m = _PLUSMINUS.match(raw) or _VALUE_UNIT.match(raw)
    return (m.group(2) or "").strip() if m else ""


@dataclass(frozen=True, slots=True)
class QuantitySpec:
    """A validated quantity, in the unit its field expects (``unit``).

    ``central`` is the value used in deterministic mode; ``low``/``high`` bound a range (sampled as
    a triangular distribution in Monte Carlo). ``param`` names a production parameter the value
    comes from (``scale`` converts the parameter's unit to this field's unit, times any factor
    written as ``$name * 2``).
    """

    central: float
    unit: str
    low: float | None = None
    high: float | None = None
    param: str | None = None
    param_unit: str | None = None
    scale: float = 1.0
    written: str = ""
    #: an expression of parameters beyond ``$name * NUMBER`` (``$a * $b``, ``$a + 1``): its tree
    #: (:mod:`shootprint.expressions`); ``param`` then names its first parameter
    expr: tuple[Any, ...] | None = None
    #: the value as the document gave it (``"12 km ± 10%"``, ``{low, high, unit}``, ``"$crew"``):
    #: what :meth:`document` gives back, so a production round-trips as written
    raw: Any = field(default=None, compare=False, hash=False, repr=False)

    def _key(self) -> tuple[Any, ...]:
        central = None if math.isnan(self.central) else self.central
        return (central, self.unit, self.low, self.high, self.param, self.param_unit, self.scale, self.expr)

    def __eq__(self, other: object) -> bool:
        # a parameter reference has no value of its own (NaN): compare what defines the quantity
        return isinstance(other, QuantitySpec) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high

    def document(self) -> Any:
        """The quantity as a production document writes it (as it was written, when known)."""
        if self.raw is not None:
            return copy.deepcopy(self.raw)
        if self.expr is not None:
            return self.written
        if self.param:
            return f"${self.param}" + (f" * {self.scale!r}" if self.scale != 1.0 else "")
        if not self.unit and not self.is_range:
            return self.central
        out: dict[str, Any] = {"value": self.central}
        if self.is_range:
            out["low"], out["high"] = self.low, self.high
        if self.unit:
            out["unit"] = self.unit
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": None if math.isnan(self.central) else self.central, "unit": self.unit}
        if self.is_range:
            out["low"], out["high"] = self.low, self.high
        if self.param:
            out["param"] = self.param
        if self.expr is not None:
            out["expression"] = self.written
        return out


def unique_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """The names, with " (2)", " (3)" … added where one repeats."""
    out: list[str] = []
    for original in names:
        name, k = original, 2
        while name in out:
            name = f"{original} ({k})"
            k += 1
        out.append(name)
    return out


def label_number(x: float) -> str:
    """A number for a line's label, readable in French and English alike: no thousands separator
    (a comma reads as a decimal in French), three significant figures below 100."""
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def parse_quantity(raw: Any, unit: str, allow_negative: bool = False) -> QuantitySpec:
    """Read one quantity in any accepted notation and convert it to ``unit``.

    Accepted: a number (taken in ``unit``), ``"12 km"``, ``"12 km ± 10%"``, ``{value, unit}``,
    ``{low, high, unit}`` (optional ``value``/``central``), ``"$name"`` or ``"$name * 2"`` (a
    parameter), ``{param: name}``.
    """
    if isinstance(raw, QuantitySpec):
        return raw
    spec = _parse_quantity(raw, unit, allow_negative)
    return replace(spec, raw=copy.deepcopy(raw)) if isinstance(raw, int | float | str | dict) else spec


def _accepted(unit: str) -> Message:
    """What a quantity accepts, as its errors say (built only for an error)."""
    in_unit = Message("a number (in {unit})", unit=unit) if unit else Message("a number")
    return Message(
        "{in_unit}, 'VALUE UNIT', 'VALUE UNIT ± PCT%', {{low, high, unit}}, '$parameter' or an expression of parameters",
        in_unit=in_unit,
    )


def _parse_quantity(raw: Any, unit: str, allow_negative: bool) -> QuantitySpec:
    if isinstance(raw, bool) or raw is None:
        raise ValueError(Message("expected {accepted}", accepted=_accepted(unit)))
    if isinstance(raw, int | float):
        if unit:
            raise ValueError(
                Message("missing unit: write it with its unit, e.g. '{value} {unit}'", value=_short(raw), unit=unit)
            )
        return _checked(QuantitySpec(_float(raw), unit, written=_short(raw)), allow_negative)
    if isinstance(raw, str):
        m = _PARAM.match(raw)
        if m:
            scale = _num(m.group(1)) if m.group(1) else 1.0
            if m.group(4):
                right = _num(m.group(4))
                if m.group(3) == "/" and right == 0:
                    raise _expression_error(
                        Message("divides by 0 ({given})", given=_short(raw)), "expression-division-by-zero"
                    )
                scale = scale * right if m.group(3) == "*" else scale / right
            if not math.isfinite(scale):
                raise _expression_error(
                    Message("must be a finite number (got {given})", given=_short(raw)), "expression-not-finite"
                )
            if scale < 0 and not allow_negative:
                raise ValueError(
                    Message(
                        "must not be negative (got {given}); accepted: {expressions} with positive numbers",
                        given=_short(raw),
                        expressions=EXPRESSIONS,
                    )
                )
            return QuantitySpec(float("nan"), unit, param=m.group(2), scale=scale, written=_short(raw))
        if "$" in raw:
            return _expression(raw, unit, allow_negative)
        m = _PLUSMINUS.match(raw)
        if m:
            if unit and not m.group(2):
                raise ValueError(
                    Message(
                        "missing unit: write it with its unit, e.g. '{value} {unit} ± {pct}%'",
                        value=m.group(1),
                        unit=unit,
                        pct=m.group(3),
                    )
                )
            value, given_unit, pct = _num(m.group(1)), m.group(2) or unit, _num(m.group(3))
            if pct < 0:
                raise ValueError(Message("the ± percentage must be positive (got {given})", given=_short(raw)))
            if pct > 100 and not allow_negative:
                raise ValueError(
                    Message(
                        "± {pct}% reaches below zero ({given}); a quantity that cannot be negative takes at most "
                        "± 100%: write the range as {{low, high, unit}}",
                        pct=m.group(3),
                        given=_short(raw),
                    )
                )
            c = units.convert(value, given_unit, unit)
            half = abs(c) * pct / 100
            return _checked(QuantitySpec(c, unit, c - half, c + half, written=_short(raw)), allow_negative)
        m = _VALUE_UNIT.match(raw)
        if m:
            if unit and not m.group(2):
                raise ValueError(
                    Message("missing unit: write it with its unit, e.g. '{value} {unit}'", value=raw.strip(), unit=unit)
                )
            given_unit = m.group(2) or unit
            c = units.convert(_num(m.group(1)), given_unit, unit)
            return _checked(QuantitySpec(c, unit, written=_short(raw)), allow_negative)
        raise ValueError(
            Message("cannot read {given!r}: expected {accepted}", given=_short(raw), accepted=_accepted(unit))
        )
    if isinstance(raw, dict):
        keys = set(raw)
        allowed = {"value", "central", "low", "high", "unit", "param", "pct"}
        if keys - allowed:
            raise ValueError(
                Message(
                    "unknown key(s) {keys}; accepted: {accepted}",
                    keys=", ".join(_short(str(k)) for k in sorted(map(str, keys - allowed))[:10]),
                    accepted=", ".join(sorted(allowed)),
                )
            )
        if "param" in raw:
            return QuantitySpec(float("nan"), unit, param=str(raw["param"]), written=_short(raw))
        if unit and not raw.get("unit"):
            raise ValueError(Message("missing unit: add 'unit: {unit}' (or a unit convertible to it)", unit=unit))
        given_unit = str(raw.get("unit") or unit)
        central_raw = raw.get("value", raw.get("central"))
        low_raw, high_raw = raw.get("low"), raw.get("high")
        if (low_raw is None) != (high_raw is None):
            raise ValueError(N_("a range needs both low and high"))
        for name, val in (("value", central_raw), ("low", low_raw), ("high", high_raw)):
            if val is not None and (isinstance(val, bool) or not isinstance(val, int | float)):
                raise ValueError(Message("{name} must be a number, got {given}", name=name, given=_short(val)))
        if central_raw is None and low_raw is None:
            raise ValueError(Message("expected {accepted}", accepted=_accepted(unit)))
        conv = units.converter(given_unit, unit)
        low = conv(_float(low_raw)) if low_raw is not None else None
        high = conv(_float(high_raw)) if high_raw is not None else None
        if central_raw is not None:
            central = conv(_float(central_raw))
        else:
            assert low is not None and high is not None
            central = (low + high) / 2
        if "pct" in raw:
            pct = raw["pct"]
            if isinstance(pct, bool) or not isinstance(pct, int | float) or not math.isfinite(_float(pct)):
                raise ValueError(Message("pct must be a finite number, got {given}", given=_short(pct)))
            if pct < 0:
                raise ValueError(Message("pct must be positive (got {given})", given=_short(pct)))
            half = abs(central) * _float(pct) / 100
            low, high = central - half, central + half
        if low is not None and high is not None:
            if low > high:
                raise ValueError(Message("low ({low}) is above high ({high})", low=str(low_raw), high=str(high_raw)))
            if not low <= central <= high:
                raise ValueError(Message("value {value} lies outside low–high", value=str(central_raw)))
        return _checked(QuantitySpec(central, unit, low, high, written=_short(raw)), allow_negative)
    raise ValueError(Message("expected {accepted}, got {kind}", accepted=_accepted(unit), kind=type(raw).__name__))


def _expression_error(message: str, code: str) -> ValueError:
    """A ValueError that carries an expression's problem code (:data:`shootprint.expressions.CODES`)."""
    from shootprint import expressions

    return expressions.ExpressionError(message, code)


def _expression(raw: str, unit: str, allow_negative: bool) -> QuantitySpec:
    """A quantity written as an expression of parameters (:mod:`shootprint.expressions`)."""
    from shootprint import expressions

    tree = expressions.parse(raw, unit)  # an ExpressionError is a ValueError that carries its problem code
    simple = expressions.linear(tree)
    if simple is not None:
        name, scale = simple
        if not math.isfinite(scale):
            raise expressions.ExpressionError(
                Message("must be a finite number (got {given})", given=_short(raw)), "expression-not-finite"
            )
        return QuantitySpec(float("nan"), unit, param=name, scale=scale, written=_short(raw))
    return QuantitySpec(float("nan"), unit, param=expressions.params(tree)[0], expr=tree, written=raw.strip())


def parameter_value(spec: QuantitySpec, parameters: Mapping[str, QuantitySpec], pick: str = "central") -> float:
    """The value of a quantity that refers to parameters, from their ``pick`` values (central, low or
    high; the bound itself when a parameter has none), in the quantity's unit."""
    from shootprint import expressions

    def one(name: str) -> float:
        pspec = parameters[name]
        value = getattr(pspec, pick)
        value = pspec.central if value is None else value
        return float(value) * (units.convert(1.0, pspec.unit, spec.unit) if pspec.unit else 1.0)

    if spec.expr is not None:
        return float(expressions.evaluate(spec.expr, one))
    assert spec.param is not None
    return one(spec.param) * spec.scale


def _float(x: int | float) -> float:
    """``float(x)``; an integer too large for a float becomes infinity (refused as "not finite")."""
    try:
        return float(x)
    except OverflowError:
        return math.inf


def _short(raw: Any) -> str:
    """User input as quoted in a message: at most 60 characters."""
    from shootprint.yamlsafe import shown

    return raw if isinstance(raw, str) and len(raw) <= 60 else shown(raw).strip("'")


def _checked(q: QuantitySpec, allow_negative: bool) -> QuantitySpec:
    if not all(math.isfinite(x) for x in (q.central, q.low or 0.0, q.high or 0.0)):
        raise ValueError(Message("must be a finite number (got {given})", given=q.written))
    if not allow_negative and (q.central < 0 or (q.low is not None and q.low < 0)):
        raise ValueError(Message("must not be negative (got {given}); accepted: 0 or more", given=q.written))
    return q


class _QuantityField:
    """``Q["km"]``: a field holding a quantity converted to km (see :func:`parse_quantity`)."""

    def __class_getitem__(cls, unit: str) -> Any:
        def validate(raw: Any) -> QuantitySpec:
            return parse_quantity(raw, unit)

        return Annotated[
            QuantitySpec,
            BeforeValidator(validate),
            WithJsonSchema(quantity_json_schema(unit)),
        ]


Q = _QuantityField


def quantity_description(unit: str) -> Message:
    """What a quantity field in ``unit`` accepts (a count where ``unit`` is empty), in any language."""
    if unit:
        return Message(
            "a quantity in {unit} (or a unit convertible to it): '12 {unit}', '12 {unit} ± 10%', "
            "{{low: 8, high: 15, unit: {unit}}}, '$parameter', '2 * $parameter' or an expression such as "
            "'$a * $b' or '$a + 1 {unit}'",
            unit=unit,
        )
    return Message(
        "a count: 12, '12 ± 10%', {low: 8, high: 15}, '$parameter', '2 * $parameter' or an expression "
        "such as '$a * $b' or '($a + 1) * 2'"
    )


#: what a field of hours of work accepts
WORK_HOURS_DESCRIPTION = N_("hours of work in h (or min, s): calendar days are refused, a working day is not 24 h")


def quantity_json_schema(unit: str) -> dict[str, Any]:
    """What a quantity field accepts, for the published JSON Schema."""
    return {
        "description": str(quantity_description(unit)),
        "x-unit": unit,
        "anyOf": [
            *([{"type": "number", "minimum": 0}] if not unit else []),
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "value": {"type": "number"},
                    "central": {"type": "number"},
                    "low": {"type": "number"},
                    "high": {"type": "number"},
                    "pct": {"type": "number"},
                    "unit": {"type": "string"},
                    "param": {"type": "string"},
                },
                "additionalProperties": False,
            },
        ],
    }


#: calendar units: 1 day is 24 h, not a working day; refused where hours of work are asked
CALENDAR_UNITS = frozenset(
    {"d", "day", "days", "week", "weeks", "wk", "month", "months", "year", "years", "a"}
    | {"j", "jour", "jours", "semaine", "semaines", "mois", "an", "ans", "année", "années"}
)


def _written_unit(raw: Any) -> str:
    if isinstance(raw, str):
        return unit_of(raw)
    if isinstance(raw, dict) and isinstance(raw.get("unit"), str):
        return raw["unit"]
    return ""


def parse_work_hours(raw: Any) -> QuantitySpec:
    """Hours of work (people at screens): calendar days, weeks … are refused, since a working day
    is not 24 h; write the hours (``16 h`` for two 8-hour days)."""
    unit = _written_unit(raw).strip()
    if unit.lower() in CALENDAR_UNITS or unit.lower().rstrip("s") in CALENDAR_UNITS:
        raise ValueError(
            Message(
                "{given} is calendar time (a {unit} counts 24 h): write the hours worked, e.g. '16 h' for two "
                "8-hour days",
                given=_short(raw),
                unit=unit,
            )
        )
    return parse_quantity(raw, "h")


_WORK_H = Annotated[
    QuantitySpec,
    BeforeValidator(parse_work_hours),
    WithJsonSchema(
        {
            **quantity_json_schema("h"),
            "description": WORK_HOURS_DESCRIPTION,
        }
    ),
]


# Quantity fields by unit: ``distance: Q_km``. Type checkers see a QuantitySpec; pydantic sees the
# validator that reads any accepted notation and converts it to the unit in the name.
if TYPE_CHECKING:
    Q_count: TypeAlias = QuantitySpec
    Q_km: TypeAlias = QuantitySpec
    Q_kg: TypeAlias = QuantitySpec
    Q_kwh: TypeAlias = QuantitySpec
    Q_l: TypeAlias = QuantitySpec
    Q_day: TypeAlias = QuantitySpec
    Q_h: TypeAlias = QuantitySpec
    Q_work_h: TypeAlias = QuantitySpec
    Q_s: TypeAlias = QuantitySpec
    Q_kw: TypeAlias = QuantitySpec
    Q_gb: TypeAlias = QuantitySpec
    Q_tb: TypeAlias = QuantitySpec
    Q_eur: TypeAlias = QuantitySpec
else:
    Q_count = Q[""]
    Q_km = Q["km"]
    Q_kg = Q["kg"]
    Q_kwh = Q["kWh"]
    Q_l = Q["L"]
    Q_day = Q["day"]
    Q_h = Q["h"]
    Q_work_h = _WORK_H
    Q_s = Q["s"]
    Q_kw = Q["kW"]
    Q_gb = Q["GB"]
    Q_tb = Q["TB"]
    Q_eur = Q["EUR"]


class ActivityBase(BaseModel):
    """What every activity has: an id, a stage, why this quantity, an optional pinned factor."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True, allow_inf_nan=False
    )

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", description=N_("unique within the file"))
    stage: Stage
    label: str | None = None
    reason: str | None = Field(None, description=N_("why this quantity: where it comes from"))
    factor: str | None = Field(
        None, description=N_("pin a factor by id (e.g. ademe:43256) instead of the category's default")
    )
    region: str | None = Field(None, description=N_("ISO 3166-1 alpha-2 country where it happens"))

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return check_region(value)


def check_region(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code (or WORLD); a country name is accepted and converted."""
    if value is None:
        return None
    if value.strip().upper() == "WORLD":
        return "WORLD"
    from shootprint import geo
    from shootprint.errors import InputError

    try:
        return geo.country_code(value)
    except InputError as exc:
        raise ValueError(
            Message(
                "unknown region {given!r}: expected an ISO 3166-1 alpha-2 code or WORLD ({detail})",
                given=value,
                detail=exc.problems[0] if len(exc.problems) == 1 else str(exc),
            )
        ) from None


# -- results -------------------------------------------------------------------------------------


class ResultWarning:
    """A warning: a stable ``code``, the English ``template`` (a catalog msgid) and its ``params``.

    The text is built when it is read, not when the warning is made: ``message`` is the English
    sentence (a :class:`~shootprint.i18n.Message`, built once, on first use), ``text(lang)`` renders it
    in any language. An estimate that nobody reads the warnings of formats none of them.
    ``ResultWarning(code, message)`` with a finished sentence (or a Message) still works.
    """

    __slots__ = ("code", "template", "params", "line_id", "_message")

    def __init__(
        self, code: str, message: str, line_id: str | None = None, *, params: dict[str, Any] | None = None
    ) -> None:
        self.code = code
        self.line_id = line_id
        self._message: str | None
        if params is not None:  # a template and its parameters: formatted on first read
            self.template, self.params, self._message = message, params, None
        elif isinstance(message, Message):
            self.template, self.params, self._message = message.template, message.params, message
        else:  # a finished sentence, looked up in the catalog as it is
            self.template, self.params, self._message = message, {}, message

    @classmethod
    def of(cls, code: str, template: str, line_id: str | None = None, **params: Any) -> ResultWarning:
        """The warning ``code`` with the English ``template`` (marked for translation) and its parameters."""
        return cls(code, template, line_id, params=params)

    @property
    def message(self) -> str:
        """The English sentence (a Message when there are parameters)."""
        if self._message is None:
            self._message = Message(self.template, **self.params)
        return self._message

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, Any], ...], str | None]:
        """What tells two warnings apart: code, template, parameters as the English text writes them
        (so two warnings whose English sentences are the same are the same), line."""
        return warning_key(self.code, self.template, self.params, self.line_id)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``en`` or ``fr``)."""
        return i18n.render(self.message, lang)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": str(self.message), "message_fr": self.text("fr")}
        if self.line_id:
            out["line_id"] = self.line_id
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResultWarning):
            return NotImplemented
        return self.key == other.key

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"ResultWarning({self.code!r}, {str(self.message)!r}, {self.line_id!r})"

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.code, self.template, self.params, self.line_id, self._message)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.code, self.template, self.params, self.line_id, self._message = state


def warning_key(
    code: str, template: str, params: Mapping[str, Any], line_id: str | None
) -> tuple[str, str, tuple[tuple[str, Any], ...], str | None]:
    """A warning's identity without formatting its sentence: each parameter as the English text
    writes it (``Message`` formats these very strings: a float to its figures, a Message to its English),
    so warnings with the same template and key have the same sentence."""
    shown = tuple(sorted((k, str(i18n._param(v, i18n.DEFAULT_LANG))) for k, v in params.items()))
    return (code, template, shown, line_id)


#: how a factor enters its line's emissions: ``×``/``÷`` the value so far (the quantity, then each
#: factor in turn), ``+`` added to the factor before it (well-to-tank on a combustion factor);
#: ``in quantity``: it made the line's quantity (a distance uplift, a power × hours), so it is in
#: the quantity already; ``other indicator``: it gives another indicator (water), not the emissions
OPERATIONS = ("×", "÷", "+", "in quantity", "other indicator")


@dataclass(slots=True)
class FactorUse:
    """One factor of a line's chain, as used (value in ``unit``; samples when Monte Carlo)."""

    id: str
    value: float
    unit: str
    source: str
    role: str = ""  # what it is in the formula: "emission factor", "grid", "lifetime days" …
    status: str = "default"  # default | pinned | override | measured | estimated | spend-based
    name: str = ""
    resolved_id: str = ""  # the row holding the value when ``id`` is an alias
    licence: str = ""
    uncertainty: dict[str, Any] = field(default_factory=dict)
    samples: Any = None  # numpy array in Monte Carlo mode
    #: how it enters the line, read left to right from the quantity (:data:`OPERATIONS`)
    operation: str = "×"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "role": self.role,
            "status": self.status,
            "name": self.name,
            "operation": self.operation,
        }
        if self.resolved_id and self.resolved_id != self.id:
            out["resolved_id"] = self.resolved_id
        if self.licence:
            out["licence"] = self.licence
        if self.uncertainty:
            out["uncertainty"] = self.uncertainty
        return out


@dataclass(slots=True)
class LineItem:
    """One line of a footprint: a quantity times its factor chain."""

    id: str
    activity_id: str
    category: str
    stage: str
    label: str
    quantity: float
    unit: str
    quantity_status: str  # input | default | parameter | measured
    factor_id: str
    factor_value: float
    source: str
    factor_status: str
    factors: list[FactorUse]
    emissions_kgco2e: float
    warnings: list[ResultWarning] = field(default_factory=list)
    reason: str | None = None
    indicators: dict[str, float] = field(default_factory=dict)
    samples: Any = None  # numpy array of emissions_kgco2e draws in Monte Carlo mode

    def to_dict(self, include_samples: bool = False) -> dict[str, Any]:
        out = {
            "id": self.id,
            "activity_id": self.activity_id,
            "category": self.category,
            "stage": self.stage,
            "label": str(self.label),
            "label_fr": i18n.render(self.label, "fr"),
            "quantity": self.quantity,
            "unit": self.unit,
            "quantity_status": self.quantity_status,
            "factor_id": self.factor_id,
            "factor_value": self.factor_value,
            "source": self.source,
            "factor_status": self.factor_status,
            "factors": [f.to_dict() for f in self.factors],
            "emissions_kgco2e": self.emissions_kgco2e,
            "warnings": [w.to_dict() for w in self.warnings],
            "reason": self.reason,
        }
        if self.indicators:
            out["indicators"] = dict(self.indicators)
        if include_samples and self.samples is not None:
            out["samples"] = [float(x) for x in self.samples]
        return out


@dataclass(slots=True)
class Footprint:
    """The footprint of one production: lines, totals, intensities, versions, warnings."""

    name: str
    lines: list[LineItem]
    total_kgco2e: float
    by_category: dict[str, float]
    by_stage: dict[str, float]
    intensities: dict[str, float | None]
    versions: dict[str, str]
    warnings: list[ResultWarning]
    metadata: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, float] = field(default_factory=dict)
    overrides_used: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    uncertainty: dict[str, Any] | None = None

    def result(self, include_samples: bool = False) -> Any:
        """The footprint as its typed, published model (:class:`shootprint.results.FootprintResult`)."""
        from shootprint.results import FootprintResult

        return FootprintResult.model_validate(self.to_dict(include_samples))

    def to_dict(self, include_samples: bool = False) -> dict[str, Any]:
        """The public JSON; Monte Carlo draws of each line only with ``include_samples``."""
        out: dict[str, Any] = {
            "name": self.name,
            "metadata": self.metadata,
            "total_kgco2e": self.total_kgco2e,
            "by_category": self.by_category,
            "by_stage": self.by_stage,
            "intensities": self.intensities,
            "intensity_labels": {k: INTENSITY_NAMES[k] for k in self.intensities if k in INTENSITY_NAMES},
            "intensity_labels_fr": {
                k: i18n.gettext("fr", INTENSITY_NAMES[k]) for k in self.intensities if k in INTENSITY_NAMES
            },
            "indicators": self.indicators,
            "versions": self.versions,
            "warnings": [w.to_dict() for w in self.warnings],
            "overrides_used": self.overrides_used,
            "excluded": self.excluded,
            "lines": [line.to_dict(include_samples) for line in self.lines],
        }
        if self.uncertainty is not None:
            out["uncertainty"] = self.uncertainty
        return out

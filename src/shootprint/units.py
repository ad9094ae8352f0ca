"""The one unit registry (pint), used at the edges only, and loaded only when a unit must change.

Inside the core every magnitude is a plain float (or numpy array) in the unit its name carries
(``distance_km``, ``energy_kwh``). A value written in the unit a field expects is taken as it is,
without importing pint (it costs about 0.3 s to build its registry): pint is loaded only to convert
or to check a unit that differs.

``t``/``tonne`` is the metric tonne; a bare ``ton`` (pint's US short ton) is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from shootprint.i18n import Message

#: spellings of the units the categories expect, taken as-is (no conversion, no pint)
_SAME: dict[str, str] = {
    "": "",
    "1": "",
    "person": "",
    "people": "",
    "unit": "",
    "units": "",
    "item": "",
    "items": "",
}

#: units pint does not know, defined for production data (all counts are dimensionless)
_DEFINITIONS = (
    "EUR = [currency_eur]",
    "kEUR = 1000 * EUR",
    "euro = EUR",
    "GPU_hour = hour",
    "m3 = meter ** 3",
    # French spellings a French user writes (jours, heures, To, Go, Mo)
    "jour = day",
    "heure = hour",
    "semaine = week",
    "mois = month",
    "To = TB",
    "Go = GB",
    "Mo = MB",
)


#: the units production data uses most, as (dimension, factor to the dimension's base unit). A pair of
#: units made only of these converts without building pint's registry; tests check every factor here
#: against pint, which stays the authority for anything else.
HOURS_PER_YEAR = 365.25 * 24  # pint's (Julian) year
_ATOMS: dict[str, tuple[str, float]] = {
    "g": ("mass", 1e-3),
    "kg": ("mass", 1.0),
    "t": ("mass", 1e3),
    "tonne": ("mass", 1e3),
    "Wh": ("energy", 1e-3),
    "kWh": ("energy", 1.0),
    "MWh": ("energy", 1e3),
    "GWh": ("energy", 1e6),
    "J": ("energy", 1 / 3.6e6),
    "kJ": ("energy", 1 / 3.6e3),
    "MJ": ("energy", 1 / 3.6),
    "GJ": ("energy", 1e3 / 3.6),
    "W": ("power", 1e-3),
    "kW": ("power", 1.0),
    "MW": ("power", 1e3),
    "s": ("time", 1 / 3600),
    "min": ("time", 1 / 60),
    "h": ("time", 1.0),
    "hour": ("time", 1.0),
    "day": ("time", 24.0),
    "week": ("time", 168.0),
    "month": ("time", HOURS_PER_YEAR / 12),
    "year": ("time", HOURS_PER_YEAR),
    "MB": ("data", 1e-3),
    "GB": ("data", 1.0),
    "TB": ("data", 1e3),
    "m": ("length", 1e-3),
    "km": ("length", 1.0),
    "L": ("volume", 1.0),
    "m3": ("volume", 1e3),
    "jour": ("time", 24.0),
    "jours": ("time", 24.0),
    "heure": ("time", 1.0),
    "heures": ("time", 1.0),
    "semaine": ("time", 168.0),
    "semaines": ("time", 168.0),
    "mois": ("time", HOURS_PER_YEAR / 12),
    "To": ("data", 1e3),
    "Go": ("data", 1.0),
    "Mo": ("data", 1e-3),
    "EUR": ("currency", 1.0),
    "kEUR": ("currency", 1e3),
}


def _fast_factor(src: str, dst: str) -> float | None:
    """The factor from ``src`` to ``dst`` when both are products/quotients of known atoms, else None."""

    def parse(unit: str) -> tuple[list[str], float] | None:
        num, _, den = unit.partition("/")
        dims: list[str] = []
        factor = 1.0
        for side, sign in ((num, 1), (den, -1)):
            for atom in side.replace(".", "*").split("*"):
                atom = atom.strip()
                if not atom or atom == "1":
                    continue
                if atom not in _ATOMS:
                    return None
                dim, f = _ATOMS[atom]
                dims.append(("+" if sign > 0 else "-") + dim)
                factor = factor * f if sign > 0 else factor / f
        return sorted(dims), factor

    a, b = parse(src), parse(dst)
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]


def _canonical(unit: str) -> str:
    u = unit.strip()
    return _SAME.get(u.lower(), u) if u.lower() in _SAME else u


@cache
def registry() -> Any:
    """The pint registry, built once per process."""
    import pint

    # no cache folder: pint's ":auto:" writes under the user's home; nothing is written but named outputs
    ureg: Any = pint.UnitRegistry(cache_folder=None)
    for definition in _DEFINITIONS:
        ureg.define(definition)
    return ureg


def _check_no_short_ton(unit: str) -> None:
    words = unit.replace("*", " ").replace("/", " ").replace(".", " ").split()
    if any(w.lower() in ("ton", "tons", "short_ton") for w in words):
        raise ValueError(
            Message("unit {given!r} is ambiguous: write 't' or 'tonne' for the metric tonne (1000 kg)", given=unit)
        )


#: distinct (from, to) unit pairs kept (input is untrusted: the cache must stay bounded)
CONVERTER_CACHE = 2048
_PINT_LOCK = threading.Lock()


@lru_cache(maxsize=CONVERTER_CACHE)
def converter(from_unit: str, to_unit: str) -> Callable[[float], float]:
    """A function converting magnitudes from ``from_unit`` to ``to_unit``; ValueError if it can't."""
    src, dst = _canonical(from_unit), _canonical(to_unit)
    if src == dst:
        return _identity
    _check_no_short_ton(src)
    fast = _fast_factor(src, dst)
    if fast is not None:
        return lambda value: value * fast
    with _PINT_LOCK:  # pint's parser caches are not made for threads
        return _pint_converter(from_unit, to_unit, src, dst)


def _pint_converter(from_unit: str, to_unit: str, src: str, dst: str) -> Callable[[float], float]:
    import pint

    ureg = registry()
    try:
        factor = ureg.Quantity(1.0, src or "dimensionless").to(dst or "dimensionless").magnitude
    except pint.errors.DimensionalityError:
        count = Message("a count (no unit)")
        src_text = Message("unit {unit!r}", unit=from_unit[:40]) if from_unit.strip() else count
        dst_text = repr(to_unit) if to_unit.strip() else count
        raise ValueError(Message("{given} cannot be converted to {wanted}", given=src_text, wanted=dst_text)) from None
    except (pint.errors.UndefinedUnitError, AssertionError, AttributeError, TypeError):
        raise ValueError(
            Message(
                "unknown unit {given!r}; expected a unit of {wanted}",
                given=from_unit,
                wanted=to_unit or Message("count"),
            )
        ) from None
    except Exception:  # pint raises bare parser errors (tokenize, SyntaxError) on junk
        raise ValueError(Message("cannot read unit {given!r}: not a unit expression", given=from_unit[:40])) from None
    offset = ureg.Quantity(0.0, src or "dimensionless").to(dst or "dimensionless").magnitude
    if offset != 0.0:
        raise ValueError(Message("unit {given!r} has an offset (temperature?): not a quantity unit", given=from_unit))
    return lambda value: value * factor


def _identity(value: float) -> float:
    return value


def check_unit(unit: str) -> None:
    """ValueError when ``unit`` is not a unit (pint reads it only if it is not a common one)."""
    src = _canonical(unit)
    if not src or _fast_factor(src, src) is not None:
        return
    _check_no_short_ton(src)
    import pint

    try:
        with _PINT_LOCK:
            registry().Unit(src)
    except (pint.errors.UndefinedUnitError, AttributeError, TypeError, ValueError):
        raise ValueError(Message("unknown unit {given!r}", given=unit)) from None
    except Exception:  # pint's parser raises bare tokenizer errors on junk
        raise ValueError(Message("cannot read unit {given!r}: not a unit expression", given=unit[:40])) from None


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``."""
    return converter(from_unit, to_unit)(value)

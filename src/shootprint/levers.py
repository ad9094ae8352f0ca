"""Named levers: what-if changes applied to a production without copying its file.

Each lever is a pure function from the raw production data (as read from the file) to changed
data, with a note of what it changed. Its thresholds are data (``data/levers.yaml``), each with a
reason. ``--lever NAME`` or ``--lever NAME=VALUE``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from shootprint.errors import InputError, ShootprintError
from shootprint.i18n import N_, Exact, Message

AI_TYPES = (
    "text_to_image",
    "image_edit",
    "upscale",
    "text_to_video",
    "image_to_video",
    "video_upscale",
    "llm_assist",
)
TRAVEL_OVERNIGHT = ("flight", "hotel", "excess_baggage")
#: the largest distance train_instead_of_plane accepts (past a day by train it is not a replacement)
MAX_TRAIN_KM = 2000.0
#: what a flight keeps when it becomes a train journey (the rest is the flight's own)
TRAIN_KEYS = frozenset(
    {"id", "type", "stage", "label", "reason", "region", "from", "to", "distance", "return", "travellers"}
)
#: meal kinds without meat or fish (what vegetarian_catering leaves as they are)
MEATLESS_MEALS = frozenset({"vegan", "vegetarian", "plant_based_chicken", "plant_based_beef"})


@dataclass(frozen=True)
class Lever:
    name: str
    description: str
    apply: Callable[[dict[str, Any], str | None], tuple[dict[str, Any], list[str]]]
    takes_value: str = ""  # what VALUE means, if the lever takes one


@cache
def settings() -> dict[str, Any]:
    import yaml

    text = resources.files("shootprint.data").joinpath("levers.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return data


def _acts(data: dict[str, Any]) -> list[dict[str, Any]]:
    acts = data.get("activities")
    return [a for a in (acts if isinstance(acts, list) else []) if isinstance(a, dict)]


def _flight_km(act: dict[str, Any]) -> float | None:
    from shootprint import geo
    from shootprint.model import parse_quantity

    if act.get("distance") is not None:
        spec = parse_quantity(act["distance"], "km")
        return None if spec.param else spec.central
    if act.get("from") and act.get("to"):
        return geo.distance_km(geo.locate(act["from"]), geo.locate(act["to"]))
    return None


def _number(value: str, lever: str, low: float, high: float, what: Message, low_open: bool = False) -> float:
    """VALUE of ``--lever lever=VALUE`` as a finite number within [low, high]; InputError otherwise."""
    import math

    from shootprint.yamlsafe import shown

    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    ok = math.isfinite(number) and (low < number if low_open else low <= number) and number <= high
    if not ok:
        bound = Message("above {low}", low=Exact(low)) if low_open else Message("from {low}", low=Exact(low))
        raise InputError(
            Message(
                "--lever {lever}={given}: accepted: {what}, a number {bound} to {high}",
                lever=lever,
                given=shown(value),
                what=what,
                bound=bound,
                high=Exact(high),
            )
        )
    return number


def check_value(lever: Lever, value: str | None) -> None:
    """InputError when VALUE is given to a lever that takes none, or is outside what it accepts."""
    from shootprint.yamlsafe import shown

    if value is None:
        return
    if not lever.takes_value:
        raise InputError(
            Message(
                "--lever {lever}={given}: this lever takes no value; write --lever {lever}",
                lever=lever.name,
                given=shown(value),
            )
        )
    if lever.name == "train_instead_of_plane":
        _number(value, lever.name, 0, MAX_TRAIN_KM, Message("the maximum great-circle km"), low_open=True)
    elif lever.name == "fewer_iterations":
        _number(value, lever.name, 0, 1, Message("the fraction of iterations kept (0.5: half as many)"), low_open=True)
        if float(value.replace(",", ".")) >= 1:
            raise InputError(
                Message(
                    "--lever fewer_iterations={given}: accepted: a fraction of iterations kept, above 0 and below 1 "
                    "(0.5: half as many)",
                    given=shown(value),
                )
            )
    elif lever.name == "compute_region":
        from shootprint.model import check_region

        try:
            check_region(value)
        except ValueError as exc:
            said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            raise InputError(Message("--lever compute_region: {error}", error=said)) from None
    elif not value.strip():
        raise InputError(
            Message("--lever {lever}=: give a value ({meaning})", lever=lever.name, meaning=Message(lever.takes_value))
        )


def _flight_ends(act: dict[str, Any]) -> tuple[Any, Any] | None:
    """The flight's two places, or None when it has no from/to or one cannot be located (the
    production's own check names that problem)."""
    from shootprint import geo

    if not (act.get("from") and act.get("to")):
        return None
    try:
        return geo.locate(act["from"]), geo.locate(act["to"])
    except (ValueError, TypeError, ShootprintError):
        return None


def train_instead_of_plane(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
    """Flights between places one passenger rail network links (:mod:`shootprint.rail`), up to a
    great-circle distance, become train journeys; the others stay flights and a note says why."""
    from shootprint.rail import rail_link

    max_km = (
        _number(value, "train_instead_of_plane", 0, MAX_TRAIN_KM, Message("the maximum great-circle km"), low_open=True)
        if value
        else float(settings()["train_instead_of_plane"]["max_km"])
    )
    out = copy.deepcopy(data)
    notes: list[str] = []
    for act in _acts(out):
        if act.get("type") != "flight":
            continue
        ends = _flight_ends(act)
        if ends is None:
            notes.append(
                f"{act.get('id')}: stays a flight (no from and to: a rail link between its ends cannot be checked)"
            )
            continue
        linked, why = rail_link(*ends)
        if not linked:
            notes.append(f"{act.get('id')}: stays a flight ({why})")
            continue
        try:
            km = _flight_km(act)
        except (ValueError, TypeError, ShootprintError):
            km = None
        if km is None or km > max_km:
            continue
        dropped = sorted(k for k in act if k not in TRAIN_KEYS)
        for key in dropped:  # cabin, contrails, seats, engine, a pinned aircraft factor …
            act.pop(key)
        act["type"] = "train"
        act.setdefault("kind", settings()["train_instead_of_plane"]["train_kind"])
        if dropped:
            notes.append(
                Message(
                    "{id}: flight of {km} km great circle → train (flight-only fields dropped: {fields})",
                    id=act["id"],
                    km=f"{km:,.0f}",
                    fields=", ".join(dropped),
                )
            )
        else:
            notes.append(Message("{id}: flight of {km} km great circle → train", id=act["id"], km=f"{km:,.0f}"))
    return out, notes


def local_crew(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
    """The shoot's crew is hired where it shoots: its flights, hotel nights and the excess baggage
    they check in go. Pre-production trips (scouting) stay: someone still goes to see the place."""
    out = copy.deepcopy(data)
    kept: list[Any] = []
    notes: list[str] = []
    for act in out.get("activities") or []:
        if isinstance(act, dict) and act.get("type") in TRAVEL_OVERNIGHT and act.get("stage") != "pre-production":
            notes.append(
                Message(
                    "{id}: removed ({type}: a local crew neither flies, sleeps away nor checks in baggage)",
                    id=act["id"],
                    type=act["type"],
                )
            )
            continue
        kept.append(act)
    out["activities"] = kept
    return out, notes


def _set_field(
    types: tuple[str, ...], field: str, new: Any, only: tuple[Any, ...] | None = None
) -> Callable[[dict[str, Any], str | None], tuple[dict[str, Any], list[str]]]:
    def apply(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
        out = copy.deepcopy(data)
        target = value if (value is not None and new is None) else new
        if target is None:
            raise InputError(Message("--lever: this lever needs a value (NAME=VALUE) for {field}", field=field))
        notes: list[str] = []
        for act in _acts(out):
            if act.get("type") in types and (only is None or act.get(field, only[0]) in only):
                old = act.get(field)
                act[field] = target
                notes.append(
                    Message("{id}: {field} {old} → {new}", id=act["id"], field=field, old=repr(old), new=repr(target))
                )
        return out, notes

    return apply


def vegetarian_catering(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
    out = copy.deepcopy(data)
    notes: list[str] = []
    for act in _acts(out):
        if act.get("type") == "meal" and act.get("kind", "mixed") not in MEATLESS_MEALS:
            notes.append(Message("{id}: kind {old} → 'vegetarian'", id=act["id"], old=repr(act.get("kind", "mixed"))))
            act["kind"] = "vegetarian"
            act.pop("factor", None)
    return out, notes


def fewer_iterations(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
    from shootprint.model import parse_quantity

    fraction = float(value.replace(",", ".")) if value else float(settings()["fewer_iterations"]["fraction"])
    if not 0 < fraction < 1:
        raise InputError(
            Message(
                "--lever fewer_iterations={given}: accepted: a fraction of iterations kept, above 0 and below 1",
                given=str(value),
            )
        )
    out = copy.deepcopy(data)
    notes: list[str] = []
    for act in _acts(out):
        if act.get("type") not in AI_TYPES:
            continue
        for key in ("iterations", "generations"):
            if act.get(key) is not None:
                spec = parse_quantity(act[key], "")
                if spec.expr is not None:
                    act[key] = f"({spec.written}) * {fraction!r}"
                elif spec.param:
                    act[key] = f"${spec.param} * {spec.scale * fraction!r}"
                elif spec.is_range:
                    assert spec.low is not None and spec.high is not None
                    act[key] = {
                        "low": spec.low * fraction,
                        "value": spec.central * fraction,
                        "high": spec.high * fraction,
                    }
                else:
                    act[key] = spec.central * fraction
                notes.append(Message("{id}: {key} × {fraction}", id=act["id"], key=key, fraction=f"{fraction:g}"))
                break
        else:
            notes.append(
                Message("{id}: unchanged (its iterations are the class default: write them to vary them)", id=act["id"])
            )
    return out, notes


TYPE_KINDS = {
    "text_to_image": "image",
    "image_edit": "image",
    "upscale": "upscale",
    "text_to_video": "video",
    "image_to_video": "video",
    "video_upscale": "video_upscale",
    "llm_assist": "llm",
}


def ai_model(data: dict[str, Any], value: str | None) -> tuple[dict[str, Any], list[str]]:
    """Every AI activity of the model's kind (image, video …) uses that model."""
    from shootprint.categories.ai import find_model

    if not value:
        raise InputError(Message("--lever ai_model=NAME: give the model's name, e.g. ai_model='SANA 1.5 1.6B'"))
    try:
        kind = find_model(value).kind
    except ValueError as exc:
        said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        raise InputError(Message("--lever ai_model: {error}", error=said)) from None
    out = copy.deepcopy(data)
    notes: list[str] = []
    for act in _acts(out):
        if TYPE_KINDS.get(str(act.get("type"))) == kind:
            notes.append(
                Message(
                    "{id}: model {old} → {new}",
                    id=act["id"],
                    old=repr(act.get("model", act.get("class"))),
                    new=repr(value),
                )
            )
            act.pop("class", None)
            act["model"] = value
            if act.get("hosting") == "api" and not find_model(value).provider:
                act["hosting"] = "cloud"
                act.pop("provider", None)
    return out, notes


LEVERS: dict[str, Lever] = {
    "local_crew": Lever("local_crew", N_("hire locally: no shoot flights, hotel nights or excess baggage"), local_crew),
    "train_instead_of_plane": Lever(
        "train_instead_of_plane",
        N_(
            "flights between places a passenger railway links (rail_links.yaml), up to a distance (levers.yaml), "
            "become train journeys"
        ),
        train_instead_of_plane,
        N_("maximum great-circle km"),
    ),
    "hvo_instead_of_diesel": Lever(
        "hvo_instead_of_diesel",
        N_("generators burn HVO instead of diesel"),
        _set_field(("generator",), "fuel", "hvo", only=("diesel",)),
    ),
    "vegetarian_catering": Lever(
        "vegetarian_catering", N_("meals with meat or fish become vegetarian"), vegetarian_catering
    ),
    "ai_model": Lever(
        "ai_model", N_("AI activities of the model's kind use another model"), ai_model, N_("model name")
    ),
    "compute_region": Lever(
        "compute_region",
        N_("AI compute runs in another country (grid and water)"),
        _set_field(AI_TYPES, "region", None),
        N_("ISO country code"),
    ),
    "fewer_iterations": Lever(
        "fewer_iterations",
        N_("fewer generations per kept asset"),
        fewer_iterations,
        N_("fraction of iterations kept"),
    ),
}


def parse_lever(text: str) -> tuple[Lever, str | None]:
    import difflib

    name, sep, value = text.partition("=")
    name = name.strip()
    if name not in LEVERS:
        close = difflib.get_close_matches(name, list(LEVERS), n=3)
        if close:
            raise InputError(
                Message(
                    "--lever {name!r}: unknown lever; accepted: {accepted}; did you mean {close}?",
                    name=name,
                    accepted=", ".join(LEVERS),
                    close=", ".join(close),
                )
            )
        raise InputError(
            Message("--lever {name!r}: unknown lever; accepted: {accepted}", name=name, accepted=", ".join(LEVERS))
        )
    lever, given = LEVERS[name], (value.strip() if sep else None)
    check_value(lever, given)
    return lever, given


def combined_order(parsed: list[tuple[Lever, str | None]]) -> list[tuple[Lever, str | None]]:
    """The levers in the one order "all levers" applies them, whatever the order they were given:
    the order of :data:`LEVERS` (local_crew first: once the crew is local, no flight is left to
    turn into a train that would arrive with no hotel)."""
    rank = {name: i for i, name in enumerate(LEVERS)}
    return sorted(parsed, key=lambda lv: (rank[lv[0].name], lv[1] or ""))

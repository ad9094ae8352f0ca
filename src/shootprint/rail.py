"""Whether a passenger train links two places: the rule behind ``--lever train_instead_of_plane``.

Two places are linked when they lie on the same passenger rail network (``data/rail_links.yaml``):
a network is a set of countries whose railways join up, less the islands and outlying parts that
their network does not reach (Corsica, the Balearics, Hawaii …), some of which have a railway of
their own. Each network and island carries its reason and source in that file.

Pure: places in, an answer and its reason out; the data file is read once, on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from shootprint.geo import Place
from shootprint.i18n import Message


@dataclass(frozen=True)
class Network:
    """Where a place's trains can take it: ``key`` "" when no passenger railway serves it."""

    key: str
    name: str  # the network or the island, for notes


@dataclass(frozen=True)
class _Island:
    name: str
    country: str
    boxes: tuple[tuple[float, float, float, float], ...]
    network: str

    def holds(self, place: Place) -> bool:
        return place.country == self.country and any(
            lat0 <= place.lat <= lat1 and lon0 <= place.lon <= lon1 for lat0, lat1, lon0, lon1 in self.boxes
        )


@cache
def _data() -> tuple[dict[str, str], tuple[_Island, ...]]:
    import yaml

    text = resources.files("shootprint.data").joinpath("rail_links.yaml").read_text(encoding="utf-8")
    # the packaged file, parsed by libyaml when PyYAML has it (the pure-Python parser took ten times longer)
    raw: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    countries: dict[str, str] = {}
    for key, net in raw["networks"].items():
        for code in net["countries"]:
            if not isinstance(code, str) or len(code) != 2:  # e.g. an unquoted NO, which YAML reads as false
                raise ValueError(
                    Message(
                        "rail_links.yaml: network {network}: {given} is not a quoted ISO country code",
                        network=key,
                        given=repr(code),
                    )
                )
            if code in countries:
                raise ValueError(
                    Message(
                        "rail_links.yaml: {code} is in two networks ({first}, {second})",
                        code=code,
                        first=countries[code],
                        second=key,
                    )
                )
            countries[code] = key
    if any(not isinstance(i["country"], str) for i in raw["islands"]):
        raise ValueError(Message("rail_links.yaml: an island's country is not a quoted ISO country code"))
    islands = tuple(
        _Island(
            str(i["name"]),
            str(i["country"]),
            tuple((float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in i["boxes"]),
            str(i["network"]),
        )
        for i in raw["islands"]
    )
    return countries, islands


def network_of(place: Place) -> Network:
    """The passenger rail network that serves ``place`` (``key`` "" when none is listed)."""
    countries, islands = _data()
    for island in islands:
        if island.holds(place):
            return Network(island.network, island.name)
    key = countries.get(place.country, "")
    return Network(key, key or (place.country or "this place"))


def rail_link(a: Place, b: Place) -> tuple[bool, str]:
    """(True, "") when one passenger network links ``a`` and ``b``; else (False, why not, in words)."""
    na, nb = network_of(a), network_of(b)
    for place, net in ((a, na), (b, nb)):
        if not net.key:
            return False, f"no passenger railway listed for {place.name} ({net.name})"
    if na.key != nb.key:
        return False, f"no rail link between {a.name} ({na.name}) and {b.name} ({nb.name})"
    return True, ""

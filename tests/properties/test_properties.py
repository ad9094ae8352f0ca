"""Properties of the engine: linear in counts at a fixed distance, additive, no negative line by default."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shootprint.engine import footprint
from shootprint.factors import default_table
from shootprint.production import validate

COUNTS = st.integers(min_value=1, max_value=50)
TABLE = default_table()

# one activity per kind of count, with its count field; {n} is replaced by the count
TEMPLATES = {
    "travellers": {"type": "flight", "distance": "800 km", "travellers": "{n}"},
    "train travellers": {"type": "train", "kind": "tgv", "distance": "650 km", "travellers": "{n}"},
    "nights": {"type": "hotel", "nights": "{n}", "region": "FR"},
    "meals": {"type": "meal", "kind": "vegetarian", "count": "{n}"},
    "kg": {"type": "material", "material": "plywood", "mass": "{n} kg"},
    "kWh": {"type": "electricity", "energy": "{n} kWh", "region": "FR"},
    "waste kg": {"type": "waste", "stream": "mixed", "treatment": "landfill", "mass": "{n} kg"},
    "freight kg": {"type": "freight", "mode": "road", "vehicle": "rigid", "distance": "300 km", "mass": "{n} kg"},
}


def _total(acts: list[dict]) -> float:
    prod = validate({"name": "p", "country": "FR", "activities": acts})
    return footprint(prod, TABLE).total_kgco2e


def _act(kind: str, n: int, ident: str = "a") -> dict:
    tpl = TEMPLATES[kind]
    act = {"id": ident, "stage": "shoot"}
    for key, val in tpl.items():
        act[key] = (int(val.format(n=n)) if val == "{n}" else val.format(n=n)) if isinstance(val, str) else val
    return act


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@settings(max_examples=15, deadline=None)
@given(n=COUNTS, k=st.integers(min_value=2, max_value=5))
def test_linear_in_counts(kind: str, n: int, k: int) -> None:
    assert _total([_act(kind, n * k)]) == pytest.approx(k * _total([_act(kind, n)]), rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(kinds=st.lists(st.sampled_from(sorted(TEMPLATES)), min_size=1, max_size=5), n=COUNTS)
def test_additive_across_activities(kinds: list[str], n: int) -> None:
    acts = [_act(kind, n, f"a{i}") for i, kind in enumerate(kinds)]
    together = _total(acts)
    apart = sum(_total([a]) for a in acts)
    assert together == pytest.approx(apart, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(kinds=st.lists(st.sampled_from(sorted(TEMPLATES)), min_size=1, max_size=5), n=COUNTS)
def test_no_negative_line_without_a_credit_factor(kinds: list[str], n: int) -> None:
    prod = validate({"name": "p", "country": "FR", "activities": [_act(k, n, f"a{i}") for i, k in enumerate(kinds)]})
    assert all(line.emissions_kgco2e >= 0 for line in footprint(prod, TABLE).lines)


def test_a_credit_appears_only_when_chosen() -> None:
    base = {
        "id": "w",
        "stage": "shoot",
        "type": "waste",
        "stream": "cardboard",
        "treatment": "recycling",
        "mass": "100 kg",
    }
    plain = footprint(validate({"name": "p", "activities": [base]}), TABLE)
    assert all(line.emissions_kgco2e >= 0 for line in plain.lines)
    credit = footprint(validate({"name": "p", "activities": [{**base, "avoided_emissions": True}]}), TABLE)
    assert any(line.emissions_kgco2e < 0 for line in credit.lines)


def test_distance_is_not_monotone_across_flight_bands() -> None:
    # ADEME flight factors change by distance band: per km, a longer flight can emit less
    per_km = [
        _total([{"id": "f", "stage": "shoot", "type": "flight", "distance": f"{d} km"}]) / (d + 95)
        for d in (400, 900, 1500, 3000, 6000)
    ]
    assert len(set(round(x, 6) for x in per_km)) > 1

"""Untrusted input is safe to compute: random and mutated productions given to every public method
of the Calculator give a result or problems (ProblemsError), never another exception."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shootprint.calculator import Calculator
from shootprint.problems import ProblemsError
from shootprint.results import finite

ROOT = Path(__file__).resolve().parents[2]
DOCS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("**/*.yaml"))]
CALC = Calculator()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e308 km",
            "1e400 kg",
            "12 km ± 10%",
            "12 ± -5%",
            "$nope",
            "$crew * -2",
            "5 furlong",
            "3 degC",
            "10 ton",
            "nan km",
            "inf kWh",
            "1,250",
            "FR",
            "WORLD",
            "Paris",
            "CDG",
            "0, 0",
            "91, 200",
            "gpt-4o",
            "diesel",
            "large",
            "shoot",
            "ademe:43741",
            "energy.grid.FR",
            "x" * 300,
        ]
    ),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "low", "high", "unit", "pct", "param", "lat", "lon", "country", "x"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(DOCS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "add"]))
        key = path[-1]
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["type", "stage", "region", "factor", "id", "extra", "shootprint"]))] = draw(
                values
            )
    return doc


random_docs = st.dictionaries(
    st.sampled_from(["name", "shootprint", "activities", "parameters", "records", "country", "factor_set", "x"]),
    values,
    max_size=5,
)
productions = st.one_of(mutated(), random_docs, values)

#: examples per test: modest by default (the suite stays fast); SHOOTPRINT_FUZZ_EXAMPLES=2000 digs deeper
EXAMPLES = int(os.environ.get("SHOOTPRINT_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _safe(call: Any) -> None:
    try:
        result = call()
    except ProblemsError as exc:
        assert exc.details and all(p.message for p in exc.details)
        return
    data = result.to_dict() if hasattr(result, "to_dict") else result
    assert finite(data) == [], "NaN or infinity in a result"


@SETTINGS
@given(productions)
def test_estimate_and_compare_only_raise_problems(doc: Any):
    _safe(lambda: CALC.estimate(doc))
    _safe(lambda: CALC.compare([doc, DOCS[0]]))
    _safe(lambda: CALC.diff(doc, DOCS[0]))
    _safe(lambda: CALC.production(doc))
    _safe(
        lambda: CALC.estimate(doc, sets={"shoot_days": 2, "activities.flights.travellers": "3", "parameters.crew": 4})
    )


@settings(max_examples=max(EXAMPLES // 3, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutated(),
    st.sampled_from(["fewer_iterations=0.5", "vegetarian_catering", "ai_model=x", "compute_region=ZZ", "nope"]),
)
def test_drawn_methods_only_raise_problems(doc: Any, lever: str):
    _safe(lambda: CALC.estimate(doc, samples=20))
    _safe(lambda: CALC.compare([doc, DOCS[1]], samples=20))
    _safe(lambda: CALC.sensitivity([doc], base_samples=16))
    _safe(lambda: CALC.whatif(doc, levers=[lever], samples=10))
    _safe(lambda: CALC.breakeven(doc, DOCS[0], vary="shoot_days"))


@SETTINGS
@given(values, values, values)
def test_arguments_of_every_method_only_raise_problems(a: Any, b: Any, c: Any):
    _safe(lambda: CALC.estimate(DOCS[0], samples=a, seed=b, level=c))
    _safe(lambda: CALC.estimate(DOCS[0], records=a, exclude=b))
    _safe(lambda: CALC.compare(a))
    _safe(lambda: CALC.whatif(DOCS[0], levers=a, sets=None, samples=10))
    _safe(lambda: CALC.breakeven(DOCS[0], DOCS[1], vary=a))
    _safe(lambda: CALC.search_factors(a, limit=5))
    _safe(lambda: CALC.factor(a))
    _safe(lambda: Calculator(factor_set=a))
    _safe(lambda: Calculator(overrides=[b] if not isinstance(b, list) else b))

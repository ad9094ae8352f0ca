"""Monte Carlo comparisons: shared common-random-number draws, ratios to the lowest, pairwise only
for small tables, each line's median computed once."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from shootprint.calculator import Calculator
from shootprint.results import ComparisonResult
from shootprint.scenarios import PAIRWISE_MAX, Scenario, compare_mc, estimate_mc
from shootprint.uncertainty import MonteCarlo, interval

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "examples" / "reference").glob("*.yaml"))


@pytest.fixture(scope="module")
def calc() -> Calculator:
    return Calculator()


def doc(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_total_drawn_in_a_comparison_is_the_total_drawn_alone(calc: Calculator):
    # shared draws change nothing: each production's draws are seeded by (seed, key) either way
    prods = [calc.production(doc(p)) for p in REFERENCE]
    table = calc.table()
    mc = compare_mc([Scenario(p) for p in prods], table, 2000, seed=7)
    for prod, name in zip(prods, mc.names, strict=True):
        alone = estimate_mc(Scenario(prod), table, 2000, seed=7)
        assert interval(mc.totals[name]).to_dict() == alone.uncertainty["total_kgco2e"]


def test_shared_factors_are_drawn_once_and_cannot_be_changed_in_place(calc: Calculator):
    prods = [calc.production(doc(p)) for p in REFERENCE[:2]]
    shared: dict = {}
    first = MonteCarlo(500, 1, draws=shared, medians=False)
    second = MonteCarlo(500, 1, draws=shared, medians=False)
    from shootprint.engine import footprint

    footprint(prods[0], calc.table(), sampler=first)
    drawn = len(shared)
    footprint(prods[1], calc.table(), sampler=second)
    both = set(first.seen) & set(second.seen)
    assert both, "the two reference productions share factors"
    assert len(shared) == drawn + len(set(second.seen) - set(first.seen))
    some = next(iter(shared.values()))
    with pytest.raises(ValueError):
        some[0] = 0.0


def test_beyond_the_pairwise_limit_each_is_compared_with_the_lowest(calc: Calculator):
    base = doc(REFERENCE[0])
    docs = []
    for i in range(PAIRWISE_MAX + 1):
        d = copy.deepcopy(base)
        d["name"] = f"option {i}"
        d["shoot_days"] = 1 + i
        docs.append(d)
    u = calc.compare(docs, samples=100, seed=1).uncertainty
    assert u is not None
    assert u["pairwise_max"] == PAIRWISE_MAX
    assert u["ratios"] is None
    ref = u["reference"]
    assert set(u["ratios_to_reference"]) == {d["name"] for d in docs}
    for name, against in u["probability_lower"].items():
        assert list(against) == ([] if name == ref else [ref])
    ComparisonResult.model_validate(calc.compare(docs, samples=100, seed=1).to_dict())
    # up to the limit: every ordered pair
    small = calc.compare(docs[:PAIRWISE_MAX], samples=100, seed=1).uncertainty
    assert small is not None
    assert all(len(row) == PAIRWISE_MAX - 1 for row in small["ratios"].values())
    assert all(len(row) == PAIRWISE_MAX - 1 for row in small["probability_lower"].values())


def test_a_line_interval_has_the_median_of_its_draws(calc: Calculator):
    prod = calc.production(doc(REFERENCE[0]))
    sampler = MonteCarlo(1001, 3)
    from shootprint.engine import footprint

    fp = footprint(prod, calc.table(), sampler=sampler)
    fp_det = estimate_mc(Scenario(prod), calc.table(), 1001, seed=3)
    assert fp_det.uncertainty is not None
    lines = fp_det.uncertainty["lines"]
    for line in fp.lines:
        if line.samples is not None:
            assert line.emissions_kgco2e == float(np.median(line.samples))
            assert lines[line.id]["median"] == pytest.approx(float(np.median(line.samples)), rel=1e-12)

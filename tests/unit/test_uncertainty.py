"""Distributions against their definitions; reproducibility; common random numbers; Sobol; break-even."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shootprint.factors import FactorTable
from shootprint.model import parse_quantity
from shootprint.production import validate
from shootprint.scenarios import Scenario, breakeven, compare_mc, estimate_mc, sensitivity
from shootprint.uncertainty import (
    Distribution,
    MonteCarlo,
    lognormal_from_pct,
    quantity_distribution,
    triangular_of,
)

N = 200_000


def _draw(dist: Distribution, n: int = N, seed: int = 3) -> np.ndarray:
    return MonteCarlo(n, seed)._draw("k", dist)


def test_lognormal_pct_is_the_95_half_width_around_the_median():
    d = lognormal_from_pct(2.0, 70, "test")
    x = _draw(d)
    assert np.median(x) == pytest.approx(2.0, rel=0.01)
    assert np.percentile(x, 97.5) == pytest.approx(2.0 * 1.70, rel=0.02)
    assert np.percentile(x, 2.5) == pytest.approx(2.0 / 1.70, rel=0.02)


def test_lognormal_keeps_the_sign_of_a_credit():
    x = _draw(lognormal_from_pct(-0.5, 20, "credit"))
    assert np.all(x < 0) and np.median(x) == pytest.approx(-0.5, rel=0.01)


def test_triangular_bounds_and_median():
    low, mode, high = 1.0, 2.0, 4.0
    x = _draw(triangular_of(low, mode, high, "t"))
    assert x.min() >= low and x.max() <= high
    # median of a triangular with mode left of the midpoint: high - sqrt((high-low)(high-mode)/2)
    assert np.median(x) == pytest.approx(high - math.sqrt((high - low) * (high - mode) / 2), rel=0.01)
    assert np.mean(x) == pytest.approx((low + mode + high) / 3, rel=0.01)


def test_wide_triangular_is_sampled_in_log_space():
    d = triangular_of(4.0, 20.0, 100.0, "iterations")
    assert d.kind == "logtriangular"
    x = _draw(d)
    assert x.min() >= 4.0 and x.max() <= 100.0
    # in log space the triangle is (ln 4, ln 20, ln 100): its median is symmetric -> exp(ln 20)
    assert np.median(x) == pytest.approx(20.0, rel=0.02)
    assert triangular_of(1.0, 2.0, 9.0, "narrow").kind == "triangular"


def test_quantity_range_from_the_file():
    spec = parse_quantity("100 kWh ± 20%", "kWh")
    d = quantity_distribution(spec)
    assert (d.a, d.b, d.c) == (80.0, 100.0, 120.0)


def _prod(name: str, kwh: float | str, region: str = "FR", extra: list | None = None):
    acts = [{"id": "power", "type": "electricity", "stage": "shoot", "energy": kwh, "region": region}]
    return validate({"name": name, "shoot_days": 1, "activities": acts + (extra or [])})


def test_same_seed_same_output_other_seed_other_output():
    table = FactorTable()
    a = estimate_mc(Scenario(_prod("a", "100 kWh ± 30%")), table, 500, seed=7).uncertainty
    b = estimate_mc(Scenario(_prod("a", "100 kWh ± 30%")), table, 500, seed=7).uncertainty
    c = estimate_mc(Scenario(_prod("a", "100 kWh ± 30%")), table, 500, seed=8).uncertainty
    assert a["total_kgco2e"] == b["total_kgco2e"]
    assert a["total_kgco2e"] != c["total_kgco2e"]


def test_deterministic_figure_beside_the_interval():
    fp = estimate_mc(Scenario(_prod("a", "100 kWh")), FactorTable(), 2000, seed=1)
    assert fp.total_kgco2e == pytest.approx(100 * 0.0519)  # ademe:43642, central value
    u = fp.uncertainty
    assert u["deterministic_kgco2e"] == fp.total_kgco2e
    assert u["total_kgco2e"]["low"] < fp.total_kgco2e < u["total_kgco2e"]["high"]
    assert set(u["lines"]) == {"power"}


def _travel_prod(name: str, travellers: int):
    acts = [
        {"id": "crew", "type": "flight", "stage": "shoot", "distance": "800 km", "travellers": travellers},
        {"id": "nights", "type": "hotel", "stage": "shoot", "nights": travellers, "region": "FR"},
    ]
    return validate({"name": name, "shoot_days": 1, "activities": acts})


def test_common_random_numbers_give_an_exact_ratio_at_every_draw():
    table = FactorTable()
    a, b = Scenario(_travel_prod("ten", 10)), Scenario(_travel_prod("twenty", 20))
    mc = compare_mc([a, b], table, 5000, seed=11)
    ratio = mc.ratio("twenty", "ten")
    assert np.allclose(ratio, 2.0, rtol=0, atol=1e-12)
    independent = compare_mc([a, b], table, 5000, seed=11, common=False)
    r2 = independent.ratio("twenty", "ten")
    assert np.percentile(r2, 95) - np.percentile(r2, 5) > 0.1


def test_probability_lower():
    table = FactorTable()
    mc = compare_mc([Scenario(_prod("small", "100 kWh")), Scenario(_prod("big", "200 kWh"))], table, 1000, seed=2)
    d = mc.to_dict()
    assert d["probability_lower"]["small"]["big"] == 1.0
    assert d["reference"] == "small"


def test_sobol_matches_closed_form_variance_shares():
    # two lines: 1,000 kWh in France (ademe:43642, 0.0519 ± 10 %, lognormal) and 100 kWh at the world
    # average (energy.grid.WORLD: triangular 0.40 / 0.475 / 0.55)
    prod = validate(
        {
            "name": "two lines",
            "activities": [
                {"id": "fr", "type": "electricity", "stage": "shoot", "energy": "1000 kWh", "region": "FR"},
                {"id": "world", "type": "electricity", "stage": "shoot", "energy": "100 kWh", "region": "WORLD"},
            ],
        }
    )
    sigma = math.log1p(0.10) / 1.959963984540054
    m = 0.0519
    var_fr = m**2 * math.exp(sigma**2) * (math.exp(sigma**2) - 1) * 1000**2
    a, b, c = 0.40, 0.475, 0.55
    var_world = (a * a + b * b + c * c - a * b - a * c - b * c) / 18 * 100**2
    share_fr = var_fr / (var_fr + var_world)
    result = sensitivity([Scenario(prod)], FactorTable(), base_samples=4096, seed=5)
    by_input = {r["input"]: r for r in result["inputs"]}
    s_fr = by_input["factor:ademe:43642"]
    s_world = by_input["factor:codecarbon.grid.world_average_fallback"]
    assert s_fr["S1"] == pytest.approx(share_fr, abs=0.02)
    assert s_world["S1"] == pytest.approx(1 - share_fr, abs=0.02)
    assert s_fr["ST"] == pytest.approx(share_fr, abs=0.02)


def test_breakeven_against_a_hand_solved_case():
    # A: x kWh on the world grid (0.475) ; B: 1,000 kWh in France (0.0519) -> x = 51.9 / 0.475
    table = FactorTable()

    def total_a(x: float) -> float:
        from shootprint.engine import footprint

        return footprint(_prod("a", f"{x} kWh", "WORLD"), table).total_kgco2e

    from shootprint.engine import footprint

    target = footprint(_prod("b", "1000 kWh", "FR"), table).total_kgco2e
    assert breakeven(total_a, target) == pytest.approx(1000 * 0.0519 / 0.475, rel=1e-9)
    assert breakeven(lambda x: 10.0, 5.0) is None

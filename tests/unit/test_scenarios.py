"""Comparisons, levers, break-even and overrides under Monte Carlo: behaviours users rely on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from shootprint import api
from shootprint.levers import parse_lever
from shootprint.paths import parse_assignment

REF = Path(__file__).resolve().parents[2] / "examples" / "reference"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_override_brings_its_own_uncertainty(tmp_path: Path):
    prod = _write(
        tmp_path,
        "h.yaml",
        "name: h\ncountry: FR\nactivities:\n  - {id: h, type: hotel, stage: shoot, nights: 16, region: FR, breakfast: false}\n",
    )
    over = _write(
        tmp_path,
        "over.yaml",
        "- {id: ademe_ngc.hotel_night.average_excl_breakfast, value: 20, unit: kgCO2e/room.night,"
        " source: hotel's own audit, uncertainty_kind: published, uncertainty_pct: 10}\n",
    )
    fp = api.estimate_uncertain(prod, samples=4000, seed=1, overrides=over)
    assert fp.total_kgco2e == pytest.approx(320)
    band = fp.uncertainty["lines"]["h"]
    assert band["low"] < 320 < band["high"]
    assert band["median"] == pytest.approx(320, rel=0.02)  # the override's ±10 % lognormal, median = value


def test_compare_productions_with_the_same_name(tmp_path: Path):
    a = _write(
        tmp_path, "a.yaml", "name: job\ncountry: FR\nactivities:\n  - {id: h, type: hotel, stage: shoot, nights: 2}\n"
    )
    b = _write(
        tmp_path, "b.yaml", "name: job\ncountry: FR\nactivities:\n  - {id: h, type: hotel, stage: shoot, nights: 4}\n"
    )
    data = api.compare([a, b]).to_dict()
    assert [s["name"] for s in data["scenarios"]] == ["job", "job (2)"]
    assert [s["ratio_to_lowest"] for s in data["scenarios"]] == [1.0, pytest.approx(2.0)]
    assert data["warnings"]
    mc = api.compare_uncertain([a, b], samples=200, seed=1).to_dict()
    assert set(mc["uncertainty"]["totals_kgco2e"]) == {"job", "job (2)"}


def test_a_zero_total_gives_no_ratio_interval_and_valid_json(tmp_path: Path):
    a = _write(
        tmp_path, "a.yaml", "name: a\ncountry: FR\nactivities:\n  - {id: h, type: hotel, stage: shoot, nights: 2}\n"
    )
    empty = _write(tmp_path, "e.yaml", "name: empty\nactivities: []\n")
    data = api.compare_uncertain([a, empty], samples=100, seed=1).to_dict()
    text = json.dumps(data, allow_nan=False)  # raises on NaN
    assert data["uncertainty"]["ratios"]["a"]["empty"] is None
    assert "NaN" not in text


def test_breakeven_on_iterations_starts_where_the_file_is():
    result = api.breakeven(
        REF / "ai-generated.yaml", REF / "studio-paris.yaml", vary="activities.key-visuals.iterations"
    )
    assert result["breakeven_value"] is not None and result["breakeven_value"] > 1000


def test_breakeven_on_a_dimensioned_field_written_as_a_parameter(tmp_path: Path):
    a = _write(
        tmp_path,
        "a.yaml",
        "name: a\ncountry: FR\nparameters: {d: 100 km}\nactivities:\n"
        "  - {id: t, type: train, stage: shoot, kind: tgv, distance: $d}\n",
    )
    b = _write(
        tmp_path,
        "b.yaml",
        "name: b\ncountry: FR\nactivities:\n  - {id: t, type: train, stage: shoot, kind: tgv, distance: 300 km}\n",
    )
    result = api.breakeven(a, b, vary="activities.t.distance")
    assert result["breakeven_value"] == pytest.approx(300, rel=1e-6) and result["unit"] == "km"


def test_levers_do_what_they_say():
    lever, value = parse_lever("vegetarian_catering")
    data = {
        "activities": [
            {"id": f"m{i}", "type": "meal", "kind": k, "count": 1}
            for i, k in enumerate(["meat_based_beef", "oily_fish", "vegan", "mixed"])
        ]
    }
    out, notes = lever.apply(data, value)
    assert [a["kind"] for a in out["activities"]] == ["vegetarian", "vegetarian", "vegan", "vegetarian"]
    assert len(notes) == 3

    lever, value = parse_lever("fewer_iterations")
    data = {
        "activities": [
            {"id": "a", "type": "text_to_image", "iterations": "$it * 2"},
            {"id": "b", "type": "text_to_image", "iterations": {"low": 10, "value": 40, "high": 80}},
        ]
    }
    out, _ = lever.apply(data, value)
    assert out["activities"][0]["iterations"] == "$it * 1.0"
    assert out["activities"][1]["iterations"] == {"low": 5.0, "value": 20.0, "high": 40.0}

    lever, value = parse_lever("train_instead_of_plane")
    data = {
        "activities": [
            {
                "id": "f",
                "type": "flight",
                "stage": "shoot",
                "from": "Paris, FR",
                "to": "Marseille, FR",
                "distance": "600 km",
                "engine": "turboprop",
                "factor": "ademe:28132",
                "cabin": "business",
            }
        ]
    }
    out, notes = lever.apply(data, value)
    assert out["activities"][0] == {
        "id": "f", "type": "train", "stage": "shoot", "from": "Paris, FR", "to": "Marseille, FR",
        "distance": "600 km", "kind": "rail",
    }  # fmt: skip
    assert "factor" in notes[0]


def test_set_keeps_country_codes_that_yaml_reads_as_booleans():
    assert parse_assignment("country=NO") == ("country", "NO")
    assert parse_assignment("activities.f.return=true") == ("activities.f.return", True)


def test_every_line_using_an_archived_factor_says_so(tmp_path: Path):
    prod = _write(
        tmp_path,
        "g.yaml",
        "name: g\ncountry: FR\nactivities:\n"
        "  - {id: g1, type: gas, stage: shoot, energy: 10 kWh, factor: 'ademe:12892'}\n"
        "  - {id: g2, type: gas, stage: shoot, energy: 20 kWh, factor: 'ademe:12892'}\n",
    )
    fp = api.estimate(prod)
    for line in fp.lines:
        assert "factor-archived" in [w.code for w in line.warnings], line.id


def test_converted_factor_draws_and_bounds_share_the_formula_unit(tmp_path: Path):
    prod = _write(
        tmp_path,
        "s.yaml",
        "name: s\nactivities:\n  - {id: s, type: spend, stage: shoot, amount: 1000 EUR, ratio: equipment_rental}\n",
    )
    fp = api.estimate_uncertain(prod, samples=2000, seed=3)
    use = fp.lines[0].factors[0]
    assert use.unit == "kgCO2e/EUR"
    assert use.uncertainty["low"] < use.value < use.uncertainty["high"]
    band = fp.uncertainty["lines"]["s"]
    assert band["low"] < fp.total_kgco2e < band["high"]
    assert np.isfinite(band["median"])

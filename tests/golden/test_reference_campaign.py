"""Golden totals of the reference campaign: a change in data or formulas that moves them must be seen.

When a change is intended (new data edition, corrected formula), update the figures here in the same
commit and say why in its message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shootprint.api import compare, estimate

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "examples" / "reference"
GOLDEN = Path(__file__).with_name("reference_totals.json")


def _files() -> list[Path]:
    return sorted(REF.glob("*.yaml"))


def test_every_reference_file_estimates_without_error():
    for path in _files():
        fp = estimate(path)
        assert fp.total_kgco2e > 0
        for line in fp.lines:
            assert line.emissions_kgco2e >= 0, line.id
            assert line.factors, line.id


def test_every_activity_of_the_reference_campaign_says_why():
    import yaml

    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for act in data["activities"]:
            assert act.get("reason"), f"{path.name}: {act['id']} has no reason"


def test_golden_totals():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    comparison = compare(_files())
    got = {fp.name: round(fp.total_kgco2e, 1) for fp in comparison.footprints}
    assert set(got) == set(golden), "reference files changed: regenerate reference_totals.json"
    for name, total in golden.items():
        assert got[name] == pytest.approx(total, rel=1e-6), name


def test_same_deliverables_in_every_way():
    deliverables = {json.dumps(estimate(p).metadata["deliverables"], sort_keys=True) for p in _files()}
    assert len(deliverables) == 1


def test_reference_studios_energy_from_what_is_used():
    """The two studios' energy, recomputed by hand from the factor rows: the building on every hire day,
    the lights of the file's own equipment lines on shoot days only; the per-day lump is not used."""
    grid_fr = 0.0519  # energy.grid.FR: ademe:43642, kgCO2e/kWh
    heating_fr = 0.215  # post_production.workspace.heating.FR: gas, ademe:37133, kgCO2e/kWh
    elec_m2_year, heat_m2_year, days_per_year = 121, 184, 220  # ademe:23624, ademe:23734, workspace.days_per_year
    hours = 10  # energy.studio.lighting_hours_per_day
    led_kw = 0.4  # the LED panel's power written in both files (0.1-0.65 kW)

    paris = {line.id: line for line in estimate(REF / "studio-paris.yaml").lines}
    # 5 hire days × 1,500 m² (energy.studio.large.area_m2)
    assert paris["studio-hire/building-electricity"].quantity == pytest.approx(5 * 1500 * elec_m2_year / days_per_year)
    paris_elec = 5 * 1500 * elec_m2_year / days_per_year * grid_fr  # 4,125 kWh → 214.1 kg
    paris_heat = 5 * 1500 * heat_m2_year / days_per_year * heating_fr  # 6,272.7 kWh → 1,348.6 kg
    # 3 shoot days × (6 × HMI 4000 (energy.fixture.hmi_4000.power 4 kW) + 16 LED panels × 0.4 kW) × 10 h
    paris_light_kwh = 3 * (6 * 4.0 + 16 * led_kw) * hours  # 912 kWh → 47.3 kg
    assert paris["studio-hire/lighting"].quantity == pytest.approx(paris_light_kwh)
    assert "energy.fixture.hmi_4000.power" in [f.id for f in paris["studio-hire/lighting"].factors]
    paris_studio = paris_elec + paris_heat + paris_light_kwh * grid_fr
    got = sum(line.emissions_kgco2e for lid, line in paris.items() if lid.startswith("studio-hire/"))
    assert got == pytest.approx(paris_studio)
    assert paris_studio == pytest.approx(1610.06, abs=0.01)  # the lump gave 5 × 2,600 kWh × 0.0519 = 674.7 kg

    hybrid = {line.id: line for line in estimate(REF / "hybrid-studio-ai.yaml").lines}
    # 2 hire days × 100 m² (energy.studio.small.area_m2); 1 shoot day × 8 LED panels × 0.4 kW × 10 h
    hybrid_studio = (
        2 * 100 * elec_m2_year / days_per_year * grid_fr  # 110 kWh → 5.7 kg
        + 2 * 100 * heat_m2_year / days_per_year * heating_fr  # 167.3 kWh → 36.0 kg
        + 1 * 8 * led_kw * hours * grid_fr  # 32 kWh → 1.7 kg
    )
    got = sum(line.emissions_kgco2e for lid, line in hybrid.items() if lid.startswith("studio-hire/"))
    assert got == pytest.approx(hybrid_studio)
    assert hybrid_studio == pytest.approx(43.33, abs=0.01)  # the lump gave 2 × 140 kWh × 0.0519 = 14.5 kg
    for lines in (paris, hybrid):
        assert not any("kwh_per_day" in f.id for line in lines.values() for f in line.factors)

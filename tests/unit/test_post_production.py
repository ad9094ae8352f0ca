"""Post-production and digital: screen work, render, storage, data transfer, video calls."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

import pytest

from shootprint.categories.post_production import screen_work
from shootprint.engine import Context, footprint
from shootprint.errors import InputError
from shootprint.factors import CSV_COLUMNS, FactorTable, row_from_strings, validate_row
from shootprint.production import validate

TABLE = FactorTable()

GRID_FR = 0.0519  # energy.grid.FR -> ademe:43642 (kgCO2e/kWh)
HOURS_PER_YEAR = 1600.0  # post_production.workstation.hours_per_year
MONITOR_KW = 0.025  # post_production.workstation.monitor.power
MONITOR_KG = 248.0  # post_production.workstation.monitor.embodied -> ademe:27006
MONITOR_YEARS = 6.0  # post_production.workstation.monitor.lifetime
PUE = 1.5  # post_production.datacentre.pue
H_PER_MONTH = 730.5  # pint: a month is a twelfth of a 365.25-day year


def run(*activities: dict[str, Any], country: str = "FR") -> Any:
    prod = validate({"name": "t", "country": country, "activities": list(activities)})
    return footprint(prod, TABLE)


def lines_by_id(fp: Any) -> dict[str, Any]:
    return {line.id: line for line in fp.lines}


def ws(**extra: Any) -> dict[str, Any]:
    return {"id": "w", "type": "workstation", "stage": "post-production", "hours": "100 h", **extra}


# -- workstation -------------------------------------------------------------------------------


def test_desktop_two_people_hundred_hours() -> None:
    lines = lines_by_id(run(ws(count=2)))
    assert set(lines) == {"w/use", "w/embodied", "w/monitors-embodied"}
    person_hours = 200.0
    power_kw = 0.08  # post_production.workstation.desktop.power
    monitors = 1.0  # post_production.workstation.desktop.monitors
    energy_kwh = person_hours * (power_kw + monitors * MONITOR_KW)
    assert lines["w/use"].quantity == pytest.approx(energy_kwh)
    assert lines["w/use"].emissions_kgco2e == pytest.approx(energy_kwh * GRID_FR)
    embodied = 169.0  # post_production.workstation.desktop.embodied -> ademe:27003
    years = 6.0  # post_production.workstation.desktop.lifetime
    assert lines["w/embodied"].emissions_kgco2e == pytest.approx(person_hours * embodied / (years * HOURS_PER_YEAR))
    assert lines["w/embodied"].quantity == person_hours
    assert lines["w/embodied"].quantity_status == "input"
    monitor_hours = person_hours * monitors
    assert lines["w/monitors-embodied"].quantity == pytest.approx(monitor_hours)
    assert lines["w/monitors-embodied"].quantity_status == "default"  # monitors per desktop: a default
    assert lines["w/monitors-embodied"].emissions_kgco2e == pytest.approx(
        monitor_hours * MONITOR_KG / (MONITOR_YEARS * HOURS_PER_YEAR)
    )
    assert lines["w/use"].category == "post_production"


def test_gpu_workstation_chain_lists_every_factor() -> None:
    lines = lines_by_id(run(ws(kind="desktop_gpu")))
    use_ids = [f.id for f in lines["w/use"].factors]
    assert use_ids == [
        "energy.grid.FR",
        "post_production.workstation.desktop_gpu.power",
        "post_production.workstation.desktop_gpu.monitors",
        "post_production.workstation.monitor.power",
        "ai.wue.offsite.FR",  # water of the electricity's generation (indicator, not CO2e)
    ]
    emb = [(f.id, f.operation) for f in lines["w/embodied"].factors]
    assert emb == [
        ("post_production.workstation.desktop_gpu.embodied", "×"),
        ("post_production.workstation.desktop_gpu.lifetime", "÷"),
        ("post_production.workstation.hours_per_year", "÷"),
    ]
    monitors = [(f.id, f.operation) for f in lines["w/monitors-embodied"].factors]
    assert monitors == [
        ("post_production.workstation.monitor.embodied", "×"),
        ("post_production.workstation.monitor.lifetime", "÷"),
        ("post_production.workstation.hours_per_year", "÷"),
        ("post_production.workstation.desktop_gpu.monitors", "in quantity"),
    ]
    # 100 h × (0.35 kW + 2 × 0.025 kW) × grid; 100 h × 296 ÷ 5 ÷ 1600; 100 h × 2 × 248 ÷ 6 ÷ 1600
    assert lines["w/use"].emissions_kgco2e == pytest.approx(100 * (0.35 + 2 * MONITOR_KW) * GRID_FR)
    assert lines["w/embodied"].emissions_kgco2e == pytest.approx(100 * 296.0 / 5 / HOURS_PER_YEAR)
    assert lines["w/monitors-embodied"].quantity == pytest.approx(200)
    assert lines["w/monitors-embodied"].emissions_kgco2e == pytest.approx(
        200 * MONITOR_KG / MONITOR_YEARS / HOURS_PER_YEAR
    )


def test_laptop_with_explicit_monitor_count() -> None:
    lines = lines_by_id(run(ws(kind="laptop", hours="10 h", monitors=1)))
    # laptop: 0.03 kW, ademe:27002 156 kg, 5 years
    assert lines["w/use"].emissions_kgco2e == pytest.approx(10 * (0.03 + MONITOR_KW) * GRID_FR)
    assert lines["w/embodied"].emissions_kgco2e == pytest.approx(10 * 156.0 / (5 * HOURS_PER_YEAR))
    monitors = lines["w/monitors-embodied"]
    assert monitors.quantity == pytest.approx(10) and monitors.quantity_status == "input"
    assert monitors.emissions_kgco2e == pytest.approx(10 * MONITOR_KG / (MONITOR_YEARS * HOURS_PER_YEAR))
    for line in lines.values():
        assert "post_production.workstation.laptop.monitors" not in [f.id for f in line.factors]


def test_workstation_linear_in_hours_and_count() -> None:
    one = lines_by_id(run(ws(hours="7 h")))
    more = lines_by_id(run(ws(hours="21 h", count=3)))
    for suffix in ("w/use", "w/embodied", "w/monitors-embodied"):
        assert more[suffix].emissions_kgco2e == pytest.approx(9 * one[suffix].emissions_kgco2e)


def test_workstation_pinned_factor_replaces_embodied() -> None:
    lines = lines_by_id(run(ws(factor="ademe:27004")))
    line = lines["w/embodied"]
    assert line.factor_id == "ademe:27004" and line.factor_status == "pinned"
    assert line.emissions_kgco2e == pytest.approx(100 * 296.0 / (6 * HOURS_PER_YEAR))
    assert lines["w/monitors-embodied"].emissions_kgco2e == pytest.approx(
        100 * MONITOR_KG / (MONITOR_YEARS * HOURS_PER_YEAR)
    )


def test_region_without_grid_falls_back_to_world_with_warning() -> None:
    fp = run(ws(region="AQ"))
    use = lines_by_id(fp)["w/use"]
    assert use.factors[0].id == "energy.grid.WORLD"
    assert any(w.code == "region-fallback-world" for w in use.warnings)
    assert use.emissions_kgco2e == pytest.approx(use.quantity * use.factors[0].value)


def test_screen_work_is_callable_by_other_categories() -> None:
    ctx = Context(table=TABLE, parameters={})
    use, embodied, monitors = screen_work(ctx, person_hours=8.0, kind="laptop", region="FR", suffix_prefix="artist-")
    assert (use.suffix, embodied.suffix, monitors.suffix) == (
        "artist-use",
        "artist-embodied",
        "artist-monitors-embodied",
    )
    assert monitors.emissions_kgco2e == 0
    # laptop default: 0 monitors
    assert use.emissions_kgco2e == pytest.approx(8 * 0.03 * GRID_FR)
    assert embodied.emissions_kgco2e == pytest.approx(8 * 156.0 / (5 * HOURS_PER_YEAR))


# -- render ------------------------------------------------------------------------------------


def render(**extra: Any) -> dict[str, Any]:
    return {"id": "r", "type": "render", "stage": "post-production", "hours": "10 h", **extra}


def test_render_defaults() -> None:
    (line,) = run(render()).lines
    power_kw = 1.0  # post_production.render.power
    assert line.quantity == pytest.approx(10 * power_kw * PUE)
    assert line.emissions_kgco2e == pytest.approx(10 * power_kw * PUE * GRID_FR)
    assert [f.id for f in line.factors] == [
        "energy.grid.FR",
        "post_production.render.power",
        "post_production.datacentre.pue",
        "ai.wue.offsite.FR",  # water of the electricity's generation
    ]
    assert line.quantity_status == "default"


def test_render_given_power_pue_and_nodes() -> None:
    (line,) = run(render(power="500 W", pue=1.1, count=2)).lines
    assert line.emissions_kgco2e == pytest.approx(10 * 2 * 0.5 * 1.1 * GRID_FR)
    assert [f.id for f in line.factors] == ["energy.grid.FR", "ai.wue.offsite.FR"]
    assert line.quantity_status == "input"


def test_render_pinned_cloud_region() -> None:
    (line,) = run(render(power="2 kW", pue=1.1, factor="codecarbon.cloud.gcp.europe_west9")).lines
    # codecarbon.cloud.gcp.europe_west9: 34 gCO2e/kWh
    assert line.emissions_kgco2e == pytest.approx(10 * 2 * 1.1 * 0.034)
    assert line.factor_status == "pinned"


# -- storage -----------------------------------------------------------------------------------


def store(**extra: Any) -> dict[str, Any]:
    return {"id": "s", "type": "storage", "stage": "post-production", "volume": "500 GB", "months": 12, **extra}


def test_storage_hdd_default_chain() -> None:
    (line,) = run(store()).lines
    tb_months = 0.5 * 12
    hdd_wh_per_tb_h = 0.65  # ccf.storage_hdd
    copies = 3.0  # post_production.storage.replication
    expected = tb_months * hdd_wh_per_tb_h / 1000 * H_PER_MONTH * copies * PUE * GRID_FR
    assert line.quantity == pytest.approx(tb_months) and line.unit == "TB.month"
    assert line.emissions_kgco2e == pytest.approx(expected)


def test_storage_ssd_with_given_replication_and_pue() -> None:
    (line,) = run(store(volume="2 TB", months=3, medium="ssd", replication=2, pue=1.2)).lines
    # ccf.storage_ssd 1.2 Wh/TB.h
    assert line.emissions_kgco2e == pytest.approx(2 * 3 * 1.2 / 1000 * H_PER_MONTH * 2 * 1.2 * GRID_FR)
    assert [f.id for f in line.factors] == ["energy.grid.FR", "post_production.storage.ssd.energy", "ai.wue.offsite.FR"]


def test_storage_pinned_per_gb_year_factor() -> None:
    (line,) = run(store(volume="2 TB", months=6, factor="post_production.storage.cloud_fr")).lines
    # ademe_impactco2.digital.storage_per_gb_year: 0.00023533417 kgCO2e per GB and year
    assert line.emissions_kgco2e == pytest.approx(2000 * 0.5 * 0.00023533417)
    assert line.factor_status == "pinned"


def test_storage_linear_in_volume_and_months() -> None:
    one = run(store(volume="1 TB", months=1)).lines[0].emissions_kgco2e
    more = run(store(volume="4 TB", months=6)).lines[0].emissions_kgco2e
    assert more == pytest.approx(24 * one)


# -- data transfer, video calls -----------------------------------------------------------------


def test_data_transfer_fixed_and_mobile() -> None:
    fixed = run({"id": "d", "type": "data_transfer", "stage": "post-production", "volume": "100 GB"})
    # ademe_impactco2.digital.data_transfer_per_gb_fixed_fr
    assert fixed.lines[0].emissions_kgco2e == pytest.approx(100 * 0.0095046809)
    mobile = run({"id": "d", "type": "data_transfer", "stage": "shoot", "volume": "2 TB", "network": "mobile"})
    # ademe_agec.mobile_network_simplified: 49.4 gCO2e/GB
    assert mobile.lines[0].emissions_kgco2e == pytest.approx(2000 * 0.0494)


def test_data_transfer_outside_france_warns() -> None:
    fp = run({"id": "d", "type": "data_transfer", "stage": "shoot", "volume": "10 GB"}, country="DE")
    assert any(w.code == "network-factor-france" for w in fp.lines[0].warnings)


def test_data_transfer_pinned() -> None:
    fp = run(
        {
            "id": "d",
            "type": "data_transfer",
            "stage": "shoot",
            "volume": "10 GB",
            "factor": "post_production.data_transfer.mobile",
        }
    )
    assert fp.lines[0].factor_status == "pinned"
    assert fp.lines[0].emissions_kgco2e == pytest.approx(10 * 0.0494)


def test_review_meeting_four_lines() -> None:
    fp = run(
        {
            "id": "m",
            "type": "review_meeting",
            "stage": "post-production",
            "hours": "1.5 h",
            "participants": 4,
        }
    )
    lines = lines_by_id(fp)
    assert set(lines) == {"m/use", "m/embodied", "m/monitors-embodied", "m/network"}
    person_hours = 6.0
    assert lines["m/use"].emissions_kgco2e == pytest.approx(person_hours * 0.03 * GRID_FR)
    assert lines["m/embodied"].emissions_kgco2e == pytest.approx(person_hours * 156.0 / (5 * HOURS_PER_YEAR))
    gb_per_hour = 1.35  # post_production.video_call.gb_per_hour
    assert lines["m/network"].emissions_kgco2e == pytest.approx(person_hours * gb_per_hour * 0.0095046809)


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "path"),
    [
        ({"id": "w", "type": "workstation", "stage": "post-production"}, "activities.w.hours"),
        (ws(kind="mainframe"), "activities.w.kind"),
        (ws(hours="3 kg"), "activities.w.hours"),
        (ws(hours=3), "activities.w.hours"),
        (render(power="3 km"), "activities.r.power"),
        (store(volume="2 kWh"), "activities.s.volume"),
        (store(medium="tape"), "activities.s.medium"),
        (
            {"id": "d", "type": "data_transfer", "stage": "shoot", "volume": "1 GB", "network": "5g"},
            "activities.d.network",
        ),
    ],
)
def test_bad_input_names_the_field(activity: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError, match=path.replace(".", r"\.")):
        run(activity)


def test_pinned_factor_in_wrong_unit_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"activities\.w\.factor"):
        run(ws(factor="ademe:43642"))


# -- data --------------------------------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    path = resources.files("shootprint.data").joinpath("curated/post_production.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def test_every_row_is_valid_and_resolves() -> None:
    for raw in _rows():
        row = row_from_strings(raw, "curated")
        assert validate_row(row) == [], row.id
        resolved = TABLE.resolve(row.id)
        unc = resolved.uncertainty_row
        assert unc is not None, row.id
        if unc.uncertainty_kind == "judgement":
            assert unc.uncertainty_reason and unc.low is not None and unc.high is not None, row.id
            assert unc.low <= resolved.value <= unc.high, row.id
        else:
            assert unc.uncertainty_kind == "published" and unc.uncertainty_pct, row.id
        if not row.alias_of:
            assert row.licence and row.source, row.id


def test_workspace_office_home_suite_hand_computed() -> None:
    from shootprint.engine import footprint as _footprint
    from shootprint.factors import FactorTable as _Table
    from shootprint.production import validate as _validate

    def lines(act: dict[str, object]) -> list[object]:
        prod = _validate({"name": "t", "country": "FR", "activities": [{"id": "w", "stage": "post-production", **act}]})
        return list(_footprint(prod, _Table()).lines)

    # office: 10 person-days × 12 m² (post_production.workspace.office.area_m2, after NF X35-102) ÷ 220 days
    # electricity 121 kWh/m².year (ademe:23624) × FR grid 0.0519 (energy.grid.FR = ademe:43642)
    # heating 184 kWh/m².year (ademe:23734) × natural gas 0.215 (ademe:37133)
    elec, heat = lines({"type": "workspace", "person_days": 10})
    assert elec.emissions_kgco2e == pytest.approx(10 * 12 * 121 / 220 * 0.0519)
    assert heat.emissions_kgco2e == pytest.approx(10 * 12 * 184 / 220 * 0.215)
    assert heat.id == "w/heating" and elec.unit == "kWh"
    # home: 10 m², heating of a flat built after 1975 with gas, 125 kWh/m².year (ademe:23145)
    _, home_heat = lines({"type": "workspace", "person_days": 10, "place": "home"})
    assert home_heat.emissions_kgco2e == pytest.approx(10 * 10 * 125 / 220 * 0.215)
    # a post-production suite with the area written: 15 m² instead of the 20 m² default
    suite_elec, _ = lines({"type": "workspace", "person_days": 4, "place": "post_suite", "area_m2_per_person": 15})
    assert suite_elec.emissions_kgco2e == pytest.approx(4 * 15 * 121 / 220 * 0.0519)
    # a country without its heating row: the world row (natural gas) and a warning
    prod = _validate(
        {
            "name": "t",
            "country": "ZA",
            "activities": [{"id": "w", "stage": "post-production", "type": "workspace", "person_days": 1}],
        }
    )
    za_heat = _footprint(prod, _Table()).lines[1]
    assert za_heat.emissions_kgco2e == pytest.approx(12 * 184 / 220 * 0.215)
    assert "region-fallback-world" in {w.code for w in za_heat.warnings}
    # the electricity line carries the water of its generation: ai.wue.offsite.FR 3.6737 L/kWh; heating none
    assert elec.indicators["water_electricity_l"] == pytest.approx(10 * 12 * 121 / 220 * 3.6737)
    assert "water_electricity_l" not in heat.indicators
    # --exclude workspace leaves the lines out (their tag)
    assert _footprint(prod, _Table(), exclude=("workspace",)).total_kgco2e == 0

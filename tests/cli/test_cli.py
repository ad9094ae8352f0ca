"""The CLI through its real entry point (the installed ``shootprint`` script)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "shootprint"
EXE = str(BIN) if BIN.exists() else shutil.which("shootprint")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert EXE, "the shootprint script is not installed"
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for cmd in ("factors", "estimate", "compare", "sensitivity", "whatif", "breakeven", "diff", "track"):
        assert cmd in out.stdout


def test_factors_search_french_and_english():
    fr = run("factors", "search", "électricité", "--limit", "5")
    en = run("factors", "search", "electricity", "--limit", "5")
    assert fr.returncode == 0 and en.returncode == 0
    assert len(fr.stdout.splitlines()) == 5


def test_factors_search_nothing_found_suggests_words():
    out = run("factors", "search", "electrisite")
    assert out.returncode == 1
    assert "Close words" in out.stderr and "electricite" in out.stderr


def test_factors_show():
    out = run("factors", "show", "ademe:43741")
    assert out.returncode == 0
    text = out.stdout
    for needle in ("value", "0.185", "kgCO2e/passenger.km", "uncertainty_pct", "70", "Licence Ouverte", "posts:"):
        assert needle in text
    js = json.loads(run("factors", "show", "energy.grid.FR", "--format", "json").stdout)
    assert js["alias_of"] == "ademe:43642" and js["resolved"]["value"] == pytest.approx(0.0519)


def test_factors_show_unknown_id_no_traceback():
    out = run("factors", "show", "energy.grid.FRR")
    assert out.returncode == 2
    assert "energy.grid.FR" in out.stderr and "Traceback" not in out.stderr


def test_factors_export_csv_has_every_factor(tmp_path):
    out = run("factors", "export", "--format", "csv", "--out", str(tmp_path / "f.csv"))
    assert out.returncode == 0
    with (tmp_path / "f.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    needed = {
        "id",
        "value",
        "unit",
        "uncertainty_pct",
        "uncertainty_kind",
        "source",
        "source_id",
        "year",
        "region",
        "status",
        "licence",
    }
    assert needed <= set(rows[0])
    ademe = [r for r in rows if r["id"].startswith("ademe:")]
    assert len(ademe) == 12817
    row = next(r for r in ademe if r["id"] == "ademe:43741")
    assert row["source_id"] == "43741"
    assert any(r["id"] == "energy.grid.FR" for r in rows)


def test_factors_export_json():
    out = run("factors", "export", "--format", "json")
    data = json.loads(out.stdout)
    assert len([r for r in data if r["id"].startswith("ademe:")]) == 12817


def _prod(tmp_path: Path, name: str, kwh: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\ncountry: FR\nshoot_days: 1\ndeliverables: {{still_images: 2}}\nactivities:\n"
        f"  - {{id: power, type: electricity, stage: shoot, energy: {kwh}, reason: meter reading}}\n",
        encoding="utf-8",
    )
    return path


def test_estimate_table_json_csv(tmp_path):
    path = _prod(tmp_path, "a", "100 kWh")
    table = run("estimate", str(path))
    assert table.returncode == 0 and "Total: 5.2 kgCO2e" in table.stdout
    js = json.loads(run("estimate", str(path), "--format", "json").stdout)
    for key in ("total_kgco2e", "by_category", "by_stage", "intensities", "versions", "warnings", "lines"):
        assert key in js
    line = js["lines"][0]
    for key in (
        "id",
        "category",
        "stage",
        "label",
        "quantity",
        "unit",
        "quantity_status",
        "factor_id",
        "factor_value",
        "source",
        "factor_status",
        "factors",
        "emissions_kgco2e",
        "warnings",
    ):
        assert key in line
    assert js["versions"]["factor_set"] == "ademe"
    rows = list(csv.DictReader(io.StringIO(run("estimate", str(path), "--format", "csv").stdout)))
    assert rows[0]["factor_id"] == "energy.grid.FR"


def test_compare_ratios_and_categories(tmp_path):
    a, b = _prod(tmp_path, "a", "100 kWh"), _prod(tmp_path, "b", "300 kWh")
    js = json.loads(run("compare", str(a), str(b), "--format", "json").stdout)
    ratios = {s["name"]: s["ratio_to_lowest"] for s in js["scenarios"]}
    assert ratios == {"a": 1.0, "b": pytest.approx(3.0)}
    assert js["categories_kgco2e"]["energy"]["b"] == pytest.approx(300 * 0.0519)
    out = run("compare", str(a), str(b), "--samples", "500", "--seed", "3")
    assert out.returncode == 0 and "P(lower than a)" in out.stdout


def test_estimate_bad_file_exits_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nactivities:\n  - {id: p, type: electricity, stage: shoot, energy: -1 kWh}\n")
    out = run("estimate", str(path))
    assert out.returncode == 2
    assert "bad.yaml" in out.stderr and "activities.p.energy" in out.stderr and "Traceback" not in out.stderr


def test_factor_set_and_overrides_options(tmp_path):
    path = _prod(tmp_path, "a", "100 kWh")
    over = tmp_path / "over.yaml"
    over.write_text(
        "- {id: energy.grid.FR, value: 0.1, unit: kgCO2e/kWh, source: my supplier, uncertainty_kind: judgement,"
        " low: 0.09, high: 0.11, uncertainty_reason: certificate}\n"
    )
    js = json.loads(run("estimate", str(path), "--factors", str(over), "--format", "json").stdout)
    assert js["total_kgco2e"] == pytest.approx(10.0)
    assert js["overrides_used"] == ["energy.grid.FR"]
    assert js["lines"][0]["factor_status"] == "override"
    js2 = json.loads(run("estimate", str(path), "--factor-set", "desnz", "--format", "json").stdout)
    assert js2["versions"]["factor_set"] == "desnz"


def test_set_option_changes_a_field(tmp_path):
    path = _prod(tmp_path, "a", "100 kWh")
    js = json.loads(run("estimate", str(path), "--set", "activities.power.energy=200", "--format", "json").stdout)
    assert js["lines"][0]["quantity"] == 200


def test_diff_and_breakeven(tmp_path):
    a, b = _prod(tmp_path, "a", "100 kWh"), _prod(tmp_path, "b", "150 kWh")
    d = json.loads(run("diff", str(a), str(b), "--format", "json").stdout)
    assert d["change_kgco2e"] == pytest.approx(50 * 0.0519)
    assert d["lines"][0]["share_of_change"] == pytest.approx(1.0)
    be = json.loads(run("breakeven", str(a), str(b), "--vary", "activities.power.energy", "--format", "json").stdout)
    assert be["breakeven_value"] == pytest.approx(150)


def test_compare_lines_csv_has_one_row_per_line_with_sources(tmp_path):
    a, b = _prod(tmp_path, "a", "100 kWh"), _prod(tmp_path, "b", "300 kWh")
    out = run("compare", str(a), str(b), "--format", "csv", "--lines")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["scenario"] for r in rows] == ["a", "b"]
    assert rows[1]["source"] == "ADEME Base Carbone V23.6" and rows[1]["factor_chain"].startswith("energy.grid.FR=")

"""The XLSX template, its import and the footprint exports (openpyxl; LibreOffice when installed)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from shootprint.api import estimate
from shootprint.categories import models, registry
from shootprint.errors import InputError
from shootprint.production import validate
from shootprint.spreadsheet import (
    import_workbook,
    workbook_to_yaml,
    write_footprints_csv,
    write_footprints_xlsx,
    write_template,
)

#: the production the filled workbooks must reproduce
EXAMPLE_YAML = """
name: Spring campaign
client: Maison Exemple
version: forecast
country: FR
shoot_days: 2
deliverables: {still_images: 40, film_seconds: 30}
parameters:
  crew: 6
activities:
  - {id: power, type: electricity, stage: shoot, energy: "120.5 kWh", reason: meter reading}
  - {id: fly, type: flight, stage: shoot, from: CDG, to: LIS, return: true, travellers: "$crew"}
  - {id: tgv, type: train, stage: pre-production, distance: "450 km", kind: tgv, travellers: 3}
  - {id: rooms, type: hotel, stage: shoot, nights: 12, region: PT}
  - {id: lunch, type: meal, stage: shoot, kind: vegetarian, count: {low: 20, high: 30}}
  - {id: stage-a, type: studio, stage: shoot, days: "2 day", size: large}
"""

#: the same production as typed into the English template: sheet → rows of {header: cell}
PRODUCTION_CELLS = {
    "name": "Spring campaign",
    "client": "Maison Exemple",
    "version": "forecast",
    "country": "FR",
    "shoot days": 2,
    "still images": 40,
    "film seconds": 30,
}
ACTIVITY_CELLS: dict[str, list[dict[str, Any]]] = {
    "energy": [
        # a decimal comma, as French users type it
        {"id": "power", "type": "electricity", "stage": "shoot", "energy (kWh)": "120,5", "reason": "meter reading"},
        {"id": "stage-a", "type": "studio", "stage": "shoot", "days (day)": 2, "size": "large"},
    ],
    "travel": [
        {
            "id": "fly",
            "type": "flight",
            "stage": "shoot",
            "from": "CDG",
            "to": "LIS",
            "return trip": "yes",
            "travellers": "$crew",
        },
        # a value with its own unit, in a km column
        {
            "id": "tgv",
            "type": "train",
            "stage": "pre-production",
            "distance (km)": "450 km",
            "kind": "tgv",
            "travellers": 3,
        },
    ],
    "accommodation": [{"id": "rooms", "type": "hotel", "stage": "shoot", "nights": 12, "region": "PT"}],
    "catering": [{"id": "lunch", "type": "meal", "stage": "shoot", "kind": "vegetarian", "count": "20-30"}],
}
FRENCH = {  # the same, in the French template (sheet and header names)
    "sheets": {
        "energy": "énergie",
        "travel": "déplacements",
        "accommodation": "hébergement",
        "catering": "restauration",
    },
    "headers": {
        "id": "identifiant",
        "stage": "étape",
        "energy (kWh)": "énergie (kWh)",
        "reason": "justification",
        "days (day)": "jours (day)",
        "size": "taille",
        "from": "départ",
        "to": "arrivée",
        "return trip": "aller-retour",
        "travellers": "voyageurs",
        "distance (km)": "distance (km)",
        "kind": "sorte",
        "nights": "nuits",
        "region": "pays",
        "count": "nombre",
        "type": "type",
    },
    "production": {
        "name": "nom",
        "client": "client",
        "version": "version",
        "country": "pays",
        "shoot days": "jours de tournage",
        "still images": "images fixes",
        "film seconds": "secondes de film",
    },
}


def _header_columns(ws: Any) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


def _fill(path: Path, lang: str = "en", activity_cells: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """Type the example production into a template, as a user would (below the grey rows)."""
    wb = openpyxl.load_workbook(path)
    fr = lang == "fr"
    prod = wb["production"]
    labels = {str(prod.cell(r, 1).value): r for r in range(2, prod.max_row + 1)}
    for key, value in PRODUCTION_CELLS.items():
        prod.cell(labels[FRENCH["production"][key] if fr else key], 2, value)
    params = wb["paramètres" if fr else "parameters"]
    params.append(["crew", 6, None])
    for sheet, rows in (activity_cells or ACTIVITY_CELLS).items():
        ws = wb[FRENCH["sheets"][sheet] if fr else sheet]
        cols = _header_columns(ws)
        for row in rows:
            r = ws.max_row + 1
            for header, value in row.items():
                ws.cell(r, cols[FRENCH["headers"][header] if fr else header], value)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def yaml_footprint(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("yaml") / "production.yaml"
    path.write_text(EXAMPLE_YAML, encoding="utf-8")
    return estimate(path)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "filled.xlsx"
    return _fill(write_template(path))


def _same_footprint(data: dict[str, Any], expected: Any) -> None:
    fp = estimate(validate(data, "imported"))
    assert fp.total_kgco2e == pytest.approx(expected.total_kgco2e, rel=1e-12)
    assert {line.id: line.emissions_kgco2e for line in fp.lines} == pytest.approx(
        {line.id: line.emissions_kgco2e for line in expected.lines}, rel=1e-12
    )
    assert fp.intensities == pytest.approx(expected.intensities)


# -- template --------------------------------------------------------------------------------


def test_template_has_a_sheet_per_category_built_from_the_models(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    categories = {cat for cat, _ in registry().values()}
    for cat in categories:
        assert cat.replace("_", "-") in wb.sheetnames, cat
    assert {"production", "parameters"} <= set(wb.sheetnames)
    travel = _header_columns(wb["travel"])
    for header in ("id", "type", "stage", "distance (km)", "cabin", "fuel", "travellers", "reason"):
        assert header in travel
    # every field of every type is a column (a quantity with its unit), whatever the category — but
    # `measured`, which names tracker records only a production file can list (records:), and a
    # studio's `lighting` and `equipment`, lists of items a cell cannot hold (a production file's)
    for type_name, model in models().items():
        ws = wb[registry()[type_name][0].replace("_", "-")]
        headers = {h.split(" (")[0] for h in _header_columns(ws)}
        schema = model.model_json_schema(mode="validation")["properties"]
        for name in schema:
            if name not in ("end_of_life", "measured", "lighting", "equipment"):
                assert name.replace("_", " ") in headers or name == "return", (type_name, name)


def test_template_drop_downs_and_grey_examples(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = wb["travel"]
    cols = _header_columns(ws)
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter
    assert "shoot" in lists[f"{letter(cols['stage'])}2"]
    assert "flight" in lists[f"{letter(cols['type'])}2"] and "motorbike" in lists[f"{letter(cols['type'])}2"]
    assert "premium_economy" in lists[f"{letter(cols['cabin'])}2"]
    assert "diesel" in lists[f"{letter(cols['fuel'])}2"]
    # long lists live on the (visible) choices sheet
    sets = wb["sets"]
    long_lists = [dv.formula1 for dv in sets.data_validations.dataValidation if dv.formula1.startswith("=")]
    assert long_lists and all("choices" in f for f in long_lists)
    examples = [ws.cell(r, 1) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in examples][:2] == ["example-flight", "example-train"]
    assert all(c.font.italic and c.font.color.rgb.endswith("808080") for c in examples)


def test_template_hides_nothing(tmp_path: Path) -> None:
    for lang in ("en", "fr"):
        wb = openpyxl.load_workbook(write_template(tmp_path / f"t-{lang}.xlsx", lang))
        for ws in wb.worksheets:
            assert ws.sheet_state == "visible"
            assert not any(d.hidden for d in ws.column_dimensions.values())
            assert not any(d.hidden for d in ws.row_dimensions.values())


def test_template_in_french(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "fr"))
    assert "déplacements" in wb.sheetnames and "lisez-moi" in wb.sheetnames
    headers = _header_columns(wb["déplacements"])
    assert "identifiant" in headers and "étape" in headers and "distance (km)" in headers
    with pytest.raises(InputError, match="accepted: en, fr"):
        write_template(tmp_path / "x.xlsx", "de")


def test_empty_template_imports_to_a_missing_name(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        import_workbook(write_template(tmp_path / "t.xlsx"))
    assert exc.value.problems == ["t.xlsx: sheet 'production', row 2, column 'value': required: the production's name"]


# -- round trips -----------------------------------------------------------------------------


def test_filled_template_gives_the_yaml_footprint(filled: Path, yaml_footprint: Any) -> None:
    data = import_workbook(filled)
    assert data["name"] == "Spring campaign" and data["deliverables"] == {"still_images": 40, "film_seconds": 30}
    acts = {a["id"]: a for a in data["activities"]}
    assert set(acts) == {"power", "fly", "tgv", "rooms", "lunch", "stage-a"}  # the grey examples are skipped
    assert acts["power"]["energy"] == "120.5 kWh"  # decimal comma; the header's unit written out
    assert acts["stage-a"]["days"] == "2 day"
    assert acts["tgv"]["distance"] == "450 km"
    assert acts["lunch"]["count"] == {"low": 20, "high": 30}
    assert acts["fly"]["return"] is True and acts["fly"]["travellers"] == "$crew"
    assert data["parameters"] == {"crew": 6}
    _same_footprint(data, yaml_footprint)


def test_french_template_round_trip(tmp_path: Path, yaml_footprint: Any) -> None:
    path = _fill(write_template(tmp_path / "modele.xlsx", "fr"), "fr")
    _same_footprint(import_workbook(path), yaml_footprint)


def test_values_alone_import_the_same(filled: Path, tmp_path: Path, yaml_footprint: Any) -> None:
    """No style, comment, drop-down or hidden cell does any work: a values-only copy imports the same."""
    src = openpyxl.load_workbook(filled)
    dst = openpyxl.Workbook()
    dst.remove(dst.active)
    for ws in src.worksheets:
        copy = dst.create_sheet(ws.title)
        for row in ws.iter_rows(values_only=True):
            copy.append(list(row))
    path = tmp_path / "values.xlsx"
    dst.save(path)
    assert import_workbook(path) == import_workbook(filled)
    _same_footprint(import_workbook(path), yaml_footprint)


def test_workbook_to_yaml(filled: Path, yaml_footprint: Any) -> None:
    text = workbook_to_yaml(filled)
    assert "energy: 120.5 kWh" in text
    assert str(filled.parent) not in text  # no machine path in the file
    _same_footprint(yaml.safe_load(text), yaml_footprint)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not _soffice() and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_round_trip(filled: Path, tmp_path: Path, yaml_footprint: Any) -> None:
    soffice = _soffice()
    assert soffice, "CI needs LibreOffice: apt-get install libreoffice-calc-nogui"
    # a formula typed by the user is read through the value LibreOffice saves with it
    wb = openpyxl.load_workbook(filled)
    ws = wb["accommodation"]
    ws.cell(ws.max_row, _header_columns(ws)["nights"], "=6*2")
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    out = tmp_path / "lo"
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(filled),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "HOME": str(home)},
    )
    saved = out / filled.name
    assert saved.is_file(), result.stdout + result.stderr
    _same_footprint(import_workbook(saved), yaml_footprint)


# -- errors ----------------------------------------------------------------------------------


def test_malformed_workbook_lists_every_problem_with_sheet_row_column(tmp_path: Path) -> None:
    cells = {
        "travel": [
            {"id": "bad-number", "type": "train", "stage": "shoot", "distance (km)": "douze", "kind": "tgv"},
            {"id": "bad-choice", "type": "flight", "stage": "shoot", "from": "CDG", "to": "LIS", "cabin": "platinum"},
            {"id": "bad-stage", "type": "train", "stage": "wrap", "distance (km)": 10},
            {"id": "bad-type", "type": "hotel", "stage": "shoot"},
        ],
        "accommodation": [{"id": "no-nights", "type": "hotel", "stage": "shoot"}],
        "energy": [{"id": "bad-bool", "type": "electricity", "stage": "shoot", "energy (kWh)": "1,5,5"}],
    }
    path = _fill(write_template(tmp_path / "bad.xlsx"), activity_cells=cells)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("notes")["A1"] = "my notes"
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_workbook(path)
    problems = exc.value.problems
    text = "\n".join(problems)
    # the grey examples take rows 2-8 of travel (7 types), so user rows start at 9
    assert "bad.xlsx: sheet 'travel', row 9, column 'distance (km)': cannot read 'douze'" in text
    assert "sheet 'travel', row 10, column 'cabin': 'platinum' is not a choice; accepted: 'unknown', 'economy'" in text
    assert "sheet 'travel', row 11, column 'stage': 'wrap' is not a choice" in text
    assert "sheet 'travel', row 12, column 'type': type 'hotel' belongs on sheet 'accommodation'" in text
    assert "sheet 'accommodation', row 3, column 'nights': required for type 'hotel'" in text
    assert "sheet 'energy', row 6, column 'energy (kWh)'" in text
    assert "sheet 'notes': unknown sheet; accepted: production, parameters, travel" in text
    assert len(problems) == 7


def test_header_without_unit_refuses_bare_numbers(tmp_path: Path) -> None:
    path = _fill(write_template(tmp_path / "t.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["energy"]
    col = _header_columns(ws)["energy (kWh)"]
    ws.cell(1, col, "energy")  # the user deleted the unit
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_workbook(path)
    assert exc.value.problems == [
        "t.xlsx: sheet 'energy', row 6, column 'energy': missing unit: the header has none, so write the unit "
        "in the cell (e.g. '120.5 kWh') or put it back in the header (e.g. '… (kWh)')"
    ]
    # a unit in the header is honoured: MWh
    ws.cell(1, col, "energy (MWh)")
    ws.cell(6, col, 0.1205)
    wb.save(path)
    acts = {a["id"]: a for a in import_workbook(path)["activities"]}
    assert acts["power"]["energy"] == "0.1205 MWh"


def test_unknown_column_duplicate_id_and_not_a_workbook(tmp_path: Path) -> None:
    path = _fill(write_template(tmp_path / "t.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["catering"]
    ws.cell(1, ws.max_column + 1, "colour")
    ws.append(["lunch", "meal", "shoot", None, "vegan", 3])  # the id of another row
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_workbook(path)
    assert exc.value.problems[0].startswith("t.xlsx: sheet 'catering', row 1, column 'colour': unknown column")
    ws.delete_cols(ws.max_column)
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_workbook(path)
    assert len(exc.value.problems) == 1
    assert "sheet 'catering', row 5 and sheet 'catering', row 6: id: used twice" in exc.value.problems[0]
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("name: not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="not an XLSX workbook"):
        import_workbook(bogus)


def test_formula_without_saved_value_is_an_error(tmp_path: Path) -> None:
    path = _fill(write_template(tmp_path / "t.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["accommodation"]
    ws.cell(3, _header_columns(ws)["nights"], "=6*2")  # openpyxl saves no computed value
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_workbook(path)
    assert exc.value.problems[0].startswith(
        "t.xlsx: sheet 'accommodation', row 3, column 'nights': formula =6*2 has no saved value"
    )


def test_number_notations(tmp_path: Path) -> None:
    cells = {
        "energy": [
            {"id": "a", "type": "electricity", "stage": "shoot", "energy (kWh)": "1 250,5"},
            {"id": "b", "type": "electricity", "stage": "shoot", "energy (kWh)": "10-20"},
            {"id": "c", "type": "electricity", "stage": "shoot", "energy (kWh)": "2 MWh"},
            {"id": "d", "type": "electricity", "stage": "shoot", "energy (kWh)": "100 ± 10%"},
            {"id": "e", "type": "electricity", "stage": "shoot", "energy (kWh)": "1,5 à 2,5"},
        ]
    }
    data = import_workbook(_fill(write_template(tmp_path / "t.xlsx"), activity_cells=cells))
    got = {a["id"]: a["energy"] for a in data["activities"]}
    assert got == {
        "a": "1250.5 kWh",
        "b": {"low": 10, "high": 20, "unit": "kWh"},
        "c": "2 MWh",
        "d": "100 kWh ± 10%",
        "e": {"low": 1.5, "high": 2.5, "unit": "kWh"},
    }


# -- exports ---------------------------------------------------------------------------------


def test_export_xlsx_and_csv_one_row_per_line(tmp_path: Path, yaml_footprint: Any) -> None:
    second = estimate(validate({**yaml.safe_load(EXAMPLE_YAML), "name": "AI variant"}, "v"))
    xlsx = write_footprints_xlsx([yaml_footprint, second], tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    lines = wb["lines"]
    header = [c.value for c in lines[1]]
    assert header[:3] == ["scenario", "id", "category"]
    assert lines.max_row - 1 == len(yaml_footprint.lines) + len(second.lines)
    emissions = header.index("emissions_kgco2e") + 1
    first = sum(lines.cell(r, emissions).value for r in range(2, 2 + len(yaml_footprint.lines)))
    assert first == pytest.approx(yaml_footprint.total_kgco2e)
    summary = wb["summary"]
    cols = [c.value for c in summary[1]]
    assert summary.max_row == 3 and summary.cell(2, 1).value == "Spring campaign"
    assert summary.cell(2, cols.index("total_kgco2e") + 1).value == pytest.approx(yaml_footprint.total_kgco2e)
    assert "travel_kgco2e" in cols and "energy_kgco2e" in cols
    factors = wb["factors"]
    assert factors.max_row - 1 == sum(len(line.factors) for fp in (yaml_footprint, second) for line in fp.lines)

    out = write_footprints_csv([yaml_footprint], tmp_path / "out.csv")
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(yaml_footprint.lines)
    assert sum(float(r["emissions_kgco2e"]) for r in rows) == pytest.approx(yaml_footprint.total_kgco2e)
    assert all(r["source"] and r["factor_id"] for r in rows)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_edited_example_row_is_an_error_not_a_silent_loss(tmp_path: Path, lang: str) -> None:
    path = _fill(write_template(tmp_path / "t.xlsx", lang), lang)
    wb = openpyxl.load_workbook(path)
    ws = wb[FRENCH["sheets"]["travel"] if lang == "fr" else "travel"]
    ids = {str(ws.cell(r, 1).value): r for r in range(2, ws.max_row + 1)}
    row = ids["example-train"]
    travellers_col = next(
        c.column for c in ws[1] if str(c.value).startswith("voyageurs" if lang == "fr" else "travellers")
    )
    ws.cell(row, travellers_col, 12)
    wb.save(path)
    with pytest.raises(InputError) as err:
        import_workbook(path)
    assert f"row {row}" in str(err.value) and "example row was changed" in str(err.value)

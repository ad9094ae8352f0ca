"""Sensitivity inputs are named for a reader: factor names, not ids, in the command line; two
different factors never read the same, in the table or in the report's chart."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from shootprint.cli import app
from shootprint.report.text import input_labels

PROD = """\
shootprint: 1
name: grid and van
activities:
  - {id: lisbon, type: electricity, stage: shoot, energy: 500 kWh, region: PT}
  - {id: van, type: car, stage: shoot, distance: 12 km ± 50%}
"""


def test_the_command_line_shows_names(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROD, encoding="utf-8")
    data = json.loads(CliRunner().invoke(app, ["sensitivity", str(path), "--samples", "32", "--format", "json"]).output)
    factors = [r for r in data["inputs"] if r["input"].startswith("factor:")]
    assert factors and all(r["name"] for r in factors) and any(r["name_fr"] for r in factors)
    out = CliRunner().invoke(app, ["sensitivity", str(path), "--samples", "32"]).output
    table = out.split("\n\n", 1)[1]
    assert "factor:" not in table  # names, not keys
    assert "Grid electricity, Portugal" in table
    assert "activities.van.distance" in table  # a quantity is named by its path
    csv_out = CliRunner().invoke(app, ["sensitivity", str(path), "--samples", "32", "--format", "csv"]).output
    assert csv_out.splitlines()[0].endswith(",label")


def test_cut_labels_stay_different() -> None:
    rows = [
        {"input": "factor:energy.grid.FR", "name": "Electricity, grid mix of the country, average"},
        {"input": "factor:energy.grid.PT", "name": "Electricity, grid mix of the country, average"},
        {"input": "factor:post_production.workspace.office.area_m2", "name": "Floor area per person in an office"},
        {"input": "factor:post_production.workspace.post_suite.area_m2", "name": "Floor area per person in an office"},
        {"input": "activities.van.distance", "name": ""},
    ]
    for limit in (None, 37, 20):
        labels = input_labels(rows, limit=limit)
        assert len(set(labels)) == len(labels), labels
        if limit:
            assert all(len(label) <= limit for label in labels), labels
    assert input_labels(rows[4:]) == ["activities.van.distance"]
    assert input_labels([{"input": "factor:x", "name": "Grid", "name_fr": "Réseau"}], lang="fr") == ["Réseau"]


def test_the_report_chart_never_shows_two_factors_alike() -> None:
    from shootprint.report import charts

    rows = [
        {"input": "factor:post_production.workspace.office.area_m2", "name": "Floor area per person in an office"},
        {"input": "factor:post_production.workspace.post_suite.area_m2", "name": "Floor area per person in an office"},
    ]
    svg = charts.tornado(
        [(label, 1.0, 2.0) for label in input_labels(rows, limit=37)],
        1.5, fmt=str, unit="kg", title="t", low_name="low", high_name="high",
    )  # fmt: skip
    texts = [part.split("</text>")[0].rsplit(">", 1)[-1] for part in svg.split("<text")[1:]]
    shown = [t for t in texts if "area_m2" in t]
    assert len(shown) == 2 and shown[0] != shown[1]


def test_a_production_without_uncertain_inputs(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("shootprint: 1\nname: nothing\nactivities: []\n", encoding="utf-8")
    for args in (["sensitivity", str(path)], ["sensitivity", str(path), str(path), "--format", "json"]):
        out = CliRunner().invoke(app, args)
        assert out.exception is None or isinstance(out.exception, SystemExit), out.exception
        assert out.exit_code == 0 and "no uncertain input" in out.output
    out = CliRunner().invoke(app, ["report", str(path), "--out", str(tmp_path / "r.html")])
    assert out.exit_code == 0, out.output

"""The factor_chain column of CSV and XLSX exports recomputes each line as written: every step says
its operation (× ÷ +), the factors that made the quantity and those of other indicators stand apart."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest

from shootprint import api
from shootprint.report.text import chain_text, line_rows, render_footprint

ROOT = Path(__file__).resolve().parents[2]
STEP = re.compile(r"(?:^|\s)(?:([×÷+])\s)?([^\s=]+)=(\S+)\s\S*")


def recompute(quantity: float, chain: str) -> float:
    """quantity, then each step left to right; '+ X' adds X to the factor before it."""
    main = chain.split("; ", 1)[0]
    groups: list[list] = []
    for op, _id, value in STEP.findall(main):
        if op == "+":
            groups[-1][1] += float(value)
        else:
            groups.append([op or "×", float(value)])
    out = quantity
    for op, value in groups:
        out = out * value if op == "×" else out / value
    return out


def footprints() -> list:
    from shootprint.categories import models
    from shootprint.production import validate
    from shootprint.reference_pages import example_activity

    fps = [api.estimate(p) for p in sorted((ROOT / "examples" / "reference").glob("*.yaml"))]
    examples = [example_activity(t) for t in models()]
    fps.append(api.estimate(validate({"shootprint": 1, "name": "ex", "country": "FR", "activities": examples})))
    return fps


def test_every_line_recomputes_from_its_chain_as_written() -> None:
    checked, wrong = 0, []
    for fp in footprints():
        for row, line in zip(line_rows(fp), fp.lines, strict=True):
            checked += 1
            got = recompute(float(row["quantity"]), row["factor_chain"])
            if not math.isclose(got, line.emissions_kgco2e, rel_tol=1e-4, abs_tol=1e-9):
                wrong.append((fp.name, line.id, row["factor_chain"], got, line.emissions_kgco2e))
    assert checked > 150
    assert not wrong, wrong[:5]


def test_a_workstations_manufacture_recomputes_with_every_factor_shown() -> None:
    """The machine and its monitors are two lines, each a product read left to right: hours ×
    kgCO2e per unit ÷ lifetime years ÷ hours of use per year (the monitors' hours are the person-hours
    × monitors per workstation, a default shown 'in quantity')."""
    fp = api.estimate(ROOT / "examples" / "reference" / "ai-generated.yaml")
    rows = {row["id"]: row for row in line_rows(fp)}
    lines = {line.id: line for line in fp.lines}
    machines = [i for i in lines if i.endswith("/embodied") and lines[i].category == "post_production"]
    assert machines
    for line_id in machines:
        monitors_id = line_id.replace("/embodied", "/monitors-embodied")
        machine, monitors = rows[line_id]["factor_chain"], rows[monitors_id]["factor_chain"]
        assert re.fullmatch(
            r"\S+\.embodied=\S+ kgCO2e/unit ÷ \S+\.lifetime=\S+ year ÷ \S+hours_per_year=\S+ h/year", machine
        )
        assert monitors.startswith("post_production.workstation.monitor.embodied=")
        assert " ÷ post_production.workstation.monitor.lifetime=" in monitors
        assert "; in quantity: post_production.workstation." in monitors  # the monitors per workstation
        for i, chain in ((line_id, machine), (monitors_id, monitors)):
            got = recompute(float(rows[i]["quantity"]), chain)
            assert got == pytest.approx(lines[i].emissions_kgco2e, rel=1e-4)


def test_operations_are_written() -> None:
    fp = api.estimate(ROOT / "examples" / "reference" / "outdoor-cape-town.yaml")
    chains = {line.id: chain_text(line.factors) for line in fp.lines}
    flight = next(c for i, c in chains.items() if "flight" in i)
    assert "; in quantity: travel.air.distance.uplift_km=95 km" in flight  # the 95 km is not a product
    assert any(" + " in c and ".wtt=" in c for c in chains.values())  # well-to-tank added to its factor
    assert any("; other indicators: ai.wue.offsite" in c for c in chains.values())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_operations(tmp_path: Path, fmt: str) -> None:
    prod = tmp_path / "p.yaml"
    prod.write_text(
        "shootprint: 1\nname: p\ncountry: FR\nactivities:\n"
        "  - {id: cam, type: equipment, stage: shoot, item: cinema_camera, days: 4 day}\n",
        encoding="utf-8",
    )
    fp = api.estimate(prod)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(render_footprint(fp, "csv"))))
        chain = rows[0]["factor_chain"]
    else:
        from openpyxl import load_workbook

        from shootprint.spreadsheet import write_footprints_xlsx

        write_footprints_xlsx([fp], tmp_path / "r.xlsx")
        ws = load_workbook(tmp_path / "r.xlsx")["lines"]
        head = [c.value for c in ws[1]]
        chain = [c.value for c in ws[2]][head.index("factor_chain")]
    assert " ÷ equipment.cinema_camera.lifetime_days=" in chain
    assert recompute(4.0, chain) == pytest.approx(fp.total_kgco2e, rel=1e-5)

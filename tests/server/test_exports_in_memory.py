"""Server exports (reports, line-by-line CSV and XLSX) are rendered in memory: no file is written."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from shootprint.server.services import compute
from shootprint.server.services.compute import Override

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """shootprint makes no temporary file; openpyxl still spools each worksheet through one of its
    own while it zips the workbook (its writer's design), which is let through."""

    def guard(name: str) -> Any:
        original = getattr(tempfile, name)

        def refused(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith(("openpyxl.", "tempfile")):
                return original(*args, **kwargs)
            raise AssertionError(f"an export made a temporary file ({name}, from {caller})")

        return refused

    for name in ("mkstemp", "mkdtemp", "TemporaryDirectory", "NamedTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(tempfile, name, guard(name))


def _documents() -> list[dict[str, Any]]:
    return [
        yaml.safe_load((ROOT / "examples" / "reference" / f"{name}.yaml").read_text(encoding="utf-8"))
        for name in ("ai-generated", "studio-paris")
    ]


OVERRIDE = Override("energy.grid.FR", 0.05, "kgCO2e/kWh", 10.0, "Supplier contract 2026", "green tariff")


def test_line_exports_are_the_renderers_bytes(no_files: None) -> None:
    from shootprint.calculator import Calculator
    from shootprint.spreadsheet import footprints_csv

    docs = _documents()
    csv_bytes = compute.footprints_export(docs, [OVERRIDE], "csv")
    calc = Calculator(overrides=[OVERRIDE.row()], overrides_source="organisation overrides")
    assert csv_bytes == footprints_csv([calc.estimate(d) for d in docs]).encode("utf-8")
    xlsx = compute.footprints_export(docs, [OVERRIDE], "xlsx")
    assert xlsx[:4] == b"PK\x03\x04"


def test_reports_are_rendered_in_memory(no_files: None) -> None:
    docs = _documents()
    html = compute.report(docs, [OVERRIDE], kind="html", lang="fr", samples=100).decode("utf-8")
    assert "<html" in html and "production-1.yaml" in html and "Supplier contract 2026" in html
    assert "/tmp" not in html and "shootprint-" not in html  # no temporary folder named anywhere


def test_a_report_of_an_invalid_production_is_a_422(no_files: None) -> None:
    from shootprint.server.services.errors import Invalid

    bad = {"name": "x", "activities": [{"id": "a", "type": "taxi", "stage": "shoot", "distance": "$nope"}]}
    with pytest.raises(Invalid) as info:
        compute.report([bad], kind="html", samples=100)
    assert "unknown parameter $nope" in " ".join(info.value.problems)

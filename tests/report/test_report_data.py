"""The report's data: equivalences (sourced, equal to what they cite) and the message catalogs."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from shootprint.engine import footprint
from shootprint.factors import FactorTable
from shootprint.production import validate
from shootprint.report.document import EQUIVALENCE_COLUMNS, load_equivalences, translations

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "shootprint"


def test_equivalences_are_sourced() -> None:
    text = (PACKAGE / "data" / "equivalences.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == EQUIVALENCE_COLUMNS
    rows = load_equivalences()
    assert {r["id"] for r in rows} == {"flight_paris_new_york_return", "car_km", "french_person_year"}
    for row in rows:
        assert row["value"] > 0
        assert row["source"] and row["source_url"].startswith("https://") and row["year"]
        assert row["label_en"] and row["label_fr"]
        assert row["unit"].startswith("kgCO2e/")


def test_car_km_is_the_ademe_average_car() -> None:
    row = {r["id"]: r for r in load_equivalences()}["car_km"]
    assert row["factor_id"] == "ademe:43791"
    assert row["value"] == FactorTable().get("ademe:43791").value == 0.256  # ademe:43791


def test_paris_new_york_is_shootprints_own_flight() -> None:
    row = {r["id"]: r for r in load_equivalences()}["flight_paris_new_york_return"]
    prod = validate(
        {
            "name": "equivalence",
            "country": "FR",
            "activities": [
                {
                    "id": "f",
                    "type": "flight",
                    "stage": "shoot",
                    "from": "CDG",
                    "to": "JFK",
                    "travellers": 1,
                    "return": True,
                    "cabin": "economy",  # the equivalence is an economy seat
                }
            ],
        }
    )
    fp = footprint(prod, FactorTable())
    assert fp.lines[0].factor_id == row["factor_id"]
    # hand check: (5,834 km great circle + 95 km) × 2 × 0.151 kgCO2e/passenger.km (ademe:43773)
    # ademe:43773 per average passenger, economy ÷ 1.306 (DESNZ long-haul average passenger vs economy)
    assert abs((5834 + 95) * 2 * 0.151 / 1.306 - row["value"]) < 1.0
    assert abs(fp.total_kgco2e - row["value"]) / row["value"] < 0.002


def test_french_footprint_is_the_sdes_2023_figure() -> None:
    row = {r["id"]: r for r in load_equivalences()}["french_person_year"]
    assert row["value"] == 9400.0  # SDES 2024: 9.4 t CO2e per person in 2023
    assert "9.4 t" in row["source"] and row["year"] == "2023"


def _key(text: Any) -> str | tuple[str, ...]:
    """A message's text, or its forms (a counted message: a tuple in the .po, a list read from the .mo)."""
    return tuple(text) if isinstance(text, list | tuple) else str(text)


def test_mo_is_compiled_from_po() -> None:
    folder = PACKAGE / "locale" / "fr" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        po = read_po(fh, locale="fr")
    with (folder / "messages.mo").open("rb") as fh:
        mo = read_mo(fh)
    po_messages = {_key(m.id): _key(m.string) for m in po if m.id and m.string and not m.fuzzy}
    mo_messages = {_key(m.id): _key(m.string) for m in mo if m.id}
    assert po_messages == mo_messages
    assert all(m.string for m in po if m.id), "untranslated French messages"


def test_catalogs_match_the_sources() -> None:
    """messages.pot holds every string of the code and templates, and fr is complete."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "data-raw" / "compile_catalogs.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_french_translation_is_loaded() -> None:
    assert translations("fr").gettext("Summary") == "Synthèse"
    assert translations("en").gettext("Summary") == "Summary"

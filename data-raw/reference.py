"""Convert the curated reference factors (shared/data/reference_factors.csv) into package rows.

Input: ``reference_factors.csv`` — 1,122 sourced factors (DESNZ GHG conversion factors 2025, codecarbon
3.3.2 grids, ICE v2.0, ADEME Impact CO2, ADEME–Arcep, Cloud Carbon Footprint …).
Output: ``src/shootprint/data/sources/reference.csv`` in the factor table's schema.

Rules (each one a decision, written here so a refresh repeats it):

* rows that *are* Base Carbone V23.6 elements are skipped: the package ships every element under
  ``ademe:<id>`` already, and one factor must have one id;
* rows from NegaOctet (directly or through Boavizta's copy) are skipped: NegaOctet is a commercial
  database whose licence does not allow redistribution; ADEME–Arcep figures cover the same ground;
* ``gap`` rows (looked for, not found) carry no value and are skipped;
* units are put in the canonical form ``kgCO2e/<denominator>``; gCO2e values are divided by 1000
  (said in ``notes``); ratios and technical parameters (W/vCPU, kWh per 1,000 inferences) become
  ``kind = parameter``;
* the upstream file publishes no uncertainty for these rows: ``uncertainty_kind = none`` (the
  uncertainty rules give such rows a stated default per source, flagged in results).

Run: ``python data-raw/reference.py`` (reads ``$SHOOTPRINT_SHARED`` or ``../shared`` beside the repo).
"""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHOOTPRINT_SHARED", ROOT.parent / "shared"))
SOURCE = SHARED / "data" / "reference_factors.csv"
OUT = ROOT / "src" / "shootprint" / "data" / "sources" / "reference.csv"

sys.path.insert(0, str(ROOT / "src"))
from shootprint.factors import CSV_COLUMNS  # noqa: E402

SKIP_PREFIXES = ("negaoctet.", "boavizta_negaoctet.")

#: upstream unit → (canonical unit, scale applied to the value, kind)
UNITS: dict[str, tuple[str, float, str]] = {
    "kgCO2e/tonnes": ("kgCO2e/t", 1.0, "emission_factor"),
    "gCO2e/kWh": ("kgCO2e/kWh", 1e-3, "emission_factor"),
    "kgCO2e/km": ("kgCO2e/vehicle.km", 1.0, "emission_factor"),
    "kgCO2e/tonne.km": ("kgCO2e/t.km", 1.0, "emission_factor"),
    "kgCO2e/passenger.km": ("kgCO2e/passenger.km", 1.0, "emission_factor"),
    "kgCO2e/Room per night": ("kgCO2e/room.night", 1.0, "emission_factor"),
    "kgCO2e/night": ("kgCO2e/room.night", 1.0, "emission_factor"),
    "kgCO2e/kg": ("kgCO2e/kg", 1.0, "emission_factor"),
    "kgCO2/kg": ("kgCO2e/kg", 1.0, "emission_factor"),
    "kgCO2e/unit": ("kgCO2e/unit", 1.0, "emission_factor"),
    "kgCO2e/litres": ("kgCO2e/L", 1.0, "emission_factor"),
    "kgCO2e/litre": ("kgCO2e/L", 1.0, "emission_factor"),
    "kgCO2e/kWh (Gross CV)": ("kgCO2e/kWh", 1.0, "emission_factor"),
    "kgCO2e/kWh (Net CV)": ("kgCO2e/kWh", 1.0, "emission_factor"),
    "kgCO2e/kWh": ("kgCO2e/kWh", 1.0, "emission_factor"),
    "kgCO2e/cubic metres": ("kgCO2e/m3", 1.0, "emission_factor"),
    "kgCO2e/GJ": ("kgCO2e/GJ", 1.0, "emission_factor"),
    "kgCO2e/per FTE Working Hour": ("kgCO2e/hour", 1.0, "emission_factor"),
    "kgCO2e/repas": ("kgCO2e/meal", 1.0, "emission_factor"),
    "gCO2e/GB": ("kgCO2e/GB", 1e-3, "emission_factor"),
    "kgCO2e/GB": ("kgCO2e/GB", 1.0, "emission_factor"),
    "kgCO2e/GB.year": ("kgCO2e/GB.year", 1.0, "emission_factor"),
    "ratio": ("1", 1.0, "parameter"),
    "W/vCPU": ("W/vCPU", 1.0, "parameter"),
    "Wh/TB.h": ("Wh/TB.hour", 1.0, "parameter"),
    "kWh/1000 inferences": ("kWh/1000 inferences", 1.0, "parameter"),
    "GB/h": ("GB/hour", 1.0, "parameter"),
    "kWh/GB": ("kWh/GB", 1.0, "parameter"),
    "Wh/GB.h": ("Wh/GB.hour", 1.0, "parameter"),
    "%": ("%", 1.0, "not_a_factor"),
    "Wh/prompt": ("Wh/prompt", 1.0, "parameter"),
    "Wh/query": ("Wh/query", 1.0, "parameter"),
}

QUALIFIERS = {
    "kgCO2e/kWh (Gross CV)": "gross calorific value",
    "kgCO2e/kWh (Net CV)": "net calorific value",
}

#: upstream free-text region → ISO 3166-1 alpha-2 (WORLD for the world, "" where none applies)
REGIONS: dict[str, str] = {
    "UK": "GB", "UK / international": "GB", "United Kingdom": "GB", "UK (London)": "GB",
    "France": "FR", "World": "WORLD", "international": "WORLD", "": "",
    "UK/EU/world (see notes)": "", "EU/FR": "FR", "UK/EU": "", "France/Europe": "FR", "Europe": "EU",
    "Belgium": "BE", "Canada": "CA", "Germany": "DE", "India": "IN", "Italy": "IT", "Japan": "JP",
    "Netherlands": "NL", "South Africa": "ZA", "Spain": "ES", "USA": "US", "United States": "US",
    "Australia": "AU", "Brazil": "BR", "Chile": "CL", "China": "CN", "Colombia": "CO", "Egypt": "EG",
    "Indonesia": "ID", "Mexico": "MX", "Portugal": "PT", "Qatar": "QA", "Saudi Arabia": "SA",
    "Singapore": "SG", "Switzerland": "CH", "Thailand": "TH", "Turkey": "TR",
    "United Arab Emirates": "AE", "Vietnam": "VN", "Finland": "FI", "Costa Rica": "CR",
    "Hong Kong, China": "HK", "Jordan": "JO", "Korea": "KR", "South Korea": "KR", "Israel": "IL", "Georgia": "GE", "Ukraine": "UA",
    "Monde": "WORLD", "France continentale": "FR", "Europe / Union européenne à 27": "EU", "Malaysia": "MY", "Maldives": "MV",
    "Oman": "OM", "Philippines": "PH", "Russian Federation": "RU", "Czechia": "CZ", "Hungary": "HU",
    "Poland": "PL", "Ireland": "IE", "Austria": "AT", "Norway": "NO", "Sweden": "SE", "Denmark": "DK",
    "Greece": "GR", "Luxembourg": "LU", "Romania": "RO", "Bulgaria": "BG", "Croatia": "HR",
    "Slovenia": "SI", "Slovakia": "SK", "Lithuania": "LT", "Latvia": "LV", "Estonia": "EE",
    "Malta": "MT", "Cyprus": "CY", "Iceland": "IS", "Morocco": "MA", "Tunisia": "TN", "Kenya": "KE",
    "Nigeria": "NG", "Senegal": "SN", "Argentina": "AR", "Peru": "PE", "New Zealand": "NZ",
}  # fmt: skip

#: key prefix → licence of the source
LICENCES: dict[str, str] = {
    "desnz": "Open Government Licence v3.0",
    "derived": "derived from the rows it names (see their licences)",
    "codecarbon": "MIT (codecarbon); data from Our World in Data, CC BY 4.0",
    "ice_v2": "ICE v2.0, University of Bath: free to use with attribution",
    "ademe_impactco2": "Licence Ouverte 2.0 (Etalab)",
    "ademe_ngc": "Licence Ouverte 2.0 (Etalab)",
    "ademe_publicodes": "MIT (publicodes-acv-numerique); ADEME data, Licence Ouverte 2.0",
    "ademe_arcep": "Licence Ouverte 2.0 (Etalab)",
    "ademe_agec": "quoted figure of a public regulation (décret 2021-1732)",
    "ccf": "Apache 2.0 (Cloud Carbon Footprint)",
    "genai": "quoted published figures (see source)",
}

BC_ID = re.compile(r"^ADEME Base Carbone V23\.6 \(id \d+\)$")


def convert(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for r in rows:
        key = r["key"].strip()
        if r["category"] == "gap" or not r["value"].strip():
            continue
        if key.startswith(SKIP_PREFIXES) or "NegaOctet" in r["source"] and "ADEME–Arcep" not in r["source"]:
            continue
        if BC_ID.match(r["source"].strip()):
            continue
        unit_raw = r["unit"].strip()
        if unit_raw not in UNITS:
            raise SystemExit(f"reference_factors.csv: key {key}: unit {unit_raw!r} has no canonical form")
        unit, scale, kind = UNITS[unit_raw]
        value = float(r["value"]) * scale
        notes = r["notes"].strip()
        if scale != 1.0:
            notes = f"value converted from {r['value']} {unit_raw} (× {scale:g}); " + notes
        if unit_raw in QUALIFIERS:
            notes = f"unit: {QUALIFIERS[unit_raw]}; " + notes
        region_raw = r["region"].strip()
        if region_raw not in REGIONS:
            raise SystemExit(f"reference_factors.csv: key {key}: region {region_raw!r} is not mapped")
        prefix = key.split(".")[0]
        row = {c: "" for c in CSV_COLUMNS}
        row.update(
            id=key,
            value=f"{value:.10g}",
            unit=unit,
            name_en=r["description"].strip(),
            kind=kind,
            category=r["category"].strip(),
            uncertainty_kind="none",
            source=r["source"].strip(),
            source_id=key,
            source_url=r["source_url"].strip(),
            year=r["year"].strip()[:4] if r["year"].strip()[:4].isdigit() else "",
            region=REGIONS[region_raw],
            status="valid",
            licence=LICENCES.get(prefix, ""),
            notes=notes,
        )
        if not row["licence"]:
            raise SystemExit(f"reference_factors.csv: key {key}: no licence known for source {prefix!r}")
        out.append(row)
    return out


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    converted = convert(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(converted)
    print(f"{len(rows)} upstream rows → {len(converted)} rows in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

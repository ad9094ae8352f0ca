"""ADEME Base Carbone V23.6 package data (``src/shootprint/data/ademe.sqlite``) against its source.

The source CSV lives outside the repository, in ``../shared/data/ademe/base_carbone_v23.6.csv``
(``$SHOOTPRINT_SHARED`` overrides ``../shared``); the tests are skipped where it is absent. Every
one of the 12,817 elements is checked: value (kgCO2e per the canonical unit), unit, status,
uncertainty, names, region, and the posts.
Source: ADEME, Base Carbone®, V23.6 (Licence Ouverte 2.0).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "data-raw" / "ademe.py"
DB = REPO / "src" / "shootprint" / "data" / "ademe.sqlite"
N_ELEMENTS = 12_817
N_POSTS = 5_799
STATUSES = {"Valide générique": "valid-generic", "Valide spécifique": "valid-specific",
            "Archivé": "archived"}  # fmt: skip
#: the only elements whose value is rescaled to fit a canonical unit, and by how much
SCALED = {20876: Decimal("0.01"), 20877: Decimal("0.01"), 20897: Decimal("0.01"),
          28267: Decimal(10), 28299: Decimal(10)}  # fmt: skip


def _csv_path() -> Path:
    shared = os.environ.get("SHOOTPRINT_SHARED")
    base = Path(shared) if shared else REPO.parent / "shared"
    return base / "data" / "ademe" / "base_carbone_v23.6.csv"


@pytest.fixture(scope="module")
def ademe() -> ModuleType:
    """The conversion script ``data-raw/ademe.py``, imported as a module."""
    spec = importlib.util.spec_from_file_location("shootprint_data_raw_ademe", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def csv_rows(ademe: ModuleType) -> list[dict[str, str]]:
    path = _csv_path()
    if not path.is_file():
        pytest.skip(f"Base Carbone V23.6 CSV not found at {path} (set SHOOTPRINT_SHARED)")
    rows: list[dict[str, str]] = ademe.read_csv(path)
    return rows


@pytest.fixture(scope="module")
def elements(csv_rows: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    return {int(r["Identifiant de l'élément"]): r for r in csv_rows if r["Type Ligne"] == "Elément"}


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    assert DB.is_file(), f"{DB.relative_to(REPO)} is missing: run data-raw/ademe.py"
    conn = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def factors(db: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    return {int(r["source_id"]): r for r in db.execute("SELECT * FROM factors ORDER BY rowid")}


def test_schema(db: sqlite3.Connection, ademe: ModuleType) -> None:
    found = {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master")}
    assert set(found) == {"factors", "posts", "posts_factor", "sqlite_autoindex_factors_1"}
    expected = [s.strip() for s in ademe.SCHEMA.strip().split(";") if s.strip()]
    assert [found["factors"], found["posts"], found["posts_factor"]] == expected


def test_counts_and_ids(db: sqlite3.Connection, elements: dict[int, dict[str, str]], factors: dict[int, Any]) -> None:
    assert len(elements) == N_ELEMENTS
    ((count, distinct),) = db.execute("SELECT count(*), count(DISTINCT id) FROM factors")
    assert count == distinct == len(elements) == N_ELEMENTS
    assert set(factors) == set(elements)
    assert list(factors) == sorted(factors), "rows are inserted in Base Carbone id order"
    for sid, row in factors.items():
        assert row["id"] == f"ademe:{sid}" and row["source_id"] == str(sid)


def test_every_element(ademe: ModuleType, elements: dict[int, dict[str, str]], factors: dict[int, Any]) -> None:
    problems: list[str] = []
    for sid, src in elements.items():
        row = factors[sid]
        unit_fr, unit_en = src["Unité français"], src["Unité anglais"]
        unit, kind, qualifier = ademe.parse_unit(unit_fr, unit_en)
        scale = SCALED.get(sid, Decimal(1))
        expected = {
            "value": float(Decimal(src["Total poste non décomposé"]) * scale),
            "unit": unit,
            "kind": kind,
            "unit_source": unit_fr,
            "status": STATUSES[src["Statut de l'élément"]],
            "name_fr": ademe.full_name(src, "français"),
            "name_en": ademe.full_name(src, "anglais"),
            "category": ademe.clean_text(src["Code de la catégorie"]),
            "region": ademe.region_of(src["Localisation géographique"], src["Sous-localisation géographique français"]),
            "source": "ADEME Base Carbone V23.6",
            "source_url": "https://data.ademe.fr/datasets/base-carboner",
            "licence": "Licence Ouverte 2.0 (Etalab)",
        }
        incertitude = src["Incertitude"].strip()
        expected["uncertainty_kind"] = "published" if incertitude else "none"
        expected["uncertainty_pct"] = float(incertitude) if incertitude else None
        for key, value in expected.items():
            if row[key] != value:
                problems.append(f"{sid} {key}: {row[key]!r} != {value!r}")
        if qualifier and f"unit: {qualifier}" not in row["notes"]:
            problems.append(f"{sid} notes lack the unit qualifier {qualifier!r}")
        if scale != 1 and "value x" not in row["notes"]:
            problems.append(f"{sid} notes do not say the value was scaled")
        sub = src["Sous-localisation géographique français"]
        location = src["Localisation géographique"] + (f" / {sub}" if sub else "")
        if row["location"] != location:
            problems.append(f"{sid} location {row['location']!r}")
        year = row["year"]
        if year is None or not 2000 <= year <= 2026 and "GIEC" not in src["Période de validité"]:
            problems.append(f"{sid} year {year!r}")
        if not re.search(r"[Aa]nnée \d{4}|\(\d{4}\)", src["Période de validité"]):
            if year != int(src["Date de création"][:4]):
                problems.append(f"{sid} year {year} is not the creation year")
    assert not problems, f"{len(problems)} mismatches, first: {problems[:20]}"


def test_names_and_text_are_clean(factors: dict[int, Any]) -> None:
    bad = []
    for sid, row in factors.items():
        assert row["name_fr"], f"{sid} has no French name"
        for key in ("name_fr", "name_en", "category", "tags_fr", "tags_en", "notes", "location"):
            text = row[key]
            if ("\t" in text or '""' in text or "  " in text or "\xa0" in text
                    or text != text.strip() or text.count('"') % 2):  # fmt: skip
                bad.append((sid, key, text))
            if key.startswith("name") and text[:1] == '"' and text[-1:] == '"':
                bad.append((sid, key, text))
    assert not bad, bad[:20]


def test_clean_text_examples(ademe: ModuleType) -> None:
    clean = ademe.clean_text
    assert clean('"""\tSalade César au poulet (salade verte"""') == "Salade César au poulet (salade verte"
    assert clean('"""Bière """"spéciale"""" (5-6° alcool)"""') == 'Bière "spéciale" (5-6° alcool)'
    assert clean('"""Haricot mungo germé ou pousse de """"soja"""""""') == ('Haricot mungo germé ou pousse de "soja"')
    assert clean('"""Propres"" (Broyat Sortie du Statut Déchet criblé)"') == (
        '"Propres" (Broyat Sortie du Statut Déchet criblé)'
    )
    assert clean('Régime alimentaire "classique"') == 'Régime alimentaire "classique"'
    assert clean("Epoxy  adhesive ") == "Epoxy adhesive"
    assert ademe.join_name(["Salade César au poulet (salade verte", "fromage, croûtos, sauce)"]) == (
        "Salade César au poulet (salade verte, fromage, croûtos, sauce)"
    )
    assert ademe.join_name(["Chou rouge", "", "cru"]) == "Chou rouge | cru"


def test_units_all_mapped(ademe: ModuleType, elements: dict[int, dict[str, str]]) -> None:
    unmapped = set()
    for src in elements.values():
        try:
            ademe.parse_unit(src["Unité français"], src["Unité anglais"])
        except ValueError:
            unmapped.add((src["Unité français"], src["Unité anglais"]))
    assert not unmapped, f"units not mapped in data-raw/ademe.py: {sorted(unmapped)}"


def test_parse_unit_examples(ademe: ModuleType) -> None:
    parse = ademe.parse_unit
    assert parse("kgCO2e/tonne", "kgCO2e/ton") == ("kgCO2e/t", "emission_factor", "")
    assert parse("kgCO2e/tonne.km", "kgCO2e/ton.km") == ("kgCO2e/t.km", "emission_factor", "")
    assert parse("kgCO2e/kWh PCI", "kgCO2e/kWh ICV") == (
        "kgCO2e/kWh",
        "emission_factor",
        "net calorific value",
    )
    assert parse("kgCO2e/kg de poids net", "") == ("kgCO2e/kg", "emission_factor", "net weight")
    assert parse("kgCO2e/passager.km", "") == ("kgCO2e/passenger.km", "emission_factor", "")
    assert parse("%", "%")[1] == "not_a_factor"
    assert parse("kWh / (m².an)", "kWh / (m².an)") == ("kWh/(m2.year)", "not_a_factor", "")
    assert parse("gCO2e/km", "")[0] == "kgCO2e/km"
    assert ademe.unit_scale("gCO2e/km") == Decimal("0.001")
    assert ademe.unit_scale("kgCO2e/kWh") == 1
    with pytest.raises(ValueError, match="unmapped"):
        parse("kgCO2e/parsec", "")


def test_kinds(ademe: ModuleType, factors: dict[int, Any]) -> None:
    for sid, row in factors.items():
        assert row["unit"], f"{sid}: every row has a unit (a blank source unit is '1')"
        if row["kind"] == "emission_factor":
            assert row["unit"].startswith("kgCO2e/") and "co2e" in row["unit_source"].lower(), sid
        else:
            assert row["kind"] == "not_a_factor", sid
            assert "co2e" not in row["unit"].lower(), sid
        if "%" in row["unit_source"]:
            assert row["kind"] == "not_a_factor", sid
        if "kWh / (" in row["unit_source"]:
            assert row["kind"] == "not_a_factor", sid
    kinds = Counter(row["kind"] for row in factors.values())
    assert kinds["emission_factor"] > 10_000 and kinds["not_a_factor"] > 1_000


def test_metric_tonne(ademe: ModuleType, factors: dict[int, Any]) -> None:
    says_tonne = re.compile(r"(?<![a-z])(tonnes?|tons?|t)(?![a-z])", re.IGNORECASE)
    is_tonne = re.compile(r"(?<![A-Za-z])t(?![A-Za-z])")
    seen: Counter[str] = Counter()
    for sid, row in factors.items():
        source = row["unit_source"]
        if says_tonne.search(source.replace("kgCO2e", "")):
            assert is_tonne.search(row["unit"]), (sid, source, row["unit"])
            if row["unit"] in ("kgCO2e/t", "kgCO2e/t.km"):
                seen[row["unit"]] += 1
                seen["says tonne"] += "tonne" in source.lower()
    assert seen["kgCO2e/t"] > 500 and seen["kgCO2e/t.km"] > 300 and seen["says tonne"] > 500
    bare_ton = re.compile(r"(?<![A-Za-z])tons?(?![A-Za-z])", re.IGNORECASE)
    units = {row["unit"] for row in factors.values()}
    units |= {"kgCO2e/" + d for d, _, _ in ademe.DENOMINATORS.values()}
    units |= {u for u, _ in ademe.NOT_FACTORS.values()}
    assert not [u for u in units if bare_ton.search(u)]
    e85 = factors[25769]  # "kgCO2e/tonne" in French, "kgCO2e/kg" (wrongly) in English
    assert (e85["value"], e85["unit"]) == (1485.0, "kgCO2e/t")


def test_locations_all_mapped(ademe: ModuleType, elements: dict[int, dict[str, str]]) -> None:
    unmapped = set()
    for src in elements.values():
        loc, sub = src["Localisation géographique"], src["Sous-localisation géographique français"]
        try:
            region = ademe.region_of(loc, sub)
        except ValueError:
            unmapped.add((loc, sub))
            continue
        assert region in ("", "WORLD", "EU") or re.fullmatch(r"[A-Z]{2}", region), region
    assert not unmapped, f"locations not mapped in data-raw/ademe.py REGIONS: {sorted(unmapped)}"
    assert ademe.region_of("France continentale", "") == "FR"
    assert ademe.region_of("France continentale", "Rhône-Alpes, Lyon") == "FR"
    assert ademe.region_of("Autre pays du monde", "Canada") == "CA"
    assert ademe.region_of("Autre pays du monde", "Grande Bretagne") == "GB"
    assert ademe.region_of("Outre-mer", "La Réunion") == "RE"
    assert ademe.region_of("Monde", "") == "WORLD"


def test_posts(ademe: ModuleType, db: sqlite3.Connection, csv_rows: list[dict[str, str]]) -> None:
    posts = [r for r in csv_rows if r["Type Ligne"] == "Poste"]
    assert len(posts) == N_POSTS
    ((count,),) = db.execute("SELECT count(*) FROM posts")
    assert count == len(posts)
    expected: dict[str, list[tuple[str, str, str, float]]] = {}
    for src in posts:
        sid = int(src["Identifiant de l'élément"])
        value = float(Decimal(src["Total poste non décomposé"]) * SCALED.get(sid, Decimal(1)))
        expected.setdefault(f"ademe:{sid}", []).append((
            ademe.clean_text(src["Type poste"]),
            ademe.clean_text(src["Nom poste français"]),
            ademe.clean_text(src["Nom poste anglais"]),
            value,
        ))  # fmt: skip
    found: dict[str, list[tuple[str, str, str, float]]] = {}
    for fid, *rest in db.execute("SELECT factor_id, post_type, name_fr, name_en, value FROM posts ORDER BY rowid"):
        found.setdefault(fid, []).append(tuple(rest))  # type: ignore[arg-type]
    assert found == expected
    ((orphans,),) = db.execute("SELECT count(*) FROM posts WHERE factor_id NOT IN (SELECT id FROM factors)")
    assert orphans == 0


def test_search_text(ademe: ModuleType, factors: dict[int, Any]) -> None:
    accented = next(
        row for row in factors.values()
        if "Électricité" in row["name_fr"] and row["status"] == "valid-generic"
    )  # fmt: skip
    words = accented["search"].split()
    assert "electricite" in words and "ademe" in words and str(accented["source_id"]) in words
    for word in ademe.normalize_text(accented["name_fr"]).split():
        assert word in words
    for row in factors.values():
        search = row["search"]
        assert search == search.lower() and search == search.strip(), row["id"]
        assert all(c.isalnum() or c == " " for c in search), row["id"]
        assert not re.search(r"[éèêàâçôûîïü]|  ", search), row["id"]


def test_rows_pass_factor_validation(ademe: ModuleType, factors: dict[int, Any]) -> None:
    """The table module reads every row and finds nothing wrong with it."""
    from shootprint.factors import FactorTable, validate_row  # importable once the script is

    table = FactorTable()
    problems = {}
    for sid in factors:
        row = table.get(f"ademe:{sid}")  # read from the sqlite only
        if validate_row(row):
            problems[row.id] = validate_row(row)
    assert not problems, list(problems.items())[:10]
    assert table.get("ademe:25769").unit == "kgCO2e/t"
    assert table.posts("ademe:28267")[0]["value"] == 11.2


def test_build_is_deterministic_and_current(ademe: ModuleType, tmp_path: Path, csv_rows: list[dict[str, str]]) -> None:
    """Building again gives the shipped file (byte for byte with the same SQLite version)."""
    out = tmp_path / "ademe.sqlite"
    ademe.build(_csv_path(), out)
    new, shipped = out.read_bytes(), DB.read_bytes()
    same_sqlite = new[96:100] == shipped[96:100]  # SQLITE_VERSION_NUMBER of the last writer
    if same_sqlite:
        assert new == shipped, "src/shootprint/data/ademe.sqlite is stale: run data-raw/ademe.py"
    else:
        a, b = sqlite3.connect(out), sqlite3.connect(DB)
        assert list(a.iterdump()) == list(b.iterdump())

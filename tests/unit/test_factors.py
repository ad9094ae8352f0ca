"""The factor table: schema, sources, aliases, factor sets, overrides, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint.errors import FactorError, InputError
from shootprint.factors import (
    CSV_COLUMNS,
    FactorTable,
    default_table,
    normalize_text,
    validate_row,
)
from shootprint.files import load_overrides


@pytest.fixture(scope="module")
def table() -> FactorTable:
    return FactorTable()


def _non_ademe(table: FactorTable):
    return list(table.iter_rows(include_ademe=False))


def test_every_curated_and_source_row_is_valid(table):
    problems = {}
    for row in _non_ademe(table):
        found = validate_row(row)
        if found:
            problems[(row.id, row.factor_set)] = found
    assert not problems


def test_ids_unique_per_factor_set(table):
    keys = [(r.id, r.factor_set) for r in _non_ademe(table)]
    assert len(keys) == len(set(keys))
    ademe_ids = [r.id for r in table.iter_rows() if r.id.startswith("ademe:")]
    assert len(ademe_ids) == len(set(ademe_ids)) == 12817


def _table_of(row) -> FactorTable:
    return default_table(row.factor_set or "ademe")


def test_every_curated_row_sourced_with_its_uncertainty(table):
    for row in _non_ademe(table):
        if row.origin != "curated":
            continue
        resolved = _table_of(row).resolve(row.id)
        assert resolved.row.source, row.id
        unc = resolved.uncertainty_row
        assert unc is not None, f"{row.id}: no uncertainty anywhere in its chain"
        assert unc.uncertainty_kind in ("published", "judgement"), row.id
        if unc.uncertainty_kind == "judgement":
            assert unc.uncertainty_reason.strip(), f"{unc.id}: judgement without its reason"


def test_aliases_resolve_to_rows_with_values(table):
    for row in _non_ademe(table):
        if row.alias_of:
            resolved = _table_of(row).resolve(row.id)
            assert resolved.row.value is not None
            assert resolved.chain[0] == row.id and resolved.chain[-1] == resolved.row.id


def test_no_negaoctet_shipped(table):
    for row in table.iter_rows(include_ademe=False):
        assert "negaoctet" not in row.id.lower()
    licences = table.licences()
    assert licences["negaoctet"]["redistributable"] is False


def test_every_source_has_a_licence(table):
    for row in _non_ademe(table):
        if not row.alias_of and row.origin == "source":
            assert row.licence, row.id
    assert table.licences()["ademe-base-carbone"]["licence"].startswith("Licence Ouverte")


def test_data_version_is_calver(table):
    year, month, patch = table.data_version().split(".")
    assert len(year) == 4 and 1 <= int(month) <= 12 and int(patch) >= 0


def test_metric_tonne_unit():
    table = FactorTable()
    for row in table.iter_rows():
        words = row.unit.replace("/", " ").replace(".", " ").replace("(", " ").replace(")", " ").split()
        assert "ton" not in words, row.id


def test_unknown_id_lists_close_matches(table):
    with pytest.raises(FactorError) as err:
        table.get("energy.grid.FRR")
    assert "energy.grid.FR" in str(err.value)


def test_factor_set_precedence_is_data():
    sets = FactorTable().factor_sets()
    assert sets["ademe"].precedence == ("ademe",)
    assert sets["desnz"].precedence == ("desnz", "ademe")
    with pytest.raises(FactorError, match="accepted: ademe, desnz"):
        FactorTable("nope")


def test_grid_sources_disagree_and_sets_choose():
    ademe, desnz = FactorTable("ademe"), FactorTable("desnz")
    fr = ademe.resolve("energy.grid.FR")
    assert fr.row.id == "ademe:43642" and fr.value == pytest.approx(0.0519)
    assert fr.factor_set == "ademe" and desnz.resolve("energy.grid.FR").factor_set == "desnz"


def test_override_of_a_source_row_applies_through_its_alias(tmp_path: Path):
    path = tmp_path / "over.csv"
    path.write_text(
        ",".join(CSV_COLUMNS)
        + "\n"
        + "ademe:43642,0.1,kgCO2e/kWh,my grid,,,emission_factor,energy,,judgement,,0.08,0.12,"
        + "supplier's certificate,Supplier 2025,,,2025,FR,valid,,\n",
        encoding="utf-8",
    )
    rows = load_overrides(path)
    table = FactorTable(overrides=rows)
    resolved = table.resolve("energy.grid.FR")
    assert resolved.value == 0.1
    assert resolved.overridden_id == "ademe:43642"


def test_override_file_errors_name_file_row_and_field(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  value: 1\n  colour: red\n- id: y\n  unit: kgCO2e/kg\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_overrides(path)
    text = str(err.value)
    assert "bad.yaml: row 1" in text and "colour" in text and "accepted:" in text
    assert "row 2 (y): value: required" in text


def test_search_french_english_accents(table):
    fr = [r.id for r in table.search("électricité france", limit=None)]
    fr_no_accent = [r.id for r in table.search("electricite france", limit=None)]
    assert fr and fr == fr_no_accent
    en = table.search("electricity", limit=None)
    assert any(r.id == "energy.grid.FR" or r.id.startswith("ademe:") for r in en)


def test_search_valid_first_archived_only_with_all(table):
    rows = table.search("electricite", limit=None)
    assert all(not r.archived for r in rows)
    with_all = table.search("electricite", include_archived=True, limit=None)
    archived = [i for i, r in enumerate(with_all) if r.archived]
    assert archived, "Base Carbone has archived electricity rows"
    assert all(not r.archived for r in with_all[: archived[0]])


def test_search_filters_by_unit_and_category(table):
    rows = table.search("avion", unit="passenger.km", limit=None)
    assert rows and all("passenger.km" in r.unit for r in rows)


def test_close_words_when_nothing_found(table):
    assert table.search("electrisite", limit=None) == []
    assert "electricite" in table.close_words("electrisite")


def test_normalize_text():
    assert normalize_text("Électricité—Île-de-France") == "electricite ile de france"


def test_posts_of_a_flight_factor(table):
    posts = table.posts("ademe:43741")
    assert posts, "ADEME breaks flight factors into posts"
    assert sum(p["value"] for p in posts) == pytest.approx(table.get("ademe:43741").value, rel=0.02)


def test_default_table_is_shared():
    assert default_table() is default_table()


def test_override_csv_from_a_spreadsheet_with_bom_and_a_bad_row(tmp_path: Path):
    header = ",".join(CSV_COLUMNS)
    good = "energy.grid.FR,0.1,kgCO2e/kWh,,,,emission_factor,energy,,judgement,,0.08,0.12,certificate,Supplier,,,2025,FR,valid,,"
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff" + header + "\n" + good + "\n", encoding="utf-8")
    assert load_overrides(path)[0].value == 0.1
    path.write_text(header + "\n" + good + ",surplus,cells\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 1: more cells than the header"):
        load_overrides(path)

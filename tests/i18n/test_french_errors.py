"""Errors of the files around a production (workbooks, YAML, overrides, places, factors, output paths)
come from the catalogs: the same problem in English and in French, each naming the file, the field
and what is accepted."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_french_everywhere import english_in

from shootprint.cli import app
from shootprint.errors import FactorError, InputError
from shootprint.i18n import Message, said


def _both(exc: InputError | FactorError) -> tuple[str, str]:
    """The error's sentences in English and in French."""
    return "\n".join(p.text("en") for p in exc.details), "\n".join(p.text("fr") for p in exc.details)


def test_workbook_cells_in_french(tmp_path: Path) -> None:
    from shootprint.spreadsheet import import_workbook, write_template

    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Feuil9")["A1"] = "stray"
    wb.save(path)
    with pytest.raises(InputError) as info:
        import_workbook(path)
    english, french = _both(info.value)
    assert "t.xlsx: sheet 'production', row 2, column 'value': required: the production's name" in english
    assert "t.xlsx: feuille 'production', ligne 2, colonne 'value': obligatoire : le nom de la production" in french
    assert "t.xlsx: sheet 'Feuil9': unknown sheet; accepted: " in english
    assert "t.xlsx: feuille 'Feuil9': feuille inconnue ; feuilles acceptées : " in french
    assert english_in(french) == [] and english_in(english)


def test_workbook_values_in_french() -> None:
    from shootprint.spreadsheet import _cell_value

    with pytest.raises(ValueError) as info:
        _cell_value("bool", [], "maybe", None, "")
    text = said(info.value)
    assert isinstance(text, Message)
    assert text == "expected yes or no, got 'maybe'; accepted: yes, no, oui, non, true, false"
    assert text.render("fr") == "attendu oui ou non, reçu 'maybe' ; valeurs acceptées : yes, no, oui, non, true, false"
    with pytest.raises(ValueError) as info:
        _cell_value("quantity", [], "1,250", None, "km")
    assert said(info.value).render("fr").startswith("'1,250' est ambigu (séparateur de milliers ou virgule décimale ?)")


def test_not_a_workbook_in_french(tmp_path: Path) -> None:
    from shootprint.spreadsheet import import_workbook

    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_workbook(bad)
    english, french = _both(info.value)
    assert english.startswith("notes.xlsx: not an XLSX workbook (")
    assert french.startswith("notes.xlsx: pas un classeur XLSX (")
    assert french.endswith("enregistrez-le en .xlsx (Excel 2007 ou plus récent)")


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        ("name: [unclosed\n", ": malformed YAML at line 2, column 1: ", ": YAML mal formé à la ligne 2, colonne 1 : "),
        ("a: " + "[" * 200 + "]" * 200, ": nested more than ", ": imbriqué sur plus de "),
    ],
    ids=["malformed", "deep"],
)
def test_yaml_errors_in_french(text: str, english: str, french: str) -> None:
    from shootprint import yamlsafe

    with pytest.raises(InputError) as info:
        yamlsafe.load(text, "prod.yaml")
    en, fr = _both(info.value)
    assert en.startswith("prod.yaml") and english in en
    assert fr.startswith("prod.yaml") and french.removeprefix(" ") in fr


def test_places_in_french() -> None:
    from shootprint import geo

    cases = {
        "Marseille, Fraance": "lieu 'Marseille, Fraance' : pays inconnu 'Fraance' après la virgule",
        "": "lieu vide ; valeurs acceptées : un code IATA (« CDG »)",
        "Zzyzxqwv": "lieu 'Zzyzxqwv' : pas une ville connue",
    }
    for spec, french in cases.items():
        with pytest.raises(InputError) as info:
            geo.locate(spec)
        en, fr = _both(info.value)
        assert french in fr, fr
        assert en != fr
        assert english_in(fr) == [], fr
    with pytest.raises(InputError) as info:
        geo.locate({"lat": 48.8, "lon": 2.3, "alt": 30})
    assert (
        "lieu {'lat': 48.8, 'lon': 2.3, 'alt': 30} : clé inconnue 'alt' ; clés acceptées : iata" in _both(info.value)[1]
    )
    with pytest.raises(InputError) as info:
        geo.locate([95, 2])
    assert _both(info.value)[1].startswith("coordonnées (95.0, 2.0) hors limites : la latitude va de -90 à 90")


def test_factor_errors_in_french() -> None:
    from shootprint.factors import FactorTable

    with pytest.raises(FactorError) as info:
        FactorTable("nope")
    assert _both(info.value) == (
        "factor set 'nope' is unknown; accepted: ademe, desnz",
        "jeu de facteurs 'nope' inconnu ; jeux acceptés : ademe, desnz",
    )
    with pytest.raises(FactorError) as info:
        FactorTable().get("flight.longhaul.economyy")
    assert _both(info.value)[1].startswith("id de facteur inconnu 'flight.longhaul.economyy'")


def test_overrides_file_in_french(tmp_path: Path) -> None:
    from shootprint.files import load_overrides

    semicolons = tmp_path / "mine.csv"
    semicolons.write_text("id;value;unit\nx;1;kgCO2e/kWh\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_overrides(semicolons)
    en, fr = _both(info.value)
    assert "the header is separated by semicolons; an overrides CSV is separated by commas" in en
    assert "l’en-tête est séparé par des points-virgules ; un CSV de remplacements est séparé par des virgules" in fr
    rows = tmp_path / "rows.csv"
    rows.write_text("id,value,unit,kind,source\nmine.kwh,1,kgCO2e/kWh,factorr,me\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_overrides(rows)
    en, fr = _both(info.value)
    assert "kind: 'factorr' is not one of" in en
    assert "ligne 1 (mine.kwh) : kind : 'factorr' n’est pas l’une des valeurs" in fr


def test_output_paths_in_french(tmp_path: Path) -> None:
    from shootprint.output import check_target

    source = Path(__file__).resolve().parents[2] / "examples" / "reference"
    production = sorted(source.glob("*.yaml"))[0]
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(app, ["report", str(production), "--out", str(out), "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert "report.txt : format de rapport inconnu '.txt' ; valeurs acceptées : .html, .pdf" in result.output
    english = CliRunner().invoke(app, ["report", str(production), "--out", str(out), "--lang", "en"])
    assert "report.txt: unknown report format '.txt'; accepted: .html, .pdf" in english.output
    with pytest.raises(InputError) as info:
        check_target(out, (".html", ".pdf"), what=Message("report"))
    en, fr = _both(info.value)
    assert en.endswith("report.txt: a report file is written as .html or .pdf; give a name ending in .html")
    assert fr.endswith("report.txt : un fichier rapport s’écrit en .html ou .pdf ; donnez un nom finissant par .html")
    with pytest.raises(InputError) as info:
        check_target(tmp_path, (".csv",))
    assert _both(info.value)[1].endswith(" : est un dossier ; donnez un nom de fichier finissant par .csv")


def test_pinned_factor_of_the_wrong_unit_in_french(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "shootprint: 1\nname: Bad\ncountry: FR\nactivities:\n"
        "  - {id: f, type: freight, stage: shoot, mode: sea, vehicle: van, distance: 10 km, mass: 1 t}\n"
        "  - {id: g, type: freight, stage: shoot, mode: road, distance: 10 km, mass: 1 t, factor: nope.nope}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["estimate", str(bad), "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert "vehicle : seulement pour le mode road (celui-ci est sea) ; retirez-le" in result.output
    assert english_in(result.output) == []


REFERENCE = sorted((Path(__file__).resolve().parents[2] / "examples" / "reference").glob("*.yaml"))


def test_set_paths_in_french() -> None:
    from shootprint.paths import get_path

    result = CliRunner().invoke(app, ["estimate", str(REFERENCE[0]), "--set", "activities.nope.x=3", "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert ": --set activities.nope.x : aucune activité d’id 'nope' (ids : key-visuals" in result.output
    assert english_in(result.output) == []
    with pytest.raises(KeyError) as info:
        get_path({"name": "x"}, "deliverables.film_seconds")
    assert said(info.value).render("fr") == "deliverables.film_seconds : absent du fichier"


def test_spend_ratio_and_levers_in_french(tmp_path: Path) -> None:
    from shootprint import api
    from shootprint.i18n import gettext
    from shootprint.levers import LEVERS

    prod = tmp_path / "spend.yaml"
    prod.write_text(
        "shootprint: 1\nname: Spend\ncountry: FR\nactivities:\n"
        "  - {id: s, type: spend, stage: shoot, ratio: air_transport, amount: 1200 EUR}\n"
        "  - {id: t, type: spend, stage: shoot, ratio: textiles_clothing, amount: 100 USD, currency: USD, rate: 0.9}\n",
        encoding="utf-8",
    )
    labels = {line.id: line.label for line in api.estimate(prod).lines}
    assert [str(x) for x in labels.values()] == ["Spend, air transport", "Spend, textiles clothing (in USD)"]
    assert labels["s"].render("fr") == "Dépense, transport aérien"
    assert labels["t"].render("fr").startswith("Dépense, textiles et habillement")
    for name, lever in LEVERS.items():
        french = gettext("fr", lever.description)
        assert french != lever.description, f"lever {name}: no French description"
    assert gettext("fr", LEVERS["local_crew"].description).startswith("embaucher sur place")
    with pytest.raises(InputError) as info:
        api.estimate(prod, sets={"activities.s.ratio": "air_transportt"})
    assert "ratio inconnu 'air_transportt' ; ratios acceptés : advertising, air_transport" in _both(info.value)[1]


def test_records_files_in_french(tmp_path: Path) -> None:
    from shootprint.tracker.codecarbon_import import import_codecarbon_csv
    from shootprint.tracker.records import read_records

    runs = tmp_path / "runs.jsonl"
    runs.write_text('{"label": "x"\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_records(runs)
    en, fr = _both(info.value)
    assert "runs.jsonl, line 1: not a JSON object (" in en
    assert "runs.jsonl, ligne 1 : pas un objet JSON (" in fr
    with pytest.raises(InputError) as info:
        read_records(tmp_path)
    assert _both(info.value)[1].endswith(
        ": est un dossier ; attendu un fichier de relevés (JSON Lines écrit par shootprint track)"
    )
    emissions = tmp_path / "emissions.csv"
    emissions.write_text("timestamp,project_name\n2026-01-01T00:00:00,x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_codecarbon_csv(emissions)
    en, fr = _both(info.value)
    assert ": not a CodeCarbon emissions file: column(s) " in en
    assert "emissions.csv: pas un fichier d’émissions CodeCarbon : colonne(s) " in fr

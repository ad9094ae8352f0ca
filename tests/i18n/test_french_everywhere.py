"""French all through: every catalog message has its French, and a French report or French CLI table
contains no English sentence made by the engine.

"Made by the engine" is what the catalogs hold: the English msgids. A French output must show none
of their wording, so the test takes every msgid whose French differs, cuts it at its ``{placeholders}``
and looks for each English piece of at least three words (that its French does not itself keep, such
as "EN 16258") in the French output. Data (factor names, sources, the files' own names and reasons)
is not the engine's text and is not looked for.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from shootprint import api
from shootprint.cli import app
from shootprint.i18n import Exact, Joined, Message, translations
from shootprint.report.document import write_report

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "shootprint" / "locale"
REFERENCE = sorted((ROOT / "examples" / "reference").glob("*.yaml"))
FRENCH = translations("fr")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _catalog() -> dict[str, str]:
    """The catalog's messages (those with plural forms in ``_plurals``)."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="fr") if m.id and isinstance(m.id, str)}


def _plurals() -> dict[tuple[str, int], str]:
    """Each form of the catalog's counted messages, keyed as gettext keys them: (singular, form)."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    return {(m.id[0], i): form for m in catalog if isinstance(m.id, tuple) for i, form in enumerate(m.string)}


def english_pieces() -> set[str]:
    """The English wording of the engine: msgid pieces (between placeholders) of three words or more
    that the French translation does not keep."""
    pieces: set[str] = set()
    for msgid, french in _catalog().items():
        if msgid == french:
            continue
        for piece in PLACEHOLDER.split(msgid):
            piece = piece.strip(" ,.;:()[]—-")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3 and piece not in french:
                pieces.add(piece)
    return pieces


@lru_cache(maxsize=1)
def _factor_names() -> tuple[str, ...]:
    """The factors' English names (data, shown where a factor has no French name), longest first."""
    from shootprint.factors import FactorTable

    names = {row.name("en") for row in FactorTable().iter_rows(include_ademe=False)}
    return tuple(sorted((n for n in names if n and len(n) > 12), key=len, reverse=True))


def english_in(text: str) -> list[str]:
    flat = " ".join(text.split())
    for name in _factor_names():  # a factor's own name is data, not the engine's wording
        flat = flat.replace(name, " ")
    return sorted(p for p in english_pieces() if p in flat)


def _untranslated(text: str) -> list[str]:
    """Templates inside a label or warning with no French entry (pieces joined, exact numbers and
    the file's own words excepted)."""
    if isinstance(text, Exact):
        return []
    if not isinstance(text, Message):
        return []  # a word of the file (a place, a label it writes): data
    missing = []
    if not isinstance(text, Joined) and FRENCH._catalog.get(text.template) in (None, ""):  # noqa: SLF001
        missing.append(text.template)
    for value in text.params.values():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                missing += _untranslated(item)
    return missing


def test_every_catalog_message_has_its_french() -> None:
    catalog = _catalog()
    assert len(catalog) > 300
    missing = [msgid for msgid, french in catalog.items() if not french.strip()]
    assert not missing, f"messages without French: {missing[:10]}"
    compiled = FRENCH._catalog  # noqa: SLF001 (gettext's own table: what the package ships)
    assert all(compiled.get(msgid) == french for msgid, french in catalog.items()), "messages.mo is stale"
    plurals = _plurals()
    assert len(plurals) >= 4 and all(plurals.values()), "a counted message without all its French forms"
    assert all(compiled.get(key) == french for key, french in plurals.items()), "messages.mo is stale"


def test_the_check_finds_english() -> None:
    """The detector itself: an engine sentence left in English is found, its French is not."""
    label = Message("Hotel breakfasts ({region}), one per room-night", region="FR")
    assert english_in(f"<p>{label}</p>") == ["one per room-night"]
    assert english_in(label.render("fr")) == []
    assert _untranslated(Message("a sentence nobody translated")) == ["a sentence nobody translated"]


def test_every_line_label_and_warning_of_the_reference_ways_is_translated() -> None:
    missing: set[str] = set()
    for path in REFERENCE:
        fp = api.estimate(path)
        for line in fp.lines:
            assert isinstance(line.label, Message), f"{path.name}: {line.id}: label is not a Message"
            missing.update(_untranslated(line.label))
            for w in line.warnings:
                missing.update(_untranslated(w.message))
        for w in fp.warnings:
            missing.update(_untranslated(w.message))
    assert not missing, f"templates without French: {sorted(missing)}"


def _visible_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


@pytest.fixture(scope="module")
def french_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fr")
    return {
        kind: write_report(REFERENCE, out / f"report.{kind}", lang="fr", samples=100, seed=1)
        for kind in ("html", "pdf")
    }


def test_french_html_report_has_no_english_engine_sentence(french_reports: dict[str, Path]) -> None:
    text = _visible_text(french_reports["html"].read_text(encoding="utf-8"))
    assert "Synthèse" in text and "Vol CDG → CPT" in text
    assert english_in(text) == []


def test_french_pdf_report_has_no_english_engine_sentence(french_reports: dict[str, Path]) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(french_reports["pdf"]), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Synthèse" in text
    assert english_in(text) == []


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", str(REFERENCE[2])],
        ["estimate", str(REFERENCE[0]), "--samples", "50", "--seed", "1"],
        ["compare", *map(str, REFERENCE), "--samples", "50", "--seed", "1"],
        ["whatif", str(REFERENCE[2]), "--lever", "local_crew", "--lever", "vegetarian_catering", "--samples", "20"],
        ["breakeven", str(REFERENCE[0]), str(REFERENCE[4]), "--vary", "activities.key-visuals.kept"],
        ["diff", str(REFERENCE[3]), str(REFERENCE[4])],
        ["sensitivity", str(REFERENCE[4]), "--samples", "16", "--top", "5"],
    ],
    ids=["estimate", "estimate-mc", "compare", "whatif", "breakeven", "diff", "sensitivity"],
)
def test_french_cli_tables_have_no_english_engine_sentence(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert english_in(result.output) == []
    english = CliRunner().invoke(app, args, env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C", "LANGUAGE": ""})
    assert english.exit_code == 0 and english.output != result.output  # the French one is another text


def test_lang_defaults_to_the_locale() -> None:
    args = ["compare", *map(str, REFERENCE[:2])]
    french = CliRunner().invoke(app, args, env={"LC_ALL": "fr_FR.UTF-8"})
    assert french.exit_code == 0 and french.output.startswith("Comparaison")
    english = CliRunner().invoke(app, args, env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_GB.UTF-8"})
    assert english.output.startswith("Comparison")


def test_french_errors_come_from_the_catalog(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", *map(str, REFERENCE[:3]), "--lang", "fr"])
    assert result.exit_code == 2
    assert "erreur\u202f: sensitivity prend un fichier de production" in result.output


def test_json_keeps_english_keys_and_adds_french() -> None:
    import json

    out = CliRunner().invoke(app, ["estimate", str(REFERENCE[2]), "--format", "json", "--lang", "fr"]).output
    data = json.loads(out)
    line = next(x for x in data["lines"] if x["id"] == "hotel/breakfast")
    assert line["label"] == "Hotel breakfasts (ZA), one per room-night"
    assert line["label_fr"] == "Petits-déjeuners d'hôtel (ZA), un par nuitée"
    assert data["intensity_labels"]["per_still_image_kgco2e"] == "per still image (whole total ÷ images)"
    assert data["intensity_labels_fr"]["per_film_second_kgco2e"] == "par seconde de film (total entier ÷ secondes)"
    assert all({"code", "message", "message_fr"} <= set(w) for w in data["warnings"])


def test_french_validation_errors_of_a_production_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "shootprint: 1\nname: Bad\ncountry: FR\nactivities:\n"
        "  - {id: g, type: generator, stage: shoot, load: 10 kW}\n"
        "  - {id: x, type: flite, stage: shoot}\n"
        "  - {id: y, type: meal, stage: shoot, kind: mixed, cuont: 3}\n",
        encoding="utf-8",
    )
    french = CliRunner().invoke(app, ["estimate", str(bad), "--lang", "fr"])
    assert french.exit_code == 2
    assert "activities.g: donnez load (kW) et hours ensemble" in french.output
    assert "activities.x.type: type d’activité inconnu 'flite'" in french.output
    assert "activities.y.cuont: champ inconnu ; champs acceptés : " in french.output
    assert "activities.y.count: champ obligatoire manquant" in french.output
    english = CliRunner().invoke(app, ["estimate", str(bad), "--lang", "en"])
    assert "activities.y.cuont: unknown field; accepted: " in english.output
    from shootprint.errors import InputError
    from shootprint.files import read_file
    from shootprint.production import validate

    with pytest.raises(InputError) as info:
        validate(read_file(bad), str(bad))
    where = {p.code: p.location for p in info.value.details}
    assert where["unknown-field"] == ("activities", "y", "cuont")  # the API's problems keep the path's parts


BAD_PRODUCTION = (
    "shootprint: 1\nname: Bad\ncountry: FR\nparameters:\n  d: 3 blorps\n  n: 2\nactivities:\n"
    "  - {id: t, type: taxi, stage: shoot, distance: -5 km}\n"
    "  - {id: u, type: taxi, stage: shoot, distance: 5 blorps}\n"
    "  - {id: v, type: taxi, stage: shoot, distance: {low: 9, high: 3, unit: km}}\n"
    "  - {id: x, type: flite, stage: shoot}\n"
    '  - {id: w, type: taxi, stage: shoot, distance: "($n * 3 km"}\n'
)


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["estimate", "{bad}"], "activities.t.distance: ne doit pas être négatif (reçu -5 km) ; valeurs acceptées"),
        (["estimate", "{bad}"], "activities.u.distance: unité inconnue 'blorps' ; attendu une unité de km"),
        (["estimate", "{bad}"], "parameters: paramètre d : unité inconnue 'blorps'"),
        (["estimate", "{bad}"], "activities.x.type: type d’activité inconnu 'flite'"),
        (["estimate", "{bad}"], "activities.w.distance: '($n * 3 km' : une '(' n’est pas fermée"),
        (["whatif", str(REFERENCE[0]), "--lever", "local_crew=yes"], "ce levier ne prend pas de valeur"),
        (["whatif", str(REFERENCE[0]), "--lever", "train_instead_of_plane=-3"], "un nombre au-dessus de 0 à 2000"),
        (["whatif", str(REFERENCE[0]), "--lever", "local_cre"], "levier inconnu ; leviers acceptés"),
        (["whatif", str(REFERENCE[0]), "--lever", "compute_region=Fraance"], "pays inconnu 'Fraance'"),
    ],
    ids=[
        "negative",
        "unknown-unit",
        "parameter-unit",
        "activity-type",
        "expression",
        "lever-value",
        "lever-range",
        "lever-name",
        "lever-region",
    ],
)
def test_french_cli_errors_of_bad_input_have_no_english_engine_sentence(
    args: list[str], french: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PRODUCTION, encoding="utf-8")
    args = [a.replace("{bad}", str(bad)) for a in args]
    result = CliRunner().invoke(app, [*args, "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("erreur\u202f: ") and french in result.output
    assert english_in(result.output) == []
    english = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert english.exit_code == 2 and english.output.startswith("error: ")
    assert english_in(english.output), "the detector must see the English sentences of these errors"


def test_errors_keep_their_code_and_carry_both_languages(tmp_path: Path) -> None:
    from shootprint.errors import InputError
    from shootprint.files import read_file
    from shootprint.levers import parse_lever
    from shootprint.production import validate

    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PRODUCTION, encoding="utf-8")
    with pytest.raises(InputError) as info:
        validate(read_file(bad), str(bad))
    negative = next(p for p in info.value.details if p.where == "activities.t.distance")
    assert negative.code == "invalid-value"
    assert negative.message == "must not be negative (got -5 km); accepted: 0 or more"
    assert negative.message_fr == "ne doit pas être négatif (reçu -5 km) ; valeurs acceptées : 0 ou plus"
    with pytest.raises(InputError) as info:
        parse_lever("local_crew=yes")
    (problem,) = info.value.details
    assert problem.code == "invalid-input"
    assert problem.message == "--lever local_crew='yes': this lever takes no value; write --lever local_crew"
    assert problem.to_dict()["message_fr"].startswith("--lever local_crew='yes' : ce levier ne prend pas")

"""Convert ADEME's Base Carbone V23.6 into the package's ``src/shootprint/data/ademe.sqlite``.

Upstream: ADEME, Base Carbone® V23.6 (the greenhouse-gas part of Base Empreinte), all 18,616 rows
and 67 columns of the published spreadsheet as UTF-8 CSV, read from
``../shared/data/ademe/base_carbone_v23.6.csv`` beside the repository (``$SHOOTPRINT_SHARED``
overrides ``../shared``). Official dataset: https://data.ademe.fr/datasets/base-carboner

Licence: Licence Ouverte / Open Licence 2.0 (Etalab). Reuse is allowed with attribution:
"Source : ADEME, Base Carbone®, V23.6".

Run ``.venv/bin/python data-raw/ademe.py [csv_path] [out_path]``. The build is deterministic: the
same CSV gives a byte-identical file (rows in Base Carbone id order, no timestamps, ``VACUUM``).

Rules (each one a function below, so the tests apply the same rule):

* Values: ``Total poste non décomposé``, in kgCO2e per the canonical ``unit`` (see
  :func:`parse_unit`). Five elements have a denominator with a count in it ("100 feuilles A4",
  "kgH2/100km"): their value (and their posts) are rescaled to a plain denominator and ``notes``
  says so. No row is in gCO2e in V23.6; a gCO2e unit would be scaled by 1/1000 the same way.
* Units: ``unit_source`` is the raw French unit. The canonical unit is ``kgCO2e/<denominator>``
  with a small vocabulary (``kg``, ``t``, ``kWh``, ``passenger.km`` …). ADEME's "tonne"/"ton" is
  the metric tonne and is written ``t``, never ``ton``. What qualifies the denominator (net
  calorific value, net weight, "of waste" …) goes to ``notes`` as "unit: …". The French unit is
  authoritative (the English one is missing on 620 elements and wrong on a few: "kgCO2e/tonne" for
  E85 is given as "kgCO2e/kg" in English; "mL" is the French *mètre linéaire*, not millilitres).
  Rows whose unit is not kgCO2e per something (percentages, kWh/(m².an), GWh, blank units…) are
  ``kind = not_a_factor``: never multiply a quantity by them.
* Names: each of ``Nom base``, ``Nom attribut``, ``Nom frontière`` is cleaned (:func:`clean_text`)
  and the non-empty parts are joined with " | ", except where a parenthesis is still open: the
  source split some names at a comma ("Salade César au poulet (salade verte" + "fromage, croûtos,
  sauce)"), so these are joined back with ", " (:func:`join_name`). Same rule in English; an
  element without any English name has ``name_en = ""``.
* Region: :data:`REGIONS` maps ``Localisation géographique`` (+ sub-location) to ISO 3166-1
  alpha-2 (see :func:`region_of`).
* Year: the reference year when ``Période de validité`` names one ("Année 2012", "Données valides
  pour l'année 2024", "4ème rapport du GIEC (2007)"), else the year of ``Date de création``.
  ``Période de validité`` is mostly an *end* of validity (typically creation + 3 years: 3,156
  elements created in 2023 are "valid until 2026-02-28"), not the year of the data, so it is kept
  as ``validity`` rather than used as ``year`` (see :func:`year_of`, :func:`validity_of`).
* ``search``: :func:`shootprint.factors.normalize_text` of id, names, tags, category and region,
  with each word kept once (search matches each query word inside a word, so this loses nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]

try:
    from shootprint.factors import normalize_text
except ImportError:  # not installed: use the source tree
    sys.path.insert(0, str(REPO / "src"))
    from shootprint.factors import normalize_text

EDITION = "V23.6"
SOURCE = f"ADEME Base Carbone {EDITION}"
SOURCE_URL = "https://data.ademe.fr/datasets/base-carboner"
LICENCE = "Licence Ouverte 2.0 (Etalab)"
ATTRIBUTION = f"Source : ADEME, Base Carbone®, {EDITION}"
CSV_NAME = "base_carbone_v23.6.csv"

STATUSES = {
    "Valide générique": "valid-generic",
    "Valide spécifique": "valid-specific",
    "Archivé": "archived",
}

SCHEMA = """
CREATE TABLE factors (id TEXT PRIMARY KEY, value REAL, unit TEXT, name_en TEXT, name_fr TEXT, kind TEXT,
  category TEXT, uncertainty_kind TEXT, uncertainty_pct REAL, source TEXT, source_id TEXT, source_url TEXT,
  year INTEGER, region TEXT, status TEXT, licence TEXT, notes TEXT, tags_fr TEXT, tags_en TEXT,
  unit_source TEXT, location TEXT, validity TEXT, search TEXT);
CREATE TABLE posts (factor_id TEXT, post_type TEXT, name_fr TEXT, name_en TEXT, value REAL);
CREATE INDEX posts_factor ON posts(factor_id);
"""  # noqa: E501 (the schema's text as specified)


def shared_dir() -> Path:
    """The shared reference data: ``$SHOOTPRINT_SHARED`` or ``../shared`` beside the repository."""
    env = os.environ.get("SHOOTPRINT_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def default_csv() -> Path:
    """Where the Base Carbone V23.6 CSV is expected."""
    return shared_dir() / "data" / "ademe" / CSV_NAME


DEFAULT_OUT = REPO / "src" / "shootprint" / "data" / "ademe.sqlite"


# -- text ----------------------------------------------------------------------------------------
_WS = re.compile(r"\s+")


def _is_opening(text: str, i: int) -> bool:
    """Whether the quote at ``text[i]`` opens a quotation (start, space or bracket before it)."""
    return i == 0 or text[i - 1] in " ([/-'’"


def _is_closing(text: str, i: int) -> bool:
    """Whether the quote at ``text[i]`` closes a quotation (a word before, no word after)."""
    return i > 0 and text[i - 1] != " " and (i == len(text) - 1 or not text[i + 1].isalnum())


def _fix_quotes(text: str) -> str:
    """Pair the double quotes of ``text``: drop or complete those left without a pair."""
    opened: int | None = None
    stray: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch != '"':
            continue
        if opened is None:
            if _is_closing(text, i) and not _is_opening(text, i):
                stray.append((i, "close"))
            else:
                opened = i
        elif _is_opening(text, i) and not _is_closing(text, i):
            stray.append((opened, "open"))  # a second opening: the first had lost its pair
            opened = i
        else:
            opened = None
    if opened is not None:
        stray.append((opened, "open"))
    for i, side in sorted(stray, reverse=True):
        if i in (0, len(text) - 1):  # a spreadsheet quote at an edge: drop it
            text = (text[:i] + text[i + 1 :]).strip()
        elif side == "open":  # `de "soja` lost its closing quote with the outer one
            text = text + '"'
        else:  # `Propres" (Broyat…` lost its opening quote
            text = '"' + text
    return text


def clean_text(raw: str) -> str:
    """A name as it should read: no tabs or odd spaces, no doubled or enclosing quotes.

    Tabs, no-break spaces and runs of spaces become one space; ``""`` becomes ``"`` (repeatedly);
    a pair of quotes enclosing the whole text is removed; a quote left without its pair is dropped
    at an edge of the text, and completed inside it.
    """
    text = raw
    while '""' in text:
        text = text.replace('""', '"')
    text = _WS.sub(" ", text).strip()
    while len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1]
        first = inner.find('"')
        if first != -1 and not _is_opening(inner, first) and inner[:first].strip():
            break  # `"a" b "c"`: the quotes belong to the words
        text = inner.strip()
    if text.count('"') % 2:
        text = _fix_quotes(text)
    return text


def clean_tags(raw: str, name: str = "") -> str:
    """ADEME's comma-separated tags, each cleaned, joined by ",".

    Empty tags, repeats and tags equal (ignoring case) to a comma- or "|"-separated part of
    ``name`` are dropped: they only repeat the name (and ``search`` holds every word anyway).
    """
    parts = {p.strip().lower() for p in name.replace(" | ", ",").split(",")}
    seen: list[str] = []
    text = raw
    while '""' in text:
        text = text.replace('""', '"')
    for item in text.split(","):
        tag = clean_text(item)
        if tag and tag not in seen and tag.lower() not in parts:
            seen.append(tag)
    return ",".join(seen)


def join_name(parts: Iterable[str]) -> str:
    """Base, attribute and boundary names (cleaned) as one: " | " between, ", " in parentheses."""
    name = ""
    for part in parts:
        if not part:
            continue
        if not name:
            name = part
        elif name.count("(") > name.count(")"):
            name = f"{name}, {part}"
        else:
            name = f"{name} | {part}"
    return name


def full_name(row: dict[str, str], lang: str) -> str:
    """The element's name in ``lang`` ("français" or "anglais") by :func:`join_name`."""
    return join_name(clean_text(row[f"Nom {part} {lang}"]) for part in ("base", "attribut", "frontière"))


# -- units ---------------------------------------------------------------------------------------
class UnitInfo(NamedTuple):
    """A source unit read: canonical unit, kind, qualifier, and the factor applied to the value."""

    unit: str
    kind: str
    qualifier: str
    scale: Decimal


NCV, GCV = "net calorific value", "gross calorific value"

#: Denominators of "kgCO2e/…" units (key: :func:`unit_key` of the French text after "kgco2e/"):
#: canonical denominator, qualifier, scale applied to the value.
DENOMINATORS: dict[str, tuple[str, str, str]] = {
    # mass (ADEME's tonne is the metric tonne: t)
    "kg": ("kg", "", "1"),
    "kg de poids net": ("kg", "net weight", "1"),
    "kg de poids vif": ("kg", "live weight", "1"),
    "kgh2": ("kg", "of hydrogen", "1"),
    "kg biognc": ("kg", "of bio-CNG", "1"),
    "kg de matière active": ("kg", "of active substance", "1"),
    "kg de cuir traité": ("kg", "of treated leather", "1"),
    "kg de biodéchets": ("kg", "of bio-waste", "1"),
    "kg d'azote épandu": ("kg", "of nitrogen spread", "1"),
    "kg dco éliminée": ("kg", "of COD removed", "1"),
    "kg ntk": ("kg", "of total Kjeldahl nitrogen", "1"),
    "t": ("t", "", "1"),
    "tonne": ("t", "", "1"),
    "tonne produites": ("t", "produced", "1"),
    "tonne de déchets": ("t", "of waste", "1"),
    "tonne de n": ("t", "of nitrogen (N)", "1"),
    "tonne de p2o5": ("t", "of P2O5", "1"),
    "tonne de k2o": ("t", "of K2O", "1"),
    "tonne de clinker": ("t", "of clinker", "1"),
    # energy
    "kwh": ("kWh", "", "1"),
    "kwh pci": ("kWh", NCV, "1"),
    "kwhpci": ("kWh", NCV, "1"),
    "kwh (pci)": ("kWh", NCV, "1"),
    "kwh pcs": ("kWh", GCV, "1"),
    "kwhpcs": ("kWh", GCV, "1"),
    "mj pci": ("MJ", NCV, "1"),
    "gj pci": ("GJ", NCV, "1"),
    "gj pcs": ("GJ", GCV, "1"),
    "tep pci": ("toe", NCV, "1"),
    "tep pcs": ("toe", GCV, "1"),
    # volume, area, length
    "litre": ("L", "", "1"),
    "m3": ("m3", "", "1"),
    "m3 (n)": ("m3", "normal cubic metre (0 °C, 1 atm)", "1"),
    "m2": ("m2", "", "1"),
    "m2 shon": ("m2", "floor area (SHON)", "1"),
    "m2 de paroi": ("m2", "of wall", "1"),
    "m2 de sol": ("m2", "of floor", "1"),
    "m2 de toiture": ("m2", "of roof", "1"),
    "ha": ("ha", "", "1"),
    "ha.an": ("ha.year", "", "1"),
    "m": ("m", "", "1"),
    "ml": ("m", "linear metre (mètre linéaire)", "1"),
    "m de route": ("m", "of road", "1"),
    "km": ("km", "", "1"),
    # transport
    "t.km": ("t.km", "", "1"),
    "tonne.km": ("t.km", "", "1"),
    "kgh2/100km": ("t.km", "of hydrogen", "10"),
    "m3.km": ("m3.km", "", "1"),
    "passager.km": ("passenger.km", "", "1"),
    "km.personne": ("passenger.km", "person.km", "1"),
    "peq.km": ("passenger.km", "passenger-equivalent (passengers and freight)", "1"),
    "véhicule.km": ("vehicle.km", "", "1"),
    "voiture.km": ("vehicle.km", "car", "1"),
    "course.km": ("vehicle.km", "km of a trip (course)", "1"),
    "véhicule.an": ("vehicle.year", "", "1"),
    # money
    "euro dépensé": ("EUR", "spent", "1"),
    "keuro": ("kEUR", "", "1"),
    **{f"keuro ({y}) ht": ("kEUR", f"{y} euros, excl. VAT", "1") for y in range(2019, 2024)},
    "franc cfp": ("XPF", "CFP franc", "1"),
    # counts, time, people
    "unité": ("unit", "", "1"),
    "appareil": ("unit", "device", "1"),
    "plant": ("unit", "plant", "1"),
    "livre": ("unit", "book", "1"),
    "100 feuilles a4": ("sheet", "A4 sheet", "0.01"),
    "repas": ("meal", "", "1"),
    "heure": ("hour", "", "1"),
    "personne.mois": ("person.month", "", "1"),
}

#: Units that are not kgCO2e per something (key: :func:`unit_key`): canonical unit, qualifier.
NOT_FACTORS: dict[str, tuple[str, str]] = {
    "": ("1", "no unit given in the source"),  # GWPs, coefficients: pure numbers
    "%": ("%", ""),
    "% des maisons": ("%", "of houses"),
    "% des appartements": ("%", "of flats"),
    "kwh/(m2.an)": ("kWh/(m2.year)", ""),
    "kwh/(ménage.an)": ("kWh/(household.year)", ""),
    "kwh/(logement.an)": ("kWh/(dwelling.year)", ""),
    "kwh/(habitant.étage.an)": ("kWh/(inhabitant.floor.year)", ""),
    "(tonne.km route)/(habitant.an)": ("t.km/(inhabitant.year)", "road freight"),
    "km/(personne.an)": ("km/(person.year)", ""),
    "gwh": ("GWh", ""),
    "gj/tonne": ("GJ/t", ""),
    "mj/ha": ("MJ/ha", ""),
    "kgn/ha": ("kg/ha", "of nitrogen (N)"),
    "litre/ha": ("L/ha", ""),
    "kg/m3": ("kg/m3", ""),
    "kgdbo/m3": ("kg/m3", "of BOD"),
    "kgdbo": ("kg", "of BOD"),
    "kg de fluide": ("kg", "of refrigerant"),
    "kg de fluide/kw frigo": ("kg/kW", "of refrigerant per kW of cooling"),
    "kg de fluide/m2": ("kg/m2", "of refrigerant"),
    "kg de fluide/m3 de stockage": ("kg/m3", "of refrigerant per m3 of storage"),
    "kg de fluide/équipement": ("kg/unit", "of refrigerant per piece of equipment"),
    "m2": ("m2", ""),
    "km": ("km", ""),
    "jours": ("day", ""),
}


def unit_key(unit: str) -> str:
    """A unit text as looked up: lower case, ² ³ as 2 3, one space, none around "/"."""
    text = _WS.sub(" ", unit.replace("²", "2").replace("³", "3")).strip().lower()
    return re.sub(r"\s*/\s*", "/", text)


def read_unit(unit_fr: str, unit_en: str = "") -> UnitInfo:
    """Read a Base Carbone unit (French text first, English if the French is blank).

    Raises ``ValueError`` for a unit that is not in :data:`DENOMINATORS` or :data:`NOT_FACTORS`.
    """
    raw = unit_fr if unit_fr.strip() else unit_en
    key = unit_key(raw)
    for prefix, scale in (("kgco2e/", Decimal(1)), ("gco2e/", Decimal("0.001"))):
        if key.startswith(prefix):
            found = DENOMINATORS.get(key[len(prefix) :])
            if found is None:
                break
            denominator, qualifier, factor = found
            return UnitInfo(f"kgCO2e/{denominator}", "emission_factor", qualifier, scale * Decimal(factor))
    else:
        if key in NOT_FACTORS:
            unit, qualifier = NOT_FACTORS[key]
            return UnitInfo(unit, "not_a_factor", qualifier, Decimal(1))
    raise ValueError(f"unmapped Base Carbone unit {raw!r} (key {key!r}): add it to data-raw/ademe.py")


def parse_unit(unit_fr: str, unit_en: str) -> tuple[str, str, str]:
    """(canonical unit, kind, qualifier) of a Base Carbone unit.

    The canonical unit is ``kgCO2e/<denominator>`` for emission factors (kind
    ``emission_factor``) and a plain unit such as ``%`` or ``kWh/(m2.year)`` for the rest (kind
    ``not_a_factor``). The qualifier is short English ("net calorific value", "of waste"), or "".
    Where the value must be rescaled to fit the canonical unit, :func:`unit_scale` says by what.
    """
    info = read_unit(unit_fr, unit_en)
    return info.unit, info.kind, info.qualifier


def unit_scale(unit_fr: str, unit_en: str = "") -> Decimal:
    """The factor turning a value in the source unit into the canonical unit (mostly 1)."""
    return read_unit(unit_fr, unit_en).scale


def scaled_value(raw: str, scale: Decimal) -> float:
    """A CSV number times ``scale``, computed in decimal so that 0.23 x 0.01 is 0.0023 exactly."""
    return float(Decimal(raw.strip()) * scale)


# -- regions -------------------------------------------------------------------------------------
#: ``Localisation géographique`` -> {``Sous-localisation géographique français`` -> region}.
#: Regions are ISO 3166-1 alpha-2 codes, with "WORLD" for the world average and "EU" (ISO's
#: exceptionally reserved code) for Europe and the EU-27. "" where no single country applies
#: (continents, groups of territories). "*" covers every sub-location: all those of "France
#: continentale" are French regions, departments or towns (Corsica included), hence FR. French
#: overseas territories have their own ISO codes (GP, MQ, GF, RE, YT, NC, PF, BL, MF, PM).
#: Former countries keep their withdrawn codes (AN Netherlands Antilles, CS Serbia and Montenegro);
#: Kosovo is XK (user-assigned, used by the EU). "Dominique" is paired with "Dominicaine.
#: République" in the other IEA electricity series, so it is read as the Dominican Republic (DO).
REGIONS: dict[str, dict[str, str]] = {
    "France continentale": {"*": "FR"},
    "Europe": {"": "EU", "Europe": "EU", "UE à 27": "EU", "Union européenne à 27": "EU"},
    "Monde": {
        "": "WORLD",
        "Asie": "",
        "Moyenne Afrique": "",
        "Moyenne Amérique Latine": "",
        "Moyenne Amérique du Nord": "",
        "Moyenne Asie": "",
        "Moyenne Ex-URSS": "",
        "Moyenne Moyen Orient": "",
        "Moyenne Pacifique": "",
        "Méditerranée": "",
    },
    "Outre-mer": {
        "": "",
        "Corse": "FR",
        "DOM COM": "",
        "Guadeloupe": "GP",
        "Guadeloupe hors COM": "GP",
        "Guadeloupe, Martinique, Guyane": "",
        "Guadeloupe, Martinique, Guyane, Corse": "",
        "Guyane": "GF",
        "La Réunion": "RE",
        "Réunion": "RE",
        "Martinique": "MQ",
        "Mayotte": "YT",
        "Nouvelle Calédonie": "NC",
        "Nouvelle-Calédonie": "NC",
        "Polynésie Française": "PF",
        "Polynésie Française - hors Tahiti": "PF",
        "Tahiti": "PF",
        "Saint Barthélémy": "BL",
        "St Barthélémy": "BL",
        "St Martin": "MF",
        "St Pierre et Miquelon": "PM",
    },
    "Autre pays du monde": {
        "": "",
        "Afrique du Sud": "ZA",
        "Albanie": "AL",
        "Algérie": "DZ",
        "Allemagne": "DE",
        "Angola": "AO",
        "Antilles Néerlandaises": "AN",
        "Antilles néerlandaises": "AN",
        "Arabie Saoudite": "SA",
        "Argentine": "AR",
        "Arménie": "AM",
        "Australie": "AU",
        "Autriche": "AT",
        "Azerbaidjan": "AZ",
        "Azerbaïdjan": "AZ",
        "Bahrain": "BH",
        "Bahreïn": "BH",
        "Bangladesh": "BD",
        "Belgique": "BE",
        "Benin": "BJ",
        "Bénin": "BJ",
        "Birmanie": "MM",
        "Biélorussie": "BY",
        "Bélarus": "BY",
        "Bolivie": "BO",
        "Bosnie Herzégovine": "BA",
        "Bosnie-Herzégovine": "BA",
        "Botswana": "BW",
        "Bresil": "BR",
        "Brésil": "BR",
        "Brunei": "BN",
        "Brunéi Darussalam": "BN",
        "Bulgarie": "BG",
        "Cambodge": "KH",
        "Cameroun": "CM",
        "Canada": "CA",
        "Chili": "CL",
        "Chine": "CN",
        "Chypre": "CY",
        "Colombie": "CO",
        "Congo": "CG",
        "Congo Démocratique": "CD",
        "Rép. Dém. Du Congo": "CD",
        "Corée du Nord": "KP",
        "Corée du nord": "KP",
        "Corée du Sud": "KR",
        "Corée du sud": "KR",
        "Costa Rica": "CR",
        "Costa rica": "CR",
        "Croatie": "HR",
        "Cuba": "CU",
        "Côte d'Ivoire": "CI",
        "Danemark": "DK",
        "Dominicaine. République": "DO",
        "Dominique": "DO",
        "Egypte": "EG",
        "Égypte": "EG",
        "El Salvador": "SV",
        "Salvador": "SV",
        "Emirats Arabes Unis": "AE",
        "Émirats Arabes Unis": "AE",
        "Equateur": "EC",
        "Équateur": "EC",
        "Erythrée": "ER",
        "Érythrée": "ER",
        "Espagne": "ES",
        "Estonie": "EE",
        "Ethiopie": "ET",
        "Éthiopie": "ET",
        "Finlande": "FI",
        "France": "FR",
        "Gabon": "GA",
        "Ghana": "GH",
        "Gibraltar": "GI",
        "Grande Bretagne": "GB",
        "Royaume-Uni": "GB",
        "Grece": "GR",
        "Grèce": "GR",
        "Guatemala": "GT",
        "Géorgie": "GE",
        "Haiti": "HT",
        "Haïti": "HT",
        "Honduras": "HN",
        "Hong Kong": "HK",
        "Hongrie": "HU",
        "Inde": "IN",
        "Indonesie": "ID",
        "Indonésie": "ID",
        "Irak": "IQ",
        "Iraq": "IQ",
        "Iran": "IR",
        "Irlande": "IE",
        "Islande": "IS",
        "Israel": "IL",
        "Israël": "IL",
        "Italie": "IT",
        "Jamaïque": "JM",
        "Japon": "JP",
        "Jordanie": "JO",
        "Kazakhstan": "KZ",
        "Kazakstan": "KZ",
        "Kenya": "KE",
        "Kirghistan": "KG",
        "Kirghizistan": "KG",
        "Kosovo": "XK",
        "Koweit": "KW",
        "Koweït": "KW",
        "Lettonie": "LV",
        "Liban": "LB",
        "Libye": "LY",
        "Lituanie": "LT",
        "Luxembourg": "LU",
        "Macédoine": "MK",
        "Macédonie": "MK",
        "Malaisie": "MY",
        "Malte": "MT",
        "Maroc": "MA",
        "Mexique": "MX",
        "Moldavie": "MD",
        "Mongolie": "MN",
        "Montenegro": "ME",
        "Mozambique": "MZ",
        "Namibie": "NA",
        "Nepal": "NP",
        "Népal": "NP",
        "Nicaragua": "NI",
        "Nigeria": "NG",
        "Nigéria": "NG",
        "Norvege": "NO",
        "Norvège": "NO",
        "Nouvelle Zélande": "NZ",
        "Nouvelle-Zélande": "NZ",
        "Oman": "OM",
        "Ouzbékistan": "UZ",
        "Pakistan": "PK",
        "Panama": "PA",
        "Paraguay": "PY",
        "Pays Bas": "NL",
        "Pays-Bas": "NL",
        "Perou": "PE",
        "Pérou": "PE",
        "Philippines": "PH",
        "Pologne": "PL",
        "Portugal": "PT",
        "Qatar": "QA",
        "Quatar": "QA",
        "Roumanie": "RO",
        "Russie": "RU",
        "République Slovaque": "SK",
        "Slovaquie": "SK",
        "République Tchèque": "CZ",
        "Senegal": "SN",
        "Sénégal": "SN",
        "Serbie": "RS",
        "Serbie-Monténégro": "CS",
        "Singapour": "SG",
        "Slovénie": "SI",
        "Soudan": "SD",
        "Sri Lanka": "LK",
        "Suede": "SE",
        "Suède": "SE",
        "Suisse": "CH",
        "Syrie": "SY",
        "Tadjikistan": "TJ",
        "Tanzanie": "TZ",
        "Taïwan": "TW",
        "Thaïlande": "TH",
        "Togo": "TG",
        "Trinité et Tobago": "TT",
        "Trinité-et-Tobago": "TT",
        "Tunisie": "TN",
        "Turkmenistan": "TM",
        "Turkménistan": "TM",
        "Turquie": "TR",
        "USA": "US",
        "États-Unis": "US",
        "Ukraine": "UA",
        "Uruguay": "UY",
        "Venezuela": "VE",
        "Vietnam": "VN",
        "Viêt Nam": "VN",
        "Yemen": "YE",
        "Yémen": "YE",
        "Zambie": "ZM",
        "Zimbabwe": "ZW",
    },
}


def region_of(location: str, sub_location_fr: str) -> str:
    """ISO 3166-1 alpha-2 code (or "WORLD", "EU", "") of a Base Carbone location; see REGIONS.

    Raises ``ValueError`` for a location or sub-location the table does not hold.
    """
    table = REGIONS.get(location.strip())
    if table is None:
        raise ValueError(f"unmapped Base Carbone location {location!r}")
    if "*" in table:
        return table["*"]
    sub = sub_location_fr.strip()
    if sub not in table:
        raise ValueError(f"unmapped Base Carbone sub-location {location!r} / {sub!r}")
    return table[sub]


def location_text(location: str, sub_location_fr: str) -> str:
    """The raw location, with " / " and the sub-location when there is one."""
    sub = sub_location_fr.strip()
    return f"{location.strip()} / {sub}" if sub else location.strip()


# -- dates ---------------------------------------------------------------------------------------
_MONTHS_FR = {
    "janv.": 1, "févr.": 2, "mars": 3, "avr.": 4, "mai": 5, "juin": 6,
    "juil.": 7, "août": 8, "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12,
}  # fmt: skip
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def validity_of(raw: str) -> str:
    """``Période de validité`` as given, date part only; spreadsheet artefacts made dates.

    "2023-12-31 00:00:00" -> "2023-12-31"; Excel serial days "44196" -> "2020-12-31"; Excel's
    French month format "déc.-19" -> "2019-12"; anything else ("Année 2012", "3 ans") unchanged.
    """
    text = clean_text(raw)
    if re.fullmatch(r"\d{4}-\d\d-\d\d 00:00:00", text):
        return text[:10]
    if re.fullmatch(r"\d{5}", text):
        return (_EXCEL_EPOCH + dt.timedelta(days=int(text))).isoformat()
    found = re.fullmatch(r"([a-zéû]+\.?)-(\d\d)", text)
    if found and found.group(1) in _MONTHS_FR:
        return f"20{found.group(2)}-{_MONTHS_FR[found.group(1)]:02d}"
    return text


def year_of(validity_raw: str, created_raw: str) -> int | None:
    """The year of the data: the reference year ``Période de validité`` names, else creation's.

    A reference year is "Année 2012", "… pour l'année 2024" or an IPCC report's "(2007)"; dates
    and bare years there are ends of validity, not data years, so creation's year is used.
    """
    found = re.search(r"[Aa]nnée (\d{4})|\((\d{4})\)", validity_raw)
    if found:
        return int(found.group(1) or found.group(2))
    created = re.match(r"(\d{4})-\d\d-\d\d", created_raw.strip())
    return int(created.group(1)) if created else None


# -- build ---------------------------------------------------------------------------------------
def read_csv(csv_path: Path) -> list[dict[str, str]]:
    """Every row of the Base Carbone CSV (UTF-8, with a header of 67 columns)."""
    with Path(csv_path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def element_id(row: dict[str, str]) -> int:
    """The Base Carbone id of a row (elements and their posts share it)."""
    return int(row["Identifiant de l'élément"])


def _notes(row: dict[str, str], info: UnitInfo) -> str:
    parts: list[str] = []
    if info.qualifier:
        parts.append(f"unit: {info.qualifier}")
    if info.scale != 1:
        parts.append(f"value x{info.scale.normalize():f} from {clean_text(row['Unité français'])}")
    category = row["Code de la catégorie"]
    if category.startswith("PRG") and not row["Unité français"].strip():
        parts.append("global warming potential: kgCO2e per kg of gas")
    if row["Programme"].strip():
        parts.append(f"programme: {clean_text(row['Programme'])}")
    contributors = [clean_text(row["Contributeur"]), clean_text(row["Autres Contributeurs"])]
    if any(contributors) and contributors != ["ADEME", ""]:  # ADEME publishes them all
        parts.append("contributor: " + ", ".join(c for c in contributors if c))
    return "; ".join(parts)


def _search_text(*texts: str) -> str:
    words: dict[str, None] = {}
    for text in texts:
        for word in normalize_text(text).split():
            words.setdefault(word, None)
    return " ".join(words)


def factor_record(row: dict[str, str]) -> tuple[object, ...]:
    """One ``factors`` row (in :data:`SCHEMA` column order) from a CSV ``Elément`` row."""
    source_id = str(element_id(row))
    fid = f"ademe:{source_id}"
    info = read_unit(row["Unité français"], row["Unité anglais"])
    name_fr = full_name(row, "français")
    name_en = full_name(row, "anglais")
    category = clean_text(row["Code de la catégorie"])
    tags_fr = clean_tags(row["Tags français"], name_fr)
    tags_en = clean_tags(row["Tags anglais"], name_en)
    location = row["Localisation géographique"]
    sub = row["Sous-localisation géographique français"]
    region = region_of(location, sub)
    uncertainty = row["Incertitude"].strip()
    return (
        fid,
        scaled_value(row["Total poste non décomposé"], info.scale),
        info.unit,
        name_en,
        name_fr,
        info.kind,
        category,
        "published" if uncertainty else "none",
        float(uncertainty) if uncertainty else None,
        SOURCE,
        source_id,
        SOURCE_URL,
        year_of(row["Période de validité"], row["Date de création"]),
        region,
        STATUSES[row["Statut de l'élément"].strip()],
        LICENCE,
        _notes(row, info),
        tags_fr,
        tags_en,
        row["Unité français"],
        location_text(location, sub),
        validity_of(row["Période de validité"]),
        _search_text(fid, name_fr, name_en, tags_fr, tags_en, category, region),
    )


def records(rows: list[dict[str, str]]) -> Iterator[tuple[str, tuple[object, ...]]]:
    """("factors" or "posts", record) for every row, elements by id, each followed by its posts."""
    elements = sorted((r for r in rows if r["Type Ligne"] == "Elément"), key=element_id)
    posts: dict[int, list[dict[str, str]]] = {}
    for row in rows:
        if row["Type Ligne"] == "Poste":
            posts.setdefault(element_id(row), []).append(row)
    for row in elements:
        record = factor_record(row)
        yield "factors", record
        scale = unit_scale(row["Unité français"], row["Unité anglais"])
        for post in posts.pop(element_id(row), []):
            yield (
                "posts",
                (
                    record[0],
                    clean_text(post["Type poste"]),
                    clean_text(post["Nom poste français"]),
                    clean_text(post["Nom poste anglais"]),
                    scaled_value(post["Total poste non décomposé"], scale),
                ),
            )
    if posts:
        raise ValueError(f"posts without their element: ids {sorted(posts)[:10]}")


def build(csv_path: Path | str, out_path: Path | str) -> dict[str, int]:
    """Write ``out_path`` (SQLite, :data:`SCHEMA`) from the Base Carbone CSV; counts by table."""
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    counts = {"factors": 0, "posts": 0}
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA page_size = 16384")  # rows of ~700 bytes leave less unused space
        conn.executescript(SCHEMA)
        for table, record in records(read_csv(Path(csv_path))):
            marks = ", ".join("?" * len(record))
            conn.execute(f"INSERT INTO {table} VALUES ({marks})", record)
            counts[table] += 1
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    tmp.replace(out)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: ``ademe.py [csv_path] [out_path]``."""
    args = sys.argv[1:] if argv is None else argv
    csv_path = Path(args[0]) if args else default_csv()
    out_path = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    if not csv_path.is_file():
        print(f"Base Carbone CSV not found: {csv_path} (set SHOOTPRINT_SHARED)", file=sys.stderr)
        return 1
    counts = build(csv_path, out_path)
    size = out_path.stat().st_size
    print(f"{out_path.name}: {counts['factors']} factors, {counts['posts']} posts, {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Rebuild the message catalogs: extract → messages.pot, merge into each .po, compile .mo.

Extraction covers all of ``src/shootprint``: the engine's warnings and line labels, error messages,
the CLI's text and the reports. Marked are, in Python, ``_("…")``, ``N_("…")``, ``Message("…", …)``,
``gettext(lang, "…")`` and the template of ``ctx.warn(code, "…", …)``; in report templates
``{{ _("…") }}``, and so in the web application's templates; and the ``reason`` columns of
``data/uncertainty_defaults.csv`` (quoted in the warning a default uncertainty gives) and
``server/data/ghg_scope3.csv`` (the dashboard's GHG Protocol mapping); and the messages Click writes
itself (usage errors, help headings), read from the installed Click by ``data-raw/click_messages.py``
and marked ``#. click`` in the catalog. Run it from the repository
root after changing a translatable string, then translate the new entries of ``src/shootprint/locale/<lang>/LC_MESSAGES/messages.po``
and run it again to compile:

    .venv/bin/python data-raw/compile_catalogs.py           # extract, merge, compile
    .venv/bin/python data-raw/compile_catalogs.py --check   # exit 1 if anything is stale or untranslated

The same extraction with the pybabel command line (``src/shootprint/locale/babel.cfg``):

    .venv/bin/pybabel extract -F src/shootprint/locale/babel.cfg -k N_ -k Message -k gettext:2 -k warn:2 \
        --no-location -o src/shootprint/locale/messages.pot src/shootprint
(without the CSV reasons, which only this script adds)
    .venv/bin/pybabel update -i src/shootprint/locale/messages.pot -d src/shootprint/locale --no-fuzzy-matching
    .venv/bin/pybabel compile -d src/shootprint/locale

English is the source language (no catalog). The compiled ``.mo`` files are shipped; a test checks
that each is up to date with its ``.po``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from click_messages import messages as click_messages  # data-raw/click_messages.py

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "shootprint"
#: data files whose text is shown to readers: (path, column)
DATA_TEXT = [
    (SOURCE / "data" / "uncertainty_defaults.csv", "reason"),
    (SOURCE / "server" / "data" / "ghg_scope3.csv", "reason"),  # shown on the dashboard
]
LOCALE = ROOT / "src" / "shootprint" / "locale"
LANGS = ("fr",)
METHOD_MAP = [("**.py", "python"), ("report/templates/**.j2", "jinja2"), ("server/web/templates/**.html", "jinja2")]
OPTIONS_MAP = {
    "report/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"},
    "server/web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"},
}
# gettext is shootprint.i18n.gettext(lang, text), ngettext is i18n.ngettext(lang, singular, plural, n),
# warn is Context.warn(code, template, **params)
KEYWORDS = {"_": None, "N_": None, "Message": None, "gettext": (2,), "ngettext": (2, 3), "warn": (2,)}
HEADER = "Messages of shootprint: engine (warnings, line labels, errors), command line and reports."


def extract() -> Catalog:
    catalog = Catalog(project="shootprint", header_comment=f"# {HEADER}", fuzzy=False)
    for _filename, _lineno, message, comments, context in extract_from_dir(
        str(SOURCE), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS
    ):
        catalog.add(message, None, [], auto_comments=comments, context=context)
    for path, column in DATA_TEXT:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row[column]:
                    catalog.add(row[column], None, [])
    for msgid in click_messages():
        catalog.add(msgid, None, [], auto_comments=["click"])
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, omit_header=False, no_location=True, sort_output=True, width=100)
    return buf.getvalue()


def _stable(data: bytes) -> bytes:
    """The catalog text without its creation/revision dates (they change on every run)."""
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By'))
    )


def merged(template: Catalog, lang: str) -> Catalog:
    po_path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="shootprint", header_comment=f"# {HEADER}")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.creation_date = template.creation_date
    return catalog


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale or untranslated catalogs, change nothing")
    args = parser.parse_args(argv)
    template = extract()
    problems = []
    pot_path = LOCALE / "messages.pot"
    pot = _po_bytes(template)
    if args.check:
        if not pot_path.exists() or _stable(pot_path.read_bytes()) != _stable(pot):
            problems.append(f"{pot_path.relative_to(ROOT)} is stale: run data-raw/compile_catalogs.py")
    else:
        pot_path.write_bytes(pot)
    for lang in LANGS:
        folder = LOCALE / lang / "LC_MESSAGES"
        catalog = merged(template, lang)
        missing = [m.id for m in catalog if m.id and not _translated(m.string)]
        if missing:
            problems.append(f"{lang}: {len(missing)} untranslated: " + "; ".join(map(str, missing[:5])))
        po = _po_bytes(catalog)
        mo_path = folder / "messages.mo"
        if args.check:
            po_path = folder / "messages.po"
            if not po_path.exists() or _stable(po_path.read_bytes()) != _stable(po):
                problems.append(f"{po_path.relative_to(ROOT)} is stale: run data-raw/compile_catalogs.py")
            elif not mo_path.exists() or _mo_messages(mo_path.read_bytes()) != _mo_messages(mo_bytes(catalog)):
                problems.append(f"{mo_path.relative_to(ROOT)} is not compiled from its .po")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "messages.po").write_bytes(po)
        mo_path.write_bytes(mo_bytes(catalog))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _translated(string: str | tuple[str, ...]) -> bool:
    """A translation is given (every form of a plural one)."""
    return all(string) if isinstance(string, tuple) else bool(string)


def _mo_messages(data: bytes) -> dict[str, str]:
    catalog = read_mo(io.BytesIO(data))
    return {str(m.id): str(m.string) for m in catalog if m.id}


if __name__ == "__main__":
    raise SystemExit(main())

"""Click's own messages (usage errors, help headings) in French when the command line asks for French
(``--lang fr`` or a French locale), unchanged in English; every msgid Click has is in the catalog."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from shootprint.cli import app
from shootprint.i18n import ngettext, translations
from shootprint.server.backup import BackupSummary, describe

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "examples" / "reference" / "ai-generated.yaml"
NNBSP = "\u202f"
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
FRENCH = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def run(args: list[str], env: dict[str, str] = ENGLISH) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env, prog_name="shootprint")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _click_messages() -> list[str | tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("click_messages", ROOT / "data-raw" / "click_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.messages())


USAGE_FR = f"Utilisation{NNBSP}: shootprint estimate [OPTIONS] FILE\nEssayez 'shootprint estimate --help' pour obtenir de l’aide.\n\n"
USAGE_EN = "Usage: shootprint estimate [OPTIONS] FILE\nTry 'shootprint estimate --help' for help.\n\n"
CASES = [
    (
        ["estimate", "--nosuch"],
        f"Erreur{NNBSP}: Option inconnue '--nosuch'. Vouliez-vous dire '--out'{NNBSP}?\n",
        "Error: No such option '--nosuch'. Did you mean '--out'?\n",
    ),
    (["estimate"], f"Erreur{NNBSP}: Argument manquant 'FILE'.\n", "Error: Missing argument 'FILE'.\n"),
    (
        ["estimate", str(PROD), "--samples", "abc"],
        f"Erreur{NNBSP}: Valeur invalide pour '--samples'{NNBSP}: 'abc' n’est pas un nombre valide "
        f"(type{NNBSP}: integer range).\n",
        "Error: Invalid value for '--samples': 'abc' is not a valid integer range.\n",
    ),
]


@pytest.mark.parametrize(("args", "french", "english"), CASES)
def test_click_usage_errors_in_french_with_lang_fr(args: list[str], french: str, english: str) -> None:
    for lang_args in (["--lang", "fr"], ["--lang=fr"]):
        assert run([*args, *lang_args]) == (2, USAGE_FR + french)


@pytest.mark.parametrize(("args", "french", "english"), CASES)
def test_click_usage_errors_in_french_from_the_locale(args: list[str], french: str, english: str) -> None:
    assert run(args, FRENCH) == (2, USAGE_FR + french)
    assert run([*args, "--lang", "en"], FRENCH) == (2, USAGE_EN + english)  # the option wins


@pytest.mark.parametrize(("args", "french", "english"), CASES)
def test_click_usage_errors_in_english_are_unchanged(args: list[str], french: str, english: str) -> None:
    assert run(args) == (2, USAGE_EN + english)
    assert run([*args, "--lang", "en"]) == (2, USAGE_EN + english)
    run([*args, "--lang", "fr"])  # French for one command line, then English again, byte for byte
    assert run(args) == (2, USAGE_EN + english)


def test_lang_after_the_double_dash_is_the_commands_not_ours() -> None:
    code, out = run(["estimate", "--nosuch", "--", "--lang", "fr"])
    assert code == 2 and "Error: No such option '--nosuch'." in out


def test_french_help_page_headings() -> None:
    code, out = run(["estimate", "--help", "--lang", "fr"])
    assert code == 0
    assert out.startswith(f"Utilisation{NNBSP}: shootprint estimate [OPTIONS] FILE\n")
    assert f"\nOptions{NNBSP}:\n" in out and "Afficher ce message et quitter." in out
    assert f"[par défaut{NNBSP}: table]" in out
    code, out = run(["--help"], FRENCH)
    assert code == 0 and f"\nCommandes{NNBSP}:\n" in out
    assert "--version   Afficher la version et quitter." in out
    code, out = run(["--help"])
    assert code == 0 and "--version   Show the version and exit." in out


def test_english_help_pages_are_unchanged_and_match_the_reference() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for args in (["--help"], ["estimate", "--help"], ["compare", "--help"]):
        run([*args, "--lang", "fr"])  # French first: nothing of it stays for the English after
        code, before = run(args)
        run([*args, "--lang", "fr"])
        assert run(args) == (code, before) and code == 0
        assert "Usage: shootprint" in before and "\nOptions:\n" in before and "Show this message and exit." in before
    # the reference page is built from the same help, at its fixed width
    assert "Usage: shootprint estimate [OPTIONS] FILE" in doc and "-h, --help" in doc


def test_every_click_message_has_its_french() -> None:
    """Fails when a Click release adds a message (rebuild with data-raw/compile_catalogs.py, translate)."""
    msgids = _click_messages()
    assert len(msgids) > 50 and "Usage:" in msgids and "Error: {message}" in msgids
    compiled = translations("fr")._catalog  # noqa: SLF001 (gettext's own table: what the package ships)
    missing, wrong = [], []
    placeholder = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)s")
    for msgid in msgids:
        if isinstance(msgid, str):
            forms = {msgid: compiled.get(msgid)}
            english = set(placeholder.findall(msgid))
        else:
            forms = {f"{msgid[0]} [{i}]": compiled.get((msgid[0], i)) for i in (0, 1)}
            english = set(placeholder.findall(msgid[0])) | set(placeholder.findall(msgid[1]))
        for key, french in forms.items():
            if not french:
                missing.append(key)
            elif not set(placeholder.findall(french)) <= english:
                wrong.append((key, french))  # a placeholder Click does not fill: a KeyError at run time
    assert missing == [] and wrong == []
    # each plural's plural form keeps the plural's own placeholders
    for msgid in msgids:
        if isinstance(msgid, tuple):
            assert set(placeholder.findall(msgid[1])) <= set(placeholder.findall(compiled[(msgid[0], 1)]))


def test_click_modules_routed_are_the_ones_that_translate() -> None:
    """Each module shootprint points at its catalog imports gettext's functions as Click does today."""
    import gettext
    import importlib

    from shootprint.cli import CLICK_MODULES

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        assert module._ is gettext.gettext, name  # noqa: SLF001
    assert click.exceptions.ngettext is gettext.ngettext


def test_french_plural_takes_the_singular_for_zero_and_one() -> None:
    assert [ngettext("fr", "{n} row", "{n} rows", n, n=n) for n in (0, 1, 2)] == ["0 ligne", "1 ligne", "2 lignes"]
    assert [ngettext("en", "{n} row", "{n} rows", n, n=n) for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert ngettext("fr", "{n} row", "{n} rows", 12500, n=12500) == f"12{NNBSP}500 lignes"


def test_backup_summary_counts_in_each_language() -> None:
    empty = BackupSummary(Path("b.gz"), "0007", {"organisations": 0})
    assert describe(empty, "fr") == "1 table, 0 ligne (révision du schéma 0007)"
    assert describe(empty, "en") == "1 table, 0 rows (schema revision 0007)"
    full = BackupSummary(Path("b.gz"), None, {"a": 2, "b": 338})
    assert describe(full, "fr") == "2 tables, 340 lignes (sans révision de schéma)"
    assert describe(full, "en") == "2 tables, 340 rows (no schema revision)"

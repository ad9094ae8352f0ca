"""Engine-made text (warnings, line labels, messages) has a French translation in the catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint import api
from shootprint.i18n import Message, gettext, number_text, render, translations
from shootprint.model import ResultWarning

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "examples" / "reference").glob("*.yaml"))
FRENCH = translations("fr")


def _translated(template: str) -> bool:
    return FRENCH._catalog.get(template) not in (None, "")  # noqa: SLF001 (gettext's own table)


def _untranslated_parts(text: str) -> list[str]:
    """The templates inside a Message (itself and its Message parameters) with no French entry."""
    if not isinstance(text, Message):
        return [text]  # a finished English sentence: cannot be translated
    missing = [] if _translated(text.template) else [text.template]
    for value in text.params.values():
        if isinstance(value, Message):
            missing += _untranslated_parts(value)
    return missing


@pytest.fixture(scope="module")
def footprints() -> list:
    fps = [api.estimate(path) for path in REFERENCE]
    fps += [api.estimate_uncertain(path, samples=20, seed=1) for path in REFERENCE]
    return fps


def test_every_warning_of_the_reference_productions_is_a_translated_message(footprints: list) -> None:
    missing: set[str] = set()
    for fp in footprints:
        for w in [w for line in fp.lines for w in line.warnings] + fp.warnings:
            missing.update(_untranslated_parts(w.message))
    assert not missing, f"warnings without a French translation: {sorted(missing)}"


def test_message_renders_french_with_french_numbers() -> None:
    m = Message("factor {id} is archived in its source", id="ademe:1")
    assert m == "factor ademe:1 is archived in its source"
    assert m.render("fr") == "le facteur ademe:1 est archivé dans sa source"
    nested = Message("{key}: the production has 0 {what}", key="k", what=Message("shoot days"))
    assert nested.render("fr") == "k\u202f: la production compte 0 jours de tournage"
    assert number_text(12.5, "fr") == "12,5" and number_text(12.5, "en") == "12.5"
    assert number_text(1234.4, "fr") == "1234"
    assert render("not in the catalog", "fr") == "not in the catalog"
    assert gettext("fr", "shoot days") == "jours de tournage"


def test_warning_json_keeps_message_and_adds_french() -> None:
    w = ResultWarning.of("factor-archived", "factor {id} is archived in its source", "line-1", id="x:1")
    assert w.to_dict() == {
        "code": "factor-archived",
        "message": "factor x:1 is archived in its source",
        "message_fr": "le facteur x:1 est archivé dans sa source",
        "line_id": "line-1",
    }
    legacy = ResultWarning("some-code", "a finished English sentence")
    assert legacy.text("fr") == "a finished English sentence"  # shown as written until it is a template

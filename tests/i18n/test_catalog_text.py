"""The French catalog's sentences as a reader sees them: each said once, with the placeholders of its
English (a placeholder missing or renamed breaks the formatting of the message)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import shootprint

PO = Path(shootprint.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _entries() -> list[tuple[str, str]]:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    return [(m.id, m.string) for m in catalog if m.id and isinstance(m.id, str) and isinstance(m.string, str)]


def test_no_french_message_says_its_text_twice() -> None:
    """A slip when a translation is pasted in: the same sentence again right after the first."""
    size = 40  # a stretch of text this long found twice in the French is a sentence said again
    repeated = [
        msgid
        for msgid, french in _entries()
        if any(french.count(french[i : i + size]) > 1 for i in range(len(french) - size + 1))
    ]
    assert repeated == []


def test_every_placeholder_of_the_english_is_in_the_french() -> None:
    differ = [
        (msgid, french)
        for msgid, french in _entries()
        if french and sorted(set(PLACEHOLDER.findall(msgid))) != sorted(set(PLACEHOLDER.findall(french)))
    ]
    assert differ == []

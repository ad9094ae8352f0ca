"""Languages: the one place engine-made text is translated (gettext catalogs in ``shootprint/locale``).

English is the source language; French comes from ``locale/fr/LC_MESSAGES/messages.po`` (rebuilt by
``data-raw/compile_catalogs.py``). Text is marked with ``N_("…")`` where it is written and translated
with ``gettext(lang, text)`` where it is shown, so the core can carry a message's English source and
its parameters and any shell can show it in the reader's language.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("en", "fr")
DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(text: str) -> str:  # noqa: N802 (the gettext convention: mark for translation, translate later)
    return text


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> Any:
    """The gettext translations of ``lang`` (a NullTranslations for English)."""
    from babel.support import NullTranslations, Translations

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: accepted {', '.join(LANGS)}")
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def gettext(lang: str, text: str, **params: Any) -> str:
    """``text`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    out = str(translations(lang).gettext(text))
    return out.format(**params) if params else out


def lang_from_env(environ: dict[str, str] | None = None) -> str:
    """The language of the environment's locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), else English."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(key, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            return code if code in LANGS else DEFAULT_LANG
    return DEFAULT_LANG

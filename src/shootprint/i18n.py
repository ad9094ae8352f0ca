"""Languages: the one place engine-made text is translated (gettext catalogs in ``shootprint/locale``).

English is the source language; French comes from ``locale/fr/LC_MESSAGES/messages.po`` (rebuilt by
``data-raw/compile_catalogs.py``). Text is marked with ``N_("…")`` where it is written and translated
with ``gettext(lang, text)`` where it is shown, so the core can carry a message's English source and
its parameters and any shell can show it in the reader's language.

A :class:`Message` is that pair, kept by the core (warnings, line labels): its English template and
its parameters, rendered in a language on demand. A parameter may itself be a Message (a term such
as a meal kind, or a piece of a label), rendered in the same language; a float is written the way
the reader reads numbers (``12.5`` in English, ``12,5`` in French; no thousands separator, three
significant figures below 100).

Extraction (``data-raw/compile_catalogs.py``) collects the first argument of ``N_``, ``_``,
``gettext`` (second argument) and ``Message``, the second argument of ``warn``, and the second and
third of ``ngettext`` (a count's singular and plural).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("en", "fr")
DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: the start of each line of an error the command line prints (French: a narrow no-break space
#: before the colon, as in the catalog's sentences)
ERROR_PREFIX = {"en": "error: ", "fr": "erreur\u202f: "}


def N_(text: str) -> str:  # noqa: N802 (the gettext convention: mark for translation, translate later)
    return text


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> Any:
    """The gettext translations of ``lang`` (a NullTranslations for English).

    Read with the standard library's gettext (the catalog Babel's ``Translations.load`` finds, read
    the same way): importing ``babel.support`` took about 10 ms of every command that prints text."""
    import gettext as _gettext

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: accepted {', '.join(LANGS)}")
    if lang == "en":
        return _gettext.NullTranslations()
    found = _gettext.find("messages", str(LOCALE_DIR), [lang])
    if not found:
        return _gettext.NullTranslations()
    with open(found, "rb") as fp:
        return _gettext.GNUTranslations(fp)


def gettext(lang: str, text: str, **params: Any) -> str:
    """``text`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    out = str(translations(lang).gettext(text))
    return out.format(**params) if params else out


def ngettext(lang: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The form of ``singular``/``plural`` that ``n`` takes in ``lang`` (French: the singular for 0
    and 1, the catalog's ``Plural-Forms``), with ``{name}`` placeholders filled from ``params``."""
    out = str(translations(lang).ngettext(singular, plural, n))
    return out.format(**{k: _param(v, lang) for k, v in params.items()}) if params else out


def number_text(x: float, lang: str = DEFAULT_LANG) -> str:
    """A number inside a sentence: no thousands separator (a comma is a decimal in French), three
    significant figures below 100, the language's decimal sign."""
    text = f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"
    if "e" in text:  # 3 significant figures of a tiny number: write it out
        text = f"{x:.3f}".rstrip("0").rstrip(".") or "0"
    return text.replace(".", ",") if lang == "fr" else text


class Message(str):
    """An English template (a catalog msgid) and its parameters, rendered in any language.

    A Message *is* its English text (a ``str``), so code that reads it as a string keeps working;
    ``render(lang)`` gives it in another language. Marked for extraction as ``Message("…", …)``.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        if params:  # a plain str parameter is itself in every language: no _param call (hot path)
            english = template.format(
                **{k: v if type(v) is str else _param(v, DEFAULT_LANG) for k, v in params.items()}
            )
        else:
            english = template
        self = super().__new__(cls, english)
        self.template = template
        self.params = params
        return self

    def render(self, lang: str = DEFAULT_LANG) -> str:
        if lang == DEFAULT_LANG:
            return str(self)
        return gettext(lang, self.template, **{k: _param(v, lang) for k, v in self.params.items()})


class Joined(Message):
    """Pieces of a label joined by a separator, each rendered in the reader's language.

    The pieces carry their own catalog entries (Messages, terms); the joint itself has none: it is
    only the separator, the same in every language. Empty pieces are left out.
    """

    def __new__(cls, parts: Sequence[Any], sep: str = ", ") -> Joined:
        kept = [p for p in parts if p not in ("", None)]
        escaped = sep.replace("{", "{{").replace("}", "}}")
        template = escaped.join(f"{{p{i}}}" for i in range(len(kept)))
        return super().__new__(cls, template, **{f"p{i}": p for i, p in enumerate(kept)})  # type: ignore[return-value]

    def render(self, lang: str = DEFAULT_LANG) -> str:
        if lang == DEFAULT_LANG:
            return str(self)
        return self.template.format(**{k: _param(v, lang) for k, v in self.params.items()})


class Exact(Message):
    """A number written with all its figures (``47.75``, ``:g``), with the reader's decimal sign."""

    def __new__(cls, value: float) -> Exact:
        return super().__new__(cls, f"{value:g}")  # type: ignore[return-value]

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return str(self).replace(".", ",") if lang == "fr" else str(self)


class Spoken(Message):
    """A text already written in each language (an error's sentences relayed inside another message):
    no catalog entry of its own, its French given."""

    texts: dict[str, str]

    def __new__(cls, texts: dict[str, str]) -> Spoken:
        self = str.__new__(cls, texts[DEFAULT_LANG])
        self.template = texts[DEFAULT_LANG].replace("{", "{{").replace("}", "}}")
        self.params = {}
        self.texts = texts
        return self

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return self.texts.get(lang) or str(self)


def count(n: int) -> Spoken:
    """A count with its thousands grouped the reader's way at any size (``1,250`` / ``1\u202f250``)."""
    grouped = f"{n:,}"
    return Spoken({"en": grouped, "fr": grouped.replace(",", "\u202f")})


def said(exc: BaseException) -> str:
    """What an exception said, kept translatable: the Message it was raised with, or the sentences
    of its problems in each language (a ``ProblemsError``); else its plain text."""
    details = getattr(exc, "details", None)
    if details:
        problems = getattr(exc, "problems", None)
        if isinstance(problems, list) and len(problems) == 1 and isinstance(problems[0], Message):
            return problems[0]
        return Spoken({lang: "\n".join(p.text(lang) for p in details) for lang in LANGS} | {DEFAULT_LANG: str(exc)})
    first = exc.args[0] if exc.args else None
    if isinstance(first, Message):
        return first
    return first if isinstance(first, str) else str(exc)


def render(text: str, lang: str = DEFAULT_LANG) -> str:
    """A Message in ``lang``; a plain string through the catalog (unchanged when it has no entry)."""
    if isinstance(text, Message):
        return text.render(lang)
    return gettext(lang, text) if text else text


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, float):
        return number_text(value, lang)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:
        grouped = f"{value:,}"  # a count: thousands grouped the reader's way
        return grouped.replace(",", "\u202f") if lang == "fr" else grouped
    if isinstance(value, list | tuple):
        return ", ".join(str(_param(v, lang)) for v in value)
    return value


def lang_from_env(environ: dict[str, str] | None = None) -> str:
    """The language of the environment's locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), else English."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(key, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            return code if code in LANGS else DEFAULT_LANG
    return DEFAULT_LANG

"""Structured problems: every error a user can cause, as data a CLI, a form or an API can show.

A :class:`Problem` names where it came from (``source``: a file name, ``<production>``, ``--set``,
an API field), where in it (``location``: a path into the production such as
``("activities", "flight-1", "distance")`` or a workbook cell such as ``("catering", 5, "meals")``),
a stable ``code``, the English ``message`` and its French version, and a ``hint`` where one helps
(close matches, accepted values). :class:`ProblemsError` carries a list of them; the command line
prints each as ``source: location: message`` as it always has, the server maps them to HTTP 422.

Messages are written as templates marked with ``N_`` and formatted with ``params``, so the French
text comes from the catalogs (``shootprint.i18n``) as they are filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shootprint.i18n import N_, Message, gettext


class ShootprintError(Exception):
    """Base of every error shootprint raises on purpose (the CLI prints it without a traceback).

    Known as :class:`shootprint.errors.ShootprintError`; defined here, below the errors that derive
    from it, so that this module and :mod:`shootprint.errors` import in either order."""


#: the code of a problem known only by its sentence (older code paths): a fallback, never matched on
GENERIC_CODE = "invalid-input"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, with where it is and what would be accepted."""

    code: str
    message: str
    source: str = ""
    location: tuple[str | int, ...] = ()
    message_fr: str = ""
    hint: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: the message already says where (``row 3 (id): …``): the sentence does not repeat the location
    location_in_message: bool = field(default=False, compare=False)

    @classmethod
    def make(
        cls,
        code: str,
        template: str,
        *,
        source: str = "",
        location: Iterable[str | int] = (),
        hint: str = "",
        location_in_message: bool = False,
        **params: Any,
    ) -> Problem:
        """A problem from a template marked with ``N_`` (``{name}`` placeholders filled from params)."""
        return cls(
            code=code,
            message=template.format(**params) if params else template,
            source=source,
            location=tuple(location),
            message_fr=_french(template, params),
            hint=hint,
            params=dict(params),
            location_in_message=location_in_message,
        )

    @classmethod
    def from_text(cls, text: str, code: str = GENERIC_CODE) -> Problem:
        """A problem from a sentence ``source: location: message`` (any part may be missing)."""
        source, location, message = split_sentence(text)
        return cls(
            code=code,
            message=message,
            source=source,
            location=location,
            message_fr=_french_of_sentence(text, message),
        )

    @property
    def where(self) -> str:
        """The location as written in messages: ``activities.flight-1.distance``."""
        return ".".join(str(p) for p in self.location)

    def text(self, lang: str = "en") -> str:
        """The one-line sentence the command line prints: ``source: location: message``."""
        message = self.message_fr if lang == "fr" and self.message_fr else self.message
        where = "" if self.location_in_message else self.where
        parts = [p for p in (self.source, where, message) if p]
        return ": ".join(parts)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (the API's ``problems`` items)."""
        out: dict[str, Any] = {
            "code": self.code,
            "source": self.source,
            "location": list(self.location),
            "message": self.message,
            "message_fr": self.message_fr or self.message,
        }
        if self.hint:
            out["hint"] = self.hint
        if self.params:
            out["params"] = {
                k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in self.params.items()
            }
        return out


def _french_of_sentence(text: str, message: str) -> str:
    """The French of a sentence's message part: a :class:`~shootprint.i18n.Message` renders itself
    (its ``source: location:`` prefix, the same in both languages, left out), a plain string goes
    through the catalog as it is."""
    if isinstance(text, Message):
        french = text.render("fr")
        head = str(text)[: len(str(text)) - len(message)].rstrip().rstrip(":")
        if head and french.startswith(head):  # "file.yaml: …" is "file.yaml : …" in French
            return re.sub(r"^\s*:\s*", "", french[len(head) :])
        return french
    return _french(message, {})


def _french(template: str, params: dict[str, Any]) -> str:
    # a parameter that is itself a Message (an error relayed, a term) is said in French too
    params = {k: v.render("fr") if isinstance(v, Message) else v for k, v in params.items()}
    try:
        return gettext("fr", template, **params)
    except (KeyError, IndexError, ValueError):  # a catalog entry whose placeholders do not match
        return template.format(**params) if params else template


#: pydantic's error types said in the catalog's words: (template, the ``ctx`` values it names)
_PYDANTIC = {
    "missing": (N_("required field missing"), ()),
    "extra_forbidden": (N_("unknown field"), ()),
    "unexpected_keyword_argument": (N_("unknown field"), ()),
    "literal_error": (N_("accepted: {expected}"), ("expected",)),
    "enum": (N_("accepted: {expected}"), ("expected",)),
    "greater_than": (N_("must be greater than {gt}"), ("gt",)),
    "greater_than_equal": (N_("must be {ge} or more"), ("ge",)),
    "less_than": (N_("must be less than {lt}"), ("lt",)),
    "less_than_equal": (N_("must be {le} or less"), ("le",)),
    "finite_number": (N_("must be a finite number"), ()),
    "float_parsing": (N_("expected a number"), ()),
    "float_type": (N_("expected a number"), ()),
    "int_parsing": (N_("expected a whole number"), ()),
    "int_type": (N_("expected a whole number"), ()),
    "int_from_float": (N_("expected a whole number, not a fraction"), ()),
    "bool_parsing": (N_("expected true or false"), ()),
    "bool_type": (N_("expected true or false"), ()),
    "string_type": (N_("expected a text"), ()),
    "string_too_long": (N_("must be at most {max_length} characters long"), ("max_length",)),
    "string_pattern_mismatch": (N_("does not match the pattern {pattern}"), ("pattern",)),
    "datetime_parsing": (N_("expected a date and time (ISO 8601, e.g. 2026-11-25T18:17:39+00:00)"), ()),
    "datetime_from_date_parsing": (N_("expected a date and time (ISO 8601, e.g. 2026-11-25T18:17:39+00:00)"), ()),
    "datetime_type": (N_("expected a date and time (ISO 8601, e.g. 2026-11-25T18:17:39+00:00)"), ()),
    "timezone_aware": (N_("must carry a time zone (ISO 8601 with an offset)"), ()),
    "date_parsing": (N_("expected a date (YYYY-MM-DD)"), ()),
    "date_from_datetime_parsing": (N_("expected a date (YYYY-MM-DD)"), ()),
    "date_from_datetime_inexact": (N_("expected a date (YYYY-MM-DD)"), ()),
    "date_type": (N_("expected a date (YYYY-MM-DD)"), ()),
    "list_type": (N_("expected a list"), ()),
    "tuple_type": (N_("expected a list"), ()),
    "iterable_type": (N_("expected a list"), ()),
    "dict_type": (N_("expected an object (fields and their values)"), ()),
    "model_type": (N_("expected an object (fields and their values)"), ()),
    "model_attributes_type": (N_("expected an object (fields and their values)"), ()),
    "dataclass_type": (N_("expected an object (fields and their values)"), ()),
    "dataclass_exact_type": (N_("expected an object (fields and their values)"), ()),
    "too_short": (N_("expected at least {min_length} item(s)"), ("min_length",)),
    "too_long": (N_("expected at most {max_length} item(s)"), ("max_length",)),
}


def pydantic_said(error: Any) -> Message:
    """A pydantic error (an item of ``ValidationError.errors()``) as a Message in every language.

    A core validator's Message is kept as it was raised (a plain sentence it raised is looked up in the
    catalog); pydantic's own errors keep pydantic's English wording and take their French from the catalog (:data:`_PYDANTIC`, by error type and its
    context: a limit, the accepted values); a type not listed there still says in French that the
    value is not accepted, with pydantic's error type.
    """
    from shootprint.i18n import Spoken, said

    ctx = error.get("ctx") or {}
    raised = ctx.get("error")
    if isinstance(raised, ValueError | AssertionError):
        text = said(raised)
        if isinstance(text, Message):
            return text
    english = str(error.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        if english.startswith(prefix):
            english = english[len(prefix) :]
    etype = str(error.get("type", ""))
    catalogued = gettext("fr", english)
    if catalogued != english:  # a validator's sentence with its own catalog entry
        french = catalogued
    elif etype == "string_too_short":
        least = ctx.get("min_length", 1)
        french = (
            gettext("fr", "must not be empty")
            if least == 1
            else gettext("fr", "must be at least {min_length} characters long", min_length=least)
        )
    elif etype in ("literal_error", "enum"):  # pydantic's "'a', 'b' or 'c'": the choices, listed without "or"
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        listed = ", ".join(f"'{c}'" for c in choices) if choices else expected
        french = gettext("fr", "accepted: {expected}", expected=listed)
    elif etype in _PYDANTIC:
        template, names = _PYDANTIC[etype]
        french = Message(template, **{n: _limit(ctx.get(n, "")) for n in names}).render("fr")
    else:
        french = gettext("fr", "value not accepted ({error})", error=etype or "?")
    return Spoken({"en": english, "fr": french})


def _limit(value: Any) -> Any:
    """A ``ctx`` value as a sentence shows it: a number with the reader's decimal sign, else its text."""
    from shootprint.i18n import Exact

    if isinstance(value, float | int) and not isinstance(value, bool):
        return Exact(value)
    return str(value)


# "file.yaml: activities.flight-1.distance: message" | "<production>: name: message" | "message"
_SOURCE = re.compile(
    r"^(?P<source>[^:\s][^:]*?\.(?:ya?ml|json|csv|xlsx|jsonl)|<[^>]+>|--set|--vary|--[a-z-]+): (?P<rest>.*)$", re.S
)
_LOCATION = re.compile(
    r"^(?P<loc>(?:activities|parameters|deliverables|records|name|client|version|shoot_days|country|factor_set|shootprint|description|activities\[\d+\])(?:[.\[][^\s:]*)?): (?P<msg>.*)$",
    re.S,
)


def split_sentence(text: str) -> tuple[str, tuple[str | int, ...], str]:
    """(source, location, message) of a sentence written as ``source: location: message``."""
    source = ""
    rest = text
    m = _SOURCE.match(text)
    if m:
        source, rest = m.group("source"), m.group("rest")
    location: tuple[str | int, ...] = ()
    m = _LOCATION.match(rest)
    if m:
        location = tuple(_path_parts(m.group("loc")))
        rest = m.group("msg")
    return source, location, rest


def _path_parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for chunk in re.split(r"\.(?![^\[]*\])", path):
        m = re.match(r"^(.*?)\[(\d+)\]$", chunk)
        if m:
            parts.extend([m.group(1), int(m.group(2))])
        else:
            parts.append(chunk)
    return parts


class ProblemsError(ShootprintError):
    """Bad input, as a list of :class:`Problem` (every problem found, so a user fixes all at once).

    ``details`` holds the problems; ``problems`` their sentences (``source: location: message``),
    which is what the command line prints and what older callers compared.
    """

    def __init__(self, problems: Problem | str | Sequence[Problem | str]) -> None:
        if isinstance(problems, Problem | str):
            problems = [problems]
        self.details: list[Problem] = [p if isinstance(p, Problem) else Problem.from_text(p) for p in problems]
        self._texts = [p if isinstance(p, str) else p.text() for p in problems]
        super().__init__("\n".join(self._texts))

    @property
    def problems(self) -> list[str]:
        return list(self._texts)

    def to_list(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.details]


__all__ = ["N_", "Problem", "ProblemsError", "GENERIC_CODE", "split_sentence"]

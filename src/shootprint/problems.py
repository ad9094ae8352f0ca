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

from shootprint.errors import ShootprintError
from shootprint.i18n import N_, Message, gettext

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

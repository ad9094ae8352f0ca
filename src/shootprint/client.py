"""A Python client of shootprint's REST API (``/api/v1``), over httpx.

::

    from shootprint.client import Client, ApiError

    with Client("https://footprint.example.org", token="sp_…") as api:
        result = api.estimate(production)                     # the CLI's estimate JSON, as a dict
        created = api.create_production(production)           # a Resource: .id, .etag, .data
        api.replace_production(created.id, changed, etag=created.etag)   # 412 → ApiError if stale
        api.push_records(created.id, [record_dict, …])       # idempotent: same key, same answer

Every error the server answers is raised as :class:`ApiError` carrying the problem+json document
(RFC 9457): ``status``, ``title``, ``detail`` and ``problems`` (each ``{code, location, message}``).
A server that cannot be reached raises :class:`ApiUnreachable` (an :class:`ApiError` with status 0).

The client imports only httpx (part of the ``server`` extra); the tracker's ``--push`` and
``shootprint push`` use it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from shootprint.errors import ShootprintError

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"


class ApiError(ShootprintError):
    """An error answer of the API (``status`` ≥ 400), with the problems it carries.

    ``problems`` is the list of ``{"code", "location", "message", …}`` objects of the answer (empty
    when the server gave none); ``body`` is the whole decoded answer (``None`` if not JSON).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        problems: Sequence[Mapping[str, Any]] = (),
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.problems = [dict(p) for p in problems]
        self.body = body
        self.headers = dict(headers or {})
        lines = [f"{status} {title}" + (f": {detail}" if detail and detail != title else "")]
        for p in self.problems:
            loc = p.get("location") or ""
            where = ".".join(str(x) for x in loc) if isinstance(loc, list) else str(loc)
            lines.append(f"  {where + ': ' if where else ''}{p.get('message', '')} [{p.get('code', '')}]")
        super().__init__("\n".join(lines))

    def text(self, lang: str = "en") -> str:
        """The error as ``str`` gives it, its problems in ``lang`` where the server said them so
        (``message_fr``); the status line stays HTTP's own."""
        if lang == "en" or not self.problems:
            return str(self)
        lines = [f"{self.status} {self.title}"]
        for p in self.problems:
            loc = p.get("location") or ""
            where = ".".join(str(x) for x in loc) if isinstance(loc, list) else str(loc)
            message = p.get(f"message_{lang}") or p.get("message", "")
            lines.append(f"  {where + ': ' if where else ''}{message} [{p.get('code', '')}]")
        return "\n".join(lines)

    @property
    def codes(self) -> list[str]:
        """The problems' codes, in order."""
        return [str(p.get("code", "")) for p in self.problems]

    @property
    def retry_after_s(self) -> float | None:
        """The ``Retry-After`` header in seconds (429 and 503 answers), ``None`` when absent."""
        raw = {k.lower(): v for k, v in self.headers.items()}.get("retry-after")
        try:
            return float(raw) if raw is not None else None
        except ValueError:
            return None


class ApiUnreachable(ApiError):
    """The server could not be reached, or did not answer in time (nothing is known to be stored)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(0, "server unreachable", f"{url}: {reason}")


@dataclass(frozen=True)
class Resource:
    """A production as the API returns it: its JSON (``data``) and the ``etag`` of its revision."""

    data: dict[str, Any]
    etag: str

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def document(self) -> dict[str, Any]:
        """The production document (the same JSON as a production file)."""
        doc = self.data.get("document")
        return dict(doc) if isinstance(doc, dict) else {}


@dataclass(frozen=True)
class Page:
    """One page of a list: its ``items`` and the cursor of the next page (``None`` on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def idempotency_key(production_id: str, records: Sequence[Mapping[str, Any]], kind: str = "records") -> str:
    """A key that is the same whenever the same batch is sent to the same production.

    The SHA-256 of the production id, the kind of batch and the canonical JSON of its records, so
    a retried batch (even from another process, after a restart) is recognised by the server.
    """
    canonical = json.dumps(
        {"production": production_id, "kind": kind, "records": list(records)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return "sp-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


class Client:
    """A client of one shootprint server. Use as a context manager, or call :meth:`close`.

    ``base_url`` is the server's root (``http://127.0.0.1:8000``); ``token`` an API token (sent as
    ``Authorization: Bearer``). ``timeout_s`` bounds each request. ``transport`` replaces httpx's
    (tests pass ``httpx.ASGITransport(app)`` or a ``MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        from shootprint import __version__

        self.base_url = base_url.rstrip("/")
        if self.base_url.endswith(API_PREFIX):
            self.base_url = self.base_url[: -len(API_PREFIX)]
        headers = {"User-Agent": user_agent or f"shootprint-client/{__version__}", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url + API_PREFIX,
            headers=headers,
            timeout=timeout_s,
            transport=transport,
        )

    # -- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; an answer ≥ 400 raises :class:`ApiError`, a network failure :class:`ApiUnreachable`."""
        try:
            response = self._http.request(
                method,
                path,
                json=json_body,
                params={k: v for k, v in (params or {}).items() if v is not None},
                headers=dict(headers or {}),
            )
        except httpx.TransportError as err:  # connect, read, write, timeout, protocol
            raise ApiUnreachable(self.base_url, f"{type(err).__name__}: {err}") from err
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    # -- compute without storing -----------------------------------------------------------

    def estimate(
        self,
        production: Mapping[str, Any],
        *,
        samples: int | None = None,
        seed: int | None = None,
        level: float | None = None,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """The footprint of a production document (the CLI's ``estimate --format json``)."""
        body = {
            "production": production,
            "samples": samples,
            "seed": seed,
            "level": level,
            "factor_set": factor_set,
            "exclude": list(exclude) if exclude is not None else None,
        }
        return dict(self._json("POST", "/estimate", json_body=_drop_none(body)))

    def compare(
        self,
        productions: Sequence[Mapping[str, Any]],
        *,
        samples: int | None = None,
        seed: int | None = None,
        level: float | None = None,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Several productions with one factor table (the CLI's ``compare --format json``)."""
        body = {
            "productions": list(productions),
            "samples": samples,
            "seed": seed,
            "level": level,
            "factor_set": factor_set,
            "exclude": list(exclude) if exclude is not None else None,
        }
        return dict(self._json("POST", "/compare", json_body=_drop_none(body)))

    def sensitivity(
        self,
        productions: Sequence[Mapping[str, Any]],
        *,
        base_samples: int | None = None,
        seed: int | None = None,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Which inputs drive the total (Sobol indices), as ``shootprint sensitivity --format json``."""
        body = {
            "productions": list(productions),
            "base_samples": base_samples,
            "seed": seed,
            "factor_set": factor_set,
            "exclude": list(exclude) if exclude is not None else None,
        }
        return dict(self._json("POST", "/sensitivity", json_body=_drop_none(body)))

    def whatif(
        self,
        production: Mapping[str, Any],
        *,
        levers: Sequence[str] = (),
        sets: Mapping[str, Any] | None = None,
        samples: int | None = None,
        seed: int | None = None,
        level: float | None = None,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Savings of levers (``NAME`` or ``NAME=VALUE``) and of ``sets`` (``{path: value}``)."""
        body = {
            "production": production,
            "levers": list(levers),
            "sets": dict(sets) if sets else None,
            "samples": samples,
            "seed": seed,
            "level": level,
            "factor_set": factor_set,
            "exclude": list(exclude) if exclude is not None else None,
        }
        return dict(self._json("POST", "/whatif", json_body=_drop_none(body)))

    def breakeven(
        self,
        production: Mapping[str, Any],
        against: Mapping[str, Any],
        *,
        vary: str,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """The value of ``vary`` (a path in ``production``) at which it emits as much as ``against``."""
        body = {
            "production": production,
            "against": against,
            "vary": vary,
            "factor_set": factor_set,
            "exclude": list(exclude) if exclude is not None else None,
        }
        return dict(self._json("POST", "/breakeven", json_body=_drop_none(body)))

    def factors(
        self,
        q: str | None = None,
        *,
        category: str | None = None,
        unit: str | None = None,
        factor_set: str | None = None,
        limit: int | None = None,
        include_archived: bool | None = None,
    ) -> dict[str, Any]:
        """Factor search: ``{"items": [...], …}``."""
        params = {
            "q": q,
            "category": category,
            "unit": unit,
            "factor_set": factor_set,
            "limit": limit,
            "include_archived": None if include_archived is None else str(include_archived).lower(),
        }
        return dict(self._json("GET", "/factors", params=params))

    def factor(self, factor_id: str, *, factor_set: str | None = None) -> dict[str, Any]:
        """One factor with its value, unit, source and uncertainty."""
        return dict(self._json("GET", f"/factors/{_seg(factor_id)}", params={"factor_set": factor_set}))

    # -- productions as resources ------------------------------------------------------------

    def list_productions(
        self,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        q: str | None = None,
        deleted: bool | None = None,
        **filters: Any,
    ) -> Page:
        """One page of the organisation's productions (``deleted=True``: the trash)."""
        params: dict[str, Any] = {"cursor": cursor, "limit": limit, "q": q, **filters}
        if deleted is not None:
            params["deleted"] = str(deleted).lower()
        body = self._json("GET", "/productions", params=params)
        extra = {k: v for k, v in body.items() if k not in {"items", "next_cursor"}}
        return Page(list(body.get("items", [])), body.get("next_cursor"), extra)

    def iter_productions(self, *, limit: int | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every production, following the cursors page after page."""
        cursor: str | None = None
        while True:
            page = self.list_productions(cursor=cursor, limit=limit, **filters)
            yield from page.items
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def create_production(self, document: Mapping[str, Any]) -> Resource:
        """Store a new production from its document; returns it with its ``etag``."""
        return _resource(self.request("POST", "/productions", json_body={"document": dict(document)}))

    def get_production(self, production_id: str) -> Resource:
        return _resource(self.request("GET", f"/productions/{_seg(production_id)}"))

    def replace_production(self, production_id: str, document: Mapping[str, Any], *, etag: str) -> Resource:
        """A new revision of the production; ``etag`` is the revision it starts from (412 when stale)."""
        response = self.request(
            "PUT",
            f"/productions/{_seg(production_id)}",
            json_body={"document": dict(document)},
            headers={"If-Match": etag},
        )
        return _resource(response)

    def delete_production(self, production_id: str, *, etag: str | None = None) -> None:
        """Move the production to the trash (it can be restored)."""
        headers = {"If-Match": etag} if etag else None
        self.request("DELETE", f"/productions/{_seg(production_id)}", headers=headers)

    def restore_production(self, production_id: str) -> Resource:
        """Take the production out of the trash."""
        return _resource(self.request("POST", f"/productions/{_seg(production_id)}/restore"))

    def revisions(self, production_id: str) -> list[dict[str, Any]]:
        """The production's revisions, newest first."""
        body = self._json("GET", f"/productions/{_seg(production_id)}/revisions")
        return list(body.get("items", []))

    def footprint(
        self,
        production_id: str,
        *,
        factor_set: str | None = None,
        exclude: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """The footprint of the production's latest revision with its measured records."""
        params: dict[str, Any] = {"factor_set": factor_set}
        if exclude:
            params["exclude"] = list(exclude)
        return dict(self._json("GET", f"/productions/{_seg(production_id)}/footprint", params=params))

    def report(self, production_id: str, *, format: str = "pdf", lang: str = "en") -> bytes:
        """The report or export of the production as a file's bytes (pdf, html, xlsx, csv)."""
        response = self.request(
            "GET",
            f"/productions/{_seg(production_id)}/report",
            params={"format": format, "lang": lang},
            headers={"Accept": "*/*"},
        )
        return response.content

    # -- measured AI jobs ------------------------------------------------------------------

    def push_records(
        self,
        production_id: str,
        records: Sequence[Mapping[str, Any]],
        *,
        key: str | None = None,
    ) -> dict[str, Any]:
        """Send tracker records (``runs.jsonl`` objects); returns ``{accepted, duplicates, rejected,
        batch_id}`` (``batch_id``: the record batch made of the records stored now, or None).

        ``key`` (default: :func:`idempotency_key` of the batch) makes a retry return the first
        answer without counting anything twice.
        """
        key = key or idempotency_key(production_id, records, "records")
        return dict(
            self._json(
                "POST",
                f"/productions/{_seg(production_id)}/records",
                json_body={"records": list(records)},
                headers={"Idempotency-Key": key},
            )
        )

    def push_codecarbon(
        self,
        production_id: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        key: str | None = None,
    ) -> dict[str, Any]:
        """Send CodeCarbon ``emissions.csv`` rows (as objects); same answer as :meth:`push_records`."""
        key = key or idempotency_key(production_id, rows, "codecarbon")
        return dict(
            self._json(
                "POST",
                f"/productions/{_seg(production_id)}/records",
                json_body={"codecarbon": list(rows)},
                headers={"Idempotency-Key": key},
            )
        )


def _seg(value: str) -> str:
    """A path segment, percent-encoded (ids and factor ids may hold ':' or '/')."""
    from urllib.parse import quote

    return quote(str(value), safe=":")


def _resource(response: httpx.Response) -> Resource:
    return Resource(dict(response.json()), response.headers.get("ETag", ""))


def _error_from(response: httpx.Response) -> ApiError:
    """The :class:`ApiError` of an error answer (problem+json, plain JSON or text)."""
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = None
    title = response.reason_phrase or "error"
    detail = ""
    problems: list[Mapping[str, Any]] = []
    if isinstance(body, dict):
        title = str(body.get("title") or title)
        detail = str(body.get("detail") or "")
        raw = body.get("problems")
        if isinstance(raw, list):
            problems = [p for p in raw if isinstance(p, dict)]
    elif response.text:
        detail = response.text[:500]
    return ApiError(response.status_code, title, detail, problems, body, response.headers)

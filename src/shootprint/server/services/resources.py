"""What the REST API adds to productions: keyset pages, measured records sent in batches (each
validated on its own, counted once per ``run_id``), and answers replayed for an ``Idempotency-Key``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server.services import audit, productions
from shootprint.server.services.errors import Invalid, ServiceError
from shootprint.server.services.productions import ProductionSummary, _get, _names, _summary
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database
from shootprint.server.store.models import IdempotentRequest, MeasuredRecord, Production, RecordBatch, utcnow

MAX_PAGE = 200
#: the longest Idempotency-Key accepted
MAX_KEY = 200


class KeyReused(ServiceError):
    """The same Idempotency-Key with another request (422, as the IETF draft on the header says)."""

    status = 422


# -- pages of productions -----------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"p{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("p") or not text[1:].isdigit() or len(text) > 20:
            raise ValueError
        return int(text[1:])
    except (ValueError, UnicodeDecodeError):
        raise Invalid(N_("cursor: not a cursor this server gave; start from the first page.")) from None


def page(
    db: Database,
    sc: Scope,
    *,
    cursor: str | None = None,
    limit: int = 50,
    q: str = "",
    version: str = "",
    way: str = "",
    client: str = "",
    deleted: bool = False,
) -> tuple[list[ProductionSummary], str | None]:
    """One page of the organisation's productions, newest first (by id), and the next page's cursor."""
    limit = max(1, min(limit, MAX_PAGE))
    with db.transaction() as s:
        stmt = productions.selection(sc, q=q, version=version, way=way, client=client, deleted=deleted)
        if cursor:
            stmt = stmt.where(Production.id < decode_cursor(cursor))
        prods = s.scalars(stmt.order_by(Production.id.desc()).limit(limit + 1)).all()
        more = len(prods) > limit
        prods = prods[:limit]
        names = _names(s, {p.updated_by for p in prods})
        items = [_summary(p, names) for p in prods]
        created = {p.id: p.created_at for p in prods}
    for item in items:
        item.created_at = created[item.id]  # type: ignore[attr-defined]
    return items, (encode_cursor(items[-1].id) if more and items else None)


# -- idempotent requests ------------------------------------------------------------------------


def request_hash(method: str, path: str, body: Any) -> str:
    text = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay(db: Database, sc: Scope, key: str, req_hash: str) -> tuple[int, dict[str, Any]] | None:
    """The answer stored for ``key`` (None if the key is new); KeyReused if it came with another request."""
    with db.transaction() as s:
        row = s.scalar(
            sa.select(IdempotentRequest).where(IdempotentRequest.org_id == sc.org_id, IdempotentRequest.key == key)
        )
        if row is None:
            return None
        if row.request_hash != req_hash:
            raise KeyReused(N_("Idempotency-Key: this key was already used with another request; use a new key."))
        return row.status, dict(row.response)


# -- measured records ---------------------------------------------------------------------------


@dataclass
class Batch:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] | None = None
    batch_id: int | None = None  # the record batch made of the records stored now (None: none stored)

    def answer(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected or [],
            "batch_id": self.batch_id,
        }


def _problems_of(exc: Exception, index: int, field: str) -> list[dict[str, Any]]:
    from shootprint.problems import ProblemsError

    if isinstance(exc, ProblemsError):
        out = []
        for p in exc.details:
            d = p.to_dict()
            d["location"] = [field, index, *[x for x in d.get("location", []) if x not in (field,)]]
            out.append(d)
        return out
    return [{"code": "invalid-record", "location": [field, index], "message": str(exc)}]


def validate_records(objects: list[Any]) -> tuple[list[tuple[int, Any]], list[dict[str, Any]]]:
    """Each tracker record validated on its own: ([(index, Record)], rejected entries)."""
    from pydantic import ValidationError

    from shootprint.problems import pydantic_said
    from shootprint.tracker.records import _record_adapter

    adapter = _record_adapter()
    good: list[tuple[int, Any]] = []
    rejected: list[dict[str, Any]] = []
    for i, obj in enumerate(objects):
        run_id = obj.get("run_id") if isinstance(obj, dict) and isinstance(obj.get("run_id"), str) else None
        try:
            good.append((i, adapter.validate_python(obj)))
        except ValidationError as err:
            problems = []
            for e in err.errors():
                said = pydantic_said(e)
                problems.append(
                    {
                        "code": str(e.get("type", "invalid")),
                        "location": ["records", i, *[p if isinstance(p, int) else str(p) for p in e.get("loc", ())]],
                        "message": str(e.get("msg", "")),
                        "message_fr": said.render("fr"),
                    }
                )
            rejected.append({"index": i, "run_id": run_id, "problems": problems})
    return good, rejected


def validate_codecarbon(rows: list[Any]) -> tuple[list[tuple[int, Any]], list[dict[str, Any]]]:
    """Each CodeCarbon row (an object of emissions.csv columns) read as a record on its own."""
    from shootprint.tracker.codecarbon_import import REQUIRED_COLUMNS, _record, _Row

    good: list[tuple[int, Any]] = []
    rejected: list[dict[str, Any]] = []
    for i, obj in enumerate(rows):
        run_id = str(obj.get("run_id")) if isinstance(obj, dict) and obj.get("run_id") is not None else None
        if not isinstance(obj, dict):
            rejected.append(
                {
                    "index": i,
                    "run_id": None,
                    "problems": [
                        {"code": "not-an-object", "location": ["codecarbon", i], "message": "expected an object"}
                    ],
                }
            )
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in obj]
        texts: list[str] = [f"column(s) {', '.join(missing)} missing"] if missing else []
        record = None
        if not missing:
            raw = {str(k): (None if v is None else str(v)) for k, v in obj.items()}
            try:
                record = _record(_Row(raw, f"codecarbon[{i}]", texts), None, None)
            except (ValueError, TypeError) as err:
                texts.append(str(err))
        if texts or record is None:
            problems = [
                {"code": "codecarbon-row", "location": ["codecarbon", i], "message": t}
                for t in (texts or ["the row holds no energy to record"])
            ]
            rejected.append({"index": i, "run_id": run_id, "problems": problems})
            continue
        good.append((i, record))
    return good, rejected


def _run_id(record: Any, data: dict[str, Any]) -> str:
    if record.run_id:
        return str(record.run_id)[:200]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest(
    db: Database,
    sc: Scope,
    pid: int,
    *,
    key: str,
    req_hash: str,
    validated: tuple[list[tuple[int, Any]], list[dict[str, Any]]],
    token_id: int | None,
    source: str = "REST API",
) -> tuple[int, dict[str, Any]]:
    """Store the good records of a batch once each, remember the answer under ``key``; a batch
    seen before (same key) gets its first answer back, and nothing is counted twice. The records
    stored form one :class:`RecordBatch` (named by ``source``); a record whose earlier batch is in
    the trash moves to this one and counts again.

    One transaction: records and the answer are stored together, or neither is. Two processes
    racing on the same key or run_id meet the unique constraints; the loser starts over and finds
    what the winner stored.
    """
    from shootprint.tracker.records import record_to_dict

    good, rejected = validated

    def attempt() -> tuple[int, dict[str, Any]]:
        stored = replay(db, sc, key, req_hash)
        if stored is not None:
            return stored
        batch = Batch(rejected=list(rejected))
        with db.transaction() as s:
            _get(s, sc, pid)
            seen: set[str] = set()
            new_batch: RecordBatch | None = None
            for _, record in good:
                data = record_to_dict(record)
                run_id = _run_id(record, data)
                if run_id in seen:
                    batch.duplicates += 1
                    continue
                seen.add(run_id)
                found = s.execute(
                    sa.select(MeasuredRecord, RecordBatch.deleted_at)
                    .outerjoin(RecordBatch, RecordBatch.id == MeasuredRecord.batch_id)
                    .where(MeasuredRecord.production_id == pid, MeasuredRecord.run_id == run_id)
                ).first()
                if found is not None and found[1] is None:  # stored, and not in the trash
                    batch.duplicates += 1
                    continue
                if new_batch is None:
                    new_batch = RecordBatch(
                        org_id=sc.org_id,
                        production_id=pid,
                        source=source[:300],
                        created_by=sc.user_id or None,
                        token_id=token_id,
                    )
                    s.add(new_batch)
                    s.flush()
                    batch.batch_id = new_batch.id
                if found is not None:  # its batch is in the trash: it comes back in this one
                    old = found[0]
                    old.batch_id, old.label, old.energy_j, old.record = (
                        new_batch.id,
                        record.label[:300],
                        record.energy_j,
                        data,
                    )
                    old.token_id, old.received_at = token_id, utcnow()
                else:
                    s.add(
                        MeasuredRecord(
                            org_id=sc.org_id,
                            production_id=pid,
                            run_id=run_id,
                            label=record.label[:300],
                            energy_j=record.energy_j,
                            record=data,
                            token_id=token_id,
                            batch_id=new_batch.id,
                        )
                    )
                batch.accepted += 1
            answer = batch.answer()
            s.add(IdempotentRequest(org_id=sc.org_id, key=key, request_hash=req_hash, status=200, response=answer))
            if batch.accepted:
                audit.record(
                    s,
                    "records.ingest",
                    user_id=sc.user_id,
                    org_id=sc.org_id,
                    via=sc.via,
                    target=str(pid),
                    count=batch.accepted,
                )
            return 200, answer

    return _retrying(attempt)


#: attempts of a batch whose records or key a concurrent request stored first (each attempt sees more)
ATTEMPTS = 8


def _retrying(fn: Callable[[], tuple[int, dict[str, Any]]]) -> tuple[int, dict[str, Any]]:
    for _ in range(ATTEMPTS - 1):
        try:
            return fn()
        except sa.exc.IntegrityError:  # a concurrent request stored the same key or run_id first
            continue
    return fn()


def records(
    db: Database, sc: Scope, pid: int, *, cursor: int | None = None, limit: int = 500
) -> tuple[list[MeasuredRecord], int, float, int | None]:
    """The production's records (oldest first; those of batches in the trash left out), their count
    and total energy in J, the next cursor."""
    with db.transaction() as s:
        _get(s, sc, pid)
        count, energy = s.execute(
            sa.select(
                sa.func.count(MeasuredRecord.id), sa.func.coalesce(sa.func.sum(MeasuredRecord.energy_j), 0.0)
            ).where(MeasuredRecord.production_id == pid, productions.live_record())
        ).one()
        stmt = sa.select(MeasuredRecord).where(MeasuredRecord.production_id == pid, productions.live_record())
        if cursor is not None:
            stmt = stmt.where(MeasuredRecord.id > cursor)
        rows = list(s.scalars(stmt.order_by(MeasuredRecord.id).limit(limit + 1)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, int(count), float(energy), (rows[-1].id if more and rows else None)


def record_objects(db: Database, sc: Scope, pid: int) -> list[dict[str, Any]]:
    """Every record of the production as its runs.jsonl object (for the footprint)."""
    return productions.record_objects(db, sc, pid)

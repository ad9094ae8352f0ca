"""Measured AI jobs uploaded through the pages: a ``runs.jsonl`` or a CodeCarbon ``emissions.csv``
read record by record (the bad ones named by line, the good ones kept, stored once per ``run_id``
in the records the REST API fills), and an AI activity's ``measured:`` set to a label of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from shootprint.i18n import N_, Message
from shootprint.server.services import audit, productions, resources
from shootprint.server.services.errors import Invalid, NotFound
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database
from shootprint.server.store.models import ApiToken, MeasuredRecord, Production, RecordBatch, utcnow

#: 5 MB: a day of tracker records is well under it
MAX_UPLOAD_BYTES = 5_000_000
#: activity types that take ``measured:`` (generative AI)
AI_TYPES = ("text_to_image", "image_edit", "upscale", "text_to_video", "image_to_video", "video_upscale", "llm_assist")


@dataclass
class UploadResult:
    kind: str  # "records" (runs.jsonl) or "codecarbon"
    accepted: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def _parse_jsonl(filename: str, text: str) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    objects: list[Any] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((number, f"{filename}: not JSON ({exc.msg}); each line is one record object"))
            continue
        except RecursionError:
            bad.append((number, f"{filename}: nested too deep to be a record"))
            continue
        objects.append(obj)
        lines.append(number)
    return objects, lines, bad


def _parse_csv(filename: str, text: str) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise Invalid(Message("{file}: empty; expected a CodeCarbon emissions.csv with its header line", file=filename))
    rows: list[Any] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            bad.append((reader.line_num, f"{filename}: {len(values)} cells where the header has {len(header)}"))
            continue
        rows.append(dict(zip(header, values, strict=True)))
        lines.append(reader.line_num)
    return rows, lines, bad


def _reason(entry: dict[str, Any]) -> str:
    parts = []
    for p in entry.get("problems", []):
        where = ".".join(str(x) for x in p.get("location", [])[2:])
        parts.append(f"{where}: {p.get('message', '')}" if where else str(p.get("message", "")))
    return "; ".join(parts) or "invalid record"


def upload(db: Database, sc: Scope, pid: int, filename: str, content: bytes) -> UploadResult:
    """Read an uploaded records file and store its good records once each (a re-upload adds nothing)."""
    sc.require("editor")
    name = filename or "upload"
    if not content:
        raise Invalid(N_("Choose a runs.jsonl or a CodeCarbon emissions.csv to upload."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid(
            Message("{file}: the file is larger than 5 MB; send bigger batches through the REST API", file=name)
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            Message("{file}: not a UTF-8 text file (expected runs.jsonl or a CodeCarbon emissions.csv)", file=name)
        ) from None
    first = text.lstrip().split("\n", 1)[0]
    kind = "codecarbon" if name.lower().endswith(".csv") or not first.startswith("{") else "records"
    if kind == "codecarbon":
        objects, lines, bad = _parse_csv(name, text)
        good, rejected = resources.validate_codecarbon(objects)
    else:
        objects, lines, bad = _parse_jsonl(name, text)
        good, rejected = resources.validate_records(objects)
    digest = hashlib.sha256(content).hexdigest()
    _, answer = resources.ingest(
        db,
        sc,
        pid,
        key=f"web-upload:{uuid.uuid4().hex}",  # each upload answered afresh; run_ids keep records once
        req_hash=digest,
        validated=(good, []),
        token_id=None,
        source=name,
    )
    result = UploadResult(kind, int(answer["accepted"]), int(answer["duplicates"]))
    result.rejected = sorted(bad + [(lines[r["index"]], f"{name}: {_reason(r)}") for r in rejected])
    return result


def summary(db: Database, sc: Scope, pid: int, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Per label: how many records, their energy in kWh, and the AI activity they measure (if any)."""
    by_label: dict[str, dict[str, Any]] = {}
    for obj in resources.record_objects(db, sc, pid):
        label = str(obj.get("label", ""))
        row = by_label.setdefault(label, {"label": label, "count": 0, "energy_kwh": 0.0, "activity": None})
        row["count"] += 1
        row["energy_kwh"] += float(obj.get("energy_j", 0.0)) / 3.6e6
    for act in document.get("activities") or []:
        if isinstance(act, dict) and act.get("measured") in by_label:
            by_label[act["measured"]]["activity"] = act.get("id")
    return sorted(by_label.values(), key=lambda r: r["label"])


def ai_activities(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in document.get("activities") or [] if isinstance(a, dict) and a.get("type") in AI_TYPES]


def link(db: Database, sc: Scope, pid: int, activity_id: str, label: str) -> None:
    """Set (or, with an empty label, remove) an AI activity's ``measured:`` label: a new revision."""
    sc.require("editor")
    _, rev = productions.get(db, sc, pid)
    document = json.loads(json.dumps(rev.document))
    acts = [a for a in ai_activities(document) if a.get("id") == activity_id]
    if not acts:
        raise Invalid(Message("activity: {given} is not an AI activity of this production", given=repr(activity_id)))
    if label:
        labels = {str(o.get("label", "")) for o in resources.record_objects(db, sc, pid)}
        if label not in labels:
            raise Invalid(
                Message(
                    "label: no record labelled {given}; labels uploaded: {labels}",
                    given=repr(label),
                    labels=", ".join(sorted(labels)) or Message("none"),
                )
            )
        for other in document.get("activities") or []:
            if isinstance(other, dict) and other is not acts[0] and other.get("measured") == label:
                other.pop("measured")  # a measured run counts once: it moves to the chosen activity
        acts[0]["measured"] = label
        note = f"{activity_id} measured by the records labelled {label}"
    else:
        acts[0].pop("measured", None)
        note = f"{activity_id}: measured records unlinked"
    productions.save(db, sc, pid, document, base_revision=rev.number, note=note)


# -- batches: what came together, deleted to the trash together -----------------------------------


@dataclass
class BatchView:
    id: int
    production_id: int
    production: str
    source: str
    received_at: datetime
    received_by: str
    count: int
    energy_j: float
    labels: list[str]
    deleted_at: datetime | None

    @property
    def energy_kwh(self) -> float:
        return self.energy_j / 3.6e6


def _batch_views(
    s: sa.orm.Session, sc: Scope, where: Any, *, limit: int | None = None, offset: int = 0
) -> list[BatchView]:
    rows = s.execute(
        sa.select(RecordBatch, Production.name)
        .join(Production, Production.id == RecordBatch.production_id)
        .where(RecordBatch.org_id == sc.org_id, Production.deleted_at.is_(None), where)
        .order_by(RecordBatch.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    if not rows:
        return []
    ids = [b.id for b, _ in rows]
    stats: dict[int, tuple[int, float]] = {}
    labels: dict[int, set[str]] = {}
    for bid, label, count, energy in s.execute(
        sa.select(
            MeasuredRecord.batch_id,
            MeasuredRecord.label,
            sa.func.count(MeasuredRecord.id),
            sa.func.sum(MeasuredRecord.energy_j),
        )
        .where(MeasuredRecord.batch_id.in_(ids))
        .group_by(MeasuredRecord.batch_id, MeasuredRecord.label)
    ):
        if bid is None:
            continue
        n, e = stats.get(bid, (0, 0.0))
        stats[bid] = (n + int(count), e + float(energy or 0.0))
        labels.setdefault(bid, set()).add(str(label))
    names = productions._names(s, {b.created_by for b, _ in rows})
    tokens = dict(
        s.execute(
            sa.select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_({b.token_id for b, _ in rows if b.token_id}))
        ).all()
    )
    out = []
    for b, name in rows:
        by = names.get(b.created_by, "—")
        if b.token_id:
            by = f"{by} (token {tokens.get(b.token_id, b.token_id)})"
        count, energy = stats.get(b.id, (0, 0.0))
        out.append(
            BatchView(
                b.id,
                b.production_id,
                name,
                b.source,
                b.created_at,
                by,
                count,
                energy,
                sorted(labels.get(b.id, ())),
                b.deleted_at,
            )
        )
    return out


def batches(
    db: Database,
    sc: Scope,
    pid: int,
    *,
    deleted: bool = False,
    before: int | None = None,
    limit: int | None = None,
) -> list[BatchView]:
    """The production's record batches that count (not in the trash), newest first; with ``deleted``,
    its batches in the trash for less than 30 days instead. ``before``: only batches with a smaller
    id (the next page); ``limit``: at most that many."""
    where = [RecordBatch.production_id == pid]
    if deleted:
        since = utcnow() - timedelta(days=productions.TRASH_DAYS)
        where += [RecordBatch.deleted_at.is_not(None), RecordBatch.deleted_at >= since]
    else:
        where += [RecordBatch.deleted_at.is_(None), sa.exists().where(MeasuredRecord.batch_id == RecordBatch.id)]
    if before is not None:
        where.append(RecordBatch.id < before)
    with db.transaction() as s:
        productions._get(s, sc, pid)
        return _batch_views(s, sc, sa.and_(*where), limit=limit)


#: batches shown at a time on the production's page (one ``track --push`` sends many)
BATCHES_PER_PAGE = 20


@dataclass
class BatchPage:
    items: list[BatchView]
    page: int  # from 1
    pages: int
    total: int  # batches that count, on every page
    per_page: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def batches_page(db: Database, sc: Scope, pid: int, page: int = 1, per_page: int = BATCHES_PER_PAGE) -> BatchPage:
    """A page of the production's record batches that count, newest first, and how many there are
    in all (a page past the last one gives the last)."""
    counting = sa.and_(
        RecordBatch.production_id == pid,
        RecordBatch.deleted_at.is_(None),
        sa.exists().where(MeasuredRecord.batch_id == RecordBatch.id),
    )
    with db.transaction() as s:
        productions._get(s, sc, pid)
        total = int(
            s.scalar(
                sa.select(sa.func.count()).select_from(RecordBatch).where(RecordBatch.org_id == sc.org_id, counting)
            )
            or 0
        )
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        items = _batch_views(s, sc, counting, limit=per_page, offset=(page - 1) * per_page)
    return BatchPage(items, page, pages, total, per_page)


def batch(db: Database, sc: Scope, pid: int, bid: int) -> BatchView:
    """One batch of the production's records, in the trash or not."""
    with db.transaction() as s:
        productions._get(s, sc, pid)
        views = _batch_views(s, sc, sa.and_(RecordBatch.id == bid, RecordBatch.production_id == pid))
    if not views:
        raise NotFound(N_("No such batch of records."))
    return views[0]


def trashed_batches(db: Database, sc: Scope) -> list[BatchView]:
    """The organisation's record batches in the trash for less than 30 days, newest first."""
    since = utcnow() - timedelta(days=productions.TRASH_DAYS)
    with db.transaction() as s:
        return _batch_views(s, sc, sa.and_(RecordBatch.deleted_at.is_not(None), RecordBatch.deleted_at >= since))


def _batch(s: sa.orm.Session, sc: Scope, bid: int) -> RecordBatch:
    batch = s.scalar(sa.select(RecordBatch).where(RecordBatch.id == bid, RecordBatch.org_id == sc.org_id))
    if batch is None:
        raise NotFound(N_("No such batch of records."))
    productions._get(s, sc, batch.production_id)  # a production in the trash keeps its batches as they are
    return batch


def _may_change_batches(sc: Scope, records_token: bool) -> None:
    """Editors and owners may delete and restore batches; so may an API token with the ``records``
    scope (``records_token``: the kind of token that sends them, whose role is otherwise viewer)."""
    if not (records_token and sc.via.kind == "token"):
        sc.require("editor")


def trash_batch(db: Database, sc: Scope, pid: int, bid: int, *, records_token: bool = False) -> BatchView:
    """Move a batch of records to the trash: they stop counting in the footprint (restorable for 30 days)."""
    _may_change_batches(sc, records_token)
    with db.transaction() as s:
        batch = _batch(s, sc, bid)
        if batch.production_id != pid or batch.deleted_at is not None:
            raise NotFound(N_("No such batch of records."))
        batch.deleted_at = utcnow()
        batch.deleted_by = sc.user_id or None
        view = _batch_views(s, sc, RecordBatch.id == bid)[0]
        audit.record(
            s,
            "records.trash",
            user_id=sc.user_id,
            org_id=sc.org_id,
            via=sc.via,
            target=str(pid),
            batch=bid,
            count=view.count,
            source=batch.source,
        )
        return view


def restore_batch(db: Database, sc: Scope, bid: int, *, pid: int | None = None, records_token: bool = False) -> int:
    """Bring a batch back from the trash (within 30 days); returns its production's id. With ``pid``,
    only a batch of that production."""
    _may_change_batches(sc, records_token)
    with db.transaction() as s:
        batch = _batch(s, sc, bid)
        if pid is not None and batch.production_id != pid:
            raise NotFound(N_("No such batch of records in the trash."))
        if batch.deleted_at is None:
            raise NotFound(N_("No such batch of records in the trash."))
        if batch.deleted_at < utcnow() - timedelta(days=productions.TRASH_DAYS):
            raise NotFound(N_("This batch of records was in the trash for more than 30 days."))
        batch.deleted_at = None
        batch.deleted_by = None
        audit.record(
            s,
            "records.restore",
            user_id=sc.user_id,
            org_id=sc.org_id,
            via=sc.via,
            target=str(batch.production_id),
            batch=bid,
        )
        return batch.production_id

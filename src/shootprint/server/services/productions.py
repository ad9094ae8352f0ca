"""Productions: create, list, save as revisions, restore, trash, duplicate, footprints (cached)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shootprint.i18n import N_
from shootprint.server.services import audit, compute
from shootprint.server.services import cache as footprint_cache
from shootprint.server.services.errors import Conflict, Invalid, NotFound
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database
from shootprint.server.store.models import (
    FactorOverride,
    FootprintCache,
    MeasuredRecord,
    Production,
    RecordBatch,
    Revision,
    User,
    utcnow,
)

TRASH_DAYS = 30
#: a save that lost a race for its revision number is checked again this many times in all
SAVE_ATTEMPTS = 3
WAYS = ("abroad", "outdoor", "studio", "ai", "hybrid")
#: the reference ways a production can start from (examples/reference, shipped as package data)
REFERENCE_WAYS = {
    "outdoor-cape-town": "abroad",
    "outdoor-marseille": "outdoor",
    "studio-paris": "studio",
    "ai-generated": "ai",
    "hybrid-studio-ai": "hybrid",
}


def reference_document(key: str) -> dict[str, Any]:
    """A reference way of the campaign, as a document (a fresh copy: callers may change it)."""
    if key not in REFERENCE_WAYS:
        raise NotFound(N_("No such reference way."))
    return copy.deepcopy(_reference_document(key))


@cache
def _reference_document(key: str) -> dict[str, Any]:
    import yaml

    text = resources.files("shootprint.server").joinpath(f"data/reference/{key}.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict)
    return compute.canonical(doc)


def infer_way(document: dict[str, Any]) -> str:
    """Abroad, outdoor at home, studio, AI or hybrid, from what the production contains."""
    types = {str(a.get("type", "")) for a in document.get("activities") or [] if isinstance(a, dict)}
    from shootprint.categories import registry

    categories = {registry()[t][0] for t in types if t in registry()}
    ai = "ai" in categories
    shoot = bool(document.get("shoot_days")) or "studio" in types
    if ai and shoot:
        return "hybrid"
    if ai:
        return "ai"
    if "studio" in types:
        return "studio"
    country = document.get("country")
    for a in document.get("activities") or []:
        if isinstance(a, dict) and a.get("region") and country and str(a["region"])[:2].upper() != str(country).upper():
            return "abroad"
    return "outdoor"


@dataclass
class ProductionSummary:
    id: int
    name: str
    client: str | None
    version: str
    way: str
    revision: int
    updated_at: datetime
    updated_by: str
    total_kgco2e: float | None = None
    intensities: dict[str, float | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    deleted_at: datetime | None = None
    forecast_id: int | None = None
    created_at: datetime | None = None


@dataclass
class RevisionView:
    number: int
    document: dict[str, Any]
    author: str
    created_at: datetime
    note: str
    #: compute.document_hash(document), as stored with the revision ("" where not read)
    document_hash: str = ""


def _names(s: Session, ids: set[int | None]) -> dict[int | None, str]:
    ids.discard(None)
    out: dict[int | None, str] = {None: "—"}
    if ids:
        for uid, name, email in s.execute(sa.select(User.id, User.name, User.email).where(User.id.in_(ids))):
            out[uid] = name or email
    return out


def _get(s: Session, sc: Scope, pid: int, *, deleted: bool = False, lock: bool = False) -> Production:
    """The production ``pid`` of the scope's organisation (the scoping every use case goes through);
    ``lock``: its row is locked until the transaction ends (PostgreSQL; SQLite has one writer anyway)."""
    stmt = sa.select(Production).where(Production.id == pid, Production.org_id == sc.org_id)
    prod = s.scalar(stmt.with_for_update() if lock else stmt)
    if prod is None or (prod.deleted_at is not None) != deleted:
        raise NotFound(N_("No such production."))
    return prod


def _latest(s: Session, prod: Production) -> Revision:
    rev = s.scalar(sa.select(Revision).where(Revision.production_id == prod.id, Revision.number == prod.revision_count))
    assert rev is not None
    return rev


def _add_revision(s: Session, sc: Scope, prod: Production, document: dict[str, Any], note: str) -> int:
    prod.revision_count += 1
    prod.name = str(document.get("name", ""))[:300]
    prod.client = (str(document["client"])[:300]) if document.get("client") else None
    prod.version = str(document.get("version") or "forecast")
    prod.updated_at = utcnow()
    prod.updated_by = sc.user_id
    s.add(
        Revision(
            production_id=prod.id,
            number=prod.revision_count,
            document=document,
            document_hash=compute.document_hash(document),
            author_id=sc.user_id,
            note=note[:500],
        )
    )
    return prod.revision_count


def create(db: Database, sc: Scope, document: dict[str, Any], *, note: str = "", way: str | None = None) -> int:
    sc.require("editor")
    document = compute.canonical(document)
    compute.validate(document)
    if way is not None and way not in WAYS:
        raise Invalid(N_("Unknown way of making."))
    with db.transaction() as s:
        prod = Production(
            org_id=sc.org_id,
            name=str(document["name"])[:300],
            way=way or infer_way(document),
            created_by=sc.user_id,
            updated_by=sc.user_id,
            forecast_id=None,
        )
        s.add(prod)
        s.flush()
        _add_revision(s, sc, prod, document, note or N_("created"))
        audit.record(s, "production.create", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(prod.id))
        return prod.id


def save(
    db: Database, sc: Scope, pid: int, document: dict[str, Any], *, base_revision: int | None, note: str = ""
) -> int:
    """A new revision; ``base_revision`` (the one the editor started from) guards against lost updates."""
    sc.require("editor")
    document = compute.canonical(document)
    compute.validate(document)
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            with db.transaction() as s:
                # the write lock first (a no-op write: PostgreSQL locks the row, SQLite takes its one
                # writer's lock), so concurrent saves of a production run one after another and each
                # reads the revision count the previous one left
                s.execute(
                    sa.update(Production)
                    .where(Production.id == pid, Production.org_id == sc.org_id)
                    .values(revision_count=Production.revision_count)
                )
                prod = _get(s, sc, pid, lock=True)
                if base_revision is not None and base_revision != prod.revision_count:
                    raise Conflict(N_("Someone saved this production meanwhile: open it again and redo your change."))
                if compute.document_hash(document) == _latest(s, prod).document_hash:
                    return prod.revision_count
                n = _add_revision(s, sc, prod, document, note)
                audit.record(
                    s, "production.save", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(pid), revision=n
                )
                return n
        except sa.exc.IntegrityError:  # another save took the same revision number first: check again
            pass
        except sa.exc.OperationalError as exc:  # SQLite: another writer committed since this one read
            if db.engine.dialect.name != "sqlite" or not ("locked" in str(exc) or "busy" in str(exc)):
                raise
    raise Conflict(N_("Someone saved this production meanwhile: open it again and redo your change."))


def set_way(db: Database, sc: Scope, pid: int, way: str) -> None:
    sc.require("editor")
    if way not in WAYS:
        raise Invalid(N_("Unknown way of making."))
    with db.transaction() as s:
        _get(s, sc, pid).way = way


def get(db: Database, sc: Scope, pid: int, *, deleted: bool = False) -> tuple[ProductionSummary, RevisionView]:
    with db.transaction() as s:
        # the production and its latest revision in one query: every page of a production asks
        row = s.execute(
            sa.select(Production, Revision)
            .join(
                Revision, sa.and_(Revision.production_id == Production.id, Revision.number == Production.revision_count)
            )
            .where(Production.id == pid, Production.org_id == sc.org_id)
        ).first()
        if row is None or (row[0].deleted_at is not None) != deleted:
            raise NotFound(N_("No such production."))
        prod, rev = row
        names = _names(s, {prod.updated_by, rev.author_id})
        return _summary(prod, names), RevisionView(
            rev.number, rev.document, names[rev.author_id], rev.created_at, rev.note, rev.document_hash
        )


def _summary(prod: Production, names: dict[int | None, str]) -> ProductionSummary:
    return ProductionSummary(
        id=prod.id,
        name=prod.name,
        client=prod.client,
        version=prod.version,
        way=prod.way,
        revision=prod.revision_count,
        updated_at=prod.updated_at,
        updated_by=names.get(prod.updated_by, "—"),
        deleted_at=prod.deleted_at,
        forecast_id=prod.forecast_id,
        created_at=prod.created_at,
    )


def documents(db: Database, sc: Scope, pids: list[int], revisions: list[int] | None = None) -> list[dict[str, Any]]:
    """The latest documents of ``pids``, or those of the revision numbers ``revisions`` (one each)."""
    if revisions is not None:
        return [revision(db, sc, pid, n).document for pid, n in zip(pids, revisions, strict=True)]
    with db.transaction() as s:
        return [_latest(s, _get(s, sc, pid)).document for pid in pids]


def revisions(db: Database, sc: Scope, pid: int) -> list[RevisionView]:
    with db.transaction() as s:
        prod = _get(s, sc, pid)
        revs = s.scalars(
            sa.select(Revision).where(Revision.production_id == prod.id).order_by(Revision.number.desc())
        ).all()
        names = _names(s, {r.author_id for r in revs})
        return [RevisionView(r.number, r.document, names[r.author_id], r.created_at, r.note) for r in revs]


def revision(db: Database, sc: Scope, pid: int, number: int) -> RevisionView:
    with db.transaction() as s:
        prod = _get(s, sc, pid)
        r = s.scalar(sa.select(Revision).where(Revision.production_id == prod.id, Revision.number == number))
        if r is None:
            raise NotFound(N_("No such revision."))
        names = _names(s, {r.author_id})
        return RevisionView(r.number, r.document, names[r.author_id], r.created_at, r.note)


def restore_revision(db: Database, sc: Scope, pid: int, number: int) -> int:
    """A new revision with the content of revision ``number`` (history is never rewritten)."""
    sc.require("editor")
    old = revision(db, sc, pid, number)
    with db.transaction() as s:
        prod = _get(s, sc, pid)
        n = _add_revision(s, sc, prod, old.document, f"restored revision {number}")
        audit.record(
            s,
            "production.restore_revision",
            user_id=sc.user_id,
            org_id=sc.org_id,
            via=sc.via,
            target=str(pid),
            revision=number,
        )
        return n


def trash(db: Database, sc: Scope, pid: int) -> None:
    sc.require("editor")
    with db.transaction() as s:
        prod = _get(s, sc, pid)
        prod.deleted_at = utcnow()
        prod.deleted_by = sc.user_id
        audit.record(s, "production.trash", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(pid))


def untrash(db: Database, sc: Scope, pid: int) -> None:
    sc.require("editor")
    with db.transaction() as s:
        prod = _get(s, sc, pid, deleted=True)
        assert prod.deleted_at is not None
        if prod.deleted_at < utcnow() - timedelta(days=TRASH_DAYS):
            raise NotFound(N_("This production was in the trash for more than 30 days."))
        prod.deleted_at = None
        prod.deleted_by = None
        audit.record(s, "production.untrash", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(pid))


def duplicate(db: Database, sc: Scope, pid: int, *, name: str, reference_way: str | None = None) -> int:
    """A copy as another way of making the same deliverables.

    With ``reference_way``, the copy keeps the production's name, client, deliverables and country and
    takes its activities and parameters from that reference way (say, the AI-generated one), to edit.
    """
    sc.require("editor")
    (summary, rev) = get(db, sc, pid)
    doc = copy.deepcopy(rev.document)
    way = summary.way
    note = f"duplicated from production {pid}, revision {rev.number}"
    if reference_way:
        ref = reference_document(reference_way)
        doc["activities"] = copy.deepcopy(ref.get("activities", []))
        doc["parameters"] = copy.deepcopy(ref.get("parameters", {}))
        doc["shoot_days"] = ref.get("shoot_days", 0)
        for key in ("factor_set",):
            doc.pop(key, None)
        way = REFERENCE_WAYS[reference_way]
        note += f"; activities of the reference way {reference_way}"
    doc["name"] = name.strip() or f"{summary.name} (copy)"
    return create(db, sc, doc, note=note, way=way)


def make_final(db: Database, sc: Scope, pid: int) -> int:
    """The final version of a forecast: a new production to update with what actually happened."""
    sc.require("editor")
    summary, rev = get(db, sc, pid)
    if summary.version != "forecast":
        raise Invalid(N_("Only a forecast can be turned into its final version."))
    doc = copy.deepcopy(rev.document)
    doc["version"] = "final"
    new = create(db, sc, doc, note=f"final version of production {pid}", way=summary.way)
    with db.transaction() as s:
        _get(s, sc, new).forecast_id = pid
    return new


def overrides(db: Database, sc: Scope) -> list[compute.Override]:
    with db.transaction() as s:
        rows = s.scalars(sa.select(FactorOverride).where(FactorOverride.org_id == sc.org_id)).all()
        return [compute.Override(r.factor_id, r.value, r.unit, r.uncertainty_pct, r.source, r.reason) for r in rows]


def footprint_of(
    db: Database,
    sc: Scope,
    document: dict[str, Any],
    over: list[compute.Override] | None = None,
    *,
    pid: int | None = None,
    digest: str | None = None,
) -> dict[str, Any]:
    """The footprint of a document under the organisation's overrides (``over``, read when not given)
    with the measured records of production ``pid`` (an activity's ``measured:`` takes their energy),
    from the cache when it has it: what every page, list, dashboard and API answer shows as a
    production's footprint. ``digest``: the records' digest when the caller has it (see
    :func:`records_digests`)."""
    over = overrides(db, sc) if over is None else over
    if pid is not None and digest is None:
        digest = records_digests(db, sc, [pid]).get(pid)
    factor_set = str(document.get("factor_set") or "ademe")
    key = (footprint_hash(document, digest), compute.data_version(), factor_set, compute.overrides_hash(over))

    def make() -> dict[str, Any]:
        records = record_objects(db, sc, pid) if pid is not None and digest else None
        return compute.estimate(document, over, records=records)

    return cached_result(db, key, "estimate", make)


def footprint_key(
    db: Database,
    sc: Scope,
    document: dict[str, Any],
    *,
    pid: int | None = None,
    document_hash: str = "",
    digest: str | None = None,
) -> tuple[str, str, str, str]:
    """What :func:`footprint_of` caches the footprint of ``document`` (with production ``pid``'s
    measured records) by, without reading or computing it; ``document_hash``: the revision's stored
    hash of ``document``, ``digest`` its records' digest ("" for none), when the caller has them."""
    if pid is not None and digest is None:
        digest = records_digests(db, sc, [pid]).get(pid)
    return (
        _with_records(document_hash or compute.document_hash(document), digest),
        compute.data_version(),
        str(document.get("factor_set") or "ademe"),
        compute.overrides_hash(overrides(db, sc)),
    )


def footprint_hash(document: dict[str, Any], digest: str | None) -> str:
    """What a footprint is cached by: the document's hash, and its records' digest when it has records."""
    return _with_records(compute.document_hash(document), digest)


def _with_records(doc_hash: str, digest: str | None) -> str:
    if not digest:
        return doc_hash
    return hashlib.sha256(f"{doc_hash}+records:{digest}".encode()).hexdigest()


def records_digests(db: Database, sc: Scope, pids: Iterable[int]) -> dict[int, str]:
    """A digest of each production's live measured records, made without reading the records. Which
    records count is decided by the production's batches: records come in batches, and a record leaves
    a batch only for a newer one (sent again after its batch went to the trash, perhaps with other
    values). So the digest is made of the production's number of batches and newest batch id, the ids
    of its batches in the trash, and, from the records' batch index, the live records' count and the
    sums, smallest and largest of their ids and batch ids. A record added, a batch moved to the trash
    or restored, a record moved to a new batch: each changes it. The rows read are a few per production
    (and one per batch in the trash), however many records it has. A production without live records
    is absent."""
    ids = list(pids)
    if not ids:
        return {}
    live, made, trashed = _digest_statements()
    params = {"org_id": sc.org_id, "ids": ids}
    parts: dict[int, list[str]] = {}
    with db.transaction() as s:
        for pid, *values in s.execute(live, params):
            parts[pid] = ["records:" + ":".join(str(int(v or 0)) for v in values)]
        for pid, count, newest in s.execute(made, params):
            parts.get(pid, []).append(f"batches:{count}:{newest}")
        for pid, bid in s.execute(trashed, params):
            parts.get(pid, []).append(f"in the trash:{bid}")
    return {pid: hashlib.sha256("\n".join(items).encode()).hexdigest() for pid, items in parts.items()}


@cache
def _digest_statements() -> tuple[Any, Any, Any]:
    """:func:`records_digests`' three queries, built once (parameters ``org_id`` and ``ids``): a page
    view asks for them, and building them each time cost more than running them."""
    org_id: Any = sa.bindparam("org_id")
    ids: Any = sa.bindparam("ids", expanding=True)
    # from the live batches to their records by the records' batch index, which holds each record's
    # id too: the records' rows (their JSON) are never read
    in_live_batches = (
        sa.select(RecordBatch.production_id.label("pid"), MeasuredRecord.id.label("rid"), RecordBatch.id.label("bid"))
        .join(MeasuredRecord, MeasuredRecord.batch_id == RecordBatch.id)
        .where(RecordBatch.org_id == org_id, RecordBatch.production_id.in_(ids), RecordBatch.deleted_at.is_(None))
    )
    # stored while migration 0005 ran, if any: they count (found by the same index, the organisation's
    # productions by theirs)
    own = sa.select(Production.id).where(Production.org_id == org_id, Production.id.in_(ids))
    without_batch = sa.select(MeasuredRecord.production_id, MeasuredRecord.id, sa.literal(0)).where(
        MeasuredRecord.batch_id.is_(None), MeasuredRecord.production_id.in_(own)
    )
    live = sa.union_all(in_live_batches, without_batch).subquery()
    batches = sa.and_(RecordBatch.org_id == org_id, RecordBatch.production_id.in_(ids))
    return (
        sa.select(
            live.c.pid,
            sa.func.count(),
            sa.func.sum(live.c.rid),
            sa.func.min(live.c.rid),
            sa.func.max(live.c.rid),
            sa.func.sum(live.c.bid),
            sa.func.max(live.c.bid),
        ).group_by(live.c.pid),
        sa.select(RecordBatch.production_id, sa.func.count(), sa.func.max(RecordBatch.id))
        .where(batches)
        .group_by(RecordBatch.production_id),
        sa.select(RecordBatch.production_id, RecordBatch.id)
        .where(batches, RecordBatch.deleted_at.is_not(None))
        .order_by(RecordBatch.id),
    )


def live_record() -> Any:
    """The condition a measured record counts under: its batch is not in the trash."""
    in_trash = sa.select(RecordBatch.id).where(
        RecordBatch.id == MeasuredRecord.batch_id, RecordBatch.deleted_at.is_not(None)
    )
    return ~in_trash.exists()


def record_objects(db: Database, sc: Scope, pid: int) -> list[dict[str, Any]]:
    """Every record of the production as its runs.jsonl object (for the footprint)."""
    with db.transaction() as s:
        _get(s, sc, pid)
        return [
            dict(r)
            for r in s.scalars(
                sa.select(MeasuredRecord.record)
                .where(MeasuredRecord.production_id == pid, live_record())
                .order_by(MeasuredRecord.id)
            )
        ]


def with_records(
    db: Database, sc: Scope, pids: list[int], revisions: list[int] | None = None
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The documents of ``pids`` (latest, or of ``revisions``) and each one's measured records
    (empty lists where none): what comparisons, reports and exports compute from."""
    docs = documents(db, sc, pids, revisions)
    digests = records_digests(db, sc, pids)
    return docs, [record_objects(db, sc, pid) if pid in digests else [] for pid in pids]


def cached_result(db: Database, key: tuple[str, str, str, str], kind: str, make: Callable[[], dict[str, Any]]) -> Any:
    """A result from the cache shared by every process (by document hash, data version, factor set and
    overrides hash, and ``kind``), or ``make()`` stored there. Entries no longer used are removed
    (:mod:`services.cache`)."""
    with db.transaction() as s:
        hit = s.execute(
            sa.select(FootprintCache.id, FootprintCache.result, FootprintCache.last_used).where(
                FootprintCache.document_hash == key[0],
                FootprintCache.data_version == key[1],
                FootprintCache.factor_set == key[2],
                FootprintCache.overrides_hash == key[3],
                FootprintCache.kind == kind,
            )
        ).first()
    if hit is not None:
        footprint_cache.touch(db, hit.id, hit.last_used)  # used: kept by the clean-up (services.cache)
        return dict(hit.result)
    result = make()
    try:
        with db.transaction() as s:
            s.add(
                FootprintCache(
                    document_hash=key[0],
                    data_version=key[1],
                    factor_set=key[2],
                    overrides_hash=key[3],
                    kind=kind,
                    result=result,
                )
            )
    except sa.exc.IntegrityError:  # another request computed it meanwhile: same result
        pass
    else:
        footprint_cache.maybe_clean(db)  # now and then, entries no longer used are removed
    return result


def footprint(db: Database, sc: Scope, pid: int) -> dict[str, Any]:
    """The footprint of the production's latest revision, with its measured records."""
    _, rev = get(db, sc, pid)
    return footprint_of(db, sc, rev.document, pid=pid)


def selection(
    sc: Scope, *, q: str = "", version: str = "", way: str = "", client: str = "", deleted: bool = False
) -> Any:
    """The organisation's productions that a search and its filters keep (in the trash, for 30 days, with
    ``deleted``): a SELECT the web list and the API's pages order and cut as they need."""
    stmt = sa.select(Production).where(Production.org_id == sc.org_id)
    if deleted:
        since = utcnow() - timedelta(days=TRASH_DAYS)
        stmt = stmt.where(Production.deleted_at.is_not(None), Production.deleted_at >= since)
    else:
        stmt = stmt.where(Production.deleted_at.is_(None))
    if q:  # the words as typed: % and _ are letters, not wildcards
        like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Production.name).like(like, escape="\\"),
                sa.func.lower(sa.func.coalesce(Production.client, "")).like(like, escape="\\"),
            )
        )
    if version:
        stmt = stmt.where(Production.version == version)
    if way:
        stmt = stmt.where(Production.way == way)
    if client:
        stmt = stmt.where(Production.client == client)
    return stmt


def listing(
    db: Database,
    sc: Scope,
    *,
    q: str = "",
    version: str = "",
    way: str = "",
    client: str = "",
    deleted: bool = False,
    with_totals: bool = True,
) -> list[ProductionSummary]:
    with db.transaction() as s:
        stmt = selection(sc, q=q, version=version, way=way, client=client, deleted=deleted)
        prods = s.scalars(stmt.order_by(Production.updated_at.desc())).all()
        names = _names(s, {p.updated_by for p in prods})
        out = [_summary(p, names) for p in prods]
        doc_hashes: dict[int, str] = {}
        if with_totals and prods:  # the latest revisions' hashes, in one query (as stored with each revision)
            latest = s.execute(
                sa.select(Revision.production_id, Revision.document_hash)
                .join(Production, Production.id == Revision.production_id)
                .where(Revision.production_id.in_([p.id for p in prods]), Revision.number == Production.revision_count)
            )
            doc_hashes = {pid: doc_hash for pid, doc_hash in latest}
    if not doc_hashes:
        return out
    over = overrides(db, sc)
    digests = records_digests(db, sc, doc_hashes)
    hashes = {pid: _with_records(doc_hash, digests.get(pid)) for pid, doc_hash in doc_hashes.items()}
    cached = _cached_totals(db, set(hashes.values()), over)
    missing = [pid for pid, h in hashes.items() if h not in cached]
    computed: dict[int, dict[str, Any]] = {}
    if missing:  # the documents only where nothing is cached yet: to compute
        with db.transaction() as s:
            rows = s.execute(
                sa.select(Revision.production_id, Revision.document)
                .join(Production, Production.id == Revision.production_id)
                .where(
                    Production.org_id == sc.org_id,
                    Revision.production_id.in_(missing),
                    Revision.number == Production.revision_count,
                )
            )
            computed = {pid: document for pid, document in rows}
    for item in out:
        if item.id not in hashes:
            continue
        hit = cached.get(hashes[item.id])
        if hit is None:
            try:
                fp = footprint_of(db, sc, computed[item.id], over, pid=item.id, digest=digests.get(item.id, ""))
            except Invalid as exc:  # a document valid when saved may fail under newer rules: say so
                item.problems = exc.problems or [exc.message]
                continue
            hit = (fp["total_kgco2e"], fp.get("intensities", {}))
        item.total_kgco2e, item.intensities = hit[0], dict(hit[1] or {})
    return out


def _cached_totals(
    db: Database, footprint_hashes: set[str], over: list[compute.Override]
) -> dict[str, tuple[float, dict[str, Any]]]:
    """The total and intensities of the cached footprints of ``footprint_hashes``, in one query that
    reads those two values out of each result (not the whole footprint, lines and all); misses are
    absent. A footprint hash determines the factor set (the document names it), so it is not asked."""
    if not footprint_hashes:
        return {}
    version, over_hash = compute.data_version(), compute.overrides_hash(over)
    with db.transaction() as s:
        rows = s.execute(
            sa.select(
                FootprintCache.document_hash,
                FootprintCache.result["total_kgco2e"].as_float(),
                FootprintCache.result["intensities"],
                FootprintCache.id,
                FootprintCache.last_used,
            ).where(
                FootprintCache.document_hash.in_(list(footprint_hashes)),
                FootprintCache.data_version == version,
                FootprintCache.overrides_hash == over_hash,
                FootprintCache.kind == "estimate",
            )
        ).all()
    footprint_cache.touch_many(db, [(r.id, r.last_used) for r in rows])  # used: kept by the clean-up
    return {h: (total, intensities) for h, total, intensities, *_ in rows if total is not None}


def clients(db: Database, sc: Scope) -> list[str]:
    with db.transaction() as s:
        rows = s.scalars(
            sa.select(Production.client)
            .where(Production.org_id == sc.org_id, Production.deleted_at.is_(None), Production.client.is_not(None))
            .distinct()
        ).all()
        return sorted(str(c) for c in rows if c)

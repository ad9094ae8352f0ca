"""Productions as resources: list (cursor pages, filters), read, create, replace (``If-Match``),
delete to the trash and restore, revisions, footprint, report and export downloads; measured
records sent in batches with an ``Idempotency-Key``.

A production's ``ETag`` names its latest revision (``"<id>-r<revision>"``). Replacing it needs that
ETag in ``If-Match``: a stale one gets ``412``, a missing one ``428``; never a silent overwrite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import JSONResponse, Response

from shootprint.i18n import N_
from shootprint.results import FootprintResult
from shootprint.server import heavy
from shootprint.server.api.deps import Caller, need
from shootprint.server.api.problems import ApiProblem, error_responses
from shootprint.server.api.schemas import (
    ProductionBody,
    ProductionOut,
    ProductionPage,
    RecordBatchList,
    RecordBatchOut,
    RecordList,
    RecordsAnswer,
    RecordsBody,
    RevisionList,
)
from shootprint.server.memory import SizedCache
from shootprint.server.services import compute, decisions, productions, record_uploads, resources
from shootprint.server.services.errors import Conflict, Invalid

router = APIRouter(tags=["productions"], responses=error_responses(400, 401, 403, 404, 413, 422, 429))
READ = Depends(need("read"))
WRITE = Depends(need("write"))
RECORDS = Depends(need("records"))
#: reading batches: a reader, or the token that sends them (to find one to take back)
READ_BATCHES = Depends(need("read", "records"))
#: deleting and restoring a batch: the token that sends records, or one that writes productions
CHANGE_BATCHES = Depends(need("records", "write"))
EXCLUDE = Query(None, max_length=50, description="categories or line tags left out")

Id = int


def etag(pid: int, revision: int) -> str:
    return f'"{pid}-r{revision}"'


def _revision_of(if_match: str | None, pid: int) -> int:
    """The revision an If-Match names; 428 when absent, 412 when it is not this production's."""
    if not if_match:
        raise ApiProblem(
            428,
            "if-match-missing",
            "If-Match: send the ETag of the revision your change starts from (GET the production first).",
            location=["If-Match"],
        )
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    prefix = f"{pid}-r"
    if not value.startswith(prefix) or not value[len(prefix) :].isdigit() or len(value) > 40:
        raise ApiProblem(
            412,
            "etag-stale",
            f"If-Match: {if_match[:60]!r} is not the ETag of a revision of production {pid}.",
            location=["If-Match"],
        )
    return int(value[len(prefix) :])


def _stale(pid: int) -> ApiProblem:
    return ApiProblem(
        412,
        "etag-stale",
        "If-Match: the production changed since this ETag; GET it again and redo your change on the latest revision.",
        location=["If-Match"],
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _out(summary: Any, document: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": summary.id,
        "name": summary.name,
        "client": summary.client,
        "version": summary.version,
        "way": summary.way,
        "revision": summary.revision,
        "etag": etag(summary.id, summary.revision),
        "updated_at": _iso(summary.updated_at),
        "updated_by": summary.updated_by,
        "deleted_at": _iso(summary.deleted_at),
        "forecast_id": summary.forecast_id,
    }
    created = getattr(summary, "created_at", None)
    if created is not None:
        out["created_at"] = _iso(created)
    if document is not None:
        out["document"] = document
    return out


def _resource(caller: Caller, pid: int, status: int = 200, *, deleted: bool = False) -> JSONResponse:
    summary, rev = productions.get(caller.db, caller.scope, pid, deleted=deleted)
    return JSONResponse(_out(summary, rev.document), status_code=status, headers={"ETag": etag(pid, summary.revision)})


@router.get("/productions", response_model=ProductionPage, name="api_productions", summary="List productions")
def list_productions(
    caller: Caller = READ,
    cursor: str | None = Query(None, max_length=100, description="from the previous page's next_cursor"),
    limit: int = Query(50, ge=1, le=resources.MAX_PAGE),
    q: str = Query("", max_length=200, description="words of the name or client"),
    version: str = Query("", max_length=16, description="forecast or final"),
    way: str = Query("", max_length=16, description="abroad, outdoor, studio, ai or hybrid"),
    client: str = Query("", max_length=300),
    deleted: bool = Query(False, description="true: the trash (restorable for 30 days)"),
) -> JSONResponse:
    """The organisation's productions, newest first, a page at a time."""
    items, next_cursor = resources.page(
        caller.db,
        caller.scope,
        cursor=cursor,
        limit=limit,
        q=q,
        version=version,
        way=way,
        client=client,
        deleted=deleted,
    )
    return JSONResponse({"items": [_out(i) for i in items], "next_cursor": next_cursor})


@router.post(
    "/productions", response_model=ProductionOut, status_code=201, name="api_production_create", summary="Create"
)
def create_production(body: ProductionBody, caller: Caller = WRITE) -> JSONResponse:
    """Store a production from its document (validated as a production file is)."""
    compute.check_documents([body.document])
    pid = productions.create(caller.db, caller.scope, body.document, note=body.note or "created through the API")
    response = _resource(caller, pid, 201)
    response.headers["Location"] = f"/api/v1/productions/{pid}"
    return response


@router.get("/productions/{production_id}", response_model=ProductionOut, name="api_production", summary="Read")
def get_production(production_id: Id, caller: Caller = READ) -> JSONResponse:
    """The production with its latest document; its ETag names that revision."""
    return _resource(caller, production_id)


@router.put(
    "/productions/{production_id}",
    response_model=ProductionOut,
    name="api_production_replace",
    summary="Replace (a new revision)",
    responses=error_responses(409, 412, 428),
)
def replace_production(
    production_id: Id,
    body: ProductionBody,
    caller: Caller = WRITE,
    if_match: str | None = Header(None, description="the ETag of the revision the change starts from"),
) -> JSONResponse:
    """A new revision with this document, if the production is still at the revision ``If-Match`` names."""
    base = _revision_of(if_match, production_id)
    compute.check_documents([body.document])
    compute.validate(body.document)
    try:
        productions.save(
            caller.db,
            caller.scope,
            production_id,
            body.document,
            base_revision=base,
            note=body.note or "replaced through the API",
        )
    except Conflict:
        raise _stale(production_id) from None
    except sa.exc.IntegrityError:  # another write took the same revision number first
        raise _stale(production_id) from None
    return _resource(caller, production_id)


@router.delete(
    "/productions/{production_id}",
    status_code=204,
    name="api_production_delete",
    summary="Move to the trash",
    responses=error_responses(412),
)
def delete_production(
    production_id: Id,
    caller: Caller = WRITE,
    if_match: str | None = Header(None, description="optional: delete only if still at this revision"),
) -> Response:
    """Move the production to the trash (restorable for 30 days)."""
    if if_match:
        base = _revision_of(if_match, production_id)
        summary, _ = productions.get(caller.db, caller.scope, production_id)
        if summary.revision != base:
            raise _stale(production_id)
    productions.trash(caller.db, caller.scope, production_id)
    return Response(status_code=204)


@router.post(
    "/productions/{production_id}/restore",
    response_model=ProductionOut,
    name="api_production_restore",
    summary="Restore from the trash",
)
def restore_production(production_id: Id, caller: Caller = WRITE) -> JSONResponse:
    """Take the production out of the trash."""
    productions.untrash(caller.db, caller.scope, production_id)
    return _resource(caller, production_id)


@router.get(
    "/productions/{production_id}/revisions",
    response_model=RevisionList,
    name="api_production_revisions",
    summary="Revisions",
)
def list_revisions(
    production_id: Id,
    caller: Caller = READ,
    documents: bool = Query(False, description="true: each revision with its document"),
) -> JSONResponse:
    """Every revision of the production, newest first."""
    revs = productions.revisions(caller.db, caller.scope, production_id)
    items = []
    for r in revs:
        item: dict[str, Any] = {
            "number": r.number,
            "author": r.author,
            "created_at": _iso(r.created_at),
            "note": r.note,
            "etag": etag(production_id, r.number),
        }
        if documents:
            item["document"] = r.document
        items.append(item)
    return JSONResponse({"items": items})


@router.get(
    "/productions/{production_id}/footprint",
    response_model=FootprintResult,
    name="api_production_footprint",
    summary="Footprint with measured records",
)
def production_footprint(
    production_id: Id,
    caller: Caller = READ,
    factor_set: str | None = Query(None, max_length=40),
    exclude: list[str] | None = EXCLUDE,
) -> JSONResponse:
    """The footprint of the latest revision, with the measured records sent to the production
    (an activity's ``measured: <label>`` takes their energy); ``measured_records`` sums them."""
    summary, rev = productions.get(caller.db, caller.scope, production_id)
    objects = resources.record_objects(caller.db, caller.scope, production_id)
    over = productions.overrides(caller.db, caller.scope)
    if factor_set is None and not exclude:
        result = productions.footprint_of(caller.db, caller.scope, rev.document, over, pid=production_id)
    else:
        calc = compute.calculator(over, factor_set)
        result = compute.call(
            lambda: calc.estimate(rev.document, records=objects or None, exclude=exclude or ()).to_dict()
        )
    result = dict(result)
    result["measured_records"] = {
        "count": len(objects),
        "energy_j": sum(float(o.get("energy_j", 0.0)) for o in objects),
        "labels": sorted({str(o.get("label", "")) for o in objects}),
    }
    return JSONResponse(result, headers={"ETag": etag(production_id, summary.revision)})


REPORT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@router.get(
    "/productions/{production_id}/report",
    name="api_production_report",
    summary="Report or export download",
    response_class=Response,
    responses={
        200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in REPORT_TYPES.values()}}
    },
)
@heavy.route
def production_report(
    production_id: Id,
    caller: Caller = READ,
    format: Literal["pdf", "html", "xlsx", "csv"] = Query("pdf", description="pdf or html report; xlsx or csv lines"),
    lang: Literal["en", "fr"] = Query("en"),
) -> Response:
    """The report (PDF, HTML) or the line-by-line export (XLSX, CSV) of the latest revision, as a file."""
    summary, rev = productions.get(caller.db, caller.scope, production_id)
    over = tuple(sorted(productions.overrides(caller.db, caller.scope), key=lambda o: o.factor_id))
    samples = max(caller.settings.samples // 5, 200)
    settings = caller.settings
    digest = productions.records_digests(caller.db, caller.scope, [production_id]).get(production_id)
    key = (
        productions.footprint_hash(rev.document, digest),
        compute.overrides_hash(over),
        format,
        lang,
        samples,
        compute.data_version(),
    )
    content = _reports.get(key)
    if content is None:  # the records are read only to make the file
        records = resources.record_objects(caller.db, caller.scope, production_id) if digest else []
        pool = (settings.compute_threads, settings.compute_processes)
        content = _report_bytes(rev.document, records, over, format, lang, samples, pool)
        _reports.put(key, content)
    filename = f"production-{production_id}-r{summary.revision}.{format}"
    return Response(
        content,
        media_type=REPORT_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "ETag": etag(production_id, summary.revision),
        },
    )


#: reports and exports kept by what makes them (the document and its measured records, the overrides,
#: format, language, draws and data: the same inputs give the same file, the draws have a fixed seed),
#: the least recently used first out past 16 files or 32 MiB
_reports: SizedCache[bytes] = SizedCache(16, 32 * 1024 * 1024, len, name="reports")


def _report_bytes(
    document: dict[str, Any],
    records: list[dict[str, Any]],
    overrides: tuple[compute.Override, ...],
    kind: str,
    lang: str,
    samples: int,
    pool: tuple[int, int],
) -> bytes:
    """A report or export (a PDF takes seconds to lay out), made in a worker process once one of the
    ``pool`` (threads, processes) slots is free (services.workers)."""
    threads, processes = pool
    if kind in ("pdf", "html"):
        return decisions.heavy(
            threads,
            processes,
            compute.report,
            [document],
            overrides,
            kind=kind,
            lang=lang,
            samples=samples,
            records=[records],
        )
    return decisions.heavy(
        threads, processes, compute.footprints_export, [document], overrides, kind, records=[records]
    )


# -- measured records ----------------------------------------------------------------------------


@router.post(
    "/productions/{production_id}/records",
    response_model=RecordsAnswer,
    name="api_records_push",
    summary="Send measured records",
    tags=["records"],
    responses=error_responses(400),
)
def push_records(
    production_id: Id,
    request: Request,
    body: RecordsBody,
    caller: Caller = RECORDS,
    idempotency_key: str = Header(
        description="a key naming this batch: a retry with the same key gets the first answer, nothing counted twice",
        min_length=1,
        max_length=resources.MAX_KEY,
    ),
) -> JSONResponse:
    """Tracker records (the ``runs.jsonl`` objects) or CodeCarbon rows; each is validated on its own:
    the good ones are kept, the bad ones named in ``rejected``; a record already stored (same
    ``run_id``) is a duplicate, not counted again."""
    if (body.records is None) == (body.codecarbon is None):
        raise ApiProblem(
            422,
            "records-or-codecarbon",
            "Send either records (runs.jsonl objects) or codecarbon (rows).",
            location=["body"],
        )
    req_hash = resources.request_hash("POST", request.url.path, body.model_dump(mode="json"))
    kind = "records" if body.records is not None else "codecarbon"

    def run() -> tuple[int, dict[str, Any], bool]:
        stored = resources.replay(caller.db, caller.scope, idempotency_key, req_hash)
        if stored is not None:
            productions.get(caller.db, caller.scope, production_id)  # the production must still be there
            return stored[0], stored[1], True
        if body.records is not None:
            validated = resources.validate_records(list(body.records))
        else:
            validated = resources.validate_codecarbon(list(body.codecarbon or []))
        status, answer = resources.ingest(
            caller.db,
            caller.scope,
            production_id,
            key=idempotency_key,
            req_hash=req_hash,
            validated=validated,
            token_id=caller.token_id,
        )
        return status, answer, False

    try:
        status, answer, replayed = run()
    except resources.KeyReused as exc:
        raise ApiProblem(422, "idempotency-key-reused", exc.message, location=["Idempotency-Key"]) from None
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    answer = dict(answer)
    answer.setdefault("kind", kind)
    answer.setdefault("batch_id", None)  # an answer stored before batches were named in it
    return JSONResponse(answer, status_code=status, headers=headers)


@router.get(
    "/productions/{production_id}/records",
    response_model=RecordList,
    name="api_records",
    summary="Measured records",
    tags=["records"],
)
def list_records(
    production_id: Id,
    caller: Caller = READ,
    cursor: str | None = Query(None, max_length=40),
    limit: int = Query(500, ge=1, le=5000),
) -> JSONResponse:
    """The records sent to the production, oldest first, with their count and total energy."""
    after = _id_cursor(cursor)
    rows, count, energy_j, more = resources.records(caller.db, caller.scope, production_id, cursor=after, limit=limit)
    items = [
        {
            "run_id": r.run_id,
            "label": r.label,
            "energy_j": r.energy_j,
            "received_at": _iso(r.received_at),
            "record": r.record,
        }
        for r in rows
    ]
    return JSONResponse(
        {"items": items, "count": count, "energy_j": energy_j, "next_cursor": str(more) if more is not None else None}
    )


def _id_cursor(cursor: str | None) -> int | None:
    """A page's cursor that is a row id (records, batches); None for the first page."""
    if not cursor:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise Invalid(N_("cursor: not a cursor this server gave; start from the first page."))
    return int(cursor)


# -- batches of measured records: what came together, to the trash together -----------------------


def _batch_out(view: record_uploads.BatchView) -> dict[str, Any]:
    return {
        "id": view.id,
        "production_id": view.production_id,
        "source": view.source,
        "received_at": _iso(view.received_at),
        "received_by": view.received_by,
        "count": view.count,
        "energy_j": view.energy_j,
        "labels": view.labels,
        "deleted_at": _iso(view.deleted_at),
    }


@router.get(
    "/productions/{production_id}/record-batches",
    response_model=RecordBatchList,
    name="api_record_batches",
    summary="Batches of measured records",
    tags=["records"],
)
def list_record_batches(
    production_id: Id,
    caller: Caller = READ_BATCHES,
    deleted: bool = Query(False, description="true: the batches in the trash (restorable for 30 days)"),
    cursor: str | None = Query(None, max_length=40, description="from the previous page's next_cursor"),
    limit: int = Query(100, ge=1, le=1000),
) -> JSONResponse:
    """The production's batches of measured records (each API request or uploaded file that stored
    records), newest first, a page at a time, with their count, energy and labels."""
    before = _id_cursor(cursor)
    views = record_uploads.batches(
        caller.db, caller.scope, production_id, deleted=deleted, before=before, limit=limit + 1
    )
    more = len(views) > limit
    views = views[:limit]
    return JSONResponse({"items": [_batch_out(v) for v in views], "next_cursor": str(views[-1].id) if more else None})


@router.delete(
    "/productions/{production_id}/record-batches/{batch_id}",
    status_code=204,
    name="api_record_batch_delete",
    summary="Move a batch of records to the trash",
    tags=["records"],
)
def delete_record_batch(production_id: Id, batch_id: Id, caller: Caller = CHANGE_BATCHES) -> Response:
    """The batch's records stop counting in the footprint at once (restorable for 30 days); sent
    again, they count again."""
    record_uploads.trash_batch(
        caller.db, caller.scope, production_id, batch_id, records_token="records" in caller.scopes
    )
    return Response(status_code=204)


@router.post(
    "/productions/{production_id}/record-batches/{batch_id}/restore",
    response_model=RecordBatchOut,
    name="api_record_batch_restore",
    summary="Restore a batch of records from the trash",
    tags=["records"],
)
def restore_record_batch(production_id: Id, batch_id: Id, caller: Caller = CHANGE_BATCHES) -> JSONResponse:
    """The batch's records count in the footprint again."""
    record_uploads.restore_batch(
        caller.db, caller.scope, batch_id, pid=production_id, records_token="records" in caller.scopes
    )
    return JSONResponse(_batch_out(record_uploads.batch(caller.db, caller.scope, production_id, batch_id)))

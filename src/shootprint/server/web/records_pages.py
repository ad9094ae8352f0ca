"""Measured AI jobs on a production's page: upload a runs.jsonl or CodeCarbon CSV, link a label of
records to an AI activity (its ``measured:``), so the footprint takes the measured energy."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.i18n import N_
from shootprint.server.access import Rule
from shootprint.server.services import ServiceError, record_uploads
from shootprint.server.services.scope import Scope
from shootprint.server.web.context import Ctx, redirect


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _pid(ctx: Ctx) -> int:
    return int(ctx.request.path_params["pid"])


def upload(ctx: Ctx) -> Response:
    from shootprint.server.web.production_pages import view

    pid = _pid(ctx)
    file = ctx.files.get("file") or ("", b"")
    try:
        result = record_uploads.upload(ctx.db, _sc(ctx), pid, file[0], file[1])
    except ServiceError as exc:
        return view(ctx, upload_problems=exc.problems or [exc.message], status=exc.status)
    return view(ctx, upload_result=result, status=422 if result.rejected and not result.accepted else 200)


def link(ctx: Ctx) -> Response:
    from shootprint.server.web.production_pages import view

    pid = _pid(ctx)
    try:
        record_uploads.link(ctx.db, _sc(ctx), pid, ctx.field("activity"), ctx.field("label").strip())
    except ServiceError as exc:
        return view(ctx, upload_problems=exc.problems or [exc.message], status=exc.status)
    ctx.flash(ctx._(N_("Saved.")))
    return redirect(ctx.org_url(f"/productions/{pid}"))


def trash_batch(ctx: Ctx) -> Response:
    pid = _pid(ctx)
    view = record_uploads.trash_batch(ctx.db, _sc(ctx), pid, int(ctx.request.path_params["batch"]))
    ctx.flash(
        ctx._(
            N_("{n} records of {source} moved to the trash (restorable for 30 days)."), n=view.count, source=view.source
        )
    )
    return redirect(ctx.org_url(f"/productions/{pid}"))


def restore_batch(ctx: Ctx) -> Response:
    pid = record_uploads.restore_batch(ctx.db, _sc(ctx), int(ctx.request.path_params["trashed_batch"]))
    ctx.flash(ctx._(N_("The records are back: they count in the footprint again.")))
    return redirect(ctx.org_url(f"/productions/{pid}"))


P = "/o/{org}/productions/{pid:int}"
ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("POST", P + "/records", upload, Rule.EDITOR, "records_upload"),
    ("POST", P + "/records/link", link, Rule.EDITOR, "records_link"),
    ("POST", P + "/records/batches/{batch:int}/trash", trash_batch, Rule.EDITOR, "records_batch_trash"),
    ("POST", "/o/{org}/trash/records/{trashed_batch:int}/restore", restore_batch, Rule.EDITOR, "records_batch_restore"),
]

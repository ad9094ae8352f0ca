"""Edit a production through forms generated from the activity models (no script needed).

The whole production is one form. "Add an activity" and "Remove" are buttons of that form: they
post everything typed and come back with the form changed, nothing saved and nothing lost. "Save"
makes a revision like the YAML editor; the core's problems come back beside the fields they name.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.i18n import N_
from shootprint.model import STAGES
from shootprint.server.access import Rule
from shootprint.server.services import ServiceError, productions
from shootprint.server.services.scope import Scope
from shootprint.server.web import forms
from shootprint.server.web.context import Ctx, redirect, render


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _pid(ctx: Ctx) -> int:
    return int(ctx.request.path_params["pid"])


def _messages(exc: ServiceError, lang: str) -> list[str]:
    """The problems' sentences, in French when the core gave them in French."""
    if lang == "fr" and exc.details and len(exc.details) == len(exc.problems):
        return [str(d.get("message_fr") or p) for d, p in zip(exc.details, exc.problems, strict=True)]
    return exc.problems or [exc.message]


def _page(ctx: Ctx, form: forms.ProductionForm, base_revision: str, status: int = 200, note: str = "") -> Response:
    summary, _rev = productions.get(ctx.db, _sc(ctx), _pid(ctx))
    return render(
        ctx,
        "edit.html",
        status=status,
        p=summary,
        form=form,
        base_revision=base_revision,
        stages=STAGES,
        types=forms.activity_types(),
        factor_sets=forms.FACTOR_SETS,
        spare=forms.SPARE_PARAMETERS,
        note=note,
    )


def edit_get(ctx: Ctx) -> Response:
    _summary, rev = productions.get(ctx.db, _sc(ctx), _pid(ctx))
    return _page(ctx, forms.to_form(rev.document), str(rev.number))


def edit_post(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pid = _pid(ctx)
    form = forms.read_posted(ctx.form)
    base_revision = ctx.field("base_revision")
    action = ctx.field("action", "save")
    note = ctx.field("note")
    if action == "add":
        type_name = ctx.field("new_type")
        stage = ctx.field("new_stage") if ctx.field("new_stage") in STAGES else "shoot"
        if forms.activity_fields(type_name):
            taken = {a.values.get("id", "") for a in form.activities}
            form.activities.append(forms.new_activity(len(form.activities), type_name, stage, taken))
        return _page(ctx, form, base_revision, note=note)
    if action.startswith("remove:"):
        try:
            index = int(action.split(":", 1)[1])
        except ValueError:
            index = -1
        form.activities = [a for a in form.activities if a.index != index]
        for i, a in enumerate(form.activities):
            a.index = i
        return _page(ctx, form, base_revision, note=note)
    forms.fill_ids(form)
    try:
        base_n = int(base_revision or 0) or None
        base = productions.revision(ctx.db, sc, pid, base_n).document if base_n else {}
        document = forms.to_document(form, base)
        productions.save(ctx.db, sc, pid, document, base_revision=base_n, note=note or "edited with the forms")
    except ServiceError as exc:
        if exc.status == 422:
            forms.place_problems(form, _messages(exc, ctx.lang))
        else:
            form.general.append(ctx._(exc.message))
        return _page(ctx, form, base_revision, status=exc.status, note=note)
    ctx.flash(ctx._(N_("Saved.")))
    return redirect(ctx.org_url(f"/productions/{pid}"))


P = "/o/{org}/productions/{pid:int}"
ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", P + "/edit", edit_get, Rule.EDITOR, "production_edit"),
    ("POST", P + "/edit", edit_post, Rule.EDITOR, "production_edit_save"),
]

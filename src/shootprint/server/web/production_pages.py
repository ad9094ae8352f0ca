"""Productions: list, create, footprint, YAML view, revisions, duplicate, final version, trash."""

from __future__ import annotations

from typing import Any

import yaml
from starlette.responses import Response

from shootprint.i18n import N_, Message, Spoken, said
from shootprint.server.access import Rule
from shootprint.server.services import Invalid, NotFound, ServiceError, compute, productions
from shootprint.server.services.scope import Scope
from shootprint.server.web import charts
from shootprint.server.web.context import Ctx, error_page, fragment, redirect, render

WAY_LABELS = {
    "abroad": N_("shoot abroad"),
    "outdoor": N_("outdoor shoot at home"),
    "studio": N_("studio shoot"),
    "ai": N_("generated with AI"),
    "hybrid": N_("hybrid (shoot and AI)"),
}
MAX_UPLOAD = 5_000_000


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _pid(ctx: Ctx) -> int:
    return int(ctx.request.path_params["pid"])


def to_yaml(document: dict[str, Any]) -> str:
    return str(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100))


def parse_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except RecursionError:
        raise Invalid(Message("{source}: nested too deep to be a production file", source=source)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            Message(" at line {line}, column {column}", line=str(mark.line + 1), column=str(mark.column + 1))
            if mark
            else ""
        )
        problem = str(getattr(exc, "problem", None) or exc)
        raise Invalid(
            Message("{source}: malformed YAML{where}: {problem}", source=source, where=where, problem=problem)
        ) from None
    if not isinstance(data, dict):
        raise Invalid(Message("{source}: expected a production (name:, activities: …) at the top", source=source))
    from shootprint.server.limits import HostileInput, check_document_shape

    try:  # alias bombs and deep nesting: refused before anything expands them, naming the file
        check_document_shape(data, source)
    except HostileInput as exc:
        raise Invalid(said(exc)) from None
    return data


# -- list ----------------------------------------------------------------------------------------


def listing(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    filters = {k: ctx.param(k) for k in ("q", "version", "way", "client")}
    items = productions.listing(
        ctx.db, sc, q=filters["q"], version=filters["version"], way=filters["way"], client=filters["client"]
    )
    return render(
        ctx,
        "productions.html",
        items=items,
        filters=filters,
        clients=productions.clients(ctx.db, sc),
        ways=WAY_LABELS,
    )


def trash_page(ctx: Ctx) -> Response:
    from shootprint.server.services import record_uploads

    sc = _sc(ctx)
    return render(
        ctx,
        "trash.html",
        items=productions.listing(ctx.db, sc, deleted=True, with_totals=False),
        batches=record_uploads.trashed_batches(ctx.db, sc),
    )


# -- create ----------------------------------------------------------------------------------------


def new_form(ctx: Ctx, error: str = "", problems: list[str] | None = None, status: int = 200) -> Response:
    return render(
        ctx,
        "new.html",
        status=status,
        error=error,
        problems=problems or [],
        references=productions.REFERENCE_WAYS,
        ways=WAY_LABELS,
        name=ctx.field("name"),
        client=ctx.field("client"),
    )


def new_get(ctx: Ctx) -> Response:
    return new_form(ctx)


def _named(text: str, path: Any, filename: str) -> str:
    """A problem of the temporary copy of an upload, naming the uploaded file instead."""
    text = text.replace(str(path), filename)
    return filename + text[len(path.name) :] if text.startswith(path.name + ":") else text


def document_from_upload(filename: str, content: bytes) -> dict[str, Any]:
    """A production from an uploaded production file (YAML/JSON) or the XLSX collection template."""
    if len(content) > MAX_UPLOAD:
        raise Invalid(Message("{file}: the file is larger than 5 MB", file=filename))
    from shootprint.server.limits import HostileInput, check_xlsx

    if filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        import tempfile
        from pathlib import Path

        from shootprint.errors import InputError
        from shootprint.spreadsheet import import_workbook

        try:  # not a zip, not a workbook, or a zip bomb: refused before anything opens it
            check_xlsx(content, filename)
        except HostileInput as exc:
            raise Invalid(said(exc)) from None

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(content)
            try:
                data = import_workbook(path)
            except InputError as exc:
                # each problem in both languages, the temporary file's name replaced by the upload's
                problems: list[str] = [
                    Spoken({lang: _named(p.text(lang), path, filename) for lang in ("en", "fr")}) for p in exc.details
                ] or [str(exc)]
                raise Invalid(problems[0], problems) from None
        return dict(data)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            Message(
                "{file}: not a UTF-8 text file (a production file is YAML or JSON; or upload the XLSX template)",
                file=filename,
            )
        ) from None
    return parse_yaml(text, filename)


def new_post(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    start = ctx.field("start", "blank")
    try:
        if start == "reference":
            doc = dict(productions.reference_document(ctx.field("reference")))
            way = productions.REFERENCE_WAYS[ctx.field("reference")]
        elif start == "upload":
            upload = ctx.files.get("file")
            if not upload or not upload[0]:
                raise Invalid(N_("Choose a production file (.yaml, .json) or a filled-in template (.xlsx) to upload."))
            doc = document_from_upload(upload[0], upload[1])
            way = None
        else:
            doc = {
                "shootprint": 1,
                "name": "",
                "version": "forecast",
                "country": "FR",
                "shoot_days": 0,
                "deliverables": {"still_images": 0, "film_seconds": 0},
                "activities": [],
            }
            way = ctx.field("way") or None
        if ctx.field("name").strip():
            doc["name"] = ctx.field("name").strip()
        if ctx.field("client").strip():
            doc["client"] = ctx.field("client").strip()
        if not str(doc.get("name") or "").strip():
            raise Invalid(N_("Give the production a name."))
        pid = productions.create(ctx.db, sc, doc, way=way, note=f"created ({start})")
    except (Invalid, NotFound) as exc:
        return new_form(ctx, exc.message, exc.problems, status=422)
    return redirect(ctx.org_url(f"/productions/{pid}" + ("/edit" if start == "blank" else "")))


# -- one production --------------------------------------------------------------------------------


def view(ctx: Ctx, upload_result: Any = None, upload_problems: list[str] | None = None, status: int = 200) -> Response:
    from shootprint.server.services import record_uploads

    sc = _sc(ctx)
    pid = _pid(ctx)
    summary, rev = productions.get(ctx.db, sc, pid)
    problems: list[str] = []
    section: Any = ""
    # whether it has measured records (a digest of their ids), not every record read: a production
    # collects thousands
    digest = productions.records_digests(ctx.db, sc, [pid]).get(pid)
    try:  # with the measured AI jobs: an activity's measured: takes their energy
        # the footprint's section as laid out for the same footprint (its cache key) before; the
        # footprint itself is read (or computed) only when it is not
        key = productions.footprint_key(
            ctx.db, sc, rev.document, pid=pid, document_hash=rev.document_hash, digest=digest or ""
        )
        section = fragment(
            ctx,
            "_footprint.html",
            key,
            lambda: _footprint_values(ctx, productions.footprint_of(ctx.db, sc, rev.document, pid=pid)),
        )
    except Invalid as exc:
        problems = exc.problems or [exc.message]
    return render(
        ctx,
        "production.html",
        status=status,
        p=summary,
        rev=rev,
        problems=problems,
        ways=WAY_LABELS,
        footprint_section=section,
        references=productions.REFERENCE_WAYS,
        levers=compute.levers(),
        measured=record_uploads.summary(ctx.db, sc, pid, rev.document) if digest else [],
        batches=record_uploads.batches_page(ctx.db, sc, pid, _batch_page(ctx)) if digest else None,
        ai_activities=record_uploads.ai_activities(rev.document),
        upload_result=upload_result,
        upload_problems=upload_problems or [],
    )


def _batch_page(ctx: Ctx) -> int:
    """The page of record batches asked for (``?batches=N``); the first for anything else."""
    raw = ctx.request.query_params.get("batches", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else 1


def _footprint_values(ctx: Ctx, fp: dict[str, Any]) -> dict[str, Any]:
    return {"fp": fp, "charts": charts.footprint_charts(fp, ctx.lang)}


def yaml_form(ctx: Ctx, text: str | None = None, problems: list[str] | None = None, status: int = 200) -> Response:
    summary, rev = productions.get(ctx.db, _sc(ctx), _pid(ctx))
    return render(
        ctx,
        "yaml.html",
        status=status,
        p=summary,
        rev=rev,
        text=text if text is not None else to_yaml(rev.document),
        base_revision=ctx.field("base_revision") or str(rev.number),
        problems=problems or [],
    )


def yaml_get(ctx: Ctx) -> Response:
    return yaml_form(ctx)


def yaml_post(ctx: Ctx) -> Response:
    text = ctx.field("document")
    try:
        base = ctx.field("base_revision").strip()
        if base and not (base.isascii() and base.isdigit()):
            raise Invalid(
                N_("base_revision: the revision the edit started from is a whole number; open the page again.")
            )
        doc = parse_yaml(text, "production")
        productions.save(
            ctx.db,
            _sc(ctx),
            _pid(ctx),
            doc,
            base_revision=int(base or 0) or None,
            note=ctx.field("note"),
        )
    except ServiceError as exc:
        return yaml_form(ctx, text, exc.problems or [exc.message], status=exc.status)
    ctx.flash(ctx._(N_("Saved.")))
    return redirect(ctx.org_url(f"/productions/{_pid(ctx)}"))


def revisions_page(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    summary, _ = productions.get(ctx.db, sc, _pid(ctx))
    return render(ctx, "revisions.html", p=summary, revisions=productions.revisions(ctx.db, sc, _pid(ctx)))


def revision_page(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    summary, _ = productions.get(ctx.db, sc, _pid(ctx))
    rev = productions.revision(ctx.db, sc, _pid(ctx), int(ctx.request.path_params["number"]))
    return render(ctx, "revision.html", p=summary, rev=rev, text=to_yaml(rev.document))


def diff_page(ctx: Ctx) -> Response:
    """What changed between two revisions: the document's lines, and the core's diff of the footprints."""
    import difflib

    sc = _sc(ctx)
    pid = _pid(ctx)
    summary, latest = productions.get(ctx.db, sc, pid)
    try:
        a_n = int(ctx.param("a") or max(latest.number - 1, 1))
        b_n = int(ctx.param("b") or latest.number)
    except ValueError:
        return error_page(ctx, 422, N_("Revisions are numbers."))
    a = productions.revision(ctx.db, sc, pid, a_n)
    b = productions.revision(ctx.db, sc, pid, b_n)
    lines = list(
        difflib.unified_diff(to_yaml(a.document).splitlines(), to_yaml(b.document).splitlines(), lineterm="", n=2)
    )[2:]
    result = compute.diff(a.document, b.document, productions.overrides(ctx.db, sc))
    return render(ctx, "diff.html", p=summary, a=a, b=b, lines=lines, result=result, title_a=f"{a_n}", title_b=f"{b_n}")


def planned_vs_actual(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    final, frev = productions.get(ctx.db, sc, _pid(ctx))
    if final.forecast_id is None:
        return error_page(ctx, 404, N_("This production was not made from a forecast."))
    forecast, arev = productions.get(ctx.db, sc, final.forecast_id)
    result = compute.diff(arev.document, frev.document, productions.overrides(ctx.db, sc))
    return render(
        ctx, "diff.html", p=final, a=arev, b=frev, lines=[], result=result, title_a=forecast.name, title_b=final.name
    )


def restore(ctx: Ctx) -> Response:
    productions.restore_revision(ctx.db, _sc(ctx), _pid(ctx), int(ctx.request.path_params["number"]))
    ctx.flash(ctx._(N_("Revision restored as a new revision.")))
    return redirect(ctx.org_url(f"/productions/{_pid(ctx)}"))


def duplicate(ctx: Ctx) -> Response:
    ref = ctx.field("reference") or None
    new = productions.duplicate(ctx.db, _sc(ctx), _pid(ctx), name=ctx.field("name"), reference_way=ref)
    ctx.flash(ctx._(N_("Duplicated: this is the new production.")))
    return redirect(ctx.org_url(f"/productions/{new}"))


def make_final(ctx: Ctx) -> Response:
    new = productions.make_final(ctx.db, _sc(ctx), _pid(ctx))
    ctx.flash(ctx._(N_("Final version created from the forecast: update it with what actually happened.")))
    return redirect(ctx.org_url(f"/productions/{new}"))


def set_way(ctx: Ctx) -> Response:
    productions.set_way(ctx.db, _sc(ctx), _pid(ctx), ctx.field("way"))
    return redirect(ctx.org_url(f"/productions/{_pid(ctx)}"))


def trash(ctx: Ctx) -> Response:
    productions.trash(ctx.db, _sc(ctx), _pid(ctx))
    ctx.flash(ctx._(N_("Moved to the trash (restorable for 30 days).")))
    return redirect(ctx.org_url("/productions"))


def untrash(ctx: Ctx) -> Response:
    productions.untrash(ctx.db, _sc(ctx), _pid(ctx))
    return redirect(ctx.org_url(f"/productions/{_pid(ctx)}"))


P = "/o/{org}/productions/{pid:int}"
ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/productions", listing, Rule.VIEWER, "productions"),
    ("GET", "/o/{org}/trash", trash_page, Rule.VIEWER, "trash"),
    ("GET", "/o/{org}/productions/new", new_get, Rule.EDITOR, "production_new"),
    ("POST", "/o/{org}/productions/new", new_post, Rule.EDITOR, "production_create"),
    ("GET", P, view, Rule.VIEWER, "production"),
    ("GET", P + "/yaml", yaml_get, Rule.EDITOR, "production_yaml"),
    ("POST", P + "/yaml", yaml_post, Rule.EDITOR, "production_yaml_save"),
    ("GET", P + "/revisions", revisions_page, Rule.VIEWER, "revisions"),
    ("GET", P + "/revisions/{number:int}", revision_page, Rule.VIEWER, "revision"),
    ("POST", P + "/revisions/{number:int}/restore", restore, Rule.EDITOR, "revision_restore"),
    ("GET", P + "/diff", diff_page, Rule.VIEWER, "diff"),
    ("GET", P + "/planned-vs-actual", planned_vs_actual, Rule.VIEWER, "planned_vs_actual"),
    ("POST", P + "/duplicate", duplicate, Rule.EDITOR, "duplicate"),
    ("POST", P + "/final", make_final, Rule.EDITOR, "make_final"),
    ("POST", P + "/way", set_way, Rule.EDITOR, "set_way"),
    ("POST", P + "/trash", trash, Rule.EDITOR, "production_trash"),
    ("POST", "/o/{org}/trash/{pid:int}/restore", untrash, Rule.EDITOR, "production_untrash"),
]

"""Per-request context: who is signed in, in which organisation, in which language; CSRF; rendering."""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shootprint.i18n import LANGS, N_, Message, gettext
from shootprint.server import heavy as server_heavy
from shootprint.server import security
from shootprint.server.access import ORG_RULES, Rule
from shootprint.server.memory import SizedCache
from shootprint.server.services import ServiceError, accounts, organisations
from shootprint.server.services.accounts import SessionUser
from shootprint.server.services.errors import Busy
from shootprint.server.services.scope import Scope
from shootprint.server.settings import Settings
from shootprint.server.store.db import Database

LANG_COOKIE = "sp_lang"
FLASH_COOKIE = "sp_flash"
BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


@dataclass
class Ctx:
    request: Request
    db: Database
    settings: Settings
    user: SessionUser | None
    scope: Scope | None
    lang: str
    csrf: str
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    cookies_out: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    flash_in: str = ""

    def _(self, text: str, **params: Any) -> str:
        if isinstance(text, Message) and not params:  # a sentence made with its parameters (a field's hint)
            return text.render(self.lang)
        return gettext(self.lang, text, **params)

    @property
    def session_token(self) -> str | None:
        return self.request.cookies.get(security.SESSION_COOKIE)

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else ""

    def param(self, name: str, default: str = "") -> str:
        return str(self.request.query_params.get(name, default))

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name, default)
        return value if isinstance(value, str) else default

    def org_url(self, path: str = "") -> str:
        assert self.scope is not None
        return f"/o/{self.scope.org_slug}{path}"

    def set_cookie(self, name: str, value: str | None, **kw: Any) -> None:
        self.cookies_out.append((name, value, kw))

    def flash(self, text: str) -> None:
        self.set_cookie(FLASH_COOKIE, quote(text), max_age=60)

    def set_session(self, token: str) -> None:
        self.set_cookie(security.SESSION_COOKIE, token, httponly=True)


def pick_lang(request: Request, user: SessionUser | None) -> str:
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return str(cookie)
    if user is not None and user.lang in LANGS:
        return str(user.lang)
    header = request.headers.get("accept-language", "")
    best: tuple[float, str] | None = None
    for part in header.split(","):
        bits = part.strip().split(";")
        code = bits[0].strip().split("-")[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        if code in LANGS and (best is None or q > best[0]):
            best = (q, code)
    return best[1] if best else "en"


# -- formatting ---------------------------------------------------------------------------------


def number(value: float | None, lang: str, digits: int | None = None) -> str:
    """A number for a reader (French: thin spaces and a decimal comma), as the report writes it."""
    from shootprint.report.document import number as report_number

    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return report_number(value, lang, digits)


def when(value: datetime | None, lang: str) -> str:
    from babel.dates import format_datetime

    if value is None:
        return "—"
    return str(format_datetime(value, "medium", tzinfo=None, locale=BABEL_LOCALES[lang])) + " UTC"


@cache
def environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("shootprint.server.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package data: not changed under a running server (no file checks per page)
    )
    return env


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    env = environment()
    lang = ctx.lang
    html = env.get_template(template).render(
        ctx=ctx,
        lang=lang,
        _=ctx._,
        num=lambda v, d=None: number(v, lang, d),
        when=lambda v: when(v, lang),
        csrf_field=security.CSRF_FIELD,
        csrf=ctx.csrf,
        flash=ctx.flash_in,
        **values,
    )
    return HTMLResponse(html, status_code=status)


#: rendered fragments kept by content (:func:`fragment`); the least recently used go first past this
#: many, or past this many bytes in all (a section of a production with a thousand lines weighs a MiB)
FRAGMENTS_KEPT = 256
FRAGMENTS_MAX_BYTES = 16 * 1024 * 1024
_fragments: SizedCache[str] = SizedCache(FRAGMENTS_KEPT, FRAGMENTS_MAX_BYTES, sys.getsizeof, name="page_fragments")


def fragment(ctx: Ctx, template: str, content: Any, values: Callable[[], dict[str, Any]]) -> Markup:
    """``template`` rendered with ``values()``, kept for the same ``content`` (JSON data that determines
    the values, such as a footprint's cache key), language and organisation: the same footprint is laid out once, not at every view.

    A pure cache by content (a hash of ``content``), bounded in entries and in size, in each process;
    nothing in it is state another process would need. The template may use ``_``, ``num``, ``lang`` and
    ``ctx.org_url``, not who reads the page (``ctx.user``, ``ctx.scope``'s role, the CSRF token)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    slug = ctx.scope.org_slug if ctx.scope is not None else ""
    key = (template, ctx.lang, slug, hashlib.sha256(text.encode("utf-8")).hexdigest())
    html = _fragments.get(key)
    if html is not None:
        return Markup(html)  # noqa: S704 (rendered by the autoescaping environment below)
    lang = ctx.lang
    html = (
        environment()
        .get_template(template)
        .render(ctx=ctx, lang=lang, _=ctx._, num=lambda v, d=None: number(v, lang, d), **values())
    )
    _fragments.put(key, html)
    return Markup(html)  # noqa: S704


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(url: str, default: str = "/") -> str:
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else default


# -- the guard every HTML route goes through ---------------------------------------------------


class Denied(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _resolve(request: Request, rule: Rule, ctx: Ctx) -> None:
    """Fill ``ctx.user`` and ``ctx.scope`` and check ``rule``; raise Denied with the answer if it fails."""
    user = accounts.session_user(ctx.db, ctx.settings, ctx.session_token)
    ctx.user = user
    ctx.lang = pick_lang(request, user)
    if rule in (Rule.PUBLIC, Rule.SHARE_LINK):
        return
    if user is None:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        raise Denied(redirect(f"/signin?next={target}"))
    if rule == Rule.PENDING_TOTP:
        if not user.pending_totp:
            raise Denied(redirect("/"))
        return
    if user.pending_totp:
        raise Denied(redirect("/signin/totp"))
    if rule == Rule.SIGNED_IN:
        return
    if rule == Rule.ADMIN:
        if not user.is_admin:
            raise Denied(error_page(ctx, 403, N_("Only an administrator can open this page.")))
        return
    if rule in ORG_RULES:
        try:
            ctx.scope = organisations.scope(ctx.db, user.user_id, str(request.path_params.get("org", "")), via=user.via)
        except ServiceError as exc:
            raise Denied(error_page(ctx, exc.status, exc.message)) from None
        if not ctx.scope.can(str(rule)):
            raise Denied(error_page(ctx, 403, N_("Your role in this organisation does not allow this.")))
        return
    raise Denied(error_page(ctx, 403, N_("This page is not available.")))  # pragma: no cover


def error_page(ctx: Ctx, status: int, message: str, problems: list[str] | None = None) -> HTMLResponse:
    return render(ctx, "error.html", status=status, message=message, problems=problems or [])


def guard(
    rule: Rule, handler: Callable[[Ctx], Response], db: Database, settings: Settings, *, heavy: bool = False
) -> Any:
    """The endpoint for ``handler``: resolves the person and organisation, checks ``rule`` and CSRF,
    runs the handler in a worker thread (database calls and computations never block the loop).

    ``heavy`` handlers (those that may wait for a Monte Carlo run or a report) take their threads from
    the heavy requests' limiter (:mod:`server.heavy`, shared with the REST API's heavy routes),
    ``2 × compute_threads`` strong; more of them wait on the loop without a thread, so a crowd of
    reports never takes the threads the light pages answer from."""

    async def endpoint(request: Request) -> Response:
        form: dict[str, Any] = {}
        files: dict[str, Any] = {}
        if request.method == "POST":
            data = await request.form(max_files=4, max_fields=5000)
            for key, value in data.multi_items():
                if not isinstance(value, str):
                    files[key] = (value.filename or "", await value.read(5_000_001))
                elif key.endswith("[]"):
                    form.setdefault(key, []).append(value)
                else:
                    form[key] = value
        csrf_cookie = request.cookies.get(security.CSRF_COOKIE)
        csrf = csrf_cookie or security.new_token()
        flash_in = request.cookies.get(FLASH_COOKIE, "")
        from urllib.parse import unquote

        ctx = Ctx(request, db, settings, None, None, "en", csrf, form, files, flash_in=unquote(flash_in))

        def run() -> Response:
            try:
                _resolve(request, rule, ctx)
            except Denied as denied:
                return denied.response
            if request.method == "POST" and not security.csrf_ok(csrf_cookie, str(form.get(security.CSRF_FIELD, ""))):
                return error_page(
                    ctx, 403, N_("This form has expired or came from another site: open the page again and resubmit.")
                )
            try:
                return handler(ctx)
            except ServiceError as exc:
                return error_page(ctx, exc.status, exc.message, exc.problems)

        if heavy:
            try:
                response = await server_heavy.run(settings.compute_threads, run, settings.heavy_queue, request.receive)
            except server_heavy.ClientGone:  # it left while waiting: nothing computed, no one to answer
                return Response(status_code=server_heavy.CLIENT_GONE_STATUS)
            except Busy as exc:  # too many waiting: said at once, from a light thread
                busy = exc

                def refuse() -> Response:
                    try:
                        _resolve(request, rule, ctx)
                    except Denied as denied:
                        return denied.response
                    answer = error_page(ctx, busy.status, busy.message)
                    answer.headers["Retry-After"] = str(busy.retry_after_s)
                    return answer

                response = await run_in_threadpool(refuse)
        else:
            response = await run_in_threadpool(run)
        secure = settings.secure_cookies
        if not csrf_cookie:
            response.set_cookie(security.CSRF_COOKIE, csrf, httponly=True, samesite="lax", secure=secure, path="/")
        if flash_in and not any(name == FLASH_COOKIE for name, _, _ in ctx.cookies_out):
            response.delete_cookie(FLASH_COOKIE, path="/")
        for name, cookie, kw in ctx.cookies_out:
            if cookie is None:
                response.delete_cookie(name, path="/")
            else:
                response.set_cookie(name, cookie, samesite="lax", secure=secure, path="/", **kw)
        response.headers.setdefault("cache-control", "no-store")
        return response

    endpoint.__name__ = handler.__name__
    return endpoint

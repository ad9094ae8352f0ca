"""The Content Security Policy allows no inline script, and no page needs one: no template holds an
inline ``<script>``, an event-handler attribute or a ``javascript:`` URL, and every answer carries the policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from ops_helpers import World  # noqa: E402

from shootprint.server.security import CSP  # noqa: E402

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "shootprint" / "server" / "web" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    return [m.group(0) for rx in (INLINE_SCRIPT, HANDLER, JS_URL) for m in rx.finditer(html)]


def test_the_policy_forbids_inline_script() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in CSP and "*" not in CSP
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_the_detector_finds_inline_code() -> None:
    assert inline_code('<script>alert(1)</script><a onclick="x()">') == ["<script>", " onclick="]
    assert inline_code('<a href="javascript:alert(1)">') == ['href="javascript:']
    assert inline_code('<script src="/static/app.js"></script>') == []


def test_no_template_holds_inline_code() -> None:
    templates = sorted(TEMPLATES.glob("*.html"))
    assert len(templates) >= 15
    found = {t.name: inline_code(t.read_text(encoding="utf-8")) for t in templates}
    assert {name: code for name, code in found.items() if code} == {}


def test_every_page_carries_the_policy_and_no_inline_code(world: World) -> None:
    from shootprint.server import access

    pid = world.production("owner")
    client = world.client("owner")
    pages = 0
    for route in access.rules(world.app):
        if "GET" not in route.methods or "{" in route.path.replace("{org}", "").replace("{pid:int}", ""):
            continue
        url = route.path.replace("{org}", world.org).replace("{pid:int}", str(pid))
        answer = client.get(url)
        assert answer.headers["content-security-policy"] == CSP, url
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert inline_code(answer.text) == [], url
            pages += 1
    assert pages >= 10

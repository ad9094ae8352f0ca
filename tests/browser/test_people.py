"""The pages for people, in a real headless Chromium: readable on a phone, usable from the keyboard, labelled.

Against a real server holding the demo organisation (the reference campaign's five ways):

- at a phone's width (390 x 844) the sign-in page, the productions list, a production and its forms
  scroll only vertically; a screenshot of each is saved (under ``out/browser/`` in the repository,
  which git ignores, or $SHOOTPRINT_BROWSER_ARTEFACTS);
- pressing Tab through the sign-in page and the forms, every element that takes the focus is on
  screen and shows it (an outline or a shadow), and one signs in with the keyboard alone;
- every field of the forms has a name for screen readers (a ``<label for>``, aria-label or
  aria-labelledby).

Skipped when Playwright or Chromium (``/usr/bin/chromium``, Debian's; CI installs it) is absent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, FLAGS, artefacts_folder, serving

STEP_TIMEOUT_MS = int(os.environ.get("SHOOTPRINT_BROWSER_TIMEOUT_MS", "120000"))
PHONE = {"width": 390, "height": 844}
TABS = 40

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)


class Demo:
    def __init__(self, base: str, email: str, password: str, org: str) -> None:
        self.base, self.email, self.password, self.org = base, email, password, org


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A real server (uvicorn) on a free loopback port, over a fresh SQLite database with the demo organisation."""
    from shootprint.server import security
    from shootprint.server.app import create_app
    from shootprint.server.demo import ensure_demo
    from shootprint.server.settings import Settings

    security.use_cheap_hashes_for_tests()
    folder = tmp_path_factory.mktemp("people-db")
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'shootprint.sqlite'}", samples=1_000))
    email, password, slug = ensure_demo(app.state.db)
    with serving(app) as base:
        yield Demo(base, email, password, slug)


@pytest.fixture(scope="module")
def artefacts() -> Path:
    return artefacts_folder()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def _sign_in(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.base}/signin")
    page.get_by_label("E-mail address").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    assert page.get_by_role("button", name="Sign out").count() == 1, "not signed in"


def _first_production(page: Any, demo: Demo) -> str:
    """The address of the first production of the list (the list page must be open)."""
    href = page.locator(f"main a[href^='/o/{demo.org}/productions/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).find(h => /\\/productions\\/\\d+$/.test(h))"
    )
    assert href, "no production link on the productions list"
    return f"{demo.base}{href}"


# what the focused element is and how it shows its focus; null when nothing but the page has it
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '')
      + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"',
    width: r.width, height: r.height,
    onScreen: r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth,
    hidden: cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0,
    outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
    boxShadow: cs.boxShadow,
  };
}"""


def _tab_through(page: Any, where: str) -> list[str]:
    """Presses Tab up to TABS times; every element that takes the focus must be on screen and show it."""
    seen: list[str] = []
    problems: list[str] = []
    for _ in range(TABS):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info is None:
            continue
        seen.append(info["what"])
        if info["hidden"] or info["width"] <= 0 or info["height"] <= 0 or not info["onScreen"]:
            problems.append(f"{info['what']} takes the focus but is not visible ({info})")
        outline = info["outlineStyle"] != "none" and info["outlineWidth"] > 0
        shadow = info["boxShadow"] not in ("", "none")
        if not (outline or shadow):
            problems.append(
                f"{info['what']} shows no focus (outline {info['outlineStyle']} "
                f"{info['outlineWidth']}px, box-shadow {info['boxShadow']})"
            )
    assert seen, f"{where}: Tab never moved the focus onto an element"
    assert not problems, f"{where}: " + "; ".join(dict.fromkeys(problems))
    return seen


def test_pages_fit_a_phone(demo: Demo, browser: Any, artefacts: Path) -> None:
    context = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()

    def fits(name: str) -> None:
        page.wait_for_load_state("load")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        page.screenshot(path=str(artefacts / f"phone-{name}.png"), full_page=True)
        assert widths[1] == PHONE["width"], f"{name}: the page is laid out {widths[1]} px wide, not at the phone's"
        assert widths[0] <= widths[1] + 1, f"{name}: {widths[0]} px wide on a {widths[1]} px phone, it scrolls sideways"

    try:
        page.goto(f"{demo.base}/signin")
        fits("signin")
        _sign_in(page, demo)
        page.goto(f"{demo.base}/o/{demo.org}/productions")
        fits("productions")
        production = _first_production(page, demo)
        page.goto(production)
        page.locator("#total").wait_for()
        fits("production")
        page.goto(f"{production}/edit")
        page.locator("form.edit").wait_for()
        fits("edit")
    finally:
        context.close()


def test_keyboard_alone_signs_in_and_shows_the_focus(demo: Demo, browser: Any) -> None:
    context = _context(browser, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{demo.base}/signin")
        seen = _tab_through(page, "sign-in page")
        assert any(s.startswith("input#email") for s in seen), seen
        assert any(s.startswith("input#password") for s in seen), seen

        # sign in with the keyboard alone: Tab to the e-mail field, type, Tab, type, Enter
        page.goto(f"{demo.base}/signin")
        for _ in range(TABS):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == "email":
                break
        else:
            pytest.fail("Tab never reached the e-mail field of the sign-in page")
        page.keyboard.type(demo.email)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "password", "Tab from the e-mail goes elsewhere"
        page.keyboard.type(demo.password)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/signin" not in url)
        assert page.get_by_role("button", name="Sign out").count() == 1

        page.goto(f"{demo.base}/o/{demo.org}/productions")
        page.goto(f"{_first_production(page, demo)}/edit")
        page.locator("form.edit").wait_for()
        seen = _tab_through(page, "forms")
        assert any(s.startswith(("input#f-", "select#f-", "textarea#f-")) for s in seen), seen
    finally:
        context.close()


def test_every_field_of_the_forms_is_labelled(demo: Demo, browser: Any) -> None:
    context = _context(browser)
    page = context.new_page()
    try:
        _sign_in(page, demo)
        page.goto(f"{demo.base}/o/{demo.org}/productions")
        page.goto(f"{_first_production(page, demo)}/edit")
        page.locator("form.edit").wait_for()
        fields = page.evaluate(
            """() => Array.from(document.querySelectorAll('input, select, textarea'))
                .filter(el => el.type !== 'hidden')
                .map(el => ({
                  what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '[name=' + el.name + ']',
                  labelled: (el.labels && el.labels.length > 0 && Array.from(el.labels).some(l => l.innerText.trim()))
                    || !!(el.getAttribute('aria-label') || '').trim()
                    || !!el.getAttribute('aria-labelledby'),
                }))"""
        )
        assert len(fields) > 10, f"the forms show only {len(fields)} fields"
        unlabelled = [f["what"] for f in fields if not f["labelled"]]
        assert not unlabelled, f"fields without a label: {unlabelled}"
    finally:
        context.close()

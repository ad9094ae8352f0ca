"""A producer's walk through the web application in a real headless Chromium.

Sign in, create a production with the forms, see its total, duplicate it as an AI way, compare the
two, download the PDF, open a share link in a fresh browser context without signing in, switch to
French. Every page is checked for console errors and failed requests; a screenshot of each step is
saved (under ``out/browser/`` in the repository, which git ignores, or $SHOOTPRINT_BROWSER_ARTEFACTS).

Skipped when Playwright or Chromium (``/usr/bin/chromium``, Debian's; CI installs it) is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, FLAGS, artefacts_folder, serving

# a step waits this long for its page: a loaded 2-core machine can take tens of seconds for a 10,000-draw one
STEP_TIMEOUT_MS = 180_000
EMAIL = "producer@example.org"
PASSWORD = "correct horse battery staple"

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real server (uvicorn) on a free loopback port, over a fresh SQLite database."""
    from shootprint.server import security
    from shootprint.server.app import create_app
    from shootprint.server.services import accounts, organisations
    from shootprint.server.settings import Settings

    security.use_cheap_hashes_for_tests()
    folder = tmp_path_factory.mktemp("browser-db")
    settings = Settings(database_url=f"sqlite:///{folder / 'shootprint.sqlite'}", samples=10_000)
    app = create_app(settings)
    admin = accounts.create_user(app.state.db, "admin@example.org", PASSWORD, name="Admin", is_admin=True)
    slug = organisations.create(app.state.db, admin, "Atelier Lumière")
    user = accounts.create_user(app.state.db, EMAIL, PASSWORD, name="Camille Producer")
    invite = organisations.create_invite(app.state.db, organisations.scope(app.state.db, admin, slug), "editor")
    organisations.accept_invite(app.state.db, invite, user)
    with serving(app) as base:
        yield base, slug


@pytest.fixture(scope="module")
def artefacts() -> Path:
    return artefacts_folder()


class Watch:
    """Console errors, page errors, failed requests and 4xx/5xx answers of a browser context."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status} {r.url}"))

    def _failed(self, request: Any) -> None:
        # a download leaves the page: Chromium reports its navigation as aborted, which is not a failure
        if "/download" in request.url and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.url} ({request.failure})")

    def expected(self, status: int, url_part: str) -> None:
        """Accept one answer the walk provoked on purpose (and the console line Chromium writes for it)."""
        answer = [p for p in self.problems if p.startswith(f"{status} ") and url_part in p]
        console = [p for p in self.problems if p.startswith("console:") and f"status of {status}" in p]
        assert len(answer) == 1 and len(console) <= 1, self.problems
        self.problems = [p for p in self.problems if p not in answer + console[:1]]

    def check(self, step: str) -> None:
        assert not self.problems, f"{step}: {self.problems}"


def test_a_producer_walks_through(server: tuple[str, str], artefacts: Path) -> None:
    base, org = server
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            _walk(browser, base, org, artefacts)
        finally:
            browser.close()


def _walk(browser: Any, base: str, org: str, artefacts: Path) -> None:
    watch = Watch()
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    watch.attach(page)

    def shot(name: str) -> None:
        page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)
        watch.check(name)

    # sign in
    page.goto(f"{base}/signin")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/"))
    shot("01-signed-in")

    # create a production with the forms
    page.goto(f"{base}/o/{org}/productions/new")
    page.get_by_label("Name", exact=True).fill("Spring lookbook")
    page.get_by_label("Client", exact=True).fill("Maison Verte")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/edit$"))
    page.get_by_label("Shoot days").fill("2")
    page.get_by_label("Still images delivered").fill("20")
    page.locator("#new_type").select_option("studio")
    page.locator("#new_stage").select_option("shoot")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator("#f-a0-days").fill("2")
    page.locator("#f-a0-reason").fill("two days in a medium studio")
    page.locator("#new_type").select_option("meal")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.locator("#f-a0-days").input_value() == "2"  # nothing typed is lost by adding
    page.locator("#f-a1-count").fill("twenty")
    page.get_by_role("button", name="Save as a new revision").first.click()
    assert page.locator("#f-a1-count-problem1").is_visible()  # the core's problem beside its field
    assert page.locator("#f-a1-count").input_value() == "twenty"
    watch.expected(422, "/edit")  # the refused save itself answers 422 Unprocessable Content, by design
    shot("02-forms-problem")
    page.locator("#f-a1-count").fill("40")
    page.get_by_role("button", name="Save as a new revision").first.click()
    page.wait_for_url(re.compile(r"/productions/\d+$"))
    total = page.locator("#total").inner_text()
    assert re.match(r"^[\d,.]+ kg CO2e$", total), total
    first_url = page.url
    shot("03-production-total")

    # duplicate it as an AI way (the AI reference way is the default choice)
    page.get_by_label("Duplicate as").fill("Spring lookbook, AI")
    page.get_by_role("button", name="Duplicate", exact=True).click()
    page.wait_for_url(lambda url: url != first_url and bool(re.search(r"/productions/\d+$", url)))
    assert "generated with AI" in page.content()
    page.locator("#total").wait_for()
    shot("04-ai-duplicate")

    # compare the two
    page.goto(f"{base}/o/{org}/compare")
    page.get_by_label("Spring lookbook", exact=True).check()
    page.get_by_label("Spring lookbook, AI", exact=True).check()
    page.get_by_role("button", name="Compare", exact=True).click()
    page.locator("#comparison").wait_for()
    assert "10,000 Monte Carlo draws, seed 0" in page.locator("#draws").inner_text()
    assert page.locator("#probabilities td strong").count() == 2
    shot("05-comparison")

    # download the PDF
    with page.expect_download() as info:
        page.get_by_role("link", name="Report (PDF, English)").click()
    pdf = artefacts / "comparison.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    watch.check("06-pdf")

    # share the comparison, open the link in a fresh context without signing in
    page.get_by_role("button", name="Share this comparison by a read-only link").click()
    page.get_by_role("button", name="Make the link").click()
    link = page.locator("#share-url").input_value()
    assert "/s/" in link
    shot("07-share-made")
    context.close()

    guest = browser.new_context(locale="en-GB")
    guest.set_default_timeout(STEP_TIMEOUT_MS)
    page = guest.new_page()
    watch.attach(page)
    page.goto(link)
    page.locator("#comparison").wait_for()
    assert "Camille Producer" in page.locator("#shared-by").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert page.locator(f"a[href^='/o/{org}']").count() == 0  # nothing else of the organisation
    shot("08-shared-without-account")

    # switch to French
    page.get_by_role("link", name="Français").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "10\u202f000 tirages Monte Carlo, graine 0" in page.locator("#draws").inner_text()  # words and numbers
    assert "Partagé en lecture seule par Camille Producer" in page.locator("#shared-by").inner_text()
    shot("09-french")
    guest.close()

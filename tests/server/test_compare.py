"""Compare and decide through the pages: the core's comparison, break-even, what-if, sensitivity,
and the downloads (report PDF/HTML in French and English, XLSX/CSV lines)."""

from __future__ import annotations

import html
import io
import re

import pytest
from server_helpers import World, users_id

from shootprint.server.services import compute, organisations, productions


@pytest.fixture
def two(world: World) -> tuple[int, int]:
    sc = organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)
    studio = productions.create(world.db, sc, productions.reference_document("studio-paris"))
    ai = productions.duplicate(world.db, sc, studio, name="Studio, AI version", reference_way="ai-generated")
    return studio, ai


def text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_comparison_is_the_cores(world: World, two: tuple[int, int]):
    studio, ai = two
    client = world.client("viewer")
    page = client.get(f"/o/{world.org}/compare?p={studio}&p={ai}&samples=300&seed=7")
    assert page.status_code == 200, page.text
    sc = organisations.scope(world.db, users_id(world.db, "viewer@example.org"), world.org)
    docs = productions.documents(world.db, sc, [studio, ai])
    expected = compute.compare(docs, samples=300, seed=7)
    body = text(page.text)
    assert "300 Monte Carlo draws, seed 7" in body  # the seed is shown
    unc = expected["uncertainty"]
    for scenario in expected["scenarios"]:
        assert f"{scenario['total_kgco2e']:,.0f}" in body
        interval = unc["totals_kgco2e"][scenario["name"]]
        assert f"{interval['low']:,.0f} – {interval['high']:,.0f}" in body
    p_lower = unc["probability_lower"]["Studio, AI version"]["Studio shoot, Paris"]
    assert f"{100 * p_lower:.1f} %" in body
    assert "<svg" in page.text  # the comparison chart
    # the default number of draws is the server's setting (10,000 unless configured)
    page = client.get(f"/o/{world.org}/compare?p={studio}&p={ai}")
    assert f"{world.app.state.settings.samples:,} Monte Carlo draws, seed 0" in text(page.text)


def _ends_its_worker(*args: object) -> dict:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
    return {}  # pragma: no cover - never reached


def test_a_comparison_that_ends_its_worker_is_a_503_page(
    world: World, two: tuple[int, int], monkeypatch: pytest.MonkeyPatch
):
    """The page says the computation ended its process and was not run again; the next one works."""
    from shootprint.server.services import decisions

    studio, ai = two
    client = world.client("viewer")
    url = f"/o/{world.org}/compare?p={studio}&p={ai}&samples=300&seed=11"
    monkeypatch.setattr(decisions, "_comparison", _ends_its_worker)
    page = client.get(url)
    assert page.status_code == 503 and "was not run again" in text(page.text)
    monkeypatch.undo()
    assert client.get(url).status_code == 200


def test_comparison_refuses_clearly(world: World, two: tuple[int, int]):
    studio, ai = two
    client = world.client("viewer")
    page = client.get(f"/o/{world.org}/compare?p={studio}&go=1")
    assert page.status_code == 422 and "at least two productions" in page.text
    page = client.get(f"/o/{world.org}/compare?p={studio}&p={ai}&samples=5")
    assert page.status_code == 422 and "100 to 100,000" in page.text
    page = client.get(f"/o/{world.org}/compare?p={studio}&p={ai}&seed=x")
    assert page.status_code == 422 and "whole numbers" in page.text
    outsider = world.client("outsider")  # another organisation's productions are not found
    page = outsider.get(f"/o/{world.other_org}/compare?p={studio}&p={ai}")
    assert page.status_code == 404


def test_breakeven(world: World, two: tuple[int, int]):
    studio, ai = two
    client = world.client("viewer")
    url = f"/o/{world.org}/compare?p={studio}&p={ai}&samples=200&a={studio}&b={ai}&vary=activities.studio-hire.days"
    page = client.get(url)
    assert page.status_code == 200
    sc = organisations.scope(world.db, users_id(world.db, "viewer@example.org"), world.org)
    a, b = productions.documents(world.db, sc, [studio, ai])
    expected = compute.breakeven(a, b, "activities.studio-hire.days")
    found = re.search(r'<p id="breakeven">(.*?)</p>', page.text, re.S)
    assert found
    if expected["breakeven_value"] is None:
        assert "No break-even" in found.group(1) and expected["note"] in html.unescape(found.group(1))
    else:
        assert f"{expected['breakeven_value']:,.0f}" in found.group(1)
    assert "<option selected>activities.studio-hire.days</option>" in page.text
    bad = client.get(url.replace("studio-hire.days", "studio-hire.size"))
    assert bad.status_code == 422 and "not a quantity" in bad.text


def test_whatif_and_sensitivity(world: World, two: tuple[int, int]):
    studio, _ai = two
    client = world.client("viewer")
    base = f"/o/{world.org}/productions/{studio}/analysis"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}?run=whatif&lever=vegetarian_catering&samples=200&seed=3")
    assert page.status_code == 200
    sc = organisations.scope(world.db, users_id(world.db, "viewer@example.org"), world.org)
    doc = productions.documents(world.db, sc, [studio])[0]
    expected = compute.whatif(doc, ["vegetarian_catering"], samples=200, seed=3)
    variant = expected["variants"][0]
    assert variant["saving_kgco2e"] > 0
    assert f"{variant['saving_kgco2e']:,.0f}" in text(page.text)
    page = client.get(f"{base}?run=whatif&lever=ai_model&value.ai_model=no+such+model&samples=200")
    assert page.status_code == 200 and "unknown model 'no such model'" in text(page.text)  # the core's reason
    page = client.get(f"{base}?run=sensitivity")
    assert page.status_code == 200 and 'id="sensitivity"' in page.text
    top = compute.sensitivity(doc)["inputs"][0]["input"]
    assert top in page.text


def test_downloads(world: World, two: tuple[int, int]):
    studio, ai = two
    client = world.client("viewer")
    base = f"/o/{world.org}/productions/{studio}/download"
    pdf = client.get(f"{base}?format=pdf&lang=fr")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    report = client.get(f"{base}?format=html&lang=fr")
    assert report.status_code == 200 and '<html lang="fr"' in report.text and "Studio shoot, Paris" in report.text
    english = client.get(f"{base}?format=html&lang=en")
    assert '<html lang="en"' in english.text
    xlsx = client.get(f"{base}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames
    csv_lines = client.get(f"{base}?format=csv")
    assert csv_lines.status_code == 200 and "studio-hire" in csv_lines.text
    yaml_file = client.get(f"{base}?format=yaml")
    assert yaml_file.status_code == 200 and "studio-hire" in yaml_file.text
    assert client.get(f"{base}?format=doc").status_code == 422
    assert client.get(f"{base}?format=html&lang=de").status_code == 422
    both = client.get(f"/o/{world.org}/compare/download?p={studio}&p={ai}&format=html&lang=en")
    assert both.status_code == 200 and "Studio, AI version" in both.text and "Studio shoot, Paris" in both.text


def test_pages_answer_while_every_compute_slot_is_busy(world: World, two: tuple[int, int]):
    """A comparison waits for a slot of heavy computation; other pages do not need one."""
    import threading
    import time

    from shootprint.server.services import decisions

    studio, ai = two
    threads = world.app.state.settings.compute_threads
    with decisions._SLOTS_LOCK:
        sem = decisions._SLOTS.setdefault(threads, threading.BoundedSemaphore(threads))
    for _ in range(threads):
        sem.acquire()
    answers: list[int] = []
    viewer = world.client("viewer")
    waiting = threading.Thread(
        target=lambda: answers.append(viewer.get(f"/o/{world.org}/compare?p={studio}&p={ai}&seed=99").status_code)
    )
    try:
        waiting.start()
        for _ in range(2000):  # until the comparison waits for a slot (no time is asserted)
            if sem._cond._waiters:  # type: ignore[attr-defined]
                break
            time.sleep(0.01)
        assert sem._cond._waiters, "the comparison never waited for a slot"  # type: ignore[attr-defined]
        page = world.client("editor").get(f"/o/{world.org}/productions/{studio}")
        assert page.status_code == 200 and not answers  # answered while the comparison still waits
    finally:
        for _ in range(threads):
            sem.release()
        waiting.join()
    assert answers == [200]

"""Read-only share links: made by an editor, opened without an account, expiring, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from server_helpers import World, post, users_id

from shootprint.server.services import compute, organisations, productions
from shootprint.server.store.models import ShareLink, utcnow


@pytest.fixture
def two(world: World) -> tuple[int, int]:
    sc = organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)
    studio = productions.create(world.db, sc, productions.reference_document("studio-paris"))
    ai = productions.duplicate(world.db, sc, studio, name="Studio, AI version", reference_way="ai-generated")
    return studio, ai


def make_link(world: World, client, pids: list[int], days: str = "30") -> str:
    first = post(client, f"/o/{world.org}/shares", {"p[]": [str(p) for p in pids]})
    assert first.status_code == 200 and 'name="confirm"' in first.text  # choose the expiry first
    page = post(client, f"/o/{world.org}/shares", {"p[]": [str(p) for p in pids], "confirm": "1", "days": days})
    assert page.status_code == 200, page.text
    found = re.search(r'id="share-url" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_a_shared_production_opens_without_an_account_and_shows_nothing_else(world: World, two):
    studio, _ai = two
    url = make_link(world, world.client("editor"), [studio])
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 40  # unguessable: 256 random bits
    with world.db.transaction() as s:
        stored = s.scalars(sa.select(ShareLink.token_hash)).all()
    assert token not in stored  # only its hash is kept
    anonymous = world.client()
    page = anonymous.get(url.replace("http://testserver", ""))
    assert page.status_code == 200
    total = compute.estimate(productions.reference_document("studio-paris"))["total_kgco2e"]
    assert f"{total:,.0f}" in page.text
    assert "Shared read-only by Editor (Studio Nord)" in page.text  # who made it, and when
    assert f"/o/{world.org}" not in page.text and "Members" not in page.text  # nothing else of the organisation
    assert page.headers["x-robots-tag"].startswith("noindex")
    report = anonymous.get(f"/s/{token}/download?format=html&lang=fr")
    assert report.status_code == 200 and "Studio shoot, Paris" in report.text
    assert anonymous.get(f"/o/{world.org}/productions/{studio}", follow_redirects=False).status_code == 303


def test_a_shared_comparison(world: World, two):
    studio, ai = two
    url = make_link(world, world.client("editor"), [studio, ai], days="7")
    page = world.client().get(url.replace("http://testserver", ""))
    assert page.status_code == 200
    assert 'id="comparison"' in page.text and 'id="probabilities"' in page.text
    assert "Studio, AI version" in page.text and "Monte Carlo draws, seed 0" in page.text


def test_revoked_expired_and_unknown_links_open_nothing(world: World, two):
    studio, _ai = two
    editor = world.client("editor")
    url = make_link(world, editor, [studio]).replace("http://testserver", "")
    anonymous = world.client()
    assert anonymous.get(url).status_code == 200
    listing = editor.get(f"/o/{world.org}/shares")
    assert "Editor" in listing.text and "active" in listing.text
    share_id = re.search(r"/shares/(\d+)/revoke", listing.text)
    assert share_id
    assert post(editor, f"/o/{world.org}/shares/{share_id.group(1)}/revoke").status_code == 303
    gone = anonymous.get(url)
    assert gone.status_code == 404 and "revoked" in gone.text
    assert anonymous.get(url + "/download?format=csv").status_code == 404
    assert "revoked" in editor.get(f"/o/{world.org}/shares").text
    url2 = make_link(world, editor, [studio]).replace("http://testserver", "")
    with world.db.transaction() as s:
        for link in s.scalars(sa.select(ShareLink)).all():
            link.expires_at = utcnow() - timedelta(minutes=1)
    assert anonymous.get(url2).status_code == 404
    assert anonymous.get("/s/not-a-token").status_code == 404


def test_links_are_the_organisations(world: World, two):
    studio, _ai = two
    outsider = world.client("outsider")  # owner of another organisation
    response = post(outsider, f"/o/{world.other_org}/shares", {"p[]": [str(studio)], "confirm": "1", "days": "30"})
    assert response.status_code in (404, 422) and "/s/" not in response.text
    editor = world.client("editor")
    response = post(editor, f"/o/{world.org}/shares", {"p[]": [str(studio)], "confirm": "1", "days": "12"})
    assert response.status_code == 422 and "7, 30, 90 or 365" in response.text
    viewer = world.client("viewer")
    assert post(viewer, f"/o/{world.org}/shares", {"p[]": [str(studio)]}).status_code == 403


def _editor_scope(world: World):
    return organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)


def test_a_link_shows_the_revision_it_was_made_from_and_says_which(world: World, two):
    """A production saved after its link was made: the link keeps showing (and downloading) the
    revision it was made from, names it and its date; the production's own page shows the new one."""
    import csv
    import io

    from shootprint.report.document import number

    studio, ai = two
    sc = _editor_scope(world)
    editor = world.client("editor")
    url = make_link(world, editor, [studio]).replace("http://testserver", "")
    pair = make_link(world, editor, [studio, ai]).replace("http://testserver", "")
    before = productions.footprint(world.db, sc, studio)["total_kgco2e"]
    _, rev1 = productions.get(world.db, sc, studio)
    changed = dict(rev1.document, activities=rev1.document["activities"][1:], name="Studio, later")
    assert productions.save(world.db, sc, studio, changed, base_revision=rev1.number) == rev1.number + 1
    after = productions.footprint(world.db, sc, studio)["total_kgco2e"]
    assert number(after, "en") != number(before, "en")
    anonymous = world.client()
    page = anonymous.get(url)
    assert page.status_code == 200
    assert f'id="total">{number(before, "en")} kg CO2e' in page.text
    pinned = page.text.split('id="pinned"')[1].split("</div>")[0]
    assert f"revision {rev1.number}, saved on" in pinned and "later changes are not shown" in pinned
    assert "count as they stand when this page is opened" in pinned  # the measured records: as they are now
    assert "Studio, later" not in page.text
    own = editor.get(f"/o/{world.org}/productions/{studio}")
    assert f'id="total">{number(after, "en")} kg CO2e' in own.text
    token = url.rsplit("/", 1)[1]
    lines = list(csv.DictReader(io.StringIO(anonymous.get(f"/s/{token}/download?format=csv").text)))
    assert sum(float(line["emissions_kgco2e"]) for line in lines) == pytest.approx(before, rel=1e-6)
    report = anonymous.get(f"/s/{token}/download?format=html&lang=en")
    assert report.status_code == 200 and number(before, "en") in report.text and "Studio, later" not in report.text
    compared = anonymous.get(pair)
    assert compared.status_code == 200 and number(before, "en") in compared.text
    assert "Studio, later" not in compared.text.split('id="comparison"')[1]
    listing = editor.get(f"/o/{world.org}/shares")
    assert f"(revision {rev1.number})" in listing.text


def test_a_link_made_before_revisions_were_pinned_says_it_shows_the_latest(world: World, two):
    studio, _ai = two
    sc = _editor_scope(world)
    url = make_link(world, world.client("editor"), [studio]).replace("http://testserver", "")
    with world.db.transaction() as s:
        for link in s.scalars(sa.select(ShareLink)).all():
            link.revisions = None
    _, rev1 = productions.get(world.db, sc, studio)
    productions.save(world.db, sc, studio, dict(rev1.document, name="Studio, later"), base_revision=rev1.number)
    page = world.client().get(url)
    assert page.status_code == 200 and f"revision {rev1.number + 1}, " in page.text
    assert "This link shows the latest revision of each production." in page.text

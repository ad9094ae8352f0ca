"""Productions through the pages: create, footprint, YAML edits, revisions, duplicate, final, trash."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from server_helpers import World, post, text_of

from shootprint.server.services import compute

ROOT = Path(__file__).resolve().parents[2]
STUDIO = ROOT / "examples" / "reference" / "studio-paris.yaml"


def create_reference(world: World, client, key: str = "studio-paris") -> int:
    response = post(client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": key})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").split("/")[-1])


def test_create_from_a_reference_way_shows_the_core_total(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert page.status_code == 200
    expected = compute.estimate(yaml.safe_load(STUDIO.read_text(encoding="utf-8")))["total_kgco2e"]
    assert f"{expected:,.0f}".replace(",", ",") in page.text
    assert "ADEME Base Carbone" in page.text  # every line names its factor's source
    assert "<svg" in page.text  # the report's charts
    listing = client.get(f"/o/{world.org}/productions")
    assert "Studio shoot, Paris" in listing.text and f"{expected:,.0f}" in listing.text


def test_french_numbers(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    client.get("/lang/fr", follow_redirects=False)
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert '<html lang="fr">' in page.text
    expected = compute.estimate(yaml.safe_load(STUDIO.read_text(encoding="utf-8")))["total_kgco2e"]
    assert f"{expected:,.0f}".replace(",", "\u202f") in page.text


def test_the_footprint_section_is_laid_out_for_each_organisation_and_language(world: World):
    """The same production in two organisations: each page links to its own organisation's factors,
    the second view (the section kept) as the first; the French page writes French numbers."""
    editor, outsider = world.client("editor"), world.client("outsider")
    mine = create_reference(world, editor)
    response = post(
        outsider, f"/o/{world.other_org}/productions/new", {"start": "reference", "reference": "studio-paris"}
    )
    assert response.status_code == 303, response.text
    theirs = int(response.headers["location"].rstrip("/").split("/")[-1])
    for _ in range(2):
        page = editor.get(f"/o/{world.org}/productions/{mine}").text
        other = outsider.get(f"/o/{world.other_org}/productions/{theirs}").text
        assert f"/o/{world.org}/factors/detail" in page and f"/o/{world.other_org}/" not in page
        assert f"/o/{world.other_org}/factors/detail" in other and f"/o/{world.org}/" not in other
    expected = compute.estimate(yaml.safe_load(STUDIO.read_text(encoding="utf-8")))["total_kgco2e"]
    assert f'id="total">{expected:,.0f} kg' in page
    editor.get("/lang/fr", follow_redirects=False)
    french = editor.get(f"/o/{world.org}/productions/{mine}").text
    assert f'id="total">{expected:,.0f}'.replace(",", "\u202f") + " kg" in french


def test_upload_a_production_file(world: World):
    client = world.client("editor")
    response = client.post(
        f"/o/{world.org}/productions/new",
        data={"start": "upload", "csrf_token": client.cookies["sp_csrf"]},
        files={"file": ("studio.yaml", STUDIO.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_upload_errors_name_the_file_and_field(world: World):
    client = world.client("editor")
    bad = STUDIO.read_text(encoding="utf-8").replace("shoot_days: 3", "shoot_days: -3")
    response = client.post(
        f"/o/{world.org}/productions/new",
        data={"start": "upload", "csrf_token": client.cookies["sp_csrf"]},
        files={"file": ("mine.yaml", bad.encode(), "application/yaml")},
    )
    assert response.status_code == 422
    assert "shoot_days" in response.text


def test_yaml_edit_keeps_the_text_on_error_and_saves_revisions(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    form = client.get(f"/o/{world.org}/productions/{pid}/yaml")
    assert form.status_code == 200
    text = STUDIO.read_text(encoding="utf-8").replace("days: 5 day", "days: five days")
    response = post(client, f"/o/{world.org}/productions/{pid}/yaml", {"document": text, "base_revision": "1"})
    assert response.status_code == 422
    assert "five days" in response.text  # nothing typed is lost
    assert "studio-hire" in text_of(response.text)  # the problem names the activity
    good = STUDIO.read_text(encoding="utf-8").replace("days: 5 day", "days: 6 day")
    response = post(client, f"/o/{world.org}/productions/{pid}/yaml", {"document": good, "base_revision": "1"})
    assert response.status_code == 303
    # a save from a stale revision is refused, not silently lost
    response = post(client, f"/o/{world.org}/productions/{pid}/yaml", {"document": good + "\n", "base_revision": "1"})
    assert response.status_code == 409
    revisions = client.get(f"/o/{world.org}/productions/{pid}/revisions")
    assert "editor" in revisions.text.lower()
    diff = client.get(f"/o/{world.org}/productions/{pid}/diff?a=1&b=2")
    assert diff.status_code == 200 and "6 day" in diff.text
    assert post(client, f"/o/{world.org}/productions/{pid}/revisions/1/restore").status_code == 303
    assert "5 day" in client.get(f"/o/{world.org}/productions/{pid}/revisions/3").text


def test_duplicate_as_an_ai_way(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    response = post(
        client,
        f"/o/{world.org}/productions/{pid}/duplicate",
        {"name": "Studio, AI version", "reference": "ai-generated"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Studio, AI version" in page.text and "generated with AI" in page.text
    assert "text_to_image" in page.text or "key-visuals" in page.text


def test_forecast_to_final_and_planned_against_actual(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    response = post(client, f"/o/{world.org}/productions/{pid}/final")
    final = int(response.headers["location"].split("/")[-1])
    page = client.get(f"/o/{world.org}/productions/{final}/planned-vs-actual")
    assert page.status_code == 200 and 'id="change"' in page.text


def test_trash_and_restore(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    assert post(client, f"/o/{world.org}/productions/{pid}/trash").status_code == 303
    assert client.get(f"/o/{world.org}/productions/{pid}").status_code == 404
    assert "Studio shoot, Paris" in client.get(f"/o/{world.org}/trash").text
    assert post(client, f"/o/{world.org}/trash/{pid}/restore").status_code == 303
    assert client.get(f"/o/{world.org}/productions/{pid}").status_code == 200


def test_organisations_are_isolated(world: World):
    client = world.client("editor")
    pid = create_reference(world, client)
    outsider = world.client("outsider")
    assert outsider.get(f"/o/{world.org}/productions/{pid}").status_code == 404
    assert outsider.get(f"/o/{world.org}/productions").status_code == 404
    # the same id under the outsider's own organisation is not found either
    assert outsider.get(f"/o/{world.other_org}/productions/{pid}").status_code == 404


@pytest.mark.parametrize("role", ["viewer"])
def test_viewers_read_but_do_not_write(world: World, role: str):
    editor = world.client("editor")
    pid = create_reference(world, editor)
    viewer = world.client(role)
    assert viewer.get(f"/o/{world.org}/productions/{pid}").status_code == 200
    assert "Edit with the forms" not in viewer.get(f"/o/{world.org}/productions/{pid}").text
    assert viewer.get(f"/o/{world.org}/productions/{pid}/yaml").status_code == 403
    assert post(viewer, f"/o/{world.org}/productions/{pid}/trash").status_code == 403


def test_a_reference_document_changed_by_its_caller_leaves_the_next_one_intact():
    from shootprint.server.services import productions as services

    doc = services.reference_document("ai-generated")
    doc["activities"][0]["measured"] = "sdxl"
    doc["name"] = "changed"
    again = services.reference_document("ai-generated")
    assert "measured" not in again["activities"][0] and again["name"] != "changed"

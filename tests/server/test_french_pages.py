"""French pages say the engine's words in French: the edit forms' hints (from the activity models)
and the GHG Protocol scope 3 reasons of the dashboard."""

from __future__ import annotations

import html
import re

from server_helpers import World, post, users_id

from shootprint.categories import models
from shootprint.i18n import Message, gettext
from shootprint.server.services import dashboard, organisations, productions
from shootprint.server.web import forms


def _hints(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<p class="hint small muted" id="[^"]*-hint">([^<]*)</p>', page)]


def test_every_hint_and_scope3_reason_has_its_french():
    for type_name in models():
        for spec in forms.activity_fields(type_name):
            if spec.description:
                french = spec.description.render("fr") if isinstance(spec.description, Message) else None
                french = french or gettext("fr", spec.description)
                assert french != str(spec.description), f"{type_name}.{spec.name}: hint without French"
    for _category, types in forms.activity_types():
        for type_name, summary in types:
            assert not summary or gettext("fr", summary) != summary, f"{type_name}: summary without French"
    for type_name, (_category, reason) in dashboard.scope3_mapping().items():
        assert gettext("fr", reason) != reason, f"{type_name}: scope 3 reason without French"


def test_french_edit_form_shows_french_hints(world: World):
    client = world.client("editor")
    response = post(client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": "studio-paris"})
    pid = int(response.headers["location"].split("/")[-1])
    english = _hints(client.get(f"/o/{world.org}/productions/{pid}/edit").text)
    assert "unique within the file" in english
    assert any(h.startswith("a quantity in kg (or a unit convertible to it)") for h in english)
    client.get("/lang/fr", follow_redirects=False)
    page = client.get(f"/o/{world.org}/productions/{pid}/edit")
    assert '<html lang="fr">' in page.text
    french = _hints(page.text)
    assert len(french) == len(english)
    assert "unique dans le fichier" in french and "unique within the file" not in french
    assert any(h.startswith("une quantité en kg (ou dans une unité convertible)") for h in french)
    assert "pourquoi cette quantité : d’où elle vient" in french
    assert "flight — Un vol ; la distance (si donnée) est la distance orthodromique." in html.unescape(page.text)
    assert not set(french) & set(english) - {""}, sorted(set(french) & set(english))


def test_french_dashboard_shows_french_scope3_reasons(world: World):
    sc = organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)
    productions.create(world.db, sc, productions.reference_document("studio-paris"))
    client = world.client("viewer")
    english = html.unescape(client.get(f"/o/{world.org}/dashboard?version=forecast").text)
    assert "people travelling for the production: business travel" in english
    client.get("/lang/fr", follow_redirects=False)
    page = html.unescape(client.get(f"/o/{world.org}/dashboard?version=forecast").text)
    assert '<html lang="fr">' in page
    assert "personnes se déplaçant pour la production : déplacements professionnels" in page
    for _category, reason in dashboard.scope3_mapping().values():
        assert reason not in page, reason


def _upload(client, world: World, name: str, content: bytes):
    return client.post(
        f"/o/{world.org}/productions/new",
        data={"start": "upload", "csrf_token": client.cookies["sp_csrf"]},
        files={"file": (name, content, "application/octet-stream")},
    )


def test_french_upload_errors(world: World, tmp_path):
    from shootprint.spreadsheet import write_template

    client = world.client("editor")
    template = write_template(tmp_path / "t.xlsx").read_bytes()
    english = html.unescape(_upload(client, world, "mine.xlsx", template).text)
    assert "mine.xlsx: sheet 'production', row 2, column 'value': required: the production's name" in english
    client.get("/lang/fr", follow_redirects=False)
    cases = {
        (
            "mine.xlsx",
            template,
        ): "mine.xlsx: feuille 'production', ligne 2, colonne 'value': obligatoire : le nom de la production",
        ("mine.yaml", b"name: [unclosed\n"): "mine.yaml : YAML mal formé à la ligne 2, colonne 1 : ",
        ("mine.yaml", b"- a\n- b\n"): "mine.yaml : attendu une production (name:, activities: …) au premier niveau",
        ("mine.yaml", b"\xff\xfe\x00bad"): "mine.yaml : pas un fichier texte UTF-8",
        ("mine.xlsx", b"PK\x03\x04 not really"): "mine.xlsx : pas un classeur XLSX (pas un fichier zip)",
    }
    for (name, content), french in cases.items():
        response = _upload(client, world, name, content)
        assert response.status_code == 422, name
        assert french in html.unescape(response.text), html.unescape(response.text)[-2000:]

"""Edit forms generated from the activity models: add, fill in, problems beside fields, save."""

from __future__ import annotations

import re

from form_fields import form_fields
from server_helpers import World, post, users_id

from shootprint.server.services import compute, organisations, productions
from shootprint.server.web import forms


def blank(world: World, client) -> int:
    response = post(client, f"/o/{world.org}/productions/new", {"start": "blank", "name": "Lookbook", "way": "outdoor"})
    assert response.status_code == 303 and response.headers["location"].endswith("/edit")
    return int(response.headers["location"].split("/")[-2])


def latest(world: World, pid: int) -> productions.RevisionView:
    sc = organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)
    return productions.get(world.db, sc, pid)[1]


def test_every_activity_type_has_a_form_with_units_and_choices():
    flight = {f.name: f for f in forms.activity_fields("flight")}
    assert flight["distance"].kind == "quantity" and flight["distance"].unit == "km"
    assert flight["cabin"].kind == "choice" and "business" in flight["cabin"].choices
    assert flight["return"].kind == "yesno"
    assert [f.name for f in forms.activity_fields("flight")][:3] == ["id", "stage", "label"]
    from shootprint.categories import models

    for type_name in models():
        assert forms.activity_fields(type_name), type_name


def test_reference_ways_round_trip_through_the_forms(world: World):
    client = world.client("editor")
    for key in productions.REFERENCE_WAYS:
        response = post(client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": key})
        pid = int(response.headers["location"].split("/")[-1])
        page = client.get(f"/o/{world.org}/productions/{pid}/edit")
        assert page.status_code == 200
        fields = form_fields(page.text, "/edit")
        response = post(client, f"/o/{world.org}/productions/{pid}/edit", {**fields, "action": "save"})
        assert response.status_code == 303, response.text
        rev = latest(world, pid)
        assert rev.number == 1, key  # the same document: nothing lost or changed, no new revision
        assert rev.document == productions.reference_document(key)


def test_add_fill_in_fix_and_save(world: World):
    client = world.client("editor")
    pid = blank(world, client)
    url = f"/o/{world.org}/productions/{pid}/edit"
    page = client.get(url)
    assert 'name="new_type"' in page.text
    fields = form_fields(page.text, "/edit")
    fields.update({"p.shoot_days": "2", "p.deliverables.still_images": "12"})
    page = post(client, url, {**fields, "action": "add", "new_type": "flight", "new_stage": "pre-production"})
    assert page.status_code == 200
    assert 'id="f-a0-distance"' in page.text and "(km)" in page.text  # unit shown beside the quantity
    assert '<option value="business">' in page.text  # accepted values as choices
    fields = form_fields(page.text, "/edit")
    assert fields["p.shoot_days"] == "2"  # nothing typed was lost by adding
    fields.update({"a0.distance": "six hundred", "a0.travellers": "2", "a0.reason": "scouting trip"})
    page = post(client, url, {**fields, "action": "save"})
    assert page.status_code == 422
    assert 'value="six hundred"' in page.text and 'value="scouting trip"' in page.text  # kept as typed
    problem = re.search(r'<p class="field-problem" id="f-a0-distance-problem1">([^<]*)</p>', page.text)
    assert problem and "cannot read" in problem.group(1)  # beside the field concerned
    assert 'id="f-a0-distance" name="a0.distance" value="six hundred" size="14" aria-invalid="true"' in page.text
    assert latest(world, pid).number == 1  # nothing saved
    fields = form_fields(page.text, "/edit")
    fields.update({"a0.distance": "600", "a0.cabin": "economy"})
    response = post(client, url, {**fields, "action": "save"})
    assert response.status_code == 303, response.text
    rev = latest(world, pid)
    assert rev.number == 2 and rev.note == "edited with the forms"
    flight = rev.document["activities"][0]
    assert flight == {
        "id": "flight-1",
        "type": "flight",
        "stage": "pre-production",
        "distance": "600 km",
        "travellers": 2,
        "cabin": "economy",
        "reason": "scouting trip",
    }
    assert rev.document["shoot_days"] == 2 and rev.document["deliverables"]["still_images"] == 12
    total = compute.estimate(rev.document)["total_kgco2e"]
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert f"{total:,.0f}" in page.text


def test_ranges_parameters_and_removal(world: World):
    client = world.client("editor")
    pid = blank(world, client)
    url = f"/o/{world.org}/productions/{pid}/edit"
    fields = form_fields(client.get(url).text, "/edit")
    page = post(client, url, {**fields, "action": "add", "new_type": "hotel", "new_stage": "shoot"})
    fields = form_fields(page.text, "/edit")
    page = post(client, url, {**fields, "action": "add", "new_type": "train", "new_stage": "shoot"})
    fields = form_fields(page.text, "/edit")
    assert fields["a1.id"] == "train-1"
    fields.update(
        {
            "param.0.name": "crew",
            "param.0.value": "4",
            "a0.nights": "",
            "a0.nights.low": "3",
            "a0.nights.high": "5",
            "a0.rooms": "$crew",
            "a0.region": "FR",
        }
    )
    page = post(client, url, {**fields, "action": "remove:1"})  # the train goes, the hotel's inputs stay
    assert page.status_code == 200 and "train-1" not in page.text and 'value="$crew"' in page.text
    fields = form_fields(page.text, "/edit")
    response = post(client, url, {**fields, "action": "save"})
    assert response.status_code == 303, response.text
    doc = latest(world, pid).document
    assert doc["parameters"] == {"crew": 4}
    hotel = doc["activities"][0]
    assert len(doc["activities"]) == 1
    assert hotel["rooms"] == "$crew" and hotel["type"] == "hotel"
    unit = {f.name: f for f in forms.activity_fields("hotel")}["nights"].unit
    assert hotel["nights"] == {"low": 3, "high": 5, **({"unit": unit} if unit else {})}
    fields = form_fields(client.get(url).text, "/edit")
    assert (fields["a0.nights.low"], fields["a0.nights.high"]) == ("3", "5")  # shown back as a range


def test_a_stale_form_is_refused_and_kept(world: World):
    client = world.client("editor")
    pid = blank(world, client)
    url = f"/o/{world.org}/productions/{pid}/edit"
    fields = form_fields(client.get(url).text, "/edit")
    assert post(client, url, {**fields, "p.client": "Maison A", "action": "save"}).status_code == 303
    page = post(client, url, {**fields, "p.client": "Maison B", "action": "save"})
    assert page.status_code == 409 and 'value="Maison B"' in page.text

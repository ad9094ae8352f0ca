"""A production's validation errors are structured problems: a stable code, a location path, a hint
(close matches or the accepted values), English and French; the sentence the CLI prints is unchanged."""

from __future__ import annotations

import pytest

from shootprint.calculator import Calculator
from shootprint.problems import GENERIC_CODE, ProblemsError


def problems_of(document: dict) -> dict[str, dict]:
    with pytest.raises(ProblemsError) as info:
        Calculator().estimate(document)
    return {".".join(map(str, p["location"])): p for p in info.value.to_list()}


def doc(*activities: dict, **top: object) -> dict:
    return {"name": "Test", "shoot_days": 1, "activities": list(activities), **top}


def test_unknown_type_field_and_choice_have_their_codes_and_close_matches():
    found = problems_of(
        doc(
            {"id": "h1", "type": "hotle", "stage": "shoot", "nights": 2},
            {"id": "t1", "type": "train", "stage": "shoot", "from": "Paris", "to": "Lyon", "travelers": 2},
            {"id": "m1", "type": "meal", "stage": "shoot", "meals": 10, "kind": "vegetarain"},
        )
    )
    kind = found["activities.h1.type"]
    assert kind["code"] == "unknown-activity-type"
    assert kind["hint"] == "hotel"
    assert "did you mean hotel?" in kind["message"]
    assert kind["message_fr"].startswith("type d’activité inconnu 'hotle'")
    assert "vouliez-vous dire hotel ?" in kind["message_fr"]

    field = found["activities.t1.travelers"]
    assert field["code"] == "unknown-field"
    assert "travellers" in field["hint"].split(", ")
    assert field["message_fr"].startswith("champ inconnu ; champs acceptés :")

    choice = found["activities.m1.kind"]
    assert choice["code"] == "value-not-accepted"
    assert choice["hint"].split(", ")[0] == "vegetarian"
    assert choice["message"].startswith("accepted: ")
    assert choice["message_fr"].startswith("valeurs acceptées : ")


def test_missing_fields_duplicate_ids_and_unknown_parameters():
    found = problems_of(doc({"id": "t1", "type": "taxi", "distance": "10 km"}))
    assert found["activities.t1.stage"]["code"] == "field-missing"
    assert found["activities.t1.stage"]["message_fr"] == "champ obligatoire manquant"

    taxi = {"id": "t1", "type": "taxi", "stage": "shoot", "distance": "$distanse"}
    found = problems_of(doc(taxi, {**taxi, "distance": "10 km"}, parameters={"distance": "12 km"}))
    unknown = found["activities.t1.distance"]
    assert unknown["code"] == "unknown-parameter"
    assert unknown["hint"] == "distance"
    assert unknown["message_fr"].startswith("paramètre inconnu $distanse")
    assert found["activities.t1.id"]["code"] == "duplicate-id"


def test_no_production_problem_falls_back_to_the_generic_code():
    found = problems_of(
        doc(
            {"id": "bad id", "type": "taxi", "stage": "shoot", "distance": "10 km"},
            {"type": "taxi", "stage": "shoot", "distance": "10 km"},
            {"id": "x", "stage": "shoot"},
        )
    )
    assert found["activities[1].id"]["code"] == "field-missing"
    assert found["activities.x"]["code"] == "activity-type-missing"
    assert {p["code"] for p in found.values()}.isdisjoint({GENERIC_CODE})


def test_the_sentence_printed_is_source_location_message():
    with pytest.raises(ProblemsError) as info:
        Calculator().estimate(doc({"id": "h1", "type": "hotle", "stage": "shoot"}))
    assert info.value.problems[0].startswith(
        "<production>: activities.h1.type: unknown activity type 'hotle'; accepted:"
    )

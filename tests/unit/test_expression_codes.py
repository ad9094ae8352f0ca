"""A refused expression is a problem with a code of its own, its sentence unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint import expressions
from shootprint.errors import InputError
from shootprint.production import validate

ROOT = Path(__file__).resolve().parents[2]


def problem_of(nights: str, parameters: dict | None = None) -> dict:
    doc = {
        "name": "t",
        "parameters": parameters or {"crew": 3, "days": "4 day", "leg": "12 km"},
        "activities": [{"id": "h", "type": "hotel", "stage": "shoot", "nights": nights}],
    }
    with pytest.raises(InputError) as info:
        validate(doc)
    (problem,) = [p for p in info.value.details if p.where.startswith("activities.h")]
    return problem.to_dict() | {"text": problem.text()}


@pytest.mark.parametrize(
    ("written", "code", "said"),
    [
        ("$crew * ", "expression-syntax", "ends too soon"),
        ("$crew # 2", "expression-syntax", "cannot read '# 2'"),
        ("($crew + 1", "expression-syntax", "a '(' is not closed"),
        ("$crew * 2 3", "expression-syntax", "'3' is not expected there"),
        ("$crew " + "* 2 " * 40, "expression-limit", "at most 60 numbers"),
        ("(" * 11 + "$crew" + ")" * 11, "expression-limit", "nested more than 10 deep"),
        ("$crew - 1", "expression-unsupported", "subtraction is not computed"),
        ("$crew ** 2", "expression-unsupported", "powers ('**') are not computed"),
        ("$crew / $crew", "expression-unsupported", "divides by a parameter"),
        ("$crew / 0", "expression-division-by-zero", "divides by 0"),
        ("$crew * 2 km", "expression-unit", "this field is a count"),
        ("$crew + $leg", "parameter-unit", "parameter $leg is in km, this field needs a count"),
        ("$leg", "parameter-unit", "parameter $leg is in km, this field needs a count"),
    ],
)
def test_each_refusal_has_its_code(written: str, code: str, said: str) -> None:
    found = problem_of(written)
    assert found["code"] == code, found
    assert said in found["message"] and found["location"] == ["activities", "h", "nights"]
    assert found["text"].startswith("<production>: activities.h.nights: ")


def test_units_that_do_not_combine_in_a_quantity_field() -> None:
    travel = {
        "name": "t",
        "parameters": {"leg": "12 km", "trips": 3},
        "activities": [{"id": "a", "type": "taxi", "stage": "shoot", "distance": "$leg * $leg"}],
    }
    with pytest.raises(InputError) as info:
        validate(travel)
    (problem,) = info.value.details
    assert problem.code == "expression-unit" and "multiplies two quantities in km" in problem.message
    travel["activities"][0]["distance"] = "$trips * $trips"
    with pytest.raises(InputError) as info:
        validate(travel)
    (problem,) = info.value.details
    assert problem.code == "expression-unit" and "gives a count, this field needs km" in problem.message


def test_an_unknown_name_keeps_its_code() -> None:
    assert problem_of("$crw * 2")["code"] == "unknown-parameter"


def test_every_code_is_documented() -> None:
    page = (ROOT / "docs" / "production-file.md").read_text(encoding="utf-8")
    assert [c for c in expressions.CODES if f"`{c}`" not in page] == []

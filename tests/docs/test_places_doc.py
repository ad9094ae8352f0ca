"""The production-file page's places and ids: every example it gives is read as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shootprint import geo
from shootprint.errors import InputError

PAGE = Path(__file__).resolve().parents[2] / "docs" / "production-file.md"


def _paragraph(start: str, end: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    assert start in text, f"{PAGE.name} has no paragraph starting {start!r}"
    return text.split(start, 1)[1].split(end, 1)[0]


def _examples(paragraph: str) -> list[str]:
    return [
        m
        for m in re.findall(r"`([^`]+)`", paragraph)
        if m not in ("from:", "to:", "id:", "_", ".", "-", "City, CC", '"lat, lon"')
    ]


def test_every_place_example_of_the_page_is_located():
    examples = _examples(_paragraph("Places (", "A city name alone"))
    assert len(examples) >= 8  # IATA, two cities, a country, coordinates and three mappings
    kinds = set()
    for example in examples:
        spec = yaml.safe_load(example)
        place = geo.locate(spec)
        kinds.add(place.kind)
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        if "LIS" in example or "Lisbon" in example or "38.72" in example or example == "PT":
            assert place.country == "PT", example
    assert {"airport", "city", "coordinates", "country"} <= kinds


def test_a_mapping_with_another_key_is_refused_as_the_page_says():
    with pytest.raises(InputError):
        geo.locate({"city": "Paris", "contry": "US"})


def test_the_id_examples_of_the_page_are_the_ids_a_file_accepts():
    paragraph = _paragraph("Ids (", "Places (")
    pattern = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    good = [e for e in _examples(paragraph) if pattern.match(e)]
    assert good == ["crew-flights", "day1.catering"]
    from shootprint.production import validate

    for bad in ("crew flights", "équipe", "-crew"):
        doc = {
            "shootprint": 1,
            "name": "t",
            "activities": [{"id": bad, "type": "taxi", "stage": "shoot", "distance": "3 km"}],
        }
        with pytest.raises(Exception) as refused:
            validate(doc)
        assert "id" in str(refused.value), bad
    for ok in good:
        doc = {
            "shootprint": 1,
            "name": "t",
            "activities": [{"id": ok, "type": "taxi", "stage": "shoot", "distance": "3 km"}],
        }
        validate(doc)

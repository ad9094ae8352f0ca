"""Several production files validated together use one model: that of the activity types the files
use (read first), not the model of every registered type; the productions and the errors are those
of each file validated alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint import api
from shootprint.errors import InputError
from shootprint.files import read_file
from shootprint.production import activity_types, production_model, production_model_for

REFERENCE = Path(__file__).parents[2] / "examples" / "reference"
FILES = [REFERENCE / "ai-generated.yaml", REFERENCE / "outdoor-marseille.yaml"]


def test_files_validated_together_use_the_model_of_their_types() -> None:
    # once the full model is built (by an earlier test of the run) every file takes it: start without it
    production_model.cache_clear()
    documents = [read_file(f) for f in FILES]
    union = activity_types(documents)
    assert union == {a["type"] for d in documents for a in d["activities"]}
    together = api.prepare_files(FILES)
    for prep in together:
        assert type(prep.production) is production_model_for(union)
    alone = [api.prepared(f) for f in FILES]
    assert [p.production for p in together] == [p.production for p in alone]
    # repr: a parameter's central value is NaN, which equals nothing, itself included
    assert [repr(p.production.model_dump()) for p in together] == [repr(p.production.model_dump()) for p in alone]


def test_activity_types_leave_the_full_model_where_a_file_needs_it() -> None:
    good = read_file(FILES[0])
    assert activity_types([good, {**good, "activities": []}]) is None  # no activities: the full model
    odd = {**good, "activities": [*good["activities"], {"id": "x", "type": "teleport"}]}
    assert activity_types([good, odd]) is None  # a type not registered: the full model lists them all
    one = {**good, "activities": [a for a in good["activities"] if a["type"] == good["activities"][0]["type"]]}
    assert activity_types([one, one]) is None  # one type is no union


def test_an_error_is_the_one_the_file_gives_alone(tmp_path: Path) -> None:
    text = FILES[1].read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("type: train", "type: teleport", 1), encoding="utf-8")
    assert "teleport" in bad.read_text(encoding="utf-8")
    with pytest.raises(InputError) as alone:
        api.prepared(bad)
    with pytest.raises(InputError) as together:
        api.prepare_files([FILES[0], bad])
    assert str(together.value) == str(alone.value)
    with pytest.raises(InputError, match="production file not found"):
        api.prepare_files([FILES[0], tmp_path / "missing.yaml", bad])
    with pytest.raises(InputError) as first:
        api.prepare_files([bad, tmp_path / "missing.yaml"])
    assert str(first.value) == str(alone.value)  # the files before an unreadable one come first

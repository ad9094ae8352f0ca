"""The Calculator: data in (documents, records, override rows), the same results as the file API."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from shootprint import api
from shootprint.calculator import MAX_ACTIVITIES, Calculator
from shootprint.errors import FactorError, InputError
from shootprint.factors import CSV_COLUMNS
from shootprint.files import load_records, records_path
from shootprint.problems import Problem, ProblemsError
from shootprint.production import READABLE_VERSIONS, to_document, validate

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "examples" / "reference").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("**/*.yaml"))


def doc(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def calc() -> Calculator:
    return Calculator()


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_estimate_of_a_document_equals_the_file_api(calc: Calculator, path: Path):
    assert calc.estimate(doc(path)).to_dict() == api.estimate(path).to_dict()


def test_compare_of_documents_equals_the_file_api(calc: Calculator):
    assert calc.compare([doc(p) for p in REFERENCE]).to_dict() == api.compare(REFERENCE).to_dict()


def test_compare_with_samples_equals_the_file_api(calc: Calculator):
    ours = calc.compare([doc(p) for p in REFERENCE[:2]], samples=200, seed=3).to_dict()
    theirs = api.compare_uncertain(REFERENCE[:2], samples=200, seed=3).to_dict()
    assert ours == theirs


def test_override_rows_as_data_change_the_result(calc: Calculator):
    row = {c: "" for c in CSV_COLUMNS} | {
        "id": "energy.grid.FR",
        "value": "0.5",
        "unit": "kgCO2e/kWh",
        "source": "supplier certificate 2025",
    }
    studio = doc(ROOT / "examples" / "reference" / "studio-paris.yaml")
    base = calc.estimate(studio)
    changed = Calculator(overrides=[row]).estimate(studio)
    assert changed.total_kgco2e > base.total_kgco2e
    assert "energy.grid.FR" in changed.overrides_used


def test_bad_override_rows_are_problems():
    with pytest.raises(ProblemsError) as err:
        Calculator(overrides=[{"id": "x", "colour": "red"}, {"id": "y", "unit": "kg"}])
    codes = [p.code for p in err.value.details]
    assert codes[0] == "override-unknown-field"
    assert "override-invalid" in codes
    assert err.value.details[0].location == ("row", 1)


def test_whatif_sets_breakeven_diff_and_sensitivity_on_documents(calc: Calculator):
    ai = doc(ROOT / "examples" / "reference" / "ai-generated.yaml")
    studio = doc(ROOT / "examples" / "reference" / "studio-paris.yaml")
    result = calc.whatif(ai, levers=["fewer_iterations=0.5"], samples=100)
    assert result.variants and result.skipped == []
    assert calc.diff(studio, studio).change_kgco2e == 0
    found = calc.breakeven(studio, ai, vary="activities.studio-hire.days")
    assert found.unit == "day" and found.current_value == "5 day"
    sens = calc.sensitivity([ai], base_samples=16)
    assert sens.factor_set == "ademe"


def test_a_lever_that_cannot_apply_is_skipped_and_said(calc: Calculator):
    dalle = doc(ROOT / "examples" / "claims" / "one-image-dalle.yaml")
    result = calc.whatif(dalle, levers=["fewer_iterations=0.5", "compute_region=SE"], samples=50)
    skipped = {s.lever: s.reason for s in result.skipped}
    assert "fewer_iterations=0.5" in skipped and skipped["fewer_iterations=0.5"]
    assert [v.variant for v in result.variants] == ["compute_region=SE"]


def test_factor_search_and_detail(calc: Calculator):
    assert calc.search_factors("electricite france", limit=5)
    detail = calc.factor("energy.grid.FR")
    assert detail.id == "energy.grid.FR" and detail.resolved is not None
    with pytest.raises(FactorError) as err:
        calc.factor("energy.grid.XX")
    assert err.value.details[0].code == "factor"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_production_round_trips(path: Path):
    written = doc(path)
    prod = validate(copy.deepcopy(written), str(path))
    document = to_document(prod)
    assert document == written  # quantities, ranges, ± and parameters as written
    assert validate(document, str(path)) == prod
    assert validate(yaml.safe_load(yaml.safe_dump(document, allow_unicode=True)), str(path)) == prod


def test_round_trip_keeps_ranges_percent_units_and_parameters():
    written = {
        "name": "Round trip",
        "parameters": {"crew": "8 ± 25%", "days": {"low": 2, "high": 4, "unit": "day"}},
        "activities": [
            {"id": "cars", "type": "car", "stage": "shoot", "distance": "1200 mi", "cars": "$crew * 0.5"},
        ],
    }
    prod = validate(copy.deepcopy(written))
    assert to_document(prod) == written
    assert validate(to_document(prod)) == prod


@pytest.mark.parametrize("version", [99, -1, 0, "1", 1.5, True])
def test_unknown_file_version_is_refused_with_the_readable_ones(version):
    with pytest.raises(InputError) as err:
        validate({"shootprint": version, "name": "x", "activities": []}, "v.yaml")
    text = str(err.value)
    assert "v.yaml: shootprint:" in text and "reads version(s) 1" in text
    assert READABLE_VERSIONS == (1,)


def test_problems_are_structured_with_french_and_location(calc: Calculator):
    with pytest.raises(ProblemsError) as err:
        calc.estimate({"name": "x", "activities": [{"id": "a", "type": "flight", "stage": "shoot", "distance": "x"}]})
    problem = err.value.details[0]
    assert isinstance(problem, Problem)
    assert problem.location[:2] == ("activities", "a")
    assert problem.message and problem.message_fr
    assert err.value.to_list()[0]["location"][:2] == ["activities", "a"]


def test_limits_are_problems(calc: Calculator):
    many = {"name": "x", "activities": [{"id": f"a{i}", "type": "nope"} for i in range(MAX_ACTIVITIES + 1)]}
    with pytest.raises(ProblemsError) as err:
        calc.estimate(many)
    assert err.value.details[0].code == "too-many-activities"
    for kwargs in ({"samples": -1}, {"samples": 10**9}, {"samples": 10, "seed": -1}, {"samples": 10, "level": 2}):
        with pytest.raises(ProblemsError):
            calc.estimate({"name": "x", "activities": []}, **kwargs)
    with pytest.raises(ProblemsError):
        calc.estimate("examples/reference/studio-paris.yaml")  # a path is not a document: nothing is read


@pytest.mark.parametrize("ref", ["/etc/passwd", "../runs.jsonl", "a/../../b.jsonl", "C:\\x.jsonl", "", "a\x00b"])
def test_records_paths_outside_the_folder_are_refused(tmp_path: Path, ref: str):
    with pytest.raises(InputError) as err:
        records_path(ref, tmp_path, "p.yaml")
    assert err.value.details[0].code == "records-path-refused"


def test_records_path_through_a_link_outside_is_refused(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "runs.jsonl").write_text("", encoding="utf-8")
    folder = tmp_path / "prod"
    folder.mkdir()
    (folder / "link").symlink_to(outside)
    with pytest.raises(InputError):
        records_path("link/runs.jsonl", folder)
    assert records_path("runs.jsonl", folder) == folder / "runs.jsonl"


def test_a_production_naming_a_file_outside_its_folder_reads_nothing(tmp_path: Path):
    prod = validate({"name": "x", "records": [{"file": "../secret.jsonl"}], "activities": []}, "p.yaml")
    with pytest.raises(InputError) as err:
        load_records(prod, tmp_path)
    assert "refused" in str(err.value)
    # the Calculator never reads records: files: only the records it is given count
    assert Calculator().estimate(prod).total_kgco2e == 0

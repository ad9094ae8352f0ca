"""The results' JSON Schemas: published beside the production file's, and the JSON the command line
prints validates against them (keys are only ever added). No NaN or infinity anywhere."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema_rs
import pytest
from click.testing import CliRunner

from shootprint.cli import app
from shootprint.results import MODELS, finite, schemas

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "examples" / "reference"
AI, STUDIO, MARSEILLE = (str(REF / f) for f in ("ai-generated.yaml", "studio-paris.yaml", "outdoor-marseille.yaml"))


def test_published_result_schemas_are_up_to_date():
    for name, schema in schemas().items():
        published = json.loads((ROOT / "docs" / name).read_text(encoding="utf-8"))
        assert published == json.loads(json.dumps(schema)), "run: python scripts/refresh_docs.py"


def _json(args: list[str]) -> object:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # json.loads would accept NaN; the output must be strict JSON
    return json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in {args}"))


CASES = [
    ("footprint.schema.json", ["estimate", AI, "--format", "json"]),
    ("footprint.schema.json", ["estimate", MARSEILLE, "--format", "json", "--samples", "200"]),
    ("comparison.schema.json", ["compare", AI, STUDIO, MARSEILLE, "--format", "json"]),
    ("comparison.schema.json", ["compare", AI, STUDIO, "--format", "json", "--samples", "200"]),
    ("sensitivity.schema.json", ["sensitivity", AI, "--format", "json", "--samples", "16"]),
    (
        "whatif.schema.json",
        ["whatif", MARSEILLE, "--lever", "vegetarian_catering", "--format", "json", "--samples", "50"],
    ),
    (
        "breakeven.schema.json",
        ["breakeven", STUDIO, MARSEILLE, "--vary", "activities.studio-hire.days", "--format", "json"],
    ),
    ("diff.schema.json", ["diff", STUDIO, AI, "--format", "json"]),
    ("factor.schema.json", ["factors", "show", "energy.grid.FR", "--format", "json"]),
    ("factor.schema.json", ["factors", "show", "ademe:43741", "--format", "json"]),
]


@pytest.mark.parametrize(("schema", "args"), CASES, ids=[" ".join(a[:2]) + f" {i}" for i, (_, a) in enumerate(CASES)])
def test_cli_json_validates_against_its_schema(schema: str, args: list[str]):
    data = _json(args)
    validator = jsonschema_rs.validator_for(schemas()[schema])
    errors = [e.message for e in validator.iter_errors(data)]
    assert not errors, errors[:5]
    assert finite(data) == []
    model = MODELS[schema].model_validate(data)
    assert model.to_dict() == data  # the typed model keeps every key the JSON has


def test_samples_stay_out_of_the_json_unless_asked():
    from shootprint import api
    from shootprint.engine import footprint
    from shootprint.uncertainty import MonteCarlo

    prod = api.load_production(AI)
    drawn = footprint(prod, api.load_table(), sampler=MonteCarlo(50, 1))
    plain = drawn.to_dict()
    assert all("samples" not in line for line in plain["lines"])
    with_draws = drawn.to_dict(include_samples=True)
    assert all(len(line["samples"]) == 50 for line in with_draws["lines"])
    assert all(math.isfinite(x) for line in with_draws["lines"] for x in line["samples"])
    assert drawn.result(include_samples=True).lines[0].samples == with_draws["lines"][0]["samples"]

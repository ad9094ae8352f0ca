"""The published JSON Schema of the production file is the one the code validates against."""

from __future__ import annotations

import json
from pathlib import Path

from shootprint.production import json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_published_schema_is_up_to_date():
    published = json.loads((ROOT / "docs" / "production.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(json_schema())), (
        "run: shootprint schema --out docs/production.schema.json"
    )


def test_schema_forbids_unknown_keys_and_lists_every_activity_type():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object" and name not in ("RecordsRef",):
            assert definition.get("additionalProperties") is False, name

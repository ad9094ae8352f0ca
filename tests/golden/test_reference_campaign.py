"""Golden totals of the reference campaign: a change in data or formulas that moves them must be seen.

When a change is intended (new data edition, corrected formula), update the figures here in the same
commit and say why in its message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shootprint.api import compare, estimate

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "examples" / "reference"
GOLDEN = Path(__file__).with_name("reference_totals.json")


def _files() -> list[Path]:
    return sorted(REF.glob("*.yaml"))


def test_every_reference_file_estimates_without_error():
    for path in _files():
        fp = estimate(path)
        assert fp.total_kgco2e > 0
        for line in fp.lines:
            assert line.emissions_kgco2e >= 0, line.id
            assert line.factors, line.id


def test_every_activity_of_the_reference_campaign_says_why():
    import yaml

    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for act in data["activities"]:
            assert act.get("reason"), f"{path.name}: {act['id']} has no reason"


def test_golden_totals():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    comparison = compare(_files())
    got = {fp.name: round(fp.total_kgco2e, 1) for fp in comparison.footprints}
    assert set(got) == set(golden), "reference files changed: regenerate reference_totals.json"
    for name, total in golden.items():
        assert got[name] == pytest.approx(total, rel=1e-6), name


def test_same_deliverables_in_every_way():
    deliverables = {json.dumps(estimate(p).metadata["deliverables"], sort_keys=True) for p in _files()}
    assert len(deliverables) == 1

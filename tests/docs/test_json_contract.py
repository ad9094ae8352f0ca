"""The JSON keys the docs promise are there (the public contract only grows)."""

from __future__ import annotations

from pathlib import Path

from shootprint import api

REF = Path(__file__).resolve().parents[2] / "examples" / "reference"


def test_decision_commands_json_keys():
    sens = api.sensitivity([REF / "hybrid-studio-ai.yaml"], base_samples=32, seed=1)
    assert {"target", "scenarios", "base_samples", "evaluations", "seed", "output_at_medians", "inputs"} <= set(sens)
    assert {"input", "distribution", "S1", "S1_conf", "ST", "ST_conf", "at_p05", "at_p95", "swing"} <= set(
        sens["inputs"][0]
    )
    what = api.whatif(REF / "outdoor-marseille.yaml", levers=["vegetarian_catering"], samples=100)
    assert {"production", "base_total_kgco2e", "base_interval_kgco2e", "variants", "factor_set"} <= set(what)
    assert {"variant", "total_kgco2e", "saving_kgco2e", "saving_interval_kgco2e", "saving_pct",
            "probability_lower", "changes"} <= set(what["variants"][0])  # fmt: skip
    be = api.breakeven(REF / "studio-paris.yaml", REF / "outdoor-marseille.yaml", vary="activities.studio-hire.days")
    assert {"vary", "unit", "scenario", "against", "current_value", "current_total_kgco2e", "target_total_kgco2e",
            "breakeven_value", "note", "factor_set"} <= set(be)  # fmt: skip
    d = api.diff(REF / "studio-paris.yaml", REF / "hybrid-studio-ai.yaml")
    assert {"forecast", "final", "change_kgco2e", "change_pct", "lines"} <= set(d)
    assert {"id", "status", "forecast_kgco2e", "final_kgco2e", "change_kgco2e", "share_of_change"} <= set(d["lines"][0])

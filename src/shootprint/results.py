"""Typed results: the public JSON of every result, as pydantic models with published JSON Schemas.

Each model describes the JSON the command line prints with ``--format json`` (and the REST API
answers): :class:`FootprintResult` (``estimate``), :class:`ComparisonResult` (``compare``),
:class:`SensitivityResult`, :class:`WhatifResult`, :class:`BreakevenResult`, :class:`DiffResult`
and :class:`FactorDetail` (``factors show``). Keys may be added, never renamed or removed: every
model accepts keys it does not name (``extra="allow"``), and the schemas say so.

Monte Carlo draws are never part of this JSON unless asked for (``to_dict(include_samples=True)``
on a footprint adds them); no value is NaN or infinite (:func:`finite` checks a result).

The schemas are written to ``docs/schemas/`` by ``scripts/refresh_docs.py``-like code in
:func:`write_schemas`'s caller, and a test checks the published files equal :func:`schemas`.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Result(BaseModel):
    # validators are built at a model's first use, not at import: a command that prints text never pays
    model_config = ConfigDict(extra="allow", allow_inf_nan=False, defer_build=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class Interval(_Result):
    median: float = Field(description="the median of the draws (the value of the draw, for one draw)")
    low: float | None = Field(description="the interval's low end; null when there is no interval (one draw)")
    high: float | None = Field(description="the interval's high end; null when there is no interval (one draw)")
    level: float
    no_interval: str | None = Field(
        None, description="present when low and high are null: why there is no interval (a run of one draw)"
    )


class Warning_(_Result):
    model_config = ConfigDict(title="Warning", extra="allow", allow_inf_nan=False)

    code: str = Field(description="stable code, e.g. region-fallback-world, default-used")
    message: str
    message_fr: str | None = Field(None, description="the message in French")
    line_id: str | None = None


class FactorUse(_Result):
    id: str
    value: float
    unit: str
    source: str
    role: str = ""
    status: str = Field("default", description="default | pinned | override | measured | estimated | spend-based")
    name: str = ""
    resolved_id: str | None = None
    licence: str | None = None
    uncertainty: dict[str, Any] | None = None
    operation: str = Field(
        "×",
        description="how the factor enters the line's emissions, read left to right from its quantity: × or ÷ "
        "the value so far, + added to the factor before it; 'in quantity': it made the line's quantity; "
        "'other indicator': it gives another indicator (water)",
    )


class Line(_Result):
    id: str
    activity_id: str
    category: str
    stage: str
    label: str
    label_fr: str | None = Field(None, description="the label in French")
    quantity: float
    unit: str
    quantity_status: str = Field(description="input | default | parameter | measured")
    factor_id: str
    factor_value: float
    source: str
    factor_status: str
    factors: list[FactorUse]
    emissions_kgco2e: float
    warnings: list[Warning_]
    reason: str | None = None
    indicators: dict[str, float] | None = None
    samples: list[float] | None = Field(None, description="Monte Carlo draws, only when asked for")


class FootprintResult(_Result):
    """The footprint of one production (``shootprint estimate --format json``)."""

    model_config = ConfigDict(title="shootprint footprint", extra="allow", allow_inf_nan=False)

    name: str
    metadata: dict[str, Any]
    total_kgco2e: float
    by_category: dict[str, float]
    by_stage: dict[str, float]
    intensities: dict[str, float | None]
    intensity_labels: dict[str, str] | None = Field(
        None, description="what each intensity is, in English: each divides the whole total of the production"
    )
    intensity_labels_fr: dict[str, str] | None = Field(None, description="the same in French")
    indicators: dict[str, float]
    versions: dict[str, str] = Field(description="code, data and factor_set versions")
    warnings: list[Warning_]
    overrides_used: list[str]
    excluded: list[str]
    lines: list[Line]
    uncertainty: dict[str, Any] | None = Field(
        None,
        description="with --samples: medians and intervals, each {median, low, high, level}; with one draw, "
        "low and high are null and no_interval (here and in each interval) says why",
    )


class ScenarioSummary(_Result):
    name: str
    total_kgco2e: float
    ratio_to_lowest: float | None
    by_category: dict[str, float]
    by_stage: dict[str, float]
    intensities: dict[str, float | None]
    indicators: dict[str, float]


class ComparisonUncertainty(_Result):
    samples: int
    seed: int
    level: float
    common_random_numbers: bool
    reference: str
    no_interval: str | None = Field(
        None, description="present with one draw: every interval's low and high are null, and why"
    )
    totals_kgco2e: dict[str, Interval]
    ratios_to_reference: dict[str, Interval | None]
    ratios: dict[str, dict[str, Interval | None]] | None = Field(
        None, description="every ordered pair (only up to pairwise_max productions)"
    )
    probability_lower: dict[str, dict[str, float]] = Field(
        description="P(row total < column total); against the reference only beyond pairwise_max productions"
    )
    pairwise_max: int | None = Field(
        None, description="the most productions compared pair by pair; beyond, each against the reference only"
    )


class ComparisonResult(_Result):
    """Several productions side by side (``shootprint compare --format json``)."""

    model_config = ConfigDict(title="shootprint comparison", extra="allow", allow_inf_nan=False)

    factor_set: str
    lowest: str
    scenarios: list[ScenarioSummary]
    categories_kgco2e: dict[str, dict[str, float]]
    warnings: list[str]
    footprints: list[FootprintResult]
    uncertainty: ComparisonUncertainty | None = None


class SensitivityInput(_Result):
    input: str
    name: str = Field("", description="the factor's name (empty for a quantity, which its path names)")
    name_fr: str = Field("", description="the factor's name in French (empty where the data has none)")
    distribution: dict[str, Any]
    S1: float
    S1_conf: float
    ST: float
    ST_conf: float
    at_p05: float
    at_p95: float
    swing: float


class SensitivityResult(_Result):
    """Sobol indices of a total or a ratio (``shootprint sensitivity --format json``)."""

    model_config = ConfigDict(title="shootprint sensitivity", extra="allow", allow_inf_nan=False)

    target: str
    scenarios: list[str] | None = None
    base_samples: int | None = None
    evaluations: int | None = None
    seed: int | None = None
    output_at_medians: float | None = None
    output_mean: float | None = None
    output_variance: float | None = None
    note: str = ""
    inputs: list[SensitivityInput]
    factor_set: str | None = None


class WhatifVariant(_Result):
    variant: str
    total_kgco2e: float
    saving_kgco2e: float
    saving_interval_kgco2e: Interval
    saving_pct: float | None
    probability_lower: float
    changes: list[str]
    changes_fr: list[str] = Field(default_factory=list, description="the changes in French")


class SkippedLever(_Result):
    lever: str
    reason: str
    reason_fr: str | None = Field(None, description="the reason in French")


class WhatifResult(_Result):
    """Savings of changes and levers (``shootprint whatif --format json``)."""

    model_config = ConfigDict(title="shootprint what-if", extra="allow", allow_inf_nan=False)

    production: str
    base_total_kgco2e: float
    base_interval_kgco2e: Interval
    samples: int
    seed: int
    level: float
    factor_set: str
    variants: list[WhatifVariant]
    skipped: list[SkippedLever] = Field(
        default_factory=list, description="levers that could not apply to this production, with the reason"
    )


class BreakevenResult(_Result):
    """The value of one input at which two productions emit as much (``shootprint breakeven``)."""

    model_config = ConfigDict(title="shootprint break-even", extra="allow", allow_inf_nan=False)

    vary: str
    scenario: str
    against: str
    current_value: Any = None
    unit: str
    current_total_kgco2e: float
    target_total_kgco2e: float
    breakeven_value: float | None
    note: str
    note_fr: str = Field("", description="the note in French")
    factor_set: str


class DiffLine(_Result):
    id: str
    status: str = Field(description="added | removed | changed | same")
    category: str
    label: str
    label_fr: str | None = Field(None, description="the label in French")
    forecast_kgco2e: float
    final_kgco2e: float
    change_kgco2e: float
    share_of_change: float | None
    forecast_quantity: float | None
    final_quantity: float | None
    unit: str


class DiffResult(_Result):
    """Forecast against final, line by line (``shootprint diff --format json``)."""

    model_config = ConfigDict(title="shootprint diff", extra="allow", allow_inf_nan=False)

    forecast: str
    final: str
    forecast_total_kgco2e: float
    final_total_kgco2e: float
    change_kgco2e: float
    change_pct: float | None
    lines: list[DiffLine]


class ResolvedFactor(_Result):
    chain: list[str]
    value: float
    unit: str
    source: str
    licence: str


class FactorPost(_Result):
    type: str | None
    name_fr: str | None
    name_en: str | None
    value: float | None


class FactorDetail(_Result):
    """Everything about one factor (``shootprint factors show ID --format json``)."""

    model_config = ConfigDict(title="shootprint factor", extra="allow", allow_inf_nan=False)

    id: str
    value: float | None
    unit: str
    name_en: str = ""
    name_fr: str = ""
    factor_set: str = ""
    kind: str = ""
    category: str = ""
    alias_of: str = ""
    uncertainty_kind: str = ""
    uncertainty_pct: float | None = None
    low: float | None = None
    high: float | None = None
    uncertainty_reason: str = ""
    source: str = ""
    source_id: str = ""
    source_url: str = ""
    year: int | None = None
    region: str = ""
    status: str = ""
    licence: str = ""
    notes: str = ""
    resolved: ResolvedFactor | None = None
    posts: list[FactorPost] | None = None


#: the published schemas: file name (in docs/schemas/) → model
MODELS: dict[str, type[_Result]] = {
    "footprint.schema.json": FootprintResult,
    "comparison.schema.json": ComparisonResult,
    "sensitivity.schema.json": SensitivityResult,
    "whatif.schema.json": WhatifResult,
    "breakeven.schema.json": BreakevenResult,
    "diff.schema.json": DiffResult,
    "factor.schema.json": FactorDetail,
}


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every result, by the file name it is published under."""
    out = {}
    for name, model in MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = schema
    return out


def finite(value: Any, where: str = "") -> list[str]:
    """Where ``value`` (a JSON-like result) holds NaN or an infinity (empty: none)."""
    found: list[str] = []
    if isinstance(value, float):
        if not math.isfinite(value):
            found.append(where or "(value)")
    elif isinstance(value, dict):
        for k, v in value.items():
            found.extend(finite(v, f"{where}.{k}" if where else str(k)))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found.extend(finite(v, f"{where}[{i}]"))
    return found

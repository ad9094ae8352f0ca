"""Footprints and comparisons as a readable table, JSON or CSV (what the CLI prints)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from shootprint.model import Footprint

LINE_COLUMNS = (
    "scenario",
    "id",
    "category",
    "stage",
    "label",
    "quantity",
    "unit",
    "quantity_status",
    "factor_id",
    "factor_value",
    "factor_unit",
    "source",
    "factor_status",
    "emissions_kgco2e",
    "factor_chain",
    "warnings",
)


def kg(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def _table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def line_rows(fp: Footprint, scenario: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for line in fp.lines:
        primary = line.factors[0] if line.factors else None
        rows.append(
            {
                "scenario": scenario or fp.name,
                "id": line.id,
                "category": line.category,
                "stage": line.stage,
                "label": line.label,
                "quantity": line.quantity,
                "unit": line.unit,
                "quantity_status": line.quantity_status,
                "factor_id": line.factor_id,
                "factor_value": line.factor_value,
                "factor_unit": primary.unit if primary else "",
                "source": line.source,
                "factor_status": line.factor_status,
                "emissions_kgco2e": line.emissions_kgco2e,
                "factor_chain": " × ".join(f"{f.id}={f.value:.6g} {f.unit}" for f in line.factors),
                "warnings": "; ".join(w.code for w in line.warnings),
            }
        )
    return rows


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().rstrip("\n")


def render_footprint(fp: Footprint, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(fp.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _csv(line_rows(fp), LINE_COLUMNS)
    if fmt != "table":
        raise ValueError(f"--format {fmt!r}: accepted: table, json, csv")
    meta = fp.metadata
    head = (
        f"{fp.name}  ({meta.get('version', '')}; factor set {fp.versions['factor_set']}; "
        f"data {fp.versions['data']}; shootprint {fp.versions['code']})"
    )
    rows = [["line", "category", "stage", "quantity", "factor", "status", "kgCO2e"]]
    for line in fp.lines:
        rows.append(
            [
                line.id,
                line.category,
                line.stage,
                f"{line.quantity:,.4g} {line.unit}",
                line.factor_id,
                line.factor_status,
                kg(line.emissions_kgco2e),
            ]
        )
    parts = [head, "", _table(rows, {3, 6}), ""]
    parts.append(f"Total: {kg(fp.total_kgco2e)} kgCO2e")
    cats = ", ".join(f"{c} {kg(v)}" for c, v in sorted(fp.by_category.items(), key=lambda t: -t[1]))
    parts.append(f"By category (kgCO2e): {cats}")
    stages = ", ".join(f"{s} {kg(v)}" for s, v in fp.by_stage.items())
    parts.append(f"By stage (kgCO2e): {stages}")
    inten = ", ".join(f"{k.removesuffix('_kgco2e')} {kg(v)}" for k, v in fp.intensities.items())
    parts.append(f"Intensities (kgCO2e): {inten}")
    for key, val in fp.indicators.items():
        parts.append(f"{key}: {val:,.4g}")
    if fp.overrides_used:
        parts.append(f"Overridden factors: {', '.join(fp.overrides_used)}")
    if fp.excluded:
        parts.append(f"Excluded lines: {', '.join(fp.excluded)}")
    if fp.warnings or any(line.warnings for line in fp.lines):
        parts.append("Warnings:")
        seen = set()
        for w in [w for line in fp.lines for w in line.warnings] + fp.warnings:
            key = (w.code, w.message)
            if key not in seen:
                seen.add(key)
                parts.append(f"  [{w.code}] {w.message}")
    return "\n".join(parts)


def render_comparison(comparison: Any, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        data = comparison.to_dict()
        cats = comparison.categories()
        columns = ["scenario", "total_kgco2e", "ratio_to_lowest", *[f"{c}_kgco2e" for c in cats]]
        rows = []
        for sc in data["scenarios"]:
            row = {"scenario": sc["name"], "total_kgco2e": sc["total_kgco2e"], "ratio_to_lowest": sc["ratio_to_lowest"]}
            for c in cats:
                row[f"{c}_kgco2e"] = sc["by_category"].get(c, 0.0)
            rows.append(row)
        return _csv(rows, columns)
    if fmt != "table":
        raise ValueError(f"--format {fmt!r}: accepted: table, json, csv")
    ratios = comparison.ratios_to_lowest()
    header = ["", *[fp.name for fp in comparison.footprints]]
    rows = [header]
    rows.append(["total kgCO2e", *[kg(fp.total_kgco2e) for fp in comparison.footprints]])
    rows.append(
        ["× lowest", *[("n/a" if ratios[fp.name] is None else f"{ratios[fp.name]:,.1f}×") for fp in comparison.footprints]]
    )
    for cat in comparison.categories():
        rows.append([f"  {cat}", *[kg(fp.by_category.get(cat, 0.0)) for fp in comparison.footprints]])
    for key in ("per_still_image_kgco2e", "per_film_second_kgco2e", "per_shoot_day_kgco2e"):
        rows.append([key.removesuffix("_kgco2e").replace("_", " "), *[kg(fp.intensities.get(key)) for fp in comparison.footprints]])
    out = [
        f"Comparison (factor set {comparison.factor_set}; lowest: {comparison.lowest.name})",
        "",
        _table(rows, set(range(1, len(header)))),
    ]
    for w in comparison.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out)

"""Footprints and comparisons as a readable table, JSON or CSV (what the CLI prints)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from shootprint.cells import safe_row
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


def _no_minus_zero(text: str) -> str:
    """'-0', '-0.0', '-0.00 %' read as a loss of nothing: write them without the sign."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def num(value: float, digits: int = 4) -> str:
    """A number for a reader: ``digits`` significant figures, never in e-notation (30,960 not
    3.096e+04), thousands separated, no '-0'."""
    if value != value or value in (float("inf"), float("-inf")):
        return "n/a"
    if abs(value) >= 10 ** (digits - 1):
        return _no_minus_zero(f"{value:,.0f}")
    text = f"{value:,.{digits}g}"
    if "e" in text:  # tiny numbers: fixed point with the significant figures kept
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".") or "0"
    return _no_minus_zero(text)


def written_value(value: Any) -> str:
    """A value as a production file writes it, for a sentence: 60 (20–200), 12 km ± 10%, not a
    Python mapping."""
    if isinstance(value, dict):
        unit = f" {value['unit']}" if value.get("unit") else ""
        central = value.get("value", value.get("central"))
        if "param" in value:
            return f"${value['param']}"
        if value.get("low") is not None and value.get("high") is not None:
            head = f"{num(central)}{unit} " if isinstance(central, int | float) else ""
            return f"{head}({num(value['low'])}–{num(value['high'])}{unit})".strip()
        if isinstance(central, int | float):
            pct = f" ± {num(value['pct'])}%" if isinstance(value.get("pct"), int | float) else ""
            return f"{num(central)}{unit}{pct}"
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return num(value)
    return str(value)[:80]


def _signed(value: float) -> str:
    """+12.3 or -12.3; a change that rounds to nothing is 0.0, without a sign."""
    text = f"{value:+,.1f}"
    return text[1:] if text in ("+0.0", "-0.0") else text


def kg(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return _no_minus_zero(f"{value:,.0f}")
    if abs(value) >= 1:
        return _no_minus_zero(f"{value:,.1f}")
    return _no_minus_zero(f"{value:.3g}")


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
    writer.writerows(safe_row(row) for row in rows)  # a name like '=HYPERLINK(…)' stays text
    return buf.getvalue().rstrip("\n")


def render_lines_csv(footprints: list[Footprint]) -> str:
    """One row per line of every footprint, with its factor chain and sources."""
    return _csv([row for fp in footprints for row in line_rows(fp)], LINE_COLUMNS)


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
                f"{num(line.quantity)} {line.unit}",
                line.factor_id,
                line.factor_status,
                kg(line.emissions_kgco2e),
            ]
        )
    parts = [head, "", _table(rows, {3, 6}), ""]
    parts.append(f"Total: {kg(fp.total_kgco2e)} kgCO2e")
    parts.extend(uncertainty_lines(fp))
    cats = ", ".join(f"{c} {kg(v)}" for c, v in sorted(fp.by_category.items(), key=lambda t: -t[1]))
    parts.append(f"By category (kgCO2e): {cats}")
    stages = ", ".join(f"{s} {kg(v)}" for s, v in fp.by_stage.items())
    parts.append(f"By stage (kgCO2e): {stages}")
    inten = ", ".join(f"{k.removesuffix('_kgco2e')} {kg(v)}" for k, v in fp.intensities.items())
    parts.append(f"Intensities (kgCO2e): {inten}")
    for key, val in fp.indicators.items():
        parts.append(f"{key}: {num(val)}")
    if fp.overrides_used:
        parts.append(f"Overridden factors: {', '.join(fp.overrides_used)}")
    if fp.excluded:
        parts.append(f"Excluded lines: {', '.join(fp.excluded)}")
    if fp.warnings or any(line.warnings for line in fp.lines):
        parts.append("Warnings:")
        seen: set[tuple[str, str]] = set()
        for w in [w for line in fp.lines for w in line.warnings] + fp.warnings:
            if (w.code, w.message) not in seen:
                seen.add((w.code, w.message))
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
            row = {
                "scenario": sc["name"],
                "total_kgco2e": sc["total_kgco2e"],
                "ratio_to_lowest": sc["ratio_to_lowest"],
            }
            for c in cats:
                row[f"{c}_kgco2e"] = sc["by_category"].get(c, 0.0)
            rows.append(row)
        return _csv(rows, columns)
    if fmt != "table":
        raise ValueError(f"--format {fmt!r}: accepted: table, json, csv")
    ratios = comparison.ratios_to_lowest()
    header = ["", *[fp.name for fp in comparison.footprints]]
    table_rows: list[list[str]] = [header]
    table_rows.append(["total kgCO2e", *[kg(fp.total_kgco2e) for fp in comparison.footprints]])
    table_rows.append(
        [
            "× lowest (central values)",
            *[("n/a" if ratios[fp.name] is None else f"{ratios[fp.name]:,.1f}×") for fp in comparison.footprints],
        ]
    )
    for cat in comparison.categories():
        table_rows.append([f"  {cat}", *[kg(fp.by_category.get(cat, 0.0)) for fp in comparison.footprints]])
    for key in ("per_still_image_kgco2e", "per_film_second_kgco2e", "per_shoot_day_kgco2e"):
        table_rows.append(
            [
                key.removesuffix("_kgco2e").replace("_", " "),
                *[kg(fp.intensities.get(key)) for fp in comparison.footprints],
            ]
        )
    out = [
        f"Comparison (factor set {comparison.factor_set}; lowest: {comparison.lowest.name})",
        "",
        _table(table_rows, set(range(1, len(header)))),
    ]
    u = comparison.uncertainty
    if u:
        ref = u["reference"]
        out.append("")
        one = u["samples"] == 1
        out.append(
            f"Monte Carlo ({_draws(u['samples'])}, seed {u['seed']}, common random numbers: "
            f"{'yes' if u['common_random_numbers'] else 'no'}); "
            + (
                f"one draw has no interval: use --samples {_enough(u['level'])} or more"
                if one
                else f"median [{(1 - u['level']) / 2 * 100:g}th–{(1 + u['level']) / 2 * 100:g}th percentiles]"
            )
        )
        ratio_head = f"ratio to {ref} (one draw)" if one else f"median ratio to {ref}"
        rows2 = [["", "total kgCO2e", ratio_head, f"P(lower than {ref})"]]
        for name in u["totals_kgco2e"]:
            p = u["probability_lower"][name].get(ref) if name != ref else None
            rows2.append(
                [
                    name,
                    _interval(u["totals_kgco2e"][name], one=one),
                    _interval(u["ratios_to_reference"][name], _ratio, one=one),
                    "" if p is None or one else f"{p:.2f}",
                ]
            )
        out.append(_table(rows2, set()))
        out.append(
            "× lowest (central values): the ratio of the totals computed with central values; "
            + (
                "ratio (one draw): the ratio of the totals of that draw"
                if one
                else "median ratio: the median of the ratios of each draw"
            )
            + " (they differ where factors are skewed)"
        )
        if u.get("warning"):
            out.append(f"warning: {u['warning']}")
    for w in comparison.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out)


def _interval(d: dict[str, float] | None, fmt: Any = kg, one: bool = False) -> str:
    """'median [low–high]'; the value alone for one draw (``one``), which has no interval."""
    if not d:
        return ""
    if one:
        return fmt(d["median"])
    return f"{fmt(d['median'])} [{fmt(d['low'])}–{fmt(d['high'])}]"


def _enough(level: float) -> int:
    """Draws for 10 beyond each end of a ``level`` interval (shootprint.uncertainty.too_few_draws)."""
    return math.ceil(10 / ((1 - level) / 2))


def _draws(samples: int) -> str:
    return "1 draw" if samples == 1 else f"{samples:,} draws"


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.3g}×" if x < 100 else f"{x:,.0f}×"


def _dump(data: Any, fmt: str) -> str | None:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt not in ("table", "csv"):
        raise ValueError(f"--format {fmt!r}: accepted: table, json, csv")
    return None


def uncertainty_lines(fp: Footprint) -> list[str]:
    u = fp.uncertainty
    if not u:
        return []
    lo, hi = (1 - u["level"]) / 2 * 100, (1 + u["level"]) / 2 * 100
    one = u["samples"] == 1
    what = (
        f"one draw has no interval: use --samples {_enough(u['level'])} or more"
        if one
        else f"median and {lo:g}th–{hi:g}th percentiles"
    )
    out = [
        f"Monte Carlo ({_draws(u['samples'])}, seed {u['seed']}): {what}",
        f"  total: {_interval(u['total_kgco2e'], one=one)} kgCO2e   (deterministic, central values: {kg(u['deterministic_kgco2e'])})",
    ]
    for cat, d in u["by_category"].items():
        out.append(f"  {cat}: {_interval(d, one=one)}")
    if u.get("defaulted_uncertainty"):
        out.append(f"  inputs with a default uncertainty (no published one): {len(u['defaulted_uncertainty'])}")
    return out


def render_sensitivity(result: dict[str, Any], fmt: str = "table", top: int = 15) -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    rows_in = result["inputs"][: top or None]
    if fmt == "csv":
        cols = ["input", "S1", "S1_conf", "ST", "ST_conf", "at_p05", "at_p95", "swing"]
        return _csv([{c: r[c] for c in cols} for r in rows_in], cols)
    target = (
        "total kgCO2e of " + result["scenarios"][0]
        if result["target"] == "total_kgco2e"
        else (f"ratio {result['scenarios'][0]} / {result['scenarios'][1]}")
    )
    rows = [["input", "S1", "ST", "at p5", "at p95"]]
    for r in rows_in:
        rows.append(
            [
                r["input"],
                f"{r['S1']:.2f}",
                f"{r['ST']:.2f}",
                num(r["at_p05"]),
                num(r["at_p95"]),
            ]
        )
    return "\n".join(
        [
            f"Sensitivity of the {target} (Sobol, N={result['base_samples']}, {result['evaluations']:,} runs, seed {result['seed']})",
            f"output at medians: {num(result['output_at_medians'])}; S1 first-order, ST total share of variance",
            "",
            _table(rows, {1, 2, 3, 4}),
        ]
    )


def render_whatif(result: dict[str, Any], fmt: str = "table") -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    cols = ["variant", "total_kgco2e", "saving_kgco2e", "saving_pct", "probability_lower"]
    if fmt == "csv":
        return _csv([{c: r[c] for c in cols} for r in result["variants"]], cols)
    rows = [["variant", "total kgCO2e", "saving kgCO2e", "saving interval", "saving %", "P(lower)"]]
    for r in result["variants"]:
        rows.append(
            [
                r["variant"],
                kg(r["total_kgco2e"]),
                kg(r["saving_kgco2e"]),
                _interval(r["saving_interval_kgco2e"]),
                "n/a" if r["saving_pct"] is None else f"{r['saving_pct']:.1f} %",
                f"{r['probability_lower']:.2f}",
            ]
        )
    out = [
        f"What if — {result['production']}: {kg(result['base_total_kgco2e'])} kgCO2e as written "
        f"({result['samples']:,} draws, seed {result['seed']}, common random numbers)",
        "",
        _table(rows, {1, 2, 4, 5}),
    ]
    for r in result["variants"]:
        if r["changes"]:
            out.append(f"{r['variant']}: " + "; ".join(r["changes"]))
    return "\n".join(out)


def render_breakeven(result: dict[str, Any], fmt: str = "table") -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    if fmt == "csv":
        cols = [
            "vary",
            "scenario",
            "against",
            "current_value",
            "breakeven_value",
            "current_total_kgco2e",
            "target_total_kgco2e",
        ]
        row = {c: result[c] for c in cols}
        row["current_value"] = written_value(row["current_value"])
        return _csv([row], cols)
    be = result["breakeven_value"]
    current = written_value(result["current_value"])
    return "\n".join(
        [
            f"{result['scenario']}: {kg(result['current_total_kgco2e'])} kgCO2e with {result['vary']} = {current}",
            f"{result['against']}: {kg(result['target_total_kgco2e'])} kgCO2e",
            f"Break-even: {result['vary']} = {num(be)} {result.get('unit', '')}".rstrip()
            if be is not None
            else f"Break-even: none — {result['note']}",
        ]
    )


def render_diff(result: dict[str, Any], fmt: str = "table") -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    cols = [
        "id",
        "status",
        "category",
        "forecast_kgco2e",
        "final_kgco2e",
        "change_kgco2e",
        "share_of_change",
    ]
    if fmt == "csv":
        return _csv([{c: r[c] for c in cols} for r in result["lines"]], cols)
    rows = [["line", "status", "forecast", "final", "change", "share"]]
    for r in result["lines"]:
        share = "" if r["share_of_change"] is None else _no_minus_zero(f"{r['share_of_change'] * 100:.0f} %")
        rows.append(
            [
                r["id"],
                r["status"],
                kg(r["forecast_kgco2e"]),
                kg(r["final_kgco2e"]),
                _signed(r["change_kgco2e"]),
                share,
            ]
        )
    pct = "" if result["change_pct"] is None else f" ({_signed(result['change_pct'])} %)"
    return "\n".join(
        [
            f"Forecast {result['forecast']}: {kg(result['forecast_total_kgco2e'])} kgCO2e → final {result['final']}: "
            f"{kg(result['final_total_kgco2e'])} kgCO2e; change {_signed(result['change_kgco2e'])} kgCO2e{pct}",
            "",
            _table(rows, {2, 3, 4, 5}),
        ]
    )

"""Footprints and comparisons as a readable table, JSON or CSV (what the CLI prints).

Every ``render_*`` takes ``lang`` (``en`` or ``fr``): the tables' headings and sentences come from
the catalogs (:mod:`shootprint.i18n`), line labels and warnings are rendered in that language and
numbers are written the reader's way (French: narrow no-break space between thousands, decimal
comma). JSON is the same in every language: ``message`` and ``label`` in English, with ``message_fr``
and ``label_fr`` beside them. CSV keeps its columns; its labels and warnings follow ``lang``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from shootprint.cells import safe_row
from shootprint.i18n import N_, Message, gettext, render
from shootprint.model import Footprint
from shootprint.vocabulary import INTENSITY_NAMES

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


def localized(text: str, lang: str = "en") -> str:
    """A number written in English (``30,960.5``) the reader's way: French ``30 960,5`` (narrow
    no-break space between thousands, decimal comma)."""
    if lang != "fr":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def _na(lang: str) -> str:
    return gettext(lang, "n/a")


def num(value: float, digits: int = 4, lang: str = "en") -> str:
    """A number for a reader: ``digits`` significant figures, never in e-notation (30,960 not
    3.096e+04), thousands separated, no '-0'."""
    if value != value or value in (float("inf"), float("-inf")):
        return _na(lang)
    if abs(value) >= 10 ** (digits - 1):
        return localized(_no_minus_zero(f"{value:,.0f}"), lang)
    text = f"{value:,.{digits}g}"
    if "e" in text:  # tiny numbers: fixed point with the significant figures kept
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".") or "0"
    return localized(_no_minus_zero(text), lang)


def written_value(value: Any, lang: str = "en") -> str:
    """A value as a production file writes it, for a sentence: 60 (20–200), 12 km ± 10%, not a
    Python mapping."""
    if isinstance(value, dict):
        unit = f" {value['unit']}" if value.get("unit") else ""
        central = value.get("value", value.get("central"))
        if "param" in value:
            return f"${value['param']}"
        if value.get("low") is not None and value.get("high") is not None:
            head = f"{num(central, lang=lang)}{unit} " if isinstance(central, int | float) else ""
            return f"{head}({num(value['low'], lang=lang)}–{num(value['high'], lang=lang)}{unit})".strip()
        if isinstance(central, int | float):
            pct = f" ± {num(value['pct'], lang=lang)}%" if isinstance(value.get("pct"), int | float) else ""
            return f"{num(central, lang=lang)}{unit}{pct}"
    if value is None:
        return gettext(lang, "(not set)")
    if isinstance(value, bool):
        return gettext(lang, "yes") if value else gettext(lang, "no")
    if isinstance(value, int | float):
        return num(value, lang=lang)
    return str(value)[:80]


def _signed(value: float, lang: str = "en") -> str:
    """+12.3 or -12.3; a change that rounds to nothing is 0.0, without a sign."""
    text = f"{value:+,.1f}"
    return localized(text[1:] if text in ("+0.0", "-0.0") else text, lang)


def kg(value: float | None, lang: str = "en") -> str:
    if value is None:
        return _na(lang)
    if abs(value) >= 100:
        return localized(_no_minus_zero(f"{value:,.0f}"), lang)
    if abs(value) >= 1:
        return localized(_no_minus_zero(f"{value:,.1f}"), lang)
    return localized(_no_minus_zero(f"{value:.3g}"), lang)


def _names(lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from shootprint.report.document import CATEGORY_NAMES, STAGE_NAMES, STATUS_NAMES

    return CATEGORY_NAMES, STAGE_NAMES, STATUS_NAMES


def _category(key: str, lang: str) -> str:
    """A category as the tables name it: its key in English (as always), its name in French."""
    if lang == "en":  # the key: the report's name tables (and their module) are not needed
        return key
    names = _names(lang)[0]
    return gettext(lang, names[key]) if key in names else key


def _stage(key: str, lang: str) -> str:
    if lang == "en":
        return key
    names = _names(lang)[1]
    return gettext(lang, names[key]).lower() if key in names else key


def _status(key: str, lang: str) -> str:
    if lang == "en":
        return key
    names = _names(lang)[2]
    return gettext(lang, names[key]) if key in names else key


def _table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def chain_text(factors: Any) -> str:
    """A line's factors as its emissions are computed, read left to right from its quantity:
    ``A=… × B=… ÷ C=…``, where ``+ D=…`` adds D to the factor before it, so that
    ``quantity × (A + D) × B ÷ C`` gives the emissions; then the factors that made the quantity
    (``; in quantity: …``) and those of another indicator (``; other indicators: …``)."""
    main: list[str] = []
    groups: dict[str, list[str]] = {"in quantity": [], "other indicator": []}
    for f in factors:
        term = f"{f.id}={f.value:.6g} {f.unit}"
        operation = getattr(f, "operation", "×")
        if operation in groups:
            groups[operation].append(term)
        elif not main and operation == "×":
            main.append(term)
        else:
            main.append(f"{operation} {term}")
    text = " ".join(main)
    if groups["in quantity"]:
        text += "; in quantity: " + ", ".join(groups["in quantity"])
    if groups["other indicator"]:
        text += "; other indicators: " + ", ".join(groups["other indicator"])
    return text


def line_rows(fp: Footprint, scenario: str | None = None, lang: str = "en") -> list[dict[str, Any]]:
    rows = []
    for line in fp.lines:
        primary = line.factors[0] if line.factors else None
        rows.append(
            {
                "scenario": scenario or fp.name,
                "id": line.id,
                "category": line.category,
                "stage": line.stage,
                "label": render(line.label, lang),
                "quantity": line.quantity,
                "unit": line.unit,
                "quantity_status": line.quantity_status,
                "factor_id": line.factor_id,
                "factor_value": line.factor_value,
                "factor_unit": primary.unit if primary else "",
                "source": line.source,
                "factor_status": line.factor_status,
                "emissions_kgco2e": line.emissions_kgco2e,
                "factor_chain": chain_text(line.factors),
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


def render_lines_csv(footprints: list[Footprint], lang: str = "en") -> str:
    """One row per line of every footprint, with its factor chain and sources."""
    return _csv([row for fp in footprints for row in line_rows(fp, lang=lang)], LINE_COLUMNS)


def intensity_name(key: str, lang: str = "en") -> str:
    """An intensity's name for a reader, saying that it divides the whole total."""
    return gettext(lang, INTENSITY_NAMES[key]) if key in INTENSITY_NAMES else key.removesuffix("_kgco2e")


def render_footprint(fp: Footprint, fmt: str = "table", lang: str = "en") -> str:
    if fmt == "json":
        return json.dumps(fp.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _csv(line_rows(fp, lang=lang), LINE_COLUMNS)
    if fmt != "table":
        raise ValueError(Message("--format {given}: accepted: table, json, csv", given=repr(fmt)))
    meta = fp.metadata
    head = gettext(
        lang,
        "{name}  ({version}; factor set {factor_set}; data {data}; shootprint {code})",
        name=fp.name,
        version=meta.get("version", ""),
        factor_set=fp.versions["factor_set"],
        data=fp.versions["data"],
        code=fp.versions["code"],
    )
    rows = [
        [
            gettext(lang, "line"),
            gettext(lang, "category"),
            gettext(lang, "stage"),
            gettext(lang, "quantity"),
            gettext(lang, "factor"),
            gettext(lang, "status"),
            "kgCO2e",
        ]
    ]
    for line in fp.lines:
        rows.append(
            [
                line.id,
                _category(line.category, lang),
                _stage(line.stage, lang),
                f"{num(line.quantity, lang=lang)} {line.unit}",
                line.factor_id,
                _status(line.factor_status, lang),
                kg(line.emissions_kgco2e, lang),
            ]
        )
    parts = [head, "", _table(rows, {3, 6}), ""]
    parts.append(gettext(lang, "Total: {total} kgCO2e", total=kg(fp.total_kgco2e, lang)))
    parts.extend(uncertainty_lines(fp, lang))
    cats = ", ".join(
        f"{_category(c, lang)} {kg(v, lang)}" for c, v in sorted(fp.by_category.items(), key=lambda t: -t[1])
    )
    parts.append(gettext(lang, "By category (kgCO2e): {items}", items=cats))
    stages = ", ".join(f"{_stage(s, lang)} {kg(v, lang)}" for s, v in fp.by_stage.items())
    parts.append(gettext(lang, "By stage (kgCO2e): {items}", items=stages))
    inten = ", ".join(f"{intensity_name(k, lang)} {kg(v, lang)}" for k, v in fp.intensities.items())
    parts.append(gettext(lang, "Intensities (kgCO2e): {items}", items=inten))
    for key, val in fp.indicators.items():
        parts.append(f"{key}: {num(val, lang=lang)}")
    if fp.overrides_used:
        parts.append(gettext(lang, "Overridden factors: {ids}", ids=", ".join(fp.overrides_used)))
    if fp.excluded:
        parts.append(gettext(lang, "Excluded lines: {ids}", ids=", ".join(fp.excluded)))
    if fp.warnings or any(line.warnings for line in fp.lines):
        parts.append(gettext(lang, "Warnings:"))
        seen: set[tuple[str, str]] = set()
        for w in [w for line in fp.lines for w in line.warnings] + fp.warnings:
            if (w.code, w.message) not in seen:
                seen.add((w.code, w.message))
                parts.append(f"  [{w.code}] {w.text(lang)}")
    return "\n".join(parts)


def render_comparison(comparison: Any, fmt: str = "table", lang: str = "en") -> str:
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
        raise ValueError(Message("--format {given}: accepted: table, json, csv", given=repr(fmt)))
    ratios = comparison.ratios_to_lowest()
    header = ["", *[fp.name for fp in comparison.footprints]]
    table_rows: list[list[str]] = [header]
    table_rows.append([gettext(lang, "total kgCO2e"), *[kg(fp.total_kgco2e, lang) for fp in comparison.footprints]])
    table_rows.append(
        [
            gettext(lang, "× lowest (central values)"),
            *[
                (_na(lang) if ratios[fp.name] is None else localized(f"{ratios[fp.name]:,.1f}×", lang))
                for fp in comparison.footprints
            ],
        ]
    )
    for cat in comparison.categories():
        table_rows.append(
            [f"  {_category(cat, lang)}", *[kg(fp.by_category.get(cat, 0.0), lang) for fp in comparison.footprints]]
        )
    for key in ("per_still_image_kgco2e", "per_film_second_kgco2e", "per_shoot_day_kgco2e"):
        table_rows.append(
            [intensity_name(key, lang), *[kg(fp.intensities.get(key), lang) for fp in comparison.footprints]]
        )
    out = [
        gettext(
            lang,
            "Comparison (factor set {factor_set}; lowest: {lowest})",
            factor_set=comparison.factor_set,
            lowest=comparison.lowest.name,
        ),
        "",
        _table(table_rows, set(range(1, len(header)))),
    ]
    u = comparison.uncertainty
    if u:
        ref = u["reference"]
        one = u["samples"] == 1  # one draw has no interval: its value alone is shown
        crn = gettext(lang, "yes") if u["common_random_numbers"] else gettext(lang, "no")
        out.append("")
        if one:
            out.append(
                gettext(
                    lang,
                    "Monte Carlo (1 draw, seed {seed}, common random numbers: {crn}): one draw has no interval; "
                    "use --samples {need} or more",
                    seed=u["seed"],
                    crn=crn,
                    need=_enough(u["level"]),
                )
            )
        else:
            out.append(
                gettext(
                    lang,
                    "Monte Carlo ({samples} draws, seed {seed}, common random numbers: {crn}); "
                    "median [{low}th–{high}th percentiles]",
                    samples=localized(f"{u['samples']:,}", lang),
                    seed=u["seed"],
                    crn=crn,
                    low=localized(f"{(1 - u['level']) / 2 * 100:g}", lang),
                    high=localized(f"{(1 + u['level']) / 2 * 100:g}", lang),
                )
            )
        rows2 = [
            [
                "",
                gettext(lang, "total kgCO2e"),
                gettext(lang, "ratio to {name} (one draw)", name=ref)
                if one
                else gettext(lang, "median ratio to {name}", name=ref),
                gettext(lang, "P(lower than {name})", name=ref),
            ]
        ]
        for name in u["totals_kgco2e"]:
            p = u["probability_lower"][name].get(ref) if name != ref else None
            rows2.append(
                [
                    name,
                    _interval(u["totals_kgco2e"][name], kg, lang, one=one),
                    _interval(u["ratios_to_reference"][name], _ratio, lang, one=one),
                    "" if p is None or one else localized(f"{p:.2f}", lang),
                ]
            )
        out.append(_table(rows2, set()))
        out.append(
            gettext(lang, "× lowest (central values): the ratio of the totals computed with central values; ")
            + (
                gettext(lang, "ratio (one draw): the ratio of the totals of that draw")
                if one
                else gettext(
                    lang, "median ratio: the median of the ratios of each draw (they differ where factors are skewed)"
                )
            )
        )
        if u.get("warning"):
            out.append(gettext(lang, "warning: {message}", message=render(u["warning"], lang)))
    for w in comparison.warnings:
        out.append(gettext(lang, "warning: {message}", message=render(w, lang)))
    return "\n".join(out)


def _interval(d: dict[str, float] | None, fmt: Any = kg, lang: str = "en", one: bool = False) -> str:
    """'median [low–high]'; the value alone for one draw (``one``), which has no interval."""
    if not d:
        return ""
    if one:
        return str(fmt(d["median"], lang))
    return f"{fmt(d['median'], lang)} [{fmt(d['low'], lang)}–{fmt(d['high'], lang)}]"


def _enough(level: float) -> int:
    """Draws for 10 beyond each end of a ``level`` interval (shootprint.uncertainty.too_few_draws)."""
    return math.ceil(10 / ((1 - level) / 2))


def _ratio(x: float | None, lang: str = "en") -> str:
    return _na(lang) if x is None else localized(f"{x:,.3g}×" if x < 100 else f"{x:,.0f}×", lang)


def _dump(data: Any, fmt: str) -> str | None:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt not in ("table", "csv"):
        raise ValueError(Message("--format {given}: accepted: table, json, csv", given=repr(fmt)))
    return None


def uncertainty_lines(fp: Footprint, lang: str = "en") -> list[str]:
    u = fp.uncertainty
    if not u:
        return []
    lo, hi = (1 - u["level"]) / 2 * 100, (1 + u["level"]) / 2 * 100
    one = u["samples"] == 1  # one draw has no interval: its value alone is shown
    head = (
        gettext(
            lang,
            "Monte Carlo (1 draw, seed {seed}): one draw has no interval; use --samples {need} or more",
            seed=u["seed"],
            need=_enough(u["level"]),
        )
        if one
        else gettext(
            lang,
            "Monte Carlo ({samples} draws, seed {seed}): median and {low}th–{high}th percentiles",
            samples=localized(f"{u['samples']:,}", lang),
            seed=u["seed"],
            low=localized(f"{lo:g}", lang),
            high=localized(f"{hi:g}", lang),
        )
    )
    out = [
        head,
        "  "
        + gettext(
            lang,
            "total: {interval} kgCO2e   (deterministic, central values: {central})",
            interval=_interval(u["total_kgco2e"], kg, lang, one=one),
            central=kg(u["deterministic_kgco2e"], lang),
        ),
    ]
    for cat, d in u["by_category"].items():
        out.append(f"  {_category(cat, lang)}: {_interval(d, kg, lang, one=one)}")
    if u.get("defaulted_uncertainty"):
        out.append(
            "  "
            + gettext(
                lang,
                "inputs with a default uncertainty (no published one): {count}",
                count=len(u["defaulted_uncertainty"]),
            )
        )
    return out


def input_labels(rows: list[dict[str, Any]], lang: str = "en", limit: int | None = None) -> list[str]:
    """Names of Sobol inputs for a reader: a factor's name (in ``lang``), a quantity's path; two
    inputs never share a label (a repeated name gets its factor id, e.g. the region of a grid). With
    ``limit``, labels are cut to that many characters, the id kept and still all different."""
    ids = [str(r["input"]).removeprefix("factor:") for r in rows]
    # a factor without a French name is named by its id in French (its English name is not French)
    names = [str(r.get("name_fr" if lang == "fr" else "name") or "") or i for r, i in zip(rows, ids, strict=True)]
    repeated = {n for n in names if names.count(n) > 1}
    labels = [f"{n} ({i})" if n in repeated and n != i else n for n, i in zip(names, ids, strict=True)]
    if limit is None:
        return labels
    out = []
    for label, name, ident in zip(labels, names, ids, strict=True):
        if len(label) <= limit:
            out.append(label)
        elif name in repeated and len(ident) + 4 < limit:
            out.append(f"{name[: limit - len(ident) - 4]}… ({ident})")
        else:
            out.append(label[: limit - 1] + "…")
    # cut names that still collide: their ids alone, cut from the left (ids are all different)
    return [
        (i if len(i) <= limit else "…" + i[-(limit - 1) :]) if out.count(label) > 1 else label
        for label, i in zip(out, ids, strict=True)
    ]


def render_sensitivity(result: dict[str, Any], fmt: str = "table", top: int = 15, lang: str = "en") -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    rows_in = result["inputs"][: top or None]
    labels = input_labels(rows_in, lang)
    if fmt == "csv":
        cols = ["input", "S1", "S1_conf", "ST", "ST_conf", "at_p05", "at_p95", "swing"]
        return _csv(
            [{**{c: r[c] for c in cols}, "label": label} for r, label in zip(rows_in, labels, strict=True)],
            [*cols, "label"],
        )
    target = (
        gettext(lang, "total kgCO2e of {name}", name=result["scenarios"][0])
        if result["target"] == "total_kgco2e"
        else gettext(lang, "ratio {a} / {b}", a=result["scenarios"][0], b=result["scenarios"][1])
    )
    rows = [[gettext(lang, "input"), "S1", "ST", gettext(lang, "at p5"), gettext(lang, "at p95")]]
    for r, label in zip(rows_in, labels, strict=True):
        rows.append(
            [
                label,
                localized(f"{r['S1']:.2f}", lang),
                localized(f"{r['ST']:.2f}", lang),
                num(r["at_p05"], lang=lang),
                num(r["at_p95"], lang=lang),
            ]
        )
    return "\n".join(
        [
            gettext(
                lang,
                "Sensitivity of the {target} (Sobol, N={n}, {runs} runs, seed {seed})",
                target=target,
                n=result["base_samples"],
                runs=localized(f"{result['evaluations']:,}", lang),
                seed=result["seed"],
            ),
            gettext(
                lang,
                "output at medians: {value}; S1 first-order, ST total share of variance",
                value=num(
                    float(result.get("output_at_medians") or 0.0)
                    if result.get("output_at_medians") is not None
                    else math.nan,
                    lang=lang,
                ),
            ),
            "",
            _table(rows, {1, 2, 3, 4}) if rows_in else gettext(lang, "no uncertain input: nothing to apportion"),
        ]
    )


def render_whatif(result: dict[str, Any], fmt: str = "table", lang: str = "en") -> str:
    dumped = _dump(result, fmt)
    if dumped is not None:
        return dumped
    cols = ["variant", "total_kgco2e", "saving_kgco2e", "saving_pct", "probability_lower"]
    if fmt == "csv":
        return _csv([{c: r[c] for c in cols} for r in result["variants"]], cols)
    rows = [
        [
            gettext(lang, "variant"),
            gettext(lang, "total kgCO2e"),
            gettext(lang, "saving kgCO2e"),
            gettext(lang, "saving interval"),
            gettext(lang, "saving %"),
            gettext(lang, "P(lower)"),
        ]
    ]
    for r in result["variants"]:
        rows.append(
            [
                r["variant"],
                kg(r["total_kgco2e"], lang),
                kg(r["saving_kgco2e"], lang),
                _interval(r["saving_interval_kgco2e"], kg, lang),
                _na(lang) if r["saving_pct"] is None else localized(f"{r['saving_pct']:.1f} %", lang),
                localized(f"{r['probability_lower']:.2f}", lang),
            ]
        )
    out = [
        gettext(
            lang,
            "What if — {production}: {total} kgCO2e as written ({samples} draws, seed {seed}, common random numbers)",
            production=result["production"],
            total=kg(result["base_total_kgco2e"], lang),
            samples=localized(f"{result['samples']:,}", lang),
            seed=result["seed"],
        ),
        "",
        _table(rows, {1, 2, 4, 5}),
    ]
    for r in result["variants"]:
        changes = r.get("changes_fr") if lang == "fr" and r.get("changes_fr") else r["changes"]
        if changes:
            out.append(f"{r['variant']}: " + "; ".join(changes))
    for s in result.get("skipped", []):
        reason = s.get("reason_fr") if lang == "fr" and s.get("reason_fr") else s["reason"]
        out.append(gettext(lang, "skipped, cannot apply here: {lever}: {reason}", lever=s["lever"], reason=reason))
    return "\n".join(out)


def render_breakeven(result: dict[str, Any], fmt: str = "table", lang: str = "en") -> str:
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
    current = written_value(result["current_value"], lang)
    note = result.get("note_fr") if lang == "fr" and result.get("note_fr") else result.get("note", "")
    return "\n".join(
        [
            gettext(
                lang,
                "{scenario}: {total} kgCO2e with {vary} = {value}",
                scenario=result["scenario"],
                total=kg(result["current_total_kgco2e"], lang),
                vary=result["vary"],
                value=current,
            ),
            f"{result['against']}: {kg(result['target_total_kgco2e'], lang)} kgCO2e",
            gettext(
                lang,
                "Break-even: {vary} = {value} {unit}",
                vary=result["vary"],
                value=num(be, lang=lang),
                unit=result.get("unit", ""),
            ).rstrip()
            if be is not None
            else gettext(lang, "Break-even: none — {note}", note=render(note or "", lang)),
        ]
    )


def render_diff(result: dict[str, Any], fmt: str = "table", lang: str = "en") -> str:
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
    rows = [
        [
            gettext(lang, "line"),
            gettext(lang, "status"),
            gettext(lang, "forecast"),
            gettext(lang, "final"),
            gettext(lang, "change"),
            gettext(lang, "share"),
        ]
    ]
    statuses = {"changed": N_("changed"), "added": N_("added"), "removed": N_("removed"), "same": N_("same")}
    for r in result["lines"]:
        share = "" if r["share_of_change"] is None else _no_minus_zero(f"{r['share_of_change'] * 100:.0f} %")
        rows.append(
            [
                r["id"],
                gettext(lang, statuses[r["status"]]) if r["status"] in statuses else r["status"],
                kg(r["forecast_kgco2e"], lang),
                kg(r["final_kgco2e"], lang),
                _signed(r["change_kgco2e"], lang),
                share,
            ]
        )
    pct = "" if result["change_pct"] is None else f" ({_signed(result['change_pct'], lang)} %)"
    return "\n".join(
        [
            gettext(
                lang,
                "Forecast {forecast}: {forecast_total} kgCO2e → final {final}: {final_total} kgCO2e; "
                "change {change} kgCO2e{pct}",
                forecast=result["forecast"],
                forecast_total=kg(result["forecast_total_kgco2e"], lang),
                final=result["final"],
                final_total=kg(result["final_total_kgco2e"], lang),
                change=_signed(result["change_kgco2e"], lang),
                pct=pct,
            ),
            "",
            _table(rows, {2, 3, 4, 5}),
        ]
    )

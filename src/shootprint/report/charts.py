"""Static SVG charts for the HTML and PDF reports (no JavaScript: WeasyPrint runs none).

Every function takes numbers already computed by the public API and returns one ``<svg>`` string;
nothing here computes a footprint. Text is escaped; numbers are formatted by the ``fmt`` callable the
caller passes (locale-aware), so the charts read the same as the tables around them. Each chart is a
horizontal layout (a label column on the left, a value axis on the right) because option names and
line labels are long.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Fmt = Callable[[float], str]

WIDTH = 680
LABEL_W = 232  # the label column (px of the 680 px wide view box)
RIGHT_PAD = 70  # room for the value printed after a bar
ROW_H = 22
TOP = 26
FONT = 11
#: the charts' fonts where the page does not choose (the HTML report: the reader's system fonts)
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"

#: one colour per category, fixed so that a category keeps its colour across every chart of a report.
#: Every colour has at least 3:1 contrast against the white page (WCAG 2.1 SC 1.4.11, non-text
#: contrast) and the set stays distinguishable under protanopia and deuteranopia. Sources: the four
#: Okabe–Ito colours that reach 3:1 (Okabe & Ito, "Color Universal Design", 2008: blue, vermillion,
#: bluish green, reddish purple), then Paul Tol's "muted" scheme without its pale sand, cyan and teal
#: (indigo, olive, wine, green, purple), then red and purple of his "bright" scheme and blue of his
#: "high-contrast" scheme (P. Tol, "Colour schemes", SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/).
#: Segments that touch (stacked bars) are parted by a white line, so each one also meets 3:1 against
#: what lies next to it.
PALETTE = (
    "#0072B2",  # Okabe–Ito blue, 5.19:1
    "#D55E00",  # Okabe–Ito vermillion, 3.87:1
    "#009E73",  # Okabe–Ito bluish green, 3.42:1
    "#CC79A7",  # Okabe–Ito reddish purple, 3.06:1
    "#332288",  # Tol muted indigo, 12.17:1
    "#999933",  # Tol muted olive, 3.02:1
    "#882255",  # Tol muted wine, 8.73:1
    "#117733",  # Tol muted green, 5.66:1
    "#AA4499",  # Tol muted purple, 5.26:1
    "#EE6677",  # Tol bright red, 3.09:1
    "#AA3377",  # Tol bright purple, 6.09:1
    "#004488",  # Tol high-contrast blue, 9.62:1
)
LOW_COLOUR = "#0072B2"  # tornado: input at its 5th percentile
HIGH_COLOUR = "#D55E00"  # tornado: input at its 95th percentile
SAVING_COLOUR = "#009E73"
INCREASE_COLOUR = "#D55E00"
SEPARATOR = "#FFFFFF"  # the line between two touching segments of a stacked bar
AXIS = "#555555"
GRID = "#DDDDDD"  # reading aid only: every value is printed next to its bar


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _t(text: str) -> str:
    return escape(text, quote=True)


def short(text: str, limit: int = 38) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (the full text goes in a tooltip)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(height: float, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT}"><title>{_t(title)}</title>' + "".join(body) + "</svg>"
    )


def _label(x: float, y: float, text: str, anchor: str = "end", limit: int = 34, size: int = FONT) -> str:
    shown = short(text, limit)
    tip = f"<title>{_t(text)}</title>" if shown != text else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="#222">{tip}{_t(shown)}</text>'
    )


@dataclass(frozen=True)
class Scale:
    """A linear or log10 mapping of values onto the x pixels ``[x0, x1]``."""

    lo: float
    hi: float
    x0: float
    x1: float
    log: bool = False

    def __call__(self, value: float) -> float:
        if self.log:
            value = math.log10(max(value, 1e-300))
            lo, hi = math.log10(self.lo), math.log10(self.hi)
        else:
            lo, hi = self.lo, self.hi
        if hi == lo:
            return self.x0
        return self.x0 + (value - lo) / (hi - lo) * (self.x1 - self.x0)

    def ticks(self) -> list[float]:
        if self.log:
            first, last = math.floor(math.log10(self.lo)), math.ceil(math.log10(self.hi))
            return [10.0**k for k in range(first, last + 1) if self.lo <= 10.0**k <= self.hi * 1.0001]
        return nice_ticks(self.lo, self.hi)


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10^k steps) covering ``[lo, hi]``."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    out = []
    k = 0
    while start + k * step <= hi + step * 1e-9:
        out.append(round(start + k * step, 12))
        k += 1
    return out


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(value))
    return next(m * mag for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * mag >= value)


def _axis(scale: Scale, y_top: float, y_bottom: float, fmt: Fmt, unit: str) -> list[str]:
    out = []
    for tick in scale.ticks():
        x = scale(tick)
        out.append(f'<line x1="{x:.1f}" y1="{y_top:.1f}" x2="{x:.1f}" y2="{y_bottom:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{x:.1f}" y="{y_bottom + 13:.1f}" text-anchor="middle" font-size="9" fill="{AXIS}">'
            f"{_t(fmt(tick))}</text>"
        )
    out.append(
        f'<line x1="{scale.x0:.1f}" y1="{y_bottom:.1f}" x2="{scale.x1:.1f}" y2="{y_bottom:.1f}" stroke="{AXIS}"/>'
    )
    out.append(
        f'<text x="{scale.x1:.1f}" y="{y_bottom + 26:.1f}" text-anchor="end" font-size="10" fill="{AXIS}">'
        f"{_t(unit)}</text>"
    )
    return out


def _legend(items: Sequence[tuple[str, str]], y: float) -> tuple[list[str], float]:
    """Coloured squares with their names, wrapped over as many rows as needed."""
    out = []
    x: float = LABEL_W
    for name, col in items:
        width = 18 + 6.5 * len(name) + 14
        if x + width > WIDTH and x > LABEL_W:
            x = LABEL_W
            y += 16
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{col}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="10" fill="#222">{_t(name)}</text>')
        x += width
    return out, y + 10


def stacked_bars(
    options: Sequence[str],
    categories: Sequence[tuple[str, str, str]],
    values: dict[str, dict[str, float]],
    totals: dict[str, float],
    *,
    fmt: Fmt,
    unit: str,
    title: str,
) -> str:
    """One horizontal bar per option, stacked by category.

    ``categories``: (key, shown name, colour); ``values[key][option]`` and ``totals[option]`` in the
    chart's unit (already divided when the unit is t CO2e). Negative parts (credits) are not stacked:
    they are in the total printed after the bar.
    """
    top = TOP
    height_rows = len(options) * (ROW_H + 8)
    biggest = max([totals[o] for o in options] + [0.0])
    stacked_max = max(
        [sum(max(values[c].get(o, 0.0), 0.0) for c, _, _ in categories) for o in options] + [biggest, 0.0]
    )
    scale = Scale(0.0, _nice_max(stacked_max), LABEL_W, WIDTH - RIGHT_PAD)
    body = _axis(scale, top - 6, top + height_rows, fmt, unit)
    for i, option in enumerate(options):
        y = top + i * (ROW_H + 8)
        body.append(_label(LABEL_W - 6, y + ROW_H * 0.7, option))
        x = scale(0.0)
        for key, name, col in categories:
            v = values[key].get(option, 0.0)
            if v <= 0:
                continue
            w = scale(v) - scale(0.0)
            body.append(
                f'<rect x="{x:.2f}" y="{y:.1f}" width="{max(w, 0.6):.2f}" height="{ROW_H}" fill="{col}" '
                f'stroke="{SEPARATOR}" stroke-width="1">'
                f"<title>{_t(f'{option} — {name}: {fmt(v)} {unit}')}</title></rect>"
            )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + ROW_H * 0.7:.1f}" font-size="10" fill="#222">'
            f"{_t(fmt(totals[option]))}</text>"
        )
    legend, bottom = _legend([(name, col) for _, name, col in categories], top + height_rows + 44)
    body.extend(legend)
    return _svg(bottom + 6, body, title)


def interval_dots(
    rows: Sequence[tuple[str, float, float, float]],
    *,
    fmt: Fmt,
    unit: str,
    title: str,
    reference: float | None = 1.0,
    log: bool | None = None,
) -> str:
    """A median dot with its interval as an error bar, one row per (label, median, low, high).

    ``log`` None: a log10 axis when the values span more than a factor 20 (ratios often do).
    ``reference`` draws a dashed line (1× for ratios).
    """
    values = [v for _, m, lo, hi in rows for v in (m, lo, hi) if v is not None and v > 0]
    if not values:
        values = [1.0]
    lo_v, hi_v = min(values + ([reference] if reference else [])), max(values + ([reference] if reference else []))
    use_log = (hi_v / lo_v > 20) if log is None else log
    if use_log:
        scale = Scale(10 ** math.floor(math.log10(lo_v)), 10 ** math.ceil(math.log10(hi_v)), LABEL_W, WIDTH - 20, True)
    else:
        scale = Scale(0.0, _nice_max(hi_v), LABEL_W, WIDTH - RIGHT_PAD)
    top = TOP
    height_rows = len(rows) * ROW_H
    body = _axis(scale, top - 6, top + height_rows, fmt, unit)
    if reference is not None:
        x = scale(reference)
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 10:.1f}" x2="{x:.1f}" y2="{top + height_rows:.1f}" '
            f'stroke="{AXIS}" stroke-dasharray="4 3"/>'
        )
    for i, (label, median, low, high) in enumerate(rows):
        y = top + i * ROW_H + ROW_H / 2
        body.append(_label(LABEL_W - 6, y + 4, label))
        xl, xh, xm = scale(low), scale(high), scale(median)
        body.append(
            f'<line x1="{xl:.1f}" y1="{y:.1f}" x2="{xh:.1f}" y2="{y:.1f}" stroke="{colour(0)}" stroke-width="2"/>'
        )
        for xe in (xl, xh):
            body.append(
                f'<line x1="{xe:.1f}" y1="{y - 5:.1f}" x2="{xe:.1f}" y2="{y + 5:.1f}" '
                f'stroke="{colour(0)}" stroke-width="2"/>'
            )
        body.append(
            f'<circle cx="{xm:.1f}" cy="{y:.1f}" r="4.5" fill="{colour(1)}" stroke="#222" stroke-width="0.8">'
            f"<title>{_t(f'{label}: {fmt(median)} [{fmt(low)}–{fmt(high)}]')}</title></circle>"
        )
    return _svg(top + height_rows + 34, body, title)


def bars(
    rows: Sequence[tuple[str, float, str]],
    *,
    fmt: Fmt,
    unit: str,
    title: str,
    legend: Sequence[tuple[str, str]] = (),
    label_limit: int = 36,
) -> str:
    """Horizontal bars, one per (label, value, colour); values of zero or more."""
    top = TOP
    height_rows = len(rows) * ROW_H
    scale = Scale(0.0, _nice_max(max([v for _, v, _ in rows] + [0.0])), LABEL_W, WIDTH - RIGHT_PAD)
    body = _axis(scale, top - 6, top + height_rows, fmt, unit)
    for i, (label, value, col) in enumerate(rows):
        y = top + i * ROW_H
        body.append(_label(LABEL_W - 6, y + ROW_H * 0.68, label, limit=label_limit, size=10))
        w = max(scale(max(value, 0.0)) - scale(0.0), 0.6)
        body.append(
            f'<rect x="{scale(0.0):.1f}" y="{y + 3:.1f}" width="{w:.2f}" height="{ROW_H - 6}" fill="{col}">'
            f"<title>{_t(f'{label}: {fmt(value)} {unit}')}</title></rect>"
        )
        body.append(
            f'<text x="{scale(0.0) + w + 4:.1f}" y="{y + ROW_H * 0.68:.1f}" font-size="10" fill="#222">'
            f"{_t(fmt(value))}</text>"
        )
    bottom: float = top + height_rows + 30
    if legend:
        items, bottom = _legend(legend, bottom + 14)
        body.extend(items)
    return _svg(bottom + 6, body, title)


def tornado(
    rows: Sequence[tuple[str, float, float]],
    base: float,
    *,
    fmt: Fmt,
    unit: str,
    title: str,
    low_name: str,
    high_name: str,
) -> str:
    """The output with each input at its 5th (``low``) and 95th (``high``) percentile.

    ``rows``: (input label, output at p05, output at p95), largest effect first; bars start at
    ``base`` (the output with every input at its median).
    """
    top = TOP
    height_rows = len(rows) * ROW_H
    values = [v for _, a, b in rows for v in (a, b)] + [base]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(base) * 0.1 or 1.0
    scale = Scale(lo - pad, hi + pad, LABEL_W, WIDTH - 20)
    body = _axis(scale, top - 6, top + height_rows, fmt, unit)
    xb = scale(base)
    for i, (label, at_low, at_high) in enumerate(rows):
        y = top + i * ROW_H
        body.append(_label(LABEL_W - 6, y + ROW_H * 0.68, label, limit=37, size=10))
        for value, col, name in ((at_low, LOW_COLOUR, low_name), (at_high, HIGH_COLOUR, high_name)):
            x0, x1 = sorted((xb, scale(value)))
            body.append(
                f'<rect x="{x0:.1f}" y="{y + 3:.1f}" width="{max(x1 - x0, 0.6):.2f}" height="{ROW_H - 6}" '
                f'fill="{col}"><title>{_t(f"{label} — {name}: {fmt(value)} {unit}")}</title></rect>'
            )
    body.append(f'<line x1="{xb:.1f}" y1="{top - 10:.1f}" x2="{xb:.1f}" y2="{top + height_rows:.1f}" stroke="#222"/>')
    legend, bottom = _legend([(low_name, LOW_COLOUR), (high_name, HIGH_COLOUR)], top + height_rows + 44)
    body.extend(legend)
    return _svg(bottom + 6, body, title)


def savings(
    groups: Sequence[tuple[str, Sequence[tuple[str, float, float, float]]]],
    *,
    fmt: Fmt,
    unit: str,
    title: str,
) -> str:
    """Savings of levers with their intervals, grouped by option.

    ``groups``: (option, [(lever label, saving, low, high), …]); a negative saving (the lever adds
    emissions) is drawn to the left of zero in another colour.
    """
    rows: list[tuple[str, str, float, float, float] | tuple[str]] = []
    for option, levers in groups:
        rows.append((option,))
        rows.extend((option, lab, s, lo, hi) for lab, s, lo, hi in levers)
    values = [v for r in rows if len(r) == 5 for v in r[2:]] + [0.0]  # type: ignore[misc]
    lo_v, hi_v = min(values), max(values)
    span = hi_v - lo_v or 1.0
    scale = Scale(lo_v - span * 0.02 if lo_v < 0 else 0.0, hi_v + span * 0.02, LABEL_W, WIDTH - RIGHT_PAD)
    top = TOP
    height_rows = len(rows) * ROW_H
    body = _axis(scale, top - 6, top + height_rows, fmt, unit)
    x0 = scale(0.0)
    for i, row in enumerate(rows):
        y = top + i * ROW_H
        if len(row) == 1:
            body.append(
                f'<text x="{4:.1f}" y="{y + ROW_H * 0.7:.1f}" font-size="10.5" font-weight="bold" fill="#222">'
                f"{_t(short(row[0], 90))}</text>"
            )
            continue
        _, label, saving, low, high = row  # type: ignore[misc]
        body.append(_label(LABEL_W - 6, y + ROW_H * 0.68, label, limit=37, size=10))
        xs = scale(saving)
        a, b = sorted((x0, xs))
        col = SAVING_COLOUR if saving >= 0 else INCREASE_COLOUR
        body.append(
            f'<rect x="{a:.1f}" y="{y + 4:.1f}" width="{max(b - a, 0.6):.2f}" height="{ROW_H - 8}" fill="{col}">'
            f"<title>{_t(f'{label}: {fmt(saving)} [{fmt(low)}–{fmt(high)}] {unit}')}</title></rect>"
        )
        yl = y + ROW_H / 2
        xl, xh = scale(low), scale(high)
        body.append(f'<line x1="{xl:.1f}" y1="{yl:.1f}" x2="{xh:.1f}" y2="{yl:.1f}" stroke="#222"/>')
        for xe in (xl, xh):
            body.append(f'<line x1="{xe:.1f}" y1="{yl - 4:.1f}" x2="{xe:.1f}" y2="{yl + 4:.1f}" stroke="#222"/>')
        body.append(
            f'<text x="{max(xs, xh) + 4:.1f}" y="{y + ROW_H * 0.68:.1f}" font-size="10" fill="#222">'
            f"{_t(fmt(saving))}</text>"
        )
    body.append(f'<line x1="{x0:.1f}" y1="{top - 6:.1f}" x2="{x0:.1f}" y2="{top + height_rows:.1f}" stroke="#222"/>')
    return _svg(top + height_rows + 34, body, title)

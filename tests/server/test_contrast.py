"""WCAG 2.1 AA contrast of the application's stylesheets, read from the CSS files themselves.

Every text colour is checked against every background it can be shown on: a rule that sets both is
a pair; a text colour set without a background (inherited by whatever holds it) meets every surface
that does not set its own text colour (the page, table headers, the top bar, notices …). Normal text
needs 4.5:1, large text (24 px, or 18.7 px bold) 3:1; focus outlines and the borders of form
controls need 3:1 against every surface (success criteria 1.4.3 and 1.4.11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = [
    ROOT / "src" / "shootprint" / "server" / "web" / "static" / "style.css",
    ROOT / "src" / "shootprint" / "server" / "api" / "static" / "docs.css",
]
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
NAMED = {"white": "ffffff", "black": "000000"}
CONTROLS = ("input", "select", "textarea", "button", "aria-invalid")


@dataclass
class Rule:
    selector: str
    declarations: dict[str, str]

    def colour(self, *props: str) -> str | None:
        for prop in props:
            value = self.declarations.get(prop)
            if value is None:
                continue
            found = HEX.search(value)
            if found:
                return normal(found.group(1))
            for name, code in NAMED.items():
                if re.search(rf"\b{name}\b", value):
                    return code
        return None

    @property
    def text(self) -> str | None:
        return self.colour("color")

    @property
    def background(self) -> str | None:
        return self.colour("background-color", "background")

    @property
    def large(self) -> bool:
        size = self.declarations.get("font-size", "")
        found = re.fullmatch(r"([\d.]+)(rem|em|px)", size.strip())
        px = float(found.group(1)) * (1 if found.group(2) == "px" else 16) if found else 16.0
        bold = self.declarations.get("font-weight", "").strip() in ("bold", "600", "700", "800", "900")
        return px >= 24 or (bold and px >= 18.66)


def normal(code: str) -> str:
    code = code.lower()
    return "".join(c * 2 for c in code) if len(code) == 3 else code


def rules(css: str) -> list[Rule]:
    """Every ``selector { declarations }`` of the stylesheet, those inside @media included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for part in body.split(";"):
            if ":" in part:
                prop, value = part.split(":", 1)
                decls[prop.strip().lower()] = value.strip()
        out.append(Rule(selector.strip(), decls))
    return out


def luminance(code: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def failures(css: str) -> list[str]:
    """Each colour pair of ``css`` below its WCAG AA ratio, named with its selectors and ratio."""
    parsed = rules(css)
    page = next((r for r in parsed if r.selector in ("html", "body") and r.background), None)
    page_bg = page.background if page and page.background else "ffffff"
    surfaces = {page_bg: "the page"}
    for r in parsed:  # backgrounds whose text is inherited: any inherited text colour may sit on them
        if r.background and r.text is None:
            surfaces.setdefault(r.background, r.selector)
    problems = []

    def check(fg: str, bg: str, need: float, what: str) -> None:
        ratio = contrast(fg, bg)
        if ratio < need:
            problems.append(f"{what}: #{fg} on #{bg} is {ratio:.2f}:1, below {need}:1")

    for r in parsed:
        fg = r.text
        if fg is not None:
            need = 3.0 if r.large else 4.5
            if r.background:
                check(fg, r.background, need, f"text of {r.selector!r}")
            else:
                for bg, where in surfaces.items():
                    check(fg, bg, need, f"text of {r.selector!r} on {where!r}")
        elif r.background and page and page.text:  # the page's text colour on this surface
            check(page.text, r.background, 4.5, f"text on {r.selector!r}")
        outline = r.colour("outline", "outline-color")
        if ":focus" in r.selector and outline:
            for bg, where in surfaces.items():
                check(outline, bg, 3.0, f"focus outline of {r.selector!r} on {where!r}")
        border = r.colour("border", "border-color")
        if border and any(c in r.selector for c in CONTROLS) and border != r.background:
            for bg, where in surfaces.items():
                check(border, bg, 3.0, f"border of the control {r.selector!r} on {where!r}")
    return problems


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_every_colour_pair_of_the_stylesheet_passes_wcag_aa(path: Path):
    css = path.read_text(encoding="utf-8")
    assert len(rules(css)) > 5 and HEX.search(css)  # the parser read the file
    assert failures(css) == []


def test_the_check_finds_what_fails():
    assert contrast("ffffff", "000000") == pytest.approx(21.0)
    assert contrast("767676", "ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    css = """
    html { color: #1b1f24; background: #fff; }
    th { background: #f4f6f8; }
    .pale { color: #999; }
    .big { color: #949494; font-size: 1.6rem; }
    .badge { color: #fff; background: #f0e442; }
    :focus-visible { outline: 3px solid #ddd; }
    input { border: 1px solid #ccc; }
    .ok { color: #4a5360; }
    """
    found = failures(css)
    assert any(".pale" in f and "on 'the page'" in f for f in found)
    assert any(".pale" in f and "on 'th'" in f for f in found)
    assert not any(".big" in f and "#ffffff" in f for f in found)  # large text: 3:1 is enough on white
    assert any(".badge" in f for f in found)
    assert any("focus outline" in f for f in found)
    assert any("border of the control 'input'" in f for f in found)
    assert not any(".ok" in f for f in found)


# --- the charts (the report's SVGs, shown by the pages too) -------------------------------------
# WCAG 2.1 SC 1.4.11: the bars, dots and legend squares are needed to read a chart, so each colour
# needs 3:1 against the white it is drawn on; touching segments are parted by a white line.

#: Machado, Oliveira & Fernandes (2009) matrices, severity 1, applied to linear RGB
VISION = {
    "normal": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
}
#: smallest CIELAB distance (ΔE*ab) between two chart colours as seen with each kind of vision
MIN_DELTA_E = 7.5


def _lab(code: str, vision: str) -> tuple[float, float, float]:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    rgb = [channel(int(code[i : i + 2], 16) / 255) for i in (0, 2, 4)]
    r, g, b = (min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0.0), 1.0) for row in VISION[vision])
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def too_close(palette: tuple[str, ...]) -> list[str]:
    """Each pair of ``palette`` closer than MIN_DELTA_E with some kind of vision."""
    out = []
    codes = [normal(c.lstrip("#")) for c in palette]
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            for vision in VISION:
                la, lb = _lab(a, vision), _lab(b, vision)
                distance = sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5
                if distance < MIN_DELTA_E:
                    out.append(f"#{a} and #{b} with {vision}: ΔE {distance:.1f}")
    return out


def below_3_to_1(colours: list[str], background: str = "ffffff") -> list[str]:
    return [
        f"#{normal(c.lstrip('#'))} is {contrast(normal(c.lstrip('#')), background):.2f}:1 on #{background}"
        for c in colours
        if contrast(normal(c.lstrip("#")), background) < 3.0
    ]


def _drawn_svgs() -> dict[str, str]:
    from shootprint.report import charts

    fmt = "{:.1f}".format
    categories = [(f"c{i}", f"Category {i}", charts.colour(i)) for i in range(len(charts.PALETTE))]
    values = {key: {"A": 1.0 + i, "B": 2.0} for i, (key, _, _) in enumerate(categories)}
    return {
        "stacked_bars": charts.stacked_bars(
            ["A", "B"], categories, values, {"A": 90.0, "B": 24.0}, fmt=fmt, unit="kg", title="t"
        ),
        "bars": charts.bars(
            [(f"row {i}", 1.0 + i, charts.colour(i)) for i in range(14)],
            fmt=fmt,
            unit="kg",
            title="t",
            legend=[("x", charts.colour(0))],
        ),
        "interval_dots": charts.interval_dots([("A / B", 1.4, 1.1, 1.9)], fmt=fmt, unit="×", title="t"),
        "tornado": charts.tornado(
            [("input", 80.0, 130.0)], 100.0, fmt=fmt, unit="kg", title="t", low_name="p05", high_name="p95"
        ),
        "savings": charts.savings(
            [("A", [("saves", 10.0, 5.0, 15.0), ("adds", -4.0, -6.0, -1.0)])], fmt=fmt, unit="kg", title="t"
        ),
    }


def test_the_chart_palette_has_3_to_1_on_the_pages_and_reports_background():
    from shootprint.report import charts

    # the charts sit on the page of the application and of the report: both white
    style = rules((STYLESHEETS[0]).read_text(encoding="utf-8"))
    page = next(r for r in style if r.selector == "html")
    assert page.background == "ffffff"
    report_css = (ROOT / "src" / "shootprint" / "report" / "templates" / "report.css").read_text(encoding="utf-8")
    assert all(r.background in (None, "ffffff") for r in rules(report_css) if r.selector in ("html", "body"))

    meaningful = [*charts.PALETTE, charts.LOW_COLOUR, charts.HIGH_COLOUR, charts.SAVING_COLOUR, charts.AXIS]
    meaningful.append(charts.INCREASE_COLOUR)
    assert below_3_to_1(meaningful) == []
    assert len(set(charts.PALETTE)) == len(charts.PALETTE) >= 12


def test_the_chart_palette_stays_distinguishable_with_colour_blindness():
    from shootprint.report import charts

    assert too_close(charts.PALETTE) == []
    assert too_close((charts.LOW_COLOUR, charts.HIGH_COLOUR)) == []
    assert too_close((charts.SAVING_COLOUR, charts.INCREASE_COLOUR)) == []


@pytest.mark.parametrize("name", ["stacked_bars", "bars", "interval_dots", "tornado", "savings"])
def test_every_colour_a_chart_draws_has_3_to_1_on_white(name: str):
    """Read from the SVG itself: every fill and stroke but the grid lines (a reading aid: each value
    is printed) and the white line parting two segments; nothing drawn see-through."""
    from shootprint.report import charts

    svg = _drawn_svgs()[name]
    drawn = re.findall(r'(?:fill|stroke)="#([0-9a-fA-F]{3,6})"', svg)
    assert drawn  # the chart drew something in colour
    skipped = {normal(charts.GRID.lstrip("#")), normal(charts.SEPARATOR.lstrip("#"))}
    assert below_3_to_1([c for c in drawn if normal(c) not in skipped]) == []
    assert "opacity" not in svg


def test_touching_segments_of_a_stacked_bar_are_parted_by_a_white_line():
    from shootprint.report import charts

    svg = _drawn_svgs()["stacked_bars"]
    segments = re.findall(r"<rect [^>]*>", svg)
    coloured = [s for s in segments if 'width="10"' not in s]  # not the legend's squares
    assert len(coloured) == 2 * len(charts.PALETTE)
    assert all(f'stroke="{charts.SEPARATOR}"' in s and 'stroke-width="1"' in s for s in coloured)
    assert contrast(normal(charts.SEPARATOR.lstrip("#")), "ffffff") == 1.0


def test_the_chart_checks_find_what_fails():
    # the palette this one replaced: yellow 1.32:1, orange 2.25:1, sky blue 2.31:1, teal 2.82:1
    old = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255", "#44AA99")
    failing = below_3_to_1(list(old))
    assert len(failing) == 4 and any("#f0e442 is 1.32:1" in f for f in failing)
    # its reddish purple and teal come within ΔE 4.3 of each other with deuteranopia or protanopia
    assert any("#cc79a7 and #44aa99" in f for f in too_close(old))
    assert too_close(("#0072B2", "#0073B3")) != []
    assert below_3_to_1(["#767676", "#999999"]) == ["#999999 is 2.85:1 on #ffffff"]

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

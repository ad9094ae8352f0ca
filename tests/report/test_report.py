"""The HTML and PDF reports: content per language, charts drawn, offline HTML, bad options.

External tools: ``pdftotext``/``pdftoppm`` (poppler-utils) and ``chromium``. A test that needs one
is skipped when it is absent, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal

from shootprint import api
from shootprint.errors import InputError
from shootprint.report.document import number, write_report

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.yaml"))
SAMPLES = 200
LOCALE = {"en": "en", "fr": "fr_FR"}
SECTIONS = {
    "en": [
        "Summary",
        "Per deliverable and per shoot day",
        "What it compares to",
        "Ratios between the options",
        "Emissions by category",
        "The largest lines",
        "What the result depends on",
        "Levers to reduce emissions",
        "Methodology",
        "Boundary",
        "Factors used",
        "Defaults applied",
        "Warnings",
        "Versions and settings",
    ],
    "fr": [
        "Synthèse",
        "Par livrable et par jour de tournage",
        "À quoi cela correspond",
        "Ratios entre les options",
        "Émissions par catégorie",
        "Les postes les plus émetteurs",
        "Ce dont dépend le résultat",
        "Leviers de réduction",
        "Méthodologie",
        "Périmètre",
        "Facteurs utilisés",
        "Valeurs par défaut appliquées",
        "Avertissements",
        "Versions et paramètres",
    ],
}
FIGURES = 5


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI (apt-get install poppler-utils chromium)")
        pytest.skip(f"{tool} not installed")
    return path


def flat(text: str) -> str:
    """Whitespace (incl. U+202F and U+00A0, and line breaks inside table cells) as single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def central() -> dict[str, float]:
    """Central (deterministic) totals of the test productions."""
    return {fp.name: fp.total_kgco2e for fp in api.compare(FILES).footprints}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("reports")
    made = {}
    for lang in ("en", "fr"):
        for kind in ("html", "pdf"):
            made[(lang, kind)] = write_report(FILES, out / f"report-{lang}.{kind}", lang=lang, samples=SAMPLES, seed=1)
    return made


def test_pdf_text_and_charts_in_the_packaged_font(reports: dict[tuple[str, str], Path]) -> None:
    """The PDF's sans-serif text, the charts' and the page footers' included, is the packaged DejaVu
    Sans: the system's copy is not embedded a second time, and no serif font at all."""
    pdffonts = need("pdffonts")
    listing = subprocess.run([pdffonts, str(reports[("en", "pdf")])], capture_output=True, check=True, text=True)
    names = {line.split()[0].partition("+")[2] for line in listing.stdout.splitlines()[2:]}
    assert {"Shootprint-Sans", "Shootprint-Sans-Bold"} <= names
    assert not names & {"DejaVu-Sans", "DejaVu-Sans-Bold"}, names
    assert not [name for name in names if "Serif" in name], names  # the footers were in the system's serif


def test_test_productions_are_a_comparison(central: dict[str, float]) -> None:
    assert len(central) >= 3
    assert all(total >= 100 for total in central.values())  # formatted as whole kg below


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_text_has_names_totals_and_sections(
    lang: str, reports: dict[tuple[str, str], Path], central: dict[str, float]
) -> None:
    pdftotext = need("pdftotext")
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(reports[(lang, "pdf")]), "-"], capture_output=True, check=True, text=True
    ).stdout
    body = flat(text)
    for name, total in central.items():
        assert name in body
        formatted = format_decimal(round(total), format="#,##0", locale=LOCALE[lang])
        assert flat(formatted) in body, (name, formatted)
    for title in SECTIONS[lang]:
        assert title in body, title
    if lang == "fr":
        assert "\u202f" in text or " " in text  # French thousands separator survives (or becomes a space)
        assert "kg CO₂e" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_has_names_totals_sections(
    lang: str, reports: dict[tuple[str, str], Path], central: dict[str, float]
) -> None:
    html = reports[(lang, "html")].read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    for name, total in central.items():
        assert name in html
        assert format_decimal(round(total), format="#,##0", locale=LOCALE[lang]) in html
    for title in SECTIONS[lang]:
        assert title.replace("'", "&#39;") in html or title in html
    assert html.count("<svg") >= FIGURES
    # self-contained: nothing is fetched (no src/href/url() to anything)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#|data:)""", html)
    assert "url(" not in html
    assert "<script" not in html


def _ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary PPM (P6) as pdftoppm writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    return int(fields[1]), int(fields[2]), data[pos + 1 :]


def _figure_boxes(bbox_html: str) -> dict[int, tuple[int, float, float, float]]:
    """Figure number → (page, top of its chart, bottom of the search area, page height) in points."""
    boxes: dict[int, tuple[int, float, float, float]] = {}
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox_html, re.S)
    for number_, (_w, h, content) in enumerate(pages, start=1):
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', content)
        captions = [
            (int(words[i + 1][2]), float(words[i][1]))
            for i in range(len(words) - 1)
            if words[i][2] == "Figure" and words[i + 1][2].isdigit()
        ]
        for k, (fig, y) in enumerate(captions):
            bottom = captions[k + 1][1] - 12 if k + 1 < len(captions) else min(y + 330, float(h))
            boxes[fig] = (number_, y, bottom, float(h))
    return boxes


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_charts_are_drawn(lang: str, reports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    pdftotext = need("pdftotext")
    pdftoppm = need("pdftoppm")
    pdf = reports[(lang, "pdf")]
    bbox = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    boxes = _figure_boxes(bbox)
    assert sorted(boxes) == list(range(1, FIGURES + 1))
    dpi = 50
    for fig, (page, top, bottom, _h) in boxes.items():
        prefix = tmp_path / f"fig{fig}"
        subprocess.run([pdftoppm, "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True)
        (image,) = tmp_path.glob(f"fig{fig}*.ppm")
        width, height, rgb = _ppm(image)
        y0, y1 = int(top * dpi / 72), min(int(bottom * dpi / 72), height)
        coloured = 0
        for y in range(y0, y1):
            row = rgb[y * width * 3 : (y + 1) * width * 3]
            for x in range(0, len(row), 3):
                r, g, b = row[x], row[x + 1], row[x + 2]
                if max(r, g, b) - min(r, g, b) > 60:  # a chart colour, not black/grey text
                    coloured += 1
        assert coloured > 150, f"figure {fig} ({lang}) has no coloured pixels on page {page}"
        image.unlink()


def test_html_opens_offline_in_chromium(reports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        need("chromium")
    assert chromium is not None
    for lang in ("en", "fr"):
        html = reports[(lang, "html")]
        proc = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                f"--user-data-dir={tmp_path / ('profile-' + lang)}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
                html.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "net::ERR" not in proc.stderr, proc.stderr[-2000:]
        dom = proc.stdout
        assert "<svg" in dom
        for fp in api.compare(FILES).footprints:
            assert fp.name in dom


def test_bad_suffix_and_language_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--out .*report\.docx.*accepted: \.html, \.pdf"):
        write_report(FILES, tmp_path / "report.docx")
    with pytest.raises(InputError, match=r"--lang 'de'.*accepted: en, fr"):
        write_report(FILES, tmp_path / "report.html", lang="de")
    with pytest.raises(InputError, match="at least one production file"):
        write_report([], tmp_path / "report.html")
    assert not list(tmp_path.iterdir())  # nothing written


def test_numbers_follow_the_locale() -> None:
    assert number(20547.3, "fr") == "20\u202f547"
    assert number(20547.3, "en") == "20,547"
    assert number(2.5, "fr") == "2,50"
    assert number(12.34, "en") == "12.3"
    assert number(0.000965, "fr") == "0,000965"
    assert number(-0.0001, "en", 2) == "0.00"
    assert number(None, "en") == "—"


def test_numbers_are_written_as_babel_writes_them() -> None:
    """The fast formatting writes what babel's pattern "#,##0.00…" writes, for every size and sign."""
    import math
    import random

    from shootprint.report.document import LOCALES

    rng = random.Random(7)
    values = [0, 1, -1, 3, 99.995, 100, 0.5, 2.675, 1e-9, -1e-13, 123456789.5, 1e20, -987654.321]
    values += [rng.uniform(-1, 1) * 10 ** rng.uniform(-14, 16) for _ in range(3000)]
    for value in values:
        for lang in ("en", "fr"):
            for digits in (None, 0, 1, 3):
                if digits is None:
                    size = abs(value)
                    d = 0 if size == 0 or size >= 100 else 1 if size >= 10 else 2 if size >= 1 else None
                    d = d if d is not None else min(2 - math.floor(math.log10(size)), 12)
                else:
                    d = digits
                pattern = "#,##0" + ("." + "0" * d if d else "")
                expected = format_decimal(round(value, d) or 0.0, format=pattern, locale=LOCALES[lang])
                assert number(value, lang, digits) == expected, (value, lang, digits)


@pytest.mark.skipif(not (Path(__file__).parents[2] / "examples" / "reference").is_dir(), reason="no reference files")
def test_reference_campaign_renders(tmp_path: Path) -> None:
    files = sorted((Path(__file__).parents[2] / "examples" / "reference").glob("*.yaml"))
    out = write_report(files, tmp_path / "reference.html", lang="fr", samples=SAMPLES)
    html = out.read_text(encoding="utf-8")
    for fp in api.compare(files).footprints:
        assert fp.name in html


def test_weasyprint_import_leaves_find_library_and_loads_its_libraries() -> None:
    """The PDF's import of WeasyPrint answers its library search from one ``ldconfig -p`` listing:
    afterwards ``ctypes.util.find_library`` is the standard one again and every library WeasyPrint
    needs is loaded (a fresh process, where WeasyPrint is not imported yet)."""
    import sys

    code = (
        "import ctypes.util, sys\n"
        "before = ctypes.util.find_library\n"
        "from shootprint.report.document import _import_weasyprint\n"
        "_import_weasyprint()\n"
        "assert ctypes.util.find_library is before\n"
        "from weasyprint.text import ffi\n"
        "assert all((ffi.gobject, ffi.pango, ffi.harfbuzz, ffi.fontconfig, ffi.pangoft2))\n"
        "print(ffi.pango.pango_units_from_double(1))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "1024"  # Pango's units per point: Pango answers


def test_pdf_rendering_puts_the_garbage_collector_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint works with the collector paused; it is on again afterwards, also after an error,
    and stays paused for a caller that had paused it."""
    import gc

    import weasyprint

    from shootprint.report.document import render_pdf

    seen: list[bool] = []
    real = weasyprint.HTML.write_pdf

    def write_pdf(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    assert gc.isenabled()
    assert render_pdf("<p>one</p>").startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError, match="layout failed"):
        render_pdf("<p>two</p>")
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
        render_pdf("<p>three</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()

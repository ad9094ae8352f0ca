"""Report speed: median wall time of the HTML and PDF reports of the five-scenario reference campaign.

Each run is a fresh process calling ``shootprint.report.document.write_report`` (2,000 Monte Carlo
draws, the default), so the figure includes imports, the comparison, the sensitivity analysis, the
levers and the rendering. Falls back to the test productions when examples/reference is absent.

``--phases`` times, in one process each run, what the PDF of the English report spends on: the
imports, the numbers (``gather``: comparison with intervals, sensitivity, levers), the HTML, importing
WeasyPrint, parsing the HTML, laying out the pages and drawing them into the PDF (medians of CPU
time; the garbage collector paused, as the CLI runs it).

Run: .venv/bin/python benchmarks/bench_report.py [--runs N] [--phases]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _timing import ROOT, report, wall_s

PY = sys.executable


def files() -> list[Path]:
    reference = sorted((ROOT / "examples" / "reference").glob("*.yaml"))
    return reference or sorted((ROOT / "tests" / "report" / "data").glob("*.yaml"))


PHASES = r"""
import gc, json, sys, time
gc.disable()
from pathlib import Path
out, last = {}, time.process_time()
def lap(name):
    global last
    now = time.process_time(); out[name] = now - last; last = now
from shootprint.report import document as d
lap("imports")
data = d.gather([Path(p) for p in sys.argv[1:]], samples=2000, seed=0)
lap("numbers (gather)")
html = d.render_html(data, "en", pdf=True)
lap("HTML")
d._import_weasyprint()
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher
lap("import WeasyPrint")
doc = HTML(string=html, base_url=str(d.FONT_DIR), url_fetcher=URLFetcher(allowed_protocols=["file"]))
lap("WeasyPrint: parse HTML")
rendered = doc.render(font_config=FontConfiguration())
lap(f"WeasyPrint: styles and layout ({len(rendered.pages)} pages)")
rendered.write_pdf()
lap("WeasyPrint: draw and write PDF")
print(json.dumps(out))
"""


def phases(paths: list[Path], runs: int) -> None:
    import json
    import statistics
    import subprocess

    from _timing import ENV

    rows: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(
            [PY, "-c", PHASES, *map(str, paths)], capture_output=True, check=True, text=True, cwd=ROOT, env=ENV
        )
        for name, seconds in json.loads(done.stdout.splitlines()[-1]).items():
            rows.setdefault(name, []).append(seconds)
    total = sum(statistics.median(v) for v in rows.values())
    for name, values in rows.items():
        report(f"PDF, en: {name}, CPU", statistics.median(values))
    report("PDF, en: sum of the phases, CPU", total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phases", action="store_true", help="only the CPU time of each phase of the PDF")
    args = parser.parse_args()
    paths = files()
    if args.phases:
        phases(paths, args.runs)
        return
    bare = wall_s([PY, "-c", "pass"], runs=args.runs)
    report("python -c pass (baseline)", bare)
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("en", "fr"):
            for suffix in ("html", "pdf"):
                out = Path(tmp) / f"report-{lang}.{suffix}"
                code = (
                    "from pathlib import Path; from shootprint.report.document import write_report; "
                    f"write_report([Path(p) for p in {[str(p) for p in paths]!r}], Path({str(out)!r}), lang={lang!r})"
                )
                seconds = wall_s([PY, "-c", code], runs=args.runs)
                report(f"report of {len(paths)} scenarios, {lang}, {suffix}", seconds, bare)


if __name__ == "__main__":
    main()

"""Report speed: median wall time of the HTML and PDF reports of the five-scenario reference campaign.

Each run is a fresh process calling ``shootprint.report.document.write_report`` (2,000 Monte Carlo
draws, the default), so the figure includes imports, the comparison, the sensitivity analysis, the
levers and the rendering. Falls back to the test productions when examples/reference is absent.

Run: .venv/bin/python benchmarks/bench_report.py [--runs N]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    paths = files()
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

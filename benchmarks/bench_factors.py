"""Factor database speed: import, search, lookup by id — medians of fresh processes.

Run: .venv/bin/python benchmarks/bench_factors.py
"""

from __future__ import annotations

import sys

from _timing import BIN, report, wall_s

PY = sys.executable


def main() -> None:
    bare = wall_s([PY, "-c", "pass"])
    report("python -c pass (baseline)", bare)
    report("import shootprint", wall_s([PY, "-c", "import shootprint"]), bare)
    report(
        "lookup by id in a fresh process (FactorTable().get)",
        wall_s([PY, "-c", "from shootprint.factors import FactorTable; FactorTable().get('ademe:43741')"]),
        bare,
    )
    report(
        "shootprint factors show ademe:43741", wall_s([str(BIN / "shootprint"), "factors", "show", "ademe:43741"]), bare
    )
    report(
        "shootprint factors search 'avion passagers'",
        wall_s([str(BIN / "shootprint"), "factors", "search", "avion passagers"]),
        bare,
    )
    report(
        "shootprint factors search electricite --all",
        wall_s([str(BIN / "shootprint"), "factors", "search", "electricite", "--all"]),
        bare,
    )


if __name__ == "__main__":
    main()

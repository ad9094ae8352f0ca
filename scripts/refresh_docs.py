"""Rewrite what the docs show from what the code prints now, after an intended change of data or formulas.

- the output under every `$ shootprint …` line of a ```console block in docs/*.md;
- docs/cli.md (every command's --help) and docs/production.schema.json;
- tests/golden/reference_totals.json (the reference campaign's totals).

The docs tests fail until this is run; read `git diff` afterwards: every changed figure must be
explained by the change that moved it (and prose that quotes a figure must be updated by hand).
Run: .venv/bin/python scripts/refresh_docs.py
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run(cmd: str) -> str:
    argv = shlex.split(cmd)
    argv[0] = str(BIN / "shootprint")
    expanded: list[str] = []
    for arg in argv:
        expanded.extend(sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(arg)) if "*" in arg else [arg])
    proc = subprocess.run(expanded, cwd=ROOT, capture_output=True, text=True, timeout=900)
    return (proc.stdout + proc.stderr).rstrip("\n")


def refresh_console_blocks(page: Path) -> None:
    def block(m: re.Match[str]) -> str:
        out: list[str] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                out += [line, run(line[2:])]
        return "```console\n" + "\n".join(out) + "\n```"

    page.write_text(BLOCK.sub(block, page.read_text(encoding="utf-8")), encoding="utf-8")


def refresh_cli_reference() -> None:
    """docs/cli.md and the other generated reference pages (shootprint.reference_pages)."""
    from shootprint.reference_pages import write

    write(ROOT / "docs")


def write_result_schemas() -> None:
    """docs/<result>.schema.json: the JSON Schemas of the results, beside the production file's."""
    from shootprint.results import schemas

    for name, schema in schemas().items():
        (ROOT / "docs" / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from shootprint.api import compare

    for page in sorted((ROOT / "docs").glob("*.md")):
        if page.name != "cli.md":
            refresh_console_blocks(page)
    refresh_cli_reference()
    subprocess.run(
        [str(BIN / "shootprint"), "schema", "--out", str(ROOT / "docs" / "production.schema.json")], check=True
    )
    write_result_schemas()
    comparison = compare(sorted((ROOT / "examples" / "reference").glob("*.yaml")))
    totals = {fp.name: round(fp.total_kgco2e, 1) for fp in comparison.footprints}
    golden = ROOT / "tests" / "golden" / "reference_totals.json"
    golden.write_text(json.dumps(totals, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("refreshed: docs console blocks, docs/cli.md, docs/production.schema.json, result schemas, golden totals")


if __name__ == "__main__":
    main()

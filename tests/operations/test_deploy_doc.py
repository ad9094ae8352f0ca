"""docs/deploy.md: every command of its ``sh`` blocks runs, in order, against a real PostgreSQL.

The page's host names, password, port and paths are replaced by the test's; ``shootprint serve`` (which
runs until it is stopped) is started in the background and stopped at the end. Each command must exit 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")

from ops_live import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "deploy.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
DOC_URL = "postgresql+psycopg://shootprint:secret@db.internal:5432/"
DOC_BACKUPS = "/var/backups/shootprint/"


def commands() -> list[str]:
    out = []
    for block in BLOCK.findall(PAGE.read_text(encoding="utf-8")):
        out += [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return out


def test_the_page_has_the_commands_of_a_deployment() -> None:
    text = " ".join(commands())
    for needed in ("shootprint db upgrade", "shootprint serve", "--forwarded-allow-ips", "--json-logs", "/readyz",
                   "shootprint admin backup", "shootprint admin restore", "shootprint admin clean-cache"):  # fmt: skip
        assert needed in text, needed


def test_every_command_of_the_deploy_page_runs(databases: object, tmp_path: Path) -> None:
    if getattr(databases, "backend", "") != "postgresql":
        pytest.skip("the page deploys on PostgreSQL")
    first = databases.new()  # type: ignore[attr-defined]
    second = databases.new()  # type: ignore[attr-defined]
    base = sa.make_url(first).set(database="").render_as_string(hide_password=False).rstrip("/") + "/"
    port = str(free_port())
    backups = tmp_path / "backups"
    backups.mkdir()

    def adapt(line: str) -> str:
        line = line.replace(DOC_URL + "shootprint_restored", base + sa.make_url(second).database)
        line = line.replace(DOC_URL + "shootprint", base + sa.make_url(first).database)
        line = line.replace(DOC_BACKUPS, f"{backups}/")
        return line.replace(":8000", f":{port}").replace("--port 8000", f"--port {port}")

    bin_dir = Path(sys.executable).parent
    src = ROOT / "src"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
    script = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"]
    for line in map(adapt, commands()):
        if line.startswith("shootprint serve"):
            script += [
                f"{line} 2> {tmp_path}/serve.log &",
                f"for i in $(seq 300); do curl -fsS -o /dev/null http://127.0.0.1:{port}/readyz && break; sleep 0.2; done",
            ]
        else:
            script.append(line)
    script.append("kill %1; wait %1 || true")
    done = subprocess.run(  # noqa: S603
        ["bash", "-c", "\n".join(script)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{(tmp_path / 'serve.log').read_text()[-2000:]}"
    assert "restored" in done.stdout and "rows (schema revision" in done.stdout
    assert "cached result(s) removed" in done.stdout
    assert list(backups.iterdir())
    log = (tmp_path / "serve.log").read_text()
    assert '"route": "/readyz"' in log  # the JSON access line of the curl

"""Every command and every option of the CLI is in docs/cli.md (regenerate it when one is added)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shootprint.cli import app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: str = "shootprint") -> list[tuple[str, Any]]:
    out = []
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(cmd, "commands"):  # a group (typer ships its own click)
            out.extend(_commands(cmd, path))
        else:
            out.append((path, cmd))
    return out


def test_every_command_and_option_is_documented():
    group = app
    assert hasattr(group, "commands")
    missing = []
    for path, cmd in _commands(group):
        header = f"## {path}\n"
        if header not in DOC:
            missing.append(path)
            continue
        section = DOC.split(header, 1)[1].split("\n## ", 1)[0]
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in section:
                    missing.append(f"{path} {opt}")
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_the_page_is_every_help_text_as_printed() -> None:
    from click.testing import CliRunner

    from shootprint.reference_pages import cli_page

    assert DOC == cli_page(), "rebuild with: python -m shootprint.reference_pages docs"
    # the page shows what --help prints (at 80 columns), command by command
    for path in ("estimate", "whatif", "factors search", "models"):
        out = CliRunner().invoke(app, [*path.split(), "--help"], prog_name="shootprint", terminal_width=80).output
        assert f"## shootprint {path}\n\n```text\n{out.rstrip()}\n```" in DOC, path

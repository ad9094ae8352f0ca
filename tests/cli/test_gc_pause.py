"""One-shot commands run with the cyclic garbage collector paused, and put it back when they end;
the long-running commands (server, tracker, database) keep it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shootprint import api
from shootprint.cli import ONE_SHOT, app

FILE = str(Path(__file__).parents[2] / "examples" / "reference" / "studio-paris.yaml")


def _watch_compare(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    seen: list[bool] = []
    real = api.compare

    def compare(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "compare", compare)
    return seen


def test_compare_runs_with_the_collector_paused_and_puts_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _watch_compare(monkeypatch)
    assert gc.isenabled()
    result = CliRunner().invoke(app, ["compare", FILE, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()


def test_a_failing_command_puts_the_collector_back() -> None:
    result = CliRunner().invoke(app, ["compare", "no-such-file.yaml"])
    assert result.exit_code == 2
    assert "no-such-file.yaml" in result.output
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _watch_compare(monkeypatch)
    gc.disable()
    try:
        result = CliRunner().invoke(app, ["compare", FILE])
        assert result.exit_code == 0, result.output
        assert seen == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_long_running_commands_keep_the_collector() -> None:
    commands = set(app.commands)  # type: ignore[attr-defined]
    assert ONE_SHOT <= commands
    assert {"serve", "track", "db", "admin", "push"} & ONE_SHOT == set()
    assert {"serve", "track", "db", "admin"} <= commands

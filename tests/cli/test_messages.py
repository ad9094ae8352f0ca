"""Messages a stranger gets: options refused by name, a ± wider than the value said as such, no
Python internals in errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shootprint.cli import app

PROD = """\
shootprint: 1
name: p
country: FR
activities:
  - {id: van, type: car, stage: shoot, distance: 12 km}
  - {id: flight, type: flight, stage: shoot, from: CDG, to: LIS, return: true}
"""
INTERNALS = ("Traceback", "Error(", "ValueError", "KeyError", "TypeError", "NoneType", "<class", "range(", "{'")


def text(*args: str) -> tuple[int, str]:
    out = CliRunner().invoke(app, list(args))
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exception
    return out.exit_code, out.output + (out.stderr if out.stderr_bytes is not None else "")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["factors", "search", "electricite", "--limit", "-5"], "--limit"),
        (["factors", "search", "electricite", "--lang", "xx"], "--lang"),
        (["factors", "show", "energy.grid.FR", "--format", "xml"], "--format"),
        (["models", "--kind", "sound"], "--kind"),
    ],
)
def test_options_out_of_range_are_refused(args: list[str], said: str) -> None:
    code, out = text(*args)
    assert code == 2 and said in out


def test_a_plus_minus_wider_than_the_value_is_said_as_such(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROD, encoding="utf-8")
    code, out = text("estimate", str(path), "--set", "activities.van.distance=12 km ± 200%")
    assert code == 2 and "± 200% reaches below zero" in out and "at most ± 100%" in out
    assert "must not be negative" not in out  # 12 km is not negative: its ± is too wide
    code, out = text("estimate", str(path), "--set", "activities.van.distance=12 km ± 100%")
    assert code == 0


@pytest.mark.parametrize(
    "change",
    [
        "activities.van.distance=abc",
        "activities.van.distance=12 kg",
        "activities.van.distance=3 (((",
        "activities.van.distance=$nope * $nope",
        "activities.van.distance={low: 5}",
        "activities.van.kind=spaceship",
        "activities.flight.to=Xyzzyqville",
        "activities.flight.return=maybe",
        "nope.x=1",
        "activities=[]",
        "country=Narnia",
    ],
)
def test_errors_hold_no_python_internals(tmp_path: Path, change: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROD, encoding="utf-8")
    code, out = text("estimate", str(path), "--set", change)
    assert code == 2, out
    assert not [i for i in INTERNALS if i in out], out
    assert "(in )" not in out and "''" not in out  # no empty unit names


@pytest.mark.parametrize("vary", ["name", "activities.flight.return", "activities.nope.distance", "parameters.x"])
def test_breakeven_refusals_are_sentences(tmp_path: Path, vary: str) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(PROD, encoding="utf-8")
    b.write_text(PROD.replace("12 km", "400 km"), encoding="utf-8")
    code, out = text("breakeven", str(a), str(b), "--vary", vary)
    assert code == 2 and "--vary" in out
    assert not [i for i in INTERNALS if i in out], out

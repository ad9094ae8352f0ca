"""Warnings carry a code, a template and its parameters; the sentence is built when it is read."""

from __future__ import annotations

import pickle
from pathlib import Path

from shootprint.calculator import Calculator
from shootprint.engine import Context
from shootprint.factors import FactorTable
from shootprint.files import load_production
from shootprint.i18n import Message
from shootprint.model import ResultWarning
from shootprint.uncertainty import unique_warnings

ROOT = Path(__file__).resolve().parents[2]


def _warnings(fp: object) -> list[ResultWarning]:
    return list(fp.warnings) + [w for line in fp.lines for w in line.warnings]  # type: ignore[attr-defined]


def test_an_estimate_formats_no_warning_until_it_is_read() -> None:
    fp = Calculator().estimate(load_production(ROOT / "examples" / "reference" / "ai-generated.yaml"))
    made = [w for w in _warnings(fp) if w.params]
    assert made, "the AI reference production warns (training share, provider location)"
    assert all(w._message is None for w in made)  # nothing formatted yet
    for w in made:
        assert w.message == Message(w.template, **w.params)  # the same sentence as when made eagerly
        assert w.to_dict()["message"] == str(w.message) and w.to_dict()["message_fr"] == w.text("fr")
        assert w._message is not None  # built once, kept


def test_warnings_made_the_old_ways_still_work() -> None:
    plain = ResultWarning("x", "a finished sentence", "line-1")
    assert plain.message == "a finished sentence" and plain.to_dict()["line_id"] == "line-1"
    made = ResultWarning("x", Message("{n} draws", n=3))
    assert made.message == "3 draws" and made == ResultWarning.of("x", "{n} draws", n=3)
    assert made != ResultWarning.of("x", "{n} draws", n=4)


def test_equal_sentences_are_one_warning_and_pickling_keeps_them() -> None:
    ctx = Context(FactorTable(), {})
    ctx.warn("w", "share {share}", share=0.12341)
    ctx.warn("w", "share {share}", share=0.12344)  # the same sentence ("share 0.123"): kept once
    ctx.warn("w", "share {share}", share=0.5)
    assert [str(w.message) for w in ctx._warnings] == ["share 0.123", "share 0.5"]
    assert len(unique_warnings(ctx._warnings + ctx._warnings)) == 2
    back = pickle.loads(pickle.dumps(ctx._warnings))
    assert back == ctx._warnings and [w.text("fr") for w in back] == ["share 0,123", "share 0,5"]

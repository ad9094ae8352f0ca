"""A lever that cannot apply to an option is skipped, and the report and the what-if say so."""

from __future__ import annotations

from pathlib import Path

from shootprint import api
from shootprint.report.document import gather, render_html
from shootprint.report.text import render_whatif

ROOT = Path(__file__).resolve().parents[2]
ONE_IMAGE = ROOT / "examples" / "claims" / "one-image-dalle.yaml"


def test_the_report_of_one_image_skips_fewer_iterations_and_says_why():
    data = gather([ONE_IMAGE], samples=200, sensitivity_samples=16)
    (_, result), *_ = data.whatifs
    skipped = {s["lever"]: s for s in result["skipped"]}
    assert "fewer_iterations" in skipped
    assert "iterations" in skipped["fewer_iterations"]["reason"]
    html = render_html(data, "en")
    assert "Levers that cannot apply to an option were skipped:" in html
    assert "must be at least 1" in html
    html_fr = render_html(data, "fr")
    assert "laissés de côté" in html_fr


def test_whatif_text_names_the_skipped_lever():
    result = api.whatif(ONE_IMAGE, levers=["fewer_iterations"], samples=200)
    text = render_whatif(result)
    assert "skipped, cannot apply here: fewer_iterations: activities.one-image.iterations" in text
    assert "laissé de côté" in render_whatif(result, lang="fr")

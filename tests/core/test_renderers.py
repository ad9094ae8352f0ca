"""Renderers return text or bytes; writing a file is the shell's one extra step."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from shootprint import api
from shootprint.report.document import gather, render_report, write_report
from shootprint.spreadsheet import (
    footprints_csv,
    footprints_xlsx,
    template_xlsx,
    write_footprints_csv,
    write_footprints_xlsx,
    write_template,
)

ROOT = Path(__file__).resolve().parents[2]
STUDIO = ROOT / "examples" / "reference" / "studio-paris.yaml"


def test_spreadsheets_as_bytes_and_text_are_what_the_writers_write(tmp_path: Path):
    fps = [api.estimate(STUDIO)]
    assert footprints_csv(fps) == write_footprints_csv(fps, tmp_path / "l.csv").read_text(encoding="utf-8")
    assert footprints_csv(fps).splitlines()[0].startswith("scenario,")
    for data, path in (
        (footprints_xlsx(fps), write_footprints_xlsx(fps, tmp_path / "l.xlsx")),
        (template_xlsx("fr"), write_template(tmp_path / "t.xlsx", "fr")),
    ):
        assert isinstance(data, bytes) and data[:2] == b"PK"
        ours, theirs = load_workbook(io.BytesIO(data)), load_workbook(path)
        assert ours.sheetnames == theirs.sheetnames
        first = ours.sheetnames[0]
        assert [list(r) for r in ours[first].iter_rows(values_only=True)] == [
            list(r) for r in theirs[first].iter_rows(values_only=True)
        ]


def test_a_report_renders_to_html_text_and_pdf_bytes(tmp_path: Path):
    data = gather([STUDIO], samples=100, sensitivity_samples=16)
    html = render_report(data, "fr", "html")
    assert isinstance(html, str) and html.lstrip().lower().startswith("<!doctype html")
    pdf = render_report(data, "en", "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    out = write_report([STUDIO], tmp_path / "r.html", samples=100)
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

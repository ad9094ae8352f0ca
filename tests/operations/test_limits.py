"""Limits at the edge: request bodies, document shapes (alias bombs, deep nesting), XLSX zip bombs."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from shootprint.cells import spreadsheet_safe
from shootprint.server.limits import (
    MAX_DOCUMENT_DEPTH,
    BodyLimit,
    HostileInput,
    check_document_shape,
    check_xlsx,
)


def make_app(limit: int) -> tuple[FastAPI, list[int]]:
    app = FastAPI()
    seen: list[int] = []

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()
        seen.append(len(body))
        return {"bytes": len(body)}

    app.add_middleware(BodyLimit, max_bytes=limit)
    return app, seen


def test_body_over_the_limit_is_413_before_the_route_reads_it() -> None:
    app, seen = make_app(1000)
    client = TestClient(app)
    assert client.post("/echo", content=b"x" * 1000).json() == {"bytes": 1000}
    too_big = client.post("/echo", content=b"x" * 1001)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    assert too_big.json()["problems"][0]["code"] == "body-too-large"
    assert seen == [1000]


def test_chunked_body_without_length_is_cut_at_the_limit() -> None:
    app, seen = make_app(1000)
    client = TestClient(app)

    def chunks():  # no Content-Length: sent chunked
        for _ in range(10):
            yield b"y" * 300

    answer = client.post("/echo", content=chunks())
    assert answer.status_code == 413
    assert seen == []


def test_billion_laughs_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    data = yaml.load(bomb, Loader=yaml.CSafeLoader)  # shared references: cheap to load …
    with pytest.raises(HostileInput, match="aliases"):  # … refused before anything expands them
        check_document_shape(data, "bomb.yaml")


def test_deep_nesting_is_refused_and_normal_documents_pass() -> None:
    deep: list[object] = []
    for _ in range(MAX_DOCUMENT_DEPTH + 1):
        deep = [deep]
    with pytest.raises(HostileInput, match="nested more than"):
        check_document_shape({"activities": deep}, "deep.yaml")
    check_document_shape({"name": "ok", "activities": [{"id": "a", "days": 2}] * 100}, "ok.yaml")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_xlsx_checks() -> None:
    with pytest.raises(HostileInput, match="not a zip file"):
        check_xlsx(b"name: not a workbook\n", "fake.xlsx")
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200_000  # small on the wire …
    with pytest.raises(HostileInput, match="unpacks to"):  # … huge unpacked
        check_xlsx(bomb, "bomb.xlsx")
    with pytest.raises(HostileInput, match="not an XLSX workbook"):
        check_xlsx(_zip({"hello.txt": b"hi"}), "other.xlsx")
    check_xlsx(_zip({"[Content_Types].xml": b"<x/>"}), "fine.xlsx")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Studio Paris", "Studio Paris"),
    ],
)
def test_spreadsheet_safe(text: str, safe: str) -> None:
    assert spreadsheet_safe(text) == safe


def test_names_exported_to_csv_are_not_formulas(tmp_path) -> None:
    """A production named like a formula is written as text in CSV exports."""
    import csv
    from pathlib import Path

    from click.testing import CliRunner

    from shootprint.cli import app

    source = Path(__file__).resolve().parents[2] / "examples" / "reference" / "studio-paris.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    files = []
    for i, name in enumerate(['=HYPERLINK("http://evil.example","click")', "@SUM(1+1)"]):
        path = tmp_path / f"p{i}.yaml"
        path.write_text(yaml.safe_dump({**doc, "name": name}, allow_unicode=True), encoding="utf-8")
        files.append(str(path))
    result = CliRunner().invoke(app, ["compare", *files, "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(result.output.splitlines()) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells and "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "@", "+")) for cell in cells)

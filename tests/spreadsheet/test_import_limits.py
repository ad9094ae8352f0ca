"""A workbook to import is bounded before its cells are loaded: size on disk, size unzipped, each
sheet's dimensions, each cell's length. (An adversary's 45 KB file with one cell at XFD1048576 took
1.5 GB; a 1.5 MB file with a 1.5 GB string took 17.5 GB.)"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from shootprint.errors import InputError
from shootprint.spreadsheet import MAX_CELL_CHARS, MAX_ROWS, MAX_UNZIPPED_BYTES, import_workbook, write_template


def _template(tmp_path: Path) -> Path:
    return write_template(tmp_path / "t.xlsx")


def test_a_cell_at_the_last_row_and_column_is_refused(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[1]["XFD1048576"] = "x"
    wb.save(path)
    with pytest.raises(InputError, match="reaches row 1,048,576"):
        import_workbook(path)


def test_too_many_parameter_rows_are_refused(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if ws.title.lower().startswith("param"))
    for row in range(2, MAX_ROWS + 10):
        ws.cell(row, 1, f"p{row}")
        ws.cell(row, 2, 1)
    wb.save(path)
    with pytest.raises(InputError, match="rows"):
        import_workbook(path)


def test_a_huge_string_is_refused_before_loading(tmp_path: Path) -> None:
    import zipfile

    path = _template(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings2.xml", "x" * (MAX_UNZIPPED_BYTES + 1))
    assert path.stat().st_size < MAX_UNZIPPED_BYTES // 50  # it compresses to almost nothing
    with pytest.raises(InputError, match="unzipped"):
        import_workbook(path)


def test_a_long_cell_is_refused(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if ws.title.lower() == "production")
    ws.cell(2, 2, "n" * (MAX_CELL_CHARS + 1))
    wb.save(path)
    with pytest.raises(InputError, match="characters"):
        import_workbook(path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not an XLSX"):
        import_workbook(path)
    with pytest.raises(InputError, match="regular file|folder|not found"):
        import_workbook(tmp_path)

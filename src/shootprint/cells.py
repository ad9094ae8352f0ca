"""Text cells written to CSV and spreadsheets: never read back as a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, for some, a tab
or carriage return) as a formula, so a production named ``=HYPERLINK(…)`` would become a live link in
an exported file (OWASP, "CSV Injection"). Text cells that start so get a leading apostrophe, which
spreadsheet programs show as text; numbers stay numbers.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_row(row: dict[str, object]) -> dict[str, object]:
    """A CSV row whose text cells are :func:`spreadsheet_safe` (other values untouched)."""
    return {k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in row.items()}

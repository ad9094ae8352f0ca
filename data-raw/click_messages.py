"""The messages Click writes itself (usage errors, help-page headings), read from the installed Click.

Click wraps them in the standard library's ``gettext.gettext`` (imported as ``_``) and
``ngettext``; ``shootprint.cli`` routes those calls to shootprint's catalog when the language is
French. This script lists their msgids from Click's source, as xgettext would: the string literal
arguments of ``_("…")`` and ``ngettext("…", "…", n)``. ``data-raw/compile_catalogs.py`` adds them
to the catalog's template, so a new Click (``constraints.txt`` pins it) brings its new messages
into ``messages.po`` to translate, and ``--check`` fails until they are.

    .venv/bin/python data-raw/click_messages.py      # print the msgids (plural pairs joined by " | ")
"""

from __future__ import annotations

import ast
from pathlib import Path

#: the names Click's modules give gettext's functions (``from gettext import gettext as _``)
SINGULAR, PLURAL = "_", "ngettext"

Msgid = str | tuple[str, str]
#: calls whose text is not a literal, by the expression Click passes: the texts it can hold (read
#: from Click's source; an expression not listed here stops the script, to be read and added)
DYNAMIC = {"extra['required']": ("required",)}  # core.py: Option.get_help_extra's "required"


def click_source() -> Path:
    import click

    return Path(click.__file__).resolve().parent


def _literals(node: ast.expr, where: str) -> tuple[str, ...]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if ast.unparse(node) in DYNAMIC:
        return DYNAMIC[ast.unparse(node)]
    raise ValueError(f"{where}: a gettext call whose text is not a string literal: {ast.unparse(node)}")


def messages(source: Path | None = None) -> list[Msgid]:
    """Click's msgids in the order of its files and lines, each once: a str, or (singular, plural)."""
    folder = source or click_source()
    found: dict[Msgid, None] = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            where = f"{path.name}:{node.lineno}"
            if node.func.id == SINGULAR and node.args:
                found.update(dict.fromkeys(_literals(node.args[0], where)))
            elif node.func.id == PLURAL and len(node.args) >= 2:
                (singular,), (plural,) = _literals(node.args[0], where), _literals(node.args[1], where)
                found[(singular, plural)] = None
    return list(found)


if __name__ == "__main__":
    for msgid in messages():
        print(msgid if isinstance(msgid, str) else " | ".join(msgid))

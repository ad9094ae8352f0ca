"""No new English-only message: an error a user can meet is written as a catalog template.

The catalogs check that every marked message has its French (``test_french_everywhere`` and
``data-raw/compile_catalogs.py --check``); this test checks the other half, that messages are
marked at all. It reads the engine's and the command line's source and fails on an error raised
with a plain string or f-string (its sentence would never reach the catalog), or such a string
added to a list of problems. Write ``Message("… {name} …", name=…)`` (or ``N_`` for a fixed text)
instead, then give it its French in the catalog.

All of the package is covered: the engine, the command line (``shootprint track`` and
``shootprint admin`` included), the tracker's package tables and traces, the web application and
its settings. The few errors listed in ``ALLOWED`` are internal (a broken package file, a
programming error) and never reach a user with a valid installation.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "shootprint"
#: exceptions whose text a user reads (the CLI prints them; validators' ValueErrors become problems)
USER_FACING = {
    "InputError",
    "FactorError",
    "ShootprintError",
    "ProblemsError",
    "ExpressionError",
    "ValueError",
    "KeyError",
    "Invalid",
    "HostileInput",
    "BackupError",  # shootprint admin backup / restore
    "CommandError",  # shootprint track: a command that cannot be run
    "ClickException",
    "BadParameter",
    "UsageError",
}
#: (file, start of the text): internal errors, English by design
ALLOWED = {
    ("i18n.py", "unknown language "),  # a programming error: --lang is a choice of LANGS
    ("report/document.py", "equivalences.csv: "),  # a broken package file
    ("server/access.py", "route "),  # a programming error: a route declared twice
    ("server/services/scope.py", "Via.kind: "),  # a programming error: the code names how a change came
    ("server/memory.py", "SizedCache: "),  # a programming error: a cache's bounds are constants of the code
    ("server/memory.py", "CollectorPauses: "),  # a programming error: its bounds are constants of the code
    ("server/memory.py", "MallocTrim: "),  # a programming error: its interval is a constant of the code
}


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _start(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    if isinstance(node, ast.BinOp):
        return _start(node.left)
    return ""


def _name(node: ast.AST) -> str:
    """``problems`` of ``problems`` or ``self.problems``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def english_only(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of each error raised with, or problem added as, a plain string."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in USER_FACING and _is_text(node.exc.args[0]):
                found.append((node.lineno, _start(node.exc.args[0])))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "add")
            and "problem" in _name(node.func.value)
            and node.args
            and _is_text(node.args[0])
        ):
            found.append((node.lineno, _start(node.args[0])))
    return found


def test_the_check_finds_a_plain_string_error() -> None:
    tree = ast.parse(
        "def f(x):\n"
        "    problems.append(f'{x}: bad')\n"
        "    self.problems.append('bad')\n"
        "    raise InputError(f'activities.{x}.distance: must be positive')\n"
        "    raise InputError(Message('activities.{id}.distance: must be positive', id=x))\n"
    )
    assert sorted(english_only(tree)) == [(2, ""), (3, "bad"), (4, "activities.")]


def test_no_error_of_the_engine_or_the_cli_is_english_only() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        for line, text in english_only(ast.parse(path.read_text(encoding="utf-8"))):
            if not any(relative == file and text.startswith(start) for file, start in ALLOWED):
                found.append(f"{relative}:{line}: {text!r}")
    assert not found, "messages outside the catalogs (write them as Message templates):\n" + "\n".join(found)


def test_every_problem_template_has_its_french() -> None:
    """A template given to ``Problem.make`` is looked up in the catalog: written plainly (not marked
    with ``N_``), it is never extracted and stays English in French output."""
    from shootprint.i18n import translations

    french = translations("fr")._catalog  # noqa: SLF001 (gettext's own table: what the package ships)
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            # Problem.make(code, template, …) and the helpers that pass their template to it
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("make", "_failed"):
                continue
            if len(node.args) < 2:
                continue
            template = node.args[1]
            if isinstance(template, ast.Call) and getattr(template.func, "id", "") == "N_" and template.args:
                template = template.args[0]
            if (
                isinstance(template, ast.Constant)
                and isinstance(template.value, str)
                and not french.get(template.value)
            ):
                missing.append(f"{path.relative_to(SOURCE).as_posix()}:{node.lineno}: {template.value!r}")
    assert not missing, "problem templates without French (mark them with N_ and translate):\n" + "\n".join(missing)

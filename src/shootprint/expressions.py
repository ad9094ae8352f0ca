"""The small arithmetic a quantity may be written in: parameters, numbers, ``*``, ``/``, ``+`` and
parentheses. Read by a parser of its own (nothing is evaluated by Python), into a tree of tuples.

Grammar (spaces anywhere between tokens)::

    expression := term ("+" term)*
    term       := factor (("*" | "/") factor)*
    factor     := "$" NAME | NUMBER [UNIT] | "(" expression ")"

Examples: ``$crew * 3``, ``3 * $crew``, ``$crew * $days``, ``$crew + 1``, ``$days / 2``,
``($crew + 2) * $days``, ``$days + 1 day``. Numbers take a decimal point or a decimal comma.

Units: a parameter with a unit, or a number written with one, is a quantity in that unit; it
must convert to the field's unit. A plain number or a parameter without a unit is a count.
Multiplying or dividing by counts keeps the unit, a quantity divided by a quantity is a count, and
an addition adds like to like (``$days + 1`` is refused: write ``$days + 1 day``). Multiplying two
quantities with units, dividing by a parameter (it could be 0) and subtracting (a quantity could
become negative) are refused, each with a sentence saying why.

Trees: ``("num", value)`` (a number, already in the field's unit when written with a unit),
``("param", name)``, ``(op, left, right)`` with op one of ``+ * /``. :func:`evaluate` works on floats
and on numpy arrays of draws alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from shootprint.i18n import Message

Expr = tuple[Any, ...]

#: what an expression may be at most: characters, tokens and depth of parentheses
MAX_CHARS = 200
MAX_TOKENS = 60
MAX_DEPTH = 10

GRAMMAR = Message(
    "'$name', numbers, '*', '/', '+' and parentheses, e.g. '$crew * 3', '$crew * $days', '($crew + 1) * 2'"
)

_NUM = r"(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?"
_UNIT = r"[A-Za-zÀ-ÖØ-öø-ÿµ°][A-Za-zÀ-ÖØ-öø-ÿµ°0-9_.²³]*"
_TOKEN = re.compile(
    rf"\s*(?:(?P<num>{_NUM})(?:\s*(?P<unit>{_UNIT}))?|\$(?P<param>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-*/+()]))"
)


#: the problem codes of expressions (``Problem.code``), each with what it means; a parameter the
#: file does not define is ``unknown-parameter``, as for a quantity that is one ``$parameter``
CODES = {
    "expression-syntax": "cannot be read: a character, a sign or a parenthesis out of place, or it ends too soon",
    "expression-limit": "longer than an expression may be: characters, terms or nested parentheses",
    "expression-unsupported": "reads, but is not computed: subtraction, negative numbers, powers, division by a "
    "parameter or an expression",
    "expression-division-by-zero": "divides by 0",
    "expression-unit": "units that do not combine or do not fit the field: a unit in a count, two quantities "
    "multiplied, a quantity added to a count, a count where the field needs a unit, a unit that does not convert",
    "expression-not-finite": "not a finite number with the file's parameters",
}


class ExpressionError(ValueError):
    """An expression that cannot be read or computed, said in a sentence; ``code`` says which way
    (one of :data:`CODES`), for the problem it becomes."""

    def __init__(self, message: str, code: str = "expression-syntax") -> None:
        super().__init__(message)
        assert code in CODES, code
        self.code = code


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def tokens(text: str) -> list[tuple[str, str, str]]:
    """(kind, text, unit) tokens of ``text``; ExpressionError at the first character not read."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(Message("an expression takes at most {n} characters", n=MAX_CHARS), "expression-limit")
    out: list[tuple[str, str, str]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionError(
                Message("cannot read {given!r}; accepted: {grammar}", given=_short(text[pos:].strip()), grammar=GRAMMAR)
            )
        if m.group("num") is not None:
            out.append(("num", m.group("num"), m.group("unit") or ""))
        elif m.group("param") is not None:
            out.append(("param", m.group("param"), ""))
        else:
            out.append(("op", m.group("op"), ""))
        pos = m.end()
        if len(out) > MAX_TOKENS:
            raise ExpressionError(
                Message("an expression takes at most {n} numbers, parameters and signs", n=MAX_TOKENS),
                "expression-limit",
            )
    return out


def _number(text: str) -> float:
    from shootprint.model import _num

    return _num(text)


def parse(text: str, unit: str) -> Expr:
    """The tree of ``text`` for a field in ``unit`` ("" for a count); ExpressionError when it is not one.

    Numbers written with a unit are converted to ``unit`` here (refused if they cannot be)."""
    from shootprint import units

    toks = tokens(text)
    pos = 0

    def peek() -> tuple[str, str, str] | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> tuple[str, str, str]:
        nonlocal pos
        tok = toks[pos]
        pos += 1
        return tok

    def factor(depth: int) -> Expr:
        tok = peek()
        if tok is None:
            raise ExpressionError(
                Message("{given!r} ends too soon; accepted: {grammar}", given=_short(text), grammar=GRAMMAR)
            )
        kind, value, given_unit = take()
        if kind == "param":
            return ("param", value)
        if kind == "num":
            number = _number(value)
            if not given_unit:
                return ("num", number, False)
            if not unit:
                raise ExpressionError(
                    Message(
                        "'{value} {unit}': this field is a count, a number in it has no unit",
                        value=value,
                        unit=given_unit,
                    ),
                    "expression-unit",
                )
            try:
                return ("num", units.convert(number, given_unit, unit), True)
            except ValueError as exc:
                said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
                raise ExpressionError(
                    Message("'{value} {unit}': {error}", value=value, unit=given_unit, error=said), "expression-unit"
                ) from None
        if value == "(":
            if depth >= MAX_DEPTH:
                raise ExpressionError(Message("parentheses nested more than {n} deep", n=MAX_DEPTH), "expression-limit")
            inner = expression(depth + 1)
            close = peek()
            if close is None or close[1] != ")":
                raise ExpressionError(Message("{given!r}: a '(' is not closed", given=_short(text)))
            take()
            return inner
        if value == "-":
            raise ExpressionError(
                Message(
                    "{given!r}: subtraction and negative numbers are not computed (a quantity could become "
                    "negative): define a parameter holding the value",
                    given=_short(text),
                ),
                "expression-unsupported",
            )
        raise ExpressionError(
            Message(
                "{given!r}: '{value}' where a number, a $parameter or '(' was expected", given=_short(text), value=value
            )
        )

    def term(depth: int) -> Expr:
        left = factor(depth)
        while (tok := peek()) is not None and tok[1] in ("*", "/"):
            op = take()[1]
            if op == "*" and (nxt := peek()) is not None and nxt[1] == "*":
                raise ExpressionError(
                    Message(
                        "{given!r}: powers ('**') are not computed; accepted: {grammar}",
                        given=_short(text),
                        grammar=GRAMMAR,
                    ),
                    "expression-unsupported",
                )
            right = factor(depth)
            if op == "/" and right[0] != "num":
                raise ExpressionError(
                    Message(
                        "{given!r}: divides by a parameter or an expression (it could be 0); divide by a number, "
                        "or define a parameter holding the value",
                        given=_short(text),
                    ),
                    "expression-unsupported",
                )
            if op == "/" and right[1] == 0:
                raise ExpressionError(
                    Message("divides by 0 ({given})", given=_short(text)), "expression-division-by-zero"
                )
            left = (op, left, right)
        return left

    def expression(depth: int) -> Expr:
        left = term(depth)
        while (tok := peek()) is not None and tok[1] in ("+", "-"):
            if tok[1] == "-":
                raise ExpressionError(
                    Message(
                        "{given!r}: subtraction is not computed (a quantity could become negative): define a "
                        "parameter holding the value",
                        given=_short(text),
                    ),
                    "expression-unsupported",
                )
            take()
            left = ("+", left, term(depth))
        return left

    tree = expression(0)
    if pos != len(toks):
        kind, value, _ = toks[pos]
        shown = "$" + value if kind == "param" else value
        raise ExpressionError(
            Message(
                "{given!r}: '{shown}' is not expected there; accepted: {grammar}",
                given=_short(text),
                shown=shown,
                grammar=GRAMMAR,
            )
        )
    return tree


def params(tree: Expr) -> list[str]:
    """The parameters ``tree`` refers to, in the order written, each once."""
    if tree[0] == "param":
        return [tree[1]]
    if tree[0] == "num":
        return []
    return list(dict.fromkeys(params(tree[1]) + params(tree[2])))


def linear(tree: Expr) -> tuple[str, float] | None:
    """(parameter, scale) when ``tree`` is one parameter times or divided by plain numbers, else None."""
    if tree[0] == "param":
        return tree[1], 1.0
    if tree[0] in ("*", "/"):
        left, right = tree[1], tree[2]
        if right[0] == "num" and not right[2]:
            inner = linear(left)
            if inner is not None:
                return inner[0], inner[1] * right[1] if tree[0] == "*" else inner[1] / right[1]
        if tree[0] == "*" and left[0] == "num" and not left[2]:
            inner = linear(right)
            if inner is not None:
                return inner[0], left[1] * inner[1]
    return None


def check_units(tree: Expr, unit: str, param_units: Mapping[str, str]) -> bool:
    """Whether ``tree`` gives a quantity in ``unit`` (True) or a count (False); ExpressionError when
    its units do not combine. ``param_units``: each parameter's unit ("" for a count), already known
    to convert to ``unit``."""
    kind = tree[0]
    if kind == "num":
        return bool(tree[2])
    if kind == "param":
        return bool(param_units.get(tree[1]))
    left, right = check_units(tree[1], unit, param_units), check_units(tree[2], unit, param_units)
    if kind == "*":
        if left and right:
            raise ExpressionError(
                Message("multiplies two quantities in {unit}: one of them must be a count", unit=unit),
                "expression-unit",
            )
        return left or right
    if kind == "/":
        return left and not right
    if left != right:
        raise ExpressionError(
            Message(
                "adds a quantity in {unit} and a count: write the number with its unit (e.g. '+ 1 {unit}') or use "
                "parameters of the same kind",
                unit=unit,
            ),
            "expression-unit",
        )
    return left


def evaluate(tree: Expr, value_of: Callable[[str], Any]) -> Any:
    """The value of ``tree``; ``value_of(name)`` gives a parameter's value (a float or an array of
    draws) in the field's unit for a quantity, as it is for a count."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "param":
        return value_of(tree[1])
    left, right = evaluate(tree[1], value_of), evaluate(tree[2], value_of)
    if kind == "*":
        return left * right
    if kind == "/":
        return left / right
    return left + right

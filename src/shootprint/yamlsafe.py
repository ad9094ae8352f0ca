"""Reading YAML from strangers: duplicate keys refused, aliases and depth bounded, errors short.

Every YAML a user gives (production files, overrides, ``--set`` values) goes through :func:`load`.
PyYAML's safe loader alone lets the last of two equal keys win silently (``count: 10`` then
``count: 1000``), and an alias "bomb" of a few hundred bytes expands into billions of nodes once
anything walks the data (validation, copies, error messages). Here:

* a key written twice in one mapping is an error naming its line;
* the data as it would be expanded (aliases counted each time they are used) may hold at most
  :data:`MAX_NODES` values, nested at most :data:`MAX_DEPTH` deep;
* the text may be at most :data:`MAX_BYTES` long.

:func:`shown` is how any message quotes user input: never more than a few dozen characters.
"""

from __future__ import annotations

from typing import Any

from shootprint.errors import InputError
from shootprint.i18n import Message, count

#: limits of one YAML document (a production file is a few kilobytes; a large one, a few hundred)
MAX_BYTES = 5_000_000
MAX_NODES = 200_000
MAX_DEPTH = 32
SHOWN_CHARS = 60
#: integers from here on are described, not written (str() of a longer one is refused or slow);
#: computed once: ``10**4000`` in an expression is worked out again on every call (25 µs)
_HUGE_INT = 10**4000


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters (input is quoted, never echoed whole)."""
    text = _bounded_repr(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded_repr(value: Any, limit: int) -> str:
    """A repr built only as far as ``limit`` characters (an expanded alias bomb is never walked)."""
    if isinstance(value, str):
        return repr(value[: limit + 2])
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(value)) if abs(value) < _HUGE_INT else None
        if digits is None or digits > limit:
            return f"<an integer of {'over 4000' if digits is None else digits} digits>"
        return repr(value)
    if isinstance(value, dict):
        parts, size = [], 2
        for k, v in value.items():
            part = f"{_bounded_repr(k, limit)}: {_bounded_repr(v, limit)}"
            parts.append(part)
            size += len(part) + 2
            if size > limit:
                break
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        parts, size = [], 2
        for v in value:
            part = _bounded_repr(v, limit)
            parts.append(part)
            size += len(part) + 2
            if size > limit:
                break
        return "[" + ", ".join(parts) + "]"
    return repr(value)[: limit + 2]


def _loader_class() -> type:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *base` merges: its keys may be overridden, as YAML says
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue  # SafeConstructor reports unhashable keys itself
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {shown(key)} is written twice in this mapping (first at line "
                        f"{seen[key].line + 1}); each key may appear once",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


_LOADER: list[type] = []


def loader() -> type:
    if not _LOADER:
        _LOADER.append(_loader_class())
    return _LOADER[0]


def load(text: str, source: str) -> Any:
    """The data of one YAML document, checked against the limits above; InputError naming ``source``."""
    import yaml

    if len(text) > MAX_BYTES:
        raise InputError(
            Message(
                "{source}: {size} characters; a YAML file may hold at most {most}",
                source=source,
                size=count(len(text)),
                most=count(MAX_BYTES),
            )
        )
    try:
        data = yaml.load(text, Loader=loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            Message(" at line {line}, column {column}", line=str(mark.line + 1), column=str(mark.column + 1))
            if mark
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            Message(
                "{source}: malformed YAML{where}: {problem}", source=source, where=where, problem=str(problem)[:300]
            )
        ) from None
    except RecursionError:
        raise InputError(_too_deep(source)) from None
    check_size(data, source)
    return data


def _too_deep(source: str) -> Message:
    return Message("{source}: nested more than {most} levels deep", source=source, most=str(MAX_DEPTH))


def check_size(data: Any, source: str) -> None:
    """InputError when ``data``, expanded, holds more than MAX_NODES values or nests deeper than MAX_DEPTH.

    Walks at most MAX_NODES values: shared (aliased) values are counted each time they appear.
    """
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError(
                Message(
                    "{source}: too large once its aliases are expanded (more than {most} values); write the values "
                    "out or use fewer aliases",
                    source=source,
                    most=count(MAX_NODES),
                )
            )
        if depth > MAX_DEPTH:
            raise InputError(_too_deep(source))
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            stack.extend((k, depth + 1) for k in node if isinstance(k, tuple))
        elif isinstance(node, list | tuple):
            stack.extend((v, depth + 1) for v in node)

"""Paths to fields of a production file, and setting values through them (``--set PATH=VALUE``).

``activities.<id>.<field>`` (an activity by its id), ``parameters.<name>``, and any top-level
field (``shoot_days``, ``deliverables.still_images``). Values are read as YAML scalars, so
``--set activities.flights.travellers=4`` and ``--set parameters.crew="8 ± 20%"`` both work.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from shootprint.errors import InputError
from shootprint.i18n import Message, said


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` → (path, value read as YAML)."""
    from shootprint import yamlsafe

    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise InputError(
            Message(
                "--set {given}: expected PATH=VALUE, e.g. activities.flights.travellers=4", given=yamlsafe.shown(text)
            )
        )
    try:
        value = yamlsafe.load(raw, f"--set {path.strip()[:60]}")
    except InputError as exc:
        if "written twice" in str(exc) or "too large" in str(exc) or "nested more" in str(exc):
            raise
        value = raw
    if isinstance(value, bool) and raw.strip().lower() not in ("true", "false"):
        value = raw.strip()  # YAML 1.1 reads NO (Norway), yes, on, off as booleans: keep the text
    return path.strip(), value


def apply_sets(data: dict[str, Any], assignments: dict[str, Any], source: str = "") -> dict[str, Any]:
    """A copy of the raw production ``data`` with each path set to its value."""
    out = copy.deepcopy(data)
    problems = []
    for path, value in assignments.items():
        try:
            set_path(out, path, value)
        except KeyError as exc:
            problems.append(Message("{source}: --set {path}: {error}", source=source, path=path, error=said(exc)))
    if problems:
        raise InputError(problems)
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    if parts[0] == "activities":
        if len(parts) < 3:
            raise KeyError(Message("expected activities.<id>.<field>"))
        acts = data.get("activities")
        acts = acts if isinstance(acts, list) else []
        ids = [a.get("id") for a in acts if isinstance(a, dict)]
        for act in acts:
            if isinstance(act, dict) and act.get("id") == parts[1]:
                _set_in(act, parts[2:], value)
                return
        close = difflib.get_close_matches(parts[1], [str(i) for i in ids if i], n=3)
        raise KeyError(
            Message(
                "no activity with id {given} (ids: {ids}){hint}",
                given=repr(parts[1]),
                ids=", ".join(map(str, ids)),
                hint=_did_you_mean(close),
            )
        )
    if parts[0] == "parameters":
        if len(parts) != 2:
            raise KeyError(Message("expected parameters.<name>"))
        params = data.setdefault("parameters", {}) or {}
        if not isinstance(params, dict):
            raise KeyError(Message("{key} is not a mapping", key="parameters"))
        if parts[1] not in params:
            params = {str(k): v for k, v in params.items()}
            close = difflib.get_close_matches(parts[1], list(params), n=3)
            raise KeyError(
                Message(
                    "no parameter {given} (parameters: {known}){hint}",
                    given=repr(parts[1]),
                    known=", ".join(map(str, params)),
                    hint=_did_you_mean(close),
                )
            )
        params[parts[1]] = _keep_unit(params[parts[1]], value)
        data["parameters"] = params
        return
    _set_in(data, parts, value)


def _set_in(node: dict[str, Any], parts: list[str], value: Any) -> None:
    for key in parts[:-1]:
        child = node.get(key)
        if child is None:
            child = {}
            node[key] = child
        if not isinstance(child, dict):
            raise KeyError(Message("{key} is not a mapping", key=key))
        node = child
    node[parts[-1]] = _keep_unit(node.get(parts[-1]), value)


def get_path(data: dict[str, Any], path: str) -> Any:
    parts = path.split(".")
    node: Any = data
    if parts[0] == "activities":
        if len(parts) < 2:
            raise KeyError(Message("expected activities.<id>.<field>"))
        acts = data.get("activities")
        acts = acts if isinstance(acts, list) else []
        node = next((a for a in acts if isinstance(a, dict) and a.get("id") == parts[1]), None)
        if node is None:
            raise KeyError(Message("no activity with id {given}", given=repr(parts[1])))
        parts = parts[2:]
    for key in parts:
        if not isinstance(node, dict) or key not in node:
            raise KeyError(Message("{path}: not set in the file", path=path))
        node = node[key]
    return node


def _did_you_mean(close: list[str]) -> str:
    return Message("; did you mean {close}?", close=", ".join(close)) if close else ""


def _keep_unit(old: Any, new: Any) -> Any:
    """A bare number set on a parameter written with a unit keeps that unit."""
    if isinstance(new, bool) or not isinstance(new, int | float):
        return new
    if isinstance(old, dict) and old.get("unit"):
        return {"value": new, "unit": old["unit"]}
    if isinstance(old, str):
        from shootprint.model import parse_quantity

        parts = old.replace("±", " ± ").split()
        if len(parts) > 1 and parts[1] != "±":
            try:
                parse_quantity(f"1 {parts[1]}", parts[1])
            except ValueError:
                return new
            return f"{new} {parts[1]}"
    return new

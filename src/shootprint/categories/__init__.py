"""One module per category of a production; each registers its activity types.

A category module defines ``CATEGORY`` (its name in results) and ``ACTIVITIES``: a mapping of
activity ``type`` (as written in the production file) to ``(InputModel, compute)``, where
``compute(activity, ctx) -> list[Draft]`` is a pure function (see :mod:`shootprint.engine`).
Nothing here imports a shell (CLI, reports, tracker): an import-linter contract checks it.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

#: the category modules, in the order their lines are listed
MODULES = (
    "travel",
    "freight",
    "accommodation",
    "catering",
    "energy",
    "sets",
    "equipment",
    "post_production",
    "waste",
    "spend",
    "ai",
)


@cache
def _modules() -> tuple[Any, ...]:
    return tuple(import_module(f"shootprint.categories.{name}") for name in MODULES)


@cache
def registry() -> dict[str, tuple[str, Any]]:
    """Activity type → (category name, compute function)."""
    out: dict[str, tuple[str, Any]] = {}
    for mod in _modules():
        for type_name, (_model, compute) in getattr(mod, "ACTIVITIES", {}).items():
            if type_name in out:
                raise RuntimeError(f"activity type {type_name!r} registered twice")
            out[type_name] = (mod.CATEGORY, compute)
    return out


@cache
def models() -> dict[str, Any]:
    """Activity type → its pydantic input model."""
    return {
        type_name: model
        for mod in _modules()
        for type_name, (model, _compute) in getattr(mod, "ACTIVITIES", {}).items()
    }


@cache
def excludable() -> list[str]:
    """What ``--exclude`` accepts: every category, then every line tag (``TAGS`` of a module)."""
    names = [mod.CATEGORY for mod in _modules()]
    for mod in _modules():
        names.extend(t for t in getattr(mod, "TAGS", ()) if t not in names)
    return names

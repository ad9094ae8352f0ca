"""One module per category of a production; each registers its activity types.

A category module defines ``CATEGORY`` (its name in results) and ``ACTIVITIES``: a mapping of
activity ``type`` (as written in the production file) to ``(InputModel, compute)``, where
``compute(activity, ctx) -> list[Draft]`` is a pure function (see :mod:`shootprint.engine`).
Nothing here imports a shell (CLI, reports, tracker): an import-linter contract checks it.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any, TypeGuard

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

#: each module's activity types (the keys of its ``ACTIVITIES``, in their order) and line tags (its
#: ``TAGS``), written out so that a production imports the modules of the types it uses and no
#: other; a test checks them against the modules. A module's category name (``CATEGORY``) is its name.
ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "travel": ("flight", "train", "car", "van", "taxi", "bus", "motorbike"),
    "freight": ("freight", "excess_baggage"),
    "accommodation": ("hotel",),
    "catering": ("meal", "drinks", "snacks"),
    "energy": ("electricity", "generator", "gas", "studio"),
    "sets": ("material", "costume"),
    "equipment": ("equipment",),
    "post_production": ("workspace", "workstation", "render", "storage", "data_transfer", "review_meeting"),
    "waste": ("waste",),
    "spend": ("spend",),
    "ai": ("text_to_image", "image_edit", "upscale", "text_to_video", "image_to_video", "video_upscale", "llm_assist"),
}
LINE_TAGS: dict[str, tuple[str, ...]] = {
    "post_production": ("workspace",),
    "waste": ("avoided-emissions",),
    "ai": ("training",),
}
#: activity type → the name of the module that registers it (in the order of :func:`models`)
MODULE_OF: dict[str, str] = {type_name: name for name in MODULES for type_name in ACTIVITY_TYPES[name]}


@cache
def _module(name: str) -> Any:
    return import_module(f"shootprint.categories.{name}")


@cache
def _modules() -> tuple[Any, ...]:
    return tuple(_module(name) for name in MODULES)


def is_type(type_name: object) -> TypeGuard[str]:
    """Whether ``type_name`` is a registered activity type (no category module imported)."""
    return isinstance(type_name, str) and type_name in MODULE_OF


def model_of(type_name: str) -> Any:
    """The pydantic input model of one activity type, importing only its module (KeyError if the
    type is not registered)."""
    return _module(MODULE_OF[type_name]).ACTIVITIES[type_name][0]


@cache
def compute_of(type_name: str) -> tuple[str, Any]:
    """(category name, compute function) of one activity type, importing only its module."""
    mod = _module(MODULE_OF[type_name])
    return mod.CATEGORY, mod.ACTIVITIES[type_name][1]


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
    names = list(MODULES)
    for name in MODULES:
        names.extend(t for t in LINE_TAGS.get(name, ()) if t not in names)
    return names

"""shootprint: the carbon footprint of visual productions, shot or generated, with its sources.

The public functions are imported lazily so that ``import shootprint`` stays cheap.
"""

from __future__ import annotations

from typing import Any

from shootprint._version import __version__

__all__ = ["__version__", "Calculator", "estimate", "compare", "load_production"]


def __getattr__(name: str) -> Any:
    if name == "Calculator":
        from shootprint.calculator import Calculator

        return Calculator
    if name in ("estimate", "compare", "load_production"):
        from shootprint import api

        return getattr(api, name)
    raise AttributeError(name)

"""Category: accommodation (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "accommodation"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

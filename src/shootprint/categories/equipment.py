"""Category: equipment (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "equipment"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

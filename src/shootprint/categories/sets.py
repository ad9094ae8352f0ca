"""Category: sets (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "sets"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

"""Category: freight (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "freight"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

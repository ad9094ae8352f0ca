"""Category: spend (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "spend"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

"""Category: travel (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "travel"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

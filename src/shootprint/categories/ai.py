"""Category: ai (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "ai"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

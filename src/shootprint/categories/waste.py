"""Category: waste (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "waste"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

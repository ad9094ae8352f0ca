"""Category: post_production (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "post_production"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

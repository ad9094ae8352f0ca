"""Category: catering (to be filled)."""

from __future__ import annotations

from typing import Any

CATEGORY = "catering"
ACTIVITIES: dict[str, tuple[Any, Any]] = {}

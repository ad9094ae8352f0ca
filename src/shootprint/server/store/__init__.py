"""The database: SQLAlchemy models (``models``) and engine/session handling (``db``)."""

from shootprint.server.store.db import Database
from shootprint.server.store.models import Base

__all__ = ["Base", "Database"]

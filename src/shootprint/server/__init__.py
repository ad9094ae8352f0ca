"""The web application and its server foundation (``shootprint serve``).

Layers (see DESIGN.md, "Serving"): ``web/`` and ``api/`` routes are thin; ``services/`` holds the
organisation-scoped use cases (one transaction each); ``store/`` the SQLAlchemy models; the core
computes. Needs the ``server`` extra (FastAPI, SQLAlchemy, Alembic, argon2, pyotp).
"""

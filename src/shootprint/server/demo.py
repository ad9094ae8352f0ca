"""The demo organisation: the reference campaign's five ways, and a sign-in to look at them."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from shootprint.server import security
from shootprint.server.services import accounts, organisations, productions
from shootprint.server.store.db import Database
from shootprint.server.store.models import Organisation, Production, User

DEMO_EMAIL = "demo@shootprint.example"
DEMO_ORG = "Demo agency"


def ensure_demo(db: Database) -> tuple[str, str, str]:
    """Creates (once) the demo administrator and organisation with the reference campaign; gives the
    demo account a fresh random password each time. Returns (e-mail, password, organisation slug)."""
    password = secrets.token_urlsafe(12)
    with db.transaction() as s:
        user = s.scalar(sa.select(User).where(User.email == DEMO_EMAIL))
        if user is not None:
            user.password_hash = security.hash_password(password)
            user_id = user.id
        else:
            user_id = None
    if user_id is None:
        user_id = accounts.create_user(db, DEMO_EMAIL, password, name="Demo", is_admin=True)
    with db.transaction() as s:
        slug = s.scalar(
            sa.select(Organisation.slug).where(Organisation.name == DEMO_ORG).order_by(Organisation.id).limit(1)
        )
    if slug is None:
        slug = organisations.create(db, user_id, DEMO_ORG)
    sc = organisations.scope(db, user_id, slug)
    with db.transaction() as s:
        count = s.scalar(sa.select(sa.func.count()).select_from(Production).where(Production.org_id == sc.org_id))
    if not count:
        for key in productions.REFERENCE_WAYS:
            productions.create(db, sc, productions.reference_document(key), note=f"reference way {key}")
    return DEMO_EMAIL, password, slug

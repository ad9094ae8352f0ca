"""Accounts and sign-in: users, server-side sessions, throttling, password change, TOTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server import security
from shootprint.server.services import audit
from shootprint.server.services.errors import Forbidden, Invalid, NotFound, Throttled
from shootprint.server.services.scope import NO_VIA, Via
from shootprint.server.settings import Settings
from shootprint.server.store.db import Database
from shootprint.server.store.models import Membership, SignInAttempt, User, WebSession, utcnow


@dataclass(frozen=True)
class SessionUser:
    """The person behind a session cookie."""

    user_id: int
    email: str
    name: str
    is_admin: bool
    pending_totp: bool
    has_totp: bool
    lang: str | None
    session_id: str = ""  # the session's public id (security.session_public_id), never its cookie

    @property
    def via(self) -> Via:
        """What this person's actions come through, for the audit log."""
        return Via("session", self.session_id) if self.session_id else NO_VIA


def session_via(token: str) -> Via:
    """The session whose cookie holds ``token``, as the audit log names it (by its public id)."""
    return Via("session", security.session_public_id(security.token_hash(token)))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    db: Database, email: str, password: str, *, name: str = "", is_admin: bool = False, via: Via = NO_VIA
) -> int:
    email = normalise_email(email)
    problems = []
    if "@" not in email or len(email) > 320:
        problems.append(N_("Enter a valid e-mail address."))
    problems += security.password_problems(password, email)
    if problems:
        raise Invalid(problems[0], problems)
    with db.transaction() as s:
        if s.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise Invalid(N_("An account with this e-mail address already exists."))
        user = User(email=email, name=name.strip(), password_hash=security.hash_password(password), is_admin=is_admin)
        s.add(user)
        s.flush()
        audit.record(s, "user.create", user_id=user.id, org_id=None, target=email, via=via)
        return user.id


def _throttle_keys(email: str, address: str) -> list[str]:
    return [f"account:{email}", f"address:{address}"]


def _check_throttle(s: sa.orm.Session, settings: Settings, email: str, address: str) -> None:
    since = utcnow() - timedelta(minutes=settings.throttle_window_minutes)
    for key, limit in zip(
        _throttle_keys(email, address), (settings.throttle_per_account, settings.throttle_per_address), strict=True
    ):
        count = s.scalar(
            sa.select(sa.func.count())
            .select_from(SignInAttempt)
            .where(SignInAttempt.key == key, SignInAttempt.at >= since)
        )
        if (count or 0) >= limit:
            raise Throttled(N_("Too many failed sign-ins: wait a quarter of an hour and try again."))


def sign_in(
    db: Database, settings: Settings, email: str, password: str, address: str, old_token: str | None = None
) -> tuple[str, bool]:
    """A new session (a fresh id: the old one, if any, ends) and whether a TOTP code is still needed."""
    email = normalise_email(email)
    with db.transaction() as s:
        _check_throttle(s, settings, email, address)
    with db.transaction() as s:
        user = s.scalar(sa.select(User).where(User.email == email))
        ok = security.verify_password(user.password_hash if user else security.dummy_hash(), password)
        if user is None or not ok:
            for key in _throttle_keys(email, address):
                s.add(SignInAttempt(key=key))
            audit.record(
                s,
                "sign_in.failed",
                user_id=user.id if user else None,
                org_id=None,
                target=email,
                via=session_via(old_token) if old_token else NO_VIA,
            )
            failed = True
        else:
            failed = False
            if old_token:
                s.execute(sa.delete(WebSession).where(WebSession.id_hash == security.token_hash(old_token)))
            token = security.new_token()
            s.add(
                WebSession(
                    id_hash=security.token_hash(token),
                    user_id=user.id,
                    pending_totp=bool(user.totp_secret),
                    address=address[:64],
                )
            )
            s.execute(sa.delete(SignInAttempt).where(SignInAttempt.key == f"account:{email}"))
            audit.record(s, "sign_in", user_id=user.id, org_id=None, target=email, via=session_via(token))
            pending = bool(user.totp_secret)
    if failed:
        raise Invalid(N_("E-mail address or password not recognised."))
    return token, pending


def verify_totp(db: Database, settings: Settings, token: str, code: str, address: str) -> str:
    """Completes a sign-in waiting for its second factor; returns a new session id."""
    with db.transaction() as s:
        sess = s.get(WebSession, security.token_hash(token))
        if sess is None or not sess.pending_totp:
            raise Forbidden(N_("Sign in again."))
        user = s.get(User, sess.user_id)
        assert user is not None and user.totp_secret
        _check_throttle(s, settings, user.email, address)
        if not security.totp_ok(user.totp_secret, code):
            for key in _throttle_keys(user.email, address):
                s.add(SignInAttempt(key=key))
            failed = True
        else:
            failed = False
            s.delete(sess)
            new = security.new_token()
            s.add(WebSession(id_hash=security.token_hash(new), user_id=user.id, address=address[:64]))
            audit.record(s, "sign_in.totp", user_id=user.id, org_id=None, target=user.email, via=session_via(new))
    if failed:
        raise Invalid(N_("This code is not valid; enter the current 6-digit code of your authenticator."))
    return new


def session_user(db: Database, settings: Settings, token: str | None) -> SessionUser | None:
    if not token:
        return None
    now = utcnow()
    with db.transaction() as s:
        row = s.execute(  # one query for the session and its account: every page asks
            sa.select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.id_hash == security.token_hash(token))
        ).first()
        if row is None:
            return None
        sess, user = row
        if now - sess.last_seen_at > timedelta(hours=settings.session_idle_hours):
            s.delete(sess)
            return None
        if now - sess.last_seen_at > timedelta(minutes=1):
            sess.last_seen_at = now
        return SessionUser(
            user.id,
            user.email,
            user.name,
            user.is_admin,
            sess.pending_totp,
            bool(user.totp_secret),
            user.lang,
            security.session_public_id(sess.id_hash),
        )


def sign_out(db: Database, token: str | None) -> None:
    if not token:
        return
    with db.transaction() as s:
        sess = s.get(WebSession, security.token_hash(token))
        if sess is not None:
            audit.record(s, "sign_out", user_id=sess.user_id, org_id=None, via=session_via(token))
            s.delete(sess)


def change_password(db: Database, user_id: int, current: str, new: str, address: str, via: Via = NO_VIA) -> str:
    """Every session of the account ends; the caller gets a new one. ``via``: the session it came from."""
    with db.transaction() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(N_("No such account."))
        if not security.verify_password(user.password_hash, current):
            raise Invalid(N_("The current password is not right."))
        problems = security.password_problems(new, user.email)
        if problems:
            raise Invalid(problems[0], problems)
        user.password_hash = security.hash_password(new)
        user.password_changed_at = utcnow()
        s.execute(sa.delete(WebSession).where(WebSession.user_id == user_id))
        token = security.new_token()
        s.add(WebSession(id_hash=security.token_hash(token), user_id=user_id, address=address[:64]))
        audit.record(s, "password.change", user_id=user_id, org_id=None, via=via, new_session=session_via(token).id)
        return token


def set_totp(db: Database, user_id: int, secret: str | None, code: str = "", via: Via = NO_VIA) -> None:
    """Turn the second factor on (``secret`` and a valid ``code`` from it) or off (None)."""
    if secret is not None and not security.totp_ok(secret, code):
        raise Invalid(N_("This code is not valid; enter the current 6-digit code of your authenticator."))
    with db.transaction() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(N_("No such account."))
        user.totp_secret = secret
        audit.record(s, "totp.on" if secret else "totp.off", user_id=user_id, org_id=None, via=via)


def set_lang(db: Database, user_id: int, lang: str) -> None:
    with db.transaction() as s:
        user = s.get(User, user_id)
        if user is not None:
            user.lang = lang


def memberships(db: Database, user_id: int) -> list[tuple[str, str, str]]:
    """(slug, name, role) of every organisation the person belongs to."""
    with db.transaction() as s:
        rows = s.scalars(sa.select(Membership).where(Membership.user_id == user_id)).all()
        return sorted((m.org.slug, m.org.name, m.role) for m in rows)

"""Passwords, sessions, CSRF, sign-in throttling and security headers.

What a mature framework protects by default (Django's middleware and auth): argon2 password
hashes with validators, a new session id at every sign-in, sessions ended on sign-out and on a
password change, a CSRF token on every form, throttled sign-in, and headers that forbid framing,
sniffing and inline script.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache
from importlib import resources
from typing import Any

from shootprint.i18n import N_

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
SESSION_COOKIE = "sp_session"
CSRF_COOKIE = "sp_csrf"
CSRF_FIELD = "csrf_token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


# -- passwords ---------------------------------------------------------------------------------


_HASHER: list[Any] = []


def _hasher() -> Any:
    if not _HASHER:
        from argon2 import PasswordHasher

        _HASHER.append(PasswordHasher())  # argon2id, RFC 9106's low-memory profile
    return _HASHER[0]


def use_cheap_hashes_for_tests() -> None:
    """Argon2 with minimal cost, so a test suite creating many accounts stays fast (never in a server)."""
    from argon2 import PasswordHasher

    _HASHER[:] = [PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)]
    dummy_hash.cache_clear()


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("shootprint.server").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problems(password: str, email: str = "") -> list[str]:
    """Why ``password`` is refused (empty when it is accepted); English sources for gettext."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(N_("The password must have at least 10 characters."))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(N_("The password must have at most 1024 characters."))
    if password.lower() in common_passwords():
        problems.append(N_("This password is among the most common ones; choose another."))
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        problems.append(N_("The password must not contain your e-mail address."))
    return problems


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


#: a hash verified when the account does not exist, so timing does not tell which e-mails exist
@cache
def dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


# -- tokens --------------------------------------------------------------------------------------


def new_token() -> str:
    """A random token for a cookie or a link (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_public_id(id_hash: str) -> str:
    """A web session's public id, for the audit log and pages: derived from what the database keeps
    (``token_hash`` of the cookie), it names the session without giving anything to sign in with."""
    return hashlib.sha256(b"shootprint-session-id:" + id_hash.encode("ascii")).hexdigest()[:16]


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))


# -- TOTP -----------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    import pyotp

    return str(pyotp.random_base32())


def totp_ok(secret: str, code: str) -> bool:
    import pyotp

    code = "".join(ch for ch in code if ch.isdigit())
    return len(code) == 6 and bool(pyotp.TOTP(secret).verify(code, valid_window=1))


def totp_uri(secret: str, email: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="shootprint"))


# -- headers ---------------------------------------------------------------------------------------


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP answer (kept when already set)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                for key, value in HEADERS.items():
                    if key not in present:
                        headers.append((key.encode("latin-1"), value.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""What every API route depends on: the token (``Authorization: Bearer``), its scope, the rate limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import Receive

from shootprint.server.api.problems import ApiProblem
from shootprint.server.services import tokens
from shootprint.server.services.scope import Scope
from shootprint.server.settings import Settings
from shootprint.server.store.db import Database

#: the OpenAPI security scheme (the token is checked by ``need``, not by FastAPI)
bearer = HTTPBearer(auto_error=False, scheme_name="token", description="an organisation API token (sp_…)")
BEARER = Depends(bearer)


@dataclass(frozen=True)
class Caller:
    """The request's organisation scope, token and what it needs to call the services."""

    db: Database
    settings: Settings
    scope: Scope
    token_id: int
    scopes: frozenset[str]
    #: the request's ASGI receive (its body read): heavy routes learn from it that the client left
    receive: Receive | None = field(default=None, compare=False, repr=False)


def need(scope_name: str, *alternatives: str) -> Callable[..., Caller]:
    """A dependency: the caller's token must hold ``scope_name`` (read, write or records), or one of
    the ``alternatives``."""
    accepted = (scope_name, *alternatives)
    wanted = " or ".join(f"'{name}'" for name in accepted)

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = BEARER) -> Caller:
        db: Database = request.app.state.db
        settings: Settings = request.app.state.settings
        secret = credentials.credentials if credentials is not None else None
        if credentials is not None and credentials.scheme.lower() != "bearer":
            secret = None
        found = tokens.authenticate(db, secret)
        limit = found.rate_per_minute or settings.api_rate_per_minute
        wait_s = tokens.count_request(db, found.token_id, limit, time.time())
        if wait_s is not None:
            retry = str(int(wait_s + 0.999))
            raise ApiProblem(
                429,
                "rate-limited",
                f"This token made more than {limit} requests in a minute; retry after {retry} s.",
                location=["Authorization"],
                headers={"Retry-After": retry},
            )
        if not any(found.has(name) for name in accepted):
            raise ApiProblem(
                403,
                "scope-missing",
                f"This token does not have the {wanted} scope (it has: {', '.join(sorted(found.scopes))}).",
                location=["Authorization"],
            )
        return Caller(db, settings, found.scope, found.token_id, found.scopes, request.receive)

    dependency.__name__ = "need_" + "_or_".join(accepted)
    return dependency

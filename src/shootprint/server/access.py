"""Access rules. Every route declares one where it is registered (``register``); ``rules`` lists them
all, so a test can check that no route lacks a rule and that each rule holds for every role.

Organisation pages live under ``/o/{org}/``: the rule names the least role needed there; a person
who is not a member gets a 404 (the organisation's existence is not revealed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from starlette.requests import Request
from starlette.responses import Response


class Rule(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not (sign-in page, static files)
    #: anyone holding a valid read-only share link: the route's ``{token}`` is the link's secret; an
    #: expired, revoked or unknown token gets 404 (the handler checks it; the guard lets everyone through)
    SHARE_LINK = "share_link"
    SIGNED_IN = "signed_in"  # a signed-in person (second factor given)
    PENDING_TOTP = "pending_totp"  # signed in with the password, second factor still to give
    ADMIN = "admin"  # an administrator of the installation
    VIEWER = "viewer"  # a member of the organisation in the path: read, compare, download
    EDITOR = "editor"  # … who may create and change productions
    OWNER = "owner"  # … who manages members, overrides, deletion
    API_TOKEN = "api_token"  # REST: a bearer token of the organisation (the api package checks it)


ORG_RULES = (Rule.VIEWER, Rule.EDITOR, Rule.OWNER)


@dataclass(frozen=True)
class RouteRule:
    name: str
    path: str
    methods: tuple[str, ...]
    rule: Rule


Handler = Callable[[Request], Awaitable[Response]]


def register(app: Any, path: str, methods: list[str], endpoint: Handler, rule: Rule, name: str) -> None:
    """Add a route with its access rule (the one way HTML routes are added)."""
    app.add_api_route(path, endpoint, methods=methods, name=name, include_in_schema=False)
    declare(app, name, rule)


def declare(app: Any, name: str, rule: Rule) -> None:
    """Record the rule of a route added by other means (the REST API, static files)."""
    table: dict[str, Rule] = app.state.__dict__.setdefault("_state", {}).setdefault("access_rules", {})
    if name in table:
        raise ValueError(f"route {name!r} declared twice")
    table[name] = rule


def rules(app: Any) -> list[RouteRule]:
    """Every route of ``app`` with its rule; raises when a route has none."""
    table: dict[str, Rule] = app.state._state.get("access_rules", {})
    out = []
    missing = []
    for route in app.routes:
        name = getattr(route, "name", "")
        methods = tuple(sorted(getattr(route, "methods", None) or ()))
        if name not in table:
            missing.append(f"{getattr(route, 'path', '?')} ({name})")
            continue
        out.append(RouteRule(name, getattr(route, "path", ""), methods, table[name]))
    if missing:
        raise LookupError("routes without an access rule: " + ", ".join(missing))
    return out

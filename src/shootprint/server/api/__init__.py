"""The REST API under ``/api/v1``: routes (OpenAPI 3.1), problem+json errors, tokens, limits.

Thin like the HTML pages: each route parses, authorises (an organisation token and its scope, see
:mod:`shootprint.server.api.deps`), calls the service layer and answers JSON. ``install`` mounts it on
the application and declares each route's access rule.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from shootprint.server.api import problems
from shootprint.server.api.problems import PREFIX
from shootprint.server.limits import BodyLimit
from shootprint.server.settings import Settings

__all__ = ["PREFIX", "install"]


class ApiBodyLimit:
    """The request-size limit, for API paths only (the HTML forms have their own)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.limited = BodyLimit(app, max_bytes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(PREFIX + "/"):
            await self.limited(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the API routes, their error handlers, the OpenAPI description and its documentation."""
    from shootprint.server import access
    from shootprint.server.access import Rule
    from shootprint.server.api import compute_routes, docs, productions_routes, tokens_page

    problems.install(app)
    app.add_middleware(ApiBodyLimit, max_bytes=settings.api_max_body_bytes)
    routers = [compute_routes.router, productions_routes.router]
    for router in routers:
        for route in router.routes:  # added one by one: each is a route of the app, with its rule
            assert isinstance(route, APIRoute)
            app.add_api_route(
                PREFIX + route.path,
                route.endpoint,
                methods=sorted(route.methods or ()),
                name=route.name,
                response_model=route.response_model,
                status_code=route.status_code,
                tags=list(route.tags),
                summary=route.summary,
                description=route.description,
                responses=dict(route.responses),
                response_class=route.response_class,
                operation_id=route.name,
            )
            access.declare(app, route.name, Rule.API_TOKEN)
    docs.install(app)
    tokens_page.install(app)

"""The OpenAPI 3.1 description (``/api/v1/openapi.json``) and the interactive documentation
(``/api/v1/docs``): a small page shipped with the package that renders the description and sends
requests with a token typed into it. Nothing is loaded from another site.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from shootprint.server.api.problems import PREFIX, PROBLEM_JSON

ASSETS = {"docs.js": "text/javascript; charset=utf-8", "docs.css": "text/css; charset=utf-8"}

DESCRIPTION = """The footprint of visual productions, from any tool.

Every request carries an organisation API token (`Authorization: Bearer sp_…`) created by an owner
on the organisation's *API tokens* page, with the scopes it needs: `read` (compute, factors, read
productions), `write` (create, replace, delete productions) and `records` (send measured AI jobs).
Errors are `application/problem+json` documents (RFC 9457) whose `problems` name each field at fault.
A token may make a limited number of requests per minute; beyond, the answer is `429` with `Retry-After`.
"""


def openapi(app: FastAPI) -> dict[str, Any]:
    """The description of the API routes only (the HTML pages are not part of it)."""
    cached: dict[str, Any] | None = getattr(app.state, "api_openapi", None)
    if cached is not None:
        return cached
    from shootprint import __version__

    routes = [r for r in app.routes if str(getattr(r, "path", "")).startswith(PREFIX + "/")]
    spec = get_openapi(
        title="shootprint API",
        version=__version__,
        openapi_version="3.1.0",
        description=DESCRIPTION,
        routes=routes,
        servers=[{"url": "/"}],
    )
    problem_ref = None
    for schemas in [spec.get("components", {}).get("schemas", {})]:
        for name in ("ProblemDocument", "Problem"):
            if name in schemas:
                problem_ref = f"#/components/schemas/{name}"
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400 and problem_ref:
                    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": problem_ref}}}
    app.state.api_openapi = spec
    return spec


@cache
def _asset(name: str) -> bytes:
    return resources.files("shootprint.server.api").joinpath(f"static/{name}").read_bytes()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>shootprint API</title><link rel="stylesheet" href="{prefix}/docs/docs.css"></head>
<body><main id="api-docs" data-spec="{prefix}/openapi.json"><h1>shootprint API</h1>
<p>Loading the description… (it needs JavaScript; the raw description is at
<a href="{prefix}/openapi.json">{prefix}/openapi.json</a>)</p></main>
<script src="{prefix}/docs/docs.js"></script></body></html>
"""


def install(app: FastAPI) -> None:
    from shootprint.server import access
    from shootprint.server.access import Rule

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi(request.app))

    async def docs_page(request: Request) -> Response:
        return HTMLResponse(PAGE.format(prefix=PREFIX), headers={"cache-control": "no-cache"})

    async def docs_asset(request: Request) -> Response:
        name = str(request.path_params["name"])
        if name not in ASSETS:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(_asset(name), media_type=ASSETS[name], headers={"cache-control": "no-cache"})

    app.add_route(f"{PREFIX}/openapi.json", openapi_json, methods=["GET"], name="api_openapi", include_in_schema=False)
    app.add_route(f"{PREFIX}/docs", docs_page, methods=["GET"], name="api_docs", include_in_schema=False)
    app.add_route(
        f"{PREFIX}/docs/{{name}}", docs_asset, methods=["GET"], name="api_docs_asset", include_in_schema=False
    )
    for name in ("api_openapi", "api_docs", "api_docs_asset"):
        access.declare(app, name, Rule.PUBLIC)

"""Errors of the REST API as ``application/problem+json`` (RFC 9457), carrying the core's problems.

Every error answer under ``/api/v1`` is one document::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "activities.flight-1.distance: …", "instance": "/api/v1/estimate",
     "problems": [{"code": "…", "location": ["activities", "flight-1", "distance"], "message": "…"}]}

``problems`` lists every problem found (the core's :class:`~shootprint.problems.Problem` objects, or
the request's own: a missing field, a wrong type), each with a stable ``code``, a ``location`` and an
English ``message`` (``message_fr`` too when the core gave it).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from shootprint.errors import ProblemsError
from shootprint.i18n import render
from shootprint.server.services.errors import ServiceError

PROBLEM_JSON = "application/problem+json"
PREFIX = "/api/v1"


class ProblemItem(BaseModel):
    """One thing wrong with the request."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="stable code, e.g. missing, unit-unknown, factor-unknown")
    location: list[str | int] | str = Field(description="where: a path into the body, or a header/parameter name")
    message: str


class ProblemDocument(BaseModel):
    """An error answer (RFC 9457 problem details) with the problems found."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    problems: list[ProblemItem] = Field(default_factory=list)


class ApiProblem(Exception):
    """Raised by a route: answered as a problem document with ``status``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        location: list[str | int] | str = "",
        headers: dict[str, str] | None = None,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.problems = problems if problems is not None else [{"code": code, "location": location, "message": message}]


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    problems: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path if request is not None else "",
        "problems": problems,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _service_problems(exc: ServiceError) -> list[dict[str, Any]]:
    if exc.details:
        return [dict(p) for p in exc.details]
    texts = exc.problems or [exc.message]
    code = getattr(exc, "code", None) or {
        401: "unauthorised",
        403: "forbidden",
        404: "not-found",
        409: "conflict",
        429: "rate-limited",
    }.get(exc.status, "invalid-input")
    # the sentences come from the catalog: their French is given beside them, as the core's problems do
    return [{"code": code, "location": [], "message": str(t), "message_fr": render(t, "fr")} for t in texts]


def _from_problems_error(exc: ProblemsError) -> list[dict[str, Any]]:
    return exc.to_list()


def _validation_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        loc = [p if isinstance(p, int) else str(p) for p in e.get("loc", ())]
        out.append({"code": str(e.get("type", "invalid")), "location": loc, "message": str(e.get("msg", ""))})
    return out


def _is_api(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def install(app: FastAPI) -> None:
    """Exception handlers answering problem documents under ``/api/v1`` (HTML pages keep theirs)."""
    previous_http = app.exception_handlers.get(StarletteHTTPException)

    async def on_api_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return problem_response(request, exc.status, exc.message, exc.problems, exc.headers)

    async def on_service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        headers = {"WWW-Authenticate": 'Bearer realm="shootprint"'} if exc.status == 401 else None
        if exc.retry_after_s:
            headers = {"Retry-After": str(exc.retry_after_s)}
        return problem_response(request, exc.status, exc.message, _service_problems(exc), headers)

    async def on_problems(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemsError)
        problems = _from_problems_error(exc)
        return problem_response(request, 422, str(problems[0]["message"]) if problems else str(exc), problems)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = _validation_problems(exc)
        first = problems[0] if problems else {"location": [], "message": "invalid request"}
        where = ".".join(str(p) for p in first["location"])
        return problem_response(
            request, 422, f"{where}: {first['message']}" if where else str(first["message"]), problems
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _is_api(request):
            if previous_http is not None:
                answer = previous_http(request, exc)
                return answer if isinstance(answer, Response) else await answer
            return Response(str(exc.detail), status_code=exc.status_code, headers=exc.headers)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        detail = str(exc.detail)
        return problem_response(
            request,
            exc.status_code,
            detail,
            [{"code": code, "location": [], "message": detail}],
            dict(exc.headers or {}),
        )

    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(ServiceError, on_service_error)
    app.add_exception_handler(ProblemsError, on_problems)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


#: the error answers every route may give, for the OpenAPI description
def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "model": ProblemDocument,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out

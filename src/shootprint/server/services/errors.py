"""Errors a use case raises; the routes turn them into 4xx answers (a 5xx is always a bug)."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    #: seconds after which the same request may work (the answer's Retry-After), when known
    retry_after_s: int | None = None

    def __init__(self, message: str, problems: list[str] | None = None, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        #: the core's structured problems (code, location, message, message_fr), when it gave them
        self.details: list[dict] = details or []


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Invalid(ServiceError):
    status = 422


class Conflict(ServiceError):
    status = 409


class Throttled(ServiceError):
    status = 429


class Unavailable(ServiceError):
    """The server could not finish the request now (a resource ran out); the same request may work
    later. ``code`` names the problem in the REST API's problem document."""

    status = 503
    code = "unavailable"


class ComputationCrashed(Unavailable):
    """A computation ended the worker process that ran it (out of memory, a crash in native code):
    it is not run again on its own, as it could end the next worker too."""

    code = "computation-crashed"


class Busy(Unavailable):
    """Too many heavy requests (comparisons, reports, exports) already wait in this process: this one
    is refused at once rather than queued behind them; the client may try again after
    ``retry_after_s`` seconds."""

    code = "busy"
    retry_after_s = 30

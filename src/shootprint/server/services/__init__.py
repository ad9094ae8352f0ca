"""Use cases of the application, organisation-scoped, one transaction each.

This is the one place where queries are scoped by organisation: routes (HTML and REST) call these
functions with a ``Scope`` (who acts, in which organisation, with which role) and never query the
store themselves. ``compute`` is the one place the calculation core is called.
"""

from shootprint.server.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError, Throttled
from shootprint.server.services.scope import ROLE_RANK, Scope

__all__ = ["ROLE_RANK", "Conflict", "Forbidden", "Invalid", "NotFound", "Scope", "ServiceError", "Throttled"]

"""Threads of their own for the requests that may wait for a heavy computation.

A route declared with ``def`` runs in a thread of anyio's default pool (40 threads), which every page
and endpoint shares. A request for a comparison, a sensitivity analysis, a what-if, a break-even, a
report or an export may hold its thread for seconds while it waits for a slot of computation
(:func:`services.decisions.heavy`) and for the worker process: fifty of them would take every thread,
and a page that reads one row would wait behind them.

Such requests (the REST API's and the pages') take their thread from one limiter per event loop,
``2 × compute_threads`` strong (:func:`limiter`): twice the computations under way at once, so that
requests whose answer is already cached still go through while others compute. Those beyond it wait
on the event loop without a thread, in their order of arrival, and the default pool stays for the
light requests. Each application process has its own: a limit of threads, not state another process
would need. The wait is bounded too: past ``heavy_queue`` requests waiting (a setting), one more is
answered 503 with Retry-After at once (:class:`~shootprint.server.services.errors.Busy`) instead of
joining a queue it would take minutes to reach.

A request whose client goes away while it waits for its thread (a closed tab, a client's time-out)
leaves the queue at once and is never computed (:class:`ClientGone`): a queue of impatient clients
that reload does not fill with work nobody will read. A computation that has started goes on to its
end: it runs in a worker process that cannot be interrupted without being killed (nor the others
with it), and what the pages compute for stored productions is kept in the database by content, so
the client's next try gets it at once.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
from starlette.responses import Response
from starlette.types import Receive

from shootprint.i18n import N_
from shootprint.server.services.errors import Busy

P = ParamSpec("P")
T = TypeVar("T")

_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, anyio.CapacityLimiter]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()  # /metrics reads the limiters from a thread while a loop may add one


def limiter(compute_threads: int) -> anyio.CapacityLimiter:
    """The running event loop's limiter of heavy requests for ``compute_threads`` (a setting):
    ``2 × compute_threads`` threads, the same one for every heavy route of the loop."""
    tokens = 2 * max(compute_threads, 1)
    loop = asyncio.get_running_loop()
    with _LOCK:
        by_size = _LIMITERS.setdefault(loop, {})
        found = by_size.get(tokens)
        if found is None:
            found = by_size[tokens] = anyio.CapacityLimiter(tokens)
        return found


def statistics() -> tuple[int, int]:
    """Heavy requests of this process: (on a thread now, waiting for one), all event loops together."""
    on_thread = waiting = 0
    with _LOCK:
        limiters = [found for by_size in _LIMITERS.values() for found in by_size.values()]
    for found in limiters:
        stats = found.statistics()
        on_thread += stats.borrowed_tokens
        waiting += stats.tasks_waiting
    return on_thread, waiting


class ClientGone(Exception):
    """The client went away while its heavy request waited for a thread: nothing was computed."""


#: the status logged for a request whose client went away before its answer (nginx's convention)
CLIENT_GONE_STATUS = 499


async def run(compute_threads: int, fn: Callable[[], T], queue: int | None = None, receive: Receive | None = None) -> T:
    """``fn()`` in a thread of the heavy requests' limiter, once one is free; :class:`Busy` at once when
    every thread is taken and ``queue`` requests already wait for one. With the request's ``receive``
    (its body already read), :class:`ClientGone` as soon as the client disconnects while the request
    waits; once ``fn`` has started, it runs to its end whatever the client does."""
    found = limiter(compute_threads)
    if queue is not None and found.available_tokens < 1 and found.statistics().tasks_waiting >= queue:
        raise Busy(N_("The server has too many computations waiting: try again in a minute."))
    if receive is None:
        return await anyio.to_thread.run_sync(fn, limiter=found)
    done: list[T] = []
    failed: list[Exception] = []  # raised as they are, not in the task group's ExceptionGroup
    async with anyio.create_task_group() as group:

        async def watch() -> None:  # only a disconnection ends this: the body was read before
            while (await receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()  # the wait for a thread ends; a started fn is not interrupted

        group.start_soon(watch)
        try:
            done.append(await anyio.to_thread.run_sync(fn, limiter=found))
        except Exception as exc:  # the computation's own error (a ServiceError, say): the caller's to answer
            failed.append(exc)
        group.cancel_scope.cancel()
    if failed:
        raise failed[0]
    if not done:
        raise ClientGone
    return done[0]


def route(fn: Callable[P, T]) -> Callable[P, Awaitable[T | Response]]:
    """A REST API route whose body may wait for a heavy computation: run on a thread of the heavy
    requests' limiter (:func:`limiter`) instead of the default pool. The route takes a ``caller``
    (:class:`api.deps.Caller`), whose settings give the limiter's size; its signature (parameters,
    dependencies, OpenAPI description) stays the function's own."""

    @functools.wraps(fn)
    async def endpoint(*args: P.args, **kwargs: P.kwargs) -> T | Response:
        caller: Any = kwargs["caller"]
        settings = caller.settings
        try:
            return await run(
                settings.compute_threads, functools.partial(fn, *args, **kwargs), settings.heavy_queue, caller.receive
            )
        except ClientGone:  # no one to answer: logged as such
            return Response(status_code=CLIENT_GONE_STATUS)

    return endpoint

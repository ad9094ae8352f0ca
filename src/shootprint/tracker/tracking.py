"""The in-process tracker: a context manager and a decorator around a job.

::

    from shootprint.tracker import track, tracked

    with track("sdxl-batch", out="runs.jsonl") as t:
        run_the_job()
    print(t.record.energy_j)           # J, the record also appended to runs.jsonl

    @tracked("upscale", out="runs.jsonl")
    def upscale(frames): ...
    upscale(frames); upscale.last_record

The clock starts after the sources are chosen (probes are cached per process) and stops before
the record is written, so neither the probing nor the file counts in ``duration_s``.
"""

from __future__ import annotations

import functools
import time
import types
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Generic, ParamSpec, TypeVar

from shootprint.tracker.records import (
    DeviceEnergy,
    Record,
    TrackerWarning,
    append_record,
    make_record,
)
from shootprint.tracker.sources import CpuScope, PowerSource, Selection, host_name, select_sources

if TYPE_CHECKING:
    from shootprint.tracker.push import Pusher

P = ParamSpec("P")
R = TypeVar("R")


@cache
def tracker_version() -> str:
    """The installed shootprint version, which every record carries (cached)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shootprint")
    except PackageNotFoundError:
        return "unknown (shootprint not installed)"


class Tracker:
    """Measures the energy of the code inside a ``with`` block; see :func:`track`."""

    def __init__(
        self,
        label: str,
        out: str | Path | None = None,
        *,
        sources: Sequence[PowerSource] | Selection | None = None,
        cpu_scope: CpuScope = "process",
        push: Pusher | None = None,
    ) -> None:
        self.label = label
        self.push = push
        """A :class:`~shootprint.tracker.push.Pusher` each record is handed to as its job ends."""
        self.out = Path(out) if out is not None else None
        self._given: Selection | None
        if sources is None or isinstance(sources, Selection):
            self._given = sources
        else:
            self._given = Selection(list(sources))
        self._cpu_scope: CpuScope = cpu_scope
        self._selection = Selection([])
        self._extra: list[TrackerWarning] = []
        self.counts: dict[str, int] = {}
        """Counts of what the running job produced (``generations`` …), copied into its record."""
        self._start_dt = datetime.min
        self._t0 = 0.0
        self.record: Record | None = None
        """The record of the last finished ``with`` block (``None`` before)."""

    def warn(self, code: str, message: str) -> None:
        """Add a warning to the record of the running job."""
        self._extra.append(TrackerWarning(code, message))

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the count ``name`` of the running job (e.g. ``generations``)."""
        self.counts[name] = self.counts.get(name, 0) + n

    def __enter__(self) -> Tracker:
        if self._given is not None:
            self._selection = self._given
        else:
            self._selection = select_sources(cpu_scope=self._cpu_scope)
        self._extra = []
        self.counts = {}
        self.record = None
        self._start_dt = datetime.now(UTC)
        self._t0 = time.perf_counter()
        for source in self._selection.sources:
            source.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        duration_s = time.perf_counter() - self._t0
        devices: list[DeviceEnergy] = []
        warnings = list(self._selection.warnings)
        for source in self._selection.sources:
            measured = source.stop(duration_s)
            devices.extend(measured.devices)
            warnings.extend(measured.warnings)
        warnings.extend(self._extra)
        if exc_type is not None:
            warnings.append(TrackerWarning("job-raised", f"the job ended with {exc_type.__name__}: {exc}"))
        self.record = make_record(
            label=self.label,
            host=host_name(),
            start=self._start_dt,
            duration_s=duration_s,
            devices=devices,
            warnings=warnings,
            tracker_version=tracker_version(),
            run_id=uuid.uuid4().hex,
            counts=self.counts,
        )
        if self.out is not None:
            append_record(self.out, self.record)
        if self.push is not None:
            self.push.submit(self.record)  # a queue put: the network is the pusher thread's business


def track(
    label: str,
    out: str | Path | None = None,
    *,
    sources: Sequence[PowerSource] | Selection | None = None,
    cpu_scope: CpuScope = "process",
    push: Pusher | None = None,
) -> Tracker:
    """A context manager measuring the energy of its block; the record is on ``.record``.

    ``label`` names the job (the engine matches records to AI tasks by it); ``out``, if given, is
    the JSON Lines file the record is appended to. ``sources`` replaces the automatic choice
    (:func:`~shootprint.tracker.sources.select_sources`): a list of sources, e.g.
    ``[ReplaySource()]`` in tests, or a :class:`Selection` whose warnings go into the record.
    ``cpu_scope`` is whose CPU time the estimate counts (``process`` or ``children``).
    A job that raises is still recorded, with a ``job-raised`` warning; the exception propagates.
    ``push``, if given, is a :class:`~shootprint.tracker.push.Pusher` the record is queued on.
    """
    return Tracker(label, out, sources=sources, cpu_scope=cpu_scope, push=push)


class TrackedFunction(Generic[P, R]):
    """A function measured on every call; ``last_record`` is the record of the latest call."""

    def __init__(
        self,
        func: Callable[P, R],
        label: str,
        out: str | Path | None,
        sources: Callable[[], Sequence[PowerSource] | Selection] | None,
    ) -> None:
        functools.update_wrapper(self, func)
        self._func = func
        self._label = label
        self._out = out
        self._sources = sources
        self.last_record: Record | None = None

    def __get__(self, instance: object, owner: type | None = None) -> Callable[..., R]:
        """Bind like a function, so methods can be decorated too."""
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        tracker = Tracker(self._label, self._out, sources=self._sources() if self._sources else None)
        try:
            with tracker:
                return self._func(*args, **kwargs)
        finally:
            self.last_record = tracker.record


def tracked(
    label: str,
    out: str | Path | None = None,
    *,
    sources: Callable[[], Sequence[PowerSource] | Selection] | None = None,
) -> Callable[[Callable[P, R]], TrackedFunction[P, R]]:
    """Decorator: measure every call of the function as a job named ``label``.

    ``sources``, if given, is a factory called for each call (sources hold one window's readings).
    """

    def decorate(func: Callable[P, R]) -> TrackedFunction[P, R]:
        return TrackedFunction(func, label, out, sources)

    return decorate

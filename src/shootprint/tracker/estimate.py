"""CPU energy estimated from TDP, utilisation and time, where no energy counter can be read.

The formula (the symbols the records use)::

    utilisation = cpu_s / (duration_s × n_cpus)
    energy_j    = tdp_w × utilisation × duration_s        (= tdp_w × cpu_s / n_cpus)

* ``cpu_s`` — CPU time (user + system, s) the job used during the window: for the in-process
  tracker, this process (all its threads, ``time.process_time``) and its waited-for children; for
  the command-line tracker, the child process tree (``resource.getrusage(RUSAGE_CHILDREN)``, which
  counts a child's descendants once they have been waited for).
* ``duration_s`` — wall time of the window (s), as the tracker measured it.
* ``n_cpus`` — logical CPUs this host shows (``os.cpu_count()``).
* ``tdp_w`` — thermal design power of those ``n_cpus`` logical CPUs (W):
  ``tdp_w = package_tdp_w × n_cpus / package_threads``, from the row of ``data/cpu_tdp.csv`` whose
  pattern matches the CPU model name. Scaling by threads makes a 2-vCPU slice of a 128-thread
  server part count 2/128 of the package's TDP rather than all of it, and a two-socket host count
  two packages. Unknown models take the ``default`` row (4 W per logical CPU, CodeCarbon's rule),
  with a ``cpu-tdp-default`` warning.

TDP is a thermal ceiling for sustained load, not a measured power: the estimate assumes power
proportional to utilisation, from zero at idle to TDP at full load (the TDP method of CodeCarbon's
"constant" mode and of Green Algorithms, Lannelongue et al. 2021, doi:10.1002/advs.202100707). It
ignores idle power and turbo above TDP; treat it as an order of magnitude.
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from shootprint.errors import InputError
from shootprint.i18n import Message
from shootprint.tracker.records import DeviceEnergy, TrackerWarning, validate_csv_rows
from shootprint.tracker.sources import CpuScope, Measured

if TYPE_CHECKING:
    from pydantic import BaseModel

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

TDP_TABLE = "cpu_tdp.csv"
DEFAULT_ROW_ID = "default"


def utilisation(cpu_s: float, duration_s: float, n_cpus: int) -> float:
    """Share of the host's logical CPUs the job kept busy: ``cpu_s / (duration_s × n_cpus)``.

    Dimensionless, 0–1 (slightly above 1 only through clock granularity); 0 for an empty window.
    """
    if duration_s <= 0 or n_cpus <= 0:
        return 0.0
    return cpu_s / (duration_s * n_cpus)


def estimate_energy_j(tdp_w: float, utilisation: float, duration_s: float) -> float:
    """Estimated CPU energy in J: ``tdp_w × utilisation × duration_s`` (W × 1 × s)."""
    return tdp_w * utilisation * duration_s


def host_tdp_w(package_tdp_w: float, package_threads: int, n_cpus: int) -> float:
    """TDP in W of ``n_cpus`` logical CPUs of a package of ``package_threads`` threads."""
    return package_tdp_w * n_cpus / package_threads


@dataclass(frozen=True)
class TdpRow:
    """A row of ``cpu_tdp.csv``: a package of ``threads`` logical CPUs has a TDP of ``tdp_w``."""

    id: str
    pattern: str
    tdp_w: float
    threads: int
    example: str
    source: str
    notes: str


@cache
def _row_model() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _TdpRowModel(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        id: str = Field(min_length=1)
        pattern: str
        tdp_w: float = Field(gt=0)
        threads: int = Field(gt=0)
        example: str
        source: str = Field(min_length=1)
        notes: str = ""

        @field_validator("pattern")
        @classmethod
        def _compiles(cls, value: str) -> str:
            try:
                re.compile(value)
            except re.error as err:
                raise ValueError(Message("not a regular expression: {error}", error=str(err))) from err
            return value

    return _TdpRowModel


def load_tdp_table(text: str | None = None, name: str = TDP_TABLE) -> tuple[TdpRow, ...]:
    """Read and validate the TDP table (the shipped ``data/cpu_tdp.csv`` unless ``text`` is given).

    Columns: ``id``, ``pattern`` (a regular expression searched, ignoring case, in the CPU model
    name; empty for the ``default`` row), ``tdp_w`` (W, per package), ``threads`` (logical CPUs per
    package), ``example`` (a model name as ``/proc/cpuinfo`` shows it, which the pattern must
    match), ``source``, ``notes``. Raises :class:`InputError` naming the row and column.
    """

    if text is None:
        text = resources.files("shootprint.data").joinpath(TDP_TABLE).read_text(encoding="utf-8")
    model = _row_model()
    valid_rows, problems = validate_csv_rows(text, model, name)
    rows = [TdpRow(**v.model_dump()) for v in valid_rows]
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        problems.append(Message("{name}: ids are not unique.", name=name))
    if ids.count(DEFAULT_ROW_ID) != 1:
        problems.append(Message("{name}: needs exactly one row with id {id}.", name=name, id=repr(DEFAULT_ROW_ID)))
    if problems:
        raise InputError(problems)
    return tuple(rows)


@cache
def shipped_tdp_table() -> tuple[TdpRow, ...]:
    """The shipped TDP table, read once per process."""
    return load_tdp_table()


def lookup_tdp(model_name: str, table: tuple[TdpRow, ...]) -> tuple[TdpRow, list[TrackerWarning]]:
    """The row whose pattern matches ``model_name``, or the ``default`` row with a warning.

    Several matching rows are a data error caught by the data tests; should it happen anyway, the
    first row is used and ``cpu-tdp-ambiguous`` names the others.
    """
    matches = [r for r in table if r.id != DEFAULT_ROW_ID and re.search(r.pattern, model_name, flags=re.IGNORECASE)]
    if len(matches) == 1:
        return matches[0], []
    if matches:
        return matches[0], [
            TrackerWarning(
                "cpu-tdp-ambiguous",
                f"CPU {model_name!r} matches rows {', '.join(r.id for r in matches)} of "
                f"{TDP_TABLE}; {matches[0].id} used.",
            )
        ]
    default = next(r for r in table if r.id == DEFAULT_ROW_ID)
    return default, [
        TrackerWarning(
            "cpu-tdp-default",
            f"CPU {model_name!r} is not in {TDP_TABLE}; default of "
            f"{default.tdp_w / default.threads:g} W per logical CPU used ({default.source}).",
        )
    ]


@cache
def cpu_model_name() -> str:
    """The CPU model name (``model name`` of ``/proc/cpuinfo``; elsewhere ``platform``), cached."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass  # not Linux: platform's answer below
    return platform.processor() or platform.machine() or "unknown"


@cache
def logical_cpus() -> int:
    """Logical CPUs of this host (``os.cpu_count()``, 1 if unknown), cached."""
    return os.cpu_count() or 1


def children_cpu_s() -> float:
    """CPU time (s) of this process's waited-for children and their descendants.

    ``resource.getrusage(RUSAGE_CHILDREN)`` (µs resolution); where ``resource`` does not exist
    (Windows), ``os.times``'s children fields.
    """
    if resource is None:
        t = os.times()
        return t.children_user + t.children_system
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def process_cpu_s() -> float:
    """CPU time (s) of this process, all threads, plus its waited-for children.

    ``time.process_time()`` (``CLOCK_PROCESS_CPUTIME_ID``, ns resolution) rather than
    ``os.times()``, whose clock ticks (10 ms) are too coarse for short jobs.
    """
    return time.process_time() + children_cpu_s()


CPU_TIME_READERS: dict[str, Callable[[], float]] = {
    "process": process_cpu_s,
    "children": children_cpu_s,
}


@cache
def _host_tdp() -> tuple[str, TdpRow, tuple[TrackerWarning, ...]]:
    model = cpu_model_name()
    row, warnings = lookup_tdp(model, shipped_tdp_table())
    return model, row, tuple(warnings)


class EstimateSource:
    """CPU energy over a window estimated as ``tdp_w × utilisation × duration_s`` (one ``cpu``)."""

    def __init__(
        self,
        *,
        tdp_w: float,
        n_cpus: int,
        cpu_time: Callable[[], float],
        model: str | None = None,
        tdp_row: str | None = None,
        warnings: tuple[TrackerWarning, ...] = (),
    ) -> None:
        """``tdp_w``: TDP of the host's ``n_cpus`` logical CPUs (W); ``cpu_time``: a reader of
        cumulative CPU seconds (e.g. :func:`process_cpu_s`)."""
        self.tdp_w = tdp_w
        self.n_cpus = n_cpus
        self._cpu_time = cpu_time
        self._model = model
        self._tdp_row = tdp_row
        self._warnings = warnings
        self._start_cpu_s = 0.0

    @classmethod
    def for_host(cls, scope: CpuScope = "process") -> EstimateSource:
        """The estimate for this host: its CPU model's TDP row (cached), its logical CPUs."""
        model, row, warnings = _host_tdp()
        n_cpus = logical_cpus()
        return cls(
            tdp_w=host_tdp_w(row.tdp_w, row.threads, n_cpus),
            n_cpus=n_cpus,
            cpu_time=CPU_TIME_READERS[scope],
            model=model,
            tdp_row=row.id,
            warnings=warnings,
        )

    def start(self) -> None:
        """Read the cumulative CPU time (s)."""
        self._start_cpu_s = self._cpu_time()

    def stop(self, duration_s: float) -> Measured:
        """Estimated CPU energy (J) over the window of ``duration_s`` seconds."""
        cpu_s = self._cpu_time() - self._start_cpu_s
        util = utilisation(cpu_s, duration_s, self.n_cpus)
        details: dict[str, str | int | float] = {
            "tdp_w": self.tdp_w,
            "utilisation": util,
            "cpu_s": cpu_s,
            "n_cpus": self.n_cpus,
        }
        if self._tdp_row is not None:
            details["tdp_row"] = self._tdp_row
        device = DeviceEnergy(
            device="cpu",
            energy_j=estimate_energy_j(self.tdp_w, util, duration_s),
            method="estimate",
            model=self._model,
            details=details,
        )
        return Measured([device], list(self._warnings))

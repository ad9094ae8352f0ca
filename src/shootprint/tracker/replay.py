"""A source that replays a recorded trace of cumulative energy counters, for tests without hardware.

Trace format (CSV, one reading per row)::

    time_s,device,method,counter,counter_unit,counter_max,model
    0.0,gpu:0,nvml,48213907112,mJ,,NVIDIA H100 80GB HBM3
    0.0,cpu,rapl,262000000000,uJ,262143328850,Intel(R) Xeon(R) Platinum 8480+

* ``time_s`` — time of the reading since the start of the trace (s);
* ``device`` — ``gpu:<n>``, ``cpu`` …; ``method`` — the source that took it (``nvml``, ``rapl``);
* ``counter`` — the cumulative counter as read (any starting value), in ``counter_unit``
  (``J``, ``mJ`` as NVML, ``uJ`` as RAPL);
* ``counter_max`` — the value at which the counter wraps (RAPL's ``max_energy_range_uj``), empty
  if it never wraps; ``model`` — the device's model name.

The energy of a device over a window is the sum of the increases between its consecutive readings
in the window, each through :func:`~shootprint.tracker.sources.counter_delta` — the same
difference and wrap rule as the live sources. The shipped ``data/tracker/example_trace.csv`` is a
synthetic 10 s trace (two H100 GPUs, one CPU package whose counter wraps at 2 s) written to the
shape of real readings; it is not a measurement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from shootprint.errors import InputError
from shootprint.i18n import Message
from shootprint.tracker.records import DeviceEnergy, Method, TrackerWarning, validate_csv_rows
from shootprint.tracker.sources import Measured, counter_delta

if TYPE_CHECKING:
    from pydantic import BaseModel

#: Joules per unit of counter.
J_PER_UNIT: dict[str, float] = {"J": 1.0, "mJ": 1e-3, "uJ": 1e-6}
EXAMPLE_TRACE = "tracker/example_trace.csv"


@dataclass(frozen=True)
class Reading:
    """One counter reading of a trace."""

    time_s: float
    device: str
    method: Literal["nvml", "rapl"]
    counter: int
    counter_unit: Literal["J", "mJ", "uJ"]
    counter_max: int | None
    model: str


@cache
def _reading_model() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _ReadingModel(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        time_s: float = Field(ge=0)
        device: str = Field(min_length=1)
        method: Literal["nvml", "rapl"]
        counter: int = Field(ge=0)
        counter_unit: Literal["J", "mJ", "uJ"]
        counter_max: int | None = Field(default=None, gt=0)
        model: str = ""

        @field_validator("counter_max", mode="before")
        @classmethod
        def _empty_is_none(cls, value: object) -> object:
            return None if value == "" else value

    return _ReadingModel


def load_trace(path: str | Path | None = None) -> list[Reading]:
    """Read and validate a trace (the shipped example if ``path`` is ``None``), sorted by time.

    Raises :class:`InputError` naming the file, line and column of every bad value.
    """

    if path is None:
        name = EXAMPLE_TRACE
        text = resources.files("shootprint.data").joinpath(EXAMPLE_TRACE).read_text("utf-8")
    else:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(Message("{path}: cannot read the trace: {error}", path=str(path), error=str(err))) from err
    model = _reading_model()
    valid_rows, problems = validate_csv_rows(text, model, name)
    readings = [Reading(**v.model_dump()) for v in valid_rows]
    if not readings and not problems:
        problems.append(Message("{name}: no readings.", name=name))
    kinds: dict[str, tuple[str, str]] = {}
    for r in readings:
        kind = kinds.setdefault(r.device, (r.method, r.counter_unit))
        if kind != (r.method, r.counter_unit):
            problems.append(
                Message(
                    "{name}: {device} mixes methods or counter units ({first} and {then}).",
                    name=name,
                    device=r.device,
                    first=str(kind),
                    then=str((r.method, r.counter_unit)),
                )
            )
            break
    if problems:
        raise InputError(problems)
    return sorted(readings, key=lambda r: r.time_s)


class ReplaySource:
    """Replays the window ``[start_s, stop_s]`` of a trace (the whole trace by default).

    Every start/stop pair returns the same energies, whatever the wall time: tests get exact,
    hardware-free numbers. Devices are recorded with method ``replay`` and the method that took
    the trace in ``details["recorded_method"]``.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        start_s: float | None = None,
        stop_s: float | None = None,
    ) -> None:
        self._name = Path(path).name if path is not None else Path(EXAMPLE_TRACE).name
        readings = load_trace(path)
        lo = -math.inf if start_s is None else start_s
        hi = math.inf if stop_s is None else stop_s
        self._by_device: dict[str, list[Reading]] = defaultdict(list)
        for r in readings:
            if lo <= r.time_s <= hi:
                self._by_device[r.device].append(r)

    def start(self) -> None:
        """Nothing to read: the trace holds the readings."""

    def stop(self, duration_s: float) -> Measured:
        """Energy (J) of each device of the trace over the window."""
        devices: list[DeviceEnergy] = []
        warnings: list[TrackerWarning] = []
        for device, readings in self._by_device.items():
            if len(readings) < 2:
                warnings.append(
                    TrackerWarning(
                        "replay-too-few-readings",
                        f"{self._name}: {device} has fewer than two readings in the window.",
                    )
                )
                continue
            total = 0.0
            reset = False
            for a, b in zip(readings, readings[1:], strict=False):
                delta = counter_delta(a.counter, b.counter, b.counter_max)
                if delta is None:
                    reset = True
                    break
                total += delta
            if reset:
                warnings.append(
                    TrackerWarning(
                        "replay-counter-reset",
                        f"{self._name}: {device}'s counter goes down without a counter_max.",
                    )
                )
                continue
            first, last = readings[0], readings[-1]
            energy_j = total * J_PER_UNIT[last.counter_unit]
            span_s = last.time_s - first.time_s
            recorded: Method = first.method
            devices.append(
                DeviceEnergy(
                    device=device,
                    energy_j=energy_j,
                    method="replay",
                    model=last.model or None,
                    details={
                        "recorded_method": recorded,
                        "trace": self._name,
                        "trace_duration_s": span_s,
                        "mean_power_w": energy_j / span_s if span_s > 0 else 0.0,
                    },
                )
            )
        return Measured(devices, warnings)

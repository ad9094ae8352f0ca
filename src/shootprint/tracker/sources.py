"""Power sources: the protocol every way of measuring follows, and the rule that picks them.

A source measures one window: :meth:`PowerSource.start` when the job starts,
:meth:`PowerSource.stop` when it ends, which returns the energy of each device it covers and the
warnings it met. Implementations:

* :class:`~shootprint.tracker.nvml.NvmlSource` — NVIDIA GPUs, NVML total-energy counters (mJ);
* :class:`~shootprint.tracker.rapl.RaplSource` — CPU packages, RAPL counters through powercap (µJ);
* :class:`~shootprint.tracker.estimate.EstimateSource` — CPU, TDP × utilisation × time;
* :class:`~shootprint.tracker.replay.ReplaySource` — a recorded trace of counters, for tests.

Selection (:func:`select_sources`), every fallback leaving a warning:

* GPUs: NVML if ``pynvml`` imports, the driver answers and there are GPUs whose energy counter
  works; otherwise no GPU is measured and the warning says why (``nvml-unavailable`` …).
* CPU: RAPL if a powercap package zone is readable; otherwise the estimate, with a warning
  (``rapl-unavailable`` or ``rapl-unreadable``).

The probes (library load, driver, sysfs, CPU model, TDP row) run once per process and are cached;
only the sources themselves, which hold the readings of one window, are made afresh for each job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal, NamedTuple, Protocol

from shootprint.tracker.records import DeviceEnergy, TrackerWarning

#: Whose CPU time the estimate counts: ``process`` — this process (all threads) and its waited-for
#: children (``os.times``); ``children`` — only waited-for children (``RUSAGE_CHILDREN``), for the
#: command-line tracker, whose own work is not the job's.
CpuScope = Literal["process", "children"]


class Measured(NamedTuple):
    """What a source returns at the end of a window."""

    devices: list[DeviceEnergy]
    warnings: list[TrackerWarning]


class PowerSource(Protocol):
    """A way of measuring the energy of some devices over one window."""

    def start(self) -> None:
        """Take the starting readings. Called once, right before the job starts."""
        ...

    def stop(self, duration_s: float) -> Measured:
        """Take the final readings and return the energy (J) of each device over the window.

        ``duration_s`` is the wall time of the window as the tracker measured it (s); counter
        sources ignore it, the estimate multiplies by it.
        """
        ...


def counter_delta(start: float, end: float, max_range: float | None) -> float | None:
    """Increase of a cumulative energy counter between two readings, in the counter's unit.

    A counter may start at any value, so only the difference counts. If ``end < start`` the
    counter wrapped: with its ``max_range`` (RAPL's ``max_energy_range_uj``) the increase is
    ``end + max_range - start`` — one wrap at most, which is why RAPL is read often enough that a
    second wrap cannot happen between two readings. Without ``max_range`` (NVML's 64-bit counter
    never wraps) a decrease means the counter was reset, and ``None`` is returned.
    """
    if end >= start:
        return end - start
    if max_range:
        return end + max_range - start
    return None


@dataclass(frozen=True)
class Selection:
    """The sources picked for a job and the warnings the picking left."""

    sources: list[PowerSource]
    warnings: list[TrackerWarning] = field(default_factory=list)


_DEFAULT_RAPL_ROOT = Path("/sys/class/powercap")


def select_sources(
    *,
    cpu_scope: CpuScope = "process",
    nvml_module: ModuleType | None = None,
    rapl_root: Path | None = None,
    visible_devices: str | None = None,
) -> Selection:
    """Pick the sources for a job on this host (see the module docstring for the rule).

    ``nvml_module`` and ``rapl_root`` replace ``pynvml`` and ``/sys/class/powercap`` (for tests);
    with the defaults the probes are cached for the life of the process. ``visible_devices``
    restricts the GPUs like ``CUDA_VISIBLE_DEVICES`` (default: that variable, if set).
    """
    from shootprint.tracker import estimate, nvml, rapl

    sources: list[PowerSource] = []
    warnings: list[TrackerWarning] = []

    gpu_probe = nvml.probe_nvml_cached() if nvml_module is None else nvml.probe_nvml(nvml_module)
    warnings.extend(gpu_probe.warnings)
    if visible_devices is None:
        visible_devices = os.environ.get("CUDA_VISIBLE_DEVICES")
    gpus, visible_warnings = nvml.filter_visible(gpu_probe.devices, visible_devices)
    warnings.extend(visible_warnings)
    if gpus and gpu_probe.module is not None:
        sources.append(nvml.NvmlSource(gpu_probe.module, gpus))

    root = _DEFAULT_RAPL_ROOT if rapl_root is None else rapl_root
    cpu_probe = rapl.probe_rapl_cached() if rapl_root is None else rapl.probe_rapl(root)
    warnings.extend(cpu_probe.warnings)
    if cpu_probe.zones:
        sources.append(rapl.RaplSource(cpu_probe.zones, model=estimate.cpu_model_name()))
    else:
        sources.append(estimate.EstimateSource.for_host(cpu_scope))
    return Selection(sources, warnings)


@cache
def host_name() -> str:
    """This host's name (cached for the process)."""
    import socket

    return socket.gethostname()

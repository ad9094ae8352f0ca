"""CPU packages through RAPL energy counters, read from the Linux powercap interface.

Method: each top-level zone ``/sys/class/powercap/intel-rapl:<n>`` whose ``name`` is
``package-<n>`` exposes ``energy_uj``, the cumulative energy of that CPU package in microjoules,
and ``max_energy_range_uj``, the value at which it wraps to zero (Linux kernel documentation,
"Power Capping Framework", Documentation/power/powercap/powercap.rst). AMD processors expose the
same files under the same name. The energy of a job is the sum over packages of the counter's
increase (:func:`~shootprint.tracker.sources.counter_delta`), ``energy_j = Δenergy_uj / 1e6``.

Only package zones count: sub-zones (``core``, ``uncore``) are parts of their package, and ``psys``
(laptops) contains the packages, so adding either would count energy twice. DRAM zones are not
read. Like NVML, the counter covers the whole package, other processes included.

The counter wraps after ``max_energy_range_uj`` (about 262 kJ on many Intel parts: some 20 minutes
at 200 W), so a window longer than one wrap would be undercounted by two readings alone; a daemon
thread therefore reads the counters every ``poll_s`` seconds (30 s by default, far below the wrap
time of any package under 8 kW) and adds the increases. Since 2020 ``energy_uj`` is readable by
root only on most distributions; when it cannot be read, the CPU is estimated instead and the record
says so (``rapl-unreadable``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from shootprint.tracker.records import DeviceEnergy, TrackerWarning
from shootprint.tracker.sources import Measured, counter_delta

UJ_PER_J = 1e6
DEFAULT_POLL_S = 30.0


@dataclass(frozen=True)
class RaplZone:
    """A readable RAPL package zone: its sysfs folder, its name, its wrap value (µJ)."""

    path: Path
    name: str
    max_energy_range_uj: int

    def read_uj(self) -> int:
        """The zone's cumulative counter, µJ (raises ``OSError`` if unreadable)."""
        return int((self.path / "energy_uj").read_text())


class RaplProbe(NamedTuple):
    """The readable package zones, and the warnings of the probe."""

    zones: list[RaplZone]
    warnings: list[TrackerWarning]


def probe_rapl(root: Path) -> RaplProbe:
    """Find the readable RAPL package zones under a powercap folder (``/sys/class/powercap``).

    Never raises for a missing or unreadable interface: it returns no zone and a warning
    (``rapl-unavailable``, ``rapl-unreadable``), and the CPU is then estimated.
    """
    try:
        candidates = sorted(p for p in root.glob("intel-rapl:*") if p.name.count(":") == 1)
    except OSError as err:
        candidates = []
        reason = f"{root} cannot be listed ({err.strerror or err})"
    else:
        reason = f"no RAPL package zone under {root}"
    zones: list[RaplZone] = []
    unreadable: list[str] = []
    for path in candidates:
        try:
            name = (path / "name").read_text().strip()
            if not name.startswith("package"):
                continue
            max_uj = int((path / "max_energy_range_uj").read_text())
            int((path / "energy_uj").read_text())
        except (OSError, ValueError) as err:
            unreadable.append(f"{path.name}: {getattr(err, 'strerror', None) or err}")
            continue
        zones.append(RaplZone(path, name, max_uj))
    if unreadable:
        return RaplProbe(
            [],
            [
                TrackerWarning(
                    "rapl-unreadable",
                    "RAPL energy counters cannot be read ("
                    + "; ".join(unreadable)
                    + "); CPU energy estimated from TDP × utilisation × time.",
                )
            ],
        )
    if not zones:
        return RaplProbe(
            [],
            [
                TrackerWarning(
                    "rapl-unavailable",
                    f"{reason}; CPU energy estimated from TDP × utilisation × time.",
                )
            ],
        )
    return RaplProbe(zones, [])


@cache
def probe_rapl_cached() -> RaplProbe:
    """:func:`probe_rapl` on ``/sys/class/powercap``, once per process."""
    return probe_rapl(Path("/sys/class/powercap"))


class RaplSource:
    """Energy of all CPU packages over a window (one ``cpu`` device), from RAPL counters (µJ)."""

    def __init__(self, zones: list[RaplZone], *, model: str | None = None, poll_s: float = DEFAULT_POLL_S) -> None:
        self._zones = zones
        self._model = model
        self._poll_s = poll_s
        self._last_uj: dict[Path, int] = {}
        self._total_uj: dict[Path, float] = {}
        self._warnings: list[TrackerWarning] = []
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        for zone in self._zones:
            if zone.path not in self._last_uj:
                continue
            try:
                now_uj = zone.read_uj()
            except (OSError, ValueError) as err:
                self._warnings.append(TrackerWarning("rapl-read-failed", f"{zone.name}: reading failed ({err})."))
                continue
            delta = counter_delta(self._last_uj[zone.path], now_uj, zone.max_energy_range_uj)
            self._total_uj[zone.path] += delta or 0.0
            self._last_uj[zone.path] = now_uj

    def _poll(self) -> None:
        while not self._stop_event.wait(self._poll_s):
            self._sample()

    def start(self) -> None:
        """Read every package counter and start the polling thread."""
        self._warnings = []
        self._last_uj = {}
        self._total_uj = {}
        for zone in self._zones:
            try:
                self._last_uj[zone.path] = zone.read_uj()
            except (OSError, ValueError) as err:
                self._warnings.append(
                    TrackerWarning(
                        "rapl-read-failed",
                        f"{zone.name}: reading failed at start ({err}); left out.",
                    )
                )
                continue
            self._total_uj[zone.path] = 0.0
        self._stop_event.clear()
        self._thread = threading.Thread(target=self._poll, name="shootprint-rapl", daemon=True)
        self._thread.start()

    def stop(self, duration_s: float) -> Measured:
        """Energy (J) of the CPU packages since :meth:`start`, summed over packages."""
        self._stop_event.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._sample()
        if not self._total_uj:
            return Measured([], self._warnings)
        energy_j = sum(self._total_uj.values()) / UJ_PER_J
        names = ",".join(z.name for z in self._zones if z.path in self._total_uj)
        return Measured(
            [
                DeviceEnergy(
                    device="cpu",
                    energy_j=energy_j,
                    method="rapl",
                    model=self._model,
                    details={
                        "zones": names,
                        "mean_power_w": energy_j / duration_s if duration_s > 0 else 0.0,
                    },
                )
            ],
            self._warnings,
        )

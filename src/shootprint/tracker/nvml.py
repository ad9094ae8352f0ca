"""NVIDIA GPUs through NVML's total-energy counter.

Method: ``nvmlDeviceGetTotalEnergyConsumption`` returns the energy a GPU has used since the driver
was last loaded, in millijoules (NVML API reference, "Device Queries"; Volta and newer). The counter
starts wherever it stands, so the energy of a job is the difference of two readings
(:func:`~shootprint.tracker.sources.counter_delta`): ``energy_j = (end_mj - start_mj) / 1000``. It
is 64-bit and does not wrap; a decrease means the driver was reloaded, and the GPU is then dropped
from the record with an ``nvml-counter-reset`` warning.

The counter covers the whole GPU: work of other processes on the same GPU during the job is counted
too. GPUs outside ``CUDA_VISIBLE_DEVICES`` are left out; devices are named by NVML index
(``gpu:<index>``), with the GPU's UUID in the details.

``pynvml`` (package ``nvidia-ml-py``) is imported here, lazily, on the first probe only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, NamedTuple

from shootprint.tracker.records import DeviceEnergy, TrackerWarning
from shootprint.tracker.sources import Measured, counter_delta

MJ_PER_J = 1000.0


@dataclass(frozen=True)
class NvmlDevice:
    """A GPU whose energy counter answered at probe time."""

    index: int
    handle: Any
    model: str
    uuid: str


class NvmlProbe(NamedTuple):
    """The outcome of probing NVML: the module (if it loaded), the usable GPUs, the warnings."""

    module: ModuleType | None
    devices: list[NvmlDevice]
    warnings: list[TrackerWarning]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def probe_nvml(module: ModuleType | None = None) -> NvmlProbe:
    """Load NVML and list the GPUs whose energy counter can be read.

    ``module`` replaces ``pynvml`` (tests pass a fake). Never raises for a missing library,
    driver or GPU: each becomes a warning (``nvml-unavailable``, ``nvml-energy-unsupported``).
    """
    if module is None:
        try:
            import pynvml
        except ImportError as err:
            return NvmlProbe(
                None,
                [],
                [
                    TrackerWarning(
                        "nvml-unavailable",
                        f"nvidia-ml-py (pynvml) cannot be imported ({err}); GPU energy not measured.",
                    )
                ],
            )
        module = pynvml
    nvml_error: type[Exception] = module.NVMLError
    try:
        module.nvmlInit()
        count = module.nvmlDeviceGetCount()
    except nvml_error as err:
        return NvmlProbe(
            None,
            [],
            [
                TrackerWarning(
                    "nvml-unavailable",
                    f"NVML did not start ({err}): no NVIDIA driver or GPU here; GPU energy not measured.",
                )
            ],
        )
    devices: list[NvmlDevice] = []
    warnings: list[TrackerWarning] = []
    for index in range(count):
        try:
            handle = module.nvmlDeviceGetHandleByIndex(index)
            model = _text(module.nvmlDeviceGetName(handle))
            uuid = _text(module.nvmlDeviceGetUUID(handle))
        except nvml_error as err:
            warnings.append(TrackerWarning("nvml-device-error", f"gpu:{index}: NVML could not open it ({err})."))
            continue
        try:
            module.nvmlDeviceGetTotalEnergyConsumption(handle)
        except nvml_error as err:
            warnings.append(
                TrackerWarning(
                    "nvml-energy-unsupported",
                    f"gpu:{index} ({model}) has no readable energy counter ({err}); its energy is not measured.",
                )
            )
            continue
        devices.append(NvmlDevice(index, handle, model, uuid))
    return NvmlProbe(module, devices, warnings)


@cache
def probe_nvml_cached() -> NvmlProbe:
    """:func:`probe_nvml` with the real ``pynvml``, once per process."""
    return probe_nvml(None)


def filter_visible(devices: list[NvmlDevice], visible: str | None) -> tuple[list[NvmlDevice], list[TrackerWarning]]:
    """Keep the GPUs named in a ``CUDA_VISIBLE_DEVICES`` value (indices or ``GPU-`` UUIDs).

    ``None`` keeps all. An entry that is neither (e.g. a ``MIG-`` instance) keeps all GPUs and
    leaves a ``nvml-visible-devices`` warning, since a MIG slice has no energy counter of its own.
    """
    if visible is None:
        return devices, []
    kept: list[NvmlDevice] = []
    for entry in (e.strip() for e in visible.split(",")):
        if not entry:
            continue
        if entry.isdigit():
            found = [d for d in devices if d.index == int(entry)]
        elif entry.startswith("GPU-"):
            found = [d for d in devices if d.uuid.startswith(entry)]
        else:
            return devices, [
                TrackerWarning(
                    "nvml-visible-devices",
                    f"CUDA_VISIBLE_DEVICES entry {entry!r} is not a GPU index or GPU- UUID; every GPU is measured.",
                )
            ]
        kept.extend(d for d in found if d not in kept)
    return kept, []


class NvmlSource:
    """Energy of NVIDIA GPUs over a window, from NVML's cumulative counters (mJ)."""

    def __init__(self, module: ModuleType, devices: list[NvmlDevice]) -> None:
        self._module = module
        self._devices = devices
        self._start_mj: dict[int, int] = {}
        self._warnings: list[TrackerWarning] = []

    def _read_mj(self, device: NvmlDevice) -> int | None:
        nvml_error: type[Exception] = self._module.NVMLError
        try:
            return int(self._module.nvmlDeviceGetTotalEnergyConsumption(device.handle))
        except nvml_error as err:
            self._warnings.append(
                TrackerWarning(
                    "nvml-read-failed",
                    f"gpu:{device.index}: reading its energy counter failed ({err}); its energy is not measured.",
                )
            )
            return None

    def start(self) -> None:
        """Read every GPU's counter (mJ)."""
        self._warnings = []
        self._start_mj = {}
        for device in self._devices:
            value = self._read_mj(device)
            if value is not None:
                self._start_mj[device.index] = value

    def stop(self, duration_s: float) -> Measured:
        """Energy (J) of each GPU since :meth:`start`: the difference of its counter readings."""
        out: list[DeviceEnergy] = []
        for device in self._devices:
            if device.index not in self._start_mj:
                continue
            end_mj = self._read_mj(device)
            if end_mj is None:
                continue
            delta_mj = counter_delta(self._start_mj[device.index], end_mj, None)
            if delta_mj is None:
                self._warnings.append(
                    TrackerWarning(
                        "nvml-counter-reset",
                        f"gpu:{device.index}: its energy counter went down "
                        f"({self._start_mj[device.index]} → {end_mj} mJ), the driver was "
                        "reloaded; its energy is not measured.",
                    )
                )
                continue
            energy_j = delta_mj / MJ_PER_J
            out.append(
                DeviceEnergy(
                    device=f"gpu:{device.index}",
                    energy_j=energy_j,
                    method="nvml",
                    model=device.model,
                    details={
                        "uuid": device.uuid,
                        "mean_power_w": energy_j / duration_s if duration_s > 0 else 0.0,
                    },
                )
            )
        return Measured(out, self._warnings)

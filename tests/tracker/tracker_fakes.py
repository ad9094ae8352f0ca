"""Fakes for the tracker's hardware: an NVML module and a powercap folder (imported by tests)."""

from __future__ import annotations

import types
from pathlib import Path


class FakeNVMLError(Exception):
    """Stands for ``pynvml.NVMLError``."""


class FakeNvml:
    """A fake ``pynvml``: GPUs with settable energy counters (mJ).

    ``counters_mj[i]`` is what ``nvmlDeviceGetTotalEnergyConsumption`` returns for GPU ``i``;
    GPUs in ``unsupported`` raise on that call; ``init_error`` makes ``nvmlInit`` raise.
    """

    def __init__(
        self,
        counters_mj: list[int],
        *,
        names: list[str] | None = None,
        unsupported: frozenset[int] = frozenset(),
        init_error: str | None = None,
    ) -> None:
        self.counters_mj = list(counters_mj)
        self.names = names or ["NVIDIA H100 80GB HBM3"] * len(counters_mj)
        self.unsupported = unsupported
        self.init_error = init_error
        self.fail_reads = False
        self.module = types.ModuleType("pynvml")
        m = self.module
        m.NVMLError = FakeNVMLError  # type: ignore[attr-defined]
        m.nvmlInit = self._init  # type: ignore[attr-defined]
        m.nvmlDeviceGetCount = lambda: len(self.counters_mj)  # type: ignore[attr-defined]
        m.nvmlDeviceGetHandleByIndex = lambda i: i  # type: ignore[attr-defined]
        m.nvmlDeviceGetName = lambda h: self.names[h].encode()  # type: ignore[attr-defined]
        m.nvmlDeviceGetUUID = lambda h: f"GPU-0000000{h}-aaaa"  # type: ignore[attr-defined]
        m.nvmlDeviceGetTotalEnergyConsumption = self._energy  # type: ignore[attr-defined]

    def _init(self) -> None:
        if self.init_error is not None:
            raise FakeNVMLError(self.init_error)

    def _energy(self, handle: int) -> int:
        if handle in self.unsupported:
            raise FakeNVMLError("Not Supported")
        if self.fail_reads:
            raise FakeNVMLError("GPU is lost")
        return self.counters_mj[handle]


def make_zone(root: Path, zone: str, name: str, energy_uj: int | None, max_uj: int = 262_143_328_850) -> Path:
    """A powercap zone folder; ``energy_uj=None`` makes the counter unreadable (a folder)."""
    path = root / zone
    path.mkdir(parents=True)
    (path / "name").write_text(name + "\n")
    (path / "max_energy_range_uj").write_text(f"{max_uj}\n")
    if energy_uj is None:
        (path / "energy_uj").mkdir()  # reading it raises IsADirectoryError, even as root
    else:
        (path / "energy_uj").write_text(f"{energy_uj}\n")
    return path


def set_uj(zone_path: Path, value: int) -> None:
    (zone_path / "energy_uj").write_text(f"{value}\n")

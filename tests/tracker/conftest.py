"""Fixtures of the tracker tests; the fakes live in ``tracker_fakes``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tracker_fakes import FakeNvml

from shootprint.tracker import nvml, rapl


@pytest.fixture
def no_gpu() -> FakeNvml:
    """NVML that loads but finds no driver."""
    return FakeNvml([], init_error="NVML Shared Library Not Found")


@pytest.fixture
def empty_powercap(tmp_path: Path) -> Path:
    root = tmp_path / "powercap"
    root.mkdir()
    return root


@pytest.fixture
def clear_probe_caches() -> Iterator[None]:
    """Forget the per-process probes before and after a test that changes what they see."""
    nvml.probe_nvml_cached.cache_clear()
    rapl.probe_rapl_cached.cache_clear()
    yield
    nvml.probe_nvml_cached.cache_clear()
    rapl.probe_rapl_cached.cache_clear()

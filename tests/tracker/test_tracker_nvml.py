"""NVML source on a fake pynvml: non-zero counters, several GPUs, missing library, failures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tracker_fakes import FakeNvml

from shootprint.tracker import nvml, select_sources, track
from shootprint.tracker.nvml import NvmlSource, filter_visible, probe_nvml


def test_counter_starting_non_zero_counts_only_the_difference() -> None:
    fake = FakeNvml([987_654_321_000])
    probe = probe_nvml(fake.module)
    source = NvmlSource(fake.module, probe.devices)
    source.start()
    fake.counters_mj[0] += 1_500_000  # 1500 J
    measured = source.stop(duration_s=3.0)
    assert measured.warnings == []
    [gpu] = measured.devices
    assert gpu.device == "gpu:0"
    assert gpu.method == "nvml"
    assert gpu.energy_j == pytest.approx(1500.0)
    assert gpu.model == "NVIDIA H100 80GB HBM3"
    assert gpu.details["mean_power_w"] == pytest.approx(500.0)


def test_several_gpus_each_their_own_difference(empty_powercap: Path) -> None:
    fake = FakeNvml([10_000, 7_000_000, 42], names=["NVIDIA A100-SXM4-80GB"] * 3)
    selection = select_sources(nvml_module=fake.module, rapl_root=empty_powercap)
    gpu_source = selection.sources[0]
    assert isinstance(gpu_source, NvmlSource)
    gpu_source.start()
    fake.counters_mj[0] += 250_000
    fake.counters_mj[1] += 400_500
    fake.counters_mj[2] += 0
    measured = gpu_source.stop(duration_s=1.0)
    assert [(d.device, d.energy_j) for d in measured.devices] == [
        ("gpu:0", 250.0),
        ("gpu:1", 400.5),
        ("gpu:2", 0.0),
    ]


def test_missing_library_falls_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, empty_powercap: Path, clear_probe_caches: None
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # `import pynvml` raises ImportError
    with track("no-nvml", sources=select_sources(rapl_root=empty_powercap)) as t:
        pass
    assert t.record is not None
    assert [d.method for d in t.record.devices] == ["estimate"]
    codes = [w.code for w in t.record.warnings]
    assert "nvml-unavailable" in codes
    assert "rapl-unavailable" in codes
    message = next(w.message for w in t.record.warnings if w.code == "nvml-unavailable")
    assert "cannot be imported" in message


def test_driver_missing_falls_back_with_a_warning(no_gpu: FakeNvml, empty_powercap: Path) -> None:
    selection = select_sources(nvml_module=no_gpu.module, rapl_root=empty_powercap)
    assert not any(isinstance(s, NvmlSource) for s in selection.sources)
    [warning] = [w for w in selection.warnings if w.code == "nvml-unavailable"]
    assert "NVML Shared Library Not Found" in warning.message


def test_gpu_without_energy_counter_is_left_out_with_a_warning() -> None:
    fake = FakeNvml([100, 200], unsupported=frozenset({1}))
    probe = probe_nvml(fake.module)
    assert [d.index for d in probe.devices] == [0]
    assert [w.code for w in probe.warnings] == ["nvml-energy-unsupported"]
    assert "gpu:1" in probe.warnings[0].message


def test_counter_reset_drops_the_gpu_with_a_warning() -> None:
    fake = FakeNvml([5_000_000])
    source = NvmlSource(fake.module, probe_nvml(fake.module).devices)
    source.start()
    fake.counters_mj[0] = 1_000  # driver reloaded
    measured = source.stop(1.0)
    assert measured.devices == []
    assert [w.code for w in measured.warnings] == ["nvml-counter-reset"]


def test_read_failure_at_stop_is_a_warning_not_a_crash() -> None:
    fake = FakeNvml([5_000_000])
    source = NvmlSource(fake.module, probe_nvml(fake.module).devices)
    source.start()
    fake.fail_reads = True
    measured = source.stop(1.0)
    assert measured.devices == []
    assert [w.code for w in measured.warnings] == ["nvml-read-failed"]


def test_cuda_visible_devices_restricts_the_gpus() -> None:
    fake = FakeNvml([1, 2, 3, 4])
    devices = probe_nvml(fake.module).devices
    kept, warnings = filter_visible(devices, "2,0")
    assert [d.index for d in kept] == [2, 0] and warnings == []
    kept, _ = filter_visible(devices, "GPU-00000003")
    assert [d.index for d in kept] == [3]
    kept, warnings = filter_visible(devices, "MIG-1234")
    assert kept == devices and [w.code for w in warnings] == ["nvml-visible-devices"]
    assert filter_visible(devices, None) == (devices, [])


def test_real_pynvml_is_imported_lazily_and_probed_once(clear_probe_caches: None) -> None:
    first = nvml.probe_nvml_cached()
    assert nvml.probe_nvml_cached() is first

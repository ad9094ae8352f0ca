"""RAPL source on a fake powercap folder: packages only, wrap-around, polling, unreadable."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tracker_fakes import FakeNvml, make_zone, set_uj

from shootprint.tracker import select_sources
from shootprint.tracker.estimate import EstimateSource
from shootprint.tracker.rapl import RaplSource, probe_rapl
from shootprint.tracker.sources import counter_delta

MAX_UJ = 262_143_328_850


def test_counter_delta() -> None:
    assert counter_delta(100, 250, None) == 150
    assert counter_delta(MAX_UJ - 100, 50, MAX_UJ) == 150  # one wrap
    assert counter_delta(500, 100, None) is None  # reset, no range known


def test_only_package_zones_are_summed(tmp_path: Path) -> None:
    p0 = make_zone(tmp_path, "intel-rapl:0", "package-0", 1_000_000)
    p1 = make_zone(tmp_path, "intel-rapl:1", "package-1", 9_000_000_000)
    core = make_zone(tmp_path, "intel-rapl:0:0", "core", 5)
    psys = make_zone(tmp_path, "intel-rapl:2", "psys", 7)
    probe = probe_rapl(tmp_path)
    assert [z.name for z in probe.zones] == ["package-0", "package-1"]
    source = RaplSource(probe.zones, model="Intel(R) Xeon(R) Platinum 8480+")
    source.start()
    set_uj(p0, 1_000_000 + 40_000_000)  # 40 J
    set_uj(p1, 9_000_000_000 + 35_500_000)  # 35.5 J
    set_uj(core, 10**12)  # sub-zone and psys must not count
    set_uj(psys, 10**12)
    measured = source.stop(duration_s=0.5)
    [cpu] = measured.devices
    assert (cpu.device, cpu.method) == ("cpu", "rapl")
    assert cpu.energy_j == pytest.approx(75.5)
    assert cpu.details["zones"] == "package-0,package-1"
    assert cpu.details["mean_power_w"] == pytest.approx(151.0)


def test_wrap_around_uses_max_energy_range(tmp_path: Path) -> None:
    p0 = make_zone(tmp_path, "intel-rapl:0", "package-0", MAX_UJ - 2_000_000, max_uj=MAX_UJ)
    source = RaplSource(probe_rapl(tmp_path).zones)
    source.start()
    set_uj(p0, 3_000_000)
    [cpu] = source.stop(1.0).devices
    assert cpu.energy_j == pytest.approx(5.0)


def test_polling_catches_more_than_one_wrap(tmp_path: Path) -> None:
    p0 = make_zone(tmp_path, "intel-rapl:0", "package-0", 900, max_uj=1_000)
    source = RaplSource(probe_rapl(tmp_path).zones, poll_s=0.01)
    source.start()
    set_uj(p0, 100)  # +200 µJ (wrapped)
    time.sleep(0.2)
    set_uj(p0, 950)  # +850 µJ
    time.sleep(0.2)
    set_uj(p0, 50)  # +100 µJ (wrapped again)
    [cpu] = source.stop(0.4).devices
    assert cpu.energy_j == pytest.approx(1_150e-6)


def test_unreadable_counter_falls_back_to_estimate(tmp_path: Path, no_gpu: FakeNvml) -> None:
    make_zone(tmp_path, "intel-rapl:0", "package-0", None)
    selection = select_sources(nvml_module=no_gpu.module, rapl_root=tmp_path)
    assert [type(s) for s in selection.sources] == [EstimateSource]
    [warning] = [w for w in selection.warnings if w.code.startswith("rapl")]
    assert warning.code == "rapl-unreadable"
    assert "intel-rapl:0" in warning.message


def test_no_powercap_falls_back_to_estimate(tmp_path: Path, no_gpu: FakeNvml) -> None:
    selection = select_sources(nvml_module=no_gpu.module, rapl_root=tmp_path / "absent")
    assert [type(s) for s in selection.sources] == [EstimateSource]
    assert "rapl-unavailable" in [w.code for w in selection.warnings]


def test_readable_rapl_is_chosen(tmp_path: Path, no_gpu: FakeNvml) -> None:
    make_zone(tmp_path, "intel-rapl:0", "package-0", 12)
    selection = select_sources(nvml_module=no_gpu.module, rapl_root=tmp_path)
    assert [type(s) for s in selection.sources] == [RaplSource]
    assert [w.code for w in selection.warnings] == ["nvml-unavailable"]

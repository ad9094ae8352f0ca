"""Replay source on the shipped example trace: hand-computed energies, wrap, window, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint.errors import InputError
from shootprint.tracker import track
from shootprint.tracker.replay import ReplaySource, load_trace

# Increases between consecutive readings of the shipped trace (data/tracker/example_trace.csv).
GPU0_MJ = [312400, 655200, 688900, 671300, 690050, 684700, 679900, 402100, 131800, 98600]
GPU1_MJ = [98500, 431200, 452800, 447300, 460100, 455600, 449900, 300400, 120500, 97300]
CPU_UJ = [95312004, 131870211, 138450377, 140002118, 139771560, 138906442, 137550031,
          120014226, 96700519, 94210008]  # fmt: skip


def test_whole_example_trace() -> None:
    with track("replayed", sources=[ReplaySource()]) as t:
        pass
    assert t.record is not None
    energies = {d.device: d.energy_j for d in t.record.devices}
    assert energies["gpu:0"] == pytest.approx(sum(GPU0_MJ) / 1e3)  # 5014.95 J
    assert energies["gpu:1"] == pytest.approx(sum(GPU1_MJ) / 1e3)  # 3313.6 J
    # the CPU counter wraps between t=1 s and t=2 s: counted through max_energy_range
    assert energies["cpu"] == pytest.approx(sum(CPU_UJ) / 1e6)  # 1232.787496 J
    assert t.record.energy_j == pytest.approx(5014.95 + 3313.6 + 1232.787496)
    assert {d.method for d in t.record.devices} == {"replay"}
    gpu0 = next(d for d in t.record.devices if d.device == "gpu:0")
    assert gpu0.details["recorded_method"] == "nvml"
    assert gpu0.details["trace_duration_s"] == 10.0
    assert gpu0.model == "NVIDIA H100 80GB HBM3"


def test_window_of_the_trace() -> None:
    measured = ReplaySource(start_s=2.0, stop_s=7.0).stop(5.0)
    energies = {d.device: d.energy_j for d in measured.devices}
    assert energies["gpu:0"] == pytest.approx(sum(GPU0_MJ[2:7]) / 1e3)
    assert energies["gpu:1"] == pytest.approx(sum(GPU1_MJ[2:7]) / 1e3)
    assert energies["cpu"] == pytest.approx(sum(CPU_UJ[2:7]) / 1e6)


def test_same_energies_on_every_window_pair() -> None:
    source = ReplaySource()
    source.start()
    first = source.stop(1.0)
    source.start()
    assert source.stop(2.0).devices == first.devices


def test_counter_going_down_without_max_is_a_warning(tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text(
        "time_s,device,method,counter,counter_unit,counter_max,model\n0,gpu:0,nvml,5000,mJ,,X\n1,gpu:0,nvml,100,mJ,,X\n"
    )
    measured = ReplaySource(trace).stop(1.0)
    assert measured.devices == []
    assert [w.code for w in measured.warnings] == ["replay-counter-reset"]


def test_bad_trace_names_file_line_and_column(tmp_path: Path) -> None:
    trace = tmp_path / "bad.csv"
    trace.write_text("time_s,device,method,counter,counter_unit,counter_max,model\n0,gpu:0,nvml,5000,kJ,,X\n")
    with pytest.raises(InputError, match=r"bad.csv, line 2, column counter_unit"):
        load_trace(trace)

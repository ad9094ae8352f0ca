"""The in-process tracker: context manager, decorator, file, failures, the host's own choice."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from tracker_fakes import FakeNvml, make_zone, set_uj

from shootprint.tracker import read_records, select_sources, track, tracked, tracker_version
from shootprint.tracker.estimate import EstimateSource
from shootprint.tracker.replay import ReplaySource


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_context_manager_appends_and_exposes_the_record(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    with track("job", out=out) as t:
        _busy(0.05)
    record = t.record
    assert record is not None
    assert record.label == "job"
    assert record.tracker_version == tracker_version()
    assert record.start.utcoffset() == timedelta(0)
    assert 0.05 <= record.duration_s < 1.0
    assert record.energy_j == pytest.approx(sum(d.energy_j for d in record.devices))
    assert read_records(out) == [record]


def test_estimate_in_process_counts_this_process_cpu_time() -> None:
    source = EstimateSource.for_host("process")
    with track("busy", sources=[source]) as busy:
        _busy(0.2)
    with track("idle", sources=[EstimateSource.for_host("process")]) as idle:
        time.sleep(0.2)
    assert busy.record is not None and idle.record is not None
    [cpu] = busy.record.devices
    assert cpu.details["cpu_s"] == pytest.approx(0.2, rel=0.1)
    assert cpu.energy_j == pytest.approx(
        float(cpu.details["tdp_w"]) * float(cpu.details["utilisation"]) * busy.record.duration_s
    )
    assert busy.record.energy_j > 10 * idle.record.energy_j


def test_job_that_raises_is_recorded_and_the_error_propagates(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    tracker = track("boom", out=out, sources=[ReplaySource()])
    with pytest.raises(ZeroDivisionError), tracker:
        _ = 1 / 0
    assert tracker.record is not None
    assert [w.code for w in tracker.record.warnings] == ["job-raised"]
    assert len(read_records(out)) == 1


def test_decorator_measures_every_call(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"

    @tracked("render", out=out, sources=lambda: [ReplaySource(start_s=0, stop_s=1)])
    def render(frames: int) -> int:
        return frames * 2

    assert render(3) == 6
    assert render(4) == 8
    assert render.__wrapped__.__name__ == "render"  # type: ignore[attr-defined]
    records = read_records(out)
    assert [r.label for r in records] == ["render", "render"]
    assert render.last_record == records[-1]
    assert records[0].device_energy_j("gpu") == pytest.approx((312400 + 98500) / 1e3)


def test_decorated_method() -> None:
    class Renderer:
        def __init__(self, scale: int) -> None:
            self.scale = scale

        @tracked("method", sources=lambda: [])
        def render(self, frames: int) -> int:
            return frames * self.scale

    assert Renderer(3).render(2) == 6
    assert Renderer.render.last_record is not None  # type: ignore[attr-defined]
    assert Renderer.render.last_record.label == "method"  # type: ignore[attr-defined]


def test_selection_warnings_reach_the_record(tmp_path: Path) -> None:
    fake = FakeNvml([1_000, 2_000])
    zone = make_zone(tmp_path, "intel-rapl:0", "package-0", 7_000_000)
    with track("full", sources=select_sources(nvml_module=fake.module, rapl_root=tmp_path)) as t:
        fake.counters_mj[0] += 90_000
        fake.counters_mj[1] += 10_000
        set_uj(zone, 7_000_000 + 2_500_000)
    assert t.record is not None
    assert [(d.device, d.method) for d in t.record.devices] == [
        ("gpu:0", "nvml"),
        ("gpu:1", "nvml"),
        ("cpu", "rapl"),
    ]
    assert t.record.energy_j == pytest.approx(90 + 10 + 2.5)
    assert t.record.warnings == ()


def test_user_warning() -> None:
    with track("w", sources=[]) as t:
        t.warn("my-code", "something to know")
    assert t.record is not None
    assert [(w.code, w.message) for w in t.record.warnings] == [("my-code", "something to know")]
    assert t.record.devices == () and t.record.energy_j == 0.0

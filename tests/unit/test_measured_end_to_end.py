"""End to end: a job measured by the tracker replaces an AI task's estimated energy in a production."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shootprint.api import estimate
from shootprint.tracker import ReplaySource, read_records, track


def _production(tmp_path: Path, records_line: str, measured: str | None) -> Path:
    path = tmp_path / "ai.yaml"
    extra = f"    measured: {measured}\n" if measured else ""
    path.write_text(
        "name: measured\ncountry: FR\ndeliverables: {still_images: 3}\n" + records_line + "activities:\n"
        "  - id: visuals\n    type: text_to_image\n    stage: post-production\n    model: FLUX.1-dev\n"
        "    hosting: local\n    region: FR\n    kept: 3\n    iterations: 20\n" + extra,
        encoding="utf-8",
    )
    return path


def test_a_tracked_job_replaces_the_estimate(tmp_path: Path):
    runs = tmp_path / "runs.jsonl"
    with track("hero-visuals", out=runs, sources=[ReplaySource()]) as t:
        pass
    (record,) = read_records(runs)
    assert record.label == "hero-visuals" and record.energy_j > 0
    assert t.record is not None

    estimated = estimate(_production(tmp_path, "", None))
    measured = estimate(_production(tmp_path, "records: [{file: runs.jsonl}]\n", "hero-visuals"))
    line_e = next(line for line in estimated.lines if line.id == "visuals/energy")
    line_m = next(line for line in measured.lines if line.id == "visuals/energy")
    assert line_e.factor_status != "measured"
    assert line_m.factor_status == "measured"
    assert line_m.quantity != pytest.approx(line_e.quantity)
    # the grid still applies to the measured energy
    assert any(f.id == "energy.grid.FR" for f in line_m.factors)
    assert json.loads(runs.read_text().splitlines()[0])["label"] == "hero-visuals"


def test_a_measured_label_with_no_record_is_an_error(tmp_path: Path):
    runs = tmp_path / "runs.jsonl"
    runs.write_text("", encoding="utf-8")
    from shootprint.errors import InputError

    with pytest.raises(InputError, match="measured"):
        estimate(_production(tmp_path, "records: [{file: runs.jsonl}]\n", "nope"))


def test_records_without_gpu_energy_cannot_replace_the_estimate(tmp_path: Path):
    from shootprint.errors import InputError

    record = {
        "label": "cpu-only", "host": "h", "start": "2026-11-25T18:41:13+00:00", "duration_s": 0.1, "energy_j": 0.4,
        "devices": [{"device": "cpu", "energy_j": 0.4, "method": "estimate"}],
        "warnings": [{"code": "nvml-unavailable", "message": "no NVIDIA driver"}],
        "tracker_version": "0.1.0", "run_id": "r1",
    }  # fmt: skip
    (tmp_path / "runs.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="measured no GPU.*nvml-unavailable"):
        estimate(_production(tmp_path, "records: [{file: runs.jsonl}]\n", "cpu-only"))


def test_track_refuses_an_unwritable_out_before_running(tmp_path: Path):
    import subprocess
    import sys

    marker = tmp_path / "ran"
    exe = Path(sys.executable).parent / "shootprint"
    out = subprocess.run(
        [str(exe), "track", "--label", "x", "--out", str(tmp_path / "no" / "dir" / "r.jsonl"), "--",
         sys.executable, "-c", f"open({str(marker)!r}, 'w')"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2 and "cannot write the record" in out.stderr
    assert not marker.exists()

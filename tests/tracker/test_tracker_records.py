"""Records: JSON Lines round trip, validation of files, matching by label, engine helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shootprint.errors import InputError
from shootprint.tracker import (
    COUNTER_METHODS,
    DeviceEnergy,
    TrackerWarning,
    append_record,
    match_records,
    read_records,
)
from shootprint.tracker.records import Method, Record, make_record, record_to_dict


def _record(label: str = "sdxl", cpu_method: Method = "estimate") -> Record:
    return make_record(
        label=label,
        host="render-01",
        start=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        duration_s=12.5,
        devices=[
            DeviceEnergy("gpu:0", 3000.0, "nvml", "NVIDIA H100 80GB HBM3", {"uuid": "GPU-1"}),
            DeviceEnergy("gpu:1", 2500.0, "nvml", "NVIDIA H100 80GB HBM3"),
            DeviceEnergy("cpu", 400.0, cpu_method, "X", {"tdp_w": 8.0, "utilisation": 0.5}),
        ],
        warnings=[TrackerWarning("rapl-unavailable", "no RAPL")],
        tracker_version="0.1.0",
        run_id="abc",
    )


def test_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    a, b = _record("sdxl"), _record("upscale", cpu_method="rapl")
    append_record(out, a)
    append_record(out, b)
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert obj["start"] == "2026-11-25T09:30:00+00:00"
    assert obj["energy_j"] == 5900.0
    assert obj["devices"][0] == {
        "device": "gpu:0",
        "energy_j": 3000.0,
        "method": "nvml",
        "model": "NVIDIA H100 80GB HBM3",
        "details": {"uuid": "GPU-1"},
    }
    assert obj["warnings"] == [{"code": "rapl-unavailable", "message": "no RAPL"}]
    assert read_records(out) == [a, b]


def test_engine_helpers() -> None:
    record = _record()
    assert record.device_energy_j("gpu") == 5500.0
    assert record.device_energy_j("cpu") == 400.0
    assert record.device_energy_j("cpu", COUNTER_METHODS) == 0.0
    assert record.has("gpu", COUNTER_METHODS)
    assert not record.has("cpu", COUNTER_METHODS)


def test_match_records() -> None:
    records = [_record("a"), _record("b"), _record("a")]
    assert match_records(records, "a") == [records[0], records[2]]
    assert match_records(records, "A") == []


def test_bad_lines_are_all_reported_with_file_and_line(tmp_path: Path) -> None:
    good = record_to_dict(_record())
    wrong_total = {**good, "energy_j": 1.0}
    naive = {**good, "start": "2026-11-25T09:30:00"}
    negative = {**good, "devices": [{**good["devices"][0], "energy_j": -1.0}], "energy_j": -1.0}
    bad_method = {**good, "devices": [{**good["devices"][0], "method": "guess"}]}
    out = tmp_path / "runs.jsonl"
    out.write_text(
        "\n".join(
            [json.dumps(good), "{not json", "", json.dumps(wrong_total), json.dumps(naive)]
            + [json.dumps(negative), json.dumps(bad_method)]
        )
    )
    with pytest.raises(InputError) as info:
        read_records(out)
    problems = info.value.problems
    assert len(problems) == 5
    assert problems[0].startswith(f"{out}, line 2: not a JSON object")
    assert f"{out}, line 4" in problems[1] and "sum of the devices" in problems[1]
    assert f"{out}, line 5" in problems[2] and "time zone" in problems[2]
    assert f"{out}, line 6" in problems[3]
    assert f"{out}, line 7, field devices.0.method" in problems[4]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.jsonl"):
        read_records(tmp_path / "missing.jsonl")


def test_unwritable_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot append"):
        append_record(tmp_path / "no-such-dir" / "runs.jsonl", _record())

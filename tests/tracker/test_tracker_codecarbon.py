"""CodeCarbon import on a CSV with CodeCarbon 3.3.2's header (first row written by it here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from shootprint.errors import InputError
from shootprint.tracker import import_codecarbon_csv

CSV = Path(__file__).parent / "data" / "codecarbon_emissions.csv"
PARIS_WINTER = timezone(timedelta(hours=1))


def test_header_is_codecarbon_3_emissions_data() -> None:
    from dataclasses import fields

    emissions_data = pytest.importorskip("codecarbon.output_methods.emissions_data")
    header = CSV.read_text().splitlines()[0].split(",")
    assert header == [f.name for f in fields(emissions_data.EmissionsData)]


def test_energies_in_joules_by_device() -> None:
    first, gpu_run, with_pue = import_codecarbon_csv(CSV, tz=PARIS_WINTER)
    # kWh × 3.6e6 = J
    assert first.label == "sdxl-batch"
    assert [d.device for d in first.devices] == ["cpu", "ram"]  # gpu_count 0: no GPU
    assert first.device_energy_j("cpu") == pytest.approx(4.802797592109741e-07 * 3.6e6)
    assert first.energy_j == pytest.approx(6.039744753655334e-06 * 3.6e6)

    assert [d.device for d in gpu_run.devices] == ["cpu", "gpu", "ram"]
    assert gpu_run.device_energy_j("cpu") == pytest.approx(126_000.0)  # 0.035 kWh
    assert gpu_run.device_energy_j("gpu") == pytest.approx(1_980_000.0)  # 0.55 kWh
    assert gpu_run.device_energy_j("ram") == pytest.approx(36_000.0)  # 0.01 kWh
    assert gpu_run.energy_j == pytest.approx(2_142_000.0)
    assert {d.method for d in gpu_run.devices} == {"codecarbon"}
    gpu = next(d for d in gpu_run.devices if d.device == "gpu")
    assert gpu.model == "2 x NVIDIA H100 80GB HBM3" and gpu.details["gpu_count"] == 2
    assert gpu_run.run_id == "7c1f3a52-0b8e-4d61-9a0e-2f4e8d6c1b90"
    assert gpu_run.host is None and gpu_run.tracker_version == "codecarbon 3.3.2"
    assert gpu_run.warnings == ()
    # timestamp is the end of the run, in local time: start = end − duration, in UTC
    assert gpu_run.duration_s == 1800.0
    assert gpu_run.start == datetime(2026, 11, 24, 8, 12, 10, tzinfo=UTC)

    # pue 1.2: CodeCarbon multiplied each device by it; divided back to IT energy
    assert with_pue.label == "video-upscale"
    assert with_pue.device_energy_j("gpu") == pytest.approx(0.08 / 1.2 * 3.6e6)  # 240 000 J
    assert with_pue.energy_j == pytest.approx(0.096 / 1.2 * 3.6e6)  # 288 000 J
    assert [w.code for w in with_pue.warnings] == ["codecarbon-pue-removed"]


def test_label_argument_and_local_time_warning() -> None:
    records = import_codecarbon_csv(CSV, label="my-job")
    assert {r.label for r in records} == {"my-job"}
    assert "codecarbon-local-time" in [w.code for w in records[0].warnings]


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "emissions.csv"
    lines = CSV.read_text().splitlines()
    bad.write_text("\n".join([lines[0].replace("gpu_energy", "gpu_nrj"), *lines[1:]]))
    with pytest.raises(InputError, match=r"emissions.csv.*gpu_energy"):
        import_codecarbon_csv(bad)


def test_bad_value_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "emissions.csv"
    lines = CSV.read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1], lines[2].replace(",0.55,", ",lots,")]))
    with pytest.raises(InputError, match=r"emissions.csv, line 3, column gpu_energy"):
        import_codecarbon_csv(bad)


def test_inconsistent_total_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "emissions.csv"
    lines = CSV.read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[2].replace(",0.5950000000000001,", ",0.7,")]))
    with pytest.raises(InputError, match=r"line 2, column energy_consumed"):
        import_codecarbon_csv(bad)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.csv"):
        import_codecarbon_csv(tmp_path / "nope.csv")

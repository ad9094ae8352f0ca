"""The command-line tracker through its real entry point; the acceptance figures of the issue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shootprint.tracker import Record, read_records
from shootprint.tracker.estimate import host_tdp_w, logical_cpus, lookup_tdp, shipped_tdp_table
from shootprint.tracker.rapl import probe_rapl_cached

# Spins for 0.5 s of wall time, then prints the CPU time it used (s): an independent figure to
# check the tracker's, which holds on a loaded machine too (where the spin gets < 0.5 s of CPU).
BUSY = "import time\nt = time.time()\nwhile time.time() - t < 0.5: pass\nprint(time.process_time())"
SLEEP = "import time; time.sleep(0.5)"


def _track(tmp_path: Path, label: str, *command: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "runs.jsonl"
    args = [sys.executable, "-m", "shootprint.tracker.cli", "--label", label, "--out", str(out)]
    done = subprocess.run([*args, "--", *command], capture_output=True, text=True, timeout=60)
    return done, out


def _last(out: Path, label: str) -> Record:
    return [r for r in read_records(out) if r.label == label][-1]


@pytest.fixture(scope="module")
def busy_and_sleep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Record, Record, str, float]:
    tmp = tmp_path_factory.mktemp("cli")
    done_busy, out = _track(tmp, "busy", sys.executable, "-c", BUSY)
    done_sleep, _ = _track(tmp, "sleep", sys.executable, "-c", SLEEP)
    assert done_busy.returncode == 0 and done_sleep.returncode == 0, done_busy.stderr
    child_cpu_s = float(done_busy.stdout)
    return _last(out, "busy"), _last(out, "sleep"), done_busy.stderr, child_cpu_s


def test_busy_job_duration(busy_and_sleep: tuple[Record, Record, str, float]) -> None:
    busy, _, _, _ = busy_and_sleep
    assert 0.45 <= busy.duration_s <= 0.7


def test_busy_job_estimate_is_tdp_times_utilisation_times_time(
    busy_and_sleep: tuple[Record, Record, str, float],
) -> None:
    if probe_rapl_cached().zones:
        pytest.skip("RAPL is readable here: the CPU is measured, not estimated")
    busy, _, _, child_cpu_s = busy_and_sleep
    [cpu] = [d for d in busy.devices if d.device == "cpu"]
    assert cpu.method == "estimate"
    row, _ = lookup_tdp(str(cpu.model), shipped_tdp_table())
    tdp_w = host_tdp_w(row.tdp_w, row.threads, logical_cpus())
    assert cpu.details["tdp_w"] == pytest.approx(tdp_w)
    # utilisation = cpu_s / (duration_s × n_cpus), with the CPU time the child reported itself.
    expected_util = child_cpu_s / (busy.duration_s * logical_cpus())
    assert cpu.details["utilisation"] == pytest.approx(expected_util, rel=0.10)
    assert cpu.energy_j == pytest.approx(tdp_w * expected_util * busy.duration_s, rel=0.10)
    # and exactly the documented formula with the recorded figures
    assert cpu.energy_j == pytest.approx(tdp_w * float(cpu.details["utilisation"]) * busy.duration_s, rel=1e-9)
    assert "rapl-unavailable" in [w.code for w in busy.warnings] or "rapl-unreadable" in [w.code for w in busy.warnings]


def test_busy_job_uses_more_energy_than_sleeping(
    busy_and_sleep: tuple[Record, Record, str, float],
) -> None:
    busy, sleep, _, _ = busy_and_sleep
    assert 0.45 <= sleep.duration_s <= 0.7
    assert busy.device_energy_j("cpu") > 3 * sleep.device_energy_j("cpu")


def test_summary_line_on_stderr(busy_and_sleep: tuple[Record, Record, str, float]) -> None:
    _, _, stderr, _ = busy_and_sleep
    [line] = [ln for ln in stderr.splitlines() if ln.startswith("shootprint track: busy:")]
    assert " s, " in line and " J (" in line and "runs.jsonl" in line


def test_exit_status_is_the_commands(tmp_path: Path) -> None:
    done, out = _track(tmp_path, "fails", sys.executable, "-c", "raise SystemExit(3)")
    assert done.returncode == 3
    assert "job-failed" in [w.code for w in _last(out, "fails").warnings]


def test_killed_by_a_signal_is_128_plus_n(tmp_path: Path) -> None:
    done, out = _track(tmp_path, "killed", sys.executable, "-c", "import os, signal; os.kill(os.getpid(), 15)")
    assert done.returncode == 128 + 15
    assert "signal 15" in _last(out, "killed").warnings[-1].message


def test_command_not_found_records_nothing(tmp_path: Path) -> None:
    done, out = _track(tmp_path, "nf", "shootprint-no-such-command-xyz")
    assert done.returncode == 127
    assert "cannot run" in done.stderr
    assert not out.exists()


def test_no_command(tmp_path: Path) -> None:
    done, _ = _track(tmp_path, "none")
    assert done.returncode == 2
    assert "no command" in done.stderr


def test_track_command_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from shootprint.tracker.cli import track_command

    out = tmp_path / "runs.jsonl"
    assert track_command("inproc", out, [sys.executable, "-c", "pass"]) == 0
    assert "shootprint track: inproc:" in capsys.readouterr().err
    assert _last(out, "inproc").devices

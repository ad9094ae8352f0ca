"""``track`` stopped by SIGTERM or SIGHUP (``timeout``, a scheduler, a closed terminal) keeps its
record, stops the command and says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shootprint.tracker import read_records

# writes its pid, then sleeps long: a command that outlives the test unless the tracker stops it
CHILD = "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)"
STUBBORN = (
    "import os, signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "open(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent counts as ended
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return True


def _start(tmp_path: Path, script: str) -> tuple[subprocess.Popen[str], Path, Path]:
    out, pidfile = tmp_path / "runs.jsonl", tmp_path / "child.pid"
    tracker = subprocess.Popen(
        [sys.executable, "-m", "shootprint.tracker.cli", "--label", "render", "--out", str(out), "--",
         sys.executable, "-c", script, str(pidfile)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not (pidfile.exists() and pidfile.read_text()):
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    return tracker, out, pidfile


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signal_keeps_the_record_and_stops_the_command(tmp_path: Path, sig: signal.Signals) -> None:
    tracker, out, pidfile = _start(tmp_path, CHILD)
    tracker.send_signal(sig)
    _, stderr = tracker.communicate(timeout=30)
    child = int(pidfile.read_text())
    assert not _alive(child)
    assert tracker.returncode == 128 + sig
    assert f"received {sig.name}" in stderr
    (record,) = read_records(out)
    assert record.label == "render"
    assert "tracker-stopped" in [w.code for w in record.warnings]


def test_a_command_ignoring_sigterm_is_killed_after_the_grace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOOTPRINT_TRACK_STOP_GRACE_S", "1")
    tracker, out, pidfile = _start(tmp_path, STUBBORN)
    tracker.send_signal(signal.SIGTERM)
    tracker.communicate(timeout=30)
    assert not _alive(int(pidfile.read_text()))
    assert tracker.returncode == 128 + signal.SIGKILL
    assert len(read_records(out)) == 1


def test_the_grace_is_read_before_the_command_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SHOOTPRINT_TRACK_STOP_GRACE_S was read inside the signal handler: a value that is not a number
    raised there, once the command was being stopped. It is read before the command starts, and one
    that is not a number of seconds, 0 or more, is an error then (English and French); 0 kills a
    stopped command at once."""
    from shootprint.errors import InputError
    from shootprint.tracker.cli import STOP_GRACE_S, stop_grace_s, track_command

    assert stop_grace_s({}) == STOP_GRACE_S
    assert stop_grace_s({"SHOOTPRINT_TRACK_STOP_GRACE_S": "0"}) == 0.0
    assert stop_grace_s({"SHOOTPRINT_TRACK_STOP_GRACE_S": "2.5"}) == 2.5
    for given in ("-1", "soon", "nan", "inf"):
        with pytest.raises(InputError, match="SHOOTPRINT_TRACK_STOP_GRACE_S=") as refused:
            stop_grace_s({"SHOOTPRINT_TRACK_STOP_GRACE_S": given})
        assert repr(given) in str(refused.value) and "0 or more" in str(refused.value)
        assert "un nombre de secondes, 0 ou plus" in refused.value.details[0].text("fr")
    out, ran = tmp_path / "runs.jsonl", tmp_path / "ran"
    monkeypatch.setenv("SHOOTPRINT_TRACK_STOP_GRACE_S", "soon")
    with pytest.raises(InputError, match="SHOOTPRINT_TRACK_STOP_GRACE_S='soon'"):
        track_command("render", out, [sys.executable, "-c", f"open({str(ran)!r}, 'w')"])
    assert not ran.exists() and not out.exists()


def test_a_grace_of_zero_kills_a_stubborn_command_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOOTPRINT_TRACK_STOP_GRACE_S", "0")
    tracker, out, pidfile = _start(tmp_path, STUBBORN)
    tracker.send_signal(signal.SIGTERM)
    tracker.communicate(timeout=30)
    assert not _alive(int(pidfile.read_text()))
    assert tracker.returncode == 128 + signal.SIGKILL
    assert len(read_records(out)) == 1

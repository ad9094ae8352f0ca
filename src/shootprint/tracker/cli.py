"""Measure a command: ``shootprint track --label NAME --out runs.jsonl -- COMMAND …``.

The command runs as a child process; the tracker measures its wall time, the GPUs (NVML) and the
CPU (RAPL, or the estimate from the child process tree's CPU time, ``RUSAGE_CHILDREN``), appends
one record to ``--out`` and prints a one-line summary to stderr. The exit status is the command's
(128 + N when a signal N ended it, as shells report it), so ``track`` can wrap any step of a
pipeline. Ctrl-C reaches the command (same process group); the tracker waits for it to end and
still writes the record.

Also runnable as ``python -m shootprint.tracker.cli --label NAME --out runs.jsonl -- COMMAND …``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from shootprint.errors import InputError, ShootprintError
from shootprint.tracker.records import Record
from shootprint.tracker.tracking import Tracker


class CommandError(InputError):
    """The command could not be started (not found, not executable); nothing was recorded."""

    exit_status = 127


def summary_line(record: Record, out: Path | None) -> str:
    """One line: label, duration (s), energy (J) per device and method, warning codes, file."""
    parts = ", ".join(f"{d.device} {d.method} {d.energy_j:.3g} J" for d in record.devices)
    line = (
        f"shootprint track: {record.label}: {record.duration_s:.2f} s, "
        f"{record.energy_j:.3g} J ({parts or 'no device measured'})"
    )
    if record.warnings:
        line += "; warnings: " + ", ".join(w.code for w in record.warnings)
    if out is not None:
        line += f" → {out}"
    return line


#: seconds a command has to end after the tracker passed it SIGTERM/SIGHUP, before it is killed
STOP_GRACE_S = 10.0
#: signals that stop the tracker (``timeout``, schedulers, a closed terminal): passed on to the
#: command, whose end is then recorded as usual
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _wait_through_ctrl_c(child: subprocess.Popen[bytes], received: list[int] | None = None) -> int:
    """Wait for the child; the tracker outlives it and still writes the record.

    The terminal's Ctrl-C reaches the child too (same process group). SIGTERM and SIGHUP sent to
    the tracker are passed on to the child; a child still running :data:`STOP_GRACE_S` seconds
    later is killed. The signals received are appended to ``received``.
    """
    import threading

    got = received if received is not None else []

    def stop(signum: int, frame: object) -> None:
        got.append(signum)
        if child.poll() is None:
            try:
                child.send_signal(signum)
            except OSError:
                return
            grace = float(os.environ.get("SHOOTPRINT_TRACK_STOP_GRACE_S", STOP_GRACE_S))
            timer = threading.Timer(grace, _kill_if_running, args=(child,))
            timer.daemon = True
            timer.start()

    try:
        previous = {signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN)}
        for sig in STOP_SIGNALS:
            previous[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: signals cannot be handled here
        return child.wait()
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _kill_if_running(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        try:
            child.kill()
        except OSError:
            pass


def track_command(
    label: str,
    out: Path | None,
    argv: list[str],
    *,
    push: str | None = None,
    production: str | None = None,
    token: str | None = None,
    spool: Path | None = None,
) -> int:
    """Run ``argv`` as a child process, measure it, append the record to ``out``.

    With ``push`` (a server's URL) and ``production`` (its id there), the record is also sent to
    the server (:class:`~shootprint.tracker.push.Pusher`): records an earlier run spooled are sent
    while the job runs; a server that cannot be reached never changes the exit status, the record
    then waits in ``spool`` for the next run.

    Prints the summary to stderr and returns the child's exit status. Raises
    :class:`~shootprint.errors.InputError` if the command is empty or cannot be started (nothing
    is recorded then) or if ``out`` cannot be written.
    """
    if not argv:
        raise InputError("track: no command given (put it after --).")
    if out is not None:  # before the job runs: a measurement must not be lost for want of a file
        target = Path(out)
        folder = target.parent if str(target.parent) else Path(".")
        if target.is_dir() or not (os.access(target, os.W_OK) if target.exists() else os.access(folder, os.W_OK)):
            raise InputError(f"track: --out {out}: cannot write the record there (no such folder, or not writable)")
    if (push is None) != (production is None):
        raise InputError("track: --push URL and --production ID go together (the server and the production there).")
    pusher = None
    if push is not None and production is not None:
        from shootprint.tracker.push import Pusher

        if not push.startswith(("http://", "https://")):
            raise InputError(f"track: --push {push}: give the server's URL (http://… or https://…).")
        pusher = Pusher(push, production, token=token, spool=spool, close_timeout_s=15.0).start()
    tracker = Tracker(label, out, cpu_scope="children", push=pusher)
    try:
        returncode = _run_tracked(tracker, argv)
    finally:
        if pusher is not None:
            summary = pusher.close()
            print(f"shootprint track: push to {push}: {summary.line()}", file=sys.stderr)
    assert tracker.record is not None
    print(summary_line(tracker.record, out), file=sys.stderr)
    return 128 - returncode if returncode < 0 else returncode


def _run_tracked(tracker: Tracker, argv: list[str]) -> int:
    with tracker:
        try:
            child = subprocess.Popen(argv)
        except OSError as err:
            tracker.out = None  # nothing ran: no record is written nor sent
            tracker.push = None
            raise CommandError(f"track: cannot run {argv[0]!r}: {err.strerror or err}") from err
        received: list[int] = []
        returncode = _wait_through_ctrl_c(child, received)
        if received:
            name = signal.Signals(received[0]).name
            tracker.warn(
                "tracker-stopped",
                f"shootprint track received {name}: the command was stopped; the record covers it until then",
            )
            print(f"shootprint track: received {name}: stopped the command, the record is kept", file=sys.stderr)
        if returncode > 0:
            tracker.warn("job-failed", f"the command exited with status {returncode}")
        elif returncode < 0:
            tracker.warn("job-failed", f"the command was ended by signal {-returncode}")
    return returncode


def main(args: list[str] | None = None) -> int:
    """Entry point of ``python -m shootprint.tracker.cli``."""
    parser = argparse.ArgumentParser(
        prog="python -m shootprint.tracker.cli",
        description="Measure the energy of a command and append a record to a JSON Lines file.",
    )
    parser.add_argument("--label", required=True, help="name of the job (matched by the engine)")
    parser.add_argument("--out", type=Path, default=None, help="JSON Lines file to append to")
    parser.add_argument("--push", default=None, help="URL of a shootprint server to send the record to")
    parser.add_argument("--production", default=None, help="id of the production on that server")
    parser.add_argument("--token", default=None, help="API token (default: $SHOOTPRINT_TOKEN)")
    parser.add_argument("--spool", type=Path, default=None, help="file of records waiting to be sent")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG …]")
    ns = parser.parse_args(args)
    command: list[str] = ns.command
    if command and command[0] == "--":
        command = command[1:]
    try:
        return track_command(
            ns.label, ns.out, command, push=ns.push, production=ns.production, token=ns.token, spool=ns.spool
        )
    except CommandError as err:
        print(err, file=sys.stderr)
        return err.exit_status
    except ShootprintError as err:
        print(f"shootprint track: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

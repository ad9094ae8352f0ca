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
import math
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from shootprint.errors import InputError, ShootprintError
from shootprint.i18n import DEFAULT_LANG, Message, gettext
from shootprint.tracker.records import Record
from shootprint.tracker.tracking import Tracker


class CommandError(InputError):
    """The command could not be started (not found, not executable); nothing was recorded."""

    exit_status = 127


def _figure(text: str, lang: str) -> str:
    """A figure already formatted (``12.5``), with the reader's decimal sign."""
    return text.replace(".", ",") if lang == "fr" else text


def summary_line(record: Record, out: Path | None, lang: str = DEFAULT_LANG) -> str:
    """One line: label, duration (s), energy (J) per device and method, warning codes, file."""
    parts = ", ".join(f"{d.device} {d.method} {_figure(f'{d.energy_j:.3g}', lang)} J" for d in record.devices)
    line = gettext(
        lang,
        "shootprint track: {label}: {duration} s, {energy} J ({devices})",
        label=record.label,
        duration=_figure(f"{record.duration_s:.2f}", lang),
        energy=_figure(f"{record.energy_j:.3g}", lang),
        devices=parts or gettext(lang, "no device measured"),
    )
    if record.warnings:
        line += gettext(lang, "; warnings: {codes}", codes=", ".join(w.code for w in record.warnings))
    if out is not None:
        line += f" → {out}"
    return line


#: seconds a command has to end after the tracker passed it SIGTERM/SIGHUP, before it is killed
STOP_GRACE_S = 10.0
#: signals that stop the tracker (``timeout``, schedulers, a closed terminal): passed on to the
#: command, whose end is then recorded as usual
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def stop_grace_s(environ: Mapping[str, str] | None = None) -> float:
    """The seconds a stopped command has before it is killed: ``SHOOTPRINT_TRACK_STOP_GRACE_S``, else
    :data:`STOP_GRACE_S`; 0 kills it as soon as it was passed the signal. Read before the command
    starts: a value that is not a number of seconds, 0 or more, is an :class:`InputError` then, not
    an error inside the signal handler once the command is being stopped."""
    env = os.environ if environ is None else environ
    text = env.get("SHOOTPRINT_TRACK_STOP_GRACE_S", "")
    if not text:
        return STOP_GRACE_S
    try:
        grace = float(text)
    except ValueError:
        grace = math.nan
    if not (math.isfinite(grace) and grace >= 0):
        raise InputError(
            Message(
                "track: SHOOTPRINT_TRACK_STOP_GRACE_S={given}: accepted: a number of seconds, 0 or more "
                "(0 kills a stopped command at once)",
                given=repr(text),
            )
        )
    return grace


def _wait_through_ctrl_c(
    child: subprocess.Popen[bytes], received: list[int] | None = None, grace_s: float = STOP_GRACE_S
) -> int:
    """Wait for the child; the tracker outlives it and still writes the record.

    The terminal's Ctrl-C reaches the child too (same process group). SIGTERM and SIGHUP sent to
    the tracker are passed on to the child; a child still running ``grace_s`` seconds
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
            timer = threading.Timer(grace_s, _kill_if_running, args=(child,))
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
    lang: str = DEFAULT_LANG,
) -> int:
    """Run ``argv`` as a child process, measure it, append the record to ``out``.

    With ``push`` (a server's URL) and ``production`` (its id there), the record is also sent to
    the server (:class:`~shootprint.tracker.push.Pusher`): records an earlier run spooled are sent
    while the job runs; a server that cannot be reached never changes the exit status, the record
    then waits in ``spool`` for the next run.

    Prints the summary to stderr (in ``lang``) and returns the child's exit status. Raises
    :class:`~shootprint.errors.InputError` if the command is empty or cannot be started (nothing
    is recorded then) or if ``out`` cannot be written.
    """
    if not argv:
        raise InputError(Message("track: no command given (put it after --)."))
    if out is not None:  # before the job runs: a measurement must not be lost for want of a file
        target = Path(out)
        folder = target.parent if str(target.parent) else Path(".")
        if target.is_dir() or not (os.access(target, os.W_OK) if target.exists() else os.access(folder, os.W_OK)):
            raise InputError(
                Message(
                    "track: --out {out}: cannot write the record there (no such folder, or not writable)", out=str(out)
                )
            )
    grace_s = stop_grace_s()
    if (push is None) != (production is None):
        raise InputError(
            Message("track: --push URL and --production ID go together (the server and the production there).")
        )
    pusher = None
    if push is not None and production is not None:
        from shootprint.tracker.push import Pusher

        if not push.startswith(("http://", "https://")):
            raise InputError(Message("track: --push {url}: give the server's URL (http://… or https://…).", url=push))
        pusher = Pusher(push, production, token=token, spool=spool, close_timeout_s=15.0, lang=lang).start()
    tracker = Tracker(label, out, cpu_scope="children", push=pusher)
    try:
        returncode = _run_tracked(tracker, argv, lang, grace_s)
    finally:
        if pusher is not None:
            summary = pusher.close()
            print(
                gettext(lang, "shootprint track: push to {url}: {summary}", url=str(push), summary=summary.line(lang)),
                file=sys.stderr,
            )
    assert tracker.record is not None
    print(summary_line(tracker.record, out, lang), file=sys.stderr)
    return 128 - returncode if returncode < 0 else returncode


def _run_tracked(tracker: Tracker, argv: list[str], lang: str = DEFAULT_LANG, grace_s: float = STOP_GRACE_S) -> int:
    with tracker:
        try:
            child = subprocess.Popen(argv)
        except OSError as err:
            tracker.out = None  # nothing ran: no record is written nor sent
            tracker.push = None
            if isinstance(err, FileNotFoundError):
                raise CommandError(
                    Message("track: cannot run {command}: no such command", command=repr(argv[0]))
                ) from err
            if isinstance(err, PermissionError):
                raise CommandError(
                    Message("track: cannot run {command}: not executable (permission denied)", command=repr(argv[0]))
                ) from err
            raise CommandError(
                Message("track: cannot run {command}: {error}", command=repr(argv[0]), error=str(err.strerror or err))
            ) from err
        received: list[int] = []
        returncode = _wait_through_ctrl_c(child, received, grace_s)
        if received:
            name = signal.Signals(received[0]).name
            tracker.warn(
                "tracker-stopped",
                f"shootprint track received {name}: the command was stopped; the record covers it until then",
            )
            print(
                gettext(
                    lang, "shootprint track: received {signal}: stopped the command, the record is kept", signal=name
                ),
                file=sys.stderr,
            )
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
    parser.add_argument(
        "--lang", choices=["en", "fr"], default=None, help="language of the summary and errors (default: the locale's)"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG …]")
    ns = parser.parse_args(args)
    command: list[str] = ns.command
    if command and command[0] == "--":
        command = command[1:]
    from shootprint.i18n import lang_from_env

    lang = ns.lang or lang_from_env()
    try:
        return track_command(
            ns.label,
            ns.out,
            command,
            push=ns.push,
            production=ns.production,
            token=ns.token,
            spool=ns.spool,
            lang=lang,
        )
    except CommandError as err:
        print(error_text(err, lang), file=sys.stderr)
        return err.exit_status
    except ShootprintError as err:
        print(f"shootprint track: {error_text(err, lang)}", file=sys.stderr)
        return 2


def error_text(err: ShootprintError, lang: str = DEFAULT_LANG) -> str:
    """An error's sentences in ``lang`` (a problem each line)."""
    details = getattr(err, "details", None)
    return "\n".join(p.text(lang) for p in details) if details else str(err)


if __name__ == "__main__":
    raise SystemExit(main())

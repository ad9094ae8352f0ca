"""Heavy computations run in worker processes: another process, the same answers and the same errors."""

from __future__ import annotations

import os
import signal
import time

import pytest

from shootprint.i18n import gettext
from shootprint.server.services import Invalid, compute, productions, workers
from shootprint.server.services.errors import ComputationCrashed
from shootprint.server.settings import Settings


def _pid() -> int:
    return os.getpid()


def test_a_computation_runs_in_another_process_with_the_same_result():
    worker = workers.run(1, _pid)
    assert worker != os.getpid()
    assert workers.run(1, _pid) == worker  # started once, then reused
    assert workers.run(0, _pid) == os.getpid()  # 0: in the caller's thread
    studio = productions.reference_document("studio-paris")
    ai = productions.reference_document("ai-generated")
    here = compute.compare([studio, ai], samples=200, seed=3)
    there = workers.run(1, compute.compare, [studio, ai], samples=200, seed=3)
    assert there == here


def test_the_cores_problems_come_back_as_the_same_error():
    bad = productions.reference_document("studio-paris")
    bad["shoot_days"] = "many"
    with pytest.raises(Invalid) as here:
        compute.compare([bad, bad], samples=200)
    with pytest.raises(Invalid) as there:
        workers.run(1, compute.compare, [bad, bad], samples=200)
    assert there.value.problems == here.value.problems and there.value.problems
    assert there.value.details == here.value.details


def _logged(log: str) -> int:
    """Appends this worker's process id to ``log`` and returns how many lines it now has."""
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    with open(log) as fh:
        return len(fh.read().split())


def _die_logged(log: str, how: str = "kill", go: str = "") -> int:
    """A computation that ends its own worker: SIGKILL (as the out-of-memory killer does), a
    segmentation fault, or ``os._exit``; with ``go``, once that file is there."""
    _logged(log)
    while go and not os.path.exists(go):
        time.sleep(0.02)
    if how == "exit":
        os._exit(3)
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file left behind where core dumps are on
    os.kill(os.getpid(), signal.SIGSEGV if how == "segv" else signal.SIGKILL)
    return 0  # pragma: no cover - never reached


def _computing_until(log: str, done: str) -> int:
    """Computes (waits) until the file ``done`` is there; counts its runs in ``log``."""
    _logged(log)
    while not os.path.exists(done):
        time.sleep(0.02)
    return os.getpid()


@pytest.mark.parametrize("how", ["kill", "segv", "exit"])
def test_a_computation_that_ends_its_worker_is_answered_and_not_run_again(tmp_path, how):
    """A worker ended by its computation (killed, out of memory, a crash, ``os._exit``): that call is
    answered with a 503 error in English and French and is not run again (it would end the next
    worker too); the worker is replaced and the next call is answered. The same computation asked
    again ends one worker again, not two."""
    log = str(tmp_path / "crash.log")
    with pytest.raises(ComputationCrashed) as crashed:
        workers.run(1, _die_logged, log, how)
    assert crashed.value.status == 503 and crashed.value.code == "computation-crashed"
    assert "was not run again" in crashed.value.message
    assert "n’a pas été relancé" in gettext("fr", crashed.value.message)
    with open(log) as fh:
        first = fh.read().split()
    assert len(first) == 1, "the computation that ended its worker was run again"
    after = workers.run(1, _pid)
    assert after not in (os.getpid(), int(first[0]))
    with pytest.raises(ComputationCrashed):
        workers.run(1, _die_logged, log, how)
    with open(log) as fh:
        assert len(fh.read().split()) == 2, "asked twice, it should have ended two workers, one per request"
    assert workers.run(1, _pid) not in (after, os.getpid())


def test_a_worker_killed_while_idle_is_replaced_and_the_next_call_answered():
    """A worker ended while it waited for work (the out-of-memory killer chose it): the next call,
    which had not started, goes to a new worker and is answered."""
    idle = workers.run(1, _pid)
    os.kill(idle, signal.SIGKILL)
    answered = workers.run(1, _pid)
    assert answered not in (idle, os.getpid())
    assert workers.run(1, _pid) == answered


def test_a_crash_takes_no_other_computation_with_it(tmp_path):
    """One computation ends its worker while another computes in the second worker and a third waits
    for a free one: the first is answered with the error; the second goes on in its worker, untouched
    (run once), and the third is answered too. Twice over: each crash ends one worker, no more."""
    import threading

    def call(answers: dict[str, object], name: str, fn, *args) -> None:
        try:
            answers[name] = workers.run(2, fn, *args)
        except Exception as exc:  # noqa: BLE001 (kept for the asserts below)
            answers[name] = exc

    for round_ in range(2):
        crash_log, other_log, go, done = (str(tmp_path / f"{n}-{round_}") for n in ("crash", "other", "go", "done"))
        answers: dict[str, object] = {}
        threads = [
            threading.Thread(target=call, args=(answers, "crash", _die_logged, crash_log, "kill", go)),
            threading.Thread(target=call, args=(answers, "other", _computing_until, other_log, done)),
        ]
        for t in threads:
            t.start()
        while not (os.path.exists(crash_log) and os.path.exists(other_log)):  # both under way
            time.sleep(0.02)
        queued = threading.Thread(target=call, args=(answers, "queued", _pid))
        queued.start()
        pool = workers._POOLS[2]  # noqa: SLF001 (the test waits until the third call waits for a worker)
        while pool.waiting < 1:
            time.sleep(0.02)
        with open(go, "w"):
            pass
        threads[0].join(120)
        assert isinstance(answers["crash"], ComputationCrashed), answers
        with open(other_log) as fh:
            (other_pid,) = (int(x) for x in fh.read().split())
        os.kill(other_pid, 0)  # the other worker is still there, computing
        assert "other" not in answers
        with open(done, "w"):
            pass
        for t in (threads[1], queued):
            t.join(120)
        assert answers["other"] == other_pid  # computed once, in the same worker
        with open(crash_log) as fh:
            assert len(fh.read().split()) == 1
        assert isinstance(answers["queued"], int) and answers["queued"] != os.getpid()
    workers.shutdown()


def test_workers_end_when_their_application_process_is_killed(tmp_path):
    """An application process killed (SIGKILL: no clean-up) leaves no worker process behind."""
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from shootprint.server.services import workers\n"
        "print(workers.run(1, os.getpid), flush=True)\n"
        "time.sleep(600)\n"
    )
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert app.stdout is not None
        worker = int(app.stdout.readline())
        assert worker != app.pid
        os.kill(app.pid, signal.SIGKILL)
        app.wait(30)
        for _ in range(300):  # it checks every second; no time is asserted beyond a generous bound
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            try:  # an ended process that its new parent has not reaped yet
                with open(f"/proc/{worker}/stat") as fh:
                    if fh.read().split(")")[1].split()[0] == "Z":
                        break
            except FileNotFoundError:
                break
            time.sleep(0.1)
        else:
            os.kill(worker, signal.SIGKILL)
            raise AssertionError("the worker outlived its application process")
    finally:
        if app.poll() is None:
            app.kill()


def test_the_number_of_worker_processes_comes_from_the_environment():
    assert Settings.from_env({"SHOOTPRINT_COMPUTE_PROCESSES": "3"}).compute_processes == 3
    assert Settings.from_env({"SHOOTPRINT_COMPUTE_PROCESSES": "0"}).compute_processes == 0
    assert Settings.from_env({}).compute_processes >= 1
    with pytest.raises(ValueError, match="SHOOTPRINT_COMPUTE_PROCESSES: 'two' is not a whole number"):
        Settings.from_env({"SHOOTPRINT_COMPUTE_PROCESSES": "two"})
    with pytest.raises(ValueError, match="0 or more"):
        Settings.from_env({"SHOOTPRINT_COMPUTE_PROCESSES": "-1"})


def test_an_application_started_by_multiprocessing_ends_with_its_workers():
    """uvicorn --reload and --workers run the application in a multiprocessing child, which joins its
    own children when it ends: its idle workers must be told to stop first, or it never ends."""
    import functools
    import multiprocessing

    app = multiprocessing.get_context("spawn").Process(target=functools.partial(workers.run, 1, os.getpid))
    app.start()
    app.join(120)  # a generous bound: the child imports the package, starts a worker, and ends
    try:
        assert not app.is_alive(), "the application process waited forever for its idle worker"
        assert app.exitcode == 0
    finally:
        if app.is_alive():
            app.kill()  # its worker notices its parent is gone and ends
            app.join(30)


def test_ctrl_c_sent_to_every_process_leaves_the_workers_to_their_application():
    """Ctrl-C in a terminal sends SIGINT to the whole process group, the workers too: they keep
    computing what the application still waits for (and print no traceback over its JSON log), and
    end when the application shuts their pool down or ends."""
    import time

    worker = workers.run(1, _pid)
    time.sleep(1)  # back to waiting for work
    os.kill(worker, signal.SIGINT)
    for _ in range(20):  # had it stopped, it would be gone (or a zombie) within a moment
        time.sleep(0.1)
        try:
            with open(f"/proc/{worker}/stat") as fh:
                if fh.read().split(")")[1].split()[0] == "Z":
                    break
        except FileNotFoundError:
            break
    assert workers.run(1, _pid) == worker, "the worker stopped: a new one answered"


def test_the_workers_need_no_temporary_folder(tmp_path, monkeypatch):
    """Whether a crashed call had started is known without a file: a clean-up of the temporary folder
    (systemd-tmpfiles, a cron job) while the application runs, or a temporary folder that is not
    there at all, takes no computation with it."""
    import shutil
    import tempfile

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    try:
        first = workers.run(3, _pid)
        shutil.rmtree(temporary)  # cleaned up meanwhile
        assert workers.run(3, _pid) == first
        log = str(tmp_path / "crash.log")
        with pytest.raises(ComputationCrashed):
            workers.run(3, _die_logged, log, "kill")
        with open(log) as fh:
            assert len(fh.read().split()) == 1, "the computation that ended its worker was run again"
        assert workers.run(3, _pid) not in (first, os.getpid())
    finally:
        workers.shutdown()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-there"))
    try:
        assert workers.run(3, _pid) != os.getpid()
    finally:
        workers.shutdown()


def test_a_worker_that_cannot_be_started_leaves_its_place_to_the_next_call(monkeypatch):
    """Starting a worker fails (no file descriptor or memory left): that call gets the error, and the
    next one starts a worker in the same place instead of waiting for ever for a place that is gone."""
    import concurrent.futures
    import threading

    def refused(*args, **kwargs):
        raise OSError(24, "Too many open files")

    workers.shutdown()
    monkeypatch.setattr(workers, "ProcessPoolExecutor", refused)
    with pytest.raises(OSError, match="Too many open files"):
        workers.run(1, _pid)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", concurrent.futures.ProcessPoolExecutor)
    answers: list[int] = []
    call = threading.Thread(target=lambda: answers.append(workers.run(1, _pid)), daemon=True)
    call.start()
    call.join(120)
    try:
        assert answers and answers[0] != os.getpid(), "the next call waited for a place that was lost"
    finally:
        workers.shutdown()


def test_a_broken_worker_given_back_while_its_pool_closes_is_shut_down_once(monkeypatch):
    """The application shuts the pool down while a call gives back the worker its computation ended:
    the worker's executor is shut down by one of them only (two shutdowns at once close its queues
    twice: 'Bad file descriptor' at the application's exit)."""
    import threading

    pool = workers._Pool(1)  # noqa: SLF001 (the race is between two methods of the pool)
    worker = pool.take()
    worker.executor.submit(os.getpid).result()
    shutdowns: list[str] = []
    inside = threading.Event()
    real = worker.executor.shutdown

    def shutdown(*args, **kwargs):
        shutdowns.append(threading.current_thread().name)
        inside.set()
        time.sleep(0.5)  # the other one comes meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(worker.executor, "shutdown", shutdown)
    giving = threading.Thread(target=pool.give, args=(worker, True), name="give")
    giving.start()
    inside.wait(30)
    pool.close()
    giving.join(60)
    assert len(shutdowns) == 1, shutdowns


def test_a_computation_no_worker_takes_is_unavailable_not_crashed(monkeypatch, tmp_path):
    """Every worker refuses the call (the application is stopping: 'cannot schedule new futures after
    interpreter shutdown'): it is answered 503 'try again', not as a computation that ended its
    worker, which it never was."""
    from shootprint.server.services.errors import Unavailable

    class Stopping:
        def submit(self, *args, **kwargs):
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")

        def shutdown(self, *args, **kwargs):
            pass

    class Refusing:
        def __init__(self) -> None:
            self.executor = Stopping()

    workers.shutdown()
    monkeypatch.setattr(workers, "_Worker", Refusing)
    log = str(tmp_path / "ran.log")
    try:
        with pytest.raises(Unavailable) as refused:
            workers.run(1, _logged, log)
    finally:
        workers.shutdown()
    assert not isinstance(refused.value, ComputationCrashed) and refused.value.status == 503
    assert refused.value.code == "unavailable" and "try again" in refused.value.message
    assert gettext("fr", refused.value.message) != refused.value.message
    assert not os.path.exists(log)


def test_a_broken_worker_whose_shutdown_fails_still_leaves_its_place(monkeypatch):
    """Shutting a broken worker's executor down raises (its queues already closed): the place is
    given back all the same, so the next call starts a worker instead of waiting for ever."""
    import threading

    pool = workers._Pool(1)  # noqa: SLF001 (the place is the pool's own state)
    worker = pool.take()

    def failing(*args, **kwargs):
        raise OSError(9, "Bad file descriptor")

    real = worker.executor.shutdown
    monkeypatch.setattr(worker.executor, "shutdown", failing)
    pool.give(worker, True)
    taken: list[object] = []
    taking = threading.Thread(target=lambda: taken.append(pool.take()), daemon=True)
    taking.start()
    taking.join(30)
    try:
        assert taken and taken[0] is not worker, "the next call waited for a place that was lost"
    finally:
        real()
        pool.close()

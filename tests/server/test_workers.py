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
    os.kill(os.getpid(), signal.SIGSEGV if how == "segv" else signal.SIGKILL)
    return 0  # pragma: no cover - never reached


def _computing_on(log: str) -> int:
    """Runs for a long while the first time (another worker breaks the pool meanwhile), at once after."""
    if _logged(log) == 1:
        time.sleep(120)
    return os.getpid()


@pytest.mark.parametrize("how", ["kill", "segv", "exit"])
def test_a_computation_that_ends_its_worker_is_answered_and_not_run_again(tmp_path, how):
    """A worker ended by its computation (killed, out of memory, a crash, ``os._exit``): that call is
    answered with a 503 error in English and French and is not run again (it would end the next
    worker too); the pool is replaced and the next call is answered. The same computation asked again
    ends one worker again, not two."""
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


def test_the_other_calls_of_a_broken_pool_go_to_the_new_pool_once(tmp_path):
    """One computation ends its worker while another computes in the pool's second worker and a third
    waits in the queue: the first is answered with the error; the second (its worker ended by the
    broken pool's clean-up) and the third are answered by the new pool, each submitted once more."""
    import threading

    crash_log, other_log, go = (str(tmp_path / n) for n in ("crash.log", "other.log", "go"))
    answers: dict[str, object] = {}

    def call(name: str, fn, *args) -> None:
        try:
            answers[name] = workers.run(2, fn, *args)
        except Exception as exc:  # noqa: BLE001 (kept for the asserts below)
            answers[name] = exc

    workers.run(2, _pid)  # the pool started, both workers ready
    threads = [
        threading.Thread(target=call, args=("crash", _die_logged, crash_log, "kill", go)),
        threading.Thread(target=call, args=("other", _computing_on, other_log)),
    ]
    for t in threads:
        t.start()
    while not (os.path.exists(crash_log) and os.path.exists(other_log)):  # both under way
        time.sleep(0.02)
    queued = threading.Thread(target=call, args=("queued", _pid))
    queued.start()
    threads.append(queued)
    pool = workers._POOLS[2]  # noqa: SLF001 (the test waits until the third call is in its queue)
    while len(pool.executor._pending_work_items) < 3:  # noqa: SLF001
        time.sleep(0.02)
    with open(go, "w"):
        pass
    for t in threads:
        t.join(180)
    assert isinstance(answers["crash"], ComputationCrashed), answers
    with open(crash_log) as fh:
        assert len(fh.read().split()) == 1
    with open(other_log) as fh:
        other_pids = [int(x) for x in fh.read().split()]
    assert len(other_pids) == 2 and answers["other"] == other_pids[1] != other_pids[0]
    assert isinstance(answers["queued"], int) and answers["queued"] != os.getpid()
    assert workers._POOLS[2] is not pool  # noqa: SLF001
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

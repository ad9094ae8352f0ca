"""Heavy computations run in worker processes: another process, the same answers and the same errors."""

from __future__ import annotations

import os
import signal

import pytest

from shootprint.server.services import Invalid, compute, productions, workers
from shootprint.server.settings import Settings


def _pid() -> int:
    return os.getpid()


def _die() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0  # pragma: no cover - never reached


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


def test_a_dead_worker_is_replaced():
    """A worker killed in the middle of a computation (out of memory, say): that call fails, the
    pool is replaced, and the next call is answered."""
    with pytest.raises(Exception, match="terminated abruptly|process pool"):
        workers.run(1, _die)
    assert workers.run(1, _pid) != os.getpid()


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

"""The PDF's renderer process (report.document.PdfRenderer): the same bytes as rendering here, a
child that fails or is not needed is replaced or ended, and no child is left behind.

The renderer forks only from a process of one thread, which a test session is not (numpy's BLAS
threads): each check runs in a fresh process, as the CLI does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the renderer process is Linux-only")

CHECKS = textwrap.dedent(
    """
    import os, signal, time
    from shootprint.report import document

    HTML = '<html><body><h1>One</h1><p>two, three</p><table><tr><td>4</td></tr></table></body></html>'

    def no_child_left():
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        return False

    def rendered(renderer):  # what it answers for HTML; then it is closed and no child is left
        try:
            return renderer.render(HTML)
        finally:
            renderer.close()
            assert no_child_left()

    def started_with(child_render):  # a renderer whose child runs child_render instead of rendering
        real = document._child_render
        document._child_render = child_render
        try:
            return document.PdfRenderer.start()
        finally:
            document._child_render = real

    # 1. the child's PDF, byte for byte the one rendered here
    renderer = document.PdfRenderer.start()
    assert renderer is not None
    pdf = rendered(renderer)
    assert pdf == document.render_pdf(HTML), "the child's PDF differs"

    # 2. a child that fails: rendered here instead, same bytes
    assert rendered(started_with(lambda html_fd, pdf_fd: os._exit(3))) == pdf

    # 3. a child that answers part of a PDF and fails: its answer is not taken
    def cut_short(html_fd, pdf_fd):
        os.read(html_fd, 1)
        os.write(pdf_fd, b"\\x00%PDF-1.7 cut")
        os._exit(1)

    assert rendered(started_with(cut_short)) == pdf

    # 4. a child killed while it works: rendered here instead
    renderer = document.PdfRenderer.start()
    os.kill(renderer.pid, signal.SIGKILL)
    time.sleep(0.1)
    assert rendered(renderer) == pdf

    # 5. no page (an error before it): the child is ended, at once
    renderer = document.PdfRenderer.start()
    start = time.perf_counter()
    renderer.close()
    assert no_child_left() and time.perf_counter() - start < 5

    # 6. from a process of several threads: no child, the caller renders itself
    import threading
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert document.PdfRenderer.start() is None
    finally:
        stop.set()
        thread.join()
    print("ok")
    """
)


def test_renderer_process_same_pdf_and_no_child_left() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"

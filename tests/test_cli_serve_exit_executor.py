"""A process of ``alexaskill serve`` held at exit by a worker thread of asyncio's default
executor (``asyncio.to_thread``, ``loop.run_in_executor(None, …)``) in a call that never returns:
the thread said as the event loop's (`alexaskill.cli.serve_exit.exit_bounded`). (The app's
threads and anyio's: tests/test_cli_serve_exit.py.)"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from alexaskill.cli import serve_exit

pytestmark = pytest.mark.oldest_dependencies

_ASYNCIOS = (
    "the event loop's default executor threads ('asyncio_0' in time.sleep), each in a blocking "
    "call run off the event loop (asyncio.to_thread, loop.run_in_executor(None, …)) that has not "
    "returned: ending it without them, status 1 (give such a call a timeout under "
    "--timeout-graceful-shutdown, or lengthen it)"
)


#: A process held at exit by a thread of asyncio's default executor in a call that has not
#: returned, its loop left open (not closed, nor its executor shut down).
_HELD_BY_THE_DEFAULT_EXECUTOR = """
import asyncio, threading
from alexaskill.cli.serve_exit import exit_bounded

never = threading.Event()
asyncio.new_event_loop().run_in_executor(None, never.wait)
exit_bounded(0.5)
"""


def test_a_process_held_by_asyncios_default_executor_says_its_threads_are_asyncios() -> None:
    # Said as "the threads of the app that are not daemons ('asyncio_0')", with the remedy for
    # such a thread (make it a daemon), which no one can do to asyncio's.
    command = [sys.executable, "-c", _HELD_BY_THE_DEFAULT_EXECUTOR]
    process = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert process.returncode == 1, process.stderr
    said = _ASYNCIOS.replace("time.sleep", "threading.Event.wait")
    assert f"has not exited 0.5 s after its server stopped: Python waits at exit for {said}" in (
        process.stderr
    ), process.stderr
    assert "of the app" not in process.stderr


def _innermost(thread: threading.Thread) -> str:
    """The name of the function ``thread`` is in (its innermost frame's), or ``""``."""
    frame = sys._current_frames().get(thread.ident or -1)
    return "" if frame is None else frame.f_code.co_name


@pytest.mark.parametrize(("calling", "holds"), [(False, False), (True, True)], ids=["idle", "call"])
def test_an_idle_thread_of_asyncios_default_executor_does_not_hold_the_exit(
    calling: bool, holds: bool
) -> None:
    # Idle, it waits on its queue, where its executor's shutdown or, at exit, concurrent.futures
    # (which Python runs before it waits for the threads) tells it to end: counted as holding, a
    # second Ctrl-C in the moment it took to end said a clean stop unclean (status 1). One in a
    # call still holds.
    executor = ThreadPoolExecutor(thread_name_prefix="asyncio")
    released = threading.Event()
    try:
        executor.submit(released.wait if calling else lambda: None)
        deadline = time.monotonic() + 30
        while not (worker := [each for each in threading.enumerate() if each.name == "asyncio_0"]):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # (judged once in its call, or idle: back in its loop, waiting on its queue)
        while _innermost(worker[0]) != ("wait" if calling else "_worker"):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert (worker[0] in serve_exit._holding()) is holds
    finally:
        released.set()
        executor.shutdown()

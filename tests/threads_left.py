"""No test leaves a thread of its own running that keeps its process alive: a non-daemon thread
that the test (or its function-scoped fixtures) started and that still runs after its teardown
fails it, named with the test. Such a thread, never joined (an assert before its join, a gate
never opened), kept the process alive at its exit: the run hung after its last test, though the
test had been reported. A plugin of the run (tests/conftest.py registers it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import thread as futures_thread

import pytest

#: Seconds, shared by a test's threads, for one told to stop in its teardown to end.
_ON_ITS_WAY_OUT = 5.0


@pytest.fixture(autouse=True)
def _no_thread_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    # Function-scoped: set up after the test's wider fixtures (pytest sets up the wider scopes
    # first), whose threads (a module's server) are not the test's own and are seen here before
    # it; torn down after the test's own fixtures, whose threads are then to be gone.
    before = set(threading.enumerate())
    yield
    new = [thread for thread in threading.enumerate() if thread not in before]
    running = [thread for thread in new if _own(thread) and not thread.daemon]
    # A thread told to stop in the teardown may still be on its way out: each is given until a
    # bound shared by all (a few seconds, not the hang this looks for) to end before it counts.
    deadline = time.monotonic() + _ON_ITS_WAY_OUT
    for thread in running:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = [thread.name for thread in running if thread.is_alive()]
    if left:
        pytest.fail(
            f"{request.node.nodeid} left non-daemon threads running after its teardown: "
            f"{', '.join(sorted(left))} (make each a daemon, and join it within a bound: "
            "tests/in_threads.py's `ended`)",
            pytrace=False,
        )


def _own(thread: threading.Thread) -> bool:
    """Whether ``thread`` is one a test (or alexaskill) started itself, a `threading.Thread` or
    `threading.Timer`: not a library's pool's (of a class of its own, or a `concurrent.futures`
    pool's worker), which the library stops (anyio's worker threads, told to stop as their event
    loop's root task ends, may still be on their way out at the teardown, and end idle within
    10 s in any case)."""
    if getattr(thread, "_target", None) is futures_thread._worker:
        # A `concurrent.futures` pool's worker (asyncio's default executor's "asyncio_0"): its
        # pool ends it at shutdown, and at the process's exit in any case (its atexit join).
        return False
    return type(thread) in (threading.Thread, threading.Timer)

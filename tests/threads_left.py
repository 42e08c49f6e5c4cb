"""No test leaves a thread of its own running that keeps its process alive: a non-daemon thread
that the test (or its function-scoped fixtures) started and that still runs after its teardown
fails it, named with the test. Such a thread, never joined (an assert before its join, a gate
never opened), kept the process alive at its exit: the run hung after its last test, though the
test had been reported. A plugin of the run (tests/conftest.py registers it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_thread_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    # Function-scoped: set up after the test's wider fixtures (pytest sets up the wider scopes
    # first), whose threads (a module's server) are not the test's own and are seen here before
    # it; torn down after the test's own fixtures, whose threads are then to be gone.
    before = set(threading.enumerate())
    yield
    left = [
        thread.name
        for thread in threading.enumerate()
        if thread not in before and _own(thread) and not thread.daemon and thread.is_alive()
    ]
    if left:
        pytest.fail(
            f"{request.node.nodeid} left non-daemon threads running after its teardown: "
            f"{', '.join(sorted(left))} (make each a daemon, and join it within a bound: "
            "tests/in_threads.py's `ended`)",
            pytrace=False,
        )


def _own(thread: threading.Thread) -> bool:
    """Whether ``thread`` is one a test (or alexaskill) started itself, a `threading.Thread` or
    `threading.Timer`: not a library's pool's, of a class of its own, which the library stops
    (anyio's worker threads, told to stop as their event loop's root task ends, may still be
    on their way out at the teardown, and end idle within 10 s in any case)."""
    return type(thread) in (threading.Thread, threading.Timer)

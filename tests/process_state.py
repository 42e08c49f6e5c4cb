"""What a test leaves in its process put back after it: the AWS Lambda event loop alexaskill
keeps for the process and the counts of repeated warnings left open in a timer thread (autouse,
for every test), and the fixtures of tests that change a
process's own state themselves (a loop put in place, Python's SIGINT handler, the umask). A
plugin of the run (tests/conftest.py registers it): examples/' tests, which share the suite's
processes, are put back after too."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _lambda_loop_closed() -> Iterator[None]:
    """Each test's AWS Lambda event loop its own, closed after it. alexaskill.lambda_loop keeps
    one for the process (``Loop.runner``): a test that ran the handler left it there (ten
    modules did), open to the run's end and collected unclosed, a ResourceWarning for it and
    each of its self-pipe's two unix sockets. Without monkeypatch (which a test's own patches
    would then undo in another order), and without importing aws_lambda where no test did."""
    yield
    lambda_loop = sys.modules.get("alexaskill.lambda_loop")
    if lambda_loop is not None and lambda_loop.Loop.runner is not None:
        lambda_loop.Loop.runner.close()
        lambda_loop.Loop.runner = None


@pytest.fixture(autouse=True)
def _repeats_timers_forgotten() -> Iterator[None]:
    """The counts of repeated warnings a test left open in a timer thread forgotten after it: a
    count made off the event loop (a thread of the test's own, anyio's worker threads under
    trio) is said by a daemon thread as its window ends (`alexaskill.log_repeats._TimerThread`),
    up to 10 seconds on, into a later test's log (its caplog); and a `Repeats` that outlives the
    test (a module's skill, verifier) says it with its next line there. Each such timer is
    cancelled and waited for (a bounded wait: one saying its counts as it is cancelled ends
    once it has), and its `Repeats` forgets its lines and the timer (the next test's are said
    afresh; a cancelled thread still alive, left as its timer, was taken for one that would say
    the next test's count). Counts on an event loop end with it (each test's own)."""
    yield
    log_repeats = sys.modules.get("alexaskill.log_repeats")
    if log_repeats is None:  # (no test imported it: no timer)
        return
    timer_thread = log_repeats._TimerThread
    for thread in threading.enumerate():
        if not isinstance(thread, timer_thread):
            continue
        ended = [thread]
        repeats = getattr(thread.function, "__self__", None)
        if isinstance(repeats, log_repeats.Repeats):
            # Forgotten first, under its lock: the thread's `_windows_ended`, if it runs, then
            # finds itself replaced and sets no other; one set meanwhile is the timer, ended too.
            with repeats._lock:
                repeats._said.clear()
                timer, repeats._timer = repeats._timer, None
            if timer is not None and isinstance(timer[2], timer_thread):
                ended.append(timer[2])
        for each in ended:
            each.cancel()
            if each is not threading.current_thread():
                each.join(10)


@pytest.fixture
def own_lambda_loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A loop a test puts in place itself (``monkeypatch.setattr(lambda_loop.Loop, "runner",
    ...)``) closed after it: monkeypatch's undo comes before `_lambda_loop_closed`'s look, and
    would leave it open."""
    from alexaskill import lambda_loop

    monkeypatch.setattr(lambda_loop.Loop, "runner", None)
    try:
        yield
    finally:
        runner = lambda_loop.Loop.runner
        if runner is not None:
            runner.close()


@pytest.fixture(autouse=True)
def _sigterm_handler_put_back() -> Iterator[None]:
    """SIGTERM's handler as each test found it: a skill behind Mangum on AWS Lambda puts one of
    its own for Lambda's SIGTERM (`alexaskill.lambda_sigterm.say_at_sigterm`), which the tests
    after it would otherwise find in the default's place."""
    import signal

    before = signal.getsignal(signal.SIGTERM)
    yield
    if before is not None and signal.getsignal(signal.SIGTERM) is not before:
        signal.signal(signal.SIGTERM, before)


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """Python's own SIGINT handler in place, as in a terminal: a suite started in the background
    (``pytest &``, ``nohup``) inherits SIGINT ignored, Python installs no handler of its own, and
    alexaskill rightly takes no KeyboardInterrupt for a Ctrl-C then (`handler_bugs`)."""
    import signal

    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made with mode 0644 (``touch``) is readable by every
    user."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)

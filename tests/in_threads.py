"""Calls a test runs in threads of its own (tests/test_dynamodb_hooks.py; the logging tests of
tests/log_gates.py): what a call raised is handed to the test's thread, and a thread still
running when the test stops waiting for it (within a bound) fails the test rather than being
left behind; and a test's hang guard (`timer`). Each thread is a daemon: one a failed test
never joined (an assert before its `joined`, a gate never opened) does not keep the process
alive at its exit."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator


def in_thread(body: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    """``body`` run in a thread started now (what it returns dropped), and what it raised
    (handed to the test's thread)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            body()
        except BaseException as failure:  # (handed to the test's thread)
            failures.append(failure)

    # (A daemon: a hung one ends with the process, whose run the failed test already failed.)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failures


def joined(thread: threading.Thread, failures: list[BaseException], wait: float) -> None:
    """``thread`` and its ``failures`` (`in_thread`'s) joined within ``wait`` seconds: one still
    running fails the test, and what it raised is raised again here (pytest's own report of a
    thread's exception comes only as a warning, at the test's end, and a thread still running
    goes unseen)."""
    ended(thread, wait)
    for failure in failures:
        raise failure


#: A bound on a hang, not on the work: a thread a test released ends well within it on a loaded
#: machine.
HANG = 60.0


def ended(thread: threading.Thread, wait: float = HANG) -> None:
    """``thread`` joined within ``wait`` seconds: one still running fails the test (a bare
    ``join()`` would hang it, and the run, until the hang limit ended the process)."""
    thread.join(wait)
    assert not thread.is_alive(), f"{thread.name} still running after {wait} s"


@contextlib.contextmanager
def timer(seconds: float, action: Callable[[], object]) -> Iterator[threading.Timer]:
    """``action`` called in a thread of its own ``seconds`` after the block starts, unless it
    has ended by then (a hang guard: `process.kill`, a lock's release). The thread is a daemon,
    cancelled as the block ends and joined (`ended`): an action under way then has finished
    when the block's code after it runs, which may do what the action did (once). If the block
    raised, its error is the one raised, a guard still running said in a note of it."""
    # A daemon: made non-daemon, a guard never cancelled (its test failed before its `try`)
    # kept the process alive for its whole wait, and tests/threads_left.py failed the test.
    guard = threading.Timer(seconds, action)
    guard.daemon = True
    guard.start()
    try:
        yield guard
    except BaseException as failure:
        guard.cancel()
        # Joined all the same (a `finally` around the block may do what the action did), but
        # the test's own error is the failure said: ended's AssertionError raised here took
        # its place, the test's error shown only as its context.
        try:
            ended(guard)
        except AssertionError as still_running:
            failure.add_note(str(still_running).splitlines()[0])  # (not the rewritten detail)
        raise
    guard.cancel()
    ended(guard)

"""Calls a test runs in threads of its own (tests/test_dynamodb_hooks.py; the logging tests of
tests/log_gates.py): what a call raised is handed to the test's thread, and a thread still
running when the test stops waiting for it fails the test rather than being left behind."""

from __future__ import annotations

import threading
from collections.abc import Callable


def in_thread(body: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    """``body`` run in a thread started now (what it returns dropped), and what it raised
    (handed to the test's thread)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            body()
        except BaseException as failure:  # (handed to the test's thread)
            failures.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def at_once(*bodies: Callable[[], object], wait: float) -> None:
    """Each of ``bodies`` run in a thread of its own, all started before any is waited for, each
    then joined within ``wait`` seconds: one still running fails the test, and what one raised
    is raised again here (pytest's own report of a thread's exception comes only as a warning,
    at the test's end, and a thread still running goes unseen)."""
    started = [in_thread(body) for body in bodies]
    for thread, _ in started:
        thread.join(wait)
    running = [thread.name for thread, _ in started if thread.is_alive()]
    assert running == [], f"still running after {wait} s: {running}"
    for _, failures in started:
        for failure in failures:
            raise failure

"""Where a record's walk of a logger's ``handlers`` or ``filters`` list stops, for the tests of
a list changed by another thread meanwhile (tests/test_cli_log_threads.py,
tests/test_log_early_threads.py, tests/test_log_lists_threads.py).

Python's logging walks those lists as they are, with no lock: an element removed in place from
one thread while another thread's record is past it moves the next one back under the walk,
which then never reaches it. A test stops a record's walk just before the element that would
be skipped (a `Gate`), does the other thread's change, and lets the walk go on."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Final

from .in_threads import in_thread, joined

#: Seconds: a generous bound for what happens at once, never reached when all is well.
WAIT: Final = 30


class Gate:
    """A filter where a record's walk stops: ``reached`` once it is there, going on once
    ``opened``. Only records whose message is ``stops`` stop."""

    def __init__(self, stops: str) -> None:
        self.stops = stops
        self.reached, self.opened = threading.Event(), threading.Event()

    def __call__(self, record: logging.LogRecord) -> bool:
        if record.msg == self.stops:
            self.reached.set()
            assert self.opened.wait(WAIT)
        return True


class GateHandler(logging.Handler):
    """A handler where a record's walk of the handlers stops (its `Gate`)."""

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def emit(self, record: logging.LogRecord) -> None:
        self.gate(record)


class Taking(logging.Handler):
    """The app's handler: the messages it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.taken: list[object] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.taken.append(record.msg)


@contextlib.contextmanager
def a_secret_stopped(logger: logging.Logger) -> Iterator[None]:
    """Within: a thread's "a secret" on ``logger`` stopped at a gate put after the filters it
    has, before the app's filter that drops it. After: the thread's record walked on, and the
    app's handler given nothing."""
    handler = Taking()
    logger.addHandler(handler)
    gate = Gate("a secret")
    logger.addFilter(gate)
    logger.addFilter(lambda record: record.msg != "a secret")
    thread, failures = in_thread(lambda: logger.warning("a secret"))
    try:
        assert gate.reached.wait(WAIT)
        yield
    finally:
        gate.opened.set()
    joined(thread, failures, WAIT)
    assert handler.taken == []

"""A ``def`` handler's result that came after its request stopped waiting: one WARNING for each.

Under a deadline, a ``def`` handler's call in a worker thread runs on when the deadline answers
for it (a thread cannot be stopped). What it returns or raises then is discarded, and said once,
naming the handler. Who says it depends on which came first, decided under a lock:

- the request gave up first (`LateResult.given_up`, on the event loop's thread, as the
  cancellation goes through): the worker thread says it when the call ends;
- the call ended first, but its result never reached the request (the worker thread delivers it
  through the event loop, and the deadline's cancellation got there before it): the request's
  side says it, as it gives up.

Deciding in either place alone left a gap: the call could end between the cancellation and the
moment the answering marked the request expired, and its result went without a word.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dispatch import Call, Handler

__all__ = ["LateResult", "report_late"]

logger = logging.getLogger("alexaskill")


def report_late(handler: Handler, call: Call, error: BaseException | None) -> None:
    """Say that ``handler``'s call for ``call`` ended after its request stopped waiting
    (``error``: what it raised, with its traceback; None: it returned); discarded."""
    past = time.perf_counter() - (call.deadline or 0.0)
    outcome = "returned" if error is None else f"raised {type(error).__name__}"
    if past >= 0:
        # Given a grace (the exception handler for DeadlineExceeded, or a failed save's past
        # the deadline), ``call.deadline`` is the grace's end: the figure counts from there.
        after = "its deadline" if getattr(call, "grace", None) is None else "its grace ended"
        when, why = f"{past:.2f} s after {after}", "the deadline's answer was sent"
    else:  # cancelled from outside before its deadline (a server's shutdown; on Lambda, the
        # skill's own code: `alexaskill.handler_bugs.LAMBDA_CANCELLER`)
        when, why = "after its request was cancelled", "the request was answered without it"
    # With a bug's traceback: it surfaced only after the request was answered.
    logger.warning("%s %s %s; discarded (%s)", handler.name, outcome, when, why, exc_info=error)


class LateResult:
    """One call of ``handler`` for ``call`` in a worker thread, under a deadline: `run` is the
    function the thread calls; `given_up` is called when the awaiting of it raised."""

    __slots__ = ("call", "error", "finished", "gave_up", "handler", "lock")

    def __init__(self, handler: Handler, call: Call) -> None:
        self.handler = handler
        self.call = call
        self.lock = threading.Lock()
        self.finished = False
        self.gave_up = False
        self.error: BaseException | None = None

    def run(self, **kwargs: Any) -> Any:
        """The handler's call, in the worker thread."""
        self.call.queued = None  # no longer waiting for a thread
        try:
            result = self.handler.func(**kwargs)
        except BaseException as exc:
            self._ended(exc)
            raise
        self._ended(None)
        return result

    def _ended(self, error: BaseException | None) -> None:
        with self.lock:
            self.finished = True
            self.error = error
            late = self.gave_up
        if late:
            report_late(self.handler, self.call, error)

    def given_up(self, raised: BaseException) -> None:
        """The request's awaiting of the call raised ``raised``: its cancellation (a deadline,
        a shutdown), unless it is what the call raised, delivered. A call that ended with its
        result undelivered is said here; one still running, by its thread when it ends."""
        with self.lock:
            if not self.finished:
                self.gave_up = True
                return
            error = self.error
        if error is not None and (raised is error or raised.__cause__ is error):
            return  # the call's own exception, which the request got
        report_late(self.handler, self.call, error)

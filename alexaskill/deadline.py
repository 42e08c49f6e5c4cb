"""The response deadline: stop waiting for a handler in time to answer before Alexa gives up.

Alexa waits about 8 seconds for a skill's answer, then tells the user "There was a problem with
the requested skill's response" ("Host a custom skill as a web service", and the AWS Lambda
timeout Amazon recommends: https://developer.amazon.com/en-US/docs/alexa/custom-skills/
host-a-custom-skill-as-an-aws-lambda-function.html). `Skill(deadline=7.0)` answers by then
instead, through the skill's exception path (`alexaskill.exceptions.DeadlineExceeded`).

Two ways of stopping, for the two ways code runs:

- `Watchdog`: on an asyncio event loop (the web service; AWS Lambda with async handlers), the
  request's task is cancelled when its deadline passes: an ``async def`` handler gets
  ``CancelledError`` at its current ``await``, and a ``def`` handler's worker thread is no longer
  waited for (a thread cannot be stopped: it finishes, and its result is discarded). A handler
  that catches the ``CancelledError`` and awaits on is cancelled again at each of the
  watchdog's looks until the cancellation reaches the answering (logged once, as an ERROR that
  names it): a retry loop that swallows one cancellation no longer holds its request, and the
  server's shutdown, for ever.
- `call_in_thread`: where a ``def`` handler would run on the caller's thread (AWS Lambda, which
  has no worker threads to hop to), it runs in a thread of its own, waited for until the
  deadline.

Under another event loop than asyncio's (trio, through anyio), which has no tasks to cancel,
`alexaskill.deadline_answering` puts the request's work in an anyio cancel scope instead.

A deadline that is never reached must cost next to nothing, since every request has one: the
watchdog keeps no timer per request (``asyncio.timeout`` makes one, and a timer costs more than
all the rest: ``benchmarks/bench_dispatch.py`` times both). A request enters a dictionary and
leaves it; one timer, while requests are in flight, looks every 50 ms for those past due.
"""

from __future__ import annotations

import contextvars
import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from . import stalls
from .exceptions import DeadlineExceeded
from .log_repeats import due

if TYPE_CHECKING:
    # Not at run time: an AWS Lambda skill whose handlers are all `def` never loads asyncio.
    import asyncio

    from .dispatch import Registry

__all__ = [
    "COUNTS_OUTSIDE_CANCELLATIONS",
    "DEADLINE_GRACE",
    "DEFAULT_DEADLINE",
    "LAMBDA_MARGIN",
    "LATE_THREADS_ERROR",
    "LATE_THREADS_EVERY",
    "RESOLUTION",
    "Expired",
    "Watchdog",
    "call_in_thread",
    "cancellations",
    "cancelled_from_outside",
    "deadline_grace",
    "expired",
    "lambda_deadline",
    "on_asyncio",
    "remaining_time",
    "watch",
]

logger = logging.getLogger("alexaskill")

T = TypeVar("T")

#: Seconds from a request's arrival to the answer, by default: a second under Alexa's ~8.
DEFAULT_DEADLINE: Final = 7.0
#: How late, at most, the watchdog acts after a deadline (seconds): the width of its slots.
RESOLUTION: Final = 0.05
#: How long an exception handler for `DeadlineExceeded` may take before the default answer
#: (`alexaskill.deadline_answering.DEADLINE_REPLY`) is sent.
DEADLINE_GRACE: Final = 0.5

_get_ident: Final = threading.get_ident
#: The clock of the watchdog's ``ticked``, which `alexaskill.stalls` reads against its own: the
#: real `time.perf_counter`, bound here, never a test's clock moved on in the module's ``time``
#: (tests/deadline_clock.py's: a loop that ran after a skip looked to have run that much later,
#: and a stall then went unsaid for as long).
_ticked_clock: Final = time.perf_counter


class Expired(BaseException):
    """`call_in_thread` stopped waiting: the deadline passed (a BaseException, like
    ``CancelledError``, so that the handlers' ``except Exception`` does not take it)."""


class Watchdog:
    """Cancels the tasks whose deadline has passed, on one event loop.

    ``watchdog.watch(task, at)`` before the work (``at``: a `time.perf_counter` time),
    ``watchdog.unwatch(task)`` after it (also when it raised): True when the deadline cancelled
    the task meanwhile (then the cancellations are taken back with ``task.uncancel()``, as many
    as were made, so the task can go on answering). Until then, a task cancelled by its deadline
    that has not ended is cancelled again at each look: it caught the ``CancelledError``.

    A request only enters and leaves a dictionary: no timer of its own. While any is watched,
    one timer looks every `RESOLUTION` seconds for those past their deadline.
    """

    __slots__ = ("__weakref__", "_deadlines", "_expired", "_ticking", "loop", "thread", "ticked")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._deadlines: dict[asyncio.Task[Any], float] = {}
        #: The tasks cancelled by their deadline, not yet unwatched: how many times each was.
        self._expired: dict[asyncio.Task[Any], int] = {}
        self._ticking = False
        #: The loop's thread as the timer last saw it (made on it; set again as the timer starts
        #: and at each run), and when the timer last ran (`time.perf_counter`): what
        #: `alexaskill.stalls` reads to say a loop held up. A loop runs on the thread that runs
        #: it, another at each run maybe (AWS Lambda's, its handler called from several
        #: threads): the looking thread reads an asyncio loop's own (`stalls.thread_of`).
        self.thread = _get_ident()
        self.ticked = _ticked_clock()
        stalls.look_after(self)

    @property
    def ticking(self) -> bool:
        """Whether its timer looks: from a `watch` until a look finds nothing watched."""
        # Read-only: `watch` starts the timer (and `alexaskill.stalls` with it), its last look
        # stops it; set from outside, the timer and this would disagree.
        return self._ticking

    def watch(self, task: asyncio.Task[Any], at: float) -> None:
        """Cancel ``task`` once `time.perf_counter` passes ``at`` (up to `RESOLUTION` later)."""
        self._deadlines[task] = at
        if not self._ticking:
            self.thread = _get_ident()
            self.ticked = _ticked_clock()  # (before _ticking: read in that order)
            self._ticking = True
            self.loop.call_later(RESOLUTION, self._tick)
            stalls.ticking()
        elif stalls.asleep:  # (its loop was stopped: AWS Lambda's, between invocations)
            stalls.ticking()

    def unwatch(self, task: asyncio.Task[Any]) -> bool:
        """Stop watching ``task``; whether its deadline had passed (and cancelled it)."""
        if self._deadlines.pop(task, None) is not None:
            return False
        cancelled = self._expired.pop(task, 0)
        for _ in range(cancelled):  # Python counts cancel() and uncancel()
            task.uncancel()
        return cancelled > 0

    def release(self, task: asyncio.Task[Any]) -> bool:
        """Stop watching ``task`` before its deadline: True; False if the deadline has passed
        already (its cancellation then reaches the task at its next ``await``)."""
        return self._deadlines.pop(task, None) is not None

    def _tick(self) -> None:
        deadlines, expired = self._deadlines, self._expired
        if not deadlines and not expired:
            self._ticking = False
            return
        if expired:
            self._cancel_again(expired)
        self.thread = _get_ident()
        self.ticked = _ticked_clock()
        now = time.perf_counter()  # (read apart: a test moves this one on)
        for task in [task for task, at in deadlines.items() if at <= now]:
            del deadlines[task]
            if not task.done():
                expired[task] = 1
                task.cancel()
        self.loop.call_later(RESOLUTION, self._tick)

    @staticmethod
    def _cancel_again(expired: dict[asyncio.Task[Any], int]) -> None:
        """Cancel again the tasks cancelled by their deadline that still run: a cancellation
        that reached the answering would have unwatched them."""
        for task, times in list(expired.items()):
            if task.done():  # ended without being unwatched: nothing left to take back
                del expired[task]
                continue
            if times == 1:
                logger.error(
                    "%s did not stop when the deadline cancelled it: it caught the "
                    "CancelledError (or awaits in an except or finally block). It is cancelled "
                    "again every %g s until it ends; meanwhile its request has no answer and "
                    "the server cannot shut down. Let CancelledError through (catch Exception, "
                    "not BaseException).",
                    _culprit(task),
                    RESOLUTION,
                )
            expired[task] = times + 1
            task.cancel()


def _culprit(task: asyncio.Task[Any]) -> str:
    """What ``task`` awaits in, for a message: the handler (or hook, or exception handler) that
    alexaskill's answering awaits, by module and qualified name as handlers are named; else the
    innermost coroutine ``task`` awaits through, asyncio's own left out."""
    coro: Any = task.get_coro()
    name = repr(task)
    called = False
    callers = stalls.handler_callers()
    while coro is not None:
        frame = getattr(coro, "cr_frame", None)
        if frame is None:  # a Future, a finished coroutine: the end of the chain
            break
        module = frame.f_globals.get("__name__", "?")
        if called:
            return f"{module}.{frame.f_code.co_qualname}"
        if not module.startswith("asyncio."):
            name = f"{module}.{frame.f_code.co_qualname}"
        called = frame.f_code in callers  # Answering._invoke: it awaits the handler's coroutine
        coro = getattr(coro, "cr_await", None)
    return name


# asyncio, once a loop runs: bound at the first `watch` (this module must not import it).
_asyncio: Any = None


def watch(watchdog: Watchdog | None, at: float) -> tuple[Watchdog, asyncio.Task[Any]] | None:
    """Watch the current task until `time.perf_counter` ``at``, with ``watchdog`` if it serves
    the running loop (else a new one); what `expired` needs, or None outside an asyncio loop.
    """
    global _asyncio
    aio = _asyncio
    if aio is None:
        import asyncio as aio

        _asyncio = aio
    try:
        loop = aio.get_running_loop()
    except RuntimeError:  # another event loop (trio, through anyio): no asyncio tasks to cancel
        return None
    task = aio.current_task(loop)
    if task is None:
        return None
    if watchdog is None or watchdog.loop is not loop:
        watchdog = Watchdog(loop)
    # Watchdog.watch, inlined: this runs for every request.
    watchdog._deadlines[task] = at
    if not watchdog._ticking:
        watchdog.thread = _get_ident()
        watchdog.ticked = _ticked_clock()
        watchdog._ticking = True
        loop.call_later(RESOLUTION, watchdog._tick)
        stalls.ticking()
    elif stalls.asleep:  # (its loop was stopped: AWS Lambda's, between invocations)
        stalls.ticking()
    return watchdog, task


def expired(watched: tuple[Watchdog, asyncio.Task[Any]] | None, exc: BaseException) -> bool:
    """After ``exc`` stopped the watched work: whether the deadline did it (the watchdog's
    cancellation, or `Expired` from `call_in_thread`), and alone: not if the task is still being
    cancelled once the watchdog's own cancellations are taken back (one from outside came before
    the task ran again, a shutdown as the deadline passed: that one goes on). Unwatches."""
    if watched is not None and watched[0].unwatch(watched[1]):
        return not watched[1].cancelling()
    return isinstance(exc, Expired) and (watched is None or not watched[1].cancelling())


def cancellations(watched: Any) -> tuple[int, int]:
    """The cancellations pending for the work of ``watched`` (`watch`'s watchdog and task, or
    the anyio cancel scope `alexaskill.deadline_answering` puts it in under trio), and how many
    of them are the deadline's. A scope's are not counted apart: once it has cancelled, its one
    cancellation is the deadline's; trio has no other to count (a shutdown's is a scope's around
    it, which is not this one)."""
    if isinstance(watched, tuple):
        watchdog, task = watched
        pending: int = task.cancelling()
        return pending, watchdog._expired.get(task, 0) if pending else 0  # (none: no lookup)
    return (1, 1) if watched.cancel_called else (0, 0)


#: Whether a task's count of cancellations (``cancelling()``), still raised once code that ran
#: in it returned, can only be one from outside that the code caught. Up to Python 3.12,
#: asyncio.TaskGroup leaves its parent task's raised when a task of the group fails after its
#: body ended (CPython gh-116720, fixed in 3.13 and not backported: 3.12.10, 3.12's last bugfix
#: release, still leaves it raised): a handler that caught the group's error would be taken for
#: one that caught a server's shutdown, its reply dropped. There, `cancelled_from_outside` is
#: always False (tests/test_cancelled_answer.py checks the premise on the Python it runs).
COUNTS_OUTSIDE_CANCELLATIONS: Final = sys.version_info >= (3, 13)


def cancelled_from_outside(watchdog: Watchdog | None, watched: Any = None) -> bool:
    """Whether the running asyncio task is being cancelled by more than ``watchdog`` (its
    deadline's cancellations, taken back when it is unwatched), or the watchdog of ``watched``
    (`watch`'s, if at hand: the task's own, where a watchdog of another loop may have taken
    ``watchdog``'s place since): from outside, by a server's shutdown or a caller's timeout.
    False where no asyncio task runs (a thread, trio: ``watched`` the deadline's anyio cancel
    scope, `cancellations`), and before Python 3.13 (`COUNTS_OUTSIDE_CANCELLATIONS`)."""
    if not COUNTS_OUTSIDE_CANCELLATIONS:
        return False
    if watched is not None:  # (the usual case, a deadline: the task at hand, no lookup)
        pending, own = cancellations(watched)
        return pending > own
    aio = sys.modules.get("asyncio")  # (not imported: no asyncio task runs)
    if aio is None:
        return False
    try:
        task = aio.current_task()
    except RuntimeError:  # no running event loop
        return False
    cancelling = 0 if task is None else task.cancelling()
    if not cancelling:
        return False
    return watchdog is None or cancelling > watchdog._expired.get(task, 0)


#: Threads of `call_in_thread` running calls given up on (their deadline answered) at once,
#: from which each one more is said at ERROR (at most once every `LATE_THREADS_EVERY` seconds).
#: A thread cannot be stopped: one stuck for good stays for the life of the process (on AWS
#: Lambda, of the execution environment), so a handler that hangs on every call adds one each
#: invocation.
LATE_THREADS_ERROR: Final = 10
#: Seconds between two such ERRORs, at least.
LATE_THREADS_EVERY: Final = 10.0
#: The clock of those ERRORs (a test's own, in its place).
_monotonic: Final = time.monotonic


class _LateThreads:
    """How many threads of `call_in_thread` run calls given up on, and when that was last said
    (`time.monotonic`, `due`'s)."""

    __slots__ = ("count", "lock", "said")

    def __init__(self) -> None:
        self.count = 0
        self.said: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def began(self) -> None:
        """A call was given up on, still running: counted, and said at ERROR when that makes
        `LATE_THREADS_ERROR` or more."""
        with self.lock:
            self.count += 1
            stuck = self.count
            if stuck < LATE_THREADS_ERROR:
                return
            if due(self.said, "stuck", _monotonic(), LATE_THREADS_EVERY) is None:
                return
        logger.error(
            "%d threads are stuck in calls of def handlers that their deadline gave up on: a "
            "thread cannot be stopped, so each stays until its call ends (on AWS Lambda, for "
            "the life of the execution environment). Give what the handler waits for a timeout "
            "shorter than the deadline.",
            stuck,
        )

    def ended(self) -> None:
        with self.lock:
            self.count -= 1


_LATE = _LateThreads()


class _Outcome:
    __slots__ = ("done", "error", "finished", "late", "lock", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        # Decides, once, whether the caller took the result or gave up on it.
        self.lock = threading.Lock()
        self.finished = False
        self.late = False
        self.value: Any = None
        self.error: BaseException | None = None


def call_in_thread(
    func: Callable[..., T],
    kwargs: dict[str, Any],
    timeout: float,
    on_late: Callable[[float, BaseException | None], None],
) -> T:
    """``func(**kwargs)`` in a thread of its own, waited for at most ``timeout`` seconds.

    Returns its result or raises its exception; raises `Expired` when it is still running by
    then. It then runs on, and ``on_late(seconds, exception)`` is called in its thread when
    it ends, with how long it ran and what it raised (None if it returned).
    """
    outcome = _Outcome()
    late_threads = _LATE
    context = contextvars.copy_context()
    started = time.monotonic()

    def run() -> None:
        try:
            outcome.value = context.run(func, **kwargs)
        except BaseException as exc:
            outcome.error = exc
        with outcome.lock:
            outcome.finished = True
            late = outcome.late
        outcome.done.set()
        if late:  # in the call's context: its line is the call's (its Lambda invocation's id)
            late_threads.ended()
            context.run(on_late, time.monotonic() - started, outcome.error)

    thread = threading.Thread(target=run, name="alexaskill-deadline", daemon=True)
    thread.start()
    # A lock waits at most TIMEOUT_MAX (~292 years); a longer deadline raised OverflowError.
    if not outcome.done.wait(min(max(timeout, 0.0), threading.TIMEOUT_MAX)):
        with outcome.lock:
            if not outcome.finished:
                outcome.late = True
                late_threads.began()  # (under the lock: counted before its end can be)
                raise Expired
    if outcome.error is not None:
        raise outcome.error
    value: T = outcome.value
    return value


# --- AWS Lambda: the invocation's remaining time as a deadline ---------------------------------
# (`alexaskill.aws_lambda.handler`, and the ASGI app behind Mangum: `alexaskill.handling`.)

#: Seconds kept back from the invocation's remaining time, to send the answer before Lambda's
#: timeout ends the function.
LAMBDA_MARGIN: Final = 0.3


def deadline_grace(registry: Registry) -> float:
    """`DEADLINE_GRACE` if an exception handler takes `DeadlineExceeded` (the lookup the
    deadline's answer makes), else 0: the time its answer needs after the deadline."""
    handled = registry.exception_handler(DeadlineExceeded(0.0)) is not None
    return DEADLINE_GRACE if handled else 0.0


def lambda_deadline(
    started: float, limit: float, remaining: float, grace: float
) -> tuple[float, float]:
    """The deadline (``limit`` or less) of an answer started at `time.perf_counter` ``started``
    in an invocation with ``remaining`` seconds left (`remaining_time`), and the time by which
    every answer must leave, the `DeadlineExceeded` handler's too (its ``grace`` kept back
    from the handler's time): both `LAMBDA_MARGIN` before Lambda ends the function, answered
    or not. 0: no time left for the handler at all."""
    latest = started + remaining - LAMBDA_MARGIN
    return max(0.0, min(limit, remaining - LAMBDA_MARGIN - grace)), latest


def remaining_time(context: Any) -> float | None:
    """Seconds before Lambda ends the invocation of ``context`` (the Lambda context, also
    Mangum's ``scope["aws.context"]``), or None if it does not tell."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    try:
        seconds = float(remaining()) / 1000
    except Exception:  # a context of a test or another runtime: its clock is no reason to fail
        return None
    return None if math.isnan(seconds) else seconds


def on_asyncio() -> bool:
    """Whether an asyncio event loop runs this code (under trio, through anyio, none does). On
    asyncio outside any task (a coroutine a callback steps) too: anyio's cancel scopes refuse
    that, so the deadline answers there as it always has, without one."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True

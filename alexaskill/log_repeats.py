"""Lines said once a kind every few seconds, with how many went unsaid since.

A flood of requests that fail alike (forged ones, or all of them while a store is down) must not
write a line each beside their request lines: the first says why, the next of the same kind within
`Repeats.every` seconds are counted, and how many there were is said when the window ends (on an
event loop, a worker thread's on the loop it works for, one timer for all; in another thread, or
on trio's, by a timer thread; in the main thread without a loop, with the next line of the kind),
or at shutdown (`Repeats.say_unsaid`; at an AWS Lambda invocation's end behind Mangum, those
whose window has ended, `ended_windows_only`, the others at Lambda's SIGTERM on its Python 3.12
runtime and later, as under `alexaskill.aws_lambda.handler`:
`alexaskill.lambda_sigterm.say_at_sigterm`). A flood then writes one line a
kind every `Repeats.every` seconds, and the count of its last seconds is not lost when it stops,
nor when more kinds come than are held (a kind with a count waiting is kept, the most counted,
or its count said before it is forgotten; one counted without a way to say it is said at
WARNING).

A count made where no asyncio loop is at hand has its timer in a daemon thread of its own
(`_TimerThread`, one a `Repeats` at a time, while a window with a count is open; its counts said
at the interpreter's exit, before logging shuts down: `_say_at_exit`): in a thread of
the app's own or a library's pool's (anyio's worker threads under trio work for no asyncio
loop), and on trio's thread (a skill's refusals there: it does not start on trio,
`alexaskill.asgi_start.NEEDS_ASYNCIO`), where a timer on trio itself (a task of its own, no
``call_later``) would be a machinery for trio alone. Not in the main thread without a loop (a
script, a test, a command): a timer thread there would outlive the work it counts for, and say
its count amid whatever comes next; its count waits for the next line of its kind, or
`Repeats.say_unsaid`.

`Repeats` is counted from several threads: a ``def`` handler's translations (an
`alexaskill.i18n.Translator`'s lines) run in worker threads (`alexaskill.threads`), and a skill
or a verifier served on two event loops counts from each loop's thread, as the loop's timer
says the windows that ended; its state is changed under a lock (`Repeats.__init__`). `due` and
`remember` take none: each call is a few single operations on a dict, never an iteration, so
threads that share one (the worker threads', the process's, from each loop's thread) may at
worst say a line twice, count one too few or forget a kind early (said, or made, again once),
never fail.

`due` is the bare check, for lines whose caller keeps the times and the clock: the server's
(`alexaskill.server_limits`, on the loop's clock), the worker threads' and the deadline's.
`remember` is the bounded memory of kinds they share with the lines said once a kind
(`alexaskill.dispatch`: an intent's typo, an intent without a handler), and with other memories
of what requests bring (a DynamoDB store's keys loaded without a map, the Host values found
valid, a list slot's parts read).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import math
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeVar

__all__ = ["SAY_EVERY", "Repeats", "due", "ended_windows_only", "remember", "worker_thread"]

logger = logging.getLogger("alexaskill")
_monotonic: Final = time.monotonic
#: Per thread, ``loop``: the event loop a worker thread of `alexaskill.threads` runs a call for
#: (set there around each call, None between; its `run_in_loop` reads it). A count made there
#: (a ``def`` handler's) has its timer set on that loop (`Repeats._wake`).
worker_thread = threading.local()
#: Kinds remembered at most; past it they are forgotten at once (each then said again once), but
#: `Repeats`' kinds with a count unsaid (`Repeats._forget`).
_KINDS: Final = 256

#: True within `ended_windows_only`: `Repeats.say_unsaid` says the windows that have ended only.
_ended_only: contextvars.ContextVar[bool] = contextvars.ContextVar("_ended_only", default=False)

#: Seconds between two lines of a kind that `due` lets through, unless told otherwise.
SAY_EVERY: Final = 10.0

K = TypeVar("K")
V = TypeVar("V")

#: Says that ``count`` lines of ``kind`` went unsaid (in a window that ended, or at shutdown).
SayUnsaid = Callable[[str, int], None]


class Repeats:
    """When a line of each kind was last said, and how many of that kind went unsaid since."""

    __slots__ = ("_lock", "_said", "_timer", "every")

    def __init__(self, every: float) -> None:
        #: Seconds between two lines of one kind.
        self.every = every
        #: Kind to [when its line was said, lines of that kind unsaid since, what says them].
        self._said: dict[str, list[Any]] = {}
        #: The one timer set, if any: [its event loop, when it runs (on `_monotonic`'s clock),
        #: its handle]. It says every window with a count that has ended (`_windows_ended`).
        self._timer: list[Any] | None = None
        # Held while `_said` and `_timer` are read or changed, a few dict operations, never
        # while a count is said (the says run once it is let go: a log handler may be slow, or
        # count lines itself). Lines are counted from several threads beside the loop's timer
        # (the module's docstring): without it, a kind counted by one was cleared by another's
        # `_forget`, a count was said twice, an iteration failed as the dict grew.
        self._lock = threading.Lock()

    def _state(self) -> tuple[float, dict[str, list[Any]]]:
        """What a copy (copy, deepcopy, pickle) takes: `every` and the counts as they stand,
        not the lock (none can be copied, and one shared would let the copies' threads race)
        nor the timer (the original's loop says its windows; the copy's next line says its)."""
        with self._lock:
            return self.every, {kind: list(said) for kind, said in self._said.items()}

    def __copy__(self) -> Repeats:
        """A copy of the counts (`_state`), each with the say it has."""
        copied = type(self).__new__(type(self))
        copied.__setstate__(self._state())
        return copied

    def __deepcopy__(self, memo: dict[int, object]) -> Repeats:
        """As `__copy__`: the counts' lists are the copy's own, and their says are kept as they
        are, as deepcopy keeps a function; one a caller gave (a lambda) stays the copy's say,
        where the check for pickle (`__getstate__`) replaced it."""
        return self.__copy__()

    def __getstate__(self) -> tuple[float, dict[str, list[Any]]]:
        """What pickle takes (`_state`). A count's say that pickle cannot take (a caller's
        lambda, a local function) is replaced by one that says it at WARNING as `warn` says
        one, ``kind`` as the line: it made the Repeats unpicklable, where dropped it left the
        count to a next line that may not come."""
        every, said_by_kind = self._state()
        picklable: dict[int, bool] = {}  # (by say: a few, each tried once, not once a kind)
        for said in said_by_kind.values():
            say = said[2]
            if say is None:
                continue
            taken = picklable.get(id(say))
            if taken is None:
                taken = picklable[id(say)] = _picklable(say)
            if not taken:
                said[2] = _warn_as_line
        return every, said_by_kind

    def __setstate__(self, state: tuple[float, dict[str, list[Any]]]) -> None:
        self.every, self._said = state
        self._timer = None
        self._lock = threading.Lock()

    def unsaid(self, kind: str, say: SayUnsaid | None = None) -> int | None:
        """None when a line of ``kind`` was said less than `every` seconds ago (this one is
        counted instead); else say it now, after how many went unsaid since the last (0).

        ``say``: what says the count when the window ends with lines unsaid, before any other
        line of ``kind`` comes. Called by a timer of the running event loop (in a worker
        thread of `alexaskill.threads`, of the loop it works for), one for all kinds and loops
        (never one a line, nor one a window); in a thread that works for no loop, or on trio's,
        by a timer thread (`_TimerThread`); in the main thread without a loop (a script), the
        count waits for the next line (or `say_unsaid`). Without a ``say``, the
        count is said by the next line, or by the one `say_unsaid` is given; if the kind is
        forgotten (`_forget`), it is said at WARNING as `warn` says one, ``kind`` as the line.
        """
        taken: _Taken = []
        with self._lock:
            now = _monotonic()
            said = self._said.get(kind)
            if said is not None and now - said[0] < self.every:
                said[1] += 1
                if say is not None:
                    if said[2] is None:  # the window's first count to say
                        said[2] = say
                        self._wake(said[0] + self.every)
                    elif (timer := self._timer) is None or not timer[0].is_running():
                        # Its timer ended with its loop (asyncio.run per call), or none was set
                        # (counted where no loop runs): a count where one runs sets it again,
                        # else the count waited for the next line of its kind. (A flag and one
                        # call a count; `_wake` itself only where it is needed.)
                        self._wake(said[0] + self.every)
                return None
            if said is None and len(self._said) >= _KINDS:
                self._forget(taken)
            self._said[kind] = [now, 0, None]
        _say_all(taken)
        return 0 if said is None else int(said[1])

    def warn(self, logger: logging.Logger, line: str) -> None:
        """Log ``line`` at WARNING, unless it was said less than `every` seconds ago: then it is
        counted, and the count said when the window ends (`unsaid`)."""
        # A partial of a module's function, not a lambda: a copy pickled with its count
        # pending raised (`__getstate__`). The logger itself, not its name looked up as the
        # count is said: one that is not its name's (made directly) had the count elsewhere;
        # pickled, a logger is its name (`logging.Logger.__reduce__`), and one that is not its
        # name's cannot be (its count then said as `__getstate__` says).
        unsaid = self.unsaid(line, functools.partial(_warn, logger))
        if unsaid is not None:
            _warn(logger, line, unsaid)

    def say_unsaid(self, say: SayUnsaid | None = None) -> None:
        """Say every count still unsaid, now (at shutdown: the timer will not run); ``say``
        says those of lines counted without one (``unsaid(kind)``), which are else left for the
        next line of their kind. Within `ended_windows_only`, only the counts whose window has
        ended."""
        taken: _Taken = []
        ended_only = _ended_only.get()
        with self._lock:
            now = _monotonic()
            for kind, said in self._said.items():
                if ended_only and now - said[0] < self.every:
                    continue  # (left for its timer, a later call, or the real shutdown)
                if said[1] and said[2] is None:
                    said[2] = say
                # An ended window's line starts the next, as the timer's does (`_windows_ended`).
                _take(kind, said, now if ended_only else said[0], taken)
        _say_all(taken)

    def _forget(self, taken: _Taken) -> None:
        """Make room, `_KINDS` kinds being held: forget those without a count unsaid. Those
        with one are kept, half the bound at most, those counted most (their window's timer,
        their next line or `say_unsaid` says them); the others' counts are taken into
        ``taken``, to be said (those counted without a say as `warn` says one), then forgotten.
        Under the lock."""
        counting = [(kind, said) for kind, said in self._said.items() if said[1]]
        # Not cleared whole as `remember` does: a flood of distinct lines took the counts waiting
        # with it. Half the bound kept at most, so each pass frees half of it or more (its scan
        # and sort cost a few kinds' worth a new kind); the counted most, so that kinds said
        # again and again stay held through a flood of distinct ones, one line a window, where
        # saying them all each pass said each twice a pass (its count, then itself as new).
        if len(counting) > _KINDS // 2:
            counting.sort(key=lambda item: item[1][1], reverse=True)
            for kind, said in counting[_KINDS // 2 :]:
                if said[2] is None:  # (no next line of the kind will find its count)
                    said[2] = _warn_as_line
                _take(kind, said, said[0], taken)
            del counting[_KINDS // 2 :]
        self._said.clear()
        self._said.update(counting)

    def _wake(self, when: float) -> None:
        """Have the timer run at ``when`` (on `_monotonic`'s clock), unless one runs by then
        already: on the running event loop, or in a worker thread of `alexaskill.threads` (a
        ``def`` handler's) on the loop it works for; without either, in a timer thread
        (`_off_loop`), or none (the main thread without a loop). Under the lock."""
        # One timer, not one a window with a count: under a flood of distinct lines those of
        # kinds forgotten since stayed set, as many as `every` seconds of requests brought.
        loop = here = _running_loop()
        if loop is None:
            # A worker thread runs no loop: its count set no timer, and waited for a next line
            # of its kind that may never come.
            loop = getattr(worker_thread, "loop", None)
            if loop is None:
                if not _off_loop():
                    return
                loop = _TimerThread  # (its own thread: made below, no loop's)
        timer = self._timer
        if timer is not None:
            if timer[1] <= when and (timer[0] is loop or timer[0].is_running()):
                return
            # Replaced, brought forward or its loop not running (ended, or stopped between AWS
            # Lambda's invocations), by one that says its windows too. One alive: two loops'
            # timers each replaced the other's and ran all the same, setting theirs again.
            when = min(when, timer[1])
        new: list[Any] = [loop, when, None]
        if here is not None:
            new[2] = _call_later(when - _monotonic(), self._windows_ended, new)
        elif loop is _TimerThread:
            # Started under the lock, which its `_windows_ended` takes first: the timer is set
            # by then. (One a window's end at most: said, the next is set from its thread.)
            # Checked and started under `_exit_lock`, as `_say_at_exit` sets `_exiting`: else one
            # found unset was started just after the exit looked for them, its count said once
            # logging had shut down. (Only where a timer thread starts: no request's path.)
            with _exit_lock:
                if _exiting:  # (its counts said at exit already: a later one waits for a line)
                    return
                new[0] = new[2] = _TimerThread(when - _monotonic(), self._windows_ended, new)
                try:
                    new[2].start()
                except RuntimeError:  # ("can't start new thread": the count waits for a line)
                    return
        else:
            try:  # (a loop's timers are set on its own thread: `_start`)
                loop.call_soon_threadsafe(self._start, new)
            except RuntimeError:  # its loop closed: the count waits for the next line
                return
        if timer is not None:
            _cancel(timer, here)
        self._timer = new

    def _start(self, timer: list[Any]) -> None:
        """Set ``timer`` on its loop, from the loop's thread (`_wake` in a worker thread)."""
        with self._lock:
            if self._timer is timer:  # (else replaced meanwhile)
                timer[2] = _call_later(timer[1] - _monotonic(), self._windows_ended, timer)

    def _windows_ended(self, timer: list[Any]) -> None:
        """Say the count of every window that has ended by now (or by when ``timer`` was set
        for, on a clock that stands still in tests), and set the timer for the next to end."""
        taken: _Taken = []
        with self._lock:
            if self._timer is not timer:
                return  # replaced (`_wake`): the one that replaced it says its windows
            self._timer = None
            now = _monotonic()
            ended = max(timer[1], now)
            next_end = math.inf
            for kind, said in self._said.items():
                if said[2] is not None:  # (a count to say; the kinds forgotten are not held)
                    end = said[0] + self.every
                    if end <= ended:
                        _take(kind, said, now, taken)
                    else:
                        next_end = min(next_end, end)
            if next_end < math.inf:
                self._wake(next_end)
        _say_all(taken)


@contextlib.contextmanager
def ended_windows_only() -> Iterator[None]:
    """Within it, `Repeats.say_unsaid` says only the counts whose window has ended, the others
    left for later: for an end that is no shutdown (each AWS Lambda invocation's lifespan end
    behind Mangum), where saying all said a flood's count once an invocation, not a window."""
    # A context variable, not a parameter: the counts are reached through `Verifier.say_unsaid`
    # and `Translations.say_unsaid`, which a subclass may override without it.
    token = _ended_only.set(True)
    try:
        yield
    finally:
        _ended_only.reset(token)


def _cancel(timer: list[Any], here: Any) -> None:
    """Cancel ``timer``, replaced (`Repeats._wake`), from the thread of ``here`` (the running
    loop, None in a worker thread): at once on its own loop, else on its loop's thread."""
    handle = timer[2]
    if handle is None:  # (not set yet: `Repeats._start` finds it replaced)
        return
    if timer[0] is here or isinstance(handle, _TimerThread):  # (a Timer's cancel: any thread's)
        handle.cancel()
        return
    with contextlib.suppress(RuntimeError):  # (its loop closed: it never runs)
        timer[0].call_soon_threadsafe(handle.cancel)


#: Counts taken to be said once the lock is let go: (what says it, its kind, the count).
_Taken = list[tuple[SayUnsaid, str, int]]


def _take(kind: str, said: list[Any], now: float, taken: _Taken) -> None:
    """Take the count of ``said`` (a `Repeats`' kind's) into ``taken``, if it has one and a
    say: as a line of the kind, the next window starting at ``now``, its count new."""
    count, say = said[1], said[2]
    if count and say is not None:
        said[0], said[1], said[2] = now, 0, None
        taken.append((say, kind, count))


def _say_all(taken: _Taken) -> None:
    """Say each count of ``taken``; a say that raises is reported as logging reports a handler
    that fails (`logging.Handler.handleError`), and the next are said."""
    # Never raised: the counts were taken (reset to 0), so a say that raised (a log handler's
    # full disk) left those after it unsaid for good; and raised out of `unsaid` (kinds
    # forgotten before a new line), the caller's own line went unsaid with it, and a handler's
    # `_()` failed its request. A log line's failure fails no caller's work, as in logging.
    for say, kind, count in taken:
        try:
            say(kind, count)
        except Exception as exc:
            _report(exc, kind, count)


def _report(exc: Exception, kind: str, count: int) -> None:
    """Write ``exc``, raised saying ``count`` lines of ``kind`` unsaid, to stderr as
    `logging.Handler.handleError` writes a handler's (unless `logging.raiseExceptions` is off,
    as in production it may be)."""
    if logging.raiseExceptions and sys.stderr:
        with contextlib.suppress(Exception):  # (stderr itself may be what fails)
            sys.stderr.write("--- Logging error ---\n")
            traceback.print_exception(exc, file=sys.stderr)
            sys.stderr.write(f"Saying the count of {kind!r} ({count} unsaid)\n")


def remember(kinds: dict[K, V], kind: K, value: V, *, kept: int = _KINDS) -> None:
    """Keep ``value`` for ``kind`` in ``kinds``, forgotten all at once when full (``kept``
    kinds, `_KINDS` unless told): the kinds are made of requests or messages, so a bound, not
    an exact memory (each kind forgotten is then said, or made, again once). Cleared whole, not
    the oldest dropped: nothing kept for each kind but its value, and the kinds that come next,
    a server's own among them, are kept again at once."""
    if kind not in kinds and len(kinds) >= kept:
        kinds.clear()
    kinds[kind] = value


def due(
    said_by_key: dict[str, list[float]], key: str, now: float, every: float = SAY_EVERY
) -> tuple[int, float] | None:
    """Whether a line of ``key`` is said at ``now`` (any clock, the caller's): None when one was
    said less than ``every`` seconds before (this one is counted instead); else how many went
    unsaid since that one and how long ago it was said (0 and infinity the first time).
    ``said_by_key`` holds `_KINDS` keys at most (`remember`): callers' keys are a few fixed
    words, but one made of requests would have kept one each."""
    said = said_by_key.get(key)  # [when, since]
    if said is not None and now - said[0] < every:
        said[1] += 1
        return None
    remember(said_by_key, key, [now, 0])
    return (0, math.inf) if said is None else (int(said[1]), now - said[0])


def _warn(logger: logging.Logger, line: str, unsaid: int) -> None:
    if unsaid:  # (once a window; the count an arg as the line is: lazy, and escaped alike)
        logger.warning("%s (%s more since the last such line)", line, f"{unsaid:,}")
    else:
        logger.warning("%s", line)


def _warn_as_line(kind: str, count: int) -> None:
    """Say the count of a kind without a say of its own, as `Repeats.warn` says one, ``kind``
    as its line: counted without one (``Repeats.unsaid(kind)``) as it is forgotten
    (`Repeats._forget`), or in a copy pickled without one pickle could not take
    (`Repeats.__getstate__`)."""
    _warn(logger, kind, count)


def _picklable(say: SayUnsaid) -> bool:
    """Whether pickle takes ``say`` (`Repeats.__getstate__`)."""
    import pickle  # (only where a Repeats is copied: none at an AWS Lambda cold start)

    try:
        pickle.dumps(say)
    except Exception:  # (PicklingError, AttributeError, TypeError: each its own reason)
        return False
    return True


#: Set as the interpreter exits (`_say_at_exit`): no timer thread started from then on.
_exiting: list[bool] = []
#: Held while `_exiting` is set, and while a timer thread is started after finding it unset
#: (`Repeats._wake`, under its `Repeats`' lock: taken after it, never before).
_exit_lock = threading.Lock()
#: Set once `_say_at_exit` is registered with ``atexit`` (at the first timer thread's start).
_at_exit_put: list[bool] = []


def _say_at_exit() -> None:
    """At the interpreter's exit, before `logging.shutdown` (registered after it, at the first
    timer thread's start: ``atexit`` runs the last registered first), each timer thread stopped
    and its `Repeats`' counts said now. A daemon, it ran on past the exit's start, and said its
    count once logging had shut down, into closed handlers: lost, or a "Logging error" each."""
    with _exit_lock:  # (a timer thread being started is alive once it is let go)
        _exiting.append(True)
    for thread in threading.enumerate():
        if isinstance(thread, _TimerThread):
            thread.cancel()
            repeats = getattr(thread.function, "__self__", None)
            if isinstance(repeats, Repeats):
                repeats.say_unsaid()


class _TimerThread(threading.Timer):
    """`Repeats`' timer where no event loop is at hand (`_off_loop`): a daemon thread that runs
    the timer's function at its time (`threading.Timer`). It stands in the timer's list as its
    loop (`is_running`: alive, as a loop that will run it) and as its handle (``cancel``)."""

    def __init__(self, delay: float, function: Callable[..., object], *args: Any) -> None:
        super().__init__(max(delay, 0.0), function, args)
        self.daemon = True  # (the process's exit waits for no window: `_say_at_exit` says it)
        self.name = "alexaskill-log-repeats"

    def start(self) -> None:
        """Start it; the first, have `_say_at_exit` run at the interpreter's exit."""
        if not _at_exit_put:
            import atexit  # (not at import: an AWS Lambda cold start starts no timer thread)

            _at_exit_put.append(True)
            atexit.register(_say_at_exit)
        super().start()

    def is_running(self) -> bool:
        """Whether it will run, or runs: alive (not in a child forked since: `os.fork`)."""
        return self.is_alive()


def _off_loop() -> bool:
    """Whether a count made here, where no asyncio loop is at hand (neither running here nor
    worked for: `worker_thread`), has a timer thread say it (`_TimerThread`): in a thread not
    the main one (the app's own, a library pool's: anyio's worker threads), or on trio's; not
    in the main thread without a loop (a script's, a test's: the module's docstring)."""
    if threading.current_thread() is not threading.main_thread():
        return True
    trio = sys.modules.get("trio")  # (not imported here: loaded where trio runs)
    if trio is None:
        return False
    try:
        trio.lowlevel.current_trio_token()
    except RuntimeError:  # (no trio run here)
        return False
    return True


def _running_loop() -> Any:
    """The running event loop, None without one."""
    asyncio = sys.modules.get("asyncio")  # (not imported here: an AWS Lambda cold start's ms)
    return None if asyncio is None else asyncio._get_running_loop()


def _call_later(delay: float, callback: Callable[..., object], *args: object) -> Any:
    """``callback(*args)`` in ``delay`` seconds on the running event loop, if there is one:
    its handle, None without one."""
    loop = _running_loop()
    return None if loop is None else loop.call_later(max(delay, 0.0), callback, *args)

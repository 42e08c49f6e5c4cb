"""An event loop held up by a handler's call, said while it lasts: one ERROR naming the handler.

Code that blocks on the event loop's thread (an ``async def`` handler that calls ``time.sleep``
or ``requests``, or computes without awaiting; a ``def`` handler moved there by
`alexaskill.pace` that blocks after all) holds up every request of the process: none is
answered, no deadline acts, no progressive response goes out. Nothing on that thread can say
so until the call returns, and one that never returns was said by nothing at all.

So a thread of its own (one per process, asleep while no request is watched) looks every
`LOOK_EVERY` seconds at the deadline's watchdogs (`alexaskill.deadline.Watchdog`), whose timer
runs every 50 ms while requests are in flight. A loop whose timer has not run for
`HELD_UP_SECONDS`, its thread inside a handler's call (a hook's, an exception handler's, or
the making of their services: what `alexaskill.answering` awaits or `alexaskill.pace` calls),
is said at ERROR once, with the handler and the line it is at. A loop held up elsewhere (a
busy machine's threads starving it of the interpreter's lock) is not said: nothing of the
skill's code is to blame. Only under a deadline (the default): with ``deadline=None`` no
watchdog watches the requests. Only on asyncio loops (uvloop's too): under trio the deadline is
a cancel scope, with no watchdog's timer to read, and a loop held up is said by nothing.

A stall is timed from the timer's last run, but not from before this thread last saw the loop
stopped, or before a look that came `UNSEEN_AFTER` seconds late with the process idle
meanwhile: a loop that does not run (AWS Lambda runs it only during invocations) leaves its
timer's last run behind, and so does a process frozen (Lambda between invocations,
``SIGSTOP``), which this thread could not see stop. A look late with the process busy is a call
holding the interpreter's lock (a regular expression, a C extension's computation): a stall.

A loop is judged by its own timer, and looked at on the thread it runs on at the time
(`thread_of`, and for a uvloop loop held up before its timer ran on that thread, `_held_on`):
one run from several threads in turn (AWS Lambda's, its handler called from a local server's or
tests' threads) is not looked for on the first, nor hidden by another loop running there;
and said only if still held up once that thread's stack is read, by the watchdogs of every
skill on it, one started meanwhile too (`_still_held`).
What raises in the looking thread is said at ERROR (`FAILED_EVERY`) and the looks go on, a
stall said before it not said again.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
import time
import weakref
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any, Final

from .log_repeats import due

if TYPE_CHECKING:
    from asyncio import Task

    from .deadline import Watchdog

__all__ = [
    "FAILED_EVERY",
    "HELD_UP_SECONDS",
    "LOOK_EVERY",
    "UNSEEN_AFTER",
    "asleep",
    "culprit",
    "handler_callers",
    "look_after",
    "thread_of",
    "ticking",
]

logger = logging.getLogger("alexaskill")

#: Seconds a loop's thread may be held up in a handler's call before it is said: well within
#: the deadline (7 s by default), so that it is said while the request can still be answered.
HELD_UP_SECONDS: Final = 2.0
#: Seconds between two looks at the loops, while requests are in flight.
LOOK_EVERY: Final = 0.25
#: Seconds a look may come later than `LOOK_EVERY` before what the loops did meanwhile is
#: taken as unseen, if the process used next to no CPU meanwhile (frozen or stopped).
UNSEEN_AFTER: Final = 1.0
#: Seconds between two ERRORs of the looking thread's own failures, at least.
FAILED_EVERY: Final = 60.0

#: The code of the calls that call a handler on the loop's thread, and the parameter each is
#: given the handler in (`handler_callers`): taken when first needed.
_callers: dict[CodeType, str] | None = None

#: The watchdogs looked after, by weak references without callbacks: a WeakSet's removal of
#: one collected runs in whatever thread collects it, outside `_lock`, and a removal (or an
#: addition by a thread holding another lock: a test's patched one) while the looking thread
#: iterated the set ended it ("Set changed size during iteration"). Added to under `_lock`;
#: the looking thread reads a copy (`_in_flight_now`) and drops the references gone.
_watchdogs: set[weakref.ref[Watchdog]] = set()
_lock = threading.Lock()
#: Set when a watchdog starts ticking: the looking thread wakes.
_wake = threading.Event()
_looking: threading.Thread | None = None
#: Whether the looking thread sleeps, or is about to (no loop it looks after is running): a
#: request then wakes it, even on a loop whose watchdog never stopped ticking (`ticking`).
asleep = False


def look_after(watchdog: Watchdog) -> None:
    """Look after ``watchdog``'s loop from now on (the looking thread starts at the first)."""
    global _looking
    with _lock:
        _watchdogs.add(weakref.ref(watchdog))
        # (A child forked meanwhile has the parent's thread object, not alive in the child.)
        if _looking is None or not _looking.is_alive():
            _looking = threading.Thread(target=_look, name="alexaskill-stalls", daemon=True)
            _looking.start()


def ticking() -> None:
    """A watchdog started ticking, or watches a request while the looking thread sleeps:
    requests are in flight, to be looked after."""
    if not _wake.is_set():  # (set takes the event's lock: skipped while the thread is awake)
        _wake.set()


def _forked() -> None:
    """In a child just forked: a lock and an event of its own (the looking thread, which the
    child has not, may have held the parent's at the fork), and nothing looked after yet."""
    global _lock, _wake, _looking, _watchdogs, asleep
    _lock, _wake, _looking, _watchdogs = (
        threading.Lock(),
        threading.Event(),
        None,
        set(),
    )
    asleep = False


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_forked)


def _look() -> None:
    """The looking thread's body: `_looks`, for the life of the process. What raises in it (a
    loop of a kind whose state cannot be read, a bug of this module) is said at ERROR, at most
    once every `FAILED_EVERY` seconds, and the looks start again: a thread ended by it would
    say no stall again, and no new one starts while the loops it looked after stay. Since when
    each loop in flight was seen running is forgotten (each is timed from the next look: one
    held up is said `HELD_UP_SECONDS` after it at the earliest); the stalls said are kept: one
    still lasting is not said again."""
    failed: dict[str, list[float]] = {}
    said: dict[int, float] = {}  # a loop (its id): when its timer ran last, for a stall said
    while True:
        try:
            _looks(said)
        except Exception as exc:
            if due(failed, "failed", time.perf_counter(), FAILED_EVERY) is not None:
                logger.error(
                    "the thread that says an event loop stalled by a handler's call raised "
                    "%s: %s; it looks on, each loop in flight timed from its next look, the "
                    "stalls it said kept (alexaskill's bug: please report it)",
                    type(exc).__name__,
                    exc,
                    exc_info=exc,
                )
            time.sleep(LOOK_EVERY)


#: A watchdog in flight as a look saw it: when its timer had last run, the requests it watched.
_Seen = tuple["Watchdog", float, tuple["Task[Any]", ...]]


def _looks(said: dict[int, float]) -> None:
    global asleep
    running: dict[int, float] = {}  # a loop (its id): since when it is seen running
    looked, used = time.perf_counter(), time.process_time()
    while True:
        with _lock:
            watchdogs = _in_flight_now()
        if not watchdogs:
            # No loop runs: one that runs again (the next request's, come before the second
            # look) is timed from when it is seen running again, not from before it stopped.
            running.clear()
            asleep = True  # (before the second look: a request after it wakes this thread)
            _wake.clear()
            with _lock:
                idle = not _in_flight_now()
            if idle:  # what the loops do meanwhile is unseen
                _wake.wait()
                looked, used = time.perf_counter(), time.process_time()
            asleep = False
            continue
        time.sleep(LOOK_EVERY)
        now, cpu = time.perf_counter(), time.process_time()
        # (A clock gone back, which perf_counter never does: a test's own put back, what was
        # seen with it ahead of this one.)
        late = now - looked > LOOK_EVERY + UNSEEN_AFTER and cpu - used < (now - looked) / 10
        if late or now < looked:
            running.clear()
        looked, used = now, cpu
        # Each loop judged by its own timer (the latest run of its watchdogs': one a skill),
        # not by its thread's: a uvloop loop names none, and its watchdog the thread its timer
        # last ran on, where another loop may run now, its timer hiding a stall of this one.
        # (With what each of its watchdogs saw then: `_still_held`.)
        loops: dict[int, list[_Seen]] = {}
        for watchdog in watchdogs:
            loop = watchdog.loop
            if not watchdog.ticking or loop.is_closed() or not loop.is_running():
                continue  # (AWS Lambda runs its loop only during an invocation)
            loops.setdefault(id(loop), []).append((watchdog, watchdog.ticked, _watched(watchdog)))
        running = {key: running.get(key, now) for key in loops}
        for key, seen in loops.items():
            watchdog, ticked, _ = max(seen, key=lambda one: one[1])
            held = now - max(ticked, running[key])
            if held < HELD_UP_SECONDS or said.get(key) == ticked:
                continue
            thread = thread_of(watchdog)
            found = culprit(_held_on(watchdog.loop, seen, thread))
            # The stack is read after the loop was judged: a look kept waiting in between (the
            # interpreter's lock) finds the loop run on since, or stopped and its thread in
            # another request's handler, which did not hold it up. Said only if still held.
            if found is None or not _still_held(seen, watchdog, thread):
                continue
            said[key] = ticked
            name, line, filename = found
            logger.error(
                "the event loop has been held up for %.1f s by %s, at line %d of %s: no "
                "request of this process is answered, and no deadline acts, until it lets go. "
                "Blocking code (time.sleep, requests, a database driver, long computation) "
                "does not belong on the loop's thread: in an async def, await it in a thread "
                "(await asyncio.to_thread(...)); a def handler: mark it @blocking",
                held,
                name,
                line,
                filename,
            )


def _in_flight_now() -> list[Watchdog]:
    """The watchdogs looked after whose requests are in flight (`_in_flight`), the references
    to those collected dropped; under `_lock`. Read from a copy of the set (``tuple`` copies it
    at once, no other thread running meanwhile): what is added meanwhile is seen next time."""
    found = []
    for ref in tuple(_watchdogs):
        watchdog = ref()
        if watchdog is None:
            _watchdogs.discard(ref)
        elif _in_flight(watchdog):
            found.append(watchdog)
    return found


def _in_flight(watchdog: Watchdog) -> bool:
    """Whether ``watchdog`` watches requests: its timer ticking, on a loop that runs. One
    closed with the timer pending (a test client's, a stopped server's) never runs again; one
    stopped (AWS Lambda's, between invocations) runs again for a request, which wakes this
    thread (`ticking`): it did not look at it every `LOOK_EVERY` seconds meanwhile."""
    loop = watchdog.loop
    return watchdog.ticking and not loop.is_closed() and loop.is_running()


def _still_held(seen: list[_Seen], latest: Watchdog, thread: int) -> bool:
    """Whether a loop found held up on ``thread``, its watchdogs in flight as ``seen`` (one a
    skill; ``latest`` the one whose timer ran last), still is: each of them in flight, its timer
    not run since, the same requests watched, and no other in flight on it (`_joined`); the
    loop on that thread. All of them, not ``latest`` alone: a loop that ran on since ran the
    timer due first (another skill's), or ended and began that one's requests, or began the
    first request of a skill that had none. A loop held up runs none of its requests to an end
    and starts none; one stopped and run again on that thread, its timers not run yet (AWS
    Lambda's, the process frozen after an invocation and thawed for the next), does."""
    return (
        thread_of(latest) == thread
        and all(
            _in_flight(watchdog) and watchdog.ticked == ticked and _watched(watchdog) == watched
            for watchdog, ticked, watched in seen
        )
        and not _joined(seen, latest.loop)
    )


def _joined(seen: list[_Seen], loop: object) -> bool:
    """Whether a watchdog of ``loop`` not among ``seen`` is in flight: started since they were
    read, as the loop began that skill's request (their timers, due, in its next run)."""
    known = {id(watchdog) for watchdog, _, _ in seen}
    # Read without `_lock`, mid-look: ``tuple`` copies the set at once, and nothing is dropped
    # from it here (`_in_flight_now` does that, under the lock, at the next look).
    others = [watchdog for ref in tuple(_watchdogs) if (watchdog := ref()) is not None]
    return any(
        watchdog.loop is loop and id(watchdog) not in known and _in_flight(watchdog)
        for watchdog in others
    )


def _watched(watchdog: Watchdog) -> tuple[Task[Any], ...]:
    """The tasks of the requests ``watchdog`` watches, those its deadline cancelled too.
    (Copied at once, no other thread running meanwhile; a loop held up adds none.)"""
    return (*tuple(watchdog._deadlines), *tuple(watchdog._expired))


def thread_of(watchdog: Watchdog) -> int:
    """The thread ``watchdog``'s loop runs on: an asyncio loop's own ``_thread_id`` (set by
    ``run_forever`` on the thread that runs it), read here rather than noted at each request;
    for another loop (uvloop's, which shows none), the one its timer last saw
    (`alexaskill.deadline.Watchdog.thread`; at a stall, `_held_on` looks further)."""
    return getattr(watchdog.loop, "_thread_id", None) or watchdog.thread


def _held_on(loop: object, seen: list[_Seen], thread: int) -> int:
    """The thread ``loop``, held up, is held on, its watchdogs in flight as ``seen``, `thread_of`
    the latest being ``thread``: that one for an asyncio loop (its own ``_thread_id``). A loop
    that shows none (uvloop's) may have been stopped with its timers pending and run since on
    another thread, on which no timer has run yet (held up from the start): the thread running
    one of the requests its watchdogs watched (any skill's: the latest's may have none
    running), whose task's frame is on its stack, if one is; else ``thread``. Looked for here,
    at a stall, rather than noted at each request (`alexaskill.deadline.watch`), which costs
    every request a ``get_ident()``."""
    if hasattr(loop, "_thread_id"):
        return thread
    coros = [task.get_coro() for _, _, watched in seen for task in watched]
    frames = {id(frame) for coro in coros if (frame := getattr(coro, "cr_frame", None))}
    if not frames:
        return thread
    for ident, frame in sys._current_frames().items():
        while frame is not None:
            if id(frame) in frames:
                return ident
            frame = frame.f_back
    return thread


def handler_callers() -> dict[CodeType, str]:
    """The code of the calls that call a handler (or hook, or service maker) on the loop's
    thread, `alexaskill.answering.Answering._invoke` and `alexaskill.pace.Pace.call`, each with
    the parameter it is given the handler in: the frame such a call makes is the handler's.
    Their code objects, not their names, so that a rename fails here rather than finding no
    handler, and no other function of the name is taken for them. Imported at the first use
    (only a call that overruns needs them): answering imports the deadline, which imports this
    module."""
    global _callers
    if _callers is None:
        from .answering import Answering
        from .pace import Pace

        _callers = {Answering._invoke.__code__: "handler", Pace.call.__code__: "func"}
    return _callers


def culprit(thread: int) -> tuple[str, int, str] | None:
    """The handler (or hook, or service maker) thread ``thread`` is in the call of, by module
    and qualified name, with the line it is at and its file; None if it is in none. For a
    service alexaskill makes, the code not alexaskill's that it runs (a store's ``load``)."""
    callers = handler_callers()
    frame: FrameType | None = sys._current_frames().get(thread)
    theirs: FrameType | None = None  # the outermost frame met that is not alexaskill's
    inner: list[FrameType] = []  # the frames met, innermost first
    while frame is not None:
        back = frame.f_back
        if back is not None and back.f_code in callers:
            if theirs is not None and _ours(frame):
                frame = theirs
            else:  # a decorator's wrapper: the handler it wraps, and its line
                frame = _decorated(back, inner) or frame
            # Named as registration's messages name it (a file the command line imported
            # under a name of its own: ``my-skill.py:launch``).
            from .handler_signature import module_shown

            module = str(frame.f_globals.get("__name__") or "?")
            code = frame.f_code
            return f"{module_shown(module)}{code.co_qualname}", frame.f_lineno, code.co_filename
        if not _ours(frame):
            theirs = frame
        inner.append(frame)
        frame = back
    return None


def _decorated(caller: FrameType, inner: list[FrameType]) -> FrameType | None:
    """Among ``inner`` (the frames within the call ``caller`` makes), the one of the function
    a decorator's wrapper wraps (`functools.wraps`' ``__wrapped__``), if the call is of such a
    wrapper: the handler, named as registered (`alexaskill.handler_signature.describe`)."""
    try:
        called = caller.f_locals.get(handler_callers()[caller.f_code])
    except Exception:  # (a frame's locals, read from another thread: best effort)
        return None
    called = getattr(called, "func", called)  # `_invoke`'s Handler, a functools.partial
    if not callable(called):
        return None
    try:
        code = getattr(inspect.unwrap(called), "__code__", None)
    except ValueError:  # a cycle of __wrapped__
        return None
    if code is None or code is getattr(called, "__code__", None):
        return None  # no wrapper
    return next((frame for frame in inner if frame.f_code is code), None)


#: This package's name ("alexaskill"; another if loaded beside it, as benchmarks/before_after.py
#: loads a checkout: its own frames are its own there too).
_PACKAGE: Final = __name__.partition(".")[0]


def _ours(frame: FrameType) -> bool:
    module = str(frame.f_globals.get("__name__", ""))
    return module == _PACKAGE or module.startswith(f"{_PACKAGE}.")

"""Where a ``def`` handler runs: in worker threads until its calls prove quick, then inline.

A ``def`` handler may block (a database driver, ``requests``, ``time.sleep``), so its calls
start in worker threads (`alexaskill.threads`), and a call that blocks never holds up the event
loop. But the hop to a thread and back is most of what a quick handler costs: under load (32
requests in flight) the event loop's thread and the workers hand the GIL to each other on
every call, ~160 µs of CPU a request on the benchmark's machine, a third of all the server
does (benchmarks/README.md, issue 14). So each handler keeps a `Pace`:

- **Probation.** Its calls run in worker threads, each timed there, until `PROBATION` of them
  took under `QUICK_SECONDS`. Slower calls do not count, nor end the probation: under load a
  quick call in a thread is now and then stretched past the limit, waiting for the
  interpreter's lock. A handler that blocks on every call never leaves the threads.
- **Inline.** Then the handler is called on the event loop's thread, like an ``async def``
  handler that never awaits; every call is still timed.
- **Back to threads for good** on an inline call that held up the loop `STALL_SECONDS` or
  more (a cache miss that went to the network, say), with a warning. Nothing can interrupt a
  call on the loop's thread: for as long as it blocks, no other request is answered, no
  deadline acts and no progressive response goes out. So a handler does that once at most in
  the life of the process; it pays the hop from then on, the safe default.
- **Back to threads for a while** on an inline call that held up the loop `QUICK_SECONDS` or
  more but less than `STALL_SECONDS` (a short wait; or the machine stretching a quick call:
  in the load benchmark, ~3 ms of CPU time with no cause in the handler, once in some 200,000
  requests). The handler starts a probation twice as long as its last (up to
  `LONGEST_PROBATION`), so such calls hold up the loop a few times in all, each briefly.
  After `FORGIVEN_AFTER` inline calls in a row that did not, the probation halves again.
- **Back to threads for good** on an inline call that raised `RuntimeError`: what
  ``asyncio.run``, ``anyio.from_thread`` and `alexaskill.threads.run_in_loop` raise on the
  loop's thread (that request got the apology); not its subclasses `NotImplementedError` and
  `RecursionError`, a handler's own bugs.

What counts as holding up the loop, where the OS tells (Linux): the call waited in the kernel
(a voluntary context switch: it slept, or waited for I/O or a lock) or its own CPU time reached
`QUICK_SECONDS`; a call whose wall time the OS alone stretched, taking the CPU from it on a busy
machine, did not. Elsewhere the wall clock decides. (Each inline call reads the thread's
context switches and CPU time before it: two system calls, ~0.7 µs of CPU here.)

What stays in threads whatever the timing: an exception handler (called seldom; quick for one
error, it may block for another, and for `DeadlineExceeded` its time is the deadline's grace),
a handler marked `blocking`, a ``def`` wrapper of an ``async def`` handler (a decorator's,
which may run the coroutine with ``asyncio.run``), a handler that asks for a service with a
``call_sync`` method (`AlexaApi`: its ``call_sync`` and ``progressive_sync`` reach the loop
from the worker thread), a handler whose own code names ``run_coroutine_threadsafe``,
``run_in_loop`` or ``from_thread`` (waiting on the loop's own thread for the loop would hang
every request for good: `_waits_for_the_loop`) or runs an event loop of its own
(``asyncio.run``, ``run_until_complete``: they raise there), and every handler of a
``Skill(def_handlers="threads")``, which keeps Starlette's rule that a ``def`` never runs on
the loop. An inline call runs in a copy of the request's context variables, as a thread's does.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

__all__ = [
    "FORGIVEN_AFTER",
    "LONGEST_PROBATION",
    "PROBATION",
    "QUICK_SECONDS",
    "STALL_SECONDS",
    "Pace",
    "blocking",
    "is_blocking",
]

logger = logging.getLogger("alexaskill")

F = TypeVar("F", bound=Callable[..., Any])

#: Quick calls (under `QUICK_SECONDS`) a handler makes in worker threads before it runs inline.
PROBATION: Final = 8
#: The longest probation, after a handler was sent back to threads several times.
LONGEST_PROBATION: Final = PROBATION * 2**10
#: Inline calls in a row that did not hold up the loop, after which the probation halves.
FORGIVEN_AFTER: Final = 1024
#: A call this long (seconds, wall clock) or longer is slow.
QUICK_SECONDS: Final = 0.002
#: An inline call that held up the loop this long or longer sends its handler to worker threads
#: for good, with a warning (a shorter one: for a probation, at INFO).
STALL_SECONDS: Final = 0.02

_MARK: Final = "__alexaskill_blocking__"


def blocking(func: F) -> F:
    """Mark a ``def`` handler (or hook) to run in a worker thread on every call, never inline.

    For a handler that blocks only now and then (a cache that goes to the network when it
    misses), which could otherwise run inline once its first calls proved quick::

        @skill.intent("GetWeather")
        @blocking
        def get_weather(city: str) -> Response: ...

    Either order of the two decorators works.
    """
    setattr(func, _MARK, True)
    return func


def is_blocking(func: Callable[..., Any]) -> bool:
    """Whether ``func`` was marked with `blocking`."""
    return bool(getattr(func, _MARK, False))


class Pace:
    """One ``def`` handler's record of how long its calls take, and so where the next one runs.

    Shared by the calls of the handler, in whatever threads they run: the counts are updated
    without a lock, and a lost update only delays the handler's move inline by a call.
    """

    __slots__ = ("func", "inline", "pinned", "probation", "quick_calls", "streak")

    def __init__(self, func: Callable[..., Any], *, pinned: bool = False) -> None:
        #: The handler's function (what `blocking` marks).
        self.func = func
        #: Runs in worker threads whatever its calls take (marked, or it needs a thread). A
        #: def wrapper of an async def handler needs one: on the loop's thread, the
        #: ``asyncio.run`` it runs the coroutine with raises. So does one whose code waits for
        #: the event loop from its thread (`_waits_for_the_loop`).
        self.pinned = pinned or _wraps_a_coroutine_function(func) or _waits_for_the_loop(func)
        #: Quick calls in threads this probation needs, and those made so far.
        self.probation = PROBATION
        self.quick_calls = 0
        #: Called on the event loop's thread now.
        self.inline = False
        #: Inline calls in a row that did not hold up the loop.
        self.streak = 0

    def observe(self, seconds: float) -> None:
        """A call in a worker thread took ``seconds``: move the handler inline if it is time."""
        if self.pinned or self.inline or seconds >= QUICK_SECONDS:
            return
        self.quick_calls += 1
        if self.quick_calls >= self.probation:
            # The mark is read now rather than when the handler was registered, so that
            # @blocking works above the registering decorator too.
            if is_blocking(self.func):
                self.pinned = True
            else:
                self.inline = True

    def call(self, func: Callable[..., Any], kwargs: dict[str, Any], name: str) -> Any:
        """``func(**kwargs)`` on this (the event loop's) thread, timed; its result."""
        before = _usage()
        cpu = _thread_time()
        started = time.perf_counter()
        try:
            return contextvars.copy_context().run(func, **kwargs)
        except (NotImplementedError, RecursionError):
            raise  # RuntimeErrors, but a bug of the handler's: no sign that it needs a thread
        except RuntimeError as exc:
            self.inline = False
            self.pinned = True
            logger.warning(
                "%s raised RuntimeError on the event loop's thread (%s); its calls run in "
                "worker threads from now on. Mark it @blocking if it needs one.",
                name,
                _said(exc),
            )
            raise
        finally:
            took = time.perf_counter() - started
            if took >= QUICK_SECONDS and self.inline and _held_up(before, cpu):
                self._back_to_threads(name, took)
            else:
                self.streak += 1
                if self.streak >= FORGIVEN_AFTER and self.probation > PROBATION:
                    self.probation //= 2
                    self.streak = 0

    def _back_to_threads(self, name: str, took: float) -> None:
        self.inline = False
        self.quick_calls = self.streak = 0
        if took >= STALL_SECONDS:
            self.pinned = True
            logger.warning(
                "%s took %.1f ms on the event loop's thread, holding up every other request "
                "meanwhile (no deadline could act); its calls run in worker threads from now "
                "on. Mark it @blocking (or make it async def) if it may block.",
                name,
                took * 1000,
            )
            return
        self.probation = min(self.probation * 2, LONGEST_PROBATION)
        logger.info(
            "%s took %.1f ms on the event loop's thread, holding up every other request "
            "meanwhile; it runs in worker threads until %d more calls have been quick (a call "
            "that holds up the loop %.0f ms or more keeps it there for good). Mark it @blocking "
            "(or make it async def) if it may block.",
            name,
            took * 1000,
            self.probation,
            STALL_SECONDS * 1000,
        )


def _said(exc: BaseException) -> str:
    """``str(exc)`` for a log line, or what it is when its ``__str__`` raises (a handler's
    exception: the line must not fail in turn, and be lost)."""
    try:
        return str(exc)
    except Exception:
        return f"<{type(exc).__name__}: its str() failed>"


def _wraps_a_coroutine_function(func: Callable[..., Any]) -> bool:
    # Imported here: `blocking` alone needs none of it.
    from .handler_signature import wrapped_coroutine_function

    return wrapped_coroutine_function(func) is not None


#: Names that, in a handler's code, reach the event loop from its thread and wait for it:
#: ``asyncio.run_coroutine_threadsafe(...).result()`` on the loop's own thread waits for ever
#: (for the loop it holds up), and `alexaskill.threads.run_in_loop` and anyio's ``from_thread``
#: raise there; or that run an event loop of its own, which raises there too.
_LOOP_HOPS: Final = frozenset(
    ("run_coroutine_threadsafe", "run_in_loop", "from_thread", "run_until_complete")
)
#: Modules whose ``run`` (``asyncio.run(main())``) runs an event loop.
_LOOP_RUNNERS: Final = frozenset(("asyncio", "anyio", "trio"))


def _waits_for_the_loop(func: Callable[..., Any]) -> bool:
    """Whether ``func``'s code (a partial's function, an object's ``__call__``, what a
    `functools.wraps` decorator wraps, and the functions defined in it) names one of
    `_LOOP_HOPS`, or ``run`` beside one of `_LOOP_RUNNERS`, a module global by what it is
    (``from asyncio import run``, ``import asyncio as aio``). Seen at registration, not in the
    calls: what a helper it calls does is not seen (mark the handler `blocking`)."""
    while isinstance(func, functools.partial):
        func = func.func
    if not hasattr(func, "__code__") and not isinstance(func, type):
        func = getattr(type(func), "__call__", func)  # noqa: B004
    codes: list[tuple[Any, Mapping[str, Any]]] = []
    seen: set[int] = set()
    link: Any = func
    while link is not None and id(link) not in seen:  # the __wrapped__ chain, once round
        seen.add(id(link))
        link = getattr(link, "__func__", link)  # a method's function
        code = getattr(link, "__code__", None)
        if code is not None:
            namespace = getattr(link, "__globals__", None)
            codes.append((code, namespace if isinstance(namespace, dict) else {}))
        link = getattr(link, "__wrapped__", None)
    while codes:
        code, namespace = codes.pop()
        names = {*code.co_names, *_imported_as(code.co_names, namespace)}
        if not _LOOP_HOPS.isdisjoint(names):
            return True
        if "run" in names and not _LOOP_RUNNERS.isdisjoint(names):
            return True
        codes.extend((const, namespace) for const in code.co_consts if hasattr(const, "co_names"))
    return False


def _imported_as(names: Iterable[str], namespace: Mapping[str, Any]) -> set[str]:
    """The names that the module globals among ``names`` have themselves: a module imported
    under another (``import asyncio as aio``: "asyncio"), a function imported by name (``from
    asyncio import run``: "run" and "asyncio", its module's package)."""
    found: set[str] = set()
    for name in names:
        value: Any = namespace.get(name)
        # type(), not isinstance(): isinstance asks a value of no matching type for its
        # __class__, which a lazy proxy not yet bound (werkzeug's LocalProxy) raises for.
        kind = type(value)
        if issubclass(kind, types.ModuleType):
            found.add(value.__name__.rpartition(".")[2])
        elif kind is types.FunctionType and value.__name__ in _LOOP_HOPS | {"run"}:
            found.update((value.__name__, str(value.__module__).partition(".")[0]))
    return found


def _held_up(before: Any, cpu: float) -> bool:
    """Whether a call that took `QUICK_SECONDS` or more, begun at usage ``before`` and thread
    CPU time ``cpu``, held up the loop: it waited in the kernel (it slept, or waited for I/O or a
    lock: a voluntary context switch), or its own CPU time reached `QUICK_SECONDS` (it
    computed, however often the OS took the CPU from it meanwhile). A call whose wall time the
    OS alone stretched (on a busy machine: a few ms now and then), its CPU time short, did not.
    (The CPU time from the thread's clock, exact to the nanosecond on Linux: getrusage's counts
    it in ticks of 4 ms or so, too coarse for a 2 ms limit.)"""
    if before is None:  # no per-thread usage here (not Linux): the wall clock decides
        return True
    if _thread_time() - cpu >= QUICK_SECONDS:
        return True
    return bool(_usage().ru_nvcsw > before.ru_nvcsw)


def _no_usage() -> None:
    return None


#: This thread's resource usage (its context switches), or None where the OS does not tell it:
#: Windows has no resource module, macOS no per-thread usage.
_usage: Callable[[], Any] = _no_usage
try:
    import resource

    _usage = functools.partial(resource.getrusage, resource.RUSAGE_THREAD)
except (ImportError, AttributeError):
    pass
#: This thread's CPU time (seconds).
_thread_time: Final = time.thread_time

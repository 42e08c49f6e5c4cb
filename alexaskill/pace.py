"""Where a ``def`` handler runs: in worker threads until its calls prove quick, then inline.

A ``def`` handler may block (a database driver, ``requests``, ``time.sleep``), so its calls
start in worker threads (`alexaskill.threads`), and a call that blocks never holds up the event
loop. But the hop to a thread and back is most of what a quick handler costs: under load (32
requests in flight) the event loop's thread and the workers hand the GIL to each other on
every call, ~160 µs of CPU a request on the benchmark's machine, a third of all the server
does (benchmarks/README.md, issue 14). So each handler keeps a `Pace`:

- **Probation.** Its calls run in worker threads, each timed there, until `PROBATION` of them
  took under `QUICK_SECONDS`; a handler that made `PROBATION` slower calls first (it blocks, or
  computes for long) stays in threads for good. A handler that blocks on every call never
  leaves them. (A slow call does not end the probation by itself: under load, a quick call in
  a thread is now and then stretched past the limit by waiting for the interpreter's lock.)
- **Inline.** Then the handler is called on the event loop's thread, like an ``async def``
  handler that never awaits; every call is still timed.
- **Back to threads, for good,** on the first inline call that took `QUICK_SECONDS` or more (a
  cache miss that went to the network, say: that one call did hold up the loop, and is logged
  as a warning), or that raised `RuntimeError` (what ``asyncio.run``, ``anyio.from_thread`` and
  `alexaskill.threads.run_in_loop` raise on the loop's thread: that request got the apology).

What stays in threads whatever the timing: a handler marked `blocking`, a handler that asks for
a service with a ``call_sync`` method (`AlexaApi`: its ``call_sync`` and ``progressive_sync``
reach the loop from the worker thread), and every handler of a
``Skill(def_handlers="threads")``, which keeps Starlette's rule that a ``def`` never runs on
the loop. An inline call runs in a copy of the request's context variables, as a thread's does.

Timing is not exact (a garbage collection or the OS may stretch a quick call past the limit): a
wrong verdict only ever moves a handler to threads, never a slow one to the loop.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

__all__ = ["PROBATION", "QUICK_SECONDS", "Pace", "blocking", "is_blocking"]

logger = logging.getLogger("alexaskill")

F = TypeVar("F", bound=Callable[..., Any])

#: Quick calls (under `QUICK_SECONDS`) a handler makes in worker threads before it runs inline;
#: as many slow ones first keep it in threads for good.
PROBATION: Final = 8
#: A call this long (seconds, wall clock) or longer sends its handler to worker threads for good.
QUICK_SECONDS: Final = 0.002

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

    __slots__ = ("func", "inline", "pinned", "quick_calls", "slow_calls")

    def __init__(self, func: Callable[..., Any], *, pinned: bool = False) -> None:
        #: The handler's function (what `blocking` marks).
        self.func = func
        #: Runs in worker threads whatever its calls take (marked, or it needs a thread).
        self.pinned = pinned
        #: Calls in threads that took under `QUICK_SECONDS`, and those that did not.
        self.quick_calls = 0
        self.slow_calls = 0
        #: Called on the event loop's thread now.
        self.inline = False

    def observe(self, seconds: float) -> None:
        """A call in a worker thread took ``seconds``: move the handler inline if it is time."""
        if self.pinned:
            return
        if seconds >= QUICK_SECONDS:
            # Not at once to threads for good: under load a quick call in a thread is now and
            # then stretched past the limit, waiting for the interpreter's lock the event loop
            # holds (for up to sys.getswitchinterval(), 5 ms). A handler that blocks makes no
            # quick calls.
            self.slow_calls += 1
            if self.slow_calls >= PROBATION:
                self.pinned = True
            return
        self.quick_calls += 1
        if self.quick_calls >= PROBATION:
            # The mark is read now rather than when the handler was registered, so that
            # @blocking works above the registering decorator too.
            if is_blocking(self.func):
                self.pinned = True
            else:
                self.inline = True

    def call(self, func: Callable[..., Any], kwargs: dict[str, Any], name: str) -> Any:
        """``func(**kwargs)`` on this (the event loop's) thread, timed; its result."""
        started = time.perf_counter()
        try:
            return contextvars.copy_context().run(func, **kwargs)
        except RuntimeError as exc:
            self._to_threads()
            logger.warning(
                "%s raised RuntimeError on the event loop's thread (%s); its calls run in "
                "worker threads from now on. Mark it @blocking if it needs one.",
                name,
                exc,
            )
            raise
        finally:
            took = time.perf_counter() - started
            if took >= QUICK_SECONDS and self.inline:
                self._to_threads()
                logger.warning(
                    "%s took %.0f ms on the event loop's thread, holding up every other request "
                    "meanwhile; its calls run in worker threads from now on. Mark it @blocking "
                    "(or make it async def) if it may block.",
                    name,
                    took * 1000,
                )

    def _to_threads(self) -> None:
        self.inline = False
        self.pinned = True

"""The event loop of ``alexaskill serve``'s servers (uvicorn's ``--loop``, as serve gives it).

Its own module, imported by uvicorn alone: concurrent.futures' thread pool, which it subclasses,
imports ``queue`` and ``threading``, and the other commands (``replay``, ``request``) import
`serve_exit` without a server to run: a ``queue.py`` of the skill's directory is then said as
shadowing where it breaks a framework import, not taken in before the directory is searched."""

from __future__ import annotations

import asyncio
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

__all__ = ["new_event_loop", "of_its_executors"]

#: The worker threads of the default executors `new_event_loop` made in this process (None
#: until it has made one): serve_exit tells them by identity, where a name (``asyncio_0``) is
#: also that of a pool the app made with ``thread_name_prefix="asyncio"``. Weak: a thread that
#: has ended leaves it (a running one is held by threading's own table).
_THREADS: weakref.WeakSet[threading.Thread] | None = None


def of_its_executors(thread: threading.Thread) -> bool | None:
    """Whether ``thread`` is a worker thread of a default executor `new_event_loop` made, or
    None where it made none in this process (the loop is not serve's: a name must tell it)."""
    return None if _THREADS is None else thread in _THREADS


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop of serve's servers (uvicorn's ``--loop``, as serve gives it):
    `alexaskill.loops.new_event_loop`'s, its default executor (``asyncio.to_thread``,
    ``loop.run_in_executor(None, …)``) one its close does not wait for. Its
    ``shutdown_default_executor`` shuts down that executor alone: one the app sets in its place
    (``loop.set_default_executor``) is shut down by the loop's close, without waiting (asyncio's
    and uvloop's), so left to the exit bound as well."""
    from ..loops import new_event_loop as handshakes_bounded

    global _THREADS
    loop = handshakes_bounded()
    if _THREADS is None:
        _THREADS = weakref.WeakSet()
    # Named as asyncio names its own (uvloop's are uvloop_0): the name of a thread said holding.
    executor = _ThreadsKnown(thread_name_prefix="asyncio")
    loop.set_default_executor(executor)

    async def shutdown_default_executor(timeout: float | None = None) -> None:
        executor.shutdown(wait=False)

    # asyncio.run, uvicorn's run of its server, awaits this as it closes the loop: asyncio's and
    # uvloop's own wait there for each of the executor's threads, in a thread they start for it.
    # One in a blocking call that never returns (``await asyncio.to_thread(...)`` in an async
    # handler) held the process for ever, before its exit bound was armed; and a second Ctrl-C
    # landing in that thread's start, at every server's end, was a KeyboardInterrupt's
    # traceback. A call under way is waited for at exit instead (where concurrent.futures joins
    # its threads, before Python waits for the others), within that bound
    # (`serve_exit.exit_bounded`), and said; one that ends in time ends as it did. (The loop's
    # close shuts it down without waiting too. A loop has a __dict__, uvloop's too: loops.py.)
    loop.shutdown_default_executor = shutdown_default_executor  # type: ignore[method-assign]
    return loop


class _ThreadsKnown(ThreadPoolExecutor):
    """An event loop's default executor whose worker threads serve_exit tells by identity
    (`of_its_executors`), whatever their names."""

    def _adjust_thread_count(self) -> None:
        super()._adjust_thread_count()
        if _THREADS is not None:  # (set before new_event_loop makes one)
            _THREADS.update(self._threads)

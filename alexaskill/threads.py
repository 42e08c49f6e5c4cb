"""Worker threads for `def` handlers: a cheaper hop off the event loop than anyio's, and back.

A ``def`` handler may block (a database driver, ``requests``, ``time.sleep``), so its calls
start in worker threads: `run_sync` runs one there and awaits its result, timing it for
`alexaskill.pace`, which moves a handler whose calls proved quick onto the loop's thread. The
hop is what Starlette's ``run_in_threadpool`` does, for a fraction of its cost:
``benchmarks/bench_dispatch.py`` measures both in the same run.

- **Why not anyio's.** ``anyio.to_thread.run_sync`` takes a capacity-limiter token, opens a
  cancel scope and hands the call over through an idle-worker deque and a ``queue.Queue``:
  about 100 µs of CPU a call in a busy server, a quarter of what a core spent on a request. Here
  a call is one ``queue.SimpleQueue.put`` (C code), the worker's call under a copy of the
  caller's ``contextvars`` context, and one ``loop.call_soon_threadsafe`` that sets the future.
- **As many threads as calls wait**, up to ``max_workers`` (40, anyio's default), started on
  demand and stopped after ``idle_seconds`` unused: 20 handlers sleeping at once take 20 threads
  and the time of one sleep.
- **Back to the loop.** A handler in a worker thread can run a coroutine on the loop that
  awaits it with `run_in_loop` (what `AlexaApi.progressive_sync` does).
- **Cancellation** (a deadline around the handler) cancels the wait, not the call: the thread
  finishes the function and its result is dropped, as with anyio. A call still waiting for a
  thread when its wait is cancelled is not run at all, and its job lets go of what it holds
  (the arguments, the request's envelope, a copy of the context) at once, not when a thread
  takes it: with every thread stuck, that would be never.
- **All busy.** Calls beyond ``max_workers`` wait for a thread; the pool is one per process,
  so a slow dependency that holds every thread makes every ``def`` handler of every skill wait.
  That is logged as a WARNING, once every `BUSY_WARNING_EVERY` seconds at most, with how many
  calls wait. A thread the OS refuses to start ("can't start new thread") is not counted, and
  its call waits for the threads alive (with a WARNING), or, with none, raises in its caller.
- **Given up on.** A thread whose caller gave up on its call (the deadline answered the user)
  while the call runs no longer counts against ``max_workers``: a handler that never returns
  would otherwise keep its thread for ever, and enough of them would leave no thread for any
  other call. The next calls get threads of their own. If its call ever ends, the stuck thread
  rejoins the pool, or ends if ``max_workers`` others count against the cap by then (never
  more than ``max_workers`` calls at once). At most ``max_abandoned`` (`MAX_ABANDONED`)
  threads at once are not counted: past that (every call of a handler that hangs takes
  another thread), they count again, and an ERROR says so once every `BUSY_WARNING_EVERY`
  seconds at most.
- Only asyncio loops (uvicorn's, uvloop); under another event loop (trio) `run_sync` uses
  anyio's threads instead, a call given up on when its request is cancelled (its deadline).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .log_repeats import due, worker_thread

if TYPE_CHECKING:
    from .pace import Pace

__all__ = [
    "BUSY_WARNING_EVERY",
    "IDLE_SECONDS",
    "MAX_ABANDONED",
    "MAX_WORKERS",
    "NotAWorkerThread",
    "WorkerPool",
    "run_in_loop",
    "run_sync",
]

logger = logging.getLogger("alexaskill")

T = TypeVar("T")

#: Worker threads at most, as anyio's default capacity limiter allows.
MAX_WORKERS: Final = 40
#: A worker unused this long (seconds) stops.
IDLE_SECONDS: Final = 10.0
#: Calls waiting for a thread, all of them busy, are logged at most once in this many seconds.
BUSY_WARNING_EVERY: Final = 10.0
#: Threads at most, running calls their callers gave up on, that are not counted against
#: ``max_workers``. A thread stuck in a call costs little (its stack's pages are touched only as
#: deep as it went); this many means a handler that hangs on every call.
MAX_ABANDONED: Final = 100

#: [loop, future, context, func, kwargs, pace]: a list, emptied when its caller gives up
#: before a thread took it. A thread that takes it appends `_RUNNING`; a caller that gives up
#: on it then makes it ``[_ABANDONED]``, and the thread empties it when the call ends.
_Job = list[Any]
_RUNNING: Final = "running"
_ABANDONED: Final = "abandoned"

# The loop a worker thread runs a call for: log_repeats' (below this module), so that a count
# made in the call sets its timer there, at no cost beyond the one attribute set here.
_here = worker_thread


class WorkerPool:
    """Threads that run functions for coroutines on asyncio event loops (any loop, any number).

    ``await pool.run(func, kwargs)`` calls ``func(**kwargs)`` in a worker thread and returns its
    result or raises its exception.
    """

    def __init__(
        self,
        max_workers: int = MAX_WORKERS,
        idle_seconds: float = IDLE_SECONDS,
        max_abandoned: int = MAX_ABANDONED,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if max_abandoned < 0:
            raise ValueError("max_abandoned must be at least 0")
        self.max_workers = max_workers
        self.idle_seconds = idle_seconds
        self.max_abandoned = max_abandoned
        self._reset()

    def _reset(self) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        #: Threads alive; threads waiting for a job less jobs waiting for a thread.
        self._threads = 0
        self._idle = 0
        #: Threads running calls their callers gave up on, not counted against max_workers.
        self._abandoned = 0
        #: When calls waiting for a thread, a thread that did not start, and the threads given
        #: up on at their bound were last logged (`time.monotonic`; `due`'s keys).
        self._said: dict[str, list[float]] = {}

    @property
    def threads(self) -> int:
        """How many worker threads are alive."""
        return self._threads

    @property
    def abandoned(self) -> int:
        """How many of them run a call its caller gave up on, not counted against the cap."""
        return self._abandoned

    async def run(
        self, func: Callable[..., T], kwargs: dict[str, Any], pace: Pace | None = None
    ) -> T:
        """``func(**kwargs)`` in a worker thread, awaited; under the caller's context variables.

        With ``pace``, the call is timed in the thread and ``pace`` told how long it took.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        start = False
        waiting = 0
        with self._lock:
            # Each job claims a waiting thread or, when none is left, starts one (up to the cap),
            # so that a burst of blocking calls runs at once rather than one after another.
            self._idle -= 1
            if self._idle < 0:
                if self._threads - self._abandoned < self.max_workers:
                    self._threads += 1
                    self._idle += 1
                    start = True
                else:
                    waiting = -self._idle
        job = [loop, future, contextvars.copy_context(), func, kwargs, pace]
        self._jobs.put(job)
        if start:
            try:
                threading.Thread(target=self._work, name="alexaskill-worker", daemon=True).start()
            except BaseException as exc:
                if not self._not_started(exc):
                    job.clear()  # never to run: its caller gets the exception
                    raise
        elif waiting:
            self._busy(waiting)
        try:
            return await future
        except BaseException:
            # Cancelled (a deadline passed), the job perhaps still queued: what it holds goes
            # now. (The thread that takes an emptied job skips it; one running it has its own
            # references.) Raised by the call: the thread is done with it already.
            if not (future.cancelled() and len(job) > 6 and self._abandon(job)):
                job.clear()
            raise

    def _abandon(self, job: _Job) -> bool:
        """Its caller gave up on ``job``, which a thread took: unless the call has ended
        meanwhile, that thread no longer counts against the cap (up to `max_abandoned`), and
        a call that waits for a thread gets one. Whether it was so (``job`` is then
        ``[_ABANDONED]``, for the thread to see when the call ends)."""
        with self._lock:
            if len(job) <= 6:  # the call ended (the thread emptied the job under this lock)
                return False
            if self._abandoned >= self.max_abandoned:
                stuck, bounded = self._abandoned + 1, True
            else:
                job[:] = [_ABANDONED]  # the thread takes the count back when the call ends
                self._abandoned += 1
                bounded = False
                start = self._idle < 0
                if start:
                    self._threads += 1
                    self._idle += 1
        if bounded:
            self._too_many_abandoned(stuck)
            return False
        if start:
            try:
                threading.Thread(target=self._work, name="alexaskill-worker", daemon=True).start()
            except Exception:  # "can't start new thread": the calls wait for those alive
                with self._lock:
                    self._threads -= 1
                    self._idle -= 1
        return True

    def _too_many_abandoned(self, stuck: int) -> None:
        if due(self._said, "abandoned", _monotonic(), BUSY_WARNING_EVERY) is None:
            return
        logger.error(
            "%d worker %s stuck in calls of def handlers that their deadline gave up on: past "
            "%d, such threads count against the pool's %d again, and once all of those are "
            "stuck too, every def handler's call waits. Give what the handler waits for a "
            "timeout shorter than the deadline (restarting the server frees the threads).",
            stuck,
            "thread is" if stuck == 1 else "threads are",
            self.max_abandoned,
            self.max_workers,
        )

    def _not_started(self, exc: BaseException) -> bool:
        """The thread counted for a call could not be started (``exc``: "can't start new
        thread", at the limit of threads or memory): its count is taken back. Whether the call
        can wait for one of the threads alive (else its caller raises ``exc``)."""
        with self._lock:
            self._threads -= 1
            self._idle -= 1  # the call waits for a thread, as if at the cap
            alive = self._threads
        if not alive or not isinstance(exc, Exception):
            return False
        if due(self._said, "start failed", _monotonic(), BUSY_WARNING_EVERY) is not None:
            logger.warning(
                "could not start a worker thread (%s): calls of def handlers wait for one of "
                "the %d running",
                exc,
                alive,
            )
        return True

    def _busy(self, waiting: int) -> None:
        """Say that ``waiting`` calls wait for a thread, unless said less than
        `BUSY_WARNING_EVERY` seconds ago."""
        if due(self._said, "busy", _monotonic(), BUSY_WARNING_EVERY) is None:
            return
        waiting = self._drop_emptied()
        logger.warning(
            "all %d worker threads for def handlers are busy: %d %s for one. A def handler "
            "that blocks long (a slow database or API; give its client a timeout shorter than "
            "the deadline) or never returns holds its thread, and the threads are the "
            "process's, shared by every skill; a call still waiting at its deadline is not run.",
            self.max_workers,
            waiting,
            "call waits" if waiting == 1 else "calls wait",
        )

    def _drop_emptied(self) -> int:
        """Take the emptied jobs (their callers gave up) out of the queue, where they would
        stay until a thread is free (with every thread stuck, for ever); how many calls wait."""
        jobs = self._jobs
        kept: list[_Job] = []
        dropped = 0
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            if job:
                kept.append(job)
            else:
                dropped += 1
        for job in kept:
            jobs.put(job)
        with self._lock:
            self._idle += dropped  # as each thread would have, taking one
            return max(-self._idle, 0)

    def _work(self) -> None:
        jobs, lock = self._jobs, self._lock
        while True:
            try:
                job = jobs.get(timeout=self.idle_seconds)
            except queue.Empty:
                with lock:
                    if self._idle > 0:  # more threads wait than jobs: this one may go
                        self._idle -= 1
                        self._threads -= 1
                        return
                continue
            try:
                loop, future, context, func, kwargs, pace = job
            except ValueError:  # emptied: its caller gave up while it waited for a thread
                del job
                with lock:
                    self._idle += 1
                continue
            # Marked before the look below: a caller that gives up from now on abandons this
            # thread. (Marked after it, a caller giving up between the two let go of a call
            # that ran all the same, its thread counted against the cap however long it ran.)
            job.append(_RUNNING)
            if future.cancelled():
                # Its caller gave up while the call waited for a thread (a deadline passed):
                # not run, so that under overload the answered requests' calls do not delay
                # the others'. (A call under way cannot be stopped: it finishes, unheard.)
                del loop, future, context, func, kwargs, pace
                if self._done(job):
                    continue
                return
            _here.loop = loop
            started = time.perf_counter()
            deliver: Callable[[asyncio.Future[Any], Any], None]
            try:
                result = context.run(func, **kwargs)
            except BaseException as exc:
                result, deliver = exc, _fail
            else:
                deliver = _succeed
            finally:
                _here.loop = None
            if pace is not None:  # told before the caller resumes: its next call goes by it
                pace.observe(time.perf_counter() - started)
            _deliver(loop, deliver, future, result)
            # Drop the references before waiting, so that a result is not kept alive for up to
            # idle_seconds by an idle thread.
            del loop, future, context, func, kwargs, pace, result
            if not self._done(job):
                return

    def _done(self, job: _Job) -> bool:
        """A worker is done with ``job``: whether it stays in the pool (else it ends)."""
        with self._lock:
            if job and job[0] is _ABANDONED:
                self._abandoned -= 1  # counted against the cap again
                if self._threads - self._abandoned > self.max_workers:
                    # Others took its place meanwhile: kept, it would be one call too many
                    # running at once (a database pool sized to the cap overflows).
                    self._threads -= 1
                    job.clear()
                    return False
            job.clear()
            self._idle += 1
        return True


def _deliver(
    loop: asyncio.AbstractEventLoop,
    callback: Callable[[asyncio.Future[Any], Any], None],
    future: asyncio.Future[Any],
    value: Any,
) -> None:
    # try, not contextlib.suppress: this runs once per handler call, and a try costs nothing.
    try:  # noqa: SIM105
        loop.call_soon_threadsafe(callback, future, value)
    except RuntimeError:  # the loop is closed: nobody waits for this result any more
        pass


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        if isinstance(exc, (StopIteration, GeneratorExit)):
            # A Future refuses StopIteration (TypeError, in this callback): the call would never
            # end. A GeneratorExit thrown into the awaiting coroutine would close every coroutine
            # it awaits through, up to the task (the loop's, an anyio portal's, gone). Both are
            # replaced as a generator's StopIteration is (PEP 479).
            replaced = RuntimeError(f"the call raised {type(exc).__name__}")
            replaced.__cause__ = exc
            exc = replaced
        future.set_exception(exc)


_monotonic: Final = time.monotonic

_POOL: Final = WorkerPool()
# A child forked after the pool started has its counts but not its threads: start afresh.
if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_POOL._reset)


async def run_sync(func: Callable[..., T], kwargs: dict[str, Any], pace: Pace | None = None) -> T:
    """``func(**kwargs)`` in a worker thread of the process's pool, awaited (timed for
    ``pace``, if given)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio, through anyio): anyio's threads work everywhere
        return await _anyio_run_sync(func, kwargs)
    return await _POOL.run(func, kwargs, pace)


#: Whether anyio's ``to_thread.run_sync`` takes ``abandon_on_cancel`` (4.1 on), looked up at
#: the first call: `inspect.signature` costs ~16 µs, a fifth of the hop, too much for each.
_abandon_named: bool | None = None


async def _anyio_run_sync(func: Callable[..., T], kwargs: dict[str, Any]) -> T:
    """`run_sync` under another event loop (trio): anyio's worker thread, given up on when the
    request is cancelled (its deadline), as `WorkerPool.run` is: the call runs on, unheard."""
    import anyio.to_thread

    global _abandon_named
    run = anyio.to_thread.run_sync
    if _abandon_named is None:
        import inspect

        _abandon_named = "abandon_on_cancel" in inspect.signature(run).parameters
    call = functools.partial(contextvars.copy_context().run, func, **kwargs)
    if _abandon_named:
        return await run(call, abandon_on_cancel=True)
    return await run(call, cancellable=True)  # anyio before 4.1 named it so


class NotAWorkerThread(RuntimeError):
    """`run_in_loop` called from a thread that is not one of `run_sync`'s."""


def run_in_loop(func: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """From a worker thread of `run_sync`: run ``func(*args)`` on the event loop, wait for it.

    `NotAWorkerThread` (a `RuntimeError`) in any other thread; what ``func`` raises otherwise.
    A `RuntimeError` too if the loop stops running before it runs ``func`` (AWS Lambda runs its
    loop only during an invocation: a handler the deadline gave up on outlives its own). The
    wait would otherwise last until the next invocation, and ``func`` run in that one.
    """
    loop: asyncio.AbstractEventLoop | None = getattr(_here, "loop", None)
    if loop is None:
        raise NotAWorkerThread("not in a worker thread of alexaskill.threads")
    if not loop.is_running():
        raise RuntimeError(_LOOP_STOPPED)
    future = asyncio.run_coroutine_threadsafe(func(*args), loop)
    while not concurrent.futures.wait((future,), _LOOK_EVERY).done:
        if not loop.is_running():
            if not loop.is_closed():  # (a closed loop runs nothing: no cancellation to send)
                future.cancel()  # at its next run, the loop cancels the task before it starts
            raise RuntimeError(_LOOP_STOPPED)
    return future.result()


# Seconds between looks, while a worker thread waits for a call on the loop, whether it runs.
_LOOK_EVERY: Final = 0.5
_LOOP_STOPPED: Final = (
    "the event loop is not running (the request's answer went out: AWS Lambda's invocation "
    "ended after the deadline, or the server shut down): the call did not run, or not to its end"
)

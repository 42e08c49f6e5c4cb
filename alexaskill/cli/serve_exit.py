"""A process of ``alexaskill serve`` whose server has stopped (serve's own, a worker of
``--workers``, ``--reload``'s server process): its exit bounded (`exit_bounded`), or ended at once
when stopped again, said at WARNING with what held it, the app's threads told apart from anyio's,
from its thread pools' and from the event loop's default executor's, which its loop leaves to
that bound (`serve_loop.new_event_loop`)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING

from .serve_uvicorn import _put_back
from .serve_workers import _UNCLEAN_STOP, worker_logger

if TYPE_CHECKING:
    import threading
    import weakref
    from collections.abc import Callable
    from types import FrameType

__all__ = ["exit_bounded"]

#: How long a worker thread of anyio's told to stop, past its wait, is given to end (seconds).
_GRACE = 0.1


def exit_bounded(
    seconds: float | None,
    *,
    who: str = "server process",
    after: str = "its server stopped",
    again: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM),
    status: int = _UNCLEAN_STOP,
    stopped: str = "stopped again",
    exit_with: Callable[[int], object] = os._exit,
    came: int | None = None,
) -> None:
    """End this process (``who``: a server process, its server stopped, or serve's own, ``after``
    its server processes stopped, or its error) ``seconds`` from now, if it is still there, with
    ``status``, saying at WARNING which threads held it (`_what_holds`): Python waits at exit for
    each thread that is not a daemon. Watched by a thread of its own, a daemon, which a process
    exiting leaves behind.

    A signal of ``again`` come meanwhile (a second Ctrl-C, serve's second SIGTERM) ends it at
    once if a thread holds it (`_holding`), said so, ``stopped`` (a process never stopped
    before, held after its error: "stopped"), with the same status: Python's default handlers were
    back, and a second SIGTERM killed serve (-15), unsaid, a second Ctrl-C was a
    KeyboardInterrupt's traceback. Held by none, it is exiting: the signal is let pass.
    A server process's SIGTERM is its supervisor's, sent as it stops them after a Ctrl-C too:
    not in its ``again``, it stays ignored (`serve_till_stopped`).

    ``came``: a signal of ``again`` come before the bound was armed, once the server had
    stopped (`serve._bound_exit`), taken as come now.

    ``exit_with`` ends it, given ``status``: ``os._exit``, but in a test, which gives its own
    (``serve.run(program=True)`` run in the test's process would end it, pytest and all)."""
    import threading
    import time

    ending = threading.Lock()  # (said once: by the watch, or by a signal come again)

    def end(how: str) -> None:
        if not ending.acquire(blocking=False):
            return  # (the other is ending it)
        try:  # (whatever fails in saying it, the process ends: `finally`)
            said = _what_holds(_holding(), status)
            worker_logger.warning("%s [%s] %s: %s", who, os.getpid(), how, said)
            for stream in (sys.stdout, sys.stderr):
                # (A reader gone, serve's output piped to a command that ended: BrokenPipeError,
                # which raised here left the process held for ever all the same.)
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    stream.flush()
        finally:
            # Not SystemExit, which a thread cannot raise for its process (nor a handler
            # interrupting threading's wait at exit end it), nor a signal to itself: the main
            # thread is the one held, and SIGTERM is ignored (`serve_till_stopped`'s race).
            exit_with(status)

    def came_again(signum: int, frame: object) -> None:
        # Held by no thread, the process is exiting as it should (a double Ctrl-C lands here):
        # ended, it was "held at exit", status 1, a clean stop said unclean. An atexit function
        # that does hold it is still ended by the watch.
        if not _holding():
            return
        end(f"{stopped} ({signal.Signals(signum).name}) while held at exit after {after}")

    missed = came  # (a signal come again before the bound: `serve._bound_exit`)
    if threading.current_thread() is threading.main_thread():  # (no handler set elsewhere)
        for signum in again:
            try:
                _put_back(signum, came_again)
            except KeyboardInterrupt:
                # A Ctrl-C as a handler was set (raised once it is: `_put_back`) is one come
                # again, taken below, once the watch is armed: raised, it left the process
                # held with no bound, its SIGTERM ignored.
                missed = signal.SIGINT if missed is None else missed

    def watch(seconds: float) -> None:
        time.sleep(seconds)
        end(f"has not exited {seconds:g} s after {after}")

    if seconds is not None:  # (None: uvicorn's own default, no bound on the drain either)
        named = "alexaskill-exit-watch"
        threading.Thread(target=watch, args=(seconds,), name=named, daemon=True).start()
    if missed is not None:
        came_again(missed, None)


def _holding() -> list[threading.Thread]:
    """The threads that hold this process at exit: Python waits for each that is not a daemon,
    but for a worker thread of anyio's that is idle and told to stop (`_on_its_way_out`), and
    for one of a thread pool's that is idle (`_idle_in_a_pool`): at exit, before Python waits for
    the threads, concurrent.futures tells each to end, if its executor's shutdown has not."""
    import threading
    import time

    until = time.monotonic() + _GRACE  # (one grace for them all: a second Ctrl-C waits no more)
    return [
        thread
        for thread in threading.enumerate()
        if not thread.daemon
        and thread is not threading.main_thread()
        and not _on_its_way_out(thread, until)
        and not _idle_in_a_pool(thread)
    ]


def _on_its_way_out(thread: threading.Thread, until: float) -> bool:
    """Whether ``thread`` is a worker thread of anyio's that is ending: told to stop (anyio sets
    ``stopping`` and queues its stop once the task that started it ends, as asyncio.run's does)
    and idle, so about to take that stop from its queue, or ending by ``until`` (monotonic).
    Counted as holding, a second Ctrl-C in the moment it takes to end said a clean stop unclean
    (status 1). One idle and never told (its loop stopped first: loop.stop()) holds for ever,
    and one told while in a call holds till that call returns: both still hold."""
    import time

    # ``stopping`` is the asyncio backend's only, and only it is met here: uvicorn runs its
    # server on an asyncio loop (its loop factories make none other), so anyio.to_thread there
    # is asyncio's; trio's worker threads (an app's own trio.run) are trio's, and daemons.
    if not _anyios(thread) or getattr(thread, "stopping", False) is not True:
        return False
    if _in_anyios(thread) is None:
        return True
    # Past its queue's get, in its last frames (or none left), it is not told idle: a short
    # join judges it by its end, where one still in a call costs that wait only.
    thread.join(max(0.0, until - time.monotonic()))
    return not thread.is_alive()


def _what_holds(threads: list[threading.Thread], status: int) -> str:
    """Why a process whose server has stopped has not exited, held by ``threads`` (those that
    are not daemons), ended with ``status``, and what to do: the app's told apart from anyio's
    worker threads, which are the framework's, each said in the call it runs or as idle
    (`_in_anyios`), and from the threads of thread pools (`_pooled`), the event loop's default
    executor's (`_executors`), another loop's (`_another_loops`) and the app's own, each said in
    the call it runs (`_in_a_pool`)."""
    if not threads:  # (its atexit functions run once its threads have ended)
        return (
            f"its exit is held (an atexit function of the app's?): ending it, status {status} "
            "(end that work in the app's shutdown)"
        )
    held: list[str] = []
    remedies: list[str] = []
    apps = [repr(each.name) for each in threads if not (_anyios(each) or _pooled(each))]
    if apps:
        held.append(f"the threads of the app that are not daemons ({', '.join(apps)})")
        remedies.append("make such a thread a daemon, or end it in the app's shutdown")
    others = _another_loops(threads)
    pools = [
        _in_a_pool(each)
        for each in threads
        if _pooled(each) and not _executors(each) and each not in others
    ]
    if pools:
        held.append(
            f"the threads of the app's thread pools ({', '.join(pools)}), each in a call that "
            "has not returned"
        )
        # A pool makes its threads itself, no daemons (Python 3.9 on): the call's return alone
        # ends one; the shutdown drops the calls queued behind it, which exit would run too.
        remedies.append(
            "shut such a pool down in the app's shutdown, cancel_futures=True, and give its "
            "calls a timeout under --timeout-graceful-shutdown: a pool's threads cannot be "
            "daemons"
        )
    anyios = {thread: _in_anyios(thread) for thread in threads if _anyios(thread)}
    busy = [call for call in anyios.values() if call is not None]
    if busy:
        held.append(
            f"anyio's worker threads ({', '.join(busy)}), the framework's, each in a blocking "
            "call run off the event loop (anyio.to_thread: a DynamoDBStore's botocore call, a "
            "def endpoint of a Starlette app) that has not returned"
        )
        remedies.append(_A_TIMEOUT)
    idle = [repr(thread.name) for thread, call in anyios.items() if call is None]
    if idle:
        # anyio stops its worker threads once the task that started them (its "root task")
        # ends: a loop stopped before that leaves them waiting for a call that never comes.
        held.append(
            f"anyio's idle worker threads ({', '.join(idle)}), the framework's, left waiting "
            "for calls by an event loop stopped before the task that started them ended "
            "(loop.stop())"
        )
        remedies.append("let that task end before its loop stops, as asyncio.run does")
    executors = [_in_a_pool(each) for each in threads if _executors(each)]
    if executors:
        held.append(
            f"the event loop's default executor threads ({', '.join(executors)}), each in a "
            "blocking call run off the event loop (asyncio.to_thread, "
            "loop.run_in_executor(None, …)) that has not returned"
        )
        if _A_TIMEOUT not in remedies:
            remedies.append(_A_TIMEOUT)
    if others:
        held.append(
            "the default executor threads of an event loop not the server's "
            f"({', '.join(_in_a_pool(each) for each in threads if each in others)}), each in a "
            "blocking call run off that loop that has not returned"
        )
        remedies.append(
            "give such a call a timeout, and close that loop in the app's shutdown, its default "
            "executor shut down: asyncio.run does both"
        )
    return (
        f"Python waits at exit for {' and for '.join(held)}: ending it without them, status "
        f"{status} ({'; '.join(remedies)})"
    )


#: What to do of a blocking call run off the event loop that has not returned.
_A_TIMEOUT = "give such a call a timeout under --timeout-graceful-shutdown, or lengthen it"


def _anyios(thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker thread of anyio's (``anyio.to_thread``; Starlette's
    ``run_in_threadpool``), no daemon where started from the event loop's thread (Python's
    threads take their maker's): told by its class's module, not by its name ("AnyIO worker
    thread"), which a thread of the app's could take too."""
    return type(thread).__module__.partition(".")[0] == "anyio"


def _in_anyios(thread: threading.Thread) -> str | None:
    """``thread``, a worker thread of anyio's, for the log: its name and the function whose
    call it runs (the outermost frame of its stack that is not anyio's or `threading`'s), if it
    runs one (``'AnyIO worker thread' in alexaskill.dynamodb.store.DynamoDBStore._in_thread``),
    or, one that runs in no frame of Python's, the function anyio was given (`_anyios_call`:
    ``'AnyIO worker thread' in time.sleep``); None if it is idle, waiting on its queue for a
    call (`_waits_for_a_call`)."""
    stack = _stack(thread)
    for frame in stack:
        module = str(frame.f_globals.get("__name__", ""))
        if module.partition(".")[0] not in ("anyio", "threading"):
            if _waits_for_a_call(thread, frame):
                return None
            return f"{thread.name!r} in {module}.{frame.f_code.co_qualname}"
    called = _anyios_call(thread, stack[-1]) if stack else None
    return f"{thread.name!r} in {called}" if called else repr(thread.name)


def _anyios_call(thread: threading.Thread, frame: FrameType) -> str | None:
    """The function ``thread``, a worker thread of anyio's whose innermost frame of Python's is
    ``frame``, was given to call (`_named`), if that frame is its ``run``: anyio (its asyncio
    backend, 4.x) unpacks each call it is given there into a ``func`` it calls, in its
    context's ``run``; None if it is not, or has none."""
    # Internals, as `_given` reads concurrent.futures': of another shape, the thread is said by
    # its name alone. (``func`` stays bound past its call too; but the thread then soon waits
    # on its queue, said idle above, or is in frames of Python's: read only meanwhile.)
    try:
        seen = frame.f_locals
        if frame.f_code.co_name != "run" or seen.get("self") is not thread:
            return None
        return _named(seen.get("func"))
    except Exception:
        return None


def _stack(thread: threading.Thread) -> list[FrameType]:
    """``thread``'s frames, outermost first (none once it has ended)."""
    frame = sys._current_frames().get(thread.ident or -1)
    stack = []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    return stack[::-1]


#: The module of concurrent.futures' thread pool, whose ``_worker`` each of its threads runs.
_POOL = "concurrent.futures.thread"


def _pool_stack(thread: threading.Thread) -> list[FrameType] | None:
    """``thread``'s frames from its thread pool's ``_worker`` in, if it is a worker thread of
    concurrent.futures' thread pool (told by its stack, not by its name); else None."""
    stack = _stack(thread)
    for at, frame in enumerate(stack):
        if frame.f_code.co_name == "_worker" and frame.f_globals.get("__name__") == _POOL:
            return stack[at:]
    return None


def _pooled(thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker thread of a thread pool (`_pool_stack`): whose pool, the
    event loop's default executor or one the app made, is told by `_executors`."""
    return _pool_stack(thread) is not None


def _idle_in_a_pool(thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker thread of a thread pool waiting on its queue for a call:
    in its ``_worker`` and no deeper (the queue's ``get`` is C's)."""
    stack = _pool_stack(thread)
    return stack is not None and len(stack) == 1


def _executors(thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker thread of an event loop's default executor (asyncio's,
    uvloop's, `new_event_loop`'s). One of an executor the app made is the app's. Where serve made
    the loop, told by identity (`serve_loop.of_its_executors`), as an app's pool may be named
    ``asyncio`` too (another loop's: `_another_loops`, said apart); else by a thread pool's
    (`_pooled`) named as asyncio and uvloop name theirs (``asyncio_0``, ``uvloop_0``)."""
    ours = _of_serves_loop(thread)
    if ours is not None:
        return ours
    prefix = thread.name.rpartition("_")[0]
    return prefix in ("asyncio", "uvloop") and _pooled(thread)


def _of_serves_loop(thread: threading.Thread) -> bool | None:
    """Whether ``thread`` is a worker thread of the default executor of a loop serve made
    (`serve_loop.of_its_executors`), or None where serve made none in this process."""
    # Read from sys.modules, not imported: serve_loop is imported by uvicorn alone (its docstring).
    made = sys.modules.get(f"{__package__}.serve_loop")
    ours: bool | None = getattr(made, "of_its_executors", lambda thread: None)(thread)
    return ours


def _another_loops(threads: list[threading.Thread]) -> set[threading.Thread]:
    """Those of ``threads`` that are, where serve made the loop but not their pool, worker
    threads of the default executor of another event loop (the app's own): told by a loop that
    holds their pool, as a loop holds its default executor (asyncio's and uvloop's), or whose
    ``__dict__`` holds it (an asyncio loop's, once made: ``vars(loop)``). Said as the app's
    pool's, one was given the remedy of a pool the app made. All in one walk of the heap
    (gc.get_referrers of their pools; a second where such a dict is found), not one for each
    thread, as the held exit is said within its bound. One whose loop has let it go (closed: its
    executor shut down, not waited for, and let go) is told by all three of: its pool freed,
    held by none (`_pool_reference`; a pool the app holds is the app's, whatever its threads'
    names), its call run off a loop now closed (`_off_a_closed_loop`), and its name, as such a
    loop's default executor names its threads (`_named_as_a_loops`). The limit: a pool the app
    made for one call and let go, named ``asyncio`` by the app, its call run off a loop since
    closed, is said as that loop's (nothing left tells them apart; one named otherwise, as
    ``ThreadPoolExecutor()`` names its, is the app's)."""
    import gc

    asyncio = sys.modules.get("asyncio")  # (no loop where asyncio was never imported)
    if asyncio is None:
        return set()
    pools: dict[int, tuple[object, list[threading.Thread]]] = {}
    closed: set[threading.Thread] = set()
    for thread in threads:
        if _of_serves_loop(thread) is not False:
            continue
        reference = _pool_reference(thread)
        pool = reference() if reference is not None else None
        if pool is not None:
            pools.setdefault(id(pool), (pool, []))[1].append(thread)
        elif (
            reference is not None  # (its pool let go: freed)
            and _named_as_a_loops(thread)
            and _off_a_closed_loop(thread, asyncio.AbstractEventLoop)
        ):
            closed.add(thread)
    if not pools:
        return closed
    held: set[int] = set()
    loop = asyncio.AbstractEventLoop
    dicts: dict[int, dict[object, object]] = {}  # (an asyncio loop's __dict__, if made, holds it)
    for each in gc.get_referrers(*(pool for pool, _ in pools.values())):
        # (by its type, not isinstance: an object of the heap's __class__ is not looked up)
        if issubclass(type(each), loop):
            held.update(id(one) for one in gc.get_referents(each) if id(one) in pools)
        elif type(each) is dict and id(each.get("_default_executor")) in pools:
            dicts[id(each)] = each
    # A second walk only where such a dict was found: a loop's, not another object's that
    # names an executor of its own so.
    for each in gc.get_referrers(*dicts.values()) if dicts else ():
        if issubclass(type(each), loop):
            for one in gc.get_referents(each):
                if id(one) in dicts:
                    held.add(id(dicts[id(one)]["_default_executor"]))
    return closed | {thread for key in held for thread in pools[key][1]}


def _named_as_a_loops(thread: threading.Thread) -> bool:
    """Whether ``thread`` is named as asyncio and uvloop name their default executors' threads
    (``asyncio_0``, ``uvloop_0``)."""
    return thread.name.rpartition("_")[0] in ("asyncio", "uvloop")


def _off_a_closed_loop(thread: threading.Thread, loop: type) -> bool:
    """Whether the call ``thread``, a worker thread of a thread pool, runs was run off an event
    loop (of type ``loop``) that is closed: its future, as ``loop.run_in_executor`` chains it to
    the loop's own (asyncio's ``wrap_future``, uvloop's too), holds that loop in the closure of
    a callback it calls once done. Internals, as `_given` reads them: of another shape, not
    told so (said as the app's pool's, as before)."""
    try:
        for frame in _pool_stack(thread) or []:
            future = getattr(frame.f_locals.get("self"), "future", None)
            for callback in getattr(future, "_done_callbacks", None) or ():
                for cell in getattr(callback, "__closure__", None) or ():
                    held = cell.cell_contents
                    if issubclass(type(held), loop) and held.is_closed():
                        return True
    except Exception:
        return False
    return False


def _pool_reference(thread: threading.Thread) -> weakref.ReferenceType[object] | None:
    """The weak reference to its pool that ``thread``, a worker thread of concurrent.futures'
    (`_pool_stack`), holds (dead once its pool is freed: held by none, a loop's close lets its
    default executor go), or None if it is none or it is not found."""
    import weakref

    stack = _pool_stack(thread)
    try:  # (concurrent.futures' internals: its _worker's first argument)
        reference = stack[0].f_locals.get("executor_reference") if stack else None
    except Exception:
        return None
    return reference if isinstance(reference, weakref.ReferenceType) else None


def _in_a_pool(thread: threading.Thread) -> str:
    """``thread``, a worker thread of a thread pool (`_pooled`), for the log: its name
    and the function whose call it runs, the outermost frame past its pool's
    (``'asyncio_0' in skill.lookup``), or, one that runs in no frame of Python's, the function
    its pool was given (`_given`: ``'asyncio_0' in time.sleep``)."""
    stack = _pool_stack(thread) or []
    for frame in stack:
        module = str(frame.f_globals.get("__name__", ""))
        if module != _POOL:
            return f"{thread.name!r} in {module}.{frame.f_code.co_qualname}"
    called = _given(stack)
    return f"{thread.name!r} in {called}" if called else repr(thread.name)


def _given(stack: list[FrameType]) -> str | None:
    """The function a thread pool's worker, in ``stack`` (its frames from its pool's
    ``_worker`` in, all its pool's), was given to call (`_named`), read from concurrent.futures'
    internals as each Python has them: the ``fn`` ``WorkerContext.run`` unpacked from its task
    (3.14), else the work item's, its ``self.fn`` (3.13 and before) or its ``self.task``'s first
    (3.14, not yet unpacked); None if none is found there."""
    for frame in reversed(stack):  # (innermost first: the frame that makes the call)
        # Internals, not an interface: of a shape not known here (a later Python's), or raising
        # as they are read, the call goes unnamed, the thread said by its name alone, where an
        # error raised here lost the whole line (`exit_bounded`'s end says nothing then).
        try:
            seen = frame.f_locals
            call = seen.get("fn")
            item = seen.get("self")
            if call is None:
                call = getattr(item, "fn", None)
            task = getattr(item, "task", None) if call is None else None
            if isinstance(task, tuple) and task:
                call = task[0]
            named = _named(call)
        except Exception:
            named = None
        if named is not None:
            return named
    return None


def _named(call: object) -> str | None:
    """``call``, a function a thread was given, by module and name (``time.sleep``): through a
    ``functools.partial`` of it, the one of a `contextvars.Context`'s ``run`` that
    ``asyncio.to_thread`` gives included; None if it names none."""
    import contextvars
    import functools

    while isinstance(call, functools.partial):
        if isinstance(getattr(call.func, "__self__", None), contextvars.Context) and call.args:
            call = call.args[0]  # (asyncio.to_thread's: the context's run of the call)
        else:
            call = call.func
    name = getattr(call, "__qualname__", None)
    if not isinstance(name, str):
        return None
    module = getattr(call, "__module__", None)
    return f"{module}.{name}" if isinstance(module, str) else name


def _waits_for_a_call(thread: threading.Thread, frame: FrameType) -> bool:
    """Whether ``frame``, the outermost of ``thread``'s (anyio's worker) that is not anyio's,
    is its wait for a call: the ``get`` of its own ``queue`` (anyio's asyncio backend), not a
    call it runs, which may be a queue's ``get`` too."""
    queue = getattr(thread, "queue", None)
    return (
        queue is not None and frame.f_code.co_name == "get" and frame.f_locals.get("self") is queue
    )

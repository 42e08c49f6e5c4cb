"""The server's stop, as the app can know of it: the signal that stops the server (SIGTERM, or
SIGINT: uvicorn's handlers, ``alexaskill serve``'s too) seen by a handler of alexaskill's, put in
front of uvicorn's own as the lifespan starts (`hook_stop`). What tells a request's
cancellation by the server's shutdown (uvicorn past its ``--timeout-graceful-shutdown``, which
cancels the request's task and waits on it no more) from one by the skill's own code or a
caller's timeout, who may wait to see it cancelled: the signal seen (`stopped_by`), and the
cancellation's text uvicorn's (`shutdown_cancels`), for a timeout inside the app as the server
stops is the caller's still.

The server tells the app nothing at the signal, nor as it cancels (uvicorn runs the lifespan's
shutdown after that): the signal is the one moment an app can see. The stop is noted for
the event loop that server runs on: a process may serve again after it. Other servers
(Hypercorn, Granian) set handlers of their own, which no hook is put in front of: their
shutdown's cancellation goes on after the answer, as any other's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import weakref

__all__ = ["hook_stop", "pythons_sigint", "shutdown_cancels", "stopped_by", "uvicorn_server_of"]

#: The text uvicorn (0.29 on) cancels a request's task with past its graceful timeout.
UVICORN_SHUTDOWN = "Task cancelled, timeout graceful shutdown exceeded"

#: The name of the stop signal each hooked server got (the first), with the event loop that
#: server runs on (a weak reference; None for none): one entry a loop, dropped when a hook is
#: put for that loop again (a server stopped before on it: a test's, say), and with its loop
#: gone. Not as the hook goes: uvicorn runs the lifespan's shutdown while the requests it
#: cancelled are still ending; nor as a lifespan that puts no hook starts (a second app's), nor
#: one for another loop: that server's stop is not theirs to forget. A signal is the process's,
#: but the stop is its server's: a request asks of its own loop (`stopped_by`), so that one
#: answered after that server ended (uvicorn run again without a lifespan, a TestClient, a
#: test) is not taken for its shutdown's.
_STOPPED_BY: list[tuple[str, weakref.ref[Any] | None]] = []


def stopped_by() -> str:
    """The stop signal's name (``"SIGTERM"``) if the server running this event loop is stopping
    on one, else ``""``: none seen, seen by a server on another loop, or no hook in place (no
    lifespan on the main thread, no uvicorn's handler)."""
    running = _running_loop()
    for name, served in _STOPPED_BY:
        if _of(served, running):
            return name
    return ""


def shutdown_cancels(cancellation: BaseException) -> str:
    """`stopped_by`'s signal if ``cancellation`` is the stopping server's own, uvicorn's past its
    graceful timeout (by its text, `UVICORN_SHUTDOWN`), else ``""``. Not one of the app's
    own as the server stops (a middleware's ``asyncio.timeout`` or ``wait_for``, an anyio
    scope's), whose cancel scope waits to see it: both cancel the request's task, which counts
    them alike (``Task.cancelling()``), and only the text tells them apart. Its text lost on the
    way (a ``wait_for`` on Python 3.11 cancels the task it made without one) is taken for a
    caller's: raised on, uvicorn's traceback, rather than a caller's timeout made to return."""
    signal = stopped_by()
    return signal if signal and UVICORN_SHUTDOWN in map(str, cancellation.args) else ""


def _of(served: weakref.ref[Any] | None, loop: Any) -> bool:
    """Whether the record's ``served`` (a weak reference, or None for no loop) is ``loop``."""
    return loop is None if served is None else loop is not None and served() is loop


def _running_loop() -> Any:
    """The asyncio event loop running in this thread, or None (none; trio's)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def hook_stop(
    on_stop: Callable[[int], None] | None = None, loop: Any = None
) -> Callable[[], None] | None:
    """Put a handler in front of uvicorn's for SIGTERM and SIGINT: at either, the stop noted
    for the server's event loop, ``loop`` (by default the one running: the lifespan's), for
    `stopped_by`; ``on_stop(signum)`` called, then uvicorn's own handler. What takes them away
    again (the lifespan's shutdown), or None where none was put:

    - off the main thread (only it may set a signal's handler);
    - for a signal whose handler is not a uvicorn server's (`uvicorn_server_of`, found behind
      another skill's hook too, chained to then), which each uvicorn pyproject.toml allows sets
      for both as it starts, before the lifespan (the one ``alexaskill serve`` runs too). Not
      the default (behind Mangum, the Lambda runtime's own process dies of SIGTERM at once: a
      handler would keep it from dying as it did), nor one the function set of its own there
      (AWS's graceful shutdown: the first invocation's lifespan starts before a request has told
      the skill it is behind Mangum), nor Python's own SIGINT handler (its KeyboardInterrupt is
      no server's stop, and `alexaskill.handler_bugs` reads a Ctrl-C by it in place).
    """
    import functools
    import signal
    import threading
    import weakref

    if threading.current_thread() is not threading.main_thread():
        return None
    loop = _running_loop() if loop is None else loop
    served = None if loop is None else weakref.ref(loop)
    servers: dict[int, Callable[[int, Any], Any]] = {}
    for stop in (signal.SIGTERM, signal.SIGINT):
        handler = signal.getsignal(stop)
        if callable(handler) and uvicorn_server_of(handler) is not None:
            servers[stop] = handler
    if not servers:
        return None
    # A stop noted before for this loop (a server stopped on it: a test's, say) is no longer
    # its server's; nor one whose loop is gone. Other loops' stand.
    _STOPPED_BY[:] = [
        (name, was) for name, was in _STOPPED_BY if not (_of(was, loop) or _gone(was))
    ]
    hooked = [True]

    def in_front_of(servers_own: Callable[[int, Any], Any]) -> Callable[[int, Any], None]:
        def on_signal(signum: int, frame: Any) -> None:
            if hooked:
                # By the weak references (equal while their loop lives): the handler holds
                # no loop of its own, which would keep a stopped server's alive.
                if not any(was == served for _, was in _STOPPED_BY):
                    _STOPPED_BY.append((signal.Signals(signum).name, served))
                if on_stop is not None:
                    on_stop(signum)
            servers_own(signum, frame)

        # What it passes the signal on to, for `uvicorn_server_of` to find uvicorn's server
        # behind it (another skill's lifespan in the process, a failed start's counts said at
        # its shutdown: `alexaskill.asgi_start.uvicorn_server`).
        return functools.update_wrapper(on_signal, servers_own, assigned=(), updated=())

    ours = {signum: in_front_of(servers_own) for signum, servers_own in servers.items()}
    for signum, on_signal in ours.items():
        signal.signal(signum, on_signal)

    def unhook() -> None:
        hooked.clear()  # (chained to by a handler set since: it passes the signal on)
        for signum, on_signal in ours.items():
            if signal.getsignal(signum) is on_signal:
                signal.signal(signum, servers[signum])

    return unhook


def _gone(served: weakref.ref[Any] | None) -> bool:
    """Whether the record's loop has been garbage-collected (None, no loop, never is)."""
    return served is not None and served() is None


def uvicorn_server_of(handler: object) -> Any:
    """The uvicorn server (``uvicorn.server.Server``) whose signal handler ``handler`` is (its
    ``handle_exit``, which ``capture_signals`` sets for SIGTERM and SIGINT, in uvicorn 0.29 on),
    found behind the handlers `hook_stop` puts in front of it; or None (another's; a server
    without the ``shutdown`` `alexaskill.asgi_start` wraps)."""
    import inspect

    if callable(handler):
        handler = inspect.unwrap(handler)  # (hook_stop's, in front of it: its __wrapped__)
    server = getattr(handler, "__self__", None)
    if getattr(handler, "__name__", None) != "handle_exit" or server is None:
        return None
    uvicorns = [c for c in type(server).__mro__ if c.__module__ == "uvicorn.server"]
    shutdown = getattr(server, "shutdown", None)
    return server if uvicorns and inspect.iscoroutinefunction(shutdown) else None


def pythons_sigint(handler: Any) -> bool:
    """Whether ``handler`` is Python's own SIGINT handler, or ``asyncio.run``'s (which raises
    KeyboardInterrupt at a second Ctrl-C): a Ctrl-C raises KeyboardInterrupt, no server stops."""
    import signal
    import sys

    if handler is signal.default_int_handler:
        return True
    asyncio = sys.modules.get("asyncio")
    runner = getattr(getattr(handler, "func", None), "__self__", None)
    return asyncio is not None and isinstance(runner, asyncio.Runner)

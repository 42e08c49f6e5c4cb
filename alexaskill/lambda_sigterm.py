"""A web server run in AWS Lambda (the Lambda Web Adapter's uvicorn): Lambda's SIGTERM, as it
shuts the instance down, said in one WARNING when the skill's requests are still under way.

Lambda's SIGKILL follows its SIGTERM by 300 ms (500 with an internal extension). uvicorn waits
for the requests under way before the lifespan's shutdown, so with one there (an invocation past
the function's timeout) the process was killed with nothing said: not the requests cut, nor the
stores left unclosed. The server tells the app nothing at the SIGTERM, so the lifespan's start
puts a handler of its own in front of the server's (`hook_sigterm`), which reads the count the
requests keep anyway (`Handling._in_flight`): nothing is paid per request.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .asgi_start import uvicorn_server

if TYPE_CHECKING:
    import asyncio

__all__ = ["hook_sigterm"]

logger = logging.getLogger("alexaskill")


def hook_sigterm(
    name: str, in_flight: Callable[[], int], loop: asyncio.AbstractEventLoop
) -> Callable[[], None] | None:
    """Put a SIGTERM handler in front of the server's: at the signal, if ``in_flight()`` requests
    are under way, a WARNING naming how many (said on ``loop``), then the server's own handler.
    What takes it away again (the lifespan's shutdown), or None where nothing was put:

    - off the main thread (only it may set a signal's handler);
    - where SIGTERM's handler is not a uvicorn server's (`alexaskill.asgi_start.uvicorn_server`,
      which finds it behind another skill's hook too, chained to then), which each uvicorn
      pyproject.toml allows sets as it starts, before the lifespan (the one ``alexaskill serve``
      runs too). Behind Mangum, in the Lambda runtime's own process, it is the default, which
      dies of the signal at once (no handler would run long enough to say anything, and one there
      would keep it from dying as it did), or the function's own (AWS's graceful shutdown): the
      first invocation's lifespan starts before a request has told the skill it is behind
      Mangum, and a handler put in front of the function's changed it there.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    server_handler = signal.getsignal(signal.SIGTERM)
    if not callable(server_handler) or uvicorn_server() is None:
        return None
    hooked = [True]

    def on_sigterm(signum: int, frame: Any) -> None:
        count = in_flight() if hooked else 0
        if count:
            # Said on the loop, not here: a signal's handler runs between any two bytecodes of
            # the main thread, which may be inside a log handler's write (a line of its own
            # half written); the loop runs it at its next turn, well within the 300 ms.
            with contextlib.suppress(RuntimeError):  # (a closed loop: nothing is under way)
                loop.call_soon_threadsafe(_say, name, count)
        server_handler(signum, frame)

    # What it passes the signal on to, for `uvicorn_server` to find uvicorn's server behind it
    # (another skill's lifespan in the process, a failed start's counts said at its shutdown).
    functools.update_wrapper(on_sigterm, server_handler, assigned=(), updated=())
    signal.signal(signal.SIGTERM, on_sigterm)

    def unhook() -> None:
        hooked.clear()  # (chained to by a handler set since: it passes the signal on)
        if signal.getsignal(signal.SIGTERM) is on_sigterm:
            signal.signal(signal.SIGTERM, server_handler)

    return unhook


def _say(name: str, count: int) -> None:
    logger.warning(
        "AWS Lambda is shutting this instance down (SIGTERM) with %d %s to %s under way: it "
        "ends the process 300 ms later (500 with an internal extension), before the server has "
        "answered %s or closed the skill's stores (what they had yet to write is lost). Lambda "
        "shuts an instance down with a request under way once its invocation is past the "
        "function's timeout: keep the skill's deadline below it",
        count,
        "request" if count == 1 else "requests",
        name,
        "it" if count == 1 else "them",
    )

"""A web server run in AWS Lambda (the Lambda Web Adapter's uvicorn): Lambda's SIGTERM, as it
shuts the instance down, said in one WARNING when the skill's requests are still under way.

Lambda's SIGKILL follows its SIGTERM by 300 ms (500 with an internal extension). uvicorn waits
for the requests under way before the lifespan's shutdown, so with one there (an invocation past
the function's timeout) the process was killed with nothing said: not the requests cut, nor the
stores left unclosed. The server tells the app nothing at the SIGTERM, so the lifespan's start
puts a handler of its own in front of uvicorn's (`hook_sigterm`), which reads the count the
requests keep anyway (`Handling._in_flight`): nothing is paid per request.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from .server_stop import hook_stop

if TYPE_CHECKING:
    import asyncio

__all__ = ["hook_sigterm"]

logger = logging.getLogger("alexaskill")


def hook_sigterm(
    name: str, in_flight: Callable[[], int], loop: asyncio.AbstractEventLoop
) -> Callable[[], None] | None:
    """`hook_stop`, whose SIGTERM says, if ``in_flight()`` requests are under way, a WARNING
    naming how many (said on ``loop``), before uvicorn's own handler runs. What takes it away
    again (the lifespan's shutdown), or None where nothing was put (`hook_stop`'s cases: off the
    main thread; no uvicorn server's handler, as behind Mangum, in the Lambda runtime's own
    process, where SIGTERM's is the default, which dies of the signal at once, or one the
    function set of its own, left as it is)."""

    def on_stop(signum: int) -> None:
        count = in_flight() if signum == signal.SIGTERM else 0
        if count:
            # Said on the loop, not here: a signal's handler runs between any two bytecodes of
            # the main thread, which may be inside a log handler's write (a line of its own
            # half written); the loop runs it at its next turn, well within the 300 ms.
            with contextlib.suppress(RuntimeError):  # (a closed loop: nothing is under way)
                loop.call_soon_threadsafe(_say, name, count)

    return hook_stop(on_stop, loop)


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

"""`close_stores`: the skill's store and those its attribute services opened, closed once each;
`close_within`: a skill's closing at shutdown, bounded."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .base import Store, _awaitable

__all__ = [
    "CLOSE_TIMEOUT",
    "LAMBDA_CLOSE_TIMEOUT",
    "close_stores",
    "close_within",
    "shutdown_bound",
]

logger = logging.getLogger("alexaskill")

#: Seconds a server's shutdown spends closing a skill's stores (`Skill.aclose`), or the mounted
#: skills' together (``alexaskill serve``): uvicorn waits for an app's lifespan shutdown without a
#: bound, and a store whose server does not answer would hold up the exit for good.
CLOSE_TIMEOUT = 5.0
#: Seconds that closing gets instead on AWS Lambda (a server behind the Lambda Web Adapter, whose
#: one shutdown is at Lambda's SIGTERM as the instance ends): Lambda ends the process with SIGKILL
#: 300 ms after that signal (500 with an internal extension), which cut a longer close without a
#: word. Of those 300, uvicorn (bare, or ``alexaskill serve``'s) spends up to 200 before the
#: lifespan's shutdown (its main loop's next tick sees the signal, then its shutdown sleeps a
#: tenth of a second: tests/test_store_closing.py reads them); 50 are kept for the warning that
#: names what was left open, the lifespan's HTTP client's close and the server's exit.
LAMBDA_CLOSE_TIMEOUT = 0.05


def shutdown_bound(on_lambda: bool) -> float:
    """The seconds a shutdown closes for: `CLOSE_TIMEOUT`, or ``on_lambda`` (`on_lambda`) the
    less of it and `LAMBDA_CLOSE_TIMEOUT`."""
    return min(CLOSE_TIMEOUT, LAMBDA_CLOSE_TIMEOUT) if on_lambda else CLOSE_TIMEOUT


async def close_stores(
    store: Store, makers: Iterable[tuple[Callable[..., Any], Any]], *, skill: str
) -> None:
    """Close ``store`` (the skill's), then each store the services ``makers`` opened through
    `attributes_service` (a URL's, a store given, one a factory made), each once.

    A store whose ``aclose`` fails (its server gone, a plain ``def``) is logged with its
    traceback, naming ``skill`` (`Skill.log_name`: a process may close several), and the others
    are closed still: one failure left them all open before.
    """
    from .service import services_stores

    for one in (store, *services_stores(makers, besides=store)):
        try:
            await _awaitable(one, "aclose", one.aclose())
        except Exception:
            logger.exception("closing the store %s of %s failed", type(one).__name__, skill)


async def close_within(
    close: Callable[[], Awaitable[None]], seconds: float, what: str, *, shared: float = 0
) -> bool:
    """Await ``close()`` for ``seconds`` at most (asyncio or trio alike); past that it is
    cancelled, and a warning names ``what`` was left open. Whether it ended in time.

    ``shared``: ``seconds`` are what is left of a bound of that many for several skills
    (`alexaskill serve`'s mounted skills), which the warning names: a skill the ones before it
    left no time had been said to take "over 0 seconds"."""
    import anyio

    with anyio.move_on_after(max(seconds, 0)) as scope:
        await close()
    if scope.cancelled_caught:
        if shared:
            logger.warning(
                "%s not closed at shutdown: the %g seconds for closing every mounted skill's "
                "stores ran out",
                what,
                shared,
            )
        else:
            logger.warning(
                "%s not closed at shutdown: closing took over %g seconds", what, max(seconds, 0)
            )
        return False
    return True

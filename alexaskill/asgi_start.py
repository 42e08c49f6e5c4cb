"""What the ASGI app does around its start: the server it runs in checked at the lifespan's
start (proxies, loop, workers), a failed start said as the lifespan's failure, and the answer to
every request of a skill that could not start."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final, NoReturn

from .endpoint import _send
from .error_bodies import error_body
from .exceptions import ConfigurationError

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

__all__ = [
    "NEEDS_ASYNCIO",
    "check_proxies",
    "not_started",
    "outgoing_tls_failure",
    "startup_failed",
]

logger = logging.getLogger("alexaskill")


def check_proxies(receive: Receive) -> None:
    """At the lifespan's start, say what is wrong with the proxies the server trusts, if it is
    uvicorn: ``uvicorn app:skill`` with ``FORWARDED_ALLOW_IPS=*``, or a list it misreads, would
    otherwise go unsaid (`alexaskill.proxies`); and a TLS handshake it leaves a minute
    (`alexaskill.loops.check_served_loop`); and, under ``--workers``, a worker that ended
    without shutting down (`alexaskill.worker_ends`)."""
    from .loops import check_served_loop
    from .proxies import check_served_proxies_once, lifespan_server_config
    from .worker_ends import note_worker

    config = lifespan_server_config(receive)
    if config is not None:
        check_served_proxies_once(config)
        check_served_loop(config)
        note_worker(config)


def outgoing_tls_failure() -> ConfigurationError | None:
    """Why the process's TLS context for outgoing HTTPS cannot be made (a CA bundle that cannot
    be read: `alexaskill.tls`), or None; asked at the lifespan's start, before its HTTP client
    would fail inside Starlette's lifespan, the start said with a traceback."""
    from .tls import tls_context

    try:
        tls_context()
    except ConfigurationError as exc:
        return exc
    return None


NOT_STARTED: Final = error_body("the skill could not start; the server's log says why")


async def not_started(scope: Scope, send: Send) -> None:
    """Answer a request to a skill whose start failed: HTTP 500, the server's own fault and one
    that lasts (503 would tell clients and load balancers that trying later may work)."""
    if scope["type"] == "http":
        await _send(send, 500, NOT_STARTED)
    elif scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1011})


NEEDS_ASYNCIO: Final = (
    "alexaskill is served on an asyncio event loop (uvicorn; Hypercorn's asyncio workers), not "
    "on trio: the download of Amazon's signing certificate needs asyncio"
)


async def startup_failed(receive: Receive, send: Send, exc: Exception) -> NoReturn:
    """Answer the lifespan's startup with its failure: ``exc``'s message (and, unless it is a
    `ConfigurationError`, a traceback in the log); then raise ``exc``.

    Raised after the answer, as Starlette's own lifespan does: a server (uvicorn) stops quietly
    at the failure said, and Starlette's test client raises it from its ``with``, where a
    lifespan that returned left it waiting for good for the shutdown's answer.
    """
    if not isinstance(exc, ConfigurationError):
        logger.error("the skill's app could not start", exc_info=exc)
    message = await receive()
    if message["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.failed", "message": f"{exc}"})
    raise exc

"""The head deadline's sweep (`alexaskill.server`): one timer a loop, not one a request head."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

__all__: list[str] = []  # the server protocols' helper

logger = logging.getLogger("alexaskill.server")

#: Seconds between two sweeps for heads past their deadline: a deadline acts up to this late.
_SWEEP_SECONDS: Final = 0.25


class _Sweeper:
    """Closes, every `_SWEEP_SECONDS` on one loop, the connections whose head is past its deadline
    (or whose answer's writes have waited for the client past theirs).

    One timer a loop rather than one a request head, made and cancelled (uvloop's ``call_later``
    allocates a libuv timer each time): ~1% of the server's CPU a request under load
    (benchmarks/README.md, the ``def-info-docker`` row). Every server (every set of connections)
    on the loop is swept. The timer runs only while some connection waits for a head: an idle
    server, or one whose connections all idle between requests (uvicorn's keep-alive timeout
    closes those), is not woken.
    """

    __slots__ = ("armed", "loop", "servers")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.servers: dict[int, set[Any]] = {}
        self.armed = False

    def arm(self) -> None:
        """Sweep in `_SWEEP_SECONDS` (a connection began to wait for a head)."""
        self.armed = True
        self.loop.call_later(_SWEEP_SECONDS, self.sweep)

    def sweep(self) -> None:
        now = self.loop.time()
        waiting = False
        for connections in self.servers.values():
            for connection in list(connections):
                stalled = getattr(connection, "_stalled_since", None)
                if stalled is not None:
                    if now - stalled < connection.write_timeout:
                        waiting = True
                    else:
                        connection._write_timed_out()
                    continue
                idle = getattr(connection, "_idle_since", None)
                if idle is not None:
                    if now - idle < connection.timeout_keep_alive:
                        waiting = True
                    elif not connection.transport.is_closing():
                        connection._idle_since = None
                        connection.transport.close()  # as uvicorn's keep-alive timer does
                        connection._closing()  # (pipelined answers maybe still unsent)
                        waiting = waiting or connection._stalled_since is not None
                    continue
                since = getattr(connection, "_head_since", None)
                if since is None:
                    continue
                if now - since < connection.header_timeout:
                    waiting = True
                    continue
                try:
                    connection._head_timed_out()
                except Exception:  # one connection's fault must not end the sweeping
                    connection._head_since = None  # nor be logged again every sweep
                    logger.exception("closing a connection past its head deadline failed")
        if waiting:
            self.loop.call_later(_SWEEP_SECONDS, self.sweep)
        else:
            self.armed = False


def _sweeper(loop: asyncio.AbstractEventLoop, connections: set[Any]) -> _Sweeper:
    """The loop's `_Sweeper`, sweeping ``connections`` too."""
    sweeper: _Sweeper | None = getattr(loop, "_alexaskill_sweeper", None)
    if sweeper is None:
        sweeper = _Sweeper(loop)
        loop._alexaskill_sweeper = sweeper  # type: ignore[attr-defined]
    sweeper.servers.setdefault(id(connections), connections)
    return sweeper

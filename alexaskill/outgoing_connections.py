"""What httpx's transport needs of an outgoing request sent within a time limit (a certificate
download, a call to Alexa's APIs): its async backend imported before the clock starts
(`load_async_backend`), the TCP connection of a TLS handshake the time limit cancelled closed,
and the pool's place of a proxy's tunnel whose TLS handshake failed, of a SOCKS proxy's
connection whose connect failed or was cancelled, or of a connection made for a request that went
away before it used it, given back (`OpenedConnection`). The SOCKS handshake's bound is
`alexaskill.outgoing_socks`', the pools read through httpx's private attributes
`alexaskill.outgoing_pools`'."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from .outgoing_pools import (
    _mark_failed,
    _pools,
    _socks_connecting,
    _tunnels_holding,
    _unstarted,
    attributes,
    transport_for,
)
from .outgoing_socks import (
    SOCKS_BROKEN_OFF,
    ConnectSteps,
    _bound,
    _broken_handshake,
    _unbound,
    bound_socks_handshake,
    connect_steps,
)

if TYPE_CHECKING:
    import httpcore
    import httpx

# The SOCKS handshake's bound and the connection steps (outgoing_socks), and the pools read
# (outgoing_pools), are re-exported: the commands, outgoing_progress and the tests import them
# from here.
__all__ = [
    "SOCKS_BROKEN_OFF",
    "ConnectSteps",
    "OpenedConnection",
    "attributes",
    "bound_socks_handshake",
    "connect_steps",
    "load_async_backend",
    "transport_for",
]


class OpenedConnection:
    """The TCP connection httpcore opened for one request, and whether its TLS handshake (with
    the server, or with an https:// proxy) is under way: from httpx's ``trace`` extension, for
    `close_cancelled_handshake`; and the pool's place of a tunnel whose TLS handshake failed
    given back (`free_failed_tunnel`), and that of a SOCKS connection whose connect failed
    (`free_failed_socks`), if ``transport`` (`transport_for`) is httpx's and ``request`` the
    one traced."""

    __slots__ = ("handshaking", "opened", "request", "socks_timeout", "stream", "transport")

    def __init__(self, transport: object = None, request: httpx.Request | None = None) -> None:
        #: The last TCP connection opened (its trace's ``connect_tcp``), None before any.
        self.stream: httpcore.AsyncNetworkStream | None = None
        self.handshaking = False
        #: The transport the request goes through, whose pool holds its connection.
        self.transport = transport
        #: Every stream opened for the request (TCP, and TLS over it): its connection's own.
        self.opened: list[object] = []
        #: The request traced (its extensions, which httpx hands httpcore, name it in the pool).
        self.request = request
        #: The connect timeout httpx gave the TCP connection to a SOCKS proxy (`_bound`).
        self.socks_timeout: float | None = None

    def note(self, step: str, when: str, info: Mapping[str, object]) -> None:
        """Note httpcore's traced ``step`` (``"connect_tcp"``, ``"start_tls"``...) at ``when``
        (``"started"``, ``"complete"``, ``"failed"``)."""
        if step in ("connect_tcp", "start_tls") and when == "complete":
            self.opened.append(info.get("return_value"))
        if step == "connect_tcp" and when == "complete":
            import httpcore

            opened = info.get("return_value")  # (httpcore's network stream, as it documents)
            self.stream = opened if isinstance(opened, httpcore.AsyncNetworkStream) else None
        elif step == "start_tls" and when != "failed":
            # (A cancellation is traced "failed" too, before `close_cancelled_handshake`.)
            self.handshaking = when == "started"

    async def trace(self, event: str, info: dict[str, object]) -> None:
        """httpx's ``trace`` extension: ``"connection.connect_tcp.complete"`` and the like."""
        step, _, when = event.rpartition(".")
        self.note(step.rpartition(".")[2], when, info)
        if event == "socks.connect_tcp.started":  # (httpx's connect timeout, for the handshake)
            timeout = info.get("timeout")
            self.socks_timeout = timeout if isinstance(timeout, int | float) else None
        elif event == "socks.connect_tcp.complete" and self.stream is not None:
            _bound(self.stream, self.socks_timeout)
        elif event.startswith("socks.setup_socks5_connection.") and when != "started":
            _unbound(self.stream)
        if event == "proxy.start_tls.failed":  # (the handshake through a proxy's tunnel)
            await self.free_failed_tunnel()
        elif event.startswith("socks.") and when == "failed":  # (a SOCKS proxy's connect)
            await self.free_failed_socks()
            if event == "socks.setup_socks5_connection.failed":
                _broken_handshake(info.get("exception"))  # (httpx's ProxyError, not socksio's)

    async def free_failed_tunnel(self) -> None:
        """Close the pool's connection of a proxy's tunnel whose TLS handshake failed or was
        cancelled, so that the pool drops it. httpcore (1.0.9) marks a direct connection
        failed then, but not a tunnel (``AsyncTunnelHTTPConnection``): it stayed in the pool,
        neither closed nor available nor ever expiring, and took one of its places for good
        (each stalled or refused handshake through a proxy one more, till the client's
        ``max_connections``; then no request of the client got a connection). Called from the
        trace, before the pool looks at its connections again: a request waiting for a place
        gets this one."""
        import anyio

        for connection in _tunnels_holding(self.transport, self.opened):
            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                await connection.aclose()  # (closed already by a cancellation: nothing more)

    async def free_failed_socks(self) -> None:
        """Mark the pool's SOCKS connection of this request failed, and close its TCP
        connection, when its connect (to the proxy, the SOCKS handshake, the TLS handshake
        through it) failed or was cancelled. httpcore (1.0.9) marks it failed on an Exception,
        not on a cancellation (a time limit's): it stayed in the pool, neither closed nor
        available nor ever expiring, and took one of its places for good; nor does it close
        the socket of a SOCKS handshake that failed or was cancelled, or of a TLS handshake
        cancelled (left to the garbage collector). Called from the trace, before the pool looks
        at its connections again: a request waiting for a place gets this one."""
        import anyio

        for connection in _socks_connecting(self.transport, self.request):
            _mark_failed(connection)
        stream, self.stream = self.stream, None
        if stream is not None:
            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                await stream.aclose()  # (closed already by a failed TLS handshake: nothing)

    async def free_unstarted(self) -> None:
        """Give back the pool's place of a connection made for a request that never started
        it: httpcore (1.0.9) makes a connection for a queued request as a place frees up, and
        one whose time limit ends then (its wait for the place cancelled, or out of time) left
        it in the pool unstarted, held by no request, neither closed nor available nor ever
        expiring (its place taken for good: with them all taken, no request got a connection
        again). Marked failed, the pool drops it, and a request waiting gets its place. Called
        after a request failed or was cancelled in the pool's hands."""
        import anyio

        for pool in _pools(self.transport):
            orphans = _unstarted(pool)
            if not orphans:
                continue
            for connection in orphans:
                _mark_failed(connection)
            with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
                assign = pool._assign_requests_to_connections  # type: ignore[attr-defined]
                with pool._optional_thread_lock:  # type: ignore[attr-defined]
                    closing = assign()
                await pool._close_connections(closing)  # type: ignore[attr-defined]

    async def close_cancelled_handshake(self) -> None:
        """Close the connection whose TLS handshake a cancellation ended (a time limit's).
        httpcore (1.0.9) closes it when the handshake fails (an Exception), not when it is
        cancelled, and its socket stayed open until the garbage collector found it. Past the
        handshake httpcore closes it itself."""
        stream, self.stream = self.stream, None
        if stream is not None and self.handshaking:
            with contextlib.suppress(Exception):  # (closed already: nothing more to do)
                await stream.aclose()


#: The kinds of event loop `load_async_backend` readied this process: ``"asyncio"``, ``"trio"``.
_READIED: Final[set[str]] = set()


def load_async_backend() -> None:
    """Import what httpx's transport imports at its first request on an event loop: anyio's
    backend for it (for asyncio: its sockets, its TLS streams), tens of ms, seconds on a loaded
    machine; and the codec ``socket.getaddrinfo`` encodes a host name with (``idna``: trio calls
    it on the loop's thread, asyncio in a worker thread, within the time limit either way).
    Called before a time limit starts (`Downloads`', an Alexa API call's), which the first
    request spent on it (httpcore's pool imports it, before any connection is traced). Once a
    process for each kind of event loop (asyncio, trio: a process may run both, one after the
    other); inside a running event loop."""
    import asyncio  # (imported already by its callers)

    try:
        asyncio.get_running_loop()
        loop = "asyncio"
    except RuntimeError:  # (anyio's and httpcore's other backend)
        loop = "trio"
    if loop in _READIED:
        return
    # (An anyio that changed fails here, or imports less: the first request imports the rest.)
    with contextlib.suppress(Exception):
        import encodings.idna  # noqa: F401

        import anyio.streams.tls  # (httpcore's TLS, named: not left to what anyio imports)

        anyio.get_current_task()  # (anyio imports its backend for the running loop)
    _READIED.add(loop)

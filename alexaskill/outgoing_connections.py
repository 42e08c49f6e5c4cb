"""What httpx's transport needs of an outgoing request sent within a time limit (a certificate
download, a call to Alexa's APIs): its async backend imported before the clock starts
(`load_async_backend`), the TCP connection of a TLS handshake the time limit cancelled closed,
and the pool's place of a proxy's tunnel whose TLS handshake failed, of a SOCKS proxy's
connection whose connect failed or was cancelled, or of a connection made for a request that went
away before it used it, given back (`OpenedConnection`)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import httpcore
    import httpx

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


def _bound(stream: object, timeout: float | None) -> None:
    """Give the reads and writes of ``stream`` (httpcore's, to a SOCKS proxy; an async one, or
    a sync client's) ``timeout`` when they are given none: httpcore (1.0.9) gives its SOCKS
    handshake no timeout (each read waits for ever), so a proxy that took the connection and
    said nothing held the request past httpx's timeout, till a time limit around it ended it
    (or for ever, without one: the commands' sync clients). With httpx's connect timeout, as
    its TCP connect and TLS handshake have, it ends as a ``ConnectTimeout`` (said a stalled
    SOCKS handshake). `_unbound` once the handshake is done."""
    import inspect

    import httpcore

    read, write = getattr(stream, "read", None), getattr(stream, "write", None)
    if timeout is None or read is None or write is None:
        return
    limit = timeout

    def connect_timeout(exc: Exception) -> httpcore.ConnectTimeout:
        return httpcore.ConnectTimeout(f"the SOCKS proxy's handshake: {exc}")

    async def bounded_read(max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            data: bytes = await read(max_bytes, limit if timeout is None else timeout)
        except httpcore.ReadTimeout as exc:
            raise connect_timeout(exc) from exc
        return data

    async def bounded_write(buffer: bytes, timeout: float | None = None) -> None:
        try:
            await write(buffer, limit if timeout is None else timeout)
        except httpcore.WriteTimeout as exc:
            raise connect_timeout(exc) from exc

    def bounded_sync_read(max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            data: bytes = read(max_bytes, limit if timeout is None else timeout)
        except httpcore.ReadTimeout as exc:
            raise connect_timeout(exc) from exc
        return data

    def bounded_sync_write(buffer: bytes, timeout: float | None = None) -> None:
        try:
            write(buffer, limit if timeout is None else timeout)
        except httpcore.WriteTimeout as exc:
            raise connect_timeout(exc) from exc

    asynchronous = inspect.iscoroutinefunction(read)
    with contextlib.suppress(AttributeError):  # (a stream with slots: left as it is)
        stream.read = bounded_read if asynchronous else bounded_sync_read  # type: ignore[attr-defined]
        stream.write = bounded_write if asynchronous else bounded_sync_write  # type: ignore[attr-defined]


class ConnectSteps:
    """httpx's ``trace`` extension of a sync client's request (`bound_socks_handshake`): its
    SOCKS handshake bounded by httpx's connect timeout (`_bound`), as `OpenedConnection.trace`
    bounds an async one's; and how far its connection got, for what a command says of one that
    failed (`connect_steps`): the address it connected to (``peer``: a proxy's, when not the
    URL's), whether that is a SOCKS proxy (``socks``), the tunnel asked of it (``tunnel``), and
    httpcore's last step begun (``stage``: ``"connect_tcp"``, ``"socks"`` for the SOCKS
    handshake, ``"tunnel"`` for an http:// proxy's CONNECT, ``"proxy_tls"`` for an https://
    proxy's own TLS handshake, ...), given the ``server`` (``host:port``) the URL names."""

    __slots__ = ("forwarded", "peer", "server", "socks", "stage", "stream", "timeout", "tunnel")

    def __init__(self, server: str | None = None) -> None:
        #: ``host:port`` of the request's URL (None: unknown, no ``"proxy_tls"`` told apart).
        self.server = server
        #: Whether the request went to an http:// proxy in absolute form (``GET http://…``,
        #: an http:// URL through ``HTTP_PROXY``: no tunnel), for the proxy to forward.
        self.forwarded = False
        self.stream: object = None
        self.timeout: float | None = None
        self.peer: str | None = None
        self.socks = False
        self.tunnel: str | None = None
        self.stage: str | None = None

    def __call__(self, event: str, info: Mapping[str, object]) -> None:
        self._note(event, info)
        if event == "socks.connect_tcp.started":
            timeout = info.get("timeout")
            self.timeout = timeout if isinstance(timeout, int | float) else None
        elif event == "socks.connect_tcp.complete":
            self.stream = info.get("return_value")
            _bound(self.stream, self.timeout)
        elif event.startswith("socks.setup_socks5_connection.") and not event.endswith("started"):
            _unbound(self.stream)
            if event.endswith(".failed"):  # (httpcore 1.0.9 leaves its socket to the GC)
                with contextlib.suppress(Exception):
                    self.stream.close()  # type: ignore[attr-defined]
                _broken_handshake(info.get("exception"))

    def _note(self, event: str, info: Mapping[str, object]) -> None:
        """Note the step ``event`` begins (``"connection.connect_tcp.started"`` and the like)."""
        step, _, when = event.rpartition(".")
        step = step.rpartition(".")[2]
        if when != "started" or step not in _CONNECT_STEPS:  # (not "response_closed": clean-up)
            return
        if event.startswith("socks."):
            self.socks = True
        if step == "connect_tcp":
            self.peer = f"{info.get('host')}:{info.get('port')}"
        elif step == "setup_socks5_connection":
            step = "socks"
        elif step == "start_tls" and self.stage == "connect_tcp" and self.peer != self.server:
            # Right after a TCP connection to another address than the URL's, before any
            # CONNECT: the handshake is an https:// proxy's own (httpcore speaks TLS to a
            # proxy only for an https:// proxy URL), not the server's through a tunnel.
            step = "proxy_tls" if self.server is not None else step
        request = info.get("request")
        target = bytes(getattr(getattr(request, "url", None), "target", b"") or b"")
        if getattr(request, "method", None) == b"CONNECT":  # (an http:// proxy's tunnel)
            self.tunnel = target.decode("ascii", "replace")
            step = "tunnel"
        elif target.startswith((b"http://", b"https://")):  # (a kept connection traces no connect)
            self.forwarded = True
        self.stage = step


def _broken_handshake(exc: object) -> None:
    """Raise httpcore's ``ProxyError`` for a SOCKS handshake that broke off with another error
    than httpcore's (socksio's ``ProtocolError``, "Malformed reply", for a proxy that closed
    the connection or answered no SOCKS5; httpcore's own ``assert`` on a reply of the wrong
    kind): httpcore (1.0.9) lets those out as they are, past httpx's mapping of its errors,
    so they escaped the commands' ``except httpx.HTTPError`` as a traceback. Raised from the
    trace's ``failed`` event, it replaces the error (kept as its context): httpx's
    ``ProxyError``, said the proxy's (`alexaskill.cli.url_answers.proxy_failure`)."""
    import httpcore

    try:
        from socksio import SOCKSError  # (there: the SOCKS handshake was httpcore's with it)
    except ImportError:
        return
    if isinstance(exc, SOCKSError | AssertionError):
        said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise httpcore.ProxyError(f"{SOCKS_BROKEN_OFF} ({said})") from exc


#: The start of `_broken_handshake`'s message, which `alexaskill.cli.url_answers` looks for.
SOCKS_BROKEN_OFF: Final = "the SOCKS5 handshake broke off"


#: httpcore's steps up to an answer's head, which `ConnectSteps` notes (and a download's or an
#: API call's `outgoing_progress.Progress`).
_CONNECT_STEPS: Final = frozenset(
    {
        "connect_tcp",
        "setup_socks5_connection",
        "start_tls",
        "send_request_headers",
        "send_request_body",
        "receive_response_headers",
    }
)


def connect_steps(exc: BaseException) -> ConnectSteps | None:
    """The `ConnectSteps` traced of the request that failed with ``exc`` (an httpx error of a
    client given `bound_socks_handshake`), None if none was."""
    try:
        request = getattr(exc, "request", None)  # (httpx's RuntimeError when it has none)
    except RuntimeError:
        return None
    steps = getattr(request, "extensions", {}).get("trace")
    return steps if isinstance(steps, ConnectSteps) else None


def bound_socks_handshake(request: httpx.Request) -> None:
    """A sync ``httpx.Client``'s request hook (``event_hooks={"request": [...]}``, the
    commands' ``--url`` clients) that bounds its SOCKS handshake by its connect timeout: a
    SOCKS proxy the environment sets (``ALL_PROXY``) that says nothing held them for ever. Its
    trace (`ConnectSteps`) says how far a request that failed got (`connect_steps`)."""
    url = request.url
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    server = f"{url.raw_host.decode('ascii', 'replace')}:{port}"  # (as httpcore traces it)
    request.extensions.setdefault("trace", ConnectSteps(server))


def _unbound(stream: object) -> None:
    """Take `_bound`'s reads and writes off ``stream``: its own again, past the handshake."""
    for name in ("read", "write"):
        with contextlib.suppress(AttributeError, TypeError):
            if name in vars(stream):
                delattr(stream, name)


def transport_for(client: httpx.AsyncClient, url: httpx.URL | str) -> object:
    """The transport ``client`` sends ``url`` through, None if unknown. httpx has no public way
    to ask (nor traces its pool's wait), so its private ``_transport_for_url`` is (its mounts
    and proxies per URL): gone, a full pool gets the network's advice again, a failed tunnel
    keeps its pool's place, and tests/test_verify_fetch_proxies.py's
    test_httpx_still_names_the_transport_that_sends_a_url fails."""
    import httpx

    find = getattr(client, "_transport_for_url", None)
    try:
        return None if find is None else find(httpx.URL(url))
    except Exception:  # (an odd URL or client: nothing known)
        return None


def _tunnels_holding(
    transport: object, streams: list[object]
) -> list[httpcore.AsyncConnectionInterface]:
    """The connections of ``transport``'s pool (httpx's own transport) that are proxies'
    tunnels not yet open over one of ``streams``, not closed. Works around httpcore 1.0.9's
    ``AsyncTunnelHTTPConnection``, which does not mark itself failed when the TLS handshake
    through its tunnel fails or is cancelled (its ``AsyncHTTPConnection`` does, and the pool
    drops it): no public attribute names a connection's stream, nor a transport's pool, so
    these private ones are read, httpx's ``AsyncHTTPTransport._pool`` (0.28 to 0.29) and the
    tunnel's ``_connection`` (its connection to the proxy, till the tunnel is open), its
    ``_connection`` (the HTTP/1.1 one) and its ``_network_stream``. Renamed, nothing is found
    (the pool keeps its dead place, as before), and tests/test_outgoing_connections.py fails.
    Upstream: encode/httpcore issue 1023, open; once a release fixes it (for a cancellation
    too: its pull requests speak of exceptions), this and `free_failed_tunnel` may go."""
    connections = [c for pool in _pools(transport) for c in getattr(pool, "connections", ())]
    found = []
    for connection in connections:  # (httpcore's public list of them)
        to_proxy = getattr(getattr(connection, "_connection", None), "_connection", None)
        held = getattr(to_proxy, "_network_stream", None)
        ours = held is not None and any(held is stream for stream in streams)
        if ours and not connection.is_closed():
            found.append(connection)
    return found


def _socks_connecting(transport: object, request: httpx.Request | None) -> list[object]:
    """The connection of ``transport``'s pool (httpx's own transport, through a SOCKS proxy)
    that ``request`` is connecting, if not marked failed. Works around httpcore 1.0.9's
    ``AsyncSocks5Connection``, which marks itself failed (``_connect_failed``, which its
    ``is_closed`` reads until connected) on an Exception only, not on a cancellation (its
    ``AsyncHTTPConnection`` does on both). No public attribute names a request's connection,
    nor a transport's pool: these private ones are read, httpx's
    ``AsyncHTTPTransport._pool`` (0.27 to 0.29), the pool's ``_requests`` (each with its
    ``request``, whose ``extensions`` are the httpx request's own dict, and its
    ``connection``), the connection's ``_connection`` (None till connected) and
    ``_connect_failed``. Renamed, nothing is found (the pool keeps its dead place, as
    before), and tests/test_outgoing_connections.py fails. Upstream: encode/httpcore issue
    1023 (the tunnel's alike); once a release marks a cancelled SOCKS connect failed, this and
    `free_failed_socks`'s marking may go."""
    if request is None:
        return []
    found: list[object] = []
    for waiting in [w for pool in _pools(transport) for w in getattr(pool, "_requests", ())]:
        connection = getattr(waiting, "connection", None)
        ours = getattr(getattr(waiting, "request", None), "extensions", None) is request.extensions
        if (
            ours
            and type(connection).__name__ == "AsyncSocks5Connection"
            and getattr(connection, "_connection", ()) is None
            and getattr(connection, "_connect_failed", None) is False
        ):
            found.append(connection)
    return found


def _unstarted(pool: object) -> list[object]:
    """The connections of ``pool`` (httpcore's) never started and held by no request: made for
    a request that went away before it used it (`OpenedConnection.free_unstarted`). The pool's
    private ``_requests`` (each with its ``connection``) and the connections' ``_connection``
    (None till connected; a tunnel's or a forwarding proxy's: its connection to the proxy,
    whose own is None till connected) and ``_connect_failed`` are read: renamed, nothing is
    found (the place is kept, as before), and tests/test_outgoing_connections.py fails."""
    held = [getattr(waiting, "connection", None) for waiting in getattr(pool, "_requests", ())]
    found = []
    for pooled in getattr(pool, "connections", ()):
        connection, inner = pooled, getattr(pooled, "_connection", ())
        if type(pooled).__name__ in ("AsyncTunnelHTTPConnection", "AsyncForwardHTTPConnection"):
            connection = inner  # (the connection to the proxy: marked failed, the tunnel is too)
            inner = getattr(connection, "_connection", ())
        if (
            inner is None
            and getattr(connection, "_connect_failed", None) is False
            and not any(holder is pooled for holder in held)
        ):
            found.append(connection)
    return found


#: How deep `_pools` looks into wrappers held by wrappers.
_WRAPPING_DEPTH: Final = 4


def _pools(transport: object, depth: int = 0) -> list[object]:
    """The pools (httpx's private ``_pool``) of the httpx transports ``transport`` is or holds:
    httpx's own (or a subclass of it), or those a transport of one's own around it holds in
    its attributes (its instance's, or slots), wrappers of wrappers too. One that holds httpx's
    in a closure or a container is not seen through: a failed connection there keeps its
    pool's place (README, "Outbound HTTPS")."""
    import httpx

    pool = (
        getattr(transport, "_pool", None)
        if isinstance(transport, httpx.AsyncHTTPTransport)
        else None
    )
    if pool is not None:
        return [pool]
    if not isinstance(transport, httpx.AsyncBaseTransport) or depth >= _WRAPPING_DEPTH:
        return []
    try:
        values = attributes(transport)
    except Exception:  # (a wrapper's own __getattr__ or property that fails: nothing known)
        return []
    return [pool for value in values for pool in _pools(value, depth + 1)]


def attributes(value: object) -> list[object]:
    """The values of ``value``'s instance attributes and slots (its class's and its bases')."""
    found = list(getattr(value, "__dict__", {}).values())
    for kind in type(value).__mro__:
        slots = kind.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(value, name):
                found.append(getattr(value, name))
    return found


def _mark_failed(connection: object) -> None:
    """Mark httpcore (1.0.9)'s ``AsyncSocks5Connection`` (or ``AsyncHTTPConnection``) failed,
    as it marks itself on an Exception: its pool then drops it (`_socks_connecting`,
    `_unstarted`)."""
    connection._connect_failed = True  # type: ignore[attr-defined]


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

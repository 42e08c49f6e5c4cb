"""A SOCKS proxy's handshake bounded, and how far a sync client's connection got: httpcore
gives the handshake no timeout, so a proxy that says nothing held a request for ever; here its
reads and writes take httpx's connect timeout (`_bound`, for `OpenedConnection` and for a sync
client's request traced by `ConnectSteps`), and one that broke off with socksio's error is
httpx's ``ProxyError`` (`_broken_handshake`). What a command says of a connection that failed
reads `connect_steps` (`alexaskill.cli.url_answers`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import httpcore
    import httpx

__all__ = ["SOCKS_BROKEN_OFF", "ConnectSteps", "bound_socks_handshake", "connect_steps"]


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

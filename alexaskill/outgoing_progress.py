"""How far one outgoing request got (`Progress`, from httpx's trace of its connection), and
what the log says when its time ran out: no answer to its connection, a server reached that
answered too slowly, a proxy that did not answer its CONNECT (or finish its SOCKS handshake), or
no connection free in the client's pool; or when a proxy refused its tunnel. Its users give it
their own words for their time limit, the network's advice and the pool's: a certificate-chain
download (`alexaskill.verify.progress.download_progress`), a call to Alexa's APIs
(`alexaskill.alexa_api.reading.call_progress`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .outgoing_connections import OpenedConnection, attributes, transport_for
from .outgoing_pools import _pools
from .outgoing_socks import _CONNECT_STEPS
from .shown_names import shown as _shown

if TYPE_CHECKING:
    import httpx

__all__ = ["Progress"]


class Progress:
    """How far one request got (a download, a call), from httpx's trace of its connection (none
    through a transport that does not trace, a MockTransport's): what the log says when its time
    ran out, since a server that took the connection and then said nothing needs no DNS
    checked."""

    __slots__ = (
        "around",
        "declared",
        "forwarded",
        "limit",
        "network_advice",
        "opened",
        "peer",
        "pool_advice",
        "proxy",
        "proxy_url",
        "raised",
        "received",
        "request",
        "shown",
        "socks",
        "stage",
        "traces",
        "tunnel",
    )

    def __init__(
        self,
        *,
        limit: str,
        network_advice: str,
        pool_advice: str,
        shown: str | None = None,
    ) -> None:
        #: What the log calls the time limit ("download_timeout", "the call's timeout").
        self.limit = limit
        #: What the log calls the request (None: ``GET`` and its URL, as `sent` says it).
        self.shown = shown
        #: What to check when no server was reached (a TCP connection that got no answer).
        self.network_advice = network_advice
        #: What to do when the client's pool had no connection free.
        self.pool_advice = pool_advice
        #: httpx's own timeout, when it raised one (a copy without its request), for
        #: `timed_out` to name and, untraced, to read the stage from.
        self.raised: BaseException | None = None
        #: httpcore's last step begun ("connect_tcp", "start_tls", "send_request_headers",
        #: "receive_response_headers", ...), "tunnel" for a proxy's CONNECT, "socks" for a
        #: SOCKS proxy's handshake, "body" once the head came; None before any.
        self.stage: str | None = None
        self.received = 0
        self.declared: float | None = None
        #: Whether the client's transport traces every connection it begins (httpx's own):
        #: nothing traced then is a wait for a free connection of its pool.
        self.traces = False
        #: The name of the client's transport when it is one of its own around httpx's (a
        #: subclass, a wrapper), which may hold a request itself before httpx's traces it.
        self.around: str | None = None
        #: ``host:port`` of the last TCP connection begun; the proxy's (``proxy``) when it is
        #: not the address of the URL sent, for the tunnel to ``tunnel``.
        self.peer: str | None = None
        self.proxy: str | None = None
        self.tunnel: str | None = None
        #: The URL of the proxy the client's transport sends through (its pool's), None if none.
        self.proxy_url: str | None = None
        #: Whether the request itself went to the proxy (a plain http:// URL's, in absolute
        #: form, no CONNECT): the proxy is then the peer that took it, never the server.
        self.forwarded = False
        #: Whether the connection is a SOCKS proxy's (httpcore traces its steps "socks.…").
        self.socks = False
        #: The request sent (`read_chain`'s), its URL as the transport left it.
        self.request: httpx.Request | None = None
        #: The TCP connection httpcore opened for it, closed if the time limit ends its TLS
        #: handshake (`read_chain`).
        self.opened = OpenedConnection()

    def sent_through(self, client: httpx.AsyncClient, url: str) -> None:
        """Note what ``client`` sends ``url`` through: whether it traces (`traces`), and the
        name of a transport of one's own around httpx's (`around`)."""
        transport = self.opened.transport = transport_for(client, url)
        self.traces = _sends_through_httpx(transport)
        self.around = _around(transport)
        socks = _socks_proxy(transport)
        if socks is not None:  # (named from the start: a connection kept traces no connect)
            self.socks, self.proxy = True, socks
        self.proxy_url = _proxy_url(transport)

    async def trace(self, event: str, info: dict[str, object]) -> None:
        """httpx's ``trace`` extension: ``"connection.connect_tcp.started"`` and the like."""
        await self.opened.trace(event, info)
        step, _, when = event.rpartition(".")
        step = step.rpartition(".")[2]
        # (Not "response_closed" or "close": httpcore's clean-up after a cancellation.)
        if when != "started" or step not in _CONNECT_STEPS or self.stage == "body":
            return
        if event.startswith("socks."):
            self.socks = True
        if step == "connect_tcp":
            self.peer = f"{info.get('host')}:{info.get('port')}"
            sent = self.request
            if sent is not None and self.peer != _address(sent.url):
                # Not the URL's address: the proxy's (HTTPS_PROXY, a client's proxy=), its
                # CONNECT or SOCKS handshake still to come. (A transport of one's own that sends
                # the request elsewhere and rewrites its URL, as the tests' do, is no proxy; one
                # that sends a copy is said one, which it is in effect.)
                self.proxy, self.tunnel = self.peer, _address(sent.url)
        if step == "setup_socks5_connection":
            # Connected to the SOCKS proxy: its greeting and CONNECT, the tunnel to the server.
            step = "socks"
        if step == "start_tls" and self.proxy is not None and self.stage == "connect_tcp":
            # Right after the TCP connection to the proxy, before any CONNECT: the handshake
            # is the proxy's own (an https:// proxy), not the server's through a tunnel.
            step = "proxy_tls"
        request = info.get("request")
        target = bytes(getattr(getattr(request, "url", None), "target", b"") or b"")
        if getattr(request, "method", None) == b"CONNECT":
            # Through a proxy (HTTPS_PROXY) the connection is the proxy's, and its first
            # request asks for a tunnel: until it answers, no certificate server was reached.
            self.proxy, self.tunnel = self.peer, target.decode("ascii", "replace")
            step = "tunnel"
        elif target.startswith((b"http://", b"https://")):
            # A request in absolute form is a proxy's (HTTP_PROXY, for an http:// URL): httpcore
            # forwards it to the proxy as it is, with no tunnel, so the proxy is what answers.
            self.forwarded = True
        self.stage = step

    def refused(self, url: str, exc: BaseException) -> str | None:
        """What the log says of the download of ``url`` that a proxy refused (httpx's
        ``ProxyError``: a SOCKS proxy's CONNECT refused, an http:// proxy's CONNECT answered
        with an error status); None for another failure, or a proxy not traced. The network's
        advice would mislead: the proxy was reached, and said no."""
        import httpx

        if not isinstance(exc, httpx.ProxyError) or self.proxy is None:
            return None
        from .outgoing_connections import SOCKS_BROKEN_OFF

        said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if str(exc).startswith(SOCKS_BROKEN_OFF):  # (closed mid-handshake, or no SOCKS5 spoken)
            return (
                f"{self.sent(url)}: {said}; {self.proxy_named()} broke off its "
                f"SOCKS5 handshake (the tunnel to {self.tunnel}): it closed the connection or "
                "answered no SOCKS5 (is a SOCKS5 proxy at that port?)"
            )
        return (
            f"{self.sent(url)}: {said}; {self.proxy_named()} "
            f"refused its tunnel to {self.tunnel}: the proxy could not reach the server, or "
            "does not let this server through (its log, its rules say which)"
        )

    def proxy_tls_failed(self, url: str, exc: BaseException) -> str | None:
        """What the log says of the request for ``url`` whose https:// proxy's own TLS handshake
        failed with ``exc`` (its certificate not trusted, no TLS at that port): before any
        CONNECT, so no server was reached. None for another failure (no ``ssl`` error among the
        causes of ``exc``, or another stage: a server's handshake through the tunnel)."""
        import ssl

        seen: BaseException | None = exc
        while seen is not None and not isinstance(seen, ssl.SSLError):
            seen = seen.__cause__ or seen.__context__
        if self.stage != "proxy_tls" or not isinstance(seen, ssl.SSLError):
            return None
        said = f"{type(exc).__name__}: {str(exc) or seen}"
        if isinstance(seen, ssl.SSLCertVerificationError):
            why = f"its certificate is not trusted ({seen.verify_message})"
        else:
            why = f"{seen.reason or seen}: is it an https:// proxy, not an http:// one?"
        return (
            f"{self.sent(url)}: {said}; the TLS handshake with "
            f"{self.proxy_named()} failed, before its CONNECT: {why}"
        )

    def sent(self, url: str) -> str:
        """What the log calls the request for ``url``: `shown`, else ``GET`` and the URL, a
        long one cut as `shown_names.shown` cuts a name (marked, with its length)."""
        return self.shown or f"GET {_shown(url)}"

    def proxy_named(self) -> str:
        """The proxy, as the log names it: ``the proxy at host:port (HTTPS_PROXY)`` when an
        environment variable sets it (`variable_setting`; through a transport of one's own, any
        that names it), else by its URL, ``the SOCKS proxy socks5://host:port`` (a client's
        ``proxy=``, a transport's own: no variable's, and none is named; one was guessed, the
        variable such a proxy is usually set by)."""
        from .outgoing_proxies import proxy_named, variable_setting

        sent = self.request
        scheme = "https" if sent is None else sent.url.scheme
        # Through a transport of one's own (`around`) httpx read no variable: its proxy is
        # whichever its maker gave it, so any variable that names it.
        anywhere = self.around is not None
        at = self.proxy or _proxy_address(self.proxy_url)  # (a kept connection traces none)
        found = None if at is None else variable_setting(scheme, at, anywhere=anywhere)
        return proxy_named(at, socks=self.socks, variable=found, url=self.proxy_url)

    def reached_no_server(self) -> bool:
        """Whether the request, its time run out, surely reached no server, so sent nothing:
        it was still making its connection (its TCP connection unanswered; or only a proxy's
        reached: its TLS handshake, its CONNECT or SOCKS handshake unanswered), or waiting for
        one of the pool's. Read from the trace, else from httpx's own timeout (``ConnectTimeout``,
        ``PoolTimeout``); False where that cannot be told (a transport that does not trace, or
        one of one's own around httpx's that may hold the request itself)."""
        stage = self.stage
        if stage is None:  # (untraced: httpx's class names the stage; nothing traced, the pool)
            raised = type(self.raised).__name__ if self.raised is not None else None
            inferred = "pool" if self.traces and self.around is None else None
            stage = _STAGE_OF.get(raised, inferred) if raised is not None else inferred
        return stage in _UNREACHED

    def timed_out(self, url: str, seconds: float, exc: BaseException | None = None) -> str:
        """What the log says of the download of ``url`` that ran out of its ``seconds``
        (``exc``: the transport's own timeout, else `Downloads`' time limit ended it)."""
        exc = exc or self.raised or TimeoutError(f"no answer within {seconds:g} s")
        said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        sent = self.sent(url)
        stage = self.stage
        inferred = stage is None and type(exc).__name__ not in _STAGE_OF
        if stage is None:  # (untraced: httpx's class names the stage)
            stage = _STAGE_OF.get(type(exc).__name__, "pool" if self.traces else None)
        within = f"within {seconds:g} s ({self.limit})"
        if stage == "connect_tcp" and self.proxy is not None:
            # The network's advice ("set HTTPS_PROXY") would send one to set what is set: the
            # proxy's address and the way to it are what to check.
            return (
                f"{sent}: {said}; its TCP connection to {self.proxy_named()} got no answer "
                f"{within}, a timeout, not a refusal: check that the proxy is up at that address "
                "and port, and that no firewall on the way drops this server's packets to it"
            )
        if stage == "connect_tcp":
            # The network's advice fits (a firewall that drops packets, a name resolved to
            # an address nothing answers at), said as the timeout it was.
            to = "" if self.peer is None else f" to {self.peer}"
            return (
                f"{sent}: {said}; its TCP connection{to} got no answer {within}, a "
                f"timeout, not a refusal: {self.network_advice}"
            )
        if stage == "pool":
            # No connection begun (httpx's own transport traces each, DNS included): nothing
            # of the network's to check.
            why = (
                f"no connection of the HTTP client's came free for it {within}: the HTTP "
                "client's pool is exhausted, all the connections its limits allow "
                "(httpx.Limits(max_connections=...)) busy with its other requests; raise them, "
                f"or {self.pool_advice}"
            )
            if inferred and self.around is not None:  # (no PoolTimeout said it was the pool)
                why += (
                    f"; or its transport {self.around}, around httpx's, held the request before "
                    "passing it on (or passed it on without its trace extension)"
                )
        elif stage == "tunnel":
            why = (
                f"{self.proxy_named()} was reached (connected, CONNECT sent) but did not answer "
                f"its CONNECT (the tunnel to {self.tunnel}) {within}: a slow or stuck proxy, or "
                "one that cannot reach the server"
            )
        elif stage == "socks":
            why = (
                f"{self.proxy_named()} was reached (connected) but did not finish its SOCKS5 "
                f"handshake (the tunnel to {self.tunnel}) {within}: a slow or stuck proxy, or one "
                "that cannot reach the server"
            )
        elif stage == "proxy_tls":
            why = (
                f"its TCP connection to {self.proxy_named()} was made, but the TLS handshake with "
                f"the proxy (an https:// one) got no answer {within}: a proxy that does not "
                "speak TLS there (an http:// one named https://), or a slow one"
            )
        elif stage == "start_tls" and self.proxy is not None:
            why = (
                f"{self.proxy_named()} opened its tunnel to {self.tunnel}, but the TLS "
                f"handshake through it got no answer {within}: a slow server, or a proxy that "
                "passes nothing on"
            )
        elif stage == "start_tls":
            why = (
                f"the TCP connection was made, but its TLS handshake got no answer {within}: a "
                "server or proxy that does not speak TLS there, or a slow one"
            )
        elif stage == "body":
            declared = self.declared
            came = f"{self.received:,} bytes"
            if declared is not None:
                came = f"{self.received:,} of the {int(declared):,} bytes"
                came += " its Content-Length announced"
            why = (
                f"the server answered, then did not send all its body {within} ({came}): a slow "
                "server or proxy, or a busy network"
            )
        elif (
            self.socks
            and self.proxy
            and stage is not None
            and stage.startswith(("send", "receive"))
        ):
            # The SOCKS proxy passes the bytes on, unread: the request is in the server's hands
            # (through its tunnel), on a new connection or one kept from an earlier request.
            asked = self.request
            server = self.tunnel or ("the server" if asked is None else _address(asked.url))
            took = (
                "but did not take the request"
                if stage.startswith("send")
                else "the request sent, but sent no answer"
            )
            why = (
                f"the server ({server}) was reached through the tunnel of {self.proxy_named()}, "
                f"{took} {within}: a slow server, or a proxy that passes nothing on"
            )
        elif self.forwarded and stage is not None and stage.startswith(("send", "receive")):
            took = (
                "(connected) but did not take the request"
                if stage.startswith("send")
                else "(connected, request sent) but sent no answer"
            )
            # (A connection kept from an earlier request traces no connect: its pool's URL,
            # if any, names the proxy then.)
            server = "" if self.tunnel is None else f" ({self.tunnel})"
            why = (
                f"{self.proxy_named()} was reached {took} {within}, the request in its hands, not "
                f"the server's{server}: a slow or stuck proxy, or one that cannot reach the "
                "server"
            )
        elif stage is not None and stage.startswith("send_request"):  # (a write timeout)
            why = (
                f"the server was reached (connected) but did not take the request {within}: a "
                "slow server or proxy, or a busy network"
            )
        elif stage is not None:  # (waiting for the answer's head)
            why = (
                f"the server was reached (connected, request sent) but sent no answer {within}: "
                "a slow server or proxy, or a busy network"
            )
        else:  # (waiting for a pooled connection, or a transport that does not trace)
            return f"{sent}: {said}; {self.network_advice}"
        return f"{sent}: {said}; {why}; it may pass"


#: The stage of a timeout a transport raised without a trace (a MockTransport's, say).
_STAGE_OF: Final = {
    "ConnectTimeout": "connect_tcp",
    "WriteTimeout": "send_request_headers",
    "ReadTimeout": "receive_response_headers",
    "PoolTimeout": "pool",
}


#: The stages of a request that has reached no server (`Progress.reached_no_server`): its TCP
#: connection, a proxy's own TLS handshake, CONNECT or SOCKS handshake, a wait for the pool.
_UNREACHED: Final = frozenset({"connect_tcp", "proxy_tls", "tunnel", "socks", "pool"})


def _traces(client: httpx.AsyncClient, url: str) -> bool:
    """Whether ``client`` sends ``url`` through httpx's own transport (`_sends_through_httpx`),
    which traces every connection it begins (another, a MockTransport, may trace none)."""
    return _sends_through_httpx(transport_for(client, url))


#: How deep `_sends_through_httpx` looks into wrappers held by wrappers.
_WRAPPING_DEPTH: Final = 4


def _sends_through_httpx(transport: object, depth: int = 0) -> bool:
    """Whether ``transport`` is httpx's own, a subclass of it, or a transport that holds such
    in an attribute (one of its instance's, or a slot) and holds no transport of another kind:
    the shapes of a wrapper that passes the request on (logging, headers, a URL rewritten).
    What a wrapper does with the request cannot be read: one that holds httpx's transport in a
    closure or a container, not an attribute, is not seen through (said untraced, the
    network's advice, as before); one seen through may still hold the request itself, or pass
    it on without its trace extension, which the log then says (`Progress.around`)."""
    import httpx

    if isinstance(transport, httpx.AsyncHTTPTransport):
        return True
    if not isinstance(transport, httpx.AsyncBaseTransport) or depth >= _WRAPPING_DEPTH:
        return False
    try:
        values = attributes(transport)
    except Exception:  # (a wrapper's own __getattr__ or property that fails: nothing known)
        return False
    held = [value for value in values if isinstance(value, httpx.AsyncBaseTransport)]
    return bool(held) and all(_sends_through_httpx(inner, depth + 1) for inner in held)


def _around(transport: object) -> str | None:
    """The name of ``transport`` when it is one of one's own around httpx's (a subclass that
    sends itself, a wrapper seen through), else None."""
    import httpx

    kind = type(transport)
    sends = getattr(kind, "handle_async_request", None)
    if sends is httpx.AsyncHTTPTransport.handle_async_request:  # (httpx's, or its subclass's)
        return None
    return kind.__name__ if _sends_through_httpx(transport) else None


def _socks_proxy(transport: object) -> str | None:
    """``host:port`` of the SOCKS proxy ``transport`` (httpx's, or one around it) sends through,
    None for another: httpcore (1.0.9)'s ``AsyncSOCKSProxy`` pool, its private ``_proxy_url``
    (renamed: None, and a kept connection's stall is said without its proxy, as before)."""
    for pool in _pools(transport):
        url = getattr(pool, "_proxy_url", None)
        if type(pool).__name__ == "AsyncSOCKSProxy" and url is not None:
            host = bytes(getattr(url, "host", b"")).decode("ascii", "replace")
            return f"{host}:{getattr(url, 'port', None) or 1080}"
    return None


def _proxy_url(transport: object) -> str | None:
    """The URL of the proxy ``transport`` (httpx's, or one around it) sends through
    (``http://host:port``, no credentials: httpx sends those in a header), None for none:
    httpcore (1.0.9)'s proxy pools' private ``_proxy_url`` (renamed: None, and a proxy no
    variable sets is named by its address alone)."""
    for pool in _pools(transport):
        url = getattr(pool, "_proxy_url", None)
        scheme = bytes(getattr(url, "scheme", b"")).decode("ascii", "replace")
        host = bytes(getattr(url, "host", b"")).decode("ascii", "replace")
        if url is None or not scheme or not host:
            continue
        port = getattr(url, "port", None)
        host = f"[{host}]" if ":" in host else host
        return f"{scheme}://{host}" + ("" if port is None else f":{port}")
    return None


def _proxy_address(url: str | None) -> str | None:
    """``host:port`` of the proxy at ``url`` (`_proxy_url`'s) as httpcore connects to it."""
    if url is None:
        return None
    import httpx

    found = httpx.URL(url)
    port = found.port or {"http": 80, "https": 443}.get(found.scheme, 1080)
    return f"{found.host}:{port}"


def _address(url: httpx.URL) -> str:
    """``host:port`` of ``url`` as httpcore's trace names the address it connects to."""
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return f"{url.raw_host.decode('ascii', 'replace')}:{port}"

"""`ExchangeProtocol`: uvicorn's httptools protocol with `alexaskill.exchange.Exchange` as its
request cycle (see that module for what it does less than uvicorn's, and why); and
`whole_body_endpoint`, the served skill's endpoint it answers POSTs with."""

from __future__ import annotations

import contextvars
import functools
import urllib.parse
from typing import TYPE_CHECKING, Any, ClassVar, Final

from uvicorn.logging import TRACE_LOG_LEVEL
from uvicorn.protocols.utils import get_remote_addr

from .exchange import _SPECIAL, Exchange
from .server_limits import _has_body, _over_limit, _say_rarely, upgrade_refusal
from .server_target import (
    VALID_HOSTS,
    absolute_form,
    invalid_host,
    origin_form_or_asterisk,
    with_host,
)
from .server_writes import _mark_body_refused, _over_limit_refusal

try:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE
except ImportError:  # pragma: no cover - the server module uses this only with httptools
    pass

if TYPE_CHECKING:
    import asyncio
    import logging
    from collections import deque
    from collections.abc import Callable, Iterator

    from uvicorn.config import Config
    from uvicorn.protocols.http.flow_control import FlowControl
    from uvicorn.server import ServerState

    from .endpoint import _Endpoint

__all__ = ["ExchangeProtocol", "whole_body_endpoint"]

_CONTINUE: Final = b"100-continue"


def _say_over_limit(logger: logging.Logger, state: ServerState, now: float) -> None:
    """uvicorn's warning for a request refused past ``--limit-concurrency``, at most once every
    ten seconds a server (`_say_rarely`), the next line counting those not said: under a
    flood, a line a refused request is a write each (the attacker's requests, amplified)."""
    _say_rarely(logger, state, "Exceeded concurrency limit.", now)


class _Trailers:
    """Where httptools' reports of a chunked body's trailer fields go once the head is parsed
    (uvicorn's ``on_header`` appends to ``self.headers``): nowhere, only counted. uvicorn added
    them to the request's headers, which the proxy in front had checked (an ``x-forwarded-for``
    there was the address --proxy-headers believed), and kept every line, for as long as the
    body took. Past ``limit`` bytes (a head's), refused: `ExchangeProtocol._parse_refusal`."""

    __slots__ = ("limit", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        #: The bytes of the request's trailer fields so far (each as its line would take).
        self.size = 0

    def append(self, field: tuple[bytes, bytes]) -> None:
        size = self.size = self.size + len(field[0]) + len(field[1]) + 4
        if size > self.limit:  # (raised, the parser stops: `data_received` answers)
            raise ValueError("trailers over the limit")

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:  # (uvicorn's `_get_upgrade` reads it)
        return iter(())


class ExchangeProtocol:
    """uvicorn's httptools protocol with `Exchange` as its request cycle (list it before
    uvicorn's ``HttpToolsProtocol`` among the bases).

    The subclass provides ``_idle()``: called when a response is complete and no request is
    pipelined behind it, where uvicorn would arm its keep-alive timer; ``_closing()``: called
    when the connection closes after a response, its answer maybe not all sent; ``_linger()``:
    called to close instead while the client still sends its request's body; ``_close()``: to
    answer a refusal and close; ``max_header_size``: the bytes a chunked body's trailers (or a
    chunk's size line) may take too (`_bound_framing`); and ``_whole_body_endpoint``: the
    served Skill's endpoint, or None (see `Exchange.run_asgi`).
    """

    # uvicorn's attributes this class relies on.
    if TYPE_CHECKING:
        config: Config
        app: Any
        loop: asyncio.AbstractEventLoop
        logger: logging.Logger
        access_logger: logging.Logger
        access_log: bool
        transport: asyncio.Transport
        flow: FlowControl
        parser: httptools.HttpRequestParser
        server_state: ServerState
        connections: set[Any]
        tasks: set[asyncio.Task[None]]
        limit_concurrency: int | None
        root_path: str
        url: bytes
        scope: Any
        expect_100_continue: bool
        headers: list[tuple[bytes, bytes]]
        pipeline: deque[tuple[Any, Any]]
        max_header_size: ClassVar[int]

        def _should_upgrade(self) -> bool: ...
        def handle_websocket_upgrade(self) -> None: ...
        def _unsupported_upgrade_warning(self) -> None: ...
        def send_400_response(self, msg: str) -> None: ...
        def _unset_keepalive_if_required(self) -> None: ...
        def _idle(self) -> None: ...
        def _close(self, answer: bytes | None) -> None: ...
        def _closing(self) -> None: ...
        def _linger(self) -> None: ...

        _whole_body_endpoint: _Endpoint | None

    cycle: Exchange | None = None
    #: Whether the connection, once its answer is out, lingers (`_linger`): its client sent
    #: more after a request that closes it (the subclass sets it).
    _closes_lingering = False
    #: The exchange being answered when requests were queued behind it (maybe answered since).
    _answering: Exchange | None = None
    #: Whether the request being parsed is being upgraded (to a WebSocket): not an exchange's.
    _upgrading = False
    #: Whether a request with a body asking for an upgrade was refused (`_refuse_upgrade_...`).
    _refused_upgrade = False
    #: The refusal of a request pipelined behind answers still due, sent after them (`_refuse`).
    _refusal_due: Callable[[], None] | None = None
    #: uvicorn's default headers last encoded, and their encoding (None: one decides framing).
    _defaults: tuple[list[tuple[bytes, bytes]] | None, bytes | None] = (None, None)
    #: Where a chunked body's trailer fields go (`_Trailers`), one a connection.
    _trailers: _Trailers
    #: The request whose body is read (`_framing_of`), and the bytes read for it, since the
    #: last read that brought some of its body, that brought none: `_bound_framing`.
    _framing_of: Exchange | None = None
    _framing_bytes = 0
    #: Whether a chunk's size line came and none of its data since: the last chunk's, when
    #: bytes come that are no data (a trailer), up to `on_chunk_complete` (after the trailers).
    _chunk_open = False
    #: The bytes of the request's body held when a chunk's size line came in the read being
    #: parsed (-1: none came in it, or its chunk is complete): `_bound_trailers`.
    _chunk_mark = -1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._trailers = _Trailers(self.max_header_size)
        super().connection_made(transport)  # type: ignore[misc]  # (uvicorn's)

    def on_header(self, name: bytes, value: bytes) -> None:
        """uvicorn's, but an ``Expect`` that lists ``100-continue`` among others, or with
        spaces around it in a list, is a 100-continue (RFC 9110, 10.1.1: a list of
        expectations), as on h11: uvicorn took only a value of exactly that, and a client
        waiting to send its body waited for an interim answer that never came."""
        name = name.lower()
        value = value.rstrip(b" \t")  # (llhttp keeps a value's trailing whitespace)
        if name == b"expect" and _CONTINUE in [v.strip() for v in value.lower().split(b",")]:
            self.expect_100_continue = True
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        """Start the request's exchange (or queue it behind the one being answered)."""
        parser = self.parser
        scope = self.scope
        http_version = parser.get_http_version()
        scope["method"] = parser.get_method().decode("ascii")
        if http_version != "1.1":
            if http_version != "1.0":  # 0.9 (no version), 2.0: no HTTP/1 request, ASGI's neither
                raise ValueError(f"a request of HTTP/{http_version}")
            scope["http_version"] = http_version
        self._upgrading = False
        if parser.should_upgrade():
            if self._should_upgrade():
                self._upgrading = True
                return
            if _has_body(scope["headers"]):  # served as a request (the upgrade not taken)
                self._refuse_upgrade_with_body()
                return
        # RFC 9112, 3.2: one Host (HTTP/1.0 may have none), as h11 checks. Raised, the parser
        # stops; uvicorn's handler (`data_received`) logs it and answers 400.
        # Counted in a plain loop: a list comprehension is a function call on Python 3.11, and
        # built a list besides (~1,400 instructions a request of eight headers, counted).
        hosts = 0
        for name, value in scope["headers"]:
            if name == b"host":
                hosts += 1
                host = value
        if hosts != 1:
            if hosts or http_version == "1.1":
                raise ValueError("a request without one Host header")
        elif host not in VALID_HOSTS and invalid_host(host):  # (RFC 9112, 3.2: a 400 too)
            raise ValueError("an invalid Host header")
        trailers = self._trailers  # (the scope keeps the head's fields)
        trailers.size = 0
        self.headers = trailers  # type: ignore[assignment]
        if self.url[:1] != b"/":
            # The absolute form (RFC 9112, 3.2.2): the URL's host for the Host header's (a
            # URL of no host raises ValueError: a 400, as above).
            form = absolute_form(self.url)
            if form is not None:
                scope["headers"] = with_host(scope["headers"], form[0])
            elif not origin_form_or_asterisk(self.url):  # (as on h11: `_OneFraming`)
                raise ValueError("an invalid request target")
        url = httptools.parse_url(self.url)
        raw_path = url.path or b"/"  # ("http://host", the absolute form: no path, "/")
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        root_path = self.root_path
        scope["path"] = root_path + path
        scope["raw_path"] = root_path.encode("ascii") + raw_path if root_path else raw_path
        scope["query_string"] = url.query or b""
        limit = self.limit_concurrency
        app = self.app
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            app = _over_limit  # (uvicorn's 503, with a JSON reason)
            _say_over_limit(self.logger, self.server_state, self.loop.time())
        previous = self.cycle
        exchange = self.cycle = Exchange(
            self,
            scope,
            keep_alive=http_version != "1.0" and parser.should_keep_alive(),
            # (RFC 9110, 10.1.1: ignored in an HTTP/1.0 request, as on h11; uvicorn sent it)
            expect_100_continue=self.expect_100_continue and http_version == "1.1",
        )
        if previous is None or previous.response_complete:
            self._run(exchange, app)
        else:  # pipelined behind a request still being answered
            if not self.pipeline:  # (no longer `cycle`: `_linger` abandons it by this name)
                self._answering = previous
            self.flow.pause_reading()
            self.pipeline.appendleft((exchange, app))

    def data_received(self, data: bytes) -> None:
        """uvicorn's, but after a request asking for an upgrade not taken (served as a plain
        request) the rest of the read is parsed too: httptools stops at that request's head,
        and uvicorn dropped what followed, requests pipelined behind it never answered."""
        if self._refused_upgrade:  # what comes is that request's body: never parsed
            return
        self._unset_keepalive_if_required()
        exchange = self.cycle  # (a request whose body is read: how much of it came, after)
        held = len(exchange.body) if exchange is not None and exchange.more_body else -1
        rest: bytes | memoryview = data
        while True:
            try:
                self.parser.feed_data(rest)
            except httptools.HttpParserError:
                msg = "Invalid HTTP request received."
                # (uvicorn's line, said rarely: a flood of bad requests, a write each)
                _say_rarely(self.logger, self.server_state, msg, self.loop.time())
                if not self._refuse(functools.partial(self.send_400_response, msg)):
                    self.send_400_response(msg)
                return
            except httptools.HttpParserUpgrade as upgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                    return
                self._unsupported_upgrade_warning()
                offset = upgrade.args[0] if upgrade.args else len(rest)
                # The rest from where the parser stopped: in a loop, a view (no copy each).
                if offset < len(rest) and not self._upgrading and not self.transport.is_closing():
                    rest = memoryview(rest)[offset:]
                    continue
                return
            break
        if held >= 0 and exchange is not None:  # (never None then: for mypy)
            if exchange.more_body and len(exchange.body) == held and self.cycle is exchange:
                self._chunk_mark = -1
                self._bound_framing(exchange, len(data))  # (none of the body came)
                return
            if self._framing_of is exchange:  # (body came: not kept past its request)
                self._framing_of = None
        if self._chunk_open:  # (a chunked body's: never on a request framed by its length)
            self._bound_trailers(data)

    def _bound_trailers(self, data: bytes) -> None:
        """``data`` brought the last chunk's size line (and maybe the body before it): what
        follows it in the read, trailer fields, is bounded too. Those complete are counted
        (`_Trailers`); the one still coming, which httptools holds, is what follows the read's
        last LF. Past the limit, refused (`_bound_framing`); under it, the count goes on there
        for the reads after. (A read of up to 256 KiB was not counted: held whole.)"""
        mark, self._chunk_mark = self._chunk_mark, -1
        exchange = self.cycle
        if (
            mark < 0  # (no size line in this read: its bytes were a chunk's data)
            or exchange is None
            or not exchange.more_body
            or exchange.response_complete  # (its body no longer kept: unknown)
            or len(exchange.body) != mark  # (data came after the size line)
        ):
            return
        self._framing_of = exchange
        self._framing_bytes = self._trailers.size + len(data) - data.rfind(b"\n") - 1
        self._bound_framing(exchange, 0)

    def _bound_framing(self, exchange: Exchange, count: int) -> None:
        """``count`` bytes came for the body of ``exchange`` and none of them were body: a
        chunk's size line and extensions, or trailer fields, which httptools takes without a
        bound (a field's bytes held until it ends, the extensions of a chunk for ever). Past a
        head's limit (``max_header_size``) of them since the body's last bytes, refused as h11
        refuses them: ``431`` for trailers, ``400`` for a chunk's line; closed. (The read that
        brought the body's last bytes counts what follows the last chunk's size line in it:
        `_bound_trailers`.)"""
        if self._framing_of is not exchange:
            self._framing_of = exchange
            self._framing_bytes = 0
        self._framing_bytes += count
        limit = self.max_header_size
        if self._framing_bytes > limit and not self.transport.is_closing():
            # (uvicorn's line for a request refused, as h11's refusal of them says it)
            msg = "Invalid HTTP request received."
            _say_rarely(self.logger, self.server_state, msg, self.loop.time())
            _mark_body_refused(exchange)
            self._close(_over_limit_refusal("trailers" if self._chunk_open else "chunk", limit))

    def _parse_refusal(self) -> bytes | None:
        """The answer to a request the parser refused, if not a plain ``400``: trailers past
        the limit (`_Trailers`)."""
        limit = self._trailers.limit
        return _over_limit_refusal("trailers", limit) if self._trailers.size > limit else None

    def _refuse_upgrade_with_body(self) -> None:
        """A request asking for an upgrade not served (``h2c``, or a WebSocket without a library
        for it), with a body: httptools stops at its head and never parses the body, which the
        app would not get and which, come in a later read, would be parsed as a request of its
        own (a request smuggled past a proxy that sent it as a body). Refused: 400, closed."""
        self._upgrading = self._refused_upgrade = True  # nothing of it is an exchange's
        answer = upgrade_refusal(self.scope["headers"])
        if not self._refuse(functools.partial(self._close, answer)):
            self._close(answer)

    def _refuse(self, refusal: Callable[[], None]) -> bool:
        """Whether the ``refusal`` of the request just parsed waits for the answers due to the
        whole requests before it, pipelined: made after them (`on_response_complete`), in the
        order the client reads. Made at once, it took the place of the answer being sent (its
        handler ran, its answer was lost) and of those queued."""
        cycle = self.cycle  # (the one being answered, or the last queued behind it)
        if cycle is None or cycle.response_complete or cycle.more_body:
            return False  # (a request whose body is still coming: refused with its body)
        if self._refusal_due is None:  # (the first refusal: nothing after it is parsed)
            self._refusal_due = refusal
        self.flow.pause_reading()
        return True

    def on_chunk_header(self) -> None:
        """A chunk's size line came: the request's transfer codings checked (a request of
        chunks only: never on a valid request's path, framed by its length). httptools goes by
        the last coding, ``chunked``, and handed the app a body still in the codings before it
        (``gzip, chunked``), which nothing here undoes: refused as on h11 (400, closed; RFC
        9112, 6.1 lets a server refuse a coding it does not know). Checked at each chunk: the
        request checked once, kept to know it, kept its scope (and what the app put there)
        for the connection's life."""
        self._chunk_open = True
        cycle = self.cycle  # (the request being parsed: its body so far, `_bound_trailers`)
        self._chunk_mark = len(cycle.body) if cycle is not None else -1
        codings = [
            coding.strip().lower()
            for name, value in self.scope["headers"]
            if name == b"transfer-encoding"
            for coding in value.split(b",")
        ]
        if codings != [b"chunked"]:  # (raised, the parser stops: `data_received`'s 400)
            raise ValueError("a transfer coding other than chunked")

    def on_chunk_complete(self) -> None:
        self._chunk_open = False
        self._chunk_mark = -1

    def on_body(self, body: bytes) -> None:
        exchange = self.cycle
        if not self._upgrading and exchange is not None and not exchange.response_complete:
            exchange.add_body(body, True)

    def on_message_complete(self) -> None:
        exchange = self.cycle
        if not self._upgrading and exchange is not None and not exchange.response_complete:
            exchange.more_body = False  # `add_body(b"", False)`, inline
            waiter = exchange.waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    def on_response_complete(self) -> None:
        """Start the next pipelined request, or wait for one (see `_idle`)."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            self._closing()
            return
        # Reading goes on only where a request needs it: while requests are queued whole, the
        # client's next bytes wait in the socket (a head of any size would otherwise pile up in
        # the parser, a read an answer, past the head's bounds).
        flow = self.flow
        if self.pipeline:
            exchange, app = self.pipeline.pop()
            if flow.read_paused and exchange.more_body:
                flow.resume_reading()
            self._run(exchange, app)
        elif self._refusal_due is not None:  # (`_refuse`: after the answers due before it)
            refusal, self._refusal_due = self._refusal_due, None
            refusal()
        else:
            if flow.read_paused:
                flow.resume_reading()
            self._idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)
        if self.logger.level <= TRACE_LOG_LEVEL:
            client = get_remote_addr(self.transport)
            prefix = f"{client[0]}:{client[1]} - " if client else ""
            self.logger.log(TRACE_LOG_LEVEL, "%sHTTP connection lost", prefix)
        exchange = self.cycle
        if exchange is not None:
            if not exchange.response_complete:
                exchange.disconnected = True
            exchange.held = None
            waiter = exchange.waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        if self.flow is not None:
            self.flow.resume_writing()
        if exc is None:
            self.transport.close()
            self._unset_keepalive_if_required()
        self.parser = None  # type: ignore[assignment]

    def default_head(self) -> bytes | None:
        """uvicorn's default headers (``date``, ``server``, ``--header``), encoded; None when
        one of them is a content length, a transfer encoding or a connection option."""
        headers = self.server_state.default_headers
        cached, encoded = self._defaults
        if headers is cached:
            return encoded
        parts: list[bytes] = []
        for name, value in headers:
            if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
                raise RuntimeError("Invalid HTTP header in uvicorn's default headers.")
            parts += (name.lower(), b": ", value, b"\r\n")
        special = any(name.lower() in _SPECIAL for name, _ in headers)
        encoded = None if special else b"".join(parts)
        type(self)._defaults = (headers, encoded)  # shared by the server's connections
        return encoded

    def _run(self, exchange: Exchange, app: Any) -> None:
        # Each request in a fresh context, as uvicorn before 0.45 always ran one (later ones
        # only with ``reset_contextvars``, off by default): a request queued behind another
        # starts from that one's task, and would see the context variables its handler set.
        task = self.loop.create_task(exchange.run_asgi(app), context=contextvars.Context())
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)


def whole_body_endpoint(app: object, *, access_log: bool) -> _Endpoint | None:
    """The endpoint of the `Skill` uvicorn serves as ``app`` (its loaded app), or None.

    Behind uvicorn's proxy-headers middleware too, unless the access log is on: the middleware
    changes only the scope's client and scheme, which the endpoint never reads and the access
    log does. A subclass with its own ``__call__`` is served through it, never around it.
    """
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    if type(app) is ProxyHeadersMiddleware and not access_log:
        app = app.app
    from .asgi import Serving  # (imported once a connection, never at this module's import)

    if isinstance(app, Serving) and type(app).__call__ is Serving.__call__:
        return app._endpoint
    return None

"""uvicorn's HTTP protocols, bounded against slow and greedy clients (``--http`` for uvicorn).

Start uvicorn with ``--http alexaskill.server:HttpProtocol --limit-concurrency 1000``.

uvicorn leaves a connection open for as long as its client likes until a request head is
complete: an idle socket, or headers dribbled a byte at a time, hold a file descriptor forever,
and at the process's limit the server accepts nobody (asyncio then logs a traceback for every
refused accept). On httptools (``alexaskill[fast]``) it also buffers a header of any size. These
classes are uvicorn's own protocols with four bounds added, on either parser:

- **Head deadline.** A request head (request line and headers) must be complete within
  ``header_timeout`` seconds (5) of the connection opening, or of its first byte after a
  previous response; otherwise the connection is closed (with ``408`` if anything arrived).
  One sweep a quarter of a second, while any connection waits for a head, closes the late
  ones: no timer per request, and none at all on an idle server.
  Idle keep-alive connections are closed after ``--timeout-keep-alive`` (5 s): by uvicorn's
  timer on h11, by the same sweep on httptools (up to a quarter of a second late).
- **Head size.** A head over ``max_header_size`` bytes (16 KiB, h11's own default) is answered
  ``431`` and the connection closed, before more of it is buffered; so are a chunked body's
  trailers (a chunk's size line: ``400``), on both parsers.
- Each of these answers, and the ``400`` for bytes the parser refuses, carries a short JSON
  reason, as the app's own refusals do (uvicorn's ``400`` is plain text). On h11 a request
  with both ``Content-Length`` and ``Transfer-Encoding`` is refused so too, as httptools does.
- **Connections.** At most ``--limit-concurrency`` minus one connections are open (without that
  option, `DEFAULT_MAX_CONNECTIONS`), and never more than the file-descriptor limit allows (the
  soft limit is raised to the hard one at start). When a new connection would exceed that, the
  open connection that has waited longest for a request head is closed to make room (one
  already closing goes first: over TLS, asyncio and uvloop wait up to 30 s for the client's
  ``close_notify``; then one whose client has sent no request for over ``silent_grace``
  (1 s), so that connections opened to send nothing make room among their own, not by closing
  idle keep-alive connections of clients answered before; a younger one is ranked by its age,
  as its client may be sending its first request): slow clients make room for each other,
  never for a request being answered. Only when every connection is busy with a request is
  the new one refused: closed at once, without an answer (uvicorn's own ``503`` for
  ``--limit-concurrency`` would need its descriptor and its head).
- **Write deadline.** A response whose writes wait for the client (it reads nothing, its socket
  buffer full) for ``write_timeout`` seconds (10; Alexa waits 8 for the whole answer) is given
  up: the connection is dropped. Such a connection counts as busy answering, so it would never
  make room for another, and enough of them would hold every place. A connection closed with
  its answer not all sent, however little is left, is dropped too (below the buffer's
  high-water mark, ``write_timeout`` after the close, read meanwhile or not): the loop would
  keep it while the client's kernel answers its window probes, the client reading nothing.
- **Lingering close.** A connection closed while its client still sends (the rest of a body
  nobody reads after a refusal from the head, bytes after a refused request, requests sent
  after one that closes the connection: never run, RFC 9112, 9.6) sends its answer
  and the end of its stream, then reads and drops what comes until the client closes its side,
  for ``write_timeout`` seconds and ``linger_bytes`` bytes (1 MiB) at most. Closed at once,
  the socket would answer those bytes with a reset, and a client still sending never got the
  answer (``Broken pipe``). TLS cannot half-close: its shutdown sends ``close_notify`` and
  reads and drops what comes until the client's (uvloop's does so itself, asyncio's as
  `alexaskill.server_writes` makes it), up to ``linger_bytes`` and the loop's TLS shutdown
  timeout (5 s on `alexaskill.loops`' loops, 30 s on asyncio's own).
- The **body** deadline belongs to the app (``Skill(body_timeout=…)``, which answers ``408``).

They also write each response's status line and headers together with its body, in one send
instead of two (see `_HeldWrites`). On httptools each request goes through `alexaskill.exchange`'s
leaner request cycle, with uvicorn's behaviour and about a quarter fewer instructions a request;
a Skill's POST whose body is all there goes to its endpoint without ASGI (`Exchange.run_asgi`).

Change a bound by subclassing: ``class Protocol(HttpProtocol): header_timeout = 10.0`` and
``--http mymodule:Protocol``. `HttpProtocol` is `HttpToolsProtocol` where httptools is installed
(as uvicorn's ``--http auto`` would choose) and `H11Protocol` otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol as _H11

from .server_closing import _Closes
from .server_h11 import _JsonOverLimit, _OneFraming, _Refusals
from .server_limits import (
    _due_on,
    _guard_accept,
    _make_room,
    _RareWarnings,
    _say_unsupported_upgrade,
    raise_open_file_limit,
)
from .server_writes import _drain_tls_shutdown, _HeldWrites
from .sweep import _Sweeper, _sweeper

if TYPE_CHECKING:
    from uvicorn.protocols.http.flow_control import FlowControl
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _HttpTools

    from .exchange_protocol import ExchangeProtocol
else:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _HttpTools

        from .exchange_protocol import ExchangeProtocol
    except ImportError:  # httptools is not installed
        _HttpTools = None

        class ExchangeProtocol:  # never a base: isinstance() is False
            pass


__all__ = [
    "DEFAULT_HEADER_TIMEOUT",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_HEADER_SIZE",
    "H11Protocol",
    "HttpProtocol",
    "HttpToolsProtocol",
    "raise_open_file_limit",
]

logger = logging.getLogger("alexaskill.server")

#: Seconds a connection has to send a complete request head.
DEFAULT_HEADER_TIMEOUT: Final = 5.0
#: Seconds a response's writes may wait for the client to read (see the module docstring).
DEFAULT_WRITE_TIMEOUT: Final = 10.0
#: Bytes a request head may take (h11's default, which uvicorn keeps).
DEFAULT_MAX_HEADER_SIZE: Final = 16 * 1024
#: Connections open at once when uvicorn is given no ``--limit-concurrency``.
DEFAULT_MAX_CONNECTIONS: Final = 1000


class _Bounded(_Closes):
    """The bounds, over one of uvicorn's protocol classes (listed after this one); how their
    connections close is `_Closes`'."""

    #: Seconds to send a complete request head (see the module docstring).
    header_timeout: ClassVar[float] = DEFAULT_HEADER_TIMEOUT
    #: Seconds a response's writes may wait for the client to read.
    write_timeout: ClassVar[float] = DEFAULT_WRITE_TIMEOUT
    #: Bytes a request head may take.
    max_header_size: ClassVar[int] = DEFAULT_MAX_HEADER_SIZE
    #: Connections open at once, when uvicorn has no ``--limit-concurrency``.
    max_connections: ClassVar[int] = DEFAULT_MAX_CONNECTIONS
    #: Bytes read and dropped, at most, from a client still sending once its connection closes.
    linger_bytes: ClassVar[int] = 1 << 20
    #: Seconds a new connection may send nothing before it makes room first at the limit (at
    #: most a quarter of ``header_timeout``): see "Connections" in the module docstring.
    silent_grace: ClassVar[float] = 1.0

    # uvicorn's attributes this class relies on (both protocols have them).
    if TYPE_CHECKING:
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport
        connections: set[Any]
        cycle: Any  # and its transport, response_complete and more_body (h11's, httptools')
        flow: FlowControl
        limit_concurrency: int | None
        server_state: Any

        def _parse_refusal(self) -> bytes | None: ...  # (each parser's protocol: 431, None)

    #: When the head the connection waits for began (`loop.time`), or None: none awaited.
    _head_since: float | None = None
    _head_bytes = 0
    #: The last bytes of a head still incomplete: its end may begin there.
    _head_tail = b""
    _waiting_since = 0.0
    #: Since when (`loop.time`) the transport has asked to stop writing, or None: it has not.
    _stalled_since: float | None = None
    #: When the connection began to idle between requests (`loop.time`), or None: not idle.
    #: Only on httptools (`ExchangeProtocol`): on h11, uvicorn's keep-alive timer closes it.
    _idle_since: float | None = None
    _writes: _HeldWrites | None = None
    _lingering = False  # (`_linger`)
    #: Whether the connection, once its answer is out, lingers (its client sent more).
    _closes_lingering = False
    _failed = False  # (`_start_failed`)
    _sweeper: _Sweeper

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the connection (`_start`); one that fails to is closed (`_start_failed`)."""
        try:
            self._start(transport)
        except Exception as exc:
            self._start_failed(transport, exc)

    def _start(self, transport: asyncio.BaseTransport) -> None:
        """Start the head deadline; make room among the open connections if needed."""
        super().connection_made(transport)  # type: ignore[misc]
        _drain_tls_shutdown(transport, self.linger_bytes)  # (asyncio's TLS: see "Lingering")
        if not isinstance(self, ExchangeProtocol):  # an Exchange holds its own head
            self._writes = _HeldWrites(self.transport, self.loop, self)
        self._sweeper = _sweeper(self.loop, self.connections)
        self._wait_for_head()
        _guard_accept(self.loop, self.connections)
        self._make_room()

    def _start_failed(self, transport: asyncio.BaseTransport, exc: Exception) -> None:
        """Close a connection whose start raised, counted out and said in one line. Raised on,
        asyncio logged it and read on through a protocol half set up; uvloop left the
        connection open and unread, its client waiting until its own timeout."""
        self._failed = True
        self._head_since = self._stalled_since = self._idle_since = None
        self._writes = None
        self.connections.discard(self)  # (uvicorn's connection_lost, never run now)
        cast(asyncio.Transport, transport).abort()  # (a stream's: uvicorn's servers make no other)
        # Said rarely under one key, not as `_say_rarely` keys a line: the message may differ
        # from one connection to the next.
        state, now = self.server_state, self.loop.time()
        if _due_on(state, "(a connection's start failed)", now) is not None:
            reason = str(exc).replace("\n", " ")
            logger.error("a connection failed to start, closed: %s: %s", type(exc).__name__, reason)

    def data_received(self, data: bytes) -> None:
        """Feed the parser; past the head's size limit, answer 431 and close."""
        writes = self._writes
        if writes is not None and writes.held is not None:
            writes.flush()  # before anything the parser may answer itself (400), in order
        cycle = self.cycle  # `_waiting_for_head()`, inline: a call a request
        if cycle is not None and not cycle.response_complete:
            whole = not getattr(cycle, "more_body", True)
            if whole and self._closes_after_answer():
                self._sent_after()
                return
            super().data_received(data)  # type: ignore[misc]
            if whole and not self._lingering:
                # The request was whole and is still being answered: this is the next one,
                # pipelined. No more is read until the answer is out (h11 does the same), so
                # the parser holds at most this read of a head that the bounds do not yet see.
                # (Refused, it lingers instead: reading on, to see the client's end.)
                self.flow.pause_reading()
            return
        if self._head_since is None:  # the first byte after a response
            self._idle_since = None
            self._wait_for_head()
        if self._head_bytes + len(data) > self.max_header_size and self._head_ends_late(data):
            self._refuse_head()
            return
        before = cycle
        super().data_received(data)  # type: ignore[misc]
        cycle = self.cycle
        if cycle is not before:  # the head is complete
            self._head_since = None
            self._head_bytes = 0
            # The request's task has not run yet: its response goes through _HeldWrites. (A
            # request pipelined behind it, in the same data, writes straight to the transport.)
            if writes is not None and cycle.transport is writes.transport:
                cycle.transport = writes
                writes.hold_next = True
            return
        if self._head_bytes or data.strip(b"\r\n"):  # (not a read of empty lines alone)
            self._head_bytes += len(data)
            self._head_tail = data[-3:]
        if self._head_bytes > self.max_header_size:
            self._refuse_head()

    def _closes_after_answer(self) -> bool:
        """Whether the request being answered closes the connection: each protocol says."""
        return False

    def _head_ends_late(self, data: bytes) -> bool:
        """Whether the head ends in ``data`` past the size limit, or does not end in it and is
        past it already. The parsers take a whole head of any size (h11 up to its own limit):
        measured here, before it is parsed."""
        tail = self._head_tail if self._head_bytes else b""  # an end that began in the last read
        seen = tail + data
        # (Searched after empty lines before the request line, skipped by both parsers.)
        start = 0 if self._head_bytes else len(seen) - len(seen.lstrip(b"\r\n"))
        marks = (b"\r\n\r\n", b"\n\n")  # h11 also ends a head at a blank line of a bare LF
        ends = [i + len(mark) for mark in marks if (i := seen.find(mark, start)) >= 0]
        end = min(ends) if ends else len(seen) - start  # (no end: h11 must not buffer it)
        return self._head_bytes - len(tail) + end > self.max_header_size

    def pause_writing(self) -> None:
        """The client reads no more for now: the write deadline runs (the sweep checks it)."""
        super().pause_writing()  # type: ignore[misc]
        self._stalled_since = self.loop.time()
        sweeper = self._sweeper
        if not sweeper.armed:
            sweeper.arm()

    def resume_writing(self) -> None:
        # Closing, the rest of its answer still to go: the deadline starts again, not ends.
        closing = self.transport.is_closing() and self.transport.get_write_buffer_size()
        self._stalled_since = self.loop.time() if closing else None
        super().resume_writing()  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the head and write deadlines."""
        if self._failed:  # (`_start_failed`): uvicorn's would find its state half set up
            return
        self._head_since = None
        self._stalled_since = None
        if self._writes is not None:
            self._writes.held = None  # nowhere to go
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        """From now, the connection waits for its next request head (idle: see `_idle`)."""
        self._waiting_since = self.loop.time()
        self._head_bytes = 0
        writes = self._writes
        if writes is not None:
            if writes.held is not None:
                writes.flush()  # a head without a body (HEAD, 204, 304) goes out with it
            if self.cycle.more_body:
                # (h11) Answered before its body came whole: what comes next is the rest of a
                # body nobody reads, not a request. Closed, as `Exchange` does on httptools.
                self._linger()
            if self.transport.is_closing():
                self._closing()  # (on httptools `ExchangeProtocol.on_response_complete` does)
        super().on_response_complete()  # type: ignore[misc]

    def _idle(self) -> None:
        """(`ExchangeProtocol`) The connection idles until its next request: the sweep closes it
        after uvicorn's ``--timeout-keep-alive``, in place of uvicorn's timer a request."""
        self._idle_since = self._waiting_since
        sweeper = self._sweeper
        if not sweeper.armed:
            sweeper.arm()

    # --- the bounds ---

    def _waiting_for_head(self) -> bool:
        cycle = self.cycle
        return cycle is None or bool(cycle.response_complete)

    def _wait_for_head(self) -> None:
        # No timer per request: the loop's sweep (`_Sweeper`) reads _head_since.
        self._waiting_since = self._head_since = self.loop.time()
        sweeper = self._sweeper
        if not sweeper.armed:
            sweeper.arm()

    def _unsupported_upgrade_warning(self) -> None:
        _say_unsupported_upgrade(self)  # uvicorn's lines, said rarely: one a request flooded

    def _waiting_for_client(self) -> bool:
        """Whether the connection waits for its client: for a request head, or for a body."""
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return True
        return bool(getattr(cycle, "more_body", False))

    def _make_room(self) -> None:
        _make_room(self)


class H11Protocol(_Bounded, _JsonOverLimit, _Refusals, _H11):
    """uvicorn's h11 protocol (pure Python), with the bounds of this module."""

    def _start(self, transport: asyncio.BaseTransport) -> None:
        _OneFraming.adopt(self.conn, self.max_header_size)  # (uvicorn's __init__ made it)
        # uvicorn's warnings for a request refused (unparsable, past --limit-concurrency),
        # said rarely: a flood of them, a log write each.
        rare = _RareWarnings(self.logger, self.server_state, self.loop)
        self.logger = rare  # (a logger to uvicorn's code)
        # Each request in a fresh context, as on httptools (`ExchangeProtocol._run`) and as
        # uvicorn before 0.45 always did: from 0.45 only with this option, off by default.
        if getattr(self.config, "reset_contextvars", True) is not True:
            self.config.reset_contextvars = True  # (the server's, whose protocol this is)
        super()._start(transport)

    def _closes_after_answer(self) -> bool:
        return self.conn.their_state is h11.MUST_CLOSE

    def on_response_complete(self) -> None:
        before = self.cycle
        super().on_response_complete()
        # A request pipelined behind, begun just now (uvicorn's handle_events), answers through
        # `_HeldWrites` too: uvicorn's cycle closes the transport itself when h11 says the
        # connection closes (an answer before the body came whole, `_OneFraming.send`), and
        # `_HeldWrites.close` lingers then, as for a request begun in `data_received`.
        cycle, writes = self.cycle, self._writes
        if cycle is not before and writes is not None and cycle.transport is writes.transport:
            cycle.transport = writes
            writes.hold_next = True
        if cycle is not before and not cycle.more_body and not cycle.response_complete:
            # uvicorn resumed reading before it began that request, whole: paused again, as
            # on httptools, until it is answered. What the client sent meanwhile stays in the
            # socket, and a close that says "connection: close" lingers (`read_paused`). Left
            # reading, asyncio ran the request's task before its next read: answered at once,
            # the close found nothing read after it, and the bytes unread cost a reset.
            self.flow.pause_reading()

    def timeout_keep_alive_handler(self) -> None:
        """uvicorn's keep-alive timeout: the connection closes (its answers maybe unsent),
        unless it lingers (`_linger`: `write_timeout` bounds it)."""
        if self._lingering:
            return
        super().timeout_keep_alive_handler()
        self._closing()


if _HttpTools is not None:

    class HttpToolsProtocol(_Bounded, ExchangeProtocol, _HttpTools):
        """uvicorn's httptools protocol (``alexaskill[fast]``), with the bounds of this module."""

        def _start(self, transport: asyncio.BaseTransport) -> None:
            from .exchange_protocol import whole_body_endpoint

            # The served Skill's endpoint, if it is one (`Exchange.run_asgi`), once a connection.
            self._whole_body_endpoint = whole_body_endpoint(self.app, access_log=self.access_log)
            super()._start(transport)

        def _closes_after_answer(self) -> bool:
            """Whether the request being answered closes the connection (its exchange's)."""
            cycle = self.cycle
            return cycle is not None and not cycle.keep_alive


# For type checkers a class to subclass (`class Protocol(HttpProtocol)`), not a variable.
if TYPE_CHECKING or _HttpTools is not None:
    #: The protocol ``--http auto`` would pick, bounded: httptools if installed, else h11.
    HttpProtocol = HttpToolsProtocol
else:  # pragma: no cover - the test extra installs httptools
    HttpToolsProtocol = None
    HttpProtocol = H11Protocol

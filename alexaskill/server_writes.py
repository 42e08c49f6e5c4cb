"""Helpers of `alexaskill.server`'s protocols: `_HeldWrites` (a response's head goes out with its
body, on h11), `_Lingering` (a closing connection reads and drops what its client still sends),
`_drain_tls_shutdown` (the same over asyncio's TLS) and `_refusal` (the protocols' own answers)."""

from __future__ import annotations

import asyncio
import ssl
from asyncio import sslproto
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .endpoint import REFUSED_BODY
from .error_bodies import error_body
from .exchange import HeldHead

if TYPE_CHECKING:
    from .server import _Bounded
    from .server_closing import _Closes

__all__: list[str] = []  # the server protocols' helpers


def _refusal(status: bytes, reason: str) -> bytes:
    """A whole answer that closes the connection, with a short JSON reason as the app gives."""
    body = error_body(reason)
    head = b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n" % (
        status,
        len(body),
    )
    return head + b"connection: close\r\n\r\n" + body


def _over_limit_refusal(what: str, limit: int) -> bytes:
    """The answer to a request's chunked body whose trailers (``what`` "trailers": ``431``) or
    a chunk's size line ("chunk"), with its extensions, took over ``limit`` bytes (on either
    parser: `exchange_protocol.ExchangeProtocol._bound_framing`, `server_h11._OneFraming`)."""
    if what == "trailers":
        return _refusal(
            b"431 Request Header Fields Too Large", f"request trailers over {limit:,} bytes"
        )
    return _refusal(b"400 Bad Request", f"a chunk size line over {limit:,} bytes")


def _can_write_eof(transport: asyncio.BaseTransport) -> bool:
    """Whether ``transport`` can half-close (plain TCP can, TLS cannot)."""
    try:
        return bool(transport.can_write_eof())  # type: ignore[attr-defined]
    except NotImplementedError:  # a transport of the app's own (tests)
        return False


def _abandon_answer(cycle: Any) -> None:
    """A request's cycle, if still being answered when its connection begins to linger (a
    refusal of the bytes after it closes the connection), answers no more, as for a client
    gone: its writes would come after the end of the stream (``write_eof``), an error."""
    if cycle is None or cycle.response_complete:
        return
    cycle.disconnected = True
    waiter = getattr(cycle, "waiter", None)  # the app's `receive` woken (`Exchange`'s)
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
    event = getattr(cycle, "message_event", None)  # (uvicorn h11's)
    if event is not None:
        event.set()


def _no_answer_sent(cycle: Any) -> bool:
    """Whether none of the answer to the request ``cycle`` is on its way to the client, so a
    refusal may go in its place: none begun, or all sent; or only begun, its head still held
    (an `Exchange`'s, until its first body or the loop's next turn: uvloop may read the
    socket before that turn), which is then dropped. An answer under way is cut by the close."""
    if cycle is None or not cycle.response_started or cycle.response_complete:
        return True
    if getattr(cycle, "held", None) is None:  # (h11's head: flushed before each read's parse)
        return False
    cycle.held = None
    return True


def _mark_body_refused(cycle: Any) -> None:
    """The parser refused the body of the request ``cycle`` still reads (a bad chunk size, a
    transfer coding but ``chunked``): the server answers ``400`` for it. Said in its scope, so
    that the endpoint's request line says so, not that the client went away (`REFUSED_BODY`)."""
    if cycle is not None and not cycle.response_complete and cycle.more_body:
        cycle.scope[REFUSED_BODY] = True


#: The attributes of asyncio's SSLProtocol (3.11 on) `_DrainingSSLProtocol` uses.
_DRAIN_USES: Final = ("_do_shutdown", "_eof_received", "_sslobj", "max_size", "_transport")


class _DrainingSSLProtocol(sslproto.SSLProtocol):
    """asyncio's TLS protocol, reading and dropping what the client still sends while its close
    waits for the client's ``close_notify``, as uvloop's does.

    asyncio's own (3.11 on) hands those bytes to ``SSL_shutdown``, which fails on application
    data after its ``close_notify`` (OpenSSL's ``APPLICATION_DATA_AFTER_CLOSE_NOTIFY``): the
    connection is aborted, its answer maybe unread, and a client still sending (the rest of a
    body after a refusal, bytes after a bad request) got an EOF error instead of the answer.
    Bounded by the loop's ``ssl_shutdown_timeout`` and by ``_drain_left`` bytes.
    """

    _drain_left = 1 << 20

    def _do_shutdown(self) -> None:
        if not all(hasattr(self, name) for name in _DRAIN_USES):  # (changed since checked)
            super()._do_shutdown()  # type: ignore[misc]
            return
        if not self._eof_received:  # type: ignore[attr-defined]
            try:
                while data := self._sslobj.read(self.max_size):  # type: ignore[attr-defined]
                    self._drain_left -= len(data)
                    if self._drain_left < 0:
                        self._transport.abort()  # type: ignore[union-attr]
                        return
            except ssl.SSLError:  # nothing more for now (or an error: unwrap() meets it too)
                pass
        super()._do_shutdown()  # type: ignore[misc]


def _drain_tls_shutdown(transport: asyncio.BaseTransport, most: int) -> None:
    """If ``transport`` is asyncio's TLS, make its close read and drop up to ``most`` bytes the
    client still sends (`_DrainingSSLProtocol`). uvloop's does so itself; on plain TCP the
    lingering close (`_Lingering`) does it."""
    protocol = getattr(transport, "_ssl_protocol", None)
    # asyncio's internals, private: on a Python whose SSLProtocol has other ones, the close
    # stays asyncio's own (the client still sending may get an error instead of its answer).
    if type(protocol) is sslproto.SSLProtocol and all(hasattr(protocol, n) for n in _DRAIN_USES):
        protocol.__class__ = _DrainingSSLProtocol
        protocol._drain_left = most  # type: ignore[attr-defined]


class _Lingering(asyncio.Protocol):
    """A closing connection's protocol while it lingers (`_Closes._linger`): what the client
    sends is dropped; its end of the stream closes the connection (``eof_received`` says so)."""

    __slots__ = ("left", "protocol")

    def __init__(self, protocol: _Closes) -> None:
        self.protocol = protocol
        self.left = protocol.linger_bytes

    def data_received(self, data: bytes) -> None:
        self.left -= len(data)
        if self.left < 0:
            self.protocol._drop()

    def pause_writing(self) -> None:
        self.protocol.flow.pause_writing()

    def resume_writing(self) -> None:
        self.protocol.flow.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.protocol.connection_lost(exc)


class _HeldWrites(HeldHead):
    """The transport a response is written through: its head waits to go out with its body.

    uvicorn writes a response's status line and headers, then its body: two ``write()`` calls,
    each a system call on a TCP socket (on loopback, ~8 µs of CPU each here, and for the client
    a second packet to read). The first write of a response is held until the response's next
    write, which sends both as one, or until the end of the event loop's turn, when it goes out
    alone: a head never waits for an app that awaits something before its body, and an app that
    sends both at once (alexaskill's endpoint, Starlette's responses) sends one packet.

    Everything but ``write`` and ``close`` is the connection's transport's; ``close`` lingers
    (`_Closes._linger`) while the request's body still comes, or when the client sent more
    after it: uvicorn's h11 cycle closes the transport itself after answering a request that
    says ``connection: close`` (or HTTP/1.0), or with an answer that says it.
    """

    __slots__ = ("hold_next", "loop", "protocol")

    #: A body at least this large is written on its own rather than copied to join its head.
    JOIN_LIMIT: ClassVar[int] = 64 * 1024

    def __init__(
        self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop, protocol: _Bounded
    ) -> None:
        self.transport = transport
        self.loop = loop
        self.protocol = protocol
        #: The write waiting for the next one, or None.
        self.held: bytes | None = None
        #: Whether the next write is a response's first (set when a request's cycle begins).
        self.hold_next = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self.held
        if held is not None:
            self.held = None
            if len(data) < self.JOIN_LIMIT:
                self.transport.write(held + data)
                return
            self.transport.write(held)
        elif self.hold_next:
            self.hold_next = False
            self.held = bytes(data)
            self.loop.call_soon(self.flush)
            return
        self.transport.write(data)

    def close(self) -> None:
        self.flush()
        protocol = self.protocol
        cycle = protocol.cycle
        # (h11 pauses reading when its client sends a request behind the one answered: its
        # bytes, and any after them, are unread when the app closes with "connection: close".)
        if (
            (cycle is not None and cycle.more_body)
            or protocol._closes_lingering
            or protocol.flow.read_paused
        ):
            protocol._linger()
        else:
            self.transport.close()
            self.protocol._closing()  # the write deadline, if some of the answer is unsent

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)

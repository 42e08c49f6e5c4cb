"""How a connection of `alexaskill.server`'s protocols closes (`_Closes`, a base of their
`_Bounded`): a refusal answered (400, 408, 431), then the lingering close that reads and drops
what the client still sends, within ``write_timeout`` and ``linger_bytes``; one closed without
a word, or dropped at once. See "Lingering close" and "Write deadline" in `alexaskill.server`.

Only closing paths live here: a request answered on a connection kept alive calls none of it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .server_limits import _peer
from .server_writes import (
    _abandon_answer,
    _can_write_eof,
    _Lingering,
    _mark_body_refused,
    _no_answer_sent,
    _refusal,
)

if TYPE_CHECKING:
    import asyncio

    from uvicorn.protocols.http.flow_control import FlowControl

    from .server_writes import _HeldWrites
    from .sweep import _Sweeper

__all__: list[str] = []  # the server protocols' base

logger = logging.getLogger("alexaskill.server")

#: The answer to bytes the parser refuses (uvicorn's is plain text).
_400: Final = _refusal(b"400 Bad Request", "invalid HTTP request")


class _Closes:
    """Closing a connection of `alexaskill.server`'s protocols: answered and lingering, closed,
    or dropped; and what the sweep's deadlines close (`alexaskill.sweep`)."""

    # What this class uses of the protocol (`alexaskill.server._Bounded`, over uvicorn's).
    if TYPE_CHECKING:
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport
        connections: set[Any]
        cycle: Any
        flow: FlowControl
        header_timeout: ClassVar[float]
        write_timeout: ClassVar[float]
        max_header_size: ClassVar[int]
        linger_bytes: ClassVar[int]
        _head_since: float | None
        _head_bytes: int
        _stalled_since: float | None
        _idle_since: float | None
        _writes: _HeldWrites | None
        _lingering: bool
        _closes_lingering: bool
        _sweeper: _Sweeper

        def _parse_refusal(self) -> bytes | None: ...
        def _waiting_for_head(self) -> bool: ...
        def connection_lost(self, exc: Exception | None) -> None: ...

    def send_400_response(self, msg: str) -> None:
        """The parser refused a request: 400 (or 431), a JSON reason (uvicorn's: text); close."""
        _mark_body_refused(self.cycle)
        self._close(self._parse_refusal() or _400)

    def _close(self, answer: bytes | None) -> None:
        # Answered already: a 400, then the same read past the head's size; or bytes that
        # came after a refusal, the connection closing (over TLS, before its shutdown).
        if self._lingering or self.transport.is_closing():
            return
        self._head_since = None
        if answer is None:
            self.transport.close()
            self._closing()
            return
        if _no_answer_sent(self.cycle):  # (none inside an answer under way: the close cuts it)
            self.transport.write(answer)
        self._linger()  # the client may be sending still (the rest of a head, more requests)

    def _linger(self) -> None:
        """Close after the answer written, the client maybe still sending: see "Lingering
        close" in `alexaskill.server`'s docstring. (TLS cannot half-close: it closes, see
        there.)"""
        transport = self.transport
        if self._lingering:
            return
        pipeline = getattr(self, "pipeline", None)  # (httptools) requests queued: never run
        if pipeline:
            pipeline.clear()
        # A request still being answered answers no more, however the connection ends: closed
        # (TLS) its task's writes would come after the close, lingering after the end of the
        # stream (`write_eof`). (A 415 from the head, its task not yet run, when the same read
        # brought a body the parser refused: "written after close".)
        _abandon_answer(self.cycle)
        _abandon_answer(getattr(self, "_answering", None))  # (httptools) with some queued
        if transport.is_closing():
            self._closing()
            return
        if not _can_write_eof(transport):
            transport.close()
            self._closing()
            return
        self._head_since = self._idle_since = None
        self._lingering = True
        transport.set_protocol(_Lingering(self))
        transport.write_eof()  # once the answer is out
        if self.flow.read_paused:
            self.flow.resume_reading()
        # The deadline: `_stalled_since`, never cleared now (`_Lingering` keeps resume_writing).
        self._stalled_since = self.loop.time()
        sweeper = self._sweeper
        if not sweeper.armed:
            sweeper.arm()

    def _refuse_head(self) -> None:
        if not self.transport.is_closing():
            too_large = f"request head over {self.max_header_size:,} bytes"
            self._close(_refusal(b"431 Request Header Fields Too Large", too_large))

    def _head_timed_out(self) -> None:
        self._head_since = None
        transport = self.transport
        if transport.is_closing() or not self._waiting_for_head():
            return
        if getattr(transport, "get_protocol", lambda: self)() is not self:
            return  # upgraded to a WebSocket: no longer an HTTP request's connection
        # (Said at DEBUG, with `_make_room`'s line: the order of events, for a test or a
        # puzzled operator; 1,000 slow clients make 1,000 lines. Each names its connection,
        # as `_make_room`'s do: one closed here is told from one closed to make room.)
        if not self._head_bytes:  # nothing came: closed without a word
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("head deadline: closed %s, which sent nothing", _peer(self))
            self._close(None)
            return
        if logger.isEnabledFor(logging.DEBUG):
            incomplete = "head deadline: %s sent a request head incomplete, answered 408"
            logger.debug(incomplete, _peer(self))
        late = f"request head not received within {self.header_timeout:g} s"
        self._close(_refusal(b"408 Request Timeout", late))

    def _sent_after(self) -> None:
        """The client sent more after its request that closes the connection: not processed
        (RFC 9112, 9.6), dropped here, nor a reason to abandon that request's answer (h11 took
        it for a protocol error: a ``400``). Nothing more is read until the answer is out;
        then the connection lingers (`_linger`), dropping the rest, rather than resetting."""
        self._closes_lingering = True
        if not self.flow.read_paused:
            self.flow.pause_reading()

    def _closing(self) -> None:
        """The transport closes: if some of its answer is still to be sent, the write deadline
        runs (the loop sends the rest before it closes the socket, without a bound of its own:
        below the buffer's high-water mark, `pause_writing` never came)."""
        if self._stalled_since is None and self.transport.get_write_buffer_size():
            self._stalled_since = self.loop.time()
            sweeper = self._sweeper
            if not sweeper.armed:
                sweeper.arm()

    def _write_timed_out(self) -> None:
        logger.debug(
            "a client read nothing of its answer for %g s: connection dropped", self.write_timeout
        )
        self._drop()

    def _drop(self) -> None:
        """Close the connection at once, without an answer."""
        self._head_since = self._stalled_since = None
        if self._writes is not None:
            self._writes.held = None
        self.transport.abort()  # its descriptor back now, not after a lingering close
        # Counted out at once: uvicorn's connection_lost comes a loop iteration later, maybe
        # after another connection's request, which would then find the limit reached (503).
        self.connections.discard(self)

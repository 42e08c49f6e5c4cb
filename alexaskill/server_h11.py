"""h11's connection as `alexaskill.server.H11Protocol` uses it: stricter on what it takes, and
saying when it closes (`_OneFraming`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

import h11
from h11._receivebuffer import ReceiveBuffer  # (h11's own, since 0.10: what reads the bytes)

from .server_limits import _has_body, _over_limit, upgrade_refusal
from .server_target import (
    VALID_HOSTS,
    absolute_form,
    invalid_host,
    origin_form_or_asterisk,
    with_host,
)
from .server_writes import _over_limit_refusal

if TYPE_CHECKING:
    import asyncio

__all__: list[str] = []  # the server protocol's helper


#: What httptools refuses in a request's head or a chunked body's trailers, and h11 took: a
#: control character but HTAB, CR and LF (RFC 9110, 5.5; h11 refuses them but in a value), a
#: line folded (obs-fold, RFC 9112, 5.2: refused or unfolded; h11 unfolded it). (With a line
#: ended by a bare LF, RFC 9112, 2.2, and a Content-Length twice or a list, 6.3, which a server
#: may refuse too: `_StrictBuffer._extract`.) A search of the head's bytes, where a valid
#: request's head has none of them. (Two searches: one pattern of both alternatives scanned
#: the bytes at half the speed, on every request's head.)
_LOOSE_HEAD: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FOLDED: Final = re.compile(rb"\n[ \t]")
#: Spaces between a request line's parts, more than one.
_SPACES: Final = re.compile(rb"(?<=[^ ]) {2,}(?=[^ ])")
#: A Content-Length that is a list (searched only in a head with a comma).
_LENGTH_LIST: Final = re.compile(rb"\ncontent-length[ \t]*:[^\r\n]*,", re.IGNORECASE)
#: A Content-Length's zeros before its first digit that counts (RFC 9112, 6.2: 1*DIGIT, any
#: number of them): httptools reads them, h11 refused a value past 20 digits. Dropped.
_LENGTH_ZEROS: Final = re.compile(rb"(\ncontent-length[ \t]*:[ \t]*)0+(?=[0-9])", re.IGNORECASE)
#: A chunk's size followed by whitespace (RFC 9112, 7.1: none there), or past 64 bits: h11
#: took them (up to 20 digits), httptools refuses them.
_LOOSE_CHUNK: Final = re.compile(rb"[0-9A-Fa-f]+[ \t]|0*[1-9A-Fa-f][0-9A-Fa-f]{16}")
#: The hex digits.
_HEX: Final = b"0123456789ABCDEFabcdef"
#: A chunk's extensions as httptools (llhttp) takes them, from their first ";" (h11 took
#: anything there but an LF): each a token name (empty only before a "="), maybe a "=" and a
#: token or quoted value, the last value maybe empty; no whitespace, no control character.
_T: Final = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]"
_CHUNK_EXTENSIONS: Final = re.compile(
    rb'(?:;%b*=(?:%b+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*")'
    rb"|;%b+)*(?:;%b*=)?\r\n" % (_T, _T, _T, _T)
)
#: The methods httptools (llhttp, 0.9) parses in a request; it refuses any other token, a lower-case
#: ``post`` too (RFC 9110, 9.1: methods are case-sensitive), which h11 served.
_METHODS: Final = frozenset(
    b"DELETE GET HEAD POST PUT CONNECT OPTIONS TRACE COPY LOCK MKCOL MOVE PROPFIND PROPPATCH "
    b"SEARCH UNLOCK BIND REBIND UNBIND ACL REPORT MKACTIVITY CHECKOUT MERGE M-SEARCH NOTIFY "
    b"SUBSCRIBE UNSUBSCRIBE PATCH PURGE MKCALENDAR LINK UNLINK SOURCE QUERY".split()
)
#: The largest Content-Length httptools takes (h11 takes up to 20 digits: refused past it).
_MAX_LENGTH: Final = 2**64 - 1
#: Fields that frame a message: in a chunked body's trailers, refused as by httptools.
_FRAMING: Final = frozenset((b"content-length", b"transfer-encoding"))


#: Whether h11's receive buffer has the methods `_StrictBuffer` reads its bytes through.
_STRICT_READ: Final = all(
    callable(getattr(ReceiveBuffer, name, None))
    for name in ("_extract", "maybe_extract_lines", "maybe_extract_next_line")
)


class _StrictBuffer(ReceiveBuffer):
    """h11's receive buffer, refusing (`_LOOSE_HEAD`, `_FOLDED`, `_LOOSE_CHUNK`,
    `_CHUNK_EXTENSIONS`) what httptools refuses in the bytes of a head, of its trailers and of a
    chunk's size line (a bare LF there too): h11 reads them as
    lines, their line ends and folds gone."""

    _lines = False

    def maybe_extract_lines(self) -> Any:  # (a head's, or a chunked body's trailers)
        self._lines = True  # (left so when raised: h11 reads nothing more then)
        lines = super().maybe_extract_lines()
        self._lines = False
        return lines

    def maybe_extract_next_line(self) -> Any:  # (only ever a chunk's size line)
        line = super().maybe_extract_next_line()
        if line is None:
            if b"\n" in self._data:  # (a line ended by a bare LF: h11 waited for a CRLF)
                raise h11.RemoteProtocolError("a malformed chunk size line", 400)
        elif _LOOSE_CHUNK.match(line) or (
            b";" in line and not _CHUNK_EXTENSIONS.fullmatch(line, line.index(b";"))
        ):
            raise h11.RemoteProtocolError("a malformed chunk size line", 400)
        elif line.startswith(b"00"):  # (RFC 9112, 7.1: 1*HEXDIG, read by httptools; h11
            zeros = len(line) - len(line.lstrip(b"0"))  # refused past 20 digits): dropped
            del line[: zeros if line[zeros] in _HEX else zeros - 1]  # (a CR at the end)
        return line

    #: How many lines the last head had, its blank line too (`_OneFraming.next_event`).
    lines = 0

    def skip_empty_lines(self) -> None:
        """Drop the CRs and LFs before a request line (RFC 9112, 2.2: a server SHOULD ignore
        at least one empty line there), as httptools does: h11 refused them (400), a CRLF
        sent after a keep-alive request's body too. (Called only between requests.)"""
        self._request = True  # (the next head extracted is a request's)
        data = self._data
        if data.startswith((b"\r", b"\n")):
            ReceiveBuffer._extract(self, len(data) - len(data.lstrip(b"\r\n")))

    #: Whether the next head extracted is a request's (not a chunked body's trailers).
    _request = False

    def _extract(self, count: int) -> bytearray:
        out: bytearray = super()._extract(count)
        if self._lines:
            lines = self.lines = out.count(b"\n")
            if (
                lines != out.count(b"\r\n")  # a bare LF
                or _LOOSE_HEAD.search(out)
                or _FOLDED.search(out)
                or (b"," in out and _LENGTH_LIST.search(out))
            ):
                raise h11.RemoteProtocolError("a malformed or ambiguous head", 400)
            if self._request:
                # Runs of spaces between the request line's parts read as one (RFC 9112, 3: a
                # server MAY), as httptools reads them: h11 refused them. (Leading or trailing
                # ones are left, refused on both.)
                self._request = False
                end = out.find(b"\r\n")
                if out.find(b"  ", 0, end) >= 0:
                    out[:end] = _SPACES.sub(b" ", out[:end])
                if _LENGTH_ZEROS.search(out):
                    out[:] = _LENGTH_ZEROS.sub(rb"\1", out)
        return out


class _OneFraming(h11.Connection):
    """h11's connection, skipping empty lines before a request line as httptools does, and
    refusing a request of no HTTP/1 version, a ``CONNECT``, a method
    httptools does not parse, what `_StrictBuffer` refuses, a framing field in trailers, and
    one framed both by a length and by chunks (RFC 9112,
    6.3), as httptools does: h11 goes by the chunks and keeps the connection, so bytes that a
    proxy in front counted as this request's body would run as a request of their own. And an
    answer sent before the request's body came whole says ``connection: close``, as the
    connection closes after it."""

    _refused = False
    #: The answer to a request refused for a chunked body's trailers, or a chunk's size line,
    #: over the limit (h11's on an incomplete event, a head's): `_Refusals._parse_refusal`.
    refusal: bytes | None = None

    @classmethod
    def adopt(cls, connection: h11.Connection, max_header_size: int = 0) -> None:
        """Make uvicorn's h11 connection (just made, nothing received) one of this class, its
        own bound on a head (``--h11-max-incomplete-event-size``, 16 KiB) never below the
        protocol's ``max_header_size``: under it, a larger head was refused there (400)."""
        connection.__class__ = cls
        limit = max(connection._max_incomplete_event_size, max_header_size)
        connection._max_incomplete_event_size = limit
        # The buffer's methods are h11's own, not its API (the same from 0.12 to 0.16): where
        # they differ, h11 reads the head as it does itself rather than every request refused.
        if _STRICT_READ and type(connection._receive_buffer) is ReceiveBuffer:
            connection._receive_buffer.__class__ = _StrictBuffer

    def next_event(self) -> Any:
        if self._refused:  # what comes after is not parsed, as after h11's own refusals
            raise h11.RemoteProtocolError("a request refused before", 400)
        buffer = self._receive_buffer
        if type(buffer) is _StrictBuffer and self.their_state is h11.IDLE:
            buffer.skip_empty_lines()
        reader, state = self._reader, self.their_state  # (as before h11 refused)
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as error:  # (h11's own, for its buffer past the limit)
            if error.error_status_hint == 431 and state is h11.SEND_BODY:
                # Not a head (the protocol bounds those first): trailers, or a chunk's line.
                what = "trailers" if getattr(reader, "_reading_trailer", False) else "chunk"
                self.refusal = _over_limit_refusal(what, self._max_incomplete_event_size)
            raise
        if type(event) is h11.Request:
            if event.method not in _METHODS:
                self._refused = True
                raise h11.RemoteProtocolError("a method httptools does not parse", 400)
            # A line of the head dropped by h11: a Content-Length as the one before it.
            lines = getattr(self._receive_buffer, "lines", 0)  # (none: no _StrictBuffer)
            if lines > 1 and len(event.headers) + 2 != lines:
                self._refused = True
                raise h11.RemoteProtocolError("Content-Length twice", 400)
            names = [name for name, _ in event.headers]  # (h11's names are lower-case)
            host = event.headers[names.index(b"host")][1] if b"host" in names else b""
            if host not in VALID_HOSTS and invalid_host(host):
                self._refused = True  # (RFC 9112, 3.2; h11 checks only that there is one)
                raise h11.RemoteProtocolError("an invalid Host header", 400)
            if b"transfer-encoding" in names and b"content-length" in names:
                self._refused = True
                raise h11.RemoteProtocolError("both Content-Length and Transfer-Encoding", 400)
            if b"content-length" in names:  # (h11 took 20 digits, past 64 bits; httptools not)
                length = event.headers[names.index(b"content-length")][1]
                if len(length) == 20 and int(length) > _MAX_LENGTH:
                    self._refused = True
                    raise h11.RemoteProtocolError("a Content-Length past 64 bits", 400)
            if event.http_version not in (b"1.1", b"1.0"):  # (h11 takes HTTP/2.0, HTTP/0.9)
                self._refused = True
                raise h11.RemoteProtocolError("not an HTTP/1 request", 400)
            if event.method == b"CONNECT":  # (a 2xx to it switches h11 to a tunnel)
                self._refused = True
                raise h11.RemoteProtocolError("a CONNECT request (no proxy here)", 400)
            try:
                form = absolute_form(event.target)
                if form is None and not origin_form_or_asterisk(event.target):
                    raise ValueError("an invalid request target")
            except ValueError as error:
                self._refused = True
                raise h11.RemoteProtocolError(str(error), 400) from None
            target, headers = event.target, list(event.headers)
            if form is not None:
                # The absolute form (RFC 9112, 3.2.2), which a server must take: its path and
                # query, as httptools gives (uvicorn took the whole URL for the path), and its
                # host for the Host header's.
                authority, target = form
                headers = with_host(headers, authority)
            if form is not None or b"#" in target:  # (a fragment, which no client sends:
                try:  # dropped, as by httptools)
                    event = h11.Request(
                        method=event.method,
                        headers=headers,
                        target=target.partition(b"#")[0],
                        http_version=event.http_version,
                    )
                except h11.LocalProtocolError:  # ("#x": no target left)
                    self._refused = True
                    raise h11.RemoteProtocolError("an invalid request target", 400) from None
        elif type(event) is h11.EndOfMessage and event.headers:  # (a chunked body's trailers)
            if any(name in _FRAMING for name, _ in event.headers):
                self._refused = True
                raise h11.RemoteProtocolError("a framing field in a body's trailers", 400)
            # Trailers that came whole in one read, past the limit: refused as h11 refuses
            # those it buffers past it, and as on httptools (`exchange_protocol._Trailers`).
            size = sum(len(name) + len(value) + 4 for name, value in event.headers)
            limit = self._max_incomplete_event_size
            if size > limit:
                self._refused = True
                self.refusal = _over_limit_refusal("trailers", limit)
                raise h11.RemoteProtocolError("trailers over the limit", 431)
        return event

    def send(self, event: Any) -> bytes | None:  # type: ignore[override]  # (one signature)
        # Answered before the request's body came whole: the connection closes after the
        # answer (`_Bounded.on_response_complete` lingers), and the answer says so.
        if type(event) is h11.Response and self.their_state is h11.SEND_BODY:
            state = getattr(self, "_cstate", None)  # (h11's own, as for a Connection: close)
            if state is not None:
                state.process_keep_alive_disabled()
        sent: bytes | None = super().send(event)
        return sent


class _JsonOverLimit:
    """For uvicorn's h11 protocol: past ``--limit-concurrency`` a 503 with a JSON reason
    (`alexaskill.server_limits._over_limit`), as on httptools, not uvicorn's plain text."""

    limit_concurrency: int | None
    connections: set[Any]
    tasks: set[Any]
    logger: Any
    #: The app, and ``--limit-concurrency`` while uvicorn parses (`handle_events`).
    _app: Any = None
    _limit: int | None = None

    def handle_events(self) -> None:
        # uvicorn's own check of --limit-concurrency answers a plain-text 503: off while it
        # parses, the app it reads for each request (`app`) checks the limit instead.
        limit = self._limit = self.limit_concurrency
        self.limit_concurrency = None
        try:
            super().handle_events()  # type: ignore[misc]  # (uvicorn's, next in the MRO)
        finally:
            self.limit_concurrency, self._limit = limit, None

    @property
    def app(self) -> Any:
        """The app; past ``--limit-concurrency``, while uvicorn parses, a 503 with a JSON
        reason (`_over_limit`), as on httptools."""
        limit = self._limit
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            self.logger.warning("Exceeded concurrency limit.")  # (said rarely: `_RareWarnings`)
            return _over_limit
        return self._app

    @app.setter
    def app(self, app: Any) -> None:
        self._app = app


class _Refusals:
    """For uvicorn's h11 protocol (`alexaskill.server.H11Protocol`): a request with a body
    asking for an upgrade not taken (``h2c``, a WebSocket without a library) refused as on
    httptools, whose parser never reads such a body (400 with a JSON reason, closed: served on
    one parser and refused on the other, a client that worked on a plain install failed
    behind ``alexaskill[fast]``, the Docker image's); and its refusals seen to at shutdown."""

    if TYPE_CHECKING:
        transport: asyncio.Transport
        headers: list[tuple[bytes, bytes]]
        conn: h11.Connection
        _lingering: bool

        def _close(self, answer: bytes | None) -> None: ...
        def _get_upgrade(self) -> bytes | None: ...

    #: The refusal of the request whose head was just parsed, or None.
    _refusing: bytes | None = None

    def _parse_refusal(self) -> bytes | None:
        """The answer to a request h11 refused, if not a plain ``400``: trailers past the
        limit (`_OneFraming`), ``431`` as on httptools (uvicorn answers 400 to any)."""
        refusal: bytes | None = getattr(self.conn, "refusal", None)  # (an `_OneFraming`'s)
        return refusal

    def _should_upgrade(self) -> bool:
        # (uvicorn's `handle_events` hands a request said True for to the next method)
        if super()._should_upgrade():  # type: ignore[misc]  # (uvicorn's, next in the MRO)
            return True
        if self._get_upgrade() is None or not _has_body(self.headers):
            return False
        self._refusing = upgrade_refusal(self.headers)
        return True

    def handle_websocket_upgrade(self, event: Any) -> None:
        refusing, self._refusing = self._refusing, None
        if refusing is None:
            super().handle_websocket_upgrade(event)  # type: ignore[misc]
        else:
            self._close(refusing)  # (`_Closes._close`: answered, then lingering)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown; a connection refused (answered by alexaskill, not h11,
        and lingering or closing) just closes. uvicorn told h11 the connection closed, which
        h11, a request received and no response sent by it, raised on: the server stopped with
        a traceback, the other connections and the lifespan's shutdown not seen to."""
        if self._lingering or self.transport.is_closing():
            self.transport.close()
            return
        super().shutdown()  # type: ignore[misc]  # (uvicorn's, next in the MRO)

"""One request and its response on `alexaskill.server.HttpToolsProtocol`: uvicorn's request
cycle, doing less a request.

uvicorn's httptools protocol spends more on each request than the parse and the system calls:
~123,000 instructions a request on uvicorn's own protocol, ~105,500 here, counted with callgrind
over keep-alive requests to a 12-byte ASGI app (``python benchmarks/bench_response_writes.py
--count``; benchmarks/README.md, issue 14). `alexaskill.exchange_protocol.ExchangeProtocol` (a
mixin over uvicorn's protocol) and `Exchange` (its request cycle) keep uvicorn's behaviour, ASGI
3 HTTP with keep-alive, pipelining, flow control both ways, ``Expect: 100-continue``, HEAD,
chunked bodies both ways and its errors, and leave out what costs without doing anything for a
request:

- **No `asyncio.Event` a request.** The body is waited for only when none has arrived: a
  request whose body came with its head (every request of Alexa's) is read without a wait.
- **The default headers are encoded once** each time uvicorn changes them (its ``date`` header,
  once a second), not checked against the header regexes for every response; the app's header
  names are checked and lower-cased once each (its values still on every response).
- **Fewer calls a request**: small methods the request's path went through on every request
  (``default_head``, ``_waiting_for_head``, waking ``receive``) are inlined there, each with a
  comment.
- **The head goes out with the body**, in one write: held until the response's first body, or
  the end of the event loop's turn, whichever comes first (``_HeldWrites`` does this for
  uvicorn's own cycles on h11).
- **No keep-alive timer a request.** uvicorn arms one after each response and cancels it when
  the next request comes (a libuv timer allocated each time); the head deadline's sweep
  (`alexaskill.server`) closes connections idle past ``--timeout-keep-alive`` instead, up to a
  quarter of a second late.
- **No ASGI for a Skill's POST whose body is here**: the Skill's endpoint answers it directly
  (`Exchange.run_asgi`), with the same checks, answers and log line.

Where uvicorn's cycle broke HTTP it answers as h11 does instead: a response of no length to an
HTTP/1.0 request is not chunked (RFC 9112, 6.1) but ended by the close; a chunked response
loses a Content-Length its app also set (6.2); an HTTP/1.0 request's
``Expect: 100-continue`` is ignored (`ExchangeProtocol.on_headers_complete`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

try:  # noqa: SIM105 (an optional import: the names stay undefined without httptools)
    from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE, STATUS_LINE
except ImportError:  # pragma: no cover - without httptools only HeldHead serves (h11's writes)
    pass

if TYPE_CHECKING:
    from .exchange_protocol import ExchangeProtocol

__all__ = ["Exchange", "HeldHead"]

_CONTINUE: Final = b"HTTP/1.1 100 Continue\r\n\r\n"
_SPECIAL: Final = frozenset((b"content-length", b"transfer-encoding", b"connection"))
_DISCONNECT: Final = {"type": "http.disconnect"}
#: Response header names found valid, each with its lower-case form (at most `_NAMES_KEPT`).
_NAMES: Final[dict[bytes, bytes]] = {}
_NAMES_KEPT: Final = 256
_ERROR_HEADERS: Final = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", b"21"),
    (b"connection", b"close"),
]


def _drop_length(head: list[bytes]) -> None:
    """Remove the Content-Length field from the parts of a response's head being built."""
    for i in range(len(head) - 3):
        if head[i] == b"content-length" and head[i + 1] == b": ":
            del head[i : i + 4]
            return


class HeldHead:
    """Where a response's head waits to go out with its body, and its transport (an `Exchange`,
    or `alexaskill.server`'s ``_HeldWrites`` on h11)."""

    __slots__ = ("held", "transport")

    held: bytes | None
    transport: asyncio.Transport

    def flush(self) -> None:
        """Write the held head, if any (the turn ended before the body came)."""
        held = self.held
        if held is not None:
            self.held = None
            if not self.transport.is_closing():
                self.transport.write(held)


class Exchange(HeldHead):
    """One request's ASGI ``receive`` and ``send``, and the app's task (`run_asgi`)."""

    __slots__ = (
        "body",
        "chunked",
        "close_delimited",
        "disconnected",
        "ended",
        "expected_length",
        "final_given",
        "keep_alive",
        "more_body",
        "protocol",
        "response_complete",
        "response_started",
        "scope",
        "waiter",
        "waiting_for_100_continue",
    )

    #: A body at least this large is written on its own rather than copied to join its head.
    JOIN_LIMIT: ClassVar[int] = 64 * 1024

    def __init__(
        self,
        protocol: ExchangeProtocol,
        scope: dict[str, Any],
        *,
        keep_alive: bool,
        expect_100_continue: bool,
    ) -> None:
        self.protocol = protocol
        self.scope = scope
        self.transport = protocol.transport
        self.keep_alive = keep_alive
        self.waiting_for_100_continue = expect_100_continue
        self.disconnected = False
        #: The body received and not yet read by the app; whether more is to come.
        self.body: bytes | bytearray = b""
        self.more_body = True
        #: Whether the app has read the body's last message (its next read waits to disconnect).
        self.final_given = False
        self.response_started = False
        self.response_complete = False
        #: Whether the response is chunked (None: not decided yet); the body bytes still due.
        self.chunked: bool | None = None
        #: Whether the "chunked" body goes as it comes, ended by the close (HTTP/1.0).
        self.close_delimited = False
        self.expected_length = 0
        #: The response's head, waiting to go out with its first body (or at the turn's end).
        self.held: bytes | None = None
        #: What a `receive` waits on while no body is here (None: nobody waits).
        self.waiter: asyncio.Future[None] | None = None
        #: Whether the app's task has ended (a later send is not the connection's business).
        self.ended = False

    # --- what the protocol tells the exchange ---

    def add_body(self, body: bytes, more_body: bool) -> None:
        """Body bytes came (``more_body`` false: the request is complete)."""
        if body:
            buffered = self.body
            if not buffered:
                buffered = self.body = body  # the usual case: the whole body in one piece
            else:  # parts that came before the app read them: appended, not copied each time
                if type(buffered) is bytes:
                    buffered = self.body = bytearray(buffered)
                buffered += body
            if len(buffered) > HIGH_WATER_LIMIT:
                self.protocol.flow.pause_reading()
        if not more_body:
            self.more_body = False
        waiter = self.waiter  # the app's `receive` woken, if it waits (nobody, as a rule)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- the app's side ---

    async def run_asgi(self, app: Any) -> None:
        """Run the app for this request; answer 500 or close when it fails (uvicorn's rules)."""
        protocol = self.protocol
        logger = protocol.logger
        try:
            # A Skill's POST whose body came with its head (all of Alexa's) skips ASGI and the
            # layers around its endpoint (2-4% of a request's instructions, benchmarks/README):
            # not past the concurrency limit (``app`` is uvicorn's 503), nor for 100 Continue.
            endpoint = protocol._whole_body_endpoint
            if (
                endpoint is not None
                and app is protocol.app
                and not (self.more_body or self.waiting_for_100_continue or self.disconnected)
                and endpoint.takes(self.scope)
            ):
                body, self.body, self.final_given = self.body, b"", True  # as `receive` does
                await endpoint.answer_whole(self.scope, bytes(body), self.send)
                result = None
            else:
                result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            if not (isinstance(exc, asyncio.CancelledError) and self.response_complete):
                # (Cancelled once its answer went whole, the apology for a request that the
                # shutdown cut short (`AnsweredCancellation`): nothing failed that needs a log.)
                logger.error("Exception in ASGI application\n", exc_info=exc)
            if not self.response_started:
                await self._send_500()
            else:
                self._close()
        else:
            if result is not None:
                logger.error("ASGI callable should return None, but returned '%s'.", result)
                self._close()
            elif not self.response_started and not self.disconnected:
                logger.error("ASGI callable returned without starting response.")
                await self._send_500()
            elif not self.response_complete and not self.disconnected:
                logger.error("ASGI callable returned without completing response.")
                self._close()
        finally:
            self.ended = True

    async def receive(self) -> dict[str, Any]:
        """The next part of the request's body, or ``http.disconnect``."""
        if self.waiting_for_100_continue and not self.transport.is_closing():
            self.transport.write(_CONTINUE)
            self.waiting_for_100_continue = False
        if not self.disconnected and not self.response_complete:
            flow = self.protocol.flow
            if flow.read_paused and self.more_body:  # a whole request reads nothing more
                flow.resume_reading()
            if not self.body and (self.more_body or self.final_given):
                waiter = self.waiter
                if waiter is None or waiter.done():
                    waiter = self.waiter = self.protocol.loop.create_future()
                await waiter
        if self.disconnected or self.response_complete:
            return dict(_DISCONNECT)
        body, more_body = self.body, self.more_body
        if type(body) is bytearray:
            body = bytes(body)
        self.body = b""
        self.final_given = not more_body
        return {"type": "http.request", "body": body, "more_body": more_body}

    async def send(self, message: Mapping[str, Any]) -> None:
        """Write the response's head or a part of its body."""
        flow = self.protocol.flow
        if flow.write_paused and not self.disconnected:
            self.flush()
            await flow.drain()
        if self.disconnected:
            return
        kind = message["type"]
        if not self.response_started:
            if kind != "http.response.start":
                raise RuntimeError(
                    f"Expected ASGI message 'http.response.start', but got '{kind}'."
                )
            self._start(message)
        elif not self.response_complete:
            if kind != "http.response.body":
                raise RuntimeError(f"Expected ASGI message 'http.response.body', but got '{kind}'.")
            self._body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(
                f"Unexpected ASGI message '{kind}' sent, after response already completed."
            )

    # --- the response ---

    def _start(self, message: Mapping[str, Any]) -> None:
        self.response_started = True
        self.waiting_for_100_continue = False
        if self.more_body:
            # Answered before its body came whole (a 413 or 415 from the head): what the client
            # sends next is the rest of a body nobody reads, not a request. Close after this.
            self.keep_alive = False
        status = message["status"]
        protocol = self.protocol
        scope = self.scope
        if protocol.access_log:
            protocol.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(scope),  # type: ignore[arg-type]
                scope["method"],
                get_path_with_query_string(scope),  # type: ignore[arg-type]
                scope["http_version"],
                status,
            )
        head = [STATUS_LINE[status]]
        cached, defaults = protocol._defaults  # `default_head`'s cache, read in place
        if cached is not protocol.server_state.default_headers:
            defaults = protocol.default_head()
        if defaults is None:  # a default header that decides the framing: checked with the app's
            headers = [*protocol.server_state.default_headers, *message.get("headers", ())]
        else:
            head.append(defaults)
            headers = message.get("headers", ())
        close_sent = False
        names = _NAMES
        for name, value in headers:
            # A name checked and lower-cased once (an app sends the same few names again and
            # again), not by a regex and lower() a response.
            lowered = names.get(name) if type(name) is bytes else None
            if lowered is None:
                if HEADER_RE.search(name):
                    raise RuntimeError("Invalid HTTP header name.")
                lowered = name.lower()
                if type(name) is bytes and len(names) < _NAMES_KEPT:
                    names[name] = lowered
            name = lowered
            if HEADER_VALUE_RE.search(value):
                raise RuntimeError("Invalid HTTP header value.")
            if name in _SPECIAL:
                if name == b"content-length":
                    if self.chunked is None:
                        # (A 304's is the length of the body it stands for: RFC 9110, 8.6.)
                        self.expected_length = int(value.decode()) if status != 304 else 0
                        self.chunked = False
                    elif self.chunked:
                        continue  # (RFC 9112, 6.2: no length with chunks; h11 drops it too)
                elif name == b"transfer-encoding":
                    if scope["http_version"] == "1.0":
                        continue  # (RFC 9112, 6.1: none to HTTP/1.0; its body as it comes)
                    if value.lower() == b"chunked":
                        if self.chunked is False:  # a length came before: dropped
                            _drop_length(head)
                        self.expected_length = 0
                        self.chunked = True
                elif b"close" in [token.lower().strip() for token in value.split(b",")]:
                    self.keep_alive = False
                    close_sent = True
            head += (name, b": ", value, b"\r\n")
        if not self.keep_alive and not close_sent:
            head.append(b"connection: close\r\n")
        if self.chunked is None and scope["method"] != "HEAD" and status not in (204, 304):
            self.chunked = True  # neither a length nor chunked: uvicorn chunks it
            if scope["http_version"] == "1.0":
                # RFC 9112, 6.1: no Transfer-Encoding to HTTP/1.0 (whose client reads the
                # chunks' sizes as the body); the body as it comes, ended by the close (6.3),
                # as h11 sends it. (An HTTP/1.0 request never keeps its connection here.)
                self.close_delimited = True
            else:
                head.append(b"transfer-encoding: chunked\r\n")
        head.append(b"\r\n")
        self.held = b"".join(head)
        protocol.loop.call_soon(self.flush)

    def _body(self, body: bytes, more_body: bool) -> None:
        if self.scope["method"] == "HEAD":
            self.expected_length = 0
            data = b""
        elif self.chunked:
            if self.close_delimited:
                data = body
            else:
                data = b"%x\r\n%b\r\n" % (len(body), body) if body else b""
                if not more_body:
                    data += b"0\r\n\r\n"
        else:
            if len(body) > self.expected_length:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected_length -= len(body)
            data = body
        held = self.held
        if held is not None:
            self.held = None
            if len(data) < self.JOIN_LIMIT:
                data = held + data
            else:
                self.transport.write(held)
        if data:
            self.transport.write(data)
        if not more_body:
            if self.expected_length != 0:
                raise RuntimeError("Response content shorter than Content-Length")
            self.response_complete = True
            waiter = self.waiter  # the app's `receive` woken, if it waits
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            if not self.keep_alive:
                protocol = self.protocol
                # The client still sends its body, or sent more after it: read and dropped,
                # lest the close answer them with a reset that can cost the client this answer.
                # (Reading pauses while a request is queued, `protocol.pipeline`, and stays
                # paused when a queued one runs: what came since is still in the socket.)
                if self.more_body or protocol._closes_lingering or protocol.flow.read_paused:
                    protocol._linger()
                else:
                    self.transport.close()
            if not self.ended:
                self.protocol.on_response_complete()

    async def _send_500(self) -> None:
        await self.send({"type": "http.response.start", "status": 500, "headers": _ERROR_HEADERS})
        await self.send({"type": "http.response.body", "body": b"Internal Server Error"})

    def _close(self) -> None:
        self.flush()
        self.transport.close()
        self.protocol._closing()

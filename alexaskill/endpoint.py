"""Alexa's raw endpoint: the ASGI callable that answers a `Skill`'s POSTs (no Request or Response
objects: speed), and the reading of a request's headers and body it does before the skill's
checks (`Handling._handle`); the answer `Handling._handle` made for a request cancelled from
outside (`alexaskill.cancellations`), sent."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from .cancellations import AnsweredCancellation, unlogged
from .deadline import expired, watch
from .error_bodies import error_body
from .logs import INTERNAL_ERROR, log_request
from .own_cancellation import cancelled_here
from .server_stop import shutdown_cancels
from .shown_names import shown

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from .asgi import Serving

__all__: list[str] = []  # the Skill's endpoint, made by `Serving`

logger = logging.getLogger("alexaskill")

_JSON_HEADERS: Final = [(b"content-type", b"application/json")]
#: The scope's key by which `alexaskill.server`'s protocols say that the parser refused the
#: request's body (answered ``400``): the body's end is then no client gone.
REFUSED_BODY: Final = "alexaskill.refused_body"
_TOO_LARGE: Final = error_body("request body too large")
_NOT_POST: Final = error_body("method not allowed; Alexa POSTs")
_NOT_JSON: Final = error_body("expected application/json")
_BAD_LENGTH: Final = error_body("invalid content-length")
#: The headers a refusal adds to its answer's (none, as a rule).
_Headers = tuple[tuple[bytes, bytes], ...]
#: Those of a 415 for a content coding: the codings taken, identity alone (RFC 9110, 15.5.16
#: and 12.5.3), which tell a client that its coding was refused, not its media type.
_ACCEPT_IDENTITY: Final[_Headers] = ((b"accept-encoding", b"identity"),)
#: The refusals from a request's headers made for its declared length (400: invalid, 413: too
#: large): its body is not read, and what the client sends next is not a request (RFC 9112,
#: 6.3), so the answer says ``connection: close``, for any server to close after it. (Behind
#: alexaskill's servers the connection closes anyway, answered before the body came whole.)
_UNREAD_BODY: Final = frozenset((400, 413))
#: The request line's outcome for a POST refused before the skill's checks, by its status.
_REFUSED: Final = {
    405: "refused:method",
    400: "refused:headers",
    415: "refused:media_type",
    413: "refused:too_large",
    408: "refused:body_timeout",
}
#: The request headers `_Endpoint` passes on, by their lower-case wire names, with the names
#: its refusals give them.
_SHOWN: Final = {
    name.lower(): name
    for name in (
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
        "SignatureCertChainUrl",
        "Signature-256",
        "Signature",
    )
}
_READ_HEADERS: Final = {name.encode(): name for name in _SHOWN}


_ALEXA_TYPES: Final = frozenset(("application/json; charset=utf-8", "application/json"))


def _utf8_json(content_type: str) -> bool:
    """Whether ``content_type`` is JSON in UTF-8, the body's only reading (no other charset,
    nor another type that only begins the same: ``application/jsonx``)."""
    media_type, *parameters = content_type.lower().split(";")
    if media_type.strip() != "application/json":
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() == "charset" and value.strip().strip('"') not in ("utf-8", "utf8"):
            return False
    return True


class _Endpoint:
    """The raw ASGI endpoint that answers Alexa's POSTs (no Request/Response objects: speed)."""

    __slots__ = ("skill",)

    def __init__(self, skill: Serving) -> None:
        self.skill = skill

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Each request refused here (another method than POST too) has its request line
        # (`_REFUSED`), as one the skill's checks refuse has (`Handling._handle`): every request
        # to the skill's path, one line.
        if scope["method"] != "POST":
            log_request(None, outcome=_REFUSED[405], status=405)
            await _send(send, 405, _NOT_POST, allow=True)
            return
        headers = self._checked_headers(scope)
        if isinstance(headers, tuple):  # refused, and logged: answered here
            await _send(send, headers[0], headers[1], close=headers[2], more=headers[3])
            return
        try:
            body = await self._read_body_in_time(receive, self.skill.max_body_size)
        except _Disconnected:
            if scope.get(REFUSED_BODY):  # the server answered 400 for bytes of the body
                log_request(None, outcome="refused:body", status=400)
                return
            # Nobody waits for an answer: not verified or answered; its line says it went.
            logger.debug("the client went away before its request's body came whole")
            log_request(None, outcome="disconnected")
            return
        except TimeoutError:
            # A client that dribbles its body (or stops sending it) keeps no connection open.
            reason = f"request body not received within {self.skill.body_timeout:g} s"
            log_request(None, outcome=_REFUSED[408], status=408)
            await _send(send, 408, error_body(reason), close=True)
            return
        except BaseException as exc:
            if cancelled_here(exc):
                await self._answer_cancelled(send, exc)
                return
            if not unlogged(exc):
                _log_internal_error()
            raise
        if body is None:
            # Past the limit with the rest of the body unread: closed, as for a declared length
            # (uvicorn's h11 and httptools protocols kept the connection and read the rest).
            log_request(None, outcome=_REFUSED[413], status=413)
            await _send(send, 413, _TOO_LARGE, close=True)
            return
        try:
            answer = await self.skill._handle(scope, headers, body)
        except AnsweredCancellation as cancelled:
            await _send_answered(send, cancelled)
            return
        # `_send` written out: a coroutine a request less (~700 instructions).
        start, whole = _messages(*answer)
        try:
            await send(start)
            await send(whole)
        except BaseException as exc:
            if not _unsent_in_shutdown(exc):
                raise

    def takes(self, scope: Scope) -> bool:
        """Whether `answer_whole` may answer ``scope``: a POST to the skill's path, which
        `Skill.__call__` would hand to this endpoint, once that built the app (at the lifespan's
        start, or at the first request without one)."""
        skill = self.skill
        return (
            scope["method"] == "POST"
            and scope["path"] == skill.path
            and not scope.get("root_path")
            and skill._app is not None
        )

    async def answer_whole(self, scope: Scope, body: bytes, send: Send) -> None:
        """`__call__` for a POST whose whole body is here already, without ASGI's ``receive``.

        `alexaskill.exchange` calls it in place of the app its server was given (the `Skill`,
        perhaps behind uvicorn's proxy-headers middleware): the same checks, answers and log
        line, without the ASGI messages, the body's deadline and the layers in between.
        """
        headers = self._checked_headers(scope)
        if isinstance(headers, tuple):  # refused, and logged: answered here
            await _send(send, headers[0], headers[1], close=headers[2], more=headers[3])
            return
        if len(body) > self.skill.max_body_size:
            # Closed, as `__call__` closes it: the same bytes on every protocol.
            log_request(None, outcome=_REFUSED[413], status=413)
            await _send(send, 413, _TOO_LARGE, close=True)
            return
        try:
            answer = await self.skill._handle(scope, headers, body)
        except AnsweredCancellation as cancelled:
            await _send_answered(send, cancelled)
            return
        start, whole = _messages(*answer)  # (`_send` written out, as in `__call__`)
        try:
            await send(start)
            await send(whole)
        except BaseException as exc:
            if not _unsent_in_shutdown(exc):
                raise

    def _checked_headers(self, scope: Scope) -> dict[str, str] | tuple[int, bytes, bool, _Headers]:
        """A POST's headers, read; when they refuse it (a header sent twice, `_refusal`), the
        refusal's status, body, whether to close (as `__call__` does even where the body is
        in) and the headers it adds, logged here, for the caller to send.

        A call, not a coroutine: it never waits, and a coroutine costs a request ~700
        instructions more (its object, frame and send; benchmarks/README.md, "perf15").
        A bug of alexaskill's own in them still has the request's line (`_log_internal_error`),
        here for both callers.
        """
        try:
            try:
                headers = _read_headers(scope["headers"])
            except _ConflictingHeaders as exc:
                log_request(None, outcome=_REFUSED[400], status=400)
                return 400, exc.body(), exc.frames, ()
            refused = self._refusal(headers)
        except BaseException as exc:
            if not unlogged(exc):
                _log_internal_error()
            raise
        if refused is None:
            return headers
        status = refused[0]
        log_request(None, outcome=_REFUSED[status], status=status)
        return status, refused[1], status in _UNREAD_BODY, refused[2]

    async def _answer_cancelled(self, send: Send, cancellation: BaseException) -> None:
        """Answer a POST whose task was cancelled from outside while its body came (uvicorn past
        ``--timeout-graceful-shutdown``), for the cancellation to go on after (`_send_answered`):
        its request line (``cancelled``) and the 503 of one cancelled before its signature was
        checked, as `Handling._handle` answers one cancelled later (`alexaskill.cancellations`),
        not the server's 500 and traceback, in its words (in AWS Lambda, no server's shutdown
        blamed unless it is one). The connection closes: the body's rest is never read."""
        warning, reason = self.skill._cancelled_unverified(cancellation)
        self.skill._refusals_said.warn(logger, warning)
        log_request(None, outcome="cancelled", status=503)
        await _send_answered(send, AnsweredCancellation(503, reason, cancellation), close=True)

    def _refusal(self, headers: Mapping[str, str]) -> tuple[int, bytes, _Headers] | None:
        """The answer to a POST its headers refuse already (media type, content coding, declared
        length): its status, body and the headers it adds."""
        content_type = headers.get("content-type", "")
        # Parsed only when it is not one of the two spellings Alexa and the test tools send.
        if content_type not in _ALEXA_TYPES and not _utf8_json(content_type):
            return 415, _NOT_JSON, ()
        # Alexa never encodes its body, and signs the bytes as sent: a body in another coding
        # (gzip) was verified and read as if plain, its coding ignored. 415: RFC 9110, 15.5.16.
        coding = headers.get("content-encoding")
        if coding is not None and coding.strip(" \t").lower() not in ("identity", ""):
            body = error_body(f"Content-Encoding {shown(coding)} is not taken")
            return 415, body, _ACCEPT_IDENTITY
        declared = headers.get("content-length")
        if declared is not None:
            # ASCII digits only ("²".isdigit() is true) and no more of them than any real body
            # needs (int() refuses over 4,300): a server in front may pass on what uvicorn refuses.
            if not (declared.isascii() and declared.isdigit()) or len(declared) > 18:
                return 400, _BAD_LENGTH, ()
            if int(declared) > self.skill.max_body_size:
                return 413, _TOO_LARGE, ()
        return None

    async def _read_body_in_time(self, receive: Receive, limit: int) -> bytes | None:
        """`_read_body`; `TimeoutError` if the body has not all arrived within ``body_timeout``."""
        skill = self.skill
        seconds = skill.body_timeout
        # The skill's watchdog (alexaskill.deadline): no timer per request.
        watched = watch(skill._watchdog, time.perf_counter() + seconds)
        if watched is None:  # not asyncio (trio, through anyio)
            async with _anyio_deadline(seconds):
                return await _read_body(receive, limit)
        skill._watchdog = watched[0]
        try:
            # The usual body, whole in its first message, taken here: `_read_body`'s coroutine
            # (~700 instructions a request) only for a body in parts or a disconnect.
            message = await receive()
            if message.get("more_body", False) or message["type"] == "http.disconnect":
                body = await _read_body(receive, limit, message)
            else:
                body = message.get("body", b"")
                if len(body) > limit:
                    body = None
        except BaseException as exc:
            # (Not if cancelled from outside too: that cancellation goes on, `__call__`.)
            if expired(watched, exc):
                raise TimeoutError from None
            raise
        watched[0].unwatch(watched[1])
        return body


def _log_internal_error() -> None:
    """The request line of a POST that alexaskill's own bug failed before `Handling._handle`
    (reading its headers or body): the server logs the traceback and answers 500, and the
    request still has its line, as one failed inside `_handle` has. A BaseException too (a
    KeyboardInterrupt, a skill's own class): it goes on up after its line, unless `unlogged`."""
    log_request(None, outcome=INTERNAL_ERROR, status=500)


class _ConflictingHeaders(Exception):
    """A header `_Endpoint` reads came twice, with two values (its lower-case name)."""

    def body(self) -> bytes:
        return error_body(f"conflicting {_SHOWN[self.args[0]]} headers")

    @property
    def frames(self) -> bool:
        """Whether the header is the body's length: the body's framing is then unknown."""
        return bool(self.args[0] == "content-length")


def _read_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The headers `_Endpoint` and the verifier read, by lower-case name, from ASGI's list;
    `_ConflictingHeaders` if one of them comes twice with two values.

    None of them may be sent twice (RFC 9110, section 5.3): a proxy or a log in front of the
    skill may read the first value where the verifier would read the last. The same value twice
    is taken as one (as RFC 9112, section 6.3, allows of Content-Length).
    """
    headers: dict[str, str] = {}
    for name, value in raw:
        # ASGI servers send names in lower case (the spec says they should); a name that is not
        # is lowered, not missed.
        key = _READ_HEADERS.get(name)
        if key is None and not name.islower():
            key = _READ_HEADERS.get(name.lower())
        if key is not None:
            text = value.decode("latin-1")
            if headers.setdefault(key, text) != text:
                raise _ConflictingHeaders(key)
    return headers


class _Disconnected(Exception):
    """The client went away before its request's body came whole."""


async def _read_body(
    receive: Callable[[], Awaitable[Any]], limit: int, message: Any = None
) -> bytes | None:
    """The request body, or None as soon as it grows past ``limit`` bytes; `_Disconnected` if
    the client goes away first. ``message``: its first message, received already."""
    if message is None:
        message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if message["type"] == "http.disconnect":
            raise _Disconnected
        return body if len(body) <= limit else None
    chunks = [body]
    size = len(body)
    if size > limit:  # the first part past it already: refused now, not at the next part
        return None
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.asynccontextmanager
async def _anyio_deadline(seconds: float) -> AsyncIterator[None]:
    import anyio

    with anyio.fail_after(seconds):
        yield


async def _send(
    send: Send,
    status: int,
    body: bytes,
    *,
    allow: bool = False,
    close: bool = False,
    more: _Headers = (),
) -> None:
    """Send an answer of ``status`` with the JSON ``body``, and ``more`` headers (a refusal's:
    the answer of a request its handler answered is `_messages`' alone); cut by the server's
    shutdown as it is sent, said in one line (`_unsent_in_shutdown`), as that answer is."""
    start, whole = _messages(status, body, allow=allow, close=close)
    if more:
        start["headers"].extend(more)
    try:
        await send(start)
        await send(whole)
    except BaseException as exc:
        if not _unsent_in_shutdown(exc):
            raise


async def _send_answered(
    send: Send, cancelled: AnsweredCancellation, *, close: bool = False
) -> None:
    """Send the answer made for a request cancelled from outside (`Handling._handle`'s, or the
    endpoint's 503), then let the cancellation go on: whoever cancelled the request (a caller's
    timeout such as the simulator's) still sees it cancelled.

    Not the cancellation of the server stopping on its signal (`shutdown_cancels`): that is its
    shutdown's, uvicorn's past ``--timeout-graceful-shutdown``, which waits on the request no
    more, and its protocols logged the one raised to them as "Exception in ASGI application",
    with a traceback, for a request answered (alexaskill's own logged nothing). The request
    ends as answered, nothing more said; an answer the shutdown cut as it was sent, in one line
    (`_unsent_in_shutdown`). One the skill's code caught carries the text of the one it caught
    (`SaidCancellation`), told by it as its lines tell it; without one (lost) it goes on, as
    they say it may be a caller's."""
    await _send(send, cancelled.status, cancelled.body, close=close)
    if not shutdown_cancels(cancelled.cancellation):
        raise cancelled.cancellation  # itself: a cancel scope (anyio's) knows its own by its text


def _unsent_in_shutdown(exc: BaseException) -> bool:
    """Whether ``exc``, raised as an answer was sent, is the cancellation of the server's
    shutdown (its stop signal seen, its text uvicorn's: `shutdown_cancels`), said then in one
    WARNING, for the request to end there without it (uvicorn's traceback of it said nothing
    more): the answer is unsent, its client not reading what was sent before (the server's
    writes held) when the shutdown's grace ran out."""
    signal = shutdown_cancels(exc)
    if not (signal and cancelled_here(exc)):
        return False
    logger.warning(
        "the server shutting down (%s) cancelled the sending of an answer, held up by its client "
        "reading nothing: the request goes unanswered",
        signal,
    )
    return True


def _messages(
    status: int, body: bytes, *, allow: bool = False, close: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two ASGI messages of an answer of ``status`` with the JSON ``body`` (`_send`'s)."""
    headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    if allow:
        headers.append((b"allow", b"POST"))
    if close:
        headers.append((b"connection", b"close"))
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )

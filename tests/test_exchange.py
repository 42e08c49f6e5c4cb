"""`alexaskill.exchange`: a request's cycle on alexaskill's protocols as on uvicorn's: bodies
and answers, keep-alive and pipelining, disconnects, the concurrency limit, an app that fails,
HTTP/1.0 and ``Expect: 100-continue``.

Most scenarios feed the same bytes to uvicorn's own ``HttpToolsProtocol`` and to alexaskill's
(`alexaskill.server.HttpToolsProtocol`, whose request cycle is an `Exchange`), with the same
app, and compare what each wrote and when it closed (`tests.exchange_harness.same`): the bytes
on the wire must be the same, only grouped into fewer writes. The others run on both of
alexaskill's parsers (h11 and httptools). Request heads are in tests/test_exchange_heads.py,
the framing of bodies in tests/test_exchange_framing*.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import logging
from typing import Any, ClassVar

import pytest
import uvicorn
from uvicorn.config import Config
from uvicorn.server import ServerState

from tests.conftest import SKILL_ID
from tests.exchange_harness import App, Feed, echo, post, same, serve, uvicorn_protocol, wire
from tests.server_protocols import PROTOCOLS, Transport, connect, first_write, on_httptools, settle

pytestmark = pytest.mark.oldest_dependencies

UVICORN = tuple(int(part) for part in uvicorn.__version__.split(".")[:2])


def test_keep_alive_requests_one_after_another() -> None:
    events, _ = same(echo, [post(b'{"a": 1}'), post(b"two", path="/b?x=1")])
    assert first_write(events).count(b"HTTP/1.1 200 OK") == 2


def test_pipelined_requests_are_answered_in_order() -> None:
    events, _ = same(echo, [post(b"first") + post(b"second") + post(b"third")])
    text = first_write(events)
    assert text.index(b"first") < text.index(b"second") < text.index(b"third")


def test_a_body_in_parts_and_a_chunked_body() -> None:
    whole = post(b"x" * 3000)
    same(echo, [whole[:100], 0.01, whole[100:2000], 0.01, whole[2000:]])
    chunked = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
    same(echo, [chunked + b"5\r\nhello\r\n", 0.01, b"6\r\n world\r\n0\r\n\r\n"])


def test_parts_that_come_before_the_app_reads_are_read_together() -> None:
    async def late(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await asyncio.sleep(0.05)  # every part is in by now
        await echo(scope, receive, send)

    whole = post(bytes(range(48, 58)) * 100)
    parts = [whole[i : i + 100] for i in range(0, len(whole), 100)]
    events, _ = same(late, parts)
    assert (bytes(range(48, 58)) * 100).decode() in first_write(events).decode()


def test_a_body_past_the_high_water_mark() -> None:
    body = b"y" * (200 * 1024)
    whole = post(body)
    events, _ = same(echo, [whole[i : i + 65536] for i in range(0, len(whole), 65536)])
    assert body.decode() in first_write(events).decode()


def test_expect_100_continue() -> None:
    head = post(b"", "expect: 100-continue").replace(b"content-length: 0", b"content-length: 4")
    events, _ = same(echo, [head, 0.01, b"body"])
    assert first_write(events).startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def test_head_request_http_1_0_and_connection_close() -> None:
    same(echo, [b"HEAD /h HTTP/1.1\r\nhost: x\r\n\r\n"])
    old = [b"GET /old HTTP/1.0\r\n\r\n"]
    events, _ = serve(on_httptools(), echo, old)
    assert b"connection: close" in first_write(events) and events[-1] == "close"
    if UVICORN >= (0, 53):  # before, uvicorn closed such a connection without saying so
        same(echo, old)
    events, _ = same(echo, [post(b"bye", "connection: close")])
    assert events[-1] == "close"


def test_a_url_with_a_query_and_escapes() -> None:
    events, _ = same(echo, [b"GET /caf%C3%A9/x?city=Lyon&day=1 HTTP/1.1\r\nhost: x\r\n\r\n"])
    answer = json.loads(first_write(events).split(b"\r\n\r\n", 1)[1])
    assert (answer["path"], answer["query"]) == ("/café/x", "city=Lyon&day=1")


async def streamed(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 201, "headers": []})
    for part in (b"one ", b"two ", b""):
        await send({"type": "http.response.body", "body": part, "more_body": bool(part)})
        await asyncio.sleep(0.01)


def test_a_streamed_response_without_a_length_is_chunked() -> None:
    events, _ = same(streamed, [post(b""), post(b"")])
    assert first_write(events).count(b"transfer-encoding: chunked") == 2


def failing(where: str) -> App:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        if where == "before":
            raise ValueError("before the response")
        if where == "no-response":
            return
        headers = [(b"content-length", b"10")]
        if where == "bad-header":
            headers.append((b"x-bad", b"one\r\ntwo"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if where == "after":
            raise ValueError("after the head")
        if where == "long":
            await send({"type": "http.response.body", "body": b"x" * 11})
        if where == "short":
            await send({"type": "http.response.body", "body": b"x" * 9})

    return app


@pytest.mark.parametrize("where", ["before", "no-response", "bad-header", "after", "long", "short"])
def test_an_app_that_fails(where: str) -> None:
    events, logs = same(failing(where), [post(b"{}")])
    assert logs  # each is logged, as uvicorn logs it
    if where == "bad-header":  # nothing of it written: the response had begun, so a close
        assert events == ["close"]
    elif where in ("before", "no-response"):
        assert first_write(events).startswith(b"HTTP/1.1 500 Internal Server Error")
    assert events[-1] == "close"


def test_header_names_are_checked_and_lowered_on_every_response() -> None:
    # alexaskill's protocol remembers the names it found valid: a name seen before is lowered
    # from memory, a bad one is refused every time it comes (never remembered).
    answered: list[int] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        answered.append(1)
        headers = [(b"X-Mixed-Case", b"1"), (b"Content-Length", b"2")]
        if len(answered) % 2 == 0:
            headers.insert(1, (b"bad name", b"v"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    for _ in range(2):
        answered.clear()
        events, logs = same(app, [post(b"x"), post(b"x")])
        # The second response had begun when its bad name was found: a close, as uvicorn's.
        assert events == [
            b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\nx-mixed-case: 1\r\ncontent-length: 2\r\n\r\nok",
            "close",
        ]
        assert logs == ["Exception in ASGI application"]


def test_a_disconnect_while_the_app_waits() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(await receive())  # the part of the body that came
        seen.append(await receive())  # the client goes away meanwhile

    head = post(b"0123456789")[:-6]
    theirs, _ = serve(uvicorn_protocol(), app, [head], lose=True)
    their_seen, seen[:] = seen[:], []
    ours, _ = serve(on_httptools(), app, [head], lose=True)
    assert seen == their_seen
    assert seen[-1] == {"type": "http.disconnect"}
    assert wire(ours) == wire(theirs)


def test_after_the_response_receive_reports_the_disconnect() -> None:
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()

        async def listen() -> None:
            seen.append((await receive())["type"])

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        await listener

    same(app, [post(b"x")])
    assert seen == ["http.disconnect", "http.disconnect"]


def test_default_headers_and_the_concurrency_limit() -> None:
    same(echo, [post(b"x")], headers=[("X-Served-By", "alexaskill")])
    # (Past the limit the 503 has a JSON reason, not uvicorn's text: see the test of it.)
    events, logs = serve(on_httptools(), echo, [post(b"x")], limit_concurrency=1)
    assert first_write(events).startswith(b"HTTP/1.1 503")
    assert logs == ["Exceeded concurrency limit."]


def test_requests_past_the_concurrency_limit_do_not_flood_the_log() -> None:
    # uvicorn's warning came once a refused request: under a flood, hundreds of thousands of
    # lines in seconds (audit), each a write the attacker's request costs. Now one line says
    # it, and the next, a few seconds on at the soonest, how many more came meanwhile.
    async def scenario() -> list[bytes | str]:
        settings = Config(app=echo, lifespan="off", log_level="warning", limit_concurrency=1)
        settings.load()
        logging.getLogger("uvicorn.error").addHandler(handler)  # after uvicorn's own set-up
        state = ServerState()
        events: list[bytes | str] = []
        for _ in range(50):
            protocol = on_httptools()(config=settings, server_state=state, app_state={})
            transport = Transport()
            transport.protocol = protocol
            protocol.connection_made(transport)
            protocol.data_received(post(b"x"))
            await settle()
            events += transport.events
            protocol.connection_lost(None)
        return events

    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    handler = Collect()
    try:
        events = asyncio.run(scenario())
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    written = b"".join(event for event in events if isinstance(event, bytes))
    assert written.count(b"HTTP/1.1 503") == 50
    assert said == ["Exceeded concurrency limit."]


def test_the_next_concurrency_line_counts_the_refusals_not_said() -> None:
    from alexaskill.exchange_protocol import _say_over_limit

    logger = logging.getLogger("tests.concurrency")
    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    handler = Collect()
    logger.addHandler(handler)
    try:
        state = ServerState()
        for now in (0.0, 1.0, 2.0, 9.5, 11.0, 12.0, 30.0):
            _say_over_limit(logger, state, now)
    finally:
        logger.removeHandler(handler)
    assert said == [
        "Exceeded concurrency limit.",
        "Exceeded concurrency limit. (and 3 more in the 11 s before)",
        "Exceeded concurrency limit. (and 1 more in the 19 s before)",
    ]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_request_the_parser_refuses_gets_400_with_a_json_reason(
    protocol_class: type[Any],
) -> None:
    # As every refusal of alexaskill's: a short JSON reason (uvicorn answers plain text).
    events, logs = serve(protocol_class, echo, [b"NOT HTTP AT ALL\r\n\r\n"])
    assert events[-1] == "close" and logs == ["Invalid HTTP request received."]
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"content-type: application/json" in head and b"connection: close" in head
    assert json.loads(body) == {"error": "invalid HTTP request"}


def test_the_access_log_line_is_uvicorns() -> None:
    _, logs = same(echo, [post(b"x", path="/a?b=c")], access_log=True, log_level="info")
    assert logs == ['127.0.0.1:50000 - "POST /a?b=c HTTP/1.1" 200']


class HandedOver(asyncio.Protocol):
    """uvicorn's WebSocket protocol, as a library would give it (``Config(ws=...)`` takes a
    class): what the HTTP protocol hands it on an upgrade, with or without ``websockets``."""

    heads: ClassVar[list[bytes]] = []

    def __init__(self, config: Config, server_state: ServerState, app_state: Any) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        self.heads.append(bytes(data))


WEBSOCKET = (
    b"GET /ws?a=1 HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\n"
    b"sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
)


@pytest.mark.parametrize(
    ("feed", "answers"),
    [([WEBSOCKET], 0), ([WEBSOCKET[:30], 0.01, WEBSOCKET[30:]], 0), ([post(b"{}") + WEBSOCKET], 1)],
    ids=["one-read", "two-reads", "behind-a-request"],
)
def test_a_websocket_upgrade_is_handed_over_as_by_uvicorn(feed: Feed, answers: int) -> None:
    # alexaskill's httptools protocol parses the reads itself (`data_received`): an upgrade
    # a WebSocket library takes still goes to it, the head as uvicorn hands it, nothing
    # answered over HTTP for it.
    HandedOver.heads = []
    events, logs = same(echo, feed, ws=HandedOver)
    assert HandedOver.heads == [WEBSOCKET, WEBSOCKET] and logs == []  # uvicorn's, then ours
    written = b"".join(event for event in events if isinstance(event, bytes))
    assert written.count(b"HTTP/1.1 ") == answers


REQUEST_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("request_path", default="")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_each_request_starts_in_a_fresh_context_as_on_uvicorn(protocol_class: type[Any]) -> None:
    # uvicorn before 0.45 (pyproject's floor is 0.42) ran every request in a fresh context,
    # without an option; later ones do so with ``reset_contextvars``. alexaskill's httptools
    # protocol read that option and, where it was missing, ran a pipelined request in the
    # context of the one before it: one request's context variables (a user, a trace) seen
    # by the next client's.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(REQUEST_PATH.get())
        REQUEST_PATH.set(scope["path"])
        await echo(scope, receive, send)

    options: dict[str, Any] = {}
    if "reset_contextvars" in inspect.signature(Config).parameters:
        options["reset_contextvars"] = True
    events, _ = serve(
        protocol_class, app, [post(b"x", path="/first") + post(b"y", path="/second")], **options
    )
    assert b"".join(e for e in events if isinstance(e, bytes)).count(b"HTTP/1.1 200") == 2
    assert seen == ["", ""]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_past_the_concurrency_limit_the_503_has_a_json_reason(protocol_class: type[Any]) -> None:
    # As every refusal of alexaskill's (uvicorn's 503 is plain text), on either parser.
    events, logs = serve(protocol_class, echo, [post(b"x")], limit_concurrency=1)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), head
    assert b"content-type: application/json" in head and b"connection: close" in head
    assert json.loads(body) == {"error": "over the server's concurrency limit"}
    assert logs == ["Exceeded concurrency limit."] and events[-1] == "close"


@pytest.mark.parametrize(
    "refused",
    [
        b"CONNECT skill:443 HTTP/1.1\r\nhost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n",
    ],
    ids=["connect", "two-framings"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_the_server_stops_with_a_refused_request_on_a_connection(
    protocol_class: type[Any], refused: bytes
) -> None:
    # uvicorn's shutdown told h11 that such a connection closed, which h11 (a request
    # received, no response of its own sent) raised on: the server stopped with a traceback
    # (LocalProtocolError), its other connections and the lifespan's shutdown not seen to.
    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(protocol_class, echo)
        protocol.data_received(refused)
        await settle()
        protocol.shutdown()  # (as uvicorn's server does, stopping, to each connection)
        protocol.connection_lost(None)
        return transport.events

    events = asyncio.run(scenario())
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert events[-1] == "close"


#: Requests refused from their head (400, closed), each pipelined behind good ones below.
REFUSED_BEHIND = {
    "target": b"GET ?a HTTP/1.1\r\nhost: x\r\n\r\n",
    "two-hosts": b"GET / HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n",
    "not-http": b"\x01\x02 nonsense\r\n\r\n",
    "h2c-with-body": (
        b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
        b"content-length: 2\r\n\r\n{}"
    ),
}


@pytest.mark.parametrize("refused", REFUSED_BEHIND)
@pytest.mark.parametrize("before", [1, 2], ids=["one-before", "two-before"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_refused_request_pipelined_behind_others_is_answered_after_them(
    protocol_class: type[Any], before: int, refused: str
) -> None:
    # On httptools the 400 went out at once, in place of the answers still due to the requests
    # before it (their handlers ran, their answers were never sent; the client read the 400
    # as the first request's answer). Answered in order, as on h11, then closed.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    good = b"".join(b"GET /r%d HTTP/1.1\r\nhost: x\r\n\r\n" % i for i in range(before))
    events, _ = serve(protocol_class, app, [good + REFUSED_BEHIND[refused]], ws="none")
    joined = wire(events)
    assert seen == [f"/r{i}" for i in range(before)] and joined[-1] == "close", joined
    answers = first_write(joined).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"200 OK"] * before + [
        b"400 Bad Request"
    ], answers
    assert [json.loads(a.partition(b"\r\n\r\n")[2])["path"] for a in answers[:-1]] == seen


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_app_mounted_beside_a_skill_that_raises_leaks_nothing_and_the_server_goes_on(
    protocol_class: type[Any],
) -> None:
    # Not the Skill's path: the host app's own 500 (Starlette's, plain text) is the answer, as
    # for any app uvicorn serves; the traceback goes to the log only, and the next connection
    # is served.
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route

    from alexaskill import Skill

    async def fails(request: Any) -> Any:
        raise RuntimeError("a secret of the handler's")

    skill = Skill(skill_id=SKILL_ID)
    other = Starlette(routes=[Route("/fails", fails)])
    app = Starlette(routes=[skill.mount("/alexa"), Mount("/other", app=other)])
    events, logs = serve(protocol_class, app, [b"GET /other/fails HTTP/1.1\r\nhost: x\r\n\r\n"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), answer
    assert answer.endswith(b"\r\n\r\nInternal Server Error") and b"secret" not in answer
    assert "Exception in ASGI application" in logs
    events, logs = serve(protocol_class, app, [b"GET /alexa/health HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n") and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_http_1_0_request_expecting_100_continue_gets_no_interim_answer(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0
    # request (a 1.0 client knows no interim answer: it reads "100 Continue" as the answer).
    # httptools (uvicorn's cycle, and alexaskill's) sent one; h11 did not.
    request = b"POST / HTTP/1.0\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n"
    events, _ = serve(protocol_class, echo, [request, b"{}"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"100 Continue" not in answer, answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["body"] == "{}"
    # (An HTTP/1.1 request still gets it.)
    events, _ = serve(protocol_class, echo, [request.replace(b"HTTP/1.0", b"HTTP/1.1"), b"{}"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def _streams(headers: list[tuple[bytes, bytes]]) -> App:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ab", "more_body": True})
        await send({"type": "http.response.body", "body": b"cd"})

    return app


@pytest.mark.parametrize(
    "headers", [[], [(b"transfer-encoding", b"chunked")]], ids=["no-length", "chunked-by-the-app"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_response_without_a_length_to_http_1_0_is_not_chunked(
    protocol_class: type[Any], headers: list[tuple[bytes, bytes]]
) -> None:
    # RFC 9112, 6.1: no Transfer-Encoding in a response to an HTTP/1.0 request (its client
    # reads the chunks' sizes as the body; nginx's proxy_pass speaks HTTP/1.0 by default).
    # httptools (uvicorn's cycle, and alexaskill's) chunked it; h11 sends it as it comes and
    # ends it by closing, as RFC 9112, 6.3 has it.
    events, logs = serve(protocol_class, _streams(headers), [b"GET / HTTP/1.0\r\n\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"transfer-encoding" not in head.lower()
    assert b"connection: close" in head.lower() and body == b"abcd" and logs == []
    assert wire(events)[-1] == "close"


@pytest.mark.parametrize("length_first", [True, False], ids=["length-first", "coding-first"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_response_with_a_length_and_chunked_goes_chunked_without_the_length(
    protocol_class: type[Any], length_first: bool
) -> None:
    # RFC 9112, 6.2: no Content-Length in a message with a Transfer-Encoding. httptools sent
    # both (a client going by the length reads the chunk sizes as the body, and the rest as
    # the next answer); h11 drops the length and chunks, as now on either parser.
    headers = [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")]
    app = _streams(headers if length_first else headers[::-1])
    events, logs = serve(protocol_class, app, [b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"content-length" not in head.lower()
    assert b"transfer-encoding: chunked" in head.lower(), head
    assert body == b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n" and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_304_with_the_length_of_the_body_it_stands_for_is_answered_without_an_error(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 8.6: a 304's Content-Length is the length the 200 would have had; it has no
    # body. httptools (uvicorn's cycle, and alexaskill's) took the length for its body's: the
    # empty body "shorter than Content-Length", an error logged, the connection closed.
    app = _streams([(b"content-length", b"4")])

    async def not_modified(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/next":
            await app(scope, receive, send)
            return
        headers = [(b"content-length", b"5"), (b"etag", b'"v1"')]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    request = b'GET / HTTP/1.1\r\nhost: x\r\nif-none-match: "v1"\r\n\r\n'
    events, logs = serve(
        protocol_class, not_modified, [request, request.replace(b"/", b"/next", 1)]
    )
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"304 Not Modified", b"200 OK"]
    assert answers[0].endswith(b"\r\n\r\n") and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_expectation_but_100_continue_is_ignored_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 10.1.1: a server MAY answer 417 to an expectation it does not know; served
    # here, as by uvicorn, with no interim answer (the README's table says so).
    request = post(b"{}", "expect: 200-ok")
    events, logs = serve(protocol_class, echo, [request])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "{}" and logs == []


@pytest.mark.parametrize("expect", [b"100-continue, x-a", b"x-a , 100-Continue"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_expect_that_lists_100_continue_gets_the_interim_answer_on_either_parser(
    protocol_class: type[Any], expect: bytes
) -> None:
    # RFC 9110, 10.1.1: Expect is a list. h11 found 100-continue in one; uvicorn's httptools
    # protocol took only a value of exactly that, and its client, waiting for the 100 before
    # sending its body, waited for nothing (curl: a second, then sends it anyway).
    head = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: %b\r\n\r\n" % expect
    events, logs = serve(protocol_class, echo, [head, b"{}"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2].partition(b"\r\n\r\n")[2])["body"] == "{}"
    assert logs == [], logs

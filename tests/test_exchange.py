"""`alexaskill.exchange`: a request's cycle on alexaskill's protocols as on uvicorn's: bodies
and answers, keep-alive and pipelining, disconnects, the concurrency limit, an app that fails,
HTTP/1.0 and ``Expect: 100-continue``.

Most scenarios feed the same bytes to uvicorn's own ``HttpToolsProtocol`` and to alexaskill's
(`alexaskill.server.HttpToolsProtocol`, whose request cycle is an `Exchange`), with the same
app, and compare what each wrote and when it closed (`tests.exchange_harness.same`): the bytes
on the wire must be the same, only grouped into fewer writes. Those that run on both of
alexaskill's parsers (h11 and httptools) are in tests/test_exchange_parsers.py, request heads in
tests/test_exchange_heads.py, the framing of bodies in tests/test_exchange_framing*.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, ClassVar

import pytest
import uvicorn
from uvicorn.config import Config
from uvicorn.server import ServerState

from tests.exchange_harness import App, Feed, echo, post, same, serve, uvicorn_protocol, wire
from tests.server_protocols import PROTOCOLS, Transport, first_write, on_httptools, settle

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


async def _cancelled_before_answering(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An app whose task is cancelled (a shutdown's, past its graceful bound) as it works."""
    task = asyncio.current_task()
    assert task is not None
    task.cancel()
    await asyncio.sleep(0)


def test_an_app_cancelled_before_it_answered_gets_its_500_as_under_uvicorn() -> None:
    # The cancellation is delivered once, into the app: the 500 after it is not cut by it
    # (`send` waits only while writes are paused), as in uvicorn's cycle, which shields nothing.
    events, logs = same(_cancelled_before_answering, [post(b"{}")])
    assert first_write(events).startswith(b"HTTP/1.1 500 Internal Server Error")
    assert events[-1] == "close"
    assert logs == ["Exception in ASGI application"]


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

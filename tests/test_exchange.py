"""`alexaskill.exchange`: alexaskill's httptools protocol answers what uvicorn's answers.

Each scenario feeds the same bytes to uvicorn's own ``HttpToolsProtocol`` and to alexaskill's
(`alexaskill.server.HttpToolsProtocol`, whose request cycle is an `Exchange`), with the same
app, and compares what each wrote and when it closed: the bytes on the wire must be the same,
only grouped into fewer writes.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

import pytest
import uvicorn
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as UvicornProtocol
from uvicorn.server import ServerState

from alexaskill import server as server_module
from alexaskill.server_limits import _NO_WEBSOCKETS
from tests.test_server_writes import PROTOCOLS, Transport, connect, first_write, settle

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
UVICORN = tuple(int(part) for part in uvicorn.__version__.split(".")[:2])
Feed = Sequence[bytes | float]  # bytes to feed, or seconds to wait between them


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Read the whole body; answer what the request was, as JSON."""
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = json.dumps(
        {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query": scope["query_string"].decode(),
            "http_version": scope["http_version"],
            "headers": [[n.decode(), v.decode()] for n, v in scope["headers"]],
            "body": body.decode(),
        }
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def wire(events: list[bytes | str]) -> list[bytes | str]:
    """The events with consecutive writes joined: what the peer reads, and where it ends."""
    joined: list[bytes | str] = []
    for event in events:
        if isinstance(event, bytes) and joined and isinstance(joined[-1], bytes):
            joined[-1] += event
        else:
            joined.append(event)
    return joined


def serve(
    protocol_class: type[Any],
    app: App,
    feed: Feed,
    *,
    lose: bool = False,
    transport_class: type[Transport] = Transport,
    **config: Any,
) -> tuple[list[bytes | str], list[str]]:
    """Feed ``feed`` to a new connection of ``protocol_class``; its events and error logs."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == "uvicorn.access" or record.levelno >= logging.WARNING:
                records.append(record.getMessage().strip())

    handler = Collect()
    # (With access_log=False uvicorn's access logger has no handler, and the protocol writes
    # no access line: none is added to it then.)
    loggers = (
        ["uvicorn.error"]
        if config.get("access_log") is False
        else ["uvicorn.error", "uvicorn.access"]
    )

    async def scenario() -> list[bytes | str]:
        settings = Config(app=app, lifespan="off", **{"log_level": "warning", **config})
        settings.load()
        for name in loggers:  # after uvicorn's own set-up
            logging.getLogger(name).addHandler(handler)
        state = ServerState()
        state.default_headers = list(settings.encoded_headers)
        protocol = protocol_class(config=settings, server_state=state, app_state={})
        transport = transport_class()
        transport.protocol = protocol
        protocol.connection_made(transport)
        for part in feed:
            if isinstance(part, float):
                await asyncio.sleep(part)
            else:
                protocol.data_received(part)
            await settle()
        lost = lose
        if lose:
            protocol.connection_lost(None)
            await settle()
        # Every request's task to its end, those started meanwhile too (a pipelined request's
        # task starts when the one before it has answered, maybe while this waits).
        deadline = asyncio.get_running_loop().time() + 30
        while state.tasks and asyncio.get_running_loop().time() < deadline:
            if transport.closing and not lost:
                # The protocol closed the connection (a refusal from a body's bytes, say): the
                # loop reports it lost then, which ends a task waiting for the rest of a body.
                # (Not reported, such a task waited out the deadline: 30 s, and a failure.)
                protocol.connection_lost(None)
                lost = True
                await settle()
                continue
            await asyncio.wait(list(state.tasks), timeout=2)
        assert not state.tasks, "a request's task did not end"
        if not lost:
            protocol.connection_lost(None)
        return transport.events

    try:
        events = asyncio.run(scenario())
    finally:
        for name in loggers:
            logging.getLogger(name).removeHandler(handler)
    return events, records


def same(app: App, feed: Feed, **options: Any) -> tuple[list[bytes | str], list[str]]:
    """Serve ``feed`` with both protocols; assert the wire and the logs are the same."""
    theirs, their_logs = serve(UvicornProtocol, app, feed, **options)
    ours, our_logs = serve(server_module.HttpToolsProtocol, app, feed, **options)
    assert wire(ours) == wire(theirs)
    assert our_logs == their_logs
    return wire(ours), our_logs


def post(body: bytes, *headers: str, path: str = "/") -> bytes:
    head = [f"POST {path} HTTP/1.1", "host: x", f"content-length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


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
    events, _ = serve(server_module.HttpToolsProtocol, echo, old)
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
    theirs, _ = serve(UvicornProtocol, app, [head], lose=True)
    their_seen, seen[:] = seen[:], []
    ours, _ = serve(server_module.HttpToolsProtocol, app, [head], lose=True)
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
    events, logs = serve(server_module.HttpToolsProtocol, echo, [post(b"x")], limit_concurrency=1)
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
            protocol = server_module.HttpToolsProtocol(
                config=settings, server_state=state, app_state={}
            )
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


#: A request framed two ways (RFC 9112, 6.3): a proxy in front that goes by the length would
#: see one request, body and all; a server that goes by the chunks sees a second one in it.
SMUGGLED = (
    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 40\r\ntransfer-encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n"
)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_with_a_length_and_chunks_is_refused_and_nothing_after_it_runs(
    protocol_class: type[Any],
) -> None:
    # h11 went by the chunks and kept the connection open: the request hidden in the body ran.
    # Refused with 400 and closed on either parser, as httptools does.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [SMUGGLED])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    assert events[-1] == "close"
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(body) == {"error": "invalid HTTP request"}


HIDDEN = b"GET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n"
UPGRADE_WITH_BODY = {
    "length": (b"content-length: %d\r\n\r\n" % len(HIDDEN), HIDDEN),
    "chunks": (
        b"transfer-encoding: chunked\r\n\r\n",
        b"%x\r\n%b\r\n0\r\n\r\n" % (len(HIDDEN), HIDDEN),
    ),
}


H2C_REFUSED = "HTTP/2 upgrade (h2c) is not supported: send the request as HTTP/1.1"


@pytest.mark.parametrize("framing", UPGRADE_WITH_BODY)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_with_a_body_and_an_upgrade_not_taken_never_runs_its_body(
    protocol_class: type[Any], framing: str
) -> None:
    # httptools stops at a request asking to upgrade (h2c here, which nobody serves): its
    # body was never the app's (it read b""), and, come in a later read, it ran as a request
    # of its own (smuggled past a proxy that sent it as a body). Such a request is refused
    # from its head (400, closed), its body never parsed; on h11 too (which read its body and
    # served it), so that a client behaves the same on either parser.
    head, body = UPGRADE_WITH_BODY[framing]
    seen: list[tuple[str, str]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        seen.append((scope["path"], message.get("body", b"").decode()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    upgrade = b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
    events, _ = serve(protocol_class, app, [upgrade + head + body])
    assert seen == [] and events[-1] == "close"
    answer, _, reason = first_write(wire(events)).partition(b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(reason) == {"error": H2C_REFUSED}


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_requests_pipelined_behind_an_upgrade_not_taken_are_answered(
    protocol_class: type[Any],
) -> None:
    # httptools stops at a request asking to upgrade: uvicorn served it as a plain request
    # (h2c is served by nobody) and dropped the rest of the read, the requests behind it never
    # answered, a proxy in front left waiting (or handing their answers to the next ones).
    upgrade = b"GET /%d HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    plain = b"GET /%d HTTP/1.1\r\nhost: x\r\n\r\n"
    events, _ = serve(protocol_class, echo, [upgrade % 1 + plain % 2 + upgrade % 3 + plain % 4])
    answered = b"".join(event for event in events if isinstance(event, bytes))
    assert answered.count(b"HTTP/1.1 200 OK\r\n") == 4
    assert re.findall(rb'"path": "(/\d)"', answered) == [b"/1", b"/2", b"/3", b"/4"]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_upgrades_not_taken_do_not_flood_the_log(protocol_class: type[Any]) -> None:
    # uvicorn said two warnings for every request asking for an upgrade it does not take (h2c,
    # or a WebSocket without a library), which a client sends on and on over one connection.
    upgrade = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    events, logs = serve(protocol_class, echo, [upgrade, 0.01, upgrade, 0.01, upgrade])
    assert sum(isinstance(event, bytes) and b"HTTP/1.1 200 OK" in event for event in events) == 3
    assert logs[0] == "Unsupported upgrade request."
    assert len(logs) <= 2 and all("upgrade" in line or "WebSocket" in line for line in logs)


HOSTS = {
    "none": b"POST / HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}",
    "two": b"POST / HTTP/1.1\r\nhost: a\r\nhost: b\r\ncontent-length: 2\r\n\r\n{}",
    "two-http-1.0": b"POST / HTTP/1.0\r\nhost: a\r\nhost: b\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("hosts", HOSTS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_without_one_host_is_refused(protocol_class: type[Any], hosts: str) -> None:
    # RFC 9112, 3.2: an HTTP/1.1 request without a Host, or any with two, gets a 400. h11 did
    # so; httptools served it (which host is it for? a proxy in front and the app may differ).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [HOSTS[hosts]])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": "invalid HTTP request"}


@pytest.mark.parametrize("target", [b"/old", b"http://skill/old"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_http_1_0_request_needs_no_host(protocol_class: type[Any], target: bytes) -> None:
    # (Served by each protocol, not compared with uvicorn's: before 0.53 its answer to HTTP/1.0
    # did not say "connection: close", which the CI's run at the oldest uvicorn would see.)
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.0\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert (json.loads(body)["path"], json.loads(body)["http_version"]) == ("/old", "1.0")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailer_fields_are_not_request_headers(protocol_class: type[Any]) -> None:
    # httptools reports a chunked body's trailer fields as it does headers, and uvicorn added
    # them to the request's: after the proxy in front checked the head, and without bound (a
    # tuple a line, for as long as the body may take). An ``x-forwarded-for`` there, the last
    # of its name, was the one --proxy-headers believed. Trailers are dropped, as on h11.
    headers: list[list[str]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await echo(scope, receive, send)
        headers.append([name.decode() for name, _ in scope["headers"]])

    head = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
    trailers = b"x-forwarded-for: 6.6.6.6\r\nhost: evil\r\n" + b"x-t: 1\r\n" * 1000
    events, _ = serve(protocol_class, app, [head + b"2\r\n{}\r\n0\r\n" + trailers + b"\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n")
    assert headers == [["host", "transfer-encoding"]]


def test_many_requests_pipelined_behind_upgrades_not_taken_are_parsed_in_a_loop() -> None:
    # Each request asking for an upgrade stops httptools; what follows it in the read is parsed
    # again from there: in a loop, not a call deeper each (a read of such small requests, a
    # few thousand, was a RecursionError), and from a view, not a copy of the rest each.
    upgrade = b"GET /u HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    count = 1500
    # (ws="none": with a WebSocket library installed uvicorn gives no advice to install one)
    events, logs = serve(server_module.HttpToolsProtocol, echo, [upgrade * count], ws="none")
    answered = b"".join(event for event in events if isinstance(event, bytes))
    assert answered.count(b"HTTP/1.1 200 OK\r\n") == count
    assert logs[:2] == ["Unsupported upgrade request.", _NO_WEBSOCKETS] and len(logs) == 2


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_bytes_after_a_request_with_two_framings_are_not_parsed(protocol_class: type[Any]) -> None:
    # Over TLS a connection still gets what comes before its shutdown: on h11 the body of the
    # refused request was parsed then, for a request never started (an AttributeError).
    head = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n"
    events, _ = serve(protocol_class, echo, [head, b"5\r\nhello\r\n0\r\n\r\n"])
    assert events[-1] == "close" and len(wire(events)) == 2
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_a_body_after_an_upgrade_refused_is_never_parsed() -> None:
    # Refused from its head, the connection closes; over TLS what comes before the shutdown
    # still reaches the protocol: the body, parsed as a request, ran (its answer dropped).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    upgrade = b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
    head = upgrade + b"content-length: %d\r\n\r\n" % len(HIDDEN)
    events, _ = serve(server_module.HttpToolsProtocol, app, [head, HIDDEN])
    assert seen == [] and events[-1] == "close"
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_requests_the_parser_refuses_do_not_flood_the_log() -> None:
    # A line each, on httptools (the Dockerfile's): a flood of bad requests, a write each.
    config = Config(app=echo, lifespan="off", log_level="warning")
    config.load()
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    async def scenario() -> None:
        state = ServerState()
        for _ in range(5):  # five connections of one server, each sending garbage
            protocol = server_module.HttpToolsProtocol(
                config=config, server_state=state, app_state={}
            )
            transport = Transport()
            transport.protocol = protocol
            protocol.connection_made(transport)
            protocol.data_received(b"NOT HTTP AT ALL\r\n\r\n")
            assert transport.events[-1] == "close"
            protocol.connection_lost(None)
            await settle()

    handler = Collect()
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        asyncio.run(scenario())
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    assert records == ["Invalid HTTP request received."]


@pytest.mark.parametrize(
    "line", [b"GET /x\r\n", b"GET /x HTTP/2.0\r\nhost: x\r\n", b"GET /x HTTP/0.9\r\n"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_of_another_http_version_is_refused(
    protocol_class: type[Any], line: bytes
) -> None:
    # Served, with an HTTP/1.1 answer and a scope saying "2.0" or "0.9" (ASGI knows neither).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["http_version"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [line + b"\r\n"])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_answer_before_the_body_came_says_the_connection_closes(
    protocol_class: type[Any],
) -> None:
    # Answered from its head (a 413), the rest of the body unread: the connection closes after
    # the answer, on either parser; on h11 the answer did not say so (a client could send its
    # next request on it, to have it dropped).
    async def refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    events, _ = serve(protocol_class, refuse, [post(b"0123456789")[:-7]])
    head = first_write(wire(events)).partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413 ") and b"\r\nconnection: close" in head
    assert events[-1] == "close"


ABSOLUTE = {
    b"http://skill/a%20b?c=d": ("/a b", "/a%20b", "c=d"),
    b"HTTPS://skill/a": ("/a", "/a", ""),
    # An empty path is "/" (RFC 9110, 4.2.3): httptools' URL parser gave None, and the
    # request got a 400 there while h11 served it.
    b"http://skill": ("/", "/", ""),
    b"http://skill?c=d": ("/", "/", "c=d"),
}


@pytest.mark.parametrize("target", ABSOLUTE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_absolute_form_target_is_its_path(protocol_class: type[Any], target: bytes) -> None:
    # RFC 9112, 3.2.2: a server MUST accept the absolute form. httptools gave the path; on
    # h11 uvicorn took the whole URL for the path ("http://skill/a": a 404 for the skill).
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: skill\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    answer = json.loads(body)
    assert (answer["path"], answer["raw_path"], answer["query"]) == ABSOLUTE[target]


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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


@pytest.mark.parametrize(
    ("feed", "line", "options"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", "Invalid HTTP request received.", {}),
        (post(b"x"), "Exceeded concurrency limit.", {"limit_concurrency": 0}),
    ],
    ids=["invalid", "over-the-limit"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_flood_of_refused_requests_is_one_line_on_either_parser(
    protocol_class: type[Any], feed: bytes, line: str, options: dict[str, Any]
) -> None:
    # On h11 (a plain install's parser) uvicorn said each of these lines once a request: a
    # flood of bad requests, a log write each. Said once, as on httptools (`_say_rarely`).
    config = Config(app=echo, lifespan="off", log_level="warning", **options)
    config.load()
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    async def scenario() -> int:
        state, answered = ServerState(), 0
        for _ in range(5):  # five connections of one server
            protocol = protocol_class(config=config, server_state=state, app_state={})
            transport = Transport()
            transport.protocol = protocol
            protocol.connection_made(transport)
            protocol.data_received(feed)
            for _ in range(100):  # (the 503 comes from a task)
                await settle()
                if transport.events:
                    break
            answered += first_write(transport.events).startswith(b"HTTP/1.1 ")
            protocol.connection_lost(None)
            await settle()
        return answered

    handler = Collect()
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        answered = asyncio.run(scenario())
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    assert answered == 5
    assert records == [line]


#: An absolute-form target, the request's line, and the host the app must see (RFC 9112,
#: 3.2.2: the target's, never the Host header's).
HOST_OF_TARGET = {
    "replaced": (
        b"GET http://skill.example:8443/a HTTP/1.1\r\nhost: other\r\n",
        "skill.example:8443",
    ),
    "ipv6": (b"GET https://[::1]/a?b=c HTTP/1.1\r\nhost: other\r\n", "[::1]"),
    "http-1.0-without": (b"GET http://skill.example/a HTTP/1.0\r\n", "skill.example"),
}


@pytest.mark.parametrize("case", HOST_OF_TARGET)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_absolute_form_target_gives_the_host(protocol_class: type[Any], case: str) -> None:
    # Both protocols kept the Host header (a proxy's, a client's other name), which Starlette's
    # `request.url` and the simulator's host check read, not the URL's host the RFC requires.
    line, host = HOST_OF_TARGET[case]
    events, _ = serve(protocol_class, echo, [line + b"\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    headers = json.loads(body)["headers"]
    assert [value for name, value in headers if name == "host"] == [host]
    assert json.loads(body)["path"] == "/a"


@pytest.mark.parametrize(
    "target", [b"http://user@skill/a", b"http:///a", b"http://sk ill/a", b"http://skill:x/a"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_absolute_form_target_without_a_host_is_refused(
    protocol_class: type[Any], target: bytes
) -> None:
    # RFC 9110, 4.2.1 and 4.2.4: an http URL with an empty host is invalid, and one with a
    # user is an error: 400, not served under another host.
    events, logs = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_past_the_concurrency_limit_the_503_has_a_json_reason(protocol_class: type[Any]) -> None:
    # As every refusal of alexaskill's (uvicorn's 503 is plain text), on either parser.
    events, logs = serve(protocol_class, echo, [post(b"x")], limit_concurrency=1)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), head
    assert b"content-type: application/json" in head and b"connection: close" in head
    assert json.loads(body) == {"error": "over the server's concurrency limit"}
    assert logs == ["Exceeded concurrency limit."] and events[-1] == "close"


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_connect_request_is_refused_on_either_parser(protocol_class: type[Any]) -> None:
    # httptools refused it (400); h11 served it, and an app's 2xx switched h11 to another
    # protocol: the app's body then failed in h11, a traceback in the log ("Exception in ASGI
    # application") and no body on the wire.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["method"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [b"CONNECT skill:443 HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": "invalid HTTP request"}


@pytest.mark.parametrize("target", [b"/a?b=c#frag", b"http://skill/a?b=c#frag", b"/a#frag?d"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_fragment_in_the_target_is_not_the_path(protocol_class: type[Any], target: bytes) -> None:
    # A client sends no fragment (RFC 9112, 3.2); httptools drops one, h11 kept it in the path
    # or the query ("/a#frag": a 404 for the skill's "/a").
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    answer = json.loads(first_write(wire(events)).partition(b"\r\n\r\n")[2])
    assert (answer["path"], answer["query"]) == ("/a", "" if target == b"/a#frag?d" else "b=c")


def test_a_target_that_is_only_a_fragment_is_refused_on_h11() -> None:
    # (Dropping the fragment left no target, which h11 refused with an exception of its own,
    # uncaught: a traceback, the connection left hanging.)
    events, logs = serve(server_module.H11Protocol, echo, [b"GET #x HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize(
    "target",
    [b"?a", b"?a=b#f", b"a/b", b"a?b", b"ftp://skill/a", b"http:/a", b"http://skill#f"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_target_neither_a_path_nor_an_http_url_is_refused_on_either_parser(
    protocol_class: type[Any], target: bytes
) -> None:
    # h11 served "?a" and "a?b" to the app with a path of "" or "a" (ASGI's begins with "/"),
    # "ftp://skill/a" and "http:/a" as paths, and "http://skill#f" as "/" of host "skill";
    # httptools refused all but "ftp://…" (served as "/"). Now a 400 with a JSON reason on both.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [b"POST %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}
    assert seen == [] and logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize(
    ("target", "path"), [(b"*", "*"), (b"/a#f", "/a"), (b"http://skill?q#f", "/"), (b"//a", "//a")]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_the_targets_either_parser_serves_are_served_alike(
    protocol_class: type[Any], target: bytes, path: str
) -> None:
    events, _ = serve(protocol_class, echo, [b"OPTIONS %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["path"] == path


@pytest.mark.parametrize(
    "refused",
    [
        b"CONNECT skill:443 HTTP/1.1\r\nhost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n",
    ],
    ids=["connect", "two-framings"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


@pytest.mark.parametrize(
    ("upgrade", "reason"),
    [
        (b"h2c", H2C_REFUSED),  # curl --http2 to http://
        (b"HTTP/2.0, h2c", H2C_REFUSED),
        (b"websocket", "an upgrade with a request body is not supported: send it without one"),
    ],
    ids=["h2c", "http2-and-h2c", "websocket"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_upgrade_with_a_body_is_refused_saying_what_to_send_on_either_parser(
    protocol_class: type[Any], upgrade: bytes, reason: str
) -> None:
    # httptools refused it saying "request body with an upgrade not served" (what to do
    # instead, unsaid); h11 served it. Refused on both, saying what to send; without a body,
    # served on both (`test_requests_pipelined_behind_an_upgrade_not_taken_are_answered`).
    head = b"POST / HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\n"
    head += b"upgrade: %b\r\nhttp2-settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n" % upgrade
    head += b"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n"
    events, _ = serve(protocol_class, echo, [head + b"content-length: 2\r\n\r\n{}"], ws="none")
    answer, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": reason}


@pytest.mark.parametrize(
    ("target", "answer"),
    [
        (b"http://skill:65536/a", 400),
        (b"http://skill:/a", 400),
        (b"http://[::1]:70000/a", 400),
        (b"http://skill:99999", 400),
        (b"http://skill:65535/a", 200),
        (b"http://skill:0080/a", 200),
    ],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_url_target_of_no_port_there_can_be_is_refused_on_either_parser(
    protocol_class: type[Any], target: bytes, answer: int
) -> None:
    # httptools' URL parser refused a port over 65535, or empty; h11 served the request, its
    # host header the URL's ("skill:65536").
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 %d " % answer)


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        (b"a\x1b[31mb", 400),  # an ESC: a terminal's colours, in whatever logs the value
        (b"a\x01b", 400),
        (b"a\x7fb", 400),
        (b"a\x0bb", 400),
        (b"a\tb", 200),
        (b"caf\xc3\xa9", 200),  # (obs-text, taken)
    ],
    ids=["esc", "soh", "del", "vt", "tab", "obs-text"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_control_character_in_a_header_value_is_refused_on_either_parser(
    protocol_class: type[Any], value: bytes, answer: int
) -> None:
    # httptools refused them (RFC 9110, 5.5: no control but HTAB); h11 handed them to the app.
    request = b"GET / HTTP/1.1\r\nhost: x\r\nuser-agent: %b\r\n\r\n" % value
    events, _ = serve(protocol_class, echo, [request])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 %d " % answer)


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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


#: Requests httptools refused and h11 served: a proxy in front that reads them as h11 did (or
#: as httptools did) and the server here may see different requests in the same bytes.
LOOSE = {
    # RFC 9112, 5.2: a folded line refused (400) or unfolded; h11 unfolded it.
    "obs-fold": b"POST / HTTP/1.1\r\nhost: x\r\nx-a: one\r\n two\r\ncontent-length: 2\r\n\r\n{}",
    "obs-fold-tab": (
        b"POST / HTTP/1.1\r\nhost: x\r\nx-a: one\r\n\ttwo\r\ncontent-length: 2\r\n\r\n{}"
    ),
    # RFC 9112, 2.2: a server MAY take a bare LF as a line's end (so may refuse it).
    "bare-lf": b"POST / HTTP/1.1\nhost: x\ncontent-length: 2\n\n{}",
    "one-bare-lf": b"POST / HTTP/1.1\r\nhost: x\ncontent-length: 2\r\n\r\n{}",
    # RFC 9110, 9.1: methods are case-sensitive: "post" is no POST, and httptools knows it not.
    "lower-case-method": b"post / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
    "unknown-method": b"FOO / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
    # RFC 9112, 6.3: a server MAY take equal lengths as one (so may refuse them).
    "length-twice": (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\n{}"
    ),
    "length-list": b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2, 2\r\n\r\n{}",
    # RFC 9112, 7.1: nothing between a chunk's size and its line's end (or its ";").
    "chunk-size-space": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2 \r\n{}\r\n0\r\n\r\n"
    ),
    "chunk-size-tab": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2\t\r\n{}\r\n0\r\n\r\n"
    ),
    "chunk-size-past-64-bits": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"10000000000000000\r\n{}\r\n0\r\n\r\n"
    ),
    # RFC 9110, 6.5.1: framing fields cannot be trailers.
    "length-in-trailers": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\ncontent-length: 5\r\n\r\n"
    ),
    "coding-in-trailers": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\ntransfer-encoding: chunked\r\n\r\n"
    ),
    "folded-trailer": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\nx-a: one\r\n two\r\n\r\n"
    ),
}


def refused_whole(protocol_class: type[Any], request: bytes) -> tuple[list[bytes | str], bool]:
    """What a connection wrote on ``request`` until it closed (its peer gone then, ending the
    app's task, which a refusal from a body's bytes has started); whether the app got a body."""
    bodies: list[bytes] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(protocol_class, app)
        protocol.data_received(request)
        await settle()
        events = list(transport.events)
        protocol.connection_lost(None)
        tasks: set[asyncio.Task[None]] = protocol.tasks
        if tasks:
            await asyncio.wait(list(tasks), timeout=30)
        return events

    events = asyncio.run(scenario())
    return wire(events), any(bodies)


@pytest.mark.parametrize("loose", LOOSE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_head_httptools_refuses_is_refused_on_h11_too(
    protocol_class: type[Any], loose: str
) -> None:
    # h11 served each (unfolded, its lengths merged, its trailers dropped); httptools refused
    # it. Refused on both, each answered alike: 400 with a JSON reason, closed (a body before
    # its trailers has reached the app on either parser, its answer never sent).
    events, got_body = refused_whole(protocol_class, LOOSE[loose])
    assert (not got_body or "trailer" in loose) and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


#: What RFC 9112 has a server take, taken on both parsers alike (kept so by the checks above).
TAKEN = {
    "chunk-extension": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2;a=b\r\n{}\r\n0\r\n\r\n"
    ),
    "trailer": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\nx-a: b\r\n\r\n"
    ),
    "coding-in-capitals": (  # (RFC 9112, 7: a coding's name is case-insensitive)
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ),
    "zeros-before-a-chunk-size": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"00000000000000000002\r\n{}\r\n0\r\n\r\n"
    ),
    "tab-in-value": b"POST / HTTP/1.1\r\nhost: x\r\nx-a: a\tb\r\ncontent-length: 2\r\n\r\n{}",
    "length-in-capitals": b"POST / HTTP/1.1\r\nhost: x\r\nContent-Length: 2\r\n\r\n{}",
    "patch": b"PATCH / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("request_bytes", TAKEN.values(), ids=TAKEN.keys())
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_what_a_server_must_take_is_served_on_either_parser(
    protocol_class: type[Any], request_bytes: bytes
) -> None:
    events, _ = serve(protocol_class, echo, [request_bytes])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "{}"


@pytest.mark.parametrize(
    "codings",
    [b"gzip, chunked", b"gzip\r\ntransfer-encoding: chunked", b"deflate ,chunked"],
    ids=["gzip-chunked", "two-fields", "deflate-chunked"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_transfer_coding_but_chunked_is_refused_on_either_parser(
    protocol_class: type[Any], codings: bytes
) -> None:
    # httptools went by the last coding (chunked) and handed the app the body still gzipped;
    # h11 refused it. RFC 9112, 6.1: a coding the server does not know is refused (400 here,
    # as h11 answered, with a JSON reason), the body never the app's.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: %b\r\n\r\n" % codings
    events, got_body = refused_whole(protocol_class, request + b"2\r\n\x1f\x8b\r\n0\r\n\r\n")
    assert not got_body and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_url_with_an_ipv6_zone_is_refused_on_either_parser(protocol_class: type[Any]) -> None:
    # RFC 6874, 4: a client removes a zone (meaningful only on its own host) before it sends a
    # URL; RFC 9110, 4.2.1's host (RFC 3986's IP-literal) has none. Refused (400) on both.
    zoned = b"GET http://[fe80::1%25eth0]/ HTTP/1.1\r\nhost: x\r\n\r\n"
    events, _ = serve(protocol_class, echo, [zoned])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert wire(events)[-1] == "close"


def test_h11_reads_heads_as_it_does_itself_where_its_buffer_is_not_the_one_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The strict reading of a head's bytes goes through h11's private receive buffer: if a
    # release of h11 changes it, the connection keeps h11's own buffer and a valid request is
    # still read (only the checks of the raw bytes are lost), never every request refused.
    import h11

    import alexaskill.server_h11 as server_h11

    head = b"POST /alexa HTTP/1.1\r\nhost: skill\r\ncontent-length: 2\r\n\r\n{}"
    for strict in (True, False):
        monkeypatch.setattr(server_h11, "_STRICT_READ", strict)
        connection = h11.Connection(h11.SERVER)
        server_h11._OneFraming.adopt(connection)
        assert (type(connection._receive_buffer) is server_h11._StrictBuffer) is strict
        connection.receive_data(head)
        request = connection.next_event()
        assert type(request) is h11.Request and request.target == b"/alexa"
        assert connection.next_event() == h11.Data(data=b"{}")


#: Empty lines before a request line (RFC 9112, 2.2: a server SHOULD ignore at least one):
#: httptools skipped any run of CR and LF there; h11 refused them (400), a CRLF after a
#: keep-alive request's body, as some clients send, too. Each with the paths answered.
BLANK_LINES_BEFORE = {
    "crlf": ([b"\r\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "crlfs": ([b"\r\n\r\n\r\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "lf": ([b"\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "between-pipelined": (
        [b"GET /a HTTP/1.1\r\nhost: x\r\n\r\n\r\nGET /b HTTP/1.1\r\nhost: x\r\n\r\n"],
        ["/a", "/b"],
    ),
    "after-a-body": ([post(b"{}", path="/a") + b"\r\n", post(b"{}", path="/b")], ["/a", "/b"]),
    "split-between-reads": (
        [b"GET /a HTTP/1.1\r\nhost: x\r\n\r\n\r", b"\nGET /b HTTP/1.1\r\nhost: x\r\n\r\n"],
        ["/a", "/b"],
    ),
}


@pytest.mark.parametrize("case", BLANK_LINES_BEFORE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_empty_lines_before_a_request_line_are_ignored_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    feed, paths = BLANK_LINES_BEFORE[case]
    events, logs = serve(protocol_class, echo, feed)
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"200 OK"] * len(paths)
    assert [json.loads(answer.partition(b"\r\n\r\n")[2])["path"] for answer in answers] == paths
    assert logs == []


#: Host values (RFC 9112, 3.2: an invalid one is answered 400) and the answer to each.
HOST_VALUES = {
    b"skill.example.com": 200,
    b"skill.example.com:8443": 200,
    b"127.0.0.1:80": 200,
    b"[::1]:8080": 200,
    b"[v1.fe80::a+en1]": 200,  # (RFC 3986's IPvFuture)
    b"xn--caf-dma.example": 200,
    b"a%2Db": 200,
    b"": 200,  # (RFC 9110, 7.2: a target of no authority)
    b"a b": 400,
    b"a/b": 400,
    b"user@skill": 400,
    b"skill:80a": 400,
    b"a:b:c": 400,
    b"[::1": 400,
    b"caf\xc3\xa9.example": 400,  # (a name not in its ASCII form)
    b"a%zz": 400,
    b"skill?x": 400,
}


@pytest.mark.parametrize("host", HOST_VALUES, ids=[h.decode("latin-1") for h in HOST_VALUES])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_invalid_host_is_refused_on_either_parser(
    protocol_class: type[Any], host: bytes
) -> None:
    # Both parsers served a Host of a space, a user or a path; RFC 9112, 3.2: a 400.
    events, _ = serve(protocol_class, echo, [b"GET /a HTTP/1.1\r\nhost: %b\r\n\r\n" % host])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % HOST_VALUES[host]), head
    if HOST_VALUES[host] == 400:
        assert json.loads(body) == {"error": "invalid HTTP request"} and events[-1] == "close"
    else:
        assert json.loads(body)["path"] == "/a"


#: Request lines of more than one space between their parts, and the answer to each: httptools
#: took runs of spaces between the method, the target and the version (RFC 9112, 3: a server
#: MAY parse on whitespace); h11 refused them (400). Leading or trailing ones refused on both.
SPACED_LINES = {
    b"GET  /a HTTP/1.1": 200,
    b"GET /a  HTTP/1.1": 200,
    b"GET   /a   HTTP/1.1": 200,
    b" GET /a HTTP/1.1": 400,
    b"GET /a HTTP/1.1 ": 400,
    b"GET\t/a HTTP/1.1": 400,
}


@pytest.mark.parametrize("line", SPACED_LINES, ids=[line.decode() for line in SPACED_LINES])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_runs_of_spaces_in_a_request_line_are_read_alike_on_either_parser(
    protocol_class: type[Any], line: bytes
) -> None:
    request = line + b"\r\nhost: x\r\nx-a: two  spaces\r\n\r\n"
    events, _ = serve(protocol_class, echo, [request, request.lstrip()])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % SPACED_LINES[line]), head
    if SPACED_LINES[line] == 200:  # (the next request's answer follows: the first's body)
        answer = json.loads(body.split(b"HTTP/1.1 ")[0])
        assert answer["path"] == "/a" and ["x-a", "two  spaces"] in answer["headers"]
        assert body.count(b"HTTP/1.1 200 OK") == 1


#: Chunk-size lines httptools refused and h11 took (it took anything after a ";" but an LF),
#: and those both take: chunk extensions are read alike (a proxy in front reading one as h11
#: did, the other as httptools did, would see different bodies in the same bytes).
CHUNK_LINES = {
    b";": 400,
    b";a;": 400,
    b";a=b;": 400,
    b"; a=b": 400,
    b";a =b": 400,
    b";a=b c": 400,
    b";a=b=c": 400,
    b';a="x"y': 400,
    b';a="unended': 400,
    b";a=\x01": 400,
    b";a=b\rc": 400,
    b";a=\xff": 400,
    b';a="\x01"': 400,
    b";a": 200,
    b";a=b;c=d": 200,
    b';a="q x\\"y"': 200,
    b';a="\xff"': 200,
    b";a=": 200,
}


@pytest.mark.parametrize(
    "extension", CHUNK_LINES, ids=[repr(extension)[2:-1] for extension in CHUNK_LINES]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_chunk_extensions_are_read_alike_on_either_parser(
    protocol_class: type[Any], extension: bytes
) -> None:
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
    request += b"2%b\r\n{}\r\n0\r\n\r\n" % extension
    events, _ = refused_whole(protocol_class, request)
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % CHUNK_LINES[extension]), head
    if CHUNK_LINES[extension] == 400:
        assert json.loads(body) == {"error": "invalid HTTP request"} and events[-1] == "close"


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunk_size_line_ended_by_a_bare_lf_is_refused_at_once_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # httptools refused it as it came; h11 waited for a CRLF that never comes (until the
    # Skill's body deadline, 408), the bytes after it piling up.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2\n{}"
    events, got_body = refused_whole(protocol_class, request)
    assert not got_body and events[-1] == "close", events
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize("loose", ["length-in-trailers", "chunk-size-space"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_the_serve_harness_sees_a_request_refused_mid_body_end(
    protocol_class: type[Any], loose: str
) -> None:
    # `serve` waited 30 s for the task of a request refused from its body's bytes (its app
    # waiting for the rest of a body, the connection closed but never reported lost), then
    # failed, unless the caller passed lose=True.
    events, logs = serve(protocol_class, echo, [LOOSE[loose]])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert wire(events)[-1] == "close" and logs == ["Invalid HTTP request received."]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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

    skill = Skill(skill_id="amzn1.ask.skill.mounted")
    other = Starlette(routes=[Route("/fails", fails)])
    app = Starlette(routes=[skill.mount("/alexa"), Mount("/other", app=other)])
    events, logs = serve(protocol_class, app, [b"GET /other/fails HTTP/1.1\r\nhost: x\r\n\r\n"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), answer
    assert answer.endswith(b"\r\n\r\nInternal Server Error") and b"secret" not in answer
    assert "Exception in ASGI application" in logs
    events, logs = serve(protocol_class, app, [b"GET /alexa/health HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n") and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_hosts_a_client_sent_first_do_not_keep_the_skills_own_from_its_quick_check(
    protocol_class: type[Any],
) -> None:
    # The Host values found valid are kept (64 at most) so that a request's costs a set lookup,
    # not the grammar's match. Once 64 others had come (a scanner's or a client's, in any
    # order), no value was kept again: the skill's own Host was matched at every request for
    # as long as the server ran. Now the values kept make room for those that come since.
    from alexaskill.server_target import VALID_HOSTS, invalid_host

    kept = set(VALID_HOSTS)
    try:
        VALID_HOSTS.clear()
        for n in range(64):
            assert not invalid_host(b"scan-%d.example" % n)
        host = b"skill.example.com:443"
        request = b"GET /a HTTP/1.1\r\nhost: %b\r\n\r\n" % host
        events, _ = serve(protocol_class, echo, [request])
        assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n")
        assert host in VALID_HOSTS
        assert len(VALID_HOSTS) <= 64
    finally:
        VALID_HOSTS.clear()
        VALID_HOSTS.update(kept)


_CHUNKED_HEAD = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
_FIELD = b"x-t: " + b"a" * 1000 + b"\r\n"
_NEXT = b"GET /next HTTP/1.1\r\nhost: x\r\n\r\n"
#: Chunked bodies whose trailers, or a chunk's size line, never end or take over 16 KiB, as
#: reads; the status and reason each is refused with.
OVER_LIMIT: dict[str, tuple[Feed, int, str]] = {
    "trailers-in-reads": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\n", *[_FIELD] * 40, b"\r\n" + _NEXT],
        431,
        "request trailers over 16384 bytes",
    ),
    "trailers-in-one-read": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\n" + _FIELD * 200 + b"\r\n" + _NEXT],
        431,
        "request trailers over 16384 bytes",
    ),
    "endless-trailer": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40],
        431,
        "request trailers over 16384 bytes",
    ),
    "endless-chunk-extension": (
        [_CHUNKED_HEAD + b"2;e=", *[b"a" * 1000] * 40],
        400,
        "a chunk size line over 16384 bytes",
    ),
}


@pytest.mark.parametrize("case", OVER_LIMIT)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailers_or_a_chunk_line_past_the_limit_are_refused_alike_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    # httptools took trailers of any size (dropped them, and served the request), and held a
    # trailer field that never ends, all of it, in memory; and a chunk's extensions that never
    # end kept the connection for as long as the client liked. h11 refused those it buffered
    # past 16 KiB (400, its reason "invalid HTTP request") and served those that came in one
    # read. Now both refuse them as a head past the limit is: a JSON reason, closed, nothing
    # after it answered.
    feed, status, reason = OVER_LIMIT[case]
    events, logs = serve(protocol_class, echo, feed)
    joined = wire(events)
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert json.loads(body) == {"error": reason}
    assert joined[-1] == "close" and len(joined) == 2, joined
    assert logs == ["Invalid HTTP request received."]  # (uvicorn's line, on either parser)


async def _answers_first(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An app that starts its answer before it reads the body, then reads it all."""
    headers = [(b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_endless_trailers_are_bounded_while_the_answer_is_under_way(
    protocol_class: type[Any],
) -> None:
    # An app that starts its answer before it reads the body: on httptools the trailers were
    # counted only until the answer began, then held without a bound again. The connection
    # closes (the app's task ends: `serve` waits for it), as on h11.
    feed = [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40]
    events, _ = serve(protocol_class, _answers_first, feed)
    assert wire(events)[-1] == "close", events


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_body_refused_once_its_answer_began_closes_without_a_second_answer(
    protocol_class: type[Any],
) -> None:
    # The parser refused bytes of a body whose answer had begun (the app answers before it
    # reads): the refusal's status line went out inside that answer, read by the client as
    # the answer's body. The answer under way is cut off by the close, with nothing after it.
    for bad in ([b"2\r\n{}\r\nzz\r\n"], [b"2\r\n{}\r\n0\r\nx-t: ", b"a" * 20000]):
        events, _ = serve(protocol_class, _answers_first, [_CHUNKED_HEAD, *bad])
        joined = wire(events)
        assert joined[-1] == "close", joined
        assert b"".join(e for e in joined if isinstance(e, bytes)).count(b"HTTP/1.1") == 1


@pytest.mark.parametrize(
    "length", [b"18446744073709551616", b"99999999999999999999", b"0018446744073709551616"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_content_length_past_64_bits_is_refused_on_either_parser(
    protocol_class: type[Any], length: bytes
) -> None:
    # httptools refuses a length past 2**64 - 1 (as a chunk's size past it, on both); h11 took
    # it and waited for that body. Refused alike: 400 with a JSON reason, closed.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: %b\r\n\r\n{}" % length
    events, got_body = refused_whole(protocol_class, request)
    assert not got_body and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


def test_a_body_refused_while_its_answers_head_is_held_gets_the_refusal_in_its_place() -> None:
    # An Exchange holds a response's head until its first body (or the loop's next turn): the
    # parser may refuse bytes of the body before that turn (uvloop reads the socket before it
    # runs the callbacks the app's turn queued). Nothing of the answer went out then: the
    # refusal goes in its place, and the held head never after it.
    protocols: list[Any] = []

    async def answers_first(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        protocols[0].data_received(b"zz\r\n")  # a bad chunk size, read before the head's flush
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.body", "body": b"ok"})

    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(server_module.HttpToolsProtocol, answers_first)
        protocols.append(protocol)
        protocol.data_received(_CHUNKED_HEAD)
        for _ in range(100):
            await settle()
            if transport.closing and protocol.cycle.ended:
                break
        return transport.events

    joined = wire(asyncio.run(asyncio.wait_for(scenario(), 30)))
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), joined
    assert json.loads(body) == {"error": "invalid HTTP request"}
    assert joined[-1] == "close" and len(joined) == 2, joined


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunked_body_of_many_small_chunks_each_line_a_read_of_its_own_is_served(
    protocol_class: type[Any],
) -> None:
    # Each chunk's size line (with an extension) comes in a read of its own, its data in the
    # next: over 16 KiB of size lines in all, but never 16 KiB without body bytes between them,
    # which is all the bound on a chunk's line counts (`_bound_framing`).
    feed: list[bytes | float] = [_CHUNKED_HEAD]
    for _ in range(1100):
        feed += [b"1;ext=abcdefgh\r\n", b"a\r\n"]  # 16 bytes of size line, then its data
    feed.append(b"0\r\n\r\n")
    events, logs = serve(protocol_class, echo, feed)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "a" * 1100
    assert logs == [], logs  # (no "Invalid HTTP request received.")


#: A trailer field that never ends, sent in the read that brings the body's last bytes (with
#: its head, or after it): ~200 KiB, a read's worth, past the 16 KiB bound on trailers.
ENDLESS_TRAILER_READ = {
    "with-the-head": [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: " + b"a" * 200_000],
    "after-the-head": [_CHUNKED_HEAD, b"2\r\n{}\r\n0\r\nx-t: " + b"a" * 200_000],
    "after-complete-fields": [
        _CHUNKED_HEAD,
        b"2\r\n{}\r\n0\r\n" + _FIELD * 10 + b"x-t: " + b"a" * 8000,
    ],
}


@pytest.mark.parametrize("case", ENDLESS_TRAILER_READ)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailers_past_the_limit_in_the_read_of_the_bodys_end_are_refused_at_once(
    protocol_class: type[Any], case: str
) -> None:
    # On httptools the read that brought the body's last bytes was never counted: the field
    # it began, held by httptools, could take that whole read (up to 256 KiB), unanswered.
    # Refused at once now, as on h11: 431 with a JSON reason, closed (the client still there).
    events, logs = serve(protocol_class, echo, ENDLESS_TRAILER_READ[case], lose=True)
    joined = wire(events)
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 "), joined
    assert json.loads(body) == {"error": "request trailers over 16384 bytes"}
    assert joined[-1] == "close" and len(joined) == 2, joined
    assert logs == ["Invalid HTTP request received."]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunk_of_data_without_line_ends_is_no_trailer(protocol_class: type[Any]) -> None:
    # A chunk's data past the limit, in one read with its size line, with no LF in it, and
    # the rest of the body after: data, never counted as the trailers' bytes.
    data = b"a" * 40_000
    feed = [_CHUNKED_HEAD + b"%x\r\n" % len(data) + data[:30_000], data[30_000:] + b"\r\n0\r\n\r\n"]
    events, logs = serve(protocol_class, echo, feed)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == data.decode()
    assert logs == [], logs


def test_a_chunked_request_is_not_kept_after_its_body_came() -> None:
    # A chunk's size line in a read of its own (no body in it: counted, `_bound_framing`) kept
    # its request's exchange, and the check of its codings its scope, with what the app put
    # there, for the connection's life. Gone once its body came, as any request's after the
    # next one.
    import gc
    import weakref

    class Marker:
        pass

    kept: list[weakref.ref[Marker]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        marker = scope["marker"] = Marker()
        kept.append(weakref.ref(marker))
        await echo(scope, receive, send)

    async def scenario() -> None:
        protocol, _ = await connect(server_module.HttpToolsProtocol, app)
        for part in (_CHUNKED_HEAD, b"2\r\n", b"{}\r\n0\r\n\r\n", _NEXT):
            protocol.data_received(part)
            await settle()
        if protocol.tasks:
            await asyncio.wait(list(protocol.tasks), timeout=30)
        gc.collect()
        assert len(kept) == 2 and kept[1]() is not None  # (the last request's: still the cycle)
        assert kept[0]() is None, "the first request's scope is still held"
        protocol.connection_lost(None)

    asyncio.run(scenario())


#: Numbers with zeros before them, past the 20 digits h11 took (RFC 9112: a Content-Length is
#: 1*DIGIT, a chunk's size 1*HEXDIG, of any number of digits), a request answered after each.
LEADING_ZEROS = {
    "content-length": b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: %b2\r\n\r\n{}" % (b"0" * 30),
    "content-length-in-capitals": (
        b"POST / HTTP/1.1\r\nhost: x\r\nContent-Length:\t%b2\r\n\r\n{}" % (b"0" * 30)
    ),
    "chunk-size": _CHUNKED_HEAD + b"%b2\r\n{}\r\n0\r\n\r\n" % (b"0" * 30),
    "last-chunk": _CHUNKED_HEAD + b"2\r\n{}\r\n%b\r\n\r\n" % (b"0" * 30),
    "last-chunk-extension": _CHUNKED_HEAD + b"2\r\n{}\r\n%b;a=b\r\n\r\n" % (b"0" * 30),
}


@pytest.mark.parametrize("case", LEADING_ZEROS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_zeros_before_a_length_or_a_chunk_size_are_read_alike_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    # httptools read them; h11 refused a length or a chunk's size past 20 digits (400): the
    # same bytes served on one parser and refused on the other. Read alike now, as the number
    # they spell, and the request after them is the next request on both.
    events, logs = serve(protocol_class, echo, [LEADING_ZEROS[case] + _NEXT])
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [a.partition(b"\r\n")[0] for a in answers] == [b"200 OK"] * 2, answers
    assert json.loads(answers[0].partition(b"\r\n\r\n")[2])["body"] == "{}"
    assert json.loads(answers[1].partition(b"\r\n\r\n")[2])["path"] == "/next"
    assert logs == [], logs


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
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


#: Valid chunked bodies of over 16 KiB whose read ends after the last chunk's size line, or
#: in a trailer field, the rest coming in the next read: only what follows that size line is
#: trailer bytes, never the head, the chunks before it, nor their data's CRs and LFs.
BODY_THEN_TRAILERS = {
    "many-small-chunks": [_CHUNKED_HEAD + b"1\r\na\r\n" * 4000 + b"0\r\n", b"x: y\r\n\r\n"],
    "data-of-line-ends": [
        _CHUNKED_HEAD + b"4000\r\n" + b"\r\n" * 0x2000 + b"\r\n0\r\nx-t: " + b"a" * 5000,
        b"a" * 5000 + b"\r\n\r\n",
    ],
    "after-the-head": [
        _CHUNKED_HEAD,
        b"4e20\r\n" + b"\n" * 20_000 + b"\r\n0\r\n" + _FIELD * 5 + b"x-u: b",
        b"b" * 5000 + b"\r\n\r\n" + _NEXT,
    ],
}


@pytest.mark.parametrize("case", BODY_THEN_TRAILERS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_large_body_in_the_read_of_its_last_chunk_is_not_counted_as_trailers(
    protocol_class: type[Any], case: str
) -> None:
    # The bound on trailers in the read that brings the last chunk's size line counts what
    # follows that line in the read; counting more (the read's body bytes) refused these.
    events, logs = serve(protocol_class, echo, BODY_THEN_TRAILERS[case])
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert answers and all(a.startswith(b"200 OK\r\n") for a in answers), answers
    assert len(answers) == (2 if case == "after-the-head" else 1), answers
    body = json.loads(answers[0].partition(b"\r\n\r\n")[2])["body"]
    assert len(body) == {"many-small-chunks": 4000, "data-of-line-ends": 0x4000}.get(case, 20_000)
    assert logs == [], logs


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_header_names_and_values_reach_the_app_alike_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # Every header of a request goes through the protocol's own `on_header` on httptools
    # (uvicorn's replaced, for Expect): names lowercased, a value's trailing spaces and tabs
    # dropped (llhttp keeps them), as uvicorn did and as h11 does. No test saw either.
    request = post(b"{}", "X-Mixed-Case: Kept As Sent \t", "Accept:  application/json  ")
    events, logs = serve(protocol_class, echo, [request])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["headers"] == [
        ["host", "x"],
        ["content-length", "2"],
        ["x-mixed-case", "Kept As Sent"],
        ["accept", "application/json"],
    ]
    assert logs == [], logs

"""alexaskill.server and the lingering close after a refusal (400, 413): the client still
sending gets its answer, the lingering is bounded, and a refusal while the app answers is no
error for the app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from alexaskill.server import H11Protocol, HttpProtocol
from benchmarks.serving import self_signed

from .exchange_harness import post, serve
from .server_protocols import PROTOCOLS, Transport
from .threaded_uvicorn import answer_lifespan, connected, http_protocol, serving, tls_client

pytestmark = pytest.mark.oldest_dependencies


async def refusing(scope: Any, receive: Any, send: Any) -> None:
    """Answers 413 from the request's head, its body unread."""
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    body = b'{"error": "request body too large"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class QuickLingerHttp(HttpProtocol):
    write_timeout = 0.5


class QuickLingerH11(H11Protocol):
    write_timeout = 0.5


#: More than the sockets' buffers hold (`SmallReads`, `SMALL_BUFFER`): the client's send waits
#: for the server to read. Less than `linger_bytes`.
MANY = 900 * 1024
SMALL_BUFFER = 64 * 1024


def _refused_while_sending(client: socket.socket, head: bytes, status: bytes) -> None:
    """Send a refused request's head, then a large body behind it, and read the answer to its
    end: the refusal's ``status``, not a reset."""
    client.sendall(head)
    # Answered before the body is sent: the answer has begun to come (nothing read yet; over
    # TLS, its first record).
    assert select.select([client], [], [], 30)[0], "no answer to the head in 30 s"
    client.sendall(b"x" * MANY)
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    assert answer.startswith(status), answer[:200]


def _small_buffers(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)


class SmallReadsHttp(HttpProtocol):
    def connection_made(self, transport: Any) -> None:
        _small_buffers(transport)
        super().connection_made(transport)


class SmallReadsH11(H11Protocol):
    def connection_made(self, transport: Any) -> None:
        _small_buffers(transport)
        super().connection_made(transport)


HEADS = {
    "body-after-refusal": (
        b"POST / HTTP/1.1\r\nhost: skill\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\n\r\n" % MANY,
        b"HTTP/1.1 413 ",
    ),
    "bytes-after-a-bad-request": (b"NOT HTTP\r\n\r\n", b"HTTP/1.1 400 "),
    # The request itself closes the connection: on h11, uvicorn's cycle closed the transport
    # itself, and nothing lingered.
    "body-after-refusal-connection-close": (
        b"POST / HTTP/1.1\r\nhost: skill\r\nconnection: close\r\ncontent-length: %d\r\n\r\n" % MANY,
        b"HTTP/1.1 413 ",
    ),
    "body-after-refusal-http-1.0": (
        b"POST / HTTP/1.0\r\nhost: skill\r\ncontent-length: %d\r\n\r\n" % MANY,
        b"HTTP/1.1 413 ",
    ),
}


def _lingering_server(
    protocol: type[Any], loop: str
) -> contextlib.AbstractContextManager[uvicorn.Server]:
    config = uvicorn.Config(refusing, port=0, http=protocol, loop=loop, log_level="critical")
    return serving(config)


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("case", list(HEADS))
def test_a_client_still_sending_after_a_refusal_gets_the_answer(
    http: str, loop: str, case: str
) -> None:
    protocol = http_protocol(http, SmallReadsHttp, SmallReadsH11)
    # The server closed at once, the client's bytes unread: its socket answered them with a
    # reset, and a client that sends its whole body before reading (most do) got "Broken pipe"
    # and never the answer. Now the server sends the answer and its end of the stream, and
    # reads and drops the rest until the client closes its side.
    head, status = HEADS[case]
    with _lingering_server(protocol, loop) as server:
        with connected(server) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
            _refused_while_sending(client, head, status)
            client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while server.server_state.connections:
            assert time.monotonic() < deadline, "the connection stayed open after the client's end"
            time.sleep(0.05)


@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("bound", ["seconds", "bytes"])
def test_a_client_that_never_stops_sending_after_a_refusal_is_cut_off(
    http: str, bound: str
) -> None:
    protocol = http_protocol(http, QuickLingerHttp, QuickLingerH11)
    # The lingering is bounded: by the write deadline (0.5 s here) for a trickle, by
    # `linger_bytes` for a flood (the write deadline 60 s then, past this test's 30).
    head, _ = HEADS["body-after-refusal"]
    chunk = b"x" * (65536 if bound == "bytes" else 16)
    if bound == "bytes":
        protocol = type(protocol.__name__, (protocol,), {"write_timeout": 60.0})
    with _lingering_server(protocol, "asyncio") as server, connected(server) as client:
        client.sendall(head)
        deadline = time.monotonic() + 30
        with pytest.raises(OSError):  # a reset
            while True:
                assert time.monotonic() < deadline, "still read after 30 s"
                client.sendall(chunk)
                if bound == "seconds":
                    time.sleep(0.01)


REFUSED_WHILE_ANSWERING = {
    # Bytes pipelined behind a request still being answered, refused once its answer is out;
    # a chunked body gone bad while the app runs, refused at once.
    "garbage-pipelined": (b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n", b"NOT HTTP\r\n\r\n"),
    # (Refused after the answers of both requests.)
    "request-and-garbage-pipelined": (
        b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n",
        b"GET /b HTTP/1.1\r\nhost: skill\r\n\r\nNOT HTTP\r\n\r\n",
    ),
    "bad-chunk": (
        b"POST / HTTP/1.1\r\nhost: skill\r\ntransfer-encoding: chunked\r\n\r\n",
        b"zz\r\nxx\r\n",
    ),
}


class UnboundedLingerHttp(HttpProtocol):
    write_timeout = 600.0  # past the test's deadline: only the client's end closes it


class UnboundedLingerH11(H11Protocol):
    write_timeout = 600.0


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("case", list(REFUSED_WHILE_ANSWERING))
def test_a_refusal_while_a_request_is_answered_is_no_error_for_the_app(
    http: str, loop: str, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    protocol = http_protocol(http, UnboundedLingerHttp, UnboundedLingerH11)
    # The refusal's lingering close half-closed the connection under the app still answering:
    # its write raised "Cannot call write() after write_eof()", logged as an exception in the
    # ASGI application. The app's answer is abandoned now, as for a client gone.
    # The app answers when the test says so (not after a fixed time): once the refusal is out,
    # the connection lingering, so a stall of either thread cannot reorder the steps.
    caplog.set_level(logging.INFO)
    started, release, answered = threading.Event(), threading.Event(), threading.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        started.set()
        deadline = time.monotonic() + 30
        while not release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        try:
            start = {"type": "http.response.start", "status": 200}
            await send({**start, "headers": [(b"content-length", b"2")]})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            answered.set()  # (or failed: the log says how)

    # On httptools, reading was paused again after the refusal of garbage pipelined behind
    # the request: the client's end never seen, the connection stayed until `write_timeout`.
    # (Garbage pipelined behind whole requests is refused after their answers, on either
    # parser: h11 reads it only once the answer is out, httptools holds its refusal.)
    refused_first = "pipelined" not in case
    config = uvicorn.Config(
        app, port=0, http=protocol, loop=loop, log_config=None, log_level="info"
    )
    with serving(config) as server:
        first, then = REFUSED_WHILE_ANSWERING[case]
        with connected(server) as client:
            client.sendall(first)
            assert started.wait(30), "the app was never called"
            client.sendall(then)
            answer = b""
            while refused_first and b"HTTP/1.1 400 " not in answer:
                chunk = client.recv(65536)
                assert chunk, answer
                answer += chunk
            release.set()  # the app answers now, the connection lingering after its refusal
            assert answered.wait(30), "the app never finished its answer"
            client.shutdown(socket.SHUT_WR)  # the lingering close ends
            while chunk := client.recv(65536):
                answer += chunk
            assert b"HTTP/1.1 400 " in answer, answer
        deadline = time.monotonic() + 30
        while server.server_state.connections or server.server_state.tasks:
            assert time.monotonic() < deadline, "the connection or its task stayed"
            time.sleep(0.05)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


class PatientLingerHttp(HttpProtocol):
    write_timeout = 30.0


class PatientLingerH11(H11Protocol):
    write_timeout = 30.0


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_lingering_outlasts_the_keep_alive_timeout(http: str) -> None:
    protocol = http_protocol(http, PatientLingerHttp, PatientLingerH11)
    # On h11, uvicorn's keep-alive timer (1 s here) closed a lingering connection, so a client
    # still sending got a reset long before `write_timeout` (30 s here).
    config = uvicorn.Config(
        refusing, port=0, http=protocol, loop="asyncio", log_level="critical", timeout_keep_alive=1
    )
    with serving(config) as server:
        head, status = HEADS["body-after-refusal"]
        with connected(server) as client:
            client.sendall(head)
            for _ in range(40):  # two seconds, or more: twice the keep-alive
                client.sendall(b"x" * 16)
                time.sleep(0.05)
            client.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            assert answer.startswith(status), answer[:200]


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_a_bad_request_and_a_long_tail_in_one_read_is_refused_once(
    http: str, caplog: pytest.LogCaptureFixture
) -> None:
    protocol = http_protocol(http)
    # The 400 began the lingering close; the same read, past the head's size limit, then
    # answered 431 after the end of the stream: "Cannot call write() after write_eof()",
    # logged by asyncio as a fatal error of the protocol.
    caplog.set_level(logging.INFO)
    config = uvicorn.Config(
        refusing, port=0, http=protocol, loop="asyncio", log_config=None, log_level="info"
    )
    with serving(config) as server, connected(server) as client:
        client.sendall(b"NOT HTTP\r\n\r\n" + b"x" * 20_000)
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert answer.count(b"HTTP/1.1 ") == 1, answer
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:SelectorEventLoop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("case", ["body-after-refusal", "bytes-after-a-bad-request"])
def test_a_tls_client_still_sending_after_a_refusal_gets_the_answer(
    http: str, loop: str, case: str, tmp_path: Path
) -> None:
    protocol = http_protocol(http, SmallReadsHttp, SmallReadsH11)
    # Over TLS on asyncio's loop, the server's close sent its close_notify and then waited for
    # the client's; the client's next bytes (the rest of its body) failed that shutdown
    # ("application data after close notify"), the connection was aborted, and the client got
    # an EOF error instead of the answer. uvloop drops such bytes, and now asyncio does too.
    cert, key = self_signed(tmp_path, common_name="localhost", dns=["localhost"])
    config = uvicorn.Config(
        refusing,
        port=0,
        http=protocol,
        loop=loop,
        log_level="critical",
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
    )
    head, status = HEADS[case]
    with serving(config) as server, connected(server) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
        with tls_client().wrap_socket(raw) as client:
            _refused_while_sending(client, head, status)


class HalfClosing(Transport):
    """A transport that can half-close, as plain TCP: lingering ends its writing with "eof"."""

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.events.append("eof")


@pytest.mark.parametrize("pipelined", [False, True])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_answer_before_the_body_came_lingers_behind_another_request(
    protocol_class: type[Any], pipelined: bool
) -> None:
    # Answered from its head (413), its body still coming: the connection lingers, its client
    # reading the answer. On h11, behind a request answered in the same read, uvicorn's cycle
    # closed the transport itself once h11 was told the connection closes (the answer's
    # "connection: close"): a close with the body unread, which resets it, answer and all.
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] != "/big":
            await receive()
        status = 413 if scope["path"] == "/big" else 200
        headers = [(b"content-length", b"0")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    big = post(b"0123456789", path="/big")[: -len(b"3456789")]  # its body's first bytes
    feed = [post(b"{}") + big if pipelined else big]
    events, _ = serve(protocol_class, app, feed, transport_class=HalfClosing)
    answers = [event[:12] for event in events if isinstance(event, bytes)]
    assert answers == ([b"HTTP/1.1 200"] if pipelined else []) + [b"HTTP/1.1 413"]
    assert events.index("eof") < events.index("close")  # lingered: its end came first

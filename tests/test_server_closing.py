"""alexaskill.server and connections closing with their answer not all sent: closed in time, and
a connection closed with requests queued behind it keeps the answer already made. (The
lingering close after a refusal: test_server_lingering.py.)"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest
import uvicorn

from alexaskill.server import H11Protocol, HttpProtocol

from .threaded_uvicorn import answer_lifespan, bound_port, connected, http_protocol, serving

pytestmark = pytest.mark.oldest_dependencies

#: Bytes of the server's socket send buffer (the kernel doubles it) in these tests: an answer of
#: `ANSWER` bytes, under the write buffer's high-water mark (64 KiB), does not fit in it.
SEND_BUFFER = 4096
ANSWER = 40_000


def _small_send_buffer(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)


class QuickHttp(HttpProtocol):
    write_timeout = 1.0

    def connection_made(self, transport: Any) -> None:
        _small_send_buffer(transport)
        super().connection_made(transport)


class QuickH11(H11Protocol):
    write_timeout = 1.0

    def connection_made(self, transport: Any) -> None:
        _small_send_buffer(transport)
        super().connection_made(transport)


async def forty_kilobytes(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"x" * ANSWER})


@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("closed_by", ["connection-close", "keep-alive-timeout"])
def test_a_connection_closed_with_its_answer_unread_is_dropped_in_time(
    http: str, closed_by: str
) -> None:
    # Its answer under the write buffer's high-water mark, so no pause_writing and no write
    # deadline: closed (connection: close, or idle past --timeout-keep-alive), the loop kept it
    # until the rest was sent, which a client that reads nothing (its kernel still answering
    # the window probes) put off forever, the connection counted under --limit-concurrency.
    protocol = http_protocol(http, QuickHttp, QuickH11)
    config = uvicorn.Config(
        forty_kilobytes,
        port=0,
        http=protocol,
        loop="asyncio",
        limit_concurrency=10,
        timeout_keep_alive=1,
        log_level="warning",
    )
    with serving(config) as server:
        client = _slow_reader(server)
        close = b"connection: close\r\n" if closed_by == "connection-close" else b""
        client.sendall(b"GET / HTTP/1.1\r\nhost: skill\r\n" + close + b"\r\n")
        _gone_in_time(server, "the connection was held, its answer unsent")
        client.close()


def _slow_reader(server: uvicorn.Server) -> socket.socket:
    """A client of ``server`` whose receive buffer holds little of an answer."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    client.connect(("127.0.0.1", bound_port(server)))
    return client


def _read_to_the_close(client: socket.socket) -> bytes:
    """All ``client`` receives until the server closes the connection."""
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    return answer


def _shut_and_gone(server: uvicorn.Server, client: socket.socket) -> None:
    """Stop ``client``'s sending, then wait for ``server``'s connection and its task to go."""
    client.shutdown(socket.SHUT_WR)
    deadline = time.monotonic() + 30
    while server.server_state.connections or server.server_state.tasks:
        assert time.monotonic() < deadline, "the connection or its task stayed"
        time.sleep(0.05)


class _Held:
    """An app that notes each request's path in ``answered``, says it started (``started``),
    and answers "ok" with ``headers`` once the test sets ``release`` (or after 30 s): the
    answer is being made for as long as the test needs, however either thread is stalled."""

    def __init__(self, answered: list[str], headers: list[tuple[bytes, bytes]]) -> None:
        self.answered, self.headers = answered, headers
        self.started, self.release = threading.Event(), threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        self.answered.append(scope["path"])
        self.started.set()
        deadline = time.monotonic() + 30
        while not self.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"ok"})


def _gone_in_time(server: uvicorn.Server, what: str) -> None:
    """Wait for the connection to be closing, its answer not all sent, then to be gone."""
    connections = server.server_state.connections
    deadline = time.monotonic() + 30
    seen_closing = False
    while connections or not seen_closing:
        assert time.monotonic() < deadline, what if seen_closing else "never seen closing"
        for connection in list(connections):
            transport = connection.transport
            if transport.is_closing() and transport.get_write_buffer_size():
                seen_closing = True
        time.sleep(0.05)


async def large_answer(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"x" * 200_000})


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_a_closing_connection_read_below_the_low_water_mark_keeps_its_deadline(
    http: str,
) -> None:
    # The answer was over the write buffer's high-water mark (the deadline ran); the client
    # read until the buffer fell below the low-water mark (resume_writing), then nothing more:
    # the connection, closing, its answer's last bytes unsent, must still be dropped in time.
    protocol = http_protocol(http, QuickHttp, QuickH11)
    config = uvicorn.Config(
        large_answer, port=0, http=protocol, loop="asyncio", log_level="critical"
    )
    with serving(config) as server:
        for _ in range(5):
            client = _slow_reader(server)
            if _read_all_but_the_end(client):
                break
            # The test thread stalled past the write deadline (1 s) as it read, on a loaded
            # machine: dropped then, rightly. Again, on a new connection.
            client.close()
        else:
            pytest.fail("five stalls in a row")
        _gone_in_time(server, "the connection was held, the rest of its answer unsent")
        client.close()


def _read_all_but_the_end(client: socket.socket) -> bool:
    """Ask for `large_answer`'s answer and read all but its last 20,000 bytes (and the head);
    False if the server dropped the connection before."""
    client.sendall(b"GET / HTTP/1.1\r\nhost: skill\r\nconnection: close\r\n\r\n")
    wanted = 200_000 - 20_000
    got = 0
    while got < wanted:
        try:
            chunk = client.recv(min(4096, wanted - got))
        except ConnectionError:
            return False
        if not chunk:
            return False
        got += len(chunk)
    return True


async def failing_midway(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"x" * ANSWER, "more_body": True})
    raise RuntimeError("the skill failed midway")


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_a_connection_closed_by_an_app_failing_midway_is_dropped_in_time(
    http: str,
) -> None:
    # The app raised after part of its answer (below the high-water mark): the connection is
    # closed with that part unsent, and a client that reads nothing must not hold it.
    protocol = http_protocol(http, QuickHttp, QuickH11)
    config = uvicorn.Config(
        failing_midway, port=0, http=protocol, loop="asyncio", log_level="critical"
    )
    with serving(config) as server:
        client = _slow_reader(server)
        client.sendall(b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n")
        _gone_in_time(server, "the connection was held, its answer's start unsent")
        client.close()


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_requests_pipelined_after_one_that_closes_are_dropped_not_refused(
    http: str, loop: str
) -> None:
    # A request saying "connection: close" is the connection's last: what its client sends
    # after it is not processed (RFC 9112, 9.6). On h11 those bytes were a protocol error: the
    # client got a 400 and the answer to its request, still being made, was abandoned. On
    # httptools the bytes were left unread in the socket (reading paused behind the queued
    # request): the close answered them with a reset, and the client lost the answer.
    answered: list[str] = []
    app = _Held(answered, [(b"content-length", b"2")])
    protocol = http_protocol(http)
    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, connected(server) as client:
        request = b"GET / HTTP/1.1\r\nhost: skill\r\n"
        try:
            client.sendall(request + b"connection: close\r\n\r\n" + request + b"\r\n")
            assert app.started.wait(30), "the first request was never run"
            client.sendall(request + b"\r\n")
            # Unread when the answer is out: a close would answer it with a reset, and the
            # client could lose the answer (ConnectionResetError); it lingers instead.
            client.sendall((request + b"\r\n") * 300)
        finally:
            app.release.set()  # all sent while the answer was being made
        answer = _read_to_the_close(client)
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
        assert answer.count(b"HTTP/1.1 ") == 1, answer
        _shut_and_gone(server, client)
    assert answered == ["/"]  # the requests after it were never run


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_app_connection_close_with_a_request_queued(http: str, loop: str) -> None:
    # The app closes the connection (its answer says "connection: close") while its client's
    # next request waits behind it: that one is never run, and the close lingers, dropping
    # what the client sends meanwhile, rather than resetting and losing the client the answer.
    answered: list[str] = []
    app = _Held(answered, [(b"content-length", b"2"), (b"connection", b"close")])
    protocol = http_protocol(http)
    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, connected(server) as client:
        request = b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n"
        try:
            client.sendall(request + request.replace(b"GET /", b"GET /two"))
            assert app.started.wait(30), "the first request was never run"
            client.sendall(request * 300)  # while it is being answered, /two queued
        finally:
            app.release.set()
        answer = _read_to_the_close(client)
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
        assert answer.count(b"HTTP/1.1 ") == 1, answer
        _shut_and_gone(server, client)
    assert answered == ["/"]  # the request queued behind it was never run


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_a_closing_request_queued_behind_another_keeps_its_answer(http: str, loop: str) -> None:
    # A request saying "connection: close" queued behind one that keeps the connection: run
    # after it, reading still paused, what the client sent meanwhile stayed in the socket, and
    # on httptools the close answered it with a reset, the client losing the second answer.
    # On h11 uvicorn resumed reading before it began /two: on asyncio /two's task ran before
    # the next read, answered at once, and closed with the client's later bytes unread (reset).
    answered: list[str] = []
    app = _Held(answered, [(b"content-length", b"2")])
    protocol = http_protocol(http)
    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, connected(server) as client:
        head = b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n"
        closing = b"GET /two HTTP/1.1\r\nhost: skill\r\nconnection: close\r\n\r\n"
        try:
            client.sendall(head + closing)
            assert app.started.wait(30), "the first request was never run"
            client.sendall(head * 300)  # while the first is being answered, /two queued
        finally:
            app.release.set()
        answer = _read_to_the_close(client)
        assert answer.count(b"HTTP/1.1 200 ") == 2 and answer.endswith(b"\r\n\r\nok"), answer
        _shut_and_gone(server, client)
    assert answered == ["/", "/two"]  # and none of the requests after /two

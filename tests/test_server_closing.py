"""alexaskill.server and connections closing with their answer not all sent, or with the client
still sending: closed in time, the answer already written not lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from alexaskill.server import H11Protocol, HttpProtocol

from .self_signed import self_signed
from .test_server_tls import _client, _port, answer_lifespan, serving

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


@pytest.mark.parametrize("protocol", [QuickHttp, QuickH11], ids=["httptools", "h11"])
@pytest.mark.parametrize("closed_by", ["connection-close", "keep-alive-timeout"])
def test_a_connection_closed_with_its_answer_unread_is_dropped_in_time(
    protocol: type[Any], closed_by: str
) -> None:
    # Its answer under the write buffer's high-water mark, so no pause_writing and no write
    # deadline: closed (connection: close, or idle past --timeout-keep-alive), the loop kept it
    # until the rest was sent, which a client that reads nothing (its kernel still answering
    # the window probes) put off forever, the connection counted under --limit-concurrency.
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
    write_timeout = 1.0


class QuickLingerH11(H11Protocol):
    write_timeout = 1.0


#: More than the sockets' buffers hold (`SmallReads`, `SMALL_BUFFER`): the client's send waits
#: for the server to read. Less than `linger_bytes`.
MANY = 900 * 1024
SMALL_BUFFER = 64 * 1024


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
@pytest.mark.parametrize("protocol", [SmallReadsHttp, SmallReadsH11], ids=["httptools", "h11"])
@pytest.mark.parametrize("case", list(HEADS))
def test_a_client_still_sending_after_a_refusal_gets_the_answer(
    protocol: type[Any], loop: str, case: str
) -> None:
    # The server closed at once, the client's bytes unread: its socket answered them with a
    # reset, and a client that sends its whole body before reading (most do) got "Broken pipe"
    # and never the answer. Now the server sends the answer and its end of the stream, and
    # reads and drops the rest until the client closes its side.
    head, status = HEADS[case]
    with _lingering_server(protocol, loop) as server:
        with _connected(server) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
            client.sendall(head)
            time.sleep(0.2)  # answered meanwhile
            client.sendall(b"x" * MANY)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            assert answer.startswith(status), answer[:200]
            client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while server.server_state.connections:
            assert time.monotonic() < deadline, "the connection stayed open after the client's end"
            time.sleep(0.05)


@pytest.mark.parametrize("protocol", [QuickLingerHttp, QuickLingerH11], ids=["httptools", "h11"])
@pytest.mark.parametrize("bound", ["seconds", "bytes"])
def test_a_client_that_never_stops_sending_after_a_refusal_is_cut_off(
    protocol: type[Any], bound: str
) -> None:
    # The lingering is bounded: by the write deadline (1 s here) for a trickle, by
    # `linger_bytes` for a flood (the write deadline 60 s then, past this test's 30).
    head, _ = HEADS["body-after-refusal"]
    chunk = b"x" * (65536 if bound == "bytes" else 16)
    if bound == "bytes":
        protocol = type(protocol.__name__, (protocol,), {"write_timeout": 60.0})
    with _lingering_server(protocol, "asyncio") as server, _connected(server) as client:
        client.sendall(head)
        deadline = time.monotonic() + 30
        with pytest.raises(OSError):  # a reset
            while True:
                assert time.monotonic() < deadline, "still read after 30 s"
                client.sendall(chunk)
                if bound == "seconds":
                    time.sleep(0.01)


async def slow_answer(scope: Any, receive: Any, send: Any) -> None:
    """Answers after half a second (and with a body it never reads)."""
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    await asyncio.sleep(0.5)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


REFUSED_WHILE_ANSWERING = {
    # httptools refuses the bytes pipelined behind a request still being answered (h11 reads
    # nothing more until the answer is out), h11 a chunked body gone bad while the app runs.
    "garbage-pipelined": (b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n", b"NOT HTTP\r\n\r\n"),
    # (httptools pauses reading for the queued request, then refuses what follows it.)
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
@pytest.mark.parametrize(
    "protocol", [UnboundedLingerHttp, UnboundedLingerH11], ids=["httptools", "h11"]
)
@pytest.mark.parametrize("case", list(REFUSED_WHILE_ANSWERING))
def test_a_refusal_while_a_request_is_answered_is_no_error_for_the_app(
    protocol: type[Any], loop: str, case: str, caplog: pytest.LogCaptureFixture
) -> None:
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
    # (On h11 the pipelined garbage is read only once the answer is out: refused after it.)
    refused_first = not (issubclass(protocol, H11Protocol) and "pipelined" in case)
    config = uvicorn.Config(
        app, port=0, http=protocol, loop=loop, log_config=None, log_level="info"
    )
    with serving(config) as server:
        first, then = REFUSED_WHILE_ANSWERING[case]
        with _connected(server) as client:
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


@pytest.mark.parametrize(
    "protocol", [PatientLingerHttp, PatientLingerH11], ids=["httptools", "h11"]
)
def test_lingering_outlasts_the_keep_alive_timeout(protocol: type[Any]) -> None:
    # On h11, uvicorn's keep-alive timer (1 s here) closed a lingering connection, so a client
    # still sending got a reset long before `write_timeout` (30 s here).
    config = uvicorn.Config(
        refusing, port=0, http=protocol, loop="asyncio", log_level="critical", timeout_keep_alive=1
    )
    with serving(config) as server:
        head, status = HEADS["body-after-refusal"]
        with _connected(server) as client:
            client.sendall(head)
            for _ in range(60):  # three seconds, or more
                client.sendall(b"x" * 16)
                time.sleep(0.05)
            client.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            assert answer.startswith(status), answer[:200]


def _connected(server: uvicorn.Server) -> socket.socket:
    """A client of ``server``, its calls timed out after 30 s."""
    return socket.create_connection(("127.0.0.1", _port(server)), timeout=30)


def _slow_reader(server: uvicorn.Server) -> socket.socket:
    """A client of ``server`` whose receive buffer holds little of an answer."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    client.connect(("127.0.0.1", _port(server)))
    return client


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


@pytest.mark.parametrize("protocol", [QuickHttp, QuickH11], ids=["httptools", "h11"])
def test_a_closing_connection_read_below_the_low_water_mark_keeps_its_deadline(
    protocol: type[Any],
) -> None:
    # The answer was over the write buffer's high-water mark (the deadline ran); the client
    # read until the buffer fell below the low-water mark (resume_writing), then nothing more:
    # the connection, closing, its answer's last bytes unsent, must still be dropped in time.
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


@pytest.mark.parametrize("protocol", [QuickHttp, QuickH11], ids=["httptools", "h11"])
def test_a_connection_closed_by_an_app_failing_midway_is_dropped_in_time(
    protocol: type[Any],
) -> None:
    # The app raised after part of its answer (below the high-water mark): the connection is
    # closed with that part unsent, and a client that reads nothing must not hold it.
    config = uvicorn.Config(
        failing_midway, port=0, http=protocol, loop="asyncio", log_level="critical"
    )
    with serving(config) as server:
        client = _slow_reader(server)
        client.sendall(b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n")
        _gone_in_time(server, "the connection was held, its answer's start unsent")
        client.close()


@pytest.mark.parametrize("protocol", [HttpProtocol, H11Protocol], ids=["httptools", "h11"])
def test_a_bad_request_and_a_long_tail_in_one_read_is_refused_once(
    protocol: type[Any], caplog: pytest.LogCaptureFixture
) -> None:
    # The 400 began the lingering close; the same read, past the head's size limit, then
    # answered 431 after the end of the stream: "Cannot call write() after write_eof()",
    # logged by asyncio as a fatal error of the protocol.
    caplog.set_level(logging.INFO)
    config = uvicorn.Config(
        refusing, port=0, http=protocol, loop="asyncio", log_config=None, log_level="info"
    )
    with serving(config) as server, _connected(server) as client:
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
@pytest.mark.parametrize("protocol", [SmallReadsHttp, SmallReadsH11], ids=["httptools", "h11"])
@pytest.mark.parametrize("case", ["body-after-refusal", "bytes-after-a-bad-request"])
def test_a_tls_client_still_sending_after_a_refusal_gets_the_answer(
    protocol: type[Any], loop: str, case: str, tmp_path: Path
) -> None:
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
    with serving(config) as server, _connected(server) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
        with _client().wrap_socket(raw) as client:
            client.sendall(head)
            time.sleep(0.2)  # answered meanwhile
            client.sendall(b"x" * MANY)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            assert answer.startswith(status), answer[:200]


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("protocol", [HttpProtocol, H11Protocol], ids=["httptools", "h11"])
def test_requests_pipelined_after_one_that_closes_are_dropped_not_refused(
    protocol: type[Any], loop: str
) -> None:
    # A request saying "connection: close" is the connection's last: what its client sends
    # after it is not processed (RFC 9112, 9.6). On h11 those bytes were a protocol error: the
    # client got a 400 and the answer to its request, still being made, was abandoned. On
    # httptools the bytes were left unread in the socket (reading paused behind the queued
    # request): the close answered them with a reset, and the client lost the answer.
    answered: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            answered.append(scope["path"])
        await slow_answer(scope, receive, send)

    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, _connected(server) as client:
        request = b"GET / HTTP/1.1\r\nhost: skill\r\n"
        client.sendall(request + b"connection: close\r\n\r\n" + request + b"\r\n")
        time.sleep(0.1)  # being answered
        client.sendall(request + b"\r\n")
        time.sleep(0.1)  # read (or left in the socket), reading paused
        # Unread when the answer is out: a close would answer it with a reset, and the client
        # could lose the answer (ConnectionResetError); it lingers instead.
        client.sendall((request + b"\r\n") * 300)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
        assert answer.count(b"HTTP/1.1 ") == 1, answer
        client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while server.server_state.connections or server.server_state.tasks:
            assert time.monotonic() < deadline, "the connection or its task stayed"
            time.sleep(0.05)
    assert answered == ["/"]  # the requests after it were never run


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("protocol", [HttpProtocol, H11Protocol], ids=["httptools", "h11"])
def test_app_connection_close_with_a_request_queued(protocol: type[Any], loop: str) -> None:
    # The app closes the connection (its answer says "connection: close") while its client's
    # next request waits behind it: that one is never run, and the close lingers, dropping
    # what the client sends meanwhile, rather than resetting and losing the client the answer.
    answered: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        answered.append(scope["path"])
        await asyncio.sleep(0.3)
        close = [(b"content-length", b"2"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 200, "headers": close})
        await send({"type": "http.response.body", "body": b"ok"})

    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, _connected(server) as client:
        request = b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n"
        client.sendall(request + request.replace(b"GET /", b"GET /two"))
        time.sleep(0.1)  # being answered, /two queued
        client.sendall(request * 300)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
        assert answer.count(b"HTTP/1.1 ") == 1, answer
        client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while server.server_state.connections or server.server_state.tasks:
            assert time.monotonic() < deadline, "the connection or its task stayed"
            time.sleep(0.05)
    assert answered == ["/"]  # the request queued behind it was never run


@pytest.mark.parametrize("loop", ["asyncio", "alexaskill.loops:new_event_loop"])
@pytest.mark.parametrize("protocol", [HttpProtocol, H11Protocol], ids=["httptools", "h11"])
def test_a_closing_request_queued_behind_another_keeps_its_answer(
    protocol: type[Any], loop: str
) -> None:
    # A request saying "connection: close" queued behind one that keeps the connection: run
    # after it, reading still paused, what the client sent meanwhile stayed in the socket, and
    # on httptools the close answered it with a reset, the client losing the second answer.
    answered: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        answered.append(scope["path"])
        await asyncio.sleep(0.3)
        headers = [(b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    config = uvicorn.Config(app, port=0, http=protocol, loop=loop, log_level="critical")
    with serving(config) as server, _connected(server) as client:
        request = b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n"
        closing = b"GET /two HTTP/1.1\r\nhost: skill\r\nconnection: close\r\n\r\n"
        client.sendall(request + closing)
        time.sleep(0.1)  # the first being answered, /two queued
        client.sendall(request * 300)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        assert answer.count(b"HTTP/1.1 200 ") == 2 and answer.endswith(b"\r\n\r\nok"), answer
        client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while server.server_state.connections or server.server_state.tasks:
            assert time.monotonic() < deadline, "the connection or its task stayed"
            time.sleep(0.05)
    assert answered == ["/", "/two"]  # and none of the requests after /two

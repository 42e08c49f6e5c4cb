"""Heads the server does not buffer nor wait on: an endless header pipelined behind whole requests,
a request refused before its body came, and a client that never reads its answers; real servers
on 127.0.0.1 started as users start them, stopped by PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import sys
from pathlib import Path

import pytest

from .conftest import Servers
from .missing import imported_or_skip
from .server_shared import (
    APP_HEAD,
    HEALTH,
    SLOW_CLIENT_COMMANDS,
    Replaced,
    SharedServers,
    genuine,
    request,
    rss,
    run,
    write_until_closed,
)
from .server_shared import shared as shared

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize("how", SLOW_CLIENT_COMMANDS)
def test_an_endless_header_pipelined_behind_whole_requests_is_not_buffered(
    shared: SharedServers, how: str
) -> None:
    # Requests pipelined, then an endless header: reading resumed as each queued request began
    # (`ExchangeProtocol.on_response_complete`), and the head came while a request was "being
    # answered", where no bound applied: the server took gigabytes of one header. Reading now
    # stays paused while the requests queued are whole; the head is read once they are all
    # answered, where the bounds apply (431). The client reads its answers, so each request
    # begins at once. (Pending answers alone are the slow-handler test's case below: there
    # `_Bounded.data_received` pauses reading; either pause kept a client that never reads
    # from the head, so the former version of this test, whose client never read, failed only
    # with both undone.)
    server, port = shared.get(how)

    async def scenario() -> tuple[int, int]:
        await genuine(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        received = 0

        async def read_answers() -> None:
            nonlocal received
            with contextlib.suppress(ConnectionError):
                while chunk := await reader.read(65536):
                    received += chunk.count(b"HTTP/1.1 200")

        reading = asyncio.ensure_future(read_answers())
        writer.write(b"GET /health HTTP/1.1\r\nhost: skill\r\n\r\n" * 2000)
        writer.write(b"GET /health HTTP/1.1\r\nhost: skill\r\nx-endless: ")
        try:
            sent = await write_until_closed(writer)
        finally:
            writer.transport.abort()
            await reading
        return sent, received

    before = rss(server.pid)
    sent, received = run(scenario())
    grown = rss(server.pid) - before
    assert sent < 32 * 1024 * 1024, f"the server took {sent} bytes of one header"
    assert received > 0  # the requests before the head were answered
    assert grown < 32 * 1024 * 1024, grown
    run(genuine(port))  # and the server is still fine


@pytest.mark.parametrize(
    "replace", [(), (("--http", "alexaskill.server:H11Protocol"),)], ids=["httptools", "h11"]
)
def test_a_request_refused_before_its_body_came_closes_its_connection(
    shared: SharedServers, replace: Replaced
) -> None:
    # 415 from the head alone, the body still coming: the rest of the body was counted as the
    # next request's head (past 16 KB, a 431 and the request after it lost). Now the refusal
    # ends the connection, as the rest of a body nobody reads is no use.
    if not replace:  # the Dockerfile's default, h11's protocol again where httptools is missing
        imported_or_skip("httptools", "the httptools tests")
    _, port = shared.get("dockerfile", replace)

    async def scenario() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\n")
        writer.write(b"content-length: 20000\r\n\r\n")
        await asyncio.sleep(0.3)  # answered meanwhile
        writer.write(b"x" * 20000 + HEALTH.replace(b"connection: close\r\n", b""))
        answer = b""
        with contextlib.suppress(ConnectionError, TimeoutError):
            while chunk := await asyncio.wait_for(reader.read(65536), 20):
                answer += chunk
            answer += b"<closed>"
        writer.close()
        return answer

    answer = run(scenario())
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 415"), answer[:300]
    assert answer.endswith(b"<closed>"), answer
    assert b"431" not in answer and b"408" not in answer, answer
    assert rest.startswith(b'{"error": "expected application/json"}'), rest
    run(genuine(port))  # and the server is still fine


QUICK_WRITES = """
from alexaskill.server import HttpProtocol, H11Protocol


class QuickHttp(HttpProtocol):
    write_timeout = 0.5


class QuickH11(H11Protocol):
    write_timeout = 0.5

"""
QUICK_WRITES += APP_HEAD
QUICK_WRITES += """\
    body = b"x" * (1 << 20)  # a megabyte: the socket's buffers are full after a few
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})
"""


@pytest.mark.parametrize("protocol", ["QuickHttp", "QuickH11"])
def test_a_client_that_never_reads_its_answers_is_closed(
    servers: Servers, tmp_path: Path, protocol: str
) -> None:
    # Requests pipelined, their answers never read: the answer being written waits for the
    # socket forever, its connection "busy answering", so never closed to make room either.
    # Enough of them held every place under --limit-concurrency.
    (tmp_path / "quick_writes.py").write_text(QUICK_WRITES, encoding="utf-8")
    port = servers.free_port()
    command = [sys.executable, "-m", "uvicorn", "quick_writes:app", "--app-dir", str(tmp_path)]
    command += ["--port", str(port), "--http", f"quick_writes:{protocol}"]
    server = servers.start(command, port, cwd=tmp_path)

    async def scenario() -> tuple[int, str]:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.setblocking(False)
        reader, writer = await asyncio.open_connection(sock=sock)
        writer.write(b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n" * 100)
        # The answers' writes stall past the timeout (0.5 s): read too soon, they would all
        # go through. So nothing is read until the server drops the connection (a reset: the
        # socket reports an error or a hang-up), 20 s at most: a server that never drops it
        # is read from after that, and fails below. (A sleep of 2.5 s, the margin it was,
        # was too short for a server stalled under load.)
        poller = select.poll()
        poller.register(sock, select.POLLERR | select.POLLHUP | select.POLLRDHUP)
        await asyncio.to_thread(poller.poll, 20_000)
        received, end = 0, "open"
        try:
            # (A long wait for each read: a server stalled under load may be slow to answer
            # or to close; one that never closes leaves this read waiting, and fails below.)
            while chunk := await asyncio.wait_for(reader.read(1 << 20), 15):
                received += len(chunk)  # read at last: what was sent before the end
            end = "closed"
        except ConnectionError:
            end = "reset"
        except TimeoutError:
            pass
        writer.transport.abort()
        return received, end

    received, end = run(scenario())
    assert end in ("closed", "reset"), f"still open after {received} bytes of answers"
    assert received < 100 << 20  # not every answer: given up on
    answer, _ = run(request(port, HEALTH))  # and the server is still fine
    assert answer.startswith(b"HTTP/1.1 200") and server.poll() is None

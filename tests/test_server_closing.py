"""alexaskill.server and connections closing with their answer not all sent, or with the client
still sending: closed in time, the answer already written not lost."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
import uvicorn

from alexaskill.server import H11Protocol, HttpProtocol

from .test_server_tls import _port, _started

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
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
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
    server, thread = _started(config)
    connections = server.server_state.connections
    try:
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        client.connect(("127.0.0.1", _port(server)))
        close = b"connection: close\r\n" if closed_by == "connection-close" else b""
        client.sendall(b"GET / HTTP/1.1\r\nhost: skill\r\n" + close + b"\r\n")
        deadline = time.monotonic() + 30
        seen_closing = False
        while connections or not seen_closing:
            assert time.monotonic() < deadline, "the connection was held, its answer unsent"
            for connection in list(connections):
                transport = connection.transport
                if transport.is_closing() and transport.get_write_buffer_size():
                    seen_closing = True
            time.sleep(0.05)
        client.close()
    finally:
        server.should_exit = True
        thread.join(30)

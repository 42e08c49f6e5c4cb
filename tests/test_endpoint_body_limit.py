"""A body sent in parts (chunked, no Content-Length) that grows past ``max_body_size``: the
endpoint answers 413 as soon as it is past, and the answer closes the connection on every
protocol uvicorn serves it with (the rest of the body is never read)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path
from typing import Any, Final

import pytest
from starlette.types import Message

from alexaskill import Skill

from .app_shared import post_scope
from .conftest import SKILL_ID, Servers

_LIMIT: Final = 1000
_APP: Final = (
    f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}", max_body_size={_LIMIT})\n'
)
_HEAD: Final = (
    b"POST / HTTP/1.1\r\nhost: skill\r\ncontent-type: application/json\r\n"
    b"transfer-encoding: chunked\r\n\r\n"
)


def _chunk(size: int) -> bytes:
    return b"%x\r\n%s\r\n" % (size, b" " * size)


def _answer_and_end(sock: socket.socket) -> tuple[bytes, bool]:
    """What the server wrote, and whether it closed the connection after it (False: it still
    waited, with the body unread, when the socket's timeout ran out)."""
    received = b""
    try:
        while part := sock.recv(65536):
            received += part
    except TimeoutError:
        return received, False
    except ConnectionResetError:  # closed with bytes of ours unread: closed all the same
        pass
    return received, True


@pytest.mark.parametrize("http", ["h11", "httptools", "alexaskill.server:HttpProtocol"])
def test_a_chunked_body_past_the_limit_is_refused_and_the_connection_closed(
    servers: Servers, tmp_path: Path, http: str
) -> None:
    # uvicorn's own protocols (h11, httptools) kept the connection after the 413, the body's
    # rest unread: they went on reading it, for as long as the client sent it, and took what
    # came after as the next request (behind a proxy that framed the body otherwise, a request
    # of someone else's). The answer now says `connection: close`, and they close.
    (tmp_path / "app.py").write_text(_APP, encoding="utf-8")
    port = servers.free_port()
    env = {**os.environ, "ALEXASKILL_STORE": "memory://"}
    command = [sys.executable, "-m", "uvicorn", "app:skill", "--port", str(port), "--http", http]
    servers.start(command, port, cwd=tmp_path, env=env)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(_HEAD + _chunk(600) + _chunk(600))  # past the limit; the body not ended
        received, closed = _answer_and_end(sock)
    head = received.partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413 "), received
    assert b"\r\nconnection: close" in head, received
    assert received.endswith(b'{"error": "request body too large"}'), received
    assert closed, received


def test_a_first_part_past_the_limit_is_refused_without_waiting_for_the_next() -> None:
    # The first part of a body in parts was not measured: a part past the limit was held (and
    # the server's buffer with it) until the next came, or the body's timeout answered 408.
    sent: list[Message] = []
    parts = iter([{"type": "http.request", "body": b" " * (_LIMIT + 1), "more_body": True}])

    async def receive() -> dict[str, Any]:
        part = next(parts, None)
        if part is None:
            await asyncio.Event().wait()  # the client sends nothing more
        assert part is not None
        return part

    async def send(message: Message) -> None:
        sent.append(message)

    skill = Skill(SKILL_ID, max_body_size=_LIMIT, body_timeout=60)
    scope = post_scope([(b"content-type", b"application/json")])
    asyncio.run(asyncio.wait_for(skill(scope, receive, send), 30))
    assert sent[0]["status"] == 413
    assert (b"connection", b"close") in sent[0]["headers"]

"""Who the server closes to make room when its connections run out: an idle connection, never a
busy one, and an endless header sent while a request is answered is not buffered meanwhile; real
servers on 127.0.0.1, stopped by PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from pathlib import Path

import pytest

from .conftest import Servers
from .server_shared import (
    APP_HEAD,
    HEALTH,
    PATIENT_HEADS,
    request,
    rss,
    run,
    server_said,
    write_until_closed,
)

pytestmark = pytest.mark.oldest_dependencies

# --- who makes room --------------------------------------------------------------------------

HTTPTOOLS_BOUNDED = ("--http", "alexaskill.server:HttpProtocol")

#: A slow app that says when each slow request starts (a line in ``started``) and answers it
#: once the test creates ``release``: busy for as long as the test's steps take, however slow.
GATED_APP = "\nimport asyncio, pathlib\n" + APP_HEAD
GATED_APP += """\
    if scope["path"] == "/slow":
        here = pathlib.Path(__file__).parent
        with open(here / "started", "a") as started:
            started.write("started\\n")
        for _ in range(600):  # a minute at most
            if (here / "release").exists():
                break
            await asyncio.sleep(0.05)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"done"})
"""

#: A slow app whose slow request is answered once its connection stopped reading (the server's
#: flow control says so: uvicorn's cycle, or alexaskill's exchange, is ``send``'s owner) or once
#: the test creates ``release``: no time of its own that a loaded machine could stretch.
PAUSED_APP = "\nimport asyncio, pathlib\n" + APP_HEAD
PAUSED_APP += """\
    if scope["path"] == "/slow":
        owner = send.__self__
        flow = owner.flow if hasattr(owner, "flow") else owner.protocol.flow
        release = pathlib.Path(__file__).parent / "release"
        for _ in range(1200):  # a minute at most
            if flow.read_paused or release.exists():
                break
            await asyncio.sleep(0.05)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"done"})
"""


def _wait_for_started(tmp_path: Path, count: int) -> None:
    """Wait (30 s at most) until ``count`` slow requests of `GATED_APP` are being answered."""
    deadline = time.monotonic() + 30
    started = tmp_path / "started"
    while not started.exists() or len(started.read_text(encoding="utf-8").splitlines()) < count:
        assert time.monotonic() < deadline, f"fewer than {count} slow requests started"
        time.sleep(0.05)


def test_an_endless_header_sent_while_a_request_is_answered_is_not_buffered(
    servers: Servers, tmp_path: Path
) -> None:
    # The request is whole and its handler slow: the next request's head, sent meanwhile on the
    # same connection, was read without end (the bounds apply between requests). The handler
    # answers once the server stopped reading (`PAUSED_APP`), or once the client wrote
    # `ENDLESS` bytes without the server stopping it: not after a time, in which a client on
    # a loaded machine might write less than the bound either way.
    (tmp_path / "slowapp.py").write_text(PAUSED_APP, encoding="utf-8")
    port = servers.free_port()
    command = [sys.executable, "-m", "uvicorn", "slowapp:app", "--app-dir", str(tmp_path)]
    server = servers.start([*command, "--port", str(port), *HTTPTOOLS_BOUNDED], port)

    async def scenario() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answer = b""

        async def read_answer() -> None:
            # Read as it comes: the close, a reset (unread bytes), would lose what is unread.
            nonlocal answer
            with contextlib.suppress(ConnectionError):
                while chunk := await reader.read(65536):
                    answer += chunk

        reading = asyncio.ensure_future(read_answer())
        writer.write(b"GET /slow HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nx-endless: ")
        try:
            sent = await write_until_closed(writer)
        finally:
            (tmp_path / "release").touch()  # (the server never stopped reading: a failure)
            writer.transport.abort()
            await reading
        return sent, answer

    before = rss(server.pid)
    sent, answer = run(scenario())
    assert sent < 32 * 1024 * 1024, f"the server took {sent} bytes of one header"
    assert rss(server.pid) - before < 16 * 1024 * 1024
    # The slow request is answered; then the head, read again, is refused (431, or a reset).
    assert answer.startswith(b"HTTP/1.1 200") and b"\r\ndone\r\n" in answer, answer[:300]


@pytest.mark.parametrize("third", ["keep-alive", "never-sent"])
def test_an_idle_connection_makes_room_and_a_busy_one_never_does(
    servers: Servers, tmp_path: Path, third: str
) -> None:
    # --limit-concurrency 4: at most 3 open connections. Two are busy answering, one is idle:
    # a new request gets the idle one's place; when all three are busy, a new one is refused.
    # Idle: between two requests (keep-alive, as Alexa's reused connections are), or connected
    # and silent since. (The busy ones stay busy until the test releases them, and it waits for
    # them to start.)
    (tmp_path / "slowapp.py").write_text(PATIENT_HEADS + GATED_APP, encoding="utf-8")
    port = servers.free_port()
    command = [sys.executable, "-m", "uvicorn", "slowapp:app", "--app-dir", str(tmp_path)]
    command += ["--port", str(port), "--http", "slowapp:PatientHttp"]
    command += ["--timeout-keep-alive", "60", "--limit-concurrency", "4"]
    # At TRACE uvicorn says each connection made (once counted); at DEBUG alexaskill says which
    # connection made room for which (`made_room_for`).
    command += ["--log-level", "trace"]
    env = {**os.environ, "ALEXASKILL_LOG_LEVEL": "DEBUG"}
    server = servers.start(command, port, env=env)
    log = servers.output[server]
    slow = b"GET /slow HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"

    async def scenario() -> None:
        busy = [asyncio.ensure_future(request(port, slow, 25)) for _ in range(2)]
        await asyncio.to_thread(_wait_for_started, tmp_path, 2)
        # The third is counted by the server before the fourth comes (else the fourth, counted
        # first, could be the one closed): a keep-alive one once its first answer is read
        # whole, a silent one once the server's log says it was made.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        idle = writer.get_extra_info("sockname")[1]
        if third == "keep-alive":
            writer.write(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
            first = b""
            while not first.endswith(b"0\r\n\r\n"):  # its chunked answer, all of it
                chunk = await asyncio.wait_for(reader.read(1 << 16), 20)
                assert chunk, first
                first += chunk
            assert b"\r\ndone\r\n" in first, first
        else:
            await asyncio.to_thread(_wait_for_made, log, idle)
        fourth: list[int] = []
        answer, _ = await request(port, HEALTH, ports=fourth)  # the idle one makes room
        assert b"\r\ndone\r\n" in answer, answer
        assert await asyncio.wait_for(reader.read(), 20) == b""  # closed to make room
        writer.close()
        said = log.read_text(errors="replace", encoding="utf-8")
        made_room = rf"closed 127\.0\.0\.1:{idle}, waiting .* to make room for 127\.0\.0\.1:"
        assert re.search(made_room + str(fourth[0]), said), server_said(answer, log, [idle])
        third_slow = asyncio.ensure_future(request(port, slow, 25))
        await asyncio.to_thread(_wait_for_started, tmp_path, 3)
        try:  # three busy: a fourth is refused at once (closed, or reset)
            refused, _ = await request(port, HEALTH)
        except ConnectionError:
            refused = b""
        assert refused == b""
        (tmp_path / "release").touch()
        for done in await asyncio.gather(*busy, third_slow):
            assert b"\r\ndone\r\n" in done[0]  # and the busy ones were never touched

    run(scenario())


def _wait_for_made(log: Path, port: int) -> None:
    """Wait (30 s at most) until the server's ``log`` (at TRACE) says that it made the connection
    from 127.0.0.1:``port``: uvicorn says so once it counted the connection."""
    deadline = time.monotonic() + 30
    made = re.compile(rf"127\.0\.0\.1:{port} - HTTP connection made")
    while not made.search(log.read_text(errors="replace", encoding="utf-8")):
        assert time.monotonic() < deadline, f"the server never said it made :{port}"
        time.sleep(0.05)

"""A uvicorn server run in a thread of the test's process, for the tests of alexaskill.server's
connections (tests/test_server_tls.py, test_server_closing.py, test_server_lingering.py,
test_server_starts.py, test_settings_at_start.py): an app that says hello (`hello`), the event
loops there are (`event_loops`), a protocol by its name (`http_protocol`), the server started
and stopped (`serving`), its port (`bound_port`), a client of it (`connected`, or over TLS with
any certificate, `tls_client`)."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from alexaskill.server import H11Protocol, HttpProtocol

from .missing import imported_or_skip


async def answer_lifespan(receive: Any, send: Any) -> None:
    """Answer a test app's lifespan messages, until its shutdown."""
    while True:
        message = await receive()
        await send({"type": message["type"] + ".complete"})
        if message["type"] == "lifespan.shutdown":
            return


async def hello(scope: Any, receive: Any, send: Any) -> None:
    """An app answering every request 200 ``hello``."""
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


def event_loops() -> list[str]:
    """The event loops a server is tested on: asyncio's and uvloop's (`needs_loop` skips the
    latter where uvloop is not installed, and fails it under CI)."""
    return ["asyncio", "uvloop"]


def needs_loop(loop: str) -> None:
    """For a test on ``loop`` (one of `event_loops`): uvloop's needs uvloop. (Leaving uvloop out
    of `event_loops` where it is missing dropped its tests unseen, under CI too.)"""
    if loop == "uvloop":
        imported_or_skip("uvloop", "the uvloop tests")


def http_protocol(
    name: str, on_httptools: type[Any] = HttpProtocol, on_h11: type[Any] = H11Protocol
) -> type[Any]:
    """alexaskill.server's protocol on ``name`` ("httptools" or "h11", the tests' ids), or a
    test's subclass of it (``on_httptools``, ``on_h11``), as `needs_loop` for a loop: httptools'
    needs httptools, skipped without it and failed under CI. (Without httptools ``HttpProtocol``
    is ``H11Protocol``, and so are a test's subclasses of it: a test given one ran h11 a second
    time under the name "httptools", and passed.)"""
    if name == "h11":
        return on_h11
    imported_or_skip("httptools", "the httptools tests")
    return on_httptools


def started(config: uvicorn.Config) -> tuple[uvicorn.Server, threading.Thread]:
    """A uvicorn server for ``config``, run in a thread of its own, once it has started."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    return server, thread


@contextlib.contextmanager
def serving(config: uvicorn.Config) -> Iterator[uvicorn.Server]:
    """`started`'s server, stopped and its thread joined at the end of the block."""
    server, thread = started(config)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(30)


def bound_port(server: uvicorn.Server) -> int:
    """The port ``server`` (started with ``port=0``) listens on."""
    port: int = server.servers[0].sockets[0].getsockname()[1]
    return port


def tls_client() -> ssl.SSLContext:
    """A client's TLS context that takes any certificate (the test's own self-signed one)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def connected(server: uvicorn.Server) -> socket.socket:
    """A client of ``server``, its calls timed out after 30 s."""
    return socket.create_connection(("127.0.0.1", bound_port(server)), timeout=30)

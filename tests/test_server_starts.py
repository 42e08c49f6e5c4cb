"""alexaskill.server: a connection whose start fails (an exception in ``connection_made``) is
closed, said in one line, and counted out; the server goes on serving. uvloop left such a
connection open and unread: its client waited for an answer until its own timeout."""

from __future__ import annotations

import logging
import socket
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn

import alexaskill.exchange_protocol
import alexaskill.server
from alexaskill.loops import BoundedHandshakes, _CappedHandshakes
from alexaskill.server import HttpProtocol
from benchmarks.serving import self_signed

from .missing import imported_or_skip
from .threaded_uvicorn import (
    bound_port,
    event_loops,
    hello,
    http_protocol,
    needs_loop,
    serving,
    tls_client,
)

pytestmark = pytest.mark.oldest_dependencies

#: The loops as uvicorn is given them: asyncio's and uvloop's, each bounded (`alexaskill.loops`).
LOOPS = {
    "asyncio": "alexaskill.loops:SelectorEventLoop",
    "uvloop": "alexaskill.loops:new_event_loop",
}
REQUEST = b"GET / HTTP/1.1\r\nhost: skill\r\n\r\n"


def _closed(client: socket.socket) -> bool:
    """Whether the server closed ``client``'s connection (False: it answered instead); a
    connection left open fails the test when the client's timeout ends its wait."""
    try:
        client.sendall(REQUEST)
        data = client.recv(65536)
    except ConnectionError:  # reset: aborted
        return True
    except TimeoutError:
        pytest.fail("the connection whose start failed was left open, its request unread")
    return data == b""


def _answered(client: socket.socket) -> bool:
    client.sendall(REQUEST)
    return client.recv(65536).startswith(b"HTTP/1.1 200 ")


def _none_left(server: uvicorn.Server) -> None:
    connections = server.server_state.connections
    deadline = time.monotonic() + 30
    while connections:
        assert time.monotonic() < deadline, f"still counted: {connections}"
        time.sleep(0.02)


#: What raises, by the protocol: ``late`` once the connection is counted and its deadline runs
#: (the last step of its start); ``early`` before uvicorn's own start (no transport yet).
FAILING = {
    ("late", "httptools"): (alexaskill.server._Bounded, "_make_room"),
    ("late", "h11"): (alexaskill.server._Bounded, "_make_room"),
    ("early", "httptools"): (alexaskill.exchange_protocol, "_Trailers"),
    ("early", "h11"): (alexaskill.server, "_RareWarnings"),
}


@pytest.mark.parametrize("loop", event_loops())
@pytest.mark.parametrize("http", ["httptools", "h11"])
@pytest.mark.parametrize("when", ["late", "early"])
def test_a_connection_whose_start_fails_is_closed_and_counted_out(
    http: str,
    loop: str,
    when: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The first connection's start raises (a bug, a resource gone); every later one starts.
    needs_loop(loop)
    protocol = http_protocol(http)
    owner, name = FAILING[when, http]
    helper = getattr(owner, name)
    failed: list[object] = []

    def fail_once(*args: Any) -> Any:
        if not failed:
            failed.append(args)
            raise RuntimeError("no room at all")
        return helper(*args)

    monkeypatch.setattr(owner, name, fail_once)
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    config = uvicorn.Config(
        hello, port=0, http=protocol, loop=LOOPS[loop], limit_concurrency=4, log_level="warning"
    )
    with serving(config) as server:
        port = bound_port(server)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            assert _closed(client), "the connection whose start failed answered"
        assert failed
        _none_left(server)
        # Its place is back: as many connections as --limit-concurrency allows (4, less one)
        # are open at once, and each is answered, none closed to make room.
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
        try:
            assert all(_answered(client) for client in clients)
            assert len(server.server_state.connections) == 3
        finally:
            for client in clients:
                client.close()
    said = [r for r in caplog.records if r.name == "alexaskill.server" and "no room" in r.message]
    assert len(said) == 1, [r.message for r in said]
    assert "\n" not in said[0].getMessage() and said[0].exc_info is None
    assert "RuntimeError" in said[0].getMessage()


def test_a_tls_connection_whose_start_fails_on_uvloop_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # uvloop's TLS for a server of `alexaskill.loops` wraps each connection in a protocol of
    # its own (`_CappedHandshakes`), whose start counts the handshake: raised there, the
    # connection was left open, its handshake unread, until the client gave up. (The handshake
    # timeout, made longer than the client's wait, must not be what closes it.)
    imported_or_skip("uvloop", "the uvloop tests")
    began = _CappedHandshakes.began
    failed: list[object] = []

    def fail_once(self: Any, *args: Any) -> None:
        if not failed:
            failed.append(args)
            raise RuntimeError("no count")
        began(self, *args)

    monkeypatch.setattr(_CappedHandshakes, "began", fail_once)
    monkeypatch.setattr(BoundedHandshakes, "tls_handshake_timeout", 60.0)
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    cert, key = self_signed(tmp_path, common_name="localhost", dns=["localhost"])
    config = uvicorn.Config(
        hello,
        port=0,
        http=HttpProtocol,
        loop=LOOPS["uvloop"],
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="warning",
    )
    with serving(config) as server:
        port = bound_port(server)
        raw = socket.create_connection(("127.0.0.1", port), timeout=20)
        with pytest.raises((ssl.SSLError, ConnectionError)):  # closed: no handshake
            try:
                tls_client().wrap_socket(raw).close()
            except TimeoutError:
                pytest.fail("the connection whose start failed was left open, unread")
        raw.close()
        assert failed
        # Counted out of the handshakes under way; the next connection is served.
        with tls_client().wrap_socket(
            socket.create_connection(("127.0.0.1", port), timeout=20)
        ) as c:
            assert _answered(c)
    said = [r for r in caplog.records if r.name == "alexaskill.server" and "no count" in r.message]
    assert len(said) == 1, [r.message for r in said]
    assert "\n" not in said[0].getMessage() and said[0].exc_info is None


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_starts_failing_on_every_connection_are_said_once(
    http: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A failure every connection meets, its message different each time (a client's address,
    # a descriptor's number): one line, not one a connection (a client could flood the log).
    failures: list[int] = []

    def fail(self: Any) -> None:
        failures.append(len(failures))
        raise OSError(f"failure number {len(failures)}")

    monkeypatch.setattr(alexaskill.server._Bounded, "_make_room", fail)
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    config = uvicorn.Config(
        hello, port=0, http=http_protocol(http), loop=LOOPS["asyncio"], log_level="warning"
    )
    with serving(config) as server:
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", bound_port(server)), timeout=10) as client:
                assert _closed(client)
        _none_left(server)
    said = [r for r in caplog.records if "failed to start" in r.getMessage()]
    assert len(failures) == 3 and len(said) == 1, [r.getMessage() for r in said]

"""alexaskill.server: a connection whose start fails (an exception in ``connection_made``) is
closed, said in one line, and counted out; the server goes on serving. uvloop left such a
connection open and unread: its client waited for an answer until its own timeout."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

import pytest
import uvicorn

import alexaskill.exchange_protocol
import alexaskill.server
from alexaskill.server import H11Protocol, HttpProtocol

from .test_server_tls import _loops, _port, hello, serving

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


@pytest.mark.parametrize("loop", _loops())
@pytest.mark.parametrize("protocol", [HttpProtocol, H11Protocol], ids=["httptools", "h11"])
@pytest.mark.parametrize("when", ["late", "early"])
def test_a_connection_whose_start_fails_is_closed_and_counted_out(
    protocol: type[Any],
    loop: str,
    when: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The first connection's start raises (a bug, a resource gone); every later one starts.
    owner, name = FAILING[when, "h11" if protocol is H11Protocol else "httptools"]
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
        port = _port(server)
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

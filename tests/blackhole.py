"""Ports on 127.0.0.1 that a client cannot connect to in time, or that close every connection
unanswered: for the commands that must tell a server not reached from one that answered badly.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest

from .port_server import serving_port


@contextlib.contextmanager
def unconnectable_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections time out, as a firewall that drops them does.

    A listening socket that never accepts, its backlog filled: Linux drops further SYNs, so a
    connect() waits for its timeout. Skips the test where the system refuses them instead.
    """
    server = socket.socket()
    queued: list[socket.socket] = []
    try:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = int(server.getsockname()[1])
        for _ in range(3):
            client = socket.socket()
            client.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                client.connect(("127.0.0.1", port))
            queued.append(client)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except TimeoutError:
            yield port
        else:
            pytest.skip("this system accepts connections past a full backlog")
    finally:
        for client in queued:
            client.close()
        server.close()


@contextlib.contextmanager
def closing_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose server reads each request and closes without an answer."""

    def close_unanswered(connection: socket.socket) -> None:
        connection.settimeout(2)
        connection.recv(65536)

    with serving_port(close_unanswered) as port:
        yield port

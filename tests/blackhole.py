"""Ports on 127.0.0.1 that a client cannot connect to in time, or that close every connection
unanswered: for the commands that must tell a server not reached from one that answered badly;
and a server that leaves a TLS handshake unanswered, to see whether the client closes its
connection when its time limit ends the handshake (certificate downloads, Alexa's APIs).
"""

from __future__ import annotations

import contextlib
import socket
import threading
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


class HandshakeUnanswered:
    """A server on 127.0.0.1 that takes one connection, reads its first bytes (a TLS
    ClientHello) and never answers; ``closed`` is set once the client closes the connection."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(60)  # (a client that never comes ends the thread, not the run)
        self.port: int = self.listener.getsockname()[1]
        self.heard = b""
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            connection, _ = self.listener.accept()
            with connection:
                connection.settimeout(60)
                self.heard = connection.recv(4096)
                try:
                    while connection.recv(4096):  # (nothing more comes: a handshake unanswered)
                        pass
                except ConnectionResetError:  # (closed too, with a reset)
                    pass
                self.closed.set()

    def __enter__(self) -> HandshakeUnanswered:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self.thread.join(60)

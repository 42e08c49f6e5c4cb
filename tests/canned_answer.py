"""A port on 127.0.0.1 whose server answers every request with the same bytes: an endpoint that
answers garbage, for the commands that must say so rather than fail with a traceback."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

from .port_server import serving_port


def _read_request(connection: socket.socket) -> None:
    """Read one request whole (headers, then a Content-Length body), so that closing the
    connection after the answer resets nothing the client is still sending."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return
        body += chunk


@contextlib.contextmanager
def canned_answer_port(answer: bytes) -> Iterator[int]:
    """A port whose server reads each request, sends ``answer`` (a whole HTTP response, or
    anything) and closes the connection."""

    def answer_it(connection: socket.socket) -> None:
        connection.settimeout(30)
        _read_request(connection)
        connection.sendall(answer)

    with serving_port(answer_it) as port:
        yield port

"""What the tests of alexaskill.loops share (tests/test_loops.py, test_loops_uvicorn.py): how long a
connection's end is waited for (`_BOUND`), and whether a server closes a connection that sends
nothing (`closed_unanswered`)."""

from __future__ import annotations

import socket

#: Far past the handshake timeout (10 s, or 1 s or less where a test shortens it), far short of
#: asyncio's and uvloop's default (60 s).
_BOUND = 40.0


def closed_unanswered(port: int) -> bool:
    """Whether a TCP connection to ``port`` that sends nothing (no TLS ClientHello) is closed by
    the server within `_BOUND` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=_BOUND) as sock:
        try:
            return sock.recv(1) == b""
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True

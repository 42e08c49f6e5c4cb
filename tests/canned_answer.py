"""A port on 127.0.0.1 whose server answers every request with the same bytes: an endpoint that
answers garbage, for the commands that must say so rather than fail with a traceback; and
`alexaskill replay --url` sent to it (`replayed`, with `json_answer` and `bare_skill`)."""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alexaskill.testing import DEFAULT_SKILL_ID

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


def json_answer(payload: Any, status: str = "200 OK") -> bytes:
    """A whole HTTP/1.1 response for `canned_answer_port`: ``status``, ``payload`` as JSON, and
    the connection closed."""
    body = json.dumps(payload).encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"Connection: close\r\n\r\n" + body


def bare_skill(folder: Path, skill_id: str = DEFAULT_SKILL_ID) -> str:
    """The APP argument of a skill with no handler, written to ``folder``/app.py."""
    app = folder / "app.py"
    app.write_text(f"from alexaskill import Skill\nskill = Skill({skill_id!r})\n", encoding="utf-8")
    return f"{app}:skill"


def replayed(app: str, request: Path, answer: bytes, *options: str) -> tuple[int, str, str]:
    """`alexaskill replay APP REQUEST --url` (and ``options``) to a server answering ``answer``:
    the exit status, the output and the errors."""
    # Imported here: the modules of the oldest-dependencies run that import this one replay
    # nothing at import time (tests/test_testing_client.py imports it in the test that does).
    from alexaskill.cli import main

    out, err = io.StringIO(), io.StringIO()
    with canned_answer_port(answer) as port:
        argv = ["replay", app, str(request), "--url", f"http://127.0.0.1:{port}/", *options]
        code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()

"""What each server does with a request's task when its client goes away while the handler runs:
none of them cancels it (README, "The request line"). uvicorn's own protocols (h11, httptools)
and alexaskill's (`alexaskill.server`, its httptools one answering through `alexaskill.exchange`)
mark the request disconnected and drop what is sent after; the handler runs on to its end, and
the request line says what it answered."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import uvicorn

from alexaskill import Skill, speak
from alexaskill.testing import RequestFactory, TestPKI

from .conftest import SKILL_ID
from .processes import free_port

#: Longer than any stall of a loaded machine: a wait this long is ended by the server or test.
_LONG = 60.0


def _wait_for(condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + _LONG
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.01)


def _signed_hello(pki: TestPKI, port: int) -> bytes:
    """A signed Hello POST to 127.0.0.1:``port``, as the bytes of its request."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    headers |= pki.sign(body)
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (head + "\r\n").encode("latin-1") + body


@pytest.mark.parametrize(
    "http",
    ["h11", "httptools", "alexaskill.server:HttpProtocol", "alexaskill.server:H11Protocol"],
)
def test_a_client_that_goes_away_leaves_its_request_running_to_its_end(
    http: str, caplog: pytest.LogCaptureFixture
) -> None:
    pki = TestPKI.default()
    skill = Skill(SKILL_ID, verifier=pki.verifier(), deadline=None)
    running = threading.Event()
    gate: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
    ended: list[str] = []

    @skill.intent("Hello")
    async def hello() -> Any:
        gate.append((asyncio.get_running_loop(), asyncio.Event()))
        running.set()
        try:
            await gate[0][1].wait()
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise
        ended.append("finished")
        return speak("hello")

    port = free_port()
    config = uvicorn.Config(
        skill, host="127.0.0.1", port=port, http=http, log_level="error", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    caplog.set_level(logging.INFO, "alexaskill.request")
    thread.start()
    try:
        _wait_for(lambda: server.started or not thread.is_alive())
        assert server.started
        with socket.create_connection(("127.0.0.1", port), timeout=_LONG) as client:
            client.sendall(_signed_hello(pki, port))
            assert running.wait(_LONG)
        # The client has gone: once the server has seen it (the connection dropped), whatever
        # it does to the task is done (a cancellation is made there and then: uvicorn's
        # shutdown's is). Only then is the handler let go on.
        _wait_for(lambda: not server.server_state.connections)
        loop, event = gate[0]
        loop.call_soon_threadsafe(event.set)
        _wait_for(lambda: ended)
        _wait_for(lambda: [r for r in caplog.records if r.name == "alexaskill.request"])
    finally:
        server.should_exit = True
        thread.join(timeout=_LONG)
    assert ended == ["finished"]  # not cancelled: the handler ran on to its end
    # Its line says what was answered (into nothing: the client had gone).
    (line,) = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert (line.__dict__.get("outcome"), line.__dict__.get("status")) == ("ok", 200)

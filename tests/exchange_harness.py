"""How the exchange's tests (tests/test_exchange*.py, and the server's that feed a protocol bytes)
run a connection without a socket: `serve` feeds bytes to a new connection of a protocol class
and returns what it wrote and logged; `same` feeds them to uvicorn's own ``HttpToolsProtocol``
and to alexaskill's, and asserts that both wrote the same bytes, only grouped into fewer writes,
and logged the same lines. And, for the tests of a Skill served so (tests/test_exchange_skill.py,
tests/test_fuzz_direct.py), the Docker image's options (`DOCKER`) and the requests that took
the ASGI way in (`through_asgi`), to show which ones alexaskill's protocol answered directly."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from alexaskill.endpoint import _Endpoint
from tests.server_protocols import Transport, on_httptools, settle

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
Feed = Sequence[bytes | float]  # bytes to feed, or seconds to wait between them
#: The Docker image's options that matter here: no access log, proxy headers on (uvicorn's
#: default), so the app uvicorn loads is its proxy-headers middleware around the Skill.
DOCKER: dict[str, Any] = {"access_log": False, "proxy_headers": True}


@pytest.fixture
def through_asgi(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the requests `_Endpoint.__call__` (the ASGI way in) answered."""
    paths: list[str] = []
    original = _Endpoint.__call__

    async def counted(self: _Endpoint, scope: Any, receive: Any, send: Any) -> None:
        paths.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(_Endpoint, "__call__", counted)
    yield paths


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Read the whole body; answer what the request was, as JSON."""
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = json.dumps(
        {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query": scope["query_string"].decode(),
            "http_version": scope["http_version"],
            "headers": [[n.decode(), v.decode()] for n, v in scope["headers"]],
            "body": body.decode(),
        }
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def wire(events: list[bytes | str]) -> list[bytes | str]:
    """The events with consecutive writes joined: what the peer reads, and where it ends."""
    joined: list[bytes | str] = []
    for event in events:
        if isinstance(event, bytes) and joined and isinstance(joined[-1], bytes):
            joined[-1] += event
        else:
            joined.append(event)
    return joined


def serve(
    protocol_class: type[Any],
    app: App,
    feed: Feed,
    *,
    lose: bool = False,
    transport_class: type[Transport] = Transport,
    **config: Any,
) -> tuple[list[bytes | str], list[str]]:
    """Feed ``feed`` to a new connection of ``protocol_class``; its events and error logs."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == "uvicorn.access" or record.levelno >= logging.WARNING:
                records.append(record.getMessage().strip())

    handler = Collect()
    # (With access_log=False uvicorn's access logger has no handler, and the protocol writes
    # no access line: none is added to it then.)
    loggers = (
        ["uvicorn.error"]
        if config.get("access_log") is False
        else ["uvicorn.error", "uvicorn.access"]
    )

    async def scenario() -> list[bytes | str]:
        settings = Config(app=app, lifespan="off", **{"log_level": "warning", **config})
        settings.load()
        for name in loggers:  # after uvicorn's own set-up
            logging.getLogger(name).addHandler(handler)
        state = ServerState()
        state.default_headers = list(settings.encoded_headers)
        protocol = protocol_class(config=settings, server_state=state, app_state={})
        transport = transport_class()
        transport.protocol = protocol
        protocol.connection_made(transport)
        for part in feed:
            if isinstance(part, float):
                await asyncio.sleep(part)
            else:
                protocol.data_received(part)
            await settle()
        lost = lose
        if lose:
            protocol.connection_lost(None)
            await settle()
        # Every request's task to its end, those started meanwhile too (a pipelined request's
        # task starts when the one before it has answered, maybe while this waits).
        deadline = asyncio.get_running_loop().time() + 30
        while state.tasks and asyncio.get_running_loop().time() < deadline:
            if transport.closing and not lost:
                # The protocol closed the connection (a refusal from a body's bytes, say): the
                # loop reports it lost then, which ends a task waiting for the rest of a body.
                # (Not reported, such a task waited out the deadline: 30 s, and a failure.)
                protocol.connection_lost(None)
                lost = True
                await settle()
                continue
            await asyncio.wait(list(state.tasks), timeout=2)
        assert not state.tasks, "a request's task did not end"
        if not lost:
            protocol.connection_lost(None)
        return transport.events

    try:
        events = asyncio.run(scenario())
    finally:
        for name in loggers:
            logging.getLogger(name).removeHandler(handler)
    return events, records


def uvicorn_protocol() -> type[Any]:
    """uvicorn's own httptools protocol (imported here, not at the top: without httptools the
    import failed, and so did loading every module that imports this one)."""
    on_httptools()  # skipped without httptools, failed under CI
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    return HttpToolsProtocol


def same(app: App, feed: Feed, **options: Any) -> tuple[list[bytes | str], list[str]]:
    """Serve ``feed`` with both protocols; assert the wire and the logs are the same. Skipped
    without httptools, failed under CI."""
    theirs, their_logs = serve(uvicorn_protocol(), app, feed, **options)
    ours, our_logs = serve(on_httptools(), app, feed, **options)
    assert wire(ours) == wire(theirs)
    assert our_logs == their_logs
    return wire(ours), our_logs


def post(body: bytes, *headers: str, path: str = "/") -> bytes:
    head = [f"POST {path} HTTP/1.1", "host: x", f"content-length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body

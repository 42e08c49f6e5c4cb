"""What the tests of a request's framing (tests/test_exchange_framing*.py) share: the requests
httptools refused and h11 served, and what a connection wrote on a request until it closed."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.exchange_harness import wire
from tests.server_protocols import connect, settle

#: Requests httptools refused and h11 served: a proxy in front that reads them as h11 did (or
#: as httptools did) and the server here may see different requests in the same bytes.
LOOSE = {
    # RFC 9112, 5.2: a folded line refused (400) or unfolded; h11 unfolded it.
    "obs-fold": b"POST / HTTP/1.1\r\nhost: x\r\nx-a: one\r\n two\r\ncontent-length: 2\r\n\r\n{}",
    "obs-fold-tab": (
        b"POST / HTTP/1.1\r\nhost: x\r\nx-a: one\r\n\ttwo\r\ncontent-length: 2\r\n\r\n{}"
    ),
    # RFC 9112, 2.2: a server MAY take a bare LF as a line's end (so may refuse it).
    "bare-lf": b"POST / HTTP/1.1\nhost: x\ncontent-length: 2\n\n{}",
    "one-bare-lf": b"POST / HTTP/1.1\r\nhost: x\ncontent-length: 2\r\n\r\n{}",
    # RFC 9110, 9.1: methods are case-sensitive: "post" is no POST, and httptools knows it not.
    "lower-case-method": b"post / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
    "unknown-method": b"FOO / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
    # RFC 9112, 6.3: a server MAY take equal lengths as one (so may refuse them).
    "length-twice": (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\n{}"
    ),
    "length-list": b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2, 2\r\n\r\n{}",
    # RFC 9112, 7.1: nothing between a chunk's size and its line's end (or its ";").
    "chunk-size-space": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2 \r\n{}\r\n0\r\n\r\n"
    ),
    "chunk-size-tab": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2\t\r\n{}\r\n0\r\n\r\n"
    ),
    "chunk-size-past-64-bits": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"10000000000000000\r\n{}\r\n0\r\n\r\n"
    ),
    # RFC 9110, 6.5.1: framing fields cannot be trailers.
    "length-in-trailers": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\ncontent-length: 5\r\n\r\n"
    ),
    "coding-in-trailers": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\ntransfer-encoding: chunked\r\n\r\n"
    ),
    "folded-trailer": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\nx-a: one\r\n two\r\n\r\n"
    ),
}


def refused_whole(protocol_class: type[Any], request: bytes) -> tuple[list[bytes | str], bool]:
    """What a connection wrote on ``request`` until it closed (its peer gone then, ending the
    app's task, which a refusal from a body's bytes has started); whether the app got a body."""
    bodies: list[bytes] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(protocol_class, app)
        protocol.data_received(request)
        await settle()
        events = list(transport.events)
        protocol.connection_lost(None)
        tasks: set[asyncio.Task[None]] = protocol.tasks
        if tasks:
            await asyncio.wait(list(tasks), timeout=30)
        return events

    events = asyncio.run(scenario())
    return wire(events), any(bodies)

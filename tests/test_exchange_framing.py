"""`alexaskill.exchange`: how a request's bytes are framed, alike on both of alexaskill's
parsers (h11 and httptools): lengths and chunks, trailers, line ends and folded lines,
upgrades not taken, and requests that would smuggle another past a proxy in front."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from alexaskill import server as server_module
from alexaskill.server_limits import _NO_WEBSOCKETS
from tests.exchange_harness import Feed, echo, post, serve, wire
from tests.server_protocols import PROTOCOLS, connect, first_write, settle

pytestmark = pytest.mark.oldest_dependencies

#: A request framed two ways (RFC 9112, 6.3): a proxy in front that goes by the length would
#: see one request, body and all; a server that goes by the chunks sees a second one in it.
SMUGGLED = (
    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 40\r\ntransfer-encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n"
)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_with_a_length_and_chunks_is_refused_and_nothing_after_it_runs(
    protocol_class: type[Any],
) -> None:
    # h11 went by the chunks and kept the connection open: the request hidden in the body ran.
    # Refused with 400 and closed on either parser, as httptools does.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [SMUGGLED])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    assert events[-1] == "close"
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(body) == {"error": "invalid HTTP request"}


HIDDEN = b"GET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n"
UPGRADE_WITH_BODY = {
    "length": (b"content-length: %d\r\n\r\n" % len(HIDDEN), HIDDEN),
    "chunks": (
        b"transfer-encoding: chunked\r\n\r\n",
        b"%x\r\n%b\r\n0\r\n\r\n" % (len(HIDDEN), HIDDEN),
    ),
}


H2C_REFUSED = "HTTP/2 upgrade (h2c) is not supported: send the request as HTTP/1.1"


@pytest.mark.parametrize("framing", UPGRADE_WITH_BODY)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_request_with_a_body_and_an_upgrade_not_taken_never_runs_its_body(
    protocol_class: type[Any], framing: str
) -> None:
    # httptools stops at a request asking to upgrade (h2c here, which nobody serves): its
    # body was never the app's (it read b""), and, come in a later read, it ran as a request
    # of its own (smuggled past a proxy that sent it as a body). Such a request is refused
    # from its head (400, closed), its body never parsed; on h11 too (which read its body and
    # served it), so that a client behaves the same on either parser.
    head, body = UPGRADE_WITH_BODY[framing]
    seen: list[tuple[str, str]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        seen.append((scope["path"], message.get("body", b"").decode()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    upgrade = b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
    events, _ = serve(protocol_class, app, [upgrade + head + body])
    assert seen == [] and events[-1] == "close"
    answer, _, reason = first_write(wire(events)).partition(b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(reason) == {"error": H2C_REFUSED}


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_requests_pipelined_behind_an_upgrade_not_taken_are_answered(
    protocol_class: type[Any],
) -> None:
    # httptools stops at a request asking to upgrade: uvicorn served it as a plain request
    # (h2c is served by nobody) and dropped the rest of the read, the requests behind it never
    # answered, a proxy in front left waiting (or handing their answers to the next ones).
    upgrade = b"GET /%d HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    plain = b"GET /%d HTTP/1.1\r\nhost: x\r\n\r\n"
    events, _ = serve(protocol_class, echo, [upgrade % 1 + plain % 2 + upgrade % 3 + plain % 4])
    answered = b"".join(event for event in events if isinstance(event, bytes))
    assert answered.count(b"HTTP/1.1 200 OK\r\n") == 4
    assert re.findall(rb'"path": "(/\d)"', answered) == [b"/1", b"/2", b"/3", b"/4"]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_upgrades_not_taken_do_not_flood_the_log(protocol_class: type[Any]) -> None:
    # uvicorn said two warnings for every request asking for an upgrade it does not take (h2c,
    # or a WebSocket without a library), which a client sends on and on over one connection.
    upgrade = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    events, logs = serve(protocol_class, echo, [upgrade, 0.01, upgrade, 0.01, upgrade])
    assert sum(isinstance(event, bytes) and b"HTTP/1.1 200 OK" in event for event in events) == 3
    assert logs[0] == "Unsupported upgrade request."
    assert len(logs) <= 2 and all("upgrade" in line or "WebSocket" in line for line in logs)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailer_fields_are_not_request_headers(protocol_class: type[Any]) -> None:
    # httptools reports a chunked body's trailer fields as it does headers, and uvicorn added
    # them to the request's: after the proxy in front checked the head, and without bound (a
    # tuple a line, for as long as the body may take). An ``x-forwarded-for`` there, the last
    # of its name, was the one --proxy-headers believed. Trailers are dropped, as on h11.
    headers: list[list[str]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await echo(scope, receive, send)
        headers.append([name.decode() for name, _ in scope["headers"]])

    head = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
    trailers = b"x-forwarded-for: 6.6.6.6\r\nhost: evil\r\n" + b"x-t: 1\r\n" * 1000
    events, _ = serve(protocol_class, app, [head + b"2\r\n{}\r\n0\r\n" + trailers + b"\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n")
    assert headers == [["host", "transfer-encoding"]]


def test_many_requests_pipelined_behind_upgrades_not_taken_are_parsed_in_a_loop() -> None:
    # Each request asking for an upgrade stops httptools; what follows it in the read is parsed
    # again from there: in a loop, not a call deeper each (a read of such small requests, a
    # few thousand, was a RecursionError), and from a view, not a copy of the rest each.
    upgrade = b"GET /u HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    count = 1500
    # (ws="none": with a WebSocket library installed uvicorn gives no advice to install one)
    events, logs = serve(server_module.HttpToolsProtocol, echo, [upgrade * count], ws="none")
    answered = b"".join(event for event in events if isinstance(event, bytes))
    assert answered.count(b"HTTP/1.1 200 OK\r\n") == count
    assert logs[:2] == ["Unsupported upgrade request.", _NO_WEBSOCKETS] and len(logs) == 2


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_bytes_after_a_request_with_two_framings_are_not_parsed(protocol_class: type[Any]) -> None:
    # Over TLS a connection still gets what comes before its shutdown: on h11 the body of the
    # refused request was parsed then, for a request never started (an AttributeError).
    head = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n"
    events, _ = serve(protocol_class, echo, [head, b"5\r\nhello\r\n0\r\n\r\n"])
    assert events[-1] == "close" and len(wire(events)) == 2
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_a_body_after_an_upgrade_refused_is_never_parsed() -> None:
    # Refused from its head, the connection closes; over TLS what comes before the shutdown
    # still reaches the protocol: the body, parsed as a request, ran (its answer dropped).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    upgrade = b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
    head = upgrade + b"content-length: %d\r\n\r\n" % len(HIDDEN)
    events, _ = serve(server_module.HttpToolsProtocol, app, [head, HIDDEN])
    assert seen == [] and events[-1] == "close"
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_answer_before_the_body_came_says_the_connection_closes(
    protocol_class: type[Any],
) -> None:
    # Answered from its head (a 413), the rest of the body unread: the connection closes after
    # the answer, on either parser; on h11 the answer did not say so (a client could send its
    # next request on it, to have it dropped).
    async def refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    events, _ = serve(protocol_class, refuse, [post(b"0123456789")[:-7]])
    head = first_write(wire(events)).partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413 ") and b"\r\nconnection: close" in head
    assert events[-1] == "close"


@pytest.mark.parametrize(
    ("upgrade", "reason"),
    [
        (b"h2c", H2C_REFUSED),  # curl --http2 to http://
        (b"HTTP/2.0, h2c", H2C_REFUSED),
        (b"websocket", "an upgrade with a request body is not supported: send it without one"),
    ],
    ids=["h2c", "http2-and-h2c", "websocket"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_an_upgrade_with_a_body_is_refused_saying_what_to_send_on_either_parser(
    protocol_class: type[Any], upgrade: bytes, reason: str
) -> None:
    # httptools refused it saying "request body with an upgrade not served" (what to do
    # instead, unsaid); h11 served it. Refused on both, saying what to send; without a body,
    # served on both (`test_requests_pipelined_behind_an_upgrade_not_taken_are_answered`).
    head = b"POST / HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\n"
    head += b"upgrade: %b\r\nhttp2-settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n" % upgrade
    head += b"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n"
    events, _ = serve(protocol_class, echo, [head + b"content-length: 2\r\n\r\n{}"], ws="none")
    answer, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": reason}


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


@pytest.mark.parametrize("loose", LOOSE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_head_httptools_refuses_is_refused_on_h11_too(
    protocol_class: type[Any], loose: str
) -> None:
    # h11 served each (unfolded, its lengths merged, its trailers dropped); httptools refused
    # it. Refused on both, each answered alike: 400 with a JSON reason, closed (a body before
    # its trailers has reached the app on either parser, its answer never sent).
    events, got_body = refused_whole(protocol_class, LOOSE[loose])
    assert (not got_body or "trailer" in loose) and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


#: What RFC 9112 has a server take, taken on both parsers alike (kept so by the checks above).
TAKEN = {
    "chunk-extension": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2;a=b\r\n{}\r\n0\r\n\r\n"
    ),
    "trailer": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\nx-a: b\r\n\r\n"
    ),
    "coding-in-capitals": (  # (RFC 9112, 7: a coding's name is case-insensitive)
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ),
    "zeros-before-a-chunk-size": (
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        b"00000000000000000002\r\n{}\r\n0\r\n\r\n"
    ),
    "tab-in-value": b"POST / HTTP/1.1\r\nhost: x\r\nx-a: a\tb\r\ncontent-length: 2\r\n\r\n{}",
    "length-in-capitals": b"POST / HTTP/1.1\r\nhost: x\r\nContent-Length: 2\r\n\r\n{}",
    "patch": b"PATCH / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("request_bytes", TAKEN.values(), ids=TAKEN.keys())
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_what_a_server_must_take_is_served_on_either_parser(
    protocol_class: type[Any], request_bytes: bytes
) -> None:
    events, _ = serve(protocol_class, echo, [request_bytes])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "{}"


@pytest.mark.parametrize(
    "codings",
    [b"gzip, chunked", b"gzip\r\ntransfer-encoding: chunked", b"deflate ,chunked"],
    ids=["gzip-chunked", "two-fields", "deflate-chunked"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_transfer_coding_but_chunked_is_refused_on_either_parser(
    protocol_class: type[Any], codings: bytes
) -> None:
    # httptools went by the last coding (chunked) and handed the app the body still gzipped;
    # h11 refused it. RFC 9112, 6.1: a coding the server does not know is refused (400 here,
    # as h11 answered, with a JSON reason), the body never the app's.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: %b\r\n\r\n" % codings
    events, got_body = refused_whole(protocol_class, request + b"2\r\n\x1f\x8b\r\n0\r\n\r\n")
    assert not got_body and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


#: Chunk-size lines httptools refused and h11 took (it took anything after a ";" but an LF),
#: and those both take: chunk extensions are read alike (a proxy in front reading one as h11
#: did, the other as httptools did, would see different bodies in the same bytes).
CHUNK_LINES = {
    b";": 400,
    b";a;": 400,
    b";a=b;": 400,
    b"; a=b": 400,
    b";a =b": 400,
    b";a=b c": 400,
    b";a=b=c": 400,
    b';a="x"y': 400,
    b';a="unended': 400,
    b";a=\x01": 400,
    b";a=b\rc": 400,
    b";a=\xff": 400,
    b';a="\x01"': 400,
    b";a": 200,
    b";a=b;c=d": 200,
    b';a="q x\\"y"': 200,
    b';a="\xff"': 200,
    b";a=": 200,
}


@pytest.mark.parametrize(
    "extension", CHUNK_LINES, ids=[repr(extension)[2:-1] for extension in CHUNK_LINES]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_chunk_extensions_are_read_alike_on_either_parser(
    protocol_class: type[Any], extension: bytes
) -> None:
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
    request += b"2%b\r\n{}\r\n0\r\n\r\n" % extension
    events, _ = refused_whole(protocol_class, request)
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % CHUNK_LINES[extension]), head
    if CHUNK_LINES[extension] == 400:
        assert json.loads(body) == {"error": "invalid HTTP request"} and events[-1] == "close"


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunk_size_line_ended_by_a_bare_lf_is_refused_at_once_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # httptools refused it as it came; h11 waited for a CRLF that never comes (until the
    # Skill's body deadline, 408), the bytes after it piling up.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n2\n{}"
    events, got_body = refused_whole(protocol_class, request)
    assert not got_body and events[-1] == "close", events
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize("loose", ["length-in-trailers", "chunk-size-space"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_the_serve_harness_sees_a_request_refused_mid_body_end(
    protocol_class: type[Any], loose: str
) -> None:
    # `serve` waited 30 s for the task of a request refused from its body's bytes (its app
    # waiting for the rest of a body, the connection closed but never reported lost), then
    # failed, unless the caller passed lose=True.
    events, logs = serve(protocol_class, echo, [LOOSE[loose]])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert wire(events)[-1] == "close" and logs == ["Invalid HTTP request received."]


_CHUNKED_HEAD = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
_FIELD = b"x-t: " + b"a" * 1000 + b"\r\n"
_NEXT = b"GET /next HTTP/1.1\r\nhost: x\r\n\r\n"
#: Chunked bodies whose trailers, or a chunk's size line, never end or take over 16 KiB, as
#: reads; the status and reason each is refused with.
OVER_LIMIT: dict[str, tuple[Feed, int, str]] = {
    "trailers-in-reads": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\n", *[_FIELD] * 40, b"\r\n" + _NEXT],
        431,
        "request trailers over 16384 bytes",
    ),
    "trailers-in-one-read": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\n" + _FIELD * 200 + b"\r\n" + _NEXT],
        431,
        "request trailers over 16384 bytes",
    ),
    "endless-trailer": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40],
        431,
        "request trailers over 16384 bytes",
    ),
    "endless-chunk-extension": (
        [_CHUNKED_HEAD + b"2;e=", *[b"a" * 1000] * 40],
        400,
        "a chunk size line over 16384 bytes",
    ),
}


@pytest.mark.parametrize("case", OVER_LIMIT)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailers_or_a_chunk_line_past_the_limit_are_refused_alike_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    # httptools took trailers of any size (dropped them, and served the request), and held a
    # trailer field that never ends, all of it, in memory; and a chunk's extensions that never
    # end kept the connection for as long as the client liked. h11 refused those it buffered
    # past 16 KiB (400, its reason "invalid HTTP request") and served those that came in one
    # read. Now both refuse them as a head past the limit is: a JSON reason, closed, nothing
    # after it answered.
    feed, status, reason = OVER_LIMIT[case]
    events, logs = serve(protocol_class, echo, feed)
    joined = wire(events)
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert json.loads(body) == {"error": reason}
    assert joined[-1] == "close" and len(joined) == 2, joined
    assert logs == ["Invalid HTTP request received."]  # (uvicorn's line, on either parser)


async def _answers_first(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An app that starts its answer before it reads the body, then reads it all."""
    headers = [(b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_endless_trailers_are_bounded_while_the_answer_is_under_way(
    protocol_class: type[Any],
) -> None:
    # An app that starts its answer before it reads the body: on httptools the trailers were
    # counted only until the answer began, then held without a bound again. The connection
    # closes (the app's task ends: `serve` waits for it), as on h11.
    feed = [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40]
    events, _ = serve(protocol_class, _answers_first, feed)
    assert wire(events)[-1] == "close", events


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_body_refused_once_its_answer_began_closes_without_a_second_answer(
    protocol_class: type[Any],
) -> None:
    # The parser refused bytes of a body whose answer had begun (the app answers before it
    # reads): the refusal's status line went out inside that answer, read by the client as
    # the answer's body. The answer under way is cut off by the close, with nothing after it.
    for bad in ([b"2\r\n{}\r\nzz\r\n"], [b"2\r\n{}\r\n0\r\nx-t: ", b"a" * 20000]):
        events, _ = serve(protocol_class, _answers_first, [_CHUNKED_HEAD, *bad])
        joined = wire(events)
        assert joined[-1] == "close", joined
        assert b"".join(e for e in joined if isinstance(e, bytes)).count(b"HTTP/1.1") == 1


@pytest.mark.parametrize(
    "length", [b"18446744073709551616", b"99999999999999999999", b"0018446744073709551616"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_content_length_past_64_bits_is_refused_on_either_parser(
    protocol_class: type[Any], length: bytes
) -> None:
    # httptools refuses a length past 2**64 - 1 (as a chunk's size past it, on both); h11 took
    # it and waited for that body. Refused alike: 400 with a JSON reason, closed.
    request = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: %b\r\n\r\n{}" % length
    events, got_body = refused_whole(protocol_class, request)
    assert not got_body and events[-1] == "close", events
    head, _, body = first_write(events).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}


def test_a_body_refused_while_its_answers_head_is_held_gets_the_refusal_in_its_place() -> None:
    # An Exchange holds a response's head until its first body (or the loop's next turn): the
    # parser may refuse bytes of the body before that turn (uvloop reads the socket before it
    # runs the callbacks the app's turn queued). Nothing of the answer went out then: the
    # refusal goes in its place, and the held head never after it.
    protocols: list[Any] = []

    async def answers_first(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        protocols[0].data_received(b"zz\r\n")  # a bad chunk size, read before the head's flush
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.body", "body": b"ok"})

    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(server_module.HttpToolsProtocol, answers_first)
        protocols.append(protocol)
        protocol.data_received(_CHUNKED_HEAD)
        for _ in range(100):
            await settle()
            if transport.closing and protocol.cycle.ended:
                break
        return transport.events

    joined = wire(asyncio.run(asyncio.wait_for(scenario(), 30)))
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), joined
    assert json.loads(body) == {"error": "invalid HTTP request"}
    assert joined[-1] == "close" and len(joined) == 2, joined


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunked_body_of_many_small_chunks_each_line_a_read_of_its_own_is_served(
    protocol_class: type[Any],
) -> None:
    # Each chunk's size line (with an extension) comes in a read of its own, its data in the
    # next: over 16 KiB of size lines in all, but never 16 KiB without body bytes between them,
    # which is all the bound on a chunk's line counts (`_bound_framing`).
    feed: list[bytes | float] = [_CHUNKED_HEAD]
    for _ in range(1100):
        feed += [b"1;ext=abcdefgh\r\n", b"a\r\n"]  # 16 bytes of size line, then its data
    feed.append(b"0\r\n\r\n")
    events, logs = serve(protocol_class, echo, feed)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "a" * 1100
    assert logs == [], logs  # (no "Invalid HTTP request received.")


#: A trailer field that never ends, sent in the read that brings the body's last bytes (with
#: its head, or after it): ~200 KiB, a read's worth, past the 16 KiB bound on trailers.
ENDLESS_TRAILER_READ = {
    "with-the-head": [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: " + b"a" * 200_000],
    "after-the-head": [_CHUNKED_HEAD, b"2\r\n{}\r\n0\r\nx-t: " + b"a" * 200_000],
    "after-complete-fields": [
        _CHUNKED_HEAD,
        b"2\r\n{}\r\n0\r\n" + _FIELD * 10 + b"x-t: " + b"a" * 8000,
    ],
}


@pytest.mark.parametrize("case", ENDLESS_TRAILER_READ)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_trailers_past_the_limit_in_the_read_of_the_bodys_end_are_refused_at_once(
    protocol_class: type[Any], case: str
) -> None:
    # On httptools the read that brought the body's last bytes was never counted: the field
    # it began, held by httptools, could take that whole read (up to 256 KiB), unanswered.
    # Refused at once now, as on h11: 431 with a JSON reason, closed (the client still there).
    events, logs = serve(protocol_class, echo, ENDLESS_TRAILER_READ[case], lose=True)
    joined = wire(events)
    head, _, body = first_write(joined).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 "), joined
    assert json.loads(body) == {"error": "request trailers over 16384 bytes"}
    assert joined[-1] == "close" and len(joined) == 2, joined
    assert logs == ["Invalid HTTP request received."]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_chunk_of_data_without_line_ends_is_no_trailer(protocol_class: type[Any]) -> None:
    # A chunk's data past the limit, in one read with its size line, with no LF in it, and
    # the rest of the body after: data, never counted as the trailers' bytes.
    data = b"a" * 40_000
    feed = [_CHUNKED_HEAD + b"%x\r\n" % len(data) + data[:30_000], data[30_000:] + b"\r\n0\r\n\r\n"]
    events, logs = serve(protocol_class, echo, feed)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == data.decode()
    assert logs == [], logs


def test_a_chunked_request_is_not_kept_after_its_body_came() -> None:
    # A chunk's size line in a read of its own (no body in it: counted, `_bound_framing`) kept
    # its request's exchange, and the check of its codings its scope, with what the app put
    # there, for the connection's life. Gone once its body came, as any request's after the
    # next one.
    import gc
    import weakref

    class Marker:
        pass

    kept: list[weakref.ref[Marker]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        marker = scope["marker"] = Marker()
        kept.append(weakref.ref(marker))
        await echo(scope, receive, send)

    async def scenario() -> None:
        protocol, _ = await connect(server_module.HttpToolsProtocol, app)
        for part in (_CHUNKED_HEAD, b"2\r\n", b"{}\r\n0\r\n\r\n", _NEXT):
            protocol.data_received(part)
            await settle()
        if protocol.tasks:
            await asyncio.wait(list(protocol.tasks), timeout=30)
        gc.collect()
        assert len(kept) == 2 and kept[1]() is not None  # (the last request's: still the cycle)
        assert kept[0]() is None, "the first request's scope is still held"
        protocol.connection_lost(None)

    asyncio.run(scenario())


#: Numbers with zeros before them, past the 20 digits h11 took (RFC 9112: a Content-Length is
#: 1*DIGIT, a chunk's size 1*HEXDIG, of any number of digits), a request answered after each.
LEADING_ZEROS = {
    "content-length": b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: %b2\r\n\r\n{}" % (b"0" * 30),
    "content-length-in-capitals": (
        b"POST / HTTP/1.1\r\nhost: x\r\nContent-Length:\t%b2\r\n\r\n{}" % (b"0" * 30)
    ),
    "chunk-size": _CHUNKED_HEAD + b"%b2\r\n{}\r\n0\r\n\r\n" % (b"0" * 30),
    "last-chunk": _CHUNKED_HEAD + b"2\r\n{}\r\n%b\r\n\r\n" % (b"0" * 30),
    "last-chunk-extension": _CHUNKED_HEAD + b"2\r\n{}\r\n%b;a=b\r\n\r\n" % (b"0" * 30),
}


@pytest.mark.parametrize("case", LEADING_ZEROS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_zeros_before_a_length_or_a_chunk_size_are_read_alike_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    # httptools read them; h11 refused a length or a chunk's size past 20 digits (400): the
    # same bytes served on one parser and refused on the other. Read alike now, as the number
    # they spell, and the request after them is the next request on both.
    events, logs = serve(protocol_class, echo, [LEADING_ZEROS[case] + _NEXT])
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [a.partition(b"\r\n")[0] for a in answers] == [b"200 OK"] * 2, answers
    assert json.loads(answers[0].partition(b"\r\n\r\n")[2])["body"] == "{}"
    assert json.loads(answers[1].partition(b"\r\n\r\n")[2])["path"] == "/next"
    assert logs == [], logs


#: Valid chunked bodies of over 16 KiB whose read ends after the last chunk's size line, or
#: in a trailer field, the rest coming in the next read: only what follows that size line is
#: trailer bytes, never the head, the chunks before it, nor their data's CRs and LFs.
BODY_THEN_TRAILERS = {
    "many-small-chunks": [_CHUNKED_HEAD + b"1\r\na\r\n" * 4000 + b"0\r\n", b"x: y\r\n\r\n"],
    "data-of-line-ends": [
        _CHUNKED_HEAD + b"4000\r\n" + b"\r\n" * 0x2000 + b"\r\n0\r\nx-t: " + b"a" * 5000,
        b"a" * 5000 + b"\r\n\r\n",
    ],
    "after-the-head": [
        _CHUNKED_HEAD,
        b"4e20\r\n" + b"\n" * 20_000 + b"\r\n0\r\n" + _FIELD * 5 + b"x-u: b",
        b"b" * 5000 + b"\r\n\r\n" + _NEXT,
    ],
}


@pytest.mark.parametrize("case", BODY_THEN_TRAILERS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, ids=["h11", "httptools"])
def test_a_large_body_in_the_read_of_its_last_chunk_is_not_counted_as_trailers(
    protocol_class: type[Any], case: str
) -> None:
    # The bound on trailers in the read that brings the last chunk's size line counts what
    # follows that line in the read; counting more (the read's body bytes) refused these.
    events, logs = serve(protocol_class, echo, BODY_THEN_TRAILERS[case])
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert answers and all(a.startswith(b"200 OK\r\n") for a in answers), answers
    assert len(answers) == (2 if case == "after-the-head" else 1), answers
    body = json.loads(answers[0].partition(b"\r\n\r\n")[2])["body"]
    assert len(body) == {"many-small-chunks": 4000, "data-of-line-ends": 0x4000}.get(case, 20_000)
    assert logs == [], logs

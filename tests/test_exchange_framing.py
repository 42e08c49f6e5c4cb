"""`alexaskill.exchange`: how a request's bytes are framed, alike on both of alexaskill's
parsers (h11 and httptools): lengths and transfer codings, line ends and folded lines, upgrades
not taken, and requests that would smuggle another past a proxy in front (chunks and trailers:
tests/test_exchange_framing_chunks.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from alexaskill.server_limits import _NO_WEBSOCKETS
from tests.exchange_framing_shared import LOOSE, refused_whole
from tests.exchange_harness import echo, post, serve, wire
from tests.server_protocols import PROTOCOLS, first_write, on_httptools

pytestmark = pytest.mark.oldest_dependencies

#: A request framed two ways (RFC 9112, 6.3): a proxy in front that goes by the length would
#: see one request, body and all; a server that goes by the chunks sees a second one in it.
SMUGGLED = (
    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 40\r\ntransfer-encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n"
)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_upgrades_not_taken_do_not_flood_the_log(protocol_class: type[Any]) -> None:
    # uvicorn said two warnings for every request asking for an upgrade it does not take (h2c,
    # or a WebSocket without a library), which a client sends on and on over one connection.
    upgrade = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    events, logs = serve(protocol_class, echo, [upgrade, 0.01, upgrade, 0.01, upgrade])
    assert sum(isinstance(event, bytes) and b"HTTP/1.1 200 OK" in event for event in events) == 3
    assert logs[0] == "Unsupported upgrade request."
    assert len(logs) <= 2 and all("upgrade" in line or "WebSocket" in line for line in logs)


def test_many_requests_pipelined_behind_upgrades_not_taken_are_parsed_in_a_loop() -> None:
    # Each request asking for an upgrade stops httptools; what follows it in the read is parsed
    # again from there: in a loop, not a call deeper each (a read of such small requests, a
    # few thousand, was a RecursionError), and from a view, not a copy of the rest each.
    upgrade = b"GET /u HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n"
    count = 1500
    # (ws="none": with a WebSocket library installed uvicorn gives no advice to install one)
    events, logs = serve(on_httptools(), echo, [upgrade * count], ws="none")
    answered = b"".join(event for event in events if isinstance(event, bytes))
    assert answered.count(b"HTTP/1.1 200 OK\r\n") == count
    assert logs[:2] == ["Unsupported upgrade request.", _NO_WEBSOCKETS] and len(logs) == 2


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
    events, _ = serve(on_httptools(), app, [head, HIDDEN])
    assert seen == [] and events[-1] == "close"
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize("loose", LOOSE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize(
    "length", [b"18446744073709551616", b"99999999999999999999", b"0018446744073709551616"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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

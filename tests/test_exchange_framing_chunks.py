"""`alexaskill.exchange`: how a chunked body's bytes are framed, alike on both of alexaskill's
parsers (h11 and httptools): chunk-size lines and extensions, trailers and their limit, a body
refused once its answer began, and zeros before a length or a chunk's size (lengths, line ends,
upgrades and smuggling: tests/test_exchange_framing.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.exchange_framing_shared import LOOSE, refused_whole
from tests.exchange_harness import Feed, echo, serve, wire
from tests.server_protocols import PROTOCOLS, connect, first_write, on_httptools, settle

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
        "request trailers over 16,384 bytes",
    ),
    "trailers-in-one-read": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\n" + _FIELD * 200 + b"\r\n" + _NEXT],
        431,
        "request trailers over 16,384 bytes",
    ),
    "endless-trailer": (
        [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40],
        431,
        "request trailers over 16,384 bytes",
    ),
    "endless-chunk-extension": (
        [_CHUNKED_HEAD + b"2;e=", *[b"a" * 1000] * 40],
        400,
        "a chunk size line over 16,384 bytes",
    ),
}


@pytest.mark.parametrize("case", OVER_LIMIT)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_endless_trailers_are_bounded_while_the_answer_is_under_way(
    protocol_class: type[Any],
) -> None:
    # An app that starts its answer before it reads the body: on httptools the trailers were
    # counted only until the answer began, then held without a bound again. The connection
    # closes (the app's task ends: `serve` waits for it), as on h11.
    feed = [_CHUNKED_HEAD + b"2\r\n{}\r\n0\r\nx-t: ", *[b"a" * 1000] * 40]
    events, _ = serve(protocol_class, _answers_first, feed)
    assert wire(events)[-1] == "close", events


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
        protocol, transport = await connect(on_httptools(), answers_first)
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


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
    assert json.loads(body) == {"error": "request trailers over 16,384 bytes"}
    assert joined[-1] == "close" and len(joined) == 2, joined
    assert logs == ["Invalid HTTP request received."]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
        protocol, _ = await connect(on_httptools(), app)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
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

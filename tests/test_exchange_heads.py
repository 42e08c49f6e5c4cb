"""`alexaskill.exchange`: request heads, read alike on both of alexaskill's parsers (h11 and
httptools): the request line, the Host, the header fields; what is refused (400 with a JSON
reason), and the log of refusals. The request's target: test_exchange_targets.py."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from tests.exchange_harness import echo, post, serve, wire
from tests.server_protocols import PROTOCOLS, Transport, first_write, on_httptools, settle

pytestmark = pytest.mark.oldest_dependencies

HOSTS = {
    "none": b"POST / HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}",
    "two": b"POST / HTTP/1.1\r\nhost: a\r\nhost: b\r\ncontent-length: 2\r\n\r\n{}",
    "two-http-1.0": b"POST / HTTP/1.0\r\nhost: a\r\nhost: b\r\ncontent-length: 2\r\n\r\n{}",
}


@pytest.mark.parametrize("hosts", HOSTS)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_request_without_one_host_is_refused(protocol_class: type[Any], hosts: str) -> None:
    # RFC 9112, 3.2: an HTTP/1.1 request without a Host, or any with two, gets a 400. h11 did
    # so; httptools served it (which host is it for? a proxy in front and the app may differ).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [HOSTS[hosts]])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": "invalid HTTP request"}


@pytest.mark.parametrize("target", [b"/old", b"http://skill/old"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_http_1_0_request_needs_no_host(protocol_class: type[Any], target: bytes) -> None:
    # (Served by each protocol, not compared with uvicorn's: before 0.53 its answer to HTTP/1.0
    # did not say "connection: close", which the CI's run at the oldest uvicorn would see.)
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.0\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert (json.loads(body)["path"], json.loads(body)["http_version"]) == ("/old", "1.0")


def test_requests_the_parser_refuses_do_not_flood_the_log() -> None:
    # A line each, on httptools (the Dockerfile's): a flood of bad requests, a write each.
    config = Config(app=echo, lifespan="off", log_level="warning")
    config.load()
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    async def scenario() -> None:
        state = ServerState()
        for _ in range(5):  # five connections of one server, each sending garbage
            protocol = on_httptools()(config=config, server_state=state, app_state={})
            transport = Transport()
            transport.protocol = protocol
            protocol.connection_made(transport)
            protocol.data_received(b"NOT HTTP AT ALL\r\n\r\n")
            assert transport.events[-1] == "close"
            protocol.connection_lost(None)
            await settle()

    handler = Collect()
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        asyncio.run(scenario())
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    assert records == ["Invalid HTTP request received."]


@pytest.mark.parametrize(
    "line", [b"GET /x\r\n", b"GET /x HTTP/2.0\r\nhost: x\r\n", b"GET /x HTTP/0.9\r\n"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_request_of_another_http_version_is_refused(
    protocol_class: type[Any], line: bytes
) -> None:
    # Served, with an HTTP/1.1 answer and a scope saying "2.0" or "0.9" (ASGI knows neither).
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["http_version"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [line + b"\r\n"])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize(
    ("feed", "line", "options"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", "Invalid HTTP request received.", {}),
        (post(b"x"), "Exceeded concurrency limit.", {"limit_concurrency": 0}),
    ],
    ids=["invalid", "over-the-limit"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_flood_of_refused_requests_is_one_line_on_either_parser(
    protocol_class: type[Any], feed: bytes, line: str, options: dict[str, Any]
) -> None:
    # On h11 (a plain install's parser) uvicorn said each of these lines once a request: a
    # flood of bad requests, a log write each. Said once, as on httptools (`_say_rarely`).
    config = Config(app=echo, lifespan="off", log_level="warning", **options)
    config.load()
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    async def scenario() -> int:
        state, answered = ServerState(), 0
        for _ in range(5):  # five connections of one server
            protocol = protocol_class(config=config, server_state=state, app_state={})
            transport = Transport()
            transport.protocol = protocol
            protocol.connection_made(transport)
            protocol.data_received(feed)
            for _ in range(100):  # (the 503 comes from a task)
                await settle()
                if transport.events:
                    break
            answered += first_write(transport.events).startswith(b"HTTP/1.1 ")
            protocol.connection_lost(None)
            await settle()
        return answered

    handler = Collect()
    logging.getLogger("uvicorn.error").addHandler(handler)
    try:
        answered = asyncio.run(scenario())
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
    assert answered == 5
    assert records == [line]


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        (b"a\x1b[31mb", 400),  # an ESC: a terminal's colours, in whatever logs the value
        (b"a\x01b", 400),
        (b"a\x7fb", 400),
        (b"a\x0bb", 400),
        (b"a\tb", 200),
        (b"caf\xc3\xa9", 200),  # (obs-text, taken)
    ],
    ids=["esc", "soh", "del", "vt", "tab", "obs-text"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_control_character_in_a_header_value_is_refused_on_either_parser(
    protocol_class: type[Any], value: bytes, answer: int
) -> None:
    # httptools refused them (RFC 9110, 5.5: no control but HTAB); h11 handed them to the app.
    request = b"GET / HTTP/1.1\r\nhost: x\r\nuser-agent: %b\r\n\r\n" % value
    events, _ = serve(protocol_class, echo, [request])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 %d " % answer)


def test_h11_reads_heads_as_it_does_itself_where_its_buffer_is_not_the_one_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The strict reading of a head's bytes goes through h11's private receive buffer: if a
    # release of h11 changes it, the connection keeps h11's own buffer and a valid request is
    # still read (only the checks of the raw bytes are lost), never every request refused.
    import h11

    import alexaskill.server_h11 as server_h11

    head = b"POST /alexa HTTP/1.1\r\nhost: skill\r\ncontent-length: 2\r\n\r\n{}"
    for strict in (True, False):
        monkeypatch.setattr(server_h11, "_STRICT_READ", strict)
        connection = h11.Connection(h11.SERVER)
        server_h11._OneFraming.adopt(connection)
        assert (type(connection._receive_buffer) is server_h11._StrictBuffer) is strict
        connection.receive_data(head)
        request = connection.next_event()
        assert type(request) is h11.Request and request.target == b"/alexa"
        assert connection.next_event() == h11.Data(data=b"{}")


#: Empty lines before a request line (RFC 9112, 2.2: a server SHOULD ignore at least one):
#: httptools skipped any run of CR and LF there; h11 refused them (400), a CRLF after a
#: keep-alive request's body, as some clients send, too. Each with the paths answered.
BLANK_LINES_BEFORE = {
    "crlf": ([b"\r\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "crlfs": ([b"\r\n\r\n\r\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "lf": ([b"\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n"], ["/a"]),
    "between-pipelined": (
        [b"GET /a HTTP/1.1\r\nhost: x\r\n\r\n\r\nGET /b HTTP/1.1\r\nhost: x\r\n\r\n"],
        ["/a", "/b"],
    ),
    "after-a-body": ([post(b"{}", path="/a") + b"\r\n", post(b"{}", path="/b")], ["/a", "/b"]),
    "split-between-reads": (
        [b"GET /a HTTP/1.1\r\nhost: x\r\n\r\n\r", b"\nGET /b HTTP/1.1\r\nhost: x\r\n\r\n"],
        ["/a", "/b"],
    ),
}


@pytest.mark.parametrize("case", BLANK_LINES_BEFORE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_empty_lines_before_a_request_line_are_ignored_on_either_parser(
    protocol_class: type[Any], case: str
) -> None:
    feed, paths = BLANK_LINES_BEFORE[case]
    events, logs = serve(protocol_class, echo, feed)
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"200 OK"] * len(paths)
    assert [json.loads(answer.partition(b"\r\n\r\n")[2])["path"] for answer in answers] == paths
    assert logs == []


#: Host values (RFC 9112, 3.2: an invalid one is answered 400) and the answer to each.
HOST_VALUES = {
    b"skill.example.com": 200,
    b"skill.example.com:8443": 200,
    b"127.0.0.1:80": 200,
    b"[::1]:8080": 200,
    b"[v1.fe80::a+en1]": 200,  # (RFC 3986's IPvFuture)
    b"xn--caf-dma.example": 200,
    b"a%2Db": 200,
    b"": 200,  # (RFC 9110, 7.2: a target of no authority)
    b"a b": 400,
    b"a/b": 400,
    b"user@skill": 400,
    b"skill:80a": 400,
    b"a:b:c": 400,
    b"[::1": 400,
    b"caf\xc3\xa9.example": 400,  # (a name not in its ASCII form)
    b"a%zz": 400,
    b"skill?x": 400,
}


@pytest.mark.parametrize("host", HOST_VALUES, ids=[h.decode("latin-1") for h in HOST_VALUES])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_invalid_host_is_refused_on_either_parser(
    protocol_class: type[Any], host: bytes
) -> None:
    # Both parsers served a Host of a space, a user or a path; RFC 9112, 3.2: a 400.
    events, _ = serve(protocol_class, echo, [b"GET /a HTTP/1.1\r\nhost: %b\r\n\r\n" % host])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % HOST_VALUES[host]), head
    if HOST_VALUES[host] == 400:
        assert json.loads(body) == {"error": "invalid HTTP request"} and events[-1] == "close"
    else:
        assert json.loads(body)["path"] == "/a"


#: Request lines of more than one space between their parts, and the answer to each: httptools
#: took runs of spaces between the method, the target and the version (RFC 9112, 3: a server
#: MAY parse on whitespace); h11 refused them (400). Leading or trailing ones refused on both.
SPACED_LINES = {
    b"GET  /a HTTP/1.1": 200,
    b"GET /a  HTTP/1.1": 200,
    b"GET   /a   HTTP/1.1": 200,
    b" GET /a HTTP/1.1": 400,
    b"GET /a HTTP/1.1 ": 400,
    b"GET\t/a HTTP/1.1": 400,
}


@pytest.mark.parametrize("line", SPACED_LINES, ids=[line.decode() for line in SPACED_LINES])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_runs_of_spaces_in_a_request_line_are_read_alike_on_either_parser(
    protocol_class: type[Any], line: bytes
) -> None:
    request = line + b"\r\nhost: x\r\nx-a: two  spaces\r\n\r\n"
    events, _ = serve(protocol_class, echo, [request, request.lstrip()])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % SPACED_LINES[line]), head
    if SPACED_LINES[line] == 200:  # (the next request's answer follows: the first's body)
        answer = json.loads(body.split(b"HTTP/1.1 ")[0])
        assert answer["path"] == "/a" and ["x-a", "two  spaces"] in answer["headers"]
        assert body.count(b"HTTP/1.1 200 OK") == 1


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_hosts_a_client_sent_first_do_not_keep_the_skills_own_from_its_quick_check(
    protocol_class: type[Any],
) -> None:
    # The Host values found valid are kept (64 at most) so that a request's costs a look-up,
    # not the grammar's match. Once 64 others had come (a scanner's or a client's, in any
    # order), no value was kept again: the skill's own Host was matched at every request for
    # as long as the server ran. Now the values kept make room for those that come since.
    from alexaskill.server_target import VALID_HOSTS, invalid_host

    kept = dict(VALID_HOSTS)
    try:
        VALID_HOSTS.clear()
        for n in range(64):
            assert not invalid_host(b"scan-%d.example" % n)
        host = b"skill.example.com:443"
        request = b"GET /a HTTP/1.1\r\nhost: %b\r\n\r\n" % host
        events, _ = serve(protocol_class, echo, [request])
        assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n")
        assert host in VALID_HOSTS
        assert len(VALID_HOSTS) <= 64
    finally:
        VALID_HOSTS.clear()
        VALID_HOSTS.update(kept)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_header_names_and_values_reach_the_app_alike_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # Every header of a request goes through the protocol's own `on_header` on httptools
    # (uvicorn's replaced, for Expect): names lowercased, a value's trailing spaces and tabs
    # dropped (llhttp keeps them), as uvicorn did and as h11 does. No test saw either.
    request = post(b"{}", "X-Mixed-Case: Kept As Sent \t", "Accept:  application/json  ")
    events, logs = serve(protocol_class, echo, [request])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["headers"] == [
        ["host", "x"],
        ["content-length", "2"],
        ["x-mixed-case", "Kept As Sent"],
        ["accept", "application/json"],
    ]
    assert logs == [], logs

"""`alexaskill.exchange` on both of alexaskill's parsers (h11 and httptools): each request in a
fresh context, as on uvicorn; the 503 past the concurrency limit and refused requests (on a
stopping server, pipelined behind others); an app mounted beside a skill that raises; HTTP/1.0,
responses with and without a length, a 304, and ``Expect`` headers. (Split from
tests/test_exchange.py, whose scenarios mostly compare alexaskill's protocol with uvicorn's.)
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
from typing import Any

import pytest
from uvicorn.config import Config

from tests.conftest import SKILL_ID
from tests.exchange_harness import App, echo, post, serve, wire
from tests.server_protocols import PROTOCOLS, connect, first_write, settle

pytestmark = pytest.mark.oldest_dependencies


REQUEST_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("request_path", default="")


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_each_request_starts_in_a_fresh_context_as_on_uvicorn(protocol_class: type[Any]) -> None:
    # uvicorn before 0.45 (pyproject's floor is 0.42) ran every request in a fresh context,
    # without an option; later ones do so with ``reset_contextvars``. alexaskill's httptools
    # protocol read that option and, where it was missing, ran a pipelined request in the
    # context of the one before it: one request's context variables (a user, a trace) seen
    # by the next client's.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(REQUEST_PATH.get())
        REQUEST_PATH.set(scope["path"])
        await echo(scope, receive, send)

    options: dict[str, Any] = {}
    if "reset_contextvars" in inspect.signature(Config).parameters:
        options["reset_contextvars"] = True
    events, _ = serve(
        protocol_class, app, [post(b"x", path="/first") + post(b"y", path="/second")], **options
    )
    assert b"".join(e for e in events if isinstance(e, bytes)).count(b"HTTP/1.1 200") == 2
    assert seen == ["", ""]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_past_the_concurrency_limit_the_503_has_a_json_reason(protocol_class: type[Any]) -> None:
    # As every refusal of alexaskill's (uvicorn's 503 is plain text), on either parser.
    events, logs = serve(protocol_class, echo, [post(b"x")], limit_concurrency=1)
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), head
    assert b"content-type: application/json" in head and b"connection: close" in head
    assert json.loads(body) == {"error": "over the server's concurrency limit"}
    assert logs == ["Exceeded concurrency limit."] and events[-1] == "close"


@pytest.mark.parametrize(
    "refused",
    [
        b"CONNECT skill:443 HTTP/1.1\r\nhost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n",
    ],
    ids=["connect", "two-framings"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_the_server_stops_with_a_refused_request_on_a_connection(
    protocol_class: type[Any], refused: bytes
) -> None:
    # uvicorn's shutdown told h11 that such a connection closed, which h11 (a request
    # received, no response of its own sent) raised on: the server stopped with a traceback
    # (LocalProtocolError), its other connections and the lifespan's shutdown not seen to.
    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(protocol_class, echo)
        protocol.data_received(refused)
        await settle()
        protocol.shutdown()  # (as uvicorn's server does, stopping, to each connection)
        protocol.connection_lost(None)
        return transport.events

    events = asyncio.run(scenario())
    assert first_write(events).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert events[-1] == "close"


#: Requests refused from their head (400, closed), each pipelined behind good ones below.
REFUSED_BEHIND = {
    "target": b"GET ?a HTTP/1.1\r\nhost: x\r\n\r\n",
    "two-hosts": b"GET / HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n",
    "not-http": b"\x01\x02 nonsense\r\n\r\n",
    "h2c-with-body": (
        b"POST /x HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n"
        b"content-length: 2\r\n\r\n{}"
    ),
}


@pytest.mark.parametrize("refused", REFUSED_BEHIND)
@pytest.mark.parametrize("before", [1, 2], ids=["one-before", "two-before"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_refused_request_pipelined_behind_others_is_answered_after_them(
    protocol_class: type[Any], before: int, refused: str
) -> None:
    # On httptools the 400 went out at once, in place of the answers still due to the requests
    # before it (their handlers ran, their answers were never sent; the client read the 400
    # as the first request's answer). Answered in order, as on h11, then closed.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    good = b"".join(b"GET /r%d HTTP/1.1\r\nhost: x\r\n\r\n" % i for i in range(before))
    events, _ = serve(protocol_class, app, [good + REFUSED_BEHIND[refused]], ws="none")
    joined = wire(events)
    assert seen == [f"/r{i}" for i in range(before)] and joined[-1] == "close", joined
    answers = first_write(joined).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"200 OK"] * before + [
        b"400 Bad Request"
    ], answers
    assert [json.loads(a.partition(b"\r\n\r\n")[2])["path"] for a in answers[:-1]] == seen


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_app_mounted_beside_a_skill_that_raises_leaks_nothing_and_the_server_goes_on(
    protocol_class: type[Any],
) -> None:
    # Not the Skill's path: the host app's own 500 (Starlette's, plain text) is the answer, as
    # for any app uvicorn serves; the traceback goes to the log only, and the next connection
    # is served.
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route

    from alexaskill import Skill

    async def fails(request: Any) -> Any:
        raise RuntimeError("a secret of the handler's")

    skill = Skill(skill_id=SKILL_ID)
    other = Starlette(routes=[Route("/fails", fails)])
    app = Starlette(routes=[skill.mount("/alexa"), Mount("/other", app=other)])
    events, logs = serve(protocol_class, app, [b"GET /other/fails HTTP/1.1\r\nhost: x\r\n\r\n"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), answer
    assert answer.endswith(b"\r\n\r\nInternal Server Error") and b"secret" not in answer
    assert "Exception in ASGI application" in logs
    events, logs = serve(protocol_class, app, [b"GET /alexa/health HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n") and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_http_1_0_request_expecting_100_continue_gets_no_interim_answer(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0
    # request (a 1.0 client knows no interim answer: it reads "100 Continue" as the answer).
    # httptools (uvicorn's cycle, and alexaskill's) sent one; h11 did not.
    request = b"POST / HTTP/1.0\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n"
    events, _ = serve(protocol_class, echo, [request, b"{}"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"100 Continue" not in answer, answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["body"] == "{}"
    # (An HTTP/1.1 request still gets it.)
    events, _ = serve(protocol_class, echo, [request.replace(b"HTTP/1.0", b"HTTP/1.1"), b"{}"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def _streams(headers: list[tuple[bytes, bytes]]) -> App:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ab", "more_body": True})
        await send({"type": "http.response.body", "body": b"cd"})

    return app


@pytest.mark.parametrize(
    "headers", [[], [(b"transfer-encoding", b"chunked")]], ids=["no-length", "chunked-by-the-app"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_response_without_a_length_to_http_1_0_is_not_chunked(
    protocol_class: type[Any], headers: list[tuple[bytes, bytes]]
) -> None:
    # RFC 9112, 6.1: no Transfer-Encoding in a response to an HTTP/1.0 request (its client
    # reads the chunks' sizes as the body; nginx's proxy_pass speaks HTTP/1.0 by default).
    # httptools (uvicorn's cycle, and alexaskill's) chunked it; h11 sends it as it comes and
    # ends it by closing, as RFC 9112, 6.3 has it.
    events, logs = serve(protocol_class, _streams(headers), [b"GET / HTTP/1.0\r\n\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"transfer-encoding" not in head.lower()
    assert b"connection: close" in head.lower() and body == b"abcd" and logs == []
    assert wire(events)[-1] == "close"


@pytest.mark.parametrize("length_first", [True, False], ids=["length-first", "coding-first"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_response_with_a_length_and_chunked_goes_chunked_without_the_length(
    protocol_class: type[Any], length_first: bool
) -> None:
    # RFC 9112, 6.2: no Content-Length in a message with a Transfer-Encoding. httptools sent
    # both (a client going by the length reads the chunk sizes as the body, and the rest as
    # the next answer); h11 drops the length and chunks, as now on either parser.
    headers = [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")]
    app = _streams(headers if length_first else headers[::-1])
    events, logs = serve(protocol_class, app, [b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"content-length" not in head.lower()
    assert b"transfer-encoding: chunked" in head.lower(), head
    assert body == b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n" and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_304_with_the_length_of_the_body_it_stands_for_is_answered_without_an_error(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 8.6: a 304's Content-Length is the length the 200 would have had; it has no
    # body. httptools (uvicorn's cycle, and alexaskill's) took the length for its body's: the
    # empty body "shorter than Content-Length", an error logged, the connection closed.
    app = _streams([(b"content-length", b"4")])

    async def not_modified(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/next":
            await app(scope, receive, send)
            return
        headers = [(b"content-length", b"5"), (b"etag", b'"v1"')]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    request = b'GET / HTTP/1.1\r\nhost: x\r\nif-none-match: "v1"\r\n\r\n'
    events, logs = serve(
        protocol_class, not_modified, [request, request.replace(b"/", b"/next", 1)]
    )
    answers = first_write(wire(events)).split(b"HTTP/1.1 ")[1:]
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"304 Not Modified", b"200 OK"]
    assert answers[0].endswith(b"\r\n\r\n") and logs == []


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_expectation_but_100_continue_is_ignored_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # RFC 9110, 10.1.1: a server MAY answer 417 to an expectation it does not know; served
    # here, as by uvicorn, with no interim answer (the README's table says so).
    request = post(b"{}", "expect: 200-ok")
    events, logs = serve(protocol_class, echo, [request])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["body"] == "{}" and logs == []


@pytest.mark.parametrize("expect", [b"100-continue, x-a", b"x-a , 100-Continue"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_expect_that_lists_100_continue_gets_the_interim_answer_on_either_parser(
    protocol_class: type[Any], expect: bytes
) -> None:
    # RFC 9110, 10.1.1: Expect is a list. h11 found 100-continue in one; uvicorn's httptools
    # protocol took only a value of exactly that, and its client, waiting for the 100 before
    # sending its body, waited for nothing (curl: a second, then sends it anyway).
    head = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: %b\r\n\r\n" % expect
    events, logs = serve(protocol_class, echo, [head, b"{}"])
    answer = first_write(wire(events))
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2].partition(b"\r\n\r\n")[2])["body"] == "{}"
    assert logs == [], logs

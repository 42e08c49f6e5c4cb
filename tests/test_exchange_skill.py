"""`alexaskill.exchange` answers a Skill's POSTs without ASGI when their bodies are all there.

The same bytes go to uvicorn's own protocol (which always calls the app, through ASGI) and to
alexaskill's (which hands a whole body straight to the Skill's endpoint): the wire and the
logs must be the same. Each test also counts the requests that went through ASGI on
alexaskill's protocol (`_Endpoint.__call__`), so that a test cannot pass with the direct
answer never taken, nor with it taken where it must not be.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from alexaskill import Skill, speak
from alexaskill.server import HttpToolsProtocol
from alexaskill.testing import RequestFactory, TestPKI
from tests import exchange_harness
from tests.exchange_harness import DOCKER, Feed, same, serve, wire
from tests.missing import imported_or_skip
from tests.server_protocols import Transport

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture(autouse=True)
def _httptools() -> None:
    """Every test here needs httptools (alexaskill's protocol on it): skipped without it, failed
    under CI."""
    imported_or_skip("httptools", "the direct-answer tests")


PKI = TestPKI.default()
FACTORY = RequestFactory()


def make_skill(**options: Any) -> Skill:
    skill = Skill(skill_id=FACTORY.skill_id, **options)
    skill.verifier = PKI.verifier()

    @skill.launch
    def launch() -> Any:
        return speak("Welcome.")

    return skill


def signed(
    envelope: dict[str, Any] | None = None,
    *,
    tamper: bool = False,
    headers: tuple[str, ...] = ("content-type: application/json; charset=utf-8",),
    path: str = "/",
) -> bytes:
    """A POST of ``envelope`` (a fresh LaunchRequest) with Alexa's signature headers."""
    body = json.dumps(envelope or FACTORY.envelope("LaunchRequest")).encode()
    signature = [f"{name}: {value}" for name, value in PKI.sign(body).items()]
    if tamper:
        body = body.replace(b"LaunchRequest", b"LaunchRequesT")
    head = [f"POST {path} HTTP/1.1", "host: x", f"content-length: {len(body)}"]
    return ("\r\n".join([*head, *headers, *signature]) + "\r\n\r\n").encode() + body


# The fixture of tests/exchange_harness.py, this module's too (tests/deadline_shared.py says why
# not conftest's).
through_asgi = exchange_harness.through_asgi


def ours(skill: Skill, feed: Feed, **options: Any) -> list[bytes | str]:
    """``feed`` served by alexaskill's protocol alone."""
    events, _ = serve(HttpToolsProtocol, skill, feed, **options)
    return wire(events)


def statuses(events: list[bytes | str]) -> list[int]:
    """The statuses of the answers on the wire, in order (a body has no CRLF after it)."""
    text = b"".join(e for e in events if isinstance(e, bytes))
    return [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", text)]


def test_a_whole_body_is_answered_without_asgi_as_through_it(through_asgi: list[str]) -> None:
    skill = make_skill()
    ours(skill, [signed()], **DOCKER)  # the first request builds the app, through ASGI
    assert through_asgi == ["/"]
    feed = [
        signed(),
        signed(tamper=True),  # refused: the signature does not match
        signed(headers=("content-type: text/plain",)),  # 415
        signed() + signed(),  # pipelined
    ]
    through_asgi.clear()
    events, _ = serve(HttpToolsProtocol, skill, feed, **DOCKER)
    assert through_asgi == []
    assert statuses(wire(events)) == [200, 400, 415, 200, 200]
    through_asgi.clear()
    same(skill, feed, **DOCKER)  # uvicorn's protocol answers the same bytes, through ASGI
    assert len(through_asgi) == 5


def test_a_body_over_the_limit_is_refused_the_same(through_asgi: list[str]) -> None:
    skill = make_skill(max_body_size=200)
    ours(skill, [signed()], **DOCKER)
    body = json.dumps(FACTORY.envelope("LaunchRequest")).encode()
    chunked = (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b"transfer-encoding: chunked\r\n\r\n%x\r\n%b\r\n0\r\n\r\n" % (len(body), body)
    )
    for request in (signed(), chunked):  # declared too large; found so (no length declared)
        through_asgi.clear()
        answered, _ = same(skill, [request], **DOCKER)
        assert statuses(answered) == [413]
        assert len(through_asgi) == 1  # uvicorn's protocol only


def test_what_is_not_a_whole_alexa_post_goes_through_asgi(through_asgi: list[str]) -> None:
    skill = make_skill()
    ours(skill, [signed()], **DOCKER)
    request = signed()
    head, body = request.split(b"\r\n\r\n", 1)
    cases: list[tuple[Feed, list[int]]] = [
        # The body after the task started: read through `receive`, under its deadline.
        ([head + b"\r\n\r\n" + body[:10], 0.05, body[10:]], [200]),
        # Asked for 100 Continue (and sent the body anyway): `receive` answers it first.
        ([head + b"\r\nexpect: 100-continue\r\n\r\n" + body], [100, 200]),
    ]
    for feed, expected in cases:
        through_asgi.clear()
        assert statuses(ours(skill, feed, **DOCKER)) == expected
        assert through_asgi == ["/"]
    through_asgi.clear()
    answered = ours(skill, [b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"], **DOCKER)
    assert statuses(answered) == [405]
    assert through_asgi == ["/"]
    through_asgi.clear()
    answered = ours(skill, [signed(path="/elsewhere")], **DOCKER)
    assert statuses(answered) == [404]  # Starlette's router: not the endpoint at all
    assert through_asgi == []


def test_under_a_root_path_the_skill_is_found_as_skill_call_finds_it(
    through_asgi: list[str],
) -> None:
    skill = make_skill(path="/api/")
    ours(skill, [signed(path="/api/")], **DOCKER)
    through_asgi.clear()
    # uvicorn --root-path /api: the scope's path is "/api/", the path under the root "/".
    answered, _ = same(skill, [signed()], root_path="/api", **DOCKER)
    assert statuses(answered) == [404]
    assert through_asgi == []


def test_a_client_gone_before_the_answer_began_is_not_answered(through_asgi: list[str]) -> None:
    handled: list[str] = []
    skill = make_skill()

    @skill.intent("Count")
    def count() -> Any:
        handled.append("Count")
        return speak("One.")

    ours(skill, [signed()], **DOCKER)
    through_asgi.clear()

    async def scenario() -> list[bytes | str]:
        config = Config(app=skill, lifespan="off", log_level="warning", **DOCKER)
        config.load()
        protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
        transport = Transport()
        transport.protocol = protocol
        protocol.connection_made(transport)
        protocol.data_received(signed(FACTORY.intent("Count")))
        protocol.connection_lost(None)  # before the request's task first ran
        await asyncio.wait(list(protocol.tasks), timeout=30)
        return transport.events

    assert asyncio.run(scenario()) == ["close"]
    assert through_asgi == ["/"]  # read through `receive`, which tells of the disconnect
    assert handled == []


def test_with_the_access_log_on_proxy_headers_still_apply(through_asgi: list[str]) -> None:
    skill = make_skill()
    forwarded = signed(headers=("content-type: application/json", "x-forwarded-for: 203.0.113.7"))
    options = {"access_log": True, "log_level": "info", "forwarded_allow_ips": "*"}
    _, logs = same(skill, [signed(), forwarded], **options, proxy_headers=True)
    assert any("203.0.113.7" in line for line in logs)
    assert len(through_asgi) == 4  # both protocols, both requests: through ASGI
    # Without proxy headers the Skill is the app itself: answered directly, logged the same.
    through_asgi.clear()
    _, logs = same(skill, [forwarded], **options, proxy_headers=False)
    assert len(logs) == 1 and '"POST / HTTP/1.1" 200' in logs[0]
    assert "203.0.113.7" not in logs[0]
    assert len(through_asgi) == 1  # uvicorn's protocol only


def test_past_the_concurrency_limit_the_answer_is_a_503(through_asgi: list[str]) -> None:
    # (uvicorn's, with a JSON reason instead of its text: not the skill's endpoint either way)
    skill = make_skill()
    ours(skill, [signed()], **DOCKER)
    through_asgi.clear()
    answered = ours(skill, [signed()], limit_concurrency=0, **DOCKER)
    assert statuses(answered) == [503]
    assert isinstance(answered[0], bytes) and answered[0].endswith(
        b'{"error": "over the server\'s concurrency limit"}'
    )
    assert through_asgi == []


def test_a_subclass_with_its_own_call_is_always_called(through_asgi: list[str]) -> None:
    calls: list[str] = []

    class Wrapped(Skill):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            calls.append(scope["type"])
            await super().__call__(scope, receive, send)

    skill = Wrapped(skill_id=FACTORY.skill_id)
    skill.verifier = PKI.verifier()

    @skill.launch
    def launch() -> Any:
        return speak("Welcome.")

    answered = ours(skill, [signed(), signed()], **DOCKER)
    assert statuses(answered) == [200, 200]
    assert calls == ["http", "http"]
    assert through_asgi == ["/", "/"]


def test_the_request_line_is_logged_once_either_way(caplog: pytest.LogCaptureFixture) -> None:
    skill = make_skill()
    ours(skill, [signed()], **DOCKER)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    caplog.clear()
    ours(skill, [signed(), signed(tamper=True)], **DOCKER)
    lines = [r.getMessage() for r in caplog.records if r.name == "alexaskill.request"]
    assert len(lines) == 2
    assert "LaunchRequest -> ok (200)" in lines[0]
    assert "refused:signature (400)" in lines[1]


def test_a_whole_post_refused_before_the_skills_checks_has_one_request_line(
    through_asgi: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # The endpoint's own refusals of a whole body (`_Endpoint.answer_whole`, no ASGI) write
    # their request line as those through ASGI do: one each, its outcome its status's.
    skill = make_skill(max_body_size=500)
    ours(skill, [signed()], **DOCKER)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    big = FACTORY.envelope("LaunchRequest")
    big["session"]["attributes"] = {"padding": "x" * 1000}
    body = json.dumps(big).encode()
    chunked = (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b"transfer-encoding: chunked\r\n\r\n%x\r\n%b\r\n0\r\n\r\n" % (len(body), body)
    )
    cases = [
        (signed(headers=("content-type: text/plain",)), 415, "refused:media_type"),
        (
            signed(headers=("content-type: application/json", "signature: x")),
            400,
            "refused:headers",
        ),
        (signed(big), 413, "refused:too_large"),  # declared too large
        (chunked, 413, "refused:too_large"),  # found so (no length declared)
    ]
    for request, status, outcome in cases:
        caplog.clear()
        through_asgi.clear()
        assert statuses(ours(skill, [request], **DOCKER)) == [status]
        assert through_asgi == []  # answered without ASGI
        lines = [r for r in caplog.records if r.name == "alexaskill.request"]
        assert [(r.__dict__["outcome"], r.__dict__["status"]) for r in lines] == [
            (outcome, status)
        ], outcome


@pytest.mark.parametrize(
    ("coding", "status", "reason"),
    [
        ("gzip", 415, "Content-Encoding gzip is not taken"),
        ("GZip, identity", 415, "Content-Encoding GZip, identity is not taken"),
        ("identity", 200, None),
        (" Identity ", 200, None),
    ],
)
def test_a_content_coding_but_identity_is_refused_either_way(
    through_asgi: list[str], coding: str, status: int, reason: str | None
) -> None:
    # Alexa never encodes its body, and the signature is over the bytes as sent: a body said to
    # be gzip was verified as if plain (its coding ignored), on both ways in.
    skill = make_skill()
    ours(skill, [signed()], **DOCKER)
    headers = ("content-type: application/json", f"content-encoding: {coding}")
    through_asgi.clear()
    answered, _ = same(skill, [signed(headers=headers)], **DOCKER)  # direct, and through ASGI
    assert statuses(answered) == [status]
    assert len(through_asgi) == 1  # uvicorn's protocol only: alexaskill's answered directly
    head, body = b"".join(e for e in answered if isinstance(e, bytes)).split(b"\r\n\r\n", 1)
    # The codings taken, as RFC 9110 (12.5.3, 15.5.16) asks of a 415 for one: the 415 had no
    # Accept-Encoding, which tells a client it is the coding, not the media type, refused.
    accepted = [line for line in head.lower().split(b"\r\n") if line.startswith(b"accept-enc")]
    if reason is not None:
        assert json.loads(body) == {"error": reason}
        assert accepted == [b"accept-encoding: identity"]
    else:
        assert accepted == []


@pytest.mark.parametrize("lose", [False, True], ids=["body-timeout", "client-gone"])
def test_a_post_whose_body_never_came_whole_has_one_request_line(
    caplog: pytest.LogCaptureFixture, lose: bool
) -> None:
    # Through ASGI (the body is not whole): the body's deadline passing (408), or the client
    # going away before it came, is the request's one line. (No time is a condition: the test
    # waits for the request's task to end, however late, and the client goes away long before
    # a deadline of 60 s.)
    skill = make_skill(body_timeout=60 if lose else 0.2)
    ours(skill, [signed()], **DOCKER)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    caplog.clear()
    request = signed()
    events, _ = serve(HttpToolsProtocol, skill, [request[:-5]], lose=lose, **DOCKER)
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    outcome = [(r.__dict__["outcome"], r.__dict__["status"]) for r in lines]
    if lose:
        assert outcome == [("disconnected", None)] and statuses(wire(events)) == []
    else:
        assert outcome == [("refused:body_timeout", 408)] and statuses(wire(events)) == [408]


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        (b"chunked", b"zz\r\n{}\r\n0\r\n\r\n"),
        (b"chunked", b"10000000000000002\r\n{}\r\n0\r\n\r\n"),
        (b"gzip, chunked", b"2\r\n{}\r\n0\r\n\r\n"),
    ],
    ids=["bad-chunk-size", "chunk-size-past-64-bits", "a-coding-but-chunked"],
)
@pytest.mark.parametrize("protocol_name", ["H11Protocol", "HttpToolsProtocol"])
def test_a_body_the_parser_refuses_has_a_400_request_line_not_disconnected(
    caplog: pytest.LogCaptureFixture, protocol_name: str, coding: bytes, body: bytes
) -> None:
    # The server answers 400 for the body's bytes and ends the request: its request line said
    # "disconnected" (status null), as if the client had gone away, the 400 sent unsaid.
    from alexaskill import server as server_module

    skill = make_skill()
    ours(skill, [signed()], **DOCKER)  # (the app built)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    caplog.clear()
    head = (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b"transfer-encoding: %b\r\n\r\n" % coding
    )
    protocol_class = getattr(server_module, protocol_name)
    events, _ = serve(protocol_class, skill, [head, body], **DOCKER)
    assert statuses(wire(events)) == [400]
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    # (h11 refuses a coding but chunked at the head: the app never runs, as for every head.)
    at_head = protocol_name == "H11Protocol" and coding != b"chunked"
    expected = [] if at_head else [("refused:body", 400)]
    assert [(r.__dict__["outcome"], r.__dict__["status"]) for r in lines] == expected


@pytest.mark.parametrize("protocol_name", ["H11Protocol", "HttpToolsProtocol"])
def test_a_refused_head_and_a_body_the_parser_refuses_in_one_read_write_nothing_after_close(
    protocol_name: str,
) -> None:
    # The parser refuses the chunk (400) and closes the connection (a transport that cannot
    # half-close: TLS) before the endpoint's task runs; its 415 was then written after the close
    # ("written after close", an ERROR and a traceback), where asyncio's transports drop it.
    from alexaskill import server as server_module

    skill = make_skill()
    ours(skill, [signed()], **DOCKER)  # (the app built)
    head = (
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
    )
    protocol_class = getattr(server_module, protocol_name)
    events, logs = serve(protocol_class, skill, [head + b"zz\r\n{}\r\n0\r\n\r\n"], **DOCKER)
    assert statuses(wire(events)) == [400]
    assert wire(events)[-1] == "close"
    assert logs == ["Invalid HTTP request received."]


def _signing_lines(body: bytes, signature: str) -> list[str]:
    """``body``'s genuine SignatureCertChainUrl, and ``signature`` (the genuine one's base64 as
    ``{}``) as its Signature-256 line."""
    genuine = PKI.sign(body, sha1=False)
    return [
        f"SignatureCertChainUrl: {genuine['SignatureCertChainUrl']}",
        "Signature-256: " + signature.format(genuine["Signature-256"]),
    ]


@pytest.mark.parametrize(
    ("lines", "answer"),
    [
        # Whitespace around a value is no part of it (RFC 9112, 5): the server strips it.
        (lambda body: _signing_lines(body, " \t{} \t"), None),
        (lambda body: _signing_lines(body, "{0:.8}\r\n {0}"), "invalid HTTP request"),  # obs-fold
        (lambda body: _signing_lines(body, "{0:.8}\n{0}"), "invalid HTTP request"),
        (lambda body: _signing_lines(body, "{0:.8} {0}"), "signature: Signature-256 header is "),
        # (two signatures joined as a proxy joins a header sent twice)
        (lambda body: _signing_lines(body, "{0}, {0}"), "signature: Signature-256 header is "),
        (
            lambda body: [
                *_signing_lines(body, "{}"),
                "SIGNATURECERTCHAINURL: https://s3.amazonaws.com/echo.api/other.pem",
            ],
            "conflicting SignatureCertChainUrl headers",
        ),
    ],
    ids=["spaces-around", "folded", "bare-lf-inside", "space-inside", "comma-joined", "twice"],
)
@pytest.mark.parametrize("protocol_name", ["H11Protocol", "HttpToolsProtocol"])
def test_a_signing_header_as_the_server_parses_it(
    protocol_name: str, lines: Callable[[bytes], list[str]], answer: str | None
) -> None:
    # What reaches the verifier of a Signature-256 with whitespace or a line break in it, or a
    # SignatureCertChainUrl sent twice, on either parser: only the whitespace around it goes.
    from alexaskill import server as server_module

    body = json.dumps(FACTORY.envelope("LaunchRequest")).encode()
    head = [
        "POST / HTTP/1.1",
        "host: x",
        f"content-length: {len(body)}",
        "content-type: application/json",
        *lines(body),
    ]
    sent = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    protocol_class = getattr(server_module, protocol_name)
    events, _ = serve(protocol_class, make_skill(), [sent], **DOCKER)
    answered = b"".join(e for e in wire(events) if isinstance(e, bytes))
    if answer is None:
        assert statuses(wire(events)) == [200], answered
        return
    assert statuses(wire(events)) == [400], answered
    error = json.loads(answered.split(b"\r\n\r\n", 1)[1])["error"]
    assert error.startswith(answer), error

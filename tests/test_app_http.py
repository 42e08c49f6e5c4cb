"""The ASGI app end to end: HTTP paths and refusals (405, 415, 413, 408, 400 with a JSON reason),
the headers and the body as they arrive over ASGI, /health; all signed."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient
from starlette.types import Message

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import RequestFactory, TestClient, TestPKI
from tests.app_shared import make_skill, post_scope

from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies

# --- HTTP error paths ---------------------------------------------------------------------------


def test_other_methods_get_405() -> None:
    with TestClient(make_skill()) as client:
        for method in ("GET", "PUT", "DELETE"):
            response = client.http.request(method, "/")
            assert response.status_code == 405
            assert response.headers["allow"] == "POST"
            assert response.json() == {"error": "method not allowed; Alexa POSTs"}


def test_other_paths_and_methods_get_a_json_reason_too() -> None:
    # Starlette's own answers were plain text ("Not Found"): every error of the skill is JSON.
    with TestClient(make_skill()) as client:
        for method, path, status, reason in (
            ("POST", "/nonexistent", 404, "not found"),
            ("GET", "/nonexistent", 404, "not found"),
            ("POST", "/health", 405, "method not allowed"),
        ):
            response = client.http.request(method, path)
            assert response.status_code == status, (method, path)
            assert response.headers["content-type"] == "application/json"
            assert response.json() == {"error": reason}
        allowed = client.http.post("/health").headers["allow"]
        assert sorted(allowed.split(", ")) == ["GET", "HEAD"]


def test_non_json_content_type_gets_415() -> None:
    with TestClient(make_skill()) as client:
        response = client.http.post("/", content=b"{}", headers={"content-type": "text/plain"})
        assert response.status_code == 415
        assert "error" in response.json()
        assert "accept-encoding" not in response.headers  # (the media type, not a coding)


def test_a_content_coding_gets_415_naming_the_codings_taken() -> None:
    # Through the Starlette route: RFC 9110 (15.5.16, 12.5.3) asks a 415 for a content coding
    # to carry Accept-Encoding, telling it from one for the media type; it had none.
    with TestClient(make_skill()) as client:
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        headers = {**client.pki.sign(body), "content-type": "application/json"}
        headers["content-encoding"] = "br"
        response = client.http.post("/", content=body, headers=headers)
    assert response.status_code == 415
    assert response.json() == {"error": "Content-Encoding br is not taken"}
    assert response.headers["accept-encoding"] == "identity"


@pytest.mark.parametrize(
    ("method", "content_type", "body", "status"),
    [
        ("GET", None, b"", 405),
        ("PUT", "application/json", b"{}", 405),
        ("POST", "text/plain", b"{}", 415),
        ("POST", "application/json", b"x" * 2048, 413),
    ],
)
def test_refusals_before_verification_keep_their_http_status_and_a_json_reason(
    method: str, content_type: str | None, body: bytes, status: int
) -> None:
    # Not a 400 (README, "Request verification"): Alexa never sends these, and the status says
    # what to change (the method, the media type, the size); each is short JSON all the same,
    # with the Allow header RFC 9110 (15.5.6) asks of a 405.
    headers = {} if content_type is None else {"content-type": content_type}
    with TestClient(make_skill(max_body_size=1024)) as client:
        response = client.http.request(method, "/", content=body, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    reason = response.json()["error"]
    assert set(response.json()) == {"error"} and 0 < len(reason) <= 60
    assert ("allow" in response.headers) == (status == 405)
    if status == 405:
        assert response.headers["allow"] == "POST"


def test_body_over_the_cap_gets_413_by_declared_length() -> None:
    skill = make_skill(max_body_size=1024)
    with TestClient(skill) as client:
        body = json.dumps(client.factory.envelope("LaunchRequest", pad="x" * 2000)).encode()
        result = client.post(body, client.pki.sign(body))
        assert result.status_code == 413
        assert result.error == "request body too large"


def test_body_over_the_cap_gets_413_when_streamed() -> None:
    skill = make_skill(max_body_size=1024)
    chunks = [b"x" * 600] * 100
    sent: list[int] = []

    def stream() -> Any:
        for chunk in chunks:
            sent.append(len(chunk))
            yield chunk

    with TestClient(skill) as client:
        response = client.http.post(
            "/", content=stream(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413


def test_invalid_json_gets_400_after_verification() -> None:
    with TestClient(make_skill()) as client:
        body = b'{"version": "1.0", "request": '
        result = client.post(body, client.pki.sign(body))
        assert result.status_code == 400
        assert result.error is not None


def test_signed_body_that_is_not_an_envelope_gets_400() -> None:
    with TestClient(make_skill()) as client:
        for body in (b"[]", b"{}", b'{"request": {"type": 5}}', b'"text"'):
            result = client.post(body, client.pki.sign(body))
            assert result.status_code == 400, body
            assert result.error is not None
            assert "Traceback" not in result.error


#: Malformed envelopes, and where their reason must say the fault is (from the body's root).
MALFORMED_AT = [
    (b'{"version": "1.0", "request": null}', "$.request"),
    (b'{"version": "1.0", "request": 5}', "$.request"),
    (b'{"version": "1.0", "request": {"requestId": "r"}}', "$.request"),
    (
        b'{"request": {"type": "IntentRequest", "intent": {"name": "X", "slots": 5}}}',
        "$.request.intent.slots",
    ),
    (b'{"request": {"type": "Some.NewType", "requestId": 5}}', "$.request.requestId"),
    (b'{"session": {"new": 5}, "request": {"type": "LaunchRequest"}}', "$.session.new"),
]


@pytest.mark.parametrize(("body", "where"), MALFORMED_AT)
def test_a_malformed_envelope_gets_400_naming_where_from_the_root(body: bytes, where: str) -> None:
    # msgspec decodes the request apart from the envelope: its path began at the request, and a
    # fault at the request itself (null, not an object, no type) named no place at all.
    with TestClient(make_skill()) as client:
        result = client.post(body, client.pki.sign(body))
    assert result.status_code == 400, body
    assert result.error is not None
    assert result.error.endswith(f"- at `{where}`"), result.error


def test_unsigned_request_gets_400_and_no_handler_runs() -> None:
    skill = Skill(SKILL_ID)
    ran: list[str] = []
    skill.add_intent_handler("A", lambda: ran.append("A"))
    with TestClient(skill) as client:
        body = json.dumps(client.factory.intent("A")).encode()
        result = client.post(body)
        assert result.status_code == 400
        assert result.error is not None
        headers = client.pki.sign(body)
        tampered = body.replace(b'"A"', b'"B"')
        assert client.post(tampered, headers).status_code == 400
    assert ran == []


def test_the_media_type_must_be_json_in_utf8() -> None:
    # The body is read as UTF-8 JSON whatever the header says: another charset, or a type that
    # only begins as JSON's, is refused rather than misread.
    pki = TestPKI.default()
    skill = make_skill()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    with StarletteClient(skill) as http:
        for content_type, status in (
            ("application/json; charset=utf-8", 200),
            ("application/json", 200),
            ("Application/JSON; Charset=UTF-8", 200),
            ('application/json;charset="utf-8"', 200),
            ("application/json; charset=utf-16", 415),
            ("application/json; charset=latin-1", 415),
            ("application/jsonx", 415),
            ("application/json-patch+json", 415),
            ("text/json", 415),
        ):
            headers = {"Content-Type": content_type, **pki.sign(body)}
            assert http.post("/", content=body, headers=headers).status_code == status, content_type


def test_health_endpoint() -> None:
    with TestClient(make_skill()) as client:
        response = client.http.get("/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def asgi_post(
    skill: Skill, body: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, dict[str, Any]]:
    """POST ``body`` to ``skill`` as a raw ASGI call, with header names exactly as given."""
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(skill(post_scope(headers), receive, send))
    return sent[0]["status"], json.loads(sent[1]["body"])


def test_header_names_in_any_case_reach_the_verifier() -> None:
    # ASGI servers should send lower-case names; one that does not must not make a signed
    # request look unsigned (or an unsigned one look signed).
    skill = make_skill()
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    signed = [(name.encode(), value.encode()) for name, value in pki.sign(body).items()]
    content = [(b"Content-Type", b"application/json"), (b"Content-Length", b"%d" % len(body))]
    status, answer = asgi_post(skill, body, [(b"host", b"skill.example"), *content, *signed])
    assert status == 200, answer
    assert answer["response"]["outputSpeech"]["text"] == "Welcome. Which city?"
    lowered = [(name.lower(), value) for name, value in [*content, *signed]]
    assert asgi_post(skill, body, lowered)[0] == 200
    status, answer = asgi_post(skill, body, content)
    assert status == 400
    assert "SignatureCertChainUrl header missing" in answer["error"]


@pytest.mark.parametrize(
    "declared",
    [b"\xb2", b"\xc2\xb2", b"1" * 5000, b"+12", b"-1", b" 12", b"1_0", b""],
)
def test_a_content_length_that_is_not_plain_digits_gets_400(declared: bytes) -> None:
    # uvicorn rejects these itself; behind a server that passes them on (or a proxy that does),
    # int() raised ValueError ("²".isdigit() is true; 5,000 digits exceed int()'s limit).
    body = b"{}"
    headers = [(b"content-type", b"application/json"), (b"content-length", declared)]
    status, answer = asgi_post(make_skill(), body, headers)
    assert status == 400
    assert answer == {"error": "invalid content-length"}


@pytest.mark.parametrize(
    ("shown", "forged"),
    [
        ("SignatureCertChainUrl", b"https://s3.amazonaws.com/echo.api/other.pem"),
        ("Signature-256", b"AAAA"),
        ("Signature", b"AAAA"),
        ("Content-Type", b"text/plain"),
        ("Content-Length", b"2"),
    ],
)
@pytest.mark.parametrize("forged_first", [True, False])
def test_a_header_the_endpoint_reads_sent_twice_with_two_values_gets_400(
    shown: str, forged: bytes, forged_first: bool
) -> None:
    # HTTP allows no second value for these: which one counts is up to each reader. The last
    # one counted, so a request whose first value was forged (all a proxy or a log in front
    # would read) was answered as signed.
    skill = make_skill()
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        *((key.lower().encode(), value.encode()) for key, value in pki.sign(body).items()),
    ]
    name = shown.lower().encode()
    place = next(i for i, (key, _) in enumerate(headers) if key == name)
    headers.insert(place if forged_first else place + 1, (name, forged))
    status, answer = asgi_post(skill, body, headers)
    assert status == 400, answer
    assert answer == {"error": f"conflicting {shown} headers"}
    # The same through the path alexaskill.exchange takes, with the whole body at hand.
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(skill._endpoint.answer_whole(post_scope(headers), body, send))
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"]) == answer
    # The same value twice says nothing new: accepted.
    headers[place if forged_first else place + 1] = headers[place + 1 if forged_first else place]
    assert asgi_post(skill, body, headers)[0] == 200


@pytest.mark.parametrize("forged_first", [True, False])
def test_a_signing_header_sent_twice_under_two_spellings_of_its_name_gets_400(
    forged_first: bool,
) -> None:
    # Names are case-insensitive (RFC 9110, 5.1): "SignatureCertChainUrl" and
    # "signaturecertchainurl" are one header twice, whatever a server in front passes on.
    skill = make_skill()
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    signed = [(name.lower().encode(), value.encode()) for name, value in pki.sign(body).items()]
    forged = (b"SignatureCertChainUrl", b"https://s3.amazonaws.com/echo.api/other.pem")
    content = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    headers = [*content, forged, *signed] if forged_first else [*content, *signed, forged]
    status, answer = asgi_post(skill, body, headers)
    assert status == 400, answer
    assert answer == {"error": "conflicting SignatureCertChainUrl headers"}


def test_a_body_that_does_not_arrive_in_time_gets_408_and_the_connection_closes() -> None:
    # Headers complete, then the body dribbles (or never comes): without a deadline the request
    # held its connection, and the worker's memory, for as long as the client liked.
    skill = make_skill(body_timeout=0.2)
    sent: list[Message] = []
    chunks = [b'{"version": ', b'"1.0"']

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        await asyncio.sleep(60)  # the rest never comes
        raise AssertionError("waited for the body")

    async def send(message: Message) -> None:
        sent.append(message)

    scope = post_scope([(b"content-type", b"application/json"), (b"content-length", b"900")])

    async def scenario() -> float:
        started = time.monotonic()
        # A bound on the wait, not an assertion on time: without the body's deadline the
        # request waits for the body (60 s), and this raises TimeoutError.
        await asyncio.wait_for(skill(scope, receive, send), 30)
        return time.monotonic() - started

    assert asyncio.run(scenario()) >= 0.2  # not answered before the body's deadline
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"]) == {"error": "request body not received within 0.2 s"}


@pytest.mark.parametrize("first", [True, False], ids=["at-once", "mid-body"])
def test_a_client_gone_before_its_body_came_is_not_taken_for_a_forgery(
    caplog: pytest.LogCaptureFixture, first: bool
) -> None:
    # The disconnect was read as an empty body: verified (a certificate fetched, in
    # production), refused as a bad signature, logged and counted as a forged request.
    skill = make_skill()
    sent: list[Message] = []
    messages = [] if first else [{"type": "http.request", "body": b'{"ver', "more_body": True}]
    messages.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = post_scope([(b"content-type", b"application/json"), (b"content-length", b"900")])
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        asyncio.run(skill(scope, receive, send))
    assert sent == []
    assert "refused" not in caplog.text
    assert "the client went away before its request's body came whole" in caplog.text


def test_body_timeout_is_checked() -> None:
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ConfigurationError, match="body_timeout"):
            Skill(SKILL_ID, body_timeout=bad)
    assert Skill(SKILL_ID).body_timeout == 10.0


def test_a_path_with_a_slash_added_or_removed_is_404_in_json_not_a_redirect() -> None:
    # The README: another path is 404 {"error": ...}. Starlette's router answered POST
    # /alexa/ with a redirect to /alexa (HTTP 307, an empty body): Alexa, given the endpoint
    # with the slash, follows no redirect, and nothing said why its requests failed.
    skill = make_skill(path="/alexa")
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = {"content-type": "application/json", **pki.sign(body)}
    with StarletteClient(skill, follow_redirects=False) as http:
        assert http.post("/alexa", content=body, headers=headers).status_code == 200
        for method, path in [("POST", "/alexa/"), ("GET", "/alexa/"), ("GET", "/health/")]:
            answer = http.request(method, path, content=body, headers=headers)
            assert answer.status_code == 404, (method, path)
            assert answer.json() == {"error": "not found"}
        assert http.get("/health").json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("lengths", "status"),
    [
        ([b"1234567890123456789"], 400),  # 19 digits: a server may pass it on
        ([b"+12"], 400),
        ([b"12", b"13"], 400),  # two values
        ([b"99999999"], 413),  # declared past max_body_size
    ],
    ids=["19-digits", "plus", "two-values", "too-large"],
)
def test_a_refused_content_length_closes_the_connection(lengths: list[bytes], status: int) -> None:
    # Refused from its declared length, the body is never read: the client's next bytes (the
    # rest of that body, or a body whose length the server in front read another way) are no
    # request. The answer says `connection: close`, so that any server closes after it (on
    # uvicorn's own protocols the connection was kept, and the rest of the body was waited for).
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json")]
    headers += [(b"content-length", length) for length in lengths]
    asyncio.run(asyncio.wait_for(make_skill()(post_scope(headers), receive, send), 30))
    assert sent[0]["status"] == status
    assert (b"connection", b"close") in sent[0]["headers"]

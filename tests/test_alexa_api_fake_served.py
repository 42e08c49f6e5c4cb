"""`FakeAlexaApi` served over HTTP on loopback (`serve()`): it answers Alexa's APIs there, and a
request it cannot read (its length, its body, its headers) with a status, never a hang."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiTimeout
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory

from .alexa_api_shared import _run, connected, read_to_close, sent_raw
from .processes import ipv6_loopback


def test_the_fake_served_on_loopback_answers_alexa_api_over_http() -> None:
    fake = FakeAlexaApi(given_name="Ada", faults={"email": "timeout"})
    with fake.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        raw = RequestFactory(api_endpoint=url).intent("Ask")
        # Far past the default 2 s, which a loaded machine's stalled server thread may exceed.
        api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0)
        assert _run(api.given_name()) == "Ada"
        assert _run(api.full_name()) is None
        api.timeout = 0.3
        with pytest.raises(AlexaApiTimeout):
            _run(api.email())
    assert [(c.operation, c.status) for c in fake.calls] == [
        ("given_name", 200),
        ("full_name", 204),
        ("email", 0),
    ]


def test_the_fake_serves_loopback_addresses_only() -> None:
    with pytest.raises(ValueError, match="loopback"), FakeAlexaApi().serve(host="0.0.0.0"):
        pass


@pytest.mark.parametrize(
    ("host", "port", "error", "said"),
    [
        # "localhost" said "does not appear to be an IPv4 or IPv6 address"; 5 "not 5" of
        # loopback; port -1 raised OverflowError from bind(), "8080" "cannot be interpreted as
        # an integer", and True served on port 1.
        ("localhost", 0, ValueError, r"^serve\(host='localhost'\): a loopback IP address"),
        ("", 0, ValueError, r"^serve\(host=''\): a loopback IP address"),
        (5, 0, TypeError, r"^serve\(host=5\): a loopback IP address"),
        ("127.0.0.1", -1, ValueError, r"^serve\(port=-1\): a port number, 0 to 65535"),
        ("127.0.0.1", 70000, ValueError, r"^serve\(port=70000\): a port number"),
        ("127.0.0.1", "8080", TypeError, r"^serve\(port='8080'\): a port number"),
        ("127.0.0.1", True, TypeError, r"^serve\(port=True\): a port number"),
    ],
)
def test_serve_says_what_to_pass_for_a_host_or_port_it_cannot_take(
    host: Any, port: Any, error: type[Exception], said: str
) -> None:
    with pytest.raises(error, match=said), FakeAlexaApi().serve(host, port):
        pass


def test_the_fake_serves_on_ipv6_loopback() -> None:
    # serve(host="::1") failed in bind(): "Address family for hostname not supported".
    if not ipv6_loopback():  # (checked as the test runs, as the serve tests check it)
        pytest.skip("this machine has no IPv6 loopback (::1)")
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve(host="::1") as url:
        assert url.startswith("http://[::1]:")
        raw = RequestFactory(api_endpoint=url).intent("Ask")
        api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0)
        assert _run(api.given_name()) == "Ada"


def test_the_served_fake_stops_when_its_block_ends_even_by_an_error() -> None:
    # Its thread goes with the block: a test's failure leaves no server behind.
    import threading

    before = set(threading.enumerate())
    with pytest.raises(RuntimeError, match="the test failed"), FakeAlexaApi().serve() as url:
        (server,) = [t for t in set(threading.enumerate()) - before if t.name == "fake-alexa-api"]
        raise RuntimeError("the test failed")
    assert not server.is_alive()
    assert url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("length", ["9" * 5000, "ten", "-5", "1 2"])
def test_the_fake_served_answers_a_content_length_that_is_no_size_with_400(length: str) -> None:
    # "9" * 5000 made int() raise (past Python's 4300 digits): the handler's traceback went to
    # stderr and the connection closed unanswered. "ten" or "-5" was read as no body at all, and
    # the body left on the connection was read as the next request.
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        answer = sent_raw(
            url,
            b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + length.encode()
            + b"\r\n\r\n{}",
        )
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert b"Content-Length" in answer
    assert fake.calls == []


def test_the_fake_served_refuses_a_body_past_its_bound_with_413_sizes_said_with_commas() -> None:
    # "a body of 2097152 bytes: the fake takes 1048576 at most": the sizes unread at a glance.
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        answer = sent_raw(
            url, b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n"
        )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    said = json.loads(answer.split(b"\r\n\r\n", 1)[1])["message"]
    assert said == "a body of 2,097,152 bytes: the fake takes 1,048,576 at most", said
    assert fake.calls == []


def test_the_fake_served_refuses_a_chunked_body_with_411_not_reading_it_as_none() -> None:
    # A body sent chunked (no Content-Length) was read as none: the call was answered without
    # its body (a 400 "expected header.requestId") and the chunks read as the next request.
    fake = FakeAlexaApi()
    with fake.serve() as url:
        answer = sent_raw(
            url,
            b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"2\r\n{}\r\n0\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 411"), answer[:80]
    assert b"Content-Length" in answer.split(b"\r\n\r\n", 1)[1]
    assert fake.calls == []


def test_the_fake_served_refuses_two_differing_content_lengths_with_400() -> None:
    # Only the first Content-Length was read: the body was cut to it (or a next request read
    # from the rest). RFC 9112, 6.3: a length given twice with differing values is refused.
    fake = FakeAlexaApi()
    body = json.dumps(
        {"header": {"requestId": "r1"}, "directive": {"type": "VoicePlayer.Speak", "speech": "Hi"}}
    ).encode()
    head = (
        b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body) + 5)
    )
    with fake.serve() as url:
        answer = sent_raw(url, head + body + b"12345")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    reason = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert "Content-Length" in reason["message"] and str(len(body) + 5) in reason["message"]
    assert fake.calls == []


def test_the_fake_served_takes_a_content_length_sent_twice_with_one_value() -> None:
    fake = FakeAlexaApi()
    body = json.dumps(
        {"header": {"requestId": "r1"}, "directive": {"type": "VoicePlayer.Speak", "speech": "Hi"}}
    ).encode()
    head = (
        b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close"
        b"\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body))
    )
    with fake.serve() as url:
        answer = sent_raw(url, head + body)
    assert answer.startswith(b"HTTP/1.1 204"), answer[:80]
    assert [call.status for call in fake.calls] == [204]


#: A request whose body (2 bytes) is shorter than its Content-Length (10).
SHORT_BODY = b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}"


def test_the_fake_served_drops_a_body_that_stalls_and_answers_others_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A body shorter than its Content-Length held its thread in rfile.read forever: the client
    # (or a test's bug) never told. Now the connection has a read timeout: 408 and closed.
    from alexaskill.testing import api_server

    monkeypatch.setattr(api_server, "_READ_SECONDS", 0.5)
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url, connected(url) as stalled:
        stalled.sendall(SHORT_BODY)
        other = httpx.get(
            url + "/v2/accounts/~current/settings/Profile.givenName",
            headers={"Authorization": "Bearer t"},
            timeout=30,
        )
        assert (other.status_code, other.json()) == (200, "Ada")
        answer = read_to_close(stalled)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    reason = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert "2 of its 10 bytes" in reason["message"]
    assert [call.operation for call in fake.calls] == ["given_name"]


def test_the_fake_served_refuses_a_body_cut_short_by_the_client_closing() -> None:
    # A body of 2 bytes declared as 10, its sender then half-closed: the 2 bytes were answered
    # as if they were the whole body.
    fake = FakeAlexaApi()
    with fake.serve() as url:
        answer = sent_raw(url, SHORT_BODY, half_close=True)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert "2 of its 10 bytes" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["message"]
    assert fake.calls == []


def test_the_fake_served_answers_its_own_bad_data_with_500_and_the_reason() -> None:
    # A fault or product changed in place is checked at the call (a ValueError): served over
    # HTTP, its traceback went to stderr and the connection closed unanswered, so the skill in
    # the other process saw "Server disconnected", not what was wrong.
    fake = FakeAlexaApi(given_name="Ada")
    fake.in_skill_products.append(
        {"productId": "p", "type": "consumable"}  # type: ignore[arg-type]
    )
    headers = {"Authorization": "Bearer t", "Accept-Language": "en-US"}
    with fake.serve() as url:
        products = httpx.get(
            url + "/v1/users/~current/skills/~current/inSkillProducts", headers=headers
        )
        fake.faults["given_nme"] = 503  # type: ignore[index]
        name = httpx.get(url + "/v2/accounts/~current/settings/Profile.givenName", headers=headers)
    assert products.status_code == name.status_code == 500
    assert "in_skill_products[0].type is 'consumable'" in products.json()["message"]
    assert "'given_nme'" in name.json()["message"]


def test_the_fake_served_answers_a_header_of_latin_1_bytes() -> None:
    # A header value with a byte past ASCII (obs-text, which RFC 9110 lets a value hold) made
    # httpx.Request raise UnicodeEncodeError: a traceback, and the connection closed unanswered.
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        answer = sent_raw(
            url,
            b"GET /v2/accounts/~current/settings/Profile.givenName HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer t\r\nX-Note: caf\xe9\r\nConnection: close\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
    assert answer.endswith(b'"Ada"')


def test_the_fake_refuses_two_authorization_headers_in_process_and_served() -> None:
    # Two Authorization headers were joined ("Bearer a, Bearer b") and the call answered:
    # 200 from a fake no request went through (any token taken), else a 401 saying no request
    # carried the token, which both did. RFC 9110 (5.3) lets no request send the field twice.
    from urllib.parse import urlsplit

    import anyio

    fake = FakeAlexaApi(given_name="Ada")
    url = "https://api.amazonalexa.com/v2/accounts/~current/settings/Profile.givenName"
    doubled = [("Authorization", "Bearer a"), ("Authorization", "Bearer b")]

    async def in_process() -> httpx.Response:
        async with fake.client() as http:
            return await http.get(url, headers=doubled)

    answers = [anyio.run(in_process)]
    with fake.serve() as base:
        answers.append(httpx.get(base + urlsplit(url).path, headers=doubled, timeout=30))
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "Authorization" in answer.json()["message"]
        assert "one" in answer.json()["message"]
    statuses = [call.status for call in fake.calls]
    assert statuses == [400, 400]
    # As an ApiTransport, a header named twice in two cases is two headers too.
    status, body, _ = anyio.run(
        fake.alexa_api_call,
        "GET",
        url,
        {"Authorization": "Bearer a", "authorization": "Bearer a"},
        None,
        None,
    )
    assert status == 400 and b"Authorization" in body
    # One header is answered, as before.
    single = anyio.run(fake.alexa_api_call, "GET", url, {"Authorization": "Bearer a"}, None, None)
    assert single[:2] == (200, b'"Ada"')


def test_the_answer_a_call_records_is_the_json_the_skill_read_in_process_and_served() -> None:
    # msgspec.to_builtins keeps a struct's tuples: `ApiCall.answer` held a reminder's rules
    # ('FREQ=DAILY',), its content and a list's statusMap as tuples, where the skill read the
    # JSON sent (lists), in process and over HTTP alike; a test comparing the two failed.
    import anyio

    fake = FakeAlexaApi(
        reminders=[
            {
                "alertToken": "r1",
                "trigger": {
                    "type": "SCHEDULED_ABSOLUTE",
                    "scheduledTime": "2031-03-15T07:30:00.000",
                    "recurrence": {"recurrenceRules": ["FREQ=DAILY"]},
                },
                "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk"}]}},
            }
        ]
    )
    paths = ["/v1/alerts/reminders", "/v2/householdlists"]
    base = "https://api.amazonalexa.com"
    headers = {"Authorization": "Bearer t"}
    read = [
        json.loads(anyio.run(fake.alexa_api_call, "GET", base + path, headers, None, None)[1])
        for path in paths
    ]
    with fake.serve() as url:
        read += [httpx.get(url + path, headers=headers, timeout=30).json() for path in paths]
    assert read[0]["alerts"][0]["trigger"]["recurrence"]["recurrenceRules"] == ["FREQ=DAILY"]
    assert read[:2] == read[2:]
    assert [call.answer for call in fake.calls] == read


def test_serving_on_a_port_in_use_says_which_and_what_to_do() -> None:
    # A bare "[Errno 98] Address already in use" named neither the address nor port=0.
    fake = FakeAlexaApi()
    with fake.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        with pytest.raises(OSError) as raised, fake.serve(port=port):
            pass
    message = str(raised.value)
    assert f"serve(port={port}): 127.0.0.1:{port} is in use" in message, message
    assert "port=0" in message, message
    assert raised.value.errno is not None


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/v1/alerts/reminders/an-alert", "DELETE, GET, HEAD, PUT"),
        ("OPTIONS", "/v1/alerts/reminders", "GET, HEAD, POST"),
        ("HEAD", "/v1/directives", "POST"),
    ],
)
def test_the_fake_served_answers_a_method_a_path_does_not_take_with_405_as_in_process(
    method: str, path: str, allowed: str
) -> None:
    # Served, a method http.server has no do_ method for was its own 501, an HTML page (not
    # Amazon's error shape), and no call recorded, while in process (`handle`) it is a 405
    # naming the methods the path takes. A HEAD's answer has no body (its Content-Length is the
    # GET's would be), or the next answer on the connection is read from it.
    fake = FakeAlexaApi()
    with fake.serve() as url, httpx.Client() as client:
        answer = client.request(method, url + path, headers={"Authorization": "Bearer t"})
        again = client.get(url + "/v1/no/such/api")  # (on the same connection)
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == allowed
    if method == "HEAD":
        assert answer.content == b"" and int(answer.headers["content-length"]) > 0
    else:
        said = answer.json()
        assert said["code"] == "METHOD_NOT_ALLOWED", said
        assert said["message"] == f"{method} is not allowed at {path}: {allowed}"
    assert again.status_code == 404, again.text
    assert [(c.method, c.status) for c in fake.calls] == [(method, 405), ("GET", 404)]


@contextlib.contextmanager
def _fake_client(fake: FakeAlexaApi, served: bool) -> Any:
    """A client answered by ``fake``, served over HTTP or in process, and the URL to call."""
    if not served:
        with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
            yield client, "https://api.amazonalexa.com"
        return
    with fake.serve() as url, httpx.Client() as client:
        yield client, url


@pytest.mark.parametrize("served", [False, True], ids=["in-process", "served"])
def test_a_head_is_answered_as_its_get_without_a_body(served: bool) -> None:
    # A HEAD where Alexa answers a GET was a 405 naming GET alone, where every HTTP server that
    # answers a GET answers a HEAD as it, without the body (RFC 9110, 9.1 and 9.3.2); in
    # process, the 405's body came with it.
    fake = FakeAlexaApi(given_name="Ada")
    path = "/v2/accounts/~current/settings/Profile.givenName"
    headers = {"Authorization": "Bearer t"}
    with _fake_client(fake, served) as (client, url):
        got = client.get(url + path, headers=headers)
        head = client.head(url + path, headers=headers)
        again = client.get(url + path, headers=headers)  # (served: on the same connection)
    assert (got.status_code, got.json()) == (200, "Ada")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]
    assert again.json() == "Ada"
    calls = [(c.method, c.operation, c.status, c.answer) for c in fake.calls]
    assert calls[1] == ("HEAD", "given_name", 200, None)  # (no answer: none was sent)

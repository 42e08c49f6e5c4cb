"""A chain download's failures, each said for what it is (alexaskill/verify/fetch.py): an answer
cut short is one that may pass however its HTTP parser words it, and one refused for what it is
(encoded, too long, a bad length however h11 words it) is remembered, not tried again soon.

A server that does not speak TLS is told apart from a network this server cannot get through
in tests/test_verify_fetch_tls.py, one that answers too slowly in
tests/test_verify_fetch_timeouts.py, and a proxy from the server behind it in
tests/test_verify_fetch_proxies.py. (tests/test_verify_download.py has the rest: status codes,
sizes, lengths, malformed heads.)"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import AsyncIterator
from typing import Any, Final, NoReturn

import h11
import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill, speak
from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI
from alexaskill.verify import Verifier

from .verify_shared import mock_client, refusal_of_answer, verify_via

pytestmark = pytest.mark.oldest_dependencies


#: Answers whose connection closes before the end of their body: (the raw answer, the bytes
#: read of it, how many its head announced or None for a chunked body).
_CUT_ANSWERS: Final = {
    "fewer bytes than its Content-Length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello",
        "5 of the 1,000 bytes its Content-Length announced",
    ),
    "chunked, without its last chunk": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        "5 bytes, before its last chunk",
    ),
    # (h11 says this one "peer unexpectedly closed connection", which was taken for malformed)
    "chunked, closed within a chunk's size line": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1",
        "5 bytes, before its last chunk",
    ),
}


def _reworded(self: object) -> NoReturn:
    raise h11.RemoteProtocolError("connection lost before the body's end (reworded)")


@pytest.mark.parametrize("reworded", [False, True], ids=["h11_as_is", "h11_reworded"])
@pytest.mark.parametrize("case", list(_CUT_ANSWERS))
def test_an_answer_cut_short_may_pass_whatever_h11_calls_it(
    pki: TestPKI, case: str, reworded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cut was told by the start of h11's message: reworded (or its other wording for a
    # close within a size line), the answer was "malformed", a CertificateError remembered for
    # failure_ttl (a minute of Alexa's requests refused after one download a proxy cut).
    if reworded:
        monkeypatch.setattr(h11._readers.ContentLengthReader, "read_eof", _reworded)
        monkeypatch.setattr(h11._readers.ChunkedReader, "read_eof", _reworded)
    answer, received = _CUT_ANSWERS[case]
    refused = refusal_of_answer(pki, answer)
    assert str(refused) == "certificate chain: download cut short"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert f"({received})" in detail
    assert "closed before the end of the answer" in detail
    assert "check DNS" not in detail


async def _body_then(error: Exception) -> AsyncIterator[bytes]:
    yield b"hello"
    raise error


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadError("[Errno 104] Connection reset by peer"),
        # (HTTP/2's stream reset, say: no h11 error inside)
        httpx.RemoteProtocolError("stream reset"),
    ],
    ids=["connection_reset", "protocol_error_without_h11"],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["content_length", "chunked"])
def test_a_connection_broken_mid_body_is_cut_short_not_unreachable(
    pki: TestPKI, error: Exception, chunked: bool
) -> None:
    # The server answered, then its connection broke: the log's detail said to allow outbound
    # HTTPS, check DNS or set HTTPS_PROXY, as for a server never reached.
    headers = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": "1000"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=_body_then(error))

    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download cut short"
    assert info.value.__cause__ is error
    detail = str(info.value.detail)
    assert str(error) in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail
    received = "5 bytes, before its last chunk" if chunked else "5 of the 1,000 bytes"
    assert f"({received}" in detail


def test_an_error_after_the_whole_announced_body_is_no_cut(pki: TestPKI) -> None:
    # All the bytes the head announced came: whatever failed after them cut nothing short.
    def handler(request: httpx.Request) -> httpx.Response:
        body = _body_then(httpx.RemoteProtocolError("trailing bytes"))
        return httpx.Response(200, headers={"Content-Length": "5"}, content=body)

    with pytest.raises(CertificateError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download's answer is malformed"
    assert not isinstance(info.value, CertificateUnavailableError)


def test_a_cut_short_download_is_a_short_400_and_a_log_line_without_a_traceback(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # What Alexa (or a forger) is told is the reason only; the bytes counted are the log's.
    def handler(request: httpx.Request) -> httpx.Response:
        body = _body_then(httpx.ReadError("[Errno 104] Connection reset by peer"))
        return httpx.Response(200, headers={"Content-Length": "1000"}, content=body)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    skill = Skill(
        DEFAULT_SKILL_ID, store="memory://", verifier=Verifier([pki.root], http_client=client)
    )

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    body = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()
    headers = {**pki.sign(body), "Content-Type": "application/json"}
    with caplog.at_level(logging.DEBUG, logger="alexaskill"), StarletteClient(skill) as http:
        answer = http.post("/", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json() == {"error": "certificate chain: download cut short"}
    refused = [r for r in caplog.records if "refused request" in r.getMessage()]
    assert len(refused) == 1
    assert "(5 of the 1,000 bytes its Content-Length announced)" in refused[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("headers", "content", "reason"),
    [
        ({"Content-Encoding": "gzip"}, b"\x1f\x8b", "download is content-encoded"),
        ({}, b"-" * 65537, "download exceeds 65,536 bytes"),
        ({"Content-Length": "65537"}, b"", "download exceeds 65,536 bytes"),
        ({"Content-Length": "abc"}, b"", "download's Content-Length is malformed"),
    ],
    ids=["encoded", "too_long", "announced_too_long", "bad_length"],
)
def test_an_answer_refused_for_what_it_is_is_remembered_not_retried_soon(
    pki: TestPKI, headers: dict[str, str], content: bytes, reason: str
) -> None:
    # Pinned: a server that answers so will answer so again, so these are no failures that may
    # pass (those are tried again after 2 s, these after failure_ttl).
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=content)

    with pytest.raises(CertificateError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == f"certificate chain: {reason}"
    assert not isinstance(info.value, CertificateUnavailableError)


def test_a_tls_connection_closed_mid_body_without_its_goodbye_is_still_a_close(
    pki: TestPKI,
) -> None:
    # (An SSLEOFError is no bad record: the connection closed, as it says; pinned, since an
    # ssl error among the causes now names a TLS failure.)
    eof = ssl.SSLEOFError(8, "EOF occurred in violation of protocol")
    closed = httpx.ReadError("")
    closed.__cause__ = eof

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "1000"}, content=_body_then(closed))

    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download cut short"
    detail = str(info.value.detail)
    assert "its connection closed before the end of the answer (5 of the 1,000 bytes" in detail
    assert "TLS failed" not in detail


#: Heads h11 refuses for their Content-Length, with its words for each: what `download_chain`
#: (alexaskill/verify/fetch.py) tells a bad length by, "content-length" in them, since h11
#: refuses the head before httpx makes a response whose headers it could read.
_H11_LENGTH_REFUSALS: Final = {
    b"Content-Length: 5\r\nContent-Length: 6": "conflicting Content-Length headers",
    b"Content-Length: abc": "bad Content-Length",
}


@pytest.mark.parametrize("header", list(_H11_LENGTH_REFUSALS), ids=["two_lengths", "no_number"])
def test_h11s_words_for_a_bad_content_length_are_pinned(pki: TestPKI, header: bytes) -> None:
    # Pinned so that a reword fails here, loudly, rather than turning the verifier's reason
    # into "download's answer is malformed" without a word (still a refusal, still a 400).
    parser = h11.Connection(h11.CLIENT)
    parser.send(h11.Request(method="GET", target="/", headers=[("Host", "s3.amazonaws.com")]))
    parser.receive_data(b"HTTP/1.1 200 OK\r\n" + header + b"\r\n\r\nhello")
    with pytest.raises(h11.RemoteProtocolError) as info:
        parser.next_event()
    assert str(info.value) == _H11_LENGTH_REFUSALS[header], (
        "h11 reworded its refusal of a bad Content-Length: check that download_chain "
        "(alexaskill/verify/fetch.py) still finds 'content-length' in its words, then update "
        "this pin"
    )
    refused = refusal_of_answer(pki, b"HTTP/1.1 200 OK\r\n" + header + b"\r\n\r\nhello")
    assert str(refused) == "certificate chain: download's Content-Length is malformed"
    assert not isinstance(refused, CertificateUnavailableError)


def test_a_bad_length_h11_words_otherwise_is_still_refused_as_malformed(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a reword costs: the reason's precision, not the refusal's kind (a CertificateError,
    # remembered for failure_ttl, no network's advice).
    real = h11._headers.normalize_and_validate  # (which h11._events calls, by this name)

    def reworded(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        except h11.LocalProtocolError as exc:
            raise h11.LocalProtocolError("two lengths disagree (reworded)") from exc

    monkeypatch.setattr(h11._events, "normalize_and_validate", reworded)
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"
    refused = refusal_of_answer(pki, answer)
    assert str(refused) == "certificate chain: download's answer is malformed"
    assert not isinstance(refused, CertificateUnavailableError)
    assert "outbound HTTPS" not in str(getattr(refused, "detail", None))

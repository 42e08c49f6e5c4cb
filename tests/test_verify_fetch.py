"""A chain download's failures, each said for what it is (alexaskill/verify/fetch.py): an answer
cut short is one that may pass however its HTTP parser words it. (tests/test_verify.py has the
rest: status codes, sizes, lengths, malformed heads.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final, NoReturn

import h11
import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestPKI

from .test_verify import mock_client, refusal_of_answer, verify_via


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.default()


#: Answers whose connection closes before the end of their body: (the raw answer, the bytes
#: read of it, how many its head announced or None for a chunked body).
_CUT_ANSWERS: Final = {
    "fewer bytes than its Content-Length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello",
        "5 of the 1000 bytes its Content-Length announced",
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
    received = "5 bytes, before its last chunk" if chunked else "5 of the 1000 bytes"
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

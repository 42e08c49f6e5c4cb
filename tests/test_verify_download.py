"""A chain's download through httpx (Amazon's "Host a Custom Skill as a Web Service"; issue 3):
what is asked for, an answer other than 200, too large or content-encoded, a transport error or
a deadline passed, the client a verifier makes for itself, and an answer's Content-Length and head
however h11 words them. tests/test_verify_fetch*.py have the rest (a download cut short, TLS,
time running out, proxies)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError, CertificateUrlError
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import Verifier
from benchmarks.serving import self_signed

from .verify_shared import BODY, NOW, mock_client, refusal_of_answer, run, verify_via

pytestmark = pytest.mark.oldest_dependencies


# --- download through httpx ---------------------------------------------------------------------


def test_download_through_httpx(pki: TestPKI) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=pki.chain_pem)

    verify_via(pki, mock_client(handler))
    assert [str(r.url) for r in seen] == [DEFAULT_CERT_URL]
    assert seen[0].headers["Accept-Encoding"] == "identity"


def test_the_development_keys_url_is_refused_undownloaded() -> None:
    # No such file is on S3: a request signed with the development key (replay --url) to a
    # server started without --dev was sent to S3 for it. A verifier serving its own chains (as
    # --dev's does from disk) is still asked.
    from alexaskill.cli.dev import DEV_CERT_URL as SIGNED_WITH
    from alexaskill.verify.urls import DEV_CERT_URL

    assert SIGNED_WITH == DEV_CERT_URL  # the commands' (not imported: they verify nothing)
    dev = TestPKI(cert_url=DEV_CERT_URL)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=dev.chain_pem)

    with pytest.raises(CertificateUrlError, match=r"development key .* not started with --dev"):
        verify_via(dev, mock_client(handler))
    assert seen == []
    run(dev.verifier(now=lambda: NOW).verify(dev.sign(BODY), BODY))


def test_use_http_client_and_aclose(pki: TestPKI) -> None:
    client = mock_client(lambda request: httpx.Response(200, content=pki.chain_pem))

    async def scenario() -> None:
        async with client:
            verifier = Verifier([pki.root], now=lambda: NOW)
            verifier.use_http_client(client)
            await verifier.verify(pki.sign(BODY), BODY)
            await verifier.aclose()  # it created no client: nothing to close
        assert client.is_closed

    run(scenario())


@pytest.mark.parametrize("status", [201, 204, 301, 302, 403, 404, 429, 500, 503])
def test_download_other_than_200(pki: TestPKI, status: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(
            status, headers={"Location": "https://evil.example/chain.pem"}, content=pki.chain_pem
        )

    with pytest.raises(CertificateError, match=f"HTTP {status}") as info:
        verify_via(pki, mock_client(handler))
    assert calls == [DEFAULT_CERT_URL]  # redirects are not followed
    # 403 or 404 (S3's answer for a made-up URL) is remembered for long; 5xx and 429 may pass
    may_pass = status >= 500 or status == 429
    assert isinstance(info.value, CertificateUnavailableError) is may_pass


def test_download_size_cap(pki: TestPKI) -> None:
    big = pki.chain_pem + b"\n" * 70_000

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    with pytest.raises(CertificateError, match="exceeds 65,536 bytes"):
        verify_via(pki, mock_client(lambda request: httpx.Response(200, content=big)))
    with pytest.raises(CertificateError, match="exceeds 65,536 bytes"):  # no Content-Length
        verify_via(pki, mock_client(lambda request: httpx.Response(200, content=chunks())))
    with pytest.raises(CertificateError, match="exceeds 1,000 bytes"):
        verify_via(
            pki,
            mock_client(lambda request: httpx.Response(200, content=pki.chain_pem)),
            max_chain_size=1000,
        )


def test_a_download_declaring_more_than_the_cap_is_refused_unread(pki: TestPKI) -> None:
    # Its Content-Length says so at once: none of its body is read (reading up to the cap
    # first would refuse it too, a cap's worth of memory and time later).
    read: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for _ in range(100):
            read.append(4096)
            yield b"-" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**9)}, content=body())

    with pytest.raises(CertificateError, match="exceeds 65,536 bytes"):
        verify_via(pki, mock_client(handler))
    assert read == []


def test_content_encoded_download_is_refused(pki: TestPKI) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"\x1f\x8b")

    with pytest.raises(CertificateError, match="content-encoded"):
        verify_via(pki, mock_client(handler))


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (httpx.ConnectError("refused"), "download failed"),
        (httpx.RemoteProtocolError("bad"), "download failed"),
        (httpx.ReadTimeout("slow"), "timed out"),
        (OSError("reset"), "download failed"),
    ],
)
def test_transport_errors(pki: TestPKI, exc: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(CertificateUnavailableError, match=message) as info:
        verify_via(pki, mock_client(handler))
    assert info.value.__cause__ is exc


def test_download_deadline(pki: TestPKI) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, content=pki.chain_pem)

    with pytest.raises(CertificateUnavailableError, match="timed out"):
        verify_via(pki, mock_client(slow), download_timeout=0.05)


def test_a_verifier_without_a_lent_client_shares_the_process_tls_settings(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Making httpx's TLS context loads certifi's roots (a few hundred ms of CPU): the client a
    # Verifier makes for itself (a mounted skill, AWS Lambda) takes the one the process has.
    from alexaskill.alexa_api import tls_context

    made: list[dict[str, Any]] = []
    real = httpx.AsyncClient

    def recording(**options: Any) -> httpx.AsyncClient:
        made.append(options)
        handler = lambda request: httpx.Response(200, content=pki.chain_pem)  # noqa: E731
        return real(transport=httpx.MockTransport(handler))

    monkeypatch.setattr(httpx, "AsyncClient", recording)

    async def scenario() -> None:
        verifier = Verifier([pki.root], now=lambda: NOW)
        await verifier.verify(pki.sign(BODY), BODY)
        await verifier.aclose()

    run(scenario())
    assert len(made) == 1
    assert made[0]["verify"] is tls_context()
    assert made[0]["follow_redirects"] is False


def test_a_verifier_of_its_own_client_downloads_from_one_event_loop_after_another(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server of one's own running each check in its own event loop (asyncio.run per request):
    # the client the verifier made kept its pooled connection, bound to the first loop, and the
    # next download failed ("RuntimeError: Event loop is closed"), refused as unreachable.
    import http.server
    import threading

    chain = pki.chain_pem

    class Serve(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the connection is pooled

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(chain)))
            self.end_headers()
            self.wfile.write(chain)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    local = f"http://127.0.0.1:{server.server_address[1]}"

    class ToLocal(httpx.AsyncBaseTransport):
        """Real sockets and pooling (httpx's own transport), to the local server."""

        def __init__(self, limits: httpx.Limits) -> None:
            self.inner = httpx.AsyncHTTPTransport(limits=limits)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.url = httpx.URL(local + request.url.raw_path.decode())
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    real = httpx.AsyncClient

    def made(**options: Any) -> httpx.AsyncClient:
        limits = options.pop("limits", None) or httpx.Limits()
        return real(transport=ToLocal(limits), **options)  # as the verifier's, to the server

    monkeypatch.setattr(httpx, "AsyncClient", made)
    verifier = Verifier([pki.root], now=lambda: NOW, download_timeout=30)  # (a loaded CI)
    try:
        for name in ("a", "b", "c"):  # another URL each time: each one downloads
            url = f"https://s3.amazonaws.com/echo.api/{name}.pem"
            run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    finally:
        run(verifier.aclose())
        server.shutdown()
        server.server_close()
        thread.join(30)


def test_a_download_that_lets_a_stray_cancellation_out_is_a_failed_download(pki: TestPKI) -> None:
    # An http_client whose transport awaits a task cancelled elsewhere lets CancelledError out
    # while nothing cancels the download: a failed download (400, tried again after 2 s), as a
    # fetch_chain's is (test_verify_cancelled), not a CancelledError out of the verifier.
    class Stray(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            task = asyncio.ensure_future(asyncio.sleep(60))
            task.cancel()
            await task
            raise AssertionError("never reached")

    async def check() -> None:
        async with httpx.AsyncClient(transport=Stray()) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            with pytest.raises(CertificateUnavailableError) as info:
                await verifier.verify(pki.sign(BODY), BODY)
            assert str(info.value) == "certificate chain: download failed"
            assert "CancelledError" in str(info.value.detail)

    run(check())


@pytest.mark.parametrize("length", ["\u00b2", "\u0663", "abc", "-5", "1e3", "", "5, 6"], ids=repr)
def test_a_content_length_that_is_no_ascii_number_is_said_malformed(
    pki: TestPKI, length: str
) -> None:
    # "²" passes str.isdigit(), and int() then raised: "download failed", the log's detail
    # sending the operator to check outbound HTTPS, DNS and proxies though the server answered.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers=[(b"Content-Length", length.encode())], content=pki.chain_pem
        )

    with pytest.raises(CertificateError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download's Content-Length is malformed"
    assert not isinstance(info.value, CertificateUnavailableError)


@pytest.mark.parametrize("length", ["{n}", " {n} ", "000{n}", "{n}, {n}"])
def test_a_content_length_in_ascii_digits_is_read(pki: TestPKI, length: str) -> None:
    # What h11 takes: spaces around it, zeros before it, the same length listed twice.
    size = len(pki.chain_pem)

    def handler(request: httpx.Request) -> httpx.Response:
        value = length.format(n=size).encode()
        return httpx.Response(200, headers=[(b"Content-Length", value)], content=pki.chain_pem)

    verify_via(pki, mock_client(handler))
    with pytest.raises(
        CertificateError, match=f"^certificate chain: download exceeds {size - 1:,}"
    ):
        verify_via(pki, mock_client(handler), max_chain_size=size - 1)


def test_a_content_length_of_thousands_of_digits_exceeds_the_limit(pki: TestPKI) -> None:
    # int() refuses a string of more than 4300 digits (ValueError): "download failed" too.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[(b"Content-Length", b"9" * 5000)], content=b"")

    with pytest.raises(
        CertificateError, match=r"^certificate chain: download exceeds 65,536 bytes$"
    ):
        verify_via(pki, mock_client(handler))


#: Answers whose head httpx (h11) refuses before the verifier sees it, each a server that
#: answered: (the raw answer, the reason the client is given).
_MALFORMED_ANSWERS: Final = {
    "two different lengths": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "certificate chain: download's Content-Length is malformed",
    ),
    "a length that is no number": (
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello",
        "certificate chain: download's Content-Length is malformed",
    ),
    "a status line that is no HTTP": (
        b"NOT HTTP AT ALL\r\n\r\n",
        "certificate chain: download's answer is malformed",
    ),
    # (A connection closed with no answer is still a failed download, the network's to check.)
    "no answer": (b"", "certificate chain: download failed"),
}


@pytest.mark.parametrize("case", list(_MALFORMED_ANSWERS))
def test_an_answer_httpx_refuses_as_malformed_is_said_malformed_not_unreachable(
    pki: TestPKI, case: str
) -> None:
    # httpx's own parser refused the head (RemoteProtocolError) before read_chain read it: a
    # "download failed" whose log sent the operator to check outbound HTTPS, DNS and proxies,
    # though the certificate server had answered.
    answer, reason = _MALFORMED_ANSWERS[case]
    refused = refusal_of_answer(pki, answer)
    assert str(refused) == reason
    if case == "no answer":
        assert isinstance(refused, CertificateUnavailableError)
        assert "allow outbound HTTPS" in str(refused.detail)
        return
    assert not isinstance(refused, CertificateUnavailableError)  # (the log's "allow outbound")
    assert "outbound HTTPS" not in str(getattr(refused, "detail", None))


#: Answers whose connection closed before the end of their body, which the head announced.
_CUT_SHORT_ANSWERS: Final = {
    "chunked, without its last chunk": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    ),
    "fewer bytes than its Content-Length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello"
    ),
}


@pytest.mark.parametrize("case", list(_CUT_SHORT_ANSWERS))
def test_an_answer_cut_short_is_a_download_that_may_pass_not_a_malformed_answer(
    pki: TestPKI, case: str
) -> None:
    # h11 says a body its connection's close cut short with a RemoteProtocolError too, which
    # was taken for a malformed answer: a CertificateError remembered for failure_ttl (60 s of
    # Alexa's requests refused after a proxy or the network cut one download), where a
    # connection reset mid-body is a failure that may pass, remembered 2 s.
    refused = refusal_of_answer(pki, _CUT_SHORT_ANSWERS[case])
    assert str(refused) == "certificate chain: download cut short"
    assert isinstance(refused, CertificateUnavailableError)
    assert "closed before the end of the answer" in str(refused.detail)
    assert "check DNS" not in str(refused.detail)  # (the server answered: no name to look up)


def test_a_tls_certificate_not_trusted_is_not_said_a_matter_of_network_access(
    pki: TestPKI, tmp_path: Path
) -> None:
    # The certificate server answered the TLS handshake with a certificate this server's roots
    # do not take (a proxy that inspects TLS on the way, a trust store of one's own): the log
    # said to allow outbound HTTPS, check DNS or set HTTPS_PROXY, none of which it needs.
    cert, key = self_signed(tmp_path, common_name="s3.amazonaws.com", dns=["s3.amazonaws.com"])
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    refused = refusal_of_answer(pki, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", server_tls)
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "CERTIFICATE_VERIFY_FAILED" in detail
    assert "allow outbound HTTPS" not in detail and "check DNS" not in detail
    assert "TLS certificate this server does not trust" in detail
    assert "SSL_CERT_FILE" in detail

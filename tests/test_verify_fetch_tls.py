"""A chain download's TLS failures, each said for what it is (alexaskill/verify/fetch.py), not
given the network's advice: a server that does not speak TLS, closes in the handshake, takes
only versions this server refuses or answers with an alert, and a bad record after the
handshake, before the answer or in its body. A server that refuses the connection still gets
that advice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import threading
from pathlib import Path

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestPKI
from benchmarks.serving import self_signed

from .verify_shared import mock_client, refusal_from_local, refusal_of_answer, run, verify_via

pytestmark = pytest.mark.oldest_dependencies


def _refusal_of_plain_http_over_https(pki: TestPKI, answer: bytes) -> CertificateError:
    """The verifier's refusal of a chain whose https:// download reached a server on 127.0.0.1
    that speaks plain HTTP: it reads the TLS ClientHello, answers ``answer`` and closes."""

    async def scenario() -> CertificateError:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            # The whole ClientHello (one TLS record: 5 bytes of header, the length in the
            # last two), which it takes for a bad request: a close with bytes unread would be
            # a reset, which may lose its answer.
            header = await reader.readexactly(5)
            await reader.readexactly(int.from_bytes(header[3:5], "big"))
            writer.write(answer)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        try:  # (certifi's roots: the handshake fails before them)
            return await refusal_from_local(pki, server.sockets[0].getsockname()[1])
        finally:
            server.close()
            await server.wait_closed()

    return run(scenario())


def test_a_plain_http_server_on_the_https_port_is_said_not_to_speak_tls(pki: TestPKI) -> None:
    # A mirror misconfigured (an https:// URL to port 80): the log said to allow outbound
    # HTTPS, check DNS or set HTTPS_PROXY, though the server was reached and answered.
    answer = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    refused = _refusal_of_plain_http_over_https(pki, answer)
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)  # a mirror set right passes
    detail = str(refused.detail)
    assert "TLS handshake failed: the server did not speak TLS" in detail
    assert "plain HTTP" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def test_a_server_closing_during_the_tls_handshake_is_said_so(pki: TestPKI) -> None:
    # It read the ClientHello and closed without a word (no TLS there either, or a TLS this
    # server's was refused): neither is a matter of DNS or proxies.
    refused = _refusal_of_plain_http_over_https(pki, b"")
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "TLS handshake failed: the server closed the connection" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def test_a_server_that_refuses_the_connection_still_gets_the_networks_advice(
    pki: TestPKI,
) -> None:
    # Nothing listens there: what to check is this server's way out (pinned, as the TLS
    # failures above no longer get this advice).
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download failed"
    assert "allow outbound HTTPS" in str(info.value.detail)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_a_tls_server_whose_versions_this_server_refuses_is_said_so(
    pki: TestPKI, tmp_path: Path
) -> None:
    # It speaks TLS, only TLS 1.1 or older, which this server's context refuses: the handshake's
    # failure is said, not the network's advice.
    cert, key = self_signed(tmp_path, common_name="s3.amazonaws.com", dns=["s3.amazonaws.com"])
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    server_tls.maximum_version = ssl.TLSVersion.TLSv1_1
    server_tls.set_ciphers("ALL:@SECLEVEL=0")
    server_tls.load_cert_chain(cert, key)
    refused = refusal_of_answer(pki, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", server_tls)
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    # (Python's server closes without an alert here; with one, OpenSSL's reason is said.)
    assert "TLS handshake failed" in detail and "versions" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def test_a_tls_alert_in_the_handshake_is_said_with_its_reason(pki: TestPKI) -> None:
    # The server speaks TLS and refused the handshake with an alert: said, with OpenSSL's name.
    refusal = ssl.SSLError(1, "[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version")
    refusal.reason = "TLSV1_ALERT_PROTOCOL_VERSION"

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(str(refusal)) from refusal

    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download failed"
    detail = str(info.value.detail)
    assert "TLS handshake failed (TLSV1_ALERT_PROTOCOL_VERSION)" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def _refusal_of_a_bad_tls_record(pki: TestPKI, tmp_path: Path, answer: bytes) -> CertificateError:
    """The refusal of a chain whose server on 127.0.0.1 (its certificate trusted: the handshake
    passes) read the request, sent ``answer`` over TLS, then bytes that are no TLS record of
    this connection's (a record whose MAC fails: a middlebox that alters the stream)."""
    cert, key = self_signed(tmp_path, common_name="127.0.0.1", ips=["127.0.0.1"], ca=True)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)  # (a client that never comes ends the thread, not the run)

    def serve() -> None:
        connection, _ = listener.accept()
        connection.settimeout(60)
        with server_tls.wrap_socket(connection, server_side=True) as tls:
            head = b""
            while b"\r\n\r\n" not in head:
                head += tls.recv(4096)
            tls.sendall(answer)
            # Written under TLS, to the socket itself: application data no key of this
            # connection's encrypted.
            os.write(tls.fileno(), b"\x17\x03\x03\x00\x20" + b"\x5a" * 32)
            with contextlib.suppress(OSError):  # until the client has closed
                while os.read(tls.fileno(), 4096):
                    pass

    async def scenario() -> CertificateError:
        roots = ssl.create_default_context(cafile=cert)
        return await refusal_from_local(pki, port, roots=roots)

    port = listener.getsockname()[1]
    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        return run(scenario())
    finally:
        server.join(60)
        listener.close()


def test_a_bad_tls_record_before_the_answer_is_said_a_tls_failure(
    pki: TestPKI, tmp_path: Path
) -> None:
    # The handshake passed, then the first record of the answer was bad (an SSLError, which
    # anyio lets out as it is): the log said to allow outbound HTTPS, check DNS or set
    # HTTPS_PROXY.
    refused = _refusal_of_a_bad_tls_record(pki, tmp_path, b"")
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "SSLError" in detail
    assert "TLS failed during the answer, after the handshake" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def test_a_bad_tls_record_mid_body_is_said_a_tls_failure_not_a_close(
    pki: TestPKI, tmp_path: Path
) -> None:
    # The SSLError went past read_chain's count of the bytes (it took httpx's errors only): a
    # "download failed", with the network's advice, though the server had answered.
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello"
    refused = _refusal_of_a_bad_tls_record(pki, tmp_path, answer)
    assert str(refused) == "certificate chain: download cut short"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "TLS failed during the answer, after the handshake" in detail
    assert "(5 of the 1,000 bytes its Content-Length announced)" in detail
    assert "connection closed" not in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail

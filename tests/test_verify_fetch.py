"""A chain download's failures, each said for what it is (alexaskill/verify/fetch.py): an answer
cut short is one that may pass however its HTTP parser words it, and a server that does not
speak TLS, or one that answers too slowly, is told apart from a network this server cannot
get through. (tests/test_verify.py has the rest: status codes, sizes, lengths, malformed
heads.)"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import ssl
import sys
import threading
import time
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final, NoReturn

import h11
import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

import alexaskill.downloads
from alexaskill import Response, Skill, speak
from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.outgoing_progress import _traces
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI
from alexaskill.verify import Verifier
from benchmarks.serving import self_signed

from .blackhole import HandshakeUnanswered, SilentProxy
from .verify_shared import (
    BODY,
    NOW,
    download_refused,
    mock_client,
    refusal_from_local,
    refusal_of_answer,
    run,
    verify_via,
)


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
    assert "(5 of the 1000 bytes its Content-Length announced)" in refused[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("headers", "content", "reason"),
    [
        ({"Content-Encoding": "gzip"}, b"\x1f\x8b", "download is content-encoded"),
        ({}, b"-" * 65537, "download exceeds 65536 bytes"),
        ({"Content-Length": "65537"}, b"", "download exceeds 65536 bytes"),
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


class _HeldClock:
    """The loop's clock and the downloads' (``time.monotonic``), held still until `go`: the
    download's time limit cannot run out before the server has done its part. (A real clock ran
    out first on a loaded machine, the connection not yet seen made: a connect timeout.)"""

    def __init__(self) -> None:
        self.held: float | None = time.monotonic()
        self.behind = 0.0

    def time(self) -> float:
        return self.held if self.held is not None else time.monotonic() - self.behind

    def go(self) -> None:
        """Let the clock run on from where it was held."""
        if self.held is not None:
            self.behind, self.held = time.monotonic() - self.held, None

    def __getattr__(self, name: str) -> Any:  # (as the time module, for alexaskill.downloads)
        return self.time if name == "monotonic" else getattr(time, name)


def _refusal_of_a_silent_server(
    pki: TestPKI, answer: bytes, monkeypatch: pytest.MonkeyPatch
) -> CertificateError:
    """The refusal of a chain whose server on 127.0.0.1 read the request, sent ``answer`` (a
    head and part of its body, or nothing) and then nothing more, within a download_timeout of
    1 s (`Downloads`' time limit, which ends the download before httpx's own), counted from
    when the server has sent ``answer`` (`_HeldClock`)."""
    clock = _HeldClock()
    monkeypatch.setattr(alexaskill.downloads, "time", clock)

    async def scenario() -> CertificateError:
        release = asyncio.Event()
        served: list[asyncio.Task[None]] = []
        loop = asyncio.get_running_loop()
        monkeypatch.setattr(loop, "time", clock.time)  # (asyncio.timeout's, anyio's)

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            served.append(asyncio.current_task())  # type: ignore[arg-type]
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
            for _ in range(20):  # (the client's turns: it reads what came, or waits for it)
                await asyncio.sleep(0)
            clock.go()
            await release.wait()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        try:
            port = server.sockets[0].getsockname()[1]
            return await refusal_from_local(pki, port, scheme="http", download_timeout=1.0)
        finally:
            clock.go()
            release.set()
            await asyncio.gather(*served, return_exceptions=True)
            server.close()
            await server.wait_closed()

    return run(scenario())


def test_a_server_that_does_not_answer_in_time_is_said_reached_and_slow(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It accepted the connection, read the request and said nothing: the log told the operator
    # to allow outbound HTTPS, check DNS or set HTTPS_PROXY, though the server had been reached.
    refused = _refusal_of_a_silent_server(pki, b"", monkeypatch)
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "the server was reached (connected, request sent)" in detail
    assert "but sent no answer within 1 s (download_timeout)" in detail
    assert detail.endswith("; it may pass")
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


def test_a_body_that_stops_coming_is_said_slow_with_the_bytes_that_came(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = _refusal_of_a_silent_server(
        pki, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello", monkeypatch
    )
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert (
        "the server answered, then did not send all its body within 1 s (download_timeout)"
        in detail
    )
    assert "(5 of the 1000 bytes its Content-Length announced)" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


@pytest.mark.skipif(sys.platform != "linux", reason="Linux drops a SYN its full queue cannot take")
def test_a_connection_that_gets_no_answer_is_said_a_connect_timeout(pki: TestPKI) -> None:
    # A listener whose queue of connections not accepted yet is full (listen(0) takes one, on
    # Linux): the kernel drops the next SYNs unanswered, as a firewall that drops packets does.
    # The network's advice fits, but the log said no more than "no answer within 1 s".
    with socket.socket() as listener, socket.socket() as first:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        first.connect(("127.0.0.1", port))
        refused = run(refusal_from_local(pki, port, scheme="http", download_timeout=1.0))
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    # (The address the URL's, as a transport that sends it elsewhere changed it: no proxy.)
    assert f"its TCP connection to 127.0.0.1:{port} got no answer within 1 s" in detail
    assert "(download_timeout), a timeout, not a refusal" in detail and "proxy at" not in detail
    assert "allow outbound HTTPS" in detail and "check DNS" in detail


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (httpx.ReadTimeout("timed out"), "the server was reached (connected, request sent)"),
        (httpx.ConnectTimeout("timed out"), "its TCP connection got no answer within 5 s"),
        (httpx.WriteTimeout("timed out"), "the server was reached (connected) but did not take"),
        (httpx.PoolTimeout("timed out"), "the HTTP client's pool is exhausted"),
    ],
    ids=["read", "connect", "write", "pool"],
)
def test_httpx_own_timeouts_are_named_for_their_stage(
    pki: TestPKI, error: Exception, said: str
) -> None:
    # A transport that keeps time itself (a client's own, here a MockTransport's) says which
    # stage ran out: a read timeout was given the network's advice, as a connect timeout is.
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download timed out"
    assert info.value.__cause__ is error
    detail = str(info.value.detail)
    assert said in detail
    assert f"{type(error).__name__}: timed out" in detail
    assert ("check DNS" in detail) is isinstance(error, httpx.ConnectTimeout)


@pytest.fixture
def slot_wait(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Seconds each download spends waiting for its slot (``slot_wait[0] = 3.0``), by the
    clock of `Downloads`' time limit (its own: the event loop's time.monotonic left alone)."""
    from alexaskill.downloads import Downloads

    waits, clock = [0.0], [1000.0]
    monkeypatch.setattr(
        "alexaskill.downloads.time", types.SimpleNamespace(monotonic=lambda: clock[0])
    )
    acquire = Downloads._acquire

    async def slow_slot(self: Downloads[Any], download: Any) -> bool:
        queued = await acquire(self, download)
        clock[0] += waits[0]
        return queued or waits[0] > 0  # (a wait for the slot: as if queued behind others)

    monkeypatch.setattr(Downloads, "_acquire", slow_slot)
    return waits


def _timing_out(given: list[object]) -> httpx.AsyncClient:
    """A client whose every download times out (httpx's ConnectTimeout), noting in ``given``
    the timeout httpx was given for it."""

    def handler(request: httpx.Request) -> httpx.Response:
        given.append(request.extensions["timeout"])
        raise httpx.ConnectTimeout("timed out")

    return mock_client(handler)


def test_httpx_is_given_the_time_left_of_download_timeout_not_all_of_it(
    pki: TestPKI, slot_wait: list[float]
) -> None:
    # `download_timeout` bounds the wait for a download slot and the download together
    # (`Downloads`' time limit), but read_chain gave httpx all of it whatever the wait had
    # spent: httpx's own timeout, which names the stage that ran out, never acted first.
    slot_wait[0] = 3.0  # three of its five seconds
    given: list[object] = []
    with pytest.raises(CertificateUnavailableError) as info:
        verify_via(pki, _timing_out(given), download_timeout=5.0)
    assert given == [{"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}]
    # The log still says the limit that ran out: download_timeout, all of it.
    assert "its TCP connection got no answer within 5 s" in str(info.value.detail)


@pytest.mark.parametrize(("waited", "remembered"), [(1.0, True), (3.0, False)])
def test_httpxs_own_timeout_is_remembered_as_the_limits_is(
    pki: TestPKI, slot_wait: list[float], waited: float, remembered: bool
) -> None:
    # Given the time left, httpx's timeout may end a download that spent most of its time
    # waiting for a slot (a flood of other URLs holding them): no failure of its URL's, so
    # not remembered (the next request downloads again), as when the limit itself ends it.
    slot_wait[0] = waited
    given: list[object] = []
    client = _timing_out(given)

    async def twice() -> list[str]:
        refused = []
        async with client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            for _ in range(2):
                with pytest.raises(CertificateUnavailableError) as info:
                    await verifier.verify(pki.sign(BODY), BODY)
                refused.append(str(info.value))
        return refused

    refused = run(twice())
    if remembered:
        assert refused == [
            "certificate chain: download timed out",
            "certificate chain: download timed out (a recent failure: not tried again yet)",
        ]
        assert len(given) == 1
    else:
        assert (
            refused
            == ["certificate chain: download timed out (after waiting for a download slot)"] * 2
        )
        assert len(given) == 2


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
    assert "(5 of the 1000 bytes its Content-Length announced)" in detail
    assert "connection closed" not in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail


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
    assert "its connection closed before the end of the answer (5 of the 1000 bytes" in detail
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


def test_a_proxy_that_does_not_answer_its_connect_is_said_so_not_the_server(
    pki: TestPKI,
) -> None:
    # Through HTTPS_PROXY the TCP connection is the proxy's: a proxy that took the CONNECT and
    # said nothing was logged as "the server was reached (connected, request sent)", sending
    # the operator to a certificate server this one never got to.
    with SilentProxy() as stuck:
        refused = download_refused(pki, f"http://127.0.0.1:{stuck.port}", download_timeout=2)
    assert stuck.heard.startswith(b"CONNECT s3.amazonaws.com:443 ")  # (no further: no internet)
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    assert f"the proxy http://127.0.0.1:{stuck.port} was reached" in detail  # (the client's)
    assert "did not answer its CONNECT (the tunnel to s3.amazonaws.com:443)" in detail
    assert "within 2 s (download_timeout)" in detail
    assert "the server was reached" not in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")


def test_a_proxy_whose_tcp_connect_gets_no_answer_gets_the_proxys_advice(
    pki: TestPKI,
) -> None:
    # A proxy's address that drops SYNs (its listen queue full, as in the connect timeout
    # test above): the log named the address, "(the server, or the proxy set)", and then
    # advised to "set HTTPS_PROXY to the proxy it must use" an operator who had. The address
    # the connection went to is not the URL's: the proxy's, as the CONNECT case says.
    with socket.socket() as listener, socket.socket() as first:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        first.connect(("127.0.0.1", port))
        refused = download_refused(pki, f"http://127.0.0.1:{port}", download_timeout=1.0)
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    said = f"its TCP connection to the proxy http://127.0.0.1:{port} got no answer"
    assert said in detail, detail
    assert "got no answer within 1 s (download_timeout), a timeout, not a refusal" in detail
    assert "the proxy is up" in detail
    assert "set HTTPS_PROXY" not in detail and "the server, or the proxy set" not in detail


def test_httpx_still_names_the_transport_that_sends_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # test_a_full_pool_behind_a_transport_of_ones_own_is_said_a_full_pool (tests/
    # test_verify_progress.py; its "httpx's own" case is a client of the skill's own, made with
    # httpx.Limits alone) passes only as long as fetch._traces learns which transport the
    # client sends the URL through: httpx's own traces each connection it begins, so nothing traced
    # there is a wait for the pool; a MockTransport (or one's own) traces nothing anyway.
    # httpx has no public way to ask (no public attribute for a client's transport or mounts;
    # the trace extension begins at connect_tcp, the pool's wait untraced; event hooks and
    # auth run before the transport and do not name it), so _traces asks the private
    # AsyncClient._transport_for_url (httpx 0.28, the oldest allowed, to 0.29). Renamed or
    # changed, this fails by name: the log would give a full pool the network's advice again.
    assert callable(getattr(httpx.AsyncClient, "_transport_for_url", None)), (
        "httpx.AsyncClient._transport_for_url is gone: alexaskill/verify/fetch.py's _traces "
        "can no longer tell a wait for a full pool from an untraced transport"
    )
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    clients = {
        "plain": (httpx.AsyncClient(trust_env=False), True),
        "proxy=": (httpx.AsyncClient(proxy="http://127.0.0.1:3128", trust_env=False), True),
        "HTTPS_PROXY": (httpx.AsyncClient(), True),
        "transport=": (httpx.AsyncClient(transport=mock, trust_env=False), False),
        "mounted": (httpx.AsyncClient(mounts={"https://s3.amazonaws.com": mock}), False),
        "mounted elsewhere": (httpx.AsyncClient(mounts={"https://example.com": mock}), True),
    }
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
    try:
        said = {name: _traces(client, url) for name, (client, _) in clients.items()}
    finally:
        for client, _ in clients.values():
            run(client.aclose())
    assert said == {name: traces for name, (_, traces) in clients.items()}


def test_a_tunnel_through_which_tls_gets_no_answer_names_the_proxy(pki: TestPKI) -> None:
    # The proxy answered the CONNECT, then passed nothing on: the TLS handshake said as the
    # tunnel's, the proxy named, not as a server that "does not speak TLS there".
    with HandshakeUnanswered(tunnel=True) as stuck:
        refused = download_refused(pki, f"http://127.0.0.1:{stuck.port}", download_timeout=2)
    assert stuck.connect.startswith(b"CONNECT s3.amazonaws.com:443 ")
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    tunnel = f"the proxy http://127.0.0.1:{stuck.port} opened its tunnel to s3.amazonaws.com:443"
    assert tunnel in detail
    assert "but the TLS handshake through it got no answer within 2 s" in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")

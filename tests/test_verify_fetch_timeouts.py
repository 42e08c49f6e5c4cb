"""A chain download that runs out of time, said for the stage it reached
(alexaskill/verify/fetch.py): a server reached that sends no answer, or not all its body, a
connection that gets no answer, httpx's own timeouts; and httpx given the time left of
`download_timeout` after the wait for a download slot, its timeout remembered as the limit's."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
import types
from typing import Any

import httpx
import pytest

import alexaskill.downloads
from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier

from .verify_shared import BODY, NOW, mock_client, refusal_from_local, run, verify_via

pytestmark = pytest.mark.oldest_dependencies


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
    assert "(5 of the 1,000 bytes its Content-Length announced)" in detail
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

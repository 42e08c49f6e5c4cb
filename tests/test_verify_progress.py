"""How far a chain download got, and what the log says when its time ran out
(alexaskill/outgoing_progress.py): through a transport wrapped around httpx's own as through
httpx's own. (tests/test_verify_fetch_timeouts.py has a download's stages through httpx's own.)"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.outgoing_progress import _traces
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.fetch import download_chain

from .blackhole import (
    HandshakeUnanswered,
    RefusingSocks,
    RefusingTunnels,
    SilentProxy,
    SilentSocks,
    SilentTunnels,
    StalledSocks,
    StalledTunnels,
    handshake_cancelled,
    unconnectable_port,
)
from .verify_shared import BODY, NOW, download_refused, refusal_from_local, run

URL: Final = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


class _Sub(httpx.AsyncHTTPTransport):
    """httpx's transport, subclassed with nothing changed (a name of one's own)."""


class _Counting(httpx.AsyncHTTPTransport):
    """httpx's transport, subclassed to count what it sends before sending it itself."""

    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


class _Wrapper(httpx.AsyncBaseTransport):
    """A transport that passes every request on to the one it holds (logging, headers added)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class _SlottedWrapper(httpx.AsyncBaseTransport):
    """The same, its transport held in a slot."""

    __slots__ = ("transport",)

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transport.handle_async_request(request)


def _opaque(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
    """A transport that holds httpx's in a closure: nothing to see it by."""

    class Opaque(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await inner.handle_async_request(request)

    return Opaque()


class _Hiding(httpx.AsyncBaseTransport):
    """A transport whose attributes cannot be read (its ``__dict__`` raises)."""

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        raise RuntimeError("nothing to see")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError


def _mock() -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200))


#: Transports around (or instead of) httpx's own, and whether a download through each is traced.
_SHAPES: Final[dict[str, tuple[Callable[[], httpx.AsyncBaseTransport], bool]]] = {
    "httpx's own": (httpx.AsyncHTTPTransport, True),
    "a subclass": (_Sub, True),
    "a subclass that sends itself": (_Counting, True),
    "a wrapper": (lambda: _Wrapper(httpx.AsyncHTTPTransport()), True),
    "a wrapper in a slot": (lambda: _SlottedWrapper(httpx.AsyncHTTPTransport()), True),
    "a wrapper of a wrapper": (lambda: _Wrapper(_SlottedWrapper(_Counting())), True),
    "a wrapper of a MockTransport": (lambda: _Wrapper(_mock()), False),
    "a MockTransport": (_mock, False),
    "a closure's": (lambda: _opaque(httpx.AsyncHTTPTransport()), False),
    # (a failure to look is nothing known, never the download's failure)
    "one that hides its attributes": (_Hiding, False),
}


@pytest.mark.parametrize("shape", list(_SHAPES))
def test_a_transport_around_httpxs_own_is_seen_through(shape: str) -> None:
    # A transport of one's own around httpx's (a subclass, or a wrapper holding it, as the
    # tests' own ToLocal does) traces each connection as httpx's does, since httpx's does the
    # sending: _traces compared the type with httpx.AsyncHTTPTransport alone, so through such a
    # transport a full pool was given the network's advice.
    make, traces = _SHAPES[shape]
    transport = make()
    for client in (
        httpx.AsyncClient(transport=transport, trust_env=False),
        httpx.AsyncClient(mounts={"https://s3.amazonaws.com": transport}, trust_env=False),
    ):
        try:
            assert _traces(client, URL) is traces
        finally:
            run(client.aclose())


#: The shapes of a client's transport that the pool test below goes through.
_POOLED: Final[dict[str, Callable[[httpx.Limits], httpx.AsyncBaseTransport | None]]] = {
    "httpx's own": lambda limits: None,
    "a subclass": lambda limits: _Counting(limits=limits),
    "a wrapper": lambda limits: _Wrapper(httpx.AsyncHTTPTransport(limits=limits)),
}


@pytest.mark.parametrize("shape", list(_POOLED))
def test_a_full_pool_behind_a_transport_of_ones_own_is_said_a_full_pool(
    pki: TestPKI, shape: str
) -> None:
    # The client's one connection (httpx.Limits) held by another request: the download never
    # began a connection, and the log gave the network's advice ("check DNS"), first through
    # httpx's own transport (a client of the skill's own, made with httpx.Limits alone), then
    # through a transport around it, as for a transport that traces nothing; it names the pool,
    # and the transport around it, which may have held the request itself.
    async def scenario() -> CertificateError:
        limits = httpx.Limits(max_connections=1)
        transport = _POOLED[shape](limits)
        async with httpx.AsyncClient(limits=limits, transport=transport, trust_env=False) as client:
            # (to a local server that never answers: the chain's download never gets to connect)
            holder = asyncio.ensure_future(
                client.get(f"http://127.0.0.1:{silent.port}/", timeout=60)
            )
            assert await asyncio.to_thread(silent.came.wait, 60)
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=2)
            try:
                with pytest.raises(CertificateError) as info:
                    await checker.verify(pki.sign(BODY), BODY)
            finally:
                holder.cancel()
                await asyncio.gather(holder, return_exceptions=True)
            return info.value

    with SilentProxy() as silent:  # (as a server that says nothing)
        refused = run(scenario())
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "the HTTP client's pool is exhausted" in detail
    assert "httpx.Limits" in detail and "within 2 s (download_timeout)" in detail
    assert "check DNS" not in detail and "outbound HTTPS" not in detail
    name = {"httpx's own": None, "a subclass": "_Counting", "a wrapper": "_Wrapper"}[shape]
    if name is None:
        assert "around httpx's" not in detail
    else:
        assert f"or its transport {name}, around httpx's, held the request" in detail


class _ToPlainHttp(httpx.AsyncBaseTransport):
    """A transport of one's own that sends the download over plain http://, through the proxy
    its inner transport has (as a test's, or a user's, rewriting the URL would)."""

    def __init__(self, proxy: str) -> None:
        self.inner = httpx.AsyncHTTPTransport(proxy=proxy)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _said_of_a_stuck_forward_proxy(detail: str, port: int) -> None:
    """What a refusal's ``detail`` must say of a proxy at ``port`` that took a plain http://
    request (absolute-form, no CONNECT) and never answered."""
    # (the client's own proxy, no variable's: named by its URL)
    assert f"the proxy http://127.0.0.1:{port} was reached" in detail
    assert "was reached (connected, request sent) but sent no answer" in detail
    assert "the server was reached" not in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")


def test_a_stuck_proxy_of_a_plain_http_download_is_not_said_to_be_the_server(
    pki: TestPKI,
) -> None:
    # For http:// through a proxy there is no tunnel: the request itself goes to the proxy
    # (GET http://host/path), so the proxy is the peer. A proxy that took it and said nothing
    # was logged as "the server was reached (connected, request sent)", a server this one
    # never got to.
    async def scenario() -> CertificateError:
        async with httpx.AsyncClient(transport=_ToPlainHttp(proxy), trust_env=False) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=1)
            with pytest.raises(CertificateError) as info:
                await checker.verify(pki.sign(BODY), BODY)
            return info.value

    with SilentProxy() as stuck:
        proxy = f"http://127.0.0.1:{stuck.port}"
        refused = run(scenario())
    assert stuck.heard.startswith(b"GET http://s3.amazonaws.com/echo.api/")  # (no internet)
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    _said_of_a_stuck_forward_proxy(str(refused.detail), stuck.port)


def test_httpxs_own_timeout_at_a_stuck_proxy_of_a_plain_http_url_names_the_proxy() -> None:
    # The same through download_chain itself, an http:// URL and a client's proxy=: httpx's
    # ReadTimeout (its own time limit, before any of the verifier's) says the same.
    url = "http://s3.amazonaws.com/echo.api/echo-api-cert.pem"

    async def scenario() -> CertificateError:
        async with httpx.AsyncClient(
            proxy=f"http://127.0.0.1:{stuck.port}", trust_env=False
        ) as client:
            with pytest.raises(CertificateError) as info:
                await download_chain(client, url, timeout=1, limit=1000)
            return info.value

    with SilentProxy() as stuck:
        refused = run(scenario())
    assert stuck.heard.startswith(f"GET {url} ".encode())
    assert isinstance(refused.__cause__, httpx.ReadTimeout)
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    _said_of_a_stuck_forward_proxy(str(refused.detail), stuck.port)


class _SilentTls(SilentProxy):
    """A proxy on 127.0.0.1 that reads the first bytes that come (a TLS handshake's, which end
    in no blank line) and then says nothing until closed."""

    def _serve(self, connection: socket.socket) -> None:
        self.heard = connection.recv(4096)
        self.came.set()
        self.done.wait(60)


def test_an_https_proxy_whose_tls_gets_no_answer_is_not_said_to_have_opened_a_tunnel() -> None:
    # An https:// proxy (HTTPS_PROXY=https://...) is spoken to over TLS before its CONNECT: a
    # proxy that took the connection and never answered the handshake was logged as one that
    # "opened its tunnel to s3.amazonaws.com:443" and passed the server's handshake on to no
    # answer, though no CONNECT had been sent. (Through download_chain, httpx's own timeout;
    # the Verifier's, which cancels the handshake, is
    # test_a_tls_handshake_the_time_limit_ends_has_its_socket_closed's.)
    async def scenario() -> CertificateError:
        proxy = f"https://127.0.0.1:{stuck.port}"
        async with httpx.AsyncClient(proxy=proxy, trust_env=False) as client:
            with pytest.raises(CertificateError) as info:
                await download_chain(client, URL, timeout=1, limit=1000)
            return info.value

    with _SilentTls() as stuck:
        refused = run(scenario())
    # (a TLS handshake's record came, no CONNECT: nothing went further, to the internet)
    assert stuck.heard.startswith(b"\x16\x03")
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "opened its tunnel" not in detail
    said = f"its TCP connection to the proxy https://127.0.0.1:{stuck.port} was made, but the"
    assert said in detail and "handshake with the proxy (an https:// one) got no answer" in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")


def test_an_https_proxys_own_untrusted_certificate_is_said_the_proxys(tmp_path: Path) -> None:
    # An https:// proxy whose certificate this server does not trust: its own handshake, before
    # any CONNECT, failed, and the log said "the server answered with a TLS certificate this
    # server does not trust", of a certificate server never reached.
    import ssl

    from benchmarks.serving import self_signed

    cert, key = self_signed(tmp_path, common_name="proxy", ips=["127.0.0.1"])
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(cert, key)

    async def scenario(port: int) -> CertificateError:
        async with httpx.AsyncClient(proxy=f"https://127.0.0.1:{port}", trust_env=False) as client:
            with pytest.raises(CertificateError) as info:
                await download_chain(client, URL, timeout=5, limit=1000)
            return info.value

    with StalledTunnels(proxy_tls) as proxy:
        refused = run(scenario(proxy.port))
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    said = f"the TLS handshake with the proxy https://127.0.0.1:{proxy.port} failed"
    assert said in detail and "certificate this server does not trust" not in detail, detail
    assert "the server answered" not in detail and "check DNS" not in detail, detail


def test_a_stuck_proxy_on_a_kept_connection_is_still_not_said_to_be_the_server() -> None:
    # A connection kept from an earlier request traces no connect, so the proxy's address is
    # not traced: the request in absolute form still says it went to a proxy, named by the
    # URL its pool holds.
    url = "http://s3.amazonaws.com/echo.api/echo-api-cert.pem"
    heard: list[bytes] = []
    served: list[asyncio.Task[Any]] = []
    ports: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.append(asyncio.current_task())  # type: ignore[arg-type]
        try:
            heard.append(await reader.readuntil(b"\r\n\r\n"))  # answered, the connection kept
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
            await writer.drain()
            heard.append(await reader.readuntil(b"\r\n\r\n"))  # then nothing
            await asyncio.Event().wait()  # (until cancelled)
        finally:
            writer.close()

    async def scenario() -> CertificateError:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        ports.append(port)
        try:
            async with httpx.AsyncClient(proxy=f"http://127.0.0.1:{port}", trust_env=False) as c:
                assert await download_chain(c, url, timeout=5, limit=1000) == b"x"
                with pytest.raises(CertificateError) as info:
                    await download_chain(c, url, timeout=1, limit=1000)
                return info.value
        finally:
            for task in served:
                task.cancel()
            await asyncio.gather(*served, return_exceptions=True)
            server.close()
            await server.wait_closed()

    refused = run(scenario())
    assert [head.split(b" ")[:2] for head in heard] == [[b"GET", url.encode()]] * 2
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    said = "was reached (connected, request sent) but sent no answer"
    assert f"the proxy http://127.0.0.1:{ports[0]} {said}" in detail, detail
    assert "not the server's: a slow or stuck proxy" in detail
    assert "the server was reached" not in detail and "None" not in detail


async def _refusal_through_proxy(
    pki: TestPKI, scheme: str, server: HandshakeUnanswered
) -> tuple[CertificateError, bool]:
    """The verifier's refusal of a chain downloaded through a ``scheme``:// proxy at the
    ``server``'s port, and whether the download's connection was closed before the client
    was (within 30 s)."""
    proxy = f"{scheme}://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(proxy=proxy, trust_env=False) as client:
        checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=1)
        with pytest.raises(CertificateError) as info:
            await checker.verify(pki.sign(BODY), BODY)
        # Before the client closes: httpcore's pool keeps a failed tunnel's connection (the one
        # to the proxy), and closes it then; but an app's client lives as long as the app.
        closed = await asyncio.to_thread(server.closed.wait, 30)
        return info.value, closed


@pytest.mark.parametrize("where", ["server", "https proxy", "http proxy"])
def test_a_tls_handshake_the_time_limit_ends_has_its_socket_closed(
    pki: TestPKI, where: str
) -> None:
    # The Verifier's time limit (download_timeout, Downloads' asyncio.timeout) cancels a
    # download whose TLS handshake, with the certificate server, with an https:// proxy, or
    # with the server through the tunnel an http:// proxy opened (it answered the CONNECT 200),
    # got no answer: its socket is closed, not left to the garbage collector
    # (`handshake_cancelled`), one socket per stalled download.
    def download(server: HandshakeUnanswered) -> tuple[CertificateError, bool]:
        if where == "server":  # (no tunnel: its client's closing closes no handshake's socket)
            return run(refusal_from_local(pki, server.port, download_timeout=1)), True
        return run(_refusal_through_proxy(pki, where.split()[0], server))

    (refused, closed), server = handshake_cancelled(download, tunnel=where == "http proxy")
    assert closed, "the download's socket was left open, until its HTTP client closed"
    if where == "http proxy":  # (the tunnel asked for: to the certificate's server)
        assert server.connect.startswith(b"CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n")
    # What the log says of the stalled download stays as it was.
    assert str(refused) == "certificate chain: download timed out"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "TimeoutError: no answer within 1 s" in detail  # (Downloads' limit, not httpx's)
    proxy = f"the proxy http://127.0.0.1:{server.port}"
    said = {
        "server": "the TCP connection was made, but its TLS handshake got no answer within 1 s",
        "https proxy": (
            f"its TCP connection to the proxy https://127.0.0.1:{server.port} was made, but "
            "the TLS handshake with the proxy (an https:// one) got no answer within 1 s"
        ),
        "http proxy": (
            f"{proxy} opened its tunnel to s3.amazonaws.com:443, but the TLS handshake "
            "through it got no answer within 1 s"
        ),
    }[where]
    assert said in detail and detail.endswith("; it may pass")


def _three_downloads_in_a_pool_of_two(
    pki: TestPKI, proxy: StalledTunnels, scheme: str, *, httpx_timeout: bool = False
) -> list[str]:
    """What each of three chain downloads said, failed through ``proxy`` (``scheme``://) by one
    client whose pool has two places: the Verifier's, its download_timeout ending each, or with
    ``httpx_timeout`` `download_chain` alone, httpx's connect timeout ending each. Each of the
    first two stalls where ``proxy`` stalls it (`wait_for_handshakes`) before the next starts."""

    async def downloads() -> list[str]:
        limits = httpx.Limits(max_connections=2)
        said = []
        async with httpx.AsyncClient(
            proxy=f"{scheme}://127.0.0.1:{proxy.port}", limits=limits, trust_env=False
        ) as client:
            checker = Verifier(
                [pki.root], now=lambda: NOW, http_client=client, download_timeout=1, failure_ttl=0
            )
            for download in range(1, 4):
                with pytest.raises(CertificateUnavailableError) as info:
                    if httpx_timeout:
                        await download_chain(client, URL, timeout=1, limit=100_000)
                    else:
                        await checker.verify(pki.sign(BODY), BODY)
                said.append(str(info.value.detail))
                if download < 3:  # (each of the first two stalled where meant)
                    assert await asyncio.to_thread(proxy.wait_for_handshakes, download)
        return said

    return run(downloads())


@pytest.mark.parametrize("limit", ["the verifier's", "httpx's"])
def test_a_tunnel_whose_handshake_timed_out_gives_its_pool_place_back(
    pki: TestPKI, limit: str
) -> None:
    # Through an http:// proxy that opened the tunnel (CONNECT answered 200), a TLS handshake
    # that timed out (the Verifier's download_timeout cancelling it, or httpx's own connect
    # timeout failing it) left its connection in the client's pool (httpcore 1.0.9's tunnel
    # never marks itself failed): neither closed nor available, never expiring. With the
    # pool's limit at 2 (the app's client, which the verifier shares with Alexa API calls, has
    # 100), two stalled downloads filled it, and the third never connected: "the HTTP client's
    # pool is exhausted".
    with StalledTunnels() as proxy:
        said = _three_downloads_in_a_pool_of_two(
            pki, proxy, "http", httpx_timeout=limit == "httpx's"
        )
    assert [head.split(b"\r\n")[0] for head in proxy.connects] == [
        b"CONNECT s3.amazonaws.com:443 HTTP/1.1"
    ] * 3, "a download found no place in the pool: its connection was never made"
    tunnel = f"the proxy http://127.0.0.1:{proxy.port} opened its tunnel to s3.amazonaws.com:443"
    assert all(tunnel in detail for detail in said), said
    assert not any("pool is exhausted" in detail for detail in said)


@pytest.mark.parametrize("stall", ["the SOCKS handshake", "the TLS handshake"])
def test_a_socks_connect_the_download_timeout_ended_gives_its_pool_place_back(
    pki: TestPKI, stall: str
) -> None:
    # Through a SOCKS5 proxy that stalled (its CONNECT unanswered, or the server's TLS handshake
    # through it), a connect the Verifier's download_timeout cancelled stayed in the client's
    # pool (httpcore 1.0.9 marks a SOCKS connection failed on an Exception only): with the
    # pool's limit at 2, two stalled downloads filled it and the third never connected.
    with StalledSocks(answer=stall == "the TLS handshake") as proxy:
        said = _three_downloads_in_a_pool_of_two(pki, proxy, "socks5")
    assert len(proxy.connects) == 3, "a download found no place in the pool: it never connected"
    assert not any("pool is exhausted" in detail for detail in said), said


@pytest.mark.parametrize("stall", ["the SOCKS handshake", "the TLS handshake"])
def test_a_download_stalled_through_a_socks_proxy_is_said_where_it_stalled(
    pki: TestPKI, stall: str
) -> None:
    # Through a SOCKS5 proxy the TCP connection to it was made in both cases: a stalled SOCKS
    # handshake (its CONNECT unanswered) was said a TCP connection to the proxy that "got no
    # answer", and a stalled TLS handshake through it the handshake "with the proxy" (an
    # https:// proxy's): it is the server's, through the tunnel the proxy opened.
    with StalledSocks(answer=stall == "the TLS handshake") as proxy:
        detail = str(download_refused(pki, f"socks5://127.0.0.1:{proxy.port}").detail)
    assert len(proxy.connects) == 1 and proxy.connects[0].endswith(b"\x01\xbb")  # (port 443)
    proxy_at = f"the SOCKS proxy socks5://127.0.0.1:{proxy.port}"
    said = {
        "the SOCKS handshake": (
            f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} was reached (connected) but did "
            "not finish its SOCKS5 handshake (the tunnel to s3.amazonaws.com:443) within 1 s"
        ),
        "the TLS handshake": (
            f"{proxy_at} opened its tunnel to s3.amazonaws.com:443, but the TLS handshake "
            "through it got no answer within 1 s"
        ),
    }[stall]
    assert said in detail and detail.endswith("; it may pass"), detail
    assert "TCP connection to the proxy" not in detail and "with the proxy" not in detail


def test_a_socks_proxy_whose_tcp_connection_gets_no_answer_is_said_a_socks_proxy(
    pki: TestPKI,
) -> None:
    # The TCP connection to a SOCKS5 proxy that got no answer was said that of an HTTP
    # proxy's, set by HTTPS_PROXY: a socks5:// one (here the client's proxy=, no variable's).
    with unconnectable_port() as port:
        detail = str(download_refused(pki, f"socks5://127.0.0.1:{port}").detail)
    said = (
        f"its TCP connection to the SOCKS proxy socks5://127.0.0.1:{port} got no answer within "
        "1 s (download_timeout), a timeout, not a refusal"
    )
    assert said in detail and "the proxy is up" in detail, detail


def test_a_socks_proxy_that_refuses_the_tunnel_is_said_to_refuse_it(pki: TestPKI) -> None:
    # A SOCKS5 proxy that refused the CONNECT (reply 05) failed the download with httpx's
    # ProxyError, logged with the network's advice (allow outbound HTTPS, check DNS, set
    # HTTPS_PROXY): the proxy was reached, and it said no.
    from alexaskill.downloads import NETWORK_ADVICE

    with RefusingSocks() as proxy:
        refused = download_refused(pki, f"socks5://127.0.0.1:{proxy.port}", download_timeout=5)
    detail = str(refused.detail)
    assert len(proxy.connects) == 1
    said = (
        f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} refused its tunnel to "
        "s3.amazonaws.com:443"
    )
    assert said in detail and NETWORK_ADVICE not in detail, detail


def test_an_http_proxy_that_refuses_the_connect_is_said_to_refuse_it(pki: TestPKI) -> None:
    # An http:// proxy that answered the CONNECT 403 (its rules refuse the tunnel) fails the
    # download with httpx's ProxyError, as a SOCKS proxy's refusal does, by the same code
    # (`Progress.refused`): said the proxy's refusal, not the network's advice; and the
    # connection to the proxy is closed, its pool place given back.
    from alexaskill.downloads import NETWORK_ADVICE

    async def download(proxy: RefusingTunnels) -> tuple[str, list[str]]:
        async with httpx.AsyncClient(
            proxy=f"http://127.0.0.1:{proxy.port}", trust_env=False
        ) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=5)
            with pytest.raises(CertificateUnavailableError) as info:
                await checker.verify(pki.sign(BODY), BODY)
            pool = client._transport_for_url(httpx.URL(URL))._pool  # type: ignore[attr-defined]
            kept = [repr(c) for c in pool.connections]
        return str(info.value.detail), kept

    with RefusingTunnels() as proxy:
        detail, kept = run(download(proxy))
        closed = proxy.wait_for_closed(1)
    assert len(proxy.connects) == 1 and proxy.connects[0].startswith(b"CONNECT s3.amazonaws.com")
    said = (
        f"ProxyError: 403 Forbidden; the proxy http://127.0.0.1:{proxy.port} refused its tunnel "
        "to s3.amazonaws.com:443: the proxy could not reach "
        "the server, or does not let this server through"
    )
    assert said in detail and NETWORK_ADVICE not in detail, detail
    assert kept == [], f"the refused tunnel kept its place in the pool: {kept}"
    assert closed, "the connection to the proxy was left open"


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "ALL_PROXY", "https_proxy"])
def test_a_socks_proxy_is_said_set_by_the_variable_that_sets_it(
    pki: TestPKI, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # socks5:// in HTTPS_PROXY (which httpx takes for https:// URLs as ALL_PROXY) was said set by
    # ALL_PROXY: the operator looked for a variable that was never set.
    with StalledSocks(answer=False) as proxy:
        monkeypatch.setenv(variable, f"socks5://127.0.0.1:{proxy.port}")
        detail = str(download_refused(pki, None).detail)  # (the environment's proxy)
    assert len(proxy.connects) == 1, "the download went through no proxy"
    said = f"the SOCKS proxy at 127.0.0.1:{proxy.port} ({variable}) was reached (connected)"
    assert said in detail, detail


def test_a_silent_socks_proxy_holds_a_download_no_longer_than_its_timeout() -> None:
    # httpcore (1.0.9) gives the SOCKS handshake no timeout of its own (its reads wait for
    # ever): a download through a proxy that took the connection and said nothing waited past
    # its timeout, ended only by a time limit around it (`Downloads`', which a caller of
    # download_chain may not have). Its handshake now has httpx's connect timeout.
    async def download(proxy: SilentSocks) -> CertificateUnavailableError | None:
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
        ) as client:
            try:
                async with asyncio.timeout(30):  # (the test's own guard: never reached)
                    await download_chain(client, URL, timeout=1.0, limit=100_000)
            except CertificateUnavailableError as exc:
                return exc
            except TimeoutError:
                return None
        return None

    with SilentSocks() as proxy:
        failure = run(download(proxy))
    assert failure is not None, "the download waited past its timeout, for the test's guard"
    assert str(failure) == "certificate chain: download timed out"
    said = (
        f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} was reached (connected) but did not "
        "finish its SOCKS5 handshake"
    )
    assert said in str(failure.detail), failure.detail


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
def test_a_wrapped_transports_proxy_is_said_set_by_the_variable_that_sets_it(
    pki: TestPKI, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx reads no variable for a client given a transport: a wrapper's proxy is the one its
    # maker gave it, read from whichever variable (here HTTP_PROXY, or ALL_PROXY beside an
    # HTTPS_PROXY naming another proxy). It was said "(HTTPS_PROXY, or the client's proxy=)",
    # the variable httpx would have read, though the one that held it is known.
    import os

    async def download(proxy: str) -> str:
        inner = httpx.AsyncHTTPTransport(proxy=proxy)
        async with httpx.AsyncClient(transport=_Wrapper(inner)) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=1)
            with pytest.raises(CertificateUnavailableError) as info:
                await checker.verify(pki.sign(BODY), BODY)
        return str(info.value.detail)

    with SilentTunnels() as proxy:
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.port}")
        if variable == "ALL_PROXY":
            monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # (not the wrapper's)
        detail = run(download(os.environ[variable]))
    assert proxy.connects, "the download went through no proxy"
    said = f"the proxy at 127.0.0.1:{proxy.port} ({variable}) was reached (connected, CONNECT sent)"
    assert said in detail, detail


@pytest.mark.usefixtures("no_proxies")
def test_a_transports_own_proxy_is_named_by_its_url_not_by_a_guessed_variable(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plain httpx.AsyncHTTPTransport(proxy=...) given to the client: httpx read no variable,
    # and none names that proxy. It was said "(HTTPS_PROXY, or the client's proxy=)", a variable
    # guessed as its source; it is named by its URL, no variable.
    async def download(proxy: str) -> str:
        transport = httpx.AsyncHTTPTransport(proxy=proxy)
        async with httpx.AsyncClient(transport=transport) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=1)
            with pytest.raises(CertificateUnavailableError) as info:
                await checker.verify(pki.sign(BODY), BODY)
        return str(info.value.detail)

    with SilentTunnels() as proxy:
        detail = run(download(f"http://127.0.0.1:{proxy.port}"))
    assert proxy.connects, "the download went through no proxy"
    said = f"the proxy http://127.0.0.1:{proxy.port} was reached (connected, CONNECT sent)"
    assert said in detail, detail
    assert "_PROXY" not in detail, detail


def test_a_socks_proxy_that_broke_off_its_handshake_is_said_so(pki: TestPKI) -> None:
    # A SOCKS5 proxy that answered the greeting and closed the connection at the CONNECT:
    # socksio's ProtocolError ("Malformed reply") was logged with the network's advice (allow
    # outbound HTTPS, check DNS, set HTTPS_PROXY), though the proxy was reached.
    from alexaskill.downloads import NETWORK_ADVICE

    from .blackhole import ClosingSocks

    async def download(proxy: ClosingSocks) -> str:
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
        ) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, download_timeout=5)
            with pytest.raises(CertificateUnavailableError) as info:
                await checker.verify(pki.sign(BODY), BODY)
        return str(info.value.detail)

    with ClosingSocks() as proxy:
        detail = run(download(proxy))
    assert len(proxy.connects) == 1
    said = (
        f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} broke off its SOCKS5 handshake (the "
        "tunnel to s3.amazonaws.com:443)"
    )
    assert said in detail and NETWORK_ADVICE not in detail, detail

"""A chain download through an HTTP or HTTPS proxy, what the log says of it
(alexaskill/outgoing_progress.py): the proxy named as the peer, not the server behind it, where
it is stuck (a plain http:// download, an https:// proxy's own handshake, a kept connection) or
refuses the CONNECT; and the proxy named by the variable, or the URL, that set it."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.fetch import download_chain

from .blackhole import RefusingTunnels, SilentProxy, SilentTunnels, StalledTunnels
from .verify_progress_shared import URL, _Wrapper
from .verify_shared import BODY, NOW, run

pytestmark = pytest.mark.oldest_dependencies


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
    # the Verifier's, which cancels the handshake, is tests/test_verify_progress_pool.py's
    # test_a_tls_handshake_the_time_limit_ends_has_its_socket_closed.)
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

"""What a chain download the time limit ended gives back (alexaskill/outgoing_connections.py): its
socket, closed, where its TLS handshake got no answer (with the server, an https:// proxy, or
through an http:// proxy's tunnel), and its place in the client's pool, through an http://
proxy's tunnel or a SOCKS proxy."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.fetch import download_chain

from .blackhole import HandshakeUnanswered, StalledSocks, StalledTunnels, handshake_cancelled
from .verify_progress_shared import URL
from .verify_shared import BODY, NOW, refusal_from_local, run

pytestmark = pytest.mark.oldest_dependencies


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

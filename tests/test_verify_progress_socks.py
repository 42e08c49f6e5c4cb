"""A chain download through a SOCKS5 proxy, what the log says of it
(alexaskill/outgoing_progress.py): where it stalled (its handshake, or the server's TLS through
it), a proxy that gets no answer, refuses the tunnel or breaks off its handshake, the variable
that set it; and a silent one holds a download no longer than its timeout."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from alexaskill.exceptions import CertificateUnavailableError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.fetch import download_chain

from .blackhole import RefusingSocks, SilentSocks, StalledSocks, unconnectable_port
from .verify_progress_shared import URL
from .verify_shared import BODY, NOW, download_refused, run

pytestmark = pytest.mark.oldest_dependencies


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

"""What an `AlexaApi` call that failed says of where: a proxy that refused its tunnel, broke off its
SOCKS5 handshake or failed its own TLS handshake, a pool full, and where a call out of time
stalled (the proxy's tunnel, its SOCKS handshake, the server behind it)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from alexaskill import AlexaApiError, AlexaApiTimeout
from benchmarks.serving import self_signed

from .alexa_api_shared import _run, tls_context
from .blackhole import (
    RefusingSocks,
    RefusingTunnels,
    SilentProxy,
    SilentSocks,
    StalledSocks,
    StalledTunnels,
)

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize("proxy_kind", ["http", "socks5"])
def test_a_call_a_proxy_refused_to_tunnel_says_the_proxys_refusal(proxy_kind: str) -> None:
    # A proxy that refused the call's tunnel (an http:// one's CONNECT answered 403, a SOCKS
    # one's refused) was `time_zone: ProxyError reaching Alexa's API` and nothing more: its
    # traceback (the log line of a handler that let it out) says the proxy refused it now, as
    # a certificate download's log line does, the call's ids left out.
    import traceback

    with RefusingTunnels() if proxy_kind == "http" else RefusingSocks() as proxy:
        error = _run(_refused_call(f"{proxy_kind}://127.0.0.1:{proxy.port}"))
    assert str(error) == "time_zone: ProxyError reaching Alexa's API", error
    kind = "proxy" if proxy_kind == "http" else "SOCKS proxy"
    said = f"the {kind} {proxy_kind}://127.0.0.1:{proxy.port} "
    logged = "".join(traceback.format_exception(error))
    assert "GET https://127.0.0.1:9/… (time_zone): ProxyError: " in logged, logged
    assert said in logged and "refused its tunnel to 127.0.0.1:9" in logged, logged
    assert "alexaApiEndpoint" not in logged, logged


def test_a_call_that_found_the_pool_full_says_so_in_the_calls_words() -> None:
    # The client's one connection (httpx.Limits) held by another request: the call never began
    # a connection. Its detail names the full pool and what to do in a skill's words (its own
    # client, skill.api_client), not a verifier's, nor the network's advice.
    from alexaskill.alexa_api import send

    async def call(silent: SilentProxy) -> AlexaApiTimeout:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(
            limits=limits, verify=tls_context(), trust_env=False
        ) as client:
            holder = asyncio.ensure_future(
                client.get(f"http://127.0.0.1:{silent.port}/", timeout=60)
            )
            assert await asyncio.to_thread(silent.came.wait, 60)
            url = f"http://127.0.0.1:{silent.port}/v1/alexaApiEndpoint"
            try:
                with pytest.raises(AlexaApiTimeout) as caught:
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
            finally:
                holder.cancel()
                await asyncio.gather(holder, return_exceptions=True)
        return caught.value

    with SilentProxy() as silent:
        timed_out = _run(call(silent))
    detail = str(timed_out.detail)
    assert "the HTTP client's pool is exhausted" in detail, detail
    assert "within 1 s (the call's timeout)" in detail, detail
    assert "give the skill's calls a client of their own (skill.api_client)" in detail, detail
    assert "Verifier" not in detail and "check DNS" not in detail, detail


@pytest.mark.parametrize("stall", ["http proxy", "socks handshake", "socks tls"])
def test_a_call_out_of_time_is_said_where_it_stalled(stall: str) -> None:
    # A call to Alexa's API that ran out of time said only "no answer from Alexa's API within
    # 1 s", wherever it stalled; a certificate download says which stage stalled (the proxy's
    # CONNECT, its SOCKS handshake, the TLS handshake through it...). The call says it too,
    # by the download's code, in the line its traceback logs (a note), its message unchanged.
    import traceback

    from alexaskill.alexa_api import send

    async def call(proxy: StalledTunnels) -> AlexaApiTimeout:
        kind = "http" if stall == "http proxy" else "socks5"
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"{kind}://127.0.0.1:{proxy.port}", verify=tls_context(), trust_env=False
        ) as client:
            with pytest.raises(AlexaApiTimeout) as caught:
                await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
        return caught.value

    proxy_kind = StalledTunnels() if stall == "http proxy" else None
    with proxy_kind or StalledSocks(answer=stall == "socks tls") as proxy:
        timed_out = _run(call(proxy))
    at = f"127.0.0.1:{proxy.port}"
    said = {
        "http proxy": (
            f"the proxy http://{at} opened its tunnel to 127.0.0.1:9, but the TLS handshake "
            "through it got no answer within 1 s (the call's timeout)"
        ),
        "socks handshake": (
            f"the SOCKS proxy socks5://{at} was reached (connected) but did not finish its "
            "SOCKS5 handshake (the tunnel to 127.0.0.1:9) within 1 s (the call's timeout)"
        ),
        "socks tls": (
            f"the SOCKS proxy socks5://{at} opened its tunnel to 127.0.0.1:9, but the TLS "
            "handshake through it got no answer within 1 s (the call's timeout)"
        ),
    }[stall]
    assert str(timed_out) == "time_zone: no answer from Alexa's API within 1 s"
    detail = str(timed_out.detail)
    assert detail.startswith("GET https://127.0.0.1:9/… (time_zone): "), detail
    assert said in detail and "alexaApiEndpoint" not in detail, detail
    logged = "".join(traceback.format_exception(timed_out))
    assert said in logged, logged


class _SocksServing(StalledSocks):
    """A SOCKS5 proxy that opens each tunnel and answers, as the server behind it, the first
    ``answers`` HTTP requests of each (keep-alive), then leaves the next one unanswered."""

    def __init__(self, answers: int) -> None:
        super().__init__(answer=True)
        self.answers = answers

    def _stalled(self, connection: socket.socket) -> bool:
        for answered in [True] * self.answers + [False]:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                got = connection.recv(4096)
                if not got:
                    return False
                head += got
            if answered:
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 14\r\n\r\n"Europe/Paris"'
                )
        return True


@pytest.mark.parametrize("fresh", [False, True])
def test_a_stall_through_a_socks_tunnel_is_said_the_servers_through_the_proxy(
    fresh: bool,
) -> None:
    # A call on a connection through a SOCKS5 proxy, kept from the call before, whose answer
    # stalled was said a stall of a server "reached (connected, request sent)", as if connected
    # to directly: no connect traced, the proxy unnamed. The SOCKS proxy only relays: the
    # request is in the server's hands, through the proxy's tunnel; both are named.
    from alexaskill.alexa_api import send

    async def second_call(proxy: _SocksServing) -> AlexaApiTimeout:
        url = "http://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", verify=tls_context(), trust_env=False
        ) as client:
            if not fresh:
                answer = await send(client, "time_zone", "GET", url, {}, None, None, timeout=10.0)
                assert answer[0] == 200
            with pytest.raises(AlexaApiTimeout) as caught:
                await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
        return caught.value

    with _SocksServing(answers=0 if fresh else 1) as proxy:
        timed_out = _run(second_call(proxy))
    detail = str(timed_out.detail)
    said = (
        "the server (127.0.0.1:9) was reached through the tunnel of the SOCKS proxy "
        f"socks5://127.0.0.1:{proxy.port}, the request sent, but sent no answer within 1 s "
        "(the call's timeout)"
    )
    assert detail.startswith("GET http://127.0.0.1:9/… (time_zone): TimeoutError"), detail
    assert said in detail, detail


def test_a_silent_socks_proxy_holds_a_call_no_longer_than_its_time_limit() -> None:
    # A SOCKS5 proxy that takes the connection and says nothing (httpcore gives the SOCKS
    # handshake no timeout of its own): the call ends at its time limit all the same, said a
    # SOCKS handshake that did not finish.
    from alexaskill.alexa_api import send

    async def call(proxy: SilentSocks) -> AlexaApiTimeout | None:
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", verify=tls_context(), trust_env=False
        ) as client:
            try:
                async with asyncio.timeout(30):  # (the test's own guard: never reached)
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
            except AlexaApiTimeout as exc:
                return exc
            except TimeoutError:
                return None
        return None

    with SilentSocks() as proxy:
        timed_out = _run(call(proxy))
    assert timed_out is not None, "the call waited past its time limit, for the test's guard"
    assert len(proxy.connects) == 1 and proxy.connects[0].startswith(b"\x05")
    said = f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} was"
    assert said in str(timed_out.detail) and "SOCKS5 handshake" in str(timed_out.detail)


def test_a_socks_proxy_that_broke_off_its_handshake_is_an_alexa_api_error() -> None:
    # A SOCKS5 proxy that answered the greeting and closed the connection at the CONNECT:
    # socksio's ProtocolError ("Malformed reply") came out of the call as it was, past httpx's
    # errors, no AlexaApiError: a handler catching those let it out. It is the proxy's
    # failure, said as a refused tunnel's is, the proxy named in its note.
    import traceback

    from .blackhole import ClosingSocks

    with ClosingSocks() as proxy:
        error = _run(_refused_call(f"socks5://127.0.0.1:{proxy.port}"))
    assert str(error) == "time_zone: ProxyError reaching Alexa's API", error
    logged = "".join(traceback.format_exception(error))
    said = f"the SOCKS proxy socks5://127.0.0.1:{proxy.port} broke"
    assert said in logged and "off its SOCKS5 handshake (the tunnel to 127.0.0.1:9)" in logged


async def _refused_call(proxy: str) -> AlexaApiError:
    """The `AlexaApiError` of a ``time_zone`` call sent through ``proxy``, which lets it through
    to no server."""
    from alexaskill.alexa_api import send

    url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
    async with httpx.AsyncClient(proxy=proxy, verify=tls_context(), trust_env=False) as client:
        with pytest.raises(AlexaApiError) as caught:
            await send(client, "time_zone", "GET", url, {}, None, None, timeout=10.0)
    return caught.value


def test_a_call_an_https_proxys_own_tls_failure_stopped_names_the_proxy(tmp_path: Path) -> None:
    # An https:// proxy whose certificate this server does not trust: its own TLS handshake,
    # before any CONNECT, failed, and the call was `time_zone: ConnectError reaching Alexa's
    # API` and nothing more, the proxy named nowhere (a refused tunnel got a note; a chain
    # download's log line names the proxy). Its traceback (the log line of a handler that let
    # it out) now says the handshake was the proxy's.
    import ssl
    import traceback

    cert, key = self_signed(tmp_path, common_name="proxy", ips=["127.0.0.1"])
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(cert, key)
    with StalledTunnels(proxy_tls) as proxy:
        error = _run(_refused_call(f"https://127.0.0.1:{proxy.port}"))
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    assert str(error) == "time_zone: ConnectError reaching Alexa's API", error
    logged = "".join(traceback.format_exception(error))
    said = f"the TLS handshake with the proxy https://127.0.0.1:{proxy.port} failed"
    assert "GET https://127.0.0.1:9/… (time_zone): ConnectError: " in logged, logged
    assert said in logged and "its certificate is not trusted" in logged, logged
    assert "alexaApiEndpoint" not in logged, logged

"""What an `AlexaApi` call's time limit gives back: the place in its client's pool of a connect
it ended (a TLS handshake, a proxy's tunnel, a SOCKS5 handshake), through a transport of one's own
too, and the socket of such a connect, not left to the garbage collector."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from alexaskill import AlexaApiError, AlexaApiTimeout
from benchmarks.serving import self_signed

from .alexa_api_shared import _run, tls_context
from .blackhole import (
    HandshakeUnanswered,
    RefusingSocks,
    StalledSocks,
    StalledTunnels,
    handshake_cancelled,
    unconnectable_port,
)

pytestmark = pytest.mark.oldest_dependencies


async def _call_unanswered(how: str, server: HandshakeUnanswered) -> tuple[AlexaApiTimeout, bool]:
    """The timeout of a call whose TLS handshake gets no answer: with the ``server`` (the client
    `send` makes, or one given), with an https:// proxy there, or with the server behind the
    tunnel an http:// proxy there opened; and whether the call's connection was closed before
    a client given was (within 30 s)."""
    import anyio.to_thread

    from alexaskill.alexa_api import send

    proxy = {"https proxy": "https", "http proxy": "http"}.get(how)
    # (Through a proxy, the call's own address is never reached: the proxy is first.)
    url = f"https://127.0.0.1:{server.port if proxy is None else 9}/v1/alexaApiEndpoint"
    proxy_url = None if proxy is None else f"{proxy}://127.0.0.1:{server.port}"
    client = (
        None
        if how == "own client"
        else httpx.AsyncClient(proxy=proxy_url, verify=tls_context(), trust_env=False)
    )
    try:
        with pytest.raises(AlexaApiTimeout) as caught:
            await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
        # Before the client given closes: httpcore's pool keeps a failed tunnel's connection
        # (the one to the proxy), and closes it then; but an app's client lives as long as the app.
        closed = await anyio.to_thread.run_sync(server.closed.wait, 30)
        return caught.value, closed
    finally:
        if client is not None:
            await client.aclose()


@pytest.mark.parametrize("how", ["own client", "given client", "https proxy", "http proxy"])
def test_a_tls_handshake_the_time_limit_ends_has_its_socket_closed(how: str) -> None:
    # The call's time limit (send's asyncio.timeout) cancels a call whose TLS handshake, with
    # Alexa's API, with an https:// proxy, or with Alexa's API through the tunnel an http://
    # proxy opened (it answered the CONNECT 200), got no answer: its socket is closed, not left
    # to the garbage collector (`handshake_cancelled`), one socket per such call.
    (timed_out, closed), server = handshake_cancelled(
        lambda server: _run(_call_unanswered(how, server)), tunnel=how == "http proxy"
    )
    assert closed, "the call's socket was left open, until its HTTP client closed"
    if how == "http proxy":  # (the tunnel asked for: to the call's own address)
        assert server.connect.startswith(b"CONNECT 127.0.0.1:9 HTTP/1.1\r\n")
    # What the skill is told of it stays as it was.
    assert str(timed_out) == "time_zone: no answer from Alexa's API within 1 s"
    assert timed_out.__cause__ is None and timed_out.__context__ is None


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_tunnel_whose_handshake_the_time_limit_ended_gives_its_pool_place_back(
    scheme: str, tmp_path: Path
) -> None:
    # Through an http:// (or https://) proxy that opened the tunnel (CONNECT answered 200), a
    # TLS handshake the call's time limit ended left its connection in the client's pool
    # (httpcore 1.0.9's tunnel never marks itself failed): neither closed nor available, never
    # expiring. With the pool's limit at 2, two stalled calls filled it, and the third never
    # connected.
    import ssl

    import anyio.to_thread

    from alexaskill.alexa_api import send

    server_tls = roots = None
    if scheme == "https":
        cert, key = self_signed(tmp_path, common_name="127.0.0.1", ips=["127.0.0.1"], ca=True)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(cert, key)
        roots = ssl.create_default_context(cafile=cert)

    async def three_calls(proxy: StalledTunnels) -> list[str]:
        limits = httpx.Limits(max_connections=2)
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        said = []
        to_proxy = httpx.Proxy(f"{scheme}://127.0.0.1:{proxy.port}", ssl_context=roots)
        async with httpx.AsyncClient(
            proxy=to_proxy, limits=limits, verify=tls_context(), trust_env=False
        ) as client:
            for call in range(1, 4):
                with pytest.raises(AlexaApiTimeout) as caught:
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
                said.append(str(caught.value))
                # (each of the first two stalled in its handshake, as meant: not before it)
                if call < 3:  # (the third: below)
                    assert await anyio.to_thread.run_sync(proxy.wait_for_handshakes, call)
        return said

    with StalledTunnels(server_tls) as proxy:
        said = _run(three_calls(proxy))
    assert [head.split(b"\r\n")[0] for head in proxy.connects] == [
        b"CONNECT 127.0.0.1:9 HTTP/1.1"
    ] * 3, "a call found no place in the pool: its connection was never made"
    assert said == ["time_zone: no answer from Alexa's API within 1 s"] * 3


@pytest.mark.parametrize("proxy_kind", ["http", "socks5"])
def test_a_call_waiting_for_a_pool_place_gets_that_of_a_proxy_connect_that_failed(
    proxy_kind: str,
) -> None:
    # The place is given back as the stalled call ends, before its pool looks for one for the
    # calls waiting: a call that waited behind two stalled ones (the pool's limit at 2) gets a
    # connection then, not at the next call that comes (or at its own time limit). Through a
    # SOCKS5 proxy alike (the TLS handshake through it stalled).
    import anyio.to_thread

    from alexaskill.alexa_api import send

    async def waiting_call(proxy: StalledTunnels) -> bool:
        limits = httpx.Limits(max_connections=2)
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"{proxy_kind}://127.0.0.1:{proxy.port}",
            limits=limits,
            verify=tls_context(),
            trust_env=False,
        ) as client:

            async def call(timeout: float) -> None:
                with pytest.raises(AlexaApiTimeout):
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=timeout)

            async with anyio.create_task_group() as calls:
                calls.start_soon(call, 1.0)
                calls.start_soon(call, 1.0)
                assert await anyio.to_thread.run_sync(proxy.wait_for_handshakes, 2)
                calls.start_soon(call, 10.0)  # (its limit well past the others')
                connected = await anyio.to_thread.run_sync(proxy.wait_for_handshakes, 3)
                calls.cancel_scope.cancel()  # (its handshake stalls too: not waited for)
            return connected

    with StalledSocks(answer=True) if proxy_kind == "socks5" else StalledTunnels() as proxy:
        connected = _run(waiting_call(proxy))
    assert connected, "the waiting call got no connection when the stalled ones ended"
    assert len(proxy.connects) == 3


@pytest.mark.parametrize("stall", ["the SOCKS handshake", "the TLS handshake"])
def test_a_socks_connect_the_time_limit_ended_gives_its_pool_place_and_socket_back(
    stall: str,
) -> None:
    # Through a SOCKS5 proxy that stalled (its CONNECT unanswered after the greeting, or the
    # origin's TLS handshake unanswered through it), a connect the call's time limit cancelled
    # stayed in the client's pool (httpcore 1.0.9's SOCKS connection marks itself failed on an
    # Exception, not on a cancellation): neither closed nor available, never expiring, and its
    # socket left to the garbage collector. With the pool's limit at 2, two stalled calls filled
    # it, and the third never connected.
    import gc

    import anyio.to_thread

    from alexaskill.alexa_api import send

    async def three_calls(proxy: StalledSocks) -> tuple[list[str], bool]:
        limits = httpx.Limits(max_connections=2)
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        said = []
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}",
            limits=limits,
            verify=tls_context(),
            trust_env=False,
        ) as client:
            for call in range(1, 4):
                with pytest.raises(AlexaApiTimeout) as caught:
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
                said.append(str(caught.value))
                # (each of the first two stalled where meant: not before it)
                if call < 3:  # (the third: below)
                    assert await anyio.to_thread.run_sync(proxy.wait_for_handshakes, call)
            # (with the client still open: closed by alexaskill, not by the pool's aclose)
            closed = await anyio.to_thread.run_sync(proxy.wait_for_closed, len(proxy.connects))
        return said, closed

    collecting = gc.isenabled()
    gc.disable()  # (a socket left open is closed by no garbage collector meanwhile)
    try:
        with StalledSocks(answer=stall == "the TLS handshake") as proxy:
            said, closed = _run(three_calls(proxy))
    finally:
        if collecting:
            gc.enable()
    assert len(proxy.connects) == 3, "a call found no place in the pool: it never connected"
    assert all(request.endswith(b"\x00\x09") for request in proxy.connects)  # (port 9)
    assert said == ["time_zone: no answer from Alexa's API within 1 s"] * 3
    assert closed, "a socket to the proxy was left open, to the garbage collector"


def test_a_socks_connect_cut_while_connecting_to_the_proxy_gives_its_pool_place_back() -> None:
    # A SOCKS5 proxy whose TCP connection gets no answer (a firewall dropping the packets): the
    # call's time limit cancels httpcore's connect to it (traced "socks.connect_tcp.failed"),
    # and httpcore 1.0.9 marks the connection failed on an Exception only. Marked failed by
    # alexaskill, its pool drops it as the call ends; else it stays, CONNECTING for good.
    from alexaskill.alexa_api import send
    from alexaskill.outgoing_connections import transport_for

    async def cut_call(port: int) -> list[str]:
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{port}", verify=tls_context(), trust_env=False
        ) as client:
            with pytest.raises(AlexaApiTimeout):
                await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
            pool = transport_for(client, url)._pool  # type: ignore[attr-defined]
            return [repr(connection) for connection in pool.connections]

    with unconnectable_port() as port:
        kept = _run(cut_call(port))
    assert kept == [], f"the cut connect kept its place in the pool: {kept}"


def test_the_socket_of_a_socks_handshake_the_proxy_refused_is_closed() -> None:
    # A SOCKS5 proxy that refuses the CONNECT (reply 05, connection refused): httpcore 1.0.9
    # raises ProxyError and marks its connection failed, but leaves its socket to the garbage
    # collector; alexaskill closes it (the client still open: not the pool's aclose).
    import gc

    import anyio.to_thread

    from alexaskill.alexa_api import send

    async def refused_call(proxy: RefusingSocks) -> tuple[AlexaApiError, bool]:
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", verify=tls_context(), trust_env=False
        ) as client:
            with pytest.raises(AlexaApiError) as caught:
                await send(client, "time_zone", "GET", url, {}, None, None, timeout=10.0)
            closed = await anyio.to_thread.run_sync(proxy.wait_for_closed, 1)
        return caught.value, closed

    collecting = gc.isenabled()
    gc.disable()  # (a socket left open is closed by no garbage collector meanwhile)
    try:
        with RefusingSocks() as proxy:
            error, closed = _run(refused_call(proxy))
    finally:
        if collecting:
            gc.enable()
    assert len(proxy.connects) == 1 and proxy.connects[0].endswith(b"\x00\x09")  # (port 9)
    # (refused, not timed out: the handshake failed with an error)
    assert str(error) == "time_zone: ProxyError reaching Alexa's API", error
    assert closed, "the socket to the proxy was left open, to the garbage collector"


class _Wrapper(httpx.AsyncBaseTransport):
    """A transport of one's own around httpx's, held in an attribute (one that logs, say)."""

    def __init__(self, inner: httpx.AsyncHTTPTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("proxy_kind", ["http", "socks5"])
def test_a_wrapped_transport_gives_a_stalled_connect_its_pool_place_back(proxy_kind: str) -> None:
    # A client whose transport wraps httpx's (an attribute holding it) goes through the same
    # pool: its failed tunnel (or cancelled SOCKS connect) was not found there, the wrapper
    # having no pool of its own, and kept its place for good, as before the work-arounds.
    import anyio.to_thread

    from alexaskill.alexa_api import send

    async def three_calls(proxy: StalledTunnels) -> None:
        url = "https://127.0.0.1:9/v1/alexaApiEndpoint"
        inner = httpx.AsyncHTTPTransport(
            proxy=f"{proxy_kind}://127.0.0.1:{proxy.port}",
            limits=httpx.Limits(max_connections=2),
        )
        async with httpx.AsyncClient(transport=_Wrapper(inner), trust_env=False) as client:
            for call in range(1, 4):
                with pytest.raises(AlexaApiTimeout):
                    await send(client, "time_zone", "GET", url, {}, None, None, timeout=1.0)
                if call < 3:
                    assert await anyio.to_thread.run_sync(proxy.wait_for_handshakes, call)

    with StalledSocks(answer=True) if proxy_kind == "socks5" else StalledTunnels() as proxy:
        _run(three_calls(proxy))
    assert len(proxy.connects) == 3, "a call found no place in the pool: it never connected"

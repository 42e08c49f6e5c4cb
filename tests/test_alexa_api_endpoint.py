"""Where an `AlexaApi` call goes and what it carries: Amazon's hosts or loopback only, the
user's token sent there alone and shown in no error, frame or log line, and its timeout."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

import alexaskill
from alexaskill import AlexaApi, AlexaApiError, AlexaApiTimeout
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory
from benchmarks.serving import self_signed

from .alexa_api_shared import _run
from .blackhole import (
    HandshakeUnanswered,
    RefusingSocks,
    RefusingTunnels,
    SilentProxy,
    SilentSocks,
    StalledSocks,
    StalledTunnels,
    handshake_cancelled,
    unconnectable_port,
)

pytestmark = pytest.mark.oldest_dependencies

# --- the endpoint rule, without a test client -----------------------------------------------------


def envelope_with(endpoint: str | None, token: str | None = "tok") -> AlexaApi:
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    system["apiEndpoint"] = endpoint
    system["apiAccessToken"] = token
    fake = FakeAlexaApi(given_name="Ada")
    return AlexaApi(decode_envelope(json.dumps(raw)), client=fake.client())


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://api.amazonalexa.com",
        "ftp://127.0.0.1",
        "http://localhost:8000",
        "api.amazonalexa.com",
    ],
)
def test_only_https_or_loopback_http_endpoints_are_called(endpoint: str) -> None:
    with pytest.raises(AlexaApiError, match="not Alexa's"):
        _run(envelope_with(endpoint).given_name())


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.eu.amazonalexa.com",
        "https://API.FE.AmazonAlexa.com./",
        "https://api.amazonalexa.com:443",
        "http://127.0.0.1:9",
        "http://[::1]:9",
        "https://127.0.0.1:9",
    ],
)
def test_amazons_https_and_loopback_endpoints_are_allowed(endpoint: str) -> None:
    assert _run(envelope_with(endpoint).given_name()) == "Ada"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example",
        "https://evil-amazonalexa.com",
        "https://api.amazonalexa.com.evil.com",
        "https://amazonalexa.com@evil.com",
        "https://user:secret@api.amazonalexa.com",
        "https://10.0.0.1",
        "https://[::1",
        # Names httpx cannot build a URL of (it raised InvalidURL or idna's error, no
        # AlexaApiError), or that are no host name: Amazon's are ASCII letters, digits, hyphens.
        "https://evil\x00.amazonalexa.com",
        "https://a\u200d\u200d.amazonalexa.com",
        "https://xn--a.amazonalexa.com",
        "https://\uff41pi.amazonalexa.com",
        "https://ex ample.amazonalexa.com",
        "https://a_b.amazonalexa.com",
        "https://-api.amazonalexa.com",
        "https://api..amazonalexa.com",
        "https://api.amazonalexa.com/v1\x00",
        # A query or fragment: the call's path was put after it ("…amazonalexa.com?x=/v2/…"
        # asked the host's root, and Amazon's 404 told nothing of the endpoint that caused it).
        "https://api.amazonalexa.com?x=",
        "https://api.amazonalexa.com/?next=1",
        "https://api.amazonalexa.com#part",
        "http://127.0.0.1:9?x",
    ],
)
def test_the_token_goes_to_no_host_but_amazons(endpoint: str) -> None:
    # A request whose apiEndpoint is not Alexa's (a forged one, with verification off) must not
    # get the user's token out: refused before anything is sent.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory(api_endpoint=endpoint).intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not Alexa's") as caught:
        _run(api.given_name())
    assert sent == []
    assert caught.value.status is None and "secret" not in str(caught.value)


def test_no_endpoint_or_token_is_a_clear_error() -> None:
    with pytest.raises(AlexaApiError, match="no apiEndpoint or apiAccessToken"):
        _run(envelope_with("https://api.amazonalexa.com", token=None).given_name())


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: SECRET", "abcé-SECRET", "abc SECRET", " "])
def test_a_token_that_is_no_bearer_token_is_refused_unsent_and_unshown(token: str) -> None:
    # Not Amazon's (a forged request, with verification off): sending it would inject a header,
    # or fail in httpx or h11 with an exception that carries the token (UnicodeEncodeError,
    # "Illegal header value b'Bearer …'").
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory().intent("Ask")
    raw["context"]["System"]["apiAccessToken"] = token
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="apiAccessToken") as caught:
        _run(api.given_name())
    assert sent == []
    assert "SECRET" not in str(caught.value) and caught.value.__cause__ is None


@pytest.mark.parametrize(
    "url", ["https://evil\x00.amazonalexa.com/v1", "https://xn--a.amazonalexa.com/v1"]
)
@pytest.mark.parametrize("own_client", [True, False])
def test_a_url_httpx_cannot_build_is_an_alexa_api_error(url: str, own_client: bool) -> None:
    # send() past check_endpoint: httpx's InvalidURL and idna's error are no httpx.HTTPError.
    from alexaskill.alexa_api import send

    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError("sent")

    client = None if own_client else httpx.AsyncClient(transport=httpx.MockTransport(answer))
    with pytest.raises(AlexaApiError, match="cannot be sent to") as caught:
        _run(send(client, "op", "GET", url, {}, None, None, timeout=1.0))
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_header_httpx_cannot_encode_is_an_alexa_api_error() -> None:
    # The request's locale goes out as Accept-Language: one that is not ASCII (no request of
    # Alexa's) raised a bare UnicodeEncodeError from httpx, past `except AlexaApiError`.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"inSkillProducts": []})

    raw = RequestFactory().intent("Ask")
    raw["request"]["locale"] = "fr-FRé"
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not ASCII") as caught:
        _run(api.in_skill_products())
    assert caught.value.__cause__ is None


def test_a_slow_api_never_holds_the_handler() -> None:
    import anyio

    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(10)
        return httpx.Response(200, json="Europe/Paris")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)

    async def main() -> None:
        # The answer comes after 10 s: a call that returns, rather than raises, waited for it.
        with pytest.raises(AlexaApiTimeout, match=r"within 0\.05 s"):
            await api.time_zone()

    anyio.run(main)


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
    client = None if how == "own client" else httpx.AsyncClient(proxy=proxy_url, trust_env=False)
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
        async with httpx.AsyncClient(proxy=to_proxy, limits=limits, trust_env=False) as client:
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
            proxy=f"{proxy_kind}://127.0.0.1:{proxy.port}", limits=limits, trust_env=False
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
            proxy=f"socks5://127.0.0.1:{proxy.port}", limits=limits, trust_env=False
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
        async with httpx.AsyncClient(proxy=f"socks5://127.0.0.1:{port}", trust_env=False) as client:
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
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
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
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
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


# --- the token in no error, frame or log line -----------------------------------------------------


def test_httpx_logs_no_user_or_device_id_of_a_call(caplog: pytest.LogCaptureFixture) -> None:
    # httpx logs each request's URL at INFO; the device id and list ids (the account id,
    # base64) are in Amazon's paths. The line stays, with the operation instead of the path.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory(device_id="amzn1.ask.device.SECRETDEVICE").intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with caplog.at_level(logging.INFO, "httpx"):
        assert _run(api.distance_units()) == "METRIC"
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(lines) == 1 and "distance_units" in lines[0] and "200" in lines[0]
    assert "SECRETDEVICE" not in caplog.text

    async def elsewhere() -> None:  # another call of the app's: its line is untouched
        await client.get("https://example.test/amzn1.ask.device.OTHER")

    with caplog.at_level(logging.INFO, "httpx"):
        _run(elsewhere())
    assert "amzn1.ask.device.OTHER" in caplog.text


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.ProxyError]
)
def test_a_network_error_carries_no_request_with_the_token(error: type[httpx.RequestError]) -> None:
    # httpx's error holds the request, its Authorization header and all, and its traceback the
    # frames whose locals hold it: what an error reporter records of the AlexaApiError chain.
    token = RequestFactory().intent("Ask")["context"]["System"]["apiAccessToken"]

    def answer(request: httpx.Request) -> httpx.Response:
        raise error("the network failed", request=request)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=error.__name__) as caught:
        _run(api.distance_units())
    chain: list[BaseException] = []
    todo: list[BaseException | None] = [caught.value]
    while todo:  # every exception reachable, as cause or as context (shown or not)
        seen = todo.pop()
        if seen is not None and seen not in chain:
            chain.append(seen)
            todo += [seen.__cause__, seen.__context__]
    assert isinstance(caught.value.__cause__, error)  # the kind of failure stays findable
    for link in chain[1:]:
        with pytest.raises(RuntimeError):  # httpx: "The .request property has not been set."
            link.request  # type: ignore[attr-defined]  # noqa: B018
        assert link.__traceback__ is None
    assert token not in repr([vars(link) for link in chain])


@pytest.mark.parametrize("how", ["httpx", "deadline"])
def test_a_timeout_carries_no_request_with_the_token(how: str) -> None:
    # The context of the timeout (httpx's ReadTimeout, or the cancellation of the call) holds
    # the request, or frames whose locals do: the AlexaApiTimeout has none.
    async def answer(request: httpx.Request) -> httpx.Response:
        if how == "httpx":
            raise httpx.ReadTimeout("no answer", request=request)
        await asyncio.sleep(10)
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiTimeout) as caught:
        _run(api.distance_units())
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def _locals_showing(error: BaseException, secret: str) -> list[str]:
    """The locals of alexaskill's frames in ``error``'s traceback whose repr shows ``secret``, as
    an error reporter that records locals (Sentry) would record them."""
    package = str(Path(alexaskill.__file__).parent)
    shown = []
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_filename.startswith(package):
            shown += [
                f"{code.co_name}:{name}"
                for name, value in frame.tb_frame.f_locals.items()
                if secret in repr(value)
            ]
        frame = frame.tb_next
    return shown


@pytest.mark.parametrize(
    "how", ["network", "timeout", "status", "fake", "forged", "endpoint", "no device"]
)
def test_no_frame_of_a_failed_call_shows_the_token(how: str) -> None:
    # The token is in _call's locals, and the headers sent in send's and _http's (context.System
    # in _base's): a reporter that records the locals of the traceback's frames (by their repr,
    # as Sentry does) must not record it.
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    if how == "forged":
        system["apiAccessToken"] = "forged token"
    elif how == "endpoint":
        system["apiEndpoint"] = "https://api.example.test"
    elif how == "no device":
        del system["device"]
    token = system["apiAccessToken"]

    async def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {token}"  # still sent, as it was
        if how == "network":
            raise httpx.ConnectError("down", request=request)
        if how == "timeout":
            await asyncio.sleep(10)
        return httpx.Response(500)

    if how == "fake":
        client: Any = FakeAlexaApi(faults={"distance_units": 503})
    else:
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.distance_units())
    assert _locals_showing(caught.value, token) == []


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
            proxy=f"{kind}://127.0.0.1:{proxy.port}", trust_env=False
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
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
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
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
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
    async with httpx.AsyncClient(proxy=proxy, trust_env=False) as client:
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

"""What httpx's transport needs of a request sent within a time limit
(alexaskill/outgoing_connections.py, the pools it reads: outgoing_pools.py): here, what its
work-around of httpcore's failed tunnels reads of httpx and httpcore, pinned. (The tunnels' own
tests are the API's, in tests/test_alexa_api_endpoint_pool.py, the verifier's in
tests/test_verify_progress_pool.py.)"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from alexaskill.exceptions import AlexaApiTimeout
from alexaskill.outgoing_connections import OpenedConnection, transport_for
from alexaskill.outgoing_pools import _mark_failed, _socks_connecting, _tunnels_holding

from .blackhole import StalledSocks, StalledTunnels
from .canned_answer import canned_answer_port

URL = "https://127.0.0.1:9/"
_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n"
    b'Connection: close\r\n\r\n"Europe/Paris"'
)


def test_httpcore_still_keeps_a_failed_tunnel_and_alexaskill_still_finds_it() -> None:
    # httpcore 1.0.9 (httpx 0.29) keeps in its pool the tunnel of an http:// proxy whose TLS
    # handshake failed (here httpx's own connect timeout; a cancellation, a refused
    # certificate alike): not closed, not available, never expiring. `free_failed_tunnel`
    # closes it, found through private attributes of httpx's and httpcore's. Either side
    # changed, this fails by name: httpcore fixed (the work-around may go), or the attributes
    # renamed (the work-around finds nothing, and a pool fills up again).
    async def failed_tunnel(proxy: StalledTunnels) -> tuple[list[str], list[str]]:
        seen = OpenedConnection()  # (no transport: it notes the streams, frees nothing)
        async with httpx.AsyncClient(
            proxy=f"http://127.0.0.1:{proxy.port}", trust_env=False
        ) as client:
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(
                    URL, timeout=httpx.Timeout(30, connect=0.5), extensions={"trace": seen.trace}
                )
            transport = transport_for(client, URL)
            pool = transport._pool  # type: ignore[attr-defined]
            kept = [repr(connection) for connection in pool.connections]
            return kept, [repr(found) for found in _tunnels_holding(transport, seen.opened)]

    with StalledTunnels() as proxy:
        kept, found = asyncio.run(failed_tunnel(proxy))
    assert len(proxy.connects) == 1
    assert kept == [
        f"<AsyncTunnelHTTPConnection ['http://127.0.0.1:{proxy.port}', HTTP/1.1, ACTIVE, "
        "Request Count: 1]>"
    ], "httpcore no longer keeps a failed tunnel: OpenedConnection.free_failed_tunnel may go"
    assert found == kept, (
        "alexaskill.outgoing_pools._tunnels_holding no longer finds a failed tunnel in "
        "its pool (httpx's AsyncHTTPTransport._pool, or httpcore's tunnel's _connection, "
        "renamed): its pool place is kept again"
    )


def test_httpcore_still_keeps_a_cancelled_socks_connect_and_alexaskill_still_finds_it() -> None:
    # httpcore 1.0.9 (httpx 0.29) keeps in its pool the SOCKS connection whose connect a
    # cancellation ended (here the SOCKS handshake, its CONNECT unanswered): not closed, not
    # available, never expiring (on an Exception it marks itself failed). `free_failed_socks`
    # marks it failed, found through private attributes of httpx's and httpcore's. Either side
    # changed, this fails by name: httpcore fixed (the marking may go), or the attributes
    # renamed (nothing found, and a pool fills up again).
    async def cancelled(proxy: StalledSocks) -> tuple[list[str], list[str], list[str]]:
        seen = OpenedConnection()  # (no transport: it notes the streams, frees nothing)
        found: list[object] = []
        async with httpx.AsyncClient(
            proxy=f"socks5://127.0.0.1:{proxy.port}", trust_env=False
        ) as client:
            transport = transport_for(client, URL)

            async def trace(event: str, info: dict[str, object]) -> None:
                await seen.trace(event, info)
                if event == "socks.setup_socks5_connection.failed":
                    found.extend(_socks_connecting(transport, request))

            request = client.build_request("GET", URL, extensions={"trace": trace})
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await client.send(request)
            pool = transport._pool  # type: ignore[attr-defined]
            kept = [repr(connection) for connection in pool.connections]
            found_then = [repr(connection) for connection in found]
            for connection in found:
                _mark_failed(connection)
            closed = [repr(connection) for connection in pool.connections]
            await seen.close_cancelled_handshake()  # (not handshaking: nothing)
            for stream in seen.opened:
                await stream.aclose()  # type: ignore[attr-defined]
            return kept, found_then, closed

    with StalledSocks(answer=False) as proxy:
        kept, found, closed = asyncio.run(cancelled(proxy))
    assert len(proxy.connects) == 1
    assert kept == ["<AsyncSocks5Connection [CONNECTING]>"], (
        "httpcore no longer keeps a cancelled SOCKS connect: "
        "OpenedConnection.free_failed_socks's marking may go"
    )
    assert found == kept, (
        "alexaskill.outgoing_pools._socks_connecting no longer finds a cancelled SOCKS "
        "connect in its pool (httpx's AsyncHTTPTransport._pool, httpcore's pool's _requests, "
        "the connection's _connection or _connect_failed, renamed): its pool place is kept again"
    )
    assert closed == ["<AsyncSocks5Connection [CONNECTION FAILED]>"], (
        "httpcore's SOCKS connection no longer reads _connect_failed: _mark_failed marks nothing"
    )


def test_a_request_cancelled_as_a_pool_place_is_handed_to_it_gives_the_place_back() -> None:
    # httpcore 1.0.9's pool makes a new connection for a queued request as a place frees up
    # (here the one before closed its connection: no keep-alive) and wakes the request; a
    # request whose time limit ends then, before it runs, is cancelled with its connection
    # never started: not closed, not available, never expiring, it kept the place for good,
    # and with the pool's limit at 1 no request got a connection again. (Cancelled right as
    # the place is handed over, by the pool's own assignment: what a time limit may do.)
    from alexaskill.alexa_api import send

    held = asyncio.Event()

    async def three_calls(port: int) -> tuple[bool, int]:
        url = f"http://127.0.0.1:{port}/v1/alexaApiEndpoint"
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=0)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
            pool = transport_for(client, url)._pool  # type: ignore[attr-defined]
            waiting = asyncio.create_task(
                send(client, "time_zone", "GET", url, {}, None, None, timeout=30.0)
            )
            assign = pool._assign_requests_to_connections

            def handed_then_cancelled() -> list[object]:
                closing: list[object] = assign()
                if any(request.connection is not None for request in pool._requests):
                    held.set()  # (the waiting call's: the first call's request is gone)
                    waiting.cancel()
                return closing

            async with client.stream("GET", url) as first:  # (the pool's one place)
                while len(pool._requests) < 2:  # (the call queued behind it)
                    await asyncio.sleep(0)
                pool._assign_requests_to_connections = handed_then_cancelled
                await first.aread()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            del pool._assign_requests_to_connections
            status = 0
            with contextlib.suppress(AlexaApiTimeout):
                status, _, _ = await send(
                    client, "time_zone", "GET", url, {}, None, None, timeout=5.0
                )
            return held.is_set(), status

    with canned_answer_port(_ANSWER) as port:
        handed, status = asyncio.run(three_calls(port))
    assert handed, "no place was handed to the waiting call (the test's set-up failed)"
    assert status == 200, "the cancelled call's place was kept: the next call got no connection"

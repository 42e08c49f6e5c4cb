"""How far a chain download got, and what the log says when its time ran out
(alexaskill/outgoing_progress.py): through a transport wrapped around httpx's own as through
httpx's own. (tests/test_verify_fetch_timeouts.py has a download's stages through httpx's own.)

Through an HTTP(S) proxy: tests/test_verify_progress_proxies.py; through a SOCKS proxy:
tests/test_verify_progress_socks.py; the socket and the pool place a download the time limit
ended gives back: tests/test_verify_progress_pool.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

import httpx
import pytest

from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.outgoing_progress import _traces
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier

from .blackhole import SilentProxy
from .verify_progress_shared import URL, _Wrapper
from .verify_shared import BODY, NOW, run

pytestmark = pytest.mark.oldest_dependencies


class _Sub(httpx.AsyncHTTPTransport):
    """httpx's transport, subclassed with nothing changed (a name of one's own)."""


class _Counting(httpx.AsyncHTTPTransport):
    """httpx's transport, subclassed to count what it sends before sending it itself."""

    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


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

"""The HTTP client a `Verifier` makes for itself, given none and lent none (no lifespan: the
verifier used on its own, or its skill mounted or served without one): one per event loop,
closed by `Verifier.aclose`.

Its TLS context is the process's (`alexaskill.tls.tls_context`): a CA bundle it cannot load
(certifi's missing or empty, ``SSL_CERT_FILE`` naming no bundle) was its `ConfigurationError`
out of `Verifier.verify`, HTTP 500 and a traceback for every request. Now the request is
refused as one that cannot be checked, HTTP 400 (`NO_TLS`), nothing downloaded, and the log
says why at ERROR once in ten seconds; the context is made again at most once a minute
(`alexaskill.verify.trust.Refusals`), not at each request. A proxy the environment sets that
httpx cannot use (a SOCKS one without socksio: `alexaskill.outgoing_proxies`) is refused the
same way (`NO_PROXY`): its `ConfigurationError` too was a 500 out of `Verifier.verify`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from .trust import Refusals

if TYPE_CHECKING:
    import httpx

__all__ = ["NO_PROXY", "NO_TLS", "OwnClient"]

#: The reason given to a request refused for want of a TLS context (the log says the rest).
NO_TLS: Final = "certificate chain: no usable CA bundle to download it (the server's log says why)"
#: The reason given to a request refused for want of a proxy httpx can use.
NO_PROXY: Final = "certificate chain: no usable proxy to download it (the server's log says why)"


class OwnClient:
    """The client a verifier made for the event loop it was last used on, if any."""

    __slots__ = ("_client", "_loop", "_proxy_refusals", "_refusals")

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._loop: object = None  # the event loop its pooled connections belong to
        self._refusals = Refusals(NO_TLS, "no CA bundle for downloading certificate chains")
        self._proxy_refusals = Refusals(
            NO_PROXY, "no usable proxy for downloading certificate chains"
        )

    def get(self) -> httpx.AsyncClient:
        """The client for the running event loop, made now if there is none; `CertificateError`
        (the request's refusal) if its proxy cannot be used or its TLS context made."""
        client = self._client
        loop = asyncio.get_running_loop()
        if client is None or self._loop is not loop:
            # A client belongs to the event loop it is used on: another loop (asyncio.run per
            # request, a second thread) gets one of its own; the one before is let go, its loop
            # gone maybe. Connections are not kept (a download is rare): a kept one failed the
            # next loop's download ("Event loop is closed"), or leaked its socket.
            import httpx

            from .. import outgoing_proxies
            from ..tls import tls_context  # the process's: no certifi load of its own

            # (One httpx cannot use: said, not its ImportError.)
            self._proxy_refusals.make(outgoing_proxies.check_outgoing_proxies)
            client = self._client = httpx.AsyncClient(
                follow_redirects=False,
                verify=self._refusals.make(tls_context),
                limits=httpx.Limits(max_keepalive_connections=0),
            )
            self._loop = loop
        return client

    async def aclose(self) -> None:
        """Close the client, if one was made (made on another event loop, one ended maybe, it
        is let go: its connections cannot be closed from this one)."""
        client, self._client = self._client, None
        if client is not None and self._loop is asyncio.get_running_loop():
            await client.aclose()

"""What the download progress tests (tests/test_verify_progress*.py) share: the chain's URL, and
a transport of one's own that passes every request on to the one it holds."""

from __future__ import annotations

from typing import Final

import httpx

URL: Final = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


class _Wrapper(httpx.AsyncBaseTransport):
    """A transport that passes every request on to the one it holds (logging, headers added)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

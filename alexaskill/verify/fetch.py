"""One download of a chain file over HTTP, within a size cap (`read_chain`), or what a
``fetch_chain`` of the caller's gave (`fetched_chain`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import CertificateError, CertificateUnavailableError, ConfigurationError

if TYPE_CHECKING:
    import httpx

__all__ = ["fetched_chain", "read_chain"]


async def read_chain(client: httpx.AsyncClient, url: str, *, timeout: float, limit: int) -> bytes:
    """The body of a GET of ``url``: HTTP 200, not content-encoded, at most ``limit`` bytes,
    else a `CertificateError` (`CertificateUnavailableError` for what may pass: 5xx, 429)."""
    # Identity encoding only (checked before reading), so the size cap bounds the memory held.
    async with client.stream(
        "GET",
        url,
        headers={"Accept-Encoding": "identity"},
        timeout=timeout,
        follow_redirects=False,
    ) as response:
        if response.status_code != 200:
            # 5xx and 429 may pass; 403 or 404 (S3's answers for a made-up URL) will not.
            status = response.status_code
            kind = (
                CertificateUnavailableError if status >= 500 or status == 429 else CertificateError
            )
            raise kind(f"certificate chain: download answered HTTP {status}")
        if response.headers.get("Content-Encoding", "identity").lower() != "identity":
            raise CertificateError("certificate chain: download is content-encoded")
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise CertificateError(f"certificate chain: download exceeds {limit} bytes")
        data = bytearray()
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > limit:
                raise CertificateError(f"certificate chain: download exceeds {limit} bytes")
    return bytes(data)


def fetched_chain(pem: object, limit: int) -> bytes:
    """What ``Verifier(fetch_chain=...)`` returned, as bytes held to a download's ``limit``."""
    if type(pem) is not bytes:  # the caller's function: said as such, not as a PEM error
        if not isinstance(pem, bytearray | memoryview):
            raise ConfigurationError(
                "Verifier(fetch_chain=...) must return the chain file's bytes (PEM), "
                f"not {type(pem).__name__}"
            )
        pem = bytes(pem)
    if len(pem) > limit:  # held to the limit of a download
        raise CertificateError(f"certificate chain: exceeds {limit} bytes")
    return pem

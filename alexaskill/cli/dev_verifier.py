"""`DevVerifier`: what ``serve --dev`` verifies with (kept apart: it imports `Verifier`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..verify import Verifier
from ..verify.verifier import _trust_announced

if TYPE_CHECKING:
    import httpx

    from ..testing import TestPKI

__all__ = ["DevVerifier"]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class DevVerifier(Verifier):
    """The skill's own verification, plus the development PKI for its own certificate URL."""

    def __init__(self, pki: TestPKI, amazon: Verifier | None) -> None:
        super().__init__()
        self.dev_url = pki.cert_url
        #: The certificate the development key signs for.
        self.leaf = pki.leaf
        self.dev = _trust_announced(pki.verifier)  # trust_dev_pki says so, once
        self.amazon = amazon

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Verify with the development PKI if the request names its chain, else as before."""
        if _header(headers, "signaturecertchainurl") == self.dev_url:
            await self.dev.verify(headers, body)
        elif self.amazon is not None:
            await self.amazon.verify(headers, body)
        else:
            await super().verify(headers, body)

    def load_trusted_roots(self) -> None:
        """Those of the verifier Amazon's requests go to (the skill's own, else this one)."""
        if self.amazon is not None:
            self.amazon.load_trusted_roots()
        else:
            super().load_trusted_roots()

    def use_http_client(self, client: httpx.AsyncClient | None) -> None:
        """Download Amazon's chains through ``client``."""
        super().use_http_client(client)
        if self.amazon is not None:
            self.amazon.use_http_client(client)

    def say_unsaid(self) -> None:
        """Say the counts both verifiers had yet to say."""
        super().say_unsaid()
        if self.amazon is not None:
            self.amazon.say_unsaid()

    async def aclose(self) -> None:
        """Close the HTTP clients the verifiers made."""
        await super().aclose()
        if self.amazon is not None:
            await self.amazon.aclose()

"""The development PKI that ``serve --dev`` trusts and ``replay --url`` signs with."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ..verify import Verifier

if TYPE_CHECKING:
    import httpx

    from ..app import Skill
    from ..testing import TestPKI

from .common import UsageError, logger

#: The environment variable naming the development PKI's directory (tests point it elsewhere).
DEV_PKI_ENV: Final = "ALEXASKILL_DEV_PKI_DIR"
#: The certificate URL requests signed with the development PKI carry. It passes Amazon's URL
#: rules, but a ``--dev`` server serves its chain from disk and never downloads it.
DEV_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/alexaskill-dev.pem"


def dev_pki_directory() -> Path:
    """Where the development PKI lives: ``$ALEXASKILL_DEV_PKI_DIR``, else the per-user data
    directory (``$XDG_DATA_HOME/alexaskill/dev-pki``, ``~/.local/share/alexaskill/dev-pki``).
    """
    configured = os.environ.get(DEV_PKI_ENV)
    if configured:
        return Path(configured).expanduser()
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
    else:
        data = os.environ.get("XDG_DATA_HOME")
        base = Path(data) if data and os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / "alexaskill" / "dev-pki"


def dev_pki() -> TestPKI:
    """The development PKI, made on first use; `UsageError` if its directory is unusable."""
    from ..testing import TestPKI

    directory = dev_pki_directory()
    try:
        return TestPKI.load_or_create(directory, cert_url=DEV_CERT_URL)
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"development PKI in {directory}: {exc} (set {DEV_PKI_ENV} to use another directory)"
        ) from None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class _DevVerifier(Verifier):
    """The skill's own verification, plus the development PKI for its own certificate URL."""

    def __init__(self, pki: TestPKI, amazon: Verifier | None) -> None:
        super().__init__()
        self.dev_url = pki.cert_url
        #: The certificate the development key signs for.
        self.leaf = pki.leaf
        self.dev = pki.verifier()
        self.amazon = amazon

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Verify with the development PKI if the request names its chain, else as before."""
        if _header(headers, "signaturecertchainurl") == self.dev_url:
            await self.dev.verify(headers, body)
        elif self.amazon is not None:
            await self.amazon.verify(headers, body)
        else:
            await super().verify(headers, body)

    def use_http_client(self, client: httpx.AsyncClient | None) -> None:
        """Download Amazon's chains through ``client``."""
        super().use_http_client(client)
        if self.amazon is not None:
            self.amazon.use_http_client(client)

    async def aclose(self) -> None:
        """Close the HTTP clients the verifiers made."""
        await super().aclose()
        if self.amazon is not None:
            await self.amazon.aclose()


def trust_dev_pki(skill: Skill, pki: TestPKI | None = None) -> TestPKI | None:
    """Make ``skill`` trust the development PKI (or ``pki``) as well as Amazon, loudly; the PKI.

    Trusting the same key again changes nothing.
    """
    if not skill.verify:
        logger.warning("this skill does not verify requests (Skill(verify=False)): --dev is moot")
        return None
    if pki is None:
        where = f"the local development key in {dev_pki_directory()}"
        pki = dev_pki()
    else:
        where = "a development key"
    verifier = skill.verifier
    if (
        isinstance(verifier, _DevVerifier)
        and verifier.dev_url == pki.cert_url
        and verifier.leaf == pki.leaf
    ):
        return pki
    skill.verifier = _DevVerifier(pki, skill.verifier)
    logger.warning(
        "--dev: request verification trusts %s as well as Amazon. Never use --dev in production.",
        where,
    )
    return pki

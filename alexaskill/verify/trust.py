"""The trust store chains are validated against: the certifi bundle's roots (or the verifier's
own), built once, when the skill starts; a bundle that cannot be read, or holds no root, said
there, in one line.

Without it the bundle was read at the first download: a missing or unreadable file was an
``OSError`` out of every request (HTTP 500, a traceback each), and one without a root refused
every request, its want of roots kept for the process. Now the app's start reads it
(`Verifier.load_trusted_roots`) and stops with a `ConfigurationError` naming the file and the
fix. A verifier that meets it only at a request (one made after the start, or used in a server
of one's own) refuses the request as one it cannot check, HTTP 400, and says why at ERROR once
in ten seconds (`alexaskill.log_repeats.due`), with how many were refused since; the bundle is
read again at most once a minute (`Trust`), not at each request. `Refusals` does that for
whatever a request needs of the server's set-up and cannot have: the trust store here, the TLS
context of the download (`alexaskill.verify.own_client`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from cryptography import x509
from cryptography.x509 import verification

from ..exceptions import CertificateError, ConfigurationError
from ..log_repeats import due
from .chain import _certifi_roots

__all__ = ["NO_ROOTS", "RETRY_AFTER", "Refusals", "Trust", "certifi_roots", "trust_store"]

logger = logging.getLogger("alexaskill.verify")

T = TypeVar("T")

#: The reason given to a request refused for want of a trust store (the log says the rest).
NO_ROOTS: Final = "certificate chain: no usable trusted roots (the server's log says why)"

#: Seconds a bundle that could not be used is not read again for (each request would), nor
#: anything else a `Refusals` tries.
RETRY_AFTER: Final = 60.0

#: What to do about a certifi bundle that cannot be used.
_FIX: Final = (
    "reinstall it (pip install --force-reinstall certifi), or give the roots a chain must lead "
    "to yourself: Verifier(trusted_roots=[...])"
)


def _unusable(path: str, why: str) -> ConfigurationError:
    return ConfigurationError(
        f"the certifi CA bundle {path} {why}: request verification needs its roots (Amazon's "
        f"CA among them) to trust Alexa's signing certificate; {_FIX}"
    )


def certifi_roots() -> tuple[x509.Certificate, ...]:
    """The certifi bundle's roots (read once a process), or `ConfigurationError` naming the
    file and the fix when it cannot be read or holds no certificate that loads (neither kept:
    a bundle put right is read at the next start)."""
    import certifi

    try:
        return _certifi_roots()
    except OSError as exc:
        raise _unusable(certifi.where(), f"cannot be read ({exc.strerror or exc})") from exc
    except ValueError as exc:  # (empty, or cut, or replaced by a distribution's of no use)
        raise _unusable(certifi.where(), "holds no certificate that loads") from exc


def trust_store(roots: Sequence[x509.Certificate] | None) -> verification.Store:
    """The store of ``roots``, or of the certifi bundle's when None (`certifi_roots`);
    `ConfigurationError` when there is none to be had."""
    certificates = list(certifi_roots() if roots is None else roots)
    try:
        return verification.Store(certificates)
    except (TypeError, ValueError) as exc:  # (cryptography's: roots that make no store)
        raise ConfigurationError(f"the trusted roots make no trust store ({exc}); {_FIX}") from exc


class Refusals:
    """What a request needs of the server's set-up (a trust store, a TLS context), made by
    `make`; while it cannot be, each request refused (HTTP 400, ``reason``) and why said at
    ERROR (``line``, then the `ConfigurationError`'s message) once in ten seconds (`due`),
    with how many were refused since. It is tried again `RETRY_AFTER` seconds after it last
    failed, not at each request."""

    __slots__ = ("_failed", "_line", "_reason", "_said")

    def __init__(self, reason: str, line: str) -> None:
        self._reason = reason
        self._line = line
        #: When making it last failed, and why.
        self._failed: tuple[float, ConfigurationError] | None = None
        self._said: dict[str, list[float]] = {}  # (`due`'s)

    def make(self, make: Callable[[], T]) -> T:
        """``make()``; its `ConfigurationError` a `CertificateError` (the request's refusal),
        as is every call within `RETRY_AFTER` seconds of it, without calling ``make``."""
        now = time.monotonic()
        failed = self._failed
        if failed is not None and now - failed[0] < RETRY_AFTER:
            raise self._refusal(failed[1])
        try:
            made = make()
        except ConfigurationError as exc:
            self._failed = (now, exc)
            raise self._refusal(exc) from exc
        self._failed = None
        return made

    def _refusal(self, exc: ConfigurationError) -> CertificateError:
        counted = due(self._said, self._line, time.monotonic())
        if counted is not None:
            unsaid = counted[0]
            since = f" ({unsaid} more since the last such line)" if unsaid else ""
            logger.error("%s, so requests are refused (HTTP 400): %s%s", self._line, exc, since)
        return CertificateError(self._reason)


class Trust:
    """A verifier's trust store: built from ``roots`` (the certifi bundle's when None) once,
    at the start (`load`) or at the first request that needs it (`store`)."""

    __slots__ = ("_refusals", "_roots", "_store")

    def __init__(self, roots: Sequence[x509.Certificate] | None) -> None:
        self._roots = roots
        self._store: verification.Store | None = None
        self._refusals = Refusals(NO_ROOTS, "no trusted roots")

    def load(self) -> None:
        """Build the store now: `ConfigurationError` if there is none to be had."""
        if self._store is None:
            self._store = trust_store(self._roots)

    def store(self) -> verification.Store:
        """The store, built if it was not: `CertificateError` (a request's refusal) if there is
        none to be had, the bundle read again a minute after it last failed, not before."""
        store = self._store
        if store is None:  # (not loaded at the start: a verifier made since, or of one's own)
            store = self._store = self._refusals.make(lambda: trust_store(self._roots))
        return store

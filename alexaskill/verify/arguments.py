"""The `Verifier`'s arguments checked, and the warning of roots or a clock of one's own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from os import PathLike
from typing import ParamSpec, TypeVar

from cryptography import x509

from ..articles import type_with_article
from ..exceptions import ConfigurationError
from ..logs import security_logger
from ..shown_names import shown_value

__all__: list[str] = []  # (private: the verifier's, `TestClient`'s and ``serve --dev``'s)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _ArgumentError(ConfigurationError, ValueError):
    """A `Verifier` argument refused: a `ConfigurationError`, and the ValueError it was."""


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _trusted_roots(roots: object) -> tuple[x509.Certificate, ...]:
    """``trusted_roots`` checked: certificates, not a file's path or its bytes."""
    if isinstance(roots, str | bytes | PathLike):
        raise _ArgumentError(
            f"trusted_roots takes certificates, not a path or PEM data ({shown_value(roots)}): "
            "x509.load_pem_x509_certificates(Path(...).read_bytes())"
        )
    if not isinstance(roots, Iterable):
        raise _ArgumentError(
            f"trusted_roots takes a list of x509.Certificate, not {type_with_article(roots)}"
        )
    certificates: list[x509.Certificate] = []
    for root in roots:
        if not isinstance(root, x509.Certificate):
            # (None: the type named is its repr, said once)
            shown = "" if root is None else f" ({shown_value(root)})"
            raise _ArgumentError(
                f"trusted_roots takes x509.Certificate objects, not {type_with_article(root)}"
                + shown
            )
        certificates.append(root)
    if not certificates:
        raise _ArgumentError("trusted_roots is empty: no chain could ever be trusted")
    return tuple(certificates)


_P = ParamSpec("_P")
_T = TypeVar("_T")
#: Set while `_trust_announced` builds a verifier (a context variable: another thread's or
#: task's verifier, built meanwhile, still says what it trusts).
_TRUST_ANNOUNCED: ContextVar[bool] = ContextVar("_TRUST_ANNOUNCED", default=False)


def _trust_announced(make: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``make(*args, **kwargs)``, the `Verifier` it builds not saying which roots or clock it
    trusts: for a caller that says so itself. A `TestClient` trusts its test PKI for the test's
    own requests; ``serve --dev`` says once that it trusts the development key. Every other
    warning of the verifier (``allow_sha1``, a capped tolerance) is said as ever."""
    token = _TRUST_ANNOUNCED.set(True)
    try:
        return make(*args, **kwargs)
    finally:
        _TRUST_ANNOUNCED.reset(token)


def _say_trust(roots: Sequence[x509.Certificate] | None, now: object) -> None:
    """Warn (`security_logger`) when a verifier trusts other roots than certifi's, or checks
    dates against another clock than this machine's: one line for both."""
    changes = []
    if roots is not None:
        names = "; ".join(root.subject.rfc4514_string() for root in roots)
        changes.append(
            f"Verifier(trusted_roots=...) trusts chains that lead to {names}, not to the "
            "certifi bundle's roots (Amazon's CA among them)"
        )
    if now is not None and now is not _utcnow:
        changes.append(
            "Verifier(now=...) checks certificate dates and request timestamps against a clock "
            "of its own, not this machine's (a fixed clock accepts a request replayed at any "
            "time, and an expired chain)"
        )
    if changes:
        security_logger.warning(
            "%s. Keep such a verifier for tests and replaying captures.", "; ".join(changes)
        )

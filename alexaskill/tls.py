"""The process's one TLS context for outgoing HTTPS: certificate downloads and Alexa's APIs."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from .exceptions import ConfigurationError

if TYPE_CHECKING:
    import ssl

__all__ = ["tls_context", "unusable_ca_bundle"]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's roots, or ``SSL_CERT_FILE``), made once per process.

    The app's client and the clients made without one (no lifespan, AWS Lambda: the verifier's
    own, one per call to Alexa's APIs) share it: making it costs a few hundred ms of CPU, which
    each new client would otherwise spend again. A CA bundle it cannot read is a
    `ConfigurationError` naming the file (ssl's own error names none), not cached.
    """
    import httpx

    try:
        return httpx.create_ssl_context()
    except OSError as exc:  # (ssl.SSLError too: a file with no certificate in it)
        raise unusable_ca_bundle(exc) from exc


def unusable_ca_bundle(exc: OSError, cafile: str | None = None) -> ConfigurationError:
    """The error for a CA bundle that ssl could not load (``exc``): ``cafile``, else the one
    httpx reads (``SSL_CERT_FILE``, ``SSL_CERT_DIR``, else certifi's), and what to do."""
    import ssl

    import certifi

    if cafile is not None:
        where = cafile
    elif os.environ.get("SSL_CERT_FILE"):  # (httpx's order: trust_env, as its clients have it)
        where = f"SSL_CERT_FILE={os.environ['SSL_CERT_FILE']}"
    elif os.environ.get("SSL_CERT_DIR"):
        where = f"SSL_CERT_DIR={os.environ['SSL_CERT_DIR']}"
    else:
        where = f"{certifi.where()} (certifi's)"
    # (ssl's message of a file with no certificate: "[X509: NO_CERTIFICATE_OR_CRL_FOUND] ...")
    reason = "no certificate in it" if isinstance(exc, ssl.SSLError) else exc.strerror or exc
    return ConfigurationError(
        f"the CA bundle {where} cannot be loaded for outgoing HTTPS ({reason}): reinstall "
        "certifi (pip install --force-reinstall certifi), or point SSL_CERT_FILE at a CA bundle"
    )

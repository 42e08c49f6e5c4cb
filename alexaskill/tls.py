"""The process's one TLS context for outgoing HTTPS: certificate downloads and Alexa's APIs."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

__all__ = ["tls_context"]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's roots, or ``SSL_CERT_FILE``), made once per process.

    The app's client and the clients made without one (no lifespan, AWS Lambda: the verifier's
    own, one per call to Alexa's APIs) share it: making it costs a few hundred ms of CPU, which
    each new client would otherwise spend again.
    """
    import httpx

    return httpx.create_ssl_context()

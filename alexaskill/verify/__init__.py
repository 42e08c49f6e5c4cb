"""Proof that a request comes from Alexa: certificate URL, chain, signature and timestamp."""

from .verifier import (
    ECHO_API_HOST,
    MAX_TIMESTAMP_TOLERANCE,
    VerifiedChain,
    Verifier,
    _certifi_roots,
    check_cert_url,
    check_signature,
    check_timestamp,
    load_chain,
    validate_chain,
)

__all__ = [
    "ECHO_API_HOST",
    "MAX_TIMESTAMP_TOLERANCE",
    "VerifiedChain",
    "Verifier",
    "check_cert_url",
    "check_signature",
    "check_timestamp",
    "load_chain",
    "validate_chain",
]

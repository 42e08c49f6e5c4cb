"""The RSA signature over the raw body: the ``Signature-256`` (or legacy ``Signature``) header."""

from __future__ import annotations

import binascii
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..exceptions import SignatureError

__all__ = ["check_signature"]

_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()
_SHA1: Final = hashes.SHA1()  # noqa: S303 - Amazon's legacy header; off unless allow_sha1


def _decode_signature(value: str, header: str = "signature header") -> bytes:
    try:
        # base64.b64decode(value, validate=True) without its Python wrapper (once a request): the
        # same strict decode, and a str that is not ASCII raises ValueError as there.
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"signature: {header} is not base64") from exc


def check_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: str, *, sha1: bool = False
) -> None:
    """Check one base64 signature header value: RSA PKCS#1 v1.5 over the raw ``body``.

    SHA-256 (the ``Signature-256`` header) unless ``sha1`` (the legacy ``Signature`` header).
    """
    _verify_signature(public_key, body, _decode_signature(signature), _SHA1 if sha1 else _SHA256)


def _verify_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    try:
        public_key.verify(signature, body, _PKCS1V15, algorithm)
    except InvalidSignature:
        if not signature:  # (an empty header decodes to no bytes: told here, off the usual path)
            name = "Signature-256" if algorithm is _SHA256 else "Signature"
            raise SignatureError(f"signature: {name} header is empty") from None
        name = "Signature-256" if algorithm is _SHA256 else "Signature (SHA-1)"
        raise SignatureError(f"signature: {name} does not match the body") from None

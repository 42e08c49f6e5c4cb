"""The RSA signature over the raw body: the ``Signature-256`` (or legacy ``Signature``) header."""

from __future__ import annotations

import binascii
import hashlib
from typing import Final

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from ..articles import type_with_article
from ..exceptions import SignatureError
from ..models.faults import copied_body, unfit_body
from .chain import MIN_RSA_BITS

__all__ = ["check_signature"]

_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()
_SHA1: Final = hashes.SHA1()  # noqa: S303 - Amazon's legacy header; off unless allow_sha1
#: SHA-256, the body hashed already (`_verify_signature`).
_PREHASHED_SHA256: Final = Prehashed(_SHA256)
#: The shortest signature a verified chain's key makes: an RSA PKCS#1 v1.5 signature is as long
#: as its key's modulus, and a key under `MIN_RSA_BITS` is refused.
_MIN_SIGNATURE_BYTES: Final = MIN_RSA_BITS // 8


def _decode_signature(value: str, header: str = "signature header") -> bytes:
    if not value.strip(" \t"):
        # Empty, or white space alone, which a server strips (RFC 9110, 5.5): the same reason
        # given in-process as served, before any download.
        raise SignatureError(f"signature: {header} is empty")
    # msgspec's base64 decode (a str converted to bytes) first: binascii's loop costs ~24
    # instructions a character, ~8,900 a call for an RSA-2048 signature's 344 characters, and
    # msgspec's ~6,000 with its call: ~3,000 instructions and ~0.4 µs a request less (0.45% of
    # a def-info request, benchmarks/count_instructions.py). What msgspec takes, binascii's strict
    # decode takes too, to the same bytes (tests/test_verify_signature.py); what msgspec
    # refuses goes to binascii, which takes a few forms more (padding after a whole group:
    # "QUJD=") and refuses the rest, saying why as before. A lone surrogate (a caller's str:
    # JSON's "\ud800"), which msgspec cannot encode to UTF-8, goes to binascii too: not ASCII.
    try:
        return msgspec.convert(value, bytes)
    except (msgspec.ValidationError, UnicodeEncodeError):
        pass
    try:
        # base64.b64decode(value, validate=True) without its Python wrapper (once a request): the
        # same strict decode, and a str that is not ASCII raises ValueError as there.
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"signature: {header} is not base64") from exc


class _NotText(SignatureError, TypeError):
    """A signature given as no str: refused as one that is not base64 is (a `SignatureError`),
    and a `TypeError` as it was."""


def check_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: str, *, sha1: bool = False
) -> None:
    """Check one base64 signature header value: RSA PKCS#1 v1.5 over the raw ``body``.

    SHA-256 (the ``Signature-256`` header) unless ``sha1`` (the legacy ``Signature`` header).
    A ``signature`` that is no str (bytes, None) is a `SignatureError` (also a ``TypeError``),
    as is one shorter than 256 bytes, which no key the verifier takes (RSA-2048 or larger) makes;
    a ``body`` that is not bytes, a bytearray or a C-contiguous memoryview of 1-byte items
    (``memoryview(b)[::2]``, ``.cast("I")`` or a released view is not), or a key that is no
    RSA public key, a ``TypeError``. A bytearray or memoryview is checked as it was when given
    (copied first, as `Verifier.verify` copies it): to decode the very bytes checked, make them
    bytes yourself and pass those.
    """
    header = "Signature header" if sha1 else "Signature-256 header"
    if not isinstance(signature, str):
        raise _NotText(
            f"signature: {header} is not a str but {type_with_article(signature)} (pass the "
            "header's base64 text)"
        )
    if type(body) is not bytes:
        if (unfit := unfit_body(body)) is not None:
            raise TypeError(
                "check_signature: the body must be the request's raw bytes as received (the "
                f"signature is over them), not {unfit}"
            )
        # hashlib lets go of the GIL while it hashes 2 KiB or more: another thread changing the
        # buffer meanwhile, the signature was checked over bytes never given. A copy costs a
        # mutable body alone (a memcpy, under the GIL); bytes, what a server reads, are as they are.
        body = copied_body(body)
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError(
            "check_signature: the key must be an RSA public key (VerifiedChain.public_key), "
            f"not {type_with_article(public_key)}"
        )
    algorithm = _SHA1 if sha1 else _SHA256
    raw = _decode_signature(signature, header)
    _check_length(raw, algorithm)  # as the verifier does: said as too short, not as any mismatch
    _verify_signature(public_key, body, raw, algorithm)


def _check_length(signature: bytes, algorithm: hashes.HashAlgorithm) -> None:
    """Refuse, before any download, a signature no key the verifier takes can have made. (No
    upper bound: a key may have more than 4096 bits; only one under 2048 is refused.)"""
    if len(signature) < _MIN_SIGNATURE_BYTES:
        if not signature:
            name = "Signature-256" if algorithm is _SHA256 else "Signature"
            raise SignatureError(f"signature: {name} header is empty")
        name = "Signature-256" if algorithm is _SHA256 else "Signature (SHA-1)"
        size = "1 byte" if len(signature) == 1 else f"{len(signature):,} bytes"
        raise SignatureError(
            f"signature: {name} does not match the body ({size} long; the signing key must be "
            f"RSA-{MIN_RSA_BITS} or larger, whose signatures have {_MIN_SIGNATURE_BYTES:,} bytes "
            "or more)"
        )


def _verify_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    try:
        if algorithm is _SHA256:
            # The body hashed by hashlib, the digest checked by cryptography as its own would
            # be (the same PKCS#1 v1.5 DigestInfo of SHA-256): without cryptography's hash
            # object, its look-up of the digest by name and two of its four ABC isinstance
            # checks: ~1,700-3,400 instructions a request less, 0.3-0.5% of a def-info request
            # and 0.4% of an async one (benchmarks/count_instructions.py, two counts; perf15 in
            # benchmarks/README.md counted 0.3-0.4% then, under its 0.5% bar). The legacy SHA-1
            # header, off by default, is as it was.
            digest = hashlib.sha256(body).digest()
            public_key.verify(signature, digest, _PKCS1V15, _PREHASHED_SHA256)
        else:
            public_key.verify(signature, body, _PKCS1V15, algorithm)
    except InvalidSignature:
        if not signature:  # (an empty header decodes to no bytes: told here, off the usual path)
            name = "Signature-256" if algorithm is _SHA256 else "Signature"
            raise SignatureError(f"signature: {name} header is empty") from None
        name = "Signature-256" if algorithm is _SHA256 else "Signature (SHA-1)"
        raise SignatureError(f"signature: {name} does not match the body") from None

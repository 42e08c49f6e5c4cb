"""The signing headers read from a request's headers: the certificate URL checked, the signature
decoded, and what is said of one missing, empty or not text (`signing_headers`)."""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes

from ..articles import type_with_article
from ..exceptions import CertificateUrlError, SignatureError
from ..shown_names import shown_value
from .signature import _SHA1, _SHA256, _decode_signature
from .urls import check_cert_url

__all__ = ["signing_headers"]


def _header(headers: Mapping[str, str], name: str, lower: str) -> str | None:
    # Starlette's and httpx's Headers and the app's own mapping are case-insensitive, so `get`
    # answers at once; only a plain dict with oddly capitalised keys needs the scan, and only
    # when the header seems absent.
    value = headers.get(lower)
    if value is None:
        value = headers.get(name)
        if value is None:
            for key, item in headers.items():
                if key.lower() == lower:
                    return item
    return value


def _not_text(name: str, value: object) -> TypeError:
    """The error for a header value that is not a str (a caller's server passing raw bytes)."""
    return TypeError(
        f"Verifier: header {name} must be a str, not {type_with_article(value)} "
        f"({shown_value(value)}); pass the headers decoded (Latin-1), as Starlette's "
        "request.headers gives them"
    )


def _url_missing(headers: Mapping[str, str]) -> str:
    """The refusal of a request without ``SignatureCertChainUrl``: one without any signing
    header is said to be so, as a proxy that drops them sends it."""
    message = "certificate URL: SignatureCertChainUrl header missing"
    if _header(headers, "Signature-256", "signature-256") is None:
        message += ", Signature-256 too (not sent by Alexa, or dropped by a proxy in front)"
    return message


def _signature_missing(headers: Mapping[str, str], sha1_allowed: bool) -> str:
    """The refusal of a request without the signature header it needs: one that has only the
    legacy SHA-1 header (a capture from before 2022) is told what accepts it."""
    if sha1_allowed:
        return "signature: Signature-256 and Signature headers missing"
    if _header(headers, "Signature", "signature") is None:
        return "signature: Signature-256 header missing"
    return (
        "signature: Signature-256 header missing (a SHA-1 Signature header came: "
        "Verifier(allow_sha1=True) accepts it, for old captures)"
    )


def signing_headers(
    headers: Mapping[str, str], allow_sha1: bool
) -> tuple[str, bytes, hashes.HashAlgorithm]:
    """The certificate URL (checked by `check_cert_url`), the signature's bytes and its hash:
    ``Signature-256``'s, or the legacy ``Signature``'s when it is absent and ``allow_sha1`` is
    True. Steps 1 and 2 of `Verifier.verify`: a `CertificateUrlError` or `SignatureError` for a
    header missing, empty or not base64, a ``TypeError`` for headers that are no mapping of str
    to str."""
    # The app's own mapping has lower-case keys: one get, then the helper's other spellings.
    try:
        url = headers.get("signaturecertchainurl")
    except AttributeError:  # (a try costs nothing on the way through)
        raise TypeError(
            "Verifier: headers must be a mapping of names to str values (Starlette's "
            f"request.headers, a dict), not {type_with_article(headers)}"
        ) from None
    if url is None:
        url = _header(headers, "SignatureCertChainUrl", "signaturecertchainurl")
    if url is None:
        if any(not isinstance(name, str) for name in headers):  # (raw bytes: none found)
            raise TypeError(
                "Verifier: header names must be str, not "
                f"{next(type_with_article(n) for n in headers if not isinstance(n, str))}"
            )
        raise CertificateUrlError(_url_missing(headers))
    if not isinstance(url, str):
        raise _not_text("SignatureCertChainUrl", url)
    try:
        url = check_cert_url(url)
    except CertificateUrlError:
        if url.strip(" \t"):  # (white space alone: empty, as a server, which strips it, says)
            raise
        raise CertificateUrlError(
            "certificate URL: SignatureCertChainUrl header is empty"
        ) from None
    value = headers.get("signature-256")
    if value is None:
        value = _header(headers, "Signature-256", "signature-256")
    algorithm: hashes.HashAlgorithm = _SHA256
    if value is None:
        if allow_sha1 is True:  # not a truthy "no" set on a verifier later
            value = _header(headers, "Signature", "signature")
            algorithm = _SHA1
        if value is None:
            raise SignatureError(_signature_missing(headers, allow_sha1 is True))
    if not isinstance(value, str):
        raise _not_text("Signature-256" if algorithm is _SHA256 else "Signature", value)
    signature = _decode_signature(
        value, "Signature-256 header" if algorithm is _SHA256 else "Signature header"
    )
    return url, signature, algorithm

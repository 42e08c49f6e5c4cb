"""The signing chain: parsing the PEM file, validating it for Alexa, the trusted roots."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification

from ..articles import type_with_article
from ..exceptions import CertificateError, CertificateUnavailableError
from ..shown_names import shown

__all__ = ["ECHO_API_HOST", "VerifiedChain", "load_chain", "validate_chain"]

#: The DNS name Amazon's signing certificate must carry in its Subject Alternative Names.
ECHO_API_HOST: Final = "echo-api.amazon.com"

_PEM_CERT_MARKER: Final = b"-----BEGIN CERTIFICATE-----"
_PEM_CERT_BLOCK: Final = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S
)


class VerifiedChain:
    """A validated signing chain as cached: the leaf's RSA key and when the whole chain is valid.

    ``not_before``/``not_after`` bound the intersection of the validity periods of every
    certificate on the path that was built, so a request at a time inside the window would have
    validated too; ``validated_at`` is the ``now`` the path was built at.
    """

    __slots__ = ("not_after", "not_before", "public_key", "validated_at")

    def __init__(
        self,
        public_key: rsa.RSAPublicKey,
        not_before: datetime,
        not_after: datetime,
        validated_at: datetime,
    ) -> None:
        self.public_key = public_key
        self.not_before = not_before
        self.not_after = not_after
        self.validated_at = validated_at

    def __repr__(self) -> str:
        return (
            f"VerifiedChain(not_before={self.not_before.isoformat()}, "
            f"not_after={self.not_after.isoformat()}, "
            f"validated_at={self.validated_at.isoformat()})"
        )


def load_chain(pem: bytes) -> list[x509.Certificate]:
    """Parse every certificate of a PEM chain file, signing certificate first."""
    if not isinstance(pem, bytes):  # (a str: cryptography's TypeError named no parameter)
        raise TypeError(f"load_chain takes the PEM file's bytes, not {type_with_article(pem)}")
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except (ValueError, x509.InvalidVersion) as exc:  # (InvalidVersion is no ValueError)
        raise CertificateError("certificate chain: not a PEM certificate file") from exc
    # cryptography silently drops a certificate cut off before its END line: a truncated file
    # must not pass for a shorter chain.
    if len(certificates) != pem.count(_PEM_CERT_MARKER):
        raise CertificateError("certificate chain: truncated or malformed PEM")
    return certificates


def validate_chain(
    certificates: Sequence[x509.Certificate], store: verification.Store, now: datetime
) -> VerifiedChain:
    """Validate a chain (signing certificate first) for ``echo-api.amazon.com`` at ``now``."""
    if not certificates:
        raise CertificateError("certificate chain: empty")
    leaf = certificates[0]
    # cryptography decides; these pre-checks only give the commonest failures a clear message.
    # Out of its dates, a chain may pass soon: Amazon renews its certificate under the same URL,
    # and a clock that was wrong is set right. So the URL is tried again after seconds, not after
    # the minute a chain that will never pass is remembered (alexaskill.downloads).
    if now < leaf.not_valid_before_utc:
        raise CertificateUnavailableError("certificate chain: signing certificate not yet valid")
    if now > leaf.not_valid_after_utc:
        raise CertificateUnavailableError("certificate chain: signing certificate expired")
    # The default (CA/B Forum web-PKI) extension policies are kept as they are: Amazon's signing
    # certificate is an ordinary TLS server certificate (AKI, DNS SAN, serverAuth EKU, CA:FALSE)
    # under ordinary CAs, so nothing needs relaxing, and relaxing would only admit odder chains.
    verifier = (
        verification.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(ECHO_API_HOST))
    )
    try:
        path = verifier.verify(leaf, list(certificates[1:]))
    except ValueError as exc:
        # A certificate that loaded, and that the verifier could not read (a name that is not
        # valid ASN.1): not trusted, and a 400 as every other chain refused, never a 500.
        raise CertificateError("certificate chain: not trusted (malformed certificate)") from exc
    except verification.VerificationError as exc:
        if _is_ca(leaf):  # (cryptography's reason, the CA's missing SAN, would mislead)
            raise CertificateError(
                "certificate chain: the first certificate is a CA's; the signing certificate "
                "must come first"
            ) from exc
        reason = f"certificate chain: not trusted ({_short(exc)})"
        if any(not c.not_valid_before_utc <= now <= c.not_valid_after_utc for c in certificates):
            # A certificate of the file out of its dates, an intermediate say: renewed at the
            # same URL as the signing certificate is, so this may pass soon too (above).
            raise CertificateUnavailableError(reason) from exc
        raise CertificateError(reason) from exc
    # The verifier matches the name as TLS does, so *.amazon.com passes it; Alexa's rule is
    # echo-api.amazon.com itself among the DNS names (what Amazon's SDKs compare).
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except ValueError as exc:
        # The verifier passes over the non-critical extensions its policy does not read; reading
        # them here finds one that is not valid DER (certificate policies, say): a 400, not a 500.
        raise CertificateError(
            "certificate chain: signing certificate has a malformed extension"
        ) from exc
    except x509.UnsupportedGeneralNameType as exc:  # (no ValueError: a 500 otherwise)
        raise CertificateError(
            "certificate chain: signing certificate has a subjectAltName of a type that cannot "
            "be read (x400Address, EDIPartyName)"
        ) from exc
    if ECHO_API_HOST not in (name.lower() for name in names.get_values_for_type(x509.DNSName)):
        raise CertificateError(
            f"certificate chain: {ECHO_API_HOST} is not a subjectAltName of the signing "
            "certificate (a wildcard does not count)"
        )
    try:
        public_key = leaf.public_key()
    except Exception as exc:  # an unsupported or malformed key type, whatever cryptography says
        raise CertificateError("certificate chain: unusable signing key") from exc
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateError("certificate chain: signing key is not RSA")
    _check_key_strength(public_key)
    _check_key_usage(leaf)
    return VerifiedChain(
        public_key,
        max(certificate.not_valid_before_utc for certificate in path),
        min(certificate.not_valid_after_utc for certificate in path),
        now,
    )


#: The smallest signing key taken, in bits: Amazon's is RSA-2048, the CA/Browser Forum's floor.
MIN_RSA_BITS: Final = 2048
#: The smallest public exponent taken: Amazon's key, as nearly every CA-issued one, has 65537.
MIN_RSA_EXPONENT: Final = 65537


def _check_key_strength(public_key: rsa.RSAPublicKey) -> None:
    """Refuse a signing key weaker than Amazon's, even from a trusted CA: a 1024-bit key may be
    factored, and a small exponent (e=3) is what signature-forgery attacks on careless PKCS#1
    v1.5 verifiers need. Neither is seen on a genuine chain, so refusing costs nothing."""
    bits = public_key.key_size
    if bits < MIN_RSA_BITS:
        raise CertificateError(
            f"certificate chain: signing key is RSA-{bits}, under {MIN_RSA_BITS} bits"
        )
    exponent = public_key.public_numbers().e
    if exponent < MIN_RSA_EXPONENT:
        raise CertificateError(
            f"certificate chain: signing key's public exponent is {exponent}, under "
            f"{MIN_RSA_EXPONENT}"
        )


def _is_ca(certificate: x509.Certificate) -> bool:
    """Whether ``certificate`` says it is a CA's (BasicConstraints cA), readably. Asked of a
    refused chain only, whose extensions may not even parse (one twice: DuplicateExtension; a
    name cryptography does not support: UnsupportedGeneralNameType; neither is a ValueError):
    that is no CA's, and the chain is refused all the same."""
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except (
        x509.ExtensionNotFound,
        x509.DuplicateExtension,
        x509.UnsupportedGeneralNameType,
        ValueError,
    ):
        return False
    return constraints.value.ca


def _check_key_usage(leaf: x509.Certificate) -> None:
    """Refuse a signing certificate whose KeyUsage does not assert digitalSignature: its key may
    not verify signatures (RFC 5280, 4.2.1.3), and the web-PKI policy does not ask. Amazon's
    asserts it (with keyEncipherment); a certificate without KeyUsage sets no limit."""
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.digital_signature:
        raise CertificateError(
            "certificate chain: the signing certificate's key usage does not allow signatures "
            "(no digitalSignature)"
        )


def _short(exc: Exception) -> str:
    # cryptography's messages can quote whole certificates; keep the reason, drop the dump, and
    # cut a long one (an extension's long OID) as a long name is: its head and tail, its length.
    text = str(exc).removeprefix("validation failed: ").split(" (encountered", 1)[0]
    if "all candidates exhausted" in text:
        return "no path to a trusted root"
    return shown(text.removeprefix("candidates exhausted: "))


@functools.cache
def _certifi_roots() -> tuple[x509.Certificate, ...]:
    import certifi

    path = certifi.where()
    with open(path, "rb") as file:  # (an OSError is raised, not cached: `trust.certifi_roots`)
        bundle = file.read()
    roots: list[x509.Certificate] = []
    # Six roots in certifi have serial number 0, which cryptography loads with a deprecation
    # warning today (and its verifier accepts) but may refuse in a later release. They include
    # Starfield Services Root CA G2, which Amazon's chains cross-sign into, so keep them quietly
    # while they load and skip whatever fails to.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_CERT_BLOCK.findall(bundle):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    if not roots:  # (raised, so not cached: a bundle put right is read again)
        raise ValueError(f"no certificate in {path} loads")
    return tuple(roots)

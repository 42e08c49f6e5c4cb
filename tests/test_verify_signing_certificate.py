"""The signing certificate (alexaskill/verify/chain.py): what it may not be, though a trusted CA
issued it for echo-api.amazon.com and it is in its dates (an extension that does not parse, a
weak, non-RSA or unusable key, a key usage without signatures, a CA's, odd names)."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from alexaskill.exceptions import CertificateError, SignatureError
from alexaskill.testing import TestPKI

from .conftest import SKILL_ID
from .verify_shared import BODY, NOW, run, verify_with_chain

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    "oid",
    [
        ExtensionOID.CERTIFICATE_POLICIES,
        ExtensionOID.CRL_DISTRIBUTION_POINTS,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
    ],
)
def test_a_signing_certificate_with_an_unreadable_extension_is_refused_not_a_crash(
    pki: TestPKI, oid: x509.ObjectIdentifier
) -> None:
    # cryptography's verifier passes over a non-critical extension its policy does not read,
    # and the SAN check after it reads them all: one that is not valid DER was a ValueError,
    # a 500 for the request, where every other chain refused is a 400.
    builder = (
        x509.CertificateBuilder()
        .subject_name(pki.leaf.subject)
        .issuer_name(pki.intermediate.subject)
        .public_key(pki.leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.leaf.not_valid_before_utc)
        .not_valid_after(pki.leaf.not_valid_after_utc)
    )
    for extension in pki.leaf.extensions:
        if extension.oid != oid:
            builder = builder.add_extension(extension.value, critical=extension.critical)
    builder = builder.add_extension(x509.UnrecognizedExtension(oid, b"\x30\x05"), critical=False)
    leaf = builder.sign(pki.intermediate_key, hashes.SHA256())
    verifier = pki.verifier(chain=TestPKI.pem(leaf, pki.intermediate), now=lambda: NOW)
    with pytest.raises(CertificateError) as info:
        run(verifier.verify(pki.sign(BODY, sha1=False), BODY))
    assert str(info.value) == "certificate chain: signing certificate has a malformed extension"


@pytest.mark.parametrize(
    ("bits", "exponent", "reason"),
    [
        (1024, 65537, "signing key is RSA-1024, under 2048 bits"),
        (2048, 3, "signing key's public exponent is 3, under 65537"),
    ],
)
def test_a_signing_key_weaker_than_amazons_is_refused_from_a_trusted_ca(
    pki: TestPKI, bits: int, exponent: int, reason: str
) -> None:
    # A 1024-bit or e=3 key, issued by a trusted CA for echo-api.amazon.com, was accepted:
    # Amazon's own is RSA-2048, e=65537, so nothing genuine is refused by asking for as much.
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=exponent, key_size=bits)
    leaf = pki.issue(
        pki.leaf.subject,
        key,
        issuer=(pki.intermediate, pki.intermediate_key),
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["echo-api.amazon.com"],
    )
    verifier = pki.verifier(now=lambda: NOW, chain=TestPKI.pem(leaf, pki.intermediate))
    signature = base64.b64encode(key.sign(BODY, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {"SignatureCertChainUrl": pki.cert_url, "Signature-256": signature}
    if bits < 2048:  # its 128-byte signature is refused first, unread (no download)
        with pytest.raises(SignatureError, match=r"\(128 bytes long; the signing key must be RSA"):
            run(verifier.verify(headers, BODY))
        headers["Signature-256"] = base64.b64encode(b"\x01" * 256).decode()
    with pytest.raises(CertificateError) as info:
        run(verifier.verify(headers, BODY))
    assert str(info.value) == f"certificate chain: {reason}"
    # The test PKI's own leaf (RSA-2048, e=65537) passes, as Amazon's does.
    run(pki.verifier(now=lambda: NOW).verify(pki.sign(BODY), BODY))


def _leaf_with_key_usage(pki: TestPKI, usage: x509.KeyUsage | None) -> x509.Certificate:
    """``pki``'s signing certificate again, for its key, with ``usage`` (None: no KeyUsage)."""
    key = pki.leaf_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(pki.leaf.subject)
        .issuer_name(pki.intermediate.subject)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.not_before)
        .not_valid_after(pki.not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.intermediate_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")]), critical=False
        )
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    return builder.sign(pki.intermediate_key, hashes.SHA256())


def _key_usage(**asserted: bool) -> x509.KeyUsage:
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    return x509.KeyUsage(**(usage | asserted))


@pytest.mark.parametrize(
    "usage",
    [
        _key_usage(key_encipherment=True),
        _key_usage(key_agreement=True),
        _key_usage(data_encipherment=True),
    ],
    ids=["keyEncipherment", "keyAgreement", "dataEncipherment"],
)
def test_a_signing_certificate_whose_key_usage_forbids_signatures_is_refused(
    pki: TestPKI, usage: x509.KeyUsage
) -> None:
    # RFC 5280 4.2.1.3: a key whose KeyUsage does not assert digitalSignature may not verify
    # signatures. Such a leaf from a trusted CA, with echo-api.amazon.com, was accepted.
    leaf = _leaf_with_key_usage(pki, usage)
    with pytest.raises(CertificateError) as info:
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))
    assert str(info.value) == (
        "certificate chain: the signing certificate's key usage does not allow signatures "
        "(no digitalSignature)"
    )


@pytest.mark.parametrize(
    "usage",
    [
        None,
        _key_usage(digital_signature=True),
        _key_usage(digital_signature=True, key_encipherment=True),
    ],
    ids=["no KeyUsage", "digitalSignature", "digitalSignature+keyEncipherment"],
)
def test_a_signing_certificate_whose_key_usage_allows_signatures_is_taken(
    pki: TestPKI, usage: x509.KeyUsage | None
) -> None:
    # Amazon's certificate: digitalSignature and keyEncipherment; no KeyUsage at all is no limit.
    verify_with_chain(pki, pki.pem(_leaf_with_key_usage(pki, usage), pki.intermediate))


def test_a_signing_certificate_with_an_ec_key_is_refused_from_a_trusted_ca(pki: TestPKI) -> None:
    # Alexa signs with RSA (PKCS#1 v1.5): an EC leaf for echo-api.amazon.com, trusted and in its
    # dates, is a CertificateError (400) saying so, not a TypeError (500) at the signature.
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(pki.leaf.subject)
        .issuer_name(pki.intermediate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.not_before)
        .not_valid_after(pki.not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.intermediate_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")]), critical=False
        )
        .sign(pki.intermediate_key, hashes.SHA256())
    )
    signature = base64.b64encode(key.sign(BODY, ec.ECDSA(hashes.SHA256()))).decode()
    headers = {"SignatureCertChainUrl": pki.cert_url, "Signature-256": signature}
    verifier = pki.verifier(now=lambda: NOW, chain=TestPKI.pem(leaf, pki.intermediate))
    # Its ECDSA signature (about 70 bytes) is refused first, unread: no RSA key taken signs so
    # short. One of an RSA signature's length reaches the chain, which is refused for its key.
    with pytest.raises(SignatureError, match=r"bytes long; the signing key must be RSA-2048"):
        run(verifier.verify(headers, BODY))
    headers["Signature-256"] = base64.b64encode(b"\x01" * 256).decode()
    with pytest.raises(CertificateError) as info:
        run(verifier.verify(headers, BODY))
    assert str(info.value) == "certificate chain: signing key is not RSA"


def _leaf_whose_key_cannot_be_loaded(pki: TestPKI) -> x509.Certificate:
    """``pki``'s signing certificate again, for an EC P-256 key whose point is moved off the
    curve (its last byte changed), re-signed by the intermediate: a certificate cryptography
    loads, whose public key it cannot."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    key = ec.generate_private_key(ec.SECP256R1())
    issuer = (pki.intermediate, pki.intermediate_key)
    leaf = pki.issue(
        pki.leaf.subject,
        key,  # type: ignore[arg-type]
        issuer=issuer,
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["echo-api.amazon.com"],
    )
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    tbs = leaf.tbs_certificate_bytes
    assert tbs.count(point) == 1
    off_curve = tbs.replace(point, point[:-1] + bytes([point[-1] ^ 1]))
    signature = pki.intermediate_key.sign(off_curve, padding.PKCS1v15(), hashes.SHA256())
    der = leaf.public_bytes(serialization.Encoding.DER)
    der = der.replace(tbs, off_curve).replace(leaf.signature, signature)
    return x509.load_der_x509_certificate(der)


def test_a_signing_certificate_whose_key_cannot_be_loaded_is_a_400_with_the_reason() -> None:
    # cryptography's path verifier reads the leaf's key algorithm (EC P-256: taken by the
    # web-PKI policy), not the key itself: a point off the curve first fails in
    # leaf.public_key(), a ValueError. Without its translation that was a 500 (the request's
    # signature was never checked), where every chain refused is a 400 with a short reason.
    from alexaskill import Response, Skill, speak
    from alexaskill.testing import TestClient

    pki = TestPKI()
    pki.leaf = _leaf_whose_key_cannot_be_loaded(pki)  # (served as its chain_pem)
    with pytest.raises(ValueError):
        pki.leaf.public_key()
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    with TestClient(skill, pki=pki) as client:
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        result = client.post(body, pki.sign(body))  # signed by an RSA-2048 key: its length is right
    assert result.status_code == 400, result.json
    assert result.json == {"error": "certificate chain: unusable signing key"}


def test_a_chain_file_with_a_ca_first_says_the_signing_certificate_must_come_first(
    pki: TestPKI,
) -> None:
    # It said "leaf server certificate has no subjectAltName", of a file whose leaf has one.
    for pem in (pki.pem(pki.intermediate, pki.leaf), pki.pem(pki.root, pki.leaf, pki.intermediate)):
        with pytest.raises(CertificateError) as info:
            verify_with_chain(pki, pem)
        assert str(info.value) == (
            "certificate chain: the first certificate is a CA's; the signing certificate must "
            "come first"
        )


def test_a_signing_certificate_with_an_extension_twice_is_a_certificate_error(
    pki: TestPKI,
) -> None:
    # cryptography refuses such a chain (a VerificationError: duplicate extension); the check for
    # a CA first that follows read the leaf's extensions again, and cryptography's
    # DuplicateExtension (no ValueError) went out of the verifier: HTTP 500, not 400.
    constraints = x509.BasicConstraints(ca=False, path_length=None)
    names = x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")])
    leaf = _leaf_with_extensions(pki, (constraints, True), (constraints, True), (names, False))
    with pytest.raises(CertificateError) as info:
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))
    assert str(info.value).startswith("certificate chain: not trusted (")


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted", "no intermediate"])
def test_a_signing_certificate_naming_an_edi_party_is_a_certificate_error(
    pki: TestPKI, trusted: bool
) -> None:
    # A subjectAltName holding an EDIPartyName beside echo-api.amazon.com: the verifier passes
    # over it, and reading the names for Alexa's own rule (or, the chain refused, for a CA
    # first) raised cryptography's UnsupportedGeneralNameType (no ValueError): HTTP 500.
    def tlv(tag: int, content: bytes) -> bytes:
        return bytes([tag, len(content)]) + content  # (short contents only)

    names = tlv(0x82, b"echo-api.amazon.com") + tlv(0xA5, tlv(0xA1, tlv(0x0C, b"x")))
    leaf = _leaf_with_extensions(
        pki,
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (
            x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, tlv(0x30, names)),
            False,
        ),
    )
    chain = pki.pem(leaf, pki.intermediate) if trusted else pki.pem(leaf)
    with pytest.raises(CertificateError) as info:
        verify_with_chain(pki, chain)
    if trusted:
        assert str(info.value) == (
            "certificate chain: signing certificate has a subjectAltName of a type that cannot "
            "be read (x400Address, EDIPartyName)"
        )
    else:
        assert str(info.value).startswith("certificate chain: not trusted (")


def _leaf_with_extensions(
    pki: TestPKI, *extensions: tuple[x509.ExtensionType, bool]
) -> x509.Certificate:
    """``pki``'s signing certificate again, for its key, with ``extensions`` (each with whether
    it is critical) as given, one twice even (the builder's methods refuse that), and the AKI."""
    issuer_key = x509.AuthorityKeyIdentifier.from_issuer_public_key(
        pki.intermediate_key.public_key()
    )
    listed = [*extensions, (issuer_key, False)]
    return x509.CertificateBuilder(
        issuer_name=pki.intermediate.subject,
        subject_name=pki.leaf.subject,
        public_key=pki.leaf_key.public_key(),
        serial_number=x509.random_serial_number(),
        not_valid_before=pki.not_before,
        not_valid_after=pki.not_after,
        extensions=[x509.Extension(value.oid, critical, value) for value, critical in listed],
    ).sign(pki.intermediate_key, hashes.SHA256())


_NOT_A_CA = (x509.BasicConstraints(ca=False, path_length=None), True)
_ECHO_API_NAME = x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")])


@pytest.mark.parametrize(
    "purposes",
    [[ExtendedKeyUsageOID.CLIENT_AUTH], [ExtendedKeyUsageOID.CODE_SIGNING]],
    ids=["clientAuth", "codeSigning"],
)
def test_a_signing_certificate_for_another_purpose_than_a_servers_is_refused(
    pki: TestPKI, purposes: list[x509.ObjectIdentifier]
) -> None:
    # A certificate a trusted CA issued for echo-api.amazon.com, but to sign code or log in
    # with: Amazon's is a server's (serverAuth), and the web-PKI policy asks for that purpose.
    usage = (x509.ExtendedKeyUsage(purposes), False)
    leaf = _leaf_with_extensions(pki, _NOT_A_CA, (_ECHO_API_NAME, False), usage)
    with pytest.raises(CertificateError, match=r"^certificate chain: not trusted \(.*EKU"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))
    server = (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    leaf = _leaf_with_extensions(pki, _NOT_A_CA, (_ECHO_API_NAME, False), server)
    verify_with_chain(pki, pki.pem(leaf, pki.intermediate))  # (the same, as a server's: taken)


@pytest.mark.parametrize(
    "name",
    [
        x509.DNSName("echo-api.amazon.com."),  # (a trailing dot: another name to compare)
        x509.DNSName("echo-api.amazon.com\x00.evil.example"),  # (C string compares stop at NUL)
        x509.DNSName(" echo-api.amazon.com"),
        x509.UniformResourceIdentifier("https://echo-api.amazon.com"),
        x509.RFC822Name("echo-api.amazon.com"),
    ],
    ids=repr,
)
def test_echo_api_in_a_subject_alt_name_that_is_no_such_dns_name_is_refused(
    pki: TestPKI, name: x509.GeneralName
) -> None:
    # Amazon's rule is the DNS name echo-api.amazon.com among the subjectAltNames: the name
    # with a dot after it, bytes after a NUL, or as a URI or an email address is not it.
    leaf = _leaf_with_extensions(pki, _NOT_A_CA, (x509.SubjectAlternativeName([name]), False))
    with pytest.raises(CertificateError, match="subjectAltName"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))
    leaf = _leaf_with_extensions(pki, _NOT_A_CA, (_ECHO_API_NAME, False))
    verify_with_chain(pki, pki.pem(leaf, pki.intermediate))  # (the name itself: taken)

"""The certificate chain (alexaskill/verify/chain.py): dates, the subjectAltName, trust, the
order of the file (what a signing certificate may not be: test_verify_signing_certificate)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from alexaskill import verify as verify_module
from alexaskill.exceptions import CertificateError, SignatureError, TimestampError
from alexaskill.shown_names import shown
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import Verifier, load_chain, validate_chain

from .verify_shared import (
    BODY,
    NOW,
    THEN,
    Fetcher,
    expired_intermediate,
    make_body,
    run,
    stamp,
    verify_with_chain,
)

pytestmark = pytest.mark.oldest_dependencies


def test_good_chain_verifies(pki: TestPKI) -> None:
    verify_with_chain(pki, pki.chain_pem)
    verify_with_chain(pki, pki.pem(pki.leaf, pki.intermediate, pki.root))


def test_expired_leaf(pki: TestPKI) -> None:
    leaf = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(seconds=1))
    with pytest.raises(CertificateError, match="expired"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))


def test_not_yet_valid_leaf(pki: TestPKI) -> None:
    leaf = pki.issue_leaf(not_before=NOW + timedelta(seconds=1), not_after=NOW + timedelta(days=30))
    with pytest.raises(CertificateError, match="not yet valid"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))


@pytest.mark.parametrize("end", ["not_valid_before_utc", "not_valid_after_utc"])
def test_a_leaf_is_valid_at_the_very_second_its_dates_begin_and_end(pki: TestPKI, end: str) -> None:
    # Not Before <= now <= Not After (RFC 5280, 4.1.2.5: both ends inclusive), on the check
    # of the fresh download and on the one after it: a second out is refused (the tests above).
    leaf = pki.issue_leaf(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=1))
    at: datetime = getattr(leaf, end)
    body = make_body(stamp(at))
    verifier = pki.verifier(chain=pki.pem(leaf, pki.intermediate), now=lambda: at)
    run(verifier.verify(pki.sign(body), body))


@pytest.mark.parametrize(
    "dns_names",
    [
        ["evil.example"],
        ["echo-api.amazon.com.evil.example"],
        ["www.amazon.com"],
        [],
        # A wildcard matches the name in TLS, but Alexa's rule is the name itself among the SANs:
        # any *.amazon.com server key must not sign requests.
        ["*.amazon.com"],
        ["*.AMAZON.COM", "www.amazon.com"],
    ],
)
def test_wrong_san_with_right_common_name(pki: TestPKI, dns_names: list[str]) -> None:
    leaf = pki.issue_leaf(dns_names=dns_names, common_name="echo-api.amazon.com")
    with pytest.raises(CertificateError, match="subjectAltName"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))


@pytest.mark.parametrize(
    "dns_names", [["ECHO-API.Amazon.com"], ["*.amazon.com", "echo-api.amazon.com"]]
)
def test_the_san_is_matched_without_regard_to_case_among_others(
    pki: TestPKI, dns_names: list[str]
) -> None:
    leaf = pki.issue_leaf(dns_names=dns_names)
    verify_with_chain(pki, pki.pem(leaf, pki.intermediate))


def test_self_signed_leaf(pki: TestPKI) -> None:
    leaf = pki.issue_leaf(self_signed=True)
    with pytest.raises(CertificateError, match="not trusted"):
        verify_with_chain(pki, pki.pem(leaf))
    with pytest.raises(CertificateError, match="not trusted"):
        verify_with_chain(pki, pki.pem(leaf, pki.intermediate))


def test_chain_to_an_untrusted_root(pki: TestPKI, stranger: TestPKI) -> None:
    # Same names as the trusted PKI, other keys; its root in the file does not help.
    for pem in (
        stranger.chain_pem,
        stranger.pem(stranger.leaf, stranger.intermediate, stranger.root),
    ):
        verifier = stranger.verifier(chain=pem, trusted_roots=[pki.root], now=lambda: NOW)
        with pytest.raises(CertificateError, match="not trusted"):
            run(verifier.verify(stranger.sign(BODY), BODY))


def test_an_untrusted_chain_gives_cryptographys_reason_without_its_quotes(
    pki: TestPKI, stranger: TestPKI
) -> None:
    # cryptography's message starts "validation failed: ", says "candidates exhausted: " of a
    # path it could not build, and may quote the certificate it was processing ("(encountered
    # processing <Certificate(...)>)"): the reason keeps what is said of the chain, no more.
    # (cryptography 51 names the host the leaf was checked for: "... for echo-api.amazon.com".)
    wrong_name = pki.issue_leaf(dns_names=["evil.example"])
    no_name = "leaf certificate has no matching subjectAltName"
    reasons = {
        pki.pem(wrong_name, pki.intermediate): (no_name, f"{no_name} for echo-api.amazon.com"),
        pki.pem(pki.leaf, stranger.intermediate): ("signature does not match",),
        pki.pem(pki.leaf): ("no path to a trusted root",),
    }
    for pem, said in reasons.items():
        with pytest.raises(CertificateError) as info:
            verify_with_chain(pki, pem)
        assert str(info.value) in {f"certificate chain: not trusted ({reason})" for reason in said}


@pytest.mark.parametrize("arcs", [4, 40])
def test_a_long_reason_of_cryptographys_is_cut_as_a_long_name_is(pki: TestPKI, arcs: int) -> None:
    # A critical extension cryptography does not know: its reason (86 characters before the
    # certificate it quotes, with OID 1.2.3.4) is whole, a longer one (a longer OID) cut to its
    # head and tail with its length, so that a refusal stays a short line. It was cut at 80
    # characters, the end lost, and no "…" to say so.
    builder = (
        x509.CertificateBuilder()
        .subject_name(pki.leaf.subject)
        .issuer_name(pki.intermediate.subject)
        .public_key(pki.leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.not_before)
        .not_valid_after(pki.not_after)
    )
    for extension in pki.leaf.extensions:
        builder = builder.add_extension(extension.value, critical=extension.critical)
    oid = ".".join(str(arc) for arc in range(1, arcs + 1))
    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), b"\x05\x00")
    leaf = builder.add_extension(unknown, critical=True).sign(pki.intermediate_key, hashes.SHA256())
    store = x509.verification.Store([pki.root])
    with pytest.raises(CertificateError) as info:
        validate_chain([leaf, pki.intermediate], store, NOW)
    reason = f"invalid extension: {oid}: certificate contains unaccounted-for critical extensions"
    assert str(info.value) == f"certificate chain: not trusted ({shown(reason)})"
    assert ("…" in str(info.value)) is (len(reason) > 120), info.value


def test_leaf_alone_is_not_a_chain(pki: TestPKI) -> None:
    with pytest.raises(CertificateError, match="no path to a trusted root"):
        verify_with_chain(pki, pki.pem(pki.leaf))


def test_leaf_must_come_first(pki: TestPKI) -> None:
    with pytest.raises(CertificateError):
        verify_with_chain(pki, pki.pem(pki.intermediate, pki.leaf))


def test_expired_intermediate(pki: TestPKI) -> None:
    intermediate = expired_intermediate(pki)
    with pytest.raises(CertificateError, match="not valid at validation time"):
        verify_with_chain(pki, pki.pem(pki.leaf, intermediate))


@pytest.mark.parametrize(
    "make_pem",
    [
        lambda pem: pem[: len(pem) // 3],  # cut inside the leaf
        lambda pem: pem[:-100],  # cut inside the intermediate
        lambda pem: pem.replace(b"-----END CERTIFICATE-----", b"", 1),
        lambda pem: b"",
        lambda pem: b"hello, world",
        lambda pem: bytes(range(256)) * 4,
        lambda pem: b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        lambda pem: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        lambda pem: pem.replace(b"M", b"N"),
        lambda pem: pem + TestPKI.default().pem(TestPKI.default().root)[:-100],
    ],
    ids=[
        "truncated-leaf",
        "truncated-intermediate",
        "missing-end",
        "empty",
        "text",
        "binary",
        "bad-base64",
        "not-der",
        "corrupted",
        "truncated-extra",
    ],
)
def test_truncated_or_garbage_pem(pki: TestPKI, make_pem: Callable[[bytes], bytes]) -> None:
    with pytest.raises(CertificateError, match=r"^certificate chain: "):
        verify_with_chain(pki, make_pem(pki.chain_pem))


def _der_pem(der: bytes) -> bytes:
    return (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
    )


def _leaf_der(pki: TestPKI) -> bytes:
    return pki.leaf.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize(
    "make_pem",
    [
        # X.509 version 6 (the DER INTEGER 5): cryptography raises InvalidVersion, not ValueError.
        lambda pki: (
            _der_pem(_leaf_der(pki).replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x05", 1))
            + pki.pem(pki.intermediate)
        ),
        lambda pki: (
            pki.pem(pki.leaf)
            + _der_pem(
                pki.intermediate.public_bytes(serialization.Encoding.DER).replace(
                    b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x05", 1
                )
            )
        ),
        # A subject CN that is not UTF-8 and a DNS name that is not IA5: the verifier raises a
        # bare ValueError while it builds its own error message.
        lambda pki: (
            _der_pem(
                _leaf_der(pki)
                .replace(b"\x0c\x13echo-api.amazon.com", b"\x0c\x13echo\xa1api.amazon.com")
                .replace(b"\x82\x13echo-api.amazon.com", b"\x82\x13echo\xa1api.amazon.com")
            )
            + pki.pem(pki.intermediate)
        ),
    ],
    ids=["leaf-version", "intermediate-version", "leaf-names"],
)
def test_a_certificate_cryptography_cannot_read_is_a_certificate_error(
    pki: TestPKI, make_pem: Callable[[TestPKI], bytes]
) -> None:
    pem = make_pem(pki)
    assert pem.count(b"BEGIN CERTIFICATE") == 2 and pem != pki.chain_pem
    with pytest.raises(CertificateError, match=r"^certificate chain: "):
        verify_with_chain(pki, pem)


def test_leaf_first_with_extra_certificates_in_any_order(pki: TestPKI, stranger: TestPKI) -> None:
    extras = [stranger.intermediate, stranger.root, stranger.leaf, pki.root]
    verify_with_chain(pki, pki.pem(pki.leaf, *extras, pki.intermediate))
    verify_with_chain(pki, pki.pem(pki.leaf, pki.intermediate, *extras))


def test_path_stops_early_at_a_root_in_the_store(pki: TestPKI) -> None:
    # Like Amazon's files: leaf, intermediate, its root cross-signed by an older root, and that
    # older root, here long expired. The path ends at the trusted root and ignores the rest.
    old = TestPKI(key_set=1, valid_at=datetime(2015, 1, 1, tzinfo=UTC))
    cross = pki.issue(
        pki.root.subject,
        pki.root_key,
        issuer=(old.root, old.root_key),
        not_before=old.root.not_valid_before_utc,
        not_after=old.root.not_valid_after_utc,
        ca=True,
    )
    pem = pki.pem(pki.leaf, pki.intermediate, cross, old.root)
    verifier = pki.verifier(chain=pem, now=lambda: NOW)
    run(verifier.verify(pki.sign(BODY), BODY))
    chain = run(verifier.chain(DEFAULT_CERT_URL))
    assert chain.not_after == min(c.not_valid_after_utc for c in (pki.leaf, pki.intermediate))


def test_validate_chain_and_load_chain_directly(pki: TestPKI) -> None:
    certificates = load_chain(pki.chain_pem)
    assert certificates == [pki.leaf, pki.intermediate]
    store = x509.verification.Store([pki.root])
    chain = validate_chain(certificates, store, NOW)
    assert chain.public_key.public_numbers() == pki.leaf_key.public_key().public_numbers()
    assert chain.validated_at == NOW
    assert chain.not_before == max(c.not_valid_before_utc for c in (pki.leaf, pki.intermediate))
    assert "VerifiedChain(" in repr(chain)
    with pytest.raises(CertificateError, match="empty"):
        validate_chain([], store, NOW)


def test_default_roots_are_certifi_and_do_not_trust_a_test_pki(pki: TestPKI) -> None:
    roots = verify_module._certifi_roots()
    assert any("Amazon Root CA 1" in root.subject.rfc4514_string() for root in roots)
    verifier = Verifier(fetch_chain=Fetcher(pki.chain_pem), now=lambda: NOW)
    with pytest.raises(CertificateError, match="not trusted"):
        run(verifier.verify(pki.sign(BODY), BODY))


def test_test_pki_is_cached_and_not_collected(pki: TestPKI) -> None:
    assert TestPKI.default() is pki
    assert TestPKI.__test__ is False
    assert pki.cert_url == DEFAULT_CERT_URL
    assert load_chain(TestPKI(include_root=True).chain_pem)[-1].subject == pki.root.subject
    leaf_san = pki.leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert leaf_san.value.get_values_for_type(x509.DNSName) == ["echo-api.amazon.com"]


# --- replaying old captures ---------------------------------------------------------------------


def test_replay_of_a_2017_capture(pki_2017: TestPKI) -> None:
    body = make_body(stamp(THEN), "LaunchRequest")
    headers = pki_2017.sign(body, sha1=True, sha256=False)  # all a 2017 capture carries
    replay = pki_2017.verifier(now=lambda: THEN, allow_sha1=True)
    run(replay.verify(headers, body))

    with pytest.raises(SignatureError):  # SHA-1 must be switched on
        run(pki_2017.verifier(now=lambda: THEN).verify(headers, body))
    with pytest.raises(CertificateError, match="expired"):  # today's clock
        run(pki_2017.verifier(allow_sha1=True).verify(headers, body))
    with pytest.raises(CertificateError, match="not trusted"):  # today's trust store
        run(Verifier(None, pki_2017.fetch_chain, lambda: THEN, True).verify(headers, body))
    later = THEN + timedelta(seconds=151)
    with pytest.raises(TimestampError):  # its own time, but a stale request
        run(pki_2017.verifier(now=lambda: later, allow_sha1=True).verify(headers, body))


@pytest.mark.parametrize("edge", ["begins", "ends"])
def test_an_untrusted_chain_in_its_dates_is_refused_for_good(pki: TestPKI, edge: str) -> None:
    # Refused as out of its dates (CertificateUnavailableError), the chain's URL would be tried
    # again after seconds; a chain that is in its dates and still not trusted never passes. An
    # intermediate at the very second its dates begin or end is in them, as cryptography has it.
    days = timedelta(days=30)
    intermediate = pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW if edge == "begins" else NOW - days,
        not_after=NOW if edge == "ends" else NOW + days,
        ca=True,
    )
    certificates = load_chain(pki.pem(pki.leaf, intermediate))
    elsewhere = x509.verification.Store([TestPKI(key_set=1).root])  # not pki's root
    with pytest.raises(CertificateError, match="not trusted") as info:
        validate_chain(certificates, elsewhere, NOW)
    assert type(info.value) is CertificateError
    # The same chain under its own root passes at that second.
    validate_chain(certificates, x509.verification.Store([pki.root]), NOW)


def test_a_chain_the_path_verifier_cannot_read_says_so(pki: TestPKI) -> None:
    # The leaf-names case above: the path verifier's own ValueError names the refusal. Without
    # its raise the unverified chain went on to the reading of the subjectAltName, which refused
    # it too, as "malformed extension": the type alone did not tell the two apart.
    der = (
        pki.leaf.public_bytes(serialization.Encoding.DER)
        .replace(b"\x0c\x13echo-api.amazon.com", b"\x0c\x13echo\xa1api.amazon.com")
        .replace(b"\x82\x13echo-api.amazon.com", b"\x82\x13echo\xa1api.amazon.com")
    )
    leaf = x509.load_der_x509_certificate(der)
    store = x509.verification.Store([pki.root])
    with pytest.raises(CertificateError) as info:
        validate_chain([leaf, pki.intermediate], store, NOW)
    assert str(info.value) == "certificate chain: not trusted (malformed certificate)"


# --- paths a check of each signature alone would take ------------------------------------------


def test_a_signing_certificate_issued_by_an_end_entity_is_refused(
    pki: TestPKI, stranger: TestPKI
) -> None:
    # Anyone can have a trusted CA certify a name of theirs; that certificate's key signing one
    # for echo-api.amazon.com (and the request with it) makes a chain whose every signature
    # holds. Only basicConstraints (cA) says that an end entity issues nothing.
    theirs = pki.issue(
        x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "attacker.example")]),
        stranger.leaf_key,
        issuer=(pki.intermediate, pki.intermediate_key),
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["attacker.example"],
    )
    forged = pki.issue(
        pki.leaf.subject,
        pki.leaf_key,  # (the key that signs the request: nothing but the chain stands in the way)
        issuer=(theirs, stranger.leaf_key),
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["echo-api.amazon.com"],
    )
    with pytest.raises(CertificateError, match=r"^certificate chain: not trusted \("):
        verify_with_chain(pki, pki.pem(forged, theirs, pki.intermediate))


def _ca(
    name: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey],
    path_length: int | None,
) -> x509.Certificate:
    """A CA certificate for ``key``, issued by ``issuer`` (certificate, key), with that
    ``path_length`` constraint (None: none)."""
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer[0].subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()),
            critical=False,
        )
        .sign(issuer[1], hashes.SHA256())
    )


@pytest.mark.parametrize(("path_length", "taken"), [(0, False), (1, True), (None, True)])
def test_a_ca_below_an_intermediate_that_may_have_none_is_refused(
    pki: TestPKI, stranger: TestPKI, path_length: int | None, taken: bool
) -> None:
    # An intermediate whose pathLenConstraint is 0 may certify end entities only: a CA it
    # certified (its key lost, or misissued) certifies no signing certificate.
    intermediate = _ca("intermediate", stranger.root_key, (pki.root, pki.root_key), path_length)
    below = _ca("below", stranger.intermediate_key, (intermediate, stranger.root_key), None)
    leaf = pki.issue(
        pki.leaf.subject,
        pki.leaf_key,
        issuer=(below, stranger.intermediate_key),
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["echo-api.amazon.com"],
    )
    pem = pki.pem(leaf, below, intermediate)
    if taken:
        verify_with_chain(pki, pem)
        return
    with pytest.raises(CertificateError, match=r"^certificate chain: not trusted \(path length"):
        verify_with_chain(pki, pem)


def test_a_genuine_chain_with_a_certificate_of_ones_own_slipped_in_signs_nothing(
    pki: TestPKI, stranger: TestPKI
) -> None:
    # A file holding Amazon's genuine chain and the forger's own echo-api.amazon.com leaf: the
    # key that verifies the request must be the one whose path was validated (the first
    # certificate's), not any certificate of the file that has the name.
    signed = stranger.sign(BODY)  # (by the forger's own leaf key)
    first = pki.verifier(chain=pki.pem(stranger.leaf, pki.leaf, pki.intermediate), now=lambda: NOW)
    with pytest.raises(CertificateError, match=r"^certificate chain: not trusted \("):
        run(first.verify(signed, BODY))
    last = pki.verifier(chain=pki.pem(pki.leaf, pki.intermediate, stranger.leaf), now=lambda: NOW)
    with pytest.raises(SignatureError, match=r"^signature: Signature-256 does not match the body$"):
        run(last.verify(signed, BODY))
    run(last.verify(pki.sign(BODY), BODY))  # (the genuine leaf's signature: taken)

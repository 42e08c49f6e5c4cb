"""Request verification (ALEXA.md section 2, issue 3): URL, chain, signature, timestamp, cache."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final, TypeVar

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtensionOID
from starlette.datastructures import Headers

from alexaskill import verify as verify_module
from alexaskill.downloads import TRANSIENT_FAILURE_TTL
from alexaskill.exceptions import (
    CertificateError,
    CertificateUnavailableError,
    CertificateUrlError,
    ConfigurationError,
    RequestError,
    SignatureError,
    TimestampError,
    VerificationError,
)
from alexaskill.models import IntentRequest
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import (
    Verifier,
    check_cert_url,
    check_signature,
    check_timestamp,
    load_chain,
    validate_chain,
)

from .self_signed import self_signed

T = TypeVar("T")

NOW = datetime.now(UTC).replace(microsecond=0)
THEN = datetime(2017, 6, 1, 12, 0, tzinfo=UTC)  # when the "old capture" was signed


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_body(timestamp: str | None = None, request_type: str = "IntentRequest") -> bytes:
    """A request body shaped like Alexa's: leading space, raw newlines, raw UTF-8."""
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": "amzn1.echo-api.request.0000",
        "locale": "de-CH",
        "intent": {"name": "GetWeather", "slots": {"city": {"name": "city", "value": "Zürich"}}},
    }
    if timestamp is not None:
        request["timestamp"] = timestamp
    envelope = {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": "amzn1.ask.skill.test"}}},
        "request": request,
    }
    return (" " + json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode()


BODY = make_body(stamp(NOW))


class Fetcher:
    """A fetch_chain that counts calls, can fail its first calls, and yields to the loop."""

    def __init__(self, pem: bytes, *, failures: int = 0, pem_first: bytes | None = None) -> None:
        self.pem = pem
        self.failures = failures
        self.pem_first = pem_first
        self.calls: list[str] = []

    async def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        for _ in range(3):
            await asyncio.sleep(0)
        if self.failures:
            self.failures -= 1
            raise OSError("connection reset")
        if self.pem_first is not None:
            pem, self.pem_first = self.pem_first, None
            return pem
        return self.pem


def clock(start: datetime = NOW) -> Callable[[], datetime]:
    """A settable clock: ``now.at = ...`` moves it."""

    def now() -> datetime:
        return now.at  # type: ignore[attr-defined, no-any-return]

    now.at = start  # type: ignore[attr-defined]
    return now


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.default()


@pytest.fixture(scope="module")
def stranger() -> TestPKI:
    """An unrelated PKI with the same names but its own keys."""
    return TestPKI(key_set=1)


@pytest.fixture(scope="module")
def pki_2017() -> TestPKI:
    return TestPKI(valid_at=THEN)


# --- certificate URL ----------------------------------------------------------------------------

ECHO = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"

VALID_URLS = [
    # Amazon's examples
    (ECHO, ECHO),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", ECHO),
    # case-insensitive scheme and host; dot segments that stay inside /echo.api/
    ("HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/./echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/echo.api/./echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/elsewhere/../echo.api/echo-api-cert.pem", ECHO),
    (
        "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
    ),
]

INVALID_URLS = [  # (url, a word of the expected reason)
    # Amazon's examples
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "scheme"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
    # dot segments escaping /echo.api/
    ("https://s3.amazonaws.com/echo.api/../elsewhere/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/../echo.api.evil/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/a/../../evil/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/..", "path"),
    ("https://s3.amazonaws.com/echo.api/x/../..", "path"),
    # percent-encoded dots, slashes, letters
    ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/x.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api/%2E%2E%2Fevil.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api%2f..%2fevil/x.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api/.%2e/evil/x.pem", "percent"),
    ("https://s3.amazonaws.com/%65cho.api/x.pem", "percent"),
    ("https://s3%2eamazonaws.com/echo.api/x.pem", "percent"),
    # backslashes (read as "/" by WHATWG parsers)
    ("https://s3.amazonaws.com/echo.api\\..\\evil\\x.pem", "backslash"),
    ("https://s3.amazonaws.com\\@evil.com/echo.api/x.pem", "backslash"),
    ("https://s3.amazonaws.com/echo.api/..\\evil.pem", "backslash"),
    # userinfo
    ("https://s3.amazonaws.com@evil.com/echo.api/x.pem", "userinfo"),
    ("https://evil@s3.amazonaws.com/echo.api/x.pem", "userinfo"),
    ("https://user:pass@s3.amazonaws.com/echo.api/x.pem", "userinfo"),
    ("https://s3.amazonaws.com:443@evil.com/echo.api/x.pem", "userinfo"),
    # other hosts
    ("https://s3.amazonaws.com.evil.com/echo.api/x.pem", "host"),
    ("https://evil.s3.amazonaws.com/echo.api/x.pem", "host"),
    ("https://evils3.amazonaws.com/echo.api/x.pem", "host"),
    ("https://s3.amazonaws.com./echo.api/x.pem", "host"),
    ("https://s3.us-east-1.amazonaws.com/echo.api/x.pem", "host"),
    ("https://s3\u3002amazonaws.com/echo.api/x.pem", "character"),
    ("https://52.216.0.1/echo.api/x.pem", "host"),
    ("https://[::1]/echo.api/x.pem", "host"),
    ("https://[::ffff:52.216.0.1]/echo.api/x.pem", "host"),
    # ports
    ("https://s3.amazonaws.com:80/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:0443/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:443:443/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:99999/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:https/echo.api/x.pem", "port"),
    # empty, unparseable, schemeless
    ("", "empty"),
    ("https://[/", "unparseable"),
    ("https://", "host"),
    ("not a url", "character"),
    ("https:///echo.api/x.pem", "host"),
    ("https:s3.amazonaws.com/echo.api/x.pem", "host"),
    ("//s3.amazonaws.com/echo.api/x.pem", "scheme"),
    ("/echo.api/x.pem", "scheme"),
    ("ftp://s3.amazonaws.com/echo.api/x.pem", "scheme"),
    # queries and fragments
    ("https://s3.amazonaws.com/echo.api/x.pem?versionId=1", "query"),
    ("https://s3.amazonaws.com/echo.api/x.pem?", "query"),
    ("https://s3.amazonaws.com/echo.api/x.pem#", "query"),
    ("https://s3.amazonaws.com/evil?/echo.api/x.pem", "query"),
    ("https://s3.amazonaws.com/evil#/echo.api/x.pem", "query"),
    # paths that are not a file under /echo.api/
    ("https://s3.amazonaws.com/echo.api/", "path"),
    ("https://s3.amazonaws.com/echo.api", "path"),
    ("https://s3.amazonaws.com/echo.apix/x.pem", "path"),
    ("https://s3.amazonaws.com//echo.api/x.pem", "path"),
    ("https://s3.amazonaws.com", "path"),
    # whitespace, control and non-ASCII characters (urlsplit silently drops tabs and newlines)
    ("https://s3.amazonaws.com/echo.api/\tx.pem", "character"),
    ("https://s3.amazonaws.com/echo.\napi/x.pem", "character"),
    (" https://s3.amazonaws.com/echo.api/x.pem", "character"),
    ("https://s3.amazonaws.com/echo.api/x.pem ", "character"),
    ("https://s3.amazonaws.com/echo.api/x\x00.pem", "character"),
    ("https://s3.amazonaws.com/echo.api/\uff58.pem", "character"),
    # longer than any URL of Amazon's: refused before it is stored as a failed download
    ("https://s3.amazonaws.com/echo.api/" + "a" * 990 + ".pem", "longer than 1024"),
]


def test_invalid_url_table_is_large_enough() -> None:
    assert len(INVALID_URLS) - 5 >= 20
    assert len({url for url, _ in INVALID_URLS}) == len(INVALID_URLS)


@pytest.mark.parametrize(("url", "normalised"), VALID_URLS)
def test_valid_cert_url(pki: TestPKI, url: str, normalised: str) -> None:
    assert check_cert_url(url) == normalised
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == [normalised]  # the URL checked is the URL downloaded


def test_cert_url_kept_as_checked_only_for_the_same_string() -> None:
    # The last URL that passed is not matched again: any other string still is, and refused.
    assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    for url, reason in INVALID_URLS:
        with pytest.raises(CertificateUrlError, match=reason):
            check_cert_url(url)
        assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    with pytest.raises(CertificateUrlError, match="empty"):
        check_cert_url("")
    with pytest.raises(CertificateUrlError, match="path"):
        check_cert_url(DEFAULT_CERT_URL.rsplit("/", 1)[0] + "/")


def test_signature_header_decodes_strictly(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    signed = pki.sign(BODY)
    for bad in ("not base64!", signed["Signature-256"] + "A", "é" + signed["Signature-256"][1:]):
        with pytest.raises(SignatureError, match="not base64"):
            run(verifier.verify({**signed, "Signature-256": bad}, BODY))


@pytest.mark.parametrize(("url", "reason"), INVALID_URLS)
def test_invalid_cert_url_is_refused_before_any_download(
    pki: TestPKI, url: str, reason: str
) -> None:
    with pytest.raises(CertificateUrlError, match=r"^certificate URL: .*" + reason) as info:
        check_cert_url(url)
    assert len(str(info.value)) < 80
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    with pytest.raises(CertificateUrlError):
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == []


def test_missing_cert_url_header(pki: TestPKI) -> None:
    headers = pki.sign(BODY)
    del headers["SignatureCertChainUrl"]
    fetch = Fetcher(pki.chain_pem)
    with pytest.raises(CertificateUrlError, match="SignatureCertChainUrl"):
        run(pki.verifier(fetch_chain=fetch).verify(headers, BODY))
    assert fetch.calls == []


# --- certificate chain --------------------------------------------------------------------------


def verify_with_chain(pki: TestPKI, pem: bytes, *, now: datetime = NOW, **kwargs: Any) -> None:
    run(pki.verifier(chain=pem, now=lambda: now, **kwargs).verify(pki.sign(BODY), BODY))


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


def test_leaf_alone_is_not_a_chain(pki: TestPKI) -> None:
    with pytest.raises(CertificateError, match="no path to a trusted root"):
        verify_with_chain(pki, pki.pem(pki.leaf))


def test_leaf_must_come_first(pki: TestPKI) -> None:
    with pytest.raises(CertificateError):
        verify_with_chain(pki, pki.pem(pki.intermediate, pki.leaf))


def expired_intermediate(pki: TestPKI) -> x509.Certificate:
    """``pki``'s intermediate certificate again, expired the day before `NOW`."""
    return pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(days=30),
        not_after=NOW - timedelta(days=1),
        ca=True,
    )


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


# --- signature ----------------------------------------------------------------------------------


def test_signature_over_the_raw_body(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    headers = pki.sign(BODY, sha1=False)
    run(verifier.verify(headers, BODY))

    flipped = bytearray(BODY)
    flipped[len(flipped) // 2] ^= 0x01
    reserialised = json.dumps(json.loads(BODY)).encode()
    variants = {
        "one byte": bytes(flipped),
        "re-serialised": reserialised,
        "leading space stripped": BODY.lstrip(),
        "trailing newline stripped": BODY.rstrip(),
        "CRLF": BODY.replace(b"\n", b"\r\n"),
        "escaped UTF-8": BODY.replace("ü".encode(), b"\\u00fc"),
    }
    for name, body in variants.items():
        assert body != BODY, name
        with pytest.raises(SignatureError, match="does not match"):
            run(verifier.verify(headers, body))


@pytest.mark.parametrize(
    "value",
    ["not base64!", "abc", "YWJj\nZGVm", " YWJjZA==", "YWJjZA==\x00", "YWJj ZA==", "-_-_"],
)
def test_signature_that_is_not_base64(pki: TestPKI, value: str) -> None:
    headers = {**pki.sign(BODY, sha1=False), "Signature-256": value}
    with pytest.raises(SignatureError, match="not base64"):
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))


def test_foreign_signature(pki: TestPKI, stranger: TestPKI) -> None:
    # (an empty one: test_an_empty_signature_header_is_said_to_be_empty)
    verifier = pki.verifier(now=lambda: NOW)
    for value in (stranger.signature(BODY), pki.signature(BODY, sha1=True)):
        headers = {**pki.sign(BODY, sha1=False), "Signature-256": value}
        with pytest.raises(SignatureError, match="does not match"):
            run(verifier.verify(headers, BODY))


def test_allowing_sha1_is_loud(pki: TestPKI, caplog: pytest.LogCaptureFixture) -> None:
    # A check turned down is explicit in code and loud in the log (as verify=False is).
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Verifier()
        assert caplog.records == []
        Verifier(allow_sha1=True)
    [record] = caplog.records
    assert record.getMessage().startswith("allow_sha1=True: requests signed with SHA-1 alone")


def test_a_verifier_with_its_own_clock_or_roots_says_so(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Verifier(now=frozen) accepts a request replayed at any time, and an expired chain, for
    # ever; Verifier(trusted_roots=...) trusts whoever holds those roots' keys: both were silent.
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Verifier()
        Verifier(now=verify_module.verifier._utcnow)  # the default clock, named
        assert caplog.records == []
        Verifier(now=lambda: NOW)
        Verifier(trusted_roots=[pki.root])
        pki.verifier(now=lambda: NOW)  # both: in one line
    clock, roots, both = (r.getMessage() for r in caplog.records)
    assert {r.name for r in caplog.records} == {"alexaskill.security"}
    assert clock.startswith("Verifier(now=...)") and "a clock of its own" in clock
    assert roots.startswith("Verifier(trusted_roots=...)") and "CN=alexaskill test root" in roots
    assert "now=" in both and "trusted_roots=" in both


def test_the_verifiers_of_test_clients_and_serve_dev_add_no_warning_of_their_own(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # A TestClient trusts its test PKI for the test's own requests, and serve --dev says once
    # that it trusts the development key: no second line for the verifier each makes.
    from alexaskill import Skill, speak
    from alexaskill.cli.dev import trust_dev_pki
    from alexaskill.testing import TestClient

    skill = Skill("amzn1.ask.skill.verify-test", store="memory://")
    skill.launch(lambda: speak("hi"))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        with TestClient(skill, now=lambda: datetime.now(UTC)) as client:
            assert client.launch().speech == "hi"
        assert caplog.records == []
        trust_dev_pki(skill, pki)
    [record] = caplog.records
    assert record.getMessage().startswith("--dev: request verification trusts")


def test_the_trust_warning_is_silenced_by_a_private_helper_not_a_public_argument(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Verifier(..., _trust_said=True) was in the public signature: anyone could pass it, and an
    # editor offered it. The callers that say what they trust themselves use a private helper,
    # which silences that one line for the verifier it builds, and nothing else.
    import inspect

    assert not [name for name in inspect.signature(Verifier).parameters if name.startswith("_")]
    with pytest.raises(TypeError):
        Verifier(now=lambda: NOW, _trust_said=True)  # type: ignore[call-arg]
    from alexaskill.verify.verifier import _trust_announced

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        quiet = _trust_announced(pki.verifier, now=lambda: NOW, allow_sha1=True)
        assert isinstance(quiet, Verifier)
        [sha1] = caplog.records  # allow_sha1 is said all the same
        assert sha1.getMessage().startswith("allow_sha1=True")
        caplog.clear()
        pki.verifier(now=lambda: NOW)  # the next verifier says what it trusts again
    [trust] = caplog.records
    assert "Verifier(trusted_roots=...)" in trust.getMessage()


@pytest.mark.parametrize("value", ["no", "false", 0, 1, None])
def test_allow_sha1_takes_only_a_bool(pki: TestPKI, value: object) -> None:
    # allow_sha1="no" (from a config file) accepted SHA-1-only requests.
    message = f"allow_sha1 must be True or False, not {value!r}"
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        pki.verifier(now=lambda: NOW, allow_sha1=value)


def test_allow_sha1_set_to_a_non_bool_later_accepts_no_sha1(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    verifier.allow_sha1 = "no"  # type: ignore[assignment]
    with pytest.raises(SignatureError, match="Signature-256 header missing"):
        run(verifier.verify(pki.sign(BODY, sha1=True, sha256=False), BODY))


def test_sha1_only_needs_allow_sha1(pki: TestPKI) -> None:
    headers = pki.sign(BODY, sha1=True, sha256=False)
    with pytest.raises(SignatureError, match="Signature-256 header missing"):
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    run(pki.verifier(now=lambda: NOW, allow_sha1=True).verify(headers, BODY))
    with pytest.raises(SignatureError, match="SHA-1"):
        run(pki.verifier(now=lambda: NOW, allow_sha1=True).verify(headers, BODY + b" "))


def test_no_sha1_fallback_when_sha256_is_present(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    good_sha1 = pki.sign(BODY)["Signature"]
    for wrong in (pki.signature(BODY + b"x"), "", "not base64!"):
        headers = {
            "SignatureCertChainUrl": DEFAULT_CERT_URL,
            "Signature-256": wrong,
            "Signature": good_sha1,
        }
        with pytest.raises(SignatureError):
            run(verifier.verify(headers, BODY))


def test_missing_signature_headers(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    headers = {"SignatureCertChainUrl": DEFAULT_CERT_URL}
    for allow_sha1 in (False, True):
        verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, allow_sha1=allow_sha1)
        with pytest.raises(SignatureError, match="missing"):
            run(verifier.verify(headers, BODY))
    assert fetch.calls == []  # a request that cannot verify costs no download


def test_check_signature_function(pki: TestPKI) -> None:
    key = pki.leaf_key.public_key()
    check_signature(key, BODY, pki.signature(BODY))
    check_signature(key, BODY, pki.signature(BODY, sha1=True), sha1=True)
    with pytest.raises(SignatureError):
        check_signature(key, BODY, pki.signature(BODY, sha1=True))
    with pytest.raises(SignatureError):
        check_signature(key, BODY, pki.signature(BODY), sha1=True)
    with pytest.raises(SignatureError, match="not base64"):
        check_signature(key, BODY, "%%%")


def test_headers_are_case_insensitive(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    signed = pki.sign(BODY)
    spellings: list[Any] = [
        signed,
        {name.lower(): value for name, value in signed.items()},
        {name.upper(): value for name, value in signed.items()},
        {name.swapcase(): value for name, value in signed.items()},
        Headers(headers=signed),
        httpx.Headers(signed),
    ]
    for headers in spellings:
        run(verifier.verify(headers, BODY))
    legacy = {"signaturecertchainurl": DEFAULT_CERT_URL, "SIGNATURE": signed["Signature"]}
    run(verifier.verify(legacy, BODY))


# --- timestamp ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [-150, -149, 0, 149, 150])
def test_timestamp_within_150_seconds(seconds: int) -> None:
    check_timestamp("IntentRequest", stamp(NOW + timedelta(seconds=seconds)), NOW)


@pytest.mark.parametrize(("seconds", "reason"), [(-151, "too old"), (151, "in the future")])
def test_timestamp_beyond_150_seconds(seconds: int, reason: str) -> None:
    with pytest.raises(TimestampError, match=reason):
        check_timestamp("IntentRequest", stamp(NOW + timedelta(seconds=seconds)), NOW)


@pytest.mark.parametrize(
    "request_type",
    [
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
    ],
)
def test_skill_events_may_be_an_hour_old(request_type: str) -> None:
    check_timestamp(request_type, stamp(NOW - timedelta(seconds=3600)), NOW)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp(request_type, stamp(NOW - timedelta(seconds=3601)), NOW)
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp(request_type, stamp(NOW + timedelta(seconds=151)), NOW)


@pytest.mark.parametrize(
    "request_type",
    ["IntentRequest", "AlexaSkillEvent.Unknown", "AlexaHouseholdListEvent.ItemsCreated"],
)
def test_other_requests_do_not_get_an_hour(request_type: str) -> None:
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp(request_type, stamp(NOW - timedelta(seconds=3600)), NOW)


def test_timestamp_formats() -> None:
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S.123Z"), NOW)
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S.1234567Z"), NOW)
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S+00:00"), NOW)
    in_zurich = NOW.astimezone(timezone(timedelta(hours=2))).isoformat()
    check_timestamp("LaunchRequest", in_zurich, NOW)
    # The same wall-clock digits in another zone are hours away.
    with pytest.raises(TimestampError):
        check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S+02:00"), NOW)


@pytest.mark.parametrize(
    "timestamp",
    [
        "",
        "yesterday",
        "2019-13-45T00:00:00Z",
        "2019-07-15T22:44:23",  # no offset: not a point in time
        "2019-07-15",
        "1563230663",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
    ],
)
def test_unparseable_timestamp(timestamp: str) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: "):
        check_timestamp("IntentRequest", timestamp, NOW)


def test_timestamp_parse_kept_for_the_next_request_never_its_verdict() -> None:
    # The last timestamp's parse is kept (requests of one second share it): the age is checked
    # again for every request, against its own clock and type, and another string is parsed.
    sent = stamp(NOW)
    check_timestamp("IntentRequest", sent, NOW)
    check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=150))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=151))
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp("IntentRequest", sent, NOW - timedelta(seconds=151))
    check_timestamp("AlexaSkillEvent.SkillEnabled", sent, NOW + timedelta(seconds=3600))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=3600))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=151)), NOW)
    check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=151)), NOW)
    # The same instant written with another offset is another string, parsed for itself.
    with pytest.raises(TimestampError, match="no UTC offset"):
        check_timestamp("IntentRequest", sent.replace("Z", ""), NOW)
    check_timestamp("IntentRequest", sent, NOW, tolerance=0)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=1), tolerance=0)


def test_verifier_refuses_an_old_request_after_a_fresh_one(pki: TestPKI) -> None:
    fresh = make_body(stamp(NOW))
    old = make_body(stamp(NOW - timedelta(seconds=151)))
    verifier = pki.verifier(now=lambda: NOW)
    for _ in range(2):
        run(verifier.verify_envelope(pki.sign(fresh), fresh))
        with pytest.raises(TimestampError, match="too old"):
            run(verifier.verify_envelope(pki.sign(old), old))


def verify_body(pki: TestPKI, body: bytes, **kwargs: Any) -> None:
    kwargs.setdefault("now", lambda: NOW)
    run(pki.verifier(**kwargs).verify(pki.sign(body), body))


def test_verify_checks_the_body_timestamp(pki: TestPKI) -> None:
    verify_body(pki, make_body(stamp(NOW - timedelta(seconds=150))))
    with pytest.raises(TimestampError, match="too old"):
        verify_body(pki, make_body(stamp(NOW - timedelta(seconds=151))))
    with pytest.raises(TimestampError, match="in the future"):
        verify_body(pki, make_body(stamp(NOW + timedelta(seconds=151))))
    event = make_body(stamp(NOW - timedelta(minutes=59)), "AlexaSkillEvent.SkillDisabled")
    verify_body(pki, event)


#: Bodies without a timestamp that can be checked: verify() and verify_envelope() refuse each.
UNUSABLE_TIMESTAMP_BODIES: Final = [
    make_body(None),
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": null}}',
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": 1563230663}}',
    # A whole number past what a float holds: HTTP 500 before (OverflowError in the repair).
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": 1' + b"0" * 400 + b"}}",
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "soon"}}',
    b'{"version": "1.0", "request": ["timestamp"]}',
    b'{"version": "1.0"}',
    b'["not", "an", "envelope"]',
    b"not json at all",
    b"",
    # (its id fixed: a timestamp of the moment would name it differently in each xdist worker)
    pytest.param(b'{"request": {"timestamp": "' + stamp(NOW).encode() + b'"', id="cut-off"),
    # Nested past what the decoder recurses into (RecursionError): a 500 under `serve --dev`.
    b'{"version": "1.0", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
]


@pytest.mark.parametrize("body", UNUSABLE_TIMESTAMP_BODIES)
def test_missing_or_unusable_timestamp_in_body(pki: TestPKI, body: bytes) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: "):
        verify_body(pki, body)


def test_tolerance_is_capped_at_150_seconds(pki: TestPKI, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        verifier = pki.verifier(now=lambda: NOW, timestamp_tolerance=3600)
    assert verifier.timestamp_tolerance == 150
    # The cap, and (a line of its own) the test PKI's root and clock this verifier trusts.
    assert [r.levelno for r in caplog.records] == [logging.WARNING] * 2
    capped, trust = (r.getMessage() for r in caplog.records)
    assert "capped" in capped and trust.startswith("Verifier(trusted_roots=...)")
    body = make_body(stamp(NOW - timedelta(seconds=300)))
    with pytest.raises(TimestampError, match="too old"):
        run(verifier.verify(pki.sign(body), body))
    with pytest.raises(TimestampError):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=300)), NOW, 1000)


def test_smaller_tolerance_is_honoured(pki: TestPKI) -> None:
    body = make_body(stamp(NOW - timedelta(seconds=11)))
    verify_body(pki, body, timestamp_tolerance=11)
    with pytest.raises(TimestampError):
        verify_body(pki, body, timestamp_tolerance=10)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timestamp_tolerance": -1}, ValueError),
        ({"timestamp_tolerance": float("nan")}, ValueError),
        ({"cache_size": 0}, ValueError),
        ({"download_timeout": 0}, ValueError),
        ({"trusted_roots": []}, ValueError),
    ],
)
def test_bad_options(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        Verifier(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # A naive clock answered every signed request with a 500.
        ({"now": lambda: NOW.replace(tzinfo=None)}, "aware datetime"),
        ({"now": lambda: "2024-01-01T00:00:00Z"}, "aware datetime"),
        # A path was split into characters: every genuine request refused as a certificate error.
        ({"trusted_roots": "/etc/ssl/certs/ca-certificates.crt"}, "not a path"),
        ({"trusted_roots": b"-----BEGIN CERTIFICATE-----"}, "not a path"),
        ({"trusted_roots": Path("/etc/ssl/root.pem")}, "not a path"),
        ({"trusted_roots": ["/etc/ssl/root.pem"]}, "x509.Certificate"),
        ({"timestamp_tolerance": 0}, "timestamp_tolerance"),
        ({"timestamp_tolerance": "150"}, "timestamp_tolerance"),
        ({"max_chain_size": 0}, "max_chain_size"),
        ({"max_chain_size": "64k"}, "max_chain_size"),
        ({"cache_size": 0}, "cache_size"),
        ({"max_downloads": 0}, "max_downloads"),
    ],
)
def test_bad_options_are_configuration_errors_at_construction(
    pki: TestPKI, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as refused:
        pki.verifier(**kwargs)
    assert isinstance(refused.value, ValueError)  # what Verifier raised before, still caught


def test_order_of_checks(pki: TestPKI) -> None:
    stale = make_body(stamp(NOW - timedelta(days=1)))
    verifier = pki.verifier(now=lambda: NOW)
    # a stale body with a bad signature is refused for the signature
    with pytest.raises(SignatureError):
        run(verifier.verify(pki.sign(BODY), stale))
    # a bad URL is refused before the signature is looked at
    with pytest.raises(CertificateUrlError):
        run(verifier.verify({"SignatureCertChainUrl": "http://x", "Signature-256": "!"}, stale))


# --- cache --------------------------------------------------------------------------------------


def test_concurrent_first_requests_cause_one_download(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    headers = pki.sign(BODY)

    async def many() -> None:
        await asyncio.gather(*(verifier.verify(headers, BODY) for _ in range(50)))
        await verifier.verify(headers, BODY)

    run(many())
    assert fetch.calls == [DEFAULT_CERT_URL]


def settable_monotonic(verifier: Verifier) -> list[float]:
    """Drive the clock that times ``verifier``'s failure memory: ``ticks[0] += seconds``."""
    ticks = [1000.0]
    verifier._downloads._clock = lambda: ticks[0]
    return ticks


def test_a_failed_download_is_remembered_briefly_then_retried(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, failures=1)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)

    async def scenario() -> list[BaseException | None]:
        return await asyncio.gather(
            *(verifier.verify(headers, BODY) for _ in range(10)), return_exceptions=True
        )

    outcomes = run(scenario())
    assert all(isinstance(outcome, CertificateUnavailableError) for outcome in outcomes)
    assert not verifier._downloads.loading  # nothing left behind, however many URLs fail
    first = outcomes[0]
    assert isinstance(first, CertificateUnavailableError)
    assert str(first) == "certificate chain: download failed"
    assert isinstance(first.__cause__, OSError)
    with pytest.raises(CertificateUnavailableError, match="a recent failure"):
        run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 1
    ticks[0] += TRANSIENT_FAILURE_TTL  # a failure that may pass is retried soon
    run(verifier.verify(headers, BODY))  # retries, succeeds
    run(verifier.verify(headers, BODY))  # cached
    assert len(fetch.calls) == 2


def test_a_chain_that_fails_validation_is_remembered_for_failure_ttl(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, pem_first=b"garbage")
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, failure_ttl=30)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)
    with pytest.raises(CertificateError, match="not a PEM") as first:
        run(verifier.verify(headers, BODY))
    assert not isinstance(first.value, CertificateUnavailableError)
    ticks[0] += 29.9
    with pytest.raises(CertificateError, match=r"not a PEM.*a recent failure"):
        run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 1
    ticks[0] += 0.1
    run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 2


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("expired", "expired"),
        ("not yet valid", "not yet valid"),
        ("intermediate expired", "not valid at validation time"),
    ],
)
def test_a_chain_out_of_its_dates_is_retried_soon(pki: TestPKI, when: str, said: str) -> None:
    # Amazon renews its certificate under the same URL, and a clock that was wrong is set
    # right: remembered for failure_ttl (60 s), one such failure refused every genuine request
    # for a minute, though the URL already serves a good chain.
    leaf, intermediate = pki.leaf, pki.intermediate
    if when == "expired":
        leaf = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(1))
    elif when == "not yet valid":
        leaf = pki.issue_leaf(not_before=NOW + timedelta(1), not_after=NOW + timedelta(days=30))
    else:
        intermediate = expired_intermediate(pki)
    fetch = Fetcher(pki.chain_pem, pem_first=pki.pem(leaf, intermediate))
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)
    with pytest.raises(CertificateUnavailableError, match=said):
        run(verifier.verify(headers, BODY))
    with pytest.raises(CertificateError, match="a recent failure"):
        run(verifier.verify(headers, BODY))
    ticks[0] += TRANSIENT_FAILURE_TTL
    run(verifier.verify(headers, BODY))  # downloaded again: the renewed chain
    assert len(fetch.calls) == 2


def test_failure_ttl_0_retries_at_once_and_clear_cache_forgets_failures(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, failures=1)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, failure_ttl=0)
    with pytest.raises(CertificateError):
        run(verifier.verify(pki.sign(BODY), BODY))
    run(verifier.verify(pki.sign(BODY), BODY))
    assert len(fetch.calls) == 2
    fetch = Fetcher(pki.chain_pem, pem_first=b"garbage")
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    with pytest.raises(CertificateError):
        run(verifier.verify(pki.sign(BODY), BODY))
    verifier.clear_cache()
    run(verifier.verify(pki.sign(BODY), BODY))
    assert len(fetch.calls) == 2


def test_cancelled_first_request_does_not_wedge(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    headers = pki.sign(BODY)

    async def scenario() -> None:
        first = asyncio.ensure_future(verifier.verify(headers, BODY))
        while not fetch.calls:  # until the download is under way
            await asyncio.sleep(0)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await verifier.verify(headers, BODY)

    run(scenario())
    assert len(fetch.calls) == 1  # the download went on for the next request


def test_warm_cache_rechecks_validity_against_now(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    late = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = late  # type: ignore[attr-defined]
    body = make_body(stamp(late))
    # Out of date in the cache: fetched afresh for this very request (Amazon may have put a
    # new file at the URL), and refused because the file is still the expired one.
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2
    with pytest.raises(CertificateError, match="expired"):  # remembered: no third download
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2


def test_a_file_replaced_at_its_url_is_taken_when_the_cached_one_expires(pki: TestPKI) -> None:
    # Amazon renews its signing certificate under the same URL: the first request after the
    # cached chain's end is answered with the new one, not refused.
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.chain_pem, pem_first=pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2


def test_cached_window_is_that_of_the_whole_chain(pki: TestPKI) -> None:
    # An intermediate expiring long before the leaf bounds how long the cached chain is good.
    intermediate = pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(days=1),
        not_after=NOW + timedelta(hours=1),
        ca=True,
    )
    fetch = Fetcher(pki.pem(pki.leaf, intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="not valid at validation time"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2  # fetched afresh, still the same file


def test_cached_window_starts_with_the_latest_not_before(pki: TestPKI) -> None:
    intermediate = pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(hours=1),
        not_after=NOW + timedelta(days=30),
        ca=True,
    )
    fetch = Fetcher(pki.pem(pki.leaf, intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW - timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="not valid at validation time"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2  # fetched afresh, still the same file


def test_cache_is_lru_and_bounded(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, cache_size=2)
    urls = {name: f"https://s3.amazonaws.com/echo.api/{name}.pem" for name in "abc"}

    def hit(name: str) -> None:
        run(verifier.verify(pki.sign(BODY, cert_url=urls[name]), BODY))

    for name in "abac":  # c evicts b, the least recently used
        hit(name)
    assert [url[-5] for url in fetch.calls] == ["a", "b", "c"]
    hit("a")
    hit("c")
    assert len(fetch.calls) == 3
    hit("b")
    assert [url[-5] for url in fetch.calls] == ["a", "b", "c", "b"]
    verifier.clear_cache()
    hit("b")
    assert len(fetch.calls) == 5


def test_a_chain_evicted_by_another_thread_meanwhile_is_no_500(pki: TestPKI) -> None:
    # One verifier serving two event loops (two threads): the other thread may evict a URL's
    # chain between this one's read (or write) of the cache and its next step.
    class EvictedAfterRead(OrderedDict[str, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            value = super().get(key, default)
            self.pop(key, None)
            return value

    class EvictedAfterWrite(OrderedDict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            self.clear()

    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, cache_size=1)
    run(verifier.verify(pki.sign(BODY), BODY))  # cached
    verifier._cache = EvictedAfterRead(verifier._cache)
    run(verifier.verify(pki.sign(BODY), BODY))  # a hit, gone before its LRU bump
    assert len(fetch.calls) == 1
    verifier._cache = EvictedAfterWrite()
    run(verifier.verify(pki.sign(BODY), BODY))  # a download, gone before its LRU bump
    assert len(fetch.calls) == 2


def test_normalised_urls_share_one_cache_entry(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    for url, _ in VALID_URLS[:7]:
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == [ECHO]


# --- download through httpx ---------------------------------------------------------------------


def mock_client(handler: Callable[[httpx.Request], Any]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def verify_via(pki: TestPKI, client: httpx.AsyncClient, **kwargs: Any) -> None:
    async def scenario() -> None:
        async with client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client, **kwargs)
            await verifier.verify(pki.sign(BODY), BODY)

    run(scenario())


def test_download_through_httpx(pki: TestPKI) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=pki.chain_pem)

    verify_via(pki, mock_client(handler))
    assert [str(r.url) for r in seen] == [DEFAULT_CERT_URL]
    assert seen[0].headers["Accept-Encoding"] == "identity"


def test_use_http_client_and_aclose(pki: TestPKI) -> None:
    client = mock_client(lambda request: httpx.Response(200, content=pki.chain_pem))

    async def scenario() -> None:
        async with client:
            verifier = Verifier([pki.root], now=lambda: NOW)
            verifier.use_http_client(client)
            await verifier.verify(pki.sign(BODY), BODY)
            await verifier.aclose()  # it created no client: nothing to close
        assert client.is_closed

    run(scenario())


@pytest.mark.parametrize("status", [201, 204, 301, 302, 403, 404, 429, 500, 503])
def test_download_other_than_200(pki: TestPKI, status: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(
            status, headers={"Location": "https://evil.example/chain.pem"}, content=pki.chain_pem
        )

    with pytest.raises(CertificateError, match=f"HTTP {status}") as info:
        verify_via(pki, mock_client(handler))
    assert calls == [DEFAULT_CERT_URL]  # redirects are not followed
    # 403 or 404 (S3's answer for a made-up URL) is remembered for long; 5xx and 429 may pass
    may_pass = status >= 500 or status == 429
    assert isinstance(info.value, CertificateUnavailableError) is may_pass


def test_download_size_cap(pki: TestPKI) -> None:
    big = pki.chain_pem + b"\n" * 70_000

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    with pytest.raises(CertificateError, match="exceeds 65536 bytes"):
        verify_via(pki, mock_client(lambda request: httpx.Response(200, content=big)))
    with pytest.raises(CertificateError, match="exceeds 65536 bytes"):  # no Content-Length
        verify_via(pki, mock_client(lambda request: httpx.Response(200, content=chunks())))
    with pytest.raises(CertificateError, match="exceeds 1000 bytes"):
        verify_via(
            pki,
            mock_client(lambda request: httpx.Response(200, content=pki.chain_pem)),
            max_chain_size=1000,
        )


def test_a_download_declaring_more_than_the_cap_is_refused_unread(pki: TestPKI) -> None:
    # Its Content-Length says so at once: none of its body is read (reading up to the cap
    # first would refuse it too, a cap's worth of memory and time later).
    read: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for _ in range(100):
            read.append(4096)
            yield b"-" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**9)}, content=body())

    with pytest.raises(CertificateError, match="exceeds 65536 bytes"):
        verify_via(pki, mock_client(handler))
    assert read == []


def test_content_encoded_download_is_refused(pki: TestPKI) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"\x1f\x8b")

    with pytest.raises(CertificateError, match="content-encoded"):
        verify_via(pki, mock_client(handler))


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (httpx.ConnectError("refused"), "download failed"),
        (httpx.RemoteProtocolError("bad"), "download failed"),
        (httpx.ReadTimeout("slow"), "timed out"),
        (OSError("reset"), "download failed"),
    ],
)
def test_transport_errors(pki: TestPKI, exc: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(CertificateUnavailableError, match=message) as info:
        verify_via(pki, mock_client(handler))
    assert info.value.__cause__ is exc


def test_download_deadline(pki: TestPKI) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, content=pki.chain_pem)

    with pytest.raises(CertificateUnavailableError, match="timed out"):
        verify_via(pki, mock_client(slow), download_timeout=0.05)


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


# --- errors and API -----------------------------------------------------------------------------


def test_every_refusal_is_a_verification_error() -> None:
    for error in (CertificateUrlError, CertificateError, SignatureError, TimestampError):
        assert issubclass(error, VerificationError)


def test_public_api() -> None:
    assert verify_module.__all__ == [
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


def test_test_pki_is_cached_and_not_collected(pki: TestPKI) -> None:
    assert TestPKI.default() is pki
    assert TestPKI.__test__ is False
    assert pki.cert_url == DEFAULT_CERT_URL
    assert load_chain(TestPKI(include_root=True).chain_pem)[-1].subject == pki.root.subject
    leaf_san = pki.leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert leaf_san.value.get_values_for_type(x509.DNSName) == ["echo-api.amazon.com"]


# --- verify_envelope: the app's path, decoding the body once -------------------------------------


def test_verify_envelope_returns_the_decoded_envelope(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    envelope = run(verifier.verify_envelope(pki.sign(BODY), BODY))
    assert envelope.request.type == "IntentRequest"
    assert isinstance(envelope.request, IntentRequest)
    city = envelope.request.intent.slot("city")
    assert city is not None and city.value == "Zürich"
    assert envelope.application_ids == ("amzn1.ask.skill.test",)


def test_verify_envelope_checks_the_timestamp_as_verify_does(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)

    def check(body: bytes) -> None:
        run(verifier.verify_envelope(pki.sign(body), body))

    check(make_body(stamp(NOW - timedelta(seconds=150))))
    check(make_body(stamp(NOW + timedelta(seconds=150))))
    with pytest.raises(TimestampError, match="too old"):
        check(make_body(stamp(NOW - timedelta(seconds=151))))
    with pytest.raises(TimestampError, match="in the future"):
        check(make_body(stamp(NOW + timedelta(seconds=151))))
    check(make_body(stamp(NOW - timedelta(minutes=59)), "AlexaSkillEvent.SkillDisabled"))
    with pytest.raises(TimestampError, match=r"^timestamp: missing$"):
        check(make_body(None))


@pytest.mark.parametrize("body", UNUSABLE_TIMESTAMP_BODIES)
def test_verify_envelope_refuses_every_body_verify_refuses(pki: TestPKI, body: bytes) -> None:
    # The reason may differ (a body that does not decode is malformed before its timestamp can be
    # read), but every one is a RequestError: the app answers 400.
    verifier = pki.verifier(now=lambda: NOW)
    with pytest.raises(RequestError):
        run(verifier.verify_envelope(pki.sign(body), body))


def test_verify_envelope_checks_the_signature_before_decoding(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    garbage = b"not json at all"
    with pytest.raises(SignatureError):
        run(verifier.verify_envelope(pki.sign(BODY), garbage))


@pytest.mark.parametrize("body", [BODY.decode(), None, [BODY]], ids=["str", "None", "list"])
def test_a_body_that_is_not_bytes_is_refused_before_any_download(pki: TestPKI, body: Any) -> None:
    # A server of one's own that passes the decoded text (aiohttp's `await request.text()`):
    # the signature is over the bytes as sent. It was a TypeError from cryptography, "Cannot
    # convert <class 'str'> instance to a buffer", after the chain's download.
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope, verifier.verify_signature):
        with pytest.raises(TypeError, match=r"^Verifier: the body must be the request's raw bytes"):
            run(check(pki.sign(BODY), body))
    assert fetch.calls == []
    # Bytes of any kind verify (as before; the annotation says bytes, which subclasses keep).
    for raw in (bytearray(BODY), memoryview(BODY)):
        run(verifier.verify(pki.sign(BODY), raw))  # type: ignore[arg-type]


def test_verify_signature_and_check_request_timestamp(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    assert run(verifier.verify_signature(pki.sign(BODY), BODY)) == NOW
    verifier.check_request_timestamp("LaunchRequest", stamp(NOW), NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: missing$"):
        verifier.check_request_timestamp("LaunchRequest", "", NOW)
    with pytest.raises(TimestampError, match="too old"):
        verifier.check_request_timestamp("LaunchRequest", stamp(NOW - timedelta(hours=1)), NOW)
    verifier.check_request_timestamp(
        "AlexaSkillEvent.SkillEnabled", stamp(NOW - timedelta(minutes=59)), NOW
    )
    strict = pki.verifier(now=lambda: NOW, timestamp_tolerance=10)
    with pytest.raises(TimestampError, match="too old"):
        strict.check_request_timestamp("LaunchRequest", stamp(NOW - timedelta(seconds=11)), NOW)


def test_verify_envelope_runs_an_overridden_verify_whole(pki: TestPKI) -> None:
    calls: list[bytes] = []

    class Audited(Verifier):
        async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
            calls.append(body)
            await super().verify(headers, body)
            if "Zürich".encode() in body:
                raise SignatureError("signature: refused by policy")

    verifier = Audited(trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW)
    launch = make_body(stamp(NOW), "LaunchRequest").replace("Zürich".encode(), b"Paris")
    assert run(verifier.verify_envelope(pki.sign(launch), launch)).request.type == "LaunchRequest"
    with pytest.raises(SignatureError, match="by policy"):
        run(verifier.verify_envelope(pki.sign(BODY), BODY))
    assert calls == [launch, BODY]


def test_downloads_at_once_are_bounded(pki: TestPKI) -> None:
    # Forged requests may name any URL under /echo.api/: each new one would be a download.
    # (Without a queue, as here, a request for one URL more is refused at once; test_downloads.py
    # has the queue.)
    release = asyncio.Event()
    calls: list[str] = []

    async def slow_fetch(url: str) -> bytes:
        calls.append(url)
        await release.wait()
        return pki.chain_pem

    verifier = pki.verifier(
        fetch_chain=slow_fetch, now=lambda: NOW, max_downloads=2, max_queued_downloads=0
    )
    urls = [f"https://s3.amazonaws.com/echo.api/forged-{n}.pem" for n in range(3)]

    async def scenario() -> None:
        first = [asyncio.ensure_future(verifier.chain(url)) for url in urls[:2]]
        shared = asyncio.ensure_future(verifier.chain(urls[0]))  # joins the running download
        while len(calls) < 2:
            await asyncio.sleep(0)
        with pytest.raises(CertificateError, match="too many downloads in progress"):
            await verifier.chain(urls[2])
        assert calls == urls[:2]  # the third URL was never fetched
        release.set()
        await asyncio.gather(*first, shared)
        await verifier.chain(urls[2])  # room again

    run(scenario())
    assert calls == urls


def test_max_downloads_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_downloads"):
        Verifier(max_downloads=0)


def test_a_verifier_without_a_lent_client_shares_the_process_tls_settings(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Making httpx's TLS context loads certifi's roots (a few hundred ms of CPU): the client a
    # Verifier makes for itself (a mounted skill, AWS Lambda) takes the one the process has.
    from alexaskill.alexa_api import tls_context

    made: list[dict[str, Any]] = []
    real = httpx.AsyncClient

    def recording(**options: Any) -> httpx.AsyncClient:
        made.append(options)
        handler = lambda request: httpx.Response(200, content=pki.chain_pem)  # noqa: E731
        return real(transport=httpx.MockTransport(handler))

    monkeypatch.setattr(httpx, "AsyncClient", recording)

    async def scenario() -> None:
        verifier = Verifier([pki.root], now=lambda: NOW)
        await verifier.verify(pki.sign(BODY), BODY)
        await verifier.aclose()

    run(scenario())
    assert len(made) == 1
    assert made[0]["verify"] is tls_context()
    assert made[0]["follow_redirects"] is False


# --- what a refusal says ------------------------------------------------------------------------


def test_an_empty_signature_header_is_said_to_be_empty(pki: TestPKI) -> None:
    # It was "Signature-256 does not match the body": a developer checked the body, not the
    # proxy that blanked the header.
    signed = pki.sign(BODY, sha1=False)
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**signed, "Signature-256": ""}, BODY))
    assert str(info.value) == "signature: Signature-256 header is empty"
    sha1_only = pki.sign(BODY, sha256=False)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**sha1_only, "Signature": ""}, BODY))
    assert str(info.value) == "signature: Signature header is empty"
    with pytest.raises(CertificateUrlError) as url_info:
        run(verifier.verify({**signed, "SignatureCertChainUrl": ""}, BODY))
    assert str(url_info.value) == "certificate URL: SignatureCertChainUrl header is empty"


def test_a_signature_that_is_not_base64_names_its_header(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**pki.sign(BODY), "Signature-256": "not base64!"}, BODY))
    assert str(info.value) == "signature: Signature-256 header is not base64"
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**pki.sign(BODY, sha256=False), "Signature": "%%"}, BODY))
    assert str(info.value) == "signature: Signature header is not base64"


def test_a_request_without_any_signing_header_says_so(pki: TestPKI) -> None:
    # What a developer reads when a proxy in front drops the headers: every one of them.
    with pytest.raises(CertificateUrlError) as info:
        run(pki.verifier(now=lambda: NOW).verify({"Content-Type": "application/json"}, BODY))
    assert str(info.value) == (
        "certificate URL: SignatureCertChainUrl header missing, Signature-256 too (not sent by "
        "Alexa, or dropped by a proxy in front)"
    )
    # One of them missing is said alone.
    headers = pki.sign(BODY)
    del headers["SignatureCertChainUrl"]
    with pytest.raises(CertificateUrlError) as info:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert str(info.value) == "certificate URL: SignatureCertChainUrl header missing"


@pytest.mark.parametrize(
    ("request_type", "seconds", "said"),
    [
        ("IntentRequest", -151, "too old (151 s before"),
        ("IntentRequest", -150.2, "too old (151 s before"),
        ("IntentRequest", 400, "in the future (7 min after"),
        ("IntentRequest", -7200, "too old (120 min before"),
        ("IntentRequest", -86400 * 3, "too old (3 days before"),
        ("AlexaSkillEvent.SkillEnabled", -3601, "too old (61 min before"),
    ],
)
def test_a_stale_or_early_timestamp_says_by_how_much(
    request_type: str, seconds: float, said: str
) -> None:
    # "too old" alone left a developer whose clock was off guessing at replays.
    with pytest.raises(TimestampError) as info:
        check_timestamp(request_type, (NOW + timedelta(seconds=seconds)).isoformat(), NOW)
    allowed = "60 min" if request_type.startswith("AlexaSkillEvent.") and seconds < 0 else "150 s"
    assert str(info.value) == f"timestamp: {said} this server's clock; {allowed} allowed)"


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
    ("timestamp", "now"),
    [
        ("2016-12-31T23:59:60Z", datetime(2017, 1, 1, 0, 0, 1, tzinfo=UTC)),
        ("2016-12-31T23:59:60.500Z", datetime(2016, 12, 31, 23, 58, tzinfo=UTC)),
        ("2017-01-01T00:59:60+01:00", datetime(2017, 1, 1, 0, 2, tzinfo=UTC)),
    ],
)
def test_a_leap_second_timestamp_is_read_not_refused(timestamp: str, now: datetime) -> None:
    # ISO 8601 (and RFC 3339) write a leap second as :60, which datetime.fromisoformat refuses:
    # a request signed during one was refused as "not ISO 8601".
    check_timestamp("IntentRequest", timestamp, now)
    # Read as the instant it ends: its distance from now is still checked.
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", timestamp, now + timedelta(minutes=10))


@pytest.mark.parametrize(
    "timestamp", ["2016-12-31T23:59:61Z", "2016-12-31T23:60:00Z", "60", "9999-12-31T23:59:60Z"]
)
def test_only_a_leap_second_is_read_as_one(timestamp: str) -> None:
    with pytest.raises(TimestampError, match="not ISO 8601"):
        check_timestamp("IntentRequest", timestamp, datetime(2017, 1, 1, tzinfo=UTC))


def test_a_sha1_only_request_refused_says_how_old_captures_pass(pki: TestPKI) -> None:
    # A capture made before 2022 has only the legacy header: "Signature-256 header missing"
    # alone did not tell the developer replaying it that the SHA-1 one came and what accepts it.
    headers = pki.sign(BODY, sha1=True, sha256=False)
    with pytest.raises(SignatureError) as info:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert str(info.value) == (
        "signature: Signature-256 header missing (a SHA-1 Signature header came: "
        "Verifier(allow_sha1=True) accepts it, for old captures)"
    )
    # Without either header, nothing is said of SHA-1.
    del headers["Signature"]
    with pytest.raises(SignatureError) as info:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert str(info.value) == "signature: Signature-256 header missing"


def test_a_body_not_in_utf8_is_refused_from_a_memoryview_as_from_bytes(pki: TestPKI) -> None:
    # decode_envelope checks the UTF-8 of bytes and bytearrays; a memoryview (which the verifier
    # takes) skipped that check, and a body refused as bytes was accepted as a view of them.
    body = BODY.replace(b'"version"', b'"x": "\xff", "version"', 1)
    verifier = pki.verifier(now=lambda: NOW)
    for raw in (body, bytearray(body), memoryview(body)):
        with pytest.raises(RequestError, match="can't decode byte 0xff"):
            run(verifier.verify_envelope(pki.sign(body), raw))  # type: ignore[arg-type]
    # A view of good bytes is decoded, and its envelope keeps bytes.
    envelope = run(verifier.verify_envelope(pki.sign(BODY), memoryview(BODY)))  # type: ignore[arg-type]
    assert envelope.body == BODY and type(envelope.body) is bytes


def test_verify_refuses_a_body_not_in_utf8_as_not_json(pki: TestPKI) -> None:
    # verify() reads only request.type and request.timestamp, and msgspec skips the rest without
    # checking its UTF-8: a body with a 0xff in another field passed, where the README says a
    # body that is not JSON (which is UTF-8) is a TimestampError.
    body = BODY.replace(b'"version"', b'"x": "\xff", "version"', 1)
    verifier = pki.verifier(now=lambda: NOW)
    for raw in (body, bytearray(body), memoryview(body)):
        with pytest.raises(TimestampError, match=r"^timestamp: body is not a JSON request$"):
            run(verifier.verify(pki.sign(body), raw))  # type: ignore[arg-type]
    run(verifier.verify(pki.sign(BODY), memoryview(BODY)))  # type: ignore[arg-type]


class _RefusingTimestamps(Verifier):
    """A verifier whose own timestamp check refuses everything."""

    def check_request_timestamp(self, request_type: str, timestamp: str, now: datetime) -> None:
        raise TimestampError(f"timestamp: refused by the subclass ({request_type} {timestamp})")


def test_verify_applies_an_overridden_timestamp_check_as_verify_envelope_does(
    pki: TestPKI,
) -> None:
    # verify() checked the timestamp with the module's own function, so a subclass overriding
    # check_request_timestamp was honoured by verify_envelope (the app) but not by verify (a
    # server of one's own): a request it refuses passed.
    verifier = _RefusingTimestamps(
        trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW
    )
    reason = f"timestamp: refused by the subclass (IntentRequest {stamp(NOW)})"
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == reason
    # A numeric timestamp reaches the override as ISO 8601, as it does from verify_envelope.
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), str(int(NOW.timestamp() * 1000)).encode())
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(body), body))
        iso = NOW.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert str(info.value) == f"timestamp: refused by the subclass (IntentRequest {iso})"


@pytest.mark.parametrize("number", ["1e300", "-1e300", "100000000000000000000"])
def test_a_numeric_timestamp_out_of_range_has_one_reason(pki: TestPKI, number: str) -> None:
    # verify() said "timestamp: out of range", verify_envelope() msgspec's "Expected `str`, got
    # `float`", as if a number were never allowed (the developer console sent epoch ms).
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), number.encode())
    verifier = pki.verifier(now=lambda: NOW)
    reason = "a number, but no date in epoch milliseconds"
    with pytest.raises(TimestampError) as info:
        run(verifier.verify(pki.sign(body), body))
    assert str(info.value) == f"timestamp: {reason}"
    with pytest.raises(RequestError) as envelope_info:
        run(verifier.verify_envelope(pki.sign(body), body))
    assert str(envelope_info.value) == f"malformed request: request.timestamp: {reason}"


@pytest.mark.parametrize("header", ["SignatureCertChainUrl", "Signature-256", "Signature"])
@pytest.mark.parametrize("kind", ["bytes", "int"])
def test_a_header_value_not_a_str_is_a_clear_type_error(
    pki: TestPKI, header: str, kind: str
) -> None:
    # A server of one's own passing raw header bytes (or a number) got a bare TypeError from
    # deep inside ("cannot use a string pattern on a bytes-like object"), or, for bytes in
    # Signature-256, silently passed where the URL's bytes did not.
    headers: dict[str, Any] = pki.sign(
        BODY, sha1=header == "Signature", sha256=header != "Signature"
    )
    headers[header] = headers[header].encode() if kind == "bytes" else 5
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=header == "Signature")
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(
            TypeError, match=rf"^Verifier: header {header} must be a str, not {kind} "
        ):
            run(check(headers, BODY))
    # None is read as the header left out, as a mapping's get() says it.
    headers[header] = None
    with pytest.raises(VerificationError, match="missing"):
        run(verifier.verify(headers, BODY))


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


@pytest.mark.parametrize(
    ("request_json", "where"),
    [
        ('{"type": "LaunchRequest", "timestamp": true}', "$.request.timestamp"),
        ('{"type": "LaunchRequest", "timestamp": ["2017-06-01T12:00:00Z"]}', "$.request.timestamp"),
        ('{"type": 5, "timestamp": "2017-06-01T12:00:00Z"}', "$.request.type"),
        ("[]", "$.request"),
    ],
)
def test_verify_says_which_field_of_a_json_body_has_the_wrong_type(
    pki: TestPKI, request_json: str, where: str
) -> None:
    # Refused as "timestamp: body is not a JSON request" though it is JSON: the developer of a
    # server of their own looked at the body's encoding rather than at the field.
    body = b'{"version": "1.0", "request": ' + request_json.encode() + b"}"
    with pytest.raises(TimestampError) as info:
        run(pki.verifier(now=lambda: NOW).verify(pki.sign(body), body))
    message = str(info.value)
    assert message.startswith("timestamp: body is no request envelope (Expected ")
    assert message.endswith(f" - at `{where}`)")


def test_headers_not_a_mapping_of_str_names_are_a_clear_type_error(pki: TestPKI) -> None:
    # A server of one's own passing ASGI's raw header list, or None, got "'list' object has no
    # attribute 'get'"; a dict of raw bytes names was refused as a request without any header,
    # "not sent by Alexa, or dropped by a proxy in front", sending one to look at the proxy.
    headers = pki.sign(BODY)
    verifier = pki.verifier(now=lambda: NOW)
    for wrong, kind in ((list(headers.items()), "list"), (None, "NoneType")):
        for check in (verifier.verify, verifier.verify_envelope):
            with pytest.raises(
                TypeError, match=rf"^Verifier: headers must be a mapping .* {kind}$"
            ):
                run(check(wrong, BODY))  # type: ignore[arg-type]
    raw = {name.encode(): value.encode() for name, value in headers.items()}
    with pytest.raises(TypeError, match=r"^Verifier: header names must be str, not bytes$"):
        run(verifier.verify(raw, BODY))  # type: ignore[arg-type]
    # A plain dict of str, oddly capitalised, is read as ever.
    run(verifier.verify({name.upper(): value for name, value in headers.items()}, BODY))


@pytest.mark.parametrize("url", [None, 5, DEFAULT_CERT_URL.encode()])
def test_check_cert_url_given_no_str_is_a_clear_type_error(url: object) -> None:
    # "object of type 'NoneType' has no len()", "cannot use a string pattern on a bytes-like
    # object": nothing said which argument or what it should be.
    with pytest.raises(TypeError, match=r"^check_cert_url takes the URL as a str, not "):
        check_cert_url(url)  # type: ignore[arg-type]


def test_a_bytearray_body_gives_an_envelope_holding_bytes(pki: TestPKI) -> None:
    # A memoryview was copied to bytes, a bytearray kept as given: the envelope's body was the
    # caller's buffer, which the caller may change after the signature was checked over it.
    buffer = bytearray(BODY)
    envelope = run(pki.verifier(now=lambda: NOW).verify_envelope(pki.sign(BODY), buffer))  # type: ignore[arg-type]
    assert type(envelope.body) is bytes and envelope.body == BODY
    buffer[:] = b"changed"
    assert envelope.body == BODY


@pytest.mark.parametrize("now", [NOW.replace(tzinfo=None), "2017-06-01T12:00:00Z"])
def test_a_timestamp_check_given_a_naive_now_says_what_it_takes(pki: TestPKI, now: Any) -> None:
    # "can't subtract offset-naive and offset-aware datetimes" named neither argument.
    match = r"^the timestamp check's now must be an aware datetime \(datetime\.now\(UTC\)\)"
    with pytest.raises(TypeError, match=match):
        check_timestamp("IntentRequest", stamp(NOW), now)
    with pytest.raises(TypeError, match=match):
        pki.verifier(now=lambda: NOW).check_request_timestamp("IntentRequest", stamp(NOW), now)


def test_chain_refuses_an_expired_leaf_fresh_or_expiring_in_the_cache(pki: TestPKI) -> None:
    # Verifier.chain(), public, answers "valid now" as verify does: a chain whose leaf has
    # expired is refused when downloaded, and one cached while valid is refused (after a
    # fresh download of the still expired file) once it has expired.
    expired = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(days=1))
    verifier = pki.verifier(chain=pki.pem(expired, pki.intermediate), now=lambda: NOW)
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.chain(DEFAULT_CERT_URL))
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    assert run(verifier.chain(DEFAULT_CERT_URL)).not_after == ending.not_valid_after_utc
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.chain(DEFAULT_CERT_URL))
    assert len(fetch.calls) == 2


def test_chain_refuses_a_joined_download_that_is_not_valid_at_its_own_now(pki: TestPKI) -> None:
    # A call joining a download already in flight gets the chain validated at that download's
    # start: chain() returned it even when it had expired by the joining call's clock (verify
    # refused it; chain() did not check).
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)

    async def both() -> tuple[object, object]:
        first = asyncio.ensure_future(verifier.chain(DEFAULT_CERT_URL))
        for _ in range(50):  # until its download runs (the Fetcher then yields three times)
            if fetch.calls:
                break
            await asyncio.sleep(0)
        assert fetch.calls == [DEFAULT_CERT_URL]
        now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
        late = asyncio.ensure_future(verifier.chain(DEFAULT_CERT_URL))
        results = await asyncio.gather(first, late, return_exceptions=True)
        return results[0], results[1]

    first, late = run(both())
    assert fetch.calls == [DEFAULT_CERT_URL]  # one download, shared
    assert getattr(first, "not_after", None) == ending.not_valid_after_utc
    assert isinstance(late, CertificateError)
    assert str(late) == "certificate chain: not valid now"


class _PinnedChain(Verifier):
    """A verifier whose `chain` is its own: one chain for every URL, counting the calls."""

    def __init__(self, chain: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pinned = chain
        self.asked: list[str] = []

    async def chain(self, url: str) -> Any:
        self.asked.append(url)
        return self.pinned


def test_an_overridden_chain_is_asked_on_every_path(pki: TestPKI, stranger: TestPKI) -> None:
    # verify_signature read the cache and downloaded itself, so a subclass's chain() (the
    # documented way to get the chain for a URL) was never asked: not by the app's
    # verify_envelope, nor by verify.
    stranger_chain = run(stranger.verifier(now=lambda: NOW).chain(DEFAULT_CERT_URL))
    verifier = _PinnedChain(
        stranger_chain, trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW
    )
    checks = (verifier.verify, verifier.verify_envelope, verifier.verify_signature)
    for check in checks:  # the pinned key is the stranger's: pki's signature does not match it
        with pytest.raises(SignatureError, match="does not match"):
            run(check(pki.sign(BODY), BODY))
        run(check(stranger.sign(BODY), BODY))
    assert verifier.asked == [DEFAULT_CERT_URL] * 6
    # What an override returns must be valid now all the same.
    verifier.pinned = verify_module.VerifiedChain(
        stranger_chain.public_key, NOW - timedelta(days=2), NOW - timedelta(days=1), NOW
    )
    for check in checks:
        with pytest.raises(CertificateError, match=r"^certificate chain: not valid now$"):
            run(check(stranger.sign(BODY), BODY))


@pytest.mark.parametrize(
    "signature", [None, 5, b"", "signature-as-bytes"], ids=["None", "int", "empty-bytes", "bytes"]
)
def test_check_signature_given_no_str_is_refused_as_a_signature_not_base64_is(
    pki: TestPKI, signature: object
) -> None:
    # A bytes, None or int signature was cryptography's or binascii's bare TypeError (or, as
    # bytes of base64, checked): a SignatureError naming the header, as for one not base64,
    # and still a TypeError.
    key = pki.leaf_key.public_key()
    if signature == "signature-as-bytes":
        signature = pki.signature(BODY).encode()
    for sha1, header in ((False, "Signature-256"), (True, "Signature")):
        with pytest.raises(SignatureError) as info:
            check_signature(key, BODY, signature, sha1=sha1)  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError)
        assert str(info.value) == (
            f"signature: {header} header is not a str but {type(signature).__name__} "
            "(pass the header's base64 text)"
        )
    with pytest.raises(SignatureError, match=r"^signature: Signature-256 header is not base64$"):
        check_signature(key, BODY, "%%%")


def test_check_signature_given_a_str_body_or_no_key_is_a_clear_type_error(pki: TestPKI) -> None:
    key = pki.leaf_key.public_key()
    with pytest.raises(TypeError, match="the body must be the request's raw bytes"):
        check_signature(key, BODY.decode(), pki.signature(BODY))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the key must be an RSA public key .*, not NoneType"):
        check_signature(None, BODY, pki.signature(BODY))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("timestamp", "sent"),
    [
        ("2026-12-02t19:00:00z", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
        ("2026-12-02T19:00:00z", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
        ("2026-12-02t19:00:00.250z", datetime(2026, 12, 2, 19, 0, 0, 250000, tzinfo=UTC)),
        ("2016-12-31t23:59:60z", datetime(2017, 1, 1, tzinfo=UTC)),  # a leap second, too
    ],
)
def test_a_timestamp_with_a_lower_case_t_or_z_is_the_same_instant(
    timestamp: str, sent: datetime
) -> None:
    # RFC 3339 (section 5.6, the profile of ISO 8601 Alexa's timestamps follow) allows "t" and
    # "z" in lower case: a lower-case z (fromisoformat takes a lower-case t) was refused as
    # "not ISO 8601". Read as the same instant, its distance from now still checked.
    check_timestamp("IntentRequest", timestamp, sent + timedelta(seconds=150))
    check_timestamp("IntentRequest", timestamp, sent - timedelta(seconds=150))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", timestamp, sent + timedelta(seconds=151))
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp("IntentRequest", timestamp, sent - timedelta(seconds=151))


@pytest.mark.parametrize("timestamp", ["2026-12-02T19:00:00zz", "2026-12-02T19:00:00+00:00z", "z"])
def test_only_a_trailing_lower_case_z_is_read_as_utc(timestamp: str) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", timestamp, datetime(2026, 12, 2, 19, tzinfo=UTC))


def test_a_request_whose_timestamp_ends_in_a_lower_case_z_is_accepted(pki: TestPKI) -> None:
    body = make_body(stamp(NOW).lower())
    verifier = pki.verifier(now=lambda: NOW)
    run(verifier.verify(pki.sign(body), body))
    assert (
        run(verifier.verify_envelope(pki.sign(body), body)).request.timestamp == stamp(NOW).lower()
    )


@pytest.mark.parametrize("returned", ["a PEM as str", None, 5])
def test_a_fetch_chain_returning_no_bytes_is_a_clear_configuration_error(
    pki: TestPKI, returned: object
) -> None:
    # cryptography's "'str' object is not an instance of 'bytes'" (a TypeError from the PEM
    # parser, or 'NoneType' has no count) named neither fetch_chain nor what it must return.
    async def fetch_chain(url: str) -> Any:
        return returned

    verifier = Verifier(trusted_roots=[pki.root], fetch_chain=fetch_chain, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(ConfigurationError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == (
            "Verifier(fetch_chain=...) must return the chain file's bytes (PEM), not "
            f"{type(returned).__name__}"
        )
    with pytest.raises(TypeError, match=r"^load_chain takes the PEM file's bytes, not "):
        load_chain(returned)  # type: ignore[arg-type]


def test_a_fetch_chain_may_return_a_bytearray_or_memoryview(pki: TestPKI) -> None:
    for kind in (bytearray, memoryview):

        async def fetch_chain(url: str, kind: Any = kind) -> Any:
            return kind(pki.chain_pem)

        verifier = Verifier(trusted_roots=[pki.root], fetch_chain=fetch_chain, now=lambda: NOW)
        run(verifier.verify(pki.sign(BODY), BODY))


@pytest.mark.parametrize("timestamp", [NOW, b"2026-12-02T19:00:00Z", None, 1_700_000_000_000])
def test_a_timestamp_check_given_no_str_says_what_it_takes(pki: TestPKI, timestamp: Any) -> None:
    # A datetime (or bytes, None, a number) was refused as "timestamp: not ISO 8601", as if the
    # request had sent a bad date: it is the caller's mistake (a request's timestamp reaches
    # the check as a str, epoch milliseconds converted), told as such.
    reason = (
        "the timestamp check takes request.timestamp as its ISO 8601 str, not "
        f"{type(timestamp).__name__}"
    )
    with pytest.raises(TypeError) as info:
        check_timestamp("IntentRequest", timestamp, NOW)
    assert str(info.value) == reason
    assert not isinstance(info.value, TimestampError)
    if timestamp is not None:  # (None is "timestamp: missing" there, as "" is)
        with pytest.raises(TypeError, match=re.escape(reason)):
            pki.verifier(now=lambda: NOW).check_request_timestamp("IntentRequest", timestamp, NOW)


@pytest.mark.parametrize("later", [NOW.replace(tzinfo=None), None, "2024-01-01T00:00:00Z"])
def test_a_clock_that_turns_naive_is_said_alike_by_chain_and_verify_signature(
    pki: TestPKI, later: Any
) -> None:
    # Checked at construction; a clock that changes its mind after it was a bare TypeError
    # (or an AttributeError) out of chain(), and out of verify_signature for no datetime.
    answers = iter([NOW])
    verifier = pki.verifier(now=lambda: next(answers, later))
    with pytest.raises(ConfigurationError, match=r"Verifier\(now=\.\.\.\) must return an aware"):
        run(verifier.chain(DEFAULT_CERT_URL))
    with pytest.raises(ConfigurationError, match=r"Verifier\(now=\.\.\.\) must return an aware"):
        run(verifier.verify_signature(pki.sign(BODY), BODY))


def test_a_fetch_chain_of_ones_own_is_held_to_max_chain_size(pki: TestPKI) -> None:
    # A download over the limit is refused; what a fetch_chain returned was taken at any size.
    padded = pki.chain_pem + b"\n" * 2000
    small = pki.verifier(fetch_chain=Fetcher(padded), now=lambda: NOW, max_chain_size=2000)
    with pytest.raises(CertificateError, match=r"certificate chain: .*exceeds 2000 bytes"):
        run(small.verify(pki.sign(BODY), BODY))
    roomy = len(padded)  # (the limit itself is taken, as a download's)
    run(
        pki.verifier(fetch_chain=Fetcher(padded), now=lambda: NOW, max_chain_size=roomy).chain(
            DEFAULT_CERT_URL
        )
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # No cap at all on a chain file a forged request names: memory without bound.
        ({"max_chain_size": float("inf")}, "max_chain_size must be a positive number"),
        # Each request was then refused "certificate chain: download failed", saying nothing
        # of the function; a clock that is no function was a bare TypeError.
        ({"fetch_chain": "https://example.com/chain.pem"}, "fetch_chain must be a function"),
        ({"now": NOW}, "now must be a function"),
    ],
)
def test_a_verifier_argument_that_would_fail_every_request_is_refused_when_made(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Verifier(**kwargs)


@pytest.mark.parametrize(
    "name", ["download_timeout", "max_downloads", "max_queued_downloads", "failure_ttl"]
)
@pytest.mark.parametrize("value", ["5", True, None])
def test_a_download_limit_that_is_no_number_is_refused_by_name(name: str, value: Any) -> None:
    # A str was refused as "'>' not supported between instances of 'str' and 'int'", naming
    # no argument; True was taken as 1.
    with pytest.raises(ConfigurationError, match=f"^{name} must be a number, not {value!r}"):
        Verifier(**{name: value})


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


@pytest.mark.parametrize("method", ["verify", "verify_envelope"])
def test_the_timestamp_is_judged_at_the_end_of_a_slow_download(pki: TestPKI, method: str) -> None:
    # A request 100 s old when it came, whose chain took 100 s (a long download_timeout) to
    # come: 200 s old when judged, past the 150 s. It was judged at the clock read before the
    # download, and accepted.
    moment = [NOW]

    async def slow_fetch(url: str) -> bytes:
        moment[0] += timedelta(seconds=100)
        return pki.chain_pem

    verifier = pki.verifier(fetch_chain=slow_fetch, now=lambda: moment[0])
    body = make_body(stamp(NOW - timedelta(seconds=100)))
    with pytest.raises(TimestampError, match="too old"):
        run(getattr(verifier, method)(pki.sign(body), body))
    # The chain is cached now: a request 100 s old, with no download, passes.
    moment[0] = NOW + timedelta(seconds=300)
    body = make_body(stamp(moment[0] - timedelta(seconds=100)))
    run(getattr(verifier, method)(pki.sign(body), body))


def test_a_chain_that_expires_during_its_download_is_refused(pki: TestPKI) -> None:
    # Valid when the request came, expired once the download ended: not valid at the time the
    # request is judged, so refused (it was accepted).
    leaf = pki.issue_leaf(not_after=NOW + timedelta(seconds=30))
    moment = [NOW]

    async def slow_fetch(url: str) -> bytes:
        moment[0] += timedelta(seconds=60)
        return pki.pem(leaf, pki.intermediate)

    verifier = pki.verifier(fetch_chain=slow_fetch, now=lambda: moment[0])
    with pytest.raises(CertificateError, match="not valid now"):
        run(verifier.verify(pki.sign(BODY), BODY))


def test_a_verifier_of_its_own_client_downloads_from_one_event_loop_after_another(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server of one's own running each check in its own event loop (asyncio.run per request):
    # the client the verifier made kept its pooled connection, bound to the first loop, and the
    # next download failed ("RuntimeError: Event loop is closed"), refused as unreachable.
    import http.server
    import threading

    chain = pki.chain_pem

    class Serve(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the connection is pooled

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(chain)))
            self.end_headers()
            self.wfile.write(chain)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    local = f"http://127.0.0.1:{server.server_address[1]}"

    class ToLocal(httpx.AsyncBaseTransport):
        """Real sockets and pooling (httpx's own transport), to the local server."""

        def __init__(self, limits: httpx.Limits) -> None:
            self.inner = httpx.AsyncHTTPTransport(limits=limits)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.url = httpx.URL(local + request.url.raw_path.decode())
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    real = httpx.AsyncClient

    def made(**options: Any) -> httpx.AsyncClient:
        limits = options.pop("limits", None) or httpx.Limits()
        return real(transport=ToLocal(limits), **options)  # as the verifier's, to the server

    monkeypatch.setattr(httpx, "AsyncClient", made)
    verifier = Verifier([pki.root], now=lambda: NOW, download_timeout=30)  # (a loaded CI)
    try:
        for name in ("a", "b", "c"):  # another URL each time: each one downloads
            url = f"https://s3.amazonaws.com/echo.api/{name}.pem"
            run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    finally:
        run(verifier.aclose())
        server.shutdown()
        server.server_close()
        thread.join(30)


@pytest.mark.parametrize(
    ("client", "named"),
    [
        (httpx.Client(), "httpx.Client"),
        ("https://proxy.example:3128", "str"),
        (object(), "object"),
    ],
    ids=["sync httpx.Client", "a URL", "object"],
)
def test_an_http_client_that_is_no_async_httpx_client_is_refused_when_made(
    pki: TestPKI, client: object, named: str
) -> None:
    # It was taken, and every download failed: each request from Alexa refused, the log
    # blaming this server's outbound HTTPS ("TypeError: '_GeneratorContextManager' ...").
    with pytest.raises(ConfigurationError) as info:
        Verifier([pki.root], http_client=client)  # type: ignore[arg-type]
    assert f"http_client must be an httpx.AsyncClient, not {named}" in str(info.value)


def test_a_fetch_chain_that_is_no_async_function_is_a_clear_configuration_error(
    pki: TestPKI,
) -> None:
    # A def fetch_chain returning the bytes: "TypeError: object bytes can't be used in 'await'
    # expression" was a failed download, every request from Alexa a 400 (retried, refused...).
    verifier = pki.verifier(fetch_chain=lambda url: pki.chain_pem, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(ConfigurationError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == (
            "Verifier(fetch_chain=...) must be an async function (async def fetch_chain(url) "
            "-> bytes): it returned bytes, not an awaitable"
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


@pytest.mark.parametrize("method", ["verify", "verify_envelope"])
def test_a_subclass_chain_taking_its_time_has_the_timestamp_judged_at_its_end(
    pki: TestPKI, method: str
) -> None:
    # A subclass's chain() (asked on every request) that took 100 s, for a request 100 s old
    # when it came: 200 s old when judged, past the 150 s. The change that judges the timestamp
    # after a download covers this path too; no test held it there.
    moment = [NOW]

    class Slow(Verifier):
        async def chain(self, url: str) -> Any:
            chain = await super().chain(url)
            moment[0] += timedelta(seconds=100)
            return chain

    verifier = Slow([pki.root], fetch_chain=pki.fetch_chain, now=lambda: moment[0])
    body = make_body(stamp(NOW - timedelta(seconds=100)))
    with pytest.raises(TimestampError, match="too old"):
        run(getattr(verifier, method)(pki.sign(body), body))


def test_a_download_that_lets_a_stray_cancellation_out_is_a_failed_download(pki: TestPKI) -> None:
    # An http_client whose transport awaits a task cancelled elsewhere lets CancelledError out
    # while nothing cancels the download: a failed download (400, tried again after 2 s), as a
    # fetch_chain's is (test_verify_cancelled), not a CancelledError out of the verifier.
    class Stray(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            task = asyncio.ensure_future(asyncio.sleep(60))
            task.cancel()
            await task
            raise AssertionError("never reached")

    async def check() -> None:
        async with httpx.AsyncClient(transport=Stray()) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            with pytest.raises(CertificateUnavailableError) as info:
                await verifier.verify(pki.sign(BODY), BODY)
            assert str(info.value) == "certificate chain: download failed"
            assert "CancelledError" in str(info.value.detail)

    run(check())


@pytest.mark.parametrize(
    "name", ["cache_size", "max_downloads", "max_queued_downloads", "failure_cache_size"]
)
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2.5])
def test_a_count_that_is_no_whole_number_is_refused_when_made(name: str, value: Any) -> None:
    # NaN passed every comparison: max_downloads=nan refused every request ("no slot free"),
    # cache_size=nan or inf kept every chain and failure_cache_size every failed URL, unbounded.
    with pytest.raises(ConfigurationError, match=f"^{name} must be a whole number") as refused:
        Verifier(**{name: value})
    assert isinstance(refused.value, ValueError)


def test_counts_given_as_whole_floats_are_taken_and_bound_the_cache(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, cache_size=2.0, max_downloads=1.0)
    for n in range(3):
        url = f"https://s3.amazonaws.com/echo.api/cert-{n}.pem"
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert len(verifier._cache) == 2


@pytest.mark.parametrize(
    "tail",
    ["xZ", " Z", "\tZ", "x+00:00", " +00:00", "xz", "Z\x00", "Z\x00junk", "\x00Z"],
    ids=repr,
)
def test_a_timestamp_with_junk_python_would_pass_over_is_not_iso_8601(
    pki: TestPKI, tail: str
) -> None:
    # Python 3.11's fromisoformat reads "…:19xZ" as "…:19Z" and stops at a NUL: such a
    # timestamp, no ISO 8601, was accepted. (A space between date and time still is: RFC 3339.)
    sent = NOW.strftime("%Y-%m-%dT%H:%M:%S") + tail
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        verify_body(pki, make_body(sent))
    check_timestamp("IntentRequest", NOW.strftime("%Y-%m-%d %H:%M:%S+00:00"), NOW)


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2026-12-03T10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03t10:51:13z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03T10:51:13.123Z", datetime(2026, 12, 3, 10, 51, 13, 123000, tzinfo=UTC)),
        ("2026-12-03T10:51:13,5Z", datetime(2026, 12, 3, 10, 51, 13, 500000, tzinfo=UTC)),
        ("2026-12-03T05:51:13-05:00", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03T16:21:13.5+0530", datetime(2026, 12, 3, 10, 51, 13, 500000, tzinfo=UTC)),
        ("2026-12-03T15:51:13+05", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("20261203T105113Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-W49-4T10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-31T23:59:60Z", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-12-03 10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03", datetime(2026, 12, 3)),  # (naive: the verifier refuses it for that)
        ("2026-W49-4", datetime(2026, 12, 3)),
    ],
)
def test_valid_iso_8601_timestamps_are_not_taken_for_junk(sent: str, read: datetime) -> None:
    # The junk check (`timestamps._junk`) passes over every form a client may write: offsets
    # behind UTC, fractions (with a comma too), lower case, basic and week dates, a date alone.
    from alexaskill.timestamps import read_timestamp

    assert read_timestamp(sent) == read


# --- refused before a download ------------------------------------------------------------------


def _signature_of(length: int) -> str:
    return base64.b64encode(b"\x01" * length).decode()


@pytest.mark.parametrize(("length", "said"), [(1, "1 byte"), (255, "255 bytes")])
@pytest.mark.parametrize("header", ["Signature-256", "Signature"])
def test_a_signature_too_short_for_any_key_taken_is_refused_before_a_download(
    pki: TestPKI, length: int, said: str, header: str
) -> None:
    # A signature is as long as its key's modulus, and a key under 2048 bits is refused: "AA=="
    # (1 byte) could never verify, yet it cost a chain download for a URL not cached yet.
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, allow_sha1=True)
    headers = pki.sign(BODY, sha256=header == "Signature-256")
    headers[header] = _signature_of(length)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify(headers, BODY))
    assert fetch.calls == []
    name = "Signature-256" if header == "Signature-256" else "Signature (SHA-1)"
    assert str(info.value) == (
        f"signature: {name} does not match the body ({said} long; the signing key must be "
        "RSA-2048 or larger, whose signatures have 256 bytes or more)"
    )
    # An empty one is said to be empty (as it was, after the download), before the download.
    headers[header] = ""
    with pytest.raises(SignatureError, match=f"^signature: {header} header is empty$"):
        run(verifier.verify(headers, BODY))
    assert fetch.calls == []
    # 256 bytes may be a signature: the chain is downloaded to check it.
    headers[header] = _signature_of(256)
    with pytest.raises(SignatureError, match=f"^signature: {re.escape(name)} does not match"):
        run(verifier.verify(headers, BODY))
    assert fetch.calls == [DEFAULT_CERT_URL]


def test_a_signature_longer_than_512_bytes_is_checked_as_keys_over_4096_bits_are_taken(
    pki: TestPKI,
) -> None:
    # No key is too large (only too small, `chain.MIN_RSA_BITS`): a 513-byte signature, made
    # by a 4104-bit key from a trusted CA, verifies, so no length above 256 is refused unread.
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=4104)
    leaf = pki.issue(
        pki.leaf.subject,
        key,
        issuer=(pki.intermediate, pki.intermediate_key),
        not_before=pki.not_before,
        not_after=pki.not_after,
        dns_names=["echo-api.amazon.com"],
    )
    raw = key.sign(BODY, padding.PKCS1v15(), hashes.SHA256())
    assert len(raw) == 513
    headers = {
        "SignatureCertChainUrl": pki.cert_url,
        "Signature-256": base64.b64encode(raw).decode(),
    }
    verifier = pki.verifier(now=lambda: NOW, chain=TestPKI.pem(leaf, pki.intermediate))
    run(verifier.verify(headers, BODY))


def test_a_subclass_chain_decides_a_short_signature_itself(pki: TestPKI) -> None:
    # The length is checked before a download only for the verifier's own chains: a subclass's
    # `chain` returns a key of its choosing (a small one in its tests, say), as before.
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pinned = verify_module.VerifiedChain(
        key.public_key(), NOW - timedelta(days=1), NOW + timedelta(days=1), NOW
    )
    verifier = _PinnedChain(pinned, trusted_roots=[pki.root], now=lambda: NOW)
    raw = key.sign(BODY, padding.PKCS1v15(), hashes.SHA256())
    headers = {
        "SignatureCertChainUrl": pki.cert_url,
        "Signature-256": base64.b64encode(raw).decode(),
    }
    run(verifier.verify(headers, BODY))
    assert verifier.asked == [DEFAULT_CERT_URL]


@pytest.mark.parametrize("method", ["verify", "verify_envelope", "verify_signature"])
def test_a_short_signature_is_refused_before_the_download_of_a_subclass_calling_super_chain(
    pki: TestPKI, method: str
) -> None:
    # A subclass whose chain() adds to the verifier's own (super().chain()) skipped the length
    # check, which ran only when chain() was not overridden: "AA==" cost a chain download.
    fetch = Fetcher(pki.chain_pem)
    asked: list[str] = []

    class Logged(Verifier):
        async def chain(self, url: str) -> Any:
            asked.append(url)
            return await super().chain(url)

    verifier = Logged([pki.root], fetch_chain=fetch, now=lambda: NOW)
    headers = pki.sign(BODY)
    headers["Signature-256"] = "AA=="
    refused = r"^signature: Signature-256 does not match the body \(1 byte long"
    with pytest.raises(SignatureError, match=refused):
        run(getattr(verifier, method)(headers, BODY))
    assert asked == [DEFAULT_CERT_URL]
    assert fetch.calls == []
    run(getattr(verifier, method)(pki.sign(BODY), BODY))  # a genuine one still downloads, once
    assert fetch.calls == [DEFAULT_CERT_URL]
    with pytest.raises(SignatureError, match=r"^signature: Signature-256 header is empty$"):
        run(getattr(verifier, method)({**headers, "Signature-256": ""}, BODY))  # cached, too


@pytest.mark.parametrize("sha1", [False, True])
def test_check_signature_refuses_a_signature_too_short_for_any_key_taken(
    pki: TestPKI, sha1: bool
) -> None:
    # check_signature() had no length check: a short signature was only "does not match".
    key = pki.leaf_key.public_key()
    name = "Signature (SHA-1)" if sha1 else "Signature-256"
    with pytest.raises(SignatureError) as info:
        check_signature(key, BODY, _signature_of(255), sha1=sha1)
    assert str(info.value) == (
        f"signature: {name} does not match the body (255 bytes long; the signing key must be "
        "RSA-2048 or larger, whose signatures have 256 bytes or more)"
    )
    check_signature(key, BODY, pki.signature(BODY, sha1=sha1), sha1=sha1)


@pytest.mark.parametrize("length", ["\u00b2", "\u0663", "abc", "-5", "1e3", "", "5, 6"], ids=repr)
def test_a_content_length_that_is_no_ascii_number_is_said_malformed(
    pki: TestPKI, length: str
) -> None:
    # "²" passes str.isdigit(), and int() then raised: "download failed", the log's detail
    # sending the operator to check outbound HTTPS, DNS and proxies though the server answered.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers=[(b"Content-Length", length.encode())], content=pki.chain_pem
        )

    with pytest.raises(CertificateError) as info:
        verify_via(pki, mock_client(handler))
    assert str(info.value) == "certificate chain: download's Content-Length is malformed"
    assert not isinstance(info.value, CertificateUnavailableError)


@pytest.mark.parametrize("length", ["{n}", " {n} ", "000{n}", "{n}, {n}"])
def test_a_content_length_in_ascii_digits_is_read(pki: TestPKI, length: str) -> None:
    # What h11 takes: spaces around it, zeros before it, the same length listed twice.
    size = len(pki.chain_pem)

    def handler(request: httpx.Request) -> httpx.Response:
        value = length.format(n=size).encode()
        return httpx.Response(200, headers=[(b"Content-Length", value)], content=pki.chain_pem)

    verify_via(pki, mock_client(handler))
    with pytest.raises(CertificateError, match=f"^certificate chain: download exceeds {size - 1}"):
        verify_via(pki, mock_client(handler), max_chain_size=size - 1)


def test_a_content_length_of_thousands_of_digits_exceeds_the_limit(pki: TestPKI) -> None:
    # int() refuses a string of more than 4300 digits (ValueError): "download failed" too.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[(b"Content-Length", b"9" * 5000)], content=b"")

    with pytest.raises(
        CertificateError, match=r"^certificate chain: download exceeds 65536 bytes$"
    ):
        verify_via(pki, mock_client(handler))


#: Answers whose head httpx (h11) refuses before the verifier sees it, each a server that
#: answered: (the raw answer, the reason the client is given).
_MALFORMED_ANSWERS: Final = {
    "two different lengths": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "certificate chain: download's Content-Length is malformed",
    ),
    "a length that is no number": (
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello",
        "certificate chain: download's Content-Length is malformed",
    ),
    "a status line that is no HTTP": (
        b"NOT HTTP AT ALL\r\n\r\n",
        "certificate chain: download's answer is malformed",
    ),
    # (A connection closed with no answer is still a failed download, the network's to check.)
    "no answer": (b"", "certificate chain: download failed"),
}


def refusal_of_answer(
    pki: TestPKI, answer: bytes, tls: ssl.SSLContext | None = None
) -> CertificateError:
    """The verifier's refusal of a chain whose download a server on 127.0.0.1 answered with
    ``answer``, raw bytes, through httpx's own transport (its parsers, not a MockTransport's),
    over TLS with ``tls`` (the server's context), else over plain HTTP."""

    async def scenario() -> CertificateError:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
        port = server.sockets[0].getsockname()[1]
        inner = httpx.AsyncHTTPTransport()
        scheme = "http" if tls is None else "https"

        class ToLocal(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                request.url = request.url.copy_with(scheme=scheme, host="127.0.0.1", port=port)
                return await inner.handle_async_request(request)

        try:
            async with httpx.AsyncClient(transport=ToLocal()) as client:
                verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
                with pytest.raises(CertificateError) as info:
                    await verifier.verify(pki.sign(BODY), BODY)
                return info.value
        finally:
            await inner.aclose()
            server.close()
            await server.wait_closed()

    return run(scenario())


@pytest.mark.parametrize("case", list(_MALFORMED_ANSWERS))
def test_an_answer_httpx_refuses_as_malformed_is_said_malformed_not_unreachable(
    pki: TestPKI, case: str
) -> None:
    # httpx's own parser refused the head (RemoteProtocolError) before read_chain read it: a
    # "download failed" whose log sent the operator to check outbound HTTPS, DNS and proxies,
    # though the certificate server had answered.
    answer, reason = _MALFORMED_ANSWERS[case]
    refused = refusal_of_answer(pki, answer)
    assert str(refused) == reason
    if case == "no answer":
        assert isinstance(refused, CertificateUnavailableError)
        assert "allow outbound HTTPS" in str(refused.detail)
        return
    assert not isinstance(refused, CertificateUnavailableError)  # (the log's "allow outbound")
    assert "outbound HTTPS" not in str(getattr(refused, "detail", None))


#: Answers whose connection closed before the end of their body, which the head announced.
_CUT_SHORT_ANSWERS: Final = {
    "chunked, without its last chunk": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
    ),
    "fewer bytes than its Content-Length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello"
    ),
}


@pytest.mark.parametrize("case", list(_CUT_SHORT_ANSWERS))
def test_an_answer_cut_short_is_a_download_that_may_pass_not_a_malformed_answer(
    pki: TestPKI, case: str
) -> None:
    # h11 says a body its connection's close cut short with a RemoteProtocolError too, which
    # was taken for a malformed answer: a CertificateError remembered for failure_ttl (60 s of
    # Alexa's requests refused after a proxy or the network cut one download), where a
    # connection reset mid-body is a failure that may pass, remembered 2 s.
    refused = refusal_of_answer(pki, _CUT_SHORT_ANSWERS[case])
    assert str(refused) == "certificate chain: download cut short"
    assert isinstance(refused, CertificateUnavailableError)
    assert "closed before the end of the answer" in str(refused.detail)
    assert "check DNS" not in str(refused.detail)  # (the server answered: no name to look up)


def test_a_tls_certificate_not_trusted_is_not_said_a_matter_of_network_access(
    pki: TestPKI, tmp_path: Path
) -> None:
    # The certificate server answered the TLS handshake with a certificate this server's roots
    # do not take (a proxy that inspects TLS on the way, a trust store of one's own): the log
    # said to allow outbound HTTPS, check DNS or set HTTPS_PROXY, none of which it needs.
    cert, key = self_signed(tmp_path, common_name="s3.amazonaws.com", dns=["s3.amazonaws.com"])
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    refused = refusal_of_answer(pki, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", server_tls)
    assert str(refused) == "certificate chain: download failed"
    assert isinstance(refused, CertificateUnavailableError)
    detail = str(refused.detail)
    assert "CERTIFICATE_VERIFY_FAILED" in detail
    assert "allow outbound HTTPS" not in detail and "check DNS" not in detail
    assert "TLS certificate this server does not trust" in detail
    assert "SSL_CERT_FILE" in detail


@pytest.mark.parametrize("seconds", ["now", "now as float", "1000000000", "9999999999.9"])
def test_a_timestamp_in_epoch_seconds_is_refused_saying_it_looks_like_seconds(
    pki: TestPKI, seconds: str
) -> None:
    # Read as milliseconds (as the developer console sent it), it is January 1970: refused as
    # "20772 days before this server's clock", which did not say what was wrong.
    number = {"now": str(int(NOW.timestamp())), "now as float": repr(NOW.timestamp())}
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), number.get(seconds, seconds).encode())
    verifier = pki.verifier(now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(body), body))
        message = str(info.value)
        assert message.startswith("timestamp: too old (")
        assert message.endswith("; 150 s allowed; epoch seconds? a number is read as milliseconds)")


@pytest.mark.parametrize("milliseconds", [999_999_999, 10_000_000_000, 1_500_000_000_000])
def test_a_stale_timestamp_not_like_epoch_seconds_gets_no_such_hint(
    pki: TestPKI, milliseconds: int
) -> None:
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), str(milliseconds).encode())
    with pytest.raises(TimestampError, match=r"^timestamp: too old \(.* allowed\)$"):
        verify_body(pki, body)

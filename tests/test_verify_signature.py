"""The signature over the raw body (alexaskill/verify/signature.py): ``Signature-256``, the
legacy SHA-1 ``Signature``, what a refusal says, and a signature refused before any download."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from starlette.datastructures import Headers

from alexaskill import verify as verify_module
from alexaskill.exceptions import CertificateUrlError, SignatureError
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import Verifier, check_signature
from alexaskill.verify.signature import _decode_signature

from .verify_shared import BODY, NOW, Fetcher, _PinnedChain, run

pytestmark = pytest.mark.oldest_dependencies


def test_signature_header_decodes_strictly(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    signed = pki.sign(BODY)
    for bad in ("not base64!", signed["Signature-256"] + "A", "é" + signed["Signature-256"][1:]):
        with pytest.raises(SignatureError, match="not base64"):
            run(verifier.verify({**signed, "Signature-256": bad}, BODY))


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


def test_sha1_only_needs_allow_sha1(pki: TestPKI) -> None:
    headers = pki.sign(BODY, sha1=True, sha256=False)
    with pytest.raises(SignatureError, match="Signature-256 header missing"):
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    run(pki.verifier(now=lambda: NOW, allow_sha1=True).verify(headers, BODY))
    with pytest.raises(SignatureError, match="SHA-1"):
        run(pki.verifier(now=lambda: NOW, allow_sha1=True).verify(headers, BODY + b" "))


@pytest.mark.parametrize(
    ("name", "sha1"),
    [("SignatureCertChainUrl", False), ("Signature-256", False), ("Signature", True)],
)
def test_a_header_value_given_as_bytes_is_refused_even_when_it_is_right(
    pki: TestPKI, name: str, sha1: bool
) -> None:
    # A server passing raw header bytes is told so, whatever the bytes: the right signature as
    # bytes decodes as base64 all the same, and was never to pass unseen.
    headers: dict[str, Any] = pki.sign(BODY, sha1=sha1, sha256=not sha1)
    headers[name] = headers[name].encode()
    with pytest.raises(TypeError, match=f"header {name} must be a str, not bytes"):
        run(pki.verifier(now=lambda: NOW, allow_sha1=sha1).verify(headers, BODY))


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
    said = {  # (with SHA-1 allowed, either header would do: both are said)
        False: "signature: Signature-256 header missing",
        True: "signature: Signature-256 and Signature headers missing",
    }
    for allow_sha1, message in said.items():
        verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, allow_sha1=allow_sha1)
        with pytest.raises(SignatureError) as info:
            run(verifier.verify(headers, BODY))
        assert str(info.value) == message
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


@pytest.mark.parametrize("blank", [" ", " \t  "], ids=["space", "spaces-and-tab"])
def test_a_header_of_white_space_alone_is_said_to_be_empty(pki: TestPKI, blank: str) -> None:
    # A server strips the white space around a header's value (RFC 9110, 5.5), so a blank
    # header served was "header is empty"; given to the verifier in-process (a server of one's
    # own, a test), the same header was "not base64" (the URL's: "whitespace ... character").
    signed = pki.sign(BODY, sha1=False)
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**signed, "Signature-256": blank}, BODY))
    assert str(info.value) == "signature: Signature-256 header is empty"
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**pki.sign(BODY, sha256=False), "Signature": blank}, BODY))
    assert str(info.value) == "signature: Signature header is empty"
    with pytest.raises(SignatureError) as info:
        check_signature(pki.leaf_key.public_key(), BODY, blank)
    assert str(info.value) == "signature: Signature-256 header is empty"
    with pytest.raises(CertificateUrlError) as url_info:
        run(verifier.verify({**signed, "SignatureCertChainUrl": blank}, BODY))
    assert str(url_info.value) == "certificate URL: SignatureCertChainUrl header is empty"


def test_a_signature_that_is_not_base64_names_its_header(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=True)
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**pki.sign(BODY), "Signature-256": "not base64!"}, BODY))
    assert str(info.value) == "signature: Signature-256 header is not base64"
    with pytest.raises(SignatureError) as info:
        run(verifier.verify({**pki.sign(BODY, sha256=False), "Signature": "%%"}, BODY))
    assert str(info.value) == "signature: Signature header is not base64"


def test_a_sha1_only_request_refused_says_how_old_captures_pass(pki: TestPKI) -> None:
    # A capture made before 2022 has only the legacy header: "Signature-256 header missing"
    # alone did not tell the developer replaying it that the SHA-1 one came and what accepts it.
    headers = pki.sign(BODY, sha1=True, sha256=False)
    lower = {name.lower(): value for name, value in headers.items()}  # (as the app's mapping)
    for sent in (headers, lower):
        with pytest.raises(SignatureError) as info:
            run(pki.verifier(now=lambda: NOW).verify(sent, BODY))
        assert str(info.value) == (
            "signature: Signature-256 header missing (a SHA-1 Signature header came: "
            "Verifier(allow_sha1=True) accepts it, for old captures)"
        )
    # Without either header, nothing is said of SHA-1.
    del headers["Signature"]
    with pytest.raises(SignatureError) as info:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert str(info.value) == "signature: Signature-256 header missing"


@pytest.mark.parametrize(
    ("signature", "kind"),
    [(None, "None"), (5, "an int"), (b"", "bytes"), ("signature-as-bytes", "bytes")],
    ids=["None", "int", "empty-bytes", "bytes"],
)
def test_check_signature_given_no_str_is_refused_as_a_signature_not_base64_is(
    pki: TestPKI, signature: object, kind: str
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
            f"signature: {header} header is not a str but {kind} "  # ("but int" was said)
            "(pass the header's base64 text)"
        )
    with pytest.raises(SignatureError, match=r"^signature: Signature-256 header is not base64$"):
        check_signature(key, BODY, "%%%")


def test_check_signature_given_a_str_body_or_no_key_is_a_clear_type_error(pki: TestPKI) -> None:
    key = pki.leaf_key.public_key()
    with pytest.raises(TypeError, match="the body must be the request's raw bytes"):
        check_signature(key, BODY.decode(), pki.signature(BODY))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the key must be an RSA public key .*, not None$"):
        check_signature(None, BODY, pki.signature(BODY))  # type: ignore[arg-type]


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


def test_the_shortest_signature_is_said_with_thousands_separators(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the signature's own length is said ("1,023 bytes long"): a bound of 1,024 bytes (an
    # RSA-8192 floor) was said "1024 bytes or more".
    from alexaskill.verify import signature

    monkeypatch.setattr(signature, "_MIN_SIGNATURE_BYTES", 1024)
    with pytest.raises(SignatureError, match=r"\(1,023 bytes long; .* have 1,024 bytes or more\)$"):
        check_signature(pki.leaf_key.public_key(), BODY, _signature_of(1023))


# --- the header's base64, decoded as binascii's strict decode takes it --------------------------


@pytest.mark.parametrize(
    "value",
    [
        "QUJD", "QQ==", "QR==",  # the last: bits past the byte set, taken as binascii takes them
        "QUJDQQ==", "QUJD=", "QUJDRA==", "QUJDRA=", "QUJDRA", "QQ==QQ==", "=QQ=", "QU=D",
        "QUJ\n", "QU JD", "QUJD\x00", "QUJDé", "-_-_", "QUJD\u0130", "QUJD\U0001f600",
    ],
)  # fmt: skip
def test_a_signature_header_is_decoded_as_binascii_decodes_it_strictly(value: str) -> None:
    # The verifier decodes the header with msgspec first (quicker), binascii where msgspec
    # refuses: what is taken, and to which bytes, stays binascii's strict decode's. "QUJD="
    # (padding after a whole group) is taken by binascii and refused by msgspec.
    try:
        expected: bytes | None = binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        expected = None
    if expected is None:
        with pytest.raises(SignatureError, match=r"^signature: signature header is not base64$"):
            _decode_signature(value)
    else:
        assert _decode_signature(value) == expected


def test_a_3072_bit_signature_with_an_equals_sign_after_it_is_checked_as_before(
    pki: TestPKI,
) -> None:
    # 384 bytes need no padding: "...=" after them is what binascii's strict decode takes (and
    # msgspec's refuses). The signature is checked against the key, not refused as not base64.
    raw = b"\x01" * 384
    key = pki.leaf_key.public_key()
    for value in (base64.b64encode(raw).decode(), base64.b64encode(raw).decode() + "="):
        with pytest.raises(SignatureError, match=r"^signature: Signature-256 does not match"):
            check_signature(key, BODY, value)


def test_a_signature_header_holding_a_lone_surrogate_is_refused_as_not_base64(
    pki: TestPKI,
) -> None:
    # No server's header holds one (they are latin-1), a caller's str may: JSON's "\ud800", bytes
    # decoded with surrogateescape. binascii refuses it as not ASCII; msgspec's decode, tried
    # first, raised UnicodeEncodeError (UTF-8 cannot encode it): a crash, not a refusal.
    signed = pki.sign(BODY)
    verifier = pki.verifier(now=lambda: NOW)
    key = pki.leaf_key.public_key()
    reason = r"^signature: Signature-256 header is not base64$"
    for value in (signed["Signature-256"] + "\ud800", "\udc80" * 4):
        with pytest.raises(SignatureError, match=reason):
            run(verifier.verify({**signed, "Signature-256": value}, BODY))
        with pytest.raises(SignatureError, match=reason):
            check_signature(key, BODY, value)

"""Request verification (Amazon's "Host a Custom Skill as a Web Service"; issue 3), end to end:
the order of the checks, `verify_envelope` (the app's path, decoding the body once), and the
public API. The checks one by one are in tests/test_verify_{url,chain,signature,timestamp}.py,
the download of a chain in tests/test_verify_download.py (status codes, sizes, lengths, malformed
heads; tests/test_verify_fetch*.py have the rest), the cache in tests/test_verify_cache.py, a
Verifier's arguments in tests/test_verify_arguments.py."""

from __future__ import annotations

import array
import ctypes
import hashlib
import mmap
import re
from collections.abc import Mapping
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from alexaskill import verify as verify_module
from alexaskill.exceptions import (
    CertificateError,
    CertificateUrlError,
    MalformedRequestError,
    RequestError,
    SignatureError,
    TimestampError,
    VerificationError,
)
from alexaskill.models import IntentRequest
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier, check_signature
from alexaskill.verify import signature as signature_module

from .conftest import SKILL_ID
from .verify_shared import BODY, NOW, UNUSABLE_TIMESTAMP_BODIES, Fetcher, make_body, run, stamp

pytestmark = pytest.mark.oldest_dependencies


def test_order_of_checks(pki: TestPKI) -> None:
    stale = make_body(stamp(NOW - timedelta(days=1)))
    verifier = pki.verifier(now=lambda: NOW)
    # a stale body with a bad signature is refused for the signature
    with pytest.raises(SignatureError):
        run(verifier.verify(pki.sign(BODY), stale))
    # a bad URL is refused before the signature is looked at
    with pytest.raises(CertificateUrlError):
        run(verifier.verify({"SignatureCertChainUrl": "http://x", "Signature-256": "!"}, stale))


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


# --- verify_envelope: the app's path, decoding the body once ------------------------------------


def test_verify_envelope_returns_the_decoded_envelope(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    envelope = run(verifier.verify_envelope(pki.sign(BODY), BODY))
    assert envelope.request.type == "IntentRequest"
    assert isinstance(envelope.request, IntentRequest)
    city = envelope.request.intent.slot("city")
    assert city is not None and city.value == "Zürich"
    assert envelope.application_ids == (SKILL_ID,)


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

    class Waived(Verifier):  # its own verify alone decides: none of Verifier's checks after it
        async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
            calls.append(body)

    waived = Waived(trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW)
    assert run(waived.verify_envelope({}, launch)).request.type == "LaunchRequest"  # unsigned
    assert calls == [launch, BODY, launch]


def test_a_body_not_in_utf8_is_refused_from_a_memoryview_as_from_bytes(pki: TestPKI) -> None:
    # decode_envelope checks the UTF-8 of bytes and bytearrays; a memoryview (which the verifier
    # takes) skipped that check, and a body refused as bytes was accepted as a view of them.
    body = BODY.replace(b'"version"', b'"x": "\xff", "version"', 1)
    verifier = pki.verifier(now=lambda: NOW)
    for raw in (body, bytearray(body), memoryview(body)):
        with pytest.raises(RequestError, match="can't decode byte 0xff"):
            run(verifier.verify_envelope(pki.sign(body), raw))  # type: ignore[arg-type]
    # A view of good bytes is decoded, and its envelope keeps bytes.
    envelope = run(
        verifier.verify_envelope(pki.sign(BODY), memoryview(BODY))  # type: ignore[arg-type]
    )
    assert envelope.body == BODY and type(envelope.body) is bytes


def test_verify_refuses_a_body_not_in_utf8_as_not_json(pki: TestPKI) -> None:
    # verify() reads only request.type and request.timestamp, and msgspec skips the rest without
    # checking its UTF-8: a body with a 0xff in another field passed, where the README says a
    # body that is not JSON (which is UTF-8) is a TimestampError.
    body = BODY.replace(b'"version"', b'"x": "\xff", "version"', 1)
    verifier = pki.verifier(now=lambda: NOW)
    not_utf8 = r"^timestamp: body is not a JSON request \('utf-8' codec can't decode byte 0xff"
    for raw in (body, bytearray(body), memoryview(body)):
        with pytest.raises(TimestampError, match=not_utf8):
            run(verifier.verify(pki.sign(body), raw))  # type: ignore[arg-type]
    run(verifier.verify(pki.sign(BODY), memoryview(BODY)))  # type: ignore[arg-type]


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


@pytest.mark.parametrize("request_json", ["null", "5", '"LaunchRequest"', "[]"])
def test_verify_and_verify_envelope_say_the_same_of_a_request_that_is_no_object(
    pki: TestPKI, request_json: str
) -> None:
    # {"request": null} was "timestamp: missing" from verify, though no request was there to
    # miss one, and "malformed request: Expected `object`, got `null` - at `$.request`" from
    # verify_envelope; a number was "Expected `object | null`" from verify (its own reader's
    # type). Each says, after its check's name, msgspec's words on the envelope.
    body = b'{"version": "1.0", "request": ' + request_json.encode() + b"}"
    verifier = pki.verifier(now=lambda: NOW)
    with pytest.raises(TimestampError) as verified:
        run(verifier.verify(pki.sign(body), body))
    with pytest.raises(MalformedRequestError) as decoded:
        run(verifier.verify_envelope(pki.sign(body), body))
    details = str(decoded.value).removeprefix("malformed request: ")
    assert details.startswith("Expected `object`, got ") and details.endswith(" - at `$.request`")
    assert str(verified.value) == f"timestamp: body is no request envelope ({details})"


def test_a_bytearray_body_gives_an_envelope_holding_bytes(pki: TestPKI) -> None:
    # A memoryview was copied to bytes, a bytearray kept as given: the envelope's body was the
    # caller's buffer, which the caller may change after the signature was checked over it.
    buffer = bytearray(BODY)
    verifier = pki.verifier(now=lambda: NOW)
    envelope = run(verifier.verify_envelope(pki.sign(BODY), buffer))  # type: ignore[arg-type]
    assert type(envelope.body) is bytes and envelope.body == BODY
    buffer[:] = b"changed"
    assert envelope.body == BODY


class _OwnVerify(Verifier):
    """A verifier whose `verify` is its own (`verify_envelope` calls it whole)."""

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        await super().verify(headers, body)


@pytest.mark.parametrize("view", [False, True], ids=["bytearray", "memoryview"])
@pytest.mark.parametrize("check", ["verify", "verify_envelope", "verify_signature", "own verify"])
def test_a_body_changed_during_the_download_is_verified_and_decoded_as_given(
    pki: TestPKI, check: str, view: bool
) -> None:
    # Another thread changing the caller's buffer while the chain downloads: the signature was
    # checked, after the download, over the bytes as changed, and decoded as they were then, or
    # later. The body is taken as it was given, before any wait: what is verified is decoded.
    buffer = bytearray(BODY)
    other = make_body(stamp(NOW), "LaunchRequest")

    async def fetch(url: str) -> bytes:
        if view:  # (a view's buffer cannot change size: the same length, other bytes)
            buffer[:] = other[: len(BODY)].ljust(len(BODY))
        else:
            buffer[:] = other
        return pki.chain_pem

    kind = _OwnVerify if check == "own verify" else Verifier
    verifier = kind(trusted_roots=[pki.root], fetch_chain=fetch, now=lambda: NOW)
    body: Any = memoryview(buffer) if view else buffer
    name = "verify_envelope" if check == "own verify" else check
    got = run(getattr(verifier, name)(pki.sign(BODY), body))
    assert buffer != BODY
    if name == "verify_envelope":
        assert got.body == BODY and isinstance(got.request, IntentRequest)


# --- the body's type: bytes, or a view whose buffer holds what it shows -------------------------


#: What the refusal calls each view `_refused_view` makes.
VIEWS = {
    "strided": "a memoryview that is not C-contiguous (a slice with a step)",
    "cast": "a memoryview of format 'I' (4-byte items)",
    "array": "a memoryview of format 'I' (4-byte items)",
    "released": "a released memoryview",
}


def _refused_view(kind: str) -> tuple[memoryview, bytes]:
    """A view the verifier refuses, and the bytes its signature is over: those under the view's
    start, as cryptography and hashlib read a view's buffer."""
    whole = BODY[: len(BODY) // 4 * 4]
    if kind == "strided":  # shows every other byte of BODY and the spaces after it
        return memoryview(BODY + b" " * len(BODY))[::2], BODY
    if kind == "cast":
        return memoryview(whole).cast("I"), whole
    if kind == "array":
        return memoryview(array.array("I", whole)), whole
    released = memoryview(BODY)
    released.release()
    return released, BODY


ROUTES = pytest.mark.parametrize("sha1", [False, True], ids=["Signature-256", "SHA-1"])


@ROUTES
@pytest.mark.parametrize("kind", VIEWS)
def test_a_view_other_than_of_its_bytes_is_refused_before_any_download(
    pki: TestPKI, kind: str, sha1: bool
) -> None:
    # A strided view (memoryview(b)[::2]) passed the type check: Signature-256 raised hashlib's
    # bare BufferError after the download, and cryptography 45.0.1's SHA-1 checked the bytes under
    # the view's start, so a signature over b[:n] passed for a body decode_envelope read as the
    # view shows it. A view of 4-byte items was checked on one route and cryptography's TypeError
    # on the other; a released view was a ValueError. Each is one clear TypeError, on both routes.
    body, signed = _refused_view(kind)
    said = VIEWS[kind]
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, allow_sha1=sha1)
    headers = pki.sign(signed, sha1=sha1, sha256=not sha1)
    for check in (verifier.verify, verifier.verify_envelope, verifier.verify_signature):
        with pytest.raises(
            TypeError, match=rf"^Verifier: the body must be .*, not {re.escape(said)}; pass"
        ):
            run(check(headers, body))  # type: ignore[arg-type]
    assert fetch.calls == []


@ROUTES
@pytest.mark.parametrize("kind", VIEWS)
def test_check_signature_refuses_a_view_other_than_of_its_bytes(
    pki: TestPKI, kind: str, sha1: bool
) -> None:
    body, signed = _refused_view(kind)
    said = VIEWS[kind]
    key = pki.leaf_key.public_key()
    with pytest.raises(
        TypeError, match=rf"^check_signature: the body must be .*, not {re.escape(said)}$"
    ):
        check_signature(key, body, pki.signature(signed, sha1=sha1), sha1=sha1)  # type: ignore[arg-type]


@ROUTES
def test_bytes_and_contiguous_views_of_bytes_verify_on_both_routes(
    pki: TestPKI, sha1: bool
) -> None:
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=sha1)
    headers = pki.sign(BODY, sha1=sha1, sha256=not sha1)
    key = pki.leaf_key.public_key()
    buffer = bytearray(BODY)
    for body in (
        BODY,
        buffer,
        memoryview(BODY),
        memoryview(buffer),
        memoryview(b"xx" + BODY)[2:],  # a slice without a step: contiguous
        memoryview(BODY).cast("b"),
        memoryview(BODY).cast("c"),
    ):
        assert run(verifier.verify_envelope(headers, body)).body == BODY  # type: ignore[arg-type]
        check_signature(key, body, pki.signature(BODY, sha1=sha1), sha1=sha1)  # type: ignore[arg-type]


@ROUTES
def test_an_array_or_an_mmap_is_refused_bare_and_verifies_as_a_view(
    pki: TestPKI, sha1: bool
) -> None:
    # decode_envelope's rule (tests/test_models_bodies.py), on the Verifier's entry points and
    # check_signature: an array.array("B") or an mmap of the body, whose buffer holds it, is
    # refused by its name before any download; a view of one (of 1-byte items) verifies.
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, allow_sha1=sha1)
    headers = pki.sign(BODY, sha1=sha1, sha256=not sha1)
    key, signature = pki.leaf_key.public_key(), pki.signature(BODY, sha1=sha1)
    with mmap.mmap(-1, len(BODY)) as mapped:
        mapped.write(BODY)
        given: Any
        for given, said in ((array.array("B", BODY), "an array"), (mapped, "an mmap")):
            for check in (verifier.verify, verifier.verify_envelope, verifier.verify_signature):
                with pytest.raises(TypeError, match=rf"^Verifier: the body .*, not {said}; pass"):
                    run(check(headers, given))
            with pytest.raises(TypeError, match=rf"^check_signature: the body .*, not {said}$"):
                check_signature(key, given, signature, sha1=sha1)
            assert fetch.calls == []
        for given in (array.array("B", BODY), mapped):
            with memoryview(given) as view:
                assert run(verifier.verify_envelope(headers, view)).body == BODY  # type: ignore[arg-type]
                check_signature(key, view, signature, sha1=sha1)  # type: ignore[arg-type]


@pytest.mark.parametrize("view", [False, True], ids=["bytearray", "memoryview"])
def test_check_signature_hashes_a_body_as_it_was_given(
    pki: TestPKI, view: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hashlib lets go of the GIL while it hashes 2 KiB or more: another thread changing the
    # caller's buffer meanwhile, the signature was checked over bytes never given, and a body
    # signed as given refused. A bytearray or a view is hashed as it was given, as the Verifier's
    # entry points take it (copied up front).
    buffer = bytearray(BODY)
    hashed: list[bytes] = []

    def sha256_meanwhile(data: Any) -> Any:  # the other thread's write, during the hash
        buffer[:8] = b"XXXXXXXX"  # (the same length: a view's buffer cannot change size)
        hashed.append(bytes(data))
        return hashlib.sha256(data)

    monkeypatch.setattr(signature_module, "hashlib", SimpleNamespace(sha256=sha256_meanwhile))
    body: Any = memoryview(buffer) if view else buffer
    check_signature(pki.leaf_key.public_key(), body, pki.signature(BODY))
    assert hashed == [BODY] and buffer != BODY


#: Views of a body's bytes whose format names a byte order ('<' on a little-endian machine),
#: which 1-byte items do not have: a ctypes array's, and one cast to '@B'.
ORDERED_VIEWS = {
    "c_ubyte": lambda: memoryview((ctypes.c_ubyte * len(BODY)).from_buffer_copy(BODY)),
    "c_byte": lambda: memoryview((ctypes.c_byte * len(BODY)).from_buffer_copy(BODY)),
    "c_char": lambda: memoryview((ctypes.c_char * len(BODY)).from_buffer_copy(BODY)),
    "@B": lambda: memoryview(BODY).cast("@B"),
}


@ROUTES
@pytest.mark.parametrize("kind", ORDERED_VIEWS)
def test_a_view_of_bytes_whose_format_names_a_byte_order_verifies(
    pki: TestPKI, sha1: bool, kind: str
) -> None:
    # Was refused as "a memoryview of format '<B' (1-byte items)", though Signature-256 had
    # checked it before views other than of their bytes were refused (hashlib reads it alike).
    body = ORDERED_VIEWS[kind]()
    assert body.format[0] in "<>=!@" and body.itemsize == 1
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=sha1)
    headers = pki.sign(BODY, sha1=sha1, sha256=not sha1)
    assert run(verifier.verify_envelope(headers, body)).body == BODY  # type: ignore[arg-type]
    key = pki.leaf_key.public_key()
    check_signature(key, body, pki.signature(BODY, sha1=sha1), sha1=sha1)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", VIEWS)
def test_verify_envelope_of_a_verify_of_ones_own_refuses_a_view_alike(
    pki: TestPKI, kind: str
) -> None:
    # A verify of one's own that skips super() never met the check: the body was copied,
    # where a released view was a bare ValueError, and a view of wider items or with a step was
    # decoded as its buffer or its bytes. The same TypeError as Verifier.verify's, before it.
    calls: list[object] = []

    class Waived(Verifier):
        async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
            calls.append(body)

    body, _ = _refused_view(kind)
    waived = Waived(trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW)
    with pytest.raises(
        TypeError, match=rf"^Verifier: the body must be .*, not {re.escape(VIEWS[kind])}; pass"
    ):
        run(waived.verify_envelope({}, body))  # type: ignore[arg-type]
    assert calls == []

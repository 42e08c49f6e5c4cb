"""`Verifier.verify` (a server of one's own) and `Verifier.verify_envelope` (the app's path) say
the same of a body they both refuse: each after its own check's name, in the same words.

verify reads three things of the envelope: ``request``, ``request.type`` and
``request.timestamp``. A fault in any of them is refused by both paths; a fault elsewhere (the
session, the context, an intent's name) is verify_envelope's alone, which decodes it all.
"""

from __future__ import annotations

import pytest

from alexaskill.exceptions import MalformedRequestError, RequestError, TimestampError
from alexaskill.testing import TestPKI

from .verify_shared import NOW, run, stamp

pytestmark = pytest.mark.oldest_dependencies

_STAMP = f'"{stamp(NOW)}"'
_LAUNCH = f'"type": "LaunchRequest", "timestamp": {_STAMP}'

#: Malformed bodies, each refused by both paths: no envelope, no request, a request of the wrong
#: shape, a type or timestamp missing or of the wrong type, and bodies that are no JSON at all.
BOTH_REFUSE = [
    "{}",
    '{"version": "1.0"}',
    '{"request": {}}',
    '{"version": "1.0", "request": {}}',
    '{"request": {"type": "LaunchRequest"}}',
    f'{{"request": {{"timestamp": {_STAMP}}}}}',
    f'{{"request": {{"type": null, "timestamp": {_STAMP}}}}}',
    f'{{"request": {{"type": "", "timestamp": {_STAMP}}}}}',
    '{"request": {"type": ""}}',
    f'{{"request": {{"type": 5, "timestamp": {_STAMP}}}}}',
    f'{{"request": {{"type": [], "timestamp": {_STAMP}}}}}',
    '{"request": {"type": {}}}',
    '{"request": {"type": "LaunchRequest", "timestamp": null}}',
    '{"request": {"type": "LaunchRequest", "timestamp": ""}}',
    '{"request": {"type": "LaunchRequest", "timestamp": "soon"}}',
    '{"request": {"type": "LaunchRequest", "timestamp": true}}',
    '{"request": {"type": "LaunchRequest", "timestamp": {}}}',
    '{"request": {"type": "LaunchRequest", "timestamp": []}}',
    '{"request": {"type": "LaunchRequest", "timestamp": 1e300}}',
    '{"request": {"timestamp": null, "type": null}}',
    '{"request": null}',
    '{"request": 5}',
    '{"request": []}',
    '{"request": "LaunchRequest"}',
    '{"request": {}, "request": null}',
    '{"request": null, "request": {}}',
    f'{{"request": {{{_LAUNCH}}}, "request": null}}',
    f'{{"version": 5, "request": {{"timestamp": {_STAMP}}}}}',
    "null",
    "5",
    "[]",
    '"LaunchRequest"',
    "true",
    "",
    " ",
    "not json",
    "{",
    f'{{"request": {{{_LAUNCH}',
    f'{{"request": {{{_LAUNCH}}}, "x": "\\ud800"}}',
    f'\ufeff{{"request": {{{_LAUNCH}}}}}',
]
#: The same, as bytes that are no UTF-8.
BOTH_REFUSE_BYTES = [b"\xff", f'{{"request": {{{_LAUNCH}}}, "x": "'.encode() + b'\xff"}']

#: Faults verify does not read (it checks the signature and the timestamp): verify_envelope's.
ENVELOPE_ONLY = [
    f'{{"version": 5, "request": {{{_LAUNCH}}}}}',
    f'{{"session": 5, "request": {{{_LAUNCH}}}}}',
    f'{{"context": [], "request": {{{_LAUNCH}}}}}',
    f'{{"request": {{{_LAUNCH}, "locale": 5}}}}',
    f'{{"request": {{"type": "IntentRequest", "timestamp": {_STAMP}}}}}',
]


def _id(body: bytes) -> str:
    """A body's test id, the same in every xdist worker (each has its own `NOW`)."""
    return repr(body).replace(stamp(NOW), "NOW")


def _refusals(pki: TestPKI, body: bytes) -> tuple[RequestError, RequestError]:
    verifier = pki.verifier(now=lambda: NOW)
    with pytest.raises(RequestError) as verified:
        run(verifier.verify(pki.sign(body), body))
    with pytest.raises(RequestError) as decoded:
        run(verifier.verify_envelope(pki.sign(body), body))
    return verified.value, decoded.value


def _one_wording(verified: RequestError, decoded: RequestError) -> bool:
    """Whether verify's reason is verify_envelope's, or says its words after its own check's
    name (a timestamp refused as one: the same reason from both)."""
    said, words = str(verified), str(decoded)
    if isinstance(decoded, TimestampError):
        return said == words
    details = words.removeprefix("malformed request: ")
    return isinstance(decoded, MalformedRequestError) and said in (
        f"timestamp: body is no request envelope ({details})",
        f"timestamp: body is not a JSON request ({details})",
        f"timestamp: {details.removeprefix('request.timestamp: ')}",
    )


@pytest.mark.parametrize(
    "body", [text.encode() for text in BOTH_REFUSE] + BOTH_REFUSE_BYTES, ids=_id
)
def test_verify_and_verify_envelope_word_a_malformed_envelope_alike(
    pki: TestPKI, body: bytes
) -> None:
    # {} and {"request": {}} were "timestamp: missing" from verify, "Object missing required
    # field ..." from verify_envelope; {"request": {"timestamp": ...}} (no type) and an empty
    # type passed verify; a timestamp of the wrong type was "Expected `int | float | str |
    # null`" from one, "Expected `str`" from the other; a body that is no JSON said why in one.
    verified, decoded = _refusals(pki, body)
    assert isinstance(verified, TimestampError)
    assert _one_wording(verified, decoded), f"verify: {verified}\nverify_envelope: {decoded}"


@pytest.mark.parametrize("body", [text.encode() for text in ENVELOPE_ONLY], ids=_id)
def test_a_fault_verify_does_not_read_is_verify_envelopes_alone(pki: TestPKI, body: bytes) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    run(verifier.verify(pki.sign(body), body))
    with pytest.raises(MalformedRequestError):
        run(verifier.verify_envelope(pki.sign(body), body))


@pytest.mark.parametrize("first", ["null", "5", "[]", '"LaunchRequest"', "{}"])
def test_a_request_sent_twice_is_read_the_last_by_both(pki: TestPKI, first: str) -> None:
    # verify_envelope (and json.loads, in a server of one's own) read the last of two equal
    # names; verify refused a first request that was no object, or had no type, though the
    # request read after it was Alexa's: a body one path took and the other refused.
    verifier = pki.verifier(now=lambda: NOW)
    body = f'{{"request": {first}, "request": {{{_LAUNCH}}}}}'.encode()
    for check in (verifier.verify, verifier.verify_envelope):
        run(check(pki.sign(body), body))
    old = body.replace(_STAMP.encode(), b'"2019-07-15T22:44:23Z"')
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError, match=r"^timestamp: too old \("):
            run(check(pki.sign(old), old))


@pytest.mark.parametrize(
    "body",
    [
        f'{{"request": {{"timestamp": null, {_LAUNCH}}}}}',
        f'{{"request": {{"timestamp": 5, {_LAUNCH}}}}}',
        f'{{"request": {{"timestamp": "", {_LAUNCH}}}}}',
        f'{{"request": {{"locale": 5, {_LAUNCH}, "locale": "en-US"}}}}',
        f'{{"version": 5, "version": "1.0", "request": {{{_LAUNCH}}}}}',
    ],
    ids=["timestamp-null", "timestamp-number", "timestamp-empty", "locale", "version"],
)
def test_a_field_sent_twice_is_read_the_last_by_both(pki: TestPKI, body: str) -> None:
    # As a request sent twice (above): verify read the last timestamp, and verify_envelope
    # refused a body whose first one was null or a number ("Expected `str`, got `null`"), as it
    # refused a first value of another field of the wrong type, which json.loads passes over.
    raw = body.encode()
    verifier = pki.verifier(now=lambda: NOW)
    run(verifier.verify(pki.sign(raw), raw))
    envelope = run(verifier.verify_envelope(pki.sign(raw), raw))
    assert envelope.request.timestamp == stamp(NOW)

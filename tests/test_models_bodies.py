"""Tests for alexaskill.models: unknown request types and fields, raw and malformed bodies, and
integers past Amazon's types."""

from __future__ import annotations

import array
import ctypes
import json
import mmap
import re
from typing import Any, Final

import msgspec
import pytest

from alexaskill import models
from alexaskill.exceptions import MalformedRequestError
from alexaskill.models import GenericRequest, decode_envelope, request_class

from .models_shared import decode_dict, load, load_json

# --- unknown types and unknown fields ---------------------------------------------------------


def test_unknown_request_type_keeps_every_raw_field() -> None:
    data = load_json("Alexa.NewFeature.SomethingHappened")
    request = decode_envelope(load("Alexa.NewFeature.SomethingHappened")).request
    assert isinstance(request, GenericRequest)
    assert request_class("Alexa.NewFeature.SomethingHappened") is GenericRequest
    assert request.raw == data["request"]
    assert request.raw["payload"] == {
        "kind": "sparkle",
        "intensity": 0.75,
        "tags": ["new", "shiny"],
        "nothing": None,
    }
    assert request.raw["enabled"] is True


def test_unknown_request_type_with_a_field_named_raw() -> None:
    body = b'{"request": {"type": "Alexa.Future.Thing", "requestId": "r", "raw": "abc"}}'
    request = decode_envelope(body).request
    assert isinstance(request, GenericRequest)
    assert request.raw == {"type": "Alexa.Future.Thing", "requestId": "r", "raw": "abc"}


def _strip_future(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_future(v) for k, v in value.items() if not k.lower().startswith("future")}
    if isinstance(value, list):
        return [_strip_future(v) for v in value]
    return value


def test_unknown_fields_at_every_level_are_ignored() -> None:
    data = load_json("IntentRequest.UnknownFields")
    stripped = _strip_future(data)
    assert stripped != data
    assert decode_envelope(load("IntentRequest.UnknownFields")) == decode_dict(stripped)


# --- raw bodies --------------------------------------------------------------------------------


def test_body_with_leading_space_and_raw_utf8() -> None:
    body = load("IntentRequest.PlanTrip")
    assert "Zürich".encode() in body
    envelope = decode_envelope(b" \n" + body + b"\r\n")
    intent = envelope.intent
    assert intent is not None
    destination = intent.slot("destination")
    assert destination is not None
    assert destination.value == "Zürich"


def test_escaped_and_raw_utf8_decode_alike() -> None:
    raw = b'{"request": {"type": "LaunchRequest", "requestId": "Z\xc3\xbcrich"}}'
    escaped = b'{"request": {"type": "LaunchRequest", "requestId": "Z\\u00fcrich"}}'
    assert decode_envelope(raw).request.request_id == "Zürich"
    assert decode_envelope(escaped) == decode_envelope(raw)


def test_str_body_decodes_like_bytes() -> None:
    body = load("IntentRequest.PlanTrip")
    assert decode_envelope(body.decode()) == decode_envelope(body)


MALFORMED = {
    "empty": b"",
    "whitespace": b"  \n",
    "not json": b"hello",
    "truncated": b'{"request": {"type": "LaunchRequest"',
    "trailing garbage": b'{"request": {"type": "LaunchRequest"}} x',
    "json array": b'[{"request": {"type": "LaunchRequest"}}]',
    "json null": b"null",
    "json string": b'"LaunchRequest"',
    "json number": b"42",
    "missing request": b'{"version": "1.0"}',
    "null request": b'{"request": null}',
    "request is a string": b'{"request": "LaunchRequest"}',
    "request is a list": b'{"request": ["LaunchRequest"]}',
    "request without type": b'{"request": {"requestId": "r"}}',
    "type is a number": b'{"request": {"type": 5}}',
    "type is null": b'{"request": {"type": null}}',
    "type is an object": b'{"request": {"type": {"name": "LaunchRequest"}}}',
    "intent is a list": b'{"request": {"type": "IntentRequest", "intent": []}}',
    "slots is a list": b'{"request": {"type": "IntentRequest", "intent": {"slots": []}}}',
    "offset is a string": (
        b'{"request": {"type": "AudioPlayer.PlaybackStarted", "offsetInMilliseconds": "10"}}'
    ),
    "session is a list": b'{"session": [], "request": {"type": "LaunchRequest"}}',
    "attributes is a list": (
        b'{"session": {"attributes": []}, "request": {"type": "LaunchRequest"}}'
    ),
    "System is a string": b'{"context": {"System": "x"}, "request": {"type": "LaunchRequest"}}',
    "NaN": b'{"request": {"type": "LaunchRequest", "x": NaN}}',
    "byte order mark": b'\xef\xbb\xbf{"request": {"type": "LaunchRequest"}}',
    "invalid utf-8 in a typed field": b'{"request": {"type": "LaunchRequest", "locale": "\xff"}}',
    "invalid utf-8 in a slot value": (
        b'{"request": {"type": "IntentRequest", "intent": {"name": "A", "slots": '
        b'{"city": {"name": "city", "value": "Z\xfcrich"}}}}}'
    ),
    "invalid utf-8 in an unknown type": b'{"request": {"type": "X.Y", "note": "\xc3\x28"}}',
    "invalid utf-8 in session attributes": (
        b'{"session": {"attributes": {"k": "\xed\xa0\x80"}}, "request": {"type": "LaunchRequest"}}'
    ),
    "invalid utf-8 in an ignored field": b'{"junk": "\xff", "request": {"type": "LaunchRequest"}}',
    "deeply nested ignored field": (
        b'{"junk": ' + b"[" * 5000 + b"]" * 5000 + b', "request": {"type": "LaunchRequest"}}'
    ),
    "deeply nested unknown request": (
        b'{"request": {"type": "X.Y", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_raises_malformed_request_error(body: bytes) -> None:
    with pytest.raises(MalformedRequestError):
        decode_envelope(body)


@pytest.mark.parametrize("kind", [bytearray, memoryview])
@pytest.mark.parametrize(
    "body", [v for k, v in MALFORMED.items() if "utf-8" in k], ids=lambda v: repr(v)[:40]
)
def test_invalid_utf8_is_refused_in_every_buffer_a_body_may_be(
    body: bytes, kind: type[bytearray | memoryview]
) -> None:
    # A memoryview skipped the check, and msgspec skips an unknown field's UTF-8: accepted.
    with pytest.raises(MalformedRequestError, match=r"UTF-8|utf-8"):
        decode_envelope(kind(body))


LAUNCH: Final = b'{"request": {"type": "LaunchRequest", "requestId": "r", "locale": "en-US"}}'


def _strided() -> memoryview:
    """A view with a step that shows LAUNCH: every other byte of a buffer of twice its size."""
    spaced = bytearray(b" " * 2 * len(LAUNCH))
    spaced[::2] = LAUNCH
    return memoryview(bytes(spaced))[::2]


def _released() -> memoryview:
    view = memoryview(LAUNCH)
    view.release()
    return view


#: What decode_envelope is given in place of a body's bytes, and how its refusal calls it.
NOT_BODIES: Final[dict[str, tuple[Any, str]]] = {
    "strided view": (
        _strided(),
        "a memoryview that is not C-contiguous (a slice with a step)",
    ),
    "released view": (_released(), "a released memoryview"),
    "view of 4-byte items": (
        memoryview(LAUNCH[: len(LAUNCH) // 4 * 4]).cast("I"),
        "a memoryview of format 'I' (4-byte items)",
    ),
    "int": (42, "an int"),
    "None": (None, "None"),
    "dict": ({"request": {"type": "LaunchRequest"}}, "a dict"),
}


@pytest.mark.parametrize(("given", "said"), NOT_BODIES.values(), ids=NOT_BODIES.keys())
def test_what_is_no_body_is_a_type_error_saying_what_it_is(given: Any, said: str) -> None:
    # A view with a step (or released) was the bare TypeError of str()'s UTF-8 check,
    # "decoding to str: need a bytes-like object, memoryview found", as was an int or None;
    # a view of 4-byte items was decoded from its buffer, which the Verifier refuses.
    refused = rf"^decode_envelope: the body must be .*, not {re.escape(said)}$"
    with pytest.raises(TypeError, match=refused):
        decode_envelope(given)


def test_a_view_of_a_long_format_is_refused_in_a_short_line() -> None:
    # A ctypes Structure's format names each of its fields: the TypeError (the Verifier's too)
    # quoted it whole, 3,948 characters for one of 300 fields.
    fields = [(f"field_{i}", ctypes.c_int) for i in range(300)]
    structure: Any = type("Wide", (ctypes.Structure,), {"_fields_": fields})
    with pytest.raises(TypeError) as info:
        decode_envelope(memoryview((structure * 1)()))
    said = str(info.value)
    assert said.endswith(" (3,793 characters) (1200-byte items)") and len(said) < 400, said


def test_an_array_or_an_mmap_is_refused_as_the_verifier_refuses_it() -> None:
    # Before decode_envelope took the Verifier's rule of a body, str() read their buffer and
    # the envelope kept them as given: an array.array("B") or an mmap of a request decoded, a
    # body the Verifier refuses. A view of one (of 1-byte items) is taken, by both.
    with mmap.mmap(-1, len(LAUNCH)) as mapped:
        mapped.write(LAUNCH)
        given: Any
        for given, said in ((array.array("B", LAUNCH), "an array"), (mapped, "an mmap")):
            with pytest.raises(TypeError, match=rf"^decode_envelope: the body .*, not {said}$"):
                decode_envelope(given)
            with memoryview(given) as view:
                assert decode_envelope(view) == decode_envelope(LAUNCH)


@pytest.mark.parametrize(
    "view",
    [
        memoryview(LAUNCH),
        memoryview(b"xx" + LAUNCH)[2:],  # a slice without a step: contiguous
        memoryview(LAUNCH).cast("c"),
        memoryview(bytearray(LAUNCH)),
    ],
    ids=["bytes", "sliced", "cast to c", "of a bytearray"],
)
def test_a_view_of_a_bodys_bytes_decodes_as_they_do(view: memoryview) -> None:
    assert decode_envelope(view) == decode_envelope(LAUNCH)


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_a_buffer_is_decoded_as_it_was_given(kind: type[bytearray | memoryview]) -> None:
    # The envelope kept the caller's buffer: `raw`, decoded from it when a handler asked, read
    # what the buffer held by then, not the request decoded.
    buffer = bytearray(LAUNCH)
    envelope = decode_envelope(kind(buffer))
    buffer[buffer.index(b'"r"') + 1] = ord("x")
    assert envelope.body == LAUNCH and type(envelope.body) is bytes
    assert envelope.raw["request"]["requestId"] == "r"


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_a_number_past_any_range_and_a_null_decode_in_every_buffer(
    kind: type[bytes | bytearray | memoryview],
) -> None:
    # A view's body read again by json.loads (a number past any range in a field alexaskill
    # does not type; a null in a typed field, its second pass) was its TypeError: "the JSON
    # object must be str, bytes or bytearray, not memoryview".
    far = b'{"x": 1e999, "request": {"type": "LaunchRequest", "requestId": "r"}}'
    assert decode_envelope(kind(far)).raw["x"] == float("inf")
    null = b'{"z": 1e999, "request": {"type": "LaunchRequest", "requestId": null}}'
    assert decode_envelope(kind(null)).request.request_id == ""


class _Text(str):
    """A str of a subclass (a framework's marked-up text, a StrEnum's member is one)."""


class _Claims(bytes):
    """Bytes of a subclass whose own methods say the bytes are ASCII and UTF-8 alike."""

    def isascii(self) -> bool:
        return True

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return ""


def test_a_str_of_a_subclass_decodes_as_its_text() -> None:
    # Taken as a str (isinstance), handed to msgspec, which takes no subclass: the bare
    # TypeError "a bytes-like object is required, not '_Text'".
    envelope = decode_envelope(_Text(LAUNCH.decode()))
    assert envelope == decode_envelope(LAUNCH) and type(envelope.body) is str


def test_bytes_of_a_subclass_are_decoded_from_their_buffer_not_their_own_methods() -> None:
    # Kept as given: its isascii (and decode) were asked, and bytes no UTF-8 (an unknown
    # field's, which msgspec skips) were taken; the Verifier hashes the buffer, not them.
    unfit = _Claims(b'{"x": "\xff", "request": {"type": "LaunchRequest", "requestId": "r"}}')
    with pytest.raises(MalformedRequestError, match="can't decode byte 0xff"):
        decode_envelope(unfit)
    envelope = decode_envelope(_Claims(LAUNCH))
    assert envelope.body == LAUNCH and type(envelope.body) is bytes


def test_str_body_with_a_lone_surrogate_raises_malformed_request_error() -> None:
    with pytest.raises(MalformedRequestError):
        decode_envelope('{"request": {"type": "LaunchRequest", "requestId": "\ud800"}}')


def test_malformed_request_error_keeps_the_decoder_message() -> None:
    with pytest.raises(MalformedRequestError, match="intent") as info:
        decode_envelope(b'{"request": {"type": "IntentRequest", "intent": []}}')
    assert isinstance(info.value.__cause__, msgspec.DecodeError)


# --- integers: Amazon's types bound them --------------------------------------------------------

INT64_MAX: Final = 2**63 - 1
INT32_MAX: Final = 2**31 - 1


def _audio_event(offset: object, state_offset: object = 0) -> bytes:
    return json.dumps(
        {
            "context": {"AudioPlayer": {"offsetInMilliseconds": state_offset}},
            "request": {"type": "AudioPlayer.PlaybackStarted", "offsetInMilliseconds": offset},
        }
    ).encode()


def _list_data(start: object, count: object) -> bytes:
    request = {"type": "Alexa.Presentation.APL.LoadIndexListData", "startIndex": start}
    return json.dumps({"request": {**request, "count": count}}).encode()


def test_integers_in_range_of_amazons_types_decode() -> None:
    request = decode_envelope(_audio_event(INT64_MAX, INT64_MAX)).request
    assert isinstance(request, models.AudioPlayerRequest)
    assert request.offset_in_milliseconds == INT64_MAX
    listing = decode_envelope(_list_data(-INT32_MAX - 1, INT32_MAX)).request
    assert isinstance(listing, models.PresentationRequest)
    assert (listing.start_index, listing.count) == (-INT32_MAX - 1, INT32_MAX)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (_audio_event(INT64_MAX + 1), "$.request.offsetInMilliseconds"),
        (_audio_event(10**30), "$.request.offsetInMilliseconds"),
        (_audio_event(-1), "$.request.offsetInMilliseconds"),
        (_audio_event(0, 2**64), "$.context.AudioPlayer.offsetInMilliseconds"),
        (_list_data(INT32_MAX + 1, 1), "$.request.startIndex"),
        (_list_data(0, -(2**70)), "$.request.count"),
    ],
)
def test_an_integer_past_amazons_type_is_refused_naming_the_field(body: bytes, where: str) -> None:
    # offsetInMilliseconds is a position (a long, 0 or more); APL's list indexes are ints.
    # Arbitrarily large integers reached handlers (and a Play resuming at one).
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    message = str(info.value)
    assert where in message, message
    assert len(message) < 160, message


def test_a_refusal_in_the_request_names_its_path_from_the_root() -> None:
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(b'{"request": {"type": "IntentRequest", "intent": []}}')
    assert "`$.request.intent`" in str(info.value)
    assert isinstance(info.value.__cause__, msgspec.ValidationError)
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(b'{"session": [], "request": {"type": "LaunchRequest"}}')
    assert "`$.session`" in str(info.value)


@pytest.mark.parametrize(
    ("escape", "where"),
    [
        (r"\ud800", 0),  # a high half at the end of its string
        (r"\ud83dx", 0),  # a high half followed by a character
        (r"a\udfffb", 1),  # a low half alone
        (r"\ud800\ud800", 0),  # two high halves
        (r"\ud800\u0041", 0),  # a high half followed by another escape
        (r"\ud83d\ude00\udc00", 12),  # a pair, then a low half alone
        (r"\ud800a\udc00", 0),  # two lone halves, a character between: no pair
    ],
)
def test_a_lone_surrogate_escape_is_said_to_be_one(escape: str, where: int) -> None:
    # msgspec says "Input data was truncated" (or "unexpected end of hex escape") for most of
    # these: a developer looked for a cut-off body.
    head = b'{"request": {"type": "LaunchRequest", "locale": "'
    body = head + escape.encode() + b'"}}'
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    message = str(info.value)
    shown = escape[where : where + 6]
    assert message == (
        f"malformed request: lone UTF-16 surrogate {shown} at byte {len(head) + where}: "
        "not a character"
    ), message
    assert "truncated" not in message


def test_a_pair_and_an_escaped_backslash_are_no_lone_surrogates() -> None:
    body = b'{"request": {"type": "LaunchRequest", "locale": "\\ud83d\\ude00 \\\\ud800"'
    with pytest.raises(MalformedRequestError, match="truncated"):
        decode_envelope(body)  # (cut off: the reason stays msgspec's)


@pytest.mark.parametrize("body", [b"", b"  \r\n", ""])
def test_an_empty_body_is_said_to_be_empty(body: bytes | str) -> None:
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    assert str(info.value) == "malformed request: empty body"


def test_the_printed_form_shows_the_advertising_and_unit_ids_as_hashes() -> None:
    # The advertising id names a person to ad networks, a unit's ids an organisation's room (a
    # hotel guest's): shown as hashes, as the user's and the device's are.
    from alexaskill.logs import user_hash
    from alexaskill.testing import RequestFactory

    envelope = RequestFactory().intent("GetWeather")
    advertising_id = "c2d6f8e1-FULL-ADVERTISING-ID"
    envelope["context"]["Advertising"] = {"advertisingId": advertising_id, "limitAdTracking": False}
    envelope["context"]["System"]["unit"] = {
        "unitId": "amzn1.ask.unit.FULL-UNIT-ID",
        "persistentUnitId": "amzn1.alexa.unit.did.FULL-PERSISTENT-UNIT-ID",
    }
    decoded = decode_envelope(json.dumps(envelope))
    shown = repr(decoded) + str(decoded) + repr(decoded.context)
    for secret in ("FULL-ADVERTISING-ID", "FULL-UNIT-ID", "FULL-PERSISTENT-UNIT-ID"):
        assert secret not in shown, secret
    assert f"advertising_id=<advertising {user_hash(advertising_id)}>" in shown
    assert "limit_ad_tracking=False" in shown
    assert f"unit_id=<unit {user_hash('amzn1.ask.unit.FULL-UNIT-ID')}>" in shown
    # Only the printed form: the values are there for the handler.
    assert decoded.context is not None and decoded.context.advertising is not None
    assert decoded.context.advertising.advertising_id == advertising_id
    assert repr(models.Unit()) == "Unit(unit_id=None, persistent_unit_id=None)"

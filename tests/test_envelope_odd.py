"""Odd request envelopes, signed as Alexa signs them: what reaches a handler, and what is refused.

Each test posts a body alexaskill's own request builders would not write (a value Amazon does not
document, a byte order mark, …) and checks the answer: the handler's reply, or a short JSON 400.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import json
import math
from pathlib import Path
from typing import Any, Final

import msgspec

from alexaskill import Response, Skill, speak
from alexaskill.models import GenericRequest, Request, decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

NOW: Final = datetime.datetime(2026, 11, 26, 12, 0, 10, tzinfo=datetime.UTC)
# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
FIXTURES: Final = Path(__file__).parent / "fixtures" / "requests"


def _fixture(name: str) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads((FIXTURES / name).read_text("utf-8"))
    envelope["request"]["timestamp"] = "2026-11-26T12:00:10Z"
    return envelope


def _booking() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Book")
    def book(day: datetime.date, people: int | None = None) -> Response:
        return speak(f"Booked for {day:%A}.")

    return skill


def test_a_confirmation_status_alexa_does_not_document_does_not_break_asking_again() -> None:
    """A slot that does not convert, in a dialog, is elicited again with the intent sent back:
    a confirmationStatus Amazon does not document (the model keeps it, a str, for handlers) is
    sent back as NONE, not refused as the skill's own error (an apology)."""
    envelope = _fixture("IntentRequest.GetWeather.json")
    envelope["request"]["dialogState"] = "IN_PROGRESS"
    envelope["request"]["intent"] = {
        "name": "Book",
        "confirmationStatus": "MAYBE",
        "slots": {
            "day": {"name": "day", "value": "2026-W48-WE", "confirmationStatus": "NONE"},
            "people": {"name": "people", "value": "2", "confirmationStatus": "PENDING"},
        },
    }
    with TestClient(_booking(), now=lambda: NOW, raise_handler_errors=False) as client:
        result = client.send_envelope(envelope)
    assert result.status_code == 200, result.json
    assert result.handler_error is None, result.handler_error
    (directive,) = result.json["response"]["directives"]
    assert directive["type"] == "Dialog.ElicitSlot"
    assert directive["slotToElicit"] == "day"
    updated = directive["updatedIntent"]
    assert updated["confirmationStatus"] == "NONE"
    assert updated["slots"]["people"] == {
        "name": "people",
        "value": "2",
        "confirmationStatus": "NONE",
    }
    assert updated["slots"]["day"] == {"name": "day", "confirmationStatus": "NONE"}


def _weather() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("GetWeather")
    def weather(city: str | None = None) -> Response:
        return speak("Sunny.")

    @skill.fallback
    def fallback() -> Response:
        return speak("Fallback.")

    return skill


def test_an_intent_request_without_an_intent_name_is_refused() -> None:
    """Amazon's IntentRequest and CanFulfillIntentRequest always name their intent: one that
    does not (``intent`` null, absent, or without ``name``) is a malformed request, refused
    with a short JSON 400, not handed to the fallback as an intent named ''."""
    for request_type in ("IntentRequest", "CanFulfillIntentRequest"):
        for intent in (None, {}, {"name": None}, {"name": ""}, "absent"):
            envelope = _fixture("IntentRequest.GetWeather.json")
            envelope["request"]["type"] = request_type
            if intent == "absent":
                del envelope["request"]["intent"]
            else:
                envelope["request"]["intent"] = intent
            with TestClient(_weather(), now=lambda: NOW, raise_handler_errors=False) as client:
                result = client.send_envelope(envelope)
            assert result.status_code == 400, (request_type, intent, result.json)
            assert result.json == {
                "error": "malformed request: request.intent.name: missing (Alexa names the "
                f"intent of every {request_type})"
            }
        envelope = _fixture("IntentRequest.GetWeather.json")
        envelope["request"]["type"] = request_type
        with TestClient(_weather(), now=lambda: NOW) as client:
            assert client.send_envelope(envelope).status_code == 200


def test_a_byte_order_mark_is_refused_with_a_reason_that_names_it() -> None:
    """JSON sent over HTTP has no byte order mark (RFC 8259, 8.1) and Alexa sends none: a body
    saved with one (by an editor, say) is refused, its reason naming the mark rather than
    "invalid character (byte 0)"."""
    body = json.dumps(_fixture("LaunchRequest.json")).encode()
    with TestClient(_weather(), now=lambda: NOW) as client:
        assert client.post(body, client.pki.sign(body)).status_code == 200
        for mark, name in (
            (b"\xef\xbb\xbf", "UTF-8"),
            (b"\xff\xfe", "UTF-16"),
            (b"\xfe\xff", "UTF-16"),
        ):
            encoding = "utf-16-le" if mark == b"\xff\xfe" else "utf-16-be"
            sent = mark + (body if name == "UTF-8" else body.decode().encode(encoding))
            result = client.post(sent, client.pki.sign(sent))
            assert result.status_code == 400, (mark, result.json)
            assert result.json == {
                "error": f"malformed request: a {name} byte order mark before the JSON: "
                "a request body is UTF-8 JSON without one"
            }


def test_an_empty_request_type_is_refused() -> None:
    """A request type alexaskill does not know reaches the fallback (Amazon adds types), but an
    empty one is no type at all: a malformed request, refused with a short JSON 400."""
    with TestClient(_weather(), now=lambda: NOW, raise_handler_errors=False) as client:
        for request_type in ("", "Alexa.NewFeature.SomethingHappened"):
            envelope = _fixture("LaunchRequest.json")
            envelope["request"]["type"] = request_type
            result = client.send_envelope(envelope)
            if request_type:
                assert result.status_code == 200, result.json
                assert result.json["response"]["outputSpeech"]["text"] == "Fallback."
            else:
                assert result.status_code == 400, result.json
                assert result.json == {"error": "malformed request: request.type: empty"}


def test_a_number_past_any_range_in_a_request_of_an_unknown_type_reaches_the_fallback() -> None:
    """Fields alexaskill does not type take any JSON number, as `Envelope.raw` documents (one
    past any range an infinity, as ``json.loads`` reads it): in a request of a type alexaskill
    does not know, every field but type, id, timestamp and locale is such a field."""
    seen: list[dict[str, Any]] = []
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.fallback
    def fallback(request: Request) -> None:
        assert isinstance(request, GenericRequest)
        seen.append(request.raw)

    envelope = _fixture("Alexa.NewFeature.SomethingHappened.json")
    envelope["request"]["huge"] = "__HUGE__"
    envelope["request"]["long"] = "__LONG__"
    body = (
        json.dumps(envelope)
        .replace('"__HUGE__"', "1e999")
        .replace('"__LONG__"', "9" * 5000)
        .encode()
    )
    with TestClient(skill, now=lambda: NOW) as client:
        result = client.post(body, client.pki.sign(body))
    assert result.status_code == 200, result.json
    (raw,) = seen
    assert raw["huge"] == math.inf
    assert raw["long"] == math.inf  # past the digits Python reads into an int, as Envelope.raw
    assert raw["type"] == "Alexa.NewFeature.SomethingHappened"


def test_a_number_past_any_range_in_session_attributes_is_refused_naming_where() -> None:
    """Session attributes go back in the reply, where no JSON number holds 1e999: refused, the
    reason saying where (``$.session.attributes``), not a path of bare ``[...]``."""
    envelope = _fixture("IntentRequest.GetWeather.json")
    envelope["session"]["attributes"] = {"k": "__HUGE__"}
    body = json.dumps(envelope).replace('"__HUGE__"', "1e999").encode()
    with TestClient(_weather(), now=lambda: NOW) as client:
        result = client.post(body, client.pki.sign(body))
    assert result.status_code == 400, result.json
    assert result.json == {
        "error": "malformed request: Number out of range - at `$.session.attributes[...]`"
    }


def test_an_explicit_null_is_accepted_beside_a_number_past_any_range_in_an_untyped_field() -> None:
    """Each alone is accepted (a null where a field may be left out, 1e999 where no type reads
    it); together too. And a number past any range in a typed field is still refused, naming
    the field, whatever else the body holds."""
    envelope = _fixture("SessionEndedRequest.ERROR.json")
    envelope["request"]["error"]["type"] = None
    envelope["request"]["untyped"] = "__HUGE__"
    body = json.dumps(envelope).replace('"__HUGE__"', "1e999").encode()
    with TestClient(_weather(), now=lambda: NOW) as client:
        result = client.post(body, client.pki.sign(body))
        assert result.status_code == 200, result.json
        envelope["request"]["untyped"] = None
        envelope["context"]["AudioPlayer"] = {"offsetInMilliseconds": "__HUGE__"}
        body = json.dumps(envelope).replace('"__HUGE__"', "1e999").encode()
        result = client.post(body, client.pki.sign(body))
    assert result.status_code == 400, result.json
    assert "`$.context.AudioPlayer.offsetInMilliseconds`" in result.json["error"], result.json


# --- a property: a field alexaskill does not type never changes what it decodes ---------------

#: Values an unknown field is given; placeholders are written into the JSON text as they are.
_ODD_UNKNOWN: Final[tuple[Any, ...]] = (
    None,
    "x",
    0,
    True,
    {},
    [None],
    {"a": None},
    "__HUGE__",
    "__LONG__",
)


def _struct_objects(node: Any, typed: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of the JSON objects in ``node`` that decoded into a typed value (a Struct of
    alexaskill's, not a `GenericRequest`, whose ``raw`` holds every field)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(typed, msgspec.Struct) and isinstance(node, dict):
        if not isinstance(typed, GenericRequest):
            found.append(path)
        for field in msgspec.structs.fields(typed):
            if field.encode_name in node:
                value = getattr(typed, field.name)
                found += _struct_objects(node[field.encode_name], value, (*path, field.encode_name))
    elif isinstance(typed, dict) and isinstance(node, dict):
        for key in typed.keys() & node.keys():
            found += _struct_objects(node[key], typed[key], (*path, key))
    elif isinstance(typed, list) and isinstance(node, list) and len(typed) == len(node):
        for index, (item, typed_item) in enumerate(zip(node, typed, strict=True)):
            found += _struct_objects(item, typed_item, (*path, index))
    return found


def test_an_unknown_field_of_any_value_changes_nothing_decoded() -> None:
    """Amazon adds fields without notice: one alexaskill does not know, in any object it types,
    holding any JSON (null, a number past any range, nested arrays), leaves the envelope
    decoded as before. Every such object of every sample request, with null, 1e999 and another value
    (about two thousand decodes, no server)."""
    samples = [json.loads(path.read_text("utf-8")) for path in sorted(FIXTURES.glob("*.json"))]
    repaired = _fixture("SessionEndedRequest.ERROR.json")
    repaired["request"]["error"]["type"] = None  # (decoded by the second pass, which reads nulls)
    samples.append(repaired)
    checked = 0
    deepest = 0
    for sample in samples:
        expected = decode_envelope(json.dumps(sample).encode())
        paths = _struct_objects(sample, expected)
        assert () in paths
        for path, value in itertools.product(paths, (None, "__HUGE__", "other")):
            mutated = copy.deepcopy(sample)
            target = mutated
            for step in path:
                target = target[step]
            if value == "other":  # the others in turn
                value = _ODD_UNKNOWN[checked % len(_ODD_UNKNOWN)]
            target["zzNotYetDocumented"] = value
            text = json.dumps(mutated)
            text = text.replace('"__HUGE__"', "1e999").replace('"__LONG__"', "9" * 5000)
            got = decode_envelope(text.encode())
            assert got == expected, (sample["request"]["type"], path)
            assert type(got.request) is type(expected.request)
            checked += 1
            deepest = max(deepest, len(path))
    assert checked > 10 * len(samples) and deepest >= 5, (checked, deepest)

"""Tests for alexaskill.responses: its public names, speech, the three session answers, cards,
directives. More are in tests/test_responses_*.py (the envelope, the inline checks,
hand-written SSML, what speech says, parts given the wrong way, values JSON would change)."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import msgspec
import pytest
from msgspec import UNSET, UnsetType

from alexaskill import responses, ssml
from alexaskill.directives import APL as TypedAPL
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    AskForPermissionsConsentCard,
    Directive,
    LinkAccountCard,
    PlainTextSpeech,
    Reprompt,
    Response,
    SimpleCard,
    SsmlSpeech,
    StandardCard,
    ask,
    directive_kind,
    empty,
    encode_response,
    output_speech,
    speak,
)
from alexaskill.ssml import Ssml
from tests.responses_shared import body, wire


def test_public_names() -> None:
    assert sorted(responses.__all__, key=lambda n: (not n.isupper(), n)) == responses.__all__
    for name in responses.__all__:
        if not name.isupper():
            assert getattr(responses, name).__doc__, name


# --- speech -------------------------------------------------------------------------------------


def test_plain_str_is_plain_text_speech() -> None:
    assert wire(speak("Tom & <Jerry>"))["outputSpeech"] == {
        "type": "PlainText",
        "text": "Tom & <Jerry>",
    }


def test_a_plain_str_that_is_an_ssml_document_is_refused() -> None:
    # speak("<speak>…</speak>") went out as PlainText: Alexa reads the markup as text. The
    # README's way is Ssml(…); the mistake is said where the response is built.
    for written in ("<speak>Hi <break time='1s'/></speak>", "  <speak>Hi</speak>"):
        with pytest.raises(ResponseError, match=r"plain text starting with <speak>.*Ssml\("):
            speak(written)
    assert wire(speak("<speaker> is a word here"))["outputSpeech"]["type"] == "PlainText"


def test_ssml_is_ssml_speech() -> None:
    speech = ssml.speak("Hi", ssml.break_("1s"))
    assert wire(speak(speech))["outputSpeech"] == {
        "type": "SSML",
        "ssml": '<speak>Hi<break time="1s"/></speak>',
    }


def test_ssml_without_root_is_wrapped() -> None:
    assert output_speech(Ssml("Hi <break time='1s'/>")) == SsmlSpeech(
        "<speak>Hi <break time='1s'/></speak>"
    )
    assert SsmlSpeech("x").ssml == "<speak>x</speak>"


def test_ssml_with_root_is_kept_verbatim() -> None:
    raw = Ssml("<speak>Hi <break time='1s'/></speak>")
    speech = output_speech(raw)
    assert isinstance(speech, SsmlSpeech)
    assert speech.ssml == raw
    assert type(speech.ssml) is str


def test_plain_text_speech_keeps_markup_as_text() -> None:
    speech = PlainTextSpeech(Ssml("<break/>"))
    assert type(speech.text) is str
    assert msgspec.json.encode(speech) == b'{"type":"PlainText","text":"<break/>"}'


def test_output_speech_rejects_non_strings() -> None:
    with pytest.raises(ResponseError, match="speech must be a str or Ssml, not int"):
        output_speech(42)  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match=r"outputSpeech\.text must be a str"):
        PlainTextSpeech(42)  # type: ignore[arg-type]


def test_speech_limit_is_8000_characters() -> None:
    assert PlainTextSpeech("x" * 8000)
    with pytest.raises(
        ResponseError, match=r"outputSpeech\.text is 8001 characters; the limit is 8000"
    ):
        PlainTextSpeech("x" * 8001)


def test_ssml_limit_counts_the_whole_document() -> None:
    inside = 8000 - len("<speak></speak>")
    assert output_speech(ssml.speak("x" * inside))
    with pytest.raises(
        ResponseError, match=r"outputSpeech\.ssml is 8001 characters; the limit is 8000"
    ):
        output_speech(ssml.speak("x" * (inside + 1)))
    # The root the response adds counts too.
    with pytest.raises(ResponseError, match=r"outputSpeech\.ssml is 8001 characters"):
        output_speech(Ssml("x" * (inside + 1)))


def test_escaping_counts_towards_the_ssml_limit() -> None:
    with pytest.raises(ResponseError, match=r"outputSpeech\.ssml is"):
        output_speech(ssml.speak("&" * 2000))  # 2000 characters become 10000


def test_reprompt_limit_names_the_reprompt() -> None:
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.text is 8001 characters"):
        ask("Which city?", reprompt="x" * 8001)


def test_play_behavior() -> None:
    speech = PlainTextSpeech("hi", play_behavior="REPLACE_ALL")
    assert msgspec.json.decode(msgspec.json.encode(speech)) == {
        "type": "PlainText",
        "text": "hi",
        "playBehavior": "REPLACE_ALL",
    }
    with pytest.raises(ResponseError, match=r"outputSpeech\.playBehavior is 'NOW'"):
        SsmlSpeech("<speak>hi</speak>", play_behavior="NOW")  # type: ignore[arg-type]


# --- shouldEndSession -----------------------------------------------------------------------------


def test_speak_ends_the_session() -> None:
    assert wire(speak("Bye"))["shouldEndSession"] is True


def test_ask_keeps_the_session_open_and_reprompts_with_the_speech() -> None:
    response = wire(ask("Which city?"))
    assert response["shouldEndSession"] is False
    assert response["reprompt"] == {"outputSpeech": {"type": "PlainText", "text": "Which city?"}}


def test_ask_with_its_own_reprompt() -> None:
    response = wire(ask("Welcome. Which city?", reprompt=ssml.speak("Which ", "city?")))
    assert response["reprompt"] == {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Which city?</speak>"}
    }


def test_end_session_none_omits_the_key() -> None:
    response = wire(speak("Here you go", end_session=None))
    assert "shouldEndSession" not in response


def test_three_session_answers_encode_differently() -> None:
    encoded = {encode_response(speak("x", end_session=value)) for value in (True, False, None)}
    assert len(encoded) == 3
    assert b'"shouldEndSession":true' in encode_response(speak("x", end_session=True))
    assert b'"shouldEndSession":false' in encode_response(speak("x", end_session=False))
    assert b"shouldEndSession" not in encode_response(speak("x", end_session=None))


def test_a_reprompt_needs_an_open_session() -> None:
    with pytest.raises(ResponseError, match="a reprompt needs an open session"):
        speak("Which city?", reprompt="Which city?")
    with pytest.raises(ResponseError, match="a reprompt needs an open session"):
        Response(reprompt=Reprompt(output_speech=PlainTextSpeech("x")), should_end_session=True)
    kept = wire(speak("Which city?", reprompt="City?", end_session=False))
    assert kept["shouldEndSession"] is False
    assert "reprompt" in kept
    assert "shouldEndSession" not in wire(speak("Hm?", reprompt="Hm?", end_session=None))


def test_should_end_session_must_be_a_bool() -> None:
    with pytest.raises(ResponseError, match="shouldEndSession must be True, False or UNSET"):
        Response(should_end_session=1)  # type: ignore[arg-type]


def test_empty_response() -> None:
    assert empty() == Response()
    assert body(empty()) == {"version": "1.0", "response": {}}


# --- cards ----------------------------------------------------------------------------------------


def test_simple_card() -> None:
    card = wire(speak("x", card=SimpleCard("Weather", "Sunny")))["card"]
    assert card == {"type": "Simple", "title": "Weather", "content": "Sunny"}


def test_standard_card_nests_its_images() -> None:
    card = StandardCard(
        "Paris", "Sunny", "https://example.com/s.png", large_image_url="https://example.com/l.png"
    )
    assert card.small_image_url == "https://example.com/s.png"
    assert wire(speak("x", card=card))["card"] == {
        "type": "Standard",
        "title": "Paris",
        "text": "Sunny",
        "image": {
            "smallImageUrl": "https://example.com/s.png",
            "largeImageUrl": "https://example.com/l.png",
        },
    }


def test_standard_card_with_one_image_or_none() -> None:
    only_large = StandardCard("T", "x", large_image_url="HTTPS://example.com/l.png")
    assert wire(speak("x", card=only_large))["card"]["image"] == {
        "largeImageUrl": "HTTPS://example.com/l.png"
    }
    assert wire(speak("x", card=StandardCard("T", "x")))["card"] == {
        "type": "Standard",
        "title": "T",
        "text": "x",
    }


def test_encoding_a_standard_card_leaves_the_response_unchanged() -> None:
    card = StandardCard("T", "x", "https://example.com/s.png")
    response = speak("x", card=card)
    encode_response(response)
    assert response.card is card


def test_image_urls_must_be_https() -> None:
    with pytest.raises(ResponseError, match=r"card\.image\.smallImageUrl must be an HTTPS URL"):
        StandardCard("T", "x", small_image_url="http://example.com/s.png")
    with pytest.raises(ResponseError, match=r"card\.image\.largeImageUrl must be an HTTPS URL"):
        StandardCard("T", "x", large_image_url="example.com/l.png")


def test_image_url_limit_is_2000_characters() -> None:
    prefix = "https://example.com/"
    assert StandardCard("T", "x", prefix + "a" * (2000 - len(prefix)))
    with pytest.raises(
        ResponseError, match=r"card\.image\.largeImageUrl is 2001 characters; the limit is 2000"
    ):
        StandardCard("T", "x", large_image_url=prefix + "a" * (2001 - len(prefix)))
    # Each image URL: the small one as the large one.
    assert StandardCard("T", "x", large_image_url=prefix + "a" * (2000 - len(prefix)))
    with pytest.raises(
        ResponseError, match=r"card\.image\.smallImageUrl is 2001 characters; the limit is 2000"
    ):
        StandardCard("T", "x", small_image_url=prefix + "a" * (2001 - len(prefix)))


def test_card_text_limit_is_8000_characters() -> None:
    assert SimpleCard("t" * 100, "c" * 7900)
    with pytest.raises(ResponseError, match=r"card text .* is 8001 characters; the limit is 8000"):
        SimpleCard("t" * 100, "c" * 7901)
    assert StandardCard("", "x" * 8000)
    with pytest.raises(ResponseError, match="is 8001 characters; the limit is 8000"):
        StandardCard("t", "x" * 8000)


def test_card_text_limit_counts_image_urls() -> None:
    url = "https://example.com/" + "a" * 980  # 1000 characters
    assert StandardCard("", "x" * 6000, url, url)
    with pytest.raises(ResponseError, match="card text"):
        StandardCard("", "x" * 6001, url, url)


def test_link_account_card() -> None:
    assert wire(speak("Please link", card=LinkAccountCard()))["card"] == {"type": "LinkAccount"}


def test_permissions_card() -> None:
    card = AskForPermissionsConsentCard(["read::alexa:device:all:address"])
    assert card.permissions == ("read::alexa:device:all:address",)
    assert wire(speak("Please allow", card=card))["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": ["read::alexa:device:all:address"],
    }


def test_permissions_card_needs_permissions() -> None:
    with pytest.raises(ResponseError, match=r"card\.permissions is empty"):
        AskForPermissionsConsentCard([])
    with pytest.raises(ResponseError, match=r"card\.permissions must be a list"):
        AskForPermissionsConsentCard("alexa::profile:email:read")
    with pytest.raises(ResponseError, match=r"card\.permissions\[1\]"):
        AskForPermissionsConsentCard(["alexa::profile:email:read", ""])


def test_card_must_be_a_card() -> None:
    with pytest.raises(ResponseError, match="card must be a Card, not dict"):
        speak("x", card={"type": "Simple"})  # type: ignore[arg-type]


# --- directives -----------------------------------------------------------------------------------


APL = {
    "type": "Alexa.Presentation.APL.RenderDocument",
    "token": "tok",
    "document": {"type": "APL", "version": "2023.2", "mainTemplate": {"items": []}},
    "datasources": {"x": [1, 2.5, None, True]},
}


def test_dict_directives_pass_through_verbatim() -> None:
    video = {"type": "VideoApp.Launch", "videoItem": {"source": "https://cdn.example.com/v.mp4"}}
    response = speak("Look", directives=[APL, video])
    assert response.directives[0] == APL  # a copy: see test_a_raw_directive_is_copied_when_built
    assert wire(response)["directives"] == [APL, video]


def test_no_directives_means_no_key() -> None:
    assert "directives" not in wire(speak("x"))


def test_other_mappings_become_dicts() -> None:
    response = speak("x", directives=[MappingProxyType({"type": "Custom.Thing", "a": 1})])
    assert wire(response)["directives"] == [{"type": "Custom.Thing", "a": 1}]


@pytest.mark.parametrize(
    "directive",
    [{}, {"kind": "Dialog.Delegate"}, {"type": 3}, {"type": ""}, {"type": None}],
)
def test_directive_without_a_string_type_is_rejected(directive: Mapping[str, Any]) -> None:
    with pytest.raises(ResponseError, match=r'directives\[0\] has no string "type"'):
        speak("x", directives=[directive])


def test_directive_of_another_kind_is_rejected() -> None:
    with pytest.raises(ResponseError, match=r"directives\[1\] must be a Directive"):
        speak("x", directives=[APL, "Dialog.Delegate"])  # type: ignore[list-item]


def test_response_directives_given_as_a_list_become_a_tuple() -> None:
    response = Response(directives=[APL])
    assert response.directives == (APL,)


class _Delegate(Directive, tag="Dialog.Delegate", kw_only=True, frozen=True):
    """A stand-in for the typed directives issue 5 adds."""

    kind: ClassVar[str] = "dialog"
    updated_intent: dict[str, Any] | UnsetType = UNSET


def test_typed_directives_encode_with_their_type() -> None:
    response = Response(directives=(_Delegate(updated_intent={"name": "X"}),))
    assert wire(response)["directives"] == [
        {"type": "Dialog.Delegate", "updatedIntent": {"name": "X"}}
    ]


def test_directive_kind() -> None:
    assert directive_kind(_Delegate()) == "dialog"
    assert directive_kind({"type": "Dialog.ElicitSlot"}) == "dialog"
    assert directive_kind({"type": "AudioPlayer.Play"}) == "audio"
    assert directive_kind(APL) == "other"


def test_ssml_inside_a_dict_directive_encodes_as_a_string() -> None:
    directive = {"type": "VoicePlayer.Speak", "speech": ssml.speak("One moment")}
    assert wire(speak("x", directives=[directive]))["directives"][0]["speech"] == (
        "<speak>One moment</speak>"
    )


# --- values JSON would change, in what a handler writes as a mapping ----------------------------


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (float("nan"), r"\['v'\] is nan: JSON has no such number, and Alexa would get null"),
        ({"n": [1, float("-inf")]}, r"\['v'\]\['n'\]\[1\] is -inf: JSON has no such number"),
        (
            {1: "a"},
            r"\['v'\] has the key 1 \(int\): JSON keys are strings, and Alexa would get '1'",
        ),
        (b"ab", r"\['v'\] is bytes: Alexa would get it as base64 text"),
        ([bytearray(b"a")], r"\['v'\]\[0\] is bytearray: Alexa would get it as base64 text"),
        ({"s": {2, 1}}, r"\['v'\]\['s'\] is a set: Alexa would get a list in no set order"),
        (frozenset({1}), r"\['v'\] is a frozenset: Alexa would get a list"),
    ],
)
def test_a_mapping_json_would_change_is_refused_naming_the_value(value: Any, said: str) -> None:
    # NaN went as null, {1: "a"} as {"1": "a"}, bytes as base64, a set as a list: Alexa got
    # something else than the handler wrote, without a word.
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\.Thing\){said}"):
        speak("x", directives=[{"type": "Custom.Thing", "v": value}])
    with pytest.raises(ResponseError, match=rf"^apiResponse{said}"):
        Response(api_response={"v": value})
    with pytest.raises(
        ResponseError, match=rf"^Alexa\.Presentation\.APL\.RenderDocument document{said}"
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )
    with pytest.raises(ResponseError, match=r"^directives\[0\] \(Custom\.Thing\) has the key 2"):
        speak("x", directives=[{"type": "Custom.Thing", 2: "b"}])  # type: ignore[dict-item]


def test_a_mapping_json_spells_its_own_way_goes_as_ever() -> None:
    # A tuple, a date, a UUID, a str Enum member have no other spelling: not refused.
    class Color(enum.StrEnum):
        RED = "red"

    written = {
        "type": "Custom.Thing",
        "t": (1, 2.5),
        "on": datetime.date(2026, 1, 2),
        "id": uuid.UUID(int=1),
        "color": Color.RED,
        "deep": [{"x": None, "y": float("1e300")}],
    }
    assert wire(speak("x", directives=[written]))["directives"][0] == {
        "type": "Custom.Thing",
        "t": [1, 2.5],
        "on": "2026-01-02",
        "id": "00000000-0000-0000-0000-000000000001",
        "color": "red",
        "deep": [{"x": None, "y": 1e300}],
    }


def test_a_handler_writing_nan_in_a_directive_is_its_error() -> None:
    from alexaskill import Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hi", directives=[{"type": "Custom.Thing", "score": float("nan")}])

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.status_code == 200
    assert "score" in str(result.handler_error)
    assert result.json["response"].get("directives") is None


class _NotJson:
    pass


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({True: 1}, r"\['v'\] has the key True \(bool\), where JSON takes a str"),
        ({"n": [1, _NotJson()]}, r"\['v'\]\['n'\]\[1\] is of type _NotJson"),
        ({(1, 2): "a"}, r"\['v'\] has the key \(1, 2\) \(tuple\), where JSON takes a str"),
    ],
)
def test_a_value_that_does_not_encode_is_named_where_it_is(value: Any, said: str) -> None:
    # "bool is not JSON-encodable" said of a bool key (a bool value encodes), and no message
    # said where in a large directive or APL document the value was.
    with pytest.raises(
        ResponseError, match=rf"^directives\[0\] \(Custom\) is not JSON-encodable: {said}$"
    ):
        speak("x", directives=[{"type": "Custom", "v": value}])
    with pytest.raises(
        ResponseError,
        match=rf"^Alexa\.Presentation\.APL\.RenderDocument document is not JSON-encodable: {said}$",
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )


def test_an_api_response_that_does_not_encode_is_refused_where_built_naming_where() -> None:
    # It failed only when encoded, as "response is not JSON-encodable: bool is not
    # JSON-encodable", naming neither apiResponse nor the key.
    with pytest.raises(
        ResponseError,
        match=r"^apiResponse is not JSON-encodable: \['a'\] has the key True \(bool\), where JSON",
    ):
        Response(api_response={"a": {True: 1}})
    with pytest.raises(
        ResponseError,
        match=r"^apiResponse is not JSON-encodable: \['a'\]\[0\] is of type _NotJson$",
    ):
        Response(api_response={"a": [_NotJson()]})


def test_a_str_that_does_not_encode_is_not_said_to_be_of_a_type_json_refuses() -> None:
    # A str holding a lone surrogate (a file name read with surrogateescape) was said to be
    # "of type str", as if JSON took no text; the reason (UTF-8 cannot encode it) went unsaid.
    said = r"\['v'\]\[1\] is a str that does not encode: 'utf-8' codec can't encode"
    with pytest.raises(
        ResponseError, match=rf"^directives\[0\] \(Custom\) is not JSON-encodable: {said}"
    ):
        speak("x", directives=[{"type": "Custom", "v": ["ok", "a\udc80b"]}])
    with pytest.raises(ResponseError, match=rf"^apiResponse is not JSON-encodable: {said}"):
        Response(api_response={"v": ["ok", "a\udc80b"]})


_DEEP = {"a": [{"b": ({"c": (1, [2.5, (datetime.date(2024, 1, 2),)])},)}]}


@pytest.mark.parametrize(
    "value",
    [
        (1, (2, ("x", (True, None)))),
        {"a": [{"b": (datetime.date(2024, 1, 2), uuid.UUID(int=7))}]},
        _DEEP,
    ],
)
def test_a_valid_tuple_or_date_nested_deep_is_accepted_without_the_naming_walk(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A valid value that never equals its decoding (a tuple, a date) was walked by _first, a
    # Python call a value, on every response (~350 us for a 23 KB APL document): a loop over a
    # stack now clears it, and _first runs only to name a value found wrong.
    from alexaskill.responses import as_written

    def no_walk(*args: Any) -> None:
        raise AssertionError("walked to name a value, where none is wrong")

    monkeypatch.setattr(as_written, "_first", no_walk)
    response = speak("x", directives=[{"type": "Custom", "v": value}])
    body = json.loads(encode_response(response))
    assert body["response"]["directives"][0]["v"] == json.loads(msgspec.json.encode(value))
    Response(api_response={"v": value})
    TypedAPL.RenderDocument(
        document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ((1, (2, [float("nan")])), r"\['v'\]\[1\]\[1\]\[0\] is nan: JSON has no such number"),
        (
            {"a": [{"b": ((datetime.date(2024, 1, 2), float("inf")),)}]},
            r"\['v'\]\['a'\]\[0\]\['b'\]\[0\]\[1\] is inf: JSON has no such number",
        ),
        ((1, {"k": ({2: "x"},)}), r"\['v'\]\[1\]\['k'\]\[0\] has the key 2 \(int\): JSON keys"),
        (((b"x",),), r"\['v'\]\[0\]\[0\] is bytes: Alexa would get it as base64 text"),
        ((1, (frozenset({1}),)), r"\['v'\]\[1\]\[0\] is a frozenset: Alexa would get a list"),
    ],
)
def test_a_value_json_changes_deep_inside_tuples_is_refused_naming_its_path(
    value: Any, said: str
) -> None:
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\){said}"):
        speak("x", directives=[{"type": "Custom", "v": value}])
    with pytest.raises(ResponseError, match=rf"^apiResponse{said}"):
        Response(api_response={"v": value})
    with pytest.raises(
        ResponseError, match=rf"^Alexa\.Presentation\.APL\.RenderDocument document{said}"
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )


class _Float(float):
    pass


class _List(list):  # type: ignore[type-arg]
    pass


class _Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    "value",
    [
        {"v": (1, 2)},
        {"v": (1, float("nan"))},
        {"v": _List([1, (2, float("inf"))])},
        {"v": _List([_Float(1.5)])},
        {"v": [_Float("nan")]},
        {_Color.RED: (1,)},
        {"v": ({"w": {1: 2}},)},
        {"v": (bytearray(b"x"), memoryview(b"y"))},
        {"v": [{"w": {1, 2}}]},
        {"v": (datetime.datetime(2024, 1, 2, 3), uuid.UUID(int=1), decimal.Decimal(2))},
        {"v": (_Color.RED, "s", None, True, -3)},
        float("nan"),
        (1, 2),
    ],
)
def test_the_fast_look_and_the_naming_walk_agree(value: Any) -> None:
    # _unaltered clears a value only where _first would find nothing in it: the same values
    # are refused with it as without it.
    from alexaskill.responses import as_written

    found = as_written._first(value, as_written._altered_key, as_written._altered)
    assert as_written._unaltered(value) is (found is None)


def test_a_directive_written_as_another_mapping_is_refused_as_a_dict_is() -> None:
    # A MappingProxyType (or any Mapping not a dict) holding NaN went out with null, unsaid:
    # the check compared it whole and, finding no dict, looked no further.
    said = r"\['v'\]\[1\] is nan: JSON has no such number, and Alexa would get null"
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\){said}$"):
        speak("x", directives=[MappingProxyType({"type": "Custom", "v": (1, float("nan"))})])
    response = speak("x", directives=[MappingProxyType({"type": "Custom", "v": (1, 2.5)})])
    assert json.loads(encode_response(response))["response"]["directives"] == [
        {"type": "Custom", "v": [1, 2.5]}
    ]


def test_a_key_that_is_no_str_is_refused_naming_the_text_alexa_would_get() -> None:
    from alexaskill.responses.snapshots import _encode as snapshot_encode

    # The message said what str() says: 'Color.RED' for an Enum member and '1e+20' for a
    # float, where the JSON Alexa gets holds "red" and "1e20"; 'write that' then misled.
    for key, sent in ((_Color.RED, "red"), (1e20, "1e20"), (7, "7")):
        with pytest.raises(ResponseError, match=rf"and Alexa would get '{sent}'; write that$"):
            speak("x", directives=[{"type": "Custom", "v": {key: 1}}])
        body = msgspec.json.decode(snapshot_encode({key: 1}))
        assert body == {sent: 1}  # (what the directive's encoder writes, the message says)


def test_a_value_json_changes_nested_deeper_than_python_calls_go_is_refused() -> None:
    # msgspec encodes a little deeper than _first looks (a call a level once, _MAX_DEPTH levels
    # now): there a NaN went out as null, unsaid (the walk's RecursionError was taken for
    # nothing found).
    import sys

    from alexaskill.responses.as_written import check_as_written

    deep: Any = [float("nan")]
    for _ in range(sys.getrecursionlimit() + 50):
        deep = [deep]
    with pytest.raises(ResponseError, match=r"^d holds NaN, .* nested too deeply to say where"):
        check_as_written("d", {"v": deep}, {"v": None})
    fine: Any = [1.5]
    for _ in range(sys.getrecursionlimit() + 50):
        fine = (fine,)
    check_as_written("d", {"v": fine}, {"v": None})  # nothing JSON changes: nothing said


def test_consent_card_permissions_are_no_mapping() -> None:
    # A dict is iterable over its keys: {"alexa::profile:email:read": True} went out as the one
    # scope, its values dropped unsaid (and {"scopes": [...]} as the scope "scopes").
    for written in ({"alexa::profile:email:read": True}, {"scopes": ["alexa::profile:email:read"]}):
        with pytest.raises(
            ResponseError, match=r"card\.permissions must be a list of scopes, not dict"
        ):
            AskForPermissionsConsentCard(written)  # type: ignore[arg-type]

"""Tests for alexaskill.responses: its public names, speech, the three session answers, cards,
directives. More are in tests/test_responses_*.py (the envelope, the inline checks,
hand-written SSML, what speech says, parts given the wrong way, values JSON would change)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import msgspec
import pytest
from msgspec import UNSET, UnsetType

from alexaskill import responses, ssml
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

pytestmark = pytest.mark.oldest_dependencies


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
    with pytest.raises(ResponseError, match=r"speech must be a str or Ssml, not an int$"):
        output_speech(42)  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match=r"outputSpeech\.text must be a str"):
        PlainTextSpeech(42)  # type: ignore[arg-type]


def test_speech_limit_is_8000_characters() -> None:
    assert PlainTextSpeech("x" * 8000)
    with pytest.raises(
        ResponseError, match=r"outputSpeech\.text is 8,001 characters; the limit is 8,000"
    ):
        PlainTextSpeech("x" * 8001)


def test_ssml_limit_counts_the_whole_document() -> None:
    inside = 8000 - len("<speak></speak>")
    assert output_speech(ssml.speak("x" * inside))
    with pytest.raises(
        ResponseError, match=r"outputSpeech\.ssml is 8,001 characters; the limit is 8,000"
    ):
        output_speech(ssml.speak("x" * (inside + 1)))
    # The root the response adds counts too.
    with pytest.raises(ResponseError, match=r"outputSpeech\.ssml is 8,001 characters"):
        output_speech(Ssml("x" * (inside + 1)))


def test_escaping_counts_towards_the_ssml_limit() -> None:
    with pytest.raises(ResponseError, match=r"outputSpeech\.ssml is"):
        output_speech(ssml.speak("&" * 2000))  # 2000 characters become 10000


def test_reprompt_limit_names_the_reprompt() -> None:
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.text is 8,001 characters"):
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
        ResponseError, match=r"card\.image\.largeImageUrl is 2,001 characters; the limit is 2,000"
    ):
        StandardCard("T", "x", large_image_url=prefix + "a" * (2001 - len(prefix)))
    # Each image URL: the small one as the large one.
    assert StandardCard("T", "x", large_image_url=prefix + "a" * (2000 - len(prefix)))
    with pytest.raises(
        ResponseError, match=r"card\.image\.smallImageUrl is 2,001 characters; the limit is 2,000"
    ):
        StandardCard("T", "x", small_image_url=prefix + "a" * (2001 - len(prefix)))


def test_card_text_limit_is_8000_characters() -> None:
    assert SimpleCard("t" * 100, "c" * 7900)
    with pytest.raises(
        ResponseError, match=r"card text .* is 8,001 characters; the limit is 8,000"
    ):
        SimpleCard("t" * 100, "c" * 7901)
    assert StandardCard("", "x" * 8000)
    with pytest.raises(ResponseError, match="is 8,001 characters; the limit is 8,000"):
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
    with pytest.raises(ResponseError, match=r"card must be a Card, not a dict$"):
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

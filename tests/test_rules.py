"""Response rules checked when a response is built, and the rules module's functions on their own.

The rules the app applies per request: the other test_rules_*.py files.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import rules
from alexaskill.directives import (
    APL,
    AudioPlayer,
    Dialog,
    VideoApp,
    delegate,
    elicit_slot,
    updated_intent,
)
from alexaskill.exceptions import ResponseError
from alexaskill.models import decode_envelope
from alexaskill.responses import (
    CanFulfillSlot,
    Response,
    ask,
    can_fulfill,
    empty,
    encode_response,
    speak,
)
from alexaskill.testing import RequestFactory

from .responses_shared import APL_DOCUMENT

URL = "https://cdn.example.com/podcast/episode-42.mp3"


def test_public_names() -> None:
    assert sorted(rules.__all__, key=lambda n: (not n.isupper(), n)) == rules.__all__
    for name in rules.__all__:
        if not name.isupper():
            assert getattr(rules, name).__doc__, name


# --- checked when the response is built -----------------------------------------------------------


def test_a_dialog_directive_never_ends_the_session() -> None:
    with pytest.raises(
        ResponseError, match=r"Dialog.ElicitSlot continues the dialog, but shouldEnd"
    ):
        speak("Which city?", directives=[Dialog.ElicitSlot("city")])
    # Raw dicts obey the same rules as typed directives.
    with pytest.raises(ResponseError, match=r"Dialog.Delegate continues the dialog"):
        speak("x", directives=[{"type": "Dialog.Delegate"}])
    assert ask("Which city?", directives=[Dialog.ElicitSlot("city")]).should_end_session is False
    assert speak("x", directives=[Dialog.ConfirmIntent()], end_session=None).directives


def test_one_dialog_directive_per_response() -> None:
    with pytest.raises(ResponseError, match="one dialog directive per response, but it has Dial"):
        Response(directives=(Dialog.Delegate(), Dialog.ElicitSlot("city")))


def test_delegate_takes_no_reprompt() -> None:
    with pytest.raises(ResponseError, match=r"Dialog.Delegate takes no reprompt"):
        ask("Which city?", directives=[Dialog.Delegate()])


def test_delegate_speaks_only_to_start_another_intent() -> None:
    with pytest.raises(ResponseError, match=r"Dialog.Delegate carries no outputSpeech"):
        speak("Hello", directives=[Dialog.Delegate()], end_session=None)
    with pytest.raises(ResponseError, match=r"Dialog.Delegate carries no outputSpeech"):
        delegate(speech="Hello")
    assert delegate(updated_intent("OrderCoffee"), speech="Hello").output_speech


def test_other_dialog_directives_are_not_limited() -> None:
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    conversations = {"type": "Dialog.DelegateRequest", "target": "AMAZON.Conversations"}
    assert speak("Bye", directives=[conversations]).should_end_session is True
    assert ask("Which?", directives=[entities, conversations]).should_end_session is False
    assert elicit_slot("fruit", "Which?", directives=[entities]).directives[1] is entities


@pytest.mark.parametrize(
    "pair",
    [
        (AudioPlayer.Play(URL, "a"), AudioPlayer.Play(URL, "b")),
        (VideoApp.Launch("https://v.example/a.mp4"), VideoApp.Launch("https://v.example/b.mp4")),
        (Dialog.UpdateDynamicEntities("CLEAR"), Dialog.UpdateDynamicEntities("CLEAR")),
    ],
)
def test_at_most_one_of_some_directives(pair: Any) -> None:
    with pytest.raises(ResponseError, match=r"at most one \S+ per response, but it has 2"):
        Response(directives=pair)


@pytest.mark.parametrize(
    "handover",
    [
        {"type": "Connections.StartConnection", "uri": "connection://AMAZON.PrintPDF/1"},
        {"type": "Tasks.CompleteTask", "status": {"code": "200", "message": "OK"}},
    ],
    ids=["start-connection", "complete-task"],
)
@pytest.mark.parametrize(
    "player",
    [AudioPlayer.Play(URL, "a"), AudioPlayer.Stop(), VideoApp.Launch("https://v.example/a.mp4")],
    ids=["play", "stop", "video"],
)
def test_a_skill_connection_takes_no_player_directive(handover: Any, player: Any) -> None:
    # Amazon ("Use Skill Connections to Request Tasks"): a response with
    # Connections.StartConnection or Tasks.CompleteTask can't include audio or video player
    # directives.
    with pytest.raises(ResponseError, match=rf"{handover['type']} hands the user over.*"):
        Response(directives=(handover, player))
    assert Response(directives=(handover,)).directives == (handover,)


def test_a_can_fulfill_answer_carries_nothing_else() -> None:
    answer = can_fulfill("YES").can_fulfill_intent
    with pytest.raises(ResponseError, match="carries nothing else, but has outputSpeech, should"):
        Response(
            output_speech=speak("Sure").output_speech,
            should_end_session=True,
            can_fulfill_intent=answer,
        )
    with pytest.raises(ResponseError, match="carries nothing else, but has directives"):
        Response(directives=(AudioPlayer.Stop(),), can_fulfill_intent=answer)


# --- Dialog.UpdateDynamicEntities answers an IntentRequest, with the session open ---------------


def test_dynamic_entities_never_go_with_should_end_session_true() -> None:
    # Amazon's Dialog Interface Reference: the dialog directives, UpdateDynamicEntities among
    # them, never end the session; the entities were for turns that would not come.
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    with pytest.raises(ResponseError, match=r"Dialog.UpdateDynamicEntities .* shouldEndSession"):
        speak("Bye", directives=[entities])
    with pytest.raises(ResponseError, match=r"Dialog.UpdateDynamicEntities .* shouldEndSession"):
        Response(
            directives=[{"type": "Dialog.UpdateDynamicEntities", "updateBehavior": "CLEAR"}],
            should_end_session=True,
        )
    assert ask("Which fruit?", directives=[entities]).directives == (entities,)
    assert speak("Which?", directives=[entities], end_session=None).directives == (entities,)


# --- can_fulfill values ---------------------------------------------------------------------------


def test_can_fulfill_json() -> None:
    body = encode_response(
        can_fulfill(
            "MAYBE",
            {"city": ("YES", "YES"), "date": CanFulfillSlot("MAYBE")},
        )
    )
    assert body == (
        b'{"version":"1.0","response":{"canFulfillIntent":{"canFulfill":"MAYBE","slots":'
        b'{"city":{"canUnderstand":"YES","canFulfill":"YES"},"date":{"canUnderstand":"MAYBE"}}}}}'
    )
    assert encode_response(can_fulfill("NO")) == (
        b'{"version":"1.0","response":{"canFulfillIntent":{"canFulfill":"NO"}}}'
    )


@pytest.mark.parametrize(
    ("answer", "slots", "message"),
    [
        ("PERHAPS", None, r"canFulfillIntent canFulfill is 'PERHAPS'; use one of YES, NO, MAYBE"),
        ("YES", {"city": ("YES", "MAYBE")}, r"slot city: canFulfillIntent slot canFulfill is"),
        ("YES", {"city": ("SURE", "YES")}, r"slot city: canFulfillIntent slot canUnderstand"),
        ("YES", {"city": "YES"}, r"slot city: give \(canUnderstand, canFulfill\)"),
        ("YES", {"city": ("YES",)}, r"slot city: give \(canUnderstand, canFulfill\)"),
    ],
)
def test_can_fulfill_checks(answer: Any, slots: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        can_fulfill(answer, slots)


# --- check_reply on its own -----------------------------------------------------------------------


def test_check_reply_keeps_directives_when_the_device_is_unknown() -> None:
    envelope = RequestFactory().intent("ShowMenu")
    del envelope["context"]
    decoded = decode_envelope(json.dumps(envelope))
    response = speak("Look.", directives=[APL.RenderDocument(APL_DOCUMENT)])
    assert rules.check_reply(response, decoded) is response


def test_check_reply_passes_none_and_plain_responses() -> None:
    decoded = decode_envelope(json.dumps(RequestFactory().intent("X")))
    assert rules.check_reply(None, decoded) is None
    plain = speak("Hi")
    assert rules.check_reply(plain, decoded) is plain
    assert rules.failure_reply(decoded.request) is None


def test_directive_interface() -> None:
    assert rules.directive_interface(AudioPlayer.Stop()) == "AudioPlayer"
    assert rules.directive_interface({"type": "Alexa.Presentation.APLT.RenderDocument"}) == (
        "Alexa.Presentation.APLT"
    )
    assert rules.directive_interface({"type": "Alexa.Presentation.APLA.RenderDocument"}) is None
    assert rules.directive_interface(Dialog.Delegate()) is None
    assert rules.takes_only_audio("PlaybackController.NextCommandIssued")
    assert not rules.takes_only_audio("IntentRequest")
    assert empty() == Response()

"""What the response rules say when they drop a part: each rule's words, each line's parts."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from alexaskill import rules
from alexaskill.directives import APL, Dialog, VideoApp
from alexaskill.exceptions import RuleViolation
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import ExperimentTrigger, Response, SimpleCard, speak
from alexaskill.testing import RequestFactory

from .responses_shared import APL_DOCUMENT

URL_VIDEO = "https://cdn.example.com/video/episode-42.mp4"


def _envelope(request_type: str, *interfaces: str, **fields: Any) -> Envelope:
    factory = RequestFactory(interfaces=interfaces)
    return decode_envelope(json.dumps(factory.envelope(request_type, **fields)))


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        ("AudioPlayer.PlaybackStopped", "Alexa takes no response to AudioPlayer.PlaybackStopped"),
        ("System.ExceptionEncountered", "Alexa takes no response to System.ExceptionEncountered"),
        (
            "AudioPlayer.PlaybackStarted",
            "Alexa takes only AudioPlayer.ClearQueue or AudioPlayer.Stop in reply to "
            "AudioPlayer.PlaybackStarted, and no speech, card or reprompt",
        ),
        (
            "AudioPlayer.PlaybackNearlyFinished",
            "Alexa takes only AudioPlayer directives in reply to "
            "AudioPlayer.PlaybackNearlyFinished, and no speech, card or reprompt",
        ),
    ],
)
def test_speech_to_an_audio_event_names_what_the_event_takes(event: str, rule: str) -> None:
    # Three kinds of event, three rules: none at all, Stop or ClearQueue, any AudioPlayer one.
    found: list[RuleViolation] = []
    envelope = _envelope(event, "AudioPlayer", token="ep-42", offsetInMilliseconds=0)
    checked = rules.check_reply(speak("Now playing", end_session=None), envelope, violations=found)
    assert checked == Response()
    [violation] = found
    assert (violation.dropped, violation.rule) == (("outputSpeech",), rule)


def test_the_warning_of_a_drop_names_each_directive_and_the_interface_it_needs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reply = speak(
        "Here it is.",
        directives=[APL.RenderDocument(APL_DOCUMENT, token="menu"), VideoApp.Launch(URL_VIDEO)],
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        checked = rules.check_reply(reply, _envelope("IntentRequest", intent={"name": "Show"}))
    assert checked is not None
    assert checked.directives == ()
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "reply to IntentRequest: dropped Alexa.Presentation.APL.RenderDocument (needs "
        "Alexa.Presentation.APL), VideoApp.Launch (needs VideoApp): the device does not "
        "declare the interface"
    )


@pytest.mark.parametrize(
    ("card", "app_only"),
    [(None, ""), (SimpleCard("Menu", "Soup"), " (the card shows only in the Alexa app)")],
    ids=["alone", "with-a-card"],
)
def test_a_reply_left_silent_on_a_speaker_says_what_to_do(
    card: SimpleCard | None, app_only: str
) -> None:
    found: list[RuleViolation] = []
    reply = Response(directives=(APL.RenderDocument(APL_DOCUMENT),))
    if card is not None:
        reply = reply.replace(card=card)
    rules.check_reply(reply, _envelope("LaunchRequest"), violations=found)
    [violation] = found
    assert violation.rule == (
        "the device does not declare Alexa.Presentation.APL, and nothing is left for the user "
        f"to hear{app_only}: answer with speech too, or ask device.supports(...)"
    )


def test_a_drop_that_leaves_another_directive_is_no_silent_reply(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A directive the device takes is something of the reply (a skill connection's hand-over,
    # say): the drop is a WARNING, not a reply left silent.
    found: list[RuleViolation] = []
    handover = {"type": "Connections.StartConnection", "uri": "connection://AMAZON.Print/1"}
    reply = Response(directives=(APL.RenderDocument(APL_DOCUMENT), handover))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        checked = rules.check_reply(reply, _envelope("LaunchRequest"), violations=found)
    assert checked is not None
    assert checked.directives == (handover,)
    assert found == []
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_a_drop_that_leaves_only_dynamic_entities_is_a_silent_reply() -> None:
    # New slot values say nothing: the user hears silence.
    found: list[RuleViolation] = []
    entities = Dialog.UpdateDynamicEntities("CLEAR")
    reply = Response(directives=(APL.RenderDocument(APL_DOCUMENT), entities))
    envelope = _envelope("IntentRequest", intent={"name": "Show"})
    checked = rules.check_reply(reply, envelope, violations=found)
    assert checked is not None
    assert checked.directives == (entities,)
    [violation] = found
    assert violation.dropped == ("Alexa.Presentation.APL.RenderDocument",)
    assert "nothing is left for the user to hear" in violation.rule


def test_the_rare_parts_of_a_reply_to_session_ended_are_named_as_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Alexa Conversations' apiResponse and an A/B test's experimentation go as the speech does.
    reply = Response(
        api_response={"forecast": "sunny"}, experimentation=ExperimentTrigger(["menu-test"])
    )
    envelope = _envelope("SessionEndedRequest", reason="USER_INITIATED")
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert rules.check_reply(reply, envelope) is None
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.getMessage() == (
        "reply to SessionEndedRequest: dropped apiResponse, experimentation (Alexa takes no "
        "response to it)"
    )

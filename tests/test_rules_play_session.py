"""An AudioPlayer.Play that starts a stream while the reply keeps the session open.

Amazon ("Stream Long-Form Audio with AudioPlayer", Playback control; the AudioPlayer Interface
Reference, Play directive): set shouldEndSession to true in the response with the Play; with
false, Alexa sends the stream to the device, then pauses it at once to listen for the user.
Alexa takes the reply, so the app sends it as it is; the test client fails the test.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import AudioPlayer
from alexaskill.exceptions import RuleViolation
from alexaskill.models import decode_envelope
from alexaskill.responses import Response, ask, speak
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID

URL = "https://cdn.example.com/podcast/episode-1.mp3"


def _skill(reply: Response) -> Skill:
    skill = Skill(SKILL_ID)
    skill.intent("PlayPodcast")(lambda: reply)
    skill.launch(lambda: reply)
    return skill


OPEN_PLAY = ask("Here it is. Anything else?", directives=[AudioPlayer.Play(URL, "ep-1")])


def test_a_play_that_keeps_the_session_open_fails_the_test() -> None:
    with TestClient(_skill(OPEN_PLAY)) as client, pytest.raises(RuleViolation) as raised:
        client.intent("PlayPodcast")
    violation = raised.value
    assert violation.kept
    assert violation.request_type == "IntentRequest"
    assert violation.dropped == ("AudioPlayer.Play", "shouldEndSession: false")
    assert "pauses it at once" in violation.rule
    message = str(violation)
    assert "the device ignores it" not in message  # it does not: it pauses the stream
    assert "the stream is paused at once" in message


def test_production_sends_it_as_it_is_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(_skill(OPEN_PLAY), raise_handler_errors=False) as client,
    ):
        result = client.launch()
    response = result.json["response"]
    assert response["shouldEndSession"] is False
    assert [d["type"] for d in response["directives"]] == ["AudioPlayer.Play"]
    assert result.speech == "Here it is. Anything else?"
    [record] = [r for r in caplog.records if hasattr(r, "rule_violation")]
    assert record.levelno == logging.WARNING
    assert result.violations == (record.rule_violation,)
    assert result.violations[0].request_type == "LaunchRequest"


@pytest.mark.parametrize(
    "reply",
    [
        speak("Here it is.", directives=[AudioPlayer.Play(URL, "ep-1")]),  # ends the session
        Response(directives=(AudioPlayer.Play(URL, "ep-1"),)),  # shouldEndSession omitted
        # Queued after the stream held: nothing starts now.
        ask(
            "Queued. Anything else?",
            directives=[
                AudioPlayer.Play(
                    URL, "ep-2", play_behavior="ENQUEUE", expected_previous_token="ep-1"
                )
            ],
        ),
        ask("Anything else?", directives=[AudioPlayer.Stop()]),
    ],
    ids=["ended", "omitted", "enqueue", "stop"],
)
def test_other_replies_are_no_violation(reply: Response) -> None:
    with TestClient(_skill(reply)) as client:
        client.player.token, client.player.activity = "ep-1", "PLAYING"
        assert client.intent("PlayPodcast").violations == ()


def test_a_play_dropped_for_a_device_without_audio_player_is_no_violation() -> None:
    with TestClient(_skill(OPEN_PLAY), interfaces=(), raise_handler_errors=False) as client:
        result = client.intent("PlayPodcast")
    assert result.unsupported == ("AudioPlayer.Play",)
    assert result.violations == ()


def test_check_reply_on_a_play_as_json() -> None:
    play: dict[str, Any] = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": URL, "token": "ep-1", "offsetInMilliseconds": 0}},
    }
    envelope = decode_envelope(
        json.dumps(
            RequestFactory().envelope(
                "IntentRequest", intent={"name": "PlayPodcast", "confirmationStatus": "NONE"}
            )
        )
    )
    found: list[RuleViolation] = []
    reply = Response(directives=(play,), should_end_session=False)
    assert rules.check_reply(reply, envelope, violations=found) is reply
    [violation] = found
    assert violation.kept


def test_any_reply_in_a_session_is_held_to_it() -> None:
    # Amazon's rule is about any response with the Play: a purchase's Connections.Response
    # ("buy, then play"), a screen's UserEvent, in a session, pause the stream alike.
    factory = RequestFactory(skill_id=SKILL_ID)
    for request_type in ("Connections.Response", "Alexa.Presentation.APL.UserEvent"):
        envelope = decode_envelope(
            json.dumps(factory.envelope(request_type, session=factory.session()))
        )
        found: list[RuleViolation] = []
        rules.check_reply(OPEN_PLAY, envelope, violations=found)
        assert [v.dropped for v in found] == [("AudioPlayer.Play", "shouldEndSession: false")], (
            request_type
        )


@pytest.mark.parametrize("behavior", ["ENQUEUE", "REPLACE_ENQUEUED"])
def test_a_queued_play_that_starts_a_stream_with_the_session_open_is_a_violation(
    behavior: Literal["ENQUEUE", "REPLACE_ENQUEUED"],
) -> None:
    # Nothing playing (STOPPED), the device starts its queue at once (the AVS Device SDK's
    # AudioPlayer): the stream is paused at once, as a REPLACE_ALL's is.
    expected = "ep-1" if behavior == "ENQUEUE" else None
    play = AudioPlayer.Play(URL, "ep-2", play_behavior=behavior, expected_previous_token=expected)
    with TestClient(_skill(ask("Queued. Anything else?", directives=[play]))) as client:
        client.player.token, client.player.activity = "ep-1", "STOPPED"
        with pytest.raises(RuleViolation) as raised:
            client.intent("PlayPodcast")
        assert raised.value.dropped == ("AudioPlayer.Play", "shouldEndSession: false")
        assert (client.player.token, client.player.activity) == ("ep-2", "PAUSED")
        # Playing, it waits its turn: nothing starts now.
        client.player.token, client.player.activity = "ep-1", "PLAYING"
        client.player.queue.clear()
        assert client.intent("PlayPodcast").violations == ()


def test_an_enqueue_the_stopped_player_ignores_is_not_called_a_paused_stream() -> None:
    # After another stream than the one held: the device ignores it, nothing starts.
    play = AudioPlayer.Play(URL, "ep-2", play_behavior="ENQUEUE", expected_previous_token="ep-9")
    with TestClient(_skill(ask("Queued. Anything else?", directives=[play]))) as client:
        client.player.token, client.player.activity = "ep-1", "STOPPED"
        assert client.intent("PlayPodcast").violations == ()
        assert (client.player.token, client.player.activity) == ("ep-1", "STOPPED")

"""Response rules per request: replies to audio events and media buttons keep what Alexa takes."""

from __future__ import annotations

import logging
from typing import Any, Final

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import APL, AudioPlayer, Dialog, VideoApp
from alexaskill.exceptions import RuleViolation
from alexaskill.models import AudioPlayerRequest
from alexaskill.responses import Response, SimpleCard, ask, speak
from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .responses_shared import APL_DOCUMENT

URL = "https://cdn.example.com/podcast/episode-42.mp3"


# --- replies that take only AudioPlayer directives ------------------------------------------------


def test_audio_requests_keep_only_audio_directives(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly(request: AudioPlayerRequest) -> Response:
        return speak(
            "Next up",
            card=SimpleCard("Next", "Episode 43"),
            directives=[
                AudioPlayer.Play(
                    URL, "ep-43", play_behavior="ENQUEUE", expected_previous_token="ep-42"
                ),
                {"type": "Alexa.Presentation.APL.RenderDocument", "document": APL_DOCUMENT},
            ],
        )

    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(
            skill, interfaces=("AudioPlayer", "Alexa.Presentation.APL"), raise_handler_errors=False
        ) as client,
    ):
        caplog.clear()  # the start-up warnings aside (no AMAZON.PauseIntent handler)
        result = client.send("AudioPlayer.PlaybackNearlyFinished", token="ep-42")
    response = result.json["response"]
    assert list(response) == ["directives"]
    assert [d["type"] for d in response["directives"]] == ["AudioPlayer.Play"]
    assert "sessionAttributes" not in result.json
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(
        "tests.test_rules_audio_events.test_audio_requests_keep_only_audio_directives"
        ".<locals>.nearly "
        "answered AudioPlayer.PlaybackNearlyFinished with outputSpeech, card, "
        "Alexa.Presentation.APL.RenderDocument: dropped (Alexa takes only AudioPlayer directives"
    )
    assert result.violations == (record.rule_violation,)  # type: ignore[attr-defined]


def test_playback_controller_pause_stops_without_speech(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.on("PlaybackController.PauseCommandIssued")(
        lambda: speak("Paused", directives=[AudioPlayer.Stop()])
    )
    skill.on("PlaybackController.PlayCommandIssued")(
        lambda: Response(directives=(AudioPlayer.Play(URL, "ep-42"),), should_end_session=True)
    )
    with TestClient(skill, raise_handler_errors=False) as client:
        paused = client.send("PlaybackController.PauseCommandIssued")
        played = client.send("PlaybackController.PlayCommandIssued")
    assert paused.json["response"] == {"directives": [{"type": "AudioPlayer.Stop"}]}
    assert "PauseCommandIssued with outputSpeech: dropped" in caplog.text
    assert len(paused.violations) == 1
    # shouldEndSession goes silently: these requests have no session.
    assert list(played.json["response"]) == ["directives"]


def test_failures_on_audio_requests_are_silent(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.on("AudioPlayer.PlaybackFailed")(lambda: 1 / 0)  # type: ignore[type-var]
    skill.on("System.ExceptionEncountered")(lambda: speak("Oops"))

    @skill.exception(KeyError)
    def on_key(exc: KeyError) -> Response:
        return speak("A key was missing", directives=[AudioPlayer.Stop()])

    on_stopped = skill.on("AudioPlayer.PlaybackStopped")
    on_stopped(lambda: {"present": 1}["missing"])  # type: ignore[type-var]
    with TestClient(skill, raise_handler_errors=False) as client:
        failed = client.send("AudioPlayer.PlaybackFailed", token="ep-42")
        exception = client.send("System.ExceptionEncountered", error={"type": "INVALID_RESPONSE"})
        handled = client.send("AudioPlayer.PlaybackStopped", token="ep-42")
    assert failed.status_code == 200
    assert failed.json["response"] == {}
    assert "ZeroDivisionError" in caplog.text
    assert exception.json["response"] == {}
    # PlaybackStopped takes no response: the exception handler's Stop goes too, named in the log.
    assert handled.json["response"] == {}
    assert "test_failures_on_audio_requests_are_silent.<locals>.on_key answered" in caplog.text


# --- every AudioPlayer / PlaybackController / System event x every part: kept or dropped ----------

AUDIO_EVENTS: Final = (
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued",
    "PlaybackController.PreviousCommandIssued",
    "System.ExceptionEncountered",
)

#: Each part a handler may put in its reply: (name in the violation, the reply).
REPLY_PARTS: Final[dict[str, Response]] = {
    "AudioPlayer.Play": Response(directives=(AudioPlayer.Play(URL, "ep-43"),)),
    "AudioPlayer.Stop": Response(directives=(AudioPlayer.Stop(),)),
    "AudioPlayer.ClearQueue": Response(directives=(AudioPlayer.ClearQueue("CLEAR_ENQUEUED"),)),
    "outputSpeech": speak("Now playing", end_session=None),
    "card": Response(card=SimpleCard("Now playing", "Episode 43")),
    "reprompt": Response(reprompt=ask("Anything else?").reprompt),
    "Dialog.Delegate": Response(directives=(Dialog.Delegate(),)),
    "VideoApp.Launch": Response(directives=(VideoApp.Launch("https://cdn.example.com/a.mp4"),)),
    "Alexa.Presentation.APL.RenderDocument": Response(
        directives=(APL.RenderDocument(APL_DOCUMENT, token="t"),)
    ),
    "Connections.SendRequest": Response(
        directives=(
            {
                "type": "Connections.SendRequest",
                "name": "Buy",
                "payload": {"InSkillProduct": {"productId": "amzn1.adg.product.x"}},
            },
        )
    ),
    "Custom.Directive": Response(directives=({"type": "Custom.Directive"},)),
}

#: The AudioPlayer directives each event takes (Amazon's AudioPlayer interface reference).
ALL_AUDIO: Final = {"AudioPlayer.Play", "AudioPlayer.Stop", "AudioPlayer.ClearQueue"}
KEPT: Final[dict[str, set[str]]] = {
    "AudioPlayer.PlaybackStarted": {"AudioPlayer.Stop", "AudioPlayer.ClearQueue"},
    "AudioPlayer.PlaybackFinished": {"AudioPlayer.Stop", "AudioPlayer.ClearQueue"},
    "AudioPlayer.PlaybackStopped": set(),
    "System.ExceptionEncountered": set(),
    "AudioPlayer.PlaybackNearlyFinished": ALL_AUDIO,
    "AudioPlayer.PlaybackFailed": ALL_AUDIO,
    **{event: ALL_AUDIO for event in AUDIO_EVENTS if event.startswith("PlaybackController.")},
}


class _Reply:
    """What the table's handlers return: set by each case before it sends its event."""

    part: Response | None = None


def _reply() -> Response | None:
    return _Reply.part


@pytest.fixture(scope="module")
def audio_client() -> Any:
    skill = Skill(SKILL_ID)
    for event in AUDIO_EVENTS:
        skill.on(event)(_reply)
    with TestClient(skill, interfaces=("AudioPlayer",), raise_handler_errors=False) as client:
        yield client


@pytest.mark.parametrize("part", list(REPLY_PARTS))
@pytest.mark.parametrize("event", AUDIO_EVENTS)
def test_audio_event_replies_keep_only_what_the_event_takes(
    audio_client: Any, event: str, part: str, caplog: pytest.LogCaptureFixture
) -> None:
    _Reply.part = REPLY_PARTS[part]
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        result = audio_client.send(event, token="ep-42", offsetInMilliseconds=0)
    assert result.status_code == 200
    response = result.json["response"]
    assert "sessionAttributes" not in result.json
    if part in KEPT[event]:
        assert [d["type"] for d in response["directives"]] == [part]
        assert set(response) == {"directives"}
        assert result.violations == ()
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        return
    assert response == {}
    [violation] = result.violations
    assert isinstance(violation, RuleViolation)
    assert violation.handler == "tests.test_rules_audio_events._reply"
    assert (violation.request_type, violation.dropped) == (event, (part,))
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert message.startswith(
        f"tests.test_rules_audio_events._reply answered {event} with {part}: dropped ("
    )
    assert record.rule_violation is violation  # type: ignore[attr-defined]


def test_every_audio_event_and_part_is_in_the_table() -> None:
    assert set(KEPT) == set(AUDIO_EVENTS)
    for event in AUDIO_EVENTS:
        allowed = rules.audio_directives_allowed(event)
        assert (ALL_AUDIO if allowed is None else set(allowed)) == KEPT[event]
        assert rules.audio_reply_directives(event) == KEPT[event]  # (its None named)


def test_a_reply_to_an_audio_event_keeps_only_the_audioplayer_directives_alexa_knows() -> None:
    # A dict of another AudioPlayer.* type (a made-up AudioPlayer.Pause) went out in reply to an
    # audio event or a media button as an AudioPlayer directive: Alexa has three, and refuses
    # the reply (System.ExceptionEncountered), the next stream never queued.
    skill = Skill(SKILL_ID)
    enqueue = AudioPlayer.Play(
        URL, "ep-43", play_behavior="ENQUEUE", expected_previous_token="ep-42"
    )
    skill.on("AudioPlayer.PlaybackNearlyFinished")(
        lambda: Response(directives=({"type": "AudioPlayer.Pause"}, enqueue))
    )
    skill.on("PlaybackController.PauseCommandIssued")(
        lambda: Response(directives=({"type": "AudioPlayer.Pause"},))
    )
    with TestClient(skill, raise_handler_errors=False) as client:
        nearly = client.send("AudioPlayer.PlaybackNearlyFinished", token="ep-42")
        paused = client.send("PlaybackController.PauseCommandIssued")
    assert [d["type"] for d in nearly.json["response"]["directives"]] == ["AudioPlayer.Play"]
    assert paused.json["response"] == {}
    for result in (nearly, paused):
        [violation] = result.violations
        assert violation.dropped == ("AudioPlayer.Pause",)
        assert (
            "AudioPlayer.Pause is no AudioPlayer directive, which are AudioPlayer.ClearQueue, "
            "AudioPlayer.Play, AudioPlayer.Stop" in str(violation)
        )


@pytest.mark.parametrize("event", AUDIO_EVENTS)
def test_a_reply_to_an_audio_event_or_a_media_button_drops_dynamic_entities(
    audio_client: Any, event: str
) -> None:
    _Reply.part = Response(
        directives=(Dialog.UpdateDynamicEntities("CLEAR"), AudioPlayer.Stop()),
    )
    result = audio_client.send(event, token="ep-42", offsetInMilliseconds=0)
    kept = [d["type"] for d in result.json["response"].get("directives", [])]
    assert kept == ([] if not KEPT[event] else ["AudioPlayer.Stop"])
    [violation] = result.violations
    assert "Dialog.UpdateDynamicEntities" in violation.dropped

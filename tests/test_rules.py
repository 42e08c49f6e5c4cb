"""Response rules: those checked when a response is built, and those the app applies per request."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
from collections.abc import Callable
from typing import Any, Final, Literal

import pytest

from alexaskill import DialogSlot, Skill, rules
from alexaskill.directives import (
    APL,
    AudioPlayer,
    Dialog,
    VideoApp,
    delegate,
    elicit_slot,
    updated_intent,
)
from alexaskill.exceptions import ConfigurationError, ResponseError, RuleViolation, SlotError
from alexaskill.models import (
    AudioPlayerRequest,
    Device,
    IntentRequest,
    Session,
    SessionEndedRequest,
    decode_envelope,
)
from alexaskill.responses import (
    CanFulfillSlot,
    Response,
    SimpleCard,
    ask,
    can_fulfill,
    empty,
    encode_response,
    speak,
)
from alexaskill.testing import SCREEN, RequestFactory, TestClient, intent_fields

SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
URL = "https://cdn.example.com/podcast/episode-42.mp3"
APOLOGY = "Sorry, something went wrong. Please try again later."
DOCUMENT = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}


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


# --- CanFulfillIntentRequest through the app ------------------------------------------------------


def can_fulfill_request(client: TestClient, intent: str, **slots: Any) -> Any:
    return client.send("CanFulfillIntentRequest", **intent_fields(intent, None, "NONE", slots))


def test_can_fulfill_handler_answers_with_can_fulfill_intent_only() -> None:
    skill = Skill(SKILL_ID)
    cities = {"paris", "london"}

    @skill.can_fulfill("GetWeather")
    def weather(city: str | None = None) -> Response:
        if city is None:
            return can_fulfill("MAYBE")
        known: Literal["YES", "NO"] = "YES" if city.lower() in cities else "NO"
        return can_fulfill(known, {"city": (known, known)})

    with TestClient(skill) as client:
        result = can_fulfill_request(client, "GetWeather", city="Paris")
        assert result.json["response"] == {
            "canFulfillIntent": {
                "canFulfill": "YES",
                "slots": {"city": {"canUnderstand": "YES", "canFulfill": "YES"}},
            }
        }
        assert (
            can_fulfill_request(client, "GetWeather", city="Atlantis").json["response"][
                "canFulfillIntent"
            ]["canFulfill"]
            == "NO"
        )
        assert can_fulfill_request(client, "GetWeather").json["response"] == {
            "canFulfillIntent": {"canFulfill": "MAYBE"}
        }


def test_intent_without_can_fulfill_handler_is_answered_no() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny"))
    with TestClient(skill) as client:
        result = can_fulfill_request(client, "GetWeather", city="Paris")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}


def test_speech_in_reply_to_a_can_fulfill_request_becomes_no(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # (The fallback never answers a probe: tests/test_leaving.py.)
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("Anything", lambda: ask("Sorry, I can't help with that."))
    with TestClient(skill) as client:
        result = can_fulfill_request(client, "Anything")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert "has no canFulfillIntent: answered NO" in caplog.text


def test_failing_can_fulfill_handler_answers_no_not_an_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("GetWeather", lambda: 1 / 0)
    skill.add_can_fulfill_handler("NeedsSlot", lambda city: can_fulfill("YES"))
    with TestClient(skill, raise_handler_errors=False) as client:
        failed = can_fulfill_request(client, "GetWeather")
        missing = can_fulfill_request(client, "NeedsSlot")
    assert failed.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert missing.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert "ZeroDivisionError" in caplog.text


def test_a_required_slot_missing_from_a_can_fulfill_probe_is_no_handler_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Alexa's probes often come without the slot: answered NO with an INFO line, as an
    # IntentRequest's missing slot is asked again. It was logged at ERROR as the handler's
    # failure, and a TestClient (raise_handler_errors on) raised it.
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("NeedsSlot", lambda city: can_fulfill("YES"))
    with caplog.at_level(logging.INFO, logger="alexaskill"), TestClient(skill) as client:
        missing = can_fulfill_request(client, "NeedsSlot")
    assert missing.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert missing.handler_error is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "CanFulfillIntentRequest NeedsSlot -> slot_retry (200)" in caplog.text


def test_a_slot_error_where_alexa_takes_no_speech_is_still_a_handler_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Only a CanFulfillIntentRequest is answered NO quietly: an audio event's handler raising
    # SlotError has a bug, and was hidden (INFO, slot_retry, no error for the test client).
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly_finished() -> Response:
        raise SlotError("episode", "missing")

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        result = client.send(
            "AudioPlayer.PlaybackNearlyFinished", token="t", offsetInMilliseconds=0
        )
    assert isinstance(result.handler_error, SlotError)
    assert "AudioPlayer.PlaybackNearlyFinished -> handler_error (200)" in caplog.text


def test_can_fulfill_intent_answers_only_a_can_fulfill_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: can_fulfill("YES"))
    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("GetWeather").speech == APOLOGY
    assert "canFulfillIntent answers a CanFulfillIntentRequest, not IntentRequest" in caplog.text


def test_can_fulfill_registration() -> None:
    skill = Skill(SKILL_ID)
    skill.can_fulfill("GetWeather")(lambda: can_fulfill("YES"))
    with pytest.raises(ConfigurationError, match="already has a handler"):
        skill.add_can_fulfill_handler("GetWeather", lambda: can_fulfill("NO"))
    with pytest.raises(ConfigurationError, match="needs the intent's name"):
        skill.add_can_fulfill_handler("", lambda: None)


# --- dialog directives through the app ------------------------------------------------------------


def test_delegate_until_completed() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest, city: str | None = None) -> Response:
        if request.dialog_state != "COMPLETED":
            return delegate()
        return speak(f"Off to {city}.")

    with TestClient(skill) as client:
        started = client.intent("PlanTrip", dialog_state="STARTED")
        assert started.directives == [{"type": "Dialog.Delegate"}]
        assert started.speech is None
        assert started.should_end_session is False
        done = client.intent("PlanTrip", dialog_state="COMPLETED", city="Paris")
        assert done.speech == "Off to Paris."


def test_a_launch_request_may_start_a_dialog_only_by_naming_the_intent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("PlanTrip"), speech="Welcome!"))
    with TestClient(skill) as client:
        chained = client.launch()
    assert chained.speech == "Welcome!"
    assert chained.directives[0]["updatedIntent"]["name"] == "PlanTrip"

    bare = Skill(SKILL_ID)
    bare.launch(lambda: delegate())
    with TestClient(bare, raise_handler_errors=False) as client:
        assert client.launch().speech == APOLOGY
    assert "not a LaunchRequest without updatedIntent" in caplog.text


def test_dialog_directives_answer_no_other_request(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.on("Alexa.Presentation.APL.UserEvent")(lambda: elicit_slot("city", "Which city?"))
    with TestClient(
        skill, interfaces=("Alexa.Presentation.APL",), raise_handler_errors=False
    ) as client:
        result = client.send("Alexa.Presentation.APL.UserEvent", arguments=["pick"])
    assert result.speech == APOLOGY
    assert "Dialog.ElicitSlot answers an IntentRequest" in caplog.text


def test_delegate_speaks_only_when_the_intent_changes(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest) -> Response:
        return delegate(updated_intent(request.intent), speech="Let's go on.")

    @skill.intent("AMAZON.YesIntent")
    def yes() -> Response:
        return delegate(updated_intent("PlanTrip"), speech="Let's plan a trip.")

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="STARTED").speech == APOLOGY
        assert "this one continues PlanTrip" in caplog.text
        assert client.intent("AMAZON.YesIntent").speech == "Let's plan a trip."


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
                {"type": "Alexa.Presentation.APL.RenderDocument", "document": DOCUMENT},
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
        "tests.test_rules.test_audio_requests_keep_only_audio_directives.<locals>.nearly "
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


# --- interfaces the device declares ---------------------------------------------------------------


def test_screen_directives_are_dropped_for_devices_without_a_screen(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("ShowMenu")
    def show() -> Response:
        return speak(
            "Here is the menu.",
            directives=[
                APL.RenderDocument(DOCUMENT, token="menu"),
                {"type": "Alexa.Presentation.APL.ExecuteCommands", "token": "menu", "commands": []},
                {"type": "Alexa.Presentation.APLA.RenderDocument", "document": {}},
            ],
        )

    with TestClient(skill, interfaces=("AudioPlayer",)) as client:
        voice_only = client.intent("ShowMenu")
        client.interfaces = ("AudioPlayer", "Alexa.Presentation.APL")
        screen = client.intent("ShowMenu")
    assert voice_only.speech == "Here is the menu."
    assert [d["type"] for d in voice_only.directives] == ["Alexa.Presentation.APLA.RenderDocument"]
    assert "Alexa.Presentation.APL.RenderDocument (needs Alexa.Presentation.APL)" in caplog.text
    assert len(screen.directives) == 3


def test_device_supports_tells_the_handler_what_to_send() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("ShowMenu")
    def show(device: Device) -> Response:
        if device.supports(APL.INTERFACE):
            return speak("Look.", directives=[APL.RenderDocument(DOCUMENT)])
        return speak("Listen.")

    with TestClient(skill, interfaces=()) as client:
        assert client.intent("ShowMenu").speech == "Listen."
        client.interfaces = (APL.INTERFACE,)
        assert client.intent("ShowMenu").speech == "Look."


def test_video_goes_without_should_end_session() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler(
        "PlayVideo",
        lambda: speak("Here it is.", directives=[VideoApp.Launch("https://v.example/a.mp4")]),
    )
    with TestClient(skill, interfaces=("VideoApp",)) as client:
        video = client.intent("PlayVideo")
        client.interfaces = ()
        no_video = client.intent("PlayVideo")
    assert "shouldEndSession" not in video.json["response"]
    assert video.directives[0]["type"] == "VideoApp.Launch"
    assert no_video.directives == []
    assert no_video.should_end_session is True


# --- check_reply on its own -----------------------------------------------------------------------


def test_check_reply_keeps_directives_when_the_device_is_unknown() -> None:
    envelope = RequestFactory().intent("ShowMenu")
    del envelope["context"]
    decoded = decode_envelope(json.dumps(envelope))
    response = speak("Look.", directives=[APL.RenderDocument(DOCUMENT)])
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
        directives=(APL.RenderDocument(DOCUMENT, token="t"),)
    ),
    "Connections.SendRequest": Response(
        directives=({"type": "Connections.SendRequest", "name": "Buy", "payload": {}},)
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
    assert violation.handler == "tests.test_rules._reply"
    assert (violation.request_type, violation.dropped) == (event, (part,))
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert message.startswith(f"tests.test_rules._reply answered {event} with {part}: dropped (")
    assert record.rule_violation is violation  # type: ignore[attr-defined]


def test_every_audio_event_and_part_is_in_the_table() -> None:
    assert set(KEPT) == set(AUDIO_EVENTS)
    for event in AUDIO_EVENTS:
        allowed = rules.audio_directives_allowed(event)
        assert (ALL_AUDIO if allowed is None else set(allowed)) == KEPT[event]


# --- noise Alexa ignores: speech to SessionEndedRequest, sessionAttributes to CanFulfill ----------


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(lambda: ask("Goodbye!", card=SimpleCard("Bye", "See you")), id="ask"),
        pytest.param(
            lambda: speak("Bye", directives=[AudioPlayer.Play(URL, "episode-42")]), id="play"
        ),
        pytest.param(
            lambda: ask("More?", directives=[APL.RenderDocument(DOCUMENT, token="d")]), id="apl"
        ),
        pytest.param(lambda: Response(directives=({"type": "Custom.Thing"},)), id="directive"),
    ],
)
def test_a_reply_to_session_ended_is_empty_and_keeps_no_session(
    reply: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # "Your service cannot send back a response to a SessionEndedRequest" (Request Types
    # Reference): the session is over, so neither the reply nor sessionAttributes go out. A
    # goodbye from a handler shared with other requests is no mistake: a DEBUG line.
    skill = Skill(SKILL_ID)

    @skill.session_ended
    def goodbye(session: Session) -> Response:
        session.attributes["ended"] = True
        made: Response = reply()
        return made

    interfaces = ("AudioPlayer", "Alexa.Presentation.APL")
    factory = RequestFactory(skill_id=SKILL_ID, interfaces=interfaces)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"), TestClient(skill) as client:
        client.factory = factory
        session = factory.session(attributes={"lastCity": "Paris"})
        result = client.send("SessionEndedRequest", session=session, reason="USER_INITIATED")
    assert result.status_code == 200
    assert result.json == {"version": "1.0", "response": {}}
    assert result.violations == ()
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith("reply to SessionEndedRequest: dropped ")
    assert record.getMessage().endswith(" (Alexa takes no response to it)")


def test_the_dropped_parts_of_a_reply_to_session_ended_are_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.session_ended(lambda: ask("Goodbye!", card=SimpleCard("Bye", "See you")))
    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill) as client:
        client.launch()  # (Alexa ends an open session only)
        with caplog.at_level(logging.DEBUG, logger="alexaskill"):
            result = client.session_ended("USER_INITIATED")
    assert result.json == {"version": "1.0", "response": {}}
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.getMessage() == (
        "reply to SessionEndedRequest: dropped outputSpeech, card, reprompt, shouldEndSession "
        "(Alexa takes no response to it)"
    )


def test_a_failed_or_late_session_ended_handler_gets_the_empty_reply() -> None:
    skill = Skill(SKILL_ID, deadline=0.2)

    @skill.session_ended
    async def goodbye(session: Session, request: SessionEndedRequest) -> None:
        session.attributes["ended"] = True
        if request.reason == "ERROR":
            raise RuntimeError("the goodbye failed")
        await asyncio.sleep(5)

    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()  # (Alexa ends an open session only)
        failed = client.session_ended("ERROR")
        client.launch()
        late = client.session_ended("USER_INITIATED")
    assert failed.json == {"version": "1.0", "response": {}}
    assert late.json == {"version": "1.0", "response": {}}


@pytest.mark.parametrize("request_type", ["Messaging.MessageReceived", "Vendor.NewEvent"])
def test_a_request_outside_a_session_gets_no_apology(
    request_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A skill event or a message sent to the skill has no session and no one listening: Alexa
    # wants an empty acknowledgement ("Send a Message Request to a Skill"), not the apology, nor
    # the deadline's question with the microphone open.
    skill = Skill(SKILL_ID, deadline=None)  # the failure is no race with the deadline

    calls = []

    @skill.on(request_type)
    async def handle() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the handler failed")
        await asyncio.sleep(5)

    with TestClient(skill, raise_handler_errors=False) as client:
        failed = client.send(request_type)
        skill.deadline = 0.2
        late = client.send(request_type)
    assert isinstance(failed.handler_error, RuntimeError)
    assert failed.json == {"version": "1.0", "response": {}}
    assert late.json == {"version": "1.0", "response": {}}
    assert "did not answer within 0.2 s" in caplog.text


def test_can_fulfill_reply_carries_no_session_attributes() -> None:
    skill = Skill(SKILL_ID)

    @skill.can_fulfill("GetWeather")
    def weather(session: Session) -> Response:
        session.attributes["probed"] = True  # written, but not sent back
        return can_fulfill("YES")

    with TestClient(skill) as client:
        session = client.factory.session(attributes={"lastCity": "Paris"})
        fields = intent_fields("GetWeather", None, "NONE", {})
        result = client.send("CanFulfillIntentRequest", session=session, **fields)
        launched = client.send("LaunchRequest", session=session)
    assert result.json == {
        "version": "1.0",
        "response": {"canFulfillIntent": {"canFulfill": "YES"}},
    }
    # Any other request in a session still gets its attributes back.
    assert launched.json["sessionAttributes"] == {"lastCity": "Paris"}


# --- dialog directives name slots of their intent; a refused reply names its handler -------------


def _trip_skill(reply: Callable[[IntentRequest], Response]) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city}"],
        slots={"city": DialogSlot("AMAZON.City", elicit="Where to?")},
        auto_delegate=False,
    )
    def plan(request: IntentRequest) -> Response:
        return reply(request)

    @skill.intent("Undescribed")  # no utterances, no slots: its model is not known here
    def undescribed(request: IntentRequest) -> Response:
        return reply(request)

    return skill


@pytest.mark.parametrize(
    ("reply", "refusal"),
    [
        (
            lambda request: elicit_slot("town", "Which town?"),
            "Dialog.ElicitSlot slotToElicit 'town' is no slot of intent PlanTrip (its slots: city)",
        ),
        (
            lambda request: Response(
                output_speech=speak("Paris?").output_speech,
                directives=({"type": "Dialog.ConfirmSlot", "slotToConfirm": "town"},),
                should_end_session=False,
            ),
            "Dialog.ConfirmSlot slotToConfirm 'town' is no slot of intent PlanTrip",
        ),
        (
            lambda request: delegate(updated_intent(request.intent, town="Paris")),
            "Dialog.Delegate updatedIntent sets town: no slot of intent PlanTrip",
        ),
        (
            lambda request: elicit_slot(
                "city", "Where?", updated_intent=updated_intent("PlanTrip", when="now")
            ),
            "Dialog.ElicitSlot updatedIntent sets when: no slot of intent PlanTrip",
        ),
    ],
)
def test_dialog_directives_name_slots_the_declared_intent_has(
    reply: Callable[[IntentRequest], Response], refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Alexa refuses a dialog directive naming a slot its intent lacks: the handler's bug is
    # logged where its name is known, and the user hears the apology, not Alexa's error.
    with TestClient(_trip_skill(reply), raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="STARTED").speech == APOLOGY
    assert refusal in caplog.text
    assert f"(the reply of {__name__}._trip_skill.<locals>.plan)" in caplog.text


def test_dialog_directive_slots_pass_where_the_model_is_not_known_or_alexa_sent_them() -> None:
    asked = _trip_skill(lambda request: elicit_slot("town", "Which town?"))
    with TestClient(asked) as client:
        # an intent the skill does not describe, a slot the request carries
        assert client.intent("Undescribed").directives[0]["slotToElicit"] == "town"
        assert client.intent("PlanTrip", town="Lyon").directives[0]["slotToElicit"] == "town"
    kept = _trip_skill(lambda request: delegate(updated_intent(request.intent, city="Paris")))
    with TestClient(kept) as client:
        sent = client.intent("PlanTrip", dialog_state="STARTED").directives[0]
    assert sent["updatedIntent"]["slots"]["city"]["value"] == "Paris"


def test_a_reply_alexa_would_refuse_names_its_handler(caplog: pytest.LogCaptureFixture) -> None:
    # "handler failed for LaunchRequest" said which rule, never whose reply broke it.
    skill = Skill(SKILL_ID)

    @skill.launch
    def welcome() -> Response:
        return delegate()

    @skill.on("Alexa.Presentation.APL.UserEvent")
    def pressed() -> Response:
        return can_fulfill("YES")

    with TestClient(
        skill, interfaces=("Alexa.Presentation.APL",), raise_handler_errors=False
    ) as client:
        assert client.launch().speech == APOLOGY
        assert client.send("Alexa.Presentation.APL.UserEvent", arguments=[]).speech == APOLOGY
    assert (
        "not a LaunchRequest without updatedIntent (the reply of "
        f"{__name__}.test_a_reply_alexa_would_refuse_names_its_handler.<locals>.welcome)"
    ) in caplog.text
    assert "not Alexa.Presentation.APL.UserEvent (the reply of " in caplog.text
    assert ".<locals>.pressed)" in caplog.text


def test_delegate_never_continues_a_completed_dialog(caplog: pytest.LogCaptureFixture) -> None:
    # The delegating handler that forgets to check dialogState: the reply went out, and Alexa
    # refuses a Delegate with no step left (the emulation refused it; the app did not).
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest) -> Response:
        return delegate()

    @skill.intent("AMAZON.YesIntent")
    def yes(request: IntentRequest) -> Response:
        return delegate(updated_intent("PlanTrip"))  # chaining: another intent, allowed

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="IN_PROGRESS").directives
        assert client.intent("PlanTrip", dialog_state="COMPLETED").speech == APOLOGY
        assert client.intent("AMAZON.YesIntent", dialog_state="COMPLETED").directives
    assert "Dialog.Delegate answers PlanTrip with dialogState COMPLETED" in caplog.text


def test_a_dialog_directive_answering_a_can_fulfill_probe_names_its_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Answered NO (Alexa takes only canFulfillIntent here), with a warning that named no handler.
    skill = Skill(SKILL_ID)

    @skill.can_fulfill("PlanTrip")
    def probe() -> Response:
        return delegate()

    with TestClient(skill) as client:
        result = can_fulfill_request(client, "PlanTrip")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert (
        "has no canFulfillIntent: answered NO (Alexa takes only can_fulfill(...) here) (the reply "
        f"of {__name__}.test_a_dialog_directive_answering_a_can_fulfill_probe_names_its_handler"
        ".<locals>.probe)"
    ) in caplog.text


def test_intent_chaining_never_starts_a_built_in_intent(caplog: pytest.LogCaptureFixture) -> None:
    # Alexa refuses a chain into AMAZON.HelpIntent (the emulation refused it; the app sent it).
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("AMAZON.HelpIntent"), speech="Hi."))

    @skill.intent("AMAZON.YesIntent")
    def yes(request: IntentRequest) -> Response:
        return elicit_slot("x", "Which?", updated_intent=updated_intent("AMAZON.StopIntent"))

    @skill.intent("AMAZON.NoIntent")
    def no(request: IntentRequest) -> Response:
        return delegate(updated_intent(request.intent))  # its own intent: no chaining

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.launch().speech == APOLOGY
        assert client.intent("AMAZON.YesIntent").speech == APOLOGY
        assert client.intent("AMAZON.NoIntent").directives[0]["type"] == "Dialog.Delegate"
    for target in ("AMAZON.HelpIntent", "AMAZON.StopIntent"):
        assert f"updatedIntent {target}: intent chaining starts one of the skill's own" in (
            caplog.text
        )


def test_chaining_sets_a_slot_the_model_takes_from_a_handler_parameter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `alexaskill model` gives an intent the slots of its handlers' parameters ("day", typed
    # AMAZON.DATE by its annotation) besides those declared in slots=: Alexa takes a chain setting
    # one. Only the declared slots were known, and the reply was refused as naming no slot.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("PlanTrip", day="2026-12-05"), speech="Hi."))

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city} {day}"],
        slots={"city": DialogSlot("AMAZON.City", elicit="Where to?")},
        auto_delegate=False,
    )
    def plan(city: str | None = None, day: datetime.date | None = None) -> Response:
        return speak("Booked.")

    @skill.can_fulfill("PlanTrip")
    def probe(city: str | None = None, people: int | None = None) -> Response:
        return can_fulfill("MAYBE")

    @skill.intent("AMAZON.YesIntent")
    def yes() -> Response:
        return delegate(updated_intent("PlanTrip", people=2))  # a slot of the probe's

    with TestClient(skill, raise_handler_errors=False) as client:
        chained = client.launch().directives[0]["updatedIntent"]
        assert chained["slots"]["day"]["value"] == "2026-12-05"
        assert client.intent("AMAZON.YesIntent").directives[0]["type"] == "Dialog.Delegate"
    assert "no slot of intent" not in caplog.text


def test_a_built_in_intent_declared_with_utterances_may_name_amazons_slots() -> None:
    # AMAZON.SelectIntent has slots of Amazon's (ListPosition) that an extending declaration
    # leaves out: a directive naming one is not checked against the declaration.
    skill = Skill(SKILL_ID)

    @skill.intent("AMAZON.SelectIntent", utterances=["the {side} one"], slots={"side": "Side"})
    def select(side: str | None = None) -> Response:
        return elicit_slot("ListPosition", "Which one?")

    skill.add_slot_type("Side", ["left", "right"])
    fields = intent_fields("AMAZON.SelectIntent", None, "NONE", {})
    with TestClient(skill) as client:
        sent = client.send("IntentRequest", **fields).directives[0]
    assert sent["slotToElicit"] == "ListPosition"


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


@pytest.mark.parametrize("request_type", ["LaunchRequest", "Display.ElementSelected"])
def test_dynamic_entities_answer_only_an_intent_request(
    request_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Dropped rather than refused: the greeting is still worth hearing; the violation is logged
    # at ERROR and fails the handler's test.
    skill = Skill(SKILL_ID)
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    skill.on(request_type)(lambda: ask("Which fruit?", directives=[entities]))
    skill.intent("PickFruit")(lambda: ask("Which fruit?", directives=[entities]))
    # (an ElementSelected comes from a device with a screen: Display)
    with TestClient(skill, interfaces=SCREEN, raise_handler_errors=False) as client:
        other = client.send(request_type)
        intent = client.intent("PickFruit")
    assert [d["type"] for d in intent.json["response"]["directives"]] == [
        "Dialog.UpdateDynamicEntities"
    ]
    assert intent.violations == ()
    response = other.json["response"]
    assert "directives" not in response
    assert response["outputSpeech"]["text"] == "Which fruit?"
    assert response["shouldEndSession"] is False
    [violation] = other.violations
    assert (violation.request_type, violation.dropped) == (
        request_type,
        ("Dialog.UpdateDynamicEntities",),
    )
    assert "answers an IntentRequest" in violation.rule
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR


def test_a_reply_to_session_ended_drops_dynamic_entities_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    clear = Dialog.UpdateDynamicEntities("CLEAR")
    skill.session_ended(lambda: Response(directives=[clear]))
    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill) as client:
        client.launch()  # (Alexa ends an open session only)
        with caplog.at_level(logging.DEBUG, logger="alexaskill"):
            result = client.session_ended("USER_INITIATED")
    assert result.json == {"version": "1.0", "response": {}}
    assert result.violations == ()
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.getMessage() == (
        "reply to SessionEndedRequest: dropped Dialog.UpdateDynamicEntities "
        "(Alexa takes no response to it)"
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

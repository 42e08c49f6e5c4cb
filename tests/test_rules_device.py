"""What the app does with directives the device cannot take, and what a test sees of it."""

from __future__ import annotations

import json
import logging

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import APL, AudioPlayer, Dialog, VideoApp
from alexaskill.exceptions import RuleViolation
from alexaskill.models import Device, decode_envelope
from alexaskill.responses import PlainTextSpeech, Reprompt, Response, SimpleCard, ask, speak
from alexaskill.testing import SCREEN, RequestFactory, TestClient

from .conftest import SKILL_ID
from .responses_shared import APL_DOCUMENT, APLA

URL = "https://cdn.example.com/podcast/episode-42.mp3"
URL_VIDEO = "https://cdn.example.com/video/episode-42.mp4"
RENDER = "Alexa.Presentation.APL.RenderDocument"


def _apl_only_launch() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return Response(directives=(APL.RenderDocument(APL_DOCUMENT, token="home"),))

    return skill


def test_a_reply_left_silent_on_the_device_fails_the_test() -> None:
    with (
        TestClient(_apl_only_launch(), interfaces=("AudioPlayer",)) as client,
        pytest.raises(RuleViolation) as raised,
    ):
        client.launch()
    message = str(raised.value)
    assert RENDER in message
    assert "nothing is left for the user to hear" in message
    assert "Alexa.Presentation.APL" in raised.value.rule


def test_a_reply_left_silent_is_still_a_valid_answer() -> None:
    with TestClient(
        _apl_only_launch(), interfaces=("AudioPlayer",), raise_handler_errors=False
    ) as client:
        result = client.launch()
    assert result.status_code == 200
    assert result.json["version"] == "1.0"
    assert result.directives == []
    assert result.unsupported == (RENDER,)
    [violation] = result.violations
    assert violation.dropped == (RENDER,)
    assert violation.request_type == "LaunchRequest"
    assert violation.handler.endswith("launch")


def test_the_same_reply_on_a_screen_is_no_violation() -> None:
    with TestClient(_apl_only_launch(), interfaces=("Alexa.Presentation.APL",)) as client:
        result = client.launch()
    assert [d["type"] for d in result.directives] == [RENDER]
    assert result.unsupported == ()
    assert result.violations == ()


def test_a_drop_that_leaves_speech_is_shown_but_does_not_fail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("ShowMenu")
    def show() -> Response:
        return speak("Here is the menu.", directives=[APL.RenderDocument(APL_DOCUMENT)])

    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(skill, interfaces=("AudioPlayer",)) as client,
    ):
        result = client.intent("ShowMenu")
    assert result.speech == "Here is the menu."
    assert result.unsupported == (RENDER,)
    assert result.violations == ()
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.WARNING
    assert f"{RENDER} (needs Alexa.Presentation.APL)" in record.getMessage()


def test_audio_to_a_device_without_an_audio_player_is_silent_too() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("PlayPodcast")
    def play() -> Response:
        return Response(directives=(AudioPlayer.Play(URL, "episode-42"),), should_end_session=True)

    with TestClient(skill, interfaces=(), raise_handler_errors=False) as client:
        result = client.intent("PlayPodcast")
    assert result.unsupported == ("AudioPlayer.Play",)
    [violation] = result.violations
    assert "AudioPlayer" in violation.rule
    assert result.should_end_session is True  # the rest of the reply goes out as it was


def test_check_reply_logs_the_silent_drop_at_error(caplog: pytest.LogCaptureFixture) -> None:
    factory = RequestFactory(interfaces=())
    envelope = decode_envelope(json.dumps(factory.envelope("LaunchRequest")))
    found: list[RuleViolation] = []
    reply = Response(directives=(APL.RenderDocument(APL_DOCUMENT),))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        checked = rules.check_reply(reply, envelope, handler="app.launch", violations=found)
    assert checked is not None
    assert checked.directives == ()
    [violation] = found
    assert violation.handler == "app.launch"
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.rule_violation is violation  # type: ignore[attr-defined]


def _apl_launch_with_a_card() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        card = SimpleCard("Menu", "Soup, salad, pie")
        return Response(card=card, directives=(APL.RenderDocument(APL_DOCUMENT, token="menu"),))

    return skill


def test_a_card_left_alone_on_a_speaker_is_still_silent() -> None:
    # The card goes to the Alexa app's activity page: on a speaker the user hears nothing.
    with (
        TestClient(_apl_launch_with_a_card(), interfaces=("AudioPlayer",)) as client,
        pytest.raises(RuleViolation) as raised,
    ):
        client.launch()
    assert "the card shows only in the Alexa app" in str(raised.value)


@pytest.mark.parametrize(
    ("interfaces", "dropped"),
    [
        (("Display",), RENDER),  # a screen without APL
        (("Alexa.Presentation.APL",), "VideoApp.Launch"),  # a screen without VideoApp
    ],
)
def test_a_card_left_on_a_screen_is_seen(interfaces: tuple[str, ...], dropped: str) -> None:
    # Amazon ("Include a Card in Your Skill's Response"): a device with a screen shows the card
    # when the reply has no content meant for the screen, which the drop leaves it without.
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        screen = (
            APL.RenderDocument(APL_DOCUMENT) if dropped == RENDER else VideoApp.Launch(URL_VIDEO)
        )
        return Response(card=SimpleCard("Menu", "Soup, salad, pie"), directives=(screen,))

    with TestClient(skill, interfaces=interfaces) as client:
        result = client.launch()
    assert result.unsupported == (dropped,)
    assert result.violations == ()
    assert result.card == {"type": "Simple", "title": "Menu", "content": "Soup, salad, pie"}


@pytest.mark.parametrize(
    ("interfaces", "viewport", "silent"),
    [
        ((), True, False),  # a viewport alone says there is a screen
        (("Display",), False, False),  # so does a screen's interface alone
        (("Alexa.Presentation.APL",), False, False),
        (("AudioPlayer",), False, True),  # neither: a speaker
    ],
)
def test_a_screen_is_known_by_its_viewport_or_by_its_interface(
    interfaces: tuple[str, ...], viewport: bool, silent: bool
) -> None:
    # The test client sends a Viewport with every screen interface; Alexa's requests may carry
    # either alone, and each must count.
    raw = RequestFactory(interfaces=interfaces).envelope("LaunchRequest")
    raw["context"].pop("Viewport", None)
    if viewport:
        raw["context"]["Viewport"] = {"shape": "ROUND", "pixelWidth": 480, "pixelHeight": 480}
    envelope = decode_envelope(json.dumps(raw))
    found: list[RuleViolation] = []
    reply = Response(card=SimpleCard("Menu", "Soup"), directives=(VideoApp.Launch(URL_VIDEO),))
    checked = rules.check_reply(reply, envelope, handler="app.launch", violations=found)
    assert checked is not None
    assert checked.directives == ()
    assert checked.card == SimpleCard("Menu", "Soup")
    assert [v.dropped for v in found] == ([("VideoApp.Launch",)] if silent else [])


def _reprompt_left_open() -> Skill:
    skill = Skill(SKILL_ID)
    skill.intent("Quiz")(lambda: speak("Ready?", reprompt="Are you ready?", end_session=None))
    return skill


@pytest.mark.parametrize("interfaces", [None, SCREEN])
def test_a_reprompt_with_should_end_session_left_out_is_said_never_spoken(
    interfaces: tuple[str, ...] | None,
) -> None:
    # Left out, a speaker ends the session and a screen keeps it open without listening: the
    # reprompt went out, never spoken, and nothing said so in process (chat --url did).
    options = {} if interfaces is None else {"interfaces": interfaces}
    with (
        TestClient(_reprompt_left_open(), **options) as client,  # type: ignore[arg-type]
        pytest.raises(RuleViolation) as raised,
    ):
        client.intent("Quiz")
    violation = raised.value
    assert violation.kept
    assert violation.dropped == ("reprompt", "shouldEndSession left out")
    assert "never spoken" in str(violation) and "ask()" in violation.rule
    with TestClient(_reprompt_left_open(), raise_handler_errors=False) as client:
        result = client.intent("Quiz")
    assert "shouldEndSession" not in result.json["response"]  # sent as it is
    assert result.json["response"]["reprompt"]["outputSpeech"]["text"] == "Are you ready?"
    assert [v.dropped for v in result.violations] == [("reprompt", "shouldEndSession left out")]


def test_a_reprompt_beside_a_dialog_directive_or_in_an_open_session_is_no_violation() -> None:
    # A dialog directive keeps the session open and listening, as shouldEndSession false does.
    envelope = decode_envelope(
        json.dumps(RequestFactory().envelope("IntentRequest", intent={"name": "Quiz"}))
    )
    elicit = Response(
        output_speech=PlainTextSpeech("Which answer?"),
        reprompt=Reprompt(output_speech=PlainTextSpeech("Which one?")),
        directives=(Dialog.ElicitSlot("answer"),),
    )
    found: list[RuleViolation] = []
    assert rules.check_reply(elicit, envelope, violations=found) is elicit
    asked = ask("Ready?", reprompt="Are you ready?")
    assert rules.check_reply(asked, envelope, violations=found) is asked
    # (A kept violation leaves the reply as it is: only ``found`` tells it apart.)
    assert found == []


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
                APL.RenderDocument(APL_DOCUMENT, token="menu"),
                {
                    "type": "Alexa.Presentation.APL.ExecuteCommands",
                    "token": "menu",
                    "commands": [{"type": "Idle"}],
                },
                {"type": "Alexa.Presentation.APLA.RenderDocument", "document": APLA},
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
            return speak("Look.", directives=[APL.RenderDocument(APL_DOCUMENT)])
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

"""The typo guesses ("did you mean …?"): one comparison (`alexaskill.typos`), and per place a
table of real typos, which are guessed, and other names, which are not. Two intents a skill
handles are never taken for each other's typo."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from alexaskill import ConfigurationError, Skill, can_fulfill, speak
from alexaskill.interaction import model_warnings
from alexaskill.testing import TestClient
from alexaskill.typos import close_matches, did_you_mean

from .cli_run import run
from .conftest import SKILL_ID
from .interaction_shared import problems


def test_close_matches_ignore_case_and_the_name_itself() -> None:
    assert close_matches("getweather", ["GetWeather", "GetTime"]) == ["GetWeather"]
    assert close_matches("GetWeather", ["GetWeather"]) == []
    assert close_matches("Order", ["GetWeather"]) == []
    assert did_you_mean("PORT", ["port", "host"]) == "; did you mean port?"


# --- request types a handler is registered under ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("AudioPlayer.PlaybackStartd", "AudioPlayer.PlaybackStarted"),
        # Compared as written: another case was no typo, and the handler was taken.
        ("AudioPlayer.PLAYBACKSTARTD", "AudioPlayer.PlaybackStarted"),
        # The namespace too: its case aside, the handler was taken and never called.
        ("AUDIOPLAYER.PLAYBACKSTARTD", "AudioPlayer.PlaybackStarted"),
        ("audioplayer.PlaybackStartd", "AudioPlayer.PlaybackStarted"),
    ],
)
def test_a_request_type_a_letter_off_is_refused_with_the_one_meant(name: str, meant: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=f"did you mean {meant}\\?"):
        skill.add_handler(name, lambda: None)


# --- the `alexaskill` command ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["serve", "x:skill", "--prot", "8000"], "(did you mean --port?)"),
        # Compared as written: another case was no typo.
        (["serve", "x:skill", "--PORT", "8000"], "(did you mean --port?)"),
        (["sevre", "x"], "(did you mean serve?"),
        (["SERVE", "x"], "(did you mean serve?"),
    ],
)
def test_a_mistyped_command_or_option_is_guessed(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert said in capsys.readouterr().err + err


@pytest.mark.parametrize(
    ("request_type", "meant"),
    [
        ("AudioPlayer.PlaybackStartd", "AudioPlayer.PlaybackStarted"),
        ("AUDIOPLAYER.PLAYBACKSTARTD", "AudioPlayer.PlaybackStarted"),
        ("CanFulfillRequest", "CanFulfillIntentRequest"),
        # A word apart (0.8) is another request, not a typo.
        ("SessionStartedRequest", None),
    ],
)
def test_the_request_type_of_request_is_guessed_only_for_a_typo(
    request_type: str, meant: str | None
) -> None:
    code, _, err = run("request", request_type)
    assert code == 2, err
    assert (f"(did you mean {meant}?)" in err) if meant else ("did you mean" not in err), err


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("given_nam", "given_name"),
        ("GIVEN_NAME", "given_name"),
        ("timeout", None),  # (time_zone, 0.63)
        ("name", None),  # (full_name, 0.62)
    ],
)
def test_a_field_of_the_alexa_api_data_is_guessed_only_for_a_typo(
    key: str, meant: str | None
) -> None:
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import _check_fields
    from alexaskill.testing import FakeAlexaApi

    with pytest.raises(UsageError) as raised:
        _check_fields("api.json", {key: "x"}, FakeAlexaApi)
    said = str(raised.value)
    assert (f"did you mean {meant}?" in said) if meant else ("its fields: " in said), said


# --- the test client ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "meant"),
    [("given_nam", "given_name"), ("LOCALE", "locale"), ("timeout", None), ("name", None)],
)
def test_a_test_client_option_is_guessed_only_for_a_typo(option: str, meant: str | None) -> None:
    with pytest.raises(TypeError) as raised:
        options: dict[str, Any] = {option: "x"}
        TestClient(Skill(SKILL_ID), **options)
    said = str(raised.value)
    assert said.startswith(f"TestClient(): no option {option!r}")
    assert (f"; did you mean {meant}?" in said) if meant else ("did you mean" not in said)


def _ordering_skill() -> Skill:
    skill = Skill(SKILL_ID)
    skill.intent(
        "BookTrip",
        utterances=["book a trip to {destination}"],
        slots={"destination": "AMAZON.City"},
    )(lambda destination: speak("Booked."))
    return skill


def test_a_slot_the_model_lacks_is_refused_only_for_a_typo() -> None:
    with TestClient(_ordering_skill()) as client:
        with pytest.raises(ValueError, match="did you mean destination"):
            client.intent("BookTrip", destinaton="Paris")
        # Another slot (0.63): sent as given, a test of what the skill does with it.
        client.intent("BookTrip", duration="PT2H")


# --- intents: a skill's own, and those it is sent ----------------------------------------------


def test_a_handled_intent_without_samples_is_no_typo_of_another_handled_one() -> None:
    # TurnOnIntent and TurnOffIntent (0.88) are two intents: "did you mean TurnOnIntent?" told
    # to rename the one into the other, which has a handler already.
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("TurnOnIntent", lambda: None, utterances=["turn it on"])
    skill.add_intent_handler("TurnOffIntent", lambda: None)
    skill.add_intent_handler("YesIntent", lambda: None)
    assert problems(skill) == (
        "intent TurnOffIntent: no sample utterances; add some with "
        "@skill.intent('TurnOffIntent', utterances=[...])",
        "intent YesIntent: no sample utterances; did you mean the built-in AMAZON.YesIntent, "
        "which needs none? Else add some with @skill.intent('YesIntent', utterances=[...])",
    )


@pytest.mark.parametrize(
    ("sampled", "unsampled"), [("GetScore", "SetScore"), ("ScoreIntent", "StoreIntent")]
)
def test_a_handled_intent_missing_from_the_model_is_no_typo_of_another_handled_one(
    sampled: str, unsampled: str
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler(sampled, lambda: speak("Hi."), utterances=["hello"])
    skill.add_intent_handler(unsampled, lambda: speak("Hi."))
    [warning] = model_warnings(skill)
    assert warning.endswith("so it is not in the interaction model and Alexa never sends it"), (
        warning
    )


@pytest.mark.parametrize(("queried", "meant"), [("GetWeathr", "GetWeather"), ("OrderPasta", None)])
def test_an_intent_only_queried_is_guessed_a_typo_of_a_handled_one_only_when_it_is_one(
    queried: str, meant: str | None
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny."), utterances=["weather"])
    skill.add_intent_handler("OrderPizza", lambda: speak("Pizza."), utterances=["pizza"])
    skill.can_fulfill(queried)(lambda: can_fulfill("YES"))
    [warning] = model_warnings(skill)
    assert "no intent handler answers it" in warning
    assert warning.endswith(f"; did you mean {meant}?") if meant else warning.endswith("it")


@pytest.mark.parametrize(("scoped", "typo"), [("GetWether", True), ("OrderPasta", False)])
def test_a_hook_scoped_to_an_intent_of_the_model_elsewhere_is_warned_of_only_for_a_typo(
    caplog: pytest.LogCaptureFixture, scoped: str, typo: bool
) -> None:
    # OrderPasta (0.7 to OrderPizza) may well be an intent of the model the fallback answers.
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny."))
    skill.add_intent_handler("OrderPizza", lambda: speak("Pizza."))
    skill.add_fallback_handler(lambda: speak("Hm?"))

    def note() -> None: ...

    skill.add_before_request(note, intents=[scoped])
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        skill.start()
    said: list[Any] = [r.getMessage() for r in caplog.records if "scoped to" in r.getMessage()]
    assert len(said) == typo, said

"""The typo guesses ("did you mean …?"): one comparison (`alexaskill.typos`), and per place a
table of real typos, which are guessed, and other names, which are not. Two intents a skill
handles are never taken for each other's typo."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from alexaskill import ConfigurationError, Skill, can_fulfill, speak
from alexaskill.builtin_intents import check_builtin_intent
from alexaskill.builtin_slot_types import meant_slot_type
from alexaskill.cli.request_names import meant_type
from alexaskill.interaction import model_warnings
from alexaskill.testing import TestClient
from alexaskill.typos import NAME_OF_WORDS, close_matches, did_you_mean, edits, meant

from .cli_run import run
from .conftest import SKILL_ID
from .interaction_shared import problems


def test_close_matches_ignore_case_and_the_name_itself() -> None:
    assert close_matches("getweather", ["GetWeather", "GetTime"]) == ["GetWeather"]
    assert close_matches("GetWeather", ["GetWeather"]) == []
    assert close_matches("Order", ["GetWeather"]) == []
    assert did_you_mean("PORT", ["port", "host"]) == "; did you mean port?"


@pytest.mark.parametrize(
    ("name", "other", "count"),
    [
        ("GetWeathr", "GetWeather", 1),
        ("Unlcok", "unlock", 1),  # (two swapped; case aside)
        ("AMAZON.HlepIntnt", "AMAZON.HelpIntent", 2),
        ("kitten", "sitting", 3),
        ("ca", "abc", 3),  # (no letter swapped twice: an optimal string alignment)
        ("", "abc", 3),
        ("OrderPizza", "AddToCart", 9),
    ],
)
def test_edits_are_counted_alike_within_a_limit(name: str, other: str, count: int) -> None:
    # Past the limit the count stops (a band of the table): it says limit + 1, no more.
    assert edits(name, other) == edits(other, name) == count
    for limit in range(4):
        assert edits(name, other, limit) == min(count, limit + 1), limit


@pytest.mark.parametrize(
    ("name", "known", "guessed"),
    [
        ("GetWeathr", "GetWeather", True),
        ("GteWeather", "GetWeather", True),  # (two letters swapped)
        ("Unlcok", "Unlock", True),  # (in a short name: 0.83 alike, a slip by the count)
        ("Grnat", "Grant", True),  # (0.8)
        ("ConnectionsResponse", "Connections.Response", True),  # (the same words)
        ("CanFulfillRequest", "CanFulfillIntentRequest", True),  # (a word left out)
        ("AMAZON.Fallback", "AMAZON.FallbackIntent", True),  # (the word of its kind left off)
        # A short word changed: difflib's 0.88 of the whole names hid it.
        ("TurnOffIntent", "TurnOnIntent", False),
        ("AMAZON.UK_CITY", "AMAZON.US_CITY", False),
        ("AMAZON.UK_CITY", "AMAZON.City", False),  # (a word added: a more particular name)
        # An acronym in capitals for another: Amazon's interfaces (APL, APLA, APLT).
        ("Alexa.Presentation.APLA.RuntimeError", "Alexa.Presentation.APL.RuntimeError", False),
    ],
)
def test_a_slip_is_within_a_word(name: str, known: str, guessed: bool) -> None:
    assert (meant(name, [known], cutoff=NAME_OF_WORDS) == known) is guessed


def test_a_word_turned_into_another_of_the_names_known_is_no_slip() -> None:
    # Pause is two letters from Page (0.67): a slip, unless both are words of names known real.
    assert meant("PauseMusicIntent", ["PageMusicIntent"], cutoff=NAME_OF_WORDS) == "PageMusicIntent"
    real = ["AMAZON.PageUpIntent", "AMAZON.PauseIntent"]
    assert meant("PauseMusicIntent", ["PageMusicIntent"], cutoff=NAME_OF_WORDS, real=real) is None


@pytest.mark.parametrize(
    ("name", "known"),
    [
        # A short word's first letter replaced: a slip seldom hits it, and it makes another
        # word more often than not (Get, Set; Buy, Guy). Was a slip (0.67 alike).
        ("SetScore", "GetScore"),
        ("SetTimer", "GetTimer"),
        # A prefix added, left out or replaced: the word's opposite, or it again (Unlock,
        # Lock 0.8; Increase, Decrease; Replay, Play).
        ("UnlockDoor", "LockDoor"),
        ("DecreaseVolume", "IncreaseVolume"),
        ("ReplaySong", "PlaySong"),
        ("DeactivateMode", "ActivateMode"),
        # The same after another word: the difference spans both (DoorUnlock, DoorLock), yet
        # the prefix is the second's. Was a slip one way (0.89 alike).
        ("DoorUnlockIntent", "DoorLockIntent"),
        ("DeviceDisconnect", "DeviceConnect"),
        ("SongReplay", "SongPlay"),
    ],
)
def test_a_word_swapped_for_another_by_its_first_letters_is_no_slip(name: str, known: str) -> None:
    assert meant(name, [known], cutoff=NAME_OF_WORDS) is None
    assert meant(known, [name], cutoff=NAME_OF_WORDS) is None


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
        # The namespace mistyped too: the handler was taken and never called.
        ("AudioPlayr.PlaybackStarted", "AudioPlayer.PlaybackStarted"),
        ("RemindersReminderUpdated", "Reminders.ReminderUpdated"),
        # A letter added to or left out of a word of Amazon's, into another of theirs (Events
        # of EventsReceived, Reminders): a slip still, not SkillDisabled or ReminderStarted.
        ("AlexaSkillEvents.SkillEnabled", "AlexaSkillEvent.SkillEnabled"),
        ("AlexaHouseholdListEvents.ItemsCreated", "AlexaHouseholdListEvent.ItemsCreated"),
        ("Reminders.RemindersCreated", "Reminders.ReminderCreated"),
        ("CustomInterfaceController.EventReceived", "CustomInterfaceController.EventsReceived"),
        ("Alexa.Presentation.APL.UserEvents", "Alexa.Presentation.APL.UserEvent"),
    ],
)
def test_a_request_type_a_letter_off_is_refused_with_the_one_meant(name: str, meant: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=f"did you mean {meant}\\?"):
        skill.add_handler(name, lambda: None)
    assert meant_type(name) == meant  # (`alexaskill request` names the same)


@pytest.mark.parametrize(
    "name",
    [
        # Types Amazon sends that alexaskill does not model: an acronym apart from APL's.
        "Alexa.Presentation.APLA.RuntimeError",
        "Alexa.Presentation.HTML.Message",
        # Another word (Paused of PlaybackController.PauseCommandIssued): a type to come.
        "AudioPlayer.PlaybackPaused",
    ],
)
def test_a_request_type_alexaskill_does_not_know_is_taken(name: str) -> None:
    Skill(SKILL_ID).add_handler(name, lambda: None)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("SessionStartedRequest", "an intent's name?"),  # (was: did you mean SessionResumed…)
        ("Launch", "did you mean LaunchRequest?"),
        # A member's name alone is judged as one in its namespace is (a slip or two off): three
        # letters from PlaybackNearlyFinished (0.89 alike) was said to mean it, though
        # AudioPlayer.PlaybackNearlyFinishing is taken as a type Amazon may add.
        ("PlaybackNearlyFinishing", "an intent's name?"),
        ("ReminderStatusChanging", "an intent's name?"),
        ("PlaybackStartd", "did you mean AudioPlayer.PlaybackStarted?"),
        ("Grnat", "did you mean Alexa.Authorization.Grant?"),  # (two letters swapped: 0.8)
        ("RemindersReminderUpdatd", "did you mean Reminders.ReminderUpdated?"),  # (no dot)
    ],
)
def test_a_request_type_without_a_namespace_is_guessed_as_the_command_does(
    name: str, said: str
) -> None:
    with pytest.raises(ConfigurationError, match=said.replace("?", "\\?")):
        Skill(SKILL_ID).add_handler(name, lambda: None)


# --- built-in intents and slot types --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("AMAZON.Cancle", "AMAZON.CancelIntent"),
        ("AMAZON.PagepUIntent", "AMAZON.PageUpIntent"),
        ("AMAZON.SkipIntent", None),  # (Skip, Stop: 0.5, another word)
        ("AMAZON.TeleportIntent", None),
    ],
)
def test_a_builtin_intent_is_guessed_only_for_a_slip(name: str, meant: str | None) -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_builtin_intent(name)
    said = str(raised.value)
    assert (f"did you mean {meant}?" in said) if meant else ("did you mean" not in said), said


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("AMAZON.Citty", "AMAZON.City"),
        ("AMAZON.USCITY", "AMAZON.US_CITY"),
        ("amazon.City", "AMAZON.City"),
        ("AMAZON.UK_CITY", None),  # (another country's, maybe to come)
        ("AMAZON.BG_CITY", None),  # (Bulgaria's, no slip of GB_CITY's letters swapped)
        ("AMAZON.gb_CITY", "AMAZON.GB_CITY"),
        ("AMAZON.StreetNumber", None),
        # Types Amazon may add, refused at registration were they guessed: compared with the
        # AMAZON. all share, they were 0.86 alike (Rating, DURATION; Device, Service).
        ("AMAZON.Rating", None),
        ("AMAZON.Device", None),
        ("AMAZON.Music", None),  # (Musician)
        ("AMAZON.Playlist", None),  # (MusicPlaylist)
        # A type's name whole in a longer one: a more general type (Movie, MovieSeries).
        ("AMAZON.Series", None),  # (TVSeries, BookSeries)
        ("AMAZON.CreativeWork", None),  # (CreativeWorkType)
        ("AMAZON.BookSerie", "AMAZON.BookSeries"),  # (a letter left out)
        # Two letters off a name of four is as alike as another word is (0.67): not guessed.
        ("AMAZON.Ctiyy", None),
        # Two letters swapped: one slip by the count (0.75 alike), where it was no typo.
        ("AMAZON.Ctiy", "AMAZON.City"),
    ],
)
def test_a_builtin_slot_type_is_guessed_only_for_a_slip(name: str, meant: str | None) -> None:
    assert meant_slot_type(name) == meant


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
        # So is one a word of Amazon's apart, however alike (0.93; Ended of SessionEndedRequest).
        ("AlexaSkillEvent.SkillEnded", None),
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


@pytest.mark.parametrize(
    ("queried", "meant"),
    # (PauseMusicIntent: Pause is a word of Amazon's intents, as Page is, no slip of it)
    [("GetWeathr", "GetWeather"), ("OrderPasta", None), ("PauseMusicIntent", None)],
)
def test_an_intent_only_queried_is_guessed_a_typo_of_a_handled_one_only_when_it_is_one(
    queried: str, meant: str | None
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny."), utterances=["weather"])
    skill.add_intent_handler("OrderPizza", lambda: speak("Pizza."), utterances=["pizza"])
    skill.add_intent_handler("PageMusicIntent", lambda: speak("Paged."), utterances=["page"])
    skill.can_fulfill(queried)(lambda: can_fulfill("YES"))
    [warning] = model_warnings(skill)
    assert "no intent handler answers it" in warning
    assert warning.endswith(f"; did you mean {meant}?") if meant else warning.endswith("it")


@pytest.mark.parametrize(
    ("scoped", "typo"),
    [
        *(("GetWether", True), ("OrderPasta", False)),
        # A word added, a word changed (0.87, 0.88 alike whole): they were warned of as typos.
        *(("GetWeatherNow", False), ("TurnOffIntent", False)),
    ],
)
def test_a_hook_scoped_to_an_intent_of_the_model_elsewhere_is_warned_of_only_for_a_typo(
    caplog: pytest.LogCaptureFixture, scoped: str, typo: bool
) -> None:
    # OrderPasta (0.7 to OrderPizza) may well be an intent of the model the fallback answers.
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny."))
    skill.add_intent_handler("OrderPizza", lambda: speak("Pizza."))
    skill.add_intent_handler("TurnOnIntent", lambda: speak("On."))
    skill.add_fallback_handler(lambda: speak("Hm?"))

    def note() -> None: ...

    skill.add_before_request(note, intents=[scoped])
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        skill.start()
    said: list[Any] = [r.getMessage() for r in caplog.records if "scoped to" in r.getMessage()]
    assert len(said) == typo, said

"""The interaction model's warnings about intents and enums: built-in intents with slots, a
fallback answering stop and cancel, enums and the slot types they meet, a sample naming one
slot twice, letters written against a slot."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import pytest

from alexaskill import Response, Skill, ask, speak
from alexaskill.interaction import model_warnings

from .conftest import SKILL_ID
from .interaction_shared import Color, intents, problems


def test_a_standard_built_in_intent_with_a_slot_is_written_with_a_warning() -> None:
    # That Amazon's build refuses a slot on a standard built-in intent is not in its docs: the
    # slot is written, and the author warned (at start-up and by alexaskill model).
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent(
        "AMAZON.HelpIntent",
        utterances=["help with {topic}"],
        slots={"topic": "AMAZON.SearchQuery"},
    )
    def help_(topic: str) -> Any:
        return speak("Ask me about colours.")

    assert intents(skill)["AMAZON.HelpIntent"]["slots"] == [
        {"name": "topic", "type": "AMAZON.SearchQuery"}
    ]
    [warning] = slot_warnings(skill)
    assert warning == (
        "intent AMAZON.HelpIntent: slot topic: Amazon documents its standard built-in intents with "
        "sample utterances only, not slots, so its build may refuse the model (the slot is "
        "written); a custom intent with its own samples takes slots for sure"
    ), warning
    assert slot_warnings(skill, builtin_slots=False) == []


def test_a_fallback_answering_stop_and_cancel_is_warned_about() -> None:
    # Without a handler of their own, Stop and Cancel reach the fallback, written for what the
    # skill did not understand: an ask() there keeps the user in (Amazon's certification
    # requires the session to end). The start-up warning (and `model --check`) names them.
    skill = Skill(SKILL_ID)

    @skill.fallback
    def fallback() -> Response:
        return ask("Sorry. Which city?")

    [warning] = [w for w in model_warnings(skill) if "AMAZON.StopIntent" in w]
    assert warning.startswith(
        f"the fallback {__name__}.test_a_fallback_answering_stop_and_cancel_is_warned_about."
        "<locals>.fallback answers AMAZON.StopIntent and AMAZON.CancelIntent, which have no "
        "handler"
    )
    assert '@skill.intent("AMAZON.StopIntent")' in warning

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        return speak("Goodbye.")

    [warning] = [w for w in model_warnings(skill) if "AMAZON.CancelIntent" in w]
    assert "answers AMAZON.CancelIntent, which has no handler" in warning
    assert "AMAZON.StopIntent" not in warning

    @skill.intent("AMAZON.CancelIntent")
    def cancel() -> Response:
        return speak("Goodbye.")

    assert not [w for w in model_warnings(skill) if "AMAZON.CancelIntent" in w]
    # Without a fallback, alexaskill ends the session itself: nothing to warn about.
    assert not [w for w in model_warnings(Skill(SKILL_ID)) if "AMAZON.StopIntent" in w]


class _Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class _Part(enum.Enum):
    MORNING = "MO"
    EVENING = "EV"


def test_an_enum_no_value_of_a_data_slot_type_matches_is_a_warning() -> None:
    # An Enum on AMAZON.DATE was never flagged: no date matches "red", so it is never filled.
    from alexaskill.builtin_slot_types import contradicting_annotation

    skill = Skill(SKILL_ID)

    @skill.intent("Paint", utterances=["paint on {day}"], slots={"day": "AMAZON.DATE"})
    def paint(day: _Colour | None = None) -> None:
        return None

    (warning,) = [w for w in model_warnings(skill) if "converts to" in w]
    assert "intent Paint" in warning and "'day' is annotated _Colour" in warning
    assert "AMAZON.DATE" in warning
    assert contradicting_annotation("AMAZON.NUMBER", list[_Colour]) == "_Colour"
    # Members a value of the type may match: AMAZON.TIME's parts of the day, "PRESENT_REF".
    assert contradicting_annotation("AMAZON.TIME", _Part) is None
    assert contradicting_annotation("AMAZON.DATE", enum.Enum("Now", {"present_ref": "now"})) is None
    # A type of words, or a custom one: an Enum may match its values.
    assert contradicting_annotation("AMAZON.Color", _Colour) is None
    assert contradicting_annotation("Colours", _Colour) is None
    # Digits said one by one may be a number, or not; they are never a date.
    assert contradicting_annotation("AMAZON.PhoneNumber", int | None) is None
    assert contradicting_annotation("AMAZON.AlphaNumeric", datetime.date) == "date"


@pytest.mark.parametrize(
    ("slot_type", "fix"),
    [
        ("AMAZON.DATE", "annotate it datetime.date or AlexaDate (or str: the value as sent)"),
        ("AMAZON.DURATION", "annotate it datetime.timedelta or AlexaDuration (or str: the value"),
        ("AMAZON.Animal", "annotate it str, or declare the type that matches"),
    ],
)
def test_a_slot_annotation_no_value_converts_to_is_told_the_annotations_that_do(
    slot_type: str, fix: str
) -> None:
    # `day: int` on AMAZON.DATE was told "annotate it str": the annotation a newcomer wants is
    # the one that converts the date (the table in the README's "Slots"), which it did not name.
    skill = Skill(SKILL_ID)

    @skill.intent("Book", utterances=["book {day}"], slots={"day": slot_type})
    def book(day: int | None = None) -> None:
        return None

    (warning,) = [w for w in model_warnings(skill) if "converts to" in w]
    assert f"it would never be filled; {fix}" in warning, warning


def test_a_library_intent_with_slots_has_no_built_in_slot_warning() -> None:
    # The built-in intent library's intents have slots: only the standard built-ins are warned of.
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent("AMAZON.SearchAction<object@WeatherForecast>")
    def weather(location: int) -> Any:
        return speak("Sunny.")

    assert slot_warnings(skill) == []


def test_an_enum_parameter_whose_slot_has_another_type_is_warned_about() -> None:
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent("PaintIntent", utterances=["paint it {colour}"], slots={"colour": "AMAZON.Color"})
    def paint(colour: Color) -> Any:
        return speak("Done.")

    @skill.intent("TintIntent", utterances=["tint it {colour}"], slots={"colour": "Color"})
    def tint(colour: Color | None) -> Any:
        return speak("Done.")

    [warning] = slot_warnings(skill)
    # (the whole message: its pieces, written apart, join with one space each)
    assert warning == (
        f"intent PaintIntent: parameter 'colour' of {paint.__module__}.{paint.__qualname__} is "
        "an Enum (Color) but its slot is declared AMAZON.Color, whose values are not the Enum's: "
        "those no member matches leave it unfilled; declare the slot Color (or drop its type) to "
        "use the Enum's values"
    ), warning


def test_the_slot_warnings_are_logged_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    skill = Skill(SKILL_ID)

    @skill.intent("PaintIntent", utterances=["paint it {colour}"], slots={"colour": "AMAZON.Color"})
    def paint(colour: Color) -> Any:
        return speak("Done.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        skill.start()
    logged = [record.getMessage() for record in caplog.records]
    assert any("is an Enum (Color) but its slot is declared AMAZON.Color" in m for m in logged)


class Size2(enum.Enum):
    SMALL = "small"


def test_an_enum_whose_name_is_no_slot_type_name_says_to_rename_it() -> None:
    # The type is made from the Enum's name: the message named no declaration to fix.
    skill = Skill(SKILL_ID)

    @skill.intent("OrderIntent", utterances=["a {size} one"])
    def order(size: Size2) -> Any:
        return speak("Done.")

    [problem] = problems(skill)
    assert problem == (  # (the whole message: its pieces, written apart, join with one space)
        "slot type 'Size2': a custom slot type name is ASCII letters and underscores; a built-in "
        "type extended with values is a list type (AMAZON.City), not a number, date, time, "
        "duration or AMAZON.SearchQuery (it is an Enum's name: rename the Enum, or declare the "
        "slot's type)"
    ), problem


def test_a_sample_naming_one_slot_twice_is_warned_about_at_start_up() -> None:
    # "from {city} to {city}": the slot carries one of the two cities the user says. Only
    # `model --check` said so; the start-up and `alexaskill model` warnings now do too.
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent(
        "TripIntent",
        utterances=["from {city} to {city}", "to {city}"],
        slots={"city": "AMAZON.City"},
    )
    def trip(city: str) -> Any:
        return speak("Done.")

    assert slot_warnings(skill) == [
        "intent TripIntent: sample 'from {city} to {city}' names slot {city} twice; a slot "
        "holds one value, so one of the two is lost: give each its own slot ({from_city}, "
        "{to_city})"
    ]
    # `model --check` finds it in the model it builds: not listed a second time.
    assert slot_warnings(skill, repeated_slots=False) == []


def test_letters_written_against_a_slot_are_warned_about_at_start_up() -> None:
    # "{animal}s": the understanding reads the "s" as a word to say (chat fell back in silence
    # for "feed two dogs"); only `model --check` hinted at it, without naming the letters.
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent(
        "FeedIntent",
        utterances=["feed {count} {animal}s", "feed {name}'s {animal}"],
        slots={"count": "AMAZON.NUMBER", "animal": "AMAZON.Animal", "name": "AMAZON.FirstName"},
    )
    def feed(count: int, animal: str, name: str) -> Any:
        return speak("Done.")

    assert slot_warnings(skill) == [
        "intent FeedIntent: sample 'feed {count} {animal}s' writes 's' against slot {animal}: a "
        "slot's value is whole words, so 's' is read as a word of its own after it; write the "
        "slot apart, and list the forms users say (plurals too) among the values or synonyms of "
        "its type (a possessive, {animal}'s, is not concerned)"
    ]
    # `model --check` finds it in the model it builds: not listed a second time.
    assert slot_warnings(skill, repeated_slots=False) == []


def test_letters_of_a_language_written_without_spaces_are_not_against_a_slot() -> None:
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent(
        "WeatherIntent", utterances={"ja-JP": ["{city}の天気"]}, slots={"city": "AMAZON.City"}
    )
    def weather(city: str) -> Any:
        return speak("Done.")

    assert slot_warnings(skill) == []


def test_the_start_up_warnings_are_still_imported_from_declarations() -> None:
    # start_warnings.py took model_warnings (in declarations' __all__) and audio_player_use out
    # of declarations.py: importing them from there raised ImportError.
    from alexaskill.interaction import start_warnings
    from alexaskill.interaction.declarations import audio_player_use
    from alexaskill.interaction.declarations import model_warnings as moved

    assert moved is model_warnings is start_warnings.model_warnings
    assert audio_player_use is start_warnings.audio_player_use
    with pytest.raises(AttributeError, match="no_such_name"):
        from alexaskill.interaction import declarations

        declarations.no_such_name  # noqa: B018

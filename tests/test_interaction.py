"""The interaction model built from a skill's handlers and declarations."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import pytest

from alexaskill import (
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    ConfigurationError,
    Context,
    IntentRequest,
    Response,
    Session,
    Skill,
    Slot,
    ask,
    speak,
)
from alexaskill.interaction import (
    REQUIRED_INTENTS,
    InteractionModelError,
    SlotTypeValue,
    build_interaction_model,
    invocation_name_warnings,
    model_warnings,
)

from .conftest import SKILL_ID


class Color(enum.Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


def model(skill: Skill, invocation: str = "colour helper", locale: str = "en-US") -> Any:
    return build_interaction_model(skill, locale=locale, invocation=invocation)


def language(skill: Skill, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = model(skill, **options)["interactionModel"]["languageModel"]
    return result


def intents(skill: Skill) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language(skill)["intents"]}


def problems(skill: Skill, **options: Any) -> tuple[str, ...]:
    with pytest.raises(InteractionModelError) as caught:
        model(skill, **options)
    return caught.value.problems


def test_a_skill_with_no_intents_has_the_required_built_ins() -> None:
    built = language(Skill(SKILL_ID), invocation="space facts")
    assert built["invocationName"] == "space facts"
    assert built["intents"] == [{"name": name, "samples": []} for name in REQUIRED_INTENTS]
    assert built["types"] == []


def test_declared_utterances_and_slot_types() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["what's the weather in {city}", "weather for {city} on {date}"],
        slots={"city": "AMAZON.City"},
    )
    def weather(city: str, date: datetime.date | None = None) -> None:
        return None

    assert intents(skill)["GetWeather"] == {
        "name": "GetWeather",
        "slots": [{"name": "city", "type": "AMAZON.City"}, {"name": "date", "type": "AMAZON.DATE"}],
        "samples": ["what's the weather in {city}", "weather for {city} on {date}"],
    }


def test_slot_types_from_unambiguous_annotations() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Everything",
        utterances=["all {day} {span} {at} {part} {length} {period} {count} {ratio} {numbers}"],
    )
    def everything(
        day: datetime.date,
        span: AlexaDate,
        at: datetime.time,
        part: AlexaTime | None,
        length: datetime.timedelta,
        period: AlexaDuration,
        count: int,
        ratio: float = 1.0,
        numbers: list[int] | None = None,
    ) -> None:
        return None

    slots = {slot["name"]: slot for slot in intents(skill)["Everything"]["slots"]}
    assert {name: slot["type"] for name, slot in slots.items()} == {
        "day": "AMAZON.DATE",
        "span": "AMAZON.DATE",
        "at": "AMAZON.TIME",
        "part": "AMAZON.TIME",
        "length": "AMAZON.DURATION",
        "period": "AMAZON.DURATION",
        "count": "AMAZON.NUMBER",
        "ratio": "AMAZON.NUMBER",
        "numbers": "AMAZON.NUMBER",
    }
    assert slots["numbers"]["multipleValues"] == {"enabled": True}
    assert "multipleValues" not in slots["count"]


def test_injected_parameters_are_not_slots() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plain", utterances=["plain"])
    def plain(session: Session, request: IntentRequest, context: Context | None) -> None:
        return None

    assert "slots" not in intents(skill)["Plain"]


def test_an_enum_makes_a_custom_type() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Paint", utterances=["paint it {color}", "paint it {colors}"])
    def paint(color: Color, colors: list[Color] | None = None) -> None:
        return None

    built = language(skill)
    assert built["types"] == [
        {
            "name": "Color",
            "values": [
                {"id": "RED", "name": {"value": "red"}},
                {"id": "DARK_BLUE", "name": {"value": "dark blue"}},
            ],
        }
    ]
    slots = built["intents"][0]["slots"]
    assert slots == [
        {"name": "color", "type": "Color"},
        {"name": "colors", "type": "Color", "multipleValues": {"enabled": True}},
    ]


def test_a_declared_slot_type_wins_over_an_enum_of_that_name() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type(
        "Color",
        [
            SlotTypeValue("red", "RED", ("scarlet", "crimson")),
            {"name": "dark blue", "id": "DARK_BLUE", "synonyms": ["navy"]},
            "green",
        ],
    )
    skill.add_slot_type("Unused", ["thing"])

    @skill.intent("Paint", utterances=["paint it {color}"])
    def paint(color: Color) -> None:
        return None

    assert language(skill)["types"] == [
        {
            "name": "Color",
            "values": [
                {"id": "RED", "name": {"value": "red", "synonyms": ["scarlet", "crimson"]}},
                {"id": "DARK_BLUE", "name": {"value": "dark blue", "synonyms": ["navy"]}},
                {"name": {"value": "green"}},
            ],
        },
        {"name": "Unused", "values": [{"name": {"value": "thing"}}]},
    ]


def test_built_in_intents_from_handlers_are_merged_not_repeated() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("AMAZON.StopIntent", lambda: speak("bye"))
    skill.add_intent_handler(
        "AMAZON.HelpIntent", lambda: speak("help"), utterances=["what can I say"]
    )
    skill.add_intent_handler("AMAZON.YesIntent", lambda: speak("yes"))
    names = [intent["name"] for intent in language(skill)["intents"]]
    assert names == [
        "AMAZON.StopIntent",
        "AMAZON.HelpIntent",
        "AMAZON.YesIntent",
        "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent",
    ]
    assert intents(skill)["AMAZON.HelpIntent"]["samples"] == ["what can I say"]


def test_can_fulfill_handlers_name_intents_too() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {count} pizzas"])
    def order(count: int) -> None:
        return None

    @skill.can_fulfill("Order")
    def can_order(count: int | None = None) -> None:
        return None

    assert intents(skill)["Order"]["slots"] == [{"name": "count", "type": "AMAZON.NUMBER"}]


# --- refusals --------------------------------------------------------------------------------


def test_an_utterance_naming_a_slot_the_intent_lacks_fails_at_registration() -> None:
    skill = Skill(SKILL_ID)

    with pytest.raises(ConfigurationError, match=r"names slot \{topping\}, which is neither"):

        @skill.intent("Order", utterances=["order {count} pizzas with {topping}"])
        def order(count: int) -> None:
            return None


@pytest.mark.parametrize("annotation", [str, Slot, Any, None])
def test_a_slot_parameter_without_a_slot_type(annotation: Any) -> None:
    skill = Skill(SKILL_ID)

    def find(city):  # type: ignore[no-untyped-def]
        return None

    if annotation is not None:
        find.__annotations__["city"] = annotation
    skill.add_intent_handler("Find", find, utterances=["find {city}"])
    (problem,) = problems(skill)
    assert problem.startswith("intent Find: parameter 'city' of ")
    assert "has no slot type; declare one, e.g. @skill.intent('Find', slots={'city':" in problem


def test_a_custom_slot_type_never_declared() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {topping}"], slots={"topping": "Topping"})
    def order(topping: str) -> None:
        return None

    (problem,) = problems(skill)
    assert problem.startswith("intent Order, slot topping: slot type 'Topping' is never declared")
    assert "skill.add_slot_type('Topping', [...])" in problem


def test_a_misspelt_custom_slot_type_says_did_you_mean() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Dish", ["pancakes"])

    @skill.intent("Cook", utterances=["cook {dish}"], slots={"dish": "Dsh"})
    def cook(dish: str) -> None:
        return None

    (problem,) = problems(skill)
    assert "slot type 'Dsh' is never declared; did you mean Dish?" in problem


@pytest.mark.parametrize(
    ("declared", "meant"),
    [
        ("AMAZON.Number", "AMAZON.NUMBER"),
        ("AMAZON.NUMBR", "AMAZON.NUMBER"),
        ("amazon.city", "AMAZON.City"),
        ("AMAZON.DURATOIN", "AMAZON.DURATION"),
        ("AMAZON.FourDigitNumber", "AMAZON.FOUR_DIGIT_NUMBER"),
    ],
)
def test_a_misspelt_built_in_slot_type_is_refused_at_registration(
    declared: str, meant: str
) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"did you mean {meant}\?"):

        @skill.intent("Scale", utterances=["scale to {servings}"], slots={"servings": declared})
        def scale(servings: int | None = None) -> None:
            return None

    assert not skill.registry.handlers


@pytest.mark.parametrize(
    "declared", ["AMAZON.NUMBER", "AMAZON.SearchQuery", "AMAZON.Actor", "AMAZON.ES_CITY"]
)
def test_known_and_unknown_but_unlike_built_in_slot_types_pass(declared: str) -> None:
    skill = Skill(SKILL_ID)
    skill.intent("Find", utterances=["find {thing}"], slots={"thing": declared})(
        lambda thing=None: None
    )
    assert intents(skill)["Find"]["slots"] == [{"name": "thing", "type": declared}]


def test_an_annotation_contradicting_a_built_in_slot_type_is_a_warning() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plan", utterances=["plan for {day}"], slots={"day": "AMAZON.DATE"})
    def plan(day: int | None = None) -> None:
        return None

    @skill.intent("Scale", utterances=["scale to {servings}"], slots={"servings": "AMAZON.NUMBER"})
    def scale(servings: int | None = None) -> None:
        return None

    (warning,) = [w for w in model_warnings(skill) if "contradict" in w or "convert" in w]
    assert "intent Plan" in warning and "'day'" in warning and "AMAZON.DATE" in warning
    assert "int" in warning


def test_every_problem_is_reported_at_once() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Quiet", lambda: None)
    skill.add_intent_handler("GetWeather", lambda: None, utterances=["weather"])
    skill.add_intent_handler("Counting", lambda: None, utterances=["count to 3", "count, please"])
    skill.add_intent_handler("Again", lambda: None, utterances=["Weather", "weather {"])
    found = problems(skill, invocation="Weather Helper", locale="english")
    assert found == (
        "'english' is not a locale Alexa supports; its locales of that language: en-AU, "
        "en-CA, en-GB, en-IN, en-US",
        "invocation name 'Weather Helper': must be lower case ('weather helper')",
        "intent Quiet: no sample utterances; add some with @skill.intent('Quiet', "
        "utterances=[...])",
        "intent Counting: sample 'count to 3': spell numbers out in words",
        "intent Counting: sample 'count, please': character ',' is not allowed in a sample "
        "utterance",
        "intent Again: sample 'Weather' is also a sample of GetWeather",
        "intent Again: sample 'weather {': unbalanced braces; a slot is written {name}",
    )


def test_a_sample_listed_twice() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hi", lambda: None, utterances=["hello", "hello there", "Hello"])
    assert problems(skill) == ("intent Hi: sample 'Hello' is listed twice",)


def test_samples_may_hold_any_script_and_possessives() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hi", lambda: None, utterances=["what's sam's score", "नमस्ते दुनिया"])
    assert intents(skill)["Hi"]["samples"] == ["what's sam's score", "नमस्ते दुनिया"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "the invocation name is empty"),
        ("x", "must be 2 to 50 characters long"),
        ("weather " * 7, "must be 2 to 50 characters long"),
        ("weather  helper", "single spaces"),
        ("weather helper 2", "spell numbers out"),
        ("weather-helper", "character '-' is not allowed"),
        ("alexa weather", "the wake word 'alexa'"),
        ("ask weather", "the launch phrase 'ask'"),
    ],
)
def test_invocation_name_rules(name: str, fragment: str) -> None:
    assert any(fragment in problem for problem in problems(Skill(SKILL_ID), invocation=name))


@pytest.mark.parametrize(
    "name", ["weather helper", "sam's science trivia", "a. b. c. news", "daily horoscopes"]
)
def test_good_invocation_names(name: str) -> None:
    assert language(Skill(SKILL_ID), invocation=name)["invocationName"] == name


def test_invocation_name_warnings() -> None:
    assert invocation_name_warnings("weather helper") == []
    (one_word,) = invocation_name_warnings("weatherly")
    assert "one word" in one_word
    assert invocation_name_warnings("kaffeeroboter", "de-DE") == []
    (article,) = invocation_name_warnings("the weather")
    assert "two-word name" in article


def test_a_built_in_list_type_can_be_extended_with_values() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("AMAZON.City", ["gotham", "metropolis"])

    @skill.intent("GoTo", utterances=["go to {city}"], slots={"city": "AMAZON.City"})
    def go(city: str) -> None:
        return None

    built = language(skill, invocation="city helper")
    assert built["types"] == [
        {
            "name": "AMAZON.City",
            "values": [{"name": {"value": "gotham"}}, {"name": {"value": "metropolis"}}],
        }
    ]


@pytest.mark.parametrize(
    "name", ["AMAZON.NUMBER", "AMAZON.DATE", "AMAZON.SearchQuery", "AMAZON.2x"]
)
def test_a_built_in_type_with_a_format_cannot_be_extended(name: str) -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type(name, ["gotham"])
    found = problems(skill)
    assert len(found) == 1
    assert found[0].startswith(f"slot type {name!r}: ")


def test_slot_samples_are_checked_as_utterances_are() -> None:
    from alexaskill import DialogSlot

    skill = Skill(SKILL_ID)
    samples = ["{people} 2 people!", "for {people}", "For  {people}"]
    people = DialogSlot("AMAZON.NUMBER", elicit="How many?", samples=samples)

    @skill.intent("Book", utterances=["book a table"], slots={"people": people})
    def book(people: int) -> None:
        return None

    assert problems(skill) == (
        "intent Book, slot people: sample '{people} 2 people!': spell numbers out in words",
        "intent Book, slot people: sample 'For  {people}' is listed twice",
    )


def test_a_search_query_needs_a_carrier_phrase() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Search", utterances=["{query}"], slots={"query": "AMAZON.SearchQuery"})
    def search(query: str) -> None:
        return None

    assert problems(skill) == (
        "intent Search: sample '{query}': an AMAZON.SearchQuery slot needs a carrier phrase",
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["", "big"], "slot type Size: a value is empty"),
        (
            [{"name": "big", "synonyms": ["", "large"]}],
            "slot type Size: value 'big' has an empty synonym",
        ),
        (
            [{"name": "big", "id": "X"}, {"name": "small", "id": "X"}],
            "slot type Size: values 'big' and 'small' have the same id 'X'",
        ),
        (["big", "small", "Big"], "slot type Size: value 'Big' is listed twice"),
        ({"en-US": ["big"], "de-DE": ["groß", " "]}, "slot type Size: a value is empty (de-DE)"),
        # The console: "Slot value length exceeds the limit of 140 characters".
        (
            ["big", "x" * 141],
            f"slot type Size: value {'x' * 40!r}… is 141 characters long; Amazon takes at most 140",
        ),
        (
            [{"name": "big", "synonyms": ["y" * 150]}],
            f"slot type Size: value 'big' has a synonym of 150 characters ({'y' * 40!r}…); "
            "Amazon takes at most 140",
        ),
    ],
)
def test_slot_type_values_are_checked_where_they_are_declared(values: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Skill(SKILL_ID).add_slot_type("Size", values)
    assert str(caught.value) == message


class Blank(enum.Enum):
    NOTHING = ""


def test_values_of_140_characters_are_taken() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Size", [{"name": "x" * 140, "synonyms": ["y" * 140]}])
    assert skill.slot_types["Size"].values[0].name == "x" * 140


def test_an_enum_value_that_is_empty_is_a_problem() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Fill", utterances=["fill {blank}"])
    def fill(blank: Blank) -> None:
        return None

    assert problems(skill) == ("slot type Blank: a value is empty",)


def test_a_connecting_word_in_the_invocation_name_is_a_warning() -> None:
    assert invocation_name_warnings("talk to pizza", "en-US") == [
        "invocation name 'talk to pizza': must not contain the connecting word 'to' (Amazon's "
        "invocation name requirements)"
    ]
    assert invocation_name_warnings("pizza palace", "en-US") == []
    assert invocation_name_warnings("pizza to go", "de-DE") == []


@pytest.mark.parametrize(
    "name", ["コーヒーショップ", "十二星座占い", "きょうの天気", "コーヒー ショップ"]
)
def test_japanese_invocation_names_are_not_counted_by_spaces(name: str) -> None:
    # Japanese writes its words without spaces: Amazon's own example, "コーヒーショップ", is two
    # words (コーヒー, ショップ). alexaskill cannot count them, so it does not warn.
    assert invocation_name_warnings(name, "ja-JP") == []
    assert language(Skill(SKILL_ID), invocation=name, locale="ja-JP")["invocationName"] == name


def test_a_japanese_invocation_name_in_latin_letters_is_still_counted() -> None:
    (one_word,) = invocation_name_warnings("weatherly", "ja-JP")
    assert "one word" in one_word
    assert invocation_name_warnings("weather helper", "ja-JP") == []


def test_what_japanese_invocation_names_must_not_contain() -> None:
    # Amazon's rules for ja-JP name the wake words and launch phrases in Japanese; there are
    # no spaces to find them by, so they are looked for anywhere in the name.
    assert problems(Skill(SKILL_ID), invocation="アレクサ占い", locale="ja-JP") == (
        "invocation name 'アレクサ占い': must not contain the wake word 'アレクサ'",
    )
    assert problems(Skill(SKILL_ID), invocation="ラジオを聞いて", locale="ja-JP") == (
        "invocation name 'ラジオを聞いて': must not contain the launch phrase '聞いて'",
    )
    assert invocation_name_warnings("天気スキル", "ja-JP") == [
        "invocation name '天気スキル': must not contain 'スキル' (Amazon's invocation name "
        "requirements for Japanese)"
    ]
    # English words of the name are still words.
    assert problems(Skill(SKILL_ID), invocation="alexa 占い", locale="ja-JP") == (
        "invocation name 'alexa 占い': must not contain the wake word 'alexa'",
    )


def test_japanese_names_hold_no_periods_or_apostrophes() -> None:
    # The Japanese console's rule: hiragana, katakana, kanji, lower-case Latin letters and
    # spaces only (the English rule's apostrophes and periods are not among them).
    for name in ("ママ.ショップ", "さむ's きっちん"):
        found = problems(Skill(SKILL_ID), invocation=name, locale="ja-JP")
        assert len(found) == 1 and "is not allowed" in found[0], (name, found)
        assert "hiragana, katakana, kanji" in found[0]
    from alexaskill.interaction.invocation import invocation_problems

    assert invocation_problems("コーヒーショップ", "ja-JP") == []
    assert invocation_problems("sam's kitchen", "en-US") == []


def test_the_words_skill_and_app_are_warned_about_in_english() -> None:
    # Amazon's invocation name requirements: "… or the words 'skill' or 'app' are not allowed".
    for name in ("cooking skill", "my recipe app"):
        [warning] = invocation_name_warnings(name, "en-US")
        assert "must not contain the word" in warning, warning
    assert invocation_name_warnings("skillet recipes", "en-US") == []


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
    assert warning.startswith("intent AMAZON.HelpIntent: slot topic: Amazon documents"), warning
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
    assert warning.startswith("intent PaintIntent: parameter 'colour' of "), warning
    assert "is an Enum (Color) but its slot is declared AMAZON.Color" in warning, warning


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
    assert problem.startswith("slot type 'Size2': a custom slot type name is ASCII letters")
    assert problem.endswith("(it is an Enum's name: rename the Enum, or declare the slot's type)")


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


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # Written into the model as the synonym "None" (or "5"), without a word.
        ({"name": "red", "synonyms": [None]}, "value 'red': a synonym is a string, not None"),
        ({"name": "red", "synonyms": ["crimson", 5]}, "value 'red': a synonym is a string, not 5"),
        ({"name": "red", "id": {"code": 1}}, "value 'red': its id is a string, not {'code': 1}"),
        # A misspelt key was dropped: the value had no synonyms.
        (
            {"name": "red", "synonym": ["crimson"]},
            "value 'red': unknown key 'synonym'; did you mean synonyms?; a value is "
            "{'name': ..., 'id': ..., 'synonyms': [...]}",
        ),
    ],
)
def test_a_slot_type_value_is_refused_naming_what_is_wrong(value: Any, message: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("Colour", [value])
    assert str(caught.value) == f"slot type Colour: {message}"


def test_a_slot_type_value_as_amazons_model_writes_it_is_taken() -> None:
    # Values copied from a model the console wrote: {"id", "name": {"value", "synonyms"}}.
    # They were refused as "not a value name, SlotTypeValue or mapping", though a mapping.
    skill = Skill(SKILL_ID)
    declared = skill.add_slot_type(
        "Colour", [{"id": "R", "name": {"value": "red", "synonyms": ["crimson"]}}]
    )
    assert declared.values == (SlotTypeValue("red", "R", ("crimson",)),)


@pytest.mark.parametrize("kind", [set, frozenset])
def test_utterances_or_values_in_a_set_are_refused(kind: Any) -> None:
    # A set's order changes from run to run: the model written was never the same twice.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"^slot type Colour: values are a set, whose "):
        skill.add_slot_type("Colour", kind({"red", "blue"}))
    with pytest.raises(ConfigurationError, match=r"^intent A: utterances\['en-US'\] are a set"):

        @skill.intent("A", utterances={"en-US": kind({"hi there", "hello there"})})
        def greet() -> Any:
            return speak("Hello.")


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        # It said "'new york|city' is not a Python name, so no parameter can take it".
        (
            "go to {new york|city}",
            "sample 'go to {new york|city}' gives slot {city} an example value ('new york'), "
            'which Amazon\'s build refuses ("A value may not be supplied for the slot"): write '
            "{city} (that form is only AMAZON.LITERAL's)",
        ),
        # It said "' city ' is not a Python name" too.
        (
            "go to { city }",
            "sample 'go to { city }' has spaces inside the braces of {city}: write {city}",
        ),
    ],
)
def test_a_slot_written_otherwise_than_by_its_name_in_braces_is_refused_so(
    sample: str, message: str
) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("TripIntent", utterances=[sample], slots={"city": "AMAZON.City"})
        def trip(city: str) -> Any:
            return speak("Done.")

    assert str(caught.value).startswith("intent TripIntent (")
    assert str(caught.value).endswith(f"trip): {message}")


def test_an_example_value_in_braces_is_an_amazon_literal_slots_form() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "EchoIntent", utterances=["say {hello world|phrase}"], slots={"phrase": "AMAZON.LITERAL"}
    )
    def echo(phrase: str) -> Any:
        return speak(phrase)

    assert intents(skill)["EchoIntent"]["samples"] == ["say {hello world|phrase}"]


def test_a_sample_of_only_slots_in_a_dialog_intent_is_warned_about() -> None:
    # Amazon's build has refused it: "When using a Dialog Model, sample utterances for intents
    # cannot contain only slots". What users answer when asked belongs in the slot's samples.
    from alexaskill.dialog_model import DialogSlot
    from alexaskill.interaction.slot_warnings import slot_warnings

    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city}", "{city}", "{city} {date}"],
        slots={
            "city": DialogSlot("AMAZON.City", elicit="Where to?", samples=["{city}"]),
            "date": "AMAZON.DATE",
        },
    )
    def plan(city: str, date: datetime.date | None = None) -> Any:
        return speak("Done.")

    @skill.intent("GetCity", utterances=["{city}"], slots={"city": "AMAZON.City"})
    def get_city(city: str) -> Any:  # no dialog model: Amazon takes it
        return speak("Done.")

    assert slot_warnings(skill) == [
        f"intent PlanTrip: sample {sample!r} is only slots, in an intent with a dialog model: "
        "Amazon's build has refused that (\"When using a Dialog Model, sample utterances for "
        'intents cannot contain only slots"); add words to it, and leave what users answer '
        "when asked to the slot's samples="
        for sample in ("{city}", "{city} {date}")
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        # Said as "alexa's helper": the wake word is there, its possessive hid it.
        (
            "alexa's helper",
            "invocation name \"alexa's helper\": must not contain the wake word 'alexa'",
        ),
        (
            "echo\u2019s trivia",
            "invocation name 'echo\u2019s trivia': must not contain the wake word 'echo'",
        ),
        (
            "amazon. deals",
            "invocation name 'amazon. deals': must not contain the wake word 'amazon'",
        ),
        # No letter at all, or none first: nothing to say.
        ("''", "invocation name \"''\": must begin with a letter"),
        ("..", "invocation name '..': must begin with a letter"),
        ("'colour helper", 'invocation name "\'colour helper": must begin with a letter'),
    ],
)
def test_what_an_invocation_name_hides_behind_punctuation_is_refused(
    name: str, problem: str
) -> None:
    assert problems(Skill(SKILL_ID), invocation=name) == (problem,)


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        # A crash (AttributeError: 'list' object has no attribute 'items') at registration.
        (
            ["city"],
            "intent A: slots= maps each slot's name to its type, e.g. "
            "{'city': 'AMAZON.City'}, not a list",
        ),
        # A crash (TypeError) in build_interaction_model.
        ({1: "AMAZON.City"}, "intent A: slots= names a slot 1; a slot name is a string"),
        # Was "slot type '' is never declared; declare it with skill.add_slot_type('', [...])".
        (
            {"city": " "},
            "intent A: slot 'city' is declared with an empty type; give its type "
            "('AMAZON.City') or a DialogSlot",
        ),
    ],
)
def test_slots_declared_in_another_shape_are_refused_at_registration(
    slots: Any, message: str
) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("A", utterances=["hi there"], slots=slots)
        def handler(request: IntentRequest) -> Any:
            return speak("Done.")

    assert str(caught.value) == message


def test_a_slot_type_named_by_no_string_or_misspelling_a_built_in_one_is_refused() -> None:
    skill = Skill(SKILL_ID)
    # A crash (TypeError) in build_interaction_model.
    with pytest.raises(ConfigurationError, match=r"^a slot type's name is a string, like 'Size', "):
        skill.add_slot_type(5, ["five"])  # type: ignore[arg-type]
    # Written into the model, which Amazon's build refuses: AMAZON.Citty is no type of its.
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("AMAZON.Citty", ["gotham"])
    assert str(caught.value) == (
        "slot type 'AMAZON.Citty': 'AMAZON.Citty' is not one of Amazon's built-in slot types, "
        "so Amazon's build refuses it; did you mean AMAZON.City?"
    )
    assert skill.slot_types == {}


@pytest.mark.parametrize(
    ("sample", "problem"),
    [
        (
            "...",
            "intent A: sample '...': '...' is no word; a period, an apostrophe, a hyphen or an "
            'underscore belongs to one ("a. b. c.", "sam\'s", "x-ray")',
        ),
        (
            "hello -",
            "intent A: sample 'hello -': '-' is no word; a period, an apostrophe, a "
            'hyphen or an underscore belongs to one ("a. b. c.", "sam\'s", "x-ray")',
        ),
        # A period passed for AMAZON.SearchQuery's carrier phrase.
        (
            "{query} .",
            "intent A: sample '{query} .': '.' is no word; a period, an apostrophe, a "
            'hyphen or an underscore belongs to one ("a. b. c.", "sam\'s", "x-ray")',
        ),
    ],
)
def test_a_sample_word_of_punctuation_only_is_refused(sample: str, problem: str) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A", utterances=[sample], slots={"query": "AMAZON.SearchQuery"})
    def search(request: IntentRequest) -> Any:
        return speak("Done.")

    found = problems(skill)
    assert found[0] == problem
    if "{query}" in sample:
        assert found[1:] == (
            "intent A: sample '{query} .': an AMAZON.SearchQuery slot needs a carrier phrase",
        )
    else:
        assert found[1:] == ()


@pytest.mark.parametrize(
    "value", [{"name": "red", "id": ""}, {"name": "red", "id": " "}, SlotTypeValue("red", "")]
)
def test_a_slot_type_value_with_an_empty_id_is_refused(value: Any) -> None:
    # Written into the model as "id": "", and sent as the resolution's id: meant as no id.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("Colour", [value])
    assert str(caught.value) == (
        "slot type Colour: value 'red': its id is empty; give one, or leave it out"
    )


def test_a_dialog_slot_with_a_blank_type_is_refused() -> None:
    # It was taken, and `alexaskill model` said to declare a slot type named '  '.
    from alexaskill.dialog_model import DialogSlot

    with pytest.raises(ConfigurationError, match=r"^DialogSlot needs the slot's type"):
        DialogSlot("  ", elicit="Which city?")

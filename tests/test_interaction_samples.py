"""The interaction model refused for its samples: slots they name, words they hold, and slots
declared in another shape; every problem reported at once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill import ConfigurationError, IntentRequest, Skill, speak

from .conftest import SKILL_ID
from .interaction_shared import intents, problems

# --- refusals --------------------------------------------------------------------------------


def test_an_utterance_naming_a_slot_the_intent_lacks_fails_at_registration() -> None:
    skill = Skill(SKILL_ID)

    with pytest.raises(ConfigurationError, match=r"names slot \{topping\}, which is neither"):

        @skill.intent("Order", utterances=["order {count} pizzas with {topping}"])
        def order(count: int) -> None:
            return None


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


def test_an_intent_without_samples_named_like_another_says_the_name_meant() -> None:
    # A YesIntent (AMAZON.YesIntent meant) or a ChooseAnimal (ChooseAnimalIntent meant) was
    # told to get samples, the one thing `chat` and `model` said: `model --check`'s warning
    # that names the intent meant came only after the model was built, which it never was.
    # (ChooseAnimal is only queried: an intent handled too is no typo of another handled one.)
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("YesIntent", lambda: None)
    skill.add_can_fulfill_handler("ChooseAnimal", lambda: None)
    skill.add_intent_handler("ChooseAnimalIntent", lambda: None, utterances=["a dog"])
    assert problems(skill) == (
        "intent YesIntent: no sample utterances; did you mean the built-in AMAZON.YesIntent, "
        "which needs none? Else add some with @skill.intent('YesIntent', utterances=[...])",
        "intent ChooseAnimal: no sample utterances; did you mean ChooseAnimalIntent? Else add "
        "some with @skill.intent('ChooseAnimal', utterances=[...])",
    )


def test_a_sample_listed_twice() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hi", lambda: None, utterances=["hello", "hello there", "Hello"])
    assert problems(skill) == ("intent Hi: sample 'Hello' is listed twice",)


def test_samples_may_hold_any_script_and_possessives() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hi", lambda: None, utterances=["what's sam's score", "नमस्ते दुनिया"])
    assert intents(skill)["Hi"]["samples"] == ["what's sam's score", "नमस्ते दुनिया"]


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
    ("slots", "message"),
    [
        # A crash (AttributeError: 'list' object has no attribute 'items') at registration.
        (
            ["city"],
            "intent A: slots= maps each slot's name to its type, e.g. "
            "{'city': 'AMAZON.City'}, not a list",
        ),
        # With the type's article: "not a int" was said.
        (
            1,
            "intent A: slots= maps each slot's name to its type, e.g. "
            "{'city': 'AMAZON.City'}, not an int",
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


def test_a_long_sample_is_cut_in_the_problems_of_the_model_built() -> None:
    # The model built from the code quoted a sample whole: a 70,000-character sample listed
    # twice, or with a digit, made problems as long.
    long = "x" * 70_000
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hi", lambda: None, utterances=[long, long, f"{long} 1"])
    skill.add_intent_handler("Bye", lambda: None, utterances=[long])
    said = problems(skill)
    assert len(said) == 3, said
    assert all(len(problem) < 400 and " characters)" in problem for problem in said), [
        problem[:200] for problem in said
    ]

"""The interaction model's messages quote the names a skill's author wrote cut, as
alexaskill/shown_names.py cuts them: an invocation name's problems and warnings, an intent's or
slot's name in a declaration refused or warned about. A name of 5,000 characters was quoted
whole in each (and an invocation name's in every one of its problems)."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction import (
    InteractionModelError,
    build_interaction_model,
    invocation_name_warnings,
    model_warnings,
)
from alexaskill.interaction.declarations import IntentDeclaration, SlotTypeDeclaration
from alexaskill.interaction.invocation import invocation_problems
from alexaskill.shown_names import shown, shown_value

from .conftest import SKILL_ID

#: The most characters a message quoting a few cut names may take.
BOUND = 1_000
LONG = "w" * 5_000


@pytest.mark.parametrize(
    ("name", "locale"),
    [
        (LONG, "en-US"),  # too long
        (LONG.upper(), "en-US"),  # upper case too
        ("\uff57" * 5_000, "en-US"),  # full-width: the name said as it should be written too
        (f"alexa {LONG}", "en-US"),
        (f"ask {LONG}!", "en-US"),
        (f"{LONG} 2", "en-US"),
        (f"{LONG}é", "en-US"),
        (LONG, "ja-JP"),
        (LONG, "hi-IN"),
    ],
    ids=["long", "upper", "full-width", "wake", "launch", "digit", "accent", "ja", "hi"],
)
def test_an_invocation_name_s_problems_and_warnings_quote_it_cut(name: str, locale: str) -> None:
    said = invocation_problems(name, locale) + invocation_name_warnings(name, locale)
    assert said and all(len(each) <= BOUND for each in said), [each[:300] for each in said]
    assert all(shown_value(name) in each for each in said if "invocation name" in each), said


@pytest.mark.parametrize(
    "name", [LONG, f"the {LONG}", f"talk to {LONG}", f"{LONG} app", f"{LONG}.x y", "\uff41" + LONG]
)
def test_an_invocation_name_s_warnings_quote_its_words_cut(name: str) -> None:
    said = invocation_name_warnings(name, "en-US") + invocation_problems(name, "en-US")
    assert said and all(len(each) <= BOUND for each in said), [each[:300] for each in said]


def _refusal(**declared: Any) -> str:
    with pytest.raises(ConfigurationError) as info:
        IntentDeclaration.build("I" * 5_000, **declared)
    return str(info.value)


@pytest.mark.parametrize(
    "declared",
    [
        {"slots": {"s" * 5_000: ""}},
        {"slots": {"s" * 5_000: ["AMAZON.City"] * 1_000}},
        {"slots": {("s" * 5_000,): "AMAZON.City"}},
        {"slots": "AMAZON.City"},
        {"utterances": [b"x" * 5_000]},
        {"slots": {"s" * 5_000: "AMAZON.Cty"}},
    ],
    ids=["empty type", "no type", "no name", "no mapping", "no sample", "misspelt"],
)
def test_an_intent_declaration_refused_quotes_its_names_cut(declared: dict[str, Any]) -> None:
    message = _refusal(**declared)
    assert len(message) <= BOUND, message[:300]
    assert "utterances" in declared or shown("I" * 5_000) in message, message[:300]


def test_a_slot_type_declaration_refused_quotes_its_name_cut() -> None:
    cases: list[Any] = [[], {"en-US": []}, ["x", 5]]
    for values in cases:
        with pytest.raises(ConfigurationError) as info:
            SlotTypeDeclaration.build(LONG, values)
        assert len(str(info.value)) <= BOUND, str(info.value)[:300]


def test_a_handler_s_slots_refused_quote_the_names_cut() -> None:
    skill = Skill(SKILL_ID)
    slot = "s" * 5_000
    with pytest.raises(ConfigurationError) as info:

        @skill.intent("I" * 5_000, utterances=[f"say {{{slot}}} {'x' * 5_000}"], slots={"t": "X"})
        def handler(other: str) -> None: ...

    message = str(info.value)
    assert len(message) <= 3 * BOUND, message[:300]  # (three problems)
    assert shown(slot) in message and shown("I" * 5_000) in message, message[:300]


def test_model_warnings_quote_intent_names_cut() -> None:
    skill = Skill(SKILL_ID)
    name = "I" * 5_000

    @skill.intent(name)
    def handler() -> None: ...

    @skill.intent("Other", utterances=["other"])
    def other() -> None: ...

    def before() -> None: ...

    skill.add_before_request(before, intents=["J" * 5_000])

    warnings = model_warnings(skill)
    assert len(warnings) >= 2, warnings
    assert all(len(each) <= BOUND for each in warnings), [each[:300] for each in warnings]
    assert any(shown_value(name) in each for each in warnings), warnings


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (5, "slot type Size: 5 is not a value name, SlotTypeValue or mapping with a 'name'"),
        (
            {"name": {"value": 5}},
            "slot type Size: {'name': {'value': 5}}: as Amazon's model writes a value, 'name' "
            "is {'value': ..., 'synonyms': [...]}; ",
        ),
    ],
    ids=["no value", "amazon's form"],
)
def test_a_slot_type_value_refused_is_said_in_whole_words(value: Any, said: str) -> None:
    # (the message's start: its pieces, written apart, join with one space each)
    with pytest.raises(ConfigurationError) as info:
        SlotTypeDeclaration.build("Size", [value])
    assert str(info.value).startswith(said), str(info.value)


def _unannotated(skill: Skill) -> None:
    """A handler of an undeclared intent whose long parameter has no annotation."""
    handler: Any = eval(f"lambda {'p' * 5_000}: None")  # (a name of 5,000 characters)
    skill.intent("I" * 5_000)(handler)


def _sampleless(skill: Skill) -> None:
    """A handler of an intent with a long name and no samples."""
    skill.intent("I" * 5_000)(lambda: None)


def _untyped(skill: Skill) -> None:
    """A slot whose long type is never declared."""

    def handler(s: str) -> None: ...

    skill.intent("Go", utterances=["go {s}"], slots={"s": "T" * 5_000})(handler)


@pytest.mark.parametrize("declare", [_unannotated, _sampleless, _untyped])
def test_a_model_s_problems_quote_the_names_of_intents_slots_and_types_cut(
    declare: Any,
) -> None:
    # A parameter's, an intent's or a slot type's name of 5,000 characters was quoted whole
    # (twice or thrice: "@skill.intent('III…', slots={'ppp…': ...})"), 10,000 to 30,000
    # characters a problem.
    skill = Skill(SKILL_ID)
    declare(skill)
    with pytest.raises(InteractionModelError) as info:
        build_interaction_model(skill, locale="en-US", invocation="trip planner")
    problems = info.value.problems
    assert problems and all(len(each) <= BOUND for each in problems), [p[:300] for p in problems]


@pytest.mark.parametrize("key", ["x" * 5_000, "en-" + "X" * 5_000])
def test_a_locale_key_refused_is_quoted_cut(key: str) -> None:
    # "slot type Size: values (keys are locales ...): 'xxx…' is not a locale Alexa supports"
    # quoted the key whole (locale_problem), 5,000 characters and more.
    with pytest.raises(ConfigurationError) as info:
        SlotTypeDeclaration.build("Size", {key: ["small"]})
    assert len(str(info.value)) <= BOUND and shown_value(key) in str(info.value)

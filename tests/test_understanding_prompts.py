"""The dialog model's prompts and validations as the offline emulation says and checks them.

Which variation is said, what a ``{slot}`` says, a prompt naming a slot without a value, a
validation no value can pass, and multiple-value slots with validations (the pizza model of
tests/fixtures/models/en-US.json, changed a little in each test).
"""

from __future__ import annotations

import copy
import datetime
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from alexaskill.understanding import (
    InteractionModel,
    Understander,
    check_model,
    language_for,
    register_language,
)
from alexaskill.understanding.dialog import Conversation
from alexaskill.understanding.languages import _CACHE, _FACTORIES
from alexaskill.understanding.languages.english import English

from .dialog_shared import MODEL_FILE, NOW, Skill, delegate
from .understanding_shared import english_without

BASE = json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def pizza() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def prompt(data: dict[str, Any], prompt_id: str, *texts: str) -> None:
    """Give prompt ``prompt_id`` these variations (PlainText)."""
    [entry] = [p for p in data["interactionModel"]["prompts"] if p["id"] == prompt_id]
    entry["variations"] = [{"type": "PlainText", "value": text} for text in texts]


def confirmed(data: dict[str, Any], name: str, text: str) -> None:
    """Have slot ``name`` of the pizza order confirmed, with prompt ``text`` (PlainText)."""
    [intent] = data["interactionModel"]["dialog"]["intents"]
    [slot] = [slot for slot in intent["slots"] if slot["name"] == name]
    slot["confirmationRequired"] = True
    slot["prompts"]["confirmation"] = f"Confirm.Slot.Order.{name}"
    data["interactionModel"]["prompts"].append(
        {
            "id": f"Confirm.Slot.Order.{name}",
            "variations": [{"type": "PlainText", "value": text}],
        }
    )


def talk(data: dict[str, Any], skill: Skill | None = None) -> tuple[Conversation, Skill]:
    skill = skill or Skill()
    understander = Understander(InteractionModel.from_json(data))
    return Conversation(understander, skill, now=lambda: NOW), skill


# --- which variation ------------------------------------------------------------------------------


def test_the_variations_of_a_prompt_are_said_in_turn() -> None:
    data = pizza()
    variations = ("What size would you like?", "Which size?", "Small, medium or large?")
    prompt(data, "Elicit.Slot.Order.size", *variations)
    conversation, _ = talk(data)
    heard = [conversation.say("order a pizza").prompts for _ in range(4)]
    # Each time the prompt is said in a session, the next variation: every one is heard, and a
    # test sees the same prompts on every run (Alexa picks one at random).
    assert heard == [[variations[0]], [variations[1]], [variations[2]], [variations[0]]]
    conversation.new_session()
    assert conversation.say("order a pizza").prompts == [variations[0]]


# --- {slot} in a prompt ------------------------------------------------------------------------


def test_a_slot_in_a_prompt_says_what_the_user_said() -> None:
    conversation, skill = talk(pizza())
    conversation.say("order two large pizzas")
    # AMAZON.TIME "19:00" is the value sent; the user said "seven p m", and hears it back.
    assert conversation.say("seven p m").prompts == ["At seven p m, right?"]
    assert skill.slot("time")["value"] == "19:00"


def test_the_intent_confirmation_says_each_slot_as_heard() -> None:
    conversation, _ = talk(pizza())
    conversation.say("order two large pizzas")
    conversation.say("seven p m")
    assert conversation.say("yes").prompts == ["two large pizzas at seven p m. Shall I order?"]


def test_a_variation_naming_a_slot_without_a_value_is_passed_over() -> None:
    data = pizza()
    prompt(data, "Elicit.Slot.Order.time", "When should we bring the {toppings}?", "When?")
    conversation, _ = talk(data)
    conversation.say("order two large pizzas")
    assert conversation.say("order two large pizzas").prompts == ["When?"]


def test_a_prompt_whose_every_variation_names_a_slot_without_a_value_is_a_model_problem() -> None:
    data = pizza()
    prompt(data, "Elicit.Slot.Order.time", "When should we bring the {toppings}?")
    conversation, _ = talk(data)
    turn = conversation.say("order two large pizzas")
    # Not "When should we bring the ?": the author sees the gap, and why.
    assert turn.prompts == ["When should we bring the {toppings}?"]
    assert any("model problem" in note and "{toppings}" in note for note in turn.notes)
    # And `alexaskill model --check` says so before anyone talks to the skill, when Alexa runs
    # the dialog (with manual delegation the skill may fill the slot before it delegates).
    warnings = [str(f) for f in check_model(InteractionModel.from_json(data))]
    assert not any("{toppings}" in w for w in warnings)
    data["interactionModel"]["dialog"]["intents"][0]["delegationStrategy"] = "ALWAYS"
    warnings = [str(f) for f in check_model(InteractionModel.from_json(data))]
    assert any("{toppings}" in w and "Elicit.Slot.Order.time" in w for w in warnings)


def test_a_validation_prompt_says_the_value_that_failed() -> None:
    data = pizza()
    prompt(data, "Slot.Validation.Order.size", "We have no {size} size. Which size?")
    conversation, _ = talk(data)
    conversation.say("order a pizza")
    assert conversation.say("a huge one").prompts == ["We have no huge size. Which size?"]


# --- validations no value passes ----------------------------------------------------------------


def never_passing() -> dict[str, Any]:
    data = pizza()
    [intent] = data["interactionModel"]["dialog"]["intents"]
    [count] = [slot for slot in intent["slots"] if slot["name"] == "count"]
    count["validations"] = [
        {"type": "isGreaterThan", "prompt": "Slot.Validation.Order.count.1", "value": "10"},
        {"type": "isLessThanOrEqualTo", "prompt": "Slot.Validation.Order.count.2", "value": "10"},
    ]
    return data


def test_a_validation_no_value_can_pass_is_reported() -> None:
    data = never_passing()
    errors = [
        f.message for f in check_model(InteractionModel.from_json(data)) if f.level == "error"
    ]
    assert any("slot count" in e and "no value can pass" in e for e in errors)
    conversation, _ = talk(data)
    conversation.say("order a large pizza")
    turn = conversation.say("five")
    assert any("model problem" in note and "no value can pass" in note for note in turn.notes)


def test_alexa_gives_up_after_values_keep_failing_validation() -> None:
    conversation, skill = talk(never_passing())
    conversation.say("order a large pizza")
    turns = [conversation.say(said) for said in ("five", "six", "seven")]
    assert all(turn.prompts for turn in turns[:2])
    last = turns[-1]
    assert last.prompts == []
    assert not last.session_open
    assert skill.last == {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}


def test_an_empty_time_window_is_reported() -> None:
    data = pizza()
    [intent] = data["interactionModel"]["dialog"]["intents"]
    [time] = [slot for slot in intent["slots"] if slot["name"] == "time"]
    time["validations"] = [
        {
            "type": "isInDuration",
            "prompt": "Slot.Validation.Order.size",
            "start": "PT2H",
            "end": "PT1H",
        }
    ]
    errors = [
        f.message for f in check_model(InteractionModel.from_json(data)) if f.level == "error"
    ]
    assert any("slot time" in e and "no value can pass" in e for e in errors)


def test_an_empty_day_window_is_found_on_the_utc_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # check_model has no clock, and took the machine's local date where a missing clock means
    # UTC everywhere else (Understander, Conversation). A machine clock set to a zone whose date
    # is another than UTC's now (14 hours east after noon UTC, 12 west before): a window from
    # the later of the two dates to "P0D" (today) is empty on the UTC date only if UTC's is the
    # earlier one.
    data = pizza()
    for intent in (
        *data["interactionModel"]["languageModel"]["intents"],
        *data["interactionModel"]["dialog"]["intents"],
    ):
        for slot in intent.get("slots", ()):
            if slot["name"] == "time":
                slot["type"] = "AMAZON.DATE"
    [intent] = data["interactionModel"]["dialog"]["intents"]
    [when] = [slot for slot in intent["slots"] if slot["name"] == "time"]
    try:
        for _ in range(3):  # again if the UTC date changed meanwhile (at noon or midnight)
            utc = datetime.datetime.now(datetime.UTC)
            east = utc.hour >= 12
            local = utc + datetime.timedelta(hours=14 if east else -12)
            monkeypatch.setenv("TZ", "EAST-14" if east else "WEST+12")
            time.tzset()
            assert datetime.date.today() == local.date() != utc.date()
            start = max(local.date(), utc.date())
            when["validations"] = [
                {
                    "type": "isInDuration",
                    "prompt": "Slot.Validation.Order.size",
                    "start": start.isoformat(),
                    "end": "P0D",
                }
            ]
            findings = check_model(InteractionModel.from_json(data))
            if datetime.datetime.now(datetime.UTC).date() == utc.date():
                break
    finally:
        monkeypatch.undo()
        time.tzset()
    empty = [f.message for f in findings if "no value can pass" in f.message]
    assert bool(empty) == (start > utc.date()), (start, utc, empty)


# --- multiple-value slots -------------------------------------------------------------------------


def test_each_value_of_a_multiple_value_slot_is_validated() -> None:
    data = pizza()
    [intent] = data["interactionModel"]["dialog"]["intents"]
    [toppings] = [slot for slot in intent["slots"] if slot["name"] == "toppings"]
    toppings["validations"] = [
        {"type": "hasEntityResolutionMatch", "prompt": "Slot.Validation.Order.size"},
        {"type": "isNotInSet", "prompt": "Slot.Validation.Order.count.1", "values": ["ham"]},
    ]
    prompt(data, "Slot.Validation.Order.size", "Which toppings?")
    prompt(data, "Slot.Validation.Order.count.1", "No {toppings} today. Which toppings?")
    conversation, skill = talk(data)
    # Two listed toppings: each has its entity resolution match; none is ham.
    turn = conversation.say("order a large pizza with mushrooms and olives")
    assert turn.prompts == ["How many large pizzas?"]
    assert [v["value"] for v in skill.slot("toppings")["slotValue"]["values"]] == [
        "mushrooms",
        "olives",
    ]
    # One value of the list fails a rule: the list is asked for again; {toppings} says
    # the value refused, not the whole list ("No olives and ham today").
    conversation.new_session()
    turn = conversation.say("order a large pizza with olives and ham")
    assert turn.prompts == ["No ham today. Which toppings?"]


def auto(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with Alexa running the dialog (auto delegation)."""
    data["interactionModel"]["dialog"]["intents"][0]["delegationStrategy"] = "ALWAYS"
    return data


def warnings_of(data: dict[str, Any]) -> list[str]:
    return [
        f.message for f in check_model(InteractionModel.from_json(data)) if f.level == "warning"
    ]


def test_an_elicitation_prompt_may_name_only_the_slots_asked_before() -> None:
    data = auto(pizza())
    # size is asked first, count second, time third.
    prompt(data, "Elicit.Slot.Order.size", "What size, for {count} pizzas?")
    prompt(data, "Elicit.Slot.Order.time", "When should we bring the {count} {size} pizzas?")
    warnings = warnings_of(data)
    assert any("Elicit.Slot.Order.size" in w and "{count}" in w for w in warnings)
    assert not any("Elicit.Slot.Order.time" in w for w in warnings)


def test_a_slot_confirmation_prompt_may_name_only_the_slots_asked_before() -> None:
    data = auto(pizza())
    # time is confirmed as soon as it has a value: size and count are asked before it, so its
    # confirmation may name them; a confirmation of size is said before count is asked for.
    prompt(data, "Confirm.Slot.Order.time", "{count} {size} pizzas at {time}, right?")
    confirmed(data, "size", "{count} {size} pizzas?")
    warnings = warnings_of(data)
    assert any("Confirm.Slot.Order.size" in w and "{count}" in w for w in warnings)
    assert not any("Confirm.Slot.Order.time" in w for w in warnings)
    conversation, _ = talk(data)
    conversation.say("order a pizza")
    turn = conversation.say("large")
    assert turn.prompts == ["{count} large pizzas?"]
    assert any("model problem" in note and "{count}" in note for note in turn.notes)


def test_a_validation_prompt_may_name_only_its_own_slot() -> None:
    data = auto(pizza())
    # time is required, but asked after size: a size that fails is refused before.
    prompt(data, "Slot.Validation.Order.size", "We have no {size} size for {time}.", "Which size?")
    warnings = warnings_of(data)
    [warning] = [w for w in warnings if "Slot.Validation.Order.size" in w]
    assert "{time}" in warning and "{size}" not in warning
    # The advice fits: time is already required, and asking it first would not help.
    assert "make the slot required" not in warning
    assert "before Alexa asks for" in warning
    conversation, _ = talk(data)
    turn = conversation.say("order a huge pizza")
    assert turn.prompts == ["Which size?"]
    # Every variation naming {time}: the emulation notes the model problem, with the same advice.
    prompt(data, "Slot.Validation.Order.size", "We have no {size} size for {time}.")
    conversation, _ = talk(data)
    turn = conversation.say("order a huge pizza")
    assert turn.prompts == ["We have no huge size for {time}."]
    [note] = [note for note in turn.notes if "model problem" in note]
    assert "{time}" in note and "required and asked before" not in note
    assert "before Alexa asks for" in note


# --- {slot} in SSML, a value that changed ---------------------------------------------------------


def test_a_value_in_an_ssml_prompt_is_escaped() -> None:
    data = pizza()
    [entry] = [
        p for p in data["interactionModel"]["prompts"] if p["id"] == "Confirm.Slot.Order.time"
    ]
    entry["variations"] = [
        {"type": "SSML", "value": '<speak><sub alias="Pizza Place">PP</sub> at {time}?</speak>'}
    ]
    # A value the skill set is said as the request carries it: '&' and '<' are text there, and
    # the prompt stays SSML (the <sub> is said as its alias, not dropped as broken markup).
    for value in ("noon & later", "<b>noon</b>"):
        conversation, skill = talk(data)
        conversation.say("order two large pizzas")
        updated = copy.deepcopy(skill.last["intent"])
        updated["slots"]["time"]["value"] = value
        skill.replies.append(delegate(updated))
        assert conversation.say("seven p m").prompts == [f"Pizza Place at {value}?"]


def test_a_value_the_skill_changed_is_said_as_it_is_now() -> None:
    conversation, skill = talk(pizza())
    conversation.say("order two large pizzas")
    assert conversation.say("seven p m").prompts == ["At seven p m, right?"]
    # The user said "seven p m" for 19:00; the skill moves it to 20:00: the words are stale.
    later = copy.deepcopy(skill.last["intent"])
    later["slots"]["time"]["value"] = "20:00"
    skill.replies.append(delegate(later))
    assert conversation.say("no").prompts == ["At 20:00, right?"]


def test_values_failing_in_a_row_count_again_after_one_passes() -> None:
    data = pizza()
    confirmed(data, "count", "{count}?")
    conversation, _ = talk(data)
    conversation.say("order a large pizza")
    assert conversation.say("twenty").prompts == ["We deliver ten at most. How many?"]
    assert conversation.say("thirty").prompts == ["We deliver ten at most. How many?"]
    assert conversation.say("two").prompts == ["two?"]  # confirmed before time is asked for
    assert conversation.say("no").prompts == ["How many large pizzas?"]
    # Two failures, a pass, one failure: not 3 in a row, so Alexa asks again.
    turn = conversation.say("forty")
    assert turn.prompts == ["We deliver ten at most. How many?"]
    assert turn.session_open


# --- words a built-in type reads with its value, per language -----------------------------------


def test_english_leaves_the_words_read_with_a_value_out_of_a_prompt() -> None:
    assert language_for("en-GB").value_carriers >= {"at", "on", "for"}
    conversation, _ = talk(pizza())
    conversation.say("order two large pizzas")
    assert conversation.say("at seven p m").prompts == ["At seven p m, right?"]


class _Carried(English):
    """English words, with the carriers of a language that says "um sieben" for "at seven"."""

    value_carriers = frozenset({"um", "am"})

    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        english = self._parsers["AMAZON.TIME"]

        def time(words: Sequence[str], now: datetime.datetime) -> str | None:
            return english(words[1:] if words[:1] == ["um"] else words, now)

        self._parsers["AMAZON.TIME"] = time


@pytest.fixture
def carried() -> Iterator[str]:
    locale = "zz-ZZ"
    register_language(_Carried, [locale])
    yield locale
    _FACTORIES.pop(locale, None)
    _CACHE.pop(locale, None)


def test_a_language_gives_the_words_its_slot_types_read_with_a_value(carried: str) -> None:
    # A prompt says the value as the user said it, without the words the language's slot type
    # reads along with it ("um" here, not English's "at").
    understander = Understander(InteractionModel.from_json(pizza()), locale=carried)
    conversation = Conversation(understander, Skill(), now=lambda: NOW)
    conversation.say("order two large pizzas")
    assert conversation.say("um seven p m").prompts == ["At seven p m, right?"]
    conversation.new_session()
    conversation.say("order two large pizzas")
    assert conversation.say("at seven p m").prompts == ["At at seven p m, right?"]


@pytest.fixture
def uncarried() -> Iterator[str]:
    locale = "zy-ZY"
    register_language(english_without("value_carriers"), [locale])
    yield locale
    _FACTORIES.pop(locale, None)
    _CACHE.pop(locale, None)


def test_a_language_without_value_carriers_has_none(uncarried: str) -> None:
    # The CHANGELOG promised it when `value_carriers` joined the interface: `language_for`
    # gives such a language the interface's default, as it gives `particles`. The prompt says
    # the value with "at", none left out.
    assert language_for(uncarried).value_carriers == frozenset()
    understander = Understander(InteractionModel.from_json(pizza()), locale=uncarried)
    conversation = Conversation(understander, Skill(), now=lambda: NOW)
    conversation.say("order two large pizzas")
    assert conversation.say("at seven p m").prompts == ["At at seven p m, right?"]

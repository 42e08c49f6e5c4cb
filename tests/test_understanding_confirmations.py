"""Confirmations as Alexa asks them in a dialog: a yes, a no, a new value said instead, for a
slot or for the whole intent (the pizza model, tests/fixtures/models/en-US.json, and a trip
planner that confirms its city)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation

from .dialog_shared import MODEL_FILE, NOW, Skill, answer, conversation, trip_confirming_city


def confirming_size(delegation: str) -> Conversation:
    """The pizza model with ``size`` confirmed too: it is asked first, before count and time."""
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    [intent] = data["interactionModel"]["dialog"]["intents"]
    intent["delegationStrategy"] = delegation
    [size] = [slot for slot in intent["slots"] if slot["name"] == "size"]
    size["confirmationRequired"] = True
    size["prompts"]["confirmation"] = "Confirm.Slot.Order.size"
    data["interactionModel"]["prompts"].append(
        {"id": "Confirm.Slot.Order.size", "variations": [{"type": "PlainText", "value": "{size}?"}]}
    )
    return Conversation(Understander(InteractionModel.from_json(data)), Skill(), now=lambda: NOW)


def asked_to_confirm(delegation: str, *, order: bool = False) -> tuple[Skill, Conversation]:
    """The pizza model (``delegation``) once "order two large pizzas" and "seven p m" are said:
    Alexa asks to confirm the time; with ``order``, a yes said to that too: it asks to confirm
    the order (the intent)."""
    skill = Skill()
    talk = conversation(skill, delegation=delegation)
    confirming(talk, order=order)
    return skill, talk


def confirming(talk: Conversation, *, order: bool) -> None:
    """Say what takes ``talk`` (the pizza model) to the time's confirmation (`asked_to_confirm`)."""
    talk.say("order two large pizzas")
    turn = talk.say("seven p m")
    assert (turn.prompts, turn.expecting) == (["At seven p m, right?"], "confirmation of slot time")
    if order:
        assert talk.say("yes").expecting == "confirmation of the intent"


@pytest.mark.parametrize("delegation", ["ALWAYS", "SKILL_RESPONSE"])
def test_a_slot_is_confirmed_as_soon_as_it_is_filled(delegation: str) -> None:
    # Amazon: the user confirms a slot "before proceeding"; Alexa asks the confirmation of a
    # slot right after its value, before it asks for the next slot.
    talk = confirming_size(delegation)
    assert talk.say("order a pizza").prompts == ["What size would you like?"]
    turn = talk.say("large")
    assert turn.prompts == ["large?"]
    assert turn.expecting == "confirmation of slot size"
    assert talk.say("yes").prompts == ["How many large pizzas?"]
    # A value that fails validation is refused before it is confirmed.
    talk.new_session()
    talk.say("order a pizza")
    assert talk.say("a huge one").prompts == ["We have small, medium and large. Which size?"]
    assert talk.say("small").prompts == ["small?"]
    # Denied: asked for again, then confirmed again.
    assert talk.say("no").prompts == ["What size would you like?"]
    assert talk.say("medium").prompts == ["medium?"]
    # A value given with the request is confirmed in the slot's turn, before the next slot.
    talk.new_session()
    assert talk.say("order a large pizza").prompts == ["large?"]


@pytest.mark.parametrize("delegation", ["SKILL_RESPONSE", "ALWAYS"])
@pytest.mark.parametrize("said", ["no, eight p m", "eight p m"])
def test_a_new_value_said_while_a_slot_is_confirmed_replaces_it(delegation: str, said: str) -> None:
    # Asked "At seven p m, right?", the user answers with another time rather than yes or no:
    # the new value replaces the old one, unconfirmed, and is confirmed in turn; the dialog
    # goes on (it left the dialog for the fallback intent before).
    skill, talk = asked_to_confirm(delegation)
    sent = len(skill.sent)
    turn = talk.say(said)
    assert turn.prompts == ["At eight p m, right?"]
    assert turn.expecting == "confirmation of slot time"
    assert any("new value for slot time" in note for note in turn.notes), turn.notes
    if delegation == "SKILL_RESPONSE":
        assert skill.sent[sent][0]["dialogState"] == "IN_PROGRESS"
        time = skill.sent[sent][0]["intent"]["slots"]["time"]
        assert (time["value"], time["confirmationStatus"]) == ("20:00", "NONE")
    else:
        assert len(skill.sent) == sent  # auto delegation: nothing goes to the skill yet
    talk.say("yes")
    talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.slot("time")["value"] == "20:00"
    assert skill.slot("time")["confirmationStatus"] == "CONFIRMED"


def test_a_new_value_answers_a_confirmation_the_skill_asked_for() -> None:
    skill = Skill(
        answer(
            "Two pizzas, right?",
            end=False,
            directives=[{"type": "Dialog.ConfirmSlot", "slotToConfirm": "count"}],
        ),
        answer("Three it is.", end=False, directives=[{"type": "Dialog.Delegate"}]),
    )
    talk = conversation(skill)
    talk.say("get me two pizzas")
    talk.say("no, three")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    count = skill.slot("count")
    assert (count["value"], count["confirmationStatus"]) == ("3", "NONE")


def test_while_a_slot_is_confirmed_words_that_do_not_fill_it_are_no_new_value() -> None:
    # "order a large pizza" matches one of OrderPizza's samples, as an answer may, but fills
    # size, not count: it is no new value for the count being confirmed (nor a yes or a no).
    skill = Skill(
        answer(
            "Two pizzas, right?",
            end=False,
            directives=[{"type": "Dialog.ConfirmSlot", "slotToConfirm": "count"}],
        ),
    )
    talk = conversation(skill)
    talk.say("get me two pizzas")
    turn = talk.say("order a large pizza")
    assert not any("new value for slot count" in note for note in turn.notes), turn.notes
    # It is a new request for the intent, as Alexa would take it: the dialog starts again.
    assert skill.last["dialogState"] == "STARTED"
    assert skill.slot("size")["value"] == "large"
    assert "value" not in skill.slot("count")


@pytest.mark.parametrize("delegation", ["SKILL_RESPONSE", "ALWAYS"])
@pytest.mark.parametrize("said", ["make it medium", "no, make it medium", "medium"])
def test_a_new_value_said_while_the_intent_is_confirmed_replaces_it(
    delegation: str, said: str
) -> None:
    # Asked "two large pizzas at seven p m. Shall I order?", the user changes a slot rather
    # than saying yes or no: the value replaces the old one, the intent is not confirmed yet
    # (NONE), and Alexa asks the intent's confirmation again. It left the dialog for the
    # fallback intent before.
    skill, talk = asked_to_confirm(delegation, order=True)
    sent = len(skill.sent)
    turn = talk.say(said)
    assert turn.prompts == ["two medium pizzas at seven p m. Shall I order?"]
    assert turn.expecting == "confirmation of the intent"
    assert any("new value for slot size" in note for note in turn.notes), turn.notes
    if delegation == "SKILL_RESPONSE":
        request = skill.sent[sent][0]
        assert request["dialogState"] == "IN_PROGRESS"
        assert request["intent"]["confirmationStatus"] == "NONE"
        assert request["intent"]["slots"]["size"]["value"] == "medium"
        assert request["intent"]["slots"]["time"]["confirmationStatus"] == "CONFIRMED"
    else:
        assert len(skill.sent) == sent  # auto delegation: nothing goes to the skill yet
    talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.last["intent"]["confirmationStatus"] == "CONFIRMED"
    assert skill.slot("size")["value"] == "medium"


@pytest.mark.parametrize("delegation", ["SKILL_RESPONSE", "ALWAYS"])
def test_a_value_said_again_at_the_intent_confirmation_keeps_its_confirmation(
    delegation: str,
) -> None:
    # The time was confirmed; said again as it is ("seven p m") where the intent's
    # confirmation was asked, it is no new value: still CONFIRMED, not asked again.
    skill, talk = asked_to_confirm(delegation, order=True)
    sent = len(skill.sent)
    turn = talk.say("seven p m")
    assert turn.prompts == ["two large pizzas at seven p m. Shall I order?"]
    assert turn.expecting == "confirmation of the intent"
    if delegation == "SKILL_RESPONSE":
        request = skill.sent[sent][0]
        assert request["intent"]["slots"]["time"]["value"] == "19:00"
        assert request["intent"]["slots"]["time"]["confirmationStatus"] == "CONFIRMED"
        assert request["intent"]["confirmationStatus"] == "NONE"
    talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.slot("time")["confirmationStatus"] == "CONFIRMED"


@pytest.mark.parametrize("delegation", ["SKILL_RESPONSE", "ALWAYS"])
def test_the_best_reading_at_the_intent_confirmation_wins_not_the_first_slot(
    delegation: str,
) -> None:
    # With "make it {count}" and "make it {time}" samples beside size's "make it {size}",
    # "make it eight p m" fits all three samples' words: size (a custom type, first in the
    # model) would take "eight p m" as a size, count takes no "p m"; it is a time, the
    # best reading, not the first slot's in the model's order.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["interactionModel"]["dialog"]["intents"][0]["delegationStrategy"] = delegation
    [intent] = [
        entry
        for entry in data["interactionModel"]["languageModel"]["intents"]
        if entry["name"] == "OrderPizza"
    ]
    for slot in intent["slots"]:
        if slot["name"] in ("count", "time"):
            slot["samples"] = [f"{{{slot['name']}}}", f"make it {{{slot['name']}}}"]
    skill = Skill()
    talk = Conversation(Understander(InteractionModel.from_json(data)), skill, now=lambda: NOW)
    confirming(talk, order=True)
    turn = talk.say("make it eight p m")
    assert turn.prompts == ["At eight p m, right?"]
    assert any("new value for slot time" in note for note in turn.notes), turn.notes
    talk.say("yes")
    talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.slot("time")["value"] == "20:00"
    assert (skill.slot("size")["value"], skill.slot("count")["value"]) == ("large", "2")
    # Where two readings are as good ("make it eight": a count or a time), the model's order.
    confirming(talk, order=True)
    assert talk.say("make it eight").prompts == ["eight large pizzas at seven p m. Shall I order?"]


def test_a_new_value_for_a_confirmed_slot_is_confirmed_again_before_the_intent() -> None:
    # The time needs the user's confirmation: a new time said at the intent's confirmation is
    # confirmed first, then the intent.
    skill, talk = asked_to_confirm("ALWAYS", order=True)
    assert talk.say("no, eight p m").prompts == ["At eight p m, right?"]
    turn = talk.say("yes")
    assert turn.prompts == ["two large pizzas at eight p m. Shall I order?"]
    talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert (skill.slot("time")["value"], skill.slot("time")["confirmationStatus"]) == (
        "20:00",
        "CONFIRMED",
    )


def test_a_new_value_answers_an_intent_confirmation_the_skill_asked_for() -> None:
    skill = Skill(
        answer(
            "Two large pizzas, shall I?",
            end=False,
            directives=[{"type": "Dialog.ConfirmIntent"}],
        ),
        answer("Medium it is.", end=False, directives=[{"type": "Dialog.Delegate"}]),
    )
    talk = conversation(skill)
    talk.say("order two large pizzas")
    turn = talk.say("make it medium")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    assert skill.last["intent"]["confirmationStatus"] == "NONE"
    assert skill.slot("size")["value"] == "medium"
    assert skill.slot("count")["value"] == "2"
    assert any("new value for slot size" in note for note in turn.notes), turn.notes


def test_a_new_value_after_the_skill_asks_again_for_a_denied_intent_is_unconfirmed() -> None:
    # The user denied the intent; the skill asked its confirmation again (Dialog.ConfirmIntent)
    # and the user changes a slot instead: the intent goes to the skill unconfirmed (NONE),
    # not still DENIED.
    skill = Skill(
        answer(
            "Two large pizzas, shall I?", end=False, directives=[{"type": "Dialog.ConfirmIntent"}]
        ),
        answer(
            "Not then. Shall I anyway?", end=False, directives=[{"type": "Dialog.ConfirmIntent"}]
        ),
        answer("Medium it is.", end=False, directives=[{"type": "Dialog.Delegate"}]),
    )
    talk = conversation(skill)
    talk.say("order two large pizzas")
    talk.say("no")
    assert skill.last["intent"]["confirmationStatus"] == "DENIED"
    talk.say("make it medium")
    assert skill.slot("size")["value"] == "medium"
    assert skill.last["intent"]["confirmationStatus"] == "NONE"


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("help", "AMAZON.HelpIntent"),
        ("blah blah", "AMAZON.FallbackIntent"),  # words no slot knows
    ],
)
def test_another_request_at_the_intent_confirmation_still_leaves_the_dialog(
    said: str, intent: str
) -> None:
    skill, talk = asked_to_confirm("ALWAYS", order=True)
    turn = talk.say(said)
    assert skill.last["intent"]["name"] == intent
    assert turn.expecting is None


def confirm_size() -> dict[str, Any]:
    return answer(
        "A large one, right?",
        end=False,
        directives=[{"type": "Dialog.ConfirmSlot", "slotToConfirm": "size"}],
    )


def test_words_a_custom_type_would_take_are_no_correction_of_a_confirmation() -> None:
    # Asked to confirm a size (a custom type, which takes any words as a value), "blah blah" is
    # neither yes, no nor a size: it is not read as a new size (it became the size before).
    skill = Skill(confirm_size())
    talk = conversation(skill)
    talk.say("order a large pizza")
    turn = talk.say("blah blah")
    assert turn.understood is not None and turn.understood.intent == "AMAZON.FallbackIntent"
    assert skill.last["intent"]["name"] == "AMAZON.FallbackIntent"
    # A listed size said alone still corrects it.
    skill.replies.append(confirm_size())
    talk.say("order a large pizza")
    talk.say("medium")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    assert skill.slot("size")["value"] == "medium"


@pytest.mark.parametrize("delegation", ["SKILL_RESPONSE", "ALWAYS"])
@pytest.mark.parametrize("said", ["no, not then", "no, blah blah"])
def test_a_no_said_with_words_that_are_no_value_is_a_denial_of_the_slot(
    delegation: str, said: str
) -> None:
    # Asked "At seven p m, right?", "no, not then" left the dialog for AMAZON.FallbackIntent:
    # the words after "no" are no time, and the whole was neither a yes nor a no. The user
    # denied the value: DENIED, as "no" alone, and Alexa asks for the time again (auto).
    skill, talk = asked_to_confirm(delegation)
    sent = len(skill.sent)
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == "AMAZON.NoIntent"
    assert any("no new value for slot time" in note for note in turn.notes), turn.notes
    if delegation == "SKILL_RESPONSE":
        request = skill.sent[sent][0]
        assert request["dialogState"] == "IN_PROGRESS"
        time = request["intent"]["slots"]["time"]
        assert (time["value"], time["confirmationStatus"]) == ("19:00", "DENIED")
    else:
        assert turn.prompts == ["When should we deliver?"]
        assert len(skill.sent) == sent


@pytest.mark.parametrize(
    ("city_type", "prompts"),
    [("AMAZON.City", ["Where to?"]), ("Cities", ["Berlin, right?"])],
)
def test_no_and_a_city_to_confirm_is_a_new_city_or_a_denial(
    city_type: str, prompts: list[str]
) -> None:
    # "no, Berlin" asked "paris, right?" left the dialog for AMAZON.FallbackIntent when the city
    # was free-form (AMAZON.City takes any words: "Berlin" is no value its type knows). It is a
    # denial: asked again. A listed city after the no is the new value, as before.
    skill, talk = trip_confirming_city(city_type)
    assert talk.say("plan a trip to paris").prompts == ["paris, right?"]
    turn = talk.say("no, Berlin")
    assert turn.prompts == prompts
    assert not skill.sent  # auto delegation: nothing goes to the skill yet


@pytest.mark.parametrize("said", ["no, paris", "no paris", "no, paris instead"])
def test_no_and_a_listed_city_to_confirm_denies_it_for_the_new_city(said: str) -> None:
    # Asked "berlin, right?", a no with a listed city denies berlin and gives the new value,
    # not confirmed yet (NONE): Alexa asks to confirm it in turn, as the dialog model says.
    skill, talk = trip_confirming_city("Cities")
    assert talk.say("plan a trip to berlin").prompts == ["berlin, right?"]
    turn = talk.say(said)
    assert turn.prompts == ["paris, right?"]
    assert any("new value for slot city" in note for note in turn.notes), turn.notes
    talk.say("yes")
    city = skill.last["intent"]["slots"]["city"]
    assert (city["value"], city["confirmationStatus"]) == ("paris", "CONFIRMED")


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
def test_yes_and_the_value_to_confirm_confirms_it(city_type: str) -> None:
    # "yes, paris" asked "paris, right?" left the dialog for AMAZON.YesIntent (a free-form
    # city), or was "paris" said again, asked again (a listed one). It is a yes.
    skill, talk = trip_confirming_city(city_type)
    talk.say("plan a trip to paris")
    turn = talk.say("yes, paris")
    assert turn.understood is not None and turn.understood.intent == "AMAZON.YesIntent"
    assert skill.last["dialogState"] == "COMPLETED"
    city = skill.last["intent"]["slots"]["city"]
    assert (city["value"], city["confirmationStatus"]) == ("paris", "CONFIRMED")


@pytest.mark.parametrize(
    ("first", "again"),
    [
        # "yes, nyc" asked "new york, right?" was no yes: the words said again were compared
        # with the value, and "nyc" is not "new york", though the type lists it as a synonym of
        # that value (entity resolution gives both one value). It was "nyc", asked again.
        ("new york", "yes, nyc"),
        ("new york", "yes, the big apple"),
        ("nyc", "yes, new york"),
        ("nyc", "yes, NYC"),  # as before: the words said again
        # "nyc" alone asked "new york, right?" was a new value, "nyc", and Alexa asked "nyc,
        # right?": the words were compared, not what entity resolution gives them.
        ("new york", "nyc"),
        ("new york", "the big apple"),
        ("nyc", "new york"),
        ("paris", "paris"),  # the same words: one value too, no longer asked again
    ],
)
def test_a_synonym_of_the_value_to_confirm_with_a_yes_or_alone_confirms_it(
    first: str, again: str
) -> None:
    # The same value said again, in other words, is a yes; the slot keeps the value first said.
    skill, talk = trip_confirming_city("Cities")
    assert talk.say(f"plan a trip to {first}").prompts == [f"{first}, right?"]
    turn = talk.say(again)
    assert turn.understood is not None and turn.understood.intent == "AMAZON.YesIntent"
    assert turn.prompts == []
    assert skill.last["dialogState"] == "COMPLETED"
    city = skill.last["intent"]["slots"]["city"]
    assert (city["value"], city["confirmationStatus"]) == (first, "CONFIRMED")


def test_yes_and_another_listed_value_is_no_confirmation() -> None:
    # Pinned: a yes said with another of the type's values is no yes to the value asked about.
    skill, talk = trip_confirming_city("Cities")
    talk.say("plan a trip to new york")
    turn = talk.say("yes, paris")
    assert turn.understood is None or turn.understood.intent != "AMAZON.YesIntent"
    assert not skill.sent


def test_a_no_said_with_words_that_are_no_value_is_a_denial_of_the_intent() -> None:
    skill, talk = asked_to_confirm("ALWAYS", order=True)
    talk.say("no, blah blah")
    assert skill.last["intent"]["name"] == "OrderPizza"
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.last["intent"]["confirmationStatus"] == "DENIED"


@pytest.mark.parametrize(
    ("said", "intent"), [("no, cancel", "AMAZON.CancelIntent"), ("no, help", "AMAZON.HelpIntent")]
)
def test_a_no_said_with_another_request_still_leaves_the_dialog(said: str, intent: str) -> None:
    skill, talk = asked_to_confirm("ALWAYS")
    talk.say(said)
    assert skill.last["intent"]["name"] == intent


def test_a_no_and_words_a_no_takes_back_deny_the_slot_asked_to_confirm() -> None:
    # Asked "paris, right?", "no, london no" left the dialog for AMAZON.FallbackIntent: whether
    # it denies was read as a request with no slot asked for, so as PlanTrip's "{city}" with the
    # (custom) city "no london no", no denial. With the slot asked for, the no said last takes
    # the value back, as it does of the answer: the words are a no, DENIED, and Alexa asks again.
    _, talk = trip_confirming_city("Cities", samples=("plan a trip to {city}", "{city}"))
    talk.say("plan a trip to paris")
    turn = talk.say("no, london no")
    assert turn.understood is not None and turn.understood.intent == "AMAZON.NoIntent"
    assert any("no new value for slot city" in note for note in turn.notes), turn.notes
    assert turn.prompts == ["Where to?"]

"""Dialogs as Alexa runs them, one step at a time, against a scripted skill.

The model is the hand-written pizza model (tests/fixtures/models/en-US.json): OrderPizza has a
required ``size`` (validated: a listed size), a required ``count`` (1 to 10), a required ``time``
that the user confirms, and an intent confirmation; manual delegation (SKILL_RESPONSE).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel

from .dialog_shared import MODEL_FILE, Reply, Skill, answer, conversation, delegate

MODEL = InteractionModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


def test_manual_delegation_step_by_step() -> None:
    skill = Skill()
    talk = conversation(skill)

    # The first turn goes to the skill, STARTED, in a new session; the skill delegates and
    # Alexa asks for the first required slot with its prompt.
    turn = talk.say("order a pizza")
    assert skill.last["dialogState"] == "STARTED"
    assert skill.sent[-1][1] is True  # a new session
    assert turn.prompts == ["What size would you like?"]
    assert turn.expecting == "slot size"
    assert (turn.dialog_intent, turn.dialog_state) == ("OrderPizza", "STARTED")
    assert turn.session_open

    # The answer, read with the slot's samples, goes to the skill IN_PROGRESS. The value is not
    # a listed size: the validation fails, Alexa says its prompt and asks again.
    turn = talk.say("a huge one")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    assert skill.slot("size")["value"] == "huge"
    assert turn.prompts == ["We have small, medium and large. Which size?"]
    assert turn.expecting == "slot size"
    assert skill.sent[-1][1] is False

    # A listed size passes; the next required slot's prompt says the size.
    turn = talk.say("large")
    assert skill.slot("size")["resolutions"]["resolutionsPerAuthority"][0]["status"] == {
        "code": "ER_SUCCESS_MATCH"
    }
    assert turn.prompts == ["How many large pizzas?"]

    # Number validations, in order; an SSML prompt is heard as words.
    assert talk.say("zero").prompts == ["At least one, please. How many?"]
    assert talk.say("twelve").prompts == ["We deliver ten at most. How many?"]
    turn = talk.say("two")
    assert skill.slot("count")["value"] == "2"
    assert turn.prompts == ["When should we deliver?"]

    # The time needs confirming; a "no" asks for it again.
    # A prompt says the value as the user said it ("seven p m"), not as it is sent ("19:00").
    assert talk.say("seven p m").prompts == ["At seven p m, right?"]
    turn = talk.say("no")
    assert skill.slot("time")["confirmationStatus"] == "DENIED"
    assert turn.prompts == ["When should we deliver?"]
    assert turn.expecting == "slot time"
    turn = talk.say("eight p m")
    assert skill.slot("time")["confirmationStatus"] == "NONE"
    assert turn.prompts == ["At eight p m, right?"]
    turn = talk.say("yes")
    assert skill.slot("time")["confirmationStatus"] == "CONFIRMED"
    assert turn.prompts == ["two large pizzas at eight p m. Shall I order?"]
    assert turn.expecting == "confirmation of the intent"

    # Confirming the intent completes the dialog: the skill gets it COMPLETED and answers.
    turn = talk.say("yes please")
    assert skill.last["dialogState"] == "COMPLETED"
    assert skill.last["intent"]["confirmationStatus"] == "CONFIRMED"
    # It delegates: the slots and the intent are confirmed, so Alexa sends it COMPLETED.
    assert skill.last["dialogState"] == "COMPLETED"
    assert turn.heard() == ["Done."]
    assert not turn.session_open
    assert turn.dialog_intent is None


def test_a_yes_or_no_answer_to_a_confirmation_explains_itself_as_an_answer() -> None:
    # explain() of kind "answer" (a yes or no that answers a confirmation: no request of its
    # own) had no test: were its kind not "answer", it would say "nothing to understand".
    talk = conversation(Skill())
    for said in ("order a pizza", "large", "two"):
        talk.say(said)
    assert talk.say("seven p m").expecting == "confirmation of slot time"
    understood = talk.say("no").understood
    assert understood is not None
    assert (understood.kind, understood.request) == ("answer", None)
    assert understood.explain().splitlines() == [
        "an answer: AMAZON.NoIntent",
        "  note: no: the confirmation of slot time is DENIED",
    ]
    talk.say("eight p m")
    understood = talk.say("yes").understood
    assert understood is not None and understood.kind == "answer"
    assert understood.explain().splitlines() == [
        "an answer: AMAZON.YesIntent",
        "  note: yes: the confirmation of slot time is CONFIRMED",
    ]
    assert understood.to_json()["explanation"] == understood.explain()


def test_auto_delegation_sends_only_the_completed_intent() -> None:
    skill = Skill()
    talk = conversation(skill, delegation="ALWAYS")
    for said, prompt in [
        # A prompt says a slot's value as the user said it.
        ("order a big pizza", "How many big pizzas?"),
        ("three", "When should we deliver?"),
        ("at noon", "At noon, right?"),
        ("yes", "three big pizzas at noon. Shall I order?"),
    ]:
        turn = talk.say(said)
        assert turn.prompts == [prompt]
        assert turn.exchanges == []
        assert turn.reply is None
    turn = talk.say("no")
    [(request, new_session)] = skill.sent
    assert new_session is True
    assert request["dialogState"] == "COMPLETED"
    assert request["intent"]["confirmationStatus"] == "DENIED"
    slots = request["intent"]["slots"]
    assert [slots[name].get("value") for name in ("size", "count", "time")] == [
        "big",
        "3",
        "12:00",
    ]
    assert slots["time"]["confirmationStatus"] == "CONFIRMED"


def test_an_answer_can_fill_several_slots_with_the_intents_samples() -> None:
    skill = Skill()
    talk = conversation(skill)
    talk.say("order a pizza")
    talk.say("order three small pizzas")
    assert skill.slot("size")["value"] == "small"
    assert skill.slot("count")["value"] == "three" or skill.slot("count")["value"] == "3"


def test_another_request_leaves_the_dialog() -> None:
    skill = Skill(delegate(), answer("You can order pizza.", end=False))
    talk = conversation(skill)
    talk.say("order a pizza")
    turn = talk.say("help")
    assert skill.last["intent"]["name"] == "AMAZON.HelpIntent"
    assert "dialogState" not in skill.last
    assert turn.heard() == ["You can order pizza."]
    assert turn.dialog_intent is None
    # The next answer is not read as the left dialog's size any more: "large" said alone is a
    # slot-only utterance, a new OrderPizza (its dialog STARTED afresh), as Alexa resolves it.
    talk.say("large")
    assert skill.last["intent"]["name"] == "OrderPizza"
    assert skill.last["dialogState"] == "STARTED"


def test_the_skill_takes_a_step_of_its_own_after_an_auto_delegated_dialog() -> None:
    # The skill checks the completed order in code and asks again for the count.
    recount = answer(
        "We have only four left. How many?",
        end=False,
        directives=[
            {
                "type": "Dialog.ElicitSlot",
                "slotToElicit": "count",
                "updatedIntent": {
                    "name": "OrderPizza",
                    "confirmationStatus": "CONFIRMED",
                    "slots": {
                        "size": {"name": "size", "value": "large", "confirmationStatus": "NONE"},
                        "count": {"name": "count", "confirmationStatus": "NONE"},
                        "time": {
                            "name": "time",
                            "value": "12:00",
                            "confirmationStatus": "CONFIRMED",
                        },
                    },
                },
            }
        ],
    )
    skill = Skill(recount)
    talk = conversation(skill, delegation="ALWAYS")
    for said in ("order six large pizzas", "noon", "yes"):
        talk.say(said)
    turn = talk.say("yes")
    assert skill.last["dialogState"] == "COMPLETED"
    assert turn.heard() == ["We have only four left. How many?"]
    assert turn.expecting == "slot count"
    # The answer to the skill's own question goes to the skill, though Alexa runs the dialog.
    turn = talk.say("four")
    in_progress = skill.sent[-2][0]
    assert in_progress["dialogState"] == "IN_PROGRESS"
    assert in_progress["intent"]["slots"]["count"]["value"] == "4"
    assert skill.last["intent"]["confirmationStatus"] == "CONFIRMED"
    # It delegates: the slots and the intent are confirmed, so Alexa sends it COMPLETED.
    assert skill.last["dialogState"] == "COMPLETED"
    assert turn.heard() == ["Done."]


@pytest.mark.parametrize(
    "directive",
    [
        {"type": "Dialog.ElicitSlot", "slotToElicit": "time"},
        {"type": "Dialog.ConfirmSlot", "slotToConfirm": "count"},
        {"type": "Dialog.ConfirmIntent"},
    ],
)
def test_a_dialog_step_without_speech_is_said_to_be_silent(directive: dict[str, Any]) -> None:
    # Amazon's Dialog Interface Reference has the skill speak the question of ElicitSlot,
    # ConfirmSlot and ConfirmIntent: the emulation does not fill in the dialog model's prompt
    # (which would hide the mistake), it says the user hears nothing.
    skill = Skill(answer(None, end=False, directives=[directive]))
    turn = conversation(skill).say("get me two pizzas")
    assert turn.prompts == []
    assert turn.heard() == []
    assert any(
        f"{directive['type']} without outputSpeech" in note and "hears nothing" in note
        for note in turn.notes
    ), turn.notes
    assert turn.expecting is not None  # Alexa still waits for the answer


def test_confirm_slot_and_confirm_intent_from_the_skill() -> None:
    skill = Skill(
        answer(
            "Two pizzas, right?",
            end=False,
            directives=[{"type": "Dialog.ConfirmSlot", "slotToConfirm": "count"}],
        ),
        answer(
            "Order now?",
            end=False,
            directives=[{"type": "Dialog.ConfirmIntent"}],
        ),
        answer("Not ordered."),
    )
    talk = conversation(skill)
    assert talk.say("get me two pizzas").expecting == "confirmation of slot count"
    turn = talk.say("yes")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    assert skill.slot("count")["confirmationStatus"] == "CONFIRMED"
    assert turn.expecting == "confirmation of the intent"
    turn = talk.say("no")
    assert skill.last["dialogState"] == "IN_PROGRESS"
    assert skill.last["intent"]["confirmationStatus"] == "DENIED"
    assert turn.heard() == ["Not ordered."]


def test_updated_intent_values_are_kept() -> None:
    # The skill fills in one pizza at the start; Alexa keeps it and does not ask.
    updated = {
        "name": "OrderPizza",
        "confirmationStatus": "NONE",
        "slots": {
            "size": {"name": "size", "confirmationStatus": "NONE"},
            "count": {"name": "count", "value": "1", "confirmationStatus": "NONE"},
            "time": {"name": "time", "confirmationStatus": "NONE"},
        },
    }
    skill = Skill(delegate(updated))
    talk = conversation(skill)
    assert talk.say("order a pizza").prompts == ["What size would you like?"]
    turn = talk.say("small")
    assert skill.slot("count")["value"] == "1"
    assert skill.slot("size")["value"] == "small"
    assert turn.prompts == ["When should we deliver?"]


def test_intent_chaining_from_a_launch_request() -> None:
    chained = {"name": "OrderPizza", "confirmationStatus": "NONE", "slots": {}}
    skill = Skill(delegate(chained, speech="Welcome to Pizza Palace."))
    turn = conversation(skill).say("open pizza palace")
    launch, started = (request for request, _ in skill.sent)
    assert launch == {"type": "LaunchRequest"}
    assert started["dialogState"] == "STARTED"
    assert started["intent"]["name"] == "OrderPizza"
    assert turn.heard() == ["Welcome to Pizza Palace.", "What size would you like?"]


def test_a_chained_intent_carries_every_slot_of_the_model() -> None:
    # Alexa sends each slot the intent defines, unfilled ones with no value: not "slots": {}.
    chained = {"name": "OrderPizza", "slots": {"size": {"name": "size", "value": "large"}}}
    skill = Skill(delegate(chained, speech="Welcome."))
    conversation(skill).say("open pizza palace")
    started = skill.last
    assert started["dialogState"] == "STARTED"
    assert started["intent"]["confirmationStatus"] == "NONE"
    slots = started["intent"]["slots"]
    assert slots["size"] == {"name": "size", "value": "large", "confirmationStatus": "NONE"}
    names = [slot.name for slot in MODEL.intent("OrderPizza").slots]  # type: ignore[union-attr]
    assert list(slots) == names
    for name in names[1:]:
        assert slots[name] == {"name": name, "confirmationStatus": "NONE"}


def test_intent_chaining_into_an_auto_delegated_intent() -> None:
    chained = {"name": "OrderPizza", "confirmationStatus": "NONE", "slots": {}}
    skill = Skill(delegate(chained, speech="Welcome."))
    turn = conversation(skill, delegation="ALWAYS").say("open pizza palace")
    assert len(skill.sent) == 1
    assert turn.heard() == ["Welcome.", "What size would you like?"]


def test_a_skill_that_loops_is_stopped() -> None:
    class Looping(Skill):
        def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
            # Chains back and forth between two intents, for ever.
            self.sent.append((dict(request), new_session))
            name = (request.get("intent") or {}).get("name")
            target = "TrackOrder" if name == "OrderPizza" else "OrderPizza"
            chained = {"name": target, "confirmationStatus": "NONE", "slots": {}}
            return Reply(200, delegate(chained, speech="Again."))

    turn = conversation(Looping()).say("open pizza palace")
    assert len(turn.exchanges) == 8
    assert any("stopped after 8 requests" in note for note in turn.notes)
    assert not turn.session_open


@pytest.mark.parametrize(("screen", "open_after"), [(False, False), (True, True)])
def test_an_answer_without_should_end_session(screen: bool, open_after: bool) -> None:
    skill = Skill(answer("Here you go.", end=None))
    assert conversation(skill, screen=screen).say("track my order").session_open is open_after


def test_sessions_open_close_and_exit() -> None:
    skill = Skill(answer("Hi.", end=False), answer("Tracking.", end=False), answer(None))
    talk = conversation(skill)
    talk.say("open pizza palace")
    talk.say("track my order")
    assert [new for _, new in skill.sent] == [True, False]
    turn = talk.say("exit")
    assert skill.last == {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}
    assert not turn.session_open
    turn = talk.say("exit")
    assert len(skill.sent) == 3
    assert turn.notes == ["no session is open: there is nothing to end"]


def test_an_error_answer_ends_the_session() -> None:
    class Broken(Skill):
        def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
            return Reply(400, {"error": "invalid signature"})

    turn = conversation(Broken()).say("track my order")
    assert not turn.session_open
    assert any("HTTP 400" in note for note in turn.notes), turn.notes


def test_turns_as_json() -> None:
    skill = Skill()
    turn = conversation(skill).say("order a pizza")
    data = turn.to_json()
    json.dumps(data)
    assert data["dialog"] == {
        "intent": "OrderPizza",
        "state": "STARTED",
        "expecting": "slot size",
    }
    assert data["heard"] == ["What size would you like?"]
    assert data["understood"]["intent"] == "OrderPizza"


# --- validation windows at the ends of the calendar ---------------------------------------------


@pytest.mark.parametrize(
    ("today", "start", "end", "value", "inside"),
    [
        # A window end past 9999-12-31 looped for ever (each day of the month refused).
        (datetime.date(9999, 6, 1), "P0D", "P1Y", "9999-12-31", True),
        (datetime.date(2026, 11, 29), "P0D", "P100000Y", "2030-01-01", True),
        (datetime.date(2026, 11, 29), "P0D", "P999999999W", "2030-01-01", True),
        (datetime.date(2026, 11, 29), "P100000Y", "P100001Y", "2030-01-01", False),
        (datetime.date(1, 3, 1), "P0D", "P1D", "0001-03-01", True),
    ],
)
def test_a_duration_window_past_the_calendar_is_clamped_to_it(
    today: datetime.date, start: str, end: str, value: str, inside: bool
) -> None:
    from alexaskill.understanding.model import Validation
    from alexaskill.understanding.validation import passes

    rule = Validation("isInDuration", None, start=start, end=end)
    assert passes(rule, value, {}, today) is inside


@pytest.mark.parametrize(
    ("start", "end", "inside"),
    [("P0D", "P1Y", True), ("P1D", "P14D", False), ("P0D", "P0D", True), ("P1M", "P2M", False)],
)
def test_now_is_inside_a_window_only_when_today_is(start: str, end: str, inside: bool) -> None:
    from alexaskill.understanding.model import Validation
    from alexaskill.understanding.validation import passes

    today = datetime.date(2026, 11, 29)
    assert (
        passes(Validation("isInDuration", None, start=start, end=end), "PRESENT_REF", {}, today)
        is inside
    )
    rule = Validation("isNotInDuration", None, start=start, end=end)
    assert passes(rule, "PRESENT_REF", {}, today) is not inside


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ([{"type": "Simple", "value": "ham"}, {"type": "Simple"}], "ham"),
        ([{"type": "Simple", "value": "ham"}, "olives", {"value": ""}], "ham"),
        ([{"type": "Simple"}], None),
        ("ham", None),
    ],
)
def test_a_list_slot_value_is_said_by_the_values_it_holds(values: Any, said: str | None) -> None:
    # A skill's updatedIntent may send a list item without a value: a prompt said "ham, None",
    # and an item that is no object was an AttributeError out of the conversation.
    from alexaskill.understanding.dialog_state import DialogState

    slot_value = {"type": "List", "values": values}
    dialog = DialogState({"name": "Order", "slots": {"t": {"slotValue": slot_value}}}, None)
    assert dialog.value("t") == said
    assert [value for value, _ in dialog.values("t")] == ([said] if said else [])


@pytest.mark.parametrize("screen", [False, True])
@pytest.mark.parametrize("end", [True, False, None, "false", 0, "true"])
def test_a_conversation_ends_a_session_as_the_transports_do(screen: bool, end: object) -> None:
    # One rule for an answer's shouldEndSession (`ends_session`): a value that is no JSON
    # boolean counts as left out, for `Conversation` as for the transports' `session_after`.
    from alexaskill.models import SCREEN_INTERFACES
    from alexaskill.testing.sessions import session_after

    reply = answer("Here you go.", end=None)
    if end is not None:
        reply["response"]["shouldEndSession"] = end
    session = {"sessionId": "s", "new": True, "attributes": {}}
    interfaces = SCREEN_INTERFACES if screen else ()
    kept = session_after(session, "IntentRequest", 200, reply, interfaces=interfaces) is not None
    assert conversation(Skill(reply), screen=screen).say("track my order").session_open is kept
    assert kept is (end is False or (screen and not isinstance(end, bool)))


@pytest.mark.parametrize("screen", [False, True])
def test_a_dialog_step_without_should_end_session_listens_for_the_answer(screen: bool) -> None:
    # A dialog directive waits for the user's answer, shouldEndSession left out or not: a
    # silence then hears the reprompt. It heard "the microphone is not open", the dialog
    # still waiting for the slot.
    step = {"type": "Dialog.ElicitSlot", "slotToElicit": "size"}
    elicit = answer("Which size?", end=None, directives=[step])
    elicit["response"]["reprompt"] = {"outputSpeech": {"type": "PlainText", "text": "What size?"}}
    talk = conversation(Skill(elicit), screen=screen)
    assert talk.say("order a pizza").expecting == "slot size"
    silent = talk.silence()
    assert silent.reprompt == "What size?"
    assert silent.notes == ["silence: Alexa plays the reprompt"]
    assert silent.session_open

"""Skill answers Alexa refuses in a dialog, and what the user hears then: a step for a slot or an
intent the model lacks, a dialog directive that ends the session or needs a dialog model,
chaining where Alexa does not, an updated intent it would refuse, no response envelope."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation
from alexaskill.understanding.turns import Exchange, Turn

from .dialog_shared import MODEL_FILE, NOW, Reply, Skill, answer, conversation, delegate


def _refused(turn: Turn) -> tuple[Exchange, str]:
    """The one exchange of ``turn`` whose answer Alexa refused, and why (found by its refusal,
    not by its place among the turn's exchanges)."""
    [refused] = [(ex, ex.refusal) for ex in turn.exchanges if ex.refusal is not None]
    return refused


@pytest.mark.parametrize(
    "directive",
    [
        {"type": "Dialog.ElicitSlot", "slotToElicit": "colour"},
        {"type": "Dialog.ConfirmSlot", "slotToConfirm": "colour"},
    ],
)
def test_a_step_for_a_slot_the_intent_does_not_have_is_refused(directive: dict[str, Any]) -> None:
    skill = Skill(answer("What colour?", end=False, directives=[directive]))
    talk = conversation(skill)
    turn = talk.say("order a pizza")
    assert turn.problem is not None
    assert "What colour?" not in turn.heard()
    assert "intent OrderPizza has no slot colour" in _refused(turn)[1]
    ended = skill.last
    assert ended["type"] == "SessionEndedRequest"
    assert ended["error"]["type"] == "INVALID_RESPONSE"
    assert not turn.session_open


def test_a_step_for_an_intent_without_a_dialog_model_is_refused_saying_so() -> None:
    skill = Skill(
        answer(
            "Which size?",
            end=False,
            directives=[{"type": "Dialog.ElicitSlot", "slotToElicit": "size"}],
        )
    )
    talk = conversation(skill)
    turn = talk.say("help")
    assert turn.problem is not None
    refusal = _refused(turn)[1]
    assert "intent AMAZON.HelpIntent has no dialog model" in refusal, refusal
    assert skill.last["error"]["type"] == "INVALID_RESPONSE"


PROBLEM = "There was a problem with the requested skill's response."


def test_delegating_a_completed_dialog_is_refused() -> None:
    skill = Skill(delegate(speech="One moment."))  # the skill's answer to the COMPLETED request
    talk = conversation(skill, delegation="ALWAYS")
    for said in ("order six large pizzas", "noon", "yes"):
        talk.say(said)
    turn = talk.say("yes")
    completed, ended = (request for request, _ in skill.sent)
    assert completed["dialogState"] == "COMPLETED"
    assert ended == {
        "type": "SessionEndedRequest",
        "reason": "ERROR",
        "error": {
            "type": "INVALID_RESPONSE",
            "message": "Dialog.Delegate answered a COMPLETED dialog",
        },
    }
    assert turn.notes == [
        "Alexa refuses the answer (Dialog.Delegate answered a COMPLETED dialog): the session ends"
    ]
    assert turn.heard() == [PROBLEM]  # not the refused "One moment."
    assert turn.prompts == []
    assert turn.reply is _refused(turn)[0].reply  # the skill's answer, not the notice's
    assert not turn.session_open


#: What is said of the answer of a server (not the app's: it refuses such speech) with an
#: unquoted attribute value.
_UNQUOTED = (
    "outputSpeech.ssml: an unquoted attribute value at index 23 ('eak>Tom <break time=1s/>"
    "</speak>'): Alexa parses SSML as XML, where each attribute value is in quotes; write "
    'time="1s"'
)


@pytest.mark.parametrize(
    ("reply", "error", "note"),
    [
        (
            Reply(200, answer("<speak>Tom <break time=1s/></speak>")),
            {
                "type": "INVALID_RESPONSE",
                "message": _UNQUOTED,
            },
            f"Alexa refuses the answer ({_UNQUOTED}): the session ends",
        ),
        (
            Reply(500, {"error": "boom"}),
            {"type": "INVALID_RESPONSE", "message": "the skill answered HTTP 500"},
            "the skill answered HTTP 500: Alexa says there was a problem with the skill's "
            "response, and the session ends",
        ),
        (
            Reply(0, {"error": "no answer within 10 s"}),
            {"type": "ENDPOINT_TIMEOUT", "message": "no answer within 10 s"},
            "no answer within 10 s: Alexa says there was a problem with the skill's response, "
            "and the session ends",
        ),
    ],
)
def test_an_answer_alexa_refuses_is_not_heard_and_ends_the_session_with_an_error(
    reply: Reply, error: dict[str, str], note: str
) -> None:
    class Refused(Skill):
        def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
            super().send(request, new_session=new_session)
            if request["type"] == "SessionEndedRequest":
                return Reply(200, {"version": "1.0", "response": {}})
            return reply

    if reply.status_code == 200:  # SSML speech
        reply.json["response"]["outputSpeech"] = {
            "type": "SSML",
            "ssml": reply.json["response"]["outputSpeech"]["text"],
        }
        reply.json["response"]["shouldEndSession"] = False
    skill = Refused()
    turn = conversation(skill).say("ask pizza palace for a large pizza")
    assert [request["type"] for request, _ in skill.sent] == [
        "IntentRequest",
        "SessionEndedRequest",
    ]
    assert skill.last == {"type": "SessionEndedRequest", "reason": "ERROR", "error": error}
    assert turn.notes == [note]
    assert turn.heard() == [PROBLEM]
    assert turn.problem == PROBLEM and turn.prompts == []
    assert _refused(turn)[1] == error["message"]
    assert turn.reply is _refused(turn)[0].reply
    assert not turn.session_open
    shown = turn.to_json()
    assert shown["problem"] == PROBLEM
    assert [exchange["refusal"] for exchange in shown["exchanges"]] == [error["message"], None]


def test_a_step_chaining_into_an_intent_without_a_dialog_model_is_refused() -> None:
    # As for the intent itself (above): only Dialog.Delegate may start an intent without a
    # dialog model, which Alexa then sends as it is, without a dialogState.
    skill = Skill(
        answer(
            "Which day?",
            end=False,
            directives=[
                {
                    "type": "Dialog.ElicitSlot",
                    "slotToElicit": "date",
                    "updatedIntent": {"name": "DeliverOn"},
                }
            ],
        )
    )
    turn = conversation(skill).launch()
    assert turn.problem is not None
    assert "intent DeliverOn has no dialog model" in _refused(turn)[1]
    assert all("dialogState" not in request for request, _ in skill.sent)


def test_chaining_into_a_built_in_intent_is_refused() -> None:
    # Amazon's intent chaining starts the skill's own intents, not a built-in one (it was sent
    # as it is, so a skill that relied on it worked only in the emulation).
    skill = Skill(delegate({"name": "AMAZON.HelpIntent", "confirmationStatus": "NONE"}))
    turn = conversation(skill).launch()
    assert turn.problem is not None
    refusal = _refused(turn)[1]
    assert "AMAZON.HelpIntent is a built-in intent" in refusal, refusal
    assert [request["type"] for request, _ in skill.sent] == [
        "LaunchRequest",
        "SessionEndedRequest",
    ]
    assert skill.last["error"]["type"] == "INVALID_RESPONSE"


@pytest.mark.parametrize(
    "directive",
    [
        {"type": "Dialog.Delegate"},
        {"type": "Dialog.ElicitSlot", "slotToElicit": "size"},
        {"type": "Dialog.ConfirmIntent"},
    ],
)
def test_a_dialog_directive_that_ends_the_session_is_refused(directive: dict[str, Any]) -> None:
    # A dialog directive waits for the user's answer: Alexa refuses one sent with
    # shouldEndSession true (the emulation went on with the dialog, the session open).
    speech = None if directive["type"] == "Dialog.Delegate" else "What size?"
    skill = Skill(answer(speech, end=True, directives=[directive]))
    talk = conversation(skill)
    turn = talk.say("order a pizza")
    assert turn.problem is not None
    refusal = _refused(turn)[1]
    assert "shouldEndSession true" in refusal, refusal
    assert turn.prompts == [] and turn.expecting is None
    assert skill.last["type"] == "SessionEndedRequest"
    assert skill.last["error"]["type"] == "INVALID_RESPONSE"
    assert not turn.session_open


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({}, "the answer has no version (a response envelope needs one)"),
        ({"response": {}}, "the answer has no version (a response envelope needs one)"),
        ({"version": "1.0"}, "the answer has no response object (a response envelope needs one)"),
        (
            {"version": "1.0", "response": "Hello"},
            "the answer has no response object (a response envelope needs one)",
        ),
    ],
)
def test_an_answer_that_is_no_response_envelope_is_refused(body: dict[str, Any], why: str) -> None:
    # A 200 JSON object without "version" or "response" was taken as the skill's answer.
    skill = Skill(body)
    turn = conversation(skill).say("ask pizza palace for a large pizza")
    assert skill.last == {
        "type": "SessionEndedRequest",
        "reason": "ERROR",
        "error": {"type": "INVALID_RESPONSE", "message": why},
    }
    assert _refused(turn)[1] == why
    assert turn.notes == [f"Alexa refuses the answer ({why}): the session ends"]
    assert turn.heard() == [PROBLEM]
    assert not turn.session_open


@pytest.mark.parametrize("directives", [5, "Dialog.Delegate", {"type": "Dialog.Delegate"}])
def test_directives_that_are_no_list_are_refused(directives: object) -> None:
    # Read as a list: 5 raised TypeError out of say() (chat: "the turn failed"), and a
    # directive object, not in a list, was taken for no directive at all.
    reply = answer("Here you go.", end=False)
    reply["response"]["directives"] = directives
    skill = Skill(reply)
    turn = conversation(skill).say("track my order")
    assert _refused(turn)[1] == "the answer's directives are not a list"
    assert skill.last["type"] == "SessionEndedRequest" and skill.last["reason"] == "ERROR"
    assert not turn.session_open


@pytest.mark.parametrize("updated", [5, {"name": 5}, {"slots": {}}])
def test_an_updated_intent_without_a_name_is_refused(updated: object) -> None:
    # {"name": 5} was chained to ("the skill chains to 5", sent as intent 5); 5 was ignored.
    skill = Skill(delegate(updated))  # type: ignore[arg-type]
    turn = conversation(skill).say("order a pizza")
    assert _refused(turn)[1] == "Dialog.Delegate: updatedIntent is no intent with a name"
    assert skill.last["type"] == "SessionEndedRequest" and skill.last["reason"] == "ERROR"
    assert len(skill.sent) == 2 and not turn.session_open


@pytest.mark.parametrize(
    ("updated", "refusal"),
    [
        (
            {"name": "OrderPizza", "slots": {"crust": {"name": "crust", "value": "thin"}}},
            "Dialog.Delegate: updatedIntent sets crust: no slot of intent OrderPizza in the model",
        ),
        (
            {"name": "OrderPizza", "confirmationStatus": "YES", "slots": {}},
            "Dialog.Delegate: updatedIntent confirmationStatus is 'YES', not one of NONE, "
            "CONFIRMED, DENIED",
        ),
        (
            {"name": "OrderPizza", "slots": {"size": {"name": "size", "confirmationStatus": "OK"}}},
            "Dialog.Delegate: updatedIntent slot size confirmationStatus is 'OK'",
        ),
        (
            {"name": "OrderPizza", "slots": {"size": "large"}},
            "Dialog.Delegate: updatedIntent slots is no object of slot objects",
        ),
        (
            {"name": "OrderPizza", "slots": {"size": {"name": "count", "value": "large"}}},
            "Dialog.Delegate: updatedIntent slot size is named 'count'",
        ),
    ],
)
def test_an_updated_intent_alexa_would_refuse_is_refused(
    updated: dict[str, Any], refusal: str
) -> None:
    # Each was taken: a slot the model lacks went on in the next request, an unknown status
    # was kept as if valid, a slot given as a string was taken for an unfilled slot.
    skill = Skill(delegate(updated))
    turn = conversation(skill).say("order a pizza")
    assert _refused(turn)[1] == refusal
    assert skill.last["type"] == "SessionEndedRequest" and skill.last["reason"] == "ERROR"
    assert not turn.session_open


@pytest.mark.parametrize("kind", ["Dialog.ElicitSlot", "Dialog.ConfirmSlot"])
def test_a_slot_directive_without_its_slot_is_refused(kind: str) -> None:
    # "intent OrderPizza has no slot None" was the reason given; a ConfirmSlot naming its slot
    # in slotToElicit was taken.
    skill = Skill(answer("Which?", end=False, directives=[{"type": kind, "slotToElicit": "x"}]))
    turn = conversation(skill).say("order a pizza")
    field = "slotToElicit" if kind == "Dialog.ElicitSlot" else "slotToConfirm"
    expected = f"{kind} names no slot ({field} is None)"
    if kind == "Dialog.ElicitSlot":
        expected = f"{kind}: intent OrderPizza has no slot x"
    assert _refused(turn)[1] == expected
    missing = Skill(answer("Which?", end=False, directives=[{"type": kind}]))
    turn = conversation(missing).say("order a pizza")
    assert _refused(turn)[1] == f"{kind} names no slot ({field} is None)"


def test_a_dialog_directive_needs_a_dialog_model_in_the_skill() -> None:
    # Chaining into an intent was taken (sent "as it is") from a skill whose model has no
    # dialog model at all; Alexa takes dialog directives only from a skill with one.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    del data["interactionModel"]["dialog"]
    understander = Understander(InteractionModel.from_json(data))
    chain = delegate({"name": "TrackOrder"})
    skill = Skill(chain)
    turn = Conversation(understander, skill, now=lambda: NOW).launch()
    assert _refused(turn)[1] == (
        "Dialog.Delegate: the skill's interaction model has no dialog model"
    )
    assert skill.last["type"] == "SessionEndedRequest" and skill.last["reason"] == "ERROR"
    # with a dialog model, the chain into an intent without one goes as it is
    skill = Skill(chain)
    conversation(skill).launch()
    assert skill.last["type"] == "IntentRequest" and skill.last["intent"]["name"] == "TrackOrder"

"""Tests for alexaskill.rules_dialog: the dialog directives' rules that need the request."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

import pytest

from alexaskill import DialogSlot, Skill
from alexaskill.directives import (
    Dialog,
    confirm_intent,
    delegate,
    elicit_slot,
    updated_intent,
)
from alexaskill.models import IntentRequest
from alexaskill.responses import Response, ask, can_fulfill, speak
from alexaskill.testing import SCREEN, TestClient, intent_fields

from .conftest import SKILL_ID

APOLOGY = "Sorry, something went wrong. Please try again later."


@pytest.mark.parametrize("by_slots", [False, True], ids=["utterances-only", "slots-only"])
def test_an_intent_declared_by_utterances_or_slots_alone_has_its_slots_checked(
    by_slots: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # Either half of a declaration describes the intent's model: an ElicitSlot of a slot it
    # lacks is refused (Alexa would refuse the reply), not only when both halves are given.
    def book() -> Response:
        return elicit_slot("time", "At what time?")

    def book_for(party: int | None = None) -> Response:
        return book()

    skill = Skill(SKILL_ID)
    skill.add_intent_handler(
        "BookTable",
        book_for if by_slots else book,
        utterances=() if by_slots else ["book a table"],
        slots={"party": "AMAZON.NUMBER"} if by_slots else None,
    )
    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("BookTable").speech == APOLOGY
    assert "Dialog.ElicitSlot slotToElicit 'time' is no slot of intent BookTable" in caplog.text


# --- dialog directives through the app ------------------------------------------------------------


def test_delegate_until_completed() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest, city: str | None = None) -> Response:
        if request.dialog_state != "COMPLETED":
            return delegate()
        return speak(f"Off to {city}.")

    with TestClient(skill) as client:
        started = client.intent("PlanTrip", dialog_state="STARTED")
        assert started.directives == [{"type": "Dialog.Delegate"}]
        assert started.speech is None
        assert started.should_end_session is False
        done = client.intent("PlanTrip", dialog_state="COMPLETED", city="Paris")
        assert done.speech == "Off to Paris."


def test_a_launch_request_may_start_a_dialog_only_by_naming_the_intent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("PlanTrip"), speech="Welcome!"))
    with TestClient(skill) as client:
        chained = client.launch()
    assert chained.speech == "Welcome!"
    assert chained.directives[0]["updatedIntent"]["name"] == "PlanTrip"

    bare = Skill(SKILL_ID)
    bare.launch(lambda: delegate())
    with TestClient(bare, raise_handler_errors=False) as client:
        assert client.launch().speech == APOLOGY
    assert "not a LaunchRequest without updatedIntent" in caplog.text


@pytest.mark.parametrize(
    "request_type",
    ["Connections.Response", "SessionResumedRequest", "Alexa.Presentation.APL.UserEvent"],
)
def test_a_dialog_directive_chaining_from_another_request_is_still_refused(
    request_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon documents intent chaining from an IntentRequest or the LaunchRequest (the Dialog
    # Interface Reference; Amazon's blog "Use Intent Chaining to Enter Dialog Management from a
    # Different Intent") and no other request type: the rule stays as it was, written down in
    # alexaskill.rules_dialog and the README, until Amazon says otherwise.
    skill = Skill(SKILL_ID)
    skill.on(request_type)(lambda: delegate(updated_intent("PlanTrip"), speech="Let's plan."))
    with TestClient(
        skill, interfaces=("Alexa.Presentation.APL",), raise_handler_errors=False
    ) as client:
        assert client.send(request_type).speech == APOLOGY
    assert "Dialog.Delegate answers an IntentRequest, or a LaunchRequest naming" in caplog.text


def test_dialog_directives_answer_no_other_request(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.on("Alexa.Presentation.APL.UserEvent")(lambda: elicit_slot("city", "Which city?"))
    with TestClient(
        skill, interfaces=("Alexa.Presentation.APL",), raise_handler_errors=False
    ) as client:
        result = client.send("Alexa.Presentation.APL.UserEvent", arguments=["pick"])
    assert result.speech == APOLOGY
    assert "Dialog.ElicitSlot answers an IntentRequest" in caplog.text


def test_delegate_speaks_only_when_the_intent_changes(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest) -> Response:
        return delegate(updated_intent(request.intent), speech="Let's go on.")

    @skill.intent("AMAZON.YesIntent")
    def yes() -> Response:
        return delegate(updated_intent("PlanTrip"), speech="Let's plan a trip.")

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="STARTED").speech == APOLOGY
        assert "this one continues PlanTrip" in caplog.text
        assert client.intent("AMAZON.YesIntent").speech == "Let's plan a trip."


# --- dialog directives name slots of their intent; a refused reply names its handler -------------


def _trip_skill(reply: Callable[[IntentRequest], Response]) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city}"],
        slots={"city": DialogSlot("AMAZON.City", elicit="Where to?")},
        auto_delegate=False,
    )
    def plan(request: IntentRequest) -> Response:
        return reply(request)

    @skill.intent("Undescribed")  # no utterances, no slots: its model is not known here
    def undescribed(request: IntentRequest) -> Response:
        return reply(request)

    return skill


@pytest.mark.parametrize(
    ("reply", "refusal"),
    [
        (
            lambda request: elicit_slot("town", "Which town?"),
            "Dialog.ElicitSlot slotToElicit 'town' is no slot of intent PlanTrip (its slots: city)",
        ),
        (
            lambda request: Response(
                output_speech=speak("Paris?").output_speech,
                directives=({"type": "Dialog.ConfirmSlot", "slotToConfirm": "town"},),
                should_end_session=False,
            ),
            "Dialog.ConfirmSlot slotToConfirm 'town' is no slot of intent PlanTrip",
        ),
        (
            lambda request: delegate(updated_intent(request.intent, town="Paris")),
            "Dialog.Delegate updatedIntent sets town: no slot of intent PlanTrip",
        ),
        (
            lambda request: elicit_slot(
                "city", "Where?", updated_intent=updated_intent("PlanTrip", when="now")
            ),
            "Dialog.ElicitSlot updatedIntent sets when: no slot of intent PlanTrip",
        ),
    ],
)
def test_dialog_directives_name_slots_the_declared_intent_has(
    reply: Callable[[IntentRequest], Response], refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Alexa refuses a dialog directive naming a slot its intent lacks: the handler's bug is
    # logged where its name is known, and the user hears the apology, not Alexa's error.
    with TestClient(_trip_skill(reply), raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="STARTED").speech == APOLOGY
    assert refusal in caplog.text
    assert f"(the reply of {__name__}._trip_skill.<locals>.plan)" in caplog.text


def test_dialog_directive_slots_pass_where_the_model_is_not_known_or_alexa_sent_them() -> None:
    asked = _trip_skill(lambda request: elicit_slot("town", "Which town?"))
    with TestClient(asked) as client:
        # an intent the skill does not describe, a slot the request carries
        assert client.intent("Undescribed").directives[0]["slotToElicit"] == "town"
        assert client.intent("PlanTrip", town="Lyon").directives[0]["slotToElicit"] == "town"
    kept = _trip_skill(lambda request: delegate(updated_intent(request.intent, city="Paris")))
    with TestClient(kept) as client:
        sent = client.intent("PlanTrip", dialog_state="STARTED").directives[0]
    assert sent["updatedIntent"]["slots"]["city"]["value"] == "Paris"


def test_a_reply_alexa_would_refuse_names_its_handler(caplog: pytest.LogCaptureFixture) -> None:
    # "handler failed for LaunchRequest" said which rule, never whose reply broke it.
    skill = Skill(SKILL_ID)

    @skill.launch
    def welcome() -> Response:
        return delegate()

    @skill.on("Alexa.Presentation.APL.UserEvent")
    def pressed() -> Response:
        return can_fulfill("YES")

    with TestClient(
        skill, interfaces=("Alexa.Presentation.APL",), raise_handler_errors=False
    ) as client:
        assert client.launch().speech == APOLOGY
        assert client.send("Alexa.Presentation.APL.UserEvent", arguments=[]).speech == APOLOGY
    assert (
        "not a LaunchRequest without updatedIntent (the reply of "
        f"{__name__}.test_a_reply_alexa_would_refuse_names_its_handler.<locals>.welcome)"
    ) in caplog.text
    assert "not Alexa.Presentation.APL.UserEvent (the reply of " in caplog.text
    assert ".<locals>.pressed)" in caplog.text


def test_delegate_never_continues_a_completed_dialog(caplog: pytest.LogCaptureFixture) -> None:
    # The delegating handler that forgets to check dialogState: the reply went out, and Alexa
    # refuses a Delegate with no step left (the emulation refused it; the app did not).
    skill = Skill(SKILL_ID)

    @skill.intent("PlanTrip")
    def plan(request: IntentRequest) -> Response:
        return delegate()

    @skill.intent("AMAZON.YesIntent")
    def yes(request: IntentRequest) -> Response:
        return delegate(updated_intent("PlanTrip"))  # chaining: another intent, allowed

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("PlanTrip", dialog_state="IN_PROGRESS").directives
        assert client.intent("PlanTrip", dialog_state="COMPLETED").speech == APOLOGY
        assert client.intent("AMAZON.YesIntent", dialog_state="COMPLETED").directives
    assert "Dialog.Delegate answers PlanTrip with dialogState COMPLETED" in caplog.text


def test_intent_chaining_never_starts_a_built_in_intent(caplog: pytest.LogCaptureFixture) -> None:
    # Alexa refuses a chain into AMAZON.HelpIntent (the emulation refused it; the app sent it).
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("AMAZON.HelpIntent"), speech="Hi."))

    @skill.intent("AMAZON.YesIntent")
    def yes(request: IntentRequest) -> Response:
        return elicit_slot("x", "Which?", updated_intent=updated_intent("AMAZON.StopIntent"))

    @skill.intent("AMAZON.NoIntent")
    def no(request: IntentRequest) -> Response:
        return delegate(updated_intent(request.intent))  # its own intent: no chaining

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.launch().speech == APOLOGY
        assert client.intent("AMAZON.YesIntent").speech == APOLOGY
        assert client.intent("AMAZON.NoIntent").directives[0]["type"] == "Dialog.Delegate"
    for target in ("AMAZON.HelpIntent", "AMAZON.StopIntent"):
        assert f"updatedIntent {target}: intent chaining starts one of the skill's own" in (
            caplog.text
        )


_CHAIN = updated_intent("PlanTrip")
_TO_HELP = updated_intent("AMAZON.HelpIntent")


@pytest.mark.parametrize(
    ("request_type", "reply", "refusal"),
    [
        # From the LaunchRequest: each dialog directive, by an updatedIntent naming the
        # skill's own intent; none without one, nor naming a built-in intent.
        ("LaunchRequest", lambda: delegate(_CHAIN, speech="Hi."), None),
        ("LaunchRequest", lambda: elicit_slot("city", "Where?", updated_intent=_CHAIN), None),
        ("LaunchRequest", lambda: confirm_intent("Plan it?", updated_intent=_CHAIN), None),
        ("LaunchRequest", lambda: confirm_intent("Plan it?"), "without updatedIntent"),
        ("LaunchRequest", lambda: elicit_slot("city", "Where?"), "without updatedIntent"),
        (
            "LaunchRequest",
            lambda: elicit_slot("x", "Which?", updated_intent=_TO_HELP),
            "updatedIntent AMAZON.HelpIntent: intent chaining starts one of the skill's own",
        ),
        # From an IntentRequest: to another intent of the skill's, never a built-in one.
        ("PlanTrip", lambda: delegate(updated_intent("BookHotel"), speech="Now a hotel."), None),
        (
            "PlanTrip",
            lambda: delegate(_TO_HELP),
            "updatedIntent AMAZON.HelpIntent: intent chaining starts one of the skill's own",
        ),
    ],
)
def test_intent_chaining_from_the_launch_request_or_an_intent(
    request_type: str,
    reply: Callable[[], Response],
    refusal: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Amazon's Alexa blog, "Use Intent Chaining to Enter Dialog Management from a Different
    # Intent": from any intent, the LaunchRequest included, to the skill's own intents only.
    skill = Skill(SKILL_ID)
    if request_type == "LaunchRequest":
        skill.launch(reply)
    else:
        skill.intent(request_type)(reply)
    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch() if request_type == "LaunchRequest" else client.intent(request_type)
    if refusal is None:
        assert result.handler_error is None
        assert result.directives[0]["updatedIntent"]["name"] in ("PlanTrip", "BookHotel")
    else:
        assert result.speech == APOLOGY
        assert refusal in caplog.text


def test_chaining_sets_a_slot_the_model_takes_from_a_handler_parameter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `alexaskill model` gives an intent the slots of its handlers' parameters ("day", typed
    # AMAZON.DATE by its annotation) besides those declared in slots=: Alexa takes a chain setting
    # one. Only the declared slots were known, and the reply was refused as naming no slot.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: delegate(updated_intent("PlanTrip", day="2026-12-05"), speech="Hi."))

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city} {day}"],
        slots={"city": DialogSlot("AMAZON.City", elicit="Where to?")},
        auto_delegate=False,
    )
    def plan(city: str | None = None, day: datetime.date | None = None) -> Response:
        return speak("Booked.")

    @skill.can_fulfill("PlanTrip")
    def probe(city: str | None = None, people: int | None = None) -> Response:
        return can_fulfill("MAYBE")

    @skill.intent("AMAZON.YesIntent")
    def yes() -> Response:
        return delegate(updated_intent("PlanTrip", people=2))  # a slot of the probe's

    with TestClient(skill, raise_handler_errors=False) as client:
        chained = client.launch().directives[0]["updatedIntent"]
        assert chained["slots"]["day"]["value"] == "2026-12-05"
        assert client.intent("AMAZON.YesIntent").directives[0]["type"] == "Dialog.Delegate"
    assert "no slot of intent" not in caplog.text


def test_a_built_in_intent_declared_with_utterances_may_name_amazons_slots() -> None:
    # AMAZON.SelectIntent has slots of Amazon's (ListPosition) that an extending declaration
    # leaves out: a directive naming one is not checked against the declaration.
    skill = Skill(SKILL_ID)

    @skill.intent("AMAZON.SelectIntent", utterances=["the {side} one"], slots={"side": "Side"})
    def select(side: str | None = None) -> Response:
        return elicit_slot("ListPosition", "Which one?")

    skill.add_slot_type("Side", ["left", "right"])
    fields = intent_fields("AMAZON.SelectIntent", None, "NONE", {})
    with TestClient(skill) as client:
        sent = client.send("IntentRequest", **fields).directives[0]
    assert sent["slotToElicit"] == "ListPosition"


@pytest.mark.parametrize("request_type", ["LaunchRequest", "Display.ElementSelected"])
def test_dynamic_entities_answer_only_an_intent_request(
    request_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Dropped rather than refused: the greeting is still worth hearing; the violation is logged
    # at ERROR and fails the handler's test.
    skill = Skill(SKILL_ID)
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    skill.on(request_type)(lambda: ask("Which fruit?", directives=[entities]))
    skill.intent("PickFruit")(lambda: ask("Which fruit?", directives=[entities]))
    # (an ElementSelected comes from a device with a screen: Display)
    with TestClient(skill, interfaces=SCREEN, raise_handler_errors=False) as client:
        other = client.send(request_type)
        intent = client.intent("PickFruit")
    assert [d["type"] for d in intent.json["response"]["directives"]] == [
        "Dialog.UpdateDynamicEntities"
    ]
    assert intent.violations == ()
    response = other.json["response"]
    assert "directives" not in response
    assert response["outputSpeech"]["text"] == "Which fruit?"
    assert response["shouldEndSession"] is False
    [violation] = other.violations
    assert (violation.request_type, violation.dropped) == (
        request_type,
        ("Dialog.UpdateDynamicEntities",),
    )
    assert "answers an IntentRequest" in violation.rule
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR


def test_a_dialog_refusal_names_the_request_type_in_good_english(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "not a Alexa.Presentation.APL.UserEvent" read as a typo in the rule it explains.
    skill = Skill(SKILL_ID)
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})

    @skill.on("Alexa.Presentation.APL.UserEvent")
    def pressed() -> Response:
        return elicit_slot("city", "Which city?")

    @skill.on("Display.ElementSelected")
    def selected() -> Response:
        return ask("Which fruit?", directives=[entities])

    with TestClient(skill, interfaces=SCREEN, raise_handler_errors=False) as client:
        assert client.send("Alexa.Presentation.APL.UserEvent", arguments=[]).speech == APOLOGY
        [violation] = client.send("Display.ElementSelected").violations
    assert (
        "Dialog.ElicitSlot answers an IntentRequest, or a LaunchRequest naming the intent to "
        "start in updatedIntent; not an Alexa.Presentation.APL.UserEvent (the reply of "
    ) in caplog.text
    assert violation.rule == (
        "Dialog.UpdateDynamicEntities answers an IntentRequest, not a Display.ElementSelected"
    )

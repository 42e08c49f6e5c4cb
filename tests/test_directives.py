"""Tests for alexaskill.directives: the public names, Dialog directives and their checks, and the
dialog helpers' responses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import directives
from alexaskill.directives import (
    Dialog,
    confirm_intent,
    confirm_slot,
    delegate,
    elicit_slot,
    updated_intent,
)
from alexaskill.exceptions import ResponseError
from alexaskill.interaction import SlotTypeDeclaration, SlotTypeValue
from alexaskill.models import Intent, Slot
from alexaskill.responses import Response, directive_kind, encode_response
from alexaskill.ssml import Ssml

from .directives_shared import one, wire


def test_public_names() -> None:
    assert sorted(directives.__all__, key=lambda n: (not n.isupper(), n)) == directives.__all__
    for name in directives.__all__:
        if not name.isupper():
            assert getattr(directives, name).__doc__, name


# --- Dialog ---------------------------------------------------------------------------------------


PLAN_TRIP = Intent(
    name="PlanTrip",
    confirmation_status="NONE",
    slots={
        "city": Slot(name="city", value="Pari", confirmation_status="NONE"),
        "date": Slot(name="date", value="2026-12-01", confirmation_status="CONFIRMED"),
        "travellers": Slot(name="travellers", confirmation_status="NONE"),
    },
)


def test_dialog_directives_json() -> None:
    assert [
        one(Dialog.Delegate()),
        one(Dialog.ElicitSlot("city")),
        one(Dialog.ConfirmSlot("date")),
        one(Dialog.ConfirmIntent()),
    ] == [
        {"type": "Dialog.Delegate"},
        {"type": "Dialog.ElicitSlot", "slotToElicit": "city"},
        {"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"},
        {"type": "Dialog.ConfirmIntent"},
    ]
    assert {directive_kind(d) for d in (Dialog.Delegate(), Dialog.ConfirmIntent())} == {"dialog"}


def test_updated_intent_changes_slots_and_keeps_the_rest() -> None:
    assert updated_intent(PLAN_TRIP, city="Paris", travellers=2) == {
        "name": "PlanTrip",
        "confirmationStatus": "NONE",
        "slots": {
            "date": {"name": "date", "value": "2026-12-01", "confirmationStatus": "CONFIRMED"},
            "travellers": {"name": "travellers", "value": "2", "confirmationStatus": "NONE"},
            "city": {"name": "city", "value": "Paris", "confirmationStatus": "NONE"},
        },
    }


def test_updated_intent_resets_confirmation_only_when_the_value_changes() -> None:
    same = updated_intent(PLAN_TRIP, date="2026-12-01")["slots"]["date"]
    changed = updated_intent(PLAN_TRIP, date="2026-12-02")["slots"]["date"]
    assert same["confirmationStatus"] == "CONFIRMED"
    assert changed["confirmationStatus"] == "NONE"


def test_updated_intent_clears_a_slot_and_takes_an_explicit_slot() -> None:
    slots = updated_intent(
        PLAN_TRIP, city=None, date=Slot(value="2026-12-24", confirmation_status="CONFIRMED")
    )["slots"]
    assert slots["city"] == {"name": "city", "confirmationStatus": "NONE"}
    assert slots["date"] == {
        "name": "date",
        "value": "2026-12-24",
        "confirmationStatus": "CONFIRMED",
    }


def test_updated_intent_by_name_starts_another_intent() -> None:
    assert updated_intent("OrderCoffee", size="large") == {
        "name": "OrderCoffee",
        "confirmationStatus": "NONE",
        "slots": {"size": {"name": "size", "value": "large", "confirmationStatus": "NONE"}},
    }


@pytest.mark.parametrize("value", [True, 2.5, ["a"], {"value": "x"}])
def test_updated_intent_refuses_other_values(value: Any) -> None:
    with pytest.raises(ResponseError, match="slot city: give a str, an int, a Slot or None"):
        updated_intent(PLAN_TRIP, city=value)


def test_a_decoded_intent_is_copied_as_json() -> None:
    directive = Dialog.Delegate(updated_intent=PLAN_TRIP)
    assert directive.updated_intent == updated_intent(PLAN_TRIP)
    assert one(directive)["updatedIntent"]["slots"]["city"]["value"] == "Pari"


@pytest.mark.parametrize(
    ("intent", "message"),
    [
        ({"slots": {}}, "updatedIntent.name must be a non-empty str"),
        ({"name": "X", "confirmationStatus": "MAYBE"}, "updatedIntent.confirmationStatus is"),
        ({"name": "X", "slots": ["city"]}, "updatedIntent.slots must be a mapping"),
        ("PlanTrip", "updatedIntent must be a mapping"),
    ],
)
def test_an_updated_intent_mapping_is_checked(intent: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Dialog.ElicitSlot("city", updated_intent=intent)


def test_slot_names_are_required() -> None:
    with pytest.raises(ResponseError, match=r"Dialog.ElicitSlot slotToElicit must be a non-empty"):
        Dialog.ElicitSlot("")
    with pytest.raises(ResponseError, match=r"Dialog.ConfirmSlot slotToConfirm"):
        Dialog.ConfirmSlot(None)  # type: ignore[arg-type]


def test_update_dynamic_entities_replace() -> None:
    directive = Dialog.UpdateDynamicEntities(
        "REPLACE",
        {
            "Airport": [
                SlotTypeValue("Logan International", id="BOS", synonyms=("Boston Logan",)),
                "Heathrow",
            ]
        },
    )
    assert one(directive) == {
        "type": "Dialog.UpdateDynamicEntities",
        "updateBehavior": "REPLACE",
        "types": [
            {
                "name": "Airport",
                "values": [
                    {
                        "id": "BOS",
                        "name": {"value": "Logan International", "synonyms": ["Boston Logan"]},
                    },
                    {"id": "Heathrow", "name": {"value": "Heathrow"}},
                ],
            }
        ],
    }


def test_update_dynamic_entities_takes_declarations_and_clear() -> None:
    declaration = SlotTypeDeclaration.build("Fruit", ["apple"])
    assert one(Dialog.UpdateDynamicEntities("REPLACE", [declaration]))["types"][0]["name"] == (
        "Fruit"
    )
    assert one(Dialog.UpdateDynamicEntities("CLEAR")) == {
        "type": "Dialog.UpdateDynamicEntities",
        "updateBehavior": "CLEAR",
    }


@pytest.mark.parametrize(
    ("behavior", "types", "message"),
    [
        ("MERGE", {"Fruit": ["apple"]}, "updateBehavior is 'MERGE'; use one of REPLACE, CLEAR"),
        ("REPLACE", {}, "REPLACE needs at least one type"),
        ("REPLACE", {"Fruit": []}, "slot type Fruit needs at least one value"),
        ("REPLACE", "Fruit", "types must map slot type names to values"),
        ("REPLACE", ["Fruit"], r"types\[0\] must be a SlotTypeDeclaration"),
        ("CLEAR", {"Fruit": ["apple"]}, "CLEAR takes no types"),
    ],
)
def test_update_dynamic_entities_checks(behavior: Any, types: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Dialog.UpdateDynamicEntities(behavior, types)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ({}, r"directives\[0\]: Dialog.UpdateDynamicEntities updateBehavior is None"),
        ({"updateBehavior": "REMOVE"}, "updateBehavior is 'REMOVE'; use one of REPLACE, CLEAR"),
        ({"updateBehavior": "replace", "types": []}, "updateBehavior is 'replace'"),
    ],
)
def test_update_dynamic_entities_written_as_a_dict_has_its_behavior_checked(
    written: dict[str, Any], message: str
) -> None:
    # Alexa knows REPLACE and CLEAR only (Amazon's ask-sdk-model: er.dynamic.UpdateBehavior);
    # a dict directive with another went out unchecked, and Alexa refused the response.
    with pytest.raises(ResponseError, match=message):
        Response(directives=[{"type": "Dialog.UpdateDynamicEntities", **written}])
    kept = {"type": "Dialog.UpdateDynamicEntities", "updateBehavior": "CLEAR"}
    assert wire(kept) == [kept]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ({"type": "Dialog.ElicitSlot"}, r"directives\[0\]: Dialog.ElicitSlot slotToElicit is None"),
        ({"type": "Dialog.ElicitSlot", "slotToElicit": ""}, "slotToElicit is ''"),
        ({"type": "Dialog.ConfirmSlot", "slotToElicit": "date"}, "slotToConfirm is None"),
        ({"type": "Dialog.ConfirmSlot", "slotToConfirm": 3}, "slotToConfirm is 3"),
    ],
)
def test_a_dialog_directive_written_as_a_dict_names_its_slot(
    written: dict[str, Any], message: str
) -> None:
    # Alexa refuses an ElicitSlot or ConfirmSlot that names no slot; as a dict it went out.
    with pytest.raises(ResponseError, match=message):
        Response(directives=[written])
    kept = {"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"}
    assert wire(kept) == [kept]


# --- dialog responses -----------------------------------------------------------------------------


def response_json(response: Response) -> Any:
    return json.loads(encode_response(response))["response"]


def test_delegate_keeps_the_session_open_and_says_nothing() -> None:
    assert response_json(delegate()) == {
        "directives": [{"type": "Dialog.Delegate"}],
        "shouldEndSession": False,
    }


def test_delegate_may_speak_when_it_starts_another_intent() -> None:
    body = response_json(delegate(updated_intent("OrderCoffee"), speech="Welcome!"))
    assert body["outputSpeech"] == {"type": "PlainText", "text": "Welcome!"}
    assert body["directives"][0]["updatedIntent"]["name"] == "OrderCoffee"


def test_elicit_slot_asks_with_a_reprompt() -> None:
    body = response_json(
        elicit_slot("city", "Which city?", updated_intent=updated_intent(PLAN_TRIP, city=None))
    )
    assert body["outputSpeech"]["text"] == "Which city?"
    assert body["reprompt"]["outputSpeech"]["text"] == "Which city?"
    assert body["shouldEndSession"] is False
    assert body["directives"][0]["type"] == "Dialog.ElicitSlot"
    assert body["directives"][0]["slotToElicit"] == "city"
    assert body["directives"][0]["updatedIntent"]["slots"]["city"] == {
        "name": "city",
        "confirmationStatus": "NONE",
    }


def test_confirm_slot_and_intent() -> None:
    slot = response_json(confirm_slot("date", Ssml("<emphasis>December</emphasis>, right?")))
    assert slot["outputSpeech"]["type"] == "SSML"
    assert slot["directives"] == [{"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"}]
    intent = response_json(confirm_intent("Book it?", reprompt="Shall I book it?"))
    assert intent["reprompt"]["outputSpeech"]["text"] == "Shall I book it?"
    assert intent["directives"] == [{"type": "Dialog.ConfirmIntent"}]


def test_dialog_responses_carry_extra_directives() -> None:
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    body = response_json(elicit_slot("fruit", "Which fruit?", directives=[entities]))
    assert [d["type"] for d in body["directives"]] == [
        "Dialog.ElicitSlot",
        "Dialog.UpdateDynamicEntities",
    ]


def test_a_long_value_a_directive_refuses_is_quoted_by_its_head_and_tail() -> None:
    # A connection:// URI and an HTTPS URL refused were cut to their first 80 characters, a
    # metadata title that is no str made a message cut at 200, each with no "…".
    from alexaskill.directives import Connections, VideoApp
    from alexaskill.directives.audio import _check_metadata_json
    from alexaskill.shown_names import shown_value

    uri = "https://" + "a" * 150 + "/TAIL"
    with pytest.raises(ResponseError) as refused:
        Connections.StartConnection(uri=uri)
    assert str(refused.value).endswith(f"(connection://AMAZON.PrintPDF/1), not {shown_value(uri)}")
    url = "http://example.com/" + "a" * 150 + "/TAIL.mp4"
    with pytest.raises(ResponseError) as refused:
        VideoApp.Launch(url)
    assert f"must be an HTTPS URL, not {shown_value(url)}: " in str(refused.value)
    title = ["a" * 20] * 20 + ["TAIL"]
    with pytest.raises(ResponseError) as refused:
        _check_metadata_json({"title": title})
    said = "AudioPlayer.Play audioItem.metadata.title must be a non-empty str, not {}"
    assert str(refused.value) == said.format(shown_value(title))

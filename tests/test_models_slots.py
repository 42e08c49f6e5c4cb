"""Tests for alexaskill.models: slots, their entity resolutions and their values."""

from __future__ import annotations

from alexaskill.models import Intent, Slot, SlotValue, decode_envelope

from .models_shared import decode_dict, load, load_json, weather_slot

# --- slots -------------------------------------------------------------------------------------


def test_slot_matched_by_entity_resolution() -> None:
    city = weather_slot("city")
    assert city.values == ["big apple"]
    assert city.is_filled
    assert city.match_status == "ER_SUCCESS_MATCH"
    assert city.resolved_name == "New York"
    assert city.resolved_id == "NYC"


def test_slot_not_matched_by_entity_resolution() -> None:
    region = weather_slot("region")
    assert region.values == ["atlantis"]
    assert region.is_filled
    assert region.match_status == "ER_SUCCESS_NO_MATCH"
    assert region.resolved_name is None
    assert region.resolved_id is None


def test_slot_without_resolutions() -> None:
    date = weather_slot("date")
    assert date.values == ["2026-11-27"]
    assert date.match_status is None
    assert date.resolved_name is None


def test_unfilled_slot() -> None:
    unit = weather_slot("unit")
    assert unit.name == "unit"
    assert unit.value is None
    assert unit.values == []
    assert not unit.is_filled
    assert unit.match_status is None
    assert unit.resolved_name is None
    assert unit.resolved_id is None


def test_multiple_value_slot() -> None:
    intent = decode_envelope(load("IntentRequest.PlanTrip")).intent
    assert intent is not None
    activity = intent.slot("activity")
    assert activity is not None
    assert activity.value is None
    assert activity.values == ["hiking", "camping", "fishing"]
    assert activity.is_filled


def test_static_match_wins_over_dynamic_no_match() -> None:
    intent = decode_envelope(load("IntentRequest.PlanTrip")).intent
    assert intent is not None
    destination = intent.slot("destination")
    assert destination is not None
    assert destination.match_status == "ER_SUCCESS_MATCH"
    assert destination.resolved_name == "Zürich"
    assert destination.resolved_id == "ZRH"


def test_slot_with_only_a_simple_slot_value() -> None:
    slot = Slot(name="city", slot_value=SlotValue(type="Simple", value="Paris"))
    assert slot.values == ["Paris"]
    assert slot.is_filled


def test_slot_with_an_empty_list_slot_value() -> None:
    slot = Slot(name="activity", slot_value=SlotValue(type="List", values=[]))
    assert slot.values == []
    assert not slot.is_filled


def test_slot_with_a_timeout_status_has_no_match() -> None:
    data = load_json("IntentRequest.GetWeather")
    city = data["request"]["intent"]["slots"]["city"]
    city["resolutions"]["resolutionsPerAuthority"] = [
        {"authority": "amzn1.er-authority.x.CityType", "status": {"code": "ER_ERROR_TIMEOUT"}}
    ]
    intent = decode_dict(data).intent
    assert intent is not None
    slot = intent.slot("city")
    assert slot is not None
    assert slot.match_status == "ER_ERROR_TIMEOUT"
    assert slot.resolved_name is None


def test_only_a_matched_authority_resolves_and_the_first_status_is_the_slot_s() -> None:
    # Two authorities, neither matched: the slot's status is the first one's, and values listed
    # under a status other than ER_SUCCESS_MATCH resolve nothing.
    data = load_json("IntentRequest.GetWeather")
    city = data["request"]["intent"]["slots"]["city"]
    city["resolutions"]["resolutionsPerAuthority"] = [
        {
            "authority": "amzn1.er-authority.x.CityType",
            "status": {"code": "ER_SUCCESS_NO_MATCH"},
            "values": [{"value": {"name": "New York", "id": "NYC"}}],
        },
        {
            "authority": "amzn1.er-authority.x.dynamic.CityType",
            "status": {"code": "ER_ERROR_TIMEOUT"},
        },
    ]
    intent = decode_dict(data).intent
    assert intent is not None
    slot = intent.slot("city")
    assert slot is not None
    assert slot.match_status == "ER_SUCCESS_NO_MATCH"
    assert slot.resolved_name is None and slot.resolved_id is None


def test_intent_slot_lookup() -> None:
    intent = decode_envelope(load("IntentRequest.GetWeather")).intent
    assert intent is not None
    city = intent.slot("city")
    assert city is not None
    assert city.name == "city"
    assert intent.slot("nope") is None
    help_intent = decode_envelope(load("IntentRequest.AMAZON.HelpIntent")).intent
    assert help_intent is not None
    assert help_intent.slot("city") is None
    assert Intent(name="X").slot("city") is None

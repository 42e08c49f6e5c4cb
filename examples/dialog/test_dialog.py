"""The trip planner through the test client: a dialog from STARTED to COMPLETED, and its detours."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.testing import TestClient
from examples.dialog.app import HELP, skill

REQUESTS = Path(__file__).parent / "requests"


def noon_sunday_utc() -> datetime.datetime:
    """The tests' clock (the requests' timestamps, the user's "today"): never the real one, by
    which the dates the tests book would fall in the past."""
    return datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(skill, now=noon_sunday_utc) as test_client:
        yield test_client


def directive(result: Any) -> dict[str, Any]:
    [only] = result.directives
    assert isinstance(only, dict)
    return only


def test_a_whole_dialog(client: TestClient) -> None:
    # "Alexa, open trip planner": the launch starts PlanTrip's dialog (intent chaining).
    launched = client.launch()
    assert launched.speech == "Welcome to Trip Planner."
    assert directive(launched) == {
        "type": "Dialog.Delegate",
        "updatedIntent": {"name": "PlanTrip", "confirmationStatus": "NONE", "slots": {}},
    }
    assert launched.should_end_session is False

    # Turn 1 (STARTED): the skill fills in one traveller and lets Alexa go on.
    started = client.intent(
        "PlanTrip", dialog_state="STARTED", city=None, date=None, travellers=None
    )
    assert started.speech is None
    assert directive(started)["type"] == "Dialog.Delegate"
    slots = directive(started)["updatedIntent"]["slots"]
    assert slots["travellers"] == {"name": "travellers", "value": "1", "confirmationStatus": "NONE"}
    assert slots["city"] == {"name": "city", "confirmationStatus": "NONE"}

    # Turns 2 and 3 (IN_PROGRESS): Alexa asked for the city, then the date; the skill delegates.
    for slots_so_far in (
        {"city": "Rome", "date": None, "travellers": "1"},
        {"city": "Rome", "date": "2026-12-04", "travellers": "1"},
    ):
        turn = client.intent("PlanTrip", dialog_state="IN_PROGRESS", **slots_so_far)
        assert directive(turn) == {"type": "Dialog.Delegate"}
        assert turn.should_end_session is False

    # Last turn (COMPLETED, the user confirmed the trip): book it.
    done = client.intent(
        "PlanTrip",
        dialog_state="COMPLETED",
        confirmation_status="CONFIRMED",
        city="Rome",
        date={"value": "2026-12-04", "confirmationStatus": "CONFIRMED"},
        travellers="1",
    )
    assert done.speech == "Booked: a trip to Rome for you, leaving Friday December 4."
    assert done.directives == []
    assert done.should_end_session is True
    assert done.card == {
        "type": "Simple",
        "title": "Trip Planner",
        "content": "Rome, 2026-12-04, 1 traveller",
    }


def test_a_number_given_at_the_start_is_kept(client: TestClient) -> None:
    started = client.intent("PlanTrip", dialog_state="STARTED", city="Oslo", travellers="3")
    assert directive(started) == {"type": "Dialog.Delegate"}
    done = client.intent(
        "PlanTrip", dialog_state="COMPLETED", city="Oslo", date="2026-12-24", travellers="3"
    )
    assert done.speech == "Booked: a trip to Oslo for 3 travellers, leaving Thursday December 24."
    assert done.card is not None
    assert done.card["content"] == "Oslo, 2026-12-24, 3 travellers"


def test_a_city_it_cannot_book_is_asked_again(client: TestClient) -> None:
    result = client.intent("PlanTrip", dialog_state="IN_PROGRESS", city="Atlantis", travellers="2")
    assert (
        result.speech
        == "Sorry, I can't book trips to Atlantis yet. Where else would you like to go?"
    )
    assert result.reprompt == "Which city?"
    assert result.should_end_session is False
    elicit = directive(result)
    assert elicit["type"] == "Dialog.ElicitSlot"
    assert elicit["slotToElicit"] == "city"
    assert elicit["updatedIntent"]["slots"]["city"] == {
        "name": "city",
        "confirmationStatus": "NONE",
    }
    assert elicit["updatedIntent"]["slots"]["travellers"]["value"] == "2"


def test_a_denied_date_is_asked_again(client: TestClient) -> None:
    result = client.intent(
        "PlanTrip",
        dialog_state="IN_PROGRESS",
        city="Paris",
        date={"value": "2026-12-04", "confirmationStatus": "DENIED"},
    )
    elicit = directive(result)
    assert elicit["type"] == "Dialog.ElicitSlot"
    assert elicit["slotToElicit"] == "date"
    assert "value" not in elicit["updatedIntent"]["slots"]["date"]
    assert result.speech == "Sorry about that. Which day would you like to leave?"


def test_a_denied_trip_is_not_booked(client: TestClient) -> None:
    result = client.intent(
        "PlanTrip",
        dialog_state="COMPLETED",
        confirmation_status="DENIED",
        city="Paris",
        date="2026-12-04",
        travellers="1",
    )
    assert result.speech == "Okay, I won't book it."
    assert result.should_end_session is True


def can_fulfill(client: TestClient, **slots: Any) -> Any:
    return client.can_fulfill("PlanTrip", **slots).json["response"]


def test_can_fulfill_from_the_cities_it_knows(client: TestClient) -> None:
    assert can_fulfill(client, city="Lisbon", date="2026-12-04") == {
        "canFulfillIntent": {
            "canFulfill": "YES",
            "slots": {
                "city": {"canUnderstand": "YES", "canFulfill": "YES"},
                "date": {"canUnderstand": "YES", "canFulfill": "YES"},
            },
        }
    }
    assert can_fulfill(client, city="Atlantis")["canFulfillIntent"] == {
        "canFulfill": "NO",
        "slots": {"city": {"canUnderstand": "NO", "canFulfill": "NO"}},
    }
    assert can_fulfill(client) == {"canFulfillIntent": {"canFulfill": "MAYBE"}}


def test_other_intents_are_not_claimed(client: TestClient) -> None:
    result = client.can_fulfill("GetWeather")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}


def test_help_stop_and_fallback(client: TestClient) -> None:
    assert client.intent("AMAZON.HelpIntent").speech == HELP
    assert client.intent("AMAZON.StopIntent").speech == "Goodbye."
    assert client.intent("AMAZON.FallbackIntent").speech == f"Sorry, I didn't get that. {HELP}"


def test_sample_requests_replay(client: TestClient) -> None:
    answers = {path.name: client.replay(path) for path in sorted(REQUESTS.glob("*.json"))}
    assert set(answers) == {
        "can-fulfill.json",
        "launch.json",
        "plan-trip-completed.json",
        "plan-trip-started.json",
    }
    assert directive(answers["launch.json"])["updatedIntent"]["name"] == "PlanTrip"
    assert directive(answers["plan-trip-started.json"])["type"] == "Dialog.Delegate"
    assert answers["plan-trip-completed.json"].speech == (
        "Booked: a trip to Paris for 2 travellers, leaving Friday December 4."
    )
    assert answers["can-fulfill.json"].json["response"]["canFulfillIntent"]["canFulfill"] == "YES"


# --- said, not built: the dialog as Alexa runs it from the model declared in app.py ----------


def sunday() -> datetime.datetime:
    return datetime.datetime(2026, 11, 29, 12, 0)  # the user's time: Sunday 29 November 2026


@pytest.fixture
def talk() -> Iterator[TestClient]:
    with TestClient(
        skill, invocation="trip planner", local_now=sunday, now=noon_sunday_utc
    ) as test_client:
        yield test_client


def test_a_whole_dialog_said(talk: TestClient) -> None:
    opened = talk.say("open trip planner")
    assert opened.heard == "Welcome to Trip Planner. Where would you like to go?"
    assert opened.turn is not None
    assert [exchange.request["type"] for exchange in opened.turn.exchanges] == [
        "LaunchRequest",
        "IntentRequest",
    ]
    assert opened.request is not None
    assert opened.request["dialogState"] == "STARTED"

    # A city the skill cannot book: the skill itself asks again (Dialog.ElicitSlot).
    refused = talk.say("to Berlin")
    assert (
        refused.speech
        == "Sorry, I can't book trips to Berlin yet. Where else would you like to go?"
    )
    assert refused.prompt is None
    assert talk.say("let's go to Rome").prompt == "When would you like to leave?"

    # Outside the next year: the model's validation asks again.
    assert talk.say("in two years").prompt == "I can book trips within the next year. When?"
    dated = talk.say("next friday")
    assert dated.request is not None
    assert dated.request["intent"]["slots"]["date"]["value"] == "2026-12-04"
    assert dated.prompt == "You'd like to leave on next friday, right?"

    # A denied date: the skill asks for another day itself.
    assert talk.say("no").speech == "Sorry about that. Which day would you like to leave?"
    assert talk.say("on saturday").prompt == "You'd like to leave on saturday, right?"
    assert talk.say("yes").prompt == "Shall I book a trip to Rome for 1, leaving saturday?"
    done = talk.say("yes please")
    assert done.request is not None
    assert done.request["dialogState"] == "COMPLETED"
    assert done.speech == "Booked: a trip to Rome for you, leaving Saturday December 5."
    assert done.should_end_session is True


def test_one_shot_with_everything_said(talk: TestClient) -> None:
    first = talk.say("ask trip planner to book a trip for three to Oslo")
    assert first.understood is not None
    assert [(slot.name, slot.value) for slot in first.understood.slots] == [
        ("travellers", "3"),
        ("city", "Oslo"),
    ]
    assert first.prompt == "When would you like to leave?"
    assert (
        talk.say("december twentieth").prompt == "You'd like to leave on december twentieth, right?"
    )
    assert (
        talk.say("yes").prompt
        == "Shall I book a trip to Oslo for three, leaving december twentieth?"
    )
    assert talk.say("no").speech == "Okay, I won't book it."


def test_too_many_travellers(talk: TestClient) -> None:
    assert talk.say("book a trip for twelve to lisbon").prompt == (
        "I can book for nine people at most. How many?"
    )


def test_help_in_the_middle_of_a_dialog(talk: TestClient) -> None:
    talk.say("plan a trip")
    assert talk.say("help").speech == HELP


@pytest.mark.parametrize("state", ["IN_PROGRESS", "COMPLETED"])
@pytest.mark.parametrize("week_or_month", ["2026-W49", "2026-12", "2026-W49-WE"])
def test_a_date_that_is_no_single_day_is_asked_again(
    client: TestClient, state: str, week_or_month: str
) -> None:
    # "Next week" fills the date slot (Alexa's dialog takes it), but names no day to leave on:
    # the trip was booked "leaving soon".
    result = client.intent(
        "PlanTrip", dialog_state=state, city="Paris", date=week_or_month, travellers="2"
    )
    assert result.speech == "Which day would you like to leave? Say, for example: next Friday."
    assert result.should_end_session is False
    elicit = directive(result)
    assert elicit["type"] == "Dialog.ElicitSlot"
    assert elicit["slotToElicit"] == "date"
    slots = elicit["updatedIntent"]["slots"]
    assert "value" not in slots["date"]
    assert (slots["city"]["value"], slots["travellers"]["value"]) == ("Paris", "2")


@pytest.mark.parametrize("date", ["2026-11-28", "2025-12-04", "2027-11-30", "2028-01-01"])
def test_can_fulfill_a_day_the_booking_refuses_is_a_no(client: TestClient, date: str) -> None:
    # CanFulfill answered YES for a day in the past (or over a year ahead), which the booking
    # refuses (the model's validation, and the handler's check at COMPLETED): the skill vouched
    # for a trip it would then not book. The client's clock is Sunday 29 November 2026.
    assert can_fulfill(client, city="Rome", date=date)["canFulfillIntent"] == {
        "canFulfill": "NO",
        "slots": {
            "city": {"canUnderstand": "YES", "canFulfill": "YES"},
            "date": {"canUnderstand": "YES", "canFulfill": "NO"},
        },
    }
    for bookable in ("2026-11-29", "2027-11-29"):  # today and a year ahead: the booking's bounds
        assert can_fulfill(client, city="Rome", date=bookable)["canFulfillIntent"][
            "canFulfill"
        ] == ("YES")


def test_can_fulfill_a_day_without_the_users_time_zone_is_a_maybe() -> None:
    # The day is checked in the user's time zone; when Alexa's settings API fails, the skill
    # cannot tell today from yesterday, and the dialog will check the day.
    with TestClient(skill, now=noon_sunday_utc, faults={"time_zone": 500}) as failing:
        answer = can_fulfill(failing, city="Rome", date="2026-12-04")["canFulfillIntent"]
    assert answer["canFulfill"] == "MAYBE"
    assert answer["slots"]["date"] == {"canUnderstand": "YES", "canFulfill": "YES"}


def test_can_fulfill_a_date_that_is_no_single_day_is_a_maybe(client: TestClient) -> None:
    # The dialog would ask for a day: the skill cannot vouch for "next week" as it is.
    assert can_fulfill(client, city="Rome", date="2026-W49") == {
        "canFulfillIntent": {
            "canFulfill": "MAYBE",
            "slots": {
                "city": {"canUnderstand": "YES", "canFulfill": "YES"},
                "date": {"canUnderstand": "YES", "canFulfill": "NO"},
            },
        }
    }


@pytest.mark.parametrize(
    ("travellers", "asked"),
    [
        ("-2", "At least one traveller, please. How many?"),
        ("0", "At least one traveller, please. How many?"),
        ("12", "I can book for nine people at most. How many?"),
    ],
)
def test_a_completed_trip_with_a_number_outside_the_bounds_asks_again(
    client: TestClient, travellers: str, asked: str
) -> None:
    # Alexa checks the number before it completes the dialog, unless the deployed model lacks
    # the validations: the trip was booked "for -2 travellers" (and 0 as "for you").
    result = client.intent(
        "PlanTrip", dialog_state="COMPLETED", city="Paris", date="2026-12-04", travellers=travellers
    )
    assert result.speech == asked
    assert result.should_end_session is False
    elicit = directive(result)
    assert (elicit["type"], elicit["slotToElicit"]) == ("Dialog.ElicitSlot", "travellers")
    assert "value" not in elicit["updatedIntent"]["slots"]["travellers"]


def test_none_travelling_is_asked_again_in_the_dialog(talk: TestClient) -> None:
    assert talk.say("book a trip for zero to lisbon").prompt == (
        "At least one traveller, please. How many?"
    )


@pytest.mark.parametrize("date", ["2026-11-28", "2020-01-10", "2027-11-30"])
def test_a_completed_trip_outside_the_next_year_asks_for_another_day(
    client: TestClient, date: str
) -> None:
    # Alexa checks the date before it completes the dialog, unless the deployed model lacks the
    # validation: a trip leaving yesterday (or in 2020) was booked.
    result = client.intent(
        "PlanTrip", dialog_state="COMPLETED", city="Oslo", date=date, travellers="2"
    )
    assert result.speech == "I can book trips within the next year. When?"
    elicit = directive(result)
    assert elicit["slotToElicit"] == "date"
    assert "value" not in elicit["updatedIntent"]["slots"]["date"]
    assert elicit["updatedIntent"]["slots"]["city"]["value"] == "Oslo"


@pytest.mark.parametrize("date", ["2026-11-29", "2027-11-29"])
def test_today_and_a_year_ahead_are_booked(client: TestClient, date: str) -> None:
    result = client.intent(
        "PlanTrip", dialog_state="COMPLETED", city="Oslo", date=date, travellers="2"
    )
    assert result.speech is not None
    assert result.speech.startswith("Booked: a trip to Oslo for 2 travellers, leaving ")


@pytest.mark.parametrize(("date", "booked"), [("2028-12-01", True), ("2028-12-02", False)])
def test_a_year_ahead_is_a_calendar_year_over_a_29th_of_february(date: str, booked: bool) -> None:
    # The model's validation, in_duration("P0D", "P1Y"), lets Alexa complete the dialog with
    # the same day next year, 366 days ahead when a 29th of February comes between; the
    # handler's own check counted 365 days, and asked again for the day Alexa had accepted.
    def december_2027() -> datetime.datetime:
        return datetime.datetime(2027, 12, 1, 12, 0, tzinfo=datetime.UTC)

    with TestClient(skill, now=december_2027) as client:
        result = client.intent(
            "PlanTrip", dialog_state="COMPLETED", city="Oslo", date=date, travellers="2"
        )
    assert result.speech is not None
    assert result.speech.startswith("Booked: a trip to Oslo") is booked
    if not booked:
        assert result.speech == "I can book trips within the next year. When?"


@pytest.mark.parametrize(
    ("said", "city", "travellers"),
    [
        ("i want to go to Rome with 3 people", "Rome", "3"),
        ("take me to Lisbon with two people", "Lisbon", "2"),
    ],
)
def test_the_city_leaves_the_travellers_to_their_slot(
    client: TestClient, said: str, city: str, travellers: str
) -> None:
    # "i want to go to Rome with 3 people" filled the city "Rome with 3 people": no sample put
    # "with" before the travellers, so the city's free-form value took the words.
    result = client.say(said)
    assert result.request is not None
    slots = result.request["intent"]["slots"]
    assert (slots["city"].get("value"), slots["travellers"].get("value")) == (city, travellers)

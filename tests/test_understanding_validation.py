"""Slot validation rules as the offline dialog checks them (alexaskill.understanding.validation)."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation
from alexaskill.understanding.model import Validation
from alexaskill.understanding.validation import passes

SUNDAY = datetime.date(2026, 11, 29)
WEDNESDAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("today", "value"),
    [
        (SUNDAY, "2026-W48-WE"),  # "this weekend", said on its Sunday
        (WEDNESDAY, "2026-W48"),  # "this week", said on Wednesday
        (SUNDAY, "2026-11"),  # "this month"
        (SUNDAY, "2026-FA"),  # "this autumn"
        (SUNDAY, "2026"),  # "this year"
        (WEDNESDAY, "2026-W48-WE"),  # wholly inside, as before
        (SUNDAY, "2026-11-29"),  # today
    ],
)
def test_a_span_under_way_today_is_inside_a_window_from_today(
    today: datetime.date, value: str
) -> None:
    # The days of the span still to come are in the window: Alexa accepts "this weekend" on a
    # Sunday for "within the next year" (it used to be asked for again, as if in the past).
    inside = Validation("isInDuration", None, start="P0D", end="P1Y")
    assert passes(inside, value, {}, today) is True
    outside = Validation("isNotInDuration", None, start="P0D", end="P1Y")
    assert passes(outside, value, {}, today) is False


@pytest.mark.parametrize(
    ("today", "value"),
    [
        (SUNDAY, "2026-W47-WE"),  # last weekend
        (SUNDAY, "2026-11-28"),  # yesterday
        (SUNDAY, "2026-10"),  # last month
        (SUNDAY, "2029"),  # wholly after the window
        (SUNDAY, "202X"),  # "this decade": its days to come run to 2029
        (SUNDAY, "2027"),  # next year: its last month is after the window
    ],
)
def test_a_span_not_within_the_window_is_outside_it(today: datetime.date, value: str) -> None:
    inside = Validation("isInDuration", None, start="P0D", end="P1Y")
    assert passes(inside, value, {}, today) is False
    outside = Validation("isNotInDuration", None, start="P0D", end="P1Y")
    assert passes(outside, value, {}, today) is True


@pytest.mark.parametrize(
    ("today", "end", "value", "inside"),
    [
        (SUNDAY, "P30D", "202X", False),  # a decade is no day of the next thirty
        (datetime.date(2026, 12, 28), "P7D", "2027", False),  # four days of 2027 are
        (datetime.date(2026, 12, 28), "P7D", "2026-W53", True),  # 28 December to 3 January
        (SUNDAY, "P7D", "2026-W48-WE", True),  # this weekend, said on its Sunday
        (SUNDAY, "P7D", "2026-W49", True),  # next week
        (SUNDAY, "P7D", "2026-W50", False),  # the week after
    ],
)
def test_a_span_must_lie_within_the_window_from_today_on(
    today: datetime.date, end: str, value: str, inside: bool
) -> None:
    # A span that has begun counts from today; the rest of it must be in the window: "next
    # year" said on 28 December is not "within the next week".
    rule = Validation("isInDuration", None, start="P0D", end=end)
    assert passes(rule, value, {}, today) is inside
    rule = Validation("isNotInDuration", None, start="P0D", end=end)
    assert passes(rule, value, {}, today) is (not inside)


@pytest.mark.parametrize(
    ("start", "end", "value", "inside"),
    [
        ("2026-12-01", "2026-12-31", "2026-12-24", True),
        ("2026-12-01", "2026-12-31", "2026-12", True),
        ("2026-12-01", "2026-12-31", "2026-W48-WE", False),  # 28-29 November
        ("2026-12-01", None, "2030-01-01", True),
        (None, "2026-12-31", "2027-01-01", False),
        ("P1D", "2026-12-31", "2026-11-29", False),  # a relative start and a fixed end
    ],
)
def test_a_date_window_with_fixed_days(
    start: str | None, end: str | None, value: str, inside: bool
) -> None:
    # Amazon's rule takes a YYYY-MM-DD day as a bound, as well as a duration from today.
    rule = Validation("isInDuration", None, start=start, end=end)
    assert passes(rule, value, {}, SUNDAY) is inside


NOON = datetime.datetime(2026, 11, 29, 12, 0)
LATE = datetime.datetime(2026, 11, 29, 23, 0)


@pytest.mark.parametrize(
    ("now", "start", "end", "value", "inside"),
    [
        # Durations from now (hours or minutes).
        (NOON, "PT0H", "PT2H", "13:30", True),
        (NOON, "PT0H", "PT2H", "12:00", True),
        (NOON, "PT0H", "PT2H", "14:01", False),
        (NOON, "PT0H", "PT2H", "11:00", False),
        (NOON, "PT30M", "PT1H", "12:15", False),
        (LATE, "PT0H", "PT2H", "00:30", True),  # past midnight
        (LATE, "PT0H", "PT2H", "22:30", False),
        # Clock times.
        (NOON, "09:00", "17:00", "16:59", True),
        (LATE, "09:00", "17:00", "10:00", True),
        (NOON, "09:00", "17:00", "17:30", False),
        (NOON, "22:00", "02:00", "01:00", True),  # a window across midnight
        (NOON, "22:00", "02:00", "12:00", False),
        # A part of the day, whose hours Amazon does not give, is not placed: it passes.
        (NOON, "PT0H", "PT1H", "EV", True),
    ],
)
def test_a_time_window(
    now: datetime.datetime, start: str, end: str, value: str, inside: bool
) -> None:
    # Amazon's isInDuration applies to AMAZON.TIME too (SMAPI's IsInDuration): a clock time is
    # in the window when one of its occurrences is.
    rule = Validation("isInDuration", None, start=start, end=end)
    assert passes(rule, value, {}, now) is inside
    rule = Validation("isNotInDuration", None, start=start, end=end)
    assert passes(rule, value, {}, now) is (not inside or value == "EV")


# --- in a dialog -------------------------------------------------------------------------------

TRIP_MODEL: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "trip planner",
            "intents": [
                {"name": "AMAZON.StopIntent", "samples": []},
                {
                    "name": "PlanTrip",
                    "slots": [
                        {"name": "when", "type": "AMAZON.DATE", "samples": ["{when}"]},
                    ],
                    "samples": ["plan a trip", "plan a trip {when}"],
                },
            ],
            "types": [],
        },
        "dialog": {
            "delegationStrategy": "ALWAYS",
            "intents": [
                {
                    "name": "PlanTrip",
                    "delegationStrategy": "ALWAYS",
                    "confirmationRequired": False,
                    "prompts": {},
                    "slots": [
                        {
                            "name": "when",
                            "type": "AMAZON.DATE",
                            "elicitationRequired": True,
                            "confirmationRequired": False,
                            "prompts": {"elicitation": "Elicit.when"},
                            "validations": [
                                {
                                    "type": "isInDuration",
                                    "prompt": "Invalid.when",
                                    "start": "P0D",
                                    "end": "P1Y",
                                }
                            ],
                        }
                    ],
                }
            ],
        },
        "prompts": [
            {"id": "Elicit.when", "variations": [{"type": "PlainText", "value": "When?"}]},
            {
                "id": "Invalid.when",
                "variations": [{"type": "PlainText", "value": "Within a year, please. When?"}],
            },
        ],
    }
}


@dataclass
class Reply:
    status_code: int
    json: Any


class Skill:
    """A transport whose skill says "Done." to every request."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
        self.sent.append(copy.deepcopy(dict(request)))
        response = {"outputSpeech": {"type": "PlainText", "text": "Done."}}
        return Reply(200, {"version": "1.0", "response": {**response, "shouldEndSession": True}})


def trip(model: Mapping[str, Any], now: datetime.datetime) -> tuple[Conversation, Skill]:
    skill = Skill()
    understander = Understander(InteractionModel.from_json(copy.deepcopy(dict(model))))
    return Conversation(understander, skill, now=lambda: now), skill


@pytest.mark.parametrize("said", ["plan a trip this weekend", "plan a trip this week"])
def test_this_weekend_said_on_sunday_passes_a_window_from_today(said: str) -> None:
    talk, skill = trip(TRIP_MODEL, datetime.datetime(2026, 11, 29, 12, 0))
    turn = talk.say(said)
    assert turn.prompts == []
    [request] = skill.sent
    assert request["dialogState"] == "COMPLETED"
    assert request["intent"]["slots"]["when"]["value"] in ("2026-W48-WE", "2026-W48")


def test_last_weekend_is_asked_for_again() -> None:
    talk, skill = trip(TRIP_MODEL, datetime.datetime(2026, 11, 29, 12, 0))
    turn = talk.say("plan a trip last weekend")
    assert turn.prompts == ["Within a year, please. When?"]
    assert skill.sent == []


def test_a_time_slot_is_asked_for_again_outside_its_window() -> None:
    model = copy.deepcopy(TRIP_MODEL)
    language = model["interactionModel"]["languageModel"]
    language["intents"][1]["slots"][0]["type"] = "AMAZON.TIME"
    language["intents"][1]["samples"] = ["plan a trip", "plan a trip at {when}"]
    [slot] = model["interactionModel"]["dialog"]["intents"][0]["slots"]
    slot["type"] = "AMAZON.TIME"
    slot["validations"][0].update(start="PT0H", end="PT2H")
    talk, skill = trip(model, datetime.datetime(2026, 11, 29, 12, 0))
    assert talk.say("plan a trip at five pm").prompts == ["Within a year, please. When?"]
    assert skill.sent == []
    assert talk.say("one pm").prompts == []
    [request] = skill.sent
    assert request["intent"]["slots"]["when"]["value"] == "13:00"

"""Slot validation rules as the offline dialog checks them (alexaskill.understanding.validation)."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation
from alexaskill.understanding.model import Validation
from alexaskill.understanding.validation import never_passes, passes

SUNDAY = datetime.date(2026, 11, 29)
WEDNESDAY = datetime.date(2026, 11, 25)


def in_and_not_in(
    start: str | None, end: str | None, value: str, now: datetime.date
) -> tuple[bool, bool]:
    """Whether ``value`` passes isInDuration, and isNotInDuration, with these bounds at ``now``."""
    rules = (
        Validation(kind, None, start=start, end=end) for kind in ("isInDuration", "isNotInDuration")
    )
    inside, outside = (passes(rule, value, {}, now) for rule in rules)
    return inside, outside


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
    assert in_and_not_in("P0D", end, value, today) == (inside, not inside)


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
        # An end before the start, both durations from now: an empty window.
        (NOON, "PT2H", "PT1H", "12:30", False),
        (NOON, "PT2H", "PT1H", "13:30", False),
        (NOON, "PT2H", "PT1H", "15:00", False),
        (NOON, "PT2H", "PT1H", "11:00", False),
        # A clock bound and a duration from now.
        (NOON, "11:00", "PT2H", "13:30", True),
        (NOON, "11:00", "PT2H", "10:30", False),
        (LATE, "22:00", "PT2H", "00:30", True),
        (LATE, "23:30", "PT0H", "23:45", True),  # since 23:30 yesterday
        (LATE, "23:30", "PT0H", "12:00", True),
        (LATE, "23:30", "PT0H", "23:15", False),
        # An open side reaches the edge of the day of the other bound.
        (NOON, "22:00", None, "23:30", True),  # after ten tonight
        (NOON, "22:00", None, "21:00", False),
        (NOON, "22:00", None, "09:00", False),
        (NOON, "22:00", None, "00:00", False),  # midnight starts the next day
        (NOON, None, "09:00", "08:00", True),  # before nine
        (NOON, None, "09:00", "00:00", True),
        (NOON, None, "09:00", "10:00", False),
        (NOON, "PT0H", None, "13:00", True),  # later today
        (NOON, "PT0H", None, "23:59", True),
        (NOON, "PT0H", None, "11:00", False),
        (LATE, "PT2H", None, "01:30", True),  # the day two hours from now is tomorrow
        (LATE, "PT2H", None, "00:30", False),
        (NOON, None, "PT0H", "11:00", True),  # earlier today
        (NOON, None, "PT0H", "13:00", False),
    ],
)
def test_a_time_window(
    now: datetime.datetime, start: str | None, end: str | None, value: str, inside: bool
) -> None:
    # Amazon's isInDuration applies to AMAZON.TIME too (SMAPI's IsInDuration): a clock time is
    # in the window when one of its occurrences is.
    assert in_and_not_in(start, end, value, now) == (inside, not inside or value == "EV")


LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "start", "end", "value", "inside"),
    [
        # Clocks go forward at 01:00 GMT: two hours after 00:30 GMT is 03:30 BST.
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), "PT0H", "PT2H", "03:00", True),
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), "PT0H", "PT2H", "03:45", False),
        # Clocks go back at 02:00 BST: two hours after 00:30 BST is 01:30 GMT.
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), "PT0H", "PT2H", "02:15", False),
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), "PT0H", "PT2H", "01:15", True),
        # Clock bounds are the user's clock, not UTC's (01:00 UTC is 20:00 in New York).
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "19:00", "21:00", "20:30", True),
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "19:00", "21:00", "01:30", False),
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "19:00", "PT1H", "20:30", True),
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "19:00", "PT1H", "21:30", False),
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "PT0H", None, "23:30", True),
        (datetime.datetime(2026, 11, 29, 20, 0, tzinfo=NEW_YORK), "PT0H", None, "00:30", False),
    ],
)
def test_a_time_window_in_the_users_time_zone(
    now: datetime.datetime, start: str, end: str | None, value: str, inside: bool
) -> None:
    # Durations are real time, wherever the clocks change: the window ends two hours from now
    # as the user's clock will then show it.
    assert in_and_not_in(start, end, value, now) == (inside, not inside)


LAST_HOUR = datetime.datetime(9999, 12, 31, 23, 0)
FIRST_HOUR = datetime.datetime(1, 1, 1, 0, 30)


@pytest.mark.parametrize(
    ("now", "start", "end", "value", "inside"),
    [
        (LAST_HOUR, "PT0H", "02:00", "01:00", True),
        (LAST_HOUR, "PT0H", "02:00", "03:00", False),
        (LAST_HOUR, "23:30", "PT0H", "23:45", True),
        (LAST_HOUR, "PT0H", None, "23:30", True),
        (LAST_HOUR, "22:00", "02:00", "01:00", True),
        (LAST_HOUR.replace(tzinfo=NEW_YORK), "PT0H", "PT2H", "00:30", True),
        (LAST_HOUR.replace(tzinfo=NEW_YORK), "PT0H", "PT2H", "01:30", False),
        (FIRST_HOUR, "22:00", "PT0H", "23:00", True),
        (FIRST_HOUR, None, "PT0H", "00:15", True),
        (FIRST_HOUR, None, "PT0H", "00:45", False),
        (FIRST_HOUR.replace(tzinfo=datetime.UTC), "23:00", "01:00", "00:00", True),
        # Windows reaching centuries away.
        (NOON, "PT0H", "PT9999999H", "03:00", True),  # longer than a day: every time
        (NOON, "PT0H", "PT99999999999999999999H", "03:00", True),
    ],
)
def test_a_time_window_at_the_ends_of_the_calendar(
    now: datetime.datetime, start: str | None, end: str | None, value: str, inside: bool
) -> None:
    # The day before 1 January of year 1 and the day after 31 December 9999 are no datetime:
    # the window is placed all the same, and nothing raises.
    assert in_and_not_in(start, end, value, now) == (inside, not inside)


@pytest.mark.parametrize(
    ("start", "end"),
    [("PT9999999H", "PT10000000H"), ("PT99999999999999999999H", None), ("P1Y", "PT1H")],
)
def test_a_time_window_that_cannot_be_placed_passes_either_rule(
    start: str, end: str | None
) -> None:
    # An hour's window thousands of years away, or a bound in years (which Amazon refuses for a
    # time): the value is not placed, as a part of the day is not, rather than asked for again
    # whatever the user says.
    for kind in ("isInDuration", "isNotInDuration"):
        rule = Validation(kind, None, start=start, end=end)
        assert passes(rule, "03:00", {}, NOON) is True


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


@pytest.mark.parametrize(
    ("start", "end", "value"),
    [
        (None, None, "2026-12-24"),  # a rule with neither bound, which Amazon's build refuses
        (None, None, "13:00"),
        ("soon", "P1Y", "2026-12-24"),  # no bound at all
        ("P0D", "soon", "13:00"),
        ("09:00", None, "2026-12-24"),  # a bound of the other kind
        ("2026-12-01", None, "13:00"),
    ],
)
def test_a_window_alexa_would_not_build_places_nothing(
    start: str | None, end: str | None, value: str
) -> None:
    # Read as an open side, such a rule made isNotInDuration refuse every value: the dialog
    # asked again whatever the user said.
    for kind in ("isInDuration", "isNotInDuration"):
        rule = Validation(kind, None, start=start, end=end)
        assert passes(rule, value, {}, NOON) is True


def test_an_open_side_of_a_time_window_leaves_times_to_say() -> None:
    # "Not after ten tonight": nine and ten in the morning pass; they were asked for again, as
    # every clock time has an occurrence after ten tonight.
    model = copy.deepcopy(TRIP_MODEL)
    language = model["interactionModel"]["languageModel"]
    language["intents"][1]["slots"][0]["type"] = "AMAZON.TIME"
    language["intents"][1]["samples"] = ["plan a trip", "plan a trip at {when}"]
    [slot] = model["interactionModel"]["dialog"]["intents"][0]["slots"]
    slot["type"] = "AMAZON.TIME"
    slot["validations"] = [{"type": "isNotInDuration", "prompt": "Invalid.when", "start": "22:00"}]
    talk, skill = trip(model, datetime.datetime(2026, 11, 29, 12, 0))
    assert talk.say("plan a trip at eleven pm").prompts == ["Within a year, please. When?"]
    assert talk.say("nine am").prompts == []
    [request] = skill.sent
    assert request["intent"]["slots"]["when"]["value"] == "09:00"


# --- rules no value passes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "empty"),
    [
        (("isGreaterThan", "4"), ("isLessThan", "5"), True),  # 4 < n < 5: no whole number
        (("isGreaterThanOrEqualTo", "5"), ("isLessThan", "5"), True),
        (("isGreaterThan", "4"), ("isLessThanOrEqualTo", "5"), False),  # 5
        (("isGreaterThanOrEqualTo", "5"), ("isLessThan", "6"), False),  # 5
    ],
)
def test_number_bounds_that_leave_no_whole_number(
    low: tuple[str, str], high: tuple[str, str], empty: bool
) -> None:
    rules = [Validation(kind, None, value=value) for kind, value in (low, high)]
    found = never_passes(rules, "AMAZON.NUMBER", SUNDAY)
    assert (found is not None) is empty
    if empty:
        assert "leave no whole number" in str(found)


@pytest.mark.parametrize(
    ("start", "end", "empty"),
    [
        ("P1W", "P1D", True),  # a week from today, to tomorrow
        ("2026-12-10", "2026-12-01", True),
        ("P1M", "2026-12-01", True),  # 2026-12-29 to 2026-12-01
        ("P1D", "P1W", False),
        ("2026-12-01", "2026-12-01", False),  # one day
        ("-P1W", "PT0H", False),  # the past week
    ],
)
def test_an_empty_date_window(start: str, end: str, empty: bool) -> None:
    rules = [Validation("isInDuration", None, start=start, end=end)]
    found = never_passes(rules, "AMAZON.DATE", SUNDAY)
    assert (found is not None) is empty
    if empty:
        assert "empty window" in str(found)

"""Why a slot's value does not convert to a parameter's annotation (the log line, SlotError)."""

from __future__ import annotations

import datetime
import enum
import logging
import re
from typing import Any

import msgspec
import pytest

from alexaskill import Response, Skill, SlotError, speak
from alexaskill.models import Slot
from alexaskill.slots import AlexaDate, AlexaDuration, AlexaTime
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


def _why(annotation: Any, value: str) -> str | None:
    from alexaskill.slots import why_unconverted

    return why_unconverted(annotation, Slot(name="x", value=value))


DATE_NOTE = "datetime.date takes one day; AlexaDate takes every AMAZON.DATE form"
DURATION_TOO_LONG = (
    "longer than a datetime.timedelta holds (999,999,999 days; a year counted as 366 days, "
    "a month as 31)"
)


@pytest.mark.parametrize(
    ("annotation", "value", "reason"),
    [
        (datetime.date, "2026-W48-WE", f"a weekend, not one day ({DATE_NOTE})"),
        (datetime.date, "2026-W48", f"a week, not one day ({DATE_NOTE})"),
        (datetime.date, "2026-11", f"a month, not one day ({DATE_NOTE})"),
        (datetime.date, "2026-WI", f"a season, not one day ({DATE_NOTE})"),
        (datetime.date, "2026", f"a year, not one day ({DATE_NOTE})"),
        (datetime.date, "201X", f"a decade, not one day ({DATE_NOTE})"),
        (datetime.date, "PRESENT_REF", f"now, not one day ({DATE_NOTE})"),
        (datetime.date, "2026-02-30", "no day 30 in 2026-02, which has 28 days"),
        (datetime.date, "2026-11-25T10:00", "not an AMAZON.DATE value"),
        (datetime.date | None, "2026-W48-WE", f"a weekend, not one day ({DATE_NOTE})"),
        (AlexaDate, "next week", "not an AMAZON.DATE value"),
        (int, "?", "Alexa's mark for a number it heard but did not understand"),
        (float, "?", "Alexa's mark for a number it heard but did not understand"),
        # (it said "not a whole number (int)": "(int)" a label, and 3.0 is a whole number)
        (int, "2.5", "a decimal number, which an int slot does not take (a float slot does)"),
        (int, "3.0", "a decimal number, which an int slot does not take (a float slot does)"),
        (int, "two", "not a number"),
        (int, "99999999999999999999999", "past the 64-bit range an int slot takes"),
        (int, "-9223372036854775809", "past the 64-bit range an int slot takes"),
        (int, "9" * 5000, "past the 64-bit range an int slot takes"),
        (float, "9" * 400, "too large for a float"),
        (float, "-" + "9" * 400 + ".5", "too large for a float"),
        (float, "two", "not a number"),
        (
            datetime.time,
            "EV",
            "a part of the day (evening), not a clock time (datetime.time takes a clock time; "
            "AlexaTime takes both)",
        ),
        (datetime.time, "25:00", "not an AMAZON.TIME value"),
        (AlexaTime, "noon", "not an AMAZON.TIME value"),
        (
            datetime.timedelta,
            "P1M",
            "years or months, which have no fixed length (datetime.timedelta takes neither; "
            "AlexaDuration does)",
        ),
        (datetime.timedelta, "P99999999999D", "too long for a datetime.timedelta"),
        (datetime.timedelta, "P" + "9" * 5000 + "D", "too long for a datetime.timedelta"),
        (
            datetime.timedelta,
            "P99999999999999999999Y",
            "years or months, which have no fixed length (datetime.timedelta takes neither; "
            "AlexaDuration does)",
        ),
        (AlexaDuration, "P99999999999999999999Y", DURATION_TOO_LONG),
        (AlexaDuration, "P1000000000D", DURATION_TOO_LONG),
        (AlexaDuration, "P" + "9" * 5000 + "D", DURATION_TOO_LONG),
        (datetime.timedelta, "ten minutes", "not an AMAZON.DURATION value"),
        (AlexaDuration, "ten minutes", "not an AMAZON.DURATION value"),
        (
            Colour,
            "purple",
            "no member of tests.test_slot_reasons.Colour: neither a member's value or name, "
            "nor resolved to one",
        ),
    ],
)
def test_why_a_value_does_not_convert(annotation: Any, value: str, reason: str) -> None:
    assert _why(annotation, value) == reason


def test_a_list_names_the_value_that_does_not_convert() -> None:
    from alexaskill.slots import why_unconverted

    slot = msgspec.convert(
        {
            "name": "x",
            "slotValue": {
                "type": "List",
                "values": [
                    {"type": "Simple", "value": "3"},
                    {"type": "Simple", "value": "?"},
                ],
            },
        },
        Slot,
    )
    reason = why_unconverted(list[int], slot)
    # (the value once: the log line read "'?', '?', Alexa's mark …", the list's "'?': '?', …")
    assert reason == "value 2 of 2, '?': Alexa's mark for a number it heard but did not understand"


def test_a_list_s_long_value_that_does_not_convert_is_named_cut() -> None:
    # A request's value, of any length (a user's words): the reason, logged with the SlotError,
    # quoted it whole where the SlotError cuts its value.
    from alexaskill.slots import why_unconverted

    long = "x" * 5_000 + "END"
    values = [{"type": "Simple", "value": "3"}, {"type": "Simple", "value": long}]
    slot = msgspec.convert(
        {"name": "x", "slotValue": {"type": "List", "values": values}},
        Slot,
    )
    reason = why_unconverted(list[int], slot)
    assert reason is not None
    assert len(reason) < 1_000, reason[:300]
    assert reason.startswith("value 2 of 2, 'xxx") and "…" in reason


def test_a_list_of_enum_members_names_the_value_that_does_not_resolve() -> None:
    # Each value is matched with its own entity resolution: "crimson", resolved to RED,
    # converts; "blue" does not. The reason named "crimson", judged without its resolution.
    from alexaskill.slots import why_unconverted

    red = {
        "resolutionsPerAuthority": [
            {
                "authority": "amzn1.er-authority.echo-sdk.x.Colour",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "red", "id": "RED"}}],
            }
        ]
    }
    slot = msgspec.convert(
        {
            "name": "x",
            "slotValue": {
                "type": "List",
                "values": [
                    {"type": "Simple", "value": "crimson", "resolutions": red},
                    {"type": "Simple", "value": "blue"},
                ],
            },
        },
        Slot,
    )
    reason = why_unconverted(list[Colour], slot)
    assert reason is not None
    assert reason.startswith("value 2 of 2, 'blue': no member of ")
    # A single-value slot resolved the same way converts: no reason.
    single = msgspec.convert({"name": "x", "value": "crimson", "resolutions": red}, Slot)
    assert why_unconverted(Colour, single) is None


def test_a_value_that_converts_has_no_reason() -> None:
    assert _why(datetime.date, "2026-12-05") is None
    assert _why(str, "anything") is None


def test_a_long_slot_value_is_shortened_in_the_message_and_kept_whole() -> None:
    # The message goes to the log (an INFO line a request): a signed request with a slot of
    # thousands of characters made a line as long; the value itself stays whole for a handler.
    value = "9x" * 3000
    error = SlotError("n", value, "not a number")
    assert error.value == value
    message = str(error)
    assert len(message) < 200
    # Its head and tail, and its length with a thousands separator, as any long name is said
    # (`shown`): it was its first 80 characters, "(6000 characters)".
    assert message == (
        f"slot 'n' has a value that does not convert: '{value[:70]}…{value[-30:]}' "
        "(6,000 characters), not a number"
    )
    assert str(SlotError("n", "ten", "not a number")) == (
        "slot 'n' has a value that does not convert: 'ten', not a number"
    )


def test_a_list_that_does_not_convert_names_the_value_that_does_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `SlotError.value` (and the log line) named the list's first value, "3", which converts;
    # and for a "?" among the values the user heard "I can't use that", not "I didn't catch
    # that".
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Pick", slots={"numbers": "AMAZON.NUMBER"})
    def pick(numbers: list[int]) -> Response:
        return speak(f"{numbers}")

    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        answer = client.intent("Pick", numbers=["3", "?"])
    assert answer.speech == "Sorry, I didn't catch that. Could you say it again?"
    [line] = [r.getMessage() for r in caplog.records if "asking again" in r.getMessage()]
    assert "does not convert: '?', value 2 of 2" in line

    errors: list[SlotError] = []
    other = Skill(DEFAULT_SKILL_ID)

    @other.intent("Pick", slots={"numbers": "AMAZON.NUMBER"})
    def pick_again(numbers: list[int]) -> Response:
        return speak(f"{numbers}")

    @other.exception(SlotError)
    def on_slot(exc: SlotError) -> Response:
        errors.append(exc)
        return speak("No.")

    with TestClient(other) as client:
        client.intent("Pick", numbers=["3", "three", "4"])
    assert [(e.value, e.reason) for e in errors] == [
        ("three", "value 2 of 3, 'three': not a number")
    ]


def test_a_float_too_small_to_hold_is_no_value_not_zero() -> None:
    # "0.000…01" with hundreds of zeros became 0.0: a number said, silently another one.
    from alexaskill.slots import MISSING, converter_for

    tiny = "0." + "0" * 400 + "1"
    convert = converter_for("tests.handler", "x", float)
    assert convert(Slot(name="x", value=tiny)) is MISSING
    assert convert(Slot(name="x", value="-" + tiny)) is MISSING
    assert _why(float, tiny) == "too small for a float (it would be 0.0)"
    # A zero said as one is still 0.0; so is a tiny number that a float holds.
    assert convert(Slot(name="x", value="0.000")) == 0.0
    assert convert(Slot(name="x", value="-0")) == 0.0
    assert convert(Slot(name="x", value="0." + "0" * 300 + "1")) == float("1e-301")


def test_a_value_heard_that_does_not_convert_is_logged_when_the_default_is_taken(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `count: int = 1` with "1.5", `when: date | None` with a weekend: the handler got 1 and
    # None, and nothing in the log said the user had said something else.
    skill = Skill(DEFAULT_SKILL_ID)
    got: list[tuple[Any, Any, Any]] = []

    @skill.intent("Book", slots={"when": "AMAZON.DATE", "count": "AMAZON.NUMBER"})
    def book(when: datetime.date | None, count: int = 1, colour: Colour | None = None) -> Response:
        got.append((when, count, colour))
        return speak("Booked.")

    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        client.intent("Book", when="2026-W48-WE", count="1.5", colour="purple")
        lines = [r.getMessage() for r in caplog.records if r.name == "alexaskill"]
        assert got == [(None, 1, None)]
        assert sorted(lines) == [
            "Book: slot 'colour' has a value that does not convert: 'purple', no member of "
            "tests.test_slot_reasons.Colour: neither a member's value or name, nor resolved to "
            "one; colour gets its default, None",
            "Book: slot 'count' has a value that does not convert: '1.5', a decimal number, "
            "which an int slot does not take (a float slot does); count gets its default, 1",
            "Book: slot 'when' has a value that does not convert: '2026-W48-WE', a weekend, not "
            f"one day ({DATE_NOTE}); when gets None",
        ]
        # A slot unfilled, empty or converted takes its default without a word.
        caplog.clear()
        client.intent("Book", when=None, count="", colour="red")
        client.intent("Book", when="2026-11-27", count="3")
        assert [r.getMessage() for r in caplog.records if r.name == "alexaskill"] == []
    assert got[1:] == [(None, 1, Colour.RED), (datetime.date(2026, 11, 27), 3, None)]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2021-W53", "no week 53 in 2021, which has 52 (ISO 8601 weeks)"),
        ("2021-W53-WE", "no week 53 in 2021, which has 52 (ISO 8601 weeks)"),
        ("2020-W00", "no week 0 in 2020, which has 53 (ISO 8601 weeks)"),
        ("2026-02-29", "no day 29 in 2026-02, which has 28 days"),
        ("2026-04-31", "no day 31 in 2026-04, which has 30 days"),
        ("2025-W53", "no week 53 in 2025, which has 52 (ISO 8601 weeks)"),  # 12-29: W01
        ("2026-01-32", "no day 32 in 2026-01, which has 31 days"),  # months 1 and 12 exist
        ("2026-12-32", "no day 32 in 2026-12, which has 31 days"),
        ("0001-02-30", "no day 30 in 0001-02, which has 28 days"),  # year 1 exists
        ("2026-13", "no month 13"),
        ("2026-00-10", "no month 0"),
        ("0000", "no year 0 (years run from 1 to 9999)"),
        ("000X", "no year 0 (years run from 1 to 9999)"),
        ("9999-WI", "past the last day a datetime.date holds (9999-12-31)"),
    ],
)
def test_a_date_in_amazons_form_naming_no_day_says_which_part_does_not_exist(
    value: str, reason: str
) -> None:
    # "2021-W53" and "2026-02-29" are in AMAZON.DATE's form, but name no week and no day: the
    # reason said "not an AMAZON.DATE value", sending the author to the format, not the calendar.
    assert _why(AlexaDate, value) == reason
    assert _why(datetime.date, value) == reason
    with pytest.raises(ValueError, match=re.escape(f"names no date: {value!r} ({reason})")):
        AlexaDate.parse(value)
    # Words are still not AMAZON.DATE values; a date that exists converts.
    assert _why(AlexaDate, "next week") == "not an AMAZON.DATE value"
    assert _why(AlexaDate, "2020-W53") is None


def test_a_value_that_does_not_convert_is_logged_once_a_request_however_many_take_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A before-request hook, the handler and an after-request hook each take `count` with a
    # default: the one value dropped made three identical INFO lines for one request.
    skill = Skill(DEFAULT_SKILL_ID)
    got: list[int] = []

    def before(count: int = 1) -> None:
        got.append(count)

    def after(response: Response, count: int | None = None) -> None:
        got.append(count or 0)

    @skill.intent("Book", slots={"count": "AMAZON.NUMBER"})
    def book(count: int = 2) -> Response:
        got.append(count)
        return speak("Booked.")

    skill.add_before_request(before, intents=["Book"])
    skill.add_after_request(after, intents=["Book"])
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        for _ in range(2):  # once each request
            assert client.intent("Book", count="1.5").speech == "Booked."
        # A multiple-value slot (its values in slotValue alone) is logged too.
        assert client.intent("Book", count=["x", "3"]).speech == "Booked."
    lines = [r.getMessage() for r in caplog.records if r.name == "alexaskill"]
    assert got == [1, 2, 0] * 3
    assert lines == [
        "Book: slot 'count' has a value that does not convert: '1.5', a decimal number, "
        "which an int slot does not take (a float slot does); count gets its default, 1"
    ] * 2 + [
        "Book: slot 'count' has a value that does not convert: 'x', not a number; count gets "
        "its default, 1"
    ]


@pytest.mark.parametrize("value", ["9999-W52", "9999-W52-WE"])
def test_a_week_that_exists_but_ends_past_9999_is_not_said_to_be_no_week(value: str) -> None:
    # 9999 has 52 ISO weeks; its week 52 ends in 10000, past what a datetime.date holds: the
    # reason said "no week 52 in 9999, which has 52".
    reason = "past the last day a datetime.date holds (9999-12-31)"
    assert _why(AlexaDate, value) == reason
    assert _why(AlexaDate, "9999-W53") == "no week 53 in 9999, which has 52 (ISO 8601 weeks)"


class Mark(enum.Enum):
    NUL = "\x00" * 200


class Spot(enum.Enum):
    """A skill's Enum whose repr fails (it reads a setting not made yet)."""

    HOME = "home"

    def __repr__(self) -> str:
        raise LookupError("no setting made yet")


@pytest.mark.parametrize(
    ("default", "said"),
    [
        # reprlib cut the default's repr at a fixed count: a default holding control characters
        # ended its head mid-escape (<Mark.NUL: '\...) in the line. Said as an error quotes a
        # value now.
        (Mark.NUL, r"<Mark\.NUL: '(\\x00)+…(\\x00)+'>"),
        # reprlib said a default whose repr fails as `<Spot instance at 0x…>`; shown_value
        # (e079e6c1) let its repr's error out of the fallback line, in the request: the user
        # heard the apology.
        (Spot.HOME, r"<Spot instance at 0x[0-9a-f]+>"),
    ],
    ids=["long", "repr fails"],
)
def test_a_default_is_said_in_the_fallback_line_cut_or_as_reprlib_says_it(
    default: Mark | Spot, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    def mark(mark=default) -> Response:  # type: ignore[no-untyped-def]
        return speak("Marked.")

    mark.__annotations__["mark"] = type(default)  # (the default's own Enum, as a skill's is)
    skill.intent("Mark")(mark)
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        assert client.intent("Mark", mark="x").speech == "Marked."
    (line,) = [r.getMessage() for r in caplog.records if r.name == "alexaskill"]
    assert re.search(f"; mark gets its default, {said}$", line), line

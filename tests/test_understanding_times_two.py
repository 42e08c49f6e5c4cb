"""Two AMAZON.TIME values said together: "pm" or a part of the day said once for a list of
times or for two time slots (a window: "from 9 to 5 pm"), read into the ones it is said of, and
no reading where it would put an earlier hour after a later one."""

from __future__ import annotations

import pytest

from tests.understanding_shared import (
    NOW,
    filled,
    quiet_hours,
    values,
    window_understander,
)


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("11 and 12 pm", ["11:00", "12:00"]),
        ("9 and 5 pm", ["09:00", "17:00"]),
        ("11, 12 and 1 pm", ["11:00", "12:00", "13:00"]),
        # The afternoon runs from noon to seven: eleven is in it neither as 11:00 nor as
        # 23:00 ("11 in the afternoon" is no time), so the list is no reading, not 11:00.
        ("eleven or twelve in the afternoon", None),
        ("eleven and one in the afternoon", None),
        ("one or two in the afternoon", ["13:00", "14:00"]),
    ],
)
def test_pm_said_once_is_no_earlier_hours_it_would_put_after_the_last(
    said: str, listed: list[str] | None
) -> None:
    # "11 and 12 pm" filled a multiple-value AMAZON.TIME slot with 23:00 and 12:00: the "pm"
    # read into the 11 put it eleven hours after the noon said with it. An hour it would put
    # after the last is taken as said (11:00: "11 to 12 pm", eleven to noon).
    assert values(said, "AMAZON.TIME") == listed
    assert values("5 and 6 pm", "AMAZON.TIME") == ["17:00", "18:00"]
    assert values("11 and 11:30 pm", "AMAZON.TIME") == ["23:00", "23:30"]


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("seven or eight in the afternoon", None),
        ("ten to eight or eight in the afternoon", None),
        ("nine or ten in the morning", ["09:00", "10:00"]),
        ("eight or nine pm in the morning", None),
        ("nine or ten am in the morning", ["09:00", "10:00"]),  # said twice, as "7 pm at night"
        ("one or two at night", ["01:00", "02:00"]),
        # The time beside the words is the one in it: the last (10:00 is in no night).
        ("ten am or 7 pm at night", ["10:00", "19:00"]),
        ("ten or eleven am in the morning", ["10:00", "11:00"]),
        ("three or four am at night", ["03:00", "04:00"]),  # the night ends at five
        ("four or five am at night", None),
        ("eleven am or 12 pm in the morning", None),  # noon is in no morning
        ("eleven am or noon in the morning", None),
        ("seven or eight", ["07:00", "08:00"]),
    ],
)
def test_a_list_of_times_leaving_out_the_part_of_the_day_said_after_it_is_no_reading(
    said: str, listed: list[str] | None
) -> None:
    # "seven or eight in the afternoon" filled a multiple-value AMAZON.TIME slot with 07:00
    # and 08:00: no list reads "in the afternoon" (seven is in no afternoon), and a loose
    # reading left those words out, keeping the hours as said, in the morning. A part of the
    # day left out beside a list is weighed as beside one time ("11 in the afternoon" is no
    # 11:00): the list's time next to it must be in it.
    assert values(said, "AMAZON.TIME") == listed


def test_a_part_of_the_day_said_once_after_two_slots_puts_neither_out_of_it() -> None:
    # "between eleven and twelve in the afternoon" read the start as 11:00, as said: the
    # afternoon said once is the start's too, and eleven is in no afternoon.
    assert "11:00" not in window_fills("between eleven and twelve in the afternoon").values()
    assert window_fills("between one and two in the afternoon") == {
        "start": "13:00",
        "end": "14:00",
    }


def window_fills(said: str) -> dict[str, str | None]:
    """The values ``said`` fills `window_understander`'s slots with."""
    understood = window_understander().understand(said, now=NOW)
    return filled(understood)


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("between 5 and six thirty pm", "17:00", "18:30"),
        ("from 5 to 6 pm", "17:00", "18:00"),
        ("from 9 to 5 pm", "09:00", "17:00"),
        ("between 11 and 12 pm", "11:00", "12:00"),
        ("7 or 8 in the evening", "19:00", "20:00"),
        ("from 10 am to 2 pm", "10:00", "14:00"),
        ("from 9 to 5", "09:00", "05:00"),
        ("from noon to 5 pm", "12:00", "17:00"),
    ],
)
def test_pm_said_once_after_two_time_slots_is_the_first_ones_too(
    said: str, start: str, end: str
) -> None:
    # "between 5 and six thirty pm" filled start with 05:00 and end with 18:30: the "pm" said
    # once for both was read into the second only, as it was in a multiple-value slot before.
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("from 7 tonight to 8", "19:00", "20:00"),
        ("between 7 in the evening and 9", "19:00", "21:00"),
        ("7 tonight or 8", "19:00", "20:00"),
        ("from 2 in the afternoon to 4", "14:00", "16:00"),
        ("from 9 in the morning to 11", "09:00", "11:00"),
        ("from 7 tonight to 8 am", "19:00", "08:00"),  # its "am" its own
        # One in no evening is as said: the range runs into the night.
        ("from 7 in the evening to 1", "19:00", "01:00"),
        ("between 7 in the evening and 1", "19:00", "01:00"),
    ],
)
def test_a_part_of_the_day_said_after_the_first_of_two_time_slots_is_the_seconds_too(
    said: str, start: str, end: str
) -> None:
    # "from 7 tonight to 8" filled end with 08:00: the part of the day said once after the
    # first of two times joined by "to", "and" or "or" was read into the first only, as it
    # was in a multiple-value slot ("7 tonight or 8", now 19:00 and 20:00).
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("quiet hours tonight at 7 to 8", "19:00", "20:00"),
        ("quiet hours this evening at seven to eight", "19:00", "20:00"),
        ("tonight at 7 or 8", "19:00", "20:00"),
        ("quiet hours tonight from 7 to 8", "19:00", "20:00"),
        ("tonight between 7 and 8", "19:00", "20:00"),
        ("quiet hours tonight from 11 to 1", "23:00", "01:00"),
        # The second's own words, or a second in no such part, as said (the range runs on).
        ("quiet hours tonight at 7 to 8 am", "19:00", "08:00"),
        ("quiet hours tonight from 7 to 8 am", "19:00", "08:00"),
        ("quiet hours this evening at 7 to 1", "19:00", "01:00"),
        ("quiet hours tonight from 9 to 5 am", "21:00", "05:00"),
    ],
)
def test_a_part_of_the_day_said_before_two_time_slots_is_both_ones(
    said: str, start: str, end: str
) -> None:
    # "tonight at 7 to 8" filled end with 08:00 (the part of the day, said before the first of
    # two times, was the first's only), "tonight between 7 and 8" both with 07:00 and 08:00
    # ("tonight" left out), and "quiet hours tonight from 7 to 8" was no reading: a
    # multiple-value slot reads "tonight at 7 or 8" as 19:00 and 20:00, and a range now too.
    understood = quiet_hours().understand(said, now=NOW)
    found = filled(understood)
    assert found == {"start": start, "end": end}
    assert not [note for note in understood.notes if note.startswith("words not in")]


@pytest.mark.parametrize(
    "said", ["quiet hours tonight from 1 pm to 2", "quiet hours tonight from noon to 2"]
)
def test_a_part_of_the_day_said_before_two_time_slots_the_first_is_not_in_is_no_reading(
    said: str,
) -> None:
    # As "tonight at 1 pm" is no time: the first is in no night.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("7 pm or 8", ["19:00", "20:00"]),
        ("7 pm, 8 or 9", ["19:00", "20:00", "21:00"]),
        ("7 p m or eight thirty", ["19:00", "20:30"]),
        ("7:30 pm or 8", ["19:30", "20:00"]),
        ("12 pm or 1", ["12:00", "13:00"]),
        # A later hour whose "pm" would put it further from the first is as said: one after
        # eleven at night is 01:00, no 13:00 (and "7 pm or 6" 18:00: see the test below).
        ("11 pm or 1", ["23:00", "01:00"]),
        ("7 pm or 8 am", ["19:00", "08:00"]),  # its "am" its own
        ("7 am or 8", ["07:00", "08:00"]),
        ("11 am or 12", ["11:00", "12:00"]),  # no "12 am", midnight
    ],
)
def test_pm_said_after_the_first_time_is_a_later_number_alones_too(
    said: str, listed: list[str] | None
) -> None:
    # "7 pm or 8" filled a multiple-value AMAZON.TIME slot with 19:00 and 08:00: the "pm" said
    # once, after the first time, was that time's only, as "11 pm or 1" is no 13:00. A later
    # number alone takes it when that puts it nearer the first (either way round the clock);
    # one it would put further from it is as said.
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("from 7 pm to 8", "19:00", "20:00"),
        ("between 7 pm and 8", "19:00", "20:00"),
        ("from 11 pm to 1", "23:00", "01:00"),
        ("from 7 pm to 6", "19:00", "06:00"),
    ],
)
def test_pm_said_after_the_first_of_two_time_slots_is_a_later_seconds_too(
    said: str, start: str, end: str
) -> None:
    # "from 7 pm to 8" filled end with 08:00, as in a multiple-value slot.
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("7 pm or 6", ["19:00", "18:00"]),
        ("9 pm or 10", ["21:00", "22:00"]),
        ("11 pm or 1", ["23:00", "01:00"]),
        ("12 pm or 1", ["12:00", "13:00"]),
        ("5 pm or 4", ["17:00", "16:00"]),
        ("7 pm or 1", ["19:00", "01:00"]),  # as near either way: as said
    ],
)
def test_pm_said_after_the_first_time_is_a_later_number_alones_when_it_is_nearer(
    said: str, listed: list[str]
) -> None:
    # "7 pm or 6" filled a multiple-value AMAZON.TIME slot with 19:00 and 06:00: the "pm" was
    # carried only forwards. A person offering another time means one near the first: the
    # later number takes the "pm" when that puts it nearer the first than as said, before or
    # after it ("11 pm or 1" is still 01:00, two hours on, no 13:00, ten hours back).
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("7 pm or 6", "19:00", "18:00"),
        ("from 7 pm to 6", "19:00", "06:00"),  # a range runs on: overnight
        ("between 7 pm and 6", "19:00", "06:00"),
        ("from 9 pm to 10", "21:00", "22:00"),
    ],
)
def test_pm_said_after_the_first_of_two_time_slots_is_nearer_in_a_choice_later_in_a_range(
    said: str, start: str, end: str
) -> None:
    assert window_fills(said) == {"start": start, "end": end}

"""A part of the day said with a range of times (from, until, till: "this evening from 7 to 8")
read into the times it holds, or no reading; and the numbers, dates and bounds said with a time
that no reading of it may leave out."""

from __future__ import annotations

import pytest

from alexaskill.understanding import Understander, language_for
from tests.understanding_shared import (
    NOW,
    filled,
    intent_understander,
    quiet_hours,
    understander,
    value,
)


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("quiet hours this evening from 7 to 8", "19:00", "20:00"),
        ("quiet hours this morning from 9 to 11", "09:00", "11:00"),
        ("quiet hours in the evening from 7 to 8", "19:00", "20:00"),
    ],
)
def test_a_part_of_the_day_said_before_from_is_read_into_both_times(
    said: str, start: str, end: str
) -> None:
    # "quiet hours this evening from 7 to 8" filled start with EV and end with 08:00, "from 7"
    # left out; then it was no reading: that one refused, the retry barred the words of every
    # value it held, "8" too, so the reading of 7 and 8 with the part of the day said before
    # both (as "tonight from 7 to 8" is read) was never tried.
    understood = quiet_hours().understand(said, now=NOW)
    found = filled(understood)
    assert (understood.intent, found) == ("Window", {"start": start, "end": end})


@pytest.mark.parametrize(
    ("said", "refused"),
    [
        # It filled the slot with EV: "7 tomorrow evening" is no time, so nothing refused it.
        # The time slot reads no "tomorrow evening" now (no day): as "friday evening from 7".
        ("tomorrow evening from 7", "'evening from' would be left out of the time '7' (07:00)"),
        ("tomorrow morning from 9", None),
    ],
)
def test_a_number_left_out_after_a_part_of_the_day_is_no_reading(
    said: str, refused: str | None
) -> None:
    # One time slot: "tomorrow evening" (EV) with "from 7" left out drops the time the user
    # said, and no reading of a time slot holds both (the date's "tomorrow" is none of its):
    # no reading, and the note says which reading was refused, if one came close enough.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    note = "no sample is close enough"
    if refused is not None:
        note += f" (a reading was dropped: {refused})"
    assert understood.notes == (note,)


@pytest.mark.parametrize("said", ["tonight after 8", "this evening after 7"])
def test_a_part_of_the_day_left_out_with_the_users_after_is_no_reading(said: str) -> None:
    # One time slot: "tonight after 8" filled it with 08:00, "tonight after" left out: the check
    # for a part of the day left out next to a time looked past the sample's grammar word only,
    # never past one the user said. "After 8" is no time of 8 (a time later than it), so no
    # reading holds both: none.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tonight from 8", "20:00"),
        ("tonight until 8", "20:00"),
        ("tonight from 7", "19:00"),
        ("this evening from 7", "19:00"),
        ("this evening until 9", "21:00"),
        ("this morning from 9", "09:00"),
        ("in the afternoon from 3", "15:00"),
        ("from 8 tonight", "20:00"),
        ("until 8 tonight", "20:00"),
        ("from 7 in the evening", "19:00"),
        ("tonight from 1", "01:00"),
    ],
)
def test_a_time_said_with_a_part_of_the_day_and_from_or_until_holds_all_three(
    said: str, expected: str
) -> None:
    # One time slot: "say from 8 tonight" filled it with 20:00, "from" left out, where "say
    # this evening from 7" (and "tonight from 8", "tonight until 8") was no reading: the clock
    # read "at", "by" or "around" said with a part of the day, never "from" or "until". It
    # reads them either side, as "tonight at 8" (20:00) and "at 8 tonight": no word is left out.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    found = filled(understood)
    assert (understood.intent, found, understood.notes) == ("Say", {"value": expected}, ())


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("this evening from 1", None),  # one in the evening is no time
        ("tonight from 1 pm", None),
        ("tonight until 8 am", None),
        ("from 8", None),  # no part of the day: "from" alone stays no word of the time's
        ("until 8 am", None),
        ("from 5 to 6 tonight", None),  # a range, no 17:55
        ("from ten to six in the evening", None),
    ],
)
def test_from_or_until_is_read_with_a_time_only_in_the_part_of_the_day_said(
    said: str, expected: str | None
) -> None:
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) == expected


@pytest.mark.parametrize(
    ("said", "expected"), [("tonight at 8", "20:00"), ("tonight from 1", "01:00")]
)
def test_a_part_of_the_day_said_before_a_time_in_it_is_still_read(said: str, expected: str) -> None:
    # The time is in the part of the day ("tonight from 1", 01:00, as "tonight at 1"): read.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    "said",
    [
        "quiet hours this evening from 1 to 2",
        "quiet hours in the evening from 1 to 2",
        "quiet hours this evening from 1 to 7",
    ],
)
def test_a_number_in_no_part_of_the_day_said_before_it_is_never_left_out(said: str) -> None:
    # "quiet hours this evening from 1 to 2" filled start with EV and end with 02:00, "from 1"
    # left out: one in the evening is no time (13:00 is in the afternoon, 01:00 in the night),
    # so nothing refused the reading that dropped it. No reading, as "tonight from 1 pm to 2",
    # the first in no such part, is none.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize(
    ("said", "start"),
    [("this morning from 9", "09:00"), ("tonight from 1", "01:00")],
)
def test_a_part_of_the_day_said_before_a_start_in_it_fills_no_other_slot(
    said: str, start: str
) -> None:
    # "quiet hours this morning from 9" filled start with 09:00 and end with MO: the start read
    # loosely ("this morning" left out, the same time said twice), the words left over went to
    # the empty end. They are the start's: the end stays empty.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = filled(understood)
    assert (understood.intent, found) == ("Window", {"start": start})


@pytest.mark.parametrize(
    ("said", "start"),
    [
        ("this evening from 7", "19:00"),
        ("tonight from 7", "19:00"),
        ("in the evening from 8", "20:00"),
        ("this afternoon from 3", "15:00"),
    ],
)
def test_a_part_of_the_day_said_before_from_is_read_into_the_start_alone(
    said: str, start: str
) -> None:
    # "quiet hours this evening from 7" filled start with EV and end with 07:00; then it was no
    # reading: the part of the day said before the sample's "from" was read into two times
    # only ("this evening from 7 to 8"). It is the start's, 19:00, the end not said.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = filled(understood)
    assert (understood.intent, found) == ("Window", {"start": start})


@pytest.mark.parametrize("said", ["this evening from 1", "tonight from 1 pm"])
def test_a_part_of_the_day_and_a_start_not_in_it_are_no_start_and_end(said: str) -> None:
    # "quiet hours this evening from 1" filled start with EV and end with 01:00 ("tonight from
    # 1 pm": NI and 13:00): the time after "from" is a start, in no such part: no reading.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize("said", ["tonight until 8", "this evening until 9", "tonight until 7"])
def test_a_part_of_the_day_and_a_time_in_it_after_until_are_no_start_and_end(said: str) -> None:
    # "quiet hours tonight until 8" (of "quiet hours {start} to {end}") filled start with NI and
    # end with 08:00, "until" read as the sample's "to": the 8 read out of the night said right
    # before it, where the same words to one time slot are 20:00 ("tonight at 8"). Reading the
    # night into the end too (NI and 20:00) would give one part of the day to two values, which
    # no other reading does ("quiet hours tonight from 7" is the start 19:00, the end empty);
    # which of 20:00 and 08:00 is meant is a guess: no reading.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    assert any("is one time" in note for note in understood.notes), understood.notes


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("this morning until 11", "MO", "11:00"),  # the end as said either way
        ("tonight until 8 am", "NI", "08:00"),  # 8 am is in no night: the end alone
        ("tonight to 8", "NI", "08:00"),  # the sample's own words, exactly
    ],
)
def test_a_part_of_the_day_and_an_end_it_does_not_move_are_a_start_and_end(
    said: str, start: str, end: str
) -> None:
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = filled(understood)
    assert (understood.intent, found) == ("Window", {"start": start, "end": end})


def test_the_words_that_open_a_range_are_the_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    # "from" and "between" were written three times (cut.py, generalise.py, companions.py),
    # English in language-independent modules. They are `Language.openers`: a language without
    # them reads no "from 5 to 6 pm" as a range, nor "this evening from 7" as the start.
    from alexaskill.understanding.languages.english import English

    assert language_for("en-US").openers == {"from", "between"}
    assert value("from 5 to 6 pm", "AMAZON.TIME") is None  # a range, no 17:55
    started = quiet_hours().understand("quiet hours this evening from 7", now=NOW)
    assert filled(started) == {"start": "19:00"}
    monkeypatch.setattr(English, "openers", frozenset(), raising=False)
    assert value("from 5 to 6 pm", "AMAZON.TIME") == "17:55"
    started = quiet_hours().understand("quiet hours this evening from 7", now=NOW)
    assert filled(started) != {"start": "19:00"}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("from 8 tonight", {"start": "20:00"}),
        ("from 7 in the evening", {"start": "19:00"}),
        ("from 9 this morning", {"start": "09:00"}),
        ("until 8 tonight", {"end": "20:00"}),
        ("until 7 in the evening", {"end": "19:00"}),
        # "until 8" filled the start, "until" left out: the end, as the user said.
        ("until 8", {"end": "08:00"}),
        ("from 8", {"start": "08:00"}),
    ],
)
def test_a_time_and_its_part_of_the_day_are_one_slots(said: str, expected: dict[str, str]) -> None:
    # "quiet hours from 8 tonight" filled start with 08:00 and end with NI ("until 8 tonight"
    # too): one time, "8 tonight", cut in two, its part of the day given to the empty end and
    # the 8 read out of it. It is one value, 20:00: the start after "from", the end after
    # "until", the other slot not said. A reading that puts a time said after "from" in the
    # end slot (the sample's "from" matched, the start left empty) or one said after "until"
    # in the start slot is none: that value is barred from that slot alone, and read by the
    # other.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = filled(understood)
    assert (understood.intent, found) == ("Window", expected)


@pytest.mark.parametrize(
    "said", ["after 8 tonight", "before 8 tonight", "after 8", "tonight after 8", "before 8"]
)
def test_a_time_said_after_a_word_that_moves_it_is_no_reading(said: str) -> None:
    # "say after 8 tonight" filled the one time slot with 20:00 ("say after 8": 08:00), the
    # "after" left out, while "say tonight after 8" was no reading: after eight is no eight.
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize("bound", ["until", "till", "til"])
def test_till_says_an_end_as_until_does(bound: str) -> None:
    # "say till 8 tonight" (one time slot) was no reading where "say until 8 tonight" is
    # 20:00, and "quiet hours till 8" none where "until 8" is the end 08:00: "till" is "until".
    assert value(f"{bound} 8 tonight", "AMAZON.TIME") == "20:00"
    assert value(f"tonight {bound} 8", "AMAZON.TIME") == "20:00"
    for said, expected in [("8 tonight", {"end": "20:00"}), ("8", {"end": "08:00"})]:
        understood = quiet_hours().understand(f"quiet hours {bound} {said}", now=NOW)
        assert filled(understood) == expected
    # A part of the day and a time in it after the bound are no start and end (which of
    # 08:00 and 20:00 is meant is a guess), as for "until".
    understood = quiet_hours().understand(f"quiet hours tonight {bound} 8", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    for said, expected in [
        (f"tonight {bound} 8 am", {"start": "NI", "end": "08:00"}),
        (f"this morning {bound} 11", {"start": "MO", "end": "11:00"}),
    ]:
        understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
        assert filled(understood) == expected


@pytest.mark.parametrize(
    "said",
    ["8", "8 pm", "8 tonight", "8 am", "eight thirty", "20:00", "noon", "tonight", "this evening"],
)
def test_a_time_said_alone_to_a_start_and_an_end_is_the_start(said: str) -> None:
    # "quiet hours 8" filled start with 08:00, "quiet hours 8 pm", "8 tonight", "eight thirty"
    # and "this evening" the end: leaving the start empty and leaving the end empty cost the
    # same, and the sums' rounding chose (one word on one side, two on the other). A time said
    # where the sample's first slot is, no "until" or "to" with it, is the start, whatever its
    # kind of value: the end is for the dialog to ask ("until 8" is still the end).
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert set(understood.fills) == {"start"}, understood.fills


def reminder_time() -> Understander:
    """An intent with one AMAZON.TIME slot, ``time``, and no date slot."""
    return intent_understander(
        "Remind", {"time": "AMAZON.TIME"}, ["remind me {time}", "remind me at {time}"]
    )


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("remind me at twenty twenty six in the evening", None),
        ("remind me nineteen thirty in the evening", None),
        ("remind me at nineteen thirty in the evening", None),
        ("remind me 2026 in the evening", None),
        ("remind me at ten thirty in the evening", "22:30"),
        ("remind me at 7 in the evening", "19:00"),
    ],
)
def test_no_time_reading_leaves_out_the_numbers_said_before_it(
    said: str, expected: str | None
) -> None:
    # With one time slot, "remind me at twenty twenty six in the evening" was 18:00, "twenty
    # twenty" left out, and "remind me nineteen thirty in the evening" EV, "nineteen thirty"
    # left out: the numbers were taken for a year said along with the time (as "friday" is
    # with "5 pm") and dropped. Said with a part of the day, the 24-hour clock is a year, no
    # time (test_a_year_said_with_a_part_of_the_day_is_no_time: "nineteen thirty tonight"),
    # and no slot holds a year: no reading, never one without the numbers.
    understood = reminder_time().understand(said, now=NOW)
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("remind me friday at 7 pm", None),
        ("remind me friday 7 pm", None),
        ("remind me at 7 pm friday", None),
        ("remind me tomorrow at 7", None),
        ("remind me 7 tomorrow", None),
        ("remind me at 5 pm on friday", None),
        ("remind me 7 pm on the 5th", None),
        ("remind me at noon tomorrow", None),
        ("remind me at 7 pm next week", None),
        # A part of the day the time reads along is the time's own, said again or not.
        ("remind me tonight at 7", "19:00"),
        ("remind me 7 pm tonight", "19:00"),
        ("remind me 7 pm this evening", "19:00"),
        ("remind me at 7 pm please", "19:00"),
    ],
)
def test_no_time_reading_leaves_out_a_date_said_with_it(said: str, expected: str | None) -> None:
    # With one time slot and no date slot, "remind me friday at 7 pm" was 19:00 and "remind me
    # tomorrow at 7" 07:00: the date was taken for words said along with the time (as "at 5
    # pm" is with "friday" in a date slot) and dropped. A time read without its date names
    # another day (the reminder rings today), where a date read without its time is still the
    # day said: no slot holds the date, so no reading, never one without it.
    understood = reminder_time().understand(said, now=NOW)
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


@pytest.mark.parametrize(
    ("said", "hour", "expected"),
    [
        ("remind me at 7 pm today", 12, "19:00"),
        ("remind me today at 7 pm", 12, "19:00"),
        ("remind me at 9 am today", 8, "09:00"),
        ("remind me at 9 am today", 12, None),
        ("remind me today at noon", 12, None),  # now: no more to come
        ("remind me at 7 pm sunday", 12, None),  # today a Sunday: no word for today
        ("remind me today", 12, None),  # no clock time
    ],
)
def test_today_said_with_a_clock_time_to_come_may_be_left_out(
    said: str, hour: int, expected: str | None
) -> None:
    # With one time slot and no date slot, "remind me at 7 pm today" was no reading, "today"
    # a date left out. A clock time still to come today is today's without the word: "today"
    # loses nothing, as "tonight" beside "7 pm" does not. A time already past (or now) alone
    # is tomorrow's: the date said is dropped, no reading.
    understood = reminder_time().understand(said, now=NOW.replace(hour=hour))
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()
        assert "would be left out" in understood.explain()


@pytest.mark.parametrize(
    ("said", "left_out"),
    [
        ("remind me friday", "friday"),
        ("remind me on friday", "on friday"),
        ("remind me at friday", "friday"),
        ("remind me friday please", "friday"),
        ("remind me tomorrow", "tomorrow"),
        ("remind me the 5th", "the 5th"),
    ],
)
def test_no_reading_with_the_time_slot_empty_leaves_out_a_date(said: str, left_out: str) -> None:
    # With one time slot and no date slot, "remind me friday" was Remind with no slot filled,
    # "friday" dropped, where "remind me friday at 7 pm" is no reading: the check for a date
    # left out weighed the dates said next to a time slot's value, and none was filled. The
    # time the dialog then asks names a time of another day all the same: no reading.
    understood = reminder_time().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.explain()
    assert f"{left_out!r} would be left out" in understood.explain()


@pytest.mark.parametrize("said", ["remind me please", "remind me at 5", "remind me tonight"])
def test_a_reading_with_the_time_slot_empty_or_not_leaving_out_no_date_stays(said: str) -> None:
    # The check above refuses a date alone: words that are none stay left out, a lone number
    # is the time's ("5"), a part of the day too ("tonight", NI).
    understood = reminder_time().understand(said, now=NOW)
    assert understood.intent == "Remind", understood.explain()


@pytest.mark.parametrize(
    "said",
    ["quiet hours until 8 to 10", "quiet hours from 8 to 10 until 11", "quiet hours till 8 to 10"],
)
def test_no_reading_leaves_out_a_time_said_after_until_or_from(said: str) -> None:
    # "quiet hours until 8 to 10" (of "quiet hours {start} to {end}") filled the end with
    # 10:00, "until 8" left out: "until 8" is no start (the bound says an end), so the start's
    # reading was refused, and the next left the words out. The user said two ends; which is
    # meant is a guess, and a reading without one of them drops a time said: no reading.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


def test_a_bound_said_with_its_time_in_a_slot_is_still_read() -> None:
    # The check above refuses only a time left out with its bound: "until 8" read into the
    # end (its "until" the value's) is still the end 08:00.
    understood = quiet_hours().understand("quiet hours until 8", now=NOW)
    assert filled(understood) == {"end": "08:00"}

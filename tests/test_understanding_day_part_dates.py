"""A time and a date said together to samples of both, in either order: a number said in one run,
a year or a clock time, and a day with its part of the day (today, tonight, tomorrow night)
filling the date and the time slots, or no reading where they disagree."""

from __future__ import annotations

import pytest

from alexaskill.understanding import Understander
from tests.understanding_shared import NOW, alarm_reads, filled, intent_understander, value


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for twenty twenty six", {"time": "20:26"}),
        ("set an alarm for nineteen thirty", {"time": "19:30"}),
        ("set an alarm for twenty one thirty", {"time": "21:30"}),
        ("set an alarm for december twenty six", {"date": "2026-12-26"}),
        ("set an alarm for 7 pm friday", {"time": "19:00", "date": "2026-12-04"}),
    ],
)
def test_a_number_said_as_one_run_is_not_cut_into_a_date_and_a_time(
    said: str, expected: dict[str, str]
) -> None:
    # "twenty twenty six" was the date 2020 and the time 06:00: one number cut in two, its
    # halves read by the two slots. It is one value, read as "nineteen thirty" is.
    alarm_reads(said, expected)


def alarm_of(*samples: str) -> Understander:
    """An intent with a ``time`` and a ``date`` slot and these samples, in this order."""
    return intent_understander("Alarm", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, samples)


def alarm_fills(said: str, *samples: str) -> dict[str, str | None]:
    """What `alarm_of` ``samples`` fills from "alarm" and ``said``."""
    return filled(alarm_of(*samples).understand(f"alarm {said}", now=NOW))


def test_a_number_said_as_one_run_is_not_cut_by_an_exact_reading() -> None:
    # With the one sample "set an alarm for {date} {time}", the words were read exactly as
    # the date 2020 and the time 06:00: the exact reading is refused as a loose one is.
    alarm = alarm_of("set an alarm for {date} {time}")
    understood = alarm.understand("set an alarm for twenty twenty six", now=NOW)
    assert filled(understood) == {"time": "20:26"}
    understood = alarm.understand("set an alarm for friday 7 pm", now=NOW)
    assert filled(understood) == {"date": "2026-12-04", "time": "19:00"}


#: The one sample of an alarm's time and date, each way round.
ONE_SAMPLE = ["alarm {time} {date}", "alarm {date} {time}", "alarm {time} on {date}"]


@pytest.mark.parametrize("sample", ONE_SAMPLE)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # What "alarm {time}" reads, the date left empty: the 24-hour clock said alone.
        ("nineteen thirty", {"time": "19:30"}),
        ("ten thirty", {"time": "10:30"}),
        ("twenty one thirty", {"time": "21:30"}),
        # A year too ("alarm {date}" reads 2026), but a sample with a time slot takes a clock
        # time's words for the time ("set an alarm for twenty twenty six" is 20:26).
        ("twenty twenty six", {"time": "20:26"}),
        # What "alarm {date}" reads, the time left empty: no time of the clock (19:90, 10:66).
        ("nineteen ninety", {"date": "1990"}),
        ("ten sixty six", {"date": "1066"}),
        ("december twenty six", {"date": "2026-12-26"}),
        ("friday", {"date": "2026-12-04"}),
        ("7 pm", {"time": "19:00"}),
    ],
)
def test_a_time_or_a_date_said_alone_to_a_sample_of_both(
    sample: str, said: str, expected: dict[str, str]
) -> None:
    # With the one sample "alarm {time} {date}" (or "alarm {time} on {date}"), "nineteen
    # thirty" and "twenty twenty six" were no reading: the loose reading leaving the time empty
    # read them as the year 1930 (or 2026), refused as a clock time's words, and the retry
    # barred the words from every slot, the time slot's too, so "nineteen thirty", the time
    # 19:30, was never read. "alarm {date} {time}" read them as the time, the date empty.
    assert alarm_fills(said, sample) == expected


@pytest.mark.parametrize(
    "samples",
    [
        ("alarm {date}", "alarm {time}"),
        ("alarm {time}", "alarm {date}"),
        ("alarm {date}", "alarm {time} {date}"),
        ("alarm {time} {date}", "alarm {time}", "alarm {date}"),
        ("alarm {date}", "alarm at {time}"),
    ],
)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("twenty twenty six", {"time": "20:26"}),
        ("nineteen thirty", {"time": "19:30"}),
        ("ten thirty", {"time": "10:30"}),
        ("for ten thirty", {"time": "10:30"}),
        ("for twenty twenty six", {"time": "20:26"}),
        # No time of the clock, or a year said as one: the date.
        ("nineteen ninety", {"date": "1990"}),
        ("in twenty twenty six", {"date": "2026"}),
        ("2026", {"date": "2026"}),
        ("friday", {"date": "2026-12-04"}),
        ("7 pm", {"time": "19:00"}),
    ],
)
def test_a_clock_times_words_are_the_time_whichever_sample_comes_first(
    samples: tuple[str, ...], said: str, expected: dict[str, str]
) -> None:
    # "alarm twenty twenty six" was the time 20:26 with "alarm {time}" listed first and the year
    # 2026 with "alarm {date}" first ("alarm ten thirty" the year 1030), and "alarm for ten
    # thirty" the year 1030 whatever the order: the refusal of a year read from a clock time's
    # words weighed the sample's slots alone, and the tie went to the earlier sample. The words
    # read both ways (AMAZON.DATE reads "twenty fifteen" as a year; the time type the 24-hour
    # clock); an intent whose samples have a time slot reads them as the time, as a sample with
    # both slots does (test_a_time_or_a_date_said_alone_to_a_sample_of_both).
    assert alarm_fills(said, *samples) == expected


@pytest.mark.parametrize("sample", ONE_SAMPLE)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("in twenty twenty six", {"date": "2026"}),
        ("in nineteen thirty", {"date": "1930"}),
        ("in 2026", {"date": "2026"}),
    ],
)
def test_a_year_said_after_in_is_the_date_not_the_time(
    sample: str, said: str, expected: dict[str, str]
) -> None:
    # "alarm in twenty twenty six" (of "alarm {time} {date}") was no reading: the date's
    # "in twenty twenty six" (2026) was refused as the words of the time 20:26, the "in" taken
    # for the sample's word absorbed into a loose date, though the sample has no "in". "in",
    # a word of the time's with which the time parser reads no time, is no longer left off
    # the date's words: "in twenty twenty six" is the year, as "in 2026" is.
    assert alarm_fills(said, sample) == expected


@pytest.mark.parametrize("sample", ONE_SAMPLE)
@pytest.mark.parametrize(
    ("said", "time"), [("for ten thirty", "10:30"), ("for twenty twenty six", "20:26")]
)
def test_a_clock_time_said_after_for_is_no_year(sample: str, said: str, time: str) -> None:
    # With only a word of the sample left off the date's words, "alarm for ten thirty" was the
    # date 1030: "for", which the time's words lack, says nothing of a year (an alarm for
    # 10:30 is meant); its words are weighed as the time's, and no year is read. Then it was
    # no reading: the next reading, the time "ten thirty" with "for" left out, was passed over
    # for leaving out a word of the year refused, though "for", left off in weighing it, was
    # no word of the time. It is read as "alarm ten thirty" is, the date left empty.
    assert alarm_fills(said, sample) == {"time": time}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("today in the evening", "EV"),
        ("today evening", "EV"),
        ("this evening today", "EV"),
        ("in the evening today", "EV"),
        ("tonight today", "NI"),
        ("today in the afternoon", "AF"),
    ],
)
def test_today_said_with_a_part_of_the_day_still_to_come_fills_a_time_slot_alone(
    said: str, expected: str
) -> None:
    # To an intent with one AMAZON.TIME slot and no date slot, "today in the evening" was no
    # reading ("'today' would be left out, no slot holding a date (EV alone)"), where "this
    # evening" is EV and "7 pm today" at noon 19:00: at noon (NOW) the evening is today's.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize("said", ["today in the morning", "this morning today"])
def test_today_said_with_a_part_of_the_day_already_over_is_no_time_alone(said: str) -> None:
    # At noon the morning is over: MO alone would be tomorrow's, as "9 am today" is no 09:00.
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    "said",
    [
        "remind me today in the evening",
        "remind me this evening today",
        "remind me today evening",
        "remind me in the evening today",
    ],
)
@pytest.mark.parametrize(
    "samples", [["remind me {date}", "remind me {time}"], ["remind me {date} {time}"]]
)
def test_today_said_with_a_part_of_the_day_fills_the_date_and_the_time(
    said: str, samples: list[str]
) -> None:
    # Each slot holds what its own words say: the date today, the time EV (AMAZON.TIME's
    # "evening"). With the one sample "remind me {date} {time}", "this evening today" was no
    # reading: "this evening" (a date too) read as the date left "today" out, and the retry
    # barred "this evening" from the time slot as well.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        samples,
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in understood.slots} == {
        "date": "2026-11-29",
        "time": "EV",
    }


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("remind me tonight today", "2026-11-29"),
        ("remind me tonight friday", "2026-12-04"),
        ("remind me tonight tomorrow", "2026-11-30"),
    ],
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
        ["remind me {time} {date}"],
    ],
)
def test_tonight_said_before_a_day_fills_the_date_and_the_time(
    said: str, date: str, samples: list[str]
) -> None:
    # "tonight friday" is Friday evening: the date Friday, the time NI (AMAZON.TIME's
    # "tonight"), as "friday tonight" is. With the one sample "remind me {date} {time}" it was
    # no reading ("'tonight friday' read as 'friday' would leave out 'tonight'"): "tonight", a
    # date too, was then read as the date, "friday" left out, and no retry read it as the time.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        samples,
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in understood.slots} == {"date": date, "time": "NI"}


@pytest.mark.parametrize(
    "said",
    ["remind me tonight or friday", "remind me tonight and friday", "remind me friday or tonight"],
)
def test_tonight_or_a_day_is_no_one_date_and_time(said: str) -> None:
    # With the sample "remind me {time} {date}", "tonight or friday" filled the time NI and the
    # date Friday, "or" left out: one reminder on Friday night, where the user named two days
    # ("tonight", a date too, or Friday). No reading rather than a day the user did not choose.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        ["remind me {time} {date}"],
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


def reminder_reads(said: str, samples: list[str], *, date_slot: bool = True) -> dict[str, str]:
    """The slot values a reminder intent of these samples (a ``time`` slot, and a ``date`` one
    unless ``date_slot`` is false) fills from ``said``; {"intent": "AMAZON.FallbackIntent"} for
    no reading."""
    slots = {"time": "AMAZON.TIME"}
    if date_slot:
        slots["date"] = "AMAZON.DATE"
    reminders = intent_understander("Remind", slots, samples, invocation_name="reminders")
    understood = reminders.understand(said, now=NOW)
    if understood.intent == "AMAZON.FallbackIntent":
        return {"intent": understood.intent}
    return {name: fill.value or "" for name, fill in understood.fills.items()}


@pytest.mark.parametrize("said", ["tomorrow night", "tomorrow tonight", "tomorrow evening"])
def test_tomorrow_night_is_no_time_alone(said: str) -> None:
    # An intent with one AMAZON.TIME slot filled it with NI ("tomorrow night", "tomorrow
    # tonight") or EV, "tomorrow" lost: the reminder would ring tonight. A date the time slot
    # cannot hold is no reading, as "friday evening" is.
    found = reminder_reads(f"remind me {said}", ["remind me {time}"], date_slot=False)
    assert found == {"intent": "AMAZON.FallbackIntent"}


@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {time} {date}"],
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
    ],
)
def test_tomorrow_tonight_fills_the_date_and_the_time(samples: list[str]) -> None:
    # "tomorrow tonight" filled the time alone, NI, with "remind me {time} {date}" or the two
    # samples "remind me {date}" and "remind me {time}": the time slot read "tomorrow" as part
    # of its part of the day. It is tomorrow night, as "tonight tomorrow" is.
    found = reminder_reads("remind me tomorrow tonight", samples)
    assert found == {"date": "2026-11-30", "time": "NI"}


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        # A sample of both slots, the time first, fills both, as Alexa does (below).
        (["remind me {time} {date}"], {"date": "2026-11-30", "time": "NI"}),
        # No sample holds both slots: the date slot's "tomorrow night", as "friday evening".
        (["remind me {date}", "remind me {time}"], {"date": "2026-11-30"}),
        (["remind me {date} {time}"], {"date": "2026-11-30", "time": "NI"}),
    ],
)
def test_tomorrow_night_keeps_its_day(samples: list[str], expected: dict[str, str]) -> None:
    # With "remind me {time} {date}", "tomorrow night" filled the time NI and no date.
    assert reminder_reads("remind me tomorrow night", samples) == expected
    friday = dict(expected, date="2026-12-04")
    assert reminder_reads("remind me friday night", samples) == friday


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tomorrow night", {"date": "2026-11-30", "time": "NI"}),
        ("friday evening", {"date": "2026-12-04", "time": "EV"}),
        ("tomorrow morning", {"date": "2026-11-30", "time": "MO"}),
        ("next friday afternoon", {"date": "2026-12-04", "time": "AF"}),
    ],
)
@pytest.mark.parametrize("sample", ["{time} {date}", "remind me {time} {date}"])
def test_a_day_then_its_part_of_the_day_fills_a_sample_of_the_time_then_the_date(
    said: str, expected: dict[str, str], sample: str
) -> None:
    # With "{time} {date}", "tomorrow night" was no reading (the time slot comes first and
    # reads no "tomorrow"), and with "remind me {time} {date}" the date slot took all of it
    # loosely, the time NI lost. Alexa fills both, whichever way round the sample has them: the
    # date the day, the time the part of the day (AMAZON.TIME's MO, AF, EV, NI).
    prefix = "remind me " if sample.startswith("remind") else ""
    assert reminder_reads(prefix + said, [sample]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # A clock time said after the day is no part of the day: the sample's order holds.
        ("friday 7 pm", {"intent": "AMAZON.FallbackIntent"}),
        ("7 pm friday", {"time": "19:00", "date": "2026-12-04"}),
        ("friday at night", {"date": "2026-12-04", "time": "NI"}),  # AMAZON.TIME's "at night"
    ],
)
def test_only_a_part_of_the_day_is_read_after_the_day_against_the_samples_order(
    said: str, expected: dict[str, str]
) -> None:
    assert reminder_reads(said, ["{time} {date}"]) == expected


@pytest.mark.parametrize(
    "said", ["remind me friday tomorrow evening", "remind me friday tomorrow night"]
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {time} {date}"],
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
        ["remind me {date} at {time}"],
    ],
)
def test_a_day_said_with_tomorrow_evening_is_no_one_date(said: str, samples: list[str]) -> None:
    # "friday tomorrow evening" filled the date Friday and the time EV: the time slot read
    # "tomorrow evening" whole, "tomorrow" lost, where the user named two days. No reading,
    # as "tonight or friday" and "friday tomorrow" are.
    assert reminder_reads(said, samples) == {"intent": "AMAZON.FallbackIntent"}


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("remind me tonight december 5th", "2026-12-05"),
        ("remind me tonight on friday", "2026-12-04"),
        ("remind me tonight next friday", "2026-12-04"),
        ("remind me tonight on december 5th", "2026-12-05"),
    ],
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {date} {time}"],
        ["remind me {date} at {time}"],
        ["remind me {time} {date}"],
        ["remind me {date}", "remind me {time}"],
    ],
)
def test_tonight_said_before_a_date_of_words_reads_alike_in_every_sample(
    said: str, date: str, samples: list[str]
) -> None:
    # With the one sample "remind me {date} {time}" (or "{date} at {time}") these were no
    # reading ("'tonight december 5th' read as 'december 5th' would leave out 'tonight'"),
    # where "{time} {date}" and separate samples read the date and NI, as "tonight friday" is:
    # the date refused, the next reading took part of it ("5th", "friday" of "on friday") and
    # still left "tonight" out. The date slot is now barred from all of those words.
    assert reminder_reads(said, samples) == {"time": "NI", "date": date}

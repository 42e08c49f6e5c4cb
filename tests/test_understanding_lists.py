"""Multiple-value slots: the list Alexa sends (a "List" slot value), values said with "and"
read as one value or as several, lists read in part or cut short, and a phrase of its own past a
list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.understanding_shared import NOW, slot, understander, understander_of, value, values


def test_a_multiple_value_slot_sends_a_list() -> None:
    found = slot("big, tiny and medium", "Size", multiple=True)
    assert found is not None
    assert "value" not in found
    values = found["slotValue"]["values"]
    assert found["slotValue"]["type"] == "List"
    assert [item["value"] for item in values] == ["big", "tiny", "medium"]
    codes = [item["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] for item in values]
    assert codes == ["ER_SUCCESS_MATCH", "ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH"]


def test_a_multiple_value_slot_splits_listed_values_said_in_a_row() -> None:
    found = slot("large small", "Size", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == ["large", "small"]


def test_one_value_in_a_multiple_value_slot_is_simple() -> None:
    found = slot("tiny", "Size", multiple=True)
    assert found is not None
    assert found["value"] == "tiny"
    assert found["slotValue"]["type"] == "Simple"


def test_typed_multiple_values() -> None:
    found = slot("monday or friday", "AMAZON.DATE", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == [
        "2026-11-30",
        "2026-12-04",
    ]


@pytest.mark.parametrize("said", ["anna, ben", "anna , ben", "anna   ,   ben", "anna \r\n , ben"])
def test_a_comma_after_any_spacing_separates_values(said: str) -> None:
    # Only the two characters after a word were looked at: "anna  , ben" (two spaces) was one
    # value, "anna ben".
    found = slot(said, "AMAZON.FirstName", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == ["anna", "ben"]


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("one hundred and five", "AMAZON.NUMBER", "105"),
        ("a thousand and one", "AMAZON.NUMBER", "1001"),
        ("two thousand and twenty six", "AMAZON.FOUR_DIGIT_NUMBER", "2026"),
        ("an hour and a half", "AMAZON.DURATION", "PT1H30M"),
        ("five minutes and thirty seconds", "AMAZON.DURATION", "PT5M30S"),
    ],
)
def test_one_value_said_with_and_in_a_multiple_value_slot(
    said: str, slot_type: str, expected: str
) -> None:
    # A multiple-value slot split every value at "and": "one hundred and five" was the list
    # 100, 5, and "an hour and a half" no reading at all.
    found = slot(said, slot_type, multiple=True)
    assert found is not None
    assert (found["value"], found["slotValue"]) == (expected, {"type": "Simple", "value": expected})
    listed = slot("five and six", "AMAZON.NUMBER", multiple=True)
    assert listed is not None
    assert [item["value"] for item in listed["slotValue"]["values"]] == ["5", "6"]
    paused = slot("five, six", "AMAZON.NUMBER", multiple=True)  # not the digits 56
    assert paused is not None
    assert [item["value"] for item in paused["slotValue"]["values"]] == ["5", "6"]
    assert value("one hundred and five, please", "AMAZON.NUMBER", multiple=True) == "105"


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("one hundred and five and six", "AMAZON.NUMBER", ["105", "6"]),
        ("five and six and one hundred and one", "AMAZON.NUMBER", ["5", "6", "101"]),
        ("an hour and a half or ten minutes", "AMAZON.DURATION", ["PT1H30M", "PT10M"]),
        ("five, six and seven", "AMAZON.NUMBER", ["5", "6", "7"]),
    ],
)
def test_values_said_with_and_among_other_values_of_a_multiple_value_slot(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # A value said with "and" was read whole only when it was the only one: "one hundred and
    # five and six" was 100, 5, 6, and "an hour and a half or ten minutes" no reading.
    assert values(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("an hour and ten minutes and an hour", ["PT1H10M", "PT1H"]),
        ("two hours and thirty minutes and ten seconds and a day", ["PT2H30M10S", "P1D"]),
        ("five minutes and thirty seconds and ten minutes", ["PT5M30S", "PT10M"]),
    ],
)
def test_a_value_said_with_and_is_read_from_the_left_in_a_multiple_value_slot(
    said: str, expected: list[str]
) -> None:
    # Of two readings with as many values, the later parts were joined: "an hour and ten
    # minutes and an hour" was PT1H and "ten minutes and an hour" (PT1H10M), the value said
    # first losing its minutes to the one said after it.
    assert values(said, "AMAZON.DURATION") == expected


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("um one oh five and six", "AMAZON.NUMBER", ["105", "6"]),
        ("um six and one oh five", "AMAZON.NUMBER", ["6", "105"]),
        ("um one two oh three and four five six seven", "AMAZON.PhoneNumber", ["1203", "4567"]),
    ],
)
def test_an_oh_inside_a_value_of_a_multiple_value_slot_is_not_dropped(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # The "oh" kept inside one value was dropped inside a list of them: "um one oh five and
    # six" was the numbers 15 and 6.
    assert values(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten minutes and an hour", ["PT10M", "PT1H"]),
        ("ten minutes and an hour and a half", ["PT10M", "PT1H30M"]),
        ("thirty seconds and two hours and ten minutes", ["PT30S", "PT2H10M"]),
    ],
)
def test_durations_listed_smaller_first_stay_a_list_in_a_multiple_value_slot(
    said: str, expected: list[str]
) -> None:
    # A list of durations became one value when its parts read as one in any order: "ten
    # minutes and an hour" was PT1H10M, though one duration is said largest unit first and a
    # multiple-value slot read it as PT10M and PT1H before values said with "and" were joined.
    assert values(said, "AMAZON.DURATION") == expected
    assert value("an hour and ten minutes", "AMAZON.DURATION", multiple=True) == "PT1H10M"
    assert value("ten minutes and an hour", "AMAZON.DURATION") == "PT1H10M"  # one value: as before


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("five, six, and seven", "AMAZON.NUMBER", ["5", "6", "7"]),
        ("ham, cheese, and olives", "AMAZON.FirstName", ["ham", "cheese", "olives"]),
        ("big, tiny, or extra large", "Size", ["big", "tiny", "extra large"]),
        ("five, and six", "AMAZON.NUMBER", ["5", "6"]),
        ("one hundred, and five", "AMAZON.NUMBER", ["100", "5"]),
    ],
)
def test_a_list_with_a_comma_before_its_last_and_keeps_every_value(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # The comma before "and" (the serial comma) left an empty value between them, so the slot
    # took only the values before it: "five, six, and seven" was 5 and 6, "seven" dropped
    # without a word, and "ham, cheese, and olives" no reading.
    assert values(said, slot_type) == expected


def test_a_duration_said_in_four_parts_with_and_is_one_value_in_a_multiple_value_slot() -> None:
    # At most three parts said with "and" made one value: "a day and two hours and thirty
    # minutes and ten seconds" was the list P1DT2H30M, PT10S.
    said = "a day and two hours and thirty minutes and ten seconds"
    assert value(said, "AMAZON.DURATION", multiple=True) == "P1DT2H30M10S"
    found = slot(f"{said} and an hour", "AMAZON.DURATION", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == ["P1DT2H30M10S", "PT1H"]


@pytest.mark.parametrize(
    ("slot_type", "items"),
    [
        ("AMAZON.NUMBER", [str(number) for number in range(1, 21)]),
        ("Size", ["large", "small"] * 4),
        ("Colour", ["red", "blue", "green", "pink", "gold", "teal", "lime", "navy"]),
        ("AMAZON.City", ["new york"] * 10),
    ],
)
def test_a_long_list_fills_a_multiple_value_slot_whole(slot_type: str, items: list[str]) -> None:
    # A list was read up to 30 words (12 for a custom type): 20 numbers read as 2 to 16 (a
    # loose reading took the middle of the list), 8 sizes as 6, 8 colours as none, and ten
    # cities began with "york" and ended with "new".
    assert values(" and ".join(items), slot_type) == items


@pytest.mark.parametrize(
    "said",
    ["1 and 2 foo 3 and 4", "5 and 6 and banana and 7", "friday and banana monday and sunday"],
)
def test_a_loose_reading_takes_no_part_of_a_list_leaving_out_values(said: str) -> None:
    # Words no value reads in a list made a loose reading take part of it: "1 and 2 foo 3 and
    # 4" filled the slot with 3 and 4, dropping 1 and 2; a list read in part is wrong.
    slot_type = "AMAZON.DATE" if "friday" in said else "AMAZON.NUMBER"
    assert values(said, slot_type) is None
    assert values("1 and 2 and 3 and", "AMAZON.NUMBER") == ["1", "2", "3"]  # no value left out


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("5 and 6 pm", ["17:00", "18:00"]),
        ("5, 6 and 7 pm", ["17:00", "18:00", "19:00"]),
        ("five or six in the evening", ["17:00", "18:00"]),
        ("9 and 10 am", ["09:00", "10:00"]),
        ("5 and 6:30 pm", ["17:00", "18:30"]),
        ("five and six thirty pm", ["17:00", "18:30"]),  # (6:30 as said: 05:00 was kept)
        ("5 and 6 30 pm", ["17:00", "18:30"]),
        ("nine or ten forty five at night", ["21:00", "22:45"]),
    ],
)
def test_a_list_of_hours_said_with_one_pm_is_every_hour_pm(said: str, listed: list[str]) -> None:
    # "5 and 6 pm" filled a multiple-value AMAZON.TIME slot with 05:00 and 18:00: the "pm"
    # said once after the list is each hour's, as "5 pm and 6 pm" is.
    assert values(said, "AMAZON.TIME") == listed
    # Said after the first only, it is a later one's when it puts it after the first (tests/
    # test_understanding_times_two.py), and no earlier one's: "11 pm and 1" is no 13:00.
    assert values("5 pm and 6", "AMAZON.TIME") == ["17:00", "18:00"]
    assert values("11 pm and 1", "AMAZON.TIME") == ["23:00", "01:00"]
    assert values("noon and 5 pm", "AMAZON.TIME") == ["12:00", "17:00"]
    assert values("quarter past five and six pm", "AMAZON.TIME") == ["05:15", "18:00"]


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("nine and ten thirty", ["09:00", "10:30"]),
        ("5 and 6 15", ["05:00", "06:15"]),
        ("5 and six fifteen", ["05:00", "06:15"]),
        ("5 and 6 oh five", ["05:00", "06:05"]),
    ],
)
def test_the_minutes_of_the_last_hour_of_a_list_are_its_own(said: str, listed: list[str]) -> None:
    # The "pm" said once after a list of hours is each hour's, but the minutes of the last
    # are not: "nine and ten thirty" was 09:30 and 10:30 (the "thirty" read as words said
    # after the list, as "pm" is), a time the user did not say.
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("december 7, 2026", "2026-12-07"),
        ("monday, the 7th", "2026-12-07"),
        ("december 7, 2026 and friday", ["2026-12-07", "2026-12-04"]),
        ("friday, saturday", ["2026-12-04", "2026-12-05"]),  # two days: two dates
    ],
)
def test_a_date_with_a_comma_is_one_date_in_a_multiple_value_slot(
    said: str, expected: str | list[str]
) -> None:
    # The comma ended a value in a list: "december 7, 2026" was the dates 2026-12-07 and 2026,
    # "monday, the 7th" two days, though a single-value slot read one date.
    found = slot(said, "AMAZON.DATE", multiple=True)
    assert found is not None
    if isinstance(expected, str):
        assert found["slotValue"] == {"type": "Simple", "value": expected}
    else:
        assert [item["value"] for item in found["slotValue"]["values"]] == expected


def test_a_value_in_a_multiple_value_slot_is_no_longer_than_one_value_of_its_type() -> None:
    # A list's bound (100 words) was each of its values' too: a multiple-value AMAZON.City slot
    # took 98 words as one city, and "boston and" 9 words more as a second, where a
    # single-value slot takes 8 words at most (AMAZON.FirstName 3).
    nine = "the quick brown fox jumps over the lazy dog"
    assert value(nine, "AMAZON.City") is None  # (one value of 9 words: none)
    assert slot(nine, "AMAZON.City", multiple=True) is None
    assert slot(" ".join([nine] * 10), "AMAZON.City", multiple=True) is None
    assert values(f"boston and {nine}", "AMAZON.City") is None
    assert values("ann marie lee smith and bob", "AMAZON.FirstName") is None
    # Values within the bound, and a run of listed values said without "and", still read.
    assert values("boston and the quick brown fox jumps over the lazy", "AMAZON.City") == [
        "boston",
        "the quick brown fox jumps over the lazy",
    ]
    assert values("ann marie lee and bob", "AMAZON.FirstName") == ["ann marie lee", "bob"]
    assert values("large small large small large tiny", "Size") == [
        "large",
        "small",
        "large",
        "small",
        "large",
        "tiny",
    ]


def _understood(slots: list[dict[str, Any]], samples: list[str], text: str) -> dict[str, Any]:
    """The slot values (a multiple-value slot's as a list) of ``text`` said to a model with
    one intent of ``slots`` and ``samples``, and a Food type listing "salt and pepper"."""
    foods = ["salt and pepper", "salt", "pepper", "ham", "fish and chips", "cheese"]
    understood = understander_of(
        {
            "invocationName": "slot tester",
            "intents": [
                {"name": "Say", "slots": slots, "samples": samples},
                {"name": "AMAZON.FallbackIntent", "samples": []},
            ],
            "types": [{"name": "Food", "values": [{"name": {"value": v}} for v in foods]}],
        }
    )
    request = understood.understand(text, now=NOW).request
    assert request is not None
    found: dict[str, Any] = {"intent": request["intent"]["name"]}
    for name, filled in request["intent"].get("slots", {}).items():
        listed = filled.get("slotValue", {})
        if listed.get("type") == "List":
            found[name] = [item["value"] for item in listed["values"]]
        else:
            found[name] = filled.get("value")
    return found


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("5 and 6 for 2 people", "AMAZON.NUMBER", ["5", "6"]),
        ("5 and 6 at 7", "AMAZON.NUMBER", ["5", "6"]),
        ("friday and saturday not sunday", "AMAZON.DATE", ["2026-12-04", "2026-12-05"]),
    ],
)
def test_a_value_in_a_phrase_of_its_own_past_a_list_leaves_the_list_whole(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # A value left out near a list voided the list ("1 and 2 foo 3 and 4" is no 3 and 4); it
    # also voided "5 and 6 for 2 people", where "for 2 people" is a phrase of its own, which a
    # sample without it leaves out as Alexa does a phrase its samples lack: the list is whole.
    assert values(said, slot_type) == expected
    assert values("1 and 2 foo 3 and 4", "AMAZON.NUMBER") is None  # (a list read in part)
    number = {"name": "v", "type": "AMAZON.NUMBER", "multipleValues": {"enabled": True}}
    people = {"name": "p", "type": "AMAZON.NUMBER"}
    samples = ["say {v}", "say {v} for {p} people"]
    assert _understood([number, people], samples, "say 5 and 6 for 2 people") == {
        "intent": "Say",
        "v": ["5", "6"],
        "p": "2",
    }


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("say salt and pepper", "salt and pepper"),
        ("say ham and salt and pepper", ["ham", "salt and pepper"]),
        ("say ham, salt and pepper", ["ham", "salt and pepper"]),
        ("say fish and chips and cheese", ["fish and chips", "cheese"]),
        ("say ham and cheese", ["ham", "cheese"]),
    ],
)
def test_a_listed_value_with_and_in_it_is_one_value_of_a_list(said: str, expected: Any) -> None:
    # "salt and pepper", a value the type lists, filled a multiple-value slot with "salt" and
    # "pepper": the list split at every "and". A listed value wins over its parts.
    food = {"name": "v", "type": "Food", "multipleValues": {"enabled": True}}
    assert _understood([food], ["say {v}"], said) == {"intent": "Say", "v": expected}


def test_a_long_list_of_free_words_reads_each_part_once_per_span(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A multiple-value slot reads every span of an utterance as a list (100 words since
    # 3cf023b), and tried each free-form part joined with up to three after it, which no free
    # words make one value of: a 96-word list of cities took 147,305 part readings (~0.3 s).
    # Only types whose values may span a separator ("one hundred and five", a listed "salt and
    # pepper") try joined parts now. A count of work done, not a time.
    from alexaskill.understanding import slot_lists

    calls = 0
    part = slot_lists.ListKind._part

    def counted(self: Any, tokens: Any, now: datetime.datetime) -> Any:
        nonlocal calls
        calls += 1
        return part(self, tokens, now)

    monkeypatch.setattr(slot_lists.ListKind, "_part", counted)
    cities = ["paris", "london", "rome", "tokyo", "berlin", "madrid", "oslo", "lima"]
    said = " and ".join(cities[(at * 5) % len(cities)] for at in range(48))
    found = values(said, "AMAZON.City")
    assert found == [cities[(at * 5) % len(cities)] for at in range(48)]
    assert calls < 60_000


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("555, 1234, 5678", "AMAZON.FOUR_DIGIT_NUMBER"),
        ("1234, 5678 and 55", "AMAZON.FOUR_DIGIT_NUMBER"),
        ("5th, friday and saturday", "AMAZON.DATE"),
    ],
)
def test_a_list_item_with_digits_that_is_no_value_voids_the_list(said: str, slot_type: str) -> None:
    # "555, 1234, 5678" filled a multiple-value four-digit slot with 1234 and 5678: the 555,
    # said as an item of the list but no value of the type, was left out without a word.
    assert values(said, slot_type) is None
    assert values("1234, 5678", "AMAZON.FOUR_DIGIT_NUMBER") == ["1234", "5678"]
    assert values("1234 and 5678 for 2 people", "AMAZON.FOUR_DIGIT_NUMBER") == ["1234", "5678"]


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("1 and 2 and three quarters", "AMAZON.NUMBER"),
        ("second and third to last", "AMAZON.Ordinal"),
        ("minus 5 minutes and 6 minutes", "AMAZON.DURATION"),
        ("5 and 13 pm", "AMAZON.TIME"),
    ],
)
def test_a_list_whose_first_or_last_value_is_cut_short_is_no_list(
    said: str, slot_type: str
) -> None:
    # A loose reading that cuts a value short ("three quarters" read as 3, "third to last" as
    # 3rd, "minus 5 minutes" as PT5M) is none in a single-value slot; a multiple-value slot
    # took it at either end of its list: 1, 2 and 3; 2nd and 3rd; PT5M and PT6M.
    single = said.split(" and ")[-1 if slot_type != "AMAZON.DURATION" else 0]
    assert value(single, slot_type) is None
    assert values(said, slot_type) is None
    assert values("1 and 2 and 3", "AMAZON.NUMBER") == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("5 and 6 except 7", "AMAZON.NUMBER", ["5", "6"]),
        ("5 and 6 never 7", "AMAZON.NUMBER", ["5", "6"]),
        ("friday and saturday except sunday", "AMAZON.DATE", ["2026-12-04", "2026-12-05"]),
    ],
)
def test_a_value_denied_after_a_list_with_any_negation_leaves_the_list_whole(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # "5 and 6 not 7" read 5 and 6, but "5 and 6 except 7" no value: "except", no grammar
    # word as "not" is, was looked past, and the 7 taken for a word of the 6 left out.
    assert values(said, slot_type) == expected
    assert values(said.replace("except", "not").replace("never", "not"), slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("1 and 2 for 3 and 4", None),
        ("1 and 2 at 3 and 4", None),
        ("1 for 2 and 3", None),
        ("1 and 2 for 3", ["1", "2"]),
    ],
)
def test_a_value_carrier_before_a_list_shields_no_value_said_before_it(
    said: str, expected: list[str] | None
) -> None:
    # A value carrier starts a phrase of its own past a list ("5 and 6 for 2 people" is 5 and
    # 6); the scan for a value left out stopped at one on the list's left too, where it starts
    # the list's own phrase: "1 and 2 for 3 and 4" read as 3 and 4, the 1 and 2 dropped.
    assert values(said, "AMAZON.NUMBER") == expected
    assert values("5 and 6 for 2 people", "AMAZON.NUMBER") == ["5", "6"]


@pytest.mark.parametrize(
    "said", ["500 and", "five hundred and", "a hundred and", "two thousand and", "1 and 500 and"]
)
def test_a_value_cut_off_after_its_and_is_none_in_a_multiple_value_slot(said: str) -> None:
    # In a multiple-value slot, "500 and" filled [500] and "a hundred and" [100], where a
    # single number slot takes no value: the check of a value cut off after its "and" asked
    # the list, not its number type, whether "five hundred and five" goes on. No value.
    understood = understander("AMAZON.NUMBER", multiple=True).understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert any("would leave out 'and'" in note for note in understood.notes), understood.notes
    # A whole number before the "and" is read as one slot reads it ("5 and" is 5).
    assert values("1 and 2 and 3 and", "AMAZON.NUMBER") == ["1", "2", "3"]
    assert values("500 and 6", "AMAZON.NUMBER") == ["500", "6"]
    found = slot("5 and", "AMAZON.NUMBER", multiple=True)
    assert found is not None and found["value"] == "5"
    assert slot("an hour and", "AMAZON.DURATION", multiple=True) is None  # was PT1H

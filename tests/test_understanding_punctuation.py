"""Typed punctuation in and around a value: minus signs, hyphens and dashes, fractions,
powers and slashes; a comma or a dash as a pause that ends a value, or a value said with a pause
kept whole."""

from __future__ import annotations

import pytest

from tests.understanding_shared import NOW, slot, understander, value, values


@pytest.mark.parametrize(
    ("said", "expected"),
    [("-3", "-3"), ("-2.5", "-2.5"), ("\u22127", "-7"), ("-1,000", "-1000"), ("3-4", None)],
)
def test_a_typed_minus_sign_makes_a_negative_number(said: str, expected: str | None) -> None:
    # Amazon's AMAZON.NUMBER reference reads "-15" as -15; the tokenizer dropped the "-" as
    # punctuation, so a typed "-3" was heard as 3. A hyphen between numbers is no sign.
    assert value(said, "AMAZON.NUMBER") == expected


def test_a_typed_negative_number_keeps_its_sign_in_a_free_form_slot() -> None:
    assert value("-3 degrees", "AMAZON.SearchQuery") == "-3 degrees"


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("-PT5M", "AMAZON.DURATION"),
        ("-3:30", "AMAZON.TIME"),
        ("-3rd", "AMAZON.Ordinal"),
        ("-2026-11-01", "AMAZON.DATE"),
    ],
)
def test_a_typed_minus_sign_is_not_dropped_from_a_value(said: str, slot_type: str) -> None:
    # The tokenizer took the "-" of "-PT5M" for punctuation: the slot was "PT5M", five minutes
    # for minus five. Alexa sends no negative duration, time, ordinal or date: no value at all.
    assert value(said, slot_type) is None
    # A free-form slot keeps the value as typed, sign and all.
    assert value(said, "AMAZON.SearchQuery") == said


@pytest.mark.parametrize(
    "slot_type",
    ["AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER", "AMAZON.DATE", "AMAZON.TIME", "AMAZON.DURATION"],
)
def test_a_number_too_long_to_read_is_no_value_not_a_crash(slot_type: str) -> None:
    # int() refuses over 4,300 digits: a typed 5,000-digit number raised ValueError out of
    # understand() (a traceback in chat, a 500 from the simulator).
    huge = "9" * 5000
    for said in (huge, f"{huge} minutes", f"{huge}-01-01", f"{huge}:30", f"-{huge}"):
        assert value(said, slot_type) is None


@pytest.mark.parametrize("said", ["--5", "-\u22125", "--PT5M"])
def test_two_minus_signs_are_not_dropped_either(said: str) -> None:
    # The second sign of "--5" was read and the first dropped as punctuation: -5.
    assert value(said, "AMAZON.NUMBER") is None
    assert value(said, "AMAZON.DURATION") is None
    assert value(said, "AMAZON.SearchQuery") == said


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("⅔", "AMAZON.TIME"),
        ("½", "AMAZON.TIME"),
        ("2/3", "AMAZON.TIME"),
        ("3½", "AMAZON.NUMBER"),
        ("1½ hours", "AMAZON.DURATION"),
    ],
)
def test_a_typed_fraction_fills_no_slot(said: str, slot_type: str) -> None:
    # NFKC folds "⅔" to 2, U+2044, 3, and the fraction slash split it: AMAZON.TIME read "2 3" as
    # 02:03, and "3½" was the number 31 followed by 2.
    assert slot(said, slot_type) is None
    assert value("24/7", "AMAZON.SearchQuery") == "24/7"  # free-form words keep it as typed


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [("10¹⁰", "AMAZON.NUMBER"), ("10¹⁰", "AMAZON.DATE"), ("10^6", "AMAZON.TIME")],
)
def test_a_typed_power_fills_no_slot(said: str, slot_type: str) -> None:
    # NFKC folds superscript digits into the number before them: "10¹⁰" was 1010 (the year
    # 1010 for AMAZON.DATE), and "10^6" 10:06.
    assert slot(said, slot_type) is None


@pytest.mark.parametrize(("said", "expected"), [("5/", "5"), ("5 /", "5"), ("12/", "12")])
def test_a_slash_typed_after_a_number_is_punctuation(said: str, expected: str) -> None:
    # The fraction pattern let any fraction end at its slash (for ⅟, which NFKC folds to
    # 1\u2044): a typed "5/" was one word, a fraction no type reads, and no number 5.
    assert value(said, "AMAZON.NUMBER") == expected
    assert slot("⅟", "AMAZON.NUMBER") is None  # the vulgar fraction is still one word
    assert slot("⅟5", "AMAZON.NUMBER") is None


@pytest.mark.parametrize(
    "slot_type",
    ["AMAZON.NUMBER", "AMAZON.PhoneNumber", "AMAZON.DATE", "AMAZON.TIME", "AMAZON.DURATION"],
)
def test_odd_typed_input_fills_no_built_in_slot(slot_type: str) -> None:
    # A guard (no defect was found): emoji, punctuation alone, a 10,000-character word, or
    # 10,000 characters of dots and digits ("7.30" run together) are read without a traceback
    # and give no value.
    odd_inputs = [
        "say 😀",
        "say " + "?" * 10_000,
        "say " + "x" * 10_000,
        "say " + "7.30" * 2_500,
        "say " + "1." * 5_000,
        "say " + "-" * 10_000 + "5",
        "say " + "1-" * 5_000 + "1.5",
    ]
    understanding = understander(slot_type, locale="en-GB")
    for said in odd_inputs:
        request = understanding.understand(said, now=NOW).request
        filled = (request or {}).get("intent", {}).get("slots", {}).get("value", {})
        assert "value" not in filled, (said[:20], request)


@pytest.mark.parametrize(
    ("said", "expected"),
    [("\u20137", "-7"), ("\u20132.5", "-2.5"), ("\u20131,000", "-1000"), ("3\u20134", None)],
)
def test_an_en_dash_typed_as_a_minus_sign_keeps_the_sign(said: str, expected: str | None) -> None:
    # Typeset text writes a minus as an en dash: "\u20137" was read as 7, its sign dropped as
    # punctuation. Between numbers it is still no sign.
    assert value(said, "AMAZON.NUMBER") == expected
    assert value(said, "AMAZON.TIME") is None  # it was 07:00
    assert value("\u2013PT5M", "AMAZON.DURATION") is None


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("9-5", "AMAZON.TIME", None),  # it was 09:05
        ("10-11", "AMAZON.TIME", None),  # 10:11
        ("5-6 pm", "AMAZON.TIME", None),  # 17:06
        ("3\u20134", "AMAZON.TIME", None),
        ("12-25", "AMAZON.DATE", None),  # the year 1225
        ("3-4", "AMAZON.NUMBER", None),
        ("9-5", "AMAZON.SearchQuery", "9-5"),  # "9 5"
        ("555-1234", "AMAZON.PhoneNumber", "5551234"),
        ("1-800-555-1212", "AMAZON.PhoneNumber", "18005551212"),
        ("(555) 123-4567", "AMAZON.PhoneNumber", "5551234567"),
        ("12345-6789", "AMAZON.AlphaNumeric", "123456789"),
    ],
)
def test_numbers_joined_by_a_hyphen_are_one_word(
    said: str, slot_type: str, expected: str | None
) -> None:
    # The hyphen of "9-5" was dropped as punctuation and the numbers read as said apart: a
    # range of hours was the time 09:05, "12-25" the year 1225, and a free-form value lost its
    # hyphen. Digits joined by hyphens are one word now, which a phone number or an
    # alphanumeric value reads digit by digit.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "slot_type", "listed"),
    [
        ("five, six", "AMAZON.NUMBER", ["5", "6"]),
        ("twenty, five", "AMAZON.NUMBER", ["20", "5"]),
        ("twenty, first", "AMAZON.Ordinal", None),
        ("9, 5", "AMAZON.TIME", ["09:00", "05:00"]),
    ],
)
def test_a_pause_splits_a_number_or_a_time_into_two_values(
    said: str, slot_type: str, listed: list[str] | None
) -> None:
    # A single-value slot read the words either side of a comma as one value: "five, six" as
    # 56 and "9, 5" as 09:05; two values said are no one value (and a list has both).
    assert value(said, slot_type) is None
    assert value(said.replace(",", ""), slot_type) is not None  # said without the pause: one
    assert values(said, slot_type) == listed


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("five, hundred", "AMAZON.NUMBER"),
        ("five, thousand", "AMAZON.NUMBER"),
        ("twenty five, hundred", "AMAZON.NUMBER"),
        ("five, point five", "AMAZON.NUMBER"),
        ("one hundred, and five", "AMAZON.NUMBER"),
        ("seven, hundred", "AMAZON.TIME"),
        ("seven, hundred hours", "AMAZON.TIME"),
    ],
)
def test_a_pause_before_a_word_that_goes_on_a_number_ends_the_number(
    said: str, slot_type: str
) -> None:
    # Only a pause before a number or a value ended one: "five, hundred" was 500 (and "seven,
    # hundred" 07:00), though "hundred" alone is no number; a pause is no part of a number.
    assert value(said, slot_type) is None
    assert value(said.replace(",", ""), slot_type) is not None  # said without the pause: one
    # As a list reads it: "one hundred, and five" was 105 alone, though a list had 100 and 5.
    assert values("one hundred, and five", "AMAZON.NUMBER") == ["100", "5"]
    assert value("7, in the morning", "AMAZON.TIME") == "07:00"  # words of the time, no number


@pytest.mark.parametrize("said", ["9 - 5", "9 \u2013 5", "9\u20145", "nine -- five"])
def test_a_dash_between_words_is_a_pause_not_nothing(said: str) -> None:
    # A hyphen or dash standing between words separated them as a space does: "9 - 5" (nine
    # to five) filled a time slot with 09:05. It is a pause, as a comma is.
    assert value("9 5", "AMAZON.TIME") == "09:05"  # said without it: one time
    assert value(said, "AMAZON.TIME") is None
    assert values(said, "AMAZON.TIME") is None  # a range: no list either (9 and 5)
    assert values(said.replace("9", "9 and 8"), "AMAZON.TIME") is None


@pytest.mark.parametrize(
    ("said", "expected"), [("-five", "-5"), ("-twenty five", "-25"), ("\u2212three", "-3")]
)
def test_a_minus_sign_typed_before_a_number_word_is_minus(said: str, expected: str) -> None:
    # The sign before a word was dropped as punctuation: "-five" filled a number slot with 5.
    assert value(said, "AMAZON.NUMBER") == expected
    assert value(said, "AMAZON.Ordinal") is None  # no ordinal has a sign


@pytest.mark.parametrize(
    ("said", "slot_type", "listed"),
    [
        ("five um, six", "AMAZON.NUMBER", ["5", "6"]),
        ("9 um - 5", "AMAZON.TIME", None),  # a range (a dash): no list
    ],
)
def test_a_pause_after_a_filler_left_out_still_splits_the_value(
    said: str, slot_type: str, listed: list[str] | None
) -> None:
    # The comma (or dash) after a filler went with it when the filler was left out: "five um,
    # six" filled a number slot with 56 and "9 um - 5" a time slot with 09:05.
    assert value(said, slot_type) is None
    assert values(said, slot_type) == listed
    assert value(said.replace(",", "").replace(" -", ""), slot_type) is not None  # no pause


def test_a_minus_sign_before_a_word_no_number_reads_leaves_the_word_as_said() -> None:
    # "-five" read as minus five kept the sign on every word it started: "-large" was no size
    # (ER_SUCCESS_NO_MATCH, value "-large"), "-say large" no sample (the fallback intent), a
    # free-form "-five" the value "-five". Only a number reads the sign.
    found = slot("-large", "Size")
    assert found is not None and found["value"] == "large"
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert value("big and -tiny", "AMAZON.City") == "big and tiny"
    assert value("-five", "AMAZON.City") == "five"
    sizes = understander("Size")
    for said in ("-say large", "say large -please"):
        request = sizes.understand(said, now=NOW).request
        assert request is not None and request["intent"]["name"] == "Say", said
        assert request["intent"]["slots"]["value"]["value"] == "large", said
    assert value("-five", "AMAZON.NUMBER") == "-5"  # (a number still does)
    assert value("-twenty five", "AMAZON.NUMBER") == "-25"
    assert value("twenty -five", "AMAZON.NUMBER") is None
    assert value("-five", "AMAZON.Ordinal") is None
    assert value("-friday", "AMAZON.DATE") is None  # as "-2026-12-04" is no date


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("5 - 10", "AMAZON.NUMBER"),
        ("9 - 5", "AMAZON.TIME"),
        ("9\u20145", "AMAZON.TIME"),
        ("9 um - 5", "AMAZON.TIME"),
        ("friday - saturday", "AMAZON.DATE"),
        ("1 and 2 and 5 - 10", "AMAZON.NUMBER"),
    ],
)
def test_a_dash_between_two_values_of_a_list_is_a_range_not_a_list(
    said: str, slot_type: str
) -> None:
    # A dash standing alone became a pause, which a list reads as a separator: "5 - 10" filled
    # a multiple-value number slot with 5 and 10 (6 to 9 dropped), though "5 to 10" fills none.
    assert values(said, slot_type) is None
    assert value(said, slot_type) is None  # (nor one value: "9 - 5" is no 09:05)
    assert values("large - small", "Size") == ["large", "small"]  # listed values: a list
    assert values("5 to 10", "AMAZON.NUMBER") is None  # (as a range said is none)


@pytest.mark.parametrize(
    ("said", "expected"),
    [("7, in the morning", "07:00"), ("5, pm", "17:00"), ("7; pm", "19:00")],
)
def test_a_pause_before_words_of_the_same_time_leaves_the_time_whole(
    said: str, expected: str
) -> None:
    # A pause ended a number or time (c2b5ae9), so that "9, 5" is no 09:05; it also voided
    # "7, in the morning" and "5, pm", which are one time said with a pause: only a pause
    # before a number ends the value.
    assert value(said, "AMAZON.TIME") == expected
    assert value("9, 5", "AMAZON.TIME") is None
    assert value("9, 30", "AMAZON.TIME") is None
    assert value("five, six", "AMAZON.NUMBER") is None
    assert value("twenty, five", "AMAZON.NUMBER") is None


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("555, 1234", "AMAZON.PhoneNumber", ["5551234"]),
        ("800, 555, 1234", "AMAZON.PhoneNumber", ["8005551234"]),
        ("555 1234, 555 9876", "AMAZON.PhoneNumber", ["5551234", "5559876"]),
        ("an hour, and ten minutes", "AMAZON.DURATION", ["PT1H10M"]),
        ("two hours, thirty minutes", "AMAZON.DURATION", ["PT2H30M"]),
        ("an hour, two hours", "AMAZON.DURATION", ["PT1H", "PT2H"]),
        ("ten minutes, an hour", "AMAZON.DURATION", ["PT10M", "PT1H"]),
    ],
)
def test_a_phone_number_or_duration_said_with_a_pause_is_one_value_of_a_list(
    said: str, slot_type: str, expected: list[str]
) -> None:
    # A comma ended every value of a list but a date's: "555, 1234" filled a multiple-value
    # phone number slot with two numbers, and "an hour, and ten minutes" a duration slot with
    # two durations, though one slot reads each as one value.
    found = slot(said, slot_type, multiple=True)
    assert found is not None
    if len(expected) == 1:
        assert found["value"] == expected[0]
    else:
        assert [item["value"] for item in found["slotValue"]["values"]] == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("5, pm", ["17:00"]),
        ("7, in the morning", ["07:00"]),
        ("5, 6 pm", ["17:00", "18:00"]),  # (the "pm" said once is both hours)
        ("5 pm, 6 pm", ["17:00", "18:00"]),
        ("noon, 5 pm", ["12:00", "17:00"]),
    ],
)
def test_a_time_said_with_a_pause_is_one_value_of_a_list(said: str, expected: list[str]) -> None:
    # A comma ended every time of a list: "5, pm" filled a multiple-value time slot with no
    # value (the fallback intent: "pm" is no time) and "7, in the morning" with 07:00 and MO,
    # though a single time slot reads each as one time. A pause before a number still ends it.
    found = slot(said, "AMAZON.TIME", multiple=True)
    assert found is not None
    listed = found["slotValue"].get("values")
    assert ([item["value"] for item in listed] if listed else [found["value"]]) == expected

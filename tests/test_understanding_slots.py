"""Built-in slot types, per type and phrasing: the values Alexa sends (Amazon's slot type
reference), read back by alexaskill's own slot converters; custom types and entity resolution."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest

from alexaskill.slots import AlexaDate, AlexaDuration, AlexaTime
from alexaskill.understanding import InteractionModel, Understander, Understanding, language_for

# Sunday 29 November 2026, noon: ISO week 48.
NOW = datetime.datetime(2026, 11, 29, 12, 0)
SKILL_ID = "amzn1.ask.skill.12345678-1234-1234-1234-123456789012"


def understander(slot_type: str, *, multiple: bool = False, locale: str = "en-US") -> Understander:
    slot: dict[str, Any] = {"name": "value", "type": slot_type}
    if multiple:
        slot["multipleValues"] = {"enabled": True}
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "slot tester",
                "intents": [
                    {"name": "Say", "slots": [slot], "samples": ["say {value}"]},
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
                "types": [
                    {
                        "name": "Size",
                        "values": [
                            {"id": "L", "name": {"value": "large", "synonyms": ["big", "huge"]}},
                            {"id": "S", "name": {"value": "small", "synonyms": ["tiny"]}},
                            {"name": {"value": "extra large"}},
                        ],
                    },
                    {
                        "name": "Shared",
                        "values": [
                            {"id": "ONE", "name": {"value": "one", "synonyms": ["same"]}},
                            {"id": "TWO", "name": {"value": "two", "synonyms": ["same"]}},
                        ],
                    },
                ],
            }
        }
    }
    return Understander(InteractionModel.from_json(model), locale=locale, skill_id=SKILL_ID)


def slot(text: str, slot_type: str, **options: Any) -> dict[str, Any] | None:
    request = understander(slot_type, **options).understand(f"say {text}", now=NOW).request
    assert request is not None
    if request["intent"]["name"] != "Say":
        return None
    result: dict[str, Any] = request["intent"]["slots"]["value"]
    return result


def value(text: str, slot_type: str, **options: Any) -> str | None:
    found = slot(text, slot_type, **options)
    return None if found is None else found.get("value")


def values(text: str, slot_type: str) -> list[str] | None:
    """The values of a multiple-value slot of ``slot_type`` that ``text`` fills (a list of
    them), or None when it fills none."""
    found = slot(text, slot_type, multiple=True)
    return None if found is None else [item["value"] for item in found["slotValue"]["values"]]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("five", "5"),
        ("twenty five", "25"),
        ("twenty-five", "25"),
        ("one hundred and five", "105"),
        ("a hundred", "100"),
        ("two thousand and twenty six", "2026"),
        ("three million", "3000000"),
        ("twenty five hundred", "2500"),
        ("minus three", "-3"),
        ("negative ten", "-10"),
        ("two point five", "2.5"),
        ("zero", "0"),
        ("42", "42"),
        ("one two three", "123"),
    ],
)
def test_amazon_number(said: str, expected: str) -> None:
    assert value(said, "AMAZON.NUMBER") == expected


@pytest.mark.parametrize("said", ["purple", "five twenty thousand", "twenty first", "a"])
def test_amazon_number_refuses_what_is_not_a_number(said: str) -> None:
    parse = language_for("en-US").slot_parser("AMAZON.NUMBER")
    assert parse is not None
    assert parse(said.split(), NOW) is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("first", "1"),
        ("third", "3"),
        ("twelfth", "12"),
        ("twenty first", "21"),
        ("fortieth", "40"),
        ("one hundredth", "100"),
        ("2nd", "2"),
        ("23rd", "23"),
    ],
)
def test_amazon_ordinal(said: str, expected: str) -> None:
    assert value(said, "AMAZON.Ordinal") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("twenty twenty six", "2026"),
        ("six oh four five", "6045"),
        ("one two three four", "1234"),
        ("nineteen eighty four", "1984"),
        ("nineteen oh five", "1905"),
        ("nineteen hundred", "1900"),
        ("two thousand twenty six", "2026"),
        ("2026", "2026"),
    ],
)
def test_amazon_four_digit_number(said: str, expected: str) -> None:
    assert value(said, "AMAZON.FOUR_DIGIT_NUMBER") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("today", "2026-11-29"),
        ("tomorrow", "2026-11-30"),
        ("yesterday", "2026-11-28"),
        ("the day after tomorrow", "2026-12-01"),
        ("now", "PRESENT_REF"),
        # A weekday is the next one on or after today; "next" is the one of next week.
        ("friday", "2026-12-04"),
        ("on friday", "2026-12-04"),
        ("sunday", "2026-11-29"),
        ("next monday", "2026-11-30"),
        ("last friday", "2026-11-27"),
        # Without a year, the next such date on or after today.
        ("november twenty seventh", "2027-11-27"),
        ("december fourth", "2026-12-04"),
        ("the fourth of december", "2026-12-04"),
        ("4 december", "2026-12-04"),
        ("december 4th twenty twenty seven", "2027-12-04"),
        ("the fifth", "2026-12-05"),
        ("christmas", "2026-12-25"),
        ("2026-12-24", "2026-12-24"),
        ("in three days", "2026-12-02"),
        ("two weeks ago", "2026-11-15"),
        # Weeks and weekends are ISO weeks.
        ("this week", "2026-W48"),
        ("next week", "2026-W49"),
        ("last week", "2026-W47"),
        ("this weekend", "2026-W48-WE"),
        ("next weekend", "2026-W49-WE"),
        ("the weekend", "2026-W48-WE"),
        # Months, years, decades, seasons.
        ("this month", "2026-11"),
        ("next month", "2026-12"),
        ("december", "2026-12"),
        ("january", "2027-01"),
        ("march twenty twenty eight", "2028-03"),
        ("this year", "2026"),
        ("next year", "2027"),
        ("twenty twenty six", "2026"),
        ("this decade", "202X"),
        ("the eighties", "198X"),
        ("the nineteen nineties", "199X"),
        # Today is in autumn 2026; winter 2026 runs from December 2026 to February 2027.
        ("this fall", "2026-FA"),
        ("last autumn", "2025-FA"),
        ("this winter", "2026-WI"),
        ("next winter", "2026-WI"),
        ("next summer", "2027-SU"),
        ("last winter", "2025-WI"),
    ],
)
def test_amazon_date(said: str, expected: str) -> None:
    found = value(said, "AMAZON.DATE")
    assert found == expected
    AlexaDate.parse(found)  # what alexaskill's own converter accepts


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("three p m", "15:00"),
        ("3 pm", "15:00"),
        ("3pm", "15:00"),
        ("three thirty p.m.", "15:30"),
        ("seven a m", "07:00"),
        ("twelve a m", "00:00"),
        ("four in the morning", "04:00"),
        ("two in the afternoon", "14:00"),
        ("eight in the evening", "20:00"),
        ("eleven at night", "23:00"),
        ("half past three", "03:30"),
        ("quarter past six", "06:15"),
        ("quarter to five", "04:45"),
        ("ten to nine p m", "20:50"),
        ("three thirty", "03:30"),
        ("seven oh five", "07:05"),
        ("ten o'clock", "10:00"),
        ("15:45", "15:45"),
        ("in the morning", "MO"),
        ("this afternoon", "AF"),
        ("in the evening", "EV"),
        ("tonight", "NI"),
        ("at night", "NI"),
    ],
)
def test_amazon_time(said: str, expected: str) -> None:
    found = value(said, "AMAZON.TIME")
    assert found == expected
    AlexaTime.parse(found)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten minutes", "PT10M"),
        ("a minute", "PT1M"),
        ("five hours", "PT5H"),
        ("an hour and a half", "PT1H30M"),
        ("one and a half hours", "PT1H30M"),
        ("half an hour", "PT30M"),
        ("two hours and ten minutes", "PT2H10M"),
        ("thirty seconds", "PT30S"),
        ("three days", "P3D"),
        ("a day and a half", "P1DT12H"),
        ("five weeks", "P5W"),
        ("a week and two days", "P9D"),
        ("two years", "P2Y"),
        ("six months", "P6M"),
        ("a year and a half", "P1Y6M"),
        ("ninety minutes", "PT90M"),
        ("a quarter of an hour", "PT15M"),
    ],
)
def test_amazon_duration(said: str, expected: str) -> None:
    found = value(said, "AMAZON.DURATION")
    assert found == expected
    AlexaDuration.parse(found)


def test_a_fortnight_is_a_duration_outside_the_united_states() -> None:
    assert value("a fortnight", "AMAZON.DURATION", locale="en-GB") == "P2W"
    assert value("two fortnights", "AMAZON.DURATION", locale="en-AU") == "P4W"
    assert value("a fortnight", "AMAZON.DURATION", locale="en-US") is None


@pytest.mark.parametrize(
    ("slot_type", "said", "expected"),
    [
        ("AMAZON.PhoneNumber", "five five five one two three four", "5551234"),
        ("AMAZON.PhoneNumber", "double oh seven", "007"),
        ("AMAZON.AlphaNumeric", "sixteen a", "16a"),
        ("AMAZON.AlphaNumeric", "j l nine oh five", "jl905"),
    ],
)
def test_digit_and_letter_strings(slot_type: str, said: str, expected: str) -> None:
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("slot_type", "said"),
    [
        ("AMAZON.City", "New York"),
        ("AMAZON.FirstName", "Ada"),
        ("AMAZON.SearchQuery", "how tall is the eiffel tower"),
        ("AMAZON.Actor", "meryl streep"),
    ],
)
def test_free_form_types_take_the_words_as_said(slot_type: str, said: str) -> None:
    found = slot(said, slot_type)
    assert found == {
        "name": "value",
        "value": said,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": said},
    }


def _authority(type_name: str) -> str:
    return f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{type_name}"


def test_a_custom_value_resolves_to_itself() -> None:
    resolutions = {
        "resolutionsPerAuthority": [
            {
                "authority": _authority("Size"),
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "large", "id": "L"}}],
            }
        ]
    }
    assert slot("large", "Size") == {
        "name": "value",
        "value": "large",
        "resolutions": resolutions,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": "large", "resolutions": resolutions},
    }


def test_a_synonym_keeps_the_words_said_and_resolves_to_the_canonical_value() -> None:
    found = slot("Huge", "Size")
    assert found is not None
    assert found["value"] == "Huge"
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    assert authority["values"] == [{"value": {"name": "large", "id": "L"}}]
    assert found["slotValue"]["resolutions"] == found["resolutions"]


def test_a_value_without_an_id_gets_a_stable_generated_one() -> None:
    found = slot("extra large", "Size")
    assert found is not None
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    expected = hashlib.md5(b"extra large").hexdigest()
    assert authority["values"] == [{"value": {"name": "extra large", "id": expected}}]


def test_a_plural_resolves_to_its_singular_value() -> None:
    found = slot("bigs", "Size")
    assert found is not None
    assert found["resolutions"]["resolutionsPerAuthority"][0]["status"] == {
        "code": "ER_SUCCESS_MATCH"
    }


def test_a_synonym_of_two_values_resolves_to_both() -> None:
    found = slot("same", "Shared")
    assert found is not None
    [authority] = found["resolutions"]["resolutionsPerAuthority"]
    assert authority["values"] == [
        {"value": {"name": "one", "id": "ONE"}},
        {"value": {"name": "two", "id": "TWO"}},
    ]


def test_unlisted_words_fill_a_custom_slot_with_no_match() -> None:
    found = slot("medium", "Size")
    no_match = {
        "resolutionsPerAuthority": [
            {"authority": _authority("Size"), "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        ]
    }
    assert found == {
        "name": "value",
        "value": "medium",
        "resolutions": no_match,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": "medium", "resolutions": no_match},
    }


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


def test_a_built_in_type_extended_with_values_resolves_them() -> None:
    model = InteractionModel.from_json(
        {
            "languageModel": {
                "invocationName": "colours",
                "intents": [
                    {
                        "name": "Paint",
                        "slots": [{"name": "colour", "type": "AMAZON.Color"}],
                        "samples": ["paint it {colour}"],
                    }
                ],
                "types": [
                    {"name": "AMAZON.Color", "values": [{"id": "TEAL", "name": {"value": "teal"}}]}
                ],
            }
        }
    )
    understood = Understander(model, skill_id=SKILL_ID)
    teal = understood.understand("paint it teal").request
    assert teal is not None
    assert teal["intent"]["slots"]["colour"]["resolutions"]["resolutionsPerAuthority"][0] == {
        "authority": _authority("AMAZON.Color"),
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "teal", "id": "TEAL"}}],
    }
    red = understood.understand("paint it red").request
    assert red is not None
    assert red["intent"]["slots"]["colour"]["value"] == "red"


@pytest.mark.parametrize(("said", "expected"), [("1,000", "1000"), ("12,345,678", "12345678")])
def test_a_typed_number_with_thousands_separators_is_one_number(said: str, expected: str) -> None:
    found = slot(said, "AMAZON.NUMBER")
    assert found is not None
    assert found["value"] == expected


def test_a_loose_match_does_not_cut_a_number_word_off_a_number() -> None:
    # Read loosely, "nineteen" was an extra word and the slot 99: a wrong value, given quietly.
    assert slot("nineteen ninety nine", "AMAZON.NUMBER") is None


def test_typed_iso_forms_pass_through_to_the_slot() -> None:
    assert value("2026-W49", "AMAZON.DATE") == "2026-W49"
    assert value("on 2026-w49-we", "AMAZON.DATE") == "2026-W49-WE"
    assert value("2026-12", "AMAZON.DATE") == "2026-12"
    assert value("2026-WI", "AMAZON.DATE") == "2026-WI"
    assert value("PT5M", "AMAZON.DURATION") == "PT5M"
    assert value("P1DT2H", "AMAZON.DURATION") == "P1DT2H"
    # A form that names nothing fills no slot.
    assert value("2026-13", "AMAZON.DATE") is None
    assert value("2026-W60", "AMAZON.DATE") is None


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("peaches", "peach"),
        ("sandwiches", "sandwich"),
        ("dishes", "dish"),
        ("movies", "movie"),
        ("berries", "berry"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("olives", "olive"),
        ("caches", "cache"),
    ],
)
def test_each_english_plural_resolves_to_its_singular_value(said: str, name: str) -> None:
    # Only "-ies" → "-y", "-ses/-xes/-zes" and "-s" were tried: "peaches" was looked up as
    # "peache" and "movies" as "movy", both ER_SUCCESS_NO_MATCH.
    values = ["peach", "sandwich", "dish", "movie", "berry", "box", "glass", "olive", "cache"]
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "slot tester",
                "intents": [{"name": "Say", "slots": [{"name": "food", "type": "Food"}]}],
                "types": [{"name": "Food", "values": [{"name": {"value": v}} for v in values]}],
            }
        }
    }
    understander = Understander(InteractionModel.from_json(model), skill_id=SKILL_ID)
    found = understander.resolutions("Say", "food", said)
    assert found is not None
    [authority] = found["resolutionsPerAuthority"]
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert [entry["value"]["name"] for entry in authority["values"]] == [name]


@pytest.mark.parametrize("given", ["", "  ", "?!"])
def test_a_value_without_words_resolves_to_no_match_rather_than_failing(given: str) -> None:
    # Looking for its singular took the last of no words: an IndexError out of
    # `client.intent("Say", value="?!")` and `alexaskill request --slot value=`.
    found = understander("Size").resolutions("Say", "value", given)
    assert found == {
        "resolutionsPerAuthority": [
            {"authority": _authority("Size"), "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        ]
    }


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("12:30pm", "AMAZON.TIME", "12:30"),
        ("3:30pm", "AMAZON.TIME", "15:30"),
        ("7:05am", "AMAZON.TIME", "07:05"),
        ("1.5hours", "AMAZON.DURATION", "PT1H30M"),
    ],
)
def test_a_clock_time_or_decimal_written_against_its_unit_is_one_number(
    said: str, slot_type: str, expected: str
) -> None:
    # "12:30pm" was cut "12:3", "0", "pm" (the number backed off a digit to let letters follow):
    # the time slot stayed empty, and "1.5hours" was read as five hours.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize("said", ["anna, ben", "anna , ben", "anna   ,   ben", "anna \r\n , ben"])
def test_a_comma_after_any_spacing_separates_values(said: str) -> None:
    # Only the two characters after a word were looked at: "anna  , ben" (two spaces) was one
    # value, "anna ben".
    found = slot(said, "AMAZON.FirstName", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == ["anna", "ben"]


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
    "said", ["february thirtieth", "february 30", "april 31", "the thirty first of june"]
)
def test_a_day_the_month_lacks_is_no_date(said: str) -> None:
    # The date parser refused "february thirtieth", but loose matching then read "february"
    # alone (the month, "2027-02") and dropped "thirtieth": a value the user never said. Like a
    # typed "2026-02-30", the words name no date, so the sample does not match.
    assert slot(said, "AMAZON.DATE") is None
    assert value("february", "AMAZON.DATE") == "2027-02"  # the month alone still is one


def test_february_twenty_ninth_without_a_year_is_the_next_leap_day() -> None:
    # Only this year and the next were tried: in November 2026 the words named no date (and
    # loose matching used to read "february twenty" as 2027-02-20).
    assert value("february twenty ninth", "AMAZON.DATE") == "2028-02-29"
    assert value("the 29th of february", "AMAZON.DATE") == "2028-02-29"


@pytest.mark.parametrize("said", ["12:60", "7:99 pm", "1275 pm"])
def test_a_minute_past_fifty_nine_is_no_time(said: str) -> None:
    # A typed "12:60" was sent as the AMAZON.TIME value "12:60", which no clock shows (and
    # alexaskill's own AlexaTime refuses).
    assert slot(said, "AMAZON.TIME") is None
    assert value("12:59", "AMAZON.TIME") == "12:59"


@pytest.mark.parametrize(
    ("said", "expected"),
    [("0000", None), ("0005", "0005"), ("march 0000", None), ("march 0042", "0042-03")],
)
def test_a_typed_year_is_four_digits_and_never_year_zero(said: str, expected: str | None) -> None:
    # "0005" was sent as "5" and "0000" as "0", values no AMAZON.DATE reader (AlexaDate) takes.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(("said", "expected"), [(".5", "0.5"), ("-.25", "-0.25"), ("3.", "3")])
def test_a_typed_leading_decimal_point_is_kept(said: str, expected: str) -> None:
    # The "." was punctuation: ".5" was heard as 5 (Amazon's reference: "point four two" → 0.42).
    assert value(said, "AMAZON.NUMBER") == expected


@pytest.mark.parametrize(
    ("said", "expected"), [("the thirtieth", "2027-03-30"), ("the twenty ninth", "2027-03-29")]
)
def test_a_day_of_the_month_february_lacks_is_in_march(said: str, expected: str) -> None:
    # On 31 January only January and February were tried: "the thirtieth" named no date.
    late_january = datetime.datetime(2027, 1, 31, 12, 0)
    request = understander("AMAZON.DATE").understand(f"say {said}", now=late_january).request
    assert request is not None
    assert request["intent"]["slots"]["value"]["value"] == expected


@pytest.mark.parametrize("said", ["one hundred thousand million", "five thousand thousand"])
def test_a_scale_word_left_out_of_a_number_is_no_smaller_number(said: str) -> None:
    # Loose matching read "one hundred thousand" and dropped "million": 100000 for a number a
    # million times larger. A number the words do not make is no match at all.
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("one hundred thousand", "AMAZON.NUMBER") == "100000"


@pytest.mark.parametrize(
    ("said", "expected"),
    [("minus zero", "0"), ("-0", "0"), ("negative zero", "0"), ("minus zero point five", "-0.5")],
)
def test_zero_has_no_sign(said: str, expected: str) -> None:
    # "minus zero" was sent as "-0", a value Alexa never sends for a number.
    assert value(said, "AMAZON.NUMBER") == expected


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
    ("said", "slot_type"),
    [
        ("minus five minutes", "AMAZON.DURATION"),
        ("negative five minutes", "AMAZON.DURATION"),
        ("1.5e3", "AMAZON.NUMBER"),
        ("13 pm", "AMAZON.TIME"),
        ("13 am", "AMAZON.TIME"),
        ("minus 3 pm", "AMAZON.TIME"),
        ("minus third", "AMAZON.Ordinal"),
        ("2026 W5", "AMAZON.DATE"),
        ("the fifth week of 2026", "AMAZON.DATE"),
        ("5 minutes", "AMAZON.TIME"),
    ],
)
def test_loose_matching_drops_no_word_that_changes_a_value(said: str, slot_type: str) -> None:
    # Loose matching left out the words the parser refused and filled the slot with the rest:
    # five minutes for "minus five minutes", 13:00 for "13 pm", 3 for "1.5e3", the year 2026
    # for "2026 W5", 5 December for "the fifth week of 2026". No value beats a wrong one.
    assert value(said, slot_type) is None


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("five minutes", "AMAZON.DURATION", "PT5M"),
        ("3 pm", "AMAZON.TIME", "15:00"),
        ("at 3 am", "AMAZON.TIME", "03:00"),
        ("2026-W05", "AMAZON.DATE", "2026-W05"),
        # A date said with a time changes nothing in the time.
        ("3 pm tomorrow", "AMAZON.TIME", "15:00"),
        ("noon tomorrow", "AMAZON.TIME", "12:00"),
        ("5 pm friday", "AMAZON.DATE", "2026-12-04"),
        ("the year 2000", "AMAZON.DATE", "2000"),
    ],
)
def test_values_said_whole_still_fill_their_slot(said: str, slot_type: str, expected: str) -> None:
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [("2026-W5", "2026-W05"), ("2026-w5", "2026-W05"), ("2026-W5-WE", "2026-W05-WE")],
)
def test_a_typed_week_of_one_digit_is_sent_with_two(said: str, expected: str) -> None:
    # Alexa writes AMAZON.DATE weeks with two digits ("2015-W48"). "2026-W5" was read as the
    # year 2026 with "W5" left out.
    assert value(said, "AMAZON.DATE") == expected


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


@pytest.mark.parametrize("said", ["twenty first", "one hundred first"])
def test_an_ordinal_said_is_no_number_short_of_its_last_word(said: str) -> None:
    # Loose matching may leave out no number or ordinal word beside a typed value (the matcher's
    # `_counts`): read as a number, "twenty first" was 20 with "first" dropped. No test held
    # that part of the check (it could go with every test passing).
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("twenty one", "AMAZON.NUMBER") == "21"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("1st", "1"),
        ("2nd", "2"),
        ("3rd", "3"),
        ("4th", "4"),
        ("11th", "11"),
        ("12th", "12"),
        ("13th", "13"),
        ("21st", "21"),
        ("22nd", "22"),
        ("111th", "111"),
        ("101st", "101"),
        ("0th", None),
        ("1th", None),
        ("21th", None),
        ("11st", None),
        ("12nd", None),
        ("3th", None),
        ("112nd", None),
    ],
)
def test_an_ordinal_in_digits_needs_the_suffix_english_writes_for_it(
    said: str, expected: str | None
) -> None:
    # "21th" or "0th" is no ordinal: it was read as 21 and 0, a guess at what was meant.
    assert value(said, "AMAZON.Ordinal") == expected


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("3pm", "AMAZON.City", "3pm"),
        ("Dinner at 12:30PM", "AMAZON.SearchQuery", "Dinner at 12:30PM"),
        ("room 4b", "Size", "room 4b"),
        ("route 66th", "Size", "route 66th"),
        ("3 pm", "AMAZON.City", "3 pm"),
        ("New-York", "AMAZON.City", "New York"),
    ],
)
def test_a_free_value_keeps_words_written_together_together(
    said: str, slot_type: str, expected: str
) -> None:
    # "3pm" is two words to the matcher ("3" and "pm"); the value was rejoined with a space.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("one and a half", "AMAZON.NUMBER"),
        ("three halves", "AMAZON.NUMBER"),
        ("two quarters", "AMAZON.NUMBER"),
        ("2 dozen", "AMAZON.NUMBER"),
        ("5 or 6", "AMAZON.NUMBER"),
        ("five and six", "AMAZON.NUMBER"),
        ("an hour or two", "AMAZON.DURATION"),
        ("five minutes ago", "AMAZON.DURATION"),
        ("five minutes or ten", "AMAZON.DURATION"),
    ],
)
def test_a_number_read_without_the_words_that_change_it_is_no_value(
    said: str, slot_type: str
) -> None:
    # Loose matching left the words out as extra: "one and a half" was 1, "5 or 6" was 6,
    # "five minutes ago" PT5M. No value is better than a wrong one.
    assert value(said, slot_type) is None


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("five", "AMAZON.NUMBER", "5"),
        ("one hundred and five", "AMAZON.NUMBER", "105"),
        ("an hour and a half", "AMAZON.DURATION", "PT1H30M"),
        ("half an hour", "AMAZON.DURATION", "PT30M"),
        ("five minutes please", "AMAZON.DURATION", "PT5M"),
    ],
)
def test_a_number_said_whole_still_has_its_value(said: str, slot_type: str, expected: str) -> None:
    assert value(said, slot_type) == expected


def test_a_built_in_type_refuses_words_outside_its_vocabulary_without_parsing_them() -> None:
    # `Language.slot_vocabulary` is documented as the words a type's values hold, "spans with
    # other words are refused unparsed"; the slot types never asked for it.
    from alexaskill.understanding.slottypes import slot_kind
    from alexaskill.understanding.text import tokenize

    english = language_for("en-US")
    parsed: list[list[str]] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(english, name)

        def slot_parser(self, slot_type: str) -> Any:
            parse = english.slot_parser(slot_type)
            assert parse is not None

            def counted(words: list[str], now: datetime.datetime) -> str | None:
                parsed.append(list(words))
                return parse(words, now)

            return counted

    kind = slot_kind(
        "AMAZON.NUMBER", language=Counting(), types={}, skill_id=SKILL_ID, tokenize=None
    )
    assert kind.fill(tokenize("large pizza", english.rewrites), NOW) is None
    assert parsed == []
    fill = kind.fill(tokenize("twenty five", english.rewrites), NOW)
    assert fill is not None and fill.value == "25"
    assert parsed == [["twenty", "five"]]


def _date_and_time() -> Understander:
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "slot tester",
                "intents": [
                    {
                        "name": "Book",
                        "slots": [
                            {"name": "day", "type": "AMAZON.DATE"},
                            {"name": "time", "type": "AMAZON.TIME"},
                        ],
                        "samples": ["book {day}"],
                    },
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
            }
        }
    }
    return Understander(InteractionModel.from_json(model), skill_id=SKILL_ID)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("book friday 5 pm", {"day": "2026-12-04", "time": "17:00"}),
        ("book friday 17:30", {"day": "2026-12-04", "time": "17:30"}),
        ("book 5 pm friday", {"day": "2026-12-04", "time": "17:00"}),
        ("book friday 13 pm", None),
        ("book friday 5", None),
    ],
)
def test_a_time_said_after_a_date_is_no_part_of_the_date(
    said: str, expected: dict[str, str] | None
) -> None:
    # "friday 5 pm" was no reading at all: "5" has a digit, so it was taken for a word of the
    # date left out. A clear time is the time; "13 pm" or a lone "5" still may be the date's.
    request = _date_and_time().understand(said, now=NOW).request
    assert request is not None
    if expected is None:
        assert request["intent"]["name"] == "AMAZON.FallbackIntent"
        return
    assert request["intent"]["name"] == "Book"
    slots = request["intent"]["slots"]
    assert {name: slots[name].get("value") for name in slots} == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday after next", "2026-12-11"),
        ("the friday after next", "2026-12-11"),
        ("monday after next", "2026-12-07"),
        ("next friday", "2026-12-04"),
    ],
)
def test_a_weekday_after_next_is_a_week_past_next_weeks(said: str, expected: str) -> None:
    # "after next" was left out as extra words: "friday after next" was next week's friday.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("say friday at 5 pm", "2026-12-04"),
        ("say tomorrow at five thirty", "2026-11-30"),
        ("say friday at 5 pm please", "2026-12-04"),
        ("say friday at 13 pm", None),
    ],
)
def test_a_date_said_with_a_time_fills_a_date_slot(said: str, expected: str | None) -> None:
    # As Alexa does: the time is read along with the date. Counted as noise, "at 5 pm" made the
    # reading too poor and the utterance went to the fallback intent.
    request = understander("AMAZON.DATE").understand(said, now=NOW).request
    assert request is not None
    if expected is None:
        assert request["intent"]["name"] == "AMAZON.FallbackIntent"
    else:
        assert request["intent"]["slots"]["value"]["value"] == expected


def test_a_time_said_with_the_date_fills_the_intents_time_slot() -> None:
    request = _date_and_time().understand("book friday at 5 pm", now=NOW).request
    assert request is not None and request["intent"]["name"] == "Book"
    slots = request["intent"]["slots"]
    assert (slots["day"]["value"], slots["time"]["value"]) == ("2026-12-04", "17:00")


@pytest.mark.parametrize(
    "said", ["the 31st of february", "the thirtieth of february", "the 31st of april"]
)
def test_a_day_said_of_a_month_that_lacks_it_is_no_date(said: str) -> None:
    # The cut check stopped at "of": "the 31st" was read alone (2026-12-31) and "of february"
    # left out. An impossible date is no date, as "february 31st" already was.
    assert slot(said, "AMAZON.DATE") is None
    assert value("the 31st of march", "AMAZON.DATE") == "2027-03-31"


@pytest.mark.parametrize("said", ["5 to 6", "five to six", "5 through 6", "5 of 6"])
def test_a_range_of_numbers_is_no_one_number(said: str) -> None:
    # "5 to 6" filled AMAZON.NUMBER with 6, "5 to" left out: one end of a range, given quietly.
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("10 to 6", "AMAZON.TIME") == "05:50"  # a time said so is still one


def test_an_ordinal_said_after_a_number_is_not_part_of_it() -> None:
    intent = {
        "name": "PlayEpisode",
        "slots": [{"name": "number", "type": "AMAZON.NUMBER"}],
        "samples": ["put on episode {number}"],
    }
    fallback = {"name": "AMAZON.FallbackIntent", "samples": []}
    language_model = {"invocationName": "pod", "intents": [intent, fallback]}
    model = {"interactionModel": {"languageModel": language_model}}
    podcast = Understander(InteractionModel.from_json(model))
    # Since loose matching counted any ordinal next to a number as cut from it, "five first"
    # went to the fallback intent, though "first" joins "five" into no number.
    understood = podcast.understand("put on episode five first", now=NOW)
    assert understood.intent == "PlayEpisode"
    assert understood.slots[0].value == "5"
    # "twenty first" is one ordinal: 20 would be a number cut short.
    twenty_first = podcast.understand("put on episode twenty first", now=NOW)
    assert twenty_first.intent == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("not friday", "AMAZON.DATE"),
        ("not on friday", "AMAZON.DATE"),
        ("never at 5 pm", "AMAZON.TIME"),
        ("any day except friday", "AMAZON.DATE"),
    ],
)
def test_a_value_the_user_denies_fills_no_slot(said: str, slot_type: str) -> None:
    # Loose matching left "not" out: "not friday" filled the date slot with friday, the day
    # the user refused. No reading (the fallback intent) is less surprising.
    assert slot(said, slot_type) is None
    assert value("friday", "AMAZON.DATE") == "2026-12-04"


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


@pytest.mark.parametrize("said", ["¼ past 5", "1/4 past 5", "2/3 past 5"])
def test_a_time_word_that_dates_share_does_not_end_the_cut_check(said: str) -> None:
    # "past" is a word of dates too ("the past week"): the cut check stopped there, so "past 5"
    # read as "5" (05:00) with the quarter dropped.
    assert slot(said, "AMAZON.TIME") is None
    assert value("quarter past 5", "AMAZON.TIME") == "05:15"


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [("10¹⁰", "AMAZON.NUMBER"), ("10¹⁰", "AMAZON.DATE"), ("10^6", "AMAZON.TIME")],
)
def test_a_typed_power_fills_no_slot(said: str, slot_type: str) -> None:
    # NFKC folds superscript digits into the number before them: "10¹⁰" was 1010 (the year
    # 1010 for AMAZON.DATE), and "10^6" 10:06.
    assert slot(said, slot_type) is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the 5th of next month", "2026-12-05"),
        ("the twentieth of next month", "2026-12-20"),
        ("the 5th of this month", "2026-11-05"),
        ("the 31st of this month", None),  # November has no 31st
    ],
)
def test_a_day_of_this_or_next_month_is_that_months(said: str, expected: str | None) -> None:
    # The date parser did not read "of next month": loose matching read "the 5th" alone, the
    # next 5th (right only late in a month), and since "of" no longer ends the cut check the
    # words were no date at all.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the first of the month", "2026-12-01"),
        ("the 1st of the month", "2026-12-01"),
        ("the 15th of the month", "2026-12-15"),
        ("the thirtieth of the month", "2026-11-30"),
    ],
)
def test_a_day_of_the_month_is_the_next_such_day(said: str, expected: str) -> None:
    # Since "of" joins values, loose matching no longer reads "the first" with "of the month"
    # left out: the date parser must read the words whole, as the next such day ("the first").
    assert value(said, "AMAZON.DATE") == expected
    assert value(said.removesuffix(" of the month"), "AMAZON.DATE") == expected


@pytest.mark.parametrize(("said", "expected"), [("5/", "5"), ("5 /", "5"), ("12/", "12")])
def test_a_slash_typed_after_a_number_is_punctuation(said: str, expected: str) -> None:
    # The fraction pattern let any fraction end at its slash (for ⅟, which NFKC folds to
    # 1\u2044): a typed "5/" was one word, a fraction no type reads, and no number 5.
    assert value(said, "AMAZON.NUMBER") == expected
    assert slot("⅟", "AMAZON.NUMBER") is None  # the vulgar fraction is still one word
    assert slot("⅟5", "AMAZON.NUMBER") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday of next week", "2026-12-04"),
        ("monday of next week", "2026-11-30"),
        ("friday of this week", "2026-11-27"),  # NOW is a sunday: this (ISO) week's friday
        ("monday of last week", "2026-11-16"),
        ("the week of the 5th", "2026-W49"),
        ("the week of december 12th", "2026-W50"),
        ("the 5th of last month", "2026-10-05"),
        ("the week of next month", None),  # no day: no week
    ],
)
def test_a_day_of_a_week_a_week_of_a_day_and_a_day_of_last_month(
    said: str, expected: str | None
) -> None:
    # Since "of" joins values, these were the fallback intent ("friday of next week" had
    # been read as "next week", 2026-W49, before): AMAZON.DATE reads them whole.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "slot_type", "why"),
    [
        ("5 or 6", "AMAZON.NUMBER", "'5 or 6' is more than one value"),
        ("five through six", "AMAZON.NUMBER", "'five through six' is a range, not one value"),
        (
            "one and a half",
            "AMAZON.NUMBER",
            "'one and a half' read as 'one' would leave out 'and a half'",
        ),
        (
            "the 31st of february",
            "AMAZON.DATE",
            "'the 31st of february' read as 'the 31st' would leave out 'of february'",
        ),
        ("not friday", "AMAZON.DATE", "'not friday' denies the value"),
        ("13 pm", "AMAZON.TIME", "'13 pm' read as '13' would leave out 'pm'"),
    ],
)
def test_the_explanation_names_the_value_a_dropped_reading_cut(
    said: str, slot_type: str, why: str
) -> None:
    # "and a half" is the rest of one value, not a second one, and "of february" no second date.
    understood = understander(slot_type).understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.notes == (f"no sample is close enough (a reading was dropped: {why})",)


@pytest.mark.parametrize(
    ("said", "today", "expected"),
    [
        ("next week", datetime.date(1, 1, 1), "0001-W02"),
        ("next month", datetime.date(1, 1, 1), "0001-02"),
        ("next winter", datetime.date(1, 6, 1), "0001-WI"),
        ("last year", datetime.date(1, 6, 1), None),
        ("next year", datetime.date(9999, 6, 1), None),
        ("this weekend", datetime.date(9999, 12, 31), None),  # it ends in the year 10000
        ("next winter", datetime.date(9999, 1, 1), None),
        ("the eighties", datetime.date(1, 1, 1), None),
        ("this decade", datetime.date(5, 1, 1), None),
    ],
)
def test_a_date_near_the_first_or_last_year_is_written_as_alexa_writes_it_or_is_none(
    said: str, today: datetime.date, expected: str | None
) -> None:
    # Years were written as they are ("1-W02", "10000", "-18X"), which no AMAZON.DATE value
    # is and alexaskill.slots refuses, and a weekend or winter ending in the year 10000 was
    # given as one that `AlexaDate` cannot read.
    now = datetime.datetime.combine(today, datetime.time(12))
    request = understander("AMAZON.DATE").understand(f"say {said}", now=now).request
    assert request is not None
    slots = request["intent"].get("slots", {})
    assert slots.get("value", {}).get("value") == expected
    if expected is not None:
        assert AlexaDate.parse(expected).raw == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday next week", "2026-12-04"),
        ("next week friday", "2026-12-04"),
        ("friday this week", "2026-11-27"),
        ("this week monday", "2026-11-23"),
        ("friday week next", None),
    ],
)
def test_a_weekday_said_with_its_week_without_of(said: str, expected: str | None) -> None:
    # Only "friday of next week" was read: without "of", the week was a date word left out
    # of "friday", and the reading dropped (the fallback intent).
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize("said", ["from 5 to 6 pm", "from five to six", "from ten to six"])
def test_a_time_range_opened_by_from_fills_no_time_slot(said: str) -> None:
    # "from" was left out and "5 to 6 pm" read as five to six, 17:55: a range said as a time
    # Alexa cannot send. "Five to six" alone, and a range whose start is no time, stay one time.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.notes[-1].endswith(f"'{said}' is a range, not one value)")
    assert value("5 to 6 pm", "AMAZON.TIME") == "17:55"
    assert value("from quarter to six", "AMAZON.TIME") == "05:45"


@pytest.mark.parametrize("said", ["5 to", "5 past", "five after", "ten to"])
def test_a_time_half_said_fills_no_time_slot(said: str) -> None:
    # The utterance ended before the hour: "5 to" was 05:00, the word "to" left out. Which hour
    # it was to or past is unknown: no value, as "13 pm" gives none.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.notes[-1].endswith(f"would leave out '{said.split()[-1]}')")
    assert value("5 past 6", "AMAZON.TIME") == "06:05"
    assert value("at 5", "AMAZON.TIME") == "05:00"


@pytest.mark.parametrize("said", ["ten k", "10k", "five grand"])
def test_a_number_with_a_thousands_word_fills_no_number_slot(said: str) -> None:
    # "k" was left out: "ten k" was 10, a thousandth of what was said. No value, as for "two
    # dozen"; "ten percent" is still ten (of something), and "10k" still an AlphaNumeric.
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("ten percent", "AMAZON.NUMBER") == "10"
    assert value("10k", "AMAZON.AlphaNumeric") == "10k"


@pytest.mark.parametrize("said", ["3::30", "3:30:00", "3:.30"])
def test_a_garbled_clock_time_fills_no_time_slot(said: str) -> None:
    # The tokenizer split "3::30" at its colons into 3 and 30, which AMAZON.TIME read as
    # "three thirty", 03:30: a typing slip taken for a time. "3:30" is one.
    assert slot(said, "AMAZON.TIME") is None
    assert value("3:30", "AMAZON.TIME") == "03:30"
    assert value("12:30pm", "AMAZON.TIME") == "12:30"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to midnight", "23:50"),
        ("quarter past noon", "12:15"),
        ("quarter past midnight", "00:15"),
        ("half past midday", "12:30"),
    ],
)
def test_a_time_said_to_or_past_noon_or_midnight_is_read(said: str, expected: str) -> None:
    # The hour after "to" or "past" had to be a number: "ten to midnight" was no time at all
    # (its reading dropped as the range "ten to midnight").
    assert value(said, "AMAZON.TIME") == expected
    assert slot(f"{said} pm", "AMAZON.TIME") is None  # noon and midnight take no "pm"


@pytest.mark.parametrize("said", ["next friday the 13th", "next monday the 7th"])
def test_a_second_date_said_after_a_grammar_word_voids_the_date(said: str) -> None:
    # The cut check stopped at "the": "next friday the 13th" was 2026-12-04, a friday that is
    # no 13th. Which day was meant is unknown. ("friday the 13th" alone is a date now: the
    # reading dropped is then that date without "next".)
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert f"{said!r} read as" in understood.notes[-1]
    assert "would leave out" in understood.notes[-1]
    assert value("friday", "AMAZON.DATE") == "2026-12-04"
    assert value("5 pm this evening", "AMAZON.TIME") == "17:00"  # said twice, the same time


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("friday the", "AMAZON.DATE", "2026-12-04"),
        ("next friday for", "AMAZON.DATE", "2026-12-04"),
        ("5 pm the", "AMAZON.TIME", "17:00"),
        ("5 at", "AMAZON.TIME", "05:00"),
    ],
)
def test_a_grammar_word_ending_the_utterance_after_a_value(
    said: str, slot_type: str, expected: str
) -> None:
    # The look for a second value past a left-out grammar word ("next friday the 13th") stops
    # at the utterance's end: nothing past the word, the value stands as it did.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("a week from tomorrow", "2026-12-07"),
        ("a week from friday", "2026-12-11"),
        ("two days from friday", "2026-12-06"),
        ("a week from today", "2026-12-06"),
    ],
)
def test_an_amount_from_a_day_counts_from_that_day(said: str, expected: str) -> None:
    # "a week from tomorrow" read as "tomorrow" alone (2026-11-30), the loose match leaving
    # "a week from" out: a wrong date sent in place of the one said.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday the 4th", "2026-12-04"),
        ("friday the fourth", "2026-12-04"),
        ("friday 4th", "2026-12-04"),
        ("friday december 4th", "2026-12-04"),
        ("friday the 4th of december", "2026-12-04"),
        ("friday 4th december 2026", "2026-12-04"),
        ("friday the 13th", "2027-08-13"),  # the next friday that is a 13th
    ],
)
def test_a_weekday_said_with_its_date(said: str, expected: str) -> None:
    # Sunday 29 November 2026: "friday the 4th" filled no slot (the fallback intent).
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize("said", ["saturday the 4th of december", "saturday december 4th"])
def test_a_weekday_that_is_not_the_dates_weekday_names_no_date(said: str) -> None:
    # 4 December 2026 is a friday: which of the two was meant is unknown.
    assert slot(said, "AMAZON.DATE") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("half five", "05:30"),
        ("half seven pm", "19:30"),
        ("half six in the evening", "18:30"),
        ("half twelve", "12:30"),
        ("quarter of seven", "06:45"),
        ("ten of six", "05:50"),
        ("twenty of twelve", "11:40"),
    ],
)
def test_british_half_five_and_american_quarter_of_seven(said: str, expected: str) -> None:
    # Both filled no slot: "half five" is half past five in British English, "quarter of
    # seven" a quarter to seven in American English.
    assert value(said, "AMAZON.TIME") == expected
    assert value(said, "AMAZON.TIME", locale="en-GB") == expected


@pytest.mark.parametrize("said", ["half twenty", "half midnight", "half of seven"])
def test_half_with_no_twelve_hour_clock_hour_is_no_time(said: str) -> None:
    assert slot(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("week from tomorrow", "2026-12-07"),
        ("the day after friday", "2026-12-05"),
        ("two days after friday", "2026-12-06"),
        ("in a couple of days", "2026-12-01"),
        ("a couple of days ago", "2026-11-27"),
        ("couple of weeks from friday", "2026-12-18"),
        ("the weekend after next", "2026-W50-WE"),
    ],
)
def test_more_days_counted_from_another(said: str, expected: str) -> None:
    # "week from tomorrow" and "the day after friday" were sent as tomorrow and friday, the
    # words counting from them dropped; the others filled no slot.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize("said", ["weeks from tomorrow", "days from friday", "weeks after friday"])
def test_units_counting_from_a_date_are_never_dropped(said: str) -> None:
    # "weeks from tomorrow" (no amount said) was sent as tomorrow: no reading is better.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("ten till seven", "AMAZON.TIME", "06:50"),
        ("quarter till ten", "AMAZON.TIME", "09:45"),
        ("quarter of an hour", "AMAZON.DURATION", "PT15M"),
        ("a quarter of an hour", "AMAZON.DURATION", "PT15M"),
        ("a quarter hour", "AMAZON.DURATION", "PT15M"),
    ],
)
def test_till_for_to_and_a_quarter_of_an_hour(said: str, slot_type: str, expected: str) -> None:
    # "ten till seven" was dropped as a range; "quarter of an hour" (its "an" read as "a")
    # filled no slot, though "three quarters of an hour" did.
    assert value(said, slot_type) == expected
    assert slot("from ten till seven", "AMAZON.TIME") is None  # still a range


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("one oh one", "AMAZON.NUMBER", "101"),
        ("five o five", "AMAZON.NUMBER", "505"),
        ("five five five oh one two three", "AMAZON.PhoneNumber", "5550123"),
        ("oh one two three", "AMAZON.PhoneNumber", "0123"),
        ("oh oh seven", "AMAZON.PhoneNumber", "007"),
    ],
)
def test_oh_among_digits_is_a_zero(said: str, slot_type: str, expected: str) -> None:
    # "oh" was dropped as a filler word: "one oh one" was sent as 11, and the phone number
    # "five five five oh one two three" as 555123, a digit lost.
    assert value(said, slot_type) == expected
    assert value("oh five", "AMAZON.NUMBER") == "5"  # an "oh" first is an exclamation


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        (
            "zero two zero seven nine four six zero zero zero zero",
            "AMAZON.PhoneNumber",
            "02079460000",
        ),
        (
            "four four seven nine one one two three four five six seven eight",
            "AMAZON.PhoneNumber",
            "4479112345678",
        ),
        ("a b one two three four five six seven eight nine", "AMAZON.AlphaNumeric", "ab123456789"),
    ],
)
def test_values_said_in_more_than_ten_words(said: str, slot_type: str, expected: str) -> None:
    # A value of a built-in type held at most ten words: an eleven-digit phone number said
    # digit by digit filled no slot (or lost its first digits to a loose reading).
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    "said", ["second to last", "the second to last", "second last", "third from the end"]
)
def test_an_ordinal_counted_from_the_end_is_no_ordinal(said: str) -> None:
    # "second to last" was sent as AMAZON.Ordinal 2, "to last" dropped: the second item, not
    # the one before the last.
    understood = understander("AMAZON.Ordinal").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert "counts from the end" in understood.notes[-1]
    assert value("second from the top", "AMAZON.Ordinal") == "2"


@pytest.mark.parametrize(
    "said", ["the week after friday", "the month after christmas", "the week after next friday"]
)
def test_the_week_or_month_after_a_day_is_not_sent_as_a_day(said: str) -> None:
    # "the week after friday" may be that week, "the month after christmas" is January: the
    # date reading refused them, but the loose match left "the" out and read "week after
    # friday" as one week after friday (2026-12-11), "month after christmas" as 2027-01-25.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert value("a week after friday", "AMAZON.DATE") == "2026-12-11"  # a day, as said
    assert value("the day after friday", "AMAZON.DATE") == "2026-12-05"
    assert value("week from tomorrow", "AMAZON.DATE") == "2026-12-07"


@pytest.mark.parametrize(
    "said",
    [
        "1234567890123456",
        "one two three four five six seven eight nine zero one two three four five six",
        "12345678 90123456",
    ],
)
def test_a_phone_number_of_more_than_fifteen_digits_is_no_phone_number(said: str) -> None:
    # ITU-T E.164 numbers have at most fifteen digits: sixteen were sent as a phone number.
    understood = understander("AMAZON.PhoneNumber").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert value("123456789012345", "AMAZON.PhoneNumber") == "123456789012345"
    assert (
        value(
            "four four seven nine one one two three four five six seven eight nine one",
            "AMAZON.PhoneNumber",
        )
        == "447911234567891"
    )


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("one two oh three four", "AMAZON.FOUR_DIGIT_NUMBER"),
        ("twenty oh twenty six", "AMAZON.FOUR_DIGIT_NUMBER"),
        (
            "one two three four five six seven eight nine oh one two three four five six",
            "AMAZON.PhoneNumber",
        ),
    ],
)
def test_an_oh_inside_a_value_is_not_dropped_as_a_filler(said: str, slot_type: str) -> None:
    # A reading with the filler words left out dropped the "oh" (a zero) from inside the
    # value: "one two oh three four" was the four-digit number 1234, and sixteen digits a
    # fifteen-digit phone number.
    understood = understander(slot_type).understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert "read without 'oh' would change the value" in understood.notes[-1]
    assert value("um six oh four five", "AMAZON.FOUR_DIGIT_NUMBER") == "6045"
    assert value("five uh five", "AMAZON.NUMBER") == "55"  # a hesitation, no digit


def test_an_oh_inside_an_answer_is_not_dropped_as_a_filler() -> None:
    # Likewise for an answer to Alexa asking for the slot: "one two oh three four" was 1234.
    four_digits = understander("AMAZON.FOUR_DIGIT_NUMBER")
    assert four_digits.answer("one two oh three four", intent="Say", slot="value", now=NOW) is None
    answered = four_digits.answer("um six oh four five", intent="Say", slot="value", now=NOW)
    assert answered is not None
    assert [reading.value for reading in answered.slots] == ["6045"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("monday week", "2026-12-07"),
        ("friday week", "2026-12-11"),
        ("tomorrow week", "2026-12-07"),
        ("a week today", "2026-12-06"),
        ("a week tomorrow", "2026-12-07"),
        ("a week on friday", "2026-12-11"),
        ("two weeks today", "2026-12-13"),
        ("a fortnight on monday", "2026-12-14"),
    ],
)
def test_british_days_a_week_on(said: str, expected: str) -> None:
    # British "monday week" (a week after monday), "a week today", "tomorrow week" filled no
    # AMAZON.DATE slot. A weekday is the one "monday" alone reads, as "a week from monday" is.
    assert value(said, "AMAZON.DATE", locale="en-GB") == expected
    assert value(said, "AMAZON.DATE", locale="en-AU") == expected
    assert value(said, "AMAZON.DATE", locale="en-US") is None  # no American English


@pytest.mark.parametrize(
    "said", ["monday weeks", "a week yesterday", "week today", "a day today", "a week on"]
)
def test_no_other_days_a_week_on(said: str) -> None:
    assert value(said, "AMAZON.DATE", locale="en-GB") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [("7.30", "07:30"), ("7.30pm", "19:30"), ("7.30 p m", "19:30"), ("19.45", "19:45")],
)
def test_a_time_typed_with_a_dot(said: str, expected: str) -> None:
    # British English writes "7.30" for 7:30: it filled no AMAZON.TIME slot.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize("said", ["7.75", "7.5", "25.30", "13.30pm"])
def test_no_time_typed_with_a_dot_that_is_none(said: str) -> None:
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("an hour and a quarter", "PT1H15M"),
        ("one and a quarter hours", "PT1H15M"),
        ("two hours and three quarters", "PT2H45M"),
        ("two and three quarter hours", "PT2H45M"),
        ("a day and a quarter", "P1DT6H"),
        ("an hour and a half", "PT1H30M"),
    ],
)
def test_a_duration_and_a_quarter(said: str, expected: str) -> None:
    # "an hour and a half" was read, "an hour and a quarter" filled no AMAZON.DURATION slot.
    assert value(said, "AMAZON.DURATION") == expected


@pytest.mark.parametrize(
    "said", ["an hour and a quarters", "an hour and two quarters", "an hour and three quarter"]
)
def test_no_duration_and_other_parts(said: str) -> None:
    assert value(said, "AMAZON.DURATION") is None
    assert value("three quarters of an hour and a quarter", "AMAZON.DURATION") is None
    assert value("a quarter and a half hours", "AMAZON.DURATION") is None


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
    ("said", "expected"),
    [
        ("5 o clock", "05:00"),
        ("five oclock pm", "17:00"),
        ("seven o clock in the evening", "19:00"),
    ],
)
def test_o_clock_typed_apart_or_together(said: str, expected: str) -> None:
    # Only "o'clock" was read: "5 o clock" was no time, "five oclock" read with "oclock"
    # left out as a word not in the sample.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert [reading.value for reading in understood.slots] == [expected]
    assert understood.exact, understood.notes


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tues", "2026-12-01"),
        ("next thurs", "2026-12-03"),
        ("weds", "2026-12-02"),
        ("a week from fri", "2026-12-11"),
        ("mon", "2026-11-30"),
        ("thu", "2026-12-03"),
    ],
)
def test_a_weekday_typed_short(said: str, expected: str) -> None:
    # "dec 5" and "sept 5" were read, "tues" and "next thurs" filled no AMAZON.DATE slot.
    assert value(said, "AMAZON.DATE") == expected
    assert value("sat", "AMAZON.DATE") is None  # an English word: no abbreviation read


def test_an_oh_kept_inside_a_number_with_other_fillers_about() -> None:
    # "um six oh four five please" left every filler out, "oh" too: the number 645.
    assert value("um six oh four five please", "AMAZON.NUMBER") == "6045"
    assert value("um six oh four five please", "AMAZON.FOUR_DIGIT_NUMBER") == "6045"
    # Other fillers inside free-form words are still left out, as before.
    search = understander("AMAZON.SearchQuery").understand("um say thriller uh song", now=NOW)
    assert [reading.value for reading in search.slots] == ["thriller song"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("1700 hours", "17:00"),
        ("0730 hours", "07:30"),
        ("17:00 hours", "17:00"),
        ("7:30 hours", "07:30"),
    ],
)
def test_a_time_typed_in_hours_as_the_military_says_it(said: str, expected: str) -> None:
    # "seventeen hundred hours" was 17:00, "1700 hours" typed no time.
    assert value(said, "AMAZON.TIME") == expected
    assert value("1760 hours", "AMAZON.TIME") is None
    assert value("1700", "AMAZON.TIME") is None  # without "hours": a number as likely
    assert value("1700 hours", "AMAZON.DURATION") == "PT1700H"
    assert value("17 hours", "AMAZON.TIME") is None  # a duration


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


@pytest.mark.parametrize(
    "said",
    [
        "24:30",
        "24.30",
        "2430 hours",
        "24:00",
        "twenty four thirty",
        "twenty four hundred",
        "half past twenty four",
        "ten to twenty four",
    ],
)
def test_an_hour_24_is_no_time(said: str) -> None:
    # "24:30" (and "2430 hours", "24.30") was read as 00:30: there is no such time, and
    # AMAZON.TIME documents no hour 24, so it fills no AMAZON.TIME slot.
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) is None
    assert value(said, "AMAZON.TIME") is None
    # Midnight by name still counts: the hour after 23.
    assert value("ten to midnight", "AMAZON.TIME") == "23:50"
    assert value("ten past midnight", "AMAZON.TIME") == "00:10"
    assert value("23:59", "AMAZON.TIME") == "23:59"


@pytest.mark.parametrize(
    ("locale", "british"),
    [("en-US", False), ("en-CA", False), ("en-GB", True), ("en-AU", True), ("en-IN", True)],
)
def test_only_british_australian_and_indian_english_say_fortnight_and_monday_week(
    locale: str, british: bool
) -> None:
    # The British forms were read in every locale but en-US, en-CA among them, though the rule
    # meant British, Australian and Indian English.
    fortnight = value("a fortnight", "AMAZON.DURATION", locale=locale)
    week_on = value("monday week", "AMAZON.DATE", locale=locale)
    assert (fortnight, week_on) == (("P2W", "2026-12-07") if british else (None, None))


def test_a_duration_said_in_four_parts_with_and_is_one_value_in_a_multiple_value_slot() -> None:
    # At most three parts said with "and" made one value: "a day and two hours and thirty
    # minutes and ten seconds" was the list P1DT2H30M, PT10S.
    said = "a day and two hours and thirty minutes and ten seconds"
    assert value(said, "AMAZON.DURATION", multiple=True) == "P1DT2H30M10S"
    found = slot(f"{said} and an hour", "AMAZON.DURATION", multiple=True)
    assert found is not None
    assert [item["value"] for item in found["slotValue"]["values"]] == ["P1DT2H30M10S", "PT1H"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("oh nine oh five", "09:05"),
        ("zero seven hundred hours", "07:00"),
        ("oh seven hundred", "07:00"),
        ("zero zero thirty", "00:30"),
    ],
)
def test_a_twenty_four_hour_time_said_with_its_leading_zero(said: str, expected: str) -> None:
    # The zero said before an hour below ten was read as no part of the time: "oh nine oh
    # five" and "zero seven hundred hours" fell back (the zero could not be left out as a
    # filler), though "0905" and "0700 hours" typed were times.
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) == expected
    assert value(said, "AMAZON.TIME") == expected
    assert parse(["oh", "five"], NOW) is None  # an exclamation and a five: no time


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


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("five hundred and", "AMAZON.NUMBER"),
        ("one hundred and", "AMAZON.NUMBER"),
        ("two thousand and", "AMAZON.NUMBER"),
        ("two thousand and", "AMAZON.FOUR_DIGIT_NUMBER"),
        ("a hundred and", "AMAZON.NUMBER"),  # ("a hundred and a" is no number)
        ("a thousand and", "AMAZON.NUMBER"),
        ("a thousand and", "AMAZON.FOUR_DIGIT_NUMBER"),
    ],
)
def test_a_number_cut_off_after_its_and_is_no_number(said: str, slot_type: str) -> None:
    # A loose reading left the "and" out: "five hundred and" (the user stopped, or was cut
    # off, before the rest) filled a number slot with 500, a number the user did not say.
    assert value(said, slot_type) is None
    assert value(f"{said} five", slot_type) is not None  # the whole number is read
    assert value("5 and", "AMAZON.NUMBER") == "5"  # "and" after a whole number goes on no number
    assert values("1 and 2 and 3 and", "AMAZON.NUMBER") == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("5 and 6 to 7", "AMAZON.NUMBER"),
        ("5, 6 to 7", "AMAZON.NUMBER"),
        ("5 and from 6 to 7", "AMAZON.NUMBER"),
        ("5th and 6th to 7th", "AMAZON.Ordinal"),
        ("friday and saturday to sunday", "AMAZON.DATE"),
        ("5 and 6 to 7 minutes", "AMAZON.DURATION"),
    ],
)
def test_a_value_and_a_range_said_together_are_no_value(said: str, slot_type: str) -> None:
    # "5 and 6 to 7": a value, then a range (or "6 to 7" a value of its own?). Neither 5 and 6,
    # nor 7, nor 6 and 7 is what the user meant: the slot, single or multiple, has none.
    assert value(said, slot_type) is None
    assert values(said, slot_type) is None


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
    assert values("5 pm and 6", "AMAZON.TIME") == ["17:00", "06:00"]  # (said after one only)
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
    ("said", "expected"),
    [
        ("the 1990s", "199X"),
        ("the 1990's", "199X"),
        ("the 90s", "199X"),
        ("the 2020s", "202X"),
        ("the 1900s", None),  # the century, or its first decade? None, as "the nineteen hundreds"
        ("the 2000s", None),
    ],
)
def test_a_decade_typed_in_digits_is_the_decade(said: str, expected: str | None) -> None:
    # "the 1990s" filled a date slot with the year 1990 (the "s" left out), "the 90s" none;
    # "the nineties" was 199X.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "2027-11-25"), ("en-CA", "2027-10-11"), ("en-GB", None), ("en-AU", None)],
)
def test_thanksgiving_is_the_next_one_of_the_locale(locale: str, expected: str | None) -> None:
    # "thanksgiving" was no date (Christmas was). NOW is 29 November 2026: this year's, the
    # 26th in the United States and 12 October in Canada, are past.
    assert value("thanksgiving", "AMAZON.DATE", locale=locale) == expected
    assert value("thanksgiving day", "AMAZON.DATE", locale=locale) == expected


@pytest.mark.parametrize(
    ("said", "slot_type"), [("5 then 6", "AMAZON.NUMBER"), ("friday then saturday", "AMAZON.DATE")]
)
def test_two_values_said_one_then_the_other_are_no_one_value(said: str, slot_type: str) -> None:
    # A loose reading took the second value alone: "5 then 6" filled a number slot with 6.
    assert value(said, slot_type) is None
    assert value("5 then stop", "AMAZON.NUMBER") == "5"  # "then" and no value: read past it


@pytest.mark.parametrize("said", ["ab12", "12ab"])
def test_letters_typed_together_with_digits_are_part_of_an_alphanumeric_value(said: str) -> None:
    # A loose reading left out the letters written together with the digits: "ab12" filled an
    # AMAZON.AlphaNumeric slot with "12". Letters said one by one are read ("a12", "a b 12").
    assert value(said, "AMAZON.AlphaNumeric") is None
    assert value("a12", "AMAZON.AlphaNumeric") == "a12"
    assert value("a b 12", "AMAZON.AlphaNumeric") == "ab12"


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


def _understood(slots: list[dict[str, Any]], samples: list[str], text: str) -> dict[str, Any]:
    """The slot values (a multiple-value slot's as a list) of ``text`` said to a model with
    one intent of ``slots`` and ``samples``, and a Food type listing "salt and pepper"."""
    foods = ["salt and pepper", "salt", "pepper", "ham", "fish and chips", "cheese"]
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "slot tester",
                "intents": [
                    {"name": "Say", "slots": slots, "samples": samples},
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
                "types": [{"name": "Food", "values": [{"name": {"value": v}} for v in foods]}],
            }
        }
    }
    understood = Understander(InteractionModel.from_json(model), skill_id=SKILL_ID)
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
    ("said", "slot_type"),
    [
        ("ab12", "AMAZON.NUMBER"),
        ("ab12", "AMAZON.Ordinal"),
        ("12ab", "AMAZON.NUMBER"),
        ("ab 12", "AMAZON.AlphaNumeric"),
        ("12 xyz", "AMAZON.AlphaNumeric"),
    ],
)
def test_letters_said_or_typed_with_digits_are_no_value_of_the_digits_alone(
    said: str, slot_type: str
) -> None:
    # "ab12" filled a number slot with 12, and "ab 12" an AlphaNumeric slot with 12: the
    # letters are part of what was said (a code, no number), and a value without them is wrong.
    assert value(said, slot_type) is None
    assert value("a b 12", "AMAZON.AlphaNumeric") == "ab12"  # (letters said one by one)
    assert value("the 12", "AMAZON.AlphaNumeric") == "12"  # (a grammar word is no letter)
    assert value("ab 12", "AMAZON.NUMBER") == "12"  # (a word apart from the number)


def two_slots(code_type: str, *samples: str) -> Understander:
    """An intent with a ``code`` slot of ``code_type`` and a free-form ``city`` slot."""
    slots = [{"name": "code", "type": code_type}, {"name": "city", "type": "AMAZON.City"}]
    intents = [
        {"name": "Say", "slots": slots, "samples": list(samples)},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    return Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)


@pytest.mark.parametrize("code_type", ["AMAZON.NUMBER", "AMAZON.AlphaNumeric"])
@pytest.mark.parametrize("said", ["a1", "a1 now", "ab12 now", "x9 paris"])
@pytest.mark.parametrize("samples", [("{code}", "{city}", "{code} {city}"), ("{city} {code}",)])
def test_no_slot_takes_part_of_a_word_typed_as_letters_and_digits(
    code_type: str, said: str, samples: tuple[str, ...]
) -> None:
    # "a1 now" filled a number slot with 1 and a city slot with "a" (the "now" left out):
    # another slot took the letters of the word typed, where one left out voided the reading.
    request = two_slots(code_type, *samples).understand(said, now=NOW).request
    assert request is not None
    slots = request["intent"].get("slots", {})
    values = {name: found.get("value") for name, found in slots.items()}
    code, _, _ = said.partition(" ")
    # Only the whole word, or nothing, is the code; no city is part of it (the whole, or
    # words with it, may be: free-form words).
    assert values.get("code") in (None, code if code_type == "AMAZON.AlphaNumeric" else None)
    city = values.get("city")
    assert city is None or city == code or city not in code


@pytest.mark.parametrize(
    ("typed", "said"),
    [("0000", "zero zero zero zero"), ("000", "zero zero zero"), ("007", "zero zero seven")],
)
def test_a_number_typed_with_leading_zeros_keeps_them_as_one_said_digit_by_digit(
    typed: str, said: str
) -> None:
    # "zero zero zero" filled a number slot with "000" (Alexa keeps the leading zeros of digits
    # said one by one), but "0000" typed with "0", "007" with "7": the same digits, a value
    # each way. Typed digits are sent as typed, in every type that reads them.
    for slot_type in ("AMAZON.NUMBER", "AMAZON.PhoneNumber", "AMAZON.AlphaNumeric"):
        assert value(typed, slot_type) == value(said, slot_type) == said_digits(said)
    assert value("0.5", "AMAZON.NUMBER") == "0.5"
    assert value("-0", "AMAZON.NUMBER") == "0"


def said_digits(said: str) -> str:
    return "".join({"zero": "0", "seven": "7"}[word] for word in said.split())


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


@pytest.mark.parametrize(("said", "expected"), [("an", None), ("an hour", None), ("an 12", "12")])
def test_the_word_an_is_no_letter_a_of_an_alphanumeric_value(said: str, expected: Any) -> None:
    # English rewrites "an" to "a" (a sample's "a" matches it), so an AlphaNumeric slot read
    # the word "an" as the letter A: "an" was "a", "an hour" "a" (the hour left out), "an 12"
    # "a12". A letter is one as written.
    assert value(said, "AMAZON.AlphaNumeric") == expected
    assert value("a 12", "AMAZON.AlphaNumeric") == "a12"
    assert value("A B 12", "AMAZON.AlphaNumeric") == "ab12"


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
    ("said", "expected"),
    [("ok, a1", "a1"), ("a1, ok", "a1"), ("yes, 12", "12"), ("yes 12", "12"), ("a1 ok", "a1")],
)
def test_a_word_apart_from_an_alphanumeric_value_is_no_letters_of_it(
    said: str, expected: str
) -> None:
    # A short word left out next to an AlphaNumeric value was taken for the code's letters
    # ("ab 12" is no 12); so was a word said apart from it, after a pause, or one the language
    # knows as a word of its own ("ok", "yes"): "ok, a1" and "yes 12" filled no value.
    assert value(said, "AMAZON.AlphaNumeric") == expected
    assert value("ab 12", "AMAZON.AlphaNumeric") is None
    assert value("lax 7", "AMAZON.AlphaNumeric") is None


@pytest.mark.parametrize("said", ["6 to 7", "six to seven", "9 to 5", "six till seven", "1 of 2"])
def test_hours_said_with_to_and_no_minutes_are_no_time(said: str) -> None:
    # "6 to 7" filled an AMAZON.TIME slot with 06:54 and "9 to 5" with 04:51: six minutes to
    # seven is said "six minutes to seven"; said bare, two hours so are a range (or two
    # numbers). The reading is dropped, and the explanation says why ("6 to 7": a range).
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert understood.notes[-1].endswith(f"'{said}' is a range, not one value)") == (" to " in said)
    assert value("six minutes to seven", "AMAZON.TIME") == "06:54"
    assert value("5 to 6", "AMAZON.TIME") == "05:55"  # five, ten, twenty to: a clock time
    assert value("twenty five to eight", "AMAZON.TIME") == "07:35"
    assert value("six past seven", "AMAZON.TIME") == "07:06"


@pytest.mark.parametrize(
    ("said", "slot_type"),
    [
        ("500 and", "AMAZON.NUMBER"),
        ("2000 and", "AMAZON.FOUR_DIGIT_NUMBER"),
        ("an hour and", "AMAZON.DURATION"),
        ("ten minutes and", "AMAZON.DURATION"),
        ("two days and", "AMAZON.DURATION"),
    ],
)
def test_a_value_cut_off_after_its_and_is_no_value(said: str, slot_type: str) -> None:
    # A loose reading left the trailing "and" out: "500 and" (typed for "five hundred and")
    # was 500 and "an hour and" PT1H, though the user stopped before the rest of the value
    # ("... and fifty", "... and a half"). No value, and the explanation says what was cut.
    understood = understander(slot_type).understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert understood.notes[-1].endswith("would leave out 'and')")
    assert value("an hour and a half", "AMAZON.DURATION") == "PT1H30M"
    assert value("5 and", "AMAZON.NUMBER") == "5"  # no number goes on "five and"
    assert value("250 and", "AMAZON.NUMBER") == "250"  # "two hundred and fifty" is said whole


def order_understander() -> Understander:
    """An intent with a ``count`` number slot, then an ``item`` of a custom type (pizza, km)."""
    slots = [{"name": "count", "type": "AMAZON.NUMBER"}, {"name": "item", "type": "Item"}]
    intents = [
        {"name": "Order", "slots": slots, "samples": ["give me {count} {item}", "give me {count}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    items = [{"name": {"value": "pizza"}}, {"name": {"value": "km"}}]
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "x",
                "intents": intents,
                "types": [{"name": "Item", "values": items}],
            }
        }
    }
    return Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)


@pytest.mark.parametrize(
    "said", ["give me 5k", "give me 10k pizza", "give me five k", "give me 5 grand"]
)
def test_a_word_changing_a_number_is_no_other_slots_value(said: str) -> None:
    # "give me 5k" filled count with 5 and the custom slot with "k" (an unlisted value): the
    # number was split from the word that makes it five thousand (or a 5 km run). No slot
    # takes part of it: the count is not 5 (here the utterance reads as no sample).
    understood = order_understander().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert "would leave out" in understood.notes[-1]
    listed = order_understander().understand("give me 5km", now=NOW)  # a value of the type
    assert {name: fill.value for name, fill in listed.fills.items()} == {"count": "5", "item": "km"}
    plain = order_understander().understand("give me 5 large", now=NOW)  # another word
    assert {name: fill.value for name, fill in plain.fills.items()} == {
        "count": "5",
        "item": "large",
    }


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("11 and 12 pm", ["11:00", "12:00"]),
        ("9 and 5 pm", ["09:00", "17:00"]),
        ("11, 12 and 1 pm", ["11:00", "12:00", "13:00"]),
        ("eleven or twelve in the afternoon", ["11:00", "12:00"]),
    ],
)
def test_pm_said_once_is_no_earlier_hours_it_would_put_after_the_last(
    said: str, listed: list[str]
) -> None:
    # "11 and 12 pm" filled a multiple-value AMAZON.TIME slot with 23:00 and 12:00: the "pm"
    # read into the 11 put it eleven hours after the noon said with it. An hour it would put
    # after the last is taken as said (11:00: "11 to 12 pm", eleven to noon).
    assert values(said, "AMAZON.TIME") == listed
    assert values("5 and 6 pm", "AMAZON.TIME") == ["17:00", "18:00"]
    assert values("11 and 11:30 pm", "AMAZON.TIME") == ["23:00", "23:30"]


def window_understander() -> Understander:
    """An intent with two AMAZON.TIME slots, ``start`` and ``end``."""
    slots = [{"name": "start", "type": "AMAZON.TIME"}, {"name": "end", "type": "AMAZON.TIME"}]
    samples = ["between {start} and {end}", "from {start} to {end}", "{start} or {end}"]
    intents = [
        {"name": "Window", "slots": slots, "samples": samples},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    return Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)


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
    understood = window_understander().understand(said, now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert found == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("a minute to midnight", "23:59"),
        ("a minute past noon", "12:01"),
        ("a minute to six", "05:59"),
        ("one minute past 5 pm", "17:01"),
    ],
)
def test_a_minute_to_or_past_an_hour_is_one_minute(said: str, expected: str) -> None:
    # "one minute to midnight" was 23:59, but "a minute to midnight" no time: after "minute"
    # was set aside, the "a" was read as no number.
    assert value(said, "AMAZON.TIME") == expected
    assert value("two minutes to six", "AMAZON.TIME") == "05:58"


@pytest.mark.parametrize("said", ["in a fortnight", "a fortnight from today", "a fortnight ago"])
@pytest.mark.parametrize(
    ("locale", "british"),
    [("en-US", False), ("en-CA", False), ("en-GB", True), ("en-AU", True), ("en-IN", True)],
)
def test_a_date_a_fortnight_away_is_read_where_fortnight_is_said(
    said: str, locale: str, british: bool
) -> None:
    # "in a fortnight" filled an AMAZON.DATE slot in en-US and en-CA (2026-12-13), though
    # "a fortnight" is no AMAZON.DURATION there: the locales that say it are en-GB, en-AU, en-IN.
    found = value(said, "AMAZON.DATE", locale=locale)
    assert (found is not None) == british
    assert value("in two weeks", "AMAZON.DATE", locale=locale) == "2026-12-13"


@pytest.mark.parametrize(
    ("said", "slot_type", "note"),
    [
        ("an hour and", "AMAZON.DURATION", "'an hour and' read as 'an hour' would leave out 'and'"),
        ("ten k", "AMAZON.NUMBER", "'ten k' read as 'ten' would leave out 'k'"),
        ("10k", "AMAZON.NUMBER", "'10k' read as '10' would leave out 'k'"),
        ("Six to Seven", "AMAZON.TIME", "'Six to Seven' is a range, not one value"),
    ],
)
def test_why_a_reading_was_dropped_quotes_the_words_as_written(
    said: str, slot_type: str, note: str
) -> None:
    # The note quoted the normalised words: "'a hour and' read as 'a hour'", "'10 k'", which
    # the user never wrote.
    understood = understander(slot_type).understand(f"say {said}", now=NOW)
    assert understood.notes[-1] == f"no sample is close enough (a reading was dropped: {note})"


def test_a_loose_reading_keeps_the_sample_word_a_value_could_take() -> None:
    # "wake me up at 6 30 tomorrow" (no sample has the date after the time) was read with the
    # time slot taking "at 6 30" and the explanation saying the sample's "at" was not said.
    slots = [{"name": "time", "type": "AMAZON.TIME"}, {"name": "date", "type": "AMAZON.DATE"}]
    intents = [
        {"name": "Wake", "slots": slots, "samples": ["wake me up at {time}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    wake = Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)
    understood = wake.understand("wake me up at 6 30 tomorrow", now=NOW)
    assert {name: fill.words for name, fill in understood.fills.items()} == {
        "time": "6 30",
        "date": "tomorrow",
    }
    assert not any(note.startswith("sample words not said") for note in understood.notes)
    assert understood.fills["time"].value == "06:30"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("in a week's time", "2026-12-06"),
        ("in two weeks time", "2026-12-13"),
        ("in two weeks' time", "2026-12-13"),
        ("in three days time", "2026-12-02"),
        ("in a month's time", "2026-12-29"),
        ("the year after next", "2028"),
        ("year after next", "2028"),
        ("the month after next", "2027-01"),
        ("this time next week", "2026-12-06"),
        ("this time tomorrow", "2026-11-30"),
        ("this time last week", "2026-11-22"),
        ("this time next year", "2027-11-29"),
    ],
)
def test_a_date_said_with_time_or_after_next_is_read_whole(said: str, expected: str) -> None:
    # "in a week's time" and "the year after next" were no date; "in two weeks time" was read
    # only loosely, its "time" left out; "this time next week" was the week 2026-W49, its "this
    # time" (a week from now) left out. Each is read whole, with nothing left over.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == {"value": expected}
    assert understood.notes == (), understood.notes


@pytest.mark.parametrize("said", ["give me a dozen pizzas", "give me dozens of pizzas"])
def test_a_number_said_with_dozen_is_not_left_out_of_a_loose_reading(said: str) -> None:
    # "give me a dozen pizzas" was the item pizza with the count empty, "a dozen" left out as
    # words not in the sample: the number the user said was lost. "dozen" is no number
    # AMAZON.NUMBER is read as here ("two dozen pizza" is no reading, as "ten k" is none), so no
    # count of 12 either: the reading that drops it is none, as "give me two dozen pizza" is.
    understood = order_understander().understand(said, now=NOW)
    assert understood.fills.get("count") is None
    assert [fill.value for fill in understood.fills.values()] != ["pizzas"], understood.notes
    assert "words not in the sample" not in " ".join(understood.notes)
    eggs = order_understander().understand("give me a dozen eggs", now=NOW)  # unlisted words
    assert {name: fill.value for name, fill in eggs.fills.items()} == {"item": "a dozen eggs"}


def alarm_understander() -> Understander:
    """An intent with a ``time`` and a ``date`` slot, said either way round."""
    slots = [{"name": "time", "type": "AMAZON.TIME"}, {"name": "date", "type": "AMAZON.DATE"}]
    samples = ["set an alarm for {time} {date}", "set an alarm for {date} at {time}"]
    intents = [
        {"name": "Alarm", "slots": slots, "samples": samples},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    return Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)


def alarm_reads(said: str, expected: dict[str, str] | None) -> Understanding:
    """What `alarm_understander` makes of ``said``, checked: no reading (the fallback intent)
    when ``expected`` is None, else these slot values."""
    understood = alarm_understander().understand(said, now=NOW)
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    else:
        assert {name: fill.value for name, fill in understood.fills.items()} == expected
    return understood


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7 tomorrow evening", None),
        ("set an alarm for 7 tonight", {"time": "19:00"}),  # the time's "7 tonight", loosely
        ("set an alarm for tomorrow evening at 7", None),
        ("set an alarm for 7 tomorrow afternoon", None),
        ("set an alarm for 7 tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 7 am tomorrow", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 7 pm tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 12 tonight", {"time": "00:00"}),  # midnight, read by the time alone
    ],
)
def test_an_hour_said_with_an_evening_date_is_no_morning_time(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7 tomorrow evening" (or "7 tonight", "tomorrow evening at 7") filled time with 07:00:
    # "evening" went to the date and the hour was read as said, in the morning, where the user
    # means the evening. How Alexa splits the words is not documented: no reading rather than
    # a wrong time ("7 tonight" is now read by the time slot alone, as 19:00).
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7:30 tomorrow evening", None),
        ("set an alarm for 7 30 tomorrow evening", None),
        ("set an alarm for seven thirty tomorrow afternoon", None),
        ("set an alarm for 7:30 tomorrow night", None),
        ("set an alarm for 7:30 tonight", {"time": "19:30"}),  # the time's "7:30 tonight"
        ("set an alarm for 7:30 tomorrow morning", {"time": "07:30", "date": "2026-11-30"}),
        ("set an alarm for 7:30 pm tomorrow evening", {"time": "19:30", "date": "2026-11-30"}),
        ("set an alarm for tomorrow evening", {"date": "2026-11-30"}),
    ],
)
def test_a_clock_time_said_with_an_evening_date_is_no_part_of_the_day(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7:30 tomorrow evening" filled time with EV and date with tomorrow: with "7:30" at
    # 07:30 voided (the date naming the evening), a loose reading gave the time slot the
    # date's "evening" and left the clock time out as a time said along with the date.
    # It is no reading, as "7 tomorrow evening" is.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7 pm tomorrow morning", None),
        ("set an alarm for 7:30 pm tomorrow morning", None),
        ("set an alarm for tomorrow morning at 7 pm", None),
        ("set an alarm for 7 in the evening tomorrow morning", None),
        ("set an alarm for 12 pm tomorrow morning", None),
        ("set an alarm for 7 am tomorrow evening", None),
        ("set an alarm for tomorrow afternoon at 7 am", None),
        ("set an alarm for 7 am tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 12 am tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for 7 pm tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 11 pm tomorrow night", {"time": "23:00", "date": "2026-11-30"}),
        ("set an alarm for 2 am tonight", {"time": "02:00", "date": "2026-11-29"}),
        ("set an alarm for 7 pm tomorrow", {"time": "19:00", "date": "2026-11-30"}),
    ],
)
def test_am_or_pm_said_against_the_dates_part_of_the_day_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7 pm tomorrow morning" filled time with 19:00 and date with tomorrow ("7 am tomorrow
    # evening" with 07:00): the user said two halves of the day, and which one is meant is
    # a guess. No reading, as "7 pm in the morning" in one time slot is no time. "night"
    # takes either half ("11 pm tomorrow night", "2 am tonight").
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    "said", ["500 and", "five hundred and", "a hundred and", "two thousand and", "1 and 500 and"]
)
def test_a_value_cut_off_after_its_and_is_none_in_a_multiple_value_slot(said: str) -> None:
    # In a multiple-value slot, "500 and" filled [500] and "a hundred and" [100], where a
    # single number slot takes no value: the check of a value cut off after its "and" asked
    # the list, not its number type, whether "five hundred and five" goes on. No value.
    understood = understander("AMAZON.NUMBER", multiple=True).understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert "would leave out 'and'" in understood.notes[-1]
    # A whole number before the "and" is read as one slot reads it ("5 and" is 5).
    assert values("1 and 2 and 3 and", "AMAZON.NUMBER") == ["1", "2", "3"]
    assert values("500 and 6", "AMAZON.NUMBER") == ["500", "6"]
    found = slot("5 and", "AMAZON.NUMBER", multiple=True)
    assert found is not None and found["value"] == "5"
    assert slot("an hour and", "AMAZON.DURATION", multiple=True) is None  # was PT1H


@pytest.mark.parametrize("said", ["give me a couple pizzas", "give me a couple pizza please"])
def test_a_couple_left_out_beside_an_empty_number_slot_is_no_reading(said: str) -> None:
    # "give me a couple pizzas" was the item pizzas, "a couple" left out as words not in the
    # sample and the count empty: the user said how many, and no slot had it. As with "a
    # dozen", it is no reading ("a couple" makes no number AMAZON.NUMBER reads).
    understood = order_understander().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    assert "'couple' makes no number it reads" in understood.notes[-1]
    # The slot is named as the model names it, not by its type (which two slots may share).
    assert "the count slot empty" in understood.notes[-1], understood.notes
    for whole, item in [("give me a couple", "a couple"), ("give me couple", "couple")]:
        alone = order_understander().understand(whole, now=NOW)  # nothing left out
        assert {name: fill.value for name, fill in alone.fills.items()} == {"item": item}
    two = order_understander().understand("give me 2 pizza for the couple", now=NOW)
    assert two.fills["count"].value == "2"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for friday morning at 6 pm", None),
        ("set an alarm for 6 pm friday morning", None),
        ("set an alarm for friday evening at 6 am", None),
        ("set an alarm for next friday afternoon at 7 am", None),
        ("set an alarm for friday evening at 6", None),
        ("set an alarm for friday morning at 6 am", {"date": "2026-12-04", "time": "06:00"}),
        ("set an alarm for friday morning at 6", {"date": "2026-12-04", "time": "06:00"}),
        ("set an alarm for 6 pm friday evening", {"time": "18:00", "date": "2026-12-04"}),
        ("set an alarm for 11 pm saturday night", {"time": "23:00", "date": "2026-12-05"}),
    ],
)
def test_a_weekdays_part_of_the_day_is_the_dates(
    said: str, expected: dict[str, str] | None
) -> None:
    # "friday morning at 6 pm" filled date with friday and time with 18:00, "morning" left
    # out as a word not in the sample: the date took no part of the day, so the time said in
    # the other half went unchecked. "friday morning" is friday, as "tomorrow morning" is
    # tomorrow, and its morning is checked against the time's half as tomorrow's is.
    understood = alarm_reads(said, expected)
    assert expected is None or understood.exact, understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 19:00 tomorrow morning", None),
        ("set an alarm for tomorrow morning at 19:30", None),
        ("set an alarm for 00:30 tomorrow evening", None),
        ("set an alarm for 07:00 tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 19:00 tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 13:00 tomorrow afternoon", {"time": "13:00", "date": "2026-11-30"}),
        ("set an alarm for 00:30 tomorrow night", {"time": "00:30", "date": "2026-11-30"}),
        ("set an alarm for 12:00 tomorrow morning", None),  # noon: twelve in the morning is 00:00
    ],
)
def test_a_24_hour_time_against_the_dates_part_of_the_day_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "19:00 tomorrow morning" filled time with 19:00: a time on the 24-hour clock says no
    # "am" or "pm", so the check of "7 pm tomorrow morning" let it pass, though its hour
    # (after 12, or written with a leading 0) says which half of the day it is in.
    alarm_reads(said, expected)


def pizza_order_understander() -> Understander:
    """``count`` then ``size`` (custom: small, large, rock and roll), and ``item`` (custom)."""
    slots = [
        {"name": "count", "type": "AMAZON.NUMBER"},
        {"name": "size", "type": "Size"},
        {"name": "item", "type": "Item"},
    ]
    samples = ["order {count} {size} pizzas", "give me {count} {item}", "give me {count}"]
    intents = [
        {"name": "Order", "slots": slots, "samples": samples},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    sizes = [{"name": {"value": word}} for word in ("small", "large", "rock and roll")]
    types = [
        {"name": "Size", "values": sizes},
        {"name": "Item", "values": [{"name": {"value": "pizza"}}]},
    ]
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": "x", "intents": intents, "types": types}
        }
    }
    return Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)


@pytest.mark.parametrize(
    ("said", "expected", "exact"),
    [
        ("give me 5 and", {"count": "5"}, False),
        ("give me 5 or", {"count": "5"}, False),
        ("order 5 and large pizzas", {"count": "5", "size": "large"}, False),
        ("order 5 or small pizzas", {"count": "5", "size": "small"}, False),
        ("order 5 large pizzas", {"count": "5", "size": "large"}, True),
        ("order 5 rock and roll pizzas", {"count": "5", "size": "rock and roll"}, True),
        ("order 5 extra large pizzas", {"count": "5", "size": "extra large"}, True),
        ("give me 5 pasta", {"count": "5", "item": "pasta"}, True),
    ],
)
def test_a_custom_value_begins_with_no_dangling_and(
    said: str, expected: dict[str, str], exact: bool
) -> None:
    # "give me 5 and" filled count with 5 and item with "and", and "order 5 and large pizzas"
    # size with "and large", both exactly: an unlisted value starting with "and" or "or" is
    # the rest of a list cut in the wrong place, no value a user says (the type lists none
    # that starts so). The "and" is now a word left out, which the reading says.
    understood = pizza_order_understander().understand(said, now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == expected
    assert understood.exact is exact, understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("give me 5 pizza and", {"count": "5", "item": "pizza"}),
        ("give me 5 pasta or", {"count": "5", "item": "pasta"}),
        ("order 5 large and pizzas", {"count": "5", "size": "large"}),
    ],
)
def test_a_custom_value_ends_with_no_dangling_and(said: str, expected: dict[str, str]) -> None:
    # "give me 5 pizza and" filled item with "pizza and" and "order 5 large and pizzas" size
    # with "large and", both exactly: as with a value starting with it, an unlisted value
    # ending in "and" or "or" is a list cut in the wrong place. The "and" is a word left out.
    understood = pizza_order_understander().understand(said, now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == expected
    assert not understood.exact, understood.explain()


def test_a_listed_value_may_end_with_and() -> None:
    # The rule follows the type: a value listed as ending in "and" is read whole.
    slots = [{"name": "band", "type": "Band"}]
    intents = [
        {"name": "Play", "slots": slots, "samples": ["play {band}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    types = [{"name": "Band", "values": [{"name": {"value": "the band and"}}]}]
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": "x", "intents": intents, "types": types}
        }
    }
    play = Understander(InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID)
    for said in ("play the band and", "play some other band and"):
        understood = play.understand(said, now=NOW)
        assert understood.fills["band"].words == said.removeprefix("play "), understood.explain()
        assert understood.exact, understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 12 tonight", {"time": "00:00"}),
        ("set an alarm for 12:30 tonight", {"time": "00:30"}),
        ("set an alarm for 12 tomorrow night", None),
        ("set an alarm for 12 pm tonight", None),  # noon is no part of the night
        ("set an alarm for 12 am tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for midnight tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for 12 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
    ],
)
def test_twelve_said_with_tonight_is_no_noon(said: str, expected: dict[str, str] | None) -> None:
    # "12 tonight" filled time with 12:00 (noon) and date with today: "tonight" went to the
    # date and the hour was read as said. Twelve at night is midnight: the time slot alone
    # reads "12 tonight" as 00:00, as it reads "7 tonight" as 19:00. Which day's midnight is
    # meant Amazon does not document, so no date is given.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 07:00 tonight", None),
        ("set an alarm for 07:30 in the evening", None),
        ("set an alarm for 00:30 tonight", {"time": "00:30", "date": "2026-11-29"}),
        ("set an alarm for 7:00 tonight", {"time": "19:00"}),
        ("set an alarm for 19:00 tonight", {"time": "19:00", "date": "2026-11-29"}),
    ],
)
def test_a_24_hour_morning_time_said_tonight_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "07:00 tonight" filled time with 19:00: the leading 0 writes the 24-hour clock, whose
    # 07:00 is in the morning, so "tonight" cannot move it 12 hours on. As "07:00 tomorrow
    # evening" (and "19:00 tomorrow morning") is no reading, neither is this; "7:00 tonight",
    # which may be either half, is 19:00 as "7 tonight" is.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # Twelve said bare, with a date naming the morning or the evening: as said it is noon,
        # in neither; the user means midnight in the morning, and nothing in the evening.
        ("set an alarm for 12 tomorrow morning", None),
        ("set an alarm for 12:00 tomorrow morning", None),
        ("set an alarm for 12:30 tomorrow morning", None),
        ("set an alarm for 12 o'clock tomorrow morning", None),
        ("set an alarm for tomorrow morning at 12", None),
        ("set an alarm for 12 tomorrow evening", None),
        ("set an alarm for 12:00 tomorrow evening", None),
        ("set an alarm for 12:30 tomorrow evening", None),
        ("set an alarm for tomorrow evening at 12", None),
        ("set an alarm for 12 this evening", None),
        ("set an alarm for 12:30 in the evening", None),
        ("set an alarm for twelve in the evening", None),
        # The time slot alone reads "12 this morning" as "12 in the morning", as "12 tonight".
        ("set an alarm for 12 this morning", {"time": "00:00"}),
        ("set an alarm for 12:00 this morning", {"time": "00:00"}),
        # Noon is in no evening and no night; midnight in no afternoon or evening.
        ("set an alarm for 12 pm tomorrow evening", None),
        ("set an alarm for 12 pm tomorrow night", None),
        ("set an alarm for 12 pm tonight", None),
        ("set an alarm for 12:30 pm tonight", None),
        ("set an alarm for noon tomorrow morning", None),
        ("set an alarm for noon tomorrow evening", None),
        ("set an alarm for 12 noon tomorrow evening", None),
        ("set an alarm for tomorrow morning at noon", None),
        ("set an alarm for noon this evening", None),
        ("set an alarm for noon tonight", None),
        ("set an alarm for midnight tomorrow afternoon", None),
        ("set an alarm for midnight tomorrow evening", None),
        ("set an alarm for tomorrow evening at midnight", None),
        # Kept: twelve in the half the words name.
        ("set an alarm for 12 tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12:30 tomorrow afternoon", {"time": "12:30", "date": "2026-11-30"}),
        ("set an alarm for 12 pm tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12 am tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for 12:30 am tomorrow morning", {"time": "00:30", "date": "2026-11-30"}),
        ("set an alarm for 12 in the morning tomorrow", {"time": "00:00", "date": "2026-11-30"}),
        (
            "set an alarm for tomorrow at 12:30 in the morning",
            {"date": "2026-11-30", "time": "00:30"},
        ),
        ("set an alarm for 12 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12:00 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for noon tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tomorrow", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for noon tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for 12 tonight", {"time": "00:00"}),
    ],
)
def test_twelve_is_read_in_the_half_of_the_day_the_words_name(
    said: str, expected: dict[str, str] | None
) -> None:
    # "12 tomorrow morning" (and "12:00", "12:30") filled time with 12:00 and date with
    # tomorrow: noon, where twelve in the morning is midnight ("12 in the morning" alone is
    # 00:00, as "12 am" is); "12 tomorrow evening" was noon in the evening, and "12 pm
    # tonight", "noon tomorrow evening" or "midnight tomorrow afternoon" a time outside the
    # part of the day the date names. As "7 tomorrow evening" is, these are no reading
    # rather than a time the user did not mean.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("12 in the evening", None),
        ("12:30 in the evening", None),
        ("twelve this evening", None),
        ("12 in the morning", "00:00"),
        ("12:30 in the morning", "00:30"),
        ("12 in the afternoon", "12:00"),
        ("12 at night", "00:00"),
        ("12 am", "00:00"),
        ("12 pm", "12:00"),
        ("12:30 am", "00:30"),
        ("0:30", "00:30"),
        ("0:30 am", None),  # no hour 0 on the 12-hour clock
        ("00:30 pm", None),
        # "pm" says the 12-hour clock, which is written with a leading 0 too ("07:00 PM"): only
        # a part of the day ("07:00 tonight") is refused for moving a 24-hour time.
        ("07:00 pm", "19:00"),
        ("07:00 am", "07:00"),
        ("07:00 in the evening", None),
    ],
)
def test_twelve_in_a_part_of_the_day(said: str, expected: str | None) -> None:
    # "12 in the evening" was 12:00: noon is in no evening, and midnight (which "12 at night"
    # is) no more. No time, as "13 pm" is none.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # No year; the time slot alone would read 22:30, but the reading that splits off
        # "tonight" as the date is the one weighed (and refused, as "7 tomorrow evening" is).
        ("set an alarm for ten thirty tonight", None),
        ("set an alarm for eleven fifteen tonight", None),
        ("set an alarm for ten thirty at night", {"time": "22:30"}),
        ("set an alarm for twelve thirty at night", {"time": "00:30"}),
        ("set an alarm for twelve thirty in the morning", {"time": "00:30"}),
        ("set an alarm for eleven thirty in the morning", {"time": "11:30"}),
        ("set an alarm for twelve thirty tomorrow morning", None),
        ("set an alarm for twelve thirty tomorrow evening", None),
        ("set an alarm for ten thirty tomorrow morning", {"time": "10:30", "date": "2026-11-30"}),
        ("set an alarm for ten thirty", {"time": "10:30"}),
        ("set an alarm for nineteen thirty", {"time": "19:30"}),
        ("set an alarm for nineteen ninety", {"date": "1990"}),  # no time: a year
        ("set an alarm for ten sixty six", {"date": "1066"}),
    ],
)
def test_a_clock_time_said_with_a_part_of_the_day_is_no_year(
    said: str, expected: dict[str, str] | None
) -> None:
    # "ten thirty tonight" filled date with the year 1030 and time with NI ("eleven thirty in
    # the morning" 1130 and MO), a loose reading of "{date} at {time}" without its "at": the
    # words of a clock time read as a year, and the time slot given only the part of the day
    # said after them; "ten thirty" alone (or "for ten thirty", the sample's "for" taken in)
    # was the year 1030, the time slot empty. A sample with a time slot takes a clock time's
    # words for the time: the year is no reading.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("12 pm at night", None),
        ("12:30 pm at night", None),
        ("12 noon at night", None),
        ("3 pm at night", None),
        ("7 pm at night", "19:00"),  # said twice, the same time, as "5 pm this evening"
        ("7 at night", "19:00"),
        ("12 at night", "00:00"),
        ("7 pm", "19:00"),
    ],
)
def test_a_part_of_the_day_left_out_beside_a_time_is_no_reading(
    said: str, expected: str | None
) -> None:
    # "12 pm at night" was 12:00 (noon, at night), "3 pm at night" 15:00, a loose reading of
    # "12 pm" leaving out "at night" ("at" a grammar word, the "night" past it was not looked
    # at), where "12 pm tonight" is no reading. A part of the day left out beside a time it
    # agrees with is said twice ("7 pm at night" 19:00, as "5 pm this evening" is 17:00).
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for noon at night", None),
        ("set an alarm for midday at night", None),
        ("set an alarm for 3 pm at night", None),
        ("set an alarm for at night", {"time": "NI"}),
        ("set an alarm for 7 pm at night", {"time": "19:00"}),
    ],
)
def test_noon_left_out_past_the_samples_at_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "noon at night" filled time with NI: "{date} at {time}" read "night" as the time, the
    # date empty and "noon" left out, the sample's own "at" between them, so the check of a
    # clock time left out beside a part of the day it is not in never saw it. Noon is not at
    # night: no reading, as "3 pm at night" (and "noon at night" in a lone time slot) is none.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("7 pm tonight", "19:00"),
        ("11:30 pm tonight", "23:30"),
        ("2 am tonight", "02:00"),
        ("7 pm evening", "19:00"),
        ("7 pm at night", "19:00"),
        ("7 tonight", "19:00"),
        ("1 pm tonight", None),  # 1 pm is in no night
        ("12 pm tonight", None),
        ("7 am tonight", None),
    ],
)
def test_a_part_of_the_day_said_again_after_am_or_pm_is_read(
    said: str, expected: str | None
) -> None:
    # "7 pm tonight" was no time, where "7 pm at night" is 19:00: "tonight", a time alone
    # (NI), was taken for part of the value "7 pm" and the reading leaving it out dropped as
    # cut short, while "at night" (its "at" a grammar word) was weighed as the same part of the
    # day said again. "tonight" is now weighed so too: 19:00, and no time where it disagrees.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected
    tonight = {"time": "19:00", "date": "2026-11-29"}  # with a date slot, the date's "tonight"
    alarm_reads("set an alarm for 7 pm tonight", tonight)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 1 pm tonight", None),
        ("set an alarm for 4:30 pm tonight", None),
        ("set an alarm for 7 am tonight", None),
        ("set an alarm for 3 pm tomorrow night", None),
        ("set an alarm for tonight at 1 pm", None),
        ("set an alarm for 5 pm tonight", {"time": "17:00", "date": "2026-11-29"}),
        ("set an alarm for 11 pm tomorrow night", {"time": "23:00", "date": "2026-11-30"}),
        ("set an alarm for 2 am tonight", {"time": "02:00", "date": "2026-11-29"}),
        ("set an alarm for 00:30 tonight", {"time": "00:30", "date": "2026-11-29"}),
        ("set an alarm for 1 pm tomorrow", {"time": "13:00", "date": "2026-11-30"}),
    ],
)
def test_a_time_said_with_a_nights_date_is_in_the_night(
    said: str, expected: dict[str, str] | None
) -> None:
    # "1 pm tonight" filled time with 13:00 and date with today: "night" and "tonight" name
    # neither half of the day, so the check of "7 pm tomorrow morning" let any time with "am"
    # or "pm" pass. 1 pm is in no night, as "1 pm at night" (no time) says: the time must be
    # in the night, from five in the evening to five in the morning, as "N at night" is read.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to one in the evening", None),
        ("five to one this evening", None),
        ("zero thirty in the evening", None),
        ("13:00 at night", None),
        ("13:00 in the morning", None),
        ("ten to one in the afternoon", "12:50"),
        ("ten to one at night", "00:50"),
        ("ten to one in the morning", "00:50"),
        ("ten past one in the evening", "13:10"),
        ("19:00 in the evening", "19:00"),
        ("4 at night", "04:00"),
    ],
)
def test_a_time_said_in_a_part_of_the_day_is_in_it(said: str, expected: str | None) -> None:
    # "ten to one in the evening" was 12:50: the minutes were taken off the hour first (00:50)
    # and the evening then moved it twelve hours on, to 12:50, which is in no evening (as "12
    # in the evening" is no time). "13:00 at night" and "13:00 in the morning" were 13:00,
    # read as typed. A time said in a part of the day must be in it.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


def test_an_afternoon_time_on_the_24_hour_clock_said_tonight_is_no_reading() -> None:
    # The time slot read "13:00 tonight" alone as 13:00, the date empty; "13:00" with the
    # date "tonight" is no reading, as "1 pm tonight" is.
    alarm_reads("set an alarm for 13:00 tonight", None)
    alarm_reads("set an alarm for 19:00 tonight", {"time": "19:00", "date": "2026-11-29"})


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("ten sixty six", "AMAZON.TIME", None),
        ("nineteen ninety nine", "AMAZON.TIME", None),
        ("november twenty six", "AMAZON.TIME", None),  # was 06:00, "november twenty" left out
        ("ten sixty six", "AMAZON.FOUR_DIGIT_NUMBER", "1066"),
        ("ten sixty six", "AMAZON.DATE", "1066"),
        ("ten thirty", "AMAZON.TIME", "10:30"),
    ],
)
def test_a_number_cut_short_is_no_time_said_with_a_year(
    said: str, slot_type: str, expected: str | None
) -> None:
    # "ten sixty six" in a time slot was 06:00: "six" read as the time, and "ten sixty" left
    # out as a year (1060) said along with it, as "friday" is with "5 pm". The three words
    # are one number, 1066, no time (its minutes would be 66); the time "six" is cut from it.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "time"),
    [
        ("set an alarm for 12 am tonight", "00:00"),
        ("set an alarm for midnight tonight", "00:00"),
        ("set an alarm for tonight at midnight", "00:00"),
        ("set an alarm for 12:30 am tonight", "00:30"),
        ("set an alarm for 2 am tonight", "02:00"),
        ("set an alarm for 11 pm tonight", "23:00"),
    ],
)
def test_tonight_is_todays_date_whatever_the_time(said: str, time: str) -> None:
    # The date slot holds the day "tonight" names, today, as AMAZON.DATE reads it: midnight
    # "tonight", which starts tomorrow, gets today's date as "2 am tonight" does (companions.py
    # says why). Tomorrow's date for midnight alone would put it a day after "12:30 am tonight".
    alarm_reads(said, {"time": time, "date": "2026-11-29"})


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to one pm", "12:50"),
        ("quarter to one p m", "12:45"),
        ("ten to one am", "00:50"),
        ("five past twelve pm", "12:05"),
        ("ten to two pm", "13:50"),
        ("ten to thirteen pm", None),
    ],
)
def test_minutes_to_one_am_or_pm_are_in_the_hour_before(said: str, expected: str | None) -> None:
    # "ten to one pm" was no time: the minutes taken off the hour gave 00:50, an hour 0 that
    # "am" or "pm" (the 12-hour clock, hours 1 to 12) refused. On that clock it is 12:50, and
    # "ten to one am" 00:50, as "five past twelve pm" is 12:05.
    assert value(said, "AMAZON.TIME") == expected

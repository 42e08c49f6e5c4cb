"""AMAZON.NUMBER, AMAZON.Ordinal and AMAZON.FOUR_DIGIT_NUMBER, and the digit strings of
AMAZON.PhoneNumber and AMAZON.AlphaNumeric: the values Alexa sends for what is said (Amazon's slot
type reference), "oh" among digits, and letters said or typed with them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill.understanding import Understander, language_for
from alexaskill.understanding.languages import supported_locales
from tests.conftest import SKILL_ID
from tests.understanding_shared import NOW, intent_understander, slot, understander, value


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


@pytest.mark.parametrize(("said", "expected"), [("1,000", "1000"), ("12,345,678", "12345678")])
def test_a_typed_number_with_thousands_separators_is_one_number(said: str, expected: str) -> None:
    found = slot(said, "AMAZON.NUMBER")
    assert found is not None
    assert found["value"] == expected


@pytest.mark.parametrize(("said", "expected"), [(".5", "0.5"), ("-.25", "-0.25"), ("3.", "3")])
def test_a_typed_leading_decimal_point_is_kept(said: str, expected: str) -> None:
    # The "." was punctuation: ".5" was heard as 5 (Amazon's reference: "point four two" → 0.42).
    assert value(said, "AMAZON.NUMBER") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [("minus zero", "0"), ("-0", "0"), ("negative zero", "0"), ("minus zero point five", "-0.5")],
)
def test_zero_has_no_sign(said: str, expected: str) -> None:
    # "minus zero" was sent as "-0", a value Alexa never sends for a number.
    assert value(said, "AMAZON.NUMBER") == expected


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
    assert any("counts from the end" in note for note in understood.notes), understood.notes
    assert value("second from the top", "AMAZON.Ordinal") == "2"


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
    notes = understood.notes
    assert any("read without 'oh' would change the value" in note for note in notes), notes
    assert value("um six oh four five", "AMAZON.FOUR_DIGIT_NUMBER") == "6045"
    assert value("five uh five", "AMAZON.NUMBER") == "55"  # a hesitation, no digit


def test_an_oh_inside_an_answer_is_not_dropped_as_a_filler() -> None:
    # Likewise for an answer to Alexa asking for the slot: "one two oh three four" was 1234.
    four_digits = understander("AMAZON.FOUR_DIGIT_NUMBER")
    assert four_digits.answer("one two oh three four", intent="Say", slot="value", now=NOW) is None
    answered = four_digits.answer("um six oh four five", intent="Say", slot="value", now=NOW)
    assert answered is not None
    assert [reading.value for reading in answered.slots] == ["6045"]


def test_an_oh_kept_inside_a_number_with_other_fillers_about() -> None:
    # "um six oh four five please" left every filler out, "oh" too: the number 645.
    assert value("um six oh four five please", "AMAZON.NUMBER") == "6045"
    assert value("um six oh four five please", "AMAZON.FOUR_DIGIT_NUMBER") == "6045"
    # Other fillers inside free-form words are still left out, as before.
    search = understander("AMAZON.SearchQuery").understand("um say thriller uh song", now=NOW)
    assert [reading.value for reading in search.slots] == ["thriller song"]


@pytest.mark.parametrize("said", ["ab12", "12ab"])
def test_letters_typed_together_with_digits_are_part_of_an_alphanumeric_value(said: str) -> None:
    # A loose reading left out the letters written together with the digits: "ab12" filled an
    # AMAZON.AlphaNumeric slot with "12". Letters said one by one are read ("a12", "a b 12").
    assert value(said, "AMAZON.AlphaNumeric") is None
    assert value("a12", "AMAZON.AlphaNumeric") == "a12"
    assert value("a b 12", "AMAZON.AlphaNumeric") == "ab12"


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
    return intent_understander("Say", {"code": code_type, "city": "AMAZON.City"}, samples)


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


@pytest.mark.parametrize(("said", "expected"), [("an", None), ("an hour", None), ("an 12", "12")])
def test_the_word_an_is_no_letter_a_of_an_alphanumeric_value(said: str, expected: Any) -> None:
    # English rewrites "an" to "a" (a sample's "a" matches it), so an AlphaNumeric slot read
    # the word "an" as the letter A: "an" was "a", "an hour" "a" (the hour left out), "an 12"
    # "a12". A letter is one as written.
    assert value(said, "AMAZON.AlphaNumeric") == expected
    assert value("a 12", "AMAZON.AlphaNumeric") == "a12"
    assert value("A B 12", "AMAZON.AlphaNumeric") == "ab12"


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


@pytest.mark.parametrize("said", ["yep 12", "nah 12", "bye 12", "yup 12"])
def test_a_reply_no_built_in_intent_lists_is_no_letters_of_an_alphanumeric_value(said: str) -> None:
    # The reply words were told from a code's letters by the built-in intents' phrasings: once
    # those became only the ones Amazon lists, "yep 12", "nah 12" and "bye 12" filled no value.
    assert value(said, "AMAZON.AlphaNumeric") == "12"


@pytest.mark.parametrize("locale", supported_locales())
def test_every_reply_word_of_every_language_is_no_letters_of_an_alphanumeric_value(
    locale: str,
) -> None:
    # A language's `replies` are read by one check alone, whether a word left out next to an
    # AlphaNumeric value is the code's letters (cut.py's `_code_letters`). That each is a word
    # of 2 to `CODE_LETTERS` letters that check could read, registration refuses a language
    # otherwise (test_understanding_languages); that the check reads each so, said beside a code's
    # digits in its own locale, is asked here: "yep 12" filled no value when it did not.
    alphanumeric = understander("AMAZON.AlphaNumeric", locale=locale)
    for word in sorted(language_for(locale).replies):
        request = alphanumeric.understand(f"say {word} 12", now=NOW).request
        assert request is not None and request["intent"]["name"] == "Say", word
        assert request["intent"]["slots"]["value"]["value"] == "12", word

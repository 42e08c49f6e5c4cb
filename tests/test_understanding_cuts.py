"""Loose readings that would cut a value short or change it (a word left out that changes a
number, a range, a denial, a second value past a grammar word): no value rather than a wrong one,
and the explanation that says which reading was dropped and why."""

from __future__ import annotations

import pytest

from alexaskill.understanding import InteractionModel, Understander
from tests.understanding_shared import (
    NOW,
    filled,
    intent_understander,
    slot,
    understander,
    value,
    values,
)


def test_a_loose_match_does_not_cut_a_number_word_off_a_number() -> None:
    # Read loosely, "nineteen" was an extra word and the slot 99: a wrong value, given quietly.
    assert slot("nineteen ninety nine", "AMAZON.NUMBER") is None


@pytest.mark.parametrize("said", ["one hundred thousand million", "five thousand thousand"])
def test_a_scale_word_left_out_of_a_number_is_no_smaller_number(said: str) -> None:
    # Loose matching read "one hundred thousand" and dropped "million": 100000 for a number a
    # million times larger. A number the words do not make is no match at all.
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("one hundred thousand", "AMAZON.NUMBER") == "100000"


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
        # A time said with a date changes nothing in the date (a time said with a date to a
        # lone time slot: test_a_date_said_with_a_time_is_no_lone_time_slots).
        ("5 pm friday", "AMAZON.DATE", "2026-12-04"),
        ("the year 2000", "AMAZON.DATE", "2000"),
    ],
)
def test_values_said_whole_still_fill_their_slot(said: str, slot_type: str, expected: str) -> None:
    assert value(said, slot_type) == expected


@pytest.mark.parametrize("said", ["3 pm tomorrow", "noon tomorrow"])
def test_a_date_said_with_a_time_is_no_lone_time_slots(said: str) -> None:
    # These filled the one AMAZON.TIME slot (15:00, 12:00), "tomorrow" left out: the time
    # alone is another day's. No slot holds the date: no reading (the date slot of an intent
    # that has one takes it: test_a_loose_reading_keeps_the_sample_word_a_value_could_take).
    assert slot(said, "AMAZON.TIME") is None


@pytest.mark.parametrize("said", ["twenty first", "one hundred first"])
def test_an_ordinal_said_is_no_number_short_of_its_last_word(said: str) -> None:
    # Loose matching may leave out no number or ordinal word beside a typed value (the matcher's
    # `_counts`): read as a number, "twenty first" was 20 with "first" dropped. No test held
    # that part of the check (it could go with every test passing).
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("twenty one", "AMAZON.NUMBER") == "21"


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
    assert filled(understood) == {"number": "5"}
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


@pytest.mark.parametrize("said", ["¼ past 5", "1/4 past 5", "2/3 past 5"])
def test_a_time_word_that_dates_share_does_not_end_the_cut_check(said: str) -> None:
    # "past" is a word of dates too ("the past week"): the cut check stopped there, so "past 5"
    # read as "5" (05:00) with the quarter dropped.
    assert slot(said, "AMAZON.TIME") is None
    assert value("quarter past 5", "AMAZON.TIME") == "05:15"


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


@pytest.mark.parametrize("said", ["ten k", "10k", "five grand"])
def test_a_number_with_a_thousands_word_fills_no_number_slot(said: str) -> None:
    # "k" was left out: "ten k" was 10, a thousandth of what was said. No value, as for "two
    # dozen"; "ten percent" is still ten (of something), and "10k" still an AlphaNumeric.
    assert slot(said, "AMAZON.NUMBER") is None
    assert value("ten percent", "AMAZON.NUMBER") == "10"
    assert value("10k", "AMAZON.AlphaNumeric") == "10k"


@pytest.mark.parametrize("said", ["next friday the 13th", "next monday the 7th"])
def test_a_second_date_said_after_a_grammar_word_voids_the_date(said: str) -> None:
    # The cut check stopped at "the": "next friday the 13th" was 2026-12-04, a friday that is
    # no 13th. Which day was meant is unknown. ("friday the 13th" alone is a date now: the
    # reading dropped is then that date without "next".)
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    notes = understood.notes
    assert any(f"{said!r} read as" in note and "would leave out" in note for note in notes), notes
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
    ("said", "slot_type"), [("5 then 6", "AMAZON.NUMBER"), ("friday then saturday", "AMAZON.DATE")]
)
def test_two_values_said_one_then_the_other_are_no_one_value(said: str, slot_type: str) -> None:
    # A loose reading took the second value alone: "5 then 6" filled a number slot with 6.
    assert value(said, slot_type) is None
    assert value("5 then stop", "AMAZON.NUMBER") == "5"  # "then" and no value: read past it


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
    assert any(note.endswith("would leave out 'and')") for note in understood.notes)
    assert value("an hour and a half", "AMAZON.DURATION") == "PT1H30M"
    assert value("5 and", "AMAZON.NUMBER") == "5"  # no number goes on "five and"
    assert value("250 and", "AMAZON.NUMBER") == "250"  # "two hundred and fifty" is said whole


def order_understander() -> Understander:
    """An intent with a ``count`` number slot, then an ``item`` of a custom type (pizza, km)."""
    slots = {"count": "AMAZON.NUMBER", "item": "Item"}
    items = [{"name": {"value": "pizza"}}, {"name": {"value": "km"}}]
    return intent_understander(
        "Order",
        slots,
        ["give me {count} {item}", "give me {count}"],
        types=[{"name": "Item", "values": items}],
    )


@pytest.mark.parametrize(
    "said", ["give me 5k", "give me 10k pizza", "give me five k", "give me 5 grand"]
)
def test_a_word_changing_a_number_is_no_other_slots_value(said: str) -> None:
    # "give me 5k" filled count with 5 and the custom slot with "k" (an unlisted value): the
    # number was split from the word that makes it five thousand (or a 5 km run). No slot
    # takes part of it: the count is not 5 (here the utterance reads as no sample).
    understood = order_understander().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert any("would leave out" in note for note in understood.notes), understood.notes
    listed = order_understander().understand("give me 5km", now=NOW)  # a value of the type
    assert filled(listed) == {"count": "5", "item": "km"}
    plain = order_understander().understand("give me 5 large", now=NOW)  # another word
    assert filled(plain) == {"count": "5", "item": "large"}


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
    assert f"no sample is close enough (a reading was dropped: {note})" in understood.notes


def test_a_loose_reading_keeps_the_sample_word_a_value_could_take() -> None:
    # "wake me up at 6 30 tomorrow" (no sample has the date after the time) was read with the
    # time slot taking "at 6 30" and the explanation saying the sample's "at" was not said.
    wake = intent_understander(
        "Wake", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, ["wake me up at {time}"]
    )
    understood = wake.understand("wake me up at 6 30 tomorrow", now=NOW)
    assert {name: fill.words for name, fill in understood.fills.items()} == {
        "time": "6 30",
        "date": "tomorrow",
    }
    assert not any(note.startswith("sample words not said") for note in understood.notes)
    assert understood.fills["time"].value == "06:30"


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
    assert filled(eggs) == {"item": "a dozen eggs"}


@pytest.mark.parametrize("said", ["give me a couple pizzas", "give me a couple pizza please"])
def test_a_couple_left_out_beside_an_empty_number_slot_is_no_reading(said: str) -> None:
    # "give me a couple pizzas" was the item pizzas, "a couple" left out as words not in the
    # sample and the count empty: the user said how many, and no slot had it. As with "a
    # dozen", it is no reading ("a couple" makes no number AMAZON.NUMBER reads).
    understood = order_understander().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    # The slot is named as the model names it, not by its type (which two slots may share).
    couple = [note for note in understood.notes if "'couple' makes no number it reads" in note]
    assert couple and all("the count slot empty" in note for note in couple), understood.notes
    for whole, item in [("give me a couple", "a couple"), ("give me couple", "couple")]:
        alone = order_understander().understand(whole, now=NOW)  # nothing left out
        assert filled(alone) == {"item": item}
    two = order_understander().understand("give me 2 pizza for the couple", now=NOW)
    assert two.fills["count"].value == "2"

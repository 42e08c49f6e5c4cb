"""Words of any kind (AMAZON.SearchQuery, a first name) said with a number, a date or an "or":
a choice or a number inside them stays in the words, and cuts no value off them."""

from __future__ import annotations

import pytest

from alexaskill.understanding import Understander
from tests.understanding_shared import NOW, filled, intent_understander


@pytest.mark.parametrize(
    "said", ["book 2 or friday", "book friday or 2", "book 2 people or friday"]
)
@pytest.mark.parametrize(
    "samples",
    [["book {number} {date}"], ["book {number}", "book {date}", "book {number} {date}"]],
)
def test_a_choice_of_a_number_or_a_date_is_no_two_slots(said: str, samples: list[str]) -> None:
    # "book 2 or friday" filled the number 2 and the date Friday, "or" left out ("book friday
    # or 2" the number 2, "friday or" left out): the user offered a choice between two,
    # neither of them both. No reading, as "2 or 3" and "tonight or friday" are. ("book 2 for
    # friday", "book 2 friday" and "book 2 and friday", no choice, still fill both.)
    slots = {"number": "AMAZON.NUMBER", "date": "AMAZON.DATE"}
    tables = intent_understander("Book", slots, samples, invocation_name="tables")
    understood = tables.understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    for kept in ("book 2 for friday", "book 2 friday", "book 2 and friday"):
        found = tables.understand(kept, now=NOW)
        assert filled(found) == {
            "number": "2",
            "date": "2026-12-04",
        }


def _errands(text_type: str, samples: list[str]) -> Understander:
    """An intent with a free-form ``text`` slot (of ``text_type``), a date and a time."""
    slots = {"text": text_type, "date": "AMAZON.DATE", "time": "AMAZON.TIME"}
    return intent_understander("Errand", slots, samples, invocation_name="errands")


@pytest.mark.parametrize(
    ("samples", "said", "expected", "text_type"),
    [
        (
            ["remind me to {text} {date}", "remind me to {text} at {time}"],
            "remind me to pay 2 or 3 bills friday",
            {"text": "pay 2 or 3 bills", "date": "2026-12-04"},
            "AMAZON.SearchQuery",
        ),
        (
            ["buy {text}", "buy {text} {date}", "buy {text} at {time}"],
            "buy milk or 2 eggs",
            {"text": "milk or 2 eggs"},
            "AMAZON.SearchQuery",
        ),
        (
            ["call {text}", "call {text} {date}"],
            "call mom or friday",
            {"text": "mom", "date": "2026-12-04"},
            "AMAZON.SearchQuery",
        ),
        (
            ["call {text}", "call {text} {date}"],
            "call mom or friday",
            {"text": "mom", "date": "2026-12-04"},
            "AMAZON.FirstName",
        ),
    ],
)
def test_an_or_inside_free_words_keeps_its_choice_in_them(
    samples: list[str], said: str, expected: dict[str, str], text_type: str
) -> None:
    # "pay 2 or 3 bills friday" was no reading ("'2 or 3' is more than one value": the task
    # "pay 2 or" had its "3" split off as a time); "milk or 2 eggs" filled the item "milk or"
    # and the time 02:00, "eggs" left out; "mom or friday" the name "mom or". A free-form value
    # never ends (nor starts) with "or" (`Language.alternatives`): the choice the user says
    # ("2 or 3 bills", "milk or 2 eggs") is the text's, numbers and all. After a name, "or
    # friday" offers no other name: "friday" is the date, the "or" a word left out. (A choice of
    # two typed values, "book 2 or friday", is still no reading: tests above.)
    understood = _errands(text_type, samples).understand(said, now=NOW)
    assert understood.intent == "Errand", understood.notes
    assert {name: fill.value or fill.words for name, fill in understood.fills.items()} == expected


_REMINDERS = ["remind me to {text} {date}", "remind me to {text} at {time}"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("remind me to pay 2 bills friday", {"text": "pay 2 bills", "date": "2026-12-04"}),
        ("remind me to buy 2 tickets tomorrow", {"text": "buy 2 tickets", "date": "2026-11-30"}),
        ("remind me to feed 2 cats tomorrow", {"text": "feed 2 cats", "date": "2026-11-30"}),
        ("remind me to buy 3 apples", {"text": "buy 3 apples"}),
        ("remind me to read 3 chapters", {"text": "read 3 chapters"}),
        # Unchanged: a number that ends the free words is still the time; a time said along
        # with the date is still read.
        ("remind me to pay bills friday", {"text": "pay bills", "date": "2026-12-04"}),
        ("remind me to buy apples at 3", {"text": "buy apples", "time": "03:00"}),
        ("remind me to pay 2 bills at 5 pm", {"text": "pay 2 bills", "time": "17:00"}),
        ("remind me to water plants 7 am", {"text": "water plants", "time": "07:00"}),
        (
            "remind me to call mom friday at 5 pm",
            {"text": "call mom", "date": "2026-12-04", "time": "17:00"},
        ),
        (
            "remind me to call mom tomorrow at 5",
            {"text": "call mom", "date": "2026-11-30", "time": "05:00"},
        ),
    ],
)
def test_a_number_inside_free_words_is_no_time_that_drops_the_words_after_it(
    said: str, expected: dict[str, str]
) -> None:
    # "pay 2 bills friday" was the task "pay", the time 02:00 and the date, "bills" dropped: the
    # task's "2" was split off as a time, though the sample read every word as said ("pay 2
    # bills" and friday). "buy 3 apples" was read loosely as "... at {time}" the same way. A
    # reading that drops words said never beats one that uses them all.
    understood = _errands("AMAZON.SearchQuery", _REMINDERS).understand(said, now=NOW)
    assert understood.intent == "Errand", understood.notes
    assert {name: fill.value or fill.words for name, fill in understood.fills.items()} == expected


@pytest.mark.parametrize("name_type", ["AMAZON.SearchQuery", "AMAZON.FirstName"])
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("call room 2 or friday", {"name": "room 2", "date": "2026-12-04"}),
        ("call room 2 on friday", {"name": "room 2", "date": "2026-12-04"}),  # as before
        ("call mom or friday", {"name": "mom", "date": "2026-12-04"}),  # as before
        ("call the 2nd or friday", None),  # two days: a choice, as before
        ("call mom december 2 or friday", None),
    ],
)
def test_a_number_ending_a_name_is_no_date_offered_as_a_choice(
    said: str, expected: dict[str, str] | None, name_type: str
) -> None:
    # "call room 2 or friday" (sample "call {name} on {date}", "or" said for "on") was no
    # reading: "'2 or friday' read as 'friday' would leave out '2 or'", the "2" of the name taken
    # for a date offered beside friday, though "2" alone is no date. It is the name's, as "mom"
    # of "call mom or friday" is. Words before "or" that are a date ("the 2nd", "december 2")
    # still make a choice of two days: no reading.
    slots = {"name": name_type, "date": "AMAZON.DATE"}
    calls = intent_understander("Call", slots, ["call {name}", "call {name} on {date}"])
    understood = calls.understand(said, now=NOW)
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.fills
        return
    assert understood.intent == "Call", understood.notes
    assert {name: fill.value or fill.words for name, fill in understood.fills.items()} == expected


@pytest.mark.parametrize("thanks", ["thank you", "thanks a lot"])
def test_a_search_query_full_to_its_words_keeps_no_half_of_its_thanks(thanks: str) -> None:
    # "find" and 29 words and "thank you" was the query "... thank", "you" left out as a
    # grammar word: thanks cut in two, a query neither as said nor without its thanks. The
    # reading is dropped, saying why, as one of 31 words is; thanks the query holds whole stay.
    slots = {"query": "AMAZON.SearchQuery"}
    finder = intent_understander("Find", slots, ["find {query}"], invocation_name="finder")
    said = " ".join(["love"] * 29)
    understood = finder.understand(f"find {said} {thanks}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    why = "is more words than AMAZON.SearchQuery takes (30))"
    assert any(note.endswith(why) for note in understood.notes), understood.notes
    assert filled(finder.understand(f"find {said} thanks", now=NOW)) == {"query": f"{said} thanks"}

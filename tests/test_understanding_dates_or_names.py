"""A date or a first name: "call may" is a person where the sample reads a name, "call tomorrow"
a date where the intent reads one; numbers and conjunctions are no first name."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.understanding import Understander
from tests.understanding_shared import NOW, intent_understander, understander_of


def _caller(samples: dict[str, list[str]]) -> Understander:
    """Intents of ``samples`` (name → its samples) with a ``name`` (AMAZON.FirstName) and a
    ``date`` slot each."""
    slots = [{"name": "name", "type": "AMAZON.FirstName"}, {"name": "date", "type": "AMAZON.DATE"}]
    intents: list[dict[str, Any]] = [
        {"name": name, "slots": slots, "samples": texts} for name, texts in samples.items()
    ]
    intents.append({"name": "AMAZON.FallbackIntent", "samples": []})
    return understander_of({"invocationName": "phone book", "intents": intents})


@pytest.mark.parametrize(
    ("said", "intent", "expected"),
    [
        ("call may", "Call", {"name": "may"}),
        ("call june", "Call", {"name": "june"}),
        ("call may tomorrow", "Call", {"name": "may", "date": "2026-11-30"}),
        ("call may on friday", "Call", {"name": "may", "date": "2026-12-04"}),
        ("call in may", "Plan", {"date": "2027-05"}),
    ],
)
def test_call_may_fills_a_person_name(said: str, intent: str, expected: dict[str, str]) -> None:
    # The documented choice (README, `Language.homonym_cues`): the object of "call" is a
    # person, the reading Amazon's AMAZON.DATE would least likely take of "call may" a month,
    # even where another intent's sample "call {date}" reads the month; "in may" is the month.
    samples = {"Call": ["call {name}", "call {name} {date}"], "Plan": ["call {date}"]}
    understood = _caller(samples).understand(said, now=NOW)
    assert understood.intent == intent
    assert {slot.name: slot.value for slot in understood.slots} == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("call in may", {"date": "2027-05"}),
        ("call on friday", {"date": "2026-12-04"}),
        ("call by friday", {"date": "2026-12-04"}),
        ("call anna in may", {"name": "anna", "date": "2027-05"}),
        ("call may on friday", {"name": "may", "date": "2026-12-04"}),
    ],
)
def test_a_carrier_alone_is_no_name(said: str, expected: dict[str, str]) -> None:
    # With no other intent's "call {date}", "call in may" filled the name "in" and the date
    # May ("call {name} {date}" read exactly): a preposition said before a value is that
    # value's carrier, no name. The call intent, the name left empty (for the dialog to ask).
    samples = {"Call": ["call {name}", "call {name} {date}"]}
    understood = _caller(samples).understand(said, now=NOW)
    assert understood.intent == "Call"
    assert {slot.name: slot.value for slot in understood.slots} == expected


@pytest.mark.parametrize("name_type", ["AMAZON.FirstName", "AMAZON.US_FIRST_NAME"])
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("call tomorrow", {"date": "2026-11-30"}),
        ("call friday", {"date": "2026-12-04"}),
        ("call to may", {"date": "2027-05"}),
        ("call to friday", {"date": "2026-12-04"}),
        # Still names: a month that is a name too, said as the object of "call" (above).
        ("call may", {"name": "may"}),
        ("call mary tomorrow", {"name": "mary", "date": "2026-11-30"}),
    ],
)
def test_a_date_is_no_name_where_the_intent_reads_a_date(
    said: str, expected: dict[str, str], name_type: str
) -> None:
    # "call tomorrow" filled the name "tomorrow", and "call to may" the name "to" (with the date
    # May): the name slot takes any words. Where a sample of the intent places a date slot, a
    # day, or a date after "to", is what the user means, no person: the date, the name left
    # empty (for a dialog to ask), as "call in may" is. "may" right after "call" stays a name
    # (`Language.homonym_cues`), and an intent with no date in its samples keeps the name.
    slots = [{"name": "name", "type": name_type}, {"name": "date", "type": "AMAZON.DATE"}]
    intents: list[dict[str, Any]] = [
        {"name": "Call", "slots": slots, "samples": ["call {name}", "call {name} {date}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    language_model = {"invocationName": "phone book", "intents": intents}
    understood = understander_of(language_model).understand(said, now=NOW)
    assert understood.intent == "Call"
    assert {slot.name: slot.value for slot in understood.slots} == expected
    if said in ("call tomorrow", "call friday"):  # the day, to an intent of names alone
        intents[0]["samples"] = ["call {name}"]
        alone = understander_of(language_model).understand(said, now=NOW)
        assert [slot.name for slot in alone.slots] == ["name"]


@pytest.mark.parametrize("name_type", ["AMAZON.FirstName", "AMAZON.US_FIRST_NAME"])
@pytest.mark.parametrize(
    "said",
    ["call room 2 or 3 friday", "call 2 or 3 friday", "call two and three friday"],
)
def test_numbers_and_conjunctions_are_no_first_name(said: str, name_type: str) -> None:
    # "call room 2 or 3 friday" filled the name "2 or 3" ("room" left out: a first name is 3
    # words at most). Numbers joined by "or" or "and" are no person's first name, however the
    # samples place them: no reading fills the name with them, and none that leaves the numbers
    # out beside the date (`cut`) is better: the fallback intent.
    slots = [{"name": "name", "type": name_type}, {"name": "date", "type": "AMAZON.DATE"}]
    intents: list[dict[str, Any]] = [
        {"name": "Call", "slots": slots, "samples": ["call {name}", "call {name} on {date}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    language_model = {"invocationName": "phone book", "intents": intents}
    understood = understander_of(language_model).understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    # A name with a word of its own stays one, numbers and all (as before).
    room = understander_of(language_model).understand("call room 2 friday", now=NOW)
    assert {slot.name: slot.value for slot in room.slots} == {
        "name": "room 2",
        "date": "2026-12-04",
    }


@pytest.mark.parametrize("name_type", ["AMAZON.FirstName", "AMAZON.US_FIRST_NAME"])
@pytest.mark.parametrize("sample", ["call {name} {date}", "call {name} on {date}"])
@pytest.mark.parametrize("said", ["call and three friday", "call or tom friday"])
def test_a_first_name_does_not_start_with_a_conjunction(
    said: str, sample: str, name_type: str
) -> None:
    # "call and three friday" filled the first name "and three friday" (with "call {name}"
    # beside the sample with a date). No name starts with "and" or "or": no reading fills one so.
    slots = [{"name": "name", "type": name_type}, {"name": "date", "type": "AMAZON.DATE"}]
    intents: list[dict[str, Any]] = [
        {"name": "Call", "slots": slots, "samples": ["call {name}", sample]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    language_model = {"invocationName": "phone book", "intents": intents}
    understood = understander_of(language_model).understand(said, now=NOW)
    names = [(slot.value or "").split() for slot in understood.slots if slot.name == "name"]
    assert not any(words[:1] in (["and"], ["or"]) for words in names), understood.fills


def test_a_custom_type_named_like_a_first_name_keeps_its_values() -> None:
    # Only Amazon's built-in first-name types (AMAZON.FirstName, AMAZON.*_FIRST_NAME) hold
    # people; a skill's own PET_FIRST_NAME with the value "tomorrow" means that value, no date.
    pets = {
        "name": "PET_FIRST_NAME",
        "values": [{"name": {"value": v}} for v in ("tomorrow", "rex")],
    }
    slots = [{"name": "name", "type": "PET_FIRST_NAME"}, {"name": "date", "type": "AMAZON.DATE"}]
    intents: list[dict[str, Any]] = [
        {"name": "Call", "slots": slots, "samples": ["call {name}", "call {name} {date}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    language_model = {"invocationName": "phone book", "intents": intents, "types": [pets]}
    understood = understander_of(language_model).understand("call tomorrow", now=NOW)
    assert understood.intent == "Call"
    assert {slot.name: slot.value for slot in understood.slots} == {"name": "tomorrow"}


@pytest.mark.parametrize("said", ["book friday and 2", "book tomorrow and 2"])
def test_a_day_said_where_a_name_goes_is_the_date_of_a_booking(said: str) -> None:
    # "book friday and 2" filled the name "friday" and the number 2 ("book {name} and {number}"
    # read exactly), though the intent's other sample reads "friday" as its date: a day is no
    # person. The date and the number, the name left empty: what "book {date} and {number}"
    # would give, as a person who heard it would take it.
    slots = {"name": "AMAZON.FirstName", "date": "AMAZON.DATE", "number": "AMAZON.NUMBER"}
    samples = ["book {name} and {number}", "book {date}"]
    bookings = intent_understander("Book", slots, samples, invocation_name="bookings")
    understood = bookings.understand(said, now=NOW)
    day = "2026-12-04" if "friday" in said else "2026-11-30"
    assert {slot.name: slot.value for slot in understood.slots} == {"date": day, "number": "2"}
    mary = bookings.understand("book mary and 2", now=NOW)
    assert {slot.name: slot.value for slot in mary.slots} == {"name": "mary", "number": "2"}

"""A dialog answer saying the user does not know the value ("no idea", `Language.dont_knows`)
with more words: a hedge said with it ("honestly no idea"), and a value said after it and a
pause ("no idea, paris"), which is that value, whatever kind of slot was asked for; a hedge
said before a value ("maybe paris"), and both said so in a request ("plan a trip to maybe
paris"). Said alone, or with thanks after it, it fills nothing (read as a request too), unless
the slot's type takes it as said (a search query, a custom value)."""

from __future__ import annotations

import pytest

from .dialog_shared import NOW, trip_confirming_city
from .understanding_shared import answered_city, bare_trips

_TYPES = ["AMAZON.City", "AMAZON.FirstName", "Cities"]


@pytest.mark.parametrize("city_type", _TYPES)
@pytest.mark.parametrize(
    "said", ["honestly no idea", "honestly, no idea", "i really do not know", "sorry, not sure"]
)
def test_a_dont_know_said_with_a_hedge_fills_nothing(city_type: str, said: str) -> None:
    # "honestly no idea" was the city "honestly no idea": a word said with the phrase (no
    # filler) made it words of any kind, as an unknown word does.
    assert answered_city(city_type, said) is None


@pytest.mark.parametrize("city_type", _TYPES)
@pytest.mark.parametrize(
    "said",
    [
        "no idea, paris",
        "no idea, maybe paris",
        "not sure, paris",
        "i do not know, paris",
        "honestly no idea, um, paris",
    ],
)
def test_a_value_said_after_a_dont_know_and_a_pause_is_that_value(
    city_type: str, said: str
) -> None:
    # "no idea, maybe paris" was the city "no idea maybe paris" for AMAZON.City but "paris" for
    # a custom type; "not sure, paris" the custom city "not sure paris" and no AMAZON.City (its
    # "not" a denial); "i do not know, paris" no city at all. The don't-know said first is no
    # part of the answer (nor a hedge after it): the words after the pause are, read alone.
    assert answered_city(city_type, said) == "paris"


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a type listing the don't-know reads it as its value (the words after it
        # left out), a search query keeps its words, and a don't-know said last takes back
        # the value before it.
        ("Unsure", "not sure, paris", "not sure"),
        ("AMAZON.SearchQuery", "no idea, paris", "no idea paris"),
        ("AMAZON.City", "paris, no idea", None),
        ("AMAZON.City", "no idea, paris, no idea", None),
        ("AMAZON.City", "no idea, thanks", None),
    ],
)
def test_a_dont_know_before_other_words_is_left_out_only_of_a_value(
    city_type: str, said: str, city: str | None
) -> None:
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize(
    ("city_type", "said"),
    [
        ("AMAZON.City", "no idea, paris"),
        ("AMAZON.City", "maybe paris"),
        ("AMAZON.City", "no idea, maybe paris"),
        ("AMAZON.FirstName", "no idea, paris"),
        ("AMAZON.FirstName", "maybe paris"),
        # Four words, over a first name's three: the reading left "no" out before the value,
        # so that the don't-know was never seen whole (the first name "idea maybe paris").
        ("AMAZON.FirstName", "no idea, maybe paris"),
    ],
)
def test_a_request_leaves_out_a_dont_know_or_a_hedge_before_a_name_as_an_answer_does(
    city_type: str, said: str
) -> None:
    # "plan a trip to no idea, paris" was the city "no idea paris" and "plan a trip to maybe
    # paris" "maybe paris", where the answers are paris: words said before a name's value that
    # are no part of it are left out of both (noted).
    assert answered_city(city_type, said) == "paris"
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert (understood.intent, {n: f.value for n, f in understood.fills.items()}) == (
        "PlanTrip",
        {"city": "paris"},
    )
    assert any(note.endswith(" left out") for note in understood.notes), understood.notes


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # A hedge said first is no part of the value, to every type: "maybe paris" was the
        # AMAZON.City and AMAZON.FirstName "maybe paris", a custom type's "paris".
        ("AMAZON.City", "maybe paris", "paris"),
        ("AMAZON.FirstName", "perhaps paris", "paris"),
        ("AMAZON.City", "probably new york", "new york"),
        ("Cities", "maybe paris", "paris"),
        # Unchanged: said alone, it is the value heard (as a lone "never" is), a type listing
        # it keeps it, and a search query keeps its words.
        ("AMAZON.City", "maybe", "maybe"),
        ("Unsure", "maybe", "maybe"),
        ("AMAZON.SearchQuery", "maybe paris", "maybe paris"),
    ],
)
def test_a_hedge_said_before_an_answers_value_is_left_out(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize(
    "said",
    [
        *("i do not know, no idea", "no idea", "not sure", "i'm not sure", "um, dunno"),
        *("paris, no idea", "no idea, thank you", "not sure thanks"),
    ],
)
def test_a_dialog_answer_saying_the_user_does_not_know_fills_nothing(
    city_type: str, said: str
) -> None:
    # Asked for a city, "i do not know, no idea" was the city "idea" (the no after the pause a
    # correction), and "no idea" the city "no idea": words of any kind took them. Said last,
    # after a pause, it takes back the value before it, as a no does: "paris, no idea" was "idea".
    # Thanks after it are no part of it: "no idea, thank you" was that custom city.
    assert answered_city(city_type, said) is None


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a search query keeps its words, and a value the type lists is the value.
        ("AMAZON.SearchQuery", "no idea", "no idea"),
        ("Unsure", "not sure", "not sure"),
        ("Unsure", "not sure, thanks", "not sure"),
    ],
)
def test_a_dont_know_the_slot_takes_as_said_is_its_value(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
def test_a_dont_know_read_as_a_request_fills_no_slot_asked_for(city_type: str) -> None:
    # Asked "Where to?", "no idea" is no answer; read as a request, PlanTrip's "{city}" then
    # started the intent again with the city "no idea" (asked "no idea, right?").
    skill, talk = trip_confirming_city(city_type, samples=("plan a trip to {city}", "{city}"))
    talk.say("plan a trip")
    turn = talk.say("no idea")
    assert turn.understood is not None and turn.understood.intent == "AMAZON.FallbackIntent"
    assert skill.last["intent"]["name"] == "AMAZON.FallbackIntent"

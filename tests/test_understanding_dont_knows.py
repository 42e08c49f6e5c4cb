"""A dialog answer saying the user does not know the value ("no idea", `Language.dont_knows`)
with more words: a hedge said with it ("honestly no idea"), and a value said after it and a
pause ("no idea, paris"), which is that value, whatever kind of slot was asked for."""

from __future__ import annotations

import pytest

from .understanding_shared import answered_city

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

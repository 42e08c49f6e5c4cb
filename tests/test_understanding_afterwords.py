"""Words said after a value that are no part of it: a hedge said last ("paris, maybe")."""

from __future__ import annotations

import pytest

from .understanding_shared import answered_city

_NAMES = ["AMAZON.City", "AMAZON.FirstName"]


@pytest.mark.parametrize("city_type", [*_NAMES, "Cities"])
@pytest.mark.parametrize("said", ["paris, maybe", "paris maybe", "paris, perhaps, thanks"])
def test_a_hedge_said_last_is_no_part_of_an_answers_value(city_type: str, said: str) -> None:
    # "paris, maybe" was the AMAZON.City "paris maybe" but the custom type's "paris" (and
    # "paris maybe" the custom "paris maybe": a word making it another name): a hedge said last
    # is no part of a value, as one said first ("maybe paris") is not, whatever the type.
    assert answered_city(city_type, said) == "paris"


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a hedge alone is the value heard, a search query keeps its words, and a
        # hedge said before other words is left out as said first ("no idea, maybe paris").
        ("AMAZON.City", "maybe", "maybe"),
        ("AMAZON.SearchQuery", "paris, maybe", "paris maybe"),
        ("AMAZON.City", "no idea, maybe paris", "paris"),
        ("AMAZON.FirstName", "no idea, maybe paris", "paris"),
    ],
)
def test_a_hedge_that_is_not_said_last_after_a_value_stays(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city

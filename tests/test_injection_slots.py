"""Slot parameters where a request's handler has already answered: after-request hooks."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

import pytest

from alexaskill import Response, Skill, Slot, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


def _skill(booked: list[str]) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Book", slots={"city": "AMAZON.City", "count": "AMAZON.NUMBER"})
    def book(city: str, count: int | None = None) -> Response:
        booked.append(city)
        return speak(f"Booked {city}.")

    return skill


def _count_as_int(response: Response, count: int) -> None:
    pass


def _count_as_slot(response: Response, count: Slot) -> None:
    pass


@pytest.mark.parametrize("hook", [_count_as_int, _count_as_slot])
def test_an_after_request_hook_may_not_require_a_slot(hook: Callable[..., None]) -> None:
    # It runs once the handler has answered (and booked): a SlotError there threw the reply
    # away and asked the user again, whose answer ran the handler, and booked, a second time.
    skill = _skill([])
    with pytest.raises(ConfigurationError) as raised:
        skill.add_after_request(hook, intents=["Book"])
    message = str(raised.value)
    assert hook.__name__ in message
    assert "slot parameter 'count' is required" in message
    assert "after-request hook" in message and "default" in message


def test_an_after_request_hook_takes_an_optional_slot_and_the_reply_stands() -> None:
    booked: list[str] = []
    counts: list[int | None] = []
    skill = _skill(booked)

    def count_bookings(response: Response, count: int | None = None) -> None:
        counts.append(count)

    skill.add_after_request(count_bookings, intents=["Book"])
    with TestClient(skill) as client:
        assert client.intent("Book", city="Paris", count="x").speech == "Booked Paris."
        assert client.intent("Book", city="Rome", count="2").speech == "Booked Rome."
    assert booked == ["Paris", "Rome"]
    assert counts == [None, 2]


class Drink(enum.Enum):
    TEA = "tea"
    COFFEE = "coffee"


def test_a_one_value_parameter_given_several_values_says_it_took_the_first(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A multiple-value slot (the model's multipleValues) fed to `food: str` gave "ham" alone and
    # dropped "eggs" without a word.
    skill = Skill(DEFAULT_SKILL_ID)
    taken: list[object] = []

    @skill.intent("Order")
    def order(food: str, drink: Drink | None = None, sides: list[str] | None = None) -> Response:
        taken.append((food, drink, sides))
        return speak("Ordered.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.intent("Order", food=["ham", "eggs"], drink=["tea", "coffee"], sides=["a", "b"])
        said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        caplog.clear()
        client.intent("Order", food=["ham"], drink="tea", sides=["a"])
        client.intent("Order", food="ham")
        assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
    assert taken[0] == ("ham", Drink.TEA, ["a", "b"])
    assert len(said) == 2
    assert (
        "parameter 'food' takes one value, so it got the first of the 2 values of the " in (said[0])
    )
    assert "multiple-value slot food and the others were dropped; annotate it list" in said[0]
    assert "order" in said[0].partition(":")[0]
    assert "parameter 'drink' takes one value" in said[1]


def test_a_mutable_default_is_each_calls_own() -> None:
    # `toppings: list[str] = []` (a list slot's default is a list) was the one list of every
    # call: a handler that appended to it answered the next user with the last one's toppings.
    skill = Skill(DEFAULT_SKILL_ID)
    defaults: list[object] = []

    @skill.intent("Order", slots={"toppings": "AMAZON.Food"})
    def order(  # type: ignore[no-untyped-def]
        toppings: list[str] = [],  # noqa: B006
        notes={},  # noqa: B006
    ) -> Response:
        defaults.extend((toppings, notes))
        toppings.append("cheese")
        notes["seen"] = notes.get("seen", 0) + 1
        return speak(f"{', '.join(toppings)}; {notes['seen']}")

    with TestClient(skill) as client:
        assert client.intent("Order").speech == "cheese; 1"
        assert client.intent("Order").speech == "cheese; 1"  # not "cheese, cheese; 2"
        assert client.intent("Order", toppings=["ham"]).speech == "ham, cheese; 1"
    assert order.__defaults__ == ([], {})  # the function's own, untouched
    assert defaults[0] is not defaults[2]

"""AMAZON.DURATION: the ISO 8601 durations Alexa sends for what is said (Amazon's slot type
reference), "and a quarter", and "fortnight" in the locales that say it."""

from __future__ import annotations

import pytest

from alexaskill.slots import AlexaDuration
from tests.understanding_shared import value


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

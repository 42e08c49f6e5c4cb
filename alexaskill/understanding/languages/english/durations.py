"""English durations, resolved to the ISO 8601 strings Alexa sends for AMAZON.DURATION.

Amazon's slot type reference ("AMAZON.DURATION"): "PnYnMnDTnHnMnS" ("PT10M", "P2Y"); weeks alone
are "PnW". Amounts are kept as said ("ninety minutes" is "PT90M"); a half or a quarter goes down
a unit ("an hour and a half" is "PT1H30M", "an hour and a quarter" "PT1H15M").
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Final

from ....slots import AlexaDuration
from .numbers import number

__all__ = ["UNITS", "duration"]


UNITS: Final = {
    "second": "S",
    "seconds": "S",
    "sec": "S",
    "secs": "S",
    "minute": "MIN",
    "minutes": "MIN",
    "min": "MIN",
    "mins": "MIN",
    "hour": "H",
    "hours": "H",
    "hr": "H",
    "hrs": "H",
    "day": "D",
    "days": "D",
    "week": "W",
    "weeks": "W",
    "fortnight": "F",
    "fortnights": "F",
    "month": "MON",
    "months": "MON",
    "year": "Y",
    "years": "Y",
    "decade": "DEC",
    "decades": "DEC",
}
# Halves go down to the next unit: half a year is six months, half an hour thirty minutes.
_DOWN: Final = {
    "Y": ("MON", 12),
    "MON": ("D", 30),
    "W": ("D", 7),
    "D": ("H", 24),
    "H": ("MIN", 60),
    "MIN": ("S", 60),
}


#: The parts said after a whole amount: "one and a half hours", "an hour and a quarter".
_PARTS: Final[dict[tuple[str, ...], Fraction]] = {
    ("and", "a", "half"): Fraction(1, 2),
    ("and", "a", "quarter"): Fraction(1, 4),
    ("and", "three", "quarters"): Fraction(3, 4),
    ("and", "three", "quarter"): Fraction(3, 4),  # "two and three quarter hours"
}


def _amount(words: Sequence[str]) -> Fraction | None:
    if words in (["a"], ["an"], ["one"]):
        return Fraction(1)
    if words in (["half", "a"], ["half", "an"], ["a", "half"], ["half"]):
        return Fraction(1, 2)
    if words in (
        ["a", "quarter", "of", "an"],
        ["a", "quarter", "of", "a"],
        ["quarter", "of", "an"],
        ["quarter", "of", "a"],  # "quarter of an hour", "an" normalised to "a"
        ["a", "quarter"],  # "a quarter hour"
        ["quarter"],
    ):
        return Fraction(1, 4)
    if words in (["three", "quarters", "of", "an"], ["three", "quarters", "of", "a"]):
        return Fraction(3, 4)
    if words[:2] == ["a", "couple"] and words[2:] in ([], ["of"]):
        return Fraction(2)
    part = _PARTS.get(tuple(words[-3:])) if len(words) >= 4 else None
    if part is not None:
        whole = _amount(words[:-3])  # a whole amount: "a quarter and a half" is none
        return None if whole is None or whole.denominator != 1 else whole + part
    said = number(words)
    if said is None or said.startswith("-"):
        return None
    return Fraction(said)


def _format_number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def duration(words: Sequence[str], fortnight: bool = True) -> str | None:
    """AMAZON.DURATION for the words of one slot ("an hour and a half" → "PT1H30M")."""
    words = list(words)
    if len(words) > 1 and words[0] == "for":
        words = words[1:]
    if len(words) == 1 and words[0].startswith("p"):  # the value, typed ("PT5M")
        try:
            return AlexaDuration.parse(words[0].upper()).raw
        except ValueError:
            return None
    amounts: dict[str, Fraction] = {}
    start = 0
    found = False
    index = 0
    while index < len(words):
        unit = UNITS.get(words[index])
        if unit is None or (unit == "F" and not fortnight):
            index += 1
            continue
        quantity_words = words[start:index]
        if quantity_words and quantity_words[0] in ("and", ","):
            quantity_words = quantity_words[1:]
        amount = _amount(quantity_words) if quantity_words else None
        if amount is None:
            return None
        if unit in amounts:
            return None
        index += 1
        part = _PARTS.get(tuple(words[index : index + 3]))
        if part is not None and words[index + 1 : index + 3] != ["three", "quarter"]:
            if amount.denominator != 1:
                return None  # "half an hour and a quarter"
            amount += part
            index += 3
        if unit == "F":
            unit, amount = "W", amount * 2
        elif unit == "DEC":
            unit, amount = "Y", amount * 10
        if unit in amounts:
            return None
        amounts[unit] = amount
        found = True
        start = index
    if not found or start != len(words):
        return None
    # Fractions go down a unit while they can.
    for unit in ("Y", "MON", "W", "D", "H", "MIN"):
        value = amounts.get(unit)
        if value is None or value.denominator == 1:
            continue
        whole = Fraction(int(value))
        lower, factor = _DOWN[unit]
        amounts[unit] = whole
        amounts[lower] = amounts.get(lower, Fraction(0)) + (value - whole) * factor
        if whole == 0:
            del amounts[unit]
    if set(amounts) == {"W"}:
        return f"P{_format_number(amounts['W'])}W"
    if "W" in amounts:
        amounts["D"] = amounts.get("D", Fraction(0)) + amounts.pop("W") * 7
    date_part = "".join(
        f"{_format_number(amounts[unit])}{letter}"
        for unit, letter in (("Y", "Y"), ("MON", "M"), ("D", "D"))
        if unit in amounts
    )
    time_part = "".join(
        f"{_format_number(amounts[unit])}{letter}"
        for unit, letter in (("H", "H"), ("MIN", "M"), ("S", "S"))
        if unit in amounts
    )
    return "P" + date_part + (f"T{time_part}" if time_part else "")

"""Which parts of a multiple-value slot's list make one value: those with a pause between them
("december 7, 2026", "555, 1234"), or said in an order one value is said in ("an hour and ten
minutes"; "ten minutes and an hour" is two)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Final

__all__ = ["JOINED_KINDS", "in_order", "pause_inside"]

#: The readings that parts of a list joined by "and" or "or" may make one value of: a
#: built-in type's ("one hundred and five") and a listed value ("salt and pepper"), which wins
#: over its parts as Alexa's catalogue lookup does; never free or unlisted words.
JOINED_KINDS: Final = frozenset({"typed", "listed"})
#: Types whose one value may hold a comma: "december 7, 2026", "friday, december 4" are one
#: date in a list too, where a comma otherwise ends a value, and "an hour, ten minutes" one
#: duration (said largest unit first: `in_order`).
_COMMAS_INSIDE: Final = frozenset({"AMAZON.DATE", "AMAZON.DURATION"})
#: Types whose one value goes on past a pause before no number ("5, pm", "7, in the
#: morning"): the type's reading refuses a pause before a number ("9, 5" is two).
_WORDS_AFTER_PAUSE: Final = frozenset({"AMAZON.TIME"})
#: The most digits of a group a phone number is said in: a pause between such groups is inside
#: the number ("555, 1234"), one after a longer run of digits ends it ("555 1234, 555 9876").
_PHONE_GROUP: Final = 4


def pause_inside(type_name: str, values: Callable[[], Sequence[str | None]]) -> bool:
    """Whether parts with a pause between them may be one value of ``type_name``: a date, a
    duration, a time ("5, pm"), or a phone number said in groups of digits. ``values`` gives
    each part's value alone (None for a part that is none)."""
    if type_name in _COMMAS_INSIDE or type_name in _WORDS_AFTER_PAUSE:
        return True
    if type_name != "AMAZON.PhoneNumber":
        return False
    return all(value is not None and len(value) <= _PHONE_GROUP for value in values())


def in_order(type_name: str, values: Callable[[], Sequence[str | None]]) -> bool:
    """Whether parts joined into one duration are said largest unit first, as one is ("an hour
    and ten minutes"): "ten minutes and an hour" is two. A part that is no duration alone ("a
    half" of "an hour and a half") is looked past; other types read in any order."""
    if type_name != "AMAZON.DURATION":
        return True
    ranks = [_largest_unit(value) for value in values() if value is not None]
    return all(earlier < later for earlier, later in itertools.pairwise(ranks))


def _largest_unit(duration: str) -> int:
    """The rank of an ISO 8601 duration's largest unit: 0 for years to 6 for seconds."""
    date, _, time = duration.removeprefix("P").partition("T")
    for units, first, said in (("YMWD", 0, date), ("HMS", 4, time)):
        for letter in said:
            if letter in units:
                return first + units.index(letter)
    return 7

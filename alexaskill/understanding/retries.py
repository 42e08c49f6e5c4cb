"""Trying the next reading of an utterance when the best is refused (a value cut short, a time
and date that disagree): the words of the values refused are barred from the slots and the best
reading left is tried, and, when that finds none, the values are barred one at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from typing import Final, TypeVar

from .slottypes import FREE, Fill

__all__ = ["Bar", "OneSlot", "next_readings", "retried"]

#: Words barred from every slot: (first token, token after the last).
_Span = tuple[int, int]
#: A span barred (from every slot), or barred from one slot alone: (slot name, first, after).
Bar = _Span | tuple[str, int, int]
#: A value barred from one slot alone (slot name, first token, token after the last), and the
#: words no next reading may leave out (first token, token after the last): most often the
#: value's own words, no grammar word it read along.
OneSlot = tuple[tuple[str, int, int], _Span]
_Reading = TypeVar("_Reading")
#: How many more readings are tried after one is refused, each with the words of the values
#: refused barred from the slots (a value refused is refused by most readings near it).
_RETRIES: Final = 4


def next_readings(
    search: Callable[[Collection[Bar]], _Reading | None],
    refuse: Callable[[_Reading], str | None],
    fills_of: Callable[[_Reading], Sequence[tuple[str, Fill, int, int]]],
    values: Callable[[_Reading], Sequence[tuple[str, Fill, int, int]]],
    cut: list[str],
    left_out: Callable[[_Reading], Collection[int]] = lambda _: (),
    one_slot: Callable[[_Reading, str], OneSlot | None] = lambda _, __: None,
) -> _Reading | None:
    """The best reading ``search`` finds that ``refuse`` lets pass. When one is refused, the
    spans of its ``values`` are barred from every slot and the best reading left is tried, at
    most `_RETRIES` more times. The next reading must read the words of the values refused
    otherwise, and as well: "7 tonight" as one time, 19:00, not 07:00 said with the date
    "tonight". It may not read one as the value refused (as wrong in another sample's slot),
    leave one out (``left_out``: a loose reading's words left out), or give one to a slot that
    takes any words (a free-form or unlisted value); a reading that does is passed over as the
    refused ones are. Without one that passes, the first refused reading's values are barred
    one at a time (`retried`): a refusal may be of one value only, the others right ("this
    evening", EV, with "from 7" left out, of "this evening from 7 to 8": its "8" is the end),
    and the part of the day barred may then be left out, to be read into the times it was
    said before. Without one that passes, None, and why the first was refused goes to
    ``cut`` (`SpanCache.cut`). A refusal ``one_slot`` names a value of (slot name, first
    token, token after the last) bars its words, and any part of them, from that slot alone:
    a clock time's words read as a year ("nineteen thirty", 1930, the time slot empty) are the
    time slot's still.
    The words that no reading may leave out it gives with the bar: the value's own, past a
    grammar word it read along ("for" of "for ten thirty", the time "ten thirty"), or others
    ("tonight" of "tonight friday", the date "friday" barred: the time's words)."""
    first_try = retried(search, refuse, fills_of, values, left_out, frozenset(), one_slot)
    found, refusal, first = first_try
    if found is not None:
        return found[0]
    for start, end in first if len(first) > 1 else ():
        # No slot holds its words, nor part of them ("the evening" of "in the evening").
        inside = frozenset(itertools.combinations(range(start, end + 1), 2))
        found = retried(search, refuse, fills_of, values, left_out, inside, one_slot)[0]
        if found is not None:
            return found[0]
    if refusal is not None:
        cut.append(refusal)
    return None


def retried(
    search: Callable[[Collection[Bar]], _Reading | None],
    refuse: Callable[[_Reading], str | None],
    fills_of: Callable[[_Reading], Sequence[tuple[str, Fill, int, int]]],
    values: Callable[[_Reading], Sequence[tuple[str, Fill, int, int]]],
    left_out: Callable[[_Reading], Collection[int]],
    barred: frozenset[Bar],
    one_slot: Callable[[_Reading, str], OneSlot | None] = lambda _, __: None,
) -> tuple[tuple[_Reading] | None, str | None, list[_Span]]:
    """`next_readings`' search from ``barred`` on: the reading that passes (in a 1-tuple, or
    None), why the first was refused, and the spans of the first refused reading's values. The
    words of ``barred`` may be left out (its span alone was refused), not given to a free-form
    slot."""
    taken = {at for bar in barred for at in range(*_ends(bar))}  # no free-form slot's
    said: set[int] = set()  # the positions of the words of the values refused: no reading's
    refusal: str | None = None
    first: list[_Span] = []
    for _ in range(_RETRIES + 1):
        reading = search(barred)
        if reading is None:
            break
        swallowed = [
            fill
            for fill in fills_of(reading)
            if fill[1].weight <= FREE and not (said | taken).isdisjoint(range(fill[2], fill[3]))
        ]
        if swallowed or not said.isdisjoint(left_out(reading)):
            refused = swallowed  # (words left out: nothing to bar, and no next reading)
        else:
            why = refuse(reading)
            if why is None:
                return (reading,), refusal, first
            if refusal is None:
                refusal = why
                first = [(start, end) for _, _, start, end in values(reading)]
            refused = list(values(reading))
            found = one_slot(reading, why)
            if found is not None:  # the words barred from that slot, read by another still
                (name, start, end), kept = found
                said.update(range(*kept))
                # Part of them too: "friday" of "on friday", the date "on friday" refused.
                inside = {
                    (name, *span) for span in itertools.combinations(range(start, end + 1), 2)
                }
                if not inside <= barred:
                    barred = barred | inside
                    continue
        said.update(at for _, _, start, end in refused for at in range(start, end))
        more = barred | {(start, end) for _, _, start, end in refused}
        if more == barred:
            break  # nothing left to bar: the next search would find the same reading
        barred = more
    return None, refusal, first


def _ends(bar: Bar) -> tuple[int, int]:
    """The first token a bar holds and the token after its last."""
    return (bar[1], bar[2]) if len(bar) == 3 else (bar[0], bar[1])

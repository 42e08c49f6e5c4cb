"""Whether a loose reading read a multiple-value slot's list in part (`cut.cut_reason` asks).

A list read in part is wrong, not short: "1 and 2 foo 3 and 4" read as 3 and 4 drops two of the
values the user listed. These checks look at the words left out next to a list, and at the
list's own first and last values, which `cut` checks as values of the slot's type. Nor is a
list of two values of other types ("book 2 or friday") the values of two slots (`other_choice`),
nor free-form words before "or" that are a value ("the 2nd or friday") one value (`value_offered`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import SpanCache
    from .slottypes import Fill, SlotKind

__all__ = ["list_edges", "list_left_out", "other_choice", "value_offered"]

#: How far from a multiple-value slot's list a value left out of it is looked for.
_LIST_REACH = 4


def list_left_out(
    kind: SlotKind,
    spans: SpanCache,
    start: int,
    end: int,
    extra: Collection[int],
    language: Language,
) -> tuple[int, int] | None:
    """Where a value of a multiple-value slot's type lies among the words left out next to
    its list (up to `_LIST_REACH` words away, all of them left out): "1 and 2 foo 3 and 4"
    read as 3 and 4 would drop 1 and 2, and "5 and 6 and banana and 7" read as 5 and 6 the 7.
    A list read in part is wrong, not short: the reading is no reading. Only a number, date
    or other typed value, or a listed value, counts: free-form words are any words. A word
    that carries a value or denies one ("for 2 people", "at 7", "not sunday") starts a phrase
    of its own: past it, a value is that phrase's, no part of the list. Before the list, such a
    word starts the list's own phrase ("1 and 2 for 3 and 4"): it shields nothing said before."""
    phrase_starts = _phrase_starts(language)
    for step, first in ((-1, start - 1), (1, end)):
        stops = phrase_starts if step > 0 else frozenset()
        at = first
        while at in extra and abs(at - first) < _LIST_REACH and spans.words[at] not in stops:
            alone = spans.fill(kind, at, at + 1)
            if (alone is not None and alone.kind in ("typed", "listed")) or _said_as_item(
                spans, at, (start, end), step, getattr(kind, "separators", frozenset())
            ):
                return (at, first + 1) if step < 0 else (first, at + 1)
            at += step
    return None


def _said_as_item(
    spans: SpanCache, at: int, value: tuple[int, int], step: int, separators: frozenset[str]
) -> bool:
    """Whether the word at ``at``, left out next to a list, has a digit and is said as one of
    its items, a pause or a separator between it and the list: "555, 1234, 5678" read as two
    four-digit numbers leaves out the 555, no value of the type, but no word apart either."""
    if not any(char.isdigit() for char in spans.words[at]):
        return False
    start, end = value
    pause = spans.tokens[at].pause if step < 0 else spans.tokens[end - 1].pause
    # The words between, and the list's own word next to them ("5678 and" read, "55" not).
    between = range(at + 1, start + 1) if step < 0 else range(end - 1, at)
    return pause or any(spans.words[index] in separators for index in between)


def list_edges(
    name: str, fill: Fill, start: int, end: int, separators: Collection[str]
) -> list[tuple[str, Fill, int, int]]:
    """The first and last values of a list read from ``start`` to ``end``, where they lie."""
    first, last = fill.parts[0], fill.parts[-1]
    while end > start and fill.tokens[end - start - 1].text in separators:
        end -= 1  # "5 and 6 and": the list's words end with a separator, its last value before
    return [
        (name, first, start, start + len(first.tokens)),
        (name, last, end - len(last.tokens), end),
    ]


def _phrase_starts(language: Language) -> frozenset[str]:
    """The words that start a phrase of their own: a value carrier ("for", "at") or a negation
    (`value_carriers`: a `Language` without them has none)."""
    return language.value_carriers | language.negations


def other_choice(
    kinds: Mapping[str, SlotKind],
    name: str,
    spans: SpanCache,
    reading: tuple[Sequence[tuple[str, Fill, int, int]], Collection[int]],
    at: int,
    step: int,
    choice: bool,
) -> tuple[int, int] | None:
    """The value right past "or" or "and" at ``at`` (``reading``: its fills and the words it
    left out) of a slot of another type that slot ``name``'s type reads too, if one is:
    "tonight" of "tonight or friday" (a time slot's, and a date). With ``choice`` (a
    `Language.alternatives` word, "or"), any typed value of a slot of another type, in its slot
    or left out: "friday" of "book 2 or friday" or of "book friday or 2" (a choice of two
    values, no two slots' values). (Two slots of one type, "add {a} {b}", take "5 and 6".)"""
    fills, extra = reading
    kind = kinds[name]
    for other, fill, start, end in fills:
        if kinds[other].name != kind.name and (end - 1 if step < 0 else start) == at:
            second = fill if choice else spans.fill(kind, start, end)
            if second is not None and second.kind == "typed":
                return start, end
    others = [each for each in kinds.values() if each.name != kind.name] if choice else []
    for size in range(1, 4) if others else ():
        first, last = (at - size + 1, at + 1) if step < 0 else (at, at + size)
        if not all(word in extra for word in range(first, last)):
            break
        for each in others:
            found = spans.fill(each, first, last)
            if found is not None and found.kind == "typed":
                return first, last
    return None


def value_offered(
    kind: SlotKind, spans: SpanCache, at: int, step: int, extra: Collection[int]
) -> tuple[int, int] | None:
    """Where free-form words right past the "or" at ``at`` (up to three, all in ``extra``) are
    a value of ``kind``, if they are: "the 2nd" of "call the 2nd or friday" offers another
    day; "2" of "call room 2 or friday" does not (no day: the name's number)."""
    for size in range(1, 4):
        first, last = (at - size, at) if step < 0 else (at + 1, at + 1 + size)
        if not all(word in extra for word in range(first, last)):
            break
        found = spans.fill(kind, first, last)
        if found is not None and found.kind == "typed":
            return first, last
    return None

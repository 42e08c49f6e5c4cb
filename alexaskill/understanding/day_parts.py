"""A part of the day said with a time ("tonight at 8", "this evening from 7 to 8"): readings
that leave out the part of the day, or the number said after it, or read the two as two values.

A part of the day said next to a clock time it is in is that time's ("12 at night" is 00:00);
one the time is not in, or a number after it left out, changes what the user said: such a
loose reading is none (`cut.cut_value` asks). companions.py weighs a time said along with a
date; this module a time said along with a part of the day, in the time's own slot or another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from .companions import back_to_back, in_part, named_time
from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    import datetime
    from collections.abc import Collection

    from .languages import Language
    from .matcher import Sample, SpanCache
    from .slot_kinds import SlotKind
    from .slottypes import Fill

__all__ = [
    "bound_left_out",
    "bound_misplaced",
    "bound_reason",
    "moved_time",
    "number_after_part",
    "part_as_date",
    "part_left_out",
    "time_split",
]


def number_after_part(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a reading that leaves out a number said after a time slot's part of the day ("from
    7" of "this evening from 7 to 8", the slot holding EV) is none, when the two read as one
    clock time ("7 this evening", 19:00), or the number is a time alone in no such part ("from
    1" of "this evening from 1 to 2": one in the evening is no time): the time the user said is
    dropped."""
    parse = language.slot_parser("AMAZON.TIME")
    if parse is None:
        return None
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.TIME" or not (fill.value or "")[:1].isalpha():
            continue  # a clock time ("19:00"), or no time slot
        at = end
        while at in extra and (
            spans.words[at] in language.function_words or spans.words[at] in language.bounds
        ):
            at += 1  # "from", "at", "until"
        if at not in extra:
            found = _opened_after(kinds, spans, fills, (start, end, at), parse, language)
            if found is not None:
                return f"{found}: no {fill.value} and {_value_at(fills, at)}"
            continue
        read = parse([spans.words[at], *spans.words[start:end]], spans.now)
        alone = parse([spans.words[at]], spans.now) if read is None else read
        if alone is not None and alone[:1].isdigit():
            said = surface(spans.tokens[end : at + 1])
            return f"{quoted(said)} would be left out, the time slot holding {fill.value}"
    return None


def time_split(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> str | None:
    """Why a reading that cuts one time between two time slots is none: a clock time and a
    part of the day said right after it ("8" and "tonight" of "from 8 tonight", 08:00 and NI),
    which read together are one time (20:00) that neither slot holds. "7 or 8 tonight" is two."""
    parse = language.slot_parser("AMAZON.TIME")
    if parse is None:
        return None
    times = [fill for fill in fills if kinds[fill[0]].name == "AMAZON.TIME"]
    for (_, clock, start, _), (_, part, _, end) in back_to_back(times):
        if not (clock.value or "")[:1].isdigit() or not (part.value or "")[:1].isalpha():
            continue
        read = parse(spans.words[start:end], spans.now)
        if read is not None and read[:1].isdigit():
            said = surface(spans.tokens[start:end])
            return f"{quoted(said)} is one time ({read}), no {clock.value} and {part.value}"
    return None


def bound_misplaced(
    sample: Sample,
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> tuple[tuple[str, int, int], str] | None:
    """The value (slot name, first token, token after the last) a reading puts in the other
    slot of a range than the word said right before it says, and why: "from" before the slot
    the sample says after a joining word ("{end}" of "{start} to {end}"), "until" before the
    one said before it ("{start}"). The user said where the stretch of time starts or ends:
    the value is no reading of that slot (another may read it)."""
    openers, bounds = language.openers, language.bounds
    joins = language.list_separators | language.joiners
    elements = sample.elements
    where = {item.name: at for at, item in enumerate(elements) if not isinstance(item, str)}
    for name, _, start, end in fills:
        word = spans.words[start - 1] if start > 0 else ""
        if word not in openers | bounds:
            continue
        at = where[name]
        after = word in openers and at > 0 and elements[at - 1] in joins
        before = word not in openers and at + 1 < len(elements) and elements[at + 1] in joins
        if after or before:
            said = surface(spans.tokens[start - 1 : end])
            return (name, start, end), f"{quoted(said)} is no {'end' if after else 'start'}"
    return None


def part_as_date(
    slots: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
) -> tuple[tuple[str, int, int], tuple[int, int]] | None:
    """A date a reading gives that the intent's empty AMAZON.TIME slot has words of, barred
    from the date slot alone (slot name, first token, token after the last), with the words no
    next reading may leave out: "this evening" (a date and a time) of "this evening today",
    "today" left out, is the time's, its words kept, the date "today". So is the date "friday"
    of "tonight friday", with "tonight" (the time's, and a date naming today alone: a part of
    the day, no other day) left out beside it: "tonight" kept, the next reading ("tonight" the
    date, "friday" left out) is barred in turn, and the time is "tonight", the date "friday"
    (Friday evening, as "friday tonight" is). The date slot is barred from both ("tonight on
    friday": no next reading's date is "friday" with "tonight" still left out)."""
    filled = {fill[0] for fill in fills}
    times = [kind for name, kind in slots.items() if name not in filled]
    times = [kind for kind in times if kind.name == "AMAZON.TIME"]
    today = f"{spans.now:%Y-%m-%d}"
    for name, _, start, end in fills if times else ():
        date = slots[name]
        if date.name != "AMAZON.DATE":
            continue
        if any(spans.fill(kind, start, end) is not None for kind in times):
            return (name, start, end), (start, end)
        for first, last in _beside(start, end, extra):
            part = spans.fill(date, first, last)
            if (
                part is not None
                and part.value == today
                and any(spans.fill(kind, first, last) is not None for kind in times)
            ):
                # The date slot barred from both ("tonight" the time's, "on friday" its own).
                return (name, min(start, first), max(end, last)), (first, last)
    return None


def _beside(start: int, end: int, extra: Collection[int]) -> list[tuple[int, int]]:
    """The spans of up to three words left out right before ``start`` or right after ``end``
    (first token, token after the last)."""
    before = [(first, start) for first in range(start - 1, start - 4, -1) if first >= 0]
    after = [(end, last) for last in range(end + 1, end + 4)]
    return [
        (first, last)
        for first, last in before + after
        if all(at in extra for at in range(first, last))
    ]


def bound_reason(
    sample: Sample,
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> str | None:
    """Why `bound_misplaced` refuses a reading, if it does."""
    found = bound_misplaced(sample, spans, fills, language)
    return None if found is None else found[1]


def bound_left_out(
    sample: Sample, spans: SpanCache, extra: Collection[int], language: Language
) -> str | None:
    """Why a reading that leaves out a time said after a bound or an opener ("until 8" of
    "until 8 to 10") is none, to a sample with a time slot: the word says which end the time
    is, and a reading without it drops a time the user said."""
    parse = language.slot_parser("AMAZON.TIME")
    kinds = [item.kind.name for item in sample.elements if not isinstance(item, str)]
    if parse is None or "AMAZON.TIME" not in kinds:
        return None
    bounds = language.openers | language.bounds
    for at in sorted(extra):
        run = [
            at + size for size in range(1, 4) if all(at + n in extra for n in range(1, size + 1))
        ]
        if spans.words[at] not in bounds or not run:
            continue
        for last in reversed(run):
            if parse(spans.words[at + 1 : last + 1], spans.now) is not None:
                said = surface(spans.tokens[at : last + 1])
                return f"{quoted(said)} would be left out: a time said, no slot holding it"
    return None


def moved_time(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a loose reading that leaves out a word said right before a time that moves it
    ("after" of "after 8 tonight", as "five after 8" is 08:05) is none: after eight is no
    eight. A grammar word ("to", "of") may be the sample's; a bound ("until") says an end; a
    number ("twenty" of "twenty six") is weighed as a number cut short is."""
    parse = language.slot_parser("AMAZON.TIME")
    vocabulary = language.slot_vocabulary("AMAZON.TIME") or frozenset()
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    skip = language.function_words | language.bounds | numbers
    for name, fill, start, end in fills:
        word = spans.words[start - 1] if start - 1 in extra else ""
        if kinds[name].name != "AMAZON.TIME" or word not in vocabulary or word in skip:
            continue
        moved = parse and parse(["5", word, *spans.words[start:end]], spans.now)
        if moved and moved[:1].isdigit():
            said = surface(spans.tokens[start - 1 : end])
            return f"{quoted(said)} read as {fill.value} would leave out {quoted(word)}"
    return None


def _opened_after(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    where: tuple[int, int, int],
    parse: Callable[[Sequence[str], datetime.datetime], str | None],
    language: Language,
) -> str | None:
    """Why a part of the day (tokens ``where[0]`` to ``where[1]``) and a time slot's value
    starting at ``where[2]``, with the user's "from" left out between them, are no two values:
    the time after "from" is a start, "this evening from 7" one time, 19:00 (no EV and an end
    of 07:00), and "this evening from 1" a start in no evening. After "until" (a bound that
    opens no start), the time is the end: "tonight until 8" is one time, 20:00, no NI and an
    end of 08:00 read out of the night said with it; "this morning until 11" (11:00 either
    way) and "tonight until 8 am" (in no night) are a start and an end."""
    start, end, at = where
    between = set(spans.words[end:at])
    opens = bool(language.openers & between)
    if at == end or not (opens or language.bounds & between):
        return None
    for name, fill, first, last in fills:
        if first == at and kinds[name].name == "AMAZON.TIME" and (fill.value or "")[:1].isdigit():
            read = parse([*spans.words[first:last], *spans.words[start:end]], spans.now)
            said = surface(spans.tokens[start:last])
            one = read is not None and read[:1].isdigit()
            if one and (opens or read != fill.value):
                return f"{quoted(said)} is one time ({read})"
            if opens:
                return f"{quoted(said)} says a start in no such part"  # "this evening from 1"
    return None


def _value_at(fills: Sequence[tuple[str, Fill, int, int]], at: int) -> str:
    return next(fill.value or "" for _, fill, first, _ in fills if first == at)


def part_left_out(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a loose reading that leaves out, right next to a time (or past the sample's grammar
    word next to it), the words of another time the first is not in is none: a part of the day
    beside a clock time ("at night" of "12 pm at night", 12:00: noon, at night; "3 pm at
    night"), or a clock time beside a part of the day ("noon" of "noon at night" read by
    "{date} at {time}", NI), a list's time as one ("seven or eight in the afternoon"). Said
    twice, the same time is read ("5 pm this evening" is 17:00)."""
    parse = language.slot_parser("AMAZON.TIME")
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    if parse is None:
        return None
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.TIME":
            continue
        for step, first in ((-1, start - 1), (1, end)):
            # A list's time beside the words: its first before it, its last after it ("in the
            # afternoon" of "seven or eight in the afternoon", 07:00 and 08:00)
            edge = (fill.parts[0] if step < 0 else fill.parts[-1]) if fill.parts else fill
            if edge.kind != "typed" or not edge.value:
                continue
            clock = edge.value[:1].isdigit()
            skipped = first
            if first + step in extra and _links(spans, first, first in extra, language):
                # past the sample's "at" of "{date} at {time}" ("noon at night"), or the user's
                # "from" of "tonight from 8" (left out with the part of the day, no 08:00)
                first += step
            run: list[int] = []
            while first + step * len(run) in extra and len(run) < 3:
                run.append(first + step * len(run))
            for size in range(len(run), 0, -1):
                words = [spans.words[at] for at in sorted(run[:size])]
                read = parse(words, spans.now)
                if read is None or read[:1].isdigit() == clock:
                    continue
                hour, part = (edge.value, read) if clock else (read, edge.value)
                if in_part(int(hour[:2]), part) and not _year_in_part(edge, words, spans, language):
                    break
                opens = skipped not in extra and spans.words[skipped] in language.openers
                if (
                    step < 0
                    and clock
                    and (opens or _opens_range(kinds, spans, fills, end, language))
                ):
                    # "tonight" of "tonight from 7 to 8" (or of "this evening from 7", the
                    # sample's "from"): generalise.py reads it into the times, if the first is
                    # in it ("tonight from 1 pm to 2" is none)
                    with_part = parse([*words, *spans.words[start:end]], spans.now)
                    if with_part is not None and with_part[:1].isdigit():
                        break
                if not clock and size == 1 and not named_time(words[0], read, numbers):
                    continue  # a lone "5" beside "tonight" may be another slot's number
                left = [*run[:size], skipped] if skipped in extra else run[:size]
                said = surface([spans.tokens[at] for at in sorted(left)])
                value = surface(spans.tokens[start:end])
                return (
                    f"{quoted(said)} would be left out of the time {quoted(value)} ({edge.value})"
                )
    return None


def _links(spans: SpanCache, at: int, said: bool, language: Language) -> bool:
    """Whether the word at ``at`` only links a time to a part of the day beside it: a grammar
    word of the sample ("at" of "{date} at {time}"), or one the user said ("from", "until",
    "after" of "tonight after 8"), which is no number ("thirty" of "ten thirty") and reads no
    time alone ("tonight" does: it is no link)."""
    word = spans.words[at]
    if word in language.function_words or not said:
        return word in language.function_words
    joins = language.joiners
    parse = language.slot_parser("AMAZON.TIME")
    vocabulary = language.slot_vocabulary("AMAZON.TIME") or frozenset()
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    if word in numbers or any(char.isdigit() for char in word) or parse is None:
        return False
    return (word in joins or word in vocabulary) and parse([word], spans.now) is None


def _year_in_part(edge: Fill, words: list[str], spans: SpanCache, language: Language) -> bool:
    """Whether a time's words are a year that the part of the day said after them makes no
    time of: "twenty twenty six" (20:26 alone, the 24-hour clock) of "twenty twenty six at
    night", which the time type reads as the year 2026 said with a part of the day, no 20:26."""
    date, time = language.slot_parser("AMAZON.DATE"), language.slot_parser("AMAZON.TIME")
    if date is None or time is None:
        return False
    said = [token.text for token in edge.tokens]
    # "at" of "at twenty twenty six in the evening" is the time's grammar word, no year's.
    bare = said[1:] if len(said) > 1 and said[0] in language.function_words else said
    year = date(bare, spans.now)
    return bool(year and year.isdigit()) and time([*said, *words], spans.now) is None


def _opens_range(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    end: int,
    language: Language,
) -> bool:
    """Whether a time ending before ``end`` is the first of two times joined by a word ("7 to
    8", "7 and 8"), which a part of the day said before the first is read into."""
    if end >= len(spans.words):
        return False
    joins = language.list_separators | language.joiners
    return spans.words[end] in joins and any(
        kinds[name].name == "AMAZON.TIME" and start == end + 1 for name, _, start, _ in fills
    )

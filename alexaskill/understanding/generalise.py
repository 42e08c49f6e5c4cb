"""Readings of an utterance beyond its one sample, as Alexa's model generalises across samples.

A sample fixes which slots it holds; Alexa's statistical model does not: "book a table for two
tomorrow" fills the date, though no sample has both slots. After matching, the words a reading
left over, or the end of words a free-form slot took, go to another slot of the intent when its
type reads them (a number, a date, a listed value), or, for a free-form slot, when they follow a
word the intent's samples put before that slot ("in" of "weather in {city}").
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence

from .companions import part_of_day_clash
from .matcher import Match, Sample, SlotRef, SpanCache
from .model import ModelIntent, ModelSlot
from .slot_lists import said_after_first, said_once_after, said_once_before
from .slottypes import Fill, SlotKind

__all__ = ["carriers", "generalise"]

_FREE = ("free", "unlisted")
KindOf = Callable[[ModelSlot], SlotKind]
Fills = Sequence[tuple[str, Fill, int, int]]
#: Why values of slots (of these kinds) are cut short by the words left out, if they are.
CutCheck = Callable[[Mapping[str, SlotKind], SpanCache, Fills, Collection[int], bool], str | None]


def generalise(
    match: Match,
    spans: SpanCache,
    intent: ModelIntent,
    kind_of: KindOf,
    carried: Mapping[str, set[str]],
    cut: CutCheck,
    joins: Collection[str] = frozenset(),
    openers: Collection[str] = frozenset(),
    fillers: Collection[str] = frozenset(),
    alternatives: Collection[str] = frozenset(),
) -> Match | None:
    """`_split_free_tails` (past ``alternatives``: `Language.alternatives`), then
    `_fill_leftovers` (past ``fillers``: `Language.pure_fillers`),
    then `_said_once_across` (two values joined by one of ``joins``, a start after one of
    ``openers``: `Language.openers`); None when a value is cut short by words a free-form
    slot took ("paris not" of "weather for paris not tomorrow") or is split off."""
    free = {
        at for _, fill, start, end in match.fills if fill.kind in _FREE for at in range(start, end)
    }
    if free:
        elements = match.sample.elements
        kinds = {ref.name: ref.kind for ref in elements if isinstance(ref, SlotRef)}
        reason = cut(kinds, spans, match.fills, {*match.extra_at, *free}, True)
        if reason is not None:
            spans.cut.append(reason)
            return None
    split = _split_free_tails(match, spans, intent, kind_of, carried, cut, alternatives)
    if split is not None and split.extra_at:
        split = _fill_leftovers(split, spans, intent, kind_of, carried, fillers)
        slots = {slot.name: kind_of(slot) for slot in intent.slots}
        clash = None if split is None else part_of_day_clash(slots, spans, split.fills)
        if clash is not None:  # "tomorrow evening" read as a date, then "at 7" as 07:00
            spans.cut.append(clash)
            return None
    if split is None:
        return None
    return _said_once_across(split, spans, intent, kind_of, joins, openers)


def _said_once_across(
    match: Match,
    spans: SpanCache,
    intent: ModelIntent,
    kind_of: KindOf,
    joins: Collection[str],
    openers: Collection[str] = frozenset(),
) -> Match | None:
    """The words said once after the second of two values joined by a word ("pm" of "between
    5 and 6:30 pm", "from 9 to 5 pm") read into the first as well, as in a list: the start is
    17:00 (and 09:00 of "9 to 5 pm": "pm" never puts the first after the second); and a part of
    the day said after the first ("from 7 tonight to 8") into the second, a number alone (20:00),
    if it is in it, and a "pm" if it puts the second after the first ("from 7 pm to 8": 20:00;
    "from 11 pm to 1": 01:00). None when the words after the second make no value of the first
    ("between eleven and twelve in the afternoon")."""
    fills = sorted(match.fills, key=lambda item: item[2])
    changed = list(match.fills)
    read_at: set[int] = set()  # the words of a part of the day said before a pair, read in it
    for first, second in itertools.pairwise(fills):
        name, fill, _, end = first
        slot, other = intent.slot(name), intent.slot(second[0])
        if (
            slot is None
            or other is None
            or slot.type != other.type
            or fill.kind != "typed"
            or second[1].kind != "typed"
            or second[2] != end + 1
            or spans.words[end] not in joins
        ):
            continue
        kind = kind_of(slot)
        base = getattr(kind, "base", kind)
        both = said_once_after(base, [fill, second[1]], spans.now)
        if both is None:
            return None
        # A second value in no such part is as said: "from 7 in the evening to 1" runs into the
        # night (01:00), where a list, "7 in the evening or 1", is no reading. So for one said
        # before the first ("tonight at 7 to 8"; "this evening at 7 to 1": 01:00).
        both = said_once_before(base, both, spans.now) or both
        choice = spans.words[end] == "or"  # "7 pm or 6": 18:00; "from 7 pm to 6": 06:00
        both = said_after_first(base, both, spans.now, choice=choice) or both
        before = _part_before(match, spans, base, first[2])
        if before is not None:
            both = _read_in_part(base, spans, before, both)
            if both is None:
                return None  # "tonight from 1 pm to 2": the first in no night
            read_at.update(before)
        for said, read in zip((first, second), both, strict=True):
            if read is not said[1]:  # (by position: a value may be a pair's second, then first)
                changed[match.fills.index(said)] = (said[0], read, said[2], said[3])
    for index, (name, fill, start, end) in enumerate(changed):
        slot = intent.slot(name)
        opened = start > 0 and spans.words[start - 1] in openers and start - 1 not in match.extra_at
        if slot is None or fill.kind != "typed" or not opened or not read_at.isdisjoint((start,)):
            continue
        kind = kind_of(slot)
        base = getattr(kind, "base", kind)
        before = _part_before(match, spans, base, start)
        if before is None or read_at & set(before) or slot.type != "AMAZON.TIME":
            continue
        # "this evening" of "this evening from 7", the start alone said: read into it
        alone = _read_in_part(base, spans, before, [fill])
        if alone is None:
            return None
        changed[index] = (name, alone[0], start, end)
        read_at.update(before)
    if read_at:
        extra_at = [at for at in match.extra_at if at not in read_at]
        return _rebuilt(match, changed, extra_at, spans.words)
    if changed == list(match.fills):
        return match
    return dataclasses.replace(match, fills=tuple(changed))


def _part_before(match: Match, spans: SpanCache, base: SlotKind, start: int) -> list[int] | None:
    """The positions of a part of the day left out right before a time starting at ``start``,
    or before the one word before it ("tonight" of "tonight from 7 to 8"), if any."""
    parse = getattr(base, "parse", None)
    if parse is None:
        return None
    for at in (start - 1, start - 2):  # past the sample's "from" or "between", or one left out
        size = 0
        while size < 3 and at - size >= 0 and at - size in match.extra_at:
            size += 1
        for first in range(at - size + 1, at + 1):  # the longest run first: "this evening"
            read = parse(list(spans.words[first : at + 1]), spans.now)
            if read is not None and not read[:1].isdigit():
                return list(range(first, at + 1))
    return None


def _read_in_part(
    base: SlotKind, spans: SpanCache, part: Sequence[int], both: Sequence[Fill]
) -> list[Fill] | None:
    """Two times read with a part of the day said before the first ("tonight" of "tonight from
    7 to 8": 19:00 and 20:00); None when the first is in no such part, the second as said."""
    said = [spans.tokens[at] for at in part]
    read = []
    for index, fill in enumerate(both):
        whole = base.fill([*said, *fill.tokens], spans.now)
        value = "" if whole is None else whole.value or ""
        if value[:1].isdigit():
            read.append(Fill(value, fill.tokens, "typed", fill.weight))
        elif index == 0:
            return None
        else:
            read.append(fill)  # "8 am" of "tonight from 7 to 8 am"
    return read


def carriers(samples: Sequence[Sample], intent: str) -> dict[str, set[str]]:
    """The words ``intent``'s samples put right before each slot ("in" of "in {city}")."""
    found: dict[str, set[str]] = {}
    for sample in samples:
        if sample.intent != intent:
            continue
        for before, element in zip(sample.elements, sample.elements[1:], strict=False):
            if isinstance(before, str) and isinstance(element, SlotRef):
                found.setdefault(element.name, set()).add(before)
    return found


def _rebuilt(
    match: Match,
    fills: list[tuple[str, Fill, int, int]],
    extra_at: Sequence[int],
    words: Sequence[str],
) -> Match:
    ordered = tuple(sorted(extra_at))
    return Match(
        match.sample,
        match.score,
        tuple(fills),
        exact=False,
        extra=tuple(words[at] for at in ordered),
        missing=match.missing,
        quality=match.quality,
        extra_at=ordered,
    )


def _split_free_tails(
    match: Match,
    spans: SpanCache,
    intent: ModelIntent,
    kind_of: KindOf,
    carried: Mapping[str, set[str]],
    cut: CutCheck,
    alternatives: Collection[str] = frozenset(),
) -> Match | None:
    """Give the end of free-form words to another slot of the intent that reads it.

    "what's the weather like in san diego today" matches "... like in {city}": "today" is the
    intent's date, not part of the city; in "book a trip to berlin for three people", "for" is
    what the samples put before the travellers, whose number is three. Only slots whose type
    parses the words take them, and at most two words after the value are left over.

    The value split off is checked as a loose reading's is (`cut.cut_value`), and the free
    words before it for those that void it: in "weather in london not tomorrow" the city does
    not take "not" to leave the date tomorrow, nor "paris from" the friday of "from friday to
    sunday". Such a split makes no reading at all (None, with the reason in ``spans.cut``):
    the date would be wrong, and the free-form value without it would hold the words that
    deny it.

    A split whose free words before the value would be no value of their slot is none ("pay 2
    or" of "pay 2 or 3 bills", a choice the task says), except that the last value of the
    words, after "or" (``alternatives``), leaves the "or" out: "friday" of "call mom or
    friday" is the date, no other name.
    """
    used = {name for name, _, _, _ in match.fills}
    words = spans.words
    fills = list(match.fills)
    extra_at = list(match.extra_at)
    changed = False
    for index, (name, fill, start, end) in enumerate(match.fills):
        own = intent.slot(name)
        if fill.kind not in _FREE or end - start < 2 or own is None:
            continue
        split = _split(intent, used, carried, kind_of, spans, (start, end), cut)
        if split is None:
            continue
        at, taken, left = split
        head = spans.fill(kind_of(own), start, at)
        if head is None and not left and at - 1 > start and words[at - 1] in alternatives:
            at, left = at - 1, [at - 1]
            head = spans.fill(kind_of(own), start, at)
        if head is None:
            continue
        kinds = {slot.name: kind_of(slot) for slot in intent.slots}
        left_out = {*extra_at, *left}
        reason = cut(kinds, spans, [taken], left_out, False) or cut(
            kinds, spans, [taken], {*left_out, *range(start, taken[2])}, True
        )
        if reason is not None:
            spans.cut.append(reason)
            return None
        if taken[3] < end and taken[2] == at:
            # "2" of "pay 2 bills friday", no carrier word before it ("for" of "berlin for three
            # people"): the words it would leave out are the free value's, as the sample read.
            continue
        fills[index] = (name, head, start, at)
        fills.append(taken)
        used.add(taken[0])
        extra_at.extend(left)
        changed = True
    return _rebuilt(match, fills, extra_at, words) if changed else match


def _split(
    intent: ModelIntent,
    used: set[str],
    carried: Mapping[str, set[str]],
    kind_of: KindOf,
    spans: SpanCache,
    free: tuple[int, int],
    cut: CutCheck,
) -> tuple[int, tuple[str, Fill, int, int], list[int]] | None:
    """Where free words [start, end) (``free``) end and another slot's value begins, if
    anywhere: a value ``cut`` refuses though no word is left out is none where it stands
    ("may" of "ask if i may leave", no month)."""
    words = spans.words
    start, end = free
    for at in range(start + 1, end):
        for slot in intent.slots:
            if slot.name in used:
                continue
            kind = kind_of(slot)
            begin = at + 1 if words[at] in carried.get(slot.name, ()) else at
            for stop in range(end, begin, -1):
                if end - stop > 2:
                    break
                value = spans.fill(kind, begin, stop)
                if value is None or value.kind not in ("typed", "listed"):
                    continue
                taken = (slot.name, value, begin, stop)
                if cut({slot.name: kind}, spans, [taken], (), False) is None:
                    return at, taken, list(range(stop, end))
    return None


def _fill_leftovers(
    match: Match,
    spans: SpanCache,
    intent: ModelIntent,
    kind_of: KindOf,
    carried: Mapping[str, set[str]],
    fillers: Collection[str] = frozenset(),
) -> Match:
    """Fill the intent's other slots with the words a loose reading left over.

    A run of leftover words fills a slot whose type reads it whole (numbers, dates, listed
    values); free-form slots take a run only after their carrier word ("... in boston"). The
    ``fillers`` left over are in no run: "friday" of "at 7 pm friday please" is a date.
    """
    used = {name for name, _, _, _ in match.fills}
    runs: list[list[int]] = []
    for at in match.extra_at:
        if spans.words[at] in fillers:
            continue
        if runs and runs[-1][-1] == at - 1:
            runs[-1].append(at)
        else:
            runs.append([at])
    fills = list(match.fills)
    taken: set[int] = set()
    words = spans.words
    for run in runs:
        for slot in intent.slots:
            if slot.name in used:
                continue
            kind = kind_of(slot)
            start, end = run[0], run[-1] + 1
            fill = spans.fill(kind, start, end)
            if fill is not None and _part_of_next(fill, slot, match, intent, end):
                continue
            if fill is None or fill.kind not in ("typed", "listed"):
                if end - start < 2 or words[start] not in carried.get(slot.name, ()):
                    continue
                start += 1
                fill = spans.fill(kind, start, end)
                if fill is None:
                    continue
            fills.append((slot.name, fill, start, end))
            used.add(slot.name)
            taken.update(run)
            break
    if not taken:
        return match
    return _rebuilt(match, fills, [at for at in match.extra_at if at not in taken], words)


def _part_of_next(fill: Fill, slot: ModelSlot, match: Match, intent: ModelIntent, end: int) -> bool:
    """Whether ``fill``, a part of the day ("this morning", MO) left over right before a time
    of the same slot type (or before the sample's one word before it: "from 9"), is that
    time's, said twice ("this morning from 9", 09:00, which the cut checks let pass when the
    time is in it), no value of another slot."""
    if fill.kind != "typed" or not (fill.value or "")[:1].isalpha():
        return False
    for name, other, start, _ in match.fills:
        same = intent.slot(name)
        if same is not None and same.type == slot.type and start in (end, end + 1):
            return (other.value or "")[:1].isdigit()
    return False

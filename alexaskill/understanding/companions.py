"""A time said along with a date ("friday at 5 pm"): words of one that are no part of the other.

Alexa reads a date and a time said together into the intent's two slots. Next to one, the
other's words are no word left out of it: "5 pm" beside "friday" cuts nothing short, and costs
a reading nothing in how well it covers what was said.

Each slot holds what its own words say: the date slot's "tonight" is today (AMAZON.DATE names
a day, not the day a time of the night falls on), so "2 am tonight", "12 am tonight" and
"midnight tonight" are that time with today's date, though the midnight that ends tonight
starts tomorrow: the skill, which knows what it schedules, moves a time of the small hours on
a day. Amazon documents no other reading, and giving tomorrow to midnight alone would make
"12:30 am tonight" and "midnight tonight" a day apart. Said to the time slot alone ("12
tonight"), the time takes "tonight" and the date slot stays empty.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .text import surface

if TYPE_CHECKING:
    import datetime

    from .languages import Language
    from .matcher import Sample, SpanCache
    from .slot_kinds import SlotKind
    from .slottypes import Fill

__all__ = [
    "companion_run",
    "companion_word",
    "number_after_part",
    "number_split",
    "part_left_out",
    "part_of_day_clash",
    "runs_into",
    "said_along",
    "time_left_out",
    "year_for_time",
    "year_taken",
]

#: Types said together: "3 pm tomorrow" is a time and a date, and the date's words left out of
#: a time (or the time's out of a date) change nothing in it.
_COMPANIONS: Final = {"AMAZON.TIME": "AMAZON.DATE", "AMAZON.DATE": "AMAZON.TIME"}


def said_along(
    sample: Sample,
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> list[int]:
    """The words left out right next to a parsed date or time that are a clear value of the
    other ("at 5 pm" of "friday at 5 pm"): Alexa reads them along with it, they are no noise."""
    kinds = {
        element.name: element.kind for element in sample.elements if not isinstance(element, str)
    }
    found: list[int] = []
    for name, fill, start, end in fills:
        if fill.kind == "typed":
            for step, first in ((-1, start - 1), (1, end)):
                found.extend(companion_run(kinds[name].name, spans, first, step, extra, language))
    return found


def companion_run(
    slot_type: str,
    spans: SpanCache,
    first: int,
    step: int,
    extra: Collection[int],
    language: Language,
) -> list[int]:
    """The words left out from ``first`` on that are a clear value of the type said along with
    ``slot_type`` (two words or more, "5 pm", a clock time, "5:30", or one named, "noon", not a
    lone "5"), if any."""
    companion = _COMPANIONS.get(slot_type)
    if companion is None:
        return []
    parse = language.slot_parser(companion)
    if parse is None:
        return []
    run: list[int] = []
    at = first
    while at in extra and len(run) < 4:
        run.append(at)
        at += step
    theirs = language.slot_vocabulary(companion) or frozenset()
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    for size in range(len(run), 0, -1):
        said = [spans.words[index] for index in sorted(run[:size])]
        if size < len(run):  # "at 13" of "at 13 pm" is no time: what follows must not be its
            past = spans.words[run[size]]
            if past in theirs or any(char.isdigit() for char in past):
                continue
        read = parse(said, spans.now)
        if read is None:
            continue
        if size > 1 or ":" in said[0] or _named_time(said[0], read, numbers):
            return run[:size]
    return []


def runs_into(
    slot_type: str, spans: SpanCache, run: Sequence[int], value: tuple[int, int], language: Language
) -> bool:
    """Whether a date's words left out right next to a time (a `companion_run`) run into it,
    the two one date: "ten sixty" and "six" of "ten sixty six" are the year 1066, no year 1060
    said along with the time 06:00. Only a time is weighed so: a time reads a date's part of
    the day into it ("7 pm" and "tonight"), which is said along all the same."""
    parse = language.slot_parser("AMAZON.DATE") if slot_type == "AMAZON.TIME" else None
    if parse is None:
        return False
    first, last = min(*run, value[0]), max(*run, value[1] - 1)
    return parse(spans.words[first : last + 1], spans.now) is not None


def _named_time(word: str, read: str, numbers: Collection[str]) -> bool:
    """Whether one word is a clock time by its name ("noon", "midnight"): no number, which
    a lone "5" may be, no part of the day ("morning", MO), which a date may name, and no
    date ("friday")."""
    clock = len(read) == 5 and read[2] == ":"  # "12:00", no date ("2026-12-04") nor "MO"
    return clock and word not in numbers and not any(char.isdigit() for char in word)


def companion_word(slot_type: str, word: str, language: Language) -> bool:
    """Whether ``word`` belongs to the value of the type said along with ``slot_type``."""
    companion = _COMPANIONS.get(slot_type)
    if companion is None:
        return False
    theirs = language.slot_vocabulary(companion) or frozenset()
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    return word in theirs and word not in numbers


#: A date's words naming the later part of a day ("tomorrow evening", "tonight"), and a time's
#: words that say which half of the day it is in. English, as cut.py's `_RANGES` is.
_LATER_PARTS: Final = frozenset({"afternoon", "evening", "night", "tonight"})
_HALF_SAID: Final = frozenset(
    {"am", "pm", "m", "morning", "afternoon", "evening", "night", "noon", "midday", "midnight"}
)
#: A date's words naming a part of the day twelve said as a bare hour is not in: read as said
#: it is noon, while twelve in the morning or at night is midnight ("12 tonight", "12 tomorrow
#: morning") and twelve in the evening no time at all. Noon is in the afternoon.
_NOT_NOON: Final = frozenset({"morning", "evening", "night", "tonight"})
#: A date's words naming a part of the day noon is not in, whichever half it takes.
_AFTER_NOON: Final = frozenset({"evening", "night", "tonight"})
#: A date's words naming one half of the day ("tomorrow morning", "tomorrow evening"): "night"
#: and "tonight" name neither ("11 pm tomorrow night", "2 am tonight"), but the night only.
_HALVES: Final = {"morning": "the morning", "afternoon": "the afternoon", "evening": "the evening"}
_NIGHTS: Final = frozenset({"night", "tonight"})
#: What follows a clock time's leading 0 ("07:00", "0:30"): a lone "0" is no time of its own.
_CLOCK_NEXT: Final = frozenset("0123456789:")


def part_of_day_clash(
    kinds: Mapping[str, SlotKind], spans: SpanCache, fills: Sequence[tuple[str, Fill, int, int]]
) -> str | None:
    """Why a reading whose time and date disagree on the part of the day is none: an hour
    before noon said without "am" or "pm" with a date naming the evening ("7 tomorrow evening",
    "7 tonight": the date's words took the part of the day the user meant for the time, read as
    said in the morning; and twelve with a date naming no afternoon, "12 tomorrow morning", is
    no noon), or a time said in one half of the day with a date naming the other ("7 pm
    tomorrow morning", "7 am tomorrow evening": which one is meant is a guess), or noon said
    with a date naming the evening or the night ("12 pm tonight", "noon tomorrow evening"), or
    a time out of the night with a date naming the night ("1 pm tonight", "7 am tomorrow
    night": the night is five in the evening to five in the morning, as "5 at night" is 17:00),
    or out of the afternoon or evening with a date naming it ("10 pm tomorrow afternoon": it
    ends at seven; "1 pm tomorrow evening": it starts at five)."""
    times = [fill for fill in fills if kinds[fill[0]].name == "AMAZON.TIME"]
    dates = [fill for fill in fills if kinds[fill[0]].name == "AMAZON.DATE"]
    for _, time, start, end in times:
        if not time.value[:2].isdigit():
            continue  # a part of the day ("EV"), or no time of day
        hour = int(time.value[:2])
        half_said = any(word in _HALF_SAID for word in spans.words[start:end])
        for _, _, first, last in dates:
            said, day = surface(spans.tokens[start:end]), surface(spans.tokens[first:last])
            named = spans.words[first:last]
            later = any(word in _LATER_PARTS for word in named)
            twelve = hour == 12 and any(word in _NOT_NOON for word in named)
            if not half_said and ((1 <= hour <= 11 and later) or twelve):
                took = "the date took the part of the day"
                return f"{said!r} said with {day!r} is no {time.value} ({took})"
            half = "the morning" if hour < 12 else "the afternoon or evening"
            part = next((_HALVES[word] for word in named if word in _HALVES), None)
            clock = half_said or _on_24_hour_clock(hour, spans.words[start:end])
            if clock and part is not None and (part == "the morning") != (hour < 12):
                return f"{said!r} ({time.value}, {half}) said with {day!r} ({part}) is no time"
            late = next((word for word in named if word in _AFTER_NOON), None)
            if clock and hour == 12 and late is not None:
                return f"{said!r} ({time.value}, noon) said with {day!r} ({late}) is no time"
            night = next((word for word in named if word in _NIGHTS), None)
            if clock and night is not None and not _in_part(hour, "NI"):
                return f"{said!r} ({time.value}) said with {day!r} ({night}) is no time"
            within = {"the afternoon": "AF", "the evening": "EV"}.get(part or "")
            if clock and within is not None and not _in_part(hour, within):
                return f"{said!r} ({time.value}) said with {day!r} ({part}) is no time"
    return None


def _on_24_hour_clock(hour: int, words: Sequence[str]) -> bool:
    """Whether a time said without "am" or "pm" says its half of the day all the same: an hour
    after 12 ("19:00"), or one written with a leading 0 ("07:00", "00:30"), is on the 24-hour
    clock. "7:00" and "12:00" may be either half."""
    return hour > 12 or any(word[:1] == "0" and word[1:2] in _CLOCK_NEXT for word in words)


def time_left_out(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a loose reading that leaves out a clock time said along with a date ("7:30" of "7:30
    tomorrow evening") while a time slot holds other words ("evening", EV) is none: the time
    the user said is dropped, and the slot holds a part of the day the date's words named."""
    times = [fill for fill in fills if kinds[fill[0]].name == "AMAZON.TIME"]
    if not times:
        return None
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.DATE" or fill.kind != "typed":
            continue
        for step, first in ((-1, start - 1), (1, end)):
            run = companion_run("AMAZON.DATE", spans, first, step, extra, language)
            if run:
                said = surface([spans.tokens[at] for at in sorted(run)])
                held = ", ".join(time[1].value for time in times)
                return f"{said!r} would be left out, the time slot holding {held}"
    return None


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
        while at in extra and spans.words[at] in language.function_words:
            at += 1  # "from", "at"
        if at not in extra:
            found = _opened_after(kinds, spans, fills, (start, end, at), parse)
            if found is not None:
                return f"{found}: no {fill.value} and {_value_at(fills, at)}"
            continue
        read = parse([spans.words[at], *spans.words[start:end]], spans.now)
        alone = parse([spans.words[at]], spans.now) if read is None else read
        if alone is not None and alone[:1].isdigit():
            said = surface(spans.tokens[end : at + 1])
            return f"{said!r} would be left out, the time slot holding {fill.value}"
    return None


#: Words that open the first of two times ("from 7 to 8"): what follows one is a start.
#: English, as `_LATER_PARTS` is.
_OPENERS: Final = frozenset({"from", "between"})


def _opened_after(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    where: tuple[int, int, int],
    parse: Callable[[Sequence[str], datetime.datetime], str | None],
) -> str | None:
    """Why a part of the day (tokens ``where[0]`` to ``where[1]``) and a time slot's value
    starting at ``where[2]``, with the user's "from" left out between them, are no two values:
    the time after "from" is a start, "this evening from 7" one time, 19:00 (no EV and an end
    of 07:00), and "this evening from 1" a start in no evening."""
    start, end, at = where
    if at == end or not _OPENERS & set(spans.words[end:at]):
        return None
    for name, fill, first, last in fills:
        if first == at and kinds[name].name == "AMAZON.TIME" and (fill.value or "")[:1].isdigit():
            read = parse([*spans.words[first:last], *spans.words[start:end]], spans.now)
            said = surface(spans.tokens[start:last])
            if read is not None and read[:1].isdigit():
                return f"{said!r} is one time ({read})"
            return f"{said!r} says a start in no such part"  # "this evening from 1"
    return None


def _value_at(fills: Sequence[tuple[str, Fill, int, int]], at: int) -> str:
    return next(fill.value or "" for _, fill, first, _ in fills if first == at)


def number_split(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> str | None:
    """Why a reading that cuts one number between a date and a time said right after it (or
    before it) is none: "twenty twenty" (2020) and "six" (06:00) of "twenty twenty six", which
    read together are one value (the year 2026, or 20:26). "7 pm" and "friday" are two."""
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    parsers = [language.slot_parser(name) for name in ("AMAZON.TIME", "AMAZON.DATE")]

    def number(word: str) -> bool:
        return word in numbers or word.isdigit()

    typed = [fill for fill in fills if fill[1].kind == "typed"]
    for first, first_fill, start, middle in typed:
        for second, second_fill, after, end in typed:
            pair = {kinds[first].name, kinds[second].name}
            if after != middle or pair != {"AMAZON.TIME", "AMAZON.DATE"}:
                continue
            if not (number(spans.words[middle - 1]) and number(spans.words[middle])):
                continue
            words = spans.words[start:end]
            if any(parse is not None and parse(words, spans.now) for parse in parsers):
                said = surface(spans.tokens[start:end])
                values = f"{first_fill.value} and {second_fill.value}"
                return f"{said!r} is one value, cut in two ({values})"
    return None


def year_for_time(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> str | None:
    """Why a reading that takes the words of a clock time for a year ("ten thirty", 1030, of
    "ten thirty tonight") while the sample's time slot holds no time of the clock (NI, or
    nothing) is none: the user said a time, and the date slot has it as a year."""
    found = year_taken(kinds, spans, fills, language)
    return None if found is None else found[1]


def year_taken(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> tuple[tuple[str, int, int], str] | None:
    """The date fill (slot name, first token, token after the last) `year_for_time` refuses,
    and why; the matcher reads the sample again without it."""
    parse = language.slot_parser("AMAZON.TIME")
    times = [name for name, kind in kinds.items() if kind.name == "AMAZON.TIME"]
    held = {name: fill.value or "" for name, fill, _, _ in fills if name in times}
    free = [held.get(name) or "nothing" for name in times if not held.get(name, "")[:1].isdigit()]
    if parse is None or not free:
        return None
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.DATE" or not (fill.value or "").isdigit():
            continue
        words = spans.words[start:end]
        if len(words) > 2 and words[0] in language.function_words:
            words = words[1:]  # the sample's "for" taken into a loose date: "for ten thirty"
        read = parse(words, spans.now) if len(words) > 1 else None
        if read is not None and read[:1].isdigit():
            said = surface(spans.tokens[start:end])
            why = f"{said!r} is the time {read}, no year {fill.value} (the time slot {free[0]})"
            return (name, start, end), why
    return None


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
                if _in_part(int(hour[:2]), part) and not _year_in_part(
                    edge, words, spans, language
                ):
                    break
                opens = skipped not in extra and spans.words[skipped] in _OPENERS
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
                if not clock and size == 1 and not _named_time(words[0], read, numbers):
                    continue  # a lone "5" beside "tonight" may be another slot's number
                left = [*run[:size], skipped] if skipped in extra else run[:size]
                said = surface([spans.tokens[at] for at in sorted(left)])
                value = surface(spans.tokens[start:end])
                return f"{said!r} would be left out of the time {value!r} ({edge.value})"
    return None


def _links(spans: SpanCache, at: int, said: bool, language: Language) -> bool:
    """Whether the word at ``at`` only links a time to a part of the day beside it: a grammar
    word of the sample ("at" of "{date} at {time}"), or one the user said ("from", "until",
    "after" of "tonight after 8"), which is no number ("thirty" of "ten thirty") and reads no
    time alone ("tonight" does: it is no link)."""
    word = spans.words[at]
    if word in language.function_words or not said:
        return word in language.function_words
    joins: frozenset[str] = getattr(language, "joiners", frozenset())
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
    year = date(said, spans.now)
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
    joins = language.list_separators | getattr(language, "joiners", frozenset())
    return spans.words[end] in joins and any(
        kinds[name].name == "AMAZON.TIME" and start == end + 1 for name, _, start, _ in fills
    )


def _in_part(hour: int, part: str) -> bool:
    """Whether an hour is in a part of the day (MO, AF, EV, NI) as a time said in it is read:
    the morning before noon, the afternoon from noon to seven, the evening from five to
    midnight, the night from five in the evening to five in the morning ("5 at night" is
    17:00, "4" 04:00). Amazon gives the parts no hours: the English clock.py's `_PART_HOURS`
    says why these (and why the evening starts an hour before Duckling's), and holds the same."""
    if part == "MO":
        return hour < 12
    if part == "AF":
        return 12 <= hour < 19
    if part == "EV":
        return hour >= 17
    return part != "NI" or hour >= 17 or hour < 5

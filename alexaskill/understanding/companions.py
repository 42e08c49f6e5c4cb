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

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import Sample, SpanCache
    from .slot_kinds import SlotKind
    from .slottypes import Fill

__all__ = [
    "back_to_back",
    "companion_run",
    "companion_word",
    "in_part",
    "named_time",
    "number_split",
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
        if size > 1 or ":" in said[0] or named_time(said[0], read, numbers):
            return run[:size]
    return []


def runs_into(
    slot_type: str, spans: SpanCache, run: Sequence[int], value: tuple[int, int], language: Language
) -> bool:
    """Whether a date's words left out right next to a time (a `companion_run`) run into it,
    the two one date: "ten sixty" and "six" of "ten sixty six" are the year 1066, no year 1060
    said along with the time 06:00. Only a time is weighed so: a time reads a date's part of
    the day into it ("7 pm" and "tonight"), which is said along all the same. A run of numbers
    alone is never said along: "twenty twenty" of "twenty twenty six in the evening", or
    "nineteen thirty" of "nineteen thirty in the evening", are the time's own words (a number,
    or the 24-hour clock, no time with a part of the day), which a reading may not drop."""
    parse = language.slot_parser("AMAZON.DATE") if slot_type == "AMAZON.TIME" else None
    if parse is None:
        return False
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    if all(spans.words[at] in numbers or spans.words[at].isdigit() for at in run):
        return True
    first, last = min(*run, value[0]), max(*run, value[1] - 1)
    return parse(spans.words[first : last + 1], spans.now) is not None


def named_time(word: str, read: str, numbers: Collection[str]) -> bool:
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
                return f"{quoted(said)} said with {quoted(day)} is no {time.value} ({took})"
            half = "the morning" if hour < 12 else "the afternoon or evening"
            part = next((_HALVES[word] for word in named if word in _HALVES), None)
            clock = half_said or _on_24_hour_clock(hour, spans.words[start:end])
            if clock and part is not None and (part == "the morning") != (hour < 12):
                with_day = f"said with {quoted(day)} ({part})"
                return f"{quoted(said)} ({time.value}, {half}) {with_day} is no time"
            late = next((word for word in named if word in _AFTER_NOON), None)
            if clock and hour == 12 and late is not None:
                with_day = f"said with {quoted(day)} ({late})"
                return f"{quoted(said)} ({time.value}, noon) {with_day} is no time"
            night = next((word for word in named if word in _NIGHTS), None)
            if clock and night is not None and not in_part(hour, "NI"):
                return f"{quoted(said)} ({time.value}) said with {quoted(day)} ({night}) is no time"
            within = {"the afternoon": "AF", "the evening": "EV"}.get(part or "")
            if clock and within is not None and not in_part(hour, within):
                return f"{quoted(said)} ({time.value}) said with {quoted(day)} ({part}) is no time"
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
                return f"{quoted(said)} would be left out, the time slot holding {held}"
    return None


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
    for (first, first_fill, start, middle), (second, second_fill, _, end) in back_to_back(typed):
        if {kinds[first].name, kinds[second].name} != {"AMAZON.TIME", "AMAZON.DATE"}:
            continue
        if not (number(spans.words[middle - 1]) and number(spans.words[middle])):
            continue
        words = spans.words[start:end]
        if any(parse is not None and parse(words, spans.now) for parse in parsers):
            said = surface(spans.tokens[start:end])
            values = f"{first_fill.value} and {second_fill.value}"
            return f"{quoted(said)} is one value, cut in two ({values})"
    return None


def back_to_back(
    fills: Sequence[tuple[str, Fill, int, int]],
) -> Iterator[tuple[tuple[str, Fill, int, int], tuple[str, Fill, int, int]]]:
    """Each two of ``fills`` said one right after the other, the first where it was said
    first: the values a reading may have cut one value in two into (`number_split`,
    `day_parts.time_split`)."""
    for first in fills:
        for second in fills:
            if second[2] == first[3]:
                yield first, second


def year_for_time(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
    sample_words: Collection[str],
) -> str | None:
    """Why a reading that takes the words of a clock time for a year ("ten thirty", 1030, of
    "ten thirty tonight") while a time slot of ``kinds`` (the sample's, or those the intent's
    samples place) holds no time of the clock (NI, or nothing) is none: the user said a time,
    and the date slot has it as a year.

    The rule where words read both ways: "twenty twenty six" is a year to AMAZON.DATE (whose
    values include years, "2015", in Amazon's slot type reference) and the 24-hour clock to
    AMAZON.TIME (20:26). An intent with a time slot in any sample takes them for the time,
    whichever sample is listed first ("alarm twenty twenty six" of "alarm {date}" and "alarm
    {time}": an alarm at 20:26, no year); a year said as one ("in twenty twenty six", "2026")
    or words that are no time of the clock ("nineteen ninety") stay the date's."""
    found = year_taken(kinds, spans, fills, language, sample_words)
    return None if found is None else found[1]


def year_taken(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
    sample_words: Collection[str],
) -> tuple[tuple[str, int, int], str, int] | None:
    """The date fill (slot name, first token, token after the last) `year_for_time` refuses,
    why, and the first of its tokens weighed as the time's; the matcher reads the sample again
    without the fill. A grammar word of the sample (``sample_words``) first in the date is left
    off: the sample's, taken in loosely, which the time's reading may leave out."""
    parse = language.slot_parser("AMAZON.TIME")
    times = [name for name, kind in kinds.items() if kind.name == "AMAZON.TIME"]
    held = {name: fill.value or "" for name, fill, _, _ in fills if name in times}
    free = [held.get(name) or "nothing" for name in times if not held.get(name, "")[:1].isdigit()]
    if parse is None or not free:
        return None
    clock = language.slot_vocabulary("AMAZON.TIME") or frozenset()
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.DATE" or not (fill.value or "").isdigit():
            continue
        own = start
        words = spans.words[start:end]
        grammar = words[0] in language.function_words
        if len(words) > 2 and grammar and (words[0] in sample_words or words[0] not in clock):
            # A grammar word the time knows nothing of ("for", "on") is left off, as is the
            # sample's, taken into a loose date ("for ten thirty"); one of the time's own words
            # with which the time reads no time is the date's: "in twenty twenty six" is 2026.
            own, words = start + 1, words[1:]
        read = parse(words, spans.now) if len(words) > 1 else None
        if read is not None and read[:1].isdigit():
            said = surface(spans.tokens[start:end])
            why = (
                f"{quoted(said)} is the time {read}, no year {fill.value} (the time slot {free[0]})"
            )
            return (name, start, end), why, own
    return None


def in_part(hour: int, part: str) -> bool:
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

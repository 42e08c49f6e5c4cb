"""A date said along with a time slot's value that a loose reading leaves out ("friday" of
"friday at 7 pm", "tomorrow" of "7 tomorrow"): no reading (`date_left_out`), the time alone
naming another day; "today" beside a time still to come is the one date that may go.

What reading.py asks once the words left over went to the intent's other slots; the time said
along with a date, and the words of one that are no part of the other, are companions.py's.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .companions import in_part
from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    from .languages import Language, SlotParser
    from .matcher import SpanCache
    from .slot_kinds import SlotKind
    from .slottypes import Fill

__all__ = ["date_left_out"]

#: The parts of the day AMAZON.TIME sends ("evening" is EV), as `in_part` reads them.
_PARTS: Final = frozenset({"MO", "AF", "EV", "NI"})


def date_left_out(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a loose reading that leaves out a date said along with a time slot's value
    ("friday" of "friday at 7 pm", "tomorrow" of "7 tomorrow"), past grammar words, is none,
    once the words left over went to the intent's other slots (``kinds``: the intent's): no
    slot holds the day the user said, and the time alone names another (today's 19:00). A
    date's reading may leave a time out (`said_along`: "friday at 5 pm" in a date slot is
    still that friday), not a time's a date. A part of the day the time reads along with it
    ("tonight" of "7 pm tonight") is the time's own; a lone number ("5") may be another's.
    With every time slot empty, a date left out anywhere is none either ("friday" of "remind
    me friday"): the time the dialog asks for names a time of another day all the same."""
    words, grammar = spans.words, language.function_words
    times = {name for name, kind in kinds.items() if kind.name == "AMAZON.TIME"}
    where = _date_slot(kinds, fills)
    if times and not any(name in times for name, _, _, _ in fills):
        return _date_alone(spans, extra, where, language)
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.TIME" or fill.kind != "typed":
            continue
        for step, first in ((-1, start - 1), (1, end)):
            while first not in extra and 0 <= first < len(words) and words[first] in grammar:
                first += step  # the sample's "at" of "remind me at {time}"
            run: list[int] = []
            while first + step * len(run) in extra and len(run) < 4:
                run.append(first + step * len(run))
            # The user's grammar words next to the time may be the date's ("on the 5th") or
            # neither's ("at" of "friday at 7 pm"): tried with them, then without.
            for skip in range(len(run)):
                if skip and words[run[skip - 1]] not in grammar:
                    break
                found = _date_in(run, skip, fill, (start, end), spans, where, language)
                if found is not None:
                    return found
    return None


def _date_slot(kinds: Mapping[str, SlotKind], fills: Sequence[tuple[str, Fill, int, int]]) -> str:
    """Where a date left out is not, as a reason says it (`date_left_out`): in no slot, the
    intent having no date slot, or in none of its date slots, each of them holding another day
    (or left empty)."""
    dates = [name for name, kind in kinds.items() if kind.name == "AMAZON.DATE"]
    if not dates:
        return "no slot holding a date"
    held = {name: fill.value or surface(fill.tokens) for name, fill, _, _ in fills}
    empty = [name for name in dates if name not in held]
    if empty:
        return f"the date slot {quoted(empty[0])} left empty"
    if len(dates) == 1:
        return f"the date slot {quoted(dates[0])} already holding {held[dates[0]]}"
    names = ", ".join(repr(name) for name in dates)
    return f"the date slots {names} already holding {', '.join(held[name] for name in dates)}"


def _date_alone(
    spans: SpanCache, extra: Collection[int], where: str, language: Language
) -> str | None:
    """Why words left out, the intent's time slots empty, are a date no reading may leave out,
    if some are (`date_left_out`): the longest first, from the first word left out on.
    ``where``: where the date is not (`_date_slot`)."""
    date, time = language.slot_parser("AMAZON.DATE"), language.slot_parser("AMAZON.TIME")
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    if date is None or time is None:
        return None
    for first in sorted(extra):
        for size in range(4, 0, -1):
            part = range(first, first + size)
            if not all(at in extra for at in part):
                continue
            words = [spans.words[at] for at in part]
            if len(words) == 1 and (words[0] in numbers or words[0].isdigit()):
                continue  # a lone "5": maybe another slot's number
            if date(words, spans.now) is None or time(words, spans.now) is not None:
                continue  # no date, or a part of the day ("tonight") the time slot may take
            said = surface([spans.tokens[at] for at in part])
            return f"{quoted(said)} would be left out, {where} (the time slot empty)"
    return None


def _date_in(
    run: Sequence[int],
    skip: int,
    fill: Fill,
    value: tuple[int, int],
    spans: SpanCache,
    where: str,
    language: Language,
) -> str | None:
    """Why the words of ``run`` (the words left out from the time on) past its first
    ``skip``, or the fewer of them nearest the time, are a date no reading may leave out, if
    they are (`date_left_out`; ``where``: where the date is not, `_date_slot`).

    The rule for "today" (the language's word for the day it is said on, whichever day:
    "today" in English) beside a clock time: it may be left out, as "tonight" is, if the time
    is still to come ("7 pm today" at noon is 19:00: the time alone is today's, nothing is
    lost). A time already past, or now, alone is tomorrow's ("9 am today" at noon): the day
    said is dropped, no reading. So beside a part of the day (AMAZON.TIME's EV of "evening"):
    "today in the evening" at noon is EV, the evening still to come; "today in the morning"
    at noon is no reading, the morning over. A date that names today only by chance is no
    word for today ("sunday" said on a Sunday may mean the next): no reading either."""
    date, time = language.slot_parser("AMAZON.DATE"), language.slot_parser("AMAZON.TIME")
    numbers = language.slot_vocabulary("AMAZON.NUMBER") or frozenset()
    if date is None or time is None:
        return None
    for size in range(len(run), skip, -1):
        part = sorted(run[skip:size])
        words = [spans.words[at] for at in part]
        if len(words) == 1 and (words[0] in numbers or words[0].isdigit()):
            continue  # a lone "5": maybe another slot's number
        if date(words, spans.now) is None:
            continue
        along = spans.words[min(part[0], value[0]) : max(part[-1] + 1, value[1])]
        if time(along, spans.now) is not None:
            return None  # "7 pm tonight": the time's own part of the day, said again
        said = surface([spans.tokens[at] for at in part])
        clock = fill.value or ""
        if clock[:1].isdigit() and _today(words, spans.now, date):
            if clock[:5] > f"{spans.now:%H:%M}":
                return None  # "7 pm today" at noon: the time alone is today's
            return f"{quoted(said)} would be left out, {where} ({clock} is past today)"
        if clock in _PARTS and _today(words, spans.now, date):
            if any(in_part(hour, clock) for hour in range(spans.now.hour, 24)):
                return None  # "today in the evening" at noon: EV alone is today's evening
            return f"{quoted(said)} would be left out, {where} ({clock} is over today)"
        return f"{quoted(said)} would be left out, {where} ({fill.value} alone)"
    return None


def _today(
    words: Sequence[str],
    now: datetime.datetime,
    date: SlotParser,
) -> bool:
    """Whether ``words`` are the language's word for the day they are said on ("today"):
    read on two days, they name each ("sunday" names today on a Sunday alone)."""
    later = now + datetime.timedelta(days=3)
    return date(words, now) == f"{now:%Y-%m-%d}" and date(words, later) == f"{later:%Y-%m-%d}"

"""Whether a loose reading cut a parsed slot value short, changing what the user said.

Loose matching may leave words out. Next to a value of a built-in type with a format, a word
left out can be part of that value: "count to nineteen ninety nine" read as 99 and an extra
"nineteen"; "minus five minutes" read as five minutes; "13 pm" read as 13:00; "1.5e3" read as 3;
"2026-W5" read as the year 2026; "5 or 6" read as 6 and "one and a half" as 1; "weeks from
tomorrow" read as tomorrow; "second to last" read as 2. Such a reading
gives a wrong value, and no match (the fallback intent) is better than a wrong value: the
matcher drops it. So does a reading that leaves out a word denying a value ("not friday").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .companions import (
    companion_run,
    companion_word,
    number_split,
    part_of_day_clash,
    runs_into,
    time_left_out,
    year_for_time,
)
from .cut_lists import list_edges, list_left_out, other_choice, value_offered
from .cut_numbers import apart_from_number, changes_number, number_lost
from .date_homonyms import month_astray
from .day_parts import (
    bound_left_out,
    bound_reason,
    moved_time,
    number_after_part,
    part_left_out,
    time_split,
)
from .evidence import carrier_taken, free_cut_short, name_cut_from_numbers, name_said_as_date
from .languages.checks import CODE_LETTERS
from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import Sample, SpanCache
    from .slottypes import Fill, SlotKind

__all__ = ["cut_reason", "cut_value", "why_no_reading"]

#: How many words left out, either side of a value, may still have belonged to it.
_REACH = 2


def cut_value(
    sample: Sample,
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    counts: Callable[[str, datetime.datetime], bool],
    language: Language,
    slots: Mapping[str, SlotKind] | None = None,
) -> str | None:
    """Why a word left out next to a parsed slot value (or one word further, past a word that
    is no grammar word) could have been part of it, if it could: a value of that type itself, a
    number or ordinal ("february thirtieth", no day, is no "february"), a word of the type's
    grammar that is no grammar word of the language ("minus", "pm", "week"), a word that
    changes a number said before it ("am"), a typed minus sign, or any word with a digit.
    ``slots``: the slots the intent's samples place (default: the sample's), whose time slot
    takes a clock time's words that the sample's date slot reads as a year."""
    kinds = {
        element.name: element.kind for element in sample.elements if not isinstance(element, str)
    }
    return (
        # The intent's other slots too: "friday" left out of "book 2 or friday" is a date.
        cut_reason({**(slots or {}), **kinds}, spans, fills, extra, counts, language)
        or number_lost(kinds, spans, fills, extra)
        or part_of_day_clash(kinds, spans, fills)
        or time_left_out(kinds, spans, fills, extra, language)
        or year_for_time(slots or kinds, spans, fills, language, sample.words)
        or number_split(kinds, spans, fills, language)
        or time_split(kinds, spans, fills, language)
        or bound_reason(sample, spans, fills, language)
        or moved_time(kinds, spans, fills, extra, language)
        or part_left_out(kinds, spans, fills, extra, language)
        or number_after_part(kinds, spans, fills, extra, language)
        or bound_left_out(sample, spans, extra, language)
        or (carrier_taken(spans, fills, language) or (None, None))[1]
        or (name_said_as_date(kinds, slots or kinds, spans, fills, language) or ("",) * 3)[2]
        or name_cut_from_numbers(kinds, spans, fills, extra, language)
        or free_cut_short(kinds, spans, fills, extra, language)
        or None
    )


def cut_reason(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    counts: Callable[[str, datetime.datetime], bool],
    language: Language,
    *,
    taken: bool = False,
) -> str | None:
    """`cut_value` for the slots of ``kinds`` (those of a sample, or of an intent). With
    ``taken``, the words in ``extra`` are a free-form slot's ("london not" of "london not
    tomorrow"): only those that void the value count, a denial and a value joined right next
    to it ("the 31st of" + "february"; not "week of fun" + "friday"). A date said by a word
    that is another word too stands where a date can (`month_astray`)."""
    astray = month_astray(kinds, spans, fills, language)
    if astray is not None:
        return astray
    for name, fill, start, end in fills:
        denied = _negated(spans, start, extra, language)
        if denied is not None:
            return f"{quoted(_said(spans, denied, end))} denies the value"
        kind = kinds[name]
        if not taken and getattr(kind, "separators", None) is not None:
            left = list_left_out(kind, spans, start, end, extra, language)
            if left is not None:
                return _left_out(spans, (start, end), *left)
        if fill.kind == "list" and fill.parts and not taken:
            # The list's first and last values, each as a value of its own type: "1 and 2 and
            # three quarters" read as 1, 2 and 3 cuts the last, as "three quarters" read as 3.
            edges = list_edges(name, fill, start, end, getattr(kind, "separators", ()))
            base = getattr(kind, "base", kind)
            reason = cut_reason({name: base}, spans, edges, extra, counts, language)
            if reason is not None:
                return reason
        if fill.kind != "typed":
            continue
        glued = _glued(spans, start, end, extra)
        if glued is None and kind.name == "AMAZON.AlphaNumeric":
            glued = _code_letters(spans, start, end, extra, language)
        if glued is not None and not taken:  # "ab12" read as 12: the "ab" is part of it
            return _left_out(spans, (start, end), glued, glued + 1)
        if end in extra and changes_number(kind, spans, end):  # "5k" as 5, another slot's "k"
            return _left_out(spans, (start, end), end, end + 1)
        back = _counted_back(spans, end, extra) if kind.name == "AMAZON.Ordinal" else None
        if back is not None:
            return f"{quoted(_said(spans, start, back + 1))} counts from the end, not the start"
        opened = _range_opened(kind, spans, start, end, extra, language)
        if opened is not None:
            return f"{quoted(_said(spans, opened, end))} is a range, not one value"
        negations, alternatives = language.negations, language.alternatives
        # A word of both types ("past" of "¼ past 5") may be this value's: it is looked past.
        own = language.slot_vocabulary(kind.name) or frozenset()
        for step, first in ((-1, start - 1), (1, end)):
            run = companion_run(kind.name, spans, first, step, extra, language)
            if run and runs_into(kind.name, spans, run, (start, end), language):
                return _left_out(spans, (start, end), min(run), max(run) + 1)
            if run:
                continue  # "friday 5 pm": the time said with the date, not part of it
            at = first
            value = (start, end)
            while at in extra and abs(at - first) < (1 if taken else _REACH):
                if not taken and _part_of_value(kind, spans, at, value, counts, language):
                    return _left_out(spans, value, at, at + 1)
                word = spans.words[at]
                if step > 0 and word in negations:
                    break  # "6 except 7": the 7 is denied, no part of the 6
                if step < 0 and not taken and _counted_from(kind.name, spans, at, extra):
                    return _left_out(spans, value, at - 1, at + 1)
                if taken and word in alternatives:  # "2" of "room 2 or friday": the name's
                    offered = value_offered(kind, spans, at, step, extra)
                    if offered is not None:  # "the 2nd or friday": a choice of two days
                        both = (min(offered[0], start), max(offered[1], end))
                        return f"{quoted(_said(spans, *both))} is more than one value"
                    break
                if word in language.list_separators or word in language.joiners:
                    other = _joined_value(
                        kind, spans, at + step, step, value, extra, counts, language
                    )
                    # "5 or 6", "5 to 6": a second value; "one and a half", "the 31st of
                    # february": the rest of this one.
                    if other is not None:
                        return _joined(kind, spans, value, at, other, language)
                    if step > 0 and _goes_on_unsaid(kind, spans, value, at):
                        return _left_out(spans, value, at, at + 1)
                    if not taken and word in language.list_separators:
                        chosen = other_choice(
                            kinds,
                            name,
                            spans,
                            (fills, extra),
                            at + step,
                            step,
                            word in alternatives,
                        )
                        if chosen is not None:  # "tonight or friday": not one time and date
                            both = (min(chosen[0], start), max(chosen[1], end))
                            return f"{quoted(_said(spans, *both))} is more than one value"
                if word in language.function_words or (
                    companion_word(kind.name, word, language) and word not in own
                ):
                    second = (
                        None if taken else _numbered_value(kind, spans, at, step, extra, counts)
                    )
                    if second is not None:  # "next friday *the 13th*": which day was meant?
                        return _left_out(spans, value, *second)
                    break  # past it, the words are another value's ("5 pm friday")
                at += step
    return None


def _glued(spans: SpanCache, start: int, end: int, extra: Collection[int]) -> int | None:
    """Where a word left out was written together with the value ("ab" of "ab12"), if one was:
    nothing between them, it is part of what was typed (no number 12, nor AlphaNumeric 12)."""
    tokens = spans.tokens
    if start - 1 in extra and tokens[start].glued and tokens[start - 1].word < tokens[start].word:
        return start - 1
    if end in extra and tokens[end].glued and tokens[end].word > tokens[end - 1].word:
        return end
    return None


def _code_letters(
    spans: SpanCache, start: int, end: int, extra: Collection[int], language: Language
) -> int | None:
    """Where a short word of letters left out right next to an AlphaNumeric value ("ab" of
    "ab 12") is, if one is: the letters of the code said with its digits, not another word
    (a grammar word, "the 12", is one; so is one said apart, "ok, a1", or one the language
    says as a reply of its own, "yes 12", "yep 12", or in a built-in intent's phrase)."""
    tokens = spans.tokens
    for at in (start - 1, end):
        apart = at in extra and tokens[min(at, end - 1)].pause  # (a pause follows the earlier)
        word = spans.words[at] if at in extra and not apart else ""
        if (
            1 < len(word) <= CODE_LETTERS
            and word.isalpha()
            and word not in language.function_words
            and word not in language.replies
            and not any(word in said for said in language.builtin_intents.values())
        ):
            return at
    return None


#: Joining words that make two values a range (in every language's joiners that are English).
_RANGES = frozenset({"to", "through", "thru", "till", "until"})


#: Units a day is counted in, and the words counting from it: "weeks from tomorrow" and "the
#: day after friday", left out of "tomorrow" and "friday", name other days.
_DATE_UNITS = frozenset(
    ["day", "days", "week", "weeks", "month", "months", "year", "years", "fortnight", "fortnights"]
)
_COUNTING = frozenset({"from", "after"})


def _counted_from(slot_type: str, spans: SpanCache, at: int, extra: Collection[int]) -> bool:
    """Whether the left-out words ending at ``at``, before a date, count days from it."""
    return (
        slot_type == "AMAZON.DATE"
        and spans.words[at] in _COUNTING
        and at - 1 in extra
        and spans.words[at - 1] in _DATE_UNITS
    )


#: Words after an ordinal that count it from the end ("second to last", "third from the end",
#: "second last"): the ordinal alone names another item.
_FROM_END = frozenset({"last", "end", "bottom"})
_TOWARDS = frozenset({"to", "from", "the"})


def _counted_back(spans: SpanCache, end: int, extra: Collection[int]) -> int | None:
    """Where a word left out after the ordinal ending at ``end`` counts it from the end."""
    at = end
    while at in extra and spans.words[at] in _TOWARDS and at - end < 2:
        at += 1
    return at if at in extra and spans.words[at] in _FROM_END else None


def _said(spans: SpanCache, start: int, end: int) -> str:
    """The words from ``start`` to ``end`` as the user wrote them ("an hour", "5k")."""
    return surface(spans.tokens[start:end])


def _joined(
    kind: SlotKind,
    spans: SpanCache,
    value: tuple[int, int],
    at: int,
    other: int,
    language: Language,
) -> str:
    """Why a value joined by the word at ``at`` to the word at ``other`` is no value alone."""
    second = spans.fill(kind, other, other + 1)
    word = spans.words[at]
    said = _said(spans, min(value[0], other), max(value[1], other + 1))
    if second is not None and second.kind == "typed":
        if word in _RANGES:
            return f"{quoted(said)} is a range, not one value"
        if word in language.list_separators:
            return f"{quoted(said)} is more than one value"
    return _left_out(spans, value, min(at, other), max(at, other) + 1)


def _left_out(spans: SpanCache, value: tuple[int, int], start: int, end: int) -> str:
    whole = _said(spans, min(value[0], start), max(value[1], end))
    value_said, left = _said(spans, *value), _said(spans, start, end)
    return f"{quoted(whole)} read as {quoted(value_said)} would leave out {quoted(left)}"


def why_no_reading(spans: SpanCache) -> str:
    """The note of an utterance no sample read: why a reading was dropped, if one was."""
    if spans.cut:
        return f"no sample is close enough (a reading was dropped: {spans.cut[0]})"
    return "no sample is close enough"


def _negated(
    spans: SpanCache, start: int, extra: Collection[int], language: Language
) -> int | None:
    """Where a word left out before the value at ``start``, past grammar words, denies it:
    "not friday" is no friday, and "not on friday" none either."""
    negations = language.negations
    at = start - 1
    while at in extra and start - at <= _REACH:
        if spans.words[at] in negations:
            return at
        if spans.words[at] not in language.function_words:
            return None
        at -= 1
    return None


def _numbered_value(
    kind: SlotKind,
    spans: SpanCache,
    at: int,
    step: int,
    extra: Collection[int],
    counts: Callable[[str, datetime.datetime], bool],
) -> tuple[int, int] | None:
    """Where the grammar word at ``at`` and a number or ordinal past it, both left out, are a
    value of ``kind`` of their own ("the 13th" after "next friday"), if they are."""
    beyond = at + step
    if beyond not in extra:
        return None
    word = spans.words[beyond]
    if not (counts(word, spans.now) or any(char.isdigit() for char in word)):
        return None
    start, end = min(at, beyond), max(at, beyond) + 1
    second = spans.fill(kind, start, end)
    return (start, end) if second is not None and second.kind == "typed" else None


def _range_opened(
    kind: SlotKind,
    spans: SpanCache,
    start: int,
    end: int,
    extra: Collection[int],
    language: Language,
) -> int | None:
    """Where a word left out right before the value opens a range that the value's own words
    close: "from 5 to 6 pm" is no 17:55 ("5 to 6", five to six, alone is), "from ten to six"
    the hours of a shop. Each end must be a value of the type: "from quarter to six" is one."""
    opener = start - 1
    if opener not in extra or spans.words[opener] not in language.openers:
        return None
    for at in range(start + 1, end - 1):
        if spans.words[at] in _RANGES:
            first, second = spans.fill(kind, start, at), spans.fill(kind, at + 1, end)
            if first is not None and second is not None:
                return opener
    return None


#: Ends of a value said after "and", to try on a value cut off there: "five hundred and
#: five", "a hundred and 1", "an hour and a half" (English; another language's words fail).
_RESTS: Final = ((), ("1",), ("a", "half"))


def _goes_on_unsaid(kind: SlotKind, spans: SpanCache, value: tuple[int, int], at: int) -> bool:
    """Whether the word left out at ``at``, the last said, starts the rest of the value: "five
    hundred and" (cut off) is no 500, "five hundred and five" is one; nor is "an hour and"
    one hour ("an hour and a half"). A round number typed in digits is said as words ("500
    and" is "five hundred and")."""
    # A multiple-value slot's value is read by its type ("500 and" in a list of numbers).
    parse = getattr(getattr(kind, "base", kind), "parse", None)
    words = spans.words[value[0] : value[1]]
    if parse is None or at + 1 != len(spans.words) or not words:
        return False
    joiner = spans.words[at]
    if any(parse([*words, joiner, *(rest or words[:1])], spans.now) for rest in _RESTS):
        return True
    digits = words[0]
    # "500" said: "five hundred"; "2000": "twenty hundred" as "two thousand" goes on.
    if len(words) == 1 and digits.isdigit() and len(digits) > 2 and digits.endswith("00"):
        return parse([digits[:-2], "hundred", joiner, "1"], spans.now) is not None
    return False


def _part_of_value(
    kind: SlotKind,
    spans: SpanCache,
    at: int,
    value: tuple[int, int],
    counts: Callable[[str, datetime.datetime], bool],
    language: Language,
) -> bool:
    word = spans.words[at]
    after = at >= value[1]
    alone = spans.fill(kind, at, at + 1)
    if alone is not None and alone.kind == "typed":
        # A part of the day beside a clock time ("tonight" of "7 pm tonight") is said again,
        # as "at night" is: `part_left_out` weighs whether the time is in it.
        return not (_clock(spans.fill(kind, *value)) and not _clock(alone))
    if word.startswith("-") or any(char.isdigit() for char in word):
        return True
    if counts(word, spans.now) and not apart_from_number(kind, spans, at, value, language):
        return True
    vocabulary = language.slot_vocabulary(kind.name)
    parse = getattr(kind, "parse", None)
    bound = word in language.bounds  # "till" of "till 8", as "until": no part
    if (
        vocabulary is not None
        and word in vocabulary
        and word not in language.function_words
        and not companion_word(kind.name, word, language)
        and not bound
    ):
        return True
    if after and parse is not None:
        # A word that changes the number said before it: "12 am" is not "12".
        for said in ("1", "12"):
            with_word = parse([said, word], spans.now)
            if with_word is not None and with_word != parse([said], spans.now):
                return True
        if at == len(spans.words) - 1 and parse(["1", word, "1"], spans.now) is not None:
            return True  # the utterance ends with the value half said: "5 to", "5 past"
    return False


def _clock(fill: Fill | None) -> bool:
    """Whether a value is a time of the clock ("19:00"), no part of the day ("NI")."""
    value = "" if fill is None else fill.value or ""
    return len(value) == 5 and value[2] == ":" and value[:2].isdigit()


def _joined_value(
    kind: SlotKind,
    spans: SpanCache,
    at: int,
    step: int,
    value: tuple[int, int],
    extra: Collection[int],
    counts: Callable[[str, datetime.datetime], bool],
    language: Language,
) -> int | None:
    """Where the first word past a list separator ("or", "and") or a joining word ("to",
    "of"), past any grammar words after it ("and *a* half"), is, if it is part of a value of
    ``kind``: a second value, or the rest of this one, that the reading left out."""
    while at in extra:
        if spans.words[at] not in language.function_words:
            return at if _part_of_value(kind, spans, at, value, counts, language) else None
        at += step
    return None

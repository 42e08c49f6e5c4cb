"""What a reading rests on: words a free-form slot merely swallowed prove little, and words that
carry grammar (function words, fillers) prove nothing.

An exact reading that is mostly free-form words may be beaten by a loose one (`typed_share`),
if that one keeps the words its sample matched (`keeps_own_words`), and a sample of slots alone
("{city}") by a built-in intent's sample said whole ("can you select the first one" of
AMAZON.SelectIntent's, `built_in_said_whole`);
the closest intent, for a model without AMAZON.FallbackIntent, is chosen only among readings
resting on a word that means something (`rests_on_meaning`); a free-form slot that took only
the word carrying the value said after it ("in" of "call in may") took no value (`carrier_taken`),
and a first-name slot that took a date the intent's samples read ("tomorrow" of "call tomorrow",
"to" of "call to may") took no name (`name_said_as_date`), nor one number of several said
("three" of "two and three", `name_cut_from_numbers`); a free-form value as long as its type takes
with a word of meaning left out right next to it was cut short (`free_cut_short`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from .afterwords import thanks_words
from .quoted import quoted
from .slot_kinds import FreeKind, first_name_type
from .slottypes import FREE, TYPED
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import Match, SpanCache
    from .retries import OneSlot
    from .slottypes import Fill, SlotKind

__all__ = [
    "built_in_said_whole",
    "carrier_bar",
    "carrier_taken",
    "free_cut_short",
    "keeps_own_words",
    "name_bar",
    "name_cut_from_numbers",
    "name_said_as_date",
    "rests_on_meaning",
    "typed_share",
]


def typed_share(match: Match) -> float:
    """How much of a reading rests on words a slot merely swallowed (0 to 1)."""
    free = sum(end - start for _, fill, start, end in match.fills if fill.weight <= FREE)
    said = sum(end - start for _, fill, start, end in match.fills if fill.weight >= TYPED)
    total = free + said + len(match.sample.words)
    return free / total if total else 0.0


def built_in_said_whole(loose: Match, idle: Collection[str]) -> bool:
    """Whether a loose reading is a built-in intent's sample said whole, nothing else said but
    words in ``idle`` (function words, fillers), not a value of a catch-all "{city}": of the
    built-ins read loosely (AMAZON.SelectIntent, the library's; the standard ones' samples are
    read only as said, `compiled.SAID_EXACTLY`)."""
    return (
        loose.sample.intent.startswith("AMAZON.")
        and bool(loose.sample.words)
        and not loose.missing
        and all(word in idle for word in loose.extra)
    )


def keeps_own_words(exact: Match, loose: Match) -> bool:
    """Whether a loose reading explains the words an exact one matched as its sample's own: it
    neither leaves them out nor lets a free-form slot swallow them. "translate i need help" is
    "translate {phrase}" exactly; AMAZON.HelpIntent's "i need help" (a sample of the skill's
    own), "translate" left out, explains less, whatever its score."""
    # An exact reading covers every token: its sample's words where no slot's value stands.
    filled = {at for _, _, start, end in exact.fills for at in range(start, end)}
    own = set(range(len(exact.sample.words) + len(filled))) - filled
    unexplained = set(loose.extra_at)
    for _, fill, start, end in loose.fills:
        if fill.weight <= FREE:
            unexplained.update(range(start, end))
    return not own & unexplained


def rests_on_meaning(match: Match, words: Sequence[str], idle: Collection[str]) -> bool:
    """Whether a reading of ``words`` rests on one that means something: a word said that its
    sample has (or its stem), or that a slot's type reads (a date, a number, a listed value),
    and is not in ``idle``, the language's function words and fillers ("is" of "what is the
    weather" proves nothing). Words left over, or taken by a free-form slot (AMAZON.City takes
    any), are no ground."""
    ignored = set(match.extra_at)
    for _, fill, start, end in match.fills:
        if fill.weight <= FREE:
            ignored.update(range(start, end))
    return any(word not in idle for at, word in enumerate(words) if at not in ignored)


def carrier_taken(
    spans: SpanCache, fills: Sequence[tuple[str, Fill, int, int]], language: Language
) -> tuple[tuple[str, int, int], str] | None:
    """The value (slot name, first token, token after the last) of a free-form slot that took
    nothing but value carriers said right before another slot's typed value, and why it is no
    value: "in" of "call in may" (read by "call {name} {date}") is the month's carrier, no
    name. Asked of a reading found, never of each span tried."""
    carriers = language.value_carriers
    starts = {start for _, fill, start, _ in fills if fill.kind == "typed"}
    for name, fill, start, end in fills:
        if fill.weight > FREE or end not in starts:
            continue
        if all(word in carriers for word in spans.words[start:end]):
            said = surface(spans.tokens[start:end])
            return (
                name,
                start,
                end,
            ), f"{quoted(said)} carries the value after it, no value of its own"
    return None


def carrier_bar(
    spans: SpanCache, fills: Sequence[tuple[str, Fill, int, int]], language: Language, why: str
) -> OneSlot | None:
    """The bar of a reading refused as `carrier_taken`'s (``why``): the carrier's words from
    that slot alone, and kept (no next reading leaves them out): the value's, with the value."""
    found = carrier_taken(spans, fills, language)
    return (found[0], found[0][1:]) if found is not None and found[1] == why else None


def name_said_as_date(
    kinds: Mapping[str, SlotKind],
    slots: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> tuple[tuple[str, int, int], tuple[int, int], str] | None:
    """The value (slot name, first token, token after the last) of a first-name slot (of
    ``kinds``) that is a date where a sample of the intent places a date slot (``slots``),
    the words no next reading may leave out, and why it is no name: "tomorrow" of "call
    tomorrow" (the date's words), "to may" or "to" of "call to may" (grammar words alone
    before a value, left out). A date word that is a name too, said right after a
    `Language.homonym_cues` word, stays a name ("call may": `date_homonyms.month_astray`)."""
    dates = [kind for kind in slots.values() if kind.name == "AMAZON.DATE"]
    if not dates:
        return None
    # Grammar words, "may" (a month and a modal) not among them.
    words, grammar = spans.words, language.function_words - language.date_homonyms
    starts = {start for _, fill, start, _ in fills if fill.kind == "typed"}
    for name, _, start, end in fills:
        if not first_name_type(kinds[name].name):
            continue
        own = start
        while own < end and words[own] in grammar:
            own += 1
        said = surface(spans.tokens[start:end])
        if own == end:
            if end in starts:
                return (name, start, end), (end, end), f"{quoted(said)} is grammar words, no name"
            continue
        if not any(spans.fill(kind, own, end) is not None for kind in dates):
            continue
        before = words[own - 1] if own > 0 else ""
        homonyms = all(word in language.date_homonyms for word in words[own:end])
        if homonyms and before in language.homonym_cues:
            continue
        return (name, start, end), (own, end), f"{quoted(said)} is a date, no name"
    return None


def name_bar(
    kinds: Mapping[str, SlotKind],
    slots: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
    why: str,
) -> OneSlot | None:
    """The bar of a reading refused as `name_said_as_date`'s (``why``): the words from the
    name slot alone, and the date's words kept (a next reading reads them, as the date)."""
    found = name_said_as_date(kinds, slots, spans, fills, language)
    return found[:2] if found is not None and found[2] == why else None


def name_cut_from_numbers(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a first-name slot holding a number ("three" of "call two and three friday") with
    other numbers joined to it left out took no name, if it did: "two and three" names nobody
    (`FreeKind.numbers`), and the one number of it is a value cut short."""
    words, separators = spans.words, language.list_separators
    for name, _, start, end in fills:
        kind = kinds[name]
        if not isinstance(kind, FreeKind) or not kind.numbers(words[start:end], spans.now):
            continue
        low, high = start, end
        while low - 1 in extra and kind.numbers(words[low - 1 : low], spans.now):
            low -= 1
        while high in extra and kind.numbers(words[high : high + 1], spans.now):
            high += 1
        # The joined numbers end with a number, not with "and": "two and three".
        while low < start and words[low] in separators:
            low += 1
        while high > end and words[high - 1] in separators:
            high -= 1
        if (low, high) != (start, end):
            tokens = spans.tokens
            whole, said = surface(tokens[low:high]), surface(tokens[start:end])
            left = surface([*tokens[low:start], *tokens[end:high]])
            return f"{quoted(whole)} read as {quoted(said)} would leave out {quoted(left)}"
    return None


def free_cut_short(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
    language: Language,
) -> str | None:
    """Why a free-form value holding as many words as its type takes, with a word of meaning
    left out right next to it (no pause between), was cut short, if it was: "jane smith jones"
    of "call mary jane smith jones now", "mary" left out, is no first name (three words at
    most); the four words are none either. A grammar word, a filler or a list's word ends the
    value ("call ann marie lee and bob"), but the rest of thanks a search query ends with ("you"
    of "... thank you"), and none is cut short that thanks open."""
    words, tokens = spans.words, spans.tokens
    idle = language.function_words | language.fillers | language.list_separators
    idle |= language.negations | language.courtesies | language.afterwords
    for name, fill, start, end in fills:
        kind = kinds[name]
        if not isinstance(kind, FreeKind) or fill.kind != "free" or end - start < kind.max_words:
            continue
        if words[start] in language.courtesies:
            # Read from thanks on ("thanks a lot" of "paris thanks a lot"), it cut no name
            # short: the word before is the value, the thanks left out (`answer_values.thanked`).
            continue
        # Thanks cut in two: "... thank" of a search query's thirty words, "you" left out, is
        # neither what the user said (a query keeps its thanks) nor the words without them. A
        # name's thanks are left out of it after (`answer_values.thanked`), a query's never.
        query = kind.name == "AMAZON.SearchQuery"
        thanked = query and words[end - 1] in language.courtesies
        for at, between in ((start - 1, start - 1), (end, end - 1)):
            if at not in extra or tokens[between].pause:
                continue
            halved = at == end and thanked and words[at] in thanks_words(language)
            if words[at] not in idle or halved:
                said = surface(tokens[min(at, start) : max(at + 1, end)])
                return f"{quoted(said)} is more words than {kind.name} takes ({kind.max_words})"
    return None

"""Matching words against sample utterances: exactly through a word trie, loosely by alignment.

**Exact matching.** All samples share one trie whose edges are words or slots. A search from the
root consumes the utterance's tokens; a slot edge takes a span of one or more tokens that its
slot type accepts. Among all complete readings the best-scoring one wins: every sample word
counts 1, slot words count by what they are (a parsed number or date, or a listed custom value,
counts almost as much as a sample word; words a free-form slot only swallows count little), and
each slot costs a little, so the most specific sample wins, as Alexa favours it. The search is
memoised on (trie node, position), so it visits each pair once.

**Loose matching** (when no sample matches exactly): the samples sharing the most informative
words with the utterance are aligned with it word by word (`alignment`), allowing extra words,
missing words and slots left empty at a cost. A reading is accepted when it covers enough of its
sample's meaningful words; how much is "enough" follows the model's fallback sensitivity.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .alignment import SLOT_COST, WORD, Alignment, best_alignment, extra_cost
from .companions import number_split, part_of_day_clash, said_along, year_for_time, year_taken
from .cut import cut_reason, cut_value
from .date_homonyms import month_astray
from .day_parts import bound_misplaced, part_as_date
from .evidence import carrier_bar, carrier_taken, name_bar, name_said_as_date, rests_on_meaning
from .languages import Language
from .retries import Bar, OneSlot, next_readings
from .slottypes import Fill, SlotKind
from .spans import SpanCache
from .text import Token

__all__ = [
    "Match",
    "Sample",
    "SampleMatcher",
    "SlotRef",
    "SpanCache",
]

_CANDIDATES: Final = 10
#: Share of a sample's meaningful words a loose match must have, by fallback sensitivity.
COVERAGE: Final = {"LOW": 0.5, "MEDIUM": 0.6, "HIGH": 0.75}


@dataclass(frozen=True, slots=True)
class SlotRef:
    """A ``{slot}`` in a sample: the slot's name and how its type reads words."""

    name: str
    kind: SlotKind


@dataclass(frozen=True, slots=True)
class Sample:
    """One sample utterance of an intent, cut into words and slots."""

    intent: str
    text: str
    elements: tuple[str | SlotRef, ...]
    #: Position among all samples: the earlier wins a tie.
    order: int
    #: Read loosely only, never as said: a form of a sample the model does not have (its
    #: particle moved, `particle_shifts`), which may not take words into a slot exactly.
    loose_only: bool = False
    #: Read exactly only, never loosely: a form whose slot takes fewer values than the model's
    #: (`part_of_day_swaps`), so a loose reading of it would miss a value left out, or a
    #: built-in intent's sample, which Alexa reads only as said (`compiled.SAID_EXACTLY`).
    exact_only: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        """The sample's own words (slots left out)."""
        return tuple(element for element in self.elements if isinstance(element, str))


@dataclass(frozen=True, slots=True)
class Match:
    """A reading of the utterance as one sample."""

    sample: Sample
    score: float
    #: (slot name, what it holds, first token, token after the last).
    fills: tuple[tuple[str, Fill, int, int], ...]
    exact: bool = True
    #: Said words the sample does not have, and sample words that were not said.
    extra: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    #: The positions of the extra words among the tokens.
    extra_at: tuple[int, ...] = ()
    #: Score per said word (fillers left out not counted), to compare readings of different
    #: utterances.
    quality: float = 0.0


@dataclass(eq=False)
class _Node:
    words: dict[str, _Node] = field(default_factory=dict)
    slots: dict[tuple[str, int], tuple[SlotRef, _Node]] = field(default_factory=dict)
    ends: list[Sample] = field(default_factory=list)
    index: int = 0


# A reading, best first: (score, -order of its sample, path). Paths are linked tuples
# ((name, fill, start, end) | None, rest) so that extending one never copies it.
_Path = tuple[object, object] | None
_Best = tuple[float, int, Sample, _Path]
#: The types whose values a time and date said together can clash in (`part_of_day_clash`,
#: `year_for_time`, `number_split`): an exact reading refused bars only their words.
_CLOCK_TYPES: Final = frozenset({"AMAZON.TIME", "AMAZON.DATE"})


class SampleMatcher:
    """Finds the sample utterance that best explains a list of tokens."""

    def __init__(self, samples: Sequence[Sample], language: Language) -> None:
        self.samples = list(samples)
        self.language = language
        self._stems: dict[str, str] = {}
        self.root = _Node()
        self._count = 1
        for sample in self.samples:
            if not sample.loose_only:
                self._add(sample)
        # The index of loose matching: word → samples using it, with the word's weight.
        self.index: dict[str, list[int]] = {}
        for position, sample in enumerate(self.samples):
            for word in set(sample.words) if not sample.exact_only else ():
                self.index.setdefault(word, []).append(position)
                stem = self._stem(word)
                if stem != word:
                    self.index.setdefault(stem, []).append(position)
        #: Each intent's slots that its samples place, by name: a clock time's words that one
        #: sample reads as a year ("alarm {date}") are the time slot's of another ("alarm
        #: {time}"), whichever is listed first (`year_taken`).
        self.slots: dict[str, dict[str, SlotKind]] = {}
        for sample in self.samples:
            slots = self.slots.setdefault(sample.intent, {})
            for item in sample.elements:
                if isinstance(item, SlotRef):
                    slots.setdefault(item.name, item.kind)
        total = max(sum(1 for sample in self.samples if not sample.exact_only), 1)
        self.idf = {word: math.log(1 + total / len(where)) for word, where in self.index.items()}
        #: Words that prove nothing a sample is meant: the language's function words and fillers.
        self._idle = language.function_words | language.fillers
        #: The meaningful words the samples use.
        self.vocabulary = frozenset(
            word
            for sample in self.samples
            for word in sample.words
            if word not in language.function_words
        )

    def _counts(self, word: str, now: datetime.datetime) -> bool:
        """Whether ``word`` is a number or an ordinal in the language ("30", "thirtieth"), or a
        scale of one ("million": "1 million" is a number)."""
        for slot_type in ("AMAZON.NUMBER", "AMAZON.Ordinal"):
            parse = self.language.slot_parser(slot_type)
            if parse is not None and (
                parse([word], now) is not None or parse(["1", word], now) is not None
            ):
                return True
        return False

    def cut(
        self,
        kinds: Mapping[str, SlotKind],
        spans: SpanCache,
        fills: Sequence[tuple[str, Fill, int, int]],
        extra: Collection[int],
        taken: bool,
    ) -> str | None:
        """Why a reading's values of slots of ``kinds`` are cut short, if they are (`.cut`)."""
        return cut_reason(kinds, spans, fills, extra, self._counts, self.language, taken=taken)

    def _stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = self.language.stem(word)
        return found

    def _add(self, sample: Sample) -> None:
        node = self.root
        for element in sample.elements:
            if isinstance(element, str):
                child = node.words.get(element)
                if child is None:
                    child = node.words[element] = _Node(index=self._count)
                    self._count += 1
                node = child
            else:
                key = (element.name, id(element.kind))
                entry = node.slots.get(key)
                if entry is None:
                    entry = node.slots[key] = (element, _Node(index=self._count))
                    self._count += 1
                node = entry[1]
        node.ends.append(sample)

    # --- exact ---------------------------------------------------------------------------------

    def exact(self, spans: SpanCache) -> Match | None:
        """The best reading of the cache's tokens as a whole sample, or None. A reading whose
        time and date disagree is none ("ten thirty at night" as the year 1030 and the time
        "night"), and the next is tried (`next_readings`): that of another sample, the time
        "ten thirty at night", 22:30."""

        def search(barred: Collection[Bar]) -> _Best | None:
            return self._exact(spans, barred)

        def clash(found: _Best) -> str | None:
            sample, fills = found[2], _fills(found[3])
            kinds = {item.name: item.kind for item in sample.elements if not isinstance(item, str)}
            slots = self.slots[sample.intent]
            # "7 tonight": no 07:00; "ten thirty at night": no year 1030 (nor "twenty twenty
            # six" of "alarm {date}" beside "alarm {time}"); "twenty twenty six": no 2020 and
            # 06:00; "may" of "book may paris": no month.
            return (
                part_of_day_clash(kinds, spans, fills)
                or month_astray(kinds, spans, fills, self.language)
                or year_for_time(slots, spans, fills, self.language, sample.words)
                or number_split(kinds, spans, fills, self.language)
                or (carrier_taken(spans, fills, self.language) or (None, None))[1]
                or (name_said_as_date(kinds, slots, spans, fills, self.language) or ("",) * 3)[2]
                or None
            )

        def one_slot(found: _Best, why: str) -> OneSlot | None:
            # A year refused: its words are barred from the date slot alone (the time's still).
            # A month that is a word too ("call may") is barred from the date slot alone, and
            # none of its words is the date's own: the word is a free-form slot's to take.
            sample, fills = found[2], _fills(found[3])
            kinds = {item.name: item.kind for item in sample.elements if not isinstance(item, str)}
            carrier = carrier_bar(spans, fills, self.language, why)  # "in" of "call in may"
            slots = self.slots[sample.intent]
            carrier = carrier or name_bar(kinds, slots, spans, fills, self.language, why)
            if carrier is not None:
                return carrier
            for fill in fills:
                if month_astray(kinds, spans, [fill], self.language) == why:
                    return (fill[0], fill[2], fill[3]), (fill[3], fill[3])
            year = year_taken(self.slots[sample.intent], spans, fills, self.language, sample.words)
            return (year[0], (year[2], year[0][2])) if year is not None and year[1] == why else None

        def clock_values(found: _Best) -> list[tuple[str, Fill, int, int]]:
            elements = found[2].elements
            kinds = {item.name: item.kind.name for item in elements if not isinstance(item, str)}
            return [fill for fill in _fills(found[3]) if kinds[fill[0]] in _CLOCK_TYPES]

        result = next_readings(
            search,
            clash,
            lambda found: _fills(found[3]),
            clock_values,
            spans.cut,
            one_slot=one_slot,
        )
        if result is None:
            return None
        score, _, sample, path = result
        return Match(sample, score, _fills(path), quality=score / max(len(spans.words), 1))

    def _exact(self, spans: SpanCache, barred: Collection[Bar]) -> _Best | None:
        """The best reading of the cache's tokens as a whole sample, no slot holding a span of
        ``barred`` (first token, token after the last)."""
        words = spans.words
        size = len(words)
        memo: dict[tuple[int, int], _Best | None] = {}

        def best(node: _Node, at: int) -> _Best | None:
            key = (node.index, at)
            if key in memo:
                return memo[key]
            found: _Best | None = None
            if at == size and node.ends:
                first = min(node.ends, key=lambda sample: sample.order)
                found = (0.0, -first.order, first, None)
            if at < size:
                child = node.words.get(words[at])
                if child is not None:
                    rest = best(child, at + 1)
                    if rest is not None:
                        found = _better(found, (rest[0] + WORD, rest[1], rest[2], (None, rest[3])))
                for ref, child in node.slots.values():
                    last = min(size, at + ref.kind.max_words)
                    # After the slot comes a word of the sample, another slot, or the end: only
                    # spans ending there can lead anywhere (most are never read).
                    follow = child.words
                    anywhere = bool(child.slots)
                    for end in range(at + 1, last + 1):
                        if not anywhere and not (
                            (end < size and words[end] in follow) or (end == size and child.ends)
                        ):
                            continue
                        fill = spans.fill(ref.kind, at, end)
                        if fill is None or (
                            barred and ((at, end) in barred or (ref.name, at, end) in barred)
                        ):
                            continue
                        rest = best(child, end)
                        if rest is None:
                            continue
                        score = rest[0] + fill.weight * (end - at) - SLOT_COST
                        path = ((ref.name, fill, at, end), rest[3])
                        found = _better(found, (score, rest[1], rest[2], path))
            memo[key] = found
            return found

        return best(self.root, 0)

    # --- loose ---------------------------------------------------------------------------------

    def candidates(self, tokens: Sequence[Token]) -> list[Sample]:
        """The samples sharing the most informative words with ``tokens``, first those sharing
        one that is no function word nor filler: in a large model, ten samples sharing "where is
        the ... for me" would push out the one sharing "parcel". Fillers said weigh nothing (or
        little: "like" may mean something), nor push one out: "please" said would favour ten
        samples of "please post the ... parcel" over "track the parcel"."""
        scores: dict[int, float] = {}
        meaningful: set[int] = set()
        idle = self._idle
        # A pure filler said ("um", "please") weighs nothing; one that may be a word of meaning
        # ("like") as little as a function word. (A language may name no pure fillers.)
        pure = self.language.pure_fillers
        # In the order said, the word before its stem: the same sums (and ties) at every run.
        for word in dict.fromkeys(token.text for token in tokens):
            weight = 0.0 if word in pure else 0.3 if word in idle else 1.0
            for key in dict.fromkeys((word, self._stem(word))):
                where = self.index.get(key, ())
                share = weight * self.idf[key] if where else 0.0
                for position in where:
                    scores[position] = scores.get(position, 0.0) + share
                if word not in idle:
                    meaningful.update(where)
        ranked = sorted(scores, key=lambda at: (at not in meaningful, -scores[at], at))
        return [self.samples[position] for position in ranked[:_CANDIDATES]]

    def loose(self, spans: SpanCache, sensitivity: str = "LOW") -> Match | None:
        """The best loose reading of the cache's tokens, if one covers enough of its sample. One
        that drops words said never beats one that uses them all, as said, only slots empty:
        "buy 3 apples" is not the task "buy" and the time 03:00 of "... {task} at {time}", the
        "apples" dropped, but the task "buy 3 apples" of "... {task} {date}"."""
        best: Match | None = None
        whole: Match | None = None
        for sample in self.candidates(spans.tokens):
            match = self.align(sample, spans)
            if match is None or not self.acceptable(match, sensitivity):
                continue
            if best is None or _ahead(match, best):
                best = match
            if not match.extra and not match.missing and (whole is None or _ahead(match, whole)):
                whole = match
        return whole if best is not None and whole is not None and self.drops(best, spans) else best

    def drops(self, match: Match, spans: SpanCache) -> bool:
        """Whether a reading leaves out words said that are no fillers nor a value said along."""
        along = said_along(match.sample, spans, match.fills, match.extra_at, self.language)
        fillers = self.language.fillers
        return any(spans.words[at] not in fillers for at in set(match.extra_at) - set(along))

    def opening(self, spans: SpanCache, words: Sequence[str], sensitivity: str) -> Match | None:
        """The best loose reading, if its sample opens with ``words`` as the tokens do: "play
        episode 5 now" is "play episode {number}" read loosely, the word "play" its own."""
        match = self.loose(spans, sensitivity)
        if match is None or match.sample.elements[: len(words)] != tuple(words):
            return None
        return match if not set(range(len(words))) & set(match.extra_at) else None

    def closest(self, spans: SpanCache) -> Match | None:
        """The best loose reading whatever its coverage (for a model without a fallback), among
        those resting on a word that is no function word nor filler (`rests_on_meaning`). Its
        custom slots hold only values their types list: a reading no sample is close to is a
        guess at the intent, and words made a value it invents ("wipe the whole" of "wipe the
        whole list" as an item to add) would be a second guess."""
        idle = self._idle
        candidates = self.candidates(spans.tokens)
        matches = [self.align(sample, spans, listed=True) for sample in candidates]
        found = [m for m in matches if m is not None and rests_on_meaning(m, spans.words, idle)]
        return max(found, key=lambda match: (match.score, -match.sample.order), default=None)

    def acceptable(self, match: Match, sensitivity: str) -> bool:
        """Whether a loose reading covers enough of its sample's meaningful words."""
        meaningful = [
            word for word in match.sample.words if word not in self.language.function_words
        ]
        if not meaningful:
            return False
        missing = [word for word in match.missing if word not in self.language.function_words]
        coverage = 1 - len(missing) / len(meaningful)
        return coverage >= COVERAGE.get(sensitivity, 0.5) and match.quality >= 0.1

    def align(self, sample: Sample, spans: SpanCache, *, listed: bool = False) -> Match | None:
        """The best word-by-word alignment of the cache's tokens with ``sample`` that cuts no
        value short (`cut_value`); with ``listed``, its custom slots only with values their
        types list. A wrong value is worse than none, but the words may be read otherwise: an
        alignment refused, the next is tried (`next_readings`), its values' words barred.
        A clock time's words read as a year ("ten thirty", 1030, of "ten thirty tonight", the
        time slot NI) may so be the time's ("ten thirty tonight", 22:30, the date left empty);
        and "7" with the date "tonight" (no 07:00) the time "7 tonight", 19:00."""
        stems = spans.stems(self._stem)
        elements = sample.elements
        element_stems = [
            self._stem(element) if isinstance(element, str) else "" for element in elements
        ]
        language, vocabulary = self.language, self.vocabulary

        def search(barred: Collection[Bar]) -> Alignment | None:
            return best_alignment(
                sample, spans, stems, element_stems, language, vocabulary, barred, listed
            )

        slots = self.slots[sample.intent]
        kinds = {item.name: item.kind for item in elements if not isinstance(item, str)}

        def cut(found: Alignment) -> str | None:
            return cut_value(sample, spans, found[1], found[2], self._counts, language, slots)

        def values(found: Alignment) -> list[tuple[str, Fill, int, int]]:
            return found[1]

        def left_out(found: Alignment) -> list[int]:
            return found[2]

        def one_slot(found: Alignment, why: str) -> OneSlot | None:
            # A clock time's words read as a year, the intent's time slot empty (in this sample
            # or another): the date's alone (a grammar word before them, "for", its alone too);
            # a time after "from" in the end slot: the end's alone.
            carrier = carrier_bar(spans, found[1], language, why)  # "in" of "call in may"
            carrier = carrier or name_bar(kinds, slots, spans, found[1], language, why)
            if carrier is not None:
                return carrier
            year = year_taken(slots, spans, found[1], language, sample.words)
            if year is not None:
                return (year[0], (year[2], year[0][2])) if year[1] == why else None
            bound = bound_misplaced(sample, spans, found[1], language)
            if bound is not None:
                return (bound[0], bound[0][1:]) if bound[1] == why else None
            # "this evening" of "this evening today" (or "tonight" of "tonight friday") read as
            # the date, a day left out: the empty time slot's to read, the date the day's.
            return part_as_date(slots, spans, found[1], found[2])

        aligned = next_readings(search, cut, values, values, spans.cut, left_out, one_slot)
        if aligned is None:
            return None
        score, fills, extra, missing = aligned
        words = spans.words
        # A time said along with a date ("friday at 5 pm") is no noise: Alexa reads it, so it
        # costs the reading nothing in how well it covers the words (its score is kept). Nor
        # do fillers left out ("um", "like"), which Alexa ignores: they are no words said.
        along = said_along(sample, spans, fills, extra, self.language)
        idle = [at for at in extra if words[at] in self.language.fillers]
        refund = sum(extra_cost(words[at], self.language) for at in {*along, *idle})
        exact = (
            not extra
            and not missing
            and len(fills) == sum(1 for element in elements if not isinstance(element, str))
        )
        return Match(
            sample,
            score,
            tuple(fills),
            exact=exact,
            extra=tuple(words[at] for at in extra),
            missing=tuple(missing),
            quality=(score + refund) / max(len(words) - len(idle), 1),
            extra_at=tuple(extra),
        )


def _ahead(match: Match, other: Match) -> bool:
    return (match.score, -match.sample.order) > (other.score, -other.sample.order)


def _better(current: _Best | None, candidate: _Best) -> _Best:
    if current is None or candidate[:2] > current[:2]:
        return candidate
    return current


def _fills(path: _Path) -> tuple[tuple[str, Fill, int, int], ...]:
    fills = []
    while path is not None:
        step, path = path  # type: ignore[assignment]
        if step is not None:
            fills.append(step)
    return tuple(fills)  # type: ignore[arg-type]

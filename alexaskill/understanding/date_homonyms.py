"""Where a date said by a word that is another word too ("may": a month and a modal) is
none: "ask if i may leave", "he may", "fix the spring", "call may" (`month_astray`).

A reading that takes such a word for a date where it is the other word gives a wrong value;
the matcher drops it (`cut`), and the next reading reads the word as the word it is.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import SpanCache
    from .slottypes import Fill, SlotKind

__all__ = ["month_astray"]


def month_astray(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    language: Language,
) -> str | None:
    """Why a date said by a word that is another word too (`Language.date_homonyms`: "may")
    is none where it stands: right after no value carrier ("in may", "on may fifth" are
    dates), and words said after it ("remind me may" is one), "may" is the verb of "ask if i
    may leave" and "may i", no month. Fillers said after it ("please") are no words. Right
    after a `Language.homonym_cues` word it is the other word even last: "he may" (a verb),
    "fix the spring" (a thing), "call may" (a person: of a month said as the object of "call",
    "tell", "text", a name is what Amazon's AMAZON.DATE would least likely take for a date),
    unless a carrier comes before that word ("in the fall"). With a year said after it, only
    that word makes it none ("fix the spring 2028": the year alone is a date). A word refused
    here may still be left over for an empty date slot (`generalise`): "remind me may to call
    mom" is May (no modal takes "to"), where the task slot reads "call mom"."""
    homonyms, carriers = language.date_homonyms, language.value_carriers
    cues, words = language.homonym_cues, spans.words
    for name, fill, start, end in fills:
        if kinds[name].name != "AMAZON.DATE" or fill.kind != "typed":
            continue
        own = [at for at in range(start, end) if words[at] not in carriers | cues]
        if not own or words[own[0]] not in homonyms:
            continue
        at = own[0]
        # "the spring 2028" as "the spring" is: the word before a year ("2028") only.
        year = spans.fill(kinds[name], at + 1, end) if len(own) > 1 else None
        if len(own) > 1 and (year is None or not (year.value or "").isdigit()):
            continue
        before = words[at - 1] if at > 0 else ""
        said = surface(spans.tokens[at : at + 1])
        if before in carriers or (before in cues and at > 1 and words[at - 2] in carriers):
            continue
        if before in cues:
            return f"{quoted(said)} said right after {quoted(before)} is no date"
        if year is not None or all(word in language.pure_fillers for word in words[at + 1 :]):
            continue  # last, or a year said with it ("remind me may 2028 to ..."): a date
        return f"{quoted(said)} said before other words, after no {_either(carriers)}, is no date"
    return None


def _either(words: Collection[str]) -> str:
    """``words``, sorted, as "at, by or in"."""
    *first, last = sorted(words) or [""]
    return f"{', '.join(first)} or {last}" if first else last

"""A built-in intent's phrase said alone ("yes", "help", "never mind") that a sample of slots alone
("{city}", "{name}") took as any words: that built-in intent, or no reading.

Amazon's "Tips for Using Built-in Intents for Your Skill" says a built-in intent is triggered by
an exactly matching utterance, and its "Implement the Built-in Intents" that Alexa sends one
(AMAZON.HelpIntent for "help") where the skill's model has it; what maps to none of the skill's
intents is AMAZON.FallbackIntent's ("out-of-domain requests", Amazon's post introducing it), and
its "Use a Dialog Model to Manage Ambiguous Responses" keeps a yes for a slot only where its
type lists it ("Use a Custom Yes/No Slot to Collect Boolean Values"). So "yes" said to a skill
whose only near sample is "{city}" is AMAZON.YesIntent where the model has it, else no reading
(AMAZON.FallbackIntent, or the closest sample sharing a word), never the city "yes". A value
said with its intent's own words stays one ("plan a trip to yes"), as does a value its type
lists where the model has no such built-in intent (with AMAZON.YesIntent, "yes" alone is it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .answer_values import swallowed
from .matcher import Match
from .quoted import quoted

__all__ = ["built_in_note", "built_in_said"]


def built_in_said(
    match: Match,
    words: Sequence[str],
    reply: Callable[[str], str | None],
    phrases: Mapping[tuple[str, ...], str],
) -> str | None:
    """The built-in intent whose phrase the ``words`` of ``match`` are, where its sample is of
    slots alone and took them as any words (`swallowed`), else None: a yes, a no, stop or
    cancel as ``reply`` reads them (with thanks, "yes thank you", or twice, "yes sure"), else
    a phrase ``phrases`` lists ("help": AMAZON.HelpIntent)."""
    # `swallowed` first: every reading comes through here, few are of slots alone, and
    # `reply`'s matching costs a tenth of a reading.
    if not swallowed(match):
        return None
    return reply(" ".join(words)) or phrases.get(tuple(words))


def built_in_note(intent: str, words: Sequence[str], has_it: bool) -> str:
    """The note of ``words`` read as ``intent``'s phrase, not a value of a sample of slots alone;
    ``has_it``: the model has the intent (else no reading)."""
    said = (
        f"{quoted(' '.join(words))} is {intent}'s phrase said alone, no value of a slot said alone"
    )
    return said if has_it else f"{said}; the model has no {intent}"

"""Typing mistakes: which known name one given is likely a slip for ("did you mean …?"), by the
one comparison every such guess makes (difflib's ratio, case aside)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["NAME_OF_WORDS", "TYPO", "close_matches", "did_you_mean", "likeness"]

#: How alike a name must be to a known one to be taken for its typo: a letter off, left out,
#: doubled or swapped is 0.75 in a word of four letters (--prot, --port), more in a longer one,
#: and a name cut to two thirds is still meant (num, number 0.67). difflib's default, 0.6, took
#: other words for typos: TestClient(timeout=) for time_zone (0.63), a slot duration for
#: destination (0.63), name for full_name (0.62).
TYPO: Final = 0.65

#: The same for a name made of words, where two names a word apart are common: a skill's intents
#: (OrderPizza, OrderPasta 0.7; StartGameIntent, StopGameIntent 0.83) and Amazon's request types.
#: A letter off in one is 0.85 and up (GetTime, GetTiem 0.857). Two names a letter apart that are
#: both a skill's own intents (TurnOnIntent, TurnOffIntent 0.88) no ratio tells from a typo: the
#: callers compare a handled intent with none of the others handled.
NAME_OF_WORDS: Final = 0.85


def likeness(name: str, other: str) -> float:
    """How alike ``name`` and ``other`` are, case aside: 1.0 alike, 0.0 nothing shared."""
    import difflib  # here: only a mistake needs it, and a cold start does not

    return difflib.SequenceMatcher(None, name.casefold(), other.casefold()).ratio()


def close_matches(name: str, candidates: Iterable[str], *, cutoff: float = TYPO) -> list[str]:
    """The ``candidates`` (at most three, never ``name`` itself) that ``name`` looks like a typo
    of, case aside, closest first."""
    import difflib

    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(name.casefold(), sorted(by_key), n=3, cutoff=cutoff)
    return [by_key[key] for key in found if by_key[key] != name]


def did_you_mean(name: str, candidates: Iterable[str], *, cutoff: float = TYPO) -> str:
    """``"; did you mean X?"`` for the closest of ``candidates``, or ``""`` if none is close."""
    matches = close_matches(name, candidates, cutoff=cutoff)
    return f"; did you mean {matches[0]}?" if matches else ""

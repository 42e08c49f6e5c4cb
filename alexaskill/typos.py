"""Typing mistakes: which known name one given is likely a slip for ("did you mean …?"), by the
one rule every such guess follows (`meant`, `close_matches`): the same name in another case, or
without the word that says its kind (``Intent``, ``Request``), or a slip within a word."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Final, TypeVar

__all__ = [
    "NAME_OF_WORDS",
    "TYPO",
    "close_matches",
    "did_you_mean",
    "edits",
    "likeness",
    "meant",
    "slip",
    "vocabulary",
]

#: How alike a name must be to a known one to be taken for its typo: a letter off, left out,
#: doubled or swapped is 0.75 in a word of four letters (--prot, --port), more in a longer one,
#: and a name cut to two thirds is still meant (num, number 0.67). difflib's default, 0.6, took
#: other words for typos: TestClient(timeout=) for time_zone (0.63), a slot duration for
#: destination (0.63), name for full_name (0.62).
TYPO: Final = 0.65

#: The same for a name made of words, where two names a word apart are common: a skill's intents
#: (OrderPizza, OrderPasta 0.7; StartGameIntent, StopGameIntent 0.83) and Amazon's request types.
#: A letter off in one is 0.85 and up (GetTime, GetTiem 0.857); a slip in a shorter one, less
#: alike, is counted instead (`slip`: Unlcok, Unlock 0.83). Two names a short word apart pass
#: it (TurnOnIntent, TurnOffIntent 0.88): the word where they differ decides (`_slip`).
NAME_OF_WORDS: Final = 0.85

#: A word of a name: CamelCase (Get, Weather), capitals (APL, CITY). A digit is none: one
#: added is a stray key (UserEvent2).
_WORD: Final = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")

#: Prefixes that make another word of one (Lock, Unlock; Play, Replay; Increase, Decrease): a
#: name with one added, left out or replaced is another name, often the opposite one.
_PREFIXES: Final = ("de", "dis", "en", "ex", "im", "in", "mis", "non", "re", "un")

#: The last word that says what kind of name it is, which a name given may leave off
#: ("AMAZON.Fallback", "Launch"): the words before it say which name is meant.
_KINDS: Final = ("intent", "request")


def likeness(name: str, other: str) -> float:
    """How alike ``name`` and ``other`` are, case aside: 1.0 alike, 0.0 nothing shared."""
    import difflib  # here: only a mistake needs it, and a cold start does not

    return difflib.SequenceMatcher(None, name.casefold(), other.casefold()).ratio()


def _words(names: Iterable[str]) -> set[str]:
    """Every word of ``names``, case aside (``LoopOffIntent``: loop, off, intent)."""
    return {word.casefold() for name in names for word in _WORD.findall(name)}


def edits(name: str, other: str, limit: int | None = None) -> int:
    """How many letters added, left out, replaced or two side by side swapped make ``other`` of
    ``name``, case aside (their optimal string alignment distance); past ``limit``, if given,
    ``limit + 1``."""
    said, theirs = _unshared(name.casefold(), other.casefold())
    # Past a limit, only letters at most that far apart are aligned (a band of the table, each
    # cell past it as good as any beyond the limit): most names compared are no slip, and a
    # whole table of each cost a guess of every "did you mean" twice the time.
    big = len(said) + len(theirs) + 1 if limit is None else limit + 1
    earlier: list[int] = []  # (the row of two letters back, where a swap is counted from)
    before, row = earlier, [min(j, big) for j in range(len(theirs) + 1)]
    least = 0  # (the least count of the row)
    for i, letter in enumerate(said, 1):
        earlier, before, row = before, row, [min(i, big)] + [big] * len(theirs)
        first, last = (1, len(theirs)) if limit is None else (max(1, i - limit), i + limit)
        least_before, least = least, row[0]
        for j in range(first, min(last, len(theirs)) + 1):
            their = theirs[j - 1]
            count = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (letter != their), big)
            if i > 1 and j > 1 and letter == theirs[j - 2] and said[i - 2] == their:
                count = min(count, earlier[j - 2] + 1)
            row[j] = count
            least = min(least, count)
        if least >= big and least_before >= big:
            return big  # (every later cell is one of these two rows' or more)
    return row[-1]


#: Letters, or words (`_slip`), for `_unshared`.
_Parts = TypeVar("_Parts", str, list[str])


def _unshared(said: _Parts, theirs: _Parts) -> tuple[_Parts, _Parts]:
    """``said`` and ``theirs`` without the letters (or words) they start and end with alike: the
    same count of edits (`edits`) of fewer letters, as names compared share most (AMAZON.,
    Intent)."""
    start, end = _alike_ends(said, theirs)
    return said[start : len(said) - end], theirs[start : len(theirs) - end]


def _alike_ends(said: _Parts, theirs: _Parts) -> tuple[int, int]:
    """How many letters (or words) ``said`` and ``theirs`` start with alike, and how many of the
    rest they end with alike."""
    start, shortest = 0, min(len(said), len(theirs))
    while start < shortest and said[start] == theirs[start]:
        start += 1
    end = 0
    while end < shortest - start and said[-1 - end] == theirs[-1 - end]:
        end += 1
    return start, end


def slip(given: str, known: str, words: frozenset[str] = frozenset()) -> bool:
    """Whether ``given`` is ``known`` mistyped, by the count of its slips: one in a name of up to
    15 letters, two in a longer one (`edits`); and each within a word, not another of
    ``words``, those of the names known real (`_slip`).

    Stricter than `close_matches`' likeness, for a name whose kin are yet to come: Amazon adds
    request types to its interfaces, and CustomInterfaceController.Expiring, three letters from
    Expired (0.67 alike), is no typo of it but maybe a type to come."""
    allowed = _allowed(known)
    return 0 < edits(given, known, allowed) <= allowed and _slip(given, known, words)


def _allowed(known: str) -> int:
    """How many slips `slip` allows in a name ``known``: one up to 15 letters, two past them."""
    return 1 if len(known) < 16 else 2


# Cached: the names known real are one of a few constant sets (Amazon's intents, request
# types), and a request's intent without a handler or fallback is guessed on every request:
# their words read anew were three quarters of that guess.
@functools.lru_cache(maxsize=8)
def vocabulary(real: frozenset[str]) -> frozenset[str]:
    """The words of the names ``real`` (`_words`)."""
    return frozenset(_words(real))


def _differing(given: str, known: str) -> tuple[str, str]:
    """Where ``given`` and ``known`` differ, case aside, as whole words of ``known``: ("Off",
    "On") for TurnOffIntent and TurnOnIntent, ("", "Intent") for a word left out."""
    said, theirs = given.casefold(), known.casefold()
    if len(theirs) != len(known) or len(said) != len(given):  # (no word boundaries to keep)
        return given, known
    start, tail = _alike_ends(said, theirs)
    end = low = len(theirs) - tail
    high = start
    # The words the difference is in; or, if it has no letter (one left out, a dot), beside.
    beside = not _WORD.search(known, start, end)
    for match in _WORD.finditer(known):
        first, last = match.span()
        if (first < end and last > start) or (beside and first <= end and last >= start):
            low, high = min(low, first), max(high, last)
    low, high = min(low, start), max(high, end)
    return given[low : len(given) - (len(known) - high)], known[low:high]


def _slip(given: str, known: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``given`` (alike enough) is ``known`` mistyped: where they differ, a word of
    ``known`` is left out, or mistyped into letters still like it, no word of ``vocabulary``.

    difflib's ratio of two whole names hides the word where they differ: TurnOffIntent is 0.88
    of TurnOnIntent, yet Off is another word than On (0.4), as AMAZON.UK_CITY is no slip of
    US_CITY. And a word of the names known real (Amazon's) changed into another of theirs makes
    another name, however alike: PauseMusicIntent is no typo of PageMusicIntent (Pause, Page
    0.67, words of AMAZON.PauseIntent and AMAZON.PageUpIntent); a letter added or left out is a
    slip still (Events of Event). Two letters swapped are a slip even in a word of two
    (AMAZON.PagepUIntent). A word with another first letter or prefix is another word
    (`_another_word`: SetScore is no typo of GetScore, UnlockDoor of LockDoor)."""
    said, word = _differing(given, known)
    if len(said) > len(word) + 1 and len(_WORD.findall(said)) > len(_WORD.findall(word)):
        return False  # a word added: another name, a more particular one (AMAZON.UK_CITY)
    if not said or said.casefold() == word.casefold():
        return True  # a word left out, or written in another case: the name is the one meant
    if said.isupper() and _WORD.fullmatch(word) and word.isupper() and not known.isupper():
        return False  # an acronym for another: Amazon's interfaces are APL, APLA, APLT
    said_words, their_words = _words([said]), _words([word])
    if said_words == their_words:
        return True  # the same words, joined otherwise (ConnectionsResponse)
    # The words apart, too: a prefix added to a word after another puts the difference on both
    # (DoorUnlock, DoorLock), where it is the second's (Unlock, Lock).
    ours, theirs = _unshared(*([w.casefold() for w in _WORD.findall(it)] for it in (said, word)))
    said, word = said.casefold(), word.casefold()
    for one, other in ((said, word), ("".join(ours), "".join(theirs))):
        if one and other and (_another_word(one, other) or _another_word(other, one)):
            return False
    longer, shorter = sorted((said, word), key=len, reverse=True)
    if len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))
    ):
        # A letter added or left out, even where both spellings are words of the names known
        # (AlexaSkillEvents: Events is EventsReceived's; Reminders.RemindersCreated): taken for
        # another word, the one meant was passed over and a name further off guessed.
        return True
    if said_words | their_words <= vocabulary:
        return False  # words turned into others
    swapped = any(
        said == f"{word[:i]}{word[i + 1]}{word[i]}{word[i + 2 :]}" for i in range(len(word) - 1)
    )
    return swapped or likeness(said, word) >= TYPO


def _another_word(said: str, word: str) -> bool:
    """Whether ``said`` (in lower case) is another word than ``word``, not a slip of it, though a
    letter or a prefix apart: a short word with its first letter replaced (Set, Get), or the
    word with a prefix (`_PREFIXES`) added or replaced (Unlock, Lock; Decrease, Increase)."""
    # A slip seldom hits a word's first letter (Yannakoudakis and Fawthrop, "The rules of
    # spelling errors", 1983), and in a word of four letters or fewer another first letter
    # makes another word more often than not (Get, Set, Let; Buy, Guy; Lock, Rock).
    if len(said) == len(word) <= 4 and said[0] != word[0] and said[1:] == word[1:]:
        return True
    for prefix in _PREFIXES:
        stem = said.removeprefix(prefix)
        if (
            stem != said
            and len(stem) > 1
            and any(word == other + stem for other in ("", *_PREFIXES) if other != prefix)
        ):
            return True
    return False


def close_matches(
    name: str, candidates: Iterable[str], *, cutoff: float = TYPO, real: Iterable[str] = ()
) -> list[str]:
    """The ``candidates`` (at most three, never ``name`` itself) that ``name`` looks like a typo
    of, case aside, closest first: as alike as ``cutoff`` says or a slip or two off by the count
    (`slip`), and a slip within a word, not another word of the names ``real`` (Amazon's, whose
    words a name may use: `_slip`)."""
    forms: dict[str, str] = {}
    for candidate in candidates:
        forms.setdefault(candidate, candidate)
    return _slips(name, forms, cutoff, vocabulary(frozenset(real)))


def _slips(
    name: str, forms: dict[str, str], cutoff: float, vocabulary: frozenset[str]
) -> list[str]:
    """The names ``forms`` maps to (at most three, not ``name``) whose form ``name`` is a slip
    of (`_slip`), as alike as ``cutoff`` says or a slip or two off (`slip`), closest first."""
    import difflib

    by_key: dict[str, str] = {}
    for form in forms:
        by_key.setdefault(form.casefold(), form)
    # Every close one, not three: the closest may be no slip, and the next one is.
    found = difflib.get_close_matches(name.casefold(), sorted(by_key), len(by_key) or 1, cutoff)
    # And those a slip by the count (`slip`), less alike: two letters swapped in a short name
    # (Unlcok 0.83 of Unlock, Hlep 0.75 of Help; a name of words needs 0.85). Only those of a
    # length a slip or two off are counted (`edits` is slow beside difflib's quick ratios).
    found += [
        key
        for key in sorted(by_key)
        if abs(len(key) - len(name)) <= _allowed(key)
        and key not in found
        and 0 < edits(name, key, _allowed(key)) <= _allowed(key)
    ]
    slips: list[str] = []
    for key in found:
        form = by_key[key]
        if forms[form] != name and forms[form] not in slips and _slip(name, form, vocabulary):
            slips.append(forms[form])
    return slips[:3]


def meant(
    name: str, known: Iterable[str], *, cutoff: float = TYPO, real: Iterable[str] = ()
) -> str | None:
    """The name of ``known`` that ``name`` (not one of them) is likely a slip for: the same in
    another case or with another underscore, the same without its last word where that says its
    kind (``Intent``, ``Request``), or the closest of `close_matches`; else None."""
    names = sorted(known)
    key = name.casefold().replace("_", "")
    forms: dict[str, str] = {}
    for each in names:
        forms.setdefault(each, each)
        form = each
        for kind in reversed(_KINDS):  # ("AMAZON.Cancle": AMAZON.CancelIntent, as "…Cancel" is)
            if form.casefold().endswith(kind) and len(form) > len(kind):
                form = form[: -len(kind)]  # (CanFulfill: CanFulfillIntentRequest)
                forms.setdefault(form, each)
    for form, each in forms.items():
        if key == form.casefold().replace("_", ""):
            return each if each != name else None
    close = _slips(name, forms, cutoff, vocabulary(frozenset(real)))
    return close[0] if close else None


def did_you_mean(
    name: str, candidates: Iterable[str], *, cutoff: float = TYPO, real: Iterable[str] = ()
) -> str:
    """``"; did you mean X?"`` for the closest of ``candidates``, or ``""`` if none is close."""
    matches = close_matches(name, candidates, cutoff=cutoff, real=real)
    return f"; did you mean {matches[0]}?" if matches else ""

"""Where an `Ssml` part's markup ends cut short (a ``<`` whose markup no ``>`` ends: ``a <p``,
``a <!-``), read in one match, and what the app says of such a part given as speech: the half
of `alexaskill.ssml_compose`'s check of a part that needs no `Ssml` (a move out of it, for
room). Not a builder's part, whose markup is not read
(`alexaskill.ssml_compose._cut_short_at`).
"""

from __future__ import annotations

import functools
import re
from typing import Final

from .exceptions import ResponseError
from .shown_names import shown_value
from .ssml_check import _markup_fault
from .ssml_faults import _fragment_fault
from .ssml_scan import _PIECES, _markup
from .xml_markup import _NAME_START
from .xml_text import _Placed, _placed_in_fragment, _speak_root

__all__: list[str] = []  # helpers for alexaskill.ssml_compose


#: A part's markup read as `_markup` reads it, a piece after another, and the text between,
#: in one match (possessive: no backtracking): it stops at a "<" that a name's first
#: character or "!" follows and that starts no piece (a tag no ">" ends: markup cut short),
#: else at the end; group 1 is the last piece read. (`_markup`'s bare "<" is read on only
#: before anything else: "1 < 2".) Compiled when first used, as `_markup` is (a cold start's
#: milliseconds: XML's name characters).
@functools.cache
def _read() -> re.Pattern[str]:
    """A part's markup and text, read in one match (above)."""
    return re.compile(rf"(?:[^<]++|({_PIECES}|<(?![{_NAME_START}!])))*+", re.DOTALL)


def _cut_at(part: str, end: int) -> int:
    """Where the markup ``part[:end]`` ends in, cut short, starts, else -1: its last ``<`` starts
    markup that no ``>`` ends before ``end``, a ``>`` in a quoted attribute value not counting
    (``<p a=">"``, which the text after it would finish), nor a ``<`` there (``<p a="<>"``: no
    markup starts), nor a whole tag there (``<p a="<p>``: the value, left open, holds it)."""
    cut = _quick_cut(part, end)
    if cut != _READ_IT:
        return cut
    # A quote before the ">": read as the app reads it, whose scan skips a quoted value (and a
    # comment's text); the piece holding the last "<" is ended only if it ends in a ">". A "<"
    # starting a name that the scan reads as a bare one is a tag no ">" ends before ``end``
    # (outside a quoted value: one left open holds the rest, ``<p a="<p>``, whose "<p>" reads
    # as a tag ended): cut short too, however the pieces after it end. One match of `_read`,
    # not a loop over `_markup`'s pieces, a Python step each, which cost a hand-written part
    # of 200 tags 8 times the rest of its composing (5 times now: no O(1) test is sound, a
    # "<" in a quoted value being found only by reading from the start).
    read = _read().match(part, 0, end)
    if read is None:  # (it matches, if only nothing)
        return part.rfind("<", 0, end)
    return _cut_read(part, end, read.end(), read.group(1), read.start(1))


#: `_quick_cut`'s answer when only a read of the markup can tell.
_READ_IT: Final = -2


def _quick_cut(part: str, end: int) -> int:
    """`_cut_at` where it is known without a read (the usual part), else `_READ_IT`; not of a
    builder's part (`alexaskill.ssml_compose._Checked`), which
    `alexaskill.ssml_compose._cut_short_at` answers first."""
    cut = part.rfind("<", 0, end)
    if cut < 0:
        return -1
    close = part.find(">", cut, end)
    if close < 0:
        return cut
    if part.find('"', 0, close) < 0 and part.find("'", 0, close) < 0:
        # No quote up to the ">": the last "<" is in no quoted value, and starts the markup the
        # ">" ends (a quote before it may open a value holding both: ``x <p a="<>"``).
        return -1
    return _READ_IT


def _cut_read(part: str, end: int, read_to: int, last: str | None, last_at: int) -> int:
    """`_cut_at` of a read of ``part[:end]`` that reached ``read_to``, its last piece
    ``last`` (None if none), starting at ``last_at``."""
    if read_to < end:  # a "<" starting a name, no piece: a tag no ">" ends
        return read_to
    if last is None:
        return part.rfind("<", 0, end)
    return -1 if last.endswith(">") else last_at


def _cuts(part: str, at: int) -> tuple[int, int]:
    """`_cut_at` ``at`` (a ``<`` of ``part``, no builder's) and at its end, of one read where
    both need one: the read to ``at`` goes on from there, unless a piece it read runs past it
    (a comment ``at`` cuts, ``<p a="`` then a value past it: then read again, whole)."""
    cut_at, cut = _quick_cut(part, at), _quick_cut(part, len(part))
    if cut_at != _READ_IT or cut != _READ_IT:
        return (
            _cut_at(part, at) if cut_at == _READ_IT else cut_at,
            _cut_at(part, len(part)) if cut == _READ_IT else cut,
        )
    first = _read().match(part, 0, at)
    if first is None:  # (it matches, if only nothing)
        return part.rfind("<", 0, at), _cut_at(part, len(part))
    last, last_at = first.group(1), first.start(1)
    cut_at = _cut_read(part, at, first.end(), last, last_at)
    # The pieces read to ``at`` are the whole read's if none runs past it: its last, if it ends
    # there, a bare "<" or one read again whole to the same end.
    if last is not None and first.end(1) == at and len(last) > 1:
        whole = _markup().match(part, last_at)
        if whole is None or whole.end() != at:
            return cut_at, _cut_at(part, len(part))
    if first.end() < at:
        return cut_at, _cut_at(part, len(part))
    rest = _read().match(part, at)
    if rest is None:  # (it matches, if only nothing)
        return cut_at, _cut_at(part, len(part))
    if rest.group(1) is not None:
        last, last_at = rest.group(1), rest.start(1)
    return cut_at, _cut_read(part, len(part), rest.end(), last, last_at)


def _refuse_cut_short(part: str, cut: int, end: int) -> None:
    """`ResponseError` naming ``part``, whose markup from ``cut`` to ``end`` is cut short (by its
    end, or by a root tag composing drops), in the words the app says of it given as speech: the
    first fault of the document it is, or is wrapped in. If the part has a fault without the
    markup cut short too (a second root, text after the root, which composing takes, unwrapped;
    a bare "&"), the fault at the cut, why the part is refused, is said first, then that."""
    error = _said(part)
    if error is not None and _said(part[:cut] + part[end:]) is not None:
        at_cut = _said(part[cut:])  # (the markup from the cut on, read alone)
        if isinstance(at_cut, _Placed):
            at_cut = at_cut.moved(at_cut.at + cut, part)  # (placed in the part)
            if not _same_fault(at_cut, error):
                error = f"{at_cut}; given whole as speech, the app says first: {error}"
    if error is not None:
        raise ResponseError(f"{_part_named(part)}: {error}")


def _part_named(part: str) -> str:
    """``part``, a part composing refuses, as its error names it: quoted as any value an error
    quotes (`shown_value`: a long one by its head, tail and length). Not a window at the fault:
    the error's own words place that (``at index 172 ('…')``)."""
    return f"SSML part {shown_value(str.__str__(part))}"


def _said(markup: str) -> str | None:
    """The first fault of ``markup`` the app says of it given as speech: of the document it
    is, or is wrapped in (said of the markup as the app says it, `_fragment_fault`, placed in
    it as written, as the app places it); else None."""
    if _speak_root(markup) >= 0:
        return _markup_fault(markup)
    error = _markup_fault(f"<speak>{markup}</speak>")
    if error is None:
        return None
    return _fragment_fault(markup, error) or _placed_in_fragment(error, markup) or error


def _same_fault(said: str | None, error: str) -> bool:
    """Whether ``said`` is ``error``, placed at the same index (the quoted text round it may
    differ: it is said of other text)."""
    if not isinstance(said, _Placed) or not isinstance(error, _Placed):
        return said == error
    same_words = (
        said[: said.start] == error[: error.start] and said[said.end :] == error[error.end :]
    )
    return same_words and said.at == error.at

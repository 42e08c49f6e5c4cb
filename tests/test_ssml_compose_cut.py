"""Tests for alexaskill.ssml_compose: where a part's markup ends cut short (`_cut_short_at`, one
match of a pattern), against a straightforward reading of its pieces, a character at a time.

The committed run is short, with a fixed seed. For a longer one::

    ALEXASKILL_FUZZ_CUT_RUNS=300000 ALEXASKILL_FUZZ_CUT_SEED=7 .venv/bin/python -m pytest -n 0 \
        -p no:cacheprovider tests/test_ssml_compose_cut.py
"""

from __future__ import annotations

import os
import random
import re
from typing import Final

from alexaskill.ssml import Ssml
from alexaskill.ssml_compose import _cut_short_at
from alexaskill.ssml_cut import _cuts
from alexaskill.xml_markup import _NAME_START

SEED: Final = int(os.environ.get("ALEXASKILL_FUZZ_CUT_SEED", "20261206"))
RUNS: Final = int(os.environ.get("ALEXASKILL_FUZZ_CUT_RUNS", "3000"))

#: Markup atoms, whole and cut short: comments, CDATA sections, processing instructions, tags
#: with quoted values (a quote left open, a "<" or ">" in one), end tags, a bare "<", text.
ATOMS: Final = [
    "a", " ", "1 < 2", "<", ">", '"', "'", "<p>", "</p>", "<p", "</p", "</ p>", "</", "<br/>",
    '<p a=">">', "<p a='<'>", '<p a="<p>', "<p a='", '"<"', "<!-- c -->", "<!-- <p> ", "<!--",
    "-->", "<!-", "<!->", "<![CDATA[x<]]>", "<![CDATA[", "]]>", "<?pi x?>", "<?pi", "?>",
    "<!DOCTYPE x>", "<speak>", "</speak>", "<é>", "<3", "<p\n>", '<p a="x" b=\'y\'>', "=",
]  # fmt: skip

_NAME_OR_BANG: Final = re.compile(f"[{_NAME_START}!]")


def _piece_end(text: str, at: int) -> int | None:
    """Where the markup piece starting at ``text[at]`` ("<") ends, as `ssml_scan._markup`
    reads one, or None if it starts none (a bare "<"), read a character at a time."""
    for opening, closing in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")):
        if text.startswith(opening, at):
            found = text.find(closing, at + len(opening))
            return len(text) if found < 0 else found + len(closing)
    after = at + 1
    if after < len(text) and _NAME_OR_BANG.match(text[after]):
        # A start tag: its name runs to white space, "/" or ">"; then text or quoted values
        # to a ">" outside them.
        index = after
        while index < len(text) and not (text[index].isspace() or text[index] in "/>"):
            index += 1
        while index < len(text) and text[index] != ">":
            if text[index] in "\"'":
                close = text.find(text[index], index + 1)
                if close < 0:
                    return None
                index = close
            index += 1
        return index + 1 if index < len(text) else None
    if text.startswith("</", at) and at + 2 < len(text) and _NAME_OR_BANG.match(text[at + 2]):
        if text[at + 2] == "!":
            return None
        index = at + 2
        while index < len(text) and text[index] not in "<>":
            index += 1
        return index + 1 if index < len(text) and text[index] == ">" else None
    return None


def _read_cut(text: str) -> int:
    """Where ``text`` ends in markup cut short, read piece by piece: a bare "<" before a name's
    first character or "!" (a tag no ">" ends), or a last piece that does not end in ">";
    else -1."""
    index, last = 0, None
    while (index := text.find("<", index)) >= 0:
        end = _piece_end(text, index)
        if end is None:
            if _NAME_OR_BANG.match(text, index + 1):
                return index
            last, index = (index, False), index + 1
        else:
            last, index = (index, text[end - 1] == ">"), end
    return -1 if last is None or last[1] else last[0]


def _scanned(text: str) -> bool:
    """Whether `_cut_short_at` reads ``text`` through (past its O(1) answers: no "<", no ">"
    after the last, no quote before that ">"), where its index is the reading's own."""
    cut = text.rfind("<")
    close = text.find(">", cut) if cut >= 0 else -1
    return close >= 0 and ('"' in text[:close] or "'" in text[:close])


def test_the_cut_is_where_a_reading_of_the_pieces_finds_it() -> None:
    # _cut_short_at reads a part in one match of `_READ` (possessive, its last piece a group),
    # where it was a Python loop over `_MARKUP`'s pieces: both must find the cut this reading
    # finds, at every end. (Its O(1) answers are its own: a part left open, "<!-- <p>", is
    # said before, and "</?>" ends what its "<" starts for the text after it.)
    rng = random.Random(SEED)
    differences, scanned = [], 0
    for _ in range(RUNS):
        part = Ssml("".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 8))))
        for end in {len(part), rng.randint(0, len(part))}:
            if _scanned(part[:end]):
                scanned += 1
                found, read = _cut_short_at(part, end), _read_cut(part[:end])
                if found != read:
                    differences.append((part, end, found, read))
    assert not differences, differences[:5]
    assert scanned > RUNS // 4  # (the atoms' quotes send most parts to the scan)


def test_the_cuts_at_a_documents_end_tag_and_its_end_are_one_read_of_it() -> None:
    # _unwrap read a document through twice, to its end (_refuse_left_open) and to its root's
    # end tag (_refuse_cut_by): `_cuts` reads it once, going on from the end tag, and must find
    # what the two reads find, at any "<" (a comment, a tag or a quoted value cut there too).
    rng = random.Random(SEED)
    differences, read_on = [], 0
    for _ in range(RUNS):
        body = "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 8)))
        part = Ssml(f"<speak a='{rng.choice(['1', '>'])}'>{body}{rng.choice(['</speak>', ''])}")
        for at in {part.rfind("<"), rng.choice([i for i, c in enumerate(part) if c == "<"])}:
            two = (_cut_short_at(part, at), _cut_short_at(part, len(part)))
            if _cuts(part, at) != two:
                differences.append((part, at, _cuts(part, at), two))
            read_on += two == (-1, -1)
    assert not differences, differences[:5]
    assert read_on > RUNS // 10


def test_the_reading_finds_the_cuts_the_module_names() -> None:
    # The reading itself, on the cases _cut_short_at's docstring names.
    assert _read_cut('x <p a=">"') == 2
    assert _read_cut('<p a="<p>') == 0  # (the value, left open, holds the "<p>")
    assert _read_cut('x <p a="<>">') == -1
    assert _read_cut('<p a="1"> <b') == 10
    assert _read_cut('<p a="1"> a <!- b') == 12
    assert _read_cut("<p a='1'>x</p>") == -1

"""Plural forms a ``.po`` leaves empty beside others filled (``msgstr[2] ""`` after a French
``msgstr[0]`` and ``msgstr[1]``), or leaves out: ``pybabel compile`` writes the source text's
plural in their place, without an error, and the users of that catalog hear it in the source language ("2
days"). `alexaskill.i18n` reads the ``.po`` beside each ``.mo``, when there is one, and logs
them at start; a compiled catalog alone cannot tell such a form from a translation that is
written as the source's ("minutes" in French)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterator
from typing import Final

__all__ = ["empty_forms", "warn_empty_forms"]

logger = logging.getLogger("alexaskill")

#: A keyword line of a ``.po`` entry, and its string (``msgstr[2] ""``).
_KEYWORD: Final = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
#: A continuation line of the keyword before it.
_MORE: Final = re.compile(r'"(.*)"\s*$')


class _Entry:
    __slots__ = ("done", "forms", "fuzzy", "msgid", "plural", "reading")

    def __init__(self, fuzzy: bool) -> None:
        self.fuzzy = fuzzy
        self.msgid = ""
        self.plural = False
        self.forms: dict[int, str] = {}
        #: Whether a msgstr came: a msgid or msgctxt after it begins the next entry.
        self.done = False
        #: What the string lines add to: "msgid", a form's index, or None (msgctxt, msgstr).
        self.reading: str | int | None = None

    def add(self, text: str) -> None:
        if self.reading == "msgid":
            self.msgid += text
        elif isinstance(self.reading, int):
            self.forms[self.reading] += text


def empty_forms(po: str, heard: Collection[int] = ()) -> Iterator[tuple[str, list[int]]]:
    """The msgid of each plural entry of the ``.po`` text ``po`` (neither fuzzy nor obsolete:
    those are not compiled) that has some forms filled and some empty, and the empty ones'
    indexes; a form of ``heard`` (those the catalog's plural rule picks) the entry lacks is
    empty too, as ``pybabel compile`` fills it in the same way."""
    for entry in _entries(po):
        empty = _empty(entry, heard)
        if empty:
            yield entry.msgid, empty


def _entries(po: str) -> Iterator[_Entry]:
    """The plural entries of the ``.po`` text ``po``, neither fuzzy nor obsolete."""
    entry: _Entry | None = None
    fuzzy = False
    for line in po.splitlines():
        line = line.strip()
        if line.startswith("#"):
            if entry is not None and entry.done:  # a comment after the msgstr: the next one's
                yield from _kept(entry)
                entry = None
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#~"):  # an obsolete entry: the flags before it were its own
                fuzzy = False
            continue
        keyword = _KEYWORD.match(line)
        if keyword is not None:
            name, index, text = keyword.groups()
            if name in ("msgctxt", "msgid") and (entry is None or entry.done):
                if entry is not None:
                    yield from _kept(entry)
                entry, fuzzy = _Entry(fuzzy), False
            if entry is None:
                continue
            if name == "msgid_plural":
                entry.plural, entry.reading = True, None
            elif index is not None:
                entry.forms[int(index)] = text
                entry.reading, entry.done = int(index), True
            else:
                entry.done = entry.done or name == "msgstr"
                entry.reading = "msgid" if name == "msgid" else None
                entry.add(text if name == "msgid" else "")
            continue
        more = _MORE.match(line)
        if more is not None and entry is not None:
            entry.add(more.group(1))
    if entry is not None:
        yield from _kept(entry)


def _kept(entry: _Entry) -> Iterator[_Entry]:
    if entry.plural and not entry.fuzzy:
        yield entry


def _empty(entry: _Entry, heard: Collection[int] = ()) -> list[int]:
    """The indexes of ``entry``'s forms empty or missing, if some others are filled."""
    if not any(entry.forms.values()):
        return []
    return sorted(
        {i for i, text in entry.forms.items() if not text} | set(heard) - set(entry.forms)
    )


def warn_empty_forms(po: object, plural: Callable[[int], int] | None) -> None:
    """Log each form `empty_forms` finds in the ``.po`` file ``po`` (a path, or package data),
    if it exists, with a count that takes it by the catalog's ``plural`` rule (a form it never
    takes, past its nplurals, is never heard: left out)."""
    is_file = getattr(po, "is_file", None)
    if is_file is None or not is_file():
        return
    try:
        text = po.read_bytes().decode("utf-8", "replace")  # type: ignore[attr-defined]
    except OSError:
        return
    heard = _heard(plural)
    for entry in _entries(text):
        for index in _empty(entry, heard):
            count = _count_for(plural, index)
            if plural is not None and count is None:
                continue  # past the rule's forms (nplurals): no count picks it, none hears it
            logger.warning(
                "translations: %s: msgstr[%d] of %r is %s, beside forms filled: pybabel "
                "compile puts the source text's plural there, and users of this catalog hear "
                "it%s; fill it and compile again",
                po,
                index,
                entry.msgid,
                "empty" if index in entry.forms else "missing",
                "" if count is None else f" (n={count}, say)",
            )


def _heard(plural: Callable[[int], int] | None) -> set[int]:
    """The forms the rule ``plural`` picks for a count up to a million."""
    if plural is None:
        return set()
    try:
        return {plural(n) for n in (*range(1001), 1_000_000)}
    except ArithmeticError:
        return set()


def _count_for(plural: Callable[[int], int] | None, index: int) -> int | None:
    """The smallest count the rule ``plural`` takes to form ``index`` (up to a million)."""
    if plural is None:
        return None
    counts: list[int] = [*range(1001), 1_000_000]
    for n in counts:
        try:
            form: int = plural(n)
        except ArithmeticError:
            return None
        if form == index:
            return n
    return None

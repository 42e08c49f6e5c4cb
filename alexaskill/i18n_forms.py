"""Plural forms a ``.po`` leaves empty beside others filled (``msgstr[2] ""`` after a French
``msgstr[0]`` and ``msgstr[1]``), or leaves out: ``pybabel compile`` writes the source text's
plural in their place, without an error, and the users of that catalog hear it in the source
language ("2 days"). So it does for a plural entry left untranslated, every form empty: harmless
alone (the source text is what a missing entry says too), but in ``fr_CA`` it is found before
the ``fr`` catalog's translation, which ``fr-CA`` requests then never hear. `alexaskill.i18n`
reads the ``.po`` beside each ``.mo``, when there is one, and logs both at start; a compiled
catalog alone cannot tell such a form from a translation that is written as the source's
("minutes" in French)."""

from __future__ import annotations

import gettext
import io
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from importlib.resources.abc import Traversable
from typing import Final

from .shown_names import shown_value

__all__ = ["empty_forms", "warn_empty_forms"]

logger = logging.getLogger("alexaskill")

#: A keyword line of a ``.po`` entry, and its string (``msgstr[2] ""``).
_KEYWORD: Final = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
#: A continuation line of the keyword before it.
_MORE: Final = re.compile(r'"(.*)"\s*$')
#: A backslash escape of a ``.po`` string, and what the escaped letters stand for.
_ESCAPE: Final = re.compile(r"\\(.)")
_ESCAPED: Final = {"n": "\n", "t": "\t", "r": "\r"}
#: The counts a plural rule is tried with: up to a thousand, and a million (French "many").
_COUNTS: Final[tuple[int, ...]] = (*range(1001), 1_000_000)


class _Entry:
    __slots__ = ("context", "done", "forms", "fuzzy", "msgid", "plural", "plural_id", "reading")

    def __init__(self, fuzzy: bool) -> None:
        self.fuzzy = fuzzy
        self.context: str | None = None
        self.msgid = ""
        self.plural_id = ""
        self.plural = False
        self.forms: dict[int, str] = {}
        #: Whether a msgstr came: a msgid or msgctxt after it begins the next entry.
        self.done = False
        #: What the string lines add to: a keyword, a form's index, or None (msgstr).
        self.reading: str | int | None = None

    def add(self, text: str) -> None:
        if self.reading == "msgid":
            self.msgid += text
        elif self.reading == "msgid_plural":
            self.plural_id += text
        elif self.reading == "msgctxt":
            self.context = (self.context or "") + text
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
            entry.plural = entry.plural or name == "msgid_plural"
            if index is not None:
                entry.forms[int(index)] = text
                entry.reading, entry.done = int(index), True
            else:
                entry.done = entry.done or name == "msgstr"
                entry.reading = None if name == "msgstr" else name
                entry.add(text)
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


def warn_empty_forms(
    compiled: Mapping[str, bytes],
    directories: Mapping[str, Traversable],
    domain: str,
    default_locale: str,
) -> None:
    """Log, for each catalog of ``compiled`` (by gettext's name, ``fr_CA``) with a ``.po``
    beside its ``.mo`` in ``directories``, each form `empty_forms` finds, with a count that
    takes it by the catalog's plural rule (a form it never takes, past its nplurals, is never
    heard: left out), and each plural entry with every form empty that hides another catalog's
    translation in its language from the requests that look in it first."""
    catalogs = {name: gettext.GNUTranslations(io.BytesIO(data)) for name, data in compiled.items()}
    for name, catalog in catalogs.items():
        po = directories[name] / "LC_MESSAGES" / f"{domain}.po"
        text = _read(po)
        if text is None:
            continue
        plural = getattr(catalog, "plural", None)
        heard = _heard(plural)
        behind = [(other, catalogs[other]) for other in _behind(name, catalogs, default_locale)]
        for entry in _entries(text):
            if not any(entry.forms.values()):
                hidden = _hidden(entry, behind) if _compiled(entry, catalog) else None
                if hidden is not None:
                    logger.warning(
                        "translations: %s: every msgstr of %s is empty: pybabel compile puts "
                        "the source text there, and users of this catalog hear it instead of "
                        "the %s catalog's translation; fill them, or delete the entry, and "
                        "compile again",
                        po,
                        shown_value(entry.msgid),  # (a source text of any length: cut)
                        hidden.replace("_", "-"),
                    )
                continue
            for index in _empty(entry, heard):
                count = _count_for(plural, index)
                if plural is not None and count is None:
                    continue  # past the rule's forms (nplurals): no count picks it, none hears it
                logger.warning(
                    "translations: %s: msgstr[%d] of %s is %s, beside forms filled: pybabel "
                    "compile puts the source text's plural there, and users of this catalog hear "
                    "it%s; fill it and compile again",
                    po,
                    index,
                    shown_value(entry.msgid),
                    "empty" if index in entry.forms else "missing",
                    "" if count is None else f" (n={count}, say)",
                )


def _read(po: Traversable) -> str | None:
    """The text of the ``.po`` file ``po`` (a path, or package data); None if there is none."""
    try:
        return po.read_bytes().decode("utf-8", "replace") if po.is_file() else None
    except OSError:
        return None


def _behind(name: str, names: Collection[str], default_locale: str) -> list[str]:
    """The catalogs of ``name``'s language that some request looks in after ``name``."""
    from .i18n import locale_chain  # (here: alexaskill.i18n imports this module)
    from .locales import ALEXA_LOCALES

    language = name.replace("-", "_").partition("_")[0]
    found: list[str] = []
    for locale in (*ALEXA_LOCALES, *names):
        chain = [other for other in locale_chain(locale, default_locale) if other in names]
        if name in chain:
            for other in chain[chain.index(name) + 1 :]:
                if other.partition("_")[0] == language and other not in found:
                    found.append(other)
    return found


def _compiled(entry: _Entry, catalog: gettext.GNUTranslations) -> bool:
    """Whether the ``.mo`` read as ``catalog`` holds ``entry``: GNU ``msgfmt`` leaves an
    untranslated one out (``pybabel compile`` alone writes the source text), and so does a
    ``.mo`` compiled before ``pybabel update`` added it to the ``.po``; then it hides nothing."""
    msgid = _unescape(entry.msgid)
    if entry.context is not None:
        msgid = f"{_unescape(entry.context)}\x04{msgid}"  # (how gettext keys a msgctxt's)
    held = getattr(catalog, "_catalog", None)
    return not isinstance(held, dict) or (msgid, 0) in held


def _hidden(entry: _Entry, behind: list[tuple[str, gettext.GNUTranslations]]) -> str | None:
    """The first catalog of ``behind`` whose translation of ``entry`` is not the source text,
    or None."""
    one, many = _unescape(entry.msgid), _unescape(entry.plural_id)
    context = None if entry.context is None else _unescape(entry.context)
    for name, catalog in behind:
        for n in _COUNTS[:101]:
            if context is None:
                said = catalog.ngettext(one, many, n)
            else:
                said = catalog.npgettext(context, one, many, n)
            if said != (one if n == 1 else many):
                return name
    return None


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: _ESCAPED.get(match[1], match[1]), text)


def _heard(plural: Callable[[int], int] | None) -> set[int]:
    """The forms the rule ``plural`` picks for a count up to a million."""
    if plural is None:
        return set()
    try:
        return {plural(n) for n in _COUNTS}
    except ArithmeticError:
        return set()


def _count_for(plural: Callable[[int], int] | None, index: int) -> int | None:
    """The smallest count the rule ``plural`` takes to form ``index`` (up to a million)."""
    if plural is None:
        return None
    for n in _COUNTS:
        try:
            form: int = plural(n)
        except ArithmeticError:
            return None
        if form == index:
            return n
    return None

"""The ``{placeholders}`` of `alexaskill.i18n`'s sentences: which a text names, how a
translation's differ from its source's, filling them (escaped around `Ssml` values), and the
checks of a plural form's count."""

from __future__ import annotations

import functools
import re
import string
import struct
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from .articles import type_with_article
from .shown_names import shown_several
from .ssml import Ssml, escape
from .ssml_compose import _unwrap

if TYPE_CHECKING:  # not imported: the slot checks load this module, translations or none
    import gettext

__all__ = ["check_count", "describe", "differences", "fields", "fill", "misfits"]

_FORMATTER: Final = string.Formatter()


def check_count(function: str, n: object, params: Mapping[str, Any]) -> None:
    """Refuse a count that is no int, or a second ``n`` among the keywords."""
    # gettext's catalogs refuse another type, NullTranslations (the source text) does not: the
    # mistake would pass in the source language and fail in the others.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the count of {function} must be an int, not {type_with_article(n)}")
    if "n" in params:
        # The keyword would fill {n} while the count chose the form: "5 apple" for n=1.
        raise TypeError(
            f"{function} got the count {n} and n={params['n']!r}: {{n}} is the count, pass "
            "another placeholder name for another number"
        )


@functools.lru_cache(maxsize=4096)
def fields(text: str) -> frozenset[str] | None:
    """The names of ``text``'s placeholders, and what each reaches in its value (``{city.name}``:
    ``city`` and ``city.name``); None if malformed. A translation must name the same: it may
    not follow another attribute or index of a value (``{w.__init__.__globals__[KEY]}``)."""
    try:
        names = list(_named(text))
    except (ValueError, RecursionError):  # RecursionError: specs nested past reason
        return None
    heads = {re.split(r"[.\[]", name, maxsplit=1)[0] for name in names}
    return frozenset(heads.union(names))


def _named(text: str) -> Iterator[str]:
    """The fields of ``text``, those in a format spec too (``{t:{width}}``: it is filled)."""
    for _, field, spec, _ in _FORMATTER.parse(text):
        if field is not None:
            yield field
        if spec:
            yield from _named(spec)


def differences(
    translated: frozenset[str] | None, source: frozenset[str] | None, *, plural: bool
) -> tuple[set[str], set[str]]:
    """The placeholders a translation adds and drops, a plural form's ``{n}`` aside (a
    malformed text: "{")."""
    translated = frozenset("{") if translated is None else translated
    source = frozenset("{") if source is None else source
    exempt = {"n"} if plural else set()
    return set(translated - source - exempt), set(source - translated - exempt)


def describe(added: set[str], dropped: set[str]) -> str:
    """``added: a, b; dropped: c``, the parts that have names; a text whose braces do not pair
    (`differences` says "{"), as such."""
    if "{" in added or "{" in dropped:
        # (What else it names is unknown: the text cannot be read past the brace.)
        return "a brace without its pair: write {{ or }} for one spoken"
    return "; ".join(
        # (a placeholder may be an expression, "w.temp[0]": longer than a name, fewer)
        f"{what}: {shown_several(sorted(names), most=80, first=5)}"
        for what, names in (("added", added), ("dropped", dropped))
        if names
    )


def misfits(catalog: gettext.GNUTranslations, data: bytes = b"") -> Iterator[tuple[str, str]]:
    """The source text of each translation whose placeholders differ from its source's, and
    how (`describe`). Plural forms, from ``data`` (the compiled catalog: gettext keeps no
    plural source text), by their msgid, each form against its source as pybabel fills an
    empty one (``msgstr[0]``, the singular; the others, the plural), ``{n}`` aside."""
    entries: Mapping[object, str] = getattr(catalog, "_catalog", {})
    for key, translated in entries.items():
        if not isinstance(key, str) or not key or not translated:
            continue  # a plural form ((msgid, i)), the header (""), an empty translation
        source = key.rpartition("\x04")[2]  # pgettext's "context\x04message"
        added, dropped = differences(fields(translated), fields(source), plural=False)
        if added or dropped:
            yield source, describe(added, dropped)
    charset = getattr(catalog, "_charset", None) or "ascii"
    for singular, plural, forms in _plural_entries(data, charset):
        for index, form in enumerate(forms):
            own = singular if index == 0 else plural
            added, dropped = differences(fields(form), fields(own), plural=True)
            if form and (added or dropped):
                yield singular, f"msgstr[{index}]: {describe(added, dropped)}"


def _plural_entries(data: bytes, charset: str) -> Iterator[tuple[str, str, list[str]]]:
    """(singular, plural, forms) of each plural entry of the compiled catalog ``data``, which
    gettext has read already (GNU's .mo layout: a header, then two tables of (length,
    offset), of the source texts and of their translations)."""
    if len(data) < 20:
        return
    order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    count, originals, translations = struct.unpack(order + "4xIII", data[4:20])
    for index in range(count):
        length, offset = struct.unpack_from(order + "II", data, originals + 8 * index)
        key = data[offset : offset + length]
        if b"\x00" not in key:
            continue
        length, offset = struct.unpack_from(order + "II", data, translations + 8 * index)
        singular, _, plural = key.decode(charset, "replace").partition("\x00")
        forms = data[offset : offset + length].decode(charset, "replace").split("\x00")
        yield singular.rpartition("\x04")[2], plural, forms


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``template.format_map(params)``; `Ssml` with everything else escaped when a value is
    `Ssml`."""
    if not any(isinstance(value, Ssml) for value in params.values()):
        return template.format_map(params)
    parts: list[str] = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        parts.append(escape(literal))
        if field is None:
            continue
        value, _ = _FORMATTER.get_field(field, (), params)
        if isinstance(value, Ssml) and not spec and not conversion:
            parts.append(_unwrap(value))
            continue
        value = _FORMATTER.convert_field(value, conversion)
        parts.append(escape(_FORMATTER.format_field(value, spec or "")))
    return Ssml("".join(parts))

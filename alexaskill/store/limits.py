"""The limits every store keeps, DynamoDB's: how deep a value nests, the numbers it holds."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..shown_names import shown, shown_value
from .data_faults import _refused
from .json_keys import _CONTAINERS, _place

__all__: list[str] = []

#: How deep a value may nest: DynamoDB keeps 32 levels an item, its attributes' map taking one
#: and the attribute another ("Service, account, and table quotas in Amazon DynamoDB").
_MAX_NESTING: Final = 30


def _check_limits(name: str, value: Any, text: str, brackets: int) -> None:
    """`ResponseError` naming where ``value`` holds a number beyond DynamoDB's, or nests deeper
    than it keeps: every store refuses what one does, so a skill moved from one to another
    finds the same values refused, with the same words.

    ``text``, the value's JSON, shows what cannot be beyond them, without a walk in Python (50,000
    floats walked took 4 times as long as their JSON): only what may be is looked for, its
    numbers or its nesting. Past 30 "[" and "{", the nesting is read from the text without its
    strings, as its numbers then are (`_outside_strings`): a list of 40 small dicts, 2 levels
    deep, was walked in full at each save, most of a 64 KB save's cost. ``brackets``: the "["
    and "{" of ``text``, counted by `_check_value` (a second count was ~20 us of a 64 KB save)."""
    deep = False  # (nesting past 30 levels takes 31 "[" or "{" at least)
    if brackets > _MAX_NESTING:
        text = _outside_strings(text)
        deep = _nests_past(text, _MAX_NESTING)
    numbers = _LONG_EXPONENT.search(text) is not None or _DIGITS_39 in text.translate(_DIGITS)
    if not numbers and not deep:
        return
    found = _beyond_limits(value, 0, numbers)
    if found is None:
        return
    path, why = found
    where = _place(name, path)
    raise _refused(f"attribute {shown_value(name)} cannot be saved: {where} {why}")


#: What the JSON of every number beyond DynamoDB's limits holds: an int's 39 digits or more (one
#: of 38 is within them), or a float's exponent of 3 digits (its repr writes 17 digits at most,
#: with an exponent from 1e+16 up and under 1e-4). Found in a number within the limits (1e-100),
#: or in a string of a value of few lists and dicts (their strings are not left out), it costs a
#: walk, which tells. (39 digits are looked for as 39 zeros in the text with each digit made a
#: zero: a regular expression of them took 10 times as long.)
_LONG_EXPONENT: Final = re.compile(r"e[-+][0-9]{3}")
_DIGITS_39: Final = "0" * 39
_DIGITS: Final = str.maketrans("123456789", "000000000")


def _outside_strings(text: str) -> str:
    """JSON ``text`` (json.dumps's) without its strings, keys too: its numbers, literals,
    separators and brackets. An escaped backslash, then an escaped quote, is dropped first, so
    that each quote left opens or ends a string. (A split and a join: a regular expression
    skipping the strings took several times as long at 64 KB.)"""
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    return "".join(text.split('"')[::2])


#: JSON's text outside its strings (ASCII) to its brackets alone, a dict's as a list's.
_BRACKETS: Final = str.maketrans(
    {chr(code): None for code in range(128) if chr(code) not in "[]{}"} | {"{": "[", "}": "]"}
)


def _nests_past(outside: str, levels: int) -> bool:
    """Whether JSON ``outside`` its strings (`_outside_strings`) nests lists and dicts more than
    ``levels`` deep: each pass drops the innermost, the "[]" left of its brackets, so one nested
    ``levels`` deep is gone after as many passes, and no value is walked in Python to tell."""
    brackets = outside.translate(_BRACKETS)
    for _ in range(levels):
        if not brackets:
            return False
        brackets = brackets.replace("[]", "")
    return bool(brackets)


def _beyond_limits(value: Any, depth: int, numbers: bool = True) -> tuple[list[Any], str] | None:
    """(the path to what is beyond DynamoDB's limits in ``value``, why), or None; the numbers
    in it are looked at only with ``numbers``."""
    if isinstance(value, _NUMBERS) and not isinstance(value, bool):
        why = _number_refused(value) if numbers else None
        return None if why is None else ([], why)
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, _SEQUENCES):
        items = enumerate(value)
    else:
        return None
    if depth >= _MAX_NESTING:
        return [], _TOO_DEEP
    for step, item in items:
        if isinstance(item, _CONTAINERS):
            found = _beyond_limits(item, depth + 1, numbers)
        elif numbers and isinstance(item, _NUMBERS) and not isinstance(item, bool):
            why = _number_refused(item)
            found = None if why is None else ([], why)
        else:
            continue
        if found is not None:
            if found[1] is not _TOO_DEEP:  # (the attribute nests too deep, not a part of it)
                found[0].insert(0, step)
            return found
    return None


#: The types `_beyond_limits` tells apart, as tuples: `isinstance` takes one in half the time
#: of a union (``int | float``).
_NUMBERS: Final = (int, float)
_SEQUENCES: Final = (list, tuple)

_TOO_DEEP: Final = (
    f"nests deeper than {_MAX_NESTING} levels, which no store keeps (DynamoDB cannot)"
)


def _number_refused(number: int | float) -> str | None:
    """Why no store keeps ``number`` (past DynamoDB's 38 significant digits, or its magnitudes
    from 1E-130 to under 1E+126: "Supported data types and naming rules in Amazon DynamoDB"),
    or None. ``number`` is finite: JSON refused NaN and infinities first. Read as JSON writes
    it: an IntEnum as its int, a float's subclass as its float (their reprs are no numbers)."""
    if isinstance(number, int):
        if -(10**38) < number < 10**38:
            return None
        digits = str(abs(int(number)))
        if len(digits.rstrip("0")) <= 38 and len(digits) <= 126:  # trailing zeros: exponent's
            return None
    elif not number or 1e-130 <= abs(float(number)) < 1e126:
        # Exact, without its repr: a float's has 17 significant digits at most, and a float
        # under the float 1e-130 (or from 1e126 up) is written with a lower (a higher) exponent.
        return None
    text = json.dumps(number)
    return f"is {shown(text)}, outside {_KEPT_NUMBERS}"


#: The numbers every store keeps, DynamoDB's, for the messages that refuse one.
_KEPT_NUMBERS: Final = (
    "the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from 1E-130 "
    "to under 1E+126)"
)


#: Text that may hold a number past a double, which json reads as an infinity: an exponent of 3
#: digits, or 309 digits in a row. Found (in a string, or in a number within a double), it costs
#: a second read, which tells (`_past_a_double`).
_MAYBE_PAST_A_DOUBLE: Final = re.compile(r"[eE]\+?[0-9]{3}|[0-9]{309}")


def _unheld_nesting(text: str) -> str | None:
    """Why JSON ``text``, read from a store, is no value an attribute holds for nesting past
    `_MAX_NESTING` (read from the text, no decode: the same limit whatever the stack), or None."""
    if text.count("[") + text.count("{") <= _MAX_NESTING:
        return None
    if not _nests_past(_outside_strings(text), _MAX_NESTING):
        return None
    return f"it nests deeper than {_MAX_NESTING} levels, which no store keeps (DynamoDB cannot)"


def _past_a_double(text: str) -> str | None:
    """Why JSON ``text``, read from a store, is no value an attribute holds for a number past a
    double (json reads ``1e400`` as an infinity, which no save writes), or None."""
    if _MAYBE_PAST_A_DOUBLE.search(text) is None:
        return None
    try:
        json.loads(text, parse_float=_finite)
    except _PastADouble as exc:
        return str(exc)
    return None


class _PastADouble(ValueError):
    pass


def _finite(number: str) -> float:
    value = float(number)
    if value in (math.inf, -math.inf):
        raise _PastADouble(f"{number} is past a double: JSON reads it as an infinity")
    return value


def _past_int_digits(exc: ValueError) -> str | None:
    """Why a stored value is no value an attribute holds, when reading it raised ``exc``: json's
    ValueError for an integer past Python's limit on the digits of one
    (`sys.get_int_max_str_digits`, 4300 by default), whose advice (raise that limit) would not
    help, no store keeping such a number; or None, for any other ValueError."""
    if "integer string conversion" not in str(exc):
        return None
    return _past_digits()


def _past_digits() -> str:
    """Why an integer past Python's limit on the digits of one is no value an attribute holds."""
    return f"it holds {_past_digits_said()}"


def _past_digits_said() -> str:
    """An integer past Python's limit on the digits of one, as a refusal names it: "an integer
    of more than 4,300 digits, outside the numbers every store keeps (…)"."""
    digits = sys.get_int_max_str_digits()
    return f"an integer of more than {digits:,} digits, outside {_KEPT_NUMBERS}"


def _nests_deeper(value: Any) -> bool:
    """Whether ``value`` nests lists and dicts deeper than `_MAX_NESTING`, walked a level at a
    time, without recursion and no deeper than that (a value holding itself ends too), each
    list or dict once a level: for a value whose encoding ran out of stack, said in the
    limit's words, as one a level past the limit is."""
    level = {id(value): value} if isinstance(value, _CONTAINERS) else {}
    for _ in range(_MAX_NESTING):  # then the lists and dicts `_MAX_NESTING` + 1 levels deep
        inner: dict[int, Any] = {}
        for container in level.values():
            items = container.values() if isinstance(container, dict) else container
            inner.update((id(item), item) for item in items if isinstance(item, _CONTAINERS))
        if not inner:
            return False
        level = inner
    return True


#: DynamoDB's limit on an item, its attribute names and values together ("Service, account, and
#: table quotas in Amazon DynamoDB": 400 KB, 1 KB being 1,024 bytes), which every store keeps
#: for what one save writes (`_check_item_size`).
_ITEM_BYTES: Final = 400 * 1024


def _check_item_size(
    texts: Mapping[str, str],
    deleted: Iterable[str],
    increments: Iterable[str] | None,
    counts: Mapping[str, tuple[int, int]] | None = None,
) -> None:
    """`ResponseError` if what a save writes (the values whose JSON is ``texts``, and
    ``increments``, but what ``deleted`` removes) is over DynamoDB's `_ITEM_BYTES` by itself,
    in every store, in the DynamoDB store's words (`_item_refused`): a skill whose saves pass
    on memory or SQLite is not refused only once served from DynamoDB. What the item holds
    already is not counted (DynamoDB alone can tell, at its write).

    ``counts``: for each text, (its bytes of UTF-8, its "[" and "{"), as the save's checks
    counted them (`checked_changes._Checked`), not counted again. Counted as DynamoDB counts
    (`_dynamodb_bytes`), but first bounded from the JSON alone: DynamoDB's count of a value is
    at most its compact JSON's bytes and 2 more a list or map (a string's bytes are its JSON's
    less 2 quotes at least, a number's or a literal's at most its JSON's, an element's 1 byte is
    paid by its comma, a map name's by its quotes and colon; a list's or map's 3 bytes by its
    brackets but 1), so under twice its JSON's bytes; a name's bytes are at most 4 a character.
    A save of under ~200 KB of JSON costs a few additions; one of more, its brackets (in
    strings too: more, never less); only one still past the limit then (many lists, or past
    it) is counted exactly, from its JSON too, in a few passes over it (`_dynamodb_bytes`)."""
    gone = set(deleted)
    added = [name for name in increments or () if name not in gone]
    written = [name for name in texts if name not in gone]
    names = sum(4 * len(name) for name in written) + sum(4 * len(name) + 1 for name in added)
    if counts is None:  # (counted here as far as needed: most saves stop at the first bound)
        texts_bytes = sum(_bytes_at_most(texts[name]) for name in written)
    else:
        texts_bytes = sum(counts[name][0] for name in written)
    if names + 2 * texts_bytes <= _ITEM_BYTES:
        return
    if counts is None:
        brackets = sum(2 * (texts[name].count("[") + texts[name].count("{")) for name in written)
    else:
        brackets = sum(2 * counts[name][1] for name in written)
    if names + texts_bytes + brackets <= _ITEM_BYTES:
        return
    sizes = {name: len(name.encode()) + _dynamodb_bytes(texts[name]) for name in written}
    sizes.update((name, len(name.encode()) + 1) for name in added)
    if sum(sizes.values()) > _ITEM_BYTES:
        raise _item_refused(sizes)


def _bytes_at_most(text: str) -> int:
    """``text``'s bytes of UTF-8, or more (4 a character), without encoding it, for
    `_check_item_size`'s bounds where the save's checks did not count them."""
    return len(text) if text.isascii() else 4 * len(text)


def _dynamodb_bytes(text: str) -> int:
    """The least size DynamoDB counts for the value whose compact JSON (`base._to_json`'s) is
    ``text`` ("DynamoDB item sizes and formats", its developer guide): a string its bytes of
    UTF-8, a number 1 byte (and 1 more per two of its significant digits, which are not
    counted: the least size, so that whatever a store refuses DynamoDB does), a boolean or null
    1, a list or map 3 and 1 an element, with the bytes of its names.

    Read from the JSON, not walked (a walk of 20,000 lists took ~4 times json.dumps's time):
    its strings' bytes are the text's less what lies outside them, their quotes and what their
    escapes add (json writes 2 characters for a quote, a backslash, or a control character it
    has a letter for, 6 for another: ``\\u0001``); outside them, each list or map is a "[" or
    "{", its elements its commas and 1 if not empty, a map's names its colons, and every other
    value (a number, true, false, null) is what is left of the values."""
    size = len(text) if text.isascii() else len(text.encode())
    added = 0  # the bytes the escapes add to the strings
    plain = text
    if "\\" in text:
        plain = text.replace("\\\\", "")  # escaped backslashes first: what is left starts one
        added = (len(text) - len(plain)) // 2 + plain.count("\\") + 4 * plain.count("\\u")
        plain = plain.replace('\\"', "")  # so that each quote left opens or ends a string
    parts = plain.split('"')
    strings = len(parts) // 2
    outside = "s".join(parts[::2])  # (a string as "s": "[s]" is no empty list)
    containers = outside.count("[") + outside.count("{")
    elements = outside.count(",") + containers - outside.count("[]") - outside.count("{}")
    map_names = outside.count(":")
    others = 1 + elements - containers - (strings - map_names)
    strings_bytes = size - (len(outside) - strings) - 2 * strings - added
    return strings_bytes + others + 3 * containers + elements


def _item_refused(sizes: Mapping[str, int]) -> Exception:
    """The refusal of a save whose attributes, of ``sizes`` in DynamoDB's count (their names
    counted), are over `_ITEM_BYTES` together: by every store, the DynamoDB store's too."""
    total = sum(sizes.values())
    largest = max(sizes, key=sizes.__getitem__)
    return _refused(
        f"attribute {shown_value(largest)} ({sizes[largest]:,} bytes) and the others saved with it "
        f"({total:,} bytes in all) are over DynamoDB's 400 KB an item, which every store keeps, "
        "so nothing was written: keep large data elsewhere (S3, say) and its key in the "
        "attributes"
    )

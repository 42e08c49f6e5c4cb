"""A name the user gave (a path, an APP) as a message echoes it: `shown`, a long one cut to its
head and tail; any value an error quotes, so cut (`shown_value`), or text already escaped (JSON
text: `shown_escaped`), or a value read as JSON, each of its parts bounded (`shown_json`), or an
int given, with thousands separators (`shown_count`), or names listed, the first few, each cut
(`shown_several`); and why a path named is not there
(`not_there`). The commands' usage errors, the simulator's
refusal of a ``--model`` and the errors quoting a value given (a response's field, a slot's
value) say them alike."""

from __future__ import annotations

import binascii
import collections
import functools
import os
import re
import reprlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import msgspec
from msgspec import Struct
from msgspec.structs import fields as msgspec_fields
from msgspec.structs import force_setattr

__all__ = [
    "MAX_SHOWN",
    "not_there",
    "shown",
    "shown_as_json",
    "shown_count",
    "shown_escaped",
    "shown_json",
    "shown_several",
    "shown_value",
]

#: The most characters of a name echoed whole: a longer one (a 5,000-character APP made a
#: 5,000-character line) keeps its first `_HEAD` and last `_TAIL`, where a path ends in the
#: file it names and an APP in its ``:attribute``.
MAX_SHOWN: Final = 120
_HEAD: Final = 70
_TAIL: Final = 30


def shown(text: str, *, quoted: bool = False, most: int = MAX_SHOWN) -> str:
    """``text`` as a message echoes it (a plain str's ``repr`` with ``quoted``): whole up to
    ``most`` characters (`MAX_SHOWN`), else its head and tail around "…", then its length:
    ``aaa…aaa.py (5,003 characters)``, ``'aaa…aaa' (5,000 characters)`` (the length outside the
    quotes: no part of the name). A smaller ``most``, for one of several names a line lists,
    keeps a head and tail in the same proportion (of 40: 23 and 10)."""
    if len(text) <= most:
        # (str's repr, not a subclass's: a StrEnum member was "<E.X: 'x'>" here, 'x' once cut)
        return str.__repr__(text) if quoted else text
    head, tail = most * _HEAD // MAX_SHOWN, max(1, most * _TAIL // MAX_SHOWN)
    cut = f"{text[:head]}…{text[-tail:]}"
    return f"{repr(cut) if quoted else cut} ({len(text):,} characters)"


def shown_several(names: Iterable[str], *, most: int = 40, first: int = 10) -> str:
    """``names`` (a slot's, a placeholder's: from a request, a store, a catalog) as a message
    lists them, ``a, b, c``: the ``first`` in their order, each as `shown` says one of
    several (of ``most`` characters), then how many more, ``and 3 more``; "" for none."""
    listed = list(names)
    said = ", ".join(shown(name, most=most) for name in listed[:first])
    if len(listed) > first:
        said += f" and {len(listed) - first:,} more"
    return said


#: One escape of a repr (``\x00``, ``\u200d``, ``\n``, ``\\``): what a cut keeps whole.
#: Read from the left, so that a run of backslashes pairs as the repr wrote it.
_ESCAPE: Final = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)", re.DOTALL)


def shown_value(value: object) -> str:
    """``value`` as an error message quotes it: a str as `shown` quotes it (cut before its
    ``repr`` is made, with its length); any other value's ``repr``, past `MAX_SHOWN`
    characters, cut to its head and tail around "…" between its escapes (a cut at a fixed
    count left ``\\x0``, half of one). No length for those: a repr's says little of the value.
    One whose repr fails (an int past 4,300 digits, a skill's object or Enum's) is said as
    `shown_json` says it."""
    try:
        if isinstance(value, str):
            return shown(value, quoted=True)
        said = repr(value)
    except Exception:  # (an int past 4,300 digits, a skill's object: the error, not this, is due)
        return shown_json(value)
    return shown_escaped(said)


def shown_escaped(said: str) -> str:
    """``said``, text already escaped (a repr; JSON text, whose ``\\u0000`` and ``\\"`` are
    a repr's escapes too), as an error quotes it: whole up to `MAX_SHOWN` characters, else cut
    to its head and tail around "…" between its escapes, as `shown_value` cuts a repr."""
    if len(said) <= MAX_SHOWN:
        return said
    return _cut(said, _HEAD, len(said) - _TAIL, "…")


def _cut(said: str, head: int, tail: int, mark: str) -> str:
    """``said``, a repr, without its characters from ``head`` to ``tail``, ``mark`` in their
    place: a cut that falls in an escape moves out of it, the escape dropped whole."""
    for escape in _ESCAPE.finditer(said):  # (a rare, long value's: an error's, once)
        if escape.start() < head < escape.end():
            head = escape.start()
        if escape.start() < tail < escape.end():
            tail = escape.end()
    return f"{said[:head]}{mark}{said[tail:]}"


class _Parts(reprlib.Repr):
    """`reprlib.repr`, each part of a value bounded (a list's first items, a string's first and
    last characters), its strings and other values (bytes) cut between their repr's escapes
    (`_cut`): reprlib's cut at a fixed count left half of one (``'a\\x00a\\x...``)."""

    def repr_str(self, x: str, level: int) -> str:
        # (reprlib's own, but for the cut: its bounds and its "...", so that a value's strings
        # look as its lists do)
        said = repr(x[: self.maxstring])
        if len(said) <= self.maxstring:
            return said
        head = max(0, (self.maxstring - 3) // 2)
        tail = max(0, self.maxstring - 3 - head)
        said = repr(x[:head] + x[len(x) - tail :])
        return _cut(said, head, len(said) - tail, "...")

    def repr_int(self, x: int, level: int) -> str:
        try:
            return super().repr_int(x, level)
        except ValueError:  # (past sys.get_int_max_str_digits, which str() and repr() refuse)
            # (its sign said: bit_length is the magnitude's, -10**5000 was said as 10**5000)
            return f"<{'a negative' if x < 0 else 'an'} int of {x.bit_length():,} bits>"

    def repr_instance(self, x: object, level: int) -> str:
        try:
            said = repr(x)
        except Exception:  # (reprlib's own words for a repr that fails)
            return super().repr_instance(x, level)
        if len(said) <= self.maxother:
            return said
        head = max(0, (self.maxother - 3) // 2)
        return _cut(said, head, len(said) - max(0, self.maxother - 3 - head), "...")


_PARTS: Final = _Parts()


def shown_count(number: int) -> str:
    """An int a message says, a count or a size given (``offsetInSeconds``), with thousands
    separators, ``2,147,483,648``; past `MAX_SHOWN` characters so written, its head and tail
    around "…" with its digits, ``10,000,…,000 (4,001 digits)``; one past Python's 4,300
    digits, which ``repr`` and formatting refuse (ValueError), by its sign and size as
    `shown_json` says it, ``<an int of 16,610 bits>``, ``<a negative int of 16,610 bits>``."""
    try:
        said = f"{number:,}"
    except ValueError:
        return _PARTS.repr_int(number, 0)
    if len(said) <= MAX_SHOWN:
        return said
    digits = len(said) - said.count(",") - said.startswith("-")
    return f"{said[:_HEAD]}…{said[-_TAIL:]} ({digits:,} digits)"


def shown_json(value: object) -> str:
    """A value read as JSON (a str, a number, a list, an object), of any kind or depth, or given
    where one may be (a `FakeAlexaApi` field), as an error quotes it: each part bounded as
    `reprlib.repr` bounds it (``[0, 0, 0, 0, 0, 0, ...]``, ``'xxxxxxxxxxxx...xxxxxxxxxxxxx'``),
    cut between its escapes. Not `shown_value`, which makes a value's repr whole before it cuts
    it: a list of a million items read from a file would be."""
    return _PARTS.repr(value)


def shown_as_json(value: object) -> str:
    """``value``, read as JSON, as its JSON text (``"x"``, ``true``, ``[1,2]``) an error quotes
    it: `shown_escaped` of ``msgspec.json.encode(value)``, made of its head and tail only (a
    list of 10 MB, a set, bytes or a memoryview, a msgspec Struct or a dataclass holding one,
    was encoded whole to show 120 characters of it)."""
    head = ""
    for piece in _json_pieces(value, backward=False):
        head += piece
        if len(head) > MAX_SHOWN:
            break
    else:
        return shown_escaped(head)  # (all of it: whole up to MAX_SHOWN)
    # The head's first _HEAD and the tail's last _TAIL characters, each with room for an escape
    # the cut moves out of; joined between whole pieces, so escapes pair as in the whole text.
    tail = ""
    for piece in _json_pieces(value, backward=True):
        tail = piece + tail
        if len(tail) > 2 * _TAIL:
            break
    return _cut(head + tail, _HEAD, len(head) + len(tail) - _TAIL, "…")


#: The characters of a string encoded at once: a piece ends between whole escapes.
_STRING_PIECE: Final = 32
#: The bytes encoded at once: a multiple of 3, so that base64's pieces join as its whole text.
_BYTES_PIECE: Final = 24
#: The items of a set read for its end (`_json_pieces`, backward): the tail kept is 2 * `_TAIL`.
_LAST_ITEMS: Final = 2 * _TAIL


def _json_pieces(value: object, *, backward: bool) -> Iterator[str]:
    """The JSON text of ``value`` in whole pieces (a token, a string's escapes), from its start
    or, ``backward``, from its end; lazily, so that a reader stops when it has enough."""
    if isinstance(value, str):
        yield '"'
        starts = range(0, len(value), _STRING_PIECE)
        for start in reversed(starts) if backward else starts:
            yield _json_string(value[start : start + _STRING_PIECE])
        yield '"'
    elif isinstance(value, (bytes, bytearray)) or (
        isinstance(value, memoryview) and value.c_contiguous  # (msgspec refuses another)
    ):  # (base64, as msgspec writes them; a memoryview, of its bytes)
        data = value.cast("B") if isinstance(value, memoryview) else value
        yield '"'
        starts = range(0, len(data), _BYTES_PIECE)
        for start in reversed(starts) if backward else starts:
            yield binascii.b2a_base64(data[start : start + _BYTES_PIECE], newline=False).decode()
        yield '"'
    elif isinstance(value, (list, tuple)):
        yield "]" if backward else "["
        for index in range(len(value)):
            item = value[len(value) - 1 - index] if backward else value[index]
            if index:
                yield ","
            yield from _json_pieces(item, backward=backward)
        yield "[" if backward else "]"
    elif isinstance(value, (set, frozenset)):  # (an array, in the order it iterates)
        yield "]" if backward else "["
        # Its end alone, backward: a set has no reversed(). Each item with its comma is two
        # characters at least, so its last `_LAST_ITEMS` make more than a tail's room.
        members = reversed(collections.deque(value, _LAST_ITEMS)) if backward else iter(value)
        for index, item in enumerate(members):
            if index:
                yield ","
            yield from _json_pieces(item, backward=backward)
        if not backward or len(value) <= _LAST_ITEMS:
            yield "[" if backward else "]"
    elif isinstance(value, Mapping):
        yield "}" if backward else "{"
        items: Iterator[tuple[object, object]] = iter(value.items())
        if backward:
            try:
                items = reversed(value.items())  # type: ignore[call-overload]
            except TypeError:  # (a Mapping's view that is not reversible: a rare one's)
                items = reversed(list(value.items()))
        for index, (key, item) in enumerate(items):
            if index:
                yield ","
            if backward:
                yield from _json_pieces(item, backward=True)
                yield ":"
                yield from _json_key(key, backward=True)
            else:
                yield from _json_key(key, backward=False)
                yield ":"
                yield from _json_pieces(item, backward=False)
        yield "{" if backward else "}"
    elif isinstance(value, Struct) or hasattr(type(value), "__dataclass_fields__"):
        yield from _object_pieces(value, backward=backward)
    else:
        yield msgspec.json.encode(value).decode()


class _Hole:
    """A field's value left out of a Struct's or dataclass's copy (`_object_pieces`): its JSON
    is written in its place, by its own pieces."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _object_pieces(value: object, *, backward: bool) -> Iterator[str]:
    """The JSON of a msgspec Struct or a dataclass in pieces: msgspec encodes a copy of it
    whose values that may be large (a str, a list, a Struct, not empty) are each a `_Hole`,
    and each is written by its own pieces where its mark is. msgspec says what is written (a
    Struct's tag, renames, ``array_like``, the defaults it omits: a value that is its field's
    default is left in place, omitted as it was), its values' JSON alone is made lazily."""
    import copy

    holes: list[object] = []
    try:
        shallow = copy.copy(value)
        if isinstance(value, Struct) and isinstance(shallow, Struct):
            for info in msgspec_fields(value):
                item = getattr(value, info.name)
                if item is not info.default and _may_be_large(item):
                    force_setattr(shallow, info.name, _Hole(len(holes)))
                    holes.append(item)
        else:
            import dataclasses  # (loaded: the dataclass was made with it)

            for field in dataclasses.fields(value):  # type: ignore[arg-type]
                item = getattr(value, field.name)
                if _may_be_large(item):
                    object.__setattr__(shallow, field.name, _Hole(len(holes)))
                    holes.append(item)
    except Exception:  # (a copy its class refuses: encoded whole, as before)
        yield msgspec.json.encode(value).decode()
        return
    # (the values left in the copy are small, empty or their field's default: none holds it)
    mark = f"\ue000{os.getpid()}-{id(holes)}-"
    parts = re.split(
        f'"{re.escape(mark)}([0-9]+)\ue000"',
        msgspec.json.encode(shallow, enc_hook=functools.partial(_hole_mark, mark)).decode(),
    )
    for index, part in reversed(list(enumerate(parts))) if backward else enumerate(parts):
        if index % 2:
            yield from _json_pieces(holes[int(part)], backward=backward)
        elif part:
            yield part


def _hole_mark(mark: str, value: object) -> str:
    """The mark written for a `_Hole` (an ``enc_hook``): ``mark``, its index, U+E000."""
    if isinstance(value, _Hole):
        return f"{mark}{value.index}\ue000"
    raise TypeError(f"Encoding objects of type {type(value).__name__} is unsupported")


def _may_be_large(item: object) -> bool:
    """Whether ``item``'s JSON may be large: a str, bytes, array or object not empty, a Struct
    or a dataclass (a number, a bool, a date is small)."""
    if isinstance(item, (str, bytes, bytearray, memoryview, list, tuple, set, frozenset, Mapping)):
        return len(item) > 0
    return isinstance(item, Struct) or hasattr(type(item), "__dataclass_fields__")


def _json_key(key: object, *, backward: bool) -> Iterator[str]:
    """A dict's key as JSON writes it: a str in pieces, another (``1``, ``1e999``, an Enum) as
    msgspec writes it whole, ``"1"``, ``"inf"``, ``"\\"a\\""`` (not its value's JSON cut of
    its quotes: ``"null"``, ``"\\\\\\"a\\\\"``), or msgspec's TypeError for it (``None``)."""
    if isinstance(key, str):
        yield from _json_pieces(key, backward=backward)
    else:
        yield msgspec.json.encode({key: 0}).decode()[1:-3]


# Compiled when first used, not at import (as xml_text's `_not_xml`): the surrogates' range
# costs a cold start milliseconds (tests/test_aws_lambda_cold.py), and most values hold none.
@functools.cache
def _surrogate() -> re.Pattern[str]:
    """A lone surrogate (``"\\ud800"``, which ``json.loads`` reads): no UTF-8, so msgspec
    refuses it."""
    return re.compile("([\ud800-\udfff])")


def _json_string(text: str) -> str:
    """``text``'s JSON escapes, without its quotes; a lone surrogate written ``\\ud800``, as
    JSON writes one, where msgspec raised UnicodeEncodeError (a server's answer that
    ``json.loads`` read, quoted: the command's traceback)."""
    if _surrogate().search(text) is None:
        return msgspec.json.encode(text).decode()[1:-1]
    # (split on them: the parts between, encoded, and each one, escaped)
    return "".join(
        f"\\u{ord(part):04x}" if index % 2 else msgspec.json.encode(part).decode()[1:-1]
        for index, part in enumerate(_surrogate().split(text))
    )


def not_there(path: str, missing: str = "no such file") -> str:
    """Why ``path``, named by the user and found not there, is not: ``missing``, or why the
    system cannot look the name up ("File name too long": a part over 255 bytes).

    Whether such a path is there is asked with `os.path`'s ``exists``, ``isfile`` and ``isdir``,
    which answer False for a name the system refuses: pathlib's (Python 3.11) raise OSError for
    it (ENAMETOOLONG), a traceback where a line was due."""
    try:
        os.stat(path)
    except (FileNotFoundError, ValueError):  # (ValueError: a NUL in it, no file's name)
        pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return missing

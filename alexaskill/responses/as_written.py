"""Refuse a raw directive's JSON that Alexa would receive other than as the handler wrote it.

msgspec encodes more than JSON holds: NaN and the infinities as ``null``, ``{1: "a"}`` as
``{"1": "a"}``, bytes as base64 text, a set as a list in no set order. A directive written as a
mapping (an APL data source, a ``Connections`` input, a custom directive) holding one of those
went out changed, without a word; so does a ``Decimal``, a number sent as a string of its
digits. Here the first such value is named, as a `ResponseError` raised where the directive is
made: in a handler, the handler's error (a spoken apology and a log line naming it). The values
of a `msgspec.Struct`, a dataclass or an attrs instance inside the mapping are looked into as a
dict's are (each goes as an object of its fields). What JSON has no other spelling for goes as
ever: a tuple as a list, a ``date`` or a ``UUID`` as its text. A mapping that does not encode
at all is said where it fails (`unencodable`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Final

import msgspec

from ..articles import type_with_article, value_with_type
from ..exceptions import ResponseError
from .json_fields import _Field, _fields, _where
from .written_out import MAX_RESPONSE_BYTES, written_out_past, written_out_past_any_reply

# MAX_RESPONSE_BYTES and the written_out_past pair live in written_out, re-exported: public
# here before the split, the responses' encoding and their snapshots import them from here.
__all__ = [
    "MAX_RESPONSE_BYTES",
    "check_as_written",
    "check_object_as_written",
    "unencodable",
    "written_out_past",
    "written_out_past_any_reply",
]

_BYTES: Final = (bytes, bytearray, memoryview)
_SETS: Final = (set, frozenset)
_REFUSALS: Final = (TypeError, ValueError, OverflowError)


def check_as_written(field: str, written: Any, sent: Any) -> None:
    """`ResponseError` naming the first value of ``written`` that JSON changes, when ``sent``
    (``written`` encoded and decoded again) differs from it; nothing when they are equal.

    The comparison is C's (``==``, the common case, costs a few microseconds a KB); a mapping
    that differs is looked at by `_unaltered` first, and walked by `_first` only when that
    finds a value JSON changes (to name it).
    """
    if sent == written or _unaltered(written):
        return
    _name_altered(field, written)


def check_object_as_written(field: str, written: object, encode: Callable[[Any], bytes]) -> None:
    """`ResponseError` naming the first value in the fields of ``written`` (a directive or a
    card of the skill's own class: a `msgspec.Struct`) that JSON changes, as `check_as_written`
    names one in a mapping; nothing when it holds none, or holds a value ``encode`` refuses
    (the reply's encoding names that one: the skill's data, said in one log line).

    Encoded first: `_unaltered` looks through what ends, and the skill's value may hold itself.
    """
    try:
        encode(written)
    except _DataRefused:  # (a ValueError: JSON would write it out past any reply)
        raise
    except (*_REFUSALS, RecursionError):
        return
    fields = _fields(written)
    if fields is not None and not _unaltered(fields):
        _name_altered(field, written)


def _name_altered(field: str, written: Any) -> None:
    """`ResponseError` naming the first value of ``written`` JSON changes (`_first`)."""
    try:
        found = _first(written, _altered_key, _altered, objects=True)
    except _Unsearched:  # (msgspec encodes deeper than a request nests)
        raise ResponseError(
            f"{field} holds NaN, an infinity, a key that is no str, bytes or a set, among too "
            "many values or nested too deeply to say where: JSON would change it"
        ) from None
    if found is not None:
        path, what = found
        raise ResponseError(f"{field}{_where(path)} {what}")


class _DataRefused(ResponseError):
    """A reply refused for the data the handler put in it (its response or its session
    attributes): a value JSON cannot hold, the path to it named, or in the encoder's words past
    what the search looks through; a directive or apiResponse JSON would write out past any
    reply (`written_out_past_any_reply`); attributes that are no dict, that JSON would change or
    write out past any reply (`encoding._attributes_refusal`) or nested too deeply
    (`encoding._nested_too_deep`); or a body past `MAX_RESPONSE_BYTES`
    (`encoding.data_refusal`, which says it). Also a save refused for a persistent attribute
    (`store.data_faults._refused`): one JSON cannot hold, or would write out past a save's bound
    (`store.base._check_written_out`), or no store keeps (a key not a string or empty, a number
    or a nesting beyond DynamoDB's); an empty store key, a name no str, an increment refused, a
    save past DynamoDB's item or expression sizes."""


def _unaltered(written: Any) -> bool:
    """Whether ``written`` holds no value `_altered` judges wrong and no key that is no str:
    True says `_first` would find nothing; False only that it must look (and name it).

    Why it is here: a valid mapping holding a tuple, a date or a UUID never equals
    what it decodes to, so each response made with it was walked by `_first`, a Python call a
    value and a list of steps a level (~350 us for a 23 KB APL document whose encoding took
    ~16 us). This is one loop over a stack with no call a value: a value of a common exact type
    (str, int, bool, None, a finite float) costs a test of its type, a dict, list or tuple is
    pushed, anything else is judged as `_first` would judge it (`_altered`, `isinstance`), so
    both agree on every value, a subclass's too. benchmarks/bench_as_written.py (best of 7,
    interleaved): the tuple document's check (encode, decode, compare) takes ~0.36x what it took;
    the same document with lists and a small Dialog.Delegate, equal at ``==``, ~1.0x.
    It needs no bound: ``written`` was encoded, so it ends and holds no cycle; an object's
    fields are pushed once all the same (one msgspec leaves out may point back).
    """
    if not isinstance(written, dict | list | tuple):
        return _altered(written) is None
    stack: list[Any] = [written]
    expanded: set[int] = set()  # the objects whose fields were pushed: each once, no cycle
    pop = stack.pop
    push = stack.append
    while stack:
        container = pop()
        items: Any
        if isinstance(container, dict):
            for key in container:
                if type(key) is not str and not isinstance(key, str):
                    return False
            items = container.values()
        else:  # a list or a tuple (or a subclass of one): nothing else is pushed
            items = container
        for value in items:
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                continue
            if kind is float:
                if value - value != 0.0:  # NaN or an infinity
                    return False
            elif (
                kind is dict
                or kind is list
                or kind is tuple
                or isinstance(value, dict | list | tuple)  # as _first: looked into
            ):
                push(value)
            elif _altered(value) is not None:
                return False
            elif kind not in _FIELDLESS and id(value) not in expanded:
                fields = _fields(value)
                if fields is None:
                    if len(_FIELDLESS) < _FIELDLESS_KEPT:
                        _FIELDLESS.add(kind)
                else:  # (an object met again has the same fields: looked into once)
                    expanded.add(id(value))
                    push(fields)
    return True


#: Types `_fields` found to be no Struct, dataclass or attrs class (a date, a UUID, an Enum):
#: `_unaltered` asks once a type (asking costs ~1-2 us a value: an Enum class answers
#: ``hasattr`` slowly), so a document of dates or Enum members is checked as fast as before
#: objects were looked into.
_FIELDLESS: Final[set[type]] = set()
_FIELDLESS_KEPT: Final = 512


#: How many values `_first` judges, and how many levels deep it goes, before it gives up
#: (`_Unsearched`): it runs once something was found wrong (a reply refused, a value JSON
#: changes), to say where, and must not hold a worker for a value of millions. A body Alexa
#: takes (120 KB) holds at most ~61,000 values, and a request nests at most ~975 levels.
_MAX_LOOKED_AT: Final = 100_000
_MAX_DEPTH: Final = 1_000


class _Unsearched(Exception):
    """`_first` gave up: more values, or deeper, than it looks through."""


class _Loop(str):
    """What `_first` says of a container met again inside itself (``is ['a'] again: …``)."""

    __slots__ = ()


def _first(
    value: Any,
    key_problem: Callable[[Any], str | None],
    problem: Callable[[Any], str | None],
    *,
    objects: bool = False,
    root: str = "",
) -> tuple[list[Any], str] | None:
    """(the path to the first key or value of ``value`` found wrong, what is wrong), or None:
    ``key_problem`` judges each key that is no str or not ASCII (a str that may not encode: a
    lone surrogate; None for one that is no fault), ``problem`` each value that is no dict,
    list or tuple (those are looked into); with ``objects``, a value ``problem`` finds nothing
    wrong with is looked into too when it is a Struct, a dataclass or an attrs instance.

    A container met again inside itself is wrong too, said as a `_Loop` naming it from
    ``root`` (``is sessionAttributes['a'] again: …``): JSON cannot hold a loop. One loop over
    a stack, no call a level, so no depth is too deep for Python's frames; past
    `_MAX_LOOKED_AT` values or `_MAX_DEPTH` levels, `_Unsearched`.
    """
    path: list[Any] = []  # the steps to ``item``
    # The containers being looked into, innermost last: their entries left, whether those
    # are a dict's (keys to judge), the length of their path, their id. ``held`` maps each
    # id to that length, to name a loop.
    stack: list[tuple[Iterator[tuple[Any, Any]], bool, int, int]] = []
    held: dict[int, int] = {}
    left = _MAX_LOOKED_AT
    item = value
    while True:  # ``item``, at ``path``, is to be judged, or looked into
        entries: Iterator[tuple[Any, Any]] | None = None
        keyed = False
        if isinstance(item, dict):
            entries, keyed = iter(item.items()), True
        elif isinstance(item, list | tuple):
            entries = enumerate(item)
        else:
            what = problem(item)
            if what is not None:
                return path, what
            fields = _fields(item) if objects else None
            if fields is not None:
                entries = ((_Field(name), field) for name, field in fields.items())
        if entries is not None:
            ident = id(item)
            if ident in held:
                again = f"{root}{_where(path[: held[ident]])}" or "the whole value"
                return path, _Loop(f"is {again} again: it holds itself, which JSON cannot hold")
            if len(stack) >= _MAX_DEPTH:
                raise _Unsearched
            held[ident] = len(path)
            stack.append((entries, keyed, len(path), ident))
        while True:  # the next value: the first one left in the innermost container
            if not stack:
                return None
            entries, keyed, depth, ident = stack[-1]
            del path[depth:]
            for key, item in entries:
                left -= 1
                if left < 0:
                    raise _Unsearched
                if keyed and (not isinstance(key, str) or not key.isascii()):
                    what = key_problem(key)
                    if what is not None:
                        return path, what
                kind = type(item)
                if kind is str or kind is int or kind is float or kind is bool or item is None:
                    what = problem(item)  # (judged here: nothing in it to look into)
                    if what is not None:
                        path.append(key)
                        return path, what
                    continue
                path.append(key)
                break
            else:
                stack.pop()
                del held[ident]
                continue
            break


def _altered_key(key: Any) -> str | None:
    if isinstance(key, str):  # (not ASCII: it encodes, or `unencodable` names it)
        return None
    return (
        f"has the key {value_with_type(key)}: JSON keys are strings, and "
        f"Alexa would get {_key_sent(key)!r}; write that"
    )


def _key_sent(key: Any) -> str:
    """The string msgspec writes for ``key``: an Enum member's value (``str()`` says
    ``'Color.RED'``), a float's shortest digits (``'1e20'``, where ``str()`` says ``'1e+20'``).
    Encoded as the directive was, its enc_hook included (older msgspec hands it a str Enum key)."""
    from .snapshots import _encode  # (it imports this module)

    try:
        sent: dict[str, None] = msgspec.json.decode(_encode({key: None}))
    except (TypeError, ValueError, OverflowError):  # (encoded once already: not expected)
        return str(key)
    return next(iter(sent))


def _altered(value: Any) -> str | None:
    """What JSON would change of ``value`` (no dict, list or tuple), or None."""
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return f"is {value!r}: JSON has no such number, and Alexa would get null"
    if isinstance(value, _BYTES):
        return (
            f"is {type_with_article(value)}: Alexa would get it as base64 "
            "text; give a str (.decode() it, or base64-encode it yourself)"
        )
    if isinstance(value, _SETS):
        return (
            f"is {type_with_article(value)}: Alexa would get a list in no set order; "
            "give a list (sorted(...))"
        )
    if isinstance(value, Decimal):
        return (
            f"is {value!r}: Alexa would get the string {str(value)!r}, not a number; give "
            "float(...) for a number, str(...) for its text"
        )
    return None


def unencodable(written: Any, encode: Callable[[Any], bytes], root: str = "") -> str | None:
    """Where ``written``, which ``encode`` refused, holds what it cannot encode: ``"['a'] has
    the key True (a bool)"``, ``"['a'][1] is a Foo"``, each path after ``root``
    (``"response.card.text is a Foo"``); None if not found, or past what `_first` looks
    through. msgspec's own message names a type alone ("bool is not JSON-encodable", of a key:
    a bool value is). Called once ``encode`` failed, never on a reply that encodes."""

    def refused_key(key: Any) -> str | None:
        try:
            encode({key: None})
        except _REFUSALS as exc:
            if isinstance(key, str):  # (a lone surrogate, as a str value that does not encode)
                return f"has the key {key!r}, a str that does not encode: {exc}"
            return f"has the key {value_with_type(key)}, where JSON takes a str"
        return None

    def refused(value: Any) -> str | None:
        if _fields(value) is not None:
            return None  # a Struct or a dataclass is refused for a field: looked into
        try:
            encode(value)
        except TypeError:
            return f"is {type_with_article(value)}"
        except _REFUSALS as exc:  # a type JSON takes, this value not (a str with a lone surrogate)
            return f"is {type_with_article(value)} that does not encode: {exc}"
        return None

    try:
        found = _first(written, refused_key, refused, objects=True, root=root)
    except Exception:  # (_Unsearched, a value too deep to encode here, a field that raised)
        return None  # the encoder's own words then, never a failure of the search
    if found is None:
        return None
    path, what = found
    return f"{root}{_where(path)} {what}"

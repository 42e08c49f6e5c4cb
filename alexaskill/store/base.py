"""The store interface, and the JSON every store keeps values as: `Store`, `DEFAULT_STORE`."""

from __future__ import annotations

import json
import math
import re
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol, TypeVar

from ..articles import type_with_article, value_with_type
from ..exceptions import ConfigurationError, ResponseError, StoreError
from ..json_scalars import JSON_INSTEAD
from ..shown_names import shown, shown_value
from .data_faults import (
    _MAX_COUNTED,
    _NOT_INCREMENTED,
    _TOO_LARGE_TO_INCREMENT,
    _not_a_name,
    _refused,
)
from .json_bytes import UNREAD as _UNREAD
from .json_bytes import _read as _read_bytes
from .json_keys import _CONTAINERS, _place, _Unjson, _unjson
from .limits import (
    _MAX_NESTING,
    _TOO_DEEP,
    _nests_deeper,
    _past_a_double,
    _past_digits_said,
    _past_int_digits,
    _unheld_nesting,
)

__all__ = ["DEFAULT_STORE", "Store"]

#: The store when none is named: a SQLite file in the working directory.
DEFAULT_STORE: Final = "sqlite:///alexaskill.db"

_COROUTINE: Final = types.CoroutineType


class Store(Protocol):
    """Where attributes live: a dict of JSON values per key (a user, or a person).

    The app awaits what each method returns: write them as ``async def``, or as a ``def``
    returning an awaitable (another store's coroutine, for a store wrapping one).
    """

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key`` (an empty dict for a key never written)."""
        ...

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        """Set ``changes`` and remove ``deleted`` under ``key``, atomically; other names stay.

        A store may also take ``increments``, a mapping of names to integers to add to their
        stored integers (absent: 0) in the same transaction, for `Attributes.increment`. The
        stores here all do; `ResponseError` if a stored value is not an integer.

        A store may also have ``check_update(changes, deleted, increments=None)``, raising the
        `ResponseError` ``update`` would raise for values beyond its own limits, without I/O:
        when a handler changed attributes of several kinds, the app checks them all before
        saving any (`DynamoDBStore` and `RedisStore` have one).

        The stores here refuse an empty key or attribute name with `ResponseError`
        (`data_faults._names_checked`), writing nothing: DynamoDB keeps neither; and a key or
        name that is no str, and a key over DynamoDB's 2,048 bytes, in ``load`` too; and a str
        for ``deleted`` with TypeError (a collection of names is meant: ``["abc"]``, not
        ``"abc"``).
        """
        ...

    async def aclose(self) -> None:
        """Release connections; a later call opens them again (the app served again)."""
        ...


def _is_store(obj: object) -> bool:
    """Whether ``obj`` is a store: an object with the methods ``load``, ``update`` and
    ``aclose`` (not a class, which has them too: `MemoryStore` is a factory of stores)."""
    return not isinstance(obj, type) and all(
        callable(getattr(obj, name, None)) for name in ("load", "update", "aclose")
    )


def _lacking(obj: object) -> str | None:
    """The one method of a store's that ``obj``, which has the two others, lacks, for a message
    ("X has no aclose"); None if it lacks none, or more (no store meant: a dict has update)."""
    names = ("load", "update", "aclose")
    missing = [name for name in names if not callable(getattr(obj, name, None))]
    if len(missing) != 1:
        return None
    said = f"{type(obj).__name__} has no {missing[0]}"
    if missing == ["aclose"]:
        said += " (nothing to release? async def aclose(self): pass)"
    return said


def _awaitable(store: object, name: str, result: Any) -> Any:
    """``result``, returned by ``store``'s method ``name`` (``load``, ``update``, ``aclose``),
    for the app to await; `ConfigurationError` naming the method if it is nothing to await (a
    plain ``def`` returning a dict, say), where Python's "can't be used in 'await' expression"
    named neither the store nor the fix.

    Checked here, at the call, not when the store is given: a plain ``def`` may return what is
    awaited (a store delegating to another store returns that one's coroutine). A function, not
    a coroutine: each load and save of a request pays a type check, not a coroutine more."""
    if type(result) is _COROUTINE:  # an async def's: every store here
        return result
    import inspect

    if not inspect.isawaitable(result):
        raise ConfigurationError(
            f"{type(store).__name__}.{name} returned {type_with_article(result)}, which is not "
            f"awaitable (a plain def?), and the app awaits it: write async def {name}(…) (as the "
            "Store protocol's), or return an awaitable"
        )
    return result


def _decode(name: str, text: str | bytes, where: str) -> Any:
    """The value a store kept as JSON text; `StoreError` naming the attribute if it is not JSON
    (another program wrote it, or a hand): one log line, not a handler's traceback.

    ``NaN`` and ``Infinity``, which Python's json reads, are refused too: no store here writes
    them. The key (a user id) is not in the message: logs never hold one in full.
    """
    unheld = _unheld_nesting(text if isinstance(text, str) else _as_str(text))
    if unheld is not None:
        raise _not_held(name, where, unheld)
    try:
        if isinstance(text, str):
            decoded = text
            if not text.startswith("\ufeff"):
                value = _from_json(text)
            else:  # json.loads refuses it in its words
                value = json.loads(text, parse_constant=_not_json)
        else:
            value = _read_bytes(text)
            if value is not _UNREAD:
                return value  # (msgspec's: valid UTF-8, no surrogate alone, no NaN)
            # Bytes msgspec leaves: json.loads reads them or refuses them in its words, then they
            # are decoded strictly: its "surrogatepass" read a surrogate encoded alone as half a
            # pair (b'"\xed\xa0\x80"'), and UTF-16 holds no b"\\u" for the escapes below.
            value = json.loads(text, parse_constant=_not_json)
            decoded = text.decode(json.detect_encoding(text))
        if "\\u" in decoded:
            # An escape may stand for half a surrogate pair (a string cut short): no text,
            # and the attributes made of it failed, saying it "cannot be saved". Encoded to
            # tell only where a surrogate is escaped: `Attributes` encodes each value loaded,
            # and "\u0001" or "\u00e9" had it encoded twice at each load.
            decoded.encode()  # (a surrogate in the text itself: encoded, no JSON's)
            if _SURROGATE_ESCAPE.search(decoded) is not None:
                json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        unheld = _past_int_digits(exc) if isinstance(exc, ValueError) else None
        if unheld is not None:
            raise _not_held(name, where, unheld) from exc
        raise StoreError(
            f"{where}: the stored value of attribute {shown_value(name)} is not JSON ({exc}), it "
            f"reads {_excerpt(text)}: written by another program? correct it, or delete the "
            "attribute"
        ) from exc
    unheld = _past_a_double(decoded)
    if unheld is not None:
        raise _not_held(name, where, unheld)
    return value


#: The most characters of a stored value a message shows (`_excerpt`).
_EXCERPT: Final = 24


def _excerpt(text: str | bytes) -> str:
    """The start of a stored value for a message, quoted as `repr` quotes: a line break or a
    control character escaped, a byte no UTF-8 as U+FFFD (one log line, nothing for a terminal
    to run), and no more than a few words of what the value holds; "…" after it if cut."""
    if isinstance(text, bytes):  # (UTF-16 from a SQLite database made so, as json.loads reads)
        start = text[: _EXCERPT * 4].decode(json.detect_encoding(text), "replace")
        cut = len(start) > _EXCERPT or len(text) > _EXCERPT * 4
    else:
        start, cut = text, len(text) > _EXCERPT
    return repr(start[:_EXCERPT]) + ("…" if cut else "")


def _as_str(text: bytes) -> str:
    """Bytes read from a store as text, for `_unheld_nesting` (its brackets, ASCII, are all it
    looks at): "" if not text, which the read then refuses in its words."""
    if text.count(b"[") + text.count(b"{") <= _MAX_NESTING:
        return ""
    try:
        return text.decode(json.detect_encoding(text))
    except UnicodeDecodeError:
        return ""


def _not_held(name: str, where: str, why: str) -> StoreError:
    """The `StoreError` of a stored value JSON reads but no attribute holds (`_decode`)."""
    return StoreError(
        f"{where}: the stored value of attribute {shown_value(name)} is not JSON Alexa "
        f"attributes can hold ({why}): written by another program? correct it, or delete the "
        "attribute"
    )


def _name_not_utf8(where: str, exc: UnicodeError) -> StoreError:
    """The `StoreError` of a stored attribute name that is no UTF-8: one Redis's store decoded
    itself (`redis_text._text`: no word of decode_responses, no client failed to read it), or one
    holding half a surrogate pair that a store of one's own loaded (`_loaded_refused`)."""
    return StoreError(f"{where}: a stored attribute name is not UTF-8 ({exc}): delete it")


def _loaded_refused(where: str, data: Mapping[str, Any]) -> StoreError | None:
    """The `StoreError` of ``data``, loaded by a store of one's own (``where``: its ``load``),
    for its first name or value no attribute holds, in the words of the stores here, which
    refuse one as they read it: a name holding half a surrogate pair (no UTF-8: text read with
    surrogateescape, a string cut short), a value JSON cannot hold (such text, a set, NaN, a
    list held in itself or written out past a save's bound). None if none is refused. Called
    once `Attributes` failed to encode ``data`` (a `ResponseError`, the handler's words): each
    value looked at in the order it was, up to the one it failed at (no work it did not do)."""
    for name, value in data.items():
        try:
            _encode(name, value)
        except ResponseError as exc:
            if isinstance(exc.__cause__, UnicodeEncodeError):
                try:
                    name.encode()
                except UnicodeEncodeError as cause:
                    return _name_not_utf8(where, cause)
            unjson = _unjson(value) if isinstance(exc.__cause__, TypeError) else None
            if unjson is not None:
                # (json's words, "Object of type set is not JSON serializable", and the stored
                # value's "written by another program?" said nothing of what the load returned)
                path, item, key = unjson
                kind = type_with_article(item) + (" as a dict key" if key else "")
                place = f" in {_place(name, path)}" if path else ""  # (as `_loaded_key_refused`)
                return StoreError(
                    f"{where}: the value loaded for attribute {shown_value(name)} holds "
                    f"{kind}{place}, which JSON cannot hold: make the load return JSON's types "
                    "(dict, list, str, int, float, bool, None), or delete the attribute"
                )
            # (NaN, a loop: where, without the advice to the save's author, "store a str, …")
            why = _unfinite_or_loop(name, value, instead=False)
            if why is None:
                why = str(exc)  # (without the save's words, "attribute 'x' cannot be saved")
                for said in ("cannot be saved as JSON: ", "cannot be saved: "):
                    why = why.removeprefix(f"attribute {shown_value(name)} {said}")
            return _not_held(name, where, why)
    return None


def _unjson_said(name: str, found: _Unjson) -> str:
    """What `_unjson` found in attribute ``name``'s value, and where: "name['tags'] is a set,
    which JSON cannot hold (…)", "name['a'] has the key (1, 2) (a tuple), …" (as
    `json_keys._check_keys` says a key), with what to store instead."""
    path, item, key = found
    what = f"has the key {value_with_type(item)}" if key else f"is {type_with_article(item)}"
    return f"{_place(name, path)} {what}, which JSON cannot hold ({JSON_INSTEAD})"


def _unfinite_or_loop(name: str, value: Any, *, instead: bool = True) -> str | None:
    """Where attribute ``name``'s ``value`` holds NaN or an infinity ("name['a'] is nan, which
    JSON cannot hold (…)", what to store ``instead``) or holds itself ("name[1] is name again:
    it holds itself, …"), found as session attributes' are (`as_written._first`); None if it
    holds neither, or past the values it looks through."""
    from ..responses.as_written import _first, _Loop, _Unsearched

    def unfinite(item: Any) -> str | None:
        if isinstance(item, float):
            return None if math.isfinite(item) else f"is {item!r}"
        # (an int past Python's digits, whose text json's str() refused: ValueError, here)
        return f"is {_past_digits_said()}" if _past_text(item) else None

    def key_past_text(key: Any) -> str | None:
        if not _past_text(key):
            return None
        return f"has the key {value_with_type(key)}, and JSON keys are strings: it is {past}"

    past = _past_digits_said()

    try:
        found = _first(value, key_past_text, unfinite, root=name)
    except _Unsearched:
        return None
    if found is None:
        return None
    path, what = found
    if isinstance(what, _Loop) or not instead or what.endswith(past):
        return f"{_place(name, path)} {what}"
    return f"{_place(name, path)} {what}, which JSON cannot hold ({JSON_INSTEAD})"


def _past_text(item: object) -> bool:
    """Whether ``item`` is an int past Python's limit on the digits of one's text
    (`sys.get_int_max_str_digits`): json cannot write it (its ValueError, "Exceeds the
    limit")."""
    if type(item) is not int:
        return False
    most = sys.get_int_max_str_digits()  # (0: no limit)
    if not most or item.bit_length() * 0.30103 < most - 1:  # (of fewer digits: written)
        return False
    try:
        str(item)
    except ValueError:
        return True
    return False


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


#: ``json.loads(text, parse_constant=_not_json)`` for a str without a BOM, from one decoder made
#: once: json.loads with a keyword argument made a `json.JSONDecoder` at each value of each load.
#: (A value nested past 30 levels is refused before it is read, `limits._unheld_nesting`: never
#: near the recursion limit, which the caller's depth moves.)
_from_json: Final = json.JSONDecoder(parse_constant=_not_json).decode

#: An escape of a surrogate (\ud800 to \udfff) in a JSON text: in a text that encodes (bytes
#: decoded strictly), the only way to a string of half a pair (`_decode`).
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")

_Load = TypeVar("_Load", bound=Callable[..., Any])

#: The ``load`` methods of the stores shipped (`_decoding`).
_DECODING_LOADS: Final[set[Callable[..., Any]]] = set()


def _decoding(load: _Load) -> _Load:
    """``load``, a shipped store's, noted (`_DECODING_LOADS`): each value of the dict it returns
    is decoded anew from what the store kept (JSON text, DynamoDB's typed values), so no list
    or dict in it is held twice, and `Attributes.load` encodes them without looking for one
    held so (`_encode`'s ``decoded``). A subclass's own ``load``, or a store of one's own, may
    hand back live objects: not noted, checked.

    The JSON text read is not handed on for `Attributes` to keep as what was loaded, sparing
    its json.dumps of each value at each load: only encoding the value again tells alexaskill's
    own text from another program's spelling of it (``1E2``, ``\\u00e9``, spaces), which a save
    would find changed and write back over another request's write
    (tests/test_store_foreign_values.py)."""
    _DECODING_LOADS.add(load)
    return load


def _decoded_by(load: object) -> bool:
    """Whether ``load``, a store's bound ``load`` method, is a shipped store's (`_decoding`)."""
    return getattr(load, "__func__", None) in _DECODING_LOADS


def _incremented(name: str, stored: str | bytes | None, by: int, where: str) -> int:
    """The stored JSON integer (absent: 0) plus ``by``; `ResponseError` if it is no integer."""
    value = 0 if stored is None else _decode(name, stored, where)
    if type(value) is not int:
        raise _refused(
            _NOT_INCREMENTED.format(name=shown_value(name), kind=type_with_article(value))
        )
    if not -_MAX_COUNTED <= value <= _MAX_COUNTED:
        raise _refused(_TOO_LARGE_TO_INCREMENT.format(name=shown_value(name)))
    return value + by


def _encode(name: str, value: Any, *, decoded: bool = False, was: int = 0) -> str:
    """``value`` as compact JSON (`_encode_sized`'s)."""
    return _encode_sized(name, value, decoded=decoded, was=was)[0]


def _encode_sized(name: str, value: Any, *, decoded: bool = False, was: int = 0) -> tuple[str, int]:
    """(``value`` as compact JSON, its length in bytes of UTF-8: the unit of the check's
    buffers, for ``was`` at the next check); `ResponseError` naming ``name`` if JSON cannot hold
    it, or if it holds a list or dict in several places that JSON would write out past a save's
    bound (`_check_written_out`): json.dumps would work at it for ever (``x = [x, x]`` forty
    times over: 2**41 lists), holding the interpreter's lock, on the event loop's thread once
    the reply is made and before it is sent (`Attributes` encodes each value that may have
    changed at every save, at `Attributes.pending` and ``.changed`` too).

    ``decoded``: ``value`` is one a shipped store's ``load`` made (`_decoding`), each list and
    dict in it made anew from its JSON, none held twice: not checked for that. ``was``: the
    length of its JSON when loaded (or last saved), in bytes, for the check's first buffer."""
    if not isinstance(name, str):
        raise _not_a_name(name)
    if not decoded and isinstance(value, _CONTAINERS):  # (nothing else holds one)
        _check_written_out(name, value, was)
    try:
        text = _to_json(value)
        # Encoded when not ASCII (its bytes counted so): a lone surrogate would fail later, in
        # the store, without the name.
        size = len(text) if text.isascii() else len(text.encode())
        if not name.isascii():
            name.encode()
    except RecursionError as exc:  # (at a depth the stack decides: the limit's words instead)
        if _nests_deeper(value):
            raise _refused(
                f"attribute {shown_value(name)} cannot be saved: {shown(name)} {_TOO_DEEP}"
            ) from exc
        raise _refused(f"attribute {shown_value(name)} cannot be saved as JSON: {exc}") from exc
    except (TypeError, ValueError) as exc:
        # json's words ("Object of type set is not JSON serializable", "Out of range float
        # values are not JSON compliant", "Circular reference detected") named neither where in
        # the value nor what to store instead: found by type, as the session's are said.
        if isinstance(exc, TypeError):
            found = _unjson(value)
            said = None if found is None else _unjson_said(name, found)
        else:  # (a UnicodeEncodeError too: the name's, said by `_loaded_refused`)
            said = None if isinstance(exc, UnicodeError) else _unfinite_or_loop(name, value)
        why = str(exc) if said is None else said
        raise _refused(f"attribute {shown_value(name)} cannot be saved as JSON: {why}") from exc
    return text, size


#: ``json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))``, the same
#: text (tests/test_store_saves.py pins it), from one encoder made once: json.dumps with keyword
#: arguments made a `json.JSONEncoder` at each call, each value of each load and save (a third
#: of a small value's encoding). Its ``encode`` keeps no state between calls: any thread may call.
_to_json: Final = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode


#: The most values a stored value may hold as JSON writes them out when it holds a list or dict
#: in several places, each written out in full at each (`_check_written_out`): a bound on the
#: work of a save's encoding (json.dumps writes a few million values a second, holding the
#: interpreter's lock), far above what DynamoDB keeps in an item (400 KB). A value merely large,
#: each list and dict held once, is not bounded: its JSON is as long as the value is large.
_MAX_WRITTEN_OUT: Final = 1_000_000
#: The buffers `_check_written_out` encodes a value into (with msgspec, whose `encode_into`
#: cannot grow one a view holds), one after the other: a small one, which the usual attributes
#: fit, then one of 64 KB, then one of `_MAX_WRITTEN_OUT` bytes. A buffer is zeroed when made:
#: the middle one spares a value of 4 to 64 KB the million bytes (the check of one of 8 KB took
#: 38 us, 28 of them zeroing; now 10), for ~30 us more at 512 KB, 64 KB encoded in vain
#: (benchmarks/README.md, "A save's written-out check"). Each value written out takes a byte at
#: least: a value that fits any of them is within the bound.
_BUFFERS: Final = (4096, 65536, _MAX_WRITTEN_OUT)
#: msgspec's ``encode_into`` (an encoder of its own, with no hook), and
#: `responses.encoding._plain`, each imported at the first value to check that needs it: a save
#: that needs them has loaded them (the app has), a script of the store's alone may never.
_encode_into: Callable[[Any, bytearray], None] | None = None
_vouch: Callable[[Any], bool] | None = None


def _check_written_out(name: str, value: Any, was: int = 0) -> None:
    """`ResponseError` (a data fault: one ERROR line, the apology) if JSON would write out more
    than `_MAX_WRITTEN_OUT` values of ``value`` for holding a list or dict in several places,
    naming the first key or index of it under which one is held again; one that holds itself in
    json's own words, as before.

    No walk for the usual value: an encoding bounded by the bytes of a buffer held
    (`_BUFFERS`) vouches for it (~5 us for a 750-byte game state, where the walk below took
    ~12 us). Only a value past them, or one msgspec does not encode (an object: json.dumps
    then says what it is), is walked, by the walks of session attributes and directives, each
    bounded: `responses.encoding._plain` vouches for one of few values however long (a loop
    with no call a value, stopping past a reply's bytes); one it does not is looked through
    for a list or dict held again (`written_out._held_again`, each looked into once: none, and
    its JSON is as long as it is large), and only then counted as written out
    (`written_out_past`). ``was``: the length of its JSON when loaded (or last saved), in bytes
    of UTF-8 as the buffers' (not characters: 2,100 "é" are 4,200 bytes): the buffers it did not
    fit then are not tried first (a value of 9 KB was encoded into 4 KB in vain at each save;
    one of 93 KB into 4 and 64 KB), but for the first, before the megabyte (below)."""
    global _encode_into, _vouch
    if _encode_into is None:  # (imported once: an import statement at each call cost microseconds)
        import msgspec

        _encode_into = msgspec.json.Encoder().encode_into
    for size in _BUFFERS:
        # One it outgrew is likely in vain again, but for the first (4 KB) when the next is the
        # megabyte: a value still past it fails there in ~2 us, and one that shrank (a log
        # cleared) is spared a megabyte made and zeroed (20 to 45 us, all its check). Not the
        # middle one: in vain, it costs about what it would spare (~20 us).
        if size <= was and (size != _BUFFERS[0] or was < _BUFFERS[1]):
            continue
        buffer = bytearray(size)
        try:
            with memoryview(buffer):  # (held: the buffer cannot grow)
                _encode_into(value, buffer)
        except BufferError:  # past its bytes
            continue
        except Exception:  # (TypeError, RecursionError, …: not msgspec's to vouch for)
            break
        return
    if _vouch is None:
        from ..responses.encoding import _plain

        _vouch = _plain
    if _vouch(value):
        return
    from ..responses.as_written import _DataRefused
    from ..responses.encoding import _nesting
    from ..responses.written_out import _held_again, written_out_past

    if _held_again(value) is None:  # each held once: merely large, its JSON as long
        return
    if _nesting(value) is None:  # (its encoding would say so, but only once it got there)
        said = _unfinite_or_loop(name, value) or "Circular reference detected"  # (json's)
        raise _DataRefused(f"attribute {shown_value(name)} cannot be saved as JSON: {said}")
    where = written_out_past(value, _MAX_WRITTEN_OUT)
    if where is None:
        return
    path = _place(name, list(where))
    raise _DataRefused(
        f"attribute {shown_value(name)} cannot be saved: it holds more than {_MAX_WRITTEN_OUT:,} "
        f"values as JSON writes them out (a list or dict held in several places, one in {path}, "
        "is written out in full at each), past what a save encodes: hold each list or dict once (a "
        "copy.deepcopy of one holds its parts as often as it did)"
    )


def _common_limits(store: object) -> bool:
    """Whether ``store`` is one alexaskill ships (or made from one), all of which refuse what
    one of them cannot keep (`_check_limits`, Redis's bounds on increments). A store of one's
    own keeps what it keeps, saying what it refuses by its ``check_update``."""
    return getattr(store, "_common_limits", False) is True

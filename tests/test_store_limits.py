"""The limits every store keeps (`store.limits._check_limits`: DynamoDB's nesting and numbers, and
dict keys JSON would change), at their edges in values holding many lists and dicts: the JSON
text decides which values are walked, so what is in a string, or how many containers a value
holds, must not change what is refused or kept, nor the words.

(tests/test_store.py has the limits' edges in values of few containers.)"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from typing import Any

import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.store import MemoryStore, Store, checked_changes, limits

from .store_shared import each_store_fixture  # noqa: F401

_TOO_DEEP = " nests deeper than 30 levels, which no store keeps (DynamoDB cannot)"
_OUTSIDE = (
    ", outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from "
    "1E-130 to under 1E+126)"
)


def _nested(levels: int, leaf: Any = "leaf") -> Any:
    """``leaf`` in ``levels`` lists and dicts, one in the other, the innermost a list."""
    value = leaf
    for level in range(levels):
        value = {"d": value} if level % 2 else [value]
    return value


def _records(count: int = 40) -> list[dict[str, Any]]:
    """``count`` small dicts in a list: nesting 2, ``count + 1`` containers."""
    return [
        {"turn": i, "said": f"the dragon moved north {i}", "at": [i, i / 4]} for i in range(count)
    ]


async def _refusal(store: Store, bad: Any) -> str:
    """The words of the refusal of ``bad``, saved with a value kept (nothing written)."""
    with pytest.raises(ResponseError) as info:
        await store.update("u", {"good": 2, "bad": bad}, ())
    return str(info.value)


@pytest.mark.anyio
async def test_a_value_of_many_shallow_containers_is_kept(store: Store) -> None:
    # 40 dicts in a list (and a list in each): 81 containers, 2 levels deep.
    kept = {"log": _records(), "board": [[0] * 8 for _ in range(8)] * 5}
    await store.update("u", kept, ())
    assert await store.load("u") == kept


@pytest.mark.anyio
async def test_nesting_at_the_limit_among_many_containers_is_kept_and_past_it_refused(
    store: Store,
) -> None:
    # The deep part anywhere, after or before many shallow ones: the words are those of a value
    # of few containers (tests/test_store.py).
    kept = {
        "after": [*_records(), _nested(29)],  # 30 levels with the list around
        "before": [_nested(29, 1e-130), *_records()],
        "dicts": {"log": _records(), "deep": _nested(29)},
        "many deep": [_nested(29, i) for i in range(40)],
    }
    await store.update("u", kept, ())
    assert await store.load("u") == kept
    refused = [
        [*_records(), _nested(30)],
        [_nested(30), *_records()],
        {"log": _records(), "deep": _nested(30)},
        [_nested(29, i) for i in range(40)] + [_nested(30)],
        [*_records(), _nested(45)],
        _nested(31),
    ]
    for bad in refused:
        assert await _refusal(store, bad) == "attribute 'bad' cannot be saved: bad" + _TOO_DEEP
    assert await store.load("u") == kept


@pytest.mark.anyio
async def test_brackets_and_quotes_in_strings_are_no_nesting(store: Store) -> None:
    # A string is no list: "[" and "{" in one (a key's too), after an escaped quote or a
    # backslash, nest nothing; a backslash ending a string ends it.
    brackets = "[" * 40 + "{" * 40
    kept = {
        "strings": [brackets, {brackets: brackets}, '\\"' + brackets, '"[[[' * 20],
        "records": [{**record, "said": f"\\{brackets}\\"} for record in _records()],
        "ends": ["\\", _nested(28), "\\\\", '\\"', "\\" * 7 + '"'],
        "numbers as text": [{"1e+300": "1e-200", "n": "9" * 50} for _ in range(40)],
    }
    await store.update("u", kept, ())
    assert await store.load("u") == kept
    # Real nesting after such strings is found.
    for bad in (
        ["\\", _nested(30)],
        ['\\"', *_records(), _nested(30)],
        [brackets, "]" * 40 + "}" * 40, *_records(), _nested(30)],
        {"]]]]": "\\", "[": [*_records(), _nested(29)]},
    ):
        assert await _refusal(store, bad) == "attribute 'bad' cannot be saved: bad" + _TOO_DEEP


@pytest.mark.anyio
async def test_numbers_past_the_limits_among_many_containers_are_refused_naming_where(
    store: Store,
) -> None:
    records = _records()
    records[39]["at"] = [1.5, 1e300]
    assert await _refusal(store, records) == (
        "attribute 'bad' cannot be saved: bad[39]['at'][1] is 1e+300" + _OUTSIDE
    )
    assert await _refusal(store, [*_records(), {"n": 10**40 + 1}, _nested(31)]) == (
        "attribute 'bad' cannot be saved: bad[40]['n'] is 1" + "0" * 39 + "1" + _OUTSIDE
    )
    assert await _refusal(store, [*_records(), _nested(31), {"n": 10**40 + 1}]) == (
        "attribute 'bad' cannot be saved: bad" + _TOO_DEEP
    )
    assert await _refusal(store, {"s": "[" * 40, "x": [-1e-131]}) == (
        "attribute 'bad' cannot be saved: bad['x'][0] is -1e-131" + _OUTSIDE
    )


def _key_refused(where: str, key: str, back: str) -> str:
    return (
        f"attribute 'bad' cannot be saved as JSON: {where} has the key {key}, and JSON "
        f"keys are strings: it would come back as {back!r}"
    )


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ([*_records(39), {"ok": 1, 2: "x"}], _key_refused("bad[39]", "2 (an int)", "2")),
        (
            {"log": _records(), "deep": _nested(28, {None: 1})},
            _key_refused("bad['deep']" + "['d'][0]" * 14, "None", "null"),
        ),
        (  # (31 levels: the key is said first)
            [*_records(), _nested(29, {1.5: 1})],
            _key_refused("bad[40]" + "[0]['d']" * 14 + "[0]", "1.5 (a float)", "1.5"),
        ),
        (
            (*_records(), ({"s": "{" * 40, True: 1},)),
            _key_refused("bad[40][0]", "True (a bool)", "true"),
        ),
        (
            {"[[[[": [*_records(), {"k": {"": 1}}]},
            "attribute 'bad' cannot be saved: bad['[[[['][40]['k'] has the key '' (empty), and "
            "no store keeps an empty name (DynamoDB cannot)",
        ),
    ],
)
@pytest.mark.anyio
async def test_keys_that_are_not_str_are_refused_wherever_they_are(
    store: Store, bad: Any, said: str
) -> None:
    assert await _refusal(store, bad) == said
    assert await store.load("u") == {}


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The walks of values `_beyond_limits` starts, each its ``numbers`` (numbers looked at)."""
    walks: list[bool] = []
    walk = limits._beyond_limits

    def spy(value: Any, depth: int, numbers: bool = True) -> Any:
        if depth == 0:
            walks.append(numbers)
        return walk(value, depth, numbers)

    monkeypatch.setattr(limits, "_beyond_limits", spy)
    return walks


@pytest.mark.anyio
async def test_only_what_may_be_beyond_the_limits_is_walked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The save's look at the JSON counted every "[" and "{" in it, strings' too, and took digits
    # and exponents in strings for numbers: a list of 40 small dicts (2 levels) was walked in
    # full at each save (most of a 64 KB save's cost), and so was a value holding "1e+300" or
    # 39 digits as text. Now a value is walked only for what its JSON's own nesting and numbers
    # may hold, and only for that: its numbers, or its nesting.
    walks = _walks(monkeypatch)
    store = MemoryStore()
    shallow = {
        "log": _records(),
        "text": ["[" * 40 + "{" * 40, {"1e+300": "9" * 40}, '\\"[[[[' * 10],
        "deep": [_nested(29)] * 3,
    }
    await store.update("u", shallow, ())
    assert walks == []
    assert await store.load("u") == shallow
    for bad, numbers in (([*_records(), 1e300], True), ([*_records(), _nested(30)], False)):
        with pytest.raises(ResponseError, match=r"^attribute 'bad' cannot be saved: bad"):
            await store.update("u", {"bad": bad}, ())
        assert walks.pop() is numbers
    await store.update("u", {"kept": [*_records(), 1e125, "[" * 40]}, ())  # (a number looked at)
    assert walks == [True]


class _Watched(list[Any]):
    """A list that counts the walks through it (JSON and msgspec write it as a list)."""

    walks = 0

    def __iter__(self) -> Any:
        _Watched.walks += 1
        return super().__iter__()


@pytest.mark.anyio
async def test_the_keys_are_looked_for_only_as_far_as_there_are_dicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The look for keys JSON would change walked every list of a value holding a dict, every
    # number in it looked at: a dict of a list of 5,000 floats, 5,000 looks at each save. It
    # goes no further than the value's last dict now ("{" in its JSON: how many it holds).
    store = MemoryStore()
    monkeypatch.setattr(_Watched, "walks", 0)
    value = {"meta": {"a": 1}, "xs": _Watched([0.5] * 100), "ys": [_Watched([1])]}
    await store.update("u", {"v": value}, ())
    assert _Watched.walks == 2  # (json.dumps's, writing each)
    assert await store.load("u") == {"v": value}
    # The dicts after such a list are looked at, and a key is found wherever it is.
    _Watched.walks = 0
    for bad, where in (
        ({"xs": [_Watched([0.5])], "m": {"n": {1: 2}}}, "bad['m']['n']"),
        ([[1, 2], [{"a": 1}], {"b": [{"": 3}]}], "bad[2]['b'][0]"),
        ({"a": {"b": {}}, 2: 3}, "bad"),
    ):
        with pytest.raises(
            ResponseError,
            match=rf"^attribute 'bad' cannot be saved.*: {re.escape(where)} has the key",
        ):
            await store.update("u", {"bad": bad}, ())
    assert _Watched.walks == 2  # (json.dumps's, and the walk's: the list before the dict)


class _Scanned(str):
    """A value's JSON that counts the scans `str.count` makes of it, by what each counts."""

    def __new__(cls, text: str) -> _Scanned:
        made = super().__new__(cls, text)
        made.scans = []
        return made

    scans: list[str]

    def count(self, sub: Any, *args: Any) -> int:
        self.scans.append(sub)
        return super().count(sub, *args)


def test_a_saved_value_s_json_is_scanned_once_for_each_bracket() -> None:
    # The check of keys counted the "{" of a value's JSON (how many dicts it may hold), then the
    # check of limits counted them again with the "[" (how deep it may nest): two scans of a 64
    # KB text where one tells both (~20 us of a 64 KB save).
    value = {"log": _records(), "deep": _nested(10)}
    text = _Scanned(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    checked_changes._check_value("v", value, text)
    assert sorted(text.scans) == ["[", "{"]
    text.scans.clear()
    checked_changes._check_value("v", value, text, limits=False)  # (keys only: the "{" alone)
    assert text.scans == ["{"]


@pytest.mark.parametrize(
    "value",
    [
        [[]] * 102_399,  # 4 bytes an empty list in DynamoDB's count, 3 in JSON ("[],")
        [{}] * 102_399,
        [[[]]] * 51_199,
        ["\x00"] * 204_798,  # a string of 1 byte, 9 of JSON ('"\\u0000",')
        {f"k{i}": None for i in range(68_266)},
        [1] * 204_798,
        "x" * 409_597,
        "é" * 204_799,
    ],
)
def test_the_stores_count_a_save_as_the_dynamodb_store_does(value: Any) -> None:
    # The JSON bounds the count from above, so a save the stores pass without a count is within
    # 400 KB in DynamoDB's count: each value here is at the limit, or just past it. (Every store
    # makes one check now, `_check_item_size`, from the JSON; the count here walks the typed
    # values, as the DynamoDB store's did: `_walked`.)
    from alexaskill.dynamodb.values import _to_dynamodb
    from alexaskill.store.checked_changes import _encode_changes
    from alexaskill.store.limits import _ITEM_BYTES, _check_item_size, _item_refused

    def counted(item: Any) -> int:
        if not isinstance(item, list):
            return _walked(_to_dynamodb(json.loads(json.dumps(item))))
        # A list as `_walked` counts it, each of its elements counted once however often it is
        # held: [[]] * 102_399 holds one list 102,399 times, whose walks (each a typed value of
        # its own) were most of this test's CPU.
        each: dict[int, int] = {}
        for element in item:
            if id(element) not in each:
                each[id(element)] = counted(element)
        return 3 + sum(1 + each[id(element)] for element in item)

    # (the value's count made once, not once a save: two thirds of the test's time went to
    # counting the same value again)
    count = counted(value)
    refused = 0
    for changes in ({"v": value}, {"v": value, "w": 1}, {"v": value, "longer name": "ab"}):
        said = ["", ""]
        try:
            _check_item_size(_encode_changes(changes), (), None)
        except ResponseError as exc:
            said[0] = str(exc)
        sizes = {
            name: len(name.encode()) + (count if item is value else counted(item))
            for name, item in changes.items()
        }
        if sum(sizes.values()) > _ITEM_BYTES:
            said[1] = str(_item_refused(sizes))
        assert said[0] == said[1], changes.keys()
        refused += bool(said[0])
    assert refused >= 1  # each at the limit, or past it: a name more is past it


def _walked(value: Mapping[str, Any]) -> int:
    """The least size DynamoDB counts for a typed value ("DynamoDB item sizes and formats"):
    strings in UTF-8, 1 byte a number, a boolean or a null, 3 bytes a list or map and 1 an
    element, names of a map counted."""
    (kind, data), *_ = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "L":
        return 3 + sum(1 + _walked(item) for item in data)
    if kind == "M":
        return 3 + sum(1 + len(key.encode()) + _walked(item) for key, item in data.items())
    return 1


#: Parts of strings a count read from JSON could miscount: escapes (a backslash, a quote, a
#: control character with a letter or without), brackets, separators, text of several bytes.
_HOSTILE_PARTS = [
    *("", "a", "s", "é", "\U0001f600", "\u2028", "\x7f", "\x00", "\x1f", "\n\t"),
    *("\\", '"', '\\"', "\\u0041", 'x\\\\"y', "[]", "{}", '["x"]', ":,", "e+100"),
]


def _hostile(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of the shapes a count read from its text could miss: strings and names of
    `_HOSTILE_PARTS`, empty lists and dicts, numbers in every form JSON writes."""
    kind = rng.randrange(7 if depth < 4 else 3)
    if kind == 0:
        return "".join(rng.choice(_HOSTILE_PARTS) for _ in range(rng.randrange(4)))
    if kind == 1:
        return rng.choice([0, -1, 12345, 1.5, -2.5e-100, 1e100, 10**37, True, False, None])
    if kind == 2:
        return rng.choice([[], {}, [[]], [{}], {"": {}}, [""], {"": ""}])
    if kind < 5:
        return [_hostile(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {_hostile_name(rng): _hostile(rng, depth + 1) for _ in range(rng.randrange(4))}


def _hostile_name(rng: random.Random) -> str:
    return "".join(rng.choice(_HOSTILE_PARTS) for _ in range(rng.randrange(3)))


def test_a_value_s_size_read_from_its_json_is_dynamodb_s_count_of_the_value() -> None:
    # A save past ~200 KB of JSON with many lists was walked value by value (~4 times its
    # json.dumps) for DynamoDB's count; it is read from its JSON now, in a few passes over the
    # text: the same count, for values made to trip such a reading.
    from alexaskill.dynamodb.values import _to_dynamodb
    from alexaskill.store.base import _encode
    from alexaskill.store.limits import _dynamodb_bytes

    rng = random.Random(20261206)
    for _ in range(3000):
        value = _hostile(rng)
        text = _encode("v", value)
        assert _dynamodb_bytes(text) == _walked(_to_dynamodb(json.loads(text))), text


_UNDER_O = """
import anyio
from alexaskill.exceptions import ResponseError
from alexaskill.store import base, checked_changes
from alexaskill.store import MemoryStore

def said(save):
    try:
        save()
    except ResponseError as exc:
        return str(exc)[:40]
    return "kept"

value = {"log": "x" * 410_000}
texts = {"log": base._encode("log", value["log"])}
checked = checked_changes._checked_changes(value, texts, True, {"log": len(texts["log"])})
print(__debug__)
print(said(lambda: anyio.run(MemoryStore().update, "u", value, ())))
print(said(lambda: checked_changes._check_size_once(checked, texts, (), None)))
print(said(lambda: checked_changes._check_size_once(checked, texts, (), None)))
print(said(lambda: checked_changes._check_size_once(checked, texts, ["log"], None)))
"""


def test_a_save_past_400_kb_is_refused_under_python_o() -> None:
    # `python -O` drops every assert: the 400 KB an item of a save
    # (`checked_changes._check_size_once`) once held one, for mypy, beside its real check. A
    # plain dict's save and changes checked by `Attributes` (`_Checked`), checked again (the
    # save after `check_saves`), are refused under -O as without it; deleted in the same save,
    # the value is not counted.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-O", "-c", _UNDER_O],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    refused = "attribute 'log' (410,003 bytes) and the "
    assert done.stdout.split("\n") == ["False", refused, refused, refused, "kept", ""]


def test_check_saves_counts_a_save_s_size_with_the_names_a_store_may_delete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `check_saves` gave the size count every name to delete, one holding half a surrogate pair
    # too, which `_names_checked` leaves out after (no store holds one): harmless, a deletion
    # adds nothing to the count, but out of order. (Attributes hold no such name loaded today:
    # set here by hand.)
    from alexaskill.store import Attributes, DeviceAttributes, attributes

    counted: list[list[str]] = []
    count = checked_changes._check_size_once

    def spy(changes: Any, texts: Any, deleted: Any, increments: Any) -> None:
        counted.append(list(deleted))
        count(changes, texts, deleted, increments)

    monkeypatch.setattr(attributes, "_check_size_once", spy)
    store = MemoryStore()
    user = Attributes({"a": 1}, key="user", store=store)
    device = DeviceAttributes({}, key="device", store=store)
    user._saved["\ud800"] = "1"
    user["b"], device["c"] = 2, 3
    attributes.check_saves({Attributes: user, DeviceAttributes: device})
    assert counted == [[], []]

"""The four stores side by side: one operation, one result or one refusal in the same words
(its 400 KB a save, every store's now, here; its 2048-byte keys, every store's: in
tests/test_store_arguments.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.store import Store

from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import each_store_fixture  # noqa: F401  (the fixture `store`)

pytestmark = pytest.mark.usefixtures("botocore_data_once")


class _Name(str):
    """A str of one's own (an enum's value, say): a name as good as its text."""


#: (what it is, the updates made in turn: (changes, deleted, increments), what a load gives).
_AGREED: list[tuple[str, list[tuple[dict[Any, Any], Any, dict[Any, int] | None]], Any]] = [
    (
        "a name set and deleted in one update is deleted",
        [({"x": 1, "y": 2}, ["x"], None)],
        {"y": 2},
    ),
    ("an increment and a delete of one name: deleted", [({"y": 2}, ["x"], {"x": 1})], {"y": 2}),
    ("an increment of 0 of nothing stores 0", [({}, (), {"x": 0})], {"x": 0}),
    ("a name deleted twice, or never stored", [({"y": 1}, ["x", "x", "z"], None)], {"y": 1}),
    ("names with dots, hashes, colons", [({"a.b": 1, "#c": 2, ":d": 3, "e f": 4}, (), None)], None),
    ("empty containers and null", [({"a": {}, "b": [], "c": [[], {}], "d": None}, (), None)], None),
    ("a NUL in a value and in a name", [({"a": "\x00x", "\x00": 5}, (), None)], None),
    ("a str of one's own as a name", [({_Name("k"): 1}, (), {_Name("n"): 2})], {"k": 1, "n": 2}),
    ("increments add up", [({}, (), {"a": 10**18}), ({}, (), {"a": -3})], {"a": 10**18 - 3}),
    # What a skill could pass: kept as given (DynamoDB's numbers are 38 digits, not 64 bits).
    (
        "integers past 64 bits",
        [({"a": 2**63, "b": 2**64, "c": -(2**63) - 1, "d": [10**38 - 1, -(10**38)]}, (), None)],
        None,
    ),
    ("a NUL in a nested key", [({"a": {"x\x00y": [{"\x00": "\x00"}]}}, (), None)], None),
    (
        "a name of a BOM, text past the BMP",
        [({"\ufeff": "\U0010ffff", "🎉": "\uffff"}, (), None)],
        None,
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("_what", "updates", "loaded"), _AGREED, ids=[a[0] for a in _AGREED])
async def test_every_store_gives_the_same_result(
    store: Store, _what: str, updates: list[Any], loaded: Any
) -> None:
    for changes, deleted, increments in updates:
        await store.update("user", changes, deleted, increments=increments)  # type: ignore[call-arg]
    expected = loaded if loaded is not None else updates[0][0]
    assert await store.load("user") == expected


@pytest.mark.anyio
@pytest.mark.parametrize(("key", "kind"), [(5, "an int"), (b"user", "bytes"), (None, "None")])
async def test_every_store_refuses_a_key_that_is_no_str_in_the_same_words(
    store: Store, key: Any, kind: str
) -> None:
    # Memory and SQLite saved under 5 (and loaded {} for None), Redis raised TypeError ("can
    # only concatenate str"), DynamoDB a StoreError quoting botocore's parameter validation.
    # The type is said after its article ("not int" and "not NoneType" were said).
    said = f"^attributes are kept under a str key, not {kind}$"
    with pytest.raises(ResponseError, match=said):
        await store.update(key, {"a": 1}, ())
    with pytest.raises(ResponseError, match=said):
        await store.load(key)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("deleted", "increments", "said"),
    [
        ([5], None, "an int: 5"),
        ([None], None, "None"),  # (said once: "not None: None" was said)
        ([b"a"], None, "bytes: b'a'"),
        ((), {5: 1}, "an int: 5"),
    ],
)
async def test_every_store_refuses_a_name_to_delete_or_add_to_that_is_no_str_alike(
    store: Store, deleted: Any, increments: Any, said: str
) -> None:
    # A name no str in changes was refused by all ("attribute names are strings, not an int"); to
    # delete, memory, SQLite and Redis took 5 (Redis its text "5"), Redis failed None as
    # unreachable ("the save failed (DataError…)"), DynamoDB took None for '' and failed 5 with
    # botocore's words; to add to, DynamoDB raised AttributeError, the others stored "5".
    await store.update("user", {"a": 1}, ())
    with pytest.raises(ResponseError, match=f"^attribute names are strings, not {said}$"):
        await store.update("user", {"b": 2}, deleted, increments=increments)  # type: ignore[call-arg]
    assert await store.load("user") == {"a": 1}


@pytest.mark.anyio
async def test_every_store_refuses_a_key_or_name_holding_half_a_surrogate_pair_alike(
    store: Store,
) -> None:
    # A name to set was refused by all ("cannot be saved as JSON: 'utf-8' codec can't encode");
    # a key, or a name to add to, was kept by memory, a UnicodeEncodeError (with a traceback)
    # in SQLite and Redis, and an HTTP 500 from moto for a key in DynamoDB.
    await store.update("user", {"a": 1}, ())
    with pytest.raises(ResponseError, match=r"^attribute '.*' cannot be saved as JSON: 'utf"):
        await store.update("user", {"b": 2}, (), increments={"n\udc00": 1})  # type: ignore[call-arg]
    said = r"^attributes are kept under a key of text, not one holding half a surrogate pair"
    with pytest.raises(ResponseError, match=said):
        await store.update("u\ud800", {"a": 1}, ())
    with pytest.raises(ResponseError, match=said):
        await store.load("u\ud800")
    assert await store.load("user") == {"a": 1}
    # A name to delete that holds one is none of these stores' (no UTF-8: `_names_checked` says
    # why): nothing to delete, where it was refused, and the save with it.
    await store.update("user", {"b": 2}, ["\ud800", "a"])
    assert await store.load("user") == {"b": 2}


@pytest.mark.anyio
async def test_every_store_refuses_a_save_past_dynamodb_s_400_kb_in_the_same_words(
    store: Store,
) -> None:
    # DynamoDB alone refused a save whose names and values are over its 400 KB an item (counted
    # as it counts: a string's UTF-8 bytes, 1 byte a number, 3 a list and 1 an element): a skill
    # tested on memory or SQLite failed only in production. Now every store refuses it, before
    # writing, in the DynamoDB store's words, counted alike: one byte past the limit.
    limit = 400 * 1024
    said = (
        r"^attribute 'log' \({size} bytes\) and the others saved with it \({total} bytes in "
        r"all\) are over DynamoDB's 400 KB an item, which every store keeps, so nothing was "
        r"written"
    )
    await store.update("user", {"kept": 1}, ())
    # A string: its name's 3 bytes and its own, with an increment's name and number (2 bytes);
    # 10,000 bytes short of the limit: moto refuses an item of 405,000 bytes, counting the value
    # replaced with its replacement (the DynamoDB store's map of the attributes).
    fits = "é" * 10 + "x" * (limit - 3 - 20 - 2 - 10_000)
    await store.update("user", {"log": fits}, (), {"n": 1})  # type: ignore[call-arg]
    past = fits + "x" * 10_001
    with pytest.raises(ResponseError, match=said.format(size="409,599", total="409,601")):
        await store.update("user", {"log": past}, (), {"n": 1})  # type: ignore[call-arg]
    # Lists and numbers: 3 bytes a list, 1 an element, 1 a number (its digits not counted).
    # (DynamoDB counts a number's digits too, which the stores do not: what they refuse it
    # refuses, and it may refuse more: 30,000 rows were, by moto.)
    rows = [[12345, 6789, True, None] for _ in range(20_000)]  # 3 + 20,000 * (1 + 3 + 4 * 2)
    more = rows + [[1, 2] for _ in range(22_000)]  # 8 bytes each: 416,006 in all
    # Deleted in the same save, a value is not written, so not counted. (Before `rows` is
    # stored, and no load after it: moto's server takes a second of CPU for each call on an
    # item of 100,000 values, and several for a load of it, tests/store_shared.py's
    # MOTO_TIMEOUT says why; the log is deleted, moto counting the old value and the new.)
    await store.update("user", {"log": more, "n": 2}, ["log", "kept"])
    assert await store.load("user") == {"n": 2}
    await store.update("user", {"log": rows}, ())
    with pytest.raises(ResponseError, match=said.format(size="416,006", total="416,006")):
        await store.update("user", {"log": more}, ())
    check = getattr(store, "check_update", None)
    if check is not None:
        with pytest.raises(ResponseError, match=said.format(size="416,006", total="416,006")):
            check({"log": more}, ())


@pytest.mark.anyio
async def test_every_store_keeps_a_key_holding_a_nul_and_refuses_non_finite_floats_alike(
    store: Store,
) -> None:
    # Probed across the four stores (hostile keys and values a skill could pass): a NUL in a key
    # is kept (SQLite's text, Redis's binary-safe keys, DynamoDB's strings); NaN and infinities,
    # at any depth, are refused by JSON, in one wording: where, what, what to store instead, as
    # session attributes say it (it was json's "Out of range float values are not JSON
    # compliant", which named no place).
    for key in ("a\x00b", "\x00"):
        await store.update(key, {"v": 1}, ())
        assert await store.load(key) == {"v": 1}
    assert await store.load("a") == {}
    for bad, where in [
        (float("nan"), "v is nan"),
        (float("inf"), "v is inf"),
        ([1, {"x": -float("inf")}], "v[1]['x'] is -inf"),
    ]:
        with pytest.raises(ResponseError) as info:
            await store.update("u", {"v": bad}, ())
        assert str(info.value) == f"attribute 'v' cannot be saved as JSON: {where}, {_INSTEAD}"
    assert await store.load("u") == {}


#: What a save of a value JSON cannot hold says after where it is and what it is.
_INSTEAD = (
    "which JSON cannot hold (store a str, a number, a bool, None, a list or a dict with str "
    "keys: date.isoformat(), list(a_set), …)"
)


@pytest.mark.anyio
async def test_every_store_says_where_a_value_holds_itself(store: Store) -> None:
    # json's "Circular reference detected" named neither the attribute's place nor the value
    # held again: said as session attributes say it.
    looping: dict[str, Any] = {"a": []}
    looping["a"].append(looping)
    listed: list[Any] = [1]
    listed.append(listed)
    for bad, where in [
        (looping, "v['a'][0] is v again"),
        (listed, "v[1] is v again"),
        ({"b": looping}, "v['b']['a'][0] is v['b'] again"),
    ]:
        with pytest.raises(ResponseError) as info:
            await store.update("u", {"v": bad}, ())
        assert str(info.value) == (
            f"attribute 'v' cannot be saved as JSON: {where}: it holds itself, which JSON "
            "cannot hold"
        )
    assert await store.load("u") == {}


class _Point:
    """An object of the skill's own, which JSON has no type for."""


#: A value JSON has no type for, where it is, and what a save of it says after "attribute 'v'
#: cannot be saved as JSON: ".
_UNJSON: list[tuple[Any, str]] = [
    ({1, 2}, "v is a set"),
    ({"tags": {"a", "b"}}, "v['tags'] is a set"),
    ([1, {"k": frozenset()}], "v[1]['k'] is a frozenset"),
    ({"when": datetime.date(2026, 12, 7)}, "v['when'] is a date"),
    ([Decimal("1.5")], "v[0] is a Decimal"),
    ({"raw": b"x"}, "v['raw'] is bytes"),
    ({"at": _Point()}, "v['at'] is a _Point"),
    ({"a": {(1, 2): "x"}}, "v['a'] has the key (1, 2) (a tuple)"),
]


@pytest.mark.anyio
async def test_every_store_says_where_a_value_json_has_no_type_for_is_and_what_to_store(
    store: Store,
) -> None:
    # It was json's words, "Object of type set is not JSON serializable" ("keys must be str,
    # int, float, bool or None, not tuple"): not where in the attribute, nor what to store
    # instead. Said as session attributes say it, with the same advice.
    for bad, where in _UNJSON:
        with pytest.raises(ResponseError) as info:
            await store.update("u", {"good": 1, "v": bad}, ())
        assert str(info.value) == (
            f"attribute 'v' cannot be saved as JSON: {where}, which JSON cannot hold (store a "
            "str, a number, a bool, None, a list or a dict with str keys: date.isoformat(), "
            "list(a_set), …)"
        )
    assert await store.load("u") == {}


@pytest.mark.anyio
async def test_every_store_refuses_an_attribute_name_of_64_kb_in_the_same_words(
    store: Store,
) -> None:
    # DynamoDB's names of attributes are "less than 64 KB" ("Supported data types and naming
    # rules in Amazon DynamoDB"); the four stores kept a name of any length (moto too), so a
    # skill making one passed its tests and was left to DynamoDB's own refusal. Every store
    # refuses one of 65,536 bytes or more, to set or add to, in one wording (a deletion: the
    # test below), and keeps one a byte shorter. (The 255-character limit is for an index's
    # key names: none here.)
    said = (
        r"^attribute '{start}…{end}' \({chars:,} characters\) cannot be saved: an attribute name "
        r"is under DynamoDB's 64 KB \(at most 65,535 bytes of UTF-8\), which every store "
        r"keeps, not {size:,} bytes"
    )
    longest = "n" * 65_535
    await store.update("user", {longest: 1}, ())
    await store.update("user", {}, (), increments={longest: 2})  # type: ignore[call-arg]
    assert await store.load("user") == {longest: 3}
    await store.update("user", {"kept": 1}, [longest])
    # (Its head and tail, as every error cuts a value: its start alone left the end unsaid.)
    for name, chars, size in (("n" * 65_535 + "m", 65_536, 65_536), ("é" * 32_768, 32_768, 65_536)):
        words = said.format(start=name[:70], end=name[-30:], chars=chars, size=size)
        with pytest.raises(ResponseError, match=words):
            await store.update("user", {name: 1}, ())
        with pytest.raises(ResponseError, match=words):
            await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
        await store.update("user", {}, [name])  # a deletion makes no name: not refused
        check = getattr(store, "check_update", None)
        if check is not None:
            with pytest.raises(ResponseError, match=words):
                check({name: 1}, ())
    assert await store.load("user") == {"kept": 1}


@pytest.mark.anyio
async def test_every_store_deletes_an_attribute_name_of_64_kb_saved_before(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name of 64 KB or more saved before every store refused one (or by another program) was
    # there for good: its deletion was refused as its save is, so `del attributes[name]` failed
    # every save of that user. A deletion makes no name: let through, the others still refused.
    from alexaskill.store import Attributes, data_faults

    from .store_shared import _envelope

    long = "n" * 65_536
    with monkeypatch.context() as before:  # as the stores saved before the check
        before.setattr(data_faults, "_check_name_sizes", lambda names: None)
        await store.update("user", {long: 1, "kept": 2}, ())
    attributes = await Attributes.load(store, _envelope("user"))
    assert attributes == {long: 1, "kept": 2}
    del attributes[long]
    assert await attributes.save()
    assert await store.load("user") == {"kept": 2}
    with pytest.raises(ResponseError, match=r"64 KB"):
        await store.update("user", {long: 1}, ())

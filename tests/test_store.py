"""Persistent attributes: the store contract, every store (memory, SQLite, Redis, DynamoDB)
through one suite: what each keeps, what each refuses in the same words, concurrent saves.

Increments are test_store_increments.py's; the rest of the stores' tests are in the other
test_store_*.py files, by feature."""

from __future__ import annotations

import enum
import json
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError
from alexaskill.responses.encoding import data_refusal
from alexaskill.store import Attributes, MemoryStore, Store

from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import CountingStore, _envelope, each_store_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("botocore_data_once")

# --- the store contract, for every store ----------------------------------------------------------


@pytest.mark.anyio
async def test_unknown_key_loads_empty(store: Store) -> None:
    assert await store.load("amzn1.ask.account.nobody") == {}


@pytest.mark.anyio
async def test_update_merges_names_and_deletes(store: Store) -> None:
    await store.update("u1", {"a": 1, "b": [1, 2]}, ())
    await store.update("u1", {"c": {"d": None}}, ())
    assert await store.load("u1") == {"a": 1, "b": [1, 2], "c": {"d": None}}
    await store.update("u1", {"a": 2}, ["b", "never-there"])
    assert await store.load("u1") == {"a": 2, "c": {"d": None}}
    await store.update("u1", {}, ["a", "c"])
    assert await store.load("u1") == {}
    assert await store.load("u2") == {}


@pytest.mark.anyio
async def test_keys_are_separate(store: Store) -> None:
    await store.update("u1", {"x": 1}, ())
    await store.update("u1/p1", {"x": 2}, ())
    await store.update("u2", {"x": 3}, ())
    assert [await store.load(k) for k in ("u1", "u1/p1", "u2")] == [{"x": 1}, {"x": 2}, {"x": 3}]


@pytest.mark.anyio
async def test_json_types_round_trip(store: Store) -> None:
    values = {
        "int": 2**53,
        "float": 0.1,
        "bool": True,
        "none": None,
        "tuple": (1, "two"),
        "nested": {"list": [{"a": [1.5, False]}]},
    }
    await store.update("u", values, ())
    loaded = await store.load("u")
    assert loaded == {**values, "tuple": [1, "two"]}
    assert type(loaded["int"]) is int and type(loaded["float"]) is float


@pytest.mark.anyio
async def test_unicode_names_and_values(store: Store) -> None:
    values = {
        "ville préférée": "Zürich",
        "名前": "東京 🗼",
        "emoji 🎉": ["ß", "\u200d", "עברית"],
        "nul": "a\x00b",
        "quote\"and'\\": "line\nbreak",
    }
    await store.update("amzn1.ask.account.ü", values, ())
    assert await store.load("amzn1.ask.account.ü") == values


@pytest.mark.anyio
async def test_large_values(store: Store) -> None:
    # Every store holds at most DynamoDB's 400 KB a save (test_store_agreement.py shows the
    # refusal beyond that).
    small_items = isinstance(store, DynamoDBStore)
    big = "x" * 200_000
    many = list(range(2_000 if small_items else 50_000))  # moto takes seconds to list 10,000
    await store.update("u", {"big": big, "many": many, "small": 1}, ())
    assert await store.load("u") == {"big": big, "many": many, "small": 1}


@pytest.mark.anyio
async def test_value_that_is_not_json_fails_naming_it_and_writes_nothing(store: Store) -> None:
    await store.update("u", {"kept": 1}, ())
    for bad in ({1, 2}, float("nan"), object(), "lone \ud800 surrogate"):
        with pytest.raises(ResponseError, match="attribute 'bad'") as info:
            await store.update("u", {"good": 2, "bad": bad}, ["kept"])
        assert isinstance(info.value, ValueError)
    assert await store.load("u") == {"kept": 1}


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ({1: "a", "1": "b"}, "bad has the key 1 (an int)"),
        ({"x": [{"ok": 1}, {2.5: True}]}, "bad['x'][1] has the key 2.5 (a float)"),
        ([({None: 1},)], "bad[0][0] has the key None"),
        ({"deep": {"er": {True: 1}}}, "bad['deep']['er'] has the key True (a bool)"),
    ],
)
@pytest.mark.anyio
async def test_dict_keys_json_would_turn_into_strings_are_refused(
    store: Store, bad: Any, where: str
) -> None:
    # JSON makes every dict key a string: {1: "a", "1": "b"} was saved as {"1": "b"}, and
    # {1: "a"} came back as {"1": "a"}, without a word.
    import re

    await store.update("u", {"kept": 1}, ())
    with pytest.raises(ResponseError, match=rf"attribute 'bad' .*{re.escape(where)}"):
        await store.update("u", {"good": 2, "bad": bad}, ["kept"])
    assert await store.load("u") == {"kept": 1}
    await store.update("u", {"fine": {"1": [{"a": None}]}}, ())  # string keys: saved
    with pytest.raises(ResponseError, match="attribute names are strings, not an int: 1"):
        await store.update("u", {1: "x"}, ())  # type: ignore[dict-item]
    assert await store.load("u") == {"kept": 1, "fine": {"1": [{"a": None}]}}


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.anyio
async def test_values_dynamodb_cannot_keep_are_refused_by_every_store(store: Store) -> None:
    # DynamoDB refused a number past its 38 digits or its magnitudes, and a value nested past
    # its 32 levels (30 inside the attributes' map); SQLite, Redis and memory kept them, so a
    # skill moved to DynamoDB found saves it had made for months refused there only.
    await store.update("u", {"kept": 1}, ())
    refused = [
        (1e300, r"bad is 1e\+300, outside the numbers every store keeps"),
        ({"deep": [1e-200]}, r"bad\['deep'\]\[0\] is 1e-200, outside"),
        ([10**40 + 1], r"bad\[0\] is 10{39}1, outside"),
        (_nested(31), "bad nests deeper than 30 levels, which no store keeps"),
    ]
    for bad, said in refused:
        with pytest.raises(ResponseError, match=rf"attribute 'bad' cannot be saved: {said}"):
            await store.update("u", {"good": 2, "bad": bad}, ["kept"])
    assert await store.load("u") == {"kept": 1}
    fine = {"n": [-(10**37), 1e-130, 10**125], "deep": _nested(30)}
    await store.update("u", fine, ())
    assert await store.load("u") == {"kept": 1} | fine

    class Big(enum.IntEnum):  # JSON writes an IntEnum as its int: checked as that int
        SMALL = 2
        HUGE = 10**40 + 1

    class Ratio(float):
        pass

    await store.update("u", {"enum": Big.SMALL, "ratio": Ratio(0.5)}, ())
    assert await store.load("u") == {"kept": 1, "enum": 2, "ratio": 0.5} | fine
    for bad in (Big.HUGE, Ratio(1e300)):
        with pytest.raises(ResponseError, match="outside the numbers every store keeps"):
            await store.update("u", {"bad": bad}, ())


_OUTSIDE = (
    ", outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from "
    "1E-130 to under 1E+126)"
)
_TOO_DEEP = " nests deeper than 30 levels, which no store keeps (DynamoDB cannot)"


def _nested_dicts(levels: int, leaf: Any) -> Any:
    value = leaf
    for level in range(levels):
        value = {"d": value} if level % 2 else [value]
    return value


def _as_floats(value: Any) -> Any:
    """``value`` as JSON keeps it, every number a float: DynamoDB reads a whole float (9.99e125)
    back as its int."""
    return json.loads(json.dumps(value), parse_int=float)


@pytest.mark.anyio
async def test_the_limits_every_store_keeps_hold_at_their_edges(store: Store) -> None:
    # Each side of each limit, the whole message pinned, in every store: DynamoDB's own checks
    # gave way to the common ones, which skip what JSON's text shows cannot be beyond them.
    class Big(enum.IntEnum):
        EDGE = 10**38  # 39 digits, 1 significant
        OVER = 10**38 + 1

    class Ratio(float):
        pass

    kept = {
        "small": [1e-130, -1e-130, Ratio(1e-130), 0, 0.0, -0.0, 5e-324 * 0],
        "large": [9.99e125, 9.999999999999998e125, -9.99e125, 10**125, (10**38 - 1) * 10**88],
        "digits": [10**38 - 1, -(10**38 - 1), 10**38, -(10**38), Big.EDGE, 0.1 + 0.2],
        "not numbers": [True, False, None, "1e+300", "9" * 50, {"1" * 50: "[" * 40}],
        "deep": [_nested(29), _nested_dicts(29, 1e-130)],  # 30 levels with the list around
    }
    await store.update("u", kept, ())
    assert _as_floats(await store.load("u")) == _as_floats(kept)
    refused = [
        (9.999999999999999e-131, "bad is 9.999999999999999e-131" + _OUTSIDE),
        ([1.0, -1e-131], "bad[1] is -1e-131" + _OUTSIDE),
        ({"x": 1e126}, "bad['x'] is 1e+126" + _OUTSIDE),
        (-(10**126), f"bad is -1{'0' * 68}…{'0' * 30} (128 characters)" + _OUTSIDE),
        (
            (10**38 - 1) * 10**89,
            f"bad is {'9' * 38}{'0' * 32}…{'0' * 30} (127 characters)" + _OUTSIDE,
        ),
        (10**38 + 1, "bad is 100000000000000000000000000000000000001" + _OUTSIDE),
        ([Big.OVER], "bad[0] is 100000000000000000000000000000000000001" + _OUTSIDE),
        (Ratio(9.999999999999999e-131), "bad is 9.999999999999999e-131" + _OUTSIDE),
        (_nested(31), "bad" + _TOO_DEEP),
        (_nested_dicts(31, 1), "bad" + _TOO_DEEP),
        ({"a": _nested_dicts(30, [])}, "bad" + _TOO_DEEP),
        (_nested_dicts(30, 1e300), "bad" + "['d'][0]" * 15 + " is 1e+300" + _OUTSIDE),
        ([1e300, _nested(31)], "bad[0] is 1e+300" + _OUTSIDE),
        ([_nested(31), 1e300], "bad" + _TOO_DEEP),
    ]
    for bad, said in refused:
        with pytest.raises(ResponseError) as info:
            await store.update("u", {"good": 2, "bad": bad}, ())
        assert str(info.value) == f"attribute 'bad' cannot be saved: {said}"
    assert _as_floats(await store.load("u")) == _as_floats(kept)


def test_attributes_refuse_dict_keys_json_would_change() -> None:
    store = MemoryStore()
    attributes = anyio.run(Attributes.load, store, _envelope())
    attributes["scores"] = {"ann": {2024: 3}}
    with pytest.raises(ResponseError, match=r"'scores'.*scores\['ann'\] has the key 2024"):
        anyio.run(attributes.save)
    assert anyio.run(store.load, "user") == {}


@pytest.mark.anyio
async def test_concurrent_requests_keep_each_others_keys(store: Store) -> None:
    # Two requests for one user, overlapping: both load, then both save. Each keeps the keys it
    # changed alone; for the key both changed, the one that saved last wins.
    await store.update("user", {"shared": "before", "doomed": 0, "untouched": True}, ())
    envelope = _envelope("user")
    first = await Attributes.load(store, envelope)
    second = await Attributes.load(store, envelope)
    first["from_first"] = 1
    first["shared"] = "first"
    second["from_second"] = 2
    second["shared"] = "second"
    del second["doomed"]
    assert await first.save()
    assert await second.save()
    assert await store.load("user") == {
        "shared": "second",
        "untouched": True,
        "from_first": 1,
        "from_second": 2,
    }


@pytest.mark.anyio
async def test_many_simultaneous_updates_lose_nothing(store: Store) -> None:
    async with anyio.create_task_group() as tasks:
        for i in range(40):
            tasks.start_soon(store.update, "user", {f"k{i}": i}, ())
    assert await store.load("user") == {f"k{i}": i for i in range(40)}


@pytest.mark.anyio
async def test_every_store_refuses_empty_names_and_keys_in_the_same_words(store: Store) -> None:
    # DynamoDB refused an empty attribute name, the other stores kept it; an empty key was
    # taken by all but DynamoDB's loads: a skill moved to DynamoDB found its saves refused.
    await store.update("user", {"kept": 1}, ())
    for changes, deleted, increments in (({"": 1}, (), None), ({}, [""], None), ({}, (), {"": 1})):
        with pytest.raises(ResponseError, match=r"^attribute '' cannot be saved: attribute names"):
            await store.update(
                "user",
                changes,
                deleted,
                increments=increments,  # type: ignore[call-arg]
            )
    with pytest.raises(ResponseError, match="under an empty key"):
        await store.update("", {"a": 1}, ())
    assert await store.load("") == {}
    assert await store.load("user") == {"kept": 1}  # a refused save writes nothing


@pytest.mark.anyio
async def test_every_store_refuses_an_empty_dict_key_at_any_depth_in_the_same_words(
    store: Store,
) -> None:
    # Only DynamoDB refused {"": 1} inside a value (its own words); SQLite, Redis and memory kept
    # it, so a skill moved to DynamoDB found saves it had always made refused.
    await store.update("user", {"kept": 1}, ())
    for value in ({"": 1}, {"a": [{"b": {"": None}}]}):
        said = r"^attribute 'v' cannot be saved: v.* has the key ''"
        with pytest.raises(ResponseError, match=said):
            await store.update("user", {"v": value, "other": 2}, ())
    assert await store.load("user") == {"kept": 1}  # nothing written


@pytest.mark.anyio
async def test_every_stores_refusal_of_the_values_it_is_given_is_a_data_fault(
    store: Store,
) -> None:
    # An empty key, a name no str, an increment of a value no int or past Redis's bounds, a
    # name both set and incremented were plain ResponseErrors, logged with a traceback of the
    # store's code where the store's other refusals of a value are one ERROR line
    # (`data_refusal`, `Apologising._said_data_fault`).
    await store.update("user", {"s": "text", "big": 2**63 - 10**18}, ())
    refused: list[tuple[str, Any, dict[str, int] | None]] = [
        ("", {"a": 1}, None),
        ("user", {1: "x"}, None),
        ("user", {}, {"s": 1}),
        ("user", {}, {"n": 10**18 + 1}),
        ("user", {"x": 5}, {"x": 1}),
    ]
    if not isinstance(store, DynamoDBStore):  # (DynamoDB adds past 64 bits)
        refused.append(("user", {}, {"big": 1}))
    not_said = []
    for key, changes, increments in refused:
        with pytest.raises(ResponseError) as info:
            await store.update(key, changes, (), increments=increments)  # type: ignore[call-arg]
        if data_refusal(info.value) != str(info.value):
            not_said.append(str(info.value))
    assert not_said == []
    assert await store.load("user") == {"s": "text", "big": 2**63 - 10**18}

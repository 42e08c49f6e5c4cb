"""The four stores side by side: one operation, one result or one refusal in the same words
(DynamoDB's own limits aside: its numbers, its 400 KB items; its 2048-byte keys, every store's
now: tests/test_store_arguments.py)."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.store import Store

from .store_shared import each_store_fixture  # noqa: F401  (the fixture `store`)


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
@pytest.mark.parametrize("key", [5, b"user", None])
async def test_every_store_refuses_a_key_that_is_no_str_in_the_same_words(
    store: Store, key: Any
) -> None:
    # Memory and SQLite saved under 5 (and loaded {} for None), Redis raised TypeError ("can
    # only concatenate str"), DynamoDB a StoreError quoting botocore's parameter validation.
    kind = type(key).__name__
    said = f"^attributes are kept under a str key, not {kind}$"
    with pytest.raises(ResponseError, match=said):
        await store.update(key, {"a": 1}, ())
    with pytest.raises(ResponseError, match=said):
        await store.load(key)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("deleted", "increments", "said"),
    [
        ([5], None, "int: 5"),
        ([None], None, "NoneType: None"),
        ([b"a"], None, "bytes: b'a'"),
        ((), {5: 1}, "int: 5"),
    ],
)
async def test_every_store_refuses_a_name_to_delete_or_add_to_that_is_no_str_alike(
    store: Store, deleted: Any, increments: Any, said: str
) -> None:
    # A name no str in changes was refused by all ("attribute names are strings, not int"); to
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
    # a key, or a name to delete or add to, was kept by memory, a UnicodeEncodeError (with a
    # traceback) in SQLite and Redis, and an HTTP 500 from moto for a key in DynamoDB.
    await store.update("user", {"a": 1}, ())
    for deleted, increments in (["\ud800"], None), ((), {"n\udc00": 1}):
        with pytest.raises(ResponseError, match=r"^attribute '.*' cannot be saved as JSON: 'utf"):
            await store.update("user", {"b": 2}, deleted, increments=increments)  # type: ignore[call-arg]
    said = r"^attributes are kept under a key of text, not one holding half a surrogate pair"
    with pytest.raises(ResponseError, match=said):
        await store.update("u\ud800", {"a": 1}, ())
    with pytest.raises(ResponseError, match=said):
        await store.load("u\ud800")
    assert await store.load("user") == {"a": 1}

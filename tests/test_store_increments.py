"""Increments (`Attributes.increment`), in every store: all counted when they overlap, saved
with the other changes or not at all, added once by a Redis script sent again, and refused in
the same words where a store cannot add them. (The rest of the store contract: test_store.py.)"""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, ResponseError
from alexaskill.store import Attributes, MemoryStore, RedisStore, Store

from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import CountingStore, _envelope, each_store_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("botocore_data_once")


@pytest.mark.anyio
async def test_increments_redis_cannot_add_are_refused_by_every_store(store: Store) -> None:
    # Redis adds in 64 bits: it refused an increment past 10**18 in size, and one to a stored
    # value of more than 2**63 - 1 - 10**18; the other stores added them, so a skill moved to
    # Redis found its counters refused there only. (DynamoDB adds to a stored value up to its
    # 38 digits: its condition cannot test the size; the README says so.)
    await store.update("u", {"n": 1}, ())
    for by in (10**18 + 1, -(10**19)):
        with pytest.raises(ResponseError, match=rf"attribute 'n': increment {by} is out of range"):
            await store.update(
                "u",
                {"other": 1},
                (),
                increments={"n": by},  # type: ignore[call-arg]
            )
    assert await store.load("u") == {"n": 1}
    await store.update("u", {}, (), increments={"n": 10**18})  # type: ignore[call-arg]
    assert await store.load("u") == {"n": 10**18 + 1}
    await store.update("u", {"n": 2**63 - 10**18}, ())
    if isinstance(store, DynamoDBStore):
        await store.update("u", {}, (), increments={"n": 1})
        assert await store.load("u") == {"n": 2**63 - 10**18 + 1}
        return
    with pytest.raises(ResponseError, match="attribute 'n' is too large to increment"):
        await store.update("u", {"other": 1}, (), increments={"n": 1})  # type: ignore[call-arg]
    assert await store.load("u") == {"n": 2**63 - 10**18}


@pytest.mark.parametrize("kind", ["redis", "dynamodb"])
def test_check_update_refuses_the_increments_update_refuses_in_the_same_words(kind: str) -> None:
    # `check_update` is to raise what `update` would (a store of one's own may call it, wrapping
    # one of these). Redis's said "increment … is out of range" without the bound or the
    # reason, and took a float; DynamoDB's passed an increment past 10**18 (update refused it),
    # and said a float in other words. (No I/O: neither store connects to check.)
    from .fake_dynamodb import RecordingClient

    store: RedisStore | DynamoDBStore = (
        RedisStore("redis://127.0.0.1:9/0")
        if kind == "redis"
        else DynamoDBStore("table", client=RecordingClient())
    )
    for by in (10**18 + 1, -(10**19)):
        said = rf"^attribute 'n': increment {by} is out of range \(at most 10\*\*18 in size: Redis"
        with pytest.raises(ResponseError, match=said):
            store.check_update({}, (), {"n": by})
    with pytest.raises(
        ResponseError, match=r"^attribute 'n': an increment is an int, not a float$"
    ):
        store.check_update({}, (), {"n": 2.5})  # type: ignore[dict-item]
    store.check_update({"m": 1}, (), {"n": 10**18})
    store.check_update({}, (), {"n": -(10**18)})


@pytest.mark.anyio
async def test_overlapping_increments_all_count(store: Store) -> None:
    # 40 requests for one user load the count before any saves. With attributes["n"] += 1 the
    # store keeps 1 (last writer wins); increment() adds to what is stored at save time.
    envelope = _envelope("user")
    plain = [await Attributes.load(store, envelope) for _ in range(40)]
    counted = [await Attributes.load(store, envelope) for _ in range(40)]
    for attributes in plain:
        attributes["plain"] = attributes.get("plain", 0) + 1
    for attributes in counted:
        assert attributes.increment("visits") == 1  # the loaded value plus this request's step
        attributes.increment("points", by=-5)
    async with anyio.create_task_group() as tasks:
        for attributes in [*plain, *counted]:
            tasks.start_soon(attributes.save)
    assert await store.load("user") == {"plain": 1, "visits": 40, "points": -200}


@pytest.mark.anyio
async def test_increments_go_with_the_other_changes_or_not_at_all(store: Store) -> None:
    await store.update("user", {"name": "Ann", "visits": 2, "gone": 1}, ())
    attributes = await Attributes.load(store, _envelope("user"))
    assert attributes.increment("visits", by=3) == 5
    attributes["city"] = "Oslo"
    del attributes["gone"]
    assert attributes.pending() == ({"city": "Oslo"}, ["gone"])
    assert attributes.pending_increments() == {"visits": 3}
    await store.update("user", {"visits": 10}, ())  # another request, meanwhile
    assert await attributes.save()
    assert await store.load("user") == {"name": "Ann", "visits": 13, "city": "Oslo"}
    # A stored value that is not an integer: refused, and nothing of the save is written.
    attributes.increment("visits")
    attributes["city"] = "Rome"
    await store.update("user", {"visits": "many"}, ())
    with pytest.raises(ResponseError, match="visits"):
        await attributes.save()
    assert await store.load("user") == {"name": "Ann", "visits": "many", "city": "Oslo"}


@pytest.mark.anyio
async def test_setting_a_value_after_incrementing_it_replaces_the_increment() -> None:
    store = MemoryStore()
    attributes = await Attributes.load(store, _envelope("user"))
    attributes.increment("n")
    attributes["n"] = 7
    assert attributes.pending() == ({"n": 7}, []) and attributes.pending_increments() == {}
    attributes.increment("n")
    assert attributes["n"] == 8 and attributes.pending() == ({"n": 8}, [])
    with pytest.raises(
        ResponseError, match=r"^attribute 'n': an increment is an int, not a float$"
    ):
        attributes.increment("n", by=1.5)  # type: ignore[arg-type]
    attributes["s"] = "text"
    with pytest.raises(ResponseError, match="'s' holds a str"):
        attributes.increment("s")
    assert await attributes.save()
    assert await store.load("user") == {"n": 8, "s": "text"}


@pytest.mark.anyio
async def test_a_store_without_increments_says_so() -> None:
    attributes = await Attributes.load(CountingStore(), _envelope("user"))
    attributes.increment("n")
    with pytest.raises(ConfigurationError, match=r"CountingStore\.update takes no increments"):
        await attributes.save()


@pytest.mark.anyio
async def test_a_repeated_redis_increment_script_adds_once(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A retry after a lost reply sends the same save again: its token makes it a no-op.
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    same = uuid.uuid4()
    monkeypatch.setattr(uuid, "uuid4", lambda: same)
    try:
        for _ in range(2):
            await store.update("user", {"a": 1}, (), increments={"n": 1})
        assert await store.load("user") == {"a": 1, "n": 1}
        with pytest.raises(ResponseError, match="out of range"):
            await store.update("user", {}, (), increments={"n": 10**19})
    finally:
        await store.aclose()


@pytest.mark.parametrize(
    ("stored", "by"),
    [
        (9_000_000_000_000_000_000, 10**18),  # fits 64 bits, the sum does not
        (-9_000_000_000_000_000_000, -(10**18)),
        (9_999_999_999_999_999_999, 1),  # 19 digits, over 64 bits already
        (10**25, 1),
    ],
)
@pytest.mark.anyio
async def test_a_redis_increment_past_64_bits_writes_nothing(
    redis_url: str, stored: int, by: int
) -> None:
    # HINCRBY failed half-way through the script, after the first increments were written:
    # "a" was incremented and the save's other changes were lost.
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        await store.update("user", {"a": 1, "n": stored}, ())
        with pytest.raises(ResponseError, match="attribute 'n' is too large"):
            await store.update("user", {"b": 2}, ["a"], increments={"a": 1, "n": by})
        assert await store.load("user") == {"a": 1, "n": stored}
        # 19 digits with room for any step: added.
        await store.update("user", {"n": 7 * 10**18}, ())
        await store.update("user", {}, (), increments={"n": 10**18, "a": 1})
        assert await store.load("user") == {"a": 2, "n": 8 * 10**18}
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_an_increment_of_a_name_no_store_can_hold_is_refused_before_writing(
    store: Store,
) -> None:
    # An incremented name was never checked as the names of set values are: MemoryStore wrote
    # it, then the save raised; SQLite raised a bare UnicodeEncodeError from its driver.
    attributes = Attributes({}, key="user", store=store)
    attributes["kept"] = 1
    attributes.increment("count\ud800")
    with pytest.raises(ResponseError, match="cannot be saved"):
        await attributes.save()
    assert await store.load("user") == {}  # nothing written, the valid change neither


@pytest.mark.anyio
async def test_every_store_refuses_a_name_both_set_and_incremented_in_one_update(
    store: Store,
) -> None:
    # Redis kept the value set, the other stores the increment (over the value set): the same
    # update gave 5 in one store and 1 in another. Attributes never sends both.
    await store.update("user", {"kept": 1}, ())
    with pytest.raises(ResponseError, match="'x' is both set and incremented in one update"):
        await store.update("user", {"x": 5}, (), increments={"x": 1})  # type: ignore[call-arg]
    assert await store.load("user") == {"kept": 1}


@pytest.mark.anyio
async def test_every_store_refuses_an_increment_of_a_value_that_is_no_int_in_one_wording(
    store: Store,
) -> None:
    # Redis said "attribute f holds no integer: not incremented", the others "attribute 'f'
    # holds float: not incremented": one wording for all, naming the value's type.
    # The type is said after its article ("holds str" and "holds NoneType" were said).
    values: dict[str, Any] = {
        "s": "text",
        "b": True,
        "z": None,
        "l": [1],
        "d": {"a": 1},
        "f": 1.5,
    }
    kinds = {"s": "a str", "b": "a bool", "z": "None", "l": "a list", "d": "a dict", "f": "a float"}
    await store.update("user", values, ())
    for name, kind in kinds.items():
        if name == "f" and isinstance(store, DynamoDBStore):
            continue  # a number to DynamoDB, which adds to it
        with pytest.raises(ResponseError, match=f"^attribute '{name}' holds {kind}: not incr"):
            await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
    assert await store.load("user") == values


@pytest.mark.anyio
async def test_every_store_refuses_an_increment_that_is_no_int_in_the_same_words(
    store: Store,
) -> None:
    # Called directly (a script of the skill's own), SQLite and memory stored a float increment
    # as the value (1.5: no integer to add to after), a str failed with a TypeError, and each
    # store said something else.
    await store.update("user", {"kept": 1}, ())
    for by, kind in ((1.5, "a float"), (True, "a bool"), ("2", "a str"), (None, "None")):
        said = rf"^attribute 'n': an increment is an int, not {kind}$"
        with pytest.raises(ResponseError, match=said):
            await store.update("user", {}, (), increments={"n": by})  # type: ignore[call-arg]
    assert await store.load("user") == {"kept": 1}

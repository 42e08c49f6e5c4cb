"""Persistent attributes: the three stores through one suite, then `Attributes` and the skill."""

from __future__ import annotations

import copy
import enum
import itertools
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from alexaskill import Session, Skill, speak
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, ResponseError, StoreError
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import Response
from alexaskill.store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    PersonAttributes,
    RedisStore,
    SQLiteStore,
    Store,
    attributes_service,
    open_store,
)

if TYPE_CHECKING:
    from alexaskill.testing import TestClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["memory", "sqlite", "redis", "dynamodb"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Each kind of store, empty."""
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SQLiteStore(tmp_path / "attributes.db")
    elif request.param == "dynamodb":
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        table = f"attributes-{uuid.uuid4().hex}"
        # moto is slow on a shared machine: the timeout under test is test_dynamodb_errors.py's
        made = DynamoDBStore(table, endpoint_url=endpoint, create_table=True, timeout=30)
    else:
        url = request.getfixturevalue("redis_url")
        made = RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        yield made
    finally:
        await made.aclose()


# --- the store contract, for every store -------------------------------------------------------


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
    # DynamoDB holds at most 400 KB an item (test_dynamodb.py shows the refusal beyond that).
    small_items = isinstance(store, DynamoDBStore)
    big = "x" * (200_000 if small_items else 1_000_000)
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
        ({1: "a", "1": "b"}, "bad has the key 1 (int)"),
        ({"x": [{"ok": 1}, {2.5: True}]}, "bad['x'][1] has the key 2.5 (float)"),
        ([({None: 1},)], "bad[0][0] has the key None (NoneType)"),
        ({"deep": {"er": {True: 1}}}, "bad['deep']['er'] has the key True (bool)"),
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
    with pytest.raises(ResponseError, match="attribute names are strings, not int: 1"):
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
        ([10**40 + 1], r"bad\[0\] is 100000000000…\(41 characters\), outside"),
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
        (-(10**126), "bad is -10000000000…(128 characters)" + _OUTSIDE),
        ((10**38 - 1) * 10**89, "bad is 999999999999…(127 characters)" + _OUTSIDE),
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


@pytest.mark.anyio
async def test_increments_redis_cannot_add_are_refused_by_every_store(store: Store) -> None:
    # Redis adds in 64 bits: it refused an increment past 10**18 in size, and one to a stored
    # value of more than 2**63 - 1 - 10**18; the other stores added them, so a skill moved to
    # Redis found its counters refused there only. (DynamoDB adds to a stored value up to its
    # 38 digits: its condition cannot test the size; the README says so.)
    await store.update("u", {"n": 1}, ())
    for by in (10**18 + 1, -(10**19)):
        with pytest.raises(ResponseError, match=rf"attribute 'n': increment {by} is out of range"):
            await store.update("u", {"other": 1}, (), increments={"n": by})  # type: ignore[call-arg]
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
    with pytest.raises(ResponseError, match=r"^attribute 'n': an increment is an int, not float$"):
        store.check_update({}, (), {"n": 2.5})  # type: ignore[dict-item]
    store.check_update({"m": 1}, (), {"n": 10**18})
    store.check_update({}, (), {"n": -(10**18)})


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
    with pytest.raises(TypeError, match="by an int"):
        attributes.increment("n", by=1.5)  # type: ignore[arg-type]
    attributes["s"] = "text"
    with pytest.raises(ResponseError, match="'s' holds str"):
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


# --- Redis: riding out a restart ---------------------------------------------------------------


@pytest.mark.anyio
async def test_redis_store_rides_out_a_restart(redis_servers: Any) -> None:
    # Every pooled connection is dead after a restart: each failed one request with "Connection
    # closed by server" (30 of 30 here), until the pool had been worked through.
    process, port = redis_servers.start()
    store = RedisStore(f"redis://127.0.0.1:{port}/0")
    failures: list[str] = []

    async def request(user: str, n: int) -> None:
        try:
            await store.load(user)
            await store.update(user, {"n": n}, ())
        except Exception as exc:
            failures.append(repr(exc))

    try:
        async with anyio.create_task_group() as tasks:
            for n in range(30):  # 30 at once: 30 connections in the pool
                tasks.start_soon(request, f"user{n}", n)
        assert failures == []
        redis_servers.stop(process)
        redis_servers.start(port)
        async with anyio.create_task_group() as tasks:
            for n in range(30):
                tasks.start_soon(request, f"user{n}", n + 100)
        for n in range(10):
            await request(f"user{n}", n + 200)
        assert failures == []
        assert await store.load("user3") == {"n": 203}
        assert await store.load("user29") == {"n": 129}
    finally:
        await store.aclose()


def test_no_apology_once_redis_is_back(redis_servers: Any) -> None:
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    process, port = redis_servers.start()
    skill = Skill(SKILL_ID, store=f"redis://127.0.0.1:{port}/0")

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit {attributes['visits']}.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Visit 1."
        redis_servers.stop(process)
        redis_servers.start(port)  # empty again: no persistence in the test's server
        said = [client.launch().speech for _ in range(3)]
    assert APOLOGY not in said
    assert said == ["Visit 1.", "Visit 2.", "Visit 3."]


def test_redis_store_client_options_and_url_overrides() -> None:
    store = RedisStore("redis://127.0.0.1:1/0")
    options = store._client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == 2.0 and options["socket_connect_timeout"] == 2.0
    assert options["health_check_interval"] == 5
    store = RedisStore("redis://127.0.0.1:1/0?socket_timeout=7&health_check_interval=0")
    options = store._client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == 7.0 and options["health_check_interval"] == 0


@pytest.mark.anyio
async def test_redis_failures_are_store_errors_that_say_what_to_do(redis_servers: Any) -> None:
    # redis.ConnectionError, TimeoutError and the server's refusals went out as they were, and
    # a refusal of the increment script (out of memory) became a ResponseError: never the
    # StoreError that @skill.exception(StoreError) answers.
    import socket

    nowhere = socket.socket()
    nowhere.bind(("127.0.0.1", 0))
    port = nowhere.getsockname()[1]
    nowhere.close()  # nothing listens there now
    store = RedisStore(f"redis://:hunter2@127.0.0.1:{port}/0")
    with pytest.raises(StoreError, match=rf"cannot reach Redis at 127\.0\.0\.1:{port}") as info:
        await store.load("user")
    assert "hunter2" not in str(info.value)
    await store.aclose()

    with socket.socket() as silent:  # connections are taken (the backlog), never answered
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        options = "socket_timeout=0.1&socket_connect_timeout=0.1"
        store = RedisStore(f"redis://127.0.0.1:{port}/0?{options}")
        with anyio.fail_after(30), pytest.raises(StoreError, match="did not answer the load"):
            await store.load("user")
        await store.aclose()

    _, port = redis_servers.start()
    store = RedisStore(f"redis://127.0.0.1:{port}/0")
    await store.update("user", {"n": 1}, ())
    await store._client.config_set("maxmemory", 1)
    for increments in (None, {"n": 1}):
        with pytest.raises(StoreError, match=r"out of memory \(maxmemory\).*refused the save"):
            await store.update("user", {"a": 1}, (), increments=increments)
    await store._client.config_set("maxmemory", 0)
    await store._client.config_set("requirepass", "hunter2")
    await store.aclose()
    for url in (f"redis://127.0.0.1:{port}/0", f"redis://:wrong-hunter2@127.0.0.1:{port}/0"):
        refused = RedisStore(url)
        with pytest.raises(StoreError, match="password") as info:
            await refused.load("user")
        assert "hunter2" not in str(info.value)
        await refused.aclose()
    allowed = RedisStore(f"redis://:hunter2@127.0.0.1:{port}/0")
    assert await allowed.load("user") == {"n": 1}
    await allowed.aclose()


def test_redis_store_used_from_one_event_loop_after_another(redis_url: str) -> None:
    # TestClient without `with` answers each request in an event loop of its own; the pooled
    # connection of the loop before failed every other request ("Event loop is closed").
    from alexaskill.testing import TestClient

    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    for n in range(3):
        anyio.run(store.update, "user", {"n": n}, ())
        assert anyio.run(store.load, "user") == {"n": n}
    anyio.run(store.aclose)

    skill = Skill(SKILL_ID, store=RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:"))

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    client = TestClient(skill)  # no `with`: no lifespan, a loop per request
    assert [client.intent("Count").speech for _ in range(3)] == ["Visit 1.", "Visit 2.", "Visit 3."]
    anyio.run(skill.store.aclose)


class _Forwarder:
    """A TCP proxy on 127.0.0.1 to the port ``target`` (changeable): a failover's DNS name."""

    def __init__(self, target: int) -> None:
        import socket

        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, server]
            self._relay(client, server)

    def _relay(self, client: Any, server: Any) -> None:
        """Pass what each side sends to the other (a proxy that loses answers overrides it)."""
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: Any, sink: Any) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()


@pytest.mark.anyio
async def test_redis_store_follows_a_failover(redis_servers: Any) -> None:
    # After a failover (ElastiCache, Sentinel) the store's address leads to the new primary,
    # but the pooled connections still reach the old one, now a replica: every save failed
    # with READONLY until the process restarted.
    import redis.asyncio

    _, old_port = redis_servers.start()
    _, new_port = redis_servers.start()
    endpoint = _Forwarder(old_port)
    store = RedisStore(f"redis://127.0.0.1:{endpoint.port}/0")
    old = redis.asyncio.Redis(port=old_port)
    new = redis.asyncio.Redis(port=new_port)
    try:
        await store.update("user", {"n": 1, "a": 1}, ())  # a pooled connection to the old one
        endpoint.target = new_port
        await old.replicaof("127.0.0.1", str(new_port))
        await store.update("user", {"n": 2}, ())
        await store.update("user", {}, (), increments={"n": 1})
        assert await store.load("user") == {"n": 3}
        assert await new.hgetall(f"{store.prefix}user") == {b"n": b"3"}
        replica = RedisStore(f"redis://127.0.0.1:{old_port}/0")  # the URL of a replica
        with pytest.raises(StoreError, match="read-only replica and refused the save"):
            await replica.update("user", {"n": 4}, ())
        await replica.aclose()
    finally:
        await store.aclose()
        await old.aclose()
        await new.aclose()
        endpoint.close()


# --- values written by something else ----------------------------------------------------------


def _json_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A store of ``kind`` (each keeps JSON text), empty."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "attributes.db")
    return RedisStore(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")


async def _write_raw(store: Store, key: str, name: str, text: str) -> None:
    """Put ``text`` as the stored value of ``name``, bypassing the store's encoding."""
    if isinstance(store, MemoryStore):
        store._data.setdefault(key, {})[name] = text
    elif isinstance(store, SQLiteStore):
        await store.update(key, {"other": 1}, ())  # the table exists
        with sqlite3.connect(store.path) as connection:
            connection.execute(
                "INSERT OR REPLACE INTO alexaskill_attributes VALUES (?, ?, ?)", (key, name, text)
            )
        connection.close()
    else:
        assert isinstance(store, RedisStore)
        await store._client.hset(store.prefix + key, name, text)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("text", ["{not json", "NaN", "[1, Infinity]"])
async def test_a_stored_value_that_is_not_json_is_a_store_error_naming_it(
    kind: str, text: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # A value another program (or a hand) wrote: json.loads raised JSONDecodeError from load,
    # no StoreError, so the log said "handler failed" with a traceback on every request of
    # that user; NaN and Infinity (which Python's json takes) loaded, then failed as a
    # ResponseError saying the value "cannot be saved".
    store = _json_store(kind, request, tmp_path)
    try:
        await _write_raw(store, "user", "bad", text)
        with pytest.raises(StoreError, match=r"stored value of attribute 'bad' is not JSON"):
            await store.load("user")
        if not isinstance(store, RedisStore):  # Redis's script refuses it as no integer
            with pytest.raises(StoreError, match=r"attribute 'bad' is not JSON"):
                await store.update("user", {}, (), increments={"bad": 1})  # type: ignore[call-arg]
        await store.update("user", {}, ["bad"])  # deleting it mends it
        assert "bad" not in await store.load("user")
    finally:
        await store.aclose()


def _counting_over_a_bad_value(tmp_path: Path) -> tuple[TestClient, SQLiteStore]:
    """A `TestClient` of a skill counting visits in SQLite, where the user's count is not JSON."""
    from alexaskill.testing import TestClient

    store = SQLiteStore(tmp_path / "attributes.db")
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    client = TestClient(skill, raise_handler_errors=False)
    anyio.run(_write_raw, store, client.factory.user_id, "visits", "{oops")
    return client, store


def test_a_stored_value_that_is_not_json_is_one_line_and_the_apology(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from alexaskill.app import APOLOGY

    client, _ = _counting_over_a_bad_value(tmp_path)
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        result = client.intent("Count")
    assert result.speech == APOLOGY
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert "attributes not loaded or saved for IntentRequest Count" in record.getMessage()
    assert "attribute 'visits' is not JSON" in record.getMessage()
    assert client.factory.user_id not in caplog.text  # user ids are never logged in full


def test_a_store_failure_is_said_once_every_ten_seconds_with_how_many_went_unsaid(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store that is down fails every request: each still has its request line and the
    # apology, but the ERROR line that says why comes once a failure every 10 s (a Redis outage
    # under load must not write a line a request), with how many it left out.
    from alexaskill import log_repeats
    from alexaskill.app import APOLOGY

    clock = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: clock[0])
    client, store = _counting_over_a_bad_value(tmp_path)
    with caplog.at_level(logging.INFO, logger="alexaskill"), client:
        for _ in range(3):
            assert client.intent("Count").speech == APOLOGY
        first, other = client.factory.user_id, client.factory.user_id + "-other"
        anyio.run(_write_raw, store, other, "visits", "[1")  # another failure: said at once
        client.factory.user_id = other
        assert client.intent("Count").speech == APOLOGY
        clock[0] += 10
        client.factory.user_id = first
        assert client.intent("Count").speech == APOLOGY
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert len(lines) == 5 and {r.__dict__["outcome"] for r in lines} == {"handler_error"}
    assert len(errors) == 3
    assert "attribute 'visits' is not JSON" in errors[0]
    assert not errors[0].endswith("since the last such line)")
    assert errors[1] != errors[0] and not errors[1].endswith("since the last such line)")
    assert errors[2].endswith("(2 more since the last such line)")


# --- SQLite: off the event loop, WAL, several processes ----------------------------------------


@pytest.mark.anyio
async def test_sqlite_works_in_threads_in_wal_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alexaskill.store.sqlite as store_module

    threads: list[int] = []
    select = store_module._select

    def spy(connection: sqlite3.Connection, key: str) -> list[tuple[str, str]]:
        threads.append(threading.get_ident())
        return select(connection, key)

    monkeypatch.setattr(store_module, "_select", spy)
    path = tmp_path / "wal.db"
    store = SQLiteStore(path)
    await store.update("u", {"a": 1}, ())
    assert await store.load("u") == {"a": 1}
    await store.aclose()
    assert threads and threading.get_ident() not in threads
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.anyio
async def test_sqlite_store_closed_releases_its_connections_and_opens_again(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "closed.db")
    await store.update("u", {"a": 1}, ())
    assert store._idle
    await store.aclose()
    assert store._idle == []
    assert await store.load("u") == {"a": 1}  # a later call (the app served again) works


def test_a_skill_served_twice_keeps_its_sqlite_store(tmp_path: Path) -> None:
    # A module-level skill and one TestClient per test (the README's pattern), or a lifespan
    # restarted: the first shutdown closes the store, the next start uses it again.
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=f"sqlite:///{tmp_path / 'twice.db'}")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"visit {attributes.increment('visits')}")

    for visit in (1, 2):
        with TestClient(skill, user_id="amzn1.ask.account.SAME") as client:
            assert client.intent("Count").speech == f"visit {visit}"


@pytest.mark.anyio
async def test_a_relative_sqlite_path_is_the_one_of_when_the_store_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each new connection resolved it against the working directory of its moment: a process
    # that changed directory after making the store split its data over two files.
    (tmp_path / "first").mkdir()
    (tmp_path / "later").mkdir()
    monkeypatch.chdir(tmp_path / "first")
    store = open_store("sqlite:///skill.db")
    assert isinstance(store, SQLiteStore) and store.path == str(tmp_path / "first" / "skill.db")
    await store.update("u", {"x": 1}, ())
    monkeypatch.chdir(tmp_path / "later")
    await store.aclose()  # the next call opens a new connection
    await store.update("u", {"y": 2}, ())
    assert await store.load("u") == {"x": 1, "y": 2}
    await store.aclose()
    assert os.listdir(tmp_path / "later") == []


def test_sqlite_store_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        SQLiteStore(tmp_path / "missing" / "x.db")
    with pytest.raises(ConfigurationError, match="MemoryStore"):
        SQLiteStore(":memory:")


@pytest.mark.anyio
async def test_sqlite_failures_are_store_errors_that_say_what_to_do(tmp_path: Path) -> None:
    # sqlite3.OperationalError went out as it was: no StoreError, so @skill.exception(StoreError)
    # never saw it, and the log took it for a handler's bug (a traceback of 40 lines).
    path = tmp_path / "locked.db"
    store = SQLiteStore(path, timeout=0.2)
    await store.update("u", {"a": 1}, ())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup, the sqlite3 shell: another writer's lock
    try:
        with pytest.raises(StoreError, match=r"locked\.db: the save waited 0\.2 s") as info:
            await store.update("u", {"a": 2}, ())
        assert "SQLiteStore(timeout=" in str(info.value)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        assert await store.load("u") == {"a": 1}  # WAL: reads go on meanwhile
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await store.aclose()
    garbage = tmp_path / "garbage.db"
    broken = SQLiteStore(garbage)
    # Damaged once the store is made (a file no database when it is made is refused then).
    garbage.write_bytes(b"not a database at all " * 200)
    with pytest.raises(StoreError, match=r"garbage\.db is not a SQLite database, or is damaged"):
        await broken.load("u")
    await broken.aclose()


_WORKER = """
import asyncio, sys
from alexaskill.store import SQLiteStore

async def main(path, worker):
    store = SQLiteStore(path)
    await store.load("user")          # connect before the start signal
    print("ready", flush=True)
    sys.stdin.readline()
    await asyncio.gather(*(
        store.update("user", {f"w{worker}-k{i}": [worker, i]}, ()) for i in range(25)
    ))
    for i in range(25):
        await store.update("user", {f"w{worker}-seq{i}": i, "last": worker}, ())
    await store.aclose()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_sqlite_several_processes_writing_one_user_lose_no_key(tmp_path: Path) -> None:
    # Like several uvicorn workers answering one user at once: every key any of them wrote is
    # there afterwards, and "last", which all of them wrote, holds one of their values.
    path = str(tmp_path / "shared.db")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, path, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(4)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            assert worker.wait(timeout=30) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    pipe.close()
            worker.wait()
    with sqlite3.connect(path) as connection:
        rows = dict(connection.execute("SELECT field, value FROM alexaskill_attributes").fetchall())
    expected = {f"w{w}-k{i}" for w in range(4) for i in range(25)}
    expected |= {f"w{w}-seq{i}" for w in range(4) for i in range(25)}
    assert set(rows) == expected | {"last"}
    assert json.loads(rows["last"]) in range(4)
    assert json.loads(rows["w3-k7"]) == [3, 7]


_FIRST_UPDATES = """
import anyio, json, sys
from alexaskill.store import SQLiteStore

async def main(directory, worker, rounds, per_round, updates):
    errors = []

    async def update(store, i):
        try:
            await store.update("user", {f"w{worker}-{i}": i}, ())
        except Exception as exc:
            errors.append(repr(exc))

    for r in range(rounds):
        stores = [SQLiteStore(f"{directory}/r{r}-{d}.db") for d in range(per_round)]
        print("ready", flush=True)
        sys.stdin.readline()
        async with anyio.create_task_group() as group:
            for store in stores:
                for i in range(updates):
                    group.start_soon(update, store, i)
        for store in stores:
            await store.aclose()
    print(json.dumps(errors), flush=True)

anyio.run(main, sys.argv[1], *map(int, sys.argv[2:]))
"""


def test_sqlite_new_files_take_simultaneous_first_updates_from_several_processes(
    tmp_path: Path,
) -> None:
    # Connections opening a new file at the same moment raced to switch it to WAL, and SQLite
    # answers that race "database is locked" at once, whatever the busy timeout: the request got
    # the apology. 600 new files, each taking 8 simultaneous first updates: 2 from each of 4
    # processes, which start each round of 20 files together (40 threads each, anyio's default).
    # Many files a round, few updates each: each new file is a race between the processes, and
    # each round's start in lockstep costs time of its own.
    # On tmpfs where there is one: the race is in the locks, and disk syncs only make it slow.
    shm = Path("/dev/shm")
    directory = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    processes, rounds, per_round, updates = 4, 30, 20, 2
    settings = [str(rounds), str(per_round), str(updates)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _FIRST_UPDATES, str(directory), str(n), *settings],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(processes)
    ]
    try:
        for _ in range(rounds):
            for worker in workers:
                assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
        errors = []
        for worker in workers:
            assert worker.stdout is not None
            errors += json.loads(worker.stdout.readline())
            assert worker.wait(timeout=30) == 0
        assert errors == []
        for path in directory.glob("r*.db"):
            with sqlite3.connect(path) as connection:
                count = connection.execute("SELECT count(*) FROM alexaskill_attributes")
                assert count.fetchone()[0] == processes * updates, path
        assert len(list(directory.glob("r*.db"))) == rounds * per_round
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    pipe.close()
            worker.wait()
        if directory != tmp_path:
            shutil.rmtree(directory, ignore_errors=True)


# --- open_store --------------------------------------------------------------------------------


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///skill.db")
    assert isinstance(relative, SQLiteStore) and relative.path == str(tmp_path / "skill.db")
    absolute = open_store(f"sqlite:///{tmp_path}/abs.db")
    assert isinstance(absolute, SQLiteStore) and absolute.path == f"{tmp_path}/abs.db"
    assert isinstance(open_store("memory://"), MemoryStore)
    redis_store = open_store("redis://localhost:6379/2")
    assert isinstance(redis_store, RedisStore)
    anyio.run(redis_store.aclose)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://user:hunter2@db/skill", "unknown store URL scheme 'postgres'"),
        ("skill.db", "has no scheme"),
        ("sqlite://", "sqlite:///relative.db"),
        ("sqlite:///", "sqlite:///relative.db"),
        ("sqlite://host/skill.db", "sqlite:///relative.db"),
        ("sqlite:///:memory:", "MemoryStore"),
        ("memory://x", "write memory://"),
        # A scheme mistyped: the message must not repeat the rest, which holds a password.
        ("redis:/:hunter2@cache:6379/0", "has no scheme"),
        ("redis//:hunter2@cache:6379/0", "has no scheme"),
        # Accepted by redis-py, then failing every request (TypeError when it connects) or
        # silently another database: refused when the skill starts.
        ("redis://:hunter2@cache:6379/0?sockettimeout=5", "unknown option 'sockettimeout'"),
        ("redis://:hunter2@cache/0?ssl_cert_reqs=none", "unknown option 'ssl_cert_reqs'"),
        ("redis://:hunter2@cache:6379/1O", "database must be a number"),
        ("redis://:hunter2@cache:6379/l", "database must be a number"),
    ],
)
def test_open_store_refuses_what_it_does_not_know(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        # A password holding "/", "?" or "#" unescaped ends the host part early: redis-py then
        # reads some of it as the port (a ValueError repeating it), the path or the query, or
        # takes "hunter2" for a port and connects without a password, naming the port.
        "redis://:hunter/2@cache:6379/0",
        "redis://:hunter#2@cache:6379/0",
        "redis://:hunter?2@cache:6379/0",
        "redis://:4242/hunter2@cache:6379/0",
        "redis://:4242#hunter2@cache:6379/0",
        "redis://:4242?hunter2@cache:6379/0",
        "rediss://user:4242/hunter2@cache/0",
        # A port that is not one, a query value that does not parse: ValueErrors of redis-py's.
        "redis://:hunter2@cache:port/0",
        "redis://:hunter2@cache:6379/0?socket_timeout=hunter2",
    ],
)
def test_a_redis_url_that_does_not_parse_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis store URL") as info:
        open_store(url)
    assert "hunter" not in str(info.value)
    assert "4242" not in str(info.value)


def test_a_redis_store_names_the_default_port() -> None:
    store = open_store("redis://:hunter2@cache/0")
    assert isinstance(store, RedisStore)
    assert store._where() == "Redis at cache:6379"
    anyio.run(store.aclose)


def test_open_store_takes_redis_options_and_databases_it_knows() -> None:
    for url in (
        "redis://cache:6379",
        "redis://cache:6379/",
        "redis://cache:6379/15?socket_timeout=1&health_check_interval=2",
        "rediss://cache/0?ssl_cert_reqs=none",
        "unix:///run/redis.sock?db=3",
    ):
        store = open_store(url)
        assert isinstance(store, RedisStore), url
        anyio.run(store.aclose)


def test_a_sqlite_url_naming_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a directory"):
        open_store(f"sqlite:///{tmp_path}/")
    with pytest.raises(ConfigurationError, match="is a directory"):
        SQLiteStore(tmp_path)


# --- Attributes --------------------------------------------------------------------------------


def _event(name: str = "IntentRequest.GetWeather.json") -> dict[str, Any]:
    event: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return event


def _envelope(
    user_id: str | None = "user",
    *,
    session_user: str | None = None,
    person_id: str | None = None,
    intent: str = "GetWeather",
) -> Envelope:
    event = copy.deepcopy(_event())
    system = event["context"]["System"]
    if user_id is None:
        del system["user"]
    else:
        system["user"]["userId"] = user_id
    if person_id is not None:
        system["person"] = {"personId": person_id}
    if session_user is None:
        event["session"].pop("user", None)
    else:
        event["session"]["user"] = {"userId": session_user}
    event["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    return decode_envelope(json.dumps(event))


class CountingStore:
    """A memory store's data, its loads and updates counted; its update takes no increments
    (a `Store` need not: so it wraps a `MemoryStore`, whose update does, not subclasses it)."""

    def __init__(self) -> None:
        self.memory = MemoryStore()
        self.loads = 0
        self.updates: list[tuple[str, dict[str, Any], list[str]]] = []

    async def load(self, key: str) -> dict[str, Any]:
        self.loads += 1
        return await self.memory.load(key)

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        self.updates.append((key, dict(changes), list(deleted)))
        await self.memory.update(key, changes, deleted)

    async def aclose(self) -> None:
        await self.memory.aclose()


@pytest.mark.anyio
async def test_attributes_save_only_what_changed_and_only_if_anything_did() -> None:
    store = CountingStore()
    await store.update("user", {"count": 1, "cities": ["Paris"], "old": True}, ())
    store.updates.clear()
    attributes = await Attributes.load(store, _envelope())
    assert dict(attributes) == {"count": 1, "cities": ["Paris"], "old": True}
    attributes["count"] = 1  # the same value: not a change
    assert not attributes.changed
    assert await attributes.save() is False
    attributes["cities"].append("Oslo")  # changed in place: still seen
    del attributes["old"]
    attributes["new"] = {"a": 1}
    assert attributes.pending() == ({"cities": ["Paris", "Oslo"], "new": {"a": 1}}, ["old"])
    assert await attributes.save() is True
    assert await attributes.save() is False  # nothing new since
    assert store.updates == [("user", {"cities": ["Paris", "Oslo"], "new": {"a": 1}}, ["old"])]
    assert await store.load("user") == {"count": 1, "cities": ["Paris", "Oslo"], "new": {"a": 1}}


@pytest.mark.anyio
async def test_attributes_key_is_the_user_then_the_session_user() -> None:
    assert Attributes.key_for(_envelope("ctx-user", session_user="session-user")) == "ctx-user"
    assert Attributes.key_for(_envelope(None, session_user="session-user")) == "session-user"
    anonymous = await Attributes.load(MemoryStore(), _envelope(None))
    assert anonymous.key is None and dict(anonymous) == {}
    assert await anonymous.save() is False
    anonymous["x"] = 1
    with pytest.raises(ResponseError, match="names no user"):
        await anonymous.save()


def test_person_attributes_key_is_the_person_within_the_user() -> None:
    assert PersonAttributes.key_for(_envelope("u", person_id="p")) == "u/p"
    assert PersonAttributes.key_for(_envelope("u")) == "u"
    assert Attributes.key_for(_envelope("u", person_id="p")) == "u"
    assert not issubclass(PersonAttributes, Attributes)
    assert not issubclass(Attributes, PersonAttributes)


def test_device_attributes_key_is_the_device() -> None:
    envelope = _envelope("u", person_id="p")
    system = envelope.context.system if envelope.context is not None else None
    assert system is not None and system.device is not None
    key = DeviceAttributes.key_for(envelope)
    assert key == system.device.device_id
    assert key is not None and key.startswith("amzn1.ask.device.")
    event = _event()
    del event["context"]["System"]["device"]
    assert DeviceAttributes.key_for(decode_envelope(json.dumps(event))) is None
    assert not issubclass(DeviceAttributes, Attributes | PersonAttributes)
    with pytest.raises(ConfigurationError, match="not both"):
        attributes_service(MemoryStore(), per_person=True, per_device=True)


@pytest.mark.anyio
async def test_detached_attributes_for_unit_tests_save_nothing() -> None:
    attributes = Attributes({"count": 1})
    attributes["count"] += 1
    assert attributes.changed
    assert await attributes.save() is False
    assert repr(attributes) == "Attributes({'count': 2})"


def test_attribute_names_are_strings() -> None:
    attributes = Attributes()
    with pytest.raises(TypeError, match="strings, not int"):
        attributes[1] = "x"  # type: ignore[index]


def test_attributes_service_takes_a_store_a_url_or_a_factory(tmp_path: Path) -> None:
    made: list[MemoryStore] = []

    def factory() -> MemoryStore:
        made.append(MemoryStore())
        return made[-1]

    skill = _counting_skill(factory)
    assert made == []  # nothing opened before the first request that needs it
    _answer(skill, _envelope())
    _answer(skill, _envelope())
    assert len(made) == 1
    assert anyio.run(made[0].load, "user") == {"count": 2}

    url_skill = _counting_skill(f"sqlite:///{tmp_path}/url.db")
    _answer(url_skill, _envelope())
    assert anyio.run(SQLiteStore(tmp_path / "url.db").load, "user") == {"count": 1}

    with pytest.raises(ConfigurationError, match="not a store"):
        attributes_service(42)  # type: ignore[arg-type]


# --- through the skill -------------------------------------------------------------------------


def _counting_skill(store: Any) -> Skill:
    skill = Skill(SKILL_ID)
    skill.add_service(Attributes, *attributes_service(store))

    @skill.intent("GetWeather")
    def count(attributes: Attributes) -> Response:
        attributes["count"] = attributes.get("count", 0) + 1
        return speak(f"Visit {attributes['count']}.")

    return skill


def _answer(skill: Skill, envelope: Envelope) -> dict[str, Any]:
    async def answer() -> bytes:
        return await skill.answer(envelope)

    body: dict[str, Any] = json.loads(anyio.run(answer))
    return body


def _speech(body: dict[str, Any]) -> str:
    text: str = body["response"]["outputSpeech"].get("text") or body["response"][
        "outputSpeech"
    ].get("ssml")
    return text


def test_handler_attributes_survive_sessions_and_load_only_when_asked() -> None:
    store = CountingStore()
    skill = Skill(SKILL_ID)
    skill.add_service(Attributes, *attributes_service(store))
    skill.add_service(PersonAttributes, *attributes_service(store, per_person=True))

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        attributes["household"] = attributes.get("household", 0) + 1
        person["mine"] = person.get("mine", 0) + 1
        return speak(f"{attributes['household']} {person['mine']}")

    @skill.intent("Peek")
    def peek() -> Response:
        return speak("no attributes here")

    @skill.intent("Fail")
    def fail(attributes: Attributes) -> Response:
        attributes["household"] = 1000
        raise RuntimeError("boom")

    @skill.intent("Bad")
    def bad(attributes: Attributes) -> Response:
        attributes["when"] = {1, 2}
        return speak("not saved")

    assert "1 1" in _speech(_answer(skill, _envelope("u", person_id="alice", intent="Visit")))
    assert "2 1" in _speech(_answer(skill, _envelope("u", person_id="bob", intent="Visit")))
    assert "3 2" in _speech(_answer(skill, _envelope("u", person_id="alice", intent="Visit")))
    loads = store.loads
    _answer(skill, _envelope("u", intent="Peek"))
    assert store.loads == loads  # a handler that does not ask loads nothing

    updates = len(store.updates)
    assert "Sorry" in _speech(_answer(skill, _envelope("u", intent="Fail")))
    assert "Sorry" in _speech(_answer(skill, _envelope("u", intent="Bad")))
    assert len(store.updates) == updates  # a failed handler, or a bad value, saves nothing
    assert anyio.run(store.load, "u") == {"household": 3}
    assert anyio.run(store.load, "u/alice") == {"mine": 2}
    assert anyio.run(store.load, "u/bob") == {"mine": 1}


def test_person_attributes_without_a_speaker_are_the_users_attributes_in_one_request() -> None:
    # With no speaker recognised, PersonAttributes have the user's key, as documented: "the same
    # values as Attributes". Both made for one handler, each loaded and saved its own copy: an
    # increment of each showed 1 in both and saved 2, and a value set in one was not seen in
    # the other (which of the two saves won depended on their order).
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        first = attributes.increment("visits")
        second = person.increment("visits")
        person["name"] = "Ann"
        return speak(f"{first} {second} {attributes['visits']} {attributes.get('name')}")

    @skill.intent("Rename")
    def rename(person: PersonAttributes, attributes: Attributes) -> Response:
        attributes.increment("visits")
        person["visits"] = 10  # replaces the increment, in both
        del attributes["name"]
        return speak(f"{person['visits']} {attributes['visits']} {person.get('name')}")

    @skill.intent("Fail")
    def fail(attributes: Attributes) -> Response:
        attributes["visits"] = 1000
        raise RuntimeError("boom")

    @skill.exception(RuntimeError)
    def sorry(exc: RuntimeError, person: PersonAttributes) -> Response:
        # Its PersonAttributes are not the failed handler's Attributes, changes and all.
        return speak(f"Sorry. {person['visits']}")

    assert _speech(_answer(skill, _envelope("u", intent="Visit"))) == "1 2 2 Ann"
    assert anyio.run(store.load, "u") == {"visits": 2, "name": "Ann"}
    assert _speech(_answer(skill, _envelope("u", intent="Rename"))) == "10 10 None"
    assert anyio.run(store.load, "u") == {"visits": 10}
    assert _speech(_answer(skill, _envelope("u", intent="Fail"))) == "Sorry. 10"
    assert anyio.run(store.load, "u") == {"visits": 10}
    # A recognised speaker's are their own.
    assert _speech(_answer(skill, _envelope("u", person_id="p", intent="Visit"))) == "11 1 11 None"
    assert anyio.run(store.load, "u") == {"visits": 11}
    assert anyio.run(store.load, "u/p") == {"visits": 1, "name": "Ann"}


def _failing_store_url(backend: str, tmp_path: Path) -> str:
    """A store URL whose every load fails, for ``backend``."""
    if backend == "redis":
        import socket

        with socket.socket() as nowhere:
            nowhere.bind(("127.0.0.1", 0))
            port = nowhere.getsockname()[1]
        return f"redis://:hunter2@127.0.0.1:{port}/0"  # nothing listens there
    return f"sqlite:///{tmp_path / 'garbage.db'}"  # made garbage once the skill has its store


@pytest.mark.parametrize("with_handler", [False, True])
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_store_that_fails_is_a_store_error_for_the_skill(
    backend: str, with_handler: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # README: @skill.exception(StoreError) answers any store failure, and the log gets one line
    # saying what failed. SQLite and Redis failures went out as their own exceptions instead.
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_failing_store_url(backend, tmp_path))
    (tmp_path / "garbage.db").write_bytes(b"not a database at all " * 200)  # (sqlite's only)

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    if with_handler:

        @skill.exception(StoreError)
        def store_down(exc: StoreError) -> Response:
            return speak("I can't remember things right now.")

    client = TestClient(skill, raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        result = client.intent("Count")
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    if with_handler:
        assert result.speech == "I can't remember things right now."
        assert errors == []
    else:
        assert result.speech == APOLOGY
        assert isinstance(result.handler_error, StoreError)
        [record] = errors
        assert record.exc_info is None
        assert "attributes not loaded or saved for IntentRequest Count" in record.getMessage()
    assert "hunter2" not in caplog.text


# --- saved only with an answer the user hears -------------------------------------------------


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("with_exception_handler", [False, True])
def test_an_answer_that_ends_in_the_apology_saves_nothing(
    hooked: bool, with_exception_handler: bool
) -> None:
    # The handler's change was saved, then its reply failed to encode (a session attribute that
    # is not JSON) and the user heard the apology: a retry would deposit twice.
    from alexaskill.testing import TestClient

    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Deposit")
    def deposit(attributes: Attributes, session: Session) -> Response:
        balance = attributes.increment("balance", 100)
        session.attributes["receipt"] = object()  # the bug: not JSON
        return speak(f"Balance {balance}")

    @skill.intent("Balance")
    def balance(attributes: Attributes) -> Response:
        return speak(f"Balance {attributes.get('balance', 0)}")

    if hooked:

        @skill.after_request
        def after(attributes: Attributes, response: Response | None) -> Response | None:
            attributes["seen"] = True
            return response

    if with_exception_handler:

        @skill.exception(ResponseError)
        def on_error(exc: ResponseError, attributes: Attributes, session: Session) -> Response:
            attributes["errors"] = attributes.get("errors", 0) + 1
            session.attributes["receipt"] = object()  # the same bug again
            return speak("Sorry, that did not work.")

    with TestClient(skill, raise_handler_errors=False) as client:
        for _ in range(2):
            result = client.intent("Deposit")
            assert result.handler_error is not None
            assert result.speech == "Sorry, something went wrong. Please try again later."
        assert client.intent("Balance").speech == "Balance 0"


class RefusingStore(MemoryStore):
    """A memory store with a limit of its own, checked by `check_update` before any write."""

    def check_update(
        self,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        if "too big" in changes.values():
            raise ResponseError("attribute too big for this store")

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        self.check_update(changes, deleted, increments)
        await super().update(key, changes, deleted, increments)


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("device_first", [False, True])
@pytest.mark.parametrize("bad", ["not JSON", "int keys", "too big", "past DynamoDB's"])
def test_attributes_of_two_kinds_are_saved_both_or_neither(
    hooked: bool, device_first: bool, bad: str
) -> None:
    # Attributes and DeviceAttributes are two saves; the second's value failed its check after
    # the first was written: the user heard the apology, and the retry counted twice.
    from alexaskill.testing import TestClient

    store = RefusingStore()
    skill = Skill(SKILL_ID, store=store)
    value: Any = {"not JSON": object(), "int keys": {1: "a"}, "too big": "too big"}.get(bad, 1e300)

    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes.increment("orders")
        device["last"] = value
        return speak("Ordered.")

    def order_device_first(device: DeviceAttributes, attributes: Attributes) -> Response:
        return order(attributes, device)

    def note(attributes: Attributes) -> None:  # makes the Attributes first, the handler the other
        attributes["seen"] = True

    if hooked:
        skill.add_before_request(note, intents=["Order"])

    skill.intent("Order")(order_device_first if device_first else order)

    @skill.intent("Count")
    def count(attributes: Attributes, device: DeviceAttributes) -> Response:
        return speak(f"{attributes.get('orders', 0)} orders, seen {attributes.get('seen', False)}")

    with TestClient(skill, raise_handler_errors=False) as client:
        for _ in range(2):
            result = client.intent("Order")
            assert isinstance(result.handler_error, ResponseError)
            assert result.speech == "Sorry, something went wrong. Please try again later."
        assert client.intent("Count").speech == "0 orders, seen False"
    assert store._data == {}


class OwnStore:
    """A store of one's own, keeping any JSON value and adding any increment (no limits)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    async def load(self, key: str) -> dict[str, Any]:
        return dict(self.data.get(key, {}))

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        item = self.data.setdefault(key, {})
        item.update(changes)
        for name, by in (increments or {}).items():
            item[name] = item.get(name, 0) + by

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize("device", ["none", "unchanged", "changed"])
def test_a_store_of_ones_own_keeps_what_the_shipped_stores_refuse_whatever_the_kinds(
    device: str,
) -> None:
    # The shipped stores refuse what DynamoDB or Redis cannot keep (1e300, an increment past
    # 10**18); a store of one's own keeps what it keeps, saying what it refuses by its
    # check_update. It kept them from a handler taking Attributes alone; from one taking
    # DeviceAttributes too (changed or not), the check made before either save refused them.
    from alexaskill.testing import TestClient

    store = OwnStore()
    skill = Skill(SKILL_ID, store=store)

    def save(attributes: Attributes) -> None:
        attributes["huge"] = 1e300
        attributes.increment("count", 10**19)

    @skill.intent("Alone")
    def alone(attributes: Attributes) -> Response:
        save(attributes)
        return speak("Saved.")

    @skill.intent("Both")
    def both(attributes: Attributes, device_attributes: DeviceAttributes) -> Response:
        save(attributes)
        if device == "changed":
            device_attributes["seen"] = True
        return speak("Saved.")

    with TestClient(skill) as client:
        assert client.intent("Alone" if device == "none" else "Both").speech == "Saved."
        assert store.data[client.user_id] == {"huge": 1e300, "count": 10**19}


# --- which store a skill serves with ------------------------------------------------------------


def visits_skill(store: Store | str) -> Skill:
    """A skill that counts each user's visits in its `Attributes`."""
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Visit")
    def visit(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit {attributes['visits']}.")

    return skill


def test_a_store_set_on_the_skill_is_the_one_its_handlers_use() -> None:
    # The attribute services were bound to the store given to Skill(): setting skill.store
    # after it changed the attribute and nothing else, and attributes went to the first store.
    first, second = MemoryStore(), MemoryStore()
    skill = visits_skill(first)
    skill.store = second
    assert skill.store is second
    _answer(skill, _envelope("u", intent="Visit"))
    assert anyio.run(second.load, "u") == {"visits": 1}
    assert anyio.run(first.load, "u") == {}
    skill.store = "memory://"  # a URL is opened
    assert isinstance(skill.store, MemoryStore) and skill.store is not second


def test_the_store_cannot_be_set_once_the_skill_serves() -> None:
    from alexaskill.testing import TestClient

    store = MemoryStore()
    skill = visits_skill(store)
    with TestClient(skill) as client:
        client.intent("Visit")
    with pytest.raises(ConfigurationError, match=r"skill_client\(skill, store='memory://'\)"):
        skill.store = MemoryStore()
    assert skill.store is store


def test_a_test_client_serves_the_skill_with_its_store_while_it_lives() -> None:
    # Tests had no way to keep a skill's attributes off its own store: the default one is a
    # file in the working directory, where every run's test users piled up.
    from alexaskill.testing import TestClient

    own = MemoryStore()
    skill = visits_skill(own)
    with TestClient(skill, store="memory://") as client:
        assert client.intent("Visit").speech == "Visit 1."
        assert isinstance(client.store, MemoryStore) and client.store is not own
        assert skill.store is client.store
        assert anyio.run(client.store.load, client.user_id) == {"visits": 1}
    assert skill.store is own
    assert own._data == {}

    # The skill serves already; clients nest, and each gives back what it found.
    mine = MemoryStore()
    outer = TestClient(skill, store=mine)
    inner = TestClient(skill, store="memory://")
    plain = TestClient(skill)  # no store=: whatever the skill serves with
    assert plain.store is inner.store and skill.store is inner.store
    plain.close()
    inner.close()
    assert skill.store is mine
    assert outer.intent("Visit").speech == "Visit 1."
    assert anyio.run(mine.load, outer.user_id) == {"visits": 1}
    outer.close()
    assert skill.store is own
    with TestClient(skill, user_id=outer.user_id) as client:
        assert client.intent("Visit").speech == "Visit 1."  # the skill's own store again
    assert anyio.run(own.load, outer.user_id) == {"visits": 1}


def test_test_clients_with_stores_closed_in_any_order_give_the_skill_its_own_back() -> None:
    # The first closed gave the skill its own store back while the second still served, and
    # the second then gave it the first one's store, for good.
    from alexaskill.testing import TestClient

    own = MemoryStore()
    skill = visits_skill(own)
    first = TestClient(skill, store="memory://")
    second = TestClient(skill, store="memory://")
    first.close()
    assert skill.store is second.store
    assert second.intent("Visit").speech == "Visit 1."
    assert anyio.run(second.store.load, second.user_id) == {"visits": 1}
    second.close()
    assert skill.store is own

    # With clients without store= among them (each serves with what the skill had when it
    # opened): whatever the order, the client opened last of those open has its store served.
    verifier = skill.verifier
    for order in itertools.permutations(range(4)):
        clients = [TestClient(skill, store="memory://" if i % 2 == 0 else None) for i in range(4)]
        still_open = list(clients)
        for i in order:
            clients[i].close()
            still_open.remove(clients[i])
            latest = still_open[-1] if still_open else TestClient(skill)
            assert skill.store is latest.store, (order, i)
            visits = anyio.run(latest.store.load, latest.user_id).get("visits", 0)
            assert latest.intent("Visit").speech == f"Visit {visits + 1}."
            assert anyio.run(latest.store.load, latest.user_id) == {"visits": visits + 1}
            if not still_open:
                latest.close()
        assert skill.store is own and skill.verifier is verifier


def test_a_test_client_gives_back_attribute_services_added_to_the_skill() -> None:
    from alexaskill.testing import TestClient

    theirs = MemoryStore()
    skill = Skill(SKILL_ID, store="memory://")
    skill.add_service(Attributes, *attributes_service(theirs))  # (not through skill.store)

    @skill.intent("Visit")
    def visit(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("Visited.")

    TestClient(skill, store="memory://").close()
    with TestClient(skill, user_id="u") as client:
        client.intent("Visit")
    assert anyio.run(theirs.load, "u") == {"visits": 1}


@pytest.mark.anyio
async def test_a_sqlite_load_waiting_for_a_lock_gives_way_to_the_deadline(
    tmp_path: Path,
) -> None:
    # A load waits in its thread for SQLite's lock (here: the file set-up of a process's first
    # connection, while another holds an exclusive lock), up to the store's timeout. The
    # deadline's cancellation waited for the thread: the answer came only once the lock was
    # free, however late. A load, which writes nothing, now gives way at once.
    path = tmp_path / "attributes.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    released = threading.Event()

    def release() -> None:
        released.set()
        holder.execute("ROLLBACK")

    safety = threading.Timer(15, release)  # the old code's load returns only then
    safety.start()
    store = SQLiteStore(path, timeout=60)
    try:
        with anyio.move_on_after(0.2):
            await store.load("user")
        assert not released.is_set()  # given up while the lock was still held
    finally:
        safety.cancel()
        if not released.is_set():
            release()
    assert await store.load("user") == {}  # the lock free, the store works
    holder.close()
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


def test_a_store_class_given_for_a_factory_makes_the_store() -> None:
    # A class is a function returning a store; it was taken for a store, because it has the
    # methods: each load called MemoryStore.load unbound, and every answer was the apology.
    skill = _counting_skill(MemoryStore)
    _answer(skill, _envelope())
    assert "Visit 2." in _speech(_answer(skill, _envelope()))


@pytest.mark.parametrize("given", [MemoryStore, SQLiteStore, MemoryStore().load, 42])
def test_a_skill_refuses_what_is_not_a_store(given: Any) -> None:
    # Skill(store=MemoryStore) served (every answer the apology) and failed at shutdown, when
    # its lifespan called MemoryStore.aclose() on the class; a factory the same, at shutdown.
    with pytest.raises(ConfigurationError, match="a store or a store URL") as raised:
        Skill(SKILL_ID, store=given)
    if isinstance(given, type):
        assert f"{given.__name__}(" in str(raised.value)
    skill = Skill(SKILL_ID, store="memory://")
    with pytest.raises(ConfigurationError, match="a store or a store URL"):
        skill.store = given
    assert isinstance(skill.store, MemoryStore)


# 2147484 s: the first whole second whose milliseconds overflow SQLite's int (2**31 - 1).
@pytest.mark.parametrize(
    "timeout", ["5", None, True, -1, float("nan"), float("inf"), 1e7, 2_147_484]
)
def test_a_sqlite_timeout_sqlite_cannot_wait_is_refused(tmp_path: Path, timeout: Any) -> None:
    # Taken, and then each connection failed (a TypeError, every request) or waited for no lock
    # at all: SQLite keeps the wait in an int of milliseconds, and one beyond it (inf, 1e7 s)
    # or negative (nan too) is no wait, the message still saying "waited inf s".
    with pytest.raises(ConfigurationError, match="SQLiteStore: timeout"):
        SQLiteStore(tmp_path / "a.db", timeout=timeout)


def test_a_sqlite_timeout_of_zero_or_days_is_taken(tmp_path: Path) -> None:
    assert SQLiteStore(tmp_path / "a.db", timeout=0).timeout == 0
    assert SQLiteStore(tmp_path / "a.db", timeout=20 * 86400).timeout == 20 * 86400
    # The longest the message offers (2147482 s, its milliseconds within SQLite's int).
    assert SQLiteStore(tmp_path / "a.db", timeout=2_147_482).timeout == 2_147_482


@pytest.mark.parametrize("url", [None, 42, b"memory://", Path("skill.db")])
def test_open_store_refuses_what_is_no_url(url: Any) -> None:
    # An AttributeError ('NoneType' object has no attribute 'partition'), or a TypeError: an
    # unset environment variable's None said nothing of the store.
    with pytest.raises(ConfigurationError, match="a store URL is a string"):
        open_store(url)


@pytest.mark.parametrize(
    "url",
    [
        "rediss://cache:6380/0?ssl_password=topsecret",
        "rediss://cache:6380/0?db=0&ssl_password=topsecret&ssl_cert_reqs=none",
        "redis://cache:6379/0?PASSWORD=topsecret",
        # redis-py decodes option names: ssl%5Fpassword is ssl_password.
        "rediss://cache:6380/0?ssl%5Fpassword=topsecret",
        "redis://cache:6379/0?p%61ssword=topsecret&db=0",
    ],
)
def test_a_store_url_is_shown_without_any_password_option(url: str) -> None:
    # redis-py takes ssl_password (the TLS key's passphrase) from the URL: Settings' repr,
    # logged at start-up, showed it, only the option named exactly password= being hidden.
    from alexaskill.settings import Settings
    from alexaskill.store.url import url_without_password

    shown = url_without_password(url)
    assert "topsecret" not in shown and "=***" in shown
    assert shown.startswith(url.partition("?")[0])
    assert "topsecret" not in repr(Settings(skill_ids=("x",), store=url))


@pytest.mark.anyio
async def test_a_redis_failure_is_told_without_any_password_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The messages hid only the value of the option named password: the TLS key's passphrase
    # (ssl_password), taken from the URL as url_without_password hides it, went out as it was.
    from redis.exceptions import ConnectionError as RedisConnectionError

    store = RedisStore("rediss://:user-pw@127.0.0.1:1/0?ssl_password=key-passphrase")

    async def failing(name: str) -> dict[bytes, bytes]:
        raise RedisConnectionError("the TLS key (key-passphrase) or the login (user-pw) failed")

    monkeypatch.setattr(store._client, "hgetall", failing)
    with pytest.raises(StoreError, match="cannot reach Redis") as info:
        await store.load("user")
    message = str(info.value)
    assert "key-passphrase" not in message and "user-pw" not in message
    assert "the TLS key (***) or the login (***) failed" in message
    await store.aclose()


@pytest.mark.parametrize("prefix", [None, b"skill:", 3])
def test_a_redis_prefix_that_is_no_string_is_refused_when_the_store_is_made(prefix: Any) -> None:
    # Taken, it failed each load and save later (a TypeError adding it to the user's key).
    with pytest.raises(ConfigurationError, match=r"RedisStore: prefix must be a string"):
        RedisStore("redis://127.0.0.1:1/0", prefix=prefix)


@pytest.mark.parametrize("returned", [None, "memory://", 42, MemoryStore])
def test_a_store_factory_returning_no_store_is_a_configuration_error(
    returned: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Each request failed with an AttributeError ('NoneType' object has no attribute 'load'),
    # the log naming neither the factory nor what it should return.
    skill = _counting_skill(lambda: returned)
    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        assert "Sorry" in _speech(_answer(skill, _envelope()))
    assert "ConfigurationError: the store factory returned" in caplog.text


@pytest.mark.anyio
async def test_device_attributes_without_a_device_say_so() -> None:
    # The message said "the request names no user" for DeviceAttributes too: a skill event,
    # which names its user but no device, sent the reader after the wrong id.
    attributes = DeviceAttributes({}, key=None, store=MemoryStore())
    attributes["room"] = "kitchen"
    with pytest.raises(ResponseError, match="names no device to save them for"):
        await attributes.save()
    person = PersonAttributes({}, key=None, store=MemoryStore())
    person["name"] = "Ann"
    with pytest.raises(ResponseError, match="names no user to save them for"):
        await person.save()


def test_a_sqlite_path_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    # Taken, and every load and save then raised ValueError ("embedded null byte"), not even
    # a StoreError: the path checks (os.path.isdir) take a NUL, SQLite's connect does not.
    with pytest.raises(ConfigurationError, match="NUL"):
        SQLiteStore(f"{tmp_path}/a\x00b.db")
    with pytest.raises(ConfigurationError, match="NUL"):
        open_store(f"sqlite:///{tmp_path}/a\x00b.db")


def test_a_skill_given_a_store_url_as_bytes_does_not_show_it() -> None:
    # The refusal showed what it was given (its repr): a URL read as bytes (os.environb, a
    # secret manager) put its password in the message, as open_store's, naming the type, does
    # not.
    with pytest.raises(ConfigurationError, match="a store or a store URL") as raised:
        Skill(SKILL_ID, store=b"redis://:topsecret@cache:6379/0")  # type: ignore[arg-type]
    assert "topsecret" not in str(raised.value) and "bytes" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "dynamodb://user:topsecret@table",
        "dynamodb://user:topsecret@table?region=us-east-1",
        "memory://user:topsecret@",
        "memory://user:top@secret@host",
        "sqlite://user:topsecret@/skill.db",
        "sqlite:///skill.db?password=topsecret",
    ],
)
def test_every_store_url_refusal_hides_the_password(url: str) -> None:
    # The DynamoDB, memory and SQLite refusals showed the URL (or the table part) as given,
    # user:password@ included, where the Redis ones never did: one rule now, url_without_password.
    with pytest.raises(ConfigurationError) as raised:
        open_store(url)
    message = str(raised.value)
    assert "secret" not in message and "***" in message, message


def test_a_store_url_whose_scheme_swallowed_its_password_does_not_show_it() -> None:
    # A mistyped scheme (one slash) made everything up to a later '://' the "scheme", password
    # included, and the unknown-scheme refusal showed it.
    with pytest.raises(ConfigurationError, match="not a URL scheme") as raised:
        open_store("redis:/:topsecret@cache:6379/0?x=http://y")
    assert "topsecret" not in str(raised.value)


def test_attributes_service_names_only_the_type_of_what_is_no_store() -> None:
    # Its repr was in the message: a client or settings object's repr may hold a password.
    class Settings:
        def __repr__(self) -> str:
            return "Settings(password='hunter2')"

    with pytest.raises(ConfigurationError, match="not a store") as raised:
        attributes_service(Settings())  # type: ignore[arg-type]
    assert "hunter2" not in str(raised.value)
    assert "a Settings" in str(raised.value)


@pytest.mark.anyio
async def test_a_sqlite_file_deleted_while_open_is_made_afresh_not_written_unseen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The pooled connections went on writing to the deleted file: every later save was lost,
    # without a word, for whoever opened the path (another worker, the next restart).
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    await store.update("user", {"old": 1}, ())
    for name in ("attributes.db", "attributes.db-wal", "attributes.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.update("user", {"new": 2}, ())
    assert "was deleted while the store had it open" in caplog.text
    assert await store.load("user") == {"new": 2}
    other = SQLiteStore(path)
    assert await other.load("user") == {"new": 2}
    await other.aclose()
    await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_file_replaced_while_open_is_the_one_read_and_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A backup restored over the file (os.replace): the store read and wrote the old one.
    path = tmp_path / "attributes.db"
    backup = SQLiteStore(tmp_path / "backup.db")
    await backup.update("user", {"restored": True}, ())
    await backup.aclose()
    store = SQLiteStore(path)
    await store.update("user", {"lost": 1}, ())
    os.replace(tmp_path / "backup.db", path)
    for name in ("attributes.db-wal", "attributes.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {"restored": True}
    assert "was replaced while the store had it open" in caplog.text
    assert "-wal and -shm files removed" in caplog.text
    await store.update("user", {"after": 2}, ())
    other = SQLiteStore(path)
    assert await other.load("user") == {"restored": True, "after": 2}
    await other.aclose()
    await store.aclose()


@pytest.mark.anyio
async def test_every_store_refuses_empty_names_and_keys_in_the_same_words(store: Store) -> None:
    # DynamoDB refused an empty attribute name, the other stores kept it; an empty key was
    # taken by all but DynamoDB's loads: a skill moved to DynamoDB found its saves refused.
    await store.update("user", {"kept": 1}, ())
    for changes, deleted, increments in (({"": 1}, (), None), ({}, [""], None), ({}, (), {"": 1})):
        with pytest.raises(ResponseError, match=r"^attribute '' cannot be saved: attribute names"):
            await store.update("user", changes, deleted, increments=increments)  # type: ignore[call-arg]
    with pytest.raises(ResponseError, match="under an empty key"):
        await store.update("", {"a": 1}, ())
    assert await store.load("") == {}
    assert await store.load("user") == {"kept": 1}  # a refused save writes nothing


@pytest.mark.parametrize("kind", ["sqlite", "redis", "dynamodb"])
def test_person_attributes_from_a_second_store_of_the_skills_database_are_one_item(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # attributes_service(url) opens a store of its own: given the skill's URL, it was a second
    # store over one file, not taken for the skill's, so without a speaker each kind loaded and
    # saved its own copy of the user's item: an increment set over in the other was added on
    # top of the value set (11 stored, not 10), and two increments each said 1.
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'attributes.db'}"
    elif kind == "redis":
        url = request.getfixturevalue("redis_url")
    else:
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        table = f"attributes-{uuid.uuid4().hex}"
        url = f"dynamodb://{table}?endpoint_url={endpoint}&create_table=true&timeout=30"
    skill = Skill(SKILL_ID, store=url)
    second = attributes_service(url, per_person=True)
    skill.add_service(PersonAttributes, *second)

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        return speak(f"{attributes.increment('visits')} {person.increment('visits')}")

    @skill.intent("Rename")
    def rename(person: PersonAttributes, attributes: Attributes) -> Response:
        attributes.increment("visits")
        person["visits"] = 10  # replaces the increment, in both
        return speak(f"{person['visits']} {attributes['visits']}")

    user = f"user-{uuid.uuid4().hex}"  # one Redis serves the session's tests
    try:
        assert _speech(_answer(skill, _envelope(user, intent="Visit"))) == "1 2"
        assert anyio.run(skill.store.load, user) == {"visits": 2}
        assert _speech(_answer(skill, _envelope(user, intent="Rename"))) == "10 10"
        assert anyio.run(skill.store.load, user) == {"visits": 10}
    finally:
        anyio.run(skill.store.aclose)


def test_stores_of_other_files_or_memory_are_never_taken_for_one_database(tmp_path: Path) -> None:
    from alexaskill.store.attributes import _one_database

    one = SQLiteStore(tmp_path / "one.db")
    assert _one_database(one, SQLiteStore(tmp_path / "one.db"))
    assert not _one_database(one, SQLiteStore(tmp_path / "two.db"))
    assert not _one_database(MemoryStore(), MemoryStore())
    memory = MemoryStore()
    assert _one_database(memory, memory)


@pytest.mark.parametrize("given", [b"/tmp/attributes.db", 5, None])
def test_a_store_made_from_what_is_no_path_or_url_says_so(given: Any) -> None:
    # SQLiteStore(b"…") and RedisStore(None) raised TypeErrors about startswith and bytes-like
    # objects, naming neither the store nor what it wanted.
    with pytest.raises(ConfigurationError, match=r"SQLiteStore: the path is a str"):
        SQLiteStore(given)
    with pytest.raises(ConfigurationError, match=r"RedisStore: the URL is a string"):
        RedisStore(given)


@pytest.mark.anyio
async def test_a_sqlite_file_deleted_after_the_store_closed_is_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Closed (a test client's end), the store had no connection to the file: a test deleting
    # it before the next one is no file "deleted while the store had it open". And the next
    # load failed, "no such table": the store had set the file up once, and never again.
    store = SQLiteStore(tmp_path / "attributes.db")
    await store.update("user", {"old": 1}, ())
    await store.aclose()
    for name in ("attributes.db", "attributes.db-wal", "attributes.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {}
    assert "while the store had it open" not in caplog.text
    await store.aclose()


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
    values: dict[str, Any] = {
        "s": "text",
        "b": True,
        "z": None,
        "l": [1],
        "d": {"a": 1},
        "f": 1.5,
    }
    await store.update("user", values, ())
    for name, value in values.items():
        if name == "f" and isinstance(store, DynamoDBStore):
            continue  # a number to DynamoDB, which adds to it
        kind = type(value).__name__
        with pytest.raises(ResponseError, match=f"^attribute '{name}' holds {kind}: not incr"):
            await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
    assert await store.load("user") == values


@pytest.mark.parametrize(
    "url", ["sqlite:////srv/skill.db?timeout=10", "sqlite:///skill.db?", "sqlite:///a.db?x"]
)
def test_a_sqlite_url_with_options_says_it_takes_none(url: str) -> None:
    # The message said to write sqlite:///relative.db or sqlite:////abs/path.db, the form the
    # URL already had: the query was the fault, and the timeout is the store's own option.
    with pytest.raises(ConfigurationError, match=r"takes no options .*SQLiteStore\("):
        open_store(url)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///skill.db\n", "sqlite:///skill.db ", "sqlite:/// skill.db", "sqlite:///a\tb.db"],
)
def test_a_sqlite_url_whose_path_has_white_space_at_an_end_is_refused(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken: ALEXASKILL_STORE read from a file with its newline made "skill.db\n", another
    # file than skill.db, in silence; a restart with the URL fixed found none of its data.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match="white space, or holds a control character"):
        open_store(url)
    assert list(tmp_path.iterdir()) == []
    assert isinstance(open_store("sqlite:///my skill.db"), SQLiteStore)  # inner spaces are fine


@pytest.mark.anyio
async def test_a_late_stat_of_the_file_replaced_is_no_second_replacement(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two threads stat the path around a replacement: the one that saw the old file took the
    # lock second, called the new file "replaced" by the old one (a second warning, the pool
    # closed again) and kept the old file's identity, so the next call warned a third time.
    from alexaskill.store import sqlite as sqlite_module
    from alexaskill.store.sqlite_file import _identity

    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    await store.update("user", {"old": 1}, ())
    stale = _identity(str(path))
    os.replace(path, tmp_path / "moved.db")
    for name in ("attributes.db-wal", "attributes.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    restored = SQLiteStore(path)
    await restored.update("user", {"new": 2}, ())
    await restored.aclose()
    real = _identity
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {"new": 2}  # the replacement seen: one warning
        late = iter([stale])  # the next call's stat, taken before the replacement
        monkeypatch.setattr(sqlite_module, "_identity", lambda p: next(late, None) or real(p))
        assert await store.load("user") == {"new": 2}
        assert await store.load("user") == {"new": 2}
    assert caplog.text.count("while the store had it open") == 1
    await store.aclose()


@pytest.mark.anyio
async def test_a_file_deleted_while_another_call_sets_it_up_is_set_up_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call setting the old file up (its table) finished after another had seen the file
    # deleted and forgotten it: it marked the store set up, so the new file never got its table
    # and every call failed "no such table".
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    await store.update("user", {"old": 1}, ())
    await store.aclose()  # the next connection sets the file up again
    set_up = SQLiteStore._set_up

    def deleted_meanwhile(self: SQLiteStore, connection: sqlite3.Connection) -> None:
        set_up(self, connection)
        monkeypatch.setattr(SQLiteStore, "_set_up", set_up)
        for name in ("attributes.db", "attributes.db-wal", "attributes.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        with self._lock:  # what another thread's call does on seeing the file gone
            self._forget_file(deleted=True)
            self._file = None

    monkeypatch.setattr(SQLiteStore, "_set_up", deleted_meanwhile)
    assert await store.load("user") == {"old": 1}  # read from the file it had open
    assert await store.load("user") == {}
    await store.update("user", {"new": 2}, ())
    assert await store.load("user") == {"new": 2}
    await store.aclose()


@pytest.mark.anyio
async def test_a_backup_restored_through_sqlite_while_serving_is_read_and_kept(
    tmp_path: Path,
) -> None:
    # A backup copied over the file in place (cp, the same inode) is seen by no one while the
    # -wal holds pages: they were read over the copy's, and the next save failed "malformed"
    # (probed). The way the store's messages give, SQLite's backup API, is safe while serving.
    backup_path = tmp_path / "backup.db"
    backup = SQLiteStore(backup_path)
    await backup.update("user", {"restored": True}, ())
    await backup.aclose()
    store = SQLiteStore(tmp_path / "attributes.db")
    for i in range(20):
        await store.update(f"user{i}", {"lost": i, "pad": "x" * 300}, ())
    assert os.path.getsize(tmp_path / "attributes.db-wal") > 0  # the pages are in the -wal
    source = sqlite3.connect(backup_path)
    target = sqlite3.connect(tmp_path / "attributes.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    assert await store.load("user") == {"restored": True}
    assert await store.load("user3") == {}
    await store.update("user", {"after": 2}, ())
    await store.aclose()
    check = sqlite3.connect(tmp_path / "attributes.db")
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()
    other = SQLiteStore(tmp_path / "attributes.db")
    assert await other.load("user") == {"restored": True, "after": 2}
    await other.aclose()


@pytest.mark.anyio
async def test_a_damaged_or_replaced_sqlite_file_is_told_how_to_restore_safely(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The message said "restore it from a backup": copied over the file while the skill runs,
    # the old -wal's pages are read over the copy's, and it is damaged again.
    garbage = tmp_path / "garbage.db"
    broken = SQLiteStore(garbage)
    # Damaged once the store is made (a file no database when it is made is refused then).
    garbage.write_bytes(b"not a database at all " * 200)
    with pytest.raises(StoreError) as info:
        await broken.load("u")
    await broken.aclose()
    assert f"sqlite3 {garbage} '.restore BACKUP'" in str(info.value)
    assert "never copy a file over it while it is open" in str(info.value)
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    await store.update("user", {"old": 1}, ())
    fresh = SQLiteStore(tmp_path / "fresh.db")
    await fresh.update("user", {"new": 1}, ())
    await fresh.aclose()
    os.replace(tmp_path / "fresh.db", path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.load("user")
    assert "was replaced while the store had it open" in caplog.text
    assert f"sqlite3 {path} '.restore BACKUP'" in caplog.text
    await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_store_over_a_file_that_is_no_sqlite_database_is_refused_when_made(
    tmp_path: Path,
) -> None:
    # Taken: the first load or save of the first request failed ("file is not a database").
    garbage = tmp_path / "notes.txt"
    garbage.write_bytes(b"not a database at all " * 200)
    with pytest.raises(ConfigurationError, match=r"notes\.txt is not a SQLite database"):
        SQLiteStore(garbage)
    with pytest.raises(ConfigurationError, match=r"notes\.txt is not a SQLite database"):
        open_store(f"sqlite:///{garbage}")
    short = tmp_path / "short.db"
    short.write_bytes(b"x")
    with pytest.raises(ConfigurationError, match=r"short\.db is not a SQLite database"):
        SQLiteStore(short)
    # An empty file is taken (SQLite writes one on first use), as is a database, or none.
    empty = tmp_path / "empty.db"
    empty.touch()
    database = tmp_path / "real.db"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.close()
    for path in (empty, database, tmp_path / "new.db"):
        store = SQLiteStore(path)
        await store.update("user", {"a": 1}, ())
        assert await store.load("user") == {"a": 1}
        await store.aclose()


@pytest.mark.parametrize(
    "url",
    [
        # Accepted, then each load and save failed with Redis's "value is not an integer or out
        # of range" (no database this large can be), or "DB index is out of range".
        "redis://:hunter2@cache:6379/99999999999999999999",
        "redis://:hunter2@cache:6379/2147483648",
        "redis://:hunter2@cache:6379?db=-1",
        "redis://:hunter2@cache:6379?db=99999999999999999999",
        "unix://:hunter2@/run/redis.sock?db=-3",
        # A digit to str.isdigit, not to int(): redis-py read it as database 0, unsaid.
        "redis://:hunter2@cache:6379/²",
    ],
)
def test_a_redis_database_no_redis_can_have_is_refused_when_the_store_is_made(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis store URL: the database") as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


def test_a_redis_client_given_with_a_database_no_redis_can_have_is_refused() -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(host="cache", password="hunter2", db=-1)
    with pytest.raises(ConfigurationError, match=r"the client given.*database") as info:
        RedisStore("redis://cache", client=client)
    assert "hunter2" not in str(info.value)
    anyio.run(client.aclose)


@pytest.mark.anyio
async def test_a_redis_key_that_is_no_hash_is_said_so_with_what_to_do(redis_url: str) -> None:
    # Another program's value under the store's prefix (a SET of its own): the load and the
    # save failed with Redis's bare "WRONGTYPE Operation against a key holding the wrong kind
    # of value", the save's with the script's SHA and line besides.
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        await store._client.set(store.prefix + "user", "another program's")
        calls: list[Any] = [
            lambda: store.load("user"),
            lambda: store.update("user", {"a": 1}, ()),
            lambda: store.update("user", {}, (), increments={"a": 1}),
        ]
        for call in calls:
            with pytest.raises(StoreError) as info:
                await call()
            message = str(info.value)
            assert "is not a hash" in message, message
            assert f"prefix {store.prefix!r}" in message
            assert "script:" not in message and "user_script" not in message
            assert "'user'" not in message  # the key, a user id, is never said in full
        assert await store._client.get(store.prefix + "user") == b"another program's"
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_bytes_not_utf8_through_a_decoding_client_given_are_a_store_error(
    redis_url: str,
) -> None:
    # Another program's bytes, read through a client made with decode_responses=True: redis-py
    # raised UnicodeDecodeError out of the load, no StoreError: the log said "handler failed"
    # with a traceback, on every request of that user. (Through the store's own client, the
    # bytes reach the store, which says so already.)
    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    store = RedisStore(redis_url, prefix=prefix, client=client)
    try:
        await store.update("good", {"a": [1, 2]}, ())
        await client.hset(prefix + "user", "a", "1")
        raw = redis.asyncio.Redis.from_url(redis_url)
        await raw.hset(prefix + "user", "b", b"\xff\xfe")
        await raw.aclose()
        with pytest.raises(StoreError, match="not UTF-8") as info:
            await store.load("user")
        assert "decode_responses" in str(info.value)
        assert await store.load("good") == {"a": [1, 2]}  # the connection is still of use
        await store.update("user", {}, ["b"])  # deleting it mends the user
        assert await store.load("user") == {"a": 1}
    finally:
        await store.aclose()
        await client.aclose()


def test_a_redis_client_given_selecting_no_database_is_taken() -> None:
    # redis-py selects no database for db=None (database 0): not one to refuse.
    import redis.asyncio

    databases: list[Any] = [None, 0, "3"]
    for database in databases:
        client = redis.asyncio.Redis(host="cache", db=database)
        RedisStore("redis://cache", client=client)
        anyio.run(client.aclose)


@pytest.mark.parametrize(
    "url",
    ["redis://:hunter2@cache:6379?db=", "redis://:hunter2@cache:6379/?db=%20", "unix:///s?db="],
)
def test_a_redis_url_with_a_blank_database_option_is_refused(url: str) -> None:
    # redis-py skips a blank option: database 0, unsaid, where a variable meant to name one
    # (?db=$REDIS_DB) was empty.
    with pytest.raises(ConfigurationError, match="db= has no value") as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("text", ['"\\ud83d"', '["ok", {"k": "x\\uDC00"}]'])
async def test_a_stored_lone_surrogate_is_a_store_error_naming_it(
    kind: str, text: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # JSON another program wrote, half of an emoji's surrogate pair escaped (a string cut
    # short): it loaded, then the attributes made of it raised ResponseError "attribute
    # 'name' cannot be saved as JSON", a traceback on every request of that user.
    store = _json_store(kind, request, tmp_path)
    try:
        await _write_raw(store, "user", "name", text)
        with pytest.raises(StoreError, match=r"stored value of attribute 'name' is not JSON"):
            await Attributes.load(store, _envelope("user"))
        await store.update("user", {}, ["name"])  # deleting it mends it
        assert "name" not in (await Attributes.load(store, _envelope("user")))
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_file_replaced_beside_the_old_wal_is_warned_it_may_read_the_old_values(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A backup moved over the file while the skill runs, the old file's -wal left beside it:
    # SQLite reads that -wal's pages over the backup's (here the old values come back), and
    # the warning said the store "opens the file now at that path", as if the backup were read.
    path = tmp_path / "attributes.db"
    backup = SQLiteStore(tmp_path / "backup.db")
    await backup.update("user", {"restored": True}, ())
    await backup.aclose()
    store = SQLiteStore(path)
    await store.update("user", {"old": 1}, ())
    os.replace(tmp_path / "backup.db", path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.load("user")
    await store.aclose()
    assert "was replaced while the store had it open" in caplog.text
    assert f"the old file's -wal ({path}-wal) is still beside it" in caplog.text
    assert "may be the old file's or damaged" in caplog.text


@pytest.mark.anyio
async def test_a_tls_url_to_a_redis_without_tls_is_said_as_maybe_that(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # rediss:// to a Redis that speaks no TLS: the handshake gets no answer, and the line
    # asked whether Redis was "overloaded or stuck", never whether it speaks TLS.
    url = redis_url.replace("redis://", "rediss://") + "?ssl_cert_reqs=none"
    url += "&socket_connect_timeout=0.1&socket_timeout=0.1"  # never answered: 0.1 s shows it
    with caplog.at_level(logging.WARNING, logger="alexaskill.security"):
        store = RedisStore(url)
    try:
        with pytest.raises(StoreError) as info:
            await store.load("user")
    finally:
        await store.aclose()
    assert "rediss:// to a Redis that speaks no TLS?" in str(info.value)


class _ClosedCounting(MemoryStore):
    """A `MemoryStore` that counts its `aclose` calls."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def test_stores_of_attribute_services_are_closed_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # add_service(…, *attributes_service(url or factory)) opens a store of its own: the lifespan
    # closed skill.store only, and a Redis's or DynamoDB's connections were left to the GC.
    from alexaskill.testing import TestClient

    closed: list[str] = []

    async def aclose(self: SQLiteStore) -> None:
        closed.append(str(self.path))

    monkeypatch.setattr(SQLiteStore, "aclose", aclose)
    own, given, made = _ClosedCounting(), _ClosedCounting(), _ClosedCounting()

    def never() -> Store:
        raise AssertionError("a factory no request called is not called to close its store")

    skill = Skill(SKILL_ID, store=own)
    skill.add_service(Attributes, *attributes_service(f"sqlite:///{tmp_path}/url.db"))
    skill.add_service(PersonAttributes, *attributes_service(lambda: made, per_person=True))
    skill.add_service(DeviceAttributes, *attributes_service(given, per_device=True))
    skill.add_service(_ClosedCounting, *attributes_service(never))  # (no handler asks)

    @skill.launch
    def launch(one: Attributes, two: PersonAttributes, three: DeviceAttributes) -> Response:
        one["a"] = two["b"] = three["c"] = 1
        return speak("Hi.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Hi."
        assert closed == [] and (own.closed, made.closed, given.closed) == (0, 0, 0)
    assert closed == [str(tmp_path / "url.db")]
    assert (own.closed, made.closed, given.closed) == (1, 1, 1)


class _PlainDefStore:
    """A store of one's own with ``load`` written as a plain def."""

    def load(self, key: str) -> dict[str, Any]:
        return {}

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        pass

    async def aclose(self) -> None:
        pass


def test_a_store_with_a_method_that_is_a_plain_def_is_refused_when_called() -> None:
    # Taken, then every request that asked for attributes failed with Python's "object dict
    # can't be used in 'await' expression", which named neither the store nor the fix. Refused
    # at the call (not when given: a plain def may return a coroutine, `_DelegatingStore`).
    from alexaskill.testing import TestClient

    said = r"_PlainDefStore\.load returned dict, which is not awaitable \(a plain def\?\).*def load"
    for given in (_PlainDefStore(), "via attributes_service", "via a factory"):
        skill = Skill(SKILL_ID, store=given if isinstance(given, _PlainDefStore) else "memory://")  # type: ignore[arg-type]
        if given == "via attributes_service":
            skill.add_service(Attributes, *attributes_service(_PlainDefStore()))  # type: ignore[arg-type]
        elif given == "via a factory":
            skill.add_service(Attributes, *attributes_service(_PlainDefStore))  # type: ignore[arg-type]

        @skill.launch
        def launch(attributes: Attributes) -> Response:
            return speak("Hi.")

        with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
            client.launch()


def test_stores_whose_methods_return_awaitables_otherwise_are_taken(tmp_path: Path) -> None:
    # Not only async def: a def decorated by a wrapper (functools.wraps) of an async def, or
    # AsyncMock's; the stores here.
    import functools
    from unittest import mock

    def traced(method: Any) -> Any:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        return wrapper

    class Traced(MemoryStore):
        load = traced(MemoryStore.load)

    mocked = mock.Mock(load=mock.AsyncMock(), update=mock.AsyncMock(), aclose=mock.AsyncMock())
    stores: list[Any] = [Traced(), mocked, MemoryStore(), SQLiteStore(tmp_path / "s.db")]
    stores += [RedisStore("redis://127.0.0.1:1/0"), DynamoDBStore("skill", region="eu-west-1")]
    for store in stores:
        Skill(SKILL_ID, store=store)
        attributes_service(store)


def test_a_redis_6_script_error_for_a_key_that_is_no_hash_is_said_so_too() -> None:
    # Redis before 7 wraps an error a script's redis.call raised: the save's WRONGTYPE came as
    # "Error running script …: WRONGTYPE …", and was said as Redis's bare words, script and all.
    from redis.exceptions import ResponseError as RedisResponseError

    from alexaskill.store.redis_errors import _failure

    store = RedisStore("redis://127.0.0.1:1/0", prefix="skill:")
    text = (
        "ERR Error running script (call to f_0123456789abcdef0123456789abcdef01234567): "
        "@user_script:20: WRONGTYPE Operation against a key holding the wrong kind of value"
    )
    failure = _failure(store, "save", RedisResponseError(text))
    assert isinstance(failure, StoreError)
    assert "is not a hash" in str(failure) and "prefix 'skill:'" in str(failure)


class _DelegatingStore:
    """A store over another, its methods plain defs returning the other's coroutines."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def load(self, key: str) -> Any:
        self.calls.append("load")
        return self.inner.load(key)

    def update(self, key: str, changes: Any, deleted: Any, increments: Any = None) -> Any:
        self.calls.append("update")
        return self.inner.update(key, changes, deleted, increments=increments)  # type: ignore[call-arg]

    def aclose(self) -> Any:
        self.calls.append("aclose")
        return self.inner.aclose()


def test_a_store_whose_plain_defs_return_coroutines_is_taken_and_used(tmp_path: Path) -> None:
    # Valid Python to await, yet refused when given ("is a plain def"): a store wrapping
    # another (to log, to count, to route) could not be used.
    from alexaskill.testing import TestClient

    own, added = _DelegatingStore(MemoryStore()), _DelegatingStore(SQLiteStore(tmp_path / "a.db"))
    skill = Skill(SKILL_ID, store=own)
    skill.add_service(DeviceAttributes, *attributes_service(added, per_device=True))

    @skill.launch
    def launch(attributes: Attributes, device: DeviceAttributes) -> Response:
        device["room"] = "kitchen"
        return speak(f"Visit {attributes.increment('visits')}.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Visit 1."
        assert client.launch().speech == "Visit 2."
    assert own.calls == ["load", "update", "load", "update", "aclose"]
    assert added.calls == ["load", "update", "load", "aclose"]  # the second changed nothing
    stored = anyio.run(own.inner.load, client.factory.user_id)
    assert stored == {"visits": 2}


class _PlainDefUpdate(MemoryStore):
    def update(self, key: str, changes: Any, deleted: Any, increments: Any = None) -> None:  # type: ignore[override]
        pass


class _PlainDefClose(MemoryStore):
    def aclose(self) -> None:  # type: ignore[override]
        pass


def test_a_store_method_returning_nothing_to_await_is_named_when_called(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_PlainDefUpdate())  # type: ignore[arg-type]

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["seen"] = True
        return speak("Hi.")

    said = r"_PlainDefUpdate\.update returned NoneType, which is not awaitable.*async def update"
    with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
        client.launch()

    # At shutdown: logged, and the other stores closed still.
    skill = Skill(SKILL_ID, store=_PlainDefClose())  # type: ignore[arg-type]
    other = _ClosedCounting()
    skill.add_service(DeviceAttributes, *attributes_service(other, per_device=True))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="alexaskill"), TestClient(skill):
        pass
    assert other.closed == 1
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        record.getMessage()
        == f"closing the store _PlainDefClose of the skill at / ({SKILL_ID}) failed"
    )
    assert "_PlainDefClose.aclose returned NoneType" in caplog.text


class _FailingClose(MemoryStore):
    async def aclose(self) -> None:
        raise StoreError("the store's server is gone")


def test_a_store_failing_to_close_leaves_the_others_closed_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The first failure ended the shutdown: the lifespan failed, and the attribute services'
    # stores were never closed.
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_FailingClose())
    others = _ClosedCounting(), _ClosedCounting()
    skill.add_service(DeviceAttributes, *attributes_service(others[0], per_device=True))
    skill.add_service(PersonAttributes, *attributes_service(others[1], per_person=True))
    with caplog.at_level(logging.ERROR, logger="alexaskill"), TestClient(skill):
        pass
    assert [other.closed for other in others] == [1, 1]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        record.getMessage()
        == f"closing the store _FailingClose of the skill at / ({SKILL_ID}) failed"
    )
    assert "the store's server is gone" in caplog.text


def test_a_mounted_skill_s_stores_are_closed_by_skill_aclose_in_the_host_s_lifespan() -> None:
    # A host app runs no lifespan of its skills': the stores of a skill.mount(…) were never
    # closed. The host closes them in its own lifespan.
    import contextlib

    from starlette.applications import Starlette
    from starlette.testclient import TestClient as HostClient

    own, added = _ClosedCounting(), _ClosedCounting()
    skill = Skill(SKILL_ID, store=own)
    skill.add_service(DeviceAttributes, *attributes_service(added, per_device=True))

    @skill.launch
    def launch() -> Response:
        return speak("Hi.")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await skill.aclose()

    host = Starlette(routes=[skill.mount("/weather")], lifespan=lifespan)
    with HostClient(host) as client:
        assert client.get("/weather/health").json() == {"status": "ok"}
        assert (own.closed, added.closed) == (0, 0)
    assert (own.closed, added.closed) == (1, 1)


def test_a_sqlite_attribute_name_stored_as_a_blob_is_a_store_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Another program's row whose name is a BLOB came back as a bytes key: the handler's
    # Attributes then failed as "attribute names are strings, not bytes" (a ResponseError, with
    # a traceback), as if the handler had set it.
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    store = SQLiteStore(tmp_path / "attributes.db")
    skill = Skill(SKILL_ID, store=store)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        return speak("Hi.")

    client = TestClient(skill, raise_handler_errors=False)
    anyio.run(_write_raw, store, client.factory.user_id, "other", "1")
    with sqlite3.connect(store.path) as connection:
        row = (client.factory.user_id, b"\xffname", "1")
        connection.execute("INSERT INTO alexaskill_attributes VALUES (?, ?, ?)", row)
    connection.close()
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        assert client.launch().speech == APOLOGY
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert "a stored attribute name is not text (b'\\xffname')" in record.getMessage()
    with pytest.raises(StoreError, match="not text"):
        anyio.run(store.load, client.factory.user_id)


def test_a_store_factory_that_cannot_make_a_store_is_refused_when_given() -> None:
    # An async def factory was called and its coroutine called "not a store" at the first
    # request (and left never awaited, a RuntimeWarning); a store's class that needs arguments
    # (taken as a factory) failed each request with Python's "missing 1 required positional
    # argument".
    import warnings

    async def make() -> Store:
        return MemoryStore()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no coroutine made, none left unawaited
        with pytest.raises(ConfigurationError, match=r"the store factory make is an async def"):
            attributes_service(make)  # type: ignore[arg-type]
    said = r"the store factory SQLiteStore takes arguments.*give a store, SQLiteStore\(…\)"
    with pytest.raises(ConfigurationError, match=said):
        attributes_service(SQLiteStore)  # type: ignore[arg-type]
    attributes_service(MemoryStore)  # a class that needs none is a factory still

    def defaults(path: str = "x.db") -> Store:
        return SQLiteStore(path)

    attributes_service(defaults)


def test_a_store_load_returning_no_dict_of_named_values_is_named() -> None:
    # A store of one's own returning what is no dict failed in dict() ("'int' object is not
    # iterable"), and a name that is no string as if the handler had set it (ResponseError).
    from alexaskill.testing import TestClient

    for returned, said in (
        (5, r"_Loading\.load returned int, not a dict of the attributes stored"),
        ("abc", r"_Loading\.load returned str, not a dict"),
        ({1: "a"}, r"_Loading\.load returned the attribute name 1 \(int\): names are strings"),
    ):

        class _Loading(MemoryStore):
            async def load(self, key: str, returned: Any = returned) -> Any:
                return returned

        skill = Skill(SKILL_ID, store=_Loading())

        @skill.launch
        def launch(attributes: Attributes) -> Response:
            return speak("Hi.")

        with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
            client.launch()


def test_a_mounted_skill_s_aclose_says_the_counts_its_warnings_had_yet_to_say(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Said at the end of a skill's own lifespan; a mounted skill's counts were lost at shutdown.
    import contextlib

    from starlette.applications import Starlette
    from starlette.testclient import TestClient as HostClient

    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_call_later", lambda *args: None)  # no timer says them
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # nor a window that ends
    skill = Skill(SKILL_ID, store="memory://")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await skill.aclose()

    host = Starlette(routes=[skill.mount("/weather")], lifespan=lifespan)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), HostClient(host) as client:
        for _ in range(3):
            answer = client.post("/weather", json={})  # unsigned: refused
            assert answer.status_code == 400
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused request")]
    assert len(said) == 2 and "more" not in said[0]
    assert said[1] == "refused request: 2 more refused:certificate_url since the last such line"


def test_a_store_missing_a_method_is_told_which() -> None:
    # "a store has the methods load, update and aclose" left the author to find which one
    # their class lacked (aclose, for a store with nothing to release).
    class _NoClose:
        async def load(self, key: str) -> dict[str, Any]:
            return {}

        async def update(self, key: str, changes: Any, deleted: Any) -> None:
            pass

    said = r"_NoClose has no aclose \(nothing to release\? async def aclose\(self\): pass\)"
    with pytest.raises(ConfigurationError, match=said):
        Skill(SKILL_ID, store=_NoClose())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=said):
        attributes_service(_NoClose())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"the store factory returned _NoClose.*no aclose"):
        anyio.run(attributes_service(_NoClose)[0], None)  # type: ignore[arg-type]


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
async def test_every_store_refuses_an_increment_that_is_no_int_in_the_same_words(
    store: Store,
) -> None:
    # Called directly (a script of the skill's own), SQLite and memory stored a float increment
    # as the value (1.5: no integer to add to after), a str failed with a TypeError, and each
    # store said something else.
    await store.update("user", {"kept": 1}, ())
    for by in (1.5, True, "2", None):
        said = rf"^attribute 'n': an increment is an int, not {type(by).__name__}$"
        with pytest.raises(ResponseError, match=said):
            await store.update("user", {}, (), increments={"n": by})  # type: ignore[call-arg]
    assert await store.load("user") == {"kept": 1}

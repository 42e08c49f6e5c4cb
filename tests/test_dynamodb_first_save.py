"""DynamoDBStore: a user's first save, one UpdateItem when the load found no map.

The DynamoDB API is moto's server (``dynamodb_endpoint``, started by conftest.py on 127.0.0.1).
A save writes into the item's map; without one it makes the map whole, with a condition that
there is none (`saving._write`). Tried in that order, the first save of a user was two
UpdateItems carrying the same values, the first refused (on DynamoDB a refused conditional
write still consumes write capacity). When this store's load of the key found no map, the
whole map is tried first: one call; a map another request made meanwhile refuses it, and the
save goes into that map.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .dynamodb_shared import USER, botocore_client, new_table
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


def _counted(store: DynamoDBStore) -> list[str]:
    """The operations ``store`` sends from now on, in order (``update_item`` with its
    expression's first word: ``SET #a =`` making the map whole, else into it)."""
    sent: list[str] = []
    call = store._call

    async def counting(operation: str, adds: bool = False, **params: Any) -> dict[str, Any]:
        expression = params.get("UpdateExpression", "")
        sent.append("whole" if expression.startswith("SET #a = :m") else operation)
        return await call(operation, adds, **params)

    store._call = counting  # type: ignore[method-assign]
    return sent


@pytest.fixture
async def table(dynamodb_endpoint: str) -> AsyncIterator[str]:
    """A new table on moto's server, made."""
    name = new_table()
    made = DynamoDBStore(
        name, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    try:
        await made.ensure_table()
    finally:
        await made.aclose()
    yield name


def _store(table: str, endpoint: str) -> DynamoDBStore:
    return DynamoDBStore(table, endpoint_url=endpoint, timeout=MOTO_TIMEOUT)


@pytest.mark.anyio
@pytest.mark.parametrize("increments", [None, {"visits": 1}])
async def test_a_first_save_after_a_load_that_found_no_map_is_one_update_item(
    table: str, dynamodb_endpoint: str, increments: dict[str, int] | None
) -> None:
    store = _store(table, dynamodb_endpoint)
    try:
        sent = _counted(store)
        assert await store.load(USER) == {}
        await store.update(USER, {"color": "red"}, (), increments=increments)
        assert sent == ["get_item", "whole"]
        assert await store.load(USER) == {"color": "red", **(increments or {})}
        del sent[:]
        await store.update(USER, {"color": "blue"}, ())  # the map is there: into it
        assert sent == ["update_item"]
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_column_left_null_is_made_whole_in_one_update_item(
    table: str, dynamodb_endpoint: str
) -> None:
    # The ASK SDK's adapter writes NULL for attributes saved as None: a load finds no map.
    client = botocore_client(dynamodb_endpoint)
    store = _store(table, dynamodb_endpoint)
    try:
        client.put_item(TableName=table, Item={"id": {"S": USER}, "attributes": {"NULL": True}})
        sent = _counted(store)
        assert await store.load(USER) == {}
        await store.update(USER, {"color": "red"}, ())
        assert sent == ["get_item", "whole"]
        assert await store.load(USER) == {"color": "red"}
    finally:
        client.close()
        await store.aclose()


@pytest.mark.anyio
async def test_two_first_saves_of_one_user_keep_both_and_add_both_increments(
    table: str, dynamodb_endpoint: str
) -> None:
    # Two workers load the new user at once, both finding no map: the first makes it whole,
    # the second's whole map is refused (there is one now) and it writes into it instead.
    first, second = _store(table, dynamodb_endpoint), _store(table, dynamodb_endpoint)
    try:
        sent = _counted(second)
        assert await first.load(USER) == await second.load(USER) == {}
        await first.update(USER, {"color": "red"}, (), increments={"visits": 1})
        await second.update(USER, {"size": 2}, (), increments={"visits": 1})
        assert sent == ["get_item", "whole", "update_item"]
        assert await first.load(USER) == {"color": "red", "size": 2, "visits": 2}
    finally:
        await first.aclose()
        await second.aclose()


@pytest.mark.anyio
async def test_an_emptied_map_is_written_into_in_one_update_item(
    table: str, dynamodb_endpoint: str
) -> None:
    # A map with nothing left in it loads as {} too, but it is there: no whole map is tried.
    store = _store(table, dynamodb_endpoint)
    try:
        await store.update(USER, {"color": "red"}, ())
        await store.update(USER, {}, ["color"])
        sent = _counted(store)
        assert await store.load(USER) == {}
        await store.update(USER, {"color": "blue"}, ())
        assert sent == ["get_item", "update_item"]
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize(("meddled", "saved"), [(4, True), (5, False)])
async def test_a_refused_first_write_is_not_one_of_the_saves_rounds(
    table: str, dynamodb_endpoint: str, meddled: int, saved: bool
) -> None:
    # The whole map a worker wrote first, refused (another worker made the map meanwhile), took
    # one of the save's 5 rounds, though it was no conflict of the save's: four more refusals
    # into the map (here, workers with clocks ahead saving in between), and the save gave up.
    store, other = _store(table, dynamodb_endpoint), _store(table, dynamodb_endpoint)
    client = botocore_client(dynamodb_endpoint)
    call = store._call
    left = [meddled]

    async def meddling(operation: str, adds: bool = False, **params: Any) -> dict[str, Any]:
        if params.get("UpdateExpression", "").startswith("SET #w = :t, #a.") and left[0]:
            left[0] -= 1
            ahead = (time.time_ns() // 1000) + int(2 * MOTO_TIMEOUT * 1e6)
            client.update_item(
                TableName=table,
                Key={"id": {"S": USER}},
                UpdateExpression="SET alexaskill_saved_at = :t",
                ExpressionAttributeValues={":t": {"N": str(ahead)}},
            )
        return await call(operation, adds, **params)

    store._call = meddling  # type: ignore[method-assign]
    try:
        assert await store.load(USER) == {}
        await other.update(USER, {"size": 2}, ())  # the map, made first
        if saved:
            await store.update(USER, {"color": "red"}, ())
            assert await other.load(USER) == {"size": 2, "color": "red"}
        else:  # the bound on rounds holds still
            with pytest.raises(StoreError, match="kept changing"):
                await store.update(USER, {"color": "red"}, ())
        assert left == [0]
    finally:
        client.close()
        await store.aclose()
        await other.aclose()


@pytest.mark.anyio
async def test_a_load_again_of_a_key_noted_keeps_the_others_noted_when_full(
    table: str, dynamodb_endpoint: str
) -> None:
    # The keys loaded without a map are noted, 1,024 at most, all forgotten when one more
    # comes: a key noted already, loaded again (a second launch that saved nothing), cleared
    # them all, and the first save of each of the others was two calls again.
    from alexaskill.dynamodb.store import _NO_MAP_KEPT

    store = _store(table, dynamodb_endpoint)
    try:
        sent = _counted(store)
        assert await store.load("other-user") == {}
        for n in range(_NO_MAP_KEPT - 2):  # (as as many loads of new users would note them)
            store._no_map[f"user-{n}"] = True
        assert await store.load(USER) == {}  # the last room taken
        assert await store.load(USER) == {}  # noted already: nothing forgotten
        del sent[:]
        await store.update("other-user", {"color": "red"}, ())
        assert sent == ["whole"]
    finally:
        await store.aclose()

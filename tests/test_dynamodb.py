"""DynamoDBStore: its layout, the values and numbers it keeps, its increments, its client.

The store contract (load, update, concurrency) runs for DynamoDB in test_store.py. The rest is
in test_dynamodb_*.py: its configuration (_config), secrets in an endpoint URL (_secrets),
AWS's errors (_errors), retries and writes that add (_retries), the table's making (_making), a
save's UpdateItem and DynamoDB's limits (_update_item), the UpdateItem a check keeps for the
save (_plans), a user's first save (_first_save), saves that arrive late (_late), the typed
values (_values), botocore's validation skipped (_validation), imports after the first call
(_imports), Amazon's ASK SDK adapter on the same table (_sdk). Here the DynamoDB API is moto's
server (``moto_endpoint``, started by conftest.py on 127.0.0.1), or a recording stand-in for a
client where nothing need be sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from alexaskill import DeviceAttributes, Skill, speak
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes, open_store

from .conftest import SKILL_ID
from .dynamodb_shared import (
    USER,
    botocore_client,
    envelope,
    new_table,
    table_keyed_by_user_id,
)
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


@pytest.fixture
async def store(dynamodb_endpoint: str) -> AsyncIterator[DynamoDBStore]:
    """A DynamoDBStore on a new table of moto's server."""
    made = DynamoDBStore(
        new_table(), endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    try:
        yield made
    finally:
        await made.aclose()


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_layout_is_the_ask_sdk_adapters_with_dynamodb_types(
    store: DynamoDBStore, dynamodb_endpoint: str
) -> None:
    await store.update(USER, {"visits": 3, "name": "Ada", "ok": True, "x": None}, ())
    await store.update(USER, {"ratio": 0.25, "cities": ["Paris", {"n": 2}]}, ["x"])
    client = botocore_client(dynamodb_endpoint)
    item = client.get_item(TableName=store.table, Key={"id": {"S": USER}})["Item"]
    client.close()
    saved_at = int(item.pop("alexaskill_saved_at")["N"])  # when last saved, in microseconds
    assert abs(saved_at / 1e6 - time.time()) < 3600
    assert item == {
        "id": {"S": USER},
        "attributes": {
            "M": {
                "visits": {"N": "3"},
                "name": {"S": "Ada"},
                "ok": {"BOOL": True},
                "ratio": {"N": "0.25"},
                "cities": {"L": [{"S": "Paris"}, {"M": {"n": {"N": "2"}}}]},
            }
        },
    }


@pytest.mark.anyio
async def test_named_key_and_column_and_other_columns_are_kept(dynamodb_endpoint: str) -> None:
    table, client = table_keyed_by_user_id(dynamodb_endpoint)
    # An item with a column of its own (a TTL, say) and no attributes yet.
    client.put_item(TableName=table, Item={"userId": {"S": USER}, "ttl": {"N": "1999999999"}})
    store = open_store(
        f"dynamodb://{table}?endpoint_url={dynamodb_endpoint}"
        f"&partition_key_name=userId&attribute_name=data&timeout={MOTO_TIMEOUT:g}"
    )
    try:
        assert await store.load(USER) == {}
        await store.update(USER, {"a": 1}, ())
        await store.update(USER, {"b": 2}, ["a"])
        assert await store.load(USER) == {"b": 2}
    finally:
        await store.aclose()
    item = client.get_item(TableName=table, Key={"userId": {"S": USER}})["Item"]
    client.close()
    assert item.pop("alexaskill_saved_at")
    assert item == {
        "userId": {"S": USER},
        "ttl": {"N": "1999999999"},
        "data": {"M": {"b": {"N": "2"}}},
    }


@pytest.mark.anyio
async def test_an_attributes_column_that_is_null_is_replaced_by_the_first_save(
    store: DynamoDBStore, dynamodb_endpoint: str
) -> None:
    # The ASK SDK's adapter writes NULL for attributes saved as None, and a load reads it as
    # {}; but a save wrote into it as into a map (its condition, attribute_exists, holds for a
    # NULL): moto kept the NULL and answered OK (the save lost, the user's count for ever 1),
    # DynamoDB refuses the document path (every save the apology).
    await store.load(USER)  # the table exists
    client = botocore_client(dynamodb_endpoint)

    def null_item(user: str) -> None:
        item = {"id": {"S": user}, "attributes": {"NULL": True}, "ttl": {"N": "1999999999"}}
        client.put_item(TableName=store.table, Item=item)

    try:
        null_item(USER)
        assert await store.load(USER) == {}
        await store.update(USER, {"visits": 1}, ())
        assert await store.load(USER) == {"visits": 1}
        await store.update(USER, {}, (), increments={"visits": 2})
        assert await store.load(USER) == {"visits": 3}
        null_item("counter")
        await store.update("counter", {}, (), increments={"n": 5})
        assert await store.load("counter") == {"n": 5}
        null_item("removal")
        await store.update("removal", {}, ["gone"])  # nothing to remove: nothing written
        assert await store.load("removal") == {}
        item = client.get_item(TableName=store.table, Key={"id": {"S": USER}})["Item"]
        assert item["ttl"] == {"N": "1999999999"}  # the other columns stay
        # A column that is neither a map nor NULL is not overwritten by a save either.
        other = {"id": {"S": "text"}, "attributes": {"S": "not a map"}}
        client.put_item(TableName=store.table, Item=other)
        with pytest.raises(StoreError, match="'attributes' column of an item is an S, not a map"):
            await store.update("text", {"a": 1}, ())
        item = client.get_item(TableName=store.table, Key={"id": {"S": "text"}})["Item"]
        assert item == other
    finally:
        client.close()


@pytest.mark.anyio
async def test_values_the_sdk_may_have_written_that_json_cannot_hold(
    store: DynamoDBStore, dynamodb_endpoint: str
) -> None:
    await store.update(USER, {"placeholder": 0}, ())
    client = botocore_client(dynamodb_endpoint)
    client.update_item(
        TableName=store.table,
        Key={"id": {"S": USER}},
        UpdateExpression="SET #a.tags = :ss, #a.nums = :ns, #a.bytes = :b",
        ExpressionAttributeNames={"#a": "attributes"},
        ExpressionAttributeValues={
            ":ss": {"SS": ["a", "b"]},
            ":ns": {"NS": ["1", "2.5"]},
            ":b": {"B": b"\x00\xff"},
        },
    )
    client.close()
    loaded = await store.load(USER)
    assert sorted(loaded["tags"]) == ["a", "b"]
    assert sorted(loaded["nums"]) == [1, 2.5]
    assert loaded["bytes"] == "AP8="


@pytest.mark.anyio
async def test_numbers_whole_floats_and_dynamodb_limits(store: DynamoDBStore) -> None:
    values = {"big": 10**100, "exact": 12345678901234567890123456789012345678, "whole": 2.0}
    values |= {"tiny": 1e-120, "negative": -7.5, "zero": -0.0}
    await store.update(USER, values, ())
    loaded = await store.load(USER)
    assert loaded == values
    assert type(loaded["big"]) is int and type(loaded["exact"]) is int
    assert type(loaded["whole"]) is int  # a decimal in DynamoDB: whole numbers read as ints
    for bad in (1e300, 1e-200, 10**40 + 1):
        with pytest.raises(
            ResponseError, match=r"attribute 'bad' cannot be saved: bad\['deep'\]\[0\] is "
        ):
            await store.update(USER, {"fine": 1, "bad": {"deep": [bad]}}, ["big"])
    assert await store.load(USER) == loaded  # a refused save writes nothing


@pytest.mark.anyio
async def test_a_whole_number_of_more_than_38_digits_is_sent_as_its_38_at_most(
    store: DynamoDBStore,
) -> None:
    # 10**38 is 39 digits, one significant: within DynamoDB's 38, and sent as written when its
    # text was 40 characters or fewer. moto failed to read it back (HTTP 500 at GetItem), and so
    # does boto3's TypeDeserializer (38 digits, decimal.Rounded trapped) if DynamoDB gives it
    # back as sent; "1E+38" is the same number in one digit.
    from boto3.dynamodb.types import TypeDeserializer

    from alexaskill.dynamodb.values import _to_dynamodb_checked

    values = {"n": [10**38, -(10**38), 2 * 10**38 + 10**30, 10**38 - 1, -(10**39)]}
    typed = _to_dynamodb_checked("n", values["n"])
    assert [item["N"] for item in typed["L"]] == [
        "1E+38",
        "-1E+38",
        "2.00000001E+38",
        "9" * 38,
        "-1E+39",
    ]
    TypeDeserializer().deserialize(typed)  # (raised decimal.Rounded)
    await store.update(USER, values, ())
    assert await store.load(USER) == values


@pytest.mark.anyio
async def test_nesting_is_bounded_and_empty_names_refused(store: DynamoDBStore) -> None:
    deep: Any = "leaf"
    for _ in range(30):
        deep = [deep]
    await store.update(USER, {"deep": deep}, ())
    assert await store.load(USER) == {"deep": deep}
    with pytest.raises(ResponseError, match=r"attribute 'deeper'.*nests deeper"):
        await store.update(USER, {"deeper": [deep]}, ())
    with pytest.raises(ResponseError, match="names are not empty"):
        await store.update(USER, {"": 1}, ())


@pytest.mark.anyio
async def test_a_save_of_many_names_is_one_update_item_or_nothing(store: DynamoDBStore) -> None:
    # A save of more than 100 names went in steps of 100, each atomic alone: when a later step
    # was refused (an increment of a value another request had made a string meanwhile), the
    # earlier ones stayed written, though the user heard the apology. (150 names a save at most
    # here: moto's parser of update expressions recurses too deep beyond about 150 clauses.)
    await store.update(USER, {f"k{i}": i for i in range(150)}, ())
    assert await store.load(USER) == {f"k{i}": i for i in range(150)}
    await store.update(USER, {f"n{i}": i for i in range(30)}, [f"k{i}" for i in range(120)])
    expected: dict[str, Any] = {f"k{i}": i for i in range(120, 150)}
    expected |= {f"n{i}": i for i in range(30)}
    assert await store.load(USER) == expected
    await store.update(USER, {"counter": "reset by another device"}, ())
    expected["counter"] = "reset by another device"
    with pytest.raises(ResponseError, match="'counter' holds a str: not incremented"):
        await store.update(USER, {f"m{i}": i for i in range(140)}, (), increments={"counter": 1})
    assert await store.load(USER) == expected
    with pytest.raises(ResponseError, match="nothing was written"):
        await store.update(USER, {f"x{i}": i for i in range(400)}, ())
    assert await store.load(USER) == expected


@pytest.mark.anyio
async def test_an_increment_of_a_value_no_attribute_holds_names_its_kind(
    store: DynamoDBStore, dynamodb_endpoint: str
) -> None:
    # The refusal of an increment of a value that is no number decoded the whole value to name
    # its type: one a stand-in keeps nested past 30 levels raised the store's private _Unheld,
    # a traceback, where a list's refusal is "holds list: not incremented".
    await store.update(USER, {"other": 1}, ())
    deep: dict[str, Any] = {"L": []}
    for _ in range(40):
        deep = {"L": [deep]}
    client = botocore_client(dynamodb_endpoint)
    client.update_item(
        TableName=store.table,
        Key={"id": {"S": USER}},
        UpdateExpression="SET #a.#n = :v",
        ExpressionAttributeNames={"#a": "attributes", "#n": "n"},
        ExpressionAttributeValues={":v": deep},
    )
    client.close()
    with pytest.raises(ResponseError, match=r"^attribute 'n' holds a list: not incremented$"):
        await store.update(USER, {}, (), increments={"n": 1})


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "kind"),
    [
        # The type after its article, as the other stores say it ("holds list" was said).
        ({"SS": ["a"]}, "a list"),
        ({"B": b"\x00"}, "a str"),
        ({"BOOL": False}, "a bool"),
        ({"NULL": True}, "None"),
        (
            {"X": 1},
            "a value of unknown DynamoDB type 'X'",
        ),  # (one a stand-in or a later DynamoDB has)
    ],
)
async def test_an_increment_of_a_value_of_any_dynamodb_type_names_it(
    store: DynamoDBStore, monkeypatch: pytest.MonkeyPatch, stored: dict[str, Any], kind: str
) -> None:
    # A type tag the refusal's table lacked was "holds ?"; the table repeated the one loading
    # uses, and now is it. (moto keeps no unknown type: the item's state is read, then altered.)
    from alexaskill.dynamodb import saving

    await store.update(USER, {"n": "text"}, ())
    read = saving._state

    async def state(store: DynamoDBStore, key: str) -> tuple[dict[str, Any] | None, Any]:
        column, saved = await read(store, key)
        assert column is not None
        column["M"]["n"] = stored
        return column, saved

    monkeypatch.setattr(saving, "_state", state)
    with pytest.raises(ResponseError) as raised:
        await store.update(USER, {}, (), increments={"n": 1})
    assert str(raised.value) == f"attribute 'n' holds {kind}: not incremented"


@pytest.mark.anyio
async def test_increments_are_added_by_dynamodb_itself(store: DynamoDBStore) -> None:
    await store.update(USER, {}, (), increments={"new": 2})  # no item yet: created with 2
    await store.update(USER, {"ratio": 2.5, "text": "x"}, (), increments={"new": -3})
    assert await store.load(USER) == {"new": -1, "ratio": 2.5, "text": "x"}
    # DynamoDB cannot tell a whole number in a condition: a fractional one is added to too.
    await store.update(USER, {}, (), increments={"ratio": 1})
    assert (await store.load(USER))["ratio"] == 3.5
    with pytest.raises(ResponseError, match="'text' holds a str: not incremented"):
        await store.update(USER, {"other": 1}, (), increments={"text": 1, "new": 1})
    with pytest.raises(ResponseError, match="'new': increment"):
        await store.update(USER, {}, (), increments={"new": 10**40 + 1})
    assert await store.load(USER) == {"new": -1, "ratio": 3.5, "text": "x"}


@pytest.mark.anyio
async def test_a_name_both_changed_and_deleted_is_deleted(store: DynamoDBStore) -> None:
    await store.update(USER, {"a": 1, "b": 2}, ())
    await store.update(USER, {"a": 3}, ["a", "a", "b"])
    assert await store.load(USER) == {}


@pytest.mark.anyio
async def test_closed_store_releases_its_client_and_makes_another(dynamodb_endpoint: str) -> None:
    store = DynamoDBStore(
        new_table(), endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    await store.update(USER, {"a": 1}, ())
    await store.aclose()
    assert store._client is None
    assert await store.load(USER) == {"a": 1}  # a later call (the app served again) works
    await store.aclose()


@pytest.mark.anyio
async def test_ensure_table_creates_an_on_demand_table_once(dynamodb_endpoint: str) -> None:
    store = DynamoDBStore(
        new_table(), endpoint_url=dynamodb_endpoint, partition_key_name="pk", timeout=MOTO_TIMEOUT
    )
    with pytest.raises(StoreError, match="does not exist"):
        await store.load(USER)
    await store.ensure_table()
    await store.ensure_table()  # it exists: nothing to do
    await store.update(USER, {"a": 1}, ())
    assert await store.load(USER) == {"a": 1}
    await store.aclose()
    client = botocore_client(dynamodb_endpoint)
    table = client.describe_table(TableName=store.table)["Table"]
    client.close()
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TableStatus"] == "ACTIVE"


@pytest.mark.anyio
async def test_a_client_of_ones_own_is_used_and_left_open(dynamodb_endpoint: str) -> None:
    client = botocore_client(dynamodb_endpoint)
    store = DynamoDBStore(new_table(), client=client, create_table=True, timeout=MOTO_TIMEOUT)
    await store.update(USER, {"a": 1}, ())
    await store.aclose()
    item = client.get_item(TableName=store.table, Key={"id": {"S": USER}})["Item"]
    assert item["attributes"] == {"M": {"a": {"N": "1"}}}
    await store.update(USER, {"b": 2}, ())  # the app served again: still the client given
    assert store._client is client
    client.close()


# --- Amazon's ASK SDK adapter and this store on one table --------------------------------------


def test_device_attributes_through_the_skill_are_per_device(dynamodb_endpoint: str) -> None:
    skill = Skill(
        SKILL_ID,
        store=f"dynamodb://{new_table()}?endpoint_url={dynamodb_endpoint}&create_table=true"
        f"&timeout={MOTO_TIMEOUT:g}",  # not the default 3 s: moto answers slowly when loaded
    )

    @skill.intent("GetWeather")
    def weather(room: DeviceAttributes, attributes: Attributes) -> Response:
        room["n"] = room.get("n", 0) + 1
        attributes["n"] = attributes.get("n", 0) + 1
        return speak(f"{room['n']} {attributes['n']}")

    def say(device: str) -> str:
        body = json.loads(anyio.run(skill.answer, envelope(device=device)))
        text: str = body["response"]["outputSpeech"]["text"]
        return text

    assert [say("kitchen"), say("kitchen"), say("bedroom")] == ["1 1", "2 2", "1 3"]
    anyio.run(skill.store.aclose)


# --- DynamoDB's expression limits --------------------------------------------------------------


# --- a call's own cost -------------------------------------------------------------------------

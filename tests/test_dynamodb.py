"""DynamoDBStore: its layout, its limits, and Amazon's ASK SDK adapter on one table.

The store contract (load, update, concurrency) runs for DynamoDB in test_store.py, its
configuration in test_dynamodb_config.py, AWS's errors in test_dynamodb_errors.py. Here the
DynamoDB API is moto's server (``moto_endpoint``, started by conftest.py on 127.0.0.1), or a
recording stand-in for a client where nothing need be sent.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, ClassVar

import anyio
import pytest

from alexaskill import DeviceAttributes, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes, open_store

from .conftest import SKILL_ID
from .dynamodb_shared import (
    DEVICE,
    USER,
    botocore_client,
    envelope,
    event_dict,
    new_table,
    table_keyed_by_user_id,
)
from .fake_dynamodb import RecordingClient
from .store_shared import MOTO_TIMEOUT


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
        with pytest.raises(StoreError, match="'attributes' column of an item is a S, not a map"):
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
    with pytest.raises(ResponseError, match="'counter' holds str: not incremented"):
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
    with pytest.raises(ResponseError, match=r"^attribute 'n' holds list: not incremented$"):
        await store.update(USER, {}, (), increments={"n": 1})


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "kind"),
    [
        ({"SS": ["a"]}, "list"),
        ({"B": b"\x00"}, "str"),
        ({"BOOL": False}, "bool"),
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
    with pytest.raises(ResponseError, match="'text' holds str: not incremented"):
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


def _sdk_envelope(user: str = USER, device: str = DEVICE) -> Any:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(event_dict(user, device)), RequestEnvelope)


def _sdk_adapter(table: str, endpoint: str, *, by_device: bool = False, create: bool) -> Any:
    # The adapter's module builds a boto3 resource when imported (a default argument), so it
    # needs a region by then: aws_env has set AWS_DEFAULT_REGION.
    import boto3
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    from ask_sdk_dynamodb.partition_keygen import (
        device_id_partition_keygen,
        user_id_partition_keygen,
    )

    keygen = device_id_partition_keygen if by_device else user_id_partition_keygen
    return DynamoDbAdapter(
        table,
        create_table=create,
        partition_keygen=keygen,
        dynamodb_resource=boto3.resource("dynamodb", endpoint_url=endpoint),
    )


SDK_WRITES = {
    "visits": 3,
    "name": "Ada",
    "ratio": Decimal("0.25"),
    "flags": [True, None, ""],
    "nested": {"a": {"b": [1, "two"]}},
}
AS_JSON = SDK_WRITES | {"ratio": 0.25}


@pytest.mark.anyio
@pytest.mark.parametrize("by_device", [False, True], ids=["user-id", "device-id"])
async def test_what_the_ask_sdk_wrote_we_read_and_update(
    dynamodb_endpoint: str, by_device: bool
) -> None:
    table = new_table()
    sdk = _sdk_adapter(table, dynamodb_endpoint, by_device=by_device, create=True)
    sdk.save_attributes(_sdk_envelope(), SDK_WRITES)
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    kind: type[Attributes] | type[DeviceAttributes] = DeviceAttributes if by_device else Attributes
    attributes = await kind.load(store, envelope())
    assert dict(attributes) == AS_JSON
    attributes["visits"] += 1
    del attributes["flags"]
    assert await attributes.save()
    other = await (Attributes if by_device else DeviceAttributes).load(store, envelope())
    assert dict(other) == {}  # the other key scheme finds nothing there
    await store.aclose()
    read_back = sdk.get_attributes(_sdk_envelope())
    expected = {k: v for k, v in SDK_WRITES.items() if k != "flags"} | {"visits": 4}
    assert read_back == expected


@pytest.mark.anyio
@pytest.mark.parametrize("by_device", [False, True], ids=["user-id", "device-id"])
async def test_what_we_wrote_the_ask_sdk_reads_and_replaces(
    dynamodb_endpoint: str, by_device: bool
) -> None:
    table = new_table()
    store = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    kind: type[Attributes] | type[DeviceAttributes] = DeviceAttributes if by_device else Attributes
    attributes = await kind.load(store, envelope())
    attributes.update(AS_JSON)
    assert await attributes.save()
    sdk = _sdk_adapter(table, dynamodb_endpoint, by_device=by_device, create=False)
    read = sdk.get_attributes(_sdk_envelope())
    assert read == SDK_WRITES  # numbers come back as the Decimals boto3 makes
    sdk.save_attributes(_sdk_envelope(), {**read, "visits": read["visits"] + 1})
    assert dict(await kind.load(store, envelope())) == AS_JSON | {"visits": 4}
    await store.aclose()


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


@pytest.mark.parametrize(
    ("beyond", "why"),
    [
        (
            "number",
            "value is 1e+300, outside the numbers every store keeps (DynamoDB's: 38 significant "
            "digits, magnitude from 1E-130 to under 1E+126)",
        ),
        ("nesting", "value nests deeper than 30 levels, which no store keeps (DynamoDB cannot)"),
    ],
)
def test_two_kinds_of_attributes_one_beyond_dynamodb_save_neither(
    dynamodb_endpoint: str, beyond: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The device's value is JSON but beyond DynamoDB (a number out of its range, or nesting
    # too deep): refused, and the user's count, saved just before, stayed: the retry counted
    # twice. The apology and the ERROR line are this refusal's (not a timeout's, say).
    skill = Skill(
        SKILL_ID,
        store=f"dynamodb://{new_table()}?endpoint_url={dynamodb_endpoint}&create_table=true"
        f"&timeout={MOTO_TIMEOUT:g}",  # not the default 3 s: moto answers slowly when loaded
    )

    bad: Any = 1e300
    if beyond == "nesting":
        bad = "leaf"
        for _ in range(31):
            bad = [bad]

    @skill.intent("GetWeather")
    def weather(attributes: Attributes, room: DeviceAttributes) -> Response:
        attributes.increment("n")
        room["value"] = bad
        return speak("saved")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        body = json.loads(anyio.run(skill.answer, envelope()))
    assert body["response"]["outputSpeech"]["text"] == APOLOGY
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert f"attribute 'value' cannot be saved: {why}" in record.getMessage()
    assert anyio.run(skill.store.load, USER) == {}
    anyio.run(skill.store.aclose)


# --- DynamoDB's expression limits --------------------------------------------------------------


_OPERATORS = r"\b(?:AND|OR|NOT)\b|attribute_\w+|if_not_exists|[+=]"


@pytest.mark.parametrize(
    ("changes", "increments", "deleted", "fits"),
    [
        ({f"k{i}": i for i in range(200)}, {}, [], True),
        ({}, {}, [f"d{i}" for i in range(350)], True),
        ({}, {f"counter{i}": 1 for i in range(50)}, [], True),
        (
            {f"n{i}": i for i in range(40)},
            {f"c{i}": 1 for i in range(40)},
            [f"d{i}" for i in range(99)],
            True,
        ),
        ({f"k{i}": i for i in range(300)}, {}, [], False),
        ({}, {}, [f"d{i}" for i in range(500)], False),
        ({}, {f"counter{i}": 1 for i in range(150)}, [], False),
        ({f"name{i}": "x" * 10 for i in range(150)}, {f"c{i}": i for i in range(150)}, [], False),
    ],
)
@pytest.mark.anyio
async def test_a_save_is_one_update_item_within_dynamodbs_limits_or_refused(
    changes: dict[str, Any], increments: dict[str, int], deleted: list[str], fits: bool
) -> None:
    # DynamoDB refuses an expression over 4 KB or 300 operators. A save beyond them was sent
    # as several UpdateItems (not atomic); it is refused, writing nothing.
    import re

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    if not fits:
        with pytest.raises(ResponseError, match=r"more than one DynamoDB UpdateItem takes"):
            store.check_update(changes, deleted, increments)
        with pytest.raises(ResponseError, match=r"nothing was written.*one attribute"):
            await store.update(USER, changes, deleted, increments=increments)
        assert client.calls == []
        return
    store.check_update(changes, deleted, increments)
    await store.update(USER, changes, deleted, increments=increments)
    [call] = client.calls
    for expression in (call["UpdateExpression"], call["ConditionExpression"]):
        assert len(expression.encode()) <= 4096, len(expression.encode())
        assert len(re.findall(_OPERATORS, expression)) <= 300
    written = set(call["ExpressionAttributeNames"].values())
    assert written == {"attributes", "alexaskill_saved_at", *changes, *increments, *deleted}


@pytest.mark.anyio
async def test_a_save_that_alone_exceeds_400_kb_is_refused_before_it_is_sent() -> None:
    # DynamoDB refuses an item over 400 KB. A save whose own names and text are over it was
    # sent, then refused as a StoreError (a store failure, logged as one), and it passed
    # check_update: a handler's Attributes saved before its DeviceAttributes was refused.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    big = {"history": ["é" * 1000] * 210}  # 420,000 bytes of UTF-8 in the strings alone
    with pytest.raises(ResponseError, match=r"'history'.*400 KB"):
        store.check_update(big, ())
    with pytest.raises(ResponseError, match=r"400 KB.*nothing was written"):
        await store.update(USER, big, ())
    with pytest.raises(ResponseError, match="400 KB"):
        store.check_update({f"n{i}": "x" * 2000 for i in range(210)}, ())
    assert client.calls == []
    # What may fit is sent: DynamoDB measures the whole item, which the store does not know.
    fits = {"history": ["é" * 1000] * 190, "n": list(range(1000))}
    store.check_update(fits, ())
    await store.update(USER, fits, ())
    assert len(client.calls) == 1


_OUTSIDE = (
    "outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from "
    "1E-130 to under 1E+126)"
)


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"x": [1e300]}, f"bad['x'][0] is 1e+300, {_OUTSIDE}"),
        (-1e-131, f"bad is -1e-131, {_OUTSIDE}"),
        (10**38 + 1, f"bad is 100000000000000000000000000000000000001, {_OUTSIDE}"),
        (10**126, f"bad is 100000000000…(127 characters), {_OUTSIDE}"),
        (
            json.loads("[" * 31 + "]" * 31),
            "bad nests deeper than 30 levels, which no store keeps (DynamoDB cannot)",
        ),
        (
            [{"a": {"": 1}}],
            "bad[0]['a'] has the key '' (empty), and no store keeps an empty name "
            "(DynamoDB cannot)",
        ),
    ],
)
@pytest.mark.anyio
async def test_what_dynamodb_cannot_keep_is_refused_in_every_stores_words(
    bad: Any, said: str
) -> None:
    # DynamoDB's own checks of numbers, nesting and empty keys (dynamodb/values.py) ran after
    # every store's (store/base.py), which refuse the same values first: these are the words
    # said, in check_update as in update, and nothing is sent.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    with pytest.raises(ResponseError) as checked:
        store.check_update({"fine": 1, "bad": bad}, ())
    assert str(checked.value) == f"attribute 'bad' cannot be saved: {said}"
    with pytest.raises(ResponseError) as updated:
        await store.update(USER, {"fine": 1, "bad": bad}, ())
    assert str(updated.value) == str(checked.value)
    assert client.calls == []


@pytest.mark.anyio
async def test_a_value_holding_an_empty_dict_key_is_refused_before_it_is_sent() -> None:
    # DynamoDB refuses an empty attribute name at any depth, a map's key inside a value too
    # ("Empty attribute name"). Only an attribute named "" was refused: a dict with a key ""
    # was sent, then refused as a StoreError (a store failure), after check_update passed it.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    for value in ({"": 1}, [{"a": {"": "x"}}]):
        with pytest.raises(ResponseError, match=r"attribute 'prefs'.*key ''.*empty"):
            store.check_update({"prefs": value}, ())
        with pytest.raises(ResponseError, match=r"attribute 'prefs'.*key ''"):
            await store.update(USER, {"fine": 1, "prefs": value}, ())
    assert client.calls == []
    await store.update(USER, {"prefs": {" ": 1, "a": {"b": ""}}}, ())  # a blank key, an empty value
    assert len(client.calls) == 1


@pytest.mark.anyio
async def test_a_column_that_is_no_map_is_said_with_what_to_do() -> None:
    # Another program's column of the same name (a string, say) failed every load and save of
    # that user with "the 'attributes' column of an item is a S, not a map", and no word of
    # what to do about it.
    class OtherColumn(RecordingClient):
        def get_item(self, **params: Any) -> dict[str, Any]:
            self.calls.append(params)
            return {"Item": {"attributes": {"S": "v1"}}}

    store = DynamoDBStore("table", client=OtherColumn())
    with pytest.raises(StoreError) as info:
        await store.load(USER)
    message = str(info.value)
    assert "'attributes' column of an item is a S, not a map" in message
    assert "attribute_name=" in message


class _SlowTableClient(RecordingClient):
    """A stand-in client whose CreateTable returns once ``finish`` is set, the table ACTIVE."""

    def __init__(self) -> None:
        super().__init__()
        self.finish = threading.Event()

    def create_table(self, **params: Any) -> dict[str, Any]:
        self.finish.wait(30)
        return {}

    def describe_table(self, **params: Any) -> dict[str, Any]:
        return {"Table": {"TableStatus": "ACTIVE"}}


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_calls_waiting_for_the_table_are_woken_when_it_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The calls waiting for the thread making the client and table (create_table=true) slept
    # and looked again, the pause doubling up to 50 ms: they learnt it was made up to 50 ms
    # late (the first requests of a cold start) and woke twenty times a second meanwhile. How
    # late is no test's business here (shared machines); that they never sleep to look again is.
    client = _SlowTableClient()
    store = DynamoDBStore("table", client=client, create_table=True)
    pauses: list[float] = []
    sleep = anyio.sleep

    async def counted(delay: float) -> None:
        pauses.append(delay)
        await sleep(delay)

    monkeypatch.setattr(anyio, "sleep", counted)
    with anyio.fail_after(30):
        async with anyio.create_task_group() as tasks:
            for _ in range(3):
                tasks.start_soon(store.load, USER)
            while store._readying is None or store._readying.waiting < 3:
                await sleep(0.01)  # all three wait for the making, at their first pause if any
            client.finish.set()
    assert pauses == []
    assert len(client.calls) == 3  # each load was made, once the table was


# --- a call's own cost -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_call_runs_no_import_statement_of_anyio_after_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each load and save ran `import anyio` and `import anyio.to_thread` (microseconds each,
    # on the event loop's thread); they are looked up at the first call, as the SQLite store's.
    import builtins

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first: imports what it needs
    imported: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, globals: Any = None, *args: Any, **kwargs: Any) -> Any:
        if (globals or {}).get("__name__") == "alexaskill.dynamodb.store":
            imported.append(name)
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    await store.load(USER)
    await store.update(USER, {"n": 1}, ())
    monkeypatch.undo()
    assert [name for name in imported if name.startswith("anyio")] == []
    assert len(client.calls) == 3  # (each call was made)


@pytest.mark.anyio
async def test_a_call_after_the_first_reads_anyios_deadline_from_anyio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # anyio's functions were kept from the first call: an `anyio.move_on_after` set later (as
    # tests/test_dynamodb_late.py sets one, to give up on a held call) was never called, and
    # that file failed whenever a call of another test in its process had come first.
    import anyio

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first call
    deadlines: list[float | None] = []
    real = anyio.move_on_after

    def recording(delay: float | None, shield: bool = False) -> anyio.CancelScope:
        deadlines.append(delay)
        return real(delay, shield)

    monkeypatch.setattr(anyio, "move_on_after", recording)
    await store.load(USER)
    assert deadlines == [store.timeout]


@pytest.mark.anyio
async def test_a_call_runs_no_import_statement_of_botocore_after_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call ran `from botocore.exceptions import BotoCoreError, ClientError` in its worker
    # thread (and a write that adds, `from botocore.exceptions import ClientError` once more):
    # import statements at each call, for classes looked up once.
    import builtins

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first: imports what it needs
    await store.update(USER, {}, (), increments={"n": 1})
    imported: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, globals: Any = None, *args: Any, **kwargs: Any) -> Any:
        if (globals or {}).get("__name__", "").startswith("alexaskill.dynamodb"):
            imported.append(name)
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    await store.load(USER)
    await store.update(USER, {"n": 1}, ())
    await store.update(USER, {}, (), increments={"n": 1})
    monkeypatch.undo()
    assert [name for name in imported if name.startswith("botocore")] == []
    assert len(client.calls) == 5  # (each call was made)


@pytest.mark.anyio
async def test_a_call_after_the_first_reads_botocores_errors_from_botocore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore.exceptions is kept, not its classes: a ClientError set there after the first
    # call (as a test may set one) is the one a call's failure is taken for.
    import botocore.exceptions

    class Refused(Exception):
        operation_name = "GetItem"
        response: ClassVar = {"Error": {"Code": "AccessDeniedException", "Message": "not yours"}}

    class Refusing(RecordingClient):
        def get_item(self, **params: Any) -> dict[str, Any]:
            raise Refused("refused")

    store = DynamoDBStore("table", client=Refusing())
    await store.update(USER, {"n": 1}, ())  # the first call
    monkeypatch.setattr(botocore.exceptions, "ClientError", Refused)
    with pytest.raises(StoreError, match="AccessDenied"):
        await store.load(USER)

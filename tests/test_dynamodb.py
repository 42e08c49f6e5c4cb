"""DynamoDBStore: its layout, its limits, AWS's errors, and Amazon's ASK SDK adapter on one table.

The store contract (load, update, concurrency) runs for DynamoDB in test_store.py. Here the
DynamoDB API is moto's server (``moto_endpoint``, started by conftest.py on 127.0.0.1), except
for the errors moto cannot make (throttling, refusals, a server that never answers), which come
from a small fake DynamoDB (fake_dynamodb.py), also on 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import DeviceAttributes, Skill, speak
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, ResponseError, StoreError
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import Response
from alexaskill.store import Attributes, open_store

from .fake_dynamodb import (
    FakeDynamoDB,
    RecordingClient,
    clients_made,
    no_more_calls,
    one_attempt_store,
    threads_ended,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
USER = "amzn1.ask.account.TESTUSER"
DEVICE = "amzn1.ask.device.TESTDEVICE"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _table() -> str:
    return f"skill-{uuid.uuid4().hex}"


@pytest.fixture
async def store(dynamodb_endpoint: str) -> AsyncIterator[DynamoDBStore]:
    """A DynamoDBStore on a new table of moto's server."""
    made = DynamoDBStore(_table(), endpoint_url=dynamodb_endpoint, create_table=True, timeout=30)
    try:
        yield made
    finally:
        await made.aclose()


def _client(endpoint: str) -> Any:
    """A plain botocore client on moto, to look at what the store wrote."""
    import botocore.session

    return botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=endpoint
    )


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_layout_is_the_ask_sdk_adapters_with_dynamodb_types(
    store: DynamoDBStore, dynamodb_endpoint: str
) -> None:
    await store.update(USER, {"visits": 3, "name": "Ada", "ok": True, "x": None}, ())
    await store.update(USER, {"ratio": 0.25, "cities": ["Paris", {"n": 2}]}, ["x"])
    client = _client(dynamodb_endpoint)
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
    table = _table()
    client = _client(dynamodb_endpoint)
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # An item with a column of its own (a TTL, say) and no attributes yet.
    client.put_item(TableName=table, Item={"userId": {"S": USER}, "ttl": {"N": "1999999999"}})
    store = open_store(
        f"dynamodb://{table}?endpoint_url={dynamodb_endpoint}"
        "&partition_key_name=userId&attribute_name=data&timeout=30"
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
    client = _client(dynamodb_endpoint)

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
    client = _client(dynamodb_endpoint)
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
        with pytest.raises(ResponseError, match="attribute 'bad' cannot be saved in DynamoDB"):
            await store.update(USER, {"fine": 1, "bad": {"deep": [bad]}}, ["big"])
    assert await store.load(USER) == loaded  # a refused save writes nothing


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
    store = DynamoDBStore(_table(), endpoint_url=dynamodb_endpoint, create_table=True, timeout=30)
    await store.update(USER, {"a": 1}, ())
    await store.aclose()
    assert store._client is None
    assert await store.load(USER) == {"a": 1}  # a later call (the app served again) works
    await store.aclose()


@pytest.mark.anyio
async def test_ensure_table_creates_an_on_demand_table_once(dynamodb_endpoint: str) -> None:
    store = DynamoDBStore(
        _table(), endpoint_url=dynamodb_endpoint, partition_key_name="pk", timeout=30
    )
    with pytest.raises(StoreError, match="does not exist"):
        await store.load(USER)
    await store.ensure_table()
    await store.ensure_table()  # it exists: nothing to do
    await store.update(USER, {"a": 1}, ())
    assert await store.load(USER) == {"a": 1}
    await store.aclose()
    client = _client(dynamodb_endpoint)
    table = client.describe_table(TableName=store.table)["Table"]
    client.close()
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TableStatus"] == "ACTIVE"


@pytest.mark.anyio
async def test_a_client_of_ones_own_is_used_and_left_open(dynamodb_endpoint: str) -> None:
    client = _client(dynamodb_endpoint)
    store = DynamoDBStore(_table(), client=client, create_table=True, timeout=30)
    await store.update(USER, {"a": 1}, ())
    await store.aclose()
    item = client.get_item(TableName=store.table, Key={"id": {"S": USER}})["Item"]
    assert item["attributes"] == {"M": {"a": {"N": "1"}}}
    await store.update(USER, {"b": 2}, ())  # the app served again: still the client given
    assert store._client is client
    client.close()


# --- configuration -----------------------------------------------------------------------------


def test_open_store_reads_every_option() -> None:
    store = open_store(
        "dynamodb://my-skill.attributes?region=eu-west-1&endpoint_url=http://127.0.0.1:8000"
        "&partition_key_name=pk&attribute_name=data&create_table=true&timeout=1.5"
    )
    assert isinstance(store, DynamoDBStore)
    assert (store.table, store.region, store.endpoint_url) == (
        "my-skill.attributes",
        "eu-west-1",
        "http://127.0.0.1:8000",
    )
    assert (store.partition_key_name, store.attribute_name) == ("pk", "data")
    assert store.create_table is True and store.timeout == 1.5
    plain = open_store("dynamodb://skill")
    assert isinstance(plain, DynamoDBStore)
    assert (plain.partition_key_name, plain.attribute_name) == ("id", "attributes")
    assert plain.create_table is False and plain.region is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("dynamodb://", "write dynamodb://TABLE"),
        ("dynamodb://a/b", "write dynamodb://TABLE"),
        ("dynamodb://ab", "not a DynamoDB table name"),
        ("dynamodb://bad$name", "not a DynamoDB table name"),
        ("dynamodb://skill?regoin=us-east-1", "unknown option 'regoin'"),
        ("dynamodb://skill?region=a&region=b", "given twice"),
        ("dynamodb://skill?region=", "has no value"),
        ("dynamodb://skill?create_table=maybe", "not true or false"),
        ("dynamodb://skill?timeout=0", "not a number of seconds"),
        ("dynamodb://skill?timeout=soon", "not a number of seconds"),
        ("dynamodb://skill?endpoint_url=127.0.0.1:8000", "must start with http"),
        ("dynamodb://skill?attribute_name=id", "two non-empty names"),
    ],
)
def test_bad_urls_are_configuration_errors(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_store(url)


def test_without_botocore_the_store_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "botocore" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ConfigurationError, match=r"pip install 'alexaskill\[dynamodb\]'"):
        open_store("dynamodb://skill?region=us-east-1")


_LAZY = """
import sys
from alexaskill import Attributes, Skill, speak

skill = Skill("{skill_id}", store="dynamodb://{table}?endpoint_url={endpoint}&create_table=true")

@skill.intent("GetWeather")
def weather(attributes: Attributes):
    attributes["n"] = attributes.get("n", 0) + 1
    return speak(f"Visit {{attributes['n']}}.")

@skill.launch
def launch():
    return speak("Hello.")

handler = skill.lambda_handler
event = {event}
assert "botocore" not in sys.modules, "imported with the skill"
launch = dict(event, request=dict(event["request"], type="LaunchRequest"))
launch["request"].pop("intent")
handler(launch, None)
assert "botocore" not in sys.modules, "imported for a handler that uses no attributes"
answers = [handler(event, None) for _ in range(2)]
assert "botocore" in sys.modules
print(answers[-1]["response"]["outputSpeech"]["text"])
"""


def test_botocore_loads_on_first_use_only_and_lambda_keeps_attributes(
    dynamodb_endpoint: str,
) -> None:
    program = _LAZY.format(
        skill_id=SKILL_ID,
        table=_table(),
        endpoint=dynamodb_endpoint,
        event=repr(_event_dict()),
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Visit 2."


# --- AWS's errors: a clear line in the log, the apology, never a hang ----------------------------


@pytest.fixture
def fake_dynamodb(aws_env: None) -> Iterator[FakeDynamoDB]:
    fake = FakeDynamoDB()
    try:
        yield fake
    finally:
        fake.close()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (400, "ThrottlingException", "Rate exceeded", "throttled GetItem"),
        (400, "ProvisionedThroughputExceededException", "slow down", "throttled GetItem"),
        (
            400,
            "AccessDeniedException",
            "User: arn:aws:sts::1:assumed-role/skill is not authorized to perform: "
            "dynamodb:GetItem",
            "needs dynamodb:GetItem and dynamodb:UpdateItem",
        ),
        (
            400,
            "ValidationException",
            "Item size has exceeded the maximum allowed size",
            "exceed DynamoDB's 400 KB",
        ),
        (500, "InternalServerError", "oops", r"GetItem failed \(InternalServerError: oops\)"),
    ],
)
async def test_aws_errors_become_store_errors_that_say_what_to_do(
    fake_dynamodb: FakeDynamoDB, status: int, code: str, message: str, expected: str
) -> None:
    fake_dynamodb.error = (status, code, message)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError, match=expected):
        await store.load(USER)
    await store.aclose()
    retried = code in ("ThrottlingException", "ProvisionedThroughputExceededException")
    retried = retried or status == 500
    assert fake_dynamodb.calls == ["GetItem"] * (3 if retried else 1)


@pytest.mark.anyio
async def test_a_server_that_never_answers_costs_the_timeout(fake_dynamodb: FakeDynamoDB) -> None:
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    # One answered call first, so that the client exists (making it can take longer than 0.5 s
    # on a busy machine, and so can the fake's answer: tried again then); then the server stops
    # answering.
    await clients_made(fake_dynamodb, lambda: store.load(USER))
    with anyio.fail_after(30), pytest.raises(StoreError, match="no answer to UpdateItem within"):
        await store.update(USER, {"a": 1}, ())
    assert fake_dynamodb.calls[:1] == ["UpdateItem"]
    await store.aclose()


@pytest.mark.anyio
async def test_a_write_that_adds_is_never_sent_twice(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore retried an UpdateItem whose answer was lost (no answer in time, a 500) though
    # DynamoDB may have applied it: an increment was added twice (3 stored where 2 were due).
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    with anyio.fail_after(30), pytest.raises(StoreError, match="InternalServerError"):
        await store.update(USER, {"a": 1}, (), increments={"n": 1})
    assert fake_dynamodb.calls == ["UpdateItem"]
    fake_dynamodb.calls.clear()
    with anyio.fail_after(30), pytest.raises(StoreError, match="InternalServerError"):
        await store.update(USER, {"a": 1}, ())  # sets and removes: safe to repeat, retried
    assert fake_dynamodb.calls == ["UpdateItem"] * 3
    # Throttled: refused before anything was applied, so tried again, increments or not.
    fake_dynamodb.calls.clear()
    fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
    with anyio.fail_after(30), pytest.raises(StoreError, match="throttled UpdateItem"):
        await store.update(USER, {}, (), increments={"n": 1})
    assert fake_dynamodb.calls == ["UpdateItem"] * 3
    await store.aclose()

    # No answer within the timeout: the write is abandoned, and never sent again.
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    await clients_made(fake_dynamodb, lambda: store.update(USER, {}, (), increments={"n": 1}))
    ended = threads_ended(store, monkeypatch)
    with anyio.fail_after(30), pytest.raises(StoreError, match="may have been made"):
        await store.update(USER, {}, (), increments={"n": 1})
    await no_more_calls(fake_dynamodb, ended)  # botocore's read timeout (0.5 s) ends it
    assert fake_dynamodb.calls == ["UpdateItem"]
    await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("own_client", [True, False])
async def test_a_save_given_up_is_not_sent_again_after_the_apology(
    fake_dynamodb: FakeDynamoDB, own_client: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store gave up at its deadline (the user hears the apology) while botocore, in the
    # thread left behind, went on retrying the UpdateItem: applied after the apology, it could
    # overwrite what the user's next request saved meanwhile. A botocore read timeout longer
    # than the store's deadline keeps the first attempt hanging until the store has given up.
    import botocore.config
    import botocore.session

    config = botocore.config.Config
    monkeypatch.setattr(
        botocore.config, "Config", lambda **options: config(**{**options, "read_timeout": 20})
    )
    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=fake_dynamodb.url,
        config=config(read_timeout=20, retries={"mode": "standard", "total_max_attempts": 3}),
    )
    if own_client:
        store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    else:
        store = DynamoDBStore("skill", client=client, timeout=0.5)
    try:
        fake_dynamodb.error = (400, "ResourceNotFoundException", "no table")
        for _ in range(5):  # makes the client (slow on a loaded machine) before the deadline
            with anyio.fail_after(30), pytest.raises(StoreError) as refused:
                await store.load(USER)
            if "does not exist" in str(refused.value):
                break
        fake_dynamodb.calls.clear()
        fake_dynamodb.error = None  # the UpdateItem hangs
        ended = threads_ended(store, monkeypatch)
        with anyio.fail_after(30), pytest.raises(StoreError, match="may have been made"):
            await store.update(USER, {"a": 1}, ())
        # Given up. The hanging attempt now ends (the connection closes) and the server errs:
        # botocore retries both, unless told that nobody waits for the answer any more.
        fake_dynamodb.error = (500, "InternalServerError", "oops")
        fake_dynamodb.release.set()
        await no_more_calls(fake_dynamodb, ended)
        assert fake_dynamodb.calls == ["UpdateItem"]
    finally:
        await store.aclose()
        client.close()


@pytest.mark.anyio
async def test_a_read_timeout_says_the_write_may_have_been_made(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # botocore's read timeout (the store's timeout too) could fire before the store's own
    # deadline: the line then said "cannot reach DynamoDB", though the UpdateItem had reached
    # it and may have been applied. Here botocore's fires first, always.
    client, store = one_attempt_store(fake_dynamodb.url, read_timeout=0.3)
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "no answer to UpdateItem within" in message, message
        assert "(the write may have been made)" in message
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.load(USER)
        assert "no answer to GetItem within" in str(info.value)
        assert "may have been made" not in str(info.value)
    finally:
        client.close()


@pytest.mark.anyio
@pytest.mark.usefixtures("aws_env")
async def test_a_connection_closed_before_the_answer_is_said_so() -> None:
    # A server (or a proxy) that closes the connection once the request arrived: the write may
    # have been made, and the line says the connection closed, not that time ran out.
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client, store = one_attempt_store(f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "the connection closed before the answer to UpdateItem" in message, message
        assert "(the write may have been made)" in message
        assert "read timeout" not in message
    finally:
        client.close()
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.anyio
async def test_missing_table_no_credentials_no_region(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = DynamoDBStore("no-such-table", endpoint_url=dynamodb_endpoint, timeout=30)
    with pytest.raises(StoreError, match=r"'no-such-table' does not exist.*create_table=true"):
        await missing.load(USER)
    await missing.aclose()

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    anonymous = DynamoDBStore("skill", endpoint_url=dynamodb_endpoint, timeout=30)
    with pytest.raises(StoreError, match="no AWS credentials for GetItem"):
        await anonymous.load(USER)
    await anonymous.aclose()

    monkeypatch.delenv("AWS_DEFAULT_REGION")
    nowhere = DynamoDBStore("skill", timeout=30)
    with pytest.raises(StoreError, match=r"no AWS region.*\?region="):
        await nowhere.load(USER)
    await nowhere.aclose()


def test_the_skill_answers_a_store_error_with_the_apology_and_one_line(
    dynamodb_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(SKILL_ID, store=f"dynamodb://no-such-table?endpoint_url={dynamodb_endpoint}")

    @skill.intent("GetWeather")
    def weather(attributes: Attributes) -> Response:
        return speak("never")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        body = json.loads(anyio.run(skill.answer, _envelope()))
    assert "Sorry" in body["response"]["outputSpeech"]["text"]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert "IntentRequest GetWeather" in record.getMessage()
    assert "'no-such-table' does not exist" in record.getMessage()


# --- Amazon's ASK SDK adapter and this store on one table --------------------------------------


def _event_dict(user: str = USER, device: str = DEVICE) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_text())
    event = copy.deepcopy(event)
    event["context"]["System"]["user"]["userId"] = user
    event["session"]["user"]["userId"] = user
    event["context"]["System"]["device"]["deviceId"] = device
    return event


def _envelope(user: str = USER, device: str = DEVICE) -> Envelope:
    return decode_envelope(json.dumps(_event_dict(user, device)))


def _sdk_envelope(user: str = USER, device: str = DEVICE) -> Any:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(_event_dict(user, device)), RequestEnvelope)


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
    table = _table()
    sdk = _sdk_adapter(table, dynamodb_endpoint, by_device=by_device, create=True)
    sdk.save_attributes(_sdk_envelope(), SDK_WRITES)
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=30)
    kind: type[Attributes] | type[DeviceAttributes] = DeviceAttributes if by_device else Attributes
    attributes = await kind.load(store, _envelope())
    assert dict(attributes) == AS_JSON
    attributes["visits"] += 1
    del attributes["flags"]
    assert await attributes.save()
    other = await (Attributes if by_device else DeviceAttributes).load(store, _envelope())
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
    table = _table()
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=30)
    kind: type[Attributes] | type[DeviceAttributes] = DeviceAttributes if by_device else Attributes
    attributes = await kind.load(store, _envelope())
    attributes.update(AS_JSON)
    assert await attributes.save()
    sdk = _sdk_adapter(table, dynamodb_endpoint, by_device=by_device, create=False)
    read = sdk.get_attributes(_sdk_envelope())
    assert read == SDK_WRITES  # numbers come back as the Decimals boto3 makes
    sdk.save_attributes(_sdk_envelope(), {**read, "visits": read["visits"] + 1})
    assert dict(await kind.load(store, _envelope())) == AS_JSON | {"visits": 4}
    await store.aclose()


def test_device_attributes_through_the_skill_are_per_device(dynamodb_endpoint: str) -> None:
    skill = Skill(
        SKILL_ID,
        store=f"dynamodb://{_table()}?endpoint_url={dynamodb_endpoint}&create_table=true",
    )

    @skill.intent("GetWeather")
    def weather(room: DeviceAttributes, attributes: Attributes) -> Response:
        room["n"] = room.get("n", 0) + 1
        attributes["n"] = attributes.get("n", 0) + 1
        return speak(f"{room['n']} {attributes['n']}")

    def say(device: str) -> str:
        body = json.loads(anyio.run(skill.answer, _envelope(device=device)))
        text: str = body["response"]["outputSpeech"]["text"]
        return text

    assert [say("kitchen"), say("kitchen"), say("bedroom")] == ["1 1", "2 2", "1 3"]
    anyio.run(skill.store.aclose)


@pytest.mark.parametrize("beyond", ["number", "nesting"])
def test_two_kinds_of_attributes_one_beyond_dynamodb_save_neither(
    dynamodb_endpoint: str, beyond: str
) -> None:
    # The device's value is JSON but beyond DynamoDB (a number out of its range, or nesting
    # too deep): refused, and the user's count, saved just before, stayed: the retry counted
    # twice.
    skill = Skill(
        SKILL_ID,
        store=f"dynamodb://{_table()}?endpoint_url={dynamodb_endpoint}&create_table=true",
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

    body = json.loads(anyio.run(skill.answer, _envelope()))
    assert "Sorry" in body["response"]["outputSpeech"]["text"]
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


@pytest.mark.parametrize("timeout", [float("inf"), 1e308, 86401, "3", True, float("nan"), 0])
def test_a_timeout_botocore_cannot_keep_is_refused(timeout: Any) -> None:
    # inf and 1e308 were taken (the URL refused inf only), and every call then failed with
    # botocore's "timestamp out of range for platform time_t"; "3" raised a bare TypeError,
    # and True was taken as 1 s.
    with pytest.raises(ConfigurationError, match="DynamoDBStore: timeout"):
        DynamoDBStore("skill", region="us-east-1", timeout=timeout)
    if isinstance(timeout, float) and timeout > 0:
        with pytest.raises(ConfigurationError, match="timeout"):
            open_store(f"dynamodb://skill?region=us-east-1&timeout={timeout!r}")
    assert DynamoDBStore("skill", region="us-east-1", timeout=86400).timeout == 86400


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("partition_key_name", 5),
        ("attribute_name", b"attributes"),
        ("region", 5),
        ("endpoint_url", 8000),
        ("create_table", "yes"),
    ],
)
def test_an_option_of_the_wrong_type_is_refused_at_construction(option: str, value: object) -> None:
    # Taken: every call then failed on botocore's parameter check (endpoint_url: an
    # AttributeError out of the constructor instead of the ConfigurationError).
    options: dict[str, Any] = {option: value}
    with pytest.raises(ConfigurationError, match=f"DynamoDBStore: {option} must be .*not"):
        DynamoDBStore("skill-table", client=object(), **options)


@pytest.mark.parametrize("region", ["us east", "", "us-east-1 ", "-us-east-1", "eu_west_1"])
def test_a_region_botocore_refuses_is_refused_at_construction(region: str) -> None:
    # Taken: every load and save then failed with botocore's InvalidRegionError (a StoreError
    # each request), the skill having started fine.
    with pytest.raises(ConfigurationError, match="is not an AWS region name"):
        DynamoDBStore("skill-table", region=region)
    assert DynamoDBStore("skill-table", region="us-east-1").region == "us-east-1"


def test_a_store_url_region_botocore_refuses_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="is not an AWS region name"):
        open_store("dynamodb://skill-table?region=us%20east")


class _TableLike:
    """Shaped as boto3's ``Table`` (and its service resource): item methods without
    ``TableName``, and a ``meta`` that holds the client."""

    class meta:  # (boto3's attribute name)
        client = RecordingClient()

    def get_item(self, **params: Any) -> dict[str, Any]:
        raise AssertionError("not to be called")

    def update_item(self, **params: Any) -> dict[str, Any]:
        raise AssertionError("not to be called")


def test_a_client_that_is_not_a_dynamodb_client_is_refused_at_construction() -> None:
    # Taken: every load and save then failed with an AttributeError (or botocore's parameter
    # check, for a boto3 Table), not at start. The message names the type, never the value.
    with pytest.raises(ConfigurationError, match=r"boto3 resource \(_TableLike\).*meta\.client"):
        DynamoDBStore("skill", client=_TableLike())
    with pytest.raises(ConfigurationError, match=r"a str has no get_item, update_item$") as caught:
        DynamoDBStore("skill", client="SECRET-KEY")
    assert "SECRET" not in str(caught.value)
    with pytest.raises(ConfigurationError, match=r"has no describe_table, create_table$"):
        DynamoDBStore("skill", client=RecordingClient(), create_table=True)
    DynamoDBStore("skill", client=RecordingClient())  # a stand-in with what is called is fine

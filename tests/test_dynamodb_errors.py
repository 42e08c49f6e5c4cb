"""DynamoDBStore and the errors AWS answers with: a clear line in the log that says what to do,
the apology. (No answer, or one that is not DynamoDB's: test_dynamodb_no_answer.py.)

Errors moto cannot make (throttling, refusals) come from a small fake DynamoDB
(fake_dynamodb.py) on 127.0.0.1; the rest from moto's server (``moto_endpoint``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes

from .conftest import SKILL_ID
from .dynamodb_shared import USER, envelope, new_table
from .fake_dynamodb import (
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    _FailingAtCreation,
    fake_dynamodb_fixture,  # noqa: F401
)
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match=expected):
            await store.load(USER)
    retried = code in ("ThrottlingException", "ProvisionedThroughputExceededException")
    retried = retried or status == 500
    assert fake_dynamodb.calls == ["GetItem"] * (3 if retried else 1)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variable", "config", "named"),
    [
        ("us east 1", "[default]\nregion = us-east-1\n", "AWS_DEFAULT_REGION"),
        (None, "[default]\nregion = us east 1\n", "the AWS profile's region"),
    ],
    ids=["variable", "profile"],
)
async def test_a_region_botocore_refuses_from_its_configuration_is_said_with_where_it_is(
    variable: str | None,
    config: str,
    named: str,
    aws_env: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # region= is refused as the store is made; one of botocore's configuration failed each
    # call with "GetItem failed (InvalidRegionError: Provided region_name 'us east 1' doesn't
    # match a supported format.)": neither where it was set nor what to do. (Refused as the
    # client is made: nothing is sent.)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    if variable is not None:
        monkeypatch.setenv("AWS_DEFAULT_REGION", variable)
    config_file = tmp_path / "aws-config"
    config_file.write_text(config, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    store = DynamoDBStore("skill", endpoint_url="http://127.0.0.1:9", timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(store):
        with pytest.raises(StoreError) as info:
            await store.load(USER)
    assert str(info.value) == (
        f"DynamoDB table 'skill': no AWS region botocore can use for GetItem: {named} is "
        "'us east 1', not a region name (like 'us-east-1'): correct it, or pass region=… "
        "(?region=… in the store URL)"
    )


@pytest.mark.anyio
async def test_a_long_region_botocore_refuses_is_said_cut(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Said whole, in its repr: 5,000 characters of AWS_DEFAULT_REGION made a line as long.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us east " * 625)
    store = DynamoDBStore("skill", endpoint_url="http://127.0.0.1:9", timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(store):
        with pytest.raises(StoreError) as info:
            await store.load(USER)
    said = str(info.value)
    assert "AWS_DEFAULT_REGION is 'us east us east " in said and len(said) < 400, said
    assert "(5,000 characters), not a region name (like 'us-east-1')" in said, said


@pytest.mark.anyio
async def test_missing_table_no_credentials_no_region(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = DynamoDBStore("no-such-table", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(missing):
        with pytest.raises(StoreError, match=r"'no-such-table' does not exist.*create_table=true"):
            await missing.load(USER)

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    anonymous = DynamoDBStore("skill", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(anonymous):
        with pytest.raises(StoreError, match="no AWS credentials for GetItem"):
            await anonymous.load(USER)

    # AWS_REGION alone is no region for botocore (1.34 to 1.44 read AWS_DEFAULT_REGION only):
    # the line told to set it.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    nowhere = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(nowhere):
        with pytest.raises(StoreError, match=r"no AWS region.*\?region=") as info:
            await nowhere.load(USER)
    said = str(info.value)
    assert "set AWS_DEFAULT_REGION (botocore does not read AWS_REGION)" in said, said


def test_the_skill_answers_a_store_error_with_the_apology_and_one_line(
    dynamodb_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    # store_shared.MOTO_TIMEOUT, not the default 3 s: moto answers slowly on a loaded machine
    url = f"dynamodb://no-such-table?endpoint_url={dynamodb_endpoint}&timeout={MOTO_TIMEOUT:g}"
    skill = Skill(SKILL_ID, store=url)

    @skill.intent("GetWeather")
    def weather(attributes: Attributes) -> Response:
        return speak("never")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        body = json.loads(anyio.run(skill.answer, envelope()))
    assert body["response"]["outputSpeech"]["text"] == APOLOGY
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert record.getMessage().startswith(
        "attributes not loaded or saved for IntentRequest GetWeather: "
    )
    assert "'no-such-table' does not exist" in record.getMessage()


@pytest.mark.anyio
async def test_a_table_whose_key_is_not_the_stores_is_said_so_with_what_to_do(
    dynamodb_endpoint: str,
) -> None:
    # A table made for another layout (its key "userId", as some SDK samples name it): every
    # load and save failed with DynamoDB's bare "The provided key element does not match the
    # schema", naming neither the store's key nor partition_key_name.
    from .dynamodb_shared import table_keyed_by_user_id

    table, client = table_keyed_by_user_id(dynamodb_endpoint)
    client.close()
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    try:
        for call in (lambda: store.load(USER), lambda: store.update(USER, {"a": 1}, ())):
            with pytest.raises(StoreError) as info:
                await call()
            message = str(info.value)
            assert "does not match the schema" in message
            assert "partition key named 'id'" in message
            assert "partition_key_name=" in message
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_key_of_another_type_is_said_as_a_key_not_the_stores(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's words for a numeric key, as moto gives them (DynamoDB says "does not match").
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key userId expected: N "
        "actual: S",
    )
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, partition_key_name="userId", timeout=STORE_TIMEOUT
    )
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
    assert "partition key named 'userId'" in str(info.value)


@pytest.mark.anyio
async def test_an_item_grown_past_400_kb_is_said_with_what_to_do(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # A save that fits by itself, not with what the item holds: the line said DynamoDB refused
    # it, and every save of that user failed so, with no word of what to do.
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {"a": 1}, ())
    assert "exceed DynamoDB's 400 KB" in str(info.value)
    assert "keep large data elsewhere" in str(info.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredTokenException", "The security token included in the request is expired"),
        ("UnrecognizedClientException", "The security token included in the request is invalid."),
        ("InvalidSignatureException", "Signature expired: 20261203T000000Z is now earlier"),
        ("MissingAuthenticationTokenException", "Request is missing Authentication Token"),
    ],
)
async def test_credentials_aws_refuses_are_not_said_as_missing_permissions(
    fake_dynamodb: FakeDynamoDB, code: str, message: str
) -> None:
    # Credentials expired, wrong or signed with a clock far off: the line said the role needs
    # dynamodb:GetItem and dynamodb:UpdateItem, sending the reader to IAM policies for nothing.
    fake_dynamodb.error = (400, code, message)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
    text = str(info.value)
    assert f"AWS refused the credentials for GetItem ({code}: {message})" in text
    assert "needs dynamodb:GetItem" not in text
    assert "AWS_ACCESS_KEY_ID" in text and "clock" in text


@pytest.mark.anyio
async def test_a_key_over_dynamodbs_limit_is_not_said_as_the_item_size(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's words for a partition key over 2048 bytes hold "Size", and the line said the
    # item would exceed 400 KB: advice to move data to S3, for a key too long.
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of 2048 bytes",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {"a": 1}, ())
    message = str(info.value)
    assert "400 KB" not in message
    assert "key" in message and "2048 bytes" in message


@pytest.mark.anyio
async def test_an_account_over_its_quota_is_not_told_to_switch_the_table_to_on_demand(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # RequestLimitExceeded is the account's throughput quota, not the table's capacity: the line
    # said "raise its provisioned capacity or switch it to on-demand", which an on-demand table
    # (where the quota bites) cannot, and which changes nothing for the account.
    fake_dynamodb.error = (
        400,
        "RequestLimitExceeded",
        "Throughput exceeds the current throughput limit for your account. Please contact AWS "
        "Support at https://aws.amazon.com/support request a limit increase",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled GetItem") as info:
            await store.load(USER)
    message = str(info.value)
    assert "on-demand" not in message
    assert "quota" in message


def test_a_store_error_leaves_no_cycle_holding_the_frames_that_failed(aws_env: None) -> None:
    # _in_thread raised its StoreError from locals of its own frame, which the error's
    # traceback (and its cause's) holds: a cycle, the failing frames and their locals freed
    # only by the cycle collector, whenever it next ran.
    import gc
    import weakref

    from botocore.exceptions import ClientError

    class Held:
        pass

    held: list[weakref.ref[Held]] = []

    def refused(client: Any) -> None:
        local = Held()  # a local of the failing frame
        held.append(weakref.ref(local))
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetItem")

    store = DynamoDBStore("skill", client=_FailingAtCreation())
    gc.disable()
    try:
        with pytest.raises(StoreError, match="AWS refused GetItem") as info:
            store._in_thread(refused, "GetItem", False)
        del info
        assert held and held[0]() is None
    finally:
        gc.enable()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("increments", "named"),
    [({"n": 1}, "attribute 'n' cannot be incremented"), ({"a": 1, "b": 2}, "'a' or 'b'")],
)
@pytest.mark.parametrize(
    "refusal",
    [
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
        # A sum of more than 38 significant digits (a stored 1.5E-37, 1 added): DynamoDB's words
        # for a number too precise, which hold no "Number overflow".
        "Attempting to store more than 38 significant digits in a Number",
    ],
)
async def test_an_increment_dynamodb_cannot_keep_the_sum_of_is_a_data_fault_naming_it(
    fake_dynamodb: FakeDynamoDB, increments: dict[str, int], named: str, refusal: str
) -> None:
    # DynamoDB adds an increment to the stored number itself, so its sum past DynamoDB's range
    # (a stored 9.99…E+125, say) is refused by DynamoDB alone: it was a StoreError, "AWS refused
    # UpdateItem (ValidationException: Number overflow …)", said as the store failing and naming
    # no attribute, where a value set past the range is refused naming it and the range.
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    fake_dynamodb.error = (400, "ValidationException", refusal)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(ResponseError) as raised:
            await store.update(USER, {"other": 1}, (), increments=increments)
        said = str(raised.value)
        assert named in said
        assert (
            "outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude "
            "from 1E-130 to under 1E+126)" in said
        )
        assert refusal in said  # DynamoDB's own words, for whoever reads the log
        assert not isinstance(raised.value, StoreError)
        assert fake_dynamodb.calls == ["UpdateItem"]  # refused, nothing applied: not sent again
        # Without increments, a ValidationException is DynamoDB refusing the store's call.
        fake_dynamodb.calls.clear()
        with anyio.fail_after(HANG), pytest.raises(StoreError, match=re.escape(refusal)):
            await store.update(USER, {"other": 1}, ())


@pytest.mark.anyio
async def test_a_table_not_found_in_the_region_used_is_said_with_that_region(
    dynamodb_endpoint: str,
) -> None:
    # A table made in another region than the store's (moto keeps a table set per region, as
    # DynamoDB does): the line said only "create it", and the reader made a second, empty
    # table, where the commonest cause is the wrong region.
    import botocore.session

    table = new_table()
    elsewhere = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=dynamodb_endpoint
    )
    try:
        elsewhere.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    finally:
        elsewhere.close()
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(store):
        with pytest.raises(StoreError) as info:
            await store.load(USER)
    message = str(info.value)
    assert f"{table!r} does not exist" in message
    assert "region us-east-1" in message  # the region used (aws_env's AWS_DEFAULT_REGION)
    assert "region=" in message
    found = DynamoDBStore(table, region="eu-west-1", endpoint_url=dynamodb_endpoint)
    async with contextlib.aclosing(found):
        assert await found.load(USER) == {}  # (the region named: found)
    # The table made in eu-west-1 deleted: moto's server outlives the test.
    elsewhere = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=dynamodb_endpoint
    )
    try:
        elsewhere.delete_table(TableName=table)
    finally:
        elsewhere.close()


@pytest.mark.anyio
async def test_a_table_not_found_through_a_client_given_names_the_clients_region(
    dynamodb_endpoint: str,
) -> None:
    # A client given (client=) makes the calls in its own region, at its own endpoint: the
    # line told to name the table's region with region=…, which a store given a client does
    # not use, and said the region alone, not the endpoint the client asked.
    import botocore.session

    table = new_table()
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=dynamodb_endpoint
    )
    try:
        store = DynamoDBStore(table, client=client, timeout=MOTO_TIMEOUT)
        with pytest.raises(StoreError) as info:
            await store.load(USER)
    finally:
        client.close()
    message = str(info.value)
    place = f"{dynamodb_endpoint}, region eu-west-1"
    assert f"{table!r} does not exist in {place} (GetItem)" in message, message
    assert "region=…" not in message and "us-east-1" not in message, message
    assert "make the client given (client=) in the table's region (region_name=…)" in message

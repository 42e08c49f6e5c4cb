"""DynamoDBStore's own botocore client skips botocore's parameter validation: the store's checks
and its call sites leave it nothing to catch (`own_client._new_client` lists what it checks).

The DynamoDB API is moto's server (``dynamodb_endpoint``, started by conftest.py on 127.0.0.1).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from alexaskill.dynamodb import DynamoDBStore

from .dynamodb_shared import USER, botocore_client, new_table
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


def test_the_stores_own_client_skips_botocores_parameter_validation() -> None:
    # botocore walked every value of every call again (types, required and unknown members,
    # minimum lengths): ~0.13 s of CPU per 100,000 values a save writes, for values the store
    # built itself (benchmarks/bench_dynamodb_validation.py).
    from botocore.validate import ParamValidationDecorator

    store = DynamoDBStore("skill-table", region="us-east-1")
    client = store._make_client(1)
    try:
        # (the validation is a wrapper of the client's serializer; its meta.config says True)
        assert not isinstance(client._serializer, ParamValidationDecorator)
    finally:
        client.close()


@pytest.mark.anyio
async def test_every_call_the_store_sends_passes_botocores_parameter_validation(
    dynamodb_endpoint: str,
) -> None:
    # What the validation no longer checks in production is checked here, on each kind of call
    # the store makes: the table made, a load, a first save (the map whole), a save into the
    # map (set, add, remove), one under a later save's time, a time ahead set back, and one
    # that is no number replaced.
    from botocore.validate import validate_parameters

    table = new_table()
    store = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    sent: list[str] = []

    def validated(params: dict[str, Any], model: Any, **_: Any) -> None:
        validate_parameters(params, model.input_shape)  # ParamValidationError: the test fails
        condition = params.get("ConditionExpression", "")[:14]
        sent.append(f"{model.name} {params.get('UpdateExpression', '')[:10]} {condition}".strip())

    make = store._make_client

    def hooked(attempts: int) -> Any:  # (each client the store makes: one for increments too)
        client = make(attempts)
        client.meta.events.register("before-parameter-build.dynamodb", validated)
        return client

    store._make_client = hooked  # type: ignore[method-assign]
    raw = botocore_client(dynamodb_endpoint)
    key = {"id": {"S": USER}}

    def set_time(value: dict[str, str]) -> None:
        raw.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET alexaskill_saved_at = :t",
            ExpressionAttributeValues={":t": value},
        )

    try:
        assert await store.load(USER) == {}
        await store.update(USER, {"a": [1, "b", None, True, {"c": 2.5}]}, (), increments={"n": 1})
        await store.update(USER, {"d": 1}, ["a"], increments={"n": 2})
        set_time({"N": str(time.time_ns() // 1000 + 10**6)})  # a later save's, 1 s ahead
        await store.update(USER, {"e": 1}, ())
        set_time({"N": str(time.time_ns() // 1000 + 10 * int(MOTO_TIMEOUT * 1e6))})  # a clock's
        await store.update(USER, {"f": 1}, ())
        set_time({"S": "yesterday"})
        await store.update(USER, {"g": 1}, ())
        assert await store.load(USER) == {"d": 1, "n": 3, "e": 1, "f": 1, "g": 1}
    finally:
        raw.close()
        await store.aclose()
    assert set(sent) >= {
        "CreateTable",
        "DescribeTable",
        "GetItem",
        "UpdateItem SET #a = : (attribute_not",  # the map whole
        "UpdateItem SET #w = : attribute_type",  # into the map
        "UpdateItem SET #a.#n0 attribute_type",  # under a later save's time
        "UpdateItem SET #w = : #w >= :saved",  # a time ahead set back
        "UpdateItem SET #w = : attribute_exis",  # a time that is no number replaced
    }

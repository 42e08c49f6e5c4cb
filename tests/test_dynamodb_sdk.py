"""DynamoDBStore and Amazon's ASK SDK adapter (``ask_sdk_dynamodb``) on one table: what either
wrote, the other reads and replaces, keyed by user or by device.

The DynamoDB API is moto's server (``moto_endpoint``, started by conftest.py on 127.0.0.1).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from alexaskill import DeviceAttributes
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.store import Attributes

from .dynamodb_shared import (
    DEVICE,
    USER,
    envelope,
    event_dict,
    new_table,
)
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


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

"""What the DynamoDBStore tests share: ids, the event they send, a table name, a plain client,
a table made for another layout."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from alexaskill.models import Envelope, decode_envelope

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
USER = "amzn1.ask.account.TESTUSER"
DEVICE = "amzn1.ask.device.TESTDEVICE"


def new_table() -> str:
    """A table name no other test uses."""
    return f"skill-{uuid.uuid4().hex}"


def botocore_client(endpoint: str) -> Any:
    """A plain botocore client on moto, to look at what the store wrote."""
    import botocore.session

    return botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=endpoint
    )


def table_keyed_by_user_id(endpoint: str) -> tuple[str, Any]:
    """A new table whose partition key is "userId" (as some SDK samples name it, not the
    store's "id"), made with a plain client on moto: its name, and the client."""
    table = new_table()
    client = botocore_client(endpoint)
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return table, client


def event_dict(user: str = USER, device: str = DEVICE) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(
        (FIXTURES / "IntentRequest.GetWeather.json").read_text(encoding="utf-8")
    )
    event = copy.deepcopy(event)
    event["context"]["System"]["user"]["userId"] = user
    event["session"]["user"]["userId"] = user
    event["context"]["System"]["device"]["deviceId"] = device
    return event


def envelope(user: str = USER, device: str = DEVICE) -> Envelope:
    return decode_envelope(json.dumps(event_dict(user, device)))

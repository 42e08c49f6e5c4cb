"""`DynamoDBStore`'s table made (``create_table=True``), once for the calls that wait for it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import StoreError
from .errors import _code

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []

#: How long ``create_table=True`` waits for a new table to become active.
_CREATE_WAIT: Final = 60.0


def _create_table(store: DynamoDBStore, client: Any) -> None:
    """In a worker thread: CreateTable unless it exists, then DescribeTable until ACTIVE."""
    from botocore.exceptions import ClientError

    try:
        client.create_table(
            TableName=store.table,
            KeySchema=[{"AttributeName": store.partition_key_name, "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": store.partition_key_name, "AttributeType": "S"}
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    except ClientError as exc:
        if _code(exc) != "ResourceInUseException":  # it exists (or is being created)
            raise
    deadline = time.monotonic() + _CREATE_WAIT
    while True:
        status = client.describe_table(TableName=store.table)["Table"].get("TableStatus")
        if status == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise StoreError(
                f"DynamoDB table {store.table!r} is still {status} after {_CREATE_WAIT:.0f} s"
            )
        time.sleep(0.5)


def _make_table(store: DynamoDBStore, client: Any, asked: float) -> None:
    """Under the store's lock: the table made (`_create_table`), for a call that began waiting
    for the lock at ``asked`` (`time.monotonic`). A creation that failed after that moment, in
    another call, fails this one too, with its error, without trying again: else each call
    queued behind a failing creation (DynamoDB unreachable: about 9 s for its 3 attempts) tried
    it in turn, the last of ten waiting a minute and a half, each in a worker thread."""
    failed = store._creation_failed
    if failed is not None and failed[0] >= asked:
        raise failed[1]
    try:
        _create_table(store, client)
    except Exception as exc:
        store._creation_failed = (time.monotonic(), exc)
        raise
    store._creation_failed = None
    store._table_ready = True

"""What a failure of one of `DynamoDBStore`'s calls is said as: the store's facts (where it
looked, its region, its client) handed to `errors._explain`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import StoreError
from .client import _errors
from .endpoint import _client_endpoint_named
from .errors import _code, _explain

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []


def _said(store: DynamoDBStore, exc: BaseException, doing: str) -> str:
    """What a failure of ``doing`` is said as: the words of the `StoreError` it becomes."""
    errors = _errors()
    if isinstance(exc, errors.ClientError):
        # The operation refused: a first call's may be the table's creation, not its own.
        # (botocore names it as AWS does: GetItem.)
        return _explained(store, exc.operation_name or doing, _code(exc), exc)
    if isinstance(exc, errors.BotoCoreError):
        return _explained(store, doing, type(exc).__name__, exc)
    if isinstance(exc, StoreError):
        return str(exc)
    text = f"{type(exc).__name__}: {exc}"
    for secret in store._secrets:
        text = text.replace(secret, "***")
    return f"DynamoDB table {store.table!r}: making it failed ({text})"


def _explained(store: DynamoDBStore, doing: str, code: str, exc: Exception) -> str:
    """A log line that says what went wrong and what to do, from an AWS error."""
    return _explain(
        name=store.table,
        where=lambda: _where(store),
        secrets=store._secrets,
        doing=doing,
        code=code,
        exc=exc,
        key_name=store.partition_key_name,
        endpoint_named=lambda: _endpoint_named(store),
        create_table=store.create_table,
        own_client=store._own_client,
        region=_region(store),
    )


def _endpoint_named(store: DynamoDBStore) -> str | None:
    """The words naming the endpoint URL the store's calls go to as the skill's author gave it:
    the store's ``endpoint_url``, or the endpoint of a client given and where it came from (its
    author gave no ``endpoint_url``); None for AWS's own."""
    if store.endpoint_url is not None:
        return "the endpoint_url"
    # (Not the store's own client's endpoint from botocore's configuration: it may be AWS's,
    # a VPC endpoint, say, whose 5xx page is DynamoDB's error, not a wrong endpoint's.)
    shown = store._client_endpoint_shown
    return None if store._own_client or shown is None else _client_endpoint_named(shown)


def _where(store: DynamoDBStore) -> str:
    """Where the store's calls go: the endpoint given (to the store, or the client's, given or
    set by botocore's configuration), else the region."""
    # (Never both: `_check_options`, and the store's own client's is kept only without one.)
    endpoint = store._endpoint_shown or store._client_endpoint_shown
    if endpoint:
        return endpoint
    region = _region(store)
    return f"region {region}" if region else "the default region"


def _region(store: DynamoDBStore) -> str | None:
    """The AWS region the store's calls name: ``region``, else its client's (botocore's
    configuration); a client given's own, always (``region`` is refused with it); None
    before a client, or for a stand-in that has none."""
    if store.region and store._own_client:
        return store.region
    region = getattr(getattr(store._client, "meta", None), "region_name", None)
    return region if isinstance(region, str) and region else None

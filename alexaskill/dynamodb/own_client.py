"""The botocore clients `DynamoDBStore` makes for itself, their settings, and the endpoint a
client was made with: kept for the store's words, its password hidden, or refused in them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import StoreError
from ..store.url import _passwords, url_without_password
from .client import _hook
from .endpoint import (
    _configured_unusable,
    _endpoint,
    _given,
    _refused_url,
    _source,
    _unusable,
    _usable,
)

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []


def _new_client(store: DynamoDBStore, attempts: int) -> Any:
    """A botocore DynamoDB client for ``store`` (`DynamoDBStore._make_client`), making
    ``attempts`` at each call at most, with the store's ``before-send`` handler (`_hook`); a
    `StoreError` in the store's words for an endpoint botocore cannot use."""
    import botocore.session
    from botocore.config import Config

    config = Config(
        connect_timeout=store.timeout,
        read_timeout=store.timeout,
        # "standard" retries throttling, 5xx and dropped connections with backoff, at most
        # ``attempts`` in all, which the overall deadline of _call bounds in time.
        retries={"mode": "standard", "total_max_attempts": attempts},
        user_agent_extra="alexaskill",
        # No parameter validation: botocore walks every value a call sends again (~0.13 s
        # of CPU per 100,000 values, over half a large save's time in the client:
        # benchmarks/bench_dynamodb_validation.py) to check what holds by construction. It
        # checks required and unknown members, types, and minimum lengths (the model's
        # AttributeValue is no union, so none of one member). The call sites are constants;
        # the table name is checked when the store is made (3 to 255 characters), as are
        # the column names (non-empty str); a key is a str (`_key_checked`), a name a
        # non-empty str (`_names_checked`), a value made from JSON (`values._to_dynamodb`:
        # S, N as a str, BOOL, NULL, L, M of str keys). tests/test_dynamodb_validation.py
        # runs the validation on each kind of call the store sends.
        parameter_validation=False,
    )
    if store._session is None:
        store._session = botocore.session.get_session()  # the second client costs ~8 ms
    try:
        client = store._session.create_client(
            "dynamodb", region_name=store.region, endpoint_url=store.endpoint_url, config=config
        )
    except ValueError as exc:
        refused = _refused_url(str(exc))
        if refused is None and store.endpoint_url is None:  # (one given was checked)
            refused = _configured_unusable(store._session)
        if refused is None:
            raise
    else:
        refused = None
    if refused is not None:
        # Raised out of the except clause: botocore's words, which repeat the URL whole,
        # password and all, are not its context (a traceback logged).
        raise StoreError(_endpoint_refused(store, refused))
    try:
        if store.endpoint_url is None:  # (botocore's AWS_ENDPOINT_URL_DYNAMODB, say)
            endpoint = _client_endpoint(store, client)
            if endpoint is not None and not _usable(endpoint):
                # Made, the client fails each call with a ValueError: a crash, not a StoreError.
                raise StoreError(_endpoint_refused(store, endpoint))
        return _hook(client)
    except BaseException:
        # Not kept yet (`_ready_client` keeps what this returns): `aclose` would never close it.
        client.close()
        raise


def _client_endpoint(store: DynamoDBStore, client: Any) -> str | None:
    """Keep the endpoint ``client`` was made with, where ``endpoint_url`` named none: a client
    given's, or the store's own from botocore's configuration (``AWS_ENDPOINT_URL_DYNAMODB``, a
    profile's ``endpoint_url``), for the log lines to name where it looked, if given
    (`endpoint._given`), and hide its password, which botocore's words repeat; returned (AWS's
    own too)."""
    endpoint = _endpoint(client)
    given = endpoint if endpoint is not None and _given(client, endpoint) else None
    store._client_endpoint_shown = url_without_password(given) if given else None
    store._secrets = _passwords(endpoint)
    return endpoint


def _endpoint_refused(store: DynamoDBStore, url: str) -> str:
    """The words of a store's own client refused for its endpoint, ``url``: its
    configuration's, or the one given should a botocore refuse one that
    `_check_endpoint_url` took (it holds the same rule as botocore 1.34 to 1.44)."""
    named = "endpoint_url" if store.endpoint_url else _source(url, store._session)
    return f"DynamoDB table {store.table!r}: {_unusable(url, named)}"

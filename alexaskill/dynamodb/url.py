"""The store a ``dynamodb://TABLE?option=value`` URL names: `dynamodb_store_from_url`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final
from urllib.parse import parse_qsl

from ..exceptions import ConfigurationError
from ..shown_names import shown_value
from ..store.url import url_without_password
from .store import DynamoDBStore

__all__ = ["dynamodb_store_from_url"]

_OPTIONS: Final[dict[str, Callable[[str], Any]]] = {
    "region": str,
    "endpoint_url": str,
    "partition_key_name": str,
    "attribute_name": str,
    "create_table": lambda text: _boolean("create_table", text),
    "timeout": lambda text: _seconds(text),
}


def dynamodb_store_from_url(url: str) -> DynamoDBStore:
    """The store ``dynamodb://TABLE?region=…&endpoint_url=…&partition_key_name=…&…`` names.

    Options: ``region``, ``endpoint_url``, ``partition_key_name``, ``attribute_name``,
    ``create_table`` (``true``/``false``) and ``timeout`` (seconds), as `DynamoDBStore` takes them.
    """
    _, _, rest = url.partition("://")
    table, _, query = rest.partition("?")
    if not table or "/" in table:
        raise ConfigurationError(
            f"DynamoDB store URL {shown_value(url_without_password(url))}: write "
            "dynamodb://TABLE?region=us-east-1"
        )
    if "@" in table:
        # A user part (user:password@): DynamoDBStore's table-name check would repeat it whole.
        raise ConfigurationError(
            f"DynamoDB store URL {shown_value(url_without_password(url))}: it takes no user or "
            "password (the AWS credentials come from the environment): write "
            "dynamodb://TABLE?region=us-east-1"
        )
    options: dict[str, Any] = {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        # Not the URL, nor parse_qsl's words: either may hold the endpoint's password.
        raise ConfigurationError(
            f"DynamoDB store URL {shown_value(url_without_password(url))}: its options are not "
            "name=value pairs joined by '&' (percent-encode a '&' or '=' in a value)"
        ) from None
    for name, text in pairs:
        parse = _OPTIONS.get(name)
        if parse is None:
            raise ConfigurationError(
                f"DynamoDB store URL: unknown option {shown_value(name)} "
                f"(known: {', '.join(_OPTIONS)})"
            )
        if name in options:
            raise ConfigurationError(f"DynamoDB store URL: option {shown_value(name)} given twice")
        if not text:
            raise ConfigurationError(f"DynamoDB store URL: option {shown_value(name)} has no value")
        options[name] = parse(text)
    return DynamoDBStore(table, **options)


def _boolean(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"DynamoDB store URL: {name}={shown_value(text)} is not true or false")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(
            f"DynamoDB store URL: timeout={shown_value(text)} is not a number of seconds"
        )
    return seconds

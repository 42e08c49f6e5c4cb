"""The checks of `DynamoDBStore`'s options, made when the store is made: a mistake fails there,
with a `ConfigurationError` that says what to write, not at each load and save."""

from __future__ import annotations

import importlib.util
import re
from typing import Any, Final

from ..articles import type_with_article
from ..exceptions import ConfigurationError
from ..shown_names import shown_value
from ..store.data_faults import _MAX_NAME_BYTES
from ..store.url import url_without_password
from .client import _check_client
from .endpoint import _LABEL, _unusable, _usable
from .update import _SAVED_AT

__all__: list[str] = []

# DynamoDB's table names: 3 to 255 of these characters (or an ARN, for a table of another account).
_TABLE_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:\S+")
# A region name botocore takes (else every call failed with its InvalidRegionError): a host
# name's label, letters, digits and inner hyphens ("us-east-1"), not digits alone (its
# validate_region_name, 1.34 to 1.44 alike).
_REGION: Final = re.compile(rf"(?![0-9]+\Z){_LABEL}")

#: botocore and the modules it imports at once (one installed with ``--no-deps`` lacks them).
_AWS_MODULES: Final = ("botocore", "jmespath", "dateutil", "urllib3")
#: The longest ``timeout``, in seconds: a day. (botocore failed every call, "timestamp out of
#: range for platform time_t", with a timeout of about 1e10 s or more; none is of use.)
_MAX_TIMEOUT: Final = 86400.0


def _check_options(
    table: str,
    region: str | None,
    endpoint_url: str | None,
    partition_key_name: str,
    attribute_name: str,
    create_table: bool,
    timeout: float,
    client: Any,
) -> None:
    """`ConfigurationError` for the first of `DynamoDBStore`'s options it cannot work with."""
    if not isinstance(table, str) or not _TABLE_NAME.fullmatch(table):
        raise ConfigurationError(
            f"DynamoDBStore: {shown_value(table)} is not a DynamoDB table name "
            "(3 to 255 letters, digits, '_', '-' or '.')"
        )
    _check_types(
        region=region,
        endpoint_url=endpoint_url,
        partition_key_name=partition_key_name,
        attribute_name=attribute_name,
        create_table=create_table,
    )
    if client is not None and (region is not None or endpoint_url is not None):
        # Taken, neither was used: the client calls its own region and endpoint.
        named = " and ".join(
            f"{name}="
            for name, value in (("region", region), ("endpoint_url", endpoint_url))
            if value is not None
        )
        raise ConfigurationError(
            f"DynamoDBStore: {named} not used with client=, which calls its own region and "
            "endpoint: make the client with them (region_name=…, endpoint_url=…)"
        )
    if region is not None and not _REGION.fullmatch(region):
        raise ConfigurationError(
            f"DynamoDBStore: {shown_value(region)} is not an AWS region name (like 'us-east-1')"
        )
    # (In any case: botocore reads the scheme as urlsplit does, HTTP:// too.)
    if endpoint_url is not None and not endpoint_url.lower().startswith(("http://", "https://")):
        raise ConfigurationError(
            f"DynamoDBStore: endpoint_url {url_without_password(endpoint_url)!r} must start "
            "with http:// or https://"
        )
    if endpoint_url is not None:
        _check_endpoint_url(endpoint_url)
    if not partition_key_name or not attribute_name or partition_key_name == attribute_name:
        raise ConfigurationError(
            "DynamoDBStore: partition_key_name and attribute_name must be two non-empty names"
        )
    _check_names(partition_key_name, attribute_name)
    if _SAVED_AT in (partition_key_name, attribute_name):
        raise ConfigurationError(
            f"DynamoDBStore: {_SAVED_AT!r} is the store's own column (each item's last save)"
        )
    _check_timeout(timeout)
    if client is not None:
        _check_client(client, create_table)
    if client is None:
        # Looked for, not imported (a cold start's cost): else the first request failed.
        missing = [name for name in _AWS_MODULES if importlib.util.find_spec(name) is None]
        if missing:
            what = "botocore" if "botocore" in missing else f"botocore's {', '.join(missing)}"
            raise ConfigurationError(
                f"DynamoDBStore needs {what}: install the dynamodb extra, "
                "pip install 'alexaskill[dynamodb]'"
            )


def _check_types(**options: object) -> None:
    """`ConfigurationError` for an option of the wrong type: taken before, botocore's parameter
    check refused every call (an AttributeError at once for ``endpoint_url``). Names the type
    only: an endpoint URL may hold a password."""
    for name, value in options.items():
        if name == "create_table":
            fine, wanted = isinstance(value, bool), "True or False"
        elif name in ("region", "endpoint_url"):
            fine, wanted = value is None or isinstance(value, str), "a str or None"
        else:
            fine, wanted = isinstance(value, str), "a str"
        if not fine:
            raise ConfigurationError(
                f"DynamoDBStore: {name} must be {wanted}, not {type_with_article(value)}"
            )


#: The longest partition key name, in characters: DynamoDB's for a key attribute's name
#: ("KeySchemaElement", its API reference: "Maximum length of 255"), refused at the table's
#: creation; no table has one longer.
_MAX_KEY_NAME: Final = 255


def _check_names(partition_key_name: str, attribute_name: str) -> None:
    """`ConfigurationError` for a column name DynamoDB refuses, both non-empty strs: one holding
    half a surrogate pair (no UTF-8: botocore's UnicodeEncodeError out of every load and save),
    a key's name past `_MAX_KEY_NAME`, the attributes' of 64 KB or more (`_MAX_NAME_BYTES`, a
    ValidationException at the first save): said now, with the option's name, not there."""
    options = (("partition_key_name", partition_key_name), ("attribute_name", attribute_name))
    for option, name in options:
        try:
            size = len(name.encode())
        except UnicodeEncodeError as exc:
            raise ConfigurationError(
                f"DynamoDBStore: {option} {shown_value(name)} holds half a surrogate pair "
                f"(at {exc.start}): DynamoDB's names are text (UTF-8)"
            ) from None
        if option == "partition_key_name" and len(name) > _MAX_KEY_NAME:
            raise ConfigurationError(
                f"DynamoDBStore: partition_key_name {shown_value(name)} is past DynamoDB's "
                f"{_MAX_KEY_NAME} characters for a key's name"
            )
        if size > _MAX_NAME_BYTES:
            raise ConfigurationError(
                f"DynamoDBStore: attribute_name {shown_value(name)} is {size:,} bytes of "
                f"UTF-8: DynamoDB's attribute names are under 64 KB (at most "
                f"{_MAX_NAME_BYTES:,} bytes)"
            )


def _check_timeout(timeout: object) -> None:
    """`ConfigurationError` unless ``timeout`` is a number of seconds above 0, up to a day."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigurationError(
            f"DynamoDBStore: timeout is a number of seconds, not {type_with_article(timeout)}"
        )
    if not 0 < timeout <= _MAX_TIMEOUT:
        raise ConfigurationError(
            f"DynamoDBStore: timeout must be above 0 s and at most {_MAX_TIMEOUT:,g} s (a day), "
            f"not {shown_value(timeout)}"
        )


def _check_endpoint_url(url: str) -> None:
    """`ConfigurationError` now for an ``endpoint_url`` botocore refuses at each call (a
    ValueError out of every load and save): `endpoint._usable`. The message shows the URL
    without its password."""
    if not _usable(url):
        raise ConfigurationError(f"DynamoDBStore: {_unusable(url, 'endpoint_url')}")

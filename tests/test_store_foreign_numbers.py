"""Numbers another program stored that no attribute holds: refused at load naming the attribute
and why, in every store's words, never Python's own advice for its digits limit."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.store import MemoryStore, SQLiteStore, base, data_faults

from .store_shared import json_store, write_raw

pytestmark = pytest.mark.oldest_dependencies

_OUTSIDE = (
    "outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from "
    "1E-130 to under 1E+126)"
)


@pytest.mark.parametrize("as_bytes", [False, True])  # (SQLite's and memory's text; Redis's bytes)
@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("1" + "0" * 5000, 5001),
        ("[1, -" + "9" * 4301 + "]", 4301),
        ('{"a": 1' + "0" * 4300 + "}", 4301),
    ],
)
def test_a_stored_integer_past_pythons_digits_is_refused_in_the_limits_words(
    text: str, digits: int, as_bytes: bool
) -> None:
    # Was "is not JSON (Exceeds the limit (4300 digits) for integer string conversion: value
    # has 5001 digits; use sys.set_int_max_str_digits() to increase the limit)": JSON it is, and
    # raising Python's limit would not help, no store keeping such a number.
    with pytest.raises(StoreError) as raised:
        base._decode("n", text.encode() if as_bytes else text, "here")
    assert str(raised.value) == (
        f"here: the stored value of attribute 'n' is not JSON Alexa attributes can hold (it "
        f"holds an integer of more than 4,300 digits, {_OUTSIDE}): written by another "
        "program? correct it, or delete the attribute"
    )


def test_an_integer_within_pythons_digits_still_loads() -> None:
    assert base._decode("n", "1" + "0" * 4299, "here") == 10**4299
    assert base._decode("n", '"' + "1" * 5000 + '"', "here") == "1" * 5000  # a string of digits


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_store_refuses_it_at_load_and_at_an_increment(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "attributes.db")
    try:
        await store.update("user", {"good": 1, "big": 1}, ())
        if isinstance(store, MemoryStore):
            store._data["user"]["big"] = "9" * 5000
        else:
            import sqlite3

            with sqlite3.connect(store.path) as connection:
                connection.execute(
                    "UPDATE alexaskill_attributes SET value = ? WHERE field = 'big'", ("9" * 5000,)
                )
            connection.close()
        said = r"attribute 'big' is not JSON Alexa attributes can hold \(it holds an integer of"
        with pytest.raises(StoreError, match=said):
            await store.load("user")
        with pytest.raises(StoreError, match=said):
            await store.update("user", {}, (), {"big": 1})
        await store.update("user", {}, ["big"])  # deleting it mends it
        assert await store.load("user") == {"good": 1}
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize(("text", "after"), [(" 5", 6), ("5 ", 6), ("\t-5\r\n", -4), (" 0 ", 1)])
async def test_a_stored_integer_with_json_whitespace_is_incremented_by_every_store(
    kind: str, text: str, after: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # JSON allows whitespace around a value, and each store loads " 5" as 5; SQLite and memory
    # added to it, Redis's script refused it ("holds float: not incremented") and HINCRBY would
    # have refused it too. (DynamoDB keeps a number typed, with no text around it.)
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "n", text)
        assert (await store.load("user"))["n"] == after - 1
        await store.update("user", {}, (), increments={"n": 1})  # type: ignore[call-arg]
        assert (await store.load("user"))["n"] == after
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize(
    ("text", "held"), [(' "5"', "a str"), (" [1]", "a list"), ("\n1.5 ", "a float")]
)
async def test_a_stored_value_with_json_whitespace_is_refused_naming_its_type_by_every_store(
    kind: str, text: str, held: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Redis named the type from the first character: a space made every such value "float".
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "n", text)
        with pytest.raises(ResponseError, match=f"^attribute 'n' holds {held}: not incremented$"):
            await store.update("user", {}, (), increments={"n": 1})  # type: ignore[call-arg]
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("name", ["n", "a: b "])  # (Redis's reply holds the name after a colon)
@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("", "line 1 column 1 (char 0)"),
        (" \t", "line 1 column 3 (char 2)"),
        ("\r\n ", "line 2 column 2 (char 3)"),
    ],
)
async def test_a_stored_value_empty_or_only_whitespace_is_not_json_to_an_increment_of_every_store(
    kind: str, name: str, text: str, at: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Redis's script named the type from the first character: none made it "holds str", a
    # ResponseError, where memory and SQLite said (a StoreError) it is not JSON, as its load does.
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", name, text)
        said = re.escape(
            f": the stored value of attribute {name!r} is not JSON (Expecting value: {at})"
        )
        with pytest.raises(StoreError, match=said):
            await store.load("user")
        with pytest.raises(StoreError, match=said):
            await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
        await store.update("user", {}, [name])  # deleting it mends it
        assert name not in await store.load("user")
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("{not json", "'{not json'"),
        ("[1,", "'[1,'"),
        ("tru", "'tru'"),
        ('"open', "'\"open'"),
        ("007", "'007'"),
        ("{\n\x1b[31m" + "x" * 100, "'{\\n\\x1b[31m" + "x" * 17 + "'…"),  # 24 characters
    ],
)
async def test_a_stored_value_not_json_is_said_so_with_an_excerpt_by_every_store_s_increment(
    kind: str, text: str, excerpt: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Redis's script named a type from the first character: "{not json" was said to "hold
    # dict", "tru" bool, "007" an integer with a leading zero, where the load (and every other
    # store) said it is not JSON. The excerpt is short and escaped: no line break in a log line.
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "n", text)
        with pytest.raises(StoreError) as loaded:
            await store.load("user")
        with pytest.raises(StoreError) as incremented:
            await store.update("user", {}, (), increments={"n": 1})  # type: ignore[call-arg]
        assert str(incremented.value) == str(loaded.value)
        said = str(loaded.value)
        assert "the stored value of attribute 'n' is not JSON (" in said
        assert f", it reads {excerpt}: written by another program?" in said
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("name", ["it's", "a\nb", 'say "hi"', "tab\there", "x' holds int: '"])
async def test_every_store_quotes_a_name_holding_quotes_or_line_breaks_alike(
    kind: str, name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Redis's script quoted names with a bare ' ("attribute 'it's' holds str"), and Redis made
    # a line break in its error reply a space: the name was not the one stored.
    store = json_store(kind, request, tmp_path)
    try:
        for text, refused in [
            ('"text"', f"attribute {name!r} holds a str: not incremented"),
            (str(2**63 - 1), data_faults._TOO_LARGE_TO_INCREMENT.format(name=repr(name))),
        ]:
            await write_raw(store, "user", name, text)
            with pytest.raises(ResponseError) as info:
                await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
            assert str(info.value) == refused
        await write_raw(store, "user", name, "{")
        with pytest.raises(StoreError, match=re.escape(f"attribute {name!r} is not JSON (")):
            await store.update("user", {}, (), increments={name: 1})  # type: ignore[call-arg]
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis", "dynamodb"])
@pytest.mark.parametrize(("text", "after"), [("-0", 1), (" -0 ", 1), ("-0", -2)])
async def test_a_stored_minus_zero_is_incremented_by_every_store(
    kind: str, text: str, after: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # JSON's -0 is the integer 0 to every store's load; memory and SQLite added to it, Redis
    # refused it ("holds an integer Redis cannot add to as written ('-0')"): HINCRBY reads no
    # "-0". DynamoDB, which keeps numbers typed, adds to a stored {"N": "-0"}.
    if kind == "dynamodb":
        from alexaskill.dynamodb import DynamoDBStore

        from .dynamodb_shared import botocore_client
        from .store_shared import MOTO_TIMEOUT

        endpoint = request.getfixturevalue("dynamodb_endpoint")
        store: Any = DynamoDBStore(
            f"attributes-{uuid.uuid4().hex}",
            endpoint_url=endpoint,
            create_table=True,
            timeout=MOTO_TIMEOUT,
        )
        await store.update("user", {"other": 1}, ())  # the table exists
        client = botocore_client(endpoint)
        item = {"id": {"S": "user"}, "attributes": {"M": {"n": {"N": text.strip()}}}}
        client.put_item(TableName=store.table, Item=item)
        client.close()
    else:
        store = json_store(kind, request, tmp_path)
        await write_raw(store, "user", "n", text)
    try:
        assert (await store.load("user"))["n"] == 0
        await store.update("user", {}, (), increments={"n": after})
        assert (await store.load("user"))["n"] == after
    finally:
        await store.aclose()

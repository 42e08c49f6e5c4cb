"""How a store reads a stored value's text (SQLite's and MemoryStore's str, Redis's bytes): as
``json.loads`` read it, or refused in its words, with no JSON decoder built at each load. (Split
from tests/test_store_foreign_values.py.)"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from alexaskill.exceptions import StoreError
from alexaskill.store import Attributes, MemoryStore, RedisStore, SQLiteStore, base

from .store_shared import _envelope

#: Stored texts and what `base._decode` reads in each, or the words of its refusal: json's own,
#: quoted, for str (SQLite's, MemoryStore's) and bytes (Redis's) alike.
DECODED: list[tuple[str | bytes, Any]] = [
    (
        '{"a":[1,2.5,-0.0,1e+16],"é":"\\u00e9\\u2028","n":null}',
        {"a": [1, 2.5, -0.0, 1e16], "é": "é\u2028", "n": None},
    ),
    (b'{"k": "\xc3\xa9", "t": true}', {"k": "é", "t": True}),
    (" [1 , 2] ", [1, 2]),
    ("1E2", 100.0),
    ("NaN", "NaN is not a JSON value"),
    (b"[-Infinity]", "-Infinity is not a JSON value"),
    ("\ufeff[1]", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
    ("{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (
        '["\\ud800"]',
        "'utf-8' codec can't encode character '\\ud800' in position 2: surrogates not allowed",
    ),
]


@pytest.mark.parametrize(("text", "read"), DECODED)
def test_a_stored_text_is_read_as_json_reads_it_or_refused_in_its_words(
    text: str | bytes, read: Any
) -> None:
    if isinstance(read, str):
        with pytest.raises(StoreError) as info:
            base._decode("v", text, "here")
        assert str(info.value) == (
            f"here: the stored value of attribute 'v' is not JSON ({read}), it reads "
            f"{base._excerpt(text)}: written by another program? correct it, or delete the "
            "attribute"
        )
    else:
        value = base._decode("v", text, "here")
        assert value == read and repr(value) == repr(read)


def _counting_decoders() -> tuple[type[json.JSONDecoder], list[json.JSONDecoder]]:
    """A JSONDecoder class (to put in place of json's) and the list each one built joins."""
    built: list[json.JSONDecoder] = []

    class Counted(json.JSONDecoder):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    return Counted, built


@pytest.mark.anyio
async def test_a_load_builds_no_json_decoder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # json.loads with parse_constant= built a JSONDecoder at each call: at each value of each
    # load. One is built once, with the module, and reused.
    Counted, built = _counting_decoders()

    for store in (MemoryStore(), SQLiteStore(tmp_path / "attributes.db")):
        await store.update("user", {"n": 1, "log": ["é", {"k": 2.5}]}, ())
        monkeypatch.setattr(json, "JSONDecoder", Counted)
        assert await store.load("user") == {"n": 1, "log": ["é", {"k": 2.5}]}
        monkeypatch.undo()
        await store.aclose()
    assert built == []


#: Bytes another program may have left in Redis (whose values come back as bytes), for the
#: tests below: each read as ``json.loads(raw, parse_constant=…)`` reads it (the old code), or
#: refused in its words. Some msgspec reads otherwise, or refuses where json reads: a BOM, UTF-16,
#: a number past a double (json: infinity), a surrogate escaped alone. (One encoded alone, which
#: json.loads read: `LONE_SURROGATE_BYTES`.)
REDIS_RAW: list[bytes] = [
    b"7",
    b'{"a":[1,2.5,-0.0,1e+16,1E2],"\xc3\xa9":"\\u00e9\\u2028","n":null,"t":true}',
    b" [1 , 2]\n",
    b"123456789012345678901234567890",
    b'{"a":1,"b":2,"a":3}',
    b'"\\ud83d\\ude00\\u0000\\/"',
    b"1e400",
    b"[-1e400, 1.5e99999999999999999999]",
    b"\xef\xbb\xbf[1]",
    "[1]".encode("utf-16"),
    b'"\\ud800"',
    b'{"\\udc00": 1}',
    b'"\xff"',
    b"NaN",
    b"[-Infinity]",
    b"{not json",
    b'"a\x01b"',
    b"[1]\x00",
    b"1" * 5000,
    b"[" * 5000 + b"]" * 5000,
]


def _old_decode(name: str, text: bytes, where: str) -> Any:
    """`base._decode` of bytes as it was: ``json.loads`` at each value (called from where
    `base._decode` is, so at the same depth of the stack, for the nesting one reads)."""
    try:
        value = json.loads(text, parse_constant=base._not_json)
        if b"\\u" in text and re.search(rb"\\u[dD][89a-fA-F]", text) is not None:
            json.dumps(value, ensure_ascii=False).encode()
        return value
    except (ValueError, RecursionError) as exc:
        raise StoreError(
            f"{where}: the stored value of attribute {name!r} is not JSON ({exc}), it reads "
            f"{base._excerpt(text)}: written by another program? correct it, or delete the "
            "attribute"
        ) from exc


def _outcome(decode: Any, text: bytes) -> tuple[str, str]:
    """What ``decode`` made of ``text``: the value's type and repr, or the error's words."""
    try:
        value = decode("v", text, "here")
    except StoreError as exc:
        return "refused", str(exc)
    return type(value).__name__, repr(value)


@pytest.mark.anyio
async def test_redis_reads_each_stored_value_as_json_loads_did_or_refuses_it_in_its_words(
    redis_url: str,
) -> None:
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        for raw in REDIS_RAW:
            await store._client.hset(store.prefix + "user", "v", raw)
            try:
                value = (await store.load("user"))["v"]
                found = type(value).__name__, repr(value)
            except StoreError as exc:
                found = "refused", str(exc).replace(store._where(), "here", 1)
            old = _outcome(_old_decode, raw)[1]
            if raw.count(b"[") > 30 or "inf" in old or "integer string conversion" in old:
                # (refused now: nested past 30 levels, an infinity, an int past Python's digits)
                assert found[0] == "refused"
                assert "is not JSON Alexa attributes can hold" in found[1]
                continue
            assert found == _outcome(_old_decode, raw), raw[:40]
    finally:
        await store.aclose()


def test_bytes_nested_near_the_stack_limit_are_refused_in_the_words_of_the_limit() -> None:
    # json.loads stops (RecursionError) a few levels before msgspec, which calls no function
    # of Python's before its parser: a value nested just past json's limit was refused, and
    # must not be read. Now every value nested past 30 levels is refused, in the words of that
    # limit, wherever the stack's is: none is read near it.
    def nested(depth: int) -> bytes:
        return b"[" * depth + b"]" * depth

    limit = next(d for d in range(1, 5000) if _outcome(_old_decode, nested(d))[0] == "refused")
    for depth in range(limit - 4, limit + 5):
        refused, said = _outcome(base._decode, nested(depth))
        assert refused == "refused"
        assert "nests deeper than 30 levels" in said


@pytest.mark.anyio
async def test_a_redis_load_builds_no_json_decoder(
    monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    # Redis's values come back as bytes, which base._decode gave json.loads(text,
    # parse_constant=…): a JSONDecoder built at each value of each load (4 here).
    Counted, built = _counting_decoders()

    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        values = {"n": 1, "log": ["é", {"k": 2.5}], "s": "\U0001f600", "none": None}
        await store.update("user", values, ())
        monkeypatch.setattr(json, "JSONDecoder", Counted)
        assert await store.load("user") == values
        monkeypatch.undo()
    finally:
        await store.aclose()
    assert built == []


#: Bytes holding half a surrogate pair that msgspec leaves to json.loads (not UTF-8, or UTF-16),
#: written so that no escape of one is found in them as UTF-8: encoded alone in UTF-8 or UTF-16
#: (json.loads decodes bytes with "surrogatepass", which lets it through), or escaped in UTF-16.
#: Each was read as a str holding the half, and the attributes made of it failed, saying it
#: "cannot be saved as JSON": the user's every request, where the load's words say what to do.
LONE_SURROGATE_BYTES: list[bytes] = [
    b'"\xed\xa0\x80"',
    b'["ok", {"k": "x\xed\xb0\x80"}]',
    '"\ud800"'.encode("utf-16", "surrogatepass"),
    '["ok", "\\ud83d"]'.encode("utf-16-le"),
]


@pytest.mark.anyio
@pytest.mark.parametrize("raw", LONE_SURROGATE_BYTES)
async def test_redis_refuses_a_lone_surrogate_in_bytes_json_loads_is_left_as_not_json(
    raw: bytes, redis_url: str
) -> None:
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        await store._client.hset(store.prefix + "user", "name", raw)
        with pytest.raises(StoreError, match=r"stored value of attribute 'name' is not JSON"):
            await Attributes.load(store, _envelope("user"))
        await store.update("user", {}, ["name"])  # deleting it mends it
        assert "name" not in (await Attributes.load(store, _envelope("user")))
    finally:
        await store.aclose()


def test_a_surrogate_encoded_alone_is_refused_in_the_words_of_a_strict_decode() -> None:
    with pytest.raises(StoreError) as info:
        base._decode("v", b'"\xed\xa0\x80"', "here")
    assert str(info.value) == (
        "here: the stored value of attribute 'v' is not JSON ('utf-8' codec can't decode byte "
        "0xed in position 1: invalid continuation byte), it reads '\"\ufffd\ufffd\ufffd\"': "
        "written by another program? correct it, or delete the attribute"
    )

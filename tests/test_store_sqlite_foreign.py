"""`SQLiteStore` over rows another program wrote as text that is not UTF-8: each refused in the
words of the load that refuses a value so (tests/test_store_foreign_values.py), naming the
attribute, never SQLite's "Could not decode to UTF-8"."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alexaskill.exceptions import StoreError
from alexaskill.shown_names import shown_value
from alexaskill.store import SQLiteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "attributes.db")
    await store.update("user", {"good": 1}, ())  # the table exists
    try:
        yield store
    finally:
        await store.aclose()


def _insert(store: SQLiteStore, field: str, value: str) -> None:
    """A row of ``key`` "user" whose ``field`` and ``value`` are SQL expressions."""
    with sqlite3.connect(store.path) as connection:
        connection.execute(f"INSERT INTO alexaskill_attributes VALUES ('user', {field}, {value})")
    connection.close()


@pytest.mark.anyio
async def test_an_increment_over_a_value_stored_as_text_not_utf8_names_it(
    store: SQLiteStore,
) -> None:
    # Was "the save failed (OperationalError: Could not decode to UTF-8 column 'value' ...)",
    # naming no attribute, where the load of the same row names it.
    _insert(store, "'bad'", "CAST(x'22ff22' AS TEXT)")
    said = r"stored value of attribute 'bad' is not JSON \('utf-8' codec can't decode"
    with pytest.raises(StoreError, match=said) as raised:
        await store.update("user", {"good": 2}, (), {"bad": 1})
    assert "OperationalError" not in str(raised.value)
    with pytest.raises(StoreError, match=said):
        await store.load("user")  # the same words
    await store.update("user", {}, ["bad"])  # nothing written by the failed save; deleting mends
    assert await store.load("user") == {"good": 1}
    await store.update("user", {}, (), {"bad": 1})
    assert await store.load("user") == {"good": 1, "bad": 1}


@pytest.mark.anyio
async def test_an_increment_over_a_value_stored_as_text_still_reads_it_as_text(
    store: SQLiteStore,
) -> None:
    # The bytes are read only when the text is not UTF-8: a BOM stays refused as at a load
    # (json.loads of the bytes would have read it, as utf-8-sig).
    _insert(store, "'n'", "CAST(x'efbbbf35' AS TEXT)")
    with pytest.raises(StoreError, match="Unexpected UTF-8 BOM"):
        await store.update("user", {}, (), {"n": 1})
    _insert(store, "'m'", "'41'")
    await store.update("user", {}, ["n"], {"m": 1})
    assert await store.load("user") == {"good": 1, "m": 42}


@pytest.mark.anyio
async def test_an_attribute_name_stored_as_text_not_utf8_is_a_store_error_naming_it(
    store: SQLiteStore,
) -> None:
    # Was "the load failed (OperationalError: Could not decode to UTF-8 column 'field' ...)",
    # where a name stored as a BLOB is "a stored attribute name is not text (b'...')".
    _insert(store, "CAST(x'ff6e616d65' AS TEXT)", "'1'")
    with pytest.raises(StoreError) as raised:
        await store.load("user")
    said = str(raised.value)
    assert said.startswith(f"SQLite file {store.path}: a stored attribute name is not UTF-8 (")
    assert "b'\\xffname'" in said
    assert "delete its row" in said
    assert "OperationalError" not in said and "Could not decode" not in said


@pytest.mark.anyio
async def test_a_long_attribute_name_not_utf8_is_quoted_by_its_head_and_tail(
    store: SQLiteStore,
) -> None:
    # Its first 40 bytes were said, no "…" to say the name went on, the rest unsaid.
    name = b"\xff" + b"n" * 150 + b"TAIL"
    _insert(store, f"CAST(x'{name.hex()}' AS TEXT)", "'1'")
    with pytest.raises(StoreError) as raised:
        await store.load("user")
    assert f"is not UTF-8 ({shown_value(name)}): " in str(raised.value), raised.value


@pytest.mark.anyio
async def test_a_long_attribute_name_stored_as_a_blob_is_quoted_by_its_head_and_tail(
    store: SQLiteStore,
) -> None:
    name = b"n" * 150 + b"TAIL"
    _insert(store, f"x'{name.hex()}'", "'1'")
    with pytest.raises(StoreError) as raised:
        await store.load("user")
    assert f"is not text ({shown_value(name)}): " in str(raised.value), raised.value


@pytest.mark.anyio
async def test_names_and_values_read_as_bytes_keep_what_they_were(store: SQLiteStore) -> None:
    # A value not UTF-8 has every row read as bytes: the names that are text stay text (a
    # BLOB's is still "not text"), so the refusal names the bad value, not a good name.
    _insert(store, "'bad'", "CAST(x'22ff22' AS TEXT)")
    _insert(store, "'é'", "'\"ok\"'")
    with pytest.raises(StoreError, match="attribute 'bad' is not JSON"):
        await store.load("user")
    await store.update("user", {}, ["bad"])
    _insert(store, "x'ff'", "CAST(x'22ff22' AS TEXT)")
    with pytest.raises(StoreError, match=r"a stored attribute name is not text \(b'\\xff'\)"):
        await store.load("user")


def _utf16_store(path: Path, encoding: str) -> SQLiteStore:
    """A store over a database another program made in ``encoding`` (set before any table)."""
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA encoding = '{encoding}'")
        connection.execute("CREATE TABLE other (x)")  # (the encoding is kept from the first one)
    connection.close()
    return SQLiteStore(path)


@pytest.mark.anyio
@pytest.mark.parametrize("encoding", ["UTF-16le", "UTF-16be"])
async def test_a_database_in_utf16_is_used_as_one_in_utf8(tmp_path: Path, encoding: str) -> None:
    store = _utf16_store(tmp_path / "attributes.db", encoding)
    try:
        await store.update("user", {"héllo": "✓ 𝄞", "n": 1}, ())
        await store.update("user", {}, (), {"n": 2})
        assert await store.load("user") == {"héllo": "✓ 𝄞", "n": 3}
    finally:
        await store.aclose()
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA encoding").fetchone() == (encoding,)
    connection.close()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("encoding", "bad_name", "bad_value"),
    [("UTF-16le", "x'7a0000d8'", "x'220000d8'"), ("UTF-16be", "x'007ad800'", "x'0022d800'")],
)
async def test_a_utf16_database_s_text_it_cannot_read_is_named_not_its_neighbours(
    tmp_path: Path, encoding: str, bad_name: str, bad_value: str
) -> None:
    # Read again as bytes, a UTF-16 database's names were decoded as UTF-8: a good name was
    # blamed ("a stored attribute name is not UTF-8 (b'h\x00\xe9\x00...')"), or read as
    # "g\x00o\x00..."; a value's excerpt showed its zero bytes.
    store = _utf16_store(tmp_path / "attributes.db", encoding)
    try:
        await store.update("user", {"héllo": "✓", "good": 1}, ())
        _insert(store, f"CAST({bad_name} AS TEXT)", "'1'")  # 'z' and half a surrogate pair
        with pytest.raises(StoreError) as raised:
            await store.load("user")
        said = str(raised.value)
        label = encoding.upper().replace("16", "16-")  # Python's name of the codec
        assert f"a stored attribute name is not {label} (b'" in said
        assert "z" in said and "h\\x00" not in said and "\\x00h" not in said
        with sqlite3.connect(store.path) as connection:
            connection.execute("DELETE FROM alexaskill_attributes WHERE field NOT IN ('héllo')")
        connection.close()
        _insert(store, "'bad'", f"CAST({bad_value} AS TEXT)")  # '"' and half a pair
        with pytest.raises(StoreError) as raised:
            await store.load("user")
        said = str(raised.value)
        assert "the stored value of attribute 'bad' is not JSON (" in said
        assert "it reads '\"\ufffd':" in said
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("encoding", "bad_name", "bad_value"),
    [
        ("UTF-16le", "x'610000d86200'", "x'220000dc78002200'"),
        ("UTF-16be", "x'0061d8000062'", "x'0022dc0000780022'"),
    ],
)
async def test_a_utf16_database_s_lone_surrogate_before_more_text_is_refused(
    tmp_path: Path, encoding: str, bad_name: str, bad_value: str
) -> None:
    # Half a surrogate pair with a unit after it ('a', U+D800, 'b'; '"', U+DC00, 'x', '"'):
    # SQLite reads the two as one character past U+FFFF ('a\U00010062', '\U00010078'), so the
    # load handed out another name and value than stored, without a word. Refused, as half a
    # pair at the end of the text is (above), naming what it can; a pair whole reads as before.
    store = _utf16_store(tmp_path / "attributes.db", encoding)
    try:
        await store.update("user", {"good": "𝄞"}, ())
        _insert(store, f"CAST({bad_name} AS TEXT)", "'1'")
        label = encoding.upper().replace("16", "16-")
        with pytest.raises(StoreError, match=f"a stored attribute name is not {label} "):
            await store.load("user")
        with sqlite3.connect(store.path) as connection:
            connection.execute("DELETE FROM alexaskill_attributes WHERE field <> 'good'")
        connection.close()
        _insert(store, "'bad'", f"CAST({bad_value} AS TEXT)")
        said = r"the stored value of attribute 'bad' is not JSON \("
        with pytest.raises(StoreError, match=said):
            await store.load("user")
        with pytest.raises(StoreError, match=said):  # (was "holds str: not incremented")
            await store.update("user", {}, (), {"bad": 1})
        await store.update("user", {}, ["bad"])
        assert await store.load("user") == {"good": "𝄞"}
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_utf16_database_s_lone_surrogate_is_refused_by_a_new_store_s_first_load(
    tmp_path: Path,
) -> None:
    # Whether the file is UTF-16 was passed to the load before its connection was made (the
    # store's flag, set by `_connect`, read as the call was sent): the first load of a store, the
    # first request served after a start, read SQLite's UTF-8 of the text, 'a', U+D800, 'b' as
    # 'a\U00010062', and handed it out.
    path = tmp_path / "attributes.db"
    made = _utf16_store(path, "UTF-16le")
    try:
        await made.update("user", {"good": 1}, ())  # the table
    finally:
        await made.aclose()
    _insert(made, "CAST(x'610000d86200' AS TEXT)", "'1'")
    store = SQLiteStore(path)
    try:
        with pytest.raises(StoreError, match="a stored attribute name is not UTF-16-LE "):
            await store.load("user")
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_utf16_file_put_in_place_of_a_utf8_one_is_read_as_utf16_at_once(
    tmp_path: Path,
) -> None:
    # The store's one flag was its last connection's, read as the call was sent: the first load
    # after a UTF-16 file replaced the UTF-8 one (the store opens the file now at its path) read
    # it as the old file's, UTF-8: 'a', U+D800, 'b' handed out as 'a\U00010062'.
    other = tmp_path / "other.db"
    made = _utf16_store(other, "UTF-16le")
    try:
        await made.update("user", {"good": 1}, ())
    finally:
        await made.aclose()
    _insert(made, "CAST(x'610000d86200' AS TEXT)", "'1'")
    store = SQLiteStore(tmp_path / "attributes.db")
    try:
        assert await store.load("user") == {}  # a connection to the UTF-8 file
        await store.aclose()  # (its -wal gone with its last connection: read over the new file)
        other.replace(store.path)
        with pytest.raises(StoreError, match="a stored attribute name is not UTF-16-LE "):
            await store.load("user")
    finally:
        await store.aclose()

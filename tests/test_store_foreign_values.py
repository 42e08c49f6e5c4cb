"""Values written by something else (another program, a hand) in a store: a StoreError naming
the attribute, one log line and the apology, never a traceback a request."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes, MemoryStore, RedisStore, SQLiteStore

from .conftest import SKILL_ID
from .store_shared import _envelope, json_store, write_raw

if TYPE_CHECKING:
    from alexaskill.testing import TestClient


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("text", ["{not json", "NaN", "[1, Infinity]"])
async def test_a_stored_value_that_is_not_json_is_a_store_error_naming_it(
    kind: str, text: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # A value another program (or a hand) wrote: json.loads raised JSONDecodeError from load,
    # no StoreError, so the log said "handler failed" with a traceback on every request of
    # that user; NaN and Infinity (which Python's json takes) loaded, then failed as a
    # ResponseError saying the value "cannot be saved".
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "bad", text)
        with pytest.raises(StoreError, match=r"stored value of attribute 'bad' is not JSON"):
            await store.load("user")
        if not isinstance(store, RedisStore):  # Redis's script refuses it as no integer
            with pytest.raises(StoreError, match=r"attribute 'bad' is not JSON"):
                await store.update("user", {}, (), increments={"bad": 1})  # type: ignore[call-arg]
        await store.update("user", {}, ["bad"])  # deleting it mends it
        assert "bad" not in await store.load("user")
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_value_another_program_spelt_otherwise_is_not_written_back_unchanged(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # JSON as another program writes it (spaces, an escaped "é", 1E2 for 100.0): `Attributes`
    # compares what a handler left with the value encoded again at its load, not with the text
    # read, which only re-encoding tells from json.dumps's own. Compared with the text, this
    # value, unchanged, would be found changed and written back at each save, over whatever
    # another request wrote to it meanwhile.
    text = '{"city": "Paris", "caf\\u00e9": [1E2, true, null]}'
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "game", text)
        attributes = await Attributes.load(store, _envelope("user"))
        assert attributes["game"] == {"city": "Paris", "café": [100.0, True, None]}
        assert attributes.pending() == ({}, [])
        assert not attributes.changed
        assert await attributes.save() is False
        if isinstance(store, MemoryStore):
            assert store._data["user"]["game"] == text
    finally:
        await store.aclose()


def _counting_over_a_bad_value(tmp_path: Path) -> tuple[TestClient, SQLiteStore]:
    """A `TestClient` of a skill counting visits in SQLite, where the user's count is not JSON."""
    from alexaskill.testing import TestClient

    store = SQLiteStore(tmp_path / "attributes.db")
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    client = TestClient(skill, raise_handler_errors=False)
    anyio.run(write_raw, store, client.factory.user_id, "visits", "{oops")
    return client, store


def test_a_stored_value_that_is_not_json_is_one_line_and_the_apology(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from alexaskill.app import APOLOGY

    client, _ = _counting_over_a_bad_value(tmp_path)
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        result = client.intent("Count")
    assert result.speech == APOLOGY
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert "attributes not loaded or saved for IntentRequest Count" in record.getMessage()
    assert "attribute 'visits' is not JSON" in record.getMessage()
    assert client.factory.user_id not in caplog.text  # user ids are never logged in full


def test_a_store_failure_is_said_once_every_ten_seconds_with_how_many_went_unsaid(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store that is down fails every request: each still has its request line and the
    # apology, but the ERROR line that says why comes once a failure every 10 s (a Redis outage
    # under load must not write a line a request), with how many it left out.
    from alexaskill import log_repeats
    from alexaskill.app import APOLOGY

    clock = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: clock[0])
    client, store = _counting_over_a_bad_value(tmp_path)
    with caplog.at_level(logging.INFO, logger="alexaskill"), client:
        for _ in range(3):
            assert client.intent("Count").speech == APOLOGY
        first, other = client.factory.user_id, client.factory.user_id + "-other"
        anyio.run(write_raw, store, other, "visits", "[1")  # another failure: said at once
        client.factory.user_id = other
        assert client.intent("Count").speech == APOLOGY
        clock[0] += 10
        client.factory.user_id = first
        assert client.intent("Count").speech == APOLOGY
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert len(lines) == 5 and {r.__dict__["outcome"] for r in lines} == {"handler_error"}
    assert len(errors) == 3
    assert "attribute 'visits' is not JSON" in errors[0]
    assert not errors[0].endswith("since the last such line)")
    assert errors[1] != errors[0] and not errors[1].endswith("since the last such line)")
    assert errors[2].endswith("(2 more since the last such line)")


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize("text", ['"\\ud83d"', '["ok", {"k": "x\\uDC00"}]'])
async def test_a_stored_lone_surrogate_is_a_store_error_naming_it(
    kind: str, text: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # JSON another program wrote, half of an emoji's surrogate pair escaped (a string cut
    # short): it loaded, then the attributes made of it raised ResponseError "attribute
    # 'name' cannot be saved as JSON", a traceback on every request of that user.
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "name", text)
        with pytest.raises(StoreError, match=r"stored value of attribute 'name' is not JSON"):
            await Attributes.load(store, _envelope("user"))
        await store.update("user", {}, ["name"])  # deleting it mends it
        assert "name" not in (await Attributes.load(store, _envelope("user")))
    finally:
        await store.aclose()


def test_a_sqlite_attribute_name_stored_as_a_blob_is_a_store_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Another program's row whose name is a BLOB came back as a bytes key: the handler's
    # Attributes then failed as "attribute names are strings, not bytes" (a ResponseError, with
    # a traceback), as if the handler had set it.
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    store = SQLiteStore(tmp_path / "attributes.db")
    skill = Skill(SKILL_ID, store=store)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        return speak("Hi.")

    client = TestClient(skill, raise_handler_errors=False)
    anyio.run(write_raw, store, client.factory.user_id, "other", "1")
    with sqlite3.connect(store.path) as connection:
        row = (client.factory.user_id, b"\xffname", "1")
        connection.execute("INSERT INTO alexaskill_attributes VALUES (?, ?, ?)", row)
    connection.close()
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        assert client.launch().speech == APOLOGY
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert "a stored attribute name is not text (b'\\xffname')" in record.getMessage()
    with pytest.raises(StoreError, match="not text"):
        anyio.run(store.load, client.factory.user_id)


def _nested_text(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
@pytest.mark.parametrize(
    ("text", "why"),
    [
        (_nested_text(31), "nests deeper than 30 levels"),
        ('{"a": ' + _nested_text(30) + "}", "nests deeper than 30 levels"),
        (_nested_text(968), "nests deeper than 30 levels"),
        (_nested_text(5000), "nests deeper than 30 levels"),
        ("1e400", "1e400 is past a double"),
        ('[1, {"x": -1E+400}]', "-1E\\+400 is past a double"),
    ],
)
async def test_a_stored_value_no_attribute_holds_is_refused_at_load_naming_it(
    kind: str, text: str, why: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Nested 968 levels, a value loaded, then its save failed ("cannot be saved as JSON:
    # maximum recursion depth exceeded"), the user hearing the apology; from 970, refused at
    # load, the limit moving with the stack. 1e400 loaded as an infinity, its save failing.
    # Now one depth, 30 (DynamoDB's), whatever the stack, and no infinity, at load.
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "bad", text)
        said = r"stored value of attribute 'bad' is not JSON Alexa attributes can hold \(.*"
        with pytest.raises(StoreError, match=said + why):
            await store.load("user")
    finally:
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
async def test_a_stored_value_nested_30_levels_and_large_finite_numbers_load(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = json_store(kind, request, tmp_path)
    try:
        await write_raw(store, "user", "deep", _nested_text(30))
        await write_raw(store, "user", "big", '[1e308, "1e400", 1e-400]')
        loaded = await store.load("user")
        assert loaded["deep"] == json.loads(_nested_text(30))
        assert loaded["big"] == [1e308, "1e400", 0.0]
    finally:
        await store.aclose()


def _deep(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [31, 968, 969, 3000])
def test_a_value_nested_past_30_levels_is_refused_at_save_in_the_same_words(depth: int) -> None:
    # Past the stack's reach, json's "maximum recursion depth exceeded", not the limit's words.
    from alexaskill.store.checked_changes import _encode_checked

    with pytest.raises(ResponseError) as raised:
        _encode_checked("bad", _deep(depth))
    assert str(raised.value) == (
        "attribute 'bad' cannot be saved: bad nests deeper than 30 levels, which no store keeps"
        " (DynamoDB cannot)"
    )


@pytest.mark.anyio
async def test_a_sqlite_value_stored_as_text_not_utf8_is_a_store_error_naming_it(
    tmp_path: Path,
) -> None:
    # Was "the load failed (OperationalError: Could not decode to UTF-8 column ...)", naming
    # no attribute, where the other stores say which value is no JSON.
    store = SQLiteStore(tmp_path / "attributes.db")
    try:
        await store.update("user", {"good": 1}, ())
        with sqlite3.connect(store.path) as connection:
            connection.execute(
                "INSERT INTO alexaskill_attributes VALUES (?, ?, CAST(x'22ff22' AS TEXT))",
                ("user", "bad"),
            )
        connection.close()
        said = r"stored value of attribute 'bad' is not JSON \('utf-8' codec can't decode"
        with pytest.raises(StoreError, match=said):
            await store.load("user")
        await store.update("user", {}, ["bad"])  # deleting it mends it
        assert await store.load("user") == {"good": 1}
    finally:
        await store.aclose()

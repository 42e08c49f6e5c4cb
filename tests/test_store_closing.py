"""Closing stores (`close_within`, a `TestClient` used without ``with``); a save that fails."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError
from alexaskill.responses import Response
from alexaskill.store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    SQLiteStore,
    closing,
    open_store,
)
from alexaskill.testing import TestClient
from tests.conftest import SKILL_ID
from tests.fake_dynamodb import RecordingClient
from tests.store_shared import counting_skill


def test_close_within_names_the_bound_it_was_given(caplog: pytest.LogCaptureFixture) -> None:
    # The warning said "took over 5 seconds" (CLOSE_TIMEOUT) whatever bound the caller gave.
    async def hangs() -> None:
        await anyio.sleep_forever()

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert not anyio.run(closing.close_within, hangs, 0.25, "the stores of X")
    (said,) = [r.getMessage() for r in caplog.records if "not closed" in r.getMessage()]
    assert said == "the stores of X not closed at shutdown: closing took over 0.25 seconds"


def test_on_lambda_the_close_fits_in_what_uvicorns_shutdown_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lambda's SIGKILL follows its SIGTERM by 300 ms. uvicorn (bare, or ``alexaskill serve``'s)
    sees the signal at its main loop's next tick, then sleeps a tenth of a second more as its
    shutdown starts, before the lifespan's, where the stores close: bounded by 0.2 s, they ran
    to 0.4 s, cut by SIGKILL before the warning. uvicorn's waits read from its sleeps (the
    signal in the worst case: just after a tick), not timed; 50 ms kept for the warning, the
    HTTP client's close and the exit."""
    import asyncio

    import uvicorn

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass  # pragma: no cover - never run

    config = uvicorn.Config(app=app, log_config=None)
    config.load()
    server = uvicorn.Server(config)
    waits: list[float] = []
    sleep = asyncio.sleep

    async def waiting(delay: float) -> None:
        waits.append(delay)
        server.should_exit = True  # (the SIGTERM, during the first wait)
        await sleep(0)

    class Lifespan:
        async def shutdown(self) -> None:
            waits.append(-1.0)  # (the stores close from here)

    monkeypatch.setattr(asyncio, "sleep", waiting)
    server.servers, server.lifespan = [], Lifespan()

    async def stopped() -> None:
        await server.main_loop()
        await server.shutdown()

    asyncio.run(stopped())
    before = sum(waits[: waits.index(-1.0)])
    assert before >= 0.2, waits  # (uvicorn's, as read from 0.42 to 0.55)
    assert before + closing.shutdown_bound(True) <= 0.3 - 0.05


def test_a_test_client_closed_without_with_closes_the_store_it_opened(tmp_path: Path) -> None:
    # Without `with` no lifespan runs, and close() left the SQLite connections of the store
    # the client opened from its URL (and of the skill's own) open for good. SQLite removes a
    # file's -wal as its last connection closes: what a test can see.
    given, own = tmp_path / "given.db", tmp_path / "own.db"
    skill = counting_skill(f"sqlite:///{own}")
    client = TestClient(skill, store=f"sqlite:///{given}")
    assert client.intent("Count").speech == "Visit number 1."
    assert Path(f"{given}-wal").exists()
    client.close()
    assert not Path(f"{given}-wal").exists()
    assert given.exists()
    assert isinstance(skill.store, SQLiteStore) and skill.store.path == str(own)  # (given back)

    client = TestClient(skill, user_id="amzn1.ask.account.SAME")
    assert client.intent("Count").speech == "Visit number 1."
    assert Path(f"{own}-wal").exists()
    client.close()
    assert not Path(f"{own}-wal").exists()
    with TestClient(
        skill, user_id="amzn1.ask.account.SAME"
    ) as again:  # opened again by the next client
        assert again.intent("Count").speech == "Visit number 2."
    assert not Path(f"{own}-wal").exists()


def test_a_value_json_cannot_hold_fails_the_save_naming_attribute_and_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The line said "handler failed for LaunchRequest": not which handler set the value. And
    # nothing is saved, of any kind of attributes, the values that do encode included.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    class Thing:
        pass

    @skill.launch
    def launch(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes["fine"] = 1
        device["fine"] = 2
        attributes["thing"] = Thing()
        return speak("Hello.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.launch().handler_error is not None
        assert anyio.run(store.load, client.user_id) == {}
        assert anyio.run(store.load, client.device_id) == {}
    # One ERROR line, the reason in it and no traceback (which showed alexaskill's encoder, not
    # the handler's line), as a session attribute JSON cannot hold is said.
    (line,) = [r for r in caplog.records if r.getMessage().startswith("handler failed")]
    assert line.getMessage() == (
        f"handler failed for LaunchRequest ({__name__}.{launch.__qualname__}): attribute "
        "'thing' cannot be saved as JSON: thing is a Thing, which JSON cannot hold (store a "
        "str, a number, a bool, None, a list or a dict with str keys: date.isoformat(), "
        "list(a_set), …)"
    )
    assert (line.levelname, line.exc_info) == ("ERROR", None)


def _looping() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def _nested(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


#: Each value no store keeps, and what the save's refusal says of it (after "attribute 'v'
#: cannot be saved").
_REFUSED = {
    "set": (
        {1, 2},
        " as JSON: v is a set, which JSON cannot hold (store a str, a number, a bool, None, a "
        "list or a dict with str keys: date.isoformat(), list(a_set), …)",
    ),
    "nan": (
        float("nan"),
        " as JSON: v is nan, which JSON cannot hold (store a str, a number, a bool, None, a "
        "list or a dict with str keys: date.isoformat(), list(a_set), …)",
    ),
    "loop": (_looping(), " as JSON: v[0] is v again: it holds itself, which JSON cannot hold"),
    "int key": (
        {"a": {1: "x"}},
        " as JSON: v['a'] has the key 1 (an int), and JSON keys are strings: it would come back as "
        "'1'",
    ),
    "empty key": (
        [{"": 1}],
        ": v[0] has the key '' (empty), and no store keeps an empty name (DynamoDB cannot)",
    ),
    "number": (
        {"n": [1e300]},
        ": v['n'][0] is 1e+300, outside the numbers every store keeps (DynamoDB's: 38 significant "
        "digits, magnitude from 1E-130 to under 1E+126)",
    ),
    "nesting": (
        _nested(31),
        ": v nests deeper than 30 levels, which no store keeps (DynamoDB cannot)",
    ),
}


@pytest.mark.parametrize("fault", list(_REFUSED))
def test_each_value_no_store_keeps_is_one_error_line_without_a_traceback(
    fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Said with a traceback of alexaskill's save, where the session attributes' faults and a
    # value held in several places are one line: the fault is the data, and the line says it.
    value, said = _REFUSED[fault]
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Keep")
    def keep(attributes: Attributes) -> Response:
        attributes["fine"] = 1
        attributes["v"] = value
        return speak("Kept.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.intent("Keep").handler_error is not None
        assert anyio.run(store.load, client.user_id) == {}
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    failed = f"handler failed for IntentRequest Keep ({__name__}.{keep.__qualname__})"
    assert lines == [("ERROR", f"{failed}: attribute 'v' cannot be saved{said}", None)]


def test_an_attribute_named_empty_is_one_error_line_too(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID, store=MemoryStore())

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes[""] = 1
        return speak("Hello.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.launch().handler_error is not None
    failed = f"handler failed for LaunchRequest ({__name__}.{launch.__qualname__})"
    said = "attribute '' cannot be saved: attribute names are not empty"
    assert [(r.getMessage(), r.exc_info) for r in caplog.records] == [(f"{failed}: {said}", None)]


#: Each save refused for what the handler did: (what the store holds, what the handler does,
#: after "attribute " what the line says).
_INCREMENTS_REFUSED: dict[str, tuple[dict[str, Any], Callable[[Attributes], object], str]] = {
    "no int": ({"n": "x"}, lambda a: a.increment("n"), "'n' holds a str: not incremented"),
    "too large": (
        {"n": 2**63 - 10**18},
        lambda a: a.increment("n"),
        "'n' is too large to increment (64 bits, as Redis adds): set it instead",
    ),
    "step": (
        {},
        lambda a: a.increment("n", 10**18 + 1),
        f"'n': increment {10**18 + 1} is out of range (at most 10**18 in size: Redis adds in "
        "64 bits)",
    ),
    # A step no int, refused at the call (it was a TypeError there, with its traceback), in the
    # words of a store's own update. A bool too: JSON keeps it as true, which no store adds to.
    "float step": (
        {},
        lambda a: a.increment("n", 1.5),  # type: ignore[arg-type]
        "'n': an increment is an int, not a float",
    ),
    "bool step": ({}, lambda a: a.increment("n", True), "'n': an increment is an int, not a bool"),
    "str step": (
        {},
        lambda a: a.increment("n", "2"),  # type: ignore[arg-type]
        "'n': an increment is an int, not a str",
    ),
    # A name no str: a TypeError with its traceback (of `__setitem__`), where a save refuses
    # one as a data fault, in these words.
    "name no str": (
        {},
        lambda a: a.increment(1),  # type: ignore[arg-type]
        "names are strings, not an int: 1",
    ),
}


@pytest.mark.parametrize("fault", list(_INCREMENTS_REFUSED))
def test_an_increment_refused_is_one_error_line_and_nothing_is_saved(
    fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Said with a traceback (of alexaskill's increment or save) where a value refused is one
    # line: the fault is the stored value or the step, and the line says which.
    held, does, said = _INCREMENTS_REFUSED[fault]
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["fine"] = 1
        does(attributes)
        return speak("Counted.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        anyio.run(store.update, client.user_id, held, ())
        response = client.intent("Count")
        assert response.handler_error is not None
        assert "Sorry" in (response.speech or "")
        assert anyio.run(store.load, client.user_id) == held
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    failed = f"handler failed for IntentRequest Count ({__name__}.{count.__qualname__})"
    assert lines == [("ERROR", f"{failed}: attribute {said}", None)]


def test_a_name_both_set_and_incremented_in_a_store_update_is_one_error_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A handler calling the store's own update (`Attributes` never sends both) was logged with
    # a traceback of the store's `_names_checked`, where its other refusals are one line.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Count")
    async def count() -> Response:
        await store.update("user", {"n": 5}, (), increments={"n": 1})
        return speak("Counted.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        response = client.intent("Count")
        assert response.handler_error is not None
        assert "Sorry" in (response.speech or "")
    assert anyio.run(store.load, "user") == {}
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    failed = f"handler failed for IntentRequest Count ({__name__}.{count.__qualname__})"
    said = "attribute 'n' is both set and incremented in one update"
    assert lines == [("ERROR", f"{failed}: {said}", None)]


#: Saves past DynamoDB's limits on an UpdateItem: (the changes, what the line says).
_PAST_DYNAMODBS: dict[str, tuple[dict[str, Any], str]] = {
    "item": (
        {"history": ["é" * 1000] * 210},
        "attribute 'history' (420,220 bytes) and the others saved with it (420,220 bytes in all) "
        "are over DynamoDB's 400 KB an item",
    ),
    "expression": (
        {f"k{i}": i for i in range(300)},
        "a save of 300 attribute names (0 of them increments) is more than one DynamoDB "
        "UpdateItem takes",
    ),
    "expression-thousands": (  # ("a save of 1200 attribute names" was said)
        {f"k{i}": i for i in range(1_200)},
        "a save of 1,200 attribute names (0 of them increments) is more than one DynamoDB "
        "UpdateItem takes",
    ),
}


@pytest.mark.parametrize("fault", list(_PAST_DYNAMODBS))
def test_a_save_past_dynamodbs_limits_is_one_error_line_and_nothing_is_sent(
    fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Said with a traceback of the store's planning of the UpdateItem: the fault is the size of
    # what the handler saves, and the line says it.
    changes, said = _PAST_DYNAMODBS[fault]
    client = RecordingClient()
    skill = Skill(SKILL_ID, store=DynamoDBStore("table", client=client))

    @skill.intent("Keep")
    def keep(attributes: Attributes) -> Response:
        attributes.update(changes)
        return speak("Kept.")

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as test_client,
    ):
        assert test_client.intent("Keep").handler_error is not None
    assert [call for call in client.calls if "UpdateExpression" in call] == []
    [(level, line, exc_info)] = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    failed = f"handler failed for IntentRequest Keep ({__name__}.{keep.__qualname__})"
    assert (level, exc_info) == ("ERROR", None)
    assert line.startswith(f"{failed}: {said}"), line


def test_a_sqlite_path_under_a_file_or_a_tilde_is_refused_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both said "the directory … does not exist": of a file that exists, and of a "~" that a
    # shell would have expanded, where the path named a directory "~" in the working one.
    (tmp_path / "notes").write_text("", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"notes is a file, not a directory$"):
        SQLiteStore(tmp_path / "notes" / "skill.db")
    monkeypatch.chdir(tmp_path)
    said = r"~ does not exist \(~/skill\.db is relative: ~ is not expanded\)$"
    with pytest.raises(ConfigurationError, match=said):
        open_store("sqlite:///~/skill.db")

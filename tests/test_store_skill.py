"""A skill's stores: the one it serves with (its own, a test client's), what it takes for a store
or a store factory. Its stores closed at shutdown: test_store_skill_shutdown.py."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Mapping
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
    RedisStore,
    SQLiteStore,
    Store,
    attributes_service,
)

from .conftest import SKILL_ID
from .store_shared import _answer, _envelope, _speech, counting_skill

# --- which store a skill serves with --------------------------------------------------------------


def test_a_store_set_on_the_skill_is_the_one_its_handlers_use() -> None:
    # The attribute services were bound to the store given to Skill(): setting skill.store
    # after it changed the attribute and nothing else, and attributes went to the first store.
    first, second = MemoryStore(), MemoryStore()
    skill = counting_skill(first)
    skill.store = second
    assert skill.store is second
    _answer(skill, _envelope("u", intent="Count"))
    assert anyio.run(second.load, "u") == {"visits": 1}
    assert anyio.run(first.load, "u") == {}
    skill.store = "memory://"  # a URL is opened
    assert isinstance(skill.store, MemoryStore) and skill.store is not second


def test_the_store_cannot_be_set_once_the_skill_serves() -> None:
    from alexaskill.testing import TestClient

    store = MemoryStore()
    skill = counting_skill(store)
    with TestClient(skill) as client:
        client.intent("Count")
    with pytest.raises(ConfigurationError, match=r"skill_client\(skill, store='memory://'\)"):
        skill.store = MemoryStore()
    assert skill.store is store


def test_a_test_client_serves_the_skill_with_its_store_while_it_lives() -> None:
    # Tests had no way to keep a skill's attributes off its own store: the default one is a
    # file in the working directory, where every run's test users piled up.
    from alexaskill.testing import TestClient

    own = MemoryStore()
    skill = counting_skill(own)
    with TestClient(skill, store="memory://") as client:
        assert client.intent("Count").speech == "Visit number 1."
        assert isinstance(client.store, MemoryStore) and client.store is not own
        assert skill.store is client.store
        assert anyio.run(client.store.load, client.user_id) == {"visits": 1}
    assert skill.store is own
    assert own._data == {}

    # The skill serves already; clients nest, and each gives back what it found.
    mine = MemoryStore()
    outer = TestClient(skill, store=mine)
    inner = TestClient(skill, store="memory://")
    plain = TestClient(skill)  # no store=: whatever the skill serves with
    assert plain.store is inner.store and skill.store is inner.store
    plain.close()
    inner.close()
    assert skill.store is mine
    assert outer.intent("Count").speech == "Visit number 1."
    assert anyio.run(mine.load, outer.user_id) == {"visits": 1}
    outer.close()
    assert skill.store is own
    with TestClient(skill, user_id=outer.user_id) as client:
        assert client.intent("Count").speech == "Visit number 1."  # the skill's own store again
    assert anyio.run(own.load, outer.user_id) == {"visits": 1}


def test_test_clients_with_stores_closed_in_any_order_give_the_skill_its_own_back() -> None:
    # The first closed gave the skill its own store back while the second still served, and
    # the second then gave it the first one's store, for good.
    from alexaskill.testing import TestClient

    own = MemoryStore()
    skill = counting_skill(own)
    first = TestClient(skill, store="memory://")
    second = TestClient(skill, store="memory://")
    first.close()
    assert skill.store is second.store
    assert second.intent("Count").speech == "Visit number 1."
    assert anyio.run(second.store.load, second.user_id) == {"visits": 1}
    second.close()
    assert skill.store is own

    # With clients without store= among them (each serves with what the skill had when it
    # opened): whatever the order, the client opened last of those open has its store served.
    verifier = skill.verifier
    for order in itertools.permutations(range(4)):
        clients = [TestClient(skill, store="memory://" if i % 2 == 0 else None) for i in range(4)]
        still_open = list(clients)
        for i in order:
            clients[i].close()
            still_open.remove(clients[i])
            latest = still_open[-1] if still_open else TestClient(skill)
            assert skill.store is latest.store, (order, i)
            visits = anyio.run(latest.store.load, latest.user_id).get("visits", 0)
            assert latest.intent("Count").speech == f"Visit number {visits + 1}."
            assert anyio.run(latest.store.load, latest.user_id) == {"visits": visits + 1}
            if not still_open:
                latest.close()
        assert skill.store is own and skill.verifier is verifier


def test_a_test_client_gives_back_attribute_services_added_to_the_skill() -> None:
    from alexaskill.testing import TestClient

    theirs = MemoryStore()
    skill = Skill(SKILL_ID, store="memory://")
    skill.add_service(Attributes, *attributes_service(theirs))  # (not through skill.store)

    @skill.intent("Visit")
    def visit(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("Visited.")

    TestClient(skill, store="memory://").close()
    with TestClient(skill, user_id="u") as client:
        client.intent("Visit")
    assert anyio.run(theirs.load, "u") == {"visits": 1}


# --- what is taken for a store --------------------------------------------------------------------


def test_a_store_class_given_for_a_factory_makes_the_store() -> None:
    # A class is a function returning a store; it was taken for a store, because it has the
    # methods: each load called MemoryStore.load unbound, and every answer was the apology.
    skill = counting_skill(attributes=MemoryStore)
    _answer(skill, _envelope(intent="Count"))
    assert "Visit number 2." in _speech(_answer(skill, _envelope(intent="Count")))


@pytest.mark.parametrize("given", [MemoryStore, SQLiteStore, MemoryStore().load, 42])
def test_a_skill_refuses_what_is_not_a_store(given: Any) -> None:
    # Skill(store=MemoryStore) served (every answer the apology) and failed at shutdown, when
    # its lifespan called MemoryStore.aclose() on the class; a factory the same, at shutdown.
    with pytest.raises(ConfigurationError, match="a store or a store URL") as raised:
        Skill(SKILL_ID, store=given)
    if isinstance(given, type):
        assert f"{given.__name__}(" in str(raised.value)
    skill = Skill(SKILL_ID, store="memory://")
    with pytest.raises(ConfigurationError, match="a store or a store URL"):
        skill.store = given
    assert isinstance(skill.store, MemoryStore)


@pytest.mark.parametrize("returned", [None, "memory://", 42, MemoryStore])
def test_a_store_factory_returning_no_store_is_a_configuration_error(
    returned: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Each request failed with an AttributeError ('NoneType' object has no attribute 'load'),
    # the log naming neither the factory nor what it should return.
    skill = counting_skill(attributes=lambda: returned)
    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        assert "Sorry" in _speech(_answer(skill, _envelope(intent="Count")))
    assert "ConfigurationError: the store factory returned" in caplog.text


def test_attributes_service_names_only_the_type_of_what_is_no_store() -> None:
    # Its repr was in the message: a client or settings object's repr may hold a password.
    class Settings:
        def __repr__(self) -> str:
            return "Settings(password='hunter2')"

    with pytest.raises(ConfigurationError, match="not a store") as raised:
        attributes_service(Settings())  # type: ignore[arg-type]
    assert "hunter2" not in str(raised.value)
    assert "a Settings" in str(raised.value)


def test_a_store_factory_that_cannot_make_a_store_is_refused_when_given() -> None:
    # An async def factory was called and its coroutine called "not a store" at the first
    # request (and left never awaited, a RuntimeWarning); a store's class that needs arguments
    # (taken as a factory) failed each request with Python's "missing 1 required positional
    # argument".
    import warnings

    async def make() -> Store:
        return MemoryStore()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no coroutine made, none left unawaited
        with pytest.raises(ConfigurationError, match=r"the store factory make is an async def"):
            attributes_service(make)  # type: ignore[arg-type]
    said = r"the store factory SQLiteStore takes arguments.*give a store, SQLiteStore\(…\)"
    with pytest.raises(ConfigurationError, match=said):
        attributes_service(SQLiteStore)  # type: ignore[arg-type]
    attributes_service(MemoryStore)  # a class that needs none is a factory still

    def defaults(path: str = "x.db") -> Store:
        return SQLiteStore(path)

    attributes_service(defaults)


def test_a_store_missing_a_method_is_told_which() -> None:
    # "a store has the methods load, update and aclose" left the author to find which one
    # their class lacked (aclose, for a store with nothing to release).
    class _NoClose:
        async def load(self, key: str) -> dict[str, Any]:
            return {}

        async def update(self, key: str, changes: Any, deleted: Any) -> None:
            pass

    said = r"_NoClose has no aclose \(nothing to release\? async def aclose\(self\): pass\)"
    with pytest.raises(ConfigurationError, match=said):
        Skill(SKILL_ID, store=_NoClose())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=said):
        attributes_service(_NoClose())  # type: ignore[arg-type]
    with pytest.raises(
        ConfigurationError, match=r"the store factory returned a _NoClose, not a store.*no aclose"
    ):
        anyio.run(attributes_service(_NoClose)[0], None)  # type: ignore[arg-type]


def test_a_store_load_returning_no_dict_is_named() -> None:
    # A store of one's own returning what is no dict failed in dict() ("'int' object is not
    # iterable"). (A dict with a name that is no string: the data it found, a StoreError,
    # test_store_custom_loads.py.)
    from alexaskill.testing import TestClient

    for returned, said in (
        (5, r"_Loading\.load returned an int, not a dict of the attributes stored"),
        ("abc", r"_Loading\.load returned a str, not a dict"),
    ):

        class _Loading(MemoryStore):
            async def load(self, key: str, returned: Any = returned) -> Any:
                return returned

        skill = Skill(SKILL_ID, store=_Loading())

        @skill.launch
        def launch(attributes: Attributes) -> Response:
            return speak("Hi.")

        with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
            client.launch()


class _PlainDefStore:
    """A store of one's own with ``load`` written as a plain def."""

    def load(self, key: str) -> dict[str, Any]:
        return {}

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        pass

    async def aclose(self) -> None:
        pass


def test_a_store_with_a_method_that_is_a_plain_def_is_refused_when_called() -> None:
    # Taken, then every request that asked for attributes failed with Python's "object dict
    # can't be used in 'await' expression", which named neither the store nor the fix. Refused
    # at the call (not when given: a plain def may return a coroutine, `_DelegatingStore`).
    from alexaskill.testing import TestClient

    said = (
        r"_PlainDefStore\.load returned a dict, which is not awaitable \(a plain def\?\).*def load"
    )
    for given in (_PlainDefStore(), "via attributes_service", "via a factory"):
        store = given if isinstance(given, _PlainDefStore) else "memory://"
        skill = Skill(SKILL_ID, store=store)  # type: ignore[arg-type]
        if given == "via attributes_service":
            skill.add_service(
                Attributes,
                *attributes_service(_PlainDefStore()),  # type: ignore[arg-type]
            )
        elif given == "via a factory":
            skill.add_service(
                Attributes,
                *attributes_service(_PlainDefStore),  # type: ignore[arg-type]
            )

        @skill.launch
        def launch(attributes: Attributes) -> Response:
            return speak("Hi.")

        with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
            client.launch()


def test_stores_whose_methods_return_awaitables_otherwise_are_taken(tmp_path: Path) -> None:
    # Not only async def: a def decorated by a wrapper (functools.wraps) of an async def, or
    # AsyncMock's; the stores here.
    import functools
    from unittest import mock

    def traced(method: Any) -> Any:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        return wrapper

    class Traced(MemoryStore):
        load = traced(MemoryStore.load)

    mocked = mock.Mock(load=mock.AsyncMock(), update=mock.AsyncMock(), aclose=mock.AsyncMock())
    stores: list[Any] = [Traced(), mocked, MemoryStore(), SQLiteStore(tmp_path / "s.db")]
    stores += [RedisStore("redis://127.0.0.1:1/0"), DynamoDBStore("skill", region="eu-west-1")]
    for store in stores:
        Skill(SKILL_ID, store=store)
        attributes_service(store)


class _DelegatingStore:
    """A store over another, its methods plain defs returning the other's coroutines."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def load(self, key: str) -> Any:
        self.calls.append("load")
        return self.inner.load(key)

    def update(self, key: str, changes: Any, deleted: Any, increments: Any = None) -> Any:
        self.calls.append("update")
        return self.inner.update(
            key,
            changes,
            deleted,
            increments=increments,  # type: ignore[call-arg]
        )

    def aclose(self) -> Any:
        self.calls.append("aclose")
        return self.inner.aclose()


def test_a_store_whose_plain_defs_return_coroutines_is_taken_and_used(tmp_path: Path) -> None:
    # Valid Python to await, yet refused when given ("is a plain def"): a store wrapping
    # another (to log, to count, to route) could not be used.
    from alexaskill.testing import TestClient

    own, added = _DelegatingStore(MemoryStore()), _DelegatingStore(SQLiteStore(tmp_path / "a.db"))
    skill = Skill(SKILL_ID, store=own)
    skill.add_service(DeviceAttributes, *attributes_service(added, per_device=True))

    @skill.launch
    def launch(attributes: Attributes, device: DeviceAttributes) -> Response:
        device["room"] = "kitchen"
        return speak(f"Visit {attributes.increment('visits')}.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Visit 1."
        assert client.launch().speech == "Visit 2."
    assert own.calls == ["load", "update", "load", "update", "aclose"]
    assert added.calls == ["load", "update", "load", "aclose"]  # the second changed nothing
    stored = anyio.run(own.inner.load, client.factory.user_id)
    assert stored == {"visits": 2}

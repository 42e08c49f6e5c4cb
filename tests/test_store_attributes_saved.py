"""`Attributes` saved only with an answer the user hears: none after the apology; two kinds of
attributes saved both or neither, through the shipped stores and a store of one's own.
(Their keys and saves through the skill: test_store_attributes.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Session, Skill, speak
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response
from alexaskill.store import Attributes, DeviceAttributes, MemoryStore, SQLiteStore

from .conftest import SKILL_ID


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("with_exception_handler", [False, True])
def test_an_answer_that_ends_in_the_apology_saves_nothing(
    hooked: bool, with_exception_handler: bool
) -> None:
    # The handler's change was saved, then its reply failed to encode (a session attribute that
    # is not JSON) and the user heard the apology: a retry would deposit twice.
    from alexaskill.testing import TestClient

    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Deposit")
    def deposit(attributes: Attributes, session: Session) -> Response:
        balance = attributes.increment("balance", 100)
        session.attributes["receipt"] = object()  # the bug: not JSON
        return speak(f"Balance {balance}")

    @skill.intent("Balance")
    def balance(attributes: Attributes) -> Response:
        return speak(f"Balance {attributes.get('balance', 0)}")

    if hooked:

        @skill.after_request
        def after(attributes: Attributes, response: Response | None) -> Response | None:
            attributes["seen"] = True
            return response

    if with_exception_handler:

        @skill.exception(ResponseError)
        def on_error(exc: ResponseError, attributes: Attributes, session: Session) -> Response:
            attributes["errors"] = attributes.get("errors", 0) + 1
            session.attributes["receipt"] = object()  # the same bug again
            return speak("Sorry, that did not work.")

    with TestClient(skill, raise_handler_errors=False) as client:
        for _ in range(2):
            result = client.intent("Deposit")
            assert result.handler_error is not None
            assert result.speech == "Sorry, something went wrong. Please try again later."
        assert client.intent("Balance").speech == "Balance 0"


class RefusingStore(MemoryStore):
    """A memory store with a limit of its own, checked by `check_update` before any write."""

    def check_update(
        self,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        if "too big" in changes.values():
            raise ResponseError("attribute too big for this store")

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        self.check_update(changes, deleted, increments)
        await super().update(key, changes, deleted, increments)


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("device_first", [False, True])
@pytest.mark.parametrize("bad", ["not JSON", "int keys", "too big", "past DynamoDB's"])
def test_attributes_of_two_kinds_are_saved_both_or_neither(
    hooked: bool, device_first: bool, bad: str
) -> None:
    # Attributes and DeviceAttributes are two saves; the second's value failed its check after
    # the first was written: the user heard the apology, and the retry counted twice.
    from alexaskill.testing import TestClient

    store = RefusingStore()
    skill = Skill(SKILL_ID, store=store)
    value: Any = {"not JSON": object(), "int keys": {1: "a"}, "too big": "too big"}.get(bad, 1e300)

    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes.increment("orders")
        device["last"] = value
        return speak("Ordered.")

    def order_device_first(device: DeviceAttributes, attributes: Attributes) -> Response:
        return order(attributes, device)

    def note(attributes: Attributes) -> None:  # makes the Attributes first, the handler the other
        attributes["seen"] = True

    if hooked:
        skill.add_before_request(note, intents=["Order"])

    skill.intent("Order")(order_device_first if device_first else order)

    @skill.intent("Count")
    def count(attributes: Attributes, device: DeviceAttributes) -> Response:
        return speak(f"{attributes.get('orders', 0)} orders, seen {attributes.get('seen', False)}")

    with TestClient(skill, raise_handler_errors=False) as client:
        for _ in range(2):
            result = client.intent("Order")
            assert isinstance(result.handler_error, ResponseError)
            assert result.speech == "Sorry, something went wrong. Please try again later."
        assert client.intent("Count").speech == "0 orders, seen False"
    assert store._data == {}


class OwnStore:
    """A store of one's own, keeping any JSON value and adding any increment (no limits)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    async def load(self, key: str) -> dict[str, Any]:
        return dict(self.data.get(key, {}))

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        item = self.data.setdefault(key, {})
        item.update(changes)
        for name, by in (increments or {}).items():
            item[name] = item.get(name, 0) + by

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize("device", ["none", "unchanged", "changed"])
def test_a_store_of_ones_own_keeps_what_the_shipped_stores_refuse_whatever_the_kinds(
    device: str,
) -> None:
    # The shipped stores refuse what DynamoDB or Redis cannot keep (1e300, an increment past
    # 10**18); a store of one's own keeps what it keeps, saying what it refuses by its
    # check_update. It kept them from a handler taking Attributes alone; from one taking
    # DeviceAttributes too (changed or not), the check made before either save refused them.
    from alexaskill.testing import TestClient

    store = OwnStore()
    skill = Skill(SKILL_ID, store=store)

    def save(attributes: Attributes) -> None:
        attributes["huge"] = 1e300
        attributes.increment("count", 10**19)

    @skill.intent("Alone")
    def alone(attributes: Attributes) -> Response:
        save(attributes)
        return speak("Saved.")

    @skill.intent("Both")
    def both(attributes: Attributes, device_attributes: DeviceAttributes) -> Response:
        save(attributes)
        if device == "changed":
            device_attributes["seen"] = True
        return speak("Saved.")

    with TestClient(skill) as client:
        assert client.intent("Alone" if device == "none" else "Both").speech == "Saved."
        assert store.data[client.user_id] == {"huge": 1e300, "count": 10**19}


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_attributes_of_two_kinds_past_400_kb_are_saved_neither_by_a_store_without_check_update(
    kind: str, tmp_path: Path
) -> None:
    # Memory and SQLite have no check_update: a DeviceAttributes save past DynamoDB's 400 KB an
    # item, refused by their update, came after the Attributes were written.
    from alexaskill.testing import TestClient

    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "skill.db")
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Order")
    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes.increment("orders")
        device["log"] = "x" * 410_000
        return speak("Ordered.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"{attributes.get('orders', 0)} orders")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Order")
        assert isinstance(result.handler_error, ResponseError)
        assert "over DynamoDB's 400 KB an item" in str(result.handler_error)
        assert client.intent("Count").speech == "0 orders"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({1: "a"}, "has the key 1 (an int), and JSON keys are strings: it would come back as '1'"),
        ([{"won": {"": 1}}], "tags[0]['won'] has the key '' (empty), and no store keeps"),
    ],
)
async def test_a_store_of_ones_own_is_given_no_dict_key_json_or_a_store_would_change(
    value: Any, said: str
) -> None:
    # Every store refuses a dict key that is no string, or empty (README): a store of one's own
    # was checked for them only with two kinds of attributes (`check_saves`), so that one kind
    # saved alone, by the app or by `Attributes.save()`, handed `{1: "a"}` to its update.
    from .store_shared import _envelope

    store = OwnStore()
    attributes = await Attributes.load(store, _envelope("user"))
    attributes["tags"] = value
    with pytest.raises(ResponseError, match=re.escape(said)):
        await attributes.save()
    assert store.data == {}


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {"": 1}}])
def test_a_store_of_ones_own_is_given_no_such_key_by_the_apps_save(value: Any) -> None:
    from alexaskill.testing import TestClient

    store = OwnStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Save")
    def save(attributes: Attributes) -> Response:
        attributes["tags"] = value
        return speak("Saved.")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Save")
        assert isinstance(result.handler_error, ResponseError)
        assert "cannot be saved" in str(result.handler_error)
    assert store.data == {}


@pytest.mark.parametrize("increment", [False, True])
@pytest.mark.parametrize("kinds", ["alone", "both"])
def test_a_store_of_ones_own_is_given_no_empty_attribute_name_whatever_the_kinds(
    increment: bool, kinds: str
) -> None:
    # Every store refuses an attribute named "" (README): a store of one's own was spared it
    # only with two kinds of attributes (`check_saves`' names checked); Attributes saved alone
    # handed {"": 1} to its update.
    from alexaskill.testing import TestClient

    store = OwnStore()
    skill = Skill(SKILL_ID, store=store)

    def save(attributes: Attributes) -> Response:
        if increment:
            attributes.increment("", 1)
        else:
            attributes[""] = 1
        return speak("Saved.")

    @skill.intent("Alone")
    def alone(attributes: Attributes) -> Response:
        return save(attributes)

    @skill.intent("Both")
    def both(attributes: Attributes, device_attributes: DeviceAttributes) -> Response:
        device_attributes["seen"] = True
        return save(attributes)

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent(kinds.title())
        assert isinstance(result.handler_error, ResponseError)
        assert "attribute '' cannot be saved: attribute names are not empty" in str(
            result.handler_error
        )
    assert store.data == {}

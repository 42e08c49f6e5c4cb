"""The handlers `DynamoDBStore` adds to a botocore client it is given (`dynamodb.client._hook`):
added once when the store is made, however many stores share the client, and left on it, inert
for every call but the store's own (its closes included), in any thread and in a forked child;
a client the store made that they could not be added to, closed.

The calls go to the fake DynamoDB of fake_dynamodb.py, which answers each with a 500: a client
retries it (3 attempts), unless the store's handlers refuse the retry.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.dynamodb.client import _GivenUp
from alexaskill.exceptions import StoreError

from .dynamodb_shared import USER
from .fake_dynamodb import (
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    _retrying_client,
    fake_dynamodb_fixture,  # noqa: F401
)
from .in_threads import in_thread, joined
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import _in_a_fork

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]

#: An UpdateItem that only sets: safe to send again, so retried by a client, and by its owner's.
_SETTING = {
    "TableName": "skill",
    "Key": {"id": {"S": USER}},
    "UpdateExpression": "SET n = :v",
    "ExpressionAttributeValues": {":v": {"N": "1"}},
}

_ON = ["_refuse_if_given_up", "_note_answer"]


def _hooks(client: Any) -> list[str]:
    """The names of alexaskill's handlers botocore calls before an UpdateItem is sent, and when
    its answer comes, in order, each as often as it is called."""
    handlers = client.meta.events._emitter._handlers
    found = [
        *handlers.prefix_search("before-send.dynamodb.UpdateItem"),
        *handlers.prefix_search("response-received.dynamodb.UpdateItem"),
    ]
    return [h.__name__ for h in found if h.__module__.startswith("alexaskill")]


def _failing_store(fake: FakeDynamoDB, client: Any) -> Any:
    """A 500 from ``fake`` for every call, and a store given ``client`` (sends no call)."""
    fake.error = (500, "InternalServerError", "oops")
    return DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)


def _increment(store: DynamoDBStore) -> None:
    """A save with an increment, which the fake fails: sent once, whatever the client's retries."""
    with pytest.raises(StoreError, match="may have been made"):
        anyio.run(store.update, USER, {}, (), {"n": 1})


def _given_up_after_its_first_attempt(store: DynamoDBStore, client: Any) -> None:
    """An UpdateItem of ``store``'s that only sets (retried by ``client``), given up on by the
    store once its first attempt's answer has come, as at its deadline: no retry is sent."""
    given_up = threading.Event()

    def give_up(**_: Any) -> None:
        given_up.set()

    client.meta.events.register("response-received.dynamodb.UpdateItem", give_up)
    try:
        with pytest.raises(_GivenUp):
            store._in_thread(
                lambda client: client.update_item(**_SETTING), "UpdateItem", False, given_up
            )
    finally:
        client.meta.events.unregister("response-received.dynamodb.UpdateItem", give_up)


def _owners_call(client: Any) -> None:
    """An UpdateItem of the client's owner, not the store's: the fake fails each attempt."""
    with pytest.raises(Exception, match="InternalServerError"):
        client.update_item(**_SETTING)


def test_an_owners_call_looking_up_the_handlers_meanwhile_leaves_the_stores_calls_guarded(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # botocore keeps the handlers it looked up for an event (its _emit's _lookup_cache), and a
    # lookup under way when they change keeps the list it found. Taken off at the close and
    # put back by the store's next call, they were missed by its owner's call looking up that
    # event meanwhile, in another thread: the list without them was kept, and the store's calls
    # ran without them, an increment sent again after a 500. They stay on the client now.
    client = _retrying_client(fake_dynamodb.url, 3)
    owner: list[threading.Thread] = []  # (the thread puts itself in, before its call)
    looked_up, go_on, sent = threading.Event(), threading.Event(), threading.Event()
    handlers = client.meta.events._emitter._handlers
    search = handlers.prefix_search

    def pausing(key: str) -> Any:
        found = search(key)
        if key == "before-send.dynamodb.UpdateItem" and threading.current_thread() in owner:
            looked_up.set()  # (found: the owner's call keeps it once it goes on)
            go_on.wait(HANG)
        return found

    def letting_the_owner_on(**_: Any) -> None:
        if threading.current_thread() not in owner:  # the store's call, before its lookup
            go_on.set()
            sent.wait(HANG)

    def owners_call_sent(**_: Any) -> None:
        if threading.current_thread() in owner:
            sent.set()

    def owners_call() -> None:
        owner.append(threading.current_thread())
        _owners_call(client)

    events = client.meta.events
    events.register("before-call.dynamodb.UpdateItem", letting_the_owner_on)
    events.register_last("before-send.dynamodb.UpdateItem", owners_call_sent)
    store = _failing_store(fake_dynamodb, client)
    try:
        anyio.run(store.aclose)
        handlers.prefix_search = pausing
        thread, failures = in_thread(owners_call)
        assert looked_up.wait(HANG)  # the owner's call found the handlers of its UpdateItem
        _increment(store)
        joined(thread, failures, HANG)  # (its pytest.raises, in its thread: handed to this one)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4  # the owner's three, the store's one
    finally:
        go_on.set()
        client.close()


def test_the_handlers_are_inert_for_the_owners_calls_in_another_thread_closed_or_not(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # They act on what the store's worker thread marked (`_waited_for`), during its call only:
    # the owner's calls in another thread, one meanwhile included, are retried as its client is
    # made to, before the store's close and after it; the store's calls stay guarded.
    client = _retrying_client(fake_dynamodb.url, 3)
    store = _failing_store(fake_dynamodb, client)
    begun = threading.Event()

    def owners_call_meanwhile(**_: Any) -> None:
        if not begun.is_set():  # the store's increment, its first attempt about to go
            begun.set()
            # Ended before that attempt goes. (One still running, or what its pytest.raises
            # raised, is raised here, up through the store's call, which raises it as it is.)
            joined(*in_thread(lambda: _owners_call(client)), HANG)

    try:
        client.meta.events.register_last("before-send.dynamodb.UpdateItem", owners_call_meanwhile)
        _increment(store)
        assert begun.is_set()
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4  # the owner's three, the store's one
        anyio.run(store.aclose)
        assert _hooks(client) == _ON  # left on the client
        fake_dynamodb.calls.clear()
        joined(*in_thread(lambda: _owners_call(client)), HANG)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 3
        fake_dynamodb.calls.clear()
        _increment(store)  # (a store closed is used again: its app served again)
        _given_up_after_its_first_attempt(store, client)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 2
    finally:
        client.close()


def test_two_stores_on_one_client_add_the_handlers_once_and_one_closed_leaves_the_other_guarded(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # botocore's unique ids add them once (twice, each attempt of an increment counted twice,
    # its first was refused): the first store's close takes nothing from the second.
    client = _retrying_client(fake_dynamodb.url, 3)
    first = _failing_store(fake_dynamodb, client)
    second = DynamoDBStore("other", client=client, timeout=STORE_TIMEOUT)
    try:
        assert _hooks(client) == _ON
        anyio.run(first.aclose)
        assert _hooks(client) == _ON
        _increment(second)
        _given_up_after_its_first_attempt(second, client)
        _increment(first)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 3  # each sent once
        anyio.run(second.aclose)
        assert _hooks(client) == _ON
    finally:
        client.close()


def test_a_client_a_store_made_given_to_another_store_is_guarded_for_both(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # Counted additions (for taking them off) on a client given, uncounted on the store's own:
    # botocore refused the one after the other (a ValueError, from DynamoDBStore(client=…)).
    # Added once, uncounted, they serve both; the second's close leaves them for the first.
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    first = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    client = first._ready_client()
    try:
        second = DynamoDBStore("other", client=client, timeout=STORE_TIMEOUT)
        assert _hooks(client) == _ON
        anyio.run(second.aclose)
        assert _hooks(client) == _ON
        _given_up_after_its_first_attempt(first, client)
        _given_up_after_its_first_attempt(second, client)
        _increment(second)  # (the first's own client for those makes one attempt)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 3
    finally:
        anyio.run(first.aclose)  # (its client, which it made)


def test_a_child_forked_during_a_call_keeps_the_handlers_on_a_client_given(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # Nothing of the handlers is the parent's threads' to hand over: forked while the store's
    # call was under way in one, the child's calls are guarded as the parent's were.
    client = _retrying_client(fake_dynamodb.url, 3)
    store = _failing_store(fake_dynamodb, client)
    parent, arrived, held = os.getpid(), threading.Event(), threading.Event()

    def holding(**_: Any) -> None:
        if os.getpid() == parent:
            arrived.set()
            held.wait(HANG)

    client.meta.events.register("before-call.dynamodb.GetItem", holding)

    def load() -> None:
        with pytest.raises(StoreError, match="InternalServerError"):
            anyio.run(store.load, USER)

    call, failures = in_thread(load)  # (its pytest.raises: handed to this thread)
    try:
        assert arrived.wait(HANG)  # the call under way, in its thread

        def child() -> bool:
            if _hooks(client) != _ON:
                return False
            _increment(store)
            _given_up_after_its_first_attempt(store, client)
            return True

        assert _in_a_fork(child) == "yes"
    finally:
        held.set()
    joined(call, failures, HANG)
    try:
        fake_dynamodb.settle()
        assert sorted(fake_dynamodb.calls) == ["GetItem"] * 3 + ["UpdateItem"] * 2
    finally:
        client.close()


class _Registering:
    """A stand-in for a client's ``meta.events`` that registers as botocore does, a unique id
    checked, then its handler added, without a lock. ``pausing``: the first registration
    pauses between the two (`inside` set) until another arrives (`came`, which the test's
    lock sets too, `_Knocking`)."""

    def __init__(self, pausing: bool = False) -> None:
        self.added: list[str] = []
        self.inside, self.came = threading.Event(), threading.Event()
        self._ids: set[str] = set()
        self._pausing = pausing

    def register(self, event: str, handler: Any, unique_id: str) -> None:
        if self.inside.is_set():  # another store's (the first's next comes after `came`)
            self.came.set()
        if unique_id in self._ids:
            return
        if self._pausing:
            self._pausing = False
            self.inside.set()
            assert self.came.wait(HANG), "no other registration came"
        self._ids.add(unique_id)
        self.added.append(unique_id)


class _Knocking:
    """`client._HOOKING` as a test swaps it: the lock, which sets ``came`` when a thread finds
    it held, before it waits for it."""

    def __init__(self, came: threading.Event) -> None:
        self._lock = threading.Lock()
        self._came = came

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            self._came.set()
            self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()


def _stand_in(events: _Registering) -> Any:
    """A client with the methods a store checks for, and ``events`` as its ``meta.events``."""
    client = type("Client", (), {"get_item": print, "update_item": print})()
    client.meta = type("Meta", (), {"events": events})()
    return client


def test_two_stores_made_on_one_client_at_once_in_two_threads_add_the_handlers_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore's register checks the unique id, then adds, unguarded: two stores made at the
    # same moment both found it absent, and added each handler twice (each attempt of a save
    # with increments counted twice, its first refused). The first store's registration stops
    # between its check and its addition until the second store arrives: at the lock over the
    # additions (it then waits there), or, without one, at the same check, which it passes.
    from alexaskill.dynamodb import client as hooking

    events = _Registering(pausing=True)
    monkeypatch.setattr(hooking, "_HOOKING", _Knocking(events.came), raising=False)
    client = _stand_in(events)

    def made() -> None:
        DynamoDBStore("skill", client=client)

    first, failed = in_thread(made)
    assert events.inside.wait(HANG)
    second, failed_too = in_thread(made)
    joined(first, failed, HANG)
    joined(second, failed_too, HANG)
    assert sorted(events.added) == ["alexaskill-answer", "alexaskill-given-up"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_child_forked_while_a_store_was_adding_the_handlers_adds_them_to_its_own() -> None:
    # The lock over the additions, held by a thread of the parent at the fork (here, this
    # one), is the child's own: a store made there does not wait for it for ever.
    from alexaskill.dynamodb import client as hooking

    def child() -> bool:
        events = _Registering()
        DynamoDBStore("skill", client=_stand_in(events))
        return len(events.added) == 2

    with hooking._HOOKING:
        assert _in_a_fork(child) == "yes"


@pytest.mark.anyio
async def test_a_client_the_store_made_but_could_not_add_the_handlers_to_is_closed(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Adding the handlers raising (botocore's register changed, say) left the client the store
    # had just made open, and unreachable: aclose closes only the clients the store kept.
    from alexaskill.dynamodb import own_client

    closed: list[Any] = []

    def refusing(client: Any) -> Any:
        close = client.close

        def recorded() -> None:
            closed.append(client)
            close()

        client.close = recorded
        raise RuntimeError("no handlers today")

    monkeypatch.setattr(own_client, "_hook", refusing)
    store = DynamoDBStore("skill", region="us-east-1")
    with anyio.fail_after(HANG), pytest.raises(StoreError, match="no handlers today"):
        await store.load(USER)
    assert len(closed) == 1
    await store.aclose()
    assert len(closed) == 1

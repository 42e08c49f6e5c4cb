"""The handlers `DynamoDBStore` adds to a botocore client it is given (`dynamodb.client._hook`):
once however many stores share it, there while a store uses it, gone once all are closed."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore

pytestmark = pytest.mark.oldest_dependencies


def _client() -> Any:
    import botocore.session

    return botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # (made up: nothing is sent)
    )


def _hooks(client: Any) -> list[str]:
    """The names of alexaskill's handlers botocore calls before a GetItem is sent, and when its
    answer comes, in order, each as often as it is called."""
    handlers = client.meta.events._emitter._handlers
    found = [
        *handlers.prefix_search("before-send.dynamodb.GetItem"),
        *handlers.prefix_search("response-received.dynamodb.GetItem"),
    ]
    return [h.__name__ for h in found if h.__module__.startswith("alexaskill")]


_ON = ["_refuse_if_given_up", "_note_answer"]


def _answering(
    client: Any, held: threading.Event | None = None, arrived: threading.Event | None = None
) -> list[str]:
    """Make ``client``'s GetItems answer ``{}`` without sending them (after ``held`` is set, if
    given, ``arrived`` set first); returns the hooks seen on the client at each."""
    from botocore.awsrequest import AWSResponse

    seen: list[str] = []

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        if arrived is not None:
            arrived.set()
        if held is not None:
            held.wait(10)
        seen.extend(_hooks(client))
        return AWSResponse("https://dynamodb.invalid", 200, {}, None), {}

    client.meta.events.register("before-call.dynamodb.GetItem", answer)
    return seen


@pytest.mark.anyio
async def test_a_client_given_loses_the_stores_handlers_when_the_store_is_closed() -> None:
    # They stayed on the client after aclose: on a client shared with other code, alexaskill's
    # handlers ran before each of its calls, and on each answer, for as long as it lived.
    client = _client()
    store = DynamoDBStore("table", client=client)
    assert _hooks(client) == _ON
    await store.aclose()
    assert _hooks(client) == []
    await store.aclose()  # (again: nothing more to remove)
    assert _hooks(client) == []


@pytest.mark.anyio
async def test_two_stores_on_one_client_add_the_handlers_once_and_keep_them_till_both_close() -> (
    None
):
    client = _client()
    first = DynamoDBStore("table", client=client)
    second = DynamoDBStore("other", client=client)
    assert _hooks(client) == _ON  # (once: botocore's unique ids)
    await first.aclose()
    assert _hooks(client) == _ON  # the second still uses them
    await second.aclose()
    assert _hooks(client) == []


@pytest.mark.anyio
async def test_a_store_used_again_after_its_close_puts_its_handlers_back() -> None:
    # A store stays usable after aclose (the app served again): its calls are guarded as before.
    client = _client()
    seen = _answering(client)
    store = DynamoDBStore("table", client=client)
    await store.aclose()
    assert await store.load("user") == {}
    assert seen == _ON
    assert _hooks(client) == _ON
    await store.aclose()
    assert _hooks(client) == []


@pytest.mark.anyio
async def test_a_call_under_way_at_the_close_keeps_the_handlers_till_it_ends() -> None:
    # A call under way (a thread left behind, retrying a save the store gave up on) must still
    # be stopped by them: they go when it ends.
    client = _client()
    held, arrived = threading.Event(), threading.Event()
    seen = _answering(client, held, arrived)
    store = DynamoDBStore("table", client=client)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(store.load, "user")
        # The call in its thread, held (a sleep let a loaded machine close before it began,
        # which took the handlers off at once: the check below failed).
        assert await anyio.to_thread.run_sync(arrived.wait, 10)
        await store.aclose()
        assert _hooks(client) == _ON
        held.set()
    assert seen == _ON
    assert _hooks(client) == []


def test_a_child_forked_during_a_call_under_way_at_the_close_takes_the_handlers_off() -> None:
    # Forked while a call, under way at the close, kept them (and a thread held the lock that
    # guards them): the child has not that call's thread, so nothing was left to take them off,
    # and it waited for the locks for ever. `_Hooked.forked` counts no call and makes a lock,
    # and `client._HOOKING` is made anew in the child.
    import os

    from alexaskill.dynamodb import client as hooks

    from .test_store_fork import _held, _in_a_fork

    client = _client()
    parent, arrived, held = os.getpid(), threading.Event(), threading.Event()

    def answer(**_: Any) -> tuple[Any, dict[str, Any]]:
        from botocore.awsrequest import AWSResponse

        if os.getpid() == parent:
            arrived.set()
            held.wait(10)
        return AWSResponse("https://dynamodb.invalid", 200, {}, None), {}

    client.meta.events.register("before-call.dynamodb.GetItem", answer)
    store = DynamoDBStore("table", client=client)
    call = threading.Thread(target=anyio.run, args=(store.load, "user"))
    call.start()
    try:
        assert arrived.wait(10)  # the call under way, in its thread
        anyio.run(store.aclose)
        assert _hooks(client) == _ON  # (kept for that call)
        hooked = store._hooked
        assert hooked is not None

        def child() -> bool:
            if _hooks(client) or not hooked._lock.acquire(timeout=5):
                return False
            hooked._lock.release()
            if anyio.run(store.load, "user") != {} or _hooks(client) != _ON:
                return False
            anyio.run(store.aclose)  # (no call of the parent's counted: they go at once)
            return _hooks(client) == []

        with _held(hooked._lock), _held(hooks._HOOKING):
            assert _in_a_fork(child) == "yes"
    finally:
        held.set()
        call.join()
    assert _hooks(client) == []


def test_a_store_closing_while_another_on_its_client_puts_the_handlers_back_keeps_them() -> None:
    # Each store's changes to the handlers were guarded by its own lock: two stores on one client
    # changed botocore's count of them at once (its register and unregister are not made to run
    # together). One's close, about to take them off (its count at 1), let the other's call put
    # them back (the count to 2), then took them off the client: that call and the next ran
    # unguarded, a retry of a save given up on sent all the same. Now one lock guards them all.
    client = _client()
    first = DynamoDBStore("table", client=client)
    second = DynamoDBStore("other", client=client)
    assert first._hooked is not None and second._hooked is not None
    anyio.run(first.aclose)  # (first's call under way below puts them back)
    emitter = client.meta.events._emitter
    entering: list[threading.Thread] = []

    class Pausing(dict[str, Any]):
        def pop(self, *args: Any) -> Any:
            if not entering:  # (once: the second's close, the last count of the first handler)
                entering.append(threading.Thread(target=first._hooked.entered))  # type: ignore[union-attr]
                entering[0].start()
                entering[0].join(2)  # done, or waiting for the lock this close holds
            return super().pop(*args)

    emitter._unique_id_handlers = Pausing(emitter._unique_id_handlers)
    anyio.run(second.aclose)
    entering[0].join()
    assert _hooks(client) == _ON  # the first's call under way has them
    first._hooked.left()
    assert _hooks(client) == []  # (the first closed: gone once its call ends)


@pytest.mark.usefixtures("aws_env")
def test_a_client_a_store_made_given_to_another_store_keeps_its_handlers_for_the_first() -> None:
    # The store's own client had them added uncounted, a client given counted: botocore refuses
    # the one after the other (a ValueError, from DynamoDBStore(client=…)). Counted alike now,
    # the second store's close leaves them for the first, whose client it is.
    first = DynamoDBStore("table", region="us-east-1", endpoint_url="http://127.0.0.1:1")
    client = first._ready_client()
    assert _hooks(client) == _ON
    second = DynamoDBStore("other", client=client)
    assert _hooks(client) == _ON
    anyio.run(second.aclose)
    assert _hooks(client) == _ON
    anyio.run(first.aclose)

"""DynamoDBStore's retries: a write that adds (an increment) never sent twice, through its own
client or one given; a save given up not sent again; a client given keeping its own retries.

Errors moto cannot make come from a small fake DynamoDB (fake_dynamodb.py) on 127.0.0.1; the
rest from moto's server (``moto_endpoint``).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .dynamodb_shared import USER
from .fake_dynamodb import (
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    _FailingAtCreation,
    _retrying_client,
    clients_made,
    fake_dynamodb_fixture,  # noqa: F401
    given_up_once_held,
    no_more_calls,
    one_attempt_store,
    threads_ended,
)
from .moto_server import botocore_data_once  # noqa: F401

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]

#: An UpdateItem of the store's kind: a write that adds, which a client given does not send again.
_ADDING_WRITE = {
    "TableName": "skill",
    "Key": {"id": {"S": USER}},
    "UpdateExpression": "SET n = :v",
    "ExpressionAttributeValues": {":v": {"N": "1"}},
}


async def _aclose(*pairs: tuple[DynamoDBStore, Any]) -> None:
    """Close each store of ``pairs``, then the client it was given, whatever any close did (as
    `one_attempt_store` closes its pair): one left open keeps its connections and threads past
    the test. A failure is raised, any other in its context."""
    async with contextlib.AsyncExitStack() as closing:
        # (Run last first, each whatever those before raised: the clients after every store.)
        for _, client in pairs:
            closing.callback(client.close)
        for store, _ in pairs:
            closing.push_async_callback(store.aclose)


def _close(store: DynamoDBStore, client: Any) -> None:
    """`_aclose` of ``store`` and ``client`` for a test not run in an event loop."""
    anyio.run(_aclose, (store, client))


@pytest.mark.anyio
async def test_a_write_that_adds_is_never_sent_twice(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore retried an UpdateItem whose answer was lost (no answer in time, a 500) though
    # DynamoDB may have applied it: an increment was added twice (3 stored where 2 were due).
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="InternalServerError"):
            await store.update(USER, {"a": 1}, (), increments={"n": 1})
        assert fake_dynamodb.calls == ["UpdateItem"]
        fake_dynamodb.calls.clear()
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="InternalServerError"):
            await store.update(USER, {"a": 1}, ())  # sets and removes: safe to repeat, retried
        assert fake_dynamodb.calls == ["UpdateItem"] * 3
        # Throttled: refused before anything was applied, so tried again, increments or not.
        fake_dynamodb.calls.clear()
        fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled UpdateItem"):
            await store.update(USER, {}, (), increments={"n": 1})
        assert fake_dynamodb.calls == ["UpdateItem"] * 3

    # No answer within the timeout: the write is abandoned, and never sent again. (Given up
    # once the fake holds it, `given_up_once_held`: by the clock, 0.5 s could run out before
    # the store's thread had sent it, on a loaded machine.)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    async with contextlib.aclosing(store):
        await clients_made(fake_dynamodb, lambda: store.update(USER, {}, (), increments={"n": 1}))
        ended = threads_ended(store, monkeypatch)
        with anyio.fail_after(HANG):
            raised, _ = await given_up_once_held(
                fake_dynamodb, lambda: store.update(USER, {}, (), increments={"n": 1})
            )
        assert isinstance(raised, StoreError) and "may have been made" in str(raised), raised
        await no_more_calls(fake_dynamodb, ended)  # botocore's read timeout (0.5 s) ends it
        assert fake_dynamodb.calls == ["UpdateItem"]


@pytest.mark.anyio
@pytest.mark.parametrize("own_client", [True, False])
async def test_a_save_given_up_is_not_sent_again_after_the_apology(
    fake_dynamodb: FakeDynamoDB, own_client: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store gave up at its deadline (the user hears the apology) while botocore, in the
    # thread left behind, went on retrying the UpdateItem: applied after the apology, it could
    # overwrite what the user's next request saved meanwhile. A botocore read timeout longer
    # than the store's deadline keeps the first attempt hanging until the store has given up.
    # The deadline is reached once the fake holds the UpdateItem (`given_up_once_held`), not by
    # the clock: 0.5 s ran out, on a loaded machine, before the store's thread had sent it.
    import botocore.config
    import botocore.session

    config = botocore.config.Config
    monkeypatch.setattr(
        botocore.config, "Config", lambda **options: config(**{**options, "read_timeout": 20})
    )
    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=fake_dynamodb.url,
        config=config(read_timeout=20, retries={"mode": "standard", "total_max_attempts": 3}),
    )
    if own_client:
        store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    else:
        store = DynamoDBStore("skill", client=client, timeout=0.5)
    try:
        # No load first to make the client: the store makes it (slow on a loaded machine)
        # before the UpdateItem's deadline starts.
        fake_dynamodb.error = None  # the UpdateItem hangs
        ended = threads_ended(store, monkeypatch)
        with anyio.fail_after(HANG):
            raised, deadlines = await given_up_once_held(
                fake_dynamodb, lambda: store.update(USER, {"a": 1}, ())
            )
        assert isinstance(raised, StoreError) and "may have been made" in str(raised), raised
        assert deadlines == [0.5]  # the store's own deadline, given up at
        # Given up. The hanging attempt now ends (the connection closes) and the server errs:
        # botocore retries both, unless told that nobody waits for the answer any more.
        fake_dynamodb.error = (500, "InternalServerError", "oops")
        fake_dynamodb.release.set()
        await no_more_calls(fake_dynamodb, ended)
        assert fake_dynamodb.calls == ["UpdateItem"]
    finally:
        await _aclose((store, client))


@pytest.mark.anyio
async def test_a_client_given_sends_no_write_that_adds_twice(fake_dynamodb: FakeDynamoDB) -> None:
    # A save with increments is sent again only when throttled (DynamoDB then applied
    # nothing): an attempt answered otherwise may have been applied, and sent again it counts
    # twice. Through a client given, botocore's own retries sent it again (4 times with the
    # client below): the store's own client for such writes makes one attempt.
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    client = _retrying_client(fake_dynamodb.url, 3)
    store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
    client2 = _retrying_client(fake_dynamodb.url, 2)
    throttled = DynamoDBStore("skill", client=client2, timeout=STORE_TIMEOUT)
    try:
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"visits": 1})
        assert "InternalServerError: oops" in str(info.value)
        assert "the write may have been made" in str(info.value)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"]
        # A write that only sets is safe to send again: the client's retries are its own.
        with anyio.fail_after(HANG), pytest.raises(StoreError):
            await store.update(USER, {"a": 1}, ())
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4
        # Nor is throttling refused: DynamoDB applied nothing.
        fake_dynamodb.calls.clear()
        fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled"):
            await throttled.update(USER, {}, (), increments={"visits": 1})
        fake_dynamodb.settle()
        assert len(fake_dynamodb.calls) > 2  # the client's second attempt, and the store's
    finally:
        await _aclose((store, client), (throttled, client2))


def test_a_client_given_retries_its_owners_calls_after_the_stores(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The mark of a write that adds, left in the worker thread after the store's call, made
    # the client refuse the retries of its owner's own calls later in that thread.
    from botocore.exceptions import ClientError

    fake_dynamodb.error = (500, "InternalServerError", "oops")
    client = _retrying_client(fake_dynamodb.url, 3)
    store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
    try:
        with pytest.raises(StoreError):  # the store's, in this thread: sent once
            store._in_thread(lambda client: client.update_item(**_ADDING_WRITE), "UpdateItem", True)
        with pytest.raises(ClientError):  # its owner's, in the same thread: retried
            client.update_item(**_ADDING_WRITE)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4
    finally:
        _close(store, client)


@pytest.mark.anyio
async def test_a_client_given_keeps_no_answer_of_its_owners_calls(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The store's response-received handler kept every answer the client got, its owner's
    # calls' too, in the calling thread until that thread's next call: an item read (up to
    # 400 KB of a user's data) or an error with its traceback, held for as long as a thread
    # of the owner's lived. Only a write that adds needs it, and only during that write.
    from botocore.exceptions import ClientError

    from alexaskill.dynamodb.client import _waited_for

    fake_dynamodb.error = (400, "ValidationException", "no")
    async with one_attempt_store(fake_dynamodb.url) as (client, _):  # (the store's handlers)

        def owners_call() -> object:
            with pytest.raises(ClientError):
                client.get_item(TableName="skill", Key={"id": {"S": USER}})
            return getattr(_waited_for, "last", None)

        kept: list[object] = []
        thread = threading.Thread(target=lambda: kept.append(owners_call()), daemon=True)
        thread.start()
        await anyio.to_thread.run_sync(thread.join, HANG)
        assert kept == [None]


@pytest.mark.anyio
async def test_throttling_through_a_client_given_names_no_attempts_it_did_not_count(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The line said "after 3 attempts", the store's own count, for a client given whose retries
    # are its owner's (2 here, and as many as its owner likes).
    fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
    client = _retrying_client(fake_dynamodb.url, 2)
    store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
    try:
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled GetItem") as info:
            await store.load(USER)
        assert "3 attempts" not in str(info.value)
        assert "the client given" in str(info.value)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["GetItem"] * 2
    finally:
        await _aclose((store, client))


@pytest.mark.parametrize(
    ("answered", "said", "cause"),
    [
        (True, "UpdateItem failed (InternalServerError: oops)", "ClientError"),
        (False, "the connection closed before the answer to UpdateItem", "ConnectionClosedError"),
    ],
)
def test_a_write_that_adds_raises_what_its_one_attempt_got(
    fake_dynamodb: FakeDynamoDB, answered: bool, said: str, cause: str
) -> None:
    # Through a client given, a write that adds is not sent again: the store raises what its
    # one attempt got (`_last_attempt`): an error's answer, as a ClientError, or botocore's
    # exception itself (a dropped connection), with none of the refusal to retry in its chain.
    if answered:
        fake_dynamodb.error = (500, "InternalServerError", "oops")
    else:
        fake_dynamodb.release.set()  # the fake answers nothing: each connection dropped
    client = _retrying_client(fake_dynamodb.url, 3)
    store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
    try:
        with pytest.raises(StoreError) as info:
            store._in_thread(lambda client: client.update_item(**_ADDING_WRITE), "UpdateItem", True)
        assert said in str(info.value)
        assert "(the write may have been made)" in str(info.value)
        failed = info.value.__cause__
        assert type(failed).__name__ == cause
        assert failed is not None and failed.__cause__ is None and failed.__suppress_context__
    finally:
        _close(store, client)
    fake_dynamodb.settle()
    assert fake_dynamodb.calls == ["UpdateItem"]  # sent once: it may have been applied


def test_a_write_that_adds_leaves_no_cycle_holding_the_frames_that_failed(aws_env: None) -> None:
    # The exception its one attempt got (a dropped connection) is raised as the store's
    # failure's cause, its context the refusal to send it again, whose traceback holds the
    # frames that failed. Two cycles held them, and their locals, until the cycle collector
    # ran: `_in_thread` raised the exception from a local (now `_last_attempt` makes it), and
    # `_refuse_if_given_up` kept it in a local of its frame, which the refusal's traceback
    # holds. botocore is stood in for by its two events, fired as it fires them: its endpoint
    # keeps the refusal in a cycle of its own (`_send_request` raises it from a local),
    # whatever the store does.
    import gc
    import weakref
    from types import SimpleNamespace

    from botocore.exceptions import ConnectionClosedError

    from alexaskill.dynamodb.client import _note_answer, _refuse_if_given_up

    class Held:
        pass

    held: list[weakref.ref[Held]] = []

    def dropped() -> ConnectionClosedError:
        try:
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1:9")
        except ConnectionClosedError as exc:
            return exc

    def adding(client: Any) -> None:
        local = Held()  # a local of the failing frame
        held.append(weakref.ref(local))
        sent = SimpleNamespace(context={})  # what each attempt's request carries, or less
        _refuse_if_given_up(request=sent)  # the first attempt: sent
        _note_answer(exception=dropped())  # its connection dropped
        _refuse_if_given_up(request=sent)  # botocore's retry of it: refused

    store = DynamoDBStore("skill", client=_FailingAtCreation())
    gc.disable()
    try:
        with pytest.raises(StoreError, match="the connection closed before") as info:
            store._in_thread(adding, "UpdateItem", True)
        assert isinstance(info.value.__cause__, ConnectionClosedError)
        del info
        assert held and held[0]() is None
    finally:
        gc.enable()
        anyio.run(store.aclose)


@pytest.mark.anyio
async def test_one_attempt_store_closes_its_client_when_the_store_fails_to_close(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The helper's own clean-up: a store whose aclose raised left the client open (its
    # connections, its threads) past the test, into the next ones on this worker.
    async def failing(self: DynamoDBStore) -> None:
        raise RuntimeError("the store's close failed")

    monkeypatch.setattr(DynamoDBStore, "aclose", failing)
    closed: list[bool] = []
    with pytest.raises(RuntimeError, match="the store's close failed"):
        async with one_attempt_store(fake_dynamodb.url) as (client, _):
            close = client.close

            def noted() -> None:
                closed.append(True)
                close()

            monkeypatch.setattr(client, "close", noted)
    assert closed == [True]


@pytest.mark.anyio
async def test_aclose_closes_every_store_and_client_whatever_a_close_did(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The tests' own clean-up in an event loop: a store whose aclose raised skipped the closes
    # after it (the other store's, the clients'), which left their connections and threads
    # open past the test, into the next ones on this worker.
    closed: list[str] = []

    async def failing(self: DynamoDBStore) -> None:
        closed.append(self.table)
        raise RuntimeError("the store's close failed")

    class Client(_FailingAtCreation):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def close(self) -> None:
            closed.append(self.name)

    def pair(table: str) -> tuple[DynamoDBStore, Client]:
        client = Client(f"{table}'s client")
        return DynamoDBStore(table, client=client), client

    monkeypatch.setattr(DynamoDBStore, "aclose", failing)
    with pytest.raises(RuntimeError, match="the store's close failed"):
        await _aclose(pair("one"), pair("two"))
    assert sorted(closed) == ["one", "one's client", "two", "two's client"]

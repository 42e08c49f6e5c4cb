"""DynamoDBStore making its table (``create_table=True``): a creation refused, throttled or
failed said as that, shared by the calls waiting for it, which may give up; a table deleted
since made again; closing while it is made.

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
    RecordingClient,
    _FailingAtCreation,
    _retrying_client,
    fake_dynamodb_fixture,  # noqa: F401
)
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


@pytest.mark.anyio
async def test_closing_while_the_table_is_made_holds_up_no_event_loop(aws_env: None) -> None:
    # The first call holds the store's lock while it creates the table (up to a minute: the
    # creation, then the wait for it to be active). aclose took that lock on the event loop:
    # the shutdown's bound (close_within) could not cut it short, nor could any other request
    # of the process go on meanwhile.

    from alexaskill.store.closing import close_within

    creating, created = threading.Event(), threading.Event()
    closed_clients: list[object] = []

    class SlowToCreate:
        def create_table(self, **params: Any) -> None:
            creating.set()
            # Set by the test, else (the old code holding the event loop) after HANG: the test
            # then fails rather than hangs.
            created.wait(HANG)

        def describe_table(self, **params: Any) -> dict[str, Any]:
            return {"Table": {"TableStatus": "ACTIVE"}}

        def get_item(self, **params: Any) -> dict[str, Any]:
            return {}

        def close(self) -> None:
            closed_clients.append(self)

    store = DynamoDBStore("skill", create_table=True, timeout=STORE_TIMEOUT)
    store._make_client = lambda attempts: SlowToCreate()  # type: ignore[method-assign]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(store.load, USER)
        await anyio.to_thread.run_sync(creating.wait, HANG)
        try:
            closed = await close_within(store.aclose, 0.05, "the store")
            assert not closed
            assert not created.is_set()  # given up on, the creation still under way
        finally:
            created.set()  # the load, then the close, end
    with anyio.fail_after(HANG):
        while not closed_clients:  # the close given up on goes on by itself
            await anyio.sleep(0.01)


@pytest.mark.anyio
async def test_a_table_deleted_after_the_store_made_it_is_made_again(
    dynamodb_endpoint: str,
) -> None:
    # create_table=true made the table once per process: deleted after (DynamoDB Local or
    # LocalStack restarted without persistence), every load and save failed until a restart,
    # each saying "let the store create it (create_table=true)", which it was told already.
    from .dynamodb_shared import botocore_client, new_table

    store = DynamoDBStore(
        new_table(), endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    client = botocore_client(dynamodb_endpoint)
    try:
        await store.update(USER, {"a": 1}, ())
        client.delete_table(TableName=store.table)
        with pytest.raises(StoreError) as info:
            await store.load(USER)
        message = str(info.value)
        assert "does not exist" in message
        assert "creates it again" in message
        assert "(create_table=true)" not in message
        assert await store.load(USER) == {}  # made again: the data went with the table
        await store.update(USER, {"a": 2}, ())
        assert await store.load(USER) == {"a": 2}
    finally:
        client.close()
        await store.aclose()


@pytest.mark.anyio
async def test_a_refused_table_creation_is_said_as_that(fake_dynamodb: FakeDynamoDB) -> None:
    # With create_table=true the first call creates the table. A role without
    # dynamodb:CreateTable failed it saying "AWS refused GetItem", and that the role needs
    # dynamodb:GetItem and dynamodb:UpdateItem: neither the operation refused nor the
    # permission it lacks.
    fake_dynamodb.error = (
        400,
        "AccessDeniedException",
        "User: arn:aws:sts::1:assumed-role/skill is not authorized to perform: "
        "dynamodb:CreateTable",
    )
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=STORE_TIMEOUT
    )
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
    message = str(info.value)
    assert "AWS refused CreateTable" in message
    assert "dynamodb:CreateTable and dynamodb:DescribeTable" in message


@pytest.mark.anyio
async def test_closing_with_the_lock_free_starts_no_thread(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At exit (the Lambda handler closes the stores from atexit) Python 3.12 and later start
    # no thread ("can't create new thread at interpreter shutdown"): aclose, which took the
    # store's lock in a worker thread, failed there. With the lock free it closes in place.
    import anyio.to_thread

    closed: list[str] = []

    class Client:
        def __init__(self, name: str) -> None:
            self.name = name

        def close(self) -> None:
            closed.append(self.name)

    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("can't create new thread at interpreter shutdown")

    store = DynamoDBStore("skill", timeout=STORE_TIMEOUT)
    store._client, store._adding_client = Client("reads"), Client("adds")
    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    await store.aclose()
    assert closed == ["reads", "adds"]
    assert store._client is None and store._adding_client is None


@pytest.mark.anyio
@pytest.mark.parametrize("given", [False, True])
async def test_a_table_made_by_a_save_that_adds_keeps_its_retries(
    fake_dynamodb: FakeDynamoDB, given: bool
) -> None:
    # With create_table=true the first call makes the table. When that call was a save with
    # increments, the mark of a write that adds was set over the table's creation too: its
    # CreateTable, answered a 500, was not tried again, and the failure was said as the save's
    # ("UpdateItem failed ... the write may have been made"), which was never sent.
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    client = _retrying_client(fake_dynamodb.url, 3) if given else None
    endpoint = None if given else fake_dynamodb.url  # (a client given has its own)
    store = DynamoDBStore(
        "skill", endpoint_url=endpoint, create_table=True, timeout=STORE_TIMEOUT, client=client
    )
    try:
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"visits": 1})
        message = str(info.value)
        assert "CreateTable failed (InternalServerError: oops)" in message
        assert "the write may have been made" not in message
        await anyio.to_thread.run_sync(fake_dynamodb.settle)
        assert fake_dynamodb.calls == ["CreateTable"] * 3
    finally:
        await store.aclose()
        if client is not None:
            client.close()


@pytest.mark.anyio
async def test_a_table_not_found_while_being_made_is_not_said_as_deleted_since(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # A ResourceNotFoundException out of the very first creation (CreateTable, or the
    # DescribeTable after it) was said as "though the store made or found it: deleted since":
    # the store had made or found nothing yet.
    fake_dynamodb.error = (400, "ResourceNotFoundException", "Requested resource not found")
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=STORE_TIMEOUT
    )
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="CreateTable") as info:
            await store.load(USER)
    assert "made or found it" not in str(info.value)
    assert "deleted since" not in str(info.value)


@pytest.mark.anyio
async def test_calls_waiting_for_the_tables_creation_share_its_failure(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # With create_table=true and DynamoDB failing (unreachable: ~9 s for the 3 attempts), each
    # call queued behind the first creation tried it again in turn, once it had the lock: the
    # tenth request waited ~90 s, holding a worker thread (those of sync handlers) all along.
    # A creation that fails now fails the calls that were waiting for it, at once.
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=STORE_TIMEOUT
    )
    failures: list[BaseException] = []

    async def load() -> None:
        try:
            await store.load(USER)
        except StoreError as exc:
            failures.append(exc)

    try:
        with anyio.fail_after(HANG):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(load)  # its CreateTable hangs (the fake answers nothing yet)
                while not fake_dynamodb.calls:
                    await anyio.sleep(0.01)
                tasks.start_soon(load)
                tasks.start_soon(load)
                while store._readying is None or store._readying.waiting < 3:  # both others
                    await anyio.sleep(0.01)  # waiting for the first's making of the table
                fake_dynamodb.error = (500, "InternalServerError", "oops")
                fake_dynamodb.release.set()
        await anyio.to_thread.run_sync(fake_dynamodb.settle)
        assert len(failures) == 3
        assert all("CreateTable" in str(failure) for failure in failures)
        assert fake_dynamodb.calls == ["CreateTable"] * 3  # the first call's attempts only
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_call_waiting_for_the_table_to_be_made_can_be_cancelled(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The first call's making of the table (create_table=true) ran in a worker thread that a
    # cancellation did not abandon: the skill's response deadline, which cancels the request,
    # waited for it (the 3 attempts at CreateTable, up to a minute for the table to be ACTIVE),
    # and Alexa got no answer in time. Abandoned now, as the call's own work is; the creation
    # goes on in its thread, holding the store's lock, for the next call.
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=5)

    async def cancel_once_sent(scope: anyio.CancelScope) -> None:
        with anyio.fail_after(HANG):
            while not fake_dynamodb.calls:  # the fake answers nothing: CreateTable hangs
                await anyio.sleep(0.01)
        scope.cancel()

    try:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(cancel_once_sent, scope)
                await store.load(USER)
        assert scope.cancelled_caught
        # Back while the table is still being made (its thread holds the lock until botocore
        # gives up, 3 read timeouts of 5 s): a call that waited for the thread came back only
        # once it was done, cancelled all the same. (An order of events, not a time.)
        assert store._lock.locked(), "the cancelled call waited for the table's making to end"
    finally:
        fake_dynamodb.release.set()  # the thread's attempts end (no answer: a dropped connection)
        with anyio.fail_after(HANG):
            await store.aclose()  # waits for the store's lock: the thread is done with it


@pytest.mark.anyio
async def test_a_throttled_table_creation_is_not_told_to_raise_the_tables_capacity(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB throttles CreateTable and DescribeTable (control-plane calls: many instances of a
    # function starting at once with create_table=true) by the account's rate of such calls,
    # not by the table's capacity, which the line said to raise (the table may not exist).
    fake_dynamodb.error = (400, "ThrottlingException", "Rate of requests exceeds the allowed rate")
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=STORE_TIMEOUT
    )
    async with contextlib.aclosing(store):
        with (
            anyio.fail_after(HANG),
            pytest.raises(StoreError, match="throttled CreateTable") as info,
        ):
            await store.load(USER)
    assert "capacity" not in str(info.value)
    assert "create the table beforehand" in str(info.value)


@pytest.mark.anyio
async def test_calls_given_up_while_the_table_is_made_leave_no_thread_each(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # While the first call made the table (create_table=true: up to a minute), each later call
    # waited for the store's lock in a worker thread of its own, which its cancellation (the
    # skill's answer deadline) abandoned, still waiting: anyio counts an abandoned thread no
    # more, so every request of that minute left one more thread, without bound.
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=STORE_TIMEOUT
    )
    try:
        with anyio.move_on_after(0.05):  # the fake answers nothing: CreateTable hangs
            await store.load(USER)
        with anyio.fail_after(HANG):
            while not fake_dynamodb.calls:
                await anyio.sleep(0.01)
        before = threading.active_count()
        for _ in range(10):
            with anyio.move_on_after(0.05) as scope:
                await store.load(USER)
            assert scope.cancelled_caught
        assert threading.active_count() - before <= 1  # (an idle worker of anyio's, at most)
        assert fake_dynamodb.calls == ["CreateTable"]
    finally:
        fake_dynamodb.release.set()  # the attempts end (no answer: a dropped connection)
        with anyio.fail_after(HANG):
            await store.aclose()


@pytest.mark.anyio
async def test_a_failed_creation_is_kept_without_its_frames(aws_env: None) -> None:
    # The failure of the table's creation was kept, for the calls that waited for it, as the
    # exception itself, with its traceback: the frames of the thread that failed, and all
    # their locals, stayed alive until the next creation, for the process's life if none came.
    import gc
    import weakref

    from botocore.exceptions import ClientError

    class Held:
        pass

    held: list[weakref.ref[Held]] = []

    class Refusing:
        def create_table(self, **params: Any) -> None:
            local = Held()  # a local of the failing frame
            held.append(weakref.ref(local))
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "CreateTable"
            )

        def close(self) -> None:
            pass

    store = DynamoDBStore("skill", create_table=True, timeout=STORE_TIMEOUT)
    store._make_client = lambda attempts: Refusing()  # type: ignore[method-assign]
    with anyio.fail_after(HANG), pytest.raises(StoreError, match="AWS refused CreateTable") as info:
        await store.load(USER)
    del info
    gc.collect()
    try:
        assert held and held[0]() is None
        assert store._creation_failed is not None  # what is kept still says what failed
        with pytest.raises(StoreError, match="AWS refused CreateTable"):
            from alexaskill.dynamodb.creating import _make_table

            _make_table(store, Refusing(), 0.0, "GetItem")
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_failure_that_is_no_store_error_is_raised_anew_in_each_waiting_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Such a failure (an error of a client given, a thread not started) was kept as the
    # exception and raised in every call waiting for the making: one object whose traceback
    # grew at each raise, holding every caller's frames and locals alive as long as any of
    # the calls' errors was kept.
    import gc
    import weakref

    class Held:
        pass

    held: list[weakref.ref[Held]] = []
    failures: list[BaseException] = []
    client = _FailingAtCreation()
    store = DynamoDBStore("skill", client=client, create_table=True)

    async def load() -> None:
        local = Held()  # a local of each waiting caller's frame
        held.append(weakref.ref(local))
        try:
            await store.load(USER)
        except Exception as exc:
            failures.append(exc)

    with anyio.fail_after(HANG):
        async with anyio.create_task_group() as tasks:
            for _ in range(4):
                tasks.start_soon(load)
            while store._readying is None or store._readying.waiting < 4:
                await anyio.sleep(0.01)
            client.finish.set()
    assert len(failures) == 4
    assert len({id(failure) for failure in failures}) == 4  # each call its own
    kept = failures.pop()
    failures.clear()
    gc.collect()
    assert sum(ref() is not None for ref in held) <= 1  # the last caller's, in ``kept`` alone
    assert isinstance(kept, StoreError)
    assert "RuntimeError: the client's own failure" in str(kept)
    # The operator still has its traceback: logged once, by the thread that made the client.
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1
    assert "the client's own failure" in str(logged[0].exc_info[1])  # type: ignore[index]


class _SlowTableClient(RecordingClient):
    """A stand-in client whose CreateTable returns once ``finish`` is set, the table ACTIVE."""

    def __init__(self) -> None:
        super().__init__()
        self.finish = threading.Event()

    def create_table(self, **params: Any) -> dict[str, Any]:
        self.finish.wait(HANG)
        return {}

    def describe_table(self, **params: Any) -> dict[str, Any]:
        return {"Table": {"TableStatus": "ACTIVE"}}


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_calls_waiting_for_the_table_are_woken_when_it_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The calls waiting for the thread making the client and table (create_table=true) slept
    # and looked again, the pause doubling up to 50 ms: they learnt it was made up to 50 ms
    # late (the first requests of a cold start) and woke twenty times a second meanwhile. How
    # late is no test's business here (shared machines); that they never sleep to look again is.
    client = _SlowTableClient()
    store = DynamoDBStore("table", client=client, create_table=True)
    pauses: list[float] = []
    sleep = anyio.sleep

    async def counted(delay: float) -> None:
        pauses.append(delay)
        await sleep(delay)

    monkeypatch.setattr(anyio, "sleep", counted)
    with anyio.fail_after(HANG):
        async with anyio.create_task_group() as tasks:
            for _ in range(3):
                tasks.start_soon(store.load, USER)
            while store._readying is None or store._readying.waiting < 3:
                await sleep(0.01)  # all three wait for the making, at their first pause if any
            client.finish.set()
    assert pauses == []
    assert len(client.calls) == 3  # each load was made, once the table was

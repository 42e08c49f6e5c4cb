"""`DynamoDBStore`'s clients and table (``create_table=True``) made once for the calls waiting."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import StoreError
from .client import _errors
from .errors import _code
from .explaining import _said

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []

logger = logging.getLogger("alexaskill")

#: How long ``create_table=True`` waits for a new table to become active.
_CREATE_WAIT: Final = 60.0


def _create_table(store: DynamoDBStore, client: Any) -> None:
    """In a worker thread: CreateTable unless it exists, then DescribeTable until ACTIVE."""
    try:
        client.create_table(
            TableName=store.table,
            KeySchema=[{"AttributeName": store.partition_key_name, "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": store.partition_key_name, "AttributeType": "S"}
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    except _errors().ClientError as exc:
        if _code(exc) != "ResourceInUseException":  # it exists (or is being created)
            raise
    deadline = time.monotonic() + _CREATE_WAIT
    while True:
        status = client.describe_table(TableName=store.table)["Table"].get("TableStatus")
        if status == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise StoreError(
                f"DynamoDB table {store.table!r} is still {status} after {_CREATE_WAIT:.0f} s"
            )
        time.sleep(0.5)


def _make_table(store: DynamoDBStore, client: Any, asked: float, doing: str) -> None:
    """Under the store's lock: the table made (`_create_table`), for a call (of ``doing``) that
    began waiting for the lock at ``asked`` (`time.monotonic`). A creation that failed after
    that moment, in another call, fails this one too, with its words, without trying again:
    else each call queued behind a failing creation (DynamoDB unreachable: about 9 s for its 3
    attempts) tried it in turn, the last of ten waiting a minute and a half, each in a worker
    thread."""
    failed = store._creation_failed
    if failed is not None and failed[0] >= asked:
        raise StoreError(failed[1])  # a new one each time: the one kept gains no traceback
    try:
        _create_table(store, client)
    except Exception as exc:
        # Its words, not the exception: its traceback held the failing thread's frames, and
        # their locals, for as long as it was kept (until the next creation, if one came).
        store._creation_failed = (time.monotonic(), _said(store, exc, doing))
        raise
    store._creation_failed = None
    store._table_ready = True


class _Readying:
    """One making of a store's clients and table, which calls wait for (`_until_ready`)."""

    __slots__ = ("said", "waiting", "wakers")

    def __init__(self) -> None:
        #: Its failure's words (`_make_ready`), raised as a new `StoreError` in each call.
        self.said: str | None = None
        #: The calls waiting for it (for tests: that a call is waiting).
        self.waiting = 0
        #: What wakes each waiting call (`_waker`), taken under the store's readying lock.
        self.wakers: list[Callable[[], object]] = []


async def _until_ready(store: DynamoDBStore, doing: str, adding: bool) -> None:
    """Wait for the clients (and, with ``create_table=True``, the table) to be made: by one
    thread (`_make_ready`) that the calls arriving meanwhile wait for without a thread of
    their own, woken by it when done. A cancelled call (the skill's answer deadline) leaves
    nothing behind: when each waited for the store's lock in a worker thread, abandoned on
    cancel and uncounted then by anyio, every request of a table's minute-long making left
    one more thread, without bound."""
    wait, wake = _waker()
    with store._readying_lock:
        job = store._readying
        starting = job is None
        if job is None:
            job = store._readying = _Readying()
        job.waiting += 1
        # Not done: `_ready_done` unsets store._readying and takes the wakers under this lock.
        job.wakers.append(wake)
    try:
        if starting:  # a thread of its own: anyio's may never run a call cancelled early
            making = threading.Thread(
                target=_make_ready,
                args=(store, job, doing, adding),
                name="alexaskill DynamoDBStore client",
                daemon=True,
            )
            try:
                making.start()
            except BaseException as exc:  # no new thread at interpreter shutdown
                job.said = _said(store, exc, doing)  # for calls of other threads' event loops
                _ready_done(store, job)
                raise
        await wait()
    finally:
        with store._readying_lock:
            job.waiting -= 1
    if job.said is not None:
        raise StoreError(job.said)  # each call its own (a traceback of its own)


def _make_ready(store: DynamoDBStore, job: _Readying, doing: str, adding: bool) -> None:
    """In `_until_ready`'s thread: the clients and the table made, for ``job``'s calls."""
    try:
        store._in_thread(_nothing, doing, adding)
    except StoreError as exc:
        # Its words, not the exception: its cause's traceback holds the frames that failed, and
        # their locals. The calls woken run while this thread is still waking the others, and
        # its Thread holds ``job`` until it ends: kept there, those frames outlived the calls.
        job.said = str(exc)
    except BaseException as exc:
        # Another failure (an error of a client given) too: one exception raised in each call
        # gained that call's frames at each raise, all kept alive while any call's error was.
        # Its traceback is said here, once (not where a password may show: `_in_thread`).
        job.said = _said(store, exc, doing)
        logger.error("%s", job.said, exc_info=None if store._secrets else exc)
    _ready_done(store, job)  # out of the except clause: this frame no longer holds ``exc``


def _ready_done(store: DynamoDBStore, job: _Readying) -> None:
    with store._readying_lock:
        if store._readying is job:
            store._readying = None  # the next call starts afresh (a failure retried)
        wakers, job.wakers = job.wakers, []
    for wake in wakers:
        with contextlib.suppress(RuntimeError):  # its event loop is closed: its call is gone
            wake()


def _waker() -> tuple[Callable[[], Awaitable[object]], Callable[[], object]]:
    """(what a call awaits, what wakes it from any thread): an event of the running event loop,
    set through the loop's own thread-safe call, which only queues it (asyncio's
    ``call_soon_threadsafe``, trio's ``run_sync_soon``: anyio runs on these two). Not anyio's
    ``from_thread.run_sync(token=…)``: it holds the making thread until each waiting loop has
    run the call, however busy that loop."""
    import asyncio
    import functools

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # trio, through anyio
        import trio

        token = trio.lowlevel.current_trio_token()
        woken = trio.Event()
        return woken.wait, functools.partial(token.run_sync_soon, woken.set)
    event = asyncio.Event()
    return event.wait, functools.partial(loop.call_soon_threadsafe, event.set)


def _nothing(client: Any) -> None:
    """What a call does once the client is ready, when readiness is all it is for."""

"""`DynamoDBStore`: the `Store` interface over one table, through botocore in worker threads."""

from __future__ import annotations

import functools
import os
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, Final, TypeVar

from ..articles import with_article
from ..exceptions import StoreError
from ..log_repeats import remember
from ..store.base import _decoding
from ..store.checked_changes import _Checked
from ..store.data_faults import _key_checked, _names_checked
from ..store.url import _passwords, url_without_password
from .client import (
    _Call,
    _drop_pools,
    _errors,
    _hook,
    _last_attempt,
    _new_refresh_locks,
    _NotSentAgain,
    _waited_for,
)
from .creating import _CREATE_WAIT, _create_table, _make_table, _Readying, _until_ready
from .endpoint import _check_given_endpoint
from .errors import (
    _THROTTLED,
    _code,
    _message,
    _one_line,
    _operation_name,
    _sum_out_of_range,
    _throttled_until,
)
from .explaining import _said
from .options import _check_options
from .own_client import _client_endpoint, _new_client
from .plans import _Made, _planned
from .saving import _ConditionFailed, _SumOutOfRange, _write
from .update import _Plan
from .values import _from_stored

__all__ = ["DynamoDBStore"]

T = TypeVar("T")

#: Attempts at a call, retries included (botocore's, or _call's for throttled writes that add).
_ATTEMPTS: Final = 3

#: The most keys a store keeps noted as loaded without a map (`DynamoDBStore._no_map`): a
#: hint for the save that follows, one call not two where it is right, one more where it is
#: not (cleared when full: a save then makes the map as it did before the hint).
_NO_MAP_KEPT: Final = 1024

#: anyio (with ``anyio.to_thread``), imported at the first call (`_run`), not with this module:
#: a cold start on AWS Lambda that makes the store but loads no attributes does not pay anyio's
#: import, and ``import alexaskill`` never imports this module. The module is kept, not its
#: functions: read from it at each call, as an ``anyio.move_on_after`` written anywhere is.
_anyio: ModuleType | None = None

# Every DynamoDBStore of the process, for the fork hook at the end of the module.
_STORES: Final[weakref.WeakSet[DynamoDBStore]] = weakref.WeakSet()


class DynamoDBStore:
    """Attributes in a DynamoDB table, in the layout of the ASK SDK's DynamoDB adapter.

    ``table`` is the table's name (or ARN). ``region`` and ``endpoint_url`` default to botocore's
    own configuration (``AWS_DEFAULT_REGION``, which Lambda sets, or the profile's; botocore
    does not read ``AWS_REGION``); credentials come from botocore's usual chain
    (on Lambda, the function's role). ``partition_key_name`` and ``attribute_name`` name the
    table's string partition key and the map column, as the SDK's options of the same names do.
    ``create_table=True`` creates the table (on-demand capacity) on first use if it does not
    exist, and waits until it is active (again at the call after one that found it deleted);
    a creation that fails fails the calls waiting for it too, at once (`_make_table`).
    Each operation gives up after ``timeout`` seconds (at most a day), retries included, with a
    `StoreError`; so does every failure from AWS. A save with increments is never sent twice,
    but for throttling (see `_call`); no attempt at all is sent once the store has given up on a
    call (its timeout passed): botocore would go on retrying in the thread left behind.
    ``client`` replaces the botocore DynamoDB clients the store would make (it is not closed by
    `aclose`), for every call, with its own retry settings; the store adds to it the
    ``before-send`` handler that stops those retries (and a write's that adds, but after
    throttling), left on it: inert for calls not the store's (`client._hook`). In a process
    forked from the one that made it (gunicorn ``--preload``, ``multiprocessing``'s fork) its
    connection pools are replaced, taking no lock, for the child to make its own connections,
    and so is the lock of its refreshable credentials, which a thread of the parent refreshing
    them held for ever in the child (its other state, credentials included, is the parent's
    copy: a store that makes its clients makes new ones in a child).
    """

    _common_limits = True  # (`base._common_limits`)

    def __init__(
        self,
        table: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        partition_key_name: str = "id",
        attribute_name: str = "attributes",
        create_table: bool = False,
        timeout: float = 3.0,
        client: Any = None,
    ) -> None:
        _check_options(
            table,
            region,
            endpoint_url,
            partition_key_name,
            attribute_name,
            create_table,
            timeout,
            client,
        )
        self.table = table
        self.region = region
        self.endpoint_url = endpoint_url
        self._endpoint_shown = url_without_password(endpoint_url) if endpoint_url else None
        self._client_endpoint_shown: str | None = None  # (`own_client._client_endpoint`)
        self._secrets = _passwords(endpoint_url)
        if client is not None:
            _check_given_endpoint(_client_endpoint(self, client))
        self.partition_key_name = partition_key_name
        self.attribute_name = attribute_name
        self.create_table = create_table
        self.timeout = timeout
        if client is not None:
            _hook(client)
        self._client = client
        # The client for writes that add (increments), made on the first of them: it never
        # retries by itself (see _call). A client given serves both.
        self._adding_client = client
        self._own_client = client is None
        self._session: Any = None
        self._lock = threading.Lock()
        self._last_stamp = 0
        self._odd_time_said = False  # warned of an item's time that is not a number
        # The keys whose last load found no map, for their save to make it at once (`_write`).
        self._no_map: dict[str, bool] = {}
        # The plans `check_update` made for the `update` that follows (`plans._planned`), by the
        # id of the changes (`_Checked`) they were made of, each gone with them or with its use.
        self._plans: dict[int, tuple[weakref.ref[_Checked], _Made, _Plan | None]] = {}
        self._table_ready = not create_table
        self._creation_failed: tuple[float, str] | None = None  # when, its words (_make_table)
        # The making of the clients (and the table) that calls wait for (`_until_ready`), if
        # under way; the lock guards the attribute only, never held long.
        self._readying: _Readying | None = None
        self._readying_lock = threading.Lock()
        _STORES.add(self)

    def __repr__(self) -> str:
        where = f", region={self.region!r}" if self.region else ""
        where += f", endpoint_url={self._endpoint_shown!r}" if self._endpoint_shown else ""
        return f"DynamoDBStore({self.table!r}{where})"

    # --- the Store interface ---------------------------------------------------------------------

    @_decoding
    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key`` (one strongly consistent ``GetItem``)."""
        _key_checked(key)
        if not key:
            return {}  # none can be saved (`_names_checked`), and DynamoDB refuses to look
        answer = await self._call(
            "get_item",
            Key=self._key(key),
            ConsistentRead=True,
            ProjectionExpression="#a",
            ExpressionAttributeNames={"#a": self.attribute_name},
        )
        stored = answer.get("Item", {}).get(self.attribute_name)
        if stored is None or "NULL" in stored:
            # (noted till a save: a launch that changes nothing leaves its key; forgotten when full)
            remember(self._no_map, key, True, kept=_NO_MAP_KEPT)
            return {}
        self._no_map.pop(key, None)
        if "M" not in stored:
            raise self._not_a_map(stored)
        where = f"DynamoDB table {self.table!r}"
        return {name: _from_stored(name, value, where) for name, value in stored["M"].items()}

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``, only those
        names, atomically: in one ``UpdateItem``.

        A save beyond what one UpdateItem's expressions take (DynamoDB caps each at 4 KB and 300
        operators: 239 changed names, 418 deleted ones or 60 increments, fewer of each together)
        fails with `ResponseError`, writing nothing.

        An increment adds to the stored number (absent: 0) inside the same ``UpdateItem``; a
        stored value that is not a number fails the save with `ResponseError`, writing nothing,
        as does a sum DynamoDB refuses, past its range (a stored number near 1E+126), naming
        the attributes added to (DynamoDB's words name none).
        (DynamoDB cannot test in a condition whether a number is whole: a stored 2.5 is
        incremented to 3.5 where the other stores refuse it.)
        """
        deleted = _names_checked(key, changes, deleted, increments)
        plan = _planned(self, changes, deleted, increments)
        if plan is not None:
            await _write(self, key, plan)

    def check_update(
        self,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Raise the `ResponseError` `update` would raise for these values, writing nothing."""
        deleted = _names_checked(None, changes, deleted, increments, checking=True)
        _planned(self, changes, deleted, increments, keep=True)

    async def aclose(self) -> None:
        """Close the client the store made (its connection pool); a client given is left open.

        The store stays usable: a later call makes a client again, as when the app that owns it
        is served again (a second test client, a lifespan restarted).
        """
        if not self._own_client:
            return
        if not self._lock.acquire(blocking=False):
            # Held (the first call making the client, and the table: up to a minute): waited
            # for in a worker thread, which a bounded shutdown gives up, not on the event loop.
            # (Free, it is taken here: at exit, Python 3.12 and later start no thread.)
            import anyio.to_thread

            await anyio.to_thread.run_sync(self._close_clients, abandon_on_cancel=True)
            return
        self._close_clients(locked=True)

    def _close_clients(self, locked: bool = False) -> None:
        if not locked:
            self._lock.acquire()
        try:
            clients = (self._client, self._adding_client)
            self._client = self._adding_client = None
        finally:
            self._lock.release()
        for client in clients:
            if client is not None:
                client.close()

    # --- creating the table ----------------------------------------------------------------------

    async def ensure_table(self) -> None:
        """Create the table if it does not exist, then wait (up to a minute) until it is active.

        On-demand capacity, a string partition key named ``partition_key_name``: the layout the
        ASK SDK's adapter creates, without its fixed provisioned throughput. The role needs
        ``dynamodb:CreateTable`` and ``dynamodb:DescribeTable``.
        """
        create = functools.partial(_create_table, self)
        await self._run(create, "CreateTable", self.timeout + _CREATE_WAIT)

    # --- the work --------------------------------------------------------------------------------

    def _key(self, key: str) -> dict[str, dict[str, str]]:
        return {self.partition_key_name: {"S": key}}

    def _stamp(self) -> int:
        """A save's time (`_SAVED_AT`): microseconds since the epoch, after the last of this
        store's (a clock set back, two saves in one microsecond)."""
        # No lock: two saves that race here share a time, and the second made goes in under
        # the first's (`_write`). (The store's lock may be held for a minute: creating a table.)
        stamp = self._last_stamp = max(time.time_ns() // 1000, self._last_stamp + 1)
        return stamp

    async def _call(self, operation: str, adds: bool = False, **params: Any) -> dict[str, Any]:
        """``client.<operation>(TableName=…, **params)``, its errors made into `StoreError`.

        A write that ``adds`` (increments) goes through a client that never retries: botocore
        retries a request whose answer did not come (a read timeout, a dropped connection, a
        500) though DynamoDB may have applied it, and an increment applied twice counts twice.
        Only throttling, which DynamoDB answers before applying anything, is tried again here.
        """
        params.setdefault("TableName", self.table)

        def send(client: Any) -> dict[str, Any]:
            answer: dict[str, Any] = getattr(client, operation)(**params)
            return answer

        def send_once(client: Any) -> dict[str, Any]:
            errors = _errors()
            attempts = 0
            while True:
                try:
                    return send(client)
                except errors.ClientError as exc:
                    attempts += 1
                    if _code(exc) not in _THROTTLED or attempts == _ATTEMPTS:
                        raise
                time.sleep(random.uniform(0, 0.1 * 2**attempts))  # noqa: S311 (jitter)

        doing = _operation_name(operation)
        if adds:
            return await self._run(send_once, doing, self.timeout, adding=True)
        return await self._run(send, doing, self.timeout)

    async def _run(
        self, func: Callable[[Any], T], doing: str, deadline: float, *, adding: bool = False
    ) -> T:
        """``func(client)`` in a worker thread, given up after ``deadline`` seconds.

        botocore blocks, hence the thread. Past the deadline the coroutine stops waiting; the
        thread ends by itself, within botocore's own socket timeouts. The first call also makes
        the client (importing botocore, reading its model of DynamoDB) and, with
        ``create_table=True``, the table: work done once, before the deadline starts.
        """
        global _anyio
        if _anyio is None:  # (once: the import statements at each call cost 3 to 5 us)
            import anyio
            import anyio.to_thread

            _anyio = anyio
        client = self._adding_client if adding else self._client
        while client is None or not self._table_ready:
            await _until_ready(self, doing, adding)
            client = self._adding_client if adding else self._client
        given_up = _Call()
        try:
            with _anyio.move_on_after(deadline):
                answer: T = await _anyio.to_thread.run_sync(
                    self._in_thread, func, doing, adding, given_up, abandon_on_cancel=True
                )
                return answer
        finally:
            given_up.set()  # the thread, if still at work, sends nothing more
        if given_up.throttled is not None:  # its last attempt throttled, none sent since
            raise StoreError(_throttled_until(self.table, doing, deadline, given_up.throttled))
        made = " (the write may have been made)" if doing == "UpdateItem" else ""
        raise StoreError(
            f"DynamoDB table {self.table!r}: no answer to {doing} within {deadline:g} s{made}"
        )

    def _in_thread(
        self,
        func: Callable[[Any], T],
        doing: str,
        adding: bool,
        given_up: threading.Event | None = None,
    ) -> T:
        errors = _errors()
        _waited_for.given_up, _waited_for.adding, _waited_for.last = given_up, False, None
        _waited_for.attempts = 0
        cause: Exception
        try:
            try:
                client = self._ready_client(adding, doing)  # the table made too: its calls retried
                _waited_for.adding = adding
                return func(client)
            except _NotSentAgain:  # a client given would retry a write that adds: said as the
                raise _last_attempt(doing) from None  # attempt sent, which may have been applied
        except errors.ClientError as exc:
            code = _code(exc)
            if code == "ConditionalCheckFailedException":
                raise _ConditionFailed from None
            if adding and _sum_out_of_range(code, exc):  # the handler's data: `_write` names it
                raise _SumOutOfRange(_one_line(_message(exc))) from None
            if code == "ResourceNotFoundException" and self.create_table:
                self._table_ready = False  # deleted since it was made: the next call makes it
            failure, cause = StoreError(_said(self, exc, doing)), exc
        except errors.BotoCoreError as exc:
            failure, cause = StoreError(_said(self, exc, doing)), exc
        finally:  # (attempts 0, not None: `_refuse_if_given_up` adds to it)
            _waited_for.given_up = _waited_for.last = _waited_for.adding = None
            _waited_for.attempts = 0
        if not self._secrets:  # botocore's words name the endpoint, password and all: no
            failure.__cause__ = cause  # traceback may show them (raised out of the except: no
        try:  # context either). Nor kept in this frame, which their tracebacks hold: a cycle
            raise failure  # that kept the frames that failed, and their locals, until gc ran
        finally:
            del failure, cause

    def _ready_client(self, adding: bool = False, doing: str = "CreateTable") -> Any:
        asked = time.monotonic()  # a creation failed since: its failure is this call's too
        with self._lock:
            if self._client is None:
                self._client = self._make_client(_ATTEMPTS)
            if adding and self._adding_client is None:
                self._adding_client = self._make_client(1)
            client = self._client
            if not self._table_ready:
                _make_table(self, client, asked, doing)
        return self._adding_client if adding else client

    def _forked(self) -> None:
        """In a forked child: a lock of its own (a thread of the parent may have held it, making
        a client or waiting for the table), and clients of its own: no connection shared.

        A client given is kept, its pooled connections dropped (`_drop_pools`), so that it
        makes new ones: else parent and child would send requests down one socket and read
        each other's answers; and its credentials' refresh lock is the child's own
        (`_new_refresh_locks`)."""
        self._lock = threading.Lock()
        # A making under way is the parent's thread's, which the child has not.
        self._readying_lock, self._readying = threading.Lock(), None
        if self._own_client:
            self._client = self._adding_client = self._session = None
        elif self._client is not None:
            _drop_pools(self._client)
            _new_refresh_locks(self._client)

    def _make_client(self, attempts: int) -> Any:
        """A client of the store's own (`own_client._new_client`): a method, for tests to
        replace."""
        return _new_client(self, attempts)

    def _not_a_map(self, column: Mapping[str, Any]) -> StoreError:
        return StoreError(
            f"DynamoDB table {self.table!r}: the {self.attribute_name!r} column of an item "
            # The type's letters said by their names ("an S", "an N", "a BOOL"). NULL never
            # comes here: a load and a save take a NULL column for none (the ASK SDK's adapter
            # writes it).
            f"is {with_article(next(iter(column), '?'))}, not a map: another program's column "
            "of that name? give the store a column of its own (attribute_name=…), or remove "
            "the item's"
        )


def _after_fork_in_child() -> None:
    for store in list(_STORES):
        store._forked()


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_after_fork_in_child)

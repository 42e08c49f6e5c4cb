"""Stores in a process forked from one that used them (gunicorn ``--preload``, multiprocessing)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.store import SQLiteStore

from .in_threads import ended
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT, _in_a_fork

pytestmark = pytest.mark.usefixtures("botocore_data_once")


@contextlib.contextmanager
def _held(lock: contextlib.AbstractContextManager[Any]) -> Iterator[threading.Event]:
    """``lock`` held by another thread meanwhile, as by a call in progress at a fork: until the
    block ends, or until the event it is given is set."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    held.wait()
    try:
        yield release
    finally:
        release.set()
        ended(thread)


@contextlib.contextmanager
def _on_acquiring(lock: Any, then: threading.Event) -> Iterator[None]:
    """``then`` set as soon as this thread calls ``lock.acquire()`` (as a hook before a fork
    does), before it waits for the lock: no time involved."""
    parent = os.getpid()

    def profile(frame: Any, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__self__", None) is lock and os.getpid() == parent:
            then.set()

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)


def _descriptors(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed meanwhile
            count += os.readlink(f"/proc/self/fd/{fd}") == str(path)
    return count


def test_a_sqlite_store_works_in_a_child_forked_while_a_thread_held_its_lock(
    tmp_path: Path,
) -> None:
    # The lock that guards the pool was taken before the check for a fork: a child forked
    # while a thread of the parent held it waited for it for ever.
    store = SQLiteStore(tmp_path / "forked.db")
    anyio.run(store.update, "user", {"a": 1}, ())
    # The hook before the fork takes that lock too: the thread holds it until the hook asks
    # for it, so that it is held when the fork begins, however slowly this test runs.
    lock = store._lock
    with _held(lock) as release, _on_acquiring(lock, release):
        answer = _in_a_fork(lambda: anyio.run(store.load, "user") == {"a": 1})
        asked = release.is_set()
    assert asked  # the fork's hook came to the lock while the thread held it
    assert answer == "yes"
    assert anyio.run(store.load, "user") == {"a": 1}  # the parent's store too
    anyio.run(store.aclose)


def test_a_sqlite_store_works_in_a_child_forked_while_a_thread_set_up_its_file(
    tmp_path: Path,
) -> None:
    # The first connection sets the file up (WAL, the table) under the set-up lock: a child
    # forked meanwhile inherits it held, by a thread the child does not have, and would wait
    # for it for ever at its own first connection, unless it makes itself a fresh one.
    store = SQLiteStore(tmp_path / "forked.db")
    assert not store._schema_ready

    def child() -> bool:
        anyio.run(store.update, "user", {"a": 1}, ())
        return anyio.run(store.load, "user") == {"a": 1}

    with _held(store._setup_lock):  # until the child has ended: held at the fork, always
        answer = _in_a_fork(child)
    assert answer == "yes"
    assert anyio.run(store.load, "user") == {"a": 1}  # the parent's store too, once released
    anyio.run(store.aclose)


def test_no_sqlite_connection_crosses_a_fork(tmp_path: Path) -> None:
    # SQLite: a connection must not be used across a fork, and closing it is using it; worse,
    # SQLite's bookkeeping of the locks the process holds on the file is copied into the
    # child, which believes it holds its parent's locks (fcntl locks are not inherited), and
    # its own connections then read and write without them. The child inherited the parent's
    # idle connections (dropping them, to be closed whenever the collector found them).
    path = tmp_path / "forked.db"
    store = SQLiteStore(path)
    anyio.run(store.update, "user", {"a": 1}, ())
    assert len(store._idle) == 1

    def child() -> bool:
        inherited = _descriptors(path)
        return inherited == 0 and anyio.run(store.load, "user") == {"a": 1}

    assert _in_a_fork(child) == "yes"
    anyio.run(store.update, "user", {"b": 2}, ())  # the parent opens one again
    assert anyio.run(store.load, "user") == {"a": 1, "b": 2}
    anyio.run(store.aclose)


@pytest.mark.usefixtures("aws_env")
def test_a_dynamodb_store_works_in_a_child_forked_while_a_thread_held_its_lock() -> None:
    # The lock is held while the client is made (botocore imported, its model read) and while
    # create_table=True waits for the table, up to a minute; the check for a fork was made
    # under it: a child forked meanwhile waited for it for ever.
    store = DynamoDBStore("skill", region="us-east-1", endpoint_url="http://127.0.0.1:1")
    parents = store._ready_client()

    def child() -> bool:
        client = store._ready_client()
        return client is not None and client is not parents  # its own: no shared connections

    with _held(store._lock):
        answer = _in_a_fork(child)
    assert answer == "yes"
    assert store._ready_client() is parents


class _Closing:
    """An idle connection whose close, in the hook before the fork, lets ``meanwhile`` run: as
    ``connection.close()`` releases the GIL, and another thread makes a store."""

    def __init__(self, meanwhile: Callable[[], None]) -> None:
        self.meanwhile = meanwhile

    def close(self) -> None:
        self.meanwhile()


def test_a_sqlite_store_made_while_the_process_forks_leaves_the_others_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hooks before and after the fork each went over the stores of their moment: a store
    # made in between (another thread, while the hook before closed a connection) had its
    # lock released by the hook after in the parent though nobody took it: RuntimeError
    # ("release unlocked lock"), and the stores after it in the loop kept theirs held for
    # ever, their next load or save hanging.
    problems: list[BaseException | None] = []
    monkeypatch.setattr("sys.unraisablehook", lambda raised: problems.append(raised.exc_value))
    stores = [SQLiteStore(tmp_path / f"{n}.db") for n in range(8)]
    made: list[SQLiteStore] = []
    for n, store in enumerate(stores):

        def meanwhile(n: int = n) -> None:
            made.append(SQLiteStore(tmp_path / f"made-{n}.db"))

        store._idle.append(_Closing(meanwhile))  # type: ignore[arg-type]

    def child() -> bool:
        for store in stores + made:
            anyio.run(store.update, "user", {"a": 1}, ())
            if anyio.run(store.load, "user") != {"a": 1}:
                return False
        return True

    answer = _in_a_fork(child)
    assert len(made) == len(stores)
    assert problems == []
    assert [store for store in stores + made if store._lock.locked()] == []
    assert answer == "yes"
    for store in stores + made:  # the parent's, usable too
        anyio.run(store.update, "user", {"b": 2}, ())
        assert anyio.run(store.load, "user") == {"a": 1, "b": 2}
        anyio.run(store.aclose)


def test_sqlite_stores_made_while_the_process_forks_lists_them_leave_no_connection_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hook before the fork listed the stores by iterating a WeakSet, Python code that
    # another thread can interrupt: a store made meanwhile changed the set's size, the hook
    # stopped with a RuntimeError, and the stores it had not reached kept their idle
    # connections across the fork (which SQLite forbids). Here a store is made at every call
    # of Python code within that hook, as another thread would between any two of them.
    from alexaskill.store import sqlite_fork

    problems: list[BaseException | None] = []
    monkeypatch.setattr("sys.unraisablehook", lambda raised: problems.append(raised.exc_value))
    stores = [SQLiteStore(tmp_path / f"{n}.db") for n in range(4)]
    for store in stores:
        anyio.run(store.update, "user", {"a": 1}, ())
        assert len(store._idle) == 1
    made: list[SQLiteStore] = []
    hook = sqlite_fork._before_fork.__code__
    within = False

    def profile(frame: Any, event: str, arg: object) -> None:
        nonlocal within
        if frame.f_code is hook:
            within = event == "call"
        elif within and event == "call" and len(made) < 20:
            made.append(SQLiteStore(tmp_path / f"made-{len(made)}.db"))

    def child() -> bool:
        sys.setprofile(None)
        inherited = sum(_descriptors(tmp_path / f"{n}.db") for n in range(4))
        return inherited == 0 and all(anyio.run(store.load, "user") == {"a": 1} for store in stores)

    sys.setprofile(profile)
    try:
        answer = _in_a_fork(child)
    finally:
        sys.setprofile(None)
    assert made
    assert problems == []
    assert [store for store in stores + made if store._lock.locked()] == []
    assert answer == "yes"
    for store in stores + made:
        anyio.run(store.update, "user", {"b": 2}, ())
        assert anyio.run(store.load, "user")["b"] == 2
        anyio.run(store.aclose)


def _pools(client: Any) -> Any:
    """The container of a botocore client's urllib3 connection pools."""
    return client._endpoint.http_session._manager.pools


def test_a_dynamodb_client_given_shares_no_connection_with_a_forked_child(
    dynamodb_endpoint: str,
) -> None:
    # A botocore client given (client=) kept its pooled connections across a fork (gunicorn
    # --preload, multiprocessing's fork): parent and child could send requests down one socket
    # and read each other's answers, another user's attributes among them. The child now drops
    # them (its copies: the parent's stay open), and the client makes new ones. (moto's server
    # closes each connection, so the connections themselves are not looked at.)
    import uuid

    import botocore.session

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint
    )
    # (MOTO_TIMEOUT, not the default 3 s: moto answers slowly on a loaded machine)
    store = DynamoDBStore(
        f"skill-{uuid.uuid4().hex}", client=client, create_table=True, timeout=MOTO_TIMEOUT
    )
    anyio.run(store.update, "user", {"a": 1}, ())
    parents = _pools(client)
    assert len(parents) == 1

    def child() -> bool:
        # Pools of its own, and the client works on.
        return _pools(client) is not parents and anyio.run(store.load, "user") == {"a": 1}

    assert _in_a_fork(child) == "yes"
    assert _pools(client) is parents and len(parents) == 1  # the parent's are left alone
    assert anyio.run(store.load, "user") == {"a": 1}
    client.close()


def test_a_dynamodb_client_given_works_in_a_child_forked_while_a_thread_used_its_pools() -> None:
    # The child closed the client given's pools (client.close()), which takes urllib3's lock of
    # them: a thread of the parent holding it at the fork (a call under way), the child waited
    # for it for ever, in the hook, before its first line. It now takes no lock: it gives the
    # client new pools, leaving the old ones (and their lock) behind.
    import botocore.session

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:1"
    )
    store = DynamoDBStore("skill", client=client)
    store._ready_client()
    parents = _pools(client)

    def child() -> bool:
        pools = _pools(client)
        return pools is not parents and pools.lock.acquire(timeout=5)

    with _held(parents.lock):
        answer = _in_a_fork(child)
    assert answer == "yes"
    assert _pools(client) is parents
    client.close()


def _refreshable_client(endpoint: str) -> Any:
    """A botocore client whose credentials are refreshable (as on EC2, ECS or with a role to
    assume) always within their last ten minutes: each call refreshes them, waiting for any
    refresh under way."""
    import datetime

    import botocore.session
    from botocore.credentials import RefreshableCredentials

    def metadata(minutes: int) -> dict[str, str]:
        expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
        return {
            "access_key": "testing",
            "secret_key": "testing",
            "token": "testing",
            "expiry_time": expiry.isoformat(),
        }

    session = botocore.session.get_session()
    session._credentials = RefreshableCredentials.create_from_metadata(
        metadata(5), refresh_using=lambda: metadata(5), method="test"
    )
    return session.create_client("dynamodb", region_name="us-east-1", endpoint_url=endpoint)


def test_a_dynamodb_client_given_works_in_a_child_forked_while_a_thread_refreshed_credentials(
    dynamodb_endpoint: str,
) -> None:
    # A thread of the parent refreshing the client's credentials at the fork (their lock held,
    # over a call to the instance metadata or STS) left the child's copy of the lock held for
    # ever: with the credentials near their expiry, the child's first call waited for it, and
    # the worker hung. The child now gives the credentials a lock of its own.
    import uuid

    client = _refreshable_client(dynamodb_endpoint)
    # (MOTO_TIMEOUT, not the default 3 s: moto answers slowly on a loaded machine)
    store = DynamoDBStore(
        f"skill-{uuid.uuid4().hex}", client=client, create_table=True, timeout=MOTO_TIMEOUT
    )
    anyio.run(store.update, "user", {"a": 1}, ())
    credentials = client._request_signer._credentials

    def child() -> bool:
        return bool(anyio.run(store.load, "user") == {"a": 1})

    with _held(credentials._refresh_lock):
        answer = _in_a_fork(child)
    assert answer == "yes"
    assert anyio.run(store.load, "user") == {"a": 1}
    client.close()


def test_alexaskill_and_its_stores_import_where_there_is_no_fork() -> None:
    # Windows has no os.register_at_fork: the at-fork hooks of the log, the worker pool and the
    # stores are set only where the platform forks, never an AttributeError at import.
    code = (
        "import os\n"
        "del os.fork, os.register_at_fork  # as on Windows\n"
        "import alexaskill, alexaskill.logs, alexaskill.threads\n"
        "import alexaskill.store.sqlite, alexaskill.dynamodb.store\n"
        "print('imported')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "imported"), done.stderr

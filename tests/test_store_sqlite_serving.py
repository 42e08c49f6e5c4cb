"""`SQLiteStore` while a skill serves: off the event loop in WAL mode, several processes on one
file, its timeout and its failures.

Its file deleted, replaced or restored under it: test_store_sqlite_replaced.py; who may read its
files: test_store_sqlite.py; its backups: test_store_backup*.py."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes, SQLiteStore, open_store
from tests.conftest import SKILL_ID
from tests.in_threads import timer

ROOT = Path(__file__).resolve().parent.parent


# --- SQLite: off the event loop, WAL, several processes -------------------------------------------


@pytest.mark.anyio
async def test_sqlite_works_in_threads_in_wal_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alexaskill.store.sqlite as store_module
    from alexaskill.store import sqlite_rows

    threads: list[int] = []
    select = sqlite_rows._select

    def spy(connection: sqlite3.Connection, key: str) -> list[tuple[str | bytes, str | bytes]]:
        threads.append(threading.get_ident())
        return select(connection, key)

    monkeypatch.setattr(store_module, "_select", spy)
    path = tmp_path / "wal.db"
    async with contextlib.aclosing(SQLiteStore(path)) as store:
        await store.update("u", {"a": 1}, ())
        assert await store.load("u") == {"a": 1}
    assert threads and threading.get_ident() not in threads
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.anyio
async def test_sqlite_store_closed_releases_its_connections_and_opens_again(
    tmp_path: Path,
) -> None:
    # (aclosing: the connection the later call opened closed too, and all of them if it fails.)
    async with contextlib.aclosing(SQLiteStore(tmp_path / "closed.db")) as store:
        await store.update("u", {"a": 1}, ())
        assert store._idle
        await store.aclose()
        assert store._idle == []
        assert await store.load("u") == {"a": 1}  # a later call (the app served again) works


def test_a_skill_served_twice_keeps_its_sqlite_store(tmp_path: Path) -> None:
    # A module-level skill and one TestClient per test (the README's pattern), or a lifespan
    # restarted: the first shutdown closes the store, the next start uses it again.
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=f"sqlite:///{tmp_path / 'twice.db'}")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"visit {attributes.increment('visits')}")

    for visit in (1, 2):
        with TestClient(skill, user_id="amzn1.ask.account.SAME") as client:
            assert client.intent("Count").speech == f"visit {visit}"


#: A skill over a SQLite store (the file ``PATH``), started as a server starts it (its ASGI
#: lifespan), its store called once started: whether anyio was imported when the two were made,
#: whether its thread module was by the start, before the store's first call.
_STARTED = """
import asyncio, json, sys
from alexaskill import Skill
from alexaskill.store import SQLiteStore

store = SQLiteStore(PATH)
skill = Skill(SKILL_ID, store=store)
said = {"made": "anyio" in sys.modules}
messages = [{"type": "lifespan.startup"}]

async def receive():
    if messages:
        return messages.pop()
    said["started"] = "anyio.to_thread" in sys.modules
    said["loaded"] = await store.load("u")
    return {"type": "lifespan.shutdown"}

async def send(message):
    said.setdefault("sent", []).append(message["type"])

asyncio.run(skill({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send))
print(json.dumps(said))
"""


def test_anyio_is_imported_by_a_served_skills_start_not_when_its_sqlite_store_is_made(
    tmp_path: Path,
) -> None:
    # The store's worker threads are anyio's, imported at its first call (`SQLiteStore._run`):
    # not when the store is made, which every Skill() does (a cold start on AWS Lambda that
    # loads no attributes would pay for it), yet not on the event loop's thread at a first
    # request either: a served skill's start imports it, with Starlette's routing.
    from .fresh_python import run_fresh

    script = _STARTED.replace("PATH", repr(str(tmp_path / "skill.db")))
    said = run_fresh(script.replace("SKILL_ID", repr(SKILL_ID)), timeout=120)
    assert said == {
        "made": False,
        "started": True,
        "loaded": {},
        "sent": ["lifespan.startup.complete", "lifespan.shutdown.complete"],
    }


@pytest.mark.anyio
async def test_a_relative_sqlite_path_is_the_one_of_when_the_store_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each new connection resolved it against the working directory of its moment: a process
    # that changed directory after making the store split its data over two files.
    (tmp_path / "first").mkdir()
    (tmp_path / "later").mkdir()
    monkeypatch.chdir(tmp_path / "first")
    store = open_store("sqlite:///skill.db")
    async with contextlib.aclosing(store):
        assert isinstance(store, SQLiteStore)
        assert store.path == str(tmp_path / "first" / "skill.db")
        await store.update("u", {"x": 1}, ())
        monkeypatch.chdir(tmp_path / "later")
        await store.aclose()  # the next call opens a new connection
        await store.update("u", {"y": 2}, ())
        assert await store.load("u") == {"x": 1, "y": 2}
    assert os.listdir(tmp_path / "later") == []


def test_sqlite_store_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        SQLiteStore(tmp_path / "missing" / "x.db")
    with pytest.raises(ConfigurationError, match="MemoryStore"):
        SQLiteStore(":memory:")


def test_a_sqlite_file_name_too_long_for_its_journal_is_refused_when_the_store_is_made(
    tmp_path: Path,
) -> None:
    # SQLite keeps "-journal" (and "-wal", "-shm") files beside the store's, named after it: a
    # name of 248 bytes or more made a store that failed its first call with "cannot be
    # opened ... check that its directory exists and that this process may write there".
    longest = os.pathconf(tmp_path, "PC_NAME_MAX") - len("-journal")
    name = "s" * (longest + 1 - len(".db")) + ".db"
    with pytest.raises(ConfigurationError, match=f"is {longest + 1:,} bytes long") as info:
        SQLiteStore(tmp_path / name)
    assert f"at most {longest:,} bytes" in str(info.value)
    assert os.listdir(tmp_path) == []
    fits = SQLiteStore(tmp_path / name[1:])  # the longest name it takes
    try:
        anyio.run(fits.update, "u", {"a": 1}, ())
        assert anyio.run(fits.load, "u") == {"a": 1}
    finally:
        anyio.run(fits.aclose)


def test_a_file_systems_long_name_limit_is_said_with_thousands_separators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its three sizes said alike: the name's had a separator, the limit and the most it takes
    # none ("is 4,089 bytes long ... past this file system's 4096 bytes"). (A stand-in limit:
    # the name is refused before any file is made.)
    monkeypatch.setattr(os, "pathconf", lambda path, name: 4096)
    with pytest.raises(ConfigurationError) as info:
        SQLiteStore(tmp_path / ("s" * 4086 + ".db"))
    said = str(info.value)
    assert "is 4,089 bytes long" in said and "at most 4,088 bytes" in said, said
    assert "past this file system's 4,096 bytes a name" in said, said


@pytest.mark.anyio
async def test_sqlite_failures_are_store_errors_that_say_what_to_do(tmp_path: Path) -> None:
    # sqlite3.OperationalError went out as it was: no StoreError, so @skill.exception(StoreError)
    # never saw it, and the log took it for a handler's bug (a traceback of 40 lines).
    path = tmp_path / "locked.db"
    store = SQLiteStore(path, timeout=0.2)
    await store.update("u", {"a": 1}, ())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup, the sqlite3 shell: another writer's lock
    try:
        with pytest.raises(StoreError, match=r"locked\.db: the save waited 0\.2 s") as info:
            await store.update("u", {"a": 2}, ())
        assert "SQLiteStore(timeout=" in str(info.value)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        assert await store.load("u") == {"a": 1}  # WAL: reads go on meanwhile
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await store.aclose()
    garbage = tmp_path / "garbage.db"
    async with contextlib.aclosing(SQLiteStore(garbage)) as broken:
        # Damaged once the store is made (a file no database when it is made is refused then).
        garbage.write_bytes(b"not a database at all " * 200)
        with pytest.raises(
            StoreError, match=r"garbage\.db is not a SQLite database, or is damaged"
        ):
            await broken.load("u")


_WORKER = """
import asyncio, contextlib, sys
from alexaskill.store import SQLiteStore

async def main(path, worker):
    async with contextlib.aclosing(SQLiteStore(path)) as store:
        await store.load("user")          # connect before the start signal
        print("ready", flush=True)
        sys.stdin.readline()
        await asyncio.gather(*(
            store.update("user", {f"w{worker}-k{i}": [worker, i]}, ()) for i in range(25)
        ))
        for i in range(25):
            await store.update("user", {f"w{worker}-seq{i}": i, "last": worker}, ())

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_sqlite_several_processes_writing_one_user_lose_no_key(tmp_path: Path) -> None:
    # Like several uvicorn workers answering one user at once: every key any of them wrote is
    # there afterwards, and "last", which all of them wrote, holds one of their values.
    path = str(tmp_path / "shared.db")
    # Not conftest's Servers: workers, not servers (no port), led step by step on their pipes.
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, path, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        for n in range(4)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            assert worker.wait(timeout=30) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    pipe.close()
            worker.wait()
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = dict(connection.execute("SELECT field, value FROM alexaskill_attributes").fetchall())
    expected = {f"w{w}-k{i}" for w in range(4) for i in range(25)}
    expected |= {f"w{w}-seq{i}" for w in range(4) for i in range(25)}
    assert set(rows) == expected | {"last"}
    assert json.loads(rows["last"]) in range(4)
    assert json.loads(rows["w3-k7"]) == [3, 7]


_FIRST_UPDATES = """
import anyio, json, sys
from alexaskill.store import SQLiteStore

async def main(directory, worker, rounds, per_round, updates):
    errors = []

    async def update(store, i):
        try:
            await store.update("user", {f"w{worker}-{i}": i}, ())
        except Exception as exc:
            errors.append(repr(exc))

    for r in range(rounds):
        stores = [SQLiteStore(f"{directory}/r{r}-{d}.db") for d in range(per_round)]
        print("ready", flush=True)
        sys.stdin.readline()
        async with anyio.create_task_group() as group:
            for store in stores:
                for i in range(updates):
                    group.start_soon(update, store, i)
        for store in stores:
            await store.aclose()
    print(json.dumps(errors), flush=True)

anyio.run(main, sys.argv[1], *map(int, sys.argv[2:]))
"""


def test_sqlite_new_files_take_simultaneous_first_updates_from_several_processes(
    tmp_path: Path,
) -> None:
    # Connections opening a new file at the same moment raced to switch it to WAL, and SQLite
    # answers that race "database is locked" at once, whatever the busy timeout: the request got
    # the apology. 600 new files, each taking 8 simultaneous first updates: 2 from each of 4
    # processes, which start each round of 20 files together (40 threads each, anyio's default).
    # Many files a round, few updates each: each new file is a race between the processes, and
    # each round's start in lockstep costs time of its own.
    # On tmpfs where there is one: the race is in the locks, and disk syncs only make it slow.
    shm = Path("/dev/shm")
    directory = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    processes, rounds, per_round, updates = 4, 30, 20, 2
    settings = [str(rounds), str(per_round), str(updates)]
    # Not conftest's Servers: workers, not servers (no port), led step by step on their pipes.
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _FIRST_UPDATES, str(directory), str(n), *settings],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        for n in range(processes)
    ]
    try:
        for _ in range(rounds):
            for worker in workers:
                assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
        errors = []
        for worker in workers:
            assert worker.stdout is not None
            errors += json.loads(worker.stdout.readline())
            assert worker.wait(timeout=30) == 0
        assert errors == []
        for path in directory.glob("r*.db"):
            with contextlib.closing(sqlite3.connect(path)) as connection:
                count = connection.execute("SELECT count(*) FROM alexaskill_attributes")
                assert count.fetchone()[0] == processes * updates, path
        assert len(list(directory.glob("r*.db"))) == rounds * per_round
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    pipe.close()
            worker.wait()
        if directory != tmp_path:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.anyio
async def test_a_sqlite_load_waiting_for_a_lock_gives_way_to_the_deadline(
    tmp_path: Path,
) -> None:
    # A load waits in its thread for SQLite's lock (here: the file set-up of a process's first
    # connection, while another holds an exclusive lock), up to the store's timeout. The
    # deadline's cancellation waited for the thread: the answer came only once the lock was
    # free, however late. A load, which writes nothing, now gives way at once.
    path = tmp_path / "attributes.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    released = threading.Event()

    def release() -> None:
        released.set()
        holder.execute("ROLLBACK")

    try:  # a failed assert leaves no connection open (the holder's, the store's)
        holder.execute("CREATE TABLE other (x)")
        holder.execute("BEGIN EXCLUSIVE")
        store = SQLiteStore(path, timeout=60)
        try:
            try:
                with timer(15, release):  # the old code's load returns only then
                    with anyio.move_on_after(0.2):
                        await store.load("user")
                    assert not released.is_set()  # given up while the lock was still held
            finally:
                if not released.is_set():  # (the timer joined: it did not, and will not)
                    release()
            assert await store.load("user") == {}  # the lock free, the store works
        finally:
            await store.aclose()
    finally:
        holder.close()


# 2147484 s: the first whole second whose milliseconds overflow SQLite's int (2**31 - 1).
@pytest.mark.parametrize(
    "timeout", ["5", None, True, -1, float("nan"), float("inf"), 1e7, 2_147_484]
)
def test_a_sqlite_timeout_sqlite_cannot_wait_is_refused(tmp_path: Path, timeout: Any) -> None:
    # Taken, and then each connection failed (a TypeError, every request) or waited for no lock
    # at all: SQLite keeps the wait in an int of milliseconds, and one beyond it (inf, 1e7 s)
    # or negative (nan too) is no wait, the message still saying "waited inf s".
    with pytest.raises(ConfigurationError, match="SQLiteStore: timeout") as refused:
        SQLiteStore(tmp_path / "a.db", timeout=timeout)
    if not isinstance(timeout, str | None | bool):  # (a number: the bound said, 2147482 before)
        assert "from 0 to 2,147,482 s (about 24 days)" in str(refused.value), refused.value


def test_a_sqlite_timeout_of_zero_or_days_is_taken(tmp_path: Path) -> None:
    assert SQLiteStore(tmp_path / "a.db", timeout=0).timeout == 0
    assert SQLiteStore(tmp_path / "a.db", timeout=20 * 86400).timeout == 20 * 86400
    # The longest the message offers (2147482 s, its milliseconds within SQLite's int).
    assert SQLiteStore(tmp_path / "a.db", timeout=2_147_482).timeout == 2_147_482


@pytest.mark.anyio
async def test_a_sqlite_store_over_a_file_that_is_no_sqlite_database_is_refused_when_made(
    tmp_path: Path,
) -> None:
    # Taken: the first load or save of the first request failed ("file is not a database").
    garbage = tmp_path / "notes.txt"
    garbage.write_bytes(b"not a database at all " * 200)
    with pytest.raises(ConfigurationError, match=r"notes\.txt is not a SQLite database"):
        SQLiteStore(garbage)
    with pytest.raises(ConfigurationError, match=r"notes\.txt is not a SQLite database"):
        open_store(f"sqlite:///{garbage}")
    short = tmp_path / "short.db"
    short.write_bytes(b"x")
    with pytest.raises(ConfigurationError, match=r"short\.db is not a SQLite database"):
        SQLiteStore(short)
    # An empty file is taken (SQLite writes one on first use), as is a database, or none.
    empty = tmp_path / "empty.db"
    empty.touch()
    database = tmp_path / "real.db"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.close()
    for path in (empty, database, tmp_path / "new.db"):
        async with contextlib.aclosing(SQLiteStore(path)) as store:
            await store.update("user", {"a": 1}, ())
            assert await store.load("user") == {"a": 1}

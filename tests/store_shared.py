"""What the store tests (tests/test_store*.py) share: a request envelope for a user, a store
counting its calls, one counting its closes, a skill counting visits (the AWS Lambda tests' too)
and its answer, a TCP forwarder, and for SQLite's files their modes, a save read back and a
script taking the file over; one store of each kind, for the fixtures that run a test on every
store (`store`, written here once); and an empty store of a kind that keeps JSON text
(`json_store`), with a value written past its encoding (`write_raw`); and what a function
comes to in a forked process (`_in_a_fork`, tests/test_store_fork.py's and the DynamoDB hooks')."""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import stat
import threading
import time
import traceback
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import Response
from alexaskill.store import (
    DEFAULT_STORE,
    Attributes,
    MemoryStore,
    RedisStore,
    SQLiteStore,
    Store,
    attributes_service,
)
from alexaskill.testing import DEFAULT_SKILL_ID

FIXTURES = Path(__file__).parent / "fixtures" / "requests"


def _event(name: str = "IntentRequest.GetWeather.json") -> dict[str, Any]:
    event: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return event


def _envelope(
    user_id: str | None = "user",
    *,
    session_user: str | None = None,
    person_id: str | None = None,
    intent: str = "GetWeather",
) -> Envelope:
    event = copy.deepcopy(_event())
    system = event["context"]["System"]
    if user_id is None:
        del system["user"]
    else:
        system["user"]["userId"] = user_id
    if person_id is not None:
        system["person"] = {"personId": person_id}
    if session_user is None:
        event["session"].pop("user", None)
    else:
        event["session"]["user"] = {"userId": session_user}
    event["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    return decode_envelope(json.dumps(event))


class CountingStore:
    """A memory store's data, its loads and updates counted; its update takes no increments
    (a `Store` need not: so it wraps a `MemoryStore`, whose update does, not subclasses it)."""

    def __init__(self) -> None:
        self.memory = MemoryStore()
        self.loads = 0
        self.updates: list[tuple[str, dict[str, Any], list[str]]] = []

    async def load(self, key: str) -> dict[str, Any]:
        self.loads += 1
        return await self.memory.load(key)

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        self.updates.append((key, dict(changes), list(deleted)))
        await self.memory.update(key, changes, deleted)

    async def aclose(self) -> None:
        await self.memory.aclose()


class ClosedCounting(MemoryStore):
    """A `MemoryStore` that counts its `aclose` calls (a Redis or DynamoDB client connects
    again after each)."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def counting_skill(
    store: Store | str = DEFAULT_STORE,
    attributes: Store | str | Callable[[], Store] | None = None,
    *,
    skill_id: str = DEFAULT_SKILL_ID,
) -> Skill:
    """A skill that welcomes at launch and counts visits in its attributes (Count: "Visit number
    2."), with ``store`` (a URL or a store; by default the default's, as ``Skill(skill_id)``:
    sqlite:///alexaskill.db): the skill's own, which its ``aclose`` closes; with ``attributes``
    (what `attributes_service` takes: a store, a URL, a factory), its handlers' attributes come
    from that instead, through a service added over ``store``. It answers ``skill_id`` (the
    sample envelopes' by default). The store tests' and the AWS Lambda tests' one."""
    skill = Skill(skill_id, store=store)
    if attributes is not None:  # (before the handlers, as services are added)
        skill.add_service(Attributes, *attributes_service(attributes))

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    return skill


def _answer(skill: Skill, envelope: Envelope) -> dict[str, Any]:
    async def answer() -> bytes:
        return await skill.answer(envelope)

    body: dict[str, Any] = json.loads(anyio.run(answer))
    return body


def _speech(body: dict[str, Any]) -> str:
    text: str = body["response"]["outputSpeech"].get("text") or body["response"][
        "outputSpeech"
    ].get("ssml")
    return text


class _Forwarder:
    """A TCP proxy on 127.0.0.1 to the port ``target`` (changeable): a failover's DNS name."""

    def __init__(self, target: int) -> None:
        import socket

        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, server]
            self._relay(client, server)

    def _relay(self, client: Any, server: Any) -> None:
        """Pass what each side sends to the other (a proxy that loses answers overrides it)."""
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: Any, sink: Any) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()


def _modes(directory: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()}


async def _save_and_load(store: SQLiteStore) -> None:
    await store.update("amzn1.ask.account.a", {"city": "Oslo"}, ())
    assert await store.load("amzn1.ask.account.a") == {"city": "Oslo"}


_TAKE_OVER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    print(connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
except sqlite3.OperationalError as exc:
    print(exc)
"""


#: The DynamoDB store's timeout on moto's server, in seconds, where no timeout is under test: a
#: bound on a hang, not on moto's work, which grows with the values an item holds, not only the
#: ones a call sends. moto's server (one request at a time) deep-copies the stored item and
#: writes it out as JSON twice at each UpdateItem, however small (~1 s of its CPU for an item of
#: 100,000 values, a 400 KB save of small lists), and serializes each value of a GetItem's
#: answer through its generic serializer (~5.7 s); the store's first save of a user not loaded
#: first sends its values twice (into the map, refused: there is none; then the map whole). On
#: two cores at a load average of 30 (other processes' tests), moto gets a sixteenth of one:
#: tests of 250 to 400 KB saves met 30 s, the bound before ("no answer to GetItem within 30 s",
#: at 31 to 35).
MOTO_TIMEOUT = 120.0

#: The kinds of store `each_store` makes: a fixture's params.
STORE_KINDS = ["memory", "sqlite", "redis", "dynamodb"]


def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A new, empty store of the kind ``request.param`` names (one of STORE_KINDS), the caller's
    to close; Redis and DynamoDB on the servers of the fixtures `redis_url`, `dynamodb_endpoint`."""
    from alexaskill.dynamodb import DynamoDBStore  # (botocore: only for the DynamoDB store)

    if request.param == "memory":
        return MemoryStore()
    if request.param == "sqlite":
        return SQLiteStore(tmp_path / "attributes.db")
    if request.param == "dynamodb":
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        table = f"attributes-{uuid.uuid4().hex}"
        # (the timeout under test is test_dynamodb_no_answer.py's: here, only a hang's bound)
        return DynamoDBStore(table, endpoint_url=endpoint, create_table=True, timeout=MOTO_TIMEOUT)
    url = request.getfixturevalue("redis_url")
    return RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")


# Named apart from the fixture, so that a module importing it may take a parameter `store`
# (as tests/store_backup_shared.py's): tests/test_store.py and the test_store_*.py files that
# import it.
@pytest.fixture(name="store", params=STORE_KINDS)
async def each_store_fixture(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Store]:
    """Each kind of store, empty."""
    made = each_store(request, tmp_path)
    try:
        yield made
    finally:
        await made.aclose()


def json_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A store of ``kind`` (each keeps JSON text), empty."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "attributes.db")
    return RedisStore(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")


async def write_raw(store: Store, key: str, name: str, text: str) -> None:
    """Put ``text`` as the stored value of ``name``, bypassing the store's encoding."""
    if isinstance(store, MemoryStore):
        store._data.setdefault(key, {})[name] = text
    elif isinstance(store, SQLiteStore):
        await store.update(key, {"other": 1}, ())  # the table exists
        with sqlite3.connect(store.path) as connection:
            connection.execute(
                "INSERT OR REPLACE INTO alexaskill_attributes VALUES (?, ?, ?)", (key, name, text)
            )
        connection.close()
    else:
        assert isinstance(store, RedisStore)
        await store._client.hset(store.prefix + key, name, text)


def _in_a_fork(child: Callable[[], bool]) -> str:
    """What ``child()`` came to in a forked process: "yes", "no", "raised" or "hung" (no end
    within 30 s: a deadlock, the process killed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12: fork with threads
        pid = os.fork()
    if pid == 0:
        code = 3
        try:
            code = 0 if child() else 1
        except BaseException:
            traceback.print_exc()
            code = 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return {0: "yes", 1: "no"}.get(os.waitstatus_to_exitcode(status), "raised")
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "hung"
        time.sleep(0.05)

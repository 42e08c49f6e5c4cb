"""A fake DynamoDB endpoint for the tests of `DynamoDBStore`, and helpers that use it.

`FakeDynamoDB` answers every call with one error, or never: for what moto's server cannot make
(throttling, refusals, a server that never answers). `RecordingClient` stands in for a botocore
client and keeps the calls. Used by test_dynamodb*.py.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .store_shared import MOTO_TIMEOUT
from .threaded_http import ThreadedHTTPServer

__all__ = [
    "HANG",
    "STORE_TIMEOUT",
    "FakeDynamoDB",
    "RecordingClient",
    "clients_made",
    "given_up_once_held",
    "no_more_calls",
    "one_attempt_store",
    "threads_ended",
]

#: The store's timeout in the tests on the fake where no timeout is under test, in seconds: its
#: deadline over one call, botocore's attempts included.
STORE_TIMEOUT = 20.0

#: The tests' bound on a hang of one store call on the fake: what it waits for is the store's
#: own answer, due within STORE_TIMEOUT once the store has made its client, which a first call
#: does before the deadline starts (importing botocore, reading its model: seconds on a loaded
#: machine). So the shared bound on a hang (store_shared.MOTO_TIMEOUT, 120 s), not 30 s, ten
#: seconds over the store's timeout: a slow start failed the test with fail_after's
#: TimeoutError, not the store's line; past a table's making too (create_table=true:
#: botocore's 3 attempts at CreateTable, each up to that read timeout). Also the bound of every
#: other wait here and in the tests on the fake for what the test itself sets off (an event, a
#: thread, a request): each is over in far less unless the code under test hangs, and then
#: the test fails, not hangs.
HANG = MOTO_TIMEOUT
assert HANG > STORE_TIMEOUT  # (a bound shorter than what it bounds fails the test, not the store)


class FakeDynamoDB:
    """A DynamoDB endpoint on 127.0.0.1 that answers every call with one error, or never."""

    def __init__(self) -> None:
        self.error: tuple[int, str, str] | None = None
        #: More members of the error's body, as DynamoDB adds them ("ThrottlingReasons").
        self.error_fields: dict[str, Any] = {}
        self.calls: list[str] = []
        self.release = threading.Event()
        #: Set when a call hangs (no error to answer with): its request is in `calls`.
        self.held = threading.Event()
        self.accepted = self.seen = 0  # connections: accepted; whose request was recorded
        self._count = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            counted = False

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fake.calls.append(self.headers.get("X-Amz-Target", "").rpartition(".")[2])
                self.finish_counting()
                if fake.error is None:  # hang until the test ends (`close`), or past the store's
                    fake.held.set()  # timeout and the test's bound on it: no answer in time
                    fake.release.wait(HANG)
                    return
                status, code, message = fake.error
                body = json.dumps(
                    {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}
                    | fake.error_fields
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def finish_counting(self) -> None:
                with fake._count:
                    fake.seen += not self.counted
                    self.counted = True

            def finish(self) -> None:
                super().finish()
                self.finish_counting()  # a connection that sent no POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadedHTTPServer(Handler)
        self.url = self.http.url
        accept = self.http.server.process_request

        def process_request(request: Any, address: Any) -> None:
            with self._count:
                self.accepted += 1
            accept(request, address)

        self.http.server.process_request = process_request  # type: ignore[method-assign,assignment]

    def settle(self) -> None:
        """Return once every request sent to the fake before this call is in `calls`: a GET
        answered (a 501) was accepted after them all (one connection a request, accepted in
        order); then each accepted connection is waited for. No time involved."""
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as answered:
            urllib.request.urlopen(self.url, timeout=HANG)
        answered.value.close()
        deadline = time.monotonic() + HANG
        while self.seen < self.accepted and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.seen == self.accepted, "the fake never read a request it accepted"

    def close(self) -> None:
        self.release.set()
        self.http.stop()


def threads_ended(store: DynamoDBStore, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when one of ``store``'s calls ends in its worker thread (botocore's retries of it
    included): from then on, nothing more of that call can reach the server."""
    ended = threading.Event()
    in_thread = store._in_thread

    def tracked(*args: Any) -> Any:
        try:
            return in_thread(*args)
        finally:
            ended.set()

    monkeypatch.setattr(store, "_in_thread", tracked)
    return ended


async def clients_made(fake: FakeDynamoDB, call: Callable[[], Awaitable[Any]]) -> None:
    """A store's clients made by ``call``, which the fake refuses ("no table"): tried again up
    to five times, as on a loaded machine the fake's answer may take longer than the store's
    timeout. Then every request sent is recorded (a stalled handler thread may record one given
    up on late), forgotten, and the fake answers again."""
    fake.error = (400, "ResourceNotFoundException", "no table")
    for _ in range(5):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as refused:  # (clients made)
            await call()
        if "does not exist" in str(refused.value):
            break
    else:
        pytest.fail(f"the fake's error never came back in time: {refused.value}")
    await anyio.to_thread.run_sync(fake.settle)
    fake.calls.clear()
    fake.error = None


async def no_more_calls(fake: FakeDynamoDB, ended: threading.Event) -> None:
    """Wait until the call's thread has ended (``ended``) and the fake has recorded all
    that the thread sent: then `calls` holds every attempt the call could make."""
    import anyio.to_thread

    assert await anyio.to_thread.run_sync(ended.wait, HANG), "the call's thread never ended"
    await anyio.to_thread.run_sync(fake.settle)


async def given_up_once_held(
    fake: FakeDynamoDB,
    call: Callable[[], Awaitable[Any]],
    held: threading.Event | None = None,
) -> tuple[BaseException | None, list[float | None]]:
    """What ``call`` (a store's, the fake hanging) raised, and the deadlines the store set, its
    deadline reached once the fake holds the request (or once ``held`` is set, by what else
    holds the call: botocore's pause before a retry) rather than by the clock.

    The store's own deadline, `_run`'s ``anyio.move_on_after`` scope, is the one change: made
    without a time, then cancelled as its time would cancel it, once the fake holds the call.
    The store then gives up as at its deadline. (A deadline of 0.5 s runs from before the
    store's thread sends: on a loaded machine the store gave up on an UpdateItem it had not sent
    yet, and so never sent.)
    """
    scopes: list[anyio.CancelScope] = []
    asked: list[float | None] = []
    move_on_after = anyio.move_on_after

    def the_stores_deadline(delay: float | None, shield: bool = False) -> anyio.CancelScope:
        asked.append(delay)
        scopes.append(move_on_after(None, shield))
        return scopes[-1]

    holding = fake.held if held is None else held

    async def give_up_once_held() -> None:
        while not holding.is_set():
            await anyio.sleep(0.01)
        for scope in scopes:
            scope.cancel()

    holding.clear()
    raised: BaseException | None = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(anyio, "move_on_after", the_stores_deadline)
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(give_up_once_held)
                try:
                    await call()
                finally:
                    tasks.cancel_scope.cancel()
        except BaseExceptionGroup as group:  # (the task group's: the store's error as raised)
            [raised] = group.exceptions
        except Exception as exc:
            raised = exc
    return raised, asked


@asynccontextmanager
async def one_attempt_store(url: str, **config: Any) -> AsyncIterator[tuple[Any, DynamoDBStore]]:
    """A botocore client of ``url`` that tries each call once (``config``: botocore's), and
    a store on it, whose own timeout (STORE_TIMEOUT) is longer than botocore's; both closed
    at the end, whatever the test's outcome or the store's close."""
    import botocore.session
    from botocore.config import Config

    settings = Config(retries={"mode": "standard", "total_max_attempts": 1}, **config)
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=url, config=settings
    )
    store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
    try:
        yield client, store
    finally:
        try:
            await store.aclose()
        finally:
            client.close()  # (whatever the store's close did)


class RecordingClient:
    """A client that takes every UpdateItem (its item has the map) and keeps the calls."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def update_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        return {}

    def get_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        return {}


# Imported by the tests that use it (``from .fake_dynamodb import fake_dynamodb_fixture``),
# as tests/store_shared.py's fixtures are: tests/test_dynamodb_errors.py and its neighbours.
@pytest.fixture(name="fake_dynamodb")
def fake_dynamodb_fixture(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDynamoDB]:
    """A fake for the test alone; botocore's pause before each retry (a random part of 1 s,
    then of 2 s) is none: the tests count attempts and read the words, not the pauses."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    fake = FakeDynamoDB()
    try:
        yield fake
    finally:
        fake.close()


def _retrying_client(url: str, attempts: int) -> Any:
    """A botocore client of the user's, that retries by itself (``attempts`` in all)."""
    import botocore.session
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    return botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=url, config=config
    )


class _FailingAtCreation:
    """A client given whose CreateTable fails with an error of its own (no botocore one), once
    ``finish`` is set."""

    def __init__(self) -> None:
        self.finish = threading.Event()

    def get_item(self, **params: Any) -> dict[str, Any]:
        return {}

    def update_item(self, **params: Any) -> dict[str, Any]:
        return {}

    def describe_table(self, **params: Any) -> dict[str, Any]:
        return {"Table": {"TableStatus": "ACTIVE"}}

    def create_table(self, **params: Any) -> None:
        self.finish.wait(HANG)
        raise RuntimeError("the client's own failure")

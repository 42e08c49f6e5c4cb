"""DynamoDBStore saves that reach DynamoDB late: never over a save made after them.

The DynamoDB API is moto's server (``moto_endpoint``), reached through a proxy on 127.0.0.1
that holds back the UpdateItems it is told to, as a congested network would.
"""

from __future__ import annotations

import http.client
import http.server
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, StoreError

from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT
from .threaded_http import ThreadedHTTPServer

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]

USER = "amzn1.ask.account.TESTUSER"
#: The store's deadline for the UpdateItem the proxy holds. The store gives up on it once the
#: proxy holds it (`_slow_store`), not at this deadline: the give-up, not its time, is what the
#: tests pin. So its value matters: past the tests' own bound on the give-up (``fail_after``,
#: MOTO_TIMEOUT), for a give-up that never comes to fail the test, not to pass it by the
#: deadline's own "may have been made" (both were 30 s: a race).
_HELD_DEADLINE = 2 * MOTO_TIMEOUT
# Headers of moto's answer the proxy sets itself.
_HOP_BY_HOP = ("content-length", "connection", "transfer-encoding")


class _HoldingProxy:
    """An HTTP proxy to ``target`` that, while ``holding``, keeps back each UpdateItem until
    `release`, then forwards it: the client has long given up by then."""

    def __init__(self, target: str) -> None:
        self.holding = False
        #: UpdateItems let through, while holding, before the next is held.
        self.passing = 0
        self.released = threading.Event()
        self.held = 0
        self.forwarded = 0
        proxy = self
        host, port = urlsplit(target).hostname, urlsplit(target).port

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
                if proxy.holding and operation == "UpdateItem":
                    if proxy.passing:
                        proxy.passing -= 1
                    else:
                        proxy.held += 1
                        # Held until `release` (or `close`): bounded only as the held call is,
                        # never let through before the test releases it, however slow it is.
                        proxy.released.wait(_HELD_DEADLINE)
                connection = http.client.HTTPConnection(host or "", port, timeout=MOTO_TIMEOUT)
                try:
                    connection.request("POST", self.path, body, dict(self.headers.items()))
                    answer = connection.getresponse()
                    data = answer.read()
                finally:
                    connection.close()
                    if proxy.released.is_set() and operation == "UpdateItem":
                        proxy.forwarded += 1
                try:
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in _HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up and closed

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadedHTTPServer(Handler)
        self.url = self.http.url

    def holds_next(self) -> bool:
        """Whether the next UpdateItem to reach the proxy will be held."""
        return self.holding and not self.passing

    def stop_holding(self) -> None:
        """Hold no more UpdateItems: the store gave up on the one held (`_slow_store`)."""
        assert self.held == 1, f"{self.held} UpdateItems held, not the one given up on"
        self.holding = False

    def release(self) -> None:
        """Forward what was held, and wait until DynamoDB has answered it."""
        self.released.set()
        until = time.monotonic() + MOTO_TIMEOUT
        while self.forwarded < self.held:
            assert time.monotonic() < until, "the held UpdateItem did not reach DynamoDB"
            time.sleep(0.01)

    def close(self) -> None:
        self.released.set()
        self.http.stop()


@pytest.fixture
def proxy(dynamodb_endpoint: str) -> Iterator[_HoldingProxy]:
    made = _HoldingProxy(dynamodb_endpoint)
    try:
        yield made
    finally:
        made.close()


def test_the_proxys_close_lets_through_what_it_holds(dynamodb_endpoint: str) -> None:
    # A test failing while the proxy holds an UpdateItem (before its `release`) leaves it to
    # the fixture's `close`, which lets it through: else the proxy's thread, and the store's
    # waiting on it, waited up to _HELD_DEADLINE (240 s) after the test had failed.
    made = _HoldingProxy(dynamodb_endpoint)
    made.holding = True
    answered: list[int] = []

    def post() -> None:
        address = urlsplit(made.url)
        connection = http.client.HTTPConnection(
            address.hostname or "", address.port, timeout=MOTO_TIMEOUT
        )
        try:
            target = {"X-Amz-Target": "DynamoDB_20120810.UpdateItem"}
            connection.request("POST", "/", b"{}", target)
            answered.append(connection.getresponse().status)
        finally:
            connection.close()

    sender = threading.Thread(target=post, daemon=True)
    sender.start()
    try:
        until = time.monotonic() + MOTO_TIMEOUT
        while not made.held:
            assert time.monotonic() < until, "the UpdateItem was not held"
            time.sleep(0.01)
    finally:
        made.close()  # (not `release`: what a failing test's fixture does)
    sender.join(MOTO_TIMEOUT)  # (a bound on a hang, below _HELD_DEADLINE: not a time pinned)
    assert not sender.is_alive() and len(answered) == 1  # moto's answer, whatever it is
    assert made.forwarded == made.held == 1


def _slow_store(table: str, proxy: _HoldingProxy) -> DynamoDBStore:
    """A store through ``proxy`` that gives up on the UpdateItem the proxy holds as soon as the
    proxy holds it, and waits for each other call up to its timeout (MOTO_TIMEOUT: a bound on a
    hang, as for every store on moto).

    Given up by the store's own deadline, `_run`'s ``anyio.move_on_after`` scope (the one change:
    that scope cancelled once the request is held, as its deadline would): the store then says
    the write "may have been made", and its thread sends nothing more. Not by a short deadline
    (1 s, until 5 December 2026): the deadline runs from before the thread sends, and on a
    loaded machine a call through the proxy took over a second (0.2 to 1.03 s at a load of 20
    on two cores); the store gave up on an UpdateItem it had not sent yet, and so never sent,
    and the test failed waiting for it to be held.
    """
    store = DynamoDBStore(table, endpoint_url=proxy.url, timeout=MOTO_TIMEOUT)
    run = store._run

    async def giving_up_on_the_held(
        func: Callable[[Any], Any], doing: str, deadline: float, *, adding: bool = False
    ) -> Any:
        if not (doing == "UpdateItem" and proxy.holds_next()):
            return await run(func, doing, deadline, adding=adding)
        scopes: list[anyio.CancelScope] = []
        move_on_after = anyio.move_on_after

        def the_stores_deadline(delay: float | None, shield: bool = False) -> anyio.CancelScope:
            anyio.move_on_after = move_on_after  # (`_run`'s scope, and no other)
            scopes.append(move_on_after(delay, shield))
            return scopes[-1]

        async def give_up_once_held() -> None:
            while not proxy.held:
                await anyio.sleep(0.01)
            [scope] = scopes
            scope.cancel()

        anyio.move_on_after = the_stores_deadline
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(give_up_once_held)
                try:
                    return await run(func, doing, _HELD_DEADLINE, adding=adding)
                finally:
                    tasks.cancel_scope.cancel()
        except BaseExceptionGroup as group:  # (the task group's: the store's error as it raised it)
            [error] = group.exceptions
            raise error from None
        finally:
            anyio.move_on_after = move_on_after

    store._run = giving_up_on_the_held  # type: ignore[method-assign]
    return store


@pytest.mark.anyio
@pytest.mark.parametrize("increments", [None, {"visits": 1}])
@pytest.mark.parametrize("first", [False, True])
async def test_a_dynamodb_save_given_up_does_not_land_over_a_later_one(
    dynamodb_endpoint: str,
    proxy: _HoldingProxy,
    increments: dict[str, int] | None,
    first: bool,
) -> None:
    # The store gave up on an UpdateItem (no answer within its timeout: the user heard the
    # apology), but the request was on its way: it reached DynamoDB after the user's next
    # request had saved, and wrote over that save. (``first``: the item had no map yet.)
    table = f"skill-{uuid.uuid4().hex}"
    direct = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    slow = _slow_store(table, proxy)  # (closed in the finally, the test failing too)
    try:
        await direct.ensure_table()
        if not first:
            await direct.update(USER, {"color": "green", "visits": 1}, ())
        proxy.holding = True
        with anyio.fail_after(MOTO_TIMEOUT), pytest.raises(StoreError, match="may have been made"):
            await slow.update(USER, {"color": "red"}, (), increments=increments)
        proxy.stop_holding()
        await direct.update(USER, {"color": "blue"}, ())  # the user's next request
        proxy.release()
        stored = await direct.load(USER)
        assert stored["color"] == "blue"
        assert stored.get("visits") == (None if first else 1)
    finally:
        await slow.aclose()
        await direct.aclose()


@pytest.mark.anyio
async def test_a_dynamodb_map_made_whole_late_does_nothing_over_a_later_time(
    dynamodb_endpoint: str, proxy: _HoldingProxy
) -> None:
    # The item's column is NULL (the ASK SDK's): the save's UpdateItem into the map is refused,
    # and the one making the map whole (the second) is held until the store has given up.
    # Meanwhile the item is saved again, timed later, its column NULL still (a tool clearing
    # the user's attributes): the late write must not land over it.
    import botocore.session

    table = f"skill-{uuid.uuid4().hex}"
    direct = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint
    )
    key = {"id": {"S": USER}}
    slow = _slow_store(table, proxy)
    try:
        await direct.ensure_table()
        client.put_item(TableName=table, Item=key | {"attributes": {"NULL": True}})
        proxy.holding, proxy.passing = True, 1
        with anyio.fail_after(MOTO_TIMEOUT), pytest.raises(StoreError, match="may have been made"):
            await slow.update(USER, {"color": "red"}, ())
        proxy.stop_holding()
        assert proxy.held == 1  # the second
        later = {":t": {"N": str(time.time_ns() // 1000 + 1)}, ":n": {"NULL": True}}
        client.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET attributes = :n, alexaskill_saved_at = :t",
            ExpressionAttributeValues=later,
        )
        proxy.release()
        assert client.get_item(TableName=table, Key=key)["Item"]["attributes"] == {"NULL": True}
    finally:
        client.close()
        await slow.aclose()
        await direct.aclose()


def test_the_time_column_is_the_stores_own() -> None:
    with pytest.raises(ConfigurationError, match="'alexaskill_saved_at' is the store's own"):
        DynamoDBStore("table", client=object(), partition_key_name="alexaskill_saved_at")
    with pytest.raises(ConfigurationError, match="'alexaskill_saved_at' is the store's own"):
        DynamoDBStore("table", client=object(), attribute_name="alexaskill_saved_at")


@pytest.mark.anyio
async def test_a_dynamodb_save_timed_before_the_items_last_is_made_all_the_same(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine whose clock is behind (or a save that overlapped a later one, made first) is
    # refused by the time condition at first; it goes in under the item's time, leaving it.
    # That UpdateItem is made for such a save alone, not with every save's (`update._under`).
    import botocore.session

    from alexaskill.dynamodb import saving, update

    under = update._under
    made: list[object] = []

    def counted(plan: Any) -> dict[str, Any]:
        made.append(plan)
        return under(plan)

    monkeypatch.setattr(saving, "_under", counted)
    table = f"skill-{uuid.uuid4().hex}"
    ahead = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    behind = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    behind._stamp = lambda: time.time_ns() // 1000 - 10_000_000  # type: ignore[method-assign]
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint
    )
    try:
        await ahead.update(USER, {"color": "blue", "n": 1}, ())
        await ahead.update(USER, {"color": "green"}, ())  # into the map
        assert made == []
        first = client.get_item(TableName=table, Key={"id": {"S": USER}})["Item"]
        await behind.update(USER, {"color": "red"}, ["n"], increments={"visits": 2})
        assert len(made) == 1
        assert await ahead.load(USER) == {"color": "red", "visits": 2}
        item = client.get_item(TableName=table, Key={"id": {"S": USER}})["Item"]
        assert item["alexaskill_saved_at"] == first["alexaskill_saved_at"]
    finally:
        client.close()
        await ahead.aclose()
        await behind.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("column", [{"M": {"n": {"N": "1"}}}, {"NULL": True}])
async def test_a_dynamodb_item_timed_far_ahead_is_set_back_once(
    dynamodb_endpoint: str, column: dict[str, Any]
) -> None:
    # A machine whose clock was a day ahead saved the item once. Every later save was refused
    # twice, then went after that time (six calls, two of them refused writes, billed), and
    # the time never came back. It is set back to now at the next save.
    import botocore.session

    table = f"skill-{uuid.uuid4().hex}"
    store = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint
    )
    ahead = time.time_ns() // 1000 + 86_400 * 10**6
    calls: list[str] = []
    call = store._call

    async def counted(operation: str, *args: Any, **params: Any) -> dict[str, Any]:
        calls.append(operation)
        return await call(operation, *args, **params)

    try:
        await store.ensure_table()
        item = {"id": {"S": USER}, "attributes": column, "alexaskill_saved_at": {"N": str(ahead)}}
        client.put_item(TableName=table, Item=item)
        store._call = counted  # type: ignore[method-assign]
        await store.update(USER, {"color": "red"}, (), increments={"visits": 1})
        saved = client.get_item(TableName=table, Key={"id": {"S": USER}})["Item"]
        assert int(saved["alexaskill_saved_at"]["N"]) < ahead
        calls.clear()
        await store.update(USER, {"color": "blue"}, (), increments={"visits": 1})
        assert calls == ["update_item"]
        expected = {"color": "blue", "visits": 2} | ({"n": 1} if "M" in column else {})
        assert await store.load(USER) == expected
    finally:
        client.close()
        await store.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("column", [{"M": {"n": {"N": "1"}}}, {"NULL": True}])
@pytest.mark.parametrize("time_column", [{"S": "2024-05-01T10:00:00Z"}, {"M": {"at": {"N": "1"}}}])
async def test_a_time_column_that_is_not_a_number_is_replaced_with_one_warning(
    dynamodb_endpoint: str,
    caplog: pytest.LogCaptureFixture,
    column: dict[str, Any],
    time_column: dict[str, Any],
) -> None:
    # Another tool wrote its own value into the item's `alexaskill_saved_at` (a date, a map).
    # The save's condition compared it with a number: refused by DynamoDB (a 500 from moto)
    # every time, so that no save of that user was ever made again. It is replaced by a number,
    # once, with a warning; and the attributes load all along.
    import botocore.session

    table = f"skill-{uuid.uuid4().hex}"
    store = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_endpoint
    )
    key = {"id": {"S": USER}}
    try:
        await store.ensure_table()
        item = key | {"attributes": column, "alexaskill_saved_at": time_column}
        client.put_item(TableName=table, Item=item)
        before = {"n": 1} if "M" in column else {}
        assert await store.load(USER) == before
        with caplog.at_level(logging.WARNING, logger="alexaskill"):
            await store.update(USER, {"color": "red"}, (), increments={"visits": 1})
            await store.update(USER, {"color": "blue"}, (), increments={"visits": 1})
        assert await store.load(USER) == before | {"color": "blue", "visits": 2}
        saved = client.get_item(TableName=table, Key=key)["Item"]["alexaskill_saved_at"]
        assert abs(int(saved["N"]) / 1e6 - time.time()) < 3600
        [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "alexaskill_saved_at" in warning.getMessage()
        assert "not a number" in warning.getMessage()
    finally:
        client.close()
        await store.aclose()


@pytest.mark.anyio
async def test_a_dynamodb_save_given_up_that_arrives_before_any_later_one_is_applied(
    dynamodb_endpoint: str, proxy: _HoldingProxy
) -> None:
    # What README says of a save given up on (the user heard the apology): no condition can
    # tell it is late, so arriving before any later save it is applied, all of it; a request
    # that loaded before it arrived, saving after, overwrites only the names it changes.
    table = f"skill-{uuid.uuid4().hex}"
    direct = DynamoDBStore(
        table, endpoint_url=dynamodb_endpoint, create_table=True, timeout=MOTO_TIMEOUT
    )
    slow = _slow_store(table, proxy)
    try:
        await direct.ensure_table()
        await direct.update(USER, {"color": "green", "step": 1}, ())
        proxy.holding = True
        with anyio.fail_after(MOTO_TIMEOUT), pytest.raises(StoreError, match="may have been made"):
            await slow.update(USER, {"color": "red", "step": 2}, (), increments={"visits": 1})
        proxy.stop_holding()
        loaded = await direct.load(USER)  # the user's next request, before the write arrives
        assert loaded == {"color": "green", "step": 1}
        proxy.release()
        await direct.update(USER, {"color": "blue"}, ())
        assert await direct.load(USER) == {"color": "blue", "step": 2, "visits": 1}
    finally:
        await slow.aclose()
        await direct.aclose()

"""DynamoDBStore and AWS's errors: a clear line in the log, the apology, never a hang.

Errors moto cannot make (throttling, refusals, a server that never answers) come from a small
fake DynamoDB (fake_dynamodb.py) on 127.0.0.1; the rest from moto's server (``moto_endpoint``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes

from .conftest import SKILL_ID
from .dynamodb_shared import USER, envelope
from .fake_dynamodb import (
    FakeDynamoDB,
    clients_made,
    given_up_once_held,
    no_more_calls,
    one_attempt_store,
    threads_ended,
)
from .store_shared import MOTO_TIMEOUT
from .threaded_http import ThreadedHTTPServer

#: An UpdateItem of the store's kind: a write that adds, which a client given does not send again.
_ADDING_WRITE = {
    "TableName": "skill",
    "Key": {"id": {"S": USER}},
    "UpdateExpression": "SET n = :v",
    "ExpressionAttributeValues": {":v": {"N": "1"}},
}


@pytest.fixture
def fake_dynamodb(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDynamoDB]:
    """A fake for the test alone; botocore's pause before each retry (a random part of 1 s,
    then of 2 s) is none: the tests count attempts and read the words, not the pauses."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    fake = FakeDynamoDB()
    try:
        yield fake
    finally:
        fake.close()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (400, "ThrottlingException", "Rate exceeded", "throttled GetItem"),
        (400, "ProvisionedThroughputExceededException", "slow down", "throttled GetItem"),
        (
            400,
            "AccessDeniedException",
            "User: arn:aws:sts::1:assumed-role/skill is not authorized to perform: "
            "dynamodb:GetItem",
            "needs dynamodb:GetItem and dynamodb:UpdateItem",
        ),
        (
            400,
            "ValidationException",
            "Item size has exceeded the maximum allowed size",
            "exceed DynamoDB's 400 KB",
        ),
        (500, "InternalServerError", "oops", r"GetItem failed \(InternalServerError: oops\)"),
    ],
)
async def test_aws_errors_become_store_errors_that_say_what_to_do(
    fake_dynamodb: FakeDynamoDB, status: int, code: str, message: str, expected: str
) -> None:
    fake_dynamodb.error = (status, code, message)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError, match=expected):
        await store.load(USER)
    await store.aclose()
    retried = code in ("ThrottlingException", "ProvisionedThroughputExceededException")
    retried = retried or status == 500
    assert fake_dynamodb.calls == ["GetItem"] * (3 if retried else 1)


@pytest.mark.anyio
async def test_a_server_that_never_answers_costs_the_timeout(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    # One answered call first, so that the client exists (making it can take longer than 0.5 s
    # on a busy machine, and so can the fake's answer: tried again then); then the server stops
    # answering.
    await clients_made(fake_dynamodb, lambda: store.load(USER))
    ended = threads_ended(store, monkeypatch)
    never_answered = "no answer to UpdateItem within"
    for _ in range(5):
        ended.clear()
        with anyio.fail_after(30), pytest.raises(StoreError, match=never_answered):
            await store.update(USER, {"a": 1}, ())
        # The fake records a call in a thread of its own, which may not have run yet; and on a
        # loaded machine the store's thread may not have sent the UpdateItem before its 0.5 s
        # passed (then it sends none). Only an UpdateItem that reached the fake shows a server
        # that never answers: else tried again.
        await anyio.to_thread.run_sync(fake_dynamodb.settle)
        if not fake_dynamodb.calls:
            await no_more_calls(fake_dynamodb, ended)
        if fake_dynamodb.calls:
            break
    else:
        pytest.fail("the store's UpdateItem never reached the fake before its timeout")
    assert fake_dynamodb.calls[:1] == ["UpdateItem"]
    await store.aclose()


@pytest.mark.anyio
async def test_a_write_that_adds_is_never_sent_twice(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore retried an UpdateItem whose answer was lost (no answer in time, a 500) though
    # DynamoDB may have applied it: an increment was added twice (3 stored where 2 were due).
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    with anyio.fail_after(30), pytest.raises(StoreError, match="InternalServerError"):
        await store.update(USER, {"a": 1}, (), increments={"n": 1})
    assert fake_dynamodb.calls == ["UpdateItem"]
    fake_dynamodb.calls.clear()
    with anyio.fail_after(30), pytest.raises(StoreError, match="InternalServerError"):
        await store.update(USER, {"a": 1}, ())  # sets and removes: safe to repeat, retried
    assert fake_dynamodb.calls == ["UpdateItem"] * 3
    # Throttled: refused before anything was applied, so tried again, increments or not.
    fake_dynamodb.calls.clear()
    fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
    with anyio.fail_after(30), pytest.raises(StoreError, match="throttled UpdateItem"):
        await store.update(USER, {}, (), increments={"n": 1})
    assert fake_dynamodb.calls == ["UpdateItem"] * 3
    await store.aclose()

    # No answer within the timeout: the write is abandoned, and never sent again. (Given up
    # once the fake holds it, `given_up_once_held`: by the clock, 0.5 s could run out before
    # the store's thread had sent it, on a loaded machine.)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    await clients_made(fake_dynamodb, lambda: store.update(USER, {}, (), increments={"n": 1}))
    ended = threads_ended(store, monkeypatch)
    with anyio.fail_after(30):
        raised, _ = await given_up_once_held(
            fake_dynamodb, lambda: store.update(USER, {}, (), increments={"n": 1})
        )
    assert isinstance(raised, StoreError) and "may have been made" in str(raised), raised
    await no_more_calls(fake_dynamodb, ended)  # botocore's read timeout (0.5 s) ends it
    assert fake_dynamodb.calls == ["UpdateItem"]
    await store.aclose()


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
        with anyio.fail_after(30):
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
        await store.aclose()
        client.close()


@pytest.mark.anyio
async def test_a_read_timeout_says_the_write_may_have_been_made(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # botocore's read timeout (the store's timeout too) could fire before the store's own
    # deadline: the line then said "cannot reach DynamoDB", though the UpdateItem had reached
    # it and may have been applied. Here botocore's fires first, always.
    client, store = one_attempt_store(fake_dynamodb.url, read_timeout=0.3)
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "no answer to UpdateItem within" in message, message
        assert "(the write may have been made)" in message
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.load(USER)
        assert "no answer to GetItem within" in str(info.value)
        assert "may have been made" not in str(info.value)
    finally:
        client.close()


@pytest.mark.anyio
@pytest.mark.usefixtures("aws_env")
async def test_a_connection_closed_before_the_answer_is_said_so() -> None:
    # A server (or a proxy) that closes the connection once the request arrived: the write may
    # have been made, and the line says the connection closed, not that time ran out.
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client, store = one_attempt_store(f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "the connection closed before the answer to UpdateItem" in message, message
        assert "(the write may have been made)" in message
        assert "read timeout" not in message
    finally:
        client.close()
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.anyio
async def test_missing_table_no_credentials_no_region(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = DynamoDBStore("no-such-table", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match=r"'no-such-table' does not exist.*create_table=true"):
        await missing.load(USER)
    await missing.aclose()

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    anonymous = DynamoDBStore("skill", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match="no AWS credentials for GetItem"):
        await anonymous.load(USER)
    await anonymous.aclose()

    monkeypatch.delenv("AWS_DEFAULT_REGION")
    nowhere = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match=r"no AWS region.*\?region="):
        await nowhere.load(USER)
    await nowhere.aclose()


def test_the_skill_answers_a_store_error_with_the_apology_and_one_line(
    dynamodb_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    # store_shared.MOTO_TIMEOUT, not the default 3 s: moto answers slowly on a loaded machine
    url = f"dynamodb://no-such-table?endpoint_url={dynamodb_endpoint}&timeout={MOTO_TIMEOUT:g}"
    skill = Skill(SKILL_ID, store=url)

    @skill.intent("GetWeather")
    def weather(attributes: Attributes) -> Response:
        return speak("never")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        body = json.loads(anyio.run(skill.answer, envelope()))
    assert body["response"]["outputSpeech"]["text"] == APOLOGY
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert record.getMessage().startswith(
        "attributes not loaded or saved for IntentRequest GetWeather: "
    )
    assert "'no-such-table' does not exist" in record.getMessage()


@pytest.mark.anyio
async def test_a_table_whose_key_is_not_the_stores_is_said_so_with_what_to_do(
    dynamodb_endpoint: str,
) -> None:
    # A table made for another layout (its key "userId", as some SDK samples name it): every
    # load and save failed with DynamoDB's bare "The provided key element does not match the
    # schema", naming neither the store's key nor partition_key_name.
    from .dynamodb_shared import table_keyed_by_user_id

    table, client = table_keyed_by_user_id(dynamodb_endpoint)
    client.close()
    store = DynamoDBStore(table, endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    try:
        for call in (lambda: store.load(USER), lambda: store.update(USER, {"a": 1}, ())):
            with pytest.raises(StoreError) as info:
                await call()
            message = str(info.value)
            assert "does not match the schema" in message
            assert "partition key named 'id'" in message
            assert "partition_key_name=" in message
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_key_of_another_type_is_said_as_a_key_not_the_stores(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's words for a numeric key, as moto gives them (DynamoDB says "does not match").
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key userId expected: N "
        "actual: S",
    )
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, partition_key_name="userId", timeout=20
    )
    with anyio.fail_after(30), pytest.raises(StoreError) as info:
        await store.load(USER)
    await store.aclose()
    assert "partition key named 'userId'" in str(info.value)


@pytest.mark.anyio
async def test_an_item_grown_past_400_kb_is_said_with_what_to_do(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # A save that fits by itself, not with what the item holds: the line said DynamoDB refused
    # it, and every save of that user failed so, with no word of what to do.
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError) as info:
        await store.update(USER, {"a": 1}, ())
    await store.aclose()
    assert "exceed DynamoDB's 400 KB" in str(info.value)
    assert "keep large data elsewhere" in str(info.value)


@pytest.mark.anyio
async def test_a_server_error_is_said_as_dynamodbs_and_a_write_as_maybe_made(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's 500 ("InternalServerError") may come after a write was applied (AWS says so):
    # the line said only "UpdateItem failed", as if nothing was written, and no more.
    fake_dynamodb.error = (500, "InternalServerError", "Internal server error")
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as load:
            await store.load(USER)
        with anyio.fail_after(30), pytest.raises(StoreError) as save:
            await store.update(USER, {"a": 1}, ())
    finally:
        await store.aclose()
    for failure in (load, save):
        assert "an error on DynamoDB's side (HTTP 500)" in str(failure.value)
    assert "the write may have been made" not in str(load.value)
    assert "the write may have been made" in str(save.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredTokenException", "The security token included in the request is expired"),
        ("UnrecognizedClientException", "The security token included in the request is invalid."),
        ("InvalidSignatureException", "Signature expired: 20261203T000000Z is now earlier"),
        ("MissingAuthenticationTokenException", "Request is missing Authentication Token"),
    ],
)
async def test_credentials_aws_refuses_are_not_said_as_missing_permissions(
    fake_dynamodb: FakeDynamoDB, code: str, message: str
) -> None:
    # Credentials expired, wrong or signed with a clock far off: the line said the role needs
    # dynamodb:GetItem and dynamodb:UpdateItem, sending the reader to IAM policies for nothing.
    fake_dynamodb.error = (400, code, message)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError) as info:
        await store.load(USER)
    await store.aclose()
    text = str(info.value)
    assert f"AWS refused the credentials for GetItem ({code}: {message})" in text
    assert "needs dynamodb:GetItem" not in text
    assert "AWS_ACCESS_KEY_ID" in text and "clock" in text


@pytest.mark.anyio
async def test_an_endpoint_that_is_no_dynamodb_is_said_so_on_one_line(aws_env: None) -> None:
    # An endpoint_url leading to some web server (a wrong port): botocore takes its HTTP status
    # for the error code and its page for the message, which went into the log line whole,
    # over many lines; a 5xx was said as DynamoDB's own error.
    page = b"<html>\n<body>\n<h1>Bad Gateway</h1>\n</body>\n</html>\n"
    with _web_server(502, page) as url:
        store = DynamoDBStore("skill", endpoint_url=url, timeout=20)
        try:
            with anyio.fail_after(30), pytest.raises(StoreError) as info:
                await store.load(USER)
        finally:
            await store.aclose()
    text = str(info.value)
    assert "\n" not in text
    assert f"HTTP 502 from {url}, not an answer of DynamoDB's" in text
    assert "DynamoDB's side" not in text


@pytest.mark.anyio
async def test_a_generic_5xx_page_from_aws_is_said_as_dynamodbs_error_not_a_wrong_endpoint(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AWS's own front end answers now and then with a bare HTML page ("Service Unavailable"):
    # botocore takes its status for the code, as for a web server that is no DynamoDB, and the
    # line asked whether "the endpoint_url" (none was given) leads to DynamoDB, and no longer
    # said the write may have been made. (AWS_ENDPOINT_URL_DYNAMODB stands in for AWS here:
    # the store is given no endpoint_url.)
    page = b"<html><body><b>Http/1.1 Service Unavailable</b></body></html>"
    with _web_server(503, page) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        store = DynamoDBStore("skill", region="us-east-1", timeout=20)
        try:
            with anyio.fail_after(30), pytest.raises(StoreError) as info:
                await store.update(USER, {"a": 1}, ())
        finally:
            await store.aclose()
    text = str(info.value)
    assert "an error on DynamoDB's side (HTTP 503)" in text, text
    assert "the write may have been made" in text
    assert "endpoint_url" not in text


@contextlib.contextmanager
def _web_server(status: int, page: bytes) -> Iterator[str]:
    """The URL of a web server that answers every POST with ``status`` and the HTML ``page``."""
    import http.server

    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadedHTTPServer(Page)
    try:
        yield server.url
    finally:
        server.stop()


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
            # Set by the test, else (the old code holding the event loop) after 30 s: the test
            # then fails rather than hangs.
            created.wait(30)

        def describe_table(self, **params: Any) -> dict[str, Any]:
            return {"Table": {"TableStatus": "ACTIVE"}}

        def get_item(self, **params: Any) -> dict[str, Any]:
            return {}

        def close(self) -> None:
            closed_clients.append(self)

    store = DynamoDBStore("skill", create_table=True, timeout=20)
    store._make_client = lambda attempts: SlowToCreate()  # type: ignore[method-assign]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(store.load, USER)
        await anyio.to_thread.run_sync(creating.wait, 30)
        try:
            closed = await close_within(store.aclose, 0.05, "the store")
            assert not closed
            assert not created.is_set()  # given up on, the creation still under way
        finally:
            created.set()  # the load, then the close, end
    with anyio.fail_after(30):
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError) as info:
        await store.load(USER)
    await store.aclose()
    message = str(info.value)
    assert "AWS refused CreateTable" in message
    assert "dynamodb:CreateTable and dynamodb:DescribeTable" in message


def _retrying_client(url: str, attempts: int) -> Any:
    """A botocore client of the user's, that retries by itself (``attempts`` in all)."""
    import botocore.session
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    return botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=url, config=config
    )


@pytest.mark.anyio
async def test_a_client_given_sends_no_write_that_adds_twice(fake_dynamodb: FakeDynamoDB) -> None:
    # A save with increments is sent again only when throttled (DynamoDB then applied
    # nothing): an attempt answered otherwise may have been applied, and sent again it counts
    # twice. Through a client given, botocore's own retries sent it again (4 times with the
    # client below): the store's own client for such writes makes one attempt.
    fake_dynamodb.error = (500, "InternalServerError", "oops")
    client = _retrying_client(fake_dynamodb.url, 3)
    store = DynamoDBStore("skill", client=client, timeout=20)
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"visits": 1})
        assert "InternalServerError: oops" in str(info.value)
        assert "the write may have been made" in str(info.value)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"]
        # A write that only sets is safe to send again: the client's retries are its own.
        with anyio.fail_after(30), pytest.raises(StoreError):
            await store.update(USER, {"a": 1}, ())
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4
        # Nor is throttling refused: DynamoDB applied nothing.
        fake_dynamodb.calls.clear()
        fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
        client2 = _retrying_client(fake_dynamodb.url, 2)
        throttled = DynamoDBStore("skill", client=client2, timeout=20)
        with anyio.fail_after(30), pytest.raises(StoreError, match="throttled"):
            await throttled.update(USER, {}, (), increments={"visits": 1})
        fake_dynamodb.settle()
        assert len(fake_dynamodb.calls) > 2  # the client's second attempt, and the store's
        client2.close()
    finally:
        client.close()


def test_a_client_given_retries_its_owners_calls_after_the_stores(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The mark of a write that adds, left in the worker thread after the store's call, made
    # the client refuse the retries of its owner's own calls later in that thread.
    from botocore.exceptions import ClientError

    fake_dynamodb.error = (500, "InternalServerError", "oops")
    client = _retrying_client(fake_dynamodb.url, 3)
    store = DynamoDBStore("skill", client=client, timeout=20)
    try:
        with pytest.raises(StoreError):  # the store's, in this thread: sent once
            store._in_thread(lambda client: client.update_item(**_ADDING_WRITE), "UpdateItem", True)
        with pytest.raises(ClientError):  # its owner's, in the same thread: retried
            client.update_item(**_ADDING_WRITE)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["UpdateItem"] * 4
    finally:
        client.close()


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

    store = DynamoDBStore("skill", timeout=20)
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
    store = DynamoDBStore(
        "skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20, client=client
    )
    try:
        with anyio.fail_after(30), pytest.raises(StoreError) as info:
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


def test_a_client_given_keeps_no_answer_of_its_owners_calls(fake_dynamodb: FakeDynamoDB) -> None:
    # The store's response-received handler kept every answer the client got, its owner's
    # calls' too, in the calling thread until that thread's next call: an item read (up to
    # 400 KB of a user's data) or an error with its traceback, held for as long as a thread
    # of the owner's lived. Only a write that adds needs it, and only during that write.
    from botocore.exceptions import ClientError

    from alexaskill.dynamodb.client import _waited_for

    fake_dynamodb.error = (400, "ValidationException", "no")
    client, _store = one_attempt_store(fake_dynamodb.url)
    try:

        def owners_call() -> object:
            with pytest.raises(ClientError):
                client.get_item(TableName="skill", Key={"id": {"S": USER}})
            return getattr(_waited_for, "last", None)

        kept: list[object] = []
        thread = threading.Thread(target=lambda: kept.append(owners_call()))
        thread.start()
        thread.join(30)
        assert kept == [None]
    finally:
        client.close()


@pytest.mark.anyio
async def test_throttling_through_a_client_given_names_no_attempts_it_did_not_count(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # The line said "after 3 attempts", the store's own count, for a client given whose retries
    # are its owner's (2 here, and as many as its owner likes).
    fake_dynamodb.error = (400, "ThrottlingException", "Rate exceeded")
    client = _retrying_client(fake_dynamodb.url, 2)
    store = DynamoDBStore("skill", client=client, timeout=20)
    try:
        with anyio.fail_after(30), pytest.raises(StoreError, match="throttled GetItem") as info:
            await store.load(USER)
        assert "3 attempts" not in str(info.value)
        assert "the client given" in str(info.value)
        fake_dynamodb.settle()
        assert fake_dynamodb.calls == ["GetItem"] * 2
    finally:
        client.close()


@pytest.mark.anyio
async def test_a_key_over_dynamodbs_limit_is_not_said_as_the_item_size(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's words for a partition key over 2048 bytes hold "Size", and the line said the
    # item would exceed 400 KB: advice to move data to S3, for a key too long.
    fake_dynamodb.error = (
        400,
        "ValidationException",
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of 2048 bytes",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError) as info:
        await store.update(USER, {"a": 1}, ())
    await store.aclose()
    message = str(info.value)
    assert "400 KB" not in message
    assert "key" in message and "2048 bytes" in message


@pytest.mark.anyio
async def test_a_table_not_found_while_being_made_is_not_said_as_deleted_since(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # A ResourceNotFoundException out of the very first creation (CreateTable, or the
    # DescribeTable after it) was said as "though the store made or found it: deleted since":
    # the store had made or found nothing yet.
    fake_dynamodb.error = (400, "ResourceNotFoundException", "Requested resource not found")
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError, match="CreateTable") as info:
        await store.load(USER)
    await store.aclose()
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20)
    failures: list[BaseException] = []

    async def load() -> None:
        try:
            await store.load(USER)
        except StoreError as exc:
            failures.append(exc)

    try:
        with anyio.fail_after(60):
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
async def test_an_account_over_its_quota_is_not_told_to_switch_the_table_to_on_demand(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # RequestLimitExceeded is the account's throughput quota, not the table's capacity: the line
    # said "raise its provisioned capacity or switch it to on-demand", which an on-demand table
    # (where the quota bites) cannot, and which changes nothing for the account.
    fake_dynamodb.error = (
        400,
        "RequestLimitExceeded",
        "Throughput exceeds the current throughput limit for your account. Please contact AWS "
        "Support at https://aws.amazon.com/support request a limit increase",
    )
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError, match="throttled GetItem") as info:
        await store.load(USER)
    await store.aclose()
    message = str(info.value)
    assert "on-demand" not in message
    assert "quota" in message


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
        with anyio.fail_after(30):
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
        with anyio.fail_after(60):
            await store.aclose()  # waits for the store's lock: the thread is done with it


@pytest.mark.anyio
async def test_a_throttled_table_creation_is_not_told_to_raise_the_tables_capacity(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB throttles CreateTable and DescribeTable (control-plane calls: many instances of a
    # function starting at once with create_table=true) by the account's rate of such calls,
    # not by the table's capacity, which the line said to raise (the table may not exist).
    fake_dynamodb.error = (400, "ThrottlingException", "Rate of requests exceeds the allowed rate")
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20)
    with anyio.fail_after(30), pytest.raises(StoreError, match="throttled CreateTable") as info:
        await store.load(USER)
    await store.aclose()
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, create_table=True, timeout=20)
    try:
        with anyio.move_on_after(0.05):  # the fake answers nothing: CreateTable hangs
            await store.load(USER)
        with anyio.fail_after(30):
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
        with anyio.fail_after(60):
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

    store = DynamoDBStore("skill", create_table=True, timeout=20)
    store._make_client = lambda attempts: Refusing()  # type: ignore[method-assign]
    with anyio.fail_after(30), pytest.raises(StoreError, match="AWS refused CreateTable") as info:
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
        self.finish.wait(30)
        raise RuntimeError("the client's own failure")


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

    with anyio.fail_after(30):
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


def test_a_store_error_leaves_no_cycle_holding_the_frames_that_failed(aws_env: None) -> None:
    # _in_thread raised its StoreError from locals of its own frame, which the error's
    # traceback (and its cause's) holds: a cycle, the failing frames and their locals freed
    # only by the cycle collector, whenever it next ran.
    import gc
    import weakref

    from botocore.exceptions import ClientError

    class Held:
        pass

    held: list[weakref.ref[Held]] = []

    def refused(client: Any) -> None:
        local = Held()  # a local of the failing frame
        held.append(weakref.ref(local))
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetItem")

    store = DynamoDBStore("skill", client=_FailingAtCreation())
    gc.disable()
    try:
        with pytest.raises(StoreError, match="AWS refused GetItem") as info:
            store._in_thread(refused, "GetItem", False)
        del info
        assert held and held[0]() is None
    finally:
        gc.enable()


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
    store = DynamoDBStore("skill", client=client, timeout=20)
    try:
        with pytest.raises(StoreError) as info:
            store._in_thread(lambda client: client.update_item(**_ADDING_WRITE), "UpdateItem", True)
        assert said in str(info.value)
        assert "(the write may have been made)" in str(info.value)
        failed = info.value.__cause__
        assert type(failed).__name__ == cause
        assert failed is not None and failed.__cause__ is None and failed.__suppress_context__
    finally:
        client.close()
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


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("increments", "named"),
    [({"n": 1}, "attribute 'n' cannot be incremented"), ({"a": 1, "b": 2}, "'a' or 'b'")],
)
@pytest.mark.parametrize(
    "refusal",
    [
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
        # A sum of more than 38 significant digits (a stored 1.5E-37, 1 added): DynamoDB's words
        # for a number too precise, which hold no "Number overflow".
        "Attempting to store more than 38 significant digits in a Number",
    ],
)
async def test_an_increment_dynamodb_cannot_keep_the_sum_of_is_a_data_fault_naming_it(
    fake_dynamodb: FakeDynamoDB, increments: dict[str, int], named: str, refusal: str
) -> None:
    # DynamoDB adds an increment to the stored number itself, so its sum past DynamoDB's range
    # (a stored 9.99…E+125, say) is refused by DynamoDB alone: it was a StoreError, "AWS refused
    # UpdateItem (ValidationException: Number overflow …)", said as the store failing and naming
    # no attribute, where a value set past the range is refused naming it and the range.
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=20)
    fake_dynamodb.error = (400, "ValidationException", refusal)
    with anyio.fail_after(30), pytest.raises(ResponseError) as raised:
        await store.update(USER, {"other": 1}, (), increments=increments)
    said = str(raised.value)
    assert named in said
    assert (
        "outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude "
        "from 1E-130 to under 1E+126)" in said
    )
    assert refusal in said  # DynamoDB's own words, for whoever reads the log
    assert not isinstance(raised.value, StoreError)
    assert fake_dynamodb.calls == ["UpdateItem"]  # refused, nothing applied: not sent again
    # Without increments, a ValidationException is DynamoDB refusing the store's call.
    fake_dynamodb.calls.clear()
    with anyio.fail_after(30), pytest.raises(StoreError, match=re.escape(refusal)):
        await store.update(USER, {"other": 1}, ())
    await store.aclose()

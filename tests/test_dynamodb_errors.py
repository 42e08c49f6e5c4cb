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
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    _FailingAtCreation,
    clients_made,
    fake_dynamodb_fixture,  # noqa: F401
    no_more_calls,
    one_attempt_store,
    threads_ended,
)
from .store_shared import MOTO_TIMEOUT
from .threaded_http import ThreadedHTTPServer

pytestmark = pytest.mark.oldest_dependencies


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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match=expected):
            await store.load(USER)
    retried = code in ("ThrottlingException", "ProvisionedThroughputExceededException")
    retried = retried or status == 500
    assert fake_dynamodb.calls == ["GetItem"] * (3 if retried else 1)


@pytest.mark.anyio
async def test_a_server_that_never_answers_costs_the_timeout(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=0.5)
    async with contextlib.aclosing(store):
        # One answered call first, so that the client exists (making it can take longer than
        # 0.5 s on a busy machine, and so can the fake's answer: tried again then); then the
        # server stops answering.
        await clients_made(fake_dynamodb, lambda: store.load(USER))
        ended = threads_ended(store, monkeypatch)
        never_answered = "no answer to UpdateItem within"
        for _ in range(5):
            ended.clear()
            with anyio.fail_after(HANG), pytest.raises(StoreError, match=never_answered):
                await store.update(USER, {"a": 1}, ())
            # The fake records a call in a thread of its own, which may not have run yet; and on
            # a loaded machine the store's thread may not have sent the UpdateItem before its
            # 0.5 s passed (then it sends none). Only an UpdateItem that reached the fake shows a
            # server that never answers: else tried again.
            await anyio.to_thread.run_sync(fake_dynamodb.settle)
            if not fake_dynamodb.calls:
                await no_more_calls(fake_dynamodb, ended)
            if fake_dynamodb.calls:
                break
        else:
            pytest.fail("the store's UpdateItem never reached the fake before its timeout")
        assert fake_dynamodb.calls[:1] == ["UpdateItem"]


@pytest.mark.anyio
async def test_a_read_timeout_says_the_write_may_have_been_made(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # botocore's read timeout (the store's timeout too) could fire before the store's own
    # deadline: the line then said "cannot reach DynamoDB", though the UpdateItem had reached
    # it and may have been applied. Here botocore's fires first, always.
    async with one_attempt_store(fake_dynamodb.url, read_timeout=0.3) as (_, store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "no answer to UpdateItem within" in message, message
        assert "(the write may have been made)" in message
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
        assert "no answer to GetItem within" in str(info.value)
        assert "may have been made" not in str(info.value)


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
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        async with one_attempt_store(url) as (_, store):
            with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
                await store.update(USER, {}, (), increments={"n": 1})
        message = str(info.value)
        assert "the connection closed before the answer to UpdateItem" in message, message
        assert "(the write may have been made)" in message
        assert "read timeout" not in message
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.anyio
async def test_missing_table_no_credentials_no_region(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = DynamoDBStore("no-such-table", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(missing):
        with pytest.raises(StoreError, match=r"'no-such-table' does not exist.*create_table=true"):
            await missing.load(USER)

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    anonymous = DynamoDBStore("skill", endpoint_url=dynamodb_endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(anonymous):
        with pytest.raises(StoreError, match="no AWS credentials for GetItem"):
            await anonymous.load(USER)

    monkeypatch.delenv("AWS_DEFAULT_REGION")
    nowhere = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(nowhere):
        with pytest.raises(StoreError, match=r"no AWS region.*\?region="):
            await nowhere.load(USER)


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
        "skill", endpoint_url=fake_dynamodb.url, partition_key_name="userId", timeout=STORE_TIMEOUT
    )
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {"a": 1}, ())
    assert "exceed DynamoDB's 400 KB" in str(info.value)
    assert "keep large data elsewhere" in str(info.value)


@pytest.mark.anyio
async def test_a_server_error_is_said_as_dynamodbs_and_a_write_as_maybe_made(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # DynamoDB's 500 ("InternalServerError") may come after a write was applied (AWS says so):
    # the line said only "UpdateItem failed", as if nothing was written, and no more.
    fake_dynamodb.error = (500, "InternalServerError", "Internal server error")
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    try:
        with anyio.fail_after(HANG), pytest.raises(StoreError) as load:
            await store.load(USER)
        with anyio.fail_after(HANG), pytest.raises(StoreError) as save:
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.load(USER)
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
        store = DynamoDBStore("skill", endpoint_url=url, timeout=STORE_TIMEOUT)
        try:
            with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
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
        store = DynamoDBStore("skill", region="us-east-1", timeout=STORE_TIMEOUT)
        try:
            with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {"a": 1}, ())
    message = str(info.value)
    assert "400 KB" not in message
    assert "key" in message and "2048 bytes" in message


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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled GetItem") as info:
            await store.load(USER)
    message = str(info.value)
    assert "on-demand" not in message
    assert "quota" in message


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
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    fake_dynamodb.error = (400, "ValidationException", refusal)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(ResponseError) as raised:
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
        with anyio.fail_after(HANG), pytest.raises(StoreError, match=re.escape(refusal)):
            await store.update(USER, {"other": 1}, ())

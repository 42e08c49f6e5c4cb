"""DynamoDBStore when no answer of DynamoDB's comes: none in time, a connection closed, a web
page or a server error in its place; each said on one line, with whether a write may have been
made, never a hang.

The server that never answers comes from a small fake DynamoDB (fake_dynamodb.py) on 127.0.0.1;
the rest from servers started here, on 127.0.0.1 too.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .dynamodb_shared import USER
from .fake_dynamodb import (
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    clients_made,
    fake_dynamodb_fixture,  # noqa: F401
    no_more_calls,
    one_attempt_store,
    threads_ended,
)
from .moto_server import botocore_data_once  # noqa: F401
from .threaded_http import ThreadedHTTPServer

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]


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


@pytest.mark.parametrize(("from_env", "user"), [(True, ""), (True, "AKID:s3cret@"), (False, "")])
@pytest.mark.anyio
async def test_a_web_page_through_a_client_given_names_the_clients_endpoint_not_endpoint_url(
    from_env: bool, user: str, aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store is given a client (client=), made with an endpoint of AWS_ENDPOINT_URL_DYNAMODB
    # or its own endpoint_url=: the line asked whether "the endpoint_url" leads to DynamoDB,
    # an option the skill's author never gave the store. The variable is named though its URL
    # has a password, which the line shows as ***.
    import botocore.config
    import botocore.session

    page = b"<html><body><h1>Bad Gateway</h1></body></html>"
    once = botocore.config.Config(retries={"mode": "standard", "max_attempts": 1})
    with _web_server(502, page) as url:
        endpoint = url.replace("http://", f"http://{user}")
        if from_env:
            monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        client = botocore.session.get_session().create_client(
            "dynamodb",
            region_name="us-east-1",
            endpoint_url=None if from_env else endpoint,
            config=once,
        )
        try:
            store = DynamoDBStore("skill", client=client, timeout=STORE_TIMEOUT)
            with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
                await store.load(USER)
        finally:
            client.close()
    text = str(info.value)
    shown = url.replace("http://", "http://AKID:***@") if user else url
    assert f"HTTP 502 from {shown}, not an answer of DynamoDB's" in text, text
    assert "the endpoint_url" not in text and "s3cret" not in text, text
    # (the client keeps no trace of an endpoint_url= given: the variable's URL may be one)
    source = (
        "from its create_client(endpoint_url=…) or AWS_ENDPOINT_URL_DYNAMODB (the same URL)"
        if from_env
        else "its meta.endpoint_url"
    )
    assert f"does the endpoint of the client given (client=), {source}, lead" in text, text


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

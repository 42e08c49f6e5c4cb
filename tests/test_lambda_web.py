"""The skill's ASGI app run in AWS Lambda: what it reads of the invocation from the host.

Behind an ASGI adapter run by the Lambda runtime (Mangum: the invocation's context in the
scope, ``scope["aws.context"]``), the Lambda Web Adapter (the ``x-amzn-lambda-context``
header), or as a Lambda web function (``lambda-web-request-id``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

# restore_logging: autouse, each test's logging and environment put back, as there.
from .test_log_lambda import WEB_ID, _post_on_lambda_server, restore_logging  # noqa: F401

FORGED_IDS = [
    "x" * 5000,  # in every line of the request, 5 KB each
    "8476a536 alexaskill.request: LaunchRequest -> ok",  # a line's fields, spoofed
    "8476a536\t[ERROR]\tforged",
    "8476a536\r\n[ERROR] forged",
    "",
]


@pytest.mark.parametrize("forged", FORGED_IDS)
@pytest.mark.parametrize("header", ["lambda-web-request-id", "x-amzn-lambda-context"])
def test_an_invocation_id_from_a_header_that_is_no_lambda_request_id_is_not_logged(
    monkeypatch: pytest.MonkeyPatch, header: str, forged: str
) -> None:
    """A header a client may have written (one of these two reaches the app, whichever the host):
    only a request id's shape is taken, never a caller's text in the log's id column."""
    value = forged if header == "lambda-web-request-id" else json.dumps({"request_id": forged})
    status, seen, _ = _post_on_lambda_server(monkeypatch, {header: value})
    assert status == 200 and seen == [""]


@pytest.mark.parametrize("header", ["lambda-web-request-id", "x-amzn-lambda-context"])
def test_a_request_id_from_a_header_is_taken(monkeypatch: pytest.MonkeyPatch, header: str) -> None:
    extra: dict[str, Any] = {header: WEB_ID}
    if header == "x-amzn-lambda-context":
        extra = {header: json.dumps({"request_id": WEB_ID, "deadline": 1542409706888})}
    status, seen, _ = _post_on_lambda_server(monkeypatch, extra)
    assert status == 200 and seen == [WEB_ID]

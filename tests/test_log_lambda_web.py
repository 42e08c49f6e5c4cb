"""Logging on AWS Lambda of a skill served over HTTP there (the Lambda Web Adapter, or an ASGI
adapter in the runtime): each line carries the invocation's id, read from where the adapter puts
it, and only on Lambda (alexaskill's records under the runtime's logging:
tests/test_log_lambda.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from alexaskill import Skill

from .lambda_runtime import LambdaContext, stream_events

# restore_logging: autouse, each test's logging and environment put back.
from .log_lambda_shared import (  # noqa: F401
    WEB_ID,
    on_lambda_runtime,
    post_on_lambda_server,
    restore_logging,
    skill,
    standard_error,
)


class _LambdaContextScope:
    """What an ASGI adapter run by the Lambda runtime (Mangum) does: the invocation's context
    in the scope, as ``scope["aws.context"]``."""

    def __init__(self, app: Any, request_id: str) -> None:
        self.app, self.request_id = app, request_id

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "aws.context": LambdaContext(aws_request_id=self.request_id)}
        await self.app(scope, receive, send)


@pytest.mark.parametrize(
    "adapter", ["lambda-web-request-id", "x-amzn-lambda-context", "aws.context"]
)
def test_a_web_server_in_lambda_logs_the_invocations_id(
    monkeypatch: pytest.MonkeyPatch, adapter: str
) -> None:
    """The skill served over HTTPS from Lambda: a web function, the Lambda Web Adapter (a
    web server of its own, no runtime handler on the root logger) or an ASGI adapter in the
    runtime (Mangum, with ``ALEXASKILL_LOG_JSON=1``): every line has the invocation's id."""
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill.testing import TestClient

    if adapter == "aws.context":
        on_lambda_runtime(monkeypatch, LOG_JSON="1")
    else:
        on_lambda_runtime(monkeypatch)
        monkeypatch.setattr(logging.getLogger(), "handlers", [])
    stderr = standard_error(monkeypatch)
    made = skill()
    with TestClient(made) as client:  # (its verifier trusts the test's signing PKI)
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        headers = {"Content-Type": "application/json", **client.pki.sign(body)}
        app: Any = made
        if adapter == "lambda-web-request-id":
            headers[adapter] = WEB_ID
        elif adapter == "x-amzn-lambda-context":
            headers[adapter] = json.dumps({"request_id": WEB_ID, "deadline": 1542409706888})
        else:
            app = _LambdaContextScope(made, WEB_ID)
        with StarletteClient(app) as http:
            assert http.post(made.path, content=body, headers=headers).status_code == 200
    events = stream_events(stderr.getvalue())
    [line] = [e for e in events if "LaunchRequest -> ok (200)" in e]
    if adapter == "aws.context":
        assert json.loads(line)["aws_request_id"] == WEB_ID
    else:
        assert f"\t{WEB_ID}\talexaskill.request: LaunchRequest -> ok (200)" in line


def test_a_lambda_context_header_nested_too_deep_is_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # json.loads of 70,000 "[" raised RecursionError: a 500, and the count of requests in
    # flight left at 1 for good.
    for value in ("[" * 70_000, "{" * 70_000, '{"request_id": 1}', "[1]"):
        status, seen, made = post_on_lambda_server(monkeypatch, {"x-amzn-lambda-context": value})
        assert status == 200 and seen == [""]
        assert made._in_flight == 0


def test_a_failure_noting_the_invocation_leaves_no_request_in_flight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever note_request raised, the request it was noting is no longer in flight.
    import alexaskill.handling

    def broken(scope: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(alexaskill.handling, "note_request", broken)
    made_skills: list[Skill] = []
    with pytest.raises(RuntimeError):
        post_on_lambda_server(monkeypatch, {}, made_skills=made_skills)
    [made] = made_skills
    assert made._in_flight == 0


def test_the_lambda_web_adapters_context_is_preferred_to_a_request_id_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Behind the Lambda Web Adapter a client's lambda-web-request-id header reaches the app;
    # the adapter writes x-amzn-lambda-context itself.
    context = json.dumps({"request_id": WEB_ID})
    for extra in (
        {"lambda-web-request-id": "forged", "x-amzn-lambda-context": context},
        {"x-amzn-lambda-context": context, "lambda-web-request-id": "forged"},
    ):
        status, seen, _ = post_on_lambda_server(monkeypatch, extra)
        assert status == 200 and seen == [WEB_ID]
    status, seen, _ = post_on_lambda_server(monkeypatch, {"lambda-web-request-id": WEB_ID})
    assert status == 200 and seen == [WEB_ID]


def test_off_lambda_no_invocation_id_is_read_from_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Anywhere else these headers are a client's to write.
    for extra in (
        {"lambda-web-request-id": WEB_ID},
        {"x-amzn-lambda-context": json.dumps({"request_id": WEB_ID})},
    ):
        status, seen, _ = post_on_lambda_server(monkeypatch, extra, lambda_env=False)
        assert status == 200 and seen == [""]

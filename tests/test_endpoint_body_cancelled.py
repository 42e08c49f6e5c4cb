"""A request whose task is cancelled from outside while its body is still coming (uvicorn's
shutdown past ``--timeout-graceful-shutdown``, a caller's timeout): its one request line says
``cancelled``, and it is answered a short JSON 503 that closes the connection (the body's rest
unread), as a request cancelled while its signature is checked is (tests/test_verify_cancelled.py).
The cancellation goes on, for whoever cancelled it."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Coroutine, MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, configure_logging

from . import deadline_shared, log_lambda_shared
from .app_shared import post_scope
from .cancelled_shared import ended
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .logger_state import alexaskill_logger_kept

clock = deadline_shared.clock
# Logging put back after each test (autouse), the one built in a Lambda environment's too: the
# app sets a level on "alexaskill" there, which later modules' Lambda log lines would miss.
restore_logging = log_lambda_shared.restore_logging


Sent = list[MutableMapping[str, Any]]


async def _post_and_cancel(
    skill: Skill, parts: int, cancel: Callable[[asyncio.Task[None]], object]
) -> tuple[Sent, BaseException | None]:
    """POST to ``skill`` a body of which ``parts`` parts came before ASGI's ``receive`` waits for
    ever; once it waits, ``cancel`` the request's task (no await in it: the task cannot run
    meanwhile): what the skill sent, and what the call raised."""
    sent: Sent = []
    given = 0
    waiting = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal given
        if given < parts:
            given += 1
            return {"type": "http.request", "body": b'{"version": ', "more_body": True}
        waiting.set()
        await asyncio.Event().wait()  # the rest of the body never comes
        raise AssertionError("never reached")

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = post_scope([(b"content-type", b"application/json")])
    task = asyncio.ensure_future(skill(scope, receive, send))
    await asyncio.wait_for(waiting.wait(), 30)
    cancel(task)
    return await ended(task, sent)


def _logged(
    post: Coroutine[Any, Any, tuple[Sent, BaseException | None]],
) -> tuple[Sent, BaseException | None, list[dict[str, Any]]]:
    """Run ``post`` (`_post_and_cancel`) on an event loop of its own, alexaskill logging JSON
    at INFO: what it gave, and the log's lines."""
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=True, stream=stream)
        sent, raised = asyncio.run(post)
    return sent, raised, [json.loads(line) for line in stream.getvalue().splitlines()]


def _check_cancelled_answer(
    sent: Sent, raised: BaseException | None, lines: list[dict[str, Any]]
) -> None:
    """One request line, ``cancelled`` (503), no ERROR; a 503 that closes the connection (the
    body's rest is never read); the cancellation raised on, for whoever made it."""
    requests = [line for line in lines if line["logger"] == "alexaskill.request"]
    assert [(line["outcome"], line["status"]) for line in requests] == [("cancelled", 503)]
    assert not [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]
    assert sent[0]["status"] == 503
    assert (b"connection", b"close") in sent[0]["headers"]
    assert isinstance(raised, asyncio.CancelledError)  # still cancelled: nothing swallowed it


@pytest.mark.parametrize("parts", [0, 1], ids=["before_its_first_part", "after_a_part"])
def test_a_request_cancelled_while_its_body_comes_has_its_line_and_a_503(parts: int) -> None:
    # Its CancelledError went up without a line: the only request of the log without one (the
    # server then logged a traceback and answered 500).
    skill = Skill(SKILL_ID, store="memory://")
    sent, raised, lines = _logged(_post_and_cancel(skill, parts, lambda task: task.cancel()))
    _check_cancelled_answer(sent, raised, lines)
    assert any("cancelled before its signature was checked" in line["message"] for line in lines)
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert "cancelled" in json.loads(sent[1]["body"])["error"]


def test_in_lambda_a_request_cancelled_while_its_body_comes_blames_no_shutdown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The skill's ASGI app in AWS Lambda (behind Mangum, the Lambda Web Adapter): the 503's
    # reason and the WARNING said "the server shutting down", though none shuts down there while
    # an invocation lasts; they say what cancels there, as for one cancelled while its signature
    # is checked (tests/test_verify_cancelled.py).
    from alexaskill.handler_bugs import LAMBDA_WEB_CANCELLER

    log_lambda_shared.on_lambda_runtime(monkeypatch)
    skill = Skill(SKILL_ID, store="memory://")
    sent, raised, lines = _logged(_post_and_cancel(skill, 1, lambda task: task.cancel()))
    _check_cancelled_answer(sent, raised, lines)
    reason = json.loads(sent[1]["body"])["error"]
    assert reason == "request cancelled before its signature was checked", reason
    # ("WARN": Lambda's word for the level, which the JSON lines take there.)
    said = [line["message"] for line in lines if line["level"] == "WARN"]
    assert said == [
        f"a request was cancelled before its signature was checked (by {LAMBDA_WEB_CANCELLER}): "
        "answered HTTP 503"
    ], said


@pytest.mark.parametrize("outside_first", [True, False], ids=["outside_first", "deadline_first"])
def test_a_cancellation_from_outside_with_the_body_deadline_is_not_swallowed(
    outside_first: bool, clock: Clock
) -> None:
    # The body's deadline answered 408 and the request's task ended as if nothing had
    # cancelled it: the server's shutdown (or a caller's timeout) lost its cancellation.
    skill = Skill(SKILL_ID, store="memory://", body_timeout=60)

    def both(task: asyncio.Task[None]) -> None:
        # Cancelled from outside and by the body's deadline (the watchdog's look, made by hand
        # once the clock passed it), in the order given, before the task runs again.
        clock.skip(61)  # the body's deadline has passed: the watchdog's next look cancels
        deadline_shared.cancel_both(task, skill._watchdog, outside_first)

    # One line, saying what the task ended with, and the answer it names.
    _check_cancelled_answer(*_logged(_post_and_cancel(skill, 0, both)))

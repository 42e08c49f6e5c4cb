"""A request whose task is cancelled from outside while its body is still coming (uvicorn's
shutdown past ``--timeout-graceful-shutdown``, a caller's timeout): its one request line says
``cancelled``, and it is answered a short JSON 503 that closes the connection (the body's rest
unread), as a request cancelled while its signature is checked is (tests/test_verify_cancelled.py).
The cancellation goes on, for whoever cancelled it."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, configure_logging

from . import deadline_shared
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .logger_state import alexaskill_logger_kept
from .test_app import post_scope

clock = deadline_shared.clock


async def _post_cancelled_while_its_body_comes(
    parts: int,
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a body of which ``parts`` parts came before ASGI's ``receive`` waits for ever; cancel
    the request's task once it waits: what the skill sent, and what the call raised."""
    skill = Skill(SKILL_ID, store="memory://")
    sent: list[MutableMapping[str, Any]] = []
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
    task.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), 30)
    except asyncio.CancelledError as exc:
        return sent, exc
    return sent, None


@pytest.mark.parametrize("parts", [0, 1], ids=["before_its_first_part", "after_a_part"])
def test_a_request_cancelled_while_its_body_comes_has_its_line_and_a_503(parts: int) -> None:
    # Its CancelledError went up without a line: the only request of the log without one (the
    # server then logged a traceback and answered 500).
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=True, stream=stream)
        sent, raised = asyncio.run(_post_cancelled_while_its_body_comes(parts))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "alexaskill.request"]
    assert [(line["outcome"], line["status"]) for line in requests] == [("cancelled", 503)]
    assert not [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]
    assert any("cancelled before its signature was checked" in line["message"] for line in lines)
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 503
    assert (b"connection", b"close") in sent[0]["headers"]  # the body's rest is never read
    assert "cancelled" in json.loads(sent[1]["body"])["error"]
    assert isinstance(raised, asyncio.CancelledError)  # still cancelled: nothing swallowed it


async def _post_cancelled_as_its_body_deadline_passes(
    outside_first: bool, clock: Clock
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a body that never comes whole; once ASGI's ``receive`` waits, cancel the request's
    task from outside and let its body's deadline cancel it too (the watchdog's look, made by
    hand after the clock passed the deadline), both before the task runs again, in the order
    given: what the skill sent, and what the call raised."""
    skill = Skill(SKILL_ID, store="memory://", body_timeout=60)
    sent: list[MutableMapping[str, Any]] = []
    waiting = asyncio.Event()

    async def receive() -> dict[str, Any]:
        waiting.set()
        await asyncio.Event().wait()  # the body never comes
        raise AssertionError("never reached")

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = post_scope([(b"content-type", b"application/json")])
    task = asyncio.ensure_future(skill(scope, receive, send))
    await asyncio.wait_for(waiting.wait(), 30)
    watchdog = skill._watchdog
    assert watchdog is not None
    clock.skip(61)  # the body's deadline has passed: the watchdog's next look cancels the task
    # No await from here to the wait below: the task cannot run between the two cancellations.
    if outside_first:
        task.cancel()
        watchdog._tick()
    else:
        watchdog._tick()
        task.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), 30)
    except asyncio.CancelledError as exc:
        return sent, exc
    return sent, None


@pytest.mark.parametrize("outside_first", [True, False], ids=["outside_first", "deadline_first"])
def test_a_cancellation_from_outside_with_the_body_deadline_is_not_swallowed(
    outside_first: bool, clock: Clock
) -> None:
    # The body's deadline answered 408 and the request's task ended as if nothing had
    # cancelled it: the server's shutdown (or a caller's timeout) lost its cancellation.
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=True, stream=stream)
        sent, raised = asyncio.run(
            _post_cancelled_as_its_body_deadline_passes(outside_first, clock)
        )
    assert isinstance(raised, asyncio.CancelledError)  # still cancelled, for whoever did it
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "alexaskill.request"]
    # One line, saying what the task ended with, and the answer it names.
    assert [(line["outcome"], line["status"]) for line in requests] == [("cancelled", 503)]
    assert not [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]
    assert sent[0]["status"] == 503
    assert (b"connection", b"close") in sent[0]["headers"]

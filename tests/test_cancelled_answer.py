"""A request whose task is cancelled from outside while its handler runs (uvicorn's shutdown past
``--timeout-graceful-shutdown``) is answered the deadline's apology (the real servers:
tests/test_serve_uvicorn.py); here, what becomes of the cancellation, as a raw ASGI call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.testing import RequestFactory, TestPKI

from .test_app import post_scope

SKILL_ID = "amzn1.ask.skill.cancelled"


async def _post_cancelled(
    times: int,
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a signed Hello to a skill whose handler waits for ever, cancel the request's task
    ``times`` times once the handler runs: what it sent, and what it raised."""
    skill = Skill(SKILL_ID, deadline=None)
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    running = asyncio.Event()

    @skill.intent("Hello")
    async def hello() -> Any:
        running.set()
        await asyncio.Event().wait()
        return speak("hello")

    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = [(b"content-type", b"application/json")]
    headers += [(name.lower().encode(), value.encode()) for name, value in pki.sign(body).items()]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    task = asyncio.create_task(skill(post_scope(headers), receive, send))
    await asyncio.wait_for(running.wait(), 30)
    for _ in range(times):
        task.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), 30)
    except asyncio.CancelledError as exc:
        return sent, exc
    return sent, None


@pytest.mark.parametrize("times", [1, 2])
def test_a_cancelled_request_is_answered_the_apology(times: int) -> None:
    sent, raised = asyncio.run(_post_cancelled(times))
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    # Answered, and still cancelled: whoever cancelled it (a server's shutdown, a caller's
    # timeout such as the simulator's wait for a skill that never answers) sees it cancelled.
    assert isinstance(raised, asyncio.CancelledError)

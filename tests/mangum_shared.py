"""What the tests of the skill behind Mangum share (tests/test_lambda_mangum.py and
test_lambda_sigterm.py): a function that invokes the skill's ASGI app as Mangum does
(`_MangumFunction`, its failed start raised as `StartupFailed`), and the process made the Lambda
runtime's (`_on_lambda`)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from typing import Any

import pytest
from starlette.types import Message

from alexaskill import Skill
from alexaskill.testing import RequestFactory, TestPKI

from .conftest import SKILL_ID
from .lambda_runtime import LambdaContext
from .log_lambda_shared import WEB_ID, on_lambda_runtime, standard_error


class StartupFailed(Exception):
    """Mangum's ``LifespanFailure``: the invocation fails, no request made."""


class _Scope(dict[str, Any]):
    """A lifespan's scope a weak reference can follow (a dict cannot)."""


class _MangumFunction:
    """What Mangum's handler does at each invocation with its default lifespan ("auto"), on the
    one event loop of the process (Mangum's ``asyncio.get_event_loop()``): the app's lifespan
    started, the request (the invocation's Lambda context in its scope), the lifespan shut down.
    A startup that failed fails the invocation, as Mangum raises ``LifespanFailure``."""

    def __init__(self, skill: Skill, *, in_scope: bool = True, loop_each: bool = False) -> None:
        self.skill = skill
        #: True: a new event loop at each invocation, as Mangum 0.20.0 runs it (``asyncio.run``).
        self.loop_each = loop_each
        #: False: no Mangum, a web server's request (uvicorn behind the Lambda Web Adapter), the
        #: invocation in the adapter's ``x-amzn-lambda-context`` header, not in the scope.
        self.in_scope = in_scope
        self.runner = asyncio.Runner()
        self.pki = TestPKI.default()
        self.factory = RequestFactory(SKILL_ID)  # (one user for every invocation)
        #: Each invocation's lifespan scope, followed: what its frames held.
        self.scopes: list[weakref.ref[_Scope]] = []
        skill.verifier = self.pki.verifier()

    def invoke(self, intent: str) -> dict[str, Any]:
        """The answer to a signed IntentRequest for ``intent``, as the response envelope."""
        if self.loop_each:
            return asyncio.run(self._invocation(intent))
        return self.runner.run(self._invocation(intent))

    def close(self) -> None:
        """Close the skill's stores on the loop (a test's end), then the loop."""
        self.runner.run(self.skill.aclose())
        self.runner.close()

    async def _invocation(self, intent: str) -> dict[str, Any]:
        queue: asyncio.Queue[Message] = asyncio.Queue()
        answers: asyncio.Queue[Message] = asyncio.Queue()
        scope = _Scope(type="lifespan", asgi={"spec_version": "2.0", "version": "3.0"})
        self.scopes.append(weakref.ref(scope))
        lifespan = asyncio.create_task(self.skill(scope, queue.get, answers.put))
        await queue.put({"type": "lifespan.startup"})
        started = await answers.get()
        if started["type"] == "lifespan.startup.failed":
            try:
                await lifespan
            except Exception:  # (the app raises the start's error once it has said it)
                raise StartupFailed(started["message"]) from None
            raise AssertionError("the start was said failed, not raised")
        assert started["type"] == "lifespan.startup.complete", started
        try:
            return await self._request(intent)
        finally:
            await queue.put({"type": "lifespan.shutdown"})
            assert (await answers.get())["type"] == "lifespan.shutdown.complete"
            await lifespan

    async def _request(self, intent: str) -> dict[str, Any]:
        body = json.dumps(self.factory.intent(intent)).encode()
        headers = {"content-type": "application/json", **self.pki.sign(body)}
        if not self.in_scope:  # (the adapter's deadline: the invocation's 7 s from now)
            deadline = int(time.time() * 1000) + 7000
            headers["x-amzn-lambda-context"] = json.dumps(
                {"request_id": WEB_ID, "deadline": deadline}
            )
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "https",
            "path": self.skill.path,
            "raw_path": self.skill.path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 443),
        }
        if self.in_scope:
            scope["aws.context"] = LambdaContext(7000, WEB_ID)
        incoming = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[Message] = []

        async def receive() -> Message:
            if incoming:
                return incoming.pop()
            await asyncio.Event().wait()  # (no disconnect before the answer)
            raise AssertionError

        async def send(message: Message) -> None:
            sent.append(message)

        await self.skill(scope, receive, send)
        assert sent[0]["status"] == 200, sent
        answer: dict[str, Any] = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
        return answer


def _on_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process made the Lambda runtime's, its root logger's handlers none, its standard
    error captured."""
    on_lambda_runtime(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    standard_error(monkeypatch)

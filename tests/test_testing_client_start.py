"""`TestClient`'s start and close: the skill's lifespan, started by Starlette's client, ended."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.testing import TestClient

#: The code of `TestClient.__enter__`, where the test's Ctrl-C lands.
_ENTER = TestClient.__enter__.__code__


class _Watched(Skill):
    """A skill that notes the lifespan messages its server sends it."""

    said: list[str]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await super().__call__(scope, receive, send)
            return

        async def watched() -> Any:
            message = await receive()
            self.said.append(message["type"])
            return message

        await super().__call__(scope, watched, send)


def test_a_ctrl_c_as_the_clients_start_returns_ends_its_lifespan() -> None:
    # A Ctrl-C landing as Starlette's client's start returned, before TestClient noted it
    # (chat and replay hold the client for its close before starting it): its __exit__ closed
    # the client without exiting Starlette's, the skill's lifespan left running.
    skill = _Watched("amzn1.ask.skill.watched")
    skill.said = []
    client = TestClient(skill)
    http = client.http
    start, started = http.__enter__, []

    def noted() -> Any:
        started.append(start())
        return started[-1]

    def interrupt(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line" and started:  # (the next line of TestClient.__enter__ after it)
            started.clear()
            raise KeyboardInterrupt
        return interrupt

    http.__enter__ = noted  # type: ignore[method-assign]
    tracing = sys.gettrace()
    sys.settrace(lambda frame, *_: interrupt if frame.f_code is _ENTER else None)
    try:
        with pytest.raises(KeyboardInterrupt):
            client.__enter__()
    finally:
        sys.settrace(tracing)
    try:
        client.__exit__(None, None, None)  # (as chat's close, and replay's exit stack)
        assert skill.said == ["lifespan.startup", "lifespan.shutdown"]
    finally:
        if skill.said == ["lifespan.startup"]:  # (not ended: its thread would outlive the test)
            http.__exit__(None, None, None)

"""`TestClient`'s start and close: the skill's lifespan, started by Starlette's client, ended."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.testing import TestClient

pytestmark = pytest.mark.oldest_dependencies

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


async def _failing_start(scope: Any, receive: Any, send: Any) -> None:
    """An app whose lifespan's start fails, as Starlette's router fails it: said, then raised."""
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no start"})
    raise RuntimeError("no start")


def test_starlettes_client_says_by_its_portal_whether_a_lifespan_runs() -> None:
    # What TestClient reads off Starlette's client (`_lifespan_running`): its portal, set for
    # as long as the lifespan runs, None before, after its exit and after a start that failed.
    # Run at Starlette's floor too (.ci/run's oldest dependencies).
    from starlette.testclient import TestClient as StarletteClient

    http = StarletteClient(Skill("amzn1.ask.skill.portal"))
    assert http.portal is None
    with http:
        assert http.portal is not None
    assert http.portal is None
    failing = StarletteClient(_failing_start)
    with pytest.raises(RuntimeError, match="no start"):
        failing.__enter__()
    assert failing.portal is None


class _Closings(_Watched):
    """A watched skill that counts the closings of its stores (`Skill._close_at_shutdown`)."""

    closings: int = 0

    async def _close_at_shutdown(self) -> None:
        self.closings += 1
        await super()._close_at_shutdown()


def test_a_client_within_with_ends_the_lifespan_and_is_closed_once() -> None:
    # Its exit ends the lifespan (the shutdown closes the stores), then closes the client, its
    # stores not closed again: whether the lifespan ran is read before its exit ends it.
    skill = _Closings("amzn1.ask.skill.watched")
    skill.said = []
    with TestClient(skill) as client:
        assert client.http.portal is not None
    assert skill.said == ["lifespan.startup", "lifespan.shutdown"]
    assert skill.closings == 1
    assert client._swap._restored

"""A request's cancellation from outside that the skill's code caught, as the server stops on its
signal (`alexaskill.server_stop`): said as the server's shutdown's or not, and ended there or
raised on (tests/test_server_stop.py: one not caught)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.server_stop import UVICORN_SHUTDOWN

from . import cancelled_shared
from .cancelled_shared import post_and_cancel, stopped
from .conftest import SKILL_ID
from .lambda_runtime import LAMBDA_ENVIRON

# The fixtures of tests/cancelled_shared.py: a caught cancellation looked for (on 3.11 too), the
# stop's record, uvicorn's handlers in place.
looked_for = cancelled_shared.looked_for
record = cancelled_shared.record
uvicorns = cancelled_shared.uvicorns
pytestmark = pytest.mark.usefixtures("looked_for", "record", "uvicorns")


@pytest.mark.parametrize("in_lambda", [True, False], ids=["in Lambda", "elsewhere"])
def test_a_caught_cancellation_of_the_shutdown_is_said_as_the_servers(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, in_lambda: bool
) -> None:
    # A handler that caught the shutdown's cancellation was said, in AWS Lambda, to have caught
    # one "from outside (in AWS Lambda, the skill's own code: …)": the server's shutdown it was.
    # (Caught, its text is lost: told by the stop signal alone, `server_shutdown`.)
    if in_lambda:
        for name, value in LAMBDA_ENVIRON.items():
            monkeypatch.setenv(name, value)
    skill = Skill(SKILL_ID, deadline=None)
    started: list[asyncio.Event] = []

    @skill.intent("Hello")
    async def hello() -> Any:
        started[0].set()
        with contextlib.suppress(asyncio.CancelledError):  # (a catch-all's bug)
            await asyncio.Event().wait()
        return speak("hello")

    async def run() -> None:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        started.append(asyncio.Event())
        await post_and_cancel(skill, started[0], message=UVICORN_SHUTDOWN)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        asyncio.run(run())
    (caught,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    if in_lambda:
        shutdown = "the server shutting down at Lambda's SIGTERM, as it ends the instance"
    else:
        shutdown = "the server shutting down (SIGTERM), past its --timeout-graceful-shutdown"
    assert f"cancellation from outside ({shutdown}) and returned" in caught, caught
    assert "skill's own code" not in caplog.text, caplog.text

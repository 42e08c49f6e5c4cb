"""A request's cancellation from outside that the skill's code caught, as the server stops on its
signal (`alexaskill.server_stop`): told by its own text where it can still be found (the cause or
context of what the code raised instead), said and ended as one not caught is
(tests/test_server_stop.py); by the signal only where it cannot (the code returned), said so and
raised on, as any cancellation whose text is lost."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.handler_bugs import LAMBDA_WEB_OWN, LAMBDA_WEB_SHUTDOWN
from alexaskill.server_stop import UVICORN_SHUTDOWN

from . import cancelled_shared
from .cancelled_shared import hanging_skill, post_and_cancel, raising_instead, stopped
from .conftest import SKILL_ID
from .lambda_runtime import LAMBDA_ENVIRON

# The fixtures of tests/cancelled_shared.py: a caught cancellation looked for (on 3.11 too), the
# stop's record, uvicorn's handlers in place.
looked_for = cancelled_shared.looked_for
record = cancelled_shared.record
uvicorns = cancelled_shared.uvicorns
# At the oldest dependencies too, as tests/test_server_stop.py: the caught ones end the same there.
pytestmark = [
    pytest.mark.usefixtures("looked_for", "record", "uvicorns"),
    pytest.mark.oldest_dependencies,
]


#: How the server stops: uvicorn's own, or the skill's ASGI app run in AWS Lambda (behind the
#: Lambda Web Adapter's uvicorn).
_WHERE = pytest.mark.parametrize("in_lambda", [False, True], ids=["uvicorn", "in Lambda"])
#: Who cancelled the request: uvicorn's shutdown, past its graceful timeout (by its text), or
#: the skill's own code, a caller's timeout (a middleware's, no text).
_BY = pytest.mark.parametrize("text", [UVICORN_SHUTDOWN, None], ids=["uvicorn's", "a caller's"])
#: uvicorn's shutdown at SIGTERM, as the lines say it (in AWS Lambda: `LAMBDA_WEB_SHUTDOWN`).
_SHUTDOWN = "the server shutting down (SIGTERM), past its --timeout-graceful-shutdown"


def _in(in_lambda: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a Lambda function's process, ``in_lambda``."""
    if in_lambda:
        for name, value in LAMBDA_ENVIRON.items():
            monkeypatch.setenv(name, value)


@_WHERE
@_BY
@pytest.mark.parametrize("where", ["handler", "exception handler", "a link further"])
def test_a_cancellation_caught_and_raised_instead_is_told_by_its_own_text(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    in_lambda: bool,
    text: str | None,
    where: str,
) -> None:
    # Once the stop signal was seen, a cancellation the code caught was the shutdown's in its
    # ERROR and its WARNING, by the signal alone: a caller's own timeout too (in AWS Lambda, the
    # skill's own code), whose CancelledError, still the context of the LookupError, says it is
    # not uvicorn's. And the shutdown's, said so, was raised on to uvicorn (its traceback), no
    # text on the one raised again: it ends there now, as one not caught does.
    _in(in_lambda, monkeypatch)
    started: list[asyncio.Event] = []
    skill, catch = raising_instead(where, started)

    async def run() -> tuple[list[Any], BaseException | None]:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        started.append(asyncio.Event())
        return await post_and_cancel(skill, started[0], message=text)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        sent, raised = asyncio.run(run())
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    (caught,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"{catch.__qualname__} caught the CancelledError" in caught, caught
    (cancelled,) = [r.getMessage() for r in caplog.records if "before it answered" in r.message]
    outside = caught.split("cancellation from outside (")[1].split(") and raised LookupError")[0]
    because = cancelled.split("before it answered (")[1].split("): answered")[0]
    if text is None:
        assert isinstance(raised, asyncio.CancelledError)  # (for the caller that waits on it)
        if in_lambda:
            assert (outside, because) == (LAMBDA_WEB_OWN, f"by {LAMBDA_WEB_OWN}")
        else:
            assert outside == "the server shutting down, a caller's timeout"
            assert because == "the server shutting down, past its --timeout-graceful-shutdown?"
        assert "shutting down at" not in caplog.text and "(SIGTERM)" not in caplog.text
        return
    assert raised is None  # (uvicorn waits on it no more: no traceback)
    if in_lambda:
        assert (outside, because) == (LAMBDA_WEB_SHUTDOWN, f"by {LAMBDA_WEB_SHUTDOWN}")
    else:
        assert (outside, because) == (_SHUTDOWN, _SHUTDOWN)


@_WHERE
def test_a_cancellation_caught_whose_text_is_lost_is_said_either_and_raised_on(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, in_lambda: bool
) -> None:
    # A handler that caught the cancellation and returned leaves no text to tell it by: the stop
    # signal alone says what it may be. Its ERROR and WARNING called it the shutdown's, while it
    # was raised on to uvicorn (its traceback), as one whose text is lost is: a caller's timeout
    # must see it. The lines say the other it may be, and why. (In AWS Lambda it was said, before
    # the signal was noted, to be the skill's own code's alone.)
    _in(in_lambda, monkeypatch)
    skill = Skill(SKILL_ID, deadline=None)
    started: list[asyncio.Event] = []

    @skill.intent("Hello")
    async def hello() -> Any:
        started[0].set()
        with contextlib.suppress(asyncio.CancelledError):  # (a catch-all's bug)
            await asyncio.Event().wait()
        return speak("hello")

    async def run() -> BaseException | None:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        started.append(asyncio.Event())
        return (await post_and_cancel(skill, started[0], message=UVICORN_SHUTDOWN))[1]

    with caplog.at_level(logging.WARNING, "alexaskill"):
        raised = asyncio.run(run())
    assert isinstance(raised, asyncio.CancelledError)
    (caught,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    (cancelled,) = [r.getMessage() for r in caplog.records if "before it answered" in r.message]
    shutdown, other = (
        (LAMBDA_WEB_SHUTDOWN, "the skill's own code")
        if in_lambda
        else (
            _SHUTDOWN,
            "a caller's timeout",
        )
    )
    either = f"{shutdown}, or {other}: its text, which tells them apart, went with the catch"
    assert f"cancellation from outside ({either}) and returned" in caught, caught
    assert f"before it answered ({'by ' if in_lambda else ''}{either}): " in cancelled, cancelled


@pytest.mark.parametrize("text", [UVICORN_SHUTDOWN, None], ids=["uvicorn's", "its own"])
def test_in_lambda_the_skills_own_cancellation_after_sigterm_is_said_its_own(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, text: str | None
) -> None:
    # Once Lambda's SIGTERM had come, any cancellation there was said to be the server's
    # shutdown: the skill's own (a middleware's timeout around it), not uvicorn's by its text,
    # too, raised on all the same. (Not caught: its text at hand.)
    _in(True, monkeypatch)
    skill, running = hanging_skill()

    async def run() -> BaseException | None:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        return (await post_and_cancel(skill, running, message=text))[1]

    with caplog.at_level(logging.WARNING, "alexaskill"):
        raised = asyncio.run(run())
    (cancelled,) = [r.getMessage() for r in caplog.records if "before it answered" in r.message]
    by = LAMBDA_WEB_SHUTDOWN if text else LAMBDA_WEB_OWN
    assert f"before it answered (by {by}): " in cancelled, cancelled
    assert (raised is None) == (text is not None)

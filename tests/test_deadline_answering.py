"""What the deadline's WARNINGs name (deadline_answering.py): the code that ran late, a hook's
as well as a handler's.

A hook or handler meant to run past the deadline moves the deadline's clock on
(``clock.skip``, `tests.deadline_clock`) rather than waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.store import Attributes
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import deadline_shared
from .deadline_clock import Clock
from .deadline_shared import LONG, SHORT, SlowStore

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock


def warnings_with(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and text in r.getMessage()
    ]


def test_a_before_hook_that_caught_the_cancellation_is_named_not_the_handler(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The WARNING named the handler ("…hello caught the deadline's cancellation"), which only
    # ran after the hook had swallowed it: the author was sent to the wrong function.
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.before_request
    async def stubborn() -> None:
        clock.skip(SHORT)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(LONG)  # ended by the deadline, however loaded the machine

    @skill.intent("Hello")
    async def hello() -> Response:
        return speak("late but here")  # (no await: nothing cancels it again)

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Hello").speech == "late but here"
    (line,) = warnings_with(caplog, "caught the deadline's cancellation")
    assert line.startswith(f"the before-request hook {stubborn.__module__}.{stubborn.__qualname__}")
    assert hello.__qualname__ not in line


def test_an_after_hook_that_caught_the_cancellation_is_named_not_the_handler(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Hello")
    async def hello() -> Response:
        return speak("hello")

    @skill.after_request
    async def stubborn(response: Response) -> None:
        clock.skip(SHORT)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(LONG)

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Hello").speech == "hello"
    (line,) = warnings_with(caplog, "caught the deadline's cancellation")
    assert line.startswith(f"the after-request hook {stubborn.__module__}.{stubborn.__qualname__}")


def test_a_before_hook_that_held_up_the_loop_past_the_deadline_is_named(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The loop held up past the deadline by a hook (blocking code in an async def: here the
    # clock moved on without an await) was said of the handler ("…hello answered 1.50 s after
    # its deadline … blocking code in an async def"), whose code blocked nothing.
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.before_request
    async def blocking() -> None:
        clock.skip(SHORT + 0.5)  # never awaits: the watchdog cannot act meanwhile

    @skill.intent("Hello")
    async def hello() -> Response:
        return speak("hello")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Hello").speech == "hello"
    (line,) = warnings_with(caplog, "after its deadline")
    assert f"the before-request hook {blocking.__module__}.{blocking.__qualname__}" in line
    assert hello.__qualname__ not in line


def test_a_handler_that_held_up_the_loop_is_still_named(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # (The handler's own line is unchanged, hooks or not.)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.before_request
    async def quick() -> None:
        return None

    @skill.intent("Hello")
    async def hello() -> Response:
        clock.skip(SHORT + 0.5)
        return speak("hello")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Hello").speech == "hello"
    (line,) = warnings_with(caplog, "after its deadline")
    assert line.startswith(f"{hello.__module__}.{hello.__qualname__} answered ")
    assert quick.__qualname__ not in line


def test_a_save_past_the_deadline_names_a_before_hooks_reply_as_the_hooks(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The late save's WARNING said "with the handler's reply" of a before-request hook's reply
    # (the handler never ran).
    async def slow() -> None:
        clock.skip(SHORT + 0.5)  # the deadline stood down: the save is waited for

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=SlowStore(slow))

    @skill.before_request
    async def closed(attributes: Attributes) -> Response:
        attributes["turned_away"] = True
        return speak("closed today")

    @skill.intent("Hello")
    async def hello() -> Response:
        return speak("hello")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Hello").speech == "closed today"
    (line,) = warnings_with(caplog, "while the attributes were being saved")
    assert "with the before-request hook's reply" in line, line
    assert line.startswith("the deadline passed"), line

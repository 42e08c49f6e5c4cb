"""The save of the `DeadlineExceeded` exception handler's attributes, under way as its half
second of grace ends: waited for, as the handler's own save is at the deadline
(tests/test_deadline.py), not cancelled mid-write. Its reply goes out, late. On asyncio, under
the cancel scope (trio's path) on asyncio and on trio itself; on AWS Lambda, until the function's
end, and the late save's WARNING says the grace given."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.aws_lambda import LAMBDA_MARGIN, handler
from alexaskill.deadline import DEADLINE_GRACE, RESOLUTION
from alexaskill.store import Attributes, Store
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_clock import Clock
from .deadline_shared import (
    LONG,
    SHORT,
    WAIT,
    Looks,
    SlowStore,
    as_under_trio,
    lambda_event,
    noted_graces,
    request_lines,
    respond_by,
    saves_to_the_end,
    slow_saving,
    wait_for,
)
from .lambda_runtime import LambdaContext

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock

pytestmark = pytest.mark.oldest_dependencies


def _noted_when_too_slow(clock: Clock, store: Store, held: float) -> Skill:
    """A skill (deadline SHORT, ``store``) whose Hello holds ``clock`` ``held`` seconds, then
    waits to be cancelled by the deadline, and whose exception handler for DeadlineExceeded
    notes ``late`` in the attributes, answering "too slow, noted"."""
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=store)

    @skill.intent("Hello")
    async def hello() -> Response:
        clock.skip(held)
        await asyncio.sleep(LONG)  # cancelled by the deadline at the watchdog's next look
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, attributes: Attributes) -> Response:
        attributes["late"] = "yes"
        return speak("too slow, noted")

    return skill


def test_the_deadline_handlers_save_is_not_cancelled_as_its_grace_ends(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # `_recover_within` left the call unwatched (`call.watched`): the save of the exception
    # handler's attributes did not stand its grace down, so the watchdog cancelled it mid-write
    # when the half second ended. A store's write runs on once begun: the user heard "please
    # try again" over a change made, which the retry makes twice.
    # The write takes past the grace.
    store = slow_saving(monkeypatch, clock, DEADLINE_GRACE + 1)
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG, store=store)

    @skill.launch
    async def launch() -> Response:
        clock.skip(LONG + 1)
        await asyncio.sleep(LONG)  # cancelled by the deadline at the watchdog's next look
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, attributes: Attributes) -> Response:
        attributes["late"] = "yes"
        return speak("too slow, noted")

    with TestClient(skill) as client, caplog.at_level(logging.WARNING, "alexaskill"):
        result = client.launch()
    assert result.speech == "too slow, noted"
    assert [fields["late"] for fields in store._data.values()] == ['"yes"']
    (late,) = [r.getMessage() for r in caplog.records if "while the attributes" in r.getMessage()]
    # (the exception handler's reply, not the handler's, which never came)
    assert "after its grace ended, with the exception handler's reply" in late, late
    # (Its grace ended meanwhile, not the deadline, which had passed before it began.)
    assert late.startswith(
        f"the exception handler's {DEADLINE_GRACE:g} s of grace for DeadlineExceeded ended"
    ), late
    assert "took over" not in caplog.text  # (not said to have outlasted its grace)


@saves_to_the_end((DEADLINE_GRACE + 1, "too slow, noted"))
def test_on_lambda_the_deadline_handlers_save_is_waited_for_until_the_function_ends(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    takes: float,
    said: str,
) -> None:
    # On AWS Lambda the save was waited for however long it took: one outlasting the
    # invocation's remaining time (less LAMBDA_MARGIN) had no answer at all, Lambda ending the
    # function first, where the deadline's reply went out before the save stood the grace down.
    # A save past the grace; past the function's end too, or not.
    store = slow_saving(monkeypatch, clock, takes)
    skill = _noted_when_too_slow(clock, store, SHORT)

    # Ten seconds left: the skill's deadline first, and the grace's end; then the function's,
    # less LAMBDA_MARGIN, between a save of DEADLINE_GRACE + 1 s and one of LONG.
    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert store.began == 1  # (the save began within the grace: what is tested here)
    assert speech(answer) == said
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]
    if said == DEADLINE_REPLY:
        assert "not done by the Lambda function's end" in caplog.text


class _Ledger:
    """A service whose finish (its save) outlasts the grace."""


@pytest.mark.anyio
async def test_under_trio_the_deadline_handlers_save_is_not_cancelled_either(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cancel scope's path (trio, simulated on asyncio: `as_under_trio`): the
    # scope of the grace was not stood down for the save, which it cancelled mid-write. The
    # scope keeps anyio's clock, the event loop's: the save moves it on past the grace rather
    # than sleeping through a real half second, and the grace is LONG in real time, so that a
    # loaded machine's stall before the save begins cannot end it (it failed the test).
    import anyio

    import alexaskill.deadline_answering

    as_under_trio(monkeypatch)
    monkeypatch.setattr(alexaskill.deadline_answering, "DEADLINE_GRACE", LONG)
    saved: list[str] = []

    async def make(call: Any) -> _Ledger:
        return _Ledger()

    async def save(ledger: _Ledger) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time
        monkeypatch.setattr(loop, "time", lambda: now() + LONG + 1)  # the write takes past it
        for _ in range(2):  # the scope's timer, due, runs at the first: it would cancel here
            await anyio.sleep(RESOLUTION)
        saved.append("noted")

    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    skill.add_service(_Ledger, make, save)

    @skill.intent("Hello")
    async def hello() -> Response:
        await anyio.sleep(LONG)
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, ledger: _Ledger) -> Response:
        return speak("too slow, noted")

    answer = await respond_by(skill, "Hello", 0.1)
    assert (answer.outcome, speech(json.loads(answer.body))) == (
        "deadline",
        "too slow, noted",
    )
    assert saved == ["noted"]


def test_on_lambda_the_late_saves_warning_states_the_grace_given(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # The exception handler's grace is cut to what is left of the function's time, less
    # LAMBDA_MARGIN, when the deadline's answer began late; the WARNING of a save that ended
    # past it said the 0.5 s of `DEADLINE_GRACE` all the same.
    async def past_the_grace() -> None:
        # Past the grace, and no await: done before the watchdog's next look could cut it.
        clock.skip(DEADLINE_GRACE)

    # Ten seconds left, LAMBDA_MARGIN and the grace kept back: the deadline, SHORT, first. Hello
    # cancelled past it, under DEADLINE_GRACE before the function's end less the margin: a grace
    # cut short, to what the real time spent since the invocation began leaves of that (0.45 s:
    # room for a loaded machine, where 0.2 s left no grace at all to test).
    held = 10 - LAMBDA_MARGIN - (DEADLINE_GRACE - RESOLUTION)
    skill = _noted_when_too_slow(clock, SlowStore(past_the_grace), held)

    graces = noted_graces(monkeypatch)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert speech(answer) == "too slow, noted"
    (grace,) = graces
    assert 0 < grace < DEADLINE_GRACE, grace  # (cut short: what is tested here)
    (late,) = [r.getMessage() for r in caplog.records if "while the attributes" in r.getMessage()]
    assert late.startswith(
        f"the exception handler's {grace:.2g} s of grace for DeadlineExceeded ended"
    ), late


def test_on_trio_the_deadline_handlers_save_is_not_cancelled_either() -> None:
    # The test above on trio itself (anyio's other backend), where the cancel scope's deadline
    # is on trio's clock: a MockClock that jumps ahead whenever every task waits, so that the
    # deadline, the grace's end and the save's 1.5 s pass at once, however loaded the machine.
    # A scope not stood down for the save cancels it as the grace ends: nothing saved, and the
    # deadline's own reply.
    import anyio
    import trio
    from trio.testing import MockClock

    saved: list[str] = []

    async def make(call: Any) -> _Ledger:
        return _Ledger()

    async def save(ledger: _Ledger) -> None:
        await anyio.sleep(DEADLINE_GRACE + 1)  # the write takes past the grace
        saved.append("noted")

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    skill.add_service(_Ledger, make, save)

    @skill.intent("Hello")
    async def hello() -> Response:
        await anyio.sleep(LONG)  # ended by the deadline
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, ledger: _Ledger) -> Response:
        return speak("too slow, noted")

    async def answer() -> Any:
        return await respond_by(skill, "Hello")

    clock = MockClock(autojump_threshold=0)
    # trio.run itself: anyio.run's backend_options never reach it on anyio 4.1, pyproject.toml's
    # floor (its trio backend calls trio.run(func, *args)), and the test ran on the real clock.
    answered = trio.run(answer, clock=clock)
    assert (answered.outcome, speech(json.loads(answered.body))) == (
        "deadline",
        "too slow, noted",
    )
    assert saved == ["noted"]
    assert clock.current_time() > SHORT + DEADLINE_GRACE  # (the save ran past the grace's end)


def test_on_lambda_without_a_deadline_the_functions_end_bounds_no_save(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The README said a save under way is waited for until the function's remaining time less
    # LAMBDA_MARGIN, as if a deadline were always set: with `Skill(deadline=None)` none is, and
    # the function's end bounds nothing either (no `Call.latest`): the save is waited for past
    # it, where Lambda would have ended the function unanswered.
    async def past_the_functions_end() -> None:
        clock.skip(2)  # past the second the invocation has left
        await asyncio.sleep(2 * RESOLUTION)  # (a watchdog, were one watching, would look)

    store = SlowStore(past_the_functions_end)
    skill = Skill(DEFAULT_SKILL_ID, deadline=None, store=store)

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("hello")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(1_000))
    assert speech(answer) == "hello"
    assert store.saved == 1
    assert "Lambda function's end" not in caplog.text, caplog.text


def test_a_def_deadline_handler_returning_past_its_grace_is_said_late_by_its_grace(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # A `def` exception handler for DeadlineExceeded runs on in its thread past its grace; what
    # it returned was said "… s after its deadline", counted from the grace's end (its call's
    # deadline): 2 s after the grace read as 2 s after the deadline, which had passed before.
    release = threading.Event()
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)

    @skill.launch
    async def launch() -> Response:
        clock.skip(LONG + 1)
        await asyncio.sleep(LONG)  # cancelled by the deadline at the watchdog's next look
        return speak("never")

    @skill.exception(DeadlineExceeded)
    def too_slow(exc: DeadlineExceeded) -> Response:
        clock.skip(DEADLINE_GRACE + 2)  # 2 s past its grace's end
        release.wait(WAIT)
        return speak("too late")

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
            assert client.launch().speech == DEADLINE_REPLY
            release.set()
            wait_for(lambda: "discarded (" in caplog.text)
    finally:
        release.set()
    (said,) = [r.getMessage() for r in caplog.records if "discarded (" in r.getMessage()]
    late = re.search(r"too_slow returned (\d+\.\d\d) s after its grace ended; discarded", said)
    assert late is not None, said
    assert 2 <= float(late[1]) < 2 + LONG, said


def test_on_lambda_a_deadline_handlers_save_caught_at_the_end_is_said_late_by_its_grace(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # The save of the exception handler for DeadlineExceeded catches the cut at the function's
    # end and returns: its WARNING said "answered … s after the deadline", the figure counted
    # from the grace's end (its call's deadline).
    looks = Looks(monkeypatch, clock)

    async def caught() -> None:
        try:
            clock.skip(LONG)  # past the function's end
            await looks.settle(clock.perf_counter())  # cancelled there, at the watchdog's look
        except asyncio.CancelledError:
            pass

    skill = _noted_when_too_slow(clock, SlowStore(caught), SHORT)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert speech(answer) == "too slow, noted"
    (said,) = [m for r in caplog.records if "caught the cancel" in (m := r.getMessage())]
    late = re.search(r"answered (\d+\.\d\d) s after its grace ended, with the exception", said)
    assert late is not None, said
    assert 0 < float(late[1]) < LONG + WAIT, said  # (the skip past the grace's end, and more)

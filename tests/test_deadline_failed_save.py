"""A save that fails (the store is down) with the deadline stood down for it: the exception
handler of its failure runs within the deadline again, on asyncio and on trio; on AWS Lambda,
what the log says of an answer cut at the function's end after such a failure."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, speak
from alexaskill.app import APOLOGY, DEADLINE_REPLY
from alexaskill.aws_lambda import handler
from alexaskill.deadline import DEADLINE_GRACE
from alexaskill.exceptions import StoreError
from alexaskill.store import Attributes
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_clock import Clock
from .deadline_shared import (
    LONG,
    SHORT,
    Looks,
    SlowStore,
    lambda_event,
    request_lines,
)
from .lambda_runtime import LambdaContext

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock

pytestmark = pytest.mark.oldest_dependencies


async def _down() -> None:
    """A `SlowStore`'s ``before``: the store is down, its save fails at once."""
    raise StoreError("the store is down")


def _saving_skill(before: Callable[[], Awaitable[None]]) -> Skill:
    """A skill whose launch ("welcome") and Hello ("hello") handlers each set an attribute, saved
    by a `SlowStore` that runs ``before`` first (past the deadline, failing, ...), due `SHORT`."""
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=SlowStore(before))

    @skill.launch
    async def launch(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("welcome")

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("hello")

    return skill


def test_the_exception_handler_of_a_failed_save_is_bounded_by_the_deadline(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # `_save` stood the deadline down before the save and never up again when it failed: the
    # StoreError's exception handler ran with no deadline at all (one taking 1.5 s past a 0.3 s
    # deadline answered at 1.5 s, nothing said), long after Alexa had given up.
    skill = _saving_skill(_down)

    @skill.exception(StoreError)
    async def store_down(exc: StoreError) -> Response:
        clock.skip(SHORT + 1)
        await asyncio.sleep(LONG)  # cancelled by the deadline at the watchdog's next look
        return speak("never")

    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        result = client.launch()
    assert result.speech == DEADLINE_REPLY
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]
    (said,) = [r.getMessage() for r in caplog.records if "answering now" in r.getMessage()]
    assert "the exception handler " in said and "store_down was still running" in said, said
    assert said.endswith("the exception being handled: StoreError"), said


def _past_the_deadline(
    clock: Clock, takes: float, ran: list[str], *, held: bool = False
) -> tuple[Skill, list[str]]:
    """A skill whose save fails past the deadline (it took that long) with an exception handler
    for it taking ``takes`` seconds of ``clock`` (``held``: holding the event loop, no await),
    and one for DeadlineExceeded: what ran."""

    async def slow_then_down() -> None:
        clock.skip(SHORT + 0.2)  # past the deadline, as a store's own timeout ends a save
        raise StoreError("the store is down")

    skill = _saving_skill(slow_then_down)

    @skill.exception(StoreError)
    async def store_down(exc: StoreError) -> Response:
        ran.append("store_down")
        if takes:
            clock.skip(takes)
        if takes and not held:
            await asyncio.sleep(LONG)  # cancelled at the grace's end, at the watchdog's look
        return speak("I could not save that")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        ran.append("too_slow")
        return speak("too slow")

    return skill, ran


def test_past_the_deadline_the_exception_handler_of_a_failed_save_gets_the_grace(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # A save that failed past the deadline (a store's timeout, the README's set-up on Lambda):
    # its exception handler was not run, the apology went out instead of the author's "I could
    # not save that". It gets DEADLINE_GRACE, as the one for DeadlineExceeded does, and its
    # reply goes out, late, said as such (not as an event loop held up). Its grace ends when
    # the one for DeadlineExceeded would have: what is left of DEADLINE_GRACE after the deadline.
    skill, ran = _past_the_deadline(clock, 0.0, [])
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        result = client.launch()
    assert (result.speech, ran) == ("I could not save that", ["store_down"])
    assert [r.outcome for r in request_lines(caplog)] == ["exception_handler"]  # type: ignore[attr-defined]
    (said,) = [r.getMessage() for r in caplog.records if "of grace" in r.getMessage()]
    given = re.match(
        r"the store's save of Attributes failed (0\.2\d) s after the deadline: its exception "
        r"handler \S+store_down is given ([\d.]+) s of grace",
        said,
    )
    assert given is not None, said
    # (The figures are rounded: %.2f, %.2g.)
    assert 0 < float(given[2]) <= DEADLINE_GRACE - float(given[1]) + 0.01, said
    assert "held up" not in caplog.text, caplog.text


@pytest.mark.parametrize("fails_again", [False, True], ids=["slow", "fails again"])
def test_a_save_of_the_failed_saves_exception_handler_past_its_grace_is_said_so(
    caplog: pytest.LogCaptureFixture, clock: Clock, fails_again: bool
) -> None:
    # That handler's own save, begun within its grace and ending past it, is waited for, as the
    # save of the one for DeadlineExceeded is; its WARNING said "the deadline passed while the
    # attributes were being saved: answered 0.50 s late", 0.50 s after the grace's end (1.20 s
    # after the deadline): it names the grace, as that one's does, and what its figure counts
    # from ("answered 0.50 s late" read as after the deadline). Failing too, it is the
    # handler's failure, answered with the apology: no exception handler runs for it again.
    saves: list[str] = []

    async def down_then_slow() -> None:
        saves.append("save")
        clock.skip(SHORT + 0.2 if len(saves) == 1 else DEADLINE_GRACE + 0.5)
        if len(saves) == 1 or fails_again:
            raise StoreError("the store is down")

    skill = _saving_skill(down_then_slow)
    ran: list[str] = []

    @skill.exception(StoreError)
    async def store_down(exc: StoreError, attributes: Attributes) -> Response:
        ran.append("store_down")
        attributes["failed"] = 1
        return speak("I could not save that")

    with (
        TestClient(skill, raise_handler_errors=False) as client,
        caplog.at_level(logging.INFO, "alexaskill"),
    ):
        result = client.launch()
    assert (saves, ran) == (["save", "save"], ["store_down"])
    if fails_again:
        assert result.speech == APOLOGY
        assert [r.outcome for r in request_lines(caplog)] == ["handler_error"]  # type: ignore[attr-defined]
        assert "failed after the exception handler" in caplog.text, caplog.text
        return
    assert result.speech == "I could not save that"
    (said,) = [r.getMessage() for r in caplog.records if "being saved" in r.getMessage()]
    late = re.match(
        r"the exception handler's ([\d.]+) s of grace for a save that failed past the deadline "
        r"ended while the attributes were being saved: answered (\d+\.\d\d) s after its "
        r"grace ended",
        said,
    )
    assert late is not None, said
    # (Its grace, what was left of DEADLINE_GRACE, ended under DEADLINE_GRACE + 0.5 s before.)
    assert 0 < float(late[1]) < DEADLINE_GRACE and float(late[2]) >= 0.5, said


def test_past_its_grace_the_exception_handler_of_a_failed_save_is_given_up_on(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # Still running at its grace's end: the deadline's reply, DeadlineExceeded's handler not run
    # (the grace past the deadline was this handler's: a second one would answer later still).
    skill, ran = _past_the_deadline(clock, DEADLINE_GRACE + 1, [])
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        result = client.launch()
    assert (result.speech, ran) == (DEADLINE_REPLY, ["store_down"])
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]
    (said,) = [r.getMessage() for r in caplog.records if "answering now" in r.getMessage()]
    assert "store_down was still running: it was cancelled" in said, said
    # It said "launch did not answer within 1 s": launch had answered; its save failed, and the
    # grace given to that failure's exception handler, which the line left out, ended.
    assert said.startswith("the request for "), said
    assert (
        f"launch was not answered within {SHORT:g} s (Skill(deadline=...)) nor within the " in said
    )
    # (What was left of DEADLINE_GRACE after the deadline: `_watch_again`.)
    assert re.search(r" 0\.\d+ s of grace given to its failed save's exception handler", said)


def test_on_lambda_with_no_time_left_the_exception_handler_of_a_failed_save_is_not_run(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # A save that failed past the function's end less LAMBDA_MARGIN (a store that never awaits,
    # so the cut never reached it): no grace is left there, the apology goes out at once. (The
    # function's end, 1.2 s in, comes before the deadline's grace ends, 1.5 s in: it is named.)
    async def past_the_end_then_down() -> None:
        clock.skip(LONG)
        raise StoreError("the store is down")

    skill = _saving_skill(past_the_end_then_down)
    ran: list[str] = []

    @skill.exception(StoreError)
    async def store_down(exc: StoreError) -> Response:
        ran.append("store_down")
        return speak("I could not save that")

    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(1_500))
    assert (speech(answer), ran) == (APOLOGY, [])
    (said,) = [r.getMessage() for r in caplog.records if "was not run" in r.getMessage()]
    assert "store_down was not run for the store's save of Attributes" in said, said
    assert "Lambda function's end" in said, said


class _Ledger:
    """A service whose finish (its save) fails: its store is down."""


async def _make_ledger(call: Any) -> _Ledger:
    return _Ledger()


def _on_trio(
    finish: Callable[[_Ledger], Awaitable[None]], takes: float, now: Callable[[], float]
) -> tuple[Any, float, list[str]]:
    """A Hello answered under trio, whose MockClock jumps ahead when every task waits, due
    `SHORT` after ``now()``, by a skill whose _Ledger's ``finish`` fails, with an exception
    handler for that failure taking ``takes`` seconds and one for DeadlineExceeded: the
    answer, trio's clock at its end, and what ran."""
    import anyio
    from trio.testing import MockClock

    from .deadline_shared import respond_by

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    skill.add_service(_Ledger, _make_ledger, finish)
    ran: list[str] = []

    @skill.intent("Hello")
    async def hello(ledger: _Ledger) -> Response:
        return speak("noted")

    @skill.exception(StoreError)
    async def store_down(exc: StoreError) -> Response:
        ran.append("store_down")
        await anyio.sleep(takes)
        return speak("I could not save that")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        ran.append("too_slow")
        return speak("too slow")

    async def answer() -> Any:
        return await respond_by(skill, "Hello", now=now)

    trio_clock = MockClock(autojump_threshold=0)
    answered = anyio.run(answer, backend="trio", backend_options={"clock": trio_clock})
    return answered, trio_clock.current_time(), ran


def test_on_trio_the_exception_handler_of_a_failed_save_is_bounded_too(clock: Clock) -> None:
    # The cancel scope's deadline, made infinite for the save, stayed so when it failed: the
    # exception handler ran for as long as it took. Given up on at the deadline, as the
    # handler's own failure's is: the one for DeadlineExceeded answers, in its grace.
    async def down(ledger: _Ledger) -> None:
        raise StoreError("the ledger's store is down")

    answered, ended, ran = _on_trio(down, LONG, clock.perf_counter)
    said = speech(json.loads(answered.body))
    assert (answered.outcome, said, ran) == ("deadline", "too slow", ["store_down", "too_slow"])
    assert ended < LONG  # (ended by the deadline, not by the handler's return)


@pytest.mark.parametrize("slow", [False, True], ids=["in its grace", "past its grace"])
def test_on_trio_past_the_deadline_the_exception_handler_of_a_failed_save_gets_the_grace(
    caplog: pytest.LogCaptureFixture, clock: Clock, slow: bool
) -> None:
    # The tests above on trio: a save failing past the deadline (on the deadline's clock), its
    # exception handler given DEADLINE_GRACE in the cancel scope, its reply not said to be late
    # for an event loop held up; past the grace, the deadline's reply, DeadlineExceeded's
    # handler not run (trio's MockClock jumps to the grace's end at once, LONG never reached).
    async def late_then_down(ledger: _Ledger) -> None:
        clock.skip(SHORT + 0.2)
        raise StoreError("the ledger's store is down")

    with caplog.at_level(logging.INFO, "alexaskill"):
        answered, ended, ran = _on_trio(late_then_down, LONG if slow else 0, clock.perf_counter)
    said = speech(json.loads(answered.body))
    if slow:
        assert (answered.outcome, said, ran) == ("deadline", DEADLINE_REPLY, ["store_down"])
        assert ended < LONG
    else:
        assert (answered.outcome, said) == ("exception_handler", "I could not save that")
    assert "held up" not in caplog.text, caplog.text


def test_on_lambda_a_save_failing_past_the_deadline_is_not_said_to_hold_the_loop_up(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # On AWS Lambda the save is watched until the function's end (`Call.latest`): a save that
    # failed left that watch in place, so the apology, sent past the deadline, was said to be
    # late because "the event loop was held up" (a def handler on the loop's thread that
    # blocked...), which nothing did: the store took that long, and failed, as its ERROR says.
    async def slow_then_down() -> None:
        clock.skip(SHORT)  # past the deadline, long before the function's end
        raise StoreError("the store is down")

    skill = _saving_skill(slow_then_down)

    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert speech(answer) == APOLOGY
    assert [r.outcome for r in request_lines(caplog)] == ["handler_error"]  # type: ignore[attr-defined]
    assert "attributes not loaded or saved for IntentRequest Hello" in caplog.text
    assert "held up" not in caplog.text, caplog.text


@pytest.mark.parametrize("fails", [True, False], ids=["and fails", "and returns"])
def test_on_lambda_a_save_that_catches_the_functions_end_cut_is_said_so(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock, fails: bool
) -> None:
    # A save still under way at the function's end less LAMBDA_MARGIN is cancelled there; a
    # store that catches that cancellation and raises its own error (a client library's
    # timeout) failed the save, and the apology went out; one that returns sends the reply,
    # late. The WARNING then said the handler "caught the deadline's cancellation and answered
    # … late" (after, for one that returned, "the deadline passed" during a save "not
    # interrupted"): it had returned long before; the store's save caught it, at the end.
    looks = Looks(monkeypatch, clock)

    async def cut_then() -> None:
        try:
            clock.skip(LONG)  # past the function's end
            await looks.settle(clock.perf_counter())  # cancelled there, at the watchdog's look
        except asyncio.CancelledError:
            if fails:
                raise StoreError("the store timed out") from None

    skill = _saving_skill(cut_then)

    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert speech(answer) == (APOLOGY if fails else "hello")
    (said,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert said.startswith("the store's save of Attributes caught the cancellation at the "), said
    assert "Lambda function's end" in said and "hello" not in said, said
    # It told the author to let CancelledError through, which a store's client library (or
    # asyncio.wait_for, Python 3.11) may catch out of their reach, and which would put the
    # apology over a write made: it says what to do, bound the save before the function's end.
    assert "through" not in said and "bound it sooner" in said and '"AWS Lambda"' in said, said
    if not fails:  # (a write that returned is done: not said to be perhaps undone)
        assert "may not be done" not in said and "(its write returned: it is done)" in said, said


def test_a_save_failing_past_the_deadlines_grace_runs_no_exception_handler(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The failed save's exception handler got DEADLINE_GRACE from the moment the save failed: a
    # store timing out 3 s past the deadline answered at the deadline + 3.5 s, past the 8 s
    # Alexa waits (README: the deadline 7 s by default), where the one for DeadlineExceeded
    # answers by the deadline + DEADLINE_GRACE. Its grace ends then too: past it, not run.
    async def down_late() -> None:
        clock.skip(SHORT + 3)  # a store's own timeout, 3 s past the deadline
        raise StoreError("the store timed out")

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=SlowStore(down_late))
    ran: list[str] = []

    @skill.launch
    async def launch(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("welcome")

    @skill.exception(StoreError)
    async def store_down(exc: StoreError) -> Response:
        ran.append("store_down")
        return speak("I could not save that")

    with (
        TestClient(skill, raise_handler_errors=False) as client,
        caplog.at_level(logging.WARNING, "alexaskill"),
    ):
        result = client.launch()
    assert (result.speech, ran) == (APOLOGY, [])
    (said,) = [m for r in caplog.records if "was not run" in (m := r.getMessage())]
    assert "store_down was not run for the store's save of Attributes" in said, said
    assert f"past the deadline's {DEADLINE_GRACE:g} s of grace" in said, said


def test_a_failed_saves_exception_handler_holding_the_loop_past_its_grace_is_late_by_the_deadline(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # A save failing past the deadline gives its exception handler what is left of the grace;
    # one holding the event loop past that (blocking code in an async def: the deadline cannot
    # act) answered late, said "answered 1.20 s after its deadline (Skill(deadline=...))": the
    # figure counted from the grace's end, 1.70 s after that deadline.
    skill, ran = _past_the_deadline(clock, DEADLINE_GRACE + 1, [], held=True)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        assert client.launch().speech == "I could not save that"
    assert ran == ["store_down"]
    (said,) = [r.getMessage() for r in caplog.records if "held up" in r.getMessage()]
    late = re.match(
        r"the request was answered (\d+\.\d\d) s after its deadline \(Skill\(deadline=\.\.\.\)\), "
        r"the exception handler \S+\.store_down returning past it",
        said,
    )
    assert late is not None, said
    assert 0.2 + DEADLINE_GRACE + 1 <= float(late[1]) < 0.2 + DEADLINE_GRACE + 1 + LONG, said

"""Where def handlers run: threads until their calls prove quick, then the loop (alexaskill.pace).
The handlers that stay in threads are in tests/test_pace_threads.py.

The limits are raised in these tests (`QUICK_SECONDS` to a tenth of a second or more, against
handlers that return at once or sleep several times as long), so that a busy machine cannot
change a verdict.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from alexaskill import Response, Skill, pace, speak
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI

from . import pace_shared
from .deadline_clock import Clock
from .pace_shared import Where, say_hi

# The fixture of tests/pace_shared.py, this module's too (tests/deadline_shared.py says why not
# conftest's).
quick_below = pace_shared.quick_below


def test_a_quick_def_handler_runs_on_the_loop_after_its_probation(
    quick_below: Callable[[float], None],
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)
    say_hi(skill, where)
    speeches, on_loop = where.launches(skill, pace.PROBATION + 3)
    assert speeches == ["Hi."] * (pace.PROBATION + 3)
    assert on_loop == [False] * pace.PROBATION + [True] * 3


def test_a_handler_that_blocks_never_runs_on_the_loop(
    quick_below: Callable[[float], None],
) -> None:
    quick_below(0.02)
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    @skill.launch
    def launch() -> Response:
        where.note()
        time.sleep(0.03)
        return speak("Hi.")

    assert where.launches(skill, pace.PROBATION * 2)[1] == [False] * pace.PROBATION * 2
    assert skill.registry.handlers[("LaunchRequest", None)].pace.quick_calls == 0


def _launch_slow_at(slow: tuple[int, ...], seconds: float) -> tuple[Skill, Where]:
    """A skill whose def launch handler sleeps ``seconds`` on the calls numbered in ``slow``
    (1 the first), on no other."""
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)
    calls = 0

    @skill.launch
    def launch() -> Response:
        nonlocal calls
        calls += 1
        where.note()
        if calls in slow:
            time.sleep(seconds)
        return speak("Hi.")

    return skill, where


def test_a_few_slow_calls_in_threads_do_not_keep_a_quick_handler_there(
    quick_below: Callable[[float], None],
) -> None:
    # Under load a quick call in a thread is now and then stretched by waiting for the
    # interpreter's lock: that alone does not pin the handler.
    quick_below(0.2)
    skill, where = _launch_slow_at((2, 5), 0.3)
    _, on_loop = where.launches(skill, pace.PROBATION + 3)
    assert on_loop == [False] * (pace.PROBATION + 2) + [True]


def test_a_call_that_holds_up_the_loop_briefly_sends_its_handler_back_to_threads(
    quick_below: Callable[[float], None], caplog: pytest.LogCaptureFixture
) -> None:
    # Held up for less than STALL_SECONDS: back for a probation twice as long, then inline
    # again (a quick handler is now and then stretched by the machine, not by its own doing).
    quick_below(0.2)  # a stall: 2 s
    first_inline = pace.PROBATION + 1
    skill, where = _launch_slow_at((first_inline,), 0.3)
    with caplog.at_level(logging.INFO, "alexaskill"):
        speeches, on_loop = where.launches(skill, first_inline + 2 * pace.PROBATION + 1)
    assert set(speeches) == {"Hi."}  # the slow call's answer is sent all the same
    assert on_loop == ([False] * pace.PROBATION + [True] + [False] * 2 * pace.PROBATION + [True])
    notes = [r for r in caplog.records if "event loop's thread" in r.getMessage()]
    assert [r.levelname for r in notes] == ["INFO"]
    message = notes[0].getMessage()
    assert "test_pace" in message and "launch" in message
    assert f"until {2 * pace.PROBATION} more calls have been quick" in message


def test_a_call_that_holds_up_the_loop_long_sends_its_handler_to_threads_for_good(
    quick_below: Callable[[float], None], caplog: pytest.LogCaptureFixture
) -> None:
    # Held up for STALL_SECONDS or more (a cache miss that went to the network): never again.
    # A probation would bring it back to the loop, to block it again on its next miss.
    quick_below(0.05)  # a stall: 0.5 s
    first_inline = pace.PROBATION + 1
    skill, where = _launch_slow_at((first_inline,), 0.6)
    speeches, on_loop = where.launches(skill, first_inline + 4 * pace.PROBATION)
    assert set(speeches) == {"Hi."}
    assert on_loop == [False] * pace.PROBATION + [True] + [False] * 4 * pace.PROBATION
    assert skill.registry.handlers[("LaunchRequest", None)].pace.pinned
    warnings = [r for r in caplog.records if "event loop's thread" in r.getMessage()]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "worker threads from now on" in warnings[0].getMessage()


def test_a_handler_that_blocks_now_and_then_holds_up_the_loop_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The probation doubled after each call that blocked, so a handler that blocks on one input
    # in a hundred was back on the loop for most of them (the audit: 16 of 20 misses, at one in
    # 5,000). Driven here as the server drives it: calls in threads timed, calls inline by call.
    monkeypatch.setattr(pace, "QUICK_SECONDS", 0.02)
    monkeypatch.setattr(pace, "STALL_SECONDS", 0.04, raising=False)
    # A miss waits in the kernel (a sleep: what tells a call that blocked from one the machine
    # stretched) for 1 ms, and takes 60 ms of the clock pace times calls by: the 30 misses
    # need not sleep 1.8 s.
    clock = Clock()
    monkeypatch.setattr(pace, "time", clock)

    def handler(miss: bool) -> None:
        if miss:
            clock.skip(0.06)
            time.sleep(0.001)

    handler_pace = pace.Pace(handler)
    misses_on_loop = 0
    for index in range(3000):
        miss = index % 100 == 99
        if handler_pace.inline:
            misses_on_loop += miss
            handler_pace.call(handler, {"miss": miss}, "handler")
        else:
            started = clock.perf_counter()
            handler(miss)
            handler_pace.observe(clock.perf_counter() - started)
    assert misses_on_loop == 1
    assert handler_pace.pinned and not handler_pace.inline


def test_the_probation_doubles_up_to_its_longest() -> None:
    handler = pace.Pace(lambda: None)
    for _ in range(20):
        handler.inline = True
        handler._back_to_threads("handler", 0.003)
    assert handler.probation == pace.LONGEST_PROBATION
    assert not handler.inline and not handler.pinned


def test_an_inline_handler_runs_in_a_copy_of_the_requests_context(
    quick_below: Callable[[float], None],
) -> None:
    # As in a worker thread: what a before-request hook sets is not seen by the handler, and
    # the request's locale (alexaskill.i18n's _()) is.
    import contextvars

    tag: contextvars.ContextVar[str] = contextvars.ContextVar("tag", default="unset")
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    @skill.before_request
    def hook() -> None:
        tag.set("set by the hook")

    @skill.launch
    def launch() -> Response:
        where.note()
        return speak(tag.get())

    answers, on_loop = where.launches(skill, pace.PROBATION + 2)
    assert on_loop[-2:] == [True, True]
    assert answers == ["unset"] * (pace.PROBATION + 2)


def test_twenty_requests_to_a_handler_that_starts_blocking_take_the_time_of_two(
    quick_below: Callable[[float], None],
) -> None:
    # The check, once the handler runs on the loop: the first call that blocks holds up
    # the loop once, then the nineteen others sleep at once in their threads.
    quick_below(0.02)
    skill = Skill(DEFAULT_SKILL_ID)
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    factory = RequestFactory()
    sleeping = False
    loop_thread: list[int] = []
    together = threading.Barrier(19, timeout=30)
    on_loop: list[bool] = []

    @skill.intent("Slow")
    def slow() -> Response:
        if sleeping:
            on_loop.append(threading.get_ident() in loop_thread)
            if not on_loop[-1]:
                together.wait()  # the nineteen at once, or the barrier breaks: a 500
            time.sleep(0.05)
        return speak("Done.")

    def signed(count: int) -> list[tuple[bytes, dict[str, str]]]:
        bodies = [
            httpx.Request("POST", "/", json=factory.intent("Slow")).content for _ in range(count)
        ]
        return [(body, {**pki.sign(body), "Content-Type": "application/json"}) for body in bodies]

    async def serve() -> list[int]:
        nonlocal sleeping
        loop_thread.append(threading.get_ident())
        transport = httpx.ASGITransport(app=skill)
        async with httpx.AsyncClient(transport=transport, base_url="http://skill") as client:

            async def post(request: tuple[bytes, dict[str, str]]) -> Any:
                return await client.post("/", content=request[0], headers=request[1])

            # Quick calls until it runs on the loop: 8, unless a machine busy enough to stretch
            # a call past 20 ms made some of them slow.
            handler = skill.registry.handlers[("IntentRequest", "Slow")]
            for _ in range(200):
                [request] = signed(1)
                assert (await post(request)).status_code == 200
                if handler.pace.inline:
                    break
            assert handler.pace.inline
            sleeping = True
            twenty = signed(20)
            answers = await asyncio.gather(*(post(request) for request in twenty))
            return [a.status_code for a in answers]

    assert asyncio.run(serve()) == [200] * 20
    # Held up once, not twenty times (counted, not timed: a loaded CI machine stalls).
    assert sorted(on_loop) == [False] * 19 + [True]


def _compute(seconds: float) -> None:
    """Compute for ``seconds`` of this thread's CPU time (however long that takes)."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread usage: Linux only")
@pytest.mark.parametrize(
    ("work", "waits", "preemptions", "held_up"),
    [
        ("compute", 0, 0, True),  # computed all along
        ("compute", 0, 1, True),  # computed, though the OS took the CPU from it once
        ("sleep", 1, 0, True),  # waited in the kernel (a voluntary context switch)
        ("sleep", 1, 1, True),
        ("sleep", 0, 1, False),  # its wall time stretched by the OS alone: little CPU, no wait
        ("sleep", 0, 0, False),  # stretched with no switch at all (a hypervisor's steal time)
    ],
)
def test_a_call_held_up_the_loop_if_it_waited_or_its_cpu_time_reached_the_limit(
    monkeypatch: pytest.MonkeyPatch, work: str, waits: int, preemptions: int, held_up: bool
) -> None:
    # The context switches come from getrusage (faked here: a sleep stands for a preempted call,
    # and the switches are what the case says); the CPU time from the thread's clock. A call
    # that computed for 300 ms was excused by a single preemption, and stayed on the loop.
    monkeypatch.setattr(pace, "QUICK_SECONDS", 0.02)
    monkeypatch.setattr(pace, "STALL_SECONDS", 10.0, raising=False)
    usages = iter(
        [
            types.SimpleNamespace(ru_nvcsw=10, ru_nivcsw=5),
            types.SimpleNamespace(ru_nvcsw=10 + waits, ru_nivcsw=5 + preemptions),
        ]
    )
    monkeypatch.setattr(pace, "_usage", lambda: next(usages))

    def handler() -> None:
        if work == "compute":
            _compute(0.05)
        else:
            time.sleep(0.05)

    handler_pace = pace.Pace(handler)
    handler_pace.inline = True
    handler_pace.call(handler, {}, "handler")
    assert handler_pace.inline is not held_up


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread usage: Linux only")
def test_the_real_usage_tells_a_sleep_from_a_quick_call() -> None:
    # Unfaked: a sleep is a wait; a call that does nothing holds up nothing.
    def nap(seconds: float) -> None:
        if seconds:
            time.sleep(seconds)

    handler_pace = pace.Pace(nap)
    handler_pace.inline = True
    handler_pace.call(nap, {"seconds": 0.0}, "nothing")
    assert handler_pace.inline
    handler_pace.call(nap, {"seconds": pace.QUICK_SECONDS * 5}, "sleep")
    assert not handler_pace.inline


def test_the_probation_halves_after_a_long_run_of_calls_on_the_loop(
    quick_below: Callable[[float], None],
) -> None:
    handler = pace.Pace(lambda: None)
    handler.inline = True
    handler._back_to_threads("handler", 0.003)
    handler._back_to_threads("handler", 0.003)
    assert handler.probation == 4 * pace.PROBATION
    handler.inline = True
    for _ in range(pace.FORGIVEN_AFTER):
        handler.call(lambda: None, {}, "handler")
    assert handler.probation == 2 * pace.PROBATION
    for _ in range(5 * pace.FORGIVEN_AFTER):
        handler.call(lambda: None, {}, "handler")
    assert handler.probation == pace.PROBATION
    assert handler.inline

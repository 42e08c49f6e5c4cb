"""Where def handlers run: threads until their calls prove quick, then the loop (alexaskill.pace).

The limits are raised in these tests (`QUICK_SECONDS` to a tenth of a second or more, against
handlers that return at once or sleep several times as long), so that a busy machine cannot
change a verdict.
"""

from __future__ import annotations

import asyncio
import asyncio as aio
import logging
import sys
import threading
import time
import types
from asyncio import run as run_own_loop
from collections.abc import Callable
from subprocess import run as run_program
from typing import Any

import httpx
import pytest

from alexaskill import AlexaApi, ConfigurationError, Response, Skill, blocking, pace, speak
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI
from alexaskill.threads import run_in_loop

from .deadline_clock import Clock

APOLOGY = "Sorry, something went wrong. Please try again later."


@pytest.fixture
def quick_below(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    def set_limit(seconds: float) -> None:
        monkeypatch.setattr(pace, "QUICK_SECONDS", seconds)
        # A call that holds up the loop this long sends its handler to threads for good.
        monkeypatch.setattr(pace, "STALL_SECONDS", 10 * seconds, raising=False)

    set_limit(1.0)
    return set_limit


class Where:
    """Which thread each call of a handler ran on, against the event loop's."""

    def __init__(self, skill: Skill) -> None:
        self.threads: list[int] = []
        self.loop_thread = 0

        @skill.intent("Loop")
        async def loop_thread() -> Response:
            self.loop_thread = threading.get_ident()
            return speak("Loop.")

    def note(self) -> None:
        self.threads.append(threading.get_ident())

    def on_loop(self, client: TestClient) -> list[bool]:
        client.intent("Loop")
        return [thread == self.loop_thread for thread in self.threads]

    def launches(
        self, skill: Skill, times: int, **options: Any
    ) -> tuple[list[str | None], list[bool]]:
        """Launch ``skill`` ``times`` times: what each answer said, and which calls ran on the
        loop's thread."""
        with TestClient(skill, **options) as client:
            speeches = [client.launch().speech for _ in range(times)]
            return speeches, self.on_loop(client)


def say_hi(skill: Skill, where: Where) -> None:
    """A quick def launch handler that notes where it ran."""

    @skill.launch
    def launch() -> Response:
        where.note()
        return speak("Hi.")


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


def test_a_handler_that_needs_a_thread_goes_back_to_one(
    quick_below: Callable[[float], None], caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    async def fetch() -> str:
        return "fetched"

    def fetch_in_loop() -> str:
        return run_in_loop(fetch)

    @skill.launch
    def launch() -> Response:
        # Reaches the loop from its worker thread: on the loop's own thread, RuntimeError. (Through
        # a helper: run_in_loop named in the handler's own code keeps it in threads from the start.)
        where.note()
        return speak(fetch_in_loop())

    answers, on_loop = where.launches(skill, pace.PROBATION + 2, raise_handler_errors=False)
    assert answers == ["fetched"] * pace.PROBATION + [APOLOGY, "fetched"]
    assert on_loop == [False] * pace.PROBATION + [True, False]
    assert "raised RuntimeError on the event loop's thread" in caplog.text


@pytest.mark.parametrize("marked_first", [True, False])
def test_a_blocking_handler_stays_in_threads(
    quick_below: Callable[[float], None], marked_first: bool
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    def launch() -> Response:
        where.note()
        return speak("Hi.")

    if marked_first:
        skill.launch(blocking(launch))
    else:
        blocking(skill.launch(launch))
    assert not any(where.launches(skill, pace.PROBATION + 3)[1])


def test_exception_handlers_never_run_on_the_loop(quick_below: Callable[[float], None]) -> None:
    # An exception handler answers what went wrong, DeadlineExceeded included: quick for one
    # error, it may block for another (a catch-all that writes an incident record), and on the
    # loop it would hold up the deadline's answer. It is called seldom: the hop costs little.
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    @skill.launch
    def launch() -> Response:
        raise LookupError("no such city")

    @skill.exception(LookupError)
    def sorry(exc: LookupError) -> Response:
        where.note()
        return speak("Sorry.")

    speeches, on_loop = where.launches(skill, pace.PROBATION + 3)
    assert speeches == ["Sorry."] * (pace.PROBATION + 3)
    assert on_loop == [False] * (pace.PROBATION + 3)


def test_def_handlers_threads_keeps_every_call_in_a_thread(
    quick_below: Callable[[float], None],
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, def_handlers="threads")
    where = Where(skill)
    say_hi(skill, where)

    assert not any(where.launches(skill, pace.PROBATION + 3)[1])


def test_def_handlers_takes_adaptive_or_threads() -> None:
    with pytest.raises(ConfigurationError, match="'adaptive' or 'threads'"):
        Skill(DEFAULT_SKILL_ID, def_handlers="inline")  # type: ignore[arg-type]


def test_a_handler_of_alexa_api_stays_in_threads(quick_below: Callable[[float], None]) -> None:
    # AlexaApi's call_sync and progressive_sync reach the loop from the handler's thread.
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        where.note()
        return speak("Hi.")

    assert not any(where.launches(skill, pace.PROBATION + 3)[1])


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


def test_a_handler_that_waits_for_the_loop_stays_in_threads(
    quick_below: Callable[[float], None],
) -> None:
    # On the loop's thread, run_coroutine_threadsafe(...).result() waits for the loop it holds
    # up: every request of the process hung for good. Quick in threads, it must stay there.
    skill = Skill(DEFAULT_SKILL_ID)
    seen: dict[str, Any] = {}

    @skill.intent("Capture")
    async def capture() -> Response:
        seen["loop"] = asyncio.get_running_loop()
        seen["loop thread"] = threading.get_ident()
        return speak("Captured.")

    async def fetch() -> str:
        return "Fetched."

    @skill.intent("Hop")
    def hop() -> Response:
        if threading.get_ident() == seen["loop thread"]:
            return speak("Inline: this would wait for ever.")  # (what the test catches)
        return speak(asyncio.run_coroutine_threadsafe(fetch(), seen["loop"]).result(30))

    with TestClient(skill) as client:
        client.intent("Capture")
        spoken = [client.intent("Hop").speech for _ in range(pace.PROBATION * 2)]
    assert spoken == ["Fetched."] * (pace.PROBATION * 2)


def test_code_that_reaches_the_loop_from_its_thread_pins_a_handler() -> None:
    import functools

    from alexaskill import threads as alexaskill_threads

    loop: Any = None

    def by_attribute() -> None:
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result()

    def by_module() -> None:
        alexaskill_threads.run_in_loop(asyncio.sleep, 0)

    def by_name() -> None:
        run_in_loop(asyncio.sleep, 0)

    def in_an_inner_function() -> None:
        def fetch() -> None:
            asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result()

        fetch()

    def decorated(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        return wrapper

    class Caller:
        def __call__(self) -> None:
            by_attribute()
            asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop)

    for func in (
        by_attribute,
        by_module,
        by_name,
        in_an_inner_function,
        decorated(by_attribute),
        functools.partial(by_name),
        Caller(),
    ):
        assert pace.Pace(func).pinned, func

    def quick(name: str) -> str:
        return name.upper()

    assert not pace.Pace(quick).pinned
    assert not pace.Pace(decorated(quick)).pinned
    assert not pace.Pace(len).pinned  # a builtin: no code to look at


def test_a_handler_that_runs_its_own_event_loop_stays_in_threads(
    quick_below: Callable[[float], None],
) -> None:
    # asyncio.run raises on the loop's thread: moved there, the handler's first call there got
    # the apology (in each process of the server, after each start).
    skill = Skill(DEFAULT_SKILL_ID)

    async def fetch() -> str:
        await asyncio.sleep(0)
        return "Fetched."

    @skill.intent("OwnLoop")
    def own_loop() -> Response:
        return speak(asyncio.run(fetch()))

    @skill.intent("OwnLoopByHand")
    def own_loop_by_hand() -> Response:
        loop = asyncio.new_event_loop()
        try:
            return speak(loop.run_until_complete(fetch()))
        finally:
            loop.close()

    calls = pace.PROBATION * 2
    with TestClient(skill, raise_handler_errors=False) as client:
        for name in ("OwnLoop", "OwnLoopByHand"):
            assert [client.intent(name).speech for _ in range(calls)] == ["Fetched."] * calls

    def runs_a_program() -> None:
        import subprocess

        subprocess.run(["true"], check=False)

    assert not pace.Pace(runs_a_program).pinned  # "run", but not an event loop's


@pytest.mark.parametrize("error", [NotImplementedError, RecursionError])
def test_a_handler_bug_of_a_runtimeerror_subclass_leaves_it_on_the_loop(
    quick_below: Callable[[float], None], caplog: pytest.LogCaptureFixture, error: type
) -> None:
    # NotImplementedError and RecursionError are RuntimeErrors, but no sign that the handler
    # needs a thread: it stays on the loop, and no WARNING says it raised what asyncio.run does.
    skill = Skill(DEFAULT_SKILL_ID)
    where = Where(skill)

    @skill.launch
    def launch() -> Response:
        where.note()
        raise error("not written yet")

    calls = pace.PROBATION + 3
    answers, on_loop = where.launches(skill, calls, raise_handler_errors=False)
    assert answers == [APOLOGY] * calls
    assert on_loop == [False] * pace.PROBATION + [True] * 3
    assert "on the event loop's thread" not in caplog.text


def test_a_runner_imported_at_module_level_under_any_name_pins_a_handler() -> None:
    # "from asyncio import run" at the top of a skill's module, "run(main())" in the handler:
    # its code named "run" alone, no module, so the handler was moved to the loop, where its
    # first call raised (that user got the apology). Likewise a module imported under an alias.
    async def main() -> None:
        await asyncio.sleep(0)

    def by_imported_name() -> None:
        run_own_loop(main())

    def by_module_alias() -> None:
        aio.run(main())

    def by_hop_alias(loop: Any) -> None:
        aio.run_coroutine_threadsafe(main(), loop).result()

    for func in (by_imported_name, by_module_alias, by_hop_alias):
        assert pace.Pace(func).pinned, func

    def runs_a_program() -> None:  # a run imported by name, not an event loop's
        run_program(["true"], check=False)

    assert not pace.Pace(runs_a_program).pinned

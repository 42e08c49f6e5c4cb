"""An event loop held up by a handler is said while it lasts, naming the handler (stalls.py).

A handler here holds up the loop (an ``async def`` that never awaits, a ``def`` handler moved
onto the loop's thread) until the ERROR line it should cause is logged, or for `BOUND` seconds
at most: a test fails for want of the line, never by a clock. Where what matters is when the
looking thread looks, and how busy the process was meanwhile, that thread is driven step by
step instead (`tests.stalls_driven`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, aws_lambda, deadline, pace, speak, stalls
from alexaskill.answering import Answering
from alexaskill.store import Attributes, MemoryStore, attributes_service
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from .missing import imported_or_skip
from .stalls_driven import LAUNCH, Looks, drive, held_up_lines

# Far longer than the loop may be held up before it is said (2 s), on the busiest machine.
BOUND = 30.0
#: What the looking thread's ERROR line says as it looks on after raising: what it forgets,
#: and what it keeps.
LOOKS_ON = "it looks on, each loop in flight timed from its next look, the stalls it said kept"
# How long a loop is held up before it is said, where a test holds one up until it is said
# (`said_soon`): only the one hold is in a handler's call, so no other can be said instead.
SAID_AFTER = 0.5


@pytest.fixture
def said_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loop held up is said after `SAID_AFTER` seconds, looked at every 50 ms: the tests that
    hold one up until it is said wait that long, not the 2 s (and a 0.25 s look) of a server."""
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", SAID_AFTER)


def hold_up_the_loop_until_said(caplog: pytest.LogCaptureFixture) -> None:
    """Block this thread (the loop's) until the line is logged, or `BOUND` seconds."""
    ends = time.monotonic() + BOUND
    while not held_up_lines(caplog) and time.monotonic() < ends:
        time.sleep(0.01)  # never awaits: the loop runs nothing meanwhile


def said_launching(caplog: pytest.LogCaptureFixture, skill: Skill, speech: str) -> str:
    """The one held-up line said while ``skill`` answered a launch (through a `TestClient`,
    capturing at INFO) with ``speech``: its message."""
    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == speech
    (line,) = held_up_lines(caplog)
    return line.getMessage()


@pytest.mark.usefixtures("said_soon")
def test_an_async_handler_that_never_awaits_is_said_while_it_holds_up_the_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    async def launch() -> Response:
        hold_up_the_loop_until_said(caplog)
        return speak("Done.")

    message = said_launching(caplog, skill, "Done.")
    name = f"{__name__}.test_an_async_handler_that_never_awaits_is_said_while_it_holds_up_the_loop"
    assert f"{name}.<locals>.launch" in message
    assert __file__ in message
    assert "asyncio.to_thread" in message  # what to do


def test_a_def_handler_on_the_loops_thread_is_said_while_it_holds_it_up(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pace, "QUICK_SECONDS", 1.0)  # its quick calls count whatever the machine
    # Said after 1 s, not `SAID_AFTER`: its quick calls on the loop's thread come first, and a
    # machine stalling the process inside one must not be said instead of the hold.
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 1.0)
    skill = Skill(DEFAULT_SKILL_ID)
    blocks = threading.Event()

    @skill.launch
    def launch() -> Response:
        if blocks.is_set():
            hold_up_the_loop_until_said(caplog)
        return speak("Hi.")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        for _ in range(pace.PROBATION):
            client.launch()
        assert skill.registry.handlers[("LaunchRequest", None)].pace.inline
        blocks.set()
        assert client.launch().speech == "Hi."
    (line,) = held_up_lines(caplog)
    assert ".<locals>.launch" in line.getMessage()
    assert "@blocking" in line.getMessage()


@pytest.mark.usefixtures("said_soon")
def test_a_store_whose_load_holds_up_the_loop_is_named_not_alexaskills_maker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The line named alexaskill's own code ("alexaskill.store.service.attributes_service.
    # <locals>.create, at line … of .../alexaskill/store/service.py"), which only awaits the
    # store's load: the skill's code that blocks is the store's.
    class SlowStore(MemoryStore):
        async def load(self, key: str) -> dict[str, Any]:
            hold_up_the_loop_until_said(caplog)
            return await super().load(key)

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(Attributes, *attributes_service(SlowStore()))

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        return speak("Hi.")

    message = said_launching(caplog, skill, "Hi.")
    assert ".<locals>.SlowStore.load, at line " in message, message
    assert __file__ in message, message


def test_the_looking_thread_sleeps_once_the_loops_are_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A loop closed with its watchdog's timer pending (a TestClient left, a server stopped)
    # kept the watchdog ticking for good: the thread looked every 0.25 s for the life of the
    # skill, at a loop that would never run again.
    monkeypatch.setattr(stalls, "_watchdogs", set())  # this test's only
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)  # the timer left pending
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hi.")

    with TestClient(skill) as client:
        client.launch()
    ends = time.monotonic() + BOUND
    while stalls._wake.is_set() and time.monotonic() < ends:
        time.sleep(0.01)
    assert not stalls._wake.is_set()


def culprit_of_a_thread_calling(call: Callable[[Callable[[], None]], object]) -> object:
    """`stalls.culprit` of a thread running ``call`` with a function that waits (until the
    culprit is found, or `BOUND` seconds)."""
    waiting, release = threading.Event(), threading.Event()

    def wait() -> None:
        waiting.set()
        release.wait(BOUND)

    thread = threading.Thread(target=call, args=(wait,))
    thread.start()
    try:
        assert waiting.wait(BOUND)
        assert thread.ident is not None
        return stalls.culprit(thread.ident)
    finally:
        release.set()
        thread.join()


def test_a_thread_in_no_handlers_call_is_no_culprit() -> None:
    # (A loop starved of the interpreter's lock by busy threads is held up by nobody's code.)
    assert culprit_of_a_thread_calling(lambda wait: wait()) is None


def test_the_calls_looked_for_are_those_that_call_handlers() -> None:
    # They were looked for by name (`_invoke` in alexaskill.answering, `call` in
    # alexaskill.pace): a rename of either left the watcher finding no handler, said by nothing.
    callers = stalls.handler_callers()
    assert callers == {Answering._invoke.__code__: "handler", pace.Pace.call.__code__: "func"}
    for code, parameter in callers.items():  # (a decorator's wrapper is seen through with it)
        assert parameter in code.co_varnames[: code.co_argcount]


def test_only_the_calls_that_call_handlers_are_taken_for_them() -> None:
    # Any function called `_invoke` in alexaskill.answering was taken for the one that calls
    # handlers, and what it called for a handler.
    namespace: dict[str, Any] = {"__name__": "alexaskill.answering"}
    exec(compile("def _invoke(handler):\n    return handler()\n", "<another>", "exec"), namespace)
    assert culprit_of_a_thread_calling(namespace["_invoke"]) is None


def lambda_holding_later(
    caplog: pytest.LogCaptureFixture,
) -> tuple[aws_lambda.LambdaHandler, list[bool]]:
    """An AWS Lambda handler of a skill whose launch says "Hi.", holding up the loop until said
    once the list returned with it holds anything, invoked once on this thread already (the
    watchdog's timer left pending, as between invocations on Lambda)."""
    skill = Skill(DEFAULT_SKILL_ID)
    holds: list[bool] = []

    @skill.launch
    async def launch() -> Response:
        if holds:
            hold_up_the_loop_until_said(caplog)
        return speak("Hi.")

    invoke = aws_lambda.handler(skill)
    invoke(LAUNCH, None)
    return invoke, holds


class LookClock:
    """`alexaskill.stalls`'s ``time``: counts the looking thread's looks."""

    perf_counter = staticmethod(time.perf_counter)
    process_time = staticmethod(time.process_time)

    def __init__(self) -> None:
        self.looks = 0

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
        self.looks += 1


@pytest.fixture
def lambda_loop(monkeypatch: pytest.MonkeyPatch, own_lambda_loop: None) -> LookClock:
    """An AWS Lambda event loop of the test's own, the watchdog's timer run once an hour (a
    quick invocation leaves it pending, as on Lambda), a loop said held up after 1 s, and
    stalls' clock a `LookClock`."""
    clock = LookClock()
    monkeypatch.setattr(stalls, "time", clock)
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 1.0)
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)
    return clock


@pytest.fixture
def looked_at_alone(monkeypatch: pytest.MonkeyPatch) -> LookClock:
    """The looking thread looking only at the test's watchdogs, every 10 ms, its looks counted
    (stalls' clock a `LookClock`, returned)."""
    monkeypatch.setattr(stalls, "_watchdogs", set())
    clock = LookClock()
    monkeypatch.setattr(stalls, "time", clock)
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.01)
    return clock


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Looks]:
    """The looking thread driven step by step (`tests.stalls_driven`)."""
    yield from drive(monkeypatch)


@pytest.mark.parametrize(("busy", "said"), [(1.0, 1), (0.05, 0)])
def test_a_call_holding_the_interpreters_lock_is_a_stall_all_the_same(
    caplog: pytest.LogCaptureFixture, looks: Looks, busy: float, said: int
) -> None:
    # A call in C that holds the lock (a regular expression backtracking) keeps the looking
    # thread from running, as a frozen process does; the process busy meanwhile tells them
    # apart. Here the thread is held 1.5 s (its look 1.55 s late, more than the 1.05 s after
    # which what it did not see is unseen), the process computing all along: a stall; or using
    # a twentieth of a CPU, under the tenth a stall needs: a process frozen, nothing said.
    # (Driven rather than computing for real: a machine starving the process of CPU made a
    # computing handler's look a frozen process's, and the test retried, then skipped.)
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    async def launch() -> Response:
        looks.look()
        looks.look()  # seen running
        looks.clock.advance(1.5, busy=busy)  # the looking thread held meanwhile
        looks.look()  # late: said, or not
        return speak("Done.")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "Done."
    lines = held_up_lines(caplog)
    assert len(lines) == said
    assert all(".<locals>.launch" in line.getMessage() for line in lines)


def test_a_child_forked_while_the_lock_is_held_looks_after_its_loops() -> None:
    # A fork while the looking thread held the module's lock gave the child that lock held by
    # a thread the child has not: its first watchdog (look_after) waited for it for good.
    import asyncio
    import os

    with stalls._lock:  # (as the looking thread holds it, a moment each look)
        pid = os.fork()
        if pid == 0:  # the child: a watchdog of its own, then out, whatever happens
            code = 1
            try:
                loop = asyncio.new_event_loop()
                deadline.Watchdog(loop)
                loop.close()
                code = 0
            finally:
                os._exit(code)
    ends = time.monotonic() + BOUND
    while time.monotonic() < ends:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's watchdog waited for the parent's lock for good")
    assert os.waitstatus_to_exitcode(status) == 0


def timed(func: Any) -> Any:
    """A decorator of the skill's own (timing, say), as `functools.wraps` makes one."""
    import functools

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        return await func(*args, **kwargs)

    return wrapper


@pytest.mark.usefixtures("said_soon")
def test_a_decorated_handler_is_named_not_its_decorators_wrapper(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The line named the wrapper ("tests.test_stalls.timed.<locals>.wrapper, at line … of
    # tests/test_stalls.py", the decorator's `return await func(...)`): every handler under
    # that decorator was said alike. It names the handler and the line it is held up at.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    @timed
    async def launch() -> Response:
        hold_up_the_loop_until_said(caplog)
        return speak("Done.")

    message = said_launching(caplog, skill, "Done.")
    assert f"by {launch.__module__}.{launch.__qualname__}, at line " in message, message
    assert "timed.<locals>.wrapper" not in message, message
    import inspect

    source, first = inspect.getsourcelines(launch.__wrapped__)
    held_at = first + next(i for i, text in enumerate(source) if "hold_up_the_loop" in text)
    assert f"at line {held_at} of {__file__}" in message, message


@pytest.mark.usefixtures("said_soon")
def test_a_handler_of_a_file_imported_under_a_name_of_its_own_is_named_by_the_file(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command line imports `my-skill.py` as module `_alexaskill_app`; the line said
    # "_alexaskill_app.launch", a name the author never wrote, where registration's messages
    # say "my-skill.py:launch" (`handler_signature.describe`).
    import importlib.util
    import sys

    from alexaskill.handler_signature import APP_FILE_MODULE

    file = tmp_path / "my-skill.py"
    file.write_text(
        "from alexaskill import Skill, speak\n"
        "from alexaskill.testing import DEFAULT_SKILL_ID\n"
        "\n"
        "skill = Skill(DEFAULT_SKILL_ID)\n"
        "\n"
        "@skill.launch\n"
        "async def launch():\n"
        "    hold()\n"
        '    return speak("Done.")\n'
    )
    spec = importlib.util.spec_from_file_location(APP_FILE_MODULE, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, APP_FILE_MODULE, module)
    spec.loader.exec_module(module)
    module.__dict__["hold"] = lambda: hold_up_the_loop_until_said(caplog)
    message = said_launching(caplog, module.skill, "Done.")
    assert "by my-skill.py:launch, at line 8 of " in message, message
    assert f"{APP_FILE_MODULE}." not in message, message


def test_the_looking_thread_sleeps_while_an_aws_lambda_loop_is_stopped(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, lambda_loop: LookClock
) -> None:
    # Between invocations Lambda's loop is stopped, not closed, its watchdog's timer pending:
    # the thread looked at it every 0.25 s as long as the process ran (a process that calls
    # the handler and goes on: a test run, a local server; on Lambda, while it is not frozen).
    # It sleeps until a request is watched again, and still sees a loop held up then.
    monkeypatch.setattr(stalls, "_watchdogs", set())  # this test's only
    invoke, holds = lambda_holding_later(caplog)
    ends = time.monotonic() + BOUND
    while stalls._wake.is_set() and time.monotonic() < ends:
        time.sleep(0.01)
    assert not stalls._wake.is_set(), "the thread went on looking at a stopped loop"
    looks = lambda_loop.looks
    holds.append(True)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)  # woken by the request: the hold is said
    assert lambda_loop.looks > looks
    assert len(held_up_lines(caplog)) == 1


def test_a_watchdog_follows_a_loop_that_shows_no_thread_to_the_thread_running_it() -> None:
    # uvloop's loop shows no thread of its own (asyncio's `_thread_id`): the watchdog kept the
    # thread it was made on, and a loop run from another thread since (AWS Lambda's, its
    # handler called from several threads, with uvloop's policy) was looked at on the first.
    # It notes its loop's thread as its timer starts, and at each run of the timer.
    import asyncio

    uvloop = imported_or_skip("uvloop", "the uvloop tests")
    loop = uvloop.new_event_loop()
    kept: list[deadline.Watchdog] = []

    async def request(*, answered: bool) -> None:
        watched = deadline.watch(kept[0] if kept else None, time.perf_counter() + 3600.0)
        assert watched is not None
        watchdog, task = watched
        kept[:] = [watchdog]
        if answered:  # and its timer stopped: the next request starts it
            assert watchdog.release(task)
            while watchdog._ticking:
                await asyncio.sleep(0.01)

    async def ticks() -> None:  # a run of its timer on this loop's thread
        watchdog = kept[0]
        ticked = watchdog.ticked
        while watchdog.ticked == ticked:
            await asyncio.sleep(0.01)

    def run_on_a_thread(coro: Any) -> int:
        idents: list[int] = []

        def run() -> None:
            idents.append(threading.get_ident())
            loop.run_until_complete(coro)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(BOUND)
        assert not thread.is_alive()
        return idents[0]

    try:
        first = run_on_a_thread(request(answered=True))
        assert stalls.thread_of(kept[0]) == first
        loop.run_until_complete(request(answered=False))  # its timer starts on this thread
        assert stalls.thread_of(kept[0]) == threading.get_ident()
        # The loop stopped with the timer going (a request unanswered, as AWS Lambda's can
        # stop between two runs of it), run on another thread: the timer's next run there.
        other = run_on_a_thread(ticks())
        assert other != threading.get_ident()
        assert stalls.thread_of(kept[0]) == other
    finally:
        loop.close()


class SlowLoop:
    """A loop in flight, whose state the looking thread reads only when the test says
    (`read`), the first time: the thread is then in the middle of its look."""

    def __init__(self) -> None:
        self.reading, self.read = threading.Event(), threading.Event()

    def is_closed(self) -> bool:
        if threading.current_thread().name == "alexaskill-stalls" and not self.read.is_set():
            self.reading.set()
            self.read.wait(BOUND)
        return False

    def is_running(self) -> bool:
        return True


def looks_on(clock: LookClock) -> None:
    """Wait until the looking thread has looked twice more, or is gone."""
    looked, ends = clock.looks, time.monotonic() + BOUND
    while clock.looks < looked + 2 and time.monotonic() < ends:
        looking = stalls._looking
        if looking is None or not looking.is_alive():
            break
        time.sleep(0.01)
    looking = stalls._looking
    assert looking is not None and looking.is_alive(), "the looking thread is gone"
    assert clock.looks >= looked + 2, "the looking thread looks no more"


def test_a_watchdog_added_while_the_looking_thread_reads_the_set_does_not_end_it(
    monkeypatch: pytest.MonkeyPatch, looked_at_alone: LookClock
) -> None:
    # The thread iterated the set of watchdogs while it read their loops' state; a watchdog
    # added meanwhile by a thread not holding the lock it held (a test patching stalls' lock,
    # as tests/stalls_driven.py's drive does) ended it: "Set changed size during iteration",
    # and no stall of the process was said again. (So could a watchdog collected meanwhile:
    # the WeakSet's removal checks that no iteration runs, then removes, unlocked.)
    from typing import cast

    loop = SlowLoop()
    watchdogs = [deadline.Watchdog(cast(Any, loop))]
    try:
        watchdogs[0]._ticking = True  # (a request watched: its loop in flight)
        stalls.ticking()
        assert loop.reading.wait(BOUND)
        monkeypatch.setattr(stalls, "_lock", threading.Lock())
        watchdogs.append(deadline.Watchdog(cast(Any, SlowLoop())))
        loop.read.set()
        looks_on(looked_at_alone)
    finally:
        loop.read.set()
        for watchdog in watchdogs:
            watchdog._ticking = False


class _OddLoop:
    """A loop whose state raises when the looking thread first reads it (then reads as one not
    closed, and running or not as made)."""

    def __init__(self, *, running: bool = False) -> None:
        self.raised, self._running = False, running

    def is_closed(self) -> bool:
        if not self.raised and threading.current_thread().name == "alexaskill-stalls":
            self.raised = True
            raise ValueError("an odd loop's state")
        return False

    def is_running(self) -> bool:
        return self._running


def test_what_raises_in_the_looking_thread_is_said_and_it_looks_on(
    caplog: pytest.LogCaptureFixture, looked_at_alone: LookClock
) -> None:
    # Anything raised in the looking thread (here a loop of an odd kind, whose state raises
    # when read) ended it, said by nothing but Python's report of an unhandled exception in a
    # thread: no stall was said again for the life of the process.
    from typing import cast

    loop = _OddLoop(running=True)
    watchdog = deadline.Watchdog(cast(Any, loop))
    try:
        with caplog.at_level(logging.INFO, "alexaskill"):
            watchdog._ticking = True  # (a request watched: its loop in flight)
            stalls.ticking()
            ends = time.monotonic() + BOUND
            while not loop.raised and time.monotonic() < ends:
                time.sleep(0.01)
            assert loop.raised
            looks_on(looked_at_alone)
    finally:
        watchdog._ticking = False
    (line,) = [r for r in caplog.records if r.name == "alexaskill" and r.exc_info]
    assert line.levelno == logging.ERROR
    assert "an odd loop's state" in line.getMessage(), line.getMessage()
    assert LOOKS_ON in line.getMessage(), line.getMessage()
    assert not held_up_lines(caplog)


@pytest.mark.usefixtures("said_soon")
def test_a_stall_after_the_deadlines_clock_moved_on_is_said(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The watchdog's timer noted its runs on the deadline's clock, which the deadline's tests
    # move on (tests/deadline_clock.py's skip): once it ran after a skip of a minute, the loop
    # looked to have run a minute ahead of the real clock, and a handler holding it up was
    # said by nothing for that minute. A stall in those tests went unseen. Its runs are noted
    # on the real clock, which the looking thread reads.
    import asyncio

    from .deadline_clock import patch_clock

    clock = patch_clock(monkeypatch)
    skill = Skill(DEFAULT_SKILL_ID, deadline=3600.0)

    @skill.launch
    async def launch() -> Response:
        loop = asyncio.get_running_loop()
        (watchdog,) = [w for r in list(stalls._watchdogs) if (w := r()) and w.loop is loop]
        clock.skip(2 * BOUND)
        ticked = watchdog.ticked
        while watchdog.ticked == ticked:  # a run of its timer after the skip
            await asyncio.sleep(0.01)
        hold_up_the_loop_until_said(caplog)
        return speak("Done.")

    assert ".<locals>.launch" in said_launching(caplog, skill, "Done.")


def _looks_around_a_raise(
    caplog: pytest.LogCaptureFixture, looks: Looks, before: int, after: int
) -> list[int]:
    """A launch holding up the loop, in `looks`: two that see it running, ``before`` more, one at
    which the looking thread raises (an `_OddLoop` in flight), and ``after`` more. How many
    held-up lines had been said before the raise, then after each look past it. Checked here:
    the launch answered, and the thread's failure was said once, at ERROR, saying it looks on."""
    from typing import cast

    skill = Skill(DEFAULT_SKILL_ID)
    odd = _OddLoop()
    watchdogs: list[deadline.Watchdog] = []
    said: list[int] = []

    @skill.launch
    async def launch() -> Response:
        for _ in range(2 + before):
            looks.look()
        said.append(len(held_up_lines(caplog)))
        watchdogs.append(deadline.Watchdog(cast(Any, odd)))
        watchdogs[0]._ticking = True  # (in flight: its state is read at the next look)
        looks.look()  # it raises there, and the thread looks on
        for _ in range(after):
            looks.look()
            said.append(len(held_up_lines(caplog)))
        return speak("Done.")

    try:
        with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
            assert client.launch().speech == "Done."
    finally:
        for watchdog in watchdogs:
            watchdog._ticking = False
    assert odd.raised
    failed = [r for r in caplog.records if r.name == "alexaskill" and r.exc_info]
    assert len(failed) == 1 and LOOKS_ON in failed[0].getMessage()
    return said


def test_a_stall_is_said_once_though_the_looking_thread_raised_meanwhile(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # What raised in the looking thread (said at ERROR, and it looks on) started its looks
    # afresh, what it had seen forgotten, and with it the stalls it had said: a loop still held
    # up by the same call was said again once held up as long after ("held up for 1.1 s", then
    # again "held up for 1.1 s"). The looks start afresh; the stalls said are kept.
    said = _looks_around_a_raise(caplog, looks, before=24, after=30)  # 1.2 s, then 1.5 s more
    assert said == [1] * 31, looks.said(held_up_lines(caplog))


class _HeldOnAnotherThread:
    """An AWS Lambda invocation on uvloop's loop whose launch holds the loop up from the start,
    until said: on `thread` (not started), where an invocation before it, on this thread, left
    the watchdog's timer pending (the ``uvloop_held_elsewhere`` fixture)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        invoke, holds = lambda_holding_later(caplog)  # (on this thread: its timer left pending)
        holds.append(True)
        self.answers: list[Any] = []
        self.thread = threading.Thread(target=lambda: self.answers.append(invoke(LAUNCH, None)))

    def ended_said_once(self, caplog: pytest.LogCaptureFixture) -> None:
        """Wait for the invocation (within `BOUND` + 5 s: the caller still capturing at INFO,
        which the launch waits for): it answered, and the loop was said held up by it, once."""
        self.thread.join(BOUND + 5)
        assert not self.thread.is_alive()
        assert self.answers and self.answers[0]["response"]["outputSpeech"]["text"] == "Hi."
        (line,) = held_up_lines(caplog)
        assert ".<locals>.launch" in line.getMessage()


@pytest.fixture
def uvloop_held_elsewhere(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, lambda_loop: LookClock
) -> _HeldOnAnotherThread:
    """`_HeldOnAnotherThread`, on the `lambda_loop` set-up with uvloop's loop (skipped
    without uvloop, failed under CI)."""
    import asyncio

    uvloop = imported_or_skip("uvloop", "the uvloop tests")
    monkeypatch.setattr(
        aws_lambda._Loop, "runner", asyncio.Runner(loop_factory=uvloop.new_event_loop)
    )
    return _HeldOnAnotherThread(caplog)


def test_a_uvloop_loop_run_on_another_thread_is_looked_for_there_before_its_timer_runs(
    caplog: pytest.LogCaptureFixture, uvloop_held_elsewhere: _HeldOnAnotherThread
) -> None:
    # uvloop's loop shows no thread of its own: the watchdog notes the one its timer runs on.
    # Stopped with the timer pending (AWS Lambda's, between invocations), then run on another
    # thread (its handler called from a local server's or tests' threads), the loop was looked
    # for on the first thread until the timer's first run on the new one: a handler holding it
    # up from the start, before that run, was never said (the first thread in no handler's
    # call). The thread running it is found by the frame of the request's task.
    with caplog.at_level(logging.INFO, "alexaskill"):
        uvloop_held_elsewhere.thread.start()
        uvloop_held_elsewhere.ended_said_once(caplog)


def test_a_uvloop_loop_moved_off_a_thread_another_loop_runs_on_is_not_hidden_by_its_timer(
    caplog: pytest.LogCaptureFixture, uvloop_held_elsewhere: _HeldOnAnotherThread
) -> None:
    # As above, the uvloop loop's watchdog still names the thread its timer last ran on (this
    # one) while the loop, run on another, is held up from the start; and here another loop
    # runs on this thread meanwhile, a request in flight on it. The loops were grouped by that
    # thread and judged by the latest timer run among them, the other loop's: the stall was
    # hidden behind it, said by nothing. Each loop is judged by its own timer.
    import asyncio

    other = uvloop_held_elsewhere.thread

    async def beside() -> None:
        """Another loop on this thread, its watchdog (made after the uvloop loop's last timer
        run) in flight until the other thread's invocation ends, or `BOUND` seconds."""
        watched = deadline.watch(None, time.perf_counter() + 2 * BOUND)
        assert watched is not None
        try:
            other.start()
            ends = time.monotonic() + BOUND + 5
            while other.is_alive() and time.monotonic() < ends:
                await asyncio.sleep(0.01)
        finally:
            watched[0].unwatch(watched[1])

    with caplog.at_level(logging.INFO, "alexaskill"):
        asyncio.run(beside())
        uvloop_held_elsewhere.ended_said_once(caplog)


def test_after_the_looking_thread_raised_a_loop_held_up_is_timed_from_its_next_look(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # The ERROR line of a failure of the looking thread said "it looks on, what it saw
    # forgotten", which was half true: the stalls it said are kept (above); what it forgets is
    # since when it saw each loop in flight running. A loop held up 0.7 s when the thread
    # raised is timed again from its next look: said about 1 s after the failure (21 looks of
    # 50 ms), not 0.3 s after (4 looks), as it would be were it timed on. As the line says now.
    said = _looks_around_a_raise(caplog, looks, before=14, after=40)  # 0.7 s, then up to 2 s
    assert said[0] == 0, looks.said(held_up_lines(caplog))  # not said before the raise
    said_after = [after for after, count in enumerate(said) if count][:1]
    assert said_after and 19 <= said_after[0] <= 22, (said_after, looks.said(held_up_lines(caplog)))

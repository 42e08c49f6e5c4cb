"""The def handlers that stay in worker threads, or go back to one (alexaskill.pace): marked
`blocking`, exception handlers, ``def_handlers="threads"``, those that take an `AlexaApi`, reach
the loop from their thread or run an event loop of their own (found in their code, however the
runner is imported), and one that raised RuntimeError on the loop's thread; a handler's bug of a
RuntimeError subclass leaves it on the loop.

The limits are raised as in tests/test_pace.py (`quick_below`, tests/pace_shared.py), so that a
busy machine cannot change a verdict.
"""

from __future__ import annotations

import asyncio
import asyncio as aio
import threading
from asyncio import run as run_own_loop
from collections.abc import Callable
from subprocess import run as run_program
from typing import Any

import pytest

from alexaskill import AlexaApi, ConfigurationError, Response, Skill, blocking, pace, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient
from alexaskill.threads import run_in_loop

from . import pace_shared
from .pace_shared import APOLOGY, Where, say_hi
from .unbound_proxy import current

# The fixture of tests/pace_shared.py, this module's too (tests/deadline_shared.py says why not
# conftest's).
quick_below = pace_shared.quick_below


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


def test_a_handler_naming_an_unbound_proxy_is_registered() -> None:
    # A module global whose __class__ raises (werkzeug's LocalProxy, not yet bound): the
    # isinstance() looking for an event loop's runner among the handler's globals asked it,
    # and the handler's registration raised RuntimeError.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        current()
        return speak("Hi.")

    assert not pace.Pace(launch).pinned  # (registered: Skill.launch made its Pace first)

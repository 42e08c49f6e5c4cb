"""An event loop held up by a handler is said while it lasts, naming the handler (stalls.py).

A handler here holds up the loop (an ``async def`` that never awaits, a ``def`` handler moved
onto the loop's thread) until the ERROR line it should cause is logged, or for `BOUND` seconds
at most: a test fails for want of the line, never by a clock. The looking thread itself (when
it looks, what it takes for a stall) is tested in tests/test_stalls_looking.py, a loop run
from several threads in tests/test_stalls_threads.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, pace, speak, stalls
from alexaskill.answering import Answering
from alexaskill.store import Attributes, MemoryStore, attributes_service
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from .in_threads import ended
from .stalls_driven import BOUND, held_up_lines, hold_up_the_loop_until_said

# How long a loop is held up before it is said, where a test holds one up until it is said
# (`said_soon`): only the one hold is in a handler's call, so no other can be said instead.
SAID_AFTER = 0.5


@pytest.fixture
def said_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loop held up is said after `SAID_AFTER` seconds, looked at every 50 ms: the tests that
    hold one up until it is said wait that long, not the 2 s (and a 0.25 s look) of a server."""
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", SAID_AFTER)


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


def culprit_of_a_thread_calling(call: Callable[[Callable[[], None]], object]) -> object:
    """`stalls.culprit` of a thread running ``call`` with a function that waits (until the
    culprit is found, or `BOUND` seconds)."""
    waiting, release = threading.Event(), threading.Event()

    def wait() -> None:
        waiting.set()
        release.wait(BOUND)

    thread = threading.Thread(target=call, args=(wait,), daemon=True)
    thread.start()
    try:
        assert waiting.wait(BOUND)
        assert thread.ident is not None
        return stalls.culprit(thread.ident)
    finally:
        release.set()
        ended(thread)


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
        '    return speak("Done.")\n',
        encoding="utf-8",
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

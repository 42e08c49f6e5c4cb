"""AWS Lambda: where handlers run. One event loop for every invocation, taken in turn by callers
on several threads; def handlers on the invoking thread or, under a deadline, a thread of their
own; what an invocation leaves (context variables, tasks still pending) and calls from inside one
or from a running event loop (the rest: tests/test_aws_lambda.py)."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import sys
import threading
import time
from typing import Any

import pytest

from alexaskill import AlexaApi, Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.responses import Response
from alexaskill.testing import DEFAULT_SKILL_ID, FakeAlexaApi, RequestFactory

from .aws_lambda_shared import speech, weather_skill

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
from .lambda_events import event, intent_event
from .lambda_runtime import LambdaContext


def test_one_event_loop_serves_every_invocation() -> None:
    skill = weather_skill()
    lambda_handler = handler(skill)
    for _ in range(3):
        lambda_handler(event("IntentRequest.GetWeather"), None)
    loops = skill.loops  # type: ignore[attr-defined]
    assert len(loops) == 3 and loops[0] is loops[1] is loops[2]
    assert not loops[0].is_closed()


def test_sync_handlers_run_on_the_invoking_thread_without_a_deadline() -> None:
    import threading

    skill = Skill(DEFAULT_SKILL_ID, deadline=None)
    threads: list[threading.Thread] = []

    @skill.launch
    def launch() -> Response:
        threads.append(threading.current_thread())
        return speak("hi")

    handler(skill)(event("LaunchRequest"), None)
    assert threads == [threading.current_thread()]


def test_under_a_deadline_sync_handlers_run_in_a_thread_of_their_own() -> None:
    # So that the deadline can stop waiting for them (Lambda has no worker threads to hop to).
    import threading

    skill = Skill(DEFAULT_SKILL_ID)
    threads: list[threading.Thread] = []

    @skill.launch
    def launch() -> Response:
        threads.append(threading.current_thread())
        return speak("hi")

    assert speech(handler(skill)(event("LaunchRequest"), None)) == "hi"
    assert len(threads) == 1 and threads[0] is not threading.current_thread()


@pytest.mark.parametrize("deadline", [7.0, None], ids=["deadline", "no deadline"])
def test_a_def_handler_calls_alexas_apis_with_call_sync(deadline: float | None) -> None:
    # What the README tells a def handler to do. It ran on the event loop's thread (no
    # deadline), or in a thread of its own while the loop's thread waited for it: either way
    # no loop was free to run the call, and the user heard the apology.
    skill = Skill(DEFAULT_SKILL_ID, deadline=deadline)
    fake = FakeAlexaApi(given_name="Ada")
    skill.api_client = fake

    @skill.intent("Hello")
    def hello(api: AlexaApi) -> Response:
        sent = api.progressive_sync("Looking that up")
        return speak(f"Hello {api.call_sync(api.given_name)}, {sent}")

    answer = handler(skill)(
        RequestFactory(skill_id=DEFAULT_SKILL_ID).intent("Hello"), LambdaContext()
    )
    assert speech(answer) == "Hello Ada, True"
    assert [call.operation for call in fake.calls] == ["progressive", "given_name"]


_current_user: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_user", default=None
)


@pytest.mark.parametrize(
    ("asynchronous", "deadline"),
    [(True, 7.0), (False, None), (False, 7.0)],
    ids=["async", "def, no deadline", "def, deadline"],
)
def test_context_variables_do_not_outlive_the_invocation(
    asynchronous: bool, deadline: float | None
) -> None:
    # As on the web service, where each request runs in a fresh copy of the context: a value
    # set for one user's invocation was seen by the next user's (the event loop's Runner keeps
    # one context; without a loop, the invoking thread's was changed in place).
    skill = Skill(DEFAULT_SKILL_ID, deadline=deadline)

    def login(who: str) -> Response:
        _current_user.set(who)
        return speak(f"Hello {who}.")

    def whoami() -> Response:
        return speak(f"You are {_current_user.get()}.")

    async def login_async(who: str) -> Response:
        return login(who)

    async def whoami_async() -> Response:
        return whoami()

    skill.add_intent_handler("Login", login_async if asynchronous else login)
    skill.add_intent_handler("WhoAmI", whoami_async if asynchronous else whoami)
    lambda_handler = handler(skill)
    factory = RequestFactory(skill_id=DEFAULT_SKILL_ID)
    assert speech(lambda_handler(factory.intent("Login", who="alice"), LambdaContext())) == (
        "Hello alice."
    )
    answer = lambda_handler(factory.intent("WhoAmI"), LambdaContext())
    assert speech(answer) == "You are None."
    assert _current_user.get() is None


@pytest.mark.parametrize(
    ("remaining_ms", "cause"),
    [(100, "the Lambda function's remaining time"), (60_000, "Skill(deadline=...)")],
    ids=["function's time", "skill's deadline"],
)
def test_the_deadline_warning_names_what_set_the_limit(
    remaining_ms: int, cause: str, caplog: pytest.LogCaptureFixture
) -> None:
    # With 100 ms left the handler is given no time at all (the margin takes it): the warning
    # blamed Skill(deadline=...), which the user may never have set, not the function's timeout.
    skill = Skill(DEFAULT_SKILL_ID, deadline=0.001 if remaining_ms > 1000 else 7.0)
    release = threading.Event()

    @skill.launch
    def launch() -> Response:
        release.wait(5)
        return speak("Welcome.")

    caplog.set_level(logging.WARNING, logger="alexaskill")
    try:
        handler(skill)(event("LaunchRequest"), LambdaContext(remaining_ms))
    finally:
        release.set()
    [warning] = [r.getMessage() for r in caplog.records if "answering now" in r.getMessage()]
    assert f"({cause})" in warning


def test_called_from_a_running_event_loop_it_says_how_to_call_it() -> None:
    # An async test calling the handler of a skill that needs an event loop got asyncio's
    # "Runner.run() cannot be called from a running event loop", and the coroutine of the
    # answer was left unawaited (a RuntimeWarning, an error under this suite's filters).
    import gc
    import warnings

    lambda_handler = handler(weather_skill())

    async def from_a_loop() -> tuple[str, dict[str, Any]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                lambda_handler(event("LaunchRequest"), LambdaContext())
            except RuntimeError as exc:
                said = str(exc)
            else:
                said = "no error"
            gc.collect()  # the answer's coroutine, if it was left unawaited, warns now
        assert not [w for w in caught if "never awaited" in str(w.message)]
        # What the error says to do works.
        answer = await asyncio.to_thread(lambda_handler, event("LaunchRequest"), LambdaContext())
        return said, answer

    said, answer = asyncio.run(from_a_loop())
    assert "synchronous code" in said and "asyncio.to_thread(" in said
    assert speech(answer) == "Welcome to Weather."
    # And from synchronous code as before, on the one loop.
    assert speech(lambda_handler(event("LaunchRequest"), LambdaContext())) == "Welcome to Weather."


def test_a_def_handler_under_a_deadline_longer_than_a_thread_can_wait_is_answered() -> None:
    # Without an event loop, a def handler under a deadline runs in a thread of its own, waited
    # for until the deadline: a deadline Skill() accepts but longer than a lock can wait
    # (threading.TIMEOUT_MAX, ~292 years) raised OverflowError there, and the user heard the
    # apology over the handler's answer. The handler answers only once the invoking thread
    # waits for it (or has given up: then the apology shows), whatever the machine's load.
    import sys

    skill = Skill(DEFAULT_SKILL_ID, deadline=threading.TIMEOUT_MAX * 2)
    invoking = threading.get_ident()

    def waiting_for_me() -> bool | None:
        """True while the invoking thread waits in call_in_thread, None once it left it."""
        frame = sys._current_frames().get(invoking)
        names = []
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        if "call_in_thread" not in names:
            return None
        # Inside its wait for this thread (Event.wait), not its start's (Thread.start).
        return names[names.index("call_in_thread") - 1] == "wait"

    @skill.launch
    def launch() -> Response:
        for _ in range(3000):  # 30 s at most
            state = waiting_for_me()
            if state is not False:
                break
            time.sleep(0.01)
        return speak("Welcome.")

    assert speech(handler(skill)(event("LaunchRequest"), None)) == "Welcome."


def test_an_invocation_on_the_loop_raises_nothing_to_find_no_running_loop() -> None:
    # Each invocation of a skill on the event loop asked asyncio.get_running_loop(), which
    # raises and is caught when there is none, as at every real invocation (~0.7 us): Runner.run
    # checks that itself, so only its refusal is looked at now.
    lambda_handler = handler(weather_skill())
    assert speech(lambda_handler(event("LaunchRequest"), LambdaContext())) == "Welcome to Weather."
    raised: list[str] = []

    def note(frame: Any, what: str, arg: Any) -> None:
        if what == "c_exception":
            raised.append(getattr(arg, "__name__", repr(arg)))

    before = sys.getprofile()
    sys.setprofile(note)
    try:
        answer = lambda_handler(event("LaunchRequest"), LambdaContext())
    finally:
        sys.setprofile(before)
    assert speech(answer) == "Welcome to Weather."
    assert "get_running_loop" not in raised, raised


def test_invocations_from_several_threads_take_turns_on_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A second call while the first ran on the loop was refused with "called from a running
    # event loop" (and a "Task exception was never retrieved" line); now it waits its turn.
    from alexaskill import lambda_loop

    waiting = threading.Event()

    class SaysWhenWaited:
        def __init__(self) -> None:
            self.inner = threading.RLock()

        def __enter__(self) -> None:
            if not self.inner.acquire(blocking=False):
                waiting.set()
                self.inner.acquire()

        def __exit__(self, *exc: object) -> None:
            self.inner.release()

    monkeypatch.setattr(lambda_loop.Loop, "lock", SaysWhenWaited(), raising=False)
    skill = Skill(DEFAULT_SKILL_ID)
    started, release = threading.Event(), threading.Event()

    @skill.intent("Slow")
    async def slow() -> Response:
        started.set()
        await asyncio.to_thread(release.wait, 30)
        return speak("Slow one.")

    @skill.intent("Fast")
    async def fast() -> Response:
        return speak("Fast one.")

    lambda_handler = handler(skill)
    said: dict[str, Any] = {}

    def invoke(intent: str) -> None:
        try:
            said[intent] = lambda_handler(intent_event(intent), LambdaContext(30_000))
        except Exception as exc:
            said[intent] = exc

    first = threading.Thread(target=invoke, args=("Slow",), daemon=True)
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=invoke, args=("Fast",), daemon=True)
    second.start()
    deadline = time.monotonic() + 30
    while not waiting.is_set() and second.is_alive() and time.monotonic() < deadline:
        waiting.wait(0.05)
    release.set()
    first.join(30)
    second.join(30)
    assert isinstance(said["Fast"], dict), said["Fast"]
    assert said["Fast"]["response"]["outputSpeech"]["text"] == "Fast one."
    assert said["Slow"]["response"]["outputSpeech"]["text"] == "Slow one."
    assert waiting.is_set()


def test_a_handler_calling_the_lambda_handler_is_refused_not_left_waiting_for_itself() -> None:
    # A def handler runs in a worker thread while its invocation holds the loop; calling the
    # Lambda handler from there waited for the loop (held by the invocation waiting for this
    # very handler): no answer, ever, without a deadline. It is refused, as before the turns.
    skill = Skill(DEFAULT_SKILL_ID, deadline=None)
    inner: list[object] = []

    @skill.intent("Outer")
    def outer() -> Response:
        try:
            inner.append(lambda_handler(intent_event("Inner"), LambdaContext()))
        except RuntimeError as exc:
            inner.append(exc)
        return speak("Outer one.")

    @skill.intent("Inner")
    async def inner_intent() -> Response:  # async: the skill answers on the event loop
        return speak("Inner one.")

    lambda_handler = handler(skill)
    said: list[dict[str, Any]] = []
    invoking = threading.Thread(
        target=lambda: said.append(lambda_handler(intent_event("Outer"), LambdaContext())),
        daemon=True,  # left waiting forever on the old code
    )
    invoking.start()
    invoking.join(30)
    assert not invoking.is_alive(), "the invocation never answered"
    assert speech(said[0]) == "Outer one."
    assert len(inner) == 1 and isinstance(inner[0], RuntimeError), inner
    assert "from inside an invocation" in str(inner[0])
    # The loop is free again: the next invocation is answered.
    assert speech(lambda_handler(intent_event("Inner"), LambdaContext())) == "Inner one."


def test_a_handler_that_stops_the_loop_gets_its_own_error_not_a_call_from_a_loop() -> None:
    # Runner.run's RuntimeError once the answer had started (a handler stopped the loop) was
    # taken for its refusal of a call from a running event loop: the error said to call the
    # handler from synchronous code, as it was, and the answer was closed mid-way (a
    # GeneratorExit logged as the handler's failure).
    skill = Skill(DEFAULT_SKILL_ID, deadline=None)

    @skill.intent("Stop")
    async def stop() -> Response:
        asyncio.get_running_loop().stop()
        await asyncio.sleep(0)
        return speak("Stopped.")

    @skill.intent("Hello")
    async def hello() -> Response:
        return speak("Hello.")

    lambda_handler = handler(skill)
    with pytest.raises(RuntimeError) as raised:
        lambda_handler(intent_event("Stop"), LambdaContext())
    assert "Event loop stopped" in str(raised.value)
    assert "synchronous code" not in str(raised.value)
    # The loop serves the next invocation.
    assert speech(lambda_handler(intent_event("Hello"), LambdaContext())) == "Hello."


def test_each_request_line_carries_its_own_invocations_id_when_threads_take_turns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The request line was written outside the invocation's context, so it carried the id of
    # the last invocation noted: with a second call waiting for the loop, the first's line
    # named the second's invocation (alexaskill's own Lambda formatters).
    from alexaskill.log_lambda import LambdaJsonFormatter

    class Context(LambdaContext):
        def __init__(self, request_id: str, noted: threading.Event | None = None) -> None:
            super().__init__(60_000, request_id)
            self.noted = noted

        def get_remaining_time_in_millis(self) -> int:
            if self.noted is not None:  # read after the invocation noted its id
                self.noted.set()
            return super().get_remaining_time_in_millis()

    skill = Skill(DEFAULT_SKILL_ID, deadline=60.0)  # (the remaining time is read under a deadline)
    started, second_noted = threading.Event(), threading.Event()

    @skill.intent("Slow")
    def slow() -> Response:
        started.set()
        second_noted.wait(30)
        return speak("Slow one.")

    @skill.intent("Fast")
    async def fast() -> Response:  # async: the skill answers on the event loop
        return speak("Fast one.")

    lines: list[dict[str, Any]] = []

    class Formatted(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(self.format(record)))  # as it is written, not later

    formatted = Formatted()
    formatted.setFormatter(LambdaJsonFormatter())
    caplog.set_level(logging.INFO, logger="alexaskill")
    request_logger = logging.getLogger("alexaskill.request")
    request_logger.addHandler(formatted)
    lambda_handler = handler(skill)
    try:
        first = threading.Thread(
            target=lambda_handler,
            args=(intent_event("Slow"), Context("first-invocation")),
            daemon=True,
        )
        first.start()
        assert started.wait(30)
        second = threading.Thread(
            target=lambda_handler,
            args=(intent_event("Fast"), Context("second-invocation", second_noted)),
            daemon=True,
        )
        second.start()
        first.join(30)
        second.join(30)
        assert not first.is_alive() and not second.is_alive()
    finally:
        request_logger.removeHandler(formatted)
    said = {line["intent"]: line["aws_request_id"] for line in lines}
    assert said == {"Slow": "first-invocation", "Fast": "second-invocation"}, lines


def test_a_task_a_handler_leaves_running_is_said_when_the_invocation_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Lambda runs the event loop only during an invocation: a task a handler started and did
    # not await ("fire and forget", as on the web service) stopped with the answer, silently,
    # and went on only in later invocations, amid other users' requests.
    skill = Skill(DEFAULT_SKILL_ID)
    left: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def audit(go: asyncio.Event) -> None:
        await go.wait()

    @skill.intent("Start")
    async def start() -> Response:
        go = asyncio.Event()
        left.append((go, asyncio.create_task(audit(go))))
        return speak("started")

    @skill.intent("Other")
    async def other() -> Response:
        return speak("other")

    @skill.intent("Finish")
    async def finish() -> Response:
        go, task = left.pop()
        go.set()
        await task  # the task ends in this invocation: nothing left behind on the shared loop
        return speak("finished")

    answer = handler(skill)

    def said() -> list[str]:
        return [r.getMessage() for r in caplog.records if "still pending" in r.getMessage()]

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert speech(answer(intent_event("Start"), None)) == "started"
        (line,) = said()
        assert "1 asyncio task it started still pending" in line
        assert "when_the_invocation_ends.<locals>.audit" in line
        # An invocation after it that starts none says nothing, the task still pending.
        assert speech(answer(intent_event("Other"), None)) == "other"
        assert len(said()) == 1
        assert speech(answer(intent_event("Finish"), None)) == "finished"
    assert len(said()) == 1  # said once, by the invocation that started it

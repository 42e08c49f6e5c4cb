"""AWS Lambda: sample events in, response dicts out, through the skill's own dispatch."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import AlexaApi, Session, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.aws_lambda import decode_event, handler
from alexaskill.exceptions import MalformedRequestError, SkillIdError
from alexaskill.responses import Response
from alexaskill.store import DEFAULT_STORE, Attributes, MemoryStore, attributes_service
from alexaskill.testing import DEFAULT_SKILL_ID, FakeAlexaApi, RequestFactory

from .conftest import OTHER_SKILL_ID, SKILL_ID

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
from .lambda_events import FIXTURES, event, intent_event

ROOT = Path(__file__).resolve().parent.parent


class LambdaContext:
    """What the Lambda runtime passes as ``context``: the part the handler reads."""

    def __init__(self, remaining_ms: int = 7000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def weather_skill() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(Attributes, *attributes_service(MemoryStore()))
    loops: list[asyncio.AbstractEventLoop] = []

    @skill.launch
    def launch() -> Response:
        return speak("Welcome to Weather.")

    @skill.intent("GetWeather")
    async def weather(session: Session, city: str | None = None) -> Response:
        loops.append(asyncio.get_running_loop())
        session.attributes["asked"] = session.attributes.get("asked", 0) + 1
        return speak(f"Sunny in {city or 'Paris'}.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    @skill.intent("Broken")
    def broken() -> Response:
        raise RuntimeError("the weather service is down")

    skill.loops = loops  # type: ignore[attr-defined]
    return skill


def speech(response: dict[str, Any]) -> str:
    text: str = response["response"]["outputSpeech"]["text"]
    return text


def test_answers_sample_events_with_response_dicts() -> None:
    lambda_handler = handler(weather_skill())
    launched = lambda_handler(event("LaunchRequest"), None)
    assert launched["version"] == "1.0"
    assert speech(launched) == "Welcome to Weather."
    assert launched["sessionAttributes"] == {}

    answered = lambda_handler(event("IntentRequest.GetWeather"), object())
    assert speech(answered).startswith("Sunny in ")
    assert answered["sessionAttributes"]["asked"] == 1
    json.dumps(answered)  # plain JSON types, as Lambda's runtime serialises it


def test_one_event_loop_serves_every_invocation() -> None:
    skill = weather_skill()
    lambda_handler = handler(skill)
    for _ in range(3):
        lambda_handler(event("IntentRequest.GetWeather"), None)
    loops = skill.loops  # type: ignore[attr-defined]
    assert len(loops) == 3 and loops[0] is loops[1] is loops[2]
    assert not loops[0].is_closed()


def test_attributes_persist_between_invocations() -> None:
    lambda_handler = handler(weather_skill())
    assert speech(lambda_handler(intent_event("Count", user_id="u1"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count", user_id="u1"), None)) == "Visit number 2."
    assert speech(lambda_handler(intent_event("Count", user_id="u2"), None)) == "Visit number 1."


def test_handler_errors_are_answered_with_the_apology(caplog: pytest.LogCaptureFixture) -> None:
    lambda_handler = handler(weather_skill())
    caplog.set_level(logging.INFO, logger="alexaskill")
    answered = lambda_handler(intent_event("Broken"), None)  # (no exception: not a failed call)
    assert answered["version"] == "1.0"
    assert speech(answered) == APOLOGY
    # One ERROR line says it, with the handler's traceback; the request line, its outcome.
    # (Picked by its words: a loaded machine may add an ERROR of its own, a loop held up.)
    [line] = [r for r in caplog.records if r.getMessage().startswith("handler failed for")]
    assert line.levelno == logging.ERROR and line.exc_info is not None
    assert line.getMessage().startswith("handler failed for IntentRequest Broken (")
    assert "the weather service is down" in str(line.exc_info[1])
    [request] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert request.outcome == "handler_error"  # type: ignore[attr-defined]


def test_every_sample_event_gets_a_well_formed_answer() -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.fallback
    def anything() -> None:
        return None

    lambda_handler = handler(skill)
    for path in sorted(FIXTURES.glob("*.json")):
        sample = json.loads(path.read_text())
        if any(i != DEFAULT_SKILL_ID for i in decode_event(sample).application_ids):
            continue
        if "context" not in sample:  # (IntentRequest.Legacy2015: before Alexa sent a context)
            with pytest.raises(SkillIdError, match=r"context\.System\.application missing"):
                lambda_handler(sample, None)
            continue
        answered = lambda_handler(sample, None)
        assert answered["version"] == "1.0", path.name


@pytest.mark.parametrize("where", ["application null", "System null", "context missing"])
def test_an_event_without_context_application_raises_whatever_its_session_says(
    caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # As the web service refuses it (tests/test_app.py): the id is read from
    # context.System.application, which Alexa always sends; the session's alone was taken.
    lambda_handler = handler(weather_skill())
    sample = intent_event("GetWeather")
    assert sample["session"]["application"]["applicationId"] == DEFAULT_SKILL_ID
    if where == "application null":
        sample["context"]["System"]["application"] = None
    elif where == "System null":
        sample["context"]["System"] = None
    else:
        del sample["context"]
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(SkillIdError) as info:
        lambda_handler(sample, None)
    assert str(info.value) == (
        "request names no application id (context.System.application missing or null)"
    )
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:skill_id"  # type: ignore[attr-defined]


def test_event_for_another_skill_raises(caplog: pytest.LogCaptureFixture) -> None:
    lambda_handler = handler(Skill(SKILL_ID))  # (the sample is for DEFAULT_SKILL_ID)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(SkillIdError):
        lambda_handler(event("LaunchRequest"), None)
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:skill_id"  # type: ignore[attr-defined]
    assert record.request_type == "LaunchRequest"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bad",
    [
        "a string",
        ["a", "list"],
        None,
        {},
        {"version": "1.0"},
        {"version": "1.0", "request": {"requestId": "no type"}},
        {"version": "1.0", "request": {"type": "LaunchRequest"}, "session": "not an object"},
    ],
)
def test_malformed_events_raise(bad: Any) -> None:
    lambda_handler = handler(weather_skill())
    with pytest.raises(MalformedRequestError):
        lambda_handler(bad, None)


def _nested(depth: int) -> dict[str, Any]:
    event = valid = _launch_event()
    for _ in range(depth):
        valid["extra"] = valid = {}
    return event


def _launch_event() -> dict[str, Any]:
    return {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r"}}


def _self_referencing() -> dict[str, Any]:
    looped = _launch_event()
    looped["request"]["itself"] = looped
    return looped


def _list_in_itself() -> dict[str, Any]:
    looped: list[Any] = []
    looped.append(looped)
    return {"version": "1.0", "request": {"type": "LaunchRequest", "list": looped}}


@pytest.mark.parametrize("make", [lambda: _nested(1000), _self_referencing, _list_in_itself])
def test_deep_or_cyclic_events_are_malformed_not_a_recursion_error(
    make: Callable[[], dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    lambda_handler = handler(weather_skill())
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(MalformedRequestError, match="nested too deeply"):
        lambda_handler(make(), None)
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:malformed"  # type: ignore[attr-defined]


def test_skill_id_check_can_be_off_but_nothing_is_verified() -> None:
    # No signature headers exist on Lambda: a skill that does verify on the web answers here.
    skill = Skill("*")

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    sample = event("LaunchRequest")
    sample["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    assert speech(handler(skill)(sample, None)) == "hi"


_LIGHT = """
import json, sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler

skill = Skill(sys.argv[1])

@skill.intent("GetWeather")
def weather(city: str = "Paris"):
    return speak(f"Sunny in {city}")

lambda_handler = handler(skill)
imported = set(sys.modules)
answer = lambda_handler(json.loads(sys.stdin.read()), None)
assert answer["response"]["outputSpeech"]["text"].startswith("Sunny in"), answer
heavy = lambda names: sorted(
    m for m in names
    if m.split(".")[0] in ("uvicorn", "httpx", "cryptography", "h11", "certifi", "asyncio")
    or m in ("alexaskill.verify", "alexaskill.testing", "difflib", "ipaddress")
    # what only `alexaskill model`, a mistake or another store needs
    or m in ("alexaskill.interaction.builder", "alexaskill.store.redis", "alexaskill.store.memory")
)
print(json.dumps({"import": heavy(imported), "first_call": heavy(sys.modules)}))
"""


def _heavy_modules(program: str) -> Any:
    """What ``program`` (`_LIGHT`, or a variant) prints, run in a fresh Python: the heavy modules
    that importing the skill and its first call loaded."""
    result = subprocess.run(
        [sys.executable, "-c", program, DEFAULT_SKILL_ID],
        input=json.dumps(event("IntentRequest.GetWeather")),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_lambda_import_path_is_light() -> None:
    assert _heavy_modules(_LIGHT) == {"import": [], "first_call": []}


# --- after the lead's wiring: Skill.lambda_handler, Skill.respond, the request log line --------


def test_skill_lambda_handler_property() -> None:
    skill = weather_skill()
    assert speech(skill.lambda_handler(event("LaunchRequest"), None)) == "Welcome to Weather."


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


def test_one_log_line_per_invocation(caplog: pytest.LogCaptureFixture) -> None:
    lambda_handler = handler(weather_skill())
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    lambda_handler(event("IntentRequest.GetWeather"), None)
    lambda_handler(intent_event("Broken"), None)
    ok, failed = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert (ok.outcome, ok.intent, ok.status, ok.verify_ms) == (  # type: ignore[attr-defined]
        "ok",
        "GetWeather",
        None,
        None,
    )
    assert ok.handler_ms >= 0  # type: ignore[attr-defined]
    assert failed.outcome == "handler_error"  # type: ignore[attr-defined]


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
    "raised", [KeyboardInterrupt, asyncio.CancelledError], ids=["KeyboardInterrupt", "Cancelled"]
)
@pytest.mark.parametrize(
    ("kind", "deadline"),
    [
        ("def", 7.0),
        ("def", None),
        ("def with a service", 7.0),
        ("def with a service", None),
        ("async", 7.0),
        ("exception handler", 7.0),
    ],
)
def test_a_handlers_keyboard_interrupt_or_cancelled_error_gets_the_apology(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException], kind: str, deadline: float | None
) -> None:
    # Lambda's runtime (awslambdaric) catches Exception only: anything else let out of the
    # handler ends its process. Lambda sends the function no SIGINT and cancels no invocation,
    # so either is the handler's bug, answered with the apology as on the web service. They
    # went out as a Ctrl-C (KeyboardInterrupt, from a def handler's thread too), or, without an
    # event loop, as a cancellation of no task.
    skill = Skill(DEFAULT_SKILL_ID, deadline=deadline, store=MemoryStore())

    def fail() -> Response:
        raise raised()

    def fail_counting(attributes: Attributes) -> Response:
        return fail()

    async def fail_async() -> Response:
        return fail()

    def broken() -> Response:
        raise RuntimeError("the weather service is down")

    def fail_too(exc: RuntimeError) -> Response:
        return fail()

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    chosen: dict[str, Callable[..., Any]] = {
        "def": fail,
        "def with a service": fail_counting,
        "async": fail_async,
    }
    skill.add_intent_handler("Fail", chosen.get(kind, broken))
    if kind == "exception handler":
        skill.add_exception_handler(RuntimeError, fail_too)
    lambda_handler = handler(skill)
    caplog.set_level(logging.INFO, logger="alexaskill")
    try:
        answer = lambda_handler(intent_event("Fail"), LambdaContext())
    except BaseException as exc:  # what would have ended Lambda's runtime
        pytest.fail(f"{exc!r} left the Lambda handler")
    assert speech(answer) == APOLOGY
    assert f"{raised.__name__}" in caplog.text  # the traceback of the handler's bug
    [line] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert line.outcome == "handler_error"  # type: ignore[attr-defined]
    assert speech(lambda_handler(event("LaunchRequest"), LambdaContext())) == "Welcome."


def test_a_refused_skill_id_names_the_id_that_came_and_ours(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As the web service's warning does: without both ids, a mistyped ALEXASKILL_SKILL_ID looks
    # like every other failure ("request is for another skill", on every invocation).
    lambda_handler = handler(Skill(SKILL_ID))
    caplog.set_level(logging.INFO, logger="alexaskill")
    with pytest.raises(SkillIdError):
        lambda_handler(event("LaunchRequest"), None)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{DEFAULT_SKILL_ID!r}, not {SKILL_ID}" in warning.getMessage()


def _sqlite_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The records of the SQLite store's warning, picked by its words: a loaded machine may log
    other lines meanwhile (the event loop held up 2 s, an answer late past its deadline), which
    are not what these tests are about."""
    return [r for r in caplog.records if "which does not suit AWS Lambda" in r.getMessage()]


def _counting_skill(store: str = DEFAULT_STORE, attributes: MemoryStore | None = None) -> Skill:
    """A skill that welcomes at launch and counts visits in its attributes (Count), with
    ``store`` (by default the default's, as ``Skill(DEFAULT_SKILL_ID)``: sqlite:///alexaskill.db);
    with ``attributes``, its handlers' attributes come from that store instead, through a
    service added over ``store`` (``add_service(Attributes, *attributes_service(...))``)."""
    skill = Skill(DEFAULT_SKILL_ID, store=store)
    if attributes is not None:  # (before the handlers, as services are added)
        skill.add_service(Attributes, *attributes_service(attributes))

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    return skill


def test_a_sqlite_store_is_warned_about_once_at_the_first_invocation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The default store (ALEXASKILL_STORE unset): on Lambda the code directory is read-only, so
    # every load fails, or the file is in /tmp, one instance's. The function started silently
    # and only the Attributes handlers answered the apology, one request at a time.
    lambda_handler = handler(_counting_skill(f"sqlite:///{tmp_path}/attributes.db"))
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(lambda_handler(event("LaunchRequest"), None)) == "Welcome."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    [warning] = _sqlite_warnings(caplog)
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert str(tmp_path / "attributes.db") in message
    assert "ALEXASKILL_STORE=dynamodb://" in message


@pytest.mark.parametrize("store", ["memory://", "sqlite:///unused.db"], ids=["memory", "unused"])
def test_no_store_warning_for_another_store_or_a_sqlite_store_no_handler_uses(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    if store == "memory://":
        skill = _counting_skill(store)
    else:
        skill = Skill(DEFAULT_SKILL_ID, store=store)
        skill.launch(lambda: speak("Welcome."))
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(event("LaunchRequest"), None)) == "Welcome."
    assert not _sqlite_warnings(caplog)


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


def test_a_function_that_reads_skill_lambda_handler_at_each_invocation_is_warned_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # ``def handler(event, context): return skill.lambda_handler(event, context)`` makes a new
    # handler at each invocation: each took itself for the function's first invocation, so the
    # SQLite warning (said "once") was logged at every invocation, and the plan made again.
    skill = _counting_skill(f"sqlite:///{tmp_path}/attributes.db")

    def function(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return skill.lambda_handler(event, context)

    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(function(event("LaunchRequest"), None)) == "Welcome."
    assert speech(function(intent_event("Count"), None)) == "Visit number 1."
    assert speech(handler(skill)(intent_event("Count"), None)) == "Visit number 2."
    # Said once in all (the warning's own words: under load a stall's or a late answer's line
    # may come too, and the test took it for the warning said twice).
    [warning] = _sqlite_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert str(tmp_path / "attributes.db") in warning.getMessage()


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
    from alexaskill import aws_lambda

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

    monkeypatch.setattr(aws_lambda._Loop, "lock", SaysWhenWaited(), raising=False)
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

    first = threading.Thread(target=invoke, args=("Slow",))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=invoke, args=("Fast",))
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


def test_no_sqlite_warning_when_the_attributes_come_from_a_service_added_over_another_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # skill.add_service(Attributes, *attributes_service(...)) replaces what skill.store serves:
    # the warning named the SQLite default as the attribute store, which no handler used.
    monkeypatch.chdir(tmp_path)
    skill = _counting_skill(attributes=MemoryStore())  # over the default store, SQLite's
    caplog.set_level(logging.INFO, logger="alexaskill")
    lambda_handler = handler(skill)
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 2."
    assert not _sqlite_warnings(caplog)
    assert not (tmp_path / "alexaskill.db").exists()


def test_each_request_line_carries_its_own_invocations_id_when_threads_take_turns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The request line was written outside the invocation's context, so it carried the id of
    # the last invocation noted: with a second call waiting for the loop, the first's line
    # named the second's invocation (alexaskill's own Lambda formatters).
    from alexaskill.log_lambda import LambdaJsonFormatter

    class Context(LambdaContext):
        def __init__(self, request_id: str, noted: threading.Event | None = None) -> None:
            super().__init__(60_000)
            self.aws_request_id = request_id
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
            target=lambda_handler, args=(intent_event("Slow"), Context("first-invocation"))
        )
        first.start()
        assert started.wait(30)
        second = threading.Thread(
            target=lambda_handler,
            args=(intent_event("Fast"), Context("second-invocation", second_noted)),
        )
        second.start()
        first.join(30)
        second.join(30)
        assert not first.is_alive() and not second.is_alive()
    finally:
        request_logger.removeHandler(formatted)
    said = {line["intent"]: line["aws_request_id"] for line in lines}
    assert said == {"Slow": "first-invocation", "Fast": "second-invocation"}, lines


def test_the_context_may_be_left_out() -> None:
    # A test or a script calling the handler with the event alone got Python's TypeError (a
    # missing positional argument); None was needed, which the Lambda runtime never passes.
    lambda_handler = handler(weather_skill())
    assert speech(lambda_handler(event("LaunchRequest"))) == "Welcome to Weather."


def test_a_skill_without_translations_imports_no_gettext_on_lambda() -> None:
    # The first call's slot checks import alexaskill.i18n_placeholders, which came to import
    # gettext (and locale) for a type annotation alone: a cold start paid for it without
    # any translations.
    listed = 'or m in ("alexaskill.verify",'
    program = _LIGHT.replace(listed, listed.replace("(", '("gettext", "alexaskill.i18n", '))
    assert program != _LIGHT
    assert _heavy_modules(program) == {"import": [], "first_call": []}


def test_no_sqlite_warning_for_a_service_added_over_the_store_after_a_test_client_swapped_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Reading the skill's store binding (as TestClient(store=…) does to give it back) took the
    # added service's makers for the store's own: the SQLite warning named the default store
    # again, though no handler's attributes came from it.
    from alexaskill.testing import TestClient

    monkeypatch.chdir(tmp_path)
    skill = _counting_skill(attributes=MemoryStore())  # over the default store, SQLite's
    with TestClient(skill, store=MemoryStore()):
        pass
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(intent_event("Count"), None)) == "Visit number 1."
    assert not _sqlite_warnings(caplog)


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


@pytest.mark.parametrize("deadline", [7.0, None])
def test_a_bug_that_left_the_answering_is_logged_with_the_handlers_name(
    caplog: pytest.LogCaptureFixture, deadline: float | None
) -> None:
    # Without an event loop, a def handler's CancelledError goes on up to the Lambda handler,
    # which answers the apology: its ERROR line said "handler failed for IntentRequest Fail"
    # without naming the handler, as every other handler failure's line does.
    skill = Skill(DEFAULT_SKILL_ID, deadline=deadline)

    @skill.intent("Fail")
    def fail() -> Response:
        raise asyncio.CancelledError

    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(intent_event("Fail"), None)) == APOLOGY
    # (Picked by its words: a loaded machine may add an ERROR of its own, an event loop held up.)
    [line] = [r for r in caplog.records if r.getMessage().startswith("handler failed for")]
    assert line.levelno == logging.ERROR
    message = line.getMessage()
    assert message.startswith("handler failed for IntentRequest Fail (")
    assert message.endswith("_logged_with_the_handlers_name.<locals>.fail)")


@pytest.mark.usefixtures("python_sigint")  # (KeyboardInterrupt as a Ctrl-C)
@pytest.mark.parametrize("raiser", ["before-request hook", "exception handler"])
def test_a_bug_that_left_the_answering_names_the_code_that_raised_it(
    caplog: pytest.LogCaptureFixture, raiser: str
) -> None:
    # The ERROR line of a bug that went on up to the Lambda handler named the request's handler
    # whatever raised: a before-request hook's KeyboardInterrupt (the handler never ran), or
    # an exception handler's, was put on the intent's handler. (Main thread, no loop: Python's
    # SIGINT handler in place, a KeyboardInterrupt is taken for a Ctrl-C and goes on up.)
    skill = Skill(DEFAULT_SKILL_ID)

    def interrupt() -> None:
        raise KeyboardInterrupt

    def interrupt_too(exc: RuntimeError) -> Response:
        raise KeyboardInterrupt

    def broken() -> Response:
        raise RuntimeError("the weather service is down")

    if raiser == "before-request hook":
        skill.add_before_request(interrupt)
    else:
        skill.add_exception_handler(RuntimeError, interrupt_too)
    skill.add_intent_handler("Fail", broken)
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(intent_event("Fail"), None)) == APOLOGY
    [record] = [r for r in caplog.records if "handler failed" in r.getMessage()]
    line = record.getMessage()
    assert record.exc_info is not None, line  # a bug: its traceback (no data fault's one line)
    assert "broken" not in line, line
    name = "interrupt" if raiser == "before-request hook" else "interrupt_too"
    assert line.endswith(f".<locals>.{name})"), line
    assert ("the before-request hook " if name == "interrupt" else "(exception handler ") in line


#: Two skills of ``{skill}``, each with a ``{store}`` named first and second, answer a launch
#: through the Lambda handler and are kept alive to the exit.
_TWO_SKILLS_ANSWER = """
skills = []
for name in ("first", "second"):
    store = {store}()
    store.name = name
    skill = {skill}(sys.argv[1], store=store)
    skills.append(skill)

    @skill.launch
    def launch(attributes: Attributes):
        return speak("Hi.")

    envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
    print(handler(skill)(envelope)["response"]["outputSpeech"]["text"], flush=True)
"""


def _at_exit(program: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``program`` run by a Python of its own with the skill id as its argument."""
    return subprocess.run(
        [sys.executable, *options, "-c", program, DEFAULT_SKILL_ID],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


_CLOSED_AT_EXIT = """
import atexit, sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore, attributes_service
from alexaskill.testing import RequestFactory

class Store(MemoryStore):
    async def aclose(self):
        print("closed", type(self).__name__)

class Added(Store):
    pass

skill = Skill(sys.argv[1], store=Store())
skill.add_service(Attributes, *attributes_service(Added()))

@skill.launch
def launch(attributes: Attributes):
    return speak(f"Visit {attributes.increment('visits')}.")

lambda_handler = handler(skill)
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
atexit.register(lambda: print(lambda_handler(envelope)["response"]["outputSpeech"]["text"]))
print(lambda_handler(envelope)["response"]["outputSpeech"]["text"])
"""


def test_the_stores_of_a_skill_answered_by_the_lambda_handler_are_closed_at_exit() -> None:
    # No lifespan, no shutdown: a Redis store's connections were left to the garbage collector
    # when the process exited (a ResourceWarning each). An invocation after that, from an
    # atexit function registered before the first (so run after), gets a loop of its own.
    result = _at_exit(_CLOSED_AT_EXIT, "-W", "error::ResourceWarning")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == [
        "Visit 1.",
        "closed Store",
        "closed Added",
        "Visit 2.",
        "",
    ], result.stderr


_VERIFIER_FAILS_AT_EXIT = """
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import MemoryStore
from alexaskill.testing import RequestFactory
from alexaskill.verify import Verifier

class Store(MemoryStore):
    async def aclose(self):
        print("closed", type(self).__name__)

class FailingVerifier(Verifier):
    async def aclose(self):
        raise RuntimeError("the client would not close")

skill = Skill(sys.argv[1], store=Store(), verifier=FailingVerifier())

@skill.launch
async def launch():  # (on the handler's event loop: its skill is closed at exit)
    return speak("Hi.")

lambda_handler = handler(skill)
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
print(lambda_handler(envelope)["response"]["outputSpeech"]["text"])
"""


def test_a_verifier_that_fails_to_close_at_exit_is_named_not_the_stores() -> None:
    # The line said "closing the stores of Skill at exit failed", though the stores were
    # closed and the verifier's aclose had raised.
    result = _at_exit(_VERIFIER_FAILS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["Hi.", "closed Store", ""], result.stderr
    # Named by its ids, as the handler's other lines name it (`lambda_log_name`): the path
    # ("the skill at / (…)") means nothing on Lambda.
    said = (
        f"closing the verifier (FailingVerifier) of the skill ({DEFAULT_SKILL_ID}) at exit failed "
        "(the rest was closed)"
    )
    assert said in result.stderr, result.stderr
    assert "the skill at /" not in result.stderr, result.stderr
    assert "closing the stores" not in result.stderr
    assert "the client would not close" in result.stderr  # (its traceback)


_ONE_OF_TWO_FAILS_AT_EXIT = f"""
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.exceptions import StoreError
from alexaskill.store import MemoryStore
from alexaskill.testing import RequestFactory

class Failing(MemoryStore):
    async def aclose(self):
        raise StoreError("the store's server is gone")

kept = []
for skill_id, store in ((sys.argv[1], MemoryStore()), ({OTHER_SKILL_ID!r}, Failing())):
    skill = Skill(skill_id, store=store)
    kept.append(skill)

    @skill.launch
    async def launch():  # (on the handler's event loop: its skill is closed at exit)
        return speak("Hi.")

    print(handler(skill)(RequestFactory(skill_id=skill_id).envelope("LaunchRequest"))
          ["response"]["outputSpeech"]["text"])
"""


def test_a_store_failing_to_close_at_exit_names_its_skill_among_several() -> None:
    # The line said "closing the store Failing failed", and the others named every skill by
    # its class, "Skill": a process answering several skills did not tell which had failed.
    result = _at_exit(_ONE_OF_TWO_FAILS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["Hi.", "Hi.", ""], result.stderr
    [line] = [line for line in result.stderr.splitlines() if "closing the store" in line]
    assert "Failing" in line and OTHER_SKILL_ID in line and DEFAULT_SKILL_ID not in line, line
    assert f"of the skill ({OTHER_SKILL_ID}) failed" in line, line  # `lambda_log_name`
    assert "the store's server is gone" in result.stderr  # (its traceback)


_STILL_RUNNING_AT_EXIT = """
import asyncio, sys, threading
from alexaskill import Skill, speak
from alexaskill import lambda_exit
from alexaskill.aws_lambda import handler
from alexaskill.testing import RequestFactory

lambda_exit.CLOSE_TIMEOUT = 0.5  # (the bound on the wait: the invocation never ends)
skill = Skill(sys.argv[1], store="memory://", deadline=None)  # no deadline ends it
started = threading.Event()

@skill.launch
async def launch():
    started.set()
    await asyncio.Event().wait()  # for ever
    return speak("Never.")

lambda_handler = handler(skill)
envelope = RequestFactory(skill_id=sys.argv[1]).envelope("LaunchRequest")
threading.Thread(target=lambda_handler, args=(envelope,), daemon=True).start()
assert started.wait(30)
print("exiting")
"""


def test_an_invocation_still_running_at_exit_does_not_hold_up_the_exit() -> None:
    # A daemon thread (a local server's) in an invocation holds the loop: the exit waited for
    # it to close the stores, for ever.
    result = _at_exit(_STILL_RUNNING_AT_EXIT)
    assert result.stdout == "exiting\n", result.stderr
    assert "stores were not closed at exit: an invocation still runs" in result.stderr


_TWO_HANGING_AT_EXIT = """
import asyncio, sys
from alexaskill import Skill, speak
from alexaskill import lambda_exit
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import RequestFactory

lambda_exit.CLOSE_TIMEOUT = 0.5  # (the bound on the exit: these closes never end)

class Hanging(MemoryStore):
    async def aclose(self):
        print("closing", self.name, flush=True)
        await asyncio.Event().wait()  # for ever: a server that never answers

""" + _TWO_SKILLS_ANSWER.format(store="Hanging", skill="Skill")


def test_the_stores_closed_at_exit_share_one_bound_however_many_skills() -> None:
    # Each skill had CLOSE_TIMEOUT of its own (after as long a wait for an invocation still
    # running): a process that answered several skills whose stores' servers did not answer
    # took that many times 10 s to exit. Once the bound is spent, the others are said left.
    result = _at_exit(_TWO_HANGING_AT_EXIT)
    assert result.returncode == 0, result.stderr
    said = result.stdout.split("\n")
    assert said[:2] == ["Hi.", "Hi."] and said[-1] == "", result.stderr
    # One close started at most (none if a stalled CI ran out the 0.5 s before the first).
    assert set(said[2:-1]) <= {"closing first", "closing second"}, result.stderr
    assert len(said) <= 4, result.stderr
    said_left = (
        f"the stores of the skill ({DEFAULT_SKILL_ID}) were not closed at exit: "
        "closing took over 0.5 s"
    )
    assert result.stderr.count(said_left) == 2, result.stderr  # the one cut short, the other
    assert "Traceback" not in result.stderr


_EQUAL_SKILLS_AT_EXIT = """
import sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import RequestFactory

class Store(MemoryStore):
    async def aclose(self):
        print("closed", self.name)

class SameSkill(Skill):
    # Equal by skill id (one per locale, say): two such skills are one set member.
    def __eq__(self, other):
        return isinstance(other, Skill) and other.skill_ids == self.skill_ids

    def __hash__(self):
        return hash(repr(self.skill_ids))

""" + _TWO_SKILLS_ANSWER.format(store="Store", skill="SameSkill")


def test_skills_that_compare_equal_each_have_their_stores_closed_at_exit() -> None:
    # The skills were kept in a WeakSet, by their __eq__ and __hash__: of two equal skills only
    # one had its stores closed (the handler keys its plans by identity for this reason).
    result = _at_exit(_EQUAL_SKILLS_AT_EXIT)
    assert result.returncode == 0, result.stderr
    said = result.stdout.split("\n")
    assert said[:2] == ["Hi.", "Hi."] and sorted(said[2:]) == ["", "closed first", "closed second"]


def test_the_skill_id_check_off_is_said_naming_the_skill_without_a_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The web service's warning names the skill (`Skill.log_name`); the Lambda handler's said
    # "this skill". A path means nothing on Lambda: the skill is named by its ids alone.
    skill = Skill("*")
    skill.launch(lambda: speak("Hi."))
    event = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        handler(skill)(event, None)
    said = [r.getMessage() for r in caplog.records if "skill-id check" in r.getMessage()]
    assert said == [
        "the skill-id check is OFF (Skill(skill_id='*')) for the skill (any skill id): requests"
        " for any skill are answered"
    ]


@pytest.mark.parametrize(
    "where", ["note_invocation", "plan", "decode", "respond", "reply", "apology"]
)
def test_alexaskills_own_bug_on_lambda_still_leaves_one_request_line(
    where: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runtime reports the invocation failed, as before; its request line was missing.
    # (Past the answer too: making the reply's dict, the apology for a KeyboardInterrupt.)
    skill = weather_skill()
    lambda_handler = handler(skill)
    caplog.set_level(logging.INFO, logger="alexaskill")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("alexaskill's own bug")

    async def broken_answer(*args: Any, **kwargs: Any) -> Any:
        broken()

    async def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    if where in ("note_invocation", "plan"):  # before the event is read: the set-up's
        monkeypatch.setattr(f"alexaskill.aws_lambda.{where.replace('plan', '_plan_of')}", broken)
    elif where == "decode":
        monkeypatch.setattr("alexaskill.aws_lambda.decode_body", broken)
    elif where == "reply":
        monkeypatch.setattr("alexaskill.aws_lambda._reply", broken)
    else:
        answering = broken_answer if where == "respond" else interrupted
        monkeypatch.setattr(skill, "_respond_by", answering)
        monkeypatch.setattr(skill, "respond", answering)
        if where == "apology":
            monkeypatch.setattr(skill, "_apology_for", broken)
    with pytest.raises(RuntimeError, match="alexaskill's own bug"):
        lambda_handler(intent_event("Broken"), None)
    [request] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert request.outcome == "internal_error"  # type: ignore[attr-defined]
    unread = where in ("note_invocation", "plan", "decode")
    assert (request.intent is None) is unread  # type: ignore[attr-defined]


@pytest.mark.usefixtures("python_sigint")  # (KeyboardInterrupt as a Ctrl-C: it goes on up)
@pytest.mark.parametrize("where", ["listener", "apology"])
def test_a_base_exception_out_of_the_apology_on_lambda_still_leaves_its_request_line(
    where: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler's KeyboardInterrupt, taken for a Ctrl-C, is answered with the apology on the
    # Lambda handler; a BaseException out of that apology (the on_handler_error listener's
    # Ctrl-C, or one before it said anything) went on up with no request line: only Exception
    # was caught for it. The invocation fails as before, its line first.
    skill = Skill(DEFAULT_SKILL_ID)

    def interrupt() -> Response:
        raise KeyboardInterrupt

    def interrupt_too(*args: Any) -> Any:
        raise KeyboardInterrupt

    skill.add_intent_handler("Fail", interrupt)
    if where == "listener":
        skill.on_handler_error = interrupt_too
    else:
        monkeypatch.setattr(skill, "_apology_for", interrupt_too)
    caplog.set_level(logging.INFO, logger="alexaskill")
    lambda_handler = handler(skill)
    with pytest.raises(KeyboardInterrupt):
        lambda_handler(intent_event("Fail"), None)
    [request] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert request.outcome == "internal_error"  # type: ignore[attr-defined]
    assert request.intent == "Fail"  # type: ignore[attr-defined]
    failed = [r for r in caplog.records if "handler failed" in r.getMessage()]
    assert len(failed) == (where == "listener")  # (the listener is told after the line)

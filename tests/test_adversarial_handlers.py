"""Hostile handlers: whatever a skill's handler (or hook, exception handler, service) raises,
returns or does, the user hears an apology (or the documented answer), the log has one ERROR
with the cause, and the next request is answered.

Each case runs as a plain ``def`` and as an ``async def`` through the test client (signed
requests, verification on); the ones a web server could trip over run through a real
``alexaskill serve`` on 127.0.0.1 too. No timing is asserted: the deadline's cases use a short
deadline and hold their handler on an event the test sets afterwards (the hang guard).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from alexaskill import (
    DeadlineExceeded,
    Response,
    ResponseError,
    Session,
    SimpleCard,
    Skill,
    ask,
    speak,
)
from alexaskill.app import APOLOGY, DEADLINE_REPLY
from alexaskill.responses import PlainTextSpeech
from alexaskill.ssml import Ssml
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI

from .conftest import BREAK_APP_SENDS, Servers, alexa_refuses
from .processes import free_port

HERE = str(Path(__file__).resolve())


class StrRaises(Exception):
    def __str__(self) -> str:
        raise ValueError("no str")


class ReprRaises(Exception):
    def __repr__(self) -> str:
        raise ValueError("no repr")


class NeitherShows(Exception):
    def __str__(self) -> str:
        raise ValueError("no str")

    def __repr__(self) -> str:
        raise ValueError("no repr")


class OwnBase(BaseException):
    pass


class Unshowable:
    def __str__(self) -> str:
        raise ValueError("no str")

    def __repr__(self) -> str:
        raise ValueError("no repr")


class Db:
    """A service of the skill's (made by `Skill.add_service`)."""


def recurse(depth: int = 0) -> int:
    return recurse(depth + 1) + 1


def raise_recursion() -> None:
    recurse()


#: What a handler raises, by name: each is called in the handler, and must fail as its bug.
RAISED: dict[str, Callable[[], BaseException]] = {
    "ValueError": lambda: ValueError("boom"),
    "str raises": StrRaises,
    "repr raises": ReprRaises,
    "neither shows": NeitherShows,
    "1 MB message": lambda: ValueError("x" * 1_000_000),
    "MemoryError": MemoryError,
    "KeyboardInterrupt": KeyboardInterrupt,
    "SystemExit": lambda: SystemExit(3),
    "GeneratorExit": GeneratorExit,
    "CancelledError": asyncio.CancelledError,
    "BaseException of its own": OwnBase,
    "ExceptionGroup": lambda: ExceptionGroup("two", [ValueError("a"), KeyError("b")]),
    "BaseExceptionGroup": lambda: BaseExceptionGroup("two", [KeyboardInterrupt(), ValueError()]),
    "StopIteration": StopIteration,
    "StopAsyncIteration": StopAsyncIteration,
}


def _generator() -> Iterator[int]:
    yield 1


#: What a handler returns that is no reply: each gets the apology.
RETURNED: dict[str, Callable[[], object]] = {
    "str": lambda: "hello",
    "bytes": lambda: b"hello",
    "dict that is no response": lambda: {"response": 1},
    "dict shaped like an envelope": lambda: {"version": "1.0", "response": {}},
    "generator": _generator,
    "object whose str and repr raise": Unshowable,
    "int": lambda: 42,
    "NaN": lambda: float("nan"),
    "list": lambda: [speak("hi")],
}


def _set(session: Session, value: object) -> Response:
    session.attributes["key"] = value
    return ask("And then?")


def _bypassing(**fields: Any) -> Response:
    """A reply changed by ``msgspec.structs.replace``, past ``speak``'s own checks. Not past
    ``Response.__post_init__``, which ``replace`` runs (msgspec 0.23): the "unchecked" cases
    raise where the reply is built, in the handler, as the others do. A value forced in place
    (``force_setattr``) would reach the encoder, which does not check it again: 20,000
    characters of speech went out when tried, a path no builder opens."""
    return msgspec.structs.replace(speak("x"), **fields)


#: A reply built from bad values (raising where it is built, or where it is encoded).
BAD_REPLIES: dict[str, Callable[[Session], Response]] = {
    "speech of 1 MB": lambda s: speak("x" * 1_000_000),
    "NaN as a card's content": lambda s: speak(
        "x",
        card=SimpleCard("t", float("nan")),  # type: ignore[arg-type]
    ),
    "NaN in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": float("nan")}]),
    "set in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": {1, 2}}]),
    "object in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": object()}]),
    "directive that is no mapping": lambda s: speak(
        "x",
        directives=[42],  # type: ignore[list-item]
    ),
    "speech that is no text": lambda s: speak(42),  # type: ignore[arg-type]
    "session attribute set": lambda s: _set(s, {1, 2}),
    "session attribute datetime": lambda s: _set(s, datetime.datetime(2026, 12, 4)),
    "session attribute object": lambda s: _set(s, object()),
    "session attribute NaN": lambda s: _set(s, float("nan")),
    "session attributes holding themselves": lambda s: _set(s, s.attributes),
    "speech of 20000 characters, unchecked": lambda s: _bypassing(
        output_speech=msgspec.structs.replace(PlainTextSpeech(text="x"), text="y" * 20_000)
    ),
    # (None is no speech, as Response(output_speech=None) and replace() take it: no bad value.)
    "speech that is a str, unchecked": lambda s: _bypassing(output_speech="Hi"),
    "directive of no kind, unchecked": lambda s: _bypassing(directives=[object()]),
}


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """The ERROR records of alexaskill's loggers so far."""
    caplog.set_level(logging.INFO, "alexaskill")
    return lambda: [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("alexaskill")
    ]


def _skill(bad: Callable[..., Any], **options: Any) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID, **options)
    skill.add_intent_handler("Bad", bad)

    @skill.intent("Good")
    def good() -> Response:
        return speak("fine")

    return skill


def _answers(skill: Skill) -> tuple[Any, Any]:
    """The reply to Bad, then to Good, from a client that raises nothing in the test."""
    with TestClient(skill, raise_handler_errors=False) as client:
        return client.intent("Bad"), client.intent("Good")


def _traceback(record: logging.LogRecord) -> str:
    assert record.exc_info is not None, record.getMessage()
    return "".join(traceback.format_exception(*record.exc_info))


def _both(body: Callable[..., Any]) -> list[Callable[..., Any]]:
    """``body`` as a def handler and as an async def one."""

    def plain(session: Session) -> Any:
        return body(session)

    async def coroutine(session: Session) -> Any:
        return body(session)

    return [plain, coroutine]


def _raiser(make: Callable[[], BaseException]) -> Callable[[Session], Any]:
    def body(session: Session) -> Any:
        raise make()

    return body


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", [*RAISED, "RecursionError"])
def test_a_handler_that_raises_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    body = (lambda s: raise_recursion()) if name == "RecursionError" else _raiser(RAISED[name])
    bad, good = _answers(_skill(_both(body)[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"  # the worker goes on
    (record,) = errors()
    assert record.getMessage().startswith("handler failed for IntentRequest Bad")
    assert HERE in _traceback(record)  # the handler's own code, where it failed


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", RETURNED)
def test_a_handler_that_returns_no_reply_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    make = RETURNED[name]
    bad, good = _answers(_skill(_both(lambda s: make())[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"
    (record,) = errors()
    assert isinstance(bad.handler_error, ResponseError)
    assert "a handler returns a Response" in str(bad.handler_error)
    assert record.exc_info is not None and record.exc_info[1] is bad.handler_error


def test_a_def_handler_that_forgot_await_gets_the_apology(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    async def later() -> Response:
        return speak("late")

    def forgot() -> Any:
        return later()

    bad, good = _answers(_skill(forgot))
    assert (bad.speech, good.speech) == (APOLOGY, "fine")
    (record,) = errors()
    assert record.exc_info is not None and record.exc_info[1] is bad.handler_error
    assert "called without await" in str(bad.handler_error)


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", BAD_REPLIES)
def test_a_reply_of_bad_values_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    bad, good = _answers(_skill(_both(BAD_REPLIES[name])[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"
    assert bad.session_attributes in (None, {})  # nothing the bad reply wrote goes out
    (record,) = errors()
    assert isinstance(bad.handler_error, ResponseError)
    if name.startswith("session attribute"):
        # The data the handler stored is at fault: one line naming it, no encoder's traceback.
        assert record.exc_info is None, record.exc_info
        assert "handler failed for IntentRequest Bad: sessionAttributes" in record.getMessage()
    else:
        assert record.exc_info is not None and record.exc_info[1] is bad.handler_error


def test_what_goes_out_as_written_is_caught_by_the_test_client() -> None:
    # Documented: speech forced past the app's checks (msgspec's force_setattr) is not checked
    # again when encoded (the test tools parse it: a <break time> in a form Amazon's SSML
    # reference never writes goes out so), and a directive of a type alexaskill does not know
    # goes out (Amazon adds them).
    written = Ssml(f"<speak><p>Tom {BREAK_APP_SENDS} Jerry</p></speak>")
    skill = _skill(lambda: alexa_refuses(speak(written)))

    @skill.intent("Unknown")
    def unknown() -> Response:
        return speak("x", directives=[{"type": "Vendor.Unknown", "v": 1}])

    with TestClient(skill, raise_handler_errors=False) as client:
        assert "<break time='5S'>: write '5s'" in (client.intent("Bad").refusal or "")
        assert client.intent("Unknown").json["response"]["directives"] == [
            {"type": "Vendor.Unknown", "v": 1}
        ]
    with TestClient(skill) as client, pytest.raises(ResponseError, match="write '5s'"):
        client.intent("Bad")


def test_hooks_services_and_exception_handlers_that_fail_get_the_apology(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    async def make_db(call: object) -> Db:
        raise SystemExit(4)

    async def make_ok(call: object) -> Db:
        return Db()

    async def finish(db: Db) -> None:
        raise ValueError("not saved")

    def uses_db(db: Db) -> Response:
        return speak("db")

    def fails() -> Response:
        raise ValueError("first")

    def setups() -> Iterator[tuple[str, Skill]]:
        skill = Skill(DEFAULT_SKILL_ID)
        skill.add_service(Db, make_db)
        skill.add_intent_handler("Bad", uses_db)
        maker = f"{make_db.__module__}.{make_db.__qualname__}"  # (never the handler)
        yield f"the making of the service Db by {maker} raised SystemExit(4)", skill

        skill = Skill(DEFAULT_SKILL_ID)
        skill.add_service(Db, make_ok, finish)
        skill.add_intent_handler("Bad", uses_db)
        yield "not saved", skill

        skill = _skill(fails)

        @skill.exception(ValueError)
        def again(exc: ValueError) -> Response:
            raise KeyError("in the exception handler")

        yield "in the exception handler", skill

        skill = _skill(fails)

        @skill.exception(ValueError)
        async def leaves(exc: ValueError) -> Response:
            raise SystemExit(2)

        yield "raised SystemExit(2)", skill

        for when in ("before", "after"):
            skill = Skill(DEFAULT_SKILL_ID)
            skill.add_intent_handler("Bad", lambda: speak("fine"))

            async def hook() -> None:
                raise KeyboardInterrupt

            add = skill.add_before_request if when == "before" else skill.add_after_request
            add(hook, intents=["Bad"])
            yield f"-request hook {__name__}", skill

        skill = _skill(fails)

        def listener(exc: Exception) -> None:
            raise SystemExit(1)

        skill.on_handler_error = listener
        yield "first", skill

    for cause, skill in setups():
        before = len(errors())
        bad, _ = _answers(skill)
        assert (bad.status_code, bad.speech) == (200, APOLOGY), cause
        told = [_traceback(r) + r.getMessage() for r in errors()[before:]]
        assert told and cause in told[0], (cause, told)


@pytest.mark.parametrize("kind", ["def", "async"])
def test_a_handler_that_never_returns_gets_the_deadlines_answer(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    released = threading.Event()

    def blocks() -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    async def awaits() -> Response:
        await asyncio.Event().wait()
        return speak("never")

    skill = _skill(blocks if kind == "def" else awaits, deadline=0.3)
    caplog.set_level(logging.INFO, "alexaskill")
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.status_code, bad.speech) == (200, DEADLINE_REPLY)
    assert isinstance(bad.handler_error, DeadlineExceeded) or bad.handler_error is None
    assert good.speech == "fine"
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("did not answer within 0.3 s" in line for line in said), said


# --- through a real server ------------------------------------------------------------------

HOSTILE = """
import asyncio, sys, threading, time

from alexaskill import Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

skill = Skill(DEFAULT_SKILL_ID, deadline=0.5)
skill.verifier = TestPKI.load(".").verifier()


@skill.intent("Good")
def good():
    return speak("fine")


@skill.intent("DefExit")
def def_exit():
    sys.exit(3)


@skill.intent("AsyncExit")
async def async_exit():
    raise SystemExit(3)


@skill.intent("DefInterrupt")
def def_interrupt():
    raise KeyboardInterrupt


@skill.intent("AsyncInterrupt")
async def async_interrupt():
    raise KeyboardInterrupt


@skill.intent("Cancelled")
async def cancelled():
    raise asyncio.CancelledError


@skill.intent("Group")
async def group():
    raise BaseExceptionGroup("two", [KeyboardInterrupt(), ValueError("v")])


def recurse(depth=0):
    return recurse(depth + 1) + 1


@skill.intent("Recursion")
async def recursion():
    recurse()


@skill.intent("Memory")
def memory():
    raise MemoryError


@skill.intent("Sleeps")
def sleeps():
    time.sleep(1e9)


@skill.intent("Awaits")
async def awaits():
    await asyncio.Event().wait()


@skill.intent("Inline")
def inline():
    # Quick, so that it comes to run on the event loop's thread, the main one under serve
    # (alexaskill.pace): there it raises, once.
    if threading.current_thread() is threading.main_thread():
        raise KeyboardInterrupt
    return speak("quick")


@skill.intent("Thread")
def thread():
    threading.Thread(target=lambda: 1 / 0, name="spawned").start()
    return speak("started")
"""

#: The intents of `HOSTILE` that fail, and what the user hears.
SERVED = {
    "DefExit": APOLOGY,
    "AsyncExit": APOLOGY,
    "DefInterrupt": APOLOGY,
    "AsyncInterrupt": APOLOGY,
    "Cancelled": APOLOGY,
    "Group": APOLOGY,
    "Recursion": APOLOGY,
    "Memory": APOLOGY,
    "Sleeps": DEADLINE_REPLY,
    "Awaits": DEADLINE_REPLY,
}


def test_a_served_skill_answers_hostile_handlers_and_goes_on(
    servers: Servers, tmp_path: Path
) -> None:
    (tmp_path / "hostile.py").write_text(HOSTILE)
    pki = TestPKI()
    pki.save(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", "hostile:skill", "--port", str(port)]
    environ = {**os.environ, "ALEXASKILL_LOG_JSON": "1"}
    process = servers.start(command, port, cwd=tmp_path, env=environ)
    factory = RequestFactory()

    def say(intent: str) -> str:
        body = json.dumps(factory.intent(intent)).encode()
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        answer = httpx.post(f"http://127.0.0.1:{port}/", content=body, headers=headers, timeout=30)
        assert answer.status_code == 200, (intent, answer.text)
        return str(answer.json()["response"]["outputSpeech"]["text"])

    for intent, heard in SERVED.items():
        assert say(intent) == heard, intent
        assert say("Good") == "fine", intent  # the worker goes on
    # Eight quick calls in a row bring it there; a loaded machine may take more.
    answers = [say("Inline")]
    while answers[-1] == "quick" and len(answers) < 500:
        answers.append(say("Inline"))
    assert answers[-1] == APOLOGY and set(answers[:-1]) <= {"quick"}, answers
    assert say("Good") == "fine"
    assert say("Thread") == "started"
    assert say("Good") == "fine"
    # Its exit status is asserted: time to stop (it took over 5 s at a load of 30, and was
    # killed, status -9; about 1 s unloaded).
    servers.stop(process, patience=60)
    output = servers.output[process].read_text()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    failed = [r for r in records if r["level"] == "ERROR" and r["logger"] == "alexaskill"]
    apologies = [each for each, heard in SERVED.items() if heard == APOLOGY]
    for intent in apologies:
        (record,) = [r for r in failed if f"IntentRequest {intent} " in r["message"]]
        assert "hostile.py" in record["exception"], record
    # A KeyboardInterrupt of the handler's own on the main thread is no Ctrl-C: uvicorn has
    # the signal.
    (record,) = [r for r in failed if "IntentRequest Inline " in r["message"]]
    assert "pace.py" in record["exception"]  # (called on the event loop's thread)
    # A thread the handler started whose exception nothing caught: one JSON record at ERROR
    # (Python's own hook printed a plain traceback beside the JSON lines, unescaped).
    assert "Exception in thread" not in output, output
    (record,) = [r for r in failed if "ZeroDivisionError" in r.get("exception", "")]
    assert "spawned" in record["message"] and "hostile.py" in record["exception"]
    assert process.returncode == 0  # stopped by SIGTERM: nothing ended the worker before


def test_a_thread_a_handler_started_that_raises_is_one_error_record(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # What alexaskill's logging set-up installs (`configure_logging_if_unset`, as under serve):
    # Python's own hook wrote the traceback on standard error, outside the log.
    from alexaskill.log_format import log_thread_exceptions

    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    log_thread_exceptions()

    def fails(exc: BaseException) -> None:
        raise exc

    caplog.set_level(logging.INFO, "alexaskill")
    for exc in (ValueError("slot\nvalue"), SystemExit(0)):
        thread = threading.Thread(target=fails, args=(exc,), name="spawned")
        thread.start()
        thread.join()
    (record,) = caplog.records  # a thread's sys.exit() ends it quietly, as Python's hook does
    assert record.levelno == logging.ERROR and record.name == "alexaskill"
    assert "thread 'spawned'" in record.getMessage()
    assert "ValueError" in _traceback(record) and HERE in _traceback(record)

    # A hook the application installed is its own.
    def own(args: Any) -> None:
        pass

    monkeypatch.setattr(threading, "excepthook", own)
    log_thread_exceptions()
    assert threading.excepthook is own


@pytest.mark.parametrize("kind", ["def", "async"])
def test_an_exception_handler_that_never_returns_leaves_the_handlers_error_in_the_log(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The handler's ValueError went to an exception handler that hung: the deadline answered,
    # and its warning named the handler as the one that "did not answer" with no word of the
    # ValueError, whose traceback was nowhere in the log.
    released = threading.Event()

    def blocks(exc: ValueError) -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    async def awaits(exc: ValueError) -> Response:
        await asyncio.Event().wait()
        return speak("never")

    def fails() -> Response:
        raise ValueError("the handler's own bug")

    skill = _skill(fails, deadline=0.3)
    skill.add_exception_handler(ValueError, blocks if kind == "def" else awaits)
    caplog.set_level(logging.INFO, "alexaskill")
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.speech, good.speech) == (DEADLINE_REPLY, "fine")
    (record,) = [r for r in caplog.records if "did not answer within" in r.getMessage()]
    assert "the exception handler" in record.getMessage()
    assert "; the exception being handled: ValueError" in record.getMessage()
    assert record.exc_info is not None and str(record.exc_info[1]) == "the handler's own bug"
    assert HERE in _traceback(record)


@pytest.mark.parametrize("kind", ["raises", "exits", "hangs", "returns junk"])
def test_a_failing_exception_handler_for_the_deadline_leaves_the_deadlines_answer(
    kind: str, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    released = threading.Event()

    def raises(exc: DeadlineExceeded) -> Response:
        raise ValueError("in the deadline's handler")

    async def exits(exc: DeadlineExceeded) -> Response:
        sys.exit(1)

    def hangs(exc: DeadlineExceeded) -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    def returns_junk(exc: DeadlineExceeded) -> Any:
        return "junk"

    async def slow() -> Response:
        await asyncio.Event().wait()
        return speak("never")

    chosen = {"raises": raises, "exits": exits, "hangs": hangs, "returns junk": returns_junk}
    skill = _skill(slow, deadline=0.3)
    skill.add_exception_handler(DeadlineExceeded, chosen[kind])
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.status_code, bad.speech, good.speech) == (200, DEADLINE_REPLY, "fine")
    (record,) = errors()  # documented: the default answer, and an ERROR saying why
    assert "exception handler" in record.getMessage()


class _Waiter(logging.Handler):
    """Sets ``seen`` at the first record whose message holds ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.DEBUG)
        self.text = text
        self.seen = threading.Event()
        self.record: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.record is None and self.text in record.getMessage():
            self.record = record
            self.seen.set()


@pytest.mark.parametrize("raised", [SystemExit(5), KeyboardInterrupt(), ValueError("late")])
def test_a_def_handler_that_raises_after_its_deadline_is_logged_with_its_traceback(
    raised: BaseException,
) -> None:
    released = threading.Event()

    def late() -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        raise raised

    waiter = _Waiter("after its deadline")
    alexaskill_logger = logging.getLogger("alexaskill")
    alexaskill_logger.addHandler(waiter)
    try:
        with TestClient(_skill(late, deadline=0.3), raise_handler_errors=False) as client:
            assert client.intent("Bad").speech == DEADLINE_REPLY
            released.set()
            assert waiter.seen.wait(60)  # (a hang guard only)
            assert client.intent("Good").speech == "fine"  # its thread's end left all well
    finally:
        released.set()
        alexaskill_logger.removeHandler(waiter)
    record = waiter.record
    assert record is not None and record.levelno == logging.WARNING
    assert f"raised {type(raised).__name__}" in record.getMessage()
    assert HERE in _traceback(record)


def test_a_hook_or_exception_handler_that_forgot_await_is_told_to_be_async(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    # The fix named "the handler" whatever forgot it: a hook's author was told to change the
    # handler, which was fine.
    async def later() -> None:
        return None

    def forgot() -> Any:
        return later()

    def forgot_too(exc: ValueError) -> Any:
        return later()

    def fails() -> Response:
        raise ValueError("first")

    hooked = _skill(lambda: speak("fine"))
    hooked.add_before_request(forgot, intents=["Bad"])
    caught = _skill(fails)
    caught.add_exception_handler(ValueError, forgot_too)
    for skill, kind in ((hooked, "the before-request hook"), (caught, "the exception handler")):
        bad, _ = _answers(skill)
        assert bad.speech == APOLOGY
        record = errors()[-1]
        assert record.exc_info is not None
        assert f"called without await): make {kind} async def and await it" in str(
            record.exc_info[1]
        )


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
def test_a_handler_that_returns_none_gets_the_empty_answer(
    kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    # Documented (README, Responses): None is an empty answer, no error.
    bad, good = _answers(_skill(_both(lambda s: None)[kind]))
    assert (bad.status_code, bad.speech, bad.handler_error) == (200, None, None)
    assert bad.json["response"] == {}
    assert good.speech == "fine" and errors() == []


@pytest.mark.parametrize(
    "name", ["ValueError", "SystemExit", "KeyboardInterrupt", "CancelledError"]
)
def test_where_alexa_takes_no_speech_a_failing_handler_gets_the_silent_answer(
    name: str, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    # Documented (README, The rules): an empty response, or canFulfill NO, and the traceback.
    make = RAISED[name]

    def fails() -> Response:
        raise make()

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_handler("AudioPlayer.PlaybackStarted", fails)
    skill.add_handler("SessionEndedRequest", fails)
    skill.add_can_fulfill_handler("Bad", fails)
    skill.add_handler("LaunchRequest", lambda: ask("Yes?"))
    skill.add_intent_handler("Bad", lambda: speak("fine"))
    with TestClient(skill, raise_handler_errors=False, interfaces=["AudioPlayer"]) as client:
        assert client.audio_event("PlaybackStarted", token="t").json["response"] == {}
        assert client.can_fulfill("Bad").json["response"] == {
            "canFulfillIntent": {"canFulfill": "NO"}
        }
        client.launch()
        assert client.session_ended().json["response"] == {}
        assert client.intent("Bad").speech == "fine"
    assert len(errors()) == 3
    assert all(HERE in _traceback(record) for record in errors())

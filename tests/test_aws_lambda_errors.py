"""AWS Lambda: a handler's bug is answered with the apology and named in its ERROR line (a
KeyboardInterrupt or CancelledError too, which would end Lambda's runtime); alexaskill's own bug
still leaves the invocation's request line (the rest: tests/test_aws_lambda.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.aws_lambda import handler
from alexaskill.responses import Response
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import DEFAULT_SKILL_ID

from .aws_lambda_shared import speech, weather_skill

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
from .lambda_events import event, intent_event
from .lambda_runtime import LambdaContext


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
        monkeypatch.setattr(f"alexaskill.aws_lambda.{where.replace('plan', 'plan_of')}", broken)
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

"""A request cancelled from outside (a server's shutdown) whose code caught the ``CancelledError``
and raised an `Exception` instead (a client library's own error, say): the cancellation goes on,
answered as one, and the catch named (tests/test_cancelled_answer.py: code that returned)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.testing import RequestFactory

from . import cancelled_shared
from .cancelled_shared import post_and_cancel, raising_instead, speech_when_cancelled
from .conftest import SKILL_ID
from .deadline_shared import request_lines, signed_hello
from .lambda_runtime import LAMBDA_ENVIRON, LambdaContext

# The fixture of tests/cancelled_shared.py, this module's too, for each of its tests.
looked_for = cancelled_shared.looked_for
pytestmark = pytest.mark.usefixtures("looked_for")


@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("handled", [False, True])
def test_a_cancellation_caught_and_raised_as_an_exception_goes_on(
    caplog: pytest.LogCaptureFixture, deadline: float | None, handled: bool
) -> None:
    # The handler turned the server's cancellation into a LookupError: the apology went out and
    # the task ended as if never cancelled (whoever cancelled it waited on); or the LookupError's
    # exception handler ran in the task being cancelled, and was said to have caught it. The
    # request is answered as a cancelled one, the handler named, and no exception handler runs.
    started: list[asyncio.Event] = []
    skill, hello = raising_instead("handler", started, deadline)
    ran: list[str] = []

    if handled:

        @skill.exception(LookupError)
        async def not_found(exc: LookupError) -> Any:
            ran.append("not_found")
            return speak("not found")

    with caplog.at_level(logging.INFO, "alexaskill"):
        speech, raised = speech_when_cancelled(skill, started)
    assert speech == DEADLINE_REPLY
    assert isinstance(raised, asyncio.CancelledError)  # for whoever cancelled it
    assert ran == []
    name = f"{hello.__module__}.{hello.__qualname__}"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(" caught the CancelledError")[0] for r in errors] == [name]
    assert "and raised LookupError instead" in errors[0].getMessage()
    assert "the connection was closed" in repr(errors[0].exc_info)  # (its traceback shown)
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("deadline", [None, 30.0])
def test_an_exception_handler_raising_instead_of_its_cancellation_leaves_it_cancelled(
    caplog: pytest.LogCaptureFixture, deadline: float | None
) -> None:
    # As above, the exception handler the one cancelled (the handler had failed): it was said
    # to have failed, the apology went out and the task ended as if never cancelled.
    started: list[asyncio.Event] = []
    skill, no_user = raising_instead("exception handler", started, deadline)
    with caplog.at_level(logging.INFO, "alexaskill"):
        speech, raised = speech_when_cancelled(skill, started)
    assert speech == DEADLINE_REPLY
    assert isinstance(raised, asyncio.CancelledError)  # for whoever cancelled it
    name = f"the exception handler {no_user.__module__}.{no_user.__qualname__}"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    (caught,) = [m for m in errors if "caught the CancelledError" in m]
    assert caught.startswith(name), errors
    assert not [m for m in errors if "failed" in m], errors  # (not said to have failed)
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("where", ["web service", "AWS Lambda", "a web server in Lambda"])
def test_the_catchs_error_says_what_cancels_from_outside_where_it_ran(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # The ERROR said "from outside (the server shutting down, a caller's timeout)" on AWS Lambda
    # too, where no server shuts down and neither the runtime nor the function's timeout
    # cancels an invocation: there the skill's own code did (a Ctrl-C, run locally). So did it,
    # and the WARNING "the server shutting down, past its --timeout-graceful-shutdown?", for
    # the ASGI app served in Lambda (behind Mangum, the Lambda Web Adapter), where no request
    # is cancelled by a server's shutdown while its invocation lasts either.
    from alexaskill.aws_lambda import handler
    from alexaskill.handler_bugs import LAMBDA_WEB_CANCELLER

    lambda_ = where == "AWS Lambda"
    if where == "a web server in Lambda":
        for name, value in LAMBDA_ENVIRON.items():
            monkeypatch.setenv(name, value)

    skill = Skill(SKILL_ID, deadline=None)
    started: list[asyncio.Event] = []

    @skill.intent("Hello")
    async def hello() -> Any:
        if lambda_:  # (nothing else cancels it there)
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
        else:
            started[0].set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise LookupError("the connection was closed") from None
        return speak("hello")

    async def run() -> None:
        started.append(asyncio.Event())
        await post_and_cancel(skill, started[0])

    with caplog.at_level(logging.INFO, "alexaskill"):
        if lambda_:
            event = RequestFactory(skill_id=SKILL_ID).intent("Hello")
            handler(skill)(event, LambdaContext(60_000))
        else:
            asyncio.run(run())
    (caught,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    outside = caught.split("cancellation from outside (")[1].split(") and raised")[0]
    if lambda_:
        assert outside == (
            "on AWS Lambda, the skill's own code: neither Lambda's runtime nor the function's "
            "timeout cancels an invocation; or a Ctrl-C, run locally"
        ), caught
    elif where == "web service":
        assert outside == "the server shutting down, a caller's timeout", caught
    else:
        assert outside == f"in AWS Lambda, {LAMBDA_WEB_CANCELLER}", caught
    # The request's WARNING names the handler the cancellation stopped, which ran and raised
    # instead: it said "the request for … was cancelled …, while none of the skill's handlers
    # or hooks ran", on the web service as on AWS Lambda.
    (cancelled,) = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "alexaskill"  # (not the test PKI's)
    ]
    name = f"{hello.__module__}.{hello.__qualname__}"
    assert cancelled.startswith(f"{name} was cancelled before it answered ("), cancelled
    assert "none of the skill's handlers" not in cancelled, cancelled
    if lambda_:  # (what cancels an invocation, in the ERROR's words: said once, in one place)
        by = outside.removeprefix("on AWS Lambda, ")
        assert f"was cancelled before it answered (by {by}): answered" in cancelled, cancelled
    if where == "a web server in Lambda":
        assert f"was cancelled before it answered (by {LAMBDA_WEB_CANCELLER}): " in cancelled
        assert "shutting down" not in caplog.text and "Ctrl-C" not in caplog.text


def test_an_anyio_scopes_cancellation_caught_and_raised_instead_ends_in_that_scope(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A cancel scope (anyio's: a middleware's move_on_after, fail_after) knows its own
    # cancellation by its text: the one raised again for it after the handler caught it and
    # raised LookupError instead had none, so it went on out of the scope, which never saw it
    # caught (a move_on_after raised CancelledError into its caller, not cancelled itself).
    # The text of the one caught, still the LookupError's context, goes on with it.
    import anyio

    started: list[asyncio.Event] = []  # (made on the loop that runs the request)
    skill, hello = raising_instead("handler", started)

    async def run() -> tuple[bool, list[Any]]:
        started.append(asyncio.Event())
        post, sent = signed_hello(skill)
        with anyio.CancelScope() as scope:
            waiter = asyncio.ensure_future(started[0].wait())
            waiter.add_done_callback(lambda _: scope.cancel())
            await post()
        return scope.cancelled_caught, sent

    with caplog.at_level(logging.WARNING, "alexaskill"):
        caught, sent = asyncio.run(run())
    assert caught
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert f"{hello.__qualname__} caught the CancelledError" in caplog.text

"""AWS Lambda: a reply nested nearly as deep as JSON decoders take still answers the invocation."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest

from alexaskill import Skill, aws_lambda, speak
from alexaskill.app import APOLOGY
from alexaskill.aws_lambda import handler
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response
from alexaskill.responses.encoding import data_refusal
from alexaskill.testing import DEFAULT_SKILL_ID

from .lambda_events import intent_event
from .lambda_runtime import Runtime

#: Frames of Lambda's runtime above the function's handler (awslambdaric's bootstrap: main,
#: run, handle_event_request and the frames between them).
RUNTIME_FRAMES = 10


def _nested_calls(depth: int, func: Any, *args: Any) -> Any:
    """``func(*args)`` called ``depth`` frames below this one (the runtime's frames)."""
    return func(*args) if depth == 0 else _nested_calls(depth - 1, func, *args)


def _nested_dicts(depth: int) -> dict[str, Any]:
    """``{"a": {"a": ... 1}}``, ``depth`` objects deep (built by a loop: no recursion)."""
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value  # type: ignore[no-any-return]


def _deep_directive_skill(depth: int) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)  # the id of the sample event (intent_event)

    @skill.intent("Deep")
    def deep() -> Response:
        payload = _nested_dicts(depth)
        return speak("deep", directives=[{"type": "Custom.Deep", "payload": payload}])

    return skill


def test_a_reply_nested_deep_answers_the_invocation(caplog: pytest.LogCaptureFixture) -> None:
    """A handler's directive payload nested about 960-985 levels deep encoded (the handler ran
    in a thread of its own, under the deadline), and the Lambda handler's decoding of the
    reply, in its own frames below the runtime's, raised RecursionError out of the invocation:
    Lambda reported it failed, Alexa heard nothing. Refused now as the handler's failure,
    wherever the runtime could not send it (it encodes the answer again, a few frames deeper
    still). Every depth of the range: where it starts to fail depends on the stack above."""
    runtime = Runtime()
    said: dict[int, str] = {}
    refusals: list[str] = []
    for depth in range(900, 991):  # (refused from 938 under pytest, 932 under xdist)
        caplog.clear()
        lambda_handler = handler(_deep_directive_skill(depth))
        with caplog.at_level(logging.INFO, logger="alexaskill"):
            answer = _nested_calls(RUNTIME_FRAMES, runtime.invoke, lambda_handler, _DEEP)
        # The runtime encoded the answer below the frame that called the handler, as
        # awslambdaric's marshal_response does: no Runtime.MarshalError, whatever the depth.
        assert runtime.errors == [] and answer is not None, (depth, runtime.errors)
        said[depth] = answer["response"]["outputSpeech"]["text"]
        failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
        if said[depth] == "deep":
            assert failed == [], depth
            continue
        assert said[depth] == APOLOGY, depth
        assert "directives" not in answer["response"]
        (line,) = failed
        message = line.getMessage()
        assert message.startswith("handler failed for IntentRequest Deep")
        if message == _RUNTIME_REFUSAL:
            # The reason names the data, not the handler's code: one line, as on the web
            # service (`Apologising._said_data_fault`); a traceback would show alexaskill's own.
            assert line.exc_info is None, depth
            refusals.append(message)
        else:  # (deeper, the handler's directive fails first, as it would on the web service)
            assert line.exc_info is not None and isinstance(line.exc_info[1], ResponseError)
            refusals.append(str(line.exc_info[1]))
        (request_line,) = [r for r in caplog.records if r.name == "alexaskill.request"]
        assert request_line.outcome == "handler_error"  # type: ignore[attr-defined]
    assert said[900] == "deep" and said[990] == APOLOGY  # (both ways were taken)
    assert _RUNTIME_REFUSAL in refusals


_DEEP = intent_event("Deep")
#: The one ERROR line of a reply the runtime could not send.
_RUNTIME_REFUSAL = (
    "handler failed for IntentRequest Deep: the reply is nested too deeply for AWS Lambda's"
    " runtime to send it: it encodes the answer again below its own frames, where JSON nested"
    " nearly 1,000 levels (a directive's payload, the session attributes) leaves no room"
)


def test_the_runtimes_refusal_takes_the_route_of_the_other_data_faults() -> None:
    # It took a route of its own (`_apology_for(..., traceback=False)`): the refusal is now one
    # that `data_refusal` says, so `Apologising._said_data_fault` logs it as it logs the others.
    refusal = aws_lambda._too_deep_for_the_runtime()
    assert data_refusal(refusal) == _RUNTIME_REFUSAL.split(": ", 1)[1]
    assert "traceback" not in inspect.signature(Skill._apology_for).parameters

"""`in_fresh_stack`: JSON the caller's frames leave no room for, decoded from a new thread."""

from __future__ import annotations

import json
import logging
from typing import Any

import msgspec
import pytest

from alexaskill import Response, ResponseError, Session, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.fresh_stack import in_fresh_stack
from alexaskill.responses.encoding import _nested_too_deep, _nesting
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient
from alexaskill.testing.response import answer_json

from .conftest import attributes_holding_themselves

DEEP = b"[" * 990 + b"]" * 990


def _nested_calls(depth: int, func: Any, *args: Any) -> Any:
    """``func(*args)`` called ``depth`` frames below this one (a handler deep in a server)."""
    return func(*args) if depth == 0 else _nested_calls(depth - 1, func, *args)


@pytest.mark.parametrize("decode", [msgspec.json.decode, json.loads])
def test_json_too_deep_for_the_callers_frames_decodes_in_a_fresh_stack(decode: Any) -> None:
    with pytest.raises(RecursionError):
        _nested_calls(50, decode, DEEP)
    value = _nested_calls(50, in_fresh_stack, decode, DEEP)
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    assert depth == 990


def test_the_calls_result_or_its_own_exception_comes_back() -> None:
    assert in_fresh_stack(divmod, 7, 2) == (3, 1)
    failure = ValueError("no")

    def fail() -> None:
        raise failure

    with pytest.raises(ValueError) as raised:
        in_fresh_stack(fail)
    assert raised.value is failure


def test_the_test_client_reads_any_reply_the_skill_could_encode() -> None:
    """A reply encoded from a fresh stack (session attributes nested ~997 deep) came back to
    the test client, whose json.loads, three frames deeper than msgspec there, raised
    RecursionError out of ``client.send``; read now as msgspec, which encoded it, reads it."""
    deepest = b"[" * 998 + b"]" * 998  # (the deepest msgspec encodes from a fresh stack)
    value = _nested_calls(50, answer_json, deepest)
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    assert depth == 998
    assert _nested_calls(50, answer_json, b"[" * 5000 + b"]" * 5000) is None  # (past any reading)


def _nested_dicts(depth: int) -> dict[str, Any]:
    """``{"a": {"a": ... 1}}``, ``depth`` objects deep (built by a loop: no recursion)."""
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value  # type: ignore[no-any-return]


def _deep_skill(depth: int) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Deep")
    def deep(session: Session) -> Response:
        session.attributes.update(_nested_dicts(depth))  # the attributes are the outer object
        return speak("deep", end_session=False)

    @skill.intent("Next")
    def next_turn(session: Session) -> Response:
        return speak("next", end_session=False)

    return skill


@pytest.mark.parametrize("depth", [980, 990])
def test_session_attributes_no_next_request_can_bring_back_are_refused(
    depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler's session attributes nested 980 levels deep went out, encoded from a fresh
    stack, and the session's next request, which brings them back, was refused (400: nested
    past what the decoder takes where the request arrives): the skill broke its own next turn,
    unseen. The handler's reply is refused now, in its name: the user hears the apology.

    Said in one ERROR line that names the request and the depth, without a traceback: it ran
    through alexaskill's encoder, not the handler's code; the fault is the data it stored."""
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(_deep_skill(depth), raise_handler_errors=False) as client,
    ):
        result = client.intent("Deep")
        assert result.speech == APOLOGY, (result.status_code, result.speech)
        assert "sessionAttributes" not in result.json
        assert isinstance(result.handler_error, ResponseError)
        said = str(result.handler_error)
        assert f"nested {depth} levels" in said and "next request" in said, said
        assert client.intent("Next").speech == "next"  # (a new session: nothing refused)
    (line,) = [r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING]
    said = line.getMessage()
    assert line.levelno == logging.ERROR and line.exc_info is None, said
    assert said.startswith("handler failed for IntentRequest Deep: "), said
    assert f"sessionAttributes is nested {depth} levels" in said, said
    assert "\n" not in logging.Formatter().format(line)  # one line: no traceback
    with TestClient(_deep_skill(depth)) as client, pytest.raises(ResponseError, match="nested"):
        client.intent("Deep")  # (raised to the test, as a handler's failure is)


def test_attributes_an_exception_handler_nests_too_deep_are_said_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As a handler's, the session attributes an exception handler stores too deep for the
    next request refuse its reply in one ERROR line naming it and the depth: a traceback of
    alexaskill's encoder said nothing of the exception handler's code."""
    skill = _deep_skill(1)

    @skill.intent("Fails")
    def fails() -> Response:
        raise LookupError("no such thing")

    @skill.exception(LookupError)
    def recover(exc: LookupError, session: Session) -> Response:
        session.attributes.update(_nested_dicts(980))
        return speak("recovered", end_session=False)

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.intent("Fails").speech == APOLOGY
    (line,) = [r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING]
    said = line.getMessage()
    assert line.levelno == logging.ERROR and line.exc_info is None, said
    assert said.startswith("exception handler "), said
    assert "recover failed: sessionAttributes is nested 980 levels" in said, said
    assert "\n" not in logging.Formatter().format(line)


def test_the_test_client_sends_an_envelope_nested_deep_from_a_deep_test() -> None:
    """The test client encoded the envelope with json.dumps in the test's frames: from a test
    50 calls deep, session attributes nested 960 levels raised RecursionError out of
    ``send_envelope``, the request never sent. Encoded from a fresh stack now: sent as it is,
    the skill's server decides (here it takes them: its frames are its own thread's)."""
    skill = _deep_skill(1)
    with TestClient(skill) as client:
        envelope = client.factory.intent("Next")
        envelope["session"]["attributes"] = _nested_dicts(960)
        result = _nested_calls(50, client.send_envelope, envelope)
        assert (result.status_code, result.speech) == (200, "next")


def test_the_test_client_gives_back_a_request_nested_deep_from_a_deep_test() -> None:
    """``send_envelope`` copied the request it sent into its result with json.loads(json.dumps())
    in the test's frames: from a test 50 calls deep, a request field nested 950 levels, which
    the skill's server took and answered, raised RecursionError out of ``send_envelope`` once
    answered, the answer lost to the test. Copied from a fresh stack now when it must be."""
    skill = _deep_skill(1)
    with TestClient(skill) as client:
        envelope = client.factory.intent("Next")
        envelope["request"]["extra"] = _nested_dicts(950)
        result = _nested_calls(50, client.send_envelope, envelope)
        assert (result.status_code, result.speech) == (200, "next")
        assert result.request is not None and result.request is not envelope["request"]
        assert result.request["requestId"] == envelope["request"]["requestId"]
        value, depth = result.request["extra"], 0
        while isinstance(value, dict):
            depth, value = depth + 1, value["a"]
        assert (depth, value) == (950, 1)


@pytest.mark.parametrize("where", ["at the top", "deep in a list", "a pair below"])
def test_attributes_that_hold_themselves_are_said_to_and_not_walked_for_ever(where: str) -> None:
    """`_nested_too_deep` walked session attributes that hold themselves one level after the
    next, for ever, on the event loop's thread: a handler's reply refused for them (a reply
    carries no such attributes) was then checked for its depth, and the process answered no
    request again. Such attributes are said to hold themselves, as the encoder says."""
    why = _nested_too_deep(attributes_holding_themselves(where), None)
    assert why == "sessionAttributes holds itself: JSON cannot hold it", why


def test_a_container_held_at_two_depths_counts_at_the_deeper() -> None:
    # (JSON writes it out at each place it is held: its levels count below the deeper one.)
    shared = _nested_dicts(3)
    assert _nesting({"near": shared, "far": {"a": [{"b": shared}]}}) == 7
    assert _nesting({"a": [shared, shared]}) == 5 and _nesting(42) == 0 and _nesting([]) == 1

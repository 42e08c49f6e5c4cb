"""What a user hears, and what is logged, when a handler (or what is told of its failure)
misbehaves: on the web service and on AWS Lambda."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill
from alexaskill.aws_lambda import handler
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI

APOLOGY = "Sorry, something went wrong. Please try again later."


def post(skill: Skill, pki: TestPKI, intent: str) -> Any:
    body = json.dumps(RequestFactory(skill_id=DEFAULT_SKILL_ID).intent(intent)).encode()
    with StarletteClient(skill, raise_server_exceptions=False) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        return http.post("/", content=body, headers=headers)


class _Broken(BaseException):
    pass


@pytest.mark.parametrize("raised", [RuntimeError, SystemExit, _Broken])
def test_a_failing_on_handler_error_listener_still_gives_the_apology(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # A listener of the skill's own (an error reporter whose service is down) that raised made
    # the answer a 500 with an empty body and no request line; on Lambda, a failed invocation.
    pki = TestPKI.default()
    skill = Skill(DEFAULT_SKILL_ID, verifier=pki.verifier())
    told: list[Exception] = []

    def listener(exc: Exception) -> None:
        told.append(exc)
        raise raised("the reporter is down")

    skill.on_handler_error = listener

    @skill.intent("Fail")
    def fail() -> Response:
        raise ValueError("the weather service is down")

    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = post(skill, pki, "Fail")
        assert answer.status_code == 200
        assert answer.json()["response"]["outputSpeech"]["text"] == APOLOGY
        lambda_answer = handler(skill)(
            RequestFactory(skill_id=DEFAULT_SKILL_ID).intent("Fail"), None
        )
    assert lambda_answer["response"]["outputSpeech"]["text"] == APOLOGY
    assert [type(exc) for exc in told] == [ValueError, ValueError]
    assert "IntentRequest Fail -> handler_error (200)" in caplog.text
    said = [r for r in caplog.records if "on_handler_error" in r.getMessage()]
    assert len(said) == 2
    assert said[0].levelname == "ERROR"
    assert said[0].exc_info is not None
    assert said[0].exc_info[0] is raised

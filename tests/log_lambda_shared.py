"""What the tests of logging on AWS Lambda share (tests/test_log_lambda*.py, test_lambda_web.py):
each test's logging and environment put back (`restore_logging`, an autouse fixture: a module
imports it to have it), standard error caught (`standard_error`), the function's environment
and the runtime's logging set up (`on_lambda_runtime`), a launch posted over HTTP as behind
the Lambda Web Adapter (`post_on_lambda_server`, `WEB_ID`), and a skill whose intent fails
(`skill`)."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterator

import pytest

from alexaskill import Skill, speak
from alexaskill import log_lambda as log_lambda_module
from alexaskill.responses import Response
from alexaskill.testing import DEFAULT_SKILL_ID

from .lambda_runtime import LAMBDA_ENVIRON, Runtime
from .logger_state import alexaskill_logger_kept


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The runtime changes the root logger and the formatters' clock; configure_logging the
    "alexaskill" logger: all put back after each test (`alexaskill_logger_kept` reads the root
    logger too). No ALEXASKILL_* or Lambda variables. Without the test's ``monkeypatch``, which
    is made after this then, and undone before: the root's handlers a test swapped for none
    (``monkeypatch.setattr(root, "handlers", [])``) came back after the root was put back, the
    runtime's handler with them, left on the root for the tests after it."""
    converter = logging.Formatter.converter
    # The invocation id a direct Lambda handler noted in another module's test, in this process.
    log_lambda_module._aws_request_id = ""
    with pytest.MonkeyPatch.context() as environment, alexaskill_logger_kept():
        for name in list(os.environ):
            if name.startswith(("ALEXASKILL_", "AWS_", "_LAMBDA")):
                environment.delenv(name)
        yield
    logging.Formatter.converter = converter
    log_lambda_module._aws_request_id = ""
    log_lambda_module._floor_said = None


def standard_error(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """A StringIO for standard error, for the test's call (capsys's is closed before a handler
    writing to it could be)."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def on_lambda_runtime(
    monkeypatch: pytest.MonkeyPatch,
    log_format: str = "Text",
    log_level: str | None = None,
    **alexaskill: str,
) -> Runtime:
    """The function's environment, and the runtime's logging set up, as before an import of the
    function's module. ``log_level``: the function's application log level (JSON format only).
    ``alexaskill``: ALEXASKILL_LOG_* values (``LOG_JSON="1"``)."""
    for name, value in LAMBDA_ENVIRON.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_LAMBDA_LOG_FORMAT", log_format)
    if log_level is not None:
        monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", log_level)
    for name, value in alexaskill.items():
        monkeypatch.setenv(f"ALEXASKILL_{name}", value)
    runtime = Runtime(log_format=log_format, log_level=log_level)
    runtime.install()
    return runtime


WEB_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"


def post_on_lambda_server(
    monkeypatch: pytest.MonkeyPatch,
    extra: dict[str, str],
    *,
    lambda_env: bool = True,
    made_skills: list[Skill] | None = None,
) -> tuple[int, list[str], Skill]:
    """A launch posted to the skill served over HTTP (on Lambda, as behind the Lambda Web
    Adapter, unless ``lambda_env`` is false) with the headers ``extra``: the status, the
    invocation id the handler saw (`aws_request_id`) and the skill (in ``made_skills`` too)."""
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill.testing import TestClient

    if lambda_env:
        on_lambda_runtime(monkeypatch)
        monkeypatch.setattr(logging.getLogger(), "handlers", [])
    standard_error(monkeypatch)
    made = Skill(DEFAULT_SKILL_ID)
    if made_skills is not None:
        made_skills.append(made)
    seen: list[str] = []

    @made.launch
    async def launch() -> Response:
        seen.append(log_lambda_module.aws_request_id())
        return speak("Welcome.")

    with TestClient(made) as client:  # (its verifier trusts the test's signing PKI)
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        headers = {"Content-Type": "application/json", **client.pki.sign(body), **extra}
        with StarletteClient(made) as http:
            status = http.post(made.path, content=body, headers=headers).status_code
    return status, seen, made


def skill() -> Skill:
    made = Skill(DEFAULT_SKILL_ID)

    @made.launch
    def launch() -> Response:
        return speak("Welcome.")

    @made.intent("GetWeather")
    def broken() -> Response:
        raise ValueError("the forecast\n[INFO]\tforged line")

    return made

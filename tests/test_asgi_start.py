"""A skill whose start fails: under a test client (Starlette's, alexaskill's) and built again at
a later request, it fails the same way, never hanging nor serving with part of its start skipped;
a later start once the fault is mended, and what a test sees of a failed start. (A failed
lifespan check is in tests/test_asgi_start_checks.py, registration after a failed start in
tests/test_asgi_start_registration.py.)
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import TestClient

from .asgi_start_shared import (
    _OFF_WARNINGS,
    _counted_skill,
    _failing_start,
    _mend_start,
    _retried_skill,
    _spoil_lifespan_check,
    _warned,
)
from .asgi_start_shared import fresh_tls as fresh_tls
from .in_threads import ended, in_thread
from .lifespan_start import lifespan_start
from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies

#: Leaving the client's ``with`` block must be no hang: the bound of the thread it runs in.
PATIENCE = 30


def _with_in_a_thread(client: Callable[[], Any]) -> tuple[list[str], list[BaseException]]:
    """``with client():`` run in a daemon thread of its own, which a hang cannot take the suite
    into (one still running after `PATIENCE` seconds fails the test): "entered" if its block
    ran, and what it raised."""
    did: list[str] = []

    def enter() -> None:
        with client():
            did.append("entered")

    thread, failures = in_thread(enter)
    ended(thread, PATIENCE)
    return did, failures


@pytest.mark.parametrize("client", ["alexaskill.testing", "starlette.testclient"])
def test_a_failed_start_under_a_test_client_raises_from_the_with(
    client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lifespan said its startup failed, and returned: Starlette's test client went on (a
    # request answered 200, the start half done), then waited for good for the shutdown.
    # (In this process, in a thread of its own: a process of its own cost 0.5-1 s of CPU.)
    import importlib

    skill = _failing_start(monkeypatch)
    made = importlib.import_module(client).TestClient
    did, failures = _with_in_a_thread(lambda: made(skill))
    assert did == [], failures
    [failure] = failures
    assert isinstance(failure, AttributeError) and str(failure) == "boom in the start", failure


def test_a_bad_log_level_under_a_test_client_raises_from_the_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "bogus")
    did, failures = _with_in_a_thread(lambda: TestClient(Skill("*")))
    assert did == [], failures
    [failure] = failures
    assert isinstance(failure, ConfigurationError), failure
    assert "ALEXASKILL_LOG_LEVEL" in str(failure) and "BOGUS" in str(failure), failure


def test_a_start_that_failed_fails_again_at_the_next_try(monkeypatch: pytest.MonkeyPatch) -> None:
    # It was marked started before its checks: the second start skipped them, and succeeded.
    skill = _failing_start(monkeypatch)
    for _ in range(2):
        with pytest.raises(AttributeError, match="boom in the start"):
            skill.start()
        assert not skill.started


def test_a_request_after_a_failed_lifespan_start_is_never_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The lifespan's start failed half done; the app, built again at a request (no lifespan:
    # a client without `with`), skipped the failed step and answered 200 "hi".
    from starlette.testclient import TestClient as StarletteClient

    skill = _failing_start(monkeypatch)
    with pytest.raises(AttributeError, match="boom in the start"):
        StarletteClient(skill).__enter__()
    client = TestClient(skill, raise_handler_errors=False)  # no lifespan
    for _ in range(2):
        answer = client.launch()
        assert answer.status_code == 500, answer.json
        assert answer.json == {
            "error": "the skill could not start (AttributeError); the server's log says why"
        }


def test_a_test_client_without_with_raises_the_failed_start_from_each_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its first call built the app, which could not start: the test got a 500 whose body says
    # to read the server's log, the cause only there.
    client = TestClient(_failing_start(monkeypatch))
    for _ in range(2):
        with pytest.raises(AttributeError, match="boom in the start"):
            client.launch()


def test_a_failed_with_gives_the_skill_back_its_own_verifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `__exit__` never runs for an `__enter__` that raised: the skill, never closed, went on
    # trusting the test PKI alone (and calling the fake Alexa APIs).
    from alexaskill.verify import Verifier

    skill = _failing_start(monkeypatch)
    own = skill.verifier = Verifier()
    client = TestClient(skill)
    assert skill.verifier is not own  # (the test's, while the client lives)
    with pytest.raises(AttributeError, match="boom in the start"), client:
        pass
    assert skill.verifier is own
    with pytest.raises(RuntimeError, match="this TestClient is closed"):
        client.launch()


# --- a later start, once the fault is mended ---------------------------------------------------


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("how", ["tls", "trio"])
def test_a_start_that_succeeds_after_a_failed_one_serves_again(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The failure stayed for good: a later lifespan that started was refused at every request.
    mend = _spoil_lifespan_check(how, monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    mend()
    # Without a start, the failure stands: a request is no new start (nor a traceback each).
    assert TestClient(skill, raise_handler_errors=False).launch().status_code == 500
    with TestClient(skill) as client:
        assert client.launch().speech == "hi"
    assert TestClient(skill).launch().speech == "hi"  # (after that lifespan's shutdown too)
    assert calls == ["launch", "launch"]


def test_a_start_at_a_request_that_failed_is_cleared_by_a_lifespan_that_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skill = _failing_start(monkeypatch)
    with pytest.raises(AttributeError, match="boom in the start"):
        TestClient(skill).launch()
    _mend_start(monkeypatch)
    with TestClient(skill) as client:
        assert client.launch().speech == "hi"


# --- what a test sees of a failed start ---------------------------------------------------------


def test_a_failed_start_raised_again_shows_the_same_traceback_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The one exception raised again from each call took that call's frames on: its traceback
    # grew a few frames a call.
    client = TestClient(_failing_start(monkeypatch))
    shown = []
    for _ in range(3):
        with pytest.raises(AttributeError, match="boom in the start") as info:
            client.launch()
        shown.append("".join(traceback.format_exception(info.value)))
    assert len(shown[0]) == len(shown[2]), shown[2]
    assert shown[2].count("AttributeError: boom in the start") == 1


def test_a_failed_start_under_a_test_client_with_lambdas_variables_shows_where_it_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On AWS Lambda a start's failure is kept as a copy without tracebacks (`_start_failed`):
    # the test client raised that copy, and a test run with Lambda's variables set lost where
    # its start had failed (no frame of it, nor of the skill's code).
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "skill")
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    client = TestClient(_failing_start(monkeypatch))
    # (kept: the start sets "alexaskill"'s level up on Lambda, which a later test of the same
    # process took for an app's own set-up)
    with alexaskill_logger_kept():
        for _ in range(2):  # (the start's call, then the next, raising the failure kept)
            with pytest.raises(AttributeError, match="boom in the start") as info:
                client.launch()
            frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
            assert "boom" in frames and "_build" in frames, frames


def test_a_failed_lifespan_check_raised_again_shows_the_same_traceback_each_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, _ = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    client = TestClient(skill)
    lengths = []
    for _ in range(3):
        with pytest.raises(ConfigurationError) as info:
            client.launch()
        lengths.append(len("".join(traceback.format_exception(info.value))))
    assert lengths[0] == lengths[2], lengths


@pytest.mark.parametrize("lifespan", [True, False], ids=["with", "without with"])
def test_a_start_failure_under_a_test_client_is_raised_not_logged_too(
    lifespan: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Not a ConfigurationError: logged with its traceback, and raised with it, the test's
    # report showed it twice.
    skill = _failing_start(monkeypatch)
    with caplog.at_level(logging.DEBUG), pytest.raises(AttributeError, match="boom"):
        if lifespan:
            with TestClient(skill):
                pass
        else:
            TestClient(skill).launch()
    assert "boom in the start" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info], caplog.text


def test_a_start_failure_not_a_configuration_error_is_said_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The server says the lifespan's failure (uvicorn logs the message, at ERROR): a bug's
    # traceback goes in it, since the app no longer logs it too.
    skill = _failing_start(monkeypatch)
    with caplog.at_level(logging.DEBUG, "alexaskill"):
        answer = lifespan_start(skill)
    assert answer["type"] == "lifespan.startup.failed"
    message = answer["message"]
    assert message.startswith("Traceback") and "AttributeError: boom in the start" in message
    assert not [r for r in caplog.records if r.name.startswith("alexaskill")], caplog.text


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("verify", [True, False], ids=["verifying", "verify off"])
def test_a_start_after_requests_served_and_a_failed_lifespan_says_every_warning_again(
    verify: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Served without a lifespan, then a lifespan that failed: the next start said the
    # verification and capture warnings again, not the skill-id one (`start` still taken for done).
    skill = _retried_skill(verify, tmp_path)
    skill.launch(lambda: speak("hi"))
    expected = [off for off in _OFF_WARNINGS if verify is False or "verification" not in off]
    with caplog.at_level(logging.WARNING, "alexaskill"):
        TestClient(skill).launch()
    assert _warned(caplog) == expected, caplog.text
    mend = _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    mend()
    caplog.clear()
    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "hi"
    assert _warned(caplog) == expected, caplog.text


def test_a_scope_type_it_does_not_serve_is_refused_with_an_error_after_a_failed_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The ASGI spec: an app rejects a protocol it does not understand with an exception (as the
    # started app's Starlette router does). It returned, nothing sent, said "left unanswered".
    import asyncio

    _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    sent: list[object] = []

    async def receive() -> dict[str, object]:
        raise AssertionError("nothing to receive")

    async def send(message: object) -> None:
        sent.append(message)

    with caplog.at_level(logging.ERROR, "alexaskill"), pytest.raises(RuntimeError) as info:
        asyncio.run(skill({"type": "webtransport"}, receive, send))
    assert "'webtransport'" in str(info.value) and "not served" in str(info.value)
    assert not sent and not calls
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1, lines
    assert ": a webtransport request refused with an error, no handler run" in lines[0], lines


def test_lifespan_start_refuses_a_failed_start_said_but_not_raised() -> None:
    # (the helper's own check) Its docstring said a failed start "is raised once said", but a
    # start said failed that then returned, as Starlette's test client would wait on for good,
    # was taken as it came.
    from typing import cast

    from starlette.types import Receive, Scope, Send

    async def said_not_raised(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no"})

    with pytest.raises(AssertionError, match="said failed, not raised"):
        lifespan_start(cast("Skill", said_not_raised))


@pytest.mark.parametrize(
    ("scope", "named"),
    [
        ({"root_path": "/weather", "app_root_path": ""}, "/weather"),
        # A path parameter and no route to read its pattern from (another router than
        # Starlette's, or one that keeps none in the scope): never the first request's value.
        (
            {"root_path": "/t/acme", "app_root_path": "", "path_params": {"tenant": "acme"}},
            "/t/...",
        ),
        ({"root_path": "/acme", "app_root_path": "", "path_params": {"t": "acme"}}, "/..."),
        # A parameter that is part of a segment (an outer Mount("/org-{org}")): the segment
        # holding it is cut too, not the whole path named, the first tenant's with it.
        (
            {
                "root_path": "/org-acme/weather",
                "app_root_path": "",
                "path_params": {"org": "acme"},
            },
            "/...",
        ),
        (
            {"root_path": "/v1/acme-eu/weather", "app_root_path": "", "path_params": {"o": "acme"}},
            "/v1/...",
        ),
    ],
)
def test_a_mounts_path_names_no_path_parameter_without_its_pattern(
    scope: dict[str, object], named: str
) -> None:
    from alexaskill.asgi_start import mounted_path

    assert mounted_path(scope) == named

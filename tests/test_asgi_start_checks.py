"""A start that failed at the lifespan's own checks, after the app was built: requests and
websockets after it refused, never handled, and said in one error line.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import TestClient

from .asgi_start_shared import _counted_skill, _failing_start, _spoil_lifespan_check
from .asgi_start_shared import fresh_tls as fresh_tls
from .conftest import SKILL_ID
from .lifespan_start import lifespan_start

pytestmark = pytest.mark.oldest_dependencies

# --- a start that failed at the lifespan's own checks, after the app was built ----------------


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("how", ["tls", "trio"])
def test_a_request_after_a_failed_lifespan_check_is_refused_never_handled(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The app was built before the lifespan's checks failed: a request without a lifespan (a
    # client without `with`) was served by the skill that could not start, its handler run.
    _spoil_lifespan_check(how, monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    client = TestClient(skill, raise_handler_errors=False)  # no lifespan
    for _ in range(2):
        answer = client.launch()
        assert answer.status_code == 500, answer.json
        assert answer.json == {
            "error": "the skill could not start (ConfigurationError); the server's log says why"
        }
        assert not calls


@pytest.mark.usefixtures("fresh_tls")
def test_a_request_after_a_failed_start_says_so_in_one_error_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answer = TestClient(skill, raise_handler_errors=False).launch()
    assert answer.status_code == 500 and not calls
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, caplog.text
    line = errors[0].getMessage()
    assert "could not start" in line and "HTTP 500" in line and "asyncio" in line, line
    assert errors[0].exc_info is None  # (a traceback was the start's to say, once)


def test_requests_after_a_failed_start_are_said_once_every_few_seconds_with_a_count(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Anyone can send requests: a line each would let them fill the log.
    from alexaskill import log_repeats
    from alexaskill.refusal_warnings import REFUSAL_WARNING_EVERY

    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])
    _spoil_lifespan_check("trio", monkeypatch, Path())
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    client = TestClient(skill, raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        for _ in range(3):
            assert client.launch().status_code == 500
        now[0] += REFUSAL_WARNING_EVERY
        for _ in range(2):
            assert client.launch().status_code == 500
        client.close()  # (the count still unsaid, said at shutdown)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 3, lines
    assert ": a request answered HTTP 500" in lines[0], lines
    assert ": a request (2 more before it) answered HTTP 500" in lines[1], lines
    assert ": 1 more request answered HTTP 500" in lines[2], lines
    assert not calls


def test_a_start_that_fails_at_a_request_says_so_in_one_error_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # No lifespan: the request that started the skill gets the start's line, with its
    # traceback, and no second line of its own.
    client = TestClient(_failing_start(monkeypatch), raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert client.launch().status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None, caplog.text
    line = errors[0].getMessage()
    assert "could not start (AttributeError: boom in the start): every request is answered " in line


def test_a_configuration_error_at_a_start_is_said_alike_with_or_without_a_lifespan(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The user's to mend, not a bug: the lifespan's failure says its message alone (uvicorn
    # logs it at ERROR), and the start at a request said it with the whole traceback.
    why = "a setting the skill's start refused"
    said = lifespan_start(_failing_start(monkeypatch, ConfigurationError(why)))["message"]
    assert said == why
    skill = _failing_start(monkeypatch, ConfigurationError(why))
    client = TestClient(skill, raise_handler_errors=False)  # no lifespan: started at a request
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert client.launch().status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, caplog.text
    assert errors[0].exc_info is None, caplog.text
    assert errors[0].getMessage() == (
        f"the skill at / ({SKILL_ID}) could not start (ConfigurationError: {said}): every request "
        "is answered HTTP 500"
    )


def test_a_test_client_without_with_raises_a_failed_lifespan_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    with pytest.raises(ConfigurationError, match="asyncio"):
        TestClient(skill).launch()
    assert not calls


def _websocket_closed(skill: Skill) -> int:
    """The code a websocket to ``skill`` (no lifespan) was closed with, before any accept."""
    from starlette.testclient import TestClient as StarletteClient
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as info:
        StarletteClient(skill).websocket_connect("/").__enter__()
    return info.value.code


def test_a_websocket_after_a_failed_start_is_said_closed_not_answered_500(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It was closed with code 1011, and its line said "a request answered HTTP 500"; an HTTP
    # request's and a websocket's lines each say what was done, neither counted in the other's.
    _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert TestClient(skill, raise_handler_errors=False).launch().status_code == 500
        assert _websocket_closed(skill) == 1011
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 2, lines
    assert ": a request answered HTTP 500, no handler run" in lines[0], lines
    assert ": a websocket closed with code 1011, no handler run" in lines[1], lines
    assert not calls


def test_a_websocket_whose_start_failed_is_said_closed_after_the_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # No lifespan: the websocket started the skill. The start's line says what every request
    # gets; the websocket's own line what it got (nothing said it).
    skill = _failing_start(monkeypatch)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert _websocket_closed(skill) == 1011
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2, caplog.text
    start = "could not start (AttributeError: boom in the start): every request is answered"
    assert start in errors[0].getMessage()
    assert errors[0].exc_info is not None
    assert ": a websocket closed with code 1011" in errors[1].getMessage(), caplog.text
    assert errors[1].exc_info is None


def test_the_counts_of_requests_refused_unsaid_are_said_with_thousands_separators(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A flood of requests at a skill that could not start: "(1234 more before it)" was said.
    from alexaskill import asgi_start, log_repeats

    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])
    said = log_repeats.Repeats(10.0)
    error = RuntimeError("boom")
    with caplog.at_level(logging.ERROR, "alexaskill"):
        for _ in range(1 + 1_234):
            asgi_start.say_not_started(said, "the skill", error)
        now[0] += 10.0  # (the window over: its count said by the next line, here)
        asgi_start.say_not_started(said, "the skill", error)
        for _ in range(1_500):
            asgi_start.say_not_started(said, "the skill", error)
        said.say_unsaid()  # (at shutdown)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert lines == [
        "the skill could not start (RuntimeError: boom): a request answered HTTP 500, no handler "
        "run",
        "the skill could not start (RuntimeError: boom): a request (1,234 more before it) "
        "answered HTTP 500, no handler run",
        "the skill could not start (RuntimeError: boom): 1,500 more requests answered HTTP 500, "
        "no handler run",
    ]

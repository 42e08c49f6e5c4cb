"""A skill whose start fails: under a test client (Starlette's, alexaskill's) and built again at
a later request, it fails the same way, never hanging nor serving with part of its start skipped."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction import slot_warnings
from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .lifespan_start import lifespan_start

#: A skill whose start raises at one of its steps (the interaction model's warnings, a bug there).
FAILING_START = f"""
from alexaskill import Skill, speak
from alexaskill.interaction import slot_warnings

def boom(source):
    raise AttributeError("boom in the start")

slot_warnings.translated_prompt_warnings = boom
skill = Skill({SKILL_ID!r})

@skill.launch
def launch():
    return speak("hi")
"""

#: The step `_failing_start` makes raise, as alexaskill has it (`_mend_start` puts it back).
_OWN_STEP: Final = slot_warnings.translated_prompt_warnings

#: Leaving the client's ``with`` block must be no hang: the script's own time limit.
PATIENCE = 30


def _run(script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a Python process of its own, which a hang cannot take the suite into."""
    import os

    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"hung past {PATIENCE} s: {exc.stdout!r} {exc.stderr!r}")


@pytest.mark.parametrize("client", ["alexaskill.testing", "starlette.testclient"])
def test_a_failed_start_under_a_test_client_raises_from_the_with(client: str) -> None:
    # The lifespan said its startup failed, and returned: Starlette's test client went on (a
    # request answered 200, the start half done), then waited for good for the shutdown.
    script = FAILING_START + textwrap.dedent(f"""
        from {client} import TestClient
        try:
            with TestClient(skill) as http:
                print("entered")
        except AttributeError as exc:
            print("raised:", exc)
    """)
    done = _run(script)
    assert done.stdout.splitlines() == ["raised: boom in the start"], (done.stdout, done.stderr)


def test_a_bad_log_level_under_a_test_client_raises_from_the_with() -> None:
    script = """
        from alexaskill import Skill
        from alexaskill.exceptions import ConfigurationError
        from alexaskill.testing import TestClient
        try:
            with TestClient(Skill("*")):
                print("entered")
        except ConfigurationError as exc:
            print("raised:", exc)
    """
    done = _run(script, {"ALEXASKILL_LOG_LEVEL": "bogus"})
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("raised: "), (done.stdout, done.stderr)
    assert "ALEXASKILL_LOG_LEVEL" in lines[0] and "BOGUS" in lines[0], lines


def _failing_start(monkeypatch: pytest.MonkeyPatch, error: Exception | None = None) -> Skill:
    """A skill whose start raises at its last step (the translated prompts' warnings): ``error``,
    else an AttributeError (a bug)."""
    from alexaskill.interaction import slot_warnings

    def boom(source: object) -> list[str]:
        raise AttributeError("boom in the start") if error is None else error

    monkeypatch.setattr(slot_warnings, "translated_prompt_warnings", boom)
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    return skill


def _mend_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give `_failing_start`'s step its own function back."""
    from alexaskill.interaction import slot_warnings

    monkeypatch.setattr(slot_warnings, "translated_prompt_warnings", _OWN_STEP)


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


# --- a start that failed at the lifespan's own checks, after the app was built ----------------


def _spoil_lifespan_check(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[[], None]:
    """Make the lifespan's own check ``how`` fail: the outgoing TLS bundle (an SSL_CERT_FILE that
    does not exist), or the event loop (taken for trio's); the function that mends it again."""
    import alexaskill.asgi
    from alexaskill.tls import tls_context

    if how == "tls":
        tls_context.cache_clear()
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))

        def mend() -> None:
            monkeypatch.delenv("SSL_CERT_FILE")
            tls_context.cache_clear()

        return mend
    monkeypatch.setattr(alexaskill.asgi, "on_asyncio", lambda: False)
    return lambda: monkeypatch.setattr(alexaskill.asgi, "on_asyncio", lambda: True)


@pytest.fixture
def fresh_tls() -> Iterator[None]:
    """The process's TLS context made afresh after the test (one test spoils its CA bundle)."""
    from alexaskill.tls import tls_context

    yield
    tls_context.cache_clear()


def _counted_skill() -> tuple[Skill, list[str]]:
    """A skill whose launch handler notes each call."""
    skill = Skill(SKILL_ID)
    calls: list[str] = []

    @skill.launch
    def launch() -> Response:
        calls.append("launch")
        return speak("hi")

    return skill, calls


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


# --- registration after a failed start ----------------------------------------------------------


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("how", ["tls", "trio", "start"])
def test_a_failed_start_leaves_registration_open(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The start froze the handlers before the step that failed: a handler registered then, the
    # skill having answered nothing, was refused as "registered after the first request".
    if how == "start":
        skill = _failing_start(monkeypatch)

        def mend() -> None:
            _mend_start(monkeypatch)

        failure: type[Exception] = AttributeError
    else:
        mend = _spoil_lifespan_check(how, monkeypatch, tmp_path)
        skill, _ = _counted_skill()
        failure = ConfigurationError
    with pytest.raises(failure), TestClient(skill):
        pass
    assert not skill.started

    @skill.intent("LaterIntent")
    def later() -> Response:
        return speak("later")

    mend()
    with TestClient(skill) as client:
        assert client.intent("LaterIntent").speech == "later"
    assert skill.started
    with pytest.raises(ConfigurationError, match="handlers must be registered before"):
        skill.add_intent_handler("LastIntent", later)


def test_a_mount_whose_start_fails_leaves_registration_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `skill.mount` raises at the host app's import; a host that catches it and registers a
    # handler before mounting again was refused as "registered after the first request".
    skill = _failing_start(monkeypatch)
    with pytest.raises(AttributeError, match="boom in the start"):
        skill.mount("/weather")
    skill.add_intent_handler("LaterIntent", lambda: speak("later"))
    _mend_start(monkeypatch)
    skill.mount("/weather")
    assert skill.started


@pytest.mark.usefixtures("fresh_tls")
def test_a_mount_checks_the_ca_bundle_for_outgoing_https_as_the_lifespan_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A host app runs no lifespan of its skills': `skill.mount` built the app without the
    # lifespan's check of the CA bundle, and the skill started, refusing every request with a
    # 400 (its verifier's client could not be made) instead of failing at the host's import.
    mend = _spoil_lifespan_check("tls", monkeypatch, tmp_path)
    skill, _ = _counted_skill()
    with pytest.raises(ConfigurationError) as info:
        skill.mount("/weather")
    said = lifespan_start(_counted_skill()[0])["message"]  # (the lifespan's failure, as said)
    assert str(info.value) == said and "missing.pem" in said, said
    assert not skill.started and skill._app is None
    skill.add_intent_handler("LaterIntent", lambda: speak("later"))  # (registration open)
    mend()
    skill.mount("/weather")
    assert skill.started


def _post_unstarted(skill: Skill, served: str, times: int) -> list[tuple[int, object]]:
    """POST a signed LaunchRequest ``times`` to ``skill``, served with no lifespan of its own
    (``served``: on its own, as ``--lifespan off``, or under Starlette's own ``Mount``) on
    asyncio: the status and JSON of each answer."""
    import anyio
    import httpx
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.types import ASGIApp

    from alexaskill.testing import RequestFactory, TestPKI

    app: ASGIApp = skill
    path = "/"
    if served == "Mount":  # (which answers the mount's path with a slash only)
        app, path = Starlette(routes=[Mount("/weather", app=skill)]), "/weather/"
    body = httpx.Request(
        "POST", "/", json=RequestFactory(SKILL_ID).envelope("LaunchRequest")
    ).content
    headers = {**TestPKI.default().sign(body), "Content-Type": "application/json"}

    async def post() -> list[tuple[int, object]]:
        transport = httpx.ASGITransport(app=app)  # (which runs no lifespan)
        async with httpx.AsyncClient(transport=transport, base_url="http://host") as client:
            answers = [await client.post(path, content=body, headers=headers) for _ in range(times)]
        return [(answer.status_code, answer.json()) for answer in answers]

    return anyio.run(post, backend="asyncio")


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("served", ["no lifespan", "Mount"])
def test_a_start_at_a_request_checks_the_ca_bundle_for_outgoing_https_as_the_lifespan_does(
    served: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Started at its first request (no lifespan: `--lifespan off`, Starlette's own Mount), the
    # skill skipped the lifespan's check of the CA bundle: it started, and served (a verifier
    # making its own client refused every request with a 400, `no usable CA bundle`). It is a
    # failed start, as the lifespan's and `skill.mount`'s: HTTP 500, one ERROR line (a few
    # seconds apart), registration left open; a start once the bundle is mended serves.
    from alexaskill.testing import TestPKI

    mend = _spoil_lifespan_check("tls", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    skill.verifier = TestPKI.default().verifier()  # (its chain from memory: no download)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = _post_unstarted(skill, served, times=3)
    refused = {"error": "the skill could not start (ConfigurationError); the server's log says why"}
    assert answers == [(500, refused)] * 3
    assert not calls and not skill.started
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2, [r.getMessage() for r in errors]
    said = lifespan_start(_counted_skill()[0])["message"]  # (the lifespan's failure, as said)
    line = errors[0].getMessage()
    assert f"could not start (ConfigurationError: {said})" in line and "missing.pem" in said, line
    assert errors[0].exc_info is None  # (the reason says it all: no traceback)
    assert ": 2 more requests answered HTTP 500" in errors[1].getMessage()  # (the loop's end)
    skill.add_intent_handler("LaterIntent", lambda: speak("later"))  # (registration open)
    mend()
    with TestClient(skill) as client:
        assert client.launch().speech == "hi"
    assert calls == ["launch"]


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("served", ["no lifespan", "Mount"])
@pytest.mark.parametrize("how", ["tls", "start"])
def test_the_count_of_requests_refused_without_a_lifespan_is_said_as_its_loop_ends(
    how: str,
    served: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The requests after the first are counted, said once every few seconds by a timer of the
    # event loop: the count of the last seconds went with the loop (the server's end), where a
    # lifespan's shutdown says it (`Skill.aclose`). No lifespan ran: said as the loop ends.
    from alexaskill import log_repeats
    from alexaskill.testing import TestPKI

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # (all in one window)
    if how == "tls":
        _spoil_lifespan_check("tls", monkeypatch, tmp_path)
        skill, calls = _counted_skill()
    else:
        skill, calls = _failing_start(monkeypatch), []
    skill.verifier = TestPKI.default().verifier()  # (its chain from memory: no download)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = _post_unstarted(skill, served, times=3)
    assert [status for status, _ in answers] == [500] * 3 and not calls
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 2, lines
    assert "could not start" in lines[0], lines
    assert lines[1].endswith(": 2 more requests answered HTTP 500, no handler run"), lines


def test_the_count_of_requests_refused_for_a_failed_start_is_said_when_a_start_succeeds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The failure ends there: its count was said at the next lifespan's shutdown, the
    # skill having served meanwhile, or never (a server ended by SIGTERM).
    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # (all in one window)
    mend = _spoil_lifespan_check("trio", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    with pytest.raises(ConfigurationError), TestClient(skill):
        pass
    refused = TestClient(skill, raise_handler_errors=False)  # no lifespan
    with caplog.at_level(logging.ERROR, "alexaskill"):
        for _ in range(3):
            assert refused.launch().status_code == 500
        mend()
        with TestClient(skill) as client:
            lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            assert client.launch().speech == "hi"
    assert len(lines) == 2, lines
    assert ": a request answered HTTP 500" in lines[0], lines
    assert lines[1].endswith(": 2 more requests answered HTTP 500, no handler run"), lines
    assert calls == ["launch"]


@pytest.mark.usefixtures("fresh_tls")
def test_a_test_client_without_with_raises_the_ca_bundle_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The start a test client makes at its first call (no lifespan) skipped it: served.
    _spoil_lifespan_check("tls", monkeypatch, tmp_path)
    skill, calls = _counted_skill()
    for _ in range(2):
        with pytest.raises(ConfigurationError, match=r"missing\.pem"):
            TestClient(skill).launch()
    assert not calls and not skill.started


def test_a_start_of_its_own_that_fails_leaves_registration_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skill = _failing_start(monkeypatch)
    with pytest.raises(AttributeError, match="boom in the start"):
        skill.start()
    skill.add_intent_handler("LaterIntent", lambda: speak("later"))  # (refused before)


#: The warnings a start says of what is off (`_retried_skill`'s): each start's own.
_OFF_WARNINGS: Final = ("skill-id check is OFF", "verification is OFF", "request capture is ON")


def _retried_skill(verify: bool, tmp_path: Path) -> Skill:
    """A skill whose start says its warnings: the skill-id check off, a capture on, and
    verification off unless ``verify``."""
    from alexaskill.capture import RequestCapture

    skill = Skill("*", verify=verify)
    skill.use_capture(RequestCapture(tmp_path / "captures"))
    return skill


def _warned(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Which of `_OFF_WARNINGS` ``caplog`` holds, in order, and how often."""
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    return [off for line in lines for off in _OFF_WARNINGS if off in line]


@pytest.mark.usefixtures("fresh_tls")
@pytest.mark.parametrize("verify", [True, False], ids=["verifying", "verify off"])
@pytest.mark.parametrize("how", ["lifespan", "mount"])
def test_a_start_retried_after_a_failure_says_its_warnings_again_with_one_verifier(
    how: str,
    verify: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Judged, not changed: the warnings are the start's, which a retry is anew, so each start
    # says them once (its log complete without the failed one's). The verifier a failed start
    # made is the retry's, not a second one, and holds no HTTP client: none is made before a
    # download, and no request reaches a skill whose start failed; nothing is left open.
    mend = _spoil_lifespan_check("trio" if how == "lifespan" else "tls", monkeypatch, tmp_path)
    skill = _retried_skill(verify, tmp_path)
    expected = [off for off in _OFF_WARNINGS if verify is False or "verification" not in off]

    def start() -> None:
        if how == "mount":
            skill.mount("/weather")
        else:
            with TestClient(skill):
                pass

    verifiers = []
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(ConfigurationError):
            start()
        assert _warned(caplog) == expected, caplog.text
        assert not skill.started
        verifiers.append(skill.verifier)
    if verify:
        made = verifiers[0]
        assert made is not None and verifiers[1] is made
        assert made._own_client._client is None  # (no client: nothing to close)
    else:
        assert verifiers == [None, None]
    mend()
    caplog.clear()
    with caplog.at_level(logging.WARNING, "alexaskill"):
        start()
    assert _warned(caplog) == expected, caplog.text
    assert skill.started
    if verify and how == "mount":
        assert skill.verifier is verifiers[0]


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

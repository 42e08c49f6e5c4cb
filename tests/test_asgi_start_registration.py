"""Registration after a failed start stays open, a mount's and a request's start check the CA
bundle as the lifespan does, the count of refused requests is said, and a start retried says its
warnings again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from alexaskill import Response, Skill, speak
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
from .conftest import SKILL_ID
from .lifespan_start import lifespan_start

pytestmark = pytest.mark.oldest_dependencies

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


def _post_unstarted(
    skill: Skill, served: str, times: int, then: Callable[[], object] = lambda: None
) -> list[tuple[int, object]]:
    """POST a signed LaunchRequest ``times`` to ``skill``, served with no lifespan of its own
    (``served``: on its own, as ``--lifespan off``, or under Starlette's own ``Mount``) on
    asyncio, ``then()`` called before the loop ends: the status and JSON of each answer."""
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
        then()
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


@pytest.mark.parametrize("served", ["no lifespan", "Mount"])
def test_the_count_of_requests_refused_on_a_later_loop_is_said_as_it_ends_past_its_window(
    served: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The start failed at a request on a first event loop, which had its end watched; the
    # requests refused on a later one (a server started again in the process, asyncio.run per
    # call) were counted there, their timer ended with it unrun, and no watch of its end said
    # them, their window over. (Said once their window has ended: a loop a call would else
    # say a count at each call's end, not once every few seconds.)
    from alexaskill import log_repeats
    from alexaskill.refusal_warnings import REFUSAL_WARNING_EVERY

    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])

    def window_over() -> None:
        now[0] += REFUSAL_WARNING_EVERY

    skill = _failing_start(monkeypatch)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        first = _post_unstarted(skill, served, times=1)
        later = _post_unstarted(skill, served, times=3, then=window_over)
    assert [status for status, _ in first + later] == [500] * 4
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 2, lines
    assert "could not start" in lines[0], lines
    assert lines[1].endswith(": 3 more requests answered HTTP 500, no handler run"), lines


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

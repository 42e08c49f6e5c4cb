"""A skill whose start fails: under a test client (Starlette's, alexaskill's) and built again at
a later request, it fails the same way, never hanging nor serving with part of its start skipped."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.testing import TestClient

from .verify_shared import SKILL_ID

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


def _failing_start(monkeypatch: pytest.MonkeyPatch) -> Skill:
    """A skill whose start raises at its last step (the translated prompts' warnings)."""
    from alexaskill.interaction import slot_warnings

    def boom(source: object) -> list[str]:
        raise AttributeError("boom in the start")

    monkeypatch.setattr(slot_warnings, "translated_prompt_warnings", boom)
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    return skill


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
        assert answer.json == {"error": "the skill could not start; the server's log says why"}


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

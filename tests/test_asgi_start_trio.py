"""A skill served on trio (an anyio host: Hypercorn's trio worker), however it is served:
mounted by `Skill.mount`, by Starlette's own ``Mount``, or with no lifespan (``--lifespan off``).
Each request is refused as the lifespan's start refuses trio (HTTP 500 in JSON, one ERROR line
every few seconds with the reason), never served: the download of Amazon's signing certificate
needs asyncio."""

from __future__ import annotations

import logging
from typing import Final

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.asgi_start import NEEDS_ASYNCIO
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI

pytestmark = pytest.mark.oldest_dependencies

#: How the skill is served on trio: `Skill.mount`, Starlette's ``Mount``, or on its own.
SERVED: Final = ["skill.mount", "Mount", "no lifespan"]

#: The body of each refusal.
REFUSED: Final = {
    "error": "the skill could not start (ConfigurationError); the server's log says why"
}


def _skill() -> tuple[Skill, list[str]]:
    """A skill that trusts the test PKI, and the list its handler notes each call in."""
    skill = Skill(DEFAULT_SKILL_ID)
    skill.verifier = TestPKI.default().verifier()
    calls: list[str] = []

    @skill.intent("Hello")
    def hello() -> Response:
        calls.append("hello")
        return speak("hi")

    return skill, calls


def _post_on_trio(skill: Skill, served: str, times: int = 3) -> list[tuple[int, object]]:
    """POST a signed Hello intent ``times`` to ``skill`` served as ``served``, on trio: the
    status and JSON of each answer."""
    import anyio
    import httpx
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.types import ASGIApp

    app: ASGIApp = skill
    path = "/"
    if served == "skill.mount":
        app, path = Starlette(routes=[skill.mount("/weather")]), "/weather"
    elif served == "Mount":  # (which answers the mount's path with a slash only)
        app, path = Starlette(routes=[Mount("/weather", app=skill)]), "/weather/"
    body = httpx.Request("POST", "/", json=RequestFactory().intent("Hello")).content
    headers = {**TestPKI.default().sign(body), "Content-Type": "application/json"}

    async def post() -> list[tuple[int, object]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://host") as client:
            answers = [await client.post(path, content=body, headers=headers) for _ in range(times)]
        return [(answer.status_code, answer.json()) for answer in answers]

    return anyio.run(post, backend="trio")


@pytest.mark.parametrize("served", SERVED)
def test_a_skill_on_trio_refuses_each_request_saying_why(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    # `skill.mount`'s first request checked the loop; Starlette's own Mount and a skill served
    # with no lifespan were served on trio, and each request whose signing certificate was not
    # cached failed with "no running event loop".
    skill, calls = _skill()
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = _post_on_trio(skill, served)
    assert answers == [(500, REFUSED)] * 3
    assert not calls
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # (once every few seconds: the others counted, said as the loop ends)
    assert len(records) == 2, [r.getMessage() for r in records]
    assert NEEDS_ASYNCIO in records[0].getMessage()
    assert ": 2 more requests answered HTTP 500" in records[1].getMessage()
    assert records[0].exc_info is None  # (the reason says it all: no traceback)


@pytest.mark.parametrize("served", SERVED)
def test_a_refusal_on_trio_is_a_failed_start_that_a_later_start_clears(served: str) -> None:
    # `skill.mount`'s refusal left the skill marked started, its handlers frozen: a handler
    # registered after it, the skill having answered nothing, was refused as "registered
    # after the first request", and `skill.started` said True of a skill that could not start.
    skill, calls = _skill()
    assert _post_on_trio(skill, served, times=1) == [(500, REFUSED)]
    assert not skill.started

    @skill.intent("Later")
    def later() -> Response:
        calls.append("later")
        return speak("later")

    with TestClient(skill) as client:  # (a start that succeeds, on asyncio)
        assert client.intent("Hello").speech == "hi"
        assert client.intent("Later").speech == "later"
    assert skill.started and calls == ["hello", "later"]
    assert TestClient(skill).intent("Hello").speech == "hi"  # (cleared: served without one too)


@pytest.mark.parametrize("served", SERVED)
def test_on_trio_the_count_of_refused_requests_is_said_as_its_loop_ends(
    served: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # On asyncio the count of the requests after the first line is said by a timer as its few
    # seconds end, or as the loop ends (asyncio cancels the task that waits for it); on trio
    # nothing ran at the loop's end: only `await skill.aclose()`, in the host's lifespan, said
    # it, and without it the count was lost. Said as trio's run ends, as asyncio's loop does.
    import anyio

    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # (all in one window)
    skill, _ = _skill()
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert _post_on_trio(skill, served) == [(500, REFUSED)] * 3
        at_loop_end = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        anyio.run(skill.aclose, backend="trio")  # (what the host's lifespan's shutdown awaits)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(at_loop_end) == 2, at_loop_end
    assert at_loop_end[1] == at_loop_end[0].replace(
        ": a request answered", ": 2 more requests answered"
    )
    assert lines == at_loop_end  # (said once)

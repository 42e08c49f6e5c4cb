"""``alexaskill serve`` puts, for the skills a host app mounts, the handler a skill's own lifespan
puts in front of uvicorn's stop signals (`alexaskill.server_stop`, `alexaskill.lambda_sigterm`),
which the host app's lifespan does not (Starlette runs no lifespan of a mounted app)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alexaskill import Skill

from .conftest import OTHER_SKILL_ID, SKILL_ID

# restore_logging: autouse, each test's logging and environment put back (Lambda's variables).
from .log_lambda_shared import on_lambda_runtime, restore_logging  # noqa: F401

# uvicorn's own SIGTERM handler (`alexaskill.asgi_start.uvicorn_server`), set before the lifespan
# as uvicorn starts: the oldest uvicorn pyproject.toml allows sets it so too.
pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def uvicorns_handler() -> Iterator[Callable[[int, Any], None]]:
    """A uvicorn server's SIGTERM handler, set as uvicorn sets it before the lifespan starts;
    what was there before put back after the test."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(lambda scope, receive, send: None))
    before = signal.signal(signal.SIGTERM, server.handle_exit)
    try:
        yield server.handle_exit
    finally:
        signal.signal(signal.SIGTERM, before)


def _serve_lifespan(app: Any, during: Callable[[], None]) -> None:
    """Run what ``alexaskill serve`` makes of ``app`` (`closing_mounted`) through its lifespan's
    startup, ``during()``, and its shutdown, on an event loop of its own, as uvicorn does."""
    from alexaskill.cli.serve_closing import closing_mounted

    served = closing_mounted(app)

    async def run() -> None:
        messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        sent: list[str] = []
        started = asyncio.Event()

        async def receive() -> dict[str, Any]:
            return await messages.get()

        async def send(message: dict[str, Any]) -> None:
            sent.append(message["type"])
            started.set()

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        messages.put_nowait({"type": "lifespan.startup"})
        lifespan = asyncio.ensure_future(served(scope, receive, send))
        await asyncio.wait_for(started.wait(), 10)
        assert sent == ["lifespan.startup.complete"]
        during()
        await asyncio.sleep(0)  # (a WARNING is said on the loop, at its next turn)
        messages.put_nowait({"type": "lifespan.shutdown"})
        await asyncio.wait_for(lifespan, 10)
        assert sent[-1] == "lifespan.shutdown.complete"

    asyncio.run(run())


def _portal(*skills: Skill) -> Any:
    from starlette.applications import Starlette

    return Starlette(routes=[s.mount(f"/{i}") for i, s in enumerate(skills, 1)])


def test_a_mounted_skill_sees_the_servers_stop_signal(
    uvicorns_handler: Callable[[int, Any], None],
) -> None:
    # The host app ran no lifespan of its skill's: nothing noted uvicorn's SIGTERM, so a request
    # its shutdown cancelled was not said to be the shutdown's.
    from alexaskill.server_stop import stopped_by

    seen: list[str] = []

    def during() -> None:
        assert signal.getsignal(signal.SIGTERM) != uvicorns_handler  # ours in front of it
        signal.raise_signal(signal.SIGTERM)
        seen.append(stopped_by())

    _serve_lifespan(_portal(Skill(SKILL_ID, store="memory://")), during)
    assert seen == ["SIGTERM"]
    assert signal.getsignal(signal.SIGTERM) == uvicorns_handler  # taken away at the shutdown


def test_on_lambda_a_mounted_skills_requests_under_way_at_the_sigterm_are_said(
    monkeypatch: pytest.MonkeyPatch,
    uvicorns_handler: Callable[[int, Any], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Behind the Lambda Web Adapter (`alexaskill serve portal:app`), each mounted skill's
    # requests under way at Lambda's SIGTERM, said as a skill served itself says them.
    on_lambda_runtime(monkeypatch)
    weather = Skill(SKILL_ID, store="memory://")
    trips = Skill(OTHER_SKILL_ID, store="memory://")
    portal = _portal(weather, trips)

    def during() -> None:
        weather._in_flight = 2  # (as two requests under way in `_handle` count themselves)
        signal.raise_signal(signal.SIGTERM)

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        _serve_lifespan(portal, during)
    said = [r.getMessage() for r in caplog.records if "(SIGTERM)" in r.getMessage()]
    assert len(said) == 1, said  # (none for trips: nothing under way)
    assert f"with 2 requests to the skill at /1 ({SKILL_ID}) under way" in said[0], said[0]
    assert signal.getsignal(signal.SIGTERM) == uvicorns_handler

"""``alexaskill serve`` closes the stores of the skills a host app mounts, at its shutdown."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill.cli import DEV_PKI_ENV
from alexaskill.testing import TestPKI

from .cli_run import run
from .conftest import FOURTH_SKILL_ID, OTHER_SKILL_ID, SKILL_ID, THIRD_SKILL_ID
from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies

PORTAL = f"""
import asyncio
import contextlib

from starlette.applications import Starlette

from alexaskill import Skill
from alexaskill.store.memory import MemoryStore
from alexaskill.verify import Verifier

events = []


class Store(MemoryStore):
    def __init__(self, name):
        super().__init__()
        self.name = name

    async def aclose(self):
        if self.name == "hangs":
            await asyncio.Event().wait()
        events.append(f"{{self.name}} closed")


class FailingVerifier(Verifier):
    async def aclose(self):
        raise RuntimeError("the client would not close")


weather = Skill({SKILL_ID!r}, store=Store("weather"))
trips = Skill(
    {OTHER_SKILL_ID!r},
    store=Store("trips"),
    verifier=FailingVerifier(),
)
slow = Skill({THIRD_SKILL_ID!r}, store=Store("hangs"))


@contextlib.asynccontextmanager
async def lifespan(app):
    yield
    events.append("host shut down")


app = Starlette(routes=[weather.mount("/weather"), trips.mount("/trips")], lifespan=lifespan)
stuck = Starlette(routes=[slow.mount("/slow"), weather.mount("/weather")])
slower = Skill({FOURTH_SKILL_ID!r}, store=Store("hangs"))
stuck_twice = Starlette(routes=[slow.mount("/slow"), slower.mount("/slower")])
"""


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The module ``portal``; what serve would run with uvicorn, recorded and not run."""
    from alexaskill.cli import serve

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))  # (never the user's own)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "portal.py").write_text(PORTAL, encoding="utf-8")
    served: list[Any] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    yield served
    sys.modules.pop("portal", None)


@pytest.mark.parametrize("dev", [False, True])
def test_serve_closes_the_mounted_skills_stores_at_shutdown(
    portal: list[Any], dev: bool, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # Starlette runs no lifespan of a mounted app: the skills' stores stayed open at shutdown
    # unless the host's own lifespan closed them. One skill's failure to close (its verifier's)
    # is logged, and the other's stores are closed still.
    code, _, err = run("serve", "portal:app", *(["--dev"] if dev else []))
    assert code == 0, err
    # --dev's PKI in the test's directory: it was made in the user's own data directory.
    assert (tmp_path / "dev-pki" / TestPKI.FILE_NAME).exists() is dev
    (app,) = portal
    events = sys.modules["portal"].events
    with caplog.at_level(logging.ERROR, "alexaskill"), StarletteClient(app):
        assert events == []
    assert events == ["host shut down", "weather closed", "trips closed"]
    (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    # What failed is named: the verifier, not the stores (which were closed).
    said = failed.getMessage()
    verifier = "DevVerifier" if dev else "FailingVerifier"  # (--dev's wraps the skill's own)
    assert f"closing the verifier ({verifier}) of the skill at /trips" in said, said
    assert "stores" not in said
    assert "would not close" in str(failed.exc_info)


def test_a_store_that_hangs_at_shutdown_holds_it_up_for_a_bounded_time(
    portal: list[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from alexaskill.store import closing

    monkeypatch.setattr(closing, "CLOSE_TIMEOUT", 0.2)
    said = _said_at_shutdown("portal:stuck", portal, caplog)
    assert said and "/slow" in said[0]


def test_serve_leaves_a_skill_served_itself_to_its_own_lifespan(portal: list[Any]) -> None:
    code, _, err = run("serve", "portal:weather")
    assert code == 0, err
    (app,) = portal
    assert app is sys.modules["portal"].weather
    with StarletteClient(app):
        pass
    assert sys.modules["portal"].events == ["weather closed"]


LEGACY = """
class App:
    # An ASGI 2 app (called with the scope, then its instance with receive and send), which
    # uvicorn tells from an ASGI 3 one by its __call__ (not async) and serves as such.
    def __call__(self, scope):
        return Instance(scope)


class Instance:
    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send):
        if self.scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"legacy"})


app = App()
"""


def test_serve_leaves_an_app_that_mounts_no_skill_as_it_is(
    portal: list[Any], tmp_path: Path
) -> None:
    # Wrapped for the mounted skills' closing, an ASGI 2 app looked like an ASGI 3 one (the
    # wrapper's async __call__) to uvicorn, and each request was a TypeError: with no skill to
    # close, the app is served as it is.
    (tmp_path / "legacy.py").write_text(LEGACY, encoding="utf-8")
    try:
        code, _, err = run("serve", "legacy:app")
        assert code == 0, err
        (app,) = portal
        assert app is sys.modules["legacy"].app
        # (Starlette's test client tells an ASGI 2 app as uvicorn does; no lifespan run.)
        assert StarletteClient(app).get("/").text == "legacy"
    finally:
        sys.modules.pop("legacy", None)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_close_within_bounds_a_close_that_hangs_on_either_event_loop(
    backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The lifespan's closing runs under uvicorn (asyncio) or a trio server (Hypercorn): the
    # bound holds on both, a close that ends in time is awaited to its end.
    import anyio

    from alexaskill.store import closing

    ended: list[str] = []

    async def hangs() -> None:
        await anyio.sleep_forever()

    async def ends() -> None:
        await anyio.sleep(0)
        ended.append("closed")

    async def both() -> tuple[bool, bool]:
        cut = await closing.close_within(hangs, 0.1, "the stores of the skill at /hangs")
        whole = await closing.close_within(ends, 30, "the stores of the skill at /ends")
        return cut, whole

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert anyio.run(both, backend=backend) == (False, True)
    assert ended == ["closed"]
    said = [r.getMessage() for r in caplog.records if "not closed at shutdown" in r.getMessage()]
    assert len(said) == 1 and "/hangs" in said[0]


def test_a_skill_left_no_time_by_the_one_before_it_is_said_so(
    portal: list[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The skills share one bound: the second hanging skill had none of it left, and its warning
    # said "closing took over 0 seconds" (or 1.2e-05), as if it had been given no time at all.
    from alexaskill.store import closing

    monkeypatch.setattr(closing, "CLOSE_TIMEOUT", 0.2)
    said = _said_at_shutdown("portal:stuck_twice", portal, caplog)
    assert len(said) == 2, said
    assert "/slow/ " in said[0] and "/slower/ " in said[1]
    for line in said:
        assert line.endswith("the 0.2 seconds for closing every mounted skill's stores ran out")


def test_on_lambda_serve_closes_within_what_lambda_leaves(
    portal: list[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Behind the Lambda Web Adapter, Lambda's SIGKILL follows its SIGTERM by 300 ms (500 with
    # an internal extension): the 5 seconds (CLOSE_TIMEOUT) were cut there, nothing said.
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "skill")
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    # (kept: serve sets the "alexaskill" logger's level on Lambda, which later tests of the
    # same process took for an app's own set-up)
    with alexaskill_logger_kept():
        said = _said_at_shutdown("portal:stuck", portal, caplog)
    assert len(said) == 1 and "/slow" in said[0]
    assert said[0].endswith("the 0.05 seconds for closing every mounted skill's stores ran out")


def _said_at_shutdown(
    target: str, portal: list[Any], caplog: pytest.LogCaptureFixture
) -> list[str]:
    """What ``alexaskill serve target`` says of stores not closed as the app it made starts and
    shuts down."""
    code, _, err = run("serve", target)
    assert code == 0, err
    (app,) = portal
    with caplog.at_level(logging.WARNING, "alexaskill"), StarletteClient(app):
        pass
    return [r.getMessage() for r in caplog.records if "not closed at shutdown" in r.getMessage()]

"""A skill in a host app: its logging set up at its first request, whichever route reaches it
(`SkillMount`, Starlette's own ``Mount``), and its name in the log fixed by the host app's routes,
not by the mount its first request happened to come under."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient as StarletteClient

from alexaskill.mounting import SkillMount
from alexaskill.testing import RequestFactory, TestPKI

from .app_shared import make_skill, unset_logging
from .conftest import SKILL_ID


def _launch(http: StarletteClient, path: str, pki: TestPKI | None = None) -> int:
    """The status of a LaunchRequest posted to ``path`` (signed by ``pki``, if given)."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = {"Content-Type": "application/json", **(pki.sign(body) if pki else {})}
    return http.post(path, content=body, headers=headers).status_code


def _mounted_then_under_starlettes_mount(pki: TestPKI) -> Starlette:
    """A host app serving at /alexa, through Starlette's own Mount, a skill `Skill.mount`
    started (its mount at /weather left out of the routes)."""
    skill = make_skill(verifier=pki.verifier())
    skill.mount("/weather")
    return Starlette(routes=[Mount("/alexa", app=skill)])


def test_a_skill_mounted_but_reached_through_starlettes_own_mount_sets_up_its_logging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `skill.mount(...)` started the skill, leaving its logging to the mount's first request;
    # reached through Starlette's own Mount instead, no such request came: no request line, no
    # warning of alexaskill's ever written, as `uvicorn app:skill` writes them.
    unset_logging(monkeypatch)
    pki = TestPKI.default()
    app = _mounted_then_under_starlettes_mount(pki)
    with StarletteClient(app) as http:
        assert _launch(http, "/alexa/", pki) == 200
        assert _launch(http, "/alexa/", pki) == 200
    assert logging.getLogger("alexaskill").handlers != []
    err = capsys.readouterr().err
    assert err.count("LaunchRequest -> ok (200)") == 2, err


def test_a_skill_mounted_but_reached_through_starlettes_own_mount_leaves_the_apps_logging(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As at a SkillMount's first request: a host app that set up its logging after the mount
    # gets the skill's lines through its own handler, alexaskill's set-up left out.
    unset_logging(monkeypatch)
    pki = TestPKI.default()
    app = _mounted_then_under_starlettes_mount(pki)
    got: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            got.append(record.getMessage())

    monkeypatch.setattr(logging.getLogger(), "handlers", [Collect()])
    with caplog.at_level(logging.INFO, "alexaskill"), StarletteClient(app) as http:
        assert _launch(http, "/alexa/", pki) == 200
    assert logging.getLogger("alexaskill").handlers == []
    assert any(line.startswith("LaunchRequest -> ok (200)") for line in got), got


def _off_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "verification is OFF" in r.getMessage()]


@pytest.mark.parametrize("first", ["/a/", "/b/"])
@pytest.mark.parametrize(
    "routes",
    [
        lambda skill: [Mount("/a", app=skill), Mount("/b", app=skill)],
        lambda skill: [Mount("/a", routes=[Mount("/", app=skill)]), Mount("/b", app=skill)],
        lambda skill: [
            Mount("/a", app=Starlette(routes=[Mount("/", app=skill)])),
            Mount("/b", app=skill),
        ],
    ],
    ids=["side by side", "nested", "through an app"],
)
def test_a_skill_under_two_of_starlettes_mounts_is_named_by_the_first_in_the_routes(
    caplog: pytest.LogCaptureFixture, first: str, routes: Any
) -> None:
    # Named by the mount its first request came under: /a on one day, /b the next, as traffic
    # came. The host app's routes name it: the first of its mounts in them.
    skill = make_skill(verify=False)
    app = Starlette(routes=routes(skill))
    with caplog.at_level(logging.WARNING, "alexaskill"), StarletteClient(app) as http:
        assert _launch(http, first) == 200
        assert _launch(http, "/b/" if first == "/a/" else "/a/") == 200
    off = _off_lines(caplog)
    assert len(off) == 1, off
    assert f"for the skill at /a ({SKILL_ID}):" in off[0], off
    assert skill.log_name == f"the skill at /a ({SKILL_ID})"


def test_a_skill_under_mounts_the_routes_hide_is_named_by_its_first_requests() -> None:
    # (middleware of the host's own hides the routes below it: the request's own mount names it)
    skill = make_skill(verify=False)

    async def passing(scope: Any, receive: Any, send: Any) -> None:
        await Starlette(routes=[Mount("/w", app=skill)])(scope, receive, send)

    app = Starlette(routes=[Mount("/hidden", app=passing)])
    with StarletteClient(app) as http:
        http.get("/hidden/w/health")
    assert skill.log_name == f"the skill at /hidden/w ({SKILL_ID})"


@pytest.mark.parametrize("first", ["/a", "/b"])
def test_a_skill_under_two_skill_mounts_is_named_by_the_first_made(
    caplog: pytest.LogCaptureFixture, first: str
) -> None:
    # `skill.mount` names the skill by the first of its mounts (the one it started at); two
    # `SkillMount`s made directly named it by the last made.
    skill = make_skill(verify=False)
    app = Starlette(routes=[SkillMount("/a", skill), SkillMount("/b", skill)])
    with caplog.at_level(logging.WARNING, "alexaskill"), StarletteClient(app) as http:
        assert _launch(http, first) == 200
    off = _off_lines(caplog)
    assert len(off) == 1, off
    assert f"for the skill at /a ({SKILL_ID}):" in off[0], off

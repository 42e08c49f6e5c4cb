"""The ASGI app end to end: a skill mounted in a Starlette app (its path, its start, its logging,
its name), or a skill mount made directly; all signed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import RequestFactory, TestPKI
from tests.app_shared import make_skill, unset_logging

from .conftest import OTHER_SKILL_ID, SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_two_skills_mounted_side_by_side() -> None:
    weather = Skill(SKILL_ID)
    weather.launch(lambda: speak("weather"))
    quiz = Skill(OTHER_SKILL_ID)
    quiz.launch(lambda: speak("quiz"))
    app = Starlette(routes=[Mount("/weather", app=weather), Mount("/quiz", app=quiz)])
    pki = TestPKI.default()
    weather.verifier = pki.verifier()
    quiz.verifier = pki.verifier()
    with StarletteClient(app) as http:
        for path, skill_id, word in (
            ("/weather/", SKILL_ID, "weather"),
            ("/quiz/", OTHER_SKILL_ID, "quiz"),
        ):
            body = json.dumps(RequestFactory(skill_id=skill_id).envelope("LaunchRequest")).encode()
            headers = {"content-type": "application/json", **pki.sign(body)}
            response = http.post(path, content=body, headers=headers)
            assert response.status_code == 200
            assert response.json()["response"]["outputSpeech"]["text"] == word
        # each skill refuses the other's requests
        body = json.dumps(
            RequestFactory(skill_id=OTHER_SKILL_ID).envelope("LaunchRequest")
        ).encode()
        response = http.post(
            "/weather/",
            content=body,
            headers={"content-type": "application/json", **pki.sign(body)},
        )
        assert response.status_code == 400


def test_a_mounted_skill_answers_its_mount_path_without_a_redirect() -> None:
    skill = make_skill()
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = {"content-type": "application/json", **pki.sign(body)}
    plain = Starlette(routes=[Mount("/weather", app=skill)])
    with StarletteClient(plain, follow_redirects=False) as http:
        # What Starlette's own Mount does: a redirect, which Alexa does not follow.
        assert http.post("/weather", content=body, headers=headers).status_code == 307
    app = Starlette(routes=[skill.mount("/weather")])
    with StarletteClient(app, follow_redirects=False) as http:
        for path in ("/weather", "/weather/"):
            response = http.post(path, content=body, headers=headers)
            assert response.status_code == 200, path
            assert response.json()["response"]["outputSpeech"]["text"] == "Welcome. Which city?"
        assert http.get("/weather/health").json() == {"status": "ok"}
        assert http.post("/weatherman", content=body, headers=headers).status_code == 404
        assert http.get("/weather/").status_code == 405


def test_a_mounted_skill_answers_other_methods_on_its_mount_path_with_405() -> None:
    # GET /weather was redirected to /weather/ (HTTP 307, an empty body).
    app = Starlette(routes=[make_skill().mount("/weather")])
    with StarletteClient(app, follow_redirects=False) as http:
        slashed = http.get("/weather/")
        for method in ("GET", "PUT", "DELETE"):
            answer = http.request(method, "/weather")
            assert answer.status_code == 405, method
            assert answer.json() == slashed.json() == {"error": "method not allowed; Alexa POSTs"}
            assert answer.headers["allow"] == "POST"


def test_a_skill_is_mounted_under_a_real_path() -> None:
    with pytest.raises(ValueError, match="like '/weather'"):
        make_skill().mount("/")


def test_a_mounted_skill_starts_when_mounted_and_fails_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A host app runs no lifespan of its skills': the skill started at its first request, and a
    # setting that does not parse was a 500 with a traceback on every request, /health too.
    unset_logging(monkeypatch)
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "verbose")
    with pytest.raises(ConfigurationError, match="ALEXASKILL_LOG_LEVEL"):
        make_skill().mount("/weather")


def test_a_host_apps_logging_set_up_after_the_mount_gets_the_skills_lines(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Started when mounted, the skill had set up its own logging at the host app's import: a
    # basicConfig of the app's own afterwards (in its main(), its lifespan) got none of its
    # lines. Logging is set up at the first request, as before; only checked at the mount.
    unset_logging(monkeypatch)
    pki = TestPKI.default()
    skill = make_skill(verifier=pki.verifier())
    app = Starlette(routes=[skill.mount("/weather")])
    assert logging.getLogger("alexaskill").handlers == []
    got: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            got.append(record.getMessage())

    monkeypatch.setattr(logging.getLogger(), "handlers", [Collect()])
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    # (the level set and put back by caplog, which also clears the loggers' level caches)
    with caplog.at_level(logging.INFO, "alexaskill"), StarletteClient(app) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        assert http.post("/weather", content=body, headers=headers).status_code == 200
    assert logging.getLogger("alexaskill").handlers == []
    assert any(line.startswith("LaunchRequest -> ok (200)") for line in got), got


def test_a_mounted_skill_sets_up_its_logging_at_its_first_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # control: with no set-up anywhere, alexaskill's own is made, as under `uvicorn app:skill`
    unset_logging(monkeypatch)
    pki = TestPKI.default()
    app = Starlette(routes=[make_skill(verifier=pki.verifier()).mount("/weather")])
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    with StarletteClient(app) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        assert http.post("/weather", content=body, headers=headers).status_code == 200
    assert logging.getLogger("alexaskill").handlers != []


def test_a_mounted_skill_says_what_is_off_when_mounted_naming_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, "alexaskill"):
        open_skill = make_skill(verify=False)
        any_skill = Skill("*")
        Starlette(routes=[open_skill.mount("/open"), any_skill.mount("/any")])
    off = [r.getMessage() for r in caplog.records if " OFF " in r.getMessage()]
    assert len(off) == 2, off
    assert "verification is OFF" in off[0] and "/open" in off[0] and SKILL_ID in off[0]
    assert "skill-id check is OFF" in off[1] and "/any" in off[1]
    caplog.clear()
    with caplog.at_level(logging.WARNING, "alexaskill"):
        any_skill.mount("/any2")  # built once: said once
    assert not caplog.records


def test_a_skill_mount_made_directly_names_the_skill_by_its_mount_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `skill.mount("/open")` told the skill where it is served; a `SkillMount("/open", skill)`
    # did not, and its start at the first request named it "the skill at /".
    from alexaskill.mounting import SkillMount

    app = Starlette(routes=[SkillMount("/open", make_skill(verify=False))])
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    with caplog.at_level(logging.WARNING, "alexaskill"), StarletteClient(app) as http:
        answer = http.post("/open", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200
    off = [r.getMessage() for r in caplog.records if "verification is OFF" in r.getMessage()]
    assert len(off) == 1, off
    assert f"is OFF (Skill(verify=False)) for the skill at /open ({SKILL_ID}):" in off[0], off


def _behind(app: Any) -> Any:
    """``app`` behind an ASGI function of its own (middleware, say): its routes unseen."""

    async def passing(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)

    return passing


@pytest.mark.parametrize(
    ("root_path", "routes", "url", "where"),
    [
        ("", lambda skill: [Mount("/weather", app=skill)], "/weather/", "/weather"),
        ("/api", lambda skill: [Mount("/weather", app=skill)], "/api/weather/", "/weather"),
        (
            "",
            lambda skill: [Mount("/v1", routes=[Mount("/weather", app=skill)])],
            "/v1/weather/",
            "/v1/weather",
        ),
        # Named by the pattern, not by the first request's tenant (`/t/acme`), which every other
        # tenant's requests then came under.
        ("", lambda skill: [Mount("/t/{tenant}", app=skill)], "/t/acme/", "/t/{tenant}"),
        ("", lambda skill: [Mount("/u/{uid:int}", app=skill)], "/u/42/", "/u/{uid:int}"),
        (
            "/api",
            lambda skill: [Mount("/v1", routes=[Mount("/t/{tenant}", app=skill)])],
            "/api/v1/t/acme/",
            "/v1/t/{tenant}",
        ),
        # A parameter of a Mount above the skill's own, whose pattern Starlette's scope does not
        # keep (its "route" is the innermost one matched, in 1.7 as in 1.10): the routes walked
        # from the scope's "router" give it. It was cut short: `/t/...`.
        (
            "",
            lambda skill: [Mount("/t/{tenant}", routes=[Mount("/weather", app=skill)])],
            "/t/acme/weather/",
            "/t/{tenant}/weather",
        ),
        (  # (through a Starlette app of its own, under a root_path)
            "/api",
            lambda skill: [
                Mount("/org-{org}", app=Starlette(routes=[Mount("/t/{tenant}", app=skill)]))
            ],
            "/api/org-acme/t/eu/",
            "/org-{org}/t/{tenant}",
        ),
        (  # (routes the walk cannot see, behind an ASGI app of the host's: cut short)
            "",
            lambda skill: [
                Mount("/t/{tenant}", app=_behind(Starlette(routes=[Mount("/w", app=skill)])))
            ],
            "/t/acme/w/",
            "/t/...",
        ),
    ],
    ids=[
        "Mount",
        "under a root_path",
        "nested",
        "pattern",
        "typed",
        "nested pattern",
        "above",
        "above, app",
        "above, hidden",
    ],
)
def test_a_skill_under_starlettes_own_mount_is_named_by_its_mount_path(
    caplog: pytest.LogCaptureFixture,
    root_path: str,
    routes: Callable[[Skill], list[Any]],
    url: str,
    where: str,
) -> None:
    # Under `Mount("/weather", app=skill)` the skill is never told its path (no `skill.mount`):
    # its start at its first request named it "the skill at /". The host app's path is in the
    # request's scope (its root_path, below the host app's own, `app_root_path`): named by it.
    import anyio
    import httpx

    pki = TestPKI.default()
    skill = Skill("*", verifier=pki.verifier())
    skill.launch(lambda: speak("hi"))
    app = Starlette(routes=routes(skill))
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, root_path=root_path)  # (runs no lifespan)
        async with httpx.AsyncClient(transport=transport, base_url="http://host") as client:
            return await client.post(url, content=body, headers=headers)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = anyio.run(post, backend="asyncio")
    assert answer.status_code == 200, answer.text
    off = [r.getMessage() for r in caplog.records if "skill-id check is OFF" in r.getMessage()]
    assert len(off) == 1, off
    assert f"for the skill at {where} (any skill id):" in off[0], off
    assert skill.log_name == f"the skill at {where} (any skill id)"


def test_a_skill_that_cannot_start_lazily_answers_500_and_logs_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `uvicorn --lifespan off`, or Starlette's own Mount: the skill starts at its first request.
    unset_logging(monkeypatch)
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "verbose")
    skill = make_skill()
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    headers = {"content-type": "application/json", **pki.sign(body)}
    http = StarletteClient(Starlette(routes=[Mount("/weather", app=skill)]))  # no lifespan
    answers = [
        http.post("/weather/", content=body, headers=headers),
        http.get("/weather/health"),
        http.post("/weather/", content=body, headers=headers),
    ]
    for answer in answers:
        assert answer.status_code == 500
        assert answer.json() == {
            "error": "the skill could not start (ConfigurationError); the server's log says why"
        }
    err = capsys.readouterr().err
    # (the requests after the first: counted, and said at most once every few seconds)
    # (a ConfigurationError, the user's to mend: in one line, as the lifespan's failure says it)
    assert err.count("could not start (ConfigurationError: ") == 1 and "Traceback" not in err
    assert err.count("): every request is answered HTTP 500") == 1
    assert "ALEXASKILL_LOG_LEVEL: unknown log level 'VERBOSE'" in err


@pytest.mark.parametrize(("path", "kind"), [(None, "None"), (3, "an int"), (b"/weather", "bytes")])
def test_a_skill_mounted_under_no_path_string_says_what_was_given(path: object, kind: str) -> None:
    # An AttributeError ('NoneType' object has no attribute 'startswith'): None from an unset
    # setting, say, read as a bug of alexaskill's. The type is said after its article ("not
    # int" was said).
    with pytest.raises(ConfigurationError, match=f"\\(a str\\), not {kind}$"):
        make_skill().mount(path)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["//", "/weather?x=1", "/{name}", "/a b", "/weather#top"])
def test_a_skill_mount_path_no_request_reaches_is_refused(path: str) -> None:
    # Taken: "//" mounted the skill over the whole app (Starlette strips it to ""), "{name}"
    # was read as a path parameter, and a query, fragment or space is in no request's path.
    with pytest.raises(ValueError, match="mounted under a path"):
        make_skill().mount(path)


def test_a_skill_mount_is_given_an_app() -> None:
    from alexaskill.mounting import SkillMount

    with pytest.raises(ConfigurationError, match=r"an ASGI app, not None$"):
        SkillMount("/weather", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [5, b"weather", ["weather"]])
def test_a_mount_name_that_is_no_str_is_refused(name: Any) -> None:
    # Taken: Starlette then raised a TypeError from every url_path_for passing the mount, the
    # host app's own routes included.
    from alexaskill.mounting import SkillMount

    with pytest.raises(ConfigurationError, match=r"name is a str .* or None, not"):
        SkillMount("/weather", make_skill(), name=name)
    with pytest.raises(ConfigurationError, match=r"name is a str .* or None, not"):
        make_skill().mount("/weather", name=name)
    app = Starlette(routes=[SkillMount("/weather", make_skill(), name="weather")])
    assert app.url_path_for("weather", path="/") == "/weather/"

"""Settings that do not parse fail every start of a skill, whether or not the app set up logging
of its own (which alexaskill then leaves as the app made it)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.responses import Response
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from .conftest import SKILL_ID
from .lambda_runtime import LAMBDA_ENVIRON
from .lifespan_start import lifespan_start

pytestmark = pytest.mark.oldest_dependencies

if TYPE_CHECKING:
    import httpx2  # (what Starlette's test client answers with)
    from starlette.routing import BaseRoute

#: Each setting that does not parse, and what its error names.
BAD_SETTINGS = [
    ({"ALEXASKILL_LOG_LEVEL": "bogus"}, "ALEXASKILL_LOG_LEVEL: unknown log level 'BOGUS'"),
    ({"ALEXASKILL_LOG_JSON": "maybe"}, "ALEXASKILL_LOG_JSON='maybe'"),
    ({"ALEXASKILL_SKILL_ID": " , "}, "ALEXASKILL_SKILL_ID"),
]


@pytest.fixture
def own_logging() -> Iterator[logging.Handler]:
    """The app's own logging set-up: a handler on the root logger (``logging.basicConfig``)."""
    handler = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _skill(skill_id: str = SKILL_ID) -> Skill:
    skill = Skill(skill_id)

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    return skill


def _set(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _untouched(handler: logging.Handler) -> None:
    """The app's set-up as it made it: alexaskill added no handler of its own."""
    assert handler in logging.getLogger().handlers
    assert logging.getLogger("alexaskill").handlers == []


@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_lifespan_start_fails_of_a_setting_beside_the_apps_own_logging(
    monkeypatch: pytest.MonkeyPatch, own_logging: logging.Handler, env: dict[str, str], why: str
) -> None:
    # Logging set up by the app, the settings were never read: the skill started and served.
    _set(monkeypatch, env)
    answer = lifespan_start(_skill())
    assert answer["type"] == "lifespan.startup.failed", answer
    assert why in answer["message"], answer
    _untouched(own_logging)


@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_start_at_a_request_fails_of_a_setting_beside_the_apps_own_logging(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    own_logging: logging.Handler,
    env: dict[str, str],
    why: str,
) -> None:
    _set(monkeypatch, env)
    client = TestClient(_skill(), raise_handler_errors=False)  # no lifespan: started at a request
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert client.launch().status_code == 500
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(said) == 1 and "could not start (ConfigurationError: " in said[0], said
    assert why in said[0], said
    _untouched(own_logging)


#: The starts that make the skill's app at once, and raise what fails: a mount, and an AWS Lambda
#: function's handler (made by the function's module at its import, the function's start: a
#: setting that did not parse failed nowhere there, and every invocation was answered).
_STARTS_THAT_RAISE: dict[str, Callable[[], object]] = {
    "mount": lambda: _skill().mount("/weather"),
    "lambda_handler": lambda: _skill(DEFAULT_SKILL_ID).lambda_handler,
}


@pytest.mark.parametrize("start", list(_STARTS_THAT_RAISE))
@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_mount_or_a_lambda_handler_fails_of_a_setting_at_its_start(
    monkeypatch: pytest.MonkeyPatch,
    own_logging: logging.Handler,
    env: dict[str, str],
    why: str,
    start: str,
) -> None:
    _set(monkeypatch, env)
    with pytest.raises(ConfigurationError) as raised:
        _STARTS_THAT_RAISE[start]()
    assert why in str(raised.value)
    _untouched(own_logging)


#: What ends a Lambda function's start at its import (`_STARTS_THAT_RAISE`): the settings that do
#: not parse, and a proxy variable httpx cannot use (read there too).
_BAD_AT_THE_IMPORT = [*BAD_SETTINGS, ({"HTTPS_PROXY": "ftp://proxy:21"}, "HTTPS_PROXY=ftp://")]


@pytest.mark.parametrize(("env", "why"), _BAD_AT_THE_IMPORT)
def test_on_lambda_a_setting_that_does_not_parse_ends_the_functions_start_in_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], why: str
) -> None:
    # The ConfigurationError raised as the function's module made its handler failed the
    # runtime's init with a traceback through the import and alexaskill's settings, again at
    # each invocation (Lambda tries a failed init again), under Lambda's own warning that the
    # function's code has an issue. Now the process ends, as uvicorn's does at a failed start,
    # with the one line Python writes for it (standard error: one event in the function's log),
    # naming the setting and what it takes; Lambda reports the init's Runtime.ExitError.
    _set(monkeypatch, {**LAMBDA_ENVIRON, **env})
    with pytest.raises(SystemExit) as exited:
        _skill(DEFAULT_SKILL_ID).lambda_handler  # noqa: B018
    said = exited.value.code
    assert isinstance(said, str) and said.startswith("alexaskill: ") and why in said, said
    assert "\n" not in said
    # (Python writes a SystemExit's message alone, never its chain: none is kept to show.)
    assert exited.value.__cause__ is None and exited.value.__suppress_context__


def test_settings_that_parse_start_beside_the_apps_own_logging(
    monkeypatch: pytest.MonkeyPatch, own_logging: logging.Handler
) -> None:
    # (the check refuses nothing that parses, and sets up no logging over the app's)
    _set(monkeypatch, {"ALEXASKILL_LOG_LEVEL": "debug", "ALEXASKILL_LOG_JSON": "1"})
    assert lifespan_start(_skill())["type"] == "lifespan.startup.complete"
    with TestClient(_skill()) as client:
        assert client.launch().status_code == 200
    _skill().mount("/weather")
    _skill(DEFAULT_SKILL_ID).lambda_handler  # noqa: B018
    _untouched(own_logging)


def _signed_launch() -> tuple[bytes, dict[str, str]]:
    """A LaunchRequest for `_skill`'s id, signed with the test PKI: its body and headers."""
    import json

    from alexaskill.testing import RequestFactory, TestPKI

    body = json.dumps(RequestFactory(SKILL_ID).envelope("LaunchRequest")).encode()
    return body, {**TestPKI.default().sign(body), "Content-Type": "application/json"}


#: What a failed start answers each request it refuses (HTTP 500).
_REFUSED = {"error": "the skill could not start (ConfigurationError); the server's log says why"}


class _Host:
    """A host app serving a `_skill` through the routes ``routes`` makes of it, the skill's
    chain from memory (the test PKI's: no download), through Starlette's test client (its
    errors raised, not a 500). ``calls`` holds a "handled" for each request the skill handled."""

    def __init__(self, routes: Callable[[Skill], list[BaseRoute]]) -> None:
        from starlette.applications import Starlette
        from starlette.testclient import TestClient as StarletteClient

        from alexaskill.testing import TestPKI

        self.skill, self.calls = _skill(), list[str]()
        self.skill.verifier = TestPKI.default().verifier()
        self.skill.add_before_request(lambda: self.calls.append("handled"))
        self._http = StarletteClient(Starlette(routes=routes(self.skill)))
        self._body, self._headers = _signed_launch()

    def post(self, *urls: str) -> list[httpx2.Response]:
        """The answers to a signed LaunchRequest sent to each of ``urls`` in turn."""
        return [self._http.post(url, content=self._body, headers=self._headers) for url in urls]


def _failed_start_said(caplog: pytest.LogCaptureFixture, path: str, why: str) -> str:
    """The one ERROR line ``caplog`` holds, returned: the start of the skill at ``path`` failed
    of the ConfigurationError ``why`` (the user's to mend: its message says it all, with no
    traceback), and every request is refused."""
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # (the next within seconds: counted)
    line = errors[0].getMessage()
    assert f"the skill at {path} ({SKILL_ID}) could not start (ConfigurationError: " in line
    assert why in line and line.endswith("): every request is answered HTTP 500"), line
    assert errors[0].exc_info is None
    return line


def _mounted(mounted: str) -> Callable[[Skill], list[BaseRoute]]:
    """The routes mounting a skill at /weather the way ``mounted`` names: `Skill.mount`, a
    `SkillMount` of its own, or Starlette's `Mount` (which answers /weather/ only)."""
    from starlette.routing import Mount

    from alexaskill.mounting import SkillMount

    if mounted == "skill.mount":
        return lambda skill: [skill.mount("/weather")]
    if mounted == "SkillMount":
        return lambda skill: [SkillMount("/weather", skill)]
    return lambda skill: [Mount("/weather", app=skill)]


@pytest.mark.parametrize("mounted", ["skill.mount", "SkillMount", "Mount"])
@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_mounted_skill_whose_settings_no_longer_parse_is_refused_as_a_failed_start(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mounted: str,
    env: dict[str, str],
    why: str,
) -> None:
    # The environment changed after the mount (or, under a `SkillMount` of its own, before a
    # start that comes at the first request): the mount's first request set up logging from
    # settings that no longer parse, and its ConfigurationError went out of the host app, an
    # HTTP 500 with a traceback (and the next request was served). It is a failed start, as a
    # start at a request is: one ERROR line, every request a 500 in JSON, no handler run.
    host = _Host(_mounted(mounted))
    url = "/weather/" if mounted == "Mount" else "/weather"
    _set(monkeypatch, env)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = host.post(url, url)
    assert [(a.status_code, a.json()) for a in answers] == [(500, _REFUSED)] * 2
    assert not host.calls and not host.skill.started
    # (a SkillMount made directly named it "the skill at /": it never told the skill its path;
    # so did Starlette's own Mount, whose path the skill learns from its first request's scope)
    line = _failed_start_said(caplog, "/weather", why)
    # In the words of a standalone skill's start at a request (`skill.mount`'s said the line of
    # a request refused after a failed start: "…: a request answered HTTP 500, no handler run").
    caplog.clear()
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert TestClient(_skill(), raise_handler_errors=False).launch().status_code == 500
    standalone = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert standalone == [line.replace(" at /weather (", " at / (", 1)], (line, standalone)


@pytest.mark.parametrize("mounted", ["skill.mount", "SkillMount"])
@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_skill_serving_through_one_mount_keeps_serving_when_anothers_start_fails(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mounted: str,
    env: dict[str, str],
    why: str,
) -> None:
    # Mounted twice (two host paths), its settings broken after the first mount's first request
    # and before the second's: that request undid the running start (`skill.mount`), and the
    # skill, serving /first, refused every request of both mounts (HTTP 500); a `SkillMount` of
    # its own dropped the error and served /second as if its start had not failed. The skill
    # keeps serving /first; /second's start has failed, said in the usual ERROR line naming
    # /second, and its requests are refused as any failed start's are.
    from alexaskill.mounting import SkillMount

    def mount(skill: Skill, path: str) -> BaseRoute:
        return skill.mount(path) if mounted == "skill.mount" else SkillMount(path, skill)

    host = _Host(lambda skill: [mount(skill, "/first"), mount(skill, "/second")])
    assert host.post("/first")[0].json()["response"]
    _set(monkeypatch, env)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        *second, first = host.post("/second", "/second", "/first")
    assert [(a.status_code, a.json()) for a in second] == [(500, _REFUSED)] * 2
    assert first.status_code == 200 and first.json()["response"]["outputSpeech"]["text"] == "hi"
    assert host.calls == ["handled"] * 2 and host.skill.started
    line = _failed_start_said(caplog, "/second", why)
    caplog.clear()
    with caplog.at_level(logging.ERROR, "alexaskill"):
        asyncio.run(host.skill.aclose())  # (the host's lifespan: the count said)
    assert [r.getMessage() for r in caplog.records] == [
        line.split(": every request", 1)[0] + ": 1 more request answered HTTP 500, no handler run"
    ]


def _a_and_b(skill: Skill) -> list[BaseRoute]:
    """`skill.mount("/a")` beside Starlette's own `Mount("/b", app=skill)`."""
    from starlette.routing import Mount

    return [skill.mount("/a"), Mount("/b", app=skill)]


@pytest.mark.parametrize(("env", "why"), BAD_SETTINGS)
def test_a_skill_serving_under_starlettes_mount_keeps_serving_when_its_mounts_start_fails(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    why: str,
) -> None:
    # Both `skill.mount("/a")` and Starlette's own `Mount("/b", app=skill)`: /b served first,
    # then the settings broke, and /a's first request found them so. A request under Starlette's
    # Mount never told the skill it served, so /a's request took it for unserved and undid its
    # start: /b, serving, answered HTTP 500 from then on. It keeps serving (README: "A skill
    # mounted twice that serves already ... keeps serving"); /a's start has failed alone, said
    # once naming /a.
    host = _Host(_a_and_b)
    assert host.post("/b/")[0].json()["response"]
    _set(monkeypatch, env)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        *a, b = host.post("/a", "/a", "/b/")
    assert [(r.status_code, r.json()) for r in a] == [(500, _REFUSED)] * 2
    assert b.status_code == 200 and b.json()["response"]["outputSpeech"]["text"] == "hi"
    assert host.calls == ["handled"] * 2 and host.skill.started
    _failed_start_said(caplog, "/a", why)


@pytest.mark.parametrize("first", ["/a", "/b/"])
def test_a_skill_whose_start_fails_at_a_mounts_first_request_is_said_once_by_each_mount(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, first: str
) -> None:
    # `skill.mount("/a")` and Starlette's own `Mount("/b", app=skill)`, its settings broken
    # before any request: the first request, through either mount, starts the skill there
    # (nothing served yet), which fails, and every request of both mounts is refused (README: a
    # start at a request). /b's requests were said as /a's (`the skill at /a (…) … a request
    # answered HTTP 500`, then only counted in /a's line): each mount is said once, by its own
    # path. (/b first was served with the settings broken: Starlette's own Mount ran no first
    # request of the skill's mount, its logging never set up.)
    host = _Host(_a_and_b)
    _set(monkeypatch, {"ALEXASKILL_LOG_LEVEL": "bogus"})
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = host.post(first, *("/a", "/b/") * 2)
    assert [(a.status_code, a.json()) for a in answers] == [(500, _REFUSED)] * 5
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    why = "could not start (ConfigurationError: ALEXASKILL_LOG_LEVEL: unknown log level 'BOGUS'"
    # (the skill's start named by its name, /a, whichever mount's request made it)
    assert errors[0].startswith(f"the skill at /a ({SKILL_ID}) {why}"), errors
    assert errors[0].endswith("): every request is answered HTTP 500"), errors
    assert len(errors) == 2 and not host.calls and not host.skill.started, errors
    assert errors[1].startswith(f"the skill at /b ({SKILL_ID}) {why}"), errors
    assert errors[1].endswith("): a request answered HTTP 500, no handler run"), errors


def _nested_in_a_hosts_mount(skill: Skill) -> list[BaseRoute]:
    """`skill.mount("/a")` inside the host's `Mount("/v1", …)`, served at /v1/a."""
    from starlette.routing import Mount

    return [Mount("/v1", routes=[skill.mount("/a")])]


@pytest.mark.parametrize(
    ("routes", "url"),
    [
        # The failed start was said as `the skill at /a (…)` (skill.mount names the skill by
        # its own path), and the requests after it as `the skill at /v1/a (…)`.
        pytest.param(_nested_in_a_hosts_mount, "/v1/a", id="nested-in-a-hosts-mount"),
        # `skill.mount("/a/")`: Starlette's Mount keeps its path as "/a", the skill was named
        # by "/a/" as given: its failed start said `the skill at /a/ (…)`, the requests after
        # it `the skill at /a (…)`.
        pytest.param(lambda skill: [skill.mount("/a/")], "/a", id="path-with-a-trailing-slash"),
    ],
)
def test_a_skill_mount_says_its_failed_start_once_by_the_path_it_serves(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    routes: Callable[[Skill], list[BaseRoute]],
    url: str,
) -> None:
    # Its settings broken before any request: two lines for one mount, each by another path.
    host = _Host(routes)
    _set(monkeypatch, {"ALEXASKILL_LOG_LEVEL": "bogus"})
    with caplog.at_level(logging.ERROR, "alexaskill"):
        answers = host.post(url, url, url)
    assert [a.status_code for a in answers] == [500] * 3
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith(f"the skill at /a ({SKILL_ID}) "), errors


@pytest.fixture
def settings_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each read of the settings from here on (`settings_from_env`, wherever alexaskill calls
    it), as the name of the function that read them."""
    import sys

    import alexaskill.asgi_build
    import alexaskill.settings

    reads: list[str] = []
    read = alexaskill.settings.settings_from_env

    def spy(environ: Any = None) -> Any:
        reads.append(sys._getframe(1).f_code.co_name)
        return read(environ)

    monkeypatch.setattr(alexaskill.settings, "settings_from_env", spy)
    monkeypatch.setattr(alexaskill.asgi_build, "settings_from_env", spy)
    return reads


def test_a_start_under_alexaskills_protocol_reads_the_settings_once(
    monkeypatch: pytest.MonkeyPatch, settings_reads: list[str]
) -> None:
    # `uvicorn app:skill --http alexaskill.server:HttpProtocol` (and so `alexaskill serve`):
    # the lifespan read them and set up logging, then the process's first connection read them
    # again, to set up a logging found set up already (its ConfigurationError suppressed).
    import httpx
    import uvicorn

    from alexaskill import server_limits

    from .threaded_uvicorn import bound_port, serving

    monkeypatch.setattr(server_limits, "_fd_limit", None)  # (the process's first connection)
    config = uvicorn.Config(
        _skill(), port=0, http="alexaskill.server:HttpProtocol", log_level="warning"
    )
    with serving(config) as server:
        assert httpx.get(f"http://127.0.0.1:{bound_port(server)}/health").status_code == 200
    assert settings_reads == ["configure_logging_if_unset"]

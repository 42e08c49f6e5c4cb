"""How the simulator is served: loaded only under --dev, with its files and no key, stopped with
its app; its JSON API answers the page itself only (host, origin, method, body) and refuses the
rest with a reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL, DEV_PKI_ENV
from alexaskill.cli.serve import _prepare
from alexaskill.testing import TestPKI

from . import simulator_shared
from .simulator_shared import ID, ROOT, SKILL_FILE, STATIC, _client, _served, spoken, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


# --- loaded and served only under --dev, stopped with the app ------------------------------------


def test_import_alexaskill_does_not_load_the_simulator() -> None:
    code = (
        "import sys, alexaskill, alexaskill.testing\n"
        "print(sorted(m for m in sys.modules if m.startswith('alexaskill.simulator')))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert output.stdout.strip() == "[]"


def test_serve_without_dev_neither_imports_nor_serves_the_simulator(dev_dir: Path) -> None:
    # In a process of its own: what `serve` prepares without --dev, asked for the simulator.
    code = (
        "import sys\n"
        "from starlette.testclient import TestClient\n"
        "from alexaskill.cli.serve import _prepare\n"
        "from alexaskill.cli.common import load_app\n"
        f"app = _prepare('app', load_app({str(SKILL_FILE) + ':skill'!r}), False, None)\n"
        "with TestClient(app) as http:\n"
        "    statuses = [http.get(path).status_code for path in\n"
        "        ('/_simulator', '/_simulator/', '/_simulator/simulator.js')]\n"
        "    statuses.append(http.post('/_simulator/api/turn', json={}).status_code)\n"
        "print(statuses, [m for m in sys.modules if m.startswith('alexaskill.simulator')])\n"
    )
    env = {"PATH": "/usr/bin:/bin", DEV_PKI_ENV: str(dev_dir)}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert output.returncode == 0, output.stderr
    assert output.stdout.strip() == "[404, 404, 404, 404] []"


def test_serve_dev_serves_the_page_and_its_files(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.simulator import SimulatorApp

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    app = _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None)
    assert isinstance(app, SimulatorApp)
    with _client(app, follow_redirects=False) as http:
        redirect = http.get("/_simulator")
        assert redirect.status_code == 307
        assert redirect.headers["location"].endswith("/_simulator/")
        page = http.get("/_simulator/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        for name, kind in (("simulator.js", "text/javascript"), ("simulator.css", "text/css")):
            response = http.get(f"/_simulator/{name}")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(kind)
        assert http.get("/_simulator/../app.py").status_code == 404
        assert http.get("/_simulator/session.py").status_code == 404
        assert http.post("/_simulator/").status_code == 405
        # The skill itself is served as before.
        assert http.get("/health").json() == {"status": "ok"}


def _loaded_by_the_page() -> list[str]:
    """The files the page loads, index.html first: each stylesheet and script it names, then each
    module a script imports (``import … from "./name.js"``), in the order found."""
    import re

    loaded: list[str] = []
    todo = ["index.html"]
    while todo:
        name = todo.pop(0)
        if name in loaded:
            continue
        loaded.append(name)
        text = (STATIC / name).read_text(encoding="utf-8")
        todo.extend(re.findall(r'(?:src|href)="([\w.-]+\.(?:css|js))"', text))
        todo.extend(re.findall(r'\b(?:from|import)\s+"\./([^"]+)"', text))
    return loaded


#: The content type each kind of file the page loads is served with (a module script in a type
#: that is not JavaScript's is refused by the browser, as nosniff has a stylesheet refused).
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def test_each_file_the_page_loads_is_served_with_its_content_type(http: StarletteClient) -> None:
    from alexaskill.simulator.server import _STATIC

    loaded = _loaded_by_the_page()
    assert {"index.html", "simulator.css", "simulator.js"} <= set(loaded)  # (the walk finds them)
    # The server serves those files and no other; the package holds them and no other (the
    # wheel ships every file of static/: test_the_wheel_ships_the_static_files).
    assert sorted(_STATIC) == sorted(loaded)
    assert sorted(path.name for path in STATIC.iterdir()) == sorted(loaded)
    for name in loaded:
        response = http.get(f"/_simulator/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == _TYPES[Path(name).suffix], name
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content == (STATIC / name).read_bytes()


def test_the_page_loads_nothing_from_elsewhere_and_holds_no_key() -> None:
    import re

    own = set(_loaded_by_the_page())
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "PRIVATE KEY" not in text
        # No CDN: every src and href, and every module imported, is one of the simulator's own
        # files.
        for match in (
            *re.findall(r'(?:src|href)="([^"]+)"', text),
            *re.findall(r"@import\s+url\(([^)]+)\)", text),
            *re.findall(r'\b(?:from|import)\s+"([^"]+)"', text),
            *re.findall(r"\bimport\(", text),
        ):
            assert match.removeprefix("./") in own | {"#utterance", "data:,"}, match


def test_the_page_names_its_icon_so_the_browser_asks_the_skill_for_none() -> None:
    # Without one the browser asked the app for /favicon.ico: a 404 from the skill's routes,
    # and "Failed to load resource" in the console of a newcomer's first look at the page.
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="data:,">' in page


def test_the_wheel_ships_the_static_files() -> None:
    # hatch puts every file under the package directory in the wheel unless .gitignore or an
    # exclude drops it: nothing may.
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["alexaskill"]
    assert "exclude" not in wheel and "only-include" not in wheel
    ignored = subprocess.run(
        ["git", "check-ignore", *(str(path) for path in STATIC.iterdir())],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout == ""


def test_the_fake_service_apis_stop_with_the_app(pki: TestPKI) -> None:
    app = _served("skill", pki)
    with _client(app) as http:
        turn(http, text="help")
        assert app.simulator._stack is not None
    assert app.simulator._stack is None and app.simulator._http is None


def test_a_process_serving_the_simulator_without_its_lifespan_exits(dev_dir: Path) -> None:
    # Mounted in another app (whose lifespan a Mount does not pass on) or under
    # `uvicorn --lifespan off`, the app's shutdown never closes the simulator: the process then
    # hung at exit, after a turn, stopping the fake service APIs' server thread as the
    # interpreter had frozen it.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from starlette.testclient import TestClient\n"
        "from alexaskill.cli.common import load_object\n"
        "from alexaskill.simulator import with_simulator\n"
        "from alexaskill.testing import TestPKI\n"
        "pki = TestPKI.load_or_create(Path(sys.argv[2]), cert_url=sys.argv[3])\n"
        "app = with_simulator(load_object(sys.argv[1] + ':skill'), pki=pki)\n"
        "client = TestClient(app, base_url='http://localhost')\n"
        "body = {'simulation': 'simulation-0001', 'action': 'say', 'text': 'help'}\n"
        "print(client.post('/_simulator/api/turn', json=body).status_code)\n"
    )
    argv = [sys.executable, "-c", script, str(SKILL_FILE), str(dev_dir), DEV_CERT_URL]
    # A deadline only to tell a hang from an exit, far past the second or two it takes.
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "200"), done.stderr[-2000:]


def test_an_app_let_go_without_its_lifespan_stops_its_fake_service_apis(pki: TestPKI) -> None:
    # Their stop was held for the interpreter's exit: each app a test suite made (a TestClient
    # used without 'with') kept a server thread and its socket until then, and the exit stopped
    # them one after another.
    import gc
    import threading
    import time

    before = set(threading.enumerate())
    client = _client(_served("skill", pki))
    assert spoken(turn(client, "launch"))
    (server,) = [t for t in set(threading.enumerate()) - before if t.name == "fake-alexa-api"]
    del client
    # The app is in reference cycles, so only a collection frees it; and a thread that ran
    # its last call (anyio's worker, preempted before it drops the call) may hold it through
    # one collection on a loaded machine. Collect until the stop, the deadline only to tell a
    # stop from none.
    deadline = time.monotonic() + 30
    while server.is_alive() and time.monotonic() < deadline:
        gc.collect()
        server.join(timeout=0.2)
    assert not server.is_alive()


# --- what the JSON API refuses, and why ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"not json", 400, "not JSON"),
        (b"[1]", 400, "a JSON object"),
        (b'{"action": "say"}', 400, "simulation"),
        (b'{"simulation": "../../etc", "action": "say"}', 400, "simulation"),
        (b'{"simulation": "simulation-1", "action": "fly"}', 400, "action"),
        (b'{"simulation": "simulation-1", "action": "say", "text": 5}', 400, "text"),
        (b'{"simulation": "simulation-1", "action": "say", "locale": "xx-XX"}', 400, "xx-XX"),
        (
            b'{"simulation": "simulation-1", "action": "say", "interfaces": ["Hologram"]}',
            400,
            "interfaces",
        ),
        (b'{"simulation": "simulation-1", "action": "say", "skill": 3}', 400, "no skill 3"),
        (b'{"simulation": "simulation-1", "action": "say", "skill": true}', 400, "skill"),
        (b'{"simulation": "simulation-1", "action": "audio", "token": "t"}', 400, "event"),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackStarted"}',
            400,
            "token",
        ),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackStarted", '
            b'"token": "t", "offset": -1}',
            400,
            "offset",
        ),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackStarted", '
            b'"token": "t", "interfaces": ["Display"]}',
            400,
            "no AudioPlayer",
        ),
        (b'{"simulation": "simulation-1", "action": "button", "command": "Rew"}', 400, "command"),
        (
            b'{"simulation": "simulation-1", "action": "button", "command": "Play", '
            b'"activity": "DANCING"}',
            400,
            "activity",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_reason(
    http: StarletteClient, body: bytes, status: int, reason: str
) -> None:
    response = http.post(
        "/_simulator/api/turn", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert reason in response.json()["error"]


def test_only_json_posts_from_the_page_itself_are_answered(http: StarletteClient) -> None:
    body = json.dumps({"simulation": ID, "action": "say", "text": "help"})
    form = http.post("/_simulator/api/turn", content=body, headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    elsewhere = http.post(
        "/_simulator/api/turn",
        content=body,
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    same = http.post(
        "/_simulator/api/turn",
        content=body,
        headers={"Content-Type": "application/json", "Origin": "http://localhost"},
    )
    assert same.status_code == 200
    assert http.get("/_simulator/api/turn").status_code == 405
    assert http.get("/_simulator/api/nothing").status_code == 404
    big = json.dumps({"simulation": ID, "action": "say", "text": "x" * 70000})
    assert (
        http.post(
            "/_simulator/api/turn", content=big, headers={"Content-Type": "application/json"}
        ).status_code
        == 413
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # Each was a 500 with a traceback in the log.
        (b'{"simulation": "simulation-1", "action": "say", "text": "\\ud800"}', "not Unicode"),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackStarted", '
            b'"token": "\\udc00"}',
            "not Unicode",
        ),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ],
)
def test_bodies_that_broke_the_simulator_are_refused(
    http: StarletteClient, body: bytes, reason: str
) -> None:
    response = http.post(
        "/_simulator/api/turn", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert reason in response.json()["error"]


@pytest.mark.parametrize(
    "fields",
    [
        # Each was a 500 with a traceback in the log: a list or an object where a name is
        # expected could not be looked up in a set.
        {"action": ["say"]},
        {"action": {"say": 1}},
        {"action": "button", "command": "Play", "activity": ["PLAYING"]},
        {"action": "say", "player": {"activity": {"PLAYING": 1}}},
    ],
)
def test_a_list_or_object_for_a_name_is_refused(
    http: StarletteClient, fields: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    body = {"simulation": ID, "text": "help", **fields}
    response = http.post("/_simulator/api/turn", json=body)
    assert response.status_code == 400, response.text
    assert "expected one of" in response.json()["error"]
    assert "the simulator failed" not in caplog.text


def test_a_route_known_for_another_method_answers_405(http: StarletteClient) -> None:
    # POST api/info was "no such API: /api/info", a 404 for a route that exists.
    response = http.post("/_simulator/api/info", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert "GET" in response.json()["error"]


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("attacker.example:8000", 403),  # a rebound name: the page of another site
        ("localhost:8000", 200),
        ("app.localhost", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("192.168.1.20:8000", 200),  # an address, not a name: no rebinding through it
    ],
)
def test_only_a_loopback_name_or_an_address_may_host_the_page(
    http: StarletteClient, host: str, status: int
) -> None:
    # The same-origin check compared Origin with the Host header, which a DNS-rebound page
    # controls: attacker.example, resolving to 127.0.0.1, passed it and drove the skill.
    body = json.dumps({"simulation": ID, "action": "say", "text": "help"})
    response = http.post(
        "/_simulator/api/turn",
        content=body,
        headers={"Content-Type": "application/json", "Host": host, "Origin": f"http://{host}"},
    )
    assert response.status_code == status
    if status == 403:
        assert "use localhost" in response.json()["error"]


@pytest.mark.parametrize("path", ["/_simulator/api/info", "/_simulator/api/nothing"])
def test_every_api_route_checks_the_host_and_origin(http: StarletteClient, path: str) -> None:
    # GET api/info skipped the checks api/turn makes: a rebound page read the skills' ids.
    rebound = {"Host": "attacker.example:8000", "Origin": "http://attacker.example:8000"}
    response = http.get(path, headers=rebound)
    assert response.status_code == 403 and "use localhost" in response.json()["error"]
    elsewhere = {"Host": "127.0.0.1:8000", "Origin": "https://evil.example"}
    response = http.get(path, headers=elsewhere)
    assert response.status_code == 403 and "origin" in response.json()["error"]
    assert http.get("/_simulator/api/info", headers={"Host": "127.0.0.1:8000"}).status_code == 200


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"action": "say", "text": "help", "player": "PLAYING"}, "player: expected"),
        ({"action": "say", "text": "help", "player": {"activity": "PLAYING"}}, "token"),
        ({"action": "button", "command": "Pause", "activity": "PAUSED"}, "token"),
    ],
)
def test_a_player_no_device_has_is_refused_with_a_reason(
    http: StarletteClient, fields: dict[str, Any], reason: str
) -> None:
    # A player that was not an object was ignored (the request sent with an idle player), and
    # one playing no stream was sent as it was: a context.AudioPlayer PLAYING without a token,
    # which no device reports.
    response = http.post("/_simulator/api/turn", json={"simulation": ID, **fields})
    assert response.status_code == 400, response.text
    assert reason in response.json()["error"]


def test_api_turn_for_another_method_names_the_one_it_answers(http: StarletteClient) -> None:
    # A 405 says which methods the route takes (RFC 9110), as api/info's does: it said none.
    response = http.get("/_simulator/api/turn")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_a_number_too_long_to_read_is_named_not_called_not_json(http: StarletteClient) -> None:
    # JSON allows it; Python reads no integer of more than 4300 digits: the page was told its
    # body was not JSON.
    body = b'{"simulation": "simulation-1", "action": "say", "skill": ' + b"9" * 5000 + b"}"
    response = http.post(
        "/_simulator/api/turn", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "the body holds a number too long to read (more than 4300 digits)"
    }
    # A body that is not UTF-8 is still not JSON.
    response = http.post(
        "/_simulator/api/turn",
        content=b'{"text": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.json() == {"error": "the body is not JSON"}


def test_a_file_of_the_page_posted_to_answers_405_with_a_reason(http: StarletteClient) -> None:
    # Its 405 had no body, where every other refusal of the simulator's says why in JSON.
    response = http.post("/_simulator/", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert "GET" in response.json()["error"]


def test_a_post_to_no_file_of_the_page_is_not_told_the_file_answers_get(
    http: StarletteClient,
) -> None:
    # A POST below /_simulator/ (as to a skill mounted there) was told "nosuch answers GET",
    # a file the page does not have; a GET of it answers 404.
    for method in ("GET", "POST"):
        response = http.request(method, "/_simulator/nosuch", json={})
        assert response.status_code == 404
        assert response.json() == {"error": "no such file: /nosuch"}
    # The page's own files still answer a POST 405.
    assert http.post("/_simulator/simulator.js", json={}).status_code == 405


def test_a_client_of_another_machine_is_warned_of_once(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # `serve --dev --host 0.0.0.0` warns at start; an app given with_simulator() and served
    # by uvicorn on another address said nothing, the simulator driven from the network.
    import logging

    caplog.set_level(logging.WARNING, logger="alexaskill.security")
    app = _served("skill", pki)
    for client in (("127.0.0.1", 5000), ("::1", 5000), ("::ffff:127.0.0.1", 5000)):
        with StarletteClient(app, base_url="http://localhost", client=client) as http:
            assert http.get("/_simulator/api/info").status_code == 200
    assert "not on this machine" not in caplog.text
    with StarletteClient(app, base_url="http://localhost", client=("192.0.2.7", 5000)) as http:
        assert http.get("/_simulator/api/info").status_code == 200
        assert http.get("/_simulator/").status_code == 200
    [record] = [r for r in caplog.records if "not on this machine" in r.getMessage()]
    assert record.name == "alexaskill.security"
    assert "192.0.2.7" in record.getMessage() and "127.0.0.1" in record.getMessage()


@pytest.mark.parametrize("path", ["/_simulator/api/turn", "/_simulator/api/info"])
def test_a_body_that_stalls_is_answered_408_not_waited_for(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    # api/turn read the page's body with no time limit: a client that sent part of it and
    # then nothing held the handler (and its connection) for as long as it liked. It has the
    # skill's own bound now (Skill(body_timeout=10.0) answers 408). api/info reads no body:
    # answered at once whatever its client sends. (The 30 s only ends the test on broken code.)
    import anyio

    from alexaskill.simulator import http as simulator_http

    monkeypatch.setattr(simulator_http, "BODY_SECONDS", 0.2)
    app = _served("skill", pki)
    sent: list[dict[str, Any]] = []
    first = [{"type": "http.request", "body": b'{"simulation": ', "more_body": True}]

    async def receive() -> dict[str, Any]:
        if first:
            return first.pop()
        await anyio.sleep_forever()
        raise AssertionError  # (never reached)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST" if path.endswith("turn") else "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }

    async def main() -> None:
        with anyio.fail_after(30):
            await app(scope, receive, send)

    anyio.run(main)
    start = sent[0]
    status = 408 if path.endswith("turn") else 200
    assert start["status"] == status
    if status == 408:
        assert (b"connection", b"close") in start["headers"]
        reason = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["error"]
        assert "body" in reason and "0.2 s" in reason

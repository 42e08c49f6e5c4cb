"""What the simulator's JSON API refuses, and why: it answers the page itself only (host, origin,
method, body) and refuses the rest with a reason. (Split from tests/test_simulator_serving.py,
which tests how the simulator is loaded, served and stopped.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill.testing import TestPKI

from . import simulator_shared
from .simulator_shared import ID, _served

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


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
        (
            b'{"simulation": "simulation-1", "action": "say", "text": "' + b"x" * 2001 + b'"}',
            400,
            "text: expected a string of at most 2,000 characters",
        ),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackStarted", '
            b'"token": "' + b"t" * 1025 + b'"}',
            400,
            "token: expected the stream's token (1 to 1,024 characters)",
        ),
        (
            b'{"simulation": "simulation-1", "action": "audio", "event": "PlaybackFailed", '
            b'"token": "t", "error": "' + b"e" * 2001 + b'"}',
            400,
            "error: expected a string of at most 2,000 characters",
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


@pytest.mark.parametrize("locale", ["x" * 5_000 + "END", ["x" * 5_000 + "END"]])
def test_a_long_locale_is_refused_quoted_cut(http: StarletteClient, locale: Any) -> None:
    # The 400's reason quoted the locale the page sent whole.
    body = json.dumps({"simulation": ID, "action": "say", "text": "help", "locale": locale})
    response = http.post(
        "/_simulator/api/turn", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("locale: ") and len(error) < 1_000, error[:300]


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
        "error": "the body holds a number too long to read (more than 4,300 digits)"
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

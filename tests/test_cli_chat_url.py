"""``alexaskill chat --url``: a ``serve --dev`` server talked to over HTTP, and a server that is
down, slow, or answers something other than an answer."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from alexaskill.cli import main
from tests.processes import free_port

from .cli_chat_shared import CAFE, MODEL_FILE, ROOT, _replying, chat, chat_with_server

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir
from .conftest import OTHER_SKILL_ID, SKILL_ID, Servers


@pytest.fixture(scope="module")
def cafe_server(
    tmp_path_factory: pytest.TempPathFactory, dev_dir: Path, module_servers: Servers
) -> str:
    """``alexaskill serve cafe:skill --dev``, shared by the tests that only talk to it: each
    opens sessions of its own, and what the served skill keeps (``_KEPT``) is read back only
    within the session that put it there."""
    directory = tmp_path_factory.mktemp("cafe-served")
    (directory / "cafe.py").write_text(CAFE, encoding="utf-8")
    return module_servers.serve_dev("cafe:skill", cwd=directory, dev_dir=dev_dir)[1]


def test_chat_with_a_serve_dev_server(
    workdir: Path, cafe_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = cafe_server
    said = "open the cafe\ni'd like a coffee\ngreet me\nhold on\ntoo late\nstop\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--url", url, "--invocation", "the cafe")
    assert code == 0, err
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert '  attributes: {"drink": "coffee"}\n' in out
    # The served skill's service API calls went to the fake chat serves on 127.0.0.1.
    assert "  skill:      Hello you.\n" in out
    assert "  alexa api:  progressive -> 204: Let me see\n" in out
    assert "  alexa api:  given_name -> 204\n" in out
    # A progressive response for a request answered already: refused, named, never heard.
    late = out.split("> too late\n")[1]
    assert "(a progressive response sent after the skill had answered request" in late
    assert "  progressive:" not in late and "  skill:      Late.\n" in late
    assert "  skill:      Goodbye.\n" in out


def test_chat_url_with_a_model_file_finds_the_skill_id_of_a_dev_server(
    workdir: Path, cafe_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = cafe_server
    model = ["model", "cafe:skill", "--invocation", "the cafe", "-o", "en-US.json"]
    assert main(model, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    # Without --skill-id, the id of the skill the --dev server serves (its simulator's).
    code, out, err = chat(monkeypatch, "open the cafe\n", "--model", "en-US.json", "--url", url)
    assert code == 0, err
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    # Another id: refused, and the chat says what to do.
    argv = ("--model", "en-US.json", "--url", url, "--skill-id", OTHER_SKILL_ID)
    code, out, err = chat(monkeypatch, "open the cafe\n", *argv)
    assert code == 0, err
    assert "  HTTP 400: request is for another skill\n" in out
    assert (
        "  (the server's skill has another application id: pass its id with --skill-id)\n"
    ) in out


def test_chat_url_to_a_server_that_is_down(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = chat(monkeypatch, "open pizza palace\n", "--model", MODEL_FILE, "--url", url)
    assert code == 2
    assert "is the server running? Start it with `alexaskill serve APP --dev`" in err


def test_no_request_lines_from_the_command(workdir: Path) -> None:
    # A process of its own, without pytest's logging set-up: the skill's start-up must not
    # configure the request line at INFO as a server's would.
    done = subprocess.run(
        [sys.executable, "-m", "alexaskill", "chat", "cafe:skill", "--invocation", "the cafe"],
        input="open the cafe\nstop\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=workdir,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Goodbye." in done.stdout
    assert "alexaskill.request" not in done.stdout + done.stderr


def test_chat_url_that_no_connection_reaches_in_time_says_so(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection that timed out (a host that is down, a firewall) was shown as the skill's
    # failure to answer ("HTTP 0: ConnectTimeout: timed out", ENDPOINT_TIMEOUT): the request
    # never left this machine.

    def no_connection(self: object, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_connection)
    url = "http://192.0.2.1:8000/"
    argv = ("--model", MODEL_FILE, "--url", url, "--skill-id", SKILL_ID)
    code, out, err = chat(monkeypatch, "open pizza palace\n", *argv)
    assert code == 2
    assert err == (
        f"alexaskill chat: error: cannot connect to {url}: no connection within 15 s (is the "
        "host up, and is its port open to this machine?)\n"
    )
    assert "ENDPOINT_TIMEOUT" not in out


def _too_slow(self: object, request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize(
    ("answer", "shown", "unsaid"),
    [
        (
            _too_slow,
            "  no answer within 15 s (Alexa gives up after about 8 s)\n",
            ["HTTP 0", "ReadTimeout"],
        ),
        (
            _replying(status_code=200, json=[1, 2]),
            "  (the answer is not a JSON object: Alexa says there was a problem with",
            [],
        ),
        # "HTTP 301" alone: where it pointed, and that chat does not follow it, went unsaid.
        (
            _replying(status_code=301, headers={"Location": "https://example.com/alexa"}),
            "  HTTP 301: a redirect to https://example.com/alexa, which chat --url does not "
            "follow: give that URL to --url if the skill is served there\n",
            [],
        ),
        # json.loads of 100000 "[" raises RecursionError, no ValueError: the turn failed with it.
        (
            _replying(status_code=200, content=b"[" * 100_000),
            "(the answer is not JSON: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            ["RecursionError"],
        ),
    ],
    ids=["too-slow", "json-list", "redirect", "nested-too-deeply"],
)
def test_chat_url_says_what_a_server_answered_in_place_of_an_answer(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: Callable[..., httpx.Response],
    shown: str,
    unsaid: list[str],
) -> None:
    code, out, err = chat_with_server(monkeypatch, answer, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert shown in out, out
    assert not [word for word in unsaid if word in out], out


def test_chat_url_to_a_server_answering_200_with_no_json_is_a_refused_answer(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A web page answered with 200 (--url naming another server) was taken for the skill's
    # answer: nothing said, no problem, the session quietly over. Alexa refuses it.

    def a_web_page(self: object, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>hello</html>", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", a_web_page)
    argv = ("--model", MODEL_FILE, "--url", "http://192.0.2.1:8000/", "--skill-id", "x", "--json")
    code, out, err = chat(monkeypatch, "open pizza palace\n", *argv)
    assert (code, err) == (0, "")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert "  → SessionEndedRequest ERROR INVALID_RESPONSE\n" in out
    assert '    answer: "<html>hello</html>"\n' in out  # what came, as --json shows it
    # In replay --url's words (it said "HTTP 200 with a body that is not a JSON object").
    assert "(the answer is not JSON: '<html>hello</html>': Alexa says there was a problem" in out


def test_chat_url_says_a_redirect_once_though_the_session_end_meets_it_too(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SessionEndedRequest Alexa sends after the refused answer goes to the same URL and
    # met the same redirect: its whole line was printed a second time.
    posted: list[str] = []

    def moved(self: object, request: httpx.Request) -> httpx.Response:
        posted.append(json.loads(request.content)["request"]["type"])
        headers = {"Location": "https://example.com/alexa"}
        return httpx.Response(301, headers=headers, request=request)

    code, out, err = chat_with_server(monkeypatch, moved, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert posted == ["LaunchRequest", "SessionEndedRequest"]  # (as Alexa sends them)
    assert out.count("a redirect to https://example.com/alexa") == 1, out
    ending = out.split("  → SessionEndedRequest ERROR INVALID_RESPONSE\n", 1)[1]
    assert ending.startswith("  HTTP 301 again, as above\n"), out


def test_chat_url_shows_the_session_ends_answer_when_it_is_another(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the same answer again is folded: a failure the session's end does not share is
    # shown with the answer to it.
    def failing_once(self: object, request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["request"]["type"] == "SessionEndedRequest":
            return httpx.Response(404, json={"error": "no skill here"}, request=request)
        return httpx.Response(500, json={"error": "handler failed"}, request=request)

    code, out, err = chat_with_server(monkeypatch, failing_once, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "  HTTP 500: handler failed\n" in out
    ending = out.split("  → SessionEndedRequest ERROR INVALID_RESPONSE\n", 1)[1]
    assert ending.startswith("  HTTP 404: no skill here\n"), out


def test_chat_url_requests_carry_the_scopes_alexa_api_grants(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --url sent no context.System.user.permissions, whatever --alexa-api granted.
    import json

    from alexaskill.alexa_api import Scope

    from .chat_transports import mock_http_transport

    seen: list[dict[str, dict[str, dict[str, dict[str, object]]]]] = []

    def skill(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"version": "1.0", "response": {}})

    transport = mock_http_transport(dev_dir.parent, monkeypatch, skill)
    try:
        transport.api.permissions = [Scope.NAME]
        assert transport.send({"type": "LaunchRequest"}, new_session=True).status_code == 200
    finally:
        transport.close()
    permissions = seen[0]["context"]["System"]["user"]["permissions"]
    assert permissions == {
        "consentToken": seen[0]["context"]["System"]["apiAccessToken"],
        "scopes": {Scope.NAME: {"status": "GRANTED"}},
    }


def test_chat_url_weighs_the_bytes_the_server_sent_against_the_size_limit(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30,000 "é" written by json.dumps (its default ensure_ascii: six bytes each) are 180,000
    # bytes sent, past Alexa's 120 KB; written again as compact UTF-8 JSON, 60,000: passed.
    import json

    from .chat_transports import mock_http_transport

    payload = {"version": "1.0", "sessionAttributes": {"notes": "é" * 30_000}, "response": {}}
    body = json.dumps(payload).encode()

    def skill(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    transport = mock_http_transport(dev_dir.parent, monkeypatch, skill)
    try:
        reply = transport.send({"type": "LaunchRequest"}, new_session=True)
    finally:
        transport.close()
    assert reply.refusal is not None
    assert reply.refusal.startswith(
        f"the answer is {len(body):,} bytes; the limit is 122,880 bytes"
    ), reply.refusal

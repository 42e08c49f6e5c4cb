"""The simulator's server side: served only under --dev, its JSON API, mounted skills, no key.

The page itself is tested in a real browser by tests/test_simulator_browser_*.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import AlexaApi, Context
from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL, DEV_PKI_ENV
from alexaskill.cli.serve import _prepare
from alexaskill.testing import TestPKI

ROOT = Path(__file__).resolve().parent.parent
SKILL_FILE = Path(__file__).with_name("simulator_skill.py")
STATIC = ROOT / "alexaskill" / "simulator" / "static"
ID = "simulation-0001"


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dev-pki")


@pytest.fixture(scope="module")
def pki(dev_dir: Path) -> TestPKI:
    return TestPKI.load_or_create(dev_dir, cert_url=DEV_CERT_URL)


def _client(app: Any, **options: Any) -> StarletteClient:
    """Starlette's test client as a browser on this machine asks: Host localhost (the
    simulator refuses a name such as the client's default, testserver, which could be a
    rebound one)."""
    return StarletteClient(app, base_url="http://localhost", **options)


def _served(spec: str, pki: TestPKI) -> Any:
    from alexaskill.simulator import with_simulator

    return with_simulator(load_object(f"{SKILL_FILE}:{spec}"), pki=pki)


@pytest.fixture
def http(pki: TestPKI) -> Iterator[StarletteClient]:
    with _client(_served("skill", pki)) as client:
        yield client


def turn(http: StarletteClient, action: str = "say", text: str = "", **fields: Any) -> Any:
    body = {"simulation": ID, "action": action, "text": text, **fields}
    response = http.post("/_simulator/api/turn", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def spoken(result: Any) -> list[str]:
    return list(result["turn"]["heard"])


# --- loaded and served only under --dev --------------------------------------------------------


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


def test_the_page_loads_nothing_from_elsewhere_and_holds_no_key() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "PRIVATE KEY" not in text
        # No CDN: every src and href is one of the simulator's own files.
        for match in (
            *__import__("re").findall(r'(?:src|href)="([^"]+)"', text),
            *__import__("re").findall(r"@import\s+url\(([^)]+)\)", text),
        ):
            assert match in ("simulator.css", "simulator.js", "#utterance"), match
    assert sorted(path.name for path in STATIC.iterdir()) == [
        "index.html",
        "simulator.css",
        "simulator.js",
    ]


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


# --- the JSON API ------------------------------------------------------------------------------


def test_info_lists_skills_locales_devices_and_examples(http: StarletteClient) -> None:
    info = http.get("/_simulator/api/info").json()
    assert info["skills"] == [
        {"index": 0, "path": "/", "skillId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
    ]
    assert "en-US" in info["locales"] and "en-GB" in info["locales"]
    assert info["devices"]["screen"] == ["AudioPlayer", "Display", "Alexa.Presentation.APL"]
    assert info["examples"][:3] == ["open the skill", "how is the sea", "show me the lighthouse"]


def test_info_names_the_locales_the_skill_declares_but_the_page_cannot_speak(
    http: StarletteClient, pki: TestPKI, tmp_path: Path
) -> None:
    # The skill has German samples; the dialog emulation understands English only. The page
    # offered en-* without a word about de-DE: an author with a German model looked for it.
    info = http.get("/_simulator/api/info").json()
    assert "de-DE" not in info["locales"]
    assert info["unheard"] == ["de-DE"]
    model = tmp_path / "en-US.json"
    model.write_text(
        json.dumps(
            {
                "interactionModel": {
                    "languageModel": {
                        "invocationName": "the lighthouse",
                        "intents": [],
                        "types": [],
                    }
                }
            }
        )
    )
    from alexaskill.simulator import with_simulator

    with _client(with_simulator(load_object(f"{SKILL_FILE}:skill"), pki=pki, model=model)) as other:
        assert other.get("/_simulator/api/info").json()["unheard"] == []  # the model's locales


def test_a_turn_is_understood_signed_and_answered(http: StarletteClient, pki: TestPKI) -> None:
    result = turn(http, text="open the lighthouse")
    data = result["turn"]
    assert data["understood"]["kind"] == "launch"
    (exchange,) = data["exchanges"]
    assert exchange["status"] == 200
    assert exchange["request"]["type"] == "LaunchRequest"
    # The whole envelope sent, and its signature made here with the development key.
    envelope = exchange["envelope"]
    assert envelope["session"]["new"] is True
    assert envelope["context"]["System"]["apiEndpoint"].startswith("http://127.0.0.1:")
    assert exchange["headers"]["SignatureCertChainUrl"] == DEV_CERT_URL
    body = json.dumps(envelope, ensure_ascii=False).encode()
    assert exchange["headers"]["Signature-256"] == pki.sign(body)["Signature-256"]
    ssml = exchange["response"]["response"]["outputSpeech"]["ssml"]
    assert '<break time="700ms"/>' in ssml and "<audio src=" in ssml
    assert result["state"]["session"]["attributes"] == {"turns": 1}
    again = turn(http, text="how is the sea")
    assert "That was turn 2." in spoken(again)[0]
    assert again["turn"]["exchanges"][0]["envelope"]["session"]["new"] is False


def test_a_dialog_asks_and_the_answer_completes_it(http: StarletteClient) -> None:
    asked = turn(http, text="ask the lighthouse to book a tour")["turn"]
    assert asked["exchanges"] == []
    assert asked["prompts"] == ["For how many people?"]
    assert asked["dialog"] == {
        "intent": "BookTour",
        "state": "IN_PROGRESS",
        "expecting": "slot people",
    }
    answered = turn(http, text="four")["turn"]
    assert answered["exchanges"][0]["request"]["dialogState"] == "COMPLETED"
    assert spoken({"turn": answered}) == ["Your tour for 4 is booked."]


def test_an_answer_alexa_refuses_is_not_heard_and_the_skill_hears_of_it(
    http: StarletteClient,
) -> None:
    turn(http, "launch")
    refused = turn(http, text="garble it")
    answered, ended = refused["turn"]["exchanges"]
    assert answered["refusal"].startswith("outputSpeech.ssml: not well-formed XML")
    assert ended["envelope"]["request"]["reason"] == "ERROR"
    assert ended["envelope"]["request"]["error"]["type"] == "INVALID_RESPONSE"
    assert spoken(refused) == ["There was a problem with the requested skill's response."]
    assert refused["turn"]["prompts"] == []
    assert refused["turn"]["problem"] == "There was a problem with the requested skill's response."
    assert refused["state"]["session"] is None


def test_a_request_without_the_skills_name_is_not_routed_outside_a_session(
    http: StarletteClient,
) -> None:
    said = turn(http, text="how is the sea")["turn"]
    assert said["exchanges"] == []
    assert said["understood"]["intent"] == "SeaWeather"
    assert said["notes"] == [
        "Alexa would not route this to the skill: say 'ask the skill …' or 'open the skill'"
    ]
    turn(http, "launch")
    assert "The sea is calm" in spoken(turn(http, text="how is the sea"))[0]


def test_requests_carry_the_players_state_and_stop_while_it_plays_is_a_pause(
    http: StarletteClient,
) -> None:
    playing = {"activity": "PLAYING", "token": "harbour-1", "offset": 1200}
    said = turn(http, text="stop", player=playing)["turn"]
    (exchange,) = said["exchanges"]
    assert exchange["envelope"]["request"]["intent"]["name"] == "AMAZON.PauseIntent"
    assert exchange["envelope"]["context"]["AudioPlayer"] == {
        "token": "harbour-1",
        "offsetInMilliseconds": 1200,
        "playerActivity": "PLAYING",
    }
    (stop,) = exchange["response"]["response"]["directives"]
    assert stop["type"] == "AudioPlayer.Stop"
    assert said["notes"] == [
        "AMAZON.StopIntent while the skill's audio plays: Alexa sends AMAZON.PauseIntent"
    ]
    # Paused, the player's stream can be resumed without the skill's name; nothing else can.
    stopped = {**playing, "activity": "STOPPED"}
    assert turn(http, text="stop", player=stopped)["turn"]["exchanges"] == []
    idle = turn(http, text="how is the sea", player={"activity": "IDLE"})["turn"]
    assert idle["exchanges"] == []
    opened = turn(http, "launch", player={"activity": "IDLE"})["turn"]
    assert opened["exchanges"][0]["envelope"]["context"]["AudioPlayer"] == {
        "playerActivity": "IDLE"
    }
    response = http.post(
        "/_simulator/api/turn",
        json={"simulation": ID, "action": "say", "text": "stop", "player": {"activity": "LOUD"}},
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("activity: expected one of")


def test_silence_plays_the_reprompt_then_ends_the_session(http: StarletteClient) -> None:
    turn(http, "launch")
    quiet = turn(http, "silence")
    assert quiet["turn"]["exchanges"] == []
    assert quiet["turn"]["reprompt"] == "Ask for the weather at sea, a picture, or book a tour."
    assert spoken(quiet) == [quiet["turn"]["reprompt"]]
    assert quiet["state"]["session"] is not None
    ended = turn(http, "silence")
    (exchange,) = ended["turn"]["exchanges"]
    assert exchange["envelope"]["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert ended["state"]["session"] is None


def test_device_locale_and_session_controls(http: StarletteClient) -> None:
    turn(http, text="ask the lighthouse how is the sea")
    speaker = turn(http, text="show me the lighthouse")
    assert "card" not in speaker["turn"]["exchanges"][0]["response"]["response"]
    screen = ["AudioPlayer", "Display", "Alexa.Presentation.APL"]
    moved = turn(http, "configure", interfaces=screen, locale="en-GB")
    assert moved["notes"] == [
        "now speaking en-GB",
        "now a device with AudioPlayer, Display, Alexa.Presentation.APL",
        "a new session",
    ]
    assert moved["turn"] is None and moved["state"]["session"] is None
    shown = turn(
        http, text="ask the lighthouse to show me the lighthouse", interfaces=screen, locale="en-GB"
    )
    exchange = shown["turn"]["exchanges"][0]
    assert exchange["envelope"]["request"]["locale"] == "en-GB"
    assert "Display" in exchange["envelope"]["context"]["System"]["device"]["supportedInterfaces"]
    assert exchange["response"]["response"]["card"]["type"] == "Standard"
    assert shown["state"]["session"]["attributes"] == {"turns": 1}
    ended = turn(http, "end", interfaces=screen, locale="en-GB")
    assert ended["turn"]["exchanges"][0]["request"]["type"] == "SessionEndedRequest"
    assert ended["state"]["session"] is None
    turn(http, "launch", interfaces=screen, locale="en-GB")
    fresh = turn(http, "new_session", interfaces=screen, locale="en-GB")
    assert fresh["notes"] == ["a new session: the next request starts it"]
    assert fresh["state"]["session"] is None
    after = turn(
        http, text="ask the lighthouse to how is the sea", interfaces=screen, locale="en-GB"
    )
    assert after["turn"]["exchanges"][0]["envelope"]["session"]["new"] is True


def test_audio_player_directives_and_service_api_calls_are_reported(
    http: StarletteClient,
) -> None:
    played = turn(http, text="ask the lighthouse to play the harbour")["turn"]
    (directive,) = played["exchanges"][0]["response"]["response"]["directives"]
    assert directive["type"] == "AudioPlayer.Play"
    assert directive["audioItem"]["stream"]["url"].endswith("harbour-sounds.mp3")
    assert played["apiCalls"] == []


def test_the_audio_players_events_reach_the_skill_as_a_device_sends_them(
    http: StarletteClient,
) -> None:
    opened = turn(http, "launch")
    session_id = opened["state"]["session"]["sessionId"]
    played = turn(http, text="play the harbour")["turn"]
    assert played["sessionOpen"] is False
    # The page's player starts the stream: PlaybackStarted, outside any session.
    started = turn(http, "audio", event="PlaybackStarted", token="harbour-1", offset=0)
    (exchange,) = started["turn"]["exchanges"]
    envelope = exchange["envelope"]
    assert "session" not in envelope
    assert envelope["request"]["type"] == "AudioPlayer.PlaybackStarted"
    assert envelope["request"]["token"] == "harbour-1"
    assert envelope["request"]["offsetInMilliseconds"] == 0
    assert envelope["context"]["AudioPlayer"] == {
        "token": "harbour-1",
        "offsetInMilliseconds": 0,
        "playerActivity": "PLAYING",
    }
    assert exchange["status"] == 200 and exchange["response"]["response"] == {}
    assert started["turn"]["heard"] == [] and started["turn"]["understood"] is None
    # Near its end the skill queues the next stream, as Amazon's rules allow there.
    nearly = turn(http, "audio", event="PlaybackNearlyFinished", token="harbour-1", offset=2500)
    (directive,) = nearly["turn"]["exchanges"][0]["response"]["response"]["directives"]
    assert directive["playBehavior"] == "ENQUEUE"
    assert directive["audioItem"]["stream"]["token"] == "foghorn-1"
    assert directive["audioItem"]["stream"]["expectedPreviousToken"] == "harbour-1"
    finished = turn(http, "audio", event="PlaybackFinished", token="harbour-1", offset=3000)
    player = finished["turn"]["exchanges"][0]["envelope"]["context"]["AudioPlayer"]
    assert player["playerActivity"] == "FINISHED"
    # The user pauses the next one: PlaybackStopped, with where (no handler: no answer).
    stopped = turn(http, "audio", event="PlaybackStopped", token="foghorn-1", offset=1234)
    (exchange,) = stopped["turn"]["exchanges"]
    assert exchange["envelope"]["request"]["offsetInMilliseconds"] == 1234
    assert exchange["envelope"]["context"]["AudioPlayer"]["playerActivity"] == "STOPPED"
    assert exchange["status"] == 200 and exchange["response"]["response"] == {}
    failed = turn(http, "audio", event="PlaybackFailed", token="foghorn-1", error="404")
    request = failed["turn"]["exchanges"][0]["envelope"]["request"]
    assert request["error"] == {"type": "MEDIA_ERROR_UNKNOWN", "message": "404"}
    assert request["currentPlaybackState"]["token"] == "foghorn-1"
    # The user's session was not touched by the events: the next utterance starts a new one.
    after = turn(http, text="ask the lighthouse how is the sea")
    assert after["turn"]["exchanges"][0]["envelope"]["session"]["new"] is True
    assert after["state"]["session"]["sessionId"] != session_id


def test_a_rule_the_skill_broke_is_in_the_turns_notes(http: StarletteClient) -> None:
    started = turn(http, "audio", event="PlaybackStarted", token="bell-1", offset=0)["turn"]
    assert started["exchanges"][0]["response"]["response"] == {}
    (note,) = started["notes"]
    # Then the handler, by its module; or by its file where the command line imported the file
    # under a name of its own, as it does when this worker imported ``simulator_skill`` already.
    said = note.removeprefix("rule violation: ")
    assert said != note
    assert said.removeprefix("simulator_skill.py:").removeprefix("simulator_skill.") == (
        "started answered AudioPlayer.PlaybackStarted with outputSpeech: dropped "
        "(Alexa takes only AudioPlayer.ClearQueue or AudioPlayer.Stop in reply to "
        "AudioPlayer.PlaybackStarted, and no speech, card or reprompt)"
    )


def test_a_media_button_sends_its_playback_controller_request(http: StarletteClient) -> None:
    # Nothing played yet: the player is idle, and the skill answers Next with a stream.
    pressed = turn(http, "button", command="Next")["turn"]
    (exchange,) = pressed["exchanges"]
    envelope = exchange["envelope"]
    assert envelope["request"]["type"] == "PlaybackController.NextCommandIssued"
    assert "session" not in envelope
    assert envelope["context"]["AudioPlayer"] == {"playerActivity": "IDLE"}
    (directive,) = exchange["response"]["response"]["directives"]
    assert directive["type"] == "AudioPlayer.Play"
    assert directive["audioItem"]["stream"]["token"] == "foghorn-1"
    # Pause while it plays: the player's state goes with the request, the skill answers Stop.
    paused = turn(
        http, "button", command="Pause", token="foghorn-1", offset=800, activity="PLAYING"
    )["turn"]
    envelope = paused["exchanges"][0]["envelope"]
    assert envelope["request"]["type"] == "PlaybackController.PauseCommandIssued"
    assert envelope["context"]["AudioPlayer"] == {
        "token": "foghorn-1",
        "offsetInMilliseconds": 800,
        "playerActivity": "PLAYING",
    }
    (stop,) = paused["exchanges"][0]["response"]["response"]["directives"]
    assert stop["type"] == "AudioPlayer.Stop"


def test_an_audio_event_of_a_device_since_changed_is_not_sent(http: StarletteClient) -> None:
    turn(http, text="ask the lighthouse to play the harbour")
    screen = ["AudioPlayer", "Display"]
    late = turn(http, "audio", event="PlaybackFinished", token="harbour-1", interfaces=screen)
    assert late["turn"] is None
    assert late["notes"] == ["AudioPlayer.PlaybackFinished of a device since changed: not sent"]


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


def test_the_service_api_calls_kept_are_bounded_and_each_turn_sees_its_own(pki: TestPKI) -> None:
    # FakeAlexaApi.calls grew by each call of every turn for the server's life; the fake now
    # keeps its most recent calls only, and each turn still lists exactly its own.
    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator
    from alexaskill.testing import FakeAlexaApi

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")

    @skill.intent("Look", utterances=["look it up"])
    async def look(api: AlexaApi) -> Any:
        await api.progressive("Let me look.")
        return speak("Found it.")

    app = with_simulator(skill, pki=pki, api=FakeAlexaApi(keep_calls=2))
    with _client(app) as client:
        for _ in range(3):
            result = turn(client, text="ask the skill to look it up")
            assert [call["speech"] for call in result["turn"]["apiCalls"]] == ["Let me look."]
        assert len(app.simulator.api.calls) == 2
        assert app.simulator.api.call_count == 3


def test_a_skill_that_never_answers_ends_its_turn_and_not_the_simulator(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A turn to a skill without a deadline that never answered held the simulator's lock for
    # ever: every page's turns hung (httpx's ASGI transport ignores the client's timeout).
    import asyncio

    from alexaskill import Skill, speak
    from alexaskill.simulator import server, with_simulator

    monkeypatch.setattr(server, "ANSWER_WAIT", 0.5)
    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000", deadline=None)

    @skill.intent("Stuck", utterances=["get stuck"])
    async def stuck() -> Any:
        await asyncio.sleep(60)
        return speak("too late")

    @skill.intent("Fine", utterances=["be fine"])
    def fine() -> Any:
        return speak("All fine.")

    with _client(with_simulator(skill, pki=pki)) as client:
        result = turn(client, text="ask the skill to get stuck")
        assert result["turn"]["notes"] == [
            "no answer from the skill within 0.5 s (Alexa waits about 8 s): Alexa says there "
            "was a problem with the skill's response, and the session ends"
        ]
        # The next turn's skill answers: the wait is long again (0.5 s, a stall would end it).
        monkeypatch.setattr(server, "ANSWER_WAIT", 30.0)
        other = {
            "simulation": "another-page-01",
            "action": "say",
            "text": "ask the skill to be fine",
        }
        answer = client.post("/_simulator/api/turn", json=other).json()
        assert answer["turn"]["heard"] == ["All fine."]


def test_a_handler_that_raises_is_in_the_turns_notes(pki: TestPKI) -> None:
    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")

    @skill.intent("Crash", utterances=["crash"])
    def crash() -> Any:
        raise ValueError("boom")

    with _client(with_simulator(skill, pki=pki)) as client:
        result = turn(client, text="ask the skill to crash")
        assert spoken(result) == ["Sorry, something went wrong. Please try again later."]
        assert result["turn"]["notes"] == [
            "a handler raised: ValueError: boom (see the server's log)"
        ]
    assert skill.on_handler_error is None  # the simulator's listener is gone after the turn


def test_a_skill_mounted_in_a_bigger_app(pki: TestPKI) -> None:
    with _client(_served("portal", pki)) as http:
        info = http.get("/_simulator/api/info").json()
        assert [skill["path"] for skill in info["skills"]] == ["/lighthouse/"]
        result = turn(http, text="ask the lighthouse how is the sea")
        assert result["state"]["skillPath"] == "/lighthouse/"
        assert "The sea is calm" in spoken(result)[0]
        # The app's own routes are untouched.
        assert http.get("/").text == "the portal's own page"


def test_an_app_without_a_skill_is_refused() -> None:
    from starlette.applications import Starlette

    from alexaskill.simulator import with_simulator

    with pytest.raises(ValueError, match="found no skill"):
        with_simulator(Starlette())


def test_the_fake_service_apis_stop_with_the_app(pki: TestPKI) -> None:
    app = _served("skill", pki)
    with _client(app) as http:
        turn(http, text="help")
        assert app.simulator._stack is not None
    assert app.simulator._stack is None and app.simulator._http is None


def test_the_page_chooses_among_the_skills_an_app_mounts(pki: TestPKI) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    lighthouse = load_object(f"{SKILL_FILE}:skill")
    other = Skill("amzn1.ask.skill.other")
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    app = Starlette(
        routes=[
            lighthouse.mount("/lighthouse"),
            Mount("/nested", routes=[Mount("/other", app=other)]),
        ]
    )
    with _client(with_simulator(app, pki=pki)) as http:
        skills = http.get("/_simulator/api/info").json()["skills"]
        assert [(item["path"], item["skillId"]) for item in skills] == [
            ("/lighthouse/", "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"),
            ("/nested/other/", "amzn1.ask.skill.other"),
        ]
        first = turn(http, text="ask the lighthouse how is the sea")
        assert "The sea is calm" in spoken(first)[0]
        moved = turn(http, text="ask the other skill to say hello", skill=1)
        assert moved["notes"] == ["now talking to the skill at /nested/other/", "a new session"]
        assert spoken(moved) == ["Hello from the other skill."]
        assert moved["turn"]["exchanges"][0]["envelope"]["session"]["new"] is True


# --- an interaction model file instead of the model built from the code -----------------------


def model_file(path: Path, samples: list[str], invocation: str = "light house") -> Path:
    """An ASK CLI model file at ``path``: SeaWeather said with ``samples``, help and stop."""
    intents = [
        {"name": "SeaWeather", "slots": [], "samples": samples},
        {"name": "AMAZON.HelpIntent", "samples": []},
        {"name": "AMAZON.StopIntent", "samples": []},
    ]
    language = {"invocationName": invocation, "intents": intents}
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}))
    return path


def with_model(pki: TestPKI, model: Path, spec: str = "skill") -> Any:
    from alexaskill.simulator import with_simulator

    return with_simulator(load_object(f"{SKILL_FILE}:{spec}"), pki=pki, model=model)


def test_a_model_file_is_what_the_simulator_understands(pki: TestPKI, tmp_path: Path) -> None:
    # A sample only the file has, in the file's locale; the code's model is not consulted.
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-GB"] and info["locale"] == "en-GB"
        # Opened by the file's invocation name: "open the skill" would not open it.
        assert info["examples"] == ["open light house", "what are the waves doing", "help", "stop"]
        opened = turn(http, text="open light house", locale="en-GB")
        assert opened["turn"]["understood"]["kind"] == "launch"
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-GB"
        # A locale the file has no model for is refused with the reason.
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == (f"locale: 'en-US' has no model in {path}; one of en-GB")


def test_an_edited_model_file_is_read_again_on_the_next_turn(pki: TestPKI, tmp_path: Path) -> None:
    # Edit the model while the server runs, say it again: no restart (nor --reload) needed.
    path = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["exact"] is False
        model_file(path, ["what are the waves doing", "how big is the swell"])
        later = path.stat().st_mtime_ns + 2_000_000_000  # a new time, on any file system's clock
        os.utime(path, ns=(later, later))
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["intent"] == "SeaWeather" and said["understood"]["exact"]
        path.write_text("{not json")  # broken mid-session: the turn says why, nothing crashes
        os.utime(path, ns=(later + 10**9, later + 10**9))
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400 and "not JSON" in refused.json()["error"]
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-US"]


def test_a_model_directory_offers_each_of_its_locales(pki: TestPKI, tmp_path: Path) -> None:
    # The ASK CLI's interactionModels/custom: a file a locale, others (notes.json) left alone.
    model_file(tmp_path / "en-US.json", ["how rough is the water"])
    model_file(tmp_path / "en-AU.json", ["how is the swell"], invocation="the lighthouse")
    (tmp_path / "notes.json").write_text("{}")
    with _client(with_model(pki, tmp_path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-AU", "en-US"] and info["locale"] == "en-US"
        said = turn(http, text="how rough is the water")["turn"]
        assert said["understood"]["exact"] is True
        moved = turn(http, "configure", locale="en-AU")
        assert moved["notes"] == ["now speaking en-AU", "a new session"]
        said = turn(http, text="ask the lighthouse how is the swell", locale="en-AU")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-AU"


def test_a_model_file_named_after_no_locale_serves_every_locale(
    pki: TestPKI, tmp_path: Path
) -> None:
    from alexaskill.understanding import supported_locales

    path = model_file(tmp_path / "model.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == list(supported_locales()) and info["locale"] == "en-US"
        said = turn(http, text="what are the waves doing", locale="en-IN")["turn"]
        assert said["understood"]["exact"] is True


def test_a_model_that_cannot_serve_is_refused_before_any_skill_trusts_the_key(
    pki: TestPKI, tmp_path: Path
) -> None:
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    verifier = skill.verifier
    model_file(tmp_path / "fr-FR.json", ["quel temps fait-il en mer"])
    model_file(tmp_path / "ok.json", ["what are the waves doing"])
    (tmp_path / "nothing").mkdir()
    two = Starlette(routes=[skill.mount("/a"), Skill("amzn1.ask.skill.other").mount("/b")])
    cases = [
        (skill, tmp_path / "missing.json", "missing.json: no such file or directory"),
        (skill, tmp_path / "fr-FR.json", "fr-FR.json: a model for fr-FR, not a locale understood"),
        (skill, tmp_path / "nothing", "nothing: no <locale>.json model files"),
        (two, tmp_path / "ok.json", "one skill's, and this app serves 2 (/a/, /b/)"),
    ]
    for app, path, reason in cases:
        with pytest.raises(ValueError, match=re.escape(reason)):
            with_simulator(app, pki=pki, model=path)
    assert skill.verifier is verifier  # refused before the development key was trusted


def test_serve_model_needs_dev_and_reports_a_broken_file_at_start(
    dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.cli import UsageError, main
    from alexaskill.simulator import SimulatorApp

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    good = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with pytest.raises(UsageError, match="--model is the simulator's: add --dev"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), False, None, str(good))
    app = _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(good))
    assert isinstance(app, SimulatorApp) and app.simulator.model == good
    broken = tmp_path / "en-GB.json"
    broken.write_text('{"interactionModel": {"languageModel": {"intents": "many"}}}')
    with pytest.raises(UsageError, match=r"^--model: .*en-GB\.json"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(broken))
    with pytest.raises(UsageError, match="no such file or directory"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(tmp_path / "x"))
    # The command line refuses --model without --dev before it starts any server.
    out, err = io.StringIO(), io.StringIO()
    code = main(["serve", f"{SKILL_FILE}:skill", "--model", str(good)], stdout=out, stderr=err)
    assert code == 2 and "--model is the simulator's: add --dev" in err.getvalue()


def test_a_handler_error_of_another_request_meanwhile_is_not_the_turns(pki: TestPKI) -> None:
    # The simulator listened to every handler error while its request was posted: another
    # client's (chat --url, a device through a tunnel) showed in the turn's notes.
    import json as json_

    from starlette.testclient import TestClient as StarletteClient

    from alexaskill import Response, Skill, speak
    from alexaskill.simulator.session import SkillTarget, _Transport
    from alexaskill.testing import RequestFactory

    skill_id = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
    skill = Skill(skill_id, verifier=pki.verifier())

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    @skill.intent("Crash")
    def crash() -> Response:
        raise ValueError("another client's")

    others = json_.dumps(RequestFactory(skill_id=skill_id).intent("Crash")).encode()
    with StarletteClient(skill) as http:

        def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
            meanwhile = {"Content-Type": "application/json", **pki.sign(others)}
            assert http.post(path, content=others, headers=meanwhile).status_code == 200
            answer = http.post(path, content=body, headers=dict(headers))
            return answer.status_code, answer.json()

        target = SkillTarget("/", skill)
        transport = _Transport(target, pki, post, "en-US", (), "https://api.amazonalexa.com")
        reply = transport.send({"type": "LaunchRequest"}, new_session=True)
    assert reply.status_code == 200
    assert transport.raised == []


def test_a_rule_broken_is_noted_though_the_skill_disabled_its_logger(
    http: StarletteClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulator heard violations through the `alexaskill` logger: silenced, it saw none.
    import logging

    monkeypatch.setattr(logging.getLogger("alexaskill"), "disabled", True)
    started = turn(http, "audio", event="PlaybackStarted", token="bell-1", offset=0)["turn"]
    (note,) = started["notes"]
    assert note.startswith("rule violation: ")


def test_a_progressive_response_after_the_answer_is_refused_and_noted(pki: TestPKI) -> None:
    # The simulator's fake took a progressive response sent after the answer (a task the
    # handler left running) with 204, as Alexa never does: the TestClient and chat refuse it.
    import asyncio
    import threading
    import time

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")
    release = threading.Event()
    left_running: list[asyncio.Task[None]] = []

    @skill.intent("Look", utterances=["look it up"])
    async def look(api: AlexaApi) -> Any:
        async def later() -> None:
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 30)
            await api.progressive("Still looking.")

        left_running.append(asyncio.create_task(later()))
        return speak("Found it.")

    @skill.intent("Fine", utterances=["be fine"])
    def fine() -> Any:
        return speak("All fine.")

    app = with_simulator(skill, pki=pki)
    with _client(app) as client:
        first = turn(client, text="ask the skill to look it up")
        assert first["turn"]["heard"] == ["Found it."]
        release.set()
        deadline = time.monotonic() + 60  # a bound on the wait, not an assertion on time
        while not any(c.speech == "Still looking." for c in app.simulator.api.calls):
            assert time.monotonic() < deadline, "the handler's task never sent its speech"
            time.sleep(0.02)
        (late,) = [c for c in app.simulator.api.calls if c.speech == "Still looking."]
        assert late.status == 403
        assert "Unrecognized requestId" in late.answer["message"]
        request_id = first["turn"]["exchanges"][0]["envelope"]["request"]["requestId"]
        after = turn(client, text="ask the skill to be fine")
        assert after["turn"]["heard"] == ["All fine."]
        (note,) = after["turn"]["notes"]
        assert "'Still looking.'" in note and request_id in note
        assert "after the skill had answered" in note and "403" in note
        # Said once: the turn after has nothing more to say of it.
        assert turn(client, text="ask the skill to be fine")["turn"]["notes"] == []


def test_a_rule_broken_in_answer_to_the_user_is_in_the_turns_notes(pki: TestPKI) -> None:
    # Only the device's events had their rule violations noted: a user's turn whose answer
    # broke one (a Play keeping the session open, an APL-only launch on a speaker) said nothing.
    from alexaskill import Skill, ask
    from alexaskill.directives import AudioPlayer
    from alexaskill.simulator import with_simulator

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")

    @skill.intent("PlayAndAsk", utterances=["play and ask"])
    def play_and_ask() -> Any:
        stream = AudioPlayer.Play("https://streams.example.com/sea.mp3", "sea")
        return ask("Here it is. Another?", directives=[stream])

    app = with_simulator(skill, pki=pki)
    with _client(app) as client:
        result = turn(client, text="ask the skill to play and ask")
    [note] = result["turn"]["notes"]
    assert note.startswith("rule violation: ")
    assert "the stream is paused at once" in note


def test_today_is_the_date_on_the_simulated_devices_clock(pki: TestPKI) -> None:
    # "today" was read on this machine's local clock; a device reads it in its time zone (the
    # fake Alexa API's, as the skill's AlexaApi.today() does), else UTC. Of these two zones, 25
    # hours apart, at least one is on another date than UTC at any hour.
    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator
    from alexaskill.testing import FakeAlexaApi
    from alexaskill.testing.requests import device_time

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")

    @skill.intent("Weather", utterances=["the weather {day}"], slots={"day": "AMAZON.DATE"})
    def weather(day: str) -> Any:
        return speak(f"On {day}.")

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        app = with_simulator(skill, pki=pki, api=FakeAlexaApi(time_zone=zone))
        with _client(app) as client:
            before = device_time(None, zone).date()
            result = turn(client, text="ask the skill for the weather today")
            after = device_time(None, zone).date()
        assert spoken(result)[0] in (f"On {before}.", f"On {after}."), zone


def test_a_model_file_with_a_byte_order_mark(pki: TestPKI, tmp_path: Path) -> None:
    # As a Windows editor saves it (and as chat --model reads it): it was "not JSON".
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"


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


def test_a_200_answer_that_is_not_json_is_refused_as_alexa_refuses_it(pki: TestPKI) -> None:
    # An app whose route before the skill's mount answers its path with a web page: the page
    # was read as {"error": <the page>}, an object taken for the skill's answer (nothing said,
    # no problem, the session quietly over).
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")

    async def page(request: Any) -> HTMLResponse:
        return HTMLResponse("<html>hello</html>")

    app = Starlette(routes=[Route("/a/", page, methods=["POST"]), skill.mount("/a")])
    with _client(with_simulator(app, pki=pki)) as client:
        result = turn(client, text="open the lighthouse")
        assert result["turn"]["exchanges"][0]["status"] == 200
        assert (
            result["turn"]["problem"] == "There was a problem with the requested skill's response."
        )
        # Why, for the author: a 200 is refused for its body, not for its status.
        assert result["turn"]["exchanges"][0]["response"] == "<html>hello</html>"  # shown
        refusal = result["turn"]["exchanges"][0]["refusal"]
        assert refusal == "the skill answered HTTP 200 with a body that is not a JSON object"


def test_api_turn_for_another_method_names_the_one_it_answers(http: StarletteClient) -> None:
    # A 405 says which methods the route takes (RFC 9110), as api/info's does: it said none.
    response = http.get("/_simulator/api/turn")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(("interfaces", "kept"), [((), False), (("Display",), True)])
def test_the_transport_follows_the_device_rule_for_an_answer_without_should_end_session(
    pki: TestPKI, interfaces: tuple[str, ...], kept: bool
) -> None:
    # An answer that leaves shouldEndSession out ends the session on a device without a
    # screen and keeps it on one with a screen: the transport kept it open on both.
    from alexaskill import Skill
    from alexaskill.simulator.session import SkillTarget, _Transport

    def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return 200, {"version": "1.0", "response": {}}

    target = SkillTarget("/", Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000"))
    transport = _Transport(target, pki, post, "en-US", interfaces, "https://api.amazonalexa.com")
    assert transport.send({"type": "LaunchRequest"}, new_session=True).status_code == 200
    assert (transport.session is not None) is kept


def test_the_fake_alexa_api_answers_the_token_a_turn_carried_only(http: StarletteClient) -> None:
    # The simulator serves the fake Alexa API to its skill: the apiAccessToken its request
    # carried is answered, another refused (401 INVALID_TOKEN), as Alexa's APIs do.
    import httpx

    envelope = turn(http, text="open the lighthouse")["turn"]["exchanges"][0]["envelope"]
    system = envelope["context"]["System"]
    url = system["apiEndpoint"] + "/v2/accounts/~current/settings/Profile.givenName"
    statuses = {}
    for token in (system["apiAccessToken"], "a-token-no-request-carried"):
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        statuses[token] = (answer.status_code, answer.text)
    assert statuses[system["apiAccessToken"]][0] in (200, 204)
    wrong = statuses["a-token-no-request-carried"]
    assert wrong[0] == 401 and "INVALID_TOKEN" in wrong[1]


def test_the_requests_carry_the_scopes_the_fake_apis_grant(pki: TestPKI) -> None:
    # The simulator's requests carried no context.System.user.permissions, whatever its
    # FakeAlexaApi granted: a skill checking user.granted(...) could not be tried in it.
    from alexaskill.alexa_api import Scope
    from alexaskill.simulator import with_simulator
    from alexaskill.testing import FakeAlexaApi

    skill = load_object(f"{SKILL_FILE}:skill")
    app = with_simulator(skill, pki=pki, api=FakeAlexaApi(permissions=[Scope.EMAIL]))
    with _client(app) as http:
        sent = turn(http, "launch")["turn"]["exchanges"][0]["envelope"]
    system = sent["context"]["System"]
    assert system["user"]["permissions"] == {
        "consentToken": system["apiAccessToken"],
        "scopes": {Scope.EMAIL: {"status": "GRANTED"}},
    }
    assert sent["session"]["user"]["permissions"] == system["user"]["permissions"]


def test_a_request_with_the_skills_name_in_a_session_notes_the_new_session_as_chat_does(
    http: StarletteClient,
) -> None:
    # chat says so; the page showed nothing, the session's attributes gone unexplained.
    from alexaskill.cli.chat_show import NEW_SESSION_NOTE

    turn(http, "launch")
    named = turn(http, text="ask the lighthouse how is the sea")["turn"]
    assert named["exchanges"][0]["envelope"]["session"]["new"] is True
    assert NEW_SESSION_NOTE in named["notes"]
    # Not said for the first session, nor for a request in the one open.
    assert NEW_SESSION_NOTE not in turn(http, text="how is the sea")["turn"]["notes"]
    turn(http, "new_session")
    first = turn(http, text="ask the lighthouse how is the sea")["turn"]
    assert first["exchanges"][0]["envelope"]["session"]["new"] is True
    assert NEW_SESSION_NOTE not in first["notes"]


@pytest.mark.parametrize("path", ["/_simulator", "/_simulator/skill", "/_SIMULATOR/skill"])
def test_a_skill_mounted_where_the_simulator_answers_is_refused(
    path: str, pki: TestPKI, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulator answers every path below /_simulator: such a skill was accepted, its
    # simulator turns answered (they reach the app directly), and every request Alexa sent it
    # answered 404 by the simulator.
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = Skill(skill_id="amzn1.ask.skill.00000000-0000-0000-0000-00000000000f")
    app = Starlette(routes=[skill.mount(path)])
    if path.startswith("/_SIMULATOR"):  # paths are case-sensitive: this one is the skill's
        with_simulator(app, pki=pki)
        return
    with pytest.raises(ValueError, match="/_simulator"):
        with_simulator(app, pki=pki)
    from alexaskill.cli.dev_verifier import DevVerifier

    assert not isinstance(skill.verifier, DevVerifier)  # refused before it trusts the key
    # serve --dev says so as a mistake on its command line (not one of --model's).
    from alexaskill.cli import UsageError

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    with pytest.raises(UsageError, match=r"^--dev: the skill at /_simulator"):
        _prepare("app", app, True, None)


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


@pytest.mark.parametrize(
    "failure",
    [
        (500, {"error": "boom"}),
        (200, {"version": "1.0", "sessionAttributes": {"lost": 1}, "response": {"ssml": 1}}),
    ],
    ids=["500", "refused"],
)
def test_the_transport_sends_the_error_ending_in_the_refused_answers_session(
    pki: TestPKI, failure: tuple[int, Any]
) -> None:
    # The Conversation follows an answer Alexa refused with a SessionEndedRequest (ERROR):
    # Alexa sends it in that answer's session (same id, not new), with the attributes from
    # before it. The transport sent it in a brand-new session after an HTTP error.
    from alexaskill import Skill
    from alexaskill.simulator.session import SkillTarget, _Transport

    opened = {"version": "1.0", "sessionAttributes": {"a": 1}, "response": {}}
    answers = [(200, opened), failure, (200, {"version": "1.0", "response": {}})]

    def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return answers.pop(0)

    target = SkillTarget("/", Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000"))
    transport = _Transport(target, pki, post, "en-US", ("Display",), "https://a.example.com")
    transport.send({"type": "LaunchRequest"}, new_session=True)
    transport.send({"type": "IntentRequest", "intent": {"name": "X"}}, new_session=False)
    error = {"type": "INVALID_RESPONSE", "message": "refused"}
    ending = {"type": "SessionEndedRequest", "reason": "ERROR", "error": error}
    transport.send(ending, new_session=False)
    launched, refused, ended = (sent.envelope for sent in transport.sent)
    assert ended["request"]["reason"] == "ERROR"
    assert ended["session"]["sessionId"] == launched["session"]["sessionId"]
    assert ended["session"]["new"] is False
    assert ended["session"]["attributes"] == {"a": 1} == refused["session"]["attributes"]
    assert transport.session is None


def test_a_directive_dropped_for_the_device_is_in_the_turns_notes(pki: TestPKI) -> None:
    # The app drops a directive for an interface the device does not declare (APL on a
    # speaker) and logs it at WARNING; chat shows "dropped ..." for it, the simulator's page
    # showed nothing: the screen the skill drew went missing without a word.
    from alexaskill import Skill, ask
    from alexaskill.simulator import with_simulator

    skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")
    render = {"type": "Alexa.Presentation.APL.RenderDocument", "token": "t", "document": {}}

    @skill.intent("Draw", utterances=["draw it"])
    def draw() -> Any:
        return ask("Here it is. Anything else?", directives=[render])

    with _client(with_simulator(skill, pki=pki)) as client:
        spoken_to = turn(client, text="ask the skill to draw it")
        screen = turn(
            client,
            text="ask the skill to draw it",
            interfaces=["AudioPlayer", "Alexa.Presentation.APL"],
        )
    assert spoken_to["turn"]["notes"] == [
        "dropped Alexa.Presentation.APL.RenderDocument: the device lacks "
        "Alexa.Presentation.APL (the app drops what it cannot use)"
    ]
    [exchange] = spoken_to["turn"]["exchanges"]
    assert "directives" not in exchange["response"]["response"]
    # A device with the interface gets it, and nothing is noted.
    assert "dropped" not in " ".join(screen["turn"]["notes"])
    [exchange] = screen["turn"]["exchanges"]
    assert exchange["response"]["response"]["directives"][0]["type"] == render["type"]


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


def test_each_turn_names_the_examples_of_the_skill_and_locale_it_talks_to(
    pki: TestPKI, tmp_path: Path
) -> None:
    # /api/info named what to try for the first skill in the first locale only: the page kept
    # offering the first skill's samples once the user chose another skill, and the first
    # locale's invocation name in another locale.
    from starlette.applications import Starlette

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    lighthouse = load_object(f"{SKILL_FILE}:skill")
    other = Skill("amzn1.ask.skill.other")
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    with _client(with_simulator(app, pki=pki)) as http:
        first = turn(http, text="ask the lighthouse how is the sea")
        assert first["state"]["examples"][:2] == ["open the skill", "how is the sea"]
        moved = turn(http, action="configure", skill=1)
        assert moved["state"]["examples"] == ["open the skill", "say hello", "help", "stop"]
    directory = tmp_path / "custom"
    directory.mkdir()
    model_file(directory / "en-US.json", ["how is the sea"])
    model_file(directory / "en-GB.json", ["how is the sea"], invocation="sea light")
    with _client(with_model(pki, directory)) as http:
        spoken_in = turn(http, action="configure", locale="en-GB")
        assert spoken_in["state"]["examples"][0] == "open sea light"


def test_another_skill_chosen_is_a_new_session_noted_once(pki: TestPKI) -> None:
    # Choosing another skill starts a new conversation, but "a new session" was noted only
    # when the page's locale or device differed from the first ones (the new simulation being
    # moved to them): the page then never played the stream held for the old session.
    from starlette.applications import Starlette

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    other = Skill("amzn1.ask.skill.other")
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    lighthouse = load_object(f"{SKILL_FILE}:skill")
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    screen = ["AudioPlayer", "Display"]
    with _client(with_simulator(app, pki=pki)) as http:
        turn(http, text="ask the lighthouse how is the sea")
        moved = turn(http, action="configure", skill=1)
        assert moved["notes"] == ["now talking to the skill at /other/", "a new session"]
        turn(http, action="configure", skill=0, interfaces=screen)
        back = turn(http, action="configure", skill=1, interfaces=screen)
    assert back["notes"].count("a new session") == 1
    assert back["notes"][:2] == ["now talking to the skill at /other/", "a new session"]


def test_a_page_whose_conversation_the_server_forgot_is_told(pki: TestPKI) -> None:
    # A server restarted (serve --reload, at each edit) or that talked to too many pages since
    # started the page's conversation over without a word: the user's "yes" then went to no
    # session, and the page still showed the one it had.
    forgotten = (
        "the server does not know this page's conversation (it restarted, or talked to many "
        "other pages since): it starts over"
    )
    with _client(_served("skill", pki)) as http:
        first = turn(http, text="ask the lighthouse how is the sea", continuing=False)
        assert first["notes"] == []
        known = turn(http, text="how is the sea", continuing=True)
        assert known["notes"] == []
    with _client(_served("skill", pki)) as http:  # the same page, the server started again
        again = turn(http, text="how is the sea", continuing=True, interfaces=["Display"])
        assert again["notes"][:2] == [forgotten, "a new session"]
        assert again["notes"].count("a new session") == 1
        event = turn(
            http,
            "audio",
            simulation="another-page-01",
            event="PlaybackStarted",
            token="t",
            continuing=True,
        )
        assert event["notes"][0] == forgotten


def _two_skills(pki: TestPKI) -> Any:
    """The lighthouse at /lighthouse/ (skill 0) and, at /other/ (skill 1), a skill that asks."""
    from starlette.applications import Starlette

    from alexaskill import Skill, ask
    from alexaskill.simulator import with_simulator

    other = Skill("amzn1.ask.skill.other")
    other.intent("Hello", utterances=["say hello"])(lambda: ask("Hello from the other skill."))
    lighthouse = load_object(f"{SKILL_FILE}:skill")
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    return with_simulator(app, pki=pki)


def test_an_audio_event_of_another_skills_stream_keeps_the_session_talked_to(
    pki: TestPKI,
) -> None:
    # The page talks to one skill while another's stream plays: the player's events go to the
    # skill that played it, and were taken for a choice of that skill, which started the page's
    # conversation over (the open session with the skill talked to was lost).
    with _client(_two_skills(pki)) as http:
        turn(http, text="ask the lighthouse to play the harbour", skill=0)
        asked = turn(http, text="ask the other skill to say hello", skill=1)
        session_id = asked["state"]["session"]["sessionId"]
        started = turn(http, "audio", event="PlaybackStarted", token="harbour-1", skill=0)
        assert started["notes"] == []
        (exchange,) = started["turn"]["exchanges"]
        application = exchange["envelope"]["context"]["System"]["application"]
        assert (
            application["applicationId"] == "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
        )
        assert exchange["envelope"]["request"]["type"] == "AudioPlayer.PlaybackStarted"
        # The state shown is still the one of the skill talked to.
        assert started["state"]["skillPath"] == "/other/"
        assert started["state"]["session"]["sessionId"] == session_id
        again = turn(http, text="say hello", skill=1)
        assert again["notes"] == []
        envelope = again["turn"]["exchanges"][0]["envelope"]
        assert envelope["session"]["sessionId"] == session_id
        assert envelope["session"]["new"] is False


def test_a_skill_chosen_again_starts_a_new_session_with_it(pki: TestPKI) -> None:
    # A device holds one skill's session at a time: back to a skill, the page starts anew.
    with _client(_two_skills(pki)) as http:
        first = turn(http, text="ask the other skill to say hello", skill=1)
        turn(http, text="ask the lighthouse how is the sea", skill=0)
        back = turn(http, text="ask the other skill to say hello", skill=1)
    assert back["notes"] == ["now talking to the skill at /other/", "a new session"]
    envelope = back["turn"]["exchanges"][0]["envelope"]
    assert envelope["session"]["new"] is True
    assert envelope["session"]["sessionId"] != first["state"]["session"]["sessionId"]


def test_an_audio_event_follows_the_device_changed_while_another_skill_was_talked_to(
    pki: TestPKI,
) -> None:
    # The stream plays on through a change of device made while talking to another skill: its
    # events carry the device as it is now, and reach the skill that played it.
    screen = ["AudioPlayer", "Display"]
    with _client(_two_skills(pki)) as http:
        turn(http, text="ask the lighthouse to play the harbour", skill=0)
        turn(http, "configure", skill=1, interfaces=screen)
        event = turn(
            http, "audio", event="PlaybackStopped", token="harbour-1", skill=0, interfaces=screen
        )
        assert event["notes"] == []
        (exchange,) = event["turn"]["exchanges"]
        supported = exchange["envelope"]["context"]["System"]["device"]["supportedInterfaces"]
        assert set(supported) == {"AudioPlayer", "Display"}
        # One sent with the device as it was is not (it crossed the change).
        stale = turn(http, "audio", event="PlaybackStopped", token="harbour-1", skill=0)
        assert stale["turn"] is None
        assert stale["notes"] == ["AudioPlayer.PlaybackStopped of a device since changed: not sent"]


def test_the_session_of_a_skill_left_is_over_for_its_streams_events(pki: TestPKI) -> None:
    # Another skill chosen ends the session with the one left (a device holds one skill's
    # session): the events of that skill's stream, played once its session was over, were
    # shown in a session still open, which ended only when the page chose the skill again.
    with _client(_two_skills(pki)) as http:
        held = turn(http, text="ask the lighthouse to play the tide and ask", skill=0)
        assert held["turn"]["sessionOpen"] is True
        turn(http, text="ask the other skill to say hello", skill=1)
        started = turn(http, "audio", event="PlaybackStarted", token="tide-2", skill=0)
    assert started["turn"]["sessionOpen"] is False
    assert started["state"]["skillPath"] == "/other/"


def test_another_skill_refused_in_the_pages_locale_leaves_the_page_where_it_was(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another skill chosen in a locale its model cannot serve is refused, and the page goes
    # back to the skill it had; the server had already made the refused one the skill talked
    # to (ending the session with the one left): the stream's events of the skill the page went
    # back to were then refused "of a device since changed", and its next turn was a new session.
    from alexaskill.interaction import InteractionModelError

    app = _two_skills(pki)
    understander = app.simulator._understander

    def broken_in_en_gb(index: int, locale: str) -> Any:
        if (index, locale) == (1, "en-GB"):
            raise InteractionModelError(["a model broken in en-GB"])
        return understander(index, locale)

    monkeypatch.setattr(app.simulator, "_understander", broken_in_en_gb)
    gb: dict[str, Any] = {"locale": "en-GB", "skill": 0}
    with _client(app) as http:
        held = turn(http, text="ask the lighthouse to play the tide and ask", **gb)
        assert held["turn"]["sessionOpen"] is True
        session_id = held["state"]["session"]["sessionId"]
        body = {"simulation": ID, "action": "configure", "text": "", "locale": "en-GB", "skill": 1}
        refused = http.post("/_simulator/api/turn", json=body)
        assert refused.status_code == 400
        assert "a model broken in en-GB" in refused.json()["error"]
        event = turn(http, "audio", event="PlaybackStopped", token="tide-2", **gb)
        assert event["notes"] == []
        assert event["turn"] is not None
        assert event["state"]["skillPath"] == "/lighthouse/"
        again = turn(http, text="how is the sea", **gb)
    assert again["notes"] == []
    envelope = again["turn"]["exchanges"][0]["envelope"]
    assert envelope["session"]["sessionId"] == session_id


def test_a_skill_of_any_id_is_sent_the_first_id_of_alexaskill_skill_id(
    pki: TestPKI, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Skill("*") was sent the placeholder id whatever ALEXASKILL_SKILL_ID said, where chat,
    # replay and request send the first id it names (`skill_id_for`).
    from alexaskill import Skill, speak
    from alexaskill.cli import UsageError
    from alexaskill.exceptions import ConfigurationError
    from alexaskill.simulator import with_simulator
    from alexaskill.testing import DEFAULT_SKILL_ID

    first = "amzn1.ask.skill.55555555-5555-5555-5555-555555555555"
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", f" {first}, amzn1.ask.skill.other")
    anyone = Skill("*")
    own = Skill("amzn1.ask.skill.own")

    @anyone.launch
    @own.launch
    def launch(context: Context) -> Any:
        application = context.system.application if context.system is not None else None
        return speak(f"for {application.application_id if application else None}")

    for skill, expected in [(anyone, first), (own, "amzn1.ask.skill.own")]:
        with _client(with_simulator(skill, pki=pki)) as http:
            assert http.get("/_simulator/api/info").json()["skills"][0]["skillId"] == expected
            assert spoken(turn(http, "launch")) == [f"for {expected}"]
    monkeypatch.delenv("ALEXASKILL_SKILL_ID")
    with _client(with_simulator(anyone, pki=pki)) as http:
        assert spoken(turn(http, "launch")) == [f"for {DEFAULT_SKILL_ID}"]
    # A value the server refuses is refused at start, by serve --dev as a usage error.
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", " , ")
    with pytest.raises(ConfigurationError, match="names no skill id"):
        with_simulator(anyone, pki=pki)
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    with pytest.raises(UsageError, match=r"^--dev: ALEXASKILL_SKILL_ID=' , ' names no skill id"):
        _prepare("anyone", anyone, True, None)


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

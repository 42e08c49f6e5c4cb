"""The simulator's turns: what the page says is understood, signed and sent as a device sends
it, with the player's state; what the skill answers is heard, or refused and noted as Alexa
would, with the service API calls it made.

Served only under --dev, and what its API refuses: tests/test_simulator_serving.py; the skills
it talks to (mounted, several, from a model file): tests/test_simulator_skills.py. The page
itself is tested in a real browser by tests/test_simulator_browser_*.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import AlexaApi
from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

from . import simulator_shared
from .simulator_shared import ID, SKILL_FILE, _client, _served, spoken, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


def test_info_lists_skills_locales_devices_and_examples(http: StarletteClient) -> None:
    info = http.get("/_simulator/api/info").json()
    assert info["skills"] == [{"index": 0, "path": "/", "skillId": DEFAULT_SKILL_ID}]
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
    assert answered["refusal"].startswith("outputSpeech.ssml: <break time='5S'>: write '5s'")
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


def test_the_service_api_calls_kept_are_bounded_and_each_turn_sees_its_own(pki: TestPKI) -> None:
    # FakeAlexaApi.calls grew by each call of every turn for the server's life; the fake now
    # keeps its most recent calls only, and each turn still lists exactly its own.
    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator
    from alexaskill.testing import FakeAlexaApi

    skill = Skill(DEFAULT_SKILL_ID)

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
    skill = Skill(DEFAULT_SKILL_ID, deadline=None)

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

    skill = Skill(DEFAULT_SKILL_ID)

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


def test_a_handler_error_of_another_request_meanwhile_is_not_the_turns(pki: TestPKI) -> None:
    # The simulator listened to every handler error while its request was posted: another
    # client's (chat --url, a device through a tunnel) showed in the turn's notes.
    import json as json_

    from starlette.testclient import TestClient as StarletteClient

    from alexaskill import Response, Skill, speak
    from alexaskill.simulator.session import SkillTarget, _Transport
    from alexaskill.testing import RequestFactory

    skill_id = DEFAULT_SKILL_ID
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

    skill = Skill(DEFAULT_SKILL_ID)
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

    skill = Skill(DEFAULT_SKILL_ID)

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

    skill = Skill(DEFAULT_SKILL_ID)

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

    target = SkillTarget("/", Skill(DEFAULT_SKILL_ID))
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

    target = SkillTarget("/", Skill(DEFAULT_SKILL_ID))
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

    skill = Skill(DEFAULT_SKILL_ID)
    render = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "token": "t",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }

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


def test_a_turn_that_sent_nothing_shows_its_note_once(http: StarletteClient) -> None:
    # The page shows the understanding's notes beside it and the turn's notes below: a turn
    # that sent nothing ("too long", "out of domain") had the understanding's note copied into
    # its own (as chat, which prints only the turn's, needs), so the page showed it twice.
    said = turn(http, text=" ".join(["word"] * 120))["turn"]
    note = "120 words: more than the 100 understood in one utterance"
    assert said["exchanges"] == []
    assert said["notes"] == [note]
    assert note not in said["understood"]["notes"]
    # A turn that sent a request keeps the understanding's own notes beside it.
    turn(http, "launch")
    heard = turn(http, text="how is the blue sea")["turn"]
    assert heard["exchanges"]
    assert heard["understood"]["notes"] == ["words not in the sample: blue"]

"""What the simulator makes of the skill's answers: one Alexa refuses (a body no JSON object, an
HTTP error) ends the session as Alexa ends it; and each turn notes what went wrong in its own
request alone: a rule broken, a handler that raised or never answered, a progressive response
sent too late, a directive dropped for the device, the service API calls it made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import AlexaApi
from alexaskill.cli.common import load_object
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

from . import simulator_shared
from .simulator_shared import SKILL_FILE, _client, spoken, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


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


def test_a_handler_that_returns_no_response_is_in_the_turns_notes_in_its_words(
    pki: TestPKI,
) -> None:
    # The note said "a handler raised: _NotAReply: …": a private class, and nothing raised.
    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Text", utterances=["text"])
    def text():  # type: ignore[no-untyped-def]  # (unannotated: else refused at registration)
        return "Hello"

    with _client(with_simulator(skill, pki=pki)) as client:
        result = turn(client, text="ask the skill to text")
        assert spoken(result) == ["Sorry, something went wrong. Please try again later."]
        name = f"{text.__module__}.{text.__qualname__}"
        assert result["turn"]["notes"] == [
            f"{name} returned a str; a handler returns a Response (from speak(), ask(), …) or "
            "None: return speak(text) to end the session, ask(text) to keep it open (see the "
            "server's log)"
        ]


def test_a_handler_error_of_another_request_meanwhile_is_not_the_turns(pki: TestPKI) -> None:
    # The simulator listened to every handler error while its request was posted: another
    # client's (chat --url, a device through a tunnel) showed in the turn's notes.
    import json as json_

    from starlette.testclient import TestClient as StarletteClient

    from alexaskill.simulator.session import SkillTarget, _Transport
    from alexaskill.testing import RequestFactory

    skill = simulator_shared.crashing_skill(pki)
    others = json_.dumps(RequestFactory(skill_id=DEFAULT_SKILL_ID).intent("Crash")).encode()
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


@pytest.mark.parametrize("status", [200, 500])
def test_a_long_page_answered_is_shown_cut_as_a_long_name_is(pki: TestPKI, status: int) -> None:
    # Its first 200 characters were shown as the answer, the end lost with no "…" nor length.
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from alexaskill.shown_names import shown
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    text = "<html>" + "x" * 300 + " TAIL</html>"

    async def page(request: Any) -> HTMLResponse:
        return HTMLResponse(text, status_code=status)

    app = Starlette(routes=[Route("/a/", page, methods=["POST"]), skill.mount("/a")])
    with _client(with_simulator(app, pki=pki)) as client:
        exchange = turn(client, text="open the lighthouse")["turn"]["exchanges"][0]
    assert exchange["status"] == status
    assert exchange["response"] == (shown(text) if status == 200 else {"error": shown(text)})


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


@pytest.mark.parametrize(
    "refused",
    [
        {
            "version": "1.0",
            "sessionAttributes": {"lost": 1},
            "response": {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>unclosed"},
                "shouldEndSession": False,
            },
        },
        {"sessionAttributes": {"lost": 1}, "response": {"shouldEndSession": False}},
    ],
    ids=["unreadable-ssml", "no-version"],
)
def test_an_answer_alexa_refuses_with_http_200_ends_the_transports_session(
    pki: TestPKI, refused: dict[str, Any]
) -> None:
    # The transport ended a session by HTTP status alone: an answer Alexa refuses, sent with
    # 200, kept the session open with the refused answer's attributes (TestClient, chat --url
    # and replay --carry-session end it: `answered_session`).
    from alexaskill import Skill
    from alexaskill.simulator.session import SkillTarget, _Transport

    def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return 200, refused

    target = SkillTarget("/", Skill(DEFAULT_SKILL_ID))
    transport = _Transport(target, pki, post, "en-US", ("Display",), "https://a.example.com")
    transport.send({"type": "LaunchRequest"}, new_session=True)
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


def test_an_events_answer_alexa_refuses_is_flagged_as_a_requests_is(pki: TestPKI) -> None:
    # The device's events were judged by their SSML alone: an answer without a version, which
    # Alexa refuses (and a request's answer was flagged for), was shown as a good one.
    from alexaskill.simulator.device_events import DeviceEvent

    def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return 200, {"response": {}}

    simulation = simulator_shared.simulation(pki, post, interfaces=("AudioPlayer",))
    started = {"type": "AudioPlayer.PlaybackStarted", "token": "t-1", "offsetInMilliseconds": 0}
    player = {"token": "t-1", "offsetInMilliseconds": 0, "playerActivity": "PLAYING"}
    (exchange,) = simulation.device(DeviceEvent(started, player))["exchanges"]
    assert exchange["refusal"] == "the answer has no version (a response envelope needs one)"


@pytest.mark.parametrize(
    ("status", "payload", "refusal"),
    [
        (500, {"error": "Internal Server Error"}, "the skill answered HTTP 500"),
        (
            0,
            {"error": "no answer from the skill within 0.5 s"},
            "no answer from the skill within 0.5 s",
        ),
        (
            200,
            "<html>hello</html>",
            "the skill answered HTTP 200 with a body that is not a JSON object",
        ),
    ],
)
def test_an_events_http_error_or_no_answer_is_flagged_as_a_requests_is(
    pki: TestPKI, status: int, payload: Any, refusal: str
) -> None:
    # A request's answer of HTTP 500 (or none in time, or no JSON object) was refused, while
    # the same answer to a device's event was shown as no refusal at all.
    from alexaskill.simulator.device_events import DeviceEvent

    def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return status, payload

    simulation = simulator_shared.simulation(pki, post, interfaces=("AudioPlayer",))
    launched = simulation.launch()["exchanges"][0]
    assert launched["refusal"] == refusal  # a request's, as it was
    started = {"type": "AudioPlayer.PlaybackStarted", "token": "t-1", "offsetInMilliseconds": 0}
    player = {"token": "t-1", "offsetInMilliseconds": 0, "playerActivity": "PLAYING"}
    (exchange,) = simulation.device(DeviceEvent(started, player))["exchanges"]
    assert exchange["refusal"] == refusal

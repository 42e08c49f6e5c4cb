"""The simulator's turns: what the page says is understood, signed and sent as a device sends
it, with the player's state; what the skill answers is heard, or refused and noted as Alexa
would, with the service API calls it made.

The audio player's events and buttons: tests/test_simulator_audio.py; what a turn notes of the
skill's answers (rules broken, handlers failing, answers refused): tests/test_simulator_answers.py.
Served only under --dev: tests/test_simulator_serving.py; what its API refuses, and why:
tests/test_simulator_refusals.py; the skills it talks to (mounted, several, from a model file):
tests/test_simulator_skills.py. The page itself is tested in a real browser by
tests/test_simulator_browser_*.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient as StarletteClient

from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

from . import simulator_shared
from .simulator_shared import SKILL_FILE, _client, _served, spoken, turn

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
        ),
        encoding="utf-8",
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


def test_an_intent_whose_samples_all_name_slots_is_offered_with_example_values() -> None:
    # The README's first skill (the cafe: "a {drink} please", "say hello to {name}") was
    # offered "open the skill", "help" and "stop" alone: a sample naming a slot was passed over.
    from alexaskill import Skill
    from alexaskill.simulator.examples import examples
    from alexaskill.understanding import Understander, model_from_skill

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_slot_type("Drink", ["coffee", "tea"])

    @skill.intent("OrderIntent", utterances=["a {drink} please"], slots={"drink": "Drink"})
    def order(drink: str) -> None: ...

    @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})
    def weather(city: str) -> None: ...

    @skill.intent(
        "HelloIntent",
        utterances=["say hello to {name}", "say hello"],
        slots={"name": "AMAZON.FirstName"},
    )
    def hello(name: str = "world") -> None: ...

    offered = examples(lambda: Understander(model_from_skill(skill)))
    assert offered == [
        "open the skill",
        "a coffee please",
        "weather in paris",
        "say hello",
        "help",
        "stop",
    ]

"""The session the offline loop's transports (``chat --url``, the simulator) carry from one
answer to the next request."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Session, Skill, ask
from alexaskill.testing import RequestFactory, SkillResponse, TestClient
from alexaskill.testing.requests import SCREEN
from alexaskill.testing.sessions import (
    FileSessions,
    carried_session,
    refused_session,
    session_after,
    session_for,
)

from .chat_transports import mock_http_transport
from .conftest import SKILL_ID
from .dev_pki_shared import with_dev_pki

SESSION = {"sessionId": "s", "new": True, "attributes": {"kept": 1}}


def test_an_answer_in_the_session_gives_its_attributes() -> None:
    answer = {"version": "1.0", "sessionAttributes": {"next": 2}, "response": {}}
    carried = carried_session(SESSION, "IntentRequest", answer)
    assert carried == {"sessionId": "s", "new": False, "attributes": {"next": 2}}
    bare = carried_session(SESSION, "LaunchRequest", {"version": "1.0", "response": {}})
    assert bare is not None and bare["attributes"] == {}


def test_a_test_changing_an_answers_attributes_changes_nothing_sent_next() -> None:
    # The client carried the answer's own dict: a test that looked at an answer by changing it
    # (`result.session_attributes["cart"]["items"].append(...)`, `.pop(...)`) changed what the
    # skill got next, which Alexa, sending the attributes it was answered, never does.
    skill = Skill(SKILL_ID, store="memory://")
    seen: list[dict[str, Any]] = []

    @skill.intent("Add")
    def add(session: Session) -> Response:
        seen.append(json.loads(json.dumps(session.attributes)))
        session.attributes.setdefault("cart", {"items": []})["items"].append("tea")
        return ask("Added.", reprompt="More?")

    with TestClient(skill) as client:
        first = client.intent("Add")
        first.session_attributes["cart"]["items"].append("changed by the test")
        first.session_attributes["more"] = 1
        client.intent("Add")
    assert seen == [{}, {"cart": {"items": ["tea"]}}]


def test_an_answer_to_an_event_sent_outside_the_session_leaves_it_alone() -> None:
    answer = {"version": "1.0", "sessionAttributes": {"stray": 2}, "response": {}}
    for event in ("AudioPlayer.PlaybackStarted", "PlaybackController.PauseCommandIssued"):
        assert carried_session(SESSION, event, answer) == SESSION
    assert carried_session(None, "IntentRequest", answer) is None


def _http_transport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: list[tuple[int, Any]]
) -> tuple[Any, list[dict[str, Any]]]:
    """A chat --url transport whose skill answers ``answers`` (status, JSON) in turn; the
    bodies it was sent (signed as always)."""
    import httpx

    bodies: list[dict[str, Any]] = []

    def skill(request: httpx.Request) -> httpx.Response:
        assert request.headers.get("Signature-256")  # signed, as Alexa's
        bodies.append(json.loads(request.content))
        status, answer = answers.pop(0)
        if status == 0:  # no answer in time
            raise httpx.ReadTimeout("no answer", request=request)
        return httpx.Response(status, content=json.dumps(answer).encode())

    return mock_http_transport(tmp_path, monkeypatch, skill), bodies


HELP = {"type": "IntentRequest", "intent": {"name": "AMAZON.HelpIntent"}}
OPEN = {"version": "1.0", "response": {"shouldEndSession": False}}


def test_chat_url_ends_the_session_of_a_failed_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa ends the session of a request the skill failed: the next request opens a new one,
    # as the simulator's transport sends it.
    transport, bodies = _http_transport(
        tmp_path, monkeypatch, [(200, OPEN), (500, {"error": "boom"}), (200, OPEN), (0, None)]
    )
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        transport.send(HELP, new_session=False)
        assert transport.session is None
        transport.send(HELP, new_session=False)
        assert transport.send(HELP, new_session=False).status_code == 0
        assert transport.session is None  # no answer at all: failed as well
    finally:
        transport.close()
    assert bodies[1]["session"]["sessionId"] == bodies[0]["session"]["sessionId"]
    assert bodies[2]["session"]["new"] is True
    assert bodies[2]["session"]["sessionId"] != bodies[0]["session"]["sessionId"]


def test_chat_url_ends_the_session_of_an_answer_alexa_refuses_with_http_200(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SSML Alexa cannot read, sent with HTTP 200 and shouldEndSession: false: Alexa fails the
    # request and ends its session, as TestClient and replay --carry-session have it. chat
    # --url looked at the HTTP status alone and sent the next request in it, with the refused
    # answer's attributes.
    said = {"outputSpeech": {"type": "SSML", "ssml": "<speak>oops"}, "shouldEndSession": False}
    unreadable = {"version": "1.0", "sessionAttributes": {"lost": True}, "response": said}
    transport, bodies = _http_transport(
        tmp_path, monkeypatch, [(200, OPEN), (200, unreadable), (200, OPEN)]
    )
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        assert transport.send(HELP, new_session=False).refusal is not None
        assert transport.session is None
        transport.send(HELP, new_session=False)
    finally:
        transport.close()
    assert bodies[2]["session"]["new"] is True
    assert bodies[2]["session"]["sessionId"] != bodies[0]["session"]["sessionId"]
    assert bodies[2]["session"]["attributes"] == {}


def test_chat_url_opens_no_session_for_an_event_sent_outside_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = {"version": "1.0", "sessionAttributes": {"stray": 1}, "response": {}}
    transport, bodies = _http_transport(tmp_path, monkeypatch, [(200, answer), (200, answer)])
    try:
        for event in ("PlaybackController.NextCommandIssued", "AudioPlayer.PlaybackStopped"):
            transport.send({"type": event, "token": "0"}, new_session=False)
            assert transport.session is None
    finally:
        transport.close()
    assert all("session" not in body for body in bodies)


def test_session_for_opens_one_only_for_a_request_sent_in_a_session() -> None:
    def start() -> dict[str, Any]:
        return {"sessionId": "new", "new": True, "attributes": {}}

    assert session_for(None, "AudioPlayer.PlaybackStarted", new_session=False, start=start) is None
    assert (
        session_for(dict(SESSION), "AudioPlayer.PlaybackStarted", new_session=True, start=start)
        is None
    )
    assert session_for(None, "IntentRequest", new_session=False, start=start) == start()
    assert session_for(dict(SESSION), "IntentRequest", new_session=True, start=start) == start()
    assert session_for(dict(SESSION), "IntentRequest", new_session=False, start=start) == SESSION


def test_session_after_ends_it_when_the_exchange_ended_it() -> None:
    ended = {"version": "1.0", "response": {"shouldEndSession": True}}
    assert session_after(SESSION, "IntentRequest", 500, None, interfaces=SCREEN) is None
    assert (
        session_after(SESSION, "IntentRequest", 0, {"error": "no answer"}, interfaces=SCREEN)
        is None
    )
    assert session_after(SESSION, "IntentRequest", 200, ended, interfaces=SCREEN) is None
    assert session_after(SESSION, "SessionEndedRequest", 200, OPEN, interfaces=SCREEN) is None
    # an event's answer, failed or not, leaves the user's session alone
    assert (
        session_after(SESSION, "AudioPlayer.PlaybackFailed", 500, None, interfaces=SCREEN)
        == SESSION
    )
    kept = session_after(SESSION, "IntentRequest", 200, OPEN, interfaces=SCREEN)
    assert kept == {"sessionId": "s", "new": False, "attributes": {}}


def test_chat_url_follows_the_screenless_rule_for_an_answer_without_should_end_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --url is a speaker: an answer that leaves shouldEndSession out ends the session
    # there (unless a dialog directive waits for the user), as `Conversation` and the
    # TestClient have it; the transport kept it open, so its next request carried it on.
    left_out = {"version": "1.0", "sessionAttributes": {"a": 1}, "response": {}}
    delegate = {"version": "1.0", "response": {"directives": [{"type": "Dialog.Delegate"}]}}
    transport, bodies = _http_transport(
        tmp_path, monkeypatch, [(200, left_out), (200, delegate), (200, OPEN)]
    )
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        assert transport.session is None
        transport.send(HELP, new_session=False)
        assert transport.session is not None  # the dialog waits for the user's answer
        transport.send(HELP, new_session=False)
    finally:
        transport.close()
    assert bodies[1]["session"]["new"] is True
    assert bodies[2]["session"]["sessionId"] == bodies[1]["session"]["sessionId"]


def test_session_after_applies_the_device_rule_to_an_answer_without_should_end_session() -> None:
    left_out = {"version": "1.0", "response": {}}
    assert session_after(SESSION, "IntentRequest", 200, left_out, interfaces=()) is None
    speaker = session_after(SESSION, "IntentRequest", 200, left_out, interfaces=("AudioPlayer",))
    assert speaker is None
    screen = session_after(SESSION, "IntentRequest", 200, left_out, interfaces=("Display",))
    assert screen == {"sessionId": "s", "new": False, "attributes": {}}


def test_session_after_ends_it_for_a_200_that_is_no_response_envelope() -> None:
    # Alexa refuses such an answer (a web page, say) and ends the session, with a screen too:
    # the transport of a device with a screen carried it on.
    for payload in ("<html>Bad Gateway</html>", None, ["version"]):
        assert session_after(SESSION, "IntentRequest", 200, payload, interfaces=SCREEN) is None


def test_chat_url_serves_alexas_apis_to_the_tokens_its_requests_carried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # End to end over HTTP: chat --url to a local skill serves the fake Alexa API, which
    # answers the apiAccessToken of the request sent and refuses another (401 INVALID_TOKEN).
    import httpx

    from alexaskill.cli.chat_http import HttpTransport
    from alexaskill.cli.dev import DEV_PKI_ENV
    from alexaskill.testing import FakeAlexaApi

    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
    seen: list[tuple[int, str]] = []

    def skill(request: httpx.Request) -> httpx.Response:
        system = json.loads(request.content)["context"]["System"]
        url = system["apiEndpoint"] + "/v2/accounts/~current/settings/Profile.givenName"
        for token in (system["apiAccessToken"], "a-token-no-request-carried"):
            answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            seen.append((answer.status_code, answer.text))
        return httpx.Response(200, content=json.dumps(OPEN).encode())

    api = FakeAlexaApi()
    local = "http://127.0.0.1:9/"  # a skill on this machine: the fake is served for it
    transport = HttpTransport(local, SKILL_ID, "en-US", "podcast:skill", api)
    transport.http = httpx.Client(transport=httpx.MockTransport(skill))
    try:
        reply = transport.send({"type": "LaunchRequest"}, new_session=True)
    finally:
        transport.close()
    assert reply.status_code == 200
    assert seen[0][0] in (200, 204)
    assert seen[1][0] == 401 and "INVALID_TOKEN" in seen[1][1]
    assert [call.status for call in reply.api_calls] == [seen[0][0], 401]


@pytest.mark.parametrize("kind", [["Dialog.Delegate"], {"a": 1}, None, 5])
def test_a_directive_type_that_is_no_string_is_no_dialog_directive(kind: object) -> None:
    # The type went to a set lookup: a list or an object raised TypeError (unhashable) out of
    # session_after, and chat --url failed the turn with it.
    session = {"sessionId": "s", "new": True, "attributes": {}}
    payload = {"version": "1.0", "response": {"directives": [{"type": kind}]}}
    assert session_after(session, "LaunchRequest", 200, payload, interfaces=()) is None
    assert session_after(session, "LaunchRequest", 200, payload, interfaces=SCREEN) == {
        **session,
        "new": False,
    }


def test_refused_session_is_the_session_before_the_refused_answer() -> None:
    assert refused_session(SESSION, "IntentRequest") == {**SESSION, "new": False}
    assert refused_session(SESSION, "SessionEndedRequest") is None  # nothing left to end
    assert refused_session(SESSION, "AudioPlayer.PlaybackFailed") is None  # outside it
    assert refused_session(None, "IntentRequest") is None


def test_session_for_sends_a_session_ending_in_the_refused_answers_session() -> None:
    def start() -> dict[str, Any]:
        return {"sessionId": "new", "new": True, "attributes": {}}

    ending = {"sessionId": "s", "new": False, "attributes": {"kept": 1}}
    ended = session_for(None, "SessionEndedRequest", new_session=False, start=start, ending=ending)
    assert ended == ending
    assert session_for(None, "IntentRequest", new_session=False, start=start, ending=ending) == (
        start()
    )
    forgot = session_for(None, "SessionEndedRequest", new_session=True, start=start, ending=ending)
    assert forgot == start()


BAD_SSML = {
    "version": "1.0",
    "sessionAttributes": {"lost": True},
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>oops"},
        "shouldEndSession": True,
    },
}


@pytest.mark.parametrize(
    "failure", [(500, {"error": "boom"}), (0, None), (200, BAD_SSML)], ids=["500", "none", "ssml"]
)
def test_chat_url_sends_alexas_error_ending_in_the_session_of_the_refused_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: tuple[int, Any]
) -> None:
    # The Conversation follows a refused answer with a SessionEndedRequest (ERROR): Alexa sends
    # it in that answer's session, with the attributes from before it. chat --url sent it in a
    # brand-new session (or, for bad SSML, with the refused answer's attributes).
    said = {"outputSpeech": {"type": "PlainText", "text": "Hi"}, "shouldEndSession": False}
    opened = {"version": "1.0", "sessionAttributes": {"a": 1}, "response": said}
    transport, bodies = _http_transport(
        tmp_path, monkeypatch, [(200, opened), failure, (200, OPEN)]
    )
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        transport.send(HELP, new_session=False)
        error = {"type": "INVALID_RESPONSE", "message": "refused"}
        ending = {"type": "SessionEndedRequest", "reason": "ERROR", "error": error}
        transport.send(ending, new_session=False)
        assert transport.session is None
    finally:
        transport.close()
    launched, refused, ended = bodies
    assert ended["request"]["reason"] == "ERROR"
    assert ended["session"]["sessionId"] == launched["session"]["sessionId"]
    assert ended["session"]["new"] is False
    assert ended["session"]["attributes"] == {"a": 1} == refused["session"]["attributes"]


def _open_answer(**attributes: Any) -> SkillResponse:
    answer = {"version": "1.0", "sessionAttributes": attributes, "response": {}}
    answer["response"] = {"shouldEndSession": False}
    return SkillResponse(200, answer)


def test_file_sessions_carry_an_open_session_and_start_the_files_own_after_a_failure() -> None:
    # replay --carry-session: each file's request goes in the session the answer before it
    # left open; a failed answer (or one Alexa refuses, with HTTP 200) ends it.
    factory = RequestFactory(skill_id=SKILL_ID)
    sessions = FileSessions()
    first, second = factory.envelope("LaunchRequest"), factory.intent("Yes")
    opened = first["session"]["sessionId"]
    sessions.send_in(first)
    assert first["session"]["sessionId"] == opened  # the file's own, as it has it
    sessions.answered(first, _open_answer(asked="coffee"))
    sessions.send_in(second)
    assert second["session"]["sessionId"] == opened
    assert (second["session"]["new"], second["session"]["attributes"]) == (
        False,
        {"asked": "coffee"},
    )
    for failed in (SkillResponse(500, None), dataclasses.replace(_open_answer(), refusal="SSML")):
        sessions.answered(second, failed)
        third = factory.intent("Yes")
        own = dict(third["session"])
        sessions.send_in(third)
        assert third["session"] == own  # a new session: the file's
        sessions.answered(third, _open_answer(n=1))
        # An event, sent outside any session, leaves it as it was; one whose file has a
        # session (written by hand) too, sent as it is.
        event = factory.envelope("AudioPlayer.PlaybackStarted", token="t")
        event["session"] = {**own, "sessionId": "by-hand", "attributes": {}}
        sessions.send_in(event)
        assert event["session"]["sessionId"] == "by-hand"
        sessions.answered(event, _open_answer(m=2))
        after = factory.intent("Yes")
        sessions.send_in(after)
        assert after["session"]["sessionId"] == own["sessionId"]
        assert after["session"]["attributes"] == {"n": 1}
        second = after


def test_file_sessions_leave_the_conversation_to_a_can_fulfill_probe() -> None:
    # A CanFulfillIntentRequest file among a conversation's (replay --carry-session) goes in
    # its own session, as TestClient.can_fulfill sends one: Alexa's probe comes before any
    # conversation. It went in the one open, whose answer (canFulfillIntent alone, no
    # shouldEndSession) ended it on a speaker: the "yes" after it lost the launch's attributes.
    factory = RequestFactory(skill_id=SKILL_ID)
    sessions = FileSessions()
    launch = factory.envelope("LaunchRequest")
    sessions.send_in(launch)
    sessions.answered(launch, _open_answer(asked="coffee"))
    probe = factory.envelope("CanFulfillIntentRequest", intent={"name": "Yes", "slots": {}})
    own = dict(probe["session"])
    sessions.send_in(probe)
    assert probe["session"] == own
    can = {"version": "1.0", "response": {"canFulfillIntent": {"canFulfill": "YES"}}}
    sessions.answered(probe, SkillResponse(200, can))
    yes = factory.intent("Yes")
    sessions.send_in(yes)
    assert yes["session"]["sessionId"] == launch["session"]["sessionId"]
    assert yes["session"]["attributes"] == {"asked": "coffee"}


def test_file_sessions_open_a_file_given_twice_under_a_new_session_id() -> None:
    # replay --carry-session launch.json yes.json launch.json yes.json: the second launch opens
    # a new session, which Alexa gives a new id; it reopened the one that had ended, its id
    # the first's.
    factory = RequestFactory(skill_id=SKILL_ID)
    launch = factory.envelope("LaunchRequest")
    sessions = FileSessions()
    first, second = json.loads(json.dumps(launch)), json.loads(json.dumps(launch))
    sessions.send_in(first)
    ended = {"version": "1.0", "response": {"shouldEndSession": True}}
    sessions.answered(first, SkillResponse(200, ended))
    sessions.send_in(second)
    assert second["session"]["new"] is True
    assert second["session"]["sessionId"].startswith("amzn1.echo-api.session.")
    assert second["session"]["sessionId"] != launch["session"]["sessionId"]
    sessions.answered(second, _open_answer(asked="coffee"))
    yes = factory.intent("Yes")
    sessions.send_in(yes)
    assert yes["session"]["sessionId"] == second["session"]["sessionId"]


@pytest.mark.parametrize(("interfaces", "kept"), [(SCREEN, True), (("AudioPlayer",), False)])
def test_file_sessions_end_an_answer_without_should_end_session_by_the_files_device(
    interfaces: tuple[str, ...], kept: bool
) -> None:
    # shouldEndSession left out: a device with a screen keeps the session, a speaker ends it,
    # as the files' supportedInterfaces say. (No test looked at the device: FileSessions judged
    # alike with none.)
    factory = RequestFactory(skill_id=SKILL_ID, interfaces=interfaces)
    sessions = FileSessions()
    launch, yes = factory.envelope("LaunchRequest"), factory.intent("Yes")
    sessions.send_in(launch)
    silent = {"version": "1.0", "sessionAttributes": {"a": 1}, "response": {}}
    sessions.answered(launch, SkillResponse(200, silent))
    own = yes["session"]["sessionId"]
    sessions.send_in(yes)
    assert (yes["session"]["sessionId"] == launch["session"]["sessionId"]) is kept
    assert yes["session"]["sessionId"] != own if kept else yes["session"]["sessionId"] == own

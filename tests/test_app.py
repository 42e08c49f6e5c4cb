"""The ASGI app end to end: dispatch, sessions, fallbacks; all signed. More are in
tests/test_app_*.py (handler errors, HTTP paths, skill ids, mounting, options, shutdown)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient
from starlette.types import Message

from alexaskill import (
    IntentRequest,
    Response,
    Session,
    Skill,
    ask,
    empty,
    speak,
)
from alexaskill.exceptions import ConfigurationError, SignatureError
from alexaskill.testing import RequestFactory, TestClient, TestPKI
from alexaskill.verify import Verifier

# Other test modules import these from here (tests/deadline_shared.py, tests/test_mounting.py, …).
from tests.app_shared import make_skill as make_skill
from tests.app_shared import post_scope as post_scope
from tests.app_shared import unset_logging as unset_logging

from .conftest import OTHER_SKILL_ID, SKILL_ID


def test_launch_and_intent_answer() -> None:
    with TestClient(make_skill()) as client:
        launched = client.launch()
        assert launched.status_code == 200
        assert launched.json["version"] == "1.0"
        assert launched.speech == "Welcome. Which city?"
        assert launched.reprompt == "Which city?"
        assert launched.should_end_session is False

        answered = client.intent("GetWeather", city="Paris", date="2026-11-27")
        assert answered.speech == "Sunny in Paris Friday."
        assert answered.card == {"type": "Simple", "title": "Weather", "content": "Paris"}
        assert answered.should_end_session is True


def test_sync_handlers_run_in_a_worker_thread_and_async_on_the_loop() -> None:
    skill = Skill(SKILL_ID)
    threads: dict[str, int] = {}

    @skill.intent("Sync")
    def sync_handler() -> Response:
        threads["sync"] = threading.get_ident()
        return speak("sync")

    @skill.intent("Async")
    async def async_handler() -> Response:
        asyncio.get_running_loop()  # raises outside the event loop
        threads["async"] = threading.get_ident()
        return speak("async")

    @skill.on("AudioPlayer.PlaybackStarted")
    async def loop_thread() -> None:
        threads["loop"] = threading.get_ident()

    with TestClient(skill) as client:
        assert client.intent("Sync").speech == "sync"
        assert client.intent("Async").speech == "async"
        client.send("AudioPlayer.PlaybackStarted", token="t")
    assert threads["async"] == threads["loop"]
    assert threads["sync"] != threads["loop"]


def test_should_end_session_three_states() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("End", lambda: speak("bye"))
    skill.add_intent_handler("Open", lambda: ask("more?"))
    skill.add_intent_handler("Absent", lambda: speak("shown", end_session=None))
    with TestClient(skill) as client:
        assert client.intent("End").json["response"]["shouldEndSession"] is True
        assert client.intent("Open").json["response"]["shouldEndSession"] is False
        assert "shouldEndSession" not in client.intent("Absent").json["response"]


def test_returning_none_is_an_empty_response() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Nothing", lambda: None)
    skill.add_intent_handler("Empty", lambda: empty())
    with TestClient(skill) as client:
        for name in ("Nothing", "Empty"):
            result = client.intent(name)
            assert result.status_code == 200
            assert result.json["version"] == "1.0"
            assert result.json["response"] == {}


def test_session_attributes_carry_a_conversation() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Count")
    def count(session: Session) -> Response:
        session.attributes["n"] = session.attributes.get("n", 0) + 1
        return ask(f"{session.attributes['n']}", reprompt="again?")

    @skill.intent("Show")
    def show(session: Session, request: IntentRequest) -> Response:
        return speak(f"n={session.attributes.get('n')} new={session.new}")

    with TestClient(skill) as client:
        assert client.intent("Count").speech == "1"
        assert client.intent("Count").speech == "2"
        result = client.intent("Count")
        assert result.speech == "3"
        assert result.session_attributes == {"n": 3}
        assert client.intent("Show").speech == "n=3 new=False"
        # Show ended the session: the next request starts afresh.
        assert client.intent("Count").speech == "1"
        client.new_session()
        assert client.intent("Show").speech == "n=None new=True"


def test_requests_outside_a_session_send_no_session_attributes() -> None:
    skill = Skill(SKILL_ID)
    skill.on("AudioPlayer.PlaybackStarted")(lambda: None)
    with TestClient(skill) as client:
        result = client.send("AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0)
        assert result.status_code == 200
        assert "sessionAttributes" not in result.json


def test_session_ended_without_handler_gets_an_empty_envelope() -> None:
    with TestClient(make_skill()) as client:
        client.launch()  # (Alexa ends an open session only)
        result = client.session_ended(reason="USER_INITIATED")
        assert result.status_code == 200
        assert result.json["version"] == "1.0"
        assert result.json["response"] == {}


def test_unhandled_intent_without_fallback_apologises(caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(make_skill()) as client:
        result = client.intent("Unknown")
    assert result.status_code == 200
    assert result.speech == "Sorry, I can't help with that."
    assert result.should_end_session is False
    assert "no handler for intent 'Unknown'" in caplog.text


@pytest.mark.parametrize(
    "intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"]
)
def test_stop_without_handler_ends_the_session(
    intent: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Every model alexaskill builds has these intents: a user who says "stop" to a skill without
    # a handler for it must not be kept there by "Sorry, I can't help with that."
    with caplog.at_level(logging.INFO, logger="alexaskill"), TestClient(make_skill()) as client:
        result = client.intent(intent)
    assert result.json["response"] == {"shouldEndSession": True}
    assert f"no handler for {intent}: the session ends" in caplog.text


def test_unknown_request_type_goes_to_fallback() -> None:
    skill = make_skill()
    skill.fallback(lambda: speak("fallback"))
    with TestClient(skill) as client:
        assert client.send("Alexa.Future.Thing", anything={"x": 1}).speech == "fallback"
        assert client.intent("Unknown").speech == "fallback"


def test_registration_after_first_request_fails() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        client.launch()
    with pytest.raises(Exception, match="before the skill is mounted"):
        skill.add_intent_handler("Late", lambda: None)


def test_configuration_errors() -> None:
    with pytest.raises(TypeError, match="skill_id"):
        Skill([])
    with pytest.raises(TypeError, match="contradicts"):
        Skill(SKILL_ID, verify=False, verifier=TestPKI.default().verifier())
    with pytest.raises(TypeError, match="max_body_size"):
        Skill(SKILL_ID, max_body_size=0)


def test_verify_false_is_loud_and_answers_unsigned(caplog: pytest.LogCaptureFixture) -> None:
    skill = make_skill(verify=False)
    factory = RequestFactory(skill_id=SKILL_ID)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), StarletteClient(skill) as http:
        body = json.dumps(factory.envelope("LaunchRequest")).encode()
        response = http.post("/", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert "verification is OFF" in caplog.text


@pytest.mark.parametrize("value", [None, "false", "no", 0, 1, ""])
def test_verify_takes_only_a_bool(value: object) -> None:
    # Skill(verify=os.environ.get("VERIFY")) with the variable unset switched verification off.
    with pytest.raises(ConfigurationError, match=rf"verify must be True or False, not {value!r}"):
        Skill(SKILL_ID, verify=value)  # type: ignore[arg-type]


def test_verify_set_to_a_non_bool_later_still_verifies() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        skill.verify = None  # type: ignore[assignment]
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        assert client.post(body).status_code == 400  # unsigned


def test_verifier_reset_after_build_never_skips_verification() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        assert client.launch().status_code == 200
        skill.verifier = None  # e.g. someone "resets" it on a running app
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        assert client.post(body).status_code == 400


def test_a_verifier_subclass_that_overrides_verify_is_called_by_the_app() -> None:
    skill = make_skill()
    seen: list[int] = []

    class Audited(Verifier):
        async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
            seen.append(len(body))
            await super().verify(headers, body)
            if b"GetWeather" in body:
                raise SignatureError("signature: intents refused by policy")

    with TestClient(skill) as client:
        skill.verifier = Audited(
            trusted_roots=[client.pki.root], fetch_chain=client.pki.fetch_chain
        )
        assert client.launch().status_code == 200
        refused = client.intent("GetWeather", city="Paris")
        assert refused.status_code == 400
        assert refused.error == "signature: intents refused by policy"
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "/health"}, "path and health_path are both '/health'"),
        ({"path": "/alexa", "health_path": "/alexa"}, "both '/alexa'"),
        ({"path": "weather"}, "path must start with '/'"),
        ({"path": None}, "path must start with '/'"),
        ({"health_path": "health"}, "health_path must start with '/'"),
        ({"health_path": 1}, "health_path must start with '/'"),
    ],
)
def test_paths_are_checked_when_the_skill_is_made(options: dict[str, Any], message: str) -> None:
    # path="/health" hid the health check; "weather" and None failed at start-up, in Starlette.
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        Skill(SKILL_ID, **options)


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"max_body_size": "1000"}, "max_body_size"),
        ({"max_body_size": 1.5}, "max_body_size"),
        ({"max_body_size": True}, "max_body_size"),
        ({"deadline": "7"}, "deadline"),
        ({"deadline": True}, "deadline"),
        ({"body_timeout": "5"}, "body_timeout"),
        ({"body_timeout": True}, "body_timeout"),
        ({"progressive_after": True}, "progressive_after"),
        ({"progressive_speech": ""}, "progressive_speech"),
        ({"progressive_speech": None}, "progressive_speech"),
    ],
)
def test_number_and_text_options_are_checked_by_type(options: dict[str, Any], name: str) -> None:
    # A str gave a TypeError from a comparison; a bool or a fraction of a byte was taken.
    with pytest.raises(ConfigurationError, match=f"^{name}"):
        Skill(SKILL_ID, **options)


def test_a_deadline_past_alexas_8_seconds_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "alexaskill"):
        Skill(SKILL_ID, deadline=8.0)
        assert not caplog.records  # control: passes on the old code too
        Skill(SKILL_ID, deadline=10)
    [record] = caplog.records
    assert "deadline=10" in record.getMessage() and "8 s" in record.getMessage()


@pytest.mark.parametrize("path", ["/alexa?key=1", "/alexa#top", "/{name}", "/alexa ", "/alexa\t"])
def test_a_path_no_request_can_have_is_refused_when_the_skill_is_made(path: str) -> None:
    # Taken before: a query or fragment is no part of a request's path, whitespace (a value
    # read from a file) is not in the URL given to Alexa, and Starlette reads {name} as a
    # parameter: every POST was answered 404 or 405 at run time, or /health caught every GET.
    given: list[dict[str, Any]] = [{"path": path}, {"health_path": path}]
    for options in given:
        with pytest.raises(ConfigurationError, match="holds"):
            Skill(SKILL_ID, **options)


def test_a_capture_dir_that_is_a_file_is_refused_when_the_skill_is_made(tmp_path: Any) -> None:
    # Taken before: each request's capture then failed with a warning, none was ever written
    # (`alexaskill serve --capture FILE` refuses it at start).
    file = tmp_path / "captures"
    file.write_text("")
    with pytest.raises(ConfigurationError, match=r"capture_dir .* is not a directory"):
        Skill(SKILL_ID, capture_dir=file)
    Skill(SKILL_ID, capture_dir=tmp_path / "new")  # control: a directory to make is taken


@pytest.mark.parametrize(
    "verifier",
    [
        pytest.param(Verifier, id="the-class-not-an-instance"),
        pytest.param(SKILL_ID, id="a-skill-id"),
        pytest.param(True, id="true"),
    ],
)
def test_a_verifier_that_is_not_one_is_refused_when_the_skill_is_made(verifier: Any) -> None:
    # Taken before: the class itself (Verifier, not Verifier()) failed the lifespan with a
    # TypeError traceback; anything else failed every request.
    with pytest.raises(ConfigurationError, match=r"^verifier must be a Verifier"):
        Skill(SKILL_ID, verifier=verifier)


def test_a_capture_dir_under_a_file_is_refused_when_the_skill_is_made(tmp_path: Any) -> None:
    # Taken before (it does not exist): each request's capture then failed with a warning.
    file = tmp_path / "captures"
    file.write_text("")
    with pytest.raises(ConfigurationError, match=r"capture_dir .* is not a directory"):
        Skill(SKILL_ID, capture_dir=file / "today" / "x")
    Skill(SKILL_ID, capture_dir=tmp_path / "new" / "today")  # control: directories to make


@pytest.mark.parametrize(
    ("speech", "why"),
    [
        ("x" * 600, "the limit is 600"),
        ("<speak>One moment.</speak>", "plain text starting with <speak>"),
    ],
)
def test_a_progressive_speech_amazon_refuses_is_refused_at_start(speech: str, why: str) -> None:
    # Taken: each request slow enough to get it then logged "automatic progressive response
    # not sent", and the user heard nothing while waiting.
    with pytest.raises(ConfigurationError, match=f"^progressive_speech: .*{why}"):
        make_skill(progressive_speech=speech, progressive_after=1.0)
    make_skill(progressive_speech="x" * 500, progressive_after=1.0)  # within the limit


@pytest.mark.parametrize("option", ["translations", "capture_dir"])
@pytest.mark.parametrize("value", [5, b"locales", ["locales"]])
def test_a_directory_option_of_the_wrong_type_is_a_configuration_error(
    option: str, value: object
) -> None:
    # A TypeError out of pathlib ("expected str, bytes or os.PathLike object") was raised,
    # not the ConfigurationError every other refused Skill option raises.
    with pytest.raises(ConfigurationError, match=f"^{option} is .* or None, not"):
        make_skill(**{option: value})


@pytest.mark.parametrize("seconds", [1e308, 86400.5])
def test_a_body_timeout_longer_than_a_day_is_refused(seconds: float) -> None:
    # Taken: 1e308 s bounds no request body in practice, and the body's deadline is the app's
    # alone (alexaskill.server leaves it to Skill): a client holding its body back held on.
    with pytest.raises(ConfigurationError, match=r"body_timeout .*at most 86400 \(a day\)"):
        make_skill(body_timeout=seconds)
    assert make_skill(body_timeout=86400).body_timeout == 86400


def test_aclose_closes_the_stores_when_the_verifier_fails_to_close() -> None:
    # Skill.aclose closed the verifier's HTTP client first: its failure raised out of aclose
    # and left the skill's store open (a Redis store's connections to the garbage collector).
    from alexaskill.store.memory import MemoryStore

    closed: list[str] = []

    class Store(MemoryStore):
        async def aclose(self) -> None:
            closed.append("store")

    class FailingVerifier(Verifier):
        async def aclose(self) -> None:
            raise RuntimeError("the client would not close")

    skill = make_skill(store=Store(), verifier=FailingVerifier())
    with pytest.raises(RuntimeError, match="would not close"):
        asyncio.run(skill.aclose())
    assert closed == ["store"]

    # What closes several skills (the Lambda handler at exit, `serve` for mounted skills) gets
    # the failure, named, instead: it says which skill and goes on to the others.
    closed.clear()
    failure = asyncio.run(skill.aclose_and_report())
    assert failure is not None and closed == ["store"]
    what, error = failure
    assert what.startswith("the verifier (") and "FailingVerifier" in what
    assert isinstance(error, RuntimeError) and "would not close" in str(error)
    assert skill.log_name == f"the skill at / ({SKILL_ID})"


def test_a_skill_s_log_name_says_where_it_is_served_and_its_ids() -> None:
    ids = [SKILL_ID, OTHER_SKILL_ID]
    assert make_skill(path="/alexa").log_name == f"the skill at /alexa ({SKILL_ID})"
    assert Skill(list(reversed(ids))).log_name == f"the skill at / ({', '.join(ids)})"
    assert Skill("*").log_name == "the skill at / (any skill id)"


def test_a_store_that_hangs_at_shutdown_does_not_hold_up_the_exit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # uvicorn waits for the lifespan's shutdown without a bound (its graceful timeout bounds
    # the requests only): a store whose aclose never returned kept the server from exiting.
    from alexaskill.store import closing
    from alexaskill.store.memory import MemoryStore

    class Hanging(MemoryStore):
        async def aclose(self) -> None:
            await asyncio.Event().wait()

    monkeypatch.setattr(closing, "CLOSE_TIMEOUT", 0.2)
    skill = make_skill(store=Hanging(), path="/alexa")
    done = threading.Event()

    def serve_and_stop() -> None:
        with StarletteClient(skill):
            pass
        done.set()

    with caplog.at_level(logging.WARNING, "alexaskill"):
        threading.Thread(target=serve_and_stop, daemon=True).start()
        assert done.wait(30), "the shutdown waited for the store for good"
    said = [r.getMessage() for r in caplog.records if "not closed at shutdown" in r.getMessage()]
    assert said and "/alexa" in said[0]


def test_a_verifier_that_fails_to_close_does_not_fail_the_lifespan_shutdown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The verifier's aclose raising went out of the lifespan: the server's shutdown failed
    # ("Application shutdown failed", a traceback from Starlette), though the stores closed.
    # Said once at ERROR, naming the verifier, and the shutdown completes.
    from alexaskill.store.memory import MemoryStore

    closed: list[str] = []

    class Store(MemoryStore):
        async def aclose(self) -> None:
            closed.append("store")

    class FailingVerifier(Verifier):
        async def aclose(self) -> None:
            raise RuntimeError("the client would not close")

    skill = make_skill(store=Store(), verifier=FailingVerifier(), path="/alexa")
    sent: list[Message] = []

    async def lifespan() -> None:
        messages: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> Message:
            if not messages:
                await asyncio.Event().wait()  # (never: the shutdown is the last message)
            return messages.pop(0)

        async def send(message: Message) -> None:
            sent.append(message)

        await skill({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    with caplog.at_level(logging.WARNING):
        asyncio.run(lifespan())
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert closed == ["store"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "alexaskill"
    message = errors[0].getMessage()
    assert "FailingVerifier" in message and "/alexa" in message, message
    assert errors[0].exc_info is not None  # its traceback, to see why

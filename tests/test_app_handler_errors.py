"""The ASGI app end to end: a handler's errors (the apology, the log, BaseExceptions, Ctrl-C),
exception handlers, the test client raising them, a missing slot asked again; all signed."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import DialogSlot, Response, ResponseError, Session, Skill, SlotError, ask, speak
from alexaskill.exceptions import RuleViolation
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory, TestClient, TestPKI
from tests.app_shared import make_skill

from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_handler_exception_is_an_apology_and_a_log(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Boom")
    def boom() -> Response:
        raise RuntimeError("kaboom")

    with (
        caplog.at_level(logging.ERROR, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        result = client.intent("Boom")
    assert result.status_code == 200
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert result.should_end_session is True
    assert isinstance(result.handler_error, RuntimeError)
    assert str(result.handler_error) == "kaboom"
    assert "kaboom" in caplog.text
    assert "Traceback" in caplog.text


def test_a_handler_speaking_nothing_gets_the_apology(caplog: pytest.LogCaptureFixture) -> None:
    # Alexa refuses an empty outputSpeech with "There was a problem with the requested skill's
    # response": the user hears the apology instead, and the log names the intent.
    skill = Skill(SKILL_ID)

    @skill.intent("Headline")
    def headline() -> Response:
        return ask("", reprompt="Anything else?")

    with (
        caplog.at_level(logging.ERROR, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        result = client.intent("Headline")
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert isinstance(result.handler_error, ResponseError)
    assert "outputSpeech.text says nothing" in caplog.text
    assert "handler failed for IntentRequest Headline" in caplog.text


class _Custom(BaseException):
    pass


def _exit() -> None:
    sys.exit(3)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["def", "async"])
@pytest.mark.parametrize(
    ("fail_with", "said"),
    [
        (_exit, "SystemExit(3)"),
        (KeyboardInterrupt, "KeyboardInterrupt"),
        (GeneratorExit, "GeneratorExit"),
        (_Custom, "_Custom"),
    ],
    ids=["sys.exit", "KeyboardInterrupt", "GeneratorExit", "own"],
)
def test_a_handler_raising_a_base_exception_gets_the_apology(
    caplog: pytest.LogCaptureFixture, asynchronous: bool, fail_with: Any, said: str
) -> None:
    # No Exception: these went past the apology, and uvicorn answered 500 in plain text, with
    # no request line. No Ctrl-C reaches a handler in a server (uvicorn takes the signal; a def
    # handler runs in a thread): they are the handler's bugs, and the worker goes on.
    pki = TestPKI.default()
    skill = Skill(SKILL_ID, verifier=pki.verifier())

    def fail() -> Response:
        raise fail_with()  # (sys.exit raises from within the call)

    async def fail_async() -> Response:
        return fail()

    skill.add_intent_handler("Fail", fail_async if asynchronous else fail)
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Fail")).encode()
    with StarletteClient(skill) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        with caplog.at_level(logging.INFO, logger="alexaskill"):
            answer = http.post("/", content=body, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["response"]["outputSpeech"]["text"].startswith("Sorry, something went")
    # (A def handler's GeneratorExit is replaced as it leaves its thread: "the call raised".)
    raiser = r"(the call|\S+\.<locals>\.fail(_async)?)"
    assert re.search(f"RuntimeError: {raiser} raised {re.escape(said)}", caplog.text)
    assert "IntentRequest Fail -> handler_error (200)" in caplog.text


@pytest.mark.parametrize("place", ["exception handler", "after hook"])
@pytest.mark.parametrize(
    "fail_with", [_exit, GeneratorExit, _Custom], ids=["sys.exit", "GeneratorExit", "own"]
)
def test_a_base_exception_while_recovering_gets_the_apology(
    caplog: pytest.LogCaptureFixture, place: str, fail_with: Any
) -> None:
    # The same bugs raised in an exception handler, or in an after-request hook run again for
    # its reply, went past the apology: uvicorn answered 500 in plain text.
    pki = TestPKI.default()
    skill = Skill(SKILL_ID, verifier=pki.verifier())

    @skill.intent("Fail")
    def fail() -> Response:
        raise ValueError("the first failure")

    @skill.exception(ValueError)
    def recover(exc: ValueError) -> Response:
        if place == "exception handler":
            raise fail_with()  # (sys.exit raises from within the call)
        return speak("Recovered.")

    @skill.after_request
    def after(response: Response | None) -> Response | None:
        if place == "after hook" and response is not None:
            raise fail_with()
        return response

    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Fail")).encode()
    with StarletteClient(skill, raise_server_exceptions=False) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        with caplog.at_level(logging.INFO, logger="alexaskill"):
            answer = http.post("/", content=body, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["response"]["outputSpeech"]["text"].startswith("Sorry, something went")
    assert "IntentRequest Fail -> handler_error (200)" in caplog.text


def test_ctrl_c_on_the_main_thread_still_stops_the_program() -> None:
    # Where Python's own SIGINT handler is in place, a KeyboardInterrupt on the main thread may
    # be the user's Ctrl-C: it goes on up, as from any other code.
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch() -> Response:
        raise KeyboardInterrupt

    envelope = decode_envelope(
        json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    )
    # Python's own handler, whatever pytest was started with: a shell's background job
    # ignores SIGINT (SIG_IGN), and so do the processes it starts.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            asyncio.run(skill._respond_by(envelope, None, time.perf_counter() + 7.0, 7.0))
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_failed_session_ended_handler_gets_no_spoken_apology() -> None:
    # Alexa ignores speech in a reply to SessionEndedRequest: the apology is the empty reply,
    # as check_reply would have made of the handler's.
    skill = Skill(SKILL_ID)

    @skill.session_ended
    def ended() -> None:
        raise RuntimeError("kaboom")

    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()  # (Alexa ends an open session only)
        result = client.session_ended(reason="ERROR")
    assert result.status_code == 200 and isinstance(result.handler_error, RuntimeError)
    assert result.json == {"version": "1.0", "response": {}}


def test_the_test_client_raises_a_handlers_exception_by_default() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Boom")
    def boom() -> Response:
        raise RuntimeError("kaboom")

    @skill.intent("Fine")
    def fine() -> Response:
        return speak("fine")

    with TestClient(skill) as client:
        with pytest.raises(RuntimeError, match="kaboom") as caught:
            client.intent("Boom")
        assert "raise_handler_errors=False" in "".join(caught.value.__notes__)
        result = client.intent("Fine")  # the next request starts clean
    assert result.speech == "fine"
    assert result.handler_error is None


def test_an_exception_handler_that_answers_is_no_error_for_the_test_client() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Boom", lambda: 1 / 0)
    skill.add_exception_handler(ZeroDivisionError, lambda exc: speak("Handled."))
    with TestClient(skill) as client:
        result = client.intent("Boom")
    assert result.speech == "Handled."
    assert result.handler_error is None


def test_the_test_client_raises_a_rule_violation_by_default() -> None:
    # Alexa takes no speech in reply to an AudioPlayer event: the app drops it (and logs it),
    # which a test must not miss.
    skill = Skill(SKILL_ID)
    skill.on("AudioPlayer.PlaybackNearlyFinished")(lambda: speak("Almost done."))
    with TestClient(skill) as client, pytest.raises(RuleViolation, match="outputSpeech"):
        client.send("AudioPlayer.PlaybackNearlyFinished", token="t")
    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.send("AudioPlayer.PlaybackNearlyFinished", token="t")
    assert result.speech is None
    assert result.handler_error is None
    assert len(result.violations) == 1


def test_the_skill_client_fixture_raises_too(skill_client: Callable[..., TestClient]) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Boom", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        skill_client(skill).intent("Boom")
    assert skill_client(skill, raise_handler_errors=False).intent("Boom").handler_error


def test_exception_handler_replaces_the_apology() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Boom")
    async def boom() -> Response:
        raise KeyError("city")

    @skill.exception(LookupError)
    def on_lookup(exc: LookupError, session: Session) -> Response:
        return ask(f"Unknown {exc}.")

    with TestClient(skill) as client:
        assert client.intent("Boom").speech == "Unknown 'city'."


def test_failing_exception_handler_still_answers(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Boom", lambda: 1 / 0)

    @skill.exception(ZeroDivisionError)
    def broken(exc: ZeroDivisionError) -> Response:
        raise ValueError("handler bug")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Boom")
    assert result.status_code == 200
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert isinstance(result.handler_error, ValueError)
    assert "handler bug" in caplog.text
    with TestClient(skill) as client, pytest.raises(ValueError, match="handler bug"):
        client.intent("Boom")


def test_missing_required_slot_asks_again() -> None:
    with TestClient(make_skill()) as client:
        result = client.intent("GetWeather")
    assert result.status_code == 200
    assert result.speech == "Sorry, I didn't catch that. Could you say it again?"
    assert result.should_end_session is False


def _dialog_skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Order",
        utterances=["order {count} pizzas", "order pizza", "order pizza to {city}"],
        slots={
            "count": DialogSlot("AMAZON.NUMBER", elicit="How many?", samples=["{count}"]),
            "city": "AMAZON.City",
        },
        auto_delegate=False,
    )
    def order(count: int, city: str | None = None) -> Response:
        return speak(f"{count} pizzas.")

    return skill


def test_a_slot_asked_again_inside_a_dialog_is_asked_through_the_dialog() -> None:
    # Outside a dialog the plain question is right; inside one, a plain ask() ends the dialog:
    # the user's next answer would no longer go to the slot. ElicitSlot keeps it there.
    with TestClient(_dialog_skill()) as client:
        result = client.intent("Order", dialog_state="IN_PROGRESS", count="?", city="Rome")
    assert result.speech == "How many?"  # the slot's own prompt (tests/test_asking_again.py)
    assert result.should_end_session is False
    [directive] = result.json["response"]["directives"]
    assert directive["type"] == "Dialog.ElicitSlot"
    assert directive["slotToElicit"] == "count"
    slots = directive["updatedIntent"]["slots"]
    assert "value" not in slots["count"]  # the value that did not convert is cleared
    assert slots["city"]["value"] == "Rome"  # the others go back as Alexa sent them


@pytest.mark.parametrize("state", ["STARTED", "IN_PROGRESS"])
def test_a_missing_slot_inside_a_dialog_lets_the_dialog_model_ask(state: str) -> None:
    # The handler cannot be called without its slot: the dialog model's prompt asks for it.
    with TestClient(_dialog_skill()) as client:
        result = client.intent("Order", dialog_state=state)
    assert result.json["response"] == {
        "directives": [{"type": "Dialog.Delegate"}],
        "shouldEndSession": False,
    }


def test_a_missing_slot_in_a_completed_dialog_is_elicited() -> None:
    with TestClient(_dialog_skill()) as client:
        result = client.intent("Order", dialog_state="COMPLETED", count=None)
    [directive] = result.json["response"]["directives"]
    assert (directive["type"], directive["slotToElicit"]) == ("Dialog.ElicitSlot", "count")
    assert result.speech == "How many?"


def test_a_catch_all_exception_handler_does_not_replace_asking_again() -> None:
    # Asking again is the default answer to SlotError, not a failure: a catch-all written for
    # bugs would turn every "?" into its goodbye. A handler for SlotError itself replaces it.
    skill = make_skill()

    @skill.exception(Exception)
    def catch_all(exc: Exception) -> Response:
        return speak("Our servers are down, goodbye.")

    with TestClient(skill) as client:
        result = client.intent("GetWeather")
    assert result.speech == "Sorry, I didn't catch that. Could you say it again?"
    assert result.should_end_session is False


def test_slot_error_handler_sees_the_slot() -> None:
    skill = make_skill()

    @skill.exception(SlotError)
    def on_slot(exc: SlotError) -> Response:
        return ask(f"Which {exc.slot_name}?")

    with TestClient(skill) as client:
        assert client.intent("GetWeather").speech == "Which city?"


def test_wrong_return_type_is_a_handler_bug(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Str", lambda: "just a string")
    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Str")
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert "returned a str;" in caplog.text
    with TestClient(skill) as client, pytest.raises(ResponseError, match="returned a str;"):
        client.intent("Str")


def test_a_result_that_is_no_reply_is_an_error_of_a_public_class() -> None:
    # It was `alexaskill.handler_bugs._NotAReply`, a private class, in pytest's output and in
    # what an `on_handler_error` hook (an error tracker) was handed: no name to catch or group.
    import alexaskill

    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Str", lambda: "just a string")
    with TestClient(skill, raise_handler_errors=False) as client:
        error = client.intent("Str").handler_error  # (what `on_handler_error` is handed)
    public = alexaskill.NotAResponse
    assert (type(error), type(error).__module__) == (public, "alexaskill.exceptions")
    assert issubclass(public, ResponseError) and "NotAResponse" in alexaskill.__all__
    assert isinstance(error, public) and error.handler.endswith(".<lambda>"), error
    with TestClient(skill) as client, pytest.raises(public, match="returned a str;"):
        client.intent("Str")


def test_a_reply_built_and_not_returned_is_warned_of_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `ask("…")` written without `return`: the user heard nothing and the session ended on a
    # speaker, with nothing in the log to say why (None is a valid, empty answer).
    skill = Skill(SKILL_ID)

    @skill.launch
    def welcome() -> None:
        ask("Welcome. Which animal?")

    @skill.intent("Quiet")
    def quiet(session: Session) -> None:
        session.attributes["seen"] = True  # (None on purpose: no builder called)

    line = welcome.__code__.co_firstlineno + 2
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        assert client.launch().speech is None
        assert client.launch().speech is None
        assert client.intent("Quiet").speech is None
    name = f"{welcome.__module__}.{welcome.__qualname__}"
    said = [
        f"{name} returned None, so the user hears nothing, and its code calls ask() without "
        f"returning what it built ({__file__}:{line}): return ask(…)"
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "alexaskill"] == said
    # A before-request hook's None lets the handler answer: nothing to say of it.
    caplog.clear()
    hooked = Skill(SKILL_ID)

    def hook() -> None:
        speak("Not said.")

    hooked.add_before_request(hook)

    @hooked.launch
    def hello() -> Response:
        return speak("Hi.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(hooked) as client:
        assert client.launch().speech == "Hi."
    assert not [r for r in caplog.records if "returned None" in r.getMessage()]


def test_oversized_response_is_a_handler_bug(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Big")
    def big(session: Session) -> Response:
        session.attributes["blob"] = "x" * 200_000
        return speak("ok")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Big")
    assert result.status_code == 200
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert "sessionAttributes" not in result.json
    with TestClient(skill) as client, pytest.raises(ResponseError, match="120"):
        client.intent("Big")


# --- a CancelledError that is the handler's own ----------------------------------------------


def test_a_cancelled_error_from_a_task_the_handler_awaited_is_its_bug_not_a_500() -> None:
    # A handler awaiting a task cancelled elsewhere let CancelledError out: the request itself
    # was not being cancelled, yet the server answered 500 (uvicorn) and TestClient raised it.
    skill = make_skill()

    @skill.intent("Lookup")
    async def lookup() -> Response:
        task = asyncio.ensure_future(asyncio.sleep(10))
        task.cancel()
        await task
        return speak("never")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("Lookup")
    assert result.status_code == 200
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert isinstance(result.handler_error, RuntimeError)
    assert "CancelledError" in str(result.handler_error)

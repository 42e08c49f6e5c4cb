"""What a user hears, and what is logged, when a handler (or what is told of its failure)
misbehaves: on the web service and on AWS Lambda."""

from __future__ import annotations

import asyncio
import datetime
import gc
import json
import logging
import signal
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import msgspec
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import (
    DialogSlot,
    IntentRequest,
    Request,
    Response,
    Session,
    Skill,
    ask,
    can_fulfill,
    speak,
)
from alexaskill.aws_lambda import handler
from alexaskill.deadline import Expired
from alexaskill.exceptions import PermissionRequired, ResponseError, SlotError
from alexaskill.i18n import Translations
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI, intent_fields

from .catalogs import catalog

APOLOGY = "Sorry, something went wrong. Please try again later."
GERMAN_APOLOGY = (
    "Entschuldigung, da ist etwas schiefgelaufen. Bitte versuche es später noch einmal."
)


def post(skill: Skill, pki: TestPKI, intent: str) -> Any:
    body = json.dumps(RequestFactory(skill_id=DEFAULT_SKILL_ID).intent(intent)).encode()
    with StarletteClient(skill, raise_server_exceptions=False) as http:
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        return http.post("/", content=body, headers=headers)


class _Broken(BaseException):
    pass


@pytest.mark.parametrize("raised", [RuntimeError, SystemExit, _Broken])
def test_a_failing_on_handler_error_listener_still_gives_the_apology(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # A listener of the skill's own (an error reporter whose service is down) that raised made
    # the answer a 500 with an empty body and no request line; on Lambda, a failed invocation.
    pki = TestPKI.default()
    skill = Skill(DEFAULT_SKILL_ID, verifier=pki.verifier())
    told: list[Exception] = []

    def listener(exc: Exception) -> None:
        told.append(exc)
        raise raised("the reporter is down")

    skill.on_handler_error = listener

    @skill.intent("Fail")
    def fail() -> Response:
        raise ValueError("the weather service is down")

    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = post(skill, pki, "Fail")
        assert answer.status_code == 200
        assert answer.json()["response"]["outputSpeech"]["text"] == APOLOGY
        lambda_answer = handler(skill)(
            RequestFactory(skill_id=DEFAULT_SKILL_ID).intent("Fail"), None
        )
    assert lambda_answer["response"]["outputSpeech"]["text"] == APOLOGY
    assert [type(exc) for exc in told] == [ValueError, ValueError]
    assert "IntentRequest Fail -> handler_error (200)" in caplog.text
    said = [r for r in caplog.records if "on_handler_error listener" in r.getMessage()]
    assert len(said) == 2
    assert said[0].levelname == "ERROR"
    assert said[0].exc_info is not None
    assert said[0].exc_info[0] is raised


async def _forecast() -> Response:
    return speak("Sunny.")


@pytest.mark.parametrize("asynchronous", [False, True], ids=["def", "async"])
def test_a_handler_returning_a_coroutine_is_told_to_await_it(
    caplog: pytest.LogCaptureFixture, asynchronous: bool
) -> None:
    # `return forecast()` without await: the log said only "returned coroutine", and the
    # coroutine, never run, left a RuntimeWarning on stderr when it was collected.
    skill = Skill(DEFAULT_SKILL_ID)

    def weather() -> Response:
        return _forecast()  # type: ignore[return-value]

    async def weather_async() -> Response:
        return _forecast()  # type: ignore[return-value]

    skill.add_intent_handler("Weather", weather_async if asynchronous else weather)
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.ERROR, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        warnings.simplefilter("always")
        result = client.intent("Weather")
        gc.collect()
    assert result.speech == APOLOGY
    fix = "async def and await it" if not asynchronous else "await it"
    assert "returned a coroutine (_forecast() called without await)" in caplog.text
    assert fix in caplog.text
    assert not [w for w in caught if "never awaited" in str(w.message)]


def _listener_raising(raised: Callable[[], BaseException]) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    def listener(exc: Exception) -> None:
        raise raised()

    skill.on_handler_error = listener

    @skill.intent("Fail")
    def fail() -> Response:
        raise ValueError("the weather service is down")

    return skill


def _cancel_own_task() -> BaseException:
    task = asyncio.current_task()
    assert task is not None
    task.cancel()  # the request's own cancellation (its deadline's, a shutdown's)
    return asyncio.CancelledError()


@pytest.mark.parametrize(
    ("raised", "escapes"),
    [
        (KeyboardInterrupt, KeyboardInterrupt),  # a Ctrl-C, on the main thread
        (Expired, Expired),  # the deadline gave up
        (_cancel_own_task, asyncio.CancelledError),
    ],
    ids=["ctrl-c", "deadline", "cancelled"],
)
def test_what_stops_the_request_goes_on_up_from_the_on_handler_error_listener(
    caplog: pytest.LogCaptureFixture,
    raised: Callable[[], BaseException],
    escapes: type[BaseException],
) -> None:
    # Taken for the listener's failure, logged, and answered with the apology, a Ctrl-C would
    # not stop the program, nor would the deadline or a shutdown stop the request.
    skill = _listener_raising(raised)
    envelope = decode_envelope(json.dumps(RequestFactory(skill_id=DEFAULT_SKILL_ID).intent("Fail")))
    # Python's own SIGINT handler, as in a terminal, whatever pytest was started with: a shell
    # starts a background job (a CI runner's, say) with SIGINT ignored, and there a
    # KeyboardInterrupt cannot be a Ctrl-C.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with caplog.at_level(logging.INFO, "alexaskill"), pytest.raises(escapes):
            asyncio.run(skill.respond(envelope, threadpool=False))
    finally:
        signal.signal(signal.SIGINT, before)
    assert "the on_handler_error listener failed" not in caplog.text


@pytest.mark.parametrize("catch_all", [False, True], ids=["fallback", "on_IntentRequest"])
def test_a_fallback_that_keeps_the_session_open_for_stop_ends_it(
    caplog: pytest.LogCaptureFixture, catch_all: bool
) -> None:
    # The fallback (or @skill.on("IntentRequest")) answered Stop and Cancel with its ask(): the
    # user could not leave. Its reply is replaced by the session's end, with a warning; a reply
    # that ends the session, and the fallback's reply to other intents, are left alone.
    skill = Skill(DEFAULT_SKILL_ID)

    def fallback(request: Request) -> Response:
        if isinstance(request, IntentRequest) and request.intent.name == "AMAZON.CancelIntent":
            return speak("Bye then.")
        return ask("Sorry, I can't help with that. Which city?")

    if catch_all:
        skill.on("IntentRequest")(fallback)
    else:
        skill.fallback(fallback)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        for leaving in ("AMAZON.StopIntent", "AMAZON.NavigateHomeIntent"):
            answer = client.intent(leaving)
            assert answer.should_end_session is True, leaving
            assert answer.speech is None
        said = [r for r in caplog.records if "without ending the session" in r.getMessage()]
        assert [r.levelname for r in said] == ["WARNING", "WARNING"]
        assert said[0].getMessage().startswith(f"{__name__}.")
        assert "answered AMAZON.StopIntent without ending the session" in said[0].getMessage()
        assert client.intent("AMAZON.CancelIntent").speech == "Bye then."
        other = client.intent("GetWeather")
        assert other.should_end_session is False
        assert other.speech == "Sorry, I can't help with that. Which city?"


@pytest.mark.parametrize("raised", [ValueError, SystemExit], ids=["exception", "SystemExit"])
def test_the_log_line_of_a_failure_names_the_handler_or_hook(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # "handler failed for IntentRequest Hook" named neither the hook nor the handler; for a
    # SystemExit even the traceback said only "the handler raised SystemExit(1)".
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.before_request
    def check(request: Request) -> None:
        if isinstance(request, IntentRequest) and request.intent.name == "Hook":
            raise raised(1)

    @skill.intent("Hook")
    def hooked() -> Response:
        return speak("Unreachable.")

    @skill.intent("Boom")
    def boom() -> Response:
        raise raised(1)

    @skill.fallback
    def fallback() -> Response:
        raise raised(1)

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        for intent in ("Hook", "Boom", "Other"):
            assert client.intent(intent).speech == APOLOGY
    here = f"{__name__}.test_the_log_line_of_a_failure_names_the_handler_or_hook.<locals>"
    assert [r.getMessage() for r in caplog.records if "handler failed" in r.getMessage()] == [
        f"handler failed for IntentRequest Hook (the before-request hook {here}.check)",
        f"handler failed for IntentRequest Boom ({here}.boom)",
        f"handler failed for IntentRequest Other (the fallback {here}.fallback)",
    ]
    if raised is SystemExit:
        logged = [r.exc_info[1] for r in caplog.records if r.exc_info and "failed" in r.msg]
        assert [str(exc) for exc in logged] == [
            f"the before-request hook {here}.check raised SystemExit(1)",
            f"{here}.boom raised SystemExit(1)",
            f"the fallback {here}.fallback raised SystemExit(1)",
        ]


def test_the_log_line_of_a_failed_launch_names_no_intent(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        raise ValueError("the greeting is missing")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        assert client.launch().speech == APOLOGY
    here = f"{__name__}.test_the_log_line_of_a_failed_launch_names_no_intent.<locals>"
    assert [r.getMessage() for r in caplog.records if "handler failed" in r.getMessage()] == [
        f"handler failed for LaunchRequest ({here}.launch)"
    ]


def _recovering_skill() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Book")
    def book(city: str) -> Response:
        return speak(f"Booked in {city}.")

    skill.add_can_fulfill_handler("Book", lambda city: can_fulfill("YES"))

    @skill.intent("Locate")
    def locate() -> Response:
        raise PermissionRequired("read::alexa:device:all:address")

    @skill.intent("Look")
    def look() -> Response:
        raise KeyError("city")

    @skill.exception(KeyError)
    def on_key(exc: KeyError) -> Response:
        return speak("Which city?")

    @skill.intent("Fail")
    def fail() -> Response:
        raise LookupError("no such city")

    @skill.exception(LookupError)
    def on_lookup(exc: LookupError) -> Response:
        raise RuntimeError("the exception handler is broken too")

    @skill.launch
    def launch() -> Response:
        raise SlotError("city")  # (from code shared with an intent's handler, say)

    @skill.intent("Probe")
    def probe() -> Response:
        return can_fulfill("YES")  # refused once returned: its ResponseError names the handler

    @skill.intent("Divide")
    def divide() -> Response:
        raise ArithmeticError("no number to divide by")

    @skill.exception(ArithmeticError)
    def on_arithmetic(exc: ArithmeticError) -> Response:
        raise SystemExit(1)  # a handler's bug all the same (alexaskill.handler_bugs)

    return skill


_ON_LOOKUP: Final = f"{__name__}._recovering_skill.<locals>.on_lookup"


@pytest.mark.parametrize(
    ("request_type", "intent", "outcome", "said"),
    [
        (
            "IntentRequest",
            "Book",
            "slot_retry",
            "Book: slot 'city' is missing; asking again with the generic prompt",
        ),
        (
            "CanFulfillIntentRequest",
            "Book",
            "slot_retry",
            "slot 'city' is missing; answered without it",
        ),
        (
            "LaunchRequest",
            "",
            "slot_retry",
            "slot 'city' is missing; asking again with the generic prompt",
        ),
        (
            "IntentRequest",
            "Locate",
            "permission_consent",
            "the user has not granted the permission read::alexa:device:all:address; sending "
            "the consent card",
        ),
        ("IntentRequest", "Look", "exception_handler", None),
        (
            "IntentRequest",
            "Probe",
            "handler_error",
            "handler failed for IntentRequest Probe: canFulfillIntent answers a "
            "CanFulfillIntentRequest, not IntentRequest (the reply of "
            f"{__name__}._recovering_skill.<locals>.probe)",
        ),
        ("IntentRequest", "Fail", "handler_error", f"exception handler {_ON_LOOKUP} failed"),
        (
            "IntentRequest",
            "Divide",
            "handler_error",
            f"exception handler {__name__}._recovering_skill.<locals>.on_arithmetic failed",
        ),
    ],
)
def test_each_way_of_recovering_is_its_outcome_in_the_request_line(
    caplog: pytest.LogCaptureFixture,
    request_type: str,
    intent: str,
    outcome: str,
    said: str | None,
) -> None:
    # The outcome names how the answer came about (Answer.outcome); with it, the one line that
    # says why: a slot asked again (or a probe answered NO), the consent card, an exception
    # handler that failed (not also the handler's failure it was answering).
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(_recovering_skill(), raise_handler_errors=False) as client,
    ):
        caplog.clear()
        client.send(request_type, **(intent_fields(intent, None, "NONE", {}) if intent else {}))
    said_lines = [r.getMessage() for r in caplog.records if r.name == "alexaskill"]
    assert said_lines == ([] if said is None else [said])
    [line] = [r.getMessage() for r in caplog.records if r.name == "alexaskill.request"]
    assert line.startswith(f"{request_type} {intent}".rstrip() + f" -> {outcome} (200) "), line


def test_asking_again_with_attributes_that_do_not_encode_is_the_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.before_request
    def remember(session: Session) -> None:
        session.attributes["since"] = object()  # no JSON value: no reply can carry it

    @skill.intent("Book")
    def book(city: str) -> Response:
        return speak(f"Booked in {city}.")

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        caplog.clear()
        assert client.intent("Book").speech == APOLOGY
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # One line: what failed and the attribute JSON cannot hold (no encoder's traceback).
    assert [line.split(": ", 1)[0] for line in said] == ["session attributes do not encode"]
    assert "sessionAttributes['since'] is an object" in said[0], said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    [line] = [r.getMessage() for r in caplog.records if r.name == "alexaskill.request"]
    assert line.startswith("IntentRequest Book -> handler_error (200) "), line


_LONG_BREAK: Final = '<break time="11s"/>'  # past the 10 s Amazon's SSML reference allows


def test_a_question_that_cannot_be_built_to_ask_again_is_the_apology(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # Asking again for a slot fails itself when its prompt breaks a rule of Alexa's (checked
    # as the reply is built): the user hears the apology, one ERROR line (with the traceback)
    # says which slot and why, on_handler_error is told, and the request line says
    # handler_error. The prompt as written is checked where declared
    # (tests/test_dialog_prompts.py); its German translation here, only at start (a WARNING):
    # asked in German, it fails. The line said "asking again for day failed" alone, the
    # reason only in its traceback (not in caplog.messages, nor in a one-line JSON log).
    prompt, german = "<speak>Which day?</speak>", f"<speak>Welcher Tag? {_LONG_BREAK}</speak>"
    catalog(tmp_path, "de", f"msgid {json.dumps(prompt)}\nmsgstr {json.dumps(german)}\n")
    skill = Skill(DEFAULT_SKILL_ID, translations=Translations(tmp_path))

    @skill.intent(
        "Book",
        utterances=["book {day}"],
        slots={"day": DialogSlot("AMAZON.DATE", elicit=prompt, samples=["{day}"])},
    )
    def book(day: datetime.date) -> Response:
        return speak(f"Booked for {day:%A}.")

    with TestClient(skill, raise_handler_errors=False) as client:
        # (the prompt as written is asked: only its translation fails)
        assert client.intent("Book").speech == "Which day?"
        client.locale = "de-DE"
        with caplog.at_level(logging.INFO, logger="alexaskill"):
            caplog.clear()
            result = client.intent("Book")
    # (alexaskill's own catalog)
    assert result.speech == GERMAN_APOLOGY and result.should_end_session is True, result.json
    assert isinstance(result.handler_error, ResponseError)
    assert "<break time='11s'> is 11,000 ms" in str(result.handler_error)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        ("alexaskill", f"asking again for day failed: {result.handler_error}")
    ]
    assert errors[0].exc_info is not None and errors[0].exc_info[1] is result.handler_error
    [line] = [r.getMessage() for r in caplog.records if r.name == "alexaskill.request"]
    assert line.startswith("IntentRequest Book -> handler_error (200) "), line


def test_the_session_ends_for_stop_under_an_after_request_hook_too() -> None:
    # An after-request hook that adds to every reply (a card, say) took the reply over, and the
    # fallback's ask() to Stop kept the session open again: the end comes before the hooks.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.fallback
    def fallback() -> Response:
        return ask("Sorry, I can't help with that. Which city?")

    @skill.after_request
    def stamp(reply: Response) -> Response:
        return msgspec.structs.replace(reply)  # a copy, as a hook adding a card returns

    with TestClient(skill) as client:
        assert client.intent("AMAZON.StopIntent").should_end_session is True
        assert client.intent("GetWeather").should_end_session is False

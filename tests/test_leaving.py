"""The session's end for Stop, Cancel and NavigateHome answered by a catch-all handler
(`alexaskill.leaving`): which handlers are checked, and how often the warning is said; and how
often the warning of a request no handler answers is said."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import alexaskill.answering
import alexaskill.leaving
import alexaskill.log_repeats
from alexaskill import (
    AudioPlayer,
    Intent,
    Request,
    Response,
    SimpleCard,
    Skill,
    ask,
    can_fulfill,
    elicit_slot,
    speak,
)
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

_REPLACED = "without ending the session"


def _stop_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No window of the warnings ends during the test, however slow the machine."""
    monkeypatch.setattr(alexaskill.log_repeats, "_monotonic", lambda: 1000.0)


def _open() -> Response:
    return ask("Sorry, I can't help with that. Which city?")


def test_only_catch_all_handlers_are_marked_to_have_their_replies_checked() -> None:
    # Decided once, when registered: a handler of its own intent (Stop's included) or of a
    # request type other than IntentRequest never answers a leaving intent it was not meant for.
    skill = Skill(DEFAULT_SKILL_ID)
    skill.intent("AMAZON.StopIntent")(_open)
    skill.intent("GetWeather")(_open)
    skill.on("LaunchRequest")(_open)
    skill.on("IntentRequest")(_open)
    skill.fallback(_open)
    handlers = skill.registry.handlers
    assert handlers[("IntentRequest", "AMAZON.StopIntent")].catch_all is False
    assert handlers[("IntentRequest", "GetWeather")].catch_all is False
    assert handlers[("LaunchRequest", None)].catch_all is False
    assert handlers[("IntentRequest", None)].catch_all is True
    fallback = skill.registry.fallback
    assert fallback is not None and fallback.catch_all is True


@pytest.mark.parametrize("hooked", [False, True], ids=["plain", "hooked"])
def test_the_replies_of_a_handler_of_its_own_intent_are_not_checked(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, hooked: bool
) -> None:
    # The check ran for every answer (about 1,000 instructions a request for nothing); now for
    # the catch-all handlers only. A Stop handler that keeps the session open ("Do you really
    # want to stop?") is its author's choice and goes out as it is, without a warning.
    checked: list[str] = []
    real = alexaskill.leaving.ended

    def spy(response: Any, request: Any, handler: Any, said: Any) -> Any:
        checked.append(handler.name)
        return real(response, request, handler, said)

    monkeypatch.setattr(alexaskill.answering, "ended", spy)
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        return ask("Do you really want to stop?")

    skill.intent("GetWeather")(_open)
    skill.fallback(_open)
    if hooked:
        skill.before_request(lambda: None)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert answer.should_end_session is False
        assert answer.speech == "Do you really want to stop?"
        assert client.intent("GetWeather").should_end_session is False
        assert checked == []
        assert client.intent("AMAZON.CancelIntent").should_end_session is True
        assert checked == [f"{__name__}._open"]
    said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
    assert [m.split(" without")[0] for m in said] == [
        f"{__name__}._open answered AMAZON.CancelIntent"
    ]


def test_two_stops_answered_by_the_fallback_give_one_warning_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Every Stop the fallback answered with its ask() wrote the warning again; now once a
    # handler and intent every WARNING_EVERY s, the count of the ones unsaid said at shutdown.
    _stop_the_clock(monkeypatch)
    skill = Skill(DEFAULT_SKILL_ID)
    skill.fallback(_open)
    with caplog.at_level(logging.INFO, "alexaskill"):
        with TestClient(skill) as client:
            for _ in range(2):
                assert client.intent("AMAZON.StopIntent").should_end_session is True
            assert client.intent("AMAZON.CancelIntent").should_end_session is True
            said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
            assert [m.split(" without")[0] for m in said] == [
                f"{__name__}._open answered AMAZON.StopIntent",
                f"{__name__}._open answered AMAZON.CancelIntent",
            ]
            assert all(r.levelname == "WARNING" for r in caplog.records if _REPLACED in r.msg)
        unsaid = [r.getMessage() for r in caplog.records if "more time" in r.getMessage()]
    assert unsaid == [
        f"{__name__}._open answered AMAZON.StopIntent without ending the session 1 more time "
        "since the last such line: the session ended instead"
    ]


def test_an_exception_handler_that_keeps_the_session_open_for_stop_ends_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The Stop handler failed and the skill's exception handler, written for any failure,
    # asked "what now?": the user who said "stop" was kept in, as by a fallback's ask().
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        raise ValueError("the goodbye service is down")

    @skill.intent("GetWeather")
    def weather() -> Response:
        raise ValueError("the weather service is down")

    @skill.exception(ValueError)
    def failed(exc: ValueError) -> Response:
        return ask("Something went wrong. What would you like to do?")

    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert answer.should_end_session is True
        assert answer.speech is None
        assert client.intent("GetWeather").should_end_session is False
    said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
    assert [m.split(" without")[0] for m in said] == [
        f"{__name__}.test_an_exception_handler_that_keeps_the_session_open_for_stop_ends_it."
        "<locals>.failed answered AMAZON.StopIntent"
    ]


@pytest.mark.parametrize("scope", ["every request", "IntentRequest"])
def test_a_before_request_hook_that_keeps_the_session_open_for_stop_ends_it(
    caplog: pytest.LogCaptureFixture, scope: str
) -> None:
    # A hook that gates every request ("link your account first") answered Stop with its ask()
    # too: the user who said "stop" could not leave.
    skill = Skill(DEFAULT_SKILL_ID)

    def gate() -> Response:
        return ask("Please link your account first. Shall I send the card?")

    if scope == "every request":
        skill.add_before_request(gate)
    else:
        skill.add_before_request(gate, request_types=["IntentRequest"])
    skill.fallback(_open)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert answer.should_end_session is True
        assert answer.speech is None
        assert client.intent("GetWeather").should_end_session is False
    said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
    assert [m.split(" without")[0] for m in said] == [
        f"{__name__}.test_a_before_request_hook_that_keeps_the_session_open_for_stop_ends_it."
        "<locals>.gate answered AMAZON.StopIntent"
    ]


def test_a_before_request_hook_scoped_to_stop_is_not_checked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Scoped to the intent by name, its reply is its author's choice, as a Stop handler's is.
    skill = Skill(DEFAULT_SKILL_ID)

    def confirm() -> Response:
        return ask("Do you really want to stop?")

    skill.add_before_request(confirm, intents=["AMAZON.StopIntent"])
    hook = skill.registry.before_hooks[0]
    assert hook.handler.catch_all is False
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert answer.should_end_session is False
        assert answer.speech == "Do you really want to stop?"
    assert _REPLACED not in caplog.text


def test_the_warning_of_an_intent_without_a_handler_is_said_once_a_window(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A skill without a fallback wrote "no handler for intent …" on every such request (and
    # "no handler for LaunchRequest" on every launch): now once an intent every 10 s, with the
    # count of the ones unsaid said at shutdown.
    _stop_the_clock(monkeypatch)
    skill = Skill(DEFAULT_SKILL_ID)
    skill.intent("GetWeather")(_open)
    with caplog.at_level(logging.INFO, "alexaskill"):
        with TestClient(skill) as client:
            for _ in range(2):
                assert client.intent("Unknown").speech == "Sorry, I can't help with that."
                assert client.intent("Other").should_end_session is False
                assert client.launch().json["response"] == {}
        said = [r for r in caplog.records if r.getMessage().startswith("no handler for")]

    def intent(name: str) -> str:
        return (
            f"no handler for intent {name!r} and no fallback: add @skill.intent({name!r}), "
            "or a @skill.fallback for every intent without a handler"
        )

    again = " (1 more since the last such line)"
    launch = (
        "no handler for LaunchRequest and no fallback: the user who opens the skill hears "
        "nothing; add @skill.launch, or a @skill.fallback"
    )
    assert [(r.levelname, r.getMessage()) for r in said] == [
        ("WARNING", intent("Unknown")),
        ("WARNING", intent("Other")),
        ("WARNING", launch),
        ("WARNING", intent("Unknown") + again),
        ("WARNING", intent("Other") + again),
        ("WARNING", launch + again),
    ]


def _reopen(response: Response) -> Response:
    return ask("Anything else?")


def test_an_after_request_hook_of_every_request_that_reopens_stop_is_checked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The check ran before the after-request hooks: one that asks "Anything else?" on every
    # reply kept the user who said "stop" (or "cancel") in. Now its change of a reply that
    # ended the session is dropped: the reply before it goes out, with the warning.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        return speak("Goodbye.")

    skill.intent("GetWeather")(lambda: speak("Sunny."))
    skill.add_after_request(_reopen)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert (answer.speech, answer.should_end_session) == ("Goodbye.", True)
        cancel = client.intent("AMAZON.CancelIntent")  # no handler: the silent end
        assert (cancel.speech, cancel.should_end_session) == (None, True)
        weather = client.intent("GetWeather")  # not a leaving intent: the hook's reply
        assert (weather.speech, weather.should_end_session) == ("Anything else?", False)
    said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
    assert [m.split(" without")[0] for m in said] == [
        f"{__name__}._reopen changed the reply to AMAZON.StopIntent",
        f"{__name__}._reopen changed the reply to AMAZON.CancelIntent",
    ]
    # Not "handle AMAZON.StopIntent": it has a handler; the hook must leave its reply alone.
    assert said[0].endswith("; return None from it for AMAZON.StopIntent")


def test_after_request_hooks_that_keep_the_end_or_are_scoped_to_stop_are_not_overruled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A catch-all hook's change that still ends the session (a card) goes out; a hook scoped
    # to Stop by name is its author's choice, as is a Stop handler that keeps the session open.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        return speak("Goodbye.")

    @skill.intent("AMAZON.CancelIntent")
    def cancel() -> Response:
        return ask("Do you really want to cancel?")

    def card(response: Response) -> Response:
        return response.replace(card=SimpleCard("Bye", "See you soon."))

    skill.add_after_request(card)
    skill.add_after_request(_reopen, intents=["AMAZON.StopIntent"])
    assert [hook.handler.catch_all for hook in skill.registry.after_hooks] == [True, False]
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert (answer.speech, answer.should_end_session) == ("Anything else?", False)
        answer = client.intent("AMAZON.CancelIntent")
        assert answer.should_end_session is False
        assert answer.json["response"]["card"]["title"] == "Bye"
    assert _REPLACED not in caplog.text

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_after_request(card)
    with TestClient(skill) as client:
        answer = client.intent("AMAZON.StopIntent")
        assert answer.should_end_session is True
        assert answer.json["response"]["card"]["title"] == "Bye"


def test_a_catch_all_goodbye_without_should_end_session_is_kept_and_ends_the_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A fallback that answered Stop with a goodbye and AudioPlayer.Stop, leaving
    # shouldEndSession out (the device decides: a screen keeps the session open), was replaced
    # by the silent end. Now its speech and directives go out, ending the session; a reply
    # Alexa takes only with the session open (a reprompt, a dialog directive) is still replaced.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.fallback
    def fallback(intent: Intent | None) -> Response:
        if intent is not None and intent.name == "AMAZON.StopIntent":
            return speak("Goodbye.", directives=[AudioPlayer.Stop()], end_session=None)
        if intent is not None and intent.name == "AMAZON.NavigateHomeIntent":
            stream = "https://radio.example/live.mp3"
            return speak(
                "Playing.", directives=[AudioPlayer.Play(stream, "live")], end_session=None
            )
        return elicit_slot("city", "Which city?")

    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.intent("AMAZON.StopIntent")
        assert answer.json["response"] == {
            "outputSpeech": {"type": "PlainText", "text": "Goodbye."},
            "directives": [{"type": "AudioPlayer.Stop"}],
            "shouldEndSession": True,
        }
        assert client.intent("AMAZON.CancelIntent").json["response"] == {"shouldEndSession": True}
        home = client.intent("AMAZON.NavigateHomeIntent")  # no stream starts for a user leaving
        assert home.json["response"] == {"shouldEndSession": True}
    said = [r.getMessage() for r in caplog.records if _REPLACED in r.getMessage()]
    assert len(said) == 3


def test_a_can_fulfill_probe_without_a_handler_is_answered_no_without_the_fallback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Alexa's CanFulfillIntentRequest probe of an intent without a can_fulfill handler ran the
    # fallback (its code and its saves, for a probe that must change nothing) and logged a
    # WARNING each time for its reply. Now it is answered NO without it; a handler of every
    # probe (@skill.on("CanFulfillIntentRequest")) still answers them.
    skill = Skill(DEFAULT_SKILL_ID)
    ran: list[str] = []

    @skill.fallback
    def fallback(request: Request) -> Response:
        ran.append(request.type)
        return _open()

    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        answer = client.can_fulfill("PlanTrip", city="Lisbon")
        assert answer.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
        assert ran == []
        assert client.intent("PlanTrip").should_end_session is False
        assert ran == ["IntentRequest"]
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in warned if "CanFulfillIntentRequest" in r.getMessage()]

    skill = Skill(DEFAULT_SKILL_ID)
    skill.fallback(_open)
    skill.on("CanFulfillIntentRequest")(lambda: can_fulfill("MAYBE"))
    with TestClient(skill) as client:
        answer = client.can_fulfill("PlanTrip")
        assert answer.json["response"] == {"canFulfillIntent": {"canFulfill": "MAYBE"}}


def test_the_start_up_warning_names_each_kind_of_catch_all_that_runs_for_stop_once() -> None:
    # It named the fallback alone: an after-request hook of every intent ("Anything else?"), a
    # before-request hook gating every intent and the exception handlers run for an unhandled
    # Stop too, and may leave the session open. Each kind is named once, with its functions.
    skill = Skill(DEFAULT_SKILL_ID)

    def gate() -> None:
        return None

    def stamp() -> None:
        return None

    def failed(exc: ValueError) -> Response:
        return _open()

    skill.add_before_request(gate, request_types=["IntentRequest"])
    skill.add_after_request(_reopen)
    skill.add_after_request(stamp)
    skill.add_after_request(stamp, intents=["GetWeather"])  # scoped: not named
    skill.exception(ValueError)(failed)
    [warning] = alexaskill.leaving.leaving_warnings(skill.registry)
    where = f"{__name__}.{gate.__qualname__.rsplit('.', 1)[0]}"
    assert warning.startswith(
        f"the before-request hook {where}.gate, the after-request hooks {__name__}._reopen and "
        f"{where}.stamp and the exception handler {where}.failed run for AMAZON.StopIntent "
        "and AMAZON.CancelIntent, which have no handler: where a reply leaves the session "
        "open, the session ends without it"
    )
    skill.fallback(_open)
    [warning] = alexaskill.leaving.leaving_warnings(skill.registry)
    assert warning.startswith(
        f"the fallback {__name__}._open answers AMAZON.StopIntent and AMAZON.CancelIntent, "
        f"which have no handler (the before-request hook {where}.gate, "
    )
    assert warning.count("after-request hooks") == 1
    skill.intent("AMAZON.StopIntent")(lambda: speak("Goodbye."))
    skill.intent("AMAZON.CancelIntent")(lambda: speak("Goodbye."))
    assert alexaskill.leaving.leaving_warnings(skill.registry) == []

    # Hooks scoped by name, exception handlers alone: Stop ends in silence, nothing to say.
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_before_request(gate, intents=["GetWeather"])
    skill.exception(ValueError)(failed)
    assert alexaskill.leaving.leaving_warnings(skill.registry) == []


def test_the_start_up_warning_of_one_hook_alone() -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_after_request(_reopen)
    skill.add_after_request(_reopen, request_types=["IntentRequest"])  # the same, named once
    assert alexaskill.leaving.leaving_warnings(skill.registry) == [
        f"the after-request hook {__name__}._reopen runs for AMAZON.StopIntent and "
        "AMAZON.CancelIntent, which have no handler: where a reply leaves the session open, the "
        "session ends without it (Amazon requires Stop and Cancel to end the session); handle "
        'them to say goodbye: @skill.intent("AMAZON.StopIntent")'
    ]


def test_a_catch_all_that_returns_nothing_for_stop_ends_the_session_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A fallback returning None for what it does not answer got the session's end for Stop,
    # but with the WARNING that its reply was dropped, though there was none to drop.
    skill = Skill(DEFAULT_SKILL_ID)
    skill.fallback(lambda: None)
    with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
        assert client.intent("AMAZON.StopIntent").json["response"] == {"shouldEndSession": True}
    assert _REPLACED not in caplog.text


@pytest.mark.parametrize("hooked", [False, True])
@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_a_leaving_intents_own_handler_returning_none_ends_the_session(
    intent: str, hooked: bool
) -> None:
    # None is an empty answer; to Stop or Cancel it was sent as {} with shouldEndSession left
    # out, which keeps the session open on a device with a screen (Alexa's rule for an absent
    # shouldEndSession), where the user asked to leave. It ends the session now, as an unhandled
    # Stop does; what the handler returns for any other intent is untouched.
    skill = Skill(DEFAULT_SKILL_ID)
    skill.intent(intent)(lambda: None)
    skill.intent("Quiet")(lambda: None)
    if hooked:
        skill.before_request(lambda: None)
    with TestClient(skill) as client:
        assert client.intent(intent).should_end_session is True
        assert client.intent("Quiet").json["response"] == {}


def test_a_goodbye_closed_for_stop_goes_without_its_dynamic_entities() -> None:
    # A catch-all's goodbye that leaves shouldEndSession out is closed for Stop; a
    # Dialog.UpdateDynamicEntities in it (for turns that will not come) never goes with
    # shouldEndSession true: it is left out, and the goodbye is said, not the apology.
    from alexaskill.directives import Dialog

    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    skill = Skill(DEFAULT_SKILL_ID)
    skill.fallback(lambda: speak("Goodbye", directives=[entities], end_session=None))
    with TestClient(skill, raise_handler_errors=False) as client:
        answer = client.intent("AMAZON.StopIntent")
    assert answer.handler_error is None
    assert answer.json["response"] == {
        "outputSpeech": {"type": "PlainText", "text": "Goodbye"},
        "shouldEndSession": True,
    }

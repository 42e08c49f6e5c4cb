"""Mistakes made while writing a skill fail where they are made: at registration (import time),
or as a WARNING when the skill starts, each with a message that names the fix (those in what a
handler takes: tests/test_registration_handlers.py)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from alexaskill import (
    ConfigurationError,
    Response,
    Skill,
    ask,
    can_fulfill,
    settings_from_env,
    speak,
)
from alexaskill.aws_lambda import handler as lambda_handler
from alexaskill.builtin_intents import (
    BUILTIN_INTENTS,
    REQUIRED_INTENTS,
    check_builtin_intent,
)
from alexaskill.interaction import model_warnings
from alexaskill.testing import RequestFactory, TestClient
from tests.conftest import OTHER_SKILL_ID, SKILL_ID
from tests.registration_shared import _handler


def hello() -> Response:
    return speak("Hello.")


# --- decorators written without their argument --------------------------------------------------


def test_intent_decorator_without_parentheses_is_refused() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r'@skill.intent\("GetWeather"\)') as caught:

        @skill.intent  # type: ignore[arg-type]
        def get_weather() -> Response:
            return speak("Sunny.")

    assert "get_weather" in str(caught.value)
    assert not skill.registry.handlers


@pytest.mark.parametrize("decorator", ["can_fulfill", "on", "exception"])
def test_other_decorators_without_parentheses_are_refused(decorator: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"@skill\.{decorator}\("):
        getattr(skill, decorator)(hello)


@pytest.mark.parametrize(
    "decorator", ["launch", "fallback", "session_ended", "before_request", "after_request"]
)
def test_bare_decorators_called_with_parentheses_are_refused(decorator: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"^@skill\.{decorator} takes no arguments"):
        getattr(skill, decorator)()
    assert not skill.registry.handlers


def test_an_intent_name_that_is_no_string_is_refused_as_such() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.intent(["GetWeather", "GetTime"])(hello)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "the intent's name, which is a string" in message
    assert "['GetWeather', 'GetTime']" in message
    assert " a intent" not in message


# --- built-in intents -----------------------------------------------------------------------------


def test_misspelled_builtin_intent_says_did_you_mean() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"did you mean AMAZON\.StopIntent\?"):
        skill.intent("AMAZON.StopIntnet")(hello)
    assert not skill.registry.handlers


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("amazon.HelpIntent", "AMAZON.HelpIntent"),
        ("AMAZON.Fallback", "AMAZON.FallbackIntent"),
        ("AMAZON.CancelIntents", "AMAZON.CancelIntent"),
        ("AMAZON.NavigateHome", "AMAZON.NavigateHomeIntent"),
    ],
)
def test_builtin_intent_near_misses(name: str, suggested: str) -> None:
    with pytest.raises(ConfigurationError, match=f"did you mean {suggested}"):
        check_builtin_intent(name)


def test_an_unknown_builtin_intent_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"the standard ones are AMAZON\.CancelIntent"):
        check_builtin_intent("AMAZON.TeleportIntent")


def test_can_fulfill_checks_builtin_names_too() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"did you mean AMAZON\.YesIntent"):
        skill.can_fulfill("AMAZON.YesIntnt")(lambda: can_fulfill("NO"))


@pytest.mark.parametrize(
    "name",
    [*sorted(BUILTIN_INTENTS), "AMAZON.SearchAction<object@WeatherForecast>", "GetWeather"],
)
def test_real_builtin_library_and_custom_intents_pass(name: str) -> None:
    check_builtin_intent(name)
    Skill(SKILL_ID).intent(name)(hello)


@pytest.mark.parametrize(
    "name",
    [
        "amazon.SearchAction<object@WeatherForecast>",  # the prefix as Amazon writes it only
        "AMAZON.SearchActionobject@WeatherForecast>",
        "AMAZON.SearchAction<object@WeatherForecast",
    ],
)
def test_a_builtin_library_name_is_taken_only_whole(name: str) -> None:
    # Each part of the library's form is needed: without one, the name is no intent Alexa sends.
    with pytest.raises(ConfigurationError, match="is not one of Amazon's built-in intents"):
        check_builtin_intent(name)


@pytest.mark.parametrize(
    "name", ["Get Weather", "get-weather", "Get2Weather", "my.intent", "Wetter\u00e4", "_Hidden"]
)
def test_an_intent_name_amazon_refuses_is_refused_at_registration(name: str) -> None:
    # Accepted before: the handler registered, and only `alexaskill model` (or Amazon's console)
    # said the name was not one, long after the code was written around it.
    skill = Skill(SKILL_ID)
    for register in (
        skill.intent(name),
        skill.can_fulfill(name),
        lambda func: skill.add_before_request(func, intents=[name]),
    ):
        with pytest.raises(ConfigurationError) as caught:
            register(hello)
        message = str(caught.value)
        assert message.startswith(f"{__name__}.hello: ")
        assert repr(name) in message
        assert "ASCII letters and underscores" in message
    assert not skill.registry.handlers
    assert not skill.registry.before_hooks


def test_an_intent_name_with_a_space_or_hyphen_gets_the_name_written_right() -> None:
    with pytest.raises(ConfigurationError, match=r"like 'GetWeather'"):
        Skill(SKILL_ID).intent("Get-Weather")(hello)
    with pytest.raises(ConfigurationError, match=r"like 'GetWeather'"):
        Skill(SKILL_ID).intent("get weather")(hello)


def test_required_intents_are_builtin_intents() -> None:
    assert set(REQUIRED_INTENTS) <= BUILTIN_INTENTS


# --- the skill id ---------------------------------------------------------------------------------


def test_skill_id_none_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigurationError, match=r"skill_id is None.*skill_id='\*'"):
        Skill(None)  # type: ignore[arg-type]


def test_an_unset_environment_variable_is_refused() -> None:
    # The message names the variable: an empty list is what settings_from_env() gives without it.
    settings = settings_from_env({})
    with pytest.raises(ConfigurationError, match=r"no application id.*ALEXASKILL_SKILL_ID"):
        Skill(settings.skill_ids)


@pytest.mark.parametrize("bad", ["", [""], ["  "], [], 42, ["*", SKILL_ID]])
def test_other_bad_skill_ids(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="skill_id"):
        Skill(bad)


def test_star_answers_any_skill_and_warns_at_startup_on_asgi(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill("*")
    skill.launch(hello)
    assert skill.skill_ids is None
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(skill, skill_id=OTHER_SKILL_ID) as client,
    ):
        assert client.launch().speech == "Hello."
        assert client.launch().speech == "Hello."
    warnings = [r for r in caplog.records if "skill-id check is OFF" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "skill_id='*'" in warnings[0].getMessage()


def test_star_warns_at_startup_on_lambda(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill("*")
    skill.launch(hello)
    function = lambda_handler(skill)
    event = RequestFactory(skill_id=OTHER_SKILL_ID).envelope("LaunchRequest")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        function(event, None)
        function(event, None)
    warnings = [r for r in caplog.records if "skill-id check is OFF" in r.getMessage()]
    assert len(warnings) == 1


def test_a_real_skill_id_logs_no_startup_warning(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(SKILL_ID)
    skill.launch(hello)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        lambda_handler(skill)(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest"), None)
    assert caplog.records == []


# --- the model declared in code against the handlers ----------------------------------------------


def weather_skill() -> Skill:
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})(
        _handler("city: str | None = None")
    )
    return skill


def test_handled_intent_missing_from_the_model_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = weather_skill()
    skill.intent("GetWether")(hello)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.launch()
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "intent 'GetWether'" in m
        and "no sample utterances" in m
        # (not "did you mean GetWeather?": it has a handler, renaming to it makes two)
        and m.endswith("Alexa never sends it")
        for m in messages
    ), messages


def test_custom_intent_named_like_a_builtin_warns() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("StopIntent")(hello)
    (warning,) = model_warnings(skill)
    assert warning.startswith("intent 'StopIntent' (")
    assert warning.endswith(
        f"({__name__}.hello) is a custom intent named like the built-in AMAZON.StopIntent; "
        "did you mean AMAZON.StopIntent?"
    )


def test_declared_but_unhandled_intent_warns() -> None:
    skill = weather_skill()
    skill.can_fulfill("GetWeathr")(lambda: can_fulfill("YES"))
    (warning,) = model_warnings(skill)
    assert "intent 'GetWeathr' is declared by the can_fulfill handler" in warning
    assert warning.endswith("but no intent handler answers it; did you mean GetWeather?")


def test_a_consistent_skill_has_no_model_warnings() -> None:
    skill = weather_skill()
    skill.can_fulfill("GetWeather")(lambda: can_fulfill("YES"))
    skill.intent("AMAZON.HelpIntent")(lambda: ask("Which city?"))
    skill.intent("AMAZON.StopIntent")(hello)
    assert model_warnings(skill) == []


def test_a_skill_without_samples_has_its_model_elsewhere() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(hello)
    skill.intent("GetTime")(hello)
    assert model_warnings(skill) == []


def test_slots_alone_may_declare_some_types_and_leave_the_rest_to_annotations() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather", slots={"city": "AMAZON.City"})(
        _handler("city: str | None = None, date: datetime.date | None = None")
    )
    assert ("IntentRequest", "GetWeather") in skill.registry.handlers


def test_slots_alone_still_catch_a_key_that_names_no_parameter() -> None:
    with pytest.raises(ConfigurationError, match=r"'number', which names no parameter.*num\?"):
        Skill(SKILL_ID).intent("Add", slots={"number": "AMAZON.NUMBER"})(_handler("num: int"))


# --- request types: misspelt ones refused, new ones of Amazon's accepted ------------------------


@pytest.mark.parametrize(
    ("request_type", "meant"),
    [
        ("LauchRequest", "LaunchRequest"),
        ("launchrequest", "LaunchRequest"),
        (" LaunchRequest", "LaunchRequest"),
        ("AudioPlayer.PlaybackStartd", "AudioPlayer.PlaybackStarted"),
        ("audioplayer.playbackstarted", "AudioPlayer.PlaybackStarted"),
        ("SessionEndedRequests", "SessionEndedRequest"),
    ],
)
def test_a_misspelt_request_type_is_refused_with_what_was_meant(
    request_type: str, meant: str
) -> None:
    # Accepted before, as a type Alexa might send one day: the handler was never called.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"did you mean {re.escape(meant)}\?"):
        skill.on(request_type)(hello)
    with pytest.raises(ConfigurationError, match=rf"did you mean {re.escape(meant)}\?"):
        skill.add_before_request(lambda: None, request_types=[request_type])


@pytest.mark.parametrize(
    ("request_type", "said"),
    [
        ("PlaybackStarted", "did you mean AudioPlayer.PlaybackStarted?"),
        (
            "UserEvent",
            "did you mean Alexa.Presentation.APL.UserEvent or Alexa.Presentation.APLT.UserEvent?",
        ),
        ("Launch", "did you mean LaunchRequest?"),
        ("GetWeather", "an intent's name? @skill.intent('GetWeather')"),
        ("AMAZON.StopIntent", "an intent's name? @skill.intent('AMAZON.StopIntent')"),
        ("ReminderCreated", "did you mean Reminders.ReminderCreated?"),
    ],
)
def test_a_request_type_alexa_never_sends_is_refused_with_what_was_meant(
    request_type: str, said: str
) -> None:
    # Accepted before: every request type but the five of the core (LaunchRequest, …) has a
    # namespace (AudioPlayer.…), so a name without one, or an intent's, was a handler never run.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.on(request_type)(hello)
    message = str(caught.value)
    assert message.startswith(
        f"{__name__}.hello: {request_type!r} is not a request type Alexa sends"
    )
    assert said in message
    with pytest.raises(ConfigurationError, match=re.escape(said)):
        skill.add_before_request(hello, request_types=[request_type])
    assert not skill.registry.handlers


@pytest.mark.parametrize("request_type", ["", "   "])
def test_an_empty_request_type_is_refused(request_type: str) -> None:
    with pytest.raises(ConfigurationError, match="is no request type"):
        Skill(SKILL_ID).on(request_type)(hello)
    with pytest.raises(ConfigurationError, match=r"request.type"):
        Skill(SKILL_ID).add_after_request(lambda: None, request_types=[request_type])


@pytest.mark.parametrize("request_type", [None, 42, b"LaunchRequest"])
def test_a_request_type_that_is_no_string_is_refused(request_type: Any) -> None:
    with pytest.raises(ConfigurationError, match="is no request type"):
        Skill(SKILL_ID).add_handler(request_type, hello)


@pytest.mark.parametrize("request_type", ["Vendor.New Event", "Vendor.NewEvent\t"])
def test_a_request_type_with_a_space_anywhere_is_refused(request_type: str) -> None:
    # A namespaced name is otherwise taken (Amazon adds types); with a space, Alexa never sends it.
    with pytest.raises(ConfigurationError, match="a request type has no spaces"):
        Skill(SKILL_ID).on(request_type)(hello)


@pytest.mark.parametrize(
    "request_type",
    [
        "Alexa.NewFeature.SomethingHappened",  # README: a type Amazon adds is a handler away
        "Dialog.API.Invoked",
        "Alexa.Presentation.HTML.Message",
        "Alexa.Presentation.APLA.RuntimeError",  # one letter from APL's, and Amazon's own
        "AudioPlayer.PlaybackStarted",
    ],
)
def test_other_request_types_are_accepted(request_type: str) -> None:
    # Control: passes on the old code too.
    skill = Skill(SKILL_ID)
    skill.on(request_type)(hello)
    skill.add_before_request(lambda: None, request_types=[request_type])


class _Greeter:
    def __call__(self) -> None:
        return None


def _secret_handler(token: str) -> None:
    return None


def test_names_and_request_types_refused_name_the_function_as_elsewhere() -> None:
    # The checks of intent names and request types named a lambda "<lambda>" without its
    # module, and a functools.partial by its repr: its address and bound values (a secret).
    import functools
    from collections.abc import Callable

    skill = Skill("*")
    bound = functools.partial(_secret_handler, token="hunter2")
    here = f"{__name__}.test_names_and_request_types_refused_name_the_function_as_elsewhere"
    unnamed = lambda: None  # noqa: E731
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: skill.add_handler("Foo Bar", unnamed), f"{here}.<locals>.<lambda>: "),
        (
            lambda: skill.add_intent_handler("get-weather", bound),
            f"functools.partial({__name__}._secret_handler): ",
        ),
        (lambda: skill.add_intent_handler("", _Greeter()), f"{__name__}._Greeter(): "),
        (
            lambda: skill.add_before_request(bound, intents=["Get Weather"]),
            f"functools.partial({__name__}._secret_handler): ",
        ),
    ]
    for register, expected in cases:
        with pytest.raises(ConfigurationError) as caught:
            register()
        message = str(caught.value)
        assert message.startswith(expected), message
        assert "hunter2" not in message and " at 0x" not in message
    with pytest.raises(ConfigurationError, match=f"^{re.escape(__name__)}._secret_handler: "):
        skill.exception(_secret_handler)  # type: ignore[arg-type, type-var]


@pytest.mark.parametrize("intent", ["Get Weather", "", "AMAZON.StopIntnet"])
def test_add_handler_refuses_an_intent_name_as_the_decorators_do(intent: str) -> None:
    # skill.add_handler("IntentRequest", f, intent=…) took any name: a handler never called.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=f"^{re.escape(__name__)}.hello: "):
        skill.add_handler("IntentRequest", hello, intent=intent)
    with pytest.raises(ConfigurationError, match=f"^{re.escape(__name__)}.hello: "):
        skill.add_handler("CanFulfillIntentRequest", hello, intent=intent)
    assert not skill.registry.handlers

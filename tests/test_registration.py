"""Mistakes made while writing a skill fail where they are made: at registration (import time),
or as a WARNING when the skill starts, each with a message that names the fix."""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

import pytest

from alexaskill import (
    ConfigurationError,
    IntentRequest,
    Response,
    Session,
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
    close_matches,
)
from alexaskill.interaction import model_warnings
from alexaskill.testing import RequestFactory, TestClient
from tests.conftest import OTHER_SKILL_ID, SKILL_ID


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


def test_close_matches_ignore_case_and_the_name_itself() -> None:
    assert close_matches("getweather", ["GetWeather", "GetTime"]) == ["GetWeather"]
    assert close_matches("GetWeather", ["GetWeather"]) == []
    assert close_matches("Order", ["GetWeather"]) == []


# --- parameters that are not slots of the intent --------------------------------------------------


def test_parameter_named_unlike_the_slot_in_the_utterances() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("AddNumber", utterances=["add {number}"])
        def add(num: int) -> Response:
            return speak(str(num))

    message = str(caught.value)
    assert "parameter 'num' is not a slot of the intent" in message
    assert "name number" in message
    assert "sample 'add {number}' names slot {number}" in message
    assert not skill.registry.handlers
    assert "AddNumber" not in skill.intent_declarations


def test_parameter_with_a_typo_gets_did_you_mean() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"parameter 'citty'.*did you mean city\?"):
        skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})(
            _handler("citty: str | None = None, city: str | None = None")
        )


def test_slots_key_that_names_no_parameter() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(
        ConfigurationError, match=r"slots= declares 'town', which names no parameter"
    ):
        skill.intent("GetWeather", utterances=["weather in {town}"], slots={"town": "AMAZON.City"})(
            _handler("city: str | None = None")
        )


def test_a_slot_named_like_a_python_keyword_gets_advice_that_can_be_followed() -> None:
    # No parameter can be named 'from': the message says what to do instead.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as info:
        skill.intent(
            "Fly",
            utterances=["fly from {from} to {to}"],
            slots={"from": "AMAZON.City", "to": "AMAZON.City"},
        )(_handler("to: str"))
    message = str(info.value)
    assert "add a parameter 'from'" not in message
    assert "'from' is a Python keyword" in message
    assert "request.intent.slot('from')" in message


def test_sample_slot_without_parameter_or_type() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"names slot \{place\}.*declare its type"):
        skill.intent("Find", utterances=["find {thing} near {place}"])(_handler("thing: str"))


def test_a_handler_taking_the_request_may_read_declared_slots_itself() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})
    def get_weather(request: IntentRequest) -> Response:
        city = request.intent.slot("city")
        assert city is not None  # declared: the request carries it, filled or not
        return speak(city.value or "nowhere")

    with TestClient(skill) as client:
        assert client.intent("GetWeather", city="Paris").speech == "Paris"


def test_declared_slots_that_match_the_parameters_register() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["weather in {city}", "weather in {city} {date}"],
        slots={"city": "AMAZON.City"},
    )
    def get_weather(session: Session, city: str, date: datetime.date | None = None) -> Response:
        return speak(city)

    assert skill.intent_declarations["GetWeather"].slots == {"city": "AMAZON.City"}


def test_without_declarations_any_parameter_is_a_slot() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(_handler("city: str, town: str | None = None"))
    assert ("IntentRequest", "GetWeather") in skill.registry.handlers


@pytest.mark.parametrize(
    ("name", "annotation"),
    [
        ("session", "Session"),
        ("request", "IntentRequest"),
        ("envelope", "Envelope"),
        ("intent", "Intent"),
        ("device", "Device"),
        ("user", "User"),
        ("attributes", "Attributes"),
        ("api", "AlexaApi"),
    ],
)
def test_unannotated_parameter_named_like_an_injectable(name: str, annotation: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"annotate it {name}: {annotation}\b"):
        skill.intent("GetWeather")(_handler(name))


def test_unannotated_request_parameter_of_a_launch_handler() -> None:
    with pytest.raises(ConfigurationError, match=r"annotate it request: LaunchRequest"):
        Skill(SKILL_ID).launch(_handler("request"))


def test_an_annotated_slot_may_be_named_like_an_injectable() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("BookSession")(_handler("session: str"))  # a slot named "session"
    handler = skill.registry.handlers[("IntentRequest", "BookSession")]
    assert [name for name, _ in handler.slots] == ["session"]


def _handler(parameters: str) -> Any:
    namespace: dict[str, Any] = {"speak": speak, "datetime": datetime}
    exec(f"def handler({parameters}):\n    return speak('ok')\n", namespace)
    return namespace["handler"]


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


def test_handled_intent_missing_from_the_model_warns_with_did_you_mean(
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
        and "Alexa never sends it; did you mean GetWeather?" in m
        for m in messages
    ), messages


def test_custom_intent_named_like_a_builtin_warns() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("StopIntent")(hello)
    (warning,) = model_warnings(skill)
    assert warning.startswith("intent 'StopIntent' (")
    assert warning.endswith(
        "test_registration.hello) is a custom intent named like the built-in AMAZON.StopIntent; "
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


def test_an_exception_handler_with_an_unknown_annotation_is_a_configuration_error() -> None:
    skill = Skill(SKILL_ID)

    def handler(exc: NoSuchType) -> Response:  # type: ignore[name-defined]  # noqa: F821
        raise AssertionError("never called")

    with pytest.raises(ConfigurationError, match=r"'exc' is annotated NoSuchType, a name"):
        skill.add_exception_handler(ValueError, handler)


# --- slots where requests without slots come -----------------------------------------------------


def test_a_required_slot_where_requests_without_slots_come_is_refused_at_registration() -> None:
    # Accepted, then every LaunchRequest (or other request) the hook or fallback saw was
    # answered "Sorry, I didn't catch that": the slot could never be there.
    skill = Skill(SKILL_ID)

    def remember(city: str) -> None:
        return None

    with pytest.raises(ConfigurationError, match="slot parameter 'city' is required"):
        skill.add_before_request(remember)
    with pytest.raises(ConfigurationError, match="slot parameter 'query' is required"):

        @skill.fallback
        def fallback(query: str) -> Response:
            return speak(query)

    # With a default, or scoped to intents (which may carry it), it is fine.
    def remember_if_said(city: str | None = None) -> None:
        return None

    skill.add_before_request(remember_if_said)
    skill.add_before_request(remember, intents=["GetWeather"])

    @skill.fallback
    def fallback_with_default(query: str = "") -> Response:
        return speak(query or "Sorry?")

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Welcome."
        assert client.intent("Other").speech == "Sorry?"


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
        ("UserEvent", "did you mean Alexa.Presentation.APL.UserEvent?"),
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


def test_generator_functions_are_refused_as_handlers_at_decoration() -> None:
    # They answered every request with the apology: the call returns a generator, not a reply.
    def sync_gen() -> Any:
        yield speak("x")

    async def async_gen() -> Any:
        yield speak("x")

    skill = Skill(SKILL_ID)
    for func in (sync_gen, async_gen):
        with pytest.raises(ConfigurationError, match="generator"):
            skill.launch(func)
        with pytest.raises(ConfigurationError, match="generator"):
            skill.intent("GetWeather")(func)
        with pytest.raises(ConfigurationError, match="generator"):
            skill.before_request(func)


@pytest.mark.parametrize("exc_type", [SystemExit, KeyboardInterrupt, GeneratorExit])
def test_an_exception_handler_for_a_base_exception_that_is_no_exception_is_refused(
    exc_type: type[BaseException],
) -> None:
    # A handler's sys.exit() (or KeyboardInterrupt, GeneratorExit) reaches exception handlers
    # as a RuntimeError caused by it: one registered for SystemExit was accepted and never
    # called, the user hearing the default apology.
    skill = Skill(SKILL_ID)

    def on_exit(exc: BaseException) -> Response:
        return speak("bye")

    with pytest.raises(ConfigurationError) as raised:
        skill.add_exception_handler(exc_type, on_exit)
    message = str(raised.value)
    assert exc_type.__name__ in message and "RuntimeError" in message
    skill.add_exception_handler(BaseException, on_exit)  # a catch-all: it is called


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

"""Request hooks: before- and after-request functions around every handler, scoped or not."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import (
    ConfigurationError,
    IntentRequest,
    LinkAccountCard,
    Request,
    Response,
    Session,
    SimpleCard,
    Skill,
    User,
    ask,
    speak,
)
from alexaskill.aws_lambda import handler as lambda_handler
from alexaskill.responses import output_speech
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID


class NotLinked(Exception):
    """The user has not linked an account."""


def make_skill(calls: list[str], **options: Any) -> Skill:
    skill = Skill(SKILL_ID, **options)

    @skill.launch
    def launch() -> Response:
        calls.append("launch")
        return ask("Welcome. Which city?", reprompt="Which city?")

    @skill.intent("GetWeather")
    async def weather(city: str | None = None) -> Response:
        calls.append(f"weather {city}")
        return speak(f"Sunny in {city}.")

    @skill.session_ended
    def ended() -> None:
        calls.append("ended")

    return skill


def test_hooks_run_in_registration_order_around_the_handler(
    skill_client: Callable[..., TestClient],
) -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    @skill.before_request
    def first(request: Request) -> None:
        calls.append(f"before 1 {request.type}")

    @skill.before_request
    async def second() -> None:
        calls.append("before 2")

    @skill.after_request
    async def third(response: Response) -> None:
        calls.append(f"after 1 {response.output_speech is not None}")

    @skill.after_request
    def fourth() -> None:
        calls.append("after 2")

    result = skill_client(skill).intent("GetWeather", city="Paris")
    assert result.speech == "Sunny in Paris."
    assert calls == [
        "before 1 IntentRequest",
        "before 2",
        "weather Paris",
        "after 1 True",
        "after 2",
    ]


def test_a_before_hook_that_answers_skips_the_rest(skill_client: Callable[..., TestClient]) -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    @skill.before_request
    def require_link(user: User) -> Response | None:
        calls.append("link?")
        if user.access_token is None:
            return speak("Please link your account in the Alexa app.", card=LinkAccountCard())
        return None

    @skill.before_request
    def never() -> None:
        calls.append("second hook")

    @skill.after_request
    def stamp(response: Response) -> None:
        calls.append("after")

    client = skill_client(skill)
    unlinked = client.intent("GetWeather", city="Paris")
    assert unlinked.speech == "Please link your account in the Alexa app."
    assert unlinked.card == {"type": "LinkAccount"}
    assert calls == ["link?", "after"]  # neither the second hook nor the handler ran

    calls.clear()
    client.factory.user["accessToken"] = "token"
    assert client.intent("GetWeather", city="Rome").speech == "Sunny in Rome."
    assert calls == ["link?", "second hook", "weather Rome", "after"]


def test_an_after_hook_changes_the_reply(skill_client: Callable[..., TestClient]) -> None:
    skill = make_skill([])

    @skill.after_request
    def add_card(response: Response, request: Request) -> Response:
        return response.replace(card=SimpleCard("Weather", request.type))

    @skill.after_request
    def sees_the_change(response: Response) -> None:
        assert response.card is not None

    client = skill_client(skill)
    launched = client.launch()
    assert launched.speech == "Welcome. Which city?"
    assert launched.reprompt == "Which city?"
    assert launched.card == {"type": "Simple", "title": "Weather", "content": "LaunchRequest"}


def test_after_hooks_skip_an_empty_reply_unless_they_take_none(
    skill_client: Callable[..., TestClient],
) -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    @skill.after_request
    def needs_a_reply(response: Response) -> None:
        calls.append("needs a reply")

    @skill.after_request
    def takes_none(response: Response | None) -> None:
        calls.append(f"takes none: {response}")

    client = skill_client(skill)
    client.launch()  # (Alexa ends an open session only)
    calls.clear()
    assert client.session_ended().json["response"] == {}
    assert calls == ["ended", "takes none: None"]


def test_hooks_that_apply_to_every_request_leave_alexas_canfulfill_probe_alone(
    skill_client: Callable[..., TestClient],
) -> None:
    # The README's stamp hook added a card to the CanFulfillIntent answer, which may carry
    # canFulfillIntent alone: the check refused it and the probe was answered NO.
    from alexaskill import can_fulfill

    calls: list[str] = []
    skill = make_skill(calls)

    @skill.before_request
    def require_link(user: User) -> Response | None:
        return None if user.access_token else speak("Please link your account.")

    @skill.after_request
    def stamp(response: Response) -> Response:
        return response.replace(card=SimpleCard("Weather", "Brought to you by Weather"))

    @skill.can_fulfill("GetWeather")
    def can(city: str | None = None) -> Response:
        return can_fulfill("YES", {"city": ("YES", "YES")})

    seen: list[str] = []

    def probe(response: Response) -> None:
        seen.append("probe")  # scoped to it, a hook does run for it

    skill.add_after_request(probe, request_types=["CanFulfillIntentRequest"])
    slots = {"city": {"name": "city", "value": "Paris"}}
    result = skill_client(skill).send(
        "CanFulfillIntentRequest", intent={"name": "GetWeather", "slots": slots}
    )
    assert result.json["response"] == {
        "canFulfillIntent": {
            "canFulfill": "YES",
            "slots": {"city": {"canUnderstand": "YES", "canFulfill": "YES"}},
        }
    }
    assert seen == ["probe"]


def test_hooks_share_the_requests_services(skill_client: Callable[..., TestClient]) -> None:
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)
    seen: list[int] = []

    @skill.before_request
    def count(attributes: Attributes) -> None:
        attributes["requests"] = attributes.get("requests", 0) + 1

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        seen.append(attributes["requests"])
        return speak(f"Request {attributes['requests']}.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        attributes["last"] = "launch"

    client = skill_client(skill)
    assert client.launch().speech == "Request 1."
    assert client.launch().speech == "Request 2."
    assert seen == [1, 2]
    assert list(store._data.values()) == [{"requests": "2", "last": '"launch"'}]


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_failing_hook_is_answered_like_a_failing_handler(
    where: str, skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    def broken() -> None:
        raise RuntimeError(f"{where} hook broke")

    (skill.before_request if where == "before" else skill.after_request)(broken)
    client = skill_client(skill, raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        result = client.intent("GetWeather", city="Paris")
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert isinstance(result.handler_error, RuntimeError)
    assert f"{where} hook broke" in caplog.text
    assert calls == ([] if where == "before" else ["weather Paris"])
    with pytest.raises(RuntimeError, match=f"{where} hook broke"):
        skill_client(skill).intent("GetWeather", city="Paris")


def test_a_hooks_error_goes_to_the_exception_handlers(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = make_skill([])

    @skill.before_request
    def require_link(user: User) -> None:
        if user.access_token is None:
            raise NotLinked

    @skill.exception(NotLinked)
    def not_linked(exc: NotLinked) -> Response:
        return speak("Please link your account.", card=LinkAccountCard())

    @skill.after_request
    def stamp(response: Response) -> Response:
        text = response.output_speech.text  # type: ignore[union-attr]
        return response.replace(output_speech=output_speech(f"{text} Stamped."))

    result = skill_client(skill).launch()
    # The exception handler's reply goes through the after-request hooks too.
    assert result.speech == "Please link your account. Stamped."
    assert result.card == {"type": "LinkAccount"}


def test_a_hook_returning_something_else_is_a_bug(skill_client: Callable[..., TestClient]) -> None:
    skill = make_skill([])

    @skill.before_request
    def wrong() -> Any:  # (one annotated -> str is refused at registration)
        return "hello"

    result = skill_client(skill, raise_handler_errors=False).launch()
    assert "returned a str;" in str(result.handler_error)


def test_scoped_hooks_run_for_their_requests_only(skill_client: Callable[..., TestClient]) -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    def for_weather(request: IntentRequest, city: str | None = None) -> None:
        calls.append(f"hook {request.intent.name} {city}")

    def for_launch_and_end(request: Request) -> None:
        calls.append(f"hook {request.type}")

    skill.add_before_request(for_weather, intents=["GetWeather"])
    skill.add_after_request(
        for_launch_and_end, request_types=["LaunchRequest", "SessionEndedRequest"]
    )
    client = skill_client(skill)
    client.intent("GetWeather", city="Oslo")  # (its answer ends the session)
    client.launch()
    client.session_ended()
    assert calls == [
        "hook GetWeather Oslo",
        "weather Oslo",
        "launch",
        "hook LaunchRequest",
        "ended",
        "hook SessionEndedRequest",
    ]


def test_hook_registration_mistakes_fail_at_import_time() -> None:
    skill = make_skill([])

    def takes_intent_request(request: IntentRequest) -> None:
        pass

    with pytest.raises(ConfigurationError, match="IntentRequest \\| None"):
        skill.before_request(takes_intent_request)
    skill.add_before_request(takes_intent_request, intents=["GetWeather"])  # in scope: fine
    with pytest.raises(ConfigurationError, match="takes no arguments"):
        skill.before_request("GetWeather")  # type: ignore[type-var]
    with pytest.raises(ConfigurationError, match="list of names"):
        skill.add_after_request(takes_intent_request, intents="GetWeather")
    with pytest.raises(ConfigurationError, match="non-empty"):
        skill.add_after_request(takes_intent_request, intents=[])

    def positional(session: Session, /) -> None:
        pass

    with pytest.raises(ConfigurationError, match="positional-only"):
        skill.after_request(positional)


def test_an_unannotated_response_parameter_of_an_after_hook_says_to_annotate_it() -> None:
    skill = make_skill([])

    def stamp(response):  # type: ignore[no-untyped-def]
        return response

    with pytest.raises(ConfigurationError) as caught:
        skill.after_request(stamp)
    message = str(caught.value)
    assert "annotate it response: Response" in message
    assert "no annotation |" not in message


def test_an_unannotated_slot_of_an_unscoped_hook_is_shown_with_a_type_to_give() -> None:
    skill = make_skill([])

    def hook(city):  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(ConfigurationError, match=r"\(city: str \| None = None\)"):
        skill.before_request(hook)


def test_hooks_cannot_be_added_once_the_skill_answers(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = make_skill([])
    skill_client(skill).launch()
    with pytest.raises(ConfigurationError, match="before the skill is mounted"):
        skill.before_request(lambda: None)


def test_hooks_run_on_aws_lambda() -> None:
    calls: list[str] = []
    skill = make_skill(calls)

    @skill.before_request
    def before(session: Session) -> None:
        session.attributes["seen"] = True

    @skill.after_request
    def after(response: Response) -> Response:
        return speak(f"{response.output_speech.text} (hooked)")  # type: ignore[union-attr]

    factory = RequestFactory(skill_id=SKILL_ID)
    answer = lambda_handler(skill)(factory.envelope("LaunchRequest"), None)
    assert answer["response"]["outputSpeech"]["text"] == "Welcome. Which city? (hooked)"
    assert answer["sessionAttributes"] == {"seen": True}


def test_async_hooks_make_lambda_use_its_event_loop() -> None:
    from alexaskill.lambda_plan import needs_loop

    skill = make_skill([])
    skill.registry.remove(("IntentRequest", "GetWeather"))
    assert not needs_loop(skill)

    async def hook() -> None:
        pass

    skill.after_request(hook)
    assert needs_loop(skill)
    factory = RequestFactory(skill_id=SKILL_ID)
    answer = lambda_handler(skill)(factory.envelope("LaunchRequest"), None)
    assert answer["response"]["outputSpeech"]


def test_a_hooks_early_answer_is_logged_as_such(
    skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    skill = make_skill([])

    @skill.before_request
    def closed() -> Response:
        return speak("We are closed today.")

    with caplog.at_level(logging.INFO, logger="alexaskill.request"):
        assert skill_client(skill).launch().speech == "We are closed today."
    # (Not the start-up warning that the hook runs for an unhandled Stop: alexaskill.leaving.)
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.getMessage().startswith("LaunchRequest -> before_request (200)")


def test_hooks_run_inside_the_response_deadline(skill_client: Callable[..., TestClient]) -> None:
    from alexaskill.app import DEADLINE_REPLY

    calls: list[str] = []
    skill = make_skill(calls, deadline=0.3)

    @skill.before_request
    async def slow(request: Request) -> None:
        if request.type == "LaunchRequest":
            await asyncio.sleep(60)  # cancelled at the deadline: the test never waits this long

    @skill.after_request
    def after() -> None:
        calls.append("after")

    client = skill_client(skill, raise_handler_errors=False)
    started = time.monotonic()
    assert client.launch().speech == DEADLINE_REPLY
    # A bound, not an assertion on time: an answer held until the hook ended took 60 s.
    assert time.monotonic() - started < 30
    assert calls == []  # neither the handler nor the after-request hook ran
    skill.deadline = None  # the next answer is no race against a busy machine's clock
    assert client.intent("GetWeather", city="Oslo").speech == "Sunny in Oslo."


def test_a_required_slot_in_a_hook_scoped_to_intents_and_slotless_requests_is_refused() -> None:
    # Scoped to LaunchRequest as well as to an intent, the hook was accepted, and every launch
    # was answered "Sorry, I didn't catch that": a launch never carries the slot.
    skill = Skill(SKILL_ID)

    def remember(city: str) -> None:
        return None

    with pytest.raises(ConfigurationError, match="slot parameter 'city' is required") as raised:
        skill.add_before_request(remember, request_types=["LaunchRequest"], intents=["Weather"])
    assert "LaunchRequest" in str(raised.value)

    def remember_if_said(city: str | None = None) -> None:
        return None

    skill.add_before_request(remember_if_said, request_types=["LaunchRequest"], intents=["Weather"])
    skill.add_before_request(remember, intents=["Weather"])  # intents alone: fine

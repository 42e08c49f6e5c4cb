"""alexaskill: the weather example with plain ``def`` handlers, as the README writes handlers.

The same skill as `examples.weather.app` (same answers, same helpers), but every handler is a
``def``, so each call goes through the worker-thread hop a ``def`` handler gets
(`alexaskill.threads`). Like `benchmarks.servers.weather` (the same handlers as ``async def``,
``build(asynchronous=True)``), it leaves out the example's two calls to Alexa's service APIs
(the user's name at launch, the device's time zone for an undated forecast): a benchmark on
loopback cannot make them, and the other rows do not. Verification is on, trusting the
benchmark's test root, as in `benchmarks.servers.weather`. ``ALEXASKILL_LOG_LEVEL`` and
``ALEXASKILL_LOG_JSON`` set up the request log as they do for the example (the load
benchmark's ``def-info`` and ``def-json`` rows). ``build(asynchronous=True, ssml_speech=True)``
is the ``ssml`` row's skill (`benchmarks.servers.weather_ssml`): the same answers in SSML.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from alexaskill import Response, Session, SimpleCard, Skill, ask, speak, ssml
from benchmarks.servers import weather

T = TypeVar("T")


def build(*, asynchronous: bool = False, ssml_speech: bool = False) -> Skill:
    """The weather skill with ``def`` handlers (``asynchronous``: ``async def`` ones); with
    ``ssml_speech`` each answer's speech is SSML, built with `alexaskill.ssml` as the README
    writes it (the same words, a stressed forecast and a pause after the first sentence)."""
    from examples.weather.app import ANYTHING_ELSE, DAY_NAMES, HELP, SKILL_ID, forecast

    skill = Skill(skill_id=SKILL_ID)
    kind: Callable[[Callable[..., Any]], Callable[..., Any]] = _coroutine if asynchronous else _same
    # One set of handlers for both kinds of speech, so that the ssml row differs from the async
    # row by its speech alone; plain, the parts join into the words the rows always answered.
    said: Callable[..., str] = ssml.speak if ssml_speech else _joined
    stress: Callable[[str], str] = ssml.emphasis if ssml_speech else str
    pause = ssml.break_(time="300ms") if ssml_speech else ""

    @skill.launch
    @kind
    def launch(session: Session) -> Response:
        last_city = session.attributes.get("last_city")
        if last_city:
            return ask(
                said(
                    "Welcome back to Weather.",
                    pause,
                    f" Shall I check {last_city} again, or another city?",
                ),
                reprompt="Which city would you like?",
            )
        return ask(
            said("Welcome to Weather.", pause, " Which city?"),
            reprompt="Which city would you like?",
        )

    @skill.intent("GetWeather", slots={"city": "AMAZON.City"})
    @kind
    def get_weather(
        session: Session, city: str | None = None, date: datetime.date | None = None
    ) -> Response:
        city = city or session.attributes.get("last_city")
        if not city:
            return ask("Which city would you like the weather for?", reprompt="Which city?")
        session.attributes["last_city"] = city
        day = date or datetime.date.today()
        when = "today" if date is None else DAY_NAMES[day.weekday()]
        conditions = forecast(city, day)
        return ask(
            said(
                "It will be ", stress(conditions), f" in {city} {when}.", pause, f" {ANYTHING_ELSE}"
            ),
            reprompt=ANYTHING_ELSE,
            card=SimpleCard("Weather", f"{city}, {day.isoformat()}: {conditions}"),
        )

    @skill.intent("AMAZON.HelpIntent")
    @kind
    def help_() -> Response:
        return ask(said(HELP), reprompt="Which city would you like?")

    @skill.intent("AMAZON.StopIntent")
    @skill.intent("AMAZON.CancelIntent")
    @kind
    def stop() -> Response:
        return speak(said("Goodbye."))

    @skill.intent("AMAZON.FallbackIntent")
    @skill.fallback
    @kind
    def fallback() -> Response:
        return ask(
            said(f"Sorry, I can't help with that. {HELP}"), reprompt="Which city would you like?"
        )

    @skill.session_ended
    @kind
    def session_ended() -> None:
        return None

    return skill


def _joined(*parts: str) -> str:
    return "".join(parts)


def _same(func: Callable[..., T]) -> Callable[..., T]:
    return func


def _coroutine(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """``func`` as an ``async def`` with its signature (dispatch reads it through __wrapped__)."""

    @functools.wraps(func)
    async def handler(**kwargs: Any) -> T:
        return func(**kwargs)

    return handler


def create_app(directory: str | os.PathLike[str] | None = None) -> Skill:
    """The skill (``uvicorn --factory benchmarks.servers.weather_def:create_app``)."""
    return weather.trust_test_pki(build(), directory)

"""alexaskill: the weather example with plain ``def`` handlers, as the README writes handlers.

The same skill as `examples.weather.app` (same answers, same helpers), but every handler is a
``def``, so each call goes through the worker-thread hop a ``def`` handler gets
(`alexaskill.threads`). Like `benchmarks.servers.weather` (the same handlers as ``async def``,
``build(asynchronous=True)``), it leaves out the example's two calls to Alexa's service APIs
(the user's name at launch, the device's time zone for an undated forecast): a benchmark on
loopback cannot make them, and the other rows do not. Verification is on, trusting the
benchmark's test root, as in `benchmarks.servers.weather`. ``ALEXASKILL_LOG_LEVEL`` and
``ALEXASKILL_LOG_JSON`` set up the request log as they do for the example (the load
benchmark's ``def-info`` and ``def-json`` rows).
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from alexaskill import Response, Session, SimpleCard, Skill, ask, speak
from benchmarks.servers import weather

T = TypeVar("T")


def build(*, asynchronous: bool = False) -> Skill:
    """The weather skill with ``def`` handlers (``asynchronous``: ``async def`` ones)."""
    from examples.weather.app import ANYTHING_ELSE, DAY_NAMES, HELP, SKILL_ID, forecast

    skill = Skill(skill_id=SKILL_ID)
    kind: Callable[[Callable[..., Any]], Callable[..., Any]] = _coroutine if asynchronous else _same

    @skill.launch
    @kind
    def launch(session: Session) -> Response:
        last_city = session.attributes.get("last_city")
        if last_city:
            return ask(
                f"Welcome back to Weather. Shall I check {last_city} again, or another city?",
                reprompt="Which city would you like?",
            )
        return ask("Welcome to Weather. Which city?", reprompt="Which city would you like?")

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
            f"It will be {conditions} in {city} {when}. {ANYTHING_ELSE}",
            reprompt=ANYTHING_ELSE,
            card=SimpleCard("Weather", f"{city}, {day.isoformat()}: {conditions}"),
        )

    @skill.intent("AMAZON.HelpIntent")
    @kind
    def help_() -> Response:
        return ask(HELP, reprompt="Which city would you like?")

    @skill.intent("AMAZON.StopIntent")
    @skill.intent("AMAZON.CancelIntent")
    @kind
    def stop() -> Response:
        return speak("Goodbye.")

    @skill.intent("AMAZON.FallbackIntent")
    @skill.fallback
    @kind
    def fallback() -> Response:
        return ask(f"Sorry, I can't help with that. {HELP}", reprompt="Which city would you like?")

    @skill.session_ended
    @kind
    def session_ended() -> None:
        return None

    return skill


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

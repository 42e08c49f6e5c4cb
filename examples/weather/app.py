"""Weather: a complete example skill.

Run it with ``uvicorn examples.weather.app:skill`` from the repository root. It answers
"what's the weather in Paris tomorrow", remembers the last city for the rest of the session,
and handles the built-in intents every skill must answer. "What's the forecast for the next
three days" is a dialog Alexa runs by itself (auto delegation): it asks for the city and checks
the number of days, then sends the completed intent. Through Alexa's service APIs it greets
the user by name (when they granted the given-name permission) and takes "today" in the
device's time zone, not the server's.
"""

from __future__ import annotations

import datetime
import os
import zlib

from alexaskill import (
    AlexaApi,
    DialogSlot,
    PermissionRequired,
    Response,
    Session,
    SimpleCard,
    Skill,
    Validate,
    ask,
    configure_logging,
    settings_from_env,
    speak,
)

# ALEXASKILL_SKILL_ID, ALEXASKILL_STORE, ALEXASKILL_LOG_LEVEL and ALEXASKILL_LOG_JSON configure
# the deployed skill (see the README's deployment guide); the defaults suit a checkout.
settings = settings_from_env()
if "ALEXASKILL_LOG_LEVEL" in os.environ or "ALEXASKILL_LOG_JSON" in os.environ:
    # Only when asked: importing the skill (in tests, say) leaves logging alone otherwise.
    configure_logging(settings.log_level, json=settings.log_json)
SKILL_ID = settings.skill_ids or ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000",)

skill = Skill(skill_id=SKILL_ID, store=settings.store)

HELP = (
    "You can ask me for the weather in a city, for example: what's the weather in Paris tomorrow?"
)
ANYTHING_ELSE = "Another day or city?"
CONDITIONS = ("sunny", "cloudy", "rainy", "windy", "snowy", "foggy")
# Spoken day names: strftime("%A") would follow the server's locale, not the skill's language.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def forecast(city: str, day: datetime.date) -> str:
    """A made-up but stable forecast, so the example needs no weather service."""
    seed = zlib.crc32(city.lower().encode(), day.toordinal())
    return CONDITIONS[seed % len(CONDITIONS)]


async def greeting(api: AlexaApi) -> str:
    """ "Welcome to Weather, Ada": the name when the user let the skill read it."""
    try:
        name = await api.given_name()
    except PermissionRequired:
        # A greeting is no reason to ask for consent: the skill manifest lists the permission
        # (alexa::profile:given_name:read), and users who grant it are greeted by name.
        name = None
    return f"Welcome to Weather, {name}." if name else "Welcome to Weather."


@skill.launch
async def launch(session: Session, api: AlexaApi) -> Response:
    welcome = await greeting(api)
    last_city = session.attributes.get("last_city")
    if last_city:
        return ask(
            f"{welcome} Shall I check {last_city} again, or another city?",
            reprompt="Which city would you like?",
        )
    return ask(f"{welcome} Which city?", reprompt="Which city would you like?")


@skill.intent(
    "GetWeather",
    utterances=[
        "what's the weather",
        "what's the weather {date}",
        "what's the weather in {city}",
        "what's the weather in {city} {date}",
        "what's the weather like in {city}",
        "what will the weather be like in {city} {date}",
        "how's the weather in {city}",
        "weather in {city}",
        "weather for {city} {date}",
        "will it rain in {city} {date}",
        "is it going to rain in {city} {date}",
        "is it going to be sunny {date}",
        "tell me the weather in {city}",
        "what's the weather going to be like {date}",
        "how about {city}",
        "and in {city}",
        "what about {date}",
        "and {date}",
    ],
    # The date slot's type, AMAZON.DATE, comes from its annotation; a str could be anything.
    slots={"city": "AMAZON.City"},
)
async def get_weather(
    session: Session, api: AlexaApi, city: str | None = None, date: datetime.date | None = None
) -> Response:
    """The forecast for a city (default: the last one of this session) and a day."""
    city = city or session.attributes.get("last_city")
    if not city:
        return ask("Which city would you like the weather for?", reprompt="Which city?")
    session.attributes["last_city"] = city
    # Alexa resolves "tomorrow" in the device's time zone; without a date, "today" is the
    # user's too (the server may be in another time zone, past midnight already).
    day = date or await api.today()
    when = "today" if date is None else DAY_NAMES[day.weekday()]
    weather = forecast(city, day)
    # The session stays open so that "and tomorrow?" can reuse the city just asked about.
    return ask(
        f"It will be {weather} in {city} {when}. {ANYTHING_ELSE}",
        reprompt=ANYTHING_ELSE,
        card=SimpleCard("Weather", f"{city}, {day.isoformat()}: {weather}"),
    )


@skill.intent(
    "GetForecast",
    utterances=[
        "what's the forecast",
        "what's the forecast for {city}",
        "what's the forecast for the next {days} days",
        "what's the forecast for the next {days} days in {city}",
        "give me the {days} day forecast for {city}",
        "forecast for {city}",
    ],
    slots={
        "city": DialogSlot(
            "AMAZON.City",
            elicit="For which city?",
            samples=["{city}", "for {city}", "in {city}"],
        ),
        "days": DialogSlot(
            "AMAZON.NUMBER",
            elicit="For how many days?",
            samples=["{days}", "{days} days", "for {days} days"],
            validations=[
                Validate.at_least(1, "At least one day, please. For how many days?"),
                Validate.at_most(7, "I can forecast up to seven days ahead. For how many days?"),
            ],
        ),
    },
)
async def get_forecast(session: Session, api: AlexaApi, city: str, days: int) -> Response:
    """A forecast for several days: Alexa's dialog has collected a city and 1 to 7 days."""
    session.attributes["last_city"] = city
    start = await api.today()
    dates = [start + datetime.timedelta(days=offset) for offset in range(days)]
    parts = [f"{DAY_NAMES[day.weekday()]} {forecast(city, day)}" for day in dates]
    return ask(
        f"In {city}: {', '.join(parts)}. {ANYTHING_ELSE}",
        reprompt=ANYTHING_ELSE,
        card=SimpleCard("Forecast", f"{city}: " + ", ".join(parts)),
    )


@skill.intent("AMAZON.HelpIntent")
async def help_(session: Session) -> Response:
    return ask(HELP, reprompt="Which city would you like?")


@skill.intent("AMAZON.StopIntent")
@skill.intent("AMAZON.CancelIntent")
async def stop() -> Response:
    return speak("Goodbye.")


@skill.intent("AMAZON.FallbackIntent")
@skill.fallback
async def fallback() -> Response:
    return ask(f"Sorry, I can't help with that. {HELP}", reprompt="Which city would you like?")


@skill.session_ended
async def session_ended() -> None:
    return None

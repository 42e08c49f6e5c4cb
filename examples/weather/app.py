"""Weather: a complete example skill.

Run it with ``uvicorn examples.weather.app:skill`` from the repository root. It answers
"what's the weather in Paris tomorrow" (or "this weekend", "next week": each of its days, as the
date slot is an ``AlexaDate``), remembers the last city for the rest of the session,
and handles the built-in intents every skill must answer. Asked "Which city would you like
the weather for?" (at launch, or when no city is known), users answer "Paris": GetWeather's
dialog reads the city's samples then, and only then. "What's the forecast for the next
three days" is a dialog Alexa runs by itself (auto delegation): it asks for the city and checks
the number of days, then sends the completed intent. Through Alexa's service APIs it greets
the user by name (when they granted the given-name permission) and takes "today" in the
device's time zone, not the server's (when the settings API cannot say the zone, it says it
cannot tell the date, rather than guess one that may be another day).

It answers in English (en-US, en-GB, …) and German (de-DE): its sentences go through
`alexaskill.i18n`'s ``_()``, translated by the catalogs in ``locales/``, and each intent
declares its sample utterances per locale. The catalogs are made with Babel's ``pybabel``
(``pip install "alexaskill[i18n]"``), from the repository root::

    pybabel extract -o examples/weather/locales/messages.pot examples/weather/app.py
    pybabel update -i examples/weather/locales/messages.pot -d examples/weather/locales
    pybabel compile -d examples/weather/locales

(``pybabel init -i … -d … -l fr`` starts another language.)
"""

from __future__ import annotations

import datetime
import logging
import os
import zlib
from pathlib import Path

from alexaskill import (
    AlexaApi,
    AlexaApiError,
    AlexaDate,
    ConfigurationError,
    DateKind,
    DialogSlot,
    PermissionRequired,
    Response,
    Session,
    SimpleCard,
    Skill,
    Validate,
    ask,
    configure_logging,
    elicit_slot,
    settings_from_env,
    speak,
)
from alexaskill.directives import delegate, updated_intent
from alexaskill.i18n import N_, Translations, _

# ALEXASKILL_SKILL_ID, ALEXASKILL_STORE, ALEXASKILL_LOG_LEVEL and ALEXASKILL_LOG_JSON configure
# the deployed skill (see the README's deployment guide); the defaults suit a checkout.
# A setting that does not parse (or a store URL that names no store) stops the server at once,
# in one line: uvicorn would print the traceback of this module's import.
try:
    settings = settings_from_env()
    if "ALEXASKILL_LOG_LEVEL" in os.environ or "ALEXASKILL_LOG_JSON" in os.environ:
        # Only when asked: importing the skill (in tests, say) leaves logging alone otherwise.
        configure_logging(settings.log_level, json=settings.log_json)
    SKILL_ID = settings.skill_ids or ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000",)

    # The compiled catalogs ship beside the code (see the docstring for the commands that make
    # them).
    translations = Translations(Path(__file__).parent / "locales", default_locale="en-US")
    skill = Skill(skill_id=SKILL_ID, store=settings.store, translations=translations)
except ConfigurationError as exc:
    raise SystemExit(f"alexaskill: {exc}") from None

log = logging.getLogger(__name__)

# Sentences defined here are marked with N_ for pybabel, and translated where they are spoken.
HELP = N_(
    "You can ask me for the weather in a city, for example: what's the weather in Paris tomorrow?"
)
ANYTHING_ELSE = N_("Another day or city?")
# "This weekend", "next week": a forecast for each of their days; a longer time asks again.
ONE_DAY_OR_WEEK = N_(
    "I can tell you about a day, a weekend or a week. Which day? Say, for example: what about "
    "tomorrow?"
)
# Said when Alexa's settings API cannot give the device's time zone: UTC's date could be
# another day where the user is (a wrong forecast); a day the user names needs no time zone.
NO_TODAY = N_(
    "Sorry, I can't tell today's date where you are right now. Try again in a moment, or name "
    "the day."
)
WHICH_CITY = N_("Which city would you like?")
WEATHER_WHERE = N_("Which city would you like the weather for?")
# The forecast's bounds: checked by Alexa's dialog (the model's validations) and by the handler.
MAX_DAYS = 7
AT_LEAST_ONE_DAY = N_("At least one day, please. For how many days?")
AT_MOST_MAX_DAYS = N_("I can forecast up to seven days ahead. For how many days?")
CONDITIONS = (N_("sunny"), N_("cloudy"), N_("rainy"), N_("windy"), N_("snowy"), N_("foggy"))
# Spoken day names: strftime("%A") would follow the server's locale, not the request's language.
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def forecast(city: str, day: datetime.date) -> str:
    """A made-up but stable forecast (in English), so the example needs no weather service."""
    seed = zlib.crc32(city.lower().encode(), day.toordinal())
    return CONDITIONS[seed % len(CONDITIONS)]


def day_name(day: datetime.date) -> str:
    """The day's name in the request's language."""
    return _(DAY_NAMES[day.weekday()])


async def greeting(api: AlexaApi) -> str:
    """ "Welcome to Weather, Ada": the name when the user let the skill read it."""
    try:
        name = await api.given_name()
    except PermissionRequired:
        # A greeting is no reason to ask for consent: the skill manifest lists the permission
        # (alexa::profile:given_name:read), and users who grant it are greeted by name.
        name = None
    except AlexaApiError as error:
        # Nor is a profile service that is slow (past the call's 2 s) or failing: the user
        # hears the welcome, the operator a line.
        log.warning("greeting without the name: %s", error)
        name = None
    return _("Welcome to Weather, {name}.", name=name) if name else _("Welcome to Weather.")


async def user_today(api: AlexaApi) -> datetime.date | None:
    """The user's date, in the device's time zone; None when the settings API that gives the
    zone fails (slow, or an error), with a WARNING line for the operator."""
    try:
        return await api.today()
    except AlexaApiError as error:
        log.warning("no date for today: the settings API (time zone) failed: %s", error)
        return None


def no_today() -> Response:
    """The answer without "today": the session stays open for the user to try again or to name
    the day."""
    return ask(_(NO_TODAY), reprompt=_(ANYTHING_ELSE))


@skill.launch
async def launch(api: AlexaApi) -> Response:
    # Intent chaining: GetWeather's dialog asks for the city ("Which city would you like the
    # weather for?"), and "Paris" alone answers it.
    return delegate(updated_intent("GetWeather"), speech=await greeting(api))


@skill.intent(
    "GetWeather",
    utterances={
        "en-US": [
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
            "what about {city}",
            "and in {city}",
            "what about {date}",
            "and {date}",
        ],
        "de-DE": [
            "wie ist das wetter",
            "wie ist das wetter {date}",
            "wie ist das wetter in {city}",
            "wie ist das wetter in {city} {date}",
            "wie wird das wetter in {city} {date}",
            "wetter in {city}",
            "wetter für {city} {date}",
            "regnet es {date} in {city}",
            "wird es in {city} {date} regnen",
            "wird es {date} sonnig",
            "sag mir das wetter in {city}",
            "und in {city}",
            "und {date}",
            "was ist mit {date}",
        ],
    },
    # The date slot's type, AMAZON.DATE, comes from its annotation; a str could be anything.
    # "Paris" alone is an answer, not a request: the city's samples are read only when the
    # handler asks for it (elicit_slot below). No auto delegation: the session's city may do.
    slots={
        "city": DialogSlot(
            "AMAZON.City",
            elicit=WEATHER_WHERE,
            samples={
                "en-US": ["{city}", "in {city}", "for {city}"],
                "de-DE": ["{city}", "in {city}", "für {city}"],
            },
        )
    },
    auto_delegate=False,
)
async def get_weather(
    session: Session,
    api: AlexaApi,
    city: str | None = None,
    date: AlexaDate | None = None,
) -> Response:
    """The forecast for a city (default: the last one of this session) and a day, a weekend or a
    week."""
    city = city or session.attributes.get("last_city")
    if not city:
        # Alexa asks, and sends this intent back with the answer and the slots already said:
        # "What's the weather tomorrow?" "Which city…?" "Paris." is tomorrow's weather in Paris.
        return elicit_slot("city", _(WEATHER_WHERE), reprompt=_("Which city?"))
    session.attributes["last_city"] = city
    # AlexaDate, not datetime.date: "this weekend" would be no date at all, and heard as today.
    if date is not None and date.kind in (DateKind.WEEKEND, DateKind.WEEK):
        assert date.start is not None and date.end is not None  # (None only for "now")
        return several_days(session, city, date.start, (date.end - date.start).days + 1)
    if date is not None and date.kind not in (DateKind.DAY, DateKind.PRESENT):
        return ask(_(ONE_DAY_OR_WEEK), reprompt=_(ONE_DAY_OR_WEEK))  # a month, a year, …
    # Alexa resolves "tomorrow" in the device's time zone; without a date ("now" included),
    # "today" is the user's too (the server may be in another time zone, past midnight already).
    one_day = date.start if date is not None and date.kind is DateKind.DAY else None
    day = one_day or await user_today(api)
    if day is None:
        return no_today()
    weather = _(forecast(city, day))
    # Whole sentences, not pieces: each language orders the words its own way.
    if one_day is None:
        said = _("It will be {weather} in {city} today.", weather=weather, city=city)
    else:
        said = _(
            "It will be {weather} in {city} {day}.", weather=weather, city=city, day=day_name(day)
        )
    # The session stays open so that "and tomorrow?" can reuse the city just asked about.
    return ask(
        f"{said} {_(ANYTHING_ELSE)}",
        reprompt=_(ANYTHING_ELSE),
        card=SimpleCard(_("Weather"), f"{city}, {day.isoformat()}: {weather}"),
    )


@skill.intent(
    "GetForecast",
    utterances={
        "en-US": [
            "what's the forecast",
            "what's the forecast for {city}",
            "what's the forecast for the next {days} days",
            "what's the forecast for the next {days} days in {city}",
            "give me the {days} day forecast for {city}",
            "forecast for {city}",
        ],
        "de-DE": [
            "wie ist die vorhersage",
            "wie ist die vorhersage für {city}",
            "wie ist die vorhersage für die nächsten {days} tage",
            "wie ist die vorhersage für die nächsten {days} tage in {city}",
            "gib mir die vorhersage für {days} tage für {city}",
            "vorhersage für {city}",
        ],
    },
    # Prompts are marked for pybabel: the de-DE model gets them from the German catalog.
    slots={
        "city": DialogSlot(
            "AMAZON.City",
            elicit=N_("For which city?"),
            samples={
                "en-US": ["{city}", "for {city}", "in {city}"],
                "de-DE": ["{city}", "für {city}", "in {city}"],
            },
        ),
        "days": DialogSlot(
            "AMAZON.NUMBER",
            elicit=N_("For how many days?"),
            samples={
                "en-US": ["{days}", "{days} days", "for {days} days"],
                "de-DE": ["{days}", "{days} tage", "für {days} tage"],
            },
            validations=[
                Validate.at_least(1, AT_LEAST_ONE_DAY),
                Validate.at_most(MAX_DAYS, AT_MOST_MAX_DAYS),
            ],
        ),
    },
)
async def get_forecast(session: Session, api: AlexaApi, city: str, days: int) -> Response:
    """A forecast for several days: Alexa's dialog has collected a city and 1 to 7 days."""
    # Alexa completes the dialog only once the validations hold, but a model deployed without
    # them (or edited in the console) would send any number: ask again, as the validation would.
    if days < 1:
        return elicit_slot("days", _(AT_LEAST_ONE_DAY))
    if days > MAX_DAYS:
        return elicit_slot("days", _(AT_MOST_MAX_DAYS))
    today = await user_today(api)
    if today is None:
        session.attributes["last_city"] = city  # ("and tomorrow?" is for that city)
        return no_today()
    return several_days(session, city, today, days)


def several_days(session: Session, city: str, start: datetime.date, days: int) -> Response:
    """The forecast for ``days`` days from ``start``, one after the other."""
    session.attributes["last_city"] = city
    dates = [start + datetime.timedelta(days=offset) for offset in range(days)]
    parts = [f"{day_name(day)} {_(forecast(city, day))}" for day in dates]
    said = _("In {city}: {days}.", city=city, days=", ".join(parts))
    return ask(
        f"{said} {_(ANYTHING_ELSE)}",
        reprompt=_(ANYTHING_ELSE),
        card=SimpleCard(_("Forecast"), f"{city}: " + ", ".join(parts)),
    )


# Amazon's own samples for it are "help", "help me" and "can you help me": a skill adds the
# phrasings its users say besides.
@skill.intent(
    "AMAZON.HelpIntent",
    utterances={"en-US": ["what can I say", "what can you do"], "de-DE": ["was kann ich sagen"]},
)
async def help_(session: Session) -> Response:
    return ask(_(HELP), reprompt=_(WHICH_CITY))


@skill.intent("AMAZON.StopIntent")
@skill.intent("AMAZON.CancelIntent")
@skill.intent("AMAZON.NavigateHomeIntent")
async def stop() -> Response:
    return speak(_("Goodbye."))


@skill.intent("AMAZON.FallbackIntent")
@skill.fallback
async def fallback() -> Response:
    sorry = _("Sorry, I can't help with that.")
    return ask(f"{sorry} {_(HELP)}", reprompt=_(WHICH_CITY))


@skill.session_ended
async def session_ended() -> None:
    return None

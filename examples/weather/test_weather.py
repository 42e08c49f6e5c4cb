"""The weather skill, tested through the alexaskill pytest plugin's ``skill_client`` fixture."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any

import pytest

from alexaskill.app import APOLOGY
from alexaskill.testing import intent_fields
from examples.weather.app import ANYTHING_ELSE, HELP, ONE_DAY_OR_WEEK, forecast, skill

REQUESTS = Path(__file__).parent / "requests"

FRIDAY = datetime.date(2026, 11, 27)
WHERE = "Which city would you like the weather for?"
NO_TODAY = (
    "Sorry, I can't tell today's date where you are right now. Try again in a moment, or name "
    "the day."
)


def test_launch_asks_for_a_city(skill_client: Any) -> None:
    result = skill_client(skill).launch()
    # Intent chaining: GetWeather's dialog asks for the city (heard in test_a_city_alone_...).
    assert result.speech == "Welcome to Weather."
    assert result.directives == [
        {
            "type": "Dialog.Delegate",
            "updatedIntent": {"name": "GetWeather", "confirmationStatus": "NONE", "slots": {}},
        }
    ]


def test_weather_for_a_city_and_a_date(skill_client: Any) -> None:
    result = skill_client(skill).intent("GetWeather", city="Paris", date="2026-11-27")
    weather = forecast("Paris", FRIDAY)
    assert result.speech == f"It will be {weather} in Paris Friday. {ANYTHING_ELSE}"
    assert result.card == {
        "type": "Simple",
        "title": "Weather",
        "content": f"Paris, 2026-11-27: {weather}",
    }
    assert result.should_end_session is False
    assert result.session_attributes == {"last_city": "Paris"}


def test_without_a_date_it_is_today_in_utc_when_the_device_sets_no_time_zone(
    skill_client: Any,
) -> None:
    moment = late_evening_utc()
    result = skill_client(skill, now=lambda: moment).intent("GetWeather", city="Oslo")
    assert result.speech == f"It will be {forecast('Oslo', moment.date())} in Oslo today. " + (
        ANYTHING_ELSE
    )


def late_evening_utc() -> datetime.datetime:
    """Tomorrow at 23:30 UTC: already the next day in Tokyo, still today in Los Angeles.

    (Tomorrow, not a fixed date: the test PKI's certificates are valid from about now.)
    """
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    return tomorrow.replace(hour=23, minute=30, second=0, microsecond=0)


@pytest.mark.parametrize(("zone", "days_ahead"), [("Asia/Tokyo", 1), ("America/Los_Angeles", 0)])
def test_today_is_the_users_day_in_the_devices_time_zone(
    skill_client: Any, zone: str, days_ahead: int
) -> None:
    moment = late_evening_utc()
    their_today = moment.date() + datetime.timedelta(days=days_ahead)
    client = skill_client(skill, time_zone=zone, now=lambda: moment)
    result = client.intent("GetWeather", city="Lima")
    assert result.speech == f"It will be {forecast('Lima', their_today)} in Lima today. " + (
        ANYTHING_ELSE
    )
    assert result.card is not None
    assert result.card["content"].startswith(f"Lima, {their_today.isoformat()}: ")
    assert [call.operation for call in result.api_calls] == ["time_zone"]


def test_the_same_moment_is_two_different_days_across_midnight(skill_client: Any) -> None:
    moment = late_evening_utc()
    days = set()
    for zone in ("Asia/Tokyo", "America/Los_Angeles"):
        card = (
            skill_client(skill, time_zone=zone, now=lambda: moment)
            .intent("GetWeather", city="Lima")
            .card
        )
        assert card is not None
        days.add(card["content"].split(", ")[1][:10])
    assert len(days) == 2


def test_the_user_is_greeted_by_name(skill_client: Any) -> None:
    result = skill_client(skill, given_name="Ada").launch()
    assert result.speech == "Welcome to Weather, Ada."
    [call] = result.api_calls
    assert (call.operation, call.status) == ("given_name", 200)


def test_without_the_name_permission_the_greeting_has_no_name_and_no_card(
    skill_client: Any,
) -> None:
    result = skill_client(skill, given_name="Ada", permissions=[]).launch()
    assert result.speech == "Welcome to Weather."
    assert result.card is None
    assert result.api_calls[0].status == 403


@pytest.mark.parametrize("fault", ["timeout", 503])
def test_a_profile_service_that_fails_leaves_the_greeting_without_a_name(
    skill_client: Any, fault: object, caplog: pytest.LogCaptureFixture
) -> None:
    # A slow or failing name lookup is no reason to apologise for the whole launch (a loaded
    # server's replay --url had heard the apology when the call passed its 2 s timeout).
    result = skill_client(skill, given_name="Ada", faults={"given_name": fault}).launch()
    assert result.speech == "Welcome to Weather."
    assert result.directives[0]["type"] == "Dialog.Delegate"
    [line] = [r for r in caplog.records if r.name == "examples.weather.app"]
    assert line.levelname == "WARNING"
    assert line.getMessage().startswith("greeting without the name: ")


@pytest.mark.parametrize("fault", ["timeout", 503])
@pytest.mark.parametrize(
    "ask",
    [
        lambda client: client.intent("GetWeather", city="Oslo"),
        lambda client: client.intent("GetForecast", city="Oslo", days="3"),
    ],
    ids=["today", "forecast"],
)
def test_a_settings_service_that_fails_is_no_date_and_no_apology(
    skill_client: Any, fault: object, ask: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # "Today" needs the device's time zone; UTC's date could be another day (a wrong answer),
    # so none is given, but the user heard the framework's apology for a handler bug and the
    # log had an ERROR with a traceback for a service that failed.
    client = skill_client(skill, time_zone="Asia/Tokyo", faults={"time_zone": fault})
    result = ask(client)
    assert result.speech == NO_TODAY
    assert result.reprompt == ANYTHING_ELSE
    assert result.should_end_session is False
    assert result.card is None
    assert [(r.name, r.levelname) for r in caplog.records if r.levelno >= logging.WARNING] == [
        ("examples.weather.app", "WARNING")
    ]
    [line] = [r for r in caplog.records if r.name == "examples.weather.app"]
    assert line.getMessage().startswith("no date for today: the settings API (time zone) failed: ")
    assert line.exc_info is None
    # A day named needs no time zone: the city kept, "and tomorrow?" is answered.
    assert client.intent("GetWeather", date="2026-11-27").speech.startswith("It will be ")


def test_a_new_session_asks_for_a_city_afresh(skill_client: Any) -> None:
    # A launch starts a session, with no attributes: the last city (session attributes) is
    # gone, and the welcome names none.
    client = skill_client(skill, given_name="Ada")
    client.intent("GetWeather", city="Paris")
    assert client.intent("AMAZON.StopIntent").should_end_session is True
    assert client.launch().speech == "Welcome to Weather, Ada."


def test_a_missing_city_is_asked_for(skill_client: Any) -> None:
    client = skill_client(skill)
    for slots in ({}, {"city": None}, {"city": None, "date": "2026-11-27"}):
        result = client.intent("GetWeather", **slots)
        assert result.speech == "Which city would you like the weather for?"
        assert result.should_end_session is False
        # Alexa's dialog asks, and keeps the day asked about for the answer.
        assert [(d["type"], d["slotToElicit"]) for d in result.directives] == [
            ("Dialog.ElicitSlot", "city")
        ]
        assert result.session_attributes == {}


def test_the_last_city_is_remembered_in_the_session(skill_client: Any) -> None:
    client = skill_client(skill)
    # What Alexa sends on the next turn of a session in which Paris was asked about.
    session = client.factory.session(new=False, attributes={"last_city": "Paris"})
    result = client.send(
        "IntentRequest",
        session=session,
        **intent_fields("GetWeather", None, "NONE", {"date": "2026-11-27"}),
    )
    assert (
        result.speech == f"It will be {forecast('Paris', FRIDAY)} in Paris Friday. {ANYTHING_ELSE}"
    )


def test_a_conversation_carries_the_session(skill_client: Any) -> None:
    client = skill_client(skill)
    assert client.launch().should_end_session is False
    assert client.intent("AMAZON.HelpIntent").speech == HELP
    asked = client.intent("GetWeather")
    assert asked.should_end_session is False
    answered = client.intent("GetWeather", city="Lima", date="2026-11-27")
    assert answered.should_end_session is False
    # The session goes on: the city is remembered for the next question.
    again = client.intent("GetWeather", date="2026-11-28")
    saturday = forecast("Lima", FRIDAY + datetime.timedelta(days=1))
    assert again.speech == f"It will be {saturday} in Lima Saturday. {ANYTHING_ELSE}"
    assert client.intent("AMAZON.StopIntent").should_end_session is True
    # Stop ended the session: the next one starts afresh.
    assert client.launch().speech == "Welcome to Weather."


def test_help(skill_client: Any) -> None:
    result = skill_client(skill).intent("AMAZON.HelpIntent")
    assert result.speech == HELP
    assert result.should_end_session is False


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye(skill_client: Any, intent: str) -> None:
    result = skill_client(skill).intent(intent)
    assert result.speech == "Goodbye."
    assert result.should_end_session is True


@pytest.mark.parametrize("intent", ["AMAZON.FallbackIntent", "OrderPizza"])
def test_fallback(skill_client: Any, intent: str) -> None:
    result = skill_client(skill).intent(intent)
    assert result.speech == f"Sorry, I can't help with that. {HELP}"
    assert result.reprompt == "Which city would you like?"


def test_session_end_gets_an_empty_answer(skill_client: Any) -> None:
    client = skill_client(skill)
    client.launch()
    result = client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
    assert result.status_code == 200
    assert result.json["response"] == {}


EXPECTED = {
    "launch.json": "Welcome to Weather.",
    "get-weather.json": f"It will be {forecast('Paris', FRIDAY)} in Paris Friday. {ANYTHING_ELSE}",
    "get-weather-no-city.json": "Which city would you like the weather for?",
    "help.json": HELP,
    "stop.json": "Goodbye.",
    "session-ended.json": None,
    "unknown-intent.json": f"Sorry, I can't help with that. {HELP}",
}


def test_every_sample_request_has_an_expected_answer() -> None:
    assert sorted(path.name for path in REQUESTS.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_requests_replay(skill_client: Any, name: str) -> None:
    result = skill_client(skill).replay(REQUESTS / name)
    assert result.status_code == 200
    assert result.speech == EXPECTED[name]
    assert result.speech != APOLOGY


# --- said, not built: what users say, understood with the skill's own model ------------------


def sunday() -> datetime.datetime:
    return datetime.datetime(2026, 11, 29, 12, 0)  # the user's time: Sunday 29 November 2026


@pytest.mark.parametrize(
    ("said", "city", "date"),
    [
        ("what's the weather in Paris tomorrow", "Paris", "2026-11-30"),
        ("What is the weather like in Lisbon?", "Lisbon", None),
        ("will it rain in new york this weekend", "new york", "2026-W48-WE"),
        ("is it going to rain in Oslo on friday", "Oslo", "2026-12-04"),
        ("ask weather helper for the weather in Rome next week", "Rome", "2026-W49"),
        ("weather in London please", "London", None),
    ],
)
def test_what_users_say(skill_client: Any, said: str, city: str, date: str | None) -> None:
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    result = client.say(said)
    assert result.request is not None
    assert result.request["intent"]["name"] == "GetWeather", result.understood.explain()
    slots = result.request["intent"]["slots"]
    assert slots["city"].get("value") == city
    assert slots["date"].get("value") == date
    assert result.speech is not None
    # One day (or none: today) is one sentence; a weekend or a week, each of its days.
    one_day = date is None or len(date) == len("2026-11-30")
    assert result.speech.startswith("It will be " if one_day else f"In {city}: ")


def test_and_tomorrow_reuses_the_city(skill_client: Any) -> None:
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    assert client.say("open weather helper").heard == (
        "Welcome to Weather. Which city would you like the weather for?"
    )
    first = client.say("how about Madrid")
    assert first.session_attributes == {"last_city": "Madrid"}
    second = client.say("and tomorrow?")
    assert second.request is not None
    assert second.request["intent"]["slots"]["date"]["value"] == "2026-11-30"
    assert second.speech == f"It will be {forecast('Madrid', datetime.date(2026, 11, 30))} in " + (
        f"Madrid Monday. {ANYTHING_ELSE}"
    )
    assert client.say("stop").speech == "Goodbye."


def test_the_forecast_dialog_is_run_by_alexa(skill_client: Any) -> None:
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    first = client.say("what's the forecast for the next ten days")
    # Auto delegation: Alexa validates the number and asks again, without the skill.
    assert first.status_code == 0
    assert first.prompt == "I can forecast up to seven days ahead. For how many days?"
    assert client.say("three days").prompt == "For which city?"
    done = client.say("in Vienna")
    assert done.request is not None
    assert done.request["dialogState"] == "COMPLETED"
    slots = done.request["intent"]["slots"]
    assert (slots["city"]["value"], slots["days"]["value"]) == ("Vienna", "3")
    assert done.speech is not None
    assert done.speech.startswith("In Vienna: ")
    assert done.speech.count(",") == 2


@pytest.mark.parametrize(
    ("days", "asked"),
    [
        ("3000000", "I can forecast up to seven days ahead. For how many days?"),
        ("8", "I can forecast up to seven days ahead. For how many days?"),
        ("0", "At least one day, please. For how many days?"),
        ("-2", "At least one day, please. For how many days?"),
    ],
)
def test_a_completed_forecast_outside_the_models_bounds_asks_again(
    skill_client: Any, days: str, asked: str
) -> None:
    # Alexa checks the number before it completes the dialog, unless the deployed model lacks
    # the validations: the handler asks again rather than forecast millions of days, or none.
    result = skill_client(skill).intent(
        "GetForecast", city="Paris", days=days, dialog_state="COMPLETED"
    )
    assert result.speech == asked
    assert result.reprompt == asked
    assert [d["type"] for d in result.directives] == ["Dialog.ElicitSlot"]
    assert result.directives[0]["slotToElicit"] == "days"
    assert result.session_attributes == {}


def test_help_and_fallback_said(skill_client: Any) -> None:
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    assert client.say("what can I say").speech == HELP
    fallback = client.say("what's the capital of France")
    assert fallback.request is not None
    assert fallback.request["intent"]["name"] == "AMAZON.FallbackIntent"


def test_a_weekend_is_the_forecast_for_each_of_its_days(skill_client: Any) -> None:
    # "Will it rain in Oslo this weekend": AMAZON.DATE names the weekend, not one day; it was
    # heard as no date at all, and answered with today's weather.
    result = skill_client(skill).intent("GetWeather", city="Oslo", date="2026-W48-WE")
    saturday, sunday = datetime.date(2026, 11, 28), datetime.date(2026, 11, 29)
    days = f"Saturday {forecast('Oslo', saturday)}, Sunday {forecast('Oslo', sunday)}"
    assert result.speech == f"In Oslo: {days}. {ANYTHING_ELSE}"
    assert result.card == {"type": "Simple", "title": "Forecast", "content": f"Oslo: {days}"}
    assert result.should_end_session is False
    assert result.session_attributes == {"last_city": "Oslo"}


def test_a_week_is_the_forecast_for_its_seven_days(skill_client: Any) -> None:
    result = skill_client(skill).intent("GetWeather", city="Rome", date="2026-W49")
    monday = datetime.date(2026, 11, 30)
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    days = ", ".join(
        f"{name} {forecast('Rome', monday + datetime.timedelta(days=offset))}"
        for offset, name in enumerate(names)
    )
    assert result.speech == f"In Rome: {days}. {ANYTHING_ELSE}"


@pytest.mark.parametrize("date", ["2026-12", "2027", "2026-WI", "202X"])
def test_a_longer_time_than_a_week_asks_for_a_day(skill_client: Any, date: str) -> None:
    client = skill_client(skill)
    result = client.intent("GetWeather", city="Paris", date=date)
    assert result.speech == ONE_DAY_OR_WEEK
    assert result.reprompt == ONE_DAY_OR_WEEK
    assert result.should_end_session is False
    # The city is kept for the answer: "what about tomorrow?"
    assert result.session_attributes == {"last_city": "Paris"}
    tomorrow = client.intent("GetWeather", date="2026-11-28")
    assert tomorrow.speech is not None
    assert tomorrow.speech.startswith("It will be ")
    assert "in Paris Saturday." in tomorrow.speech


def test_now_is_today(skill_client: Any) -> None:
    result = skill_client(skill).intent("GetWeather", city="Oslo", date="PRESENT_REF")
    assert result.speech is not None
    assert result.speech.startswith("It will be ")
    assert result.speech.endswith(f" in Oslo today. {ANYTHING_ELSE}")


def test_the_day_asked_about_waits_for_the_city(skill_client: Any) -> None:
    # "What's the weather tomorrow?" "Which city…?" "In Paris.": the answer was today's weather.
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    client.say("open weather helper")
    asked = client.say("what's the weather tomorrow")
    assert asked.speech == "Which city would you like the weather for?"
    answered = client.say("weather in Paris")
    assert answered.request is not None
    assert answered.request["intent"]["slots"]["date"]["value"] == "2026-11-30"
    monday = datetime.date(2026, 11, 30)
    assert answered.speech == f"It will be {forecast('Paris', monday)} in Paris Monday. " + (
        ANYTHING_ELSE
    )
    assert answered.session_attributes == {"last_city": "Paris"}
    again = client.say("weather in Oslo")
    assert again.speech is not None
    assert again.speech.endswith(f" in Oslo today. {ANYTHING_ELSE}")


def test_a_day_said_with_the_city_wins_over_the_one_asked_about(skill_client: Any) -> None:
    client = skill_client(skill)
    client.intent("GetWeather", date="2026-W48-WE")
    answered = client.intent("GetWeather", city="Lima", date="2026-11-27")
    assert answered.speech == f"It will be {forecast('Lima', FRIDAY)} in Lima Friday. " + (
        ANYTHING_ELSE
    )
    assert answered.session_attributes == {"last_city": "Lima"}


def test_a_city_alone_answers_which_city(skill_client: Any) -> None:
    # "Which city?" "Paris.": no sample of any intent is a city alone, and the answer went to
    # the fallback. Asked through GetWeather's dialog, it fills the city (as Alexa does).
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    opened = client.say("open weather helper")
    assert opened.heard == "Welcome to Weather. Which city would you like the weather for?"
    answered = client.say("Paris")
    assert answered.request is not None
    assert answered.request["intent"]["name"] == "GetWeather", answered.understood.explain()
    assert answered.speech is not None
    assert answered.speech.endswith(f" in Paris today. {ANYTHING_ELSE}")
    asked = client.say("what's the weather")
    assert asked.speech == answered.speech  # the session's city
    # Outside the dialog, a city alone is still no request.
    alone = client.say("London")
    assert alone.request is not None
    assert alone.request["intent"]["name"] == "AMAZON.FallbackIntent"


def test_what_about_a_city_asks_for_its_weather(skill_client: Any) -> None:
    # "What about Miami" went to the fallback, in a session and as the answer to "Which city?":
    # "how about {city}" has no word but function words, which no loose reading rests on.
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    assert client.say("open weather helper").speech == WHERE
    answered = client.say("what about Miami")
    assert answered.speech is not None, answered.understood.explain()
    assert answered.speech.endswith(f" in Miami today. {ANYTHING_ELSE}")
    again = client.say("what about Lima")
    assert again.request is not None
    assert again.request["intent"]["slots"]["city"]["value"] == "Lima"
    assert again.session_attributes == {"last_city": "Lima"}
    # A date is still a date, not a city.
    later = client.say("what about tomorrow")
    assert later.request is not None
    assert later.request["intent"]["slots"]["date"]["value"] == "2026-11-30"
    assert later.session_attributes == {"last_city": "Lima"}


def test_the_day_asked_about_outlives_a_question_without_a_city(skill_client: Any) -> None:
    # "What's the weather tomorrow?" "Which city…?" "What's the weather?" "Which city…?"
    # "Paris.": the day was forgotten on the second question, and Paris got today's weather.
    client = skill_client(skill, invocation="weather helper", local_now=sunday)
    assert client.say("what's the weather tomorrow").speech == WHERE
    assert client.say("what's the weather").speech == WHERE
    answered = client.say("Paris")
    monday = datetime.date(2026, 11, 30)
    assert answered.speech == f"It will be {forecast('Paris', monday)} in Paris Monday. " + (
        ANYTHING_ELSE
    )

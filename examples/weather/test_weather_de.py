"""The weather skill in German (de-DE), and its catalogs as the documented commands make them."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from alexaskill import ConfigurationError
from alexaskill.interaction import build_interaction_model, declared_locales, locale_warnings
from examples.weather.app import forecast, skill

HERE = Path(__file__).parent
LOCALES = HERE / "locales"
FRIDAY = datetime.date(2026, 11, 27)
CONDITIONS = {
    "sunny": "sonnig",
    "cloudy": "bewölkt",
    "rainy": "regnerisch",
    "windy": "windig",
    "snowy": "verschneit",
    "foggy": "neblig",
}


@pytest.fixture
def client(skill_client: Any) -> Any:
    return skill_client(skill, locale="de-DE")


def test_launch_in_german(client: Any) -> None:
    result = client.launch()
    assert result.speech == "Willkommen bei Wetter."
    # GetWeather's dialog asks next, as the handler would: in German.
    asked = client.intent("GetWeather")
    assert asked.speech == "Für welche Stadt möchtest du das Wetter wissen?"
    assert asked.reprompt == "Welche Stadt?"


def test_weather_for_a_day_in_german(client: Any) -> None:
    result = client.intent("GetWeather", city="Berlin", date="2026-11-27")
    weather = CONDITIONS[forecast("Berlin", FRIDAY)]
    assert result.speech == (
        f"In Berlin wird es am Freitag {weather}. Noch ein Tag oder eine Stadt?"
    )
    assert result.card == {
        "type": "Simple",
        "title": "Wetter",
        "content": f"Berlin, 2026-11-27: {weather}",  # slot values stay ISO, whatever the locale
    }


def test_weather_today_greeting_by_name_and_the_forecast(skill_client: Any) -> None:
    client = skill_client(skill, locale="de-DE", given_name="Ada", time_zone="Europe/Berlin")
    assert client.launch().speech == "Willkommen bei Wetter, Ada."
    today = client.intent("GetWeather", city="Wien")
    assert today.speech is not None
    assert today.speech.startswith("In Wien wird es heute ")
    days = client.intent("GetForecast", city="Köln", days="2", dialog_state="COMPLETED")
    assert days.speech is not None
    assert days.speech.startswith("In Köln: ")
    assert days.card is not None
    assert days.card["title"] == "Vorhersage"
    too_many = client.intent("GetForecast", city="Köln", days="30", dialog_state="COMPLETED")
    assert too_many.speech == "Ich kann bis zu sieben Tage vorhersagen. Für wie viele Tage?"


def test_help_stop_fallback_and_the_apology_in_german(client: Any) -> None:
    assert client.intent("AMAZON.HelpIntent").speech == (
        "Du kannst mich nach dem Wetter in einer Stadt fragen, zum Beispiel: Wie ist das Wetter "
        "morgen in Paris?"
    )
    assert client.intent("AMAZON.StopIntent").speech == "Auf Wiedersehen."
    assert client.intent("AMAZON.FallbackIntent").speech == (
        "Entschuldigung, dabei kann ich nicht helfen. Du kannst mich nach dem Wetter in einer "
        "Stadt fragen, zum Beispiel: Wie ist das Wetter morgen in Paris?"
    )
    assert client.intent("GetWeather").speech == "Für welche Stadt möchtest du das Wetter wissen?"


def test_other_english_locales_answer_in_english(skill_client: Any) -> None:
    result = skill_client(skill, locale="en-GB").intent(
        "GetWeather", city="Leeds", date="2026-11-27"
    )
    assert result.speech == f"It will be {forecast('Leeds', FRIDAY)} in Leeds Friday. " + (
        "Another day or city?"
    )


def test_the_german_model() -> None:
    assert declared_locales(skill) == ("de-DE", "en-US")
    model = build_interaction_model(skill, locale="de-DE", invocation="wetter helfer")
    language = model["interactionModel"]["languageModel"]
    intents = {intent["name"]: intent for intent in language["intents"]}
    assert "wie ist das wetter in {city} {date}" in intents["GetWeather"]["samples"]
    assert "vorhersage für {city}" in intents["GetForecast"]["samples"]
    prompts = {p["id"]: p["variations"][0]["value"] for p in model["interactionModel"]["prompts"]}
    assert prompts["Elicit.Slot.GetForecast.city"] == "Für welche Stadt?"
    assert prompts["Slot.Validation.GetForecast.days.2"] == (
        "Ich kann bis zu sieben Tage vorhersagen. Für wie viele Tage?"
    )
    assert locale_warnings(skill, "de-DE") == []


def test_saying_things_in_german_is_not_understood_yet(skill_client: Any) -> None:
    client = skill_client(skill, locale="de-DE")
    with pytest.raises(ConfigurationError, match="does not know this language yet"):
        client.say("wie ist das wetter in berlin")


# --- the catalogs are what the documented pybabel commands make ---------------------------------


def test_every_sentence_of_the_code_is_in_the_catalogs_and_translated() -> None:
    extracted = {
        message if isinstance(message, str) else message[0]
        for _, message, _, _ in extract_from_file("python", HERE / "app.py")
    }
    with (LOCALES / "messages.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    # pybabel extract: the template lists the code's sentences, no more, no fewer.
    assert extracted == template
    with (LOCALES / "de" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        german = read_po(source, locale="de")
    # pybabel update: the German catalog has each, translated (none left fuzzy or empty).
    assert {m.id for m in german if m.id} == template
    assert [m.id for m in german if m.id and (not m.string or m.fuzzy)] == []


def test_the_compiled_catalog_is_the_catalog_compiled() -> None:
    with (LOCALES / "de" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        german = read_po(source, locale="de")
    compiled = io.BytesIO()
    write_mo(compiled, german)  # what pybabel compile writes
    compiled.seek(0)
    with (LOCALES / "de" / "LC_MESSAGES" / "messages.mo").open("rb") as shipped:
        # Message by message, not byte for byte: the header says which Babel compiled it
        # ("Generated-By: Babel 2.19.0"), and any other release would differ there alone.
        assert messages_of(read_mo(shipped)) == messages_of(read_mo(compiled))


def messages_of(catalog: Catalog) -> dict[object, object]:
    """Each message's translation, and the header's fields but the one naming Babel's release."""
    messages: dict[object, object] = {m.id: m.string for m in catalog if m.id}
    header = [line for line in catalog.mime_headers if line[0] != "Generated-By"]
    messages[""] = sorted(header)
    assert len(messages) > 10  # the catalog was read
    return messages


def test_a_weekend_and_a_month_in_german(client: Any) -> None:
    weekend = client.intent("GetWeather", city="Berlin", date="2026-W48-WE")
    saturday = CONDITIONS[forecast("Berlin", datetime.date(2026, 11, 28))]
    sunday = CONDITIONS[forecast("Berlin", datetime.date(2026, 11, 29))]
    assert weekend.speech == (
        f"In Berlin: Samstag {saturday}, Sonntag {sunday}. Noch ein Tag oder eine Stadt?"
    )
    month = client.intent("GetWeather", city="Berlin", date="2026-12")
    assert month.speech == (
        "Ich kann dir das Wetter für einen Tag, ein Wochenende oder eine Woche sagen. Welcher "
        "Tag? Sag zum Beispiel: was ist mit morgen?"
    )


def test_no_date_for_today_in_german(skill_client: Any) -> None:
    # The settings API failing: no "today" (UTC's could be another day), said in German.
    client = skill_client(skill, locale="de-DE", faults={"time_zone": 503})
    assert client.intent("GetWeather", city="Berlin").speech == (
        "Entschuldigung, ich kann gerade nicht sagen, welches Datum heute bei dir ist. Versuch es "
        "gleich noch einmal, oder nenne den Tag."
    )

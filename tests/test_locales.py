"""Per-locale models: utterances, slot samples and values by locale (prompts from the catalogs:
test_locales_prompts.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alexaskill import ConfigurationError, Response, Skill, SlotTypeValue, speak
from alexaskill.cli import main
from alexaskill.interaction import (
    InteractionModelError,
    declared_locales,
    locale_warnings,
    model_warnings,
)
from alexaskill.locales import ALEXA_LOCALES, PerLocale
from alexaskill.testing import TestClient

from .cli_run import run
from .conftest import SKILL_ID
from .locales_shared import language_model
from .skill_modules import TWO_LOCALES, TWO_LOCALES_INTO


def samples(skill: Skill, locale: str) -> dict[str, list[str]]:
    intents = language_model(skill, locale)["languageModel"]["intents"]
    return {intent["name"]: intent["samples"] for intent in intents if intent["samples"]}


def two_locale_skill(**options: Any) -> Skill:
    skill = Skill(SKILL_ID, **options)

    @skill.intent(
        "GetWeather",
        utterances={
            "en-US": ["what's the weather in {city}", "weather in {city}"],
            "de-DE": ["wie ist das wetter in {city}", "wetter in {city}"],
        },
        slots={"city": "AMAZON.City"},
    )
    def weather(city: str) -> Response:
        return speak(city)

    @skill.intent("AMAZON.HelpIntent", utterances={"de": ["was kann ich sagen"]})
    def help_() -> Response:
        return speak("help")

    return skill


def test_per_locale_values_fall_back_to_the_language_then_the_plain_list() -> None:
    items = PerLocale.build({"en": ["a"], "en-GB": ["b"]}, str, "test")
    assert items.get("en-GB") == ("b",)
    assert items.get("en-US") == ("a",)
    assert items.get("fr-FR") is None
    assert items.everything() == ("a", "b")
    plain = PerLocale.build(["x"], str, "test")
    assert plain.get("ja-JP") == ("x",)
    assert plain.own("ja-JP") is None
    with pytest.raises(ConfigurationError, match="'German' is not a locale"):
        PerLocale.build({"German": ["a"]}, str, "test")
    with pytest.raises(ConfigurationError, match="must be a list of strings, not a string"):
        PerLocale.build("hello", str, "test")


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("en-UK", "did you mean en-GB?"),
        ("en_GB", "did you mean en-GB?"),
        ("en-us", "did you mean en-US?"),
        ("english", "did you mean 'en', for every locale of that language?"),
        ("de-AT", "de-DE"),
        ("pl-PL", "ar-SA, de-DE"),
    ],
)
def test_a_locale_alexa_does_not_support_is_refused_with_the_nearest(key: str, fix: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"{key!r} is not a locale Alexa supports") as e:
        PerLocale.build({key: ["a"]}, str, "test")
    assert fix in str(e.value)


def test_every_locale_and_language_alexa_supports_is_accepted() -> None:
    keys = [*ALEXA_LOCALES, *{locale.partition("-")[0] for locale in ALEXA_LOCALES}]
    assert {"en-GB", "es-US", "hi-IN", "ar-SA", "nl-NL", "pt-BR", "ja-JP"} <= ALEXA_LOCALES
    assert PerLocale.build({key: ["a"] for key in keys}, str, "test").keys == tuple(keys)


def test_a_model_or_test_client_for_an_unsupported_locale_is_refused() -> None:
    skill = two_locale_skill()
    with pytest.raises(InteractionModelError, match=r"did you mean en-GB\?"):
        language_model(skill, "en-UK")
    with pytest.raises(ConfigurationError, match=r"did you mean en-GB\?"):
        TestClient(skill, locale="en-UK")
    client = TestClient(skill)
    with pytest.raises(ConfigurationError, match=r"did you mean en-GB\?"):
        client.locale = "en_GB"
    assert client.locale == "en-US"


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "LaunchRequest", "--locale", "english"],
        ["model", "app:skill", "--locale", "en-UK", "--invocation", "x y"],
        ["understand", "--model", "m.json", "--locale", "en_GB", "hello"],
    ],
)
def test_the_commands_refuse_an_unsupported_locale(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "is not a locale Alexa supports" in capsys.readouterr().err


def test_each_locale_gets_its_own_samples() -> None:
    skill = two_locale_skill()
    assert samples(skill, "en-US") == {
        "GetWeather": ["what's the weather in {city}", "weather in {city}"]
    }
    assert samples(skill, "de-DE") == {
        "GetWeather": ["wie ist das wetter in {city}", "wetter in {city}"],
        "AMAZON.HelpIntent": ["was kann ich sagen"],
    }
    # en-GB has none of its own: the default locale's (en-US), the same language.
    assert samples(skill, "en-GB") == samples(skill, "en-US")
    assert declared_locales(skill) == ("de-DE", "en-US")


def test_a_locale_declared_for_some_intents_but_not_others_is_reported() -> None:
    skill = two_locale_skill()

    @skill.intent(
        "GetForecast", utterances={"en-US": ["forecast for {city}"]}, slots={"city": "AMAZON.City"}
    )
    def forecast(city: str) -> Response:
        return speak(city)

    with pytest.raises(InteractionModelError) as raised:
        language_model(skill, "de-DE")
    assert raised.value.problems == (
        "intent GetForecast: sample utterances: none for de-DE (there are some for en-US); "
        "add {'de-DE': [...]}",
    )
    assert samples(skill, "en-US")["GetForecast"] == ["forecast for {city}"]
    # At start-up too, before anyone builds the model.
    assert (
        "intent 'GetForecast' has no sample utterances for de-DE, which the skill declares "
        "elsewhere: its de-DE model (alexaskill model --locale de-DE) fails"
    ) in model_warnings(skill)


def test_a_plain_list_is_the_source_language() -> None:
    skill = two_locale_skill()

    @skill.intent("Plain", utterances=["plain english words"])
    def plain() -> Response:
        return speak("plain")

    assert samples(skill, "en-GB")["Plain"] == ["plain english words"]
    with pytest.raises(InteractionModelError, match="intent Plain: its utterances are a plain "):
        language_model(skill, "de-DE")
    assert declared_locales(skill) == ("de-DE", "en-US")
    # A skill that names no locale: its plain lists serve any locale (with a warning).
    single = Skill(SKILL_ID)
    single.intent("Plain", utterances=["plain english words"])(plain)
    assert samples(single, "de-DE") == {"Plain": ["plain english words"]}
    assert locale_warnings(single, "de-DE") == [
        "the sample utterances are written in the source language (en-US) and none for "
        "de-DE: give them per locale, utterances={'en-US': [...], 'de-DE': [...]}"
    ]
    assert declared_locales(single) == ("en-US",)


def test_a_language_key_declares_its_locales() -> None:
    # Keyed by language only, as the README allows: --all-locales wrote pt-BR.json alone (the
    # one locale a catalog named in full), without even the default locale's.
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Cook",
        utterances={"en": ["cook {dish}"], "de": ["koche {dish}"], "fr": ["cuisine {dish}"]},
        slots={"dish": "Dish"},
    )
    def cook(dish: str) -> Response:
        return speak(dish)

    skill.add_slot_type("Dish", {"en": ["soup"], "de": ["suppe"], "fr": ["soupe"], "pt": ["sopa"]})
    # The default locale stands for its own language; another language, for each of its
    # locales, unless one of them is named in full.
    assert declared_locales(skill) == ("de-DE", "en-US", "fr-CA", "fr-FR", "pt-BR")
    skill.add_slot_type("Extra", {"fr-FR": ["plus"]})
    assert declared_locales(skill) == ("de-DE", "en-US", "fr-FR", "pt-BR")


def test_slot_type_values_per_locale() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type(
        "Sky",
        {
            "en-US": [SlotTypeValue("sunny", "SUN", ("bright",)), "rainy"],
            "de-DE": [SlotTypeValue("sonnig", "SUN", ("heiter",)), "regnerisch"],
        },
    )

    @skill.intent(
        "Like",
        utterances={"en-US": ["i like {sky} days"], "de-DE": ["ich mag {sky} tage"]},
        slots={"sky": "Sky"},
    )
    def like(sky: str) -> Response:
        return speak(sky)

    def values(locale: str) -> list[Any]:
        types = language_model(skill, locale)["languageModel"]["types"]
        return [value["name"] for value in types[0]["values"]]

    assert values("de-DE") == [{"value": "sonnig", "synonyms": ["heiter"]}, {"value": "regnerisch"}]
    assert values("en-US") == [{"value": "sunny", "synonyms": ["bright"]}, {"value": "rainy"}]
    skill.add_slot_type("Mood", {"en-US": ["happy"]})
    with pytest.raises(InteractionModelError, match="slot type Mood: values: none for de-DE"):
        language_model(skill, "de-DE")
    with pytest.raises(ConfigurationError, match="needs at least one de-DE value"):
        Skill(SKILL_ID).add_slot_type("Empty", {"de-DE": []})


def test_model_command_one_locale_or_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "twolocales.py"
    module.write_text(TWO_LOCALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code, out, err = run(
        "model", "twolocales.py:skill", "--locale", "de-DE", "--invocation", "wetter helfer"
    )
    assert code == 0, err
    german = json.loads(out)["interactionModel"]["languageModel"]
    assert german["invocationName"] == "wetter helfer"
    assert german["intents"][0]["samples"] == ["wetter in {city}"]

    target = tmp_path / "skill-package" / "interactionModels" / "custom"
    code, out, err = run(*TWO_LOCALES_INTO, str(target))
    assert code == 0, err
    assert sorted(path.name for path in target.iterdir()) == ["de-DE.json", "en-US.json"]
    english = json.loads((target / "en-US.json").read_text(encoding="utf-8"))["interactionModel"]
    assert english["languageModel"]["invocationName"] == "weather helper"
    assert english["languageModel"]["intents"][0]["samples"] == ["weather in {city}"]
    assert err.splitlines() == [f"wrote {target / 'de-DE.json'}", f"wrote {target / 'en-US.json'}"]

    # A locale without its invocation name: nothing is written. (The project's de-DE.json,
    # written above, would name it: tests/test_cli_model_invocation.py.)
    (target / "de-DE.json").unlink()
    other = tmp_path / "other"
    code, out, err = run(
        "model",
        "twolocales.py:skill",
        "--all-locales",
        "--invocation",
        "en-US=weather helper",
        "--output-dir",
        str(other),
    )
    assert code == 2
    assert "error: de-DE: no invocation name for de-DE" in err
    assert not other.exists()

    code, _, err = run("model", "twolocales.py:skill", "--all-locales", "--invocation", "x y")
    assert code == 2
    assert "add --output-dir" in err
    code, _, err = run("model", "twolocales.py:skill", "--invocation", "a b", "--invocation", "c d")
    assert code == 2
    assert "two invocation names" in err


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, r"intent X: utterances must be a list of strings \(or a dict by locale\), not None"),
        # A type's name after its article, by its sound ("not int" was said); None is itself.
        (5, r"intent X: utterances must be a list of strings \(or a dict by locale\), not an int"),
        (5.0, r"intent X: utterances must be a list of strings \(or a dict by .*\), not a float"),
        ({"de-DE": None}, r"intent X: utterances\['de-DE'\] must be a list of strings, not None"),
        ({"de-DE": 5}, r"intent X: utterances\['de-DE'\] must be a list of strings, not an int$"),
    ],
)
def test_utterances_that_are_no_list_name_the_intent_not_a_bare_type_error(
    value: Any, reason: str
) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=reason):

        @skill.intent("X", utterances=value)
        def x() -> Response:
            return speak("x")

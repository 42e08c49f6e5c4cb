"""Per-locale models: utterances, slot samples and values by locale, prompts from the catalogs."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from alexaskill import ConfigurationError, DialogSlot, Response, Skill, SlotTypeValue, speak
from alexaskill.cli import main
from alexaskill.interaction import (
    InteractionModelError,
    build_interaction_model,
    declared_locales,
    locale_warnings,
    model_warnings,
)
from alexaskill.locales import ALEXA_LOCALES, PerLocale
from alexaskill.testing import TestClient

from .cli_run import run
from .conftest import SKILL_ID
from .skill_modules import TWO_LOCALES, TWO_LOCALES_INTO


def language_model(skill: Skill, locale: str) -> dict[str, Any]:
    model = build_interaction_model(skill, locale=locale, invocation="weather helper")
    found: dict[str, Any] = model["interactionModel"]
    return found


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


def compile_catalog(directory: Path, language: str, entries: str) -> None:
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po.write_text(header + textwrap.dedent(entries), encoding="utf-8")
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    with (folder / "messages.mo").open("wb") as target:
        write_mo(target, catalog)


def dialog_skill(tmp_path: Path) -> Skill:
    compile_catalog(
        tmp_path,
        "de",
        """\
        msgid "For which city?"
        msgstr "Für welche Stadt?"
        """,
    )
    skill = Skill(SKILL_ID, translations=tmp_path)

    @skill.intent(
        "GetForecast",
        utterances={"en-US": ["forecast for {city}"], "de-DE": ["vorhersage für {city}"]},
        slots={
            "city": DialogSlot(
                "AMAZON.City",
                elicit=["For which city?", "Which city?"],
                samples={"en-US": ["for {city}"], "de-DE": ["für {city}"]},
            )
        },
    )
    def forecast(city: str) -> Response:
        return speak(city)

    return skill


def test_dialog_prompts_come_from_the_catalogs_and_slot_samples_per_locale(
    tmp_path: Path,
) -> None:
    skill = dialog_skill(tmp_path)
    german = language_model(skill, "de-DE")
    prompts = german["prompts"][0]["variations"]
    # The second variation has no German translation: it stays English, with a warning.
    assert [p["value"] for p in prompts] == ["Für welche Stadt?", "Which city?"]
    [intent] = [i for i in german["languageModel"]["intents"] if i["name"] == "GetForecast"]
    assert intent["slots"] == [{"name": "city", "type": "AMAZON.City", "samples": ["für {city}"]}]
    assert locale_warnings(skill, "de-DE") == [
        "1 dialog prompt(s) have no de-DE translation in the skill's catalogs and are spoken in "
        "en-US: intent GetForecast, slot city: elicitation prompt 'Which city?'"
    ]
    english = language_model(skill, "en-US")
    assert [p["value"] for p in english["prompts"][0]["variations"]] == [
        "For which city?",
        "Which city?",
    ]
    assert locale_warnings(skill, "en-GB") == []
    # The catalog's language has no region: it names no model of its own.
    assert declared_locales(skill) == ("de-DE", "en-US")


def test_an_untranslated_prompt_is_named_as_the_other_prompt_warnings_name_it(
    tmp_path: Path,
) -> None:
    # The warning listed "GetForecast: 'Which city?'", where the warnings of a prompt's
    # translation name the intent, the slot and which prompt, and cut a long prompt.
    skill = dialog_skill(tmp_path)
    long = "Shall I book it for you, " + "and tell you the forecast, " * 4 + "right now?"

    @skill.intent("Book", utterances={"en-US": ["book it"], "de-DE": ["buch es"]}, confirm=long)
    def book() -> Response:
        return speak("booked")

    assert locale_warnings(skill, "de-DE") == [
        "2 dialog prompt(s) have no de-DE translation in the skill's catalogs and are spoken in "
        "en-US: intent GetForecast, slot city: elicitation prompt 'Which city?'; intent Book: "
        f"confirmation prompt {long[:80]!r}… ({len(long)} characters)"
    ]


def test_model_command_one_locale_or_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "twolocales.py"
    module.write_text(TWO_LOCALES)
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
    english = json.loads((target / "en-US.json").read_text())["interactionModel"]
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


def test_a_catalog_of_a_locale_alexa_does_not_serve_makes_no_model(tmp_path: Path) -> None:
    # A de_AT catalog (kept, with a warning) made de-AT a declared locale: `model
    # --all-locales` then failed on it ("'de-AT' is not a locale Alexa supports").
    compile_catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    compile_catalog(tmp_path, "de_AT", 'msgid "Hello."\nmsgstr "Servus."\n')
    skill = Skill(SKILL_ID, translations=tmp_path)

    @skill.intent("Hello", utterances={"en-US": ["hello there"], "de-DE": ["hallo du"]})
    def hello() -> Response:
        return speak("hello")

    assert declared_locales(skill) == ("de-DE", "en-US")


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


def test_a_prompt_translation_naming_other_slots_is_warned_about(tmp_path: Path) -> None:
    # The model fell back to the English prompt with only a log line at build time.
    from alexaskill.interaction.slot_warnings import prompt_translation_warnings

    compile_catalog(
        tmp_path,
        "de",
        """\
        msgid "Is {city} right?"
        msgstr "Ist {stadt} richtig?"

        msgid "For which city?"
        msgstr "Für welche Stadt?"
        """,
    )
    skill = Skill(SKILL_ID, translations=tmp_path)

    @skill.intent(
        "GetForecast",
        utterances={"en-US": ["forecast for {city}"], "de-DE": ["vorhersage für {city}"]},
        slots={
            "city": DialogSlot("AMAZON.City", elicit="For which city?", confirm="Is {city} right?")
        },
    )
    def forecast(city: str) -> Response:
        return speak(city)

    assert prompt_translation_warnings(skill, "de-DE") == [
        # (named as the warning of a translation Alexa would refuse names it: intent, slot,
        # what prompt; it said "dialog prompt", without the slot)
        "intent GetForecast, slot city: the de-DE translation of confirmation prompt 'Is {city} "
        "right?' ('Ist {stadt} richtig?') adds {stadt}; drops {city}, so the model has the "
        "source text; fix the catalog"
    ]
    assert prompt_translation_warnings(skill, "en-US") == []
    german = language_model(skill, "de-DE")["prompts"]
    values = {prompt["id"]: prompt["variations"][0]["value"] for prompt in german}
    assert values["Confirm.Slot.GetForecast.city"] == "Is {city} right?"


def test_model_and_check_warn_of_a_prompt_translation_naming_other_slots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_catalog(
        tmp_path / "locales",
        "de",
        """\
        msgid "Is {city} right?"
        msgstr "Ist {stadt} richtig?"
        """,
    )
    (tmp_path / "confirming.py").write_text(
        textwrap.dedent(
            f"""\
            from pathlib import Path
            from alexaskill import DialogSlot, Skill, speak

            skill = Skill({SKILL_ID!r}, translations=Path(__file__).parent / "locales")

            @skill.intent(
                "GetForecast",
                utterances={{"en-US": ["forecast for {{city}}"], "de-DE": ["für {{city}}"]}},
                slots={{"city": DialogSlot("AMAZON.City", confirm="Is {{city}} right?")}},
            )
            def forecast(city: str):
                return speak(city)
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    for check in ([], ["--check"]):
        out, err = io.StringIO(), io.StringIO()
        argv = ["model", "confirming.py:skill", "--locale", "de-DE", "--invocation", "wetter hilfe"]
        code = main(argv + check, stdout=out, stderr=err)
        said = err.getvalue() + out.getvalue()
        assert code == 0, said
        assert (
            "intent GetForecast, slot city: the de-DE translation of confirmation prompt 'Is "
            "{city} right?' ('Ist {stadt} richtig?') adds {stadt}; drops {city}"
        ) in said, said


def test_a_prompt_translation_whose_braces_do_not_pair_is_said_as_such(tmp_path: Path) -> None:
    # It read "adds {{}; drops {city}": a placeholder named "{", and {city} said missing though
    # the translation has it.
    from alexaskill.interaction.slot_warnings import prompt_translation_warnings

    compile_catalog(tmp_path, "de", 'msgid "Is {city} right?"\nmsgstr "Ist {city richtig?"\n')
    skill = Skill(SKILL_ID, translations=tmp_path)

    @skill.intent(
        "GetForecast",
        utterances={"en-US": ["forecast for {city}"], "de-DE": ["vorhersage für {city}"]},
        slots={"city": DialogSlot("AMAZON.City", confirm="Is {city} right?")},
    )
    def forecast(city: str) -> Response:
        return speak(city)

    assert prompt_translation_warnings(skill, "de-DE") == [
        "intent GetForecast, slot city: the de-DE translation of confirmation prompt 'Is {city} "
        "right?' ('Ist {city richtig?') has a brace without its pair (write {{ or }} for one "
        "spoken), so the model has the source text; fix the catalog"
    ]

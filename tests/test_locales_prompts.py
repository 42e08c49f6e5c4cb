"""Per-locale dialog prompts from the skill's translation catalogs: each locale's model speaks
its catalog's translation, an untranslated prompt and a translation that names other slots or
whose braces do not pair are warned of, and a catalog of a locale Alexa does not serve makes no
model. Utterances, slot samples and values by locale: test_locales.py."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from alexaskill import DialogSlot, Response, Skill, speak
from alexaskill.cli import main
from alexaskill.interaction import (
    declared_locales,
    locale_warnings,
)

from .conftest import SKILL_ID
from .locales_shared import language_model


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
        f"confirmation prompt '{long[:70]}…{long[-30:]}' ({len(long)} characters)"
    ]


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
        ),
        encoding="utf-8",
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

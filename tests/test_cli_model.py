"""``alexaskill model``: the interaction model of a skill, the invocation name it suggests, and the
problems and warnings it lists."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from alexaskill.cli import main

from .cli_run import run
from .cli_shared import APP, ROOT, WEATHER

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir

pytestmark = pytest.mark.oldest_dependencies

# --- model ---------------------------------------------------------------------------------------


def test_model_of_the_weather_example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("model", WEATHER, "--locale", "en-US", "--invocation", "weather helper")
    assert code == 0, err
    assert err == ""
    language = json.loads(out)["interactionModel"]["languageModel"]
    assert language["invocationName"] == "weather helper"
    intents = {intent["name"]: intent for intent in language["intents"]}
    assert intents["GetWeather"]["slots"] == [
        {"name": "city", "type": "AMAZON.City", "samples": ["{city}", "in {city}", "for {city}"]},
        {"name": "date", "type": "AMAZON.DATE"},
    ]
    assert "what's the weather in {city} {date}" in intents["GetWeather"]["samples"]
    names = [intent["name"] for intent in language["intents"]]
    assert len(names) == len(set(names)) == 7
    output = tmp_path / "en-US.json"
    code, out, err = run("model", WEATHER, "--invocation", "weather helper", "-o", str(output))
    assert code == 0
    assert out == ""
    assert (
        json.loads(output.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
        == language
    )


def test_model_without_an_invocation_suggests_one_of_the_skill(workdir: Path) -> None:
    # It suggested --invocation "weather helper" whatever the skill: now the module's name, when
    # it makes one of two or more words, else a placeholder.
    (workdir / "tea_timer.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", "tea_timer:skill")
    finally:
        sys.modules.pop("tea_timer", None)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "tea timer"' in err, err
    code, _, err = run("model", "skillapp:skill")  # one word (with "app" in it)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "<two or more words>"' in err, err


@pytest.mark.parametrize(
    ("module", "locale", "suggested"),
    [
        ("eieruhr", "de-DE", "eieruhr"),  # (one German compound: Amazon takes it)
        ("wetter_fuchs", "de-DE", "wetter fuchs"),
        ("eieruhr", "en-US", "<two or more words>"),
        ("天気予報", "ja-JP", "天気予報"),  # (Japanese words are not counted: no one-word rule)
        ("お天気_ガイド", "ja-JP", "お天気 ガイド"),
        # (English words in Latin letters: Amazon's Japanese requirements have them written as
        # Japanese writes them, "radio" as "ラジオ"; Latin letters for acronyms and initialisms)
        ("tea_timer", "ja-JP", "<your skill's invocation name>"),
        ("お茶_a_b_c", "ja-JP", "お茶 a b c"),  # (an initialism's letters, spaced: taken)
        ("アレクサ_天気", "ja-JP", "<your skill's invocation name>"),  # (the wake word: refused)
        ("天気_アプリ", "ja-JP", "<your skill's invocation name>"),  # ("アプリ": certification)
        ("お天気_ガイド", "en-US", "<two or more words>"),  # (English names: Latin letters)
    ],
)
def test_model_suggests_an_invocation_name_by_the_models_locale(
    workdir: Path, module: str, locale: str, suggested: str
) -> None:
    # The suggestion was checked by the English rules whatever the model's locale: a Japanese
    # model was offered "アレクサ 天気", which Amazon's Japanese build refuses (its wake word),
    # and "天気 アプリ" ("アプリ" is not allowed), and a German or Japanese one-word name
    # (a German compound, Japanese unspaced words) was "<two or more words>", which Amazon
    # does not ask of them.
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", locale)
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert f'the invocation name is missing: add --invocation "{suggested}"' in err, err


@pytest.mark.parametrize(("module", "word"), [("ask_お茶", "ask"), ("お茶_timer", "timer")])
def test_model_suggests_no_japanese_invocation_name_with_an_english_word_in_latin_letters(
    workdir: Path, module: str, word: str
) -> None:
    # A ja-JP model of a module named "ask_お茶" was offered --invocation "ask お茶": the
    # English-word rules applied only to a name all in Latin letters, and the Japanese ones
    # took any lower case Latin letters. Amazon's requirements for Japanese take Latin letters
    # for an acronym ("nasa") or an initialism ("今日の a b c クイズ") and have an English word
    # written as Japanese writes it ("radio": "ラジオ"); which one a module's word is, only its
    # author knows, so none is suggested, and the error says why.
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", "ja-JP")
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert 'add --invocation "<your skill\'s invocation name>"' in err, err
    assert f"the module's name will not do: invocation name {module.replace('_', ' ')!r}" in err
    assert f"{word!r} is written in Latin letters" in err, err
    assert "'ラジオ'" in err, err


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_model_suggests_no_english_invocation_name_out_of_latin_letters(
    workdir: Path, locale: str
) -> None:
    # An English model of a module named in Japanese was offered --invocation "お天気 ガイド",
    # which Amazon's invocation name requirements for English refuse (lower-case Latin
    # letters, spaces, apostrophes and periods only). The error says why the module's name
    # is not offered, and what to write instead.
    module = "お天気_ガイド"
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", locale)
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "<two or more words>"' in err, err
    assert '"お天気 ガイド"' not in err, err
    assert f"character 'お' is not allowed in {locale}" in err, err
    assert "Latin letters" in err, err


def test_model_help_and_errors_suggest_no_invocation_name_of_one_skill(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --invocation's help and the error for an empty name gave "weather helper" as the example,
    # whatever the skill: a name to copy that is no skill's but the weather example's. The
    # epilog's examples, of examples.weather.app, keep it.
    assert main(["model", "--help"]) == 0
    helped = capsys.readouterr().out
    option = helped[helped.index("\n  --invocation NAME") : helped.index("\n  --check")]
    assert "weather" not in option and "<your skill's invocation name>" in option, option
    assert main(["model", "skillapp:skill", "--invocation", ""]) == 2
    refused = capsys.readouterr().err
    assert "give the invocation name users say" in refused, refused
    assert "weather" not in refused and "<your skill's invocation name>" in refused, refused


def test_model_problems_are_listed_and_exit_2(workdir: Path) -> None:
    (workdir / "bad.py").write_text(
        textwrap.dedent(
            """
            from alexaskill import Skill

            skill = Skill("*")

            @skill.intent(
                "Find", utterances=["find {thing} near {place}"], slots={"place": "Place"}
            )
            def find(thing: str, place: str):
                return None
            """
        ),
        encoding="utf-8",
    )
    code, out, err = run("model", "bad:skill", "--invocation", "Finder")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "alexaskill model: error: invocation name 'Finder': must be lower case " + (
        "('finder')"
    )
    assert lines[1].startswith("alexaskill model: error: intent Find: parameter 'thing' of ")
    assert lines[2] == (
        "alexaskill model: error: intent Find, slot place: slot type 'Place' is never declared; "
        "declare it with skill.add_slot_type('Place', [...]) or annotate the parameter with an "
        "Enum of that name"
    )
    assert len(lines) == 3


def test_model_warns_where_handlers_and_model_disagree(workdir: Path) -> None:
    (workdir / "mismatch.py").write_text(
        textwrap.dedent(
            """
            from alexaskill import Skill, speak

            skill = Skill("*")

            @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "X"})
            def weather(city: str):
                return speak(city)

            @skill.intent("GetWether")
            def typo():
                return speak("never")
            """
        ),
        encoding="utf-8",
    )
    code, _, err = run("model", "mismatch:skill", "--invocation", "weather helper")
    assert code == 2  # the intent without samples is refused by the model itself
    assert err.splitlines()[0].startswith(
        "alexaskill model: warning: intent 'GetWether' (mismatch.typo) has a handler but no "
        "sample utterances"
    )
    # (no "did you mean GetWeather?": it has a handler, and two for one intent are refused)
    assert err.splitlines()[0].endswith(
        "so it is not in the interaction model and Alexa never sends it"
    )


def test_model_warns_about_what_certification_refuses(workdir: Path) -> None:
    code, out, err = run("model", "skillapp:skill", "--invocation", "hello")
    assert code == 0
    assert json.loads(out)["interactionModel"]["languageModel"]["invocationName"] == "hello"
    assert err.startswith("alexaskill model: warning: invocation name 'hello' is one word")


def test_model_imports_any_skill_module(workdir: Path) -> None:
    assert run("model", "skillapp:skill", "--invocation", "hello helper")[0] == 0


def test_python_dash_m_alexaskill() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "alexaskill", "request", "LaunchRequest"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["request"]["type"] == "LaunchRequest"


def test_check_of_a_skill_without_a_help_handler_says_certification_asks_for_one(
    workdir: Path,
) -> None:
    # "no problems found": users asking for help heard "Sorry, I can't help with that." (Stop and
    # Cancel need no such finding: without a handler they end the session, as Amazon requires.)
    code, out, _ = run("model", "skillapp:skill", "--check", "--invocation", "hello helper")
    assert code == 0
    assert (
        'warning: no handler answers AMAZON.HelpIntent: users who ask for help hear "Sorry, I '
        "can't help with that.\", and Amazon's certification requires a help answer that says "
        'what the skill does; add @skill.intent("AMAZON.HelpIntent")\n'
    ) in out
    assert "StopIntent" not in out and "CancelIntent" not in out
    source = (workdir / "skillapp.py").read_text(encoding="utf-8")
    (workdir / "skillapp.py").write_text(
        source
        + '\n@skill.intent("AMAZON.HelpIntent")\ndef helping():\n    return speak("Say hello.")\n',
        encoding="utf-8",
    )
    sys.modules.pop("skillapp", None)  # (loaded anew, with its help handler)
    code, out, _ = run("model", "skillapp:skill", "--check", "--invocation", "hello helper")
    assert code == 0
    assert out == "no problems found\n"

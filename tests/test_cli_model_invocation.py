"""``alexaskill model`` without ``--invocation``: the name of the model file it replaces; the
names the commands' help examples give ``--invocation``, which ``model`` takes unwarned."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path

import pytest

from alexaskill.cli import _COMMANDS, main, parser
from alexaskill.interaction import invocation_name_warnings

from .cli_run import run
from .skill_modules import TWO_LOCALES, TWO_LOCALES_INTO

LAYOUT = Path("skill-package/interactionModels/custom")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current directory holding ``twolocales.py`` (a skill with en-US and de-DE samples)."""
    (tmp_path / "twolocales.py").write_text(TWO_LOCALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invocation_of(path: Path) -> str:
    name = json.loads(path.read_text("utf-8"))["interactionModel"]["languageModel"]
    return str(name["invocationName"])


def test_a_model_written_again_keeps_the_invocation_name_of_its_file(project: Path) -> None:
    # A skill's invocation name lives in its model file (the ASK CLI's LOCALE.json): writing
    # that file again, after a new intent, needed --invocation once more, or failed.
    output = project / "en-US.json"
    code, _, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", str(output)
    )
    assert code == 0, err
    code, _, err = run("model", "twolocales.py:skill", "-o", str(output))
    assert code == 0, err
    assert invocation_of(output) == "weather helper"
    assert f"invocation name 'weather helper' from {output} (--invocation to change it)" in err, err


def test_output_dir_keeps_each_locales_invocation_name(project: Path) -> None:
    target = project / "models"
    code, _, err = run(*TWO_LOCALES_INTO, str(target))
    assert code == 0, err
    code, _, err = run("model", "twolocales.py:skill", "--all-locales", "--output-dir", str(target))
    assert code == 0, err
    assert invocation_of(target / "en-US.json") == "weather helper"
    assert invocation_of(target / "de-DE.json") == "wetter helfer"


def test_the_projects_model_file_names_the_skill_on_standard_output(project: Path) -> None:
    # `alexaskill model APP` run in the ASK CLI project: its model file is the skill's own.
    (project / LAYOUT).mkdir(parents=True)
    code, _, err = run(*TWO_LOCALES_INTO, str(project / LAYOUT))
    assert code == 0, err
    code, out, err = run("model", "twolocales.py:skill", "--locale", "de-DE")
    assert code == 0, err
    assert json.loads(out)["interactionModel"]["languageModel"]["invocationName"] == "wetter helfer"
    assert f"de-DE: invocation name 'wetter helfer' from {LAYOUT / 'de-DE.json'}" in err, err


def test_an_invocation_given_wins_over_the_files(project: Path) -> None:
    output = project / "en-US.json"
    run("model", "twolocales.py:skill", "--invocation", "weather helper", "-o", str(output))
    code, _, err = run(
        "model", "twolocales.py:skill", "--invocation", "sky watcher", "-o", str(output)
    )
    assert code == 0, err
    assert invocation_of(output) == "sky watcher"
    assert "invocation name 'weather helper'" not in err, err


@pytest.mark.parametrize(
    "content",
    [
        '{"old": true}\n',
        "not json",
        '{"interactionModel": {"languageModel": {}}}',
        "[1]",
        # Two names: neither is taken (nor the last, as json.loads took it).
        '{"interactionModel": {"languageModel": {"invocationName": "a b", "invocationName": "c"}}}',
    ],
)
def test_a_file_without_an_invocation_name_asks_for_the_option(project: Path, content: str) -> None:
    output = project / "en-US.json"
    output.write_text(content, encoding="utf-8")
    code, _, err = run("model", "twolocales.py:skill", "-o", str(output))
    assert code == 2
    assert 'the invocation name is missing: add --invocation "' in err, err
    assert "Traceback" not in err
    assert output.read_text(encoding="utf-8") == content  # (nothing written)


def test_a_locale_without_a_file_still_asks_for_its_name(project: Path) -> None:
    target = project / "models"
    target.mkdir()
    run(
        "model",
        "twolocales.py:skill",
        "--invocation",
        "weather helper",
        "-o",
        str(target / "en-US.json"),
    )
    code, _, err = run("model", "twolocales.py:skill", "--all-locales", "--output-dir", str(target))
    assert code == 2
    assert 'no invocation name for de-DE: add --invocation de-DE="..."' in err, err
    assert not (target / "de-DE.json").exists()


def test_check_of_an_app_checks_the_projects_invocation_name(project: Path) -> None:
    # `model APP --check` checked no invocation name without --invocation, though the
    # project's model file names the skill's: a name Amazon's build refuses passed.
    (project / LAYOUT).mkdir(parents=True)
    code, _, err = run(*TWO_LOCALES_INTO, str(project / LAYOUT))
    assert code == 0, err
    path = project / LAYOUT / "en-US.json"
    data = json.loads(path.read_text("utf-8"))
    data["interactionModel"]["languageModel"]["invocationName"] = "open weather helper"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run("model", "twolocales.py:skill", "--check")
    assert code == 1, out + err
    assert "invocation name 'open weather helper': must not contain the launch phrase 'open'" in out
    assert f"en-US: invocation name 'open weather helper' from {LAYOUT / 'en-US.json'}" in err
    code, out, err = run("model", "twolocales.py:skill", "--check", "--invocation", "sky watcher")
    assert code == 0, out + err


@pytest.mark.parametrize("invocation", [[], ["--invocation", "wetter helfer"]])
def test_a_model_is_not_written_into_another_locales_file(
    project: Path, invocation: list[str]
) -> None:
    # `model APP --locale de-DE -o models/en-US.json` took en-US.json's invocation name for the
    # German model ("invocation name 'weather helper' from models/en-US.json") and wrote the
    # German model over the English one, which the ASK CLI deploys as en-US's.
    target = project / "models"
    code, _, err = run(*TWO_LOCALES_INTO, str(target))
    assert code == 0, err
    english = target / "en-US.json"
    before = english.read_text("utf-8")
    code, out, err = run(
        "model", "twolocales.py:skill", "--locale", "de-DE", "-o", str(english), *invocation
    )
    assert code == 2
    assert out == ""
    assert err == (
        f"alexaskill model: error: --output {english} is named for en-US, not de-DE (the "
        "locale of the model): name the file de-DE.json, or give --locale en-US\n"
    ), err
    assert english.read_text("utf-8") == before


def test_the_default_locale_is_not_written_into_another_locales_file(project: Path) -> None:
    code, _, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", "de-DE.json"
    )
    assert code == 2
    assert "--output de-DE.json is named for de-DE, not en-US (the locale of the model)" in err
    assert not (project / "de-DE.json").exists()


def test_only_the_locales_own_file_lends_its_name(project: Path) -> None:
    from alexaskill.cli.model_invocation import known_invocations

    target = project / "models"
    run(*TWO_LOCALES_INTO, str(target))
    (project / LAYOUT).mkdir(parents=True)
    run(*TWO_LOCALES_INTO, str(project / LAYOUT))
    english = str(target / "en-US.json")
    german = known_invocations(["de-DE"], output=english, output_dir=None)
    assert german == {"de-DE": ("wetter helfer", LAYOUT / "de-DE.json")}
    # A file whose name gives no locale, or the same, is the locale's.
    (project / "model.json").write_bytes((target / "de-DE.json").read_bytes())
    given = known_invocations(["en-US"], output="model.json", output_dir=None)
    assert given == {"en-US": ("wetter helfer", Path("model.json"))}
    assert known_invocations(["en-US"], output=english, output_dir=None) == {
        "en-US": ("weather helper", Path(english))
    }


def test_an_invocation_in_capitals_is_not_told_a_name_the_build_refuses(project: Path) -> None:
    # "must be lower case ('hi!')", and then "character '!' is not allowed": the name suggested
    # was refused too. No suggestion where the name in lower case will not do either.
    code, out, err = run("model", "twolocales.py:skill", "--invocation", "Hi There!")
    assert (code, out) == (2, "")
    assert "invocation name 'Hi There!': must be lower case\n" in err, err
    assert "'hi there!'" not in err
    assert "character '!' is not allowed" in err


def _commands() -> list[str]:
    """The names of `alexaskill`'s commands."""
    [commands] = [
        each for each in parser()._actions if isinstance(each, argparse._SubParsersAction)
    ]
    return sorted(commands.choices)


def test_the_commands_below_are_the_parsers() -> None:
    # The test below takes its commands from the list the parser is built from, not from the
    # parser: building it imports every command's module (0.2 s of CPU, in every process that
    # collects the suite). Should the parser ever take a command from elsewhere, this says so.
    assert _commands() == sorted(_COMMANDS)


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_a_help_s_examples_give_invocation_names_model_takes_without_warning(command: str) -> None:
    # `chat --help` showed `--invocation "weather"`, a one-word name `alexaskill model` warns
    # of (Amazon asks for two words or more): an example to copy should draw no warning.
    out, err = io.StringIO(), io.StringIO()
    assert main([command, "--help"], stdout=out, stderr=err) == 0
    names = re.findall(r'--invocation (?:[a-z]{2}-[A-Z]{2}=)?"([^"<]+)"', out.getvalue())
    warned = {name: invocation_name_warnings(name, "en-US") for name in names}
    assert {name: said for name, said in warned.items() if said} == {}

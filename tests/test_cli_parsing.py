"""How ``alexaskill`` reads its command line: ``--``, a stray option, what the errors name."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

import pytest

from .cli_parsing_shared import Run
from .cli_parsing_shared import run as run

ROOT = Path(__file__).resolve().parent.parent
WEATHER = "examples.weather.app:skill"
LAUNCH = ROOT / "examples/weather/requests/launch.json"

#: A typical call of each command, all but the stray option.
CALLS: Final = {
    "replay": ["replay", WEATHER, str(LAUNCH)],
    "serve": ["serve", WEATHER],
    "request": ["request", "LaunchRequest"],
    "model": ["model", WEATHER, "--invocation", "weather helper"],
    "certify": ["certify", "http://127.0.0.1:9/"],
    "understand": ["understand", "--model", WEATHER, "hello"],
    "chat": ["chat", WEATHER],
}


@pytest.mark.parametrize("command", CALLS)
def test_an_unknown_option_is_named_with_its_command(run: Run, command: str) -> None:
    # argparse left a subcommand's leftovers to the top parser, whose error named no command:
    # "alexaskill: error: unrecognized arguments: --bogus".
    code, out, err = run(*CALLS[command], "--bogus")
    assert code == 2
    assert out == ""
    assert err.startswith(f"usage: alexaskill {command} "), err
    assert err.endswith(f"alexaskill {command}: error: unrecognized arguments: --bogus\n"), err


def test_the_command_list_here_is_every_command() -> None:
    from alexaskill.cli import _COMMANDS

    assert tuple(CALLS) == _COMMANDS


def test_an_unknown_option_before_the_command_is_the_top_commands(run: Run) -> None:
    code, _, err = run("--bogus", "request", "LaunchRequest")
    assert code == 2
    assert "alexaskill: error: unrecognized arguments: --bogus" in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["replay", WEATHER, "--", "--url"],
        ["replay", "--", WEATHER, "--url"],
        ["replay", "--json", "--", WEATHER, "--url"],
        ["replay", WEATHER, "--json", "--", "--url"],
    ],
)
def test_replay_reads_what_follows_a_double_dash_as_files(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # Parsed intermixed (APP and FILEs among the options), "--url" after "--" was taken for the
    # option: "argument --url: expected one argument".
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    shutil.copy(LAUNCH, tmp_path / "--url")
    code, out, err = run(*argv)
    assert code == 0, err
    assert "--url (LaunchRequest)" in out or '"file": "--url"' in out, out
    assert "Welcome to Weather." in out, out


def test_replay_double_dash_with_the_url_option_before_it(run: Run) -> None:
    # The option before "--" is still read; the "--url" after it is a file, here one that does
    # not exist (and so no request is sent).
    code, _, err = run("replay", "--url", "http://127.0.0.1:9/", "--", "--url")
    assert code == 2
    assert "argument --url" not in err, err
    assert "--url: no such file" in err, err


def test_replay_double_dash_keeps_checking_its_files(run: Run) -> None:
    code, _, err = run("replay", WEATHER, "--", "")
    assert code == 2
    assert "argument FILE: empty path: name a request file" in err, err


def test_replay_double_dash_gives_no_value_to_an_option_before_it(run: Run) -> None:
    # The "--" was dropped once what follows it was read: an option left without its value
    # before it took the first FILE for one, "--skill-id -- a.json b.json" sending b.json as
    # the skill "a.json" (a 400 "request is for another skill"), where argparse says so.
    code, out, err = run("replay", WEATHER, "--skill-id", "--", str(LAUNCH), str(LAUNCH))
    assert code == 2, out
    assert err.endswith("alexaskill replay: error: argument --skill-id: expected one argument\n")


@pytest.mark.parametrize("argv", [["--bogus"], ["--bogus", "-x"], ["--bogus=1"]])
def test_an_unknown_option_without_a_command_is_named(run: Run, argv: list[str]) -> None:
    # argparse said "the following arguments are required: COMMAND", as if nothing was given.
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert f"alexaskill: error: unrecognized arguments: {' '.join(argv)}" in err, err
    assert "required: COMMAND" not in err


def test_no_command_at_all_still_says_one_is_required(run: Run) -> None:
    code, _, err = run()
    assert code == 2
    assert "the following arguments are required: COMMAND" in err, err


def test_a_module_named_without_its_skill_is_suggested_with_one(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "replay sk" (sk.py here) took sk for a request FILE: "name the skill (APP FILE...) …, e.g.
    # alexaskill replay app:skill sk", the module's name where a file goes.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sk.py").write_text(
        "raise SystemExit('imported')\n", encoding="utf-8"
    )  # (never imported)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "launch.json").write_text(LAUNCH.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run("replay", "sk")
    assert (code, out) == (2, "")
    assert err.endswith(
        "alexaskill replay: error: sk is no request file but a module here: name its skill,"
        " e.g. alexaskill replay sk:skill FILE...\n"
    ), err
    code, _, err = run("replay", "pkg")  # a package
    assert code == 2
    assert "e.g. alexaskill replay pkg:skill FILE...\n" in err, err
    code, _, err = run("replay", "launch.json", "pkg")  # after a file
    assert code == 2
    assert "e.g. alexaskill replay pkg:skill launch.json\n" in err, err
    # No module of that name here: the error as it was.
    code, _, err = run("replay", "json")
    assert code == 2
    assert "name the skill (APP FILE...)" in err, err


@pytest.mark.parametrize("command", ["replay", "model", "serve", "understand"])
def test_an_unknown_option_is_named_before_a_missing_argument(run: Run, command: str) -> None:
    # "replay --bogus" said "the following arguments are required: FILE", as if the option
    # were fine and only the FILE missing.
    code, out, err = run(command, "--bogus")
    assert (code, out) == (2, "")
    assert err.endswith(f"alexaskill {command}: error: unrecognized arguments: --bogus\n"), err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["replay", "--jsno"], "--jsno (did you mean --json?)"),
        (["serve", WEATHER, "--prot", "8000"], "--prot (did you mean --port?)"),
        (["model", "--invokation=x y", WEATHER], "--invokation=x y (did you mean --invocation?)"),
    ],
)
def test_an_unknown_option_close_to_a_known_one_is_suggested(
    run: Run, argv: list[str], said: str
) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert err.endswith(f"alexaskill {argv[0]}: error: unrecognized arguments: {said}\n"), err


def test_option_like_values_are_no_unknown_options(run: Run) -> None:
    # A negative number and a value after -- are arguments, not options to name.
    code, _, err = run("request", "IntentRequest", "--intent", "X", "--slot", "n=-5")
    assert code == 0, err
    code, _, err = run("serve", WEATHER, "--port", "-1")
    assert code == 2
    assert "unrecognized" not in err, err


@pytest.mark.parametrize("command", ["replay", "model", "serve", "understand"])
def test_a_package_named_without_its_skill_is_suggested_with_one(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # "replay pkg launch.json" (pkg/__init__.py here) said only "expected module:attribute";
    # "model pkg" took the package's directory for a directory of model files.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(
        "raise SystemExit('imported')\n", encoding="utf-8"
    )
    (tmp_path / "launch.json").write_text(LAUNCH.read_text(encoding="utf-8"), encoding="utf-8")
    argv = {
        "replay": ["replay", "pkg", "launch.json"],
        "model": ["model", "pkg"],
        "serve": ["serve", "pkg"],
        "understand": ["understand", "--model", "pkg", "hello"],
    }[command]
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert "did you mean pkg:skill?" in err, err
    assert "imported" not in err, err


def test_replay_double_dash_falls_back_to_plain_parsing_if_argparse_changes(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What follows "--" is parsed intermixed as stand-ins, put back afterwards. An argparse
    # that handed them back changed (here: their NULs dropped) made "--url" the file "0"
    # ("0: no such file"); a stand-in not given back now means a plain parse of the words as
    # given, which reads all after "--" as positional (APP and FILEs then go together).
    import argparse

    intermixed = argparse.ArgumentParser.parse_known_intermixed_args

    def changed(
        self: argparse.ArgumentParser, args: list[str], namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return intermixed(self, [arg.replace("\0", "") for arg in args], namespace)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_intermixed_args", changed)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    shutil.copy(LAUNCH, tmp_path / "--url")
    for argv in (["replay", WEATHER, "--", "--url"], ["replay", "--json", "--", WEATHER, "--url"]):
        code, out, err = run(*argv)
        assert code == 0, err
        assert "Welcome to Weather." in out, out


@pytest.mark.parametrize(("typed", "meant"), [("requst", "request"), ("sevre", "serve")])
def test_a_mistyped_command_is_suggested(run: Run, typed: str, meant: str) -> None:
    code, out, err = run(typed, "x")
    assert (code, out) == (2, "")
    assert (
        f"alexaskill: error: argument COMMAND: invalid choice: {typed!r} (did you mean {meant}?"
        in err
    ), err


def test_a_command_far_from_any_is_listed_as_before(run: Run) -> None:
    code, _, err = run("bogus")
    assert code == 2
    assert "invalid choice: 'bogus' (choose from" in err, err
    assert "did you mean" not in err, err


@pytest.mark.parametrize("command", ["replay", "serve"])
def test_a_missing_python_file_named_without_its_skill_is_said_missing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # "serve app.py" with no app.py here suggested "did you mean app.py:skill?", which then
    # said "app.py: no such file".
    monkeypatch.chdir(tmp_path)
    code, _, err = run(command, "app.py", *(["x.json"] if command == "replay" else []))
    assert code == 2
    assert "did you mean" not in err, err
    assert err.endswith(f"alexaskill {command}: error: app.py: no such file\n"), err


def test_a_python_file_given_as_a_request_file_is_said_to_be_python(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It was "more than one JSON document (the next at line 1) ... - < app.py": the module's
    # docstring read as two JSON strings.
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    (tmp_path / "other.py").write_text('"""A module."""\nx = 1\n', encoding="utf-8")
    code, _, err = run("replay", WEATHER, "other.py")
    assert code == 2
    assert err.endswith(
        "alexaskill replay: error: other.py: Python, not a request file: request files are "
        "JSON (alexaskill request LaunchRequest > launch.json writes one)\n"
    ), err


def test_a_file_of_json_strings_is_not_called_several_documents(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    (tmp_path / "notes.txt").write_text('"a" "b"\n', encoding="utf-8")
    code, _, err = run("replay", WEATHER, "notes.txt")
    assert code == 2
    assert "more than one JSON document" not in err, err
    assert err.endswith("alexaskill replay: error: notes.txt: not JSON (line 1: Extra data)\n"), err


def test_a_short_option_given_its_value_attached_is_no_unknown_option(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # argparse reads "-oFILE" as "-o FILE"; the check naming unknown options before argparse
    # parses took "-omodel" for one ("unrecognized arguments: -omodel").
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.chdir(tmp_path)
    code, out, err = run("model", WEATHER, "--invocation", "weather helper", "-omodel")
    assert (code, out) == (0, ""), err
    assert '"invocationName": "weather helper"' in (tmp_path / "model").read_text(encoding="utf-8")
    code, out, err = run("model", WEATHER, "--invocation", "weather helper", "-o-")  # stdout
    assert code == 0, err
    assert '"invocationName": "weather helper"' in out
    code, _, err = run("model", WEATHER, "-xmodel")  # (no -x: still named)
    assert code == 2
    assert "unrecognized arguments: -xmodel" in err, err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["request", "IntentRequest", "--intent", "X", "--slot", "-x"],
            "--slot: expected NAME=VALUE",
        ),
        (
            ["request", "IntentRequest", "--intent", "X", "--field", "-x"],
            "--field: expected NAME=VALUE",
        ),
        (["request", "IntentRequest", "--intent", "-x"], "--intent: expected INTENT"),
        (["request", "IntentRequest", "--sl", "-x"], "--sl: expected NAME=VALUE"),  # abbreviated
        (["chat", "--invocation", "--json"], "--invocation: expected NAME"),  # a known option
    ],
)
def test_an_option_given_an_option_for_its_value_says_what_value_it_needs(
    run: Run, argv: list[str], said: str
) -> None:
    # "--slot -x" said "unrecognized arguments: -x", not that --slot needs NAME=VALUE.
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    stray = argv[-1]
    assert err.endswith(f"alexaskill {argv[0]}: error: argument {said}, not {stray}\n"), err


def test_version_is_answered_by_the_parser_too(capsys: pytest.CaptureFixture[str]) -> None:
    # `main` answers a first --version itself; the parser answers it after another option.
    from importlib.metadata import version

    from alexaskill.cli import parser

    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--bogus", "--version"])
    assert exited.value.code == 0
    assert capsys.readouterr() == (f"alexaskill {version('alexaskill')}\n", "")
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "--version show program's version number and exit" in said, said


def test_the_parser_knows_the_options_of_an_argument_group(run: Run) -> None:
    from alexaskill.cli.parsing import Parser

    grouped = Parser(prog="x")
    grouped.refuses_unknown = True
    grouped.add_argument_group("g").add_argument("--colour")
    grouped.add_mutually_exclusive_group().add_argument("--shape")
    assert vars(grouped.parse_args(["--col", "red", "--shape=round"])) == {
        "colour": "red",
        "shape": "round",
    }


def test_the_parser_uses_no_private_argparse_lookups() -> None:
    # argparse's private option table and version action may change in any Python release.
    for module in ("__init__", "parsing"):
        source = (ROOT / f"alexaskill/cli/{module}.py").read_text(encoding="utf-8")
        assert "_option_string_actions" not in source, module
        assert "argparse._VersionAction" not in source, module


def test_a_long_now_refused_is_quoted_cut(run: Run) -> None:
    # --now's refusal quoted the text given whole (its repr): a line of 5,000 characters.
    code, out, err = run("replay", WEATHER, str(LAUNCH), "--now", "2026" + "x" * 5_000)
    assert code == 2, out + err
    assert "--now '2026xxx" in err and "(5,004 characters)" in err and len(err) < 1_000, err[-300:]

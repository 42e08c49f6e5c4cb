"""How ``alexaskill`` reads a value of several words left unquoted (``--invocation weather
helper``, ``--slot city=New York``): told to quote it, not taken for an utterance or an APP, and
the help of ``understand`` and ``chat`` saying so. The rest of its command line:
test_cli_parsing.py."""

from __future__ import annotations

import pytest

from .cli_parsing_shared import Run
from .cli_parsing_shared import run as run
from .cli_shared import ROOT, WEATHER


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["model", WEATHER, "--invocation", "weather", "helper"],
            "alexaskill model: error: unrecognized arguments: helper (a value of several words "
            "is quoted: --invocation 'weather helper')\n",
        ),
        (
            ["request", "IntentRequest", "--intent", "GetWeather", "--slot", "city=New", "York"],
            "alexaskill request: error: unrecognized arguments: York (a value of several words "
            "is quoted: --slot 'city=New York')\n",
        ),
    ],
)
def test_an_unquoted_value_of_several_words_is_told_to_be_quoted(
    run: Run, argv: list[str], said: str
) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert err.endswith(said), err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["model", "--invocation", "weather", "helper", WEATHER],
            f"alexaskill model: error: unrecognized arguments: {WEATHER} (a value of several "
            "words is quoted: --invocation 'weather helper')\n",
        ),
        (
            ["model", "--invocation", "weather", "helper", "pro", WEATHER],
            f"alexaskill model: error: unrecognized arguments: pro {WEATHER} (a value of several "
            "words is quoted: --invocation 'weather helper pro')\n",
        ),
        (
            ["request", "--intent", "GetWeather", "--slot", "city=New", "York", "IntentRequest"],
            "alexaskill request: error: unrecognized arguments: IntentRequest (a value of "
            "several words is quoted: --slot 'city=New York')\n",
        ),
    ],
)
def test_an_unquoted_value_before_the_positional_arguments_is_told_to_be_quoted(
    run: Run, argv: list[str], said: str
) -> None:
    # Options first, as many write them: the word split off the value was taken for APP (or
    # TYPE), and the error named only the APP, "unrecognized arguments: app:skill", no hint.
    code, _, err = run(*argv)
    assert code == 2
    assert err.endswith(said), err


def test_an_unquoted_invocation_name_is_not_read_as_an_utterance(run: Run) -> None:
    # "understand --invocation weather helper ..." understood "helper" as the first utterance.
    code, out, err = run(
        "understand", "--model", WEATHER, "--invocation", "weather", "helper", "open weather helper"
    )
    assert (code, out) == (2, "")
    assert err.endswith(
        "alexaskill understand: error: is helper the rest of the invocation name or an "
        "UTTERANCE? quote a name of several words (--invocation 'weather helper'), or put the "
        "UTTERANCEs after -- (--invocation weather -- helper)\n"
    ), err


@pytest.mark.parametrize(
    "argv",
    [
        ["--invocation", "weather helper", "help"],  # quoted
        ["--invocation", "weather", "--", "help"],  # after --
        ["--invocation=weather", "--explain", "help"],  # another option between
        ["--invocation", "weather", "what's the weather"],  # an utterance of several words
    ],
)
def test_an_utterance_after_an_invocation_name_that_is_plainly_one(
    run: Run, argv: list[str]
) -> None:
    code, out, err = run("understand", "--model", WEATHER, *argv)
    assert code == 0, err
    assert len(out.splitlines()) == 1, out


def test_understand_help_says_how_to_give_an_invocation_name_of_several_words(run: Run) -> None:
    code, out, _ = run("understand", "--help")
    assert code == 0
    said = " ".join(out.split())
    assert "--invocation NAME the invocation name, quoted when of several words" in said, said
    assert "put the UTTERANCEs after --" in said, said


def test_chat_help_says_an_invocation_name_of_several_words_is_quoted(run: Run) -> None:
    code, out, _ = run("chat", "--help")
    assert code == 0
    said = " ".join(out.split())
    assert "--invocation NAME the invocation name, quoted when of several words" in said, said


def test_chat_refuses_an_unquoted_invocation_name_taken_for_its_app(run: Run) -> None:
    # "chat --invocation weather helper" took "helper" for the APP ("APP 'helper': expected
    # module:attribute"), where `understand` refuses the same words as ambiguous.
    code, out, err = run("chat", "--invocation", "weather", "helper", stdin="")
    assert (code, out) == (2, "")
    assert err.endswith(
        "alexaskill chat: error: is helper the rest of the invocation name or the APP? quote a "
        "name of several words (--invocation 'weather helper'); an APP is module:attribute, "
        "e.g. app:skill\n"
    ), err


@pytest.mark.parametrize(
    "argv",
    [
        ["--invocation", "weather", WEATHER],  # plainly an APP (no invocation name has a ":")
        ["--invocation", "weather helper", WEATHER],  # quoted
        [WEATHER, "--invocation", "weather"],
    ],
)
def test_chat_takes_an_app_after_an_invocation_name_of_one_word(
    run: Run, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    code, _, err = run("chat", *argv, stdin="")
    assert code == 0, err


def test_chat_names_the_rest_of_an_unquoted_invocation_name_after_its_app(run: Run) -> None:
    code, _, err = run("chat", WEATHER, "--invocation", "weather", "helper", stdin="")
    assert code == 2
    assert err.endswith(
        "alexaskill chat: error: unrecognized arguments: helper (a value of several words is "
        "quoted: --invocation 'weather helper')\n"
    ), err

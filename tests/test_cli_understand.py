"""``alexaskill understand``: JSON lines, from a hand-written model file or an APP."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from alexaskill.testing import DEFAULT_SKILL_ID

from .cli_run import MODEL_FILE, lines, run
from .conftest import SKILL_ID

ROOT = Path(__file__).resolve().parent.parent


def test_utterances_from_the_command_line_with_a_hand_written_model() -> None:
    code, out, err = run(
        "understand",
        "--model",
        MODEL_FILE,
        "--now",
        "2026-11-29T12:00",
        "I'd like a big pizza for noon",
        "open pizza palace",
        "exit",
    )
    assert (code, err) == (0, "")
    order, launch, end = lines(out)
    assert order["utterance"] == "I'd like a big pizza for noon"
    assert (order["kind"], order["intent"], order["fallback"]) == ("intent", "OrderPizza", False)
    assert "explanation" not in order  # (only with --explain)
    request = order["request"]
    assert isinstance(request, dict)
    assert request["type"] == "IntentRequest"
    assert request["dialogState"] == "STARTED"
    slots = request["intent"]["slots"]
    assert slots["count"] == {"name": "count", "confirmationStatus": "NONE"}
    assert slots["time"]["value"] == "12:00"
    assert slots["size"]["resolutions"]["resolutionsPerAuthority"][0] == {
        "authority": f"amzn1.er-authority.echo-sdk.{DEFAULT_SKILL_ID}.PizzaSize",
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "large", "id": "LARGE"}}],
    }
    assert slots["toppings"] == {"name": "toppings", "confirmationStatus": "NONE"}
    assert (launch["utterance"], launch["kind"]) == ("open pizza palace", "launch")
    assert launch["request"] == {"type": "LaunchRequest"}
    assert (end["utterance"], end["kind"]) == ("exit", "end")
    assert end["request"] == {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}


def test_one_utterance_per_line_of_standard_input() -> None:
    code, out, _ = run(
        "understand",
        "--model",
        MODEL_FILE,
        "--skill-id",
        SKILL_ID,
        "--explain",
        stdin="track my order\n\nremind me in ten minutes\n",
    )
    assert code == 0
    track, remind = lines(out)
    assert track["request"] == {
        "type": "IntentRequest",
        "intent": {"name": "TrackOrder", "confirmationStatus": "NONE"},
    }
    assert 'sample: "track my order" (exact)' in str(track["explanation"])
    request = remind["request"]
    assert isinstance(request, dict)
    assert request["intent"]["slots"]["duration"]["value"] == "PT10M"


def test_standard_input_that_is_not_utf8() -> None:
    data = b"weather in paris\n\xff\xfe caf\xe9\n"  # as PYTHONIOENCODING=utf-8:strict reads it
    code, _, err = run("understand", "--model", MODEL_FILE, stdin=data)
    assert code == 2
    assert err.startswith("alexaskill understand: error: standard input, line 2: not UTF-8 text")


def test_the_model_of_an_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run(
        "understand",
        "--model",
        "examples.weather.app:skill",
        "--now",
        "2026-11-29T12:00:00",
        "what's the weather in Paris tomorrow",
    )
    assert code == 0
    [record] = lines(out)
    request = record["request"]
    assert isinstance(request, dict)
    assert request["intent"]["name"] == "GetWeather"
    slots = request["intent"]["slots"]
    assert slots["city"]["value"] == "Paris"
    assert slots["date"]["value"] == "2026-11-30"


def test_the_locale_comes_from_the_file_name(tmp_path: Path) -> None:
    model = tmp_path / "en-GB.json"
    model.write_text(Path(MODEL_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("understand", "--model", str(model), "remind me in a fortnight")
    assert code == 0
    request = lines(out)[0]["request"]
    assert isinstance(request, dict)
    assert request["intent"]["slots"]["duration"]["value"] == "P2W"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--model", "missing.json", "hi"], "missing.json: no such file"),
        # (an en-US model for German: refused for that before understanding is asked)
        (
            ["--model", MODEL_FILE, "--locale", "de-DE", "hi"],
            "is the model of en-US (its name says",
        ),
        (["--model", MODEL_FILE, "--now", "tomorrow", "hi"], "--now 'tomorrow'"),
        (["--model", "no_such_module:skill", "hi"], "no module named 'no_such_module'"),
        # Was "not JSON (line 1: Extra data)": the file was read as a model.
        (
            ["--model", str(ROOT / "examples/weather/app.py"), "hi"],
            "app.py is Python, not a model file: name the skill in it, ",
        ),
    ],
)
def test_mistakes_are_one_line_and_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run("understand", *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_broken_model_file_lists_its_problems(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    model.write_text(
        '{"interactionModel": {"languageModel": {"intents": [{"samples": []}]}}}', encoding="utf-8"
    )
    code, _, err = run("understand", "--model", str(model), "hi")
    assert code == 2
    assert "intents[0] has no name" in err


def test_a_windows_text_file_on_standard_input() -> None:
    # Lines ending CR LF and a byte order mark first (as Windows editors save text): the CR
    # and the mark were kept in each record's utterance.
    said = "\ufefftrack my order\r\n\r\nremind me in ten minutes\r\n"
    code, out, err = run("understand", "--model", MODEL_FILE, stdin=said)
    assert (code, err) == (0, "")
    assert [record["utterance"] for record in lines(out)] == [
        "track my order",
        "remind me in ten minutes",
    ]


def test_a_model_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    # As a Windows editor saves it: read as a request file is, not "Unexpected UTF-8 BOM".
    model = tmp_path / "en-US.json"
    model.write_bytes(b"\xef\xbb\xbf" + Path(MODEL_FILE).read_bytes())
    code, out, err = run("understand", "--model", str(model), "track my order")
    assert (code, err) == (0, "")
    [record] = lines(out)
    assert record["request"] == {
        "type": "IntentRequest",
        "intent": {"name": "TrackOrder", "confirmationStatus": "NONE"},
    }


def test_an_utterance_that_is_not_utf8_is_a_usage_error() -> None:
    # "weather in Z\xfcrich" typed in a Latin-1 terminal: its byte was written back into the
    # JSON line, which no JSON reader takes.
    code, out, err = run("understand", "--model", MODEL_FILE, "weather in Z\udcfcrich")
    assert (code, out) == (2, "")
    assert "not UTF-8 text" in err


def test_an_empty_skill_id_is_refused_as_in_every_command() -> None:
    # --skill-id "" made the authorities "amzn1.er-authority.echo-sdk..PizzaSize" (no id); then
    # it was taken as none given. Now every command taking --skill-id refuses it (a usage error,
    # before any output): no id is the option left out, not given empty.
    argv = ("understand", "--model", MODEL_FILE, "--skill-id", "", "I'd like a big pizza")
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert "argument --skill-id: empty: name the skill's id" in err


def test_chat_and_understand_read_a_line_by_one_rule() -> None:
    # The byte order mark and CR stripping was written out in chat and in understand: one
    # helper now reads a line for both.
    from alexaskill.cli.chat_show import line_said

    assert line_said("\ufeffhello\r\n", first=True) == "hello"
    assert line_said("\ufeffhello\r\n", first=False) == "\ufeffhello"
    assert line_said("weather\n", first=False) == "weather"
    assert line_said("last line", first=False) == "last line"


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_line_that_is_not_utf8_stops_understand_there_whatever_the_reading(errors: str) -> None:
    # A stream is answered line by line, and stops at a line that is not text, which is named.
    # Read strictly (PYTHONIOENCODING=utf-8:strict), the whole block the bad byte was in
    # failed, the lines before it in the block unanswered; read with surrogateescape (a C
    # locale), they were answered and the line shown as "'\udcff…'", with no number.
    data = b"weather in paris\n\xff\xfe caf\xe9\nhelp\n"
    code, out, err = run("understand", "--model", MODEL_FILE, stdin=data, stdin_errors=errors)
    assert code == 2
    assert [record["utterance"] for record in lines(out)] == ["weather in paris"]
    assert err == (
        "alexaskill understand: error: standard input, line 2: not UTF-8 text: "
        "\\xff\\xfe caf\\xe9\n"
    )


@pytest.mark.parametrize("said", ["", "   ", "\t"])
def test_an_empty_utterance_given_is_a_usage_error_before_any_output(said: str) -> None:
    # Printed {"utterance": "", "request": null} with status 0 (`understand --model M "$TEXT"`,
    # the variable unset); an empty line read is skipped, as chat skips one.
    code, out, err = run("understand", "--model", MODEL_FILE, "track my order", said)
    assert (code, out) == (2, ""), out
    assert "error: UTTERANCE 2 is empty: " in err, err


@pytest.mark.parametrize("device", ["/dev/null", "empty.json"])
def test_an_empty_model_file_is_said_empty(
    device: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /dev/null (no regular file) was taken for an APP: "expected module:attribute"; an empty
    # file was "not JSON (line 1: Expecting value)".
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.json").write_bytes(b"")
    code, out, err = run("understand", "--model", device, "a pizza")
    assert (code, out) == (2, "")
    assert err == f"alexaskill understand: error: {device}: empty\n"


def test_a_model_read_from_a_pipe_is_understood(tmp_path: Path) -> None:
    # `--model <(...)`, a pipe the shell names /dev/fd/N, was taken for an APP.
    import os

    reading, writing = os.pipe()
    with os.fdopen(writing, "wb") as pipe:
        pipe.write(Path(MODEL_FILE).read_bytes())  # (smaller than a pipe's buffer)
    try:
        code, out, err = run("understand", "--model", f"/dev/fd/{reading}", "help")
    finally:
        os.close(reading)
    assert code == 0, err
    assert lines(out)[0]["request"]["intent"]["name"] == "AMAZON.HelpIntent"  # type: ignore[index]


def test_each_line_carries_the_fields_of_understanding_to_json() -> None:
    # The command wrote its own record, {"utterance", "request"} (and "explanation" with
    # --explain), so a tool reading it never saw what `Understanding.to_json()` carries: how
    # loose the match was ("score"), whether the closest intent stood in for the fallback,
    # the slots' readings, the notes. Each line is now to_json()'s object, "explanation" only
    # with --explain, as before.
    from alexaskill.understanding import Understander, load_model

    understander = Understander(load_model(MODEL_FILE))
    said = ["track my order", "please track my order now", "I'd like a big pizza for noon"]
    now = dt.datetime(2026, 11, 29, 12, 0)
    expected = [json.loads(json.dumps(understander.understand(s, now=now).to_json())) for s in said]
    argv = ("understand", "--model", MODEL_FILE, "--now", "2026-11-29T12:00")
    code, out, err = run(*argv, "--explain", *said)
    assert (code, err) == (0, "")
    assert lines(out) == expected
    exact, loose, order = lines(out)
    assert exact["score"] == expected[0]["score"]
    # The text a person reads says the score of a match that is not exact, as explain() does.
    assert f"(loose match, score {loose['score']:.2f})" in str(loose["explanation"])
    assert '"track my order" (exact)' in str(exact["explanation"])
    slots = order["slots"]
    assert isinstance(slots, list)
    assert [slot["name"] for slot in slots] == ["size", "time"]
    # Without --explain: the same fields, but for the explanation (the option's one addition).
    code, out, _ = run(*argv, *said)
    assert code == 0
    assert lines(out) == [{k: v for k, v in e.items() if k != "explanation"} for e in expected]


def test_an_app_is_understood_with_the_projects_invocation_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `understand --model APP` ignored the invocation name the project's model file gives, which
    # `alexaskill model` reads: any name opened the skill ("open sky watcher"), and "ask weather
    # helper in paris" opened one named "weather helper in paris".
    from .skill_modules import TWO_LOCALES, TWO_LOCALES_INTO

    (tmp_path / "twolocales.py").write_text(TWO_LOCALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    models = Path("skill-package", "interactionModels", "custom")
    (tmp_path / models).mkdir(parents=True)
    code, _, err = run(*TWO_LOCALES_INTO, str(models))  # en-US: "weather helper"
    assert code == 0, err
    said = ["open sky watcher", "ask weather helper in paris", "open weather helper"]
    code, out, err = run("understand", "--model", "twolocales.py:skill", *said)
    assert code == 0, err
    other, one_shot, launch = lines(out)
    assert other["kind"] != "launch", other
    assert one_shot["notes"][0] == 'asked the skill "weather helper" in one go', one_shot  # type: ignore[index]
    assert launch["kind"] == "launch", launch
    # --invocation still wins over the file.
    code, out, err = run(
        "understand", "--model", "twolocales.py:skill", "--invocation", "sky watcher", said[0]
    )
    assert code == 0, err
    assert lines(out)[0]["kind"] == "launch"


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        # As `chat app:skill` and `replay app:skill` take it: understand took the APP for an
        # utterance and said only "the following arguments are required: --model".
        (["examples.weather.app:skill", "weather in paris"], "examples.weather.app:skill"),
        (["examples/weather/app.py:skill", "weather in paris"], "examples/weather/app.py:skill"),
        (["en-US.json", "weather in paris"], "en-US.json"),
    ],
)
def test_an_app_given_without_model_is_named_as_model(argv: list[str], meant: str) -> None:
    code, out, err = run("understand", *argv)
    assert (code, out) == (2, "")
    assert err.strip().splitlines()[-1] == (
        f"alexaskill understand: error: --model is missing: {meant!r} was read as an "
        f"utterance; did you mean --model {meant}?"
    )


def test_no_model_says_what_model_takes() -> None:
    code, out, err = run("understand", "weather in paris")
    assert (code, out) == (2, "")
    assert err.strip().splitlines()[-1] == (
        "alexaskill understand: error: --model is missing: name the skill (--model app:skill) "
        "or an ASK CLI model file (--model en-US.json) to understand the words with"
    )


def test_the_usage_line_still_shows_model_as_required() -> None:
    code, out, _ = run("understand", "--help")
    assert code == 0
    assert "[--model" not in out
    assert " --model MODEL " in " ".join(out.split())


@pytest.mark.parametrize(
    "argv",
    [
        ["understand", "--model", "models/custom", "hi"],
        ["request", "LaunchRequest", "--model", "models/custom"],
        ["serve", "models/custom"],
    ],
)
def test_a_missing_path_named_for_a_model_or_app_is_said_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # A path with no ":" can be no module:attribute: "--model models/custom" (a directory of
    # model files, mistyped) said "APP 'models/custom': expected module:attribute".
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err == f"alexaskill {argv[0]}: error: models/custom: no such file\n", err


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_del_and_c1_characters_are_written_as_json_escapes(char: str) -> None:
    # JSON escapes C0 only: json.dumps(ensure_ascii=False) wrote DEL and C1 (U+009B: a CSI to
    # some terminals) as they were, in the utterance echoed back.
    code, out, err = run("understand", "--model", MODEL_FILE, f"open pizza{char}palace")
    assert (code, err) == (0, "")
    assert char not in out
    assert f"\\u{ord(char):04x}" in out
    (line,) = lines(out)
    assert line["utterance"] == f"open pizza{char}palace"  # (the same text, read back)

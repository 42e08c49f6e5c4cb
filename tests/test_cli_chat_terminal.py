"""``alexaskill chat`` turn by turn, at a terminal or piped: what it shows of each answer, its
commands, quitting and interrupting, and the mistakes it names."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main

from .cli_chat_shared import MODEL_FILE, _cafe_reading, chat

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir


def test_what_was_heard_is_shown_as_said(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not sent (no session, no name), what was understood is shown: as JSON escapes, "café"
    # read "caf\\u00e9".
    code, out, err = chat(monkeypatch, "a café please\n", "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert '  (heard: Order drink="café")\n' in out


def _types_at_a_terminal(
    monkeypatch: pytest.MonkeyPatch, lines: list[str], *, then: type[BaseException]
) -> None:
    """Standard input a terminal where ``lines`` are typed at chat's prompt, then ``then``
    (Ctrl-D's EOFError, Ctrl-C's KeyboardInterrupt) raised by ``input``."""
    said = iter(lines)

    def typed(prompt: str) -> str:
        sys.stdout.write(prompt)
        try:
            return next(said)
        except StopIteration:
            raise then from None

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", typed)


def test_ctrl_d_at_the_prompt_ends_the_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # At a terminal the shell's next prompt came right after "> ", on the chat's last line.
    _types_at_a_terminal(monkeypatch, ["open the cafe"], then=EOFError)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 0
    out = capsys.readouterr().out
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert out.endswith("  session:    open\n> \n")


def test_a_dialog_in_the_terminal(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = "ask the cafe to book a table\nfour\nyes\n"
    code, out, _ = chat(monkeypatch, said, "cafe:skill")
    assert code == 0
    assert "  → IntentRequest Book (STARTED)" in out
    assert "  Alexa:      For how many people?\n" in out
    assert "  dialog:     Book STARTED, waiting for slot people\n" in out
    assert '  → IntentRequest Book (IN_PROGRESS) people="4"   [sample: "{people}"]\n' in out
    # The prompt says the number as the user said it, not as the request carries it.
    assert "  Alexa:      A table for four. Shall I book it?\n" in out
    assert "  (heard: AMAZON.YesIntent" not in out  # the answer went to the skill
    assert '  → IntentRequest Book (COMPLETED) intent CONFIRMED people="4"\n' in out
    assert "  skill:      Booked for 4.\n" in out


def test_commands(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = (
        "/help\n/launch\n/json\n/end\n/json\n/device screen\n/locale en-GB\n/locale xx-XX\n/nope\n"
    )
    code, out, _ = chat(monkeypatch, said, "cafe:skill", "--now", "2026-11-29T12:00")
    assert code == 0
    assert "  /device screen     a device with a screen" in out
    assert "  → LaunchRequest\n" in out
    assert "  (JSON on)\n" in out
    assert '    request: {\n      "type": "SessionEndedRequest",' in out
    assert "  (now a device with a screen; a new session)\n" in out
    assert "  (now en-GB; a new session)\n" in out
    assert "'xx-XX' is not a locale Alexa supports" in out
    assert "  (unknown command /nope: /help lists them)\n" in out


def test_json_shows_the_request_as_sent(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /json ("requests and answers in full") showed the request as understood, {"type":
    # "LaunchRequest"} alone: not the requestId, timestamp and locale the skill received.
    code, out, _ = chat(monkeypatch, "/json\n/launch\n", "cafe:skill", "--now", "2026-11-29T12:00")
    assert code == 0
    shown = out.split("    request: ", 1)[1].split("\n    answer: ", 1)[0]
    request = json.loads(shown)
    assert request["type"] == "LaunchRequest"
    assert request["requestId"].startswith("amzn1.echo-api.request.")
    assert request["timestamp"] == "2026-11-29T12:00:00Z"
    assert request["locale"] == "en-US"


def test_a_failing_handler_is_reported_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "ask the cafe to crash\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0
    assert "  skill:      Sorry, something went wrong. Please try again later.\n" in out
    assert "One espresso." in out
    assert "RuntimeError: boom" in err


def test_an_answer_alexa_refuses_is_not_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "open the cafe\ngarble it\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    refusal = (
        "outputSpeech.ssml: <break time='5S'>: write '5s' (Amazon's SSML reference: a number, "
        "then s or ms in lower case, nothing round them)"
    )
    assert out.endswith(
        "> garble it\n"
        '  → IntentRequest Garble   [sample: "garble it"]\n'
        "  not heard:  Tom [pause 5 s]\n"
        "  Alexa:      There was a problem with the requested skill's response.\n"
        "  → SessionEndedRequest ERROR INVALID_RESPONSE\n"
        f"  (Alexa refuses the answer ({refusal}): the session ends)\n"
        "  session:    ended\n"
    )


def test_ssml_is_shown_as_the_simulator_shows_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = chat(monkeypatch, "open the cafe\nchime\n", "cafe:skill")
    assert code == 0, err
    assert (
        "  skill:      Ding [pause 0.7 s] [audio: https://sounds.example.com/chime.mp3] "
        "World Wide Web done\n"
    ) in out


def test_a_request_without_the_skills_name_is_not_routed_outside_a_session(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "open the cafe\nstop\nan espresso please\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert (
        "> an espresso please\n"
        '  (heard: Order drink="espresso")\n'
        "  (Alexa would not route this to the skill: say 'ask the cafe …' or 'open the cafe')\n"
        "  session:    ended\n"
        "> ask the cafe for an espresso please\n"
        '  → IntentRequest Order drink="espresso"'
    ) in out


def test_silence(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = "open the cafe\n/silence\n/silence\n/silence\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert out.endswith(
        "> /silence\n"
        "  reprompt:   What would you like?\n"
        "  (silence: Alexa plays the reprompt)\n"
        "  session:    open\n"
        "> /silence\n"
        "  → SessionEndedRequest EXCEEDED_MAX_REPROMPTS\n"
        "  (silence again: the session ends)\n"
        "  session:    ended\n"
        "> /silence\n"
        "  (no session is open: Alexa is not listening)\n"
        "  session:    ended\n"
    )


def test_quit_stops_reading(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = chat(monkeypatch, "/quit\nstop\n", "cafe:skill")
    assert code == 0
    assert "Goodbye." not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "name the skill (APP) or its model"),
        (["--model", MODEL_FILE], "--model alone has no skill to talk to"),
        # (--url alone was told to "name the skill (APP) or its model", though --url names it)
        (
            ["--url", "http://127.0.0.1:8000/"],
            "--url alone gives no model to understand what is typed with: add the APP it "
            "serves, or --model FILE",
        ),
        (["nope:skill"], "no module named 'nope'"),
        (["cafe:skill", "--url", "http://[::1"], "--url 'http://[::1': not a URL (Invalid IPv6"),
        (
            ["cafe:skill", "--now", "9999-12-31T23:59-05:00"],
            "--now '9999-12-31T23:59-05:00': past the calendar once on the device's clock (UTC)",
        ),
    ],
)
def test_mistakes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    code, _, err = chat(monkeypatch, "", *argv)
    assert code == 2
    assert message in err


def test_standard_input_that_is_not_utf8(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read strictly (PYTHONIOENCODING=utf-8:strict), a line that is not UTF-8 is named and the
    # chat goes on, as read with surrogateescape and as typed: it stopped the chat (exit 2),
    # the line before it, in the same block, never answered.
    data = b"open the cafe\n\xff\xfe caf\xe9\nan espresso please\n"
    shown = _cafe_reading(monkeypatch, data, encoding="utf-8")
    assert "  skill:      Welcome to the cafe. What would you like?\n" in shown
    bad = "> \\xff\\xfe caf\\xe9\n  (the line is not UTF-8 text: nothing is sent to the skill)\n"
    assert bad in shown
    assert shown.count("  skill:      One espresso. Anything else?\n") == 1


def test_a_line_that_is_not_utf8_is_named_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read as a C locale's terminal reads it (surrogateescape), a line that is not UTF-8 keeps
    # its bytes as lone surrogates: they were dropped unsaid, the rest sent as if typed so.
    data = b"open the cafe\nan espresso \xff please\nan espresso please\n"
    shown = _cafe_reading(monkeypatch, data, encoding="utf-8", errors="surrogateescape")
    assert "the turn failed" not in shown
    assert "  (the line is not UTF-8 text: nothing is sent to the skill)\n" in shown
    assert shown.count("  skill:      One espresso. Anything else?\n") == 1  # the next line
    assert "> an espresso \\xff please\n" in shown  # the bytes it could not read, named


def test_a_line_typed_that_is_not_utf8_is_named_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # At a UTF-8 terminal input() cannot decode the line: the chat ended with a usage error.
    said = iter([b"caf\xe9", "open the cafe"])

    def typed(prompt: str) -> str:
        sys.stdout.write(prompt)
        line = next(said, None)
        if line is None:
            raise EOFError
        if isinstance(line, bytes):
            line.decode("utf-8")  # raises, as input() does
        return str(line)

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", typed)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 0
    out = capsys.readouterr().out
    assert "> " + "  (the line is not UTF-8 text: nothing is sent to the skill)\n" in out
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out


def test_asking_the_skill_by_name_in_an_open_session_says_a_new_one_starts(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "ask the cafe for ..." said in an open session is a one-shot request in a new session
    # (README): the session's attributes were gone, and the transcript only said "open".
    said = "open the cafe\nan espresso please\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    note = "  (said with the skill's name: a new session; the one open before is left)\n"
    assert out.count(note) == 1
    assert out.index(note) > out.index("> ask the cafe for an espresso please\n")


def test_ctrl_c_at_the_prompt_ends_the_line_and_exits_130_quietly(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shell's next prompt came right after "> ", on the chat's last line, as for Ctrl-D.
    _types_at_a_terminal(monkeypatch, ["open the cafe"], then=KeyboardInterrupt)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 130
    out, err = capsys.readouterr()
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert out.endswith("  session:    open\n> \n")
    assert err == ""


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_invocation_name_is_refused_naming_the_option(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # `chat APP --invocation "$NAME"`, the variable unset: "the invocation name is empty", from
    # the model's checks, named no option (understand's and model's name it).
    code, out, err = chat(monkeypatch, "", "cafe:skill", "--invocation", name)
    assert (code, out) == (2, "")
    assert "alexaskill chat: error: argument --invocation: empty: give the invocation name" in err


def test_a_long_sample_intent_and_slot_name_are_shown_cut_in_the_request_line() -> None:
    # The model's author wrote them: a 5,000-character sample (or name) made a line as long.
    from alexaskill.cli.chat_show import request_line
    from alexaskill.understanding.quoted import named
    from alexaskill.understanding.result import Understanding
    from alexaskill.understanding.turns import Exchange, Turn

    sample, intent, slot = ("s" * 5000 + "END", "I" * 5000 + "END", "n" * 5000 + "END")
    request = {
        "type": "IntentRequest",
        "intent": {"name": intent, "slots": {slot: {"name": slot, "value": "4"}}},
    }
    understood = Understanding("x", request, "intent", intent=intent, sample=sample)
    turn = Turn("x", understood, [Exchange(request, reply=None)])  # type: ignore[arg-type]
    line = request_line(request, turn)
    assert f"  [sample: {named(sample)}]" in line, line
    assert "IIIII" in line and "nnnnn" in line and len(line) < 1000, line


def test_a_long_intent_and_slot_name_are_shown_cut_in_what_was_heard() -> None:
    from alexaskill.cli.chat_show import understood_line
    from alexaskill.understanding.result import SlotReading, Understanding
    from alexaskill.understanding.turns import Turn

    intent, slot = ("I" * 5000 + "END", "n" * 5000 + "END")
    reading = SlotReading(slot, "AMAZON.NUMBER", "four", "4")
    understood = Understanding("x", {}, "intent", intent=intent, slots=(reading,))
    line = understood_line(Turn("x", understood))
    assert line.startswith("(heard: IIIII") and ' (5,003 characters)="4")' in line, line
    assert len(line) < 1000, line

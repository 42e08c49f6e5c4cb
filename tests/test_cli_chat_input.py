"""``alexaskill chat`` given input it must not take as it comes: other line endings and encodings,
commands given wrong arguments, and characters it writes escaped, never to the terminal."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.understanding.compiled import MAX_TEXT

from .cli_chat_shared import _cafe_reading, chat

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir
from .conftest import SKILL_ID


def test_a_windows_text_file_piped_in_is_read_as_its_lines(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lines ending CR LF, and a byte order mark first (as Windows editors save text): the CR
    # was kept, echoed after ">" and said to the skill, and the mark said with the first line.
    said = "open the cafe\nan espresso please\n/json\nstop\n"
    argv = ("cafe:skill", "--invocation", "the cafe", "--now", "2026-11-29T12:00")
    code, unix, err = chat(monkeypatch, said, *argv)
    assert (code, err) == (0, "")
    code, windows, err = chat(monkeypatch, "\ufeff" + said.replace("\n", "\r\n"), *argv)
    assert (code, err) == (0, "")
    # (/json shows each request as sent: its requestId is new each time)
    request_id = re.compile(r"amzn1\.echo-api\.request\.[0-9a-f-]+")
    assert request_id.sub("ID", windows) == request_id.sub("ID", unix)


def test_an_alexa_api_file_with_a_byte_order_mark(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "api.json").write_bytes(b'\xef\xbb\xbf{"time_zone": "Europe/Paris"}')
    code, out, err = chat(monkeypatch, "/quit\n", "cafe:skill", "--alexa-api", "api.json")
    assert (code, err) == (0, "")
    assert out.endswith("> /quit\n")


def test_locale_command_with_a_locale_alexa_lacks_says_only_that(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As --locale says it: the reason was followed by every complaint of building the model
    # for that locale (each intent's "sample utterances: none for xx …").
    # (A skill with samples in two languages: each intent lacks those of xx.)
    code, out, err = chat(monkeypatch, "/locale xx\n", "examples.weather.app:skill")
    assert (code, err) == (0, "")
    said = out.splitlines()[-1]
    assert said.startswith("  ('xx' is not a locale Alexa supports; they are ar-SA, ")
    assert said.endswith(", pt-BR)")


def test_device_command_takes_its_word_in_any_case(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the commands' names, /audio's and /button's words: "/device Screen" was unknown.
    code, out, err = chat(monkeypatch, "/device Screen\n/DEVICE SPEAKER\n", "cafe:skill")
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == [
        "  (now a device with a screen; a new session)",
        "> /DEVICE SPEAKER",
        "  (now a speaker; a new session)",
    ]


def test_a_command_given_a_wrong_argument_says_what_it_takes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/device tv" or "/locale" alone were an "unknown command", of commands /help lists.
    code, out, err = chat(
        monkeypatch, "/device tv\n/locale\n/locale en-GB fr-FR\n/nope\n", "cafe:skill"
    )
    assert code == 0, err
    assert "  (/device tv: /device takes screen or speaker)\n" in out
    assert "  (/locale: /locale takes one locale, as en-GB)\n" in out
    assert "  (/locale en-GB fr-FR: /locale takes one locale, as en-GB)\n" in out
    assert "  (unknown command /nope: /help lists them)\n" in out


def test_standard_input_closed_is_no_line(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Started with standard input closed (0<&-), Python has sys.stdin None: chat and
    # understand ended in an AttributeError traceback; they read no line, as from /dev/null.
    monkeypatch.setattr(sys, "stdin", None)
    out, err = io.StringIO(), io.StringIO()
    assert main(["chat", "cafe:skill"], stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue().startswith("Talking to cafe:skill")
    out, err = io.StringIO(), io.StringIO()
    assert main(["understand", "--model", "cafe:skill"], stdout=out, stderr=err) == 0
    assert (out.getvalue(), err.getvalue()) == ("", "")


def test_a_command_that_takes_no_argument_given_one_says_so(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/json maybe", "/launch now", "/device screen extra": the words after were dropped unsaid
    # and the command run, as if the user had typed only its name.
    said = "/json maybe\n/launch now\n/player extra\n/device screen extra\n/quit now\n/json\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0, err
    assert "  (/json maybe: /json takes no argument)\n" in out
    assert "  (/launch now: /launch takes no argument)\n" in out
    assert "  (/player extra: /player takes no argument)\n" in out
    assert "  (/device screen extra: /device takes screen or speaker)\n" in out
    assert "  (/quit now: /quit takes no argument)\n" in out
    assert "LaunchRequest" not in out and "player:" not in out and "(now " not in out
    assert out.endswith("> /json\n  (JSON on)\n")  # the one run, and the chat went on to it


def test_a_line_not_text_in_standard_inputs_encoding_names_that_encoding(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Standard input in ASCII (PYTHONIOENCODING=ascii): b"caf\xe9" is not ASCII text, and the
    # note said "not UTF-8 text" whatever the encoding was.
    shown = _cafe_reading(monkeypatch, b"caf\xe9\nopen the cafe\n", encoding="ascii")
    assert "> caf\\xe9\n  (the line is not ascii text: nothing is sent to the skill)\n" in shown
    assert "UTF-8" not in shown
    assert "  skill:      Welcome to the cafe. What would you like?\n" in shown


def test_a_locale_chat_cannot_understand_leaves_the_session_open(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/locale de-DE" (a locale Alexa has, a language the understanding lacks) was refused, but
    # the session was forgotten first: the next line, said in the open session, was "not
    # routed to the skill" and the session shown ended.
    said = "open the cafe\n/locale de-DE\nan espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert "> /locale de-DE\n  (locale 'de-DE': " in out
    assert "would not route" not in out
    assert out.count("  skill:      One espresso. Anything else?\n") == 1
    assert "(now " not in out


def test_an_alexa_api_time_zone_that_is_no_string_is_a_usage_error(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # {"time_zone": 5} (a status meant for "faults", say) failed every turn with Python's
    # "TypeError: expected str, bytes or os.PathLike object, not int".
    (workdir / "api.json").write_text('{"time_zone": 5}', encoding="utf-8")
    code, out, err = chat(monkeypatch, "open the cafe\n", "cafe:skill", "--alexa-api", "api.json")
    assert code == 2
    assert "TypeError" not in out + err
    assert err.startswith("alexaskill chat: error: --alexa-api api.json: time_zone is 5: a str")


def test_control_characters_are_shown_escaped_not_sent_to_the_terminal(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A line piped in with "\x1b[31m" (a colour), "\x07" (the bell) or "\r" (back to the start
    # of the line) was echoed raw after ">": the terminal acted on it, as on a skill's answer
    # holding a CR or a C1 control (U+009B, a CSI to some terminals).
    monkeypatch.delitem(sys.modules, "ctrl_chat", raising=False)  # (another test's)
    (workdir / "ctrl_chat.py").write_text(
        "from alexaskill import Skill, ask\n"
        f"skill = Skill({SKILL_ID!r})\n"
        "@skill.launch\n"
        "def launch():\n"
        "    return ask('Hi\\r\\x9b[2J there', reprompt='Again?')\n",
        encoding="utf-8",
    )
    said = "open loud\n\x1b[31mred\x07 bell\rback\x7f\n"
    try:
        code, out, err = chat(monkeypatch, said, "ctrl_chat:skill", "--invocation", "loud")
    finally:
        sys.modules.pop("ctrl_chat", None)
    assert code == 0, err
    assert not {"\x1b", "\x07", "\r", "\x7f", "\x9b"} & set(out)
    assert "> \\x1b[31mred\\x07 bell\\x0dback\\x7f\n" in out
    assert "  skill:      Hi\\x0d\\x9b[2J there\n" in out


def _launch_asked(monkeypatch: pytest.MonkeyPatch, workdir: Path, speech: str, *flag: str) -> str:
    """What chat writes when opening a skill whose launch asks ``speech`` (Python source)."""
    monkeypatch.delitem(sys.modules, "launch_asks", raising=False)  # (another test's)
    (workdir / "launch_asks.py").write_text(
        "from alexaskill import Skill, ask\n"
        f"skill = Skill({SKILL_ID!r})\n"
        "@skill.launch\n"
        "def launch():\n"
        f"    return ask({speech}, reprompt='Again?')\n",
        encoding="utf-8",
    )
    try:
        code, out, err = chat(
            monkeypatch, "open loud\n", "launch_asks:skill", "--invocation", "loud", *flag
        )
    finally:
        sys.modules.pop("launch_asks", None)
    assert code == 0, err
    return out


def test_json_blocks_write_del_and_c1_characters_as_json_escapes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --json's blocks went through the transcript's terminal_safe, which wrote U+009B as
    # "\\x9b" inside a JSON string: no JSON escape, so the block was no longer JSON.
    out = _launch_asked(monkeypatch, workdir, "'Hi\\x9b[2J the\\x7fre'", "--json")
    assert not {"\x7f", "\x9b"} & set(out)
    assert '"text": "Hi\\u009b[2J the\\u007fre"' in out, out


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_bidi_controls_and_line_separators_are_written_escaped(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str]
) -> None:
    # U+202E (right-to-left override) reordered the rest of the terminal's line, U+2028 broke
    # it: both were written raw, in a row and in a --json block alike.
    out = _launch_asked(monkeypatch, workdir, "'Hi\\u202egnp.exe\\u2028there\\u2069'", *flag)
    assert not {"\u202e", "\u2028", "\u2069"} & set(out), out
    assert "Hi\\u202egnp.exe\\u2028there\\u2069" in out, out


@pytest.mark.parametrize(
    ("flag", "tag"), [([], "\\U000e0041"), (["--json"], "\\udb40\\udc41")], ids=["rows", "json"]
)
def test_invisible_format_characters_are_written_escaped(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str], tag: str
) -> None:
    # The format characters (Unicode's category Cf) show nothing, or join what they stand
    # between: a zero-width space, word joiner, byte order mark, soft hyphen, a tag character
    # (U+E0041), which hid words in what the skill said, were written raw; the bidi marks
    # (U+200E, U+200F) were already escaped.
    speech = "'pay\\u200bpal \\u2060x\\ufeffy\\u00adz\\u206a \\u200eok\\u200f \\U000e0041'"
    out = _launch_asked(monkeypatch, workdir, speech, *flag)
    assert not {"\u200b", "\u2060", "\ufeff", "\u00ad", "\u206a", "\U000e0041"} & set(out), out
    escaped = "pay\\u200bpal \\u2060x\\ufeffy\\u00adz\\u206a \\u200eok\\u200f "
    assert escaped + tag in out, out


def test_a_slash_and_a_space_before_a_commands_name_is_no_command(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/ json" ran /json (the words after "/" were split on spaces), "/ end" ended the session:
    # a command is "/" and its name, and the list says so.
    said = "/ json\n/  launch\n/json\n/help\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0, err
    assert "> / json\n  (unknown command / json: no space after the /, as /json)\n" in out
    assert "> /  launch\n  (unknown command /  launch: no space after the /, as /launch)\n" in out
    assert "→ LaunchRequest" not in out and out.count("(JSON on)") == 1
    assert "a command is / and its name" in out  # /help


def test_a_line_longer_than_the_simulator_takes_is_not_sent(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulator's page refuses a line past MAX_TEXT characters; chat sent any, a megabyte
    # of it too, to be understood.
    long = " ".join(["coffee"] * (MAX_TEXT // 7 + 1))
    argv = ("cafe:skill", "--invocation", "the cafe")
    code, out, err = chat(monkeypatch, f"{long}\nopen the cafe\n", *argv)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    at = lines.index("> open the cafe")
    assert lines[at - 1] == (
        f"  (the line is {len(long):,} characters, more than the {MAX_TEXT:,} a line "
        "said may have: nothing is sent to the skill)"
    ), lines
    assert lines[at - 2].startswith("> coffee coffee"), lines
    assert lines[at - 2].endswith(f" ({len(long):,} characters)"), lines  # (echoed cut)
    assert "Welcome to the cafe" in out, out  # (the next line is said)

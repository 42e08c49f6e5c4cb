"""The escaping of values from requests in log records: every alexaskill logger's."""

from __future__ import annotations

import io
import json
import logging
import random
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

import alexaskill
from alexaskill.log_values import MAX_VALUE, TERMINAL_UNSAFE, escape_args, printable
from alexaskill.logs import configure_logging, log_request

from .logger_state import alexaskill_logger_kept
from .python_calls import python_calls

_FIXTURES: Final = Path(__file__).parent / "fixtures" / "requests"
FORGED = "cert\n2026-01-01 00:00:00,000 WARNING alexaskill: \x1b[2Kforged"


@pytest.fixture
def plain_log() -> Iterator[io.StringIO]:
    """configure_logging() to a buffer; the "alexaskill" logger put back after."""
    with alexaskill_logger_kept():
        stream = io.StringIO()
        configure_logging("INFO", stream=stream)
        yield stream


def _child_loggers() -> set[str]:
    """The names of the "alexaskill" logger's children the package logs to."""
    names: set[str] = set()
    for path in Path(alexaskill.__file__).parent.rglob("*.py"):
        names.update(
            re.findall(r'getLogger\("(alexaskill\.[\w.]+)"\)', path.read_text(encoding="utf-8"))
        )
    return names


@pytest.mark.parametrize(
    "name", ["alexaskill.server", "alexaskill.verify", "alexaskill.simulator", "alexaskill.x"]
)
def test_a_child_loggers_arguments_are_escaped_in_the_log(
    plain_log: io.StringIO, name: str
) -> None:
    # A logger's filters see only the records made on it, not those its children pass up: the
    # escaping filter on "alexaskill" let a newline in an argument of "alexaskill.verify"'s
    # (say) forge a second line, and an ANSI escape erase one on the operator's terminal.
    logging.getLogger(name).warning("downloaded %s", FORGED)
    lines = plain_log.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(r"downloaded cert\n2026-01-01 00:00:00,000 WARNING alexaskill: "
                             r"\x1b[2Kforged")  # fmt: skip


def test_every_child_logger_of_the_package_has_the_escaping_filter() -> None:
    # For handlers other than configure_logging's (an app's own on "alexaskill", AWS Lambda's
    # runtime handler on the root logger), which see the record as the logger left it.
    import alexaskill.logs  # noqa: F401  (which adds the filters)

    names = _child_loggers() - {"alexaskill.request"}  # (its lines are escaped as made)
    assert {"alexaskill.server", "alexaskill.verify", "alexaskill.simulator"} <= names
    for name in names | {"alexaskill", "alexaskill.security"}:
        assert escape_args in logging.getLogger(name).filters, name


def test_an_apps_handler_sees_a_childs_arguments_escaped() -> None:
    logger = logging.getLogger("alexaskill")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    try:
        logging.getLogger("alexaskill.verify").warning("downloaded %s", FORGED)
    finally:
        logger.removeHandler(handler)
    assert seen == [r"downloaded cert\n2026-01-01 00:00:00,000 WARNING alexaskill: \x1b[2Kforged"]


HUGE: Final = 50_000  # a body of 128 KiB holds it twice (a slot's value and its slotValue)


@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_huge_value_from_a_request_is_cut_in_every_line_that_quotes_it(as_json: bool) -> None:
    # The request line cuts a request's id, type, intent name and locale at 256 characters;
    # alexaskill's other lines quoted them whole: an intent name of 50,000 characters made a
    # line of 50,000 in "handler failed for …" (a skill id, in the refusal's warning; a slot
    # value that does not convert, at INFO). Docker's log driver splits a line past 16 KiB, and
    # a write past PIPE_BUF is torn by another worker's: a JSON line no longer JSON.
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    from .conftest import SKILL_ID

    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Count")
    def count(number: int = 1) -> Any:
        return speak(f"{number}")

    @skill.intent("Book")
    def book(number: int) -> Any:
        return speak(f"{number}")

    @skill.fallback
    def fails() -> Any:
        raise RuntimeError("the handler's bug")

    with alexaskill_logger_kept():
        stream = io.StringIO()
        configure_logging("INFO", json=as_json, stream=stream)
        with TestClient(skill, raise_handler_errors=False) as client:
            envelope = client.factory.intent("Other")
            envelope["request"]["intent"]["name"] = "Q" * HUGE
            assert "Sorry" in str(client.send_envelope(envelope).speech)
            assert client.intent("Count", number="1" * HUGE + "x").speech == "1"
            client.intent("Book", number="2" * HUGE + "x")
            envelope = client.factory.intent("Count", number="3")
            envelope["context"]["System"]["application"]["applicationId"] = "S" * HUGE
            assert client.send_envelope(envelope).status_code == 400
    lines = stream.getvalue().splitlines()
    if as_json:
        said = [json.loads(line)["message"] for line in lines]
    else:
        said = [line for line in lines if not line.startswith(" ")]  # (a traceback's)
    assert any("handler failed for IntentRequest QQQ" in line for line in said)
    assert any("slot 'number' has a value that does not convert: '111" in line for line in said)
    assert any("asking again" in line and "222" in line for line in said)
    assert any("refused request: " in line and "SSS" in line for line in said)
    assert max(map(len, lines)) < 4_000  # a write a pipe keeps whole (PIPE_BUF: 4,096 bytes)
    assert any("…(+" in line for line in said)


@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_handlers_exception_quoting_a_huge_value_is_cut_in_its_traceback_too(
    as_json: bool,
) -> None:
    # "handler failed for …" cuts its values at 1,000 characters, but the traceback's last line
    # repeats the exception's message: a ValueError quoting a slot of 50,000 characters made a
    # line of 50,000 (a multi-megabyte line for an event of megabytes on Lambda). Its frames
    # stay, and the exception it was raised from is cut too.
    from alexaskill import Skill
    from alexaskill.testing import TestClient

    from .conftest import SKILL_ID

    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Book")
    def book_the_table(city: str) -> Any:
        try:
            raise ValueError(f"unknown city {city!r}")
        except ValueError as exc:
            raise LookupError(f"no table in {city!r}") from exc
        return None

    with alexaskill_logger_kept():
        stream = io.StringIO()
        configure_logging("INFO", json=as_json, stream=stream)
        with TestClient(skill, raise_handler_errors=False) as client:
            assert "Sorry" in str(client.intent("Book", city="P" * HUGE).speech)
    lines = stream.getvalue().splitlines()
    if as_json:
        traceback = next(json.loads(line)["exception"] for line in lines if "exception" in line)
        assert max(len(line.encode()) for line in lines) < 4_096  # (was 8,000: the whole JSON)
    else:
        traceback = "\n".join(line for line in lines if line.startswith(" "))
        assert max(map(len, lines)) < 4_000  # a write a pipe keeps whole (PIPE_BUF: 4,096 bytes)
    assert "in book_the_table" in traceback  # the frames are all there
    assert "LookupError: no table in 'PPP" in traceback
    assert "ValueError: unknown city 'PPP" in traceback
    assert "direct cause" in traceback
    assert traceback.count("PPP…(+49,0") == 2  # both messages, each cut once (with its comma)


def test_a_skills_own_loggers_traceback_is_written_whole() -> None:
    # The cut is for alexaskill's records: a skill's own logger's traceback is the skill's to
    # write (here through the formatter `alexaskill serve` gives the other loggers).
    from alexaskill.log_format import EscapingFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter())
    logger = logging.getLogger("tests.a_skill")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("P" * HUGE)
        except ValueError:
            logger.exception("the skill's own line")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert "ValueError: " + "P" * HUGE in stream.getvalue()


@pytest.mark.parametrize("char", ["\x00", "\u202e", "\U000e0001"], ids=["nul", "rlo", "tag"])
def test_a_value_of_characters_escaped_is_cut_as_escaped(plain_log: io.StringIO, char: str) -> None:
    # The cut at MAX_ARGUMENT counted the characters before escaping: 1,000 NULs came out as
    # 4,000 characters ("\x00" each), 1,000 tag characters as 10,000, past PIPE_BUF in one
    # argument. The escaped text is what is bounded, and the count is of the value's characters.
    from alexaskill.log_values import MAX_ARGUMENT

    logging.getLogger("alexaskill.x").warning("value %s", char * HUGE)
    (line,) = plain_log.getvalue().splitlines()
    shown = line.split("value ", 1)[1]
    kept, rest = shown.split("…(+")
    assert len(kept) <= MAX_ARGUMENT and kept.isprintable()
    escape = char.encode("unicode_escape").decode()
    assert kept == escape * (len(kept) // len(escape))  # no escape left half-written
    assert rest.rstrip(")") == f"{HUGE - len(kept) // len(escape):,}"  # (49,750: its comma)


def test_an_exception_of_characters_escaped_is_cut_as_escaped(plain_log: io.StringIO) -> None:
    # An exception's message under MAX_ARGUMENT characters but escaped past it (600 NULs: 2,400
    # characters) was let through whole.
    from alexaskill.log_values import MAX_ARGUMENT

    logging.getLogger("alexaskill.x").warning("failed: %s", ValueError("\x00" * 600))
    (line,) = plain_log.getvalue().splitlines()
    shown = line.split("failed: ", 1)[1]
    assert shown == r"\x00" * (MAX_ARGUMENT // 4) + f"…(+{600 - MAX_ARGUMENT // 4})"


def test_a_short_printable_argument_is_passed_on_as_it_is() -> None:
    # A str subclass (whose %s is its own, as an Enum member's) within the bound is the same
    # object: the cut copied it as a plain str, "<tagged>" logged as "a".
    from alexaskill.log_values import MAX_ARGUMENT, escaped_args

    class Tagged(str):
        def __str__(self) -> str:
            return "<tagged>"

    args = (Tagged("a"), "plain")
    assert escaped_args(args, MAX_ARGUMENT) is args


def _with_values(intent: str, request_id: str = "amzn1.echo-api.request.1") -> Any:
    from alexaskill.models import decode_envelope

    raw = json.loads((_FIXTURES / "IntentRequest.GetWeather.json").read_text(encoding="utf-8"))
    raw["request"]["intent"]["name"] = intent
    raw["request"]["requestId"] = request_id
    return decode_envelope(json.dumps(raw).encode())


@pytest.mark.parametrize("char", ["\x00", "\U000e0001", "\u202e"], ids=["nul", "tag", "rlo"])
def test_the_request_lines_cut_bounds_the_escaped_value(char: str) -> None:
    # The cut at 256 characters counted them before escaping: 256 tag characters came out as
    # 2,560 ("\U000e0001" each). What the line shows of a value is what is bounded.
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", stream=stream)
        log_request(_with_values(char * 1_000, char * 1_000), outcome="ok", status=200)
    (line,) = stream.getvalue().splitlines()
    intent = line.split("IntentRequest ", 1)[1].split(" -> ", 1)[0]
    shown = intent.split("…(+")[0].strip('"')
    escape = char.encode("unicode_escape").decode()
    assert len(shown) <= MAX_VALUE and shown == escape * (len(shown) // len(escape))
    assert intent.endswith(f"…(+{1_000 - len(shown) // len(escape)})")
    assert len(line) < 3 * (MAX_VALUE + 20) + 150


@pytest.mark.parametrize(
    "intent",
    ["GetWeather -> ok (200) handler=1.0ms", 'Get"Weather', "Get\\nWeather", "Get\xa0Weather"],
)
def test_a_request_value_cannot_pass_for_the_rest_of_the_plain_line(intent: str) -> None:
    # An intent name (a request id) with spaces in it made a line that read as another
    # outcome: "IntentRequest GetWeather -> ok (200) handler=1.0ms -> handler_error (200)…". A
    # value with a space, a quote or a backslash is written in double quotes, those escaped.
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", stream=stream)
        log_request(_with_values(intent, "x -> ok (200)"), outcome="handler_error", status=200)
    (line,) = stream.getvalue().splitlines()
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', "", line)  # the line, its quoted values left out
    assert outside.count(" -> ") == 1 and outside.count("(200)") == 1
    quoted = '"' + intent.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert f"IntentRequest {quoted} -> handler_error (200)" in line
    assert line.endswith(' id="x -> ok (200)"')
    # Alexa's own values stay as they are.
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", stream=stream)
        log_request(_with_values("AMAZON.StopIntent"), outcome="ok", status=200)
    assert "IntentRequest AMAZON.StopIntent -> ok (200) " in stream.getvalue()
    assert stream.getvalue().rstrip("\n").endswith(" id=amzn1.echo-api.request.1")


#: Characters whose writing is longest: escaped in the plain line (ten characters), escaped by
#: JSON (six), four bytes of UTF-8.
WIDE: Final = ["\U000e0001", "\x00", "\U0001f600"]


@pytest.mark.parametrize("char", WIDE, ids=["tag", "nul", "emoji"])
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_request_line_stays_under_pipe_buf_in_bytes(as_json: bool, char: str) -> None:
    # Each value cut at 256 characters, but a JSON line holds five of them (the message, the
    # fields), each JSON-escaped or of four-byte characters: past 4,096 bytes, one write a
    # pipe keeps whole.
    raw = json.loads((_FIXTURES / "IntentRequest.GetWeather.json").read_text(encoding="utf-8"))
    raw["request"].update(requestId=char * 300, locale=char * 300, type="T" + char * 300)
    from alexaskill.models import decode_envelope

    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=as_json, stream=stream)
        for request in (_with_values(char * 300, char * 300), decode_envelope(json.dumps(raw))):
            log_request(request, outcome="ok", status=200, handler_ms=1.0, verify_ms=1.0)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert len(line.encode()) < 4_096
        if as_json:
            shown = json.loads(line)
            assert shown["outcome"] == "ok" and shown["logger"] == "alexaskill.request"
            assert shown["request_id"].startswith(char) and "…(+" in shown["request_id"]


@pytest.mark.parametrize("char", WIDE, ids=["tag", "nul", "emoji"])
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_record_of_several_long_arguments_stays_under_pipe_buf_in_bytes(
    as_json: bool, char: str
) -> None:
    # Each argument cut at 1,000 characters (as escaped), but five of them, or a thousand
    # four-byte characters, made one line of many KiB.
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=as_json, stream=stream)
        logger = logging.getLogger("alexaskill.x")
        logger.warning("five: %s %s %s %s %s", *[char * 1_000] * 5, extra={"more": char * 900})
        try:
            raise ValueError(char * 900)
        except ValueError:
            logger.exception("failed for %s", char * 900)
    lines = stream.getvalue().splitlines()
    assert all(len(line.encode()) < 4_096 for line in lines)
    if as_json:
        records = [json.loads(line) for line in lines]
        assert len(records) == 2
        assert records[0]["message"].startswith("five: ")
        assert records[1]["exception"].startswith("Traceback (most recent call last):")
        assert "ValueError" in records[1]["exception"]  # (its end kept: the exception)
    else:
        assert lines[0].split(" alexaskill.x: ", 1)[1].startswith("five: ")
        assert "…(+" in lines[0]


def test_the_json_request_line_escapes_del_as_the_command_line_does() -> None:
    # The JSON lines escaped C1 but not DEL, which `alexaskill replay` and `chat` write out:
    # an ASCII line was never looked at. One rule now (`TERMINAL_UNSAFE`).
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=True, stream=stream)
        log_request(_with_values("Get\x7fWeather"), outcome="ok", status=200)
    text = stream.getvalue()
    assert "\x7f" not in text and "Get\\u007fWeather" in text
    assert json.loads(text)["intent"] == "Get\x7fWeather"


def _printable_one_by_one(text: str) -> str:
    """What `printable` wrote before: each character kept when printable or not a control, a
    surrogate, a line or paragraph separator or `TERMINAL_UNSAFE`'s, else `unicode_escape`d."""
    escaped = {"Cc", "Cs", "Zl", "Zp"}

    def kept(char: str) -> bool:
        return char.isprintable() or (
            unicodedata.category(char) not in escaped and TERMINAL_UNSAFE.match(char) is None
        )

    return "".join(c if kept(c) else c.encode("unicode_escape").decode() for c in text)


def test_printable_writes_what_escaping_each_character_alone_wrote() -> None:
    # Controls (C0, DEL, C1), lone surrogates, line and paragraph separators, the format
    # characters (`TERMINAL_UNSAFE`'s, the joiners kept), spaces other than " ", private use,
    # printable non-ASCII text: few of them or many (past the few escaped one by one).
    tricky = [*map(chr, range(0x20)), "\x7f", "\x85", "\x9b", "\xa0", "\xad", "\u202f"]
    tricky += ["\u2028", "\u2029", "\u202e", "\u200b", "\u200c", "\u200d", "\ufeff", "\ue000"]
    tricky += ["\ud800", "\udce9", "\udfff", "\U000e0041", "\U000e007f", "\U000110bd", "\U0010ffff"]
    tricky += ["\\", '"', "'", "a", " ", "é", "ß", "東京", "😀", "👨\u200d👩\u200d👧", "\u0378"]
    rnd = random.Random(127)
    texts = ["".join(tricky), "", "plain", "\n" * 40, "\x00\x1b[2K" * 17]
    for size in (1, 2, 15, 16, 17, 40, 500):
        for _ in range(60):
            texts.append("".join(rnd.choices(tricky, k=size)))
            texts.append("".join(rnd.choices(["a", "é", *rnd.sample(tricky, 3)], k=size)))
    for text in texts:
        assert printable(text) == _printable_one_by_one(text), ascii(text)


@pytest.mark.parametrize("between", ["", "é", "\\"])
@pytest.mark.parametrize("char", ["\x00", "\n", "\x9b", "\u2028", "\ud800", "\U000e0041"])
def test_printable_calls_no_function_for_each_character_escaped(char: str, between: str) -> None:
    # A Python function was called for each character (whether to keep it, then its escape):
    # a skill's message quoting a slot value of control characters, a megabyte of them, took
    # seconds of a worker's CPU. A count of calls, not time: as many for 10,000 as for 1,000
    # (a call a character, or a run, is past 10 already at 1,000), the characters one run or
    # each on its own.
    escape = char.encode("unicode_escape").decode()

    def calls(count: int) -> int:
        text = "a" + (char + between) * count
        assert printable(text) == "a" + (escape + between) * count
        return python_calls(lambda: printable(text))

    calls(1_000)  # (anything made once, made)
    assert calls(10_000) == calls(1_000) < 10

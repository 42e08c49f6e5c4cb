"""The JSON formatter with records it cannot encode as they are: a log call never raises."""

from __future__ import annotations

import io
import itertools
import json
import logging
import random
import re
from collections.abc import Iterator

import pytest

from alexaskill import log_fit
from alexaskill.log_fit import json_escaped
from alexaskill.log_format import JsonFormatter
from alexaskill.log_values import TERMINAL_UNSAFE, cut, json_escape
from alexaskill.logs import configure_logging

from .chained_errors import STEPS, chained_value_errors
from .counting_stream import CountingStream
from .logger_state import alexaskill_logger_kept
from .python_calls import python_calls


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """configure_logging(json=True) to a buffer; the "alexaskill" logger put back after."""
    with alexaskill_logger_kept():
        stream = io.StringIO()
        configure_logging("INFO", json=True, stream=stream)
        yield stream


def test_a_cyclic_extra_is_written_as_its_repr(json_log: io.StringIO) -> None:
    # msgspec stops at a value that contains itself with a RecursionError, which a logging
    # handler re-raises (it is never handleError's): the log call raised into the code that
    # logged, a handler's, which then failed for its log line. The line is written, the value
    # as Python shows it, its other fields as they are.
    cyclic: dict[str, object] = {"name": "a"}
    cyclic["self"] = cyclic
    deep: list[object] = []
    for _ in range(2000):
        deep = [deep]
    logger = logging.getLogger("alexaskill")
    logger.warning("cyclic %s", "here", extra={"cyclic": cyclic, "plain": 3, "deep": deep})
    line = json.loads(json_log.getvalue())
    assert line["message"] == "cyclic here"
    assert line["plain"] == 3
    assert line["cyclic"] == "{'name': 'a', 'self': {...}}"
    assert isinstance(line["deep"], str) and line["deep"].startswith("[[[")


def test_an_exception_argument_whose_str_raises_goes_to_handle_error(
    json_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The escaping filter (alexaskill.log_values) takes str() of an exception argument: one
    # whose __str__ raises raised out of the log call, before any handler. Now the record is
    # left to the handler, which reports it as it reports any record it cannot format.
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise ValueError("no text")

    reported: list[logging.LogRecord] = []
    logger = logging.getLogger("alexaskill")
    handler = logger.handlers[0]
    monkeypatch.setattr(handler, "handleError", reported.append)
    # (pytest's capture handlers, on this logger in a test, report such a record by raising)
    monkeypatch.setattr(logger, "handlers", [handler])
    logging.getLogger("alexaskill").error("failed: %s", Unprintable())
    assert [record.msg for record in reported] == ["failed: %s"]
    logging.getLogger("alexaskill").error("still logging")
    assert json.loads(json_log.getvalue())["message"] == "still logging"


@pytest.mark.parametrize(
    "character",
    ["\x7f", "\x9b", "\x85", "\x90", "\u2028", "\u202e", "\u2066", "\u200f", "\u061c"],
)
def test_json_lines_hold_no_raw_c1_control_line_break_or_bidi_override(
    json_log: io.StringIO, character: str
) -> None:
    # msgspec escapes only the controls below U+0020: a C1 control (U+009B is a whole ANSI
    # control sequence introducer), a line separator or a right-to-left override from a
    # request went into the line raw, for a terminal showing it to act on. Written as \uXXXX:
    # the same text to any JSON reader. DEL too, which the command line escapes (it was left
    # raw: the line, all ASCII, was never looked at).
    said = f"rain{character}[31m"
    logging.getLogger("alexaskill").warning(f"heard {said}", extra={"said": said})
    text = json_log.getvalue()
    assert character not in text
    assert f"\\u{ord(character):04x}" in text
    line = json.loads(text)
    assert line["message"] == f"heard {said}" and line["said"] == said


def test_a_rule_violations_field_is_cut_as_its_message_is(json_log: io.StringIO) -> None:
    # A reply dropped for breaking Alexa's rules is logged with the `RuleViolation` as
    # ``extra``: its message (quoting the request's type) was cut at MAX_ARGUMENT, its
    # ``rule_violation`` field, the same text in its repr, written whole.
    from alexaskill.exceptions import RuleViolation
    from alexaskill.log_values import MAX_ARGUMENT

    violation = RuleViolation("T" * 50_000, ("AudioPlayer.Play",), "a rule")
    logging.getLogger("alexaskill.rules").error(
        "%s", violation, extra={"rule_violation": violation, "names": ("N" * 50_000,)}
    )
    line = json.loads(json_log.getvalue())
    assert line["rule_violation"].startswith("RuleViolation('the reply answered TTT")
    assert len(line["rule_violation"]) <= MAX_ARGUMENT + len("…(+99,999)")
    assert line["rule_violation"].endswith(f"…(+{len(repr(violation)) - MAX_ARGUMENT:,})")
    assert len(line["names"]) <= MAX_ARGUMENT + len("…(+99,999)")
    assert len(json_log.getvalue()) < 4_000
    # A short one stays what it was: its repr (a list, a list).
    short = RuleViolation("IntentRequest", ("card",), "a rule")
    logging.getLogger("alexaskill.rules").error(
        "%s", short, extra={"rule_violation": short, "names": ("card",)}
    )
    line = json.loads(json_log.getvalue().splitlines()[1])
    assert line["rule_violation"] == repr(short) and line["names"] == ["card"]


def test_a_plain_records_whole_traceback_is_one_write_within_4096_bytes() -> None:
    # Each line of a plain record was cut to 4,096 bytes, but a record is one write() of all of
    # its lines: a traceback of forty chained exceptions made one of ~30 KB, which a pipe shared
    # by workers may tear. The whole record is bounded, its start and what was raised kept.
    exc = chained_value_errors("\u20ac" * 150)
    stream = CountingStream()  # (each write() apart: what a pipe is handed at once)
    with alexaskill_logger_kept():
        configure_logging("INFO", stream=stream)
        logging.getLogger("alexaskill.x").error("failed for %s", "Book", exc_info=exc)
    (write,) = stream.writes
    assert len(write.encode()) <= 4_096 and write.endswith("\n")
    first, *rest = write.rstrip("\n").split("\n")
    assert first.endswith(" ERROR alexaskill.x: failed for Book")
    assert rest[0] == "  Traceback (most recent call last):"
    assert all(line.startswith("  ") for line in rest)  # none can pass for a record
    assert any(re.fullmatch(r"  … \([\d,]+ lines left out\) …", line) for line in rest)
    # What was raised, kept: the chain's last exception.
    assert rest[-1].startswith(f"  ValueError: step {STEPS - 1} \u20ac\u20ac")


def test_the_lines_a_plain_record_leaves_out_are_counted_with_thousands_separators() -> None:
    # As the other messages write counts: "(4627 lines left out)" was said.
    from alexaskill.log_fit import fitted_plain

    lines = ["failed", *(f"  line {index}" for index in range(5_000))]
    fitted = fitted_plain(lines).split("\n")
    [said] = [line for line in fitted if "left out" in line]
    count = re.fullmatch(r"  … \((\d{1,3}(?:,\d{3})+) lines left out\) …", said)
    assert count is not None, said
    assert int(count.group(1).replace(",", "")) == len(lines) - len(fitted) + 1  # (its own)
    assert len("\n".join(fitted).encode()) <= 4_095


def test_a_plain_record_of_long_lines_is_one_write_within_4096_bytes() -> None:
    # A message of many lines, each near the bound, and a traceback: within it too.
    stream = CountingStream()
    with alexaskill_logger_kept():
        configure_logging("INFO", stream=stream)
        try:
            raise KeyError("k" * 900)
        except KeyError:
            logging.getLogger("alexaskill").exception("\n".join(["\U0001f600" * 900] * 4))
    (write,) = stream.writes
    assert len(write.encode()) <= 4_096
    lines = write.rstrip("\n").split("\n")
    assert lines[0].split(" ERROR alexaskill: ", 1)[1].startswith("\U0001f600")
    assert lines[-1].startswith("  KeyError: 'kkk")


def _lines_cut(text: str) -> str:
    """``text`` with each line cut at 200 characters, as a traceback in a JSON line is first."""
    return "\n".join(cut(line, 200) for line in text.split("\n"))


@pytest.mark.parametrize(
    ("char", "step"),
    # (U+2028 escaped by a call per character, ~50 ms a line of them: fewer sizes)
    [("a", 37), ("\u20ac", 37), ("\U0001f600", 37), ("\x01", 37), ("\u2028", 307), ("\udce9", 37)],
)
def test_a_json_record_cut_to_fit_is_within_4096_bytes_whatever_its_sizes(
    char: str, step: int
) -> None:
    # The margin left for a traceback's note (`- 20` characters) was short of the note itself
    # (~30): a traceback cut twice, its first note counted as text, came to 4,106 bytes, its
    # second note saying "30 characters left out". Every size around the bound, of characters
    # written in 1 to 7 bytes: within 4,096 bytes, each note's count that of the text left out.
    formatter = JsonFormatter()
    for size, width, message_size in itertools.product(
        range(3_000, 4_600, step), (150, 250), (10, 1_000, 3_000)
    ):
        traceback = "\n".join(char * width for _ in range(size // (width + 1)))
        traceback += "\n" + char * (size % (width + 1))
        message = "m" * (message_size - 1) + char
        record = logging.makeLogRecord(
            {
                "name": "alexaskill.x",
                "levelname": "ERROR",
                "msg": message,
                "exc_text": traceback,
                "said": char * 900,
            }
        )
        line = formatter.format(record)
        assert len(line.encode()) + 1 <= 4_096, (size, message_size)
        # (a lone surrogate is written as Python writes it, \udce9: read back as it was)
        shown = {
            name: value.replace("\\udce9", "\udce9") if isinstance(value, str) else value
            for name, value in json.loads(line).items()
        }
        _assert_honest_cut(shown["message"], message)
        _assert_honest_cut(shown["said"], char * 900)
        if shown["exception"] != traceback:
            _assert_honest_middle(shown["exception"], _lines_cut(traceback))


def _assert_honest_cut(shown: str, whole: str) -> None:
    """``shown`` is ``whole``, or its start and ``…(+N)``, N the characters left out."""
    if shown == whole:
        return
    kept, _, count = shown.rpartition("…(+")
    assert count.endswith(")") and whole.startswith(kept), shown
    assert len(kept) + int(count[:-1].replace(",", "")) == len(whole), shown


def _assert_honest_middle(shown: str, whole: str) -> None:
    """``shown`` is ``whole``, or its start and end around one note saying how many characters
    it left out (counted in ``whole``, not in a text cut before)."""
    if shown == whole:
        return
    notes = re.findall(r"\n… \(([\d,]+) characters left out\) …\n", shown)
    assert len(notes) == 1, shown
    head, _, rest = shown.partition("\n… (")
    tail = rest.split(" characters left out) …\n", 1)[1]
    assert whole.startswith(head) and whole.endswith(tail), shown
    assert len(head) + int(notes[0].replace(",", "")) + len(tail) == len(whole), shown


def test_a_json_record_of_hundreds_of_fields_is_within_4096_bytes() -> None:
    # The values were cut in 32 rounds, the longest first, then the line written whatever its
    # size: 400 fields came to 13,797 bytes, their values "…(+20)". Past what cuts can do, the
    # line keeps the record's time, level, logger and message, and says how many fields it left.
    fields = {f"field_{number:03d}": "v" * 20 for number in range(400)}
    record = logging.makeLogRecord(
        {"name": "alexaskill.x", "levelname": "ERROR", "msg": "m" * 5_000, **fields}
    )
    line = JsonFormatter().format(record)
    assert len(line.encode()) + 1 <= 4_096
    shown = json.loads(line)
    assert list(shown) == ["time", "level", "logger", "message", "fields_left_out"]
    assert shown["level"] == "ERROR" and shown["logger"] == "alexaskill.x"
    assert shown["fields_left_out"] == 400
    assert shown["message"].startswith("m" * 3_000)
    _assert_honest_cut(shown["message"], "m" * 5_000)


@pytest.mark.parametrize("missing", ["time", "logger", "message"])
def test_the_fields_left_out_of_an_entry_without_time_logger_or_message_are_counted_right(
    missing: str,
) -> None:
    # The last resort's line shows the four always (the missing one empty) and counted them as
    # shown whatever the entry held: one field too few was said left out.
    from alexaskill.log_fit import fitted_json

    entry = {"time": "t", "level": "ERROR", "logger": "alexaskill.x", "message": "m"}
    del entry[missing]
    entry.update({f"{'k' * 50}_{number:03d}": "v" * 20 for number in range(400)})
    shown = json.loads(fitted_json(entry))
    assert shown["fields_left_out"] == 400
    assert shown[missing] == ""


@pytest.mark.parametrize("character", ["\u2028", "\x7f", "\U000e0041"])
def test_a_json_line_of_thousands_of_unsafe_characters_calls_no_function_for_each(
    character: str,
) -> None:
    # A Python function was called for each character escaped: a skill logging a slot value of
    # 4,000 U+2028 (a request's) spent ~50 ms on its line, a cheap way to take a worker's CPU.
    # A line of 10,000 calls as many functions as a line of 1,000 now (a few escaped one by one).
    formatter = JsonFormatter()

    def calls(count: int) -> int:
        record = logging.makeLogRecord({"name": "skill", "msg": "a" + character * count})
        assert formatter.format(record).count(json_escape(character)) == count
        return python_calls(lambda: formatter.format(record))

    calls(1_000)  # (anything made once, made)
    assert calls(10_000) == calls(1_000)


def _escaped_one_by_one(line: str) -> str:
    """What the JSON lines escaped with before: a sub of `TERMINAL_UNSAFE`, each character's
    `json_escape` a call."""
    return TERMINAL_UNSAFE.sub(lambda match: json_escape(match.group()), line)


def test_json_escaping_writes_what_escaping_each_character_alone_wrote() -> None:
    # The same text whatever the line: every unsafe character (all of `TERMINAL_UNSAFE`'s, found
    # by a scan of every code point), their neighbours, safe text, a few of them or many.
    every = "".join(map(chr, range(0x110000)))
    unsafe = TERMINAL_UNSAFE.findall(every)
    assert len(unsafe) > 200 and "\u2028" in unsafe and "\U000e007f" in unsafe
    neighbours = sorted(
        {chr(ord(char) + step) for char in unsafe for step in (-1, 1)} - set(unsafe)
    )
    alphabet = [*unsafe, *neighbours, "a", "é", '"', "\\", "\n", "\ud800", "\u200d", "😀"]
    rnd = random.Random(2028)
    lines = ["".join(unsafe), "".join(rnd.sample(unsafe, len(unsafe))), "\x7f" * 50, ""]
    for size in (1, 2, 15, 16, 17, 40, 500):
        for _ in range(60):
            lines.append("".join(rnd.choices(alphabet, k=size)))
            lines.append("".join(rnd.choices(["a", "é", *rnd.sample(unsafe, 3)], k=size)))
    for line in lines:
        assert json_escaped(line) == _escaped_one_by_one(line), ascii(line)


def test_a_json_record_of_tens_of_long_fields_keeps_each_cut() -> None:
    # 32 rounds cut 32 of them to half, then gave up: the line was the last resort's, time,
    # level, logger and message alone ("fields_left_out": 40), where each value cut to a few
    # dozen characters fits.
    fields = {f"field_{number:02d}": "v" * 300 for number in range(40)}
    record = logging.makeLogRecord({"name": "alexaskill.x", "levelname": "ERROR", "msg": "m"})
    record.__dict__.update(fields)
    line = JsonFormatter().format(record)
    assert len(line.encode()) + 1 <= 4_096
    shown = json.loads(line)
    assert "fields_left_out" not in shown
    for name, value in fields.items():
        _assert_honest_cut(shown[name], value)


class _CountingPattern:
    """A pattern that counts its searches (`TERMINAL_UNSAFE`'s, done)."""

    def __init__(self) -> None:
        self.searches = 0

    def search(self, text: str) -> re.Match[str] | None:
        self.searches += 1
        return TERMINAL_UNSAFE.search(text)


@pytest.mark.parametrize(
    "text", ["Grüße aus München", "東京の天気", "Ça coûte 3,50 € «à peu près»", "😀 ok"]
)
def test_a_printable_non_ascii_json_line_is_not_searched_by_the_pattern(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # Every line of a German or Japanese skill: the pattern's search of each character cost
    # ~140 instructions. A printable line holds none of its characters (all unprintable).
    pattern = _CountingPattern()
    monkeypatch.setattr(log_fit, "_RAW_UNSAFE", pattern)
    line = log_fit.json_text({"message": text, "slot": text})
    assert json.loads(line) == {"message": text, "slot": text}
    assert pattern.searches == 0


def test_raw_unsafe_finds_what_the_pattern_finds() -> None:
    # Unprintable characters it leaves raw (a no-break space, the joiners, private use, an
    # unassigned code point) beside printable ones, and each of the pattern's.
    every = "".join(map(chr, range(0x110000)))
    unsafe = TERMINAL_UNSAFE.findall(every)
    kept = ["a", "é", "東", "😀", "\xa0", "\u202f", "\u200c", "\u200d", "\ue000", "\u0378", "\\"]
    for char in [*unsafe, *kept]:
        for line in (char, f'{{"m":"a{char}b"}}', f'{{"m":"é{char}"}}', f"東{char}😀"):
            assert log_fit.raw_unsafe(line) == (char in unsafe), ascii(line)


def test_every_character_a_json_line_escapes_is_unprintable() -> None:
    # What `raw_unsafe` leans on to leave a printable line unsearched.
    every = "".join(map(chr, range(0x110000)))
    assert not any(char.isprintable() for char in TERMINAL_UNSAFE.findall(every))


def test_raw_unsafe_says_what_the_search_said_for_every_code_point() -> None:
    # What it said before `str.isprintable` was asked first: the pattern's search, for each code
    # point alone beside a non-ASCII letter (not the isascii branch) and in a printable line.
    # (Asked by map(), 65,536 code points at a time, the lines that differ said together: a
    # loop of two asserts a code point took 4 s of CPU, twice raw_unsafe's own calls.)
    wrong: list[str] = []
    for start in range(0x80, 0x110000, 0x10000):
        chars = list(map(chr, range(start, min(start + 0x10000, 0x110000))))
        for lines in ([f"é{char}" for char in chars], [f'{{"m":"東{char}x"}}' for char in chars]):
            said = list(map(log_fit.raw_unsafe, lines))
            searched = [found is not None for found in map(TERMINAL_UNSAFE.search, lines)]
            if said != searched:
                pairs = zip(lines, said, searched, strict=True)
                wrong += [ascii(line) for line, a, b in pairs if a != b]
    assert wrong == []

"""A record's line within 4,096 bytes, what one write() to a pipe keeps whole: a plain record's
lines, a JSON record's values cut to fit (`fitted_plain`, `fitted_json`); and the JSON text they
are measured in (`json_text`: msgspec's, a value it cannot write as Python shows it, the
characters a terminal acts on escaped).
"""

from __future__ import annotations

import functools
import heapq
import re
import reprlib
from typing import Any, Final

import msgspec

from .log_values import TERMINAL_UNSAFE, cut, json_escape

__all__ = [
    "JSON_ENCODER",
    "MAX_LINE_BYTES",
    "SURELY_WITHIN",
    "fitted_json",
    "fitted_plain",
    "json_escaped",
    "json_text",
    "raw_unsafe",
    "too_long",
]

#: The most bytes of one line alexaskill writes, its newline too: what one write() to a pipe
#: keeps whole on Linux (PIPE_BUF; another worker's write cannot tear it), far under what
#: Docker's log driver keeps in one message (16 KiB).
MAX_LINE_BYTES: Final = 4096
#: A line of at most this many characters is within `MAX_LINE_BYTES` whatever it holds (UTF-8
#: writes a character in four bytes at most): its bytes are not counted.
SURELY_WITHIN: Final = (MAX_LINE_BYTES - 1) // 4


def too_long(line: str) -> bool:
    """Whether ``line`` and its newline pass `MAX_LINE_BYTES` in UTF-8."""
    return len(line.encode("utf-8", "backslashreplace")) >= MAX_LINE_BYTES


def _cut_line(line: str, most: int = MAX_LINE_BYTES) -> str:
    """``line`` cut to ``most`` bytes with its newline, saying how many characters more it had
    (a character cut in two left out)."""
    room = most - 1 - len(f"…(+{len(line):,})".encode())  # (the count said is no longer)
    kept = line.encode("utf-8", "backslashreplace")[:room].decode("utf-8", "ignore")
    return f"{kept}…(+{len(line) - len(kept):,})"


def _size(line: str) -> int:
    """The bytes of ``line`` in UTF-8 (as `too_long` counts them)."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "backslashreplace"))


# Not one code with `fitted_json`: a JSON line's room is shared by escaped values cut in rounds
# by their bytes, a plain record's by lines kept whole or left out; `cut` is what they share.
def fitted_plain(lines: list[str]) -> str:
    """A plain record's ``lines`` (each after the first indented) within `MAX_LINE_BYTES`, the
    newline counted, as one text: one write() a pipe keeps whole, as a JSON record's one line.
    (AWS Lambda's text line too, its lines joined with "\\r": `log_lambda.LambdaTextFormatter`.)

    As `fitted_json` cuts a traceback: the lines after the first cut at `_TRACEBACK_LINE`
    characters, then their middle left out (a line saying how many), their start and their end,
    what was raised, kept. The first line (the message) is cut to half the room if the rest
    needs it.
    """
    room = MAX_LINE_BYTES - 1
    rest = [cut(line, _TRACEBACK_LINE) for line in lines[1:]]
    needed = sum(_size(line) + 1 for line in rest)  # (each with the newline before it)
    first = lines[0]
    if _size(first) > max(room // 2, room - needed):
        first = _cut_line(first, max(room // 2, room - needed) + 1)
    left = room - _size(first)
    if needed > left:
        budget = left - _size(_LEFT_OUT.format(9_999_999)) - 1
        end: list[str] = []
        used = 0
        for line in reversed(rest):  # the end first: what was raised, and from what
            if used + _size(line) + 1 > budget - budget // 3:
                break
            end.append(line)
            used += _size(line) + 1
        start: list[str] = []
        for line in rest[: len(rest) - len(end)]:
            if used + _size(line) + 1 > budget:
                break
            start.append(line)
            used += _size(line) + 1
        left_out = _LEFT_OUT.format(len(rest) - len(start) - len(end))
        rest = [*start, left_out, *reversed(end)]
    return "\n".join([first, *rest])


#: The line `fitted_plain` writes for the lines of a record it left out.
_LEFT_OUT: Final = "  … ({:,} lines left out) …"


def _as_text(value: object) -> str:
    """``value`` as a JSON line writes it, as text: a str as it is, a repr's text, the JSON of
    a list."""
    if isinstance(value, str):
        return value
    encodable = _encodable(value)
    if isinstance(encodable, str):
        return encodable
    text = json_text(encodable)
    return str(msgspec.json.decode(text)) if text.startswith('"') else text


#: The most characters of one line of a traceback in a JSON line cut to fit (`fitted_json`).
_TRACEBACK_LINE: Final = 200


def _cut_middle(text: str, most: int) -> str:
    """``text`` (a traceback) in at most ``most`` characters and a note: its start and its end,
    which says what was raised, kept."""
    if len(text) <= most:
        return text
    head = most // 3
    tail = most - head
    end = text[len(text) - tail :] if tail > 0 else ""
    return f"{text[:head]}\n… ({len(text) - head - len(end):,} characters left out) …\n{end}"


def fitted_json(entry: dict[str, Any]) -> str:
    """The JSON line of ``entry`` within `MAX_LINE_BYTES`: its longest values cut (a
    traceback's middle left out), each value not a str, a number or null written as its text."""
    entry = {
        name: value if value is None or isinstance(value, str | int | float) else _as_text(value)
        for name, value in entry.items()
    }
    # Each cut made of the value as it came, not of one cut before: its note counted as text
    # would say the characters of that cut left out, not of the value.
    texts = {name: value for name, value in entry.items() if isinstance(value, str)}
    # A value's bytes in the line are those of its own JSON (the line's escapes are each
    # character's): the line comes to as many bytes fewer as the value does.
    sizes = {name: _json_size(json_text(value)) for name, value in texts.items()}
    size = _json_size(json_text(entry))
    # The longest first, cut again until the line fits or it cuts no shorter (then dropped from
    # the heap: it ends). 32 rounds left 40 values of 300 characters to `_last_resort`.
    longest = [(-value_size, order, name) for order, (name, value_size) in enumerate(sizes.items())]
    heapq.heapify(longest)
    while size >= MAX_LINE_BYTES and longest:
        _, order, name = heapq.heappop(longest)
        # As many bytes fewer as the line is over, but half of it kept at least: the next round
        # cuts the next longest, so that each keeps a share.
        most = max(sizes[name] - (size - MAX_LINE_BYTES + 1), sizes[name] // 2)
        shorter, shorter_size = _within(texts[name], most, name in ("exception", "stack"))
        if shorter_size < sizes[name]:
            entry[name] = shorter
            size -= sizes[name] - shorter_size
            sizes[name] = shorter_size
            heapq.heappush(longest, (-shorter_size, order, name))
        # (else as short as it is cut: left out of the heap, the others are cut)
    line = json_text(entry)
    return line if _json_size(line) < MAX_LINE_BYTES else _last_resort(texts, len(entry))


def _json_size(line: str) -> int:
    """The bytes of the JSON ``line`` (which holds no lone surrogate: `json_text` escapes them)."""
    return len(line) if line.isascii() else len(line.encode())


def _within(text: str, most: int, traceback: bool) -> tuple[str, int]:
    """``text`` cut (by `cut`; a traceback, each of its lines cut at `_TRACEBACK_LINE`
    characters, by `_cut_middle`) to a JSON string of at most ``most`` bytes, its quotes and its
    note too (when not even its note fits, the least it can be cut to), and its bytes."""
    if traceback:
        # Its lines cut first (the exception's message, a long source line), its middle frames
        # left out then: its start and end, what was raised, kept.
        text = "\n".join(cut(line, _TRACEBACK_LINE) for line in text.split("\n"))
    size = _json_size(json_text(text))
    if size <= most:
        return text, size
    shorten = _cut_middle if traceback else cut
    # Each character's share of the bytes, the note's (at most ~40) left: one round or two.
    keep = max(0, len(text) * (most - 40) // size)
    while True:
        shown = shorten(text, keep)
        shown_size = _json_size(json_text(shown))
        if shown_size <= most or keep == 0:
            return shown, shown_size
        # As many characters fewer as bytes over: each is one byte at least (its note may grow
        # a digit, the next round's few bytes).
        keep = max(0, keep - (shown_size - most))


def _last_resort(texts: dict[str, str], fields: int) -> str:
    """The line of a record's time, level and logger (``texts``: its str values as they came),
    its message cut to the room they leave, and how many of its ``fields`` are left out: what no
    cut of its values brought within `MAX_LINE_BYTES` (hundreds of fields, keys of thousands of
    characters). (Those three, of 100 characters at most, leave the message ~1,900 bytes.)"""
    line: dict[str, Any] = {name: cut(texts.get(name, ""), 100) for name in _LAST_RESORT}
    # Those of the four the entry held as text, shown: one it lacked (or held as a number,
    # shown empty) is no field of it shown, where counting the four said one too few left out.
    line["fields_left_out"] = fields - sum(name in texts for name in _LAST_RESORT)
    room = MAX_LINE_BYTES + 1 - _json_size(json_text(line))  # (its "" counted: + 2)
    line["message"] = _within(texts.get("message", ""), room, False)[0]
    return json_text(line)


_LAST_RESORT: Final = ("time", "level", "logger", "message")


def json_text(entry: object) -> str:
    """``entry`` as a JSON line writes it: what msgspec cannot encode as Python shows it (a
    cycle, a lone surrogate escaped), `_RAW_UNSAFE`'s characters escaped."""
    try:
        line = JSON_ENCODER.encode(entry).decode()
    except RecursionError:
        # An extra that holds itself (or is nested past msgspec's depth): a handler re-raises
        # a RecursionError out of the log call, into the code that logged. Such a value is
        # written as Python shows it (a cycle as {...}), the line kept.
        if not isinstance(entry, dict):
            raise
        return json_text({name: _encodable(value) for name, value in entry.items()})
    except UnicodeEncodeError:
        # A lone surrogate (a str from os.environ, sys.argv or a file name, decoded with
        # surrogateescape), which UTF-8 cannot encode: written as Python writes it, \udce9.
        builtins = msgspec.to_builtins(entry, enc_hook=repr)
        line = JSON_ENCODER.encode(_without_surrogates(builtins)).decode()
    if raw_unsafe(line):
        # JSON allows these raw in strings, but str.splitlines() and some log viewers break
        # lines at U+0085, U+2028 and U+2029: a value from a request could split one line into
        # two. A C1 control (U+009B, an ANSI escape in one character) acts on a terminal that
        # shows the line (tail -f), a bidirectional override reorders what it shows. Written as
        # \uXXXX, which any JSON reader reads back as the same character.
        line = json_escaped(line)
    return line


#: The encoder of every JSON line: a value msgspec has no JSON for is written as its repr.
JSON_ENCODER: Final = msgspec.json.Encoder(enc_hook=repr)


def _encodable(value: object) -> object:
    """``value``, or its `reprlib` text when msgspec cannot encode it for its depth."""
    try:
        JSON_ENCODER.encode(value)
    except RecursionError:
        try:
            return repr(value)  # a cycle as Python shows it: {...}
        except RecursionError:
            return _REPR.repr(value)  # nested too deep for repr too: cut at 20 levels
    except UnicodeEncodeError:
        pass  # a lone surrogate: `json_text` escapes it
    return value


def _make_repr() -> reprlib.Repr:
    shown = reprlib.Repr()  # 3.11's takes no arguments
    shown.maxlevel = 20  # where Python's own repr would recurse until it failed
    shown.maxstring = shown.maxother = shown.maxlong = 1000
    shown.maxdict = shown.maxlist = shown.maxtuple = shown.maxset = 100
    shown.maxfrozenset = shown.maxdeque = shown.maxarray = 100
    return shown


_REPR: Final = _make_repr()


def _without_surrogates(value: Any) -> Any:
    """``value`` (builtins: `msgspec.to_builtins`'s) with every str's lone surrogates escaped."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode()
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(map(_without_surrogates, value))
    return value


#: What msgspec writes raw in a string (it escapes only below U+0020, ", \\) and a JSON line
#: must not hold raw: DEL, the C1 controls (U+0085 a line break among them), line and
#: paragraph separators, and the format characters the command line escapes too
#: (`HIDING_FORMAT`: the bidirectional controls, and a zero-width space or a tag character that
#: hides text where the line is read, a terminal; the joiners Indic scripts are spelt with are
#: kept).
_RAW_UNSAFE: Final = TERMINAL_UNSAFE


def raw_unsafe(line: str) -> bool:
    """Whether ``line`` holds one of `_RAW_UNSAFE`'s characters."""
    # DEL, the one ASCII character of them, looked for on its own (a memchr): an ASCII line,
    # almost every line, is then not searched by the pattern.
    if line.isascii():
        return "\x7f" in line
    # Each of them is unprintable (tests/test_log_format.py holds them so): a printable line
    # (a German or Japanese skill's every line) holds none, which str.isprintable() tells ~7
    # times faster than the pattern's search (~10 ns a character against ~70, timed).
    return not line.isprintable() and _RAW_UNSAFE.search(line) is not None


def _json_escape(match: re.Match[str]) -> str:
    return json_escape(match.group())


def json_escaped(line: str) -> str:
    """The JSON ``line`` with `_RAW_UNSAFE`'s characters written as JSON escapes (``\\u2028``)."""
    # A few (one, almost always) by the pattern's sub, a call each; past them, the whole line
    # by a table, in C: a call a character had a skill's line of a slot value of 4,000 U+2028
    # (a request's) take ~50 ms. Not the table alone: its lookup of a character costs ~4 times
    # the pattern's search of one, a line of a few unsafe ones is not looked up whole.
    escaped, found = _RAW_UNSAFE.subn(_json_escape, line, count=_FEW_UNSAFE)
    return escaped if found < _FEW_UNSAFE else escaped.translate(_json_escapes())


#: The most unsafe characters of a line `json_escaped` escapes one by one.
_FEW_UNSAFE: Final = 16


@functools.cache
def _json_escapes() -> dict[int, str]:
    """The `str.translate` table of `_RAW_UNSAFE`'s characters, each to its JSON escape: made
    when first needed, from the pattern's class (a scan of every code point takes 0.2 s)."""
    # The class, between its brackets, holds characters and ranges of them ("\x7f-\x9f").
    spec = _RAW_UNSAFE.pattern.removeprefix("[").removesuffix("]")
    return {
        code: json_escape(chr(code))
        for first, last in re.findall(r"(.)(?:-(.))?", spec, re.DOTALL)
        for code in range(ord(first), ord(last or first) + 1)
    }

"""What a log line may say of a request: printable text, the user's hash, a refusal's outcome."""

from __future__ import annotations

import functools
import logging
import re
import traceback
from collections.abc import Mapping
from itertools import repeat
from os import PathLike
from typing import TYPE_CHECKING, Any, Final

from .exceptions import (
    CertificateError,
    CertificateUrlError,
    MalformedRequestError,
    RequestError,
    SignatureError,
    SkillIdError,
    TimestampError,
    VerificationError,
)

__all__ = [
    "HIDING_FORMAT",
    "MAX_ARGUMENT",
    "TERMINAL_UNSAFE",
    "bounded",
    "cut",
    "escaped_args",
    "json_escape",
    "printable",
    "refusal",
    "request_name",
    "shown",
    "shown_lines",
    "user_hash",
]

_CHECKS: Final[tuple[tuple[type[RequestError], str], ...]] = (
    (MalformedRequestError, "malformed"),
    (CertificateUrlError, "certificate_url"),
    (CertificateError, "certificate"),
    (SignatureError, "signature"),
    (TimestampError, "timestamp"),
    (SkillIdError, "skill_id"),
    (VerificationError, "verification"),
)


def refusal(exc: RequestError) -> str:
    """The outcome for a refused request: ``refused:signature``, ``refused:skill_id``, …"""
    if exc._check is not None:
        return f"refused:{exc._check}"
    for cls, check in _CHECKS:
        if isinstance(exc, cls):
            return f"refused:{check}"
    return "refused:request"


def user_hash(user_id: str) -> str:
    """12 hex digits identifying ``user_id`` in logs without revealing it."""
    # A copy of one empty BLAKE2b object, not a new one: no digest_size argument to parse on
    # every request line (8,000 instructions down to 5,400). The same hash as ever.
    made = _EMPTY_BLAKE2B
    digest = (made[0] if made else _new_blake2b()).copy()
    digest.update(user_id.encode())
    return digest.hexdigest()


if TYPE_CHECKING:
    from hashlib import blake2b

_EMPTY_BLAKE2B: list[blake2b] = []


def _new_blake2b() -> blake2b:
    import hashlib  # here, not at the top: hashlib loads OpenSSL, ~3 ms of a Lambda cold start

    _EMPTY_BLAKE2B.append(hashlib.blake2b(digest_size=6))
    return _EMPTY_BLAKE2B[0]


#: Unicode's format characters (category Cf, Unicode 17) that log lines and the command line
#: write escaped, as a regular expression's class: they show nothing, and hide (a zero-width
#: space, a word joiner, a soft hyphen, a tag character) or reorder (the bidi controls) the
#: text around them. All but U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER,
#: written as they are: Hindi and the other Indic scripts (क्‍ष, a half form), Persian and emoji
#: sequences (a family, 👨‍👩‍👧) are spelt with them, and they hide and reorder nothing. Written
#: out, not read from `unicodedata`: a scan of its code points takes 0.2 s, and Python 3.11's
#: (Unicode 14) lacks U+13439-U+1343F (tests/test_format_characters.py holds the two together).
HIDING_FORMAT: Final = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
#: One of `HIDING_FORMAT`'s characters, DEL, a C1 control (U+009B, a whole ANSI escape's start)
#: or a line or paragraph separator: what a line read in a terminal must not hold raw, and JSON
#: leaves raw (the JSON log lines escape them, `printable` with the other controls, the command
#: line too). One pattern for all three: compiling it is ~0.2 ms of every start (as
#: the JSON lines' own was), not to be paid twice.
TERMINAL_UNSAFE: Final = re.compile(f"[\x7f-\x9f\u2028\u2029{HIDING_FORMAT}]")


def json_escape(char: str) -> str:
    """``char`` as JSON escapes it: ``\\u00ad``; beyond U+FFFF, a UTF-16 surrogate pair
    (``\\udb40\\udc41``), as JSON's escape holds four hex digits."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


#: What `printable` escapes besides `TERMINAL_UNSAFE`'s characters: the C0 controls and lone
#: surrogates. (With DEL and the C1 controls, Unicode's categories Cc, Cs, Zl and Zp, which no
#: version of Unicode adds to. ``str.isprintable()`` also fails the space separators but " ",
#: which French and German numbers group digits with: kept; and the joiners.)
_UNPRINTABLE_TOO: Final = "\x00-\x1f\ud800-\udfff"


@functools.cache
def _unprintable() -> re.Pattern[str]:
    """The pattern of a run of characters `printable` escapes, a group (`re.split` keeps it):
    compiled when first needed (a line's values are printable, almost always), not at every
    start."""
    return re.compile(f"([{_UNPRINTABLE_TOO}{TERMINAL_UNSAFE.pattern[1:-1]}]+)")


def _kept(char: str) -> bool:
    """Whether `printable` writes ``char`` as it is."""
    return char.isprintable() or _unprintable().match(char) is None


def printable(text: str) -> str:
    """``text`` with its control and format characters (`HIDING_FORMAT`'s: not the joiners),
    lone surrogates and line and paragraph separators escaped as in a Python literal.

    Newlines, carriage returns, NUL, ANSI escapes, Unicode line separators, a right-to-left
    override… in a value from a request could otherwise forge or hide lines of a plain-text
    log. Printable text (all of it, almost always) is returned as it is, and so are spaces
    other than " " (U+00A0 and U+202F group the digits of French and German numbers).
    """
    if text.isprintable():
        return text
    # All in C, no Python call a character (nor a run of them): a call a character had a
    # message quoting a slot value of a megabyte of controls take seconds of a worker's CPU.
    if text.isascii():
        # ASCII's unprintable characters are the controls and DEL, all escaped by the codec;
        # the backslashes it doubles (an escape's own is followed by a letter) put back.
        return text.encode("unicode_escape").replace(b"\\\\", b"\\").decode()
    return _escaped_runs(text, _unprintable())


def _escaped_runs(text: str, runs: re.Pattern[str]) -> str:
    """``text`` with each of its ``runs`` escaped as in a Python literal, in C: the runs, every
    other piece of the split, each escaped whole by the codec."""
    pieces = runs.split(text)
    escaped = map(str.encode, pieces[1::2], repeat("unicode_escape"))
    pieces[1::2] = map(bytes.decode, escaped)
    return "".join(pieces)


#: The most characters of one value from a request (its id, type, intent name, locale) a
#: request line shows: Alexa's are far shorter (a request id ~80); a forged or broken one of
#: 100,000 made every line of it (twice over in JSON) that long.
MAX_VALUE: Final = 256


#: The most characters of one argument of an alexaskill record (`escape_args`): a value from a
#: request it quotes (an intent name in "handler failed for …", a slot value that does not
#: convert, an exception's message quoting one) past it is cut, so that no line goes past what
#: a pipe keeps whole in one write (PIPE_BUF, 4,096 bytes on Linux) or Docker's log driver
#: keeps in one message (16 KiB), and a JSON line stays one JSON value. Far above any message
#: alexaskill makes of its own. (Not the records of a skill's own loggers, which
#: `EscapingFormatter` escapes: their values are the skill's to write.)
MAX_ARGUMENT: Final = 1_000


def cut(text: str, most: int = MAX_VALUE) -> str:
    """``text`` cut at ``most`` characters, with how many more it had: ``…(+99,744)``."""
    return text if len(text) <= most else f"{text[:most]}…(+{len(text) - most:,})"


def bounded(text: str, most: int = MAX_VALUE) -> str:
    """A value from a request as the plain request line shows it, in at most ``most``
    characters of its own (``"`` and `cut`'s count aside).

    As it is when it is printable with no space, ``"`` or ``\\`` in it (Alexa's ids, types and
    intent names), cut at ``most`` characters when longer; otherwise in double quotes, ``"``
    and ``\\`` escaped with a backslash and what `printable` escapes escaped so, the escaped
    text cut (an escape kept whole or left out): no value can pass for the rest of the line
    (``GetWeather -> ok (200)`` as an intent name), nor write more than ``most`` characters.
    """
    if text.isprintable() and " " not in text and '"' not in text and "\\" not in text:
        return cut(text, most)
    shown: list[str] = []
    size = 0
    for char in text:  # (rare: a forged or broken value; at most ``most`` rounds)
        if char == "\\" or char == '"':
            part = "\\" + char
        elif _kept(char):
            part = char
        else:
            part = char.encode("unicode_escape").decode()
        size += len(part)
        if size > most:
            break
        shown.append(part)
    rest = len(text) - len(shown)
    return f'"{"".join(shown)}"…(+{rest:,})' if rest else f'"{"".join(shown)}"'


@functools.cache
def _unshown() -> re.Pattern[str]:
    """`_unprintable`'s pattern but for tab and newline: what `shown_lines` escapes."""
    return re.compile(f"([\x00-\x08\x0b-\x1f\ud800-\udfff{TERMINAL_UNSAFE.pattern[1:-1]}]+)")


def shown_lines(text: str) -> str:
    """``text``'s lines (`str.splitlines`'s: a "\\r", a "\\x85", a "\\u2028" ends one too),
    each `shown`, every one after the first indented by two spaces, joined by "\\n": a plain
    formatter's text, which no line of a value can pass for a record of its own in.

    In C, no Python call a line: a skill's own message of a megabyte of newlines took seconds.
    The lines joined first (no line holds a newline, the joins' alone are left as they are).
    """
    return _escaped_runs("\n  ".join(text.splitlines() or [""]), _unshown())


def shown(line: str) -> str:
    """One line of a record's text as a plain log shows it: `printable`, tabs kept.

    For the lines a formatter makes (a traceback's, whose last quotes the exception's message),
    where a tab is layout, not a value's.
    """
    if line.isprintable():
        return line
    return "\t".join(map(printable, line.split("\t")))


def escape_args(record: logging.LogRecord) -> bool:
    """Filter on the "alexaskill" logger: its messages interpolate values from requests, each
    escaped and cut at `MAX_ARGUMENT` characters."""
    record.args = escaped_args(record.args, MAX_ARGUMENT)
    if record.exc_info and record.exc_text is None:
        # Its traceback's last line repeats the exception's message, which may quote a value of
        # a request whole: the text every formatter writes (`logging.Formatter`'s cache) is made
        # here, its messages cut, when one is past the bound.
        record.exc_text = _cut_traceback(record.exc_info)
    return True


#: The most characters of any line of a traceback `_cut_traceback` writes: room for a message
#: cut at `MAX_ARGUMENT` after its exception's qualified name, for a long source line too.
_MAX_TRACEBACK_LINE: Final = 2 * MAX_ARGUMENT


def _cut_traceback(exc_info: Any) -> str | None:
    """The traceback of ``exc_info`` (``(type, value, tb)``) as `logging.Formatter` writes it,
    each of its exceptions' messages `cut` at `MAX_ARGUMENT` characters, all of its frames
    kept; None when no message is that long (the record keeps the formatter's own)."""
    try:
        _, value, _ = exc_info
        if value is None:
            return None
        shown = traceback.TracebackException.from_exception(value)
    except Exception:
        return None  # the formatter's own text, then, or its report of a record it can't format
    long = False
    seen: set[int] = set()
    waiting = [shown]
    while waiting:
        link = waiting.pop()
        if id(link) in seen:
            continue
        seen.add(id(link))
        # `_str` is the message `format_exception_only` writes (CPython 3.10 to 3.13): where it
        # is not, the cut of every line below still bounds it.
        message = getattr(link, "_str", None)
        if isinstance(message, str) and len(message) > MAX_ARGUMENT:
            link._str = cut(message, MAX_ARGUMENT)  # type: ignore[attr-defined]
            long = True
        group = getattr(link, "exceptions", None) or []
        waiting.extend(x for x in (link.__cause__, link.__context__, *group) if x is not None)
    lines = "".join(shown.format()).splitlines()
    if any(len(line) > _MAX_TRACEBACK_LINE for line in lines):  # a note, a multi-line message
        lines = [cut(line, _MAX_TRACEBACK_LINE) for line in lines]
        long = True
    return "\n".join(lines) if long else None


def escaped_args(args: Any, most: int | None = None) -> Any:
    """A record's ``args`` with every str (and path, and exception) `printable`, and with
    ``most``, `cut` at that many characters: the same object when there is nothing to escape,
    as almost always."""
    if isinstance(args, tuple):
        escaped = tuple(_escaped(arg, most) for arg in args)
        if all(new is old for new, old in zip(escaped, args, strict=True)):
            return args
        return escaped
    if isinstance(args, Mapping):
        mapped = {name: _escaped(arg, most) for name, arg in args.items()}
        if all(mapped[name] is arg for name, arg in args.items()):
            return args
        return mapped
    return args


def _cut_printable(text: str, most: int) -> str:
    """``text`` `printable`, cut at ``most`` characters of the escaped text (an escape, four to
    ten characters, is kept whole or left out), with how many more of ``text``'s it had."""
    if len(text) <= most and text.isprintable():
        return text  # (as it is: a str subclass's %s is its own)
    head = printable(text[:most])
    if len(head) <= most:
        return head if len(text) <= most else f"{head}…(+{len(text) - most:,})"
    size = kept = 0
    for char in text[:most]:  # (rare: a value of control or format characters)
        size += len(printable(char))
        if size > most:
            break
        kept += 1
    return f"{printable(text[:kept])}…(+{len(text) - kept:,})"


def _escaped(arg: object, most: int | None) -> object:
    if isinstance(arg, str):
        return printable(arg) if most is None else _cut_printable(arg, most)
    if isinstance(arg, PathLike | BaseException):  # a directory named in a warning (capture's)
        try:
            text = str(arg)
        except Exception:
            # A filter's exception leaves the log call, into the code that logged: the record
            # is left as it is, for the handler to report as one it cannot format.
            return arg
        if text.isprintable() and (most is None or len(text) <= most):
            return arg
        return printable(text) if most is None else _cut_printable(text, most)
    return arg


def request_name(request: Any) -> str:
    """The request's type and intent name (if any) as a log line of alexaskill's names them:
    each `bounded`, quoted where needed as the request line quotes it, so that no line but a
    request line matches ``" -> ok (200)"`` (an intent name "X -> ok (200) handler=…")."""
    type_ = request.type
    found = getattr(request, "intent", None)
    intent = getattr(found, "name", None)
    named = bounded(type_) if type_ else "-"
    return f"{named} {bounded(intent)}" if intent else named

"""``alexaskill chat``: how a turn is written in the terminal (the rows, the request line), and
how a line read from standard input is taken (for ``understand`` too)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

from ..json_once import size_text
from ..log_values import TERMINAL_UNSAFE, json_escape
from ..shown_names import shown

if TYPE_CHECKING:
    from ..testing import ApiCall
    from ..understanding.dialog import Reply, Turn
    from ..understanding.turns import Exchange

__all__ = [
    "NEW_SESSION_NOTE",
    "TerminalSafe",
    "answer_rows",
    "failed_line",
    "failure_reason",
    "ignored_rows",
    "json_block",
    "lacking_rows",
    "line_said",
    "progressive_rows",
    "repeated_failure",
    "request_line",
    "row",
    "shown_error",
    "shown_line",
    "stdin_encoding",
    "stdin_lines",
    "terminal_safe",
    "understood_line",
]


#: Said in an open session, a request with the skill's name ("ask ... to ...", "open ...")
#: starts a new session: the one open is left, its attributes with it.
NEW_SESSION_NOTE: Final = "said with the skill's name: a new session; the one open before is left"


def line_said(line: str, *, first: bool) -> str:
    """What a ``line`` read from standard input says, as text files of any system are written:
    without its line end (a CR before the newline, as Windows editors save), and, when it is
    the ``first`` line, without a byte order mark (not part of what is said). `chat` and
    `understand` read their lines so."""
    return (line.removeprefix("\ufeff") if first else line).rstrip("\r\n")


def stdin_lines() -> Iterator[tuple[int, str]]:
    """Standard input's lines as they come (a pipe may be a program's output), numbered from 1
    and taken as `line_said` takes them. Each is decoded alone, from the bytes under standard
    input when it has them, in its encoding: a line that is not text in it comes with the bytes
    it could not decode as lone surrogates (``shown_line`` differs from it), the lines before
    and after it as they are, whether the stream decodes strictly or with surrogateescape.
    (Decoded by the block, one bad byte failed the lines before it, unanswered, when read
    strictly.) A text stream with no bytes under it that fails to decode: a usage error, as is
    a line longer than `MAX_INPUT_BYTES`. Standard input closed gives no line, as an empty one."""
    from . import common

    if sys.stdin is None:  # closed (``0<&-``): Python has none, and no line comes
        return
    encoding = getattr(sys.stdin, "encoding", None) or "utf-8"
    raw = getattr(sys.stdin, "buffer", None)
    limit = common.MAX_INPUT_BYTES  # (a line of /dev/zero never ends: not read whole)
    read = raw.readline if raw is not None else sys.stdin.readline
    lines = iter(lambda: read(limit + 1), b"" if raw is not None else "")
    try:
        for number, line in enumerate(lines, start=1):
            if len(line) > limit:
                raise common.UsageError(
                    f"standard input, line {number}: longer than {size_text(limit)}, "
                    "too long for something said"
                )
            if isinstance(line, bytes):
                line = line.decode(encoding, "surrogateescape")
            yield number, line_said(line, first=number == 1)
    except UnicodeDecodeError as exc:
        raise common.stdin_not_text(exc) from None


def said_lines(interactive: bool) -> Iterator[str | None]:
    """The lines said: typed at the prompt (None for one that is not text in the terminal's
    encoding), else read from the pipe (`stdin_lines`: one that is not text comes with the
    bytes it could not decode as lone surrogates). Either is named, and the chat goes on.
    Ctrl-C at the prompt ends its line, as Ctrl-D does, and stops the chat (exit status 130)."""
    if not interactive:
        yield from (said for _, said in stdin_lines())
        return
    first = True
    while True:
        try:
            line: str | None = line_said(input("> "), first=first)
        except EOFError:  # Ctrl-D at the prompt: end its line, as a shell does
            sys.stdout.write("\n")
            return
        except KeyboardInterrupt:  # (the shell's prompt came after chat's "> ")
            sys.stdout.write("\n")
            raise
        except UnicodeDecodeError:
            line = None  # one line typed: the user types the next
        yield line
        first = False


def stdin_encoding() -> str:
    """The name of the encoding standard input is read in, for a note on a line not text in
    it: ``UTF-8`` (by any of its spellings), else as Python names it (``ascii``, ``cp1252``)."""
    import codecs

    encoding = getattr(sys.stdin, "encoding", None) or "utf-8"
    try:
        known = codecs.lookup(encoding).name
    except LookupError:
        return str(encoding)
    return "UTF-8" if known == "utf-8" else str(encoding)


def shown_line(text: str) -> str:
    """``text`` as it can be written: the bytes a line read with surrogateescape (as a C
    locale's terminal reads) could not decode, kept as lone surrogates, as ``\\xNN``; any
    other lone surrogate as ``\\udNNN``. A line of text is itself."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode()
    return raw.decode("utf-8", "backslashreplace")


#: A byte surrogateescape could not decode, as ``repr()`` writes it (``\\udce9``): after an
#: even number of backslashes (an odd one is the escape of a backslash typed, ``\\\\udce9``).
_REPR_BYTE: Final = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")


def shown_error(message: str) -> str:
    """An error ``message`` as it can be written, with the bytes of an argument that is not
    UTF-8 (given from a Latin-1 terminal, or a file name) as the ``\\xNN`` read, not as Python
    holds them: a lone surrogate, itself or as ``repr()`` writes it (``'w\\udce9'``)."""
    return _REPR_BYTE.sub(r"\1\\x\2", shown_line(message))


def error_line(command: str, message: str) -> str:
    """The line ``alexaskill COMMAND`` says a usage error (`UsageError`) in: ``message`` as
    `shown_error` writes it. (A server process of ``serve`` says its own so too.)"""
    return f"alexaskill {command}: error: {shown_error(message)}\n"


#: The characters of Unicode's a terminal breaks a line at, or may: the line and paragraph
#: separators U+2028 and U+2029, as ``\\uNNNN``, a JSON escape too. (The bidirectional
#: controls, U+202E showing what follows backwards, ``exe.txt`` for ``txt.exe``, are
#: `HIDING_FORMAT`'s, which `_Escaping` finds.)
_UNICODE_CONTROLS: Final = {0x2028: "\\u2028", 0x2029: "\\u2029"}


class _Escaping(dict[int, str]):
    """A `str.translate` table: the ``escapes`` given, and for any other character, ``escape``'s
    of it if it is one of `HIDING_FORMAT`'s (the format characters that reorder or hide what
    stands around them, as the log lines escape them: not the joiners Hindi is spelt with),
    else the character itself, looked up (`TERMINAL_UNSAFE`) when first met, then kept."""

    def __init__(self, escapes: dict[int, str], escape: Callable[[str], str]) -> None:
        super().__init__(escapes)
        self._escape = escape

    def __missing__(self, code: int) -> str:
        char = chr(code)
        text = self._escape(char) if TERMINAL_UNSAFE.match(char) else char
        self[code] = text
        return text


def _text_escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: The control characters a terminal acts on, as ``\\xNN``: ESC (a colour, a cursor move, a
#: window title), BEL, CR (back over the line), the rest of C0 but the tab and the newline,
#: DEL, and C1 (U+009B is a CSI to some terminals); `_UNICODE_CONTROLS` and the format
#: characters, as ``\\uNNNN`` (``\\UNNNNNNNN``).
_CONTROLS: Final = _Escaping(
    {
        **{
            code: f"\\x{code:02x}"
            for code in (*range(0x20), *range(0x7F, 0xA0))
            if code not in (9, 10)
        },
        **_UNICODE_CONTROLS,
    },
    _text_escape,
)


def terminal_safe(text: str) -> str:
    """``text`` with the control characters a terminal would act on written out (``\\x1b``),
    as chat and replay write what the user said and what the skill answered: a line piped in,
    or a skill's speech, that holds one does not recolour, ring, or overwrite the terminal."""
    return text.translate(_CONTROLS)


#: The characters JSON leaves as they are (it escapes C0 only) that a terminal acts on: DEL,
#: C1, `_UNICODE_CONTROLS` and the format characters, as JSON escapes (``\\u009b``,
#: ``\\u202e``, a surrogate pair beyond U+FFFF), which a JSON reader reads back as the same
#: character.
_JSON_CONTROLS: Final = _Escaping(
    {**{code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}, **_UNICODE_CONTROLS},
    json_escape,
)


def terminal_safe_json(encoded: str) -> str:
    """JSON text ``encoded`` (``json.dumps(..., ensure_ascii=False)``) with DEL, the C1
    characters, the bidirectional controls, U+2028/U+2029 and the format characters escaped
    too, as `terminal_safe` writes them out of a text line: such a character can only stand in
    a string there, where its escape is read back as itself."""
    return encoded.translate(_JSON_CONTROLS)


class TerminalSafe:
    """A text stream that writes to ``out`` with `terminal_safe`: chat's whole transcript."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(terminal_safe(text))

    def flush(self) -> None:
        self._out.flush()


def row(out: TextIO, label: str, value: str) -> None:
    """Write one labelled row: ``  label:     value``."""
    out.write(f"  {label + ':':<11} {value}\n")


def progressive_rows(calls: Iterable[ApiCall]) -> list[tuple[str, str]]:
    """The rows of the progressive responses among ``calls``: ``progressive`` for one Alexa
    took (heard before the answer), ``not heard`` for one it refused, with its status (chat and
    replay write them alike)."""
    rows = []
    for call in calls:
        if call.speech is None:
            continue
        if call.heard:
            rows.append(("progressive", call.speech))
        else:
            refused = f"a progressive response refused: HTTP {call.status}"
            rows.append(("not heard", f"{call.speech} ({refused})"))
    return rows


def answer_rows(response: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rows of an answer's ``response`` object: its speech, reprompt, card and directives,
    each shown if it is there; a part of the wrong shape (a reprompt that is no object,
    directives that are no list) is passed over, never a failed turn."""
    from ..understanding.dialog_state import opens_microphone
    from .common import shown_speech

    rows = []
    speech = shown_speech(response.get("outputSpeech"))
    if speech:
        rows.append(("skill", speech))
    found = response.get("reprompt")
    reprompt = shown_speech(found.get("outputSpeech") if isinstance(found, dict) else None)
    if reprompt:
        if response.get("shouldEndSession") is None and not opens_microphone(response):
            # Played only if the user is silent while Alexa listens, which false asks for (or a
            # dialog directive): left out, the session ends on a speaker, or stays open on a
            # screen without listening. (With true, Alexa refuses or ignores it: said apart.)
            reprompt += " (never played: shouldEndSession is left out, so Alexa does not listen)"
        rows.append(("reprompt", reprompt))
    card = response.get("card")
    if isinstance(card, dict):
        text = card.get("content") or card.get("text") or ""
        title = card.get("title")
        rows.append(("card", f"{f'[{title}] ' if title else ''}{text or card.get('type')}"))
    found = response.get("directives")
    directives = [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []
    if directives:
        rows.append(("directives", ", ".join(str(d.get("type")) for d in directives)))
    return rows


def ignored_rows(body: Mapping[str, Any], request: Any) -> list[tuple[str, str]] | None:
    """For an answer (``body``) to a SessionEndedRequest, which Alexa takes no response to
    (Amazon's request types reference): what it carried, in one ``ignored`` row (none if it
    carried nothing); None for an answer to another ``request``. (The app drops such a reply
    in process; a server may send one.)"""
    if not isinstance(request, Mapping) or request.get("type") != "SessionEndedRequest":
        return None
    found = body.get("response")
    response = found if isinstance(found, dict) else {}  # (no object: passed over, as in chat)
    parts = [f"{label}: {value}" for label, value in answer_rows(response)]
    attributes = body.get("sessionAttributes")
    if attributes:
        parts.append(f"attributes: {json.dumps(attributes, ensure_ascii=False)}")
    if not parts:
        return []
    return [("ignored", f"{'; '.join(parts)} (Alexa takes no response to a SessionEndedRequest)")]


def lacking_rows(types: Iterable[str], *, served: bool) -> list[tuple[str, str]]:
    """The rows of the directives of an answer for an interface the device does not declare:
    the app drops them from its handler's reply; a ``served`` answer (``chat --url``) sent
    them all the same, for a device that has no use for them."""
    from ..rules import directive_interface

    if not served:
        return [("dropped", f"{type_} (the device lacks it)") for type_ in types]
    return [
        (
            "device",
            f"lacks {directive_interface({'type': type_}) or 'the interface'}: the server sent "
            f"{type_} all the same (in process the app drops it)",
        )
        for type_ in types
    ]


def failure_reason(reply: Reply) -> str | None:
    """Why an answer that is no HTTP 200 failed, as its ``error`` member says (None: unsaid)."""
    body = reply.json
    reason = body.get("error") if isinstance(body, dict) else None
    return None if reason is None else str(reason)


def failed_line(reply: Reply, *, again: bool = False) -> str:
    """The line of an answer that is no HTTP 200: ``HTTP 404: reason``, or the reason alone
    when no answer came (status 0); ``again``, that it is the failure of the line above."""
    reason = failure_reason(reply)
    if reply.status_code == 0:  # no HTTP answer at all (--url): why, in the error
        return "no answer again, as above" if again else reason or "no answer"
    if again:
        return f"HTTP {reply.status_code} again, as above"
    return f"HTTP {reply.status_code}" + (f": {reason}" if reason else "")


def repeated_failure(turn: Turn, exchange: Exchange) -> bool:
    """Whether ``exchange`` is Alexa's SessionEndedRequest after a failed answer that failed as
    that one did (a redirect, a server gone: the same URL): its line is not said twice."""
    index = next(i for i, e in enumerate(turn.exchanges) if e is exchange)
    if not exchange.notice or index == 0 or exchange.reply.status_code == 200:
        return False
    before = turn.exchanges[index - 1].reply
    failed = before.status_code, failure_reason(before)
    return failed == (exchange.reply.status_code, failure_reason(exchange.reply))


def understood_line(turn: Turn) -> str:
    """What was understood, for a turn that sent nothing (else ''); the model's names cut
    as `request_line` cuts them."""
    understood = turn.understood
    if understood is None or (understood.request is None and understood.kind != "answer"):
        return ""  # nothing sent: the turn's notes say why
    intent = shown(str(understood.intent))
    if understood.kind == "answer":
        return f"(heard: {intent} — {'; '.join(understood.notes)})"
    slots = " ".join(
        f"{shown(slot.name)}="
        + json.dumps(
            slot.value if slot.value is not None else list(slot.values), ensure_ascii=False
        )
        for slot in understood.slots
    )
    return f"(heard: {intent}{' ' + slots if slots else ''})"


def request_line(request: Mapping[str, Any], turn: Turn) -> str:
    """The ``→`` line of a request sent: its type, intent, dialog state, slots, sample; the
    model's names and sample cut to their head and tail past 120 characters, with their length
    (a 5,000-character sample made a line as long)."""
    parts = [f"→ {request.get('type')}"]
    intent = request.get("intent")
    if isinstance(intent, dict):
        parts.append(shown(str(intent.get("name"))))
        if request.get("dialogState"):
            parts.append(f"({request['dialogState']})")
        status = intent.get("confirmationStatus")
        if status and status != "NONE":
            parts.append(f"intent {status}")
        for name, slot in (intent.get("slots") or {}).items():
            if not isinstance(slot, dict):
                continue
            value = slot.get("value")
            if value is None and isinstance(slot.get("slotValue"), dict):
                values = slot["slotValue"].get("values") or []
                value = [item.get("value") for item in values] or None
            if value is None:
                continue
            said = json.dumps(value, ensure_ascii=False) + _resolved(slot)
            if slot.get("confirmationStatus") not in (None, "NONE"):
                said += f" {slot['confirmationStatus']}"
            parts.append(f"{shown(str(name))}={said}")
    elif request.get("reason"):
        parts.append(str(request["reason"]))
        error = request.get("error")
        if isinstance(error, dict) and error.get("type"):
            parts.append(str(error["type"]))
    understood = turn.understood
    if understood is not None and understood.sample and request is turn.exchanges[0].request:
        from ..understanding.quoted import named  # (loaded: chat understands what is said)

        parts.append(f"  [sample: {named(understood.sample)}]")
    return " ".join(parts)


#: The authority of a custom slot type's entity resolution: ``….echo-sdk.<skill id>.<type>``.
_CUSTOM_AUTHORITY: Final = "amzn1.er-authority.echo-sdk."


def _resolved(slot: Mapping[str, Any]) -> str:
    """What a custom slot's entity resolution adds to its words: `` → coffee (id COFFEE)`` where
    the canonical value the handler gets is not the words said, `` (no match in Drink)`` where
    the words are none of the type's values or synonyms; else ''."""
    resolutions = slot.get("resolutions")
    authorities = (
        resolutions.get("resolutionsPerAuthority") if isinstance(resolutions, dict) else None
    )
    for authority in authorities if isinstance(authorities, list) else ():
        name = authority.get("authority") if isinstance(authority, dict) else None
        if not isinstance(name, str) or not name.startswith(_CUSTOM_AUTHORITY):
            continue
        status = authority.get("status")
        code = status.get("code") if isinstance(status, dict) else None
        if code == "ER_SUCCESS_NO_MATCH":
            return f" (no match in {name.rsplit('.', 1)[-1]})"
        values = [
            item["value"]
            for item in authority.get("values") or ()
            if isinstance(item, dict) and isinstance(item.get("value"), dict)
        ]
        if code != "ER_SUCCESS_MATCH" or not values:
            return ""
        said = slot.get("value")
        if len(values) == 1 and str(values[0].get("name")).casefold() == str(said).casefold():
            return ""  # (said as it is: nothing to add)
        return " → " + " or ".join(
            f"{value.get('name')} (id {value.get('id')})" for value in values
        )
    return ""


def json_block(label: str, value: Any) -> str:
    """``value`` as indented JSON under ``label``, DEL and C1 as JSON escapes (a transcript's
    `terminal_safe` would write them ``\\x9b``, which JSON does not read)."""
    text = terminal_safe_json(json.dumps(value, indent=2, ensure_ascii=False))
    return "".join(f"    {line}\n" for line in f"{label}: {text}".splitlines())

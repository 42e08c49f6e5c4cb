"""Reading SSML back: whether Alexa would take it (`ssml_error`), and its plain text
(`strip_tags`, of `alexaskill.ssml_text`).

The half of `alexaskill.ssml` that reads markup rather than builds it; `alexaskill.ssml`
re-exports every name here, the place to import them from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container, Mapping
from typing import Any, Final

from .articles import type_with_article
from .ssml_prosody import _prosody_error
from .ssml_reference import _ALSO_TAKEN, _ENUMERATED, _REQUIRED, _SAYING
from .ssml_text import _BLANK, strip_tags
from .ssml_text import _SPACES as _SPACES  # (alexaskill.hearing reads them here)
from .ssml_text import _WHITE_SPACE as _WHITE_SPACE
from .ssml_text import _text_lines as _text_lines  # (alexaskill.responses.cards)
from .web_urls import _url_error
from .xml_markup import (
    _NAME_START,
    _comment_error,
    _declaration_error,
    _end_tag_error,
    _instruction_error,
    _left_open_error,
    _start_tag_error,
)
from .xml_references import _bare_less_than
from .xml_text import _MISC_ENDS, _XML_SPACE, _character_fault, _sent_from_root, _speak_root

__all__ = [
    "PROBLEM_WITH_RESPONSE",
    "response_ssml_error",
    "ssml_error",
    "strip_tags",
]

#: What Alexa says in place of an answer it refuses (SSML it cannot parse, an HTTP error).
PROBLEM_WITH_RESPONSE: Final = "There was a problem with the requested skill's response."


#: The tags of Amazon's SSML reference, which Alexa speaks (``<speak>`` at the root alone).
_SSML_TAGS: Final = frozenset(
    {
        "amazon:domain",
        "amazon:effect",
        "amazon:emotion",
        "audio",
        "break",
        "emphasis",
        "lang",
        "p",
        "phoneme",
        "prosody",
        "s",
        "say-as",
        "sub",
        "voice",
        "w",
    }
)


# Longest pause ``<break time>`` allows, in milliseconds.
_MAX_BREAK_MS: Final = 10_000
#: A ``<break time>``: a number and its unit, within XML 1.0's white space alone (`_XML_SPACE`,
#: as the simulator's page reads it: static/ssml.js, ``breakMs``), ASCII digits alone.
_BREAK_TIME: Final = re.compile(
    rf"[{_XML_SPACE}]*+(\d++(?:\.\d++)?|\.\d++)(ms|s)[{_XML_SPACE}]*+", re.I | re.ASCII
)


def _break_time_ms(time: str) -> tuple[float, str] | None:
    """The pause a ``<break time>`` value says in milliseconds, and the value as the builder
    writes it ("1s" for " 1S"); None if it is no duration."""
    match = _BREAK_TIME.fullmatch(time)
    if match is None:
        return None
    number, unit = match.group(1), match.group(2).lower()
    return float(number) * (1000 if unit == "s" else 1), number + unit


def _break_error(time: str) -> str | None:
    """Why a hand-written ``<break time>`` is none Amazon's SSML reference writes, or None.

    Its reference gives a number and ``s`` or ``ms``, at most 10 s (so does Amazon Polly's
    break page). A time with the unit in capitals or white space round it ("5S", " 2s ") is
    read as a duration (the builder writes ``break_("5S")`` as ``time="5s"``), but written by
    hand it is in a form the reference never shows: said with the form to write, as an
    enumerated value in another case (``level="Strong"``) is. The one rule of both this
    checker and the speech a handler builds (`alexaskill.responses.SsmlSpeech`).
    """
    pause = _break_time_ms(time)
    if pause is None:
        return f"<break time={time!r}> is not a duration like '500ms' or '2s', at most 10 s"
    milliseconds, written = pause
    if milliseconds > _MAX_BREAK_MS:
        return f"<break time={time!r}> is {milliseconds:.15g} ms; the limit is 10 s"
    if written != time:
        return (
            f"<break time={time!r}>: write {written!r} (Amazon's SSML reference: a number, then "
            "s or ms in lower case, nothing round them)"
        )
    return None


def _missing_attribute(tag: str, attributes: Container[str]) -> str | None:
    """Why ``tag`` lacks an attribute Amazon's SSML reference requires of it (`_REQUIRED`), or
    None: the one check of both `ssml_error` and the speech a handler builds
    (`alexaskill.responses.SsmlSpeech`)."""
    for name in _REQUIRED.get(tag, ()):
        if name not in attributes:
            return f"<{tag}> has no {name} (Amazon's SSML reference requires one)"
    return None


def _blank_error(tag: str, attribute: str, read: str, given: str | None = None) -> str | None:
    """Why a ``<sub alias>`` or ``<phoneme ph>`` is blank, the text XML reads of it being
    ``read`` (``given``: the value as given, shown, if not that), or None: Alexa refuses an
    empty ``<phoneme ph>``, and a blank ``<sub alias>`` leaves its text unsaid. The one rule of
    the builders (`alexaskill.ssml.sub`, `alexaskill.ssml.phoneme`), `ssml_error` and the
    speech a handler builds (`alexaskill.responses.SsmlSpeech`), said in the same words. Blank
    is what says and shows nothing, as of speech (`alexaskill.ssml_text._BLANK`: white space,
    a zero-width space, …)."""
    if _BLANK.fullmatch(read) is None:
        return None
    shown = read if given is None else given
    blank = f"blank ({shown!r})" if read else "empty"
    return f"<{tag} {attribute}> is {blank}; give what to say"


def _saying_error(tag: str, attributes: Mapping[str, str]) -> str | None:
    """`_blank_error` of the attribute of ``tag`` that says what to speak (`_SAYING`: ``<sub
    alias>``, ``<phoneme ph>``), its value as XML reads it, or None (none blank, or no such
    attribute: `_missing_attribute` says that): `ssml_error`'s check and the app's."""
    name = _SAYING.get(tag)
    if name is None or name not in attributes:
        return None
    return _blank_error(tag, name, attributes[name])


def _audio_src_error(src: str) -> str | None:
    """Why ``src``, an ``<audio>`` tag's, is no URL Alexa can fetch (HTTPS with a host, or a
    sound of Amazon's library: `alexaskill.web_urls._url_error`), or None: the one check of
    both `ssml_error` and the speech a handler builds (`alexaskill.responses.SsmlSpeech`)."""
    error = _url_error(src, soundbank=True)
    return None if error is None else f"<audio src={src[:80]!r}> is no URL Alexa can fetch: {error}"


def _attributes_error(tag: str, attributes: dict[str, str]) -> str | None:
    """Why the attributes of ``tag`` are not those Amazon's SSML reference gives it, or None:
    one it requires missing, a value it enumerates that it does not list, or a ``<sub alias>``
    or ``<phoneme ph>`` blank (`_saying_error`): said in the app's order, Amazon's reference
    first (`alexaskill.responses.ssml_elements._element_error`), as the builders check them.

    Not refused, though `alexaskill.ssml`'s builders never write them: a ``<break>`` with both
    a time and a strength (W3C's SSML takes both, the time winning; Amazon's reference does not
    say Alexa refuses it), a ``format`` on a ``<say-as>`` that is no date (the reference says
    it is "only used" with a date, not that another fails the response). A check that fails
    a test on what Alexa may well speak would be worse than none."""
    missing = _missing_attribute(tag, attributes)
    if missing is not None:
        return missing
    return _value_error(tag, attributes) or _saying_error(tag, attributes)


def _value_error(tag: str, attributes: dict[str, str]) -> str | None:
    """Why a value of an enumerated attribute of ``tag`` is none Alexa knows (`_ENUMERATED`),
    or None: the one check of both `ssml_error` and the speech a handler builds
    (`alexaskill.responses.SsmlSpeech`)."""
    for name, value in attributes.items():
        allowed = _ENUMERATED.get((tag, name))
        if allowed is not None and value not in allowed + _ALSO_TAKEN.get((tag, name), ()):
            choices = ", ".join(repr(a) for a in allowed)
            return f"<{tag} {name}={value!r}> is not a value Alexa accepts; use one of {choices}"
    return None


#: The markup of an SSML document, a piece at a time: a comment, a CDATA section, a processing
#: instruction (each to its end, or to the end of the text if it has none), a start tag (group
#: 1 its name; a DOCTYPE's is "!DOCTYPE"), whose quoted attribute values may hold ``>``, an end
#: tag (group 2 its name), or a bare ``<`` that starts none of them ("1 < 2", "<3": the one
#: match of a single character; a group round it would make the whole search a third slower).
#: Possessive: no backtracking. `_PIECES` is all but the bare ``<``: what
#: `alexaskill.ssml_compose` reads a part's markup with, in one match.
_PIECES: Final = (
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    rf"|<(?=[{_NAME_START}!])([^\s/>]++)(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>"
    rf"|</(?=[{_NAME_START}])([^\s/<>]++)[^<>]*+>"
)


# Compiled when first used, as `alexaskill.xml_markup._name`: XML's name characters cost a cold
# start milliseconds to compile, and plain-text speech is never scanned.
@functools.cache
def _markup() -> re.Pattern[str]:
    """`_PIECES` or a bare ``<``, compiled: the scan's pattern."""
    return re.compile(rf"{_PIECES}|<", re.DOTALL)


#: Names XML reads (`_SSML_TAGS` and the root's): ``<p>`` is a tag the scan need not read on.
_XML_NAMED: Final = _SSML_TAGS | {"speak"}
# The parts of `_INNER_SPEAK`: where, and why. `alexaskill.ssml_faults._INNER_SPEAK_WRAPPED`
# puts its clause between them, so no change of wording here can drop it.
_INNER_SPEAK_AT: Final = "<speak> inside or after its <speak> root"
_INNER_SPEAK_WHY: Final = (
    "Alexa parses SSML as XML, which has one root, and takes <speak> at the root alone; "
    "ssml.speak(a, b) composes documents given as parts into one"
)
#: What the tag scan says of a ``<speak>`` tag past the root's own: XML has one root, and
#: Amazon's SSML reference a ``<speak>`` at the root alone. (Of markup the app wrapped in a
#: root, it says why: `alexaskill.ssml_faults._fragment_fault`.)
_INNER_SPEAK: Final = f"{_INNER_SPEAK_AT}: {_INNER_SPEAK_WHY}"
#: Why elements that do not nest are refused, said after the fault.
_NESTING: Final = (
    "Alexa parses SSML as XML, where each start tag has its end tag, the last opened ended first"
)


def _unknown_tag(name: str) -> str:
    """What `ssml_error` and the app's tag scan say of a tag not in `_SSML_TAGS`."""
    return (
        f"<{name}> is no SSML tag Alexa knows (Amazon's SSML reference: "
        f"{', '.join(sorted(_SSML_TAGS))})"
    )


def _scan(
    markup: str,
    names: Container[str] = (),
    check: Callable[[str], str | None] | None = None,
    known: Container[str] = (),
) -> tuple[str | None, int, int]:
    """The one scan of a document's tags, up to the end of its root: the first fault, said,
    where the root ends (its end tag's end; -1 after a fault, or if there is no root), and where
    the fault is (-1 if none): where it is said to be, a stray end tag's start, the ``>`` of a
    start tag the fault is of (a fault inside it comes first), or the end of the markup.

    A fault is a ``<`` that starts no tag ("1 < 2"), a ``<!`` that opens no comment, CDATA
    section or DOCTYPE (``<!foo>``), a tag or a comment not as XML writes it
    (`alexaskill.xml_markup`: ``<break time=1s/>``), an end tag that closes no open element
    (``<speak>a</p>``), or not the one opened last (``<p><s>a</p></s>``), an element left
    open (``<speak><p>a</speak>``, ``<speak>a``), a ``<speak>`` inside the root, a tag past
    the root not in ``known`` when it is given (`_SSML_TAGS`: ``<b>``, ``<SPEAK>``), a
    processing instruction XML does not read (``<speak><?xml …?>``; an XML declaration but
    first, or not as XML 1.0 writes it: `alexaskill.xml_markup._instruction_error`), or what
    ``check`` says of the text of a start tag whose name is in ``names`` (the app's limits).
    What a comment, a CDATA section, a processing instruction or an attribute value holds is
    text. The app's check of its speech (`alexaskill.responses.SsmlSpeech`) and `ssml_error`
    both read elements this way.
    """
    open_names: list[str] = []
    for piece in _markup().finditer(markup):
        name = piece.group(1)
        if name is None:
            name = piece.group(2)
            if name is None:
                if piece.end() - piece.start() == 1:  # a bare "<"
                    return _bare_less_than(markup, piece.start()), -1, piece.start()
                if piece.end() == len(markup):  # (one left open runs to the end)
                    error = _left_open_error(markup, piece.start(), piece.group())
                    if error is not None:
                        return error, -1, piece.start()
                if markup.startswith("<!--", piece.start()):
                    error = _comment_error(markup, piece.start(), piece.group())
                elif markup.startswith("<?", piece.start()):  # before the root: its prolog
                    error = _instruction_error(markup, piece.start(), piece.group(), not open_names)
                else:
                    error = None
                if error is not None:
                    return error, -1, getattr(error, "at", piece.start())
                continue  # a comment, a CDATA section, a processing instruction
            text = piece.group()
            if len(text) != len(name) + 3:  # more than </p>
                error = _end_tag_error(markup, piece.start(), text, name)
                if error is not None:
                    return error, -1, getattr(error, "at", piece.start())
            if not open_names or open_names[-1] != name:
                if name in open_names:
                    inner = open_names[-1]
                    said = f"</{name}> while <{inner}> inside it is open (end <{inner}> first)"
                    return f"{said}: {_NESTING}", -1, piece.start()
                return f"</{name}> with no <{name}> open: {_NESTING}", -1, piece.start()
            open_names.pop()
            if not open_names:
                return None, piece.end(), -1
            continue
        if name[0] == "!":  # a DOCTYPE (said first: `alexaskill.ssml_faults`), or no XML
            if name == "!DOCTYPE":
                continue
            return _declaration_error(markup, piece.start()), -1, piece.start()
        text = piece.group()
        # Anything but <p> or <speak>: attributes, "/>", or a name XML may not read.
        if len(text) != len(name) + 2 or name not in _XML_NAMED:
            error = _start_tag_error(markup, piece.start(), text)
            if error is not None:
                return error, -1, getattr(error, "at", piece.start())
        if name == "speak" and open_names:
            return _INNER_SPEAK, -1, piece.end() - 1
        if known and open_names and name not in known:
            return _unknown_tag(name), -1, piece.end() - 1
        if name in names and check is not None:
            error = check(text)
            if error is not None:
                return error, -1, piece.end() - 1
        if not text.endswith("/>"):
            open_names.append(name)
        elif not open_names:  # the root an empty-element tag: <speak/>
            return None, piece.end(), -1
    if open_names:
        name = open_names[-1]
        return f"<{name}> never ends (no </{name}>): {_NESTING}", -1, len(markup)
    return None, -1, -1


def _scan_tags(
    markup: str,
    names: Container[str] = (),
    check: Callable[[str], str | None] | None = None,
    known: Container[str] = (),
) -> tuple[str | None, int]:
    """`_scan`: the first fault and where the root ends, not where the fault is."""
    error, end, _ = _scan(markup, names, check, known)
    return error, end


class _DoctypeFound(Exception):
    """Raised by `ssml_error`'s parser at a DOCTYPE, to stop there."""


def ssml_error(markup: str) -> str | None:
    """Why Alexa would refuse ``markup`` as a response's SSML, or None if it takes it.

    Alexa parses SSML as XML: a tag left open or closed out of order, a bare ``&`` or ``<``, an
    entity other than XML's five (``&eacute;``), a character XML cannot hold (a control
    character, a lone surrogate: reported, never raised), a DOCTYPE, text before the root
    (``"\\u3000<speak>…"``: XML's white space is a space, a tab, a CR and a LF alone), a root
    other than ``<speak>``, or a tag Amazon's SSML reference does not list (`_SSML_TAGS`: a
    typo such as ``<emphais>``, W3C's ``<mark>``, Amazon Polly's ``<amazon:breath>``, a
    ``<speak>`` inside the root), or a value of an attribute the reference enumerates that it
    does not list (``<emphasis level="huge">``: `_ENUMERATED`, what the builders refuse), or a
    tag without an attribute the reference requires (`_REQUIRED`: ``<amazon:emotion>`` without its
    ``intensity``), or a blank ``<sub alias>`` or ``<phoneme ph>`` (`_blank_error`, what the
    builders refuse, the app too), or an ``<audio src>`` that is no URL Alexa can fetch
    (`_audio_src_error`: no HTTPS, no host, white space in it), fails the response,
    and the user hears "There was a problem with the requested skill's response". So does a
    ``<break time>`` that is no duration of at most 10 s; one in a form Amazon's reference does
    not write (``"5S"``, whose reading by Alexa is not documented) is said with the form to
    write (``"5s"``), by the app too (`_break_error`, the same check). The builders of
    `alexaskill.ssml` never produce such markup; a hand-written ``Ssml("…")`` can. An
    attribute the reference does not list is not checked here. The test tools
    (`alexaskill.testing`, ``alexaskill chat``, ``replay`` and the
    simulator) call this on every answer; the app does not parse the XML, but refuses the
    speech a handler builds of hand-written ``Ssml`` with a tag missing an attribute
    `_REQUIRED` names (`_missing_attribute`, the same check), a value `_ENUMERATED` does not
    list (`_value_error`, the same check), an ``<audio src>`` Alexa cannot
    fetch (`_audio_src_error`, the same check), a ``<prosody>`` value `alexaskill.ssml.prosody`
    refuses (`_prosody_error`, the same check, here too), a tag `_SSML_TAGS` does not list
    (`_unknown_tag`, said alike), elements that do not nest
    (`_scan_tags`, the same check, said here as the app says it), a bare ``&`` or ``<`` or an
    entity other than XML's five (`alexaskill.xml_references`, said alike), a tag, a comment
    or text not as XML writes them (`alexaskill.xml_markup`, said alike: a processing
    instruction too, ``<speak><?xml …?>``, and a comment before or after the root), text or a
    ``<speak>`` after the root (or a ``<speak>`` inside it), or a ``<break>`` or ``<audio>``
    beyond Amazon's limits (`alexaskill.responses.SsmlSpeech`). So does speech that says
    nothing, is longer than 8000 characters or holds more than five ``<audio>`` clips, counted
    from the root as the app sends it (`alexaskill.ssml_limits`, the app's own check).
    """
    return _markup_error(markup) or _limits_error(markup, "the speech")


def _limits_error(markup: str, subject: str) -> str | None:
    """Why the speech ``markup`` is past a limit of the speech as a whole, said of ``subject``
    ("the speech", or the field the app names: "outputSpeech.ssml says nothing (…)"), or None."""
    # The limits of the speech as a whole, as the app holds it to them where it is built: in
    # what is sent, from the root to its end (`SsmlSpeech` drops the prolog and what follows
    # the root: `alexaskill.xml_text._sent_from_root`, `responses.ssml_elements._to_root_end`).
    from .ssml_limits import _speech_fault  # (not above: it reads `_markup` of this module)

    root = _speak_root(markup)
    sent = _sent_from_root(markup, root) if root >= 0 else markup
    if root >= 0 and sent.endswith(_MISC_ENDS) and (end := _scan(markup)[1]) >= 0:
        sent = _sent_from_root(markup[:end], root)  # (a comment or an instruction after it)
    return _speech_fault(subject, sent)


def _markup_error(markup: str) -> str | None:
    """`ssml_error` but for the limits of the speech as a whole (its length, its clips, that it
    says something): a progressive response's SSML (`FakeAlexaApi`) has limits of its own."""
    error = _markup_fault(markup)
    # A plain str: the words of a placed fault are a str subclass (`_Placed`), which no JSON
    # the test tools write (msgspec) takes.
    return None if error is None else str.__str__(error)


def _markup_fault(markup: str) -> str | None:
    """`_markup_error`, its words as said (placed, if a fault of the markup has a place)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    roots: list[str] = []
    faults: list[str] = []  # the first one is said

    def start(name: str, attributes: dict[str, str]) -> None:
        if not roots:
            roots.append(name)
        elif faults:
            pass
        elif name == "speak":  # (said as the app's scan says it)
            faults.append(_INNER_SPEAK)
        elif name not in _SSML_TAGS:
            faults.append(_unknown_tag(name))
        elif (error := _attributes_error(name, attributes)) is not None:
            faults.append(error)
        elif name == "audio":
            error = _audio_src_error(attributes["src"])  # (present: _attributes_error said so)
            if error is not None:
                faults.append(error)
        elif name == "break" and "time" in attributes:
            error = _break_error(attributes["time"])
            if error is not None:
                faults.append(error)
        elif name == "prosody":
            error = _prosody_error(attributes)
            if error is not None:
                faults.append(error)

    def doctype(*declaration: object) -> None:
        raise _DoctypeFound  # read no further: its entities (&name;) would be expanded

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    # Before parsing: expat raises UnicodeEncodeError on a lone surrogate, and says only
    # "invalid token" of a control character.
    error = _character_fault(markup)  # (said as the app says it, its field named first)
    if error is not None:
        return error
    # Of several faults, the first by position, in the app's words (`alexaskill.ssml_faults`):
    # an XML declaration expat takes but XML 1.0 does not (version="2.0") among them, said after
    # a DOCTYPE, as the app says it.
    from .ssml_faults import (  # (not above: it reads this module)
        _DOCTYPE,
        _before_root_fault,
        _first_fault,
        _has_doctype,
        _root_name,
        _tag_fault,
    )

    # Text before the root first, by position too (the app wraps SSML that does not start
    # with its root in one: its checks never see such a document), whatever the root's name.
    root = "speak" if _speak_root(markup) >= 0 else _root_name(markup)
    other = root if root != "speak" else None
    fault = _before_root_fault(markup, root or "speak") if not _has_doctype(markup) else None
    fault = fault or _first_fault(markup, _SSML_TAGS, _tag_fault, _SSML_TAGS, other is None)
    if other is not None and fault in (None, _INNER_SPEAK):
        # The one place a root of another name is said: the fault, met first, of a document
        # without text before it; nothing after it is read, and a <speak> inside it
        # (<p>a<speak>b</speak></p>) is not inside a <speak> root. A document expat parses
        # has the root read here: no other check of its name after the parse.
        return _not_speak_root(other)
    if fault is not None:
        return fault
    try:
        parser.Parse(markup, True)
    except expat.ExpatError as exc:  # (one the scan does not read: no document, say)
        return f"not well-formed XML ({exc})"
    except _DoctypeFound:
        return _DOCTYPE
    return faults[0] if faults else None


def _not_speak_root(name: str) -> str:
    """What `ssml_error` says of a document whose root is ``<name>`` (`_markup_fault` alone)."""
    return f"the root element is <{name}>, not <speak>"


def response_ssml_error(response: Mapping[str, Any]) -> str | None:
    """`ssml_error` of a ``response`` object's SSML speech and reprompt, naming the part as the
    app names it: ``outputSpeech.ssml: <fault>``, and ``outputSpeech.ssml says nothing (…)``
    for a limit of the speech as a whole."""
    parts = [("outputSpeech", response.get("outputSpeech"))]
    reprompt = response.get("reprompt")
    if isinstance(reprompt, Mapping):
        parts.append(("reprompt.outputSpeech", reprompt.get("outputSpeech")))
    for where, speech in parts:
        if not isinstance(speech, Mapping) or speech.get("type") != "SSML":
            continue
        if "ssml" not in speech:
            return f"{where}.ssml: missing"
        markup = speech["ssml"]
        if not isinstance(markup, str):
            # (null as JSON says it: the answer read is JSON, from chat --url or replay --url)
            kind = "null" if markup is None else type_with_article(markup)
            return f"{where}.ssml: not a string but {kind}"
        error = _markup_error(markup)
        if error is not None:
            return f"{where}.ssml: {error}"
        error = _limits_error(markup, f"{where}.ssml")  # (the field its subject, as the app's)
        if error is not None:
            return error
    return None

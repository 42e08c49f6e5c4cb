"""The one scan of an SSML document's tags, up to the end of its root (`_scan`): the first
fault of its markup (a bare ``<``, a tag or a comment not as XML writes it, elements that do
not nest, a ``<speak>`` inside the root, a tag Amazon's SSML reference does not list), where
the root ends, and where the fault is.

What the speech a handler builds (`alexaskill.responses.SsmlSpeech`), the test tools'
`alexaskill.ssml_check.ssml_error` and the composing of `alexaskill.ssml_compose` read markup
with; `alexaskill.ssml_faults` says the first fault of a document by position from it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Container
from typing import Final

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

__all__: list[str] = []  # the scan for alexaskill.ssml_check, the app's check and composing

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

"""Whether SSML's tags, comments and text are written as XML writes them.

Alexa parses SSML as XML (XML 1.0, "Start-Tags, End-Tags, and Empty-Element Tags", "Comments",
"Character Data and Markup"), which refuses the whole response for an unquoted attribute value
(``<break time=1s/>``), an attribute without a value or given twice, a ``<`` in an attribute
value, a tag name holding a character no XML name does, an end tag holding more than its name,
``--`` inside a comment, ``]]>`` in text, where it only ends a CDATA section, or a processing
instruction without a name, named xml in another case, or an XML declaration past the start
("Processing Instructions"). The tag scan (`alexaskill.ssml_scan._scan_tags`) asks this module
of each tag, comment and processing instruction it finds, and `_misc_error` of those before and
after the root; the app's check of its speech (`alexaskill.responses.SsmlSpeech`, progressive
responses) and `ssml_error` say the faults in the same words.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from .xml_references import _ESCAPING, _XML_READS
from .xml_text import _XML_SPACE, _placed

__all__: list[str] = []  # helpers for alexaskill.ssml_check and alexaskill.responses

#: The characters an XML name starts with (XML 1.0, "NameStartChar"), as a character class's
#: contents: a ``<`` before any other (a space, a digit, ``=``) starts no tag.
_NAME_START: Final = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
#: An XML name (XML 1.0, "Name": a NameStartChar, then NameChars).
_NAME_PATTERN: Final = rf"[{_NAME_START}][{_NAME_START}\-.0-9\u00b7\u0300-\u036f\u203f\u2040]*+"
_SPACE: Final = re.compile(r"[ \t\r\n]*+")


# Compiled when first used, not at import: the classes of XML's name characters take `re`
# milliseconds to compile, each a cold start's (AWS Lambda), and a skill whose speech holds no
# tag never reads one.
@functools.cache
def _name() -> re.Pattern[str]:
    """An XML name (`_NAME_PATTERN`), compiled."""
    return re.compile(_NAME_PATTERN)


@functools.cache
def _well_formed_tag() -> re.Pattern[str]:
    """A start tag as XML writes it: a name, then attributes, each after white space, its value
    in quotes without ``<``. The quick "yes" of `_tag_fault`; possessive: no backtracking."""
    return re.compile(
        rf"<{_NAME_PATTERN}(?:[ \t\r\n]++{_NAME_PATTERN}[ \t\r\n]*+=[ \t\r\n]*+"
        r"""(?:"[^<"]*+"|'[^<']*+'))*+[ \t\r\n]*+/?>"""
    )


#: A fault of a tag: where it is in the tag, what it is, and the words after "Alexa parses SSML
#: as XML, ".
_Fault = tuple[int, str, str]


# The same few tags come back answer after answer: their verdicts are kept, by their text.
@functools.lru_cache(maxsize=256)
def _tag_fault(tag: str) -> _Fault | None:
    """The first fault of ``tag``, a start tag as the tag scan finds one (balanced quotes, up
    to its ``>``), or None: a well-formed tag (`_well_formed_tag`) with one ``=`` at most
    needs no walk through its attributes."""
    if tag.count("=") < 2 and _well_formed_tag().fullmatch(tag) is not None:
        return None
    xml_name = _name()
    name = xml_name.match(tag, 1)
    at = 1 if name is None else name.end()
    if tag[at] not in " \t\r\n/>":
        return at, f"{tag[at]!r} in the tag name", _NAMES
    seen: set[str] = set()
    while True:
        start = at
        at = _SPACE.match(tag, at).end()  # type: ignore[union-attr]  # (it matches)
        if tag.startswith((">", "/>"), at):
            return None
        attribute = xml_name.match(tag, at)
        if attribute is None:
            return at, f"{tag[at]!r} starts an attribute name", _NAMES
        if at == start:
            return at, "no space before an attribute", "where white space parts attributes"
        equals = _SPACE.match(tag, attribute.end()).end()  # type: ignore[union-attr]
        if tag[equals] != "=":
            if tag[equals] in " \t\r\n/>" or equals > attribute.end():
                advice = (
                    "where each attribute has a value; give it a value in quotes "
                    f'({attribute.group()}="…")'
                )
                return at, "an attribute without a value", advice
            return equals, f"{tag[equals]!r} in an attribute name", _NAMES
        at = _SPACE.match(tag, equals + 1).end()  # type: ignore[union-attr]
        quote = tag[at]
        if quote not in "\"'":
            value = re.match(r"[^ \t\r\n/>]*+", tag[at:]).group()  # type: ignore[union-attr]
            advice = f'where each attribute value is in quotes; write {attribute.group()}="{value}"'
            return at, "an unquoted attribute value", advice
        end = tag.index(quote, at + 1)  # (the scan found it)
        less_than = tag.find("<", at, end)
        if less_than >= 0:
            advice = (
                "where an attribute value holds no '<'; write &lt; for the character, or build "
                "the tag with its ssml builder, which escapes its values"
            )
            return less_than, "a '<' in an attribute value", advice
        if attribute.group() in seen:
            said = f"{attribute.group()} twice in one tag"
            return attribute.start(), said, "where a tag names each attribute once; keep one"
        seen.add(attribute.group())
        at = end + 1


#: Why a name is refused, said after "Alexa parses SSML as XML, ".
_NAMES: Final = (
    "and XML names (of tags and attributes) start with a letter, '_' or ':' and hold only "
    "letters, digits, '-', '.', '_' and ':'"
)


def _said(markup: str, at: int, fault: str, advice: str) -> str:
    return _placed(f"{fault} ", at, f": {_XML_READS}, {advice}", markup)


def _start_tag_error(markup: str, start: int, tag: str) -> str | None:
    """Why ``tag``, the start tag at index ``start`` of ``markup``, is no tag XML reads, or
    None (`_tag_fault`)."""
    fault = _tag_fault(tag)
    if fault is None:
        return None
    return _said(markup, start + fault[0], fault[1], fault[2])


def _end_tag_error(markup: str, start: int, tag: str, name: str) -> str | None:
    """Why ``tag``, the end tag of ``name`` at index ``start`` of ``markup``, holds more than
    its name and white space, or None."""
    rest = tag[2 + len(name) : -1]
    if not rest.strip(_XML_SPACE):
        return None
    at = start + 2 + len(name) + len(rest) - len(rest.lstrip(_XML_SPACE))
    advice = f"where an end tag holds its name alone (</{name}>); leave the rest out"
    return _said(markup, at, "more than a name in an end tag", advice)


def _comment_error(markup: str, start: int, comment: str) -> str | None:
    """Why ``comment``, the comment at index ``start`` of ``markup``, is none XML reads (it
    holds ``--``, or ends with ``--->``), or None; one left open is the scan's to say."""
    if not comment.endswith("-->") or len(comment) < 7:
        return None
    text = comment[4:-3]
    dashes = text.find("--")
    if dashes < 0:
        if not text.endswith("-"):
            return None
        dashes = len(text) - 1
    advice = "where a comment holds no '--' (nor ends with '-'); write '- -' or leave it out"
    return _said(markup, start + 4 + dashes, "'--' inside a comment", advice)


#: Each kind of markup that runs to its own end, past any tag: its start, its end, its name.
_RUNS_TO: Final = (("<!--", "-->", "comment"), ("<![CDATA[", "]]>", "CDATA section"))


def _left_open_error(markup: str, start: int, piece: str) -> str | None:
    """Why ``piece``, the comment, CDATA section or processing instruction at index ``start``
    of ``markup`` (as the tag scan finds one: to its end, or to the end of the text), is none
    XML reads for want of its end, or None. Left open, it holds the rest of the speech, the
    root's end tag too: said here, not as the root left open."""
    opening, ending, kind = next(
        (run for run in _RUNS_TO if piece.startswith(run[0])),
        ("<?", "?>", "processing instruction"),
    )
    if len(piece) >= len(opening) + len(ending) and piece.endswith(ending):
        return None
    swallowed = ", </speak> too" if "</speak>" in piece else ""
    advice = (
        f"where a {kind} runs to its first {ending!r}: here it holds the rest of the speech"
        f"{swallowed}; end it with {ending!r}"
    )
    return _said(markup, start, f"a {kind} left open", advice)


#: Markup whose text may hold ``]]>`` (comments, CDATA sections, processing instructions, tags,
#: whose quoted values may), or a ``]]>`` in text. Possessive where it can be.
_CDATA_ENDS: Final = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    r"""|<(?:[^<>"']++|"[^"]*+"|'[^']*+')*+>|\]\]>""",
    re.DOTALL,
)


def _cdata_end_error(markup: str) -> str | None:
    """Why ``markup`` is no XML for a ``]]>`` in its text (outside the markup `_CDATA_ENDS`
    skips), or None. Quick for markup without one."""
    if "]]>" not in markup:
        return None
    for found in _CDATA_ENDS.finditer(markup):
        if found.group() == "]]>":
            advice = f"where ']]>' only ends a CDATA section; write ]]&gt;, {_ESCAPING}"
            return _said(markup, found.start(), "']]>' in text", advice)
    return None


def _declaration_error(markup: str, start: int) -> str:
    """What is said of the ``<!`` at index ``start`` of ``markup`` that opens no comment, CDATA
    section or DOCTYPE (``<!foo>``, ``<!->``, ``<![CDATA>``): XML 1.0 reads nothing else there,
    and a DOCTYPE is said on its own (`alexaskill.ssml_faults._DOCTYPE`)."""
    advice = (
        "where '<!' opens a comment (<!-- … -->), a CDATA section (<![CDATA[ … ]]>) or a "
        f"DOCTYPE, nothing else; write &lt;! for the text, {_ESCAPING}"
    )
    return _said(markup, start, "a '<!'", advice)


_NAMELESS: Final = (
    "where '<?' starts a processing instruction, its name right after; write &lt;? for the "
    "text, or leave it out"
)


#: Quoted values of an XML declaration's pseudo-attributes (XML 1.0, "VersionNum", "EncName",
#: "SDDecl"), and the white space, ``=`` round them ("Eq").
_EQ: Final = r"[ \t\r\n]*+=[ \t\r\n]*+"
_ENCODING_NAME: Final = r"[A-Za-z][A-Za-z0-9._\-]*+"
#: An XML declaration as XML 1.0 writes it ("XMLDecl"): ``version`` (1.x), then ``encoding``
#: and ``standalone`` (yes or no), each optional, in that order, after white space each.
_DECLARATION: Final = re.compile(
    rf"""<\?xml[ \t\r\n]++version{_EQ}(?:"1\.[0-9]++"|'1\.[0-9]++')"""
    rf"""(?:[ \t\r\n]++encoding{_EQ}(?:"{_ENCODING_NAME}"|'{_ENCODING_NAME}'))?+"""
    rf"""(?:[ \t\r\n]++standalone{_EQ}(?:"(?:yes|no)"|'(?:yes|no)'))?+[ \t\r\n]*+\?>"""
)
_DECLARED: Final = (
    'where a declaration reads <?xml version="1.0"?>, an encoding="…" and a '
    'standalone="yes" or "no" after it if any, in that order; write it so or leave it out'
)


def _instruction_error(
    markup: str, start: int, instruction: str, prolog: bool = False
) -> str | None:
    """Why ``instruction``, the processing instruction at index ``start`` of ``markup``, is none
    XML reads, or None: it has no name, one XML cannot read, xml in another case (``<?XML``),
    or it is an XML declaration past the start of the document (the prolog's too, ``prolog``:
    ``"\\n<?xml …?>"``, after a comment or another declaration), or one at its start not as
    XML 1.0 writes it (`_DECLARATION`: ``<?xml?>``, ``version="2.0"``). The app sends the
    speech from its root, without its prolog, but holds the prolog to what Alexa's XML parser
    (and `ssml_error`) would. One left open is the scan's to say."""
    if len(instruction) < 4 or not instruction.endswith("?>"):
        return None
    name = _name().match(instruction, 2)
    if name is None:
        return _said(markup, start + 2, "a processing instruction without a name", _NAMELESS)
    target = name.group()
    if target.lower() == "xml":
        if target != "xml":
            advice = "where the name xml, in any case, is XML's own; rename it or leave it out"
            return _said(
                markup, start + 2, f"{target!r} as a processing instruction's name", advice
            )
        if prolog and markup[:start] in ("", "\ufeff"):  # first, but for a byte order mark
            if _DECLARATION.fullmatch(instruction) is not None:
                return None
            return _said(markup, start, "an XML declaration not as XML writes it", _DECLARED)
        advice = (
            # (Before the root, not "before <speak>": it is said of a root of any name.)
            "where a declaration (<?xml …?>) stands only first, before the root; move it there "
            "or leave it out"
        )
        return _said(markup, start, "an XML declaration past the start", advice)
    after = instruction[name.end()]
    if after in _XML_SPACE or instruction.startswith("?>", name.end()):
        return None
    said = f"{after!r} in a processing instruction's name"
    return _said(markup, start + name.end(), said, _NAMES)


#: What XML 1.0 allows before and after the root ("Misc"): white space (space, tab, CR, LF),
#: comments, processing instructions, each ended. Possessive: no backtracking.
_MISC: Final = re.compile(
    rf"(?:[{_XML_SPACE}]++|<!--(?:[^-]|-(?!->))*+-->|<\?(?:[^?]|\?(?!>))*+\?>)*+"
)
#: A comment or a processing instruction of what `_MISC` matched.
_MISC_PIECE: Final = re.compile(r"<!--.*?-->|<\?.*?\?>", re.DOTALL)


def _misc_error(markup: str, start: int, end: int, prolog: bool = False) -> str | None:
    """Why a comment or a processing instruction between ``start`` and ``end`` of ``markup``
    (what `_MISC` matched there, before the root if ``prolog``, else after it) is none XML
    reads (`_comment_error`, `_instruction_error`), or None."""
    for piece in _MISC_PIECE.finditer(markup, start, end):
        text = piece.group()
        if text[1] == "!":
            error = _comment_error(markup, piece.start(), text)
        else:
            error = _instruction_error(markup, piece.start(), text, prolog)
        if error is not None:
            return error
    return None


def _after_root_error(markup: str, end: int) -> str | None:
    """Why what follows the root of ``markup`` (it ends at ``end``) is none XML reads, as far
    as `_MISC` goes: a comment or a processing instruction there XML does not read
    (`_misc_error`), or one left open at the end (`_left_open_error`); else None (anything else
    after the root is the caller's to say)."""
    after = _MISC.match(markup, end)  # (it matches, if only nothing)
    stop = end if after is None else after.end()
    error = _misc_error(markup, end, stop) if stop > end else None
    if error is None and markup.startswith(("<!--", "<?"), stop):  # (ended, `_MISC` took it)
        error = _left_open_error(markup, stop, markup[stop:])
    return error

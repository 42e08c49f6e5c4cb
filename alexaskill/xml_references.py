"""Whether each ``&`` of SSML is a reference XML reads, and what a ``<`` that starts no tag is.

Alexa parses SSML as XML, which takes ``&`` only to start one of its five entities (``&amp;``,
``&lt;``, ``&gt;``, ``&quot;``, ``&apos;``) or a character reference (``&#38;``, ``&#x26;``) to
a character it can hold, and ``<`` only to start markup (XML 1.0, "Character and Entity
References", "Start-Tags"): a bare ``&`` ("Tom & Jerry"), HTML's ``&eacute;`` or ``&nbsp;``,
a ``<`` before a space or a digit ("1 < 2", "<3") fail the whole response. In a comment, a
CDATA section or a processing instruction they are text, and taken. The app's check of its
speech (`alexaskill.responses.SsmlSpeech`, progressive responses) and `ssml_error` say them in
the same words. Plain text given to the builders of `alexaskill.ssml` is escaped, never refused.
"""

from __future__ import annotations

import re
from html.entities import html5
from typing import Final

from .shown_names import shown
from .xml_text import _not_xml, _placed

__all__: list[str] = []  # helpers for alexaskill.ssml_check and alexaskill.responses

#: Why XML refuses them, said after each fault.
_XML_READS: Final = "Alexa parses SSML as XML"
_ESCAPING: Final = "or build the speech with ssml.speak(…), which escapes plain text"
#: The same advice for the value of an attribute given as `Ssml` (`alexaskill.ssml`'s builders):
#: ssml.speak cannot help there, a str for the value can.
_ESCAPING_A_VALUE: Final = "or give the value as a str (not Ssml), which is escaped"

#: An ``&`` that starts no reference XML reads, wherever it is (the quick test: one found may
#: be text of a comment or a CDATA section, which `_REFERENCES` tells apart).
_UNREAD_AMPERSAND: Final = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]++|#x[0-9a-fA-F]++);)")
#: A comment, a CDATA section or a processing instruction (each to its end, or to the end of
#: the text), whose text XML does not read for references; else an ``&`` and the reference it
#: starts: group 1 the digits of a decimal character reference, group 2 those of a hexadecimal
#: one, group 3 the name of an entity (one of XML's five or not), none of them for a bare ``&``.
#: Possessive where it can be: no backtracking.
_REFERENCES: Final = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    r"|&(?:#([0-9]++);|#x([0-9a-fA-F]++);|([^\W\d][\w.\-:]*+);)?",
    re.DOTALL,
)
_PREDEFINED: Final = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _bare_ampersand(markup: str, at: int, escaping: str) -> str:
    return _placed(
        "a bare '&' ",
        at,
        f": {_XML_READS}, where '&' starts an entity (&amp;, &lt;, &gt;, &quot;, &apos;) or a "
        f"character reference (&#38;); write &amp; for the character, {escaping}",
        markup,
    )


def _bare_less_than(markup: str, at: int) -> str:
    """What is said of a ``<`` at index ``at`` of ``markup`` that starts no tag, comment,
    CDATA section or processing instruction (`alexaskill.ssml_scan._scan_tags` finds it)."""
    return _placed(
        "a bare '<' ",
        at,
        f": {_XML_READS}, where '<' starts a tag; write &lt; for the character, {_ESCAPING}",
        markup,
    )


def _unknown_entity(name: str, at: int) -> str:
    # HTML's own table, looked up whole: `html.unescape` also reads the start of a longer name
    # as a legacy entity ("&copyright;" as "©right;").
    character = html5.get(f"{name};")
    if character is None:  # (no HTML entity either)
        advice = "write the character or its reference (&#…;)"
    else:
        codes = "".join(f"&#{ord(c)};" for c in character)
        advice = f"write the character ({character!r}) or its reference ({codes})"
    return _placed(
        f"&{name}; ",
        at,
        f" is no entity XML knows: {_XML_READS}, whose only named entities are &amp;, &lt;, "
        f"&gt;, &quot; and &apos;; {advice}",
    )


#: A character reference: group 1 its decimal digits, group 2 its hexadecimal ones.
_CHARACTER_REFERENCE: Final = re.compile(r"&#(?:([0-9]++)|x([0-9a-fA-F]++));")


def _code(decimal: str | None, hexadecimal: str | None) -> int:
    """The code point a character reference's digits (one of the two given) name; -1 past 8
    significant digits, none a character (and more than `int` converts: 4,300 decimal ones)."""
    digits = (decimal if decimal is not None else hexadecimal or "").lstrip("0")
    return int(digits or "0", 10 if decimal is not None else 16) if len(digits) <= 8 else -1


def _character_reference_error(found: re.Match[str]) -> str | None:
    """Why the character reference ``found`` (groups 1 and 2 as `_CHARACTER_REFERENCE`'s)
    stands for no character XML holds, or None."""
    code = _code(found.group(1), found.group(2))
    if 0 <= code <= 0x10FFFF and _not_xml().match(chr(code)) is None:
        return None
    written = shown(found.group())  # (a long one cut, marked, with its length)
    if code < 0 or code > 0x10FFFF:
        said = " refers to no character (Unicode ends at U+10FFFF)"
    else:
        said = f" refers to U+{code:04X}, which XML cannot hold"
    return _placed(f"{written} ", found.start(), f"{said}: {_XML_READS}, which refuses it")


def _reference_error(markup: str, escaping: str = _ESCAPING) -> str | None:
    """Why an ``&`` of ``markup`` is no reference XML reads (see the module), or None; a bare
    ``&`` is said with ``escaping``, the other way to write it (`_ESCAPING_A_VALUE` for a value).

    Quick for markup without a fault: a search for an ``&`` starting none of XML's references,
    and a look at each character reference; only if one is found, the walk that skips
    comments, CDATA sections and processing instructions (where the fault may be text)."""
    if "&" not in markup:
        return None
    if _UNREAD_AMPERSAND.search(markup) is None and (
        "&#" not in markup
        or not any(map(_character_reference_error, _CHARACTER_REFERENCE.finditer(markup)))
    ):
        return None
    for found in _REFERENCES.finditer(markup):
        if found.group()[0] != "&":  # a comment, a CDATA section, a processing instruction
            continue
        name = found.group(3)
        if name is not None:
            if name not in _PREDEFINED:
                return _unknown_entity(name, found.start())
        elif found.group(1) is not None or found.group(2) is not None:
            error = _character_reference_error(found)
            if error is not None:
                return error
        else:
            return _bare_ampersand(markup, found.start(), escaping)
    return None


#: What XML reads of an attribute value as written (XML 1.0, "Attribute-Value Normalization",
#: after "End-of-Line Handling"): a CR LF, a CR, a LF or a tab is one space, a reference its
#: character (group 1, 2: a character reference's digits; group 3: one of the five entities').
_IN_VALUE: Final = re.compile(
    r"\r\n?|[\n\t]|&(?:#([0-9]++)|#x([0-9a-fA-F]++)|(amp|lt|gt|quot|apos));"
)
_ENTITIES: Final = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _read_in_value(found: re.Match[str]) -> str:
    decimal, hexadecimal, name = found.groups()
    if name is not None:
        return _ENTITIES[name]
    if decimal is None and hexadecimal is None:
        return " "
    code = _code(decimal, hexadecimal)
    # (one XML refuses is said before the value is read: `_reference_error`)
    return chr(code) if 0 <= code <= 0x10FFFF else found.group()


def _attribute_value(written: str) -> str:
    """The value XML reads of an attribute value as ``written`` between its quotes, as Alexa's
    parser and `ssml_error`'s (expat) read it: not `html.unescape`'s, which keeps a newline
    and reads ``&#x85;`` as HTML does ("…")."""
    if "&" not in written and "\r" not in written and "\n" not in written and "\t" not in written:
        return written
    return _IN_VALUE.sub(_read_in_value, written)


#: A reference in text, as XML reads it: group 1, 2 a character reference's digits, group 3
#: the name of one of the five entities. Any other ``&`` is no reference XML reads.
_IN_TEXT: Final = re.compile(r"&(?:#([0-9]++)|#x([0-9a-fA-F]++)|(amp|lt|gt|quot|apos));")


def _read_in_text(found: re.Match[str]) -> str:
    decimal, hexadecimal, name = found.groups()
    if name is not None:
        return _ENTITIES[name]
    code = _code(decimal, hexadecimal)
    if 0 <= code <= 0x10FFFF and _not_xml().match(chr(code)) is None:
        return chr(code)
    return found.group()  # (one XML refuses: `_reference_error` says it)


def _xml_unescape(text: str) -> str:
    """The text XML reads of ``text``, character data as written: a CR LF or a lone CR a LF
    (XML 1.0, "End-of-Line Handling": before anything is parsed, so ``&#13;`` stays a CR), then
    each of XML's five entities and each character reference its character (``&#x85;``
    U+0085, as Alexa's parser reads it; `html.unescape` reads it as Windows-1252 does, "…");
    any other ``&`` left as written (an HTML entity, ``&eacute;``, is no XML: `_reference_error`
    says so). An attribute value as written is `_attribute_value`'s."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _IN_TEXT.sub(_read_in_text, text) if "&" in text else text

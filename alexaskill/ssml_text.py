"""The plain text of SSML (`strip_tags`), its lines (`_text_lines`: what a card shows), and
the characters that say and show nothing (`_BLANK`).

`alexaskill.ssml_check` re-exports `strip_tags`, and `alexaskill.ssml` both: the place to import
it from.
"""

from __future__ import annotations

import re
from typing import Final

from .xml_references import _xml_unescape

__all__ = ["strip_tags"]

# A comment, a processing instruction, a CDATA section (its text in group 1), or a tag (its
# ">" quoted in an attribute ends nothing); a ">" inside the first three ends nothing either.
_TAG = re.compile(
    r"""<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>|<(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""",
    re.DOTALL,
)
_PAUSE_TAGS: Final = frozenset({"break", "p", "s", "speak", "audio"})
#: White space, as the text of SSML is read here and on the simulator's page (static/ssml.js):
#: the characters both Python's and JavaScript's ``\s`` find. Not U+0085 (NEL) nor U+001C to
#: U+001F (Python's alone), nor U+FEFF (JavaScript's alone): XML 1.0 counts none of them as
#: white space, and holds U+0085 and U+FEFF (a zero-width no-break space) as text.
_WHITE_SPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACES: Final = re.compile(f"[{_WHITE_SPACE}]+")
#: Characters that say and show nothing: white space (what ``str.isspace`` finds), Unicode's
#: default ignorable code points (``Default_Ignorable_Code_Point`` in Unicode's
#: DerivedCoreProperties.txt: zero-width space and joiners, the byte order mark, bidi marks, the
#: soft hyphen, the Mongolian vowel separator, tags, and the ones ``str.isprintable`` calls
#: printable: the combining grapheme joiner, variation selectors, the Khmer inherent vowels,
#: Mongolian free variation selectors, the Hangul fillers, some of them even ``isalnum``), and
#: the blank braille pattern U+2800. None is ASCII but " ": ASCII text is blank only if empty or
#: all spaces, and a first ASCII letter or digit says something (the shortcuts of the checks).
_BLANK_CHARACTERS: Final = (
    r"\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
#: Text with nothing to say or show (``fullmatch``); it stops at the first other character. The
#: one reading of it: of speech (`alexaskill.ssml_limits`), of a card's text, and of a ``<sub
#: alias>`` or ``<phoneme ph>`` (`alexaskill.ssml_attributes._blank_error`).
_BLANK: Final = re.compile(f"[{_BLANK_CHARACTERS}]*+")


def _replace_tag(match: re.Match[str]) -> str:
    cdata = match.group(1)
    if cdata is not None:  # text as written: its "&" escaped, so that unescaping gives it back
        return cdata.replace("&", "&amp;")
    name = match.group(0).strip("</> \t\r\n").split(None, 1)
    return " " if name and name[0] in _PAUSE_TAGS else ""


def strip_tags(markup: str) -> str:
    """The plain text of SSML: tags removed, references read as XML reads them
    (`alexaskill.xml_references._xml_unescape`: ``&#x85;`` is U+0085, ``&eacute;`` no
    reference; the text of a CDATA section kept as written), white space (`_WHITE_SPACE`)
    collapsed. A U+FEFF first is the byte order mark, no text (XML 1.0, Appendix F), as
    `alexaskill.hearing.spoken_text` reads it."""
    markup = markup.removeprefix("\ufeff")
    return _SPACES.sub(" ", _xml_unescape(_TAG.sub(_replace_tag, markup))).strip(" ")


_LINE_TAGS: Final = frozenset({"p", "s"})


def _text_lines(markup: str) -> list[str]:
    """The plain text of SSML as `strip_tags` gives it, a line a paragraph or sentence (each
    ``<p>`` and ``<s>`` tag ends one), empty lines left out: what a card shows. Tags are found
    once, as `strip_tags` finds them: a ``<p>`` in a comment or a CDATA section ends no line."""
    markup = markup.removeprefix("\ufeff")  # (the byte order mark, as `strip_tags` drops it)
    lines: list[str] = []
    pieces: list[str] = []
    at = 0
    for match in _TAG.finditer(markup):
        pieces.append(markup[at : match.start()])
        at = match.end()
        name = match.group(0).strip("</> \t\r\n").split(None, 1)
        if match.group(1) is None and name and name[0] in _LINE_TAGS:
            lines.append("".join(pieces))
            pieces = []
        else:
            pieces.append(_replace_tag(match))
    pieces.append(markup[at:])
    lines.append("".join(pieces))
    texts = (_SPACES.sub(" ", _xml_unescape(line)).strip(" ") for line in lines)
    return [text for text in texts if text]

"""The plain text of SSML (`strip_tags`) and its lines (`_text_lines`: what a card shows).

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

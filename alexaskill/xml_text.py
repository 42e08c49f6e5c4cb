"""What XML holds: the characters it cannot, and where a ``<speak>`` document's root starts.

The ground both `alexaskill.ssml` (escaping, composing documents) and `alexaskill.responses`
(speech and card text) stand on; kept apart so that neither grows past a module's size.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from .exceptions import ResponseError

__all__: list[str] = []  # helpers for alexaskill.ssml, alexaskill.responses and their services


# Compiled when first used, not at import: the surrogates' range costs a cold start a few
# milliseconds, and text XML holds (`_holds_only_xml`) never needs it.
@functools.cache
def _not_xml() -> re.Pattern[str]:
    """One of the characters no XML document may hold (XML 1.0, "Characters"): C0 controls but
    tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF."""
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _around(markup: str, at: int) -> str:
    """The text round index ``at`` of ``markup``, quoted: where a fault is, shown."""
    return repr(markup[max(0, at - 20) : at + 21])


class _Placed(str):
    """The words of a fault that say where it is in the markup they were said of ("a bare '&'
    at index 4 ('Tom & Jerry')"), its place carried beside them as numbers: ``at``, the index;
    ``start`` and ``end``, where "at index …" (with the quoted text round it, if ``shown``)
    stands in the words. The app says a fragment's fault of the fragment as written from these
    (`alexaskill.responses.ssml_elements._in_fragment`), never by reading the words back: a
    quoted value or an index into a URL may say "at index 7" too."""

    __slots__ = ("at", "end", "shown", "start")

    at: int
    start: int
    end: int
    shown: bool

    def moved(self, at: int, markup: str) -> _Placed:
        """The same words, placed at ``at`` of ``markup`` (the quoted text round it too)."""
        return _placed(self[: self.start], at, self[self.end :], markup if self.shown else None)


def _placed(before: str, at: int, after: str, markup: str | None = None) -> _Placed:
    """``before``, "at index ``at``", the text of ``markup`` round it quoted if given, and
    ``after``: a fault's words, placed."""
    place = f"at index {at}" if markup is None else f"at index {at} ({_around(markup, at)})"
    words = _Placed(before + place + after)
    words.at, words.start, words.end = at, len(before), len(before) + len(place)
    words.shown = markup is not None
    return words


def _placed_in_fragment(words: str, fragment: str) -> _Placed | None:
    """``words`` said of the document ``<speak>{fragment}</speak>``, placed in ``fragment``
    instead, as `ssml_error` places a fault of the text as written; None if they name no place
    in it (a fault of the whole, or words not placed)."""
    if not isinstance(words, _Placed):
        return None
    at = words.at - len("<speak>")
    return words.moved(at, fragment) if 0 <= at <= len(fragment) else None


def _wrapped(before: str, words: str, after: str = "") -> str:
    """``words`` between ``before`` and ``after`` (a field's name, a reason), still placed if
    they were (`_Placed`)."""
    if not isinstance(words, _Placed):
        return before + words + after
    text = _Placed(before + words + after)
    text.at, text.start, text.end = words.at, len(before) + words.start, len(before) + words.end
    text.shown = words.shown
    return text


def _join_surrogate_pairs(text: str) -> str:
    """``text`` with each high + low surrogate pair (one character left as two code units by
    some decoders) made its character; lone surrogates stay as they are."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


#: The C0 controls XML cannot hold, as bytes: in UTF-8 they are these bytes, and no byte of a
#: multi-byte sequence is below 0x80.
_C0_BYTES: Final = bytes(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))


def _holds_only_xml(text: str) -> bool:
    """Whether XML can hold every character of ``text``: the quick answer for text that is not
    printable only for characters XML holds (a newline, a no-break space, a joiner, a mark).

    Cheaper than `_not_xml` (which searches code point by code point) by two C loops: a lone
    surrogate fails the UTF-8 encoding, a control character shows as a byte the translation
    drops (measured: 300 ASCII characters with a newline ~1 µs, 8000 ~10 µs, 8000 non-ASCII
    ~20 µs, against ~3.5, ~90 and ~80 µs for the search).
    """
    return text.isprintable() or _unprintable_holds_only_xml(text)


def _unprintable_holds_only_xml(text: str) -> bool:
    """`_holds_only_xml` of text ``isprintable()`` has already found not printable."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a pair as two code units too)
        return False
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return False
    return text.isascii() or ("\ufffe" not in text and "\uffff" not in text)


def _plain_str(text: str) -> str:
    """The characters of ``text`` as an exact ``str``: a subclass's own text (a str `Enum`
    member's value), never what its ``__str__`` says ("Size.LARGE" of ``class Size(str, Enum)``)."""
    return text if type(text) is str else str.__str__(text)


def _xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold replaced by a space (a surrogate pair left
    as two code units first joined into the character it stands for): what every plain text
    of a response becomes, spoken or shown (`alexaskill.ssml.escape`, speech, reprompt and
    card text)."""
    if _holds_only_xml(text):
        return text
    return _not_xml().sub(" ", _join_surrogate_pairs(text))


def _unprintable_xml_text(text: str) -> str:
    """`_xml_text` of text ``isprintable()`` has already found not printable (a newline is
    enough): a long text is not scanned a second time for that answer."""
    if _unprintable_holds_only_xml(text):
        return text
    return _not_xml().sub(" ", _join_surrogate_pairs(text))


def _character_error(markup: str) -> str | None:
    """The first character of ``markup`` that XML cannot hold, said, or None."""
    if _holds_only_xml(markup):
        return None
    found = _not_xml().search(markup)
    if found is None:
        return None
    char = found.group()
    what = " (a surrogate code unit, not a character)" if "\ud800" <= char <= "\udfff" else ""
    return _placed(f"U+{ord(char):04X} ", found.start(), f"{what}, which XML cannot hold")


def _character_fault(markup: str, refused: str = "the response") -> str | None:
    """The first character of ``markup`` that XML cannot hold, said as both the app's checks
    and `alexaskill.ssml_check.ssml_error` say it (Alexa would refuse what carries it:
    ``refused``), or None."""
    error = _character_error(markup)
    if error is None:
        return None
    return _wrapped(
        "",
        error,
        f": Alexa parses SSML as XML and would refuse {refused} (the SSML builders replace "
        "such characters in plain text by a space)",
    )


def _check_markup(field: str, markup: str, refused: str = "the response") -> None:
    """`ResponseError` naming ``field`` if ``markup`` holds a character XML cannot hold
    (`_character_fault`)."""
    error = _character_fault(markup, refused)
    if error is not None:
        raise ResponseError(_wrapped(f"{field}: ", error))


#: XML 1.0's white space ("S": space, tab, CR, LF), as a character class's contents: the one
#: definition of what may stand before a ``<speak>`` root (here, `alexaskill.hearing`), after it
#: (`_sent_from_root`, `alexaskill.ssml_compose`), in a tag (`alexaskill.xml_markup`) and round
#: a ``<break time>`` (`alexaskill.ssml_check`). Not U+0085, U+00A0 or U+3000, which XML holds
#: as text.
_XML_SPACE: Final = " \t\r\n"
#: The start of a ``<speak>`` tag: its name, then white space, ``>`` or ``/>`` (``<speaker>`` and
#: ``<speak-x>`` are other names).
_SPEAK_START: Final = rf"<speak(?=[{_XML_SPACE}/>])"

#: Matches text that is a ``<speak>`` document, up to its root: a byte order mark first if any
#: (U+FEFF, neither text nor markup: XML 1.0, Appendix F; its parsers, expat and the browser's,
#: read it so), what XML allows before a root (white space, the XML declaration, comments,
#: processing instructions; of any length), then
#: ``<speak`` followed by white space, ``>`` or ``/>``. White space is XML 1.0's (space, tab,
#: CR, LF): not U+0085 or U+3000, which are text, so that ``"\u3000<speak>…"`` is text and a
#: document (`alexaskill.ssml.speak` composes them into one), as Alexa's XML parser reads it.
#: ``match(text).end()`` is where the root starts. Each part of the prolog ends at its first
#: ``?>`` or ``-->``, and the quantifiers are possessive: no backtracking, linear time. A
#: DOCTYPE is not recognised (Amazon's SSML reference has none), nor a root with another name
#: or case (XML names are case-sensitive).
_SPEAK_ROOT: Final = re.compile(
    rf"\ufeff?(?:[{_XML_SPACE}]|<\?(?:[^?]|\?(?!>))*+\?>|<!--(?:[^-]|-(?!->))*+-->)*+(?={_SPEAK_START})"
)


def _speak_root(markup: str) -> int:
    """Where the ``<speak>`` root of ``markup`` starts if it is a document (see `_SPEAK_ROOT`),
    else -1. What comes before it, a byte order mark included, is the prolog: every path that
    takes a document (the app's speech, `alexaskill.ssml.speak`, `ssml_error`) reads it so, and
    the app sends the document from its root, without it."""
    if "<speak" not in markup:  # the usual plain text: a quick answer
        return -1
    found = _SPEAK_ROOT.match(markup)
    return -1 if found is None else found.end()


def _sent_from_root(markup: str, root: int) -> str:
    """The ``<speak>`` document ``markup`` (its root at ``root``, `_speak_root`) as the app
    sends it: from its root, without the white space after it, which is outside the root as
    the prolog is (`alexaskill.ssml.speak` drops both). What follows the root is checked in
    ``markup`` as written."""
    # (rstrip gives back the str itself when it ends in no white space: the usual answer.)
    return (markup[root:] if root > 0 else markup).rstrip(_XML_SPACE)


#: How a document ends that has a comment or a processing instruction after its root (inside
#: the root, its end tag comes last): the rare one whose sent part `_sent_from_root` alone does
#: not give (`alexaskill.responses.ssml_elements._to_root_end`, `alexaskill.ssml_check`).
_MISC_ENDS: Final = ("-->", "?>")

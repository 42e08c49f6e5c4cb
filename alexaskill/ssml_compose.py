"""`Ssml` and how its values compose: plain text escaped, a part's ``<speak>`` root unwrapped,
a part that cannot be composed refused, naming it.

The half of `alexaskill.ssml` that every builder stands on (`speak`, ``+``, ``*``, ``join``);
`alexaskill.ssml` re-exports `Ssml`, `escape` and `speak`, the place to import them from.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Iterable
from typing import Final, SupportsIndex

from .exceptions import ResponseError
from .shown_names import shown_json, shown_value
from .ssml_cut import _cut_at, _cuts, _part_named, _refuse_cut_short
from .ssml_faults import _first_fault
from .ssml_scan import _markup
from .xml_markup import (
    _MISC,
    _instruction_error,
    _left_open_error,
    _misc_error,
    _start_tag_error,
)
from .xml_text import _XML_SPACE, _speak_root, _xml_text

__all__ = ["Ssml", "escape", "speak"]


class Ssml(str):
    """A string of SSML markup that is already safe: it is sent verbatim, never escaped."""

    __slots__ = ()

    # A ``<speak>`` document on either side makes the result one document (two roots: no XML);
    # one copy of one, a join of it alone, or it with empty strings only (``+``, `speak`'s
    # parts, ``join``'s), is `speak` of it: composed with nothing (a faulty one kept as
    # written, refused where it is used).

    def __add__(self, other: str) -> Ssml:
        if isinstance(other, str):
            if _is_document(self) or _is_document(other):
                return speak(self, other)
            _refuse_left_open(self)
            _refuse_left_open(other)
            return _made(str.__add__(self, escape(other)), (self, other))
        return NotImplemented

    def __radd__(self, other: str) -> Ssml:
        if isinstance(other, str):
            if _is_document(self):
                return speak(other, self)
            _refuse_left_open(self)  # (``other`` is plain text: an Ssml's own __add__ came first)
            return _made(str.__add__(escape(other), self), (self, other))
        return NotImplemented

    def __mul__(self, count: SupportsIndex) -> Ssml:
        if operator.index(count) <= 0:
            # No copy of the part is placed: nothing of it is left open, cut short or made a
            # root. The product is the join of as many copies, here the empty one, taken.
            return _NOTHING
        if _is_document(self):
            if operator.index(count) == 1:
                return speak(self)  # one copy: composed with nothing, a faulty one not mended
            return _made(f"<speak>{str.__mul__(_unwrap(self), count)}</speak>", (self,))
        _refuse_left_open(self)
        return _made(str.__mul__(self, count), (self,))

    __rmul__ = __mul__

    def join(self, iterable: Iterable[str], /) -> Ssml:
        """Join the parts with this separator, escaping the plain-text parts."""
        parts = list(iterable)
        # A join of one part is the part, of none "" (str.join): the separator, unused, is not
        # placed, nor read (as ``* 0`` reads no copy of its part): no document made of it.
        separator = self if len(parts) > 1 else _NOTHING
        placed = [separator, *parts]
        documents = list(map(_is_document, placed))  # (each part checked, the separator too)
        if any(documents):
            if placed.count("") == len(placed) - 1:  # one document alone: as one copy (``*``)
                return speak(*placed)
            return _made(f"<speak>{_unwrap(separator).join(map(_unwrap, parts))}</speak>", placed)
        for part in placed:
            _refuse_left_open(part)
        return _made(str.join(separator, map(escape, parts)), placed)

    def __repr__(self) -> str:
        return f"Ssml({str.__repr__(self)})"


class _Checked(Ssml):
    """`Ssml` of the builders alone, whose ``<break>`` and ``<audio>`` elements they checked:
    `alexaskill.responses.SsmlSpeech` does not check them again (it does `Ssml`'s)."""

    __slots__ = ()


#: The empty markup: an empty product, or the separator of a join that places none.
_NOTHING: Final = _Checked("")


def _made(markup: str, parts: Iterable[str]) -> Ssml:
    """``markup`` made of ``parts`` as `_Checked` if every part is: plain text (escaped), a
    builder's, or `Ssml` with no tag at all; else as `Ssml`, whose elements speech checks."""
    for part in parts:
        if type(part) is not _Checked and isinstance(part, Ssml) and "<" in part:
            return Ssml(markup)
    return _Checked(markup)


#: Values whose ``str()`` is their repr, never words: bytes (``b'Paris'``) and containers.
_NO_WORDS: Final = (bytes, bytearray, memoryview, list, tuple, dict, set, frozenset)


def escape(text: str) -> Ssml:
    """Escape ``& < > " '`` so plain text can sit in SSML; `Ssml` values come back unchanged.

    A number is its digits (an `IntEnum` member's too), a str subclass the text it holds; None,
    another `Enum` member (str() says "Topping.HAM"), bytes or a container (a list, a dict, …:
    str() says ``b'Paris'``, ``['a', 'b']``) raises `ResponseError`. A character XML cannot hold
    (a lone surrogate, a control character) becomes a space: Alexa would refuse it. A line end
    is written as it is, which XML reads as a LF, a CR LF or a CR too ("End-of-Line Handling"):
    the same white space to a voice (an attribute's builder writes its value's as references).
    """
    if isinstance(text, Ssml):
        return text
    if not isinstance(text, str) and (text is None or isinstance(text, (enum.Enum, *_NO_WORDS))):
        if not isinstance(text, int):
            # (a container's parts bounded, an Enum member's repr cut: a handler's value, long)
            said = shown_value(text) if isinstance(text, enum.Enum) else shown_json(text)
            raise ResponseError(f"SSML text is {said}: give the words to say (a str)")
        text = int.__repr__(text)  # its digits, never "_Floor.TOP"
    text = _xml_text(str.__str__(text) if isinstance(text, str) else str(text))
    return Ssml(
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


#: What composing drops of a part: a ``<speak>`` tag, opening, closing or empty (``<speak/>``),
#: whose quoted attribute values may hold ``>`` (XML allows it there), and an XML declaration
#: (``<?xml version='1.0'?>``: allowed first in a document alone). Found with the comments,
#: CDATA sections and processing instructions (group 1: one of these three, each to its end or
#: to the end of the text), whose text is kept as it is: a ``<speak>`` in a CDATA section is
#: said, not unwrapped. In plain text ``<`` is escaped, so only markup matches. Possessive: no
#: backtracking.
_UNWRAPPED = re.compile(
    r"<\?xml(?=[ \t\r\n?])(?:[^?]|\?(?!>))*+\?>"
    r"|(<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z))"
    r"""|</?speak(?=[\s/>])(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+>""",
    re.DOTALL,
)


def _kept(found: re.Match[str]) -> str:
    """What `_UNWRAPPED` found, as composing keeps it: a comment, a CDATA section or a
    processing instruction whole; nothing of a ``<speak>`` tag or an XML declaration."""
    return found.group(1) or ""


def _is_document(part: str) -> bool:
    """Whether ``part`` is SSML markup that is a ``<speak>`` document; `ResponseError` if it
    has a DOCTYPE, or a comment or processing instruction before its root that XML does not
    read (`_refuse_bad_prolog`). The one test of `speak`, ``+``, ``*`` and ``join`` (through
    `_unwrap`)."""
    if not isinstance(part, Ssml):
        return False
    if "<!DOCTYPE" in part:
        _refuse_doctype(part)
    root = _speak_root(part)
    if root > 0:
        _refuse_bad_prolog(part, root)
    return root >= 0


def _refuse_bad_prolog(part: str, root: int) -> None:
    """`ResponseError` if what comes before the root of ``part`` (at ``root``) is no XML
    (`alexaskill.xml_markup._misc_error`): composing drops the prolog, so the app would never
    see it, though it refuses the same document given whole (`alexaskill.responses.SsmlSpeech`)
    and `ssml_error` does too."""
    error = _misc_error(part, 0, root, prolog=True)
    if error is not None:
        raise ResponseError(f"{_part_named(part)}: {error}")


def _unwrap(part: str) -> str:
    """The SSML inside a part, without its ``<speak>`` tags (a root, several side by side, or a
    stray one: ``a</speak>``) and without the prolog before the first, what follows the last
    (white space, comments, processing instructions: `_root_end`) or an XML declaration (only
    allowed first in a document), the text in any other comment, CDATA section or processing
    instruction kept (`_UNWRAPPED`); plain text escaped."""
    if not isinstance(part, Ssml):
        return escape(part)
    # The usual document ends in its root's end tag, where the markup before it is checked too
    # (`_refuse_cut_by`): both checks made of one read (`_cuts`), where there were two. (Not a
    # builder's part, whose markup is not read: `_cut_short_at`.)
    usual = type(part) is not _Checked and part.endswith("</speak>")
    at = len(part) - len("</speak>") if usual else -1
    cut_at = _refuse_left_open(part, at)
    if "speak" not in part and "<?xml" not in part and "<!DOCTYPE" not in part:  # the usual
        return str(part)
    known = (at, cut_at)
    if not _is_document(part):
        for found in _UNWRAPPED.finditer(part):
            _refuse_cut_by(part, found, known)
            # A declaration starting the fragment is its prolog, dropped; one after text or a
            # tag would stand inside the composed root.
            declaration = found.group(1) is None and found.group().startswith("<?")
            if declaration and part[: found.start()].strip(_XML_SPACE):
                _refuse_dropped(part, found)
        return _UNWRAPPED.sub(_kept, part)
    root = _speak_root(part)
    last = None  # (the last tag found: a comment after it is no root's end)
    for found in _UNWRAPPED.finditer(part, root):
        _refuse_cut_by(part, found, known)
        _refuse_dropped(part, found)
        if found.group(1) is None:
            last = found
    # What follows the last root's end, white space, comments and processing instructions, is
    # outside it, as the prolog before it is: both dropped (they were moved inside the
    # composed root: "<speak>a</speak> " said "a ").
    end = len(part) if last is None else _root_end(part, last)
    return _UNWRAPPED.sub(_kept, part[root:end] if root > 0 or end < len(part) else part)


def _root_end(part: str, last: re.Match[str]) -> int:
    """Where what the document ``part`` holds to compose ends: after ``last``, the last tag
    `_UNWRAPPED` found in it, if that ends a root (``</speak>``, ``<speak/>``) and nothing but
    what XML allows after a root follows it (`_MISC`: white space, comments, processing
    instructions), `ResponseError` if one of those is none XML reads (dropped, the app would
    never see it, as `_refuse_bad_prolog` says of the prolog); else at the part's end."""
    text = last.group()
    if not (text.startswith("</") or (text.startswith("<speak") and text.endswith("/>"))):
        return len(part)
    after = _MISC.match(part, last.end())  # (it matches, if only nothing)
    if after is None or after.end() < len(part):
        return len(part)
    error = _misc_error(part, last.end(), len(part))
    if error is not None:
        raise ResponseError(f"{_part_named(part)}: {error}")
    return last.end()


def _refuse_left_open(part: str, at: int = -1) -> int:
    """`ResponseError` naming ``part`` if it is `Ssml` (plain text is escaped: its ``<!--``
    opens nothing) and a comment, CDATA section or processing instruction in it runs to its
    end: composed, it would swallow what follows, the root's end tag too. The one check of
    `speak`, the element builders, ``+``, ``*`` and ``join``, said as the app says ``part``
    given as speech (`alexaskill.responses.SsmlSpeech`). So is a part that ends in markup cut
    short, a ``<`` whose markup does not end in it (``a <!-``, ``a <p``, a bare ``<``): the
    plain text after it would finish it (``"- b -->"`` a comment, ``"p"`` a tag name).

    Returns `_cut_short_at` ``at``, if ``at`` is the index of a ``<`` in ``part``, of the same
    read (`_cuts`); else -1."""
    if not isinstance(part, Ssml):
        return -1
    if "<!" in part or "<?" in part:
        *_, last = _markup().finditer(part)  # (it holds "<!" or "<?": a piece at least)
        piece = last.group()
        # A comment, CDATA section or instruction the scan ran to the end; not "<!->" or
        # "<![CDATA>", a tag-like piece none of them, which the app says as "a '<!'".
        if last.end() == len(part) and piece.startswith(("<!--", "<![CDATA[", "<?")):
            error = _left_open_error(part, last.start(), piece)
            if error is not None and "</speak>" not in piece and _speak_root(part) < 0:
                # No root: the app wraps the part in one as written, whose end tag the piece
                # then holds too (", </speak> too"), and says so; said here as there.
                error = _left_open_error(part, last.start(), f"{piece}</speak>")
            if error is not None:
                raise ResponseError(f"{_part_named(part)}: {error}")
    if at < 0:  # (the usual part: no pair made)
        cut_at, cut = -1, _cut_short_at(part, len(part))
    else:
        cut_at, cut = _cuts(part, at)
    if cut >= 0:
        _refuse_cut_short(part, cut, len(part))
    return cut_at


def _refuse_cut_by(part: str, found: re.Match[str], known: tuple[int, int] = (-1, -1)) -> None:
    """`ResponseError` naming ``part`` (`_refuse_cut_short`) if what `_UNWRAPPED` found in it,
    and composing drops, ends markup cut short (``<speak>x <p</speak>``, ``x <p<speak>y``): the
    markup's ``<`` has no ``>`` after it before the piece, whose place the next text takes.
    ``known``: an index of ``part`` and `_cut_short_at` it, found already (`_refuse_left_open`)."""
    # (Not a comment, a CDATA section or an instruction: composing keeps those.)
    if found.group(1) is not None:
        return
    at = found.start()
    if (cut := known[1] if at == known[0] else _cut_short_at(part, at)) >= 0:
        _refuse_cut_short(part, cut, at)


def _cut_short_at(part: str, end: int) -> int:
    """`alexaskill.ssml_cut._cut_at`: where the markup ``part[:end]`` ends in, cut short, starts,
    else -1 (always -1 of a builder's part)."""
    if type(part) is _Checked:
        # The builders' markup, and what is composed of it and escaped text alone, ends each
        # tag it starts: no scan of the usual part, whose tags have quoted values (nor a call).
        return -1
    return _cut_at(part, end)


def _refuse_dropped(part: str, found: re.Match[str]) -> None:
    """`ResponseError` if what `_UNWRAPPED` found in the document ``part``, past its prolog,
    and composing drops, is no XML: a ``<speak>`` start tag XML cannot read (``<speak x=1>``)
    or an XML declaration (past the start there). The app refuses the same document given
    whole (`alexaskill.responses.SsmlSpeech`), as `ssml_error` does; a fragment's stray root
    tags are dropped unread (it is no document, the pieces of one), and a declaration that
    starts it."""
    text = found.group()
    if found.group(1) is not None or text.startswith("</"):
        return
    if text.startswith("<?"):
        error = _instruction_error(part, found.start(), text)
    else:
        error = _start_tag_error(part, found.start(), text)
    if error is not None:
        raise ResponseError(f"{_part_named(part)}: {error}")


def _refuse_doctype(part: str) -> None:
    """`ResponseError` if ``part`` has a DOCTYPE (not the text of a comment or a CDATA section):
    it cannot be unwrapped with the root (it may declare the entities the document uses), and
    inside the composed ``<speak>`` it is no XML, which the app would refuse far from here."""
    if any(piece.group(1) == "!DOCTYPE" for piece in _markup().finditer(part)):
        raise ResponseError(
            f"{_part_named(part)} has a DOCTYPE: Amazon's SSML has none, and "
            "composed into one document it would stand inside <speak>, which is no XML; leave "
            "it out (and any entity it declares)"
        )


def _content(parts: Iterable[str]) -> str:
    return "".join(map(_unwrap, parts))


def speak(*parts: str) -> Ssml:
    """A ``<speak>`` document of the parts (plain ``str`` escaped, nested roots unwrapped).

    A lone document part is composed with nothing: one whose markup has a fault (``<speak>1 <
    2</speak>``, two roots run together: ``<speak>a</speak><speak>b</speak>``, text after its
    root) is the result as written from its root, as the app sends it given as speech, for the
    check of wherever it is used to say in that field's words (an answer's, a reminder's);
    only what composing drops, its prolog, is refused here, where nothing else sees it
    (`_is_document`). Documents compose given as parts: ``speak(a, b)``. Its root keeps its
    attributes (``<speak xml:lang="en-US">``), as the app sends it given as speech; composed
    with other parts, a root's are dropped. An empty part places nothing: ``speak(doc, "")``
    is ``speak(doc)``."""
    # (The usual call has none. The test costs the ssml row of count_instructions.py ~600
    # instructions a request, 0.999 of inl: "" in parts, all(parts) and a test of the two ends
    # counted alike.)
    if "" in parts:
        parts = tuple(part for part in parts if part != "")
    if len(parts) == 1 and _is_document(lone := parts[0]):
        root = _speak_root(lone)
        written = str.__str__(lone)[root:] if root > 0 else str.__str__(lone)
        tag = _UNWRAPPED.match(written)  # (its root's start tag, read once for both)
        if _runs_past_its_root(written, tag):
            return Ssml(written)
        try:
            return _made(f"{_root_tag(tag)}{_unwrap(lone)}</speak>", parts)
        except ResponseError:
            # Its own fault, no text of another part's in it: said where it is used, once.
            return Ssml(written)
    return _made(f"<speak>{_content(parts)}</speak>", parts)


def _runs_past_its_root(document: str, tag: re.Match[str] | None) -> bool:
    """Whether ``document``, a ``<speak>`` document from its root (its start tag ``tag``, as
    `_UNWRAPPED` reads it), may run past its root (a ``<speak>`` tag past the root's own,
    something after its end tag) and has a fault (`_first_fault`, as the app reads it given as
    speech): markup that unwrapping would make one root of (``<speak>a</speak><speak>b</speak>``,
    ``<speak>a</speak>b``, ``<speak/>x</speak>``), which it refuses."""
    # Unwrapping keeps the usual document as written, its root's two tags at its ends: only
    # one with more of "speak" in it, or ending otherwise, is read (a scan of its markup); so
    # is one whose root is empty (``<speak/>x</speak>``: its end tag is a stray one after it).
    usual = document.endswith("</speak>") and document.count("speak") == 2
    if usual and tag is not None and not tag.group().endswith("/>"):
        return False
    return _first_fault(document) is not None


def _root_tag(tag: re.Match[str] | None) -> str:
    """The start tag of a document's root, as written (``tag``, `_UNWRAPPED`'s match of it, of
    a document whose root tag `_unwrap` read): an empty one (``<speak a="1"/>``) made a start
    tag."""
    text = "<speak>" if tag is None else tag.group()
    return text[:-2].rstrip(_XML_SPACE) + ">" if text.endswith("/>") else text

"""The first fault of an SSML document by position, said: the one reading of both the app's
check of its speech (`alexaskill.responses.SsmlSpeech`) and `ssml_error`.

Markup that does not start with its ``<speak>`` root the app wraps in one as written, and reads
that document; what it says of the markup is `_fragment_fault`'s: text before a ``<speak>``
root as `ssml_error` says it (`_before_root_fault`), whatever the wrapping makes of it.

Of a document with several faults both say the one a reader meets first (`_first_fault`), in
the same words: a comment or processing instruction of the prolog XML does not read,
an ``&`` that is no reference, ``]]>`` in text, a fault of the tag scan
(`alexaskill.ssml_scan._scan`), or what follows the root: XML 1.0 ("Document") holds nothing
after it but white space, comments and processing instructions (`_after_root_fault`).
Characters XML cannot hold, then a DOCTYPE (which may declare what follows), are said first
by both, wherever they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from typing import Final

from .shown_names import shown_value
from .ssml_attributes import _attributes_error, _audio_src_error, _break_error
from .ssml_prosody import _prosody_error
from .ssml_scan import _INNER_SPEAK, _INNER_SPEAK_AT, _INNER_SPEAK_WHY, _NESTING, _markup, _scan
from .xml_markup import _MISC, _after_root_error, _cdata_end_error, _misc_error
from .xml_references import _attribute_value, _reference_error
from .xml_text import _SPEAK_START, _XML_SPACE, _character_error, _speak_root

__all__: list[str] = []  # helpers for alexaskill.ssml_check and alexaskill.responses

#: A ``<speak>`` tag after the root: a second document, said as one inside it is.
_SPEAK_TAG: Final = re.compile(_SPEAK_START)
#: An end tag (group 1 its name) after the root: it closes no element there.
_END_TAG: Final = re.compile(r"</([^\s/<>]++)[^<>]*+>")


def _after_root_fault(markup: str, end: int) -> tuple[str, int] | None:
    """Why what follows the root of ``markup`` (it ends at ``end``) is none XML reads, and
    where: a comment or a processing instruction there XML does not read, or left open
    (`alexaskill.xml_markup._after_root_error`), a ``<speak>`` (`_INNER_SPEAK`), an end tag
    (it closes nothing), or anything else but white space; else None. Of a ``<speak>`` root:
    what follows a root of another name is not read (`_first_fault`)."""
    error = _after_root_error(markup, end)
    after = _MISC.match(markup, end)  # (it matches, if only nothing)
    stop = end if after is None else after.end()
    if error is not None:
        return error, getattr(error, "at", stop)
    if stop >= len(markup):
        return None
    if _SPEAK_TAG.match(markup, stop):
        return _INNER_SPEAK, stop
    end_tag = _END_TAG.match(markup, stop)
    if end_tag is not None:
        name = end_tag.group(1)
        return f"</{name}> with no <{name}> open: {_NESTING}", stop
    said = (
        f"{markup[stop : stop + 40]!r} after its <speak> root: Alexa parses SSML as XML, which "
        "holds nothing after the root but white space, comments and processing instructions; "
        "put it inside <speak>"
    )
    return said, stop


def _before_root_fault(markup: str, root: str = "speak") -> str | None:
    """Why what comes before the ``<speak>`` root of ``markup`` is none XML reads, or None (a
    document, or no ``<speak>`` tag after the text, its comments and processing instructions:
    ``"x <!-- c --><speak>…"`` is text before the root too): text, said as text after the root is
    (`_after_root_fault`), or a comment or processing instruction there XML does not read. XML
    1.0's white space is a space, a tab, a CR and a LF: ``"\\u3000<speak>…"`` (an ideographic
    space, a no-break space) is text before the root, which Alexa refuses, and ``" <speak>…"``
    a document, which it takes (`alexaskill.xml_text._SPEAK_ROOT` reads them so). Of the root
    named ``root`` if not ``<speak>`` (`_root_name`: `ssml_error`'s reading alone, the app
    wrapping such markup in a root): text before it is said, the root named (``"x <p>a</p>"``)."""
    if root == "speak":
        if "<speak" not in markup or _speak_root(markup) >= 0:
            return None
        tag = _SPEAK_TAG
    else:
        tag = re.compile(rf"<{re.escape(root)}(?=[{_XML_SPACE}/>])")
    start = 1 if markup.startswith("\ufeff") else 0  # (a byte order mark, neither: XML 1.0 F)
    after = _MISC.match(markup, start)  # (it matches, if only nothing)
    stop = start if after is None else after.end()
    text = markup.find("<", stop)
    if text <= stop:
        return None  # (no text, or text and no markup: the parser says it)
    at = text
    while True:  # (text, comments and instructions, more text, …, then the root?)
        misc = _MISC.match(markup, at)  # (it matches, if only nothing)
        at = at if misc is None else misc.end()
        if tag.match(markup, at):
            break
        following = markup.find("<", at)
        if following <= at:
            return None  # (a tag that is no root, or no root: the parser says it)
        at = following
    error = _misc_error(markup, start, stop, prolog=True)
    if error is not None:
        return error
    said = (
        f"{shown_value(markup[stop:text])} before its <{root}> root: Alexa parses SSML as XML, "
        "which holds nothing before the root but white space (a space, a tab, a CR, a LF), "
        "comments and processing instructions"
    )
    if root == "speak":
        return f"{said}; put it inside <speak>"
    return f"{said}, and takes <speak> at the root alone; put it and the <{root}> inside <speak>"


def _root_name(markup: str) -> str | None:
    """The name of the first element of ``markup``, its root (after text too: ``"x <p>…"``),
    or None if it has none."""
    for piece in _markup().finditer(markup):  # (a tag in a comment, say, is no element)
        name = piece.group(1)
        if name is not None and name[0] != "!":  # (not a DOCTYPE)
            return name
    return None


#: `_INNER_SPEAK` of markup the app wrapped in a root: why a ``<speak>`` in it is inside one.
_INNER_SPEAK_WRAPPED: Final = (
    f"{_INNER_SPEAK_AT} (SSML not starting with its root is wrapped in one): {_INNER_SPEAK_WHY}"
)


def _fragment_fault(fragment: str, fault: str) -> str | None:
    """What the app says of ``fragment``, markup not starting with its root, which it wraps in
    one as written, if not ``fault``, the first fault of the document so wrapped; else None.
    Text before a ``<speak>`` root is said as `ssml_error` says it of ``fragment``
    (`_before_root_fault`: first, after a character XML cannot hold and a DOCTYPE, as there),
    whatever ``fault`` is; another ``<speak>`` inside it is said with why it is inside one
    (`_INNER_SPEAK_WRAPPED`). Only a refused fragment's."""
    # (Read from the fragment, not from ``fault``: a DOCTYPE, a character XML cannot hold,
    # looked for as `ssml_error` looks for them.)
    if "<speak" in fragment and _character_error(fragment) is None and not _has_doctype(fragment):
        before = _before_root_fault(fragment)
        if before is not None:
            return before
    return _INNER_SPEAK_WRAPPED if fault == _INNER_SPEAK else None


#: What is said of a DOCTYPE, by the app and `ssml_error` alike.
_DOCTYPE: Final = (
    "a DOCTYPE (<!DOCTYPE …>): Amazon's SSML has none, and Alexa refuses SSML with one; leave "
    "it out (and any entity it declares)"
)


def _has_doctype(markup: str) -> bool:
    """Whether ``markup`` has a DOCTYPE (not the text of a comment or a CDATA section)."""
    return "<!DOCTYPE" in markup and any(
        piece.group(1) == "!DOCTYPE" for piece in _markup().finditer(markup)
    )


def _first_fault(
    markup: str,
    names: Container[str] = (),
    check: Callable[[str], str | None] | None = None,
    known: Container[str] = (),
    past_root: bool = True,
) -> str | None:
    """The first fault of ``markup`` by position (see the module), said, or None; faults at one
    place are said in the order the module names them. ``names``, ``check`` and ``known`` are
    the tag scan's (`alexaskill.ssml_scan._scan`). Without ``past_root``, what follows the
    root is not read: `ssml_error`'s reading of a root of another name, itself the fault there
    (`alexaskill.ssml_check._not_speak_root`)."""
    faults: list[tuple[int, str]] = []
    if _has_doctype(markup):  # said first, as characters are
        return _DOCTYPE
    root = _speak_root(markup)
    if root > 0 and (error := _misc_error(markup, 0, root, prolog=True)) is not None:
        faults.append((getattr(error, "at", 0), error))
    for error in (_reference_error(markup), _cdata_end_error(markup)):
        if error is not None:
            faults.append((getattr(error, "at", 0), error))
    error, end, at = _scan(markup, names, check, known)
    if error is not None:
        faults.append((at, error))
    elif end >= 0 and not past_root:
        faults = [fault for fault in faults if fault[0] < end]
    elif end >= 0 and (after := _after_root_fault(markup, end)) is not None:
        faults.append((after[1], after[0]))
    return min(faults, key=lambda fault: fault[0])[1] if faults else None


#: One attribute of a tag: group 1 its name, group 2 or 3 its value (double or single quotes).
_ATTRIBUTE: Final = re.compile(r"""([^\s=/<>"']++)\s*+=\s*+(?:"([^"<]*+)"|'([^'<]*+)')""")
#: A start tag the scan found: group 1 its name, group 2 its attributes.
_START_TAG: Final = re.compile(r"""<([^\s/<>]++)((?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+)>""")


def _attributes(attributes: str) -> dict[str, str]:
    """The attributes of a tag by name, each value as XML reads it (`_attribute_value`: a
    newline a space, as `ssml_error`'s parser reads it); the first of a name counts."""
    values: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(attributes):
        value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        values.setdefault(attribute.group(1), _attribute_value(value))
    return values


def _tag_fault(text: str) -> str | None:
    """Why the start tag ``text`` is none Amazon's SSML reference takes, or None: an attribute
    it requires missing, a value it does not list, an ``<audio src>`` Alexa cannot fetch, a
    ``<break time>`` or ``<prosody>`` past its limits: `ssml_error`'s check in the tag scan,
    whose words the app's (`alexaskill.responses.ssml_elements._tag_error`) start with."""
    tag = _START_TAG.fullmatch(text)
    if tag is None:
        return None
    name, values = tag.group(1), _attributes(tag.group(2))
    error = _attributes_error(name, values)
    if error is None and name == "audio":
        error = _audio_src_error(values["src"])  # (present: _attributes_error said so)
    elif error is None and name == "break" and "time" in values:
        error = _break_error(values["time"])
    elif error is None and name == "prosody":
        error = _prosody_error(values)
    return error

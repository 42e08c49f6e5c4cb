"""The elements of hand-written SSML held to Amazon's limits, as the builders hold their own.

`alexaskill.ssml.break_`, `alexaskill.ssml.audio` and `alexaskill.ssml.prosody` refuse a pause
over 10 s, a URL Alexa cannot fetch and a prosody value out of Amazon's range;
``Ssml("<speak><break time='20s'/></speak>")`` written by hand is checked here when its speech is
built (`alexaskill.responses.SsmlSpeech`): each ``<break time>`` a duration of at most 10 s, each
``<audio>`` a ``src`` that is an HTTPS URL with a host or a ``soundbank://`` sound
(`alexaskill.ssml_check._audio_src_error`, `ssml_error`'s own check), each ``<prosody>``
``rate``, ``pitch`` and ``volume`` one `alexaskill.ssml.prosody` takes, each value Amazon's
SSML reference enumerates (``<phoneme alphabet>``, ``<w role>``, ``<say-as interpret-as>``,
``<break strength>``, ``<emphasis level>``, the ``amazon:`` tags' ``name`` and ``intensity``)
one it lists (`alexaskill.ssml_check._value_error`, `ssml_error`'s own check of its one table),
and each tag Amazon's SSML reference requires an attribute of (``<lang>`` its ``xml:lang``,
``<amazon:emotion>`` its ``name`` and ``intensity``, …) with it: `ssml_error`'s own check
(`alexaskill.ssml_check._missing_attribute`), as the builders always write them. Alexa refuses
the response otherwise, and the user hears its "There was a problem with the requested
skill's response"; refused here, the handler's error, the user hears the app's apology and
the log names the tag and the attribute. The count of ``<audio>`` clips is `_audio_clips`.
What a comment, a CDATA section, a processing instruction or an attribute value holds is text,
never checked. A DOCTYPE is refused (`_check_no_doctype`): the speech would hold it inside
``<speak>``; so is text after the root (`_check_after_root`: ``<speak>Hi</speak>x``), and a
``<speak>`` tag past the root (`_check_elements`: two documents run together).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Final

from ..exceptions import ResponseError
from ..ssml import _prosody_pitch, _prosody_rate, _prosody_volume
from ..ssml_check import (
    _MAX_BREAK_MS,
    _audio_src_error,
    _break_time_ms,
    _missing_attribute,
    _value_error,
)
from ..xml_text import _XML_SPACE, _speak_root

__all__: list[str] = []  # helpers for alexaskill.responses.speech

#: The markup of an SSML document, a piece at a time: a comment, a CDATA section, a processing
#: instruction (each to its end, or to the end of the text if it has none), or a tag, whose
#: quoted attribute values may hold ``>``. Group 1 is the name of a start tag. Possessive: no
#: backtracking.
_MARKUP: Final = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    r"|<(?!/)([^\s/>]++)(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>",
    re.DOTALL,
)
#: The builder of each element `_check_elements` looks at, named in its errors: those with
#: limits (``<break>``, ``<audio>``, ``<prosody>``), with a required attribute, or with a value
#: Amazon's SSML reference enumerates (``<emphasis level>``).
_BUILDERS: Final = {
    "amazon:domain": "amazon_domain",
    "amazon:effect": "amazon_effect",
    "amazon:emotion": "amazon_emotion",
    "audio": "audio",
    "break": "break_",
    "emphasis": "emphasis",
    "lang": "lang",
    "phoneme": "phoneme",
    "prosody": "prosody",
    "say-as": "say_as",
    "sub": "sub",
    "voice": "voice",
    "w": "w",
}
_NAMES: Final = "|".join(map(re.escape, sorted(_BUILDERS)))
#: A start tag of an element `_BUILDERS` names: group 1 its name, group 2 its attributes. It
#: may be text inside a comment, …: `_element_starts` tells.
_LIMITED_TAG: Final = re.compile(
    rf"""<({_NAMES})(?=[\s/>])((?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+)>"""
)
#: Where such a tag may open: the names by their first letter, so that each ``<`` of the usual
#: hand-written SSML (``<p>``, ``<s>``, their end tags) fails in a step or two.
_LIMITED_OPENING: Final = re.compile(
    r"<(?:a(?:mazon:|udio[\s/>])"
    r"|(?:break|emphasis|lang|p(?:honeme|rosody)|s(?:ay-as|peak|ub)|voice|w)[\s/>])"
)
#: What `_check_elements` says of a ``<speak>`` tag past the root's own: XML has one root, and
#: Amazon's SSML reference a ``<speak>`` at the root alone (`ssml_error` says so too).
_INNER_SPEAK: Final = (
    "<speak> inside or after its <speak> root: Alexa parses SSML as XML, which has one root, "
    "and takes <speak> at the root alone; ssml.speak(…) composes documents into one"
)
#: The checks of `alexaskill.ssml.prosody`, by attribute.
_PROSODY_CHECKS: Final = (
    ("rate", _prosody_rate),
    ("pitch", _prosody_pitch),
    ("volume", _prosody_volume),
)
#: One attribute of a tag: group 1 its name, group 2 or 3 its value (double or single quotes).
_ATTRIBUTE: Final = re.compile(r"""([^\s=/<>"']++)\s*+=\s*+(?:"([^"<]*+)"|'([^'<]*+)')""")


def _audio_clips(markup: str) -> int:
    """The ``<audio>`` elements of ``markup``: not the text ``<audio`` inside a comment, a CDATA
    section, a processing instruction or an attribute value, which play nothing."""
    return sum(1 for tag in _MARKUP.finditer(markup) if tag.group(1) == "audio")


def _pauses_ms(markup: str) -> float:
    """The milliseconds of the ``<break time>`` elements of ``markup`` (`_check_elements`
    first: a time that is no duration counts as none)."""
    total = 0.0
    for piece in _MARKUP.finditer(markup):
        if piece.group(1) == "break":
            tag = _LIMITED_TAG.match(markup, piece.start())
            time = _attributes(tag.group(2)).get("time") if tag is not None else None
            pause = _break_time_ms(time) if time is not None else None
            total += pause[0] if pause is not None else 0.0
    return total


def _attributes(attributes: str) -> dict[str, str]:
    """The attributes of a tag by name, their values unescaped; the first of a name counts."""
    values: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(attributes):
        value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        values.setdefault(attribute.group(1), html.unescape(value) if "&" in value else value)
    return values


def _element_starts(markup: str) -> frozenset[int]:
    """Where the tags of ``markup`` that are markup start: not text inside a comment, …"""
    return frozenset(piece.start() for piece in _MARKUP.finditer(markup) if piece.group(1))


#: `_tag_error` of text that is no whole tag: a ``>`` inside a quoted value ended it early.
_NO_TAG: Final = "no tag"


# The same few tags come back answer after answer (<break time="500ms"/>, <say-as
# interpret-as="digits">): their verdicts are kept, by their text up to its first ">", which
# makes a tag's check a slice and a dictionary lookup, without matching `_LIMITED_TAG`.
@functools.lru_cache(maxsize=256)
def _tag_error(text: str) -> str | None:
    """`_element_error` of ``text``, a start tag to its first ``>``; `_NO_TAG` if that is
    no whole tag (then `_LIMITED_TAG` reads the markup past it)."""
    tag = _LIMITED_TAG.fullmatch(text)
    if tag is None:
        return _NO_TAG
    return _element_error(tag.group(1), tag.group(2))


def _element_error(name: str, attributes: str) -> str | None:
    """Why a tag `_BUILDERS` names, with ``attributes``, lacks an attribute Amazon's SSML
    reference requires, has a value it enumerates that it does not list (`_value_error`, of
    `ssml_error`'s table) or breaks its limits, said as `_check_elements` says it; or None."""
    values = _attributes(attributes)
    builder = _BUILDERS[name]
    missing = _missing_attribute(name, values)
    if missing is not None:
        return f"{missing}; ssml.{builder} always writes it"
    error = _value_error(name, values)
    if error is None:
        error = _limit_error(name, values)
    if error is not None:
        return f"{error} (Amazon's SSML reference; ssml.{builder} refuses it too)"
    return None


def _limit_error(name: str, values: dict[str, str]) -> str | None:
    """Why a ``<break>``, ``<audio>`` or ``<prosody>`` tag with attributes ``values`` breaks
    Amazon's limits, or None (None for any other tag)."""
    if name == "prosody":
        for attribute, check in _PROSODY_CHECKS:
            value = values.get(attribute)
            if value is not None:
                try:
                    check(value)
                except ResponseError as exc:  # "SSML <prosody volume='+9dB'> is above …"
                    return str(exc).removeprefix("SSML ")
        return None
    if name == "break":
        time = values.get("time")
        if time is None:
            return None
        pause = _break_time_ms(time)
        if pause is None:
            return f"<break time={time!r}> is not a duration like '500ms' or '2s'"
        milliseconds = pause[0]
        if milliseconds > _MAX_BREAK_MS:
            return f"<break time={time!r}> is {milliseconds:.15g} ms; the limit is 10 s"
        return None
    if name != "audio":
        return None
    return _audio_src_error(values["src"])  # (_missing_attribute said a tag without one)


def _check_elements(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if an element of ``markup`` breaks Amazon's limits,
    lacks an attribute Amazon's SSML reference requires or has a value it does not list (see
    the module)."""
    elements: frozenset[int] | None = None  # found once, when a tag breaks the limits
    # (search, not finditer: its scanner object costs more than the search of a short speech)
    # From the second character: the markup's first tag is its <speak> root, unless a prolog
    # comes first (any other <speak> is no SSML).
    opening = _LIMITED_OPENING.search(markup, 1)
    while opening is not None:
        start = opening.start()
        opening = _LIMITED_OPENING.search(markup, start + 1)
        if markup.startswith("<speak", start):
            if start == _speak_root(markup):  # the root, after a prolog (<?xml …?>)
                continue
            error: str | None = _INNER_SPEAK
        else:
            error = _tag_error(markup[start : markup.find(">", start) + 1])
        if error is _NO_TAG:
            tag = _LIMITED_TAG.match(markup, start)
            error = None if tag is None else _element_error(tag.group(1), tag.group(2))
        if error is None:
            continue
        if elements is None:
            elements = _element_starts(markup)
        if start in elements:
            raise ResponseError(f"{field} has SSML {error}")


#: A piece of the markup of a document to the end of its root: a comment, a CDATA section, a
#: processing instruction, an end tag (group 1), or a start tag (group 2 its ``/`` if it is
#: empty), whose quoted attribute values may hold ``>``. Possessive: no backtracking.
_ROOT_PIECE: Final = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|(</)[^>]*+>"
    r"|<(?:[^>\"'/]++|/(?!>)|\"[^\"]*+\"|'[^']*+')*+(/?)>",
    re.DOTALL,
)
#: What XML 1.0 allows after the root ("Misc"): white space (space, tab, CR, LF), comments,
#: processing instructions. Possessive: no backtracking.
_AFTER_ROOT: Final = re.compile(
    rf"(?:[{_XML_SPACE}]++|<!--(?:[^-]|-(?!->))*+-->|<\?(?:[^?]|\?(?!>))*+\?>)*+"
)


def _check_after_root(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if ``markup``, a document from its ``<speak>`` root,
    holds more after the root than XML allows there (`_AFTER_ROOT`): ``<speak>Hi</speak>x``.
    Called for a document that does not end with ``</speak>`` (and white space) alone: the
    usual answer is not scanned. A root left open is not said here."""
    depth = 0
    for piece in _ROOT_PIECE.finditer(markup):
        if piece.group(1) is not None:
            depth -= 1
        elif piece.group(2) is None or piece.group(0)[1] in "!?":
            continue  # a comment, a CDATA section, a processing instruction
        elif not piece.group(2):
            depth += 1
        if depth <= 0:  # the root's end tag, or the root an empty-element tag
            after = _AFTER_ROOT.match(markup, piece.end())  # (it matches, if only nothing)
            stop = piece.end() if after is None else after.end()
            if stop < len(markup):
                raise ResponseError(
                    f"{field} has {markup[stop : stop + 40]!r} after its <speak> root: Alexa "
                    "parses SSML as XML, which holds nothing after the root but white space, "
                    "comments and processing instructions; put it inside <speak>"
                )
            return


def _check_no_doctype(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if ``markup`` has a DOCTYPE (not the text
    ``<!DOCTYPE`` of a comment or a CDATA section): the speech keeps no DOCTYPE before its
    root, and one inside ``<speak>`` is no XML."""
    if any(piece.group(1) == "!DOCTYPE" for piece in _MARKUP.finditer(markup)):
        raise ResponseError(
            f"{field} has a DOCTYPE (<!DOCTYPE …>): Amazon's SSML has none, and the speech "
            "would hold it inside <speak>, which is no XML; leave it out"
        )

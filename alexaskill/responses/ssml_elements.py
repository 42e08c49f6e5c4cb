"""The elements of hand-written SSML held to Amazon's limits, as the builders hold their own.

`alexaskill.ssml.break_`, `alexaskill.ssml.audio` and `alexaskill.ssml.prosody` refuse a pause
over 10 s, a URL Alexa cannot fetch and a prosody value out of Amazon's range;
``Ssml("<speak><break time='20s'/></speak>")`` written by hand is checked here when its speech is
built (`alexaskill.responses.SsmlSpeech`): each ``<break time>`` a duration of at most 10 s, each
``<audio>`` a ``src`` that is an HTTPS URL with a host or a ``soundbank://`` sound, each
``<prosody>`` ``rate``, ``pitch`` and ``volume`` one `alexaskill.ssml.prosody` takes. The count
of ``<audio>`` clips is `_audio_clips`. What a comment, a CDATA section, a processing
instruction or an attribute value holds is text, never checked.
A DOCTYPE is refused (`_check_no_doctype`): the speech would hold it inside ``<speak>``.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Final

from ..exceptions import ResponseError
from ..ssml import _prosody_pitch, _prosody_rate, _prosody_volume
from ..ssml_check import _MAX_BREAK_MS, _break_time_ms
from ..web_urls import _url_error

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
#: A ``<break>``, ``<audio>`` or ``<prosody>`` start tag: group 1 its name, group 2 its
#: attributes. It may be text inside a comment, …: `_element_starts` tells.
_LIMITED_TAG: Final = re.compile(
    r"""<(break|audio|prosody)(?=[\s/>])((?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+)>"""
)
#: The elements `_check_elements` looks at, by the text that opens them.
_LIMITED_OPENINGS: Final = ("<break", "<audio", "<prosody")
#: The checks of `alexaskill.ssml.prosody`, by attribute.
_PROSODY_CHECKS: Final = (
    ("rate", _prosody_rate),
    ("pitch", _prosody_pitch),
    ("volume", _prosody_volume),
)
#: One attribute of a tag: group 1 its name, group 2 or 3 its value (double or single quotes).
_ATTRIBUTE: Final = re.compile(r"""([^\s=/<>"']++)\s*+=\s*+(?:"([^"<]*+)"|'([^'<]*+)')""")


#: The builder of each element `_check_elements` looks at, named in its errors.
_BUILDERS: Final = {"break": "break_", "audio": "audio", "prosody": "prosody"}


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


# The same few tags come back answer after answer (a builder's <break time="500ms"/>): their
# verdicts are kept, which makes a tag's check a dictionary lookup.
@functools.lru_cache(maxsize=256)
def _element_error(name: str, attributes: str) -> str | None:
    """Why a ``<break>``, ``<audio>`` or ``<prosody>`` tag with ``attributes`` breaks Amazon's
    limits, or None."""
    values = _attributes(attributes)
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
    src = values.get("src")
    if src is None:
        return "<audio> has no src (Amazon's SSML reference requires one)"
    error = _url_error(src, soundbank=True)
    if error is not None:
        return f"<audio src={src[:80]!r}> is no URL Alexa can fetch: {error}"
    return None


def _check_elements(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if a ``<break>``, ``<audio>`` or ``<prosody>`` element
    of ``markup`` breaks Amazon's limits (see the module)."""
    elements: frozenset[int] | None = None  # found once, when a tag breaks the limits
    for opening in _LIMITED_OPENINGS:
        start = markup.find(opening)
        while start >= 0:
            tag = _LIMITED_TAG.match(markup, start)
            if tag is not None:
                error = _element_error(tag.group(1), tag.group(2))
                if error is not None:
                    if elements is None:
                        elements = _element_starts(markup)
                    if start in elements:
                        raise ResponseError(
                            f"{field} has SSML {error} (Amazon's SSML reference; "
                            f"ssml.{_BUILDERS[tag.group(1)]} refuses it too)"
                        )
            start = markup.find(opening, start + len(opening))


def _check_no_doctype(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if ``markup`` has a DOCTYPE (not the text
    ``<!DOCTYPE`` of a comment or a CDATA section): the speech keeps no DOCTYPE before its
    root, and one inside ``<speak>`` is no XML."""
    if any(piece.group(1) == "!DOCTYPE" for piece in _MARKUP.finditer(markup)):
        raise ResponseError(
            f"{field} has a DOCTYPE (<!DOCTYPE …>): Amazon's SSML has none, and the speech "
            "would hold it inside <speak>, which is no XML; leave it out"
        )

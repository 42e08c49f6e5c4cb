"""A hand-written SSML tag's attributes, as Amazon's SSML reference gives them: one it requires
missing, a value it enumerates that it does not list, a blank ``<sub alias>`` or ``<phoneme
ph>``, an ``<audio src>`` Alexa cannot fetch, a ``<break time>`` that is no duration of at most
10 s or not in the form the reference writes.

Each check is the one of the builders (`alexaskill.ssml`), of `alexaskill.ssml_check.ssml_error`
(the test tools) and of the speech a handler builds (`alexaskill.responses.SsmlSpeech`), said in
the same words.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from typing import Final

from .shown_names import shown_value
from .ssml_reference import _ALSO_TAKEN, _ENUMERATED, _REQUIRED, _SAYING
from .ssml_text import _BLANK
from .web_urls import _url_error
from .xml_text import _XML_SPACE

__all__: list[str] = []  # checks for alexaskill.ssml, alexaskill.ssml_check and the app's

# Longest pause ``<break time>`` allows, in milliseconds.
_MAX_BREAK_MS: Final = 10_000
#: A ``<break time>``: a number and its unit, within XML 1.0's white space alone (`_XML_SPACE`,
#: as the simulator's page reads it: static/ssml.js, ``breakMs``), ASCII digits alone.
_BREAK_TIME: Final = re.compile(
    rf"[{_XML_SPACE}]*+(\d++(?:\.\d++)?|\.\d++)(ms|s)[{_XML_SPACE}]*+", re.I | re.ASCII
)


def _break_time_ms(time: str) -> tuple[float, str] | None:
    """The pause a ``<break time>`` value says in milliseconds, and the value as the builder
    writes it ("1s" for " 1S"); None if it is no duration."""
    match = _BREAK_TIME.fullmatch(time)
    if match is None:
        return None
    number, unit = match.group(1), match.group(2).lower()
    return float(number) * (1000 if unit == "s" else 1), number + unit


def _break_error(time: str) -> str | None:
    """Why a hand-written ``<break time>`` is none Amazon's SSML reference writes, or None.

    Its reference gives a number and ``s`` or ``ms``, at most 10 s (so does Amazon Polly's
    break page). A time with the unit in capitals or white space round it ("5S", " 2s ") is
    read as a duration (the builder writes ``break_("5S")`` as ``time="5s"``), but written by
    hand it is in a form the reference never shows: said with the form to write, as an
    enumerated value in another case (``level="Strong"``) is. The one rule of both `ssml_error`
    and the speech a handler builds (`alexaskill.responses.SsmlSpeech`).
    """
    pause = _break_time_ms(time)
    if pause is None:
        return (
            f"<break time={shown_value(time)}> is not a duration like '500ms' or '2s', at most 10 s"
        )
    milliseconds, written = pause
    if milliseconds > _MAX_BREAK_MS:
        return f"<break time={shown_value(time)}> is {milliseconds:,.15g} ms; the limit is 10 s"
    if written != time:
        return (
            f"<break time={shown_value(time)}>: write {shown_value(written)} (Amazon's SSML "
            "reference: a number, then s or ms in lower case, nothing round them)"
        )
    return None


def _missing_attribute(tag: str, attributes: Container[str]) -> str | None:
    """Why ``tag`` lacks an attribute Amazon's SSML reference requires of it (`_REQUIRED`), or
    None: the one check of both `ssml_error` and the speech a handler builds
    (`alexaskill.responses.SsmlSpeech`)."""
    for name in _REQUIRED.get(tag, ()):
        if name not in attributes:
            return f"<{tag}> has no {name} (Amazon's SSML reference requires one)"
    return None


def _blank_error(tag: str, attribute: str, read: str, given: str | None = None) -> str | None:
    """Why a ``<sub alias>`` or ``<phoneme ph>`` is blank, the text XML reads of it being
    ``read`` (``given``: the value as given, shown, if not that), or None: Alexa refuses an
    empty ``<phoneme ph>``, and a blank ``<sub alias>`` leaves its text unsaid. The one rule of
    the builders (`alexaskill.ssml.sub`, `alexaskill.ssml.phoneme`), `ssml_error` and the
    speech a handler builds (`alexaskill.responses.SsmlSpeech`), said in the same words. Blank
    is what says and shows nothing, as of speech (`alexaskill.ssml_text._BLANK`: white space,
    a zero-width space, …)."""
    if _BLANK.fullmatch(read) is None:
        return None
    shown = read if given is None else given
    blank = f"blank ({shown!r})" if read else "empty"
    return f"<{tag} {attribute}> is {blank}; give what to say"


def _saying_error(tag: str, attributes: Mapping[str, str]) -> str | None:
    """`_blank_error` of the attribute of ``tag`` that says what to speak (`_SAYING`: ``<sub
    alias>``, ``<phoneme ph>``), its value as XML reads it, or None (none blank, or no such
    attribute: `_missing_attribute` says that): `ssml_error`'s check and the app's."""
    name = _SAYING.get(tag)
    if name is None or name not in attributes:
        return None
    return _blank_error(tag, name, attributes[name])


def _audio_src_error(src: str) -> str | None:
    """Why ``src``, an ``<audio>`` tag's, is no URL Alexa can fetch (HTTPS with a host, or a
    sound of Amazon's library: `alexaskill.web_urls._url_error`), or None: the one check of
    both `ssml_error` and the speech a handler builds (`alexaskill.responses.SsmlSpeech`)."""
    error = _url_error(src, soundbank=True)
    return (
        None
        if error is None
        else f"<audio src={shown_value(src)}> is no URL Alexa can fetch: {error}"
    )


def _attributes_error(tag: str, attributes: dict[str, str]) -> str | None:
    """Why the attributes of ``tag`` are not those Amazon's SSML reference gives it, or None:
    one it requires missing, a value it enumerates that it does not list, or a ``<sub alias>``
    or ``<phoneme ph>`` blank (`_saying_error`): said in the app's order, Amazon's reference
    first (`alexaskill.responses.ssml_elements._element_error`), as the builders check them.

    Not refused, though `alexaskill.ssml`'s builders never write them: a ``<break>`` with both
    a time and a strength (W3C's SSML takes both, the time winning; Amazon's reference does not
    say Alexa refuses it), a ``format`` on a ``<say-as>`` that is no date (the reference says
    it is "only used" with a date, not that another fails the response). A check that fails
    a test on what Alexa may well speak would be worse than none."""
    missing = _missing_attribute(tag, attributes)
    if missing is not None:
        return missing
    return _value_error(tag, attributes) or _saying_error(tag, attributes)


def _value_error(tag: str, attributes: dict[str, str]) -> str | None:
    """Why a value of an enumerated attribute of ``tag`` is none Alexa knows (`_ENUMERATED`),
    or None: the one check of both `ssml_error` and the speech a handler builds
    (`alexaskill.responses.SsmlSpeech`)."""
    for name, value in attributes.items():
        allowed = _ENUMERATED.get((tag, name))
        if allowed is not None and value not in allowed + _ALSO_TAKEN.get((tag, name), ()):
            choices = ", ".join(repr(a) for a in allowed)
            said = f"<{tag} {name}={shown_value(value)}>"
            return f"{said} is not a value Alexa accepts; use one of {choices}"
    return None

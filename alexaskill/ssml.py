"""SSML building and escaping.

`Ssml` is a ``str`` subclass that means "this is SSML markup, already safe", in the way
``markupsafe.Markup`` means "this is HTML". The rule that follows from it is the whole point of
the module: wherever alexaskill expects speech, a plain ``str`` is plain text and is never read as
markup (so a slot value such as ``"<audio src='…'/>"`` or ``"Tom & Jerry"`` cannot inject tags or
break the document), while an `Ssml` value is markup and goes out verbatim.

Ways to get an `Ssml` value:

- the builders below (`speak`, `break_`, `emphasis`, `say_as`, …): plain ``str`` parts are
  escaped, `Ssml` parts are kept, enumerated attribute values are checked against Amazon's SSML
  reference and a wrong one raises `ResponseError` naming the tag and attribute;
- composition: ``Ssml + str`` and ``str + Ssml`` escape the plain side, ``Ssml(" ").join(parts)``
  escapes plain parts (f-strings and ``%`` do not: their result is a plain ``str``, spoken as
  text);
- ``Ssml("<speak>Hi <break time='1s'/></speak>")``: the raw escape hatch; the author vouches for
  its markup. Its speech is held to the limits the builders hold their own arguments to (each
  ``<break time>`` at most 10 s, each ``<audio src>`` a URL Alexa can fetch, five clips, each
  tag with the attributes Amazon's reference requires of it and among the tags it lists,
  elements that nest, each ``&`` a reference XML reads and each ``<`` a tag, nothing but
  something to say, each tag, comment and text as XML writes them (`alexaskill.xml_markup`:
  an unquoted attribute value is refused, and each ``<break time>`` written as Amazon's
  reference writes it: ``'5S'`` is refused, with the ``'5s'`` to write, as `ssml_error` says
  it): `alexaskill.responses.SsmlSpeech`), but its XML is not parsed at run time. The test tools
  check every answer's SSML as Alexa parses it (`ssml_error`: well-formed XML, ``<speak>`` at
  the root, only the tags and enumerated values Amazon's reference lists) and fail the test,
  or end the simulated session with Alexa's "There was a problem with the requested skill's
  response".

A fragment without the ``<speak>`` root is fine: `speak` and the response wrap it. `speak` also
unwraps the ``<speak>`` root of parts it is given, so SSML documents compose; so do ``+``, ``*``
and ``join``: when a side is a ``<speak>`` document, the result is one document with one root.
A part with a DOCTYPE is refused where it is composed: Alexa's SSML has none, and it cannot
stand inside the composed root; so is an `Ssml` part that leaves a comment, a CDATA section or a
processing instruction open, which would swallow what follows it, or that ends in markup cut
short (``a <!-``, ``<bre``), or holds some that a ``<speak>`` tag composing drops ends
(``<speak>x <p</speak>``), which the text after it would finish (by `speak`, the element
builders, ``+``, ``*`` and ``join`` alike, naming the part; a document given to `speak` alone
composes with nothing, and one with such a fault, or any other, is the result as written from
its root, refused where it is used, in that field's words: two roots run together in one part,
``speak(Ssml("<speak>a</speak><speak>b</speak>"))``, as the same `Ssml` given as speech). A
plain ``str`` part is text, escaped: its ``<!--`` opens nothing, nor does it finish a part's.

Amazon's sound library is addressed as ``soundbank://…``; `audio` accepts that besides HTTPS.
Voice names and ``xml:lang`` values are checked for shape only (Amazon adds voices and locales),
everything else enumerated is checked against the full list.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from typing import Final

from .exceptions import ResponseError
from .shown_names import shown_value
from .ssml_attributes import _MAX_BREAK_MS, _blank_error, _break_error, _break_time_ms
from .ssml_check import PROBLEM_WITH_RESPONSE as PROBLEM_WITH_RESPONSE  # (not in __all__)
from .ssml_check import response_ssml_error, ssml_error, strip_tags
from .ssml_compose import Ssml, _Checked, _content, _made, escape, speak
from .ssml_prosody import _prosody_pitch, _prosody_rate, _prosody_volume
from .ssml_reference import (
    _ALPHABETS,
    _BREAK_STRENGTHS,
    _DATE_FORMATS,
    _DOMAINS,
    _EFFECTS,
    _EMOTIONS,
    _EMPHASIS_LEVELS,
    _INTENSITIES,
    _INTERPRET_AS,
    _WORD_ROLES,
)
from .web_urls import _url_error
from .xml_references import _ESCAPING_A_VALUE, _reference_error, _xml_unescape

__all__ = [
    "Ssml",
    "amazon_domain",
    "amazon_effect",
    "amazon_emotion",
    "audio",
    "break_",
    "emphasis",
    "escape",
    "lang",
    "p",
    "phoneme",
    "prosody",
    "response_ssml_error",
    "s",
    "say_as",
    "speak",
    "ssml_error",
    "strip_tags",
    "sub",
    "voice",
    "w",
]


def _element(tag: str, attributes: dict[str, str], parts: Iterable[str]) -> Ssml:
    attrs = "".join(
        f' {name}="{_attribute(tag, name, value)}"' for name, value in attributes.items()
    )
    return _made(f"<{tag}{attrs}>{_content(parts)}</{tag}>", parts)


#: A tab, a newline and a carriage return as character references: XML's attribute-value
#: normalisation reads each written as it is as a space, and a reference as its character.
_WHITE_SPACE_KEPT: Final = str.maketrans({"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


def _attribute(tag: str, name: str, value: str) -> str:
    """An attribute's value, escaped, its white space as references (`_WHITE_SPACE_KEPT`): XML
    reads the text given, a str's CR, LF and tab each itself. An attribute holds text, never
    markup: `Ssml` given is read as the text it says, as XML reads it in text (`_xml_unescape`:
    a CR LF or a CR a LF, ``&#13;`` a CR, ``&#x85;`` U+0085), then escaped; one holding a tag
    is refused, and so is one with an ``&`` XML does not read (HTML's ``&eacute;``, a bare
    ``&``: `_reference_error`), as `ssml_error` and Alexa refuse the value written by hand, in
    the same words but the advice (a str, not ssml.speak)."""
    if not isinstance(value, Ssml):
        return escape(value).translate(_WHITE_SPACE_KEPT)
    if "<" in value:
        raise ResponseError(
            f"SSML <{tag} {name}> is given markup ({shown_value(str.__str__(value))}): an "
            "attribute holds text; give a str"
        )
    text = str.__str__(value)
    error = _reference_error(text, _ESCAPING_A_VALUE)  # (quick without an "&")
    if error is not None:
        raise ResponseError(f"SSML <{tag} {name}> value {shown_value(text)}: {error}")
    # (A plain str: its quotes and ">" escaped.)
    return escape(_xml_unescape(text)).translate(_WHITE_SPACE_KEPT)


def _choose(tag: str, attribute: str, value: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ResponseError(
            f"SSML <{tag} {attribute}={shown_value(value)}> is not allowed; use one of {choices}"
        )
    return value


#: A ``<break time>`` value: a number immediately followed by its unit, s or ms ("2s", "500ms":
#: Amazon's SSML reference; W3C SSML's time designation). White space round it and the unit's
#: case are forgiven; "2 s", "2" or "1m" are no duration. The one reading of a time, for the
#: builder and for hand-written SSML (`alexaskill.responses.SsmlSpeech`, progressive responses).
def _break_ms(time: str | float | datetime.timedelta) -> tuple[float, str]:
    """The pause in milliseconds and the ``time`` attribute that says it."""
    if isinstance(time, str):
        pause = _break_time_ms(time)
        if pause is None:  # said as the checker says it (`_break_error`: no duration)
            raise ResponseError(f"SSML {_break_error(time)}")
        return pause
    if isinstance(time, datetime.timedelta):
        milliseconds = time / datetime.timedelta(milliseconds=1)
    elif isinstance(time, int | float) and not isinstance(time, bool):
        try:
            milliseconds = float(time)
        except OverflowError:  # an int past any float: past the limit as well
            milliseconds = math.inf
    else:
        raise ResponseError(
            "SSML <break time> takes '500ms', '2s', milliseconds or a timedelta, not "
            f"{shown_value(time)}"
        )
    if not milliseconds >= 0:  # NaN too, which no comparison holds
        raise ResponseError(f"SSML <break time> is negative or not a number: {shown_value(time)}")
    if milliseconds > _MAX_BREAK_MS:  # refused by break_: said as it is (infinity has no round)
        return milliseconds, f"{milliseconds:.15g}ms"
    # Whole milliseconds: Alexa's own examples never use fractions.
    return milliseconds, f"{round(milliseconds)}ms"


def break_(
    time: str | float | datetime.timedelta | None = None, strength: str | None = None
) -> Ssml:
    """A pause: ``time`` ('500ms', '2s', milliseconds or a timedelta; ≤ 10 s) or ``strength``."""
    if time is not None and strength is not None:
        raise ResponseError("SSML <break> takes a time or a strength, not both")
    if strength is not None:
        _choose("break", "strength", strength, _BREAK_STRENGTHS)
        # The text it holds: str() of a str Enum's member says "Pause.WEAK".
        return _Checked(f'<break strength="{str.__str__(strength)}"/>')
    if time is None:
        return _Checked("<break/>")
    milliseconds, attribute = _break_ms(time)
    if milliseconds > _MAX_BREAK_MS:
        raise ResponseError(
            f"SSML <break time={shown_value(attribute)}> is {milliseconds:,.15g} ms; the limit is "
            "10 s"
        )
    return _Checked(f'<break time="{attribute}"/>')


def emphasis(text: str, level: str = "moderate") -> Ssml:
    """Text spoken with emphasis ``level``: 'strong', 'moderate' or 'reduced'."""
    _choose("emphasis", "level", level, _EMPHASIS_LEVELS)
    return _element("emphasis", {"level": level}, (text,))


def say_as(text: str, interpret_as: str, format: str | None = None) -> Ssml:
    """Text read as ``interpret_as`` ('digits', 'date', 'spell-out', …); ``format`` for dates."""
    _choose("say-as", "interpret-as", interpret_as, _INTERPRET_AS)
    attributes = {"interpret-as": interpret_as}
    if format is not None:
        if interpret_as != "date":
            raise ResponseError(
                "SSML <say-as format> only goes with interpret-as='date', not "
                f"{shown_value(interpret_as)}"
            )
        attributes["format"] = _choose("say-as", "format", format, _DATE_FORMATS)
    return _element("say-as", attributes, (text,))


#: Characters of speech Alexa accepts (`alexaskill.responses.MAX_SPEECH`, tags included).
_MAX_SPEECH: Final = 8000


def audio(src: str) -> Ssml:
    """A short recorded clip from an HTTPS URL with a host (or a sound of Amazon's library,
    ``soundbank://soundlibrary/…``); a URL Alexa cannot fetch raises `ResponseError` here."""
    error = _url_error(src, soundbank=True) if isinstance(src, str) else "it is not a str"
    if error is not None:
        raise ResponseError(
            f"SSML <audio src={shown_value(src)}> is no URL Alexa can fetch: {error}; use an "
            "https:// URL with a host, or a soundbank:// sound"
        )
    element = _Checked(f'<audio src="{_attribute("audio", "src", src)}"/>')
    if len(element) + len("<speak></speak>") > _MAX_SPEECH:
        raise ResponseError(
            f"SSML <audio src={shown_value(src)}> is {len(element) + 15:,} characters as speech "
            f"(<speak> and the escaped tag included); speech holds at most {_MAX_SPEECH:,}"
        )
    return element


def prosody(
    text: str, rate: str | None = None, pitch: str | None = None, volume: str | None = None
) -> Ssml:
    """Text with changed ``rate`` ('slow', '80%'), ``pitch`` ('high', '+10%'), ``volume``."""
    attributes: dict[str, str] = {}
    if rate is not None:
        attributes["rate"] = _prosody_rate(rate)
    if pitch is not None:
        attributes["pitch"] = _prosody_pitch(pitch)
    if volume is not None:
        attributes["volume"] = _prosody_volume(volume)
    if not attributes:
        raise ResponseError("SSML <prosody> needs a rate, a pitch or a volume")
    return _element("prosody", attributes, (text,))


def p(*parts: str) -> Ssml:
    """A paragraph: the parts, with a longer pause around them."""
    return _element("p", {}, parts)


def s(*parts: str) -> Ssml:
    """A sentence: the parts, with a sentence pause after them."""
    return _element("s", {}, parts)


def _said(tag: str, attribute: str, value: str) -> str:
    """``value``, an attribute that says what to speak, unless it is blank (once the characters
    XML cannot hold are spaces, and references read as XML reads them: `Ssml`'s ``&#32;``):
    then `ResponseError`, since Alexa refuses an empty ``<phoneme ph>``, and an empty ``<sub
    alias>`` leaves the text unsaid."""
    said = escape(value)  # None or an Enum member: its ResponseError; a number: its digits
    blank = _blank_error(tag, attribute, _xml_unescape(said), value)  # (quick without an "&")
    if blank is not None:
        raise ResponseError(f"SSML {blank}")
    # As given, not escaped: `_attribute` reads Ssml as the text it says, where a CR is a LF,
    # and a str's CR is its own.
    return value


def sub(text: str, alias: str) -> Ssml:
    """Text that is written as ``text`` but spoken as ``alias`` (not blank)."""
    return _element("sub", {"alias": _said("sub", "alias", alias)}, (text,))


def phoneme(text: str, ph: str, alphabet: str = "ipa") -> Ssml:
    """Text pronounced as ``ph`` (not blank) in ``alphabet``: 'ipa', 'x-sampa', or Amazon's
    'x-amazon-jyutping', 'x-amazon-pinyin', 'x-amazon-pron-kana', 'x-amazon-yomigana'."""
    _choose("phoneme", "alphabet", alphabet, _ALPHABETS)
    return _element("phoneme", {"alphabet": alphabet, "ph": _said("phoneme", "ph", ph)}, (text,))


_LOCALE = re.compile(r"[a-z]{2,3}-[A-Z]{2}")


def lang(text: str, xml_lang: str) -> Ssml:
    """Text spoken in the language and accent of locale ``xml_lang`` (e.g. 'fr-FR')."""
    if not isinstance(xml_lang, str) or not _LOCALE.fullmatch(xml_lang):
        raise ResponseError(
            f"SSML <lang xml:lang={shown_value(xml_lang)}> is not a locale like 'en-US'"
        )
    return _element("lang", {"xml:lang": xml_lang}, (text,))


def voice(text: str, name: str) -> Ssml:
    """Text spoken by the Amazon Polly voice ``name`` (e.g. 'Matthew')."""
    if not isinstance(name, str) or not name.isalpha():
        raise ResponseError(
            f"SSML <voice name={shown_value(name)}> is not a voice name like 'Matthew'"
        )
    return _element("voice", {"name": name}, (text,))


def w(text: str, role: str) -> Ssml:
    """A word read as ``role``: 'amazon:VB', 'amazon:VBD', 'amazon:NN' or 'amazon:SENSE_1' (the
    names Amazon's SSML reference writes now; `ssml_error` takes its earlier 'ivona:VB', …)."""
    _choose("w", "role", role, _WORD_ROLES)
    return _element("w", {"role": role}, (text,))


def amazon_effect(text: str, name: str = "whispered") -> Ssml:
    """Text spoken with an effect; Alexa knows only 'whispered'."""
    _choose("amazon:effect", "name", name, _EFFECTS)
    return _element("amazon:effect", {"name": name}, (text,))


def amazon_emotion(text: str, name: str, intensity: str = "medium") -> Ssml:
    """Text spoken 'excited' or 'disappointed', at intensity 'low', 'medium' or 'high'."""
    _choose("amazon:emotion", "name", name, _EMOTIONS)
    _choose("amazon:emotion", "intensity", intensity, _INTENSITIES)
    return _element("amazon:emotion", {"name": name, "intensity": intensity}, (text,))


def amazon_domain(text: str, name: str) -> Ssml:
    """Text in a speaking style: 'conversational', 'long-form', 'music', 'news' or 'fun'."""
    _choose("amazon:domain", "name", name, _DOMAINS)
    return _element("amazon:domain", {"name": name}, (text,))

"""What a user hears of an answer's SSML, as text: for `SkillResponse.speech`, ``client.say()``,
``alexaskill chat`` and ``replay``. Its words, pauses and clips are those the simulator's page
says (static/ssml.js, held to this reading by tests/test_simulator_browser_ssml.py), by
Amazon's SSML reference: a ``<p>`` with x-strong breaks around it, an ``<s>`` ending with a
strong one, ``<say-as>`` characters, spell-out and digits one by one; words apart at an element
that shapes the voice. What only a voice has (rate, pitch, volume, language) is not written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from .graphemes import graphemes
from .ssml import strip_tags
from .ssml_attributes import _MAX_BREAK_MS, _break_time_ms
from .ssml_check import _SPACES, _WHITE_SPACE
from .xml_text import _SPEAK_START, _XML_SPACE

__all__ = ["spoken_text"]

#: Alexa's longest pause, in milliseconds (Amazon's SSML reference, ``<break time>``).
_MAX_PAUSE_MS: Final = _MAX_BREAK_MS
#: Tags whose words are apart from those around them: the root, and those that shape the voice
#: (the simulator's page says them as a part of their own). Amazon's SSML reference does not say
#: whether a tag parts words; others (``<voice>``, ``<w>``, ``<phoneme>``, ...) join them.
_SPACED_TAGS: Final = frozenset({"speak", "emphasis", "prosody", "effect", "lang"})
#: Nothing but white space (`_WHITE_SPACE`: not U+0085 nor U+FEFF, text in XML 1.0 and on the
#: page alike).
_BLANK = re.compile(f"[{_WHITE_SPACE}]*+")
#: The white space (`_WHITE_SPACE`) at either end of a text: what is stripped of an ``<audio
#: src>``, as the page (static/ssml.js, ``EDGES``) strips it; not ``str.strip``'s (U+0085).
_EDGES = re.compile(rf"\A[{_WHITE_SPACE}]++|[{_WHITE_SPACE}]++\Z")
#: A digit as the page's voice tells one (JavaScript's ``\d``: ASCII alone).
_DIGIT = re.compile("[0-9]")

# Pauses as the simulator's page reads them (static/ssml.js): a <break> by its time (at most
# 10 s) or strength.
_STRENGTH_MS: Final = {
    "none": 0,
    "x-weak": 0,
    "weak": 300,
    "medium": 300,
    "strong": 600,
    "x-strong": 900,
}
#: A paragraph's pause, before and after it, and a sentence's, after it (Amazon's SSML reference:
#: ``<p>`` as x-strong breaks around it, ``<s>`` as a strong break).
_SENTENCE_MS: Final = {"p": float(_STRENGTH_MS["x-strong"]), "s": float(_STRENGTH_MS["strong"])}
#: A ``<speak>`` root and the white space before it, as `alexaskill.xml_text` finds a document's
#: root (its XML 1.0 white space alone: "\u3000<speak>…" is text and a document, which the
#: speech a skill builds composes into one, and is read so).
_AMAZON_PREFIX = re.compile(rf"\A[{_XML_SPACE}]*+{_SPEAK_START}")
#: Half a UTF-16 pair, which a JSON answer may escape ("\ud800") and no XML parser encodes.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _pause_ms(attributes: Mapping[str, str]) -> float:
    """A ``<break>``'s pause: its time read as the builders read it (`alexaskill.ssml`; "2 s"
    or other digits than ASCII are no duration), at most 10 s; else its strength's."""
    pause = _break_time_ms(attributes.get("time", ""))
    if pause is not None:
        return min(pause[0], _MAX_PAUSE_MS)
    strength = attributes.get("strength") or "medium"
    return float(_STRENGTH_MS.get(strength, 300))  # a float, as pauses in a row merge


def _said_as(interpret_as: str | None, text: str) -> str:
    """A ``<say-as>``'s words: letters one by one for ``characters`` and ``spell-out`` (each a
    character as the user sees it, as the simulator's page cuts them: `graphemes`), digits for
    ``digits`` (Amazon's SSML reference); any other kind as written."""
    if interpret_as in ("characters", "spell-out"):
        return " ".join(graphemes(text))
    if interpret_as == "digits":
        return _DIGIT.sub(r" \g<0> ", text)
    return text


def spoken_text(markup: str, *, pauses: bool = False, clips: bool = True) -> str:
    """What a user hears of SSML, as text: ``<sub>`` said as its alias, each ``<audio>`` clip as
    ``[audio: URL]`` (left out without ``clips``: the words alone, as `SkillResponse.speech`);
    each pause (a ``<break>``, around a ``<p>``, after an ``<s>``) as nothing, or with ``pauses``
    as ``[pause 0.7 s]`` (as the simulator shows it). Markup that is not XML falls back to
    `strip_tags`."""
    from xml.etree import ElementTree

    markup = _SURROGATE.sub("\ufffd", markup)  # said as the replacement character
    # A U+FEFF first is the byte order mark, neither markup nor text (XML 1.0, 4.3.3), as the
    # page takes it; anywhere else, a zero-width no-break space of the text.
    markup = markup.removeprefix("\ufeff")
    source = markup if _AMAZON_PREFIX.match(markup) else f"<speak>{markup}</speak>"
    # Alexa's own tags use the amazon: prefix without declaring it.
    source = _AMAZON_PREFIX.sub('<speak xmlns:amazon="urn:alexaskill:amazon"', source, count=1)
    # No DOCTYPE, so no entities to expand (nor does Alexa take one): any text "<!DOCTYPE", a
    # comment's too, is enough (XML's names are case-sensitive: "<!doctype" is no XML, which
    # the parser refuses below). Comments and CDATA sections, which Alexa takes, are read.
    if "<!DOCTYPE" in source:
        return strip_tags(markup)
    try:
        root = ElementTree.fromstring(source)  # noqa: S314 - no DOCTYPE: checked above
    except ElementTree.ParseError:
        return strip_tags(markup)
    parts: list[str | float] = []  # words, and pauses in milliseconds

    def pause(ms: float) -> None:
        while parts and isinstance(parts[-1], str) and _BLANK.fullmatch(parts[-1]):
            parts.pop()  # pauses with only spaces between are one, as the page shows
        if parts and isinstance(parts[-1], float):
            parts[-1] = min(parts[-1] + ms, _MAX_PAUSE_MS)
        else:
            parts.append(ms)

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            name = child.tag.rpartition("}")[2]
            if name == "break":
                pause(_pause_ms(child.attrib))
            elif name in _SENTENCE_MS:  # <p> and <s>: a sentence ends as a strong break does
                if name == "p":
                    pause(_SENTENCE_MS[name])
                parts.append(" " + (child.text or ""))
                walk(child)
                pause(_SENTENCE_MS[name])
            elif name == "audio":  # without a source, no clip: the words apart all the same
                # White space around the source is none of its URL (`ssml_error` says Alexa
                # refuses it; the page's player fetches the URL within, and shows it so).
                src = _EDGES.sub("", child.get("src", ""))
                parts.append(f" [audio: {src}] " if clips and src else " ")
            elif name == "say-as":  # its words apart from those around it, as the page's
                parts.append(f" {_said_as(child.get('interpret-as'), ''.join(child.itertext()))} ")
            elif name == "sub" and child.get("alias") is not None:
                parts.append(child.get("alias", ""))  # in place of its words, as the page says it
            else:
                parts.append(" " + (child.text or "") if name in _SPACED_TAGS else child.text or "")
                walk(child)
                parts.append(" " if name in _SPACED_TAGS else "")
            parts.append(child.tail or "")

    parts.append(root.text or "")
    try:
        walk(root)
    except RecursionError:  # nested past Python's limit (SSML from a server of any kind)
        return strip_tags(markup)
    words = []
    for part in parts:
        if isinstance(part, str):
            words.append(part)
        elif pauses and part > 0:
            seconds = f"{part / 1000:.1f}" if part % 1000 else f"{part / 1000:.0f}"
            words.append(f" [pause {seconds} s] ")
        else:
            words.append(" ")
    return _SPACES.sub(" ", "".join(words)).strip(" ")

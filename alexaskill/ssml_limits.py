"""The limits of a speech as a whole: its length, its ``<audio>`` clips, and that it says something.

The one check of both the speech a handler builds (`alexaskill.responses.SsmlSpeech`, and plain
text: `alexaskill.responses.PlainTextSpeech`) and the test tools' reading of an answer's SSML
(`alexaskill.ssml.ssml_error`), said in the same words, the speech named as each names it.
"""

from __future__ import annotations

import re
from typing import Final

from .shown_names import shown_value
from .ssml_scan import _markup
from .ssml_text import _BLANK as _BLANK  # (alexaskill.responses reads it here)
from .ssml_text import _BLANK_CHARACTERS as _BLANK_CHARACTERS

__all__: list[str] = []  # helpers; MAX_SPEECH and MAX_AUDIO_CLIPS are alexaskill.responses'

#: Characters of speech (the text, or the whole SSML document) Alexa accepts. Counted in code
#: points (``len``): Amazon's Request and Response JSON Reference says "characters" without
#: saying whether an emoji counts once or, as UTF-16 units, twice.
MAX_SPEECH: Final = 8000
#: ``<audio>`` clips in one SSML speech. Amazon's SSML reference (``audio``) allows five in a
#: response; its Request and Response JSON Reference sets the audio limits of a response per
#: property (240 s of clips in ``outputSpeech``, 90 s in ``reprompt``), so the speech and the
#: reprompt are counted each, as Alexa plays them: the reprompt only if the user is silent.
MAX_AUDIO_CLIPS: Final = 5

#: SSML elements that say only what they hold (``<sub>`` says its alias and ``<phoneme>`` its
#: ``ph``, even empty; ``<break>`` is a pause and ``<audio>`` a clip, all something to hear; an
#: element not named here is taken to say something, as it may).
_WRAPPERS: Final = (
    "speak|p|s|emphasis|prosody|lang|voice|say-as|w|amazon:effect|amazon:emotion|amazon:domain"
)
#: The attributes of a tag, after its name: quoted values may hold ``>`` (XML allows it there),
#: never ``<``. Possessive: no backtracking.
_ATTRIBUTES: Final = r"""(?:\s(?:[^<>"']++|"[^<"]*+"|'[^<']*+')*+)?"""
#: SSML with nothing to hear: characters of `_BLANK`, comments, processing instructions, CDATA
#: sections of `_BLANK` characters, and the tags of elements in `_WRAPPERS` (the ``<speak>``
#: root, an empty ``<p>``: ``ssml.p(feed)`` of a feed that returned ""). Possessive: no
#: backtracking.
_NOTHING_SAID: Final = re.compile(
    rf"(?:[{_BLANK_CHARACTERS}]++|<!--(?:[^-]|-(?!->))*+-->|<\?(?:[^?]|\?(?!>))*+\?>"
    rf"|<!\[CDATA\[[{_BLANK_CHARACTERS}]*+\]\]>"
    rf"|</?(?:{_WRAPPERS})(?=[\s/>]){_ATTRIBUTES}/?>)*+"
)
#: A character reference (``&#8203;``, ``&#x200B;``): XML reads it as the character; or a CDATA
#: section (group 3), whose ``&#8203;`` is those seven characters, never a reference.
_CHARACTER_REFERENCE: Final = re.compile(
    r"&#(?:([0-9]++)|x([0-9a-fA-F]++));|(<!\[CDATA\[.*?(?:\]\]>|\Z))", re.DOTALL
)


def _blank_reference(reference: re.Match[str]) -> str:
    """The character a reference stands for if it is blank (`_BLANK`), else the reference (or
    the CDATA section, as it is)."""
    decimal, hexadecimal, cdata = reference.groups()
    if cdata is not None:
        return cdata
    digits = (decimal or hexadecimal).lstrip("0")
    if len(digits) > 7:  # past any character (and int() refuses 4300 digits)
        return reference.group()
    code = int(digits or "0", 10 if decimal is not None else 16)
    if code <= 0x10FFFF and _BLANK.fullmatch(chr(code)) is not None:
        return chr(code)
    return reference.group()


def _says_nothing(markup: str) -> bool:
    """Whether SSML ``markup`` has nothing to hear (`_NOTHING_SAID`), character references to
    blank characters (``<speak>&#8203;</speak>``) read as those characters. A reference to any
    other character stays a reference, which says something (``&#60;`` is "<", never a tag)."""
    if _NOTHING_SAID.fullmatch(markup) is not None:
        return True
    if "&#" not in markup:
        return False
    return _NOTHING_SAID.fullmatch(_CHARACTER_REFERENCE.sub(_blank_reference, markup)) is not None


def _audio_clips(markup: str) -> int:
    """The ``<audio>`` elements of ``markup``: not the text ``<audio`` inside a comment, a CDATA
    section, a processing instruction or an attribute value, which play nothing."""
    return sum(1 for tag in _markup().finditer(markup) if tag.group(1) == "audio")


def _silence_fault(subject: str, speech: str) -> str:
    """Why Alexa refuses ``speech`` that says nothing, named ``subject``, without advice: all a
    progressive response's words (`alexaskill.services.progressive`), an answer's first."""
    return f"{subject} says nothing ({shown_value(str.__str__(speech))}): Alexa refuses such speech"


def _nothing_fault(subject: str, speech: str) -> str:
    """What is said of ``speech`` that says nothing (`_says_nothing`, or blank plain text),
    named ``subject``."""
    return (
        f"{_silence_fault(subject, speech)}, and the user "
        'hears "There was a problem with the requested skill\'s response". To say nothing, '
        "leave it out: Response(should_end_session=True) ends the session in silence, and "
        "speak(…, end_session=False) listens without a reprompt"
    )


def _length_fault(subject: str, markup: str) -> str | None:
    """Why the SSML ``markup`` (as sent: from its root) is too long, or None."""
    if len(markup) <= MAX_SPEECH:
        return None
    return (
        f"{subject} is {len(markup):,} characters; the limit is {MAX_SPEECH:,} "
        "(counted in the whole SSML document: its tags, escapes and <speak> root)"
    )


def _clips_fault(subject: str, markup: str) -> str | None:
    """Why the SSML ``markup`` holds too many ``<audio>`` clips, or None (quick without one)."""
    if "<audio" not in markup or markup.count("<audio") <= MAX_AUDIO_CLIPS:
        return None
    clips = _audio_clips(markup)
    if clips <= MAX_AUDIO_CLIPS:
        return None
    return f"{subject} has {clips} <audio> clips; the limit is {MAX_AUDIO_CLIPS}"


def _speech_fault(subject: str, markup: str) -> str | None:
    """Why Alexa refuses the SSML ``markup`` (as sent: from its root) as a speech, named
    ``subject``, for a limit of the whole, or None: it says nothing, it is too long, or it
    holds too many clips. `ssml_error` asks this; `SsmlSpeech` asks each in turn, after its
    quicker tests."""
    if _says_nothing(markup):
        return _nothing_fault(subject, markup)
    return _length_fault(subject, markup) or _clips_fault(subject, markup)

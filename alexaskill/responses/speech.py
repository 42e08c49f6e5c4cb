"""Speech: plain text or SSML, checked against Alexa's limits when built."""

from __future__ import annotations

import re
from typing import Final, Literal

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..exceptions import ResponseError
from ..ssml import _SPEAK_DOCUMENT, Ssml
from ..ssml import speak as _speak_document

__all__ = [
    "MAX_AUDIO_CLIPS",
    "MAX_SPEECH",
    "OutputSpeech",
    "PlainTextSpeech",
    "SsmlSpeech",
    "output_speech",
]

#: Characters of speech (the text, or the whole SSML document) Alexa accepts.
MAX_SPEECH: Final = 8000
#: ``<audio>`` clips in one SSML speech (Amazon: "no more than five audio tags" a response; the
#: speech and the reprompt are counted each, as ``ask()`` repeats the one as the other).
MAX_AUDIO_CLIPS: Final = 5

#: How speech joins what is already playing (``outputSpeech.playBehavior``).
PlayBehavior = Literal["ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED"]
_PLAY_BEHAVIORS: Final = ("ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED")


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ResponseError(f"{field} is {len(value)} characters; the limit is {limit}")


def _exact_str(field: str, value: object) -> str:
    """``value`` as an exact ``str`` (msgspec encodes no subclass, e.g. `Ssml`)."""
    if not isinstance(value, str):
        raise ResponseError(f"{field} must be a str, not {type(value).__name__}")
    return str(value)


class OutputSpeech(
    msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, tag_field="type"
):
    """Base of the two kinds of speech: `PlainTextSpeech` and `SsmlSpeech`."""


def _check_play_behavior(value: str | UnsetType) -> None:
    if value is not UNSET and value not in _PLAY_BEHAVIORS:
        raise ResponseError(
            f"outputSpeech.playBehavior is {value!r}; use one of {', '.join(_PLAY_BEHAVIORS)}"
        )


# kw_only is deliberately off for speech and cards: their required fields read best positionally,
# and their bases declare no fields, so msgspec's "required after optional" trap cannot occur.
class PlainTextSpeech(OutputSpeech, tag="PlainText", frozen=True):
    """Speech read as plain text: ``{"type": "PlainText", "text": …}``."""

    text: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        # Every response builds one or two of these: the checks are inline, and the helpers
        # called only to convert or to raise (a call costs as much as the checks).
        text = self.text
        if type(text) is not str:
            text = _exact_str("outputSpeech.text", text)
            force_setattr(self, "text", text)
        if len(text) > MAX_SPEECH:
            _check_length("outputSpeech.text", text, MAX_SPEECH)
        if self.play_behavior is not UNSET:
            _check_play_behavior(self.play_behavior)


class SsmlSpeech(OutputSpeech, tag="SSML", frozen=True):
    """Speech in SSML: ``{"type": "SSML", "ssml": "<speak>…</speak>"}``; the root is added."""

    ssml: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        markup = _exact_str("outputSpeech.ssml", self.ssml)
        if not _SPEAK_DOCUMENT.match(markup):
            markup = str(_speak_document(Ssml(markup)))
        force_setattr(self, "ssml", markup)
        _check_length("outputSpeech.ssml", markup, MAX_SPEECH)
        if "<audio" in markup and markup.count("<audio") > MAX_AUDIO_CLIPS:
            raise ResponseError(
                f"outputSpeech.ssml has {markup.count('<audio')} <audio> clips; "
                f"the limit is {MAX_AUDIO_CLIPS}"
            )
        _check_play_behavior(self.play_behavior)


def output_speech(value: str | Ssml) -> PlainTextSpeech | SsmlSpeech:
    """Speech from a value: `Ssml` becomes SSML speech, any other ``str`` plain text (but
    ``"<speak>…"``: `ResponseError`, as Alexa would read the markup aloud)."""
    if type(value) is str:  # the usual case, first (an Ssml is a str subclass)
        if "<speak" in value[:32] and _SPEAK_ROOT.match(value):
            _refuse_markup_as_text()
        return PlainTextSpeech(value)
    if isinstance(value, Ssml):
        return SsmlSpeech(value)
    if isinstance(value, str):
        if _SPEAK_ROOT.match(value):
            _refuse_markup_as_text()
        return PlainTextSpeech(value)
    raise ResponseError(f"speech must be a str or Ssml, not {type(value).__name__}")


#: A document's root: plain text starting so is SSML written as a str, a mistake.
_SPEAK_ROOT: Final = re.compile(r"\s*<speak[\s>/]")


def _refuse_markup_as_text() -> None:
    raise ResponseError(
        "speech is plain text starting with <speak>: Alexa would read the tags aloud. SSML goes "
        'in Ssml("<speak>…</speak>") (from alexaskill import Ssml) or alexaskill.ssml.speak(…)'
    )

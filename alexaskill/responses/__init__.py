"""Response values: speech, cards, directives and the envelope Alexa receives.

A handler returns a small frozen value, never a builder hung on the request::

    return speak("Sunny in Paris", card=SimpleCard("Weather", "Sunny"))
    return ask("Which city?", reprompt="Which city would you like?")

Decisions:

- **Plain text or SSML is chosen by type.** A plain ``str`` becomes ``PlainText`` speech and is
  never read as markup (but a ``str`` that is a whole ``<speak>`` document, whatever white
  space, XML declaration or comments precede its root, is refused: see `output_speech`); an
  `alexaskill.ssml.Ssml` value becomes ``SSML`` speech, sent from its ``<speak>`` root, or
  wrapped in one when the author left the root out (see `alexaskill.ssml`).
- **Characters XML cannot hold** (control characters but tab and line breaks, lone
  surrogates, U+FFFE, U+FFFF) become a space in plain text (speech, reprompt, cards), as
  `alexaskill.ssml.escape` does inside SSML: a lone surrogate cannot even be encoded, and Alexa
  parses SSML as XML. Hand-written `Ssml` holding one raises `ResponseError`.
- **Limits are checked where a value is built** (``__post_init__``), with a `ResponseError`
  naming the field and the limit, so the mistake points at the line that made it. Encoding does
  not validate again, except for the whole-body size, which only exists once encoded.
- **shouldEndSession has three answers** (Amazon's "Request and Response JSON Reference",
  response body): `speak` ends the session (``true``), `ask` keeps it open with the microphone
  on (``false``), ``end_session=None`` and `empty` leave the key out so the device decides.
- **Speech says something.** Alexa refuses an ``outputSpeech`` with nothing to say, so
  `PlainTextSpeech`, `SsmlSpeech` and `Reprompt` refuse to be built empty: text that is empty,
  white space or invisible characters once cleaned, SSML of those, comments and elements that
  hold nothing to say (the root, an empty ``<p>``; a ``<break>``, an ``<audio>`` clip and a
  ``<sub>`` say something), a reprompt with neither speech nor APL for audio. Refused rather
  than left out: an empty speech is usually a bug (a feed that returned nothing), and silence
  would hide it; a handler that means silence leaves the part out
  (``Response(should_end_session=True)``).
- **A reprompt needs an open session.** Alexa silently ignores a reprompt sent with
  ``shouldEndSession: true``, which hides a bug, so `Response` refuses that combination: use
  `ask`, or ``speak(…, reprompt=…, end_session=False)``. A reprompt with the key absent is
  allowed (screen devices may keep the session open).
- **Directives** are `Directive` structs (typed ones live in `alexaskill.directives`) or plain
  mappings with a string ``"type"``, passed through verbatim (encoded when the response is built
  and kept as a read-only mapping of those bytes, so a later change to the caller's dict changes
  no response; the checks read what is sent): the escape hatch for
  whatever Amazon adds next. `directive_kind` sorts both into "dialog" / "audio" / "other".
- **Rules that need only the response are checked here**, when it is built: one dialog directive
  per response and never with ``shouldEndSession: true``; a ``Dialog.Delegate`` without a
  reprompt, and without speech unless it starts another intent; an ``ElicitSlot``,
  ``ConfirmSlot`` or ``ConfirmIntent`` with speech (its question); at most one
  ``AudioPlayer.Play``, ``VideoApp.Launch`` and ``Dialog.UpdateDynamicEntities``, the last
  never with ``shouldEndSession: true``; no reprompt beside ``VideoApp.Launch``; no
  AudioPlayer or VideoApp directive beside ``Connections.StartConnection`` or
  ``Tasks.CompleteTask``; a ``canFulfillIntent`` answer with nothing beside it. Rules that
  need the request (which requests may get which directives, what the device supports) are in
  `alexaskill.rules`.
- **Size.** The whole body may be at most `MAX_RESPONSE_BYTES` = 120 KB, the figure of Amazon's
  current "Request and Response JSON Reference" (response limits); older copies of that page
  (2016 to 2019) said 24 KB, and Amazon has since raised it. Only encoding knows the size, so
  `encode_response` checks it.
- **Encoding** goes through one module-level ``msgspec.json.Encoder``; a typical response takes
  a couple of microseconds. Always encode with `encode_response`: it also lays out the nested
  ``image`` object of a `StandardCard` and turns ``str`` subclasses (`Ssml`) inside raw
  directives into JSON strings.

Cards and speech take their required fields positionally (``SimpleCard("Weather", "Sunny")``);
`Response` and `Reprompt`, made of optional parts, are keyword-only.

The package, bottom-up: ``speech`` and ``cards`` (values checked alone), ``directive`` (the
`Directive` base, type and kind of any directive), ``response`` (`Response`, the rules that need
only it, `speak`/`ask`/`empty`), ``fulfillment`` (`can_fulfill`), ``encoding`` (`encode_response`).
Import from ``alexaskill.responses``: the submodules are its layout, not its interface.
"""

from __future__ import annotations

from .cards import (
    MAX_CARD_TEXT,
    MAX_IMAGE_URL,
    AskForPermissionsConsentCard,
    Card,
    LinkAccountCard,
    SimpleCard,
    StandardCard,
)
from .directive import Directive, directive_kind, directive_type
from .encoding import MAX_RESPONSE_BYTES, encode_response
from .fulfillment import CanFulfillIntent, CanFulfillSlot, can_fulfill
from .response import (
    DIALOG_DIRECTIVES,
    ExperimentTrigger,
    Reprompt,
    Response,
    ask,
    empty,
    speak,
    updated_intent_name,
)
from .speech import (
    MAX_AUDIO_CLIPS,
    MAX_SPEECH,
    OutputSpeech,
    PlainTextSpeech,
    SsmlSpeech,
    output_speech,
)

__all__ = [
    "DIALOG_DIRECTIVES",
    "MAX_AUDIO_CLIPS",
    "MAX_CARD_TEXT",
    "MAX_IMAGE_URL",
    "MAX_RESPONSE_BYTES",
    "MAX_SPEECH",
    "AskForPermissionsConsentCard",
    "CanFulfillIntent",
    "CanFulfillSlot",
    "Card",
    "Directive",
    "ExperimentTrigger",
    "LinkAccountCard",
    "OutputSpeech",
    "PlainTextSpeech",
    "Reprompt",
    "Response",
    "SimpleCard",
    "SsmlSpeech",
    "StandardCard",
    "ask",
    "can_fulfill",
    "directive_kind",
    "directive_type",
    "empty",
    "encode_response",
    "output_speech",
    "speak",
    "updated_intent_name",
]

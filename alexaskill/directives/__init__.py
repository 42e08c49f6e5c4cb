"""Typed directives for Dialog, AudioPlayer, VideoApp, APL and Connections, checked when built.

    return speak("Episode 42", directives=[AudioPlayer.Play(url, token="ep-42")])

    if request.dialog_state != "COMPLETED":
        return delegate()

Each interface is a namespace (`Dialog`, `AudioPlayer`, `VideoApp`, `APL`, `Connections`) holding
frozen `Directive` structs named after Amazon's directive types: ``Dialog.ElicitSlot`` is
``{"type": "Dialog.ElicitSlot", …}``. A directive type not modelled here is sent as a plain dict
(``{"type": "Alexa.Presentation.APLA.RenderDocument", …}``), see `alexaskill.responses`.

Decisions:

- **Flat to build, nested on the wire.** ``AudioPlayer.Play(url, token, offset_in_milliseconds=…)``
  rather than ``audioItem.stream.url``; the directives whose JSON nests (Play, VideoApp.Launch,
  Connections.SendRequest) lay themselves out when the response is encoded.
- **Checked at construction**, with a `ResponseError` naming the JSON field: HTTPS stream URLs of
  at most 8000 characters, tokens of at most 1024, offsets of zero or more, every enumerated value,
  and ``expectedPreviousToken`` exactly when ``playBehavior`` is ``ENQUEUE`` (Alexa refuses it
  with the other behaviours, and needs it to enqueue after the right stream).
- **An updated intent is plain JSON.** `updated_intent` copies the request's intent with slot
  values changed (the dict can be edited further); a directive given a decoded `Intent` copies it
  the same way, so ``Dialog.Delegate(updated_intent=request.intent)`` works. Slots the handler
  does not change go back whole (multiple values, resolutions): less would clear them.
- **Dialog directives come with their response.** `delegate`, `elicit_slot`, `confirm_slot` and
  `confirm_intent` return a whole `Response` with ``shouldEndSession: false`` (a dialog keeps
  the session open): building the same response by hand with `speak` would end the session,
  which `Response` refuses. The rules about which requests they may answer live in
  `alexaskill.rules`.

The package holds a module per interface (``dialog``, ``audio``, ``video``, ``apl``,
``connections``), with ``intents`` (`updated_intent`) and ``checks`` (the field checks they
share) below them. Import from ``alexaskill.directives``: the submodules are its layout.
"""

from __future__ import annotations

from .apl import APL
from .audio import MAX_AUDIO_TOKEN, MAX_STREAM_URL, AudioMetadata, AudioPlayer
from .connections import Connections
from .dialog import Dialog, confirm_intent, confirm_slot, delegate, elicit_slot
from .intents import CONFIRMATION_STATUSES, updated_intent
from .video import VideoApp

__all__ = [
    "APL",
    "CONFIRMATION_STATUSES",
    "MAX_AUDIO_TOKEN",
    "MAX_STREAM_URL",
    "AudioMetadata",
    "AudioPlayer",
    "Connections",
    "Dialog",
    "VideoApp",
    "confirm_intent",
    "confirm_slot",
    "delegate",
    "elicit_slot",
    "updated_intent",
]

"""Utterance understanding: what Alexa would send for what a user says, offline.

    from alexaskill.understanding import Understander, load_model

    understander = Understander(load_model("skill-package/interactionModels/custom/en-US.json"))
    understood = understander.understand("what's the weather in paris tomorrow")
    understood.request   # {"type": "IntentRequest", "intent": {"name": "GetWeather", ...}}
    print(understood.explain())

- `load_model` / `model_from_skill` read an interaction model (an ASK CLI file, or the one
  ``alexaskill model`` builds from a skill's code) into an `InteractionModel`.
- `Understander` compiles it for a locale and turns utterances into `Understanding` values:
  the ``request`` Alexa sends (LaunchRequest, IntentRequest with slots and entity resolution,
  SessionEndedRequest) and an explanation.
- `Conversation` plays Alexa's part of a whole conversation with a skill, sessions and dialogs
  included (``client.say()``, ``alexaskill chat`` and the simulator use it).
- `check_model` lists what would trouble Amazon's build, or users: ``alexaskill model --check``.

Pure Python; nothing here is imported by ``import alexaskill``.
"""

from __future__ import annotations

from .check import Finding, check_model
from .dialog import Conversation, Exchange, Reply, Transport, Turn
from .languages import Language, language_for, register_language, supported_locales
from .model import InteractionModel, load_model, locale_of_file, model_from_skill
from .result import SlotReading, Understanding
from .understander import DEFAULT_SKILL_ID, Understander

__all__ = [
    "DEFAULT_SKILL_ID",
    "Conversation",
    "Exchange",
    "Finding",
    "InteractionModel",
    "Language",
    "Reply",
    "SlotReading",
    "Transport",
    "Turn",
    "Understander",
    "Understanding",
    "check_model",
    "language_for",
    "load_model",
    "locale_of_file",
    "model_from_skill",
    "register_language",
    "supported_locales",
]

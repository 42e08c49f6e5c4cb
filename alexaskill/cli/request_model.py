"""``alexaskill request --model``: what the model (an APP or an ASK CLI model file) says of the
request: the skill id and locale, and of an intent, its slots checked, their values' resolutions
and the dialog state Alexa sends."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..shown_names import shown
from .common import UsageError, load_understanding_model, model_source
from .request_origin import skill_id_for

if TYPE_CHECKING:
    from ..app import Skill

__all__ = ["FromModel", "Resolve", "from_model"]

#: Resolves a slot's value (``resolve(slot, value)``): the ``resolutions`` Alexa sends, or None.
Resolve = Callable[[str, str], Mapping[str, Any] | None]


@dataclass
class FromModel:
    """What ``--model`` says of the request: its skill (the APP's, for `skill_id_for`) and
    locale, and of an intent, what resolves its slot values, its slots (Alexa sends them all)
    and its dialog state; the type of each slot."""

    skill: Skill | None
    locale: str
    resolve: Resolve | None = None
    defined: tuple[str, ...] = ()
    dialog_state: str | None = None
    slot_types: Mapping[str, str] = field(default_factory=dict)


def from_model(
    args: argparse.Namespace, intent: str | None, slots: Mapping[str, Any], *, can_fulfill: bool
) -> FromModel:
    """With ``--model``: the skill id the APP names and the locale and, for an intent, the
    model's intent and slots checked; else the defaults and ``--dialog-state`` as given.

    A CanFulfillIntentRequest (``can_fulfill``) asks outside any dialog, with the slots heard
    only (Amazon's example): no dialogState, and no unfilled slots added."""
    if args.model is None:
        return FromModel(None, args.locale or "en-US", dialog_state=args.dialog_state)
    if intent is None:
        # A LaunchRequest, a SessionEndedRequest, …: Alexa needs no understanding to send them,
        # so no model is built (a locale with no samples yet can still be opened).
        locale, skill = model_source(args.model, locale=args.locale)
        return FromModel(skill, locale)
    model, locale, skill = load_understanding_model(args.model, locale=args.locale, invocation=None)
    found = next((each for each in model.intents if each.name == intent), None)
    if found is None:
        names = ", ".join(
            each.name for each in model.intents if not each.name.startswith("AMAZON.")
        )
        raise UsageError(
            f"--intent: the model has no intent {shown(intent, quoted=True)} (its intents: "
            f"{names or 'none'})"
        )
    for name in slots:
        if found.slot(name) is None:
            have = ", ".join(slot.name for slot in found.slots) or "none"
            raise UsageError(
                f"--slot: intent {intent!r} has no slot {shown(name, quoted=True)} (its slots: "
                f"{have})"
            )
    # Alexa sends dialogState with an intent of the dialog model, and only then: the first
    # one, as client.intent sends it (`dialog_state_for`), unless --dialog-state gives one.
    dialog_state = args.dialog_state
    if intent in model.dialog and not can_fulfill:
        from ..testing.requests import dialog_state_for

        dialog_state = dialog_state_for(intent, dialog_state, model.dialog[intent].delegation)
    elif dialog_state is not None:
        raise UsageError(
            f"--dialog-state: intent {intent} is not in the model's dialog, and Alexa sends "
            "dialogState only for an intent it has: drop --dialog-state"
        )
    skill_id = skill_id_for(args.skill_id, skill)
    from ..understanding import Understander

    # Resolving needs no language: a locale understanding does not know resolves all the same.
    understander = Understander(model, locale=locale, skill_id=skill_id, resolve_only=True)
    return FromModel(
        skill,
        locale,
        functools.partial(understander.resolutions, intent),
        () if can_fulfill else tuple(slot.name for slot in found.slots),
        dialog_state,
        {slot.name: slot.type for slot in found.slots},
    )

"""Where a skill's handlers and the model it declares in code disagree: `model_warnings`, what
the app logs at start-up (and ``alexaskill model`` says), and `audio_player_use`, how a skill is
seen to use the AudioPlayer interface."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..builtin_intents import (
    AUDIO_PLAYER_INTENTS,
    BUILTIN_INTENTS,
    REQUIRED_INTENTS,
    audio_player_signs,
)
from ..builtin_slot_types import contradicting_annotation, converting_annotations
from ..leaving import leaving_warnings
from ..locales import PerLocale, is_locale, language_of
from ..shown_names import shown, shown_value
from ..typos import NAME_OF_WORDS, did_you_mean
from .declarations import ModelSource, _declared_keys, default_locale

if TYPE_CHECKING:
    from ..dispatch import Handler

__all__ = ["audio_player_use", "model_warnings"]


def model_warnings(source: ModelSource) -> list[str]:
    """Where the handlers and the model declared in code disagree (logged at start-up).

    - An intent with a handler but no sample utterances is not in the model, so Alexa never sends
      it, when the skill declares sample utterances for other intents (with none at all, the model
      lives elsewhere: the ASK CLI's files, the developer console).
    - A custom intent named like a built-in one ("StopIntent" for AMAZON.StopIntent).
    - An intent declared (for CanFulfillIntentRequest) that no intent handler answers.
    - A locale (or language) that some intents or slot types are given samples or values for
      and others are not (`alexaskill.locales`).
    - A slot parameter annotated with a type no value of its built-in slot type converts to
      (``int`` for AMAZON.DATE).
    - A skill using the AudioPlayer interface (it handles AudioPlayer or PlaybackController
      requests) without handlers for AMAZON.PauseIntent and AMAZON.ResumeIntent.
    - A fallback (catch-all handler, hook) that answers Stop or Cancel (`leaving_warnings`).
    - A before- or after-request hook scoped to an intent that no handler answers and the model
      lacks (with the model kept elsewhere: only one whose name is close to a handled one's).
    Each names the closest name the skill does have, when one is close.
    """
    handled: dict[str, Handler] = {}
    queried: dict[str, Handler] = {}
    for (request_type, name), handler in source.registry.handlers.items():
        if name is not None and request_type == "IntentRequest":
            handled[name] = handler
        elif name is not None and request_type == "CanFulfillIntentRequest":
            queried[name] = handler
    sampled = {name for name, d in source.intent_declarations.items() if d.utterances}
    model = {*sampled, *REQUIRED_INTENTS}
    warnings = []
    for name, handler in handled.items():
        if name.startswith("AMAZON."):
            continue
        builtin = f"AMAZON.{name}"
        if builtin in BUILTIN_INTENTS:
            warnings.append(
                f"intent {shown_value(name)} ({handler.name}) is a custom intent named like the "
                f"built-in {builtin}; did you mean {builtin}?"
            )
        elif sampled and name not in sampled:
            # No handled intent is offered: renaming it so would make two handlers of one intent
            # (TurnOffIntent is no typo of TurnOnIntent, however alike).
            not_handled = (model | BUILTIN_INTENTS) - handled.keys()
            warnings.append(
                f"intent {shown_value(name)} ({handler.name}) has a handler but no sample "
                "utterances, so it is not in the interaction model and Alexa never sends "
                f"it{_did_you_mean(name, not_handled)}"
            )
    warnings.extend(_coverage_warnings(source))
    for name, handler in handled.items():
        declared = source.intent_declarations.get(name)
        slot_types = declared.slots if declared is not None else {}
        for param, annotation in handler.slots:
            slot_type = slot_types.get(param, "")
            wrong = contradicting_annotation(slot_type, annotation)
            if wrong is not None:
                fitting = converting_annotations(slot_type)
                fix = (
                    f"annotate it {fitting} (or str: the value as sent)"
                    if fitting
                    else "annotate it str, or declare the type that matches"
                )
                warnings.append(
                    f"intent {shown(name)} ({handler.name}): parameter {shown_value(param)} is "
                    f"annotated {wrong}, but no value of its slot type, {slot_type}, converts to "
                    f"{wrong}: it would never be filled; {fix}"
                )
    catch_all = ("IntentRequest", None) in source.registry.handlers
    for name, handler in queried.items():
        if name not in handled and not catch_all:
            warnings.append(
                f"intent {shown_value(name)} is declared by the can_fulfill handler {handler.name} "
                f"but no intent handler answers it{_did_you_mean(name, handled)}"
            )
    signs = audio_player_signs(kind for kind, _ in source.registry.handlers)
    come = {*handled, *queried, *REQUIRED_INTENTS, *(AUDIO_PLAYER_INTENTS if signs else ())}
    warnings.extend(_hook_scope_warnings(source, come, in_code=bool(sampled)))
    warnings.extend(leaving_warnings(source.registry))
    unhandled = [name for name in AUDIO_PLAYER_INTENTS if name not in handled]
    if signs and unhandled and not catch_all and source.registry.fallback is None:
        warnings.append(
            f"{audio_player_use(signs)}: Amazon requires it to handle "
            f"{' and '.join(AUDIO_PLAYER_INTENTS)}, which it does not ({', '.join(unhandled)}); "
            'users who say "pause" while it plays would hear "Sorry, I can\'t help with that." '
            "instead of the stream stopping (answer it with AudioPlayer.Stop)"
        )
    return warnings


def _did_you_mean(name: str, intents: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the intent of ``intents`` that ``name`` is a typo of, as a
    request's is guessed (`handler_bugs.meant_intent`): the words of Amazon's intents are real."""
    return did_you_mean(name, intents, cutoff=NAME_OF_WORDS, real=BUILTIN_INTENTS)


def _hook_scope_warnings(source: ModelSource, come: set[str], *, in_code: bool) -> list[str]:
    """Hooks scoped to an intent that never comes (``intents=["GetWether"]``): one no handler
    answers that the model declared in code lacks (``in_code``); with the model elsewhere, where
    the fallback may answer intents of its own, one that no handler answers and is close to one
    that is handled (a typo)."""
    warnings = []
    for when, hooks in (
        ("before", source.registry.before_hooks),
        ("after", source.registry.after_hooks),
    ):
        for hook in hooks:
            for name in sorted(hook.intents or ()):
                if name in come:
                    continue
                meant = _did_you_mean(name, come)
                said = (
                    f"the {when}-request hook {hook.handler.name} is scoped to intent "
                    f"{shown_value(name)}, which no handler answers"
                )
                if in_code:
                    # A built-in intent is in the model once the skill handles it.
                    fix = (
                        f"; handle it, @skill.intent({shown_value(name)})"
                        if name in BUILTIN_INTENTS
                        else meant
                    )
                    warnings.append(
                        f"{said} and the interaction model does not have: the hook never runs "
                        f"for it{fix}"
                    )
                elif meant and name not in BUILTIN_INTENTS:
                    warnings.append(f"{said}{meant}")
    return warnings


def audio_player_use(signs: list[str]) -> str:
    """How a skill is seen to use the AudioPlayer interface: by the requests it handles."""
    handled = ", ".join(signs[:2]) + (", …" if len(signs) > 2 else "")
    return f"the skill uses the AudioPlayer interface (it handles {handled})"


def _coverage_warnings(source: ModelSource) -> list[str]:
    """Intents and slot types without their own items for a locale others declare."""
    default = default_locale(source)
    warnings = []
    for key in sorted(_declared_keys(source)):
        same_language = language_of(key) == language_of(default)
        declared: list[tuple[str, PerLocale[Any]]] = [
            (f"intent {shown_value(name)} has no sample utterances", d.samples)
            for name, d in source.intent_declarations.items()
            if not name.startswith("AMAZON.")
        ]
        declared += [
            (f"slot type {shown_value(name)} has no values", d.by_locale)
            for name, d in source.slot_types.items()
        ]
        for what, items in declared:
            if not items or items.own(key) is not None:
                continue
            if same_language and (items.common or items.own(default) is not None):
                continue
            warnings.append(
                f"{what} for {key}, which the skill declares elsewhere: its {key} model "
                f"(alexaskill model --locale {key if is_locale(key) else key + '-…'}) fails"
            )
    return warnings

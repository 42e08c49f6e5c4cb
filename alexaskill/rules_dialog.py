"""The dialog rules that need the request, for `alexaskill.rules.check_reply`.

A reply with a reprompt that leaves ``shouldEndSession`` out, with no dialog directive, is a
`RuleViolation` with ``kept`` (`unheard_reprompt`): Alexa does not listen after it (a device
without a screen ends the session), so the reprompt is never spoken. A reply breaking one of
these raises `ResponseError` (the app logs it and speaks its apology):

- a dialog-management directive (Delegate, ElicitSlot, ConfirmSlot, ConfirmIntent) answers an
  IntentRequest, or a LaunchRequest whose ``updatedIntent`` names the intent to start (intent
  chaining); a Delegate carries speech only when it starts another intent than the request's,
  and never continues a dialog that is COMPLETED (Alexa has no step left: it refuses the reply);
  intent chaining (an ``updatedIntent`` naming another intent) starts one of the skill's own
  intents, never a built-in one such as ``AMAZON.HelpIntent`` (Amazon's Alexa blog, "Use Intent
  Chaining to Enter Dialog Management from a Different Intent");
- where the skill declares the intent the directive acts on (``updatedIntent``'s, else the
  request's) with utterances or slots, ``slotToElicit``, ``slotToConfirm`` and the slots of
  ``updatedIntent`` are slots the interaction model ``alexaskill model`` prints gives that
  intent (those of ``@skill.intent(..., slots=...)`` and the slot parameters of the intent's
  handlers): Alexa refuses a reply naming another (Amazon's Dialog Interface Reference). A slot
  the request itself carries for that intent passes whatever the declaration says: Alexa sent
  it, from the model it runs. Built-in intents (``AMAZON.*``) are not checked: Amazon gives
  some slots a declaration may leave out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import UNSET

from .articles import with_article
from .exceptions import ResponseError, RuleViolation
from .interaction import ModelSource
from .models import Envelope, IntentRequest, LaunchRequest, Request
from .responses import DIALOG_DIRECTIVES, Directive, Response, directive_type, updated_intent_name
from .shown_names import shown_several, shown_value

__all__ = ["check_dialog", "unheard_reprompt"]

#: The requests whose handlers' slot parameters are slots of the model's intent (as for
#: `alexaskill.interaction.builder`).
_SLOTTED = ("IntentRequest", "CanFulfillIntentRequest")
#: The field naming the slot a directive asks about (Amazon's Dialog Interface Reference).
_NAMED_SLOT = {"Dialog.ElicitSlot": "slotToElicit", "Dialog.ConfirmSlot": "slotToConfirm"}


def check_dialog(
    response: Response,
    request: Request,
    skill: ModelSource | None = None,
) -> None:
    """Raise `ResponseError` if a dialog directive of ``response`` cannot answer ``request``;
    ``skill`` (its declarations and handlers) gives the intents' slots."""
    for directive in response.directives:
        type_ = directive_type(directive)
        if type_ not in DIALOG_DIRECTIVES:
            continue
        # Intent chaining, by Amazon's Alexa blog ("Use Intent Chaining to Enter Dialog
        # Management from a Different Intent", March 2019: developer.amazon.com/en-US/blogs/
        # alexa/alexa-skills-kit/2019/03/intent-chaining-for-alexa-skill): a dialog directive
        # starts dialog management from any intent, the LaunchRequest included, by an
        # updatedIntent naming one of the skill's own intents; never the LaunchRequest or a
        # built-in intent (AMAZON.HelpIntent). An updatedIntent naming the request's own intent
        # chains to nothing (its slots updated): taken whatever the intent.
        # Other requests a skill may answer in a session (Connections.Response after a purchase,
        # SessionResumedRequest, an APL UserEvent) stay refused: neither the Dialog Interface
        # Reference nor the blog names them as requests a dialog directive may answer, and no
        # Amazon page found says Alexa takes one there (searched December 2026). Widen the rule
        # when Amazon documents it, not on a guess: a refused reply here is a spoken apology, one
        # Alexa refuses ends the session with INVALID_RESPONSE.
        target = updated_intent_name(directive)
        if isinstance(request, IntentRequest):
            if (
                type_ == "Dialog.Delegate"
                and response.output_speech is not UNSET
                and target == request.intent.name
            ):
                raise ResponseError(
                    f"Dialog.Delegate carries speech only when it starts another intent; this "
                    f"one continues {target} (Alexa speaks the dialog model's prompt)"
                )
            if (
                type_ == "Dialog.Delegate"
                and request.dialog_state == "COMPLETED"
                and target in (None, request.intent.name)
            ):
                raise ResponseError(
                    f"Dialog.Delegate answers {request.intent.name} with dialogState COMPLETED: "
                    "Alexa has no step left to take; act on the intent (check "
                    'request.dialog_state != "COMPLETED" before delegating)'
                )
        elif not (isinstance(request, LaunchRequest) and target is not None):
            raise ResponseError(
                f"{type_} answers an IntentRequest, or a LaunchRequest naming the intent to start "
                f"in updatedIntent; not {with_article(request.type)}"
                + (" without updatedIntent" if isinstance(request, LaunchRequest) else "")
            )
        current = request.intent.name if isinstance(request, IntentRequest) else None
        if target is not None and target != current and target.startswith("AMAZON."):
            raise ResponseError(
                f"{type_} updatedIntent {target}: intent chaining starts one of the skill's own "
                "intents, never a built-in one; Alexa refuses the reply"
            )
        if skill is not None:
            _check_slots(type_, directive, target, request, skill)


def _check_slots(
    type_: str,
    directive: Directive | Mapping[str, Any],
    target: str | None,
    request: Request,
    skill: ModelSource,
) -> None:
    asked = request.intent if isinstance(request, IntentRequest) else None
    name = target if target is not None else (asked.name if asked is not None else None)
    declaration = None if name is None else skill.intent_declarations.get(name)
    if declaration is None or not (declaration.utterances or declaration.slots):
        return  # an intent the skill does not describe: its model is not known here
    if declaration.name.startswith("AMAZON."):
        return  # a built-in intent has slots of Amazon's, which a declaration may leave out
    known = set(declaration.slots)
    for kind in _SLOTTED:
        handler = skill.registry.handlers.get((kind, declaration.name))
        if handler is not None:
            known.update(param for param, _ in handler.slots)
    if asked is not None and asked.name == name and asked.slots:
        known.update(asked.slots)  # as Alexa sent them, from the model it runs
    field = _NAMED_SLOT.get(type_)
    slot, intent = _parts(directive, field)
    if field is not None and isinstance(slot, str) and slot not in known:
        raise ResponseError(
            f"{type_} {field} {shown_value(slot)} is no slot of intent {name} (its slots: "
            f"{_listed(known)}); Alexa refuses the reply"
        )
    slots = intent.get("slots") if isinstance(intent, Mapping) else None
    unknown = sorted(str(s) for s in slots if s not in known) if isinstance(slots, Mapping) else []
    if unknown:
        raise ResponseError(
            f"{type_} updatedIntent sets {shown_several(unknown)}: no slot of intent {name} "
            f"(its slots: {_listed(known)}); Alexa refuses the reply"
        )


def _listed(known: set[str]) -> str:
    """An intent's slots as a refusal lists them: the request's may be many and long (cut)."""
    return shown_several(sorted(known)) or "none"


def _parts(directive: Directive | Mapping[str, Any], field: str | None) -> tuple[Any, Any]:
    """The slot a directive names in ``field`` (None without one) and its ``updatedIntent``."""
    if isinstance(directive, Directive):
        attribute = {"slotToElicit": "slot_to_elicit", "slotToConfirm": "slot_to_confirm"}
        slot = getattr(directive, attribute[field], None) if field is not None else None
        return slot, getattr(directive, "updated_intent", None)
    return (directive.get(field) if field is not None else None), directive.get("updatedIntent")


def unheard_reprompt(response: Response, envelope: Envelope, handler: str) -> RuleViolation | None:
    """The violation of a reprompt never spoken: ``shouldEndSession`` left out, and no dialog
    directive that keeps the session open. Alexa speaks a reprompt only while it listens for the
    user (``shouldEndSession: false``); left out, a device without a screen ends the session and
    one with a screen keeps it open without the microphone (Amazon's Response reference)."""
    if response.reprompt is UNSET or response.should_end_session is not UNSET:
        return None
    if any(directive_type(d) in DIALOG_DIRECTIVES for d in response.directives):
        return None
    rule = (
        "a reprompt is spoken only while Alexa listens (shouldEndSession false); left out, a "
        "device without a screen ends the session and one with a screen does not listen: keep "
        "the session open (ask(), or end_session=False), or leave the reprompt out"
    )
    request = envelope.request
    return RuleViolation(
        request.type,
        ("reprompt", "shouldEndSession left out"),
        rule,
        handler=handler,
        request_id=request.request_id,
        kept=True,
        fate="never spoken",
    )

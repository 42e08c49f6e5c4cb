"""The fields of a request's ``request`` object that the builders make from a test's words: an
intent and its slots (`intent_fields`, `slot_json`), a CanFulfillIntentRequest's slots heard, a
dialog state, a SessionEndedRequest's reason. Split from `requests`, which gives these names
too."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from ..articles import type_with_article
from ..models.intents import sent_slot, simple_value
from ..shown_names import shown, shown_json, shown_value

__all__ = [
    "CONFIRMATION_STATUSES",
    "DIALOG_STATES",
    "SESSION_END_REASONS",
    "Resolve",
    "can_fulfill_fields",
    "check_choice",
    "check_slot_names",
    "dialog_state_for",
    "given_slots",
    "intent_fields",
    "session_ended_fields",
    "slot_json",
    "slot_text",
]

#: The dialog states Alexa sends, with an intent of the dialog model only.
DIALOG_STATES: Final = ("STARTED", "IN_PROGRESS", "COMPLETED")
#: The ``confirmationStatus`` values of an intent or a slot.
CONFIRMATION_STATUSES: Final = ("NONE", "DENIED", "CONFIRMED")
#: The ``reason`` values of a SessionEndedRequest.
SESSION_END_REASONS: Final = ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")


def check_choice(value: object, field: str, choices: Sequence[str]) -> None:
    """`ValueError`, naming ``field``, unless ``value`` is one of ``choices`` (what Alexa sends)."""
    if value not in choices:
        raise ValueError(f"{field} {shown_value(value)}: Alexa sends one of {', '.join(choices)}")


def slot_text(value: Any, slot: str = "") -> str:
    """The words a slot value is sent as: an Enum member's value (``Diet.VEGAN`` is "vegan"), a
    number's digits (an int, a float, a `Decimal`; ``Decimal("1E+3")`` is "1000"), a date as
    AMAZON.DATE gives it ("2026-11-27"). `ValueError`, naming ``slot``, for a value Alexa sends
    no words of (a bool, an infinity or NaN, a `Fraction`, a time, an object)."""
    # str() of a (str, Enum) member is "Diet.VEGAN", which no handler's Enum parameter takes.
    text = value.value if isinstance(value, enum.Enum) else value
    if isinstance(text, str):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return str(text)
    if isinstance(text, float) and math.isfinite(text):
        return str(text)
    if isinstance(text, decimal.Decimal) and text.is_finite():
        return format(text, "f")  # digits, not "1E+3"
    if isinstance(text, _dt.date) and not isinstance(text, _dt.datetime):
        return text.isoformat()
    # str() would send "True", "14:30:00", "inf" or an object's repr: words Alexa never sends.
    what = repr(text) if isinstance(text, float | decimal.Decimal) else type_with_article(text)
    if isinstance(value, enum.Enum):  # its member named: "None has none: give … None" was said
        what = f"{type(value).__name__}.{value.name}, whose value is {what},"
    raise ValueError(
        f"slot {shown_value(slot)}: Alexa sends a slot's value as words, and {what} has "
        'none: give a str ("14:30", "PT10M"), a number, a date, an Enum member, a list of '
        "them, None (unfilled) or a slot dict"
    )


#: What Alexa's entity resolution sends with one value of a slot: its ``resolutions`` (None:
#: none, the slot's type has no entity resolution).
Resolve = Callable[[str], Mapping[str, Any] | None]


def slot_json(name: str, value: Any, resolve: Resolve | None = None) -> dict[str, Any]:
    """The JSON of slot ``name`` holding ``value``: a str, number, Enum member, list (multi-
    value), None (unfilled) or dict (sent as it is). ``resolve`` gives the ``resolutions`` of
    each value. The layout is `sent_slot`'s, as for the requests ``say`` sends."""
    if isinstance(value, Mapping):
        return {"name": name, "confirmationStatus": "NONE", **value}
    if value is None:
        return sent_slot(name, None)

    def simple(each: Any) -> dict[str, Any]:
        text = slot_text(each, name)
        return simple_value(text, resolve(text) if resolve is not None else None)

    if isinstance(value, list | tuple):
        return sent_slot(name, [simple(each) for each in value])
    return sent_slot(name, simple(value))


def given_slots(slots: object, keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The slots an intent is given: the ``slots`` mapping (any names, those of the builder's
    own keywords too: ``session``, ``dialog_state``, ``slots``), then the ``keywords``.
    `TypeError` for a ``slots`` that is no mapping of str, and for a slot given in both."""
    if slots is None:
        return dict(keywords)
    if not isinstance(slots, Mapping):
        # (cut: a str by its head and tail, another value by its parts, not its whole repr)
        said = shown_value(slots) if isinstance(slots, str) else shown_json(slots)
        raise TypeError(
            "slots= is a mapping of slot name to value (slots={'session': 'am'}: a slot named "
            f"as a keyword of the call), not {said}"
        )
    for name in slots:
        if not isinstance(name, str):
            raise TypeError(f"slots=: the slot name {shown_json(name)} is no str")
        if name in keywords:
            raise TypeError(f"slot {shown_value(name)} is given twice: in slots= and as a keyword")
    return {**slots, **keywords}


def check_slot_names(intent: str, given: Iterable[str], defined: Sequence[str]) -> None:
    """A `ValueError` for a slot ``given`` that intent ``intent`` lacks (``defined``: its slots
    in the model) and whose name is close to one it has: a typing mistake, which the skill
    would answer by asking for the slot meant. A slot the model lacks whose name is close to
    none is sent as given (a test of what the skill does with it)."""
    from ..typos import close_matches

    for name in given:
        if name in defined:
            continue
        meant = close_matches(name, defined)
        if meant:
            raise ValueError(
                f"slot {shown_value(name)}: intent {shown_value(intent)} has no such slot in the "
                f"model (its slots: {shown(', '.join(defined))}); did you mean {shown(meant[0])}?"
            )


def intent_fields(
    name: str,
    dialog_state: str | None,
    confirmation_status: str,
    slots: Mapping[str, Any],
    resolve: Callable[[str, str], Mapping[str, Any] | None] | None = None,
    defined: Sequence[str] = (),
) -> dict[str, Any]:
    """The ``request`` fields of an IntentRequest: the intent, its slots, the dialog state.

    ``defined`` names the slots the intent has in the interaction model: Alexa sends every one
    of them, in that order, those the user did not fill without a value; the other ``slots``
    given follow. An intent with no slot at all has no ``slots`` object, as Alexa sends it.
    ``resolve(slot, value)`` gives the ``resolutions`` Alexa sends with a value of a slot (None:
    none); slots given as dicts are sent as they are.
    """

    def resolver(slot: str) -> Resolve | None:
        return None if resolve is None else functools.partial(resolve, slot)

    check_choice(confirmation_status, "confirmation_status", CONFIRMATION_STATUSES)
    if dialog_state is not None:
        check_choice(dialog_state, "dialog_state", DIALOG_STATES)

    names = dict.fromkeys([*defined, *slots])
    intent: dict[str, Any] = {"name": name, "confirmationStatus": confirmation_status}
    if names:
        intent["slots"] = {slot: slot_json(slot, slots.get(slot), resolver(slot)) for slot in names}
    fields: dict[str, Any] = {"intent": intent}
    if dialog_state is not None:
        fields["dialogState"] = dialog_state
    return fields


def can_fulfill_fields(
    name: str,
    slots: Mapping[str, Any],
    resolve: Callable[[str, str], Mapping[str, Any] | None] | None = None,
) -> dict[str, Any]:
    """The ``request`` fields of a CanFulfillIntentRequest: the intent and the slots Alexa
    heard, as Amazon's example of the request shows them.

    Alexa asks outside any dialog: no ``dialogState``, no ``confirmationStatus`` (of the intent
    or a slot: nothing was confirmed), and only the slots heard, each with its ``name``,
    ``value`` and, from ``resolve(slot, value)``, its ``resolutions``. A list is the values of a
    multiple-value slot (``slotValue`` of type ``List``); a dict is sent as it is.
    """
    intent: dict[str, Any] = {"name": name}
    if slots:
        intent["slots"] = {slot: _heard_slot(slot, value, resolve) for slot, value in slots.items()}
    return {"intent": intent}


def _heard_slot(
    name: str, value: Any, resolve: Callable[[str, str], Mapping[str, Any] | None] | None
) -> dict[str, Any]:
    """Slot ``name`` holding ``value`` as a CanFulfillIntentRequest carries it."""
    if isinstance(value, Mapping):
        return {"name": name, **value}
    if isinstance(value, list | tuple):
        sent = slot_json(
            name, list(value), None if resolve is None else functools.partial(resolve, name)
        )
        return {key: part for key, part in sent.items() if key in ("name", "slotValue")}
    text = slot_text(value, name)
    entry: dict[str, Any] = {"name": name, "value": text}
    resolutions = resolve(name, text) if resolve is not None else None
    if resolutions is not None:
        entry["resolutions"] = dict(resolutions)
    return entry


def dialog_state_for(
    intent: str, given: str | None, delegation: str | None, *, known: bool = True
) -> str | None:
    """The ``dialogState`` of an IntentRequest for ``intent``: ``given``, else the one Alexa
    sends first. ``delegation`` is the intent's delegation strategy in the dialog model (None:
    the intent is not in it); ``known`` whether the model has the intent at all.

    Alexa sends a dialogState with an intent of the dialog model, and only then: STARTED on the
    first turn of a dialog the skill delegates itself (``SKILL_RESPONSE``); a dialog Alexa runs
    alone (auto delegation, ``ALWAYS``) reaches the skill once, COMPLETED. `ValueError` for a
    state Alexa does not send, or one given to an intent the model has without a dialog; an
    intent the model lacks takes what is given.
    """
    if given is not None and given not in DIALOG_STATES:
        raise ValueError(
            f"dialog_state {shown_value(given)}: Alexa sends one of {', '.join(DIALOG_STATES)}"
        )
    if delegation is None:
        if given is not None and known:
            raise ValueError(
                f"dialog_state {shown_value(given)}: intent {shown(intent)} is not in the dialog "
                "model, and Alexa sends a dialogState only with an intent that is (one with a "
                "DialogSlot, or confirm=...): drop dialog_state, or build the request yourself "
                '(client.send("IntentRequest", **intent_fields(...)))'
            )
        return given
    if given is not None:
        return given
    return "COMPLETED" if delegation == "ALWAYS" else "STARTED"


def session_ended_fields(reason: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The ``request`` fields of a SessionEndedRequest for ``reason``: with ERROR, the ``error``
    Alexa sends with it (INVALID_RESPONSE, the one tests most meet) unless ``fields`` give one.
    `ValueError` for a reason Alexa does not send, or an ``error`` with a reason but ERROR."""
    check_choice(reason, "reason", SESSION_END_REASONS)
    ended = {"reason": reason, **fields}
    if reason != "ERROR" and "error" in ended:
        raise ValueError(f"error: Alexa sends one only with reason ERROR, not {reason}")
    if reason == "ERROR" and "error" not in ended:
        ended["error"] = {
            "type": "INVALID_RESPONSE",
            "message": "The skill's response was not valid (made by alexaskill's test tools)",
        }
    return ended

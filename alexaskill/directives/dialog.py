"""The Dialog interface: its directives, and the responses that carry one (`delegate`, …)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final, Literal

import msgspec
from msgspec.structs import force_setattr

from ..exceptions import ConfigurationError, ResponseError
from ..interaction import SlotTypeDeclaration, SlotTypeValue
from ..models import Intent
from ..responses import Card, Directive, Reprompt, Response, output_speech
from ..responses.response import _directives_of
from ..shown_names import MAX_SHOWN, shown_value
from ..ssml import Ssml
from .checks import _one_of, _text
from .intents import _intent_json

__all__ = [
    "Dialog",
    "confirm_intent",
    "confirm_slot",
    "delegate",
    "elicit_slot",
]


_UPDATE_BEHAVIORS: Final = ("REPLACE", "CLEAR")


def _entity_types(types: object) -> tuple[dict[str, Any], ...]:
    """Dynamic entity types as JSON, from {type name: values} or `SlotTypeDeclaration` values."""
    if isinstance(types, Mapping):
        declared = []
        for name, values in types.items():
            try:
                declared.append(SlotTypeDeclaration.build(name, values))
            except ConfigurationError as exc:
                said = str(exc)
                if isinstance(name, str) and len(name) > MAX_SHOWN:  # said, quoted or not, in it
                    said = said.replace(repr(name), name).replace(name, shown_value(name))
                raise ResponseError(f"Dialog.UpdateDynamicEntities types: {said}") from None
    elif isinstance(types, Iterable) and not isinstance(types, str):
        declared = list(types)
        for index, item in enumerate(declared):
            if not isinstance(item, SlotTypeDeclaration):
                raise ResponseError(
                    f"Dialog.UpdateDynamicEntities types[{index}] must be a SlotTypeDeclaration"
                )
    else:
        raise ResponseError("Dialog.UpdateDynamicEntities types must map slot type names to values")
    return tuple(
        {"name": declaration.name, "values": [_entity_value(v) for v in declaration.values]}
        for declaration in declared
    )


def _entity_value(value: SlotTypeValue) -> dict[str, Any]:
    name: dict[str, Any] = {"value": value.name}
    if value.synonyms:
        name["synonyms"] = list(value.synonyms)
    # Amazon's examples always carry an id; the value itself is the natural default.
    return {"id": value.id if value.id is not None else value.name, "name": name}


class Dialog:
    """The Dialog interface: let Alexa's dialog manager collect and confirm slot values."""

    __slots__ = ()

    class Delegate(Directive, tag="Dialog.Delegate", frozen=True):
        """Let Alexa run the next step of the dialog with the prompts of the dialog model."""

        kind: ClassVar[str] = "dialog"
        updated_intent: Intent | Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            force_setattr(self, "updated_intent", _intent_json(self.updated_intent))

    class ElicitSlot(Directive, tag="Dialog.ElicitSlot", frozen=True):
        """Ask the user for the value of ``slot_to_elicit`` (the response speaks the question)."""

        kind: ClassVar[str] = "dialog"
        slot_to_elicit: str
        updated_intent: Intent | Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            _text("Dialog.ElicitSlot slotToElicit", self.slot_to_elicit)
            force_setattr(self, "updated_intent", _intent_json(self.updated_intent))

    class ConfirmSlot(Directive, tag="Dialog.ConfirmSlot", frozen=True):
        """Ask the user to confirm the value of ``slot_to_confirm`` (yes or no)."""

        kind: ClassVar[str] = "dialog"
        slot_to_confirm: str
        updated_intent: Intent | Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            _text("Dialog.ConfirmSlot slotToConfirm", self.slot_to_confirm)
            force_setattr(self, "updated_intent", _intent_json(self.updated_intent))

    class ConfirmIntent(Directive, tag="Dialog.ConfirmIntent", frozen=True):
        """Ask the user to confirm the whole intent before the skill acts on it."""

        kind: ClassVar[str] = "dialog"
        updated_intent: Intent | Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            force_setattr(self, "updated_intent", _intent_json(self.updated_intent))

    class UpdateDynamicEntities(Directive, tag="Dialog.UpdateDynamicEntities", frozen=True):
        """Add slot values for this session (``REPLACE``) or remove them all (``CLEAR``): in a
        reply to an IntentRequest that keeps the session open (`alexaskill.rules`).

        ``types`` maps a slot type name to its values, given as for `Skill.add_slot_type`
        (names, `SlotTypeValue`, or ``{"name", "id", "synonyms"}``); a value without an id
        gets its name as id.

        Amazon limits how many types, values and synonyms one directive may hold ("Use Dynamic
        Entities for Customized Interactions"); the figures could not be confirmed from that
        page, so none is checked here.
        """

        kind: ClassVar[str] = "dialog"
        update_behavior: Literal["REPLACE", "CLEAR"]
        types: Any = ()

        def __post_init__(self) -> None:
            _one_of(
                "Dialog.UpdateDynamicEntities updateBehavior",
                self.update_behavior,
                _UPDATE_BEHAVIORS,
            )
            if self.update_behavior == "CLEAR":
                if self.types:
                    raise ResponseError("Dialog.UpdateDynamicEntities CLEAR takes no types")
                force_setattr(self, "types", ())
                return
            types = _entity_types(self.types)
            if not types:
                raise ResponseError("Dialog.UpdateDynamicEntities REPLACE needs at least one type")
            force_setattr(self, "types", types)


# --- responses that carry a dialog directive ----------------------------------------------------


def _dialog_response(
    directive: Directive,
    speech: str | Ssml | None,
    reprompt: str | Ssml | None,
    card: Card | None,
    directives: Iterable[Directive | Mapping[str, Any]] | None,
) -> Response:
    return Response(
        output_speech=msgspec.UNSET if speech is None else output_speech(speech),
        reprompt=msgspec.UNSET
        if reprompt is None
        else Reprompt(output_speech=output_speech(reprompt)),
        card=msgspec.UNSET if card is None else card,
        directives=(directive, *_directives_of("directives", directives)),
        should_end_session=False,
    )


def delegate(
    updated_intent: Intent | Mapping[str, Any] | None = None,
    *,
    speech: str | Ssml | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
) -> Response:
    """Let Alexa run the next dialog step, with the prompts of the dialog model.

    ``if request.dialog_state != "COMPLETED": return delegate()`` collects every required slot.

    The response carries no speech of its own (Amazon's Dialog Interface Reference: no
    outputSpeech or reprompt with Dialog.Delegate), except when ``updated_intent`` starts
    another intent (intent chaining): then ``speech`` is spoken before the new intent's first
    prompt (the exception is not confirmed in Amazon's words: see `Response`'s check).
    A reprompt is never allowed.
    """
    return _dialog_response(
        Dialog.Delegate(updated_intent=updated_intent), speech, None, None, directives
    )


def elicit_slot(
    slot: str,
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    updated_intent: Intent | Mapping[str, Any] | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
) -> Response:
    """Ask for the value of ``slot`` with ``speech`` (the reprompt defaults to the speech).

    The question is the skill's own: Alexa speaks no dialog model prompt for this directive
    (Amazon's Dialog Interface Reference), so a response without speech is refused.
    """
    return _dialog_response(
        Dialog.ElicitSlot(slot, updated_intent=updated_intent),
        speech,
        speech if reprompt is None else reprompt,
        card,
        directives,
    )


def confirm_slot(
    slot: str,
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    updated_intent: Intent | Mapping[str, Any] | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
) -> Response:
    """Ask the user to confirm ``slot`` with the yes-or-no question ``speech``."""
    return _dialog_response(
        Dialog.ConfirmSlot(slot, updated_intent=updated_intent),
        speech,
        speech if reprompt is None else reprompt,
        card,
        directives,
    )


def confirm_intent(
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    updated_intent: Intent | Mapping[str, Any] | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
) -> Response:
    """Ask the user to confirm the whole intent with the yes-or-no question ``speech``."""
    return _dialog_response(
        Dialog.ConfirmIntent(updated_intent=updated_intent),
        speech,
        speech if reprompt is None else reprompt,
        card,
        directives,
    )

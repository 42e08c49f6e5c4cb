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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Literal

import msgspec
from msgspec.structs import force_setattr

from ..exceptions import ConfigurationError, ResponseError
from ..interaction import SlotTypeDeclaration, SlotTypeValue
from ..models import Intent, Slot
from ..responses import Card, Directive, Reprompt, Response, output_speech
from ..ssml import Ssml

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

#: Characters in an audio stream URL.
MAX_STREAM_URL: Final = 8000
#: Characters in an audio stream token (and ``expectedPreviousToken``).
MAX_AUDIO_TOKEN: Final = 1024
#: The confirmation statuses of an intent or a slot.
CONFIRMATION_STATUSES: Final = ("NONE", "CONFIRMED", "DENIED")


# --- checks -------------------------------------------------------------------------------------


def _one_of(field: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ResponseError(f"{field} is {value!r}; use one of {', '.join(allowed)}")


def _text(field: str, value: object, *, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value:
        raise ResponseError(f"{field} must be a non-empty str, not {value!r}")
    if limit is not None and len(value) > limit:
        raise ResponseError(f"{field} is {len(value)} characters; the limit is {limit}")
    return str(value)


def _https(field: str, url: object, *, limit: int | None = None) -> str:
    text = _text(field, url, limit=limit)
    if text[:8].lower() != "https://" or len(text) == 8:
        raise ResponseError(f"{field} must be an HTTPS URL, not {text[:80]!r}")
    return text


def _mapping(field: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ResponseError(f"{field} must be a mapping (JSON object), not {type(value).__name__}")
    return value if type(value) is dict else dict(value)


# --- updated intents ----------------------------------------------------------------------------


def _without_nulls(value: Any) -> Any:
    """JSON with the null members of every object left out (a Slot's unset fields)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _whole_slot(name: str, slot: Slot) -> dict[str, Any]:
    """The slot as Alexa sent it: value, slotValue (every value of a list), resolutions, …

    Sent back whole: a slot reduced to ``{name, confirmationStatus}`` is the shape that clears
    it, and a multiple-value slot has no top-level ``value`` to keep.
    """
    whole: dict[str, Any] = _without_nulls(msgspec.to_builtins(slot))
    whole["name"] = name
    return whole


def _slot_json(name: str, value: object, old: Slot | None) -> dict[str, Any]:
    if isinstance(value, Slot):
        _one_of(f"slot {name} confirmationStatus", value.confirmation_status, CONFIRMATION_STATUSES)
        return _whole_slot(name, value)
    if value is None:
        return {"name": name, "confirmationStatus": "NONE"}
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseError(f"slot {name}: give a str, an int, a Slot or None, not {value!r}")
    text = str(value)
    if old is not None and old.value == text:
        return _whole_slot(name, old)  # unchanged: as the user gave and confirmed it
    # A value the skill changes is no longer what the user confirmed.
    return {"name": name, "value": text, "confirmationStatus": "NONE"}


def updated_intent(intent: Intent | str, /, **slots: str | int | Slot | None) -> dict[str, Any]:
    """The JSON of ``intent`` (or a fresh intent of that name) with the given slots set.

    A ``str`` or ``int`` sets the slot's value (its confirmation status resets to ``NONE`` unless
    the value is unchanged; the old resolutions, which described the old value, are dropped),
    ``None`` clears it, a `Slot` is sent as given. Every other slot goes back whole, as Alexa sent
    it: ``value``, ``slotValue`` with every value of a multiple-value slot, ``resolutions`` and
    ``confirmationStatus`` (a slot sent back with less is cleared). Give a name instead of an
    `Intent` to start another intent (intent chaining):
    ``delegate(updated_intent("OrderIntent", size="large"))``.
    """
    if isinstance(intent, str):
        current = Intent(name=_text("updatedIntent.name", intent))
    elif isinstance(intent, Intent):
        current = intent
    else:
        raise ResponseError(
            f"updated_intent needs an Intent or a name, not {type(intent).__name__}"
        )
    existing = current.slots or {}
    result: dict[str, dict[str, Any]] = {}
    for name, slot in existing.items():
        if name not in slots:
            result[name] = _whole_slot(name, slot)
    for name, value in slots.items():
        result[name] = _slot_json(name, value, existing.get(name))
    return {
        "name": _text("updatedIntent.name", current.name),
        "confirmationStatus": current.confirmation_status,
        "slots": result,
    }


def _intent_json(value: object) -> dict[str, Any] | None:
    """An updated intent as JSON: from an `Intent`, or a mapping checked for its shape."""
    if value is None:
        return None
    if isinstance(value, Intent):
        return updated_intent(value)
    intent = _mapping("updatedIntent", value)
    _text("updatedIntent.name", intent.get("name"))
    _one_of(
        "updatedIntent.confirmationStatus",
        intent.get("confirmationStatus", "NONE"),
        CONFIRMATION_STATUSES,
    )
    slots = intent.get("slots")
    if slots is not None and not isinstance(slots, Mapping):
        raise ResponseError("updatedIntent.slots must be a mapping of slot name to slot")
    return intent


# --- Dialog -------------------------------------------------------------------------------------


_UPDATE_BEHAVIORS: Final = ("REPLACE", "CLEAR")


def _entity_types(types: object) -> tuple[dict[str, Any], ...]:
    """Dynamic entity types as JSON, from {type name: values} or `SlotTypeDeclaration` values."""
    if isinstance(types, Mapping):
        try:
            declared = [SlotTypeDeclaration.build(name, values) for name, values in types.items()]
        except ConfigurationError as exc:
            raise ResponseError(f"Dialog.UpdateDynamicEntities types: {exc}") from None
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
        """Add slot values for this session (``REPLACE``) or remove them all (``CLEAR``).

        ``types`` maps a slot type name to its values, given as for `Skill.add_slot_type`
        (names, `SlotTypeValue`, or ``{"name", "id", "synonyms"}``); a value without an id
        gets its name as id.
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


# --- AudioPlayer --------------------------------------------------------------------------------


_PLAY_BEHAVIORS: Final = ("REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED")
_CLEAR_BEHAVIORS: Final = ("CLEAR_ENQUEUED", "CLEAR_ALL")


class AudioMetadata(msgspec.Struct, frozen=True, kw_only=True):
    """What a screen shows while a stream plays: title, subtitle, art and background (HTTPS)."""

    title: str | None = None
    subtitle: str | None = None
    #: URL of the album art or episode image.
    art: str | None = None
    #: URL of the background image.
    background_image: str | None = None

    def __post_init__(self) -> None:
        for field, value in (("title", self.title), ("subtitle", self.subtitle)):
            if value is not None:
                _text(f"AudioPlayer.Play metadata.{field}", value)
        if self.art is not None:
            _https("AudioPlayer.Play metadata.art", self.art)
        if self.background_image is not None:
            _https("AudioPlayer.Play metadata.backgroundImage", self.background_image)

    def _wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        if self.title is not None:
            wire["title"] = self.title
        if self.subtitle is not None:
            wire["subtitle"] = self.subtitle
        if self.art is not None:
            wire["art"] = {"sources": [{"url": self.art}]}
        if self.background_image is not None:
            wire["backgroundImage"] = {"sources": [{"url": self.background_image}]}
        return wire


class AudioPlayer:
    """The AudioPlayer interface: stream long-form audio, queue the next stream, stop."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "AudioPlayer"

    class Play(Directive, tag="AudioPlayer.Play", frozen=True):
        """Stream ``url`` (HTTPS), identified by ``token``; ``ENQUEUE`` names the stream before."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"
        _nested: ClassVar[bool] = True
        url: str
        token: str
        play_behavior: Literal["REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED"] = "REPLACE_ALL"
        offset_in_milliseconds: int = 0
        #: The token of the stream this one follows: required with ENQUEUE, refused otherwise.
        expected_previous_token: str | None = None
        metadata: AudioMetadata | None = None

        def __post_init__(self) -> None:
            where = "AudioPlayer.Play"
            _one_of(f"{where} playBehavior", self.play_behavior, _PLAY_BEHAVIORS)
            stream = f"{where} audioItem.stream"
            _https(f"{stream}.url", self.url, limit=MAX_STREAM_URL)
            _text(f"{stream}.token", self.token, limit=MAX_AUDIO_TOKEN)
            offset = self.offset_in_milliseconds
            if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
                raise ResponseError(
                    f"{stream}.offsetInMilliseconds must be an int of 0 or more, not {offset!r}"
                )
            previous = self.expected_previous_token
            if self.play_behavior == "ENQUEUE":
                if previous is None:
                    raise ResponseError(
                        f"{stream}.expectedPreviousToken is required with playBehavior ENQUEUE: "
                        "give the token of the stream this one follows"
                    )
                _text(f"{stream}.expectedPreviousToken", previous, limit=MAX_AUDIO_TOKEN)
            elif previous is not None:
                raise ResponseError(
                    f"{stream}.expectedPreviousToken is only allowed with playBehavior ENQUEUE, "
                    f"not {self.play_behavior}"
                )
            if self.metadata is not None and not isinstance(self.metadata, AudioMetadata):
                raise ResponseError(f"{where} metadata must be an AudioMetadata")

        def _wire(self) -> dict[str, Any]:
            stream: dict[str, Any] = {
                "url": self.url,
                "token": self.token,
                "offsetInMilliseconds": self.offset_in_milliseconds,
            }
            if self.expected_previous_token is not None:
                stream["expectedPreviousToken"] = self.expected_previous_token
            item: dict[str, Any] = {"stream": stream}
            if self.metadata is not None:
                item["metadata"] = self.metadata._wire()
            return {
                "type": "AudioPlayer.Play",
                "playBehavior": self.play_behavior,
                "audioItem": item,
            }

    class Stop(Directive, tag="AudioPlayer.Stop", frozen=True):
        """Stop the stream that is playing."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"

    class ClearQueue(Directive, tag="AudioPlayer.ClearQueue", frozen=True):
        """Clear the queue: ``CLEAR_ENQUEUED`` keeps the current stream, ``CLEAR_ALL`` stops it."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"
        clear_behavior: Literal["CLEAR_ENQUEUED", "CLEAR_ALL"]

        def __post_init__(self) -> None:
            _one_of("AudioPlayer.ClearQueue clearBehavior", self.clear_behavior, _CLEAR_BEHAVIORS)


# --- VideoApp -----------------------------------------------------------------------------------


class VideoApp:
    """The VideoApp interface: play a video file on a device with a screen."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "VideoApp"

    class Launch(Directive, tag="VideoApp.Launch", frozen=True):
        """Play the video at ``source`` (HTTPS), with an optional title and subtitle."""

        interface: ClassVar[str | None] = "VideoApp"
        _nested: ClassVar[bool] = True
        source: str
        title: str | None = None
        subtitle: str | None = None

        def __post_init__(self) -> None:
            _https("VideoApp.Launch videoItem.source", self.source)
            for field, value in (("title", self.title), ("subtitle", self.subtitle)):
                if value is not None:
                    _text(f"VideoApp.Launch videoItem.metadata.{field}", value)

        def _wire(self) -> dict[str, Any]:
            item: dict[str, Any] = {"source": self.source}
            metadata = {
                key: value
                for key, value in (("title", self.title), ("subtitle", self.subtitle))
                if value is not None
            }
            if metadata:
                item["metadata"] = metadata
            return {"type": "VideoApp.Launch", "videoItem": item}


# --- APL ----------------------------------------------------------------------------------------


class APL:
    """The ``Alexa.Presentation.APL`` interface: render a document on a screen, run commands."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "Alexa.Presentation.APL"

    class RenderDocument(Directive, tag="Alexa.Presentation.APL.RenderDocument", frozen=True):
        """Show ``document`` (an APL document, or a ``{"type": "Link", "src": …}``)."""

        interface: ClassVar[str | None] = "Alexa.Presentation.APL"
        document: Mapping[str, Any]
        #: Names the rendered document for ExecuteCommands and the events it sends back.
        token: str | None = None
        datasources: Mapping[str, Any] | None = None
        sources: Mapping[str, Any] | None = None

        def __post_init__(self) -> None:
            where = "Alexa.Presentation.APL.RenderDocument"
            document = _mapping(f"{where} document", self.document)
            if not isinstance(document.get("type"), str):
                raise ResponseError(f'{where} document has no "type" ("APL" or "Link")')
            force_setattr(self, "document", document)
            if self.token is not None:
                _text(f"{where} token", self.token)
            for field in ("datasources", "sources"):
                value = getattr(self, field)
                if value is not None:
                    force_setattr(self, field, _mapping(f"{where} {field}", value))

    class ExecuteCommands(Directive, tag="Alexa.Presentation.APL.ExecuteCommands", frozen=True):
        """Run APL ``commands`` against the document rendered with ``token``."""

        interface: ClassVar[str | None] = "Alexa.Presentation.APL"
        token: str
        commands: Sequence[Mapping[str, Any]]

        def __post_init__(self) -> None:
            where = "Alexa.Presentation.APL.ExecuteCommands"
            _text(f"{where} token", self.token)
            if isinstance(self.commands, Mapping | str) or not isinstance(self.commands, Iterable):
                raise ResponseError(f"{where} commands must be a list of commands")
            commands = tuple(
                _mapping(f"{where} commands[{index}]", command)
                for index, command in enumerate(self.commands)
            )
            if not commands:
                raise ResponseError(f"{where} commands is empty")
            force_setattr(self, "commands", commands)


# --- Connections (in-skill purchasing) ------------------------------------------------------------


_PURCHASE_TASKS: Final = ("Buy", "Upsell", "Cancel")


class Connections:
    """Skill connections for in-skill purchasing: hand the user to Amazon's purchase flow."""

    __slots__ = ()

    class SendRequest(Directive, tag="Connections.SendRequest", frozen=True):
        """Start Amazon's ``Buy``, ``Upsell`` or ``Cancel`` flow for the product ``product_id``.

        ``Upsell`` needs the ``upsell_message`` Alexa reads before offering the product; the
        others refuse one. ``token`` comes back in the ``Connections.Response`` request.
        """

        _nested: ClassVar[bool] = True
        name: Literal["Buy", "Upsell", "Cancel"]
        product_id: str
        upsell_message: str | None = None
        token: str | None = None

        def __post_init__(self) -> None:
            where = "Connections.SendRequest"
            _one_of(f"{where} name", self.name, _PURCHASE_TASKS)
            _text(f"{where} payload.InSkillProduct.productId", self.product_id)
            if self.name == "Upsell":
                _text(f"{where} payload.upsellMessage", self.upsell_message)
            elif self.upsell_message is not None:
                raise ResponseError(f"{where} payload.upsellMessage is only for Upsell")
            if self.token is not None:
                _text(f"{where} token", self.token)

        def _wire(self) -> dict[str, Any]:
            payload: dict[str, Any] = {"InSkillProduct": {"productId": self.product_id}}
            if self.upsell_message is not None:
                payload["upsellMessage"] = self.upsell_message
            wire: dict[str, Any] = {
                "type": "Connections.SendRequest",
                "name": self.name,
                "payload": payload,
            }
            if self.token is not None:
                wire["token"] = self.token
            return wire


# --- responses that carry a dialog directive ----------------------------------------------------


def _dialog_response(
    directive: Directive,
    speech: str | Ssml | None,
    reprompt: str | Ssml | None,
    card: Card | None,
    directives: Iterable[Directive | Mapping[str, Any]],
) -> Response:
    return Response(
        output_speech=msgspec.UNSET if speech is None else output_speech(speech),
        reprompt=msgspec.UNSET
        if reprompt is None
        else Reprompt(output_speech=output_speech(reprompt)),
        card=msgspec.UNSET if card is None else card,
        directives=(directive, *directives),
        should_end_session=False,
    )


def delegate(
    updated_intent: Intent | Mapping[str, Any] | None = None,
    *,
    speech: str | Ssml | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] = (),
) -> Response:
    """Let Alexa run the next dialog step, with the prompts of the dialog model.

    ``if request.dialog_state != "COMPLETED": return delegate()`` collects every required slot.

    The response carries no speech of its own, except when ``updated_intent`` starts another
    intent (intent chaining): then ``speech`` is spoken before the new intent's first prompt.
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
    directives: Iterable[Directive | Mapping[str, Any]] = (),
) -> Response:
    """Ask for the value of ``slot`` with ``speech`` (the reprompt defaults to the speech)."""
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
    directives: Iterable[Directive | Mapping[str, Any]] = (),
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
    directives: Iterable[Directive | Mapping[str, Any]] = (),
) -> Response:
    """Ask the user to confirm the whole intent with the yes-or-no question ``speech``."""
    return _dialog_response(
        Dialog.ConfirmIntent(updated_intent=updated_intent),
        speech,
        speech if reprompt is None else reprompt,
        card,
        directives,
    )

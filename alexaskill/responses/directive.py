"""The `Directive` base, and what a response knows of any directive: its type and its kind."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any, ClassVar, Final, TypeVar

import msgspec
from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..shown_names import shown, shown_value
from .as_written import _DataRefused, check_as_written, check_object_as_written
from .snapshots import (
    _ENCODE_ERRORS,
    _encode_within,
    _encoded,
    _EncodedDirective,
    _not_encodable,
)

__all__ = [
    "Directive",
    "directive_kind",
    "directive_type",
]


class Directive(
    msgspec.Struct,
    frozen=True,
    rename="camel",
    omit_defaults=True,
    kw_only=True,
    tag_field="type",
):
    """Base of typed directives; a subclass sets ``tag="Dialog.Delegate"`` and its ``kind``."""

    #: "dialog", "audio" or "other": which response rules apply to the directive.
    kind: ClassVar[str] = "other"
    #: The interface the device must declare (``"Alexa.Presentation.APL"``, …), if any.
    interface: ClassVar[str | None] = None
    #: True when the JSON nests differently from the fields: `_wire` then lays it out.
    _nested: ClassVar[bool] = False

    def _wire(self) -> Any:
        """The directive as sent, for directives whose JSON nests (see `_nested`)."""
        return self


_KIND_BY_PREFIX: Final = (("Dialog.", "dialog"), ("AudioPlayer.", "audio"))


def _type_shown(type_: str) -> str:
    """A raw directive's ``type`` as an error echoes it, in one short line: `shown` (cut to its
    head and tail past 120 characters), quoted where it is not printable (a newline in it)."""
    return shown(type_, quoted=not type_.isprintable())


def directive_type(directive: Directive | Mapping[str, Any]) -> str:
    """The directive's ``type``, ``"Dialog.Delegate"`` say, of a typed or a raw directive."""
    if isinstance(directive, Directive):
        tag = type(directive).__struct_config__.tag
        return tag if isinstance(tag, str) else ""
    return _raw_type(directive)


def _raw_type(directive: object) -> str:
    """The ``"type"`` of a raw directive; `ResponseError` saying what is wrong if it is no
    mapping with a non-empty string type (a bare KeyError or AttributeError said nothing)."""
    if not isinstance(directive, Mapping):
        raise ResponseError(
            'a directive is a Directive or a mapping with a string "type", '
            f"not {type_with_article(directive)}"
        )
    type_ = directive.get("type")
    if isinstance(type_, str) and type_:
        return type_
    said = "it has none" if "type" not in directive else f"its type is {shown_value(type_)}"
    raise ResponseError(f'a directive mapping needs a non-empty string "type": {said}')


def directive_kind(directive: Directive | Mapping[str, Any]) -> str:
    """The directive's kind, "dialog", "audio" or "other"; a mapping's comes from its type."""
    if isinstance(directive, Directive):
        return directive.kind
    type_ = _raw_type(directive)
    for prefix, kind in _KIND_BY_PREFIX:
        if type_.startswith(prefix):
            return kind
    return "other"


def _check_play(field: str, index: int, play: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where an AudioPlayer.Play written as a mapping breaks a rule the
    typed `alexaskill.directives.AudioPlayer.Play` checks (HTTPS, lengths, the previous token
    exactly with ENQUEUE, the metadata's text and image URLs); the mapping itself goes out as
    written."""
    # Imported here: alexaskill.directives builds on this module.
    from ..directives.audio import AudioPlayer, _check_metadata_json

    item = play.get("audioItem")
    stream = item.get("stream") if isinstance(item, Mapping) else None
    if not isinstance(stream, Mapping):
        raise ResponseError(f"{field}[{index}]: AudioPlayer.Play has no audioItem.stream object")
    fields: dict[str, Any] = {  # None where absent: the typed Play's checks name the field
        "url": stream.get("url"),
        "token": stream.get("token"),
        "play_behavior": play.get("playBehavior"),
        "offset_in_milliseconds": stream.get("offsetInMilliseconds", 0),
        "expected_previous_token": stream.get("expectedPreviousToken"),
    }
    try:
        AudioPlayer.Play(**fields)
        if isinstance(item, Mapping) and item.get("metadata") is not None:  # None: not given
            _check_metadata_json(item["metadata"])
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


def _check_clear_queue(field: str, index: int, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where an ``AudioPlayer.ClearQueue`` written as a mapping has no
    ``clearBehavior`` Alexa knows (``CLEAR_ENQUEUED`` or ``CLEAR_ALL``)."""
    from ..directives.audio import AudioPlayer  # (as in _check_play)

    try:
        AudioPlayer.ClearQueue(directive.get("clearBehavior"))  # type: ignore[arg-type]
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


def _check_start_connection(field: str, index: int, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where a ``Connections.StartConnection`` written as a mapping has no
    ``connection://`` uri or an ``onCompletion`` Alexa does not know; its ``input`` is the
    task's JSON, not checked."""
    from ..directives.connections import Connections  # (as in _check_play)

    try:
        Connections.StartConnection(
            uri=directive.get("uri"),  # type: ignore[arg-type]  # checked there
            token=directive.get("token"),
            on_completion=directive.get("onCompletion"),
        )
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


#: The in-skill purchase tasks of ``Connections.SendRequest`` (Amazon's "Add ISP Support to Your
#: Skill Code"); its other tasks (Amazon Pay's ``Setup`` and ``Charge``, ``AskFor`` a
#: permission) carry payloads of their own, sent as written.
_PURCHASES: Final = ("Buy", "Upsell", "Cancel")


def _check_purchase(field: str, index: int, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where a ``Connections.SendRequest`` purchase (``Buy``, ``Upsell``
    or ``Cancel``) written as a mapping breaks a rule the typed
    `alexaskill.directives.Connections.SendRequest` checks: a ``payload.InSkillProduct``
    naming its ``productId``, an ``upsellMessage`` with ``Upsell`` alone, a non-empty token."""
    from ..directives.connections import Connections  # (as in _check_play)

    name = directive.get("name")
    if name not in _PURCHASES:
        return
    payload = directive.get("payload")
    if not isinstance(payload, Mapping):
        payload = {}
    product = payload.get("InSkillProduct")
    if not isinstance(product, Mapping):
        raise ResponseError(
            f"{field}[{index}]: Connections.SendRequest {name} has no payload.InSkillProduct "
            'object ({"productId": …}: the product)'
        )
    try:
        Connections.SendRequest(
            name=name,
            product_id=product.get("productId"),  # type: ignore[arg-type]  # checked there
            upsell_message=payload.get("upsellMessage"),
            token=directive.get("token"),
        )
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


def _check_video_launch(field: str, index: int, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where a ``VideoApp.Launch`` written as a mapping breaks a rule the
    typed `alexaskill.directives.VideoApp.Launch` checks: a ``videoItem`` object whose
    ``source`` is an HTTPS URL, a ``metadata`` object whose title and subtitle are text."""
    from ..directives.video import VideoApp  # (as in _check_play)

    item = directive.get("videoItem")
    if not isinstance(item, Mapping):
        raise ResponseError(f"{field}[{index}]: VideoApp.Launch has no videoItem object")
    metadata = item.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, Mapping):
        raise ResponseError(
            f"{field}[{index}]: VideoApp.Launch videoItem.metadata must be an object, not "
            f"{type_with_article(metadata)}"
        )
    try:
        VideoApp.Launch(
            source=item.get("source"),  # type: ignore[arg-type]  # checked there
            title=metadata.get("title"),
            subtitle=metadata.get("subtitle"),
        )
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


#: ``updateBehavior`` values Alexa knows (Amazon's ask-sdk-model, ``er.dynamic.UpdateBehavior``).
_UPDATE_BEHAVIORS: Final = ("REPLACE", "CLEAR")


def _check_dynamic_entities(field: str, index: int, directive: Mapping[str, Any]) -> None:
    """Raise `ResponseError` where a ``Dialog.UpdateDynamicEntities`` written as a mapping breaks
    a rule its typed form keeps: an ``updateBehavior`` Alexa knows; with ``REPLACE``, ``types``
    a non-empty list of ``{"name", "values"}``, each value ``{"id"?, "name": {"value",
    "synonyms"?}}`` (Amazon's ask-sdk-model, ``er.dynamic``), at least one value a type; with
    ``CLEAR``, no types. Amazon's limits on the number of types, values and synonyms are not
    checked anywhere (their figures could not be confirmed from Amazon's "Use Dynamic Entities
    for Customized Interactions")."""
    where = f"{field}[{index}]: Dialog.UpdateDynamicEntities"
    behavior = directive.get("updateBehavior")
    if behavior not in _UPDATE_BEHAVIORS:
        choices = ", ".join(_UPDATE_BEHAVIORS)
        raise ResponseError(
            f"{where} updateBehavior is {shown_value(behavior)}; use one of {choices}"
        )
    types = directive.get("types")
    if behavior == "CLEAR":
        if types:
            raise ResponseError(f"{where} CLEAR takes no types")
        return
    if types is None or (isinstance(types, list) and not types):
        raise ResponseError(f"{where} REPLACE needs at least one type")
    error = _entity_types_error(types)
    if error is not None:
        raise ResponseError(f"{where} {error}")


def _entity_types_error(types: object) -> str | None:
    """Where and what is wrong in the first member of a written ``types`` list Alexa cannot
    read, or None."""
    if not isinstance(types, list):
        return f"types must be a list of slot types, not {type_with_article(types)}"
    for at, item in enumerate(types):
        here = f"types[{at}]"
        if not isinstance(item, Mapping):
            return f'{here} must be an object {{"name", "values"}}, not {type_with_article(item)}'
        if not isinstance(item.get("name"), str) or not item["name"]:
            return f"{here}.name must be a non-empty str, not {shown_value(item.get('name'))}"
        values = item.get("values")
        if not isinstance(values, list) or not values:
            return f"{here}.values must be a non-empty list of values, not {shown_value(values)}"
        for number, value in enumerate(values):
            there = f"{here}.values[{number}]"
            if not isinstance(value, Mapping):
                return f'{there} must be an object {{"id", "name"}}, not {type_with_article(value)}'
            if value.get("id") is not None and (
                not isinstance(value["id"], str) or not value["id"]
            ):
                return f"{there}.id must be a non-empty str, not {shown_value(value['id'])}"
            name = value.get("name")
            if not isinstance(name, Mapping):
                kind = type_with_article(name)
                return f'{there}.name must be an object {{"value", "synonyms"}}, not {kind}'
            said = name.get("value")
            if not isinstance(said, str) or not said:
                return f"{there}.name.value must be a non-empty str, not {shown_value(said)}"
            synonyms = name.get("synonyms")
            if synonyms is not None and (
                not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms)
            ):
                return f"{there}.name.synonyms must be a list of str, not {shown_value(synonyms)}"
    return None


#: The field naming the slot of a dialog directive that asks about one (Amazon's Dialog
#: interface reference): Alexa refuses the response without it.
_NAMED_SLOT: Final = {"Dialog.ElicitSlot": "slotToElicit", "Dialog.ConfirmSlot": "slotToConfirm"}


def _check_named_slot(field: str, index: int, directive: Mapping[str, Any], name: str) -> None:
    """Raise `ResponseError` unless ``directive`` (a mapping) names its slot in ``name``."""
    slot = directive.get(name)
    if not isinstance(slot, str) or not slot:
        raise ResponseError(
            f"{field}[{index}]: {directive['type']} {name} is {shown_value(slot)}; name the "
            "slot (a str)"
        )


def _snapshot(
    field: str, index: int, type_: str, directive: Mapping[str, Any]
) -> tuple[_EncodedDirective, dict[str, Any]]:
    """A raw directive as the JSON it sends (see `_encoded`), and that JSON decoded, which the
    checks read (kept in the snapshot for the small directives whose members the rules read);
    one that cannot be encoded is refused, naming the directive."""
    written = directive if type(directive) is dict else dict(directive)  # a Mapping's items
    where = f"{field}[{index}] ({_type_shown(type_)})"
    try:
        raw = _encoded(where, written, large=type_.startswith("Alexa.Presentation."))
    except _DataRefused:  # (a ValueError: past any reply, said as it is)
        raise
    except _ENCODE_ERRORS as exc:
        raise _not_encodable(where, written, exc) from None
    sent = msgspec.json.decode(raw)
    check_as_written(where, written, sent)
    return _EncodedDirective(raw, type_, sent if type_ in _CHECKED else None), sent


#: The dialog directives that may carry an ``updatedIntent`` (Amazon's Dialog interface
#: reference).
_WITH_INTENT: Final = frozenset(
    {"Dialog.Delegate", "Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent"}
)


def _check_updated_intent(field: str, index: int, intent: object) -> None:
    """Raise `ResponseError` where a dialog directive written as a mapping has an
    ``updatedIntent`` the typed directives refuse (no name, a confirmationStatus Alexa does
    not know, slots that are no mapping of slots)."""
    from ..directives.intents import _intent_json  # (as in _check_play)

    try:
        _intent_json(intent)
    except ResponseError as exc:
        raise ResponseError(f"{field}[{index}]: {exc}") from None


#: The raw directives whose members are checked (small ones): decoded from their bytes.
_CHECKED: Final = frozenset(
    {"AudioPlayer.Play", "AudioPlayer.ClearQueue", "Connections.StartConnection", "VideoApp.Launch"}
    | {"Connections.SendRequest"}
    | {"Dialog.UpdateDynamicEntities", "Dialog.ConfirmIntent", "Dialog.Delegate"}
    | _NAMED_SLOT.keys()
)


#: The APL directives checked as their typed forms are (and APL for audio's RenderDocument,
#: which has no typed form, for what its document requires), their JSON not kept decoded (an
#: APL document is often tens of kilobytes: the snapshot's bytes are what the reply sends).
_APL_CHECKED: Final = frozenset(
    {"Alexa.Presentation.APL.RenderDocument", "Alexa.Presentation.APL.ExecuteCommands"}
    | {"Alexa.Presentation.APLA.RenderDocument"}
)


def _kind_of(value: object) -> str:
    """What ``value`` is, for an error: its type's name after its article, or of a class (a
    card or a directive not called: ``card=LinkAccountCard``) that it is the class, and to call
    it."""
    if isinstance(value, type):
        fields = getattr(value, "__struct_fields__", ())
        defaults = getattr(value, "__struct_defaults__", ())
        arguments = "…" if len(fields) > len(defaults) else ""  # SimpleCard(…), Stop()
        return f"the class {value.__qualname__} (call it: {value.__qualname__}({arguments}))"
    return type_with_article(value)


#: The `Directive` and `Card` classes of alexaskill's own met so far: each checks its values as
#: it is made, and copies what it is given that could change (`alexaskill.directives.checks`),
#: so one of them goes into a response as it is, after a lookup in this set.
_OWN_CLASSES: Final[set[type]] = set()
#: This package's name ("alexaskill"; another if loaded beside it, as benchmarks/before_after.py
#: loads a checkout: its own classes are its own there too, or it measures their checks).
_PACKAGE: Final = __name__.partition(".")[0]

_S = TypeVar("_S", bound=msgspec.Struct)


def _checked_object(field: str, value: _S) -> _S:
    """``value``, a directive or a card, as a response holds it: itself if its class is
    alexaskill's own; of a class the skill made of the public `Directive` or `Card` (its
    fields take any value), `ResponseError` naming the first value JSON would change in it, as
    in a directive written as a mapping (`check_object_as_written`), else a copy of it
    (`_copied`), as such a mapping is copied. Whose class it is, is decided once a class."""
    kind = type(value)
    if kind in _OWN_CLASSES:
        return value
    if kind.__module__.partition(".")[0] == _PACKAGE:
        _OWN_CLASSES.add(kind)
        return value
    check_object_as_written(field, value, functools.partial(_encode_within, field))
    return _copied(value)


def _copied(value: _S) -> _S:
    """``value`` with each field a deep copy (one memo: what it holds twice, the copy does),
    made without running its ``__post_init__`` again: a change the skill makes afterwards to
    what it gave (a template reused for the next user's token) changes no response already
    made, nor undoes the checks. Of its own class still, for what the rules read of it (its
    kind, its interface, its fields). A copy, not its bytes as a mapping's: the response holds
    the object. One that cannot be deep-copied (a value that does not encode either, which the
    reply's encoding names; nesting past the recursion limit) is held as it is."""
    copied = copy.copy(value)  # (msgspec's: the fields as they are, no __post_init__)
    memo: dict[int, Any] = {}
    try:
        for name in value.__struct_fields__:
            force_setattr(copied, name, copy.deepcopy(getattr(value, name), memo))
    except (TypeError, copy.Error, RecursionError):
        return value
    return copied


def _directive(field: str, index: int, directive: object) -> object:
    """A valid directive: a `Directive`, or a mapping with a string ``"type"`` (encoded, its
    checks made of what it sends; one already checked so, in another response, is kept). A
    `Directive` of a class that is not alexaskill's own has its values checked, and is
    copied (`_checked_object`)."""
    kind = type(directive)
    if kind in _OWN_CLASSES or kind is _EncodedDirective:
        return directive
    if isinstance(directive, Directive):
        tag = directive_type(directive)
        held = _checked_object(f"{field}[{index}] ({_type_shown(tag)})", directive)
        if type(held) not in _OWN_CLASSES and (tag in _CHECKED or tag in _APL_CHECKED):
            _check_object_by_type(field, index, tag, held)  # its type's checks, as a dict's
        return held
    if isinstance(directive, Mapping):
        type_ = directive.get("type")
        if not isinstance(type_, str) or not type_:
            raise ResponseError(f'{field}[{index}] has no string "type"')
        if type(type_) is not str:
            type_ = str.__str__(type_)  # as sent (a str Enum's member its text)
        snapshot, sent = _snapshot(field, index, type_, directive)
        if snapshot._data is not None or type_ in _APL_CHECKED:
            _check_by_type(field, index, type_, sent)
        return snapshot
    raise ResponseError(
        f"{field}[{index}] must be a Directive or a mapping with a 'type', "
        f"not {_kind_of(directive)}"
    )


def _check_object_by_type(field: str, index: int, type_: str, directive: Directive) -> None:
    """The checks of `_check_by_type`, made of what a directive of the skill's own class sends
    (its JSON, as the reply encodes it): an ``Alexa.Presentation.APLA.RenderDocument`` or an
    ``AudioPlayer.Play`` the skill models itself is as much Alexa's to refuse as one written
    as a dict. One that does not encode is left to the reply's encoding, which names it."""
    wired = directive._wire() if directive._nested else directive
    try:
        raw = _encode_within(
            f"{field}[{index}] ({_type_shown(type_)})",
            wired,
            large=type_.startswith("Alexa.Presentation."),
        )
    except _DataRefused:  # (a ValueError: past any reply, said as it is)
        raise
    except _ENCODE_ERRORS:
        return
    sent = msgspec.json.decode(raw)
    if isinstance(sent, dict):
        _check_by_type(field, index, type_, sent)


def _check_by_type(field: str, index: int, type_: str, sent: dict[str, Any]) -> None:
    """Raise `ResponseError` where a directive of type ``type_``, as decoded from what it
    sends, breaks a rule its typed form checks: whichever class or mapping carries it."""
    if type_ in _APL_CHECKED:
        from ..directives.apl import _check_written  # (as in _check_play)

        _check_written(f"{field}[{index}]", sent)
        return
    if type_ == "AudioPlayer.Play":
        _check_play(field, index, sent)
    elif type_ == "Dialog.UpdateDynamicEntities":
        _check_dynamic_entities(field, index, sent)
    elif type_ == "AudioPlayer.ClearQueue":
        _check_clear_queue(field, index, sent)
    elif type_ == "Connections.StartConnection":
        _check_start_connection(field, index, sent)
    elif type_ == "VideoApp.Launch":
        _check_video_launch(field, index, sent)
    elif type_ == "Connections.SendRequest":
        _check_purchase(field, index, sent)
    elif type_ in _NAMED_SLOT:
        _check_named_slot(field, index, sent, _NAMED_SLOT[type_])
    if type_ in _WITH_INTENT and sent.get("updatedIntent") is not None:
        _check_updated_intent(field, index, sent["updatedIntent"])

"""Response values: speech, cards, directives and the envelope Alexa receives.

A handler returns a small frozen value, never a builder hung on the request::

    return speak("Sunny in Paris", card=SimpleCard("Weather", "Sunny"))
    return ask("Which city?", reprompt="Which city would you like?")

Decisions:

- **Plain text or SSML is chosen by type.** A plain ``str`` becomes ``PlainText`` speech and is
  never read as markup; an `alexaskill.ssml.Ssml` value becomes ``SSML`` speech, wrapped in
  ``<speak>`` when the author left the root out (see `alexaskill.ssml`).
- **Limits are checked where a value is built** (``__post_init__``), with a `ResponseError`
  naming the field and the limit, so the mistake points at the line that made it. Encoding does
  not validate again, except for the whole-body size, which only exists once encoded.
- **shouldEndSession has three answers** (Amazon's "Request and Response JSON Reference",
  response body): `speak` ends the session (``true``), `ask` keeps it open with the microphone
  on (``false``), ``end_session=None`` and `empty` leave the key out so the device decides.
- **A reprompt needs an open session.** Alexa silently ignores a reprompt sent with
  ``shouldEndSession: true``, which hides a bug, so `Response` refuses that combination: use
  `ask`, or ``speak(…, reprompt=…, end_session=False)``. A reprompt with the key absent is
  allowed (screen devices may keep the session open).
- **Directives** are `Directive` structs (typed ones live in `alexaskill.directives`) or plain
  mappings with a string ``"type"``, passed through verbatim: the escape hatch for whatever
  Amazon adds next. `directive_kind` sorts both into "dialog" / "audio" / "other".
- **Rules that need only the response are checked here**, when it is built: one dialog directive
  per response and never with ``shouldEndSession: true``; a ``Dialog.Delegate`` without a
  reprompt, and without speech unless it starts another intent; at most one
  ``AudioPlayer.Play``, ``VideoApp.Launch`` and ``Dialog.UpdateDynamicEntities``; a
  ``canFulfillIntent`` answer with nothing beside it. Rules that need the request (which
  requests may get which directives, what the device supports) are in `alexaskill.rules`.
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Literal

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..exceptions import ResponseError
from ..ssml import Ssml
from ..ssml import speak as _speak_document

__all__ = [
    "DIALOG_DIRECTIVES",
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

#: Characters of speech (the text, or the whole SSML document) Alexa accepts.
MAX_SPEECH: Final = 8000
#: Characters of card text (title, content or text, and image URLs together).
MAX_CARD_TEXT: Final = 8000
#: Characters in one card image URL.
MAX_IMAGE_URL: Final = 2000
#: Bytes in a whole response body (Amazon's current limit; older docs said 24 KB).
MAX_RESPONSE_BYTES: Final = 120 * 1024

#: How speech joins what is already playing (``outputSpeech.playBehavior``).
PlayBehavior = Literal["ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED"]
_PLAY_BEHAVIORS: Final = ("ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED")


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ResponseError(f"{field} is {len(value)} characters; the limit is {limit}")


def _exact_str(field: str, value: object) -> str:
    """``value`` as an exact ``str`` (msgspec encodes no subclass, e.g. `Ssml`)."""
    if not isinstance(value, str):
        raise ResponseError(f"{field} must be a str, not {type(value).__name__}")
    return str(value)


# --- speech -------------------------------------------------------------------------------------


class OutputSpeech(
    msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, tag_field="type"
):
    """Base of the two kinds of speech: `PlainTextSpeech` and `SsmlSpeech`."""


def _check_play_behavior(value: str | UnsetType) -> None:
    if value is not UNSET and value not in _PLAY_BEHAVIORS:
        raise ResponseError(
            f"outputSpeech.playBehavior is {value!r}; use one of {', '.join(_PLAY_BEHAVIORS)}"
        )


# kw_only is deliberately off for speech and cards: their required fields read best positionally,
# and their bases declare no fields, so msgspec's "required after optional" trap cannot occur.
class PlainTextSpeech(OutputSpeech, tag="PlainText", frozen=True):
    """Speech read as plain text: ``{"type": "PlainText", "text": …}``."""

    text: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        if type(self.text) is not str:
            force_setattr(self, "text", _exact_str("outputSpeech.text", self.text))
        _check_length("outputSpeech.text", self.text, MAX_SPEECH)
        _check_play_behavior(self.play_behavior)


_HAS_SPEAK_ROOT = re.compile(r"\s*<speak[\s>]")


class SsmlSpeech(OutputSpeech, tag="SSML", frozen=True):
    """Speech in SSML: ``{"type": "SSML", "ssml": "<speak>…</speak>"}``; the root is added."""

    ssml: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        markup = _exact_str("outputSpeech.ssml", self.ssml)
        if not _HAS_SPEAK_ROOT.match(markup):
            markup = str(_speak_document(Ssml(markup)))
        force_setattr(self, "ssml", markup)
        _check_length("outputSpeech.ssml", markup, MAX_SPEECH)
        _check_play_behavior(self.play_behavior)


def output_speech(value: str | Ssml) -> PlainTextSpeech | SsmlSpeech:
    """Speech from a value: `Ssml` becomes SSML speech, any other ``str`` plain text."""
    if isinstance(value, Ssml):
        return SsmlSpeech(value)
    if isinstance(value, str):
        return PlainTextSpeech(value)
    raise ResponseError(f"speech must be a str or Ssml, not {type(value).__name__}")


class Reprompt(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    """What Alexa says if the user stays silent: ``{"outputSpeech": {…}}``."""

    output_speech: OutputSpeech | UnsetType = UNSET
    #: Reprompt directives (APL for audio); same rules as `Response.directives`.
    directives: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.output_speech is not UNSET and not isinstance(self.output_speech, OutputSpeech):
            raise ResponseError(
                "reprompt.outputSpeech must be PlainTextSpeech or SsmlSpeech, "
                f"not {type(self.output_speech).__name__}"
            )
        _set_directives(self, "reprompt.directives")


# --- cards --------------------------------------------------------------------------------------


class Card(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, tag_field="type"):
    """Base of the cards shown in the Alexa app and on screens."""


def _check_card_text(*parts: str | None) -> None:
    total = 0
    for part in parts:
        if part:
            total += len(part)
    if total > MAX_CARD_TEXT:
        raise ResponseError(
            f"card text (title, text and image URLs) is {total} characters; "
            f"the limit is {MAX_CARD_TEXT}"
        )


class SimpleCard(Card, tag="Simple", frozen=True):
    """A card with a title and plain-text content."""

    title: str
    content: str

    def __post_init__(self) -> None:
        _check_card_text(self.title, self.content)


def _check_image_url(field: str, url: str | None) -> None:
    if url is None:
        return
    if url[:8].lower() != "https://":
        raise ResponseError(f"card.image.{field} must be an HTTPS URL, not {url[:80]!r}")
    _check_length(f"card.image.{field}", url, MAX_IMAGE_URL)


class StandardCard(Card, tag="Standard", frozen=True):
    """A card with a title, text and optional small and large HTTPS images."""

    title: str
    text: str
    small_image_url: str | None = None
    large_image_url: str | None = None

    def __post_init__(self) -> None:
        _check_image_url("smallImageUrl", self.small_image_url)
        _check_image_url("largeImageUrl", self.large_image_url)
        _check_card_text(self.title, self.text, self.small_image_url, self.large_image_url)

    def _wire(self) -> _StandardCardWire:
        """The card as Alexa wants it: image URLs nested under ``image``."""
        image: _CardImage | UnsetType = UNSET
        if self.small_image_url is not None or self.large_image_url is not None:
            image = _CardImage(
                small_image_url=UNSET if self.small_image_url is None else self.small_image_url,
                large_image_url=UNSET if self.large_image_url is None else self.large_image_url,
            )
        return _StandardCardWire(self.title, self.text, image)


class _CardImage(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    small_image_url: str | UnsetType = UNSET
    large_image_url: str | UnsetType = UNSET


class _StandardCardWire(Card, tag="Standard", frozen=True):
    """`StandardCard` laid out for the wire (msgspec cannot nest flat fields itself)."""

    title: str
    text: str
    image: _CardImage | UnsetType = UNSET


class LinkAccountCard(Card, tag="LinkAccount", frozen=True):
    """A card that asks the user to link their account (the skill's account-linking page)."""


class AskForPermissionsConsentCard(Card, tag="AskForPermissionsConsent", frozen=True):
    """A card asking the user to grant permission scopes, e.g. ``alexa::profile:email:read``."""

    permissions: Sequence[str]

    def __post_init__(self) -> None:
        if isinstance(self.permissions, str):
            raise ResponseError("card.permissions must be a list of scopes, not one string")
        permissions = tuple(self.permissions)
        if not permissions:
            raise ResponseError("card.permissions is empty; name at least one permission scope")
        for index, scope in enumerate(permissions):
            if not isinstance(scope, str) or not scope:
                raise ResponseError(f"card.permissions[{index}] must be a non-empty scope string")
        force_setattr(self, "permissions", permissions)


# --- directives ---------------------------------------------------------------------------------


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


def directive_type(directive: Directive | Mapping[str, Any]) -> str:
    """The directive's ``type``, ``"Dialog.Delegate"`` say, of a typed or a raw directive."""
    if isinstance(directive, Directive):
        tag = type(directive).__struct_config__.tag
        return tag if isinstance(tag, str) else ""
    return str(directive["type"])


def directive_kind(directive: Directive | Mapping[str, Any]) -> str:
    """The directive's kind, "dialog", "audio" or "other"; a mapping's comes from its type."""
    if isinstance(directive, Directive):
        return directive.kind
    type_ = directive["type"]
    for prefix, kind in _KIND_BY_PREFIX:
        if type_.startswith(prefix):
            return kind
    return "other"


def _directive(field: str, index: int, directive: object) -> object:
    """A valid directive: a `Directive`, or a mapping with a string ``"type"`` (as a dict)."""
    if isinstance(directive, Directive):
        return directive
    if isinstance(directive, Mapping):
        type_ = directive.get("type")
        if not isinstance(type_, str) or not type_:
            raise ResponseError(f'{field}[{index}] has no string "type"')
        # msgspec encodes dicts only; a dict is kept as is (not copied: it is the caller's JSON).
        return directive if type(directive) is dict else dict(directive)
    raise ResponseError(
        f"{field}[{index}] must be a Directive or a mapping with a 'type', "
        f"not {type(directive).__name__}"
    )


def _set_directives(struct: Response | Reprompt, field: str) -> None:
    directives = struct.directives
    if not directives:
        if type(directives) is not tuple:
            force_setattr(struct, "directives", ())
        return
    checked = tuple(_directive(field, index, d) for index, d in enumerate(directives))
    force_setattr(struct, "directives", checked)


# --- the response -------------------------------------------------------------------------------


class Response(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    """The ``response`` object of the reply; every part may be absent (then it is not sent)."""

    output_speech: OutputSpeech | UnsetType = UNSET
    card: Card | UnsetType = UNSET
    reprompt: Reprompt | UnsetType = UNSET
    directives: tuple[Any, ...] = ()
    #: True ends the session, False keeps it open with the microphone on, UNSET lets the device
    #: decide: three different answers.
    should_end_session: bool | UnsetType = UNSET
    #: The answer to a CanFulfillIntentRequest: a `CanFulfillIntent` (see `can_fulfill`).
    can_fulfill_intent: Any = UNSET
    #: The answer to a ``Dialog.API.Invoked`` request (Alexa Conversations): the API's result,
    #: a JSON object (a mapping), sent as ``apiResponse``.
    api_response: Any = UNSET
    #: The A/B tests this response triggered, sent as ``experimentation``.
    experimentation: ExperimentTrigger | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.output_speech is not UNSET and not isinstance(self.output_speech, OutputSpeech):
            raise ResponseError(
                "outputSpeech must be PlainTextSpeech or SsmlSpeech (see output_speech()), "
                f"not {type(self.output_speech).__name__}"
            )
        if self.card is not UNSET and not isinstance(self.card, Card):
            raise ResponseError(f"card must be a Card, not {type(self.card).__name__}")
        if self.reprompt is not UNSET:
            if not isinstance(self.reprompt, Reprompt):
                raise ResponseError(
                    f"reprompt must be a Reprompt, not {type(self.reprompt).__name__}"
                )
            if self.should_end_session is True:
                raise ResponseError(
                    "a reprompt needs an open session, but shouldEndSession is true "
                    "(Alexa would ignore the reprompt): use ask(), or end_session=False"
                )
        if self.should_end_session is not UNSET and type(self.should_end_session) is not bool:
            raise ResponseError(
                f"shouldEndSession must be True, False or UNSET, not {self.should_end_session!r}"
            )
        directives = self.directives
        if directives or type(directives) is not tuple:  # the usual () needs no call
            _set_directives(self, "directives")
        if self.api_response is not UNSET or self.experimentation is not UNSET:
            _check_extras(self)
        if self.directives or self.can_fulfill_intent is not UNSET:
            _check_rules(self)

    def replace(self, **changes: Any) -> Response:
        """A copy with ``changes`` (``card=SimpleCard(…)``), checked as a new response is: what
        an after-request hook returns to change the reply."""
        return msgspec.structs.replace(self, **changes)


class ExperimentTrigger(msgspec.Struct, frozen=True, rename="camel"):
    """``experimentation`` of a response: the ids of the experiments it triggered.

    Amazon's A/B testing counts a user in an experiment from the first response that names it
    here (``context.Experimentation`` says which experiments and treatments are active).
    """

    triggered_experiments: Sequence[str]

    def __post_init__(self) -> None:
        ids = self.triggered_experiments
        if isinstance(ids, str):
            raise ResponseError("experimentation.triggeredExperiments must be a list of ids")
        checked = tuple(ids)
        for index, experiment in enumerate(checked):
            if not isinstance(experiment, str) or not experiment:
                raise ResponseError(
                    f"experimentation.triggeredExperiments[{index}] must be a non-empty str"
                )
        force_setattr(self, "triggered_experiments", checked)


def _check_extras(response: Response) -> None:
    """Check ``apiResponse`` and ``experimentation``, the rarely used parts of a response."""
    api_response = response.api_response
    if api_response is not UNSET:
        if not isinstance(api_response, Mapping):
            raise ResponseError(
                f"apiResponse must be a mapping (JSON object), not {type(api_response).__name__}"
            )
        if type(api_response) is not dict:
            force_setattr(response, "api_response", dict(api_response))
    if response.experimentation is not UNSET and not isinstance(
        response.experimentation, ExperimentTrigger
    ):
        raise ResponseError(
            "experimentation must be an ExperimentTrigger, not "
            f"{type(response.experimentation).__name__}"
        )


# --- rules that need only the response ----------------------------------------------------------

#: The dialog directives that drive a dialog: one per response, never ending the session.
DIALOG_DIRECTIVES: Final = frozenset(
    {"Dialog.Delegate", "Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent"}
)
# Directive types Alexa takes at most once per response.
_ONCE: Final = ("Dialog.UpdateDynamicEntities", "AudioPlayer.Play", "VideoApp.Launch")


def updated_intent_name(directive: Directive | Mapping[str, Any]) -> str | None:
    """The name of a dialog directive's ``updatedIntent``, or None when it has none."""
    if isinstance(directive, Directive):
        intent = getattr(directive, "updated_intent", None)
    else:
        intent = directive.get("updatedIntent")
    if isinstance(intent, Mapping):
        name = intent.get("name")
        return name if isinstance(name, str) else None
    return None


def _check_rules(response: Response) -> None:
    """Refuse the combinations Alexa refuses whatever the request (see `alexaskill.rules`)."""
    if response.can_fulfill_intent is not UNSET:
        parts = [
            name
            for name, value in (
                ("outputSpeech", response.output_speech),
                ("card", response.card),
                ("reprompt", response.reprompt),
                ("shouldEndSession", response.should_end_session),
                ("apiResponse", response.api_response),
            )
            if value is not UNSET
        ]
        if response.directives:
            parts.append("directives")
        if parts:
            raise ResponseError(
                f"a canFulfillIntent answer carries nothing else, but has {', '.join(parts)}"
            )
    types = [directive_type(d) for d in response.directives]
    dialog = [
        (t, d) for t, d in zip(types, response.directives, strict=True) if t in DIALOG_DIRECTIVES
    ]
    if dialog:
        if len(dialog) > 1:
            raise ResponseError(
                f"one dialog directive per response, but it has {', '.join(t for t, _ in dialog)}"
            )
        dialog_type, directive = dialog[0]
        if response.should_end_session is True:
            raise ResponseError(
                f"{dialog_type} continues the dialog, but shouldEndSession is true: use "
                "delegate(), elicit_slot(), confirm_slot(), confirm_intent(), or end_session=False"
            )
        if dialog_type == "Dialog.Delegate":
            if response.reprompt is not UNSET:
                raise ResponseError(
                    "Dialog.Delegate takes no reprompt: Alexa reprompts with the dialog model's "
                    "prompts"
                )
            if response.output_speech is not UNSET and updated_intent_name(directive) is None:
                raise ResponseError(
                    "Dialog.Delegate carries no outputSpeech (Alexa speaks the dialog model's "
                    "prompt), except to start another intent: give it that updatedIntent"
                )
    for once in _ONCE:
        if types.count(once) > 1:
            raise ResponseError(f"at most one {once} per response, but it has {types.count(once)}")


def _reprompt(value: str | Ssml) -> Reprompt:
    try:
        return Reprompt(output_speech=output_speech(value))
    except ResponseError as exc:
        raise ResponseError(f"reprompt.{exc}") from None


def speak(
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] = (),
    end_session: bool | None = True,
) -> Response:
    """Say ``speech``; by default the session then ends (``end_session=None``: the key is omitted).

    A ``reprompt`` needs ``end_session=False`` (or use `ask`): with ``True`` Alexa would drop it,
    so that raises `ResponseError`.
    """
    return Response(
        output_speech=output_speech(speech),
        card=UNSET if card is None else card,
        reprompt=UNSET if reprompt is None else _reprompt(reprompt),
        directives=directives if type(directives) is tuple else tuple(directives),
        should_end_session=UNSET if end_session is None else end_session,
    )


def ask(
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] = (),
) -> Response:
    """Say ``speech`` and listen (shouldEndSession false); ``reprompt`` defaults to the speech."""
    return speak(
        speech,
        reprompt=speech if reprompt is None else reprompt,
        card=card,
        directives=directives,
        end_session=False,
    )


_EMPTY: Final = Response()


def empty() -> Response:
    """A response with nothing in it: no speech, and shouldEndSession left to the device."""
    return _EMPTY


# --- the answer to a CanFulfillIntentRequest ----------------------------------------------------

_Answer = Literal["YES", "NO", "MAYBE"]
_CAN_UNDERSTAND: Final = ("YES", "NO", "MAYBE")
_CAN_FULFILL_SLOT: Final = ("YES", "NO")


def _check_answer(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ResponseError(f"{field} is {value!r}; use one of {', '.join(allowed)}")


class CanFulfillSlot(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """Whether the skill understands a slot's value (YES/NO/MAYBE) and can act on it (YES/NO)."""

    can_understand: _Answer
    can_fulfill: Literal["YES", "NO"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        _check_answer("canFulfillIntent slot canUnderstand", self.can_understand, _CAN_UNDERSTAND)
        if self.can_fulfill is not UNSET:
            _check_answer("canFulfillIntent slot canFulfill", self.can_fulfill, _CAN_FULFILL_SLOT)


class CanFulfillIntent(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """``canFulfillIntent``: the skill's answer (YES/NO/MAYBE) and its answer for each slot."""

    can_fulfill: _Answer
    slots: dict[str, CanFulfillSlot] | UnsetType = UNSET

    def __post_init__(self) -> None:
        _check_answer("canFulfillIntent canFulfill", self.can_fulfill, _CAN_UNDERSTAND)


def can_fulfill(
    answer: _Answer,
    slots: Mapping[str, CanFulfillSlot | tuple[str, str]] | None = None,
) -> Response:
    """Answer a CanFulfillIntentRequest: ``can_fulfill("YES", {"city": ("YES", "YES")})``.

    Each slot is ``(canUnderstand, canFulfill)`` or a `CanFulfillSlot` (which may leave
    canFulfill out). The response carries ``canFulfillIntent`` and nothing else.
    """
    built: dict[str, CanFulfillSlot] = {}
    for name, value in (slots or {}).items():
        if isinstance(value, CanFulfillSlot):
            built[name] = value
        elif isinstance(value, tuple) and len(value) == 2:
            try:
                built[name] = CanFulfillSlot(*value)  # type: ignore[arg-type]
            except ResponseError as exc:
                raise ResponseError(f"slot {name}: {exc}") from None
        else:
            raise ResponseError(
                f"slot {name}: give (canUnderstand, canFulfill), e.g. ('YES', 'YES'), "
                f"or a CanFulfillSlot, not {value!r}"
            )
    return Response(
        can_fulfill_intent=CanFulfillIntent(answer, built if built else UNSET),
    )


# --- encoding -----------------------------------------------------------------------------------


class _Envelope(msgspec.Struct, rename="camel", omit_defaults=True):
    version: str  # no default: omit_defaults must never drop it
    session_attributes: dict[str, Any] | UnsetType
    response: Response


def _enc_hook(obj: object) -> object:
    # Called only for types msgspec does not know: str subclasses such as Ssml in raw directives.
    if isinstance(obj, str):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON-encodable")


_encoder: Final = msgspec.json.Encoder(enc_hook=_enc_hook)
_ENCODE_ERRORS: Final = (TypeError, ValueError, OverflowError, RecursionError)


def _diagnose(exc: Exception, session_attributes: dict[str, Any] | UnsetType) -> ResponseError:
    """Name the part that would not encode: the session attributes or the response."""
    if session_attributes is not UNSET:
        try:
            _encoder.encode(session_attributes)
        except _ENCODE_ERRORS as inner:
            return ResponseError(f"sessionAttributes is not JSON-encodable: {inner}")
    return ResponseError(f"response is not JSON-encodable: {exc}")


def _wire_directive(directive: Any) -> Any:
    return (
        directive._wire() if isinstance(directive, Directive) and directive._nested else directive
    )


def encode_response(
    response: Response | None, session_attributes: dict[str, Any] | None = None
) -> bytes:
    """The JSON body for Alexa: ``{"version": "1.0", "sessionAttributes"?, "response"}``.

    ``None`` encodes as ``"response": {}``; ``sessionAttributes`` is sent only when not None.
    Raises `ResponseError` if the body would exceed `MAX_RESPONSE_BYTES` or will not encode.
    """
    if response is None:
        response = _EMPTY
    else:
        if type(response.card) is StandardCard:
            response = msgspec.structs.replace(response, card=response.card._wire())
        if any(isinstance(d, Directive) and d._nested for d in response.directives):
            response = msgspec.structs.replace(
                response, directives=tuple(_wire_directive(d) for d in response.directives)
            )
    attributes: dict[str, Any] | UnsetType = (
        UNSET if session_attributes is None else session_attributes
    )
    try:
        body = _encoder.encode(_Envelope("1.0", attributes, response))
    except _ENCODE_ERRORS as exc:
        raise _diagnose(exc, attributes) from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise ResponseError(
            f"response body is {len(body)} bytes; the limit is {MAX_RESPONSE_BYTES} bytes (120 KB)"
        )
    return body

"""The `Response` value, its parts checked together when built; `speak`, `ask` and `empty`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..models.context import SCREEN_INTERFACES
from ..shown_names import shown
from ..ssml import Ssml
from .as_written import _DataRefused, check_as_written
from .cards import Card
from .directive import (
    _OWN_CLASSES,
    Directive,
    _checked_object,
    _directive,
    _kind_of,
    _type_shown,
    directive_type,
)
from .snapshots import _ENCODE_ERRORS, _encoded, _not_encodable
from .speech import OutputSpeech, output_speech

__all__ = [
    "DIALOG_DIRECTIVES",
    "ExperimentTrigger",
    "Reprompt",
    "Response",
    "answer_ends_session",
    "ask",
    "empty",
    "ends_session",
    "speak",
    "updated_intent_name",
]


#: The one directive a reprompt may carry (Amazon's Request and Response JSON Reference).
_REPROMPT_DIRECTIVE: Final = "Alexa.Presentation.APLA.RenderDocument"


class Reprompt(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    """What Alexa says if the user stays silent: ``{"outputSpeech": {…}}``."""

    output_speech: OutputSpeech | UnsetType = UNSET
    #: Reprompt directives: only ``Alexa.Presentation.APLA.RenderDocument`` (APL for audio), as
    #: typed or raw directives are given in `Response.directives`.
    directives: Sequence[Any] = ()

    def __post_init__(self) -> None:
        speech = self.output_speech
        if speech is not UNSET and not isinstance(speech, OutputSpeech):
            raise ResponseError(
                "reprompt.outputSpeech must be PlainTextSpeech or SsmlSpeech, "
                f"not {_kind_of(speech)}"
            )
        directives = self.directives
        if directives or type(directives) is not tuple:  # the usual () needs no call
            _set_directives(self, "reprompt.directives")
            for index, directive in enumerate(self.directives):
                type_ = directive_type(directive)
                if type_ != _REPROMPT_DIRECTIVE:
                    raise ResponseError(
                        f"reprompt.directives[{index}] is {_type_shown(type_)}; a reprompt "
                        f"takes only {_REPROMPT_DIRECTIVE} (APL for audio)"
                    )
        if speech is UNSET and not self.directives:
            raise ResponseError(
                f"reprompt has neither outputSpeech nor {_REPROMPT_DIRECTIVE}: Alexa would have "
                "nothing to reprompt with; leave the reprompt out instead"
            )


def _directives_of(field: str, directives: Iterable[Any] | None) -> tuple[Any, ...]:
    """``directives`` as a tuple; one directive given alone (a mapping, a `Directive`, a
    type's name), or a value that is no list at all, is a `ResponseError`: read as a list, it
    was its keys, or not iterable."""
    if type(directives) is tuple:
        return directives
    if type(directives) is list:  # the usual, first: the Mapping check below is a Python call
        return tuple(directives)
    if directives is None:  # none, as card=None is no card (it was "not iterable")
        return ()
    if isinstance(directives, Mapping | Directive | str):
        raise ResponseError(
            f"{field} takes a list of directives, not {_alone(directives)}: "
            f"{field.rpartition('.')[2]}=[…]"
        )
    if not isinstance(directives, Iterable):  # 5: it was TypeError "not iterable"
        raise ResponseError(
            f"{field} must be a list of directives, not {type_with_article(directives)}"
        )
    return tuple(directives)


def _alone(value: Mapping[Any, Any] | Directive | str) -> str:
    """What `_directives_of` was given alone, for its error: "the Dialog.Delegate directive
    alone", "a dict alone" (a mapping with no type), "'Dialog.Delegate' (a str)" (a name); a
    type or a name echoed by `shown`, as the commands echo a name, in one short line."""
    if isinstance(value, str):
        return f"{shown(value, quoted=True)} (a str)"
    try:
        kind = directive_type(value) or type(value).__name__
    except ResponseError:  # (a mapping with no string "type": no directive's)
        return f"{type_with_article(value)} alone"
    return f"the {_type_shown(kind)} directive alone"


def _set_directives(struct: Response | Reprompt, field: str) -> None:
    directives = _directives_of(field, struct.directives)
    if not directives:
        if struct.directives is not directives:  # an empty list, say: kept as ()
            force_setattr(struct, "directives", ())
        return
    checked = tuple(_directive(field, index, d) for index, d in enumerate(directives))
    force_setattr(struct, "directives", checked)


class Response(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    """The ``response`` object of the reply; every part may be left out (UNSET, or None: then it
    is not sent). The annotations admit None, as `speak` and `replace` take it, so typed code
    passes its optional parts on; a built response holds UNSET there, never None.

    Checked once, here, as its parts were when built: frozen, it cannot change unchecked
    through the API (`replace` checks again). A value forced in past the freeze
    (``msgspec.structs.force_setattr``) is not re-checked by `encode_response`: doing so for
    every reply would re-run every part's checks to guard against a call outside the API."""

    output_speech: OutputSpeech | UnsetType | None = UNSET
    card: Card | UnsetType | None = UNSET
    reprompt: Reprompt | UnsetType | None = UNSET
    #: Given as any sequence (``directives=[...]``), kept as a checked tuple.
    directives: Sequence[Any] = ()
    #: True ends the session, False keeps it open with the microphone on, UNSET lets the device
    #: decide: three different answers.
    should_end_session: bool | UnsetType | None = UNSET
    #: The answer to a CanFulfillIntentRequest: a `CanFulfillIntent` (see `can_fulfill`).
    can_fulfill_intent: Any = UNSET
    #: The answer to a ``Dialog.API.Invoked`` request (Alexa Conversations): the API's result,
    #: a JSON object (a mapping), sent as ``apiResponse``.
    api_response: Any = UNSET
    #: The A/B tests this response triggered, sent as ``experimentation``.
    experimentation: ExperimentTrigger | UnsetType | None = UNSET

    def __post_init__(self) -> None:
        # A part given None is left out (made UNSET: "no card", as speak(card=None) has it), in
        # the branch each part takes when it is not UNSET: one UNSET or set pays nothing for it.
        speech = self.output_speech
        if speech is not UNSET and not isinstance(speech, OutputSpeech):
            if speech is not None:
                raise ResponseError(
                    "outputSpeech must be PlainTextSpeech or SsmlSpeech (see output_speech()), "
                    f"not {_kind_of(speech)}"
                )
            force_setattr(self, "output_speech", UNSET)
        card = self.card
        if card is not UNSET and type(card) not in _OWN_CLASSES:
            if card is None:
                force_setattr(self, "card", UNSET)
            elif not isinstance(card, Card):
                raise ResponseError(f"card must be a Card, not {_kind_of(card)}")
            else:
                held = _checked_object("card", card)  # (a copy of a card of the skill's class)
                if held is not card:
                    force_setattr(self, "card", held)
        ends = self.should_end_session
        if ends is not UNSET and type(ends) is not bool:
            if ends is not None:
                raise ResponseError(f"shouldEndSession must be True, False or UNSET, not {ends!r}")
            force_setattr(self, "should_end_session", UNSET)
        reprompt = self.reprompt
        if reprompt is not UNSET:
            if not isinstance(reprompt, Reprompt):
                if reprompt is not None:
                    raise ResponseError(f"reprompt must be a Reprompt, not {_kind_of(reprompt)}")
                force_setattr(self, "reprompt", UNSET)
            elif ends is True:
                raise ResponseError(
                    "a reprompt needs an open session, but shouldEndSession is true "
                    "(Alexa would ignore the reprompt): use ask(), or end_session=False"
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
        an after-request hook returns to change the reply. A part given None is left out
        (``card=None``: no card), as `Response` and `speak` take it."""
        return msgspec.structs.replace(self, **changes)


class ExperimentTrigger(msgspec.Struct, frozen=True, rename="camel"):
    """``experimentation`` of a response: the ids of the experiments it triggered.

    Amazon's A/B testing counts a user in an experiment from the first response that names it
    here (``context.Experimentation`` says which experiments and treatments are active).
    """

    triggered_experiments: Sequence[str]

    def __post_init__(self) -> None:
        ids = self.triggered_experiments
        if isinstance(ids, str) or not isinstance(ids, Iterable):  # None was a TypeError
            raise ResponseError("experimentation.triggeredExperiments must be a list of ids")
        checked = tuple(ids)
        for index, experiment in enumerate(checked):
            if not isinstance(experiment, str) or not experiment:
                raise ResponseError(
                    f"experimentation.triggeredExperiments[{index}] must be a non-empty str"
                )
        force_setattr(self, "triggered_experiments", checked)


def _check_extras(response: Response) -> None:
    """Check ``apiResponse`` and ``experimentation``, the rarely used parts of a response; one
    given None is left out (made UNSET)."""
    api_response = response.api_response
    if api_response is None:
        force_setattr(response, "api_response", UNSET)
    elif api_response is not UNSET:
        if not isinstance(api_response, Mapping):
            raise ResponseError(
                "apiResponse must be a mapping (JSON object), not "
                f"{type_with_article(api_response)}"
            )
        if type(api_response) is not dict:
            api_response = dict(api_response)
            force_setattr(response, "api_response", api_response)
        try:
            sent = msgspec.json.decode(_encoded("apiResponse", api_response))
        except _DataRefused:  # (a ValueError: past any reply, said as it is)
            raise
        except _ENCODE_ERRORS as exc:
            raise _not_encodable("apiResponse", api_response, exc) from None
        check_as_written("apiResponse", api_response, sent)
    if response.experimentation is None:
        force_setattr(response, "experimentation", UNSET)
    elif response.experimentation is not UNSET and not isinstance(
        response.experimentation, ExperimentTrigger
    ):
        raise ResponseError(
            "experimentation must be an ExperimentTrigger, not "
            f"{type_with_article(response.experimentation)}"
        )


# --- rules that need only the response ----------------------------------------------------------

#: The dialog directives that drive a dialog: one per response, never ending the session.
DIALOG_DIRECTIVES: Final = frozenset(
    {"Dialog.Delegate", "Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent"}
)
_DYNAMIC_ENTITIES: Final = "Dialog.UpdateDynamicEntities"
# Directive types Alexa takes at most once per response.
_ONCE: Final = (_DYNAMIC_ENTITIES, "AudioPlayer.Play", "VideoApp.Launch")
# Skill connections' directives, which take no audio or video player directive beside them
# (Amazon's "Use Skill Connections to Request Tasks").
_HANDOVERS: Final = ("Connections.StartConnection", "Tasks.CompleteTask")
_PLAYERS: Final = ("AudioPlayer.", "VideoApp.")


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
    """Refuse the combinations Alexa refuses whatever the request (see `alexaskill.rules`); a
    ``canFulfillIntent`` given None is left out (made UNSET)."""
    if response.can_fulfill_intent is None:
        force_setattr(response, "can_fulfill_intent", UNSET)
    elif response.can_fulfill_intent is not UNSET:
        from .fulfillment import CanFulfillIntent  # here: fulfillment builds on this module

        if not isinstance(response.can_fulfill_intent, CanFulfillIntent):
            raise ResponseError(
                "canFulfillIntent must be a CanFulfillIntent (see can_fulfill()), not "
                f"{type_with_article(response.can_fulfill_intent)}"
            )
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
        if dialog_type != "Dialog.Delegate" and response.output_speech is UNSET:
            # Amazon's Dialog Interface Reference: the skill provides the question of these
            # three in outputSpeech; only Delegate has Alexa speak the dialog model's prompt.
            raise ResponseError(
                f"{dialog_type} needs outputSpeech: the skill asks the question itself (Alexa "
                "speaks no dialog model prompt for it); give elicit_slot(), confirm_slot() or "
                "confirm_intent() the question, or answer delegate() to use the model's prompts"
            )
        if dialog_type == "Dialog.Delegate":
            # Amazon's Dialog Interface Reference: do not include outputSpeech or reprompt with
            # Dialog.Delegate, Alexa speaks the dialog model's prompts (found quoted in answers
            # citing it; searched December 2026). Speech that starts another intent (intent
            # chaining; `rules_dialog` refuses it for the request's own intent) is let through
            # unconfirmed: no Amazon page found says whether Alexa speaks it or refuses it.
            # Narrow or confirm this on Amazon's word.
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
    if response.should_end_session is True and _DYNAMIC_ENTITIES in types:
        # Amazon's Dialog Interface Reference: the entities serve the turns to come.
        raise ResponseError(
            f"{_DYNAMIC_ENTITIES} serves the next turns of the session, but shouldEndSession is "
            "true: keep the session open (ask(), or end_session=False / None)"
        )
    if response.reprompt is not UNSET and "VideoApp.Launch" in types:
        # Alexa fails the answer (alexa-skills-kit-sdk-for-nodejs#461; Amazon's forum, cited in
        # alexa-skills-kit-sdk-for-python#143): the video takes over, nobody is asked anything.
        raise ResponseError(
            "VideoApp.Launch takes no reprompt: Alexa refuses an answer with both (the video "
            "plays; no answer is awaited): speak(…, directives=[VideoApp.Launch(…)])"
        )
    for once in _ONCE:
        if types.count(once) > 1:
            raise ResponseError(f"at most one {once} per response, but it has {types.count(once)}")
    for handover in _HANDOVERS:
        if handover in types:
            players = [t for t in types if t.startswith(_PLAYERS)]
            if players:
                raise ResponseError(
                    f"{handover} hands the user over to another skill or back to the requester, "
                    "and Alexa takes no player directive beside it, but it has "
                    + ", ".join(players)
                )


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
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
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
        directives=(
            directives if type(directives) is tuple else _directives_of("directives", directives)
        ),
        should_end_session=UNSET if end_session is None else end_session,
    )


def ask(
    speech: str | Ssml,
    *,
    reprompt: str | Ssml | None = None,
    card: Card | None = None,
    directives: Iterable[Directive | Mapping[str, Any]] | None = (),
) -> Response:
    """Say ``speech`` and listen (shouldEndSession false); ``reprompt`` defaults to the speech."""
    # speak(speech, reprompt=…, card=card, directives=directives, end_session=False), written
    # out: most replies are built here, and the call with its keywords costs a tenth of it.
    return Response(
        output_speech=output_speech(speech),
        card=UNSET if card is None else card,
        reprompt=_reprompt(speech if reprompt is None else reprompt),
        directives=(
            directives if type(directives) is tuple else _directives_of("directives", directives)
        ),
        should_end_session=False,
    )


_EMPTY: Final = Response()


def empty() -> Response:
    """A response with nothing in it: no speech, and shouldEndSession left to the device."""
    return _EMPTY


def is_dialog_step(directive: object) -> bool:
    """Whether ``directive`` (as JSON, any shape) is one of the `DIALOG_DIRECTIVES`."""
    if not isinstance(directive, Mapping):
        return False
    kind = directive.get("type")
    return isinstance(kind, str) and kind in DIALOG_DIRECTIVES  # (a list is no type: unhashable)


def envelope_refusal(payload: object) -> str | None:
    """Why Alexa refuses ``payload``, answered with HTTP 200, as a response envelope (Amazon's
    Response Format: a ``version``, a ``response`` object, ``directives`` a list), or None. The
    one shape check of the offline loop: ``chat --url`` and ``replay --url`` both use it."""
    if not isinstance(payload, Mapping):
        return "the answer is not a JSON object"
    if not isinstance(payload.get("version"), str):
        return "the answer has no version (a response envelope needs one)"
    answer = payload.get("response")
    if not isinstance(answer, Mapping):
        return "the answer has no response object (a response envelope needs one)"
    directives = answer.get("directives")
    if directives is not None and not isinstance(directives, list):
        return "the answer's directives are not a list"
    return None


def ends_session(
    should_end_session: bool | None,
    interfaces: Iterable[str],
    directives: Iterable[object] = (),
) -> bool:
    """Whether an answer with ``should_end_session`` (None: left out) and ``directives`` (as
    JSON) ends its session on a device declaring ``interfaces``: true ends it; left out, an
    answer with a dialog directive keeps it open (the dialog waits for the user's answer), a
    device with a screen keeps it open (without the microphone) and one without a screen ends
    it (Amazon's "Keep the Session Open"). The one rule of the offline loop: `Conversation`,
    the test client and the transports' `session_after` all follow it."""
    if should_end_session is None:
        if any(is_dialog_step(directive) for directive in directives):
            return False
        return SCREEN_INTERFACES.isdisjoint(interfaces)
    return should_end_session


def answer_ends_session(response: Mapping[str, Any], interfaces: Iterable[str]) -> bool:
    """`ends_session` for the ``response`` object of an answer: a ``shouldEndSession`` that is
    no JSON boolean counts as left out, and so do ``directives`` that are no list."""
    end = response.get("shouldEndSession")
    directives = response.get("directives")
    return ends_session(
        end if isinstance(end, bool) else None,
        interfaces,
        directives if isinstance(directives, list) else (),
    )

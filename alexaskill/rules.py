"""Response rules that need the request: what each request may be answered with, on this device.

`Skill` runs `check_reply` on every handler's response before encoding it. Rules that need only
the response (one dialog directive, no ``shouldEndSession: true`` with it, …) are checked
earlier, when the `Response` is built (see `alexaskill.responses`).

A broken rule either raises `ResponseError` (its message naming the handler), which the app logs
with its traceback and answers with its apology, or drops the offending part. Dropping is chosen
where refusing would hurt the user more than the dropped part: where Alexa takes no speech (an
apology would be refused too), and where the device lacks a screen (the speech is still worth
hearing). A part dropped because the handler broke Alexa's rule is a `RuleViolation`: logged at
ERROR, naming the handler, the request and the part, and collected by the test client so that a
test fails (`alexaskill.rules_reports`). A part dropped because of the device (no screen) is a
WARNING; a part Alexa ignores anyway is a DEBUG line.

- **CanFulfillIntentRequest** gets ``canFulfillIntent`` and nothing else (`can_fulfill`). A
  request no ``can_fulfill`` handler answers (or a handler returning None) gets
  ``canFulfill: NO`` (the fallback never answers a probe: `Registry.resolve`); so does a reply
  without ``canFulfillIntent`` (speech from an exception handler, say), with a warning.
  Answering MAYBE for every intent the skill has would route users to it for slot values it
  may not handle, and Amazon measures that; NO costs only the traffic, and one decorator per
  intent turns it into a real answer. ``canFulfillIntent`` in reply to
  any other request raises.
- **Dialog directives** (Delegate, ElicitSlot, ConfirmSlot, ConfirmIntent) answer an
  IntentRequest, or a LaunchRequest when their ``updatedIntent`` names the intent to start
  (intent chaining); anything else raises. A Delegate carries speech only when it starts
  another intent than the request's. The slots they name must be slots of the intent, where the
  skill declares it (`alexaskill.rules_dialog`). (Alexa Conversations' ``Dialog.DelegateRequest``
  is no dialog-management directive: not limited.)
- **Dialog.UpdateDynamicEntities** answers an IntentRequest only (Amazon's Dialog Interface
  Reference); in a reply to any other request it is dropped as a `RuleViolation` (the rest of
  the reply, a greeting say, still goes out). With ``shouldEndSession: true`` it is refused
  when the response is built.
- **Replies to AudioPlayer.\\*, PlaybackController.\\* and System.ExceptionEncountered** carry
  no speech, card or reprompt, and only the AudioPlayer directives each event takes (Amazon's
  AudioPlayer interface reference): ``PlaybackStarted`` and ``PlaybackFinished`` take only
  ``Stop`` and ``ClearQueue``; ``PlaybackStopped`` and ``System.ExceptionEncountered`` take no
  response at all; ``PlaybackNearlyFinished``, ``PlaybackFailed`` and ``PlaybackController.*``
  take any AudioPlayer directive. Anything else is dropped as a `RuleViolation`;
  ``shouldEndSession`` is dropped silently (those requests have no session)
  (`alexaskill.rules_audio_events`).
- **SessionEndedRequest** takes no response (Amazon's request types reference): whatever the
  handler returned is dropped with a DEBUG line (a goodbye returned from a shared handler is no
  mistake), and the reply carries no ``sessionAttributes``: the session is over.
- **Requests outside a session** (skill events, Messaging.MessageReceived, …) have no
  conversation open: a handler that fails, or runs past the deadline, gets an empty
  acknowledgement instead of the spoken apology. What a handler returns there goes out as it
  is, speech too: where Amazon's pages speak of such a reply, they ask an acknowledgement of it
  ("Send a Message Request to a Skill": "an empty success message", else Alexa sends the
  message again until it expires; "List Events in Alexa Skills": an event not acknowledged is
  sent again for up to an hour; "Use Skill Events" says nothing of the reply), and none says
  that Alexa ignores or refuses speech, a card or a directive in it, so no rule is made up
  here. `alexaskill.dropped_reply` advises dropping a reply builder's call forgotten there:
  None is that acknowledgement.
- **Interfaces**: APL, APLT, HTML, VideoApp, Display and AudioPlayer directives go only to a
  device declaring the interface (``context.System.device.supportedInterfaces``); for another
  device they are dropped with a WARNING (the record's ``unsupported_directives`` attribute
  names them, for the test client's ``SkillResponse.unsupported``). A reply to a LaunchRequest
  or an IntentRequest that the drop leaves with nothing to hear (no speech, no reprompt, no
  other directive: an APL-only launch on a speaker) is a `RuleViolation` as well: the user
  hears silence, a bug the handler's tests must see (a card left alone counts only on a
  device with a screen, a viewport or the APL or Display interface, which shows it; on a
  speaker it goes to the Alexa app's activity page, and the user hears nothing). A request
  without device information keeps the directives. Handlers ask
  ``device.supports(APL.INTERFACE)`` to choose what to send.
- **AudioPlayer.Play with ENQUEUE** names the stream it follows (``expectedPreviousToken``);
  the device adds it to its queue only if that is the last stream queued, or, with none
  queued, the stream it holds, else ignores it (Amazon's "About the AVS AudioPlayer", playback
  queue management; the AVS Device SDK's AudioPlayer). The request names the stream held
  (``context.AudioPlayer.token``) but not the queue, so only what no queue makes right is a
  `RuleViolation` with ``kept``: an ENQUEUE when the player holds no stream, and one after the
  reply's own ClearQueue that names another stream than the one held. The directive goes out
  as it is, with a WARNING.
- **AudioPlayer.Play that starts a stream** (``REPLACE_ALL``; an ``ENQUEUE`` or
  ``REPLACE_ENQUEUED`` too when the request says the player plays nothing, which starts its
  queue at once) in a reply to a LaunchRequest, an
  IntentRequest or another request in a session ends the session: with ``shouldEndSession: false``
  Alexa sends the stream to the device, then pauses it at once to listen for the user (Amazon's
  "Stream Long-Form Audio with AudioPlayer"). Alexa takes such a reply, so it goes out as it is, a
  `RuleViolation` with ``kept`` and a WARNING (`alexaskill.rules_audio`).
- **A reprompt with shouldEndSession left out** (and no dialog directive) is never spoken:
  Alexa does not listen (a device without a screen ends the session). A `RuleViolation` with
  ``kept``: sent as it is, WARNING (`alexaskill.rules_dialog`).
- **VideoApp.Launch** goes without ``shouldEndSession``, which Alexa refuses with it; it is
  dropped silently, as Amazon's SDKs do, so ``speak(…, directives=[VideoApp.Launch(…)])`` works.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

import msgspec
from msgspec import UNSET

from .articles import with_article
from .exceptions import ResponseError, RuleViolation
from .interaction import ModelSource
from .models import Device, Envelope, Request
from .responses import (
    Directive,
    Response,
    can_fulfill,
    directive_type,
    empty,
)
from .rules_audio import enqueue_violations, open_session_play
from .rules_audio_events import (
    _only_audio,
    audio_directives_allowed,
    audio_reply_directives,
    takes_only_audio,
)
from .rules_dialog import check_dialog, unheard_reprompt
from .rules_reports import DeviceDrop, _report, _tell, reporting_to

# DeviceDrop, reporting_to and the audio events' three public names live below, re-exported:
# the testing package, dropped_reply and the tests import them from here.
__all__ = [
    "INTERFACE_PREFIXES",
    "DeviceDrop",
    "audio_directives_allowed",
    "audio_reply_directives",
    "check_reply",
    "directive_interface",
    "failure_reply",
    "heard_by_nobody",
    "reporting_to",
    "takes_only_audio",
]

logger = logging.getLogger("alexaskill")

#: Directive type prefixes and the interface a device must declare to receive them.
INTERFACE_PREFIXES: Final = (
    ("Alexa.Presentation.APL.", "Alexa.Presentation.APL"),
    ("Alexa.Presentation.APLT.", "Alexa.Presentation.APLT"),
    ("Alexa.Presentation.HTML.", "Alexa.Presentation.HTML"),
    ("VideoApp.", "VideoApp"),
    ("Display.", "Display"),
    ("AudioPlayer.", "AudioPlayer"),
)

_CANNOT: Final = can_fulfill("NO")
_DYNAMIC_ENTITIES: Final = "Dialog.UpdateDynamicEntities"
# Requests of a conversation, answered in full: neither audio events nor SessionEndedRequest.
_CONVERSATION: Final = frozenset({"LaunchRequest", "IntentRequest"})


def directive_interface(directive: Directive | Mapping[str, Any]) -> str | None:
    """The interface a device must declare to receive ``directive``, or None."""
    if isinstance(directive, Directive):
        return directive.interface
    type_ = directive_type(directive)
    for prefix, interface in INTERFACE_PREFIXES:
        if type_.startswith(prefix):
            return interface
    return None


def failure_reply(request: Request, *, in_session: bool = True) -> Response | None:
    """The reply when a handler failed and Alexa takes no spoken apology, else None.

    ``in_session``: whether the request came in a session (``envelope.session``); one that did
    not, other than a LaunchRequest or IntentRequest, is acknowledged with an empty response.
    """
    type_ = request.type
    if type_ == "CanFulfillIntentRequest":
        return _CANNOT
    if takes_only_audio(type_) or type_ == "SessionEndedRequest":
        return empty()  # (Alexa takes no response to SessionEndedRequest)
    if heard_by_nobody(type_, in_session=in_session):
        return empty()  # a skill event, a message: no conversation to apologise in
    return None


def heard_by_nobody(request_type: str, *, in_session: bool) -> bool:
    """Whether nobody listens to a reply to ``request_type``: one that came outside a session
    (a skill event, a message), other than a LaunchRequest or an IntentRequest. alexaskill's
    reading (no conversation is open), not Amazon's word: its pages ask such a reply for an
    acknowledgement and say nothing of speech in it (the module's docstring)."""
    return not in_session and request_type not in _CONVERSATION


def check_reply(
    response: Response | None,
    envelope: Envelope,
    skill: ModelSource | None = None,
    *,
    handler: str = "",
    violations: list[RuleViolation] | None = None,
) -> Response | None:
    """``response`` made fit for ``envelope``'s request, or `ResponseError` if it cannot be.

    ``handler`` names the function that returned ``response``, for the log, and in the message
    of the `ResponseError`. ``skill`` (the `Skill` answering) lets the dialog directives' slots
    be checked against the intents it declares. Each part dropped
    because it broke Alexa's rule is logged at ERROR as a `RuleViolation` (in the record's
    ``rule_violation`` attribute) and appended to ``violations`` when given.
    """
    request = envelope.request
    if request.type == "CanFulfillIntentRequest":
        if response is None:
            return _CANNOT
        if response.can_fulfill_intent is UNSET:
            logger.warning(
                "reply to CanFulfillIntentRequest %s has no canFulfillIntent: answered NO "
                "(Alexa takes only can_fulfill(...) here)%s",
                getattr(getattr(request, "intent", None), "name", ""),
                f" (the reply of {handler})" if handler else "",
            )
            return _CANNOT
        return response
    if response is None:
        return None
    if response.can_fulfill_intent is not UNSET:
        raise _refused(
            f"canFulfillIntent answers a CanFulfillIntentRequest, not {request.type}", handler
        )
    type_ = request.type
    if type_ in _CONVERSATION:
        pass  # the usual requests: no test below applies
    elif takes_only_audio(type_):
        response = _only_audio(response, request, handler, violations)
    elif type_ == "SessionEndedRequest":
        return _ended(response)
    unheard = unheard_reprompt(response, envelope, handler)
    if unheard is not None:
        _report(unheard, violations, logging.WARNING)
    if not response.directives:
        return response
    if type_ != "IntentRequest":
        response = _no_dynamic_entities(response, request, handler, violations)
    try:
        check_dialog(response, request, skill)
    except ResponseError as exc:
        raise _refused(str(exc), handler) from None
    response = _supported(response, envelope, handler, violations)
    # Rules Alexa takes the reply with all the same: said, and sent as it is.
    for violation in enqueue_violations(response, envelope, handler):
        _report(violation, violations, logging.WARNING)
    if type_ in _CONVERSATION or envelope.session is not None:
        found = open_session_play(response, envelope, handler)
        if found is not None:
            _report(found, violations, logging.WARNING)
    if response.should_end_session is not UNSET and any(
        directive_type(d) == "VideoApp.Launch" for d in response.directives
    ):
        response = msgspec.structs.replace(response, should_end_session=UNSET)
    return response


def _refused(message: str, handler: str) -> ResponseError:
    """The `ResponseError` for a reply Alexa would refuse, naming the handler that made it."""
    return ResponseError(f"{message} (the reply of {handler})" if handler else message)


def _no_dynamic_entities(
    response: Response,
    request: Request,
    handler: str,
    violations: list[RuleViolation] | None,
) -> Response:
    """``response`` without a ``Dialog.UpdateDynamicEntities``, which answers only an
    IntentRequest (Amazon's Dialog Interface Reference): the rest is still worth hearing."""
    kept = tuple(d for d in response.directives if directive_type(d) != _DYNAMIC_ENTITIES)
    if len(kept) == len(response.directives):
        return response
    rule = f"{_DYNAMIC_ENTITIES} answers an IntentRequest, not {with_article(request.type)}"
    _report(
        RuleViolation(
            request.type,
            (_DYNAMIC_ENTITIES,),
            rule,
            handler=handler,
            request_id=request.request_id,
        ),
        violations,
    )
    return msgspec.structs.replace(response, directives=kept)


def _ended(response: Response) -> Response | None:
    """The reply to SessionEndedRequest: none; what is dropped is named in a DEBUG line."""
    dropped = [
        name
        for name, part in (
            ("outputSpeech", response.output_speech),
            ("card", response.card),
            ("reprompt", response.reprompt),
            ("shouldEndSession", response.should_end_session),
            ("apiResponse", response.api_response),
            ("experimentation", response.experimentation),
        )
        if part is not UNSET
    ]
    dropped += map(directive_type, response.directives)
    if dropped:
        logger.debug(
            "reply to SessionEndedRequest: dropped %s (Alexa takes no response to it)",
            ", ".join(dropped),
        )
    return None


def _device(envelope: Envelope) -> Device | None:
    context = envelope.context
    system = None if context is None else context.system
    return None if system is None else system.device


def _supported(
    response: Response,
    envelope: Envelope,
    handler: str,
    violations: list[RuleViolation] | None,
) -> Response:
    device = _device(envelope)
    if device is None or device.supported_interfaces is None:
        return response
    kept = []
    dropped: list[tuple[str, str]] = []
    for directive in response.directives:
        interface = directive_interface(directive)
        if interface is None or device.supports(interface):
            kept.append(directive)
        else:
            dropped.append((directive_type(directive), interface))
    if not dropped:
        return response
    request = envelope.request
    reply = msgspec.structs.replace(response, directives=tuple(kept))
    drop = DeviceDrop(
        request.request_id,
        tuple(type_ for type_, _ in dropped),
        tuple(sorted({interface for _, interface in dropped})),
    )
    if request.type in _CONVERSATION and _silent(reply, envelope):
        app_only = " (the card shows only in the Alexa app)" if reply.card is not UNSET else ""
        rule = (
            f"the device does not declare {' or '.join(drop.interfaces)}, and nothing is left "
            f"for the user to hear{app_only}: answer with speech too, or ask "
            "device.supports(...)"
        )
        violation = RuleViolation(
            request.type, drop.directives, rule, handler=handler, request_id=request.request_id
        )
        _tell(drop)
        _report(violation, violations, unsupported_directives=drop)
        return reply
    logger.warning(
        "reply to %s: dropped %s: the device does not declare the interface",
        request.type,
        ", ".join(f"{type_} (needs {interface})" for type_, interface in dropped),
        extra={"unsupported_directives": drop},
    )
    _tell(drop)
    return reply


def _silent(response: Response, envelope: Envelope) -> bool:
    """Whether the user would hear (or see) nothing of ``response`` on the request's device.

    A card counts only on a screen: Alexa shows it there when the reply has nothing else for the
    screen (Amazon's "Include a Card in Your Skill's Response"); elsewhere it goes to the Alexa
    app's activity page alone, and the user hears nothing.
    """
    if response.output_speech is not UNSET or response.reprompt is not UNSET:
        return False
    context = envelope.context
    if response.card is not UNSET and context is not None and context.has_screen:
        return False
    return all(directive_type(d) == _DYNAMIC_ENTITIES for d in response.directives)

"""Alexa's response rules applied to an answer from a server (``chat --url``, ``replay --url``).

In process the app checks each reply as it builds it (`alexaskill.responses.Response`) and
against its request (`alexaskill.rules.check_reply`). A server's answer arrives as JSON: here
it is decoded into the same typed `Response` and put through the same checks, with the request
envelope that was sent, so that an answer Alexa refuses (an AudioPlayer.Play with an unknown
``playBehavior`` or an ``http`` stream, a dialog directive answering a LaunchRequest, speech
longer than 8000 characters) is reported as one, not played.

`answer_verdict` tells apart, as the test client does in process:

- a **refusal**: a rule whose break makes the app raise (its apology) and Alexa refuse the reply
  whole (the user hears "There was a problem with the requested skill's response");
- **violations**: the parts the app would have dropped (speech in reply to an AudioPlayer event)
  and those Alexa takes for the device to ignore (``kept``), as `RuleViolation` values.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final

import msgspec

from ..exceptions import MalformedRequestError, ResponseError, RuleViolation
from ..log_lists import edit_filters
from ..models import decode_envelope
from ..responses import MAX_RESPONSE_BYTES, Reprompt, Response
from ..responses.cards import (
    AskForPermissionsConsentCard,
    LinkAccountCard,
    SimpleCard,
    StandardCard,
    _StandardCardWire,
)
from ..responses.fulfillment import CanFulfillIntent
from ..responses.response import ExperimentTrigger
from ..responses.speech import PlainTextSpeech, SsmlSpeech
from ..shown_names import shown_as_json, shown_json

__all__ = ["answer_verdict", "server_ssml_refusal"]

_SPEECH: Final = PlainTextSpeech | SsmlSpeech
_CARDS: Final = SimpleCard | _StandardCardWire | LinkAccountCard | AskForPermissionsConsentCard
#: What the server sent is no handler's: the app drops nothing of it.
_SENT: Final = "sent all the same (in process the app drops it)"

#: The advice of the rule checks written for a handler's author (the Python to write), and
#: what it says of a server's answer, whose JSON is all the user of ``--url`` sees.
_SERVER_ADVICE: Final = (
    (
        ": use delegate(), elicit_slot(), confirm_slot(), confirm_intent(), or end_session=False",
        ": the answer must keep the session open (shouldEndSession false, or left out)",
    ),
    (
        "; give elicit_slot(), confirm_slot() or confirm_intent() the question, or answer "
        "delegate() to use the model's prompts",
        "; the answer must carry the question as outputSpeech, or be a Dialog.Delegate to use "
        "the model's prompts",
    ),
    (
        "keep the session open (ask(), or end_session=False / None)",
        "the answer must keep the session open (shouldEndSession false, or left out)",
    ),
    (
        "To say nothing, leave it out: Response(should_end_session=True) ends the session in "
        "silence, and speak(…, end_session=False) listens without a reprompt",
        "To say nothing, the answer must leave outputSpeech out",
    ),
    (
        "answer with speech too, or ask device.supports(...)",
        "the answer needs speech too, or the directive only for a device whose "
        "supportedInterfaces name it",
    ),
    (
        "keep the session open (ask(), or end_session=False), or leave the reprompt out",
        "the answer must send shouldEndSession false, or leave the reprompt out",
    ),
    (
        "(shouldEndSession true: speak(), or Response(..., should_end_session=True))",
        "(shouldEndSession true)",
    ),
)


def _for_a_server(text: str) -> str:
    """``text``, a rule check's message, with the advice meant for a handler's author said of
    a server's answer."""
    for handler_advice, server_advice in _SERVER_ADVICE:
        text = text.replace(handler_advice, server_advice)
    return text


def server_ssml_refusal(status_code: int, payload: Any) -> str | None:
    """`alexaskill.testing.response.ssml_refusal` of a server's answer (``replay --url``,
    ``chat --url``), its advice said of the answer's fields (`_for_a_server`), not of handler
    code: "To say nothing, the answer must leave outputSpeech out"."""
    from .response import ssml_refusal

    refusal = ssml_refusal(status_code, payload)
    return None if refusal is None else _for_a_server(refusal)


# While an answer is judged, the rule checks' log lines are left out: the verdict says it all.
_judging: ContextVar[bool] = ContextVar("alexaskill_judging_answer", default=False)


def _quiet(record: logging.LogRecord) -> bool:
    return not _judging.get()


# The filter stays while any thread judges (a count): one done first must not remove it.
_filtering = threading.Lock()
_judges = 0


@contextlib.contextmanager
def _unlogged() -> Iterator[None]:
    global _judges
    logger = logging.getLogger("alexaskill")
    token = _judging.set(True)
    # New lists, not edits in place: another thread may be logging (its record's walk of the
    # filters skipped the one after a filter removed in place), or editing them too.
    with _filtering:
        _judges += 1
        edit_filters(logger, lambda filters: filters if _quiet in filters else [*filters, _quiet])
    try:
        yield
    finally:
        with _filtering:
            _judges -= 1
            if not _judges:
                edit_filters(
                    logger, lambda filters: [each for each in filters if each is not _quiet]
                )
        _judging.reset(token)


def _no_nulls(value: Any) -> Any:
    """``value`` with the members of its objects that are JSON null left out (as absent).
    Walked with a stack, not recursion: JSON that decodes may nest deeper than Python recurses."""
    if not isinstance(value, (Mapping, list)):
        return value
    top: Any = {} if isinstance(value, Mapping) else []
    stack = [(value, top)]
    while stack:
        source, copy = stack.pop()
        pairs = source.items() if isinstance(source, Mapping) else enumerate(source)
        for key, item in pairs:
            if item is None and isinstance(source, Mapping):
                continue
            if isinstance(item, (Mapping, list)):
                child: Any = {} if isinstance(item, Mapping) else []
                stack.append((item, child))
                item = child
            if isinstance(copy, dict):
                copy[key] = item
            else:
                copy.append(item)
    return top


def _typed(value: Any, into: Any, field: str) -> Any:
    try:
        return msgspec.convert(_no_nulls(value), into)
    except msgspec.ValidationError as exc:
        said = str(exc)  # (a check of the struct's own names its field already)
        raise ResponseError(said if said.startswith(field) else f"{field}: {said}") from None


#: A card's text fields that Amazon's SDKs leave out when unset (Alexa shows the card all the
#: same): judged as empty, so that the card's own check says whether anything shows.
_CARD_TEXTS: Final = {"Simple": ("title", "content"), "Standard": ("title", "text")}


def _card(value: Any) -> Any:
    if isinstance(value, Mapping) and isinstance(value.get("type"), str):
        texts = _CARD_TEXTS.get(value["type"], ())
        value = {**{name: "" for name in texts}, **_no_nulls(value)}
    card = _typed(value, _CARDS, "card")
    if isinstance(card, _StandardCardWire):  # laid out flat, for StandardCard's checks
        image = card.image
        small = getattr(image, "small_image_url", msgspec.UNSET)
        large = getattr(image, "large_image_url", msgspec.UNSET)
        return StandardCard(
            card.title,
            card.text,
            small_image_url=None if small is msgspec.UNSET else small,
            large_image_url=None if large is msgspec.UNSET else large,
        )
    return card


def _reprompt(value: Any) -> Reprompt:
    if not isinstance(value, Mapping):
        raise ResponseError("reprompt must be an object")
    speech = value.get("outputSpeech")
    directives = value.get("directives")
    return Reprompt(
        output_speech=msgspec.UNSET if speech is None else _typed(speech, _SPEECH, "reprompt"),
        directives=() if directives is None else directives,
    )


def decode_answer(answer: Mapping[str, Any]) -> Response:
    """The ``response`` object of an answer as a `Response`, checked as one built in process;
    `ResponseError` where Alexa refuses it. A part given as JSON null counts as left out."""
    parts: dict[str, Any] = {}
    speech = answer.get("outputSpeech")
    if speech is not None:
        parts["output_speech"] = _typed(speech, _SPEECH, "outputSpeech")
    if answer.get("card") is not None:
        parts["card"] = _card(answer["card"])
    if answer.get("reprompt") is not None:
        parts["reprompt"] = _reprompt(answer["reprompt"])
    directives = answer.get("directives")
    if directives is not None:
        for index, directive in enumerate(directives if isinstance(directives, list) else ()):
            if not isinstance(directive, Mapping):  # (said of a Python value otherwise)
                raise ResponseError(f"directives[{index}] is no JSON object")
        parts["directives"] = directives
    end = answer.get("shouldEndSession")
    if end is not None and not isinstance(end, bool):  # (said of Python's values otherwise)
        raise ResponseError(f"shouldEndSession is {shown_json(end)}, no JSON true or false")
    if end is not None:
        parts["should_end_session"] = end
    if answer.get("canFulfillIntent") is not None:
        parts["can_fulfill_intent"] = _typed(
            answer["canFulfillIntent"], CanFulfillIntent, "canFulfillIntent"
        )
    if answer.get("apiResponse") is not None:
        parts["api_response"] = answer["apiResponse"]
    if answer.get("experimentation") is not None:
        parts["experimentation"] = _typed(
            answer["experimentation"], ExperimentTrigger, "experimentation"
        )
    return Response(**parts)


def answer_verdict(
    envelope: Mapping[str, Any],
    status: int,
    payload: Any,
    skill: Any = None,
    *,
    unsupported: list[str] | None = None,
    size: int | None = None,
) -> tuple[str | None, tuple[RuleViolation, ...]]:
    """Why Alexa refuses ``payload`` (answered with HTTP ``status`` to the request ``envelope``, as
    sent; only a 200 is judged) by the rules the app keeps in process, or None; and
    the rules it breaks that Alexa lets pass or the app would have dropped. ``skill`` (a
    `Skill`) lets the dialog directives' slots be checked against its intents. An answer of no
    envelope's shape, or to a request that does not decode, is not judged here
    (`envelope_refusal` says why Alexa refuses it). ``unsupported``, given, gets the types of
    the directives sent for an interface the request's device does not declare (an APL
    document to a speaker), which the app drops in process with a WARNING. ``size``, given, is
    the body's length in bytes as the server sent it, which Alexa's 120 KB limit weighs (JSON
    written with ``\\u00e9`` escapes or indented is larger than ``payload`` written again);
    without it, ``payload`` as compact JSON is weighed."""
    from ..rules import DeviceDrop, check_reply, reporting_to

    def heard(found: RuleViolation | DeviceDrop) -> None:
        if isinstance(found, DeviceDrop) and unsupported is not None:
            unsupported.extend(found.directives)

    answer = payload.get("response") if isinstance(payload, Mapping) else None
    if status != 200 or not isinstance(answer, Mapping):
        return None, ()
    try:
        request = decode_envelope(msgspec.json.encode(envelope))
    except (MalformedRequestError, msgspec.MsgspecError, TypeError):
        return None, ()
    if request.request.type == "SessionEndedRequest":
        return None, ()  # Alexa ignores whatever answers it
    weighed = "" if size is not None else " as compact JSON"
    if size is None:
        try:
            size = len(msgspec.json.encode(payload))
        except UnicodeEncodeError:  # a lone surrogate (json.loads takes "\ud800"): so written
            written = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            size = len(written.encode("utf-8", "backslashreplace"))
    if size > MAX_RESPONSE_BYTES:
        return (
            f"the answer is {size:,} bytes{weighed}; the limit is "
            f"{MAX_RESPONSE_BYTES:,} bytes (the whole response, with its sessionAttributes)"
        ), ()
    found: list[RuleViolation] = []
    refusal, answer = _as_alexa_takes(answer, request.request, found)
    if refusal is not None:
        return refusal, ()
    try:
        with _unlogged(), reporting_to(heard):
            response = decode_answer(answer)
            check_reply(response, request, skill, violations=found)
    except ResponseError as exc:
        return _for_a_server(str(exc)), ()
    violations = tuple(
        RuleViolation(
            v.request_type,
            v.dropped,
            _for_a_server(v.rule),
            request_id=v.request_id,
            kept=v.kept,
            fate=v.fate if v.kept else _SENT,
        )
        for v in found
    )
    return None, violations + _attributes_kept(payload, request)


def _attributes_kept(payload: Mapping[str, Any], envelope: Any) -> tuple[RuleViolation, ...]:
    """``sessionAttributes`` that are no JSON object: no attributes the session can carry (its
    next request has none), a violation rather than a silent loss. JSON null is left out."""
    found = payload.get("sessionAttributes")
    if found is None or isinstance(found, Mapping):
        return ()
    request = envelope.request
    # (said as the reply's JSON, "x" and true, not as Python's 'x' and True; its head and tail
    # only encoded: a reply's 10 MB of them are not, to show 120 characters)
    said = shown_as_json(found)
    rule = f"sessionAttributes must be a JSON object, not {said}"
    fate = (
        "lost: the next request in the session carries no attributes"
        if envelope.session is not None
        else "ignored: the request is outside a session, so no request carries them on"
    )
    dropped = ("sessionAttributes",)
    return (RuleViolation(request.type, dropped, rule, request_id=request.request_id, fate=fate),)


def _as_alexa_takes(
    answer: Mapping[str, Any], request: Any, found: list[RuleViolation]
) -> tuple[str | None, Mapping[str, Any]]:
    """Where Alexa and the app's builders differ on an answer: a reprompt with
    ``shouldEndSession: true``, which the app refuses to build, Alexa takes and ignores (a
    violation, kept: the answer is judged without it); ``shouldEndSession`` beside a
    ``VideoApp.Launch``, which the app leaves out silently, Alexa refuses (the refusal); a
    card's text under the other kind of card's name (a Standard card's ``content``), which the
    app's cards cannot hold, is a violation, kept, beside the card's own text too."""
    end = answer.get("shouldEndSession")
    directives = answer.get("directives")
    types = (
        [d.get("type") for d in directives if isinstance(d, Mapping)]
        if isinstance(directives, list)
        else []
    )
    if end is not None and "VideoApp.Launch" in types:
        return (
            "VideoApp.Launch takes no shouldEndSession: Alexa refuses an answer with both",
            answer,
        )
    if end is True and answer.get("reprompt") is not None:
        rule = "a reprompt needs an open session, and shouldEndSession is true"
        found.append(
            RuleViolation(
                request.type,
                ("reprompt",),
                rule,
                request_id=request.request_id,
                kept=True,
                fate="Alexa ignores it",
            )
        )
        answer = {key: value for key, value in answer.items() if key != "reprompt"}
    card = answer.get("card")
    kind = card.get("type") if isinstance(card, Mapping) else None
    names = _CARD_TEXT_NAMES.get(kind) if isinstance(kind, str) else None
    if names is not None and isinstance(card, Mapping):
        # Amazon's Request and Response JSON Reference: a Standard card's text is "text", a
        # Simple card's "content"; the other name is an unknown field, whose words go unshown,
        # alone or beside the card's own.
        right, wrong = names
        if card.get(wrong) is not None:
            rule = f"a {kind} card's text is {right!r}, not {wrong!r}: Alexa shows none of it"
            if card.get(right) is not None:
                rule += f", only the {right!r} beside it"
            found.append(
                RuleViolation(
                    request.type,
                    (f"card.{wrong}",),
                    rule,
                    request_id=request.request_id,
                    kept=True,
                    fate="sent, unshown",
                )
            )
    return None, answer


#: A card's text field by its type, and the name the other kind of card gives it.
_CARD_TEXT_NAMES: Final[dict[str, tuple[str, str]]] = {
    "Simple": ("content", "text"),
    "Standard": ("text", "content"),
}

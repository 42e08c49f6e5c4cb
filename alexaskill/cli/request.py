"""``alexaskill request``: print a fresh, realistic request envelope to start a sample file.

With ``--model`` (an APP or an ASK CLI model file) an IntentRequest is the one Alexa sends, as
``client.intent`` sends it: the intent and its slots checked against the model, every slot of
the intent present (those not given without a value), the slot values with their entity
resolution, and ``dialogState`` for an intent of the dialog model (only): STARTED, or COMPLETED
for a dialog Alexa runs alone (auto delegation), which reaches the skill once. Other requests (a
LaunchRequest) take only the skill id and locale from ``--model``: no model is built for them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
from collections.abc import Collection, Mapping
from typing import Any, Final, TextIO

from ..shown_names import shown
from .chat_show import terminal_safe_json
from .common import UsageError, alexa_locale, as_list, help_text, pairs
from .inputs import ANSWER_FILE, MODEL, failed_playback, given_skill_id, hint_at_a_terminal
from .request_model import from_model
from .request_names import check_field, check_interface, check_type, meant_type
from .request_origin import sent_from, skill_id_for
from .request_session import check_session_options, json_or_text, session_attributes

#: The dialog states Alexa sends (with an intent of the dialog model only): the same as
#: `alexaskill.testing.requests.DIALOG_STATES`, named here so that building the command line's
#: parser does not import the testing package.
DIALOG_STATES: Final = ("STARTED", "IN_PROGRESS", "COMPLETED")

#: The ``confirmationStatus`` values of an intent or a slot (`--confirm`, `--confirm-slot`):
#: `alexaskill.testing.requests.CONFIRMATION_STATUSES`, named here as `DIALOG_STATES` is.
CONFIRMATION_STATUSES: Final = ("NONE", "DENIED", "CONFIRMED")

#: The request's fields the command sets from its own arguments, which ``--field`` (any other
#: field) may not take over: what sets each. ``intent`` and ``dialogState`` are the command's
#: for a request that carries them (`_own_field`); a field a type does not carry is refused
#: (`check_field`).
_OWN_FIELDS: Final = {
    "type": "the request type is TYPE",
    "intent": "the intent is --intent NAME (and --slot NAME=VALUE)",
    "dialogState": "the dialog state is --dialog-state",
    "locale": "the locale is --locale",
    "session": "the session is the envelope's, not the request object's: TYPE says if there is one",
}


#: A request type's form, and an interface's: names of letters and digits joined by dots
#: (``Alexa.Presentation.APL.UserEvent``); a space, a dash or a control character is none.
_TYPE_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*")

#: A request field's name: ``requestId``, ``offsetInMilliseconds``.
_FIELD_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _own_field(name: str, request_type: str, modelled: bool) -> str | None:
    """Why ``--field NAME`` may not set ``name`` in a ``request_type`` request (``modelled``:
    a type alexaskill models), or None when it may."""
    if name in ("type", "locale", "session"):
        return _OWN_FIELDS[name]
    if name not in _OWN_FIELDS or not modelled:
        return None
    takes = {
        "intent": ("IntentRequest", "CanFulfillIntentRequest"),
        "dialogState": ("IntentRequest",),
    }
    if request_type in takes[name]:
        return _OWN_FIELDS[name]
    return f"{request_type} requests carry no {name}"


def _confirmed(args: argparse.Namespace, request_type: str, intent: dict[str, Any]) -> None:
    """Set the ``confirmationStatus`` of ``intent`` and of its slots as ``--confirm`` and
    ``--confirm-slot`` give them: a usage error for a request that carries none, a slot not
    given, or one without a value (Alexa confirms a value)."""
    if args.confirm is None and not args.confirm_slot:
        return
    if request_type != "IntentRequest":
        raise UsageError(f"{request_type} requests carry no confirmationStatus")
    if args.confirm is not None:
        intent["confirmationStatus"] = args.confirm
    slots = intent.get("slots") or {}
    seen: set[str] = set()
    for name, status in pairs(args.confirm_slot, "--confirm-slot", "NAME=STATUS"):
        said = shown(name)
        if status not in CONFIRMATION_STATUSES:
            choices = ", ".join(CONFIRMATION_STATUSES)
            raise UsageError(
                f"--confirm-slot {shown(f'{name}={status}')}: a status is one of {choices}"
            )
        if name in seen:
            raise UsageError(f"--confirm-slot {said}: given twice")
        seen.add(name)
        slot = slots.get(name)
        if not isinstance(slot, dict):
            # (The --slot to give is spelled out for a name short enough to copy from the line.)
            slot_option = f"--slot {name if said == name else 'NAME'}=VALUE"
            raise UsageError(f"--confirm-slot {said}: no {slot_option}")
        if "value" not in slot and "slotValue" not in slot:
            raise UsageError(f"--confirm-slot {said}: the slot has no value (Alexa confirms one)")
        slot["confirmationStatus"] = status


def _interfaces(names: list[str] | None, request_type: str) -> tuple[str, ...]:
    """``--interface`` values (default: those of a device sending ``request_type``): an empty
    name, a known name in the wrong case (the skill's ``supports()`` would not see it) or a name
    that is none of `KNOWN_INTERFACES` is a usage error."""
    from ..testing.request_defaults import default_interfaces
    from ..testing.requests import KNOWN_INTERFACES

    by_lower = {name.lower(): name for name in KNOWN_INTERFACES}
    for name in names or ():
        said = shown(name, quoted=True)
        if not name.strip():
            raise UsageError(f"--interface {said}: name an interface, e.g. Display")
        if not _TYPE_NAME.fullmatch(name):  # (a dotted name, as a request type's)
            raise UsageError(
                f"--interface {said}: no interface name (letters and digits, parts joined "
                "by dots, e.g. Alexa.Presentation.APL)"
            )
        known = by_lower.get(name.strip().lower())
        if known is not None and known != name:
            raise UsageError(f"--interface {said}: interface names are case-sensitive: {known}")
        check_interface(name)
    return sent_from(request_type, tuple(names or default_interfaces(request_type)))


def _audio_event(request_type: str, fields: dict[str, Any], interfaces: tuple[str, ...]) -> None:
    """An AudioPlayer event as Alexa sends one: from a device declaring AudioPlayer (as a
    PlaybackController press), about the stream it plays (``token``), at
    ``offsetInMilliseconds`` (default: 0)."""
    if "AudioPlayer" not in interfaces:
        events = "AudioPlayer events" if request_type.startswith("AudioPlayer.") else "it"
        raise UsageError(
            f"{request_type}: Alexa sends {events} only from a device declaring AudioPlayer: "
            "add --interface AudioPlayer"
        )
    if request_type.startswith("PlaybackController."):
        return
    if fields.get("token") is None:  # (token=null too: Alexa's is the stream's string)
        raise UsageError(
            f"{request_type} is about the stream the device plays: name its token, --field "
            "token=TOKEN (the token of the skill's AudioPlayer.Play)"
        )
    fields.setdefault("offsetInMilliseconds", 0)
    failed_playback(request_type, fields)  # (its error, and the state before it)


def _meant(request_type: str) -> str:
    """A hint naming the request type ``request_type`` is likely a slip for, or ""."""
    found = meant_type(request_type)
    return f" (did you mean {found}?)" if found else ""


def _app_hint(request_type: str) -> str:
    """A hint for a TYPE that looks like an APP (``app:skill``), or ""."""
    if ":" not in request_type:
        return ""
    return (
        "; request takes no APP, it writes a request to stdout: give the APP with --model, "
        "or send requests to it with alexaskill replay APP FILE or alexaskill chat APP"
    )


def _warn_of_forms(
    slots: Mapping[str, str | list[str] | None], types: Mapping[str, str], err: TextIO
) -> None:
    """A warning for each slot value a built-in type of data never has as Alexa sends it: for
    "five", an AMAZON.NUMBER slot holds "5". Sent as given, for a skill's guard to be tried."""
    from ..builtin_slot_types import form_missed

    for name, given in slots.items():
        for value in as_list(given) if given is not None else ():
            how = form_missed(types.get(name, ""), value)
            if how is not None:
                said = f"{shown(name)}={shown(value, quoted=True)}"
                err.write(
                    f"alexaskill request: warning: --slot {said}: Alexa sends an "
                    f"{types[name]} slot's value {how}; sent as given\n"
                )


def _check_names(intent: str, slots: Collection[str]) -> None:
    """A usage error for an intent or slot name Alexa never sends ("Intent and slot name
    requirements"): a custom one is ASCII letters and underscores, starting with a letter; a
    built-in intent is one of Amazon's (`check_builtin_intent`), and the built-in intent
    library's slots are such names joined by dots (``object.location.addressLocality.name``)."""
    from ..builtin_intents import CUSTOM_NAME, check_builtin_intent
    from ..exceptions import ConfigurationError

    builtin = intent[:7].upper() == "AMAZON."
    if builtin:
        try:
            check_builtin_intent(intent)
        except ConfigurationError as exc:
            raise UsageError(f"--intent {exc}") from None
    elif not CUSTOM_NAME.fullmatch(intent):
        raise UsageError(
            f"--intent {shown(intent, quoted=True)}: no intent name Alexa sends: a custom intent's "
            "name is ASCII letters and underscores, starting with a letter (e.g. GetWeather)"
        )
    dotted = re.compile(rf"{CUSTOM_NAME.pattern}(\.{CUSTOM_NAME.pattern})*")
    for name in slots:
        if not (dotted if builtin else CUSTOM_NAME).fullmatch(name):
            raise UsageError(
                f"--slot {shown(name, quoted=True)}: no slot name Alexa sends: a slot's name is "
                "ASCII letters and underscores, starting with a letter (e.g. city)"
            )


def _check_text(args: argparse.Namespace) -> None:
    """A usage error for an argument printed in the request that is not UTF-8 text."""
    from .understand import check_text

    given = [args.type, args.intent, args.skill_id, *args.slot, *args.field, *args.attribute]
    for value in [*given, *(args.interface or ())]:
        check_text(str(value))


def _check_fields(envelope: Mapping[str, Any], given: Collection[str]) -> None:
    """A usage error naming the ``--field`` (``given``) whose value alexaskill's model of the
    request refuses: of a type it does not take (a ``requestId`` that is no string), or a
    ``timestamp`` that is no ISO 8601 time with its UTC offset (epoch milliseconds, a number,
    are taken, as the model takes them). The file would be refused where it is sent. A time
    far from now is kept: a stale request is a sample too."""
    from ..exceptions import MalformedRequestError, TimestampError
    from ..models import decode_envelope

    try:
        decode_envelope(json.dumps(envelope))
    except MalformedRequestError as exc:
        why = str(exc).removeprefix("malformed request: ")
        # (An AudioPlayer event's token and offset are copied to its context's player state.)
        found = re.search(r"(?:^|`\$\.)(?:request|context\.AudioPlayer)\.(\w+)", why)
        if found is None or found.group(1) not in given:  # pragma: no cover - the factory's own
            raise UsageError(f"the request: {why}") from None
        name = found.group(1)
        value = envelope["request"].get(name)
        if "Expected `str" in why and isinstance(value, int | float | bool):
            text = json.dumps(value)  # (read as JSON: token=5 is a number)
            quoted = json.dumps(text)
            why += f"; for the string {quoted}, quote it as JSON: --field '{name}={quoted}'"
        raise UsageError(f"--field {name}: {why.removeprefix(f'request.{name}: ')}") from None
    request, stamp = envelope["request"], envelope["request"].get("timestamp")
    if "timestamp" in given and stamp is None:  # (the skill's verifier: "timestamp: missing")
        raise UsageError("--field timestamp: Alexa dates every request, as 2026-11-29T12:00:00Z")
    if "timestamp" in given and isinstance(stamp, str):
        from ..verify import check_timestamp  # (here: the package brings certificate checks)

        try:
            check_timestamp(str(request.get("type")), stamp, datetime.datetime.now(datetime.UTC))
        except TimestampError as exc:
            if "too old" not in str(exc) and "in the future" not in str(exc):
                raise UsageError(f"--field {exc}, as 2026-11-29T12:00:00Z") from None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..lists_deprecated import LISTS_DEPRECATED
    from ..models import GenericRequest, HouseholdListEventRequest, request_class
    from ..testing import RequestFactory, intent_fields
    from ..testing.requests import can_fulfill_fields, session_ended_fields

    _check_text(args)
    request_type: str = args.type
    if not request_type.strip():
        raise UsageError("TYPE is empty: name a request type, e.g. LaunchRequest")
    if not _TYPE_NAME.fullmatch(request_type):  # Alexa's are dotted names: Connections.Response
        raise UsageError(
            f"TYPE {shown(request_type, quoted=True)}: no request type Alexa sends (letters and "
            f"digits, parts joined by dots){_meant(request_type)}{_app_hint(request_type)}"
        )
    check_type(request_type)
    if args.intent is not None and not args.intent.strip():
        raise UsageError("--intent is empty: name the intent, e.g. GetWeather")
    interfaces = _interfaces(args.interface, request_type)
    check_session_options(args, request_type)  # (refused before the hint: nothing read)
    if args.session_from == "-":
        hint_at_a_terminal(err, "request", "the skill's answer (JSON)")
    attributes = session_attributes(args, request_type, interfaces)
    fields: dict[str, Any] = {}
    modelled = request_class(request_type) is not GenericRequest
    for name, text in pairs(args.field, "--field"):
        if not _FIELD_NAME.fullmatch(name):  # (written into the request as given)
            raise UsageError(
                f"--field {shown(name, quoted=True)}: no field name a request has (ASCII letters "
                "and digits, e.g. requestId)"
            )
        if (why := _own_field(name, request_type, modelled)) is not None:
            raise UsageError(f"--field {name}: {why}")
        check_field(name, request_type)
        fields[name] = json_or_text(text, f"--field {name}", root=f"request.{name}")
    if modelled and request_type.startswith(("AudioPlayer.", "PlaybackController.")):
        _audio_event(request_type, fields, interfaces)
    slots: dict[str, Any] = {}
    unfilled: set[str] = set()
    for name, value in pairs(args.slot, "--slot"):
        if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in value):  # (C0, C1)
            raise UsageError(
                f"--slot {shown(name)}={shown(value, quoted=True)}: a control character, which "
                "Alexa never hears in what is said (it sends the words it heard)"
            )
        if not value.strip():  # Alexa sends no empty value: an unfilled slot has none
            if request_type == "CanFulfillIntentRequest":
                raise UsageError(f"--slot {name}=: Alexa asks with the slots heard only")
            unfilled.add(name)
            slots.setdefault(name, None)
            continue
        # A slot named twice holds several values, as a multiple-value slot does.
        previous = slots.get(name)
        slots[name] = value if previous is None else [*as_list(previous), value]
    for name in unfilled:
        if slots[name] is not None:
            raise UsageError(f"--slot {name}=: a slot has values or none, not both")
    takes_intent = request_type in ("IntentRequest", "CanFulfillIntentRequest")
    if args.intent is None and (takes_intent or slots):
        what = "--slot needs" if slots else f"{request_type} needs"
        raise UsageError(f"{what} --intent NAME, e.g. --intent GetWeather")
    if args.intent is not None and not takes_intent:
        raise UsageError(f"{request_type} requests carry no intent; drop --intent")
    if args.dialog_state is not None and request_type != "IntentRequest":
        raise UsageError(f"{request_type} requests carry no dialogState; drop --dialog-state")
    if args.model is None and args.intent is not None:  # (else the model's names are checked)
        _check_names(args.intent, slots)
    known = from_model(args, args.intent, slots, can_fulfill=request_type != "IntentRequest")
    _warn_of_forms(slots, known.slot_types, err)
    if request_type == "CanFulfillIntentRequest":
        fields.update(can_fulfill_fields(args.intent, slots, known.resolve))
    elif args.intent is not None:
        fields.update(
            intent_fields(
                args.intent, known.dialog_state, "NONE", slots, known.resolve, known.defined
            )
        )
    _confirmed(args, request_type, fields.get("intent") or {})
    if request_type == "SessionEndedRequest":
        try:
            fields = session_ended_fields(str(fields.pop("reason", "USER_INITIATED")), fields)
        except ValueError as exc:  # a reason Alexa does not send
            raise UsageError(f"--field {exc}") from None
    if not modelled:
        err.write(
            f"alexaskill request: note: alexaskill does not model {request_type!r} requests; "
            "they reach the skill's fallback handler\n"
        )
    if issubclass(request_class(request_type), HouseholdListEventRequest):
        # Said as a handler registered for one is told (`Skill.add_handler`), in the same words:
        # the event printed is one Amazon no longer sends, and a sample file made of it tests
        # nothing Alexa will do.
        err.write(f"alexaskill request: warning: {request_type}: {LISTS_DEPRECATED}\n")
    factory = RequestFactory(
        skill_id=skill_id_for(args.skill_id, known.skill),
        locale=known.locale,
        interfaces=interfaces,
    )
    # In a session under way (new: false), as Alexa sends the attributes the skill stored.
    session = None if attributes is None else factory.session(new=False, attributes=attributes)
    # The fields Alexa always sends with the type, made at the request's time: the factory's.
    envelope = factory.envelope(request_type, session=session, **fields)
    _check_fields(envelope, fields.keys() & {name for name, _ in pairs(args.field, "--field")})
    out.write(terminal_safe_json(json.dumps(envelope, indent=2, ensure_ascii=False)) + "\n")
    return 0


class _TypesListed(argparse.RawDescriptionHelpFormatter):
    """The help formatter of ``request``: its epilog ends with every request type, listed only
    when the help is shown (which reads alexaskill's models)."""

    def add_text(self, text: str | None) -> None:
        if text is not None and text.endswith(_TYPES_HEADING):
            from .request_names import types_listed

            text += types_listed()
        super().add_text(text)


_TYPES_HEADING = "\n\nrequest types:\n"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    formatter = _TypesListed
    command = commands.add_parser(
        "request",
        help="print a fresh, realistic request envelope",
        description=help_text(
            "Print a realistic request envelope of TYPE, to start a sample file."
        ),
        epilog="examples:\n"
        "  alexaskill request LaunchRequest\n"
        "  alexaskill request IntentRequest --intent GetWeather --slot city=Paris "
        "--slot date=2026-11-27\n"
        "  alexaskill request SessionEndedRequest --field reason=ERROR\n"
        "  alexaskill request IntentRequest --model app:skill --intent OrderDrink "
        "--slot drink=espresso\n"
        "  alexaskill request IntentRequest --intent AMAZON.YesIntent --attribute asked=coffee\n"
        "  alexaskill request IntentRequest --intent AMAZON.YesIntent --session-from answer.json"
        + _TYPES_HEADING,
        formatter_class=formatter,
    )
    command.add_argument("type", metavar="TYPE", help="the request type, e.g. IntentRequest")
    command.add_argument("--intent", help="the intent's name (IntentRequest)")
    command.add_argument(
        "--slot",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a slot value (repeat a name for a multiple-value slot; NAME= sends it unfilled); "
        "with --model, one a built-in type never holds as Alexa sends it (five for an "
        "AMAZON.NUMBER, which Alexa sends as 5) is warned of (without it a slot's type is not "
        "known: request reads no skill of its own accord)",
    )
    command.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another field of the request object, one TYPE carries (VALUE is JSON, or else a "
        "string)",
    )
    command.add_argument(
        "--confirm",
        choices=CONFIRMATION_STATUSES,
        help="the intent's confirmationStatus (IntentRequest; default: NONE): CONFIRMED or "
        "DENIED as Alexa sends it once the user answered a confirmation of the intent",
    )
    command.add_argument(
        "--confirm-slot",
        action="append",
        default=[],
        metavar="NAME=STATUS",
        help="a slot's confirmationStatus (NONE, DENIED or CONFIRMED; IntentRequest, a slot "
        "given a value with --slot)",
    )
    command.add_argument(
        "--dialog-state",
        choices=DIALOG_STATES,
        help="the dialog state (with --model: STARTED for an intent of the model's dialog, "
        "COMPLETED for one Alexa delegates alone; only those may have one)",
    )
    command.add_argument(
        "--attribute",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a session attribute the skill stored, sent in a session under way (new: false; "
        "VALUE is JSON, or else a string); after --session-from's",
    )
    command.add_argument(
        "--session-from",
        type=ANSWER_FILE,
        metavar="FILE",
        help="carry the sessionAttributes of the skill's answer in FILE (its response envelope, "
        "or a line of `replay --json`; - reads it from standard input) into the request, as "
        "Alexa sends the next request of the session; an answer that ends the session is refused",
    )
    command.add_argument(
        "--model",
        type=MODEL,
        metavar="MODEL",
        help="an APP or an ASK CLI model file: an IntentRequest is checked against it and "
        "carries every slot of the intent, its values with the entity resolution Alexa sends",
    )
    command.add_argument(
        "--locale",
        type=alexa_locale,
        help="the request's locale (default: the --model file's, else en-US)",
    )
    command.add_argument(
        "--skill-id",
        type=given_skill_id,
        help="the application id (default: the --model APP's, else the first of "
        "ALEXASKILL_SKILL_ID, else a placeholder)",
    )
    command.add_argument(
        "--interface",
        action="append",
        metavar="NAME",
        help="an interface the device supports: AudioPlayer (default; with Alexa.Presentation.APL "
        "for an APL event, Alexa.Presentation.APLT for an APLT one, Alexa.Presentation.HTML for "
        "an HTML one, Display for Display.ElementSelected), Display, Alexa.Presentation.APL, "
        "VideoApp, Geolocation, Navigation, AppLink, …; repeat for several",
    )

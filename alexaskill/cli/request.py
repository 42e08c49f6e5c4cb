"""``alexaskill request``: print a fresh, realistic request envelope to start a sample file."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    pass

from .common import UsageError, alexa_locale, as_list, help_text, pairs


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..models import GenericRequest, request_class
    from ..testing import DEFAULT_SKILL_ID, RequestFactory, intent_fields

    request_type: str = args.type
    fields: dict[str, Any] = {}
    for name, text in pairs(args.field, "--field"):
        try:
            fields[name] = json.loads(text)
        except ValueError:
            fields[name] = text
        except RecursionError:
            raise UsageError(f"--field {name}: JSON nested too deeply") from None
    slots: dict[str, Any] = {}
    for name, value in pairs(args.slot, "--slot"):
        # A slot named twice holds several values, as a multiple-value slot does.
        previous = slots.get(name)
        slots[name] = value if previous is None else [*as_list(previous), value]
    takes_intent = request_type in ("IntentRequest", "CanFulfillIntentRequest")
    if args.intent is None and (takes_intent or slots):
        what = "--slot needs" if slots else f"{request_type} needs"
        raise UsageError(f"{what} --intent NAME, e.g. --intent GetWeather")
    if args.intent is not None:
        if not takes_intent:
            raise UsageError(f"{request_type} requests carry no intent; drop --intent")
        fields.update(intent_fields(args.intent, args.dialog_state, "NONE", slots))
    if request_type == "SessionEndedRequest":
        fields.setdefault("reason", "USER_INITIATED")
    if request_class(request_type) is GenericRequest:
        err.write(
            f"alexaskill request: note: alexaskill does not model {request_type!r} requests; "
            "they reach the skill's fallback handler\n"
        )
    factory = RequestFactory(
        skill_id=args.skill_id or DEFAULT_SKILL_ID,
        locale=args.locale,
        interfaces=tuple(args.interface or ("AudioPlayer",)),
    )
    envelope = factory.envelope(request_type, **fields)
    out.write(json.dumps(envelope, indent=2, ensure_ascii=False) + "\n")
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
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
        "  alexaskill request SessionEndedRequest --field reason=ERROR",
        formatter_class=formatter,
    )
    command.add_argument("type", metavar="TYPE", help="the request type, e.g. IntentRequest")
    command.add_argument("--intent", help="the intent's name (IntentRequest)")
    command.add_argument(
        "--slot",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a slot value (repeat a name for a multiple-value slot)",
    )
    command.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another field of the request object (VALUE is JSON, or else a string)",
    )
    command.add_argument("--dialog-state", help="STARTED, IN_PROGRESS or COMPLETED")
    command.add_argument(
        "--locale", default="en-US", type=alexa_locale, help="the request's locale (en-US)"
    )
    command.add_argument("--skill-id", help="the application id (a placeholder by default)")
    command.add_argument(
        "--interface",
        action="append",
        metavar="NAME",
        help="an interface the device supports: AudioPlayer (default), Display, "
        "Alexa.Presentation.APL, VideoApp; repeat for several",
    )

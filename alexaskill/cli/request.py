"""``alexaskill request``: print a fresh, realistic request envelope to start a sample file.

With ``--model`` (an APP or an ASK CLI model file) the slot values come with the entity
resolution Alexa sends, as ``client.intent`` sends them, and the intent and its slots are
checked against the model.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .common import UsageError, alexa_locale, as_list, help_text, load_understanding_model, pairs

#: Resolves a slot's value (``resolve(slot, value)``): the ``resolutions`` Alexa sends, or None.
Resolve = Callable[[str, str], Mapping[str, Any] | None]


def _resolver(
    args: argparse.Namespace, intent: str | None, slots: Mapping[str, Any]
) -> tuple[Resolve | None, str | None, str]:
    """With ``--model``: what resolves ``intent``'s slot values (the model's intent and slots
    checked), the skill id the APP names, and the locale; else nothing to resolve."""
    from ..understanding import Understander

    if args.model is None:
        return None, None, args.locale or "en-US"
    model, locale, skill = load_understanding_model(args.model, locale=args.locale, invocation=None)
    own_id = min(skill.skill_ids) if skill is not None and skill.skill_ids else None
    if intent is None:
        return None, own_id, locale
    found = next((each for each in model.intents if each.name == intent), None)
    if found is None:
        names = ", ".join(
            each.name for each in model.intents if not each.name.startswith("AMAZON.")
        )
        raise UsageError(
            f"--intent: the model has no intent {intent!r} (its intents: {names or 'none'})"
        )
    for name in slots:
        if found.slot(name) is None:
            have = ", ".join(slot.name for slot in found.slots) or "none"
            raise UsageError(f"--slot: intent {intent!r} has no slot {name!r} (its slots: {have})")
    from ..testing import DEFAULT_SKILL_ID

    skill_id = args.skill_id or own_id or DEFAULT_SKILL_ID
    # Resolving needs no language: a locale understanding does not know resolves all the same.
    understander = Understander(model, locale=locale, skill_id=skill_id, resolve_only=True)
    return functools.partial(understander.resolutions, intent), own_id, locale


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
    if args.intent is not None and not takes_intent:
        raise UsageError(f"{request_type} requests carry no intent; drop --intent")
    resolve, own_id, locale = _resolver(args, args.intent, slots)
    if args.intent is not None:
        fields.update(intent_fields(args.intent, args.dialog_state, "NONE", slots, resolve))
    if request_type == "SessionEndedRequest":
        fields.setdefault("reason", "USER_INITIATED")
    if request_class(request_type) is GenericRequest:
        err.write(
            f"alexaskill request: note: alexaskill does not model {request_type!r} requests; "
            "they reach the skill's fallback handler\n"
        )
    factory = RequestFactory(
        skill_id=args.skill_id or own_id or DEFAULT_SKILL_ID,
        locale=locale,
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
        "  alexaskill request SessionEndedRequest --field reason=ERROR\n"
        "  alexaskill request IntentRequest --model app:skill --intent OrderDrink "
        "--slot drink=espresso",
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
        "--model",
        metavar="MODEL",
        help="an APP or an ASK CLI model file: slot values get the entity resolution Alexa "
        "sends, and the intent and slots are checked against it",
    )
    command.add_argument(
        "--locale",
        type=alexa_locale,
        help="the request's locale (default: the --model file's, else en-US)",
    )
    command.add_argument(
        "--skill-id",
        help="the application id (default: the --model APP's, else a placeholder)",
    )
    command.add_argument(
        "--interface",
        action="append",
        metavar="NAME",
        help="an interface the device supports: AudioPlayer (default), Display, "
        "Alexa.Presentation.APL, VideoApp; repeat for several",
    )

"""``alexaskill understand``: what Alexa would send for each utterance, as JSON lines."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Iterator
from typing import NoReturn, TextIO

from ..shown_names import shown
from .chat_show import shown_line, stdin_lines, terminal_safe_json
from .common import (
    UsageError,
    alexa_locale,
    help_text,
    load_understanding_model,
    make_understander,
    parse_now,
    user_time,
)
from .inputs import MODEL, given_invocation, given_skill_id, hint_at_a_terminal


def _utterances(args: argparse.Namespace) -> Iterator[str]:
    if args.utterances:
        yield from args.utterances
        return
    # A stream is answered line by line, as each comes, and stops at a line that is not text,
    # named by its number (the lines before it answered).
    encoding = getattr(sys.stdin, "encoding", None) or "utf-8"
    for number, said in stdin_lines():
        if shown_line(said) != said:
            _not_text(number, said, encoding)
        if said.strip():
            yield said


def _not_text(number: int, line: str, encoding: str) -> NoReturn:
    """The usage error for line ``number`` of standard input, not text in its ``encoding``
    (read with surrogateescape: the bytes it could not decode shown as ``\\xNN``)."""
    import codecs

    name = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
    shown = shown_line(line)
    raise UsageError(f"standard input, line {number}: not {name} text: {shown}")


def check_text(text: str) -> None:
    """A usage error for an argument or a line read that holds bytes that are not UTF-8 (a
    Latin-1 terminal, or standard input read with surrogateescape): Python holds them as lone
    surrogates, which would be written back as those bytes into the JSON printed, which no
    JSON reader takes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # As the bytes read (\xNN), not as Python holds them ('\udcNN', no byte of the input)
        raise UsageError(f"'{shown_line(text)}': not UTF-8 text") from None


def _user_time(args: argparse.Namespace, now: datetime.datetime | None) -> datetime.datetime:
    """``now`` on the device's clock, in --time-zone (`user_time`), as `chat` reads it."""
    return user_time(now, args.time_zone, now_text=args.now, zone_option="--time-zone")


def _check_zone(zone: str) -> None:
    """A usage error for a --time-zone that is no IANA zone of the tz data here, in the words and
    by the check `FakeAlexaApi` refuses its ``time_zone`` with (the zone meant named): zoneinfo
    reads ``posix/Europe/Paris``, ``right/UTC`` and ``localtime``, no zone a device is set to."""
    from ..testing.api_zones import _zone_known, _zone_unknown

    if not _zone_known(zone):
        raise UsageError(_zone_unknown("--time-zone", zone, "as Alexa answers one"))


def _no_model(utterances: list[str]) -> UsageError:
    """The usage error for a missing --model: chat and replay take the APP first, without an
    option, so a first UTTERANCE that names a skill or a model file is named as meant."""
    first = utterances[0] if utterances else ""
    module, colon, attribute = first.partition(":")
    names_app = (
        bool(colon)
        and attribute.isidentifier()
        and (module.endswith(".py") or all(part.isidentifier() for part in module.split(".")))
    )
    if names_app or (first.endswith(".json") and " " not in first):
        return UsageError(
            f"--model is missing: {shown(first, quoted=True)} was read as an utterance; did you "
            f"mean --model {shown(first)}?"
        )
    return UsageError(
        "--model is missing: name the skill (--model app:skill) or an ASK CLI model file "
        "(--model en-US.json) to understand the words with"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .request_origin import skill_id_for

    if args.model is None:
        raise _no_model(args.utterances)
    model, locale, skill = load_understanding_model(
        args.model, locale=args.locale, invocation=args.invocation
    )
    # (an empty --skill-id is refused: `given_skill_id`)
    understander = make_understander(model, locale, skill_id_for(args.skill_id, skill))
    if args.time_zone is not None and not args.time_zone.strip():  # (else read as UTC)
        raise UsageError(
            "--time-zone is empty: name an IANA time zone, e.g. Europe/Paris, or leave it out "
            "for UTC"
        )
    if args.time_zone is not None:
        _check_zone(args.time_zone)
    for number, said in enumerate(args.utterances, start=1):  # (a line read empty: skipped)
        if not said.strip():
            raise UsageError(
                f"UTTERANCE {number} is empty: nothing said, no request (Alexa sends none); "
                "give the words the user says"
            )
    given = parse_now(args.now)
    _user_time(args, given)  # a --now or --time-zone that cannot be read: before any output
    if not args.utterances:
        hint_at_a_terminal(err, "understand", "utterances, one a line,")
    for utterance in _utterances(args):
        check_text(utterance)
        # What "today" means to Alexa: the date on the device's clock, at --now or else at the
        # time the utterance is read (as `chat` reads it).
        understood = understander.understand(utterance, now=_user_time(args, given))
        # What the simulator and tools get (one layout, to_json()'s), the explanation only with
        # --explain, as it has always been
        record = understood.to_json()
        if not args.explain:
            del record["explanation"]
        out.write(terminal_safe_json(json.dumps(record, ensure_ascii=False)) + "\n")
        out.flush()
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    command = commands.add_parser(
        "understand",
        help="print the request Alexa would send for each utterance",
        description=help_text(
            "Understand each UTTERANCE (or each line of standard input) as Alexa would with "
            "the interaction model MODEL, and print one JSON object per utterance and line: "
            '{"utterance": ..., "request": ..., "kind": ..., "intent": ..., "sample": ..., '
            '"score": ..., ...}, where request is the request object Alexa would send '
            "(LaunchRequest, IntentRequest with its slots and entity resolution, "
            "SessionEndedRequest) and the other fields say how it was understood, as "
            "Understanding.to_json() lays them out.",
        ),
        epilog=help_text(
            "MODEL is an ASK CLI model file (skill-package/interactionModels/custom/en-US.json) "
            "or an APP (module:attribute, path/to/app.py:skill), whose model is built from "
            "its code as `alexaskill model` builds it.",
            "examples:\n"
            "  alexaskill understand --model examples.weather.app:skill "
            '"what\'s the weather in paris tomorrow"\n'
            "  alexaskill understand --model en-US.json --now 2026-11-29T12:00 < utterances.txt",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    model = command.add_argument(
        "--model",
        required=True,
        type=MODEL,
        metavar="MODEL",
        help="an ASK CLI model file, or the directory of them (interactionModels/custom: the "
        "--locale's file), or an APP",
    )
    command.add_argument(
        "--locale",
        type=alexa_locale,
        help="the locale (default: the model file's name, else en-US)",
    )
    command.add_argument(
        "--now",
        metavar="DATETIME",
        help="the time the user speaks at, ISO 8601, for dates like 'tomorrow' (default: now): "
        "2026-11-29T08:00 is that time on the device's clock, 2026-11-29T08:00+01:00 or ...Z "
        "that moment, on the device's clock (as `chat --now`)",
    )
    command.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the device's time zone, an IANA name such as Europe/Paris (default: UTC, as a "
        "device with none set): the date there is what 'today' means",
    )
    command.add_argument(
        "--invocation",
        type=given_invocation,
        metavar="NAME",
        help="the invocation name, quoted when of several words (--invocation \"<your skill's "
        'invocation name>"; a name of one word followed by an UTTERANCE of one word is refused '
        "as ambiguous: put the UTTERANCEs after --). Default: the model's; an APP's: the "
        "project's model file's, skill-package/interactionModels/custom/LOCALE.json, as "
        "`model` reads it",
    )
    command.add_argument(
        "--skill-id",
        type=given_skill_id,
        help="the skill id of entity-resolution authorities (default: the APP's, else the first "
        "of ALEXASKILL_SKILL_ID, else a placeholder)",
    )
    command.add_argument(
        "--explain", action="store_true", help="add how each utterance was understood"
    )
    command.add_argument(
        "utterances", metavar="UTTERANCE", nargs="*", help="what the user says (default: stdin)"
    )
    # --model is required, but checked in run(), which names an APP given as an UTTERANCE (as
    # chat and replay take it); the usage line is the one argparse writes for it required.
    command.usage = command.format_usage().removeprefix("usage: ").rstrip("\n")
    command.usage = command.usage.replace(command.prog, "%(prog)s", 1)
    model.required = False

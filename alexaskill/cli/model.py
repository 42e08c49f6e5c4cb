"""``alexaskill model``: print the interaction model made from the skill's handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from .common import APP_HELP, UsageError, help_text, load_skill


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..interaction import (
        InteractionModelError,
        build_interaction_model,
        invocation_name_warnings,
        model_warnings,
    )

    skill = load_skill(args.app)
    for warning in model_warnings(skill):
        err.write(f"alexaskill model: warning: {warning}\n")
    try:
        model = build_interaction_model(skill, locale=args.locale, invocation=args.invocation)
    except InteractionModelError as exc:
        for problem in exc.problems:
            err.write(f"alexaskill model: error: {problem}\n")
        return 2
    for warning in invocation_name_warnings(args.invocation, args.locale):
        err.write(f"alexaskill model: warning: {warning}\n")
    text = json.dumps(model, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        out.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    err.write(f"wrote {args.output}\n")
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    command = commands.add_parser(
        "model",
        help="print the interaction model made from the skill's handlers",
        description=help_text(
            "Print the interaction model (the ASK CLI's "
            "skill-package/interactionModels/custom/LOCALE.json) made from the skill's intent "
            "handlers: their sample utterances and slot types, the built-in intents every "
            "skill needs, and the custom slot types."
        ),
        epilog=help_text(
            "example:\n"
            '  alexaskill model examples.weather.app:skill --invocation "weather helper" \\\n'
            "      --output skill-package/interactionModels/custom/en-US.json"
        ),
        formatter_class=formatter,
    )
    command.add_argument("app", metavar="APP", help=APP_HELP)
    command.add_argument("--locale", default="en-US", help="the model's locale (en-US)")
    command.add_argument(
        "--invocation", required=True, help='the invocation name, e.g. "weather helper"'
    )
    command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

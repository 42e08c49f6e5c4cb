"""``alexaskill model``: print the interaction model made from the skill's handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from .common import APP_HELP, UsageError, help_text, is_model_file, load_skill


def _check(args: argparse.Namespace, out: TextIO) -> int:
    """``--check``: list what Amazon's build would refuse and the conflicts it lets pass."""
    import dataclasses

    from ..exceptions import ConfigurationError
    from ..interaction import InteractionModelError, model_warnings
    from ..understanding import (
        DEFAULT_SKILL_ID,
        check_model,
        load_model,
        locale_of_file,
        model_from_skill,
    )

    found: list[tuple[str, str]] = []
    skill_id = DEFAULT_SKILL_ID
    from_file = is_model_file(args.app)
    locale = args.locale or (locale_of_file(args.app) if from_file else None) or "en-US"
    try:
        if from_file:
            model = load_model(args.app, locale=locale)
            if args.invocation is not None:
                model = dataclasses.replace(model, invocation=args.invocation)
        else:
            skill = load_skill(args.app)
            found += [("warning", warning) for warning in model_warnings(skill)]
            skill_id = min(skill.skill_ids) if skill.skill_ids else skill_id
            model = model_from_skill(skill, locale=locale, invocation=args.invocation)
    except InteractionModelError as exc:
        found += [("error", problem) for problem in exc.problems]
    else:
        try:
            findings = check_model(
                model,
                locale=locale,
                skill_id=skill_id,
                invocation=from_file or args.invocation is not None,
            )
        except ConfigurationError as exc:
            raise UsageError(str(exc)) from None
        found += [(finding.level, finding.message) for finding in findings]
    found.sort(key=lambda item: item[0] != "error")
    for level, message in found:
        out.write(f"{level}: {message}\n")
    errors = sum(level == "error" for level, _ in found)
    warnings = len(found) - errors
    if not found:
        out.write("no problems found\n")
    else:
        plural = "s" if errors != 1 else ""
        out.write(f"{errors} error{plural}, {warnings} warning{'s' if warnings != 1 else ''}\n")
    return 1 if errors else 0


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..interaction import (
        InteractionModelError,
        build_interaction_model,
        invocation_name_warnings,
        model_warnings,
    )

    if args.check:
        return _check(args, out)
    if is_model_file(args.app):
        raise UsageError(f"{args.app} is a model file: give it with --check, or name an APP")
    if args.invocation is None:
        raise UsageError('the invocation name is missing: add --invocation "weather helper"')
    skill = load_skill(args.app)
    args.locale = args.locale or "en-US"
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
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)  # skill-package/interactionModels/…
        output.write_text(text, encoding="utf-8")
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
    command.add_argument(
        "app", metavar="APP", help=APP_HELP + " (with --check, also an ASK CLI model file)"
    )
    command.add_argument("--locale", help="the model's locale (default: en-US)")
    command.add_argument("--invocation", help='the invocation name, e.g. "weather helper"')
    command.add_argument(
        "--check",
        action="store_true",
        help="list what Amazon's build would refuse and the conflicts it lets pass (samples "
        "in two intents or understood as another intent, values shared by two slot types of "
        "one intent); exit status 1 on errors",
    )
    command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

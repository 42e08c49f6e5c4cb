"""``alexaskill model``: print the interaction model made from the skill's handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..messages import UNHANDLED
from ..shown_names import shown
from .chat_show import shown_error, terminal_safe_json
from .common import (
    APP_HELP,
    UsageError,
    alexa_locale,
    help_text,
    is_model_file,
    load_skill,
    read_model_json,
)
from .inputs import (
    MANIFEST_FILE,
    MODEL,
    file_text,
    given_invocation,
    one_json,
    suggested_invocation,
)
from .model_files import check_output, write_all

if TYPE_CHECKING:
    from ..app import Skill


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``--check``: list what Amazon's build would refuse and the conflicts it lets pass."""
    import dataclasses

    from ..builtin_intents import audio_player_signs
    from ..exceptions import ConfigurationError
    from ..interaction import InteractionModelError, model_warnings
    from ..interaction.slot_warnings import prompt_translation_warnings, slot_warnings
    from ..understanding import (
        DEFAULT_SKILL_ID,
        InteractionModel,
        check_model,
        locale_of_file,
        model_from_skill,
    )

    found: list[tuple[str, str]] = []
    skill_id = DEFAULT_SKILL_ID
    from_file = is_model_file(args.app)
    locale = args.locale or (locale_of_file(args.app) if from_file else None) or "en-US"
    common, by_locale = _invocations(args.invocation)
    invocation = by_locale.get(locale, common)
    if invocation is None and not from_file:  # the project's model file's, as `run` takes it
        from .model_invocation import known_invocations, taken_from

        for name, path in known_invocations([locale], output=None, output_dir=None).values():
            invocation = name
            err.write(shown_error(taken_from(locale, name, path)))
    manifest = args.manifest
    audio_player: str | None = None
    if from_file:
        # A file that cannot be read is exit status 2, as for any mistake in the command, not 1
        # (a model with errors): a mistyped path in CI is not mistaken for a model to fix.
        data, source = read_model_json(args.app, locale=locale)
        manifest = manifest or _package_manifest(Path(source))
    given = args.manifest is not None  # (else found beside the model file: named as found)
    interfaces = None if manifest is None else _manifest_interfaces(manifest, given=given)
    if interfaces is not None and _AUDIO_PLAYER in interfaces:
        audio_player = f"{manifest} declares {_AUDIO_PLAYER}"
    try:
        if from_file:
            try:
                model = InteractionModel.from_json(data, source=source)
            except InteractionModelError as exc:
                if _shaped_as_model(data):
                    raise  # a model with errors: reported below, status 1
                # A list, a manifest: no model at all, a mistake in the command (status 2, in
                # the words of `understand --model`).
                raise UsageError("; ".join(exc.problems)) from None
            if invocation is not None:
                model = dataclasses.replace(model, invocation=invocation)
        else:
            skill = load_skill(args.app)
            found += [("warning", warning) for warning in model_warnings(skill)]
            # A built-in intent's slots and a sample naming a slot twice are found in the
            # model, by check_model.
            found += [
                ("warning", w)
                for w in slot_warnings(skill, builtin_slots=False, repeated_slots=False)
            ]
            found += [("warning", w) for w in prompt_translation_warnings(skill, locale)]
            found += _audio_player_findings(skill, manifest, interfaces)
            found += _help_findings(skill)
            signs = audio_player_signs(kind for kind, _ in skill.registry.handlers)
            if signs and audio_player is None:
                audio_player = f"it handles {', '.join(signs)}"
            skill_id = min(skill.skill_ids) if skill.skill_ids else skill_id
            model = model_from_skill(skill, locale=locale, invocation=invocation)
    except InteractionModelError as exc:
        found += [("error", problem) for problem in exc.problems]
    else:
        try:
            findings = check_model(
                model,
                locale=locale,
                skill_id=skill_id,
                invocation=from_file or invocation is not None,
                audio_player=audio_player,
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


def _shaped_as_model(data: object) -> bool:
    """Whether ``data`` is shaped as an ASK CLI model file (an object with an
    ``interactionModel.languageModel`` object, or that object alone) rather than some other JSON,
    which is a mistake in the command, not a model with errors."""
    root = data.get("interactionModel", data) if isinstance(data, dict) else None
    language = root.get("languageModel") if isinstance(root, dict) else None
    if language is None and isinstance(root, dict) and "intents" in root:
        language = root
    return isinstance(language, dict)


_AUDIO_PLAYER = "AUDIO_PLAYER"
_HELP = "AMAZON.HelpIntent"
_MANIFEST = "skill-package/skill.json"


def _package_manifest(model_file: Path) -> str | None:
    """The ASK CLI's manifest beside a model file in its layout, if there is one:
    ``skill-package/skill.json`` for ``skill-package/interactionModels/custom/en-US.json``."""
    folders = model_file.parent
    if folders.name != "custom" or folders.parent.name != "interactionModels":
        return None
    found = folders.parent.parent / "skill.json"
    return str(found) if found.is_file() else None


def _manifest_interfaces(path: str, *, given: bool) -> set[str]:
    """The interfaces a skill manifest (the ASK CLI's ``skill.json``) declares for its custom
    model: the ``type`` of each of ``manifest.apis.custom.interfaces``. A mistake in it is
    said of ``--manifest PATH`` when the option was ``given``, else of the path alone: the
    user named no option for a manifest found beside the model file (`_package_manifest`)."""
    label = f"--manifest {shown(path)}" if given else shown(path)
    text = file_text(path, label=label, what="a skill manifest")
    custom: object = one_json(text, label, extra=lambda exc: None)
    for key in ("manifest", "apis", "custom"):
        custom = custom.get(key) if isinstance(custom, dict) else None
    if not isinstance(custom, dict):
        raise UsageError(f"{label}: not a skill manifest (no manifest.apis.custom)")
    interfaces = custom.get("interfaces", [])
    if not isinstance(interfaces, list):
        raise UsageError(f"{label}: manifest.apis.custom.interfaces is not a list")
    return {
        item["type"]
        for item in interfaces
        if isinstance(item, dict) and isinstance(item.get("type"), str)
    }


def _help_findings(skill: Skill) -> list[tuple[str, str]]:
    """Whether anything answers AMAZON.HelpIntent: Amazon's certification asks every skill for
    help (its "Voice Interface and User Experience Testing", "Providing help"). A finding of the
    check, not a start-up warning. Stop and Cancel need none: unhandled, they end the session
    (`alexaskill.leaving`)."""
    handlers = skill.registry.handlers
    if ("IntentRequest", _HELP) in handlers or ("IntentRequest", None) in handlers:
        return []
    if skill.registry.fallback is not None:
        return []  # (it answers help: whether it says what the skill does is the author's call)
    return [
        (
            "warning",
            f"no handler answers {_HELP}: users who ask for help hear {UNHANDLED!r}, and "
            "Amazon's certification requires a help answer that says what the skill does; add "
            f'@skill.intent("{_HELP}")',
        )
    ]


def _audio_player_findings(
    skill: Skill, manifest: str | None, interfaces: set[str] | None
) -> list[tuple[str, str]]:
    """Whether the manifest declares the AudioPlayer interface that the skill's handlers use
    (Amazon's "AudioPlayer Interface Reference": a skill using it declares it)."""
    from ..builtin_intents import audio_player_signs
    from ..interaction.start_warnings import audio_player_use

    signs = audio_player_signs(kind for kind, _ in skill.registry.handlers)
    if not signs:
        return []
    use = audio_player_use(signs)
    declaration = f'{{"type": "{_AUDIO_PLAYER}"}}'
    if interfaces is None:
        return [
            (
                "warning",
                f"{use}: its manifest ({_MANIFEST}, which alexaskill does not write) must "
                f"declare it, manifest.apis.custom.interfaces: [{declaration}]; check it with "
                f"--manifest {_MANIFEST}",
            )
        ]
    if _AUDIO_PLAYER not in interfaces:
        return [
            (
                "error",
                f"{use}, but {manifest} does not declare it: add {declaration} to "
                "manifest.apis.custom.interfaces",
            )
        ]
    return []


def _invocations(values: list[str] | None) -> tuple[str | None, dict[str, str]]:
    """``--invocation`` values: one name for every locale, and ``LOCALE=NAME`` for one."""
    from ..locales import is_locale

    common: str | None = None
    by_locale: dict[str, str] = {}
    for value in values or ():
        locale, equals, name = value.partition("=")
        if equals and is_locale(locale.strip()):
            previous = by_locale.setdefault(locale.strip(), name.strip())
            if previous != name.strip():  # the last one silently won
                raise UsageError(
                    f"two invocation names for {locale.strip()}, {previous!r} and "
                    f"{name.strip()!r}: give one"
                )
        elif equals and is_locale(fixed := _locale_case(locale.strip())):
            # Else the whole value was taken for a name, refused for its '-' and '='.
            raise UsageError(f"--invocation {value}: the locale is written {fixed}")
        elif common is not None:
            raise UsageError(
                f"two invocation names, {common!r} and {value!r}: give one, or one per locale "
                'as --invocation de-DE="wetter helfer"'
            )
        else:
            common = value
    return common, by_locale


def _locale_case(text: str) -> str:
    """``text`` as a locale is written: ``en-us`` is ``en-US``."""
    language, dash, region = text.replace("_", "-").partition("-")
    return f"{language.lower()}{dash}{region.upper()}"


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..interaction import (
        InteractionModelError,
        build_interaction_model,
        declared_locales,
        default_locale,
        invocation_name_warnings,
        locale_warnings,
        model_warnings,
    )
    from ..understanding import locale_of_file

    if args.check:
        if args.all_locales or args.output_dir or args.output:
            raise UsageError(
                "--check writes no file and takes one --locale (not --output, --output-dir or "
                "--all-locales)"
            )
        return _check(args, out, err)
    if is_model_file(args.app):
        raise UsageError(f"{shown(args.app)} is a model file: give it with --check, or name an APP")
    if args.manifest:
        raise UsageError("--manifest is read with --check only (alexaskill does not write it)")
    if args.all_locales and args.locale:
        raise UsageError("--all-locales or --locale, not both")
    if args.all_locales and not args.output_dir:
        raise UsageError(
            "--all-locales writes one file per locale: add --output-dir "
            "skill-package/interactionModels/custom"
        )
    for option, value in (("--output", args.output), ("--output-dir", args.output_dir)):
        if value is not None and not value.strip():
            what = "a directory" if option == "--output-dir" else "a file"
            raise UsageError(f"{option} is empty: name {what}, or leave it out for stdout")
    if args.output and args.output_dir:
        raise UsageError("--output or --output-dir, not both")
    common, by_locale = _invocations(args.invocation)
    # APP first: a misspelt APP is the thing to fix, not the invocation name that comes after
    skill = load_skill(args.app)
    all_locales = declared_locales(skill) if args.all_locales else ()
    locales = all_locales or (args.locale or default_locale(skill),)
    check_output(args.output, locales[0])
    named = None if args.output in (None, "-") else locale_of_file(args.output)
    if named is not None and named != locales[0]:  # (the ASK CLI deploys it as that locale's)
        raise UsageError(
            f"--output {shown(args.output)} is named for {named}, not {locales[0]} (the locale of "
            f"the model): name the file {locales[0]}.json, or give --locale {named}"
        )
    if common is None:  # a locale left without a name keeps its model file's, if there is one
        from .model_invocation import known_invocations, taken_from

        known = known_invocations(
            [locale for locale in locales if locale not in by_locale],
            output=args.output,
            output_dir=args.output_dir,
        )
        for locale, (name, path) in known.items():
            by_locale[locale] = name
            err.write(shown_error(taken_from(locale, name, path)))
    if common is None and not by_locale:  # (a name suggested as each locale's rules take it)
        suggested, not_the_module_s = suggested_invocation(args.app, locales)
        why = f"; {not_the_module_s}" if not_the_module_s else ""
        raise UsageError(f'the invocation name is missing: add --invocation "{suggested}"{why}')
    if args.all_locales:
        for extra in sorted(set(by_locale) - set(locales)):
            err.write(
                f"alexaskill model: warning: --invocation {extra}=... names a locale the skill "
                f"declares nothing for (its locales: {', '.join(locales)}), so no {extra}.json "
                "is written\n"
            )
    from ..interaction.slot_warnings import prompt_translation_warnings, slot_warnings

    for warning in model_warnings(skill) + slot_warnings(skill):
        err.write(shown_error(f"alexaskill model: warning: {warning}\n"))
    texts: dict[str, str] = {}
    failed = False
    for locale in locales:
        # With several locales, each message says which one it is about.
        prefix = f"{locale}: " if len(locales) > 1 else ""
        invocation = by_locale.get(locale, common)
        if invocation is None:
            others = sorted(set(by_locale) - set(locales))  # a typing mistake, or --locale's
            given = f" (--invocation gives {', '.join(others)}'s only)" if others else ""
            err.write(
                f"alexaskill model: error: {prefix}no invocation name for {locale}{given}: add "
                f'--invocation {locale}="..." (or one --invocation for every locale)\n'
            )
            failed = True
            continue
        try:
            model = build_interaction_model(skill, locale=locale, invocation=invocation)
        except InteractionModelError as exc:
            for problem in exc.problems:
                err.write(shown_error(f"alexaskill model: error: {prefix}{problem}\n"))
            failed = True
            continue
        warnings = invocation_name_warnings(invocation, locale) + locale_warnings(skill, locale)
        warnings += prompt_translation_warnings(skill, locale)
        for warning in warnings:
            err.write(shown_error(f"alexaskill model: warning: {prefix}{warning}\n"))
        # (DEL and C1 as JSON escapes: to a terminal, or in a file one shows there later)
        texts[locale] = terminal_safe_json(json.dumps(model, indent=2, ensure_ascii=False)) + "\n"
    if failed:
        return 2  # nothing written: every locale's model is made, or none
    if args.output_dir:
        outputs = {locale: Path(args.output_dir) / f"{locale}.json" for locale in texts}
    elif args.output and args.output != "-":  # (-: standard output, as replay reads it)
        outputs = {locales[0]: Path(args.output)}
    else:
        out.write(texts[locales[0]])
        return 0
    write_all({outputs[locale]: texts[locale] for locale in outputs})
    for output in outputs.values():
        # (whole, not `shown`: a report of the file written, its name to open or copy)
        err.write(shown_error(f"wrote {output}\n"))
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
            "examples:\n"
            '  alexaskill model examples.weather.app:skill --invocation "weather helper" \\\n'
            "      --output skill-package/interactionModels/custom/en-US.json\n"
            "  alexaskill model examples.weather.app:skill --all-locales \\\n"
            '      --invocation en-US="weather helper" --invocation de-DE="wetter helfer" \\\n'
            "      --output-dir skill-package/interactionModels/custom"
        ),
        formatter_class=formatter,
    )
    command.add_argument(
        "app",
        type=MODEL,
        metavar="APP",
        help=APP_HELP + " (with --check, also an ASK CLI model file)",
    )
    command.add_argument(
        "--locale",
        type=alexa_locale,
        help="the model's locale (default: the skill's default locale, en-US)",
    )
    command.add_argument(
        "--all-locales",
        action="store_true",
        help="every locale the skill declares (in utterances, slot values and catalogs), one "
        "file each in --output-dir",
    )
    command.add_argument(
        "--invocation",
        action="append",
        type=given_invocation,
        metavar="NAME",
        help="the name users say to open the skill, lower case (--invocation \"<your skill's "
        'invocation name>"); LOCALE=NAME for one locale (de-DE="<its German name>"); repeat '
        "for several (default: the invocationName of the model file being replaced, else of "
        "skill-package/interactionModels/custom/LOCALE.json)",
    )
    command.add_argument(
        "--check",
        action="store_true",
        help="list what Amazon's build would refuse and the conflicts it lets pass (samples "
        "in two intents or understood as another intent, values shared by two slot types of "
        "one intent); exit status 1 on errors, 2 for a model file that is missing, not "
        "JSON or no model (a JSON list, a manifest)",
    )
    command.add_argument(
        "--manifest",
        type=MANIFEST_FILE,
        metavar="FILE",
        help="with --check: the skill's manifest (the ASK CLI's skill-package/skill.json, found "
        "beside a model file in that layout), to check the interfaces it declares: a skill "
        "handling AudioPlayer or PlaybackController requests declares AUDIO_PLAYER, and its "
        "model then needs AMAZON.PauseIntent and AMAZON.ResumeIntent",
    )
    command.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE, not stdout (its folders are made; -: stdout)",
    )
    command.add_argument(
        "--output-dir", metavar="DIR", help="write DIR/LOCALE.json (the folders are made)"
    )

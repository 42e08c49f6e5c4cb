"""What every command shares: finding the skill, usage errors, option helpers."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib
import importlib.util
import logging
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .. import json_once
from ..articles import type_with_article
from ..json_once import too_large
from ..shown_names import not_there, shown, shown_value

# The --url helpers, still importable from here (`alexaskill.cli.url_answers` holds them).
from .url_answers import dev_key_advice as dev_key_advice
from .url_answers import is_local_url as is_local_url
from .url_answers import refused_dev_key as refused_dev_key
from .url_answers import unreachable as unreachable

if TYPE_CHECKING:
    import ssl

    from ..app import Skill
    from ..understanding import InteractionModel, Understander

logger = logging.getLogger("alexaskill")

APP_HELP: Final = "the skill: module:attribute (e.g. app:skill) or path/to/app.py:attribute"


class UsageError(Exception):
    """A mistake in how the command was called: reported in one line, exit status 2."""


def check_proxies() -> None:
    """A proxy of the environment httpx cannot use (a SOCKS one without socksio) said as a
    `UsageError`, in one line, before a command makes its HTTP client: not httpx's ImportError
    with a traceback."""
    from ..exceptions import ConfigurationError
    from ..outgoing_proxies import check_outgoing_proxies

    try:
        check_outgoing_proxies()
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def client_tls() -> ssl.SSLContext:
    """The TLS context of a command's HTTPS client (the process's: httpx's defaults), a CA
    bundle it cannot read said as a `UsageError` naming the file, in one line: not ssl's
    FileNotFoundError, which names none, with httpx's traceback."""
    from ..exceptions import ConfigurationError
    from ..tls import tls_context

    try:
        return tls_context()
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


#: The most bytes a command reads of a file it is given (a request, a manifest, ``--alexa-api``)
#: or of standard input: the cap of every reader of such files (`json_once.MAX_INPUT_BYTES`).
#: A module variable its readers look up when they read, which a test may lower.
MAX_INPUT_BYTES: int = json_once.MAX_INPUT_BYTES


def read_input(path: str, *, label: str, what: str) -> bytes:
    """The bytes of the file at ``path``, at most `MAX_INPUT_BYTES`; `UsageError` (its message
    starting with ``label``) for a file that is missing, unreadable or larger than that, which
    is too large for ``what`` ("a request file")."""
    limit = MAX_INPUT_BYTES
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except FileNotFoundError:
        pasted = path.lstrip()[:1] in ("{", "[")  # (an envelope pasted where a name goes)
        hint = "; this is JSON text, not a file name: give it on standard input (-)"
        raise UsageError(f"{label}: no such file{hint if pasted else ''}") from None
    except IsADirectoryError:
        raise UsageError(f"{label}: is a directory") from None
    except OSError as exc:
        raise UsageError(f"{label}: {exc.strerror or exc}") from None
    except ValueError:  # (open()'s "embedded null byte": from Python, no shell passes one)
        said = label.replace("\0", "\\0")  # (the NUL written as Python writes it)
        raise UsageError(f"{said}: a file name holds no NUL character") from None
    if len(data) > limit:
        raise UsageError(too_large(label, limit, what))
    return data


def no_file(path: str, option: str | None = None) -> UsageError:
    """The error for ``path``, named by the user (after ``option``: "--replay"), that names
    nothing: "[OPTION ]PATH: no such file", or why the system cannot look the name up ("File
    name too long"), the path `shown` (a long one cut): `shown_names.not_there`."""
    named = shown(path) if option is None else f"{option} {shown(path)}"
    return UsageError(f"{named}: {not_there(path)}")


# --- finding the skill -------------------------------------------------------------------------


def load_skill(spec: str) -> Skill:
    """The `Skill` named by ``module:attribute`` or ``path/to/file.py:attribute``."""
    from ..app import Skill

    value = load_object(spec)
    if isinstance(value, type) and issubclass(value, Skill):  # (as serve says it)
        from .serve_app import skill_class_problem

        raise UsageError(skill_class_problem(spec))
    if not isinstance(value, Skill):
        raise UsageError(
            f"{shown(spec)} is not an alexaskill Skill (it is {type_with_article(value)}): name "
            "the Skill object, as in app:skill"
        )
    return value


def load_app(spec: str) -> Any:
    """The ASGI app named by ``spec``: a `Skill`, or an app serving skills (Starlette, …)."""
    value = load_object(spec)
    if not callable(value):
        raise UsageError(
            f"{shown(spec)} is not an ASGI app (it is {type_with_article(value)}): name a Skill, "
            "or the Starlette or FastAPI app that mounts skills"
        )
    return value


def skills_in(app: Any) -> list[Skill]:
    """The skills ``app`` serves: itself, or those its routes mount (at any depth)."""
    from ..served import served_skills

    return [skill for _, skill in served_skills(app)]


def load_object(spec: str) -> Any:
    """What ``module:attribute`` or ``path/to/file.py:attribute`` names."""
    from ..app import Skill

    target, colon, attribute = spec.rpartition(":")
    pathlike = spec.endswith(".py") or "/" in spec or os.sep in spec  # a path, no module:
    if not colon and pathlike and not os.path.exists(spec):  # not "did you mean …", "expected …"
        raise no_file(spec)
    if not colon or not target or not attribute:
        raise UsageError(
            f"APP {shown(spec, quoted=True)}: expected module:attribute, e.g. app:skill, or "
            "path/to/app.py:skill" + _meant(spec)
        )
    if target.endswith(".py") or "/" in target or os.sep in target:
        module, name = _import_file(target, attribute), shown(target)
    else:
        module, name = _import_module(target), shown(target)
    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            from .shadowing import stdlib_named

            if value is module and (shadowed := stdlib_named(module, target, attribute)):
                raise UsageError(shadowed) from None  # (a random.py: Python's random came)
            skills = sorted(key for key, item in vars(module).items() if isinstance(item, Skill))
            hint = (
                f"its Skill objects: {', '.join(skills)}"
                if skills
                else "it defines no Skill object at module level"
            )
            raise UsageError(
                f"{name} has no attribute {shown(attribute, quoted=True)} ({hint})"
            ) from None
        except (Exception, SystemExit) as exc:  # (a module __getattr__ making the skill)
            raise UsageError(_import_failure(name, exc)) from None
    return value


def _meant(spec: str) -> str:
    """What a colonless APP meant: app.skill → app:skill, pkg.app (pkg/app.py) → pkg.app:skill,
    pkg (pkg/__init__.py) → pkg:skill."""
    if ":" in spec:
        return ""
    if (
        spec.endswith(".py")
        or os.path.isfile(spec.replace(".", os.sep) + ".py")
        or module_here(spec)  # (a package too)
    ):
        return f"; did you mean {shown(f'{spec}:skill')}?"
    module, dot, attribute = spec.rpartition(".")
    if dot and module and attribute.isidentifier():
        return f"; did you mean {shown(f'{module}:{attribute}')}?"
    return ""


def _import_module(name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(
                f"no module named {shown(name, quoted=True)} in {cwd} or the installed packages: "
                "run the command from the directory that holds it, or name the file: "
                "path/to/app.py:skill"
            ) from None
        raise UsageError(_import_failure(shown(name), exc)) from None
    except (Exception, SystemExit) as exc:  # (a module that ends the process: see below)
        raise UsageError(_import_failure(shown(name), exc)) from None


def _import_file(path: str, attribute: str) -> Any:
    file = Path(path)
    if os.path.isdir(file):  # (os.path's: see `no_file`)
        example = shown(f"{path.rstrip('/' + os.sep)}/app.py:{attribute}")
        raise UsageError(
            f"APP {shown(f'{path}:{attribute}', quoted=True)}: {shown(path)} is a directory: name "
            f"the Python file in it, as in {example}"
        )
    if not os.path.isfile(file):
        raise no_file(path)
    from ..handler_signature import APP_FILE_MODULE  # (its handlers are named by the file)

    name = file.stem if file.stem.isidentifier() else APP_FILE_MODULE
    if name in sys.modules:
        name = f"{APP_FILE_MODULE}_{name}"
    # Sibling modules are importable from it, as when Python runs the file as a script.
    directory = str(file.resolve().parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"{shown(path)}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        del sys.modules[name]
        raise UsageError(_import_failure(shown(path), exc)) from None
    return module


def _import_failure(name: str, exc: BaseException) -> str:
    # A module that calls sys.exit() as it is imported (a missing setting, a script's
    # argparse): the command's own exit status and message, not the module's status (1 reads
    # as "a request failed") and its bare message.
    if isinstance(exc, (ImportError, AttributeError)):  # (an http.py of the directory, say)
        from .shadowing import shadowing_problem

        if shadowed := shadowing_problem(exc):
            return f"importing {name} failed: {shadowed}"
    said = f"it called sys.exit({shown_value(exc.code)})" if isinstance(exc, SystemExit) else None
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" ({shown(exc.filename)}:{exc.lineno})"
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        # The app's line, not alexaskill's: a registration refused (ConfigurationError) is
        # raised deep in alexaskill, from the decorator the app's line calls.
        theirs = [frame for frame in frames if not in_alexaskill(frame.filename)]
        if frames:
            frame = (theirs or frames)[-1]
            where = f" ({shown(frame.filename)}:{frame.lineno})"
    return f"importing {name} failed: {said or f'{type(exc).__name__}: {exc}'}{where}"


def in_alexaskill(filename: str) -> bool:
    """Whether ``filename`` is one of alexaskill's own modules."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.abspath(filename).startswith(package + os.sep)


def alexa_locale(value: str) -> str:
    """``--locale``'s type: one of the locales Alexa supports, else a usage error that names the
    nearest (``en_GB``, ``en-UK``: en-GB)."""
    from ..locales import locale_problem

    problem = locale_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def help_text(*parts: str) -> str:
    # Prose is wrapped here; parts with line breaks of their own (examples) are kept as they are.
    return "\n\n".join(part if "\n" in part else textwrap.fill(part, 78) for part in parts)


def pairs(values: Sequence[str], option: str, form: str = "NAME=VALUE") -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name:
            raise UsageError(f"{option} {shown(value, quoted=True)}: expected {form}")
        pairs.append((name, text))
    return pairs


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def shown_speech(output: Any) -> str | None:
    """An ``outputSpeech`` as chat and replay show it: SSML as heard, with its pauses (as the
    simulator shows them: `alexaskill.hearing.spoken_text`), or the plain text; None if absent."""
    from ..hearing import spoken_text

    if not isinstance(output, dict):
        return None
    if output.get("type") == "SSML":  # (SSML that is no string, null say, has nothing to hear)
        ssml = output.get("ssml")
        return spoken_text(ssml, pauses=True) if isinstance(ssml, str) else None
    return None if output.get("text") is None else str(output["text"])


def stdin_not_text(exc: UnicodeDecodeError) -> UsageError:
    """The error for standard input its encoding cannot decode (strict decoding: UTF-8, say)."""
    import codecs

    encoding = "UTF-8" if codecs.lookup(exc.encoding).name == "utf-8" else exc.encoding
    return UsageError(f"standard input: not {encoding} text")


# --- interaction models (understand, chat, model --check) --------------------------------------


def is_model_file(spec: str) -> bool:
    """Whether MODEL names an interaction model file (or directory) rather than an APP (a
    package's directory is an APP without its ``:skill``)."""
    return spec.endswith(".json") or (  # (os.path's: see `no_file`)
        (os.path.isdir(spec) or (os.path.exists(spec) and ":" not in spec))
        and not module_here(spec)
    )


def module_here(name: str) -> bool:
    """Whether ``name`` (``sk``, ``pkg.app``) is no file but a module of the current directory
    (``sk.py``, ``pkg/__init__.py``): an APP given without its ``:skill``, read as a FILE. Only
    looked for, never imported (importing runs the module)."""
    if os.path.isfile(name) or not all(part.isidentifier() for part in name.split(".")):
        return False
    where = os.path.join(*name.split("."))  # (os.path's: see `no_file`)
    return os.path.isfile(where + ".py") or os.path.isfile(os.path.join(where, "__init__.py"))


def parse_now(text: str | None) -> datetime.datetime | None:
    """The user's local time from ``--now`` (ISO 8601), or None for the clock."""
    if text is None:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--now {shown(text, quoted=True)}: expected a date and time like 2026-11-29T12:00"
        ) from None


def user_time(
    now: datetime.datetime | None, time_zone: str | None, *, now_text: str | None, zone_option: str
) -> datetime.datetime:
    """``now`` (--now, read by `parse_now`, given as ``now_text``; None: the clock) on the
    device's clock: in ``time_zone``, else UTC (a device with none set), as the skill's
    `AlexaApi.now` reads it. A --now without a zone is that wall-clock time there. A zone that
    is none, or a moment past the calendar there, is a `UsageError` naming ``zone_option``."""
    from ..testing.requests import device_time

    try:
        return device_time(now, time_zone)
    except (ValueError, TypeError):  # (TypeError: a zone given as no string, 5 say)
        raise UsageError(f"{zone_option}: unknown time zone {shown_value(time_zone)}") from None
    except OverflowError:  # 9999-12-31T23:59-05:00, say
        raise UsageError(
            f"--now {shown(str(now_text), quoted=True)}: past the calendar once on the device's "
            f"clock ({time_zone or 'UTC'})"
        ) from None


def read_model_json(spec: str, *, locale: str) -> tuple[Any, str]:
    """The JSON of the model file MODEL names (a directory: its ``<locale>.json``), and the
    file's path: read as every command reads a file it is given, at most `MAX_INPUT_BYTES`
    (a log named by mistake is refused, not read whole); `UsageError` for a file that is
    missing, too large, not UTF-8 or not JSON, or gives a key twice in an object."""

    from ..understanding import locale_of_file
    from ..understanding.model_files import empty_model
    from .inputs import file_text, one_json  # (a file written by hand: a key twice is refused)

    path = Path(spec)
    # (os.path's: see `no_file`; a name too long is said unread below)
    if os.path.isdir(path):  # the ASK CLI's interactionModels/custom
        path = path / f"{locale}.json"
        if not path.is_file():
            raise UsageError(_missing_locale(spec, locale))
    named = locale_of_file(path)
    if named is not None and named.split("-")[0] != locale.split("-")[0]:
        # Another language's samples are never understood (nor checked by its rules); another
        # region's may be the skill's shared model: en-US.json for en-GB.
        raise UsageError(
            f"{shown(spec)} is the model of {named} (its name says so), not one for {locale}: "
            f"name the {locale} model file, or leave --locale out"
        )
    label = shown(str(path))
    text = file_text(str(path), label=label, what="an interaction model file")
    if not text.strip():  # (an empty file, /dev/null say, is said empty, not "not JSON")
        raise UsageError(empty_model(label))
    return one_json(text, label, extra=lambda exc: None), str(path)


def _missing_locale(directory: str, locale: str) -> str:
    from ..understanding import locale_of_file

    held = sorted(
        name for name in (locale_of_file(p) for p in Path(directory).glob("*.json")) if name
    )
    said = shown(directory)
    if not held:
        return f"{said}: no {locale}.json in it, nor any model file (LOCALE.json)"
    files = ", ".join(f"{name}.json" for name in held)
    return f"{said}: no {locale}.json in it (it holds {files}): choose one with --locale {held[0]}"


def _python_not_model(spec: str) -> UsageError:
    return UsageError(
        f"{shown(spec)} is Python, not a model file: name the skill in it, {shown(spec)}:skill"
    )


def model_source(spec: str, *, locale: str | None) -> tuple[str, Skill | None]:
    """The locale and the skill MODEL names, as `load_understanding_model` finds them, without
    building the model: for requests that need no understanding (a LaunchRequest)."""
    if spec.endswith(".py") and is_model_file(spec):
        raise _python_not_model(spec)
    if is_model_file(spec):
        from ..understanding import locale_of_file

        if not os.path.exists(spec):  # (as when the model is built: `read_input`)
            raise no_file(spec)
        chosen = locale or locale_of_file(spec) or "en-US"
        if Path(spec).is_dir() and not (Path(spec) / f"{chosen}.json").is_file():
            raise UsageError(_missing_locale(spec, chosen))  # (as when the model is built)
        return chosen, None
    return locale or "en-US", load_skill(spec)


def load_understanding_model(
    spec: str, *, locale: str | None, invocation: str | None, skill: Skill | None = None
) -> tuple[InteractionModel, str, Skill | None]:
    """The interaction model MODEL names (a file, or an APP's code), its locale, and the skill.

    The locale is ``locale``, else the file's name (``en-GB.json``), else en-US. ``skill``, the
    APP ``spec`` names loaded already, is used as it is: a file's module is not run again. An
    APP's invocation name is ``invocation``, else that of the project's model file
    (``skill-package/interactionModels/custom/LOCALE.json``), else none (any name is taken).
    """
    from ..exceptions import ConfigurationError
    from ..interaction import InteractionModelError
    from ..understanding import InteractionModel, locale_of_file, model_from_skill

    if spec.endswith(".py") and is_model_file(spec):
        raise _python_not_model(spec)
    try:
        if is_model_file(spec):
            chosen = locale or locale_of_file(spec) or "en-US"
            data, path = read_model_json(spec, locale=chosen)
            model = InteractionModel.from_json(data, source=path)
            if invocation is not None:
                model = dataclasses.replace(model, invocation=invocation)
            return model, chosen, None
        if skill is None:
            skill = load_skill(spec)
        chosen = locale or "en-US"
        if invocation is None:  # the project's model file's, as `alexaskill model` takes it
            from .model_invocation import known_invocations

            known = known_invocations([chosen], output=None, output_dir=None)
            invocation = known[chosen][0] if chosen in known else None
        return model_from_skill(skill, locale=chosen, invocation=invocation), chosen, skill
    except InteractionModelError as exc:
        raise UsageError("; ".join(exc.problems)) from None
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def make_understander(model: InteractionModel, locale: str, skill_id: str) -> Understander:
    """An `Understander`, with an unsupported locale reported as a usage error."""
    from ..exceptions import ConfigurationError
    from ..understanding import Understander

    try:
        return Understander(model, locale=locale, skill_id=skill_id)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None

"""The ``alexaskill`` command: replay sample requests, serve a skill, write requests and models.

    alexaskill replay APP FILE... [--json] [--keep-skill-id] [--url URL] [--locale L]
    alexaskill serve APP [--host H] [--port P] [--dev] [--reload]
    alexaskill request TYPE [--intent NAME] [--slot NAME=VALUE]... [--field NAME=VALUE]...
    alexaskill model APP --locale en-US --invocation "weather helper" [--output FILE]

``APP`` names the `Skill` object as ``module:attribute`` (imported with the current directory on
``sys.path``) or ``path/to/file.py:attribute``.

Exit status: 0 when all went well; 1 when a replayed request failed; 2 for a mistake in how the
command was called (a bad APP, a missing file, a server that is not running, ...), reported in
one line on stderr that says what to do, never with a traceback. A replayed request fails when
the answer is not HTTP 200 with a response envelope, and also when it is the framework's
apology ("Sorry, something went wrong..."): that answer means a handler raised, which is what
replaying sample requests is meant to catch (the handler's traceback is logged on stderr).

``serve --dev`` makes the skill trust, besides Amazon, a development signing PKI kept in
`dev_pki_directory` (made on first use), and ``replay --url`` signs with that PKI: a running
server can be tried with verification left on. The PKI's private keys sit in that directory, so
anyone who can read it can sign requests a ``--dev`` server accepts: never use ``--dev`` in
production.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import logging
import os
import sys
import textwrap
import traceback
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO
from urllib.parse import urlsplit

from .verify import Verifier

if TYPE_CHECKING:
    import httpx

    from .app import Skill
    from .testing import SkillResponse, TestPKI

__all__ = [
    "DEV_CERT_URL",
    "DEV_PKI_ENV",
    "UsageError",
    "dev_pki",
    "dev_pki_directory",
    "load_skill",
    "main",
    "serve_factory",
    "trust_dev_pki",
]

logger = logging.getLogger("alexaskill")

#: The environment variable naming the development PKI's directory (tests point it elsewhere).
DEV_PKI_ENV: Final = "ALEXASKILL_DEV_PKI_DIR"
#: The certificate URL requests signed with the development PKI carry. It passes Amazon's URL
#: rules, but a ``--dev`` server serves its chain from disk and never downloads it.
DEV_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/alexaskill-dev.pem"

# How `serve --reload` hands its options to the server process it starts.
_SERVE_APP_ENV: Final = "ALEXASKILL_SERVE_APP"
_SERVE_DEV_ENV: Final = "ALEXASKILL_SERVE_DEV"


class UsageError(Exception):
    """A mistake in how the command was called: reported in one line, exit status 2."""


# --- finding the skill -------------------------------------------------------------------------


def load_skill(spec: str) -> Skill:
    """The `Skill` named by ``module:attribute`` or ``path/to/file.py:attribute``."""
    from .app import Skill

    target, colon, attribute = spec.rpartition(":")
    if not colon or not target or not attribute:
        raise UsageError(
            f"APP {spec!r}: expected module:attribute, e.g. app:skill, or path/to/app.py:skill"
        )
    if target.endswith(".py") or "/" in target or os.sep in target:
        module, name = _import_file(target), target
    else:
        module, name = _import_module(target), target
    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            skills = sorted(key for key, item in vars(module).items() if isinstance(item, Skill))
            hint = (
                f"its Skill objects: {', '.join(skills)}"
                if skills
                else "it defines no Skill object at module level"
            )
            raise UsageError(f"{name} has no attribute {attribute!r} ({hint})") from None
    if not isinstance(value, Skill):
        raise UsageError(
            f"{spec} is not an alexaskill Skill (it is of type {type(value).__name__}): name "
            "the Skill object, as in app:skill"
        )
    return value


def _import_module(name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(
                f"no module named {name!r} in {cwd} or the installed packages: run the command "
                "from the directory that holds it, or name the file: path/to/app.py:skill"
            ) from None
        raise UsageError(_import_failure(name, exc)) from None
    except Exception as exc:
        raise UsageError(_import_failure(name, exc)) from None


def _import_file(path: str) -> Any:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    name = file.stem if file.stem.isidentifier() else "_alexaskill_app"
    if name in sys.modules:
        name = f"_alexaskill_app_{name}"
    # Sibling modules are importable from it, as when Python runs the file as a script.
    directory = str(file.resolve().parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise UsageError(_import_failure(path, exc)) from None
    return module


def _import_failure(name: str, exc: BaseException) -> str:
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" ({exc.filename}:{exc.lineno})"
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            where = f" ({frames[-1].filename}:{frames[-1].lineno})"
    return f"importing {name} failed: {type(exc).__name__}: {exc}{where}"


# --- the development PKI -----------------------------------------------------------------------


def dev_pki_directory() -> Path:
    """Where the development PKI lives: ``$ALEXASKILL_DEV_PKI_DIR``, else the per-user data
    directory (``$XDG_DATA_HOME/alexaskill/dev-pki``, ``~/.local/share/alexaskill/dev-pki``).
    """
    configured = os.environ.get(DEV_PKI_ENV)
    if configured:
        return Path(configured).expanduser()
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
    else:
        data = os.environ.get("XDG_DATA_HOME")
        base = Path(data) if data and os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / "alexaskill" / "dev-pki"


def dev_pki() -> TestPKI:
    """The development PKI, made on first use; `UsageError` if its directory is unusable."""
    from .testing import TestPKI

    directory = dev_pki_directory()
    try:
        return TestPKI.load_or_create(directory, cert_url=DEV_CERT_URL)
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"development PKI in {directory}: {exc} (set {DEV_PKI_ENV} to use another directory)"
        ) from None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class _DevVerifier(Verifier):
    """The skill's own verification, plus the development PKI for its own certificate URL."""

    def __init__(self, pki: TestPKI, amazon: Verifier | None) -> None:
        super().__init__()
        self.dev_url = pki.cert_url
        self.dev = pki.verifier()
        self.amazon = amazon

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Verify with the development PKI if the request names its chain, else as before."""
        if _header(headers, "signaturecertchainurl") == self.dev_url:
            await self.dev.verify(headers, body)
        elif self.amazon is not None:
            await self.amazon.verify(headers, body)
        else:
            await super().verify(headers, body)

    def use_http_client(self, client: httpx.AsyncClient | None) -> None:
        """Download Amazon's chains through ``client``."""
        super().use_http_client(client)
        if self.amazon is not None:
            self.amazon.use_http_client(client)

    async def aclose(self) -> None:
        """Close the HTTP clients the verifiers made."""
        await super().aclose()
        if self.amazon is not None:
            await self.amazon.aclose()


def trust_dev_pki(skill: Skill) -> TestPKI | None:
    """Make ``skill`` trust the development PKI as well as Amazon, loudly; the PKI."""
    if not skill.verify:
        logger.warning("this skill does not verify requests (Skill(verify=False)): --dev is moot")
        return None
    pki = dev_pki()
    skill.verifier = _DevVerifier(pki, skill.verifier)
    logger.warning(
        "--dev: request verification trusts the local development key in %s as well as Amazon. "
        "Never use --dev in production.",
        dev_pki_directory(),
    )
    return pki


# --- replay ------------------------------------------------------------------------------------


def _load_requests(files: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    from .testing import load_request

    loaded = []
    for name in files:
        try:
            loaded.append((name, load_request(name)))
        except FileNotFoundError:
            raise UsageError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise UsageError(f"{name}: is a directory; name the request files in it") from None
        except json.JSONDecodeError as exc:
            raise UsageError(f"{name}: not JSON (line {exc.lineno}: {exc.msg})") from None
        except UnicodeDecodeError:
            raise UsageError(f"{name}: not UTF-8 text") from None
        except (OSError, ValueError) as exc:
            raise UsageError(str(exc) if str(exc).startswith(name) else f"{name}: {exc}") from None
    return loaded


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url {url!r}: expected an http(s) URL, e.g. http://127.0.0.1:8000/")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise UsageError(f"--url {url!r}: the port is not a number from 0 to 65535") from None
    return url


def _label(envelope: Mapping[str, Any]) -> str:
    request = envelope["request"]
    label = str(request.get("type"))
    intent = request.get("intent")
    if isinstance(intent, dict) and intent.get("name"):
        label += f" {intent['name']}"
    return label


def _failure(result: SkillResponse) -> str | None:
    """Why ``result`` counts as a failed request, or None if it is a good answer."""
    from .app import APOLOGY

    if result.status_code != 200:
        reason = result.error or (json.dumps(result.json) if result.json is not None else "")
        return f"HTTP {result.status_code}" + (f": {reason}" if reason else "")
    if not isinstance(result.json, dict) or "response" not in result.json:
        return "the answer is not a response envelope"
    if result.speech == APOLOGY:
        return "the skill answered with the framework's apology: a handler raised (see the log)"
    return None


def _show(result: SkillResponse, out: TextIO) -> None:
    lines = []
    if result.speech is not None:
        lines.append(("speech", result.speech))
    if result.reprompt is not None:
        lines.append(("reprompt", result.reprompt))
    card = result.card
    if card is not None:
        text = card.get("content") or card.get("text") or ""
        title = card.get("title")
        shown = f"[{title}] {text}" if title else str(text)
        lines.append(("card", shown or str(card.get("type"))))
    if result.directives:
        lines.append(("directives", ", ".join(str(d.get("type")) for d in result.directives)))
    end = result.should_end_session
    if end is not None or lines:
        session = {
            True: "ends (shouldEndSession: true)",
            False: "stays open, microphone on (shouldEndSession: false)",
            None: "left to the device (no shouldEndSession)",
        }[end]
        lines.append(("session", session))
    if result.session_attributes:
        lines.append(("attributes", json.dumps(result.session_attributes, ensure_ascii=False)))
    if not lines:
        lines.append(("answer", "an empty response"))
    for key, value in lines:
        out.write(f"  {key + ':':<12}{value}\n")


def _send_local(
    skill: Skill, requests: list[tuple[str, dict[str, Any]]], args: argparse.Namespace
) -> Iterator[tuple[str, dict[str, Any], SkillResponse]]:
    with warnings.catch_warnings():
        # Starlette's test client prefers httpx2 (in alexaskill's test extra) and warns when it
        # falls back to httpx, a runtime dependency: either serves this command well.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        import starlette.testclient  # noqa: F401

    from .testing import TestClient

    with TestClient(skill, skill_id=args.skill_id) as client:
        for name, envelope in requests:
            result = client.replay(envelope, keep_skill_id=args.keep_skill_id, locale=args.locale)
            yield name, envelope, result


def _send_url(
    skill: Skill, requests: list[tuple[str, dict[str, Any]]], args: argparse.Namespace
) -> Iterator[tuple[str, dict[str, Any], SkillResponse]]:
    import httpx

    from .testing import DEFAULT_SKILL_ID, SkillResponse, refresh

    url = _check_url(args.url)
    pki = dev_pki()
    skill_id = args.skill_id or (min(skill.skill_ids) if skill.skill_ids else DEFAULT_SKILL_ID)
    with httpx.Client(timeout=httpx.Timeout(15.0)) as http:
        for name, envelope in requests:
            refresh(envelope, skill_id=None if args.keep_skill_id else skill_id, locale=args.locale)
            body = json.dumps(envelope, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", **pki.sign(body)}
            try:
                response = http.post(url, content=body, headers=headers)
            except httpx.ConnectError:
                raise UsageError(
                    f"cannot connect to {url}: is the server running? Start it with "
                    f"`alexaskill serve {args.app} --dev`"
                ) from None
            except httpx.HTTPError as exc:
                result = SkillResponse(0, {"error": f"{type(exc).__name__}: {exc}"})
            else:
                try:
                    payload = response.json()
                except ValueError:
                    payload = {"error": response.text[:200]} if response.text else None
                result = SkillResponse(response.status_code, payload)
            yield name, envelope, result


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    skill = load_skill(args.app)
    requests = _load_requests(args.files)
    if args.url is not None:
        _check_url(args.url)
    send = _send_url if args.url is not None else _send_local
    failed = 0
    with _log_to(err, logging.WARNING):
        for name, envelope, result in send(skill, requests, args):
            problem = _failure(result)
            failed += problem is not None
            if args.json:
                record = {"file": name, "status": result.status_code, "response": result.json}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                if problem is not None:
                    err.write(f"alexaskill replay: {name}: FAILED: {problem}\n")
                continue
            out.write(f"{name} ({_label(envelope)})\n")
            if problem is not None:
                out.write(f"  FAILED: {problem}\n")
            else:
                _show(result, out)
    if not args.json:
        total = len(requests)
        verdict = f"{failed} failed" if failed else "all answered"
        out.write(f"{total} request{'s' if total != 1 else ''}: {verdict}\n")
    return 1 if failed else 0


@contextlib.contextmanager
def _log_to(stream: TextIO, level: int) -> Iterator[None]:
    """Show the skill's log records of ``level`` and above on ``stream`` meanwhile."""
    handler = logging.StreamHandler(stream)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


# --- serve -------------------------------------------------------------------------------------


def _configure_server_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:     %(name)s: %(message)s")
    logger.setLevel(logging.INFO)


def serve_factory() -> Skill:
    """The app ``serve --reload`` runs in the server process uvicorn starts (and restarts)."""
    _configure_server_logging()
    skill = load_skill(os.environ[_SERVE_APP_ENV])
    if os.environ.get(_SERVE_DEV_ENV) == "1":
        trust_dev_pki(skill)
    return skill


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import uvicorn

    skill = load_skill(args.app)  # a mistake in APP is reported here, not by uvicorn
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": args.log_level}
    if args.reload:
        # uvicorn re-imports the app in each server process it starts: hand the options over
        # through the environment, which those processes inherit.
        os.environ[_SERVE_APP_ENV] = args.app
        os.environ[_SERVE_DEV_ENV] = "1" if args.dev else "0"
        uvicorn.run("alexaskill.cli:serve_factory", factory=True, reload=True, **options)
        return 0
    _configure_server_logging()
    if args.dev:
        trust_dev_pki(skill)
    uvicorn.run(skill, **options)
    return 0


# --- request and model -------------------------------------------------------------------------


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name:
            raise UsageError(f"{option} {value!r}: expected NAME=VALUE")
        pairs.append((name, text))
    return pairs


def _request(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .models import GenericRequest, request_class
    from .testing import DEFAULT_SKILL_ID, RequestFactory, intent_fields

    request_type: str = args.type
    fields: dict[str, Any] = {}
    for name, text in _pairs(args.field, "--field"):
        try:
            fields[name] = json.loads(text)
        except ValueError:
            fields[name] = text
    slots: dict[str, Any] = {}
    for name, value in _pairs(args.slot, "--slot"):
        # A slot named twice holds several values, as a multiple-value slot does.
        previous = slots.get(name)
        slots[name] = value if previous is None else [*_as_list(previous), value]
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


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _model(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .interaction import (
        InteractionModelError,
        build_interaction_model,
        invocation_name_warnings,
    )

    skill = load_skill(args.app)
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


# --- the command line --------------------------------------------------------------------------

_APP_HELP: Final = "the skill: module:attribute (e.g. app:skill) or path/to/app.py:attribute"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def _help(*parts: str) -> str:
    # Prose is wrapped here; parts with line breaks of their own (examples) are kept as they are.
    return "\n\n".join(part if "\n" in part else textwrap.fill(part, 78) for part in parts)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alexaskill`` command."""
    formatter = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(
        prog="alexaskill",
        description="Test, serve and describe an alexaskill skill.",
        epilog="Run `alexaskill COMMAND --help` for a command's options.",
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    replay = commands.add_parser(
        "replay",
        help="send sample request files to the skill and show its answers",
        description=_help(
            "Send each request FILE to the skill as Alexa would: with a fresh timestamp, "
            "signed, and with the application id set to the skill's own. By default the skill "
            "runs in this process; --url sends to a running `alexaskill serve --dev`."
        ),
        epilog=_help(
            "Exit status 1 if any request failed: an answer other than HTTP 200 with a "
            "response, or the framework's apology (a handler raised).",
            "example:\n"
            "  alexaskill replay examples.weather.app:skill examples/weather/requests/*.json",
        ),
        formatter_class=formatter,
    )
    replay.add_argument("app", metavar="APP", help=_APP_HELP)
    replay.add_argument("files", metavar="FILE", nargs="+", help="a request envelope (JSON)")
    replay.add_argument("--json", action="store_true", help="print one JSON line per request")
    replay.add_argument(
        "--keep-skill-id", action="store_true", help="send the application ids in the files"
    )
    replay.add_argument("--skill-id", help="the application id to send (default: the skill's)")
    replay.add_argument("--locale", help="replace each request's locale (e.g. en-GB)")
    replay.add_argument(
        "--url",
        help="send to the skill served at URL (signed with the development key that "
        "`alexaskill serve --dev` trusts) instead of running it here",
    )

    serve = commands.add_parser(
        "serve",
        help="run the skill under uvicorn",
        description=_help(
            "Run the skill under uvicorn. Requests are verified as Alexa signs them; with --dev "
            "the skill also trusts a local development key (made on first use in "
            f"${DEV_PKI_ENV}, else ~/.local/share/alexaskill/dev-pki), so that "
            "`alexaskill replay --url` can talk to it. Never use --dev in production."
        ),
        epilog=_help("example:\n  alexaskill serve examples.weather.app:skill --dev --port 8000"),
        formatter_class=formatter,
    )
    serve.add_argument("app", metavar="APP", help=_APP_HELP)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to bind (8000)")
    serve.add_argument("--dev", action="store_true", help="also trust the development key")
    serve.add_argument("--reload", action="store_true", help="restart when the code changes")
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level (info)",
    )

    request = commands.add_parser(
        "request",
        help="print a fresh, realistic request envelope",
        description=_help("Print a realistic request envelope of TYPE, to start a sample file."),
        epilog="examples:\n"
        "  alexaskill request LaunchRequest\n"
        "  alexaskill request IntentRequest --intent GetWeather --slot city=Paris "
        "--slot date=2026-11-27\n"
        "  alexaskill request SessionEndedRequest --field reason=ERROR",
        formatter_class=formatter,
    )
    request.add_argument("type", metavar="TYPE", help="the request type, e.g. IntentRequest")
    request.add_argument("--intent", help="the intent's name (IntentRequest)")
    request.add_argument(
        "--slot",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a slot value (repeat a name for a multiple-value slot)",
    )
    request.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another field of the request object (VALUE is JSON, or else a string)",
    )
    request.add_argument("--dialog-state", help="STARTED, IN_PROGRESS or COMPLETED")
    request.add_argument("--locale", default="en-US", help="the request's locale (en-US)")
    request.add_argument("--skill-id", help="the application id (a placeholder by default)")
    request.add_argument(
        "--interface",
        action="append",
        metavar="NAME",
        help="an interface the device supports: AudioPlayer (default), Display, "
        "Alexa.Presentation.APL, VideoApp; repeat for several",
    )

    model = commands.add_parser(
        "model",
        help="print the interaction model made from the skill's handlers",
        description=_help(
            "Print the interaction model (the ASK CLI's "
            "skill-package/interactionModels/custom/LOCALE.json) made from the skill's intent "
            "handlers: their sample utterances and slot types, the built-in intents every "
            "skill needs, and the custom slot types."
        ),
        epilog=_help(
            "example:\n"
            '  alexaskill model examples.weather.app:skill --invocation "weather helper" \\\n'
            "      --output skill-package/interactionModels/custom/en-US.json"
        ),
        formatter_class=formatter,
    )
    model.add_argument("app", metavar="APP", help=_APP_HELP)
    model.add_argument("--locale", default="en-US", help="the model's locale (en-US)")
    model.add_argument(
        "--invocation", required=True, help='the invocation name, e.g. "weather helper"'
    )
    model.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    return top


_COMMANDS: Final = {"replay": _replay, "serve": _serve, "request": _request, "model": _model}


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``alexaskill`` command with ``argv`` (default: ``sys.argv[1:]``); its exit status."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse has already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return _COMMANDS[args.command](args, out, err)
    except UsageError as exc:
        err.write(f"alexaskill {args.command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130

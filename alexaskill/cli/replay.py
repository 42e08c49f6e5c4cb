"""``alexaskill replay``: send sample request files to the skill and show its answers."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import os
import shlex
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from ..app import Skill
    from ..testing import SkillResponse

from .chat_log import TurnLog
from .common import (
    APP_HELP,
    UsageError,
    alexa_locale,
    check_proxies,
    dev_key_advice,
    help_text,
    load_skill,
    parse_now,
    user_time,
)
from .dev import local_pki
from .inputs import (
    ALEXA_API_FILE,
    REQUEST_FILE,
    alexa_api_reaches,
    fake_alexa_api,
    given_skill_id,
    hint_at_a_terminal,
)
from .replay_files import load_requests as _load_requests
from .replay_files import module_here
from .replay_show import show_answer, slot_notes
from .replay_slots import served_slot_lines
from .replay_url import check_url, send_url
from .request_origin import skill_id_for
from .skill_log import log_to
from .skill_use import running, started


def _label(envelope: Mapping[str, Any]) -> str:
    request = envelope["request"]
    kind = request.get("type")
    label = str(kind) if kind is not None else "no type"
    intent = request.get("intent")
    if isinstance(intent, dict) and intent.get("name"):
        label += f" {intent['name']}"
    return label


def _has_application(envelope: Mapping[str, Any]) -> bool:
    """Whether ``envelope`` has ``context.System.application``, where replay sets the skill's id
    (and in ``session.application``, if it has one): the id the skill checks first."""
    context = envelope.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    return isinstance(system, dict) and isinstance(system.get("application"), dict)


def _failure(result: SkillResponse) -> str | None:
    """Why ``result`` counts as a failed request, or None if it is a good answer."""
    if result.status_code == 0:  # no answer (--url): why, in the error
        return result.error or "no answer"
    if result.status_code != 200:
        reason = result.error or (json.dumps(result.json) if result.json is not None else "")
        return f"HTTP {result.status_code}" + (f": {reason}" if reason else "")
    if result.refusal is None and (
        not isinstance(result.json, dict) or "response" not in result.json
    ):
        return "the answer is not a response envelope"
    error = result.handler_error
    if error is not None:
        from ..handler_bugs import is_not_a_reply

        if is_not_a_reply(error):  # (returned, not raised; in the log in one line, no traceback)
            return f"{error}; Alexa would hear the apology"
        return (
            f"a handler raised {type(error).__name__}: {error} (its traceback is in the log); "
            "Alexa would hear the apology"
        )
    if result.refusal is not None:
        from ..ssml import PROBLEM_WITH_RESPONSE

        return (
            f"Alexa would refuse the answer ({result.refusal}): the user hears "
            f'"{PROBLEM_WITH_RESPONSE}"'
        )
    from ..messages import APOLOGY, TRANSLATIONS

    apologies = {APOLOGY, *(language[APOLOGY] for language in TRANSLATIONS.values())}
    if result.speech in apologies:  # from a server (--url), which keeps its exceptions
        return "the skill answered with the framework's apology: a handler raised (see its log)"
    return None


def _send_local(
    skill: Skill,
    requests: list[tuple[str, dict[str, Any]]],
    args: argparse.Namespace,
    sending: Callable[[], object],
) -> Iterator[tuple[str, dict[str, Any], SkillResponse]]:
    """Each of ``requests`` (its name, envelope), answered by ``skill`` here, with its answer;
    ``sending()`` called as each is sent, after the skill's start (`TurnLog.hold`)."""
    with warnings.catch_warnings():
        # Starlette's test client prefers httpx2 (in alexaskill's test extra) and warns when it
        # falls back to httpx, a runtime dependency: either serves this command well.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        import starlette.testclient  # noqa: F401

    from ..testing import TestClient
    from ..testing.sessions import FileSessions

    # A handler still running when the client closes was interrupted (Ctrl-C): its WARNING
    # says so, not a server's shutdown.
    api = fake_alexa_api(args.alexa_api)
    clock = _clock(args.now, api.time_zone)
    with running(skill, args.app or "APP"):  # (one command at a time: its client swaps)
        skill._cancelled_because = "Ctrl-C: the user interrupted replay, which shows no answer"
        try:
            client = TestClient(
                skill,
                skill_id=None if args.keep_skill_id else skill_id_for(args.skill_id, skill),
                api=api,
                raise_handler_errors=False,
                now=clock,
                pki=local_pki(clock),
            )
            with contextlib.ExitStack() as entered:
                # Its `__exit__` (told of an error as by `with`) pushed before the start: a
                # Ctrl-C landing as `started` returns left it open (one whose start failed has
                # closed itself, and its exit does nothing more).
                entered.push(client)
                started(client)
                sessions = FileSessions() if args.carry_session else None
                for name, envelope in requests:
                    if sessions is not None:
                        sessions.send_in(envelope)
                    sending()
                    answered = client.replay(
                        envelope, keep_skill_id=args.keep_skill_id, locale=args.locale
                    )
                    if sessions is not None:
                        sessions.answered(envelope, answered)
                    yield name, envelope, answered
        finally:
            vars(skill).pop("_cancelled_because", None)  # (the skill's own again)


def _clock(now_text: str | None, time_zone: str | None) -> Callable[[], datetime.datetime] | None:
    """The test client's clock for ``--now``, as `chat`'s: each request dated at that moment (in
    UTC), which the skill's `AlexaApi.now` and ``today`` read on the device's clock; a --now
    without a zone is that wall-clock time there. None (the real clock) without --now."""
    now = parse_now(now_text)
    if now is None:
        return None
    moment = user_time(now, time_zone, now_text=now_text, zone_option="--alexa-api")
    stamp = moment.astimezone(datetime.UTC)
    return lambda: stamp


def _app_and_files(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """APP (None: the skill of the server --url names) and the request FILEs. APP may be left
    out with --url, and argparse then gives the first of two FILEs as APP: a file is told from
    an APP by the ``:`` every APP has (``module:attribute``) or by being a file (not a ``.py``,
    an APP without its ``:``, which load_skill says so)."""
    app, files = args.app, list(args.files)
    # A request file (or -) where APP goes is the first FILE, kept for the error below to name:
    # "replay - launch.json" dropped the "-".
    if (
        app is not None
        and not app.endswith(".py")
        and ((args.url is not None and ":" not in app) or app == "-" or os.path.isfile(app))
    ):
        app, files = None, [app, *files]
    # (argparse gave the only argument, an APP or its .py, as the FILE: with --url too, where it was
    # then read as a request file that does not exist)
    alone = args.url is None or len(files) == 1
    an_app = files[0].endswith(".py") or (":" in files[0] and not os.path.exists(files[0]))
    if app is None and alone and an_app:
        raise UsageError(
            f"no request FILE after APP {files[0]}: name one or more (- reads them from "
            "standard input)"
        )
    if app is None and args.url is None:
        # (an APP named after the files: put first; a file that looks like an option is given
        # after --, as it was)
        apps = [name for name in files if ":" in name and not os.path.exists(name)]
        rest = [name for name in files if name not in apps[:1]]
        dashes = "-- " if any(name[:1] == "-" and name != "-" for name in rest) else ""
        example = f"alexaskill replay {shlex.quote(apps[0]) if apps else 'app:skill'} "
        if apps:
            raise UsageError(
                f"APP comes before the request FILEs: {example}{dashes}{shlex.join(rest)}"
            )
        modules = [name for name in files if module_here(name)]  # an APP without its :skill
        if modules:
            rest = [name for name in files if name != modules[0]]
            raise UsageError(
                f"{modules[0]} is no request file but a module here: name its skill, e.g. "
                f"alexaskill replay {modules[0]}:skill {dashes}{shlex.join(rest) or 'FILE...'}"
            )
        raise UsageError(
            "name the skill (APP FILE...) or a running server (--url URL FILE...), e.g. "
            f"{example}{dashes}{shlex.join(rest)}"
        )
    return app, files


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.skill_id is not None and args.keep_skill_id:  # (--skill-id was ignored)
        raise UsageError(
            "--skill-id and --keep-skill-id: choose one (--keep-skill-id sends the ids in the "
            "files, --skill-id this one)"
        )
    parse_now(args.now)  # (a mistake in it said before the skill is imported)
    if args.now is not None and args.url is not None:
        raise UsageError(
            "--now with --url: the server checks each request's timestamp against its own clock "
            "(a request dated elsewhere is refused, HTTP 400); replay the files in this process "
            "to date them at --now, or leave --now out"
        )
    args.app, args.files = _app_and_files(args)
    skill = None if args.app is None else load_skill(args.app)
    if "-" in args.files:
        hint_at_a_terminal(err, "replay", "request envelopes (JSON)")
    arguments = [] if args.app is None else [args.app]
    arguments += [] if args.url is None else ["--url", args.url]
    requests = _load_requests(args.files, shlex.join(arguments))
    if args.url is not None:
        check_url(args.url)
        check_proxies()  # (its client's)
        alexa_api_reaches(args.url, args.alexa_api)
    from ..log_values import printable  # (the slots' values: as the log escapes them)
    from .chat_show import terminal_safe, terminal_safe_json  # (shown, not acted on: \x1b)

    failed = violations = 0
    # The skill's lines logged as a file's request is answered are held, and written after the
    # file's line (`TurnLog`, as chat's turns): that line is written once the answer is in, and
    # with both streams to one pipe (2>&1) standard output is written in blocks. The skill's
    # start and shutdown, between files, are written as they come, standard output flushed first.
    log = TurnLog(out, err)
    with (
        contextlib.ExitStack() as ending,
        log_to(cast("TextIO", log), logging.WARNING),
        slot_notes() as notes,
    ):
        ending.callback(log.end)  # (a request's lines held when replay fails: written)
        sent = (
            send_url(skill, requests, args, log.hold)
            if args.url is not None or skill is None
            else _send_local(skill, requests, args, log.hold)
        )
        for name, envelope, result in sent:
            problem = _failure(result)
            advice = dev_key_advice(result.status_code, result.error, "replay", args.app)
            if problem is not None and args.url is not None and advice is not None:
                problem += f"; {advice}"
            if problem is not None and not args.keep_skill_id and not _has_application(envelope):
                kind = envelope["request"].get("type")
                problem += (
                    "; the file has no context.System.application, where Alexa's requests name "
                    "the skill and replay sets its id: `alexaskill request "
                    f"{kind if isinstance(kind, str) and kind else 'TYPE'}` writes a complete "
                    "request"
                )
            failed += problem is not None
            if problem is not None:
                problem = terminal_safe(problem)
            # Parts the app dropped for breaking Alexa's rules (a server's: those it sent).
            broken = [str(violation) for violation in result.violations]
            # The skill's INFO lines of values that did not convert; a server's (--url) told here.
            slots = notes.take() if args.url is None else served_slot_lines(skill, envelope, result)
            violations += len(broken)
            if args.json:
                record = {
                    "file": name,
                    "status": result.status_code,
                    "response": result.json,
                    "violations": broken,
                    "slots": slots,  # the values that did not convert (JSON escapes them)
                    # the directives for an interface the device lacks (`dropped:`, `device:`)
                    "unsupported": list(result.unsupported),
                    "alexa_api": [
                        {
                            "operation": c.operation,
                            "method": c.method,
                            "path": c.path,
                            "status": c.status,
                        }
                        for c in result.api_calls
                    ],
                }
                out.write(terminal_safe_json(json.dumps(record, ensure_ascii=False)) + "\n")
                log.end()  # (the skill's lines for the file, after its record)
                shown = printable(name)  # (the file's, as the other lines write it)
                # (through the log, which flushes standard output first: after the record)
                if problem is not None:
                    log.write(f"alexaskill replay: {shown}: FAILED: {problem}\n")
                for violation in broken:
                    log.write(
                        f"alexaskill replay: {shown}: violation: {terminal_safe(violation)}\n"
                    )
                continue
            out.write(f"{printable(name)} ({printable(_label(envelope))})\n")  # (the file's)
            log.end()  # (the skill's lines for the file, before its answer)
            if problem is not None:
                out.write(f"  FAILED: {problem}\n")
            else:
                show_answer(result, out, served=args.url is not None)
            out.writelines(f"  slot:       {printable(line)}\n" for line in slots)  # (the user's)
            for violation in broken:
                out.write(f"  violation:  {terminal_safe(violation)}\n")
    if not args.json:
        total = len(requests)
        verdict = f"{failed:,} failed" if failed else "all answered"
        if violations:
            verdict += f", {violations:,} rule violation{'s' if violations != 1 else ''}"
        out.write(f"{total:,} request{'s' if total != 1 else ''}: {verdict}\n")
    return 1 if failed or violations else 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    command = commands.add_parser(
        "replay",
        help="send sample request files to the skill and show its answers",
        description=help_text(
            "Send each request FILE to the skill as Alexa would: with a fresh timestamp (or "
            "--now's), signed, and with the application id set to the skill's own. By default "
            "the skill "
            "runs in this process; --url sends to a running `alexaskill serve --dev` (APP may then "
            "be left out).",
            "Alexa's service APIs (time zone, profile, reminders, progressive responses, ...) "
            "are answered by a fake that never reaches Amazon: in this process, or, with --url "
            "to a server on this machine, served on 127.0.0.1 and named as each request's "
            "apiEndpoint. Each call the skill makes is shown.",
        ),
        epilog=help_text(
            "Exit status 1 if any request failed: an answer other than HTTP 200 with a "
            "response, or a handler that raised (Alexa would hear the framework's apology); "
            "or if an answer broke one of Alexa's rules (the app dropped the part: a "
            "violation: line).",
            "examples:\n"
            "  alexaskill replay examples.weather.app:skill examples/weather/requests/*.json\n"
            "  alexaskill replay app:skill launch.json yes.json --carry-session\n"
            "  alexaskill replay --url http://127.0.0.1:8000/ examples/weather/requests/*.json",
        ),
        formatter_class=formatter,
    )
    # (Parsed intermixed, `alexaskill.cli._INTERMIXED`: the optional APP and the FILEs each
    # anywhere among the options, "--url URL APP FILE", "APP --url URL FILE".)
    command.add_argument("app", metavar="APP", nargs="?", help=APP_HELP + " (left out with --url)")
    command.add_argument(
        "files",
        type=REQUEST_FILE,
        metavar="FILE",
        nargs="+",
        help="a request envelope (JSON); - reads them from standard input",
    )
    command.add_argument("--json", action="store_true", help="print one JSON line per request")
    command.add_argument(
        "--keep-skill-id", action="store_true", help="send the application ids in the files"
    )
    command.add_argument(
        "--skill-id",
        type=given_skill_id,
        help="the application id to send (default: the skill's; with --url and no APP, the "
        "one the server's simulator names; else the first of ALEXASKILL_SKILL_ID, else a "
        "placeholder)",
    )
    command.add_argument(
        "--locale", type=alexa_locale, help="replace each request's locale (e.g. en-GB)"
    )
    command.add_argument(
        "--alexa-api",
        type=ALEXA_API_FILE,
        metavar="FILE",
        help="a JSON object of what Alexa's service APIs answer (FakeAlexaApi's fields: "
        '{"time_zone": "Europe/Paris", "given_name": "Ada", "permissions": [...]}); '
        "without it they answer as for a user who set nothing",
    )
    command.add_argument(
        "--now",
        metavar="DATETIME",
        help="the moment the requests are sent at, ISO 8601, as for `chat --now` (default: "
        "now): 2026-11-29T08:00 is that time on the device's clock (the --alexa-api "
        "time_zone, else UTC), 2026-11-29T08:00+01:00 or ...Z that moment. It dates each "
        "request (its timestamp) and is what 'today' means to the skill; not with --url, "
        "whose server checks the timestamps against its own clock",
    )
    command.add_argument(
        "--carry-session",
        action="store_true",
        help="send the FILEs as one conversation, as Alexa does: each request in the session "
        "the answer before it left open (its id, new: false, that answer's sessionAttributes), "
        "else in its file's own session; by default each goes in its file's session",
    )
    command.add_argument(
        "--url",
        help="send to the skill served at URL (signed with the development key that "
        "`alexaskill serve --dev` trusts) instead of running it here",
    )

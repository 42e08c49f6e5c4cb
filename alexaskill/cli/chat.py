"""``alexaskill chat``: talk to a skill in the terminal, Alexa's part played from its model.

Each line is something the user says. The line is understood with the skill's interaction model
(`alexaskill.understanding`), the request Alexa would send goes to the skill, signed (in this
process, or to a ``serve --dev`` server with ``--url``), and the turn is printed: what was
understood, what the skill said (speech, reprompt, card, directives), what Alexa's dialog
manager said, and the session. Lines starting with ``/`` are commands (``/help``). Standard input
may be a pipe: each line is echoed after ``>``, so the output reads as a transcript.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import logging
import sys
import warnings
from typing import TYPE_CHECKING, Any, TextIO, cast

from .chat_audio import AUTOMATIC, audio_option, device_reports, device_request, player_of
from .chat_audio import HELP as AUDIO_HELP
from .chat_commands import HELP, INTERRUPTED, command_mistake
from .chat_log import NotingTransport, TurnLog
from .chat_printing import ChatPrinting
from .chat_show import (
    TerminalSafe,
    row,
    said_lines,
    shown_line,
    stdin_encoding,
)
from .common import (
    UsageError,
    alexa_locale,
    help_text,
    load_understanding_model,
    make_understander,
    parse_now,
    user_time,
)
from .dev import local_pki
from .inputs import (
    ALEXA_API_FILE,
    MODEL_FILE,
    alexa_api_reaches,
    fake_alexa_api,
    given_invocation,
    given_skill_id,
)
from .replay_show import slot_notes
from .skill_log import log_to

if TYPE_CHECKING:
    from ..app import Skill
    from ..understanding import InteractionModel, Understander
    from ..understanding.dialog import Conversation


class _Chat(ChatPrinting):
    """The conversation, its transport, and the commands that change them."""

    def __init__(self, args: argparse.Namespace, out: TextIO, log: TurnLog | None = None) -> None:
        self.args = args
        self.out = out
        self.log = log
        self.show_json = args.json
        self.now = parse_now(args.now)
        if args.app is None and args.model is None and args.url is not None:
            raise UsageError(
                "--url alone gives no model to understand what is typed with: add the APP it "
                "serves, or --model FILE"
            )
        if args.app is None and args.model is None:
            raise UsageError("name the skill (APP) or its model (--model FILE)")
        if args.app is None and args.url is None:
            raise UsageError("--model alone has no skill to talk to: add the APP or --url URL")
        self.skill: Skill | None = None
        if args.app is not None:
            from .common import load_skill

            self.skill = load_skill(args.app)
        self.locale = args.locale
        #: The skill id a ``serve --dev`` server's simulator names (--url without APP).
        self._served_id: str | None = None
        self.model, self.locale = self._model(self.locale)
        self.client: Any = None
        self.transport: Any = None
        #: The skill held for this chat's time (`running`): its client is put on it.
        self._holding = contextlib.ExitStack()
        #: Alexa's service APIs, answered in this process (or served on 127.0.0.1 for --url).
        alexa_api_reaches(args.url, args.alexa_api)
        self.api = fake_alexa_api(args.alexa_api)
        #: How many of the fake's late progressive responses the chat has named.
        self._late_seen = self.api.late_count
        self.screen = args.device == "screen"
        try:
            self.conversation = self._conversation()
            #: The audio player's state last shown (a row when it changes), its streams
            #: started and stopped.
            self._player_shown = player_of(self._sender()).describe()
            self._starts = player_of(self._sender()).starts
            self._stops = player_of(self._sender()).stops
        except BaseException:  # (a Ctrl-C, say: no `close` after it, the skill would stay held)
            self.close()
            raise

    def _model(self, locale: str | None) -> tuple[InteractionModel, str]:
        if self.args.model is not None:
            spec, skill = self.args.model, None
        else:  # the APP's own model, from the skill the chat talks to
            spec, skill = self.args.app, self.skill
        model, chosen, _ = load_understanding_model(
            spec, locale=locale, invocation=self.args.invocation, skill=skill
        )
        return model, chosen

    def skill_id(self) -> str:
        """--skill-id, else the APP's own id; with --url and no APP, the one the server's
        simulator names; else ALEXASKILL_SKILL_ID's, else the placeholder (`skill_id_for`)."""
        from .request_origin import skill_id_for

        if not self.args.skill_id and self.skill is None and self.args.url is not None:
            if self._served_id is None:
                from .chat_http import served_skill_id

                self._served_id = served_skill_id(self.args.url) or skill_id_for(None)
            return self._served_id
        return skill_id_for(self.args.skill_id, self.skill)

    def _conversation(self, understander: Understander | None = None) -> Conversation:
        from ..testing import SCREEN, TestClient
        from ..testing.talking import ClientTransport
        from ..understanding.dialog import Conversation
        from .chat_http import SPEAKER, HttpTransport

        if understander is None:
            understander = make_understander(self.model, self.locale, self.skill_id())
        interfaces = SCREEN if self.screen else SPEAKER
        if self.args.url is not None:
            if self.transport is None:
                self.transport = HttpTransport(
                    self.args.url, self.skill_id(), self.locale, self.args.app or "APP", self.api
                )
            self.transport.factory.locale = self.locale
            self.transport.factory.interfaces = interfaces
            transport: Any = self.transport
        else:
            if self.client is None:
                assert self.skill is not None
                from .skill_use import running, started

                # (one command at a time: its client swaps the skill's verifier, as replay's)
                self._holding.enter_context(running(self.skill, self.args.app))
                clock = self._skill_clock()
                # A handler that raises is Alexa's spoken apology, not the end of the chat.
                client = TestClient(
                    self.skill,
                    skill_id=self.skill_id(),
                    api=self.api,
                    raise_handler_errors=False,
                    pki=local_pki(clock.get("now")),
                    **clock,
                )
                # Held before it starts: a Ctrl-C landing as `started` returns, before an
                # assignment after it, left it open (its lifespan, the verifier on the skill).
                # `__init__` closes it if this or a later step fails (`close`: one whose start
                # failed has closed itself, and its exit does nothing more).
                self.client = client
                started(client)
                self.skill._cancelled_because = INTERRUPTED  # (a server's: its shutting down)
            self.client.locale = self.locale
            self.client.interfaces = interfaces
            transport = ClientTransport(self.client)
        if self.log is not None:
            transport = NotingTransport(transport, self.log)
        return Conversation(
            understander, transport, now=self._user_time, screen=self.screen, name_required=True
        )

    def _user_time(self) -> datetime.datetime:
        """The user's date and time, what "today" means to Alexa: --now, else the clock, on the
        device's clock (in the --alexa-api time zone, else UTC), as the skill's `AlexaApi.now`
        reads it. A --now without a zone is that wall-clock time there."""
        return user_time(
            self.now, self.api.time_zone, now_text=self.args.now, zone_option="--alexa-api"
        )

    def _skill_clock(self) -> dict[str, Any]:
        """With --now, the TestClient's clock: the skill's requests are dated then, so that its
        `AlexaApi.now` and ``today`` in the device's time zone are --now (the client certifies
        its test keys at that time when it needs to)."""
        if self.now is None:
            return {}
        stamp = self._user_time().astimezone(datetime.UTC)
        return {"now": lambda: stamp}

    def _sender(self) -> Any:
        """What sends the requests: the in-process client, else the HTTP transport."""
        return self.client if self.client is not None else self.transport

    def close(self) -> None:
        try:
            if self.client is not None:
                try:
                    self.client.__exit__(None, None, None)
                finally:  # (a second Ctrl-C as it closes, too)
                    vars(self.skill).pop("_cancelled_because", None)  # (the skill's own again)
        finally:
            self._holding.close()  # (the skill another command may run now)
        if self.transport is not None:
            self.transport.close()

    # --- one line ---

    def line(self, text: str) -> bool:
        """Handle one line; False to stop."""
        if text.startswith("/"):
            return self.command(text[1:])
        if not text.strip():
            return True
        from ..understanding.compiled import MAX_TEXT

        if len(text) > MAX_TEXT:  # (as the simulator's page refuses it: no megabyte understood)
            self.out.write(
                f"  (the line is {len(text):,} characters, more than the {MAX_TEXT:,} a line "
                "said may have: nothing is sent to the skill)\n"
            )
            return True
        # Said outside a session, "pause" reaches the skill whose audio the player holds.
        player = player_of(self._sender())
        playing = "AudioPlayer" in self._sender().factory.interfaces
        self.conversation.player = player.context() if playing else None
        was_open = self.conversation.in_session  # (a name said in it leaves it: show)
        self.show(self.conversation.say(text), left_open=was_open)
        self._device_starts()
        return True

    def command(self, line: str) -> bool:
        """Run the command ``/LINE``; False to stop."""
        mistake = command_mistake(line)
        if mistake is not None:  # run only with the words it takes: none dropped unsaid
            self.out.write(f"  ({mistake})\n")
            return True
        words = line.split()
        name, rest = (words[0].lower(), words[1:]) if words else ("help", [])
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self.out.write(HELP.format(audio=AUDIO_HELP) + "\n")
        elif name == "launch":
            self.show(self.conversation.launch())
        elif name == "end":
            self.show(self.conversation.end())
        elif name == "silence":
            self.show(self.conversation.silence())
        elif name in ("audio", "button"):
            sent = device_request(self.client, self.transport, [name, *rest])
            if isinstance(sent, str):
                self.out.write(f"  ({sent})\n")
            elif sent is not None:  # (None: words it does not know, refused above)
                self.show_device_request(sent)
        elif name == "player":
            shown = player_of(self._sender()).describe()
            self._player_shown = shown
            row(self.out, "player", shown)
        elif name == "json":
            self.show_json = not self.show_json
            self.out.write(f"  (JSON {'on' if self.show_json else 'off'})\n")
        elif name == "device":
            self.screen = rest[0].lower() == "screen"
            self.forget_session()
            self.conversation = self._conversation()
            shown = "a device with a screen" if self.screen else "a speaker"
            self.out.write(f"  (now {shown}; a new session)\n")
        else:  # /locale LOCALE: one that cannot be spoken leaves the session as it was
            try:
                alexa_locale(rest[0])  # as --locale says it, before any model is built for it
                model, locale = self._model(rest[0])
                understander = make_understander(model, locale, self.skill_id())
            except (UsageError, argparse.ArgumentTypeError) as exc:
                self.out.write(f"  ({exc})\n")
            else:
                self.model, self.locale = model, locale
                self.forget_session()
                self.conversation = self._conversation(understander)
                self.out.write(f"  (now {self.locale}; a new session)\n")
        self._device_starts()
        return True

    def forget_session(self) -> None:
        """Forget the session (a new device or locale, a failed turn): the next request starts a
        new one, and a stream paused while Alexa listened in it plays, the session over."""
        self.conversation.new_session()
        player_of(self._sender()).session_ended()

    def _device_starts(self) -> None:
        """A device reports each stream a directive stops (PlaybackStopped) and each it starts
        (PlaybackStarted) unasked: so does chat, unless --audio-events manual leaves it to
        /audio."""
        player = player_of(self._sender())
        for _ in range(3):  # (the answer to one may stop the stream: a Stop for PlaybackStarted)
            counted = player.starts, player.stops
            if counted == (self._starts, self._stops):
                break
            sent = []
            if self.args.audio_events == "auto":
                sent = device_reports(self.client, self.transport, self._starts, self._stops)
            self._starts, self._stops = counted
            for reply in sent:
                self.show_device_request(reply, AUTOMATIC)


def _echoed(text: str) -> str:
    """``text``, a line piped in, as echoed: past `MAX_TEXT` characters, cut (`shown`)."""
    from ..shown_names import shown
    from ..understanding.compiled import MAX_TEXT

    return shown(text) if len(text) > MAX_TEXT else text


def _converse(
    chat: _Chat, args: argparse.Namespace, out: TextIO, interactive: bool, own: tuple[TextIO, ...]
) -> None:
    """Talk until the lines end or /quit, writing to ``out`` (a wrapper of ``own``, the
    command's streams, whose reader gone ends the chat, not one turn)."""
    from .inputs import shown_url
    from .streams import reader_gone

    where = shown_url(args.url) if args.url is not None else args.app
    device = "a device with a screen" if chat.screen else "a speaker"
    out.write(
        f"Talking to {where} ({chat.locale}, {device}). Type what you would say; "
        "/help lists commands.\n"
    )
    if args.url is not None and chat.now is not None:
        # A served skill checks each request's timestamp against its clock (a request dated
        # far from it is refused, 400): the requests carry the real time, not --now.
        moment = chat._user_time()
        out.write(
            f"  (--now with --url: what is said is understood at {moment:%Y-%m-%d %H:%M} "
            f"({chat.api.time_zone or 'UTC'}), but the requests carry the real time, which the "
            "server checks: the skill's AlexaApi.now() and today() are the real ones)\n"
        )
    for text in said_lines(interactive):
        if not interactive:  # (a line too long to send echoed cut: `_Chat.line` says so)
            out.write(f"> {shown_line(_echoed(text or ''))}\n")
        if text is None or shown_line(text) != text:  # bytes not text: no words to send
            name = stdin_encoding()
            out.write(f"  (the line is not {name} text: nothing is sent to the skill)\n")
            continue
        if chat.log is not None:
            chat.log.hold()  # (the skill's lines, shown in the turn: `TurnLog`)
        try:
            if not chat.line(text):
                break
        except UsageError:
            raise
        except Exception as exc:  # a broken transport, say: the chat goes on
            if reader_gone(exc, *own):  # (nobody to tell: main's quiet 141)
                raise
            if chat.log is not None:
                chat.log.end()  # (what the skill said before it failed comes first)
            out.write(f"  the turn failed: {type(exc).__name__}: {exc}\n")
            chat.forget_session()
        finally:
            if chat.log is not None:
                chat.log.end()
        out.flush()
    chat.late_notes()  # refused since the last turn: the user heard nothing of them either


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        import starlette.testclient  # noqa: F401

    # The skill's warnings (a handler's failure) go to stderr; set up before the skill
    # starts, so that its start-up does not configure the request line at INFO as a server's.
    # A traceback there, mostly alexaskill's frames, would break the conversation: said in
    # one line with the skill's line that raised, unless --traceback asks for it whole.
    log = TurnLog(out, err)
    with (
        log_to(cast("TextIO", log), logging.WARNING, tracebacks=args.traceback),
        slot_notes() as notes,
    ):
        interactive = sys.stdin is not None and sys.stdin.isatty() and out is sys.stdout
        # Said or answered, a control character is shown, not acted on by the terminal.
        shown = cast("TextIO", TerminalSafe(out))
        chat = _Chat(args, shown, log)
        chat.slot_notes = notes  # (the skill's lines of a slot value it could not take)
        try:
            _converse(chat, args, shown, interactive, (out, err))
        finally:
            chat.close()
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    command = commands.add_parser(
        "chat",
        help="talk to a skill in the terminal, as Alexa would",
        description=help_text(
            "Talk to the skill: each line is something a user says. It is understood with the "
            "skill's interaction model, sent as Alexa would send it (signed; dialogs run as "
            "Alexa runs them), and the skill's answer is shown. Lines starting with / are "
            "commands (/help). Input may be piped: one utterance per line.",
        ),
        epilog=help_text(
            "APP is module:attribute or path/to/app.py:attribute: the skill runs in this "
            "process. --url sends to a running `alexaskill serve APP --dev` instead. --model "
            "FILE uses an ASK CLI model file rather than the model built from the APP's code.",
            "examples:\n"
            '  alexaskill chat examples.weather.app:skill --invocation "weather helper"\n'
            "  printf 'open weather\\nweather in paris\\n' | alexaskill chat "
            "examples.weather.app:skill\n"
            "  alexaskill chat --url http://127.0.0.1:8000/ --model en-US.json",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("app", metavar="APP", nargs="?", help="the skill, run in this process")
    command.add_argument("--url", help="talk to the skill served at URL by `serve --dev`")
    command.add_argument(
        "--model",
        type=MODEL_FILE,
        metavar="FILE",
        help="an ASK CLI interaction model file (en-US.json), or the directory of them "
        "(interactionModels/custom: the --locale's file)",
    )
    command.add_argument(
        "--locale", type=alexa_locale, help="the locale (default: the model file's, else en-US)"
    )
    command.add_argument(
        "--invocation",
        type=given_invocation,
        metavar="NAME",
        help="the invocation name, quoted when of several words (--invocation \"<your skill's "
        'invocation name>"; a name of one word followed by a word with no ":" is refused as '
        "ambiguous: the rest of the name, or the APP?). Default: the model's; an APP's: the "
        "project's model file's, skill-package/interactionModels/custom/LOCALE.json, as "
        "`model` reads it",
    )
    command.add_argument(
        "--now",
        metavar="DATETIME",
        help="the time the user speaks at, ISO 8601 (default: now): 2026-11-29T08:00 is that "
        "time on the device's clock (the --alexa-api time_zone, else UTC), "
        "2026-11-29T08:00+01:00 or ...Z that moment. It is what 'today' means, and the "
        "requests' timestamp in this process; with --url they carry the real time, which the "
        "server checks",
    )
    command.add_argument(
        "--device", choices=("speaker", "screen"), default="speaker", help="the device"
    )
    command.add_argument(
        "--skill-id",
        type=given_skill_id,
        help="the application id (default: the APP's; with --url and no APP, the one the "
        "--dev server's simulator names; else the first of ALEXASKILL_SKILL_ID)",
    )
    command.add_argument("--json", action="store_true", help="show requests and answers as JSON")
    command.add_argument(
        "--traceback",
        action="store_true",
        help="show the whole traceback of a handler's failure (default: its exception and the "
        "line of the skill's code it was raised from)",
    )
    audio_option(command)
    command.add_argument(
        "--alexa-api",
        type=ALEXA_API_FILE,
        metavar="FILE",
        help="a JSON object of what Alexa's service APIs answer, as for `replay --alexa-api`",
    )

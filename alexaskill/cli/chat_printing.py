"""How `alexaskill chat` prints a turn: what was understood and sent, the skill's answer, Alexa's
prompts, the late progressive responses and the player's changes (a part of the chat)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from ..shown_names import shown, shown_count
from .chat_audio import player_of
from .chat_show import (
    NEW_SESSION_NOTE,
    answer_rows,
    failed_line,
    failure_reason,
    ignored_rows,
    json_block,
    lacking_rows,
    progressive_rows,
    repeated_failure,
    request_line,
    row,
    terminal_safe,
    understood_line,
)
from .common import dev_key_advice, shown_speech

if TYPE_CHECKING:
    import argparse

    from ..testing import FakeAlexaApi
    from ..understanding.dialog import Reply, Turn
    from .chat_log import TurnLog
    from .replay_show import SlotNotes

__all__ = ["ChatPrinting"]


class ChatPrinting:
    """`alexaskill chat`'s printing of turns and of the device's requests (a part of the chat)."""

    args: argparse.Namespace
    out: TextIO
    show_json: bool
    api: FakeAlexaApi
    _late_seen: int
    _player_shown: str
    #: The skill's log lines of a slot value it could not take, shown in the turn (`run`'s).
    slot_notes: SlotNotes | None = None
    #: The skill's log lines, held in a turn, written after the request they came with.
    log: TurnLog | None = None

    if TYPE_CHECKING:

        def _sender(self) -> Any:
            """What sends the requests: the in-process client, else the HTTP transport."""

    def show(self, turn: Turn, *, left_open: bool = False) -> None:
        out = self.out
        heard = understood_line(turn) if not turn.exchanges else ""
        if heard:
            out.write(f"  {heard}\n")
        for exchange in turn.exchanges:
            out.write(f"  {request_line(exchange.request, turn)}\n")
            if self.log is not None:
                self.log.release_request()
            if self.show_json:
                # The request object as sent (requestId, timestamp, locale added by the
                # client), which the chat's replies carry; else the one understood.
                sent = getattr(exchange.reply, "request", None)
                out.write(json_block("request", sent if sent is not None else exchange.request))
                out.write(json_block("answer", exchange.reply.json))
            again = repeated_failure(turn, exchange)  # (the same redirect: said once)
            if exchange.refusal is None:
                self._answer(exchange.reply, hint=not exchange.notice, again=again)
                continue
            if exchange.reply.status_code != 200:
                self._answer(exchange.reply, hint=not exchange.notice, again=again)
            else:  # refused: the user hears Alexa's problem instead
                speech = shown_speech(exchange.response.get("outputSpeech"))
                if speech:
                    row(out, "not heard", speech)
            if turn.problem:
                row(out, "Alexa", turn.problem)
        if self.log is not None:
            self.log.release()  # (any logged past the last answer: none of a request's)
        self._slot_rows()
        for prompt in turn.prompts:
            row(out, "Alexa", prompt)
        if turn.reprompt:
            row(out, "reprompt", turn.reprompt)
        if turn.expecting:
            waiting = f"{turn.dialog_intent} {turn.dialog_state}, waiting for {turn.expecting}"
            row(out, "dialog", waiting)
        if left_open and turn.understood and turn.understood.new_session and turn.exchanges:
            turn.notes.append(NEW_SESSION_NOTE)  # (the README: one-shot, in a new session)
        for note in turn.notes:
            out.write(f"  ({note})\n")
        self.late_notes()
        self._player_row()
        row(out, "session", "open" if turn.session_open else "ended")

    def show_device_request(self, reply: Any, ending: str = "") -> None:
        """Print a request the device made (an audio event, a button) and its reply."""
        request = reply.request or {}
        line = f"→ {request.get('type')}"
        if request.get("token") is not None:
            offset = request.get("offsetInMilliseconds", 0)  # (the player's: an int, any size)
            at = shown_count(offset) if type(offset) is int else offset
            # (the skill's token cut, its control characters written out, as the transcript's)
            line += f" {terminal_safe(shown(str(request['token'])))} at {at} ms"
        self.out.write(f"  {line}{ending}\n")
        if self.log is not None:
            self.log.release()  # (not the conversation's: its lines are all those held now)
        if self.show_json:
            self.out.write(json_block("request", request))
            self.out.write(json_block("answer", reply.json))
        self._answer(reply)
        self._slot_rows()
        self.late_notes()
        self._player_row()

    def _slot_rows(self) -> None:
        """The skill's lines of a slot value it could not take (the parameter's default, or the
        user asked again), logged at INFO since the last rows: why it said "Sorry, I can't use
        that"."""
        from ..log_values import printable

        for line in self.slot_notes.take() if self.slot_notes is not None else ():
            row(self.out, "slot", printable(line))  # (its values: the user's)

    def late_notes(self) -> None:
        """Name the progressive responses the fake refused since the last turn because their
        request was answered already (a task the handler left running): never heard."""
        late, self._late_seen = self.api._late_read(self._late_seen)
        for call in late:
            self.out.write(f"  ({call.late_note()})\n")

    def _player_row(self) -> None:
        """What the device ignored of the answers, and the player's state, if they changed it."""
        from .chat_audio import ignored_notes

        for note in ignored_notes(player_of(self._sender())):
            self.out.write(f"  ({note})\n")
        shown = player_of(self._sender()).describe()
        if shown != self._player_shown:
            self._player_shown = shown
            row(self.out, "player", shown)

    def _answer(self, reply: Reply, *, hint: bool = True, again: bool = False) -> None:
        out = self.out
        if reply.status_code != 200:
            reason = failure_reason(reply)
            out.write(f"  {failed_line(reply, again=again)}\n")
            if not hint:  # Alexa's notice after the refusal: said once, above
                return
            if reason == "request is for another skill":
                out.write(
                    "  (the server's skill has another application id: pass its id with "
                    "--skill-id)\n"
                )
            advice = dev_key_advice(reply.status_code, reason, "chat", self.args.app)
            if self.args.url is not None and advice is not None:
                out.write(f"  ({advice})\n")
            return
        body: dict[str, Any] = reply.json if isinstance(reply.json, dict) else {}
        found = body.get("response")
        response: dict[str, Any] = found if isinstance(found, dict) else {}
        late = {id(call) for call in self.api.late_progressive}
        # A late one is named after the turn (late_notes).
        calls = [call for call in getattr(reply, "api_calls", ()) if id(call) not in late]
        progressive = progressive_rows(calls)
        for label, value in progressive:
            row(out, label, value)
        request = getattr(reply, "request", None)
        ignored = ignored_rows(body, request)  # (to SessionEnded)
        shown = answer_rows(response) if ignored is None else ignored
        if not shown and not progressive and _expects_words(request):
            # (replay's "an empty response": without a row the answer looked lost)
            shown = [("answer", "an empty response: the user hears nothing")]
        for label, value in shown:
            row(out, label, value)
        served = self.args.url is not None
        for label, value in lacking_rows(getattr(reply, "unsupported", ()), served=served):
            row(out, label, value)
        for violation in getattr(reply, "violations", ()):
            row(out, "violation", str(violation))
        attributes = body.get("sessionAttributes")
        if attributes and ignored is None:
            row(out, "attributes", json.dumps(attributes, ensure_ascii=False))
        for call in getattr(reply, "api_calls", ()):
            said = f": {call.speech}" if call.speech is not None else ""
            row(out, "alexa api", f"{call.operation or call.path} -> {call.status}{said}")


def _expects_words(request: Any) -> bool:
    """Whether ``request`` is the user's (a launch, an intent), whose answer they listen for:
    a device's own event is answered empty as a rule."""
    kind = request.get("type") if isinstance(request, Mapping) else None
    return kind in ("LaunchRequest", "IntentRequest")

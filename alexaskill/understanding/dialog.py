"""Alexa's side of a conversation: sessions, and dialogs run as Alexa's dialog manager runs them.

A `Conversation` turns what the user says into the requests Alexa would send, sends them
through a `Transport` (the in-process test client, a ``serve --dev`` server, the simulator),
and reads each answer as Alexa does. Per Amazon's "Delegate the Dialog to Alexa" and "Dialog
Interface Reference":

- An intent of the dialog model with **auto delegation** (``ALWAYS``) is not sent to the skill
  until its dialog is complete: Alexa validates the values given (speaking the validation prompt
  and asking again), asks for each required slot with its elicitation prompt and has the user
  confirm a slot that needs it as soon as it has a value (before the next slot is asked for),
  asks the intent confirmation, then sends one IntentRequest with ``dialogState`` COMPLETED.
- With **manual delegation** (``SKILL_RESPONSE``) every turn goes to the skill: STARTED first,
  then IN_PROGRESS. An answer with ``Dialog.Delegate`` makes Alexa take the next step of the
  dialog model (the same steps, in the same order); when nothing is left, Alexa sends the
  intent again with ``dialogState`` COMPLETED.
- ``Dialog.ElicitSlot``, ``ConfirmSlot`` and ``ConfirmIntent`` take the next step themselves: the
  skill's speech asks, and the user's answer fills the slot or sets the confirmation status
  (CONFIRMED for yes, DENIED for no), sent back to the skill IN_PROGRESS. The skill must speak
  the question: one left without ``outputSpeech`` is noted, and the user hears nothing (the
  dialog model's prompt is not filled in). A directive for an intent without a dialog model,
  naming no slot or a slot its intent does not have, or sent with ``shouldEndSession: true`` (it
  waits for the user's answer) is refused (INVALID_RESPONSE); so is an ``updatedIntent`` with a
  confirmationStatus Alexa does not know, or setting a slot the model does not give the intent,
  and any dialog directive from a skill whose model has no dialog model at all.
- ``updatedIntent`` replaces the intent's slots and confirmation; a ``Dialog.Delegate`` naming
  another intent (from a LaunchRequest, say) starts that intent's dialog (intent chaining). A
  built-in intent (``AMAZON.HelpIntent``) cannot be chained to: that is refused too.
- During a dialog, an answer that is clearly another request ("help", "stop") leaves the dialog
  and goes to that intent. A slot whose confirmation is denied is asked for again. A value said
  in place of a yes or no corrects the slot, or the intent, being confirmed (`dialog_answers`).

Sessions: a request said without one starts a new session (as a one-shot request does); an
answer with ``shouldEndSession: true`` ends it, and so does an answer that leaves it out on a
device without a screen. "exit" sends SessionEndedRequest (USER_INITIATED). When the user
says nothing after an answer that opened the microphone, Alexa plays its reprompt (or asks the
dialog model's question again); silent again, or without a reprompt, the skill gets
SessionEndedRequest (EXCEEDED_MAX_REPROMPTS).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..models import SCREEN_INTERFACES
from ..responses.response import answer_ends_session, envelope_refusal, is_dialog_step
from ..shown_names import shown, shown_value
from ..ssml import PROBLEM_WITH_RESPONSE, response_ssml_error
from .compiled import clock
from .dialog_answers import DialogAnswers
from .dialog_state import (
    DialogState,
    complete_intent,
    listening_after,
    opens_microphone,
    outside_session,
    reprompt_of,
    updated_intent_problem,
)
from .prompts import Prompter
from .turns import Exchange, Reply, Transport, Turn, no_answer, speech_of
from .understander import Understander

__all__ = ["Conversation", "Exchange", "Reply", "Transport", "Turn"]

#: Requests one turn may send at most: a skill that delegates a completed dialog forever stops.
_MAX_EXCHANGES: Final = 8


class Conversation(DialogAnswers):
    """Plays Alexa's part in a conversation with a skill: understanding, sessions, dialogs.

    ``understander`` reads what the user says with the skill's model; ``transport`` sends each
    request. ``now`` gives the user's local time (default: the clock in UTC, the time on a device
    with no time zone set, as `Understander` reads it). ``screen`` says whether
    the device has a screen, which decides what an answer without ``shouldEndSession`` does.
    With ``name_required``, a request said outside a session without the skill's name is not
    sent, as Alexa would not route it to the skill (`alexaskill chat` and the simulator); by
    default it starts a session, as `TestClient.say` has always done.
    """

    def __init__(
        self,
        understander: Understander,
        transport: Transport,
        *,
        now: Callable[[], datetime.datetime] | None = None,
        screen: bool = False,
        name_required: bool = False,
    ) -> None:
        self.understander = understander
        self.name_required = name_required
        self.transport = transport
        self.now = now or clock
        self.screen = screen
        self.prompter = Prompter(understander.model.prompts)
        self.in_session = False
        self.dialog: DialogState | None = None
        self._new_session = True
        #: What Alexa says when the user is silent: the last reprompt, or the dialog's question.
        self._reprompt: str | None = None
        #: Whether the microphone is open for the user's answer (``shouldEndSession: false``).
        self._listening = False
        self._reprompted = False
        #: The device's audio player (``context.AudioPlayer``): "stop" while it plays pauses.
        self.player: Mapping[str, Any] | None = None

    # --- what the user does ---------------------------------------------------------------------

    def say(self, text: str) -> Turn:
        """The user says ``text``: understand it, send what Alexa would, follow the dialog."""
        turn = Turn(text)
        now = self.now()
        waiting = self.dialog is not None and self.dialog.pending is not None
        if self.in_session and waiting and self._answer(text, turn, now):
            return self._finish(turn)
        # Asked for a slot, words the answer took back ("paris no") are no value of it here.
        understood = self.understander.understand(text, now=now, asked=self._asked())
        turn.understood = understood
        if understood.request is None:
            turn.notes.extend(understood.notes or ("nothing was said",))
        elif understood.kind == "end":
            if self.in_session:
                self._exchange(turn, dict(understood.request))
            else:
                turn.notes.append("no session is open: there is nothing to end")
            self._end_session()
        elif understood.kind == "launch":
            self._end_session()  # the next request starts one
            self._exchange(turn, dict(understood.request))
        else:
            request: dict[str, Any] | None = copy.deepcopy(understood.request)
            if self.name_required and not self.in_session and not understood.new_session:
                invocation = self.understander.model.invocation
                request, note = outside_session(understood, self.player, invocation)
                turn.notes.append(note)
            if request is not None:
                if understood.new_session or not self.in_session:
                    self._end_session()  # the next request starts one
                self.dialog = None
                self._intent(turn, request)
        return self._finish(turn)

    def launch(self) -> Turn:
        """The user opens the skill by its name: a LaunchRequest in a new session."""
        turn = Turn(None)
        self._end_session()  # the next request starts one
        self._exchange(turn, {"type": "LaunchRequest"})
        return self._finish(turn)

    def end(self, reason: str = "USER_INITIATED") -> Turn:
        """End the session: a SessionEndedRequest if one is open."""
        turn = Turn(None)
        if self.in_session:
            self._exchange(turn, {"type": "SessionEndedRequest", "reason": reason})
        else:
            turn.notes.append("no session is open: there is nothing to end")
        self._end_session()
        return self._finish(turn)

    def intent(self, request: Mapping[str, Any]) -> Turn:
        """Send an IntentRequest built elsewhere (``request`` object) through the dialog rules."""
        turn = Turn(None)
        if not self.in_session:
            self._end_session()  # the next request starts one
        self.dialog = None
        self._intent(turn, copy.deepcopy(dict(request)))
        return self._finish(turn)

    def silence(self) -> Turn:
        """The user says nothing: the reprompt the first time, then a SessionEndedRequest."""
        turn = Turn(None)
        if not self.in_session:
            turn.notes.append("no session is open: Alexa is not listening")
            return self._finish(turn)
        if not self._listening:
            turn.notes.append(
                "the microphone is not open (the answer left shouldEndSession out): nothing happens"
            )
            return self._finish(turn, listening=False)
        if self._reprompt is not None and not self._reprompted:
            turn.reprompt = self._reprompt
            turn.notes.append("silence: Alexa plays the reprompt")
            self._reprompted = True
            return self._finish(turn, listening=True)
        why = " again" if self._reprompted else ", and no reprompt"
        turn.notes.append(f"silence{why}: the session ends")
        self._exchange(turn, {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"})
        self._end_session()
        return self._finish(turn)

    def new_session(self) -> None:
        """Forget the session (and any dialog): the next request starts a new one."""
        self._end_session()

    def adopt(self, session_open: bool, response: Mapping[str, Any] | None = None) -> None:
        """Take over a session the transport opened or closed on its own (no dialog in it);
        ``response`` is the last answer in it (its reprompt is what a silence hears)."""
        self.dialog = None
        self.in_session = session_open
        self._new_session = not session_open
        self._listening, self._reprompt, self._reprompted = False, None, False
        if session_open and response is not None:
            self._listening = opens_microphone(response)
            self._reprompt = reprompt_of(response)

    @property
    def _carriers(self) -> frozenset[str]:
        """The words the language reads with a value ("at noon"), which prompts leave out.
        A `Language` written before `value_carriers` was part of the interface has none."""
        return self.understander.language.value_carriers

    # --- sessions --------------------------------------------------------------------------------

    def _end_session(self) -> None:
        self.in_session = False
        self.dialog = None
        self._new_session = True
        self.prompter.new_session()

    def _finish(self, turn: Turn, *, listening: bool | None = None) -> Turn:
        turn.session_open = self.in_session
        if listening is None:  # a turn that spoke: what a silence after it would hear
            self._reprompted = False
            after = listening_after(turn) if self.in_session else (False, None)
            if after is not None:
                self._listening, self._reprompt = after
        dialog = self.dialog
        if dialog is not None and self.in_session:
            turn.dialog_intent = dialog.name
            turn.dialog_state = dialog.state
            turn.expecting = dialog.expecting
        return turn

    # --- requests and answers ------------------------------------------------------------------

    def _exchange(self, turn: Turn, request: dict[str, Any]) -> Exchange | None:
        if len(turn.exchanges) >= _MAX_EXCHANGES:
            turn.notes.append(
                f"stopped after {_MAX_EXCHANGES} requests in one turn: the skill keeps "
                "delegating a dialog that is complete"
            )
            self._end_session()
            return None
        reply = self.transport.send(request, new_session=self._new_session)
        self._new_session = False
        self.in_session = True
        exchange = Exchange(copy.deepcopy(request), reply)
        turn.exchanges.append(exchange)
        self._read(turn, exchange)
        return exchange

    def _read(self, turn: Turn, exchange: Exchange) -> None:
        """Follow the skill's answer as Alexa does."""
        reply = exchange.reply
        request_type = exchange.request.get("type")
        if request_type == "SessionEndedRequest":
            self._end_session()
            return
        unanswered = no_answer(reply)
        if unanswered is not None:
            what, kind = unanswered
            note = (
                f"{what}: Alexa says there was a problem with the skill's response, and the "
                "session ends"
            )
            self._refuse(turn, exchange, what, note=note, kind=kind)
            return
        response = exchange.response
        # (a transport's reply may say why too: chat --url judges a server's by the app's rules)
        refusal = (
            envelope_refusal(reply.json)
            or response_ssml_error(response)
            or getattr(reply, "refusal", None)
        )
        if refusal is not None:
            self._refuse(turn, exchange, refusal)
            return
        directives = [d for d in response.get("directives") or () if isinstance(d, dict)]
        step = next((d for d in directives if is_dialog_step(d)), None)
        if step is not None and response.get("shouldEndSession") is True:
            # A dialog directive waits for the user's answer; it never ends the session.
            self._refuse(turn, exchange, f"{step.get('type')} with shouldEndSession true")
            return
        if step is not None:
            self._dialog_directive(turn, exchange, step)
            return
        self.dialog = None
        if answer_ends_session(response, SCREEN_INTERFACES if self.screen else ()):
            self._end_session()

    def _refuse(
        self,
        turn: Turn,
        exchange: Exchange,
        why: str,
        *,
        note: str | None = None,
        kind: str = "INVALID_RESPONSE",
    ) -> None:
        """Alexa refuses the answer: the user hears its problem, the skill gets a
        SessionEndedRequest with the error (Amazon's SessionEndedRequest reference)."""
        exchange.refusal = why
        turn.problem = PROBLEM_WITH_RESPONSE
        turn.notes.append(note or f"Alexa refuses the answer ({why}): the session ends")
        self.dialog = None
        ended = {
            "type": "SessionEndedRequest",
            "reason": "ERROR",
            "error": {"type": kind, "message": why},
        }
        notice = self._exchange(turn, ended)
        if notice is not None:
            notice.notice = True
        self._end_session()

    def _intent(self, turn: Turn, request: dict[str, Any]) -> None:
        """Send an IntentRequest, running its dialog if the model has one."""
        intent = request.get("intent") or {}
        name = str(intent.get("name"))
        model = self.understander.model.dialog.get(name)
        if model is None:
            request.pop("dialogState", None)
            self._exchange(turn, request)
            return
        self.dialog = DialogState(intent, model, carriers=self._carriers)
        fills = turn.understood.fills if turn.understood is not None else {}
        for slot, fill in fills.items():
            self.dialog.hear(slot, fill.words)
        if self.dialog.auto:
            turn.notes.append(f"{shown(name)} is auto-delegated: Alexa runs its dialog")
            self._next_step(turn)
        else:
            self._send_dialog(turn, "STARTED")

    def _send_dialog(self, turn: Turn, state: str) -> None:
        dialog = self.dialog
        if dialog is None:  # pragma: no cover - callers check
            return
        dialog.state = state
        dialog.pending = None
        dialog.from_skill = False
        request = {"type": "IntentRequest", "dialogState": state, "intent": dialog.intent}
        self._exchange(turn, request)

    def _dialog_directive(self, turn: Turn, exchange: Exchange, step: dict[str, Any]) -> None:
        kind = step.get("type")
        raw = step.get("updatedIntent")
        if raw is not None and not (isinstance(raw, dict) and isinstance(raw.get("name"), str)):
            self._refuse(turn, exchange, f"{kind}: updatedIntent is no intent with a name")
            return
        problem = None if raw is None else updated_intent_problem(raw, self.understander.model)
        if not self.understander.model.dialog:
            # Amazon's Dialog Interface Reference: the skill needs a dialog model (an intent with
            # a required slot, a confirmation, or auto delegation) to send these directives.
            problem = "the skill's interaction model has no dialog model"
        if problem is not None:
            self._refuse(turn, exchange, f"{kind}: {problem}")
            return
        updated = (
            complete_intent(copy.deepcopy(raw), self.understander.model)
            if isinstance(raw, dict)
            else None
        )
        dialog = self.dialog
        chained = updated is not None and (dialog is None or updated.get("name") != dialog.name)
        if updated is not None and chained:
            name = str(updated.get("name"))
            if name.startswith("AMAZON."):
                # Amazon's intent chaining starts one of the skill's own intents only.
                why = (
                    f"{kind}: {shown(name)} is a built-in intent, "
                    "and intent chaining cannot start one"
                )
                self._refuse(turn, exchange, why)
                return
            model = self.understander.model.dialog.get(name)
            self.dialog = dialog = DialogState(updated, model, carriers=self._carriers)
            turn.notes.append(f"the skill chains to {shown(name)}")
        elif updated is not None and dialog is not None:
            dialog.intent = updated
        if dialog is None or (dialog.model is None and kind != "Dialog.Delegate"):
            # Only a Delegate may chain into an intent without a dialog model (sent as it is).
            intent = dialog.intent if dialog is not None else exchange.request.get("intent")
            name = str((intent or {}).get("name") or "")
            why = (
                f"{kind}: intent {name} has no dialog model (Amazon's Dialog Interface "
                "Reference: the dialog directives need one)"
                if name
                else f"{kind} without a dialog to run"
            )
            self._refuse(turn, exchange, why)
            return
        if kind == "Dialog.Delegate":
            if chained and dialog.model is not None and not dialog.auto:
                self._send_dialog(turn, "STARTED")
                return
            if chained and dialog.model is None:
                # An intent without a dialog model: Alexa sends it as it is.
                self.dialog = None
                self._exchange(turn, {"type": "IntentRequest", "intent": dialog.intent})
                return
            if exchange.request.get("dialogState") == "COMPLETED" and not chained:
                self._refuse(turn, exchange, "Dialog.Delegate answered a COMPLETED dialog")
                return
            self._next_step(turn)
            return
        field = "slotToElicit" if kind == "Dialog.ElicitSlot" else "slotToConfirm"
        slot = step.get(field)
        if kind != "Dialog.ConfirmIntent" and not isinstance(slot, str):
            self._refuse(turn, exchange, f"{kind} names no slot ({field} is {shown_value(slot)})")
            return
        if kind != "Dialog.ConfirmIntent":
            defined = self.understander.model.intent(dialog.name)
            if defined is None or defined.slot(str(slot)) is None:
                self._refuse(turn, exchange, f"{kind}: intent {dialog.name} has no slot {slot}")
                return
        if not speech_of(exchange.response.get("outputSpeech")):
            # Amazon's Dialog Interface Reference has the skill provide the question of these
            # three in outputSpeech; the dialog model's prompt is not filled in for it.
            turn.notes.append(
                f"{kind} without outputSpeech: the skill must ask the question itself (Amazon's "
                "Dialog Interface Reference); the user hears nothing"
            )
        if kind == "Dialog.ElicitSlot":
            dialog.pending = ("elicit", str(slot))
        elif kind == "Dialog.ConfirmSlot":
            dialog.pending = ("confirm_slot", str(slot))
        else:
            dialog.pending = ("confirm_intent", None)
        dialog.from_skill = True
        dialog.state = "IN_PROGRESS"

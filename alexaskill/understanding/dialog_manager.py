"""Alexa's dialog manager in an emulated conversation: the next step of the dialog model.

`DialogManager` is the part of `Conversation` that takes the dialog model's next step, as Alexa
does for an auto-delegated intent and after a ``Dialog.Delegate`` (Amazon's "Delegate the
Dialog to Alexa"): validate the values given (each value of a multiple-value slot, with its own
entity resolution); then, slot by slot in the model's order, ask for a required slot still empty
and have the user confirm a slot that needs it as soon as it has a value, before the next slot is
asked for (the user confirms a slot value "before proceeding", Amazon's "Define the Dialog to
Collect and Confirm Required Information"); then ask the intent's confirmation, and send the
intent COMPLETED.

A value that fails a validation rule is asked for again with the rule's prompt (a ``{slot}`` in it
says the value refused; for a multiple-value slot, the one value of the list refused). Amazon
documents no limit, but Alexa does not ask for ever: after `MAX_VALIDATION_FAILURES` values of one
slot in a row fail, the emulation gives up and the session ends (SessionEndedRequest,
EXCEEDED_MAX_REPROMPTS), as it does for a user who stays silent. A slot whose rules no value can
pass (an empty window, bounds that exclude each other) is a *model problem*, noted the first time
a value fails (`never_passes`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from ..shown_names import shown
from .dialog_state import DialogState
from .model import DialogSlotModel, Validation
from .prompts import Prompter
from .quoted import quoted
from .turns import Exchange, Turn
from .validation import MAX_VALIDATION_FAILURES, never_passes, passes

__all__ = ["DialogManager"]


class DialogManager:
    """Takes the dialog model's steps for `Conversation`, which provides what it needs."""

    dialog: DialogState | None
    prompter: Prompter
    in_session: bool
    now: Callable[[], datetime.datetime]

    def _exchange(self, turn: Turn, request: dict[str, Any]) -> Exchange | None:
        raise NotImplementedError  # pragma: no cover - Conversation's

    def _end_session(self) -> None:
        raise NotImplementedError  # pragma: no cover - Conversation's

    def _send_dialog(self, turn: Turn, state: str) -> None:
        raise NotImplementedError  # pragma: no cover - Conversation's

    def _next_step(self, turn: Turn) -> None:
        """Take the next step of the dialog model, or send the completed intent."""
        dialog = self.dialog
        if dialog is None:  # pragma: no cover - callers check
            return
        model = dialog.model
        dialog.from_skill = False
        if dialog.state == "STARTED" and dialog.auto:
            dialog.state = "IN_PROGRESS"
        slots = model.slots if model is not None else ()
        for slot in slots:
            value = dialog.value(slot.name)
            if value is None or not slot.validations or (slot.name, value) in dialog.validated:
                continue
            failed = self._first_failure(dialog, slot)
            if failed is None:
                dialog.validated.add((slot.name, value))
                dialog.failures.pop(slot.name, None)
                continue
            self._failed_validation(turn, dialog, slot, *failed)
            return
        for slot in slots:
            entry = dialog.slots().get(slot.name) or {}
            if entry.get("confirmationStatus") == "DENIED":
                dialog.clear(slot.name)
                if slot.elicitation_required or slot.elicit_prompt:
                    dialog.pending = ("elicit", slot.name)
                    self._say_prompt(turn, dialog, "elicit", slot.name)
                    return
            if slot.elicitation_required and dialog.value(slot.name) is None:
                dialog.pending = ("elicit", slot.name)
                self._say_prompt(turn, dialog, "elicit", slot.name)
                return
            # A slot is confirmed as soon as it has a value, before the next slot is asked for.
            if (
                slot.confirmation_required
                and dialog.value(slot.name) is not None
                and entry.get("confirmationStatus", "NONE") == "NONE"
            ):
                dialog.pending = ("confirm_slot", slot.name)
                self._say_prompt(turn, dialog, "confirm_slot", slot.name)
                return
        if (
            model is not None
            and model.confirmation_required
            and dialog.intent.get("confirmationStatus", "NONE") == "NONE"
        ):
            dialog.pending = ("confirm_intent", None)
            self._speak(turn, dialog, model.confirm_prompt)
            return
        self._send_dialog(turn, "COMPLETED")
        if self.dialog is dialog and dialog.state == "COMPLETED" and dialog.pending is None:
            self.dialog = None

    def _say_prompt(self, turn: Turn, dialog: DialogState, step: str, slot: str | None) -> bool:
        model = dialog.model.slot(slot) if dialog.model is not None and slot else None
        prompt = None
        if model is not None:
            prompt = model.elicit_prompt if step == "elicit" else model.confirm_prompt
        if not self._speak(turn, dialog, prompt):
            what = "ask for" if step == "elicit" else "confirm"
            turn.notes.append(f"the dialog model has no prompt to {what} slot {shown(str(slot))}")
            return False
        return True

    def _speak(
        self,
        turn: Turn,
        dialog: DialogState,
        prompt_id: str | None,
        refused: tuple[str, str] | None = None,
    ) -> bool:
        if not self.prompter.say(turn, dialog, prompt_id, refused):
            return False
        # Alexa holds the session open for the answer, even if the skill has not been asked
        # anything yet (an auto-delegated dialog); its first request still starts the session.
        self.in_session = True
        return True

    def _first_failure(
        self, dialog: DialogState, slot: DialogSlotModel
    ) -> tuple[Validation, str] | None:
        """The first rule a value of ``slot`` fails (each value of a multiple-value slot is
        checked, with its own resolutions), and that value; None if every value passes."""
        now = self.now()
        for rule in slot.validations:
            for value, carrier in dialog.values(slot.name):
                if not passes(rule, value, carrier, now):
                    return rule, value
        return None

    def _failed_validation(
        self, turn: Turn, dialog: DialogState, slot: DialogSlotModel, rule: Validation, value: str
    ) -> None:
        """A value of ``slot`` failed ``rule``: Alexa says the rule's prompt and asks again; after
        `MAX_VALIDATION_FAILURES` values in a row it gives up and the session ends."""
        turn.notes.append(
            f"{shown(slot.name)} = {quoted(value)} fails validation {shown(rule.type)}"
        )
        failures = dialog.failures.get(slot.name, 0) + 1
        dialog.failures[slot.name] = failures
        if failures == 1:
            problem = never_passes(slot.validations, slot.type, self.now())
            if problem is not None:
                turn.notes.append(f"model problem: slot {shown(slot.name)}: {problem}")
        if failures >= MAX_VALIDATION_FAILURES:
            turn.notes.append(
                f"{failures} values of slot {slot.name} in a row failed validation: Alexa gives "
                "up, and the session ends"
            )
            self._exchange(
                turn, {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}
            )
            self._end_session()
            return
        # A {slot} in the prompt says the value refused: as the user said it, or for one value
        # of several (a multiple-value slot) that value alone, not the whole list.
        several = len(dialog.values(slot.name)) > 1
        refused = value if several else (dialog.spoken(slot.name) or value)
        dialog.pending = ("elicit", slot.name)
        spoke = self._speak(turn, dialog, rule.prompt, refused=(slot.name, refused))
        dialog.clear(slot.name)
        if not spoke:
            self._say_prompt(turn, dialog, "elicit", slot.name)

"""The user's answers while Alexa runs a dialog: slot values, yes and no (for `Conversation`).

When Alexa has asked for a slot, what the user says is read as a value for it (with the slot's
samples, the bare value and the intent's samples, which may fill other slots too). When it has
asked for a confirmation, "yes" sets the slot's or the intent's ``confirmationStatus`` to
CONFIRMED and "no" to DENIED. Anything that is clearly another request ("help", "stop") leaves
the dialog and goes to that intent.

Amazon documents yes and no as the answers to a confirmation and says nothing of a user who
corrects Alexa instead; the emulation does what that user expects. Asked to confirm a slot
("At seven p m, right?"), another value for it ("no, eight p m") replaces the value, unconfirmed
(NONE), and the new one is confirmed in turn. Asked to confirm the intent ("Two large pizzas at
seven p m. Shall I order?"), a value for any of its slots ("make it medium", "no, eight p m")
replaces that slot's value (NONE, to be validated and confirmed in turn as the model says) and
the intent is not confirmed yet (NONE): Alexa asks its confirmation again, with the new value.
A no said with words that give no value ("no, not then"; "no, Berlin" to a free-form city, which
would take any words) is a denial, as no alone: DENIED, unless the whole is another request;
a yes said with the value being confirmed ("yes, paris"), or a synonym its type lists for it
("yes, nyc" to "new york, right?": entity resolution gives both one value), is a yes. Asked for
a slot, a yes or no alone ("no", "no thanks"), or a stop or cancel after one ("no, cancel"), is
no value unless the slot's type lists it (`Understander.answer`): it leaves the dialog as another
request. A stop or cancel its type lists leaves too ("stop please"): only a yes or no fills it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from .answer_values import REPLIES
from .compiled import MAX_WORDS
from .dialog_manager import DialogManager
from .dialog_state import DialogState
from .result import Understanding, slot_json
from .turns import Turn
from .understander import Understander

if TYPE_CHECKING:
    from .slottypes import Fill

__all__ = ["DialogAnswers"]

_YES_NO, _LEAVING = REPLIES[:2], REPLIES[2:]


class DialogAnswers(DialogManager):
    """Reads the user's answers to a dialog's questions for `Conversation`."""

    understander: Understander

    def _answer(self, text: str, turn: Turn, now: datetime.datetime) -> bool:
        """Read ``text`` as the answer Alexa waits for; False if it is another request."""
        dialog = self.dialog
        if dialog is None or dialog.pending is None:
            return False
        step, slot = dialog.pending
        words = len(self.understander.tokens(text))
        if not words or words > MAX_WORDS:
            # No answer: nothing to understand, or words too many, as of any request (each of
            # the readings below would tokenize a megabyte of punctuation again).
            return False
        if slot is not None and self._asked() is None:
            # A slot the model lost (a model file edited during the dialog): no answer to read,
            # where `Understander.answer` would refuse the slot.
            return False
        answer: Understanding | None = None
        said = None if step == "elicit" else self.understander.yes_no(text)
        if (
            said is None
            and step == "confirm_slot"
            and self._yes_again(text, dialog, str(slot), now)
        ):
            said = "yes"  # "yes, paris" asked "paris, right?"
        if said is None:
            # A value for the slot asked for; in place of a yes or no, a value that corrects the
            # slot being confirmed, or (for the intent's confirmation) any of its slots.
            if step == "confirm_intent":
                answer = self._intent_answer(text, dialog, now)
            else:
                answer = self._slot_answer(
                    text, dialog, str(slot), now, correcting=step != "elicit"
                )
            if answer is None:
                if step == "elicit" or not self._denied(text, now):
                    return False
                said = "no"
                what = f"slot {slot}" if step == "confirm_slot" else f"intent {dialog.name}"
                turn.notes.append(
                    f"a no, and words that are no new value for {what}: a denial, as no alone"
                )
        asked = None  # read as a yes or no; else as an answer for this slot (intent, slot)
        if answer is not None and step == "confirm_slot" and self._same(dialog, str(slot), answer):
            # "nyc" alone asked "new york, right?": the value asked about, in a synonym's words.
            said, answer, asked = "yes", None, (dialog.name, str(slot))
            turn.notes.append(f"the value of slot {slot} said again (one resolved value): a yes")
        if answer is not None:
            turn.understood = answer
            self._fill(dialog, answer)
            if step == "confirm_slot":
                turn.notes.append(
                    f"a new value for slot {slot} instead of yes or no: it replaces the value "
                    "to confirm, and is not confirmed yet (confirmationStatus NONE)"
                )
            elif step == "confirm_intent":
                names = ", ".join(answer.fills)
                turn.notes.append(
                    f"a new value for slot {names} instead of yes or no: it replaces the value, "
                    f"and intent {dialog.name} is not confirmed yet (confirmationStatus NONE)"
                )
                dialog.intent["confirmationStatus"] = "NONE"
        else:
            status = "CONFIRMED" if said == "yes" else "DENIED"
            what = f"slot {slot}" if step == "confirm_slot" else f"intent {dialog.name}"
            notes: tuple[str, ...] = (f"{said}: the confirmation of {what} is {status}",)
            # "yes alexa": the wake word left out noted, as of a value ("paris alexa").
            woken = self.understander.wake_word_note(text, now, asked)
            turn.understood = Understanding(
                text,
                None,
                "answer",
                intent="AMAZON.YesIntent" if said == "yes" else "AMAZON.NoIntent",
                notes=notes if woken is None else (woken, *notes),
            )
            if step == "confirm_slot" and slot is not None:
                entry = dialog.slots().setdefault(slot, {"name": slot})
                entry["confirmationStatus"] = status
            else:
                dialog.intent["confirmationStatus"] = status
                if not dialog.from_skill:
                    # Confirming the intent is the dialog model's last step.
                    self._send_dialog(turn, "COMPLETED")
                    self._forget_completed(dialog)
                    return True
        if dialog.from_skill or not dialog.auto:
            self._send_dialog(turn, "IN_PROGRESS")
        else:
            dialog.pending = None
            self._next_step(turn)
        return True

    def _asked(self) -> tuple[str, str] | None:
        """The slot (intent, slot) Alexa asks for, if any, and if the model still has it: the
        simulator reads a model file edited during a dialog."""
        dialog = self.dialog
        slot = None if dialog is None or dialog.pending is None else dialog.pending[1]
        if dialog is None or slot is None:
            return None
        defined = self.understander.model.intent(dialog.name)
        return None if defined is None or defined.slot(slot) is None else (dialog.name, slot)

    def _yes_again(self, text: str, dialog: DialogState, slot: str, now: datetime.datetime) -> bool:
        """Whether ``text`` is a yes and the value of ``slot`` Alexa asks to confirm, said again."""
        first, _, rest = text.strip().partition(" ")
        if not rest or self.understander.yes_no(first.strip(",.;:!")) != "yes":
            return False
        again = self.understander.answer(rest, intent=dialog.name, slot=slot, now=now)
        fill = None if again is None else again.fills.get(slot)
        if fill is None:
            return False
        return (dialog.value(slot) or "").casefold() == fill.value.casefold() or _synonym(
            dialog, slot, fill
        )

    @staticmethod
    def _same(dialog: DialogState, slot: str, answer: Understanding) -> bool:
        """Whether ``answer``, said alone where Alexa asks to confirm ``slot``, gives that slot
        the value asked about in other words: a synonym its type lists for it."""
        fill = answer.fills.get(slot)
        return set(answer.fills) == {slot} and fill is not None and _synonym(dialog, slot, fill)

    def _denied(self, text: str, now: datetime.datetime) -> bool:
        """Whether ``text``, which gives no value, denies what Alexa asks to confirm: it opens
        with a no ("no, not then") and is no other request ("no, cancel" cancels)."""
        first, _, rest = text.strip().partition(" ")
        if not rest or self.understander.yes_no(first.strip(",.;:!")) != "no":
            return False
        other = self.understander.understand(text, now=now, asked=self._asked())
        return other.kind != "intent" or other.fallback or other.intent == "AMAZON.NoIntent"

    def _fill(self, dialog: DialogState, answer: Understanding) -> None:
        """The slots ``answer`` fills take its values. A value said again keeps its
        confirmation; a new one is not confirmed (NONE) and is validated again."""
        for name, fill in answer.fills.items():
            before = dialog.value(name)
            status = (dialog.slots().get(name) or {}).get("confirmationStatus", "NONE")
            dialog.slots()[name] = slot_json(name, fill)
            if before is not None and dialog.value(name) == before:
                dialog.slots()[name]["confirmationStatus"] = status
            dialog.hear(name, fill.words)
            dialog.validated = {item for item in dialog.validated if item[0] != name}

    def _intent_answer(
        self, text: str, dialog: DialogState, now: datetime.datetime
    ) -> Understanding | None:
        """``text``, said when Alexa asks to confirm the intent, read as a new value for one of
        its slots (the best reading among its slots'; on a tie, the first in the model's
        order), or None."""
        defined = self.understander.model.intent(dialog.name)
        slots = defined.slots if defined is not None else ()
        answers = [
            self._slot_answer(text, dialog, slot.name, now, correcting=True) for slot in slots
        ]
        # The best reading ("eight p m" is a time, not a count); on a tie, the model's order.
        return max((a for a in answers if a is not None), key=lambda a: a.score, default=None)

    def _slot_answer(
        self,
        text: str,
        dialog: DialogState,
        slot: str,
        now: datetime.datetime,
        *,
        correcting: bool,
    ) -> Understanding | None:
        """``text`` read as a value for ``slot`` of the dialog's intent, or None when it is not
        one, or clearly another request. ``correcting``: a value said in place of a yes or no,
        maybe after a "no" ("no, eight p m"); then a value said alone must be one its type
        knows (a number, a listed value), not any words a custom type would take ("maybe",
        "no, eight p m" as a size)."""
        answer = self.understander.answer(text, intent=dialog.name, slot=slot, now=now)
        if correcting and (answer is None or not _correction(answer, slot)):
            first, _, rest = text.strip().partition(" ")
            answer = None
            if rest and self.understander.yes_no(first.strip(",.;:!")) == "no":
                answer = self.understander.answer(rest, intent=dialog.name, slot=slot, now=now)
            if answer is not None and not _correction(answer, slot):
                answer = None
        if answer is None:
            return None
        other = self.understander.understand(text, now=now, asked=self._asked())
        if other.intent in _YES_NO and _listed(answer, slot):
            # Asked for a slot whose type lists the yes or no said ("right" of a custom yes/no
            # type), Alexa fills it (Amazon's "Use a Dialog Model to Manage Ambiguous
            # Responses"): the reading as AMAZON.YesIntent / NoIntent, however it scores, loses.
            return answer
        fill = answer.fills.get(slot)
        leaving = fill is not None and self.understander.reply(fill.words) in _LEAVING
        if other.intent in _LEAVING and leaving:
            # Not so a listed "stop" or "cancel" ("stop please", "no, stop"): Amazon says nothing
            # of them in a dialog, and its certification tests expect them to end the skill.
            return None
        # (an utterance no intent comes near, "out of domain", is no other request either)
        if other.kind not in ("intent", "out of domain") or (
            other.intent != dialog.name and other.exact and other.score > answer.score
        ):
            return None
        return answer

    def _forget_completed(self, dialog: DialogState) -> None:
        if self.dialog is dialog and dialog.pending is None:
            self.dialog = None


def _synonym(dialog: DialogState, slot: str, fill: Fill) -> bool:
    """Whether ``fill`` resolves to a value (authority, id) ``slot``'s value resolved to: "nyc"
    and "new york", where the type lists "nyc" as its synonym (values compared, not words)."""
    before = _resolved(dialog.slots().get(slot))
    return bool(before) and bool(before & _resolved({"resolutions": fill.resolutions}))


def _resolved(entry: Any) -> set[tuple[str, str]]:
    """The values (authority, id) a slot's entity resolution matched, from its JSON (which a
    skill's updated intent may have sent: anything not so shaped is skipped)."""
    found: set[tuple[str, str]] = set()
    resolutions = entry.get("resolutions") if isinstance(entry, dict) else None
    authorities = (
        resolutions.get("resolutionsPerAuthority") if isinstance(resolutions, dict) else ()
    )
    for each in authorities if isinstance(authorities, list) else ():
        status = each.get("status") if isinstance(each, dict) else None
        if not isinstance(status, dict) or status.get("code") != "ER_SUCCESS_MATCH":
            continue
        values = each.get("values")
        for value in values if isinstance(values, list) else ():
            named = value.get("value") if isinstance(value, dict) else None
            if isinstance(named, dict) and isinstance(named.get("id"), str):
                found.add((str(each.get("authority")), named["id"]))
    return found


def _listed(answer: Understanding, slot: str) -> bool:
    """Whether ``answer`` gives ``slot`` alone a value its type lists, and nothing else."""
    fill = answer.fills.get(slot)
    if fill is None or set(answer.fills) != {slot}:
        return False
    return all(part.kind == "listed" for part in fill.parts or (fill,))


def _correction(answer: Understanding, slot: str) -> bool:
    """Whether ``answer`` gives ``slot`` a value that can stand in for a yes or no: said with
    words of a sample ("make it {size}", "order {count} pizzas"), or alone a value its type
    knows, not words a custom type takes whatever they are."""
    fill = answer.fills.get(slot)
    if fill is None:
        return False
    if answer.sample is not None and answer.sample.strip() != f"{{{slot}}}":
        return True
    parts = fill.parts or (fill,)
    return all(part.kind in ("typed", "listed") for part in parts)

"""The dialog model's prompts as Alexa says them in an emulated dialog (for `Conversation`).

Which variation: Alexa picks one of a prompt's variations at random (Amazon's "Define the Dialog
to Collect and Confirm Required Information"). The emulation takes them in turn instead, so that
a test hears the same prompts on every run and every variation is heard: the first the first time
the prompt is said in a session, the second the next time, and so on, round again after the
last; a new session starts again from the first.

``{slot}`` in a prompt says the slot's value as the user said it: "seven p m", not the
AMAZON.TIME value "19:00", "this weekend", not "2026-W48-WE" (for a custom slot type the value
sent is the words said anyway). A value the user did not say (set by the skill's
``updatedIntent``) is said as the request carries it.

A variation naming a slot without a value at that step is passed over, as there are no words
for it. When every variation names one, there is no sentence Alexa could say: the emulation says
the prompt with the ``{slot}`` left in, and notes a *model problem* for the skill's author (a
prompt must not name a slot that can still be empty when it is said; `alexaskill model --check`
warns of it too). A validation prompt is said as soon as a value fails, before Alexa asks for
any slot still empty: only the slot validated is sure to have a value there, and its ``{slot}``
says the value refused (for a multiple-value slot, the one value of the list).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from ..hearing import spoken_text
from ..shown_names import shown
from ..ssml import escape
from .dialog_state import DialogState
from .model import Prompt
from .turns import Turn

__all__ = ["Prompter", "empty_slot_advice"]

_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]+)\}")
_VALIDATION_FIRST: Final = (
    "a validation prompt is said as soon as a value fails, before Alexa asks for the slots "
    "still empty"
)


def _slot_references(text: str) -> list[str]:
    """The slots a prompt's text names (``{slot}``), in order."""
    return _SLOT_REFERENCE.findall(text)


def empty_slot_advice(validation: bool) -> str:
    """What to do about a prompt naming a slot that can be empty when it is said (a
    ``validation`` prompt is said before Alexa asks for any slot still empty)."""
    if validation:
        return (
            f"{_VALIDATION_FIRST}, so leave it out of that prompt (only the slot validated is "
            "sure to have a value there)"
        )
    return "make the slot required (and asked before), or leave it out of that prompt"


class Prompter:
    """Says the dialog model's prompts in a session, each variation in turn."""

    def __init__(self, prompts: Mapping[str, Prompt]) -> None:
        self.prompts = prompts
        #: How many times each prompt was said in this session.
        self._said: dict[str, int] = {}

    def new_session(self) -> None:
        """Start the variations again from the first."""
        self._said.clear()

    def say(
        self,
        turn: Turn,
        dialog: DialogState,
        prompt_id: str | None,
        refused: tuple[str, str] | None = None,
    ) -> bool:
        """Say prompt ``prompt_id`` (its next usable variation) in ``turn``; False if there is
        no such prompt. A validation prompt has ``refused``: the slot whose value failed and
        what its ``{slot}`` says (the value refused, as the user said it)."""
        if prompt_id is None:
            return False
        prompt = self.prompts.get(prompt_id)
        if prompt is None or not prompt.variations:
            turn.notes.append(f"prompt {shown(prompt_id)} is not in the model")
            return False
        said = dict([refused]) if refused is not None else {}

        def spoken(name: str) -> str | None:
            return said[name] if name in said else dialog.spoken(name)

        usable = [
            variation
            for variation in prompt.variations
            if all(spoken(name) for name in _slot_references(variation[1]))
        ]
        count = self._said.get(prompt_id, 0)
        self._said[prompt_id] = count + 1
        if usable:
            kind, text = usable[count % len(usable)]
        else:
            kind, text = prompt.variations[count % len(prompt.variations)]
            missing = ", ".join(
                f"{{{name}}}" for name in _slot_references(text) if not spoken(name)
            )
            advice = (
                f"As {_VALIDATION_FIRST}, give the prompt a variation without it (only the slot "
                "validated is sure to have a value there)"
                if refused is not None
                else "Give the prompt a variation without it, or make that slot required and "
                "asked before"
            )
            turn.notes.append(
                f"model problem: every variation of prompt {prompt_id} names a slot without a "
                f"value at this step ({missing}): Alexa has no words to say there. {advice}"
            )

        def fill(match: re.Match[str]) -> str:
            value = spoken(match.group(1))
            if value is None:
                return match.group(0)
            return escape(value) if kind == "SSML" else value

        text = _SLOT_REFERENCE.sub(fill, text)
        turn.prompts.append(spoken_text(text) if kind == "SSML" else " ".join(text.split()))
        return True

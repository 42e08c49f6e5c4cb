"""Asking again for a required slot a handler could not be given: the question, and its directive.

The question is the slot's own elicitation prompt when the intent declares one
(``DialogSlot(…, elicit=…)``), as the skill's model for the request's locale has it: one of its
variations, picked at random as Alexa picks one, translated by the skill's catalogs as
``alexaskill model`` translates it, its ``{slot}`` references filled with the values the request
carries (a variation that names a slot without a value is not asked). Failing that, alexaskill's
own sentence: "I didn't catch that" for a slot missing (or a number Alexa did not understand,
"?"), and for a value that was heard but does not fit the parameter ("this weekend" for a
``datetime.date``), a sentence that does not claim the user went unheard (`alexaskill.messages`).
Such a value asked for again with the slot's own prompt has the reason said first ("Sorry, I
can't use that. Which day?"): the same question alone would only get the same answer. A handler
for `SlotError` (``@skill.exception(SlotError)``) can say more: ``exc.reason`` says why.

Inside a dialog a plain question would end the dialog (the answer would no longer go to the
slot): a slot still to be collected is left to the dialog model (Delegate, its own prompt), one
that did not convert is elicited again, cleared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final, NamedTuple

import msgspec

from . import messages
from .dialog_prompts import filled_prompt, fits
from .exceptions import ResponseError, SlotError
from .models import Intent, IntentRequest, Request
from .responses import Response, ask, encode_response
from .ssml import Ssml, escape
from .xml_text import _speak_root

if TYPE_CHECKING:
    from .call import Call
    from .dialog_model import DialogSlot
    from .i18n import Translations

__all__ = ["ASKING_AGAIN_LINE", "Question", "ask_again", "elicitation_prompt", "encode_question"]

#: The format of the log line of a slot asked again: the intent, the `SlotError`, the prompt's
#: source (`Question.source`); how `alexaskill replay` tells it from the skill's other lines.
ASKING_AGAIN_LINE: Final = "%s%s; asking again with %s"

#: ``{slot}`` in a prompt, as the dialog model writes it.
_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")


class Question(NamedTuple):
    """The reply that asks again, and where its words came from (for the log line)."""

    reply: Response
    #: "the slot's elicitation prompt", "the dialog model" (Delegate) or "the generic prompt".
    source: str
    #: The same elicitation without the intent sent back, for a reply that is too large with it.
    shorter: Response | None = None


def ask_again(
    request: Request,
    exc: SlotError,
    declared: DialogSlot | None,
    translations: Translations | None,
    say: Callable[[str], str],
) -> Question:
    """The answer to ``exc``, a required slot without a usable value: a question whose answer
    fills the slot. ``declared`` is the slot's dialog declaration, if any; ``say`` gives one of
    alexaskill's sentences in the language the skill speaks to the user."""
    dialog_state = request.dialog_state if isinstance(request, IntentRequest) else None
    if exc.value is None and dialog_state is not None and dialog_state != "COMPLETED":
        from .directives import delegate

        return Question(delegate(), "the dialog model")
    prompt = elicitation_prompt(request, exc.slot_name, declared, translations)
    source = "the slot's elicitation prompt"
    # "?" is AMAZON.NUMBER's value for a number Alexa heard but did not understand.
    heard = exc.value is not None and exc.value != "?"
    if prompt is None:
        prompt = say(messages.SLOT_UNFIT_PROMPT if heard else messages.SLOT_PROMPT)
        source = "the generic prompt"
    elif heard:
        # Why, then the question: asked the same question alone, the user would say the same.
        # A prompt too long for both is asked alone: it is still the slot's own question.
        said_first = _after(say(messages.SLOT_UNFIT), prompt)
        if fits(said_first):
            prompt = said_first
    if not isinstance(request, IntentRequest) or dialog_state is None:
        return Question(ask(prompt), source)
    intent = request.intent
    if intent.slots is None or exc.slot_name not in intent.slots:
        return Question(ask(prompt), source)  # not a slot of the intent's: nothing to elicit
    from .directives import elicit_slot, updated_intent

    cleared = updated_intent(_documented_statuses(intent), **{exc.slot_name: None})
    cleared["confirmationStatus"] = "NONE"  # a confirmation of the value now cleared holds no more
    reply = elicit_slot(exc.slot_name, prompt, updated_intent=cleared)
    return Question(reply, source, elicit_slot(exc.slot_name, prompt))


def encode_question(question: Question, call: Call) -> bytes:
    """The response body of ``question``, answering ``call`` with its session attributes: without
    the intent sent back if it is too large with it.

    The intent sent back holds every slot of the request, and a request may hold a slot value
    of over 120 KB (within the body limit): Alexa's limit for the reply. Without it, Alexa keeps
    the intent it has, and the user's answer replaces the value that did not convert.
    """
    attributes, answered = call.session_attributes, call.envelope
    try:
        return encode_response(question.reply, attributes, answered=answered)
    except ResponseError:
        if question.shorter is None:
            raise
    return encode_response(question.shorter, attributes, answered=answered)


def _documented_statuses(intent: Intent) -> Intent:
    """``intent`` with each confirmationStatus Amazon does not document read as NONE.

    The request's model keeps such a value (a str) for handlers, but the intent sent back is
    the skill's own reply, which Alexa refuses with one: asking again must not fail on it.
    """
    from .directives import CONFIRMATION_STATUSES

    slots = intent.slots
    if slots is not None and any(
        slot.confirmation_status not in CONFIRMATION_STATUSES for slot in slots.values()
    ):
        slots = {
            name: slot
            if slot.confirmation_status in CONFIRMATION_STATUSES
            else msgspec.structs.replace(slot, confirmation_status="NONE")
            for name, slot in slots.items()
        }
    if slots is intent.slots and intent.confirmation_status in CONFIRMATION_STATUSES:
        return intent
    return msgspec.structs.replace(intent, confirmation_status="NONE", slots=slots)


def elicitation_prompt(
    request: Request,
    slot_name: str,
    declared: DialogSlot | None,
    translations: Translations | None,
) -> str | Ssml | None:
    """A variation of the elicitation prompt ``declared`` gives slot ``slot_name``, as Alexa
    would say it for ``request``; None if there is none to say.

    Each variation is translated for the request's locale as the interaction model's prompts are
    (`alexaskill.interaction.builder`); ``{slot}`` takes the slot's value in the request (the
    values of a multiple-value slot, joined), escaped in an SSML prompt. Variations that name a
    slot without a value are left out, as are those its values make longer than Alexa speaks;
    ``slot_name``'s own value, being asked for again, counts as none.
    """
    if declared is None or not declared.elicit:
        return None
    values = _slot_values(request, slot_name)
    translate = None
    if translations is not None:
        translate = translations.translator(request.locale).gettext
    usable: list[str] = []
    for text in declared.elicit:
        if translate is not None:
            text = translate(text)
        if all(values.get(name) for name in _SLOT_REFERENCE.findall(text)):
            filled = filled_prompt(text, values)
            # A request's slot value may be thousands of characters long: a variation it makes
            # longer than Alexa speaks is not asked (the generic prompt is, if none is left).
            # Measured as the reply is, so a variation taken where declared, without {slot},
            # is always asked.
            if fits(filled):
                usable.append(filled)
    if not usable:
        return None
    if len(usable) == 1:
        return usable[0]
    import random  # here: ~4 ms of an AWS Lambda cold start, for a skill that needs it

    return random.choice(usable)  # noqa: S311 (Alexa too picks a variation at random)


def _after(reason: str, prompt: str | Ssml) -> str | Ssml:
    """``prompt`` with ``reason`` said first: in an SSML prompt, right after the root's start
    tag (its attributes, ``xml:lang`` say, kept; a self-closing ``<speak/>`` is an empty
    document). No space after full-width punctuation ("。"), as Japanese writes."""
    separator = "" if reason.endswith(_FULL_WIDTH_STOPS) else " "
    if not isinstance(prompt, Ssml):
        return f"{reason}{separator}{prompt}"
    root = _speak_root(prompt)
    if root < 0:  # an Ssml fragment, wrapped in <speak> when sent
        return Ssml(f"{escape(reason)}{separator}{prompt}")
    # Attribute values may not hold "<" but may hold ">": quoted parts are skipped.
    tag = _START_TAG.match(prompt, root)
    if tag is None:  # not well-formed: sent as it is, Alexa refuses it as it would the prompt
        return prompt
    if tag[0].endswith("/>"):
        return Ssml(f"{prompt[:root]}{tag[0][:-2].rstrip()}>{escape(reason)}</speak>")
    rest = prompt[tag.end() :]
    return Ssml(f"{prompt[: tag.end()]}{escape(reason)}{separator}{rest}")


#: Sentence ends after which Japanese (and Chinese) put no space.
_FULL_WIDTH_STOPS: Final = ("\u3002", "\uff01", "\uff1f")  # 。！？  # noqa: RUF003

#: A start tag, from its "<" to its ">" or "/>", quoted attribute values skipped.
_START_TAG: Final = re.compile(r"""<[^"'>]*+(?:(?:"[^"]*+"|'[^']*+')[^"'>]*+)*+>""")


def _slot_values(request: Request, asked: str) -> Mapping[str, str]:
    """The request's slots with a value, by name, each as a prompt says it."""
    intent = getattr(request, "intent", None)
    slots = None if intent is None else intent.slots
    if not slots:
        return {}
    values = {}
    for name, slot in slots.items():
        said = [value for value in slot.values if value]
        if said and name != asked:
            values[name] = ", ".join(said)
    return values

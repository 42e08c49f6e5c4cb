"""A dialog prompt as alexaskill speaks it, and what of it Alexa would refuse, known before asked.

A prompt variation becomes speech as `alexaskill.asking_again` asks with it (`filled_prompt`:
SSML if it is a ``<speak>`` document, its ``{slot}`` references filled with the request's
values). `prompt_fault` checks a variation as written, its references left as they are, with
the checks of the reply that asks it (`alexaskill.responses.ask`: a ``<break>`` over 10 s, more
than 8,000 characters, speech that says nothing, …), so that a prompt Alexa would refuse is
found where its text is known rather than when a user is asked: a literal when its intent is
declared (`alexaskill.dialog_model.IntentDialog.build` raises `ConfigurationError`), a
catalog's translation at start, once the catalogs are read (`Skill.start` logs a WARNING for
each: `alexaskill.interaction.slot_warnings.translated_prompt_warnings`).

What is only known when asked is not checked: the values ``{slot}`` is filled with (escaped in
SSML, so they break no markup; a variation they make too long is not asked, see
`alexaskill.asking_again.elicitation_prompt`), and the speech a handler builds itself
(``elicit_slot(slot, speech)``), checked as every reply is. Asking again measures a filled
variation as the reply does (`spoken_length`, against the same `MAX_SPEECH`), so a variation
taken where declared, with no ``{slot}`` in it, is always asked.

`prompt_named` names a variation as every message about one does (by intent, slot and which
prompt: ``intent Book, slot day: elicitation prompt 'Which day?'``), quoted by `shown` (a long
one cut to its head and tail, with its length).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from .exceptions import ResponseError
from .responses import MAX_SPEECH, ask
from .shown_names import shown
from .ssml import Ssml, escape
from .xml_text import _speak_root

__all__ = [
    "filled_prompt",
    "fits",
    "prompt_fault",
    "prompt_named",
    "spoken_length",
]

#: ``{slot}`` in a prompt, as the dialog model writes it.
_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")


def filled_prompt(text: str, values: Mapping[str, str]) -> str | Ssml:
    """The speech of prompt variation ``text``: `Ssml` if it is a ``<speak>`` document (after an
    XML declaration, with attributes: SSML too), else plain text; its ``{slot}`` references
    replaced by ``values`` (escaped in SSML), each of which it must name."""
    if _speak_root(text) >= 0:
        return Ssml(_SLOT_REFERENCE.sub(lambda match: escape(values[match[1]]), text))
    return _SLOT_REFERENCE.sub(lambda match: values[match[1]], text)


def spoken_length(speech: str | Ssml) -> int:
    """The characters of ``speech`` that count against Alexa's speech limit, as the reply sends
    it (`alexaskill.responses.SsmlSpeech`): an SSML document from its ``<speak>`` root (the
    prolog before it is not sent), an SSML fragment with the root it is wrapped in."""
    if not isinstance(speech, Ssml):
        return len(speech)
    root = _speak_root(speech)
    return len(speech) - root if root >= 0 else len(speech) + len("<speak></speak>")


def fits(speech: str | Ssml) -> bool:
    """Whether ``speech`` is within the `MAX_SPEECH` characters Alexa speaks (`spoken_length`)."""
    return spoken_length(speech) <= MAX_SPEECH


def prompt_fault(text: str) -> str | None:
    """Why the reply asking with prompt variation ``text`` would be refused, or None: the
    checks of `alexaskill.responses.ask`, on the variation with its ``{slot}`` references as
    written (the values they take are known only when asked)."""
    as_written = {name: f"{{{name}}}" for name in _SLOT_REFERENCE.findall(text)}
    try:
        ask(filled_prompt(text, as_written))
    except ResponseError as exc:
        return str(exc)
    return None


def prompt_named(intent: str, slot: str | None, what: str, text: str, of: str = "") -> str:
    """Prompt variation ``text`` as every message names one, by its intent, its slot (None: the
    intent's own prompt) and ``what`` prompt it is: ``intent Book, slot day: elicitation prompt
    'Which day?'``; ``of`` goes before what it is (``"the de-DE translation of "``)."""
    where = f"intent {intent}" if slot is None else f"intent {intent}, slot {slot}"
    return f"{where}: {of}{what} prompt {shown(text, quoted=True)}"

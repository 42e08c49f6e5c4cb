"""Reading SSML back: whether Alexa would take it (`ssml_error`), and its plain text
(`strip_tags`, of `alexaskill.ssml_text`).

The half of `alexaskill.ssml` that reads markup rather than builds it; `alexaskill.ssml`
re-exports every name here, the place to import them from. The tag scan it reads a document
with is `alexaskill.ssml_scan`'s, its checks of a tag's attributes `alexaskill.ssml_attributes`'
(the app's own, each).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .articles import type_with_article
from .ssml_attributes import _attributes_error, _audio_src_error, _break_error
from .ssml_faults import (
    _DOCTYPE,
    _before_root_fault,
    _first_fault,
    _has_doctype,
    _root_name,
    _tag_fault,
)
from .ssml_limits import _speech_fault
from .ssml_prosody import _prosody_error
from .ssml_scan import _INNER_SPEAK, _SSML_TAGS, _scan, _unknown_tag
from .ssml_text import _SPACES as _SPACES  # (alexaskill.hearing reads them here)
from .ssml_text import _WHITE_SPACE as _WHITE_SPACE
from .ssml_text import _text_lines as _text_lines  # (alexaskill.responses.cards)
from .ssml_text import strip_tags
from .xml_text import _MISC_ENDS, _character_fault, _sent_from_root, _speak_root

__all__ = [
    "PROBLEM_WITH_RESPONSE",
    "response_ssml_error",
    "ssml_error",
    "strip_tags",
]

#: What Alexa says in place of an answer it refuses (SSML it cannot parse, an HTTP error).
PROBLEM_WITH_RESPONSE: Final = "There was a problem with the requested skill's response."


class _DoctypeFound(Exception):
    """Raised by `ssml_error`'s parser at a DOCTYPE, to stop there."""


def ssml_error(markup: str) -> str | None:
    """Why Alexa would refuse ``markup`` as a response's SSML, or None if it takes it.

    Alexa parses SSML as XML: a tag left open or closed out of order, a bare ``&`` or ``<``, an
    entity other than XML's five (``&eacute;``), a character XML cannot hold (a control
    character, a lone surrogate: reported, never raised), a DOCTYPE, text before the root
    (``"\\u3000<speak>…"``: XML's white space is a space, a tab, a CR and a LF alone), a root
    other than ``<speak>``, or a tag Amazon's SSML reference does not list (`_SSML_TAGS`: a
    typo such as ``<emphais>``, W3C's ``<mark>``, Amazon Polly's ``<amazon:breath>``, a
    ``<speak>`` inside the root), or a value of an attribute the reference enumerates that it
    does not list (``<emphasis level="huge">``: `_ENUMERATED`, what the builders refuse), or a
    tag without an attribute the reference requires (`_REQUIRED`: ``<amazon:emotion>`` without its
    ``intensity``), or a blank ``<sub alias>`` or ``<phoneme ph>`` (`_blank_error`, what the
    builders refuse, the app too), or an ``<audio src>`` that is no URL Alexa can fetch
    (`_audio_src_error`: no HTTPS, no host, white space in it), fails the response,
    and the user hears "There was a problem with the requested skill's response". So does a
    ``<break time>`` that is no duration of at most 10 s; one in a form Amazon's reference does
    not write (``"5S"``, whose reading by Alexa is not documented) is said with the form to
    write (``"5s"``), by the app too (`_break_error`, the same check). The builders of
    `alexaskill.ssml` never produce such markup; a hand-written ``Ssml("…")`` can. An
    attribute the reference does not list is not checked here. The test tools
    (`alexaskill.testing`, ``alexaskill chat``, ``replay`` and the
    simulator) call this on every answer; the app does not parse the XML, but refuses the
    speech a handler builds of hand-written ``Ssml`` with a tag missing an attribute
    `_REQUIRED` names (`_missing_attribute`, the same check), a value `_ENUMERATED` does not
    list (`_value_error`, the same check), an ``<audio src>`` Alexa cannot
    fetch (`_audio_src_error`, the same check), a ``<prosody>`` value `alexaskill.ssml.prosody`
    refuses (`_prosody_error`, the same check, here too), a tag `_SSML_TAGS` does not list
    (`_unknown_tag`, said alike), elements that do not nest
    (`_scan_tags`, the same check, said here as the app says it), a bare ``&`` or ``<`` or an
    entity other than XML's five (`alexaskill.xml_references`, said alike), a tag, a comment
    or text not as XML writes them (`alexaskill.xml_markup`, said alike: a processing
    instruction too, ``<speak><?xml …?>``, and a comment before or after the root), text or a
    ``<speak>`` after the root (or a ``<speak>`` inside it), or a ``<break>`` or ``<audio>``
    beyond Amazon's limits (`alexaskill.responses.SsmlSpeech`). So does speech that says
    nothing, is longer than 8000 characters or holds more than five ``<audio>`` clips, counted
    from the root as the app sends it (`alexaskill.ssml_limits`, the app's own check).
    """
    return _markup_error(markup) or _limits_error(markup, "the speech")


def _limits_error(markup: str, subject: str) -> str | None:
    """Why the speech ``markup`` is past a limit of the speech as a whole, said of ``subject``
    ("the speech", or the field the app names: "outputSpeech.ssml says nothing (…)"), or None."""
    # The limits of the speech as a whole, as the app holds it to them where it is built: in
    # what is sent, from the root to its end (`SsmlSpeech` drops the prolog and what follows
    # the root: `alexaskill.xml_text._sent_from_root`, `responses.ssml_elements._to_root_end`).
    root = _speak_root(markup)
    sent = _sent_from_root(markup, root) if root >= 0 else markup
    if root >= 0 and sent.endswith(_MISC_ENDS) and (end := _scan(markup)[1]) >= 0:
        sent = _sent_from_root(markup[:end], root)  # (a comment or an instruction after it)
    return _speech_fault(subject, sent)


def _markup_error(markup: str) -> str | None:
    """`ssml_error` but for the limits of the speech as a whole (its length, its clips, that it
    says something): a progressive response's SSML (`FakeAlexaApi`) has limits of its own."""
    error = _markup_fault(markup)
    # A plain str: the words of a placed fault are a str subclass (`_Placed`), which no JSON
    # the test tools write (msgspec) takes.
    return None if error is None else str.__str__(error)


def _markup_fault(markup: str) -> str | None:
    """`_markup_error`, its words as said (placed, if a fault of the markup has a place)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    roots: list[str] = []
    faults: list[str] = []  # the first one is said

    def start(name: str, attributes: dict[str, str]) -> None:
        if not roots:
            roots.append(name)
        elif faults:
            pass
        elif name == "speak":  # (said as the app's scan says it)
            faults.append(_INNER_SPEAK)
        elif name not in _SSML_TAGS:
            faults.append(_unknown_tag(name))
        elif (error := _attributes_error(name, attributes)) is not None:
            faults.append(error)
        elif name == "audio":
            error = _audio_src_error(attributes["src"])  # (present: _attributes_error said so)
            if error is not None:
                faults.append(error)
        elif name == "break" and "time" in attributes:
            error = _break_error(attributes["time"])
            if error is not None:
                faults.append(error)
        elif name == "prosody":
            error = _prosody_error(attributes)
            if error is not None:
                faults.append(error)

    def doctype(*declaration: object) -> None:
        raise _DoctypeFound  # read no further: its entities (&name;) would be expanded

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    # Before parsing: expat raises UnicodeEncodeError on a lone surrogate, and says only
    # "invalid token" of a control character.
    error = _character_fault(markup)  # (said as the app says it, its field named first)
    if error is not None:
        return error
    # Of several faults, the first by position, in the app's words (`alexaskill.ssml_faults`):
    # an XML declaration expat takes but XML 1.0 does not (version="2.0") among them, said after
    # a DOCTYPE, as the app says it.
    # Text before the root first, by position too (the app wraps SSML that does not start
    # with its root in one: its checks never see such a document), whatever the root's name.
    root = "speak" if _speak_root(markup) >= 0 else _root_name(markup)
    other = root if root != "speak" else None
    fault = _before_root_fault(markup, root or "speak") if not _has_doctype(markup) else None
    fault = fault or _first_fault(markup, _SSML_TAGS, _tag_fault, _SSML_TAGS, other is None)
    if other is not None and fault in (None, _INNER_SPEAK):
        # The one place a root of another name is said: the fault, met first, of a document
        # without text before it; nothing after it is read, and a <speak> inside it
        # (<p>a<speak>b</speak></p>) is not inside a <speak> root. A document expat parses
        # has the root read here: no other check of its name after the parse.
        return _not_speak_root(other)
    if fault is not None:
        return fault
    try:
        parser.Parse(markup, True)
    except expat.ExpatError as exc:  # (one the scan does not read: no document, say)
        return f"not well-formed XML ({exc})"
    except _DoctypeFound:
        return _DOCTYPE
    return faults[0] if faults else None


def _not_speak_root(name: str) -> str:
    """What `ssml_error` says of a document whose root is ``<name>`` (`_markup_fault` alone)."""
    return f"the root element is <{name}>, not <speak>"


def response_ssml_error(response: Mapping[str, Any]) -> str | None:
    """`ssml_error` of a ``response`` object's SSML speech and reprompt, naming the part as the
    app names it: ``outputSpeech.ssml: <fault>``, and ``outputSpeech.ssml says nothing (…)``
    for a limit of the speech as a whole."""
    parts = [("outputSpeech", response.get("outputSpeech"))]
    reprompt = response.get("reprompt")
    if isinstance(reprompt, Mapping):
        parts.append(("reprompt.outputSpeech", reprompt.get("outputSpeech")))
    for where, speech in parts:
        if not isinstance(speech, Mapping) or speech.get("type") != "SSML":
            continue
        if "ssml" not in speech:
            return f"{where}.ssml: missing"
        markup = speech["ssml"]
        if not isinstance(markup, str):
            # (null as JSON says it: the answer read is JSON, from chat --url or replay --url)
            kind = "null" if markup is None else type_with_article(markup)
            return f"{where}.ssml: not a string but {kind}"
        error = _markup_error(markup)
        if error is not None:
            return f"{where}.ssml: {error}"
        error = _limits_error(markup, f"{where}.ssml")  # (the field its subject, as the app's)
        if error is not None:
            return error
    return None

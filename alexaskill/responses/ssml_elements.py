"""The elements of hand-written SSML held to Amazon's limits, as the builders hold their own.

`alexaskill.ssml.break_`, `alexaskill.ssml.audio` and `alexaskill.ssml.prosody` refuse a pause
over 10 s, a URL Alexa cannot fetch and a prosody value out of Amazon's range;
``Ssml("<speak><break time='20s'/></speak>")`` written by hand is checked here when its speech is
built (`alexaskill.responses.SsmlSpeech`): each ``<break time>`` a duration of at most 10 s
written as Amazon's SSML reference writes it (`alexaskill.ssml_attributes._break_error`,
`ssml_error`'s own check: ``'5S'`` is refused with the ``'5s'`` to write), each
``<audio>`` a ``src`` that is an HTTPS URL with a host or a ``soundbank://`` sound
(`alexaskill.ssml_attributes._audio_src_error`, `ssml_error`'s own check), each ``<prosody>``
``rate``, ``pitch`` and ``volume`` one `alexaskill.ssml.prosody` takes, each value Amazon's
SSML reference enumerates (``<phoneme alphabet>``, ``<w role>``, ``<say-as interpret-as>``,
``<break strength>``, ``<emphasis level>``, the ``amazon:`` tags' ``name`` and ``intensity``)
one it lists (`alexaskill.ssml_attributes._value_error`, `ssml_error`'s own check of its one table),
and each tag Amazon's SSML reference requires an attribute of (``<lang>`` its ``xml:lang``,
``<amazon:emotion>`` its ``name`` and ``intensity``, …) with it: `ssml_error`'s own check
(`alexaskill.ssml_attributes._missing_attribute`), as the builders always write them, and each
``<sub alias>`` and ``<phoneme ph>`` something to say (`alexaskill.ssml_attributes._saying_error`,
the builders' rule and words). Alexa refuses
the response otherwise, and the user hears its "There was a problem with the requested
skill's response"; refused here, the handler's error, the user hears the app's apology and
the log names the tag and the attribute. The count of ``<audio>`` clips is
`alexaskill.ssml_limits._audio_clips`.
What a comment, a CDATA section, a processing instruction or an attribute value holds is text,
never checked; a processing instruction's name is (``<?xml …?>`` inside the root, ``<? x?>``),
and each comment and processing instruction before the root (`_check_prolog`: unsent, but no
XML) and after it. A DOCTYPE is refused (`_check_no_doctype`): the speech would hold it inside
``<speak>``; so is text after the root (`_check_after_root`: ``<speak>Hi</speak>x``), a
``<speak>`` tag past the root (two documents run together), and elements that do not nest
(a stray end tag, one left open, crossed ones) or a ``<`` that starts no tag ("1 < 2"), all
in the one scan of `_check_elements` (`alexaskill.ssml_scan._scan_tags`, which `ssml_error`
reads them with too), with each tag and comment as XML writes them (`alexaskill.xml_markup`:
``<break time=1s/>``, ``<!-- a -- b -->``); an ``&`` that is no reference XML reads
(`_check_references`: "Tom & Jerry", ``&eacute;``); ``]]>`` in text (`_check_cdata_ends`).
"""

from __future__ import annotations

import functools
import re
from typing import Final

from ..exceptions import ResponseError
from ..ssml_attributes import (
    _MAX_BREAK_MS,
    _audio_src_error,
    _break_error,
    _break_time_ms,
    _missing_attribute,
    _saying_error,
    _value_error,
)
from ..ssml_faults import (
    _DOCTYPE,
    _after_root_fault,
    _attributes,
    _first_fault,
    _fragment_fault,
    _has_doctype,
)
from ..ssml_prosody import _prosody_error
from ..ssml_scan import _SSML_TAGS, _markup, _scan_tags
from ..xml_markup import _cdata_end_error, _misc_error
from ..xml_references import _reference_error
from ..xml_text import (
    _MISC_ENDS,
    _character_error,
    _check_markup,
    _placed_in_fragment,
    _sent_from_root,
    _speak_root,
    _wrapped,
)

__all__: list[str] = []  # helpers for alexaskill.responses.speech

#: The builder of each element `_check_elements` looks at, named in its errors: those with
#: limits (``<break>``, ``<audio>``, ``<prosody>``), with a required attribute, or with a value
#: Amazon's SSML reference enumerates (``<emphasis level>``).
_BUILDERS: Final = {
    "amazon:domain": "amazon_domain",
    "amazon:effect": "amazon_effect",
    "amazon:emotion": "amazon_emotion",
    "audio": "audio",
    "break": "break_",
    "emphasis": "emphasis",
    "lang": "lang",
    "phoneme": "phoneme",
    "prosody": "prosody",
    "say-as": "say_as",
    "sub": "sub",
    "voice": "voice",
    "w": "w",
}
_NAMES: Final = "|".join(map(re.escape, sorted(_BUILDERS)))
#: A start tag of an element `_BUILDERS` names: group 1 its name, group 2 its attributes. It
#: is read from a start tag `_scan_tags` found (not the text of a comment, …) and XML reads (a
#: value holding ``<`` is refused before, by `alexaskill.xml_markup`).
_LIMITED_TAG: Final = re.compile(
    rf"""<({_NAMES})(?=[\s/>])((?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+)>"""
)


def _pauses_ms(markup: str) -> float:
    """The milliseconds of the ``<break time>`` elements of ``markup`` (`_check_elements`
    first: a time that is no duration counts as none)."""
    total = 0.0
    for piece in _markup().finditer(markup):
        if piece.group(1) == "break":
            tag = _LIMITED_TAG.match(markup, piece.start())
            time = _attributes(tag.group(2)).get("time") if tag is not None else None
            pause = _break_time_ms(time) if time is not None else None
            total += pause[0] if pause is not None else 0.0
    return total


# The same few tags come back answer after answer (<break time="500ms"/>, <say-as
# interpret-as="digits">): their verdicts are kept, by their text up to its first ">", which
# makes a tag's check a slice and a dictionary lookup, without matching `_LIMITED_TAG`.
@functools.lru_cache(maxsize=256)
def _tag_error(text: str) -> str | None:
    """`_element_error` of ``text``, a start tag of an element `_BUILDERS` names; None for one
    `_LIMITED_TAG` does not read, which the scan never passes here: it refuses a tag that is
    no XML (a ``<`` in a value: `alexaskill.xml_markup._start_tag_error`) before asking this."""
    tag = _LIMITED_TAG.fullmatch(text)
    if tag is None:
        return None
    return _element_error(tag.group(1), tag.group(2))


def _element_error(name: str, attributes: str) -> str | None:
    """Why a tag `_BUILDERS` names, with ``attributes``, lacks an attribute Amazon's SSML
    reference requires, has a value it enumerates that it does not list (`_value_error`, of
    `ssml_error`'s table) or breaks its limits, said as `_check_elements` says it; or None."""
    values = _attributes(attributes)
    builder = _BUILDERS[name]
    missing = _missing_attribute(name, values)
    if missing is not None:
        return f"{missing}; ssml.{builder} always writes it"
    error = _value_error(name, values)
    if error is None and (blank := _saying_error(name, values)) is not None:
        return f"{blank} (ssml.{builder} refuses it too)"  # (ssml_error's rule, not Amazon's)
    if error is None and name == "break" and "time" in values:
        # `ssml_error`'s rule and words: a time Amazon's SSML reference does not write ("5S",
        # " 2s "), beyond 10 s or no duration ("5 sec") is refused alike by both.
        time = values["time"]
        error = _break_error(time)
        pause = _break_time_ms(time)
        if error is not None and pause is not None and pause[0] <= _MAX_BREAK_MS:
            return f"{error}; ssml.break_ writes it so"  # (break_("5S") writes "5s")
    if error is None:
        error = _limit_error(name, values)
    if error is not None:
        return f"{error} (Amazon's SSML reference; ssml.{builder} refuses it too)"
    return None


def _limit_error(name: str, values: dict[str, str]) -> str | None:
    """Why an ``<audio>`` or ``<prosody>`` tag with attributes ``values`` breaks Amazon's
    limits, or None (None for any other tag: a ``<break time>`` is `_element_error`'s, by
    `ssml_error`'s own rule)."""
    if name == "prosody":
        return _prosody_error(values)
    if name != "audio":
        return None
    return _audio_src_error(values["src"])  # (_missing_attribute said a tag without one)


def _check_elements(field: str, markup: str) -> int:
    """`ResponseError` naming ``field`` if an element of ``markup`` breaks Amazon's limits,
    lacks an attribute Amazon's SSML reference requires or has a value it does not list, if
    its elements do not nest (a stray end tag, one left open, crossed ones: `_scan_tags`, as
    `ssml_error` reads them), or if more than XML allows follows its root (see the module).
    One scan of the tags, to the end of the root: where it ends (for `_to_root_end`)."""
    error, end = _scan_tags(markup, _BUILDERS, _tag_error, _SSML_TAGS)
    if error is not None:
        raise ResponseError(_wrapped(f"{field}: ", error))
    if 0 <= end < len(markup):
        _check_after_root(field, markup, end)
    return end


def _to_root_end(written: str, end: int) -> str:
    """The ``<speak>`` document ``written`` (checked: its root ends at ``end``) as it is sent:
    its root alone, without the comments and processing instructions after it, nor its prolog,
    as `alexaskill.ssml.speak` composes it. Called only for a document sent ending in one
    (``…</speak><!-- c -->``): the usual one ends with its root."""
    return _sent_from_root(written[:end], _speak_root(written))


def _check_references(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if an ``&`` of ``markup`` is no reference XML reads: a
    bare one, an entity not among XML's five, a reference to no character XML holds
    (`alexaskill.xml_references`). Called for markup with an ``&`` in it: the builders' too,
    whose parts of `Ssml` without a tag (``Ssml("Tom & Jerry")``) they do not escape."""
    error = _reference_error(markup)
    if error is not None:
        raise ResponseError(_wrapped(f"{field}: ", error))


def _check_cdata_ends(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if text of ``markup`` holds ``]]>``, which XML reads
    only as a CDATA section's end (`alexaskill.xml_markup`). Called for markup with one: the
    builders' too, whose parts of `Ssml` without a tag they do not escape."""
    error = _cdata_end_error(markup)
    if error is not None:
        raise ResponseError(_wrapped(f"{field}: ", error))


def _in_fragment(field: str, error: ResponseError, document: str, fragment: str) -> ResponseError:
    """``error``, of ``document`` (``fragment`` the app wrapped in ``<speak>``), naming
    ``field``, said of ``fragment`` (`alexaskill.ssml_faults._fragment_fault`: text before a
    ``<speak>`` root as `ssml_error` says it), with its place said in ``fragment``, the text
    the handler wrote, as `ssml_error` places it ("at index 4 ('Tom & Jerry')", not "at index 11
    ('<speak>Tom & Jerry</speak>')"); ``error`` itself if it names no place in the fragment (a
    fault of the whole: too long, saying nothing). The place is the one its words carry
    (`alexaskill.xml_text._Placed`), never one read back out of them: a quoted value, or an
    index into an ``<audio src>``, may say "at index 7" too."""
    words = error.args[0] if error.args else None
    if not isinstance(words, str) or document != f"<speak>{fragment}</speak>":
        return error
    # Whatever the app's checks met first (a fault named "{field}: …", a limit of the whole):
    # text before a root is said of the fragment itself.
    said = _fragment_fault(fragment, str.__str__(words).removeprefix(f"{field}: "))
    if said is not None:
        return ResponseError(f"{field}: {said}")
    moved = _placed_in_fragment(words, fragment)
    return error if moved is None else ResponseError(moved)


def _sent_document(markup: str) -> tuple[str, str, str | None]:
    """What the SSML ``markup`` given as speech is sent as: the document sent (from its root,
    its prolog and the white space after it dropped: `_sent_from_root`; other markup wrapped in
    ``<speak>`` as written, never composed as `alexaskill.ssml.speak` composes parts, so
    ``Ssml("a<speak>b</speak>")`` is refused, not sent as ``<speak>ab</speak>``), the text a
    fault is placed in (its prolog too: where the handler wrote it), and the fragment wrapped,
    for `_in_fragment` (None for a document). The one reading of an answer's SSML
    (`SsmlSpeech`), a progressive response's and a reminder's; each sends a document checked
    without the comments and processing instructions after its root (`_to_root_end`)."""
    root = _speak_root(markup)
    if root < 0:
        document = f"<speak>{markup}</speak>"
        return document, document, markup
    return _sent_from_root(markup, root), markup, None


def _checked_document(field: str, markup: str, refused: str = "the response") -> str:
    """The document the SSML ``markup`` given as ``field`` is sent as (`_sent_document`),
    `ResponseError` if Amazon would refuse its markup: a character XML cannot hold (Alexa
    would refuse what is ``refused``), else its first fault by position (`_first_fault`),
    placed in the text as written (a fragment's in the fragment), as `SsmlSpeech` says it. Not
    the limits of the speech as a whole, each field's own."""
    document, written, fragment = _sent_document(markup)
    try:
        _check_markup(field, written, refused)
        fault = _first_fault(written, _BUILDERS, _tag_error, _SSML_TAGS)
        if fault is not None:
            raise ResponseError(_wrapped(f"{field}: ", fault))
    except ResponseError as exc:
        if fragment is None:
            raise
        raise _in_fragment(field, exc, document, fragment) from None
    if document.endswith(_MISC_ENDS):  # (what follows the root: not sent, as by SsmlSpeech)
        return _to_root_end(written, _scan_tags(written)[1])
    return document


def _check_after_root(field: str, markup: str, end: int) -> None:
    """`ResponseError` naming ``field`` if ``markup``, a document whose root ends at ``end``,
    holds more after it than XML allows there (`alexaskill.ssml_faults._after_root_fault`, as
    `ssml_error` says it: ``<speak>Hi</speak>x``)."""
    fault = _after_root_fault(markup, end)
    if fault is not None:
        raise ResponseError(_wrapped(f"{field}: ", fault[0]))


def _check_prolog(field: str, markup: str, root: int) -> None:
    """`ResponseError` naming ``field`` if a comment or a processing instruction before the
    root of ``markup`` (at ``root``) is none XML reads (`_misc_error`): the speech is sent from
    its root without them, but a document that is no XML is the handler's mistake."""
    error = _misc_error(markup, 0, root, prolog=True)
    if error is not None:
        raise ResponseError(_wrapped(f"{field}: ", error))


def _check_no_doctype(field: str, markup: str) -> None:
    """`ResponseError` naming ``field`` if ``markup`` has a DOCTYPE (not the text
    ``<!DOCTYPE`` of a comment or a CDATA section): the speech keeps no DOCTYPE before its
    root, and one inside ``<speak>`` is no XML."""
    if _has_doctype(markup):
        raise ResponseError(f"{field}: {_DOCTYPE}")


def _first_said(field: str, markup: str, error: ResponseError) -> ResponseError:
    """The first fault of ``markup`` by position, named ``field``, as `ssml_error` says it
    (`alexaskill.ssml_faults._first_fault`), in place of ``error``, the fault one of the
    app's checks met first; ``error`` itself if the markup has no such fault (a limit of the
    whole speech) or holds a character XML cannot hold (said first by both)."""
    if _character_error(markup) is not None:
        return error
    fault = _first_fault(markup, _BUILDERS, _tag_error, _SSML_TAGS)
    return error if fault is None else ResponseError(_wrapped(f"{field}: ", fault))

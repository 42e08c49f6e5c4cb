"""Speech: plain text or SSML, checked against Alexa's limits when built."""

from __future__ import annotations

import re
from typing import Final, Literal

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..shown_names import shown_value
from ..ssml import Ssml
from ..ssml_compose import _Checked
from ..ssml_limits import (
    _ATTRIBUTES,
    _BLANK,
    _clips_fault,
    _length_fault,
    _nothing_fault,
    _says_nothing,
)
from ..ssml_limits import MAX_AUDIO_CLIPS as MAX_AUDIO_CLIPS
from ..ssml_limits import MAX_SPEECH as MAX_SPEECH
from ..xml_text import (
    _MISC_ENDS,
    _check_markup,
    _plain_str,
    _speak_root,
    _unprintable_xml_text,
    _xml_text,
)
from .ssml_elements import (
    _check_cdata_ends,
    _check_elements,
    _check_no_doctype,
    _check_prolog,
    _check_references,
    _first_said,
    _in_fragment,
    _sent_document,
    _to_root_end,
)

__all__ = [
    "MAX_AUDIO_CLIPS",
    "MAX_SPEECH",
    "OutputSpeech",
    "PlainTextSpeech",
    "SsmlSpeech",
    "output_speech",
]


#: How speech joins what is already playing (``outputSpeech.playBehavior``).
PlayBehavior = Literal["ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED"]
_PLAY_BEHAVIORS: Final = ("ENQUEUE", "REPLACE_ALL", "REPLACE_ENQUEUED")


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ResponseError(f"{field} is {len(value):,} characters; the limit is {limit:,}")


def _exact_str(field: str, value: object) -> str:
    """``value`` as an exact ``str`` (msgspec encodes no subclass, e.g. `Ssml`): the text it
    holds (a str `Enum` member's value), never what its ``__str__`` says."""
    if not isinstance(value, str):
        raise ResponseError(f"{field} must be a str, not {type_with_article(value)}")
    return str.__str__(value)  # as _plain_str, without its call (every SsmlSpeech comes here)


def _refuse_nothing(field: str, speech: str) -> None:
    raise ResponseError(_nothing_fault(field, speech))


#: A start tag (or an empty-element tag) at a position: ``match(markup, start).end()`` is where
#: what it holds begins.
_START_TAG: Final = re.compile(rf"<[^\s/<>!?]++{_ATTRIBUTES}/?>")


def _after_start_tag(markup: str, start: int) -> int:
    """Where the start tag at ``start`` of ``markup`` ends (a ``>`` in a quoted attribute value
    does not end it), or ``start`` if no well-formed start tag is there."""
    end = markup.find(">", start)
    # The usual tag has no quote before its first ">" (<p>, <speak>): that ">" ends it.
    if end >= 0 and markup.find('"', start, end) < 0 and markup.find("'", start, end) < 0:
        return end + 1
    found = _START_TAG.match(markup, start)
    return start if found is None else found.end()


class OutputSpeech(
    msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, tag_field="type"
):
    """Base of the two kinds of speech: `PlainTextSpeech` and `SsmlSpeech`."""


def _check_play_behavior(value: str | UnsetType) -> None:
    if value is not UNSET and value not in _PLAY_BEHAVIORS:
        raise ResponseError(
            f"outputSpeech.playBehavior is {shown_value(value)}; use one of "
            f"{', '.join(_PLAY_BEHAVIORS)}"
        )


# kw_only is deliberately off for speech and cards: their required fields read best positionally,
# and their bases declare no fields, so msgspec's "required after optional" trap cannot occur.
class PlainTextSpeech(OutputSpeech, tag="PlainText", frozen=True):
    """Speech read as plain text: ``{"type": "PlainText", "text": …}``; a character XML cannot
    hold (a control character, a lone surrogate) becomes a space, as in `alexaskill.ssml.escape`."""

    text: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        # Every response builds one or two of these: the checks are inline, and the helpers
        # called only to convert or to raise (a call costs as much as the checks).
        text = self.text
        if type(text) is not str:
            text = _exact_str("outputSpeech.text", text)
            force_setattr(self, "text", text)
        if not text.isprintable():  # a newline, or a character XML cannot hold (see _xml_text)
            text = _unprintable_xml_text(text)
            force_setattr(self, "text", text)
            # Asked only of text not starting with an ASCII letter or digit (a Hangul filler
            # is alphanumeric, and blank).
            first = text[:1]
            if not (first.isascii() and first.isalnum()) and _BLANK.fullmatch(text) is not None:
                _refuse_nothing("outputSpeech.text", text)
        # Printable ASCII text is blank only if empty or all spaces (isspace() stops at the
        # first other character); other text may be of invisible characters that are printable
        # (a variation selector, a Hangul filler): the pattern stops at the first visible one.
        elif (
            not text
            or text.isspace()
            or (not text.isascii() and _BLANK.fullmatch(text) is not None)
        ):
            _refuse_nothing("outputSpeech.text", text)
        if len(text) > MAX_SPEECH:
            _check_length("outputSpeech.text", text, MAX_SPEECH)
        if self.play_behavior is not UNSET:
            _check_play_behavior(self.play_behavior)


class SsmlSpeech(OutputSpeech, tag="SSML", frozen=True):
    """Speech in SSML: ``{"type": "SSML", "ssml": "<speak>…</speak>"}``; the root is added.

    Markup that is a ``<speak>`` document (see `output_speech`) is sent from its root, without
    what came before it; any other is wrapped in ``<speak>`` as written (a ``<speak>`` tag in it
    is refused, as `ssml_error` refuses the document it is wrapped in). A character XML cannot
    hold (a control character, a lone surrogate), text after the root (``<speak>Hi</speak>x``), a
    bare ``&`` or ``<``, or an entity other than XML's five (``&eacute;``) raises
    `ResponseError`: Alexa would refuse the response.
    """

    ssml: str
    play_behavior: PlayBehavior | UnsetType = UNSET

    def __post_init__(self) -> None:
        # The builders' SSML (ssml.speak(…, ssml.break_("1s"))) had its <break> and <audio>
        # elements checked where built: not again here (microseconds a tag).
        checked = type(self.ssml) is _Checked
        given = _exact_str("outputSpeech.ssml", self.ssml)
        # The document sent (from its root; a fragment wrapped in <speak> as written, never
        # composed as `ssml.speak` composes parts: Ssml("a<speak>b</speak>") is refused as
        # `ssml_error` refuses the document it is wrapped in, not sent as "<speak>ab</speak>"),
        # and what the checks that place a fault read ("at index 21"): the text as written, its
        # prolog too, so that the index points where the handler wrote the fault (and where
        # `ssml_error` places it), not into what is sent. The one reading of a progressive
        # response's and a reminder's SSML too.
        markup, written, fragment = _sent_document(given)
        if "<!DOCTYPE" in given:  # (said first, by `ssml_error` too: after a character XML
            # cannot hold, placed in the text as written; looked for in the document as
            # written, a fragment wrapped, whose end would cut short a tag holding "<!DOCTYPE"
            # in a value)
            _check_markup("outputSpeech.ssml", given)
            _check_no_doctype("outputSpeech.ssml", written)
        force_setattr(self, "ssml", markup)
        try:
            self._check(markup, written, checked)
            # After: a character XML cannot hold is said first, wherever it is (`_check` looks
            # for one first); any other fault `_first_said` puts first by position. A prolog
            # is what the document sent dropped before its root (a document written from its
            # root starts with it: no search for it in the usual answer).
            if fragment is None and not written.startswith("<speak"):
                _check_prolog("outputSpeech.ssml", written, _speak_root(written))
        except ResponseError as exc:
            # Of several faults, the first by position, as `ssml_error` says it.
            said = _first_said("outputSpeech.ssml", written, exc)
            if fragment is None:
                raise said from None
            # A fragment's fault is placed in the fragment as written, as `ssml_error` places
            # it, not in the document it is wrapped in.
            raise _in_fragment("outputSpeech.ssml", said, markup, fragment) from None
        _check_play_behavior(self.play_behavior)

    def _check(self, markup: str, written: str, checked: bool) -> None:
        """`ResponseError` if Amazon would refuse ``markup``, the document sent; a fault is
        placed in ``written``, the text as written (a prolog too). A document ending in a
        comment or a processing instruction after its root is sent without them."""
        _check_markup("outputSpeech.ssml", written)
        # Each "&" a reference XML reads, the builders' markup too (an Ssml part without a tag
        # is not escaped); the usual answer has none (a "<" that starts no tag is found by the
        # scan of the tags below, which markup with a third "<" goes to).
        if "&" in markup:
            _check_references("outputSpeech.ssml", written)
        if "]]>" in markup:  # (in text, no XML: the builders' markup too)
            _check_cdata_ends("outputSpeech.ssml", written)
        # A letter or a digit right after the root's start tag, or after the start tag that
        # follows it (<p>Hi, <prosody …>Hi), says something: the usual answers, without the
        # pattern. Only a start tag ("<" and a letter) is skipped: a comment or a processing
        # instruction may hold a ">" (<!-- a>b -->), and goes to the pattern; so may a quoted
        # attribute value (<p title='a>b'>), which `_after_start_tag` sees through.
        # Only an ASCII letter or digit: a Hangul filler is alphanumeric, and says nothing.
        bare_root = markup.startswith("<speak>")  # (an empty <speak/> root is not)
        said = 7 if bare_root else _after_start_tag(markup, 0)
        first = markup[said : said + 1]
        if not (first.isascii() and first.isalnum()):
            if first == "<" and markup[said + 1 : said + 2].isalpha():
                end = markup.find(">", said)
                # Inline for the usual tag without a quote before its first ">" (<p>).
                tag = markup[said:end]
                said = (
                    end + 1 if '"' not in tag and "'" not in tag else _after_start_tag(markup, said)
                )
                first = markup[said : said + 1]
            if not (first.isascii() and first.isalnum()) and _says_nothing(markup):
                _refuse_nothing("outputSpeech.ssml", markup)
        # One scan of the tags: each with limits or a required attribute (<break>, <say-as>,
        # <audio>, …), that they nest (a stray end tag, one left open, crossed ones), and what
        # follows the root (<speak>Hi</speak>x). The usual short answer, the root's two tags
        # ending the document, needs none (markup starts with its root: an <audio> is a third
        # "<"), nor the builders' SSML, checked where built (starting with a bare <speak> and
        # ending with its root). A root with attributes is scanned: it may be an empty
        # element (<speak/>x</speak>, two "<" too, whose root ends before the "x").
        if (
            (not checked and markup.count("<") > 2)
            or not bare_root
            or not markup.endswith("</speak>")
        ):
            end = _check_elements("outputSpeech.ssml", written)
            # What follows the root is not sent, as `ssml.speak` drops it: looked for here, on
            # the scan's rare path, not in `_sent_document`, where each answer paid for the
            # test of its end (~950 instructions, reverted in 8294abfb).
            if markup.endswith(_MISC_ENDS):
                markup = _to_root_end(written, end)
                force_setattr(self, "ssml", markup)
        # The limits of what is sent, after the scan: what follows the root counts toward none
        # (a fault the scan met is said first by position all the same: `_first_said`).
        if len(markup) > MAX_SPEECH:
            raise ResponseError(_length_fault("outputSpeech.ssml", markup))
        if "<audio" in markup and (clips := _clips_fault("outputSpeech.ssml", markup)):
            raise ResponseError(clips)


def output_speech(value: str | Ssml) -> PlainTextSpeech | SsmlSpeech:
    """Speech from a value: `Ssml` becomes SSML speech, any other ``str`` plain text.

    What counts, exactly: the type decides, never the content, but for one mistake. A plain
    ``str`` that is a ``<speak>`` document raises `ResponseError` (Alexa would read its tags
    aloud): one whose first markup, after any white space and what XML allows before a root
    (white space, an XML declaration, comments, processing instructions, of any length), is a
    ``<speak>`` start tag.
    Any other ``str`` is plain text, sent as it is (``"Say <speak> to me"`` included), with the
    characters XML cannot hold replaced by a space (first: a document once they are replaced is
    refused too). SSML built from plain text escapes it
    (`alexaskill.ssml.escape`).
    """
    if type(value) is str:  # the usual case, first (an Ssml is a str subclass)
        if "<speak" in value:  # (the quick "no" here too: every answer's, no call)
            _refuse_document_as_text(value)
        return PlainTextSpeech(value)
    if isinstance(value, Ssml):
        return SsmlSpeech(value)
    if isinstance(value, str):
        text = _plain_str(value)
        _refuse_document_as_text(text)
        return PlainTextSpeech(text)
    raise ResponseError(f"speech must be a str or Ssml, not {type_with_article(value)}")


def _refuse_document_as_text(text: str) -> None:
    """`ResponseError` if the plain ``text`` is a ``<speak>`` document (`_speak_root`) once
    cleaned as it is sent (``"\\x00<speak>…"`` is one: `_xml_text`), after any white space
    (``str.isspace``'s: ``"\\u3000<speak>…"`` is no XML document): Alexa would read its tags
    aloud. The one check of an answer's speech, a progressive response's and a reminder's."""
    if "<speak" in text and _speak_root(_xml_text(text).lstrip()) >= 0:  # (a quick "no" first)
        _refuse_markup_as_text()


def _refuse_markup_as_text() -> None:
    raise ResponseError(
        "speech is plain text starting with <speak>: Alexa would read the tags aloud. SSML goes "
        'in Ssml("<speak>…</speak>") (from alexaskill import Ssml) or alexaskill.ssml.speak(…)'
    )

"""Tests for alexaskill.xml_references: each "&" of SSML a reference XML reads, each "<" a tag.

Alexa parses SSML as XML and refuses the whole response for a bare "&", an entity other than
XML's five or a "<" that starts no tag; the app sent them (only the test tools' `ssml_error`
said so), where it now refuses them as it builds the speech, a progressive response's too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import PlainTextSpeech, SsmlSpeech, output_speech, speak
from alexaskill.services.progressive import progressive_document
from alexaskill.shown_names import shown
from alexaskill.ssml import Ssml
from alexaskill.xml_references import _ESCAPING, _ESCAPING_A_VALUE
from tests.ssml_shared import (
    logged_when_a_handler_answers,
    refusal_advises,
    refusal_of,
    refused_where_the_speech_is_built,
)

#: Markup Alexa refuses, and the start of what is said of it (after the field's name).
REFUSED = [
    ("<speak>Tom & Jerry</speak>", "a bare '&' at index 11 ('<speak>Tom & Jerry</speak>')"),
    ("<speak>Tom &amp Jerry</speak>", "a bare '&' at index 11"),  # (no ";": no reference)
    ("<speak>R&D</speak>", "a bare '&' at index 8"),
    ("<speak>a &</speak>", "a bare '&' at index 9"),
    ("<speak>a &#; b</speak>", "a bare '&' at index 9"),
    ("<speak>a &#xZZ; b</speak>", "a bare '&' at index 9"),
    (
        "<speak><audio src='https://cdn.example.com/a.mp3?x=1&y=2'/></speak>",
        "a bare '&' at index 52",  # (in an attribute value too: XML reads references there)
    ),
    ("<speak>caf&eacute;</speak>", "&eacute; at index 10 is no entity XML knows"),
    ("<speak>a&nbsp;b</speak>", "&nbsp; at index 8 is no entity XML knows"),
    ("<speak>a &AMP; b</speak>", "&AMP; at index 9 is no entity XML knows"),
    ("<speak>a &b.c; b</speak>", "&b.c; at index 9 is no entity XML knows"),
    ("<speak>a &#0; b</speak>", "&#0; at index 9 refers to U+0000, which XML cannot hold"),
    ("<speak>a &#xD800; b</speak>", "&#xD800; at index 9 refers to U+D800, which XML cannot"),
    ("<speak>a &#x110000; b</speak>", "&#x110000; at index 9 refers to no character"),
    ("<speak>1 < 2</speak>", "a bare '<' at index 9 ('<speak>1 < 2</speak>')"),
    ("<speak>a <3 b</speak>", "a bare '<' at index 9"),
    ("<speak>a <= b</speak>", "a bare '<' at index 9"),
    ("<speak>a <\nb</speak>", "a bare '<' at index 9"),
    ("<speak><p>a</p>b <</speak>", "a bare '<' at index 17"),
    ("<speak>a </ p> b</speak>", "a bare '<' at index 9"),
]


# (A progressive response's speech too, in the same parametrized case: its own test of each
# case ran the whole list a second time.)
@pytest.mark.parametrize(("markup", "said"), REFUSED)
def test_markup_xml_cannot_read_is_refused_where_the_speech_is_built(
    markup: str, said: str
) -> None:
    refused_where_the_speech_is_built(markup, said)


@pytest.mark.parametrize(
    ("markup", "advice"),
    [
        ("<speak>Tom & Jerry</speak>", "write &amp; for the character"),
        ("<speak>caf&eacute;</speak>", "write the character ('é') or its reference (&#233;)"),
        ("<speak>a&nbsp;b</speak>", "write the character ('\\xa0') or its reference (&#160;)"),
        ("<speak>a &foo; b</speak>", "write the character or its reference (&#…;)"),
        ("<speak>1 < 2</speak>", "write &lt; for the character"),
    ],
)
def test_the_refusal_says_what_to_write(markup: str, advice: str) -> None:
    refusal_advises(markup, advice)


@pytest.mark.parametrize(
    "markup",
    [
        # HTML reads a legacy entity's name without its ";" at the start of a longer one
        # ("&copy" of "&copyright;", "&amp" of "&ampx;"): none of these is an HTML entity.
        "<speak>a &copyright; b</speak>",
        "<speak>a &ampx; b</speak>",
        "<speak>a &notit; b</speak>",
    ],
)
def test_a_name_no_entity_starts_is_offered_no_character(markup: str) -> None:
    said = refusal_of(markup)
    assert "write the character or its reference (&#…;)" in said, said


def test_the_builders_own_markup_of_a_fragment_without_tags_is_checked_too() -> None:
    # Ssml without a "<" composes into the builders' own markup, whose tags the speech does not
    # scan again: its "&" is read all the same.
    composed = ssml.speak(Ssml("Tom & Jerry"), ssml.break_("1s"))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: a bare '&' at index 11"):
        SsmlSpeech(composed)
    with pytest.raises(ResponseError, match="a bare '&'"):
        speak(Ssml("Tom & Jerry") + " and more")


@pytest.mark.parametrize(
    "markup",
    [
        "<speak>Tom &amp; Jerry &#38; &#x26; &lt;3 &gt; &quot;hi&quot; &apos;</speak>",
        "<speak>&#8364;5, &#x1F600; &#0000065; &#x10FFFF;</speak>",
        "<speak>Hi<!-- Tom & Jerry, &eacute;, 1 < 2 --></speak>",
        "<speak>Hi<![CDATA[Tom & Jerry, &eacute;, 1 < 2]]></speak>",
        "<speak>Hi<?note Tom & Jerry, 1 < 2 ?></speak>",
        "<speak><audio src='https://cdn.example.com/a.mp3?x=1&amp;y=2'/></speak>",
        "<speak><sub alias='R&amp;D'>R and D</sub></speak>",
        "<speak>a<p>b</p><s>c</s><break/></speak>",
    ],
)
def test_references_xml_reads_and_text_xml_skips_are_taken(markup: str) -> None:
    assert SsmlSpeech(Ssml(markup)).ssml == markup
    assert progressive_document(Ssml(markup)) == markup
    assert ssml.ssml_error(markup) is None


def test_plain_text_is_escaped_never_refused() -> None:
    text = "Tom & Jerry <3 caf&eacute; 1 < 2 &#0; &"
    assert output_speech(text) == PlainTextSpeech(text)
    assert speak(text).output_speech == PlainTextSpeech(text)
    for built in (
        ssml.speak(text),
        ssml.speak(ssml.p(text), ssml.emphasis(text), ssml.sub(text, alias=text)),
        Ssml("<p>a</p>") + text,
        text + Ssml("<p>a</p>"),
        Ssml(" ").join([text, ssml.s(text)]),
    ):
        speech = SsmlSpeech(built)
        assert "&amp;" in speech.ssml and "&lt;" in speech.ssml
        assert ssml.ssml_error(speech.ssml) is None
        assert progressive_document(built) == speech.ssml
    assert progressive_document(text) == str(ssml.speak(text))


def test_a_handler_writing_a_bare_ampersand_is_its_error(caplog: pytest.LogCaptureFixture) -> None:
    # The author gets an ERROR naming the fault, the user the apology rather than Amazon's
    # "There was a problem with the requested skill's response".
    logged = logged_when_a_handler_answers("<speak>Tom & Jerry</speak>", caplog)
    assert "outputSpeech.ssml: a bare '&' at index 11" in logged, logged


#: A decimal reference of more digits than Python converts to an int (4,300, its
#: ``sys.get_int_max_str_digits()`` default): refers to no character.
_MANY_DIGITS = "9" * 5000


@pytest.mark.parametrize(
    "markup",
    [
        f'<speak><audio src="&#{_MANY_DIGITS};"/></speak>',
        f'<speak><break time="&#{_MANY_DIGITS};"/></speak>',
        f'<speak><say-as interpret-as="&#{_MANY_DIGITS};">x</say-as></speak>',
    ],
)
def test_a_reference_of_too_many_digits_in_a_tag_is_refused_not_a_value_error(
    markup: str,
) -> None:
    # Reading the tag's attributes (`_attribute_value`) converted the digits with int(), which
    # raised ValueError past 4,300 digits: ssml_error and the app failed instead of saying it.
    said = f"{shown(f'&#{_MANY_DIGITS};')} at index "
    found = ssml.ssml_error(markup)
    assert found is not None and found.startswith(said), found
    assert refusal_of(markup) == f"outputSpeech.ssml: {found}"
    assert found.startswith("&#99999999999999999999999999999999999999"), found
    assert "9999; (5,003 characters) at index" in found, found


def test_a_long_reference_to_no_character_is_said_whole_up_to_the_shared_bound() -> None:
    # Cut by hand past 16 characters to its first 12 ("&#x000000000…;"): its end, the digits
    # that make the character it names, unsaid and unmarked as a cut.
    reference = "&#x" + "0" * 20 + "1;"
    found = ssml.ssml_error(f"<speak>a {reference} b</speak>")
    said = f"{reference} at index 9 refers to U+0001, "
    assert found is not None and found.startswith(said), found


@pytest.mark.parametrize(
    "value", ["caf&eacute;", "Tom & Jerry", "a &amp b", "&#0;", "x&#xD800;", "&#x110000;"]
)
def test_ssml_given_as_an_attribute_value_is_refused_as_the_checker_refuses_it(value: str) -> None:
    # `Ssml` given as an attribute value is read as XML reads it, but what XML cannot read was
    # kept as written, its "&" escaped (ssml.sub("x", Ssml("caf&eacute;")) wrote the alias
    # "caf&amp;eacute;", said "caf ampersand eacute"), where the checker, as Alexa's XML parser,
    # refuses the same value written by hand: refused alike now, in its words, placed in the value.
    document = f'<speak><sub alias="{value}">x</sub></speak>'
    said = ssml.ssml_error(document)
    assert said is not None
    with pytest.raises(ResponseError) as refused:
        ssml.sub("x", Ssml(value))
    words = str(refused.value)
    opening = f"SSML <sub alias> value {value!r}: "
    assert words.startswith(opening), words
    fault, _, rest = words.removeprefix(opening).partition(" at index ")
    assert said.startswith(f"{fault} at index "), (words, said)
    at = int(rest.split(" ", 1)[0].split(":", 1)[0])
    assert f"{fault} at index {at + document.index(value)}" in said, (words, said)
    reason = ": Alexa parses SSML as XML"
    # (the advice for a bare "&" is a value's: a str, not ssml.speak; tested below)
    advice = said[said.index(reason) :].replace(_ESCAPING, _ESCAPING_A_VALUE)
    assert words[words.index(reason) :] == advice, (words, said)


def test_ssml_given_as_an_attribute_value_xml_reads_is_taken() -> None:
    assert ssml.sub("x", Ssml("caf&#233; &amp; &#x85;")) == '<sub alias="café &amp; \x85">x</sub>'


@pytest.mark.parametrize(
    ("build", "value"),
    [
        (ssml.audio, "https://cdn.example.com/a.mp3?x=1&y=2"),
        (lambda value: ssml.sub("x", value), "Tom & Jerry"),
        (lambda value: ssml.phoneme("x", value), "a &amp b"),
    ],
)
def test_a_bare_ampersand_in_an_ssml_attribute_value_says_what_to_write_instead(
    build: Callable[[str], str], value: str
) -> None:
    # The refusal ended with the checker's advice for a document, "or build the speech with
    # ssml.speak(…), which escapes plain text", which cannot help a value: what helps is &amp;
    # or the value given as a str, which the builder escapes (and which is then taken).
    with pytest.raises(ResponseError) as refused:
        build(Ssml(value))
    words = str(refused.value)
    assert "ssml.speak" not in words, words
    assert words.endswith(
        ": Alexa parses SSML as XML, where '&' starts an entity (&amp;, &lt;, &gt;, &quot;, "
        "&apos;) or a character reference (&#38;); write &amp; for the character, or give the "
        "value as a str (not Ssml), which is escaped"
    ), words
    assert ssml.ssml_error(ssml.speak(build(value))) is None
    assert build(value) == build(Ssml(value.replace("&", "&amp;")))

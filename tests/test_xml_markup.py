"""Tests for alexaskill.xml_markup: tags, comments and text as XML writes them.

Alexa parses SSML as XML and refuses the whole response for an unquoted attribute value, an
attribute given twice, a ``<`` in an attribute value, ``]]>`` in text, ``--`` inside a comment
or a tag name XML does not allow; the app sent them (only the test tools' `ssml_error` said
so), where it now refuses them as it builds the speech, a progressive response's too.
"""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import Ssml
from tests.ssml_shared import (
    logged_when_a_handler_answers,
    refusal_advises,
    refused_where_the_speech_is_built,
)

#: Markup Alexa refuses, and the start of what is said of it (after the field's name).
REFUSED = [
    (
        "<speak>a <break time=1s/></speak>",
        "an unquoted attribute value at index 21 ('speak>a <break time=1s/></speak>')",
    ),
    ("<speak time=1s>a</speak>", "an unquoted attribute value at index 12"),
    ("<speak>a <p x=>b</p></speak>", "an unquoted attribute value at index 14"),
    ("<speak>a <break time/></speak>", "an attribute without a value at index 16"),
    ('<speak>a <break time="1s" time="2s"/></speak>', "time twice in one tag at index 26"),
    ("<speak>a <p a='1' a='2'>b</p></speak>", "a twice in one tag at index 18"),
    ('<speak>a <break time="<1s"/></speak>', "a '<' in an attribute value at index 22"),
    ("<speak><sub alias='</p>'>x</sub></speak>", "a '<' in an attribute value at index 19"),
    ('<speak>a <break time="1s"strength="weak"/></speak>', "no space before an attribute"),
    ("<speak>a ]]> b</speak>", "']]>' in text at index 9"),
    ("<speak>a <![CDATA[x]]> ]]> b</speak>", "']]>' in text at index 23"),
    ("<speak>a]]></speak>", "']]>' in text at index 8"),
    ("<speak>a <!-- x -- y --> b</speak>", "'--' inside a comment at index 16"),
    ("<speak>a <!-- x ---> b</speak>", "'--' inside a comment at index 16"),
    ("<speak>a <p,>b</p,></speak>", "',' in the tag name at index 11"),
    ('<speak>a <s"x">b</s></speak>', "'\"' in the tag name at index 11"),
    ("<speak>a <p 1a='x'>b</p></speak>", "'1' starts an attribute name at index 12"),
    ("<speak>a <break ='1s'/></speak>", "'=' starts an attribute name at index 16"),
    ("<speak>a <p>b</p x></speak>", "more than a name in an end tag at index 17"),
    # An XML declaration stands first or nowhere; a processing instruction has a name, never
    # xml in another case (XML 1.0, "Processing Instructions", "PITarget").
    ("<speak><?xml version='1.0'?>a</speak>", "an XML declaration past the start at index 7"),
    ("<speak>a <?xml version='1.0'?> b</speak>", "an XML declaration past the start at index 9"),
    ("<speak>a</speak> <?xml version='1.0'?>", "an XML declaration past the start at index 17"),
    ("<speak>a <?XML x?> b</speak>", "'XML' as a processing instruction's name at index 11"),
    ("<?Xml x?><speak>a</speak>", "'Xml' as a processing instruction's name at index 2"),
    ("<speak>a <? x?> b</speak>", "a processing instruction without a name at index 11"),
    ("<speak>a</speak><?,x?>", "a processing instruction without a name at index 18"),
    ("<speak>a <?x,y?> b</speak>", "',' in a processing instruction's name at index 12"),
    # Comments before and after the root are held to what XML asks of those inside it.
    ("<speak>a</speak><!-- x -- y -->", "'--' inside a comment at index 23"),
    ("<speak>a</speak>\n<!-- x --->", "'--' inside a comment at index 24"),
    ("<speak>a</speak><?note?><!-- -- -->", "'--' inside a comment at index 29"),
    ("<!-- x -- y --><speak>a</speak>", "'--' inside a comment at index 7"),
    ("<?xml version='1.0'?>\n<!-- x ---><speak>a</speak>", "'--' inside a comment at index 29"),
    # The declaration before the root is held to XML too, though the speech is sent without it:
    # first or nowhere, once, as XML 1.0 writes it ("XMLDecl"). The app took any of these, which
    # ssml_error refuses (expat: "XML or text declaration not at start of entity", "XML
    # declaration not well-formed").
    (' <?xml version="1.0"?><speak>a</speak>', "an XML declaration past the start at index 1"),
    ("\n<?xml version='1.0'?>\n<speak>a</speak>", "an XML declaration past the start at index 1"),
    (
        "<!-- x --><?xml version='1.0'?><speak>a</speak>",
        "an XML declaration past the start at index 10",
    ),
    (
        "<?xml version='1.0'?><?xml version='1.0'?><speak>a</speak>",
        "an XML declaration past the start at index 21",
    ),
    ("<?xml?><speak>a</speak>", "an XML declaration not as XML writes it at index 0"),
    ("<?xml version='2.0'?><speak>a</speak>", "an XML declaration not as XML writes it at index 0"),
    ("<?xml encoding='UTF-8'?><speak>a</speak>", "an XML declaration not as XML writes it"),
    (
        "<?xml version='1.0' standalone='maybe'?><speak>a</speak>",
        "an XML declaration not as XML writes it at index 0",
    ),
    ("<?xml version='1.0' x='1'?><speak>a</speak>", "an XML declaration not as XML writes it"),
    ("<?xml version='1.0'encoding='UTF-8'?><speak>a</speak>", "an XML declaration not as XML"),
    (
        "<?xml standalone='yes' version='1.0'?><speak>a</speak>",
        "an XML declaration not as XML writes it at index 0",
    ),
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
        ("<speak>a <break time=1s/></speak>", """write time="1s\""""),
        ("<speak>a <break time/></speak>", "give it a value in quotes"),
        ('<speak>a <break time="1s" time="2s"/></speak>', "keep one"),
        ('<speak>a <break time="<1s"/></speak>', "write &lt; for the character"),
        ("<speak>a ]]> b</speak>", "write ]]&gt;"),
        ("<speak>a <!-- x -- y --> b</speak>", "a comment holds no '--'"),
        ("<speak>a <?xml version='1.0'?> b</speak>", "move it there or leave it out"),
        ("<speak>a <?XML x?> b</speak>", "the name xml, in any case, is XML's own"),
        ("<speak>a <? x?> b</speak>", "write &lt;? for the text"),
        ("<speak>a <p,>b</p,></speak>", "XML names"),
    ],
)
def test_the_refusal_says_what_to_write(markup: str, advice: str) -> None:
    refusal_advises(markup, advice)


def test_the_builders_own_markup_of_a_fragment_without_tags_is_checked_too() -> None:
    # Ssml without a "<" composes into the builders' own markup, whose tags the speech does not
    # scan again: a "]]>" in its text is found all the same.
    composed = ssml.speak(Ssml("a ]]> b"), ssml.break_("1s"))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: '\]\]>' in text at index 9"):
        SsmlSpeech(composed)


@pytest.mark.parametrize(
    "markup",
    [
        "<speak>a <break time='1s'/> <break  time = \"2s\" /> b</speak>",
        "<speak>a <p\n>b</p\t> <s >c</s ></speak>",
        "<speak><sub alias='a > b ]]> c'>x</sub></speak>",
        "<speak>a <![CDATA[ x ]] ]]> y]] > b</speak>",
        "<speak>a ]] > b ]]</speak>",
        "<speak>a <!-- x - y --> <!----> <!-- a->b --> b</speak>",
        "<speak>a <!-- <break time=1s/> ]]> --> b</speak>",
        "<speak>a <?note <break time=1s/> ]]> -- ?> b</speak>",
        "<speak><lang xml:lang='fr-FR'>oui</lang> <w role='amazon:VB'>read</w></speak>",
        "<speak>a <?xml-stylesheet href='a'?> <?xmlnote x?> <?note?> b</speak>",
    ],
)
def test_markup_xml_reads_is_taken(markup: str) -> None:
    assert SsmlSpeech(Ssml(markup)).ssml == markup
    assert progressive_document(Ssml(markup)) == markup
    assert ssml.ssml_error(markup) is None


@pytest.mark.parametrize(
    "markup",
    [
        "<?xml version='1.0'?><!-- a - b --><?note x?>\n<speak>a</speak>",
        '<?xml version = "1.1" encoding="UTF-8" standalone="no" ?>\n<speak>a</speak>',
        "<?xml-stylesheet href='a'?><speak>a</speak>",
    ],
)
def test_a_prolog_xml_reads_is_taken_and_not_sent(markup: str) -> None:
    assert SsmlSpeech(Ssml(markup)).ssml == "<speak>a</speak>"
    assert progressive_document(Ssml(markup)) == "<speak>a</speak>"
    assert ssml.speak(Ssml(markup)) == "<speak>a</speak>"
    assert ssml.ssml_error(markup) is None


def test_plain_text_is_escaped_never_refused() -> None:
    text = "a ]]> b <!-- x -- y --> time=1s a='1' a='2'"
    for built in (
        ssml.speak(text),
        ssml.speak(ssml.p(text), ssml.sub(text, alias=text)),
        Ssml("<p>a</p>") + text,
    ):
        speech = SsmlSpeech(built)
        assert ssml.ssml_error(speech.ssml) is None
        assert progressive_document(built) == speech.ssml


def test_a_handler_writing_an_unquoted_value_is_its_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The author gets an ERROR naming the fault, the user the apology rather than Amazon's
    # "There was a problem with the requested skill's response".
    logged = logged_when_a_handler_answers("<speak>Hi <break time=1s/></speak>", caplog)
    assert "outputSpeech.ssml: an unquoted attribute value at index 22" in logged

"""Tests for alexaskill.responses: hand-written SSML as the one XML document Alexa parses (one
<speak> root, nothing but white space, comments and instructions after it, tags Alexa knows,
elements that nest), each checked against the test tools' checker, `ssml_error`, too.

Its tags' attributes and the limits of the builders, and the scan made once: test_responses_ssml.py.
"""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech, ask, ssml_elements
from alexaskill.ssml import Ssml

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("markup", "after"),
    [
        ("<speak>Hi</speak>x", "'x'"),
        ("<speak>Hi</speak> there", "'there'"),
        ("<speak>Hi <p>a</p></speak><p>b</p>", "'<p>b</p>'"),
        ("<speak>Hi</speak><!-- c -->&amp;", "'&amp;'"),
        ("<speak>Hi</speak >\u3000", "'\\u3000'"),
        ("<speak>Hi<!-- </speak> --></speak>.", "'.'"),
    ],
)
def test_text_after_the_root_is_refused(markup: str, after: str) -> None:
    # XML holds nothing after its root but white space, comments and processing instructions:
    # the app sent "<speak>Hi</speak>x" as written, and Alexa refused the response.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(
        f"outputSpeech.ssml: {after} after its <speak> root: Alexa parses SSML as XML"
    ), str(refused.value)
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.ssml: "):
        ask("Which one?", reprompt=Ssml(markup))
    assert str(refused.value) == f"outputSpeech.ssml: {ssml.ssml_error(markup)}"


@pytest.mark.parametrize(
    ("markup", "tag"),
    [
        ("<speak>Hi <b>there</b></speak>", "b"),  # HTML
        ("<SPEAK>Hi</SPEAK>", "SPEAK"),  # XML names are case-sensitive: wrapped, then unknown
        ('<speak>Hi <mark name="here"/>there</speak>', "mark"),  # W3C SSML's, not Alexa's
        ("<speak>Hi <emphais>there</emphais></speak>", "emphais"),  # a typo
        ("<speak>Hi <audios>x</audios></speak>", "audios"),  # no clip either
    ],
)
def test_an_unknown_tag_is_refused_in_the_tag_scan(markup: str, tag: str) -> None:
    # Alexa refuses a tag its SSML reference does not list; only the test tools (ssml_error)
    # said so, and the app sent it as written.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(
        f"outputSpeech.ssml: <{tag}> is no SSML tag Alexa knows"
    ), str(refused.value)
    assert ssml.ssml_error(markup) is not None


@pytest.mark.parametrize(
    ("markup", "after"),
    [
        ("<speak/>x</speak>", "'x</speak>'"),
        ("<speak />Hi</speak>", "'Hi</speak>'"),
        ('<speak xml:lang="en-US"/>x</speak>', "'x</speak>'"),
    ],
)
def test_an_empty_root_with_text_after_it_is_refused(markup: str, after: str) -> None:
    # Two "<" and an end in </speak>, like the usual answer: it was never scanned, and went out
    # as written, which Alexa refused (the root ends at its empty-element tag).
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(f"outputSpeech.ssml: {after} after its <speak> root"), str(
        refused.value
    )
    assert ssml.ssml_error(markup) is not None


@pytest.mark.parametrize(
    "markup",
    [
        "<speak>Hi</speak>\n",
        "<speak>Hi</speak> \t\r\n",
        "<speak>Hi</speak><!-- a > b --> <?note x?>\n",
        "<speak>Hi</speak >",
        '<speak>Hi <audio src="https://a.example/x.mp3"/></speak><!-- -->',
    ],
)
def test_white_space_comments_and_instructions_after_the_root_are_taken(markup: str) -> None:
    # Sent to the root's end: what follows it is outside the root, dropped as what comes
    # before it is (tests/test_responses_sent.py, tests/test_ssml_root.py).
    assert ssml.ssml_error(markup) is None
    end = markup.index(">", markup.rindex("</speak")) + 1
    assert SsmlSpeech(Ssml(markup)).ssml == markup[:end]


@pytest.mark.parametrize(
    "markup",
    [
        "<speak>Hi</speak><speak>there</speak>",
        "<speak>Hi <speak>there</speak></speak>",
        '<speak>Hi</speak>\n<speak version="1.1">there</speak>',
        "<speak><p>Hi <speak/></p></speak>",
    ],
)
def test_a_speak_tag_inside_or_after_the_root_is_refused(markup: str) -> None:
    # XML has one root, Amazon's SSML a <speak> at the root alone: the app sent two documents
    # run together, or one inside another, as written, and Alexa refused the response.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(
        "outputSpeech.ssml: <speak> inside or after its <speak> root"
    ), str(refused.value)
    assert ssml.ssml_error(markup) is not None


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        ("<speak>a</p></speak>", "</p> with no <p> open"),
        ("<speak>a</p>", "</p> with no <p> open"),  # (two tags: not the usual answer)
        ("<speak><p>a</speak>", "</speak> while <p> inside it is open (end <p> first)"),
        ("<speak><p><s>a</p></s></speak>", "</p> while <s> inside it is open (end <s> first)"),
        ("<speak><p>a<break time='1s'></p></speak>", "</p> while <break> inside it is open"),
        ("<speak>a", "<speak> never ends (no </speak>)"),
        ("<speak><p>a", "<p> never ends (no </p>)"),
        ("<speak><p>a</p><!-- </speak> -->", "<speak> never ends (no </speak>)"),
        ("<speak><emphasis>a</Emphasis></speak>", "</Emphasis> with no <Emphasis> open"),
    ],
)
def test_hand_written_ssml_whose_elements_do_not_nest_is_refused(markup: str, said: str) -> None:
    # Alexa parses SSML as XML and refuses a stray end tag, an element left open and crossed
    # elements: the app sent them as written (only the test tools' ssml_error said "not
    # well-formed XML (mismatched tag …)"). The app and ssml_error say the same, one check.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    message = str(refused.value)
    assert message.startswith(f"outputSpeech.ssml: {said}"), message
    assert "Alexa parses SSML as XML" in message
    found = ssml.ssml_error(markup)
    assert found is not None and message == f"outputSpeech.ssml: {found}", found


@pytest.mark.parametrize(
    "markup",
    [
        "<speak>a<p>b<s>c</s></p><break/>d<p/></speak>",
        "<speak>a <!-- </p> --> <![CDATA[</s>]]> <?pi </p>?> b</speak>",
        "<speak><sub alias='/p> s>'>x</sub></speak>",
        "<speak ><p >a</p ></speak >",
        '<?xml version="1.0"?>\n<speak>a<p>b</p></speak>\n<!-- c -->',
    ],
)
def test_ssml_whose_elements_nest_is_taken(markup: str) -> None:
    root = markup[markup.index("<speak") :]
    sent = root.split("\n<!-- c -->")[0]  # (from the root to its end: no comment after it)
    assert SsmlSpeech(Ssml(markup)).ssml == sent


def test_speak_as_text_is_no_second_root() -> None:
    # (a document's root after its prolog, as a FakeAlexaApi progressive speech may have it)
    ssml_elements._check_elements("speech", '<?xml version="1.0"?>\n<speak>Hi<break/></speak>')
    for markup in (
        "<speak>Say &lt;speak&gt;<!-- <speak> --><![CDATA[<speak>]]></speak>",
        "<speak><sub alias='&lt;speak&gt;'>x</sub></speak>",
    ):
        assert SsmlSpeech(Ssml(markup)).ssml == markup
    # <speaker> is another name: refused as a tag Alexa does not know, not as a second root.
    with pytest.raises(ResponseError, match=r"<speaker> is no SSML tag Alexa knows"):
        SsmlSpeech(Ssml("<speak>x <speaker/></speak>"))


@pytest.mark.parametrize(
    ("fragment", "at"),
    [('<p a="<!DOCTYPE speak>"', 6), ('x <p a="<!DOCTYPE x>" b="<>"', 8)],
)
def test_a_fragment_with_doctype_text_in_a_value_is_said_as_the_document_sent(
    fragment: str, at: int
) -> None:
    # The DOCTYPE check read a fragment as written, where the end cuts its tag short and leaves
    # "<!DOCTYPE …>" a piece of markup: refused as a DOCTYPE, which the document sent does not
    # hold (in "<speak>…</speak>" the tag ends, the text a value). Said as the checker says
    # that document, and as a reminder's and a progressive response's checks say it.
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(fragment))
    said = str(refused.value)
    assert said.startswith(f"outputSpeech.ssml: a '<' in an attribute value at index {at} "), said
    checker = ssml.ssml_error(f"<speak>{fragment}</speak>")
    assert checker is not None
    assert said.split(": ", 2)[2] == checker.split(": ", 1)[1], (said, checker)


@pytest.mark.parametrize(
    "markup",
    ["<?xml version='1.0'?><?xml version='1.0'?><speak>a\x01</speak>", "<!-- a--b --><speak>\x01"],
)
def test_a_character_xml_cannot_hold_is_said_before_a_fault_of_the_prolog(markup: str) -> None:
    # Characters XML cannot hold are said first, wherever they are (alexaskill.ssml_faults), by
    # the checker, a reminder's and a progressive response's checks: the app said the fault of
    # the prolog it checks first ("an XML declaration past the start").
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value) == f"outputSpeech.ssml: {ssml.ssml_error(markup)}"
    assert "U+0001 at index " in str(refused.value)

"""Documents with one fault each, said alike by the app and by the test tools' checker
(`ssml_error`): what XML reads of an attribute value, markup left open, what follows the root,
markup that does not start with its root, and a progressive response's words for a fault, which
are an answer's. (Split from tests/test_ssml_agreement.py, whose documents are made from a seed.)
"""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech, ask
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import Ssml
from tests.ssml_shared import said_by_the_app

#: Documents with one fault (or none), each said alike by the app and the checker: what XML
#: reads of an attribute value (a newline, a tab, a CR LF each one space; a reference its
#: character), and markup a hostile handler could write.
ONE_FAULT = [
    '<speak>Hi <emphasis level="strong\n">x</emphasis></speak>',
    '<speak>Hi <emphasis level="\tstrong">x</emphasis></speak>',
    '<speak>Hi <break time="1s\r\n"/></speak>',
    '<speak>Hi <prosody rate="slow\t">x</prosody></speak>',
    '<speak>Hi <audio src="https://example.com/\na.mp3"/></speak>',
    '<speak>Hi <audio src="https://example.com/a&#x85;.mp3"/></speak>',
    '<speak>Hi <say-as interpret-as="digits&#10;">12</say-as></speak>',
    '<speak>Hi <sub alias="World\r\nWide Web">WWW</sub></speak>',
    "<speak>Hi <speak>there</speak></speak>",
    "<speak>Hi <speak/></speak>",
    "<speak>Hi <!-- there</speak>",
    "<speak>Hi <![CDATA[there</speak>",
    "<speak>Hi <?note there</speak>",
    "<speak>Hi <![CDATA[1 < 2 & </speak>]]></speak>",
    "<speak>Hi <?note 1 < 2 & 3?></speak>",
    "<speak>Hi <?xml version='1.0'?></speak>",
    "<speak>Hi &#0;</speak>",
    "<speak>Hi &#x110000;</speak>",
    "<speak>Hi&nbsp;there</speak>",
    "<speak>Hi <break time=1s/></speak>",
    "<speak>Hi <break time='1s' time='2s'/></speak>",
    "<speak>Hi <p a='1' a = \"1\">x</p></speak>",
]


@pytest.mark.parametrize("document", ONE_FAULT)
def test_the_app_and_the_checker_say_a_fault_in_the_same_words(document: str) -> None:
    # The app read an attribute value as written, where the checker's XML parser (expat), as
    # Alexa's, reads a newline or a tab in it as a space: the value quoted in the two messages
    # differed (and HTML's reading of &#x85; as "…" let the app take what the checker refused).
    said = ssml.ssml_error(document)
    app = said_by_the_app(document)
    if app is not None:
        app = app.removeprefix("outputSpeech.ssml: ")
    assert (app is None) == (said is None), (app, said)
    # The app may add how its builder writes the tag ("(… ssml.emphasis refuses it too)").
    assert app is None or said is None or app.startswith(said), (app, said)


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ("<speak>Hi <!-- there</speak>", "a comment left open at index 10"),
        ("<speak>Hi <!--></speak>", "a comment left open at index 10"),
        ("<speak>Hi <![CDATA[there</speak>", "a CDATA section left open at index 10"),
        ("<speak>Hi <?note there</speak>", "a processing instruction left open at index 10"),
        ("<speak>Hi <?></speak>", "a processing instruction left open at index 10"),
    ],
)
def test_markup_left_open_is_said_where_it_opens(document: str, said: str) -> None:
    # A comment, a CDATA section or a processing instruction without its end swallows the root's
    # end tag: both said "<speak> never ends", pointing at the wrong thing.
    found = ssml.ssml_error(document)
    assert found is not None and found.startswith(said), found
    with pytest.raises(ResponseError) as refused:  # (the whole message, as its neighbours')
        SsmlSpeech(Ssml(document))
    assert str(refused.value) == f"outputSpeech.ssml: {found}"


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ("<speak>Hi</speak><!-- there", "a comment left open at index 17"),
        ("<speak>Hi</speak> <?note there", "a processing instruction left open at index 18"),
        ("<speak>Hi</speak><!-- a --><?>", "a processing instruction left open at index 27"),
    ],
)
def test_markup_left_open_after_the_root_is_said_where_it_opens(document: str, said: str) -> None:
    # After the root, the checker said expat's "not well-formed XML (unclosed token: …)" and the
    # app "has '<!-- there' after its <speak> root: … which holds nothing after the root but
    # white space, comments and processing instructions": the two disagreed, and neither said
    # what was wrong. And there is no </speak> in what it holds to speak of.
    found = ssml.ssml_error(document)
    assert found is not None and found.startswith(said), found
    assert "</speak> too" not in found
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(document))
    assert str(refused.value) == f"outputSpeech.ssml: {found}"


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ("<speak>x</speak><![CDATA[", "'<![CDATA[' after its <speak> root: "),
        ("<speak>x</speak><![CDATA[y]]>", "'<![CDATA[y]]>' after its <speak> root: "),
        ("<speak>Hi</speak>x", "'x' after its <speak> root: "),
        ("<speak>Hi</speak> <p>x</p>", "'<p>x</p>' after its <speak> root: "),
        ("<speak>Hi</speak><speak>x</speak>", "<speak> inside or after its <speak> root"),
        ("<speak>Hi</speak></speak>", "</speak> with no <speak> open: "),
        ("<speak>Hi</speak><!-- c --></p>", "</p> with no <p> open: "),
    ],
)
def test_what_follows_the_root_is_said_alike(document: str, said: str) -> None:
    # The checker said expat's own words of anything after the root ("not well-formed XML
    # (junk after document element: line 1, column 16)"), the app its own.
    found = ssml.ssml_error(document)
    assert found is not None and found.startswith(said), found
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(document))
    assert str(refused.value) == f"outputSpeech.ssml: {found}"


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        # (Text before a <speak> root: said as ssml_error says it, tests/test_ssml_check_placed.py.)
        ("a</speak>", "</speak> with no <speak> open: "),
        ("<?xml version='1.0'?>a", "an XML declaration past the start at index 0 "),
    ],
)
def test_markup_that_does_not_start_with_its_root_is_wrapped_as_written(
    fragment: str, said: str
) -> None:
    # Ssml("a<speak>b</speak>") was composed as ssml.speak composes parts, its <speak> tags (and
    # a declaration starting it) dropped: sent as "<speak>ab</speak>", where the checker refuses
    # the document it is wrapped in, as Alexa would the markup as written. Refused alike now.
    wrapped = ssml.ssml_error(f"<speak>{fragment}</speak>")
    assert wrapped is not None and ssml.ssml_error(fragment) is not None
    for build, field in (
        (lambda: SsmlSpeech(Ssml(fragment)), "outputSpeech.ssml"),
        (lambda: ask("Which one?", reprompt=Ssml(fragment)), "reprompt.outputSpeech.ssml"),
        (lambda: progressive_document(Ssml(fragment)), "progressive response speech"),
    ):
        with pytest.raises(ResponseError) as refused:
            build()
        assert str(refused.value).startswith(f"{field}: {said}"), str(refused.value)
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(fragment))
    if "at index" not in wrapped:  # (a place is said in the fragment as written)
        assert str(refused.value) == f"outputSpeech.ssml: {wrapped}"


@pytest.mark.parametrize(
    ("document", "opening"),
    [
        # A "<!" that opens no comment, CDATA section or DOCTYPE was skipped by the app's scan
        # as if it were a DOCTYPE: taken, where the checker (expat, as Alexa's parser) refused it.
        ("<speak>Hi <!foo></speak>", "a '<!' at index 10 "),
        ("<speak>Hi <!-></speak>", "a '<!' at index 10 "),
        ("<speak>Hi <![CDATA></speak>", "a '<!' at index 10 "),
        # With a DOCTYPE too, the app named the DOCTYPE and the checker the character; and the
        # two said a character differently ("outputSpeech.ssml has U+0001 …", "not XML: …").
        ("<!DOCTYPE speak><speak>Hi \x01</speak>", "U+"),
        ("<speak>Hi \x01<!DOCTYPE x></speak>", "U+"),
        ("<speak>Hi \x01</speak>", "U+"),
        ("<speak>Hi \ud800 &nbsp;</speak>", "U+"),
    ],
)
def test_the_app_and_its_progressive_responses_say_a_fault_as_the_checker(
    document: str, opening: str
) -> None:
    said = ssml.ssml_error(document)
    assert said is not None and said.startswith(opening), said
    assert said_by_the_app(document) == f"outputSpeech.ssml: {said}"
    # (But for what Alexa would refuse: the progressive response, not the answer.)
    progressive = said.replace("refuse the response", "refuse the progressive response")
    assert said_by_the_app(document, progressive_document) == (
        f"progressive response speech: {progressive}"
    )


@pytest.mark.parametrize(
    "document",
    [
        "<?xml version='2.0'?><speak>Hi</speak><!DOCTYPE speak>",
        "<?xml version='1.0'?><!DOCTYPE speak><speak>Hi</speak>",
        "<?xml version<?='1.0'?><speak>Hi</speak><!-- <!DOCTYPE x> --><!DOCTYPE x>",
    ],
)
def test_a_doctype_is_said_before_the_declaration_by_both(document: str) -> None:
    # A DOCTYPE is said first by both, wherever it is (alexaskill.ssml_faults): the checker
    # said a declaration not as XML writes it before it, the app the DOCTYPE.
    said = ssml.ssml_error(document)
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(document))
    assert said is not None and said.startswith("a DOCTYPE (<!DOCTYPE …>): "), said
    assert str(refused.value) == f"outputSpeech.ssml: {said}"


@pytest.mark.parametrize(
    "markup",
    [
        '<speak><break time="99s"/> caf&eacute;</speak>',
        "<speak><foo>x</foo> a & b</speak>",
        "<?xml version='1.0'?><speak><foo>x</foo> a & b</speak>",
        "Hi <foo>x</foo> a & b",  # (a fragment: placed in it as written)
    ],
)
def test_a_progressive_response_says_the_first_fault_as_an_answer_does(markup: str) -> None:
    # Of SSML with several faults, an answer's speech says the first by position, as
    # ssml_error does; a progressive response said the one its checks met first (a bare '&'
    # or an entity before an earlier tag).
    with pytest.raises(ResponseError) as answer:
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError) as progressive:
        progressive_document(Ssml(markup))
    said = str(answer.value).removeprefix("outputSpeech.ssml: ")
    assert str(progressive.value) == f"progressive response speech: {said}"

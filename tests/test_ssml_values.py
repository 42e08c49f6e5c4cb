"""Tests for the values SSML's attributes and text hold, as XML reads them: a blank ``<sub alias>``
or ``<phoneme ph>`` refused by the builders, `ssml_error` and the app alike, in one message; and
XML's line ends (XML 1.0, 2.11 "End-of-Line Handling", 3.3.3 "Attribute-Value Normalization")
read alike by the builders, `escape`, the app's check and an XML parser (expat, Alexa's kind)."""

from __future__ import annotations

import datetime as dt
from xml.parsers import expat

import pytest

from alexaskill import ssml
from alexaskill.alexa_api.reminders import reminder_body
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml
from alexaskill.ssml_faults import _attributes
from alexaskill.xml_references import _xml_unescape

# --- a blank <sub alias> or <phoneme ph>: one rule, one message ------------------------------


@pytest.mark.parametrize(
    ("tag", "value", "said"),
    [
        ("sub", "", "<sub alias> is empty; give what to say"),
        ("sub", " ", "<sub alias> is blank (' '); give what to say"),
        ("sub", "&#32;&#10;", "<sub alias> is blank (' \\n'); give what to say"),
        ("phoneme", "", "<phoneme ph> is empty; give what to say"),
        ("phoneme", "\t", "<phoneme ph> is blank (' '); give what to say"),
        ("phoneme", "\u3000", "<phoneme ph> is blank ('\\u3000'); give what to say"),
        # Characters that say and show nothing, as speech that says nothing is read (they took
        # a zero-width space, written or referred to, where str.strip() found something).
        ("sub", "\u200b", "<sub alias> is blank ('\\u200b'); give what to say"),
        ("sub", "&#x200B;\u00ad", "<sub alias> is blank ('\\u200b\\xad'); give what to say"),
        ("phoneme", "\ufeff\u2800", "<phoneme ph> is blank ('\\ufeff\u2800'); give what to say"),
    ],
)
def test_a_blank_alias_or_ph_written_by_hand_is_refused_as_the_builders_refuse_it(
    tag: str, value: str, said: str
) -> None:
    # ssml_error (the test tools' strict check) and the app took <sub alias=" "> written by
    # hand, which ssml.sub refuses: Alexa refuses an empty <phoneme ph>, and a blank alias
    # leaves the text unsaid.
    if tag == "sub":
        markup = f'<speak>Al <sub alias="{value}">Al</sub></speak>'
        builder = "sub"
    else:
        markup = f'<speak>x <phoneme alphabet="ipa" ph="{value}">x</phoneme></speak>'
        builder = "phoneme"
    assert ssml.ssml_error(markup) == said
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(f"outputSpeech.ssml: {said} "), refused.value
    assert f"ssml.{builder} refuses it too" in str(refused.value)
    # The builder says it in the same words, of the text XML reads of the value as given.
    read = _attributes(f' a="{value}"')["a"]
    with pytest.raises(ResponseError) as built:
        getattr(ssml, builder)("x", read)
    assert str(built.value) == f"SSML {said}"


@pytest.mark.parametrize(
    "markup",
    [
        '<speak>x <phoneme alphabet="foo" ph="">x</phoneme></speak>',
        '<speak>x <phoneme ph=" " alphabet="foo">x</phoneme></speak>',
    ],
)
def test_a_blank_ph_beside_another_fault_of_its_tag_is_said_alike_by_both(markup: str) -> None:
    # ssml_error said the blank ph, the app the alphabet it does not list: one fault of the
    # tag, as both read it, and the same one.
    said = ssml.ssml_error(markup)
    assert said is not None and said.startswith("<phoneme alphabet='foo'> is not a value"), said
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(f"outputSpeech.ssml: {said}"), (refused.value, said)


def test_an_alias_or_ph_with_something_to_say_written_by_hand_is_taken() -> None:
    markup = '<speak><sub alias=" Al ">Al</sub><phoneme alphabet="ipa" ph="p">x</phoneme></speak>'
    assert ssml.ssml_error(markup) is None
    assert SsmlSpeech(Ssml(markup)).ssml == markup


# --- line ends and tabs, in text and in attribute values -------------------------------------


def _read(document: str) -> tuple[str, list[dict[str, str]]]:
    """The text and each element's attributes an XML parser reads of ``document``."""
    parser = expat.ParserCreate()
    text: list[str] = []
    attributes: list[dict[str, str]] = []
    parser.CharacterDataHandler = text.append
    parser.StartElementHandler = lambda name, values: attributes.append(values)
    parser.Parse(document, True)
    return "".join(text), attributes


#: A CR, a CR LF, a LF and a tab, and what XML reads of each written as it is in text (a line
#: end is a LF: 2.11) and in an attribute value (a space, a CR LF one: 3.3.3).
WHITE_SPACE = [("\r", "\n", " "), ("\r\n", "\n", " "), ("\n", "\n", " "), ("\t", "\t", " ")]
_IDS = ["CR", "CRLF", "LF", "TAB"]


@pytest.mark.parametrize(("space", "in_text", "in_value"), WHITE_SPACE, ids=_IDS)
def test_text_is_read_as_xml_reads_its_line_ends(space: str, in_text: str, in_value: str) -> None:
    # escape() writes a line end as it is: XML reads it as a LF, the same white space to a
    # voice, and the app's reading of text (_xml_unescape) says so, as the parser does.
    document = ssml.speak(f"a{space}b")
    assert document == f"<speak>a{space}b</speak>"
    assert _read(document)[0] == f"a{in_text}b"
    assert _xml_unescape(ssml.escape(f"a{space}b")) == f"a{in_text}b"
    assert ssml.ssml_error(document) is None


@pytest.mark.parametrize(("space", "in_text", "in_value"), WHITE_SPACE, ids=_IDS)
def test_an_attribute_given_a_str_holds_it_exactly(space: str, in_text: str, in_value: str) -> None:
    # A str is the text itself: written with references, XML reads it back as given.
    document = ssml.speak(ssml.sub("x", f"a{space}b"))
    assert _read(document)[1][1] == {"alias": f"a{space}b"}
    assert ssml.ssml_error(document) is None


@pytest.mark.parametrize(("space", "in_text", "in_value"), WHITE_SPACE, ids=_IDS)
def test_an_attribute_given_ssml_holds_the_text_it_says(
    space: str, in_text: str, in_value: str
) -> None:
    # Ssml is markup: its text is what XML reads of it as text, a CR LF or a CR a LF (2.11).
    # Ssml("a\r\nb") was written a&#13;&#10;b, read "a\r\nb", the text it says being "a\nb".
    said = _read(f"<speak>a{space}b</speak>")[0]
    document = ssml.speak(ssml.sub("x", Ssml(f"a{space}b")))
    assert _read(document)[1][1] == {"alias": said}
    # A CR written as a reference is a CR, in text as in the value.
    kept = ssml.speak(ssml.sub("x", Ssml("a&#13;b")))
    assert _read(kept)[1][1] == {"alias": "a\rb"}


@pytest.mark.parametrize(("space", "in_text", "in_value"), WHITE_SPACE, ids=_IDS)
def test_an_attribute_written_by_hand_is_read_as_xml_reads_it(
    space: str, in_text: str, in_value: str
) -> None:
    # Written as it is in a value, each is a space (a CR LF one): the app's reading agrees
    # with the parser's.
    document = f'<speak><sub alias="a{space}b">x</sub></speak>'
    assert _read(document)[1][1] == {"alias": f"a{in_value}b"}
    assert _attributes(f' alias="a{space}b"') == {"alias": f"a{in_value}b"}


# --- a lone <speak> document: composed with nothing, its faults said where it is used ---------


#: Documents whose faults the composer said in its words ("SSML part …") when given alone to
#: ssml.speak, though composing one document with nothing changes none of its markup; placed,
#: in a reminder, in the text as written, its prolog too, as an answer places them.
LONE_FAULTY = [
    ("<speak>1 < 2</speak>", "a bare '<' at index 9"),
    ("<!-- c --><speak>1 < 2</speak>", "a bare '<' at index 19"),
    ("\n<speak>x <p</speak>", "'<' in the tag name at index 12"),
]


@pytest.mark.parametrize(("document", "said"), LONE_FAULTY)
def test_a_lone_document_is_composed_into_itself_and_refused_where_it_is_used(
    document: str, said: str
) -> None:
    # Refused in a composer's words, reminders made a case of their own (d2258d1f): a document
    # starting with "<speak" was checked again, in the field's words; one after a comment, or
    # a newline and a comment, was said as "SSML part …". The composer now takes a lone
    # document whole, and where it is used its faults are said, in that field's words.
    composed = ssml.speak(Ssml(document))
    assert composed == document[document.index("<speak") :]
    now = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ResponseError) as refused:
        reminder_body("x", None, dt.timedelta(minutes=5), (), Ssml(document), True, "en-US", now)
    field = "alertInfo.spokenInfo.content[0].ssml"
    assert str(refused.value).startswith(f"{field}: {said}"), refused.value
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: "):
        SsmlSpeech(composed)


def test_a_lone_document_is_still_refused_for_what_composing_drops() -> None:
    # Its prolog is dropped: nothing else sees it, the composer says it.
    with pytest.raises(ResponseError, match=r"^SSML part .*an XML declaration past the start"):
        ssml.speak(Ssml("<!-- c --><?xml version='1.0'?><speak>x</speak>"))
    # A root tag XML cannot read is its own fault, kept as written and said where it is used.
    assert ssml.speak(Ssml("<speak a=1>x</speak>")) == "<speak a=1>x</speak>"
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: an unquoted attribute value"):
        SsmlSpeech(ssml.speak(Ssml("<speak a=1>x</speak>")))
    # Composed with another part, its end tag dropped lets that part's text into its markup.
    with pytest.raises(ResponseError, match=r"^SSML part '<speak>1 < 2</speak>': a bare '<'"):
        ssml.speak(Ssml("<speak>1 < 2</speak>"), "y")


@pytest.mark.parametrize(
    ("document", "composed"),
    [
        ('<speak xml:lang="en-US">hi</speak>', '<speak xml:lang="en-US">hi</speak>'),
        (
            "<!-- c --><speak version='1.1'>hi <p>x</p></speak>",
            "<speak version='1.1'>hi <p>x</p></speak>",
        ),
        ('<speak a="/>">hi</speak>', '<speak a="/>">hi</speak>'),
        ('<speak xml:lang="de-DE" />', '<speak xml:lang="de-DE"></speak>'),
        ("<speak/>", "<speak></speak>"),
    ],
)
def test_a_lone_document_keeps_its_roots_attributes_as_an_answer_sends_them(
    document: str, composed: str
) -> None:
    # Composed with nothing, it lost its root's attributes (<speak>hi</speak>), which the same
    # Ssml given as speech keeps: sent from its root as written. Composed with another part,
    # whose root is another's, they are still dropped (one root holds both: whose would it be?).
    assert ssml.speak(Ssml(document)) == composed
    if "hi" in document:
        assert SsmlSpeech(ssml.speak(Ssml(document))).ssml == SsmlSpeech(Ssml(document)).ssml
    assert ssml.speak(Ssml(document), "y").startswith("<speak>")


#: Lone documents the composer made one root of, though their markup runs past it (a second
#: root, a <speak> inside the root, text or an end tag after it), which an answer refuses: the
#: fault said of both.
RUN_PAST_THE_ROOT = [
    ("<speak>a</speak><speak>b</speak>", "<speak> inside or after its <speak> root"),
    ("<speak >a<speak>b</speak></speak >", "<speak> inside or after its <speak> root"),
    ("<speak>a</speak>b", "'b' after its <speak> root"),
    ("<!-- c --><speak>a</speak> b", "'b' after its <speak> root"),
    ("<speak>a</speak></p>", "</p> with no <p> open"),
    # An empty root, <speak/>, and a stray end tag after it: its root's two "speak" tags at
    # its ends, as a usual document's are.
    ("<speak/>x</speak>", "'x</speak>' after its <speak> root"),
    ("<!-- c --><speak xml:lang='en-US' />x</speak>", "'x</speak>' after its <speak> root"),
    ("<speak/></speak>", "</speak> with no <speak> open"),
]


@pytest.mark.parametrize(("document", "said"), RUN_PAST_THE_ROOT)
def test_a_lone_document_run_past_its_root_is_refused_as_the_answer_refuses_it(
    document: str, said: str
) -> None:
    # ssml.speak(Ssml("<speak>a</speak><speak>b</speak>")) made "<speak>ab</speak>", which
    # an answer sends, where the same Ssml given as speech is refused: composed with nothing,
    # the document is as written from its root, and refused where it is used, as it is given.
    composed = ssml.speak(Ssml(document))
    assert composed == document[document.index("<speak") :]
    with pytest.raises(ResponseError) as given:
        SsmlSpeech(Ssml(document))
    with pytest.raises(ResponseError) as spoken:
        SsmlSpeech(composed)
    assert str(given.value).startswith(f"outputSpeech.ssml: {said}"), given.value
    assert str(spoken.value).startswith(f"outputSpeech.ssml: {said}"), spoken.value

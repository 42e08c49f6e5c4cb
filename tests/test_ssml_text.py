"""Tests for alexaskill.ssml_text: `strip_tags`, the plain text of SSML, read as XML reads it
(and what a user hears of it, `alexaskill.hearing`, where they read references alike)."""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.hearing import spoken_text
from alexaskill.responses import SimpleCard
from alexaskill.ssml import Ssml


def test_strip_tags_gives_the_plain_text() -> None:
    markup = ssml.speak(
        ssml.s("Tom & Jerry"),
        ssml.s("say ", ssml.emphasis('"hi"')),
        ssml.break_("1s"),
        ssml.sub("Al", "aluminium"),
        ssml.audio("https://example.com/a.mp3"),
        "done",
    )
    assert ssml.strip_tags(markup) == 'Tom & Jerry say "hi" Al done'


def test_strip_tags_collapses_whitespace_and_unescapes() -> None:
    assert ssml.strip_tags("<speak>\n  a &lt;b&gt;\n\n c &apos;d&apos; </speak>") == "a <b> c 'd'"
    assert ssml.strip_tags("plain") == "plain"
    assert ssml.strip_tags("") == ""


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("\ufeff Hi", "Hi"),
        ("\ufeff<speak>Hi</speak>", "Hi"),
        ("\ufeff<?xml version='1.0'?><speak>Hi <p>there</p></speak>", "Hi there"),
        ("<speak>a\ufeffb</speak>", "a\ufeffb"),  # not first: a zero-width no-break space
    ],
)
def test_strip_tags_reads_a_first_u_feff_as_the_byte_order_mark(markup: str, text: str) -> None:
    # A U+FEFF first is neither text nor markup (XML 1.0, Appendix F), as what a user hears
    # (spoken_text) and the app (sent from the root) read it: strip_tags kept it as text, and a
    # card of such SSML showed "\ufeff Hi".
    assert ssml.strip_tags(markup) == text
    assert spoken_text(markup) == text
    shown = text.replace(" there", "\nthere")  # (a card's line a paragraph)
    assert SimpleCard("Hello", Ssml(markup)).content == shown


def test_strip_tags_sees_through_a_greater_than_in_an_attribute_or_a_comment() -> None:
    # XML allows ">" in a quoted attribute value and in a comment: the tag ended there, and
    # its rest ('b">') showed in the card as text.
    markup = """<speak><sub alias="a>b">W3C</sub> ok<!-- x > y --> <p title='1>0'>go</p></speak>"""
    assert ssml.strip_tags(markup) == "W3C ok go"


def test_strip_tags_keeps_the_text_of_a_cdata_section_as_written() -> None:
    # A ">" in a CDATA section ended a "tag" that began at "<![CDATA[": the card showed
    # "a y ]]>b" of "a<![CDATA[ x > y ]]>b"; and its text is not unescaped (XML does not).
    markup = "<speak>Rock <![CDATA[ & roll > <b>jazz</b> &amp; ]]> <p>ok</p></speak>"
    assert ssml.strip_tags(markup) == "Rock & roll > <b>jazz</b> &amp; ok"
    assert ssml.ssml_error(markup) is None  # Alexa's XML parser takes it
    assert ssml.strip_tags("a<![CDATA[x]]><![CDATA[>]]>b") == "ax>b"


def test_strip_tags_ends_a_processing_instruction_at_its_own_end() -> None:
    # A ">" inside one ended it: "a<?pi x > y?>b" showed as "a y?>b".
    assert ssml.strip_tags("<speak>a<?pi x > y?>b</speak>") == "ab"
    markup = '<?xml version="1.0"?><speak>Hi</speak>'
    assert ssml.strip_tags(markup) == "Hi"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<speak>a&#x85;b</speak>", "a\x85b"),  # NEL as XML reads it; HTML's "…"
        ("<speak>a&#133;b<!-- c --></speak>", "a\x85b"),
        ("<speak>&#x80;&#150;</speak>", "\x80\x96"),  # HTML's euro sign and en dash
        ("<speak>x &amp;lt; &#38;amp; &quot;&apos;</speak>", "x &lt; &amp; \"'"),
        ("<speak>caf&eacute; &amp</speak>", "caf&eacute; &amp"),  # no XML: left as written
        ("<speak><![CDATA[&#x85;]]></speak>", "&#x85;"),
    ],
)
def test_strip_tags_and_hearing_read_references_as_xml_does(markup: str, text: str) -> None:
    # html.unescape read &#x85; (and &#128; to &#159;) as Windows-1252 does ("…"), and HTML's
    # entities (&eacute;) as their characters, where Alexa's XML parser, and the check, do not.
    assert ssml.strip_tags(markup) == text
    assert spoken_text(markup) == text

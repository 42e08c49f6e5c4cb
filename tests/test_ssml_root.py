"""Tests for what `ssml_error` (alexaskill.ssml_check) says of a document's root: one of
another name than ``<speak>``, text before a root, an XML declaration past the start."""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml


@pytest.mark.parametrize(
    "markup",
    [
        "<p><?xml version='1.0'?></p>",
        "<speak>a <?xml version='1.0'?></speak>",
        "<speak>a</speak><?xml version='1.0'?>",
        " <?xml version='1.0'?><speak>a</speak>",
    ],
)
def test_a_declaration_past_the_start_is_said_to_stand_before_the_root(markup: str) -> None:
    # Its advice said a declaration "stands only first, before <speak>", of a <p> root too,
    # which is no <speak>: it stands before the root, whatever its name.
    said = ssml.ssml_error(markup)
    assert said is not None and said.startswith("an XML declaration past the start at "), said
    assert said.endswith(
        "where a declaration (<?xml …?>) stands only first, before the root; move it there or "
        "leave it out"
    ), said


def _before(text: str, root: str) -> str:
    """What `ssml_error` says of ``text`` before a root of another name than ``<speak>``."""
    return (
        f"{text} before its <{root}> root: Alexa parses SSML as XML, which holds nothing before "
        "the root but white space (a space, a tab, a CR, a LF), comments and processing "
        f"instructions, and takes <speak> at the root alone; put it and the <{root}> inside "
        "<speak>"
    )


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        *(("x <p>a</p>", _before("'x '", "p")), ("x <p>a</p>y", _before("'x '", "p"))),
        *(("\u3000<p>a</p>", _before("'\\u3000'", "p")), ("x <s>a</s>y", _before("'x '", "s"))),
        *(("x <!-- c --><p>a</p>", _before("'x '", "p")), ("<?pi?>x<p/>", _before("'x'", "p"))),
        ("x <p>a</p><speak>b</speak>", _before("'x '", "p")),
        ("x <?pi <speak>?><p>a</p><speak/>", _before("'x '", "p")),
        ("a <break time=1s/>", _before("'a '", "break")),  # (met before the tag's fault)
    ],
)
def test_text_before_a_root_of_another_name_is_said_as_text_before_it(
    markup: str, said: str
) -> None:
    # "x <p>a</p>" was said in expat's words ("not well-formed XML (syntax error: line 1,
    # column 0)"), "x <p>a</p>y" as "the root element is <p>, not <speak>": the same text
    # outside the root, met first, is said alike, as before a <speak> root.
    assert ssml.ssml_error(markup) == said
    if "<speak" not in markup and "=1s" not in markup:
        SsmlSpeech(Ssml(markup))  # the app wraps it in a root: no fault


@pytest.mark.parametrize(
    "markup",
    [
        *("<p>a</p>", "<p>a</p>x", "<p>a</p><speak>b</speak>", "<p>a<speak>b</speak></p>"),
        *("<p>a</p><!-- c -- d -->", "<p>a</p></s>", "<p>a</p>&", "<p>a</p>]]>"),
        *("<p>a</p><?xml version='1.0'?>", "<p>a</p><!-- c", "<?xml version='1.0'?>\n<p/>x"),
    ],
)
def test_what_follows_a_root_of_another_name_is_said_of_that_root(markup: str) -> None:
    # Said in one place: a <speak> after such a root and text after it were said of the root
    # (each in its own), but a stray end tag, a bad comment, an "&" or a declaration after
    # it were said, though the root, met first, is no <speak>.
    assert ssml.ssml_error(markup) == "the root element is <p>, not <speak>"


@pytest.mark.parametrize(
    "markup",
    [
        *("<speak>Hi</speak><!-- c -->", "<speak>Hi</speak><!-- a > b --> <?note x?>\n"),
        *("<!-- p --><speak>Hi</speak>\n<?note?>", "<speak>a</speak>\n<!-- x - y --> <!---->"),
        "<speak>a</speak>\n<!-- x - y --> <?note -- ?><!---->",
        '<speak>Hi <audio src="https://a.example/x.mp3"/></speak><!-- -->',
        "<speak>Hi</speak><?note <speak>x</speak>?>",
    ],
)
def test_speech_is_sent_without_what_follows_its_root_as_speak_composes_it(markup: str) -> None:
    # SsmlSpeech sent the comments and processing instructions after a document's root, where
    # ssml.speak of the same document drops them (as both drop the prolog): the same Ssml
    # answered in two ways. Both send the root alone; a progressive response's speech too.
    from alexaskill.services.progressive import progressive_document

    assert ssml.ssml_error(markup) is None
    sent = ssml.speak(Ssml(markup))
    assert SsmlSpeech(Ssml(markup)).ssml == sent
    assert progressive_document(Ssml(markup)) == sent
    assert "<!--" not in sent and "<?" not in sent


def test_what_follows_the_root_counts_toward_no_limit() -> None:
    # Not sent, it was counted: a root of 7995 characters, then a comment, was refused as
    # 8044 characters long by the app and ssml_error, which ssml.speak of it is not.
    markup = f"<speak>{'a' * 7980}</speak><!-- {'c' * 40} -->"
    assert len(ssml.speak(Ssml(markup))) == 7995
    assert SsmlSpeech(Ssml(markup)).ssml == ssml.speak(Ssml(markup))
    assert ssml.ssml_error(markup) is None
    assert ssml.ssml_error(markup.replace("a" * 6, "a" * 12)) is not None  # (8001 sent)

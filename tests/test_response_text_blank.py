"""Tests for speech and cards that say or show nothing: text of invisible characters (printable
to `str.isprintable` or not) and SSML whose elements hold nothing to say are refused where they
are built, by speech, reprompt, SSML and both cards alike, as "" is; a visible character among
them, or something to hear, is sent. (Split from tests/test_response_text.py.)
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from alexaskill import ssml, ssml_limits
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    PlainTextSpeech,
    SimpleCard,
    SsmlSpeech,
    StandardCard,
    ask,
    speak,
)
from alexaskill.ssml import Ssml

_INVISIBLE = ["\u200b", "\ufeff", "\u200d\u2060", " \u200b\n\u00ad ", "\U000e0041"]
# Invisible characters str.isprintable() calls printable (the Hangul fillers are even
# alphanumeric): a combining grapheme joiner, variation selectors, Khmer inherent vowels,
# Mongolian free variation selectors, the Hangul fillers, the blank braille pattern. Alexa says
# nothing for them: refused as the unprintable ones are, by speech, SSML and both cards alike.
_PRINTABLE_INVISIBLE = [
    "\u034f",
    "\ufe0f",
    "\U000e0100",
    "\u17b4",
    "\u17b5",
    "\u180b\u180d",
    "\u3164",
    "\u115f\u1160",
    "\uffa0",
    "\u2800",
    " \u3164",
    "\u3164\n",
    "\u2800 \ufe0f\u200b",
]


@pytest.mark.parametrize(
    "build",
    [
        *[lambda text=text: speak(text) for text in _INVISIBLE],
        lambda: ask("Which city?", reprompt="\u200b"),
        lambda: speak(Ssml("<speak><p></p></speak>")),
        lambda: speak(Ssml("<speak><s> </s></speak>")),
        lambda: speak(ssml.speak(ssml.p(""))),
        lambda: speak(ssml.speak(ssml.s(""), ssml.emphasis(""), ssml.prosody(" ", rate="slow"))),
        lambda: speak(ssml.speak(ssml.say_as("", "digits"), ssml.lang("", "fr-FR"))),
        lambda: speak(ssml.speak(ssml.voice("", "Matthew"), ssml.amazon_domain("", "news"))),
        lambda: speak(Ssml("<speak><p/>\u200b<s>\ufeff</s></speak>")),
        lambda: speak(ssml.speak("\u200b")),
        lambda: ask("Which city?", reprompt=Ssml("<p> </p>")),
        lambda: speak(Ssml("<speak><!-- a>b --></speak>")),  # a ">" in a comment
        lambda: speak(Ssml("<speak><?x a>b?></speak>")),  # in a processing instruction
        lambda: speak(Ssml("<speak><p><!-- a>b --></p></speak>")),
        # Character references to invisible characters are those characters (XML).
        lambda: speak(Ssml("<speak>&#8203;</speak>")),
        lambda: speak(Ssml("<speak><p>&#x200B;&#xFE0F; &#160;</p>&#32;</speak>")),
        lambda: speak(Ssml("&#x3164;")),
        lambda: ask("Which city?", reprompt=Ssml("<s>&#0000065279;</s>")),
        # A ">" in a quoted attribute value does not end the tag (XML allows it there).
        lambda: speak(Ssml("<speak><p title='a>b'></p></speak>")),
        lambda: speak(Ssml("<speak><p title='a>b'><s title=\"c>d\"> </s></p></speak>")),
        lambda: speak(Ssml("<speak xml:base='a>b'><p title=\"'>'\"/></speak>")),
    ],
)
def test_speech_that_says_nothing_is_refused_however_it_is_wrapped(build: Any) -> None:
    # Text of characters that show and say nothing (a zero-width space, the BOM left by a feed),
    # and SSML whose elements hold nothing to say (an empty paragraph: a feed that returned "")
    # say as little as "": refused where built, as "" is.
    with pytest.raises(ResponseError, match=r"says nothing.*leave it out"):
        build()


@pytest.mark.parametrize(
    "markup",
    [
        '<speak><break time="1s"/></speak>',  # a pause the author asked for
        "<speak><p><break/></p></speak>",
        '<speak><audio src="soundbank://soundlibrary/x"/></speak>',
        '<speak><sub alias="World Wide Web"></sub></speak>',  # the alias is said
        '<speak><phoneme alphabet="ipa" ph="pikan"/></speak>',  # its ph is said (W3C)
        ssml.speak(ssml.phoneme("", ph="pikan")),
        "<speak><p>Hi</p></speak>",
        "<speak><s>\u200bHi</s></speak>",
        "<speak>&amp;</speak>",
        "<speak><!-- a>b -->Hi</speak>",
        "<speak><p><!-- a>b -->Hi</p></speak>",
        "<speak><p title='a>b'>Hi</p></speak>",
        "<speak xml:base='a>b'>Hi</speak>",
        "<speak>&#65;</speak>",
        "<speak>&#x200B;&#x41;</speak>",
        "<speak>&#8203;Hi</speak>",
        "<speak>&#60;p&#62;</speak>",  # says "<p>": a reference is never markup
    ],
)
def test_ssml_with_something_to_hear_is_sent(markup: str) -> None:
    assert speak(Ssml(markup)).output_speech == SsmlSpeech(Ssml(markup))


@pytest.mark.parametrize(
    "markup",
    ["<speak>&#x110000;&#99999999999999999999;</speak>", "<speak>&#" + "9" * 5000 + ";</speak>"],
)
def test_a_reference_to_no_character_is_refused_as_such_not_as_saying_nothing(markup: str) -> None:
    # (sent before the app read references: Alexa refuses it, XML having no such character)
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: &#.* refers to no character"):
        speak(Ssml(markup))
    with pytest.raises(ResponseError) as refused:
        speak(Ssml(markup))
    assert len(str(refused.value)) < 300  # (the reference shown cut short, as shown_names cuts)


def test_text_with_a_visible_character_among_invisible_ones_is_sent() -> None:
    for text in ("\u200bHi", "Hi\u200b", "\ufeff.", "a\u00ad", "\n\u200d5"):
        assert speak(text).output_speech == PlainTextSpeech(text)


@pytest.mark.parametrize(
    "build",
    [
        lambda: SimpleCard("", ""),
        lambda: SimpleCard(" ", "\n"),
        lambda: SimpleCard("\u200b", "\ufeff"),
        lambda: StandardCard("", ""),
        lambda: StandardCard("  ", "\u200b"),
    ],
)
def test_a_card_that_shows_nothing_is_refused(build: Any) -> None:
    # A card with neither title nor text (nor an image) is an empty box in the Alexa app: a
    # mistake (a feed that returned ""), refused as empty speech is; to show none, leave it out.
    with pytest.raises(ResponseError, match=r"card shows nothing.*leave the card out"):
        build()


@pytest.mark.parametrize("text", _PRINTABLE_INVISIBLE)
def test_printable_invisible_characters_are_refused_by_speech_ssml_and_cards_alike(
    text: str,
) -> None:
    nothing = r"says nothing.*leave it out"
    with pytest.raises(ResponseError, match=nothing):
        speak(text)
    with pytest.raises(ResponseError, match=nothing):
        ask("Which city?", reprompt=text)
    with pytest.raises(ResponseError, match=nothing):
        speak(ssml.speak(text))
    with pytest.raises(ResponseError, match=nothing):
        speak(ssml.speak(ssml.p(text)))
    with pytest.raises(ResponseError, match=nothing):
        speak(Ssml(f"<speak><p title='a'>{text}</p></speak>"))
    with pytest.raises(ResponseError, match=r"card shows nothing"):
        SimpleCard(text, text)
    with pytest.raises(ResponseError, match=r"card shows nothing"):
        StandardCard(text, text)


def test_printable_invisible_characters_beside_visible_ones_are_sent() -> None:
    # A variation selector makes an emoji of a heart; a filler beside a word is still a word.
    for text in ("\u2764\ufe0f", "\u3164Hi", "Hi\u3164", "\u2800.", "\u115f\u1160\uac00"):
        assert speak(text).output_speech == PlainTextSpeech(text)
        assert speak(ssml.speak(text)).output_speech == SsmlSpeech(ssml.speak(text))
        assert SimpleCard(text, "").title == text


def test_what_counts_as_blank_is_never_an_ascii_letter_digit_or_symbol() -> None:
    # The shortcuts rest on it: ASCII text is blank only if empty or all spaces
    # (PlainTextSpeech asks isspace(), no more, of printable ASCII text), and a first ASCII
    # letter or digit is never blank (SsmlSpeech, SimpleCard). The printable ones are all
    # outside ASCII.
    blank = re.compile(f"[{ssml_limits._BLANK_CHARACTERS}]")
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        if blank.fullmatch(character):
            assert character == " " or not character.isprintable() or not character.isascii()
            assert not (character.isascii() and character.isalnum()), hex(code)
    for character in "\u034f\ufe0f\U000e0100\u17b4\u180b\u3164\u115f\uffa0\u2800":
        assert character.isprintable() and blank.fullmatch(character), hex(ord(character))


def test_a_card_with_a_title_or_text_or_an_image_is_sent() -> None:
    assert SimpleCard("Weather", "")
    assert SimpleCard("", "Sunny")
    assert StandardCard("", "Sunny")
    assert StandardCard("Weather", " ")
    assert StandardCard("", "", small_image_url="https://example.com/s.png")
    assert StandardCard("", "", large_image_url="https://example.com/l.png")


def test_a_long_blank_card_text_is_quoted_cut_with_its_length() -> None:
    # Its head and tail around "…" with its length, as errors quote a long value: its first 40
    # characters were kept, the invisible one at its end unsaid and no "…" to say so.
    with pytest.raises(ResponseError, match="card shows nothing") as caught:
        SimpleCard(" " * 200 + "\u200b", "")
    assert "…" in str(caught.value) and "\\u200b' (201 characters), ''" in str(caught.value)

"""Tests for `alexaskill.ssml.escape` (alexaskill.ssml_compose): what plain text and other values
become in SSML (the five XML specials escaped, characters XML cannot hold a space, a str subclass
the text it holds, a number its digits), and what is refused rather than spoken as its repr
(None, an Enum member, bytes, a container), by the builders and composition alike."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.ssml import Ssml


def test_escape_replaces_the_five_xml_specials() -> None:
    assert ssml.escape("""<a href="x">Tom & 'Jerry'</a>""") == (
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
    )
    assert type(ssml.escape("x")) is Ssml


def test_plain_text_with_characters_xml_cannot_hold_still_makes_a_document() -> None:
    # Text from a feed or a database may hold control characters (a form feed, an escape), which
    # no XML document may: Alexa would refuse the SSML ("There was a problem with the requested
    # skill's response"). Escaped text holds a space in their place; tab and newline stay.
    text = "Page one\x0cPage two\x1b[0m, bell\x07 \x00end\ufffe\tnext\nline"
    escaped = ssml.escape(text)
    assert escaped == "Page one Page two [0m, bell   end \tnext\nline"
    assert ssml.ssml_error(ssml.speak("Read: ", text)) is None
    assert ssml.ssml_error(ssml.speak(ssml.sub("x", "alias\x0b"))) is None
    assert ssml.ssml_error(ssml.speak(Ssml("<p>") + "a\x01b" + Ssml("</p>"))) is None


def test_lone_surrogates_become_spaces_and_a_split_pair_its_character() -> None:
    # A lone surrogate is no character: XML cannot hold it (nor UTF-8 encode it). A pair kept
    # as two code units (as some decoders leave an emoji) is one character: it stays.
    assert ssml.escape("lone \ud800 high, lone \udfff low") == "lone   high, lone   low"
    assert ssml.escape("smile \ud83d\ude00") == "smile \U0001f600"
    assert ssml.escape("back to front \ude00\ud83d!") == "back to front   !"
    assert ssml.escape("\x01 then \ud83d\ude00 & \ud83d") == "  then \U0001f600 &amp;  "
    document = ssml.speak("Say ", "cheese \ud83d\ude00\ud800")
    assert document == "<speak>Say cheese \U0001f600 </speak>"
    assert ssml.ssml_error(document) is None


def test_escape_leaves_ssml_alone() -> None:
    markup = Ssml("<break/>")
    assert ssml.escape(markup) is markup


def test_str_subclasses_are_escaped_as_the_text_they_hold() -> None:
    class Size(str, enum.Enum):  # noqa: UP042  (str() of a member says "Size.LARGE")
        LARGE = "large <x>"

    assert ssml.escape(Size.LARGE) == "large &lt;x&gt;"
    assert type(ssml.escape(Size.LARGE)) is Ssml
    assert ssml.speak("You chose ", Size.LARGE) == "<speak>You chose large &lt;x&gt;</speak>"
    assert ssml.sub("XL", Size.LARGE) == '<sub alias="large &lt;x&gt;">XL</sub>'
    assert Ssml(" ").join(["a", Size.LARGE]) == "a large &lt;x&gt;"


class _Topping(enum.Enum):
    HAM = "ham"


@pytest.mark.parametrize("value", [None, _Topping.HAM])
def test_none_or_an_enum_member_is_refused_rather_than_spoken_as_its_repr(value: Any) -> None:
    # A slot left unfilled (None) or an Enum parameter (_Topping.HAM) given to a builder was
    # spoken as "None" or "_Topping.HAM"; plain speech refuses both already.
    refused = r"SSML text is (None|<_Topping\.HAM)"
    with pytest.raises(ResponseError, match=refused):
        ssml.escape(value)
    with pytest.raises(ResponseError, match=refused):
        ssml.speak("The topping is ", value)
    with pytest.raises(ResponseError, match=refused):
        ssml.sub("x", value)
    with pytest.raises(ResponseError, match=refused):
        ssml.p(value)
    with pytest.raises(ResponseError, match=refused):
        Ssml(", ").join(["a", value])


def test_a_number_in_a_builder_is_its_digits() -> None:
    said = ssml.say_as(42, "cardinal")  # type: ignore[arg-type]
    assert said == '<say-as interpret-as="cardinal">42</say-as>'


class _Level(enum.IntEnum):
    HIGH = 3


class _Floor(int, enum.Enum):  # str() of a member says "_Floor.TOP"
    TOP = 12


@pytest.mark.parametrize(("number", "digits"), [(_Level.HIGH, "3"), (_Floor.TOP, "12")])
def test_an_int_enum_member_is_its_digits_as_any_number(number: Any, digits: str) -> None:
    # An IntEnum member is a number (str() of it says "3"): refusing every Enum refused it too.
    assert ssml.escape(number) == digits
    said = f'<say-as interpret-as="cardinal">{digits}</say-as>'
    assert ssml.say_as(number, "cardinal") == said
    assert ssml.speak("Floor ", number) == f"<speak>Floor {digits}</speak>"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (b"Paris", r"b'Paris'"),
        (bytearray(b"Paris"), r"bytearray\(b'Paris'\)"),
        (["Paris", "Rome"], r"\['Paris', 'Rome'\]"),
        (("Paris",), r"\('Paris',\)"),
        ({"city": "Paris"}, r"\{'city': 'Paris'\}"),
        ({"Paris"}, r"\{'Paris'\}"),
    ],
)
def test_bytes_or_a_container_is_refused_rather_than_spoken_as_its_repr(
    value: Any, shown: str
) -> None:
    # b"Paris" (a body read from a feed) was spoken "b'Paris'", a list of cities as its
    # brackets and quotes: plain speech refuses both (speech must be a str), the builders did not.
    refused = rf"^SSML text is {shown}: give the words to say \(a str\)"
    with pytest.raises(ResponseError, match=refused):
        ssml.escape(value)
    with pytest.raises(ResponseError, match=refused):
        ssml.speak("The city is ", value)
    with pytest.raises(ResponseError, match=refused):
        ssml.p(value)
    with pytest.raises(ResponseError, match=refused):
        Ssml(", ").join(["a", value])
    with pytest.raises(ResponseError, match=refused):
        ssml.sub("x", value)

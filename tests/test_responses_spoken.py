"""Tests for alexaskill.responses: what a speech says (nothing is refused; pauses, clips, str
subclasses, CDATA sections, a doctype) and what a card made from SSML shows."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    PlainTextSpeech,
    Reprompt,
    Response,
    SimpleCard,
    SsmlSpeech,
    ask,
    output_speech,
    speak,
)
from alexaskill.ssml import Ssml
from tests.responses_shared import APLA, Shade, wire

pytestmark = pytest.mark.oldest_dependencies

# --- speech that says nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: speak(""), r"^outputSpeech\.text"),
        (lambda: speak(" \n\t"), r"^outputSpeech\.text"),
        (lambda: speak("\x00\x1f"), r"^outputSpeech\.text"),  # a space once cleaned
        (lambda: ask(""), r"^outputSpeech\.text"),
        (lambda: ask("Which city?", reprompt=""), r"^reprompt\.outputSpeech\.text"),
        (lambda: ask("Which city?", reprompt="  "), r"^reprompt\.outputSpeech\.text"),
        (lambda: speak("Hi", reprompt="", end_session=False), r"^reprompt\.outputSpeech\.text"),
        (lambda: output_speech(""), r"^outputSpeech\.text"),
        (lambda: PlainTextSpeech("\u3000"), r"^outputSpeech\.text"),
        (lambda: speak(Ssml("")), r"^outputSpeech\.ssml"),
        (lambda: speak(Ssml(" \n")), r"^outputSpeech\.ssml"),
        (lambda: speak(ssml.speak("")), r"^outputSpeech\.ssml"),
        (lambda: speak(Ssml("<speak/>")), r"^outputSpeech\.ssml"),
        (lambda: speak(Ssml("<speak>\n  <!-- to do --> </speak>")), r"^outputSpeech\.ssml"),
        (lambda: ask("Which city?", reprompt=Ssml("<speak> </speak>")), r"^reprompt\."),
        (lambda: SsmlSpeech(Ssml('<?xml version="1.0"?><speak></speak>')), r"^outputSpeech\."),
    ],
)
def test_speech_that_says_nothing_is_refused_where_it_is_built(build: Any, field: str) -> None:
    # Alexa refuses an outputSpeech with nothing to say ("There was a problem with the requested
    # skill's response"): the mistake is said where it was made, the user hears the apology.
    with pytest.raises(ResponseError, match=field + r".* says nothing.*leave it out"):
        build()


def test_a_reprompt_with_nothing_in_it_is_refused() -> None:
    with pytest.raises(ResponseError, match=r"reprompt has neither outputSpeech nor"):
        Reprompt()
    apla = {"type": "Alexa.Presentation.APLA.RenderDocument", "document": APLA}
    assert wire(Response(reprompt=Reprompt(directives=[apla]), should_end_session=False)) == {
        "reprompt": {"directives": [apla]},
        "shouldEndSession": False,
    }


def test_speech_of_pauses_or_clips_alone_is_not_empty() -> None:
    # A pause or a clip is something to hear; saying nothing is done by leaving speech out.
    assert speak(ssml.break_("1s")).output_speech == SsmlSpeech(
        Ssml('<speak><break time="1s"/></speak>')
    )
    assert speak(ssml.audio("soundbank://soundlibrary/x"))
    assert speak(Ssml("<speak><!-- a --> . </speak>"))
    assert speak("\u00a0.")
    assert wire(Response(should_end_session=True)) == {"shouldEndSession": True}


class _Size(str, enum.Enum):  # noqa: UP042  (the older spelling: str() says "_Size.LARGE")
    LARGE = "large"


class _Shouting(str):
    def __str__(self) -> str:
        return self.upper()


def test_str_subclasses_are_spoken_as_the_text_they_hold() -> None:
    # A slot parameter typed as a str Enum hands the handler a member: its text is its value,
    # as a card and the session attributes already send it, never what str() says of it.
    for value in (_Size.LARGE, Shade.DARK, _Shouting("large")):
        text = str.__str__(value)
        said = wire(ask(value, reprompt=value, card=SimpleCard(value, value)))
        assert said["outputSpeech"]["text"] == text
        assert said["reprompt"]["outputSpeech"]["text"] == text
        assert said["card"] == {"type": "Simple", "title": text, "content": text}
        assert type(PlainTextSpeech(value).text) is str
        assert PlainTextSpeech(value).text == text
        raw = wire(speak("x", directives=[{"type": "Custom", "size": value}]))
        assert raw["directives"] == [{"type": "Custom", "size": text}]


def test_a_card_of_ssml_shows_no_piece_of_a_tag() -> None:
    said = Ssml(
        "<speak><!-- to do: a > b -->Sunny in <sub alias='Paris > Rome'>Paris</sub></speak>"
    )
    assert SimpleCard("Weather", said).content == "Sunny in Paris"


def test_a_card_from_ssml_shows_a_cdata_sections_text_whole() -> None:
    # Its ">" ended the card's idea of a tag that began at "<![CDATA[": "Rock y ]]> roll".
    card = SimpleCard("Quiz", Ssml("<speak>Is <![CDATA[ 3 > 2 ]]>? <p>Yes.</p></speak>"))
    assert card.content == "Is 3 > 2 ?\nYes."


def test_a_card_from_ssml_starts_no_line_at_a_p_in_a_comment_or_cdata() -> None:
    # Lines were split at every "<p>"-like text first: one in a CDATA section cut it in two
    # and the card showed "<![CDATA[ Use"; one in a comment showed the comment's end.
    cdata = SimpleCard(
        "Help", Ssml("<speak><s>Use <![CDATA[<p> for a pause]]></s><s>Ok</s></speak>")
    )
    assert cdata.content == "Use <p> for a pause\nOk"
    comment = SimpleCard("Help", Ssml("<speak>One <!-- <p> --> two<p>Three</p></speak>"))
    assert comment.content == "One two\nThree"


@pytest.mark.parametrize(
    "markup",
    [
        "<speak><![CDATA[]]></speak>",
        "<speak><p><![CDATA[ \n ]]></p></speak>",
        "<speak><![CDATA[\u200b]]><!-- x --><![CDATA[\ufeff]]></speak>",
    ],
)
def test_ssml_whose_cdata_sections_hold_nothing_says_nothing(markup: str) -> None:
    # A CDATA section is text, as written: one of blank characters says nothing, as that text
    # would; it counted as something to say, and Alexa got speech it refuses.
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml says nothing"):
        SsmlSpeech(Ssml(markup))


@pytest.mark.parametrize(
    "markup",
    [
        "<speak><![CDATA[Hi]]></speak>",
        "<speak><![CDATA[ &#8203; ]]></speak>",  # the characters "&#8203;", not a reference
        "<speak><![CDATA[ ]]>&#8203;<![CDATA[<]]></speak>",
    ],
)
def test_ssml_whose_cdata_section_holds_text_says_something(markup: str) -> None:
    assert SsmlSpeech(Ssml(markup)).ssml == markup


def test_a_break_just_over_ten_seconds_says_its_length() -> None:
    # Six significant digits said "10000.0000001ms is 10000 ms; the limit is 10 s".
    with pytest.raises(ResponseError, match=r"is 10,000\.0000001 ms; the limit is 10 s"):
        SsmlSpeech(Ssml("<speak>Hi <break time='10000.0000001ms'/></speak>"))
    with pytest.raises(ResponseError, match=r"is 10,000\.0000001 ms; the limit is 10 s"):
        ssml.break_("10000.0000001ms")
    with pytest.raises(
        ResponseError, match=r"<break time='10000\.0000001ms'> is 10,000\.0000001 ms"
    ):
        ssml.break_(10000.0000001)


@pytest.mark.parametrize(
    "markup",
    [
        "<!DOCTYPE speak><speak>Hi</speak>",
        "<?xml version='1.0'?>\n<!DOCTYPE speak [<!ENTITY name 'Ada'>]><speak>Hi &name;</speak>",
    ],
)
def test_hand_written_ssml_with_a_doctype_is_refused_where_it_is_built(markup: str) -> None:
    # A DOCTYPE is no part of the prolog the speech keeps: the markup was wrapped whole in
    # <speak>, a DOCTYPE inside the root, which is no XML, and Alexa refused the response.
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: a DOCTYPE"):
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.ssml: a DOCTYPE"):
        ask("Which city?", reprompt=Ssml(markup))


def test_a_doctype_in_a_comment_or_cdata_section_is_text() -> None:
    markup = "<speak>Hi <!-- <!DOCTYPE speak> --><![CDATA[<!DOCTYPE x>]]></speak>"
    assert SsmlSpeech(Ssml(markup)).ssml == markup


def test_ssml_over_the_limit_says_what_it_counts() -> None:
    # "outputSpeech.ssml is 8001 characters" of a 7986-character fragment, or of 2000 "&"
    # (each escaped to "&amp;"), left the author counting their own text and finding less.
    counted = r"\(counted in the whole SSML document: its tags, escapes and <speak> root\)"
    with pytest.raises(ResponseError, match=rf"^outputSpeech\.ssml is 8,001 .* 8,000 {counted}"):
        output_speech(Ssml("x" * (8000 - len("<speak></speak>") + 1)))
    with pytest.raises(
        ResponseError, match=rf"^reprompt\.outputSpeech\.ssml is 10,015 char.*{counted}"
    ):
        ask("Hi", reprompt=ssml.speak("&" * 2000))

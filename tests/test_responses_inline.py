"""Tests for alexaskill.responses: the inline checks of the usual replies (ask, plain speech,
cards and the SSML they show, reprompt directives, audio clips), the same rules as the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import pytest

from alexaskill import ssml
from alexaskill.directives import AudioPlayer, Dialog
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    PlainTextSpeech,
    Reprompt,
    SimpleCard,
    SsmlSpeech,
    StandardCard,
    ask,
    output_speech,
    speak,
)
from alexaskill.shown_names import shown_value
from alexaskill.ssml import Ssml
from tests.responses_shared import APLA, wire

pytestmark = pytest.mark.oldest_dependencies

# --- the inline checks of the usual replies (written out for speed: the same rules) -------------


class AskOptions(TypedDict, total=False):
    """The keywords `ask` and `speak` share."""

    reprompt: str
    card: SimpleCard
    directives: list[Mapping[str, Any]]


def test_ask_is_speak_with_an_open_session() -> None:
    card = SimpleCard("Weather", "Sunny")
    directive = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    cases: list[AskOptions] = [
        {},
        {"reprompt": "Which city?"},
        {"card": card},
        {"directives": [directive]},
    ]
    for kwargs in cases:
        expected: AskOptions = {"reprompt": "Hi", **kwargs}
        assert ask("Hi", **kwargs) == speak("Hi", **expected, end_session=False)
    assert ask(Ssml("<break/>")).output_speech == SsmlSpeech("<speak><break/></speak>")


def test_plain_speech_checks_every_value() -> None:
    class Text(str):
        pass

    speech = PlainTextSpeech(Text("x" * 8000))
    assert type(speech.text) is str
    with pytest.raises(ResponseError, match=r"outputSpeech\.text is 8,001 characters"):
        PlainTextSpeech(Text("x" * 8001))
    with pytest.raises(ResponseError, match=r"outputSpeech\.playBehavior is 'NOW'"):
        PlainTextSpeech("hi", play_behavior="NOW")  # type: ignore[arg-type]
    assert type(output_speech(Text("hi"))) is PlainTextSpeech


def test_simple_card_checks_any_value() -> None:
    class Text(str):  # checked as the text it holds, which the card sends
        __slots__ = ()

    with pytest.raises(ResponseError, match=r"card text .* is 9,007 characters"):
        SimpleCard("Weather", Text("x" * 9000))
    with pytest.raises(ResponseError, match=r"card\.content must be a str, not an int$"):
        SimpleCard("Weather", 42)  # type: ignore[arg-type]


def test_ssml_in_a_card_shows_as_its_plain_text() -> None:
    # A card is plain text: the speech reused as the card's content must not show its tags and
    # entities in the Alexa app.
    said = ssml.speak("Sunny in ", "Tom & Jerry's town", ssml.break_("1s"), " all week")
    title = ssml.emphasis("Weather")
    card = wire(speak(said, card=SimpleCard(title, said)))["card"]
    assert card == {
        "type": "Simple",
        "title": "Weather",
        "content": "Sunny in Tom & Jerry's town all week",
    }
    standard = StandardCard(title, ssml.sub("W3C", "World Wide Web Consortium"))
    assert (standard.title, standard.text) == ("Weather", "W3C")
    assert type(standard.text) is str
    # The limit counts what the card shows.
    assert SimpleCard("T", ssml.speak("x" * 7999))


def test_ssml_paragraphs_and_sentences_in_a_card_keep_their_lines() -> None:
    said = ssml.speak("Today: ", ssml.p("Soup & bread."), ssml.p(ssml.s("Pie."), ssml.s("Tea.")))
    assert SimpleCard("Menu", said).content == "Today:\nSoup & bread.\nPie.\nTea."
    assert StandardCard("Menu", ssml.s("One.") + ssml.s("Two.")).text == "One.\nTwo."
    # Words in the same sentence stay on one line; <speak>, <sub>, <say-as> are no sentence.
    one = ssml.speak(ssml.s("Call ", ssml.say_as("112", "digits"), " or ", ssml.sub("A", "B")))
    assert SimpleCard("Help", one).content == "Call 112 or A"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: SimpleCard("Sound", ssml.audio("soundbank://soundlibrary/bell")), "content"),
        (lambda: SimpleCard(ssml.speak(ssml.break_("1s")), "Sunny"), "title"),
        (lambda: StandardCard("Weather", Ssml("<speak> </speak>")), "text"),
        (lambda: StandardCard(Ssml(""), "Sunny"), "title"),
    ],
)
def test_a_card_whose_ssml_shows_no_text_is_refused(make: Any, field: str) -> None:
    # The speech reused as the card, when it is only a clip or a pause, would show an empty
    # card: the same mistake as a None text.
    with pytest.raises(ResponseError, match=rf"card\.{field} is SSML with no text to show"):
        make()


def test_long_ssml_with_no_text_is_quoted_cut_with_its_length() -> None:
    # Its head and tail around "…" with its length, as errors quote a long value: a cut at 80
    # characters hid its end and that it was cut.
    markup = Ssml("<speak>" + '<break time="1s"/>' * 20 + "<p> </p></speak>")
    with pytest.raises(ResponseError, match=r"\('<speak><break.*….*<p> </p></speak>' \(") as caught:
        SimpleCard("Sound", markup)
    assert f"({len(str(markup)):,} characters)" in str(caught.value)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: SimpleCard("Weather", None), "content"),  # type: ignore[arg-type]
        (lambda: SimpleCard(None, "Sunny"), "title"),  # type: ignore[arg-type]
        (lambda: StandardCard("Weather", None), "text"),  # type: ignore[arg-type]
        (
            lambda: StandardCard(
                None,  # type: ignore[arg-type]
                "Sunny",
                "https://example.com/s.png",
            ),
            "title",
        ),
    ],
)
def test_a_card_without_its_text_is_refused_not_sent_as_null(make: Any, field: str) -> None:
    # A value looked up and missing (forecast.get("summary")) would go out as "content": null,
    # a card the Alexa app shows empty: the mistake is the line that built the card.
    with pytest.raises(ResponseError, match=rf"card\.{field} must be a str, not None"):
        make()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: SimpleCard(7, "x"),  # type: ignore[arg-type]
            r"card\.title must be a str, not an int$",
        ),
        (
            lambda: StandardCard("t", b"x"),  # type: ignore[arg-type]
            r"card\.text must be a str, not bytes",
        ),
        (
            lambda: StandardCard("t", "x", small_image_url=5),  # type: ignore[arg-type]
            r"card\.image\.smallImageUrl must be an HTTPS URL, not 5",
        ),
        (
            lambda: StandardCard("t", "x", large_image_url="https://"),
            r"card\.image\.largeImageUrl must be an HTTPS URL, not 'https://'",
        ),
        (
            lambda: StandardCard("t", "x", small_image_url="https://:8443/x.png"),
            r"card\.image\.smallImageUrl must be an HTTPS URL, not 'https://:8443/x.png'.*host",
        ),
    ],
)
def test_a_card_field_of_the_wrong_kind_is_refused_by_name(make: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        make()


def test_reprompt_directives_become_a_checked_tuple() -> None:
    directive = {"type": "Alexa.Presentation.APLA.RenderDocument", "document": APLA}
    reprompt = Reprompt(output_speech=PlainTextSpeech("x"), directives=[directive])
    assert reprompt.directives == (directive,)
    with pytest.raises(ResponseError, match=r"reprompt\.directives"):
        Reprompt(directives=[42])


@pytest.mark.parametrize(
    "directive",
    [
        AudioPlayer.Play("https://example.com/a.mp3", token="t"),
        Dialog.Delegate(),
        {
            "type": "Alexa.Presentation.APL.RenderDocument",
            "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
        },
    ],
    ids=["typed-play", "typed-delegate", "raw-apl"],
)
def test_a_reprompt_takes_apl_for_audio_directives_only(directive: Any) -> None:
    # Amazon: a reprompt's directives may only be Alexa.Presentation.APLA.RenderDocument; a
    # Play sent there was also laid out flat (no audioItem.stream), which Alexa cannot read.
    with pytest.raises(ResponseError, match=r"reprompt\.directives\[0\] is .*APLA"):
        Reprompt(output_speech=PlainTextSpeech("x"), directives=[directive])


def test_at_most_five_audio_clips_in_a_response() -> None:
    # Amazon: no more than five audio tags in a single response.
    clip = ssml.audio("soundbank://soundlibrary/animals/amzn_sfx_bear_groan_roar_01")
    assert SsmlSpeech(ssml.speak(*[clip] * 5))
    with pytest.raises(ResponseError, match=r"outputSpeech\.ssml has 6 <audio> clips; .* 5"):
        SsmlSpeech(ssml.speak(*[clip] * 6))
    # Counted in the speech and in the reprompt each: ask()'s reprompt repeats the speech.
    assert ask(ssml.speak(*[clip] * 3))
    with pytest.raises(ResponseError, match=r"has 6 <audio> clips"):
        ask("Which one?", reprompt=ssml.speak(*[clip] * 6))
    # Escaped text that reads like a tag is no clip.
    assert SsmlSpeech(ssml.speak(*["<audio src='x'/>"] * 6))


@pytest.mark.parametrize(
    "not_a_clip",
    [
        Ssml("<!-- <audio src='soundbank://soundlibrary/x'/> -->"),
        Ssml("<![CDATA[<audio src='x'/>]]>"),
        Ssml("<?note <audio src='x'/> ?>"),
    ],
    # (not an attribute value: XML allows no "<" there, refused as test_xml_markup shows)
    ids=["comment", "cdata", "processing-instruction"],
)
def test_only_audio_elements_count_as_clips(not_a_clip: Ssml) -> None:
    # A comment, CDATA section or processing instruction that holds "<audio"
    # plays nothing: five real clips beside it are within Amazon's limit.
    clip = ssml.audio("soundbank://soundlibrary/animals/amzn_sfx_bear_groan_roar_01")
    assert SsmlSpeech(ssml.speak(*[clip] * 5, not_a_clip, not_a_clip))
    with pytest.raises(ResponseError, match=r"has 6 <audio> clips; the limit is 5"):
        SsmlSpeech(ssml.speak(not_a_clip, *[clip] * 6, not_a_clip))
    # Written without quotes round the source, or closed by </audio>, a clip is a clip still.
    clips = Ssml(
        "<audio src='soundbank://soundlibrary/a'></audio>" * 3
        + '<audio src="soundbank://soundlibrary/b"/>' * 3
    )
    with pytest.raises(ResponseError, match=r"has 6 <audio> clips"):
        SsmlSpeech(ssml.speak(not_a_clip, clips))


def test_a_long_image_url_refused_is_quoted_by_shown_value() -> None:
    # Its first 80 characters were quoted, the end (where "http:" or a bad host may not be, but
    # the file is) lost with no "…" nor length.
    url = "http://images.example/" + "p/" * 1000 + "END.png"
    with pytest.raises(ResponseError) as refused:
        StandardCard("t", "x", large_image_url=url)
    assert str(refused.value).startswith(
        f"card.image.largeImageUrl must be an HTTPS URL, not {shown_value(url)}: "
    ), refused.value
    assert "END.png' (2,029 characters)" in str(refused.value), refused.value

"""Tests for the text a response carries: which str is SSML, and characters XML cannot hold.

Every public way text enters a response (speech, reprompt, card, progressive response) is tried
with what a feed or a bad decoder can hand a handler: lone surrogates, NUL, other control
characters. The answer is always defined: plain text has them replaced by a space, as
`alexaskill.ssml.escape` does; hand-written SSML holding them is a `ResponseError` where it is
built (the handler's apology), never a crash of the encoder or of the SSML checker. (Text
that says or shows nothing: tests/test_response_text_blank.py.)
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from alexaskill import ssml, xml_text
from alexaskill.directives import elicit_slot
from alexaskill.exceptions import ResponseError
from alexaskill.models import decode_envelope
from alexaskill.responses import (
    PlainTextSpeech,
    Response,
    SimpleCard,
    SsmlSpeech,
    StandardCard,
    ask,
    encode_response,
    output_speech,
    speak,
)
from alexaskill.responses import speech as speech_module
from alexaskill.services import AlexaApi
from alexaskill.ssml import Ssml
from alexaskill.testing import RequestFactory
from alexaskill.xml_text import _xml_text


def wire(response: Response) -> Any:
    return json.loads(encode_response(response))["response"]


# --- which str is an SSML document ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "<speak>Hi</speak>",
        " " * 40 + "<speak>Hi</speak>",
        "\n\t" * 30 + "<speak version='1.1'>Hi</speak>",
        '<?xml version="1.0" encoding="UTF-8"?><speak>Hi</speak>',
        '<?xml version="1.0"?>\n<!-- the greeting -->\n<speak>Hi</speak>',
        "<!-- " + "a long comment " * 5 + "--><speak>Hi</speak>",
        "<speak/>",
    ],
)
def test_a_plain_str_that_is_an_ssml_document_is_refused_whatever_its_prolog(
    written: str,
) -> None:
    # Whatever comes before the root (white space, an XML declaration, comments), its length
    # does not matter: a document sent as PlainText would have its tags read aloud.
    with pytest.raises(ResponseError, match=r"plain text starting with <speak>"):
        output_speech(written)
    with pytest.raises(ResponseError, match=r"^reprompt\.speech is plain text"):
        ask("Which city?", reprompt=written)


@pytest.mark.parametrize(
    "written",
    [
        "Say <speak> to hear it",
        "<speaker> is a word here",
        "<!-- a comment never closed <speak>Hi</speak>",
        "<?not closed <speak>Hi</speak>",
        "<!-- a comment --> then text <speak>Hi</speak>",
        "<p><speak>Hi</speak></p>",
    ],
)
def test_text_that_only_holds_a_speak_tag_stays_plain_text(written: str) -> None:
    assert output_speech(written) == PlainTextSpeech(written)


@pytest.mark.parametrize(
    ("markup", "sent"),
    [
        ('<?xml version="1.0"?>\n<!-- hi -->\n<speak>Hi</speak>', "<speak>Hi</speak>"),
        ("  \n<speak>Hi</speak>", "<speak>Hi</speak>"),
        ("<!-- x --><speak>Hi</speak>", "<speak>Hi</speak>"),
        ("\n<speak><break/></speak>", "<speak><break/></speak>"),  # <speak/>: says nothing
        ("<speak version='1.1'>Hi</speak>", "<speak version='1.1'>Hi</speak>"),
        ("<!-- x --> Hi", "<speak><!-- x --> Hi</speak>"),
    ],
)
def test_ssml_is_sent_from_its_speak_root(markup: str, sent: str) -> None:
    # The prolog (white space, XML declaration, comments) is dropped: inside the <speak> the
    # response would otherwise wrap it in, an XML declaration is not well-formed XML.
    speech = SsmlSpeech(markup)
    assert speech.ssml == sent
    assert ssml.ssml_error(speech.ssml) is None


@pytest.mark.parametrize("space", ["\u3000", "\x85", "\u00a0", "\u2028"])
def test_only_xmls_white_space_comes_before_a_root(space: str) -> None:
    # XML 1.0's white space is space, tab, CR and LF: "\u3000<speak>Hi</speak>" is no document
    # but text and a document. ssml.speak composes such parts into one; the speech wraps it as
    # written, which it refuses, saying the text before the root as ssml_error says it
    # (tests/test_ssml_check_placed.py). The app took it for a document and dropped the U+3000.
    with pytest.raises(ResponseError, match=" before its <speak> root: "):
        SsmlSpeech(Ssml(f"{space}<speak>Hi</speak>"))
    assert ssml.speak(Ssml(f"{space}<speak>Hi</speak>")) == f"<speak>{space}Hi</speak>"
    assert SsmlSpeech(Ssml(" \t\r\n<speak>Hi</speak>")).ssml == "<speak>Hi</speak>"


@pytest.mark.parametrize("space", ["\u3000", "\x85", "\u2028", "\x0c"])
def test_plain_text_starting_with_any_white_space_then_a_document_is_refused(space: str) -> None:
    # Not XML's white space, but Alexa would read the tags of such plain text aloud all the
    # same: the mistake is refused as before.
    with pytest.raises(ResponseError, match=r"^speech is plain text starting with <speak>"):
        output_speech(f"{space}<speak>Hi</speak>")


def test_ssml_documents_with_a_prolog_compose_into_one_document() -> None:
    first = Ssml('<?xml version="1.0"?><speak>One.</speak>')
    assert ssml.speak(first, "Two.") == "<speak>One.Two.</speak>"
    assert first + " Two." == "<speak>One. Two.</speak>"
    assert Ssml(" ").join([first, "Two."]) == "<speak>One. Two.</speak>"
    for markup in (ssml.speak(first, "Two."), first + " Two.", first * 2):
        assert ssml.ssml_error(markup) is None, markup


# --- characters XML cannot hold ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ("<speak>a\ud800b</speak>", "U+D800 at index 8"),
        ("<speak>a\udc80</speak>", "U+DC80 at index 8"),
        ("<speak>\x00</speak>", "U+0000 at index 7"),
        ("<speak>a\x0bb</speak>", "U+000B at index 8"),
        ("<speak>\ufffe</speak>", "U+FFFE at index 7"),
    ],
)
def test_the_ssml_check_reports_characters_xml_cannot_hold(markup: str, found: str) -> None:
    # A lone surrogate made the checker raise UnicodeEncodeError: the test tools crashed
    # instead of saying what Alexa would refuse.
    error = ssml.ssml_error(markup)
    assert error is not None and found in error, error
    reported = ssml.response_ssml_error({"outputSpeech": {"type": "SSML", "ssml": markup}})
    assert reported is not None and reported.startswith("outputSpeech.ssml: ")


def test_a_surrogate_pair_left_as_two_code_units_is_reported_too() -> None:
    error = ssml.ssml_error("<speak>\ud83d\ude00</speak>")
    assert error is not None and "U+D83D" in error


BAD = "a\ud800b\x00c\x07d\ufffee"
CLEANED = "a b c d e"


def test_plain_text_speech_and_reprompt_replace_what_xml_cannot_hold() -> None:
    # As escape() does for plain text inside SSML: the words are spoken, the garbage is not,
    # and the response encodes (a lone surrogate made the whole body fail to encode).
    sent = wire(ask(BAD, reprompt="again\x00?"))
    assert sent["outputSpeech"] == {"type": "PlainText", "text": CLEANED}
    assert sent["reprompt"]["outputSpeech"]["text"] == "again ?"
    assert PlainTextSpeech("tab\tnew\nline\rok").text == "tab\tnew\nline\rok"


def test_a_surrogate_pair_left_as_two_code_units_is_joined() -> None:
    assert PlainTextSpeech("smile \ud83d\ude00").text == "smile \U0001f600"
    assert SimpleCard("t", "\ud83d\ude00").content == "\U0001f600"


def test_card_text_replaces_what_xml_cannot_hold() -> None:
    card = wire(speak("ok", card=SimpleCard(BAD, "x\ud800")))["card"]
    assert card == {"type": "Simple", "title": CLEANED, "content": "x "}
    standard = wire(speak("ok", card=StandardCard("t\x01", BAD)))["card"]
    assert (standard["title"], standard["text"]) == ("t ", CLEANED)


@pytest.mark.parametrize("markup", ["<speak>a\ud800</speak>", "<speak>\x00</speak>", "a\x0b"])
def test_hand_written_ssml_holding_them_is_refused_where_it_is_built(markup: str) -> None:
    # Alexa parses SSML as XML: such a response is refused. Said at the line that builds it
    # (the app answers with its apology), not as an encoding failure or not at all.
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: U\+"):
        speak(Ssml(markup))
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.ssml: U\+"):
        ask("Which city?", reprompt=Ssml(markup))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: U\+"):
        elicit_slot("city", Ssml(markup))


def test_ssml_builders_keep_replacing_them_in_plain_parts() -> None:
    built = ssml.speak("a\ud800b", ssml.sub("x\x00", "y\x01"))
    assert ssml.ssml_error(built) is None
    assert speak(built).output_speech == SsmlSpeech(built)


def test_a_card_given_ssml_shows_its_text_without_them() -> None:
    card = SimpleCard("t", ssml.speak("a\ud800b"))
    assert card.content == "a b"
    # Hand-written SSML is not escaped by a builder: the card replaces them itself.
    assert SimpleCard("t", Ssml("<speak>a\ud800b\x00</speak>")).content == "a b "
    assert StandardCard("t", Ssml("<speak>a\ud800b</speak>")).text == "a b"


def test_a_simple_card_cleans_its_title_when_its_content_is_clean() -> None:
    card = SimpleCard("t\x00", "clean")
    assert (card.title, card.content) == ("t ", "clean")
    assert SimpleCard("t\ud800", "clean").title == "t "


class _Text(str):
    """A str subclass that is not Ssml (a framework's lazy translation, say)."""


@pytest.mark.parametrize(
    "written",
    ["<speak>Hi</speak>", "\x00<speak>Hi</speak>", "\ud800<speak>Hi</speak>", "\x01 <speak/>"],
)
def test_a_document_is_refused_as_plain_text_before_or_after_its_cleaning(written: str) -> None:
    # The check came before the cleaning: "\x00<speak>…" went out as " <speak>Hi</speak>".
    with pytest.raises(ResponseError, match="plain text starting with <speak>"):
        output_speech(written)
    with pytest.raises(ResponseError, match="plain text starting with <speak>"):
        output_speech(_Text(written))
    with pytest.raises(ResponseError, match="plain text starting with <speak>"):
        speak(written)


@pytest.mark.parametrize(
    ("text", "sent_as"),
    # Printable text too: cleaning "\x00" makes a new str whatever the code does, so that case
    # alone passed with the subclass sent as it was.
    [("Hi\x00 there", "Hi  there"), ("Hi there", "Hi there")],
    ids=["cleaned", "printable"],
)
def test_a_str_subclass_that_is_plain_text_is_sent_as_an_exact_str(text: str, sent_as: str) -> None:
    sent = output_speech(_Text(text))
    assert sent == PlainTextSpeech(sent_as)
    assert type(sent.text) is str


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("line\nnul\x00", "line\nnul "),
        ("\u00e9t\u00e9\nx\ud800", "\u00e9t\u00e9\nx "),
        ("caf\u00e9\u00a0\x1f", "caf\u00e9\u00a0 "),
        ("nbsp\u00a0\ufffe\uffff", "nbsp\u00a0  "),
        ("a\n" * 3000 + "\x0b", "a\n" * 3000 + " "),
        ("\u200d\U0001f600\ud83d\ude00", "\u200d\U0001f600\U0001f600"),
    ],
)
def test_text_that_is_not_printable_is_still_checked_to_the_end(text: str, cleaned: str) -> None:
    # A newline, a no-break space or a joiner makes text not printable, as a character XML
    # cannot hold does: whatever quick answer _xml_text gives first, these must still be caught.
    assert PlainTextSpeech(text).text == cleaned
    assert SimpleCard(text, "c").title == cleaned
    with pytest.raises(ResponseError, match=r": U\+"):
        SsmlSpeech(Ssml(f"<speak>{text}</speak>"))


def test_plain_speech_is_cleaned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # output_speech() and PlainTextSpeech both scanned text that is not printable (a newline is
    # enough): the scan of a long text is the costly part of building its speech, done once.
    calls: list[str] = []

    def counted(text: str) -> str:
        calls.append(text)
        return _xml_text(text)

    monkeypatch.setattr(speech_module, "_xml_text", counted)
    monkeypatch.setattr(speech_module, "_unprintable_xml_text", counted)
    text = "Line one.\nLine two\x00"
    assert output_speech(text) == PlainTextSpeech("Line one.\nLine two ")
    assert speak(text).output_speech == PlainTextSpeech("Line one.\nLine two ")
    assert len(calls) == 4  # once each: the two made here, the two through output_speech()
    with pytest.raises(ResponseError, match="plain text starting with <speak>"):
        output_speech("\x00<speak>Hi</speak>")


def test_text_found_not_printable_is_not_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Speech and card text already known not printable (a newline will do) go straight to the
    # check of what XML holds: the quick isprintable() answer is not asked again of a long text.
    asked: list[str] = []
    quick = xml_text._holds_only_xml

    def counted(text: str) -> bool:
        asked.append(text)
        return quick(text)

    monkeypatch.setattr(xml_text, "_holds_only_xml", counted)
    text = "Line one.\n" * 700 + "\x00"
    cleaned = "Line one.\n" * 700 + " "
    assert PlainTextSpeech(text).text == cleaned
    assert SimpleCard("Title\n", text) == SimpleCard("Title\n", cleaned)
    assert StandardCard("Title", text).text == cleaned
    assert asked == []
    assert ssml.escape("a\nb") == "a\nb"  # the others still ask it first
    assert asked == ["a\nb"]


# --- progressive responses -----------------------------------------------------------------------


def _client(sent: list[httpx.Request]) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_progressive_speech_follows_the_same_rules(anyio_backend: str) -> None:
    sent: list[httpx.Request] = []
    client = _client(sent)
    raw = RequestFactory().intent("GetWeather")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    try:
        with pytest.raises(ResponseError, match="plain text starting with <speak>"):
            await api.progressive('<?xml version="1.0"?><speak>One moment</speak>')
        with pytest.raises(ResponseError, match=r"progressive response speech: U\+D800"):
            await api.progressive(Ssml("<speak>One\ud800 moment</speak>"))
        for nothing in ("\u200b\ufeff", Ssml("<p> </p>"), "\u3164\ufe0f", Ssml("&#8203;")):
            with pytest.raises(ResponseError, match="progressive response speech says nothing"):
                await api.progressive(nothing)  # as for speech
        for element, error in [
            ('<break time="20s"/>', r"<break time='20s'> is 20,000 ms; the limit is 10 s"),
            ("Hi<break time='1000 ms'/>", r"<break time='1000 ms'> is not a duration"),
            ('<audio src="http://x/a.mp3"/>', r"<audio src='http://x/a.mp3'> is no URL"),
            ("Hi<audio/>", r"<audio> has no src"),
            ("Hi<lang>x</lang>", r"<lang> has no xml:lang"),
        ]:
            with pytest.raises(ResponseError, match=rf"^progressive response speech: {error}"):
                await api.progressive(Ssml(element))  # as for speech
        assert sent == []
        assert await api.progressive("One\ud800 moment\x00") is True
        assert await api.progressive(Ssml("<!-- x --><speak>Hi</speak>")) is True
    finally:
        await client.aclose()
    speeches = [json.loads(request.content)["directive"]["speech"] for request in sent]
    assert speeches == ["<speak>One  moment </speak>", "<speak>Hi</speak>"]

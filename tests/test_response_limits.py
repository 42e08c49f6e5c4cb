"""The documented limits of a response, each at its boundary: at the limit taken, one past refused.

The numbers are written out here, not read from the constants: a constant that drifted from
Amazon's figure would otherwise move its test with it. Sources: Amazon's Request and Response
JSON Reference (speech, cards, the 120 KB body), its AudioPlayer Interface Reference (stream
URL and token), its SSML Reference (``<break>``, ``<audio>``) and its progressive response page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill.directives import AudioPlayer, VideoApp
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    Response,
    SimpleCard,
    StandardCard,
    ask,
    encode_response,
    speak,
)
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import Ssml

IMAGE = "https://cdn.example.com/"
STREAM = "https://cdn.example.com/"


def _url(base: str, length: int) -> str:
    """An HTTPS URL of exactly ``length`` characters."""
    return base + "a" * (length - len(base))


def _ssml(length: int, body: str = "") -> Ssml:
    """A ``<speak>`` document of exactly ``length`` characters, ``body`` first in it."""
    filler = length - len("<speak></speak>") - len(body)
    return Ssml(f"<speak>{body}{'a' * filler}</speak>")


def test_plain_text_speech_is_at_most_8000_characters() -> None:
    assert len(speak("a" * 8000).output_speech.text) == 8000  # type: ignore[union-attr]
    with pytest.raises(ResponseError, match=r"^outputSpeech\.text is 8,001 characters; the limit"):
        speak("a" * 8001)


def test_ssml_speech_is_at_most_8000_characters_counting_its_tags() -> None:
    assert len(str(_ssml(8000))) == 8000
    speak(_ssml(8000))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml is 8,001 characters; the limit"):
        speak(_ssml(8001))


def test_a_reprompt_is_at_most_8000_characters() -> None:
    ask("Which one?", reprompt="a" * 8000)
    with pytest.raises(ResponseError, match=r"^reprompt\.outputSpeech\.text is 8,001 characters"):
        ask("Which one?", reprompt="a" * 8001)


def test_a_simple_card_holds_at_most_8000_characters_title_and_content_together() -> None:
    SimpleCard("a" * 100, "b" * 7900)
    with pytest.raises(
        ResponseError, match=r"card text .* is 8,001 characters; the limit is 8,000"
    ):
        SimpleCard("a" * 100, "b" * 7901)


def test_a_standard_card_counts_its_image_urls_in_its_8000_characters() -> None:
    small, large = _url(IMAGE, 2000), _url(IMAGE, 2000)
    StandardCard("a" * 100, "b" * 3900, small_image_url=small, large_image_url=large)
    with pytest.raises(
        ResponseError, match=r"card text .* is 8,001 characters; the limit is 8,000"
    ):
        StandardCard("a" * 100, "b" * 3901, small_image_url=small, large_image_url=large)


def test_a_card_image_url_is_at_most_2000_characters() -> None:
    StandardCard("T", "t", small_image_url=_url(IMAGE, 2000))
    with pytest.raises(ResponseError, match=r"^card\.image\.largeImageUrl is 2,001 characters"):
        StandardCard("T", "t", large_image_url=_url(IMAGE, 2001))


def test_an_audio_stream_url_is_at_most_8000_characters() -> None:
    AudioPlayer.Play(_url(STREAM, 8000), "t")
    with pytest.raises(ResponseError, match=r"stream\.url .*8,001.*8,000"):
        AudioPlayer.Play(_url(STREAM, 8001), "t")


@pytest.mark.parametrize("field", ["token", "expectedPreviousToken"])
def test_an_audio_stream_token_is_at_most_1024_characters(field: str) -> None:
    def play(length: int) -> Any:
        if field == "token":
            return AudioPlayer.Play(STREAM + "a.mp3", "t" * length)
        return AudioPlayer.Play(
            STREAM + "a.mp3",
            "t",
            play_behavior="ENQUEUE",
            expected_previous_token="p" * length,
        )

    play(1024)
    with pytest.raises(ResponseError, match=rf"stream\.{field} .*1,025.*1,024"):
        play(1025)


def test_the_whole_body_is_at_most_120_kb() -> None:
    def body(padding: int) -> bytes:
        return encode_response(speak("Hi"), {"pad": "x" * padding})

    bare = len(body(0))
    at_limit = 120 * 1024 - bare
    assert len(body(at_limit)) == 120 * 1024
    with pytest.raises(
        ResponseError, match=r"^response body is 122,881 bytes; the limit is 122,880"
    ):
        body(at_limit + 1)


def test_an_ssml_speech_plays_at_most_five_audio_clips() -> None:
    clip = '<audio src="https://cdn.example.com/a.mp3"/>'
    speak(Ssml(f"<speak>{clip * 5}</speak>"))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml has 6 <audio> clips; the limit"):
        speak(Ssml(f"<speak>{clip * 6}</speak>"))


@pytest.mark.parametrize(("taken", "refused"), [("10s", "10001ms"), ("10000ms", "10.001s")])
def test_a_break_is_at_most_ten_seconds(taken: str, refused: str) -> None:
    speak(Ssml(f'<speak>Wait<break time="{taken}"/>now.</speak>'))
    with pytest.raises(ResponseError, match=r"the limit is 10 s"):
        speak(Ssml(f'<speak>Wait<break time="{refused}"/>now.</speak>'))


def test_a_progressive_response_is_at_most_600_characters_and_five_per_request() -> None:
    assert len(progressive_document(_ssml(600))) == 600
    with pytest.raises(ResponseError, match=r"601 characters as SSML; the limit is 600"):
        progressive_document(_ssml(601))
    progressive_document("One moment.", sent=4)
    with pytest.raises(ResponseError, match=r"^at most 5 progressive responses per request; this"):
        progressive_document("One moment.", sent=5)


def test_a_progressive_response_holds_at_most_30_seconds_of_audio() -> None:
    pauses = '<break time="10s"/>' * 3
    progressive_document(Ssml(f"<speak>One moment.{pauses}</speak>"))
    with pytest.raises(ResponseError, match=r"holds 30\.001 s of pauses; the limit is 30 s"):
        progressive_document(Ssml(f'<speak>One moment.{pauses}<break time="1ms"/></speak>'))


def test_a_reprompt_needs_the_session_open() -> None:
    assert json.loads(encode_response(ask("Which one?")))["response"]["shouldEndSession"] is False
    speak("Which one?", reprompt="Which?", end_session=False)
    with pytest.raises(ResponseError, match=r"a reprompt needs an open session"):
        speak("Which one?", reprompt="Which?", end_session=True)


def test_a_video_takes_no_reprompt() -> None:
    video = VideoApp.Launch("https://cdn.example.com/v.mp4")
    speak("Here it is.", directives=[video])
    with pytest.raises(ResponseError, match=r"VideoApp\.Launch takes no reprompt"):
        Response(
            output_speech=speak("x").output_speech,
            reprompt=ask("x").reprompt,
            directives=[video],
            should_end_session=False,
        )

"""The SSML errors that quote a value given (an attribute's, an ``<audio>`` source, a part
composed, speech that says nothing, text before a root) quote it as every error does
(`alexaskill.shown_names.shown_value`): a long one by its head, its tail and its length. Each
cut it at 40 to 80 characters with no "…", its end (where a part's fault often is) unsaid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.shown_names import shown_value
from alexaskill.ssml import Ssml

_LONG = "a" * 150


def _refusal(build: Callable[[], object]) -> str:
    with pytest.raises(ResponseError) as refused:
        build()
    return str(refused.value)


def test_an_attribute_value_refused_is_quoted_by_its_head_and_tail() -> None:
    markup = Ssml(f"{_LONG} <b/> TAIL")
    said = _refusal(lambda: ssml.sub("x", markup))
    assert said.startswith(f"SSML <sub alias> is given markup ({shown_value(str(markup))}): ")
    reference = Ssml(f"{_LONG} &bogus; TAIL")
    said = _refusal(lambda: ssml.sub("x", reference))
    assert said.startswith(f"SSML <sub alias> value {shown_value(str(reference))}: ")


def test_an_audio_source_refused_is_quoted_by_its_head_and_tail() -> None:
    # A source no URL was quoted whole (a 5,000-character one made as long a message); one too
    # long for speech by its first 60 characters.
    src = f"http://example.com/{_LONG}/TAIL.mp3"
    said = _refusal(lambda: ssml.audio(src))
    assert said.startswith(f"SSML <audio src={shown_value(src)}> is no URL Alexa can fetch: ")
    src = f"https://example.com/{'a' * 8000}/TAIL.mp3"
    said = _refusal(lambda: ssml.audio(src))
    assert said.startswith(f"SSML <audio src={shown_value(src)}> is 8,0")
    assert ssml.ssml_error(f'<speak><audio src="http://{_LONG}/TAIL.mp3"/></speak>') == (
        f"<audio src={shown_value(f'http://{_LONG}/TAIL.mp3')}> is no URL Alexa can fetch: "
        "Alexa fetches files over HTTPS only"
    )


@pytest.mark.parametrize(
    "part",
    [
        Ssml(f"<!-- a -- b --><speak>{_LONG} TAIL</speak>"),  # its prolog
        Ssml(f"<speak>{_LONG}</speak><!-- a -- b -->"),  # after its root
        Ssml(f"{_LONG} <!-- TAIL"),  # a comment left open
        Ssml(f"{_LONG} <p"),  # markup cut short
        Ssml(f"<speak>{_LONG}<?xml version='1.0'?> TAIL</speak>"),  # a declaration dropped
        Ssml(f"<!DOCTYPE speak><speak>{_LONG} TAIL</speak>"),
    ],
)
def test_a_part_refused_is_named_by_its_head_and_tail(part: Ssml) -> None:
    said = _refusal(lambda: ssml.speak("x ", part))
    assert said.startswith(f"SSML part {shown_value(str(part))}"), said


def test_speech_that_says_nothing_is_quoted_by_its_head_and_tail() -> None:
    document = Ssml(f"<speak>{' ' * 150}<p/></speak>")
    said = _refusal(lambda: SsmlSpeech(document))
    assert said.startswith(f"outputSpeech.ssml says nothing ({shown_value(str(document))}): ")


def test_text_before_a_root_is_quoted_by_its_head_and_tail() -> None:
    said = ssml.ssml_error(f"{_LONG} TAIL<speak>Hi</speak>") or ""
    assert said.startswith(f"{shown_value(f'{_LONG} TAIL')} before its <speak> root: "), said
